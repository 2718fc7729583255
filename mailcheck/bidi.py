"""Bidirectional formatting characters (UAX #9) in the one-line texts an inbox shows before
the message is opened: the subject (SUB003) and the preheader (PRE004).

An override (LRO U+202D, RLO U+202E) forces the order of every letter after it: RLO shows
"gpj.exe" as "exe.jpg", the classic spoofing trick, and no ordinary text needs one. An
embedding (LRE U+202A, RLE U+202B) reorders runs of digits and punctuation, not letters; UAX #9
recommends isolates instead. Isolates (U+2066 to U+2069), the marks LRM/RLM/ALM and PDF
(U+202C) alone are what right-to-left text uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from mailcheck.model import Severity

OVERRIDE = re.compile(r"[\u202d\u202e]")
EMBEDDING = re.compile(r"[\u202a\u202b]")
_SHOWN = re.compile(r"[\u202a-\u202e\u2066-\u2069]")

Label = TypeVar("Label")


def worst(variants: Iterable[tuple[str, Label]]) -> tuple[str, str, Label, Severity] | None:
    """(text, character, its variant's label, severity) for the worst bidi control of the
    variants, where it first appears: an override is an error, an embedding a warning."""
    texts = list(variants)
    for pattern, severity in ((OVERRIDE, Severity.ERROR), (EMBEDDING, Severity.WARNING)):
        for text, label in texts:
            found = pattern.search(text)
            if found:
                return text, found.group(), label, severity
    return None


def shown(text: str) -> str:
    """``text`` with each bidi control written as its code, so a quote reads as written."""
    return _SHOWN.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)
