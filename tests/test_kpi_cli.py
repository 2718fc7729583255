"""``mailcheck kpi`` and ``mailcheck incident`` from the command line, on a real log."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)
from sqlalchemy import create_engine, inspect

from mailcheck.cli import main
from mailcheck.i18n import translations
from mailcheck.model import Finding, Severity
from mailcheck.store import LaunchAttempt, NewIncident, open_store
from mailcheck.store.schema import SCHEMA_VERSION

NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
ERR = Finding("LNK001", "link-broken", Severity.ERROR, "404", "email.html:3", "https://a/x")
ERR2 = Finding("UTM001", "utm-missing", Severity.ERROR, "no utm_source", "email.html:9")


def attempt(campaign: str, client: str, at: datetime, **kw: Any) -> LaunchAttempt:
    base: dict[str, object] = {
        "campaign": campaign,
        "client": client,
        "source": campaign,
        "content_hash": "0" * 64,
        "status": "launched",
        "attempted_at": at,
        "launched_by": "anna",
    }
    base.update(kw)
    return LaunchAttempt(**base)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "postgresql"])
def log_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/log.db"
    else:
        url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("MAILCHECK_DB", url)
    return url


@pytest.fixture
def seeded(log_url: str) -> dict[str, int]:
    """acme in Nov 2026: 4 launches (one forced with an error, one late), 1 refused attempt;
    Ромашка: one launch in Oct 2026."""
    with open_store(log_url) as st:
        a1 = st.record_launch(attempt("bf", "acme", NOV, send_at=NOV + timedelta(hours=1)))
        a2 = st.record_launch(
            attempt("bf-2", "acme", NOV, forced=True, reason="срочно", findings=(ERR,))
        )
        a3 = st.record_launch(attempt("late", "acme", NOV, send_at=NOV - timedelta(hours=2)))
        a4 = st.record_launch(attempt("plain", "acme", NOV + timedelta(days=5)))
        st.record_launch(attempt("bad", "acme", NOV, status="refused", findings=(ERR, ERR2)))
        r1 = st.record_launch(attempt("осень", "Ромашка", datetime(2026, 10, 3, tzinfo=UTC)))
        found = NOV + timedelta(days=5)  # when a4 went out
        inc = st.add_incident(
            NewIncident(a4.id, "PER002", "warning", "Hello , у части базы", detected_at=found)
        )
        st.resolve_incident(inc.id, found + timedelta(hours=6))
        forced_incident = st.incidents(client="acme")[0]
        st.resolve_incident(forced_incident.id, NOV + timedelta(hours=2))
    return {"a1": a1.id, "a2": a2.id, "a3": a3.id, "a4": a4.id, "r1": r1.id}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_kpi_json_for_a_client_and_month(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "kpi", "--client", "acme", "--period", "2026-11", "--format", "json",
        "--target", "error_free_rate=95%", "--target", "on_time_rate=0.8",
        "--weight", "error_free_rate=0.6", "--weight", "on_time_rate=0.4",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["version"] == 1
    [p] = data["periods"]
    assert p["client"] == "acme" and p["period"] == "2026-11"
    assert p["launches"] == 4
    assert p["error_free"] == 3
    assert p["error_free_rate"] == 0.75
    assert p["incidents"] == 2
    assert p["by_code"] == {"LNK001": 1, "PER002": 1}
    assert p["by_severity"] == {"error": 1, "warning": 1}
    assert p["caught_before_launch"] == 2
    assert p["on_time_rate"] == 0.5  # one of the two launches with a send_at
    assert p["mttr_hours"] == 4.0  # (2 h + 6 h) / 2
    assert p["targets"]["error_free_rate"] == {"plan": 0.95, "fact": 0.75, "ratio": 0.7895}
    assert p["targets"]["on_time_rate"] == {"plan": 0.8, "fact": 0.5, "ratio": 0.625}
    assert p["bonus_coefficient"] == pytest.approx(0.6 * 0.7895 + 0.4 * 0.625, abs=1e-4)


def test_kpi_all_clients_and_months_in_text_and_csv(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "kpi")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "client", "period", "launches", "error-free", "rate", "rate", "(all)", "incidents",
        "caught", "on-time", "MTTR", "h", "bonus",
    ]  # fmt: skip
    # the forced error is the agency's: the contract rate and the all-incidents rate agree
    assert lines[1].split()[:8] == ["acme", "2026-11", "4", "3", "75.0%", "75.0%", "2", "2"]
    assert "by owner: agency 2" in out and "escaped defects: 0 (0.0%)" in out
    assert lines[2].split()[:5] == ["Ромашка", "2026-10", "1", "1", "100.0%"]
    assert "–" in lines[2]  # no send_at: no on-time rate
    assert "by code: LNK001 1, PER002 1" in out

    code, out, _ = run(capsys, "kpi", "--format", "csv", "--target", "launches=5")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["client"], r["period"], r["launches"]) for r in rows] == [
        ("acme", "2026-11", "4"),
        ("Ромашка", "2026-10", "1"),
    ]
    assert rows[0]["by_code"] == "LNK001:1;PER002:1"
    assert rows[0]["launches_ratio"] == "0.8"
    assert rows[1]["on_time_rate"] == ""


def test_kpi_text_speaks_lang_and_csv_keeps_its_column_names(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "kpi", "--lang", "ru")
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["клиент", "период", "запуски"]
    assert "по ответственному: агентство 2" in out and "дефекты после запуска: 0 (0,0\xa0%)" in out
    assert "by owner" not in out
    code, out, _ = run(capsys, "kpi", "--lang", "ru", "--format", "csv")
    assert out.startswith("client,period,launches,")  # data names, for scripts


def test_kpi_text_names_owners_and_classes_and_writes_numbers_as_the_html_does(
    seeded: dict[str, int], log_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # a QA probe: `kpi --lang ru` said "по ответственному: agency 1, client 1, unknown 2;
    # по классу: major 3, minor 1" and "66.7%" where the HTML says «агентство» and "66,7 %"
    with open_store(log_url) as st:
        st.add_incident(NewIncident(seeded["a1"], "WRONG-PRICE", "error", "old price",
                                    detected_at=NOV + timedelta(hours=3)))  # fmt: skip
        st.add_incident(NewIncident(seeded["a3"], "LNK001", "error", "promo page 502",
                                    url="https://a/x", owner="client",
                                    detected_at=NOV + timedelta(hours=3)))  # fmt: skip
    code, out, _ = run(capsys, "kpi", "--client", "acme", "--lang", "ru",
                       "--target", "error_free_rate=95%")  # fmt: skip
    assert code == 0
    row = out.splitlines()[1].split()
    # 4 launches, 2 error-free (a2's forced error, a1's unattributed one): 50,0 %; with the
    # client's incident too 1 of 4: 25,0 %; on time 1 of 2 scheduled
    assert row[:11] == ["acme", "2026-11", "4", "2", "50,0", "%", "25,0", "%", "4", "2", "50,0"]
    assert "по ответственному: агентство 2, клиент 1, не определён 1;" in out
    assert "по классу: значительные 3, незначительные 1;" in out
    assert "дефекты после запуска: 2 (40,0\xa0%)" in out  # 2 found later of 2 caught + 3
    assert "error_free_rate: факт 0,5 / план 0,95 = 0,5263" in out
    for english in ("agency", "client 1", "unknown", "major", "minor", "50.0%", "0.95"):
        assert english not in out, english
    # the same words as the HTML report
    code, page, _ = run(capsys, "kpi", "--client", "acme", "--lang", "ru", "--format", "html")
    assert all(word in page for word in ("агентство", "не определён", "значительные", "50 %"))


def test_kpi_range_fills_empty_months_with_null_rates(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "kpi", "--client", "Ромашка", "--from", "2026-10-01", "--to", "2026-12-31",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    got = [(p["period"], p["launches"], p["error_free_rate"]) for p in json.loads(out)["periods"]]
    assert got == [("2026-10", 1, 1.0), ("2026-11", 0, None), ("2026-12", 0, None)]


def _tables(url: str) -> list[str]:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return sorted(inspect(create_engine(url)).get_table_names()) if path.exists() else []
    import psycopg

    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return sorted(row[0] for row in found)


@pytest.mark.parametrize("argv", [["kpi"], ["launches"], ["incident", "list"], ["monitor"]])
def test_no_log_at_all_is_said_and_none_is_created(
    log_url: str, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    # a mistyped MAILCHECK_DB, another directory, an empty PostgreSQL database (a wrong but
    # existing name): said, exit 2, and no log created. A QA probe: on PostgreSQL `kpi` gave
    # the empty database mailcheck's five tables and reported "no launches", exit 0
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    where = log_url.removeprefix("sqlite:///") if log_url.startswith("sqlite") else log_url
    assert f"error: no incident log at {where}: nothing has been launched with this " in err
    assert "or its URL is mistyped (MAILCHECK_DB, or db in mailcheck.toml)" in err
    assert _tables(log_url) == []


def test_kpi_with_no_launches_at_all(log_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    open_store(log_url).close()  # a log nothing was launched into yet
    code, out, _ = run(capsys, "kpi", "--client", "acme", "--period", "2026-11", "--format", "json")
    assert code == 0
    [p] = json.loads(out)["periods"]
    assert p["launches"] == 0 and p["error_free_rate"] is None and p["on_time_rate"] is None
    code, out, _ = run(capsys, "kpi")
    assert out == "no launches recorded for this selection.\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--target", "bonus=1"], "unknown KPI 'bonus'; valid names: error_free, error_free_rate"),
        (["--weight", "launches=1"], "no --target launches=PLAN"),
        (["--period", "11-2026"], "expected a month as YYYY-MM"),
        (["--period", "2026-11", "--from", "2026-11-01", "--to", "2026-11-02"], "not both"),
    ],
)
def test_kpi_usage_errors_exit_2(
    log_url: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "kpi", *argv)
    assert code == 2 and out == ""
    assert message in err


def test_kpi_html_goes_through_the_reports_module(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "kpi", "--format", "html", "-o", str(tmp_path / "kpi.html"))
    assert code == 0, err
    html = (tmp_path / "kpi.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "Ромашка" in html


def test_kpi_html_names_each_incident_code(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    gone = Finding("ZZZ001", "from-a-removed-plugin", Severity.ERROR, "x", "email.html:1")
    with open_store(seeded_url := os.environ["MAILCHECK_DB"]) as st:
        for launch in (seeded["a1"], seeded["a3"]):  # the same text twice: said once
            st.add_incident(NewIncident(launch, "WRONG-PRICE", "error", " wrong price in hero "))
        st.add_incident(
            NewIncident(seeded["a3"], "WRONG-PRICE", "error", "old price in the footer")
        )
        st.add_incident(NewIncident(seeded["a1"], "LNK001", "error", "баннер ведёт на 404"))
        st.record_launch(
            attempt("plug", "acme", NOV, content_hash="9" * 64, forced=True, reason="r",
                    findings=(gone,))
        )  # fmt: skip
    assert seeded_url
    code, _, err = run(capsys, "kpi", "--client", "acme", "--format", "html", "-o", "k.html")
    assert code == 0, err
    html = (tmp_path / "k.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td><code>([^<]+)</code></td><td>([^<]*)</td>", html)
    assert rows == [
        # a rule's code by its title, whatever note a manual incident of it carries
        ("LNK001", "broken link: the page answers with an error (4xx/5xx), even when asked again"),
        (
            "PER002",
            "rendering with a sample recipient gives empty or broken text (&#34;Привет, !&#34;)",
        ),
        # the team's own code by the notes logged with it, each once
        ("WRONG-PRICE", "wrong price in hero; old price in the footer"),
        ("ZZZ001", ""),  # no rule and no note of the team's: the code alone
    ]


def test_kpi_html_without_the_reports_module_is_a_clear_error(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mailcheck.reports.kpi_html", None)  # import fails
    code, out, err = run(capsys, "kpi", "--format", "html")
    assert code == 2 and out == ""
    assert "needs the HTML KPI report (mailcheck.reports.kpi_html)" in err


# -- incidents -------------------------------------------------------------------------


def test_incident_add_with_an_empty_note_or_a_date_before_the_launch_is_refused(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    add = (
        "incident",
        "add",
        "--launch",
        str(seeded["a1"]),
        "--code",
        "LNK001",
        "--severity",
        "error",
    )
    code, _, err = run(capsys, *add, "--note", "  ")
    assert (code, err) == (2, "mailcheck: error: --note: say what happened (it is empty)\n")
    code, _, err = run(capsys, *add, "--note", "404", "--detected-at", "2026-01-10T09:00Z")
    assert code == 2
    assert "detected at 2026-01-10T09:00:00Z, before launch" in err
    assert "Traceback" not in err
    code, out, _ = run(capsys, "incident", "list", "--client", "acme", "--format", "json")
    assert [i["code"] for i in json.loads(out)["incidents"]] == ["LNK001", "PER002"]  # as seeded


def test_incident_add_list_resolve(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "incident", "add", "--launch", str(seeded["a1"]), "--code", "lnk001",
        "--severity", "error", "--note", "клиент: баннер ведёт на 404",
        "--detected-at", "2026-11-11T12:00+03:00", "--format", "json",
    )  # fmt: skip
    assert code == 0
    [added] = json.loads(out)["incidents"]
    assert set(added) >= {"id", "launch", "code", "severity", "note", "detected_at", "resolved_at"}
    assert added["launch"] == seeded["a1"] and added["code"] == "LNK001"
    assert added["note"] == "клиент: баннер ведёт на 404"
    assert added["detected_at"] == "2026-11-11T09:00:00+00:00"
    assert added["resolved_at"] is None

    code, out, _ = run(capsys, "incident", "list", "--open", "--format", "json")
    assert [i["id"] for i in json.loads(out)["incidents"]] == [added["id"]]
    code, out, _ = run(capsys, "incident", "list", "--client", "Ромашка")
    assert out == "no incidents.\n"
    code, out, _ = run(capsys, "incident", "list", "--client", "acme")
    assert "OPEN" in out and "клиент: баннер ведёт на 404" in out and "3 incidents." in out

    # the agency's report language: the table and its words, not the stored codes and notes
    code, out, _ = run(capsys, "incident", "list", "--client", "acme", "--lang", "ru")
    assert code == 0 and "ОТКРЫТ" in out and "OPEN" not in out, out
    assert "клиент: баннер ведёт на 404" in out and out.endswith("\n3 инцидента.\n"), out
    assert "ответственный: агентство, значительный" in out and "owner " not in out, out
    # the stored severities and sources too (the JSON keeps them)
    tr = translations("ru")
    severities = [line.split()[0] for line in out.splitlines() if line.startswith("       ")][::2]
    assert sorted(severities) == ["ошибка", "ошибка", "предупреждение"], out
    assert "error " not in out and "warning " not in out, out
    sources = [f"[{tr.pgettext('incident source', s)}]" for s in ("launch", "manual")]
    assert [out.count(s) for s in sources] == [1, 2], out
    code, out, _ = run(capsys, "launches", "--client", "acme", "--lang", "ru")
    assert code == 0 and "запуск (UTC)" in out and "launched at" not in out, out
    assert "попыт" in out.splitlines()[-1], out

    code, out, _ = run(capsys, "incident", "resolve", str(added["id"]), "--at", "2026-11-11T15:30Z")
    assert code == 0 and f"incident {added['id']} resolved at 2026-11-11T15:30:00+00:00" in out
    code, out, _ = run(capsys, "incident", "resolve", str(added["id"]))
    assert "already resolved at 2026-11-11T15:30:00+00:00" in out
    code, out, _ = run(capsys, "incident", "list", "--open", "--format", "json")
    assert json.loads(out) == {"version": 1, "incidents": []}

    # the KPI sees it: launch a1 is no longer error-free
    code, out, _ = run(capsys, "kpi", "--client", "acme", "--format", "json")
    assert json.loads(out)["periods"][0]["error_free"] == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "--launch", "999", "--code", "X1", "--severity", "error", "--note", "n"],
         "no launch with id 999"),
        (["add", "--launch", "1", "--code", "не код", "--severity", "error", "--note", "n"],
         "--code"),
        (["add", "--launch", "1", "--code", "X1", "--severity", "error", "--note", "n",
          "--detected-at", "вчера"], "is not a time"),
        (["resolve", "999"], "no incident with id 999"),
    ],
)  # fmt: skip
def test_incident_errors_exit_2(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, "incident", *argv)
    assert code == 2 and message in err


def test_incident_on_a_refused_attempt_is_refused(
    seeded: dict[str, int], log_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(log_url) as st:
        refused = st.launches(status="refused")[0]
    code, _, err = run(
        capsys, "incident", "add", "--launch", str(refused.id), "--code", "X1",
        "--severity", "error", "--note", "n",
    )  # fmt: skip
    assert code == 2 and "refused at the gate" in err


# -- an unusable database: a clear message, exit 2, no traceback ------------------------


def _cli(tmp_path: Path, db: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {"MAILCHECK_DB": db, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "mailcheck", *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_broken_or_newer_database_exits_2_without_a_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00junk" * 300)
    for argv in (("kpi",), ("incident", "list"), ("monitor",)):
        proc = _cli(tmp_path, f"sqlite:///{garbage}", *argv)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert "mailcheck: error: cannot open database" in proc.stderr
        assert "not a database" in proc.stderr
    assert garbage.read_bytes() == b"\x00junk" * 300

    newer = tmp_path / "newer.db"
    with open_store(f"sqlite:///{newer}") as st:
        st.record_launch(attempt("bf", "acme", NOV))
        with st.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO mailcheck_schema VALUES (99, 'future', '2030-01-01 00:00:00')"
            )
    proc = _cli(tmp_path, f"sqlite:///{newer}", "incident", "list")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"schema version 99, newer than this mailcheck understands ({SCHEMA_VERSION})" in (
        proc.stderr
    )

    proc = _cli(tmp_path, "postgresql://nobody@127.0.0.1:1/x", "kpi")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "cannot open database postgresql://nobody@127.0.0.1:1/x" in proc.stderr


def test_a_log_edited_by_hand_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from tests.helpers import write_campaign

    log = tmp_path / "log.db"
    monkeypatch.setenv("MAILCHECK_DB", f"sqlite:///{log}")
    monkeypatch.chdir(tmp_path)
    write_campaign(tmp_path, "bf")
    assert run(capsys, "launch", "--offline", "bf")[0] == 0
    with sqlite3.connect(log) as db:
        db.execute("update launches set attempted_at = 'garbage'")
    code, _, err = run(capsys, "kpi")
    assert code == 2 and "Traceback" not in err
    assert "a stored value cannot be read (Invalid isoformat string: 'garbage')" in err


@pytest.mark.parametrize("command", ["kpi", "launches", "monitor", "launch"])
def test_an_empty_client_is_a_usage_error(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    # "" read as "every client": one client's report held all of them
    with pytest.raises(SystemExit) as exited:
        main([command, "--client", " "])
    assert exited.value.code == 2
    assert "argument --client: the client name is empty" in capsys.readouterr().err


def test_kpi_errors_refused_then_forced_are_not_caught_before_launch(
    log_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # refused in November with 2 errors; the same content forced out on 1 December
    with open_store(log_url) as st:
        st.record_launch(attempt("welcome", "acme", NOV, status="refused", findings=(ERR, ERR2)))
        st.record_launch(attempt("other", "acme", NOV, status="refused", findings=(ERR,)))
        st.record_launch(
            attempt(
                "welcome",
                "acme",
                datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                forced=True,
                reason="client approved",
                findings=(ERR, ERR2),
            )
        )
    code, out, _err = run(capsys, "kpi", "--period", "2026-11", "--format", "json")
    assert code == 0
    (nov,) = json.loads(out)["periods"]
    assert (nov["caught_before_launch"], nov["refused_then_forced"], nov["refused"]) == (1, 1, 2)
    code, out, _err = run(capsys, "kpi", "--format", "json")
    assert [
        (p["period"], p["caught_before_launch"], p["incidents"]) for p in json.loads(out)["periods"]
    ] == [("2026-11", 1, 0), ("2026-12", 0, 2)]


def test_kpi_launched_despite_errors_counts_narrowed_launches_in_json_csv_and_html(
    log_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # refused with UTM001, then the same files launched past it with --ignore UTM001; another
    # campaign forced: two launches went out despite errors, one of them forced
    with open_store(log_url) as st:
        st.record_launch(attempt("welcome", "acme", NOV, status="refused", findings=(ERR2,)))
        st.record_launch(
            attempt(
                "welcome",
                "acme",
                NOV + timedelta(hours=1),
                content_hash="1" * 64,
                source_hash="0" * 64,
                reason="ESP adds it [--ignore UTM001]",
                skipped=(ERR2,),
                skipped_by="--ignore UTM001",
            )
        )
        st.record_launch(
            attempt(
                "promo",
                "acme",
                NOV,
                content_hash="2" * 64,
                forced=True,
                reason="ok",
                findings=(ERR,),
            )
        )
    code, out, _ = run(capsys, "kpi", "--format", "json")
    assert code == 0
    (p,) = json.loads(out)["periods"]
    assert (p["launches"], p["forced"], p["launched_with_errors"]) == (2, 1, 2)
    assert (p["refused"], p["refused_then_forced"], p["caught_before_launch"]) == (1, 1, 0)
    code, out, _ = run(capsys, "kpi", "--format", "csv", "--target", "launches=2")
    head, row = list(csv.reader(io.StringIO(out)))
    # appended after the columns scripts read by position, before the targets'
    assert head[-7:] == ["refused_then_forced", "on_time", "scheduled",
                         "launched_with_errors", "launches_plan", "launches_fact",
                         "launches_ratio"]  # fmt: skip
    assert head.index("bonus_coefficient") == 21
    assert row[-7:-3] == ["1", "0", "0", "2"]
    code, _, err = run(capsys, "kpi", "--format", "html", "-o", str(tmp_path / "kpi.html"))
    assert code == 0, err
    html = (tmp_path / "kpi.html").read_text(encoding="utf-8")
    assert (
        '<div class="value">2</div><div class="label">launches sent despite errors the checks '
        "had found</div>"
    ) in html
    assert "launches forced despite errors" not in html


def test_incident_codes_of_any_alphabet_and_what_is_allowed(
    seeded: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    launch = str(seeded["a1"])
    add = ("incident", "add", "--launch", launch, "--severity", "error", "--note", "n")
    # a Russian team's own code: it was refused as if Cyrillic letters were no letters
    code, out, err = run(capsys, *add, "--code", "ошибка-цены_2", "--format", "json")
    assert code == 0, err
    [logged] = json.loads(out)["incidents"]
    assert (logged["code"], logged["owner"]) == ("ОШИБКА-ЦЕНЫ_2", "unknown")
    # typed decomposed (И + combining breve): the same code, stored composed
    code, out, err = run(capsys, *add, "--code", "И\u0306-1", "--format", "json")
    assert code == 0 and json.loads(out)["incidents"][0]["code"] == "Й-1", err
    code, out, _ = run(capsys, "kpi", "--client", "acme", "--format", "json")
    assert json.loads(out)["periods"][0]["by_code"]["ОШИБКА-ЦЕНЫ_2"] == 1
    allowed = (
        "use a letter (of any alphabet), then letters, digits 0-9, - and _, up to 32 "
        "characters, e.g. LNK001, WRONG-PRICE or ОШИБКА-ЦЕНЫ"
    )
    for bad, said in [
        ("цена.старая", f"not allowed: '.' (U+002E): {allowed}"),
        ("1ЦЕНА", f"it starts with '1': {allowed}"),
        ("Ц" * 33, f"33 characters: {allowed}"),
        ("LNК001", "it mixes alphabets, letters of one looking like the other's (LNK001?)"),
    ]:
        code, out, err = run(capsys, *add, "--code", bad)
        assert code == 2 and out == ""
        assert err.startswith(f"mailcheck: error: --code {bad!r}: {said}"), err
    code, out, _ = run(capsys, "incident", "list", "--format", "json")
    assert [i["code"] for i in json.loads(out)["incidents"]][-2:] == ["ОШИБКА-ЦЕНЫ_2", "Й-1"]


def test_incident_table_says_stored_values_in_the_report_language() -> None:
    from mailcheck.commands.incident import format_table

    row: dict[str, object] = {
        "id": 7, "launch": 3, "client": "acme", "campaign": "bf", "code": "LNK001",
        "severity": "warning", "note": "n", "source": "monitor", "owner": "client",
        "class": "minor", "detected_at": "2026-11-11T09:00:00+00:00", "resolved_at": None,
    }  # fmt: skip
    # English as before: the values --severity takes, the stored source
    assert format_table([row]).splitlines()[1] == (
        "       warning LNK001    detected 2026-11-11T09:00:00+00:00  OPEN  [monitor] owner "
        "client, minor"
    )
    tr = translations("ru")
    ru = format_table([row, {**row, "id": 8, "severity": "error"}], "ru").splitlines()
    monitor = tr.pgettext("incident source", "monitor")
    assert ru[1].startswith(f"       предупреждение LNK001    обнаружен 2026-11-11T09:00:00+00:00  "
                            f"ОТКРЫТ  [{monitor}] ")  # fmt: skip
    assert ru[4].startswith("       ошибка         LNK001    обнаружен")
