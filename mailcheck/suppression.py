"""Inline suppression comments: which findings they hide, and that their codes exist.

``<!-- mailcheck: ignore LNK004 -->`` hides LNK004 on the next element,
``<!-- mailcheck: ignore-file UNS001 -->`` for the whole campaign (the parse finds them:
:mod:`mailcheck.htmlparse`). Every suppression is kept with the findings it hid, so the JSON
output shows a reviewer what was silenced; one that hid nothing is listed too, and SUP001 says
so (:func:`hiding_nothing`) when that is certain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from mailcheck.model import Campaign, Document, Finding, Suppression

if TYPE_CHECKING:
    from mailcheck.rules import Judged

_LINE = re.compile(r":(\d+)(?=$|[\s,;)])")


def suppressions(campaign: Campaign) -> list[Suppression]:
    """The campaign's suppression comments: in its HTML as written and as rendered, and in
    its partials as written."""
    found: dict[Suppression, None] = {}
    written = campaign.static.suppressions if campaign.static is not None else []
    found.update(dict.fromkeys(written))
    # a partial's comment is in every rendering too, at a line of the rendered HTML that no
    # finding names (they name the partial's): read in the partial as written alone
    partials = {(s.codes, s.scope) for s in campaign.partial_suppressions}
    mains = {(s.line, s.codes, s.scope) for s in written}
    for r in campaign.renders:
        for s in r.document.suppressions if r.document is not None else ():
            if (s.codes, s.scope) not in partials or (s.line, s.codes, s.scope) in mains:
                found[s] = None
    found.update(dict.fromkeys(campaign.partial_suppressions))
    return list(found)


def comment_at(campaign: Campaign, s: Suppression) -> str:
    """Where a suppression comment is written: "email.html:3", "partials/footer.html:2"."""
    return campaign.in_file(f"{s.file or campaign.html_label or 'html'}:{s.line}")


def code_refs(campaign: Campaign) -> list[tuple[str, tuple[str, ...]]]:
    """The codes the campaign's comments name, with where, for the unknown-code check."""
    return [
        (f"{campaign.source}: {comment_at(campaign, s)}: suppression comment", s.codes)
        for s in suppressions(campaign)
        if s.scope != "invalid"
    ]


def check_comments(campaign: Campaign) -> None:
    """Raise ConfigError (exit 2) for a ``mailcheck:`` comment that is not understood."""
    from mailcheck.config import ConfigError

    for s in suppressions(campaign):
        if s.scope == "invalid":
            raise ConfigError(
                f"{campaign.source}: {comment_at(campaign, s)}: suppression comment not understood:"
                f" {s.codes[0]!r} (write <!-- mailcheck: ignore CODE[,CODE] --> for the next"
                " element or <!-- mailcheck: ignore-file CODE --> for the whole campaign)"
            )


def place_lines(place: str, other_files: Iterable[str] = ()) -> tuple[str, list[int]]:
    """The file a finding's place is in ("" the HTML, else one of ``other_files``) and the
    lines it names there (none: about the campaign, or that file, as a whole). A place in
    another file or part of the campaign (``other_files``: a partial's
    "partials/footer.html:12", the text part's "email.txt:4", "headers:8") names that one's
    line, none of the HTML's: no comment in the HTML hides it line by line, one in a partial
    hides the partial's."""
    for label in other_files:
        if place == label or place.startswith(f"{label}:"):
            return label, [int(n) for n in _LINE.findall(place[len(label) :])]
    return "", [int(n) for n in _LINE.findall(place)]


def other_files(campaign: Campaign) -> list[str]:
    """How findings name the campaign's files and parts other than its HTML: the partials
    (a template that includes itself names its own file: those are the HTML's lines), the
    text part and the headers."""
    partials = [label for label in campaign.partial_labels if label != campaign.html_label]
    return [*partials, campaign.text_label, "headers"]


def apply(
    campaign: Campaign, findings: list[Finding]
) -> tuple[list[Finding], list[tuple[Suppression, list[Finding]]]]:
    """The findings left, and each suppression with the findings it hid.

    A finding listing several places loses only the places a suppression covers: the root
    cause is still reported where it was not suppressed.
    """
    found = suppressions(campaign)
    if not found:
        return findings, []
    hidden: dict[Suppression, list[Finding]] = {s: [] for s in found}
    elsewhere = other_files(campaign)
    kept = []
    for f in findings:
        places = f.places or ("",)
        left: list[str] = []
        for place in places:
            file, lines = place_lines(place, elsewhere)
            by = next((s for s in found if s.covers(f.code, lines, file)), None)
            if by is None:
                left.append(place)
            else:
                hidden[by].append(_at(f, [place]))
        if len(left) == len(places):
            kept.append(f)
        elif left:
            kept.append(_at(f, left))
    return kept, list(hidden.items())


def partly_hidden(
    findings: list[Finding], suppressed: list[tuple[Suppression, list[Finding]]]
) -> set[str]:
    """The codes of the findings a comment hid at some of their places and not at others:
    their messages still count and name what was hidden (:func:`without_hidden`)."""
    hidden = {f.code for _, each in suppressed for f in each}
    return {f.code for f in findings if f.code in hidden}


def without_hidden(campaign: Campaign, code: str) -> Campaign:
    """The campaign as the rule of ``code`` reads it once its comments have hidden what they
    hide of that code: the links, images, elements and variables written where a comment
    applies are left out, so that its findings count and name only the rest. A fact read
    otherwise (a text searched in the source) stays, and its place is hidden as before."""
    found = [s for s in suppressions(campaign) if s.scope == "element"]

    def shown(line: int, file: str = "") -> bool:
        return not line or not any(s.covers(code, [line], file) for s in found)

    def element_shown(line: int) -> bool:
        # an element's line: the HTML's, or one of a partial's (model.LINES_APART)
        label, at = campaign.written_at(line)
        return shown(at, "" if at == line else label)

    def elements(doc: Document) -> Document:
        lists = {
            name: [item for item in getattr(doc, name) if element_shown(item.line)]
            for name in ("links", "srcset", "stylesheet", "images", "stripped")
        }
        return replace(doc, **lists)  # type: ignore[arg-type]

    def document(doc: Document | None) -> Document | None:
        return elements(doc) if doc is not None else None

    return replace(
        campaign,
        static=document(campaign.static),
        partial_documents=[elements(d) for d in campaign.partial_documents],
        renders=[replace(r, document=document(r.document)) for r in campaign.renders],
        variables=[
            v
            for v in campaign.variables
            if (v.where != "html" and not v.file) or shown(v.line, v.file)
        ],
    )


def _at(finding: Finding, places: list[str]) -> Finding:
    """The finding at only these of its places."""
    return replace(finding, location=places[0], locations=tuple(places) if len(places) > 1 else ())


def hiding_nothing(campaign: Campaign, judged: Judged) -> list[tuple[Suppression, tuple[str, ...]]]:
    """Each suppression comment with the codes it names that hide nothing, in the order
    written: only where that is certain (:func:`_idle`). A comment read in the HTML as written
    and in its renderings is one comment: idle only if idle in each."""
    copies: dict[tuple[str, int, tuple[str, ...], str], list[Suppression]] = {}
    for s in suppressions(campaign):
        if s.scope != "invalid":
            copies.setdefault((s.file, s.line, s.codes, s.scope), []).append(s)
    elsewhere = other_files(campaign)
    found = []
    for (*_, codes, _), each in sorted(copies.items()):
        idle = tuple(c for c in codes if all(_idle(s, c, judged, elsewhere) for s in each))
        if idle:
            found.append((each[0], idle))
    return found


def _idle(s: Suppression, written: str, judged: Judged, elsewhere: list[str]) -> bool:
    """Whether the code (or prefix) ``written`` in ``s`` hides nothing, for certain: every rule
    it names ran on this campaign and could judge it (not ignored, not offline, what it reads
    there), none of them found anything anywhere in the campaign, and where ``s`` applies
    nothing was left unverified for a reason outside the campaign (a finding with a
    ``cause``), no rule of their family said it could not tell (``Finding.unverified``: "could
    not verify", "not understood"; a definite warning, LNK004's http:// link, is no doubt),
    and, for a rule that needs the network, no rule that needs it
    found anything (a host down or silent is every such rule's "could not verify")."""
    prefix = written.strip().upper()
    named = {code for code in judged.codes if code.startswith(prefix)}
    if not named or not named <= judged.judged:
        return False
    if any(f.code in named for f in judged.findings):
        # a finding of the code anywhere in the campaign may be the one the comment was
        # written for: a place's line can miss the comment's (a line of the rendered text
        # after a loop, another part of the campaign, a finding of the whole campaign), and
        # "remove it" would then be wrong advice
        return False
    families = {_family(code) for code in named}
    networked = bool(named & judged.network)
    for f in judged.findings:
        at = [place_lines(place, elsewhere) for place in f.places or ("",)]
        if not any(s.spans(lines, file) for file, lines in at):
            continue
        if f.cause or (networked and f.code in judged.network):
            return False
        if f.unverified and _family(f.code) in families:
            # could not tell there ("could not verify", "not understood"): a definite
            # warning of the family (LNK004's http:// link) is no such doubt
            return False
    return True


def _family(code: str) -> str:
    return code.rstrip("0123456789")
