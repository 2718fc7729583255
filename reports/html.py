"""The client QA report: one self-contained HTML file (§9 of the design).

Everything the report shows comes from the batch (campaigns, findings, network facts) and the
config's ``[report]`` table; it is rendered through jinja2 templates with autoescape on, since
every campaign string is untrusted input. The file makes no request of its own: CSS is inline,
the logo is a ``data:`` URI, and a Content-Security-Policy forbids anything else, including
inside the sandboxed preview of the e-mail (a ``srcdoc`` frame inherits the policy). The one
script allowed, by its hash, creates the previews beyond the first few when the reader reaches
them (``templates/previews.js``): hundreds of live frames would keep a browser busy for minutes.
"""

from __future__ import annotations

import base64
import dataclasses
import gettext
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from email.utils import parseaddr
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jinja2
import regex
from mailcheck.reports.auth_lines import AuthLine, State, auth_lines
from mailcheck.reports.locations import compact
from markupsafe import Markup, escape

from mailcheck import __version__
from mailcheck.config import Config
from mailcheck.facts import Facts, LinkResult
from mailcheck.i18n import DEFAULT_LANGUAGE, N_, format_moment, t, translate, translations
from mailcheck.linkinfo import is_unsubscribe, is_web
from mailcheck.loaders import MANIFEST
from mailcheck.model import Campaign, CampaignResult, Document, Finding, Link, Severity
from mailcheck.registry import load_registry
from mailcheck.templating import SYSTEM_PLACEHOLDER_HOST

TEMPLATES = Path(__file__).parent / "templates"
MAX_LOGO_BYTES = 512 * 1024
# Previews shown as frames when the report opens; the others wait for the reader (previews.js).
# A report of up to ALL_PREVIEWS_UP_TO campaigns shows every one at once: it opens fast all the
# same, and prints whole (lazy previews made at print time are still empty when the page is
# printed) and reads whole where no script runs.
EAGER_PREVIEWS = 3
ALL_PREVIEWS_UP_TO = 20
PLACES_SHOWN = 12  # of a finding's places, in its head line
PREVIEW_SCRIPT = (TEMPLATES / "previews.js").read_text(encoding="utf-8")
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(PREVIEW_SCRIPT.encode("utf-8")).digest()).decode()

# The whole report may load nothing but itself: inline styles and data: images, and run nothing
# but the preview script, named by its hash. A srcdoc frame inherits this policy, so the e-mail
# preview cannot fetch its images either; its sandbox (no allow-scripts) runs none of its
# scripts, whatever their hash.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; "
    f"script-src 'sha256-{_SCRIPT_HASH}'; connect-src 'none'; frame-src 'none'; "
    "child-src 'none'; form-action 'none'; base-uri 'none'"
)


@cache
def environment(language: str = DEFAULT_LANGUAGE) -> jinja2.Environment:
    """The templates in one language (jinja2's i18n extension over the gettext catalogue)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # as extracted (mailcheck/locale/babel.cfg)
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["CSP"] = CSP
    env.globals["version"] = __version__
    env.globals["preview_script"] = Markup(PREVIEW_SCRIPT)
    env.globals["lang"] = language
    env.globals["UNNAMED_CLIENT"] = Config().client  # a campaign's client when none is set
    # a finding's places: the file named once per run of lines, the first few of a long list
    # (a layout of 110 tables is one A11Y003; its message says how many)
    env.filters["compact"] = lambda places: compact(places, translations(language))
    env.filters["moment"] = lambda when: format_moment(when, language)
    env.globals["PLACES_SHOWN"] = PLACES_SHOWN
    return env


def gettext_for(language: str) -> Callable[..., str]:
    """``_("… %(name)s …", name=value)`` in ``language``, as the templates' ``_`` works."""
    tr = translations(language)

    def _(message: str, **values: object) -> str:
        text = tr.gettext(message)
        if not values:
            return text
        # a value that is itself a message (a DNS error in "could not be checked (…)") is
        # said in the same language
        return text % {name: translate(value, tr) for name, value in values.items()}

    return _


def json_for_html(data: object) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` block (no ``</script>`` escape)."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return Markup(text)


def graphemes(text: str | None) -> int:
    """User-perceived characters: "й", "😀" and "🇷🇺" count 1 each."""
    return len(regex.findall(r"\X", text)) if text else 0


# --- the logo ----------------------------------------------------------------------------------

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def logo_data_uri(path: str) -> tuple[str | None, str | None]:
    """The logo inlined as a ``data:`` URI, or ``(None, why)`` when it cannot be used."""
    if not path:
        return None, None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, f"logo {path}: {exc.strerror or exc}"
    if len(data) > MAX_LOGO_BYTES:
        return None, f"logo {path}: larger than {MAX_LOGO_BYTES // 1024} KB"
    mime = next((m for magic, m in _IMAGE_MAGIC if data.startswith(magic)), None)
    if mime is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        mime = "image/webp"
    if mime is None and b"<svg" in data[:2048]:
        mime = "image/svg+xml"  # an <img> never runs an SVG's scripts
    if mime is None:
        return None, f"logo {path}: not a PNG, JPEG, GIF, WebP or SVG image"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", None


# --- rule documentation --------------------------------------------------------------------


def doc_section(doc: str, title: str) -> str:
    match = re.search(rf"^##\s*{re.escape(title)}\s*$(.*?)(?=^##\s|\Z)", doc, re.M | re.S)
    return match.group(1).strip() if match else ""


def markdown_lite(text: str) -> Markup:
    """The small Markdown of rule docstrings (paragraphs, lists, `code`, fences), escaped first."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        if not block.strip():
            continue
        if block.lstrip().startswith("```"):
            kept = [line for line in block.splitlines() if not line.strip().startswith("```")]
            body = "\n".join(kept)
            out.append(f"<pre><code>{escape(body)}</code></pre>")
            continue
        lines = block.splitlines()
        if all(re.match(r"\s*[-*]\s", line) or line.startswith("  ") for line in lines):
            items: list[str] = []
            for line in lines:
                if re.match(r"\s*[-*]\s", line):
                    items.append(re.sub(r"^\s*[-*]\s+", "", line))
                elif items:
                    items[-1] += " " + line.strip()
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            continue
        out.append(f"<p>{_inline(' '.join(line.strip() for line in lines))}</p>")
    return Markup("".join(out))


def _inline(text: str) -> str:
    escaped = str(escape(text))
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)


@dataclasses.dataclass
class FindingView:
    finding: Finding
    summary: Markup  # the rule's one-line title (its `short`, else its docs' first sentence)
    how_to_fix: Markup
    message: str  # the finding's message, translated


def finding_views(
    findings: Iterable[Finding],
    language: str = DEFAULT_LANGUAGE,
    template_languages: Iterable[str] = (),
) -> list[FindingView]:
    """``template_languages``: the campaign's dialect and platform ("mailchimp"): a rule's
    "How to fix" shows the fix in those alone (PER001's fallback syntax of every ESP is
    fifteen lines that are not the client's)."""
    registry = load_registry()
    tr = translations(language)
    languages = tuple(template_languages)
    views = []
    for f in findings:
        rule = registry.get(f.code)
        # a one-liner ("no unsubscribe link in the body"), not the docs' first sentence ("Reports
        # a campaign whose body has no working unsubscribe link…"): the client reads it
        summary = rule.oneliner if rule else ""
        fixes = rule.how_to_fix_for(languages) if rule else []
        views.append(
            FindingView(
                finding=f,
                summary=Markup(_inline(tr.gettext(summary))) if summary else Markup(""),
                how_to_fix=Markup("").join(markdown_lite(tr.gettext(fix)) for fix in fixes),
                message=str(translate(f.message, tr)),
            )
        )
    return views


# --- links ----------------------------------------------------------------------------------


@dataclasses.dataclass
class LinkRow:
    href: str
    text: str
    kind: str
    # every line the URL stands on, by the file they are of: ("", "123, 605, 778") the HTML's,
    # ("partials/footer.html", "3") a partial's, ("email.txt", "4") the text part's; none
    # when no line is known
    places: tuple[tuple[str, str], ...]
    clickable: bool
    verdict: str  # ok, broken, …, "offline", "not requested"
    status: str
    reason: str
    hops: list[tuple[int, str]]
    utm: list[tuple[str, str]]
    unsubscribe: bool
    raw: str = ""  # the href as written in the template, when rendering changed it
    esp_label: str = ""  # a link the ESP fills in at send time, said as what it is

    @property
    def bad(self) -> bool:
        return self.verdict in ("broken", "unreachable", "loop", "too-many-redirects", "invalid")


def _decided_locally(link: Link, anchors: frozenset[str], private_ok: bool) -> str | None:
    """Why a link goes nowhere, known without a request: a placeholder (LNK003's "#", "", an
    example.com) or a URL an e-mail cannot complete (LNK008's relative one)."""
    from mailcheck.linkinfo import placeholder_reason, relative_reason

    placeholder = placeholder_reason(link, anchors, private_ok=private_ok)
    if placeholder:
        return placeholder
    if relative_reason(link) is None:
        return None
    return t("relative image URL") if link.is_image else t("relative link URL")  # LNK008's words


def _clickable(href: str) -> bool:
    # Only plain web links may be followed from the report; never javascript:, data:, …
    return is_web(href) and not re.search(r"[\s\x00-\x1f\x7f]", href)


def utm_parameters(href: str) -> list[tuple[str, str]]:
    try:
        query = urlsplit(href).query
    except ValueError:
        return []
    pairs = parse_qsl(query, keep_blank_values=True)
    return [(k, v) for k, v in pairs if k.lower().startswith("utm_")]


def esp_label(href: str, _: Callable[..., str]) -> str:
    """What a system placeholder link stands for («ссылка отписки ESP»), or ""."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return ""
    if (parts.hostname or "") != SYSTEM_PLACEHOLDER_HOST:
        return ""
    name = parts.path.strip("/").lower()
    if "unsub" in name or "optout" in name or "opt_out" in name:
        return _("the ESP's unsubscribe link")
    if "view" in name or "browser" in name or "online" in name or "web" in name:
        return _("the ESP's “view in browser” link")
    if "pref" in name or "profile" in name or "manage" in name:
        return _("the ESP's preference centre link")
    return _("a link the ESP fills in (%(name)s)", name=name or "?")


def verdict_labels(language: str) -> Callable[[str], str]:
    """A link verdict (``facts.LinkVerdict``, "offline", "not requested") in the language."""
    _ = gettext_for(language)
    labels = {
        "ok": _("ok"),
        "broken": _("broken"),
        "unreachable": _("unreachable"),
        "unverified": _("could not verify"),
        "loop": _("redirect loop"),
        "too-many-redirects": _("too many redirects"),
        "excluded": _("excluded"),
        "invalid": _("invalid"),
        "offline": _("not checked (offline)"),
        "not requested": _("not requested"),
    }
    return lambda verdict: labels.get(verdict, verdict)


def _without_label(reason: str, label: str) -> str:
    """The reason after the verdict the table shows beside it: "could not verify" then
    "could not verify (timed out)" read twice; the cell says "could not verify" / "timed out"."""
    if not reason.lower().startswith(label.lower()):
        return reason
    rest = reason[len(label) :].strip().removeprefix(":").strip()
    if rest.startswith("(") and _closing(rest) == len(rest) - 1:
        rest = rest[1:-1]
    return rest or reason


def _closing(text: str) -> int:
    """Where the parenthesis that opens ``text`` closes (-1: nowhere)."""
    depth = 0
    for at, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return at
    return -1


# What the link table's tag calls a link that is no <a> (model.LinkKind), for the client
KIND_LABELS: dict[str, str] = {
    "area": N_("image map"),
    "img": N_("image"),
    "background": N_("background image"),
    "vml": N_("VML (Outlook)"),
    "css": N_("CSS image"),
}


def kind_labels(language: str) -> Callable[[str], str]:
    """A link's kind (``model.LinkKind``) as the link table's tag says it, in the language."""
    tr = translations(language)
    return lambda kind: tr.gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def link_rows(
    campaign: Campaign,
    facts: Facts,
    offline: bool,
    language: str = DEFAULT_LANGUAGE,
    *,
    private_ok: bool = False,
) -> list[LinkRow]:
    """The link table's rows. A link no request could check (a "#", a relative URL) is shown
    as what LNK003/LNK008 call it, offline too: the table agrees with the errors above it."""
    _ = gettext_for(language)
    anchors = campaign.anchor_names()
    tr, label_of = translations(language), verdict_labels(language)
    rows: list[LinkRow] = []
    seen: set[str] = set()
    links: list[Link] = campaign.all_links()
    # a URL is a row once, at every line it stands on: "#" at six places is what LNK003 lists
    lines_of: dict[str, set[int]] = {}
    for link in links:
        lines_of.setdefault(link.href, set()).update(n for n in (*link.lines, link.line) if n)
    for link in links:
        if link.href in seen:
            continue
        seen.add(link.href)
        result: LinkResult | None = facts.link(link.href)
        verdict: str
        if result is not None:
            verdict = result.verdict
            status = str(result.status) if result.status is not None else ""
            reason = _without_label(str(translate(result.reason, tr)), label_of(verdict))
            hops = [(h.status, h.url) for h in result.hops]
        elif local := _decided_locally(link, anchors, private_ok):
            verdict, status, reason, hops = "invalid", "", str(translate(local, tr)), []
        else:
            verdict = "offline" if offline or not facts.gathered else "not requested"
            status, reason, hops = "", "", []
        rows.append(
            LinkRow(
                href=link.href,
                text=link.text,
                kind=link.kind,
                places=_link_places(campaign, lines_of[link.href], link.in_text),
                clickable=_clickable(link.href),
                verdict=verdict,
                status=status,
                reason=reason,
                hops=hops,
                utm=utm_parameters(link.href),
                unsubscribe=is_unsubscribe(link),
                raw=link.raw if link.raw and link.raw != link.href else "",
                esp_label=esp_label(link.href, _),
            )
        )
    rows.sort(key=lambda r: not r.bad)  # problems first, otherwise document order
    return rows


def _link_places(campaign: Campaign, lines: set[int], in_text: bool) -> tuple[tuple[str, str], ...]:
    """:attr:`LinkRow.places` of a URL at ``lines``: the text part's own link's are the
    text's ("email.txt, line 4"); an HTML link's are the HTML's ("line 12") or, written in a
    partial, that file's ("partials/footer.html, line 3")."""
    if in_text:
        return ((campaign.text_label, ", ".join(map(str, sorted(lines)))),) if lines else ()
    by_file: dict[str, list[int]] = {}
    for n in sorted(lines):  # (the HTML's lines first, then each partial's: model.LINES_APART)
        label, at = campaign.written_at(n)
        if at:
            by_file.setdefault("" if n == at else label, []).append(at)
    return tuple((label, ", ".join(map(str, at))) for label, at in by_file.items())


# --- authentication (records as found) ----------------------------------------------------------

ENGLISH = gettext.NullTranslations()  # the source language: the identity


def describe(
    value: Any, prefix: str = "", depth: int = 0, tr: gettext.NullTranslations = ENGLISH
) -> list[tuple[str, str]]:
    """Flatten whatever the DNS facts hold into (field, value) rows, without knowing the type:
    the fields mailcheck knows by their label in ``tr``'s language (:data:`FIELD_LABELS`)."""
    if depth > 4:
        return [(field_label(prefix or "value", tr), _scalar(value, tr))]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items: Iterable[tuple[str, Any]] = (
            (f.name, getattr(value, f.name)) for f in dataclasses.fields(value)
        )
    elif isinstance(value, dict):
        items = ((str(k), v) for k, v in value.items())
    elif hasattr(value, "__dict__") and not callable(value):
        items = ((k, v) for k, v in vars(value).items() if not k.startswith("_"))
    else:
        return [(field_label(prefix or "value", tr), _scalar(value, tr))]
    rows: list[tuple[str, str]] = []
    for name, item in items:
        key = f"{prefix}.{name}" if prefix else name
        if _is_structured(item):
            rows += describe(item, key, depth + 1, tr)
        elif isinstance(item, list | tuple | set | frozenset) and any(map(_is_structured, item)):
            for i, element in enumerate(item):
                rows += describe(element, f"{key}[{i}]", depth + 1, tr)
        else:
            rows.append((field_label(key, tr), _field_value(name, item, tr)))
    return rows


def _is_structured(value: Any) -> bool:
    return isinstance(value, dict) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    )


def _scalar(value: Any, tr: gettext.NullTranslations = ENGLISH) -> str:
    """A value as the technician reads it: mailcheck's own words (a DNS error, a note, yes/no)
    in ``tr``'s language, a record as it was published."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return tr.gettext("yes") if value else tr.gettext("no")
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_scalar(v, tr) for v in value) if value else "—"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(translate(value, tr))


# What the records' tables call the facts' fields (their names in the code, void_lookups or
# dns_error, mean nothing to the reader); a field not listed shows its name.
FIELD_LABELS: dict[str, str] = {
    "status": N_("Lookup result"),
    "records": N_("Records"),
    "record": N_("Record"),
    "lookups": N_("DNS lookups (at most 10)"),
    "void_lookups": N_("Lookups with no answer (at most 2)"),
    "void_lookups_ipv4": N_("Lookups with no answer for an IPv4 sender"),
    "void_lookups_ipv6": N_("Lookups with no answer for an IPv6 sender"),
    "plus_all_includes": N_("Includes that allow everyone (+all)"),
    "all_qualifier": N_("Qualifier of “all”"),
    "has_redirect": N_("Uses redirect="),
    "syntax_errors": N_("Syntax errors"),
    "limit_errors": N_("Limits exceeded"),
    "unverified": N_("Not verified"),
    "dns_error": N_("DNS error"),
    "org_domain": N_("Organisational domain"),
    "domain_exists": N_("Domain exists"),
    "record_domain": N_("Record found at"),
    "policy": N_("Policy"),
    "policy_tag": N_("Policy taken from tag"),
    "tags": N_("Tags"),
    "errors": N_("Errors"),
    "warnings": N_("Warnings"),
    "source": N_("Selector from"),
    "key_type": N_("Key type"),
    "bits": N_("Key size, bits"),
    "testing": N_("Testing mode (t=y)"),
    "error": N_("Error"),
    "note": N_("Note"),
    "logo": N_("Logo"),
    "certificate": N_("Certificate"),
    "value": N_("Value"),
}
# mailcheck's own words among the values: the outcome of a lookup, where a selector came from
STATUS_WORDS: dict[str, str] = {
    "ok": N_("found"),
    "none": N_("not published"),
    "error": N_("lookup failed: not verified"),
    "missing": N_("no key published"),
    "revoked": N_("key revoked (empty p=)"),
    "invalid": N_("key not understood"),
}
SOURCE_WORDS: dict[str, str] = {
    "signature": N_("the message's DKIM-Signature"),
    "campaign": N_("the campaign's dkim-selectors"),
    "config": N_("the configured dkim-selectors"),
}
LISTING_WORDS: dict[str, str] = {
    "listed": N_("listed"),
    "clean": N_("not listed"),
    "unverified": N_("could not verify"),
}


def field_label(key: str, tr: gettext.NullTranslations = ENGLISH) -> str:
    """``void_lookups`` → "Lookups with no answer (at most 2)"; a nested field (``tags.p``,
    ``errors[0]``) keeps its own part after its parent's label."""
    head, sep, rest = _split(key)
    label = FIELD_LABELS.get(head)
    if label is None:
        return key
    said = tr.gettext(label)
    return f"{said}: {rest}" if sep == "." else f"{said}{sep}{rest}" if sep else said


def _split(key: str) -> tuple[str, str, str]:
    match = re.search(r"[.\[]", key)
    if match is None:
        return key, "", ""
    return key[: match.start()], match.group(), key[match.end() :]


def _field_value(name: str, value: Any, tr: gettext.NullTranslations = ENGLISH) -> str:
    words = {"status": STATUS_WORDS, "source": SOURCE_WORDS}.get(name)
    if words is not None and isinstance(value, str) and value in words:
        return tr.gettext(words[value])
    return _scalar(value, tr)


# The DNS facts' shape, read by duck typing: the parts and fields worth showing a client, in
# order. Anything else (a part with other fields, a type from a plugin) is shown generically.
AUTH_PARTS: dict[str, tuple[str, ...]] = {
    "spf": (
        "status",
        "records",
        "lookups",
        "void_lookups",
        "all_qualifier",
        "has_redirect",
        "syntax_errors",
        "limit_errors",
        "dns_error",
    ),
    "dmarc": ("status", "record_domain", "record", "policy", "policy_tag", "errors", "dns_error"),
}
DKIM_FIELDS = ("status", "source", "key_type", "bits", "testing", "record", "error")
_DKIM_D = re.compile(r"(?:^|;)\s*d\s*=\s*([^;\s]+)", re.I)


@dataclasses.dataclass
class AuthTable:
    domain: str
    part: str  # "SPF", "DMARC", "DKIM k1", or "" for facts of an unknown shape
    rows: list[tuple[str, str]]


def auth_sections(
    domain: str, value: Any, tr: gettext.NullTranslations = ENGLISH
) -> list[AuthTable]:
    """Tables for one domain's authentication facts, whatever their exact type, with labels
    and mailcheck's own words in ``tr``'s language (the records as published)."""
    tables: list[AuthTable] = []
    known = False
    for part, names in AUTH_PARTS.items():
        obj = getattr(value, part, None)
        if obj is not None:
            known = True
            tables.append(AuthTable(domain, part.upper(), _part_rows(obj, names, tr)))
    dkim = getattr(value, "dkim", None)
    if isinstance(dkim, dict):
        known = True
        for selector, key in dkim.items():
            tables.append(AuthTable(domain, f"DKIM {selector}", _part_rows(key, DKIM_FIELDS, tr)))
    notes = getattr(value, "notes", None)
    if known and notes:
        rows = [(field_label("note", tr), _scalar(n, tr)) for n in notes]
        tables.append(AuthTable(domain, tr.gettext("Notes"), rows))
    if not known:
        tables.append(AuthTable(domain, "", describe(value, tr=tr)))
    return tables


# Internals of the evaluation that mean nothing to a client reading the report.
_AUTH_SKIP = {"chain", "evaluations", "domain", "selector"}


def _part_rows(
    obj: Any, first: tuple[str, ...], tr: gettext.NullTranslations = ENGLISH
) -> list[tuple[str, str]]:
    """The fields a client cares about first, then any others the object has, non-empty only."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = [f.name for f in dataclasses.fields(obj)]
    elif isinstance(obj, dict):
        return describe({k: v for k, v in obj.items() if _shown(v)}, tr=tr)
    elif hasattr(obj, "__dict__"):
        names = [n for n in vars(obj) if not n.startswith("_")]
    else:
        return [(field_label("value", tr), _scalar(obj, tr))]
    ordered = [n for n in first if n in names] + [
        n for n in names if n not in first and n not in _AUTH_SKIP
    ]
    rows: list[tuple[str, str]] = []
    for name in ordered:
        item = getattr(obj, name)
        if not _shown(item):
            continue
        if _is_structured(item):
            rows += describe(item, name, 1, tr)
        else:
            rows.append((field_label(name, tr), _field_value(name, item, tr)))
    return rows


def _shown(value: Any) -> bool:
    return value not in (None, "", [], (), {})


def sender_domains(campaign: Campaign) -> list[str]:
    """The From domain, the envelope sender's domain and every DKIM d= domain of the campaign."""
    found: list[str] = []
    if campaign.from_domain:
        found.append(campaign.from_domain)
    if campaign.envelope_from and "@" in campaign.envelope_from:
        found.append(campaign.envelope_from.rsplit("@", 1)[1].strip(" <>.").lower())
    for name, header in (campaign.headers or {}).items():
        if name.lower() == "dkim-signature":
            found += [m.lower().rstrip(".") for m in _DKIM_D.findall(header)]
    if campaign.raw_message:
        head = message_head(campaign.raw_message)
        for line in re.findall(rb"(?im)^dkim-signature:(.*(?:\r?\n[ \t].*)*)", head):
            text = line.decode("ascii", "replace").replace("\r", "").replace("\n", "")
            found += [m.lower().rstrip(".") for m in _DKIM_D.findall(text)]
    return list(dict.fromkeys(d for d in found if d))


def message_head(raw: bytes) -> bytes:
    """The header block of a raw message: everything before the first empty line."""
    return re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]


@dataclasses.dataclass
class AuthDomain:
    """One sender domain: the client's lines first, the records as found folded below."""

    domain: str
    lines: list[AuthLine]
    tables: list[AuthTable]


def auth_domains(
    campaign: Campaign,
    facts: Facts,
    language: str = DEFAULT_LANGUAGE,
    findings: Sequence[Finding] | None = None,
) -> list[AuthDomain]:
    """Each sender domain's lines and records; with ``findings``, the From domain's health
    too (MX, MTA-STS, TLS-RPT, BIMI, blocklists), judged by them as ``mailcheck domain``
    judges it."""
    _ = gettext_for(language)
    domains = sender_domains(campaign)
    sender = (campaign.from_domain or "").lower()
    found = []
    for key in sorted(facts.auth, key=lambda k: (-len(k), k)):
        k = key.lower()
        if any(d == k or d.endswith("." + k) for d in domains):
            value = facts.auth[key]
            lines = auth_lines(value, _)
            tables = auth_sections(key, value, translations(language))
            if k == sender and findings is not None:
                lines += health_lines(value, list(findings), language)
                tables += health_tables(key, value, translations(language))
            found.append(AuthDomain(key, lines, tables))
    return found


def _judges_health(config: Config) -> bool:
    """Every DOM rule ran: a health line judged without its rule would read "ok" unjudged."""
    from mailcheck.registry import selected

    codes = [code for code in load_registry().rules if code.startswith("DOM")]
    return set(codes) == selected(codes, list(config.select), list(config.ignore))


# An item of the domain check as the authentication lines mark it (✓ ! ✗ ?); "missing" is an
# optional record not published: neither good nor bad.
ITEM_STATES: dict[str, State] = {
    "ok": "ok",
    "warning": "warn",
    "error": "bad",
    "unverified": "unknown",
    "missing": "none",
}


def health_lines(value: object, findings: list[Finding], language: str) -> list[AuthLine]:
    """The domain check's MX, MTA-STS, TLS-RPT, BIMI and blocklist lines, in ``language``."""
    health = getattr(value, "health", None)
    if health is None:
        return []
    from mailcheck.domain_items import health_items

    tr = translations(language)
    return [
        AuthLine(i.item, ITEM_STATES.get(i.verdict, "unknown"), str(translate(i.detail, tr)))
        for i in health_items(findings, health)
    ]


def health_tables(
    domain: str, facts: object | None, tr: gettext.NullTranslations = ENGLISH
) -> list[AuthTable]:
    """MX, MTA-STS, TLS-RPT, BIMI and blocklist answers as found, for the technician, with
    labels and mailcheck's own words in ``tr``'s language."""
    health: Any = getattr(facts, "health", None)
    if health is None:
        return []
    record, policy = field_label("record", tr), field_label("policy", tr)
    tables = [AuthTable(domain, "MX", [("MX", f"{p} {h}") for p, h in health.mx])]
    sts_rows = [(record, health.mta_sts.record)] if health.mta_sts and health.mta_sts.record else []
    if health.mta_sts_policy is not None:
        sts_rows.append((policy, health.mta_sts_policy.url))
        if health.mta_sts_policy.text:
            sts_rows.append(("mta-sts.txt", health.mta_sts_policy.text))
    tables.append(AuthTable(domain, "MTA-STS", sts_rows))
    rpt = health.tls_rpt
    tables.append(
        AuthTable(domain, "TLS-RPT", [(record, rpt.record)] if rpt and rpt.record else [])
    )
    bimi_rows = [(record, health.bimi.record)] if health.bimi and health.bimi.record else []
    for label, judged in (("logo", health.bimi_logo), ("certificate", health.bimi_certificate)):
        if judged is not None:
            bimi_rows.append((field_label(label, tr), judged.url))
    tables.append(AuthTable(domain, "BIMI", bimi_rows))
    listings = [
        (f"{i.list_name} · {i.subject}", _listing(i.status, i.detail, tr)) for i in health.listings
    ]
    if listings:
        tables.append(AuthTable(domain, tr.gettext("Blocklists"), listings))
    return tables


def _listing(status: str, detail: object, tr: gettext.NullTranslations) -> str:
    """A blocklist's answer: listed (with its return codes) / not listed / could not verify
    (and why), in ``tr``'s language."""
    said = tr.gettext(LISTING_WORDS[status]) if status in LISTING_WORDS else status
    why = _scalar(detail, tr) if detail else ""
    return f"{said}: {why}" if why else said


# --- the preview ------------------------------------------------------------------------------

PREVIEW_WIDTH = 600  # what most e-mails are designed for, when the HTML does not say
_DECLARED_WIDTH = re.compile(
    r"""(?:\bwidth\s*=\s*["']?|max-width\s*:\s*|\bwidth\s*:\s*)(\d{3,4})(?:px)?\b""", re.I
)
_IMAGE_TAG = re.compile(r"<img\b[^>]*>", re.I)
_IMAGE_HEIGHT = re.compile(r"""<img\b[^>]*?\bheight\s*=\s*["']?(\d{1,4})""", re.I)
_ANY_WIDTH = re.compile(r"""\bwidth\s*(?:=\s*["']?|:\s*)(\d{1,4})""", re.I)
_BLOCK = re.compile(r"<(?:p|tr|h[1-6]|li|br|div)\b", re.I)


# Elements a browser connects for before any policy is asked: Chromium resolves the host and
# opens a TLS connection for an <iframe>/<frame> source and a <link rel="preconnect"> (also
# dns-prefetch, preload …) of a srcdoc frame, although the report's CSP then refuses the
# request itself. Renamed in the preview, they are unknown elements that load nothing; an
# e-mail client shows none of them anyway (webmail strips frames, objects and <link>).
_CONNECTING_TAGS = re.compile(
    r"<(/?)(iframe|frameset|frame|object|embed|link|portal|fencedframe)(?=[\s/>])", re.I
)


# What an inbox strips from the head and a browser obeys in a frame: a <meta http-equiv> (a
# "refresh" navigates the preview away, and the sandbox leaves it blank; the e-mail's own CSP or
# default-style restyles it) and <base> (its href and target re-aim every link). Each stays a
# <meta>, void and in the head, that says nothing: renamed to an unknown element it would hold
# the rest of the e-mail and break its "body > table" styles.
_HEAD_TAG = re.compile(r"""<(base|meta)\b((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.I)
_HTTP_EQUIV = re.compile(r"""("[^"]*"|'[^']*')|\bhttp-equiv\b""", re.I)


def _say_nothing(tag: re.Match[str]) -> str:
    name, attributes = tag.group(1).lower(), tag.group(2)
    if name == "base":
        return f"<meta data-mailcheck-base{attributes}>"
    return (
        "<meta"
        + _HTTP_EQUIV.sub(lambda m: m.group(1) or "data-mailcheck-http-equiv", attributes)
        + ">"
    )


# The preview's own policy, the page's without its script: nothing loads but inline styles and
# data: images. A srcdoc frame inherits the page's policy too; a viewer that drops the page's
# <meta> (a mail client showing the report as an attachment, a converter) still meets this one.
PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; "
    "form-action 'none'; base-uri 'none'"
)
_PREVIEW_POLICY = f'<meta http-equiv="Content-Security-Policy" content="{PREVIEW_CSP}">'
# where the policy goes: after the doctype, which keeps the e-mail's rendering mode
_DOCTYPE = re.compile(r"\A\ufeff?\s*(?:<!--.*?-->\s*)*(?:<!doctype\b[^>]*>)?", re.I | re.S)


def inert_preview(html: str) -> str:
    """The e-mail's HTML as the sandboxed preview shows it: nothing in it opens a connection,
    nothing an inbox strips blanks it, and its first element is its own content policy."""
    html = _HEAD_TAG.sub(_say_nothing, _CONNECTING_TAGS.sub(r"<\1mailcheck-inert-\2", html))
    doctype = _DOCTYPE.match(html)
    at = doctype.end() if doctype else 0
    return html[:at] + _PREVIEW_POLICY + html[at:]


PREVIEW_MARGIN = 1.7


def preview_size(html: str, text: str) -> tuple[int, int]:
    """(width, height) in CSS pixels for the preview frame, so it fits the e-mail.

    The frame is sandboxed without scripts, so the report cannot measure its content: the width
    is the widest layout width the HTML declares (a 600 px table, ``max-width: 640px``), the
    height an estimate from its images, blocks and text at that width. The reader can resize it.
    """
    # An image's width is no layout width, only the least room the e-mail needs: a 552 px hero
    # in a 100% table padded by 24 px needs 600 px, and a frame of 552 cut the text off.
    image_tags = _IMAGE_TAG.findall(html)
    images = [int(w) for tag in image_tags for w in _DECLARED_WIDTH.findall(tag)]
    layout = _DECLARED_WIDTH.findall(_IMAGE_TAG.sub("", html))
    widths = [int(w) for w in layout if 320 <= int(w) <= 1200]
    fitting = [w for w in images if w <= 1200]
    width = max(widths) if widths else max([PREVIEW_WIDTH, *fitting])
    image_heights = sum(_image_height(tag, width) for tag in image_tags)
    chars_per_line = max(width // 8, 20)
    text_lines = len(text) // chars_per_line + 1
    height = image_heights + 22 * text_lines + 12 * len(_BLOCK.findall(html)) + 80
    # on the generous side: a frame too tall shows the e-mail's background below it, one too
    # short hides the footer, where the unsubscribe link is (before this margin the estimate
    # came to 0.6-1.0 of what Chromium lays out for the shared real campaigns)
    return width + 2, max(240, min(int(height * PREVIEW_MARGIN), 12000))


def _image_height(tag: str, frame_width: int) -> int:
    """The room an image takes: its declared height, else (a hero or a product photo sized by
    width alone) half its width, at most the frame's; a tiny icon or spacer without sizes
    little. Without it a layout of such images got a frame that cut off its footer."""
    height = _IMAGE_HEIGHT.match(tag)
    if height:
        return int(height.group(1))
    widths = [int(w) for w in _ANY_WIDTH.findall(tag)]
    return min(widths[0], frame_width) // 2 if widths else 40


# --- one campaign ---------------------------------------------------------------------------


@dataclasses.dataclass
class CampaignView:
    result: CampaignResult
    sender_name: str
    sender_address: str
    subject: str
    preheader: str
    subject_length: int
    preheader_length: int
    # no preheader: the beginning of the text, which inboxes show in its place (PRE001's words)
    first_text: str
    errors: list[FindingView]
    warnings: list[FindingView]
    links: list[LinkRow]
    auth: list[AuthDomain]
    auth_expected: bool
    preview_html: str | None
    preview_text: str | None
    subject_max: int
    preheader_max: int
    preview_width: int = PREVIEW_WIDTH
    preview_height: int = 600
    # the input could not be read (INP001) or is a file mailcheck does not read (INP002): it
    # has no subject to measure; "0 / 50 characters" and "(no subject)" would be invented
    unread: bool = False

    @property
    def campaign(self) -> Campaign:
        return self.result.campaign


def campaign_view(
    result: CampaignResult,
    facts: Facts,
    config: Config,
    offline: bool,
    language: str = DEFAULT_LANGUAGE,
) -> CampaignView:
    from mailcheck.checks.preheader import first_text

    from mailcheck.config import ConfigError
    from mailcheck.engine import campaign_config

    c = result.campaign
    try:
        limits = campaign_config(c, config)
    except ConfigError:
        limits = config
    main = c.main
    subject = (main.subject if main else None) or c.subject or ""
    preheader = (main.preheader if main else None) or c.preheader or ""
    html = (main.html if main else None) or c.html
    text = (main.text if main else None) or c.text
    name, address = parseaddr(c.from_addr or "")
    ordered = sorted(result.findings, key=lambda f: f.code)
    document = main.document if main else c.static
    width, height = preview_size(html or "", document.text if document else "")
    return CampaignView(
        result=result,
        sender_name=name or address or (c.from_addr or ""),
        sender_address=address,
        subject=subject,
        preheader=preheader,
        subject_length=graphemes(subject),
        preheader_length=graphemes(preheader),
        # on one line, as an inbox shows it
        first_text=""
        if preheader
        else " ".join(first_text(c, document, c.static, limits.preheader_max).split()),
        errors=finding_views(
            (f for f in ordered if f.severity is Severity.ERROR), language, (c.dialect, c.platform)
        ),
        warnings=finding_views(
            (f for f in ordered if f.severity is not Severity.ERROR),
            language,
            (c.dialect, c.platform),
        ),
        links=link_rows(c, facts, offline, language, private_ok=limits.links.allow_private),
        auth=auth_domains(c, facts, language, result.findings if _judges_health(limits) else None),
        auth_expected=not offline and facts.gathered and bool(sender_domains(c)),
        preview_html=inert_preview(html) if html else html,
        preview_text=text if not html else None,
        subject_max=limits.subject_max,
        preheader_max=limits.preheader_max,
        preview_width=width,
        preview_height=height,
        unread=c.load_error is not None or c.not_read is not None,
    )


def for_report(result: CampaignResult) -> CampaignResult:
    """The result with only what the report reads of its campaign (see :func:`campaign_view`).

    Kept: the main render's HTML, text and visible text (the preview and its size), the links
    of every render (the links table), the message's header block (DKIM d= domains) and all
    the rest of the campaign but its bodies. Gone: the other renders' HTML, text and parse,
    the template source when the main render has its own, the body of a raw message. A
    report of 5,000 campaigns holds them all at once: whole, they took ~95 KB each.
    """
    c = result.campaign
    main = c.main

    def links_of(document: Document | None, *, text: bool) -> Document | None:
        if document is None:
            return None
        return Document(links=document.links, text=document.text if text else "")

    renders = [
        dataclasses.replace(r, document=links_of(r.document, text=True))
        if r is main
        else dataclasses.replace(r, html=None, text=None, document=links_of(r.document, text=False))
        for r in c.renders
    ]
    # the unrendered parse is read when no render was parsed (its links; its text for the size)
    static = None if any(r.document for r in c.renders) else links_of(c.static, text=True)
    light = dataclasses.replace(
        c,
        html=None if main and main.html else c.html,
        text=None if main and main.text else c.text,
        raw_message=message_head(c.raw_message) if c.raw_message else c.raw_message,
        static=static,
        renders=renders,
    )
    return dataclasses.replace(result, campaign=light)


def sent_sources(results: list[CampaignResult]) -> list[CampaignResult]:
    """The results with each campaign's source as the client may read it: an absolute path (a
    folder dragged into the terminal) is shown from the folder the batch's campaigns share —
    never the account manager's own folders (/home/i.petrova/Документы/…)."""
    absolute = [r.campaign.source for r in results if os.path.isabs(r.campaign.source)]
    if not absolute:
        return results
    # the folder holding each campaign: a campaign directory's parent, a file's own folder
    holders = [
        os.path.dirname(os.path.dirname(a) if os.path.basename(a) == MANIFEST else a)
        for a in absolute
    ]
    shared = os.path.commonpath(holders)
    out = []
    for r in results:
        old = r.campaign.source
        if not os.path.isabs(old):
            out.append(r)
            continue
        # (findings name files within their campaign, never by this path: INP001 included)
        campaign = dataclasses.replace(r.campaign, source=os.path.relpath(old, shared))
        out.append(dataclasses.replace(r, campaign=campaign))
    return out


def render_report(
    results: list[CampaignResult],
    facts: Facts,
    config: Config,
    *,
    offline: bool = False,
    generated: datetime | None = None,
    language: str | None = None,
) -> str:
    """The whole QA report for a batch, as one HTML document, in ``language`` (default: the
    config's ``[report] language``)."""
    return "".join(
        report_parts(
            results, facts, config, offline=offline, generated=generated, language=language
        )
    )


def report_parts(
    results: list[CampaignResult],
    facts: Facts,
    config: Config,
    *,
    offline: bool = False,
    generated: datetime | None = None,
    language: str | None = None,
) -> Iterator[str]:
    """:func:`render_report` in the pieces jinja2 renders it in, to be written as they come:
    a large batch's report is never one string in memory (5,000 campaigns: ~190 M characters,
    four bytes each as soon as one emoji is in it)."""
    from mailcheck.reports.jsonout import as_dict

    language = language or config.report.language
    logo, _ = logo_data_uri(config.report.logo)
    results = sent_sources(results)
    views = [campaign_view(r, facts, config, offline, language) for r in results]
    # a file found and not read (INP002) is no campaign checked: it is listed as skipped, with
    # why, and counted apart, as ``check`` says ("40 campaign(s) checked, 2 skipped")
    skipped = [v for v in views if v.result.skipped]
    views = [v for v in views if not v.result.skipped]
    # failures first, then campaigns with warnings, then those that passed (as coverage.py does)
    views.sort(key=lambda v: (v.result.ok, not v.result.warnings))
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    # what the network could not tell: a clean verdict must not read as verified throughout
    unverified_links = sum(row.verdict == "unverified" for v in views for row in v.links)
    unverified_sender = sum(
        line.state == "unknown" for v in views for domain in v.auth for line in domain.lines
    )
    # two campaigns of one id (copies of a folder, an id left unchanged) are told apart in the
    # table of contents by their source, as their own sections are
    ids = Counter(v.campaign.id for v in views)
    template = environment(language).get_template("report.html")
    return template.generate(
        campaigns=views,
        skipped=skipped,
        eager_previews=len(views) if len(views) <= ALL_PREVIEWS_UP_TO else EAGER_PREVIEWS,
        shared_ids={campaign_id for campaign_id, n in ids.items() if n > 1},
        verdict_label=verdict_labels(language),
        kind_label=kind_labels(language),
        errors=errors,
        warnings=warnings,
        # nothing read is nothing judged ready (as the command's own line says)
        ready=errors == 0 and bool(views),
        offline=offline,
        unverified_links=unverified_links,
        unverified_sender=unverified_sender,
        agency=config.report.agency,
        logo=logo,
        generated=format_moment(generated or datetime.now(UTC), language),
        data_json=json_for_html(as_dict(results)),
    )
