"""Mindbox: its template language Quokka.

``${ Recipient.FirstName }`` prints, ``${ replaceIfEmpty(Recipient.FirstName, "друг") }`` prints
a fallback for an empty value, ``@{ if … }…@{ else }…@{ end if }`` and
``@{ for item in Products }…@{ end for }`` are blocks, ``@{* … *}`` a comment. A test is read
when it is ``IsEmpty(x)``, ``x != ""`` or ``x = ""`` (``=`` is Quokka's equality), or ``x``;
``x != null`` and ``x = null`` guard nothing (``""`` is not null); any other test leaves its
block not verified (PER007), never guessed.

Sources: Mindbox's help pages «Шаблонизатор» and «Ссылка отписки в рассылке» (the system names
below: ``Recipient.Email``, the unsubscribe and web-version links); the grammar and the
``replaceIfEmpty``/``IsEmpty`` functions from Mindbox's own engine, Quokka (the open-source
repository mindbox-cloud/Quokka: ReplaceIfEmptyTemplateFunction, IsEmptyTemplateFunction). Quokka
is C#, with no Python package, so the shared tag engine reads it.
"""

from collections.abc import Iterator

import regex

from mailcheck.templating import tags
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import Kind, Token

_TAG = regex.compile(r"@\{\*.*?\*\}|@\{\s*(?P<stmt>.*?)\s*\}|\$\{\s*(?P<out>.*?)\s*\}", regex.S)
_PATH = regex.compile(r"(?<![\w.\"'])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?!\s*\()(?![\w\"'])")
# A fallback anywhere in an output, also inside another function:
# ${ capitalize(replaceIfEmpty(x, "друг")) }, ${ if(IsEmpty(x), "друг", x) }
_FALLBACK = regex.compile(
    r"\b(?:replaceIfEmpty\(\s*([A-Za-z_][\w.]*)\s*,"
    r"|if\(\s*IsEmpty\(\s*([A-Za-z_][\w.]*)\s*\)\s*,)"
    r"\s*(?:\"([^\"]*)\"|'([^']*)')",
    regex.I,
)
# x != "", alone or with x != null ("and"): the variable is tested for a value
_FILLED = regex.compile(
    r"^([A-Za-z_][\w.]*)\s*!=\s*(?:null|\"\"|'')(?:\s+and\s+\1\s*!=\s*(?:null|\"\"|''))*$",
    regex.I,
)
# x = "" (Quokka's "=" is equality), alone or with x = null ("or"): the variable is empty
_EMPTIED = regex.compile(
    r"^([A-Za-z_][\w.]*)\s*==?\s*(?:null|\"\"|'')(?:\s+or\s+\1\s*==?\s*(?:null|\"\"|''))*$",
    regex.I,
)
_EMPTY_TEST = regex.compile(r"^(not\s+)?IsEmpty\(\s*([A-Za-z_][\w.]*)\s*\)$", regex.I)
_PLAIN = regex.compile(r"^(not\s+)?([A-Za-z_][\w.]*)$", regex.I)
_KEYWORDS = frozenset({"not", "and", "or", "true", "false", "null", "in"})


def _condition(text: str, kind: Kind, line: int, raw: str) -> Token:
    m = _EMPTY_TEST.match(text)
    if m:  # IsEmpty(x) is true when x is empty; not IsEmpty(x) when it is filled
        return Token(kind, line, raw, m.group(2), negate=not m.group(1), block="if")
    filled = _FILLED.match(text)
    if filled and ('""' in text or "''" in text):  # "!= null" alone lets "" through
        return Token(kind, line, raw, filled.group(1), block="if")
    if filled:  # x != null alone: "" passes it
        return Token(kind, line, raw, filled.group(1), null_test=True, block="if")
    emptied = _EMPTIED.match(text)
    if emptied:  # x = "" is true when x is empty; x = null alone is not for ""
        has_empty = '""' in text or "''" in text
        return Token(
            kind, line, raw, emptied.group(1), negate=True, null_test=not has_empty, block="if"
        )
    m = _PLAIN.match(text)
    if m and m.group(2).lower() not in _KEYWORDS:
        return Token(kind, line, raw, m.group(2), negate=bool(m.group(1)), block="if")
    return Token(kind, line, raw, "", block="if")


def _classify(m: regex.Match[str], line: int) -> Token:
    raw = m.group(0)
    if m.group("out") is not None:
        expr = m.group("out")
        fb = _FALLBACK.search(expr)
        if fb:
            name = fb.group(1) or fb.group(2)
            text = fb.group(3) if fb.group(3) is not None else fb.group(4)
            return Token("var", line, raw, name, fallback=text or "")
        paths = [p for p in _PATH.findall(expr) if p.lower() not in _KEYWORDS]
        return Token("var", line, raw, paths[0]) if paths else Token("skip", line, raw)
    stmt = m.group("stmt")
    if stmt is None:
        return Token("skip", line, raw)  # a comment
    words = stmt.split(None, 2)
    first = words[0].lower() if words else ""
    if first == "if":
        return _condition(stmt[2:].strip(), "if", line, raw)
    if first == "else" and len(words) > 1 and words[1].lower() == "if":
        return _condition(stmt.split(None, 2)[2] if len(words) > 2 else "", "elif", line, raw)
    if first == "else":
        return Token("else", line, raw)
    if first == "end":
        block = words[1].lower() if len(words) > 1 else ""
        return Token("end", line, raw, block="if" if block == "if" else "for" if block else "")
    if first == "for":
        m2 = regex.match(r"for\s+(\w+)\s+in\s+([A-Za-z_][\w.]*)", stmt, regex.I)
        if m2:
            return Token("for", line, raw, m2.group(1), source=m2.group(2), block="for")
    if first == "set":
        return _assignment(stmt[3:], line, raw)
    return Token("skip", line, raw)  # anything else that prints nothing


# @{ set promo = "SPRING26" }, @{ set name = Recipient.FirstName }: from there on the name is
# the template's own (agencies' Mindbox templates write it; Quokka's published grammar has no
# such instruction, so a value it cannot read is a value of its own, never a guess)
def _assignment(rest: str, line: int, raw: str) -> Token:
    found = tags.assignment(rest)
    if found is None:
        return Token("skip", line, raw)
    name, value, text = found
    if text is not None:
        return Token("set", line, raw, name, fallback=text)
    fb = _FALLBACK.search(value)
    if fb:  # replaceIfEmpty(Recipient.FirstName, "друг")
        text = fb.group(3) if fb.group(3) is not None else fb.group(4)
        return Token("set", line, raw, name, source=fb.group(1) or fb.group(2), fallback=text)
    if regex.fullmatch(r"[A-Za-z_][\w.]*", value):
        return Token("set", line, raw, name, source=value)
    return Token("set", line, raw, name)


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(source, _TAG, _classify, openers=("${", "@{"), closers=("}",))


parse = tags.parser(
    tokenize,
    case_insensitive=True,
    dialect="mindbox",
    closers={"if": "@{ end if }", "for": "@{ end for }"},
)

DIALECT = Dialect(
    name="mindbox",
    summary="Mindbox (Quokka): ${ Recipient.FirstName }, @{ if … }…@{ else }…@{ end if }",
    parser="mailcheck.templating.dialects.mindbox:parse",
    markers=regex.compile(
        r"@\{\s*(?:if|for|end|else|set)\b|@\{\*|\$\{\s+[A-Za-z]"
        # ${Recipient.FirstName}, also inside functions: ${ToUpper(Recipient.FirstName)}
        # (Mindbox's help «Функции для обработки и форматирования данных»,
        # https://help.mindbox.ru/docs/функции-для-обработки-и-форматирования-данных)
        r"|\$\{\s*(?:[A-Za-z]\w*\(\s*){0,3}(?:Recipient|Mailing)\.",
        regex.I,
    ),
    tags=regex.compile(r"@\{[^}\n]{0,200}\}|\$\{\s[^{}\n]{0,200}\}"),
    needles=("@{", "${"),
    system_variables=frozenset(
        {
            "Recipient.Email",
            "Recipient.MobilePhone",
            "Recipient.UnsubscribeLink",
            "Recipient.UnsubscribeUrl",
            "Mailing.WebVersionUrl",
            "Mailing.Id",
        }
    ),
    system_prefixes=("Mailing.", "Brand."),
    unsubscribe=("${ Recipient.UnsubscribeLink }",),
    unsubscribe_pattern=regex.compile(r"\$\{\s*Recipient\.Unsubscribe", regex.I),
    case_insensitive=True,
    sources=("Mindbox: Шаблонизатор", "Mindbox: Ссылка отписки", "Quokka (mindbox-cloud)"),
)
