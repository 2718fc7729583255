"""DashaMail: ``%NAME%``-style merge fields.

Sources: DashaMail's help «Персонализация писем» (list fields as ``%FIELD%``) and «Ссылка
отписки» (``%UNSUBSCRIBE_URL%``, ``%WEBVERSION_URL%``, ``%EMAIL%`` are filled by DashaMail).
The fields have no inline fallback: a recipient without a value gets the default value set on
the list's field, which the HTML cannot show (``fallback_outside``). A field without a guard is
then a PER001 warning, "could not verify", that says where to set it, never an error: the list
may well have one, and the template cannot. The shared tag engine reads it.

An automation's letter also prints the data of the event that triggered it:
``%(OBJECT)data.customer.promo%`` (DashaMail's help «Как подставлять данные из триггерных событий
в письма», https://help.dashamail.ru/hc/guides/ru/categories/6838182-автоматизация: the names are
case-sensitive, and a tag left as written in a received letter means the event's data was not
passed). The site sends that data with each event, as 1C-Bitrix's mail event fills its macros:
there is no fallback to ask for, so it is read as filled by the platform, and a tag that
survives into a sent message is PER003.

DashaMail also has "dynamic content" in double braces: ``{{ name }}``, ``{{if …}}…{{elseif
…}}…{{else}}…{{endif}}``, ``{{unless …}}`` (DashaMail's help «Динамический контент»,
https://help.dashamail.ru/hc/guides/articles/5361807-динамический-контент). mailcheck does not
read that language: a template with it is not understood (PER007), never tags left in (PER003).
"""

from collections.abc import Iterator

import regex

from mailcheck.i18n import N_, t
from mailcheck.templating import tags
from mailcheck.templating.core import IsSystem, NotUnderstood
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import TagTemplate, Token

# %(OBJECT)data.order.orderId%: the trigger event's data, a dotted path as the event names it
_EVENT = r"%\(OBJECT\)([A-Za-z_]\w*(?:\.\w+)*)%"
_TAG = regex.compile(f"{tags.PERCENT_FIELD}|{_EVENT}")
# A list field is upper case (the pattern above); a name with a lower-case letter or a dot is
# the event's data, filled by the site that sent the event
_EVENT_NAME = regex.compile(r"[\p{Ll}.]")


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(
        source, _TAG, lambda m, line: Token("var", line, m.group(0), m.group(1) or m.group(2))
    )


_parse_fields = tags.parser(tokenize, case_insensitive=True, dialect="dashamail")
# a tag of the dynamic content: {{ name }}, {{if …}}, {{endif}} (the help shows some written
# #{{ … }}: the same tags)
_DYNAMIC = regex.compile(r"\{\{[^{}\n]{1,200}\}\}")


def parse(source: str, is_system: IsSystem) -> TagTemplate:
    dynamic = _DYNAMIC.search(source) if "{{" in source else None
    if dynamic is not None:
        line = source.count("\n", 0, dynamic.start()) + 1
        raise NotUnderstood(
            t("DashaMail's dynamic content ({tag}) is not read", tag=dynamic.group(0)), line
        )
    return _parse_fields(source, is_system)


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
    event_data=N_("the trigger event the site sends to DashaMail"),
    unsubscribe=("%UNSUBSCRIBE_URL%",),
    unsubscribe_pattern=regex.compile(r"%UNSUBSCRIBE(?:_URL)?%"),
    case_insensitive=True,
    fallback_outside=N_("the default value set on the field in the DashaMail list"),
    sources=(
        "DashaMail: Персонализация писем",
        "DashaMail: Ссылка отписки",
        "DashaMail: Как подставлять данные из триггерных событий в письма",
    ),
)
