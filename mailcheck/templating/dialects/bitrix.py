"""1C-Bitrix mail templates and its e-mail marketing module: ``#USER_NAME#`` macros.

Sources: 1C-Bitrix's «Почтовые шаблоны» (the macros ``#SITE_NAME#``, ``#SERVER_NAME#``,
``#DEFAULT_EMAIL_FROM#``, ``#EMAIL_TO#`` the site fills) and «Email-маркетинг: отписка»
(``#UNSUBSCRIBE_LINK#``). A macro is a field of the mail event that sends the message (an
order's ``#ORDER_ID#``, a user's ``#USER_NAME#``), filled by the site for every message of that
event: there is no fallback to ask for, and whether the site's code ever leaves one empty (a
user registered without a name: «Здравствуйте, #NAME#!» reads «Здравствуйте, !») is not
something the template shows (``event_data``). So a macro is a warning, "could not verify",
only where emptying it breaks the text (a greeting); elsewhere (an order number in a table)
it is silent. The rendered result (links with the macros filled) is checked, and, in a sent
message, a macro left unfilled (PER003).
"""

from collections.abc import Iterator

import regex

from mailcheck.i18n import N_
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
    system_pattern=regex.compile(r"."),  # every macro is the event's (see above)
    event_data=N_("the mail event the site's code sends"),
    unsubscribe=("#UNSUBSCRIBE_LINK#",),
    unsubscribe_pattern=regex.compile(r"#UNSUBSCRIBE_(?:LINK|URL)#"),
    case_insensitive=True,
    sources=("1C-Bitrix: Почтовые шаблоны", "1C-Bitrix: Email-маркетинг — отписка"),
)
