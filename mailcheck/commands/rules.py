"""``mailcheck rules``: list every rule."""

from __future__ import annotations

import argparse

HELP = "list every rule with its code, severity and summary"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    import json

    from mailcheck.registry import load_registry, warn_problems

    registry = load_registry()
    warn_problems(registry)
    rules = registry.sorted()
    if args.format == "json":
        data = [
            {
                "code": r.code,
                "rule": r.name,
                "severity": r.severity.value,
                "network": r.network,
                "summary": r.summary,
                "plugin": r.origin,
            }
            for r in rules
        ]
        print(json.dumps({"version": 1, "rules": data}, ensure_ascii=False, indent=2))
        return 0
    for r in rules:
        net = " (network)" if r.network else ""
        print(f"{r.code:<9} {r.severity.value:<8} {r.name:<28} {r.summary}{net}")
    return 0
