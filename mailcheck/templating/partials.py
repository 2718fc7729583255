"""The template files a template pulls in (``{% render "footer" %}``), read from the campaign.

A campaign built from partials keeps them beside its template or in a folder of them; an ESP
supplies others itself (Keila's "content"). While a campaign renders, :func:`reading` makes its
directory the only place partials are looked for — inside it, as every file of a campaign
(:mod:`mailcheck.confined`: no path out of it, no FIFO, within ``[limits] file-bytes``). A
partial found there is rendered as the ESP would; one that is not stays empty and is named
(PER009).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from mailcheck.charsets import decode_bytes
from mailcheck.confined import RefusedInput, read_file
from mailcheck.templating import written
from mailcheck.text import printable

# Where template repositories keep partials, and the names their files take
FOLDERS = ("", "partials", "includes", "_includes", "snippets", "components", "templates")
SUFFIXES = ("", ".liquid", ".html", ".htm", ".hbs", ".handlebars", ".mustache")


@dataclass
class PartialFiles:
    """The partials of one campaign: files below ``root``, each read once."""

    root: Path
    limit: int
    _read: dict[str, str | None] = field(default_factory=dict)
    paths: list[Path] = field(default_factory=list)  # the files read: part of the campaign
    # how findings name each partial read: its path in the campaign ("partials/footer.html"),
    # as they name the campaign's template ("email.html")
    _labels: dict[str, str] = field(default_factory=dict)
    # each partial's text with its written lines' markers (:func:`marking`), by name; None:
    # not marked (too long, or a block keeps what it pulls in as a value)
    _marked: dict[str, str | None] = field(default_factory=dict)
    # a partial read while marking keeps what it pulls in as a value ({% capture %}): no later
    # partial is marked, as its markers could be part of that value
    _unmarkable: bool = False

    def source(self, name: str) -> str | None:
        """The text of the partial ``name`` ("footer", "blocks/hero.liquid"), None when the
        campaign has no such file; with its written lines' markers while :func:`marking`."""
        if name not in self._read:
            self._read[name] = self._find(name)
        text = self._read[name]
        dialect = _marking.get()
        if text is None or dialect is None:
            return text
        if name not in self._marked:
            self._marked[name] = self._mark(name, text, dialect)
        return self._marked[name] or text

    def _mark(self, name: str, text: str, dialect: str) -> str | None:
        if self._unmarkable:
            return None
        marked = written.mark_partial(text, dialect, self.labels().index(self._labels[name]) + 1)
        if pulls_in_a_value(text, dialect):
            self._unmarkable = True
        return marked

    def label(self, name: str) -> str:
        """How a finding names the file of the partial ``name`` read by :meth:`source`: its
        path below the campaign's directory, with forward slashes ("partials/footer.html");
        the name as written when no file was read for it."""
        return self._labels.get(name, name)

    def labels(self) -> list[str]:
        """How findings name each partial file read, in the order they were read."""
        return list(dict.fromkeys(self._labels.values()))

    def texts(self) -> list[tuple[str, str]]:
        """Each partial file read, as findings name it, with its text, in the order read."""
        found = {
            self._labels[name]: text
            for name, text in self._read.items()
            if text is not None and name in self._labels
        }
        return list(found.items())

    def _find(self, name: str) -> str | None:
        relative = PurePosixPath(name.strip())
        if not relative.parts or relative.is_absolute() or ".." in relative.parts:
            return None  # a partial is named inside the campaign, never a path out of it
        for folder in FOLDERS:
            for suffix in SUFFIXES:
                path = self.root / folder / f"{relative}{suffix}"
                if path.is_file():
                    try:
                        data = read_file(path, root=self.root, limit=self.limit)
                    except RefusedInput:
                        return None
                    self.paths.append(path)
                    self._labels[name] = printable(path.relative_to(self.root).as_posix())
                    return decode_bytes(data)
        return None


# What every tag that pulls in another file is written with (Liquid render/include, Jinja
# extends/include/import, Handlebars {{> }}): a part without any of them pulls in nothing
_PULLS_IN = ("render", "include", "extends", "import", "{{>", "{{~>")


def may_pull_in(source: str) -> bool:
    """Whether ``source`` may name a partial (a quick test: words in text pass it too)."""
    return any(word in source for word in _PULLS_IN)


def pulls_in_a_value(source: str, dialect: str) -> bool:
    """Whether ``source`` may pull a partial into a block it keeps as a value
    (``{% capture %}{% render 'x' %}{% endcapture %}``): that partial's markers would be
    part of the value, which the template may test or measure (see :func:`marking`)."""
    if not may_pull_in(source):
        return False  # (most templates: no value's blocks read)
    return any(may_pull_in(source[a:b]) for a, b in written.value_spans(source, dialect))


_current: ContextVar[PartialFiles | None] = ContextVar("partials", default=None)
# the dialect whose markers the campaign's partials are read with (None: as written)
_marking: ContextVar[str | None] = ContextVar("marking partials", default=None)


def current() -> PartialFiles | None:
    """The partials of the campaign rendering now (None: none can be read)."""
    return _current.get()


def label(name: str) -> str:
    """How a finding names the campaign's partial ``name`` (:meth:`PartialFiles.label`)."""
    files = _current.get()
    return files.label(name) if files is not None else name


@contextlib.contextmanager
def marking(dialect: str) -> Iterator[None]:
    """Partials read until the block ends are read with their written lines' markers
    (:func:`mailcheck.templating.written.mark_partial`): the HTML's marked render prints
    them, and an element it prints of a partial is at that file's line."""
    token = _marking.set(dialect)
    try:
        yield
    finally:
        _marking.reset(token)


@contextlib.contextmanager
def reading(root: Path | None, limit: int) -> Iterator[PartialFiles | None]:
    """Partials are read below ``root`` (None: from nowhere) until the block ends."""
    files = PartialFiles(root, limit) if root is not None else None
    token = _current.set(files)
    try:
        yield files
    finally:
        _current.reset(token)
