"""Parallel first launches on a new SQLite log: every one opens it, none says "locked".

Each new connection switches the log to WAL. SQLite refuses that switch at once ("database is
locked", no busy handler) while another connection holds the write lock, as a first process
does while it switches a new file; so one of eight parallel CI retries exited 2 now and then
(test_launch_idempotent's flake).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection as Pipe
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest
from pg_server import PgServer, pg_server  # noqa: F401  (fixture)
from sqlalchemy import event, text

from mailcheck.store import LaunchAttempt, StoreError, db, open_store
from mailcheck.store.db import make_engine, migrate
from mailcheck.store.migrations import MIGRATIONS


def test_a_new_log_being_switched_by_another_connection_is_waited_for(tmp_path: Path) -> None:
    db = tmp_path / "state" / "log.db"
    db.parent.mkdir()
    url = f"sqlite:///{db}"
    # what the first of parallel launches holds while it switches the new, empty file to WAL
    first = sqlite3.connect(db, isolation_level=None)
    first.execute("BEGIN IMMEDIATE")
    assert db.stat().st_size == 0

    said: list[str] = []

    def release_when_queued(statement: str) -> None:
        said.append(statement)
        if statement == "BEGIN IMMEDIATE" and first.in_transaction:
            first.execute("ROLLBACK")  # the other launch's switch is done

    def traced(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.set_trace_callback(release_when_queued)

    engine = make_engine(url)
    # before mailcheck's own set-up of the connection, so that its statements are seen
    event.listen(engine, "connect", traced, insert=True)
    try:
        assert migrate(engine, url) == MIGRATIONS[-1].version
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()
        first.close()
    # refused while the other held the lock, queued for it as a writer, then switched
    ours = said[said.index("PRAGMA busy_timeout = 30000") :]
    assert ours[:5] == [
        "PRAGMA busy_timeout = 30000",
        "PRAGMA journal_mode = WAL",
        "BEGIN IMMEDIATE",
        "ROLLBACK",
        "PRAGMA journal_mode = WAL",
    ]


def _refusal(campaign: str) -> LaunchAttempt:
    return LaunchAttempt(
        campaign=campaign,
        client="acme",
        source=campaign,
        content_hash="0" * 64,
        status="refused",
        attempted_at=datetime.now(UTC),
        launched_by="ci",
    )


def _launch_many(urls: list[str], barrier: Barrier, out: Pipe) -> None:
    """A pool worker: open each log and record one refusal at the same moment as the others."""
    attempt = _refusal("acme-bad")
    done: list[str] = []
    for url in urls:
        barrier.wait(timeout=120)
        try:
            with open_store(url) as store:
                row, fresh = store.record_decision(attempt)
            done.append(f"#{row.id}{' recorded' if fresh else ''}")
        except StoreError as exc:
            done.append(f"failed: {exc}")
    out.send(done)


def _in_processes(n: int, target: Callable[..., None], *args: object) -> list[list[str]]:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(n)
    pipes = [ctx.Pipe(duplex=False) for _ in range(n)]
    procs = [
        ctx.Process(target=target, args=(*args, barrier, send), daemon=True) for _, send in pipes
    ]
    for p in procs:
        p.start()
    try:
        return [recv.recv() for recv, _ in pipes]
    finally:
        for p in procs:
            p.join(timeout=60)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_eight_processes_recording_one_refusal_in_a_new_log_at_once(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    # new logs, each opened by eight processes released together: before the fix one SQLite
    # log in ten or so lost a process to "database is locked" (100 logs: 5 runs of 5 failed)
    if backend == "sqlite":
        urls = [f"sqlite:///{tmp_path}/{i}/state/log.db" for i in range(100)]
    else:
        server: PgServer = request.getfixturevalue("pg_server")
        names = [server.create_database() for _ in range(10)]
        request.addfinalizer(lambda: [server.drop_database(name) for name in names])
        urls = [server.url(name) for name in names]
    results = _in_processes(8, _launch_many, urls)
    failures = [r for worker in results for r in worker if r.startswith("failed")]
    assert failures == [], "\n".join(failures)
    for i, url in enumerate(urls):
        said = sorted(worker[i] for worker in results)
        with open_store(url, create=False) as store:
            rows = store.launches()
        assert [(r.campaign, r.status) for r in rows] == [("acme-bad", "refused")], url
        # one process recorded it; the seven others were handed that same row
        assert said == [f"#{rows[0].id}"] * 7 + [f"#{rows[0].id} recorded"], url


def test_a_log_locked_longer_than_the_wait_says_so_and_keeps_what_it_had(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/log.db"
    with open_store(url) as store:
        kept, _ = store.record_decision(_refusal("acme-ok"))
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 1)  # the 30 s of a real launch, shortened
    holder = sqlite3.connect(tmp_path / "log.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, and writing, and writing
    try:
        with open_store(url) as store, pytest.raises(StoreError) as caught:
            store.record_decision(_refusal("acme-bad"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(caught.value) == (
        f"recording the launch failed on {url}: the database stayed locked by another "
        "process for more than 1 s (SQLite busy timeout); try again when it is released"
    )
    with open_store(url) as store:
        assert [(r.id, r.campaign) for r in store.launches()] == [(kept.id, "acme-ok")]
