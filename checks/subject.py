"""SUB: the subject line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailcheck import bidi
from mailcheck.i18n import N_, t
from mailcheck.lengths import (
    LengthWords,
    displayed,
    left_out,
    live_subject,
    measure,
    over_as_rendered,
    over_with_unknown,
    platform_fills_all,
    platform_lines,
    variant_said,
    with_a_typical_name,
)
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule
from mailcheck.text import grapheme_len, quoted, quoted_names, quoted_written, strip_padding


@rule("SUB001", "subject-missing", Severity.ERROR, short="no subject")
def subject_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a campaign without a subject, or whose subject renders empty or only invisible
    characters (zero-width spaces, fillers such as U+3164). A saved message's subject that is
    only the tag a receiving spam filter put before it (`[SPAM]`, `***SPAM***`) or the ESP's
    test-send prefix (`[Test]`) is empty too: recipients get none. A bare HTML file's
    subject is its `<title>`, a guess: an empty or missing one is a warning, and so is one
    whose variables render it empty (the finding quotes it as written), and so is a title
    over the subject's limit that is a visible paragraph of the body word for word: the lead
    pasted into the title, not a subject (SUB002 does not measure it).

    ## Why it matters
    Mail clients show "(no subject)"; spam filters score an empty subject, and recipients
    delete what they cannot identify.

    ## Example
    A `campaign.toml` without `subject = …`, or `subject = "{{ promo_title }}"` when no sample
    recipient has `promo_title`.

    ## How to fix
    Write a subject in `campaign.toml` (or the ESP), and give every variable in it a fallback.
    """
    main = ctx.main
    subject = main.subject if main else ctx.campaign.subject
    if subject is None or not strip_padding(subject):
        if ctx.campaign.subject_is_title:
            static = ctx.campaign.static
            title = strip_padding(static.title or "") if static is not None else ""
            why = (
                # a title that holds only variables with no value here ({{ campaign.subject }}
                # read as Jinja): written, but empty as rendered
                t(
                    "no subject to check: the file's <title>, “{title}”, renders empty, and a "
                    "bare HTML file's subject is set in the ESP (give `subject` in campaign.toml "
                    "to check it)",
                    title=quoted(title),
                )
                if title
                else t(
                    "no subject to check: the file's <title> is empty, and a bare HTML file's "
                    "subject is set in the ESP (give `subject` in campaign.toml to check it)"
                )
                if _TITLE_TAG.search(ctx.campaign.html or "")
                else t(
                    "no subject to check: the file has no <title>, and a bare HTML file's "
                    "subject is set in the ESP (give `subject` in campaign.toml to check it)"
                )
            )
            yield Problem(why, location="subject", severity=Severity.WARNING)
            return
        written = ctx.campaign.subject or ""
        if not written.strip():
            why = t("no subject")
        elif not strip_padding(written):  # zero-width spaces, U+3164 …: an empty line to see
            why = t("the subject is only invisible characters: the inbox shows it empty")
        else:
            why = t("subject renders empty")
        yield Problem(why, location="subject")
        return
    copied = _copied_title(ctx)
    if copied is not None:
        # a paragraph of the copy pasted into the <title>, over the subject's limit: no
        # subject either, rather than a subject too long (SUB002 leaves it to this)
        yield Problem(
            t(
                "no subject to check: the file's <title> is the paragraph at line {line} word "
                "for word ({length} characters), not a subject; a bare HTML file's subject is "
                "set in the ESP (give `subject` in campaign.toml to check it)",
                line=copied[0],
                length=copied[1],
            ),
            location="subject",
            severity=Severity.WARNING,
        )
        return
    # a saved message's subject that is only a receiving spam filter's tag ("[SPAM] ") or the
    # ESP's test-send prefix ("[Test] "): the subject recipients get is empty
    shown = displayed(subject)
    if not strip_padding(live_subject(shown, ctx.campaign)):
        tags, prefix = left_out(shown, ctx.campaign)
        if tags and prefix:
            why = t(
                "no subject: only “{tags}”, the tag a receiving spam filter put before it, "
                "and the test-send prefix “{prefix}”",
                tags=tags,
                prefix=prefix,
            )
        elif tags:
            why = t(
                "no subject: only “{tags}”, the tag a receiving spam filter put before it",
                tags=tags,
            )
        else:
            why = t("no subject: only the test-send prefix “{prefix}”", prefix=prefix)
        yield Problem(why, location="subject")


_TITLE_TAG = re.compile(r"<title[\s>]", re.I)


def _copied_title(ctx: Context) -> tuple[int, int] | None:
    """(line, length) of a bare HTML file's <title> over the subject's limit that is a
    paragraph of the body word for word (the line is that paragraph's): the lead pasted into
    the title (a 201-character one), which no one sends as a subject. A title within the
    limit may well be the subject the copy repeats; one that is no copy is SUB002's."""
    static = ctx.campaign.static
    if not ctx.campaign.subject_is_title or static is None or not static.title_copy_line:
        return None
    length = grapheme_len(strip_padding(static.title or ""))
    return (static.title_copy_line, length) if length > ctx.config.subject_max else None


@rule(
    "SUB002",
    "subject-too-long",
    Severity.ERROR,
    short="subject longer than its character limit (50 unless set otherwise)",
)
def subject_too_long(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a subject longer than `subject-max` (50) user-perceived characters, measured as
    rendered with the longest sample value of each variable. What the ESP fills in at the send
    (the recipient's address) and a template pack's stand-in for a name (`[Product Name]`)
    are not counted, and a bare HTML file's `<title>` is only
    probably its subject: over the limit only with them, it is a warning "could not verify".
    Nor is the prefix an ESP puts on a test send's subject ("[Test] ", "TEST: "): the live
    send has none; nor, in a saved message, the tag a receiving spam filter wrote before it
    ("*****SPAM*****", "***SPAM***", "[SPAM]"). The subject is counted as the inbox shows it:
    a run of blanks, the line break and indent of a folded `Subject:` header among them, is
    one space. A subject that is only what the platform fills in when it sends (Keila's
    `{{ campaign.subject }}`, Mautic's `{subject}`, Mailchimp's `*|MC:SUBJECT|*`) has no
    length mailcheck can know: a warning "could not verify", whatever its stand-in measures,
    and so is one that puts it in with a filter (`{{ campaign.subject | upcase }}`) or writes
    words around it (`*|MC:SUBJECT|* | Shop news`): the finding says how many of the limit's
    characters those words take (an error when they alone are over it). A recipient's
    variable that no sample gives and no fallback fills (`${ Recipient.FirstName }, …` with
    no samples) renders empty, the subject's shortest: over the limit so, it is an error
    that says the variable was empty; within it only so, and over it with a name of 6
    letters (a typical first name's length) where the variable stands, it is a warning
    "could not verify" that gives both lengths.

    ## Why it matters
    Mobile clients cut subjects after 30-50 characters; the offer at the end of a long subject
    is never read. Emoji and letters like "й" count as one character each, as people see them.

    ## Example
    ```toml
    subject = "{{ first_name | default('Друг', true) }}, только сегодня −30% на всю коллекцию"
    ```
    renders to 58 characters with the longest sample name, "Александра".

    ## How to fix
    Shorten the subject: put the offer first and move details to the preheader. Raise
    `subject-max` in the configuration if your audience reads on desktop.
    """
    main = ctx.main
    if not main or not main.subject or _copied_title(ctx) is not None:  # SUB001's: no subject
        return
    limit = ctx.config.subject_max
    # as the inbox shows it: a folded header's line break and indent are one space
    shown = displayed(main.subject)
    whole = measure(shown, ctx.campaign)
    if platform_fills_all(whole, ctx.campaign):
        # Keila's {{ campaign.subject }}, Mautic's {subject}: the platform's own field, which
        # mailcheck renders as a stand-in whose length says nothing
        yield Problem(
            t(
                "could not verify the subject's length: it is {written}, which the platform "
                "fills in when it sends (limit {limit}): check it where it is set, or a test send",
                written=_written(ctx.campaign.subject, whole.unknown),
                limit=limit,
            ),
            location="subject",
            severity=Severity.WARNING,
        )
        return
    lines = platform_lines(whole, ctx.campaign)
    if lines and whole.length <= limit:
        # "*|MC:SUBJECT|* | Shop news": the platform's subject with words around it, whose
        # stand-in measures nothing; over the limit with the words alone, it is an error below
        yield Problem(
            t(
                "could not verify the subject's length: the platform puts its own subject "
                "({unknown}) in it when it sends, and your words around it take {length} of the "
                "{limit} characters: check the whole in a test send: “{subject}”",
                length=whole.length,
                limit=limit,
                unknown=quoted_names(lines),
                subject=quoted(whole.shown),
            ),
            location="subject",
            severity=Severity.WARNING,
        )
        return
    # (with nothing left out, the measured length is the subject's: a 130,000-character
    # subject was counted three times)
    if (whole.length if whole.certain else grapheme_len(shown)) <= limit:
        # within the limit, perhaps only for a name rendered empty that no sample gives
        yield from _with_a_name(ctx, limit)
        return
    # a test send's "[Test] " (the ESP's, or the team's "[Тест]") is on test sends only, and a
    # receiving spam filter's "*****SPAM*****" in the mailbox that saved it: the live subject
    # is the rest
    live = live_subject(shown, ctx.campaign)
    if live != shown:
        length = grapheme_len(live.strip())
        if length <= limit:
            return
        tags, prefix = left_out(shown, ctx.campaign)
        subject = quoted(live.strip())
        if tags and prefix:
            message = t(
                "subject is {length} characters without “{tags}”, the tag a receiving spam "
                "filter put before it, and the test-send prefix “{prefix}”, limit {limit}: "
                "“{subject}”",
                length=length,
                tags=tags,
                prefix=prefix,
                limit=limit,
                subject=subject,
            )
        elif tags:
            message = t(
                "subject is {length} characters without “{tags}”, the tag a receiving spam "
                "filter put before it, limit {limit}: “{subject}”",
                length=length,
                tags=tags,
                limit=limit,
                subject=subject,
            )
        else:
            message = t(
                "subject is {length} characters without the test-send prefix “{prefix}”, "
                "limit {limit}: “{subject}”",
                length=length,
                limit=limit,
                prefix=prefix,
                subject=subject,
            )
        yield Problem(message, location="subject")
        return
    subject = quoted(whole.shown)
    if whole.certain and ctx.campaign.subject_is_title:
        message = t(
            "the file's <title>, the subject if the ESP's is the same, is {length} characters, "
            "limit {limit}: “{subject}”",
            length=whole.length,
            limit=limit,
            subject=subject,
        )
        yield Problem(message, location="subject", severity=Severity.WARNING)
    elif whole.certain:
        # "(rendered with …)" is said only of a subject with variables (one without was
        # measured as written); those no sample or fallback gives rendered empty, which is
        # said of them ("rendered with fallbacks" was said where no fallback stood)
        empty = main.subject_empty
        variables = [v for v in ctx.campaign.variables if v.where == "subject"]
        yield over_as_rendered(
            whole,
            limit,
            "subject",
            SUBJECT_LENGTH,
            variant=variant_said(main.label, variables, empty),
            empty=empty,
        )
    elif not whole.unknown:  # only a template pack's stand-in for a name
        yield over_with_unknown(
            whole,
            limit,
            "subject",
            over=N_(
                "subject is {length} characters without the placeholder {unknown}, limit "
                "{limit}: “{text}”"
            ),
            unverified=N_(
                "could not verify the subject's length: {length} characters, limit {limit}, "
                "and then the name that replaces the placeholder {unknown}: “{text}”"
            ),
        )
    else:
        yield over_with_unknown(
            whole,
            limit,
            "subject",
            over=N_(
                "subject is {length} characters without what the send fills in ({unknown}), "
                "limit {limit}: “{text}”"
            ),
            unverified=N_(
                "could not verify the subject's length: {length} characters, limit {limit}, "
                "and then what the send fills in ({unknown}): “{text}”"
            ),
        )


SUBJECT_LENGTH = LengthWords(
    over=N_("subject is {length} characters, limit {limit}: “{text}”"),
    rendered=N_(
        "subject is {length} characters, limit {limit} (rendered with {variant}): “{text}”"
    ),
    empty=N_(
        "subject is {length} characters, limit {limit} (rendered with {names} empty: no "
        "sample or fallback gives a value): “{text}”"
    ),
    rendered_empty=N_(
        "subject is {length} characters, limit {limit} (rendered with {variant}, and {names} "
        "empty: no sample or fallback gives a value): “{text}”"
    ),
    unverified=N_(
        "could not verify the subject's length: {length} characters with {names} empty (no "
        "sample or fallback gives a value), {named} with a name of {letters} letters, a "
        "typical one, where it stands; limit {limit}: “{text}”"
    ),
)


def _with_a_name(ctx: Context, limit: int) -> Iterator[Problem]:
    """SUB002's "could not verify" for a subject within ``limit`` only because variables no
    sample gives and no fallback fills render empty (:func:`with_a_typical_name`). Over even
    empty, it is an error above."""
    main = ctx.main
    if main is None or main.subject_named is None:
        return
    problem = with_a_typical_name(
        displayed(main.subject or ""),
        displayed(main.subject_named),
        main.subject_empty,
        limit,
        ctx.campaign,
        "subject",
        SUBJECT_LENGTH,
    )
    if problem is not None:
        yield problem


def _written(text: str | None, names: tuple[str, ...]) -> str:
    """A text the platform fills in, as the template writes it (“{{ campaign.subject }}”), or
    the names of its variables when it is not at hand."""
    return quoted_written(text or "") or quoted_names(names)


# Characters a Subject header cannot carry as written: C0 controls (a tab is folding white
# space) and the Unicode line and paragraph separators.
_LINE_BREAK = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]")
_LINE_ENDS = frozenset("\n\r\x0b\x0c\u2028\u2029")


def _shown_control(match: re.Match[str]) -> str:
    char = match.group()
    return "⏎" if char in _LINE_ENDS else f"⟨U+{ord(char):04X}⟩"


@rule(
    "SUB003",
    "subject-line-break",
    Severity.ERROR,
    short="a line break, control or bidi override character in the subject",
)
def subject_line_break(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a subject that holds a line break or another control character — usually a TOML
    multi-line string in `campaign.toml`, or a sample value pasted with its line end — and a
    subject that holds a bidirectional override (U+202D, U+202E): an error. A bidirectional
    embedding (U+202A, U+202B) is a warning; isolates (U+2066–U+2069) and the marks
    right-to-left text uses are not reported.

    ## Why it matters
    A header line cannot hold a line break. ESPs refuse such a subject, or join or cut its
    lines, and the recipient never sees it as written; mail libraries raise an error for it.
    A right-to-left override shows the text after it reversed ("Скидка ", U+202E, "gpj.exe" reads
    "Скидка exe.jpg"): a spoofing trick no real subject needs, which mailbox providers
    penalise. Embeddings reorder digits and punctuation; Unicode recommends isolates instead.

    ## Example
    ```toml
    subject = \"\"\"Big sale
    starts today\"\"\"
    ```

    ## How to fix
    Write the subject on one line; strip line ends from the values that fill it. Remove
    bidirectional overrides and embeddings (often pasted with the text, invisible in editors);
    right-to-left text that needs one uses an isolate (U+2067 … U+2069).
    """
    campaign = ctx.campaign
    # as written first; then each rendering (a sample value may bring the line end)
    variants = [
        (campaign.subject or "", None),
        *((r.subject or "", r.label) for r in campaign.renders),
    ]
    for subject, label in variants:
        found = _LINE_BREAK.search(subject)
        if found:
            yield _line_break(subject, found.group(), label)
            break
    # one finding for the worst bidi control, where it first appears (mailcheck.bidi)
    found_bidi = bidi.worst(variants)
    if found_bidi is not None:
        yield _bidi(*found_bidi)


def _bidi(subject: str, char: str, variant: str | None, severity: Severity) -> Problem:
    """A bidi control in the subject, each shown as its code so the quote reads as written."""
    shown = quoted(bidi.shown(subject))
    code = f"U+{ord(char):04X}"
    override = severity is Severity.ERROR
    if variant is None:
        message = (
            t(
                "the subject holds a bidirectional override ({code}): the text after it is "
                "shown reordered, a spoofing trick mailbox providers penalise: “{subject}”",
                code=code,
                subject=shown,
            )
            if override
            else t(
                "the subject holds a bidirectional embedding ({code}): it may reorder digits "
                "and punctuation after it: “{subject}”",
                code=code,
                subject=shown,
            )
        )
    else:
        message = (
            t(
                "the subject holds a bidirectional override ({code}) when rendered with "
                "{variant}: the text after it is shown reordered, a spoofing trick mailbox "
                "providers penalise: “{subject}”",
                code=code,
                variant=variant,
                subject=shown,
            )
            if override
            else t(
                "the subject holds a bidirectional embedding ({code}) when rendered with "
                "{variant}: it may reorder digits and punctuation after it: “{subject}”",
                code=code,
                variant=variant,
                subject=shown,
            )
        )
    return Problem(message, location="subject", severity=severity)


def _line_break(subject: str, char: str, variant: str | None) -> Problem:
    # a line break is shown as one (⏎); any other control by its code point, as no terminal or
    # report can print it (an ESC of a colour code pasted from a terminal, a BEL)
    shown = quoted(_LINE_BREAK.sub(_shown_control, subject))
    found = list(dict.fromkeys(_LINE_BREAK.findall(subject)))
    code = ", ".join(f"U+{ord(c):04X}" for c in found)
    if all(c in _LINE_ENDS for c in found):
        what = t("a line break ({code})", code=code)
    else:
        what = t("control characters ({code})", code=code)
    if variant is None:
        message = t("the subject holds {what}: “{subject}”", what=what, subject=shown)
    else:
        message = t(
            "the subject holds {what} when rendered with {variant}: “{subject}”",
            what=what,
            variant=variant,
            subject=shown,
        )
    return Problem(message, location="subject")
