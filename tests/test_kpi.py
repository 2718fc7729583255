"""The KPI computation on hand-made launch and incident records."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from mailcheck.kpi import (
    KpiError,
    bonus_coefficient,
    compute,
    months_between,
    parse_targets,
    period_kpis,
    window,
)
from mailcheck.store.records import IncidentRow, LaunchRow, defect_key

NOV = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def launch(
    id: int,
    at: datetime = NOV,
    client: str = "acme",
    status: str = "launched",
    send_at: datetime | None = None,
    errors: int = 0,
    forced: bool = False,
) -> LaunchRow:
    return LaunchRow(
        id=id,
        campaign=f"c{id}",
        client=client,
        source="s",
        content_hash="0" * 64,
        status=status,  # type: ignore[arg-type]
        forced=forced,
        reason=None,
        send_at=send_at,
        attempted_at=at,
        launched_by="me",
        ci_job=None,
        errors=errors,
        warnings=0,
    )


def incident(
    id: int,
    launch_id: int,
    code: str = "LNK001",
    severity: str = "error",
    detected: datetime = NOV,
    resolved: datetime | None = None,
) -> IncidentRow:
    return IncidentRow(
        id=id,
        launch_id=launch_id,
        client="acme",
        campaign="c",
        code=code,
        severity=severity,
        note="n",
        source="manual",
        url=None,
        detected_at=detected,
        resolved_at=resolved,
    )


def test_error_free_rate_counts_launches_without_an_error_incident() -> None:
    launches = [launch(i) for i in range(1, 21)]  # 20 launches
    incidents = [
        incident(1, 3),  # one error on launch 3
        incident(2, 3, code="UTM001"),  # a second on the same launch: still one launch
        incident(3, 7, severity="warning", code="IMG001"),  # a warning does not count
    ]
    k = period_kpis("acme", "2026-11", launches, incidents)
    assert k["launches"] == 20
    assert k["error_free"] == 19
    assert k["error_free_rate"] == 0.95
    assert k["incidents"] == 3
    assert k["by_code"] == {"IMG001": 1, "LNK001": 1, "UTM001": 1}
    assert k["by_severity"] == {"error": 2, "warning": 1}


def test_refused_attempts_are_caught_errors_not_launches() -> None:
    rows = [
        launch(1, status="refused", errors=3),
        launch(2, status="refused", errors=1),
        launch(3),
        launch(4, forced=True),
    ]
    k = period_kpis("acme", "2026-11", rows, [incident(1, 4)])
    assert k["launches"] == 2
    assert k["caught_before_launch"] == 4
    assert k["refused"] == 2
    assert k["forced"] == 1
    assert k["launched_with_errors"] == 1
    assert k["error_free_rate"] == 0.5


def test_launched_with_errors_counts_forced_and_narrowed_past_errors() -> None:
    # refused, then the same files launched past the checks that found the errors: sent with
    # errors as a forced launch is, though not forced
    refused = dataclasses.replace(launch(1, status="refused", errors=1), campaign="w")
    narrowed = dataclasses.replace(launch(2), campaign="w", source_hash="0" * 64,
                                   content_hash="2" * 64, skipped_errors=1)  # fmt: skip
    clean_narrowed = dataclasses.replace(launch(3), content_hash="3" * 64, skipped_errors=0)
    forced = launch(4, forced=True, errors=2)
    (k,) = _periods(compute([refused, narrowed, clean_narrowed, forced], []))
    assert (k["launches"], k["forced"], k["launched_with_errors"]) == (3, 1, 2)
    assert (k["refused"], k["refused_then_forced"]) == (1, 1)


def test_errors_refused_then_forced_out_are_incidents_not_caught() -> None:
    # `launch welcome` refused with 8 errors, then `--force` of the same content: 8 incidents;
    # the KPI said caught_before_launch 8 AND incidents 8, the same defects caught and escaped
    refused = dataclasses.replace(launch(1, status="refused", errors=8), campaign="welcome")
    forced = dataclasses.replace(launch(2, forced=True, errors=8), campaign="welcome")
    gate = [
        dataclasses.replace(incident(10 + n, 2), source="launch", code=f"LNK00{n}")
        for n in range(8)
    ]
    # another campaign's refusal, never forced out, stays caught; so does a refusal of other
    # content of welcome (it was fixed before the forced launch)
    other = launch(3, status="refused", errors=3)
    edited = dataclasses.replace(
        launch(0, status="refused", errors=2), campaign="welcome", content_hash="1" * 64
    )
    (k,) = _periods(compute([edited, refused, forced, other], gate))
    assert (k["caught_before_launch"], k["incidents"], k["refused"]) == (5, 8, 3)
    assert k["refused_then_forced"] == 1
    assert k["by_severity"] == {"error": 8, "warning": 0}
    assert k["escaped_defect_rate"] == 0.0  # 0 found after launch of 5 caught + 8 forced


def test_a_refusal_forced_out_in_a_later_month_is_not_caught_in_its_own() -> None:
    refused = dataclasses.replace(launch(1, status="refused", errors=8), campaign="welcome")
    forced = dataclasses.replace(
        launch(2, at=NOV + timedelta(days=25), forced=True, errors=8), campaign="welcome"
    )
    alone = _periods(compute([refused], [], months=["2026-11"]))
    assert [p["caught_before_launch"] for p in alone] == [8]
    told = _periods(compute([refused], [], months=["2026-11"], later=[forced]))
    assert [(p["caught_before_launch"], p["refused_then_forced"]) for p in told] == [(0, 1)]


def test_a_refusal_launched_past_the_checks_that_caught_it_is_not_caught() -> None:
    # refused with 2 errors, then the same files launched with `--ignore SUB002,PER001`: its
    # content hash differs (the flags are hashed), its source hash does not, and its 2 skipped
    # errors are its incidents. It was counted 2 caught AND 2 incidents
    refused = dataclasses.replace(launch(1, status="refused", errors=2), campaign="welcome")
    narrowed = dataclasses.replace(
        launch(2),
        campaign="welcome",
        content_hash="2" * 64,
        source_hash="0" * 64,
        reason="ESP cuts it [--ignore SUB002,PER001]",
        skipped_errors=2,
    )
    gate = [
        dataclasses.replace(incident(10 + n, 2), source="launch", code=code)
        for n, code in enumerate(("SUB002", "PER001"))
    ]
    (k,) = _periods(compute([refused, narrowed], gate))
    assert (k["launches"], k["caught_before_launch"], k["incidents"]) == (1, 0, 2)
    assert (k["error_free_rate"], k["refused_then_forced"]) == (0.0, 1)
    # in a later month too
    later = dataclasses.replace(narrowed, attempted_at=NOV + timedelta(days=25))
    told = _periods(compute([refused], [], months=["2026-11"], later=[later]))
    assert [(p["caught_before_launch"], p["refused_then_forced"]) for p in told] == [(0, 1)]
    # narrowed, but its skipped checks found nothing (a link fixed since): the gate's catch
    # did not go out, and stays caught
    clean = dataclasses.replace(narrowed, skipped_errors=0)
    (k,) = _periods(compute([refused, clean], []))
    assert (k["caught_before_launch"], k["incidents"], k["error_free_rate"]) == (2, 0, 1.0)
    assert k["refused_then_forced"] == 0


def test_the_same_files_launched_again_with_other_flags_count_once() -> None:
    # recorded before launch matched the files: a campaign whose only error is UTM001 went
    # out with `--ignore UTM001` (#1) and again with `--select SUB` (#2), its UTM001 an
    # incident of each; a clean one with no flags (#3) and again with `--ignore UTM001` (#4):
    # 4 launches and 2 incidents where 2 launches and 1 incident were real
    narrowed = dataclasses.replace(
        launch(1),
        campaign="utm",
        content_hash="1" * 64,
        source_hash="a" * 64,
        reason="a [--ignore UTM001]",
        skipped_errors=1,
    )
    again = dataclasses.replace(
        narrowed, id=2, content_hash="2" * 64, reason="b [--select SUB]", skipped_errors=1
    )
    clean = dataclasses.replace(launch(3), campaign="good", source_hash="0" * 64)
    clean_again = dataclasses.replace(
        clean, id=4, content_hash="4" * 64, reason="x [--ignore UTM001]"
    )
    gate = [
        dataclasses.replace(incident(10 + n, n), source="launch", code="UTM001") for n in (1, 2)
    ]
    (k,) = _periods(compute([narrowed, again, clean, clean_again], gate))
    assert (k["launches"], k["incidents"], k["error_free"]) == (2, 1, 1)
    assert k["by_code"] == {"UTM001": 1}
    # a narrowed launch recorded before schema version 5 (no source hash, the flags in its
    # content hash) cannot be matched: it stays a launch of its own
    old = dataclasses.replace(clean_again, source_hash=None)
    (k,) = _periods(compute([clean, old], []))
    assert k["launches"] == 2


def _periods(data: dict[str, object]) -> list[dict[str, Any]]:
    return cast("list[dict[str, Any]]", data["periods"])


def test_incidents_of_a_refused_attempt_do_not_count() -> None:
    k = period_kpis("acme", "2026-11", [launch(1, status="refused", errors=1)], [incident(1, 1)])
    assert k["incidents"] == 0 and k["launches"] == 0


def test_zero_launches_give_null_rates_not_a_division_error() -> None:
    k = period_kpis("acme", "2026-11", [], [], {"error_free_rate": 0.95}, {"error_free_rate": 1})
    assert k["launches"] == 0
    assert k["error_free_rate"] is None
    assert k["on_time_rate"] is None
    assert k["mttr_hours"] is None
    assert k["targets"] == {"error_free_rate": {"plan": 0.95, "fact": None, "ratio": None}}
    assert k["bonus_coefficient"] is None


def test_on_time_rate_is_among_launches_with_a_send_at() -> None:
    plan = NOV + timedelta(hours=1)
    rows = [
        launch(1, at=plan - timedelta(minutes=5), send_at=plan),  # early: on time
        launch(2, at=plan, send_at=plan),  # exactly at send_at: on time
        launch(3, at=plan + timedelta(seconds=1), send_at=plan),  # late
        launch(4),  # no send_at: not in the rate
    ]
    k = period_kpis("acme", "2026-11", rows, [])
    assert (k["on_time"], k["scheduled"]) == (2, 3)
    assert k["on_time_rate"] == round(2 / 3, 4)


def test_mean_time_to_resolve_is_over_resolved_incidents_in_hours() -> None:
    incidents = [
        incident(1, 1, resolved=NOV + timedelta(hours=2)),
        incident(2, 1, resolved=NOV + timedelta(hours=5)),
        incident(3, 1),  # open: not in the mean
    ]
    k = period_kpis("acme", "2026-11", [launch(1)], incidents)
    assert k["mttr_hours"] == 3.5
    assert k["open_incidents"] == 1


def test_mean_time_to_resolve_is_rounded_to_four_places_as_every_figure() -> None:
    # a QA probe: rounded to 2 places, an incident resolved in 7 s gave a time to resolve of 0
    quick = [incident(1, 1, resolved=NOV + timedelta(seconds=7))]
    assert period_kpis("acme", "2026-11", [launch(1)], quick)["mttr_hours"] == 0.0019
    # (7 s + 1 h) / 2 = 0.500972… h
    both = [*quick, incident(2, 1, resolved=NOV + timedelta(hours=1))]
    assert period_kpis("acme", "2026-11", [launch(1)], both)["mttr_hours"] == 0.501


def test_targets_and_the_weighted_bonus_coefficient() -> None:
    plans, weights = parse_targets(
        ["error_free_rate=95%", "on_time_rate=0.8", "launches=10"],
        ["error_free_rate=0.7", "on_time_rate=0.3"],
    )
    assert plans == {"error_free_rate": 0.95, "on_time_rate": 0.8, "launches": 10.0}
    plan_time = NOV + timedelta(hours=1)
    rows = [launch(i, send_at=plan_time) for i in range(1, 11)]  # 10 on time
    rows += [launch(11, send_at=NOV - timedelta(hours=1))]  # 1 late
    incidents = [incident(1, 5)]  # 10 of 11 error-free
    k = period_kpis("acme", "2026-11", rows, incidents, plans, weights)
    ef = round(10 / 11, 4)
    ot = round(10 / 11, 4)
    targets = k["targets"]
    assert targets["error_free_rate"] == {  # type: ignore[index]
        "plan": 0.95,
        "fact": ef,
        "ratio": round(10 / 11 / 0.95, 4),  # from the exact fact, rounded once
    }
    assert targets["launches"] == {"plan": 10.0, "fact": 11, "ratio": 1.1}  # type: ignore[index]
    assert ot == targets["on_time_rate"]["fact"]  # type: ignore[index]
    assert k["bonus_coefficient"] == round(0.7 * (10 / 11) / 0.95 + 0.3 * (10 / 11) / 0.8, 4)


@pytest.mark.parametrize("written", ["0.95", "95%", "1", "100%"])
def test_rate_targets_as_a_fraction_or_a_percentage(written: str) -> None:
    plans, _ = parse_targets([f"error_free_rate={written}"], [])
    expected = 1.0 if written in ("1", "100%") else 0.95
    assert plans == {"error_free_rate": pytest.approx(expected)}


def test_no_weights_no_bonus_coefficient() -> None:
    assert bonus_coefficient({"launches": {"plan": 1, "fact": 1, "ratio": 1.0}}, {}) is None


@pytest.mark.parametrize(
    ("targets", "weights", "message"),
    [
        (["errorfree=0.9"], [], "unknown KPI 'errorfree'; valid names: error_free, "),
        (["incidents=2"], [], "unknown KPI 'incidents'"),
        (["error_free_rate"], [], "expected NAME=VALUE"),
        (["error_free_rate=много"], [], "is not a number"),
        (["error_free_rate=0"], [], "greater than 0"),
        (["launches=50%"], [], "only rate targets may be percentages"),
        (
            ["error_free_rate=95"],
            [],
            r"error_free_rate is a rate from 0 to 1; write 0\.95 or 95%",
        ),
        (["on_time_rate=1.5"], [], r"on_time_rate is a rate from 0 to 1; write 0\.015 or 1\.5%"),
        (["launches=5"], ["error_free_rate=1"], "no --target error_free_rate=PLAN"),
        (["launches=5"], ["launches=-1"], "must not be negative"),
        (["launches=5", "launches=6"], [], "given twice"),
        ([], ["bogus=1"], "unknown KPI 'bogus'"),
        # the coefficient was Infinity, which no JSON reader accepts
        (["launches=1e-320"], ["launches=1e308"], "too large to compute"),
    ],
)
def test_bad_targets_and_weights_are_refused(
    targets: list[str], weights: list[str], message: str
) -> None:
    with pytest.raises(KpiError, match=message):
        parse_targets(targets, weights)


def test_periods_and_ranges() -> None:
    since, until, months = window("2026-11", None, None)
    assert since == datetime(2026, 11, 1, tzinfo=UTC)
    assert until == datetime(2026, 12, 1, tzinfo=UTC)
    assert months == ["2026-11"]
    since, until, months = window(None, "2026-11-15", "2027-01-10")
    assert until == datetime(2027, 1, 11, tzinfo=UTC)  # --to is inclusive
    assert months == ["2026-11", "2026-12", "2027-01"]
    assert window(None, None, None) == (None, None, None)
    for bad, msg in [
        (("2026-13", None, None), "YYYY-MM"),
        (("ноябрь", None, None), "YYYY-MM"),
        (("2026-11", "2026-11-01", None), "not both"),
        ((None, "2026-11-01", None), "go together"),
        ((None, "2026-11-30", "2026-11-01"), "before"),
        ((None, "2026-11-31", "2026-12-01"), "YYYY-MM-DD"),
        # were tracebacks (year 0, year 10000) or a run that ate 20 GB (1,800 years of months)
        (("0000-01", None, None), "the year is out of range"),
        (("9999-12", None, None), "the year is out of range"),
        ((None, "2026-01-01", "9999-12-31"), "the year is out of range"),
        ((None, "1990-01-01", "2026-12-31"), "spans more than 120 months"),
    ]:
        with pytest.raises(KpiError, match=msg):
            window(*bad)
    assert months_between(datetime(2026, 12, 5).date(), datetime(2026, 12, 6).date()) == ["2026-12"]


def test_compute_groups_by_client_and_utc_month() -> None:
    rows = [
        launch(1, client="acme", at=datetime(2026, 10, 31, 22, 30, tzinfo=UTC)),
        launch(2, client="acme", at=datetime(2026, 11, 1, 0, 30, tzinfo=UTC)),
        launch(3, client="Ромашка", at=NOV),
        launch(4, client="Ромашка", at=NOV, status="refused", errors=2),
    ]
    data = compute(rows, [incident(1, 2)])
    assert data["version"] == 1
    got = [(p["client"], p["period"], p["launches"]) for p in data["periods"]]  # type: ignore[attr-defined]
    assert got == [("acme", "2026-10", 1), ("acme", "2026-11", 1), ("Ромашка", "2026-11", 1)]
    nov = data["periods"][1]  # type: ignore[index]
    assert nov["error_free_rate"] == 0.0 and nov["incidents"] == 1
    assert data["periods"][2]["caught_before_launch"] == 2  # type: ignore[index]


def test_compute_fills_the_asked_months_and_clients() -> None:
    data = compute([launch(1)], [], months=["2026-10", "2026-11"], clients=["acme", "beta"])
    got = [(p["client"], p["period"], p["launches"], p["error_free_rate"])
           for p in data["periods"]]  # type: ignore[attr-defined]  # fmt: skip
    assert got == [
        ("acme", "2026-10", 0, None),
        ("acme", "2026-11", 1, 1.0),
        ("beta", "2026-10", 0, None),
        ("beta", "2026-11", 0, None),
    ]


def test_figures_are_rounded_once() -> None:
    # 1 of 3 launches error-free against a plan of 0.95: 1/3 ÷ 0.95 = 0.350877… → 0.3509.
    # Dividing the already rounded 0.3333 would print 0.3508.
    rows = [launch(1), launch(2), launch(3)]
    k = period_kpis("acme", "2026-11", rows, [incident(1, 1), incident(2, 2)],
                    {"error_free_rate": 0.95}, {"error_free_rate": 1.0})  # fmt: skip
    assert k["error_free_rate"] == 0.3333
    assert k["targets"]["error_free_rate"]["ratio"] == 0.3509  # type: ignore[index]
    assert k["bonus_coefficient"] == 0.3509


def _same_content(id: int, status: str = "launched", relaunch: bool = False) -> LaunchRow:
    row = launch(id, status=status)
    return dataclasses.replace(row, campaign="acme-bf", relaunch=relaunch)


def test_retried_launches_of_old_logs_count_once() -> None:
    # Before launches were idempotent a CI job retried twice left three rows of one launch:
    # a client's month read 5 launches at 60 % instead of 3 at 33 %.
    rows = [_same_content(1), _same_content(2), _same_content(3), launch(4), launch(5)]
    forced_copy = dataclasses.replace(incident(2, 2), source="launch")
    complaint = incident(3, 3, code="PER002")  # logged by hand against a retry's id
    data = compute(rows, [incident(1, 4), forced_copy, complaint, incident(4, 5)])
    period = data["periods"][0]  # type: ignore[index]
    assert (period["launches"], period["error_free"], period["error_free_rate"]) == (3, 0, 0.0)
    assert period["incidents"] == 3 and period["by_code"] == {"LNK001": 2, "PER002": 1}
    # a --relaunch is a real second send and counts
    data = compute([_same_content(1), _same_content(2, relaunch=True)], [])
    assert data["periods"][0]["launches"] == 2  # type: ignore[index]
    # so are a refusal and the forced launch of the same content: two decisions
    data = compute([_same_content(1, "refused"), _same_content(2, "refused"), _same_content(3)], [])
    assert (data["periods"][0]["launches"], data["periods"][0]["refused"]) == (1, 1)  # type: ignore[index]


def _refusal(id: int, files: str, *defects: str, read: bool = True) -> LaunchRow:
    """A refusal of the files ``files`` (source hash), narrowed or not (its content hash is
    its own), that caught the error ``defects`` (codes): ``read`` False as a row built
    without them."""
    row = dataclasses.replace(
        _same_content(id, "refused"),
        content_hash=f"{id:064x}",
        source_hash=files * 64,
        errors=len(defects),
    )
    if not read:
        return row
    keys = frozenset(defect_key(code, f"{code} message", "email.html", None) for code in defects)
    return dataclasses.replace(row, defects=keys)


def test_refusals_of_the_same_files_count_their_defects_once() -> None:
    # a QA probe: the same files refused in full (SUB002, PER001), then with --ignore SUB002
    # (PER001), then with --ignore PER001 (SUB002): 3 refusals and 4 caught for 2 defects
    rows = [_refusal(1, "a", "SUB002", "PER001"), _refusal(2, "a", "PER001"),
            _refusal(3, "a", "SUB002")]  # fmt: skip
    (k,) = _periods(compute(rows, []))
    assert (k["refused"], k["caught_before_launch"]) == (1, 2)
    # narrowed to SUB first, then whole: the union (2), not the first check's (1) nor the sum (3)
    (k,) = _periods(compute([_refusal(1, "a", "SUB002"), _refusal(2, "a", "SUB002", "PER001")], []))
    assert (k["refused"], k["caught_before_launch"]) == (1, 2)
    # other files are another refusal
    (k,) = _periods(compute([_refusal(1, "a", "SUB002"), _refusal(2, "b", "SUB002")], []))
    assert (k["refused"], k["caught_before_launch"]) == (2, 2)
    # the forced launch of the files afterwards: one refusal sent anyway, nothing caught
    forced = dataclasses.replace(_same_content(4), source_hash="a" * 64, forced=True)
    (k,) = _periods(compute([*rows, forced], []))
    assert (k["refused"], k["refused_then_forced"], k["caught_before_launch"]) == (1, 1, 0)
    # rows built without their defects: at least the most one check found, never the sum
    unread = [_refusal(1, "a", "SUB002", "PER001", read=False), _refusal(2, "a", "PER001")]
    (k,) = _periods(compute(unread, []))
    assert (k["refused"], k["caught_before_launch"]) == (1, 2)
