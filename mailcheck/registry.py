"""Rule discovery through the ``mailcheck.checks`` entry-point group.

Built-in rule families and third-party plugins are found the same way (as flake8 finds its
plugins). An entry point names a module, a :class:`Rule`, or an iterable of rules. Each plugin is
loaded on its own: one that fails to import is reported and the others still load; a code that
two plugins claim is refused for the second one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib.metadata import entry_points
from types import ModuleType

from mailcheck.rules import Rule

GROUP = "mailcheck.checks"


@dataclass
class Registry:
    rules: dict[str, Rule] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # plugin load errors, shown as warnings

    def add(self, found: Rule, origin: str) -> None:
        if found.code in self.rules:
            other = self.rules[found.code].origin
            self.problems.append(
                f"plugin {origin!r}: rule code {found.code} is already taken by {other!r}; ignored"
            )
            return
        self.rules[found.code] = replace(found, origin=origin)

    def sorted(self) -> list[Rule]:
        return sorted(self.rules.values(), key=lambda r: code_order(r.code))

    def get(self, code: str) -> Rule | None:
        return self.rules.get(code.upper())


def code_order(code: str) -> tuple[str, int]:
    """Rules and their findings are listed in this order: by prefix, then number."""
    prefix = code.rstrip("0123456789")
    return prefix, int(code[len(prefix) :])


def _rules_in(obj: object) -> Iterable[Rule]:
    if isinstance(obj, Rule):
        return [obj]
    if isinstance(obj, ModuleType):
        return [v for v in vars(obj).values() if isinstance(v, Rule)]
    if isinstance(obj, Iterable):
        return [v for v in obj if isinstance(v, Rule)]
    return []


_cache: Registry | None = None


def load_registry(refresh: bool = False) -> Registry:
    """Load every plugin of the entry-point group once per process."""
    global _cache
    if _cache is not None and not refresh:
        return _cache
    registry = Registry()
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin must not stop the others
            registry.problems.append(f"plugin {ep.name!r} ({ep.value}) failed to load: {exc}")
            continue
        found = list(_rules_in(loaded))
        if not found:
            registry.problems.append(f"plugin {ep.name!r} ({ep.value}) declares no rules")
        for r in found:
            registry.add(r, ep.name)
    _cache = registry
    return registry


def selected(codes: Iterable[str], select: list[str], ignore: list[str]) -> set[str]:
    """Codes chosen by ``select``/``ignore`` (codes or prefixes; ``ALL`` selects everything).

    The more specific entry wins, as in ruff: ``select=["LNK"], ignore=["LNK004"]`` and
    ``select=["LNK004"], ignore=["LNK"]`` both do what they say for LNK004.
    """
    chosen = set()
    for code in codes:
        s = _best(code, select)
        i = _best(code, ignore)
        if s >= 0 and s > i:
            chosen.add(code)
    return chosen


def _best(code: str, patterns: list[str]) -> int:
    """Length of the longest pattern matching ``code`` (-1: none; ALL matches with length 0)."""
    best = -1
    for p in patterns:
        p = p.strip().upper()
        if p == "ALL":
            best = max(best, 0)
        elif code.startswith(p):
            best = max(best, len(p))
    return best


def warn_problems(registry: Registry) -> None:
    for msg in registry.problems:
        print(f"mailcheck: warning: {msg}", file=sys.stderr)
