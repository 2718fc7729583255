"""A campaign as the ESP will send it, scored by a local SpamAssassin (``spamd``) or rspamd.

Scoring is optional: it runs only when ``[spam] spamd = "host:port"`` names a spamd (Debian's
``spamd``; start it with ``--local`` so that no network test is made) or ``[spam] rspamd =
"http://host:port"`` an rspamd normal worker, which the agency runs itself. The message
scored is what a recipient gets: a saved test send (``.eml``) as it is; a template as
rendered for the main sample, with the headers the ESP adds (Date, Message-ID, MIME-Version)
so that their absence is not scored against the campaign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from mailcheck.model import Campaign

_RULE_LINE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$")


@dataclass(frozen=True)
class SpamScore:
    score: float | None  # None: not scored (see ``error``)
    # (rule, points, description), as the scanner says (rspamd calls its rules "symbols")
    rules: tuple[tuple[str, float, str], ...] = ()
    error: str = ""
    scanner: str = "spamd"  # "spamd" | "rspamd"
    action: str = ""  # what rspamd would have the MTA do ("reject", "add header"...)


def spam_key(campaign: Campaign) -> str:
    return f"{campaign.source}#{campaign.id}"


def message_for(campaign: Campaign) -> bytes:
    """The message to score (see the module's docstring)."""
    if campaign.raw_message:
        return campaign.raw_message
    main = campaign.main
    message = EmailMessage()
    domain = campaign.from_domain or "sender.invalid"
    message["From"] = campaign.from_addr or f"sender@{domain}"
    message["To"] = "recipient@recipient.invalid"
    message["Subject"] = (main.subject if main else campaign.subject) or ""
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in ((main.headers if main else None) or campaign.headers or {}).items():
        if name.lower() not in ("from", "to", "subject", "date", "message-id"):
            message[name] = value
    text = main.text if main else campaign.text
    html = main.html if main else campaign.html
    if text:
        message.set_content(text)
    if html:
        if text:
            message.add_alternative(html, subtype="html")
        else:
            message.set_content(html, subtype="html")
    return message.as_bytes()


def read_report(body: str) -> tuple[tuple[str, float, str], ...]:
    """The rules hit, from spamd's REPORT body ("pts rule name description" table)."""
    rules = []
    for line in body.splitlines():
        match = _RULE_LINE.match(line)
        if match:
            points, name, description = match.groups()
            rules.append((name, float(points), description.strip()))
    return tuple(rules)


def read_rspamd(answer: object) -> SpamScore:
    """The score and the symbols hit, from rspamd's ``/checkv2`` JSON answer.

    A symbol's points are its ``score``; its description is rspamd's, else its options. A
    forced action (GTUBE, a force_actions rule) sets the score with symbols of 0 points.
    Points are rounded to hundredths, as rspamd shows them (its JSON says 0.899999 for 0.9).
    """
    if not isinstance(answer, dict) or not isinstance(answer.get("score"), int | float):
        raise ValueError("no score in rspamd's answer")
    symbols = answer.get("symbols")
    rules = []
    for name, symbol in (symbols if isinstance(symbols, dict) else {}).items():
        if not isinstance(symbol, dict):
            continue
        points = symbol.get("score")
        options = symbol.get("options")
        options = ", ".join(map(str, options)) if isinstance(options, list) else ""
        description = str(symbol.get("description") or options)
        points = round(float(points), 2) if isinstance(points, int | float) else 0.0
        rules.append((str(name), points, description))
    rules.sort(key=lambda rule: (-rule[1], rule[0]))
    action = answer.get("action")
    return SpamScore(
        round(float(answer["score"]), 2),
        tuple(rules),
        scanner="rspamd",
        action=action if isinstance(action, str) else "",
    )
