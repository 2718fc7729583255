"""Which template dialect a campaign is written in, from its tags (never from prose).

Each dialect of the catalogue counts its ``markers``: tags only it writes (``*|FNAME|*`` is
Mailchimp, ``[% … %]`` Sendsay, ``@{ if … }`` Mindbox, ``#if(…)`` Velocity, ``<?=`` PHP,
``{unsubscribe_url}`` Mautic), and the tags only one ESP writes beside a dialect
(``%FIRSTNAME|друг%``: eSputnik's Velocity, read as with ``esp = "esputnik"``). Plain
``{{ name }}`` reads the same in Jinja, Liquid and Handlebars: written ``{{name}}`` it is
taken for Mustache/Handlebars (Postmark, SendGrid), written ``{{ name }}`` for Jinja, unless
another dialect that writes double braces (Go templates, Unisender) shows its own markers.
Tags inside HTML comments are not read (Outlook's conditional comments ``<!--[if mso]>`` are
content and are), nor a ``${…}`` inside a code element (``<code>``, ``<pre>``): JavaScript's
or a shell's, shown as code.

One dialect found: that one. Several: the one with clearly most markers (three times the
next), else the file is *not understood* (mixed): PER007 says so rather than guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import regex

from mailcheck.i18n import t, tn
from mailcheck.templating.breakage import OWN_SYNTAX, UNREAD_TAGS, TagPattern
from mailcheck.templating.catalogue import Catalogue, load_catalogue
from mailcheck.templating.dialect import Dialect

_CURLY = regex.compile(r"\{\{|\{%")
_BARE = regex.compile(r"\{\{[A-Za-z_][\w.]*\}\}")  # {{name}}: the Mustache house style
_SPACED = regex.compile(r"\{\{\s+[A-Za-z_][\w.]*\s+\}\}")  # {{ name }}: the Jinja/Liquid one
_CURLY_TRIO = ("jinja", "liquid", "handlebars")
_DOMINANCE = 3

# Languages of ESPs that no dialect reads: their tags in a template are filled at the send, so
# a template written in one is "not understood" (PER007), never raw tags left in (PER003).
# Salesforce Marketing Cloud's AMPscript ("AMPscript Syntax Guide": %%[ … ]%% blocks, %%=v(@x)=%%
# inline, %%FirstName%% personalization strings and %%unsub_center_url%%-style system strings)
# and Mailgun's batch variables ("Batch Sending": %recipient.name%; "Tracking Messages":
# %unsubscribe_url%, %tag_unsubscribe_url%, %mailing_list_unsubscribe_url%).
_UNREAD = (
    ("AMPscript", "%%", regex.compile(r"%%\[|\]%%|%%=|=%%|%%[A-Za-z_][\w]{0,80}%%")),
    (
        "Mailgun variables",
        "%",
        regex.compile(
            r"%recipient[.\w-]*%|%(?:tag_|mailing_list_)?unsubscribe_url%|%recipient_email%"
        ),
    ),
    *UNREAD_TAGS,
)


# Tags only HubSpot's HubL has (HubSpot developer docs: "HubL supported tags", "Drag and drop
# areas", "HubL functions"): Jinja cannot read them, and a template with them is HubL, not
# Jinja with syntax errors. Read as "not understood" (PER007), with or without esp = "hubspot".
_HUBL = regex.compile(
    r"\{%-?\s*(?:module|module_block|widget_block|dnd_area|dnd_section|dnd_column|dnd_row|"
    r"dnd_module|global_module|global_partial|require_css|require_js|require_head|"
    r"require_footer|email_simple_subscription|email_subscriptions|email_each|"
    r"unsubscribe_link)\b"
    r"|\bpersonalization_token\s*\("
)


def hubl_tags(text: str) -> int:
    """How many tags only HubSpot's HubL writes ``text`` holds."""
    return len(_hubl_starts(text))


def _hubl_starts(text: str) -> list[int]:
    if "{%" not in text and "personalization_token" not in text:
        return []
    return [m.start() for m in _HUBL.finditer(text)]


def not_read(language: str, count: int, line: int | None = None) -> Detection:
    """A template written in ``language``, which no dialect reads: not understood (PER007).
    ``line``: of its first tag, in the parts joined (:func:`part_line`)."""
    return Detection(
        "none",
        tn(
            "{count} tag of {language}, a language mailcheck does not read",
            "{count} tags of {language}, a language mailcheck does not read",
            count,
            count=count,
            language=language,
        ),
        unclear=True,
        line=line,
    )


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def part_line(parts: Iterable[tuple[str, str | None]], line: int) -> tuple[str, int] | None:
    """The part and its own line that a ``line`` of the parts joined (as
    :func:`explain_dialect` joins them) falls in."""
    for where, text in parts:
        if not text:
            continue
        lines = text.count("\n") + 1
        if line <= lines:
            return where, line
        line -= lines
    return None


HUBL = "HubL (HubSpot)"


def _unread_language(
    text: str, languages: tuple[tuple[str, str, TagPattern], ...] = _UNREAD
) -> tuple[str, int, int] | None:
    """An ESP language mailcheck does not read, how many of its tags ``text`` holds, and
    where the first one starts."""
    for name, needle, pattern in languages:
        if needle in text:
            found = [m.start() for m in pattern.finditer(text)]
            if found:
                return name, len(found), found[0]
    return None


# An HTML comment that is not an Outlook conditional comment (<!--[if mso]> … <![endif]-->).
# "<!-->" and "<!--->" are empty comments (the HTML standard), as written after <!--[if !mso]>.
# The stdlib engine runs this lazy pattern about twice as fast as ``regex`` on the corpus.
HTML_COMMENT = re.compile(r"<!--(?!\[if\b|<!\[endif\]|-?>).*?-->", re.S | re.I)


@dataclass(frozen=True)
class Detection:
    dialect: str  # "none": no tag of any dialect, or not understood
    reason: str  # why, in words a user can check
    unclear: bool = False  # tags of several dialects, none clearly the one: PER007
    # False when only the house style of plain {{ name }} tags decided: a guess, and a
    # template the guessed engine cannot read is "not understood" rather than a syntax error
    certain: bool = True
    line: int | None = None  # of the first tag of a language not read, in the parts joined
    # the ESP whose own tags beside the dialect were found (eSputnik's %FIRSTNAME|друг%): the
    # template is read as with esp = "…"
    platform: str | None = None


def without_comments(text: str) -> str:
    """``text`` with its (non-conditional) HTML comments blanked, line breaks kept."""
    if "<!--" not in text:
        return text
    # Only text up to the last "-->" can hold a closed comment. Searched whole, the lazy pattern
    # would scan to the end of the text from every unclosed "<!--": quadratic in them
    end = text.rfind("-->") + len("-->")
    if end < len("-->"):
        return text
    closed = HTML_COMMENT.sub(lambda m: "<!--" + "\n" * m.group(0).count("\n") + "-->", text[:end])
    return closed + text[end:]


# A Handlebars or Mustache comment ({{!-- … --}}, {{! … }}, with "~" or not): the engine
# prints nothing of it, so a tag or a link written there is neither a tag nor a link
_TEMPLATE_COMMENT = re.compile(r"\{\{~?!--.*?--~?\}\}|\{\{~?!(?!--)[^}]*\}\}", re.S)


def without_template_comments(text: str) -> str:
    """``text`` with its Handlebars and Mustache comments blanked, line breaks kept."""
    if "{{" not in text or "!" not in text:
        return text
    return _TEMPLATE_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def platform_of(dialect: Dialect, texts: Iterable[str | None]) -> str | None:
    """The one ESP whose own tags ``dialect``'s template parts write outside comments
    (Postmark's {{{ pm:unsubscribe }}} in Handlebars), else None."""
    if not dialect.platform_markers:
        return None
    joined = without_template_comments(without_comments("\n".join(t for t in texts if t)))
    found = dialect.platform_marker_counts(joined)
    return next(iter(found)) if len(found) == 1 else None


# Elements that show code as it is written (htmlparse's _CODE): "${price}" there is a
# JavaScript template literal, a shell or Kotlin string shown to the reader, not a tag
_SHOWN_CODE = re.compile(r"<(code|pre|kbd|samp|tt)\b[^<>]*>", re.I)
_SHOWN_CODE_END = {
    name: re.compile(rf"</{name}\s*>", re.I) for name in ("code", "pre", "kbd", "samp", "tt")
}


def without_shown_code_tags(text: str) -> str:
    """``text`` with each "${" inside a code element (<code>, <pre> …) blanked, lengths and
    line breaks kept: a "${…}" shown as code does not make an HTML a Velocity or Mindbox
    template. One pass: an element left unclosed ends the blanking of its kind there."""
    if "${" not in text or "<" not in text:
        return text
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()
    while (opener := _SHOWN_CODE.search(text, pos)) is not None:
        kind = opener.group(1).lower()
        closer = None if kind in unclosed else _SHOWN_CODE_END[kind].search(text, opener.end())
        if closer is None:
            unclosed.add(kind)
            out.append(text[pos : opener.end()])
            pos = opener.end()
            continue
        out.append(text[pos : opener.end()])
        out.append(text[opener.end() : closer.start()].replace("${", "  "))
        pos = closer.start()
        if len(unclosed) == len(_SHOWN_CODE_END):
            break
    out.append(text[pos:])
    return "".join(out)


# A code element whose whole text is one "${name}" (a promo code set in <code> for its font):
# far likelier a merge tag than code shown; a longer sample ("const s = `${name}`") is code
_LONE_CODE_TAG = re.compile(
    r"<(code|pre|kbd|samp|tt)\b[^<>]*>\s*(\$\{\s*[A-Za-z_][\w.]*\s*\})\s*</\1\s*>", re.I
)


def lone_code_tags(html: str) -> list[tuple[int, str, str]]:
    """(line, element, tag) of each code element (``<code>``, ``<pre>`` …) whose whole text is
    one ``${name}``, outside HTML comments: detection does not count it (it is blanked with
    the code shown), yet it is most likely a merge tag."""
    if "${" not in html:
        return []
    shown = without_comments(html)
    return [
        (_line_at(shown, m.start(2)), m.group(1).lower(), m.group(2))
        for m in _LONE_CODE_TAG.finditer(shown)
    ]


def detect_dialect(texts: Iterable[str | None]) -> str:
    """The dialect of the given template parts taken together ("none" when unclear)."""
    return explain_dialect(texts).dialect


def explain_dialect(texts: Iterable[str | None], catalogue: Catalogue | None = None) -> Detection:
    """The dialect of the template parts taken together, and why."""
    joined = without_shown_code_tags(without_comments("\n".join(t for t in texts if t)))
    if not joined.strip():
        return Detection("none", t("no template tags"))
    hubl = _hubl_starts(joined)
    if hubl:
        return not_read(HUBL, len(hubl), _line_at(joined, hubl[0]))
    own = _unread_language(joined, OWN_SYNTAX)
    if own is not None:
        return not_read(own[0], own[1], _line_at(joined, own[2]))
    catalogue = catalogue or load_catalogue()
    counts: dict[str, int] = {}
    own_tags = without_template_comments(joined)  # {{!-- {{{ pm:unsubscribe }}} --}}: no tag
    platforms: dict[str, str] = {}  # dialect -> the ESP whose own tags beside it were found
    esp_own: dict[str, int] = {}  # dialect -> how many of that ESP's own tags
    for dialect in catalogue.dialects.values():
        # (the curly trio's are counted by _curly_trio; an ESP's own tags beside one of them,
        # Postmark's {{{ pm:unsubscribe }}} in Handlebars, still name the platform)
        for esp, its_own in dialect.platform_marker_counts(own_tags).items():
            esp_own[dialect.name] = esp_own.get(dialect.name, 0) + its_own
            platforms.setdefault(dialect.name, esp)
        if dialect.name not in _CURLY_TRIO:
            found = dialect.marker_count(joined) + esp_own.get(dialect.name, 0)
            if found:
                counts[dialect.name] = found
    for name, esp in platforms.items():  # eSputnik's %FIRSTNAME% beside its %FIRSTNAME|друг%
        for embedded in catalogue.dialects[name].platform_embeds.get(esp, ()):
            counts[name] = counts.get(name, 0) + counts.pop(embedded, 0)
    for name in list(counts):
        for embedded in catalogue.dialects[name].embeds:
            counts.pop(embedded, None)
    embedded_curly = any(set(_CURLY_TRIO) & set(catalogue.dialects[n].embeds) for n in counts)
    curly_claimed = any(_writes_curly(catalogue, n) for n in counts)
    guessed = False
    if not embedded_curly:
        trio = _curly_trio(joined, catalogue, claimed=curly_claimed)
        if trio is not None:
            counts[trio[0]] = trio[1]
            guessed = not trio[2]
    if not counts:
        unread = _unread_language(joined)
        if unread is not None:
            return not_read(unread[0], unread[1], _line_at(joined, unread[2]))
        return Detection("none", t("no tag of any known dialect"))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    best, n = ranked[0]
    shown = ", ".join(f"{name} {count}" for name, count in ranked)
    if len(ranked) == 1:
        if guessed:
            reason = tn(
                "{count} plain {{{{ }}}} tag, read as {dialect}",
                "{count} plain {{{{ }}}} tags, read as {dialect}",
                n,
                count=n,
                dialect=best,
            )
            # an ESP's own tags beside them (SendGrid's <%asm_…%>) still say whose they are
            return Detection(best, reason, certain=False, platform=platforms.get(best))
        if best in platforms:
            written = esp_own[best] if best in _CURLY_TRIO else n
            reason = tn(
                "{count} tag only {esp} writes, in {dialect}",
                "{count} tags only {esp} writes, in {dialect}",
                written,
                count=written,
                esp=platforms[best],
                dialect=best,
            )
            return Detection(best, reason, platform=platforms[best])
        reason = tn(
            "{count} tag only {dialect} writes",
            "{count} tags only {dialect} writes",
            n,
            count=n,
            dialect=best,
        )
        return Detection(best, reason)
    if n >= _DOMINANCE * ranked[1][1]:
        reason = t("mostly {dialect} tags ({counts})", dialect=best, counts=shown)
        return Detection(best, reason, platform=platforms.get(best))
    return Detection("none", t("tags of several dialects ({counts})", counts=shown), unclear=True)


def _writes_curly(catalogue: Catalogue, name: str) -> bool:
    dialect = catalogue.dialects[name]
    return "{{" in dialect.needles


def _curly_trio(
    joined: str, catalogue: Catalogue, *, claimed: bool
) -> tuple[str, int, bool] | None:
    """Jinja, Liquid or Handlebars for the ``{{``/``{%`` tags: (name, how many, certain).

    ``claimed``: another dialect that writes double braces showed its own markers, so plain
    ``{{ x }}`` tags are its; only the trio's own markers count then.
    """
    if "{{" not in joined and "{%" not in joined:
        return None
    curly = len(_CURLY.findall(joined))
    if not curly:
        return None
    get = catalogue.dialects.get
    handlebars_d, liquid_d, jinja_d = get("handlebars"), get("liquid"), get("jinja")
    handlebars = handlebars_d.marker_count(joined) if handlebars_d else 0
    if handlebars and "{%" not in joined:
        return "handlebars", handlebars if claimed else curly, True
    liquid = liquid_d.marker_count(joined) if liquid_d else 0
    jinja = jinja_d.marker_count(joined) if jinja_d else 0
    if claimed:
        if liquid > jinja:
            return "liquid", liquid, True
        if jinja or "{%" in joined:
            return "jinja", max(jinja, 1), True
        return None
    if liquid > jinja:
        return "liquid", curly, True
    if jinja or "{%" in joined:
        return "jinja", curly, True
    if liquid == 0 and len(_BARE.findall(joined)) > len(_SPACED.findall(joined)):
        return "handlebars", curly, False
    return "jinja", curly, False
