"""The error-free launch KPI and its companions, computed from launch and incident records.

Pure computation: no database, no I/O. ``mailcheck kpi`` fetches the rows and formats the
result; tests feed rows directly.

Definitions (per client and calendar month, UTC, of the launch attempt):

* ``launches`` — attempts recorded as launched (forced ones included);
* ``error_free`` — launches with no incident of severity ``error`` that the agency answers for
  (owner ``agency``, or ``unknown`` until attributed; see :mod:`mailcheck.owners`), whenever
  it was found (at launch with ``--force`` or by checks ``--select``/``--ignore`` skipped at
  launch, by the monitor, or logged by hand later);
* ``error_free_rate`` — error_free ÷ launches (null without launches): the contract figure;
* ``error_free_all``, ``error_free_rate_all`` — the same counting every owner's incidents;
* ``by_owner``, ``by_class`` — incidents per owner and per class (critical, major, minor);
* ``escaped_defects`` — error incidents found after launch (monitor, by hand), and
  ``escaped_defect_rate`` — their share of all the period's defects (errors caught at the gate
  + errors launched with ``--force`` + errors found after launch);
* ``incidents`` — incidents of those launches, ``by_code`` and ``by_severity``;
* ``caught_before_launch`` — error findings of refused attempts (the gate's catch), but not
  of an attempt whose same content of the campaign was then launched with ``--force``, or
  with ``--select``/``--ignore`` past checks that found errors: those errors went out, and
  count as that launch's incidents, not as caught (``refused_then_forced`` counts such
  attempts);
* ``forced`` — launches with ``--force`` past errors; ``launched_with_errors`` — launches that
  went out with errors known at the gate: with ``--force``, or past the errors of the checks
  their ``--select``/``--ignore`` left out (each such error is an incident of the launch);
* ``on_time_rate`` — launches with launched ≤ send_at ÷ launches that had a send_at;
* ``mttr_hours`` — mean detected→resolved time of the resolved incidents;
* ``targets`` — fact ÷ plan per ``--target``; ``bonus_coefficient`` — Σ wᵢ·factᵢ/planᵢ over
  the targets given a ``--weight``.

A retried gate decision counts once: rows recorded before launches were idempotent (schema
version 1) may hold the same content of a campaign launched several times by retried jobs, and
the same files refused again with other ``--select``/``--ignore`` are recorded as attempts of
their own; :func:`fold_retries` keeps the first (``--relaunch`` rows are real second sends and
stay), and a refusal's caught defects are those of all its retries, each once.

Every figure is computed exactly and rounded once, when it is reported (a ratio of a rounded
rate would drift: 0.3333/0.95 is 0.3508, the exact 1/3 ÷ 0.95 is 0.3509).

Only KPIs where more is better can be targets, so that a ratio ≥ 1 always means "plan met"
and the weighted sum rewards what the contract rewards; incident counts and MTTR are reported
but not target-able (fact ÷ plan would reward more incidents).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

from mailcheck.owners import IMPACTS, OWNERS
from mailcheck.store.records import IncidentRow, LaunchRow

TARGETABLE: dict[str, str] = {
    "error_free_rate": "share of launches with no error incident (0..1 or a percentage)",
    "on_time_rate": "share of scheduled launches sent no later than send_at (0..1 or %)",
    "error_free": "number of error-free launches",
    "launches": "number of launches",
}
RATES = {"error_free_rate", "on_time_rate"}
CONTRACT_OWNERS = frozenset({"agency", "unknown"})  # unknown counts until attributed
DIGITS = 4


class KpiError(ValueError):
    """Bad KPI arguments: unknown names, bad numbers, bad periods (exit 2)."""


# -- arguments ---------------------------------------------------------------------------


def _valid_names() -> str:
    return ", ".join(sorted(TARGETABLE))


def parse_assignments(items: Sequence[str], what: str) -> dict[str, float]:
    """``NAME=NUMBER`` pairs (``NUMBER`` may be a percentage for rates)."""
    found: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name:
            raise KpiError(f"--{what} {item!r}: expected NAME=VALUE, e.g. error_free_rate=0.95")
        if name not in TARGETABLE:
            raise KpiError(f"--{what}: unknown KPI {name!r}; valid names: {_valid_names()}")
        raw = raw.strip()
        percent = raw.endswith("%")
        try:
            value = float(raw[:-1] if percent else raw)
        except ValueError:
            raise KpiError(f"--{what} {item!r}: {raw!r} is not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise KpiError(f"--{what} {item!r}: {raw!r} is not a finite number")
        if percent:
            if name not in RATES or what != "target":
                raise KpiError(f"--{what} {item!r}: only rate targets may be percentages")
            value /= 100
        elif what == "target" and name in RATES and value > 1:
            # "95" meant 95 %: read as a fraction it would be a plan of 9,500 %
            raise KpiError(
                f"--{what} {item!r}: {name} is a rate from 0 to 1; write {value / 100:g} or {raw}%"
            )
        if name in found:
            raise KpiError(f"--{what}: {name} given twice")
        found[name] = value
    return found


def parse_targets(
    targets: Sequence[str], weights: Sequence[str]
) -> tuple[dict[str, float], dict[str, float]]:
    plans = parse_assignments(targets, "target")
    for name, plan in plans.items():
        if plan <= 0:
            raise KpiError(f"--target {name}: the plan must be greater than 0")
    ws = parse_assignments(weights, "weight")
    for name, w in ws.items():
        if name not in plans:
            raise KpiError(f"--weight {name}: no --target {name}=PLAN to weigh")
        if w < 0:
            raise KpiError(f"--weight {name}: a weight must not be negative")
        # fact ÷ plan × weight must stay a number JSON can hold (1e308 ÷ 1e-320 does not)
        if not math.isfinite(w / plans[name] * MAX_FACT):
            raise KpiError(f"--weight {name} with --target {name}: too large to compute")
    return plans, ws


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# The largest fact a KPI can have: a count of launches in a window (rates are at most 1)
MAX_FACT = 1e9

# A launch is recorded with the time it happened: the years a KPI can ask about
YEARS = range(1970, 9999)
MAX_MONTHS = 120  # one report: ten years at most (--from 0206-01-01 is a typo for 2026)


def parse_month(text: str) -> date:
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise KpiError(f"--period {text!r}: expected a month as YYYY-MM, e.g. 2026-11")
    if int(m.group(1)) not in YEARS:
        raise KpiError(f"--period {text!r}: the year is out of range ({YEARS[0]}–{YEARS[-1]})")
    return date(int(m.group(1)), int(m.group(2)), 1)


def parse_day(text: str, what: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise KpiError(f"--{what} {text!r}: expected a date as YYYY-MM-DD") from None
    if day.year not in YEARS:
        raise KpiError(f"--{what} {text!r}: the year is out of range ({YEARS[0]}–{YEARS[-1]})")
    return day


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def month_key(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m")


def months_between(first: date, last: date) -> list[str]:
    """Every month touched by the days ``first``..``last`` (inclusive)."""
    out: list[str] = []
    cur = date(first.year, first.month, 1)
    while cur <= last:
        out.append(cur.strftime("%Y-%m"))
        cur = _next_month(cur)
    return out


def window(
    period: str | None, start: str | None, end: str | None
) -> tuple[datetime | None, datetime | None, list[str] | None]:
    """(since, until-exclusive, months to show) for ``--period`` or ``--from``/``--to``."""
    if period and (start or end):
        raise KpiError("give either --period or --from/--to, not both")
    if period:
        first = parse_month(period)
        return _utc(first), _utc(_next_month(first)), [first.strftime("%Y-%m")]
    if not start and not end:
        return None, None, None
    if not (start and end):
        raise KpiError("--from and --to go together")
    d0, d1 = parse_day(start, "from"), parse_day(end, "to")
    if d1 < d0:
        raise KpiError(f"--to {end} is before --from {start}")
    if (d1.year - d0.year) * 12 + d1.month - d0.month >= MAX_MONTHS:
        raise KpiError(
            f"--from {start} --to {end} spans more than {MAX_MONTHS} months: check the dates"
        )
    return _utc(d0), _utc(d1 + timedelta(days=1)), months_between(d0, d1)


def _utc(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


# -- computation -------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rounded(value: float | None) -> float | None:
    return round(value, DIGITS) if value is not None else None


def fold_retries(
    attempts: Iterable[LaunchRow], incidents: Iterable[IncidentRow]
) -> tuple[list[LaunchRow], list[IncidentRow]]:
    """One row per gate decision: a later row with the same status, client, campaign and
    files is a retry, not another launch or refusal (unless it is a ``--relaunch``). The files
    are the same however narrowly each attempt was checked (``--select``/``--ignore``): a
    launch of files launched before is the same send (schema version 5 recorded such repeats
    as new launches), and a refusal of files refused before is the same refusal.

    A folded refusal's defects join the first one's: the first counts the defects every check
    of those files caught, each once (a check narrowed to SUB and a full check of the same
    files catch one SUB002, not two); rows whose defects were not read count their errors.

    Incidents logged against a folded row move to the first one; the copies of the gate's own
    incidents (a forced retry logs the same errors again) are dropped.
    """
    first: dict[tuple[str, str, str, str], int] = {}
    moved: dict[int, int] = {}
    kept: dict[int, LaunchRow] = {}
    for a in sorted(attempts, key=lambda row: row.id):
        if a.relaunch and a.status == "launched":
            kept[a.id] = a
            continue
        key = (a.status, a.client, a.campaign, a.sources_hash)
        if key not in first:
            first[key] = a.id
            kept[a.id] = a
            continue
        moved[a.id] = first[key]
        if a.status == "refused":
            kept[first[key]] = _joined(kept[first[key]], a)
    folded = [
        i if i.launch_id not in moved else dataclasses.replace(i, launch_id=moved[i.launch_id])
        for i in incidents
        if not (i.launch_id in moved and i.source == "launch")
    ]
    return list(kept.values()), folded


def _joined(refusal: LaunchRow, retry: LaunchRow) -> LaunchRow:
    """``refusal`` counting the defects ``retry`` caught in the same files too."""
    if refusal.defects is None or retry.defects is None:
        # not read: at least as many as either check found
        return dataclasses.replace(refusal, errors=max(refusal.errors, retry.errors), defects=None)
    defects = refusal.defects | retry.defects
    return dataclasses.replace(refusal, errors=len(defects), defects=defects)


def sent_anyway(attempts: Iterable[LaunchRow]) -> frozenset[int]:
    """The refused attempts whose same files (client, campaign, source hash) were launched
    afterwards with errors known at the gate — with ``--force``, or past the checks its
    ``--select``/``--ignore`` skipped, whose errors became its incidents: the errors the gate
    caught went out all the same. The files are compared however narrowly each attempt was
    checked (:attr:`LaunchRow.sources_hash`): ``--ignore SUB002`` is not other content."""
    rows = list(attempts)
    last_sent: dict[tuple[str, str, str], int] = {}
    for a in rows:
        if a.sent_with_errors:
            key = (a.client, a.campaign, a.sources_hash)
            last_sent[key] = max(a.id, last_sent.get(key, a.id))
    return frozenset(
        a.id
        for a in rows
        if a.status == "refused" and a.id < last_sent.get((a.client, a.campaign, a.sources_hash), 0)
    )


def period_kpis(
    client: str,
    period: str,
    attempts: Iterable[LaunchRow],
    incidents: Iterable[IncidentRow],
    plans: dict[str, float] | None = None,
    weights: dict[str, float] | None = None,
    *,
    forced_later: frozenset[int] = frozenset(),
) -> dict[str, object]:
    """The KPI record of one client and month from its attempts and their incidents.

    ``forced_later``: ids of refused attempts whose content was launched with errors
    afterwards (``--force``, or past skipped checks: :func:`sent_anyway`); their errors are
    not caught before launch.
    """
    attempts = list(attempts)
    launched = [a for a in attempts if a.status == "launched"]
    launched_ids = {a.id for a in launched}
    own = [i for i in incidents if i.launch_id in launched_ids]
    errors = [i for i in own if i.severity == "error"]
    with_error = {i.launch_id for i in errors}
    agency_errors = {i.launch_id for i in errors if i.owner in CONTRACT_OWNERS}
    error_free = len(launched_ids - agency_errors)
    error_free_all = len(launched_ids - with_error)
    escaped = sum(1 for i in errors if i.source != "launch")
    scheduled = [a for a in launched if a.send_at is not None]
    on_time = sum(1 for a in scheduled if a.send_at is not None and a.attempted_at <= a.send_at)
    resolved = [i for i in own if i.resolved_at is not None]
    hours = [
        (i.resolved_at - i.detected_at).total_seconds() / 3600
        for i in resolved
        if i.resolved_at is not None
    ]
    refused = [a for a in attempts if a.status == "refused"]
    severity = Counter(i.severity for i in own)
    # the same defects are never both caught at the gate and sent with a forced or narrowed
    # launch
    caught = sum(a.errors for a in refused if a.id not in forced_later)
    owners = Counter(i.owner for i in own)
    classes = Counter(i.impact_class for i in own)
    exact: dict[str, float | None] = {
        "launches": len(launched),
        "error_free": error_free,
        "error_free_rate": _rate(error_free, len(launched)),
        "error_free_rate_all": _rate(error_free_all, len(launched)),
        "on_time_rate": _rate(on_time, len(scheduled)),
        "escaped_defect_rate": _rate(escaped, caught + len(errors)),
    }
    record: dict[str, object] = {
        "client": client,
        "period": period,
        "launches": len(launched),
        "error_free": error_free,
        "error_free_rate": _rounded(exact["error_free_rate"]),
        "error_free_all": error_free_all,
        "error_free_rate_all": _rounded(exact["error_free_rate_all"]),
        "incidents": len(own),
        "caught_before_launch": caught,
        "escaped_defects": escaped,
        "escaped_defect_rate": _rounded(exact["escaped_defect_rate"]),
        "by_owner": {o: owners.get(o, 0) for o in OWNERS},
        "by_class": {c: classes.get(c, 0) for c in IMPACTS},
        "on_time_rate": _rounded(exact["on_time_rate"]),
        "by_code": dict(sorted(Counter(i.code for i in own).items())),
        "by_severity": {"error": severity.get("error", 0), "warning": severity.get("warning", 0)},
        "mttr_hours": _rounded(sum(hours) / len(hours) if hours else None),
        "open_incidents": sum(1 for i in own if i.resolved_at is None),
        "refused": len(refused),
        "refused_then_forced": sum(1 for a in refused if a.id in forced_later),
        "forced": sum(1 for a in launched if a.forced),
        "launched_with_errors": sum(1 for a in launched if a.sent_with_errors),
        "on_time": on_time,
        "scheduled": len(scheduled),
    }
    plans = plans or {}
    weights = weights or {}
    exact_targets: dict[str, dict[str, float | None]] = {}
    for name, plan in plans.items():
        fact = exact[name]
        exact_targets[name] = {
            "plan": plan,
            "fact": fact,
            "ratio": fact / plan if fact is not None else None,
        }
    record["targets"] = {
        name: {k: v if k == "plan" else _rounded(v) for k, v in t.items()}
        for name, t in exact_targets.items()
    }
    record["bonus_coefficient"] = bonus_coefficient(exact_targets, weights)
    return record


def bonus_coefficient(
    targets: dict[str, dict[str, float | None]], weights: dict[str, float]
) -> float | None:
    """Σ wᵢ·factᵢ/planᵢ of the exact ratios, rounded once; null without weights or when a
    weighted fact is unknown."""
    if not weights:
        return None
    total = 0.0
    for name, w in weights.items():
        ratio = targets[name]["ratio"]
        if ratio is None:
            return None
        total += w * ratio
    return round(total, DIGITS)


def compute(
    attempts: Sequence[LaunchRow],
    incidents: Sequence[IncidentRow],
    *,
    months: Sequence[str] | None = None,
    clients: Sequence[str] | None = None,
    plans: dict[str, float] | None = None,
    weights: dict[str, float] | None = None,
    later: Sequence[LaunchRow] = (),
) -> dict[str, object]:
    """The ``mailcheck kpi --format json`` document.

    ``months``: show exactly these (empty ones included); None: the months with attempts.
    ``clients``: show exactly these; None: the clients with attempts.
    ``later``: launches after the period asked for; a forced or narrowed one among them may
    have sent what a refused attempt of the period caught.
    """
    forced_later = sent_anyway([*attempts, *later])
    attempts, incidents = fold_retries(attempts, incidents)
    groups: dict[tuple[str, str], list[LaunchRow]] = {}
    for a in attempts:
        groups.setdefault((a.client, month_key(a.attempted_at)), []).append(a)
    by_launch: dict[int, list[IncidentRow]] = {}
    for i in incidents:
        by_launch.setdefault(i.launch_id, []).append(i)
    wanted_clients = sorted(set(clients) if clients is not None else {c for c, _ in groups})
    keys: list[tuple[str, str]]
    if months is not None:
        keys = [(c, m) for c in wanted_clients for m in months]
    else:
        keys = sorted(k for k in groups if k[0] in wanted_clients)
    periods = []
    for client, month in keys:
        rows = groups.get((client, month), [])
        own = [i for a in rows for i in by_launch.get(a.id, [])]
        periods.append(
            period_kpis(client, month, rows, own, plans, weights, forced_later=forced_later)
        )
    return {"version": 1, "periods": periods}
