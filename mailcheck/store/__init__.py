"""The incident log: launches, their findings and links, incidents (SQLite or PostgreSQL).

open_store(config.db_url) -> Store      create/migrate, or StoreError (exit 2)
"""

from mailcheck.store.db import NotFound, Store, StoreError, normalise_url, open_store
from mailcheck.store.records import (
    IncidentRow,
    LaunchAttempt,
    LaunchedLink,
    LaunchRow,
    NewIncident,
)

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
