"""A small shared engine for merge-tag languages that no maintained Python package reads.

Mindbox's Quokka, Sendsay's, Unisender's, DashaMail's, 1C-Bitrix's, Mautic's, MailerLite's,
Go templates and PHP echo tags all come down to the same few constructs: text, a variable
(maybe with a fallback), an if/else block on a variable, a loop, and statements that print
nothing. Each dialect module turns its tags into :class:`Token` values (its *tokenizer*); this
module checks that blocks nest (a :class:`TemplateError` with the line otherwise), lists the
variable uses with their fallbacks and guards, and renders a sample. The one place a dialect
built on it renders is :meth:`TagTemplate.render`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import regex

from mailcheck.i18n import t
from mailcheck.templating.core import IsSystem, TemplateError, Use

Kind = Literal["text", "var", "if", "elif", "else", "end", "for", "skip", "set"]


@dataclass(frozen=True)
class Token:
    kind: Kind
    line: int = 0
    text: str = ""  # "text": the text; any other: the tag as written (for messages)
    # "var": the variable; "if"/"elif": the variable tested ("" = unknown test); "set": the
    # name assigned (a template's own from there on)
    name: str = ""
    fallback: str | None = None  # "var": printed when empty; "set": assigned when ``source`` is
    negate: bool = False  # "if"/"elif": true when the variable is empty
    # "if"/"elif": a test for null alone (Quokka's x != null): "" passes it, so it guards
    # nothing, and whether an empty value is null is not known: that branch is not a claim
    null_test: bool = False
    source: str = ""  # "for": the list looped over (name is the loop's item); "set": the value
    block: str = ""  # "if"/"for"/"end": which block, so that an end closes the right one
    fallback_in_links: bool = True  # False: the ESP ignores the fallback inside a URL
    prints: str = ""  # "skip": what the statement prints (usually nothing)
    computed: bool = False  # "var": a call of the application's code (PHP's getShortName())
    # "var": the tag as a finding quotes it, where the name is not what a search finds
    # (Velocity's $data.get('total') reads data.total); "" to quote the name
    shown: str = ""
    # "var": printed as written when the value is missing (Velocity's $x, not the quiet $!x)
    literal: bool = False
    # "var": a fallback written empty, which the ESP reads as none (eSputnik's %FIRSTNAME|%)
    blank_fallback: bool = False


Tokenizer = Callable[[str], Iterator[Token]]


# %NAME%: an ESP's field written between percent signs (DashaMail, eSputnik): upper case and at
# least three characters, so that a percent-escape (%E2%80%94) is never one
PERCENT_FIELD = r"(?<![%\w])%(\p{Lu}[\p{Lu}\d_]{2,60})%(?![%\w])"


_ASSIGNMENT = regex.compile(r"^\s*([A-Za-z_][\w.]*)\s*=\s*(.+?)\s*$", regex.S)
_QUOTED = regex.compile(r"^(?:'([^']*)'|\"([^\"]*)\")$")


def assignment(text: str) -> tuple[str, str, str | None] | None:
    """``name = value`` of a dialect's set instruction (Sendsay's ``[% SET … %]``, Mindbox's
    ``@{ set … }``): the name, the value as written, and its text when the value is a quoted
    literal; None when ``text`` is no assignment."""
    m = _ASSIGNMENT.match(text)
    if m is None:
        return None
    quoted = _QUOTED.match(m.group(2))
    text_of = None if quoted is None else next(g for g in quoted.groups() if g is not None)
    return m.group(1), m.group(2), text_of


def scan(
    source: str,
    pattern: regex.Pattern[str],
    classify: Callable[[regex.Match[str], int], Token],
    openers: tuple[str, ...] = (),
    *,
    nested: bool = False,
    closers: tuple[str, ...] = (),
) -> Iterator[Token]:
    """Text between the tags ``pattern`` finds, and each tag as ``classify`` reads it.

    ``openers``: how a tag of the language starts (``[%``). An opener left in the text is a
    tag never closed, and, in a language whose tags never nest (``nested`` False), one inside
    a tag means the tag ran on into the next one (``[% name ]!</p><a href="[% param.url_unsub
    %]``): either way the ESP reads something else than was meant, a syntax error
    (:func:`unclosed_tag`).

    ``closers``: how every tag of ``pattern`` ends (``%]``). No tag ends after the last of
    them, so the search stops there: ``.*?`` reads from an opening never closed to the end of
    the text, from each such opening again (200 KB of ``[%`` held a check for hours)."""
    pos, line, counted = 0, 1, 0
    end = max((source.rfind(c) + len(c) for c in closers if c in source), default=0)
    for m in pattern.finditer(source, 0, end if closers else len(source)):
        line += source.count("\n", counted, m.start())
        counted = m.start()
        if m.start() > pos:
            text = source[pos : m.start()]
            if openers:
                unclosed_tag(text, openers, line - text.count("\n"))
            yield Token("text", text=text)
        if openers and not nested and not m.group(0).startswith(_COMMENT_OPENERS):
            unclosed_tag(m.group(0), openers, line, skip=1)
        yield classify(m, line)
        pos = m.end()
    if pos < len(source):
        if openers:
            unclosed_tag(source[pos:], openers, line + source.count("\n", counted, pos))
        yield Token("text", text=source[pos:])


# Comments may quote a tag: "@{* was ${ Recipient.Name } *}" (Quokka) is no tag run on
_COMMENT_OPENERS = ("@{*",)


def unclosed_tag(text: str, openers: tuple[str, ...], line: int, skip: int = 0) -> None:
    """Raises :class:`TemplateError` at the first opener in ``text`` from ``skip`` on (a tag
    run on into the next one: ``skip=1``, shown up to the next one's opener); ``line`` is the
    line ``text`` starts on."""
    found = [at for at in (text.find(o, skip) for o in openers) if at >= 0]
    if not found:
        return
    at = min(found)
    if skip:  # the whole tag up to where the next one starts
        start, written = 0, text[:at]
    else:  # the rest of the opener's line, up to the markup after it
        start, written = at, text[at:].split("\n", 1)[0].split("<", 1)[0]
    where = line + text.count("\n", 0, start)
    closer = _CLOSERS.get(next(o for o in openers if text.startswith(o, at)), "")
    end = written.find(closer, 2) if closer and not skip else -1
    if end > 0:
        # closed, but not as the language writes a tag (*|FNAME|друг|*: Mailchimp has no
        # fallback; {{Имя}}: a field name it does not read): the reader sees it as written
        shown = " ".join(written[: end + len(closer)].split())
        raise TemplateError(
            t("the tag “{tag}” is not written as the template language reads it", tag=shown),
            where,
        )
    shown = " ".join(written.split())
    if skip or len(shown) > 40:
        shown = shown[:40].rstrip() + "…"
    raise TemplateError(t("the tag “{tag}” is never closed", tag=shown), where)


# How a tag that starts so ends, where the dialect's pattern did not take it as one
_CLOSERS = {"{{": "}}", "[%": "%]", "${": "}", "@{": "}", "*|": "|*"}


@dataclass
class _If:
    line: int
    block: str
    tag: str  # the opening tag as written (for messages)
    branches: list[tuple[Token, list[object]]] = field(default_factory=list)
    otherwise: list[object] | None = None


@dataclass
class _For:
    line: int
    block: str
    item: str
    source: str
    tag: str  # the opening tag as written (for messages)
    body: list[object] = field(default_factory=list)
    otherwise: list[object] | None = None  # {{ range … }}…{{ else }}: printed for no items


def _never_closed(block: _If | _For, dialect: str, closer: str) -> TemplateError:
    """The error of a block never closed, naming its opening tag as written ("[% IF
    anketa.custom.city %]") and, when the dialect says it, the tag that would close it."""
    tag = " ".join(block.tag.split())
    if len(tag) > 60:
        tag = tag[:60].rstrip() + "…"
    if not tag:  # a tokenizer that keeps no text of its tags
        return TemplateError(
            t("{dialect}: the {block} block is never closed", dialect=dialect, block=block.block),
            block.line,
        )
    if closer:
        message = t(
            "{dialect}: “{tag}” on line {line} is never closed with “{closer}”",
            dialect=dialect,
            tag=tag,
            line=block.line,
            closer=closer,
        )
    else:
        message = t(
            "{dialect}: “{tag}” on line {line} is never closed",
            dialect=dialect,
            tag=tag,
            line=block.line,
        )
    return TemplateError(message, block.line)


class TagTemplate:
    """A template part parsed from a dialect's tokens."""

    def __init__(
        self,
        source: str,
        is_system: IsSystem,
        tokenizer: Tokenizer,
        *,
        case_insensitive: bool = False,
        dialect: str = "template",
        closers: Mapping[str, str] | None = None,
    ) -> None:
        self.case_insensitive = case_insensitive
        self.body: list[object] = []
        stack: list[tuple[_If | _For, list[object]]] = []
        current = self.body
        for token in tokenizer(source):
            if token.kind in ("text", "var", "skip", "set"):
                current.append(token)
            elif token.kind == "if":
                block = _If(token.line, token.block or "if", token.text, [(token, [])])
                current.append(block)
                stack.append((block, current))
                current = block.branches[0][1]
            elif token.kind == "for":
                loop = _For(token.line, token.block or "for", token.name, token.source, token.text)
                current.append(loop)
                stack.append((loop, current))
                current = loop.body
            elif token.kind == "else" and stack and _loop_without_else(stack[-1][0]):
                open_loop = stack[-1][0]
                open_loop.otherwise = []  # Go's range … else, Liquid-like for … else
                current = open_loop.otherwise
            elif token.kind in ("elif", "else"):
                top = stack[-1][0] if stack else None
                if not isinstance(top, _If) or top.otherwise is not None:
                    raise TemplateError(
                        t(
                            "{dialect}: {tag} outside an if block",
                            dialect=dialect,
                            tag=repr(token.text),
                        ),
                        token.line,
                    )
                if token.kind == "elif":
                    top.branches.append((token, []))
                    current = top.branches[-1][1]
                else:
                    top.otherwise = []
                    current = top.otherwise
            elif token.kind == "end":
                if not stack:
                    raise TemplateError(
                        t(
                            "{dialect}: {tag} closes no open block",
                            dialect=dialect,
                            tag=repr(token.text),
                        ),
                        token.line,
                    )
                top = stack[-1][0]
                if token.block and token.block != top.block:
                    raise TemplateError(
                        t(
                            "{dialect}: {tag} closes the {block} block opened on line {line}",
                            dialect=dialect,
                            tag=repr(token.text),
                            block=top.block,
                            line=top.line,
                        ),
                        token.line,
                    )
                current = stack.pop()[1]
        if stack:
            top = stack[-1][0]
            raise _never_closed(top, dialect, (closers or {}).get(top.block, ""))
        self.uses: list[Use] = []
        # tests mailcheck cannot read (line, tag): which branch a recipient gets is not known,
        # so what the block prints is not verified (PER007 says so), never guessed
        self.unread: list[tuple[int, str]] = []
        self._collect(self.body, frozenset(), frozenset())

    def _collect(
        self,
        body: list[object],
        guards: frozenset[str],
        local: frozenset[str],
        unsure: bool = False,
        nulls: Mapping[str, str] | None = None,
    ) -> None:
        """``unsure``: inside a branch of a test mailcheck cannot read, which may guard any
        name: none is reported as unguarded. ``nulls``: the names tested for null alone here
        (Quokka's ``x != null``), with the test as written: an empty value passes it, so it
        guards nothing, and PER001 says which guard the author wrote and why it is none."""
        nulls = nulls or {}
        for item in body:
            if isinstance(item, Token) and item.kind == "set":
                if item.source and _root(item.source) not in local:
                    # what it is assigned from is read here, with the assignment's fallback
                    self.uses.append(self._use(item, item.source, guards, unsure, nulls))
                local = local | {_root(item.name)}  # the template's own name from here on
            elif isinstance(item, Token) and item.kind == "var":
                if _root(item.name) not in local:
                    self.uses.append(self._use(item, item.name, guards, unsure, nulls))
            elif isinstance(item, _If):
                earlier: set[str] = set()
                earlier_nulls: dict[str, str] = {}
                # (what follows the block is as sure as what precedes it)
                outer, unsure = unsure, unsure
                for test, branch in item.branches:
                    if not test.name:  # this branch and those after it: not known
                        unsure = True
                        self.unread.append((test.line, test.text))
                    if test.name and _root(test.name) not in local:
                        self.uses.append(Use(test.name, test.line, guarded=True))
                    guarding = test.name and not test.null_test
                    sure = {self._key(test.name)} if guarding and not test.negate else set()
                    null = test.name and test.null_test
                    here = nulls
                    if null and not test.negate:  # x != null: this branch has a non-null x
                        here = {**nulls, self._key(test.name): test.text}
                    self._collect(branch, guards | sure, local, unsure, here)
                    if guarding and test.negate:
                        earlier.add(self._key(test.name))
                    if null and test.negate:  # x = null: the branches after it have a non-null x
                        earlier_nulls[self._key(test.name)] = test.text
                if item.otherwise is not None:
                    self._collect(
                        item.otherwise, guards | earlier, local, unsure, {**nulls, **earlier_nulls}
                    )
                unsure = outer
            elif isinstance(item, _For):
                if item.source and _root(item.source) not in local:
                    # an empty list prints nothing: the loop needs no fallback
                    self.uses.append(Use(item.source, item.line, guarded=True))
                self._collect(item.body, guards, local | {_root(item.item)}, unsure, nulls)
                if item.otherwise is not None:
                    self._collect(item.otherwise, guards, local, unsure, nulls)

    def _use(
        self,
        item: Token,
        name: str,
        guards: frozenset[str],
        unsure: bool = False,
        nulls: Mapping[str, str] | None = None,
    ) -> Use:
        """``name`` read by ``item`` (a "var", or the source of a "set"), with its fallback."""
        guarded = unsure or self._key(name) in guards
        return Use(
            name,
            item.line,
            has_fallback=item.fallback is not None,
            guarded=guarded,
            fallback=item.fallback,
            fallback_in_links=item.fallback_in_links,
            null_guard="" if guarded else (nulls or {}).get(self._key(name), ""),
            computed=item.computed and item.kind == "var",
            tag=item.shown,
            literal_if_missing=item.literal and item.kind == "var" and item.fallback is None,
            blank_fallback=item.blank_fallback,
        )

    def _key(self, name: str) -> str:
        return name.lower() if self.case_insensitive else name

    def _assigned(self, item: Token, values: Mapping[str, object]) -> object:
        """What a "set" gives its name: the source's value, else the fallback."""
        if not item.source:
            return item.fallback if item.fallback is not None else _not_read(item.name)
        value = values.get(self._key(item.source))
        if _text(value).strip() or item.fallback is None:
            return value
        return item.fallback

    def render(self, values: Mapping[str, object]) -> str:
        """The part with ``values`` (flat dotted names); missing names render empty."""
        lookup = {self._key(k): v for k, v in values.items()}
        out: list[str] = []
        self._render(self.body, lookup, out)
        return "".join(out)

    def _render(
        self,
        body: list[object],
        values: Mapping[str, object],
        out: list[str],
        unsure: bool = False,
    ) -> None:
        """``unsure``: in a branch taken after a test mailcheck cannot read: that branch is a
        guess, so an empty value prints a plain word there (a recipient may never see it
        empty), never a broken "Здравствуйте, !" claimed for a sample."""
        for item in body:
            if isinstance(item, Token):
                if item.kind == "set":  # from here on (and in the blocks below) it holds this
                    values = {**values, self._key(item.name): self._assigned(item, values)}
                elif item.kind == "var":
                    text = _text(values.get(self._key(item.name)))
                    if not text.strip() and item.fallback is None and unsure:
                        text = _not_read(item.name)
                    out.append(text if text.strip() or item.fallback is None else item.fallback)
                elif item.kind == "text":
                    out.append(item.text)
                else:
                    out.append(item.prints)
            elif isinstance(item, _If):
                guessed = unsure
                for test, branch in item.branches:
                    # an unread test is taken as false, a null test as the value says: a guess
                    guessed = guessed or not test.name or test.null_test
                    value = values.get(self._key(test.name))
                    holds = value is not None if test.null_test else _truthy(value)
                    if test.name and holds != test.negate:
                        self._render(branch, values, out, guessed)
                        break
                else:
                    if item.otherwise is not None:
                        self._render(item.otherwise, values, out, guessed)
            elif isinstance(item, _For):
                items = values.get(self._key(item.source))
                if isinstance(items, Sequence) and not isinstance(items, str) and items:
                    for element in items:
                        scoped = dict(values)
                        # the element's own keys as lookups are written ("Url" read as url)
                        flat = _flatten(item.item, element)
                        scoped.update({self._key(k): v for k, v in flat.items()})
                        self._render(item.body, scoped, out, unsure)
                elif item.otherwise is not None:
                    self._render(item.otherwise, values, out, unsure)


def _not_read(name: str) -> str:
    """What an assignment mailcheck cannot evaluate holds: a plain word, never "" (an empty
    value would print "Привет, !" that no recipient gets)."""
    return name.rsplit(".", 1)[-1] or "value"


def _loop_without_else(block: object) -> bool:
    return isinstance(block, _For) and block.otherwise is None


def _root(name: str) -> str:
    return regex.split(r"[.\[]", name, maxsplit=1)[0]


def _text(value: object) -> str:
    return "" if value is None or value is False else str(value)


def _truthy(value: object) -> bool:
    return bool(_text(value).strip()) and value not in (0, "0")


def _flatten(prefix: str, value: object) -> dict[str, object]:
    if isinstance(value, Mapping):
        out: dict[str, object] = {prefix: value}
        for k, v in value.items():
            out.update(_flatten(f"{prefix}.{k}", v))
        return out
    return {prefix: value}


def parser(
    tokenizer: Tokenizer,
    *,
    case_insensitive: bool = False,
    dialect: str = "template",
    closers: Mapping[str, str] | None = None,
) -> Callable[[str, IsSystem], TagTemplate]:
    """A dialect's ``parse`` function over its tokenizer. ``closers``: how the language
    writes the tag that ends each block ("if": "[% END %]"), named when one is missing."""

    def parse(source: str, is_system: IsSystem) -> TagTemplate:
        return TagTemplate(
            source,
            is_system,
            tokenizer,
            case_insensitive=case_insensitive,
            dialect=dialect,
            closers=closers,
        )

    return parse
