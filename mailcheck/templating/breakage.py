"""Broken output after rendering: text a recipient would see as a mistake.

``broken_text`` finds greetings followed by punctuation ("Привет, !", "Hello ,"), leftover
programmer words ("None", "undefined") and text that starts with punctuation; ``leftover_tags``
finds merge tags of any dialect that survived rendering. Both work on plain strings so the PER
rules can call them on any rendered part; ``visible_text`` strips HTML cheaply with regexes (no
parser: it runs for every blanked variable).
"""

from __future__ import annotations

import html as htmllib
from collections.abc import Iterable

import regex

_SPACE = r"[ \t\u00a0\u2009\u202f]"
_GREETINGS = (
    r"привет|здравствуй(?:те)?|добрый\s+(?:день|вечер)|доброе\s+утро|уважаем\w*|дорог\w*|"
    r"hello|hi|hey|dear|greetings|hallo|bonjour|hola|ciao|thanks|thank\s+you|спасибо"
)
_BROKEN = (
    # a word, a comma and more punctuation: "Привет, !", "Здравствуйте, ,", "Hi,!"
    regex.compile(rf"\b\w+{_SPACE}*,{_SPACE}*[!?.,;:]"),
    # a word, a space, then a comma: "Hello ,", "Dear ,", "Иван , "
    regex.compile(rf"\b\w+{_SPACE}+,"),
    # a greeting, a space, then end punctuation: "Hello !", "Привет ."
    regex.compile(rf"(?i)\b(?:{_GREETINGS}){_SPACE}+[!?.]"),
    # a greeting immediately closed by punctuation after a comma at the very end: "Привет,"
    regex.compile(rf"(?i)\b(?:{_GREETINGS}),{_SPACE}*$"),
    # programmer words that leak from empty values
    regex.compile(
        rf"(?:\w+[,:]?{_SPACE})?(?:(?<![\w-])(?:None|null|undefined|NaN|nil)(?![\w-])"
        r"|\[object Object\])"
    ),
    # text that begins with punctuation: ", скидка 30%" (the name before it was empty)
    regex.compile(r"(?m)^[ \t]*[,;:][ \t]*\w+"),
)

_LEFTOVERS = (
    regex.compile(r"\{\{.{0,200}?\}\}|\{\{", regex.S),
    regex.compile(r"\{%.{0,200}?%\}|\{%", regex.S),
    regex.compile(r"\*\|[^|*\s]{1,80}\|\*"),
    regex.compile(r"%%[A-Za-z_][\w.:\-\[\]]{0,80}%%"),
    regex.compile(r"\[%.{0,200}?%\]", regex.S),
    regex.compile(r"\$\{[^{}\n]{0,200}\}"),
    regex.compile(r"@\{\s*(?:if|else|end)\b[^}\n]{0,200}\}?", regex.I),
    regex.compile(r"%recipient[.\w-]*%"),
    regex.compile(r"%7B%7B|%7B%25|%2A%7C", regex.I),
)
_TAG_NAME = regex.compile(r"[A-Za-z_][\w.:\-]*")


def broken_text(text: str) -> list[str]:
    """The broken fragments a recipient would read, in order of appearance (no duplicates)."""
    found: list[tuple[int, str]] = []
    if not text:
        return []
    for pattern in _BROKEN:
        for m in pattern.finditer(text):
            found.append((m.start(), m.group(0).strip()))
    seen: set[str] = set()
    out: list[str] = []
    for _, snippet in sorted(found):
        if snippet not in seen:
            seen.add(snippet)
            out.append(snippet)
    return out


def leftover_tags(text: str, system: Iterable[str] = ()) -> list[str]:
    """Raw merge tags of any dialect that survive in ``text`` (no duplicates).

    Tags naming one of ``system`` (e.g. ``%%unsub_center_url%%`` that the ESP fills at send
    time) are not leftovers.
    """
    if not text:
        return []
    skip = {s.lower() for s in system}
    found: list[tuple[int, str]] = []
    for pattern in _LEFTOVERS:
        for m in pattern.finditer(text):
            tag = m.group(0)
            name = _TAG_NAME.search(tag)
            if name and name.group(0).lower() in skip:
                continue
            found.append((m.start(), tag if len(tag) <= 80 else tag[:77] + "…"))
    seen: set[str] = set()
    out: list[str] = []
    for _, tag in sorted(found):
        if tag not in seen:
            seen.add(tag)
            out.append(tag)
    return out


_DROP = regex.compile(
    r"<!--.*?-->|<(script|style|title|head)\b[^>]*>.*?</\1\s*>", regex.S | regex.I
)
_BLOCK = regex.compile(
    r"<(?:br|p|div|tr|td|th|li|h[1-6]|table|center|section)\b[^>]*>|</(?:p|div|tr|td|th|li|h[1-6])>",
    regex.I,
)
_TAG = regex.compile(r"<[^>]*>")
_WS = regex.compile(r"[ \t\r\f\v]+")
_INVISIBLE = regex.compile(r"[\u00ad\u034f\u200b-\u200f\u2060\ufeff]")


def visible_text(html: str) -> str:
    """The text of an HTML string, lines kept where blocks break; cheap and approximate."""
    text = _DROP.sub(" ", html)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub("", text)
    text = _INVISIBLE.sub("", htmllib.unescape(text))
    lines = (_WS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
