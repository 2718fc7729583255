"""The DNS answer cache: a CI re-run of an unchanged repository asks no nameserver at all.

One SQLite file beside the link cache (``.mailcheck/dns.sqlite``). Each answer is kept for as
long as its nameserver said it may be (the TTL; for NXDOMAIN and NODATA the zone's negative TTL,
RFC 2308), never longer than ``[dns] cache-max-ttl``, so a fixed SPF record is seen within that
time whatever TTL it was published with. Only answers are kept: a timeout or a SERVFAIL may be
gone in a minute. Rows are keyed by the nameservers asked too, so a project that changes its
``[dns] nameservers`` never reads what other servers said. A cache that cannot be opened, read
or written is a warning, never a failed run; ``--no-cache`` reads nothing and stores the fresh
answers.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import NamedTuple

from mailcheck.net.dns import Answer
from mailcheck.net.linkcache import open_cache_db, replace_rows, warn

CACHE_FILE = "dns.sqlite"
SCHEMA_VERSION = 1
STATUSES = ("ok", "nxdomain", "nodata")  # answers; failures are never stored


class Key(NamedTuple):
    servers: str  # the nameservers asked, as configured
    name: str
    rdtype: str


def _encode(answer: Answer) -> str:
    return json.dumps(
        {
            "status": answer.status,
            "records": list(answer.records),
            "txt": [t.decode("latin-1") for t in answer.txt],  # bytes kept exactly
            "mx": [list(pair) for pair in answer.mx],
        },
        ensure_ascii=False,
    )


def _decode(key: Key, text: str) -> Answer:
    data = json.loads(text)
    if data["status"] not in STATUSES:
        raise ValueError(f"not an answer: {data['status']!r}")
    return Answer(
        key.name,
        key.rdtype,
        data["status"],
        records=tuple(str(r) for r in data["records"]),
        txt=tuple(str(t).encode("latin-1") for t in data["txt"]),
        mx=tuple((int(p), str(h)) for p, h in data["mx"]),
    )


class DnsCache:
    """A :class:`mailcheck.net.dns.DnsStore`: the fresh answers are loaded once when it is
    opened; the new ones are written by :meth:`save`."""

    def __init__(self, path: Path, max_ttl: float, *, read: bool = True) -> None:
        self.path = path
        self.max_ttl = max_ttl
        self._db = open_cache_db(
            path,
            "dns_answers",
            "servers TEXT NOT NULL, name TEXT NOT NULL, rdtype TEXT NOT NULL,"
            " expires REAL NOT NULL, answer TEXT NOT NULL, PRIMARY KEY (servers, name, rdtype)",
            SCHEMA_VERSION,
        )
        self._fresh: dict[Key, Answer] = self._load() if read else {}
        self._new: dict[Key, tuple[Answer, float]] = {}

    def _load(self) -> dict[Key, Answer]:
        fresh: dict[Key, Answer] = {}
        try:
            rows = self._db.execute(
                "SELECT servers, name, rdtype, answer FROM dns_answers WHERE expires > ?",
                (time.time(),),
            ).fetchall()
        except sqlite3.Error as exc:
            warn(f"DNS cache {self.path} could not be read ({exc}); asking the nameservers")
            return fresh
        for servers, name, rdtype, text in rows:
            key = Key(servers, name, rdtype)
            try:
                fresh[key] = _decode(key, text)
            except (ValueError, KeyError, TypeError):
                continue  # a damaged row is just a miss
        return fresh

    def get(self, servers: str, name: str, rdtype: str) -> Answer | None:
        return self._fresh.get(Key(servers, name, rdtype))

    def put(self, servers: str, answer: Answer, ttl: float | None) -> None:
        if answer.status not in STATUSES or ttl is None:
            return
        keep = min(ttl, self.max_ttl)
        if keep > 0:
            self._new[Key(servers, answer.name, answer.rdtype)] = (answer, time.time() + keep)

    def save(self) -> int:
        """Write the answers met since opening; returns how many."""
        rows = [(*key, expires, _encode(answer)) for key, (answer, expires) in self._new.items()]
        try:
            replace_rows(
                self._db,
                "INSERT OR REPLACE INTO dns_answers (servers, name, rdtype, expires, answer)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
                "DELETE FROM dns_answers WHERE expires <= ?",
                (time.time(),),
            )
        except sqlite3.Error as exc:
            warn(f"DNS cache {self.path} could not be written ({exc})")
            return 0
        self._new.clear()
        return len(rows)

    def close(self) -> None:
        self._db.close()


def open_dns_cache(state_dir: Path, max_ttl: float, *, read: bool = True) -> DnsCache | None:
    """The cache, or None (with a warning) when the file cannot be used or caching is off."""
    if max_ttl <= 0:
        return None
    path = state_dir / CACHE_FILE
    try:
        return DnsCache(path, max_ttl, read=read)
    except (sqlite3.Error, OSError) as exc:
        warn(f"DNS cache {path} cannot be used, asking the nameservers: {exc}")
        return None
