"""Unisender: ``{{Name}}``, ``{{Name|уважаемый подписчик}}``, ``{{Name?, }}``.

``{{Name|text}}`` prints the text when the field is empty (but Unisender ignores it inside a
link), ``{{Name|{{Email}}}}`` another field; ``{{Name?text}}`` prints the text only when the
field is filled (the documented ``{{Name?, }}{{Name}}`` idiom is a guarded greeting), and
``{{HasOrders?{{Discount}}}}`` another field. Sources: Unisender's help «Подстановки»
(«Условия в подстановках») and «Как добавить ссылку отписки» (``{{UnsubscribeUrl}}``,
``{{WebLetterUrl}}``, ``{{Email}}`` are filled by Unisender). The shared tag engine reads it.
"""

from collections.abc import Iterator

import regex

from mailcheck.templating import tags
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import Token

# A fallback or a condition's text may hold another field: {{Name|{{Email}}}} prints the
# e-mail address when the name is empty, {{HasOrders?{{Discount}}}} the discount when there
# are orders (Unisender Go's «Простой шаблонизатор»; `Discount` is the older form)
_INNER = r"(?:[^{}]|\{\{\s*[A-Za-z_][\w.]*\s*\}\})*?"
_TAG = regex.compile(rf"\{{\{{\s*([A-Za-z_][\w.]*)\s*(?:(\|)({_INNER})|(\?)({_INNER}))?\s*\}}\}}")
_FIELD = regex.compile(r"`([A-Za-z_][\w.]*)`|\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")
_ONLY_FIELD = regex.compile(r"\s*\{\{\s*([A-Za-z_][\w.]*)\s*\}\}\s*")


def _classify(m: regex.Match[str], line: int) -> Token:
    name = m.group(1)
    if m.group(2):  # {{Name|fallback}}, the fallback maybe another field: {{Name|{{Email}}}}
        other = _ONLY_FIELD.fullmatch(m.group(3))
        if other:
            return Token("if", line, m.group(0), name, source=other.group(1), block="either")
        return Token("var", line, m.group(0), name, fallback=m.group(3), fallback_in_links=False)
    if m.group(4):  # {{Name?text}}: the text when Name is filled; `Field` inside is a field
        return Token("if", line, m.group(0), name, source=m.group(5), block="inline")
    return Token("var", line, m.group(0), name)


def _expand(tokens: Iterator[Token]) -> Iterator[Token]:
    """``{{Name?text}}`` as an if block; in the idiom ``{{Name?, }}{{Name}}`` it guards the
    ``{{Name}}`` right after it."""
    pending: Token | None = None  # an inline condition whose block is still open
    for token in tokens:
        if pending is not None:
            follows = token.kind == "var" and token.name.lower() == pending.name.lower()
            if follows and token.fallback is None:
                yield token  # printed only when the field is filled, like the text before it
            yield Token("end", pending.line, "}}", block="if")
            pending = None
            if follows and token.fallback is None:
                continue
        if token.kind == "if" and token.block == "either":  # the field, else the other one
            yield Token("if", token.line, token.text, token.name, block="if")
            yield Token("var", token.line, token.text, token.name)
            yield Token("else", token.line, token.text)
            yield Token("var", token.line, token.text, token.source)
            yield Token("end", token.line, "}}", block="if")
        elif token.kind == "if" and token.block == "inline":
            yield Token("if", token.line, token.text, token.name, block="if")
            text, pos = token.source, 0
            for f in _FIELD.finditer(text):
                yield Token("text", text=text[pos : f.start()])
                yield Token("var", token.line, f.group(0), f.group(1) or f.group(2))
                pos = f.end()
            yield Token("text", text=text[pos:])
            pending = token
        else:
            yield token
    if pending is not None:
        yield Token("end", pending.line, "}}", block="if")


def tokenize(source: str) -> Iterator[Token]:
    # {{Name|{{Email}}}} nests: only a "{{" left outside every tag is one never closed
    return _expand(tags.scan(source, _TAG, _classify, openers=("{{",), nested=True))


parse = tags.parser(tokenize, case_insensitive=True, dialect="unisender")

DIALECT = Dialect(
    name="unisender",
    summary="Unisender: {{Name|уважаемый подписчик}}, {{Name?, }}{{Name}}, {{UnsubscribeUrl}}",
    parser="mailcheck.templating.dialects.unisender:parse",
    markers=regex.compile(  # one literal "{{" first: the engine skips to it quickly
        r"\{\{\s*(?:(?:UnsubscribeUrl|WebLetterUrl|ForwardUrl|LetterTitle)\s*\}\}"
        r"|[A-Za-z_][\w.]*\s*(?:\?[^{}]*"
        # a fallback that is prose, not a filter: two words, or any Cyrillic
        r"|\|\s*(?:[^{}()'\"\s|:]+\s+[^{}()'\"\s|:][^{}()'\"|:]*|[^{}()'\"|:]*\p{Cyrillic}[^{}()'\"|:]*))"
        r"\}\})"
    ),
    tags=regex.compile(r"\{\{\s*[A-Za-z_][\w.]*\s*(?:[|?][^{}]*)?\}\}"),
    needles=("{{",),
    scan_needles_first=False,
    system_variables=frozenset(
        {"UnsubscribeUrl", "WebLetterUrl", "ForwardUrl", "Email", "LetterTitle", "ContactId"}
    ),
    unsubscribe=("{{UnsubscribeUrl}}",),
    unsubscribe_pattern=regex.compile(r"\{\{\s*UnsubscribeUrl\s*\}\}", regex.I),
    case_insensitive=True,
    # Unisender Go's default ("simple") engine is this language; its Velocity is the other
    platforms={"unisender": frozenset(), "unisender-go": frozenset({"unsubscribe_url"})},
    sources=(
        "Unisender: Подстановки — условия в подстановках",
        "Unisender: Ссылка отписки",
        "Unisender Go: Простой шаблонизатор",
    ),
)
