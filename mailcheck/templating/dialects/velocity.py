"""Apache Velocity as eSputnik and Unisender Go write it.

``$name``, ``$!name`` (prints nothing when empty: not a fallback), ``${name|'друг'}`` and
eSputnik's unquoted ``${firstName|Друг}`` fallbacks, ``$!data.get('x')``,
``#if($name)…#elseif(…)…#else…#end`` (a test that ``$x != ""``, ``$x && …`` or
``$x.size() > 0`` guards x), ``#foreach($item in $items)…#end``, ``#set`` (a copy of a variable,
``#set($n = $!data.firstName)``, is that variable; a text set into it its fallback), ``## …``
and ``#* … *#`` comments; a method called on a value (``$x.size()``) reads x. Sources:
eSputnik's help "Velocity: personalization and fallback values" and "Unsubscribe link"
(``$unsubscribe``, ``$webversion``), Unisender Go's "Template engines: Velocity"
(``${unsubscribe_url}``), and the Apache Velocity "User Guide" (alternate values
``${a|'b'}``, quiet references).

A reference without "!" (``$x``, ``${x}``, ``$data.get('total')``) that has no value prints
itself, as written (the User Guide's "Quiet Reference Notation"): findings say so and quote the
tag as written. On eSputnik, ``$data`` is the data of the event the site sends to trigger the
message (``$!data.get('orderNumber')``): filled by the site's code, read as 1C-Bitrix's mail
event is (``platform_events``).

Rendering and syntax errors are airspeed's, a maintained Python implementation of Velocity
(mailcheck.templating.velocity); the tags are read here for the variables, their fallbacks and
guards.
"""

from collections.abc import Iterator
from dataclasses import replace

import regex

from mailcheck.i18n import N_
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
# a method called on a value ($x.size(), $name.toUpperCase()): the value is the variable
_CALL = regex.compile(r"\.[A-Za-z_]\w*\(.*$", regex.S)
_REFERENCE = (
    r"\$!?\{?([A-Za-z_]\w*(?:\.get\([^()]*\)|\.[A-Za-z_]\w*(?![\w(]))*)"
    r"(?:\.[A-Za-z_]\w*\([^()]*\))?\}?"
)
_EMPTY = r"(?:\"\"|''|\$null)"
# what a condition may say of one variable: it is filled (or, negated, empty)
_FILLED = regex.compile(
    rf"(?P<not>!\s*)?{_REFERENCE}"
    rf"|{_REFERENCE}\s*(?P<op>!=|==|ne|eq)\s*{_EMPTY}|{_EMPTY}\s*(?P<op2>!=|==|ne|eq)\s*{_REFERENCE}"
    rf"|{_REFERENCE}\s*(?:>|gt)\s*0"
)


def _name(reference: str) -> str:
    return _CALL.sub("", _GET.sub(r".\1", reference.strip())).rstrip(".")


def _test(args: str, kind: Kind, line: int, raw: str) -> Token:
    """``#if($x)``, ``#if($x != "")``, ``#if($x && $x.size() > 0)``: the variable the test
    says is filled (negated: empty); a test of anything else names none."""
    inner = args.strip()[1:-1].strip() if args else ""
    for part in regex.split(r"\s*(?:&&|\band\b)\s*", inner):
        m = _FILLED.fullmatch(part.strip())
        if m is None:
            continue
        name = next(g for g in m.groups()[1:] if g and g not in ("!=", "==", "ne", "eq"))
        op = m.group("op") or m.group("op2")
        negate = bool(m.group("not")) or op in ("==", "eq")
        if negate and len(regex.split(r"&&|\band\b", inner)) > 1:
            continue  # "empty and something else": its else branch says nothing of x
        return Token(kind, line, raw, _name(name), negate=negate, block="if")
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
            rf"\(\s*\$!?\{{?(\w+)\}}?\s+in\s+(?:{_REFERENCE}|\S)", m.group("args") or ""
        )
        if loop and directive == "foreach":
            source = _name(loop.group(2) or "")
            return Token("for", line, raw, loop.group(1), source=source, block="for")
        return Token("for", line, raw, "", block="for")
    if directive == "set":
        return _set(m.group("args") or "", line, raw)
    if directive is not None:
        return Token("skip", line, raw)  # parse, include …: print nothing here
    groups = m.groupdict()
    field = groups.get("field") or groups.get("plain")
    if field:
        # eSputnik's %FIRSTNAME% and %FIRSTNAME|друг% (an empty fallback, %FIRSTNAME|%, is
        # none: the field prints empty), quoted as written
        written = groups.get("pfb")
        fallback = written.strip() if written is not None else None
        return Token(
            "var",
            line,
            raw,
            field,
            fallback=fallback or None,
            shown=raw,
            blank_fallback=written is not None and not fallback,
        )
    reference = m.group("braced") or m.group("bare") or ""
    fallback = m.group("fb")
    if fallback is not None:
        fallback = fallback.strip().strip("'\"")
    # a reference without "!" that has no value prints itself, as written ("Сумма:
    # $data.get('total') ₽"): Velocity's User Guide, "Quiet Reference Notation"
    return Token(
        "var",
        line,
        raw,
        _name(reference),
        fallback=fallback,
        shown=raw,
        literal=not m.group("quiet") and fallback is None,
    )


def _set(args: str, line: int, raw: str) -> Token:
    """``#set($n = $!data.firstName)`` (a copy: ``source``) or ``#set($n = "друг")`` (a value:
    ``fallback``); anything else leaves ``$n`` the template's own."""
    m = regex.fullmatch(r"\(\s*\$!?\{?(\w+)\}?\s*=\s*(.*?)\s*\)", args.strip(), regex.S)
    if m is None:
        return Token("skip", line, raw)
    copied = regex.fullmatch(_REFERENCE, m.group(2))
    if copied:
        return Token("set", line, raw, m.group(1), source=_name(copied.group(1)))
    literal = regex.fullmatch(r"\"([^\"]*)\"|'([^']*)'", m.group(2))
    value = next((g for g in literal.groups() if g is not None), None) if literal else None
    return Token("set", line, raw, m.group(1), fallback=value)


def _with_copies(tokens: Iterator[Token]) -> Iterator[Token]:
    """A name ``#set`` copies a variable into (``#set($n = $!data.firstName)``) is that
    variable: printing or testing ``$n`` prints or tests it, and a text set into the copy
    (``#if($n == "")#set($n = "друг")#end``) is its fallback."""
    copies: dict[str, str] = {}
    fallbacks: dict[str, str] = {}
    pending: list[Token] = []
    for token in tokens:
        if token.kind == "set" and token.source:
            copies[token.name] = token.source
            continue
        if token.kind == "set" and token.name in copies:
            if token.fallback is not None:
                fallbacks[token.name] = token.fallback
            continue
        pending.append(token)
    for token in pending:  # a fallback set after the test that guards it counts as well
        root, dot, rest = token.name.partition(".")
        if token.kind in ("var", "if", "elif") and root in copies:
            name = copies[root] + dot + rest
            fallback = token.fallback if token.fallback is not None else fallbacks.get(root)
            if token.kind != "var":
                fallback = None
            # the copy's name ($n) is not the variable's: quote the variable
            token = replace(token, name=name, fallback=fallback, shown="", literal=False)
        yield token


def tokenize(source: str) -> Iterator[Token]:
    return _with_copies(tags.scan(source, _TAG, _classify))


def _tokenize_esputnik(source: str) -> Iterator[Token]:
    """Velocity with eSputnik's ``%FIRSTNAME%`` fields, read as written (the render reads
    them as the references :func:`_esputnik_fields` makes of them)."""
    return _with_copies(tags.scan(source, _ESPUTNIK_TAG, _classify))


# eSputnik's contact fields, written %FIRSTNAME% beside its Velocity (eSputnik's help
# "Personalization and Dynamic Variables",
# https://esputnik.com/en/support/personalization-and-dynamic-variables: the field's value from
# the contact card, substituted only when the field is filled); with a fallback, %FIRSTNAME|друг%
# (what Stripo, eSputnik's editor, inserts: %FIRSTNAME|%, an empty one). That form is eSputnik's
# alone (DashaMail's %NAME% has no inline fallback; a percent-escape is two hex digits, never
# three capitals and a "|"): a template with it is eSputnik's Velocity even without
# esp = "esputnik", and its %FIRSTNAME% fields are eSputnik's then, not DashaMail's.
_ESPUTNIK_FIELD = regex.compile(tags.PERCENT_FIELD)
# Not a percent sign after a number ("30 %" is how Russian typography writes 30%: «Скидка
# 30 %ВСЁ|ДЛЯ ДОМА до 50 %») nor a fallback ending in a space (one before a closing "%")
ESPUTNIK_FALLBACK = (
    r"(?<![%\w])(?<!\d[ \u00a0\u202f])%(\p{Lu}[\p{Lu}\d_]{2,60})"
    r"\|((?:[^%|{}\n]{0,79}[^%|{}\s])?)%"
)
_ESPUTNIK_FALLBACK = regex.compile(ESPUTNIK_FALLBACK)
# Velocity's tags and eSputnik's fields, as :func:`_esputnik_fields` reads them
_ESPUTNIK_TAG = regex.compile(
    rf"{_TAG.pattern}"
    r"|(?<![%\w])(?<!\d[ \u00a0\u202f])%(?P<field>\p{Lu}[\p{Lu}\d_]{2,60})"
    r"\|(?P<pfb>(?:[^%|{}\n]{0,79}[^%|{}\s])?)%"
    r"|(?<![%\w])%(?P<plain>\p{Lu}[\p{Lu}\d_]{2,60})%(?![%\w])",
    regex.S,
)


def _esputnik_fields(source: str) -> str:
    """eSputnik's ``%FIRSTNAME%`` as the Velocity reference ``${FIRSTNAME}`` it stands for, and
    ``%FIRSTNAME|друг%`` as ``${FIRSTNAME|друг}``: a recipient's field like any other, its
    fallback read (an empty one is none), on the same line."""
    if "%" not in source:
        return source

    def with_fallback(m: regex.Match[str]) -> str:
        fallback = m.group(2).strip()
        return "${" + m.group(1) + (f"|{fallback}" if fallback else "") + "}"

    return _ESPUTNIK_FIELD.sub(
        lambda m: "${" + m.group(1) + "}", _ESPUTNIK_FALLBACK.sub(with_fallback, source)
    )


def parse(source: str, is_system: IsSystem) -> Parsed:
    from mailcheck.templating.velocity import VelocityTemplate

    if getattr(is_system, "platform", None) == "esputnik":
        return VelocityTemplate(
            _esputnik_fields(source),
            tags.TagTemplate(source, is_system, _tokenize_esputnik, dialect="velocity"),
        )
    return VelocityTemplate(
        source, tags.TagTemplate(source, is_system, tokenize, dialect="velocity")
    )


DIALECT = Dialect(
    name="velocity",
    summary="Velocity (eSputnik, Unisender Go): ${firstName|Друг}, #if($x)…#else…#end",
    parser="mailcheck.templating.dialects.velocity:parse",
    markers=regex.compile(
        r"#\{?(?:if|elseif|foreach|set)\}?\s*\(|#\{?end\b|#\{?else\b|\$!\{?[A-Za-z]"
        # ${Recipient.FirstName} and ${Mailing.…} are Mindbox's names (its help «Шаблонизатор»
        # writes them without spaces too): Mindbox's marker, not Velocity's
        r"|\$\{(?!(?:Recipient|Mailing)\.)[A-Za-z_][\w.]*(?:\|[^{}\s][^{}]*)?\}"
        r"|\$[A-Za-z_]\w*\.get\("
    ),
    # any tag of it, eSputnik's %FIRSTNAME|друг% too: left in a sent test send, PER003
    tags=regex.compile(
        r"\$!?\{[A-Za-z_][^{}\n]{0,200}\}|\$![A-Za-z_][\w.]*|#(?:if|foreach)\("
        rf"|{ESPUTNIK_FALLBACK}"
    ),
    needles=("#if", "#{", "#elseif", "#foreach", "#set", "#end", "#else", "$!", "${", ".get(", "%"),
    scan_needles_first=False,
    system_variables=frozenset(
        {"unsubscribe", "unsubscribeUrl", "unsubscribe_url", "webversion", "webVersionUrl"}
    ),
    # the loop's own counters: $velocityCount (Velocity 1.x, eSputnik's examples), $foreach.count
    builtins=frozenset({"velocityCount", "velocityHasNext", "foreach"}),
    unsubscribe=("$unsubscribe", "${unsubscribe_url}"),
    unsubscribe_pattern=regex.compile(r"\$!?\{?unsubscribe", regex.I),
    platforms={"esputnik": frozenset(), "unisender-go": frozenset()},
    platform_markers={"esputnik": _ESPUTNIK_FALLBACK},
    platform_embeds={"esputnik": ("dashamail",)},
    # a trigger message's $data.get('orderNumber'): the parameters of the event the site sends
    # to eSputnik, filled by the site's code as 1C-Bitrix's mail event fills its macros
    platform_events={
        "esputnik": (
            regex.compile(r"^data\."),
            N_("the event the site sends to eSputnik to trigger the message"),
        )
    },
    sources=(
        "eSputnik: Velocity — personalization and fallback values",
        "Unisender Go: Template engines — Velocity",
        "Apache Velocity: User Guide",
    ),
)
