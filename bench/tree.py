"""Run mailcheck from a given source tree, all of it, in this interpreter.

The benchmarks that compare two trees (``bench_ab.py``, ``findings_snapshot.py``) run one
interpreter, whose environment has one tree installed. With ``PYTHONPATH`` set to the other
tree, ``mailcheck`` itself comes from that tree, but an editable install maps the packages that
live in other folders (``mailcheck.checks`` in ``checks/``, ``mailcheck.reports`` in
``reports/``) to the installed tree's folders whatever the path says: the rules of one tree
would run with the engine of the other. :func:`use_tree` puts a finder in front that maps them
into ``tree``. (Entry points still come from the installed metadata: a rule family that the
given tree does not have fails to load there, as a broken plugin does, and one that only the
given tree declares is not loaded.)

As a script: ``python bench/tree.py TREE ARGS...`` is ``mailcheck ARGS...`` run from TREE.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.metadata
import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

# packages whose folder is not below mailcheck/ (pyproject.toml's package-dir)
FOLDERS = {"mailcheck": "mailcheck", "mailcheck.checks": "checks", "mailcheck.reports": "reports"}


class _TreeFinder(importlib.abc.MetaPathFinder):
    def __init__(self, tree: Path) -> None:
        self.tree = tree

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in FOLDERS:
            folder = self.tree / FOLDERS[fullname]
            return importlib.util.spec_from_file_location(
                fullname, folder / "__init__.py", submodule_search_locations=[str(folder)]
            )
        parent = fullname.rpartition(".")[0]
        if parent in FOLDERS:
            spec = importlib.machinery.PathFinder.find_spec(
                fullname, [str(self.tree / FOLDERS[parent])]
            )
            if spec is None:  # not in this tree: the finders after us would take another's
                raise ModuleNotFoundError(f"no module named {fullname!r} in {self.tree}")
            return spec
        return None


def installed_tree() -> Path | None:
    """The source tree this environment has installed in editable mode (PEP 610), if any."""
    # the one with an install record: a tree's own mailcheck_qa.egg-info may come first
    for dist in importlib.metadata.distributions(name="mailcheck-qa"):
        url = json.loads(dist.read_text("direct_url.json") or "{}").get("url", "")
        if url.startswith("file:"):
            return Path(unquote(urlsplit(url).path)).resolve()
    return None


def _ours(name: str) -> bool:
    return name == "mailcheck" or name.startswith("mailcheck.")


def use_tree(tree: Path) -> None:
    """Import every mailcheck package from ``tree`` (before any of them is imported)."""
    loaded = [name for name in sys.modules if _ours(name)]
    if loaded:
        raise RuntimeError(f"mailcheck is already imported ({loaded[0]})")
    sys.path.insert(0, str(tree))
    sys.meta_path.insert(0, _TreeFinder(tree.resolve()))


def assert_from(tree: Path) -> None:
    """Fail unless every mailcheck module imported so far came from ``tree``."""
    root = tree.resolve()
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None)
        if _ours(name) and where and not Path(where).resolve().is_relative_to(root):
            raise RuntimeError(f"{name} was imported from {where}, not from {root}")


if __name__ == "__main__":
    use_tree(Path(sys.argv[1]))
    from mailcheck.cli import main

    raise SystemExit(main(sys.argv[2:]))
