"""A campaign as the ESP will send it, scored by a local SpamAssassin (``spamd``).

Scoring is optional: it runs only when ``[spam] spamd = "host:port"`` names a spamd, which the
agency runs itself (Debian's ``spamd``; start it with ``--local`` so that no network test is
made). The message scored is what a recipient gets: a saved test send (``.eml``) as it is; a
template as rendered for the main sample, with the headers the ESP adds (Date, Message-ID,
MIME-Version) so that their absence is not scored against the campaign.
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
    rules: tuple[tuple[str, float, str], ...] = ()  # (rule, points, description), as spamd says
    error: str = ""


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
