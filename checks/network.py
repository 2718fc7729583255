"""NET: what this machine's network kept mailcheck from checking."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.i18n import t
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule


@rule(
    "NET001",
    "dns-silent",
    Severity.WARNING,
    network=True,
    short="DNS answered nothing this run: every check that needed it, listed in one finding",
)
def dns_silent(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Says once per campaign that DNS answered none of the run's questions, and lists every
    check that could not be made for it. The configured nameservers (or the system resolver)
    timed out or could not be reached; links and images whose host could not be looked up,
    SPF, DKIM, DMARC and the blocklists were not verified, and those checks report nothing of
    their own.

    ## Why it matters
    One cause, outside the campaign, would otherwise show as a "could not verify" warning per
    link host, per sender domain and per record — a wall of warnings that hides whatever else
    the run found. Nothing that needed DNS was verified: this finding says so, and where.

    ## Example
    A CI runner without a way out: `[dns] nameservers` points at a resolver that is not
    running, and a campaign's 3 link hosts, its SPF, DMARC and the blocklists all time out.

    ## How to fix
    Run the check where DNS answers: start the resolver, or point `[dns] nameservers` (or
    `MAILCHECK_NAMESERVERS`) at one that works. Ignore NET001 to see each check's own
    "could not verify" instead.
    """
    why = ctx.facts.dns_silent
    if not why:
        return
    from mailcheck.auth_model import needs_dns

    looked_up = (ctx.facts.link(link.href) for link in ctx.all_links())
    if needs_dns(ctx.campaign) or any(found and found.no_dns for found in looked_up):
        yield Problem(
            t("{why}: nothing that needs DNS could be checked", why=why), "DNS", unverified=True
        )
