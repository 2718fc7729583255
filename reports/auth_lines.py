"""The authentication section as a client reads it: per sender domain one line each for SPF,
DKIM and DMARC in plain words, in the report's language. The raw records stay below, folded,
for the technician (``html.auth_sections``).

The facts are read by duck typing (``mailcheck.auth_model`` shapes): a part that is missing or
of another shape gives no line rather than a wrong one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

State = Literal["ok", "warn", "bad", "unknown", "none"]  # none: an optional record not published
Gettext = Callable[..., str]
SPF_LOOKUP_LIMIT = 10


@dataclass(frozen=True)
class AuthLine:
    part: str  # SPF, DKIM, DMARC (and MX, MTA-STS, TLS-RPT, BIMI, blocklists: domain_items)
    state: State
    text: str


def spf_line(spf: Any, _: Gettext) -> AuthLine:
    status = getattr(spf, "status", None)
    if status == "error":
        reason = getattr(spf, "dns_error", "") or "DNS"
        return AuthLine("SPF", "unknown", _("could not be checked (%(reason)s)", reason=reason))
    records = getattr(spf, "records", ()) or ()
    if status == "none" or not records:
        return AuthLine(
            "SPF",
            "bad",
            _("no record: receivers cannot tell which servers may send mail for this domain"),
        )
    if len(records) > 1:
        return AuthLine(
            "SPF",
            "bad",
            _("%(n)s records instead of one: receivers treat that as an error", n=len(records)),
        )
    errors = list(getattr(spf, "syntax_errors", []) or []) + list(
        getattr(spf, "limit_errors", []) or []
    )
    lookups = int(getattr(spf, "lookups", 0) or 0)
    if errors or lookups > SPF_LOOKUP_LIMIT:
        return AuthLine(
            "SPF",
            "bad",
            _(
                "the record is broken (%(lookups)s DNS lookups of %(limit)s allowed): receivers "
                "ignore it",
                lookups=lookups,
                limit=SPF_LOOKUP_LIMIT,
            ),
        )
    qualifier = getattr(spf, "all_qualifier", None)
    redirect = bool(getattr(spf, "has_redirect", False))
    counted = _(
        "sending servers are listed; %(lookups)s DNS lookups of %(limit)s",
        lookups=lookups,
        limit=SPF_LOOKUP_LIMIT,
    )
    if qualifier == "+":
        return AuthLine("SPF", "bad", _("allows any server in the world to send as this domain"))
    if qualifier == "-":
        return AuthLine("SPF", "ok", counted + _("; other servers are rejected"))
    if qualifier == "~":
        return AuthLine("SPF", "ok", counted + _("; mail from other servers is marked suspicious"))
    if redirect:
        return AuthLine("SPF", "ok", counted)
    return AuthLine("SPF", "warn", counted + _("; it does not say what to do with other servers"))


def dkim_lines(keys: Any, _: Gettext) -> list[AuthLine]:
    if not isinstance(keys, dict) or not keys:
        return [
            AuthLine(
                "DKIM",
                "unknown",
                _("no selector to check: add the ESP's selector to dkim-selectors"),
            )
        ]
    lines = []
    for selector, key in keys.items():
        status = getattr(key, "status", None)
        if status == "ok":
            bits = getattr(key, "bits", None)
            kind = (getattr(key, "key_type", "") or "rsa").upper()
            text = _(
                "signing key “%(selector)s” found (%(kind)s, %(bits)s bits)",
                selector=selector,
                kind=kind,
                bits=bits or "?",
            )
            if getattr(key, "testing", False):
                lines.append(
                    AuthLine("DKIM", "warn", text + _("; in testing mode: receivers ignore it"))
                )
            elif kind == "RSA" and bits is not None and bits < 2048:
                lines.append(
                    AuthLine("DKIM", "warn", text + _("; shorter than the 2048 bits advised"))
                )
            else:
                lines.append(AuthLine("DKIM", "ok", text))
        elif status == "missing":
            lines.append(
                AuthLine(
                    "DKIM",
                    "bad",
                    _("no key at selector “%(selector)s”: signatures fail", selector=selector),
                )
            )
        elif status == "revoked":
            lines.append(
                AuthLine(
                    "DKIM",
                    "bad",
                    _("the key at selector “%(selector)s” is revoked", selector=selector),
                )
            )
        else:
            lines.append(
                AuthLine(
                    "DKIM",
                    "unknown",
                    _("the key at selector “%(selector)s” could not be read", selector=selector),
                )
            )
    return lines


def dmarc_line(dmarc: Any, _: Gettext) -> AuthLine:
    status = getattr(dmarc, "status", None)
    if status == "error":
        reason = getattr(dmarc, "dns_error", "") or "DNS"
        return AuthLine("DMARC", "unknown", _("could not be checked (%(reason)s)", reason=reason))
    if status == "none":
        return AuthLine(
            "DMARC",
            "bad",
            _("no policy: Gmail and Yahoo require one from bulk senders"),
        )
    if getattr(dmarc, "errors", None):
        return AuthLine("DMARC", "bad", _("the record has errors: receivers may ignore it"))
    policy = getattr(dmarc, "policy", None)
    if policy == "reject":
        return AuthLine("DMARC", "ok", _("p=reject — mail that fails the checks is rejected"))
    if policy == "quarantine":
        return AuthLine("DMARC", "ok", _("p=quarantine — mail that fails the checks goes to spam"))
    if policy == "none":
        return AuthLine(
            "DMARC",
            "warn",
            _("p=none — mail that fails the checks is delivered anyway (monitoring only)"),
        )
    return AuthLine("DMARC", "unknown", _("the policy could not be read"))


def auth_lines(facts: Any, _: Gettext) -> list[AuthLine]:
    """The client's lines for one domain's authentication facts (``DomainAuth``)."""
    lines: list[AuthLine] = []
    spf = getattr(facts, "spf", None)
    if spf is not None:
        lines.append(spf_line(spf, _))
    dkim = getattr(facts, "dkim", None)
    if dkim is not None:
        lines += dkim_lines(dkim, _)
    dmarc = getattr(facts, "dmarc", None)
    if dmarc is not None:
        lines.append(dmarc_line(dmarc, _))
    return lines
