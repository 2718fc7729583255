"""MailerLite: ``{$name}``, ``{$name|default('друг')}``, ``{$unsubscribe}``.

Sources: MailerLite's help "How to personalize your emails" (``{$field}`` and the
``|default('…')`` fallback) and "How to add an unsubscribe link" (``{$unsubscribe}``,
``{$url}`` for the web version, ``{$email}``, ``{$preferences}``). The shared tag engine reads it.
"""

from collections.abc import Iterator

import regex

from mailcheck.templating import tags
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import Token

_TAG = regex.compile(
    r"\{\$([A-Za-z_][\w.]*)(?:\s*\|\s*default\s*(?:\(\s*(?:'([^']*)'|\"([^\"]*)\")\s*\)"
    r"|:\s*(?:'([^']*)'|\"([^\"]*)\")))?\s*\}"
)


def _classify(m: regex.Match[str], line: int) -> Token:
    fallback = next((g for g in m.groups()[1:] if g is not None), None)
    return Token("var", line, m.group(0), m.group(1), fallback=fallback)


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(source, _TAG, _classify)


parse = tags.parser(tokenize, case_insensitive=True, dialect="mailerlite")

DIALECT = Dialect(
    name="mailerlite",
    summary="MailerLite: {$name|default('друг')}, {$unsubscribe}",
    parser="mailcheck.templating.dialects.mailerlite:parse",
    markers=regex.compile(r"\{\$[A-Za-z_][\w.]*[^{}\n]{0,80}\}"),
    tags=regex.compile(r"\{\$[A-Za-z_][\w.]*[^{}\n]{0,80}\}"),
    needles=("{$",),
    scan_needles_first=False,
    system_variables=frozenset({"unsubscribe", "url", "email", "preferences", "webversion"}),
    unsubscribe=("{$unsubscribe}",),
    unsubscribe_pattern=regex.compile(r"\{\$unsubscribe\}"),
    case_insensitive=True,
    sources=(
        "MailerLite: How to personalize your emails",
        "MailerLite: How to add an unsubscribe link",
    ),
)
