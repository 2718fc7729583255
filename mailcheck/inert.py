"""Campaign text made inert before it reaches a terminal, a CI log or a spreadsheet.

A campaign is untrusted input, and its strings (subject, ids, file names, URLs) reach outputs
that act on what they read: a newline in a subject followed by ``::error::`` or
``::stop-commands::`` is a GitHub workflow command when the text output lands in a CI log; an
ESC sequence moves a terminal's cursor or retitles its window; a CSV cell starting with ``=``
is a live formula in Excel (``=HYPERLINK(…)``). So:

* :func:`inert` escapes control characters (C0, DEL, C1) and the bidirectional overrides
  that reorder what a reader sees ("Trojan Source") as visible ``\\n``, ``\\x1b``, ``\\u202e``;
* :func:`csv_cell` neutralises a text cell that a spreadsheet would run as a formula (OWASP's
  advice: prefix ``'``).
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """``text`` with every control and bidi-override character shown as an escape."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: control characters escaped, and a string
    starting like a formula with a ``'`` in front (numbers, which the spreadsheet should
    compute with, are left alone)."""
    if isinstance(value, str):
        # no raw ESC, CR or NUL in a cell either
        return inert("'" + value if value.startswith(_FORMULA_START) else value)
    return value
