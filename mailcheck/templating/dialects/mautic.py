"""Mautic: Twig themes with Mautic's own tokens.

``{contactfield=firstname|друг}`` prints a contact field (after the bar: the fallback),
``{unsubscribe_text}``/``{unsubscribe_url}``, ``{webview_text}``/``{webview_url}``,
``{subject}``, ``{tracking_pixel}``, ``{signature}`` are filled by Mautic; the theme around them
is Twig (read by the Jinja engine: ``{{ getAssetUrl(…) }}`` asset helpers and the ``template``
name are the theme's, not a recipient's). Sources: Mautic's documentation "Emails: Tokens"
(contact field tokens and their default values) and "Themes: Email themes".
"""

from collections.abc import Mapping

import regex

from mailcheck.templating.core import IsSystem, Parsed
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.system import SYSTEM_PLACEHOLDER_HOST

_SYSTEM_TOKENS = (
    "unsubscribe_text",
    "unsubscribe_url",
    "webview_text",
    "webview_url",
    "subject",
    "tracking_pixel",
    "signature",
    "dnc_url",
)
_FIELD = regex.compile(r"(?<!\{)\{(?:contactfield|leadfield)=(\w+)(?:\|([^{}]*))?\}(?!\})")
_TOKEN = regex.compile(r"(?<!\{)\{(" + "|".join(_SYSTEM_TOKENS) + r")\}(?!\})")


def _as_twig(source: str) -> str:
    """Mautic's tokens as the Twig expressions they stand for (lines kept)."""
    if "{" not in source:
        return source

    def field(m: regex.Match[str]) -> str:
        if m.group(2) is None:
            return "{{ contactfield." + m.group(1) + " }}"
        fallback = m.group(2).replace("\\", "\\\\").replace('"', '\\"')
        return "{{ contactfield." + m.group(1) + ' | default("' + fallback + '", true) }}'

    return _TOKEN.sub(r"{{ \1 }}", _FIELD.sub(field, source))


def _asset_url(path: object = "", *args: object) -> str:
    """Mautic's getAssetUrl(): the theme's file, served by Mautic at send time."""
    return f"https://{SYSTEM_PLACEHOLDER_HOST}/assets/{str(path).lstrip('/')}"


class MauticTemplate:
    """A Twig theme with Mautic's tokens; Mautic's own helpers are given when rendering."""

    def __init__(self, source: str, is_system: IsSystem) -> None:
        from mailcheck.templating.jinja import parse as parse_twig

        self._twig = parse_twig(_as_twig(source), is_system)
        self.uses = self._twig.uses

    def render(self, values: Mapping[str, object]) -> str:
        return self._twig.render({**values, "getAssetUrl": _asset_url})


def parse(source: str, is_system: IsSystem) -> Parsed:
    return MauticTemplate(source, is_system)


DIALECT = Dialect(
    name="mautic",
    summary="Mautic: {contactfield=firstname|друг}, {unsubscribe_url}, Twig themes",
    parser="mailcheck.templating.dialects.mautic:parse",
    markers=regex.compile(  # every alternative starts with "{": the engine skips to them
        r"\{(?:(?:" + "|".join(_SYSTEM_TOKENS) + r")\}|(?:contactfield|leadfield)=\w+[^{}]*\}"
        r"|\{\s*getAssetUrl\()"
    ),
    tags=regex.compile(r"\{(?:contactfield|leadfield)=\w+[^{}]*\}|\{(?:unsubscribe|webview)_\w+\}"),
    needles=("{",),
    system_variables=frozenset(_SYSTEM_TOKENS) | {"contactfield.email"},
    builtins=frozenset({"template", "null", "content", "getassetUrl"}),
    unsubscribe=("{unsubscribe_url}", "{unsubscribe_text}"),
    unsubscribe_pattern=regex.compile(r"\{unsubscribe_(?:url|text)\}"),
    embeds=("jinja",),
    sources=("Mautic: Emails — Tokens", "Mautic: Themes"),
)
