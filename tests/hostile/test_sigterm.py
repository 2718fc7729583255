"""A cancelled CI job (SIGTERM) leaves no mailcheck worker process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import write_campaign

# Slow enough that the workers are busy when the job is cancelled; within every budget.
SLOW = "{% for i in range(60000) %}{{ i % 7 }}{% endfor %}"


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found |= {int(p) for p in task.read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended


def _slow_run(tmp_path: Path) -> subprocess.Popen[str]:
    """`mailcheck check` of 40 slow campaigns, in a process group of its own (as a terminal's
    job is), its output kept."""
    for i in range(40):
        write_campaign(tmp_path / "campaigns", f"c{i}", body=SLOW, template="jinja")
    return subprocess.Popen(
        [sys.executable, "-m", "mailcheck", "check", "--offline", "campaigns"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        start_new_session=True,
    )


def test_sigterm_stops_the_worker_processes(tmp_path: Path) -> None:
    proc = _slow_run(tmp_path)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers |= _children(proc.pid)
        time.sleep(0.05)
    assert workers, "the run never started worker processes"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [w for w in workers if _alive(w)] == []


def test_ctrl_c_is_one_line_and_exit_130_with_no_partial_results(tmp_path: Path) -> None:
    # as a terminal sends it: SIGINT to the whole process group, the workers included
    proc = _slow_run(tmp_path)
    deadline = time.monotonic() + 60
    while not _children(proc.pid) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert _children(proc.pid), "the run never started worker processes"
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert stderr.splitlines() == ["mailcheck: interrupted"], stderr
    assert "Traceback" not in stderr
    assert "campaign(s) checked" not in stdout  # no verdict for a run that did not end
