"""``mailcheck dialects [PATH...]``: the template dialects, or what each campaign is read as."""

from __future__ import annotations

import argparse

HELP = "list the template dialects, or say which one each campaign is read as and why"
DESCRIPTION = """\
Without a path: every template dialect mailcheck reads (built in or added by a plugin through
the mailcheck.dialects entry-point group), its platforms and its unsubscribe tags.

With paths: for each campaign, the dialect it is read as and why (template = / esp = in
campaign.toml or the configuration, or the tags found), or why it was not understood (PER007).

examples:
  mailcheck dialects
  mailcheck dialects campaigns/black-friday
"""


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="campaigns to explain")
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (text)"
    )


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from mailcheck.templating.catalogue import load_catalogue

    catalogue = load_catalogue()
    for problem in catalogue.problems:
        print(f"mailcheck: warning: {problem}", file=sys.stderr)
    if not args.paths:
        rows = [
            {
                "dialect": d.name,
                "summary": d.summary,
                "platforms": sorted(d.platforms),
                "unsubscribe": list(d.unsubscribe),
            }
            for d in sorted(catalogue.dialects.values(), key=lambda d: d.name)
        ]
        if args.format == "json":
            print(json.dumps({"version": 1, "dialects": rows}, ensure_ascii=False, indent=2))
            return 0
        for d in sorted(catalogue.dialects.values(), key=lambda d: d.name):
            platforms = f" [esp: {', '.join(sorted(d.platforms))}]" if d.platforms else ""
            print(f"{d.name:<11} {d.summary}{platforms}")
        return 0

    from mailcheck.commands.common import config_from_args
    from mailcheck.engine import discover, prepare

    config = config_from_args(args)
    found: list[dict[str, object]] = []
    for source in discover(args.paths):
        c = prepare(source, config)
        unread = c.load_error or c.not_read  # broken, or a file mailcheck does not check
        if unread:
            found.append({"campaign": c.source, "dialect": None, "why": unread})
            continue
        why = c.dialect_unclear or c.dialect_reason
        found.append(
            {
                "campaign": c.source,
                "dialect": c.dialect,
                "understood": c.dialect_unclear is None,
                "why": why,
            }
        )
    if args.format == "json":
        print(json.dumps({"version": 1, "campaigns": found}, ensure_ascii=False, indent=2))
        return 0
    for row in found:
        if row["dialect"] is None:
            print(f"{row['campaign']}: not read ({row['why']})")
        elif row.get("understood") is False:
            print(f"{row['campaign']}: not understood — {row['why']}")
        else:
            print(f"{row['campaign']}: {row['dialect']} — {row['why']}")
    return 0
