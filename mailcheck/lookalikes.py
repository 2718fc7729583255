"""A word as its reader sees it: look-alike letters of another script folded to the word's own.

"Unsubscrіbe" typed with a Cyrillic "і" (U+0456), «Отпиcaться» with a Latin "c" and "a", or
"Unsubscribe" with a Greek "ο" read as the word they spell: the reader cannot tell the letters
apart. :func:`one_script` writes each such letter in the script of the rest of its word, so
that word lists (the unsubscribe phrases) find the word the recipient reads.

Only Latin, Cyrillic and Greek, and only the letters that look the same in print, both cases
(Unicode's confusables.txt has thousands; these few are the ones a keyboard layout left on or a
look-alike swap puts into a word of these scripts). A word is folded only when its letters of
the other scripts are fewer than its own and every one of them has a look-alike of the word's
script: "iPhone-чехол" (two words), "SMSка" ("к" and "а" against three Latin letters: "к"
looks like no Latin letter in lower case) stay as written, and so does a word whose scripts
meet only across a digit or an underscore ("а1b": no text a person reads). Python's
``unicodedata`` has no such mapping (NFKC leaves every one of these letters as it is).
BRF007 reports such a word from the same table (:func:`looks_like`).
"""

from __future__ import annotations

import re

# Letters of one script that look like a letter of another, by the script they are read in.
_CYRILLIC_AS_LATIN = dict(
    zip(
        "аеорсухіјѕһԁԛԝӏАВЕКМНОРСТХУІЈЅ",
        "aeopcyxijshdqwlABEKMHOPCTXYIJS",
        strict=True,
    )
)
_GREEK_AS_LATIN = dict(zip("οαικνρυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "oaikvpuxABEZHIKMNOPTYX", strict=True))
_LATIN_AS_CYRILLIC = dict(
    zip("aceopxyijsABCEHKMOPTXYIJS", "асеорхуіјѕАВСЕНКМОРТХУІЈЅ", strict=True)
)
_GREEK_AS_CYRILLIC = {"ο": "о", "Ο": "О", "Α": "А", "Β": "В", "Ε": "Е", "Κ": "К", "Μ": "М"}
_LATIN_AS_GREEK = dict(zip("ovikuABEZHIKMNOPTYX", "ονικυΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", strict=True))
_CYRILLIC_AS_GREEK = {"о": "ο", "О": "Ο", "А": "Α", "В": "Β", "Е": "Ε", "К": "Κ", "М": "Μ"}

# The script of a letter, by its block: Latin (with its accented letters), Greek, Cyrillic.
LATIN, GREEK, CYRILLIC = "latin", "greek", "cyrillic"
_LATIN, _GREEK, _CYRILLIC = LATIN, GREEK, CYRILLIC
_INTO: dict[str, dict[str, str]] = {
    _LATIN: _CYRILLIC_AS_LATIN | _GREEK_AS_LATIN,
    _CYRILLIC: _LATIN_AS_CYRILLIC | _GREEK_AS_CYRILLIC,
    _GREEK: _LATIN_AS_GREEK | _CYRILLIC_AS_GREEK,
}


def _script(char: str) -> str | None:
    code = ord(char)
    if char.isascii():
        return _LATIN if char.isalpha() else None
    if 0xC0 <= code <= 0x24F or 0x1E00 <= code <= 0x1EFF:
        return _LATIN if char.isalpha() else None
    if 0x370 <= code <= 0x3FF or 0x1F00 <= code <= 0x1FFF:
        return _GREEK
    if 0x400 <= code <= 0x52F:
        return _CYRILLIC
    return None


# A word with a Latin letter and a Greek or Cyrillic one (looked for at words' starts only)
_MIXED_WORD = re.compile(
    r"(?<!\w)(?=\w*[A-Za-z\u00c0-\u024f\u1e00-\u1eff])(?=\w*[\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff])\w+"
)
# a text that may hold one: a Latin letter beside a Greek or Cyrillic one (a text of one
# alphabet, or of words of each, is left at this one search)
_SCRIPTS_MEET = re.compile(
    r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff][\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff]"
    r"|[\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff][A-Za-z\u00c0-\u024f\u1e00-\u1eff]"
)


def _fold_word(match: re.Match[str]) -> str:
    word = match.group()
    scripts = [_script(c) for c in word]
    counts = {s: scripts.count(s) for s in (_LATIN, _GREEK, _CYRILLIC)}
    own = max(counts, key=lambda s: counts[s])
    into = _INTO[own]
    odd = {c for c, s in zip(word, scripts, strict=True) if s is not None and s != own}
    if sum(counts.values()) - counts[own] >= counts[own] or not odd <= into.keys():
        return word
    return "".join(into.get(c, c) if c in odd else c for c in word)


def looks_like(letter: str, script: str) -> bool:
    """Whether ``letter``, of another script, looks like a letter of ``script`` (``LATIN``,
    ``CYRILLIC`` or ``GREEK``) in print: the Cyrillic "і", "ј", "ѕ", "ԁ", "ӏ" like Latin
    letters, the Latin "i", "j", "s" like the Ukrainian, Belarusian, Serbian and Macedonian
    Cyrillic ones, the Latin "c" like the Cyrillic "с"; the lower-case "к", "м", "т" look like
    no Latin letter."""
    return letter in _INTO[script]


def one_script(text: str) -> str:
    """``text`` with each word that mixes Latin, Cyrillic or Greek letters written in its own
    script when its few letters of another one look like letters of its own ("Unsubscrіbe"
    with a Cyrillic "і" is "Unsubscribe"; «Отпиcaться» with a Latin "c" and "a" is
    «Отписаться»); other words as written."""
    if text.isascii() or not _SCRIPTS_MEET.search(text):
        return text
    return _MIXED_WORD.sub(_fold_word, text)
