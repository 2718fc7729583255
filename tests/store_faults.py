"""Faults injected into the incident store by the tests; the product carries no test hook.

A listener on every SQLAlchemy engine acts right after the launch row is inserted, inside the
launch's transaction (the findings and incidents not yet written): ``fail`` raises as the
driver would on a full disk; ``readonly`` refuses every write transaction, as SQLite does for
a file it may only read; ``pause=PATH`` writes this process's id to PATH and waits, so a
test can kill the process mid-transaction.

In-process: ``with store_fault("fail"): …``. In a subprocess: run this file instead of
``-m mailcheck``: ``python tests/store_faults.py ACTION launch …`` (the mailcheck arguments
follow the action).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError


def _listener(action: str) -> Any:
    def after_cursor_execute(
        conn: Any, cursor: Any, statement: str, *args: Any, **kwargs: Any
    ) -> None:
        said = statement.lstrip().upper()
        if action == "readonly" and said.startswith("BEGIN IMMEDIATE"):
            # what SQLite says of a file this process may read and not write
            raise OperationalError(
                "(test fault)", None, RuntimeError("attempt to write a readonly database")
            )
        if not said.startswith("INSERT INTO LAUNCHES"):
            return
        if action == "fail":
            raise OperationalError(
                "(test fault)", None, RuntimeError("simulated failure inside the transaction")
            )
        if action.startswith("pause="):
            Path(action[len("pause=") :]).write_text(str(os.getpid()))
            time.sleep(3600)

    return after_cursor_execute


def install(action: str) -> Any:
    listener = _listener(action)
    event.listen(Engine, "after_cursor_execute", listener)
    return listener


@contextmanager
def store_fault(action: str) -> Iterator[None]:
    listener = install(action)
    try:
        yield
    finally:
        event.remove(Engine, "after_cursor_execute", listener)


if __name__ == "__main__":
    install(sys.argv[1])
    from mailcheck.cli import main

    sys.exit(main(sys.argv[2:]))
