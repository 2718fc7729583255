"""Where the shared test data lives: ``../shared`` beside the repository (or above a worktree).

The folders (``realworld``, ``corpus``, ``vectors``) are read in place, never copied into the
repository. Outside CI a missing folder skips the test with a reason naming it; under
``CI=true`` it fails, so that a CI job never passes without having looked at them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir(name: str) -> Path:
    """``shared/<name>`` beside the repository: /work/main → /work/shared; a worktree
    /work/wt/x finds the same folder one level further up."""
    for directory in REPO.parents:
        candidate = directory / "shared" / name
        if candidate.is_dir():
            return candidate
    where = REPO.parent / "shared" / name
    reason = f"the shared test data folder {where} is missing"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)
