"""Opening the database and every read and write of the incident log.

One code path for SQLite and PostgreSQL through SQLAlchemy Core. Every write is one
transaction: a launch with its findings, links and incidents lands whole or not at all, so a
process killed mid-write or a failing write never leaves half a record nor touches earlier ones.

SQLite specifics, all set on each new connection: WAL (readers never block the writer), a
30-second busy timeout, foreign keys on, synchronous=FULL, and write transactions opened with
``BEGIN IMMEDIATE`` so that parallel CI jobs queue for the write lock instead of failing with
"database is locked" when a read transaction tries to upgrade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from mailcheck.config import ConfigError, shown_url
from mailcheck.model import Finding
from mailcheck.owners import default_owner
from mailcheck.sqlite_wal import is_busy, use_wal
from mailcheck.store import schema as s
from mailcheck.store.migrations import MIGRATIONS, create_version_table
from mailcheck.store.records import (
    DefectKey,
    IncidentRow,
    LaunchAttempt,
    LaunchedLink,
    LaunchRow,
    NewIncident,
    defect_key,
)

BUSY_TIMEOUT_S = 30
_PG_MIGRATION_LOCK = 0x6D61696C  # pg_advisory_xact_lock key: one migrator at a time
# PostgreSQL waits that would otherwise hang a launch gate forever (a table lock held by
# another session, a server that accepts and never answers). A URL's own options win:
# postgresql://…?options=-c%20lock_timeout%3D30s
PG_CONNECT_TIMEOUT_S = 10
PG_TIMEOUTS = {"lock_timeout": "10s", "statement_timeout": "60s"}


class StoreError(ConfigError):
    """The database cannot be opened, is of a newer schema, or a read/write failed (exit 2)."""


class NotFound(StoreError):
    """A launch or incident id that is not in the log."""


def now() -> datetime:
    return datetime.now(UTC)


CLOCK_SKEW = timedelta(minutes=5)  # another machine's clock may run this much ahead


def _shown_time(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _not_in_the_future(when: datetime, what: str) -> None:
    if when > now() + CLOCK_SKEW:
        raise StoreError(f"{what} at {_shown_time(when)}, which is in the future")


def normalise_url(url: str) -> str:
    """The SQLAlchemy URL for a configured ``db``: PostgreSQL goes through psycopg 3."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def database_file(url: str) -> Path | None:
    """The file of a SQLite database URL (None: another database, or none named)."""
    try:
        parsed = make_url(normalise_url(url))
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the driver so that BEGIN IMMEDIATE is ours to issue.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        use_wal(cur, wait_s=BUSY_TIMEOUT_S)
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        readonly = conn.get_execution_options().get("mailcheck_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def make_engine(url: str, *, create: bool = True) -> Engine:
    url = normalise_url(url)
    try:
        return _make_engine(url, create=create)
    except StoreError:
        raise
    except (ArgumentError, ValueError, OSError, ImportError) as exc:
        # a port that is no number, a NUL byte, a name the file system refuses …
        raise StoreError(f"database URL {shown_url(url)!r} is not valid: {exc}") from exc


def _make_engine(url: str, *, create: bool) -> Engine:
    parsed = make_url(url)
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "sqlite" and driver == "pysqlite":
        database = parsed.database or ""
        if not database or database == ":memory:" or "mode=memory" in url:
            raise StoreError(
                f"database URL {url!r} names no file: an in-memory database keeps nothing "
                "(write sqlite:///path/to/mailcheck.db)"
            )
        if "\x00" in database:
            raise StoreError(f"database URL {url!r} is not valid: a NUL byte in the file name")
        path = database_file(url)
        if path is not None and not create and not path.exists():
            raise StoreError(_no_log_message(str(path)))
        if path is not None:
            if path.is_dir():
                raise StoreError(f"database {path} is a directory, not a database file")
            refuse_empty_log(path, creating=create)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the directory for database {path}: {exc}") from exc
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql" and driver == "psycopg":
        try:
            # pre-ping: a pooled connection the server dropped meanwhile (a restart, a
            # failover during minutes of link checks) is replaced, not used for the record
            return create_engine(url, connect_args=pg_connect_args(url), pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise StoreError(
                "a postgresql:// database needs psycopg 3: pip install 'mailcheck-qa[postgres]'"
            ) from exc
    raise StoreError(
        f"database URL {shown_url(url)!r}: only sqlite:/// and postgresql:// are supported"
    )


# How long a log found empty (0 bytes) may take to get its first page: SQLite creates the file
# on connecting and writes its header at once (journal_mode = WAL), so a log a parallel first
# launch is creating stays empty for microseconds; a truncated one stays empty.
EMPTY_WAIT_S = 2.0


def refuse_empty_log(path: Path, *, creating: bool) -> None:
    """Raise StoreError when the log at ``path`` exists and holds 0 bytes.

    SQLite reads an empty file as an empty database: opened, the log of a disk that filled up
    or a copy cut short became a fresh schema, and the KPI said "no launches recorded" (a
    read-only command rewrote it). History is never silently empty: every command refuses
    it, ``launch`` (``creating``) too — a log it did not create is somebody's history — unless
    a parallel first launch is creating it: that one holds SQLite's lock on it, or gives it its
    first page within :data:`EMPTY_WAIT_S`.
    """
    import time

    deadline = time.monotonic() + EMPTY_WAIT_S
    while True:
        try:
            if path.stat().st_size != 0:
                return
        except OSError:
            return  # not there (yet): said by whoever needs it
        if creating and _locked_by_another(path):
            return
        if time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    raise StoreError(
        f"the incident log {path} is empty (0 bytes): it may have been truncated (a full "
        "disk, a copy cut short); nothing was read or written. Restore it from a backup, or "
        "delete it to start a new log"
    )


def _locked_by_another(path: Path) -> bool:
    """Whether another connection holds a lock on the SQLite file (it is creating it)."""
    try:
        probe = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True, timeout=0)
    except sqlite3.Error:
        return False
    try:
        probe.isolation_level = None
        probe.execute("BEGIN IMMEDIATE")  # takes the lock only: an empty file stays empty
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return is_busy(exc)
    finally:
        probe.close()


def pg_connect_args(url: str) -> dict[str, object]:
    """libpq settings for every connection: the timeouts, unless the URL sets its own."""
    query = make_url(url).query
    given = query.get("options", "")
    options = " ".join(given) if isinstance(given, tuple) else given
    ours = [f"-c {name}={value}" for name, value in PG_TIMEOUTS.items() if name not in options]
    args: dict[str, object] = {"options": " ".join([options, *ours]).strip()}
    if "connect_timeout" not in query:
        args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    return args


class Store:
    """The incident log. Create with :func:`open_store`; every method is one transaction."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    # -- plumbing -----------------------------------------------------------------------

    @contextmanager
    def _write(self, what: str) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except StoreError:
            raise
        except SQLAlchemyError as exc:
            raise StoreError(f"{what} failed on {shown_url(self.url)}: {_reason(exc)}") from exc

    @contextmanager
    def _read(self, what: str) -> Iterator[Connection]:
        try:
            with self.engine.connect() as raw:
                conn = raw.execution_options(mailcheck_readonly=True)
                with conn.begin():
                    yield conn
                _unchanged_since_opened(raw, self.url)
        except StoreError:
            raise
        except SQLAlchemyError as exc:
            raise StoreError(f"{what} failed on {shown_url(self.url)}: {_reason(exc)}") from exc
        except ValueError as exc:  # a value the driver cannot read back (a date edited by hand)
            raise StoreError(
                f"{what} failed on {shown_url(self.url)}: a stored value cannot be read "
                f"({exc}); was the log edited by hand?"
            ) from exc

    def check_writable(self) -> None:
        """Raise StoreError unless a write transaction can start: a read-only file, or a
        PostgreSQL standby, found before a launch spends minutes on checks it cannot record."""
        with self._write("writing to the log") as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET TRANSACTION READ WRITE"))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        with self._read("reading the schema version") as conn:
            return _version(conn)

    # -- launches -----------------------------------------------------------------------

    def record_decision(self, attempt: LaunchAttempt) -> tuple[LaunchRow, bool]:
        """Record a gate decision once: ``(row, True)`` when this call recorded it, or the row
        of the same decision recorded before (a retried job), ``(row, False)``.

        The decision key's unique index settles parallel retries on either backend: the
        losers' inserts fail and they read the winner's row.
        """
        key = attempt.decision_key
        if key is not None:
            found = self._launch_by_key(key)
            if found is not None:
                return found, False
        try:
            return self._insert_launch(attempt, key), True
        except StoreError as exc:
            if key is None or not isinstance(exc.__cause__, IntegrityError):
                raise
            found = self._launch_by_key(key)
            if found is None:
                raise
            return found, False

    def _launch_by_key(self, key: str) -> LaunchRow | None:
        with self._read("reading a launch") as conn:
            row = conn.execute(select(s.launches).where(s.launches.c.decision_key == key)).first()
        return _launch_row(row._mapping) if row is not None else None

    def last_launched(self, client: str, campaign: str, files_hash: str) -> LaunchRow | None:
        """The latest launch of these files of this campaign for the client, if it went out,
        however narrowly it was checked (its ``--select``/``--ignore``): the same files are
        the same send. ``files_hash``: the sha256 of the files alone (``source_hash``). Rows
        recorded before schema version 5 have no ``source_hash``: their ``content_hash`` is
        the files' hash unless they were narrowed, and those cannot be matched."""
        return self._of_files("launched", client, campaign, files_hash, s.launches.c.id.desc())

    def first_refused(self, client: str, campaign: str, files_hash: str) -> LaunchRow | None:
        """The first refusal of these files of this campaign for the client, however narrowly
        it was checked: the KPI counts the later ones as that refusal (a retry)."""
        return self._of_files("refused", client, campaign, files_hash, s.launches.c.id)

    def _of_files(
        self, status: str, client: str, campaign: str, files_hash: str, order: Any
    ) -> LaunchRow | None:
        """The first row in ``order`` of these files of this campaign with this status."""
        files = func.coalesce(s.launches.c.source_hash, s.launches.c.content_hash)
        q = (
            select(s.launches)
            .where(
                s.launches.c.status == status,
                s.launches.c.client == client,
                s.launches.c.campaign == campaign,
                files == files_hash,
            )
            .order_by(order)
            .limit(1)
        )
        with self._read("reading a launch") as conn:
            row = conn.execute(q).first()
        return _launch_row(row._mapping) if row is not None else None

    def record_launch(self, attempt: LaunchAttempt) -> LaunchRow:
        """Record an attempt with its findings and links; a forced launch's errors become
        incidents. All in one transaction. Unlike :meth:`record_decision` it always adds a row
        (imports, tests)."""
        return self._insert_launch(attempt, None)

    def _insert_launch(self, attempt: LaunchAttempt, key: str | None) -> LaunchRow:
        errors = [f for f in attempt.findings if f.severity.value == "error"]
        warnings = [f for f in attempt.findings if f.severity.value == "warning"]
        with self._write("recording the launch") as conn:
            launch_id = conn.execute(
                insert(s.launches).returning(s.launches.c.id),
                {
                    "campaign": attempt.campaign,
                    "client": attempt.client,
                    "source": attempt.source,
                    "content_hash": attempt.content_hash,
                    "status": attempt.status,
                    "forced": attempt.forced,
                    "reason": attempt.reason,
                    "send_at": attempt.send_at,
                    "attempted_at": attempt.attempted_at,
                    "launched_by": attempt.launched_by,
                    "ci_job": attempt.ci_job,
                    "errors": len(errors),
                    "warnings": len(warnings),
                    "decision_key": key,
                    "relaunch": attempt.relaunch,
                    "offline": attempt.offline,
                    "source_hash": attempt.source_hash or attempt.content_hash,
                    # recorded as incidents below: a launch's only
                    "skipped_errors": len(attempt.skipped) if attempt.status == "launched" else 0,
                },
            ).scalar_one()
            if attempt.findings:
                conn.execute(
                    insert(s.launch_findings),
                    [
                        {
                            "launch_id": launch_id,
                            "code": f.code,
                            "rule": f.rule,
                            "severity": f.severity.value,
                            "message": f.message,
                            # every place of the one root cause, as the text output lists them
                            "location": ", ".join(f.places),
                            "url": f.url,
                        }
                        for f in attempt.findings
                    ],
                )
            links = _unique_links(attempt.links)
            if links:
                conn.execute(
                    insert(s.launch_links),
                    [
                        {
                            "launch_id": launch_id,
                            "url": link.url,
                            "kind": link.kind,
                            "purpose": link.purpose,
                            "verdict": link.verdict,
                            "status": link.status,
                        }
                        for link in links
                    ],
                )
            if attempt.status == "launched" and (errors or attempt.skipped):
                conn.execute(insert(s.incidents), _launch_incidents(launch_id, attempt, errors))
            row = conn.execute(select(s.launches).where(s.launches.c.id == launch_id)).one()
        return _launch_row(row._mapping)

    def launch(self, launch_id: int) -> LaunchRow | None:
        with self._read("reading a launch") as conn:
            row = conn.execute(select(s.launches).where(s.launches.c.id == launch_id)).first()
        return _launch_row(row._mapping) if row is not None else None

    def launches(
        self,
        *,
        client: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        status: str | None = None,
    ) -> list[LaunchRow]:
        """Attempts with ``since <= attempted_at < until``, oldest first; a refused one with
        the defects it caught (:attr:`LaunchRow.defects`)."""
        conditions = []
        if client is not None:
            conditions.append(s.launches.c.client == client)
        if since is not None:
            conditions.append(s.launches.c.attempted_at >= since)
        if until is not None:
            conditions.append(s.launches.c.attempted_at < until)
        if status is not None:
            conditions.append(s.launches.c.status == status)
        q = select(s.launches).where(*conditions)
        q = q.order_by(s.launches.c.attempted_at, s.launches.c.id)
        f = s.launch_findings
        caught = (
            select(f.c.launch_id, f.c.code, f.c.message, f.c.location, f.c.url)
            .join(s.launches, s.launches.c.id == f.c.launch_id)
            .where(*conditions, s.launches.c.status == "refused", f.c.severity == "error")
        )
        with self._read("reading launches") as conn:
            rows = [_launch_row(r._mapping) for r in conn.execute(q)]
            defects: dict[int, set[DefectKey]] = {}
            for launch_id, code, message, location, url in conn.execute(caught):
                defects.setdefault(launch_id, set()).add(defect_key(code, message, location, url))
        return [
            replace(r, defects=frozenset(defects.get(r.id, ()))) if r.status == "refused" else r
            for r in rows
        ]

    def launch_findings(self, launch_id: int) -> list[dict[str, object]]:
        q = (
            select(s.launch_findings)
            .where(s.launch_findings.c.launch_id == launch_id)
            .order_by(s.launch_findings.c.id)
        )
        with self._read("reading findings") as conn:
            return [
                {k: v for k, v in r._mapping.items() if k not in ("id", "launch_id")}
                for r in conn.execute(q)
            ]

    def launch_links(self, launch_ids: Sequence[int]) -> dict[int, list[LaunchedLink]]:
        found: dict[int, list[LaunchedLink]] = {i: [] for i in launch_ids}
        if not launch_ids:
            return found
        q = (
            select(s.launch_links)
            .where(s.launch_links.c.launch_id.in_(list(launch_ids)))
            .order_by(s.launch_links.c.id)
        )
        with self._read("reading launch links") as conn:
            for r in conn.execute(q):
                m = r._mapping
                found[m["launch_id"]].append(
                    LaunchedLink(m["url"], m["kind"], m["purpose"], m["verdict"], m["status"])
                )
        return found

    # -- incidents ----------------------------------------------------------------------

    def add_incident(self, new: NewIncident) -> IncidentRow:
        with self._write("recording the incident") as conn:
            launch = conn.execute(
                select(s.launches.c.status, s.launches.c.attempted_at).where(
                    s.launches.c.id == new.launch_id
                )
            ).first()
            if launch is None:
                raise NotFound(f"no launch with id {new.launch_id}")
            status, launched_at = launch
            if status != "launched":
                raise StoreError(
                    f"launch {new.launch_id} was refused at the gate and never sent: "
                    "incidents belong to launches that went out"
                )
            # a mistyped date would stay in the KPI's time to resolve for good (8,291 hours)
            detected = new.detected_at or now()
            if detected < launched_at:
                raise StoreError(
                    f"detected at {_shown_time(detected)}, before launch {new.launch_id} went "
                    f"out at {_shown_time(launched_at)}: an incident is found after its launch"
                )
            _not_in_the_future(detected, "detected")
            incident_id = conn.execute(
                insert(s.incidents).returning(s.incidents.c.id),
                _incident_values(replace(new, detected_at=detected)),
            ).scalar_one()
        found = self.incident(incident_id)
        assert found is not None
        return found

    def add_incidents_once(self, items: Sequence[NewIncident]) -> list[IncidentRow]:
        """Add those whose (launch, dedupe_key) is not recorded yet; return the added ones.

        Safe against a concurrent writer adding the same key: the unique constraint refuses
        the duplicate and the batch is retried against what is now there.
        """
        for attempt in range(3):
            try:
                with self._write("recording incidents") as conn:
                    keys = {(n.launch_id, n.dedupe_key) for n in items}
                    launch_ids = sorted({k[0] for k in keys})
                    existing: set[tuple[int, str | None]] = set()
                    if launch_ids:
                        q = select(s.incidents.c.launch_id, s.incidents.c.dedupe_key).where(
                            s.incidents.c.launch_id.in_(launch_ids),
                            s.incidents.c.dedupe_key.is_not(None),
                        )
                        existing = {(r[0], r[1]) for r in conn.execute(q)}
                    added: list[int] = []
                    seen: set[tuple[int, str | None]] = set()
                    for n in items:
                        key = (n.launch_id, n.dedupe_key)
                        if n.dedupe_key is not None and (key in existing or key in seen):
                            continue
                        seen.add(key)
                        added.append(
                            conn.execute(
                                insert(s.incidents).returning(s.incidents.c.id),
                                _incident_values(n),
                            ).scalar_one()
                        )
                return self._incidents_by_ids(added)
            except StoreError as exc:
                if not isinstance(exc.__cause__, IntegrityError) or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def incident(self, incident_id: int) -> IncidentRow | None:
        found = self._incidents_by_ids([incident_id])
        return found[0] if found else None

    def _incidents_by_ids(self, ids: Sequence[int]) -> list[IncidentRow]:
        if not ids:
            return []
        q = _incident_query().where(s.incidents.c.id.in_(list(ids)))
        with self._read("reading incidents") as conn:
            return [_incident_row(r._mapping) for r in conn.execute(q)]

    def incidents(
        self,
        *,
        client: str | None = None,
        open_only: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[IncidentRow]:
        """Incidents, oldest first; ``since``/``until`` bound their launch's attempt time."""
        q = _incident_query()
        if client is not None:
            q = q.where(s.launches.c.client == client)
        if open_only:
            q = q.where(s.incidents.c.resolved_at.is_(None))
        if since is not None:
            q = q.where(s.launches.c.attempted_at >= since)
        if until is not None:
            q = q.where(s.launches.c.attempted_at < until)
        with self._read("reading incidents") as conn:
            return [_incident_row(r._mapping) for r in conn.execute(q)]

    def edit_incident(
        self, incident_id: int, *, owner: str | None = None, impact: str | None = None
    ) -> IncidentRow:
        """Attribute an incident (owner) or re-class it, later than it was logged."""
        changes = {k: v for k, v in (("owner", owner), ("impact", impact)) if v is not None}
        with self._write("editing the incident") as conn:
            done = conn.execute(
                update(s.incidents).where(s.incidents.c.id == incident_id).values(**changes)
            )
            if done.rowcount == 0:
                raise NotFound(f"no incident with id {incident_id}")
        found = self.incident(incident_id)
        assert found is not None
        return found

    def resolve_incident(self, incident_id: int, at: datetime | None = None) -> IncidentRow:
        """Mark resolved. Resolving twice keeps the first time (the KPI's time to resolve)."""
        with self._write("resolving the incident") as conn:
            current = conn.execute(
                select(s.incidents.c.resolved_at, s.incidents.c.detected_at).where(
                    s.incidents.c.id == incident_id
                )
            ).first()
            if current is None:
                raise NotFound(f"no incident with id {incident_id}")
            when = at or now()
            _not_in_the_future(when, "resolved")
            if current[0] is None:
                if when < current[1]:
                    raise StoreError(
                        f"incident {incident_id} was detected at "
                        f"{current[1].isoformat(timespec='seconds')}; it cannot be resolved "
                        "before that"
                    )
                conn.execute(
                    update(s.incidents)
                    .where(s.incidents.c.id == incident_id)
                    .values(resolved_at=when)
                )
        found = self.incident(incident_id)
        assert found is not None
        return found


# PostgreSQL's SQLSTATEs for the timeouts above, said in words
_PG_TIMEOUT_REASONS = {
    "55P03": "gave up waiting for a lock another database session holds "
    "(PostgreSQL lock_timeout); try again when it is released",
    "57014": "a statement ran longer than PostgreSQL's statement_timeout allows",
}


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    explained = _PG_TIMEOUT_REASONS.get(getattr(orig, "sqlstate", None) or "")
    if explained is not None:
        return explained
    if isinstance(orig, sqlite3.OperationalError) and is_busy(orig):
        # SQLite says only "database is locked": say that we waited, and for how long
        return (
            f"the database stayed locked by another process for more than {BUSY_TIMEOUT_S} s "
            "(SQLite busy timeout); try again when it is released"
        )
    return str(orig if orig is not None else exc).strip().splitlines()[0]


def _launch_incidents(
    launch_id: int, attempt: LaunchAttempt, errors: Sequence[Finding]
) -> list[dict[str, object]]:
    """The incidents a launch records itself: each error it was forced out with, and each
    error of the checks its --select/--ignore skipped (it went out unchecked for them)."""
    reason = attempt.reason or "no reason"
    narrowed = f" [{attempt.skipped_by}]"
    why = [(f, f"launched with --force ({reason})") for f in errors]
    why += [
        (f, f"skipped at launch by {attempt.skipped_by} ({reason.removesuffix(narrowed)})")
        for f in attempt.skipped
    ]
    return [
        {
            "launch_id": launch_id,
            "code": f.code,
            "severity": "error",
            "note": f"{said}: {f.message}" + (f" (at {', '.join(f.places)})" if f.places else ""),
            "source": "launch",
            "url": f.url,
            "dedupe_key": None,
            "detected_at": attempt.attempted_at,
            "resolved_at": None,
            # the agency saw the error at the gate, or chose not to look, and sent anyway
            "owner": default_owner(f.code, source="launch", url=f.url),
            "impact": None,
        }
        for f, said in why
    ]


def _unique_links(links: Sequence[LaunchedLink]) -> list[LaunchedLink]:
    seen: dict[str, LaunchedLink] = {}
    for link in links:
        seen.setdefault(link.url, link)
    return list(seen.values())


def _incident_values(n: NewIncident) -> dict[str, object]:
    return {
        "launch_id": n.launch_id,
        "code": n.code,
        "severity": n.severity,
        "note": n.note,
        "source": n.source,
        "url": n.url,
        "dedupe_key": n.dedupe_key,
        "detected_at": n.detected_at or now(),
        "resolved_at": None,
        "owner": n.resolved_owner,
        "impact": n.impact,
    }


def _incident_query() -> Any:
    return (
        select(s.incidents, s.launches.c.client, s.launches.c.campaign)
        .join(s.launches, s.launches.c.id == s.incidents.c.launch_id)
        .order_by(s.incidents.c.detected_at, s.incidents.c.id)
    )


def _launch_row(m: Any) -> LaunchRow:
    return LaunchRow(
        id=m["id"],
        campaign=m["campaign"],
        client=m["client"],
        source=m["source"],
        content_hash=m["content_hash"],
        status=m["status"],
        forced=bool(m["forced"]),
        reason=m["reason"],
        send_at=m["send_at"],
        attempted_at=m["attempted_at"],
        launched_by=m["launched_by"],
        ci_job=m["ci_job"],
        errors=m["errors"],
        warnings=m["warnings"],
        relaunch=bool(m["relaunch"]),
        offline=bool(m["offline"]),
        source_hash=m["source_hash"],
        skipped_errors=m["skipped_errors"],
    )


def _incident_row(m: Any) -> IncidentRow:
    return IncidentRow(
        id=m["id"],
        launch_id=m["launch_id"],
        client=m["client"],
        campaign=m["campaign"],
        code=m["code"],
        severity=m["severity"],
        note=m["note"],
        source=m["source"],
        url=m["url"],
        detected_at=m["detected_at"],
        resolved_at=m["resolved_at"],
        owner=m["owner"],
        impact=m["impact"],
    )


# -- opening and migrating ---------------------------------------------------------------


def _version(conn: Connection) -> int:
    if not inspect(conn).has_table(s.schema_versions.name):
        return 0
    found = conn.execute(select(func.max(s.schema_versions.c.version))).scalar()
    return int(found or 0)


def _has_foreign_tables(conn: Connection) -> bool:
    names = set(inspect(conn).get_table_names())
    return bool(names & {"launches", "incidents"}) and s.schema_versions.name not in names


def _no_log_message(where: str) -> str:
    return (
        f"no incident log at {where}: nothing has been launched with this database yet, or "
        "its URL is mistyped (MAILCHECK_DB, or db in mailcheck.toml)"
    )


def migrate(engine: Engine, url: str, *, create: bool = True) -> int:
    """Bring the database to the latest schema version; return it. ``create`` False: a
    database without mailcheck's tables is refused (StoreError), never given them — a command
    that only reads or adds to the log must not make an empty one (PostgreSQL as SQLite)."""
    latest = MIGRATIONS[-1].version
    with engine.connect() as raw:
        conn = raw.execution_options(mailcheck_readonly=True)
        with conn.begin():
            current = _version(conn)
            foreign = current == 0 and _has_foreign_tables(conn)
    if current == 0 and not create and not foreign:
        file = database_file(url)
        raise StoreError(_no_log_message(str(file) if file is not None else shown_url(url)))
    if current == latest:
        return current
    if current > latest:
        raise StoreError(_newer_message(url, current, latest))
    for migration in MIGRATIONS:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            # re-read under the write lock: a parallel process may have migrated meanwhile
            current = _version(conn)
            if current > latest:
                raise StoreError(_newer_message(url, current, latest))
            if current >= migration.version:
                continue
            if current == 0 and _has_foreign_tables(conn):
                raise StoreError(
                    f"database {shown_url(url)} has launches/incidents tables but no "
                    "mailcheck_schema table: it was not created by mailcheck; refusing to touch it"
                )
            create_version_table(conn)
            migration.apply(conn)
            conn.execute(
                insert(s.schema_versions),
                {
                    "version": migration.version,
                    "description": migration.description,
                    "applied_at": now(),
                },
            )
    return latest


def _newer_message(url: str, found: int, latest: int) -> str:
    return (
        f"database {shown_url(url)} has schema version {found}, newer than this mailcheck "
        f"understands ({latest}); upgrade mailcheck (the database was left untouched)"
    )


def open_store(url: str, *, create: bool = True, readonly: bool = False) -> Store:
    """Open (creating or migrating as needed) the incident log at ``url``; with ``create``
    False (the commands that only read it, or add to what a launch recorded), a SQLite log
    that does not exist is an error rather than a new empty one. ``readonly`` (the commands
    that only read: kpi, launches, incident list) opens a SQLite log read-only
    (:func:`_open_sqlite_readonly`), and implies ``create`` False.

    Raises :class:`StoreError` with a message for the user when the database cannot be opened,
    is not a mailcheck database, or has a newer schema. Never resets anything.
    """
    if readonly:
        create = False
        found = _open_sqlite_readonly(url)
        if found is not None:
            return found
    engine = make_engine(url, create=create)
    try:
        migrate(engine, url, create=create)
    except StoreError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"cannot open database {shown_url(url)}: {_reason(exc)}") from exc
    return Store(engine, url)


# -- reading a SQLite log without writing to it ------------------------------------------------


def _open_sqlite_readonly(url: str) -> Store | None:
    """The SQLite log at ``url`` opened read-only, or None when it is no SQLite file or its
    schema is older than this mailcheck's (then it is migrated as before, which writes).

    A command that only reads must work on a log the user may read but not write (a shared
    CI cache, an agency's archive), and must leave nothing behind. Opened read-write, the
    connection's set-up (journal_mode, BEGIN IMMEDIATE, the migration check) failed with
    "attempt to write a readonly database". Opened ``mode=ro``, SQLite still creates the WAL's
    -wal and -shm files when the directory is writable, and a reader cannot remove them (its
    -shm, owned by it, could then keep the log's owner from writing). So:

    * -wal or -shm there (a writer is at work, or left them), or a -journal: ``mode=ro``
      reads through them and creates nothing;
    * none there: the log is whole in its one file; it is read ``immutable`` (no lock, no
      -wal, no -shm), and each read checks afterwards that no writer came meanwhile (the file
      unchanged, no -wal): a read that may have seen half a write is an error, never a figure.
    """
    path = database_file(normalise_url(url))
    try:
        backend = make_url(normalise_url(url)).get_backend_name()
    except (ArgumentError, ValueError):
        return None  # make_engine says what is wrong with it
    if backend != "sqlite" or path is None:
        return None
    make_engine(url, create=False).dispose()  # its checks: no such log, a directory, empty
    # a connection per read (NullPool): each sees the file as it is then
    engine = create_engine("sqlite://", creator=lambda: _connect_readonly(path), poolclass=NullPool)
    _configure_sqlite_readonly(engine)
    store = Store(engine, url)
    try:
        with engine.connect() as conn:
            current = _version(conn)
    except SQLAlchemyError as exc:  # not a database, not readable
        engine.dispose()
        raise StoreError(f"cannot open database {shown_url(url)}: {_reason(exc)}") from exc
    latest = MIGRATIONS[-1].version
    if current > latest:
        engine.dispose()
        raise StoreError(_newer_message(url, current, latest))
    if current < latest:  # an older (or not yet created) schema: migrated, as before
        engine.dispose()
        return None
    return store


def _companions(path: Path) -> tuple[Path, ...]:
    """The -wal and -shm of a log in WAL mode, and the -journal of one that is not (a hot
    journal left by a crash is part of the log as well: never read past it)."""
    return tuple(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))


def _signature(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _connect_readonly(path: Path) -> sqlite3.Connection:
    absolute = path.absolute()
    quiet = not any(companion.exists() for companion in _companions(absolute))
    uri = absolute.as_uri() + ("?mode=ro&immutable=1" if quiet else "?mode=ro")
    signature = _signature(absolute) if quiet else None
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    _IMMUTABLE[id(conn)] = (absolute, signature)
    return conn


# The file each immutable connection reads and how it was when opened (by the connection's id;
# NullPool closes each connection after its one read, and the entry goes with it).
_IMMUTABLE: dict[int, tuple[Path, tuple[int, int, int, int] | None]] = {}


def _configure_sqlite_readonly(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA query_only = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "close")
    def _on_close(dbapi_conn: Any, _record: Any) -> None:
        _IMMUTABLE.pop(id(dbapi_conn), None)


def _unchanged_since_opened(raw: Connection, url: str) -> None:
    """StoreError when the log an immutable connection read was written meanwhile."""
    dbapi = raw.connection.dbapi_connection
    opened = _IMMUTABLE.get(id(dbapi)) if dbapi is not None else None
    if opened is None or opened[1] is None:
        return
    path, signature = opened
    try:
        same = _signature(path) == signature and not any(c.exists() for c in _companions(path))
    except OSError:
        same = False
    if not same:
        raise StoreError(
            f"the incident log {shown_url(url)} was written by another process while it was "
            "read; run the command again"
        )
