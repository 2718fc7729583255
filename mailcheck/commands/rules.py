"""``mailcheck rules``: list every rule."""

from __future__ import annotations

import argparse

HELP = "list every rule with its code, severity and summary"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    import json

    from mailcheck.registry import load_registry, warn_problems
    from mailcheck.templating.catalogue import load_catalogue

    registry = load_registry()
    warn_problems(registry)
    rules = registry.sorted()
    dialects = sorted(load_catalogue().dialects.values(), key=lambda d: d.name)
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
        shown = [{"dialect": d.name, "summary": d.summary} for d in dialects]
        print(
            json.dumps(
                {"version": 1, "rules": data, "dialects": shown}, ensure_ascii=False, indent=2
            )
        )
        return 0
    for r in rules:
        net = " (network)" if r.network else ""
        print(f"{r.code:<9} {r.severity.value:<8} {r.name:<28} {r.summary}{net}")
    print('\ntemplate dialects (template = "…" in campaign.toml; `mailcheck dialects` explains):')
    for d in dialects:
        print(f"  {d.name:<11} {d.summary}")
    return 0
