"""The real ``mailcheck`` command in a subprocess, with a timeout that turns a hang into a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def mailcheck(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=timeout,
    )
