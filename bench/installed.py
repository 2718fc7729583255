"""Run mailcheck in the benchmarks as a user's installation runs it: with compiled bytecode.

``pip install mailcheck-qa`` compiles every module to bytecode at install time, and Python
keeps ``__pycache__`` up to date on its own. A machine (like the one the figures in
docs/benchmarks.md come from) may set ``PYTHONDONTWRITEBYTECODE=1``; with an editable install
every mailcheck module is then compiled from source on every start (~40 ms of a check).
The benchmarks measure the installed case: caches written once here, children allowed to use
them. The peer tools are measured as they come (Node compiles its JavaScript on every start).
"""

from __future__ import annotations

import compileall
import importlib.util
import os
from pathlib import Path


def compile_tree(tree: Path) -> None:
    """Bytecode for every module of a source tree (``bench/tree.py`` runs it), written or
    brought up to date as an install would: a tree measured as a fresh process must not pay
    for compiling its sources when another tree of the comparison has its caches."""
    from tree import FOLDERS

    for folder in FOLDERS.values():
        compileall.compile_dir(tree / folder, quiet=1)


def as_installed() -> None:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    for package in ("mailcheck", "mailcheck.checks", "mailcheck.reports"):
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations, package
        for where in spec.submodule_search_locations:
            compileall.compile_dir(Path(where), quiet=1)
