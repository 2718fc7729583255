"""The current database schema as SQLAlchemy Core tables, one definition for SQLite and PostgreSQL.

``migrations.py`` creates and upgrades the database; each migration freezes the DDL of its
version, so this module may move on (version 2, 3 …) without rewriting history.

Times are stored in UTC: ``timestamptz`` on PostgreSQL, ISO text on SQLite (which has no time
zone type); :class:`UtcDateTime` hands back aware UTC datetimes from both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

SCHEMA_VERSION = 5  # the version this mailcheck writes; a newer database is refused


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"an aware datetime is required, got {value!r}")
        value = value.astimezone(UTC)
        # SQLite keeps text; without the offset every stored value sorts and compares as UTC
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

schema_versions = Table(
    "mailcheck_schema",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", UtcDateTime, nullable=False),
)

launches = Table(
    "launches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("campaign", Text, nullable=False),
    Column("client", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # launched | refused
    Column("forced", Boolean, nullable=False),
    Column("reason", Text),
    Column("send_at", UtcDateTime),
    Column("attempted_at", UtcDateTime, nullable=False),
    Column("launched_by", Text, nullable=False),
    Column("ci_job", Text),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    # version 2: one row per gate decision (records.LaunchAttempt.decision_key); NULL for a
    # --relaunch, and NULLs never collide
    Column("decision_key", Text),
    Column("relaunch", Boolean, nullable=False, default=False),
    # version 4: checked offline (--offline, [links] offline): links and DNS not verified
    Column("offline", Boolean, nullable=False, default=False),
    # version 5: the sha256 of the source files alone (content_hash less the launch's own
    # --select/--ignore; NULL before), and how many errors of the checks those flags skipped
    # became incidents of the launch: what the KPI needs to see a refusal sent out anyway
    Column("source_hash", String(64)),
    Column("skipped_errors", Integer, nullable=False, default=0),
    Index("ix_launches_client_time", "client", "attempted_at"),
    Index("ix_launches_time", "attempted_at"),
    Index("uq_launches_decision_key", "decision_key", unique=True),
)

# Every finding of an attempt: for a refused one these are the errors caught before launch.
launch_findings = Table(
    "launch_findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("launch_id", Integer, ForeignKey("launches.id"), nullable=False, index=True),
    Column("code", Text, nullable=False),
    Column("rule", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("message", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("url", Text),
)

# The links as rendered at launch, with what the checker said then (NULL: not checked).
launch_links = Table(
    "launch_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("launch_id", Integer, ForeignKey("launches.id"), nullable=False),
    Column("url", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # model.LinkKind: a, img, …
    Column("purpose", String(16), nullable=False),  # link | image | unsubscribe
    Column("verdict", String(32)),
    Column("status", Integer),
    UniqueConstraint("launch_id", "url", name="uq_launch_links_url"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("launch_id", Integer, ForeignKey("launches.id"), nullable=False, index=True),
    Column("code", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Column("source", String(16), nullable=False),  # launch | manual | monitor
    Column("url", Text),
    # Set by writers that must not record the same problem twice (the monitor: its URL);
    # NULL keys never collide, so manual incidents are never merged.
    Column("dedupe_key", Text),
    Column("detected_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime),
    # version 3: whose fault (owners.OWNERS) and, when set by hand, the class (owners.IMPACTS)
    Column("owner", String(16), nullable=False, default="unknown"),
    Column("impact", String(16)),
    UniqueConstraint("launch_id", "dedupe_key", name="uq_incidents_dedupe"),
)
