"""The one way tests find data that lives beside the repository, never inside it.

The e-mail corpus, the real-world campaigns and the RFC test vectors stay in a ``shared/``
folder next to the clone (``../shared``; for a git worktree one level further up) or where
``$MAILCHECK_SHARED`` points. They are never copied into the repository. A public clone has
no such folder: outside CI the tests that need it are skipped with a reason that names the
folder; under ``CI=true`` they fail, because CI must never pass without them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_ENV = "MAILCHECK_SHARED"
REPO = Path(__file__).resolve().parents[1]


def shared_root() -> Path:
    """``$MAILCHECK_SHARED``, else the nearest ``shared/`` beside the repository or above it."""
    env = os.environ.get(SHARED_ENV)
    if env:
        return Path(env)
    for directory in REPO.parents:
        candidate = directory / "shared"
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """Where ``parts`` (e.g. ``"corpus"``) should be below the shared folder; may not exist."""
    return shared_root().joinpath(*parts)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_shared(*parts: str, module_level: bool = False) -> Path:
    """``shared_path(*parts)``, or skip the test (fail under CI) when it is not there.

    ``module_level=True`` when called while a test module is collected (for parametrize):
    then the whole module is skipped.
    """
    path = shared_path(*parts)
    if path.exists():
        return path
    what = "/".join(("shared", *parts))
    reason = f"{what} not found (looked for {path}; set ${SHARED_ENV} to the shared folder)"
    if in_ci():
        pytest.fail(f"{reason}: CI must run these tests", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def shared_dir(name: str) -> Path:
    """``shared/<name>``, a folder (``"realworld"``): :func:`require_shared` for one name."""
    return require_shared(name)
