"""The incident log: launches, their findings and links, incidents (SQLite or PostgreSQL).

open_store(config.db_url) -> Store      create/migrate, or StoreError (exit 2)

The records are plain dataclasses, imported at once; the database code (SQLAlchemy, ~0.2 s to
import) is imported on first use of one of its names, so that commands which only name records
(launch, monitor, kpi) do not slow down ``mailcheck --version`` or ``mailcheck rules``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from mailcheck.store.records import (
    IncidentRow,
    LaunchAttempt,
    LaunchedLink,
    LaunchRow,
    NewIncident,
)

if TYPE_CHECKING:
    from mailcheck.store.db import NotFound, Store, StoreError, normalise_url, open_store

_DATABASE_NAMES = frozenset({"NotFound", "Store", "StoreError", "normalise_url", "open_store"})


def __getattr__(name: str) -> object:
    if name in _DATABASE_NAMES:
        return getattr(importlib.import_module("mailcheck.store.db"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "IncidentRow",
    "LaunchAttempt",
    "LaunchRow",
    "LaunchedLink",
    "NewIncident",
    "NotFound",
    "Store",
    "StoreError",
    "normalise_url",
    "open_store",
]
