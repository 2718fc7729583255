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
from collections.abc import Mapping

import airspeed
import regex

from mailcheck.i18n import t
from mailcheck.templating.core import TemplateError, Use, unflatten
from mailcheck.templating.tags import TagTemplate

# eSputnik writes the alternate value unquoted: ${firstName|Друг}; Velocity wants a literal.
_UNQUOTED_FALLBACK = regex.compile(r"\$(!?)\{([A-Za-z_][^{}|]*?)\|\s*([^\"'{}\s][^{}]*?)\s*\}")


def _quoted(source: str) -> str:
    return _UNQUOTED_FALLBACK.sub(
        lambda m: f"${m.group(1)}{{{m.group(2)}|{json.dumps(m.group(3), ensure_ascii=False)}}}",
        source,
    )


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
        except Exception as exc:  # a template's own run-time error
            raise TemplateError(t("rendering failed: {why}", why=str(exc))) from None
