"""PHP views (Yii, Laravel/Blade's raw PHP, hand-made mailers): ``<?= $user->getShortName() ?>``.

PHP is not rendered (mailcheck never runs code): echo tags are variables — ``$name``,
``$user->name``, ``$user['name']``, ``$user->getShortName()`` — with their fallbacks judged
(``?? 'друг'``, ``?: 'друг'``) and ``<?php if ($name): ?>…<?php endif; ?>`` /
``if (!empty($name)) { ?>…<?php } ?>`` guards read; other PHP prints nothing. No platform:
no system variables beyond the common ones and link getters (``$user->getTicketUrl()``: made by
the application for every recipient). A view is rendered inside a layout the application picks
(Yii's ``$this->layout``, a mailer's own), not one the view names: whole page or fragment, the
file is not all the message (``application_views``). Source: the PHP manual, "Escaping from
HTML" and "Alternative syntax for control structures".
"""

from collections.abc import Iterator

import regex

from mailcheck.templating import tags
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import Kind, Token

_TAG = regex.compile(r"<\?(?:=|php\b)?(.*?)(?:\?>|\Z)", regex.S)
_ACCESS = regex.compile(
    r"\$([A-Za-z_]\w*)((?:->\w+(?:\((?:[^()]|\([^()]*\))*\))?|\[\s*['\"]?\w+['\"]?\s*\])*)"
)
_FALLBACK = regex.compile(r"(?:\?\?|\?:)\s*(?:'([^']*)'|\"([^\"]*)\")")
_FOREACH = regex.compile(r"^foreach\s*\(\s*(.*?)\s+as\s+(?:\$\w+\s*=>\s*)?\$(\w+)\s*\)", regex.I)
_IF = regex.compile(r"^(}\s*)?(else\s*)?if\s*\((.*)\)\s*[:{]?$", regex.S | regex.I)


def _name(m: regex.Match[str]) -> str:
    parts = [m.group(1)]
    for piece in regex.findall(r"->(\w+)|\[\s*['\"]?(\w+)['\"]?\s*\]", m.group(2)):
        parts.append(piece[0] or piece[1])
    return ".".join(parts)


def _condition(test: str, kind: Kind, line: int, raw: str) -> Token:
    access = _ACCESS.search(test)
    operators = test.replace("->", ".").replace("=>", ",")
    if access is None or regex.search(r"[<>=]|&&|\|\||\band\b|\bor\b", operators):
        return Token(kind, line, raw, "", block="if")
    negate = bool(regex.match(r"\s*(?:!\s*\(?\s*\$|empty\s*\(|!\s*isset)", test)) != bool(
        regex.match(r"\s*!\s*empty\s*\(", test)
    )
    return Token(kind, line, raw, _name(access), negate=negate, block="if")


def _classify(m: regex.Match[str], line: int) -> Token:
    raw, code = m.group(0), m.group(1).strip().rstrip(";").strip()
    echo = raw.startswith("<?=") or regex.match(r"(?:echo|print)\b", code)
    if echo:
        code = regex.sub(r"^(?:echo|print)\s*", "", code)
        access = _ACCESS.search(code)
        if access is None:
            literal = regex.match(r"^(?:'([^']*)'|\"([^\"]*)\")$", code)
            text = (literal.group(1) or literal.group(2) or "") if literal else ""
            return Token("skip", line, raw, prints=text)
        fb = _FALLBACK.search(code)
        fallback = (fb.group(1) if fb.group(1) is not None else fb.group(2)) if fb else None
        # a method call ($user->getShortName()): the application's code, never run here
        called = access.group(2).rstrip().endswith(")")
        return Token("var", line, raw, _name(access), fallback=fallback, computed=called)
    m_if = _IF.match(code)
    if m_if:
        kind: Kind = "elif" if m_if.group(2) else "if"
        token = _condition(m_if.group(3), kind, line, raw)
        return token
    if regex.match(r"^}?\s*else\s*[:{]?$", code, regex.I):
        return Token("else", line, raw)
    if regex.match(r"^(?:endif|endforeach|endfor|endwhile|})$", code, regex.I):
        return Token("end", line, raw)
    loop = regex.match(
        r"^foreach\s*\(\s*(.*?)\s+as\s+(?:\$\w+\s*=>\s*)?\$(\w+)\s*\)", code, regex.I
    )
    if loop:
        source = _ACCESS.search(loop.group(1))
        return Token(
            "for", line, raw, loop.group(2), source=_name(source) if source else "", block="for"
        )
    return Token("skip", line, raw)


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(source, _TAG, _classify)


def echo_named(tag: str) -> str:
    """What a quote of the text shows for one PHP tag as written (``<?= $user->getShortName()
    ?>``): a variable it prints as "[name]" where it stands, as a quote of a rendered template
    shows what the send fills in (PRE001's first text); the text it prints when that is a
    literal; "" for any other tag (it prints nothing)."""
    token = next(iter(tokenize(tag)), None)
    if token is None:
        return ""
    return f"[{token.name}]" if token.kind == "var" else token.prints


parse = tags.parser(tokenize, dialect="php")

DIALECT = Dialect(
    name="php",
    summary="PHP echo tags: <?= $user->getShortName() ?> (read, never run)",
    parser="mailcheck.templating.dialects.php:parse",
    markers=regex.compile(r"<\?(?:=|php\b)"),
    tags=regex.compile(r"<\?(?:=|php\b).{0,200}?\?>", regex.S),
    needles=("<?",),
    scan_needles_first=False,
    # a getter that builds a link (getFastAuthUrl, getTicketUrl): the application makes it
    # for every recipient, it is not a profile field that may be empty
    system_pattern=regex.compile(r"(?:^|\.)get\w*(?:Url|URL|Link)$"),
    # Yii's and Laravel's controllers render a view inside the layout they name themselves
    application_views=True,
    sources=("PHP manual: Escaping from HTML", "PHP manual: Alternative syntax"),
)
