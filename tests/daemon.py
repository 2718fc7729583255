"""A scanner daemon (spamd, rspamd) run for the length of a test session.

Started in the foreground with its log in its own temp dir, waited for until it answers
(loading the rules takes seconds, more under load), stopped and its dir removed at the end. A
daemon that exits or never answers fails the test with the end of its log.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

STARTUP_LIMIT = 120.0  # seconds


@contextmanager
def running(
    name: str, command: list[str], home: Path, answers: Callable[[], bool]
) -> Iterator[None]:
    log = (home / f"{name}.log").open("w+b")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        while not answers():
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"{name} exited: {log.read().decode(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{name} did not answer within {STARTUP_LIMIT:g} s")
            time.sleep(0.5)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(home, ignore_errors=True)
