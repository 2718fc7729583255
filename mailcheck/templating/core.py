"""What every dialect module provides: a parsed template that lists its variable uses and renders.

A dialect module exposes ``parse(source: str, is_system: IsSystem) -> Parsed``. Parsing raises
:class:`TemplateError` (PER004) with a 1-based line; rendering never raises for missing values:
an undefined non-system variable renders as "" so that "Привет, !" becomes visible.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from mailcheck.i18n import t


class SendAborted(Exception):
    """The template stops the send for these values (Braze's ``{% abort_message %}``): that
    recipient gets no e-mail, so nothing of it can be broken."""


class TemplateError(Exception):
    """A template that cannot be parsed (or rendered). ``line`` is 1-based, 0 when unknown;
    ``file``: the campaign's partial it is in, as findings name it ("partials/footer.html"),
    ``line`` being that file's; "" for the part itself."""

    def __init__(self, message: str, line: int = 0, file: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.file = file

    def __str__(self) -> str:
        return self.said()

    def said(self) -> str:
        """The message with its line (a :class:`~mailcheck.i18n.Message`: translatable)."""
        if not self.line:
            return self.message
        return t("line {line}: {message}", line=self.line, message=self.message)


class NotUnderstood(TemplateError):
    """A template mailcheck cannot evaluate, though its engine could: it pulls in another
    template file (``{% extends "base.html" %}``) that only the agency's build or the ESP has.
    Not a syntax error (PER004): personalisation not checked (PER007). ``files``: the template
    files it names, when that is why."""

    def __init__(
        self, message: str, line: int = 0, files: tuple[str, ...] = (), file: str = ""
    ) -> None:
        super().__init__(message, line, file)
        self.files = files


class MistakeFailure(TemplateError):
    """A render that fails only for a part's ``mistakes`` (see :class:`Parsed`): read as the
    author means them (Jinja's ``order.items`` as the key), the part renders. The mistake is
    reported already (PER004): the failure is no finding of its own."""


@dataclass(frozen=True)
class Use:
    """One use of a recipient variable in a template part."""

    name: str  # dotted path, e.g. "user.first_name"
    line: int
    has_fallback: bool = False
    fallback_covers_empty: bool = True
    guarded: bool = False
    fallback: str | None = None
    fallback_in_links: bool = True  # False: the ESP ignores this fallback inside a URL
    # the test that "guards" it as written, when it tests for null alone (Quokka's
    # ``@{ if x != null }``): an empty value passes it, so it is no guard (``guarded`` False)
    null_guard: str = ""
    # a call of the application's code (PHP's ``$user->getShortName()``), which mailcheck does
    # not run: whether it falls back for an empty field is not known
    computed: bool = False
    # the campaign's partial it is written in, as findings name that file
    # ("partials/footer.html"), ``line`` being that file's; "" in the part's own text
    file: str = ""
    # the tag as written, when findings should quote it rather than the name (Velocity's
    # ``$data.get('total')``, whose name data.total no search of the template finds)
    tag: str = ""
    # printed as written when the value is missing (Velocity's ``$x``; the quiet ``$!x`` prints
    # nothing): the recipient reads the tag itself
    literal_if_missing: bool = False
    # a fallback written empty, which the ESP reads as none (eSputnik's ``%FIRSTNAME|%``,
    # Stripo's default)
    blank_fallback: bool = False


# Tells a dialect whether a dotted name is filled by the ESP.
IsSystem = Callable[[str], bool]


class Parsed(Protocol):
    """A template part parsed by one dialect.

    A dialect whose language pulls in other template files (partials, layouts) the ESP or the
    agency's build supplies may also give ``partials``: the names of those the part uses
    (``{% render "footer" %}`` → ``"footer"``). What they hold is not checked, and the
    campaign says so (PER009); without the attribute, none are assumed.

    A dialect may also give ``unread``: (line, tag) of each block whose test or helper it
    cannot read (``@{ if Recipient.Age > 18 }``, ``{{#minInList items "price"}}``). What such a
    block prints is not verified, and the campaign says so (PER007); the dialect must not
    report the names inside it as unguarded, nor render a guessed branch as broken text.

    And ``mistakes``: (line, message, file) of what the engine reads but prints otherwise than
    the author means (Jinja's ``{{ order.items }}`` prints the dict's method ``items``): each
    is a template error (PER004); such a name is no recipient variable, and not in ``uses``.
    ``file`` is the campaign's partial it is in (as :attr:`Use.file`), "" for the part's own.
    Such a dialect gives ``keyed_uses`` too: ``uses`` with those names in, as an engine that
    only reads like it sees them (HubL, Twig, Liquid read order.items as the field). Which one
    counts is the campaign's: the mistakes only where the dialect is declared for an ESP that
    runs its very engine.

    And ``literal``: for a part that writes no tag at all (a List-Unsubscribe-Post header,
    most links' URLs), the text every render of it returns within a budget, whatever the
    values; None (or no attribute) for any other part. Such a part is not rendered again for
    each variant and each blanked variable.

    And ``falsy_alike``: the names for which an empty text and None render the same part (each
    of its uses tested for its truth alone, kept from rendering by such a test, or given a
    fallback for any false value). A dialect that blanks with both (Jinja) renders None only
    where a part does not say so.
    """

    @property
    def uses(self) -> list[Use]: ...

    def render(self, values: Mapping[str, object]) -> str:
        """Render with flat dotted ``values``; missing names render empty (or their fallback).

        Raises :class:`TemplateError` when the template fails at run time.
        """
        ...


def unflatten(flat: Mapping[str, object]) -> dict[str, object]:
    """Nested dicts from dotted keys: {"user.name": "A"} -> {"user": {"name": "A"}}.

    A key that is both a value and a prefix ("user" and "user.name") keeps the nested form,
    because templates that go deeper need it.
    """
    if not any("." in key for key in flat):
        return dict(flat)  # the usual sample (first_name, city): nothing to nest
    root: dict[str, object] = {}
    for key in sorted(flat, key=lambda k: k.count(".")):
        parts = key.split(".")
        node = root
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        leaf = parts[-1]
        if not isinstance(node.get(leaf), dict):
            node[leaf] = flat[key]
    return root
