"""The published-document cache: a warm re-run fetches no MTA-STS policy, BIMI logo or mark
certificate again (and so resolves none of their hosts either).

One SQLite file beside the link and DNS caches (``.mailcheck/documents.sqlite``), opened by the
same :func:`mailcheck.net.linkcache.open_cache_db` (its own file: each cache file carries one
schema version). A row is what the host answered — status, media type, ``Location``, the body
as read up to the limit — never a verdict: each run judges the document again, so a mark
certificate's expiry is measured against today.

How long a document is kept: at most ``[dns] cache-max-ttl``, and an MTA-STS policy no longer
than its own ``max_age`` (RFC 8461 §3.2: how long a sender may keep using it). The DNS cap, not
the link cache's ``links.cache_ttl`` (a day), because these documents are the domain's own
configuration, announced by TXT records that the DNS cache keeps that long: a fixed policy or
logo is seen as soon as a fixed SPF record is, and ``cache-max-ttl = 0`` turns both off.

Only answers are kept, as in the link and DNS caches: never a timeout, a name that did not
resolve, a refused connection, a TLS error, nor a 429 or 5xx (the answers the link checker
retries) — any of them may be gone by the next run. ``--no-cache`` reads nothing and stores
the fresh answers. A cache that cannot be opened, read or written is a warning, never a failed
run.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from mailcheck.domain_health import Fetched
from mailcheck.net.linkcache import open_cache_db, replace_rows, warn

CACHE_FILE = "documents.sqlite"
SCHEMA_VERSION = 1
RETRIED = 429  # with every 5xx: a busy or failing host, not the document's own answer


def cacheable(fetched: Fetched) -> bool:
    """Whether the host's answer is worth keeping: an answer, and not one of a busy host."""
    status = fetched.status
    return status is not None and status < 500 and status != RETRIED


class DocumentCache:
    """Fetched documents keyed by the fetcher's request key; new ones written by :meth:`save`."""

    def __init__(self, path: Path, max_ttl: float, *, read: bool = True) -> None:
        self.path = path
        self.max_ttl = max_ttl
        self._read = read
        self._db = open_cache_db(
            path,
            "documents",
            "key TEXT PRIMARY KEY, expires REAL NOT NULL, url TEXT NOT NULL,"
            " status INTEGER NOT NULL, content_type TEXT NOT NULL, location TEXT NOT NULL,"
            " body BLOB NOT NULL, too_large INTEGER NOT NULL",
            SCHEMA_VERSION,
        )
        self._new: dict[str, tuple[Fetched, float]] = {}

    def get(self, key: str) -> Fetched | None:
        """The document still fresh under ``key``; None when there is none (or not reading)."""
        if not self._read:
            return None
        try:
            row = self._db.execute(
                "SELECT url, status, content_type, location, body, too_large FROM documents"
                " WHERE key = ? AND expires > ?",
                (key, time.time()),
            ).fetchone()
        except sqlite3.Error as exc:
            warn(f"document cache {self.path} could not be read ({exc}); fetching again")
            return None
        if row is None:
            return None
        url, status, content_type, location, body, too_large = row
        if not isinstance(status, int) or not isinstance(body, bytes):
            return None  # a damaged row is just a miss
        return Fetched(
            str(url),
            status=status,
            content_type=str(content_type),
            location=str(location),
            body=body,
            too_large=bool(too_large),
        )

    def put(self, key: str, fetched: Fetched, lifetime: float | None = None) -> None:
        """Keep an answer for ``lifetime`` seconds (None: as long as the cap allows)."""
        if not cacheable(fetched):
            return
        keep = self.max_ttl if lifetime is None else min(lifetime, self.max_ttl)
        if keep > 0:
            self._new[key] = (fetched, time.time() + keep)

    def save(self) -> int:
        """Write the documents fetched since opening; returns how many."""
        rows = [
            (
                key,
                expires,
                f.url,
                f.status,
                f.content_type,
                f.location,
                f.body,
                int(f.too_large),
            )
            for key, (f, expires) in self._new.items()
        ]
        try:
            replace_rows(
                self._db,
                "INSERT OR REPLACE INTO documents (key, expires, url, status, content_type,"
                " location, body, too_large) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
                "DELETE FROM documents WHERE expires <= ?",
                (time.time(),),
            )
        except sqlite3.Error as exc:
            warn(f"document cache {self.path} could not be written ({exc})")
            return 0
        self._new.clear()
        return len(rows)

    def close(self) -> None:
        self._db.close()


def open_document_cache(
    state_dir: Path, max_ttl: float, *, read: bool = True
) -> DocumentCache | None:
    """The cache, or None (with a warning) when the file cannot be used or caching is off."""
    if max_ttl <= 0:
        return None
    path = state_dir / CACHE_FILE
    try:
        return DocumentCache(path, max_ttl, read=read)
    except (sqlite3.Error, OSError) as exc:
        warn(f"document cache {path} cannot be used, fetching without it: {exc}")
        return None
