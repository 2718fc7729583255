"""A clone anywhere passes its own tests: no machine's paths in them, shared data optional.

The data in ``../shared`` (corpus, real-world campaigns, RFC vectors) is found through
tests/shared_data.py only. A public clone has none of it: outside CI those tests skip with a
reason naming the folder, under ``CI=true`` they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from shared_data import REPO, SHARED_ENV

# Absolute paths of some machine: a test that names one passes only there.
MACHINE_PATH = re.compile(r"""["'](/work|/home|/Users|/srv|/mnt|/opt|[A-Za-z]:\\)[/\\]""")
# Tests that need shared data, and one that needs none: the clone's quick subset.
NEEDS_SHARED = ["tests/test_corpus.py", "tests/test_spf_rfc7208.py"]
QUICK = ["tests/test_text.py"]


def test_no_test_names_an_absolute_path() -> None:
    offending = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if MACHINE_PATH.search(line) and path.name != Path(__file__).name:
                offending.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offending == []


def test_no_test_reads_shared_data_around_the_helper() -> None:
    """The shared folder is named in one place (shared_data.py), so it moves in one place."""
    offending = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        if path.name in ("shared_data.py", Path(__file__).name):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"""["'](\.\./)?shared/(corpus|realworld|vectors)""", text):
            offending.append(str(path.relative_to(REPO)))
        if re.search(r"""["']shared["']\s*/\s*["'](corpus|realworld|vectors)["']""", text):
            offending.append(str(path.relative_to(REPO)))
    assert offending == []


def _clone(tmp_path: Path) -> Path:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.fail("the clean-clone test needs git and a git checkout of the repository")
    clone = tmp_path / "elsewhere" / "mailcheck"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(clone)],
        check=True,
        capture_output=True,
    )
    return clone


def _pytest(clone: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", SHARED_ENV)}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:xdist", *NEEDS_SHARED, *QUICK],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_clone_without_shared_data_skips_what_needs_it(tmp_path: Path) -> None:
    """Clone the committed repository into a folder with no ``../shared`` and run a quick
    subset: outside CI it passes, skipping the shared-data tests with the folder named;
    under CI=true the same run fails."""
    clone = _clone(tmp_path)
    assert not (clone.parent / "shared").exists()

    outside = _pytest(clone, ci=False)
    out = outside.stdout + outside.stderr
    assert outside.returncode == 0, out
    assert re.search(r"\d+ passed", out), out
    assert "shared/corpus not found" in out, out
    assert "shared/vectors/spf/rfc7208-tests.yml not found" in out, out
    assert "failed" not in out and "error" not in out.lower(), out

    under_ci = _pytest(clone, ci=True)
    out = under_ci.stdout + under_ci.stderr
    assert under_ci.returncode != 0, out
    assert "CI must run these tests" in out, out
