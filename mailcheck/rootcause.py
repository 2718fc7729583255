"""One root cause, one finding: a cause outside what mailcheck could read is reported once.

When DNS answers nothing during a run, every check that waited for it fails for that one
reason; when a template pulls in partials mailcheck does not have, what should be in them
(the unsubscribe link, the brief's text) may well be. Rules mark such problems with a
``cause`` (:data:`mailcheck.rules.NO_DNS`, :data:`~mailcheck.rules.UNREAD_PARTS`); the rule
that names the cause (NET001; PER009 or PER007) then reports them all, listing their checks
and places, and keeps them in ``folded`` for whoever reads a check's state (the
authentication lines). When that rule is not run (ignored, not selected), every problem stays
as its rule reported it: nothing unchecked passes in silence.

Causes inside the campaign are folded the same way: a link unnamed only because its images
have no alt attribute (A11Y004, :data:`~mailcheck.rules.ALT_MISSING`) is IMG001's image; an
unsubscribe link missing because a comment left open hides it (UNS001,
:data:`~mailcheck.rules.IN_UNCLOSED_COMMENT`) is HTML001's comment; a preheader too long
because it is placeholder copy (PRE002, :data:`~mailcheck.rules.PLACEHOLDER_PREHEADER`) is
BRF001's placeholder; no preheader because the HTML body has no text
(PRE001, :data:`~mailcheck.rules.EMPTY_HTML`) beside a text part empty or missing is TXT001's
blank message. What a fragment of a page or an application's view lacks (no
unsubscribe link, no preheader: :data:`~mailcheck.rules.OUTSIDE_LAYOUT`) is one "could not
verify": the layout mailcheck has not seen may hold it all (UNS001 says it, or PRE001 alone).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from mailcheck.i18n import N_, Joined, first_and_more, t
from mailcheck.model import Finding, Severity
from mailcheck.rules import (
    ALT_MISSING,
    EMPTY_HTML,
    HOST_DOWN,
    HOST_TURNED_AWAY,
    HOST_UNREACHED,
    IN_UNCLOSED_COMMENT,
    LINKS_DEADLINE,
    NO_DNS,
    NON_PUBLIC,
    OUTSIDE_LAYOUT,
    PLACEHOLDER_PREHEADER,
    UNREAD_PARTS,
)

# the cause, and the codes of the rules that report it (the first one found does)
ROOT_CAUSES = {NO_DNS: ("NET001",), UNREAD_PARTS: ("PER009", "PER007")}


def fold(findings: list[Finding]) -> list[Finding]:
    """``findings`` with those a root-cause finding explains folded into it."""
    findings = _fold_hosts(findings)
    findings = _fold_same_url(findings)
    findings = _fold_into(findings, "IMG001", ALT_MISSING, _UNNAMED_BY_MISSING_ALT)
    findings = _fold_into(findings, "HTML001", IN_UNCLOSED_COMMENT, _HIDDEN_BY_OPEN_COMMENT)
    findings = _fold_placeholder_preheader(findings)
    findings = _fold_into(findings, "TXT001", EMPTY_HTML, _BLANK_MESSAGE)
    findings = _fold_outside_layout(findings)
    for cause, codes in ROOT_CAUSES.items():
        root = next((f for code in codes for f in findings if f.code == code), None)
        folded = [f for f in findings if f.cause == cause]
        if root is None or not folded:
            continue
        counts = Counter(f.code for f in folded)
        checks = Joined(
            ", ", [name if n == 1 else f"{name} ×{n}" for name, n in sorted(counts.items())]
        )
        if cause == UNREAD_PARTS:
            said = t(_MAYBE_IN_UNREAD, message=root.message, checks=_looked_for(counts))
        else:
            said = t("{message}; not verified: {checks}", message=root.message, checks=checks)
        merged = _merged(root, folded, said)
        findings = [merged if f is root else f for f in findings if f.cause != cause]
    return findings


# What a check that found nothing looks for, when the parts mailcheck did not read may hold it
_MAYBE_IN_UNREAD = N_(
    "{message}; not reported as missing, since what mailcheck did not read may hold it: {checks}"
)
_LOOKED_FOR = {
    "UNS001": N_("the unsubscribe link ({code})"),
    "PRE001": N_("the preheader ({code})"),
    "BRF004": N_("the brief's expected text ({code})"),
    "BRF005": N_("the brief's expected links ({code})"),
}


def _looked_for(counts: Counter[str]) -> Joined:
    """ "the unsubscribe link (UNS001), the brief's expected text (BRF004 ×2)": what each
    check looks for, with its code (and how many of its findings); a check not listed here,
    by its code alone."""
    said = []
    for code, n in sorted(counts.items()):
        shown = code if n == 1 else f"{code} ×{n}"
        said.append(t(_LOOKED_FOR[code], code=shown) if code in _LOOKED_FOR else shown)
    return Joined(", ", said)


def _fold_hosts(findings: list[Finding]) -> list[Finding]:
    """A host that is down is one finding however many rules met it (a link, an image and
    the unsubscribe link on one refusing host): the first one reports the others' places.
    So is a host that answered this machine nothing (the BIMI logo and mark certificate on
    one host that timed out): one "could not verify", kept apart from a host proven down.
    So is a host that turned the checker away (a bot wall: the links and the banner behind
    one Cloudflare challenge), one finding for each way it did.
    Hosts not requested because their names resolve to non-public addresses here are one
    cause together (:data:`~mailcheck.rules.NON_PUBLIC`): this machine's DNS, maybe. So are
    the links, images and unsubscribe links the run's links deadline left unanswered
    (:data:`~mailcheck.rules.LINKS_DEADLINE`): the run's cause, whatever their hosts."""
    by_host: dict[str, list[Finding]] = {}
    for f in findings:
        if f.cause.startswith((HOST_DOWN, HOST_UNREACHED, HOST_TURNED_AWAY)) or (
            f.cause in (NON_PUBLIC, LINKS_DEADLINE)
        ):
            by_host.setdefault(f.cause, []).append(f)
    for group in by_host.values():
        root, *others = sorted(group, key=lambda f: f.code)
        others = [f for f in others if f.severity is root.severity]
        if not others:
            continue
        codes = Joined(", ", sorted({f.code for f in others}))
        same = (
            N_("{message}; the same cause: {checks}")
            if root.cause in (NON_PUBLIC, LINKS_DEADLINE)
            else N_("{message}; the same host: {checks}")
        )
        said = t(same, message=root.message, checks=codes)
        merged = _merged(root, others, said)
        # the image's and the unsubscribe link's URLs too, not only the root's: every URL
        # of the host is one to open before sending
        # (not where the places are the URLs already: a domain's documents)
        own = _urls_of(root)
        more = [u for f in others for u in _urls_of(f) if u not in own]
        if more and not set(more) <= set(merged.places):
            more = list(dict.fromkeys(more))
            named = more if root.urls else [*own, *more]  # a group's message names its own
            said = t("{message} — {urls}", message=said, urls=first_and_more(named, URLS_LISTED))
            merged = replace(merged, message=said, url=None, urls=(*own, *more))
        findings = [merged if f is root else f for f in findings if not any(f is o for o in others)]
    return findings


URLS_LISTED = 3  # of the URLs a folded finding covers, those its message names


def _urls_of(finding: Finding) -> tuple[str, ...]:
    return finding.urls or ((finding.url,) if finding.url else ())


def _fold_into(findings: list[Finding], code: str, cause: str, said: str) -> list[Finding]:
    """What one finding of ``code`` causes inside the campaign is said by that finding, at
    the same severity: ``said`` (marked N_) with its ``{message}`` and the ``{checks}``."""
    root = next((f for f in findings if f.code == code), None)
    if root is None:
        return findings
    folded = [f for f in findings if f.cause == cause and f.severity is root.severity]
    if not folded:
        return findings
    codes = Joined(", ", sorted({f.code for f in folded}))
    merged = _merged(root, folded, t(said, message=root.message, checks=codes))
    return [merged if f is root else f for f in findings if not any(f is o for o in folded)]


# Links unnamed only because their images have no alt attribute (A11Y004) are IMG001's images
_UNNAMED_BY_MISSING_ALT = N_(
    "{message}; links made only of such images have no name either, so a screen reader "
    "reads out their address ({checks})"
)
# An unsubscribe link missing because a comment left open hides it (UNS001) is HTML001's
_HIDDEN_BY_OPEN_COMMENT = N_("{message}; so: {checks}")


# No preheader because the HTML body has no text (PRE001), beside a text part that is empty
# or missing (TXT001): the message has no text at all, one cause
_BLANK_MESSAGE = N_(
    "{message}; the HTML body has no text either: the message is blank, and so is the inbox "
    "preview ({checks})"
)


# A preheader over the limit that is placeholder copy (PRE002) is BRF001's placeholder: its
# length and the limit, as PRE002 says them
_PLACEHOLDER_LENGTH = N_(
    "{message}; the preheader is {length} characters with the placeholder, limit {limit}: "
    "the approved copy replaces it ({checks})"
)
# ... and when the two are not equally certain, what each says
_PLACEHOLDER_AND_LENGTH = N_("{message}; with it, {length} ({checks})")


def _fold_placeholder_preheader(findings: list[Finding]) -> list[Finding]:
    """PRE002's length of a preheader that is placeholder copy (:data:`PLACEHOLDER_PREHEADER`)
    said by the BRF001 finding that names the preheader: one cause, the placeholder, one
    finding at the more severe of the two (a length certainly over the limit stays an error
    beside a warning about a pattern). Unequally certain, the message says both in their own
    words. A BRF001 warning that lists other places too is not made an error by the length:
    its patterns there ("xxx", "City, State 12345") are no certainty, so PRE002's error stays
    beside it."""
    for length in [f for f in findings if f.cause == PLACEHOLDER_PREHEADER]:
        root = next((f for f in findings if f.code == "BRF001" and "preheader" in f.places), None)
        if root is None:
            continue
        raised = length.severity is Severity.ERROR and root.severity is not Severity.ERROR
        if raised and root.places != ("preheader",):
            continue
        values = getattr(length.message, "values", {})
        over = values.get("length", 0) > values.get("limit", float("inf"))
        if length.severity is root.severity and over:
            said = t(
                _PLACEHOLDER_LENGTH,
                message=root.message,
                length=values["length"],
                limit=values["limit"],
                checks=length.code,
            )
        else:  # unequally certain, or a length PRE002 could not verify: in its own words
            said = t(
                _PLACEHOLDER_AND_LENGTH,
                message=root.message,
                length=length.message,
                checks=length.code,
            )
        merged = _merged(root, [length], said)
        if length.severity is Severity.ERROR:
            merged = replace(merged, severity=Severity.ERROR)
        findings = [merged if f is root else f for f in findings if f is not length]
    return findings


# What a fragment of a page or an application's view lacks, which the layout it is sent in may
# hold: the checks' "could not verify" said once, by the first of these that reports it
_OUTSIDE_LAYOUT_ORDER = ("UNS001", "PRE001")
_NOT_IN_FRAGMENT = N_(
    "could not verify {checks}: not in this fragment of a page (no <html>, <head> or "
    "<body>), and the layout it is sent in may hold them: check a test send"
)
_NOT_IN_VIEW = N_(
    "could not verify {checks}: not in this view of an application ({dialect}), and the "
    "layout the application renders it in may hold them: check a test send"
)


def _fold_outside_layout(findings: list[Finding]) -> list[Finding]:
    """The checks that did not find what they look for in a fragment of a page or an
    application's view (:data:`OUTSIDE_LAYOUT`: no unsubscribe link, no preheader) are one
    "could not verify", one cause: the layout mailcheck has not seen may hold them all. The
    first check of :data:`_OUTSIDE_LAYOUT_ORDER` that reports it says what each looked for;
    with one check alone (the others ignored, not selected, suppressed, or finding nothing),
    its own message stands."""
    group = [f for f in findings if f.cause.startswith(OUTSIDE_LAYOUT)]
    order = {code: n for n, code in enumerate(_OUTSIDE_LAYOUT_ORDER)}
    group.sort(key=lambda f: (order.get(f.code, len(order)), f.code))
    if len(group) < 2:
        return findings
    root, *others = group
    others = [f for f in others if f.severity is root.severity and f.cause == root.cause]
    if not others:
        return findings
    # in the order of the checks (the unsubscribe link first), each once
    codes = list(dict.fromkeys(f.code for f in [root, *others]))
    checks = Joined(", ", [t(_LOOKED_FOR[c], code=c) if c in _LOOKED_FOR else c for c in codes])
    view = root.cause.removeprefix(OUTSIDE_LAYOUT)
    if view:
        said = t(_NOT_IN_VIEW, checks=checks, dialect=view)
    else:
        said = t(_NOT_IN_FRAGMENT, checks=checks)
    merged = _merged(root, others, said)
    return [merged if f is root else f for f in findings if not any(f is o for o in others)]


# A dead URL both an image and a link (a banner that links to its own picture) is one cause:
# the image's finding (what the recipient sees broken) lists the link's places too
_IMAGE_AND_LINK = ("LNK006", "LNK001")


def _fold_same_url(findings: list[Finding]) -> list[Finding]:
    images: dict[tuple[str | None, Severity], Finding] = {
        (f.url, f.severity): f for f in findings if f.code == _IMAGE_AND_LINK[0] and f.url
    }
    for link in [f for f in findings if f.code == _IMAGE_AND_LINK[1]]:
        image = images.get((link.url, link.severity))
        if image is None:
            continue
        said = t("{message}; the same URL: {checks}", message=image.message, checks=link.code)
        merged = _merged(image, [link], said)
        places = tuple(sorted(merged.places, key=_in_order(list(merged.places))))  # in order
        merged = replace(merged, location=places[0], locations=places)
        images[(link.url, link.severity)] = merged
        findings = [merged if f is image else f for f in findings if f is not link]
    return findings


def _merged(root: Finding, folded: list[Finding], message: str) -> Finding:
    """``root`` saying ``message``, at its own places and then the folded findings' (in
    order), keeping them in ``folded``."""
    shown = dict.fromkeys(p for f in folded for p in f.places if p not in root.places)
    places = (*root.places, *sorted(shown, key=_in_order(list(shown))))
    return replace(
        root,
        message=message,
        location=places[0],
        locations=places,
        folded=root.folded + tuple(folded),
    )


def _in_order(places: list[str]) -> Callable[[str], tuple[int, str, int]]:
    """Lines of one file or part in their order ("email.html:7, 12"), then the other places
    (record names, headers) as they came."""

    def key(place: str) -> tuple[int, str, int]:
        name, _, line = place.rpartition(":")
        if name and line.isdigit():
            return (0, name, int(line))
        return (1, "", places.index(place))

    return key


def unfolded(findings: list[Finding]) -> list[Finding]:
    """Every finding with the ones folded into it: what each check itself reported."""
    return [each for f in findings for each in (f, *unfolded(list(f.folded)))]
