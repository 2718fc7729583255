"""Whose fault an incident is, and how bad: the attribution the KPI's contract figure needs.

An agency answers for what it controls. Every incident has an **owner**:

* ``agency`` — what the agency made or decided: the campaign's text, links, UTMs,
  personalisation, and every error it launched with ``--force``;
* ``client`` — the client's own systems after launch: a landing page on one of the configured
  ``client-domains`` that died once the campaign was out;
* ``esp`` — the sending platform: authentication (SPF, DKIM, DMARC) and the headers it adds;
* ``unknown`` — not attributed yet (a hand-logged code of your own, a link to a third party).

``incident add --owner`` and ``incident edit ID --owner`` set it by hand; otherwise
:func:`default_owner` decides from the code, where the incident was found and the link's host.
An ``unknown`` incident counts against the agency in the contract figure until someone
attributes it: a KPI must not improve because nobody looked.

Each incident also has a **class** (:func:`impact_class`): ``critical`` (wrong recipients, the
law, unsubscribing broken), ``major`` (a broken link or personalisation, failed
authentication, a wrong price: every other error) or ``minor`` (every warning).
``incident add --class`` overrides it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal
from urllib.parse import urlsplit

Owner = Literal["agency", "client", "esp", "unknown"]
OWNERS: tuple[Owner, ...] = ("agency", "client", "esp", "unknown")
Impact = Literal["critical", "major", "minor"]
IMPACTS: tuple[Impact, ...] = ("critical", "major", "minor")

# A link that dies after launch is the fault of whoever runs its host.
LINK_CODES = frozenset({"LNK001", "LNK002", "LNK005", "LNK006", "UNS004"})
# The sending platform's side: DNS authentication and the headers it adds to every message.
_ESP_PREFIXES = ("SPF", "DKIM", "DMARC")
_ESP_CODES = frozenset({"UNS002", "UNS003"})
# Unsubscribing that does not work breaks the law (38-ФЗ, CAN-SPAM, GDPR) and the recipient's
# trust; wrong recipients are logged by hand under these codes.
_CRITICAL_CODES = frozenset(
    {"UNS001", "UNS002", "UNS004", "WRONG-RECIPIENTS", "WRONG-AUDIENCE", "WRONG-SEGMENT", "LAW"}
)
_RULE_CODE = re.compile(r"[A-Z]{1,8}[0-9]{3}")


def host_in(url: str | None, domains: Iterable[str]) -> bool:
    """Whether the URL's host is one of ``domains`` or below one of them."""
    if not url:
        return False
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    for domain in domains:
        d = domain.strip().strip(".").lower()
        if d and (host == d or host.endswith("." + d)):
            return True
    return False


def default_owner(
    code: str, *, source: str, url: str | None = None, client_domains: Iterable[str] = ()
) -> Owner:
    """The owner of an incident nobody attributed by hand.

    ``source`` is where it was found: ``launch`` (an error launched with ``--force``, or
    found by a check the launch's ``--select``/``--ignore`` skipped),
    ``monitor`` (a link that died after launch) or ``manual``.
    """
    code = code.upper()
    if source == "launch":
        return "agency"  # the agency saw the error at the gate and sent anyway
    if code in LINK_CODES:
        if host_in(url, client_domains):
            return "client"
        return "unknown" if source == "monitor" else "agency"
    if code.startswith(_ESP_PREFIXES) or code in _ESP_CODES:
        return "esp"
    if _RULE_CODE.fullmatch(code):
        return "agency"  # a content rule: the campaign as the agency made it
    return "unknown"


def impact_class(code: str, severity: str) -> Impact:
    """critical / major / minor for an incident of this code and severity."""
    code = code.upper()
    if severity != "error":
        return "minor"
    return "critical" if code in _CRITICAL_CODES else "major"
