"""DMARC (RFC 7489, RFC 9091 ``np``): record syntax, policy discovery and alignment.

Discovery: ``_dmarc.<From domain>``, else ``_dmarc.<organisational domain>`` (Public Suffix
List). The effective policy of a From domain below the org domain is ``sp`` (``np`` when the
From domain does not exist), falling back to ``p``: the parent's ``p`` is not what applies.
"""

from __future__ import annotations

import re

from mailcheck.auth_model import DmarcFacts, ascii_domain, org_domain
from mailcheck.spf import Lookup

POLICIES = ("none", "quarantine", "reject")
_MAILTO_RE = re.compile(r"^mailto:[^@\s,!]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+(?:![0-9]+[kmgtKMGT]?)?$")


def is_dmarc_like(text: str) -> bool:
    """A TXT record meant as DMARC, even a broken one: it has a v=DMARC1 tag somewhere.
    (Receivers discard one whose first tag is not v=DMARC1: that is what DMARC003 says.)"""
    return any(part.replace(" ", "").lower() == "v=dmarc1" for part in text.split(";"))


def parse_dmarc(text: str) -> tuple[dict[str, str], list[str]]:
    """Tags and syntax errors of a DMARC record (DMARC003)."""
    errors: list[str] = []
    parts = [p.strip() for p in text.split(";")]
    tags: dict[str, str] = {}
    for index, part in enumerate(parts):
        if not part:
            continue
        if "=" not in part:
            errors.append(f"{part!r} is not a tag=value pair")
            continue
        key, _, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if index == 0 and (key != "v" or value != "DMARC1"):
            errors.append(f"the record must start with v=DMARC1, not {part!r}")
        if key in tags:
            errors.append(f"tag {key}= appears twice")
            continue
        tags[key] = value
    if "v" not in tags:
        errors.append("no v=DMARC1 tag")
    policy = tags.get("p")
    if policy is None:
        errors.append("no p= tag (the policy is required)")
    elif policy.lower() not in POLICIES:
        errors.append(f"p={policy} is not none, quarantine or reject")
    for key in ("sp", "np"):
        if key in tags and tags[key].lower() not in POLICIES:
            errors.append(f"{key}={tags[key]} is not none, quarantine or reject")
    for key in ("adkim", "aspf"):
        if key in tags and tags[key].lower() not in ("r", "s"):
            errors.append(f"{key}={tags[key]} must be r (relaxed) or s (strict)")
    if "pct" in tags:
        pct = tags["pct"]
        if not pct.isdigit() or not 0 <= int(pct) <= 100:
            errors.append(f"pct={pct} must be a whole number from 0 to 100")
    for key in ("rua", "ruf"):
        if key in tags:
            for uri in (u.strip() for u in tags[key].split(",")):
                if not _MAILTO_RE.match(uri):
                    errors.append(f"{key}= address {uri!r} is not a mailto: URI")
    if "ri" in tags and not tags["ri"].isdigit():
        errors.append(f"ri={tags['ri']} must be a number of seconds")
    if "fo" in tags and not all(o in ("0", "1", "d", "s") for o in tags["fo"].split(":")):
        errors.append(f"fo={tags['fo']} must be 0, 1, d or s (colon-separated)")
    return tags, errors


async def discover(lookup: Lookup, domain: str) -> DmarcFacts:
    """The DMARC record that governs mail From ``domain``, and its effective policy."""
    org = org_domain(domain)
    facts = DmarcFacts(domain=domain, org_domain=org, status="none")
    candidates = [domain] if org == domain else [domain, org]
    for candidate in candidates:
        answer = await lookup.query(f"_dmarc.{candidate}", "TXT")
        if answer.failed:
            facts.status = "error"
            facts.dns_error = f"_dmarc.{candidate}: {answer.error or answer.status}"
            return facts
        texts = [t.decode("utf-8", "replace") for t in answer.txt]
        meant = [t for t in texts if is_dmarc_like(t)]
        if not meant:
            continue
        facts.status = "ok"
        facts.record_domain = candidate
        facts.record = meant[0]
        if len(meant) > 1:
            facts.errors.append(f"_dmarc.{candidate} has {len(meant)} DMARC records")
        facts.tags, errors = parse_dmarc(meant[0])
        facts.errors.extend(errors)
        break
    if facts.status != "ok":
        return facts
    if facts.record_domain != domain:
        exists = await lookup.query(domain, "TXT")
        facts.domain_exists = exists.status != "nxdomain"
    facts.policy, facts.policy_tag = effective_policy(facts)
    return facts


def effective_policy(facts: DmarcFacts) -> tuple[str | None, str]:
    tags = {k: v.lower() for k, v in facts.tags.items()}
    if facts.record_domain == facts.domain:
        return tags.get("p"), "p"
    if not facts.domain_exists and tags.get("np") in POLICIES:
        return tags["np"], "np"
    if tags.get("sp") in POLICIES:
        return tags["sp"], "sp"
    return tags.get("p"), "p"


def aligned(from_domain: str, other: str, mode: str) -> bool:
    """Identifier alignment (RFC 7489 §3.1): strict = same name, relaxed = same org domain."""
    a, b = ascii_domain(from_domain), ascii_domain(other)
    if mode == "s":
        return a == b
    return org_domain(a) == org_domain(b)
