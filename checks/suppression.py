"""SUP: the campaign's own suppression comments, judged once every other rule has run."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.i18n import Joined, t
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule


@rule(
    "SUP001",
    "suppression-hides-nothing",
    Severity.WARNING,
    after=True,
    short="a <!-- mailcheck: ignore CODE --> with no CODE finding where it applies",
)
def suppression_hides_nothing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports suppression comments that hide nothing. A `<!-- mailcheck: ignore CODE -->` (or
    `ignore-file CODE`) hides nothing when the rule of the code ran on this campaign and found
    nothing in it: a finding of the code anywhere in the campaign keeps the comment unreported,
    since a finding's line can miss the comment's (a line of the text rendered by a template's
    loop, another part of the campaign). A comment in one of the campaign's partials is judged
    as one in its template, at the partial's line. One finding per campaign lists every such
    comment, its line and its codes (of a comment naming several, only those that hide
    nothing).

    A code is only reported when that is certain: not when its rule did not run (ignored or
    not selected, a network rule under `--offline`, DNS silent), nor when it could not judge
    the campaign (the headers it reads unknown, `profile = "ru"` not set), nor when, where the
    comment applies, a check could not tell ("could not verify", a template not understood, a
    host that answered nothing). A comment naming SUP001 itself is never reported.

    ## Why it matters
    A comment written for a defect that has since been fixed, or put before the wrong element,
    silences nothing today; the day the code finds something there again, the comment hides it
    and the campaign passes with it unseen.

    ## Example
    `<!-- mailcheck: ignore LNK004 -->` before a link that now starts with `https://`.

    ## How to fix
    Remove the comment (or the codes of it that hide nothing), or move it before the element
    it was meant for. Ignore SUP001 to keep such comments without a warning.
    """
    judged = ctx.judged
    if judged is None:
        return
    from mailcheck.suppression import comment_at, hiding_nothing

    idle = hiding_nothing(ctx.campaign, judged)
    if not idle:
        return
    places = tuple(dict.fromkeys(comment_at(ctx.campaign, s) for s, _ in idle))
    if len(idle) == 1:
        ((s, codes),) = idle
        message = t(
            "suppression comment hides nothing: no {codes} finding where the comment on line "
            "{line} applies; remove it, or it will hide a later one unseen",
            codes=", ".join(codes),
            line=s.line,
        )
    else:
        comments = [
            t("{codes} on line {line}", codes=", ".join(codes), line=s.line) for s, codes in idle
        ]
        message = t(
            "{count} suppression comments hide nothing (no finding of the code where each "
            "applies): {comments}; remove them, or they will hide later ones unseen",
            count=len(idle),
            comments=Joined("; ", comments),
        )
    yield Problem(message, locations=places, lines_said=True)
