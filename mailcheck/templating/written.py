"""The written line of each line of a rendered HTML: where a finding's element is in the template.

A template's HTML is parsed once rendered, so the parse's lines are the rendered text's: after a
loop that repeats lines, an include, or a block that renders nothing, every later element would
be named at a line of a text nobody wrote. The renderer renders the HTML once more from a copy of
its template with markers in its text (:func:`mark`): before the first and after the last token
of each written line, a pair of Unicode noncharacters (U+FDD0, U+FDD1: never text of a message,
set aside for such internal use) around "o" (open) or "c" (close) and the line's number. The
engines print text as written, markers too, in the order they print it: a rendered line whose
markers are all one written line's, and whose other text stands between that line's "open" and
"close" (what its tags print: a value of several lines, a partial), is that written line's
(:class:`WrittenLines`), however often a loop printed it. A rendered line with text of several
written lines (whitespace control joins them), or text printed outside any line's markers, has
no written line: 0, no place named rather than a wrong one.

Markers go only where they change nothing but themselves: never inside a tag, nor beside a tag
that trims the white space around it (``{%-``, ``{{~``), a Handlebars block, partial or comment
tag (alone on its line, the line goes with it), a Mailchimp block, or a Liquid tag (a block
that prints white space alone prints nothing). Jinja here trims no line of its own. Nor inside
a block whose text the template keeps as a value, which it may test, measure or change
(:data:`_VALUE_BLOCKS`). Beside text, a marker stops a neighbour's trimming exactly where the
text's own first character did: the rendered text without its markers is the render (checked
by length and line count; a render that differs has no written lines).

A campaign's partials (``{% include "partials/footer.html" %}``) are marked too when the HTML's
marked copy reads them (:func:`mark_partial`, :func:`mailcheck.templating.partials.marking`),
with their own lines numbered apart from the HTML's (:data:`~mailcheck.model.LINES_APART`):
an element a partial prints is at that file's line. Its markers stand inside those of the
line that pulls it in, when that line has any: a rendered line is the partial's when all its
text is (:func:`_line_of_several`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TypeVar

from mailcheck.model import (
    LINES_APART,
    Document,
    HiddenHow,
    HiddenPreview,
    Image,
    Link,
    StrippedElement,
    TextApart,
)

_Placed = TypeVar("_Placed", Link, Image, StrippedElement)

# the dialects whose tags are read here: their engines print the text between tags as it is
MARKED_DIALECTS = frozenset({"jinja", "liquid", "handlebars", "mailchimp"})

_MARK_START, _MARK_END = "\ufdd0", "\ufdd1"
_NONCHARACTERS = re.compile("[\ufdd0-\ufdef]")
_MARKER = re.compile("\ufdd0([oc])(\\d+)\ufdd1")
# a line: its text from the first character to the last that is not white space (group 1)
_LINE = re.compile(r"[ \t\r\f\v]*((?:[^\n]*[^\n \t\r\f\v])?)[ \t\r\f\v]*(?:\n|\Z)")

# Each dialect's tags as its engine reads them (comments too): (opening, closing), in the order
# they are tried where several open at one place; a tag ends at the first closing after its
# opening. Which of them print a value and leave the white space around them alone: a marker
# may stand beside those
_TAGS: dict[str, tuple[tuple[str, str], ...]] = {
    "jinja": (("{{", "}}"), ("{%", "%}"), ("{#", "#}")),
    "liquid": (("{{", "}}"), ("{%", "%}")),
    "handlebars": (("{{!--", "--}}"), ("{{{", "}}}"), ("{{", "}}")),
    "mailchimp": (("*|", "|*"),),
}
_PLAIN = {
    # (Jinja here trims no block's line: no trim_blocks, no lstrip_blocks.) Liquid prints
    # nothing of a block (if, for, case…) whose text renders to white space alone and that
    # holds no output tag: a marker beside one of its tags would make it print that white
    # space. Beside its text or an output tag, the block prints anyway
    "jinja": re.compile(r"\{([{%#])(?!-).*(?<!-)[}%#]\}", re.S),
    "liquid": re.compile(r"\{\{(?!-).*(?<!-)\}\}", re.S),
    "handlebars": re.compile(r"\{\{\{?(?![~#/^>!&]|\s*else\b).*(?<!~)\}?\}\}", re.S),
    "mailchimp": re.compile(r"\*\|(?!(?:IF|ELSE|ELSEIF|END|IFNOT|INTERESTED)\b).*\|\*", re.S),
}
# Tags that may print another number of lines than they take, or none: blocks, includes, tags
# written over several lines. Without one (and with as many lines rendered as written), every
# rendered line is its written line.
# Blocks whose text the engine keeps as a value instead of printing it: a marker inside would
# be part of the value, which the template may then test ("{% if greeting == blank %}"),
# measure or change ("| length", "| upper"), and the marked render would print another text.
# Jinja's block set and filter, a macro's body, a call's (the macro's ``caller()``), a recursive
# loop's (``loop(children)``), and a block's when something may call it (``self.name()``: the
# template itself, or the layout it extends); Liquid's capture.
_BLOCK_TAG = re.compile(r"\{%[-+]?\s*(\w+)\b(.*?)[-+]?%\}", re.S)


def _jinja_value(name: str, rest: str, source: str) -> bool | None:
    """Whether a Jinja block tag ``name`` keeps its text as a value; None: it opens no block
    (or not one read here)."""
    if name == "set":
        return "=" not in rest.split("|", 1)[0] or None  # (``set x = …`` has no body)
    if name in ("filter", "macro", "call"):
        return True
    if name == "block":
        return "self." in source or _EXTENDS.search(source) is not None
    if name == "for":
        return "recursive" in rest.split()
    return None


def _liquid_value(name: str, rest: str, source: str) -> bool | None:
    return True if name == "capture" else None


_EXTENDS = re.compile(r"\{%[-+]?\s*extends\b")
_VALUE_BLOCKS: dict[str, Callable[[str, str, str], bool | None]] = {
    "jinja": _jinja_value,
    "liquid": _liquid_value,
}
_STRUCTURAL = {
    "jinja": re.compile(r"\{%|\{\{[^}]*\n"),
    "liquid": re.compile(r"\{%|\{\{[^}]*\n"),
    "handlebars": re.compile(r"\{\{\{?[~\s]*[#/^>]|\{\{~?\s*else\b|\{\{[^}]*\n"),
    "mailchimp": re.compile(r"\*\|(?:IF|ELSE|ELSEIF|END|IFNOT|INTERESTED)\b", re.I),
}


def _tag_spans(source: str, pairs: tuple[tuple[str, str], ...]) -> Iterator[tuple[int, int]]:
    """The (start, end) of each tag of ``pairs`` in ``source``, left to right, as the pattern
    ``opening.*?closing|…`` would find them. Not that pattern: where an opening is never
    closed, it reads from each later opening to the end of the text again (200 KB of ``{{``
    held a check for hours); here an opening with no closing after it has none later either,
    and is no longer looked for."""
    live = list(pairs)
    next_at = [source.find(opening) for opening, _ in live]
    pos = 0
    while live:
        for i, (opening, _) in enumerate(live):
            if 0 <= next_at[i] < pos:
                next_at[i] = source.find(opening, pos)
        found = [at for at in next_at if at >= 0]
        if not found:
            return
        start = min(found)
        for i, (opening, closing) in enumerate(live):
            if next_at[i] != start:
                continue
            close = source.find(closing, start + len(opening))
            if close >= 0:
                pos = close + len(closing)
                yield start, pos
                break
            del live[i], next_at[i]  # (never closed from here on)
            break
        else:
            pos = start + 1


def unmarked(rendered: str) -> str:
    """A render of a marked template without its markers: the template's own render."""
    return _MARKER.sub("", rendered) if _MARK_START in rendered else rendered


def structural(source: str, dialect: str) -> bool:
    """Whether ``source`` may render to lines other than its own (see :data:`_STRUCTURAL`);
    True for a dialect not read here."""
    pattern = _STRUCTURAL.get(dialect)
    return pattern is None or pattern.search(source) is not None


def mark(source: str, dialect: str) -> str | None:
    """``source`` with each written line's text between its markers; None when the dialect is
    not read here, the source has no tag, or already holds a noncharacter."""
    return _marked(source, dialect, 0, tagless=False)


def mark_partial(source: str, dialect: str, number: int) -> str | None:
    """:func:`mark` of the campaign's partial ``number`` (1, 2 …): its line n is numbered
    ``number`` × :data:`~mailcheck.model.LINES_APART` + n, and a partial without a tag is marked
    too (its lines are not the HTML's); None when it cannot be marked."""
    return _marked(source, dialect, number * LINES_APART, tagless=True)


def _marked(source: str, dialect: str, offset: int, *, tagless: bool) -> str | None:
    pairs = _TAGS.get(dialect)
    if pairs is None or _NONCHARACTERS.search(source):
        return None
    plain = _PLAIN[dialect]
    tags = [
        (start, end, plain.fullmatch(source[start:end]) is not None)
        for start, end in _tag_spans(source, pairs)
    ]
    if (not tags and not tagless) or source.count("\n") >= LINES_APART:
        return None  # (a longer one's lines would read as a partial's: model.LINES_APART)
    kept = _kept_as_values(source, dialect)
    out: list[str] = []
    at = 0  # what of the source is copied to ``out``
    t = 0  # the first tag that does not end before the line's first character
    count = len(tags)
    for line, found in enumerate(_LINE.finditer(source), start=offset + 1):
        first, last = found.span(1)
        if first == last:
            continue  # a blank line
        while t < count and tags[t][1] <= first:
            t += 1
        u = t
        while u < count and tags[u][1] < last:
            u += 1
        if any(begin <= first <= end or begin <= last <= end for begin, end in kept):
            continue  # a marker would be part of a value; a line is marked whole or not at all
        if _fits(tags, t, first, at_start=True):
            out.append(source[at:first])
            out.append(f"{_MARK_START}o{line}{_MARK_END}")
            at = first
        if _fits(tags, u, last, at_start=False):
            out.append(source[at:last])
            out.append(f"{_MARK_START}c{line}{_MARK_END}")
            at = last
    out.append(source[at:])
    return "".join(out)


def value_spans(source: str, dialect: str) -> list[tuple[int, int]]:
    """The spans of ``source`` a block keeps as a value (see :data:`_VALUE_BLOCKS`)."""
    return _kept_as_values(source, dialect)


def _kept_as_values(source: str, dialect: str) -> list[tuple[int, int]]:
    """The spans of ``source`` inside blocks whose text becomes a value (see
    :data:`_VALUE_BLOCKS`): from the end of the opening tag to the start of the closing one,
    the outermost of nested ones; a block never closed reaches the end of the source."""
    value_of = _VALUE_BLOCKS.get(dialect)
    if value_of is None:
        return []
    spans: list[tuple[int, int]] = []
    open_blocks: list[tuple[str, bool]] = []  # (name, whether its text is a value)
    begin = 0  # where the outermost open value's text begins
    for m in _BLOCK_TAG.finditer(source):
        name, rest = m.group(1), m.group(2)
        if name.startswith("end"):
            names = [n for n, _ in open_blocks]
            if name[3:] not in names:
                continue  # (a block not read here, or never opened)
            was_value = any(v for _, v in open_blocks)
            del open_blocks[len(names) - 1 - names[::-1].index(name[3:]) :]
            if was_value and not any(v for _, v in open_blocks):
                spans.append((begin, m.start()))
            continue
        value = value_of(name, rest, source)
        if value is None:
            continue
        if value and not any(v for _, v in open_blocks):
            begin = m.end()
        open_blocks.append((name, value))
    if any(v for _, v in open_blocks):
        spans.append((begin, len(source)))
    return spans


def _fits(tags: list[tuple[int, int, bool]], t: int, at: int, *, at_start: bool) -> bool:
    """Whether a marker may stand at ``at``: before a line's first character (``at_start``)
    or after its last one. ``tags[t]`` is the first tag that does not end before ``at``
    (after: that does not end before ``at``'s character ends)."""
    if t >= len(tags):
        return True
    begin, end, plain = tags[t]
    if at_start:
        if at < begin:
            return True  # text
        return at == begin and plain  # a plain value's tag opens the line
    if at <= begin:
        return True  # the line's last character is text before the tag
    return at == end and plain  # a plain value's tag closes the line


class WrittenLines:
    """The written line of a line of a render (1-based; 0 when it has none, see the module's
    notes), read of the markers of ``marked`` (that render with its markers) when asked: a
    document asks only for the lines its elements and findings are on. A line's own markers
    decide it, and the markers around it: the last one before it, the first one after it."""

    __slots__ = ("_known", "_marked", "_starts")

    def __init__(self, marked: str) -> None:
        self._marked = marked
        self._starts = [0]  # where each line found so far starts
        self._known: dict[int, int] = {}

    def __call__(self, line: int) -> int:
        found = self._known.get(line)
        if found is None:
            found = self._known[line] = self._read(line)
        return found

    def _read(self, line: int) -> int:
        marked, starts = self._marked, self._starts
        while len(starts) < line:
            end = marked.find("\n", starts[-1])
            if end < 0:
                return 0  # (no such line)
            starts.append(end + 1)
        if line < 1:
            return 0
        begin = starts[line - 1]
        end = marked.find("\n", begin)
        if end < 0:
            end = len(marked)
        own = [
            (m.group(1), int(m.group(2)), m.start() - begin, m.end() - begin)
            for m in _MARKER.finditer(marked, begin, end)
        ]
        following = _MARKER.search(marked, end)
        after = (following.group(1), int(following.group(2))) if following else None
        return _line_of(marked[begin:end], own, _marker_before(marked, begin), after)


def _marker_before(marked: str, at: int) -> tuple[str, int] | None:
    """The last marker that ends before ``at`` (a line's start: no marker holds a line break)."""
    start = marked.rfind(_MARK_START, 0, at)
    while start >= 0:
        found = _MARKER.match(marked, start)
        if found is not None:
            return found.group(1), int(found.group(2))
        start = marked.rfind(_MARK_START, 0, start)  # (a noncharacter of a value's)
    return None


def _line_of(
    text: str,
    own: list[tuple[str, int, int, int]],
    previous: tuple[str, int] | None,
    following: tuple[str, int] | None,
) -> int:
    if not own:
        # text only a tag printed: written line L's if it stands between L's markers
        if previous is not None and previous[0] == "o" and following == ("c", previous[1]):
            return previous[1]
        return 0
    written = {line for _, line, _, _ in own}
    if len(written) != 1:
        return _line_of_several(text, own, previous, following)
    line = own[0][1]
    before = text[: own[0][2]]
    if before.strip() and previous != ("o", line):
        return 0  # something printed before the line's text, from elsewhere
    after = text[own[-1][3] :]
    if after.strip() and following != ("c", line):
        return 0
    return line


def _line_of_several(
    text: str,
    own: list[tuple[str, int, int, int]],
    previous: tuple[str, int] | None,
    following: tuple[str, int] | None,
) -> int:
    """The written line of a rendered line with several lines' markers. Each piece of text
    between two markers is the line's whose "open" comes before it or whose "close" comes
    after it; a line all of whose text is one line's is that line's (a partial's first line
    printed just after the marker of the line that pulls it in). Text of a line and of lines
    printed inside it (``<td>{% include "button.html" %}</td>``) is that enclosing line's,
    as it was before partials were marked; text of lines side by side (whitespace control
    joined them) has none: 0."""
    bounds = [previous, *((kind, line) for kind, line, _, _ in own), following]
    cuts = [0, *(at for _, _, start, end in own for at in (start, end)), len(text)]
    owners: set[int] = set()
    for i in range(len(own) + 1):
        if not text[cuts[2 * i] : cuts[2 * i + 1]].strip():
            continue
        left, right = bounds[i], bounds[i + 1]
        of = {m[1] for m in (left,) if m is not None and m[0] == "o"}
        of |= {m[1] for m in (right,) if m is not None and m[0] == "c"}
        if len(of) != 1:
            return 0  # text printed between two lines, or of two lines at once
        owners |= of
    if len(owners) == 1:
        return owners.pop()
    for line in owners:
        opened = next((i for i, m in enumerate(bounds) if m == ("o", line)), None)
        closed = next((i for i in range(len(bounds) - 1, -1, -1) if bounds[i] == ("c", line)), None)
        if opened is None or closed is None:
            continue
        # (the markers on the line: ``bounds`` without the ones before and after it)
        if all(opened < i < closed for i, (_, n, _, _) in enumerate(own, 1) if n != line):
            return line
    return 0


def before_tags(source: str, rendered: str, dialect: str) -> Callable[[int], int]:
    """The written lines of ``rendered`` known without markers: those before the template's
    first tag (or the first text the dialect may read as one), which render as they are."""
    count = rendered.count("\n") + 1
    pairs = _TAGS.get(dialect)
    if pairs is not None:
        first = next((start for start, _ in _tag_spans(source, pairs)), None)
    else:
        any_tag = _ANY_TAG.search(source)
        first = any_tag.start() if any_tag is not None else None
    known = min(source.count("\n", 0, first) if first is not None else count, count)
    return _UpTo(known)


class _UpTo:
    """Lines up to ``known`` are their written ones; the others have none."""

    __slots__ = ("known",)

    def __init__(self, known: int) -> None:
        self.known = known

    def __call__(self, line: int) -> int:
        return line if 0 < line <= self.known else 0


# what may open a tag of any dialect (mailcheck's or a plugin's): a brace, a bracket, a sign
_ANY_TAG = re.compile(r"[{}\[\]%#$@|]|<\?|<%")


def remapped(document: Document, at: Callable[[int], int]) -> Document:
    """``document`` (a parse of a rendered HTML) with every line it names the written one
    (``at``: :class:`WrittenLines`, :func:`before_tags`), asked for those lines alone."""

    def moved(items: list[_Placed]) -> list[_Placed]:
        # (an element whose line is its written one is kept: most are, where no loop or
        # block moved them)
        out = list(items)
        for i, item in enumerate(items):
            line = item.line
            if line and at(line) != line:
                out[i] = replace(item, line=at(line))
        return out

    return replace(
        document,
        links=moved(document.links),
        srcset=moved(document.srcset),
        stylesheet=moved(document.stylesheet),
        images=moved(document.images),
        stripped=moved(document.stripped),
        suppressions=[
            replace(s, line=at(s.line), first=at(s.first), last=at(s.last))
            for s in document.suppressions
        ],
        late_preheader=(
            (document.late_preheader[0], at(document.late_preheader[1]), document.late_preheader[2])
            if document.late_preheader is not None
            else None
        ),
        unclosed_comment=(
            replace(document.unclosed_comment, line=at(document.unclosed_comment.line))
            if document.unclosed_comment is not None
            else None
        ),
        written_lines=at,
    )


def as_partial(document: Document, number: int) -> Document:
    """``document`` (the parse of the campaign's partial ``number`` as written) with each line
    it names numbered as that partial's (:data:`~mailcheck.model.LINES_APART`): what rules
    read of the template as written (its accessibility facts, the elements mail clients
    remove) they read of its partials so, at their own files' lines."""

    def at(line: int) -> int:
        return number * LINES_APART + line if line else 0

    facts = document.accessibility
    if facts is not None:
        facts = replace(
            facts,
            layout_tables=[at(n) for n in facts.layout_tables],
            headings=[(level, at(n)) for level, n in facts.headings],
            heading_texts=[(text, at(n), hidden) for text, n, hidden in facts.heading_texts],
            unnamed_image_links=[(h, at(n), no_alt) for h, n, no_alt in facts.unnamed_image_links],
            unnamed_background_links=[(h, at(n)) for h, n in facts.unnamed_background_links],
            low_contrast=[replace(c, line=at(c.line)) for c in facts.low_contrast],
        )
    return replace(remapped(document, at), accessibility=facts, written_lines=None)


def apart_remapped(apart: TextApart, at: Callable[[int], int]) -> TextApart:
    """:class:`TextApart` of a rendered document with its written lines."""

    def how(h: HiddenHow) -> HiddenHow:
        return replace(h, line=at(h.line))

    return replace(
        apart,
        hidden_how=tuple(how(h) for h in apart.hidden_how),
        previewed=tuple(HiddenPreview(how(p.how), p.after) for p in apart.previewed),
        # (hidden_headings are read of the source as written alone: checks/brief.py)
    )
