"""The shipped pre-commit hook, run through pre-commit itself in a throw-away git repository.

The hook is declared as a local hook with the fields of ``.pre-commit-hooks.yaml`` (entry, args,
files, pass_filenames) and ``language: system``, so pre-commit installs nothing and fetches
nothing: the test stays on this machine and uses this checkout's ``mailcheck``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import write_campaign

REPO = Path(__file__).resolve().parents[1]
LONG_SUBJECT = "Распродажа выходного дня: минус тридцать процентов на всё"


def _hook(hook_id: str) -> dict[str, object]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == hook_id]
    return {**hook, "language": "system"}  # everything else as shipped


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _pre_commit(cwd: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)  # this virtualenv's mailcheck
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home"),
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color", "never"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_shipped_hook_blocks_a_commit_with_errors(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is needed to run pre-commit")
    repo = tmp_path / "templates"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "qa@agency.test")
    _git(repo, "config", "user.name", "QA")
    config = {"repos": [{"repo": "local", "hooks": [_hook("mailcheck")]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    write_campaign(repo / "campaigns", "bf", subject=LONG_SUBJECT)
    (repo / "README.md").write_text("templates\n", encoding="utf-8")
    _git(repo, "add", ".")

    failed = _pre_commit(repo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "mailcheck (e-mail campaigns, offline)" in failed.stdout
    assert "SUB002" in failed.stdout and "campaigns/bf/campaign.toml" in failed.stdout

    write_campaign(repo / "campaigns", "bf", subject="Распродажа: −30% на всё")
    _git(repo, "add", ".")
    passed = _pre_commit(repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout

    # a commit that touches no campaign file does not run the hook
    _git(repo, "commit", "-q", "--no-verify", "-m", "campaigns")
    (repo / "README.md").write_text("templates, v2\n", encoding="utf-8")
    _git(repo, "add", "README.md")
    skipped = _pre_commit(repo)
    assert skipped.returncode == 0 and "(no files to check)Skipped" in skipped.stdout
