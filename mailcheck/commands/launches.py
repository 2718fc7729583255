"""``mailcheck launches``: the launch log, so that a launch id can be found again."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from mailcheck.i18n import DEFAULT_LANGUAGE, N_, translations
from mailcheck.store.records import IncidentRow, LaunchRow

HELP = "list recorded launches (id, campaign, client, time, verdict, reason, incidents)"
DESCRIPTION = """\
List the launch attempts recorded by `mailcheck launch`, oldest first: the id that
`mailcheck incident add --launch ID` needs, the campaign and client, when it was launched and by
whom, the gate's verdict (launched, forced, relaunch, refused), the reason of a forced launch and
the incidents logged against it.

  mailcheck launches --client acme --period 2026-11
  mailcheck launches --from 2026-11-01 --to 2026-11-15 --format json

Periods are calendar months (UTC) of the launch time, as in `mailcheck kpi`.

exit codes: 0 done, 2 usage error or a database that cannot be used"""


def configure(p: argparse.ArgumentParser) -> None:
    from mailcheck.commands.common import add_language_option, client_name

    p.add_argument("--client", metavar="C", type=client_name, help="only this client")
    p.add_argument("--period", metavar="YYYY-MM", help="one month, e.g. 2026-11")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, inclusive")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output (text)")
    add_language_option(p)


VERDICT_NAMES = {"refused": N_("refused"), "forced": N_("forced"), "relaunch": N_("relaunch"),
                 "launched": N_("launched")}  # fmt: skip
TEXT_HEAD = (
    N_("id"),
    N_("launched at (UTC)"),
    N_("client"),
    N_("campaign"),
    N_("verdict"),
    N_("errors"),
    N_("incidents"),
)


def verdict(row: LaunchRow) -> str:
    if row.status == "refused":
        return "refused"
    if row.forced:
        return "forced"
    return "relaunch" if row.relaunch else "launched"


def as_records(launches: list[LaunchRow], incidents: list[IncidentRow]) -> list[dict[str, object]]:
    counted = Counter(i.launch_id for i in incidents)
    still_open = Counter(i.launch_id for i in incidents if i.resolved_at is None)
    return [
        {
            **row.to_json(),
            "verdict": verdict(row),
            "incidents": counted[row.id],
            "open_incidents": still_open[row.id],
        }
        for row in launches
    ]


def format_text(records: list[dict[str, object]], language: str = DEFAULT_LANGUAGE) -> str:
    """The launch log as a table in the agency's report language (the JSON keeps the codes)."""
    tr = translations(language)
    if not records:
        return tr.gettext(N_("no launches recorded for this selection.")) + "\n"
    from mailcheck.inert import inert

    head = tuple(tr.gettext(label) for label in TEXT_HEAD)
    rows = [
        (
            f"#{r['id']}",
            str(r["launched_at"]).replace("+00:00", ""),
            # names come from campaign files: a line break or an escape sequence in one must
            # not write a CI log command ("::error …") or drive the terminal
            inert(str(r["client"])),
            inert(str(r["campaign"])),
            tr.gettext(VERDICT_NAMES[str(r["verdict"])]),
            str(r["errors"]),
            tr.gettext(N_("%(count)s (%(open)s open)"))
            % {"count": r["incidents"], "open": r["open_incidents"]}
            if r["incidents"]
            else "0",
        )
        for r in records
    ]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    lines = []
    for shown, record in zip([head, *rows], [None, *records], strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip())
        if record is not None and record["reason"]:
            reason = tr.gettext(N_("reason: %(reason)s")) % {"reason": inert(str(record["reason"]))}
            lines.append(f"      {reason}")
        if record is not None and record.get("offline") and record["status"] == "launched":
            lines.append("      " + tr.gettext(N_("checked offline: links and DNS not verified")))
    count = len(records)
    total = tr.ngettext("%(n)s launch attempt.", "%(n)s launch attempts.", count) % {"n": count}
    return "\n".join(lines) + f"\n{total}\n"


def run(args: argparse.Namespace) -> int:
    from mailcheck.commands.common import config_from_args, say_database
    from mailcheck.kpi import KpiError, window
    from mailcheck.store import open_store

    try:
        since, until, _months = window(args.period, args.start, args.end)
    except KpiError as exc:
        print(f"mailcheck: error: {exc}", file=sys.stderr)
        return 2
    config = config_from_args(args)
    say_database(config)
    with open_store(config.db_url, readonly=True) as store:
        launches = store.launches(client=args.client, since=since, until=until)
        incidents = store.incidents(client=args.client, since=since, until=until)
    records = as_records(launches, incidents)
    if args.format == "json":
        sys.stdout.write(
            json.dumps({"version": 1, "launches": records}, ensure_ascii=False, indent=2) + "\n"
        )
    else:
        sys.stdout.write(format_text(records, config.report.language))
    return 0
