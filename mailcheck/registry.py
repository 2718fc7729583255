"""Rule discovery through the ``mailcheck.checks`` entry-point group.

Built-in rule families and third-party plugins are found the same way (as flake8 finds its
plugins). An entry point names a module, a :class:`Rule`, or an iterable of rules. Each plugin is
loaded on its own: one that fails to import is reported and the others still load. The
built-in rules load first, so a plugin can never replace one: a code already taken is refused
for the plugin that claims it, and the refusal is reported like a broken plugin (on stderr by
every command; ``--strict-plugins`` makes it exit 2).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib.metadata import EntryPoint
from types import ModuleType

from mailcheck.entrypoints import declared as declared_in
from mailcheck.rules import Rule

GROUP = "mailcheck.checks"
DISTRIBUTION = "mailcheck-qa"
BUILTIN_MODULES = "mailcheck.checks."


@dataclass
class Registry:
    rules: dict[str, Rule] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # plugin load errors, shown as warnings
    reported: bool = False  # the problems were printed (warn_problems)

    def add(self, found: Rule, origin: str) -> None:
        if found.code in self.rules:
            other = self.rules[found.code].origin
            self.problems.append(
                f"plugin {origin!r}: rule code {found.code} is already taken by {other!r};"
                f" the plugin's {found.code} is refused"
            )
            return
        self.rules[found.code] = replace(found, origin=origin)

    def sorted(self) -> list[Rule]:
        return sorted(self.rules.values(), key=lambda r: code_order(r.code))

    def get(self, code: str) -> Rule | None:
        return self.rules.get(code.upper())

    def unknown(self, pattern: str) -> bool:
        """True when ``pattern`` is neither ``ALL`` nor a code or prefix of a code here."""
        p = pattern.strip().upper()
        return p != "ALL" and not any(code.startswith(p) for code in self.rules)

    def closest(self, pattern: str) -> str | None:
        """The code or family prefix most like ``pattern`` (a typo's likely intent)."""
        import difflib

        p = pattern.strip().upper()
        prefixes = {code.rstrip("0123456789") for code in self.rules}
        # a pattern with a number means one rule ("UNS09"): a whole code, never the family's
        # prefix, which would switch every rule of the family off or on
        numbered = any(ch.isdigit() for ch in p)
        candidates = sorted(set(self.rules) if numbered else set(self.rules) | prefixes)
        # a cut-off code ("PER01") is closest to a code of its family, not to another family
        family = [c for c in candidates if c.startswith(p.rstrip("0123456789"))] or candidates
        found = difflib.get_close_matches(p, family, n=1, cutoff=0.5)
        return found[0] if found else None

    def check_codes(self, refs: Iterable[tuple[str, Iterable[str]]]) -> None:
        """Raise ConfigError naming every unknown code or prefix, with the closest known one.

        ``refs`` pairs where the codes were written (``"pyproject.toml: select"``) with them:
        a typo in ``select`` must not turn every rule off and pass (as in ruff).
        """
        from mailcheck.config import ConfigError
        from mailcheck.i18n import Joined, Message, t

        problems: list[Message] = []
        for where, codes in refs:
            for code in codes:
                if not code.strip():  # "" is a prefix of every code: it would match them all
                    problems.append(t("{where}: an empty rule code", where=where))
                elif self.unknown(code):
                    hint = self.closest(code)
                    problems.append(
                        t(
                            "{where}: unknown rule code or prefix {code} (did you mean {hint}?)",
                            where=where,
                            code=repr(code),
                            hint=hint,
                        )
                        if hint
                        else t(
                            "{where}: unknown rule code or prefix {code}",
                            where=where,
                            code=repr(code),
                        )
                    )
        if problems:
            raise ConfigError(
                t("{problems}; `mailcheck rules` lists them", problems=Joined("; ", problems))
            )


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
    # built-ins first, whatever the plugins are called: a plugin cannot replace one
    declared = declared_in(GROUP, rescan=refresh)
    names = _distribution_names(declared)
    for ep in sorted(declared, key=lambda e: (not _builtin(e, names), e.name)):
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


def _distribution_names(eps: Iterable[EntryPoint]) -> dict[int, str]:
    """The name of each entry point's distribution, by ``id`` of the distribution: asking
    ``dist.name`` parses its METADATA file again each time (19 times for the built-ins)."""
    names: dict[int, str] = {}
    for ep in eps:
        if ep.dist is not None and id(ep.dist) not in names:
            names[id(ep.dist)] = ep.dist.name
    return names


def _builtin(ep: EntryPoint, names: dict[int, str]) -> bool:
    return names.get(id(ep.dist)) == DISTRIBUTION and ep.value.startswith(BUILTIN_MODULES)


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
    """Print the plugin problems on stderr, once per process."""
    if registry.reported:
        return
    registry.reported = True
    for msg in registry.problems:
        print(f"mailcheck: warning: {msg}", file=sys.stderr)


def loaded() -> Registry | None:
    """The registry if this process has loaded it (nothing is loaded by asking)."""
    return _cache


def check_plugins(registry: Registry, strict: str = "strict-plugins") -> None:
    """``--strict-plugins``: a plugin problem is a configuration error (exit 2). ``strict``
    says where strictness was asked for (the flag, or a config file's ``strict-plugins``)."""
    if registry.problems:
        from mailcheck.config import ConfigError

        raise ConfigError(f"plugin problems ({strict}): " + "; ".join(registry.problems))
