"""Schema migrations: an ordered list, each applied once in its own transaction.

The database records every applied version in ``mailcheck_schema``. Opening a database runs
the missing migrations; a database whose version is newer than :data:`MIGRATIONS` knows is
refused (an older mailcheck must not write into a schema it does not understand).

Each migration freezes its own DDL instead of using ``schema.metadata``: the current tables
will change in later versions, while version 1 must always create version 1.

To add version 2: write ``def _v2(conn)`` (e.g. ``ALTER TABLE`` through ``sqlalchemy.text`` or
new ``Table`` objects with ``create``), append ``Migration(2, "…", _v2)``, update ``schema.py``
and ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from mailcheck.store.schema import UtcDateTime


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def create_version_table(conn: Connection) -> None:
    md = MetaData()
    Table(
        "mailcheck_schema",
        md,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("description", Text, nullable=False),
        Column("applied_at", UtcDateTime, nullable=False),
    )
    md.create_all(conn, checkfirst=True)


def _v1(conn: Connection) -> None:
    md = MetaData()
    Table(
        "launches",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("campaign", Text, nullable=False),
        Column("client", Text, nullable=False),
        Column("source", Text, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("status", String(16), nullable=False),
        Column("forced", Boolean, nullable=False),
        Column("reason", Text),
        Column("send_at", UtcDateTime),
        Column("attempted_at", UtcDateTime, nullable=False),
        Column("launched_by", Text, nullable=False),
        Column("ci_job", Text),
        Column("errors", Integer, nullable=False),
        Column("warnings", Integer, nullable=False),
        Index("ix_launches_client_time", "client", "attempted_at"),
        Index("ix_launches_time", "attempted_at"),
    )
    Table(
        "launch_findings",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("launch_id", Integer, ForeignKey("launches.id"), nullable=False, index=True),
        Column("code", Text, nullable=False),
        Column("rule", Text, nullable=False),
        Column("severity", String(16), nullable=False),
        Column("message", Text, nullable=False),
        Column("location", Text, nullable=False),
        Column("url", Text),
    )
    Table(
        "launch_links",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("launch_id", Integer, ForeignKey("launches.id"), nullable=False),
        Column("url", Text, nullable=False),
        Column("kind", String(16), nullable=False),
        Column("purpose", String(16), nullable=False),
        Column("verdict", String(32)),
        Column("status", Integer),
        UniqueConstraint("launch_id", "url", name="uq_launch_links_url"),
    )
    Table(
        "incidents",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("launch_id", Integer, ForeignKey("launches.id"), nullable=False, index=True),
        Column("code", Text, nullable=False),
        Column("severity", String(16), nullable=False),
        Column("note", Text, nullable=False),
        Column("source", String(16), nullable=False),
        Column("url", Text),
        Column("dedupe_key", Text),
        Column("detected_at", UtcDateTime, nullable=False),
        Column("resolved_at", UtcDateTime),
        UniqueConstraint("launch_id", "dedupe_key", name="uq_incidents_dedupe"),
    )
    md.create_all(conn, checkfirst=False)


def _v2(conn: Connection) -> None:
    # Rows written before version 2 have no key: they stay as they are (the KPI folds their
    # retries, see mailcheck.kpi.fold_retries).
    conn.execute(text("ALTER TABLE launches ADD COLUMN decision_key TEXT"))
    conn.execute(text("ALTER TABLE launches ADD COLUMN relaunch BOOLEAN NOT NULL DEFAULT FALSE"))
    conn.execute(text("CREATE UNIQUE INDEX uq_launches_decision_key ON launches (decision_key)"))


def _v3(conn: Connection) -> None:
    # Incidents logged before owners existed get the owner a new one of theirs would get.
    from mailcheck.owners import default_owner

    conn.execute(
        text("ALTER TABLE incidents ADD COLUMN owner VARCHAR(16) NOT NULL DEFAULT 'unknown'")
    )
    conn.execute(text("ALTER TABLE incidents ADD COLUMN impact VARCHAR(16)"))
    rows = conn.execute(text("SELECT id, code, source, url FROM incidents")).all()
    for incident_id, code, source, url in rows:
        owner = default_owner(code, source=source, url=url)
        if owner != "unknown":
            conn.execute(
                text("UPDATE incidents SET owner = :owner WHERE id = :id"),
                {"owner": owner, "id": incident_id},
            )


def _v4(conn: Connection) -> None:
    # Launches recorded before version 4 say nothing about it: false, as before (unknown).
    conn.execute(text("ALTER TABLE launches ADD COLUMN offline BOOLEAN NOT NULL DEFAULT FALSE"))


def _v5(conn: Connection) -> None:
    # The source files' own hash of a launch recorded before cannot be computed now: NULL, read
    # as its content_hash. Its skipped errors can be counted: they are its incidents so noted.
    conn.execute(text("ALTER TABLE launches ADD COLUMN source_hash VARCHAR(64)"))
    conn.execute(text("ALTER TABLE launches ADD COLUMN skipped_errors INTEGER NOT NULL DEFAULT 0"))
    conn.execute(
        text(
            "UPDATE launches SET skipped_errors = (SELECT count(*) FROM incidents"
            " WHERE incidents.launch_id = launches.id AND incidents.source = 'launch'"
            " AND incidents.note LIKE 'skipped at launch by %') WHERE status = 'launched'"
        )
    )


MIGRATIONS: list[Migration] = [
    Migration(1, "launches, their findings and links; incidents", _v1),
    Migration(2, "one launch row per gate decision; --relaunch", _v2),
    Migration(3, "incident owner and class", _v3),
    Migration(4, "launches checked offline (links and DNS not verified)", _v4),
    Migration(5, "a launch's source hash and its errors of skipped checks", _v5),
]
