"""Dialect discovery through the ``mailcheck.dialects`` entry-point group.

The built-in dialects register in mailcheck's own ``pyproject.toml`` exactly as a third-party
one does in its package's (as rules do under ``mailcheck.checks``, see
:mod:`mailcheck.registry`). Each plugin loads on its own: one that fails to import, or names
something that is not a :class:`Dialect`, is reported (``problems``, shown as warnings) and the
others still load; a name two plugins claim is refused for the second one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mailcheck.entrypoints import declared
from mailcheck.templating.dialect import Dialect

GROUP = "mailcheck.dialects"

# ESPs whose template language no dialect reads: ``esp = "salesforce"`` is a known platform
# (not an input error), and its tags are "not understood" (PER007, see detect._UNREAD).
UNREAD_PLATFORMS = {"salesforce": "AMPscript", "sfmc": "AMPscript"}

# Other names of an ESP: ``esp = "unione"`` is Unisender Go (UniOne is its international brand:
# the same platform, engines and system names)
ESP_ALIASES = {"unione": "unisender-go"}

# How people write a platform's or a dialect's name, where its `esp =`/`template =` name is not
# it: findings name the platform so ("Braze has no tag {{unsubscrib}}"). A dialect not here
# is named by its summary's head ("DashaMail: %NAME%, …" -> DashaMail)
DISPLAY_NAMES = {
    "braze": "Braze",
    "campaignmonitor": "Campaign Monitor",
    "customerio": "Customer.io",
    "esputnik": "eSputnik",
    "go": "Go",
    "hubspot": "HubSpot",
    "iterable": "Iterable",
    "keila": "Keila",
    "klaviyo": "Klaviyo",
    "listmonk": "listmonk",
    "mailchimp": "Mailchimp",
    "mailgun": "Mailgun",
    "php": "PHP",
    "postmark": "Postmark",
    "salesforce": "Salesforce",
    "sendgrid": "SendGrid",
    "sfmc": "Salesforce Marketing Cloud",
    "shopify": "Shopify",
    "unisender": "Unisender",
    "unisender-go": "Unisender Go",
}


@dataclass
class Catalogue:
    dialects: dict[str, Dialect] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, dialect: Dialect, origin: str) -> None:
        if dialect.name in self.dialects or dialect.name == "none":
            self.problems.append(
                f"dialect plugin {origin!r}: the name {dialect.name!r} is already taken; ignored"
            )
            return
        self.dialects[dialect.name] = dialect

    def get(self, name: str) -> Dialect | None:
        return self.dialects.get(name.strip().lower())

    def display_name(self, name: str) -> str:
        """How people write the platform or dialect ``name`` (``esputnik`` -> eSputnik,
        ``dashamail`` -> DashaMail); ``name`` itself when nothing says."""
        key = name.strip().lower()
        key = ESP_ALIASES.get(key, key)
        if key in DISPLAY_NAMES:
            return DISPLAY_NAMES[key]
        dialect = self.get(key)
        head = re.split(r":| \(", dialect.summary, maxsplit=1)[0].strip() if dialect else ""
        return head or name

    def names(self) -> list[str]:
        return sorted(self.dialects)

    def platforms(self) -> dict[str, str]:
        """ESP name -> the dialect it writes (`esp = "klaviyo"` -> liquid)."""
        out: dict[str, str] = {}
        for dialect in self.dialects.values():
            for platform in dialect.platforms:
                out.setdefault(platform.lower(), dialect.name)
        return out

    def choice_problem(self, template: str = "", esp: str = "") -> str | None:
        """What is wrong with a ``template``/``esp`` setting, or None."""
        if template and template != "none" and self.get(template) is None:
            return f"template must be one of none, {', '.join(self.names())}, not {template!r}"
        if esp and self.for_platform(esp) is None and not self.unread_platform(esp):
            known = sorted(
                set(self.platforms()) | set(self.names()) | set(UNREAD_PLATFORMS) | set(ESP_ALIASES)
            )
            return f"esp must be one of {', '.join(known)}, not {esp!r}"
        return None

    @staticmethod
    def unread_platform(esp: str) -> str | None:
        """The language of an ESP that no dialect reads (Salesforce: AMPscript), or None."""
        return UNREAD_PLATFORMS.get(esp.strip().lower())

    def for_platform(self, esp: str) -> tuple[Dialect, str] | None:
        """The dialect an ESP writes (its default engine, when it has several) and the platform
        name its system variables are kept under."""
        engines = self.engines(esp)
        return engines[0] if engines else None

    def engines(self, esp: str) -> list[tuple[Dialect, str]]:
        """Every dialect an ESP writes, in the catalogue's order (Unisender Go: its simple
        engine, "unisender", and Velocity), with the platform name."""
        wanted = esp.strip().lower()
        wanted = ESP_ALIASES.get(wanted, wanted)
        found = [
            (dialect, platform)
            for dialect in self.dialects.values()
            for platform in dialect.platforms
            if platform.lower() == wanted
        ]
        named = self.get(wanted)  # an ESP named like its dialect: "mindbox", "sendsay" …
        if not found and named is not None:
            found.append((named, wanted))
        return found


_cache: Catalogue | None = None


def load_catalogue(refresh: bool = False) -> Catalogue:
    """Every dialect of the entry-point group, loaded once per process."""
    global _cache
    if _cache is not None and not refresh:
        return _cache
    catalogue = Catalogue()
    for ep in sorted(declared(GROUP, rescan=refresh), key=lambda e: e.name):
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin must not stop the others
            catalogue.problems.append(
                f"dialect plugin {ep.name!r} ({ep.value}) failed to load: {exc}"
            )
            continue
        if not isinstance(loaded, Dialect):
            catalogue.problems.append(
                f"dialect plugin {ep.name!r} ({ep.value}) is not a mailcheck Dialect"
            )
            continue
        catalogue.add(loaded, ep.name)
    _cache = catalogue
    return catalogue
