"""RU: Russian law and Russian mailbox providers' rules, for campaigns sent to Russia.

These rules judge only when the configuration (or the campaign.toml) says `profile = "ru"`:
an agency sending to Russia opts in; everyone else never sees them. All are warnings, since
each rests on a reading of the campaign that mailcheck cannot be certain of (is this block a
partner's advertisement? is this parameter a person's e-mail?), but each names the law or the
provider's page it follows.

Sources, by title:
* Федеральный закон от 13.03.2006 № 38-ФЗ «О рекламе», статья 18.1 «Особенности
  распространения рекламы в информационно-телекоммуникационной сети "Интернет"»: the marking
  «Реклама», the advertiser (name or ИНН) and the advertisement's identifier (erid token).
* Федеральный закон от 27.07.2006 № 152-ФЗ «О персональных данных», статья 12
  «Трансграничная передача персональных данных», and статья 7 «Конфиденциальность
  персональных данных».
* Почта Mail.ru, Postmaster: «Требования к массовым рассылкам»; Яндекс Почта: «Рекомендации
  для отправителей рассылок» — List-Unsubscribe (mailto and https), List-Id, Feedback-ID,
  Precedence: bulk.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from importlib import resources
from urllib.parse import parse_qsl, unquote, urlsplit

from mailcheck.domains import host_of, org_domain, under
from mailcheck.i18n import Joined, t
from mailcheck.linkinfo import SYSTEM_PLACEHOLDER_HOST, is_unsubscribe, is_web, tracked_target
from mailcheck.model import Link, Severity
from mailcheck.rules import Context, Problem, rule
from mailcheck.unsubscribe import SOCIAL_HOSTS, unsubscribe_tags

_ADVERTISING = re.compile(r"\bреклама\b", re.I)
_ERID = re.compile(r"\berid\b", re.I)
_ADVERTISER = re.compile(r"\bИНН\s*:?\s*\d{10}(?:\d{2})?\b|рекламодател", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+7|8)[\s(-]*9\d{2}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)")
# RFC 2369: the addresses of List-Unsubscribe are in angle brackets
_BRACKETED = re.compile(r"<([^<>]*)>")
_PERSONAL_NAMES = re.compile(
    r"(?:^|[._])(e?-?mail|email_address|phone|tel|mobile|msisdn|first_?name|last_?name|"
    r"surname|full_?name|fio|name|имя|фамилия|телефон|почта)$",
    re.I,
)
_LISTED = 6


def _profile_ru(ctx: Context) -> bool:
    return ctx.config.profile == "ru"


@functools.cache
def _ru_headers_known(ctx: Context) -> bool:
    return _profile_ru(ctx) and ctx.campaign.headers is not None


def _hosts(name: str) -> tuple[str, ...]:
    data = resources.files("mailcheck.checks").joinpath("data", name).read_text("utf-8")
    lines = (line.strip().lower() for line in data.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def _own_domains(ctx: Context) -> list[str]:
    own = [org_domain(d) for d in ctx.config.tracked_domains]
    if ctx.from_domain:
        own.append(org_domain(ctx.from_domain))
    return own


def _partner_links(ctx: Context) -> list[Link]:
    """Links to another organisation's site: not the sender's, not its own channels."""
    own = _own_domains(ctx)
    channels = (*_hosts("own_channel_hosts.txt"), *SOCIAL_HOSTS)
    found = []
    for link in ctx.all_links():
        if link.kind not in ("a", "area") or not is_web(link.href) or is_unsubscribe(link):
            continue
        host = _destination(link)
        if not host or host == SYSTEM_PLACEHOLDER_HOST:  # the ESP's own link (web version …)
            continue
        if any(under(host, d) for d in (*own, *channels)):
            continue
        found.append(link)
    return found


def _destination(link: Link) -> str:
    """The host a link sends the reader to: a test send's click-tracked link, where its
    tracker's query says it goes."""
    return host_of(tracked_target(link.href) or "") or host_of(link.href)


def _reader_text(ctx: Context) -> str:
    main = ctx.main
    document = ctx.document
    return " ".join(
        part or ""
        for part in (
            main.subject if main else ctx.campaign.subject,
            document.text if document else "",
            main.text if main else ctx.campaign.text,
        )
    )


@rule(
    "RU001",
    "ad-marking-missing",
    Severity.WARNING,
    short="Russian law: a partner's link without «Реклама», advertiser, erid (38-FZ art. 18.1)",
    applies=_profile_ru,
)
def ad_marking_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    With `profile = "ru"`: when the e-mail links to another organisation's site (not the
    sender's domain, not `tracked-domains`, not social networks or app stores), reports what
    of the marking 38-FZ art. 18.1 requires is missing — the word «Реклама», the advertiser
    (name or ИНН, or «Рекламодатель»), and the erid token (in the text or the link's URL).
    A click tracker's link is judged by where its query says it sends the reader
    (`…/c?url=https%3A%2F%2Fshop.ru%2F`: the sender's own site).

    ## Why it matters
    Since 1 September 2022 online advertising in Russia must be marked and registered with an
    ОРД; a partner block without «Реклама» and erid exposes the advertiser and the distributor
    to fines under КоАП 14.3. Source: Федеральный закон № 38-ФЗ «О рекламе», статья 18.1.

    ## Example
    A newsletter with a partner bank's card offer linking to `https://bank.example/card` and
    no marking.

    ## How to fix
    Next to the block write «Реклама. ООО «Банк», ИНН 7700000000», and use the click URL with
    the erid the ОРД issued (`?erid=2VtzqxXXXXX`).
    """
    if not _profile_ru(ctx):
        return
    partners = _partner_links(ctx)
    if not partners:
        return
    text = _reader_text(ctx)
    unmarked = [link for link in partners if not _ERID.search(link.href)]
    missing: list[str] = []
    if not _ADVERTISING.search(text):
        missing.append("«Реклама»")
    if not _ADVERTISER.search(text):
        missing.append(t("the advertiser (name or ИНН)"))
    if unmarked and not _ERID.search(text):
        missing.append("erid")
    if not missing:
        return
    hosts = list(dict.fromkeys(_destination(link) for link in partners))
    shown = ", ".join(hosts[:_LISTED])
    if len(hosts) > _LISTED:
        shown = t("{shown} and {n} more", shown=shown, n=len(hosts) - _LISTED)
    yield Problem(
        t(
            "links to other organisations ({hosts}) without {missing} (38-FZ art. 18.1): if "
            "this is a partner's advertisement, mark it",
            hosts=shown,
            missing=Joined(", ", missing),
        ),
        location=ctx.html_at(partners[0].line),
        url=partners[0].href,
    )


def _personal_data(link: Link) -> list[str]:
    """What in the link's query looks like a person's data: (parameter name) kinds."""
    try:
        query = parse_qsl(urlsplit(link.href).query, keep_blank_values=True)
    except ValueError:
        return []
    found = []
    for name, value in query:
        value = unquote(value)
        if _EMAIL.search(value):
            found.append(f"{name}=<e-mail address>")
        elif _PHONE.fullmatch(value.strip()):  # the whole value, not digits inside an id
            found.append(f"{name}=<phone number>")
    return found


@rule(
    "RU002",
    "personal-data-in-url",
    Severity.WARNING,
    short="Russian law: e-mail, phone or name of the recipient in a link URL (152-FZ art. 7)",
    applies=_profile_ru,
)
def personal_data_in_url(ctx: Context) -> Iterator[Problem]:
    """## What it does
    With `profile = "ru"`: reports links whose query string carries a recipient's e-mail
    address or phone number as rendered for the sample recipients, or a personalisation
    variable named like one (`email`, `phone`, `first_name`, `fio` …) inside a link. A
    `mailto:` link or List-Unsubscribe address does not count: it goes to the operator's own
    mailbox.

    ## Why it matters
    URLs end up in web-server logs, analytics and the `Referer` sent to every third party the
    landing page loads: the recipient's personal data leaves the operator's control
    (152-FZ art. 7, «Конфиденциальность персональных данных»).

    ## Example
    `https://shop.ru/promo?email={{ email }}&utm_source=email`

    ## How to fix
    Pass an opaque recipient id that only your own systems can resolve (`?uid={{ uid }}`).
    """
    if not _profile_ru(ctx):
        return
    found: dict[str, list[str]] = {}
    leaking: list[Link] = []
    for link in ctx.all_links():
        if link.kind not in ("a", "area") or not is_web(link.href):
            continue
        kinds = _personal_data(link)
        if kinds:
            found.setdefault(host_of(link.href), []).extend(kinds)
            leaking.append(link)
    # in a web link only: a mailto: (write to support, List-Unsubscribe by mail) goes to the
    # operator's own mailbox, past no server log, analytics or Referer
    uses = [v for v in ctx.campaign.variables if v.in_web_link and _PERSONAL_NAMES.search(v.name)]
    named = sorted({v.name for v in uses})
    if not found and not named:
        return
    # every place: the links' lines, and each variable's part (an HTML line, or the header
    # of [headers] it is in: "header:List-Unsubscribe", as PER001 names it)
    places = list(ctx.link_places(*leaking))
    for v in uses:
        place = ctx.html_at(v.line) if v.where == "html" else v.where
        if place not in places:
            places.append(place)
    parts = [f"{host}: {', '.join(dict.fromkeys(kinds))}" for host, kinds in found.items()]
    if named:
        parts.append(t("variables in links: {names}", names=", ".join(named)))
    yield Problem(
        t("personal data in link URLs (152-FZ art. 7): {found}", found=Joined("; ", parts)),
        location=places[0],
        locations=tuple(places),
    )


@rule(
    "RU003",
    "foreign-analytics-link",
    Severity.WARNING,
    short="Russian law: links or pixels to foreign web analytics (152-FZ art. 12)",
    applies=_profile_ru,
)
def foreign_analytics_link(ctx: Context) -> Iterator[Problem]:
    """## What it does
    With `profile = "ru"`: reports links and images (tracking pixels) that go to web-analytics
    or ad-tracking services operated outside Russia (Google Analytics, Tag Manager,
    DoubleClick, Meta, Hotjar … — `mailcheck/checks/data/foreign_analytics_hosts.txt`).

    ## Why it matters
    Each open or click then sends the recipient's IP address and identifiers abroad: a
    cross-border transfer of personal data that needs notice to Roskomnadzor
    (152-FZ art. 12, «Трансграничная передача персональных данных»).

    ## Example
    `<img src="https://www.google-analytics.com/collect?v=1&tid=UA-1&cid={{ uid }}">`

    ## How to fix
    Use analytics hosted in Russia (e.g. Яндекс Метрика), or make sure the transfer is notified
    and covered by the recipients' consent.
    """
    if not _profile_ru(ctx):
        return
    services = _hosts("foreign_analytics_hosts.txt")
    found: dict[str, list[int]] = {}
    for link in ctx.all_links():
        host = host_of(link.href) if is_web(link.href) else ""
        if host and any(under(host, s) for s in services):
            found.setdefault(host, []).append(link.line)
    if found:
        first = min(line for lines in found.values() for line in lines)
        yield Problem(
            t(
                "links or pixels to foreign analytics (152-FZ art. 12): {found}",
                found=", ".join(found),
            ),
            location=ctx.html_at(first),
        )


@rule(
    "RU004",
    "ru-bulk-headers",
    Severity.WARNING,
    short="Russian mailboxes: bulk-mail headers Mail.ru and Yandex ask for are missing (List-Id …)",
    applies=_ru_headers_known,
)
def ru_bulk_headers(ctx: Context) -> Iterator[Problem]:
    """## What it does
    With `profile = "ru"`, for a test send (`.eml`) or a campaign with `[headers]`: reports
    which of the headers Mail.ru and Yandex ask of bulk senders are missing — List-Unsubscribe
    with both a `mailto:` and an `https:` URL, `List-Id`, `Feedback-ID` and `Precedence: bulk`.

    ## Why it matters
    Mail.ru's and Yandex's postmaster pages ask bulk senders for these headers: List-Id and
    Feedback-ID group the sender's complaints in their postmaster tools, the mailto and https
    List-Unsubscribe serve both old and new clients, and mail without them is more likely to
    land in spam. Sources: Почта Mail.ru Postmaster «Требования к массовым рассылкам»,
    Яндекс Почта «Рекомендации для отправителей рассылок».

    ## Example
    A test send with `List-Unsubscribe: <https://esp.ru/u/123>` only and no List-Id.

    ## How to fix
    Ask the ESP to add `List-Id: <news.shop.ru>`, `Feedback-ID: campaign:client:type:esp`,
    `Precedence: bulk` and a `mailto:` unsubscribe address.
    """
    if not _profile_ru(ctx) or ctx.campaign.headers is None:
        return
    headers = {k.lower(): v for k, v in ctx.campaign.headers.items()}
    missing: list[str] = []
    unsubscribe = headers.get("list-unsubscribe", "")
    if "mailto:" not in unsubscribe.lower():
        missing.append(t("a mailto: URL in List-Unsubscribe"))
    # <{{UnsubscribeUrl}}>, <*|UNSUB|*>: the ESP's unsubscribe tag, which it fills with its https
    # URL when sending (as UNS003 reads it)
    tagged = any(unsubscribe_tags().href.search(u) for u in _BRACKETED.findall(unsubscribe))
    if "https:" not in unsubscribe.lower() and not tagged:
        missing.append(t("an https: URL in List-Unsubscribe"))
    for name in ("list-id", "feedback-id"):
        if not headers.get(name, "").strip():
            missing.append(name.title().replace("-Id", "-ID"))
    if headers.get("precedence", "").strip().lower() != "bulk":
        missing.append("Precedence: bulk")
    if missing:
        yield Problem(
            t(
                "headers Mail.ru and Yandex ask of bulk mail are missing: {missing}",
                missing=Joined(", ", missing),
            ),
            location="headers",
        )
