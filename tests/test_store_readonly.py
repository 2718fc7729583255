"""The commands that only read the log (kpi, launches, incident list) open it read-only and
leave it as it was; an empty (0-byte) log is an error for every command, never empty history.

Tests run as root, whom file permissions do not stop: a log that cannot be written is made
with ``chattr +i`` (immutable: not even root may write it, nor create files in an immutable
directory), and these tests are skipped where that is not allowed.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from mailcheck.cli import main
from mailcheck.store import LaunchAttempt, StoreError, db, open_store
from tests.helpers import write_campaign

NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
READERS = (("kpi", "--format", "json"), ("launches", "--format", "json"), ("incident", "list"))


def attempt(campaign: str) -> LaunchAttempt:
    return LaunchAttempt(
        campaign=campaign,
        client="acme",
        source=campaign,
        content_hash="0" * 64,
        status="launched",
        attempted_at=NOV,
        launched_by="anna",
    )


def cli(cwd: Path, url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MAILCHECK_DB": url, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mailcheck", *argv],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def beside(log: Path) -> list[str]:
    return sorted(p.name for p in log.parent.iterdir() if p.name != log.name)


@contextlib.contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """``chattr +i`` on ``paths`` for the block (skips the test where it is not allowed)."""
    done: list[Path] = []
    try:
        for path in paths:
            proc = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            if proc.returncode != 0:
                pytest.skip(f"chattr +i is not allowed here: {proc.stderr!r}")
            done.append(path)
        yield
    finally:
        for path in reversed(done):
            subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """A log with two launches in a directory of its own, closed (no -wal, no -shm)."""
    path = tmp_path / "state" / "log.db"
    with open_store(f"sqlite:///{path}") as st:
        st.record_launch(attempt("bf"))
        st.record_launch(attempt("xmas"))
    assert beside(path) == []
    return path


def _said_two_launches(argv: tuple[str, ...], out: str) -> None:
    if argv[0] == "kpi":
        assert [p["launches"] for p in json.loads(out)["periods"]] == [2]
    elif argv[0] == "launches":
        assert [r["campaign"] for r in json.loads(out)["launches"]] == ["bf", "xmas"]
    else:
        assert "no incidents" in out


def test_a_log_that_cannot_be_written_is_read_and_nothing_is_left_beside_it(
    log: Path, tmp_path: Path
) -> None:
    # the user may read the log but not write it; the directory is writable: opened
    # read-write, SQLite made log.db-wal and log.db-shm there and left them (the reader could
    # not checkpoint), and those, owned by the reader, may keep the owner from writing
    before = fingerprint(log)
    with immutable(log):
        for argv in READERS:
            proc = cli(tmp_path, f"sqlite:///{log}", *argv)
            assert proc.returncode == 0, proc.stderr
            _said_two_launches(argv, proc.stdout)
            assert beside(log) == [], argv
    assert fingerprint(log) == before


def test_a_log_in_a_directory_that_cannot_be_written_is_read(log: Path, tmp_path: Path) -> None:
    # neither the file nor its directory writable: "unable to open database file" (exit 2)
    with immutable(log, log.parent):
        for argv in READERS:
            proc = cli(tmp_path, f"sqlite:///{log}", *argv)
            assert proc.returncode == 0, proc.stderr
            _said_two_launches(argv, proc.stdout)
    assert beside(log) == []


def test_a_read_only_store_cannot_write(log: Path) -> None:
    with open_store(f"sqlite:///{log}", readonly=True) as st:
        assert [r.campaign for r in st.launches()] == ["bf", "xmas"]
        with pytest.raises(OperationalError, match="readonly"), st.engine.begin() as conn:
            conn.execute(text("DELETE FROM launches"))
    with open_store(f"sqlite:///{log}") as st:
        assert len(st.launches()) == 2
    assert beside(log) == []


def test_a_read_while_a_writer_is_at_work_sees_what_it_committed(log: Path) -> None:
    # a launch that committed into the -wal file, not yet checkpointed into the log: a reader
    # that ignored the -wal (immutable) would miss it
    holder = sqlite3.connect(log)  # keeps -wal and -shm (no checkpoint at the writer's close)
    try:
        holder.execute("SELECT 1 FROM launches").fetchall()
        with open_store(f"sqlite:///{log}") as st:
            st.record_launch(attempt("third"))
        assert beside(log) == ["log.db-shm", "log.db-wal"]
        with open_store(f"sqlite:///{log}", readonly=True) as st:
            assert [r.campaign for r in st.launches()] == ["bf", "xmas", "third"]
    finally:
        holder.close()


def test_a_log_written_while_it_was_read_is_an_error_not_a_figure(
    log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # read without a lock (no -wal there): a writer that came meanwhile may have been seen
    # half-way, so the read is refused
    changes = itertools.count()  # the file changes between any two looks at it
    monkeypatch.setattr(db, "_signature", lambda _path: (0, 0, 0, next(changes)))
    with open_store(f"sqlite:///{log}", readonly=True) as st, pytest.raises(StoreError) as exc:
        st.launches()
    assert "was written by another process while it was read; run the command again" in str(
        exc.value
    )


EMPTY = "is empty (0 bytes): it may have been truncated"


@pytest.mark.parametrize(
    "argv",
    [
        ("kpi",),
        ("launches",),
        ("incident", "list"),
        ("incident", "resolve", "1"),
        ("monitor",),
        ("launch", "--offline", "c1"),
    ],
)
def test_an_empty_log_is_an_error_for_every_command(
    argv: tuple[str, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a truncated log read as "no launches recorded" (exit 0) and rewritten as a fresh schema
    write_campaign(tmp_path)
    path = tmp_path / "log.db"
    path.write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MAILCHECK_DB", f"sqlite:///{path}")
    monkeypatch.setattr(db, "EMPTY_WAIT_S", 0.2, raising=False)
    assert main(list(argv)) == 2
    _out, err = capsys.readouterr()
    assert err.count(f"the incident log {path} {EMPTY}") == 1
    assert "delete it to start a new log" in err
    assert path.read_bytes() == b"" and beside(path) == ["c1"]
