"""Apache Velocity as eSputnik and Unisender Go write it.

``$name``, ``$!name`` (prints nothing when empty: not a fallback), ``${name|'друг'}`` and
eSputnik's unquoted ``${firstName|Друг}`` fallbacks, ``$!data.get('x')``,
``#if($name)…#elseif(…)…#else…#end``, ``#foreach($item in $items)…#end``, ``#set``, ``## …``
and ``#* … *#`` comments. Sources: eSputnik's help "Velocity: personalization and fallback
values" and "Unsubscribe link" (``$unsubscribe``, ``$webversion``), Unisender Go's
"Template engines: Velocity" (``${unsubscribe_url}``), and the Apache Velocity "User Guide"
(alternate values ``${a|'b'}``, quiet references).

Rendering and syntax errors are airspeed's, a maintained Python implementation of Velocity
(mailcheck.templating.velocity); the tags are read here for the variables, their fallbacks and
guards.
"""

from collections.abc import Iterator

import regex

from mailcheck.templating import tags
from mailcheck.templating.core import IsSystem, Parsed
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import Kind, Token

_ARGS = r"\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"
_TAG = regex.compile(
    r"#\*.*?\*#|##[^\n]*"
    r"|#\{?(?P<dir>if|elseif|else|end|foreach|set|macro|parse|include|break|stop)\b\}?"
    rf"(?:\s*(?P<args>{_ARGS}))?"
    r"|\$(?P<quiet>!)?(?:\{(?P<braced>[A-Za-z_][^{}|]*?)(?:\|(?P<fb>[^{}]*))?\}"
    rf"|(?P<bare>[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*(?:{_ARGS})?)*))",
    regex.S,
)
_GET = regex.compile(r"\.get\(\s*['\"]([^'\"]+)['\"]\s*\)")


def _name(reference: str) -> str:
    return _GET.sub(r".\1", reference.strip()).rstrip(".")


def _test(args: str, kind: Kind, line: int, raw: str) -> Token:
    inner = args.strip()[1:-1].strip() if args else ""
    m = regex.fullmatch(r"(!\s*)?\$!?\{?([A-Za-z_][\w.]*(?:\.get\([^()]*\))?)\}?", inner)
    if m:
        return Token(kind, line, raw, _name(m.group(2)), negate=bool(m.group(1)), block="if")
    return Token(kind, line, raw, "", block="if")


def _classify(m: regex.Match[str], line: int) -> Token:
    raw = m.group(0)
    directive = m.group("dir")
    if raw.startswith(("#*", "##")):
        return Token("skip", line, raw)
    if directive == "if":
        return _test(m.group("args") or "", "if", line, raw)
    if directive == "elseif":
        return _test(m.group("args") or "", "elif", line, raw)
    if directive == "else":
        return Token("else", line, raw)
    if directive == "end":
        return Token("end", line, raw)
    if directive in ("foreach", "macro"):
        # the list is a variable ($items) or a literal ([1..3], ["a", "b"]): the item is the
        # loop's own either way, never a recipient's field
        loop = regex.match(
            r"\(\s*\$!?\{?(\w+)\}?\s+in\s+(?:\$!?\{?([\w.]+)|\S)", m.group("args") or ""
        )
        if loop and directive == "foreach":
            source = loop.group(2) or ""
            return Token("for", line, raw, loop.group(1), source=source, block="for")
        return Token("for", line, raw, "", block="for")
    if directive is not None:
        return Token("skip", line, raw)  # set, parse, include …: print nothing here
    reference = m.group("braced") or m.group("bare") or ""
    fallback = m.group("fb")
    if fallback is not None:
        fallback = fallback.strip().strip("'\"")
    return Token("var", line, raw, _name(reference), fallback=fallback)


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(source, _TAG, _classify)


def parse(source: str, is_system: IsSystem) -> Parsed:
    from mailcheck.templating.velocity import VelocityTemplate

    return VelocityTemplate(
        source, tags.TagTemplate(source, is_system, tokenize, dialect="velocity")
    )


DIALECT = Dialect(
    name="velocity",
    summary="Velocity (eSputnik, Unisender Go): ${firstName|Друг}, #if($x)…#else…#end",
    parser="mailcheck.templating.dialects.velocity:parse",
    markers=regex.compile(
        r"#\{?(?:if|elseif|foreach|set)\}?\s*\(|#\{?end\b|#\{?else\b|\$!\{?[A-Za-z]"
        r"|\$\{[A-Za-z_][\w.]*(?:\|[^{}\s][^{}]*)?\}|\$[A-Za-z_]\w*\.get\("
    ),
    tags=regex.compile(r"\$!?\{[A-Za-z_][^{}\n]{0,200}\}|\$![A-Za-z_][\w.]*|#(?:if|foreach)\("),
    needles=("#if", "#{", "#elseif", "#foreach", "#set", "#end", "#else", "$!", "${", ".get("),
    scan_needles_first=False,
    system_variables=frozenset(
        {"unsubscribe", "unsubscribeUrl", "unsubscribe_url", "webversion", "webVersionUrl"}
    ),
    # the loop's own counters: $velocityCount (Velocity 1.x, eSputnik's examples), $foreach.count
    builtins=frozenset({"velocityCount", "velocityHasNext", "foreach"}),
    unsubscribe=("$unsubscribe", "${unsubscribe_url}"),
    unsubscribe_pattern=regex.compile(r"\$!?\{?unsubscribe", regex.I),
    platforms={"esputnik": frozenset(), "unisender-go": frozenset()},
    sources=(
        "eSputnik: Velocity — personalization and fallback values",
        "Unisender Go: Template engines — Velocity",
        "Apache Velocity: User Guide",
    ),
)
