"""A ``.mailcheck/`` cache opened while another process switches the new file to WAL.

Two pytest workers, or two CI jobs, on one repository open its link/DNS/document caches at the
same moment. SQLite refuses the WAL switch at once ("database is locked", no busy handler) while
another connection holds the write lock, so a cache used to be reported as unusable at random.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from mailcheck.net.linkcache import open_cache_db


def test_a_cache_being_switched_by_another_process_is_waited_for(tmp_path: Path) -> None:
    path = tmp_path / ".mailcheck" / "links.sqlite"
    path.parent.mkdir()
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the other process, switching the new, empty file
    assert path.stat().st_size == 0
    seen: list[object] = []

    def open_it() -> None:
        try:
            db = open_cache_db(path, "links", "url TEXT PRIMARY KEY, data TEXT", 3)
        except sqlite3.Error as exc:
            seen.append(exc)
            return
        with db:  # a connection is used in the thread that made it
            for pragma in (
                "PRAGMA journal_mode",
                "PRAGMA user_version",
                "SELECT count(*) FROM links",
            ):
                seen.append(db.execute(pragma).fetchone())
        db.close()

    opener = threading.Thread(target=open_it)
    opener.start()
    # before the fix the open failed at once, whether or not the lock was released later
    opener.join(timeout=0.5)
    other.execute("ROLLBACK")
    other.close()
    opener.join(timeout=30)
    assert seen == [("wal",), (3,), (0,)]
