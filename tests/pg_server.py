"""A real PostgreSQL server for the test suite, from the Debian ``postgresql`` package.

Started once per test process (each pytest-xdist worker has its own) on 127.0.0.1 with a free
port, in a temporary data directory, with trust authentication on loopback and no Unix socket.
PostgreSQL refuses to run as root, so under uid 0 the server runs as the ``postgres`` system
user (created by the Debian package) through ``runuser``. Missing binaries or a failed start
fail the test with the reason; they never skip it.

Use the ``pg_url`` fixture: a fresh, empty database per test, dropped afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from ports import free_port

from mailcheck.store import Store, open_store


def pg_bindir() -> Path:
    def version(initdb: str) -> int:
        name = Path(initdb).parent.parent.name
        return int(name) if name.isdigit() else 0

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if not found:
        pytest.fail(
            "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: "
            "run scripts/install-system-deps (Debian package `postgresql`)"
        )
    return Path(found[-1]).parent


class PgServer:
    def __init__(self) -> None:
        self.bindir = pg_bindir()
        self.as_root = os.geteuid() == 0
        self.tmp = Path(tempfile.mkdtemp(prefix="mailcheck-pg-"))
        self.data = self.tmp / "data"
        self.log = self.tmp / "server.log"
        self.port = 0

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self.as_root else list(args)

    def _run(self, *args: str) -> None:
        proc = subprocess.run(self._cmd(*args), capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}\n{log}"
            )

    def start(self) -> None:
        if self.as_root:
            if shutil.which("runuser") is None:
                pytest.fail("running as root and `runuser` is missing: cannot start PostgreSQL")
            try:
                shutil.chown(self.tmp, "postgres", "postgres")
            except (LookupError, OSError) as exc:
                pytest.fail(f"cannot hand {self.tmp} to the postgres user: {exc}")
        try:
            self._run(
                str(self.bindir / "initdb"),
                "-D", str(self.data),
                "-U", "postgres",
                "-A", "trust",
                "-E", "UTF8",
                "--no-locale",
                "--no-sync",
            )  # fmt: skip
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            pytest.fail(f"initdb failed: {exc}")
        last: Exception | None = None
        for _ in range(3):  # the free port may be taken between probing and binding
            self.port = free_port()
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                "-c fsync=off -c full_page_writes=off -c max_connections=60"
            )
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "-D", str(self.data),
                    "-l", str(self.log),
                    "-o", options,
                    "-w", "-t", "60",
                    "start",
                )  # fmt: skip
                return
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                last = exc
        pytest.fail(f"PostgreSQL did not start: {last}")

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                self._cmd(
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.tmp, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = PgServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh empty database on the test PostgreSQL server, as a plain postgresql:// URL."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty incident log on each backend in turn: SQLite in a temp dir, then PostgreSQL."""
    if request.param == "sqlite":
        (tmp_path / "state").mkdir()
        return f"sqlite:///{tmp_path}/state/mailcheck.db"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """The incident log at :func:`db_url`, opened (migrated) and closed after the test."""
    st = open_store(db_url)
    yield st
    st.close()
