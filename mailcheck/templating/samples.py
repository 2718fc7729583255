"""Sample recipients as flat dotted paths, the convention variables are named by.

A CSV column ``user.first_name`` and a JSON object ``{"user": {"first_name": …}}`` both give the
path ``user.first_name``, the same name the template analysis reports for ``{{ user.first_name }}``.
Lists stay whole (a loop variable's items are not recipient variables).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from mailcheck.model import Campaign, Dialect, Variable
from mailcheck.text import grapheme_len


def flatten_sample(sample: Mapping[str, object]) -> dict[str, object]:
    """``{"user": {"name": "A"}}`` -> ``{"user.name": "A"}``; keys are kept as written."""
    flat: dict[str, object] = {}

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, Mapping) and value:
            for key, child in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), child)
        elif prefix:
            flat[prefix] = value

    walk("", sample)
    return flat


def value_text(value: object) -> str:
    """How a sample value reads once rendered (for length comparison and labels)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def longest_values(samples: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """For each dotted path, the sample value with the most graphemes (first wins ties)."""
    best: dict[str, object] = {}
    best_len: dict[str, int] = {}
    for sample in samples:
        for path, value in flatten_sample(sample).items():
            n = grapheme_len(value_text(value))
            if path not in best or n > best_len[path]:
                best[path], best_len[path] = value, n
    return best


def _fold(name: str, dialect: Dialect | str) -> str:
    # Mailchimp merge tags are upper case while a CSV header is often "fname".
    return name.upper() if dialect in case_insensitive_dialects() else name


@functools.cache
def case_insensitive_dialects() -> frozenset[str]:
    """Dialects whose variable names match sample keys whatever their case."""
    from mailcheck.templating.catalogue import load_catalogue

    catalogue = load_catalogue()
    return frozenset(n for n, d in catalogue.dialects.items() if d.case_insensitive)


def lookup(flat: Mapping[str, object], name: str, dialect: Dialect | str) -> tuple[bool, object]:
    """The value of ``name`` in a flattened sample: (found, value)."""
    if name in flat:
        return True, flat[name]
    folded = _fold(name, dialect)
    for key, value in flat.items():
        if _fold(key, dialect) == folded:
            return True, value
    return False, None


def value_shown(sample: Mapping[str, object], name: str, dialect: Dialect | str) -> str:
    """How ``name``'s value in a (nested) sample reads once rendered; "" when it has none."""
    found, value = lookup(flatten_sample(sample), name, dialect)
    return value_text(value) if found else ""


def sample_has(flat: Mapping[str, object], name: str, dialect: Dialect | str) -> bool:
    """Whether a sample provides ``name`` (itself, a nested field of it, or a list holding it)."""
    folded = _fold(name, dialect)
    for key in flat:
        k = _fold(key, dialect)
        if k == folded or k.startswith(folded + ".") or folded.startswith(k + "."):
            return True
    return False


def missing_from_samples(campaign: Campaign) -> list[Variable]:
    """Non-system variables that no sample recipient provides (PER005); empty without samples."""
    if not campaign.samples:
        return []
    flats = [flatten_sample(s) for s in campaign.samples]
    out: list[Variable] = []
    seen: set[str] = set()
    for var in campaign.variables:
        if var.system or var.name in seen:
            continue
        if not any(sample_has(f, var.name, campaign.dialect) for f in flats):
            seen.add(var.name)
            out.append(var)
    return out
