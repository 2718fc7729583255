"""What a link is for, decided from its text and URL (no network, no HTML parsing)."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from mailcheck.model import Link

# Words that mark an unsubscribe or preference link, in the languages our users send in.
UNSUBSCRIBE_WORDS = re.compile(
    r"unsubscri|opt[\s_-]?out|отпис|отказ\w*\s+от\s+(рассылки|подписки)|"
    r"abmelden|désinscri|desinscri|désabonn|darse de baja|cancelar\s+suscrip|"
    r"annulla\s+iscrizione|disiscri|afmelden|wypisz|odhlásit|vazgeç|"
    r"preference|manage\s+(your\s+)?subscription|email\s+settings|"
    r"настро\w*\s+(рассылки|подписки)|управлени\w*\s+подпиской",
    re.I,
)
# ESP system tags that stand for the unsubscribe or preference-centre URL.
UNSUBSCRIBE_TAGS = re.compile(
    r"\*\|(UNSUB|UPDATE_PROFILE)\|\*|asm_(global_)?unsubscribe|asm_preferences|unsub_center|"
    r"url_unsub|pm:unsubscribe|\{%\s*unsubscribe|unsubscribe_url|unsubscribe_link|"
    r"UnsubscribeUrl|unsubscribeUrl|%unsubscribe_url%|\[unsubscribe\]|"
    r"\{\{\s*unsubscribe|\$\{\s*Recipient\.Unsubscribe",
    re.I,
)


@functools.lru_cache(maxsize=8192)  # asked by UNS, UTM and LNK rules for the same links
def is_unsubscribe(link: Link) -> bool:
    """An unsubscribe or preference-centre link: never clicked by the checker, no UTMs needed."""
    if link.kind not in ("a", "area"):
        return False
    target = link.raw or link.href
    if UNSUBSCRIBE_TAGS.search(target) or UNSUBSCRIBE_TAGS.search(link.href):
        return True
    if UNSUBSCRIBE_WORDS.search(link.text):
        return True
    path = urlsplit(link.href).path if "://" in link.href else link.href
    return bool(re.search(r"unsub|optout|opt-out|otpis", path, re.I))


def scheme(url: str) -> str:
    match = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""


def is_web(url: str) -> bool:
    return scheme(url) in ("http", "https")
