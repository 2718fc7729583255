"""LNK (offline part): links that are wrong before anyone requests them."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

from mailcheck.checks.links_network import renders_named

from mailcheck.domains import ascii_host, host_of, is_domain_name, org_domain, under, unicode_host
from mailcheck.i18n import Joined, first_and_more, quoted_list, t, tn
from mailcheck.linkinfo import (
    WHOLE_TAG,
    click_tracker,
    dialled,
    disguised_address,
    list_unsubscribe_targets,
    mailto_addresses,
    relative_reason,
    same_address,
    same_phone,
    scheme,
    shown_address,
    shown_phone,
    tracked_target,
    unfilled,
)
from mailcheck.model import Link, Severity
from mailcheck.named import named_link_text
from mailcheck.rules import Context, Problem, listed_lines, rule
from mailcheck.templating import SYSTEM_PLACEHOLDER_HOST, leftover_tags, whole_tag
from mailcheck.text import quoted


@rule(
    "LNK003",
    "link-placeholder",
    Severity.ERROR,
    short="a link that leads nowhere: empty, a placeholder or sample address, an unfilled tag",
)
def link_placeholder(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports links that cannot lead anywhere: `href=""`, `#`, `javascript:`, example.com /
    example.org / example.net, localhost, or an unrendered merge tag as the whole href. So are
    web addresses no browser can open: a scheme one letter off (`htp://`), without its colon
    (`http//shop.ru`), with one slash after it (`https:/shop.ru`: only a browser opening it on
    its own guesses the site; through a click tracker's redirect or in web mail it is a page
    of their site) or written twice (`https://https://shop.ru`), no host, a host no
    domain name can be (`shop example.com`, `shop..example`, `acme.c0m`: a top-level domain
    is letters only, or an `xn--` name), a malformed IPv6 address, a port out of range. A
    host whose top-level domain is not in the Public Suffix List mailcheck ships (`acme.cmo`)
    is a warning, "could not verify": the list may lag a new TLD (online, DNS tells: LNK002).
    So are `mailto:` addresses no mail client can send to (`info@acme,ru`, `mailto:#`, no
    `@`) or at a placeholder domain (`info@example.com`), a layout's phone
    number (`tel:+7 (XXX) XXX-XX-XX`), an in-page link (`#prices`) to a name no `id` or
    `<a name>` of the e-mail has (`#top` is the top of the page, as in a browser; a link
    inside Outlook's conditional comments is not judged; the in-page links to missing names
    are one finding listing each name), a file on the designer's own disk
    (`file:///C:/Users/…`, `C:\\Users\\…\\logo.png`), and a host that is a loopback or
    private IP address (in any form a browser reads one: `http://3232235777/` is
    192.168.1.1), or a name of one label that no top-level domain is (a dev server's
    `http://192.168.1.5:3000/hero.png`, `https://intranet/`: found by a local network's
    resolver alone; meant in an internal mailing: `links.allow-private = true`). So is such
    a stand-in in the
    `List-Unsubscribe` header, from which mailbox providers make their Unsubscribe button
    (`<https://example.com/unsubscribe?id=123>`, `<mailto:unsub@example.com>`): one finding
    at the header's line (or its `[headers]` entry in `campaign.toml`), apart from the
    body's; a header with no https URL, or one no browser opens, is UNS003's, and a merge
    tag left in it PER003's. Images with such a `src` are reported
    too, and so are stand-in pictures left from a layout (placehold.co, via.placeholder.com,
    dummyimage.com, picsum.photos …). Schemes are read as browsers read them
    (`java&#x09;script:` is `javascript:`); `vbscript:` and `data:` links go nowhere either
    (a `data:` image is an inline picture, not a placeholder). A placeholder unsubscribe link
    is UNS001's finding when the campaign has no working one, and a merge tag of a language
    mailcheck reads, left in as the whole href, is PER003's (at the link's line). A
    placeholder link is this one finding: online, its answer is no LNK001/LNK002 as well, nor
    is it LNK004's plain http. A button written twice, Outlook's VML copy
    (`<v:roundrect href="#">` inside `<!--[if mso]>`, or a `<v:rect>` opened around the `<a>`)
    and the `<a>` every other client shows next to it with the same href, is one link in the
    count whatever the copy's words, named by the `<a>`'s and listed at both places (by the
    copy's only when the `<a>` has no text at all; one whose text is `&nbsp;` is named by
    none); each name is said once. `mailto:#` and `tel:#` are the layout's `#` placeholder
    too, in the same finding, each said as written (“link to “mailto:#””). A layout's
    stand-ins of several kinds (`#` links and `http://` with nothing after it,
    `hello@example.com` and `example@example.com`, a placehold.it picture) are one finding
    too: the layout was never filled in; each kind is said in it with its lines. A link's
    text quoted shows a variable that no sample gives and no fallback fills as "[name]" where
    it stands (“Your ticket, [first_name]”), not as the gap its empty value leaves.

    ## Why it matters
    These are leftovers from the template: the button the whole campaign points to does
    nothing, or sends the reader to a domain nobody owns.

    ## Example
    `<a href="#" class="button">Купить со скидкой</a>`,
    `<a href="https://example.com/sale">Shop now</a>` or `<a href="htp://acme.ru/sale">`.

    ## How to fix
    Put the real destination into the link. If the ESP fills it, use its system tag and list
    the variable in `system-variables`.
    """
    # One root cause, one finding: every “#” link of the campaign is one placeholder left in,
    # listed at each of its places. A placeholder unsubscribe link with no working one beside
    # it is UNS001's finding.
    found = ctx.unsubscribe()
    theirs = set() if found.working else {link for link, _ in found.placeholders}
    groups: dict[tuple[str, str], list[Link]] = {}
    # A template that could not be rendered (PER004) or read (PER007) keeps its tags: a tag
    # as the whole link is then the template's language, reported by those rules, not here.
    unrendered = ctx.campaign.kind != "eml" and bool(
        ctx.campaign.template_error or ctx.campaign.dialect_unclear
    )
    # A tag of a language mailcheck knows, left in as the whole link, is PER003's finding
    # (at this link's line): one tag not filled in, one finding
    per003 = ctx.config.selects("PER003") and not ctx.campaign.dialect_unclear
    for link in ctx.link_occurrences():
        if link.kind == "css" or link in theirs:
            continue
        reason = ctx.placeholder(link)
        if (
            reason
            and WHOLE_TAG.match(link.href.strip())
            and (unrendered or (per003 and leftover_tags(link.href)))
        ):
            continue
        if reason and not _emptied_by_a_variable(ctx, link):
            # in-page links to names the e-mail lacks: one table of contents left from another
            # issue, one finding listing each name
            key = _MISSING_NAME if _in_page(link) else reason
            groups.setdefault(("image" if link.is_image else "link", key), []).append(link)
    copies = _outlook_copies(ctx.link_occurrences())
    found_by_reason = [
        (reason, _placeholder_group(ctx, what, reason, links, copies))
        for (what, reason), links in groups.items()
    ]
    # the layout's stand-ins of every kind (“#”, “http://”, example.com…) were left for one
    # reason, the layout never filled in: one finding, each kind said with its lines
    stand_ins = [group for reason, group in found_by_reason if unfilled(reason)]
    if len(stand_ins) > 1:
        yield _stand_ins(ctx, stand_ins)
        found_by_reason = [(r, group) for r, group in found_by_reason if not unfilled(r)]
    yield from (group.problem for _, group in found_by_reason)
    if ctx.list_unsubscribe_stand_ins:
        yield _header_stand_ins(ctx)
    yield from _unknown_top_levels(ctx)


def _unknown_top_levels(ctx: Context) -> Iterator[Problem]:
    """LNK003's warnings for web links whose host ends in a top-level domain the shipped
    Public Suffix List does not have (“shop.acme.cmo”: a typo of .com, or a TLD newer than
    the list): one per such ending, at every link's line. Offline only: where the link was
    requested, DNS has said whether the name exists (LNK002). Not a host a merge tag writes
    (rendered here with mailcheck's stand-in), an IP address, nor a name of one label."""
    found: dict[str, list[Link]] = {}
    for link in ctx.link_occurrences():
        if link.kind == "css" or scheme(link.href) not in ("http", "https"):
            continue
        host = host_of(link.href)
        if not host or "." not in host or ":" in host or host.rsplit(".", 1)[1].isdigit():
            continue
        if link.raw and link.raw != link.href and host_of(link.raw) != host:
            continue  # the template writes the host: the ESP's value is not the stand-in's
        if is_domain_name(host) or ctx.placeholder(link) or ctx.facts.link(link.href):
            continue
        found.setdefault(ascii_host(host).rsplit(".", 1)[1], []).append(link)
    for top, links in found.items():
        hosts = list(dict.fromkeys(host_of(link.href) for link in links))
        yield Problem(
            t(
                "could not verify {hosts}: “.{top}” is no top-level domain of the Public "
                "Suffix List mailcheck ships (a typo? a TLD newer than the list is missing "
                "from it; online, DNS tells)",
                hosts=quoted_list(hosts),
                top=top,
            ),
            url=links[0].href,
            severity=Severity.WARNING,
            locations=ctx.link_places(*links),
        )


def _header_stand_ins(ctx: Context) -> Problem:
    """LNK003's finding for the List-Unsubscribe header's stand-in URLs (example.com,
    localhost): one header, one finding, at the header's place, each URL's reason said. The
    body's links to the same place are set elsewhere (the HTML, not the ESP's or the sending
    script's header), so they are findings of their own."""
    found = ctx.list_unsubscribe_stand_ins
    urls = tuple(url for url, _ in found)
    return Problem(
        t(
            "the List-Unsubscribe header, from which mailbox providers make their Unsubscribe "
            "button: {reasons}",
            reasons=Joined("; ", [reason for _, reason in found]),
        ),
        location=ctx.header_place("List-Unsubscribe"),
        url=urls[0] if len(urls) == 1 else None,
        urls=urls if len(urls) > 1 else (),
    )


@dataclass(frozen=True)
class _Group:
    """LNK003's finding for the links of one placeholder reason, and what it is said of: the
    links counted (“3 links”), their texts (“Logo”, “Shop”), the reason (link to “#”)."""

    label: str
    texts: str
    reason: str
    problem: Problem


def _placeholder_group(
    ctx: Context, what: str, reason: str, links: list[Link], copies: dict[Link, Link]
) -> _Group:
    """LNK003's finding for the links (or images, ``what``) of one placeholder ``reason``."""
    if reason == _MISSING_NAME:
        reason = _missing_names(ctx, links)
    # Outlook's copy of a button counts and is named with its button: once
    members = set(links)
    seen = [link for link in links if copies.get(link) not in members]
    # (a button's <a> around a table has no text as parsed, only the markup's white space:
    # the copy's names it. One whose text is a no-break space, a blank dot, is named by
    # nothing: Outlook's copy may say “1” where every other client shows the dot, and the
    # texts named are the links' own)
    copied = {button: copy.text for copy, button in copies.items()}
    named: dict[str, str] = {}  # each name once, as first written
    for link in seen:
        # (a field no value fills here quoted as "[name]" where it stands, not as the gap)
        own = named_link_text(ctx.main, link)
        text = own if link.text.strip(_MARKUP_SPACE) else copied.get(link, "")
        if text.strip():
            named.setdefault(" ".join(text.split()).casefold(), text)
    texts = list(named.values())
    shown = quoted_list(texts[:5])
    if len(texts) > 5:
        shown = Joined(", ", [shown, "…"])
    # the links counted, not their lines: a footer line often holds several
    # (“+ Google Calendar · + Apple Calendar · + Outlook”)
    label = _counted(what, len(ctx.one_per_place(seen)))  # (a loop's copies: one link)
    problem = Problem(
        _placeholder_message(label, shown, reason),
        url=links[0].href or None,
        locations=ctx.link_places(*links),
    )
    return _Group(label, shown, reason, problem)


# the white space of markup (HTML's ASCII white space), not the no-break space a text writes
_MARKUP_SPACE = " \t\n\r\f"


def _stand_ins(ctx: Context, groups: list[_Group]) -> Problem:
    """One LNK003 for the layout's stand-ins of several kinds: each kind said first, with its
    lines, then the links of that kind counted and named (“link to “#” (line 3, 4): 2 links
    (“Logo”, “Shop”)”: the count is the kind's, not the finding's), every place listed."""
    said = [_kind_said(ctx, group) for group in groups]
    problems = [group.problem for group in groups]
    places = _in_order(place for p in problems for place in p.places)
    urls = tuple(dict.fromkeys(p.url for p in problems if p.url))
    return Problem(
        t("the layout's placeholders, never filled in: {kinds}", kinds=Joined("; ", said)),
        url=urls[0] if len(urls) == 1 else None,
        urls=urls if len(urls) > 1 else (),
        locations=places,
        lines_said=True,
    )


def _in_order(places: Iterable[str]) -> tuple[str, ...]:
    """Places each once, by file or part (the first named first), then by line."""
    unique = list(dict.fromkeys(places))
    parts = list(dict.fromkeys(place.rpartition(":")[0] for place in unique))

    def key(place: str) -> tuple[int, int]:
        name, _, line = place.rpartition(":")
        return parts.index(name), int(line) if line.isdigit() else 0

    return tuple(sorted(unique, key=key))


def _lines_said(places: Sequence[str]) -> str:
    """“line 3, 5” of places in one file or part; “text/html part line 3; text/plain part
    line 7” of places in several."""
    lines: dict[str, list[int]] = {}
    for place in places:
        name, _, line = place.rpartition(":")
        lines.setdefault(name, []).append(int(line) if line.isdigit() else 0)
    if len(lines) == 1:
        return t("line {lines}", lines=listed_lines(next(iter(lines.values()))))
    return Joined(
        "; ",
        [t("{part} line {lines}", part=name, lines=listed_lines(at)) for name, at in lines.items()],
    )


_MISSING_NAME = "\0missing name"  # LNK003's group of in-page links to no target


def _in_page(link: Link) -> bool:
    """An in-page link ("#prices"), whose only placeholder reason is a target missing."""
    href = link.href.strip()
    return not link.is_image and href.startswith("#") and href != "#"


def _missing_names(ctx: Context, links: list[Link]) -> str:
    """Why in-page links go nowhere: for one name, its own reason; for several, each link's
    href, named once."""
    hrefs = list(dict.fromkeys(link.href.strip() for link in links))
    if len(hrefs) == 1:
        return ctx.placeholder(links[0]) or ""
    return t(
        "they go to {hrefs}, names nothing in the e-mail has (no id, no <a name>): a click "
        "does nothing",
        hrefs=quoted_list(hrefs),
    )


def _outlook_copies(occurrences: Sequence[Link]) -> dict[Link, Link]:
    """Outlook's copy of each button (a VML ``<v:roundrect href>`` or an ``<a>`` inside
    ``<!--[if mso]>``) and the button every other mail client shows. A bulletproof button
    writes the two next to each other: the copy just before the ``<a>`` (Campaign Monitor's
    layouts: in its own comment, or with the VML opened around the ``<a>`` and its text there
    alone), or just after the last one. They are paired by that place and their href, not by
    text: the VML's is often none, or the ``<a>``'s words with a "→" more. Both places are
    to be filled; the reader sees one button."""
    anchors = [link for link in occurrences if link.kind == "a" and not link.in_text]
    runs: list[list[Link]] = []  # alternating runs of Outlook's links and everyone's
    for link in anchors:
        if runs and runs[-1][0].outlook_only == link.outlook_only:
            runs[-1].append(link)
        else:
            runs.append([link])
    copies: dict[Link, Link] = {}
    paired: set[Link] = set()
    for at, run in enumerate(runs):
        if not run[0].outlook_only:
            continue
        # the links nearest after it, as many as this run has; before it only at the end (a
        # "#" link before a copy whose own button has a real href is another link)
        near = runs[at + 1][: len(run)] if at + 1 < len(runs) else []
        if not near and at > 0:
            near = runs[at - 1][-len(run) :]
        for copy in run:
            for button in near:
                if button not in paired and button.href.strip() == copy.href.strip():
                    copies[copy] = button
                    paired.add(button)
                    break
    # else the same href and words: a VML background's copy of its image, a button written
    # apart from its copy
    others: dict[tuple[str, str, bool], list[Link]] = {}
    for link in occurrences:
        if not link.outlook_only and link not in paired:
            others.setdefault(_button(link), []).append(link)
    for link in occurrences:
        if link.outlook_only and link not in copies and others.get(_button(link)):
            copies[link] = others[_button(link)].pop(0)
    return copies


def _button(link: Link) -> tuple[str, str, bool]:
    return link.href.strip(), " ".join(link.text.split()).casefold(), link.is_image


def _kind_said(ctx: Context, group: _Group) -> str:
    """One kind of the layout's stand-ins: “link to “#” (line 3, 4): 2 links (“Logo”,
    “Shop”)” in the report's language."""
    # (a saved message's lines said as its file's, where its findings' places name them)
    lines = _lines_said([ctx.campaign.in_file(place) for place in group.problem.places])
    if group.texts:
        return t(
            "{reason} ({lines}): {label} ({texts})",
            reason=group.reason,
            lines=lines,
            label=group.label,
            texts=group.texts,
        )
    return t("{reason} ({lines}): {label}", reason=group.reason, lines=lines, label=group.label)


def _counted(what: str, count: int) -> str:
    """“3 links”, “link”, “2 images”, “image” in the report's language."""
    if what == "image":
        return t("{count} images", count=count) if count > 1 else t("image")
    return t("{count} links", count=count) if count > 1 else t("link")


def _placeholder_message(label: str, shown: str, reason: str) -> str:
    """“3 links (“Купить”, “Подробнее”): link to “#”” in the report's language."""
    if shown:
        return t("{label} ({texts}): {reason}", label=label, texts=shown, reason=reason)
    return t("{label}: {reason}", label=label, reason=reason)


def _emptied_by_a_variable(ctx: Context, link: Link) -> bool:
    """An href that is only a variable without a fallback renders empty: that variable's
    PER001 is the root cause, already reported at this link's line."""
    raw = link.raw or ""
    href = link.href.strip()
    kind = scheme(href)
    if kind in ("mailto", "tel") and raw.lower().startswith(kind + ":"):
        # mailto:{{ support_email }}: the address is the variable, and it rendered empty
        href, raw = href.split(":", 1)[1], raw.split(":", 1)[1]
    if href.strip() or not (WHOLE_TAG.match(raw.strip()) or whole_tag(raw.strip(), url=True)):
        return False
    return any(
        v.in_link and not (v.system or v.has_fallback or v.guarded) and v.name in link.raw
        for v in ctx.campaign.variables
    )


@rule("LNK004", "link-plain-http", Severity.WARNING, short="plain http:// link")
def link_plain_http(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports links and images that use plain `http://`. One finding lists every place. The
    links a sending platform writes on its own hosts (its click tracking, open pixel,
    unsubscribe and profile pages: Mailchimp's list-manage.com, SendGrid's, Mailjet's,
    Constant Contact's, MailerLite's) are one finding of their own that names the platform:
    its account's setting, not the template, makes them http. The platform's "Powered by"
    badge link, which nobody but the platform can change, is left out. Links the template
    writes to the platform's other pages (a social icon to mailchimp.com) are the sender's.
    A host that is an IP address in a form a browser reads but nobody reads as one (one
    number, `http://2742879943/`, or hexadecimal and octal parts) is said to be that address
    in disguise, as links that hide where they go write it.

    ## Why it matters
    Browsers warn about insecure pages, some clients block insecure images, and the UTM
    parameters travel unencrypted. A redirect to https costs one more round trip.

    ## Example
    `<a href="http://acme.ru/sale?utm_source=email">`

    ## How to fix
    Use `https://` for every link and image. For a platform's click tracking, switch on its
    HTTPS (SSL) click tracking.
    """
    # One finding, every place: plain http:// comes from one habit or one setting (the ESP's
    # click-tracking domain without TLS, an old CDN), fixed once for all its links.
    plain = [
        link
        for renderings in ctx.link_sites()
        for link in renderings
        # (an http:// address no browser can open, or one to a placeholder host, is LNK003's
        # error, not also this warning)
        if scheme(link.href) == "http" and not ctx.placeholder(link)
    ]
    # the ESP's own links are not the template's: its click tracking and pixel are its
    # account's setting (said apart, naming it); its badge nobody but the ESP can change
    by_esp: dict[str, list[Link]] = {}
    own = []
    for link in plain:
        owner = esp_of(link.href)
        if owner is None:
            own.append(link)
        elif owner[1] == "tracking":
            by_esp.setdefault(owner[0], []).append(link)
    if own:
        yield _plain_http(ctx, own)
    for esp, links in by_esp.items():
        sites = {link.raw or link.href for link in links}
        hosts = _hosts_shown(links)
        yield Problem(
            tn(
                "{count} plain http:// URL on {esp}'s own hosts ({hosts}): its click "
                "tracking, open pixel and pages, which {esp} writes, not the template: switch on "
                "HTTPS (SSL) click tracking in the {esp} account, or ask {esp} to",
                "{count} plain http:// URLs on {esp}'s own hosts ({hosts}): its click "
                "tracking, open pixel and pages, which {esp} writes, not the template: switch on "
                "HTTPS (SSL) click tracking in the {esp} account, or ask {esp} to",
                len(sites),
                count=len(sites),
                esp=esp,
                hosts=hosts,
            ),
            url=links[0].href if len(sites) == 1 else None,
            locations=ctx.link_places(*links),
        )


def _plain_http(ctx: Context, plain: list[Link]) -> Problem:
    sites = {link.raw or link.href for link in plain}
    host = unicode_host(host_of(plain[0].href))
    if len(sites) == 1 and host:
        # the host said, as for several: what to fix is told before the URL is read
        message = t("plain http:// link to {host}", host=host)
    elif len(sites) == 1:
        message = t("plain http:// link")
    else:
        message = t(
            "{count} plain http:// URLs ({hosts})", count=len(sites), hosts=_hosts_shown(plain)
        )
    # an IP address written as one number (http://2742879943/) is not only unencrypted: it
    # hides where the link goes, as spam writes it; said with the address a browser opens
    disguised = {
        host: address
        for host in dict.fromkeys(host_of(link.href) for link in plain)
        if (address := disguised_address(host))
    }
    if len(disguised) == 1:
        [(host, address)] = disguised.items()
        message = t(
            "{message}; {host} is the IP address {address} in disguise (browsers read it so): "
            "a link that hides where it goes, as spam writes it",
            message=message,
            host=host,
            address=address,
        )
    elif disguised:
        pairs = [f"{host} = {address}" for host, address in disguised.items()]
        shown = first_and_more(pairs, 3)
        message = t(
            "{message}; {count} hosts are IP addresses in disguise ({pairs}; browsers read "
            "them so): links that hide where they go, as spam writes them",
            message=message,
            count=len(pairs),
            pairs=shown,
        )
    return Problem(
        message,
        url=plain[0].href if len(sites) == 1 else None,
        locations=ctx.link_places(*plain),
    )


def _hosts_shown(links: list[Link]) -> str:
    """The first three hosts of ``links``, and how many more there are; an international
    name as its reader sees it (ири.рф, not its punycode xn--h1aax.xn--p1ai)."""
    hosts = [h for h in dict.fromkeys(unicode_host(host_of(link.href)) for link in links) if h]
    return first_and_more(hosts, 3)


def esp_of(url: str) -> tuple[str, str] | None:
    """The sending platform whose own link ``url`` is (``data/esp_link_hosts.toml``), and
    what it is to it: "tracking" (on the hosts of its click tracking, open pixel and pages) or
    "badge" (its "Powered by" link); None for any other link."""
    host = host_of(url).lower().rstrip(".")
    path = urlsplit(url).path if "//" in url else ""
    for name, role, places in _esp_link_hosts():
        for place in places:
            where, slash, start = place.partition("/")
            if (host == where or host.endswith("." + where)) and path.startswith(slash + start):
                return name, role
    return None


@functools.cache
def _esp_link_hosts() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    text = resources.files("mailcheck.data").joinpath("esp_link_hosts.toml").read_text("utf-8")
    return tuple(
        (esp["name"], role, tuple(esp.get(role, ())))
        for esp in tomllib.loads(text)["esp"]
        for role in ("tracking", "badge")
    )


URLISH = re.compile(r"^(?:https?://)?(?:www\.)?((?:[\w-]+\.)+[^\W\d_]{2,})(?:[/:?#]\S*)?$", re.I)


def _written_as_address(text: str, shown: re.Match[str]) -> bool:
    """Whether a text URLISH matched is written as an address (a scheme, "www.", a path, or
    all in lower case) rather than a name that has a dot in it ("Yandex.Market", "ASP.NET",
    which end in real top-level domains too)."""
    host = shown.group(1)
    return text != host or host == host.lower()


@rule(
    "LNK007",
    "link-text-mismatch",
    Severity.ERROR,
    short="the link's visible text is a URL, phone number or address other than the link's",
)
def link_text_mismatch(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a link whose visible text is a URL on another host than the one the link goes to.
    A text is a URL when it is written as one: with `https://`, `www.` or a path, or all in
    lower case ("acme.ru"); "Yandex.Market" and "ASP.NET" are names.

    So is a `tel:` link whose text is a phone number (and nothing else) other than the one it
    dials, and a `mailto:` link whose text is an e-mail address (and nothing else) other than
    the one it writes to (compared without regard to case; `?subject=…` aside). Numbers are
    compared by their last 10 digits, and a number shown without its area code or trunk prefix
    is the one it ends: «8 (800) 555-35-35» for `tel:+78005553535` and "555-5555" for
    `tel:+14085555555` are honest. "Call us" or «Напишите нам» is no number or address. A
    `tel:` link that dials the digits its text shows with a "+", country code and all, but
    without the "+" (`tel:74952858877` for «+7 495 285-88-77») is a warning: RFC 3966 reads a
    number without "+" as a local one, and a phone dials it as written, so from another
    country it reaches another number or none (a national number, `tel:88005553535`, is how
    links are written for readers at home: not judged).

    A click-tracking link is not judged by its own host: an ESP's test send wraps every
    link, a URL written as the text too, in a redirect on its own domain. When links are
    checked, the page where the redirects land decides: on the site shown (its registrable
    domain, compared as A-labels) it is no finding; elsewhere the error names the landing
    host; a chain that could not be followed (a loop, no answer, a bot wall), or the ESP's
    tracker answering itself without a redirect (a page whose meta refresh or script sends
    the reader on), is a warning "could not verify". Offline, or for a link not requested,
    a tracker's link is that warning: its host is the ESP's, a domain the campaign's own
    unsubscribe URLs or `List-Unsubscribe` header use (a test send's
    `https://t2d857ce9.emailsys2a.net/c/136/…` beside `List-Unsubscribe: <https://t2d857ce9.emailsys2a.net/…/unsubscribe.html>`).
    A click's identifier or a `?next=https://paypal.com/` on any other host is what a wrong or
    phishing link writes too: `https://evil.example/login/4ef4eb3a` shown as "paypal.com" stays
    an error, as do a host or path that spells the site shown (`paypal.com.evil.example`) and a
    tracker's query that sends the reader to a third site (the ESP's tracker's: the error names
    that site, "leads to evil.example (through click.esp.example)").

    A link written once in a template loop renders to a URL per item: the URLs that go
    elsewhere alike (one message) are one finding at the link's line, naming each and whether
    that is every URL the link renders to ("— at 2 of the 3 URLs it renders to: …"); a URL
    that goes to yet another host is a finding of its own.

    ## Why it matters
    "Shows one address, goes to another" is the signature of phishing: spam filters score it,
    and careful readers will not click. A reader who taps the number shown calls someone else;
    one who writes to the address shown writes to another mailbox.

    ## Example
    `<a href="https://acme-sale.example/">https://acme.ru/sale</a>`,
    `<a href="tel:+14085555555">+1 513 555 5555</a>`,
    `<a href="mailto:sales@acme.ru">support@acme.ru</a>`

    ## How to fix
    Make the text describe the destination in words ("Открыть каталог"), or make the shown URL,
    number or address the real one. For a click-tracking link: check the test send online
    (without `--offline`), or turn click tracking off for links whose text is a URL.
    """
    # one finding per URL and what its text shows, at every place that URL stands
    found: dict[tuple[str, str], tuple[str, Severity | None, list[Link]]] = {}
    # each written link's rendered URLs (a loop's copies of one link: a URL per product)
    rendered: dict[tuple[str, str], dict[str, None]] = {}
    esp: list[frozenset[str]] = []  # the ESP's domains, worked out for the first web link
    for link in ctx.link_occurrences():
        if link.kind not in ("a", "area") or link.in_text:
            continue
        rendered.setdefault(_written(link), {})[link.href] = None
        if not link.text:
            continue
        mismatch = _text_mismatch(link)
        severity: Severity | None = None
        if not mismatch:
            mismatch = _plus_missing(link.text.strip(), link.href)
            if not mismatch:
                continue
            severity = Severity.WARNING  # the number shown, but dialled as a local one
        shown, message = mismatch
        if scheme(link.href) in ("http", "https"):
            if not esp:
                esp.append(_esp_domains(ctx))
            judged = _judged_web_link(ctx, link.href, shown, message, esp[0])
            if judged is None:
                continue  # click tracking that lands on the host shown
            message, severity = judged
        found.setdefault((link.href, shown), (message, severity, []))[2].append(link)
    # A link written once renders to several URLs in a loop: those that fail it alike (one
    # message) are one finding at its line, naming each and whether that is every URL it
    # renders to; a URL that fails it otherwise (another host) is a finding of its own
    alike: dict[tuple[tuple[str, str], str, str, Severity | None], list[Link]] = {}
    for (_, shown), (message, severity, links) in found.items():
        alike.setdefault((_written(links[0]), shown, message, severity), []).extend(links)
    for (site, _, message, severity), links in alike.items():
        urls = tuple(dict.fromkeys(link.href for link in links))
        yield Problem(
            renders_named(message, urls, len(rendered[site])),
            url=urls[0] if len(urls) == 1 else None,
            urls=urls if len(urls) > 1 else (),
            severity=severity,
            locations=ctx.link_places(*links, with_text=False),  # what the HTML's text shows
        )


def _written(link: Link) -> tuple[str, str]:
    """The link as the template writes it (its source URL and kind): a loop's copies of one
    link share it; a link of no known place is its own rendered URL."""
    return (link.raw or link.href, link.kind)


def _esp_domains(ctx: Context) -> frozenset[str]:
    """The organisational domains of the ESP that sends the campaign, as its own unsubscribe
    URLs name them (the List-Unsubscribe header's, the body's unsubscribe links'): an ESP
    tracks clicks on its own domain. Not the From address's: a sender's own site is no
    ESP."""
    headers = ctx.main.headers if ctx.main and ctx.main.headers else ctx.campaign.headers
    urls = [*list_unsubscribe_targets(headers), *(x.href for x in ctx.unsubscribe().working)]
    own = org_domain(ascii_host(ctx.from_domain or ""))
    domains = {
        org_domain(ascii_host(host))
        for url in urls
        if scheme(url) in ("http", "https") and (host := host_of(url))
    }
    return frozenset(domains - {own, ""})


def _judged_web_link(
    ctx: Context, href: str, shown: str, message: str, esp: frozenset[str]
) -> tuple[str, Severity | None] | None:
    """LNK007's finding for a web link whose host is not the one its text shows (its
    ``message`` and severity), or None when its redirects land on the host shown: a click
    tracker's link (an ESP's test send wraps every link). Where the links were checked, the
    landing decides; where it is unknown, a link that looks like a tracker's is not judged.
    ``shown``: the host the text shows, in its ASCII form."""
    target = host_of(href)
    tracker = click_tracker(href, shown, esp)
    result = ctx.facts.link(href)
    answered = message  # where a tracker answered itself, the link went to it
    sent_on = _sent_elsewhere(href, shown, esp)
    if sent_on:  # the ESP's tracker, whose query sends the reader to a third site
        message = t(
            "link text shows {shown} but the link leads to {landing} (through {target})",
            shown=unicode_host(shown),
            landing=sent_on,
            target=target,
        )
    if result is not None and result.verdict not in ("excluded", "invalid"):
        landing = host_of(result.final_url or "")
        if landing and _same_site(landing, shown):
            return None
        if result.verdict in ("ok", "broken"):  # the chain's last answer is its landing
            if landing and result.redirects and ascii_host(landing) != ascii_host(target):
                return t(
                    "link text shows {shown} but the link leads to {landing} (through {target})",
                    shown=unicode_host(shown),
                    landing=landing,
                    target=target,
                ), None
            if tracker:  # the ESP's tracker answered itself: a page or script sends on
                return t(
                    "could not verify: the link text shows {shown}, and the link goes through "
                    "a click tracker ({host}) that answered without a redirect ({reason}): a "
                    "page or a script of its own sends the reader on",
                    shown=unicode_host(shown),
                    host=tracker,
                    reason=result.reason or result.verdict,
                ), Severity.WARNING
            return answered, None
        if tracker or result.redirects:
            return t(
                "could not verify: the link text shows {shown}, and the link goes through a "
                "click tracker ({host}) whose redirects could not be followed: {reason}",
                shown=unicode_host(shown),
                host=tracker or target,
                reason=result.reason or result.verdict,
            ), Severity.WARNING
        return message, None
    if tracker:
        return t(
            "could not verify: the link text shows {shown}, and the link goes through a "
            "click tracker ({host}); mailcheck did not follow it",
            shown=unicode_host(shown),
            host=tracker,
        ), Severity.WARNING
    return message, None


def _sent_elsewhere(href: str, shown: str, esp: frozenset[str]) -> str | None:
    """The host a link on the ESP's own domain (``esp``) sends the reader to by its query
    (``https://click.esp.test/c?url=https%3A%2F%2Fevil.test%2F``), when that is not the site
    shown; None otherwise. Only the ESP's tracker is taken at its word: an unknown host's
    ``?next=https://…`` is what a phishing link writes too, and goes where its host says."""
    host = ascii_host(host_of(href))
    if not host or not any(under(host, domain) for domain in esp):
        return None
    wrapped = tracked_target(href)
    landing = host_of(wrapped) if wrapped else ""
    return landing if landing and not _same_site(landing, shown) else None


def _same_site(host: str, shown: str) -> bool:
    """Whether a landing host and the host a link's text shows have one registrable domain
    (compared as A-labels: "www.ири.рф" is the site "xn--h1aax.xn--p1ai")."""
    return org_domain(ascii_host(host)) == org_domain(ascii_host(shown))


def _text_mismatch(link: Link) -> tuple[str, str] | None:
    """(what the link's text shows, the finding's message) when it is not where the link goes:
    for a web link, the host its text shows (ASCII)."""
    text = link.text.strip()
    kind = scheme(link.href)
    if kind == "tel":
        return _phone_mismatch(text, link.href)
    if kind == "mailto":
        return _address_mismatch(text, link.href)
    shown = URLISH.match(text)
    target = host_of(link.href)
    if not shown or not target or target == SYSTEM_PLACEHOLDER_HOST:
        return None
    if not _written_as_address(text, shown):
        return None  # "Yandex.Market", "ASP.NET", "CDEK.Shopping": a name with a dot in it
    shown_host = shown.group(1).lower().rstrip(".")
    if not is_domain_name(shown_host):
        return None  # "same-link-as-button.url" is a placeholder text, not an address
    # compared in their ASCII form: "ири.рф" shown for http://xn--h1aax.xn--p1ai/ is honest
    shown_ascii, target_ascii = ascii_host(shown_host), ascii_host(target)
    if under(target_ascii, shown_ascii.removeprefix("www.")) or under(shown_ascii, target_ascii):
        return None
    message = t(
        "link text shows {shown} but the link goes to {target}", shown=shown_host, target=target
    )
    return shown_ascii, message


def _phone_mismatch(text: str, href: str) -> tuple[str, str] | None:
    shown = shown_phone(text)
    called = dialled(href)
    if shown is None or called is None or same_phone(shown, called[1]):
        return None
    message = t(
        "link text shows the phone number {shown} but the link calls {number}",
        shown=text,
        number=called[0],
    )
    return shown, message


def _plus_missing(text: str, href: str) -> tuple[str, str] | None:
    """(the number shown, the message) when a ``tel:`` link dials the very digits its text
    shows with a "+" (the country code's too), without the "+": ``tel:74952858877`` for
    «+7 495 285-88-77». Only then is the number meant as an international one; a national
    number (``tel:88005553535``) is how many links are written for readers at home."""
    shown = shown_phone(text)
    called = dialled(href)
    if shown is None or called is None or not text.startswith("+") or called[0][:1] == "+":
        return None
    if shown != called[1]:
        return None
    message = t(
        "link text shows the phone number {shown} but the link calls {number}, without the "
        "“+”: a tel: number without it is a local one (RFC 3966), which a phone dials as "
        "written, so a reader in another country calls another number or none; write "
        "tel:+{digits}",
        shown=text,
        number=called[0],
        digits=called[1],
    )
    return shown, message


def _address_mismatch(text: str, href: str) -> tuple[str, str] | None:
    shown = shown_address(text)
    addresses = mailto_addresses(href)
    if shown is None or not addresses or any(same_address(shown, a) for a in addresses):
        return None  # (no address at all: a share-by-mail link, "mailto:?subject=…")
    message = t(
        "link text shows the address {shown} but the link writes to {address}",
        shown=shown,
        address=", ".join(addresses),
    )
    return shown.casefold(), message


@rule(
    "LNK008",
    "link-relative",
    Severity.ERROR,
    short="relative link or image URL: an e-mail has no base URL",
)
def link_relative(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports links and images whose URL is relative (`images/logo.png`, `/sale`,
    `//cdn.acme.ru/a.png`) or has no scheme (`www.acme.ru/sale`, `facebook.com`), offline as
    well as online. One finding lists every such URL of the campaign: they share one cause.

    ## Why it matters
    A web page resolves a relative URL against its own address; an e-mail has no address, so
    the image is a broken square and the link opens nothing (or a mail client's own page).
    Templates exported from a website or a builder's folder often keep their `images/` paths.
    A URL without its scheme (`//cdn.acme.ru/a.png`, `www.acme.ru`) is no web address as
    written: a client that opens it guesses what is missing (webmail from its own page,
    others by a guess), and the guesses differ (desktop clients read `//` as a file, Outlook
    on the web reads `www.acme.ru` as a path). Part of the list gets a relative URL under a
    `<base href>` broken: Apple Mail, Gmail, Outlook.com and Thunderbird complete it from
    there; Mail.ru, Outlook for Android and Windows Mail ignore the `<base>`.
    A protocol-relative link on a sending platform's own hosts (Mailchimp's address block
    writes `//….list-manage.com/vcard?…`, "Add us to your address book") is the platform's,
    not the template's: a warning of its own names the platform, as LNK004 does.

    ## Example
    `<img src="images/banner.jpg" alt="Распродажа">` or `<a href="www.acme.ru">Магазин</a>`.

    ## How to fix
    Upload the images to the ESP or a CDN and use absolute `https://` URLs; write links in full
    (`https://www.acme.ru/`).
    """
    found: dict[str, tuple[Link, str]] = {}
    places: list[Link] = []
    by_esp: dict[str, list[Link]] = {}
    for link in ctx.link_occurrences():
        if link.in_text:  # "www.acme.ru" in a text is how people write it; clients link it
            continue
        written = link.raw or link.href  # (a loop's copies of one written link: one URL)
        reason = found[written][1] if written in found else relative_reason(link)
        if (
            reason == "protocol-relative"
            and (owner := esp_of(link.href))
            and owner[1] == "tracking"
        ):
            by_esp.setdefault(owner[0], []).append(link)  # the ESP's own link, not the template's
        elif reason:
            found.setdefault(written, (link, reason))
            places.append(link)
    for esp, links in by_esp.items():
        yield _esp_protocol_relative(ctx, esp, links)
    if not found:
        return
    listed = [_relative_url(link.href, reason) for link, reason in found.values()]
    urls = first_and_more(listed, 5)
    images = all(link.is_image for link, _ in found.values())
    if len(found) == 1:
        what = t("relative image URL") if images else t("relative link URL")
    else:
        what = (
            t("{count} relative image URLs", count=len(found))
            if images
            else t("{count} relative link URLs", count=len(found))
        )
    first = next(iter(found.values()))[0]
    base = _base_url(ctx)
    if base:
        # most clients complete them from the <base href> (caniemail.com's test: Apple Mail,
        # Gmail, Outlook.com, Yahoo, Thunderbird); Mail.ru, Outlook for Android and Windows
        # Mail ignore it: broken for part of the list
        message = t(
            "{what}, which some mail clients cannot open (Mail.ru, Outlook for Android and "
            "Windows Mail ignore the <base href=“{base}”> others complete them from): {urls}",
            what=what,
            base=quoted(base),
            urls=urls,
        )
    elif all(reason == "relative" for _, reason in found.values()):
        message = t(
            "{what}, which no mail client can open (an e-mail has no base URL): {urls}",
            what=what,
            urls=urls,
        )
    else:
        # "//cdn…" and "www.acme.ru" are completed by webmail in a browser, or by a client's
        # guess, and broken elsewhere (desktop clients read "//" as a file; Outlook on the web
        # reads "www.acme.ru" as a path): what is certain is that the URL as written is none
        message = (
            t(
                "{what} has no scheme: in an e-mail there is no page to resolve it against, so "
                "as written it is no web address (a client that opens it guesses what is "
                "missing): {urls}",
                what=what,
                urls=urls,
            )
            if len(found) == 1
            else t(
                "{what} have no scheme: in an e-mail there is no page to resolve them against, "
                "so as written they are no web addresses (a client that opens one guesses what "
                "is missing): {urls}",
                what=what,
                urls=urls,
            )
        )
    yield Problem(
        message,
        url=first.href if len(found) == 1 else None,
        locations=ctx.link_places(*places),
    )


def _esp_protocol_relative(ctx: Context, esp: str, links: list[Link]) -> Problem:
    """Protocol-relative links on a sending platform's own hosts (Mailchimp's address block
    writes "Add us to your address book" as ``//….list-manage.com/vcard?…``): the platform
    writes them, not the template, as LNK004 says of its http:// links. Webmail completes
    them with its own page's https; some desktop clients read "//" as a file: broken for part
    of the list, by the platform's doing, which the template cannot change but by leaving the
    platform's merge tag out. A warning naming the platform, not the template's error."""
    urls = list(dict.fromkeys(link.href for link in ctx.one_per_written(links)))
    return Problem(
        tn(
            "{count} protocol-relative link on {esp}'s own hosts ({urls}): {esp} writes "
            "it (as its address block's “Add us to your address book”), not the template; "
            "with no scheme, webmail opens it and some desktop clients do not: write that "
            "block yourself with https:// links, or ask {esp} to",
            "{count} protocol-relative links on {esp}'s own hosts ({urls}): {esp} writes "
            "them (as its address block's “Add us to your address book”), not the template; "
            "with no scheme, webmail opens them and some desktop clients do not: write that "
            "block yourself with https:// links, or ask {esp} to",
            len(urls),
            count=len(urls),
            esp=esp,
            urls=Joined(", ", urls[:3]),
        ),
        url=urls[0] if len(urls) == 1 else None,
        severity=Severity.WARNING,
        locations=ctx.link_places(*links),
    )


def _base_url(ctx: Context) -> str | None:
    """The document's <base href> when it is a web address a relative URL can be completed
    from (a relative or templated one completes nothing)."""
    document = ctx.document
    base = document.base if document else None
    return base if base and scheme(base) in ("http", "https") and host_of(base) else None


def _relative_url(href: str, reason: str) -> str:
    if reason == "protocol-relative":
        return t("{url} (protocol-relative)", url=href)
    if reason == "no scheme":
        return t("{url} (write https://{url})", url=href)
    return href
