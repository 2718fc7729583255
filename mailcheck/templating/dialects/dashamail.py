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
read its tests: each block is read as one whose test it cannot read (which branch a recipient
gets is not known: PER007 names the block, the names inside it are not called unguarded), and a
value it prints (``{{ name }}``) as one whose value is not verified (PER007 names it too); the
fields outside it are checked as always, never tags left in (PER003). Blocks mailcheck cannot
pair (an ``{{if}}`` never closed) make the whole template not understood (PER007), never a
syntax error: how DashaMail pairs them is its own.
"""

from collections.abc import Iterator

import regex

from mailcheck.i18n import N_, t
from mailcheck.templating import tags
from mailcheck.templating.core import IsSystem, NotUnderstood, TemplateError
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
_DYNAMIC = regex.compile(r"#?\{\{([^{}\n]{1,200})\}\}")
_READ = regex.compile(f"{tags.PERCENT_FIELD}|{_EVENT}|{_DYNAMIC.pattern}")
_KEYWORD = regex.compile(r"\s*(if|elseif|else|endif|unless|endunless)\b", regex.I)


def _classify(m: regex.Match[str], line: int) -> Token:
    """A field or the event's data as a variable; a tag of the dynamic content as the block it
    opens, continues or closes, its test unread (which branch a recipient gets is DashaMail's
    to know), or, a value it prints, a word that stands for it."""
    raw = m.group(0)
    inner = m.group(3)
    if inner is None:
        return Token("var", line, raw, m.group(1) or m.group(2))
    keyword = _KEYWORD.match(inner)
    word = keyword.group(1).lower() if keyword is not None else ""
    if word in ("if", "unless"):
        return Token("if", line, raw, "", block="if")
    if word == "elseif":
        return Token("elif", line, raw, "")
    if word == "else":
        return Token("else", line, raw)
    if word in ("endif", "endunless"):
        return Token("end", line, raw)
    return Token("skip", line, raw, prints=_printed(inner))


def _printed(inner: str) -> str:
    """What stands for the value a ``{{ name }}`` of the dynamic content prints: a plain word,
    never "" (that would be a «Привет, !» no recipient gets)."""
    word = regex.sub(r"[^\w.]+", " ", inner).split()
    return (word[-1].rsplit(".", 1)[-1] if word else "") or "value"


def parse(source: str, is_system: IsSystem) -> TagTemplate:
    if "{{" not in source or _DYNAMIC.search(source) is None:
        return _parse_fields(source, is_system)
    try:
        parsed = TagTemplate(
            source,
            is_system,
            lambda text: tags.scan(text, _READ, _classify),
            case_insensitive=True,
            dialect="dashamail",
        )
    except NotUnderstood:
        raise
    except TemplateError as exc:
        # how DashaMail nests its blocks is its own: one mailcheck cannot pair is not read,
        # never called a syntax error
        raise NotUnderstood(
            t(
                "this construct of DashaMail's dynamic content is not read ({why})",
                why=str(exc.message).removeprefix("dashamail: "),
            ),
            exc.line,
        ) from None
    # a value the dynamic content prints ({{ name }}): what it prints is not verified
    for m in _DYNAMIC.finditer(source):
        if _KEYWORD.match(m.group(1)) is None:
            line = source.count("\n", 0, m.start()) + 1
            parsed.unread.append((line, m.group(0)))
    parsed.unread.sort(key=lambda unread: unread[0])
    return parsed


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
