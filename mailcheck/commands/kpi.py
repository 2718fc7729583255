"""``mailcheck kpi``: the error-free launch rate and its companions, per client and month."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from mailcheck.config import Config
from mailcheck.i18n import DEFAULT_LANGUAGE, N_, translations
from mailcheck.inert import csv_cell, inert

HELP = "error-free launch rate, incidents and on-time rate per client and month"
DESCRIPTION = """\
Report the KPIs agency contracts measure, per client and calendar month (UTC) of the launch:
launches, error-free launches and their rate (launches with no error-severity incident the
agency answers for ÷ launches: the contract figure; "rate (all)" counts every owner's),
incidents by code, severity, owner and class, escaped defects (found only after launch),
errors caught before launch (refused attempts), on-time rate (launched no later than send_at),
mean time from detection to resolution, and against a plan:

  mailcheck kpi --client acme --period 2026-11
  mailcheck kpi --from 2026-09-01 --to 2026-11-30 --format csv > kpi.csv
  mailcheck kpi --period 2026-11 --target error_free_rate=95% --target on_time_rate=0.9 \\
      --weight error_free_rate=0.7 --weight on_time_rate=0.3

Each --target NAME=PLAN reports fact ÷ plan; --weight NAME=W (for a targeted NAME) adds the
bonus coefficient Σ wᵢ·factᵢ/planᵢ. Target names: error_free_rate, on_time_rate, error_free,
launches (rates take 0..1 or a percentage). Incidents count in the month of their launch.
Rates without launches are null (text: "–").

What counts is what `mailcheck launch` recorded: a forced launch, or one whose --select/--ignore
left out checks with errors, is a launch but not error-free (those errors are its incidents); a
refused attempt is not a launch (its errors are caught before launch); a retried CI job counts
once. Without --period or --from/--to every month with launches is reported.

exit codes: 0 done, 2 usage error or a database that cannot be used"""

FORMATS = ("text", "json", "csv", "html")


def configure(p: argparse.ArgumentParser) -> None:
    from mailcheck.commands.common import client_name

    p.add_argument("--client", metavar="C", type=client_name, help="only this client")
    p.add_argument(
        "--period", metavar="YYYY-MM", help="one month, e.g. 2026-11 (default: every month)"
    )
    p.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD (with --to)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, inclusive (with --from)")
    p.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="NAME=PLAN",
        help="the plan for a KPI, e.g. error_free_rate=95%%; reports fact ÷ plan (repeatable)",
    )
    p.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="NAME=W",
        help="a --target's weight in the bonus coefficient, e.g. error_free_rate=0.7 (repeatable)",
    )
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the output here, not stdout")
    from mailcheck.commands.common import add_language_option

    add_language_option(p)


def _pct(value: object, language: str = DEFAULT_LANGUAGE) -> str:
    """A rate as a percentage with one decimal, in the language's way (CLDR via Babel, as the
    HTML report localizes it): ``66.7%`` in English, ``66,7 %`` in Russian."""
    if value is None:
        return "–"
    from babel import Locale
    from babel.numbers import format_percent

    pattern = Locale.parse(language).percent_formats[None].pattern  # "#,##0%", "#,##0 %"
    one_decimal = pattern.replace("#,##0", "#,##0.0", 1)
    return str(format_percent(float(value), format=one_decimal, locale=language))  # type: ignore[arg-type]


def _num(value: object, language: str = DEFAULT_LANGUAGE) -> str:
    """A figure (hours, a ratio, a plan) as reported, to 4 places at most, in the language's
    way: ``0.0019`` in English, ``0,0019`` in Russian."""
    if value is None:
        return "–"
    from babel.numbers import format_decimal

    return str(format_decimal(float(value), format="#,##0.####", locale=language))  # type: ignore[arg-type]


# Owners and classes as the HTML report names them (the same catalogue entries)
OWNER_NAMES = {"agency": N_("agency"), "client": N_("client"), "esp": N_("ESP"),
               "unknown": N_("not attributed")}  # fmt: skip
CLASS_NAMES = {"critical": N_("critical"), "major": N_("major"), "minor": N_("minor")}


# The text table's column heads (the CSV's columns are data names, in English for scripts)
TEXT_HEAD = (
    N_("client"),
    N_("period"),
    N_("launches"),
    N_("error-free"),
    N_("rate"),
    N_("rate (all)"),
    N_("incidents"),
    N_("caught"),
    N_("on-time"),
    N_("MTTR h"),
    N_("bonus"),
)


def format_text(data: dict[str, object], language: str = DEFAULT_LANGUAGE) -> str:
    say = translations(language).gettext
    periods = data["periods"]
    assert isinstance(periods, list)
    if not periods:
        return say(N_("no launches recorded for this selection.")) + "\n"
    head = tuple(say(label) for label in TEXT_HEAD)
    label = {
        text: say(text)
        for text in (
            N_("by code"),
            N_("by owner"),
            N_("by class"),
            N_("escaped defects"),
            N_("fact"),
            N_("plan"),
        )
    }
    rows = [
        (
            inert(str(p["client"])),
            inert(str(p["period"])),
            str(p["launches"]),
            str(p["error_free"]),
            _pct(p["error_free_rate"], language),
            _pct(p["error_free_rate_all"], language),
            str(p["incidents"]),
            str(p["caught_before_launch"]),
            _pct(p["on_time_rate"], language),
            _num(p["mttr_hours"], language),
            _num(p["bonus_coefficient"], language),
        )
        for p in periods
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in [head, *rows]]  # fmt: skip
    details = []
    for p in periods:
        extra = []
        if p["by_code"]:
            counts = ", ".join(f"{c} {n}" for c, n in p["by_code"].items())
            extra.append(f"{label['by code']}: {counts}")
        if p["incidents"]:
            owners = ", ".join(
                f"{say(OWNER_NAMES.get(o, o))} {n}" for o, n in p["by_owner"].items() if n
            )
            classes = ", ".join(
                f"{say(CLASS_NAMES.get(c, c))} {n}" for c, n in p["by_class"].items() if n
            )
            extra.append(f"{label['by owner']}: {owners}")
            extra.append(f"{label['by class']}: {classes}")
            escaped = f"{p['escaped_defects']} ({_pct(p['escaped_defect_rate'], language)})"
            extra.append(f"{label['escaped defects']}: {escaped}")
        for name, target in p["targets"].items():
            extra.append(
                f"{name}: {label['fact']} {_num(target['fact'], language)} / {label['plan']} "
                f"{_num(target['plan'], language)} = {_num(target['ratio'], language)}"
            )
        if extra:
            details.append(inert(f"{p['client']} {p['period']}: " + "; ".join(extra)))
    return "\n".join(lines + (["", *details] if details else [])) + "\n"


CSV_COLUMNS = (
    "client",
    "period",
    "launches",
    "error_free",
    "error_free_rate",
    "error_free_all",
    "error_free_rate_all",
    "incidents",
    "errors",
    "warnings",
    "caught_before_launch",
    "refused",
    "forced",
    "on_time_rate",
    "mttr_hours",
    "open_incidents",
    "escaped_defects",
    "escaped_defect_rate",
    "by_code",
    "by_owner",
    "by_class",
    "bonus_coefficient",
    # appended (scripts read the columns above by position): the JSON's other counts
    "refused_then_forced",
    "on_time",
    "scheduled",
    "launched_with_errors",
)


def format_csv(data: dict[str, object]) -> str:
    periods = data["periods"]
    assert isinstance(periods, list)
    targets = sorted({name for p in periods for name in p["targets"]})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    target_cols = [f"{n}_{part}" for n in targets for part in ("plan", "fact", "ratio")]
    writer.writerow([*CSV_COLUMNS, *target_cols])
    for p in periods:
        flat = {
            **p,
            "errors": p["by_severity"]["error"],
            "warnings": p["by_severity"]["warning"],
            "by_code": ";".join(f"{c}:{n}" for c, n in p["by_code"].items()),
            "by_owner": ";".join(f"{c}:{n}" for c, n in p["by_owner"].items()),
            "by_class": ";".join(f"{c}:{n}" for c, n in p["by_class"].items()),
        }
        row = ["" if flat[c] is None else flat[c] for c in CSV_COLUMNS]
        for n in targets:
            t = p["targets"].get(n, {})
            row += ["" if t.get(k) is None else t[k] for k in ("plan", "fact", "ratio")]
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


def render_html(
    data: dict[str, object], config: Config, notes: dict[str, list[str]] | None = None
) -> str:
    from mailcheck.engine import UsageError

    try:
        from mailcheck.reports.kpi_html import render_kpi_html
    except ModuleNotFoundError as exc:
        if exc.name not in ("mailcheck.reports.kpi_html",):
            raise
        raise UsageError(
            "--format html needs the HTML KPI report (mailcheck.reports.kpi_html), which this "
            "installation lacks; use --format json, csv or text"
        ) from None
    html: str = render_kpi_html(data, config, notes=notes)
    return html


def _warn_if_unknown_client(client: str, known: set[str]) -> None:
    """A client no launch was ever recorded for: a row of zeros would read as a month
    without launches, when the name is mistyped ("Ромашка" for "romashka")."""
    if client in known:
        return
    listed = ", ".join(sorted(known)[:10]) or "none yet"
    print(
        f"mailcheck: warning: no launch of client {client!r} is recorded at all (names are "
        f"matched exactly; clients in the log: {listed})",
        file=sys.stderr,
    )


def run(args: argparse.Namespace) -> int:
    from mailcheck.commands.common import (
        config_from_args,
        refuse_overwriting_inputs,
        say_database,
        write_output,
    )
    from mailcheck.kpi import KpiError, compute, parse_targets, window
    from mailcheck.store import open_store

    try:
        plans, weights = parse_targets(args.target, args.weight)
        since, until, months = window(args.period, args.start, args.end)
    except KpiError as exc:
        print(f"mailcheck: error: {exc}", file=sys.stderr)
        return 2
    config = config_from_args(args)
    refuse_overwriting_inputs(args.output, [], database=config.db_url)
    say_database(config)
    with open_store(config.db_url, readonly=True) as store:
        attempts = store.launches(client=args.client, since=since, until=until)
        incidents = store.incidents(client=args.client, since=since, until=until)
        # a refused attempt of the period whose content went out later with its errors (forced,
        # or past the checks a narrowed launch skipped) was not caught
        later = (
            store.launches(client=args.client, since=until, status="launched")
            if until is not None
            else []
        )
        if args.client and not attempts:
            _warn_if_unknown_client(args.client, {a.client for a in store.launches()})
    data = compute(
        attempts,
        incidents,
        months=months,
        clients=[args.client] if args.client else None,
        plans=plans,
        weights=weights,
        later=later,
    )
    if args.format == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        text = format_csv(data)
    elif args.format == "html":
        # a code of the team's own (incident add --code WRONG-PRICE) is named by its notes
        notes: dict[str, list[str]] = {}
        for incident in incidents:
            if incident.source == "manual":
                notes.setdefault(incident.code, []).append(incident.note)
        text = render_html(data, config, notes)
    else:
        text = format_text(data, config.report.language)
    write_output(text, args.output)
    return 0
