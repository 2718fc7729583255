"""DKIM: key records at the selectors that sign (DKIM-Signature s=) or are configured.

Selectors cannot be listed from DNS. With no DKIM-Signature and no configured selector,
nothing is reported (the authentication facts carry a "not verified" note instead). A DNS
timeout or SERVFAIL at a key is a warning "could not verify".
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.auth_model import (
    DkimKey,
    Signature,
    configured_key,
    configured_selectors,
    lookup,
    message_key,
    signatures,
)
from mailcheck.i18n import N_, t
from mailcheck.model import Severity
from mailcheck.rules import NO_DNS, Context, Problem, rule


def _keys(ctx: Context) -> Iterator[DkimKey]:
    wanted: list[tuple[str, str]] = [(s.domain, s.selector) for s in signatures(ctx.campaign)]
    keys = []
    for domain, selector in dict.fromkeys(wanted):
        found = lookup(ctx.facts, domain)
        keys.append(found.dkim.get(selector.lower()) if found else None)
    if from_domain := ctx.from_domain:
        keys += [
            configured_key(ctx.facts, from_domain, sel)
            for sel, _ in configured_selectors(ctx.campaign, ctx.config)
        ]
    yield from {k.name: k for k in keys if k is not None}.values()


# Where a selector was read (DkimKey.source), as a message says it
_SELECTOR_SOURCES = {
    "signature": N_("the DKIM-Signature"),
    "campaign": N_("campaign.toml (dkim-selectors)"),
    "config": N_("the configuration (dkim-selectors)"),
}


def _reported_by(key: DkimKey) -> str:
    """The rule that reports this key's own problem, making every signature with it fail:
    DKIM001 (no key, an unusable record, a lookup that failed) or DKIM002 (revoked, or an RSA
    key under 1024 bits); "" when the key is usable."""
    if key.status in ("missing", "invalid", "error"):
        return "DKIM001"
    if key.status == "revoked":
        return "DKIM002"
    if key.status == "ok" and key.key_type == "rsa" and key.bits is not None and key.bits < 1024:
        return "DKIM002"
    return ""


def _key_reported(ctx: Context, domain: str, selector: str) -> bool:
    """Whether DKIM001 or DKIM002 (when selected) already reports the key at ``selector`` of
    ``domain``: a signature that fails for that reason is the same root cause."""
    found = lookup(ctx.facts, domain)
    key = found.dkim.get(selector.lower()) if found else None
    code = _reported_by(key) if key is not None else ""
    return bool(code) and ctx.config.selects(code)


@rule(
    "DKIM001",
    "dkim-key-missing",
    Severity.ERROR,
    network=True,
    short="no DKIM key at a selector that signs or is configured",
)
def dkim_key_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Looks up the DKIM key at `selector._domainkey.domain` for every selector that signs the
    test send (`s=` and `d=` of its DKIM-Signature) and every configured selector
    (`dkim-selectors`, at the From domain, or at its organisational domain when a subdomain
    has no key of its own: `d=shop.ru` signs `news.shop.ru`'s mail), and reports a selector
    with no key or with a key record that cannot be used.

    A key name DNS said does not exist (NXDOMAIN) is a warning "could not verify" when the
    resolver answered no name of the run at all: it may say NXDOMAIN to every name (one that
    blocks outside names), so its NXDOMAIN proves nothing.

    ## Why it matters
    Receivers cannot verify a signature whose key is missing: DKIM fails, and DMARC then
    depends on SPF alignment alone, which ESPs rarely give.

    ## Example
    The message is signed `d=acme.example; s=k1`, but `k1._domainkey.acme.example` does
    not exist.

    ## How to fix
    Publish the key the ESP gives you (often a CNAME to the ESP) at exactly that name.
    """
    from mailcheck.domain_health import missing_domain_reported

    for key in _keys(ctx):
        if key.status == "missing" and missing_domain_reported(ctx.facts, ctx.config, key.domain):
            continue  # the domain does not exist: DOM001 says so, one root cause
        if key.status == "missing" and key.nxdomain and ctx.facts.nxdomain_unproven:
            # from a resolver that answered no name of the run: it may say so to every name
            yield Problem(
                t(
                    "could not verify the DKIM key at {name}: DNS said NXDOMAIN, but {why}; "
                    "selector from {source}",
                    name=key.name,
                    why=ctx.facts.nxdomain_unproven,
                    source=t(_SELECTOR_SOURCES.get(key.source, key.source)),
                ),
                location=key.name,
                severity=Severity.WARNING,
            )
        elif key.status == "missing":
            yield Problem(
                t(
                    "no DKIM key at {name} ({error}); selector from {source}",
                    name=key.name,
                    error=key.error,
                    source=t(_SELECTOR_SOURCES.get(key.source, key.source)),
                ),
                location=key.name,
            )
        elif key.status == "invalid":
            yield Problem(
                t("the DKIM key at {name} is unusable: {error}", name=key.name, error=key.error),
                key.name,
            )
        elif key.status == "error":
            yield Problem(
                t(
                    "could not verify the DKIM key at {name}: {error}",
                    name=key.name,
                    error=key.error,
                ),
                location=key.name,
                severity=Severity.WARNING,
                cause=NO_DNS,
            )


@rule(
    "DKIM002",
    "dkim-key-weak",
    Severity.ERROR,
    network=True,
    short="DKIM key too short to be trusted (under 2048 bits) or revoked",
)
def dkim_key_weak(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an RSA DKIM key under 1024 bits (error) or under 2048 bits (warning), and a
    revoked key (empty `p=`, error). Sizes are read from the published key.

    ## Why it matters
    Gmail, Yahoo and Outlook ignore signatures with keys under 1024 bits, and 2048 is the
    recommended size; a revoked key makes every signature with that selector fail.

    ## Example
    `k1._domainkey.acme.example TXT "v=DKIM1; k=rsa; p=MFwwDQYJ…"` (a 512-bit key).

    ## How to fix
    Generate a 2048-bit key in the ESP, publish it under a new selector, then switch
    signing to it; sign with a live selector rather than a revoked one.
    """
    for key in _keys(ctx):
        if key.status == "revoked":
            yield Problem(
                t("the DKIM key at {name} is revoked (empty p=)", name=key.name), key.name
            )
        elif key.status == "ok" and key.key_type == "rsa" and key.bits is not None:
            if key.bits < 1024:
                yield Problem(
                    t(
                        "the DKIM key at {name} has {bits} bits (under 1024: ignored by receivers)",
                        name=key.name,
                        bits=key.bits,
                    ),
                    location=key.name,
                )
            elif key.bits < 2048:
                yield Problem(
                    t(
                        "the DKIM key at {name} has {bits} bits (2048 recommended)",
                        name=key.name,
                        bits=key.bits,
                    ),
                    location=key.name,
                    severity=Severity.WARNING,
                )


@rule(
    "DKIM003",
    "dkim-testing-mode",
    Severity.WARNING,
    network=True,
    short="DKIM key in testing mode (t=y)",
)
def dkim_testing_mode(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a DKIM key published in testing mode (`t=y`).

    ## Why it matters
    RFC 6376 lets receivers treat mail signed with a testing key as unsigned, so the
    signature may count for nothing. Testing mode is often left on after set-up.

    ## Example
    `k1._domainkey.acme.example TXT "v=DKIM1; t=y; k=rsa; p=MIIBIjAN…"`.

    ## How to fix
    Remove `t=y` from the key record once signing works.
    """
    for key in _keys(ctx):
        if key.status == "ok" and key.testing:
            yield Problem(
                t("the DKIM key at {name} is in testing mode (t=y)", name=key.name), key.name
            )


def _saved_message(ctx: Context) -> bool:
    """Whether there is a message as sent, whose signature can be verified."""
    return bool(ctx.campaign.raw_message)


@rule(
    "DKIM004",
    "dkim-signature-invalid",
    Severity.ERROR,
    network=True,
    short="the DKIM-Signature of an .eml does not verify",
    applies=_saved_message,
)
def dkim_signature_invalid(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Verifies each DKIM-Signature of a test send (.eml) with dkimpy, against the key
    published in DNS, and reports signatures that do not verify, with dkimpy's reason. As
    receivers do, an `rsa-sha1` signature (RFC 8301) and a signature whose key is restricted
    to `h=sha1` (RFC 6376 §3.6.1) do not verify. An extra signature that fails beside one
    aligned with the From domain that verifies (the ESP's own `d=`) is a warning: DKIM still
    passes for DMARC. A signature whose key is missing, unusable, revoked, under 1024 bits or
    could not be looked up is not reported here: DKIM001 or DKIM002 reports that key, one
    root cause.

    ## Why it matters
    A signature that does not verify is a DKIM fail for receivers: the message was changed
    after signing (a footer added, a line rewrapped), or the published key is not the one
    the ESP signs with.

    ## Example
    The ESP signs with `s=k1`, but `k1._domainkey` still holds the key of an old account.

    ## How to fix
    Publish the ESP's current key at the selector, or have the ESP sign after its last
    change to the message.
    """
    from mailcheck.dmarc import aligned
    from mailcheck.domain_health import missing_domain_reported

    raw = ctx.campaign.raw_message
    if not raw:
        return
    digest = message_key(raw)
    results = [
        (sig, result)
        for sig in signatures(ctx.campaign)
        if (found := lookup(ctx.facts, sig.domain)) is not None
        for result in found.verifications.get(digest, [])
        if result.selector == sig.selector
    ]
    from_domain = ctx.from_domain
    dmarc = lookup(ctx.facts, from_domain)
    adkim = dmarc.dmarc.adkim if dmarc and dmarc.dmarc and dmarc.dmarc.status == "ok" else "r"
    passing = [
        sig.domain
        for sig, result in results
        if result.ok and from_domain and aligned(from_domain, sig.domain, adkim)
    ]
    failing: dict[str, list[Signature]] = {}
    for sig, result in results:
        if result.ok:
            continue
        if missing_domain_reported(ctx.facts, ctx.config, sig.domain):
            continue  # d= names a domain that does not exist: DOM001 says so, one root cause
        if _key_reported(ctx, sig.domain, sig.selector):
            continue  # the key itself is the problem: DKIM001 or DKIM002 says so, one root cause
        where = f"{sig.selector}._domainkey.{sig.domain}"
        if result.dns_error:
            yield Problem(
                t(
                    "could not verify the DKIM signature d={domain} s={selector}: {error}",
                    domain=sig.domain,
                    selector=sig.selector,
                    error=result.dns_error,
                ),
                location=where,
                severity=Severity.WARNING,
                cause=NO_DNS,
            )
        elif passing and not (from_domain and aligned(from_domain, sig.domain, adkim)):
            # an extra signature (the ESP's own) failing beside an aligned one that verifies:
            # DKIM passes for DMARC all the same
            yield Problem(
                t(
                    "the extra DKIM signature d={domain} s={selector} does not verify: {error} "
                    "(the aligned signature d={aligned} verifies)",
                    domain=sig.domain,
                    selector=sig.selector,
                    error=result.error,
                    aligned=passing[0],
                ),
                location=where,
                severity=Severity.WARNING,
            )
        else:
            failing.setdefault(result.error, []).append(sig)
    # signatures failing for one reason (a body changed after both signed it: a footer a
    # relay added) are one finding naming each
    for error, sigs in failing.items():
        places = tuple(f"{sig.selector}._domainkey.{sig.domain}" for sig in sigs)
        if len(sigs) == 1:
            message = t(
                "the DKIM signature d={domain} s={selector} does not verify: {error}",
                domain=sigs[0].domain,
                selector=sigs[0].selector,
                error=error,
            )
        else:
            message = t(
                "{count} DKIM signatures ({signatures}) do not verify: {error}",
                count=len(sigs),
                signatures=", ".join(f"d={sig.domain} s={sig.selector}" for sig in sigs),
                error=error,
            )
        yield Problem(message, location=places[0], locations=places)


@rule(
    "DKIM005",
    "dkim-ed25519-only",
    Severity.WARNING,
    network=True,
    short="the domain signs only with ed25519, which major providers do not verify yet",
)
def dkim_ed25519_only(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a sender whose DKIM keys (at the selectors that sign or are configured) are all
    ed25519 (RFC 8463), with no RSA key beside them.

    ## Why it matters
    Gmail, Outlook and Yahoo do not verify ed25519 signatures yet: for them such mail is
    unsigned, so DMARC depends on SPF alignment alone. RFC 8463 itself asks signers to add
    an RSA signature beside an ed25519 one.

    ## Example
    The ESP signs only with `s=ed; a=ed25519-sha256`, and `ed._domainkey.acme.example` is
    `v=DKIM1; k=ed25519; p=…`.

    ## How to fix
    Sign with an RSA key (2048 bits, rsa-sha256) as well, under a second selector.
    """
    keys = [key for key in _keys(ctx) if key.status == "ok"]
    if keys and all(key.key_type == "ed25519" for key in keys):
        names = ", ".join(key.name for key in keys)
        yield Problem(
            t(
                "DKIM keys are ed25519 only ({names}): major mailbox providers do not verify "
                "ed25519 yet, so add an RSA signature",
                names=names,
            ),
            location=keys[0].name,
        )
