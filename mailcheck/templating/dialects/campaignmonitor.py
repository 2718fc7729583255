"""Campaign Monitor: ``[firstname,fallback=друг]``, ``[email]``, ``<unsubscribe>…</unsubscribe>``.

A subscriber field is written in square brackets, its fallback after a comma: ``[firstname,
fallback=there]`` prints "there" when the subscriber has no first name, and the form the
editor inserts, ``[firstname,fallback=]``, prints nothing then ("Hi ,"): an empty fallback.
Custom fields are written the same way (``[City,fallback=]``). ``[firstname]``,
``[lastname]``, ``[fullname]`` are the name fields, ``[email]`` the subscriber's address.
The special links are elements that Campaign Monitor turns into a link, keeping their text
(``<unsubscribe>``, ``<webversion>``, ``<forwardtoafriend>``, ``<preferences>``), or a URL
in brackets inside an href (``[unsubscribe]``, ``[webversion]``, ``[preferences]``). Sources:
Campaign Monitor's template language (the special links, the date tags ``[currentday]``,
``[currentmonthname]``, ``[currentyear]`` …) and its personalization tags (the fallback), as
a white-label edition of its help documents them ("[Dateofbirth,fallback=]" for a custom
field "Date of birth"); Sendy writes the same tags (``[Name,fallback=]``, ``[webversion]``).

Square brackets are prose too ("[1]", "[here]", a link text "[Unsubscribe]"): a bracket is a
tag only in the forms above (a ``,fallback=`` tag, a field or special link of the list
below, or a link's whole URL, ``href="[unsubscribe]"``); any other is the text the reader
sees. Detection asks as much: a ``,fallback=`` tag, or one of the name fields beside one of
the special link elements that only Campaign Monitor writes. Conditional content
(``[if:…]`` … ``[endif]``) is not read: a template with it is not understood (PER007).
The shared tag engine reads the rest.
"""

from collections.abc import Iterator

import regex

from mailcheck.i18n import t
from mailcheck.templating import tags
from mailcheck.templating.core import IsSystem, NotUnderstood
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.tags import TagTemplate, Token

# the tags Campaign Monitor fills itself (lower case, as it writes them)
_SYSTEM = (
    "email",
    "unsubscribe",
    "webversion",
    "preferences",
    "forwardtoafriend",
    "currentday",
    "currentdayname",
    "currentmonth",
    "currentmonthname",
    "currentyear",
)
_NAMES = ("firstname", "lastname", "fullname")
_KNOWN = "|".join(_NAMES + _SYSTEM)
_FIELD = r"[A-Za-z_][\w]{0,60}"
# [firstname,fallback=there], [City, fallback=]: the fallback runs to the bracket
_FALLBACK = rf"\[({_FIELD})\s*,\s*fallback=([^\[\]\n]{{0,200}})\]"
_TAG = regex.compile(
    _FALLBACK
    + rf"|\[({_KNOWN})\]"
    # a link's whole URL: href="[unsubscribe]", href="[unsubscibe]" (a misspelt one)
    + rf"|(?<=\b(?:href|src)\s*=\s*[\"'])\[({_FIELD})\](?=[\"'])",
    regex.I,
)
_CONDITION = regex.compile(r"\[(?:if|elseif):[^\[\]\n]{0,200}\]|\[(?:else|endif)\]", regex.I)
# the special links only Campaign Monitor writes as elements
_ELEMENTS = regex.compile(r"<(?:unsubscribe|webversion|forwardtoafriend|preferences)\b", regex.I)


def _classify(m: regex.Match[str], line: int) -> Token:
    if m.group(1) is not None:
        return Token("var", line, m.group(0), m.group(1), fallback=m.group(2).strip())
    return Token("var", line, m.group(0), m.group(3) or m.group(4))


def tokenize(source: str) -> Iterator[Token]:
    return tags.scan(source, _TAG, _classify)


_parse_tags = tags.parser(tokenize, case_insensitive=True, dialect="campaignmonitor")


def parse(source: str, is_system: IsSystem) -> TagTemplate:
    condition = _CONDITION.search(source) if "[" in source else None
    if condition is not None:
        line = source.count("\n", 0, condition.start()) + 1
        raise NotUnderstood(
            t("Campaign Monitor's conditional content ({tag}) is not read", tag=condition.group(0)),
            line,
        )
    return _parse_tags(source, is_system)


DIALECT = Dialect(
    name="campaignmonitor",
    summary="Campaign Monitor: [firstname,fallback=друг], [email], <unsubscribe>…</unsubscribe>",
    parser="mailcheck.templating.dialects.campaignmonitor:parse",
    markers=regex.compile(_FALLBACK),
    # a name field is a tag beside a special link element; alone it may be prose
    paired_markers=regex.compile(rf"\[(?:{'|'.join(_NAMES)}|email)\]"),
    companions=_ELEMENTS,
    tags=regex.compile(_FALLBACK),
    url_tags=regex.compile(rf"\[{_FIELD}\]"),
    needles=("fallback=", "<unsubscribe", "<webversion", "<forwardtoafriend", "<preferences"),
    system_variables=frozenset(_SYSTEM),
    # (data/unsubscribe_tags.toml knows them in any campaign: [unsubscribe] in an href,
    # <unsubscribe> anywhere)
    unsubscribe=("[unsubscribe]", "<unsubscribe>"),
    case_insensitive=True,
    sources=(
        "Campaign Monitor: Template tags",
        "Campaign Monitor: Personalize your emails",
    ),
)
