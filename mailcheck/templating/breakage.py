"""Broken output after rendering: text a recipient would see as a mistake.

``broken_text`` finds greetings followed by punctuation ("Привет, !", "Hello ,"), leftover
programmer words ("None", "undefined") and text that starts with punctuation; ``leftover_tags``
finds merge tags of any dialect that survived rendering. Both work on plain strings so the PER
rules can call them on any rendered part; ``visible_text`` strips HTML cheaply with regexes (no
parser: it runs for every blanked variable).
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import regex

from mailcheck.templating.dialect import Dialect

_SPACE = r"[ \t\u00a0\u2009\u202f]"
_GREETINGS = regex.compile(
    r"(?i)^(?:привет|здравствуй(?:те)?|день|вечер|утро|уважаем\w*|дорог\w*|"
    r"hello|hi|hey|dear|greetings|hallo|bonjour|hola|ciao|thanks|you|спасибо)$"
)
# Each pattern is anchored on punctuation (rare) rather than on words (everywhere), and the word
# before it is looked up afterwards: scanning a 100 KB body stays a fraction of a millisecond.
# A match starts where a run of blanks starts (the leftmost match did anyway): tried from each
# blank of a long run, as many as the run is long, the scan was quadratic in it
_RUN_START = rf"(?<!{_SPACE})"
_COMMA_THEN_PUNCT = regex.compile(rf"{_RUN_START}{_SPACE}*,{_SPACE}*[!?.,;:]")  # "Привет, !"
_SPACE_THEN_COMMA = regex.compile(rf"{_RUN_START}{_SPACE}+,")  # "Hello ,", "Иван , "
# "Hello !" (greetings only); a no-break space alone before "!" or "?" is French typography
# ("Bonjour !"), a name left out leaves an ordinary space ("Bonjour {{ name }} !")
# (the no-break spaces before the first ordinary one, so that a run of blanks has one way to
# be read and its scan stays linear)
_SPACE_THEN_END = regex.compile(rf"{_RUN_START}[\u00a0\u2009\u202f]*[ \t]{_SPACE}*[!?.]")
_PROGRAMMER_SPELLINGS = ("None", "null", "undefined", "NaN", "nil")
_PROGRAMMER_WORDS = regex.compile(
    rf"(?<![\w-])(?:{'|'.join(_PROGRAMMER_SPELLINGS)})(?![\w-])|\[object Object\]"
)
# ", скидка 30%", ", −30% на всё" (a name missing before it), quoted with up to three words
# after the first: ", для" alone did not tell the reader which text it was ("%NAME%, для вас
# подборка новинок" in a preheader)
_QUOTED_WORD = r"[-−–+]?[\p{L}\p{N}_][\p{L}\p{M}\p{N}_%'’-]*"
_LINE_STARTS_WITH_PUNCT = regex.compile(
    rf"(?m)^[ \t]*[,;:][ \t]*{_QUOTED_WORD}(?:{_SPACE}+{_QUOTED_WORD}){{0,3}}"
)
# What each pattern above cannot match without, looked for first with the standard library's re
# (from the punctuation, a literal it finds fast, then what stands before it) or as words: most
# texts have none, and the pattern is then not searched (the regex module tries its look-behind
# at every character: the five scans of the corpus's texts took 140 ms, 60 with these first)
_SOME_COMMA_THEN_PUNCT = re.compile(rf",{_SPACE}*[!?.,;:]")
_SOME_SPACE_THEN_COMMA = re.compile(rf",(?<={_SPACE},)")
_SOME_SPACE_THEN_END = re.compile(rf"[!?.](?<={_SPACE}[!?.])")
_SOME_LINE_STARTS_WITH_PUNCT = re.compile(r"(?m)^[ \t]*[,;:]")
_WORD_BEFORE = regex.compile(rf"(\w+)([,:]?{_SPACE})?$")
# the whole word (never its tail) that ends right before, or one line break before, the match
_LAST_WORD = regex.compile(r"(?<!\w)\w+(?=\n?\Z)")


# "день" of «Добрый день, !»: the snippet quotes the whole greeting
_GREETING_FIRST = regex.compile(r"(?i)(?<!\w)добр(?:ый|ое|ой)\s+$")


# What a form letter writes between its greeting and the name, the greeting's word before it:
# a gender ending in brackets («Уважаемый(ая)», «Уважаемый(-ая)», «Дорогой(ая)»,
# «Уважаем(ый/ая)») or an honorific that a surname follows ("Dear Mr. ", "Hello Dr ",
# «Уважаемый г-н »). "Sir", "Madam", «госпожа» address a reader whole: not among them
_GREETING_TAIL = regex.compile(
    r"(?i)(?<!\w)(\w+)(?:\([-–]?\w{1,3}(?:/[-–]?\w{1,3})?\)|"
    rf"{_SPACE}+(?:mrs?|ms|mx|dr|prof|mme|mlle|г-н|г-жа)\.?)(?=\n?\Z)"
)


def _word_before(text: str, start: int) -> tuple[str, int] | None:
    """The word before ``start`` and where it starts (the snippet starts there, at the
    greeting's first word when it has two: «Добрый день»). A greeting's gender ending in
    brackets or an honorific between it and ``start`` is passed over: the word is the
    greeting («Уважаемый» of «Уважаемый(ая) ,», "Dear" of "Dear Mr. ,")."""
    m = _GREETING_TAIL.search(text, max(0, start - 40), start)
    if m is not None and _GREETINGS.match(m.group(1)):
        first = _GREETING_FIRST.search(text, max(0, m.start() - 12), m.start())
        return m.group(1), first.start() if first else m.start()
    m = _LAST_WORD.search(text, max(0, start - 40), start)
    if m is None:
        return None
    first = _GREETING_FIRST.search(text, max(0, m.start() - 12), m.start())
    return m.group(0), first.start() if first else m.start()


def broken_text(text: str, *, prose: bool = False) -> list[str]:
    """The broken fragments a recipient would read, in order of appearance (no duplicates).

    ``prose``: the text was not rendered by us (a test send, plain HTML), so stray commas and
    None, null, undefined … count only where a variable would have been, right after a
    greeting ("Привет, !", "Привет, None!", "Dear undefined,"): "None of them are design
    tools" is a sentence, "Цена , как всегда" a typo of the copy, not a missing name.
    """
    if not text:
        return []
    found: list[tuple[int, str]] = []
    for pattern, some in (
        (_COMMA_THEN_PUNCT, _SOME_COMMA_THEN_PUNCT),
        (_SPACE_THEN_COMMA, _SOME_SPACE_THEN_COMMA),
    ):
        for m in pattern.finditer(text) if some.search(text) else ():
            word = _word_before(text, m.start())
            if word and (not prose or _GREETINGS.match(word[0])):
                start = word[1]
                found.append((start, text[start : m.end()].strip()))
    for m in _SPACE_THEN_END.finditer(text) if _SOME_SPACE_THEN_END.search(text) else ():
        word = _word_before(text, m.start())
        if word and _GREETINGS.match(word[0]):
            start = word[1]
            found.append((start, text[start : m.end()].strip()))
    stripped = text.rstrip()
    if stripped.endswith(","):
        word = _word_before(stripped, len(stripped) - 1)
        if word and _GREETINGS.match(word[0]):  # the greeting ends the text: "Привет,"
            start = word[1]
            found.append((start, stripped[start:].strip()))
    spelt = "[object Object]" in text or any(word in text for word in _PROGRAMMER_SPELLINGS)
    for m in _PROGRAMMER_WORDS.finditer(text) if spelt else ():
        before = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
        after_greeting = before and before.group(2) and _GREETINGS.match(before.group(1))
        if prose and not after_greeting and not m.group(0).startswith("["):
            continue
        start = before.start() if before and before.group(2) else m.start()
        found.append((start, text[start : m.end()].strip()))
    starts = _SOME_LINE_STARTS_WITH_PUNCT.search(text)
    for m in _LINE_STARTS_WITH_PUNCT.finditer(text) if starts else ():
        snippet = m.group(0).strip()
        if prose and snippet[0] != ",":
            continue  # ":cc", ";-)" in a text as written: only ", скидка" reads as a name gone
        found.append((m.start(), snippet))
    seen: set[str] = set()
    out: list[str] = []
    for _, snippet in sorted(found):
        if snippet not in seen:
            seen.add(snippet)
            out.append(snippet)
    return out


# Tags of template languages no dialect reads, each with a piece of text it cannot match
# without: a template written in one is not understood (PER007), and in a test send that was
# sent they are leftovers a reader sees (PER003). GetResponse writes [[firstname]]; Salesforce
# {!Contact.FirstName} (and forum software {!title!}).
#
# FreeMarker (Java CRMs; "FreeMarker Manual": <#if>…</#if>, <#list>, <#assign>, ${x!"default"},
# ${x?has_content}) and Razor (.NET; @Model.FirstName, @if (…) { … }) write tags that look like
# a dialect's (Velocity's ${…} and #if) but are their own: OWN_SYNTAX, which detection reads
# before any dialect's markers (read as Velocity, "<#if …>" was "the if block is never closed").
FREEMARKER = "FreeMarker"
RAZOR = "Razor (ASP.NET)"


class TagPattern(Protocol):
    """What finds a language's tags in a text: a compiled pattern, or :class:`RazorTags`."""

    def finditer(self, string: str) -> Iterator[regex.Match[str]]: ...


# A word character before "@" makes it an e-mail address to Razor itself ("team@Model.Works");
# ``code`` is what only a template writes, ``member`` a "@Model.Name" that copy may write too
_RAZOR = regex.compile(
    r"(?<![\w@.+%-])@(?:(?P<code>(?:ViewBag|ViewData|Html)\.[A-Za-z_]|(?:if|foreach)\s*\()"
    r"|Model\.(?P<member>[A-Za-z_]\w*))"
)


# An attribute of a tag, its value possibly still open where the text read ends
_ATTRIBUTE = regex.compile(r"""([^\s"'<>/=]+)\s*=\s*("[^"]*"?|'[^']*'?|[^\s"'>]*)""")
# Attributes whose value is an address or a form's value: what a Razor template fills with
# @Model.X. Not text ones (alt, title, aria-label, placeholder): a handle is text there too
_CODE_ATTRIBUTES = frozenset(
    {"href", "src", "srcset", "action", "formaction", "value", "background", "poster"}
)
_TAG_READ = 2000  # how far back in a tag its attributes are read (a tag is shorter)


def _in_code_attribute(text: str, tag_start: int, at: int) -> bool:
    """Whether ``at`` is inside the value of an address-like attribute of the tag that starts
    at ``tag_start`` (``href="@Model.Url"``, ``src="https://x/@Model.Id.png"``)."""
    start = max(tag_start, at - _TAG_READ)
    attributes = list(_ATTRIBUTE.finditer(text, start, at))
    last = attributes[-1] if attributes else None
    if last is None or last.end() != at:
        return False
    value = last.group(2)
    still_open = not value or value[0] not in "\"'" or len(value) == 1 or value[-1] != value[0]
    return still_open and last.group(1).lower() in _CODE_ATTRIBUTES


class RazorTags:
    """Razor's constructs in a text, when the text is a Razor template.

    "@Model.Works" alone in the copy is as likely a handle ("follow @Model.Works") as a
    Razor expression; it is one beside another Razor construct: a code construct (``@if (``,
    ``@foreach (``, ``@Html.``, ``@ViewBag.``), a "@Model." in an address-like attribute's
    value (``href="@Model.UnsubscribeUrl"``, ``src``, ``action``, ``value``; not ``alt`` or
    ``title``, text where a handle is written as in the copy), or a "@Model." of another
    member (``@Model.FirstName`` and ``@Model.Bonus``).
    """

    def finditer(self, string: str) -> Iterator[regex.Match[str]]:
        if "@" not in string:
            return iter(())
        found: list[regex.Match[str]] = []
        members: set[str] = set()
        template = in_tag = False
        tag_start = 0
        read = 0  # the text up to here is read for "<" and ">": each part once (linear)
        for m in _RAZOR.finditer(string):
            found.append(m)
            if template:
                continue
            opened, closed = string.rfind("<", read, m.start()), string.rfind(">", read, m.start())
            if opened != closed:  # -1 both: no tag starts or ends since the last one
                in_tag = opened > closed
                tag_start = opened if in_tag else tag_start
            read = m.start()
            if m.group("code") or (in_tag and _in_code_attribute(string, tag_start, m.start())):
                template = True
            else:
                members.add(m.group("member"))
                template = len(members) > 1
        return iter(found if template else ())


OWN_SYNTAX = (
    (
        FREEMARKER,
        "#",
        regex.compile(
            r"</?#(?:if|elseif|else|list|items|sep|assign|local|global|macro|function|return|"
            r"include|import|switch|case|on|default|break|attempt|recover|compress|ftl|setting|"
            r"noparse|nested)\b"
        ),
    ),
    (
        FREEMARKER,
        "${",
        regex.compile(
            r"\$\{[^{}\n]{1,200}?(?:!\s*[\"'(]|\?(?:has_content|if_exists|exists|c|string|html|"
            r"upper_case|lower_case|cap_first|trim|size)\b)"
        ),
    ),
    (RAZOR, "@", RazorTags()),
)
UNREAD_TAGS = (
    ("GetResponse ([[name]])", "[[", regex.compile(r"\[\[\s*[A-Za-z_][\w.]{0,60}\s*\]\]")),
    ("Salesforce ({!name})", "{!", regex.compile(r"\{![A-Za-z_][\w.]{0,80}!?\}")),
    *OWN_SYNTAX,
)
# Each pattern with a piece of text it cannot match without: most texts hold none of them,
# and a substring test is far cheaper than a regex scan.
_LEFTOVERS = (
    *((needle, pattern) for _language, needle, pattern in UNREAD_TAGS),
    ("{{", regex.compile(r"\{\{.{0,200}?\}\}|\{\{", regex.S)),
    ("{%", regex.compile(r"\{%.{0,200}?%\}|\{%", regex.S)),
    ("*|", regex.compile(r"\*\|[^|*\s]{1,80}\|\*")),
    ("%%", regex.compile(r"%%[A-Za-z_][\w.:\-\[\]]{0,80}%%|%%=.{1,200}?=%%", regex.S)),
    ("[%", regex.compile(r"\[%.{0,200}?%\]", regex.S)),
    ("${", regex.compile(r"\$\{[^{}\n]{0,200}\}")),
    ("@{", regex.compile(r"@\{\s*(?:if|else|end)\b[^}\n]{0,200}\}?", regex.I)),
    ("%recipient", regex.compile(r"%recipient[.\w-]*%")),
    ("%", regex.compile(r"%7B%7B|%7B%25|%2A%7C", regex.I)),
)
_TAG_NAME = regex.compile(r"[A-Za-z_][\w.:\-]*")


def _dialects() -> list[Dialect]:
    from mailcheck.templating.catalogue import load_catalogue  # entry points: on first use

    return list(load_catalogue().dialects.values())


# What a pattern must not hold to be scanned as one branch of a larger pattern: a reference to
# a group (its number changes), a flag for the whole pattern, a recursion
_NOT_A_BRANCH = regex.compile(r"\\[1-9]|\\g<|\(\?P[=>]|\(\?\(|\(\?[\w+-]+\)|\(\?&")
_SCOPED_FLAGS = {regex.I: "i", regex.M: "m", regex.S: "s"}
_PLAIN_FLAGS = regex.V0 | regex.U


def _branch(pattern: object) -> str | None:
    """``pattern`` written to be one branch of an alternation that matches where it does, or
    None when it cannot be (not a ``regex`` pattern, other flags, group references)."""
    if not isinstance(pattern, regex.Pattern) or _NOT_A_BRANCH.search(pattern.pattern):
        return None
    flags = pattern.flags & ~_PLAIN_FLAGS
    scoped = "".join(letter for flag, letter in _SCOPED_FLAGS.items() if flags & flag)
    if flags & ~(regex.I | regex.M | regex.S):
        return None
    return f"(?{scoped}:{pattern.pattern})" if scoped else f"(?:{pattern.pattern})"


# leftover_tags' first test, for the catalogue it was made for: one scan for every tag pattern
# (most texts hold no tag, and a scan per pattern and dialect cost ~25 regex calls per text),
# and the patterns and dialects it cannot stand for, scanned as before
_gate: tuple[list[Dialect], regex.Pattern[str], list[tuple[str, Any]], list[Dialect]] | None = None


def _leftover_gate(
    dialects: list[Dialect],
) -> tuple[regex.Pattern[str], list[tuple[str, Any]], list[Dialect]]:
    global _gate
    made_for = _gate[0] if _gate is not None else []
    if len(made_for) != len(dialects) or any(
        a is not b for a, b in zip(made_for, dialects, strict=True)
    ):
        branches: list[str] = []
        patterns_apart = []
        for needle, pattern in _LEFTOVERS:
            branch = _branch(pattern)
            if branch is None:
                patterns_apart.append((needle, pattern))
            else:
                branches.append(branch)
        dialects_apart = []
        for dialect in dialects:
            if type(dialect).leftovers is not Dialect.leftovers:  # a plugin's own scan
                dialects_apart.append(dialect)
            elif dialect.tags is not None:
                branch = _branch(dialect.tags)
                if branch is None:
                    dialects_apart.append(dialect)
                else:
                    branches.append(branch)
        try:
            gate = regex.compile("|".join(branches))
        except regex.error:  # (branches that cannot stand together: every text is scanned)
            gate = regex.compile("")
        _gate = (dialects, gate, patterns_apart, dialects_apart)
    assert _gate is not None
    return _gate[1], _gate[2], _gate[3]


def whole_tag(text: str, *, url: bool = False) -> bool:
    """Whether ``text`` (an href, say) is nothing but one tag of a known dialect. ``url``:
    ``text`` is a link's whole URL, where a tag only a URL can be is one too (Campaign
    Monitor's ``[unsubscribe]``)."""
    text = text.strip()
    return bool(text) and any(
        (d.tags is not None and d.tags.fullmatch(text)) or (url and d.url_tag(text))
        for d in _dialects()
    )


_WORD = re.compile(r"\w+")


def shape(snippet: str) -> str:
    """A broken snippet with each word as one stand-in: ", Анна" and ", клиент" are one
    breakage (a comma left before a name, whichever name), as a reader would count them."""
    return _WORD.sub("…", snippet)


def leftover_tags(text: str, system: Iterable[str] = ()) -> list[str]:
    """Raw merge tags of any dialect that survive in ``text`` (no duplicates).

    Tags naming one of ``system`` (e.g. ``%%unsub_center_url%%`` that the ESP fills at send
    time) are not leftovers.
    """
    if not text:
        return []
    dialects = _dialects()
    gate, patterns_apart, dialects_apart = _leftover_gate(dialects)
    if (
        gate.search(text) is None
        and not any(
            needed in text and any(pattern.finditer(text)) for needed, pattern in patterns_apart
        )
        and not any(dialect.leftovers(text) for dialect in dialects_apart)
    ):
        return []  # no pattern matches anywhere: no candidate below
    skip = {s.lower() for s in system}
    candidates: list[tuple[int, str]] = []
    for needed, pattern in _LEFTOVERS:
        if needed in text:
            candidates += [(m.start(), m.group(0)) for m in pattern.finditer(text)]
    for dialect in dialects:  # every known dialect's own tags: %NAME%, #USER_NAME#, {$name}
        candidates += dialect.leftovers(text)
    found: list[tuple[int, str]] = []
    for start, tag in _outermost(text, candidates):
        name = _TAG_NAME.search(tag)
        if name and name.group(0).lower() in skip:
            continue
        found.append((start, tag if len(tag) <= 80 else tag[:77] + "…"))
    seen: set[str] = set()
    out: list[str] = []
    for _, tag in sorted(found):
        if tag not in seen:
            seen.add(tag)
            out.append(tag)
    return out


def _outermost(text: str, candidates: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The tags of ``candidates`` (start, tag) that no other holds, each with the braces it
    opened closed: Braze's ``{{${first_name}}}`` is one tag, not ``{{${first_name}}`` (the
    first "}}" ends a "{{" match) and ``${first_name}`` inside it, two findings for one."""
    whole: list[tuple[int, str]] = []
    for start, tag in candidates:
        end = start + len(tag)
        while tag.count("{") > tag.count("}") and text.startswith("}", end):
            end += 1
            tag = text[start:end]
        whole.append((start, tag))
    whole.sort(key=lambda c: (c[0], -len(c[1])))
    out: list[tuple[int, str]] = []
    reach = -1  # the end of the tags kept so far: one ending there or before is inside one
    for start, tag in whole:
        if start + len(tag) <= reach:
            continue
        out.append((start, tag))
        reach = start + len(tag)
    return out


# What visible_text drops: comments, and script/style/title/head elements with their content
_HIDDEN_START = re.compile(r"<!--|<(script|style|title|head)\b[^>]*>", re.I)
_HIDDEN_END = {
    name: re.compile(rf"</{name}\s*>", re.I) for name in ("script", "style", "title", "head")
}
# The stdlib engine runs these simple patterns about twice as fast as ``regex`` (measured on
# the corpus, bench/bench_offline.py).
_BLOCK = re.compile(
    r"<(?:br|p|div|tr|td|th|li|h[1-6]|table|center|section)\b[^>]*>|</(?:p|div|tr|td|th|li|h[1-6])>",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")
# Runs of blanks to collapse into one space; a lone space is left alone (it already is one).
_WS = re.compile(r"[\t\r\f\v][ \t\r\f\v]*| [ \t\r\f\v]+")
_INVISIBLE = re.compile(r"[\u00ad\u034f\u200b-\u200f\u2060\ufeff]")


def _without_hidden(html: str) -> str:
    """``html`` with its comments and script/style/title/head elements each replaced by a space.

    One pass: an opener without its closer is left as it is, and the closer is not looked for
    again after it (one lazy regex scanned to the end from every such opener: quadratic).
    """
    if "<" not in html:
        return html
    out: list[str] = []
    unclosed: set[str] = set()
    pos = 0
    # an opening tag needs a ">"; past the last one only "<!--" could start, and no comment
    # closes there
    end = html.rfind(">") + 1
    while (opener := _HIDDEN_START.search(html, pos, end)) is not None:
        kind = (opener.group(1) or "!--").lower()
        closed = -1
        if kind not in unclosed:
            if kind == "!--":
                found = html.find("-->", opener.end())
                closed = found + 3 if found >= 0 else -1
            else:
                closer = _HIDDEN_END[kind].search(html, opener.end())
                closed = closer.end() if closer else -1
            if closed < 0:
                unclosed.add(kind)
        if closed < 0:  # kept as text, as the browser-less reading always did
            out.append(html[pos : opener.end()])
            pos = opener.end()
            continue
        out.append(html[pos : opener.start()])
        out.append(" ")
        pos = closed
    out.append(html[pos:])
    return "".join(out)


def _sub_tags(pattern: re.Pattern[str], replacement: str, text: str) -> str:
    """``pattern`` (tags, which end at a ">") replaced in ``text``. Only text up to the last
    ">" can hold one: past it, ``[^>]*`` scanned to the end from every "<" (quadratic)."""
    end = text.rfind(">") + 1
    return pattern.sub(replacement, text[:end]) + text[end:] if end else text


def visible_text(html: str) -> str:
    """The text of an HTML string, lines kept where blocks break; cheap and approximate."""
    text = _without_hidden(html)
    text = _sub_tags(_BLOCK, "\n", text)
    text = _sub_tags(_TAG, "", text)
    text = _INVISIBLE.sub("", htmllib.unescape(text))
    # one pass over the whole text, not one per line: the lines are split afterwards
    text = _WS.sub(" ", text)
    return "\n".join(kept for line in text.split("\n") if (kept := line.strip()))
