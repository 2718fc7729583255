"""What an e-mail platform's click tracker looks like: the known shapes of its rewritten links
(``data/click_trackers.toml``, one ESP an entry), and the encoded token a tracker's link
carries in place of a readable target (no network, no HTML parsing)."""

from __future__ import annotations

import base64
import binascii
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from mailcheck.domains import URL_CACHE_SIZE, ascii_host, under


@dataclass(frozen=True)
class KnownTracker:
    """A link of an ESP's known click-tracker shape."""

    esp: str  # the platform, as findings name it ("SendGrid")
    target: str | None = None  # the page it leads to, when the link writes it


@dataclass(frozen=True)
class _Shape:
    esp: str
    hosts: tuple[str, ...]
    labels: frozenset[str]
    paths: tuple[str, ...]
    keys: frozenset[str]
    token: bool
    target: str
    starred: bool = False  # a path segment "*<token>*" (or "*<token>") is the token


def _load() -> tuple[tuple[_Shape, ...], frozenset[str]]:
    text = resources.files("mailcheck.data").joinpath("click_trackers.toml").read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    shapes = tuple(
        _Shape(
            esp=str(entry["esp"]),
            hosts=tuple(str(h).lower() for h in entry.get("hosts", ())),
            labels=frozenset(str(label).lower() for label in entry.get("labels", ())),
            paths=tuple(str(p) for p in entry.get("paths", ())),
            keys=frozenset(str(k) for k in entry.get("keys", ())),
            token=bool(entry.get("token", False)),
            target=str(entry.get("target", "")),
            starred=bool(entry.get("starred", False)),
        )
        for entry in data["shape"]
    )
    return shapes, frozenset(str(k).lower() for k in data.get("landing-keys", ()))


_SHAPES, LANDING_KEYS = _load()
"""Query keys (lower case) that platforms append to the landing page itself (``mkt_tok``,
``_hsenc``, ``_kx``…): a link that carries one is that page, not a tracker."""


def raw_query_pairs(query: str) -> list[tuple[str, str]]:
    """A query's keys and values as written: percent-escapes decoded, but a "+" kept (a form's
    space to ``parse_qsl``, and a letter of the base64 alphabet to a click token)."""
    return parse_qsl(query.replace("+", "%2B"), keep_blank_values=True)


@lru_cache(maxsize=URL_CACHE_SIZE)
def known_tracker(url: str) -> KnownTracker | None:
    """The ESP whose known click-tracker shape ``url`` has (``data/click_trackers.toml``), and
    the page it leads to when the link writes it; None for any other URL."""
    try:
        parts = urlsplit(url.strip())
        host = ascii_host(parts.hostname or "")
    except ValueError:
        return None
    if not host:
        return None
    pairs = raw_query_pairs(parts.query)
    for shape in _SHAPES:
        rest = _matched_rest(shape, host, parts.path, pairs)
        if rest is None:
            continue
        if shape.token and not _carries_token(shape, rest, pairs):
            continue
        if not shape.target:
            return KnownTracker(shape.esp)
        target = _written_target(shape.target, rest, pairs)
        if target:
            return KnownTracker(shape.esp, target)
    return None


def _carries_token(shape: _Shape, rest: str, pairs: list[tuple[str, str]]) -> bool:
    """Whether a link of the shape carries an opaque token: a segment of the path after the
    prefix (``rest``; starred or not, as the shape writes it) or a query value."""
    segments = [s for s in rest.split("/") if s]
    if shape.starred:
        segments = [_unstarred(s) for s in segments]
    return any(opaque_token(s) for s in segments) or any(opaque_token(v) for _, v in pairs)


def _unstarred(segment: str) -> str:
    """A path segment HubSpot wraps in stars ("*W2nXb…*", or "*W2nXb…" alone) without them;
    any other as it is (a "*" inside a segment wraps nothing)."""
    if not segment.startswith("*"):
        return segment
    inner = segment[1:].removesuffix("*")
    return inner if inner and "*" not in inner else segment


def _matched_rest(shape: _Shape, host: str, path: str, pairs: list[tuple[str, str]]) -> str | None:
    """The path after the shape's prefix, when the host, the path and the query are the
    shape's; else None."""
    if shape.hosts and not any(under(host, domain) for domain in shape.hosts):
        return None
    if shape.labels and host.split(".", 1)[0] not in shape.labels:
        return None
    if shape.keys and not any(key in shape.keys for key, _ in pairs):
        return None
    if not shape.paths:
        return path
    for prefix in shape.paths:
        if prefix.endswith("/") and prefix != "/":
            if path.startswith(prefix):
                return path[len(prefix) :]
        elif (
            path == prefix
            or (prefix != "/" and path == prefix + "/")
            or (prefix == "/" and not path)
        ):
            return ""
    return None


def _written_target(how: str, rest: str, pairs: list[tuple[str, str]]) -> str | None:
    """The page a tracker's link writes, read as its shape writes it: the first path segment
    after the prefix (``path``), or a query value (``query:<key>``); a web address, whether
    percent-encoded, base64 or without its scheme. None when it is no web address."""
    if how == "path":
        written = rest.split("/", 1)[0]
    elif how.startswith("query:"):
        key = how.removeprefix("query:")
        written = next((v for k, v in pairs if k == key), "")
    else:
        return None
    return _web_address(written)


_SCHEMELESS = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/?#:]|$)", re.IGNORECASE)


def _web_address(written: str) -> str | None:
    """The web address ``written`` is: as it is, percent-encoded (once or twice), base64, or
    without its scheme when its "/" is encoded ("shop.example%2Fsale": Postmark's; a bare
    "item.html" is a file's name, no host). None when it is none."""
    encoded_slash = "%2f" in written.lower()
    for _ in range(3):  # encoded once more by some senders: "http%253A%252F%252F…"
        if written.lower().startswith(("http://", "https://")):
            return written if _has_host(written) else None
        decoded = unquote(written)
        if decoded == written:
            break
        written = decoded
    if encoded_slash and _SCHEMELESS.match(written):
        return "https://" + written
    decoded_b64 = _base64_text(written)
    if decoded_b64 and decoded_b64.lower().startswith(("http://", "https://")):
        return decoded_b64 if _has_host(decoded_b64) else None
    return None


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


def _base64_text(value: str) -> str | None:
    """``value`` decoded as base64 (standard or URL-safe, "~" or "=" padding), when it is text."""
    value = value.replace("~", "=").replace(" ", "+").rstrip("=")
    if len(value) < 8 or not re.fullmatch(r"[A-Za-z0-9+/_-]+", value):
        return None
    try:
        raw = base64.urlsafe_b64decode(
            value.replace("+", "-").replace("/", "_") + "=" * (-len(value) % 4)
        )
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None


# A click's identifier as encoders write it: base64/base62 (letters of both cases and digits,
# "=" padding at most; standard base64's "+" and "/" inside a query value), or hexadecimal (a
# digest, 25 characters or more, of one case). Judged between separators: a slug's pieces
# ("nike-air-max-270-black", "summer_sale_2026") are short words, a page's
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}(?:=|%3D){0,2}", re.IGNORECASE)
_HEX = re.compile(r"[0-9a-f]{24,}|[0-9A-F]{24,}")
_UUID = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", re.IGNORECASE)
# Words run together with capitals ("AirMax270BlackWhite2026", "emailDecember2026",
# "iPhone15ProMax256GB"): a name written by a person, not a token
_CAMEL_WORDS = re.compile(r"[a-z]*(?:[A-Z][a-z]{2,}|[A-Z]{2,}(?![a-z])|\d+)+")


def opaque_token(token: str) -> bool:
    """A click's identifier, encoded: one path segment or query value, of no separated words,
    long, and of an encoding's look: base64/base62 mixing upper case, lower case and digits
    (a query value's standard base64 with "+" and "/" too); or a hexadecimal run of 25 or more
    (of digits and letters). An upper-case code (a SKU, an order, a promo code), a lower-case
    slug, a year or a size is not one, nor are capitalised words run together
    ("AirMax270Black2026"), nor a record's own id: a UUID (an order, a parcel) or a 24-digit
    hexadecimal MongoDB ObjectId (a category, a product). A value with dots, dashes or
    underscores (SendGrid's "u001.<token>-2F<token>", base64url's own "-" and "_"; SparkPost's "~"
    padding) is judged
    piece by piece: a slug's pieces are short words."""
    if _UUID.fullmatch(token):
        return False  # a record's id: the page of an order, a parcel, a ticket
    return any(_encoded(piece) for piece in re.split(r"[._~-]", token))


def _encoded(piece: str) -> bool:
    if _HEX.fullmatch(piece):
        if len(piece) == 24:
            return False  # a MongoDB ObjectId: the id of a record a page shows
        return any(c.isdigit() for c in piece) and any(c.isalpha() for c in piece)
    if not _BASE64.fullmatch(piece):
        return False
    piece = re.sub(r"(?:=|%3D)+$", "", piece, flags=re.IGNORECASE)
    # words a person wrote: capitalised and run together, or (between the "+" of a form's
    # spaces) plain lower-case words and numbers
    words = [w for w in _WORDS.split(piece) if w]
    if all(_CAMEL_WORDS.fullmatch(w) or w.islower() for w in words):
        return False
    return (
        any(c.isdigit() for c in piece)
        and any(c.islower() for c in piece)
        and any(c.isupper() for c in piece)
    )


_WORDS = re.compile(r"[+/]+")
