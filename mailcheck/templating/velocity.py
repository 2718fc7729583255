"""Velocity templates rendered by airspeed (a maintained Python implementation of Velocity).

The variables, fallbacks and guards come from the dialect's tag reader
(mailcheck.templating.dialects.velocity); this module is the one place a Velocity template is
compiled and rendered. ESP fields are "empty" rather than null, so an empty value of a variable
that has a fallback is given to Velocity as null (its alternate value then prints, as eSputnik
documents), and a variable without one renders empty (a quiet reference), so that "Привет, !"
shows rather than a raw ``${firstName}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

import airspeed
import regex

from mailcheck.i18n import t
from mailcheck.templating import budget
from mailcheck.templating.core import TemplateError, Use, unflatten
from mailcheck.templating.tags import TagTemplate

# eSputnik writes the alternate value unquoted: ${firstName|Друг}; Velocity wants a literal.
_UNQUOTED_FALLBACK = regex.compile(r"\$(!?)\{([A-Za-z_][^{}|]*?)\|\s*([^\"'{}\s][^{}]*?)\s*\}")


def _quoted(source: str) -> str:
    return _UNQUOTED_FALLBACK.sub(
        lambda m: f"${m.group(1)}{{{m.group(2)}|{json.dumps(m.group(3), ensure_ascii=False)}}}",
        source,
    )


class _TickingRange:
    """A Velocity range (``[1..100000000]``) that spends the render budget as ``#foreach``
    walks it: airspeed loops in its own code, where no iteration limit or deadline is checked,
    and such a loop ran for minutes before its output reached the size limit."""

    def __init__(self, items: range) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> int:
        return self._items[index]

    def __iter__(self) -> Iterator[int]:
        for item in self._items:
            budget.tick()
            yield item


_plain_range = airspeed.Range.calculate


def _ticking_range(self: airspeed.Range, namespace: object, loader: object) -> _TickingRange:
    return _TickingRange(_plain_range(self, namespace, loader))


airspeed.Range.calculate = _ticking_range  # every range airspeed makes is walked budgeted


class VelocityTemplate:
    def __init__(self, source: str, tags: TagTemplate) -> None:
        self.uses: list[Use] = tags.uses
        self._with_fallback = {u.name for u in self.uses if u.has_fallback}
        self._template = airspeed.Template(_quoted(source))
        try:
            self._template.ensure_compiled()
        except airspeed.TemplateSyntaxError as exc:
            message = str(exc).split(": ", 1)[-1].rstrip(" .")
            raise TemplateError(f"velocity: {message}", int(exc.line or 0)) from None

    def render(self, values: Mapping[str, object]) -> str:
        flat: dict[str, object] = {u.name: None if u.has_fallback else "" for u in self.uses}
        for name, value in values.items():
            empty = value is None or (isinstance(value, str) and not value.strip())
            flat[name] = None if empty and name in self._with_fallback else value
        try:
            return str(self._template.merge(unflatten(flat)))
        except budget.OverBudget:
            raise
        except Exception as exc:  # a template's own run-time error
            raise TemplateError(t("rendering failed: {why}", why=str(exc))) from None
