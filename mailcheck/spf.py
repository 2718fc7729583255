"""SPF (RFC 7208): record parsing, macro expansion and the check_host() evaluator.

Pure logic over an async lookup interface (anything with ``async query(name, type) ->
Answer``, e.g. :class:`mailcheck.net.dns.DnsClient`), so it runs against a real nameserver in
tests and in ``mailcheck spf``. Conformance bar: the RFC 7208 test suite, all 203 tests.

Decisions where the RFC leaves a choice (each accepted by the suite):

* A target name that cannot be a DNS name after macro expansion (empty label, label over 63
  octets) does not match, as a non-existent name would (RFC 7208 §4.3 by analogy).
* ``%{i}`` of an IPv6 address is its 32 nibbles in upper-case hex, as the suite expects.
* ``%{p}`` prefers a validated name equal to or below the current domain (§7.3).
* An include/redirect loop is reported as a permerror at once (the lookup limit would reach
  the same result later, with a less helpful message).
"""

from __future__ import annotations

import ipaddress
import re
import time
import urllib.parse
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from mailcheck.i18n import t

if TYPE_CHECKING:
    from mailcheck.net.dns import Answer  # dnspython loads only when something is looked up


Result = Literal["pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"]
IP = ipaddress.IPv4Address | ipaddress.IPv6Address

RESULTS: tuple[Result, ...] = (
    "pass",
    "fail",
    "softfail",
    "neutral",
    "none",
    "permerror",
    "temperror",
)
QUALIFIERS: dict[str, Result] = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
DNS_MECHANISMS = ("include", "a", "mx", "ptr", "exists")
LOOKUP_LIMIT = 10  # RFC 7208 §4.6.4
VOID_LIMIT = 2
MX_PTR_LIMIT = 10
DEFAULT_EXPLANATION = "the sending host is not authorised by the domain's SPF record"


class Lookup(Protocol):
    def query(self, name: str, rdtype: str) -> Awaitable[Answer]: ...


class PermError(Exception):
    """check_host() must end with permerror."""


class TempError(Exception):
    """check_host() must end with temperror."""


# --- syntax -------------------------------------------------------------------------------

MACRO_LETTERS = "slodiphv"
EXP_ONLY_LETTERS = "crt"
DELIMITERS = ".-+,/_="
_MACRO_RE = re.compile(r"%\{([a-zA-Z])([0-9]*)([rR]?)([.\-+,/_=]*)\}")
_TOPLABEL_RE = re.compile(
    r"(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])"
)
_MODIFIER_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_.\-]*)=(.*)$", re.S)
_MECHANISM_RE = re.compile(r"^([+\-~?]?)([A-Za-z][A-Za-z0-9]*)(.*)$", re.S)
_DUAL_CIDR_RE = re.compile(r"^(?:/([0-9]+))?(?://([0-9]+))?$")
_IP4_RE = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{1,3}){3}$")


@dataclass(frozen=True)
class Token:
    """A piece of a macro-string: literal text or a macro."""

    literal: str = ""
    letter: str = ""  # macro letter as written (upper case: URL-escape the result)
    digits: int = 0  # 0: keep all parts
    reverse: bool = False
    delimiters: str = ""


def parse_macro_string(text: str, *, explanation: bool = False) -> list[Token]:
    """Tokenise a macro-string (RFC 7208 §7.1); PermError on a syntax error."""
    tokens: list[Token] = []
    allowed = MACRO_LETTERS + (EXP_ONLY_LETTERS if explanation else "")
    i = 0
    literal: list[str] = []
    while i < len(text):
        ch = text[i]
        if ch == "%":
            nxt = text[i + 1 : i + 2]
            if nxt == "%":
                literal.append("%")
                i += 2
                continue
            if nxt == "_":
                literal.append(" ")
                i += 2
                continue
            if nxt == "-":
                literal.append("%20")
                i += 2
                continue
            match = _MACRO_RE.match(text, i)
            if not match:
                raise PermError(
                    t("bad macro at {at} in {text}", at=repr(text[i : i + 8]), text=repr(text))
                )
            letter, digits, rev, delims = match.groups()
            if letter.lower() not in allowed:
                raise PermError(
                    t(
                        "unknown macro letter {macro} in {text}",
                        macro=f"%{{{letter}}}",
                        text=repr(text),
                    )
                )
            if digits and int(digits) == 0:
                raise PermError(
                    t(
                        "macro {macro} keeps no part in {text}",
                        macro=f"%{{{letter}0}}",
                        text=repr(text),
                    )
                )
            if literal:
                tokens.append(Token(literal="".join(literal)))
                literal = []
            tokens.append(
                Token(
                    letter=letter,
                    digits=int(digits) if digits else 0,
                    reverse=bool(rev),
                    delimiters=delims,
                )
            )
            i = match.end()
            continue
        code = ord(ch)
        if not (0x21 <= code <= 0x7E or (explanation and ch == " ")):
            raise PermError(
                t("character {char} is not allowed in {text}", char=repr(ch), text=repr(text))
            )
        literal.append(ch)
        i += 1
    if literal:
        tokens.append(Token(literal="".join(literal)))
    return tokens


def parse_domain_spec(text: str) -> list[Token]:
    """A domain-spec: a macro-string that ends in a macro or in ``.toplabel[.]``."""
    if not text:
        raise PermError(t("empty domain-spec"))
    tokens = parse_macro_string(text)
    last = tokens[-1]
    if last.letter:
        return tokens
    # The literal end must be "." toplabel ["."]; an escape like %_ counts as literal text.
    tail = text[:-1] if text.endswith(".") else text
    if "." not in tail:
        raise PermError(
            t("{text} is not a domain name (needs a dot and a top-level label)", text=repr(text))
        )
    top = tail.rsplit(".", 1)[1]
    if not _TOPLABEL_RE.fullmatch(top):
        raise PermError(t("{text} does not end in a valid top-level label", text=repr(text)))
    return tokens


@dataclass(frozen=True)
class Mechanism:
    text: str
    qualifier: str  # + - ~ ?
    name: str  # all include a mx ptr ip4 ip6 exists
    domain: list[Token] | None = None  # the domain-spec, when given
    domain_text: str = ""
    cidr4: int | None = None
    cidr6: int | None = None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None


@dataclass(frozen=True)
class Record:
    text: str
    mechanisms: list[Mechanism]
    redirect: list[Token] | None = None
    redirect_text: str = ""
    exp: list[Token] | None = None
    exp_text: str = ""
    unknown_modifiers: tuple[str, ...] = ()


def _cidr(text: str | None, limit: int, term: str) -> int | None:
    if text is None:
        return None
    if len(text) > 1 and text.startswith("0"):
        raise PermError(t("CIDR length with a leading zero in {term}", term=repr(term)))
    value = int(text)
    if value > limit:
        raise PermError(
            t(
                "CIDR length /{value} is over /{limit} in {term}",
                value=value,
                limit=limit,
                term=repr(term),
            )
        )
    return value


def _split_domain_and_cidr(rest: str, term: str) -> tuple[str | None, str]:
    if rest.startswith(":"):
        body = rest[1:]
        match = re.match(r"^(.*?)((?:/[0-9]+)?(?://[0-9]+)?)$", body, re.S)
        assert match is not None
        return match.group(1), match.group(2)
    return None, rest


def parse_mechanism(term: str) -> Mechanism:
    match = _MECHANISM_RE.match(term)
    if not match:
        raise PermError(t("unknown term {term}", term=repr(term)))
    qualifier, name, rest = match.group(1) or "+", match.group(2).lower(), match.group(3)
    if name not in MECHANISMS:
        raise PermError(t("unknown mechanism {term}", term=repr(term)))
    if name == "all":
        if rest:
            raise PermError(t("'all' takes no argument: {term}", term=repr(term)))
        return Mechanism(term, qualifier, name)
    if name in ("include", "exists"):
        if not rest.startswith(":"):
            raise PermError(t("{name} needs ':domain': {term}", name=repr(name), term=repr(term)))
        return Mechanism(term, qualifier, name, parse_domain_spec(rest[1:]), rest[1:])
    if name == "ptr":
        if not rest:
            return Mechanism(term, qualifier, name)
        if not rest.startswith(":"):
            raise PermError(t("'ptr' takes ':domain' only: {term}", term=repr(term)))
        return Mechanism(term, qualifier, name, parse_domain_spec(rest[1:]), rest[1:])
    if name in ("a", "mx"):
        domain_text, cidr_text = _split_domain_and_cidr(rest, term)
        cidr = _DUAL_CIDR_RE.match(cidr_text)
        if not cidr:
            raise PermError(f"bad CIDR length in {term!r}")
        tokens = parse_domain_spec(domain_text) if domain_text is not None else None
        return Mechanism(
            term,
            qualifier,
            name,
            tokens,
            domain_text or "",
            _cidr(cidr.group(1), 32, term),
            _cidr(cidr.group(2), 128, term),
        )
    # ip4 / ip6
    if not rest.startswith(":"):
        raise PermError(t("{name} needs ':address': {term}", name=repr(name), term=repr(term)))
    address, _, length = rest[1:].partition("/")
    if "/" in length:
        raise PermError(f"bad CIDR length in {term!r}")
    if length and not length.isdigit():
        raise PermError(f"bad CIDR length in {term!r}")
    try:
        if name == "ip4":
            if not _IP4_RE.match(address) or any(
                len(p) > 1 and p.startswith("0") for p in address.split(".")
            ):
                raise ValueError
            ip4 = ipaddress.IPv4Address(address)
            bits = _cidr(length or None, 32, term)
            network: ipaddress.IPv4Network | ipaddress.IPv6Network = ipaddress.IPv4Network(
                (ip4, 32 if bits is None else bits), strict=False
            )
        else:
            if "%" in address or not address:
                raise ValueError
            ip6 = ipaddress.IPv6Address(address)
            bits = _cidr(length or None, 128, term)
            network = ipaddress.IPv6Network((ip6, 128 if bits is None else bits), strict=False)
    except ValueError:
        raise PermError(t("bad address in {term}", term=repr(term))) from None
    return Mechanism(term, qualifier, name, network=network)


def is_spf_record(txt: bytes) -> bool:
    lowered = txt.lower()
    return lowered == b"v=spf1" or lowered.startswith(b"v=spf1 ")


def parse_record(text: str) -> Record:
    """Parse a whole SPF record (syntax errors anywhere are a PermError, RFC 7208 §4.6)."""
    terms = text.split(" ")[1:]  # the version has been checked by the caller
    mechanisms: list[Mechanism] = []
    redirect = exp = None
    redirect_text = exp_text = ""
    unknown: list[str] = []
    for term in terms:
        if not term:
            continue
        modifier = _MODIFIER_RE.match(term)
        if modifier:
            name, value = modifier.group(1).lower(), modifier.group(2)
            if name == "redirect":
                if redirect is not None:
                    raise PermError(t("'redirect=' appears twice"))
                redirect, redirect_text = parse_domain_spec(value), value
            elif name == "exp":
                if exp is not None:
                    raise PermError(t("'exp=' appears twice"))
                exp, exp_text = parse_domain_spec(value), value
            else:
                parse_macro_string(value)  # unknown modifiers must still be well-formed
                unknown.append(term)
            continue
        mechanisms.append(parse_mechanism(term))
    return Record(text, mechanisms, redirect, redirect_text, exp, exp_text, tuple(unknown))


# --- evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A record the evaluation followed, and how it got there."""

    domain: str
    record: str  # "" when the domain had none (or an error)
    via: str  # "sender", "include", "redirect"
    depth: int
    error: str = ""


@dataclass
class SpfResult:
    result: Result
    domain: str  # the domain check_host() started from
    explanation: str = ""  # only for fail
    reason: str = ""  # why: the matched mechanism, or the error
    mechanism: str = ""  # the term that decided, if one did
    chain: list[Step] = field(default_factory=list)
    lookups: int = 0
    void_lookups: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "result": self.result,
            "domain": self.domain,
            "explanation": self.explanation or None,
            "reason": self.reason,
            "mechanism": self.mechanism or None,
            "chain": [{"domain": s.domain, "record": s.record, "via": s.via} for s in self.chain],
            "lookups": self.lookups,
            "void_lookups": self.void_lookups,
        }


def valid_domain(domain: str) -> bool:
    """A name check_host() may start from (RFC 7208 §4.3): FQDN, labels 1..63 octets."""
    name = domain[:-1] if domain.endswith(".") else domain
    if not name or len(name) > 253 or name.startswith("["):
        return False
    labels = name.split(".")
    if len(labels) < 2:
        return False
    return all(0 < len(label) <= 63 for label in labels)


@dataclass
class _Outcome:
    result: Result
    mechanism: str = ""
    reason: str = ""
    explanation: str = ""


class Evaluator:
    """One check_host() run for one (ip, sender, helo): counters and the chain it followed."""

    def __init__(
        self,
        lookup: Lookup,
        ip: str | IP,
        sender: str,
        helo: str = "",
        *,
        receiver: str = "unknown",
    ) -> None:
        address = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # RFC 7208 §5: an IPv4-mapped address is IPv4
        self.ip: IP = address
        self.lookup = lookup
        self.helo = helo
        self.receiver = receiver
        local, _, domain = sender.rpartition("@")
        if not sender or "@" not in sender:
            local, domain = "postmaster", (sender or helo)
        self.local = local or "postmaster"
        self.sender_domain = domain.rstrip(".") if domain.endswith(".") else domain
        self.sender = f"{self.local}@{self.sender_domain}"
        self.lookups = 0
        self.void_lookups = 0
        self.chain: list[Step] = []
        self._stack: list[str] = []
        self._validated: dict[str, str] = {}

    async def check(self, domain: str | None = None) -> SpfResult:
        """check_host() for the sender's domain (or ``domain``), with the explanation."""
        start = domain if domain is not None else self.sender_domain
        if not valid_domain(start):
            return SpfResult(
                "none",
                start,
                reason=t("{name} is not a domain name SPF can be checked for", name=repr(start)),
            )
        start = start.rstrip(".")
        try:
            outcome = await self._check_host(start, via="sender", explain=True)
        except PermError as exc:
            outcome = _Outcome("permerror", reason=exc.args[0])
        except TempError as exc:
            outcome = _Outcome("temperror", reason=exc.args[0])
        explanation = ""
        if outcome.result == "fail":
            explanation = outcome.explanation or DEFAULT_EXPLANATION
        return SpfResult(
            outcome.result,
            start,
            explanation,
            outcome.reason,
            outcome.mechanism,
            self.chain,
            self.lookups,
            self.void_lookups,
        )

    # check_host() proper -------------------------------------------------------------------

    async def _fetch_record(self, domain: str, via: str) -> Record | None:
        answer = await self.lookup.query(domain, "TXT")
        depth = len(self._stack)
        if answer.failed:
            self.chain.append(Step(domain, "", via, depth, answer.error or answer.status))
            raise TempError(
                t(
                    "TXT lookup for {domain} failed: {why}",
                    domain=domain,
                    why=answer.error or answer.status,
                )
            )
        if answer.status == "invalid":
            self.chain.append(Step(domain, "", via, depth, answer.error))
            return None
        records = [t for t in answer.txt if is_spf_record(t)]
        if not records:
            self.chain.append(Step(domain, "", via, depth, "no SPF record"))
            return None
        if len(records) > 1:
            shown = " | ".join(r.decode("latin-1") for r in records)
            self.chain.append(Step(domain, shown, via, depth, "more than one SPF record"))
            raise PermError(
                t("{domain} has {count} SPF records", domain=domain, count=len(records))
            )
        raw = records[0]
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            shown = raw.decode("utf-8", "replace")
            self.chain.append(Step(domain, shown, via, depth, "non-ASCII characters"))
            raise PermError(
                t("the SPF record of {domain} has non-ASCII characters", domain=domain)
            ) from None
        self.chain.append(Step(domain, text, via, depth))
        try:
            return parse_record(text)
        except PermError as exc:
            raise PermError(t("{domain}: {why}", domain=domain, why=exc.args[0])) from None

    async def _check_host(self, domain: str, *, via: str, explain: bool) -> _Outcome:
        if domain.lower() in self._stack:
            loop = " → ".join([*self._stack, domain.lower()])
            raise PermError(t("{via} loop: {loop}", via=via, loop=loop))
        record = await self._fetch_record(domain, via)
        if record is None:
            return _Outcome("none", reason=t("{domain} has no SPF record", domain=domain))
        self._stack.append(domain.lower())
        try:
            for mech in record.mechanisms:
                if await self._matches(mech, domain):
                    result = QUALIFIERS[mech.qualifier]
                    outcome = _Outcome(
                        result,
                        mech.text,
                        t("matched {term} of {domain}", term=repr(mech.text), domain=domain),
                    )
                    if result == "fail" and explain:
                        outcome.explanation = await self._explain(record, domain)
                    return outcome
            if record.redirect is not None:
                self._count_lookup(f"redirect={record.redirect_text}")
                target = await self.expand_target(record.redirect, domain)
                if target is None:
                    raise PermError(
                        t("redirect={target} is not a domain name", target=record.redirect_text)
                    )
                outcome = await self._check_host(target, via="redirect", explain=explain)
                if outcome.result == "none":
                    raise PermError(t("redirect target {target} has no SPF record", target=target))
                return outcome
            return _Outcome(
                "neutral", reason=t("nothing in the SPF record of {domain} matched", domain=domain)
            )
        finally:
            self._stack.pop()

    def _count_lookup(self, term: str) -> None:
        self.lookups += 1
        if self.lookups > LOOKUP_LIMIT:
            raise PermError(
                t("more than {limit} DNS lookups (at {term})", limit=LOOKUP_LIMIT, term=repr(term))
            )

    def _count_void(self, answer: Answer, term: str) -> None:
        if answer.void:
            self.void_lookups += 1
            if self.void_lookups > VOID_LIMIT:
                raise PermError(
                    t(
                        "more than {limit} void DNS lookups (at {term})",
                        limit=VOID_LIMIT,
                        term=repr(term),
                    )
                )

    async def _matches(self, mech: Mechanism, domain: str) -> bool:
        name = mech.name
        if name == "all":
            return True
        if name in ("ip4", "ip6"):
            assert mech.network is not None
            return self.ip.version == mech.network.version and self.ip in mech.network
        self._count_lookup(mech.text)
        target = domain
        if mech.domain is not None:
            expanded = await self.expand_target(mech.domain, domain)
            if expanded is None:
                return False
            target = expanded
        if name == "include":
            outcome = await self._check_host(target, via="include", explain=False)
            if outcome.result == "pass":
                return True
            if outcome.result in ("fail", "softfail", "neutral"):
                return False
            if outcome.result == "temperror":
                raise TempError(outcome.reason)
            raise PermError(
                t("include:{target}: {why}", target=target, why=outcome.reason or outcome.result)
            )
        if name == "a":
            addresses = await self._addresses(target, mech.text, void=True, strict=True)
            return self._in_any(addresses, mech)
        if name == "mx":
            return await self._mx_matches(target, mech)
        if name == "ptr":
            return await self._ptr_matches(target, mech)
        # exists: an A query whatever the client's address family
        answer = await self.lookup.query(target, "A")
        if answer.failed:
            raise TempError(
                t(
                    "{term}: lookup of {target} failed: {why}",
                    term=mech.text,
                    target=target,
                    why=answer.error,
                )
            )
        self._count_void(answer, mech.text)
        return bool(answer.records)

    def _in_any(self, addresses: tuple[str, ...], mech: Mechanism) -> bool:
        if self.ip.version == 4:
            bits = 32 if mech.cidr4 is None else mech.cidr4
        else:
            bits = 128 if mech.cidr6 is None else mech.cidr6
        for text in addresses:
            try:
                network = ipaddress.ip_network(f"{text}/{bits}", strict=False)
            except ValueError:
                continue
            if network.version == self.ip.version and self.ip in network:
                return True
        return False

    async def _addresses(
        self, name: str, term: str, *, void: bool, strict: bool
    ) -> tuple[str, ...]:
        rdtype = "A" if self.ip.version == 4 else "AAAA"
        answer = await self.lookup.query(name, rdtype)
        if answer.failed:
            if strict:
                raise TempError(
                    t(
                        "{term}: {rdtype} lookup of {name} failed: {why}",
                        term=term,
                        rdtype=rdtype,
                        name=name,
                        why=answer.error,
                    )
                )
            return ()
        if void:
            self._count_void(answer, term)
        return answer.records

    async def _mx_matches(self, target: str, mech: Mechanism) -> bool:
        answer = await self.lookup.query(target, "MX")
        if answer.failed:
            raise TempError(
                t(
                    "{term}: MX lookup of {target} failed: {why}",
                    term=mech.text,
                    target=target,
                    why=answer.error,
                )
            )
        self._count_void(answer, mech.text)
        hosts = [h for _, h in sorted(answer.mx) if h.strip(".")]
        if len(answer.mx) > MX_PTR_LIMIT:
            raise PermError(
                t(
                    "{term}: {target} has more than {limit} MX records",
                    term=mech.text,
                    target=target,
                    limit=MX_PTR_LIMIT,
                )
            )
        for host in hosts:
            addresses = await self._addresses(host, mech.text, void=False, strict=True)
            if self._in_any(addresses, mech):
                return True
        return False

    async def _validated_names(self) -> list[str]:
        """PTR names of the client that resolve back to it (RFC 7208 §5.5), at most 10."""
        from mailcheck.net.dns import reverse_name

        answer = await self.lookup.query(reverse_name(self.ip), "PTR")
        if not answer.records:
            return []
        names: list[str] = []
        for host in answer.records[:MX_PTR_LIMIT]:
            addresses = await self._addresses(host, "ptr", void=False, strict=False)
            for text in addresses:
                try:
                    if ipaddress.ip_address(text) == self.ip:
                        names.append(host)
                        break
                except ValueError:
                    continue
        return names

    async def _ptr_matches(self, target: str, mech: Mechanism) -> bool:
        wanted = target.lower().rstrip(".")
        for name in await self._validated_names():
            candidate = name.lower().rstrip(".")
            if candidate == wanted or candidate.endswith("." + wanted):
                return True
        return False

    # macros ------------------------------------------------------------------------------

    async def expand_target(self, tokens: list[Token], domain: str) -> str | None:
        """A domain-spec expanded for a query (§4.8, §7.3); None if no DNS name results."""
        name = await self._expand(tokens, domain)
        name = name[:-1] if name.endswith(".") else name
        while len(name) > 253 and "." in name:
            name = name.split(".", 1)[1]  # drop labels from the left until it fits
        labels = name.split(".")
        if not name or any(not label or len(label.encode()) > 63 for label in labels):
            return None
        return name

    async def _expand(self, tokens: list[Token], domain: str) -> str:
        out: list[str] = []
        for token in tokens:
            if not token.letter:
                out.append(token.literal)
                continue
            value = await self._macro_value(token.letter.lower(), domain)
            parts = re.split("[" + re.escape(token.delimiters or ".") + "]", value)
            if token.reverse:
                parts.reverse()
            if token.digits:
                parts = parts[-token.digits :]
            text = ".".join(parts)
            if token.letter.isupper():
                text = urllib.parse.quote(text, safe="~")
            out.append(text)
        return "".join(out)

    async def _macro_value(self, letter: str, domain: str) -> str:
        if letter == "s":
            return self.sender
        if letter == "l":
            return self.local
        if letter == "o":
            return self.sender_domain
        if letter == "d":
            return domain
        if letter == "i":
            if self.ip.version == 4:
                return str(self.ip)
            return ".".join(f"{self.ip.packed.hex().upper()}")
        if letter == "v":
            return "in-addr" if self.ip.version == 4 else "ip6"
        if letter == "h":
            return self.helo or "unknown"
        if letter == "c":
            return str(self.ip)
        if letter == "r":
            return self.receiver
        if letter == "t":
            return str(int(time.time()))
        if letter == "p":
            return await self._p_macro(domain)
        raise PermError(
            t("unknown macro letter {macro} in {text}", macro=repr(letter), text=repr(domain))
        )

    async def _p_macro(self, domain: str) -> str:
        if domain in self._validated:
            return self._validated[domain]
        names = await self._validated_names()
        wanted = domain.lower()
        best = "unknown"
        for name in names:
            lowered = name.lower()
            if lowered == wanted or lowered.endswith("." + wanted):
                best = name
                break
        else:
            if names:
                best = names[0]
        self._validated[domain] = best
        return best

    async def _explain(self, record: Record, domain: str) -> str:
        """The exp= text (§6.2); any problem on the way gives the default explanation."""
        if record.exp is None:
            return ""
        try:
            target = await self.expand_target(record.exp, domain)
        except (PermError, TempError):
            return ""
        if target is None:
            return ""
        answer = await self.lookup.query(target, "TXT")
        if answer.status != "ok" or len(answer.txt) != 1:
            return ""
        try:
            text = answer.txt[0].decode("ascii")
            return await self._expand(parse_macro_string(text, explanation=True), domain)
        except (UnicodeDecodeError, PermError, TempError):
            return ""


async def check_host(
    lookup: Lookup, ip: str, sender: str, helo: str = "", *, receiver: str = "unknown"
) -> SpfResult:
    """RFC 7208 check_host() for ``ip`` sending as ``sender`` (MAIL FROM; empty: HELO)."""
    return await Evaluator(lookup, ip, sender, helo, receiver=receiver).check()
