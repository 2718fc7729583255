"""Go templates as listmonk writes them: ``{{ .Subscriber.FirstName }}``, ``{{ UnsubscribeURL }}``.

``{{ if .X }}…{{ else }}…{{ end }}``, ``{{ range }}``/``{{ with }}`` blocks, Sprig's
``{{ .X | default "друг" }}`` fallback, ``{{ template "content" . }}`` (the campaign body the
platform puts into its layout), ``{{/* comments */}}``. Sources: listmonk's documentation
"Templating" (template functions ``UnsubscribeURL``, ``ManageURL``, ``OptinURL``, ``MessageURL``,
``TrackLink``, ``TrackView``, ``L.T``; the ``.Subscriber`` and ``.Campaign`` fields) and "APIs:
Transactional" (``.Tx.Data`` is the data of the API call that sends the message). The Python
packages that run Go templates either wrap Go itself (cgo) or are a first release (gotpl
0.1.0), so the shared tag engine reads it.
"""

from collections.abc import Iterator

import regex

from mailcheck.i18n import N_
from mailcheck.templating import tags
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import Token

_TAG = regex.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", regex.S)
_FIELD = regex.compile(r"(?<![\w)\]])\.([A-Z][\w]*(?:\.[A-Za-z_]\w*)*)")
_DEFAULT = regex.compile(r"\|\s*default\s+\"([^\"]*)\"|^default\s+\"([^\"]*)\"")
_FUNCTIONS = {
    "UnsubscribeURL": "UnsubscribeURL",
    "ManageURL": "ManageURL",
    "OptinURL": "OptinURL",
    "MessageURL": "MessageURL",
}


class _Reader:
    """Tokens of one source: a range body's ``.Field`` is the element's, not a variable."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def classify(self, m: regex.Match[str], line: int) -> Token:
        raw, body = m.group(0), m.group(1).strip()
        if body.startswith("/*"):
            return Token("skip", line, raw)
        word = body.split(None, 1)[0] if body else ""
        rest = body[len(word) :].strip()
        if word in ("if", "with"):
            self.blocks.append("if")
            return self._test(rest, "if", line, raw)
        if word == "else":
            if rest.startswith(("if ", "with ")):
                return self._test(rest.split(None, 1)[1], "elif", line, raw)
            return Token("else", line, raw)
        if word in ("range", "define", "block"):
            self.blocks.append(word)
            field = _FIELD.search(rest) if word == "range" else None
            source = field.group(1) if field and not self._in_range() else ""
            return Token("for", line, raw, "", source=source, block="for")
        if word == "end":
            if self.blocks:
                self.blocks.pop()
            return Token("end", line, raw)
        if word in ("template", "TrackView", "L.T", "T"):
            return Token("skip", line, raw)
        if word == "TrackLink":
            url = regex.search(r"\"([^\"]*)\"", rest)
            return Token("skip", line, raw, prints=url.group(1) if url else "")
        if word in _FUNCTIONS:
            return Token("var", line, raw, _FUNCTIONS[word])
        field = _FIELD.search(body)
        if field is None or self._in_range():
            return Token("skip", line, raw)
        fb = _DEFAULT.search(body)
        fallback = (fb.group(1) if fb.group(1) is not None else fb.group(2)) if fb else None
        return Token("var", line, raw, field.group(1), fallback=fallback)

    def _in_range(self) -> bool:
        return "range" in self.blocks

    def _test(self, text: str, kind: str, line: int, raw: str) -> Token:
        field = _FIELD.fullmatch(text.strip())
        name = field.group(1) if field and not self._in_range() else ""
        negated = regex.fullmatch(r"not\s+\.([A-Z][\w.]*)", text.strip())
        if negated and not self._in_range():
            return Token("if" if kind == "if" else "elif", line, raw, negated.group(1), negate=True)
        return Token("if" if kind == "if" else "elif", line, raw, name)


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(source, _TAG, _Reader().classify, openers=("{{",), closers=("}}",))


parse = tags.parser(tokenize, dialect="go", closers={"if": "{{ end }}", "for": "{{ end }}"})

DIALECT = Dialect(
    name="go",
    summary='Go templates (listmonk): {{ .Subscriber.FirstName | default "друг" }}, {{ end }}',
    parser="mailcheck.templating.dialects.go:parse",
    markers=regex.compile(
        r"\{\{-?\s*(?:\.[A-Z]|template\s+\"|define\s|range\s|with\s|if\s+\.|else\s*-?\}\}|"
        r"end\s*-?\}\}|/\*|UnsubscribeURL|TrackLink|TrackView|MessageURL|OptinURL|L\.T\s)"
    ),
    tags=regex.compile(r"\{\{-?\s*\.[A-Z][^{}\n]{0,200}\}\}"),
    needles=("{{",),
    scan_needles_first=False,
    system_variables=frozenset(
        {
            "UnsubscribeURL",
            "ManageURL",
            "OptinURL",
            "MessageURL",
            "Subscriber.Email",
            "Subscriber.UUID",
            "Subscriber.Name",  # required by listmonk for every subscriber
            # "automatically extracted from the name": a part of it, or the whole name when no
            # part is longer than two letters (listmonk's models.Subscriber), never empty
            "Subscriber.FirstName",
            "Subscriber.LastName",
            "Subscriber.Status",
            "Subscriber.CreatedAt",
            "Subscriber.UpdatedAt",
        }
    ),
    system_prefixes=("Campaign.", "Tx.", "L."),
    # .Tx.Data is the "data" of the /api/tx call ("APIs — Transactional"): each call its own
    payload_prefixes=("Tx.Data.",),
    payload_from=N_("the data of the API call that sends the message (listmonk's /api/tx “data”)"),
    unsubscribe=("{{ UnsubscribeURL }}",),
    unsubscribe_pattern=regex.compile(r"\{\{-?\s*(?:UnsubscribeURL|ManageURL)"),
    platforms={"listmonk": frozenset()},
    sources=("listmonk: Templating", "listmonk: APIs — Transactional"),
)
