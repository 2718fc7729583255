"""A static walk of a domain's SPF record tree, for the SPF lint rules.

check_host() stops at the first mechanism that matches one IP; a linter must see the whole
tree, as every receiver may walk it: every include and redirect is followed (once: a loop is
an error), every DNS-mechanism that check_host() can reach counted (nothing after ``all``,
§5.1), and targets without macros are looked up to count void lookups (RFC 7208 §4.6.4) as an
IPv4 and as an IPv6 sender would (``a:`` asks A or AAAA, not both). Targets with IP- or
sender-dependent macros (``%{i}``, ``%{l}`` …) are counted but not looked up: their answer
depends on the message.
"""

from __future__ import annotations

import asyncio

from mailcheck.auth_model import SpfFacts
from mailcheck.i18n import t
from mailcheck.spf import (
    DNS_MECHANISMS,
    MX_PTR_LIMIT,
    Evaluator,
    Lookup,
    Mechanism,
    PermError,
    Record,
    Step,
    Token,
    is_spf_record,
    parse_record,
)

MAX_DEPTH = 20  # far beyond what the lookup limit allows; stops pathological trees


async def walk_spf(lookup: Lookup, domain: str) -> SpfFacts:
    """Lint facts for ``domain``'s SPF."""
    facts = SpfFacts(domain=domain, status="ok")
    answer = await lookup.query(domain, "TXT")
    if answer.failed:
        facts.status = "error"
        facts.dns_error = t("TXT lookup failed: {why}", why=answer.error or answer.status)
        return facts
    found = [txt for txt in answer.txt if is_spf_record(txt)]
    facts.records = tuple(t.decode("utf-8", "replace") for t in found)
    if not found:
        facts.status = "none"
        return facts
    if len(found) > 1:
        return facts  # SPF002; which one a receiver would use is undefined: nothing to walk
    walker = _Walker(lookup, facts)
    await walker.visit(domain, found[0], "sender", [], main=True)
    return facts


def evaluated(record: Record) -> list[Mechanism]:
    """The mechanisms check_host() can reach: none after ``all`` (RFC 7208 §5.1), so what
    follows it is never looked up nor counted."""
    reached = []
    for mech in record.mechanisms:
        reached.append(mech)
        if mech.name == "all":
            break
    return reached


class _Walker:
    def __init__(self, lookup: Lookup, facts: SpfFacts) -> None:
        self.lookup = lookup
        self.facts = facts
        self.visited: set[str] = set()

    async def fetch(self, domain: str, via: str, stack: list[str], main: bool) -> None:
        answer = await self.lookup.query(domain, "TXT")
        if answer.failed:
            self.facts.chain.append(Step(domain, "", via, len(stack), answer.error))
            self.facts.unverified.append(
                t(
                    "{via}:{domain} could not be looked up ({why})",
                    via=via,
                    domain=domain,
                    why=answer.error or answer.status,
                )
            )
            return
        found = [txt for txt in answer.txt if is_spf_record(txt)]
        if len(found) != 1:
            what = "has no SPF record" if not found else f"has {len(found)} SPF records"
            self.facts.chain.append(Step(domain, "", via, len(stack), what))
            self.facts.syntax_errors.append(
                t("{via}:{domain} has no SPF record (permerror)", via=via, domain=domain)
                if not found
                else t(
                    "{via}:{domain} has {count} SPF records (permerror)",
                    via=via,
                    domain=domain,
                    count=len(found),
                )
            )
            return
        await self.visit(domain, found[0], via, stack, main=main)

    async def visit(
        self, domain: str, raw: bytes, via: str, stack: list[str], *, main: bool
    ) -> None:
        depth = len(stack)
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            shown = raw.decode("utf-8", "replace")
            self.facts.chain.append(Step(domain, shown, via, depth, "non-ASCII"))
            self.facts.syntax_errors.append(
                t("{domain}: the record has non-ASCII characters", domain=domain)
            )
            return
        self.facts.chain.append(Step(domain, text, via, depth))
        try:
            record = parse_record(text)
        except PermError as exc:
            self.facts.syntax_errors.append(t("{domain}: {why}", domain=domain, why=exc.args[0]))
            return
        if main:  # the record that ends the sender's redirect chain decides the default
            self._note_all(record, via)
        here = [*stack, domain.lower()]
        if depth > MAX_DEPTH:
            self.facts.limit_errors.append(t("{domain}: includes nested too deep", domain=domain))
            return
        if not main and any(m.name == "all" and m.qualifier == "+" for m in evaluated(record)):
            self.facts.plus_all_includes.append(f"{via}:{domain}")
        await self._prefetch(record, domain)
        for mech in evaluated(record):
            if mech.name not in DNS_MECHANISMS:
                continue
            self.facts.lookups += 1
            target = await self._static_target(mech.domain, domain)
            if target is None:
                continue
            if mech.name == "include":
                await self._follow(target, "include", here, main=False)
            elif mech.name == "a":
                # a sender over IPv4 asks only for A, over IPv6 only for AAAA: a host with
                # only AAAA is a void lookup for every IPv4 sender (RFC 7208 §4.6.4, §5.3)
                a = await self.lookup.query(target, "A")
                aaaa = await self.lookup.query(target, "AAAA")
                self._void(ipv4=a.void, ipv6=aaaa.void, term=mech.text)
            elif mech.name == "mx":
                mx = await self.lookup.query(target, "MX")
                self._void(ipv4=mx.void, ipv6=mx.void, term=mech.text)
                if len(mx.mx) > MX_PTR_LIMIT:
                    self.facts.limit_errors.append(
                        t(
                            "{term} in {domain}: {target} has {count} MX records (at most "
                            "{limit} are allowed)",
                            term=mech.text,
                            domain=domain,
                            target=target,
                            count=len(mx.mx),
                            limit=MX_PTR_LIMIT,
                        )
                    )
            elif mech.name == "exists":
                answer = await self.lookup.query(target, "A")  # A whatever the sender's family
                self._void(ipv4=answer.void, ipv6=answer.void, term=mech.text)
        has_all = any(m.name == "all" for m in record.mechanisms)
        if record.redirect is not None and not has_all:
            self.facts.lookups += 1
            target = await self._static_target(record.redirect, domain)
            if target is not None:
                await self._follow(target, "redirect", here, main=main)

    def _void(self, *, ipv4: bool, ipv6: bool, term: str) -> None:
        if ipv4:
            self.facts.void_lookups_ipv4.append(term)
        if ipv6:
            self.facts.void_lookups_ipv6.append(term)
        self.facts.void_lookups = max(
            len(self.facts.void_lookups_ipv4), len(self.facts.void_lookups_ipv6)
        )

    async def _prefetch(self, record: Record, domain: str) -> None:
        """Ask this record's lookups all at once, so slow names cost one timeout per level of
        the tree rather than one per term; the walk below then reads the run's cache."""
        wanted: list[tuple[str, str]] = []
        for mech in evaluated(record):
            if mech.name not in DNS_MECHANISMS or mech.name == "ptr":
                continue
            target = await self._static_target(mech.domain, domain)
            if target is None:
                continue
            types = {"include": ("TXT",), "a": ("A", "AAAA"), "mx": ("MX",), "exists": ("A",)}
            wanted.extend((target, t) for t in types[mech.name])
        if record.redirect is not None:
            target = await self._static_target(record.redirect, domain)
            if target is not None:
                wanted.append((target, "TXT"))
        await asyncio.gather(*(self.lookup.query(name, t) for name, t in wanted))

    def _note_all(self, record: Record, via: str) -> None:
        qualifier = next((m.qualifier for m in record.mechanisms if m.name == "all"), None)
        self.facts.all_qualifier = qualifier
        # only an unfollowed redirect (a broken target) is left here: SPF005 reports it
        self.facts.has_redirect = record.redirect is not None

    async def _follow(self, target: str, via: str, stack: list[str], *, main: bool) -> None:
        if target.lower() in stack:
            loop = " → ".join([*stack, target.lower()])
            self.facts.limit_errors.append(t("{via} loop: {loop}", via=via, loop=loop))
            return
        await self.fetch(target, via, stack, main)

    async def _static_target(self, tokens: list[Token] | None, domain: str) -> str | None:
        if tokens is None:
            return domain
        if any(t.letter and t.letter.lower() not in "do" for t in tokens):
            return None  # depends on the message: counted, not looked up
        evaluator = Evaluator(self.lookup, "192.0.2.1", f"postmaster@{domain}")
        try:
            return await evaluator.expand_target(tokens, domain)
        except PermError:
            return None
