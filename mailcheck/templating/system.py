"""Variables the ESP fills itself (unsubscribe URL, recipient id …) and their placeholder values.

System variables never need a fallback. They render to stable placeholders so that links stay
checkable: a URL placeholder points at :data:`SYSTEM_PLACEHOLDER_HOST`, a reserved ``.invalid``
name (RFC 2606) that the link rules recognise as "filled by the ESP at send time" and never
request or flag as a placeholder link.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable, Mapping
from datetime import date

import regex

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

# The recipient's own address is what the message is sent to: never empty. Written alone it
# is in COMMON ("email"); as a member it is the address of the object before it, which is the
# recipient when that object names the one the message goes to (user.email, customer.email,
# Recipient.Email). Another object's address (manager.email, support.email, order.seller.email)
# may be empty, and stays a variable.
ADDRESS_FIELDS = frozenset({"email", "email_address"})
RECIPIENT_OBJECTS = frozenset(
    {
        "user",
        "recipient",
        "customer",
        "subscriber",
        "contact",
        "person",
        "member",
        "client",
        "profile",
        "account",
    }
)

# A name that says it is a link (reset_link, FEATURE_URL, confirmationLink): the application
# or the author builds the URL for every recipient, as PHP's link getters ($user->getTicketUrl())
_LINK_NAME = re.compile(r"(?:_(?:url|link)|[a-z\d](?:Url|URL|Link))$")
_SNAKE_LINK = re.compile(r"_(?:url|link)$", re.IGNORECASE)


_NEAR_MIN = 5  # shorter names are one letter off too many others to be a misspelling of one
_TAG_NAME = re.compile(r"[A-Za-z_][\w.:]*")


@functools.lru_cache(maxsize=64)
def _dialect_names(
    own: frozenset[str], builtins: frozenset[str], unsubscribe: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str], Mapping[str, str]]:
    """What a dialect on a platform fills, from its names there (``own``), its built-ins and
    its unsubscribe tags: the names (lower case, with COMMON), the built-ins (lower case) and
    the link tags (:func:`_link_tags`). Keyed by those values, not by the dialect (a
    :class:`Dialect` holds dicts: no hash): built once per run for every campaign of the
    dialect and platform, where building them for each was ~1 % of a batch."""
    names = frozenset(n.lower() for n in COMMON | own)
    return names, frozenset(n.lower() for n in builtins), _link_tags(own, builtins, unsubscribe)


def _link_tags(
    own: frozenset[str], builtins: frozenset[str], unsubscribe: tuple[str, ...]
) -> dict[str, str]:
    """The dialect's link tags by name (lower case): its unsubscribe tags as written, and its
    system variables whose names are URLs (as named)."""
    tags: dict[str, str] = {}
    for tag in unsubscribe:
        m = _TAG_NAME.search(tag)
        if m is not None:
            tags.setdefault(m.group(0).lower(), tag)
    for n in sorted(own - builtins):
        if _URLISH.search(n):
            tags.setdefault(n.lower(), n)
    return tags


def _within(name: str, target: str, edits: int) -> bool:
    """Whether ``name`` is ``target`` with at most ``edits`` letters added, dropped or changed
    (the regex module's fuzzy matching; a swapped pair, "ULR", is two)."""
    return regex.fullmatch(f"(?:{regex.escape(target)}){{e<={edits}}}", name) is not None


def recipient_address(name: str) -> bool:
    """Whether ``name`` is the recipient's own address as a member: ``user.email``."""
    parts = name.strip().lower().split(".")
    # at the top of the data or one level down (data.user.email): deeper, it is someone else's
    # (invitation.inviter.user.email); a CRM's "lead" is often not the recipient (a staff
    # notification "New lead: {{ lead.email }}")
    return 2 <= len(parts) <= 3 and parts[-1] in ADDRESS_FIELDS and parts[-2] in RECIPIENT_OBJECTS


def link_name(name: str) -> bool:
    """Whether ``name``'s last member says it is a URL: ``*_url``, ``*_link``, ``*Url``,
    ``*Link`` (``reset_link``, ``FEATURE_URL``, ``user.confirmationUrl``)."""
    last = name.strip().rsplit(".", 1)[-1]
    return bool(_LINK_NAME.search(last) or _SNAKE_LINK.search(last))


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
        text: str = "",
    ) -> None:
        found = dialect if isinstance(dialect, Dialect) else load_catalogue().get(dialect)
        self.platform = platform
        self.dialect = found.name if found is not None else str(dialect)
        own = found.system_names(platform) if found is not None else frozenset()
        builtins = found.builtins if found is not None else frozenset()
        unsubscribe = found.unsubscribe if found is not None else ()
        names, self.builtins, self.link_tags = _dialect_names(own, builtins, unsubscribe)
        self.names = names | {n.strip().lower() for n in configured if n.strip()}
        self.pattern = found.system_pattern if found is not None else None
        self.prefixes = SYSTEM_PREFIXES + tuple(
            p.lower() for p in (found.system_prefixes if found is not None else ())
        )
        prefixes = found.payload_prefixes if found is not None else ()
        if found is not None and platform is not None and platform in found.platform_payload:
            # on this ESP only: Klaviyo's event.* (the properties of the event that triggers it)
            prefixes += found.platform_payload[platform][0]
        self.payload_prefixes = tuple(p.lower() for p in prefixes)
        # a platform that fills a template only from the API call that sends it (Postmark's
        # TemplateModel; SendGrid's dynamic_template_data in a template with its Mail Send
        # tags, ``text`` the template): every name it does not fill itself is that call's data
        self.payload_all = found is not None and found.payload_only(platform, text)
        # every name the dialect's pattern fills is the event's (1C-Bitrix's mail event)
        self.all_events = bool(found is not None and found.event_data)
        # on this ESP only, the names of this pattern: the trigger event's data (eSputnik's
        # data.orderNumber)
        events = found.platform_events.get(platform or "") if found is not None else None
        self.event_pattern = events[0] if events is not None else None
        self.event_data = self.all_events or self.event_pattern is not None

    def adding(self, names: Iterable[str]) -> SystemNames:
        """These names and the ones the template itself shows the application fills (a
        variable that is a link's whole URL): as if listed in ``system-variables``."""
        more = copy.copy(self)
        more.names = self.names | {n.strip().lower() for n in names if n.strip()}
        return more

    def near_miss(self, name: str) -> str | None:
        """The platform's link tag that ``name`` is a misspelling of, as written
        (``%UNSUBSCRIBE_URL%`` for ``UNSUBSCRIBE_ULR``), or None. Only the dialect's own link
        tags (its unsubscribe tags, its system variables that are URLs) are targets, never a
        recipient's field (FIRSTNAME is no misspelling of LASTNAME); names are compared as
        the platform compares them, without case. A near miss is one letter off (two for
        names of 8 letters or more, where a swapped pair, "ULR", is two), both names being
        at least 5 letters long; or the tag's own name with its object dropped
        (``url_unsub`` for ``param.url_unsub``) or under one of the platform's objects that
        has no such member (``Subscriber.UnsubscribeURL`` for ``UnsubscribeURL``)."""
        low = name.strip().lower()
        if len(low) < _NEAR_MIN or self(name):
            return None
        if "subscri" in low and "unsub" not in low:
            return None  # a (re)subscribe link is another link, not the way out misspelt
        objects = {n.rsplit(".", 1)[0] + "." for n in self.names if "." in n}
        objects.update(p for p in self.prefixes if p.endswith("."))
        for target, shown in self.link_tags.items():
            if target == low or len(target) < _NEAR_MIN:
                continue
            own, theirs = low.rsplit(".", 1), target.rsplit(".", 1)
            if own[-1] == theirs[-1] and len(own[-1]) >= _NEAR_MIN:
                dropped = len(own) == 1 and len(theirs) == 2
                misplaced = len(own) == 2 and own[0] + "." in objects
                if dropped or misplaced:
                    return shown
            limit = 1 if len(target) < 8 else 2
            if abs(len(target) - len(low)) <= limit and _within(low, target, limit):
                return shown
        return None

    def event_field(self, name: str) -> bool:
        """Whether ``name`` is a field of the event that sends the message (1C-Bitrix's mail
        event, eSputnik's ``$data``): filled only through the dialect's pattern (on the ESP, its
        event pattern), not one the platform names itself (``#SITE_NAME#``) nor one the
        configuration lists."""
        if not self.event_data:
            return False
        lowered = name.strip().lower()
        if lowered in self.names or lowered.startswith(self.prefixes):
            return False
        if self.event_pattern is not None and self.event_pattern.search(name.strip()):
            return True
        return self.all_events and self._filled(name)

    def payload(self, name: str) -> bool:
        """Whether ``name`` is a field of the data the API call that sends the message passes
        (listmonk's ``Tx.Data.order_id``; any name on Postmark but the ones it fills itself):
        neither the platform's nor a recipient's."""
        if self.payload_prefixes and name.strip().lower().startswith(self.payload_prefixes):
            return True
        return self.payload_all and not self._filled(name)

    def __call__(self, name: str) -> bool:
        lowered = name.strip().lower()
        if (
            self.payload_prefixes
            and lowered.startswith(self.payload_prefixes)
            and lowered not in self.names
        ):
            return False  # the caller's data, unless listed in system-variables
        return self._filled(name)

    def _filled(self, name: str) -> bool:
        """Whether the platform (or the configuration) fills ``name``."""
        lowered = name.strip().lower()
        if lowered in self.names or lowered.startswith(self.prefixes):
            return True
        if recipient_address(lowered):
            return True
        if self.event_pattern is not None and self.event_pattern.search(name.strip()):
            return True
        if self.pattern is not None and self.pattern.search(name.strip()):
            return True
        if lowered.startswith("html:"):  # Mailchimp's unescaped form of a tag: *|HTML:X|*
            return self._filled(lowered[5:])
        return False

    def is_builtin(self, name: str) -> bool:
        return name.strip().lower() in self.builtins


# What placeholder() renders a system value to: a URL on SYSTEM_PLACEHOLDER_HOST, or "esp-"
# and a slug as a whole URL part (https://esp-server-name/…, ?ID=esp-order-id)
_STAND_IN = re.compile(r"(?<![\w.-])esp-[a-z0-9-]+(?![\w.])")


# Slots of a platform's layout that the platform fills when it sends. Keila ("Templates —
# Liquid"): the campaign's content and the sender's signature (by default "[Unsubscribe]({{
# unsubscribe_link }})"); listmonk ("Templating"): ``{{ template "content" . }}``, the campaign's
# body in the layout
LAYOUT_SLOTS = re.compile(r"\{\{-?\s*(?:signature_content|signature_html|main_content)\s*-?\}\}")
_LISTMONK_CONTENT = r'\{\{-?\s*template\s+"content"\s*\.?\s*-?\}\}'
PLATFORM_SLOTS = re.compile(rf"{LAYOUT_SLOTS.pattern}|{_LISTMONK_CONTENT}")


def leading_slot(text: str) -> str | None:
    """The platform's slot (as written) that ``text``, a layout's unrendered text, starts
    with: what the inbox shows first is then what the platform puts there."""
    match = PLATFORM_SLOTS.match(text.lstrip())
    return match.group(0) if match else None


def holds_stand_in(text: str) -> bool:
    """Whether ``text`` (a rendered URL) holds a value :func:`placeholder` made."""
    return SYSTEM_PLACEHOLDER_HOST in text or bool(_STAND_IN.search(text))


def placeholder(name: str, *, today: date | None = None, link: bool = False) -> str:
    """The stable value a system variable renders to (``link``: a URL, whatever its name: a
    variable that is a link's whole URL)."""
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
    if link or _URLISH.search(lowered):
        return f"https://{SYSTEM_PLACEHOLDER_HOST}/{slug}"
    return f"esp-{slug}"
