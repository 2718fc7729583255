"""1C-Bitrix mail templates and its e-mail marketing module: ``#USER_NAME#`` macros.

Sources: 1C-Bitrix's «Почтовые шаблоны» (the macros ``#SITE_NAME#``, ``#SERVER_NAME#``,
``#DEFAULT_EMAIL_FROM#``, ``#EMAIL_TO#`` the site fills) and «Email-маркетинг: отписка»
(``#UNSUBSCRIBE_LINK#``). Macros have no fallback or condition of their own: every recipient
field needs a default in the event that fills it, so mailcheck asks for one (PER001).
"""

from collections.abc import Iterator

import regex

from mailcheck.templating import tags
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import Token

# #NAME#: upper case, at least three characters; never an entity (&#123;) or a colour (#FFF)
_TAG = regex.compile(r"(?<![#&\w])#([A-Z][A-Z0-9_]{2,60})#(?![#\w])")


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(source, _TAG, lambda m, line: Token("var", line, m.group(0), m.group(1)))


parse = tags.parser(tokenize, case_insensitive=True, dialect="bitrix")

DIALECT = Dialect(
    name="bitrix",
    summary="1C-Bitrix: #USER_NAME#, #UNSUBSCRIBE_LINK#",
    parser="mailcheck.templating.dialects.bitrix:parse",
    markers=_TAG,
    tags=_TAG,
    needles=("#",),
    system_variables=frozenset(
        {
            "SITE_NAME",
            "SERVER_NAME",
            "DEFAULT_EMAIL_FROM",
            "EMAIL_TO",
            "EMAIL",
            "UNSUBSCRIBE_LINK",
            "UNSUBSCRIBE_URL",
            "SITE_DIR",
            "LANG_DIR",
        }
    ),
    unsubscribe=("#UNSUBSCRIBE_LINK#",),
    unsubscribe_pattern=regex.compile(r"#UNSUBSCRIBE_(?:LINK|URL)#"),
    case_insensitive=True,
    sources=("1C-Bitrix: Почтовые шаблоны", "1C-Bitrix: Email-маркетинг — отписка"),
)
