"""Sendsay: ``[% anketa.base.firstName %]``, ``[% IF … %]…[% ELSE %]…[% END %]``.

A Template-Toolkit-like language. Fallbacks: ``[% anketa.base.firstName or 'друг' %]`` and
``[% anketa.base.firstName | default('друг') %]``. Sources: Sendsay's help «Шаблонизатор» and
«Ссылка отписки» (the issue parameters ``param.url_unsub``, ``param.url_web``,
``param.issue.*`` are filled by Sendsay at send time: every ``param.*`` is a system name), and
the API reference («API Sendsay»: issue.send). No Python engine reads it: the shared tag engine
does.
"""

from collections.abc import Iterator

import regex

from mailcheck.templating import tags
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import Kind, Token

_TAG = regex.compile(r"\[%-?\s*(.*?)\s*-?%\]", regex.S)
_VAR = regex.compile(
    r"^([A-Za-z_][\w.]*)\s*(?:(?:\|\|?|\bor\b)\s*(?:default\s*\(\s*)?(?:'([^']*)'|\"([^\"]*)\"))?",
    regex.I,
)
# a test of one variable: [% IF name %], [% IF NOT name %], [% IF name != '' %], [% IF name == "" %]
_TEST = regex.compile(
    r"^(NOT\s+|!\s*)?([A-Za-z_][\w.]*)\s*(?:(!=|==|\bne\b|\beq\b)\s*(?:''|\"\"))?\s*$", regex.I
)


def _classify(m: regex.Match[str], line: int) -> Token:
    raw, body = m.group(0), m.group(1)
    if body.startswith("#"):
        return Token("skip", line, raw)
    word, _, rest = body.partition(" ")
    upper = word.upper()
    if upper in ("IF", "ELSIF", "UNLESS"):
        t = _TEST.match(rest.strip())
        kind: Kind = "elif" if upper == "ELSIF" else "if"
        if t:
            empty_test = (t.group(3) or "").lower() in ("==", "eq")  # "is empty": the opposite
            negate = (bool(t.group(1)) != (upper == "UNLESS")) != empty_test
            return Token(kind, line, raw, t.group(2), negate=negate, block="if")
        return Token(kind, line, raw, "", block="if")
    if upper == "ELSE":
        return Token("else", line, raw)
    if upper == "END":
        return Token("end", line, raw)
    if upper == "FOREACH":
        f = regex.match(r"(\w+)\s+(?:IN|=)\s+([A-Za-z_][\w.]*)", rest.strip(), regex.I)
        if f:
            return Token("for", line, raw, f.group(1), source=f.group(2), block="for")
    if upper in ("SET", "DEFAULT"):
        return _assignment(raw, rest, line, keep=upper == "DEFAULT")
    if upper in ("INCLUDE", "CALL", "BLOCK", "META") or "=" in body:
        return Token("skip", line, raw)
    v = _VAR.match(body)
    if v:
        fallback = v.group(2) if v.group(2) is not None else v.group(3)
        return Token("var", line, raw, v.group(1), fallback=fallback)
    return Token("skip", line, raw)


def _assignment(raw: str, rest: str, line: int, *, keep: bool) -> Token:
    """``[% SET name = anketa.base.firstName or 'друг' %]`` (DEFAULT: only when name is
    empty): the name is the template's own from there on, holding the value read."""
    found = tags.assignment(rest)
    if found is None:
        return Token("skip", line, raw)
    name, value, text = found
    if text is not None:
        if keep:  # DEFAULT name = 'x': name's own value, else x
            return Token("set", line, raw, name, source=name, fallback=text)
        return Token("set", line, raw, name, fallback=text)
    v = _VAR.fullmatch(value.strip())
    if v:
        fallback = v.group(2) if v.group(2) is not None else v.group(3)
        return Token("set", line, raw, name, source=v.group(1), fallback=fallback)
    return Token("set", line, raw, name)  # an expression not read: a value of its own


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(source, _TAG, _classify, openers=("[%",), closers=("%]",))


parse = tags.parser(tokenize, dialect="sendsay", closers={"if": "[% END %]", "for": "[% END %]"})

DIALECT = Dialect(
    name="sendsay",
    summary="Sendsay: [% anketa.base.firstName %], [% IF … %]…[% ELSE %]…[% END %]",
    parser="mailcheck.templating.dialects.sendsay:parse",
    markers=regex.compile(r"\[%.{0,200}?%\]", regex.S),
    tags=regex.compile(r"\[%.{0,200}?%\]", regex.S),
    needles=("[%",),
    scan_needles_first=False,
    system_variables=frozenset({"anketa.member.email", "member.email"}),
    system_prefixes=("param.",),
    unsubscribe=("[% param.url_unsub %]",),
    unsubscribe_pattern=regex.compile(r"\[%\s*param\.url_unsub"),
    sources=("Sendsay: Шаблонизатор", "Sendsay: Ссылка отписки", "API Sendsay"),
)
