"""DMARC (RFC 7489, RFC 9091 ``np``): record syntax, policy discovery and alignment.

Discovery: ``_dmarc.<From domain>``, else ``_dmarc.<organisational domain>`` (Public Suffix
List). The effective policy of a From domain below the org domain is ``sp`` (``np`` when the
From domain does not exist, RFC 9091: NXDOMAIN or NODATA for A, AAAA and MX), falling back to
``p``: the parent's ``p`` is not what applies.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mailcheck.auth_model import (
    DmarcFacts,
    ascii_domain,
    configured_key,
    configured_selectors,
    lookup,
    message_key,
    org_domain,
    signatures,
)
from mailcheck.i18n import t
from mailcheck.spf import Lookup

if TYPE_CHECKING:
    from mailcheck.config import Config
    from mailcheck.facts import Facts
    from mailcheck.model import Campaign

POLICIES = ("none", "quarantine", "reject")
# RFC 7489 §6.2/§6.4: rua/ruf take URIs of any scheme (mailto: is the one every receiver
# supports), the scheme in any case, each with an optional "!size" limit.
_URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s,!]+(?:![0-9]+[kmgtKMGT]?)?$")
_MAILTO_RE = re.compile(
    r"^mailto:[^@\s,!]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+(?:![0-9]+[kmgtKMGT]?)?$", re.I
)


# A record that starts as DMARC and goes on without ";": "v=DMARC1, p=reject" or
# "v=DMARC1 p=reject" (commas and spaces are no tag separators: RFC 7489 §6.4)
_RUN_ON = re.compile(r"\s*v\s*=\s*DMARC1\b\s*[^;\s]", re.I)


def is_dmarc_like(text: str) -> bool:
    """A TXT record meant as DMARC, even a broken one: it has a v=DMARC1 tag somewhere, or
    starts with one that runs on into other tags. (Receivers discard one whose first tag is
    not exactly v=DMARC1: that is what DMARC003 says.)"""
    if _RUN_ON.match(text):
        return True
    return any(part.replace(" ", "").lower() == "v=dmarc1" for part in text.split(";"))


def parse_dmarc(text: str) -> tuple[dict[str, str], list[str], list[str]]:
    """Tags, errors and warnings of a DMARC record (DMARC003).

    Errors make receivers discard the record (RFC 7489 §6.6.3): ``v=DMARC1`` not first, two
    records, a missing or bad ``p``/``sp`` with no valid ``rua`` to fall back on. Everything
    else is a warning: a bad optional tag is replaced by its default (§6.3), and a record
    without a valid ``p`` but with a valid ``rua`` is read as ``p=none`` (§6.6.3), which
    :func:`effective_policy` then applies.
    """
    errors: list[str] = []
    warnings: list[str] = []
    parts = [p.strip() for p in text.split(";")]
    tags: dict[str, str] = {}
    for index, part in enumerate(parts):
        if not part:
            continue
        if "=" not in part:
            warnings.append(t("{part} is not a tag=value pair (ignored)", part=repr(part)))
            continue
        key, _, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if index == 0 and key == "v" and _RUN_ON.match(part):
            errors.append(
                t(
                    "tags must be separated by “;”, not commas or spaces: {part} reads as one "
                    "v= tag",
                    part=repr(part if len(part) <= 60 else part[:59] + "…"),
                )
            )
        elif index == 0 and (key != "v" or value != "DMARC1"):
            errors.append(t("the record must start with v=DMARC1, not {part}", part=repr(part)))
        if key in tags:
            warnings.append(t("tag {key}= appears twice (the first is used)", key=key))
            continue
        tags[key] = value
    if "v" not in tags:
        errors.append(t("no v=DMARC1 tag"))
    if _RUN_ON.match(parts[0]):
        return tags, errors, []  # its p= and rua= are inside v=: no more to say of them
    reports = [u for u in _uris(tags.get("rua", "")) if _URI_RE.match(u)]
    policy_problems: list[str] = []
    policy = tags.get("p")
    if policy is None:
        policy_problems.append(t("no p= tag (the policy is required)"))
    elif policy.lower() not in POLICIES:
        policy_problems.append(t("{tag} is not none, quarantine or reject", tag=f"p={policy}"))
    if "sp" in tags and tags["sp"].lower() not in POLICIES:
        policy_problems.append(t("{tag} is not none, quarantine or reject", tag=f"sp={tags['sp']}"))
    if policy_problems and reports:
        warnings.extend(
            t(
                "{problem}: with a valid rua= receivers read the record as p=none "
                "(RFC 7489 §6.6.3)",
                problem=problem,
            )
            for problem in policy_problems
        )
    else:
        errors.extend(policy_problems)
    if "np" in tags and tags["np"].lower() not in POLICIES:
        warnings.append(
            t("{tag} is not none, quarantine or reject (ignored)", tag=f"np={tags['np']}")
        )
    for key in ("adkim", "aspf"):
        if key in tags and tags[key].lower() not in ("r", "s"):
            warnings.append(
                t("{tag} must be r or s (receivers use r, relaxed)", tag=f"{key}={tags[key]}")
            )
    if "pct" in tags:
        pct = tags["pct"]
        if not pct.isdigit() or not 0 <= int(pct) <= 100:
            warnings.append(
                t(
                    "{tag} must be a whole number from 0 to 100 (receivers use 100)",
                    tag=f"pct={pct}",
                )
            )
    for key in ("rua", "ruf"):
        for uri in _uris(tags.get(key, "")):
            if not _URI_RE.match(uri):
                warnings.append(
                    t(
                        "{key}= address {uri} is not a URI (e.g. mailto:dmarc@…)",
                        key=key,
                        uri=repr(uri),
                    )
                )
            elif uri.lower().startswith("mailto:") and not _MAILTO_RE.match(uri):
                warnings.append(
                    t("{key}= address {uri} is not a valid mailto: address", key=key, uri=repr(uri))
                )
    if "ri" in tags and not tags["ri"].isdigit():
        warnings.append(
            t("{tag} must be a number of seconds (receivers use 86400)", tag=f"ri={tags['ri']}")
        )
    if "fo" in tags and not all(o in ("0", "1", "d", "s") for o in tags["fo"].split(":")):
        warnings.append(
            t(
                "{tag} must be 0, 1, d or s, colon-separated (receivers use 0)",
                tag=f"fo={tags['fo']}",
            )
        )
    return tags, errors, warnings


def _uris(value: str) -> list[str]:
    return [u.strip() for u in value.split(",") if u.strip()]


async def discover(lookup: Lookup, domain: str) -> DmarcFacts:
    """The DMARC record that governs mail From ``domain``, and its effective policy."""
    org = org_domain(domain)
    facts = DmarcFacts(domain=domain, org_domain=org, status="none")
    candidates = [domain] if org == domain else [domain, org]
    for candidate in candidates:
        answer = await lookup.query(f"_dmarc.{candidate}", "TXT")
        if answer.failed:
            facts.status = "error"
            facts.dns_error = t(
                "{name}: {why}", name=f"_dmarc.{candidate}", why=answer.error or answer.status
            )
            return facts
        texts = [txt.decode("utf-8", "replace") for txt in answer.txt]
        meant = [text for text in texts if is_dmarc_like(text)]
        if not meant:
            continue
        facts.status = "ok"
        facts.record_domain = candidate
        facts.record = meant[0]
        if len(meant) > 1:
            facts.errors.append(
                t("{name} has {count} DMARC records", name=f"_dmarc.{candidate}", count=len(meant))
            )
        facts.tags, errors, warnings = parse_dmarc(meant[0])
        facts.errors.extend(errors)
        facts.warnings.extend(warnings)
        break
    if facts.status != "ok":
        return facts
    if facts.record_domain != domain:
        facts.domain_exists = await exists(lookup, domain)
    facts.policy, facts.policy_tag = effective_policy(facts)
    return facts


async def exists(lookup: Lookup, domain: str) -> bool:
    """RFC 9091 §2.1: a domain does not exist when A, AAAA and MX all give NXDOMAIN or NODATA,
    so an empty non-terminal (a name with only names below it) does not exist either."""
    import asyncio  # here: the offline rules import this module, and need no event loop

    answers = await asyncio.gather(*(lookup.query(domain, t) for t in ("A", "AAAA", "MX")))
    if any(a.failed for a in answers):
        return True  # not known: the subdomain policy, never the stricter np, is assumed
    return not all(a.void for a in answers)


def effective_policy(facts: DmarcFacts) -> tuple[str | None, str]:
    tags = {k: v.lower() for k, v in facts.tags.items()}
    if facts.record_domain != facts.domain:
        if not facts.domain_exists and tags.get("np") in POLICIES:
            return tags["np"], "np"
        if tags.get("sp") in POLICIES:
            return tags["sp"], "sp"
    if tags.get("p") in POLICIES:
        return tags["p"], "p"
    if any(_URI_RE.match(u) for u in _uris(tags.get("rua", ""))):
        return "none", "p"  # RFC 7489 §6.6.3: no valid p, a valid rua: p=none
    return None, "p"


def aligned(from_domain: str, other: str, mode: str) -> bool:
    """Identifier alignment (RFC 7489 §3.1): strict = same name, relaxed = same org domain."""
    a, b = ascii_domain(from_domain), ascii_domain(other)
    if mode == "s":
        return a == b
    return org_domain(a) == org_domain(b)


def dkim_alignment_expected(facts: Facts, campaign: Campaign, config: Config) -> bool:
    """Whether DKIM is expected to pass aligned with the From domain, so that DMARC passes
    whatever the envelope sender: a DKIM-Signature of the test send with an aligned ``d=``
    that verifies, or, for a campaign with no signature to look at (campaign.toml, HTML), a
    configured selector whose key is published and usable at the From domain, or at its
    organisational domain when the policy's adkim is relaxed."""
    from_domain = campaign.from_domain
    holder = lookup(facts, from_domain)
    if not from_domain or holder is None:
        return False
    dmarc = holder.dmarc
    adkim = dmarc.adkim if dmarc is not None and dmarc.status == "ok" else "r"
    found = signatures(campaign)
    if found:
        if not campaign.raw_message:
            return False
        digest = message_key(campaign.raw_message)
        for sig in found:
            signer = lookup(facts, sig.domain)
            if signer is None or not aligned(from_domain, sig.domain, adkim):
                continue
            checked = signer.verifications.get(digest, [])
            if any(v.ok and v.selector == sig.selector for v in checked):
                return True
        return False
    return any(
        (key := configured_key(facts, from_domain, selector)) is not None
        and key.status == "ok"
        and aligned(from_domain, key.domain, adkim)
        for selector, _source in configured_selectors(campaign, config)
    )
