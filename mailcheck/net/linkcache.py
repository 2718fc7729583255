"""The link result cache: a CI re-run of unchanged campaigns makes no request at all.

One SQLite file (``.mailcheck/links.sqlite``) of (key, time, result) rows. Only definitive
results are stored — a page that answered, a 404 — never a timeout, a refused connection, a
5xx or a bot wall, which may well be different in a minute. WAL and a busy timeout let parallel
processes (pytest-xdist workers, parallel CI jobs) share the file. A cache that cannot be opened
or written is a warning, never a failed run.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from mailcheck.config import LinksConfig
from mailcheck.facts import Hop, LinkResult
from mailcheck.i18n import from_data, to_data
from mailcheck.sqlite_wal import use_wal

SCHEMA_VERSION = 2  # 2: not_image; image-only URLs keyed apart from pages
BUSY_TIMEOUT = 30.0  # seconds a writer waits for another process's transaction
_CHUNK = 500  # keys per SELECT, under SQLite's variable limit


def cacheable(result: LinkResult) -> bool:
    """Whether a result is worth remembering: an answer that will not change by itself."""
    if result.verdict in ("ok", "loop", "too-many-redirects"):
        return True
    # 4xx is the page's own answer; 5xx is an outage that may be over by the next run.
    return result.verdict == "broken" and result.status is not None and result.status < 500


def _encode(result: LinkResult) -> str:
    return json.dumps(
        {
            "verdict": result.verdict,
            "status": result.status,
            "reason": to_data(result.reason),  # translatable when read back
            "hops": [[h.url, h.status] for h in result.hops],
            "final_url": result.final_url,
            "method": result.method,
            "checked_at": result.checked_at,
            "unsubscribe": result.unsubscribe,
            "not_image": to_data(result.not_image),
        },
        ensure_ascii=False,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""  # (a Message stays one: it is a str)


def _decode(url: str, text: str) -> LinkResult:
    data = json.loads(text)
    return LinkResult(
        url=url,
        verdict=data["verdict"],
        status=data["status"],
        reason=_text(from_data(data["reason"])),
        hops=tuple(Hop(str(u), int(s)) for u, s in data["hops"]),
        final_url=data["final_url"],
        method=data["method"],
        from_cache=True,
        checked_at=float(data["checked_at"]),
        unsubscribe=bool(data["unsubscribe"]),
        not_image=_text(from_data(data["not_image"])),
    )


def open_cache_db(path: Path, table: str, columns: str, version: int) -> sqlite3.Connection:
    """A cache database in ``.mailcheck/`` (WAL, busy timeout) holding ``table`` at ``version``.

    A cache is disposable: a table of another version is dropped and made anew, not converted.
    Shared by the link, DNS and document caches.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    use_wal(db, wait_s=BUSY_TIMEOUT)
    db.execute("PRAGMA synchronous = NORMAL")
    with writing(db):
        (found,) = db.execute("PRAGMA user_version").fetchone()
        if found != version:
            db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
        db.execute(f"PRAGMA user_version = {version}")
    return db


def guard_mode(links: LinksConfig) -> str:
    """The part of a cache key that says what the SSRF guard let through: an answer fetched
    with private or metadata addresses allowed is not reused under a stricter setting."""
    return ("+private" if links.allow_private else "") + (
        "+metadata" if links.allow_metadata else ""
    )


def replace_rows(
    db: sqlite3.Connection,
    insert: str,
    rows: Sequence[tuple[object, ...]],
    purge: str,
    purge_args: tuple[object, ...],
) -> None:
    """Store ``rows`` (``insert``: INSERT OR REPLACE) and drop what expired (``purge``), in
    one write transaction: what every cache does when a run ends."""
    with writing(db):
        db.executemany(insert, rows)
        db.execute(purge, purge_args)


@contextmanager
def writing(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction of a cache database, rolled back on any error. IMMEDIATE takes
    the write lock at once, so parallel CI jobs sharing ``.mailcheck/`` queue for it."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


class LinkCache:
    """Results keyed by request key (the URL to request and how it may be requested)."""

    def __init__(self, path: Path, ttl: float) -> None:
        self.path = path
        self.ttl = ttl
        self._db = open_cache_db(
            path,
            "link_results",
            "key TEXT PRIMARY KEY, url TEXT NOT NULL, checked_at REAL NOT NULL,"
            " result TEXT NOT NULL",
            SCHEMA_VERSION,
        )

    def get_many(self, keys: Iterable[str]) -> dict[str, LinkResult]:
        """Fresh results for those keys that have one."""
        wanted = list(dict.fromkeys(keys))
        fresh_after = time.time() - self.ttl
        found: dict[str, LinkResult] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, url, result FROM link_results"
                f" WHERE key IN ({marks}) AND checked_at >= ?",
                [*chunk, fresh_after],
            )
            for key, url, text in rows:
                try:
                    found[key] = _decode(url, text)
                except (ValueError, KeyError, TypeError, IndexError, AttributeError):
                    continue  # a damaged row (or a reason's template it cannot fill) is a miss
        return found

    def put_many(self, items: Iterable[tuple[str, LinkResult]]) -> int:
        """Store the definitive results among ``items``; returns how many were stored."""
        rows = [
            (key, r.url, r.checked_at or time.time(), _encode(r))
            for key, r in items
            if cacheable(r)
        ]
        replace_rows(
            self._db,
            "INSERT OR REPLACE INTO link_results (key, url, checked_at, result)"
            " VALUES (?, ?, ?, ?)",
            rows,
            "DELETE FROM link_results WHERE checked_at < ?",
            (time.time() - self.ttl,),
        )
        return len(rows)

    def close(self) -> None:
        self._db.close()


def open_cache(path: Path, ttl: float) -> LinkCache | None:
    """The cache, or None (with a warning) when the file cannot be used."""
    try:
        return LinkCache(path, ttl)
    except (sqlite3.Error, OSError) as exc:
        warn(f"link cache {path} cannot be used, checking without it: {exc}")
        return None


def warn(message: str) -> None:
    print(f"mailcheck: warning: {message}", file=sys.stderr)
