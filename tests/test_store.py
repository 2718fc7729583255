"""The incident log on a real SQLite file and a real PostgreSQL server (same tests, both)."""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)
from sqlalchemy import Connection, create_engine, text
from store_faults import store_fault

from mailcheck.model import Finding, Severity
from mailcheck.store import (
    LaunchAttempt,
    LaunchedLink,
    NewIncident,
    NotFound,
    Store,
    StoreError,
    normalise_url,
    open_store,
)
from mailcheck.store.migrations import MIGRATIONS, Migration
from mailcheck.store.schema import SCHEMA_VERSION

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MSK = timezone(timedelta(hours=3))


def attempt(
    campaign: str = "acme-bf",
    client: str = "acme",
    status: str = "launched",
    at: datetime = T0,
    findings: tuple[Finding, ...] = (),
    **kw: Any,
) -> LaunchAttempt:
    return LaunchAttempt(
        campaign=campaign,
        client=client,
        source=f"campaigns/{campaign}",
        content_hash="ab" * 32,
        status=status,  # type: ignore[arg-type]
        attempted_at=at,
        launched_by="ci",
        findings=findings,
        **kw,
    )


ERR = Finding(
    "LNK001", "link-broken", Severity.ERROR, "404 Not Found", "email.html:3", "https://a/x"
)
ERR2 = Finding(
    "UTM001", "utm-missing", Severity.ERROR, "no utm_source", "email.html:9", "https://a/y"
)
WARN = Finding("IMG001", "image-alt", Severity.WARNING, "no alt", "email.html:5")


def _raw(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql))
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


# -- schema and migrations -------------------------------------------------------------


def test_empty_database_is_migrated_to_the_latest_version(db_url: str) -> None:
    st = open_store(db_url)
    assert st.schema_version() == SCHEMA_VERSION == MIGRATIONS[-1].version
    st.close()
    rows = _raw(db_url, "SELECT version, description FROM mailcheck_schema ORDER BY version")
    assert [r[0] for r in rows] == [m.version for m in MIGRATIONS]
    # reopening applies nothing again and keeps the data
    st = open_store(db_url)
    st.record_launch(attempt())
    st.close()
    st = open_store(db_url)
    assert len(st.launches()) == 1
    st.close()
    assert len(_raw(db_url, "SELECT version FROM mailcheck_schema")) == len(MIGRATIONS)


def test_a_later_migration_upgrades_an_existing_log(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mailcheck.store.db as store_db

    st = open_store(db_url)
    st.record_launch(attempt(findings=(ERR,), forced=True, reason="r"))
    st.close()

    def v2(conn: Connection) -> None:
        conn.execute(text("ALTER TABLE incidents ADD COLUMN ticket VARCHAR(40)"))
        conn.execute(text("UPDATE incidents SET ticket = 'JIRA-1'"))

    later = MIGRATIONS[-1].version + 1
    monkeypatch.setattr(store_db, "MIGRATIONS", [*MIGRATIONS, Migration(later, "tickets", v2)])
    st = open_store(db_url)
    assert st.schema_version() == later
    assert len(st.incidents()) == 1  # the data came along
    st.close()
    assert _raw(db_url, "SELECT ticket FROM incidents") == [("JIRA-1",)]
    monkeypatch.setattr(store_db, "MIGRATIONS", MIGRATIONS)  # an older mailcheck
    with pytest.raises(StoreError, match=f"schema version {later}, newer"):
        open_store(db_url)


def test_a_version_1_log_is_upgraded_with_its_launches(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mailcheck.store.db as store_db

    monkeypatch.setattr(store_db, "MIGRATIONS", MIGRATIONS[:1])
    if not db_url.startswith("sqlite"):
        # the database exists (a SQLite "SELECT 1" would leave an empty file: a log that
        # lost its history, which every command refuses)
        _raw(db_url, "SELECT 1")
    st = open_store(db_url)
    assert st.schema_version() == 1
    st.close()
    _raw(
        db_url,
        "INSERT INTO launches (campaign, client, source, content_hash, status, forced, "
        "attempted_at, launched_by, errors, warnings) VALUES ('old', 'acme', 's', 'h', "
        "'launched', false, '2026-10-01 10:00:00', 'ci', 0, 0)",
    )
    monkeypatch.setattr(store_db, "MIGRATIONS", MIGRATIONS)
    st = open_store(db_url)
    assert st.schema_version() == SCHEMA_VERSION
    [old] = st.launches()
    assert (old.campaign, old.relaunch) == ("old", False)
    assert old.offline is False  # version 4: not known to have been checked offline
    st.close()


def test_a_version_4_log_counts_the_skipped_errors_of_its_launches(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mailcheck.store.db as store_db

    monkeypatch.setattr(store_db, "MIGRATIONS", MIGRATIONS[:4])
    if not db_url.startswith("sqlite"):
        _raw(db_url, "SELECT 1")
    open_store(db_url).close()
    for values in (
        "('narrowed', 'acme', 's', 'h1', 'launched', false, 'x [--ignore SUB002]', "
        "'2026-10-01 10:00:00', 'ci', 0, 0)",
        "('forced', 'acme', 's', 'h2', 'launched', true, 'x', '2026-10-01 11:00:00', 'ci', 1, 0)",
    ):
        _raw(
            db_url,
            "INSERT INTO launches (campaign, client, source, content_hash, status, forced, "
            f"reason, attempted_at, launched_by, errors, warnings) VALUES {values}",
        )
    for launch_id, note in (
        (1, "skipped at launch by --ignore SUB002 (x): subject is 78 characters"),
        (1, "skipped at launch by --ignore SUB002 (x): no fallback"),
        (1, "a complaint"),  # logged by hand: source manual
        (2, "launched with --force (x): 404"),
    ):
        source = "manual" if "complaint" in note else "launch"
        _raw(
            db_url,
            "INSERT INTO incidents (launch_id, code, severity, note, source, detected_at, owner) "
            f"VALUES ({launch_id}, 'SUB002', 'error', '{note}', '{source}', "
            "'2026-10-01 12:00:00', 'agency')",
        )
    monkeypatch.setattr(store_db, "MIGRATIONS", MIGRATIONS)
    with open_store(db_url) as st:
        assert st.schema_version() == SCHEMA_VERSION == 5
        rows = [
            (r.campaign, r.skipped_errors, r.source_hash, r.sources_hash) for r in st.launches()
        ]
    # the files' own hash of an old narrowed launch is not known: its content hash stands in
    assert rows == [("narrowed", 2, None, "h1"), ("forced", 0, None, "h2")]


def test_a_launch_records_its_source_hash_and_its_skipped_errors(db_url: str) -> None:
    with open_store(db_url) as st:
        plain = st.record_launch(attempt())
        narrowed = st.record_launch(
            dataclasses.replace(
                attempt(),
                content_hash="cd" * 32,
                source_hash="ab" * 32,
                skipped=(ERR, ERR2),
                skipped_by="--ignore LNK001,UTM001",
                reason="x [--ignore LNK001,UTM001]",
            )
        )
        refused = st.record_launch(
            attempt(status="refused", findings=(ERR,), source_hash="ab" * 32, skipped=(ERR2,))
        )
        got = [(r.sources_hash, r.skipped_errors, r.sent_with_errors) for r in st.launches()]
        assert len(st.incidents()) == 2
    assert [plain.id, narrowed.id, refused.id] == [1, 2, 3]
    assert got == [("ab" * 32, 0, False), ("ab" * 32, 2, True), ("ab" * 32, 0, False)]


def test_a_failing_migration_changes_nothing(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import mailcheck.store.db as store_db

    open_store(db_url).close()

    def broken(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE half_done (id INTEGER)"))
        conn.execute(text("SELECT no_such_column FROM launches"))

    later = MIGRATIONS[-1].version + 1
    monkeypatch.setattr(store_db, "MIGRATIONS", [*MIGRATIONS, Migration(later, "broken", broken)])
    with pytest.raises(StoreError, match="cannot open database"):
        open_store(db_url)
    monkeypatch.setattr(store_db, "MIGRATIONS", MIGRATIONS)
    st = open_store(db_url)
    assert st.schema_version() == MIGRATIONS[-1].version
    st.close()
    with pytest.raises(Exception, match="half_done"):
        _raw(db_url, "SELECT * FROM half_done")


def test_a_newer_schema_is_refused_and_left_untouched(db_url: str) -> None:
    st = open_store(db_url)
    st.record_launch(attempt())
    st.close()
    _raw(
        db_url,
        "INSERT INTO mailcheck_schema (version, description, applied_at) "
        "VALUES (99, 'from the future', '2030-01-01 00:00:00')",
    )
    with pytest.raises(StoreError, match="schema version 99, newer than this mailcheck"):
        open_store(db_url)
    assert _raw(db_url, "SELECT count(*) FROM launches") == [(1,)]
    assert _raw(db_url, "SELECT max(version) FROM mailcheck_schema") == [(99,)]


def test_tables_not_made_by_mailcheck_are_refused(db_url: str) -> None:
    _raw(db_url, "CREATE TABLE launches (id INTEGER PRIMARY KEY, what TEXT)")
    with pytest.raises(StoreError, match="not created by mailcheck"):
        open_store(db_url)
    assert _raw(db_url, "SELECT count(*) FROM launches") == [(0,)]


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "log.db"
    bad.write_bytes(b"not sqlite at all\n" * 500)
    with pytest.raises(StoreError, match="not a database"):
        open_store(f"sqlite:///{bad}")
    assert bad.read_bytes() == b"not sqlite at all\n" * 500  # never reset


def test_unopenable_locations_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError, match="is a directory"):
        open_store(f"sqlite:///{tmp_path}/dir.db")
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot create the directory"):
        open_store(f"sqlite:///{tmp_path}/file/sub/log.db")
    with pytest.raises(StoreError, match="only sqlite"):
        open_store("mysql://localhost/x")


def test_an_unreachable_postgresql_server_is_a_clear_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # nothing listens on the port now
    with pytest.raises(StoreError, match=r"cannot open database postgresql://u:\*\*\*@") as err:
        open_store(f"postgresql://u:secret@127.0.0.1:{port}/db")
    assert "secret" not in str(err.value) and "refused" in str(err.value)


def test_postgresql_urls_go_through_psycopg3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    st = open_store(f"sqlite:///{tmp_path}/log.db")
    with st.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    st.close()


# -- launches and incidents ------------------------------------------------------------


def test_a_refused_attempt_keeps_its_findings_and_makes_no_incident(store: Store) -> None:
    row = store.record_launch(attempt(status="refused", findings=(ERR, ERR2, WARN)))
    assert (row.status, row.errors, row.warnings, row.forced) == ("refused", 2, 1, False)
    assert [f["code"] for f in store.launch_findings(row.id)] == ["LNK001", "UTM001", "IMG001"]
    assert store.incidents() == []


def test_a_connection_the_server_dropped_meanwhile_is_replaced(
    request: pytest.FixtureRequest,
) -> None:
    """A PostgreSQL restart or failover while a launch checks its links: the record is
    written on a new connection, not failed on the pooled one the server closed."""
    url: str = request.getfixturevalue("pg_url")
    with open_store(url) as store:
        first = store.record_launch(attempt(campaign="a"))
        admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with admin.connect() as conn:
            dropped = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        admin.dispose()
        assert dropped >= 1  # the store's pooled connection
        second = store.record_launch(attempt(campaign="b"))
        assert [r.id for r in store.launches()] == [first.id, second.id]


def test_a_forced_launch_turns_each_error_into_an_incident(store: Store) -> None:
    row = store.record_launch(
        attempt(findings=(ERR, ERR2, WARN), forced=True, reason="клиент настоял")
    )
    assert (row.status, row.forced, row.reason) == ("launched", True, "клиент настоял")
    found = store.incidents()
    assert [(i.code, i.severity, i.source, i.launch_id) for i in found] == [
        ("LNK001", "error", "launch", row.id),
        ("UTM001", "error", "launch", row.id),
    ]
    assert "клиент настоял" in found[0].note and "404 Not Found" in found[0].note
    assert found[0].detected_at == T0 and found[0].url == "https://a/x"


def test_launch_details_round_trip_with_time_zones_and_cyrillic(store: Store) -> None:
    send_at = datetime(2026, 11, 27, 10, 0, tzinfo=MSK)
    row = store.record_launch(
        attempt(
            campaign="акция-чёрная-пятница 🛍",
            client="Ромашка",
            send_at=send_at,
            ci_job="github:123456",
            links=(
                LaunchedLink(
                    "https://shop.example/каталог?utm_source=email", "a", "link", "ok", 200
                ),
                LaunchedLink("https://cdn.example/i.png", "img", "image", None, None),
                LaunchedLink("https://cdn.example/i.png", "img", "image"),  # twice in the HTML
            ),
        )
    )
    again = store.launch(row.id)
    assert again == row
    assert again.send_at == send_at and again.send_at.tzinfo is not None
    assert again.campaign == "акция-чёрная-пятница 🛍" and again.client == "Ромашка"
    links = store.launch_links([row.id])[row.id]
    assert [(lk.url, lk.kind, lk.purpose, lk.verdict, lk.status) for lk in links] == [
        ("https://shop.example/каталог?utm_source=email", "a", "link", "ok", 200),
        ("https://cdn.example/i.png", "img", "image", None, None),
    ]
    assert store.launch(row.id + 1000) is None


def test_launches_are_filtered_by_client_time_and_status(store: Store) -> None:
    a = store.record_launch(attempt(client="acme", at=T0))
    b = store.record_launch(attempt(client="acme", at=T0 + timedelta(days=20)))
    c = store.record_launch(attempt(client="beta", at=T0, status="refused", findings=(ERR,)))
    assert [r.id for r in store.launches()] == [a.id, c.id, b.id]
    assert [r.id for r in store.launches(client="acme")] == [a.id, b.id]
    assert [r.id for r in store.launches(since=T0 + timedelta(days=1))] == [b.id]
    assert [r.id for r in store.launches(until=T0 + timedelta(seconds=1))] == [a.id, c.id]
    assert [r.id for r in store.launches(status="refused")] == [c.id]


def test_incidents_are_added_listed_and_resolved(store: Store) -> None:
    acme = store.record_launch(attempt(client="acme"))
    beta = store.record_launch(attempt(client="beta"))
    one = store.add_incident(
        NewIncident(acme.id, "LNK001", "error", "клиент: ссылка не открывается", detected_at=T0)
    )
    two = store.add_incident(NewIncident(beta.id, "PER002", "warning", "Hello , in one send"))
    assert (one.client, one.campaign, one.source) == ("acme", "acme-bf", "manual")
    assert [i.id for i in store.incidents(client="acme")] == [one.id]
    done = store.resolve_incident(one.id, T0 + timedelta(hours=5))
    assert done.resolved_at == T0 + timedelta(hours=5)
    # resolving again keeps the first time: it is what the time to resolve measures
    assert store.resolve_incident(one.id).resolved_at == T0 + timedelta(hours=5)
    assert [i.id for i in store.incidents(open_only=True)] == [two.id]
    with pytest.raises(StoreError, match="cannot be resolved before"):
        store.resolve_incident(two.id, T0 - timedelta(days=1))
    with pytest.raises(NotFound, match="no incident with id 999"):
        store.resolve_incident(999)
    with pytest.raises(NotFound, match="no launch with id 999"):
        store.add_incident(NewIncident(999, "LNK001", "error", "x"))
    refused = store.record_launch(attempt(status="refused", findings=(ERR,)))
    with pytest.raises(StoreError, match="refused at the gate and never sent"):
        store.add_incident(NewIncident(refused.id, "LNK001", "error", "x"))
    assert one.to_json()["launch"] == acme.id


def test_an_incident_time_before_its_launch_or_in_the_future_is_refused(store: Store) -> None:
    """One mistyped date (2026-01-01 for 2026-12-01) would stay in the KPI's time to resolve
    for good: detected before the launch went out, or detected or resolved in the future, is
    refused with the times said; nothing is recorded."""
    launch = store.record_launch(attempt(at=T0))
    with pytest.raises(
        StoreError,
        match=r"detected at 2026-01-01T00:00:00Z, before launch \d+ went out at "
        r"2026-11-20T09:00:00Z: an incident is found after its launch",
    ):
        store.add_incident(
            NewIncident(
                launch.id, "LNK001", "error", "x", detected_at=datetime(2026, 1, 1, tzinfo=UTC)
            )
        )
    future = datetime.now(UTC) + timedelta(days=365)
    with pytest.raises(StoreError, match=r"detected at .*, which is in the future"):
        store.add_incident(NewIncident(launch.id, "LNK001", "error", "x", detected_at=future))
    assert store.incidents() == []
    found = store.add_incident(
        NewIncident(launch.id, "LNK001", "error", "x", detected_at=T0.astimezone(MSK))
    )  # the launch's own minute, written in Moscow time: fine
    with pytest.raises(StoreError, match=r"resolved at .*, which is in the future"):
        store.resolve_incident(found.id, future)
    assert store.incident(found.id).resolved_at is None  # type: ignore[union-attr]


def test_keyed_incidents_are_recorded_once(store: Store) -> None:
    row = store.record_launch(attempt())
    items = [
        NewIncident(row.id, "LNK001", "error", "died", "monitor", "https://a/1", "https://a/1"),
        NewIncident(row.id, "LNK002", "error", "died", "monitor", "https://a/2", "https://a/2"),
        NewIncident(row.id, "LNK002", "error", "dup", "monitor", "https://a/2", "https://a/2"),
    ]
    assert len(store.add_incidents_once(items)) == 2
    assert store.add_incidents_once(items) == []
    # manual incidents carry no key and are never merged
    store.add_incident(NewIncident(row.id, "LNK001", "error", "same again by hand"))
    store.add_incident(NewIncident(row.id, "LNK001", "error", "same again by hand"))
    assert len(store.incidents()) == 4


# -- nothing is lost -------------------------------------------------------------------


def test_a_failing_write_loses_nothing_recorded_before(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = store.record_launch(attempt(findings=(ERR,), forced=True, reason="r"))
    with (
        store_fault("fail"),
        pytest.raises(StoreError, match=r"recording the launch failed on .*: simulated failure"),
    ):
        store.record_launch(attempt(campaign="second", findings=(ERR2,), forced=True, reason="r"))
    assert [r.id for r in store.launches()] == [first.id]
    assert [i.code for i in store.incidents()] == ["LNK001"]
    assert [f["code"] for f in store.launch_findings(first.id)] == ["LNK001"]
    # and the store still writes
    assert store.record_launch(attempt(campaign="third")).id > first.id


_WRITER = """
import os, sys, time
from datetime import datetime, UTC
from mailcheck.store import LaunchAttempt, open_store
from mailcheck.model import Finding, Severity
url, go, n, tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if len(sys.argv) > 5:  # a fault for the store (tests/store_faults.py)
    sys.path.insert(0, sys.argv[6])
    import store_faults
    store_faults.install(sys.argv[5])
while not os.path.exists(go):
    time.sleep(0.005)
st = open_store(url)
err = Finding("LNK001", "link-broken", Severity.ERROR, "404", "x", "https://a/" + tag)
for i in range(n):
    st.record_launch(LaunchAttempt(
        campaign=f"{tag}-{i}", client="acme", source="s", content_hash="0" * 64,
        status="launched", attempted_at=datetime.now(UTC), launched_by=tag,
        forced=True, reason="test", findings=(err,)))
print("done", tag)
"""


def test_eight_processes_writing_at_once_all_land(db_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, db_url, str(go), "5", f"p{k}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(8)
    ]
    time.sleep(
        0.3
    )  # let them all start and wait at the barrier (correctness does not depend on it)
    go.write_text("go")  # every process opens (and migrates) a fresh database at once
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, outputs
    st = open_store(db_url)
    launches = st.launches()
    assert sorted(r.campaign for r in launches) == sorted(
        f"p{k}-{i}" for k in range(8) for i in range(5)
    )
    assert len(st.incidents()) == 40
    assert {i.launch_id for i in st.incidents()} == {r.id for r in launches}
    st.close()


def test_a_process_killed_inside_the_launch_transaction_leaves_a_consistent_log(
    db_url: str, tmp_path: Path
) -> None:
    st = open_store(db_url)
    before = [st.record_launch(attempt(campaign=f"early-{k}", findings=(ERR,), forced=True,
                                       reason="r")) for k in range(3)]  # fmt: skip
    st.close()
    marker = tmp_path / "inside"
    fault = f"pause={marker}"
    tests_dir = str(Path(__file__).parent)
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, db_url, str(tmp_path), "1", "victim", fault, tests_dir],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the writer never reached the transaction"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    st = open_store(db_url)  # opens (a killed writer's lock is gone) …
    assert [r.campaign for r in st.launches()] == [r.campaign for r in before]  # … half absent
    assert [i.launch_id for i in st.incidents()] == [r.id for r in before]
    assert [f["code"] for f in st.launch_findings(before[0].id)] == ["LNK001"]
    after = st.record_launch(attempt(campaign="after"))  # and takes writes again
    assert after.id > before[-1].id
    st.close()
    if db_url.startswith("sqlite:///"):
        with sqlite3.connect(db_url[len("sqlite:///") :]) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert raw.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_postgresql_fixture_fails_loudly_without_binaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pg_server as fixture_module

    monkeypatch.setattr(fixture_module.glob, "glob", lambda pattern: [])
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL binaries not found"):
        fixture_module.pg_bindir()


def test_long_names_are_stored_whole(store: Store) -> None:
    long_id = "кампания-" + "ы" * 600
    row = store.record_launch(
        attempt(
            campaign=long_id,
            client="клиент " * 80,
            findings=(
                Finding("ACME_VERY_LONG_PLUGIN_CODE_0001_X" * 2, "r" * 150, Severity.ERROR, "m"),
            ),
            forced=True,
            reason="r",
            ci_job="gitlab:" + "g/" * 300 + "#1",
        )
    )
    again = store.launch(row.id)
    assert again is not None and again.campaign == long_id and again.client == "клиент " * 80
    assert store.incidents()[0].code == "ACME_VERY_LONG_PLUGIN_CODE_0001_X" * 2


def test_concurrent_monitors_record_each_keyed_incident_once(db_url: str) -> None:
    import threading

    with open_store(db_url) as st:
        launch_id = st.record_launch(attempt()).id
    items = [
        NewIncident(launch_id, "LNK001", "error", "died", "monitor", f"https://a/{k}", f"k{k}")
        for k in range(40)
    ]
    added: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def one() -> None:
        try:
            with open_store(db_url) as own:
                start.wait()
                added.extend(i.id for i in own.add_incidents_once(items))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(added) == 40
    with open_store(db_url) as st:
        assert sorted(i.id for i in st.incidents()) == sorted(added)
