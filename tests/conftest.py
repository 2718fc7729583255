"""Shared fixtures. The DNS fixtures live in dns_server.py (a real NSD on loopback)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from auth_helpers import auth_dns
from dns_server import NsdPool, black_hole, nsd_pool

from mailcheck.net.dns import NAMESERVERS_ENV

# the incident-log fixtures (db_url, store over SQLite and PostgreSQL) for every test module
pytest_plugins = ["pytester", "pg_server"]

__all__ = ["auth_dns", "black_hole", "no_outside_dns", "nsd_pool"]


@pytest.fixture(scope="session", autouse=True)
def no_outside_dns(nsd_pool: NsdPool) -> Iterator[None]:
    """Any check run without [dns] nameservers asks a loopback NSD with an empty root zone
    (NXDOMAIN for every name) instead of the system resolver: tests never query DNS outside
    this machine. Subprocesses inherit the variable."""
    empty = nsd_pool.serve("empty-root", {})
    before = os.environ.get(NAMESERVERS_ENV)
    os.environ[NAMESERVERS_ENV] = empty.nameserver
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(NAMESERVERS_ENV, None)
        else:
            os.environ[NAMESERVERS_ENV] = before
