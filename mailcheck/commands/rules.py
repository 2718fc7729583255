"""``mailcheck rules``: list every rule."""

from __future__ import annotations

import argparse

HELP = "list every rule: code, severity, name and what it finds, one line each"

READS_CONFIG = False  # the rules as mailcheck and its plugins ship them


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (text)"
    )


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
                "summary": r.oneliner,
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
    name_width = max((len(r.name) for r in rules), default=4)
    print(f"{'code':<9} {'sev':<4} {'rule':<{name_width}}  what it finds")
    for r in rules:
        net = " (network)" if r.network else ""
        sev = "E" if r.severity.value == "error" else "W"
        print(f"{r.code:<9} {sev:<4} {r.name:<{name_width}}  {r.oneliner}{net}")
    print("\n`mailcheck rule CODE` shows a rule's page: why it matters, an example, how to fix it.")
    print('\ntemplate dialects (template = "…" in campaign.toml; `mailcheck dialects` explains):')
    for d in dialects:
        print(f"  {d.name:<11} {d.summary}")
    return 0
