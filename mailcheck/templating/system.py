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

from mailcheck.linkinfo import SYSTEM_PLACEHOLDER_HOST
from mailcheck.templating.catalogue import load_catalogue
from mailcheck.templating.dialect import Dialect

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
        # layout slots: a platform's layout puts the campaign's own content there (Keila)
        "main_content",
        "signature_content",
    }
)

# Prefixes of names that ESPs reserve: Postmark's "pm:", Braze's "${…}" keys and similar.
SYSTEM_PREFIXES = ("pm:", "@")

# Flags that are true only outside the e-mail (Mailchimp's web archive page): empty in a send.
_FALSE_FLAGS = frozenset({"archive_page"})

_URLISH = re.compile(
    r"url|link|href|path|unsub|optout|opt_out|profile|preference|archive|forward|web_?version|"
    r"web_view|view|browser|manage|weblink",
    re.IGNORECASE,
)


class SystemNames:
    """Decides which variable names the ESP fills, for one dialect, platform and configuration.

    ``builtins`` are the language's own names (``now``, ``forloop``): never a recipient's, and
    rendered by the engine itself rather than given a placeholder.
    """

    def __init__(
        self,
        dialect: Dialect | str,
        configured: Iterable[str] = (),
        platform: str | None = None,
    ) -> None:
        found = dialect if isinstance(dialect, Dialect) else load_catalogue().get(dialect)
        self.platform = platform
        self.dialect = found.name if found is not None else str(dialect)
        own = found.system_names(platform) if found is not None else frozenset()
        self.names = {n.lower() for n in COMMON | own}
        self.names |= {n.strip().lower() for n in configured if n.strip()}
        self.builtins = {n.lower() for n in found.builtins} if found is not None else set()
        self.pattern = found.system_pattern if found is not None else None
        self.prefixes = SYSTEM_PREFIXES + tuple(
            p.lower() for p in (found.system_prefixes if found is not None else ())
        )

    def __call__(self, name: str) -> bool:
        lowered = name.strip().lower()
        if lowered in self.names or lowered.startswith(self.prefixes):
            return True
        if self.pattern is not None and self.pattern.search(name.strip()):
            return True
        if lowered.startswith("html:"):  # Mailchimp's unescaped form of a tag: *|HTML:X|*
            return self(lowered[5:])
        return False

    def is_builtin(self, name: str) -> bool:
        return name.strip().lower() in self.builtins


# What placeholder() renders a system value to: a URL on SYSTEM_PLACEHOLDER_HOST, or "esp-"
# and a slug as a whole URL part (https://esp-server-name/…, ?ID=esp-order-id)
_STAND_IN = re.compile(r"(?<![\w.-])esp-[a-z0-9-]+(?![\w.])")


def holds_stand_in(text: str) -> bool:
    """Whether ``text`` (a rendered URL) holds a value :func:`placeholder` made."""
    return SYSTEM_PLACEHOLDER_HOST in text or bool(_STAND_IN.search(text))


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
