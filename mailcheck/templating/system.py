"""Variables the ESP fills itself (unsubscribe URL, recipient id …) and their placeholder values.

System variables never need a fallback. They render to stable placeholders so that links stay
checkable: a URL placeholder points at :data:`SYSTEM_PLACEHOLDER_HOST`, a reserved ``.invalid``
name (RFC 2606) that the link rules recognise as "filled by the ESP at send time" and never
request or flag as a placeholder link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from mailcheck.model import Dialect

SYSTEM_PLACEHOLDER_HOST = "esp-system.mailcheck.invalid"
"""Host of every URL a system variable renders to; link checkers skip it."""

# Names every dialect treats as ESP-filled (compared case-insensitively).
COMMON = frozenset(
    {
        "unsubscribe",
        "unsubscribe_url",
        "unsubscribe_link",
        "unsub",
        "unsub_url",
        "unsub_link",
        "unsubscribe_preferences",
        "preferences_url",
        "manage_preferences_url",
        "preference_center_url",
        "update_profile_url",
        "profile_url",
        "uid",
        "user_id",
        "recipient_id",
        "subscriber_id",
        "contact_id",
        "email",
        "email_address",
        "recipient_email",
        "web_version",
        "web_version_url",
        "webversion",
        "view_in_browser",
        "view_in_browser_url",
        "view_online_url",
        "browser_url",
        "archive_url",
        "forward_url",
        "current_year",
    }
)

PER_DIALECT: dict[str, frozenset[str]] = {
    "jinja": frozenset(),
    "liquid": frozenset(
        {
            "manage_preferences",
            "web_view",
            "web_view_url",
            "person.email",
            "customer.email",
            "customer.id",
            "organization.name",
            "organization.full_address",
            "organization.url",
            "set_user_to_unsubscribed_url",
            "shop.name",
        }
    ),
    "handlebars": frozenset(
        {
            "weblink",
            "sender_name",
            "sender_address",
            "sender_city",
            "sender_state",
            "sender_zip",
            "unsubscribe_preferences",
        }
    ),
    "mailchimp": frozenset(
        {
            "unsub",
            "update_profile",
            "archive",
            "archive_page",
            "archive_link",
            "archive_link_short",
            "forward",
            "email",
            "current_year",
            "rewards",
            "rewards_text",
            "mc_preview_text",
            "mc_language",
            "mc_language_label",
            "about_list",
            "unique_email_id",
            "campaign_uid",
            "list_address",
            "list_address_html",
            "user_url",
            "translate_links",
            "vcard",
            "facebook_share",
            "twitter_share",
            "emailcampaign",
        }
    ),
    "none": frozenset(),
}

# Mailchimp tag prefixes whose values come from the account, the list or the campaign.
MAILCHIMP_SYSTEM_PREFIXES = (
    "LIST:",
    "MC:",
    "DATE:",
    "HTML:",
    "TWITTER:",
    "FACEBOOK:",
    "LINKEDIN:",
    "INSTAGRAM:",
    "YOUTUBE:",
    "GOOGLE:",
    "RSS",
    "FEED",
    "SURVEY:",
    "POLL:",
    "TRANSLATE:",
    "PRODUCT",
    "PROMO_CODE",
    "SHARE:",
)

# Prefixes of names that ESPs reserve: Postmark's "pm:", Braze's "${…}" keys and similar.
SYSTEM_PREFIXES = ("pm:", "@")

# Flags that are true only outside the e-mail (Mailchimp's web archive page): empty in a send.
_FALSE_FLAGS = frozenset({"archive_page"})

_URLISH = re.compile(
    r"url|link|unsub|optout|opt_out|profile|preference|archive|forward|web_?version|"
    r"web_view|view|browser|manage|weblink",
    re.IGNORECASE,
)


class SystemNames:
    """Decides which variable names the ESP fills, for one dialect and configuration."""

    def __init__(self, dialect: Dialect | str, configured: Iterable[str] = ()) -> None:
        self.dialect = dialect
        self.names = {n.lower() for n in COMMON | PER_DIALECT.get(dialect, frozenset())}
        self.names |= {n.strip().lower() for n in configured if n.strip()}

    def __call__(self, name: str) -> bool:
        lowered = name.strip().lower()
        if lowered in self.names or lowered.startswith(SYSTEM_PREFIXES):
            return True
        if self.dialect == "mailchimp":
            upper = name.strip().upper()
            if upper.startswith("HTML:"):
                return self(upper[5:]) or upper[5:].startswith("LIST_")
            return upper.startswith(MAILCHIMP_SYSTEM_PREFIXES)
        return False


def placeholder(name: str, *, today: date | None = None) -> str:
    """The stable value a system variable renders to."""
    lowered = name.strip().lower()
    if lowered in _FALSE_FLAGS:
        return ""
    slug = re.sub(r"[^a-z0-9]+", "-", lowered).strip("-") or "value"
    if lowered in ("current_year",) or lowered.endswith("current_year"):
        return str((today or date.today()).year)
    if lowered.startswith("date:"):
        return (today or date.today()).isoformat()
    if "email" in lowered and not _URLISH.search(lowered):
        return f"recipient@{SYSTEM_PLACEHOLDER_HOST}"
    if _URLISH.search(lowered):
        return f"https://{SYSTEM_PLACEHOLDER_HOST}/{slug}"
    return f"esp-{slug}"
