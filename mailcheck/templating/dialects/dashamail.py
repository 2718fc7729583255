"""DashaMail: ``%NAME%``-style merge fields.

Sources: DashaMail's help «Персонализация писем» (list fields as ``%FIELD%``) and «Ссылка
отписки» (``%UNSUBSCRIBE_URL%``, ``%WEBVERSION_URL%``, ``%EMAIL%`` are filled by DashaMail).
The fields have no inline fallback: every non-system field needs the list's default value,
which the HTML cannot show, so mailcheck asks for one (PER001). The shared tag engine reads it.
"""

from collections.abc import Iterator

import regex

from mailcheck.templating import tags
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import Token

# %NAME%: upper case, at least three characters (so that %E2%80% escapes are never fields)
_TAG = regex.compile(r"(?<![%\w])%(\p{Lu}[\p{Lu}\d_]{2,60})%(?![%\w])")


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(source, _TAG, lambda m, line: Token("var", line, m.group(0), m.group(1)))


parse = tags.parser(tokenize, case_insensitive=True, dialect="dashamail")

DIALECT = Dialect(
    name="dashamail",
    summary="DashaMail: %NAME%, %UNSUBSCRIBE_URL%",
    parser="mailcheck.templating.dialects.dashamail:parse",
    markers=_TAG,
    tags=_TAG,
    needles=("%",),
    system_variables=frozenset(
        {"UNSUBSCRIBE_URL", "UNSUBSCRIBE", "WEBVERSION_URL", "WEBVERSION", "EMAIL"}
    ),
    unsubscribe=("%UNSUBSCRIBE_URL%",),
    unsubscribe_pattern=regex.compile(r"%UNSUBSCRIBE(?:_URL)?%"),
    case_insensitive=True,
    sources=("DashaMail: Персонализация писем", "DashaMail: Ссылка отписки"),
)
