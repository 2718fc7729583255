"""PRE: the preheader (preview text)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace

from mailcheck.checks.brief import placeholders_in

from mailcheck import bidi
from mailcheck.i18n import N_, t
from mailcheck.lengths import (
    LengthWords,
    is_name_stand_in,
    live_subject,
    measure,
    over_as_rendered,
    over_with_unknown,
    platform_fills_all,
    platform_lines,
    variant_said,
    with_a_typical_name,
)
from mailcheck.model import Campaign, Document, Severity, Variable
from mailcheck.rules import (
    EMPTY_HTML,
    PLACEHOLDER_PREHEADER,
    UNREAD_PARTS,
    Context,
    Problem,
    outside_layout,
    rule,
)
from mailcheck.templating.samples import flatten_sample, sample_has
from mailcheck.templating.system import holds_stand_in, leading_slot
from mailcheck.text import (
    grapheme_len,
    quoted,
    quoted_names,
    quoted_written,
    strip_padding,
    without_references_shown,
)


def _preheader(ctx: Context) -> str:
    """The preheader a reader sees: without the invisible padding (``&zwnj;&nbsp;`` …) that a
    `preheader =` may carry as one taken from the HTML does (that one has lost it already).
    Padding the HTML escapes twice shows as text ("&zwnj;&nbsp;…"): BRF003 says so, and that
    cause is not measured here again."""
    main = ctx.main
    text = main.preheader if main else ctx.campaign.preheader
    if not ctx.campaign.preheader_explicit:
        text = without_references_shown(text or "")
    return strip_padding(text or "")


def _stand_in(*texts: str) -> bool:
    """Whether a quote of ``texts`` would show a value mailcheck renders the platform's own
    variables to ("esp-subscriber-name"): no recipient sees that."""
    return any(holds_stand_in(quoted(text, 60)) for text in texts)


def first_text(
    campaign: Campaign, document: Document | None, static: Document | None, most: int = 60
) -> str:
    """The beginning of the text inboxes show, quoted: as rendered, what the platform fills
    in shown as "[name]" (never mailcheck's stand-in for it), as unseen fields are; or as
    written, where nothing rendered, each tag printing a variable shown so too; "" when
    neither. The report's inbox shows it where there is no preheader."""
    for source in (document, static):
        if source is None or not source.text.strip():
            continue
        if source is not static:
            text = measure(source.text, campaign).shown
        elif campaign.static_text_named is not None and campaign.static_text_named.strip():
            text = campaign.static_text_named
        else:
            text = source.text
        if not _stand_in(text):
            return quoted(text, most)
    return ""


@rule("PRE001", "preheader-missing", Severity.WARNING, short="no preheader")
def preheader_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a campaign with no preheader: neither `preheader =` in `campaign.toml` nor a
    hidden preview element at the top of the HTML body, and quotes the text inboxes show
    instead. A message without an HTML part (plain text only) is not reported: it has no
    element to hide a preheader in, and its preview is its own first line. A fragment of a
    page (no `<html>`, `<head>` or `<body>`) is "could not verify": the layout it is sent in
    may hold the preheader, as may the layout an application renders its view in (a view in
    PHP, detected or `template = "php"`, even a whole page) — UNS001's finding says it with
    the missing unsubscribe link when it has one, one cause — and so is a platform's layout
    whose first text is the slot the platform fills when it sends (Keila's
    `{{ main_content }}`, listmonk's `{{ template "content" . }}`). The text quoted is as
    rendered with the sample values; a value the platform fills in at the send, and a
    variable no sample gives and no fallback fills (a field of Postmark's API call), is quoted
    as its name in brackets where it stands ("Hi [first_name], …"), in every template
    language; so is a tag of a template that could not be rendered (PER004). An HTML body
    with no text at all (`<div>&nbsp;</div>`) has nothing to quote: the finding says the
    preview is blank because of it, and beside a text part that is empty or missing it is
    TXT001's finding, which says the whole message is blank (one cause).

    A preheader that is only what the platform fills in when it sends (Keila's
    `{{ campaign.preview_text }}`, Mailchimp's `*|MC_PREVIEW_TEXT|*`) is "could not verify"
    too: the platform's field may be left empty, and its length is not known. A preheader
    written in the template or `campaign.toml` whose variables render it empty is said so,
    quoted as written (PER001 names the variables), unless they are the data of the API call
    that sends it (Postmark's `TemplateModel`) that no sample recipient gives: it is empty
    here only for want of that data, and PER001 says it cannot verify them.

    ## Why it matters
    Without a preheader, clients fill the preview line with the first body text they find:
    "View in browser", an image's alt text or the legal footer.

    ## Example
    An HTML body that starts with the logo table and no hidden
    `<div style="display:none">…</div>` before it.

    ## How to fix
    Add a hidden preheader element as the first thing in `<body>`, or set `preheader =` in
    `campaign.toml` when the ESP inserts it.
    """
    if ctx.campaign.html is None and not (ctx.main and ctx.main.html):
        return  # plain text only: the first line is the preview, nothing to add
    preheader = _preheader(ctx)
    if preheader:
        measured = measure(preheader, ctx.campaign)
        if platform_fills_all(measured, ctx.campaign):
            # Keila's {{ campaign.preview_text }}, Mailchimp's *|MC_PREVIEW_TEXT|*: the
            # platform's own field, empty where the campaign's author left it so
            message = t(
                "could not verify the preheader: it is {written}, which the platform fills in "
                "when it sends; whether it is set there, and its length (limit {limit}), "
                "mailcheck cannot see: check it where it is set, or a test send",
                written=_written_preheader(ctx) or quoted_names(measured.unknown),
                limit=ctx.config.preheader_max,
            )
            yield Problem(message, location="preheader", unverified=True)
    else:
        main = ctx.main
        static = ctx.campaign.static
        document = main.document if main else static
        # quoted with the API call's fields no sample gives as "[name]", where they stand
        if main is not None and main.unseen_document is not None:
            document = main.unseen_document
        written = _written_preheader(ctx)
        if written and _data_unseen(ctx):
            # its variables are the API call's data that no sample gives (Postmark's
            # TemplateModel): empty only for want of it here, which PER001 says it cannot verify
            return
        if written:
            # written, but empty as rendered: its variables have no value here (PER001)
            first = first_text(ctx.campaign, document, static)
            message = (
                t(
                    "the preheader, {written}, renders empty: inboxes then show the first text "
                    "instead, “{text}”",
                    written=written,
                    text=first,
                )
                if first
                else t("the preheader, {written}, renders empty", written=written)
            )
            yield Problem(message, location="preheader")
            return
        late = document.late_preheader if document is not None else None
        if late is not None:
            text, line, before = late
            if document is not static:  # what the platform fills in as "[name]"
                text = measure(text, ctx.campaign).shown
                before = measure(before, ctx.campaign).shown
            # as written where the render still holds mailcheck's stand-ins
            if static is not None and static.late_preheader and _stand_in(text, before):
                text, line, before = static.late_preheader
            message = t(
                "no preheader at the top: the first hidden text, “{text}”, comes after "
                "visible text, “{before}”, which inboxes show as the preview instead (a "
                "preheader goes first in <body>)",
                text=quoted(text, 40),
                before=quoted(before, 40),
            )
            yield Problem(message, location=ctx.html_at(line))
            return
        # a header partial the template pulls in may hold it: PER009 then lists it
        cause = UNREAD_PARTS if ctx.campaign.outside_parts else ""
        slot = leading_slot(static.text) if static is not None and not cause else None
        first = first_text(ctx.campaign, document, static)
        unverified = True  # a layout or the platform may hold it: "could not verify"
        if ctx.is_fragment and not cause:  # as UNS001 says of its footer
            cause = outside_layout()  # UNS001 says both when it runs (mailcheck.rootcause)
            message = t(
                "could not verify: no preheader in this fragment of a page (no <html>, <head> "
                "or <body>), and the layout it is sent in may hold it: check a test send"
            )
        elif (view := ctx.application_view_language) and not cause:
            # a whole page too: the application renders its views inside a layout of its own
            # that the view does not name (as UNS001 says of its footer)
            cause = outside_layout(view)
            message = t(
                "could not verify: no preheader in this view of an application ({dialect}), "
                "and the layout the application renders it in may hold it: check a test send",
                dialect=view,
            )
        elif slot:  # as UNS001 says of the platform's slots
            message = t(
                "could not verify: no preheader in the layout itself, and its first text is "
                "{slot}, which the platform fills when it sends (inboxes show that text as the "
                "preview): check a test send",
                slot=slot,
            )
        elif first:
            # what the inbox shows in its place, which the QA person judges
            message = t(
                "no preheader (preview text) found: inboxes show the first text instead, “{text}”",
                text=first,
            )
            unverified = bool(cause)
        elif not cause and not any(d is not None and d.text.strip() for d in (document, static)):
            # nothing to quote because there is no text at all (spamassassin's nice/004:
            # <DIV>&nbsp;</DIV>): that is what the reader meets, not a preheader left out
            message = t(
                "no preheader, and the HTML body has no text at all: the inbox preview is blank"
            )
            cause = EMPTY_HTML
            unverified = False
        else:
            message = t("no preheader (preview text) found")
            unverified = bool(cause)
        yield Problem(message, location="preheader", cause=cause, unverified=unverified)


def _data_unseen(ctx: Context) -> bool:
    """Whether the written preheader's variables are all fields of the data the API call that
    sends it passes (Postmark's TemplateModel) that no sample recipient gives: it renders empty
    here for want of that data, which mailcheck cannot see, not for certain."""
    campaign = ctx.campaign
    named = _variables_in_preheader(campaign)
    flats = [flatten_sample(s) for s in campaign.samples]
    return bool(named) and all(
        v.payload and not any(sample_has(f, v.name, campaign.dialect) for f in flats) for v in named
    )


def _variables_in_preheader(campaign: Campaign) -> list[Variable]:
    """The variables the written preheader uses: `preheader =`'s, or those named in the
    unrendered preview element."""
    if campaign.preheader_explicit:
        written = campaign.preheader or ""
    else:
        written = campaign.static.preheader or "" if campaign.static is not None else ""
    return [
        v
        for v in campaign.variables
        if re.search(rf"(?<![\w.]){re.escape(v.name)}(?![\w.])", written)
    ]


def _written_preheader(ctx: Context) -> str:
    """The preheader as written, quoted (“{{ campaign.preview_text }}”): `preheader =` or the
    unrendered preview element; "" when there is none."""
    campaign = ctx.campaign
    if campaign.preheader_explicit:
        written = campaign.preheader or ""
    else:
        written = campaign.static.preheader or "" if campaign.static is not None else ""
    return quoted_written(strip_padding(written))


@rule(
    "PRE002",
    "preheader-too-long",
    Severity.ERROR,
    short="preheader longer than its character limit (90 unless set otherwise)",
)
def preheader_too_long(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a preheader longer than `preheader-max` (90) user-perceived characters, measured
    as rendered with the longest sample values. The invisible padding after a preheader
    (`&zwnj;&nbsp;` runs) is not counted, nor is what the ESP fills in at the send or a
    template pack's stand-in for a name (`[Product Name]`): over the limit only with them, it
    is a warning "could not verify" (said by BRF001's finding about the stand-in, when that
    finding names the preheader: one cause). So is a preheader holding fields of the data the API
    call that sends it passes (Postmark's `TemplateModel`) that no sample recipient gives:
    they render empty here, and the finding quotes them as "[name]" (an error when the rest
    alone is over the limit; a preheader that is nothing but them, `{{preheader}}`, is said to
    be only what the send fills in). So is a preheader that puts the platform's own preview
    text among words of its own (`Read: *|MC_PREVIEW_TEXT|*`): the finding says how many of
    the limit's characters those words take (an error when they alone are over it). So is a
    preview element named only by its class or id
    (`class="preheader"`) that neither a style of its own nor a `<style>` rule (outside
    `@media`) hides: it may be the body's first line rather than preview copy. Hidden by a
    `<style>` rule (`.preheader {display: none}`), it is the preheader, as an inline style's.
    A recipient's variable that no sample gives and no fallback fills (`{{ first_name }}, …`
    with no samples) renders empty, the preheader's shortest: over the limit so, it is an
    error that says the variable was empty; within it only so, and over it with a name of 6
    letters (a typical first name's length) where the variable stands, it is a warning
    "could not verify" that gives both lengths, as SUB002's. A fallback, or a sample's value,
    is measured as it renders.
    A preheader that is placeholder copy ("Use this area to offer a short teaser…") is
    BRF001's finding, which says its length too and is an error when the length certainly is
    over the limit (when BRF001 is not run, PRE002 reports it; so it does when the length is
    certain and BRF001's finding is a warning about other places too, whose patterns are no
    certainty).

    ## Why it matters
    Gmail shows about 90 characters of preview; the rest is cut mid-word.

    ## Example
    A 120-character preheader that lists every category on sale: "Только до воскресенья:
    скидки до 70% на пуховики, ботинки, шапки, шарфы, варежки, перчатки и всё для катка" —
    Gmail shows it up to "варежки, пер…".

    ## How to fix
    Keep the preheader to one short sentence that complements the subject.
    """
    text = _preheader(ctx)
    limit = ctx.config.preheader_max
    measured = measure(text, ctx.campaign)
    lines = platform_lines(measured, ctx.campaign)
    # the platform's own preview text with words around it ("Read: *|MC_PREVIEW_TEXT|*"),
    # whose stand-in measures nothing; only it is PRE001's; over the limit with the words alone,
    # it is an error below
    if lines and measured.length <= limit and not platform_fills_all(measured, ctx.campaign):
        message = t(
            "could not verify the preheader's length: the platform puts its own preview text "
            "({unknown}) in it when it sends, and your words around it take {length} of the "
            "{limit} characters: check the whole in a test send: “{text}”",
            unknown=quoted_names(lines),
            length=measured.length,
            limit=limit,
            text=quoted(measured.shown),
        )
        yield Problem(message, "preheader", severity=Severity.WARNING)
        return
    if grapheme_len(text) <= limit:
        unseen = _unseen_preheader(ctx)
        payload = {v.name for v in ctx.campaign.variables if v.payload}
        if unseen is not None and any(n in payload for n in unseen[1]):
            # the API call's fields no sample gives (Postmark's TemplateModel) render empty
            # here: what the rest measures is certain, the whole is not
            shown = unseen[0]
            names = tuple(n for n in unseen[1] if n in payload)
            filled = replace(measured, unknown=measured.unknown + names, shown=shown)
            if filled.length == 0:
                # nothing but those fields: "0 characters" would say the preview is empty
                message = t(
                    "could not verify the preheader's length: it is only what the send fills "
                    "in ({unknown}), which mailcheck cannot see: “{text}”",
                    unknown=quoted_names(filled.unknown + filled.stand_ins),
                    text=quoted(shown),
                )
                yield Problem(message, "preheader", severity=Severity.WARNING)
                return
            yield over_with_unknown(
                filled,
                limit,
                "preheader",
                over=N_(
                    "preheader is {length} characters without what the send fills in "
                    "({unknown}), limit {limit}: “{text}”"
                ),
                unverified=N_(
                    "could not verify the preheader's length: {length} characters, limit "
                    "{limit}, and then what the send fills in ({unknown}): “{text}”"
                ),
            )
        elif unseen is not None:
            # a recipient's field no sample gives and no fallback fills (a greeting's name):
            # within the limit perhaps only because it rendered empty
            named = with_a_typical_name(
                text, unseen[0], unseen[1], limit, ctx.campaign, "preheader", PREHEADER_LENGTH
            )
            if named is not None:
                yield named
        return
    for problem in _too_long(ctx, text, limit):
        # placeholder copy the final preheader replaces: its length is BRF001's placeholder
        # (a template pack's name stand-in is measured apart: the rest is the layout's copy)
        placeholders = [p for p in placeholders_in(text, field=True) if not is_name_stand_in(p)]
        yield replace(problem, cause=PLACEHOLDER_PREHEADER) if placeholders else problem


def _unseen_preheader(ctx: Context) -> tuple[str, tuple[str, ...]] | None:
    """The preheader with each variable that renders empty here shown as "[name]", and their
    names; None when it holds none. No sample gives them and no fallback fills them: fields of
    the API call's data (Postmark's TemplateModel, PER001's "could not verify"), or a
    recipient's (a name), so its length is not known. They are the subject's kind (SUB002),
    named by the same render step: one inside a block it guards too."""
    main = ctx.main
    if main is None or main.preheader_named is None:
        return None
    names = main.preheader_empty
    shown = main.preheader_named
    if not ctx.campaign.preheader_explicit:
        shown = without_references_shown(shown)
    shown = strip_padding(shown).strip()
    names = tuple(n for n in names if f"[{n}]" in shown)
    return (shown, names) if names else None


PREHEADER_LENGTH = LengthWords(
    over=N_("preheader is {length} characters, limit {limit}: “{text}”"),
    rendered=N_(
        "preheader is {length} characters, limit {limit} (rendered with {variant}): “{text}”"
    ),
    empty=N_(
        "preheader is {length} characters, limit {limit} (rendered with {names} empty: no "
        "sample or fallback gives a value): “{text}”"
    ),
    rendered_empty=N_(
        "preheader is {length} characters, limit {limit} (rendered with {variant}, and "
        "{names} empty: no sample or fallback gives a value): “{text}”"
    ),
    unverified=N_(
        "could not verify the preheader's length: {length} characters with {names} empty (no "
        "sample or fallback gives a value), {named} with a name of {letters} letters, a "
        "typical one, where it stands; limit {limit}: “{text}”"
    ),
)


def _too_long(ctx: Context, text: str, limit: int) -> Iterator[Problem]:
    """PRE002's finding about ``text``, over ``limit``: certain, or "could not verify"."""
    measured = measure(text, ctx.campaign)
    shown = quoted(measured.shown)
    main = ctx.main
    document = main.document if main else ctx.campaign.static
    by_name = document is not None and document.preheader_by_name
    if by_name and not ctx.campaign.preheader_explicit and measured.length > limit:
        message = t(
            "could not verify the preheader: the element named “preheader” holds {length} "
            "characters, limit {limit}, but no style of its own hides it, so it may be the "
            "body's first line, which inboxes cut where it does not fit: “{text}”",
            # what the quoted text holds, "[Product Name]" too (its measure leaves it out)
            length=grapheme_len(measured.shown),
            limit=limit,
            text=shown,
        )
        yield Problem(message, "preheader", severity=Severity.WARNING)
    elif measured.certain:
        # "(rendered with …)" said only of a preheader with variables, as SUB002 says it; those
        # no sample or fallback gives rendered empty, and that is said of them
        unseen = _unseen_preheader(ctx)
        empty = unseen[1] if unseen is not None else ()
        variables = _variables_in_preheader(ctx.campaign)
        label = main.label if main is not None else None
        yield over_as_rendered(
            measured,
            limit,
            "preheader",
            PREHEADER_LENGTH,
            variant=variant_said(label, variables, empty),
            empty=empty,
        )
    elif not measured.unknown:  # only a template pack's stand-in for a name
        # over the limit only with the name that replaces "[Product Name]": the doubt is
        # BRF001's placeholder, which says the length with it (one cause, one finding); over
        # without it, the length is certain and PRE002's own
        problem = over_with_unknown(
            measured,
            limit,
            "preheader",
            over=N_(
                "preheader is {length} characters without the placeholder {unknown}, limit "
                "{limit}: “{text}”"
            ),
            unverified=N_(
                "could not verify the preheader's length: {length} characters, limit {limit}, "
                "and then the name that replaces the placeholder {unknown}: “{text}”"
            ),
        )
        unsure = problem.severity is Severity.WARNING
        yield replace(problem, cause=PLACEHOLDER_PREHEADER) if unsure else problem
    else:
        yield over_with_unknown(
            measured,
            limit,
            "preheader",
            over=N_(
                "preheader is {length} characters without what the send fills in ({unknown}), "
                "limit {limit}: “{text}”"
            ),
            unverified=N_(
                "could not verify the preheader's length: {length} characters, limit {limit}, "
                "and then what the send fills in ({unknown}): “{text}”"
            ),
        )


# str.isalnum() characters, matched in C rather than tested one by one in Python (the same set:
# re's \w is isalnum() plus "_"; a preheader found in the HTML can be a whole paragraph)
_ALNUM_RUN = re.compile(r"[^\W_]+")


def _normalised(text: str) -> str:
    return "".join(_ALNUM_RUN.findall(unicodedata.normalize("NFKC", text.casefold())))


@rule(
    "PRE003", "preheader-repeats-subject", Severity.WARNING, short="preheader repeats the subject"
)
def preheader_repeats_subject(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a preheader that repeats the subject (ignoring case, spaces and punctuation). A
    preheader that starts with the subject and goes on with words of its own (subject "Your
    order", preheader "Your order is on its way") says something the subject does not: no
    repeat.

    ## Why it matters
    Subject and preheader are shown side by side: repeating the subject wastes the second
    line that could carry the offer.

    ## Example
    Subject "Чёрная пятница в ACME", preheader "Чёрная пятница в ACME!".

    ## How to fix
    Use the preheader for what the subject does not say: the deadline, the discount, the
    benefit.
    """
    main = ctx.main
    written = live_subject(main.subject or "", ctx.campaign) if main else ""
    subject = _normalised(written)
    preheader = _preheader(ctx)
    if not subject or _normalised(preheader) != subject:
        return
    # both texts quoted: the reader sees what repeats without opening the file (they may
    # differ in case or punctuation); a value mailcheck rendered a platform's variable to is
    # no text a recipient sees, so then they are not quoted
    shown_pre, shown_subject = (quoted(" ".join(text.split())) for text in (preheader, written))
    if _stand_in(shown_pre, shown_subject):
        message = t("preheader repeats the subject")
    elif ctx.campaign.subject_is_title:
        # a bare HTML file's subject is its <title> only if the ESP's is the same
        message = t(
            "preheader “{preheader}” repeats the <title> “{subject}”, the subject if the "
            "ESP's is the same",
            preheader=shown_pre,
            subject=shown_subject,
        )
    else:
        message = t(
            "preheader “{preheader}” repeats the subject “{subject}”",
            preheader=shown_pre,
            subject=shown_subject,
        )
    yield Problem(message, location="preheader")


def _preheaders_as_written(ctx: Context) -> list[tuple[str, str | None]]:
    """The preheader as written (None) and as each variant renders it, with the invisible
    controls a preheader taken from the HTML loses in its padding-free text."""
    campaign = ctx.campaign
    explicit = campaign.preheader_explicit
    static = campaign.static
    source = campaign.preheader if explicit else (static.preheader_raw if static else None)
    variants: list[tuple[str, str | None]] = [(source or "", None)]
    for rendered in campaign.renders:
        document = rendered.document
        text = rendered.preheader if explicit else (document.preheader_raw if document else None)
        variants.append((text or "", rendered.label))
    return variants


@rule(
    "PRE004",
    "preheader-bidi-control",
    Severity.ERROR,
    short="an invisible text-direction character in the preheader that can reorder what it shows",
)
def preheader_bidi_control(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a preheader that holds a bidirectional override (U+202D, U+202E): an error; a
    bidirectional embedding (U+202A, U+202B) is a warning. Isolates (U+2066–U+2069) and the
    marks right-to-left text uses are not reported. The preheader is read as written, in
    `campaign.toml` or in the HTML's preview element (`&#8238;` included), and as each
    sample recipient's values render it; one finding for the worst character.

    ## Why it matters
    The inbox shows the preheader beside the subject. A right-to-left override shows the text
    after it reversed ("Ваш заказ ", U+202E, "fdp.exe" reads "Ваш заказ exe.pdf"): a
    spoofing trick no real preview text needs, which mailbox providers penalise. Embeddings
    reorder digits and punctuation; Unicode recommends isolates instead.

    ## Example
    `<div style="display:none">Ваш заказ &#8238;fdp.exe</div>`: the preview reads
    "Ваш заказ exe.pdf".

    ## How to fix
    Remove bidirectional overrides and embeddings (often pasted with the text, invisible in
    editors); right-to-left text that needs one uses an isolate (U+2067 … U+2069).
    """
    found = bidi.worst(_preheaders_as_written(ctx))
    if found is None:
        return
    text, char, variant, severity = found
    shown = quoted(strip_padding(bidi.shown(text)))
    code = f"U+{ord(char):04X}"
    override = severity is Severity.ERROR
    if variant is None:
        message = (
            t(
                "the preheader holds a bidirectional override ({code}): the text after it is "
                "shown reordered, a spoofing trick mailbox providers penalise: “{preheader}”",
                code=code,
                preheader=shown,
            )
            if override
            else t(
                "the preheader holds a bidirectional embedding ({code}): it may reorder digits "
                "and punctuation after it: “{preheader}”",
                code=code,
                preheader=shown,
            )
        )
    else:
        message = (
            t(
                "the preheader holds a bidirectional override ({code}) when rendered with "
                "{variant}: the text after it is shown reordered, a spoofing trick mailbox "
                "providers penalise: “{preheader}”",
                code=code,
                variant=variant,
                preheader=shown,
            )
            if override
            else t(
                "the preheader holds a bidirectional embedding ({code}) when rendered with "
                "{variant}: it may reorder digits and punctuation after it: “{preheader}”",
                code=code,
                variant=variant,
                preheader=shown,
            )
        )
    yield Problem(message, location="preheader", severity=severity)
