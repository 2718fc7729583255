"""SPAM: the campaign's score from a local SpamAssassin, when one is configured."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.i18n import t
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule
from mailcheck.spam import SpamScore, spam_key


@rule(
    "SPAM001",
    "spam-score",
    Severity.WARNING,
    network=True,
    short="[spam] spamd set: SpamAssassin score from warn (5) W, from error (10) E",
)
def spam_score(ctx: Context) -> Iterator[Problem]:
    """## What it does
    With `[spam] spamd = "host:port"`: scores the campaign as sent (an `.eml` as it is, a
    template as rendered, with the headers the ESP adds) with a local SpamAssassin, and
    reports a score from `warn` (5.0) as a warning and from `error` (10.0) as an error,
    listing the rules hit. A spamd that cannot be reached is a warning "could not score".

    ## Why it matters
    Many corporate and hosting filters run SpamAssassin: a campaign that scores 5 lands in
    spam there, and the rules hit name the cause (an all-caps subject, an image-only body, a
    URL shortener).

    ## Example
    `6.2 points: DRUGS_ERECTILE 1.8, MISSING_DATE 2.7 …`

    ## How to fix
    Remove what the highest-scoring rules point at. Run spamd with `--local` so that no
    network test (blocklists) makes the score depend on the checker's network.
    """
    if not ctx.config.spam.spamd:
        return
    found = ctx.facts.spam.get(spam_key(ctx.campaign))
    if not isinstance(found, SpamScore):
        return
    if found.score is None:
        yield Problem(t("could not score: {reason}", reason=found.error), location="spamd")
        return
    spam = ctx.config.spam
    if found.score < spam.warn:
        return
    hits = sorted((r for r in found.rules if r[1] > 0), key=lambda r: -r[1])
    shown = ", ".join(f"{name} {points:g}" for name, points, _ in hits[:8])
    severity = Severity.ERROR if found.score >= spam.error else Severity.WARNING
    limit = spam.error if severity is Severity.ERROR else spam.warn
    yield Problem(
        t(
            "SpamAssassin score {score} (limit {limit}): {rules}",
            score=f"{found.score:g}",
            limit=f"{limit:g}",
            rules=shown,
        ),
        location="spamd",
        severity=severity,
    )
