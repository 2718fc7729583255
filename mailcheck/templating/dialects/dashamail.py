"""DashaMail: ``%NAME%``-style merge fields.

Sources: DashaMail's help «Персонализация писем» (list fields as ``%FIELD%``) and «Ссылка
отписки» (``%UNSUBSCRIBE_URL%``, ``%WEBVERSION_URL%``, ``%EMAIL%`` are filled by DashaMail).
The fields have no inline fallback: every non-system field needs the list's default value,
which the HTML cannot show, so mailcheck asks for one (PER001). The shared tag engine reads it.

An automation's letter also prints the data of the event that triggered it:
``%(OBJECT)data.customer.promo%`` (DashaMail's help «Как подставлять данные из триггерных событий
в письма», https://help.dashamail.ru/hc/guides/ru/categories/6838182-автоматизация: the names are
case-sensitive, and a tag left as written in a received letter means the event's data was not
passed). The site sends that data with each event, as 1C-Bitrix's mail event fills its macros:
there is no fallback to ask for, so it is read as filled by the platform, and a tag that
survives into a sent message is PER003.
"""

from collections.abc import Iterator

import regex

from mailcheck.templating import tags
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import Token

# %NAME%: upper case, at least three characters (so that %E2%80% escapes are never fields)
_FIELD = r"(?<![%\w])%(\p{Lu}[\p{Lu}\d_]{2,60})%(?![%\w])"
# %(OBJECT)data.order.orderId%: the trigger event's data, a dotted path as the event names it
_EVENT = r"%\(OBJECT\)([A-Za-z_]\w*(?:\.\w+)*)%"
_TAG = regex.compile(f"{_FIELD}|{_EVENT}")
# A list field is upper case (the pattern above); a name with a lower-case letter or a dot is
# the event's data, filled by the site that sent the event
_EVENT_NAME = regex.compile(r"[\p{Ll}.]")


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(
        source, _TAG, lambda m, line: Token("var", line, m.group(0), m.group(1) or m.group(2))
    )


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
    system_pattern=_EVENT_NAME,
    unsubscribe=("%UNSUBSCRIBE_URL%",),
    unsubscribe_pattern=regex.compile(r"%UNSUBSCRIBE(?:_URL)?%"),
    case_insensitive=True,
    sources=(
        "DashaMail: Персонализация писем",
        "DashaMail: Ссылка отписки",
        "DashaMail: Как подставлять данные из триггерных событий в письма",
    ),
)
