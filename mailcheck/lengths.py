"""The length of a rendered subject or preheader, when part of it is known only at the send.

Subjects are measured as rendered with the longest sample values, but three kinds of text in
them have no length before the send: what the ESP fills in itself (the recipient's address, a
web-version URL, the campaign's name), which mailcheck renders as stand-ins whose length says
nothing; the tags of a template mailcheck could not read (PER007), left as written; and a
template pack's stand-in for a name ("[Product Name]"), which the final copy replaces. Their
length is not counted: what remains over the limit is certain; only with them, it is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mailcheck.i18n import t
from mailcheck.linkinfo import SYSTEM_PLACEHOLDER_HOST
from mailcheck.model import Campaign, Severity, Variable
from mailcheck.rules import Problem
from mailcheck.templating.breakage import leftover_tags
from mailcheck.templating.system import placeholder
from mailcheck.text import grapheme_len, quoted, quoted_names

# The name stand-ins of template packs that BRF001 reports as placeholder copy (Postmark's
# "Your trial period for [Product Name] is about expired"): the real name may be longer or
# shorter, so a length counted with them says nothing
_NAME_STAND_IN = re.compile(r"\[(?:product|company) name\]", re.IGNORECASE)


def is_name_stand_in(text: str) -> bool:
    """Whether ``text`` is a template pack's stand-in for a name ("[Product Name]")."""
    return _NAME_STAND_IN.fullmatch(text) is not None


# The subject prefix ESPs put on a test send ("[Test] …" at MailerLite and Shopify Email,
# "TEST: " at FluentCRM, "[Test]: " at Salesforce Marketing Cloud), and a Russian team's
# "[Тест]" (only bracketed: «Тест: какой вы покупатель?» is a quiz's subject): not the live one
_TEST_SEND = re.compile(r"\s*(?:\[\s*(?:test|тест)\s*\]\s*:?|test\s*:)\s*", re.IGNORECASE)


def test_send_prefix(subject: str) -> str:
    """The ESP's test-send prefix a saved message's subject starts with ("[Test] "), or ""."""
    match = _TEST_SEND.match(subject)
    return match.group(0) if match else ""


# The tag a receiving spam filter writes before a saved message's subject (SpamAssassin's
# "*****SPAM*****", amavis's "***SPAM***", "[SPAM]"), once or more: the mailbox's, not the
# sender's
_FILTER_TAG = re.compile(r"\s*(?:\*{3,5}\s*SPAM\s*\*{3,5}|\[\s*SPAM\s*\])\s*", re.IGNORECASE)


def _prefixes(subject: str, campaign: Campaign) -> tuple[list[str], list[str], str]:
    """A saved message's subject read from its start: (the tags a receiving spam filter put
    before it, the prefixes the ESP put on a test send, the rest)."""
    tags: list[str] = []
    tests: list[str] = []
    rest = subject
    while campaign.kind == "eml":
        if tag := _FILTER_TAG.match(rest):
            tags.append(tag.group(0).strip())
            rest = rest[tag.end() :]
        elif test := _TEST_SEND.match(rest):
            tests.append(test.group(0).strip())
            rest = rest[test.end() :]
        else:
            break
    return tags, tests, rest


def left_out(subject: str, campaign: Campaign) -> tuple[str, str]:
    """What :func:`live_subject` leaves out of a subject: (the tags a receiving spam filter
    put before it, the prefix the ESP put on a test send), each "" when there is none."""
    tags, tests, _ = _prefixes(subject, campaign)
    return " ".join(tags), " ".join(tests)


def live_subject(subject: str, campaign: Campaign) -> str:
    """The subject recipients get: a saved message's without the prefix its ESP put on a
    test send, and without the tag a receiving spam filter put before it."""
    return _prefixes(subject, campaign)[2]


# What a mail client shows of a run of blanks: one space (a folded header's line break and
# the indent after it, "Now\r\n    Available!", read "Now Available!"). A line break with no
# blank after it is no fold: SUB003's, and shown as written
_BLANKS = re.compile(r"(?:\r?\n)?[ \t]+")


def displayed(subject: str) -> str:
    """The subject as a mail client shows it: each run of blanks (a fold among them) one
    space, none at the ends."""
    return _BLANKS.sub(" ", subject).strip()


@dataclass(frozen=True)
class Measured:
    length: int  # user-perceived characters of what is known before the send
    unknown: tuple[str, ...]  # what was not counted: ESP-filled variables, unread tags
    shown: str  # the text, each ESP-filled stand-in shown as its variable ("[Email]")
    stand_ins: tuple[str, ...] = ()  # not counted either: names the final copy puts in

    @property
    def certain(self) -> bool:
        return not self.unknown and not self.stand_ins


def measure(text: str, campaign: Campaign) -> Measured:
    """``text`` (a rendered subject or preheader) measured without what the send fills in."""
    text = text.strip()
    known = shown = text
    unknown: list[str] = []
    for variable in campaign.variables:
        if not variable.system or variable.name in unknown:
            continue
        value = placeholder(variable.name)
        # a year or a date renders as itself; an address, a URL or an id is a stand-in, in
        # any case a filter wrote it in ({{ campaign.subject | upcase }}: "ESP-CAMPAIGN-SUBJECT")
        if SYSTEM_PLACEHOLDER_HOST not in value and not value.startswith("esp-"):
            continue
        written = re.compile(re.escape(value), re.IGNORECASE)
        if written.search(known):
            unknown.append(variable.name)
            known = written.sub("", known)
            shown = written.sub(f"[{variable.name}]".replace("\\", "\\\\"), shown)
    if campaign.dialect_unclear:  # not rendered: its tags are in the text as written
        for tag in leftover_tags(known):
            if tag in known:
                unknown.append(tag)
                known = known.replace(tag, "")
    stand_ins = tuple(dict.fromkeys(m.group(0) for m in _NAME_STAND_IN.finditer(known)))
    known = _NAME_STAND_IN.sub("", known)
    return Measured(grapheme_len(known), tuple(unknown), shown, stand_ins)


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def platform_fills_all(measured: Measured, campaign: Campaign) -> bool:
    """Whether the measured text is, but for spaces and punctuation, only what the platform
    fills in when it sends (Keila's ``{{ campaign.subject }}``, Mailchimp's
    ``*|MC_PREVIEW_TEXT|*``): nothing of it is known before the send, its length neither."""
    filled = _platform_filled(measured, campaign)
    if not filled or measured.stand_ins:
        return False
    rest = measured.shown
    for name in filled:
        rest = rest.replace(f"[{name}]", "")
    return not _LETTER_OR_DIGIT.search(rest)


# The platform's own subject and preview text (Keila's campaign.subject and
# campaign.preview_text, Mailchimp's MC:SUBJECT and MC_PREVIEW_TEXT, Mautic's subject): a whole
# line of copy the campaign's author writes in the platform, of any length
_PLATFORM_LINE = re.compile(r"(?:^|[.:_])(?:subject|preview_text)$", re.IGNORECASE)


def platform_lines(measured: Measured, campaign: Campaign) -> tuple[str, ...]:
    """The platform's own subject or preview text (as its variables' names) that the measured
    text holds beside words of the sender's: what is known of its length is the sender's
    words alone."""
    filled = _platform_filled(measured, campaign)
    return tuple(name for name in filled if _PLATFORM_LINE.search(name.strip()))


def _platform_filled(measured: Measured, campaign: Campaign) -> list[str]:
    """The variables of the measured text whose value the platform fills in at the send."""
    system = {v.name for v in campaign.variables if v.system}
    return [name for name in measured.unknown if name in system]


def over_with_unknown(
    measured: Measured, limit: int, place: str, *, over: str, unverified: str
) -> Problem:
    """The finding of a text over ``limit`` once the send (or the final copy) fills it in: an
    error when what is known is over it already, else a warning "could not verify". ``over``
    and ``unverified`` are message templates (marked N_) with {length}, {unknown}, {limit} and
    {text}."""
    said = {
        "length": measured.length,
        "unknown": quoted_names(measured.unknown + measured.stand_ins),
        "limit": limit,
        "text": quoted(measured.shown),
    }
    if measured.length > limit:
        return Problem(t(over, **said), place)
    return Problem(t(unverified, **said), place, severity=Severity.WARNING)


# A first name's typical length, which a name no sample gives is measured with: the median of
# the common Russian and English first names (Анна, Ольга 4-5; Сергей, Андрей, Daniel 6;
# Наталья, Michael 7; Александра 10) is about 6 letters.
TYPICAL_NAME = 6


@dataclass(frozen=True)
class LengthWords:
    """What a part's length finding says (templates marked N_, each with {length}, {limit}
    and {text}): over the limit as written or rendered, and "could not verify" when it fits
    only with a variable rendered empty (with {names}, {named} and {letters})."""

    over: str  # no variable in it: measured as written
    rendered: str  # with {variant}: the longest sample values, or the fallbacks
    empty: str  # with {names}: variables no sample or fallback gives, rendered empty
    rendered_empty: str  # with {variant} and {names}: both
    unverified: str  # within the limit only with {names} empty: {named} with a typical name


def variant_said(
    label: str | None, variables: Sequence[Variable], empty: tuple[str, ...]
) -> str | None:
    """The variant a "(rendered with …)" names: ``label`` only of a text whose variables
    (``variables``) include some besides ``empty`` — those no sample or fallback gives,
    rendered empty and said apart; None for a text without such variables (measured as
    written)."""
    if empty:
        others = any(not v.system and v.name not in empty for v in variables)
    else:
        others = bool(variables)
    return label if others else None


def over_as_rendered(
    measured: Measured,
    limit: int,
    place: str,
    words: LengthWords,
    *,
    variant: str | None,
    empty: tuple[str, ...],
) -> Problem:
    """The error of a text certainly over ``limit``, saying how it was rendered: with
    ``variant`` (None: not said, as of a text without variables besides ``empty``), and with
    ``empty``, the variables no sample gives and no fallback fills, rendered empty — the
    shortest the text can be ("rendered with fallbacks" was said where no fallback stood)."""
    said: dict[str, object] = {
        "length": measured.length,
        "limit": limit,
        "text": quoted(measured.shown),
    }
    if empty:
        said["names"] = quoted_names(empty)
    if variant is not None:
        said["variant"] = variant
    if empty and variant is not None:
        template = words.rendered_empty
    elif empty:
        template = words.empty
    elif variant is not None:
        template = words.rendered
    else:
        template = words.over
    return Problem(t(template, **said), place)


def with_a_typical_name(
    empty: str,
    named: str,
    names: tuple[str, ...],
    limit: int,
    campaign: Campaign,
    place: str,
    words: LengthWords,
) -> Problem | None:
    """The "could not verify" of a text within ``limit`` only because ``names``, variables
    no sample gives and no fallback fills, render empty in it (``empty``): ``named``, the same
    text rendered with each as "[name]", is over the limit with a name of typical length
    (:data:`TYPICAL_NAME`) where they stand. None when it fits so too, or when a filter
    changed what stands there (its length is not known)."""
    if not names:
        return None
    marks = re.compile("|".join(re.escape(f"[{name}]") for name in names), re.IGNORECASE)
    if not marks.search(named):
        return None
    with_a_name = measure(marks.sub("x" * TYPICAL_NAME, named), campaign)
    if with_a_name.length <= limit:
        return None
    message = t(
        words.unverified,
        length=measure(empty, campaign).length,
        names=quoted_names(names),
        named=with_a_name.length,
        letters=TYPICAL_NAME,
        limit=limit,
        text=quoted(measure(named, campaign).shown),
    )
    return Problem(message, place, severity=Severity.WARNING)
