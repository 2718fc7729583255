"""Switching a SQLite database to WAL when other processes open it at the same moment.

SQLite answers ``PRAGMA journal_mode = WAL`` that meets another connection's write lock with
"database is locked" at once: it does not call the busy handler there. Parallel first runs on a
new database (eight CI retries of one launch, two pytest workers on one cache) all switch it, so
one of them failed while another was switching. Queueing with ``BEGIN IMMEDIATE`` does call the
busy handler; once it has the lock the other writer is done, and the switch is tried again (a
no-op when that writer switched). Shared by the incident log and the ``.mailcheck/`` caches.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Protocol


class _Executes(Protocol):
    def execute(self, sql: str, /) -> object: ...


def use_wal(db: _Executes, *, wait_s: float) -> None:
    """Put the database in WAL mode, waiting up to ``wait_s`` for another connection's write."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise
        db.execute("BEGIN IMMEDIATE")  # waits up to the busy timeout, or raises "locked"
        db.execute("ROLLBACK")


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY, extended codes included: another connection holds the lock."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_BUSY
