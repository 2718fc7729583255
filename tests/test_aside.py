"""Aside: work forked to another core, with the same answer when it cannot be."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

from mailcheck.aside import Aside

# Run in a fresh interpreter: pytest-xdist workers run threads, and Aside never forks then.
PROBE = textwrap.dedent(
    """
    import os
    from mailcheck.aside import Aside

    parent = os.getpid()
    found = ["Привет, !"] * 3
    forked = Aside(lambda: (os.getpid(), found))
    assert forked.forked
    pid, value = forked.result()
    assert pid != parent and value == found, (pid, parent, value)

    def fails_in_the_child() -> str:
        if os.getpid() != parent:
            raise MemoryError("killed")  # a child that dies is not a lost result
        return "done here"

    failing = Aside(fails_in_the_child)
    assert failing.forked
    assert failing.result() == "done here"

    # a run that fails while the child still works stops it at once (no orphan left behind)
    import time
    started = time.monotonic()
    with Aside(lambda: time.sleep(60)) as slow:
        pid = slow._pid
        assert pid is not None
    assert time.monotonic() - started < 10
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pass  # killed and reaped
    else:
        raise AssertionError("the child is still there")
    print("OK")
    """
)


def test_work_runs_in_a_child_and_falls_back_here() -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "OK"
    assert "Traceback" not in proc.stderr


def test_no_fork_while_threads_run() -> None:
    # A fork copies only the calling thread: with another thread alive the work runs here.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        aside = Aside(lambda: threading.get_ident())
        assert not aside.forked
        assert aside.result() == threading.get_ident()
    finally:
        stop.set()
        other.join()
