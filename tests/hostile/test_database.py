"""The incident log never hangs a launch: PostgreSQL waits are bounded and said in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)

from mailcheck.store import open_store
from mailcheck.store.db import make_engine
from tests.helpers import write_campaign
from tests.hostile.cli import mailcheck

pytestmark = pytest.mark.postgres


def test_every_connection_has_lock_and_statement_timeouts(pg_url: str) -> None:  # noqa: F811
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "10s"
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "1min"
    finally:
        engine.dispose()


def test_a_urls_own_timeout_wins(pg_url: str) -> None:  # noqa: F811
    engine = make_engine(pg_url + "?options=-c%20lock_timeout%3D250ms")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "250ms"
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "1min"
    finally:
        engine.dispose()


def test_a_held_table_lock_ends_the_launch_with_a_clear_error(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    import psycopg

    open_store(pg_url).close()  # the schema exists
    write_campaign(tmp_path, "c")
    db = pg_url + "?options=-c%20lock_timeout%3D300ms"
    with psycopg.connect(pg_url) as holder:  # another session holds the table
        holder.execute("LOCK TABLE launches IN ACCESS EXCLUSIVE MODE")
        proc = mailcheck("launch", "--offline", "c", cwd=tmp_path, env={"MAILCHECK_DB": db})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().endswith(
        "gave up waiting for a lock another database session holds (PostgreSQL lock_timeout); "
        "try again when it is released"
    ), proc.stderr
    with open_store(pg_url) as store:  # and nothing was recorded
        assert store.launches() == []
