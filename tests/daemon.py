"""A scanner daemon (spamd, rspamd) run for the length of a test session.

Started in the foreground with its log in its own temp dir, waited for until it answers
(loading the rules takes seconds, more under load), stopped and its dir removed at the end. A
daemon that exits or never answers fails the test with the end of its log.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from ports import free_port

STARTUP_LIMIT = 300.0  # seconds: rspamd loaded its rules in >120 s at load 15 on two CPUs


@contextmanager
def running(
    name: str,
    home: Path,
    command_for: Callable[[int], list[str]],
    answers_on: Callable[[int], bool],
) -> Iterator[int]:
    """Run the daemon ``command_for(port)`` on a free port until the session ends; yields the
    port once ``answers_on(port)``. A port another test's server took between choosing it and
    the daemon's binding it (rspamd loads its rules for seconds first) is chosen again."""
    try:
        for _attempt in range(PORT_ATTEMPTS):
            port = free_port()
            answers = functools.partial(answers_on, port)
            with _started(name, command_for(port), home, answers) as started:
                if started:
                    yield port
                    return
        pytest.fail(f"{name}: {PORT_ATTEMPTS} ports in a row were taken by the time it bound")
    finally:
        shutil.rmtree(home, ignore_errors=True)


PORT_ATTEMPTS = 3


@contextmanager
def _started(
    name: str, command: list[str], home: Path, answers: Callable[[], bool]
) -> Iterator[bool]:
    """The daemon answering (True), or exited because its port was taken (False)."""
    log = (home / f"{name}.log").open("w+b")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        while not answers():
            if proc.poll() is not None:
                log.seek(0)
                said = log.read().decode(errors="replace")
                if "Address already in use" in said:
                    yield False
                    return
                pytest.fail(f"{name} exited: {said[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{name} did not answer within {STARTUP_LIMIT:g} s")
            time.sleep(0.5)
        yield True
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
