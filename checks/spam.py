"""SPAM: the campaign's score from a local SpamAssassin or rspamd, when one is configured."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.i18n import t
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule
from mailcheck.spam import SpamScore, spam_key


def _scanner_set(ctx: Context) -> bool:
    return bool(ctx.config.spam.spamd or ctx.config.spam.rspamd)


@rule(
    "SPAM001",
    "spam-score",
    Severity.WARNING,
    network=True,
    short="spam filter score too high (SpamAssassin or rspamd, when one is set up)",
    applies=_scanner_set,
)
def spam_score(ctx: Context) -> Iterator[Problem]:
    """## What it does
    With `[spam] spamd = "host:port"` (SpamAssassin) or `[spam] rspamd = "http://host:port"`
    (rspamd's normal worker): scores the campaign as sent (an `.eml` as it is, a template as
    rendered, with the headers the ESP adds) with that local scanner, and reports a score
    from `warn` (5.0) as a warning and from `error` (10.0) as an error, listing the rules
    (rspamd: symbols) hit. A scanner that cannot be reached or answers what is not a score
    is a warning "could not score".

    ## Why it matters
    Many corporate and hosting filters run SpamAssassin or rspamd: a campaign that scores 5
    lands in spam there, and the rules hit name the cause (an all-caps subject, an
    image-only body, a URL shortener).

    ## Example
    `SpamAssassin score 6.2 (limit 5): DRUGS_ERECTILE 1.8, MISSING_DATE 2.7 …`

    ## How to fix
    Remove what the highest-scoring rules point at. Run the scanner without network tests
    (spamd with `--local`; rspamd with its blocklist, fuzzy and reputation modules off) so
    that the score does not depend on the checker's network.
    """
    if not (ctx.config.spam.spamd or ctx.config.spam.rspamd):
        return
    found = ctx.facts.spam.get(spam_key(ctx.campaign))
    if not isinstance(found, SpamScore):
        return
    if found.score is None:
        yield Problem(
            t("could not score: {reason}", reason=found.error),
            location=found.scanner,
            unverified=True,
        )
        return
    spam = ctx.config.spam
    if found.score < spam.warn:
        return
    # a forced action (rspamd's GTUBE) scores with rules of 0 points: then those are the cause
    hits = sorted((r for r in found.rules if r[1] > 0), key=lambda r: -r[1]) or found.rules
    shown = ", ".join(f"{name} {points:g}" for name, points, _ in hits[:8])
    severity = Severity.ERROR if found.score >= spam.error else Severity.WARNING
    limit = f"{spam.error if severity is Severity.ERROR else spam.warn:g}"
    score = f"{found.score:g}"
    if found.scanner == "rspamd":
        message = t(
            "rspamd score {score} (limit {limit}; rspamd's action: {action}): {rules}",
            score=score,
            limit=limit,
            action=found.action or "?",
            rules=shown,
        )
    else:
        message = t(
            "SpamAssassin score {score} (limit {limit}): {rules}",
            score=score,
            limit=limit,
            rules=shown,
        )
    yield Problem(message, location=found.scanner, severity=severity)
