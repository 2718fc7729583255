"""The HTML QA report and the KPI report: content, escaping, self-containment, a real browser."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mailcheck.reports.html import (
    describe,
    json_for_html,
    markdown_lite,
    render_report,
    sent_sources,
)
from mailcheck.reports.jsonout import as_dict
from mailcheck.reports.kpi_html import render_kpi_html

from mailcheck.config import Config, ReportConfig
from mailcheck.facts import Facts, Hop, LinkResult
from mailcheck.i18n import t
from mailcheck.model import Campaign, CampaignResult, Document, Finding, Link, Rendered, Severity
from tests import browser
from tests.recording_server import recording_server

E, W = Severity.ERROR, Severity.WARNING
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


# The shape of the DNS facts (duck-typed by the report: it never imports their types).
@dataclass
class SpfFacts:
    domain: str
    status: str
    records: tuple[str, ...] = ()
    lookups: int = 0
    chain: list[str] = field(default_factory=list)  # internals: not for the client
    dns_error: str = ""


@dataclass
class DmarcFacts:
    status: str
    record: str = ""
    policy: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class DkimKey:
    selector: str
    status: str
    bits: int | None = None
    testing: bool = False


@dataclass
class DomainAuth:
    domain: str
    spf: SpfFacts | None = None
    dmarc: DmarcFacts | None = None
    dkim: dict[str, DkimKey] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Unknown:  # facts of a shape the report has never seen
    record: str
    parts: dict[str, object]
    selectors: list[str]


def campaign(
    *,
    subject: str = "Чёрная пятница: −30% на всё 🔥",
    preheader: str = "Только до воскресенья",
    html: str = "<p>Привет, Анна!</p><a href='https://acme.example/sale'>Купить</a>",
    links: list[Link] | None = None,
    cid: str = "acme-2026-11-black-friday",
) -> Campaign:
    links = (
        links
        if links is not None
        else [
            Link(
                "https://acme.example/sale?utm_source=email&utm_medium=email&utm_campaign=bf",
                "a",
                "Купить",
                12,
            ),
            Link("https://acme.example/gone", "a", "Старая акция", 20),
            Link(
                "https://acme.example/unsubscribe?u=1",
                "a",
                "Отписаться",
                30,
                "https://acme.example/unsubscribe?u={{ uid }}",
            ),
        ]
    )
    doc = Document(title=subject, preheader=preheader, links=links)
    c = Campaign(
        id=cid,
        source="campaigns/bf/campaign.toml",
        kind="toml",
        client="acme",
        subject=subject,
        preheader=preheader,
        from_addr="ACME Магазин <news@mail.acme.example>",
        html=html,
    )
    c.renders = [Rendered({}, "sample 1", subject, preheader, html, None, doc)]
    return c


def facts() -> Facts:
    return Facts(
        gathered=True,
        links={
            "https://acme.example/sale?utm_source=email&utm_medium=email&utm_campaign=bf": LinkResult(
                "https://acme.example/sale?utm_source=email&utm_medium=email&utm_campaign=bf",
                "ok",
                200,
                "200 OK",
                (Hop("http://acme.example/sale", 301), Hop("https://acme.example/sale", 200)),
            ),
            "https://acme.example/gone": LinkResult(
                "https://acme.example/gone",
                "broken",
                404,
                "404 Not Found",
                (Hop("https://acme.example/gone", 404),),
            ),
        },
        auth={
            "acme.example": DomainAuth(
                "acme.example",
                spf=SpfFacts(
                    "acme.example",
                    "ok",
                    ("v=spf1 include:_spf.esp.example -all",),
                    3,
                    ["include:_spf.esp.example"],
                ),
                dmarc=DmarcFacts("ok", "v=DMARC1; p=reject", "reject", {"p": "reject"}),
                dkim={"k1": DkimKey("k1", "ok", 2048), "k2": DkimKey("k2", "missing")},
                notes=["selector k3 not verified"],
            ),
            "esp.example": Unknown("v=spf1 -all", {"ttl": 300}, ["s1", "s2"]),
            "other.example": DomainAuth("other.example"),  # not this campaign's domain
        },
    )


def findings() -> list[Finding]:
    return [
        Finding("INP001", "input-unreadable", E, "cannot decode: битая кодировка"),
        Finding(
            "LNK001", "link-broken", E, "404 Not Found", "line 20", "https://acme.example/gone"
        ),
        Finding("IMG001", "image-without-alt", W, "image has no alt", "line 40"),
    ]


def report(results: list[CampaignResult], config: Config | None = None, **kw: Any) -> str:
    return render_report(results, facts(), config or Config(), **kw)


# --- content -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "more"), [("en", "and 18 more"), ("ru", "и ещё 18")])
def test_a_finding_at_many_places_names_the_file_once_and_the_first_twelve(
    language: str, more: str
) -> None:
    """A layout of 30 tables is one A11Y003 at 30 lines: its head line was 30 times
    "email.html:N" in the client's report."""
    lines = tuple(f"email.html:{n}" for n in range(10, 40))
    tables = Finding("A11Y003", "layout-table-role", W, "30 layout tables", lines[0], None, lines)
    html = report([CampaignResult(campaign(), [tables])], language=language)
    shown = "email.html:" + ", ".join(str(n) for n in range(10, 22))
    assert re.findall(r'<span class="where">([^<]*)</span>', html) == [f"{shown} {more}"]
    # (the JSON embedded for machines keeps every place)


def test_verdict_comes_first_then_findings_with_how_to_fix() -> None:
    html = report([CampaignResult(campaign(), findings())])
    body = html[html.index("<main>") :]
    assert "2 errors: not ready to send" in body
    assert body.index("not ready to send") < body.index("LNK001") < body.index("IMG001")
    # errors before warnings; the fix text comes from the rule's "How to fix" section
    assert body.index("Errors (2)") < body.index("Warnings (1)")
    assert "Fix the file as the message says" in body
    assert "<title>2 errors — QA report</title>" in html
    assert "битая кодировка" in body and "Чёрная пятница" in body


def test_clean_campaign_is_ready_to_send() -> None:
    html = report([CampaignResult(campaign(), [])])
    assert "Ready to send" in html
    assert "No problems found." in html


def test_failures_listed_before_passes() -> None:
    ok = CampaignResult(campaign(cid="clean-one"), [])
    bad = CampaignResult(campaign(cid="broken-one"), findings())
    html = report([ok, bad])
    assert html.index('id="c1">\n  <h2>broken-one') < html.index("<h2>clean-one")


def test_campaigns_of_one_id_are_told_apart_in_the_table_of_contents() -> None:
    """Two copies of a folder with one id: each entry of the contents shows its source, and
    links to its own section; a campaign whose id is its own shows the id alone."""
    first, second, other = (campaign(cid=cid) for cid in ("acme-bf", "acme-bf", "acme-welcome"))
    first.source, second.source, other.source = "bf-v1/", "bf-v2/", "welcome/"
    html = report([CampaignResult(c, []) for c in (first, second, other)])
    toc = html[html.index('<ul class="toc">') : html.index("</ul>")]
    entries = re.findall(
        r'<a href="#(c\d)">([^<]*)</a>( <code class="source">([^<]*)</code>)?', toc
    )
    assert [(anchor, cid, source) for anchor, cid, _, source in entries] == [
        ("c1", "acme-bf", "bf-v1/"),
        ("c2", "acme-bf", "bf-v2/"),
        ("c3", "acme-welcome", ""),
    ]
    sections = re.findall(r'<section class="campaign" id="(c\d)">', html)
    assert sections == ["c1", "c2", "c3"]  # every anchor names one section


def test_link_table_status_redirects_utm() -> None:
    html = report([CampaignResult(campaign(), findings())])
    start = html.index('<table class="links">')
    table = html[start : html.index("</table>", start)]
    assert table.index("/gone") < table.index("/sale")  # broken links first
    assert "broken 404" in table and "404 Not Found" in table
    assert "<b>301</b> http://acme.example/sale" in table
    assert "<dt>utm_campaign</dt><dd>bf</dd>" in table
    assert '<span class="tag">unsubscribe</span>' in table
    assert "in the template: <code>https://acme.example/unsubscribe?u={{ uid }}</code>" in table
    assert 'rel="noopener noreferrer"' in table


def test_offline_link_table_says_not_checked() -> None:
    html = render_report([CampaignResult(campaign(), [])], Facts(), Config(), offline=True)
    assert 'class="status offline">not checked (offline)<' in html
    assert "Links and DNS were not checked (offline run)." in html


def test_an_offline_clean_verdict_headlines_that_links_and_dns_were_not_verified() -> None:
    # the headline said "Ready to send" (and the page title too): a client reads no further
    html = render_report([CampaignResult(campaign(), [])], Facts(), Config(), offline=True)
    headline = "Ready to send — links and DNS not verified"
    assert re.findall(r"<h1>(.*?)</h1>", html) == [headline]
    assert re.search(r"<title>(.*?)</title>", html).group(1).startswith(headline + " — ")  # type: ignore[union-attr]
    online = report([CampaignResult(campaign(), [])])
    assert re.findall(r"<h1>(.*?)</h1>", online) == ["Ready to send"]


def test_an_input_that_could_not_be_read_shows_no_invented_subject() -> None:
    # "Subject — 0 / 50 characters" and "(no subject)" for a file that was never read
    c = Campaign(
        id="broken", source="broken.eml", kind="eml", load_error="broken.eml is empty (0 bytes)"
    )
    inp = Finding("INP001", "input-unreadable", E, "broken.eml is empty (0 bytes)", "broken.eml")
    html = report([CampaignResult(c, [inp])])
    section = html[html.index('<section class="campaign"') :]
    assert section.count("The input could not be read: there is no subject") == 1
    assert "(no subject)" not in section and " / 50 characters" not in section
    assert "As the inbox shows it" not in section
    assert "INP001" in section
    # a campaign that was read still shows its subject and its length
    read = report([CampaignResult(campaign(), [])])
    assert "As the inbox shows it" in read and " / 50 characters" in read
    assert "The input could not be read" not in read


def test_the_link_table_marks_what_goes_nowhere_offline_too() -> None:
    """A "#" link and a relative image are errors above the table (LNK003, LNK008): the table
    showed them "not checked (offline)", unmarked. Now they are rows marked bad, with why."""
    links = [
        Link(href="#", kind="a", text="Купить", line=3),
        Link(href="images/cart.png", kind="img", text="Корзина", line=4),
        Link(href="https://acme.example/sale", kind="a", text="Каталог", line=5),
    ]
    html = render_report(
        [CampaignResult(campaign(links=links), [])], Facts(), Config(), offline=True
    )
    rows = re.findall(r'<tr class="(bad)?">(.*?)</tr>', html, re.S)
    marked = {("#" in row and "Купить" in row, "cart.png" in row): bad for bad, row in rows}
    assert marked[(True, False)] == "bad" and marked[(False, True)] == "bad"
    assert html.count('<tr class="bad">') == 2  # the catalogue link stays "not checked"
    assert "relative image URL" in html


def test_authentication_tables() -> None:
    c = campaign()
    c.headers = {"DKIM-Signature": "v=1; a=rsa-sha256; d=esp.example; s=s1; b=xyz"}
    html = report([CampaignResult(c, [])])
    start = html.index("<h3>Sender authentication</h3>")
    auth = html[start : html.index("<h3>Preview</h3>")]
    # the From domain is mail.acme.example: its parent's records, SPF/DMARC/DKIM each
    assert "<caption>acme.example — SPF</caption>" in auth
    # the facts' fields by their labels (a QA probe: "void_lookups", "dns_error" in the report)
    assert "<th>Records</th><td><code>v=spf1 include:_spf.esp.example -all</code>" in auth
    assert "<th>DNS lookups (at most 10)</th><td><code>3</code>" in auth
    assert "<th>chain</th>" not in auth  # evaluation internals are not for the client
    assert "<caption>acme.example — DMARC</caption>" in auth and "<th>Tags: p</th>" in auth
    assert "<caption>acme.example — DKIM k1</caption>" in auth and "2048" in auth
    assert "<caption>acme.example — DKIM k2</caption>" in auth
    assert "<th>Lookup result</th><td><code>no key published</code>" in auth
    assert "selector k3 not verified" in auth
    # the DKIM signing domain from the headers, facts of an unknown type shown generically
    assert "<caption>esp.example</caption>" in auth and "parts.ttl" in auth and "s1, s2" in auth
    assert "other.example" not in auth


def test_describe_flattens_dataclasses_dicts_lists() -> None:
    rows = dict(describe(Unknown("v=spf1 -all", {"ttl": 300, "x": None}, [])))
    assert rows == {"Record": "v=spf1 -all", "parts.ttl": "300", "parts.x": "—", "selectors": "—"}
    assert describe(None) == [("Value", "—")]
    assert dict(describe({"ok": True, "items": [{"a": 1}]})) == {"ok": "yes", "items[0].a": "1"}


def test_inbox_preview_and_lengths_in_graphemes() -> None:
    # a flag, a skin-toned emoji and "й" written as и + combining breve count as one each
    subject = "Привет 🇷🇺 и 👍🏽, \u0438\u0306"
    html = report([CampaignResult(campaign(subject=subject), [])])
    assert f'<span class="subject">{subject}</span>' in html
    assert "15 / 50 characters" in html
    long = report([CampaignResult(campaign(subject="Ы" * 51), [])])
    assert '<td class="over">51 / 50 characters</td>' in long


def test_the_preview_is_as_wide_as_the_layout_not_as_its_widest_image() -> None:
    """examples/black-friday-ru: a 552 px hero in a 100% table padded by 24 px on each side.
    The frame took the image's 552 px for the layout's and cut the text off at the right."""
    hero = (
        '<table role="presentation" width="100%"><tr><td style="padding:0 24px">'
        "<p>Чёрная пятница началась: −30% на всю зимнюю коллекцию до воскресенья.</p>"
        '<p><img src="https://cdn.acme.example/hero.jpg" width="552" alt="Пуховики"></p>'
        '<p><img src="https://cdn.acme.example/line.png" style="max-width:560px" alt=""></p>'
        "</td></tr></table>"
    )
    html = report([CampaignResult(campaign(html=hero), [])])
    assert html.count('<iframe class="preview"') == 1
    assert 'style="--email-width: 602px;' in html  # the usual 600 px, as no layout says one
    # a layout that says its width is taken, whatever its images say
    boxed = hero.replace('width="100%"', 'width="480"')
    assert 'style="--email-width: 482px;' in report([CampaignResult(campaign(html=boxed), [])])
    # an image wider than the usual 600 px, with no layout width, still fits in the frame
    wide = hero.replace('width="552"', 'width="700"')
    assert 'style="--email-width: 702px;' in report([CampaignResult(campaign(html=wide), [])])


def test_absolute_sources_are_shown_from_the_folder_the_batch_shares(tmp_path: Path) -> None:
    # `mailcheck report /home/i.petrova/Документы/clients/batch` (a folder dragged into the
    # terminal) put the account manager's folders before every campaign (a QA probe)
    home = str(tmp_path / "i.petrova" / "Документы" / "clients" / "batch")
    bf, send = campaign(), campaign()
    bf.source, send.source = f"{home}/bf/campaign.toml", f"{home}/tests/send.eml"
    # (INP001 names the file as every finding does: the source alone holds the folders)
    failed = Finding("INP001", "input-unreadable", Severity.ERROR, "broken", "send.eml")
    html = report([CampaignResult(bf, []), CampaignResult(send, [failed])])
    assert "i.petrova" not in html and "Документы" not in html
    assert "<code>bf/campaign.toml</code>" in html and "<code>tests/send.eml</code>" in html
    # one campaign: its own folder's name stays
    [one] = sent_sources([CampaignResult(bf, [])])
    assert one.campaign.source == "bf/campaign.toml"


def test_a_link_row_names_every_line_its_url_stands_on() -> None:
    """ "#" at three places is one row: it said "line 3" where LNK003 listed 3, 7 and 9."""
    links = [Link("#", "a", "Home", 7), Link("#", "a", "Shop", 3), Link("#", "a", "Wishlist", 9)]
    links.append(Link("https://acme.example/sale", "a", "Sale", 5))
    html = report([CampaignResult(campaign(links=links), [])], language="ru")
    tags = re.findall(r'<span class="tag lines">(строка [^<]*)</span>', html)
    assert sorted(tags) == ["строка 3, 7, 9", "строка 5"]  # "стр." read as a page


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "no unsubscribe link in the body (any language)"),
        ("ru", "в письме нет ссылки отписки (на любом языке)"),
    ],
)
def test_a_finding_is_titled_by_its_rules_one_liner(language: str, title: str) -> None:
    """The title was the first sentence of the rule's page ("Reports a campaign whose body has
    no working unsubscribe link. A link counts when…"): developer documentation, not a title a
    client reads."""
    missing = Finding("UNS001", "unsubscribe-link-missing", E, "no unsubscribe link", "body")
    html = report([CampaignResult(campaign(), [missing])], language=language)
    assert re.findall(r'<span class="rule">(.*?)</span>', html) == [title]


def test_a_campaign_of_no_named_client_does_not_say_client_default() -> None:
    """A campaign with no client configured belongs to "default": the client read "Client
    default" above each campaign of /work/shared/realworld (42 of 42)."""
    unnamed = campaign()
    unnamed.client = Config().client
    named = campaign(cid="acme-welcome")
    html = report([CampaignResult(unnamed, []), CampaignResult(named, [])], language="ru")
    metas = re.findall(r'<p class="meta">(.*?)</p>', html, flags=re.S)
    assert len(metas) == 2
    assert metas[0].startswith("источник <code>campaigns/bf/campaign.toml</code>"), metas[0]
    assert "default" not in metas[0] and "Клиент" not in metas[0]
    assert metas[1].startswith("Клиент <b>acme</b> · источник <code>"), metas[1]


def test_agency_and_logo_inlined(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_1PX)
    cfg = Config(report=ReportConfig(agency="Агентство «Почта»", logo=str(logo)))
    html = report([CampaignResult(campaign(), [])], cfg)
    assert "Агентство «Почта»" in html
    assert 'src="data:image/png;base64,' + base64.b64encode(PNG_1PX).decode() in html
    bad = tmp_path / "logo.txt"
    bad.write_text("not an image")
    html = report([CampaignResult(campaign(), [])], Config(report=ReportConfig(logo=str(bad))))
    assert 'class="logo"' not in html


def test_markdown_lite_escapes_before_formatting() -> None:
    out = str(markdown_lite("Use `<b>` here.\n\n- one `x`\n- two <i>"))
    assert out == (
        "<p>Use <code>&lt;b&gt;</code> here.</p>"
        "<ul><li>one <code>x</code></li><li>two &lt;i&gt;</li></ul>"
    )


# --- security: nothing runs, nothing loads -----------------------------------------------------

HOSTILE_SUBJECT = "<script>document.title='PWNED'</script>Скидки"
HOSTILE_PREHEADER = (
    "<img src=x onerror=\"document.body.appendChild(document.createElement('mark')).id='pwn3d'\">"
)
HOSTILE_LINK_TEXT = "<script>document.title='PWNED-link'</script>"


def hostile_campaign(server: str) -> Campaign:
    body = (
        f"<html><head><meta http-equiv='refresh' content='0;url={server}/refresh'>"
        f"<link rel='stylesheet' href='{server}/style.css'></head><body>"
        f"<p>Привет</p><img src='{server}/pixel.gif'>"
        f"<script>new Image().src='{server}/script-ran';fetch('{server}/fetch');"
        "parent.document.title='PWNED-frame'</script>"
        f"<div style=\"background:url('{server}/bg.png')\">x</div>"
        "</body></html>"
    )
    links = [
        Link("javascript:document.title='PWNED-href'", "a", HOSTILE_LINK_TEXT, 3),
        Link(f'{server}/"onmouseover="alert(1)', "a", "quote", 4),
    ]
    return campaign(
        subject=HOSTILE_SUBJECT,
        preheader=HOSTILE_PREHEADER,
        html=body,
        links=links,
        cid="</title><script>document.title='PWNED-id'</script>",
    )


def test_hostile_text_is_escaped_in_the_source() -> None:
    c = hostile_campaign("http://127.0.0.1:9")
    result = CampaignResult(
        c,
        [
            Finding(
                "LNK003",
                "link-placeholder",
                E,
                "javascript: link <script>x</script>",
                "line 3",
                "javascript:document.title='PWNED-href'",
            )
        ],
    )
    html = report([result])
    assert html.count("<script") == 1  # only the JSON data block
    assert '<script type="application/json" id="mailcheck-results">' in html
    assert "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;Скидки" in html
    assert 'href="javascript:' not in html and "href='javascript:" not in html
    assert "<img src=x" not in html
    assert re.search(r'<iframe class="preview" sandbox="" ', html)
    assert "allow-scripts" not in html and "allow-same-origin" not in html
    # the preview's own policy first, then the e-mail, its refresh made a <meta> that says nothing
    assert 'srcdoc="&lt;meta http-equiv=&#34;Content-Security-Policy&#34; content=' in html
    assert (
        "&gt;&lt;html&gt;&lt;head&gt;&lt;meta data-mailcheck-http-equiv=&#39;refresh&#39;" in html
    )
    assert "Content-Security-Policy" in html and "default-src &#39;none&#39;" in html


def test_embedded_json_is_escaped_and_parses_back() -> None:
    c = hostile_campaign("http://127.0.0.1:9")
    results = [CampaignResult(c, [Finding("SUB002", "s", E, "</script><script>alert(1)//")])]
    html = report(results)
    block = re.search(r'id="mailcheck-results">(.*?)</script>', html, re.S)
    assert block is not None
    assert "<" not in block.group(1)
    assert json.loads(block.group(1)) == json.loads(json.dumps(as_dict(results)))
    escaped = str(json_for_html({"a": "</script>\u2028&"}))
    assert escaped == '{"a": "\\u003c/script\\u003e\\u2028\\u0026"}'


def test_report_loads_nothing_from_outside() -> None:
    html = report([CampaignResult(campaign(), findings())], Config(report=ReportConfig(agency="A")))
    outside_srcdoc = re.sub(r'srcdoc="[^"]*"', "", html)
    assert not re.search(r"\bsrc=[\"']?(?!data:)", outside_srcdoc)
    assert "<link" not in outside_srcdoc and "@import" not in outside_srcdoc
    assert not re.search(r"url\((?!data:)", outside_srcdoc)


# --- KPI report ----------------------------------------------------------------------------------

KPI = {
    "version": 1,
    "periods": [
        {
            "client": "acme",
            "period": "2026-10",
            "launches": 20,
            "error_free": 18,
            "error_free_rate": 0.9,
            "incidents": 3,
            "caught_before_launch": 7,
            "on_time_rate": 0.95,
            "by_code": {"LNK001": 2, "PER002": 1},
        },
        {
            "client": "acme",
            "period": "2026-09",
            "launches": 10,
            "error_free": 10,
            "error_free_rate": 1.0,
            "incidents": 0,
            "caught_before_launch": 2,
            "on_time_rate": 1.0,
            "by_code": {},
        },
        {
            "client": "acme",
            "period": "2026-11",
            "launches": 25,
            "error_free": 24,
            "error_free_rate": 0.96,
            "incidents": 1,
            "caught_before_launch": 9,
            "on_time_rate": 1.0,
            "by_code": {"UTM001": 1},
            "by_severity": {"error": 1, "warning": 0},
            "mttr_hours": 5.5,
            "open_incidents": 1,
            "refused": 3,
            "forced": 1,
            "launched_with_errors": 2,
            "targets": {
                "error_free_rate": {"plan": 0.95, "fact": 0.96, "ratio": 1.0105},
                "launches": {"plan": 30, "fact": 25, "ratio": 0.8333},
            },
            "bonus_coefficient": 1.01,
        },
        {
            "client": "<b>Бета</b>",
            "period": "2026-11",
            "launches": 0,
            "error_free": 0,
            "error_free_rate": None,
            "incidents": 0,
            "caught_before_launch": 0,
            "on_time_rate": None,
            "by_code": {},
        },
    ],
}


def test_kpi_report_figures_chart_codes_targets() -> None:
    html = render_kpi_html(KPI, Config(report=ReportConfig(agency="Почтовики")))
    sections = html.split('<section class="campaign kpi"')[1:]
    assert len(sections) == 2
    acme = next(s for s in sections if "<h2>acme " in s)
    beta = next(s for s in sections if "Бета" in s)
    # the latest month's figures
    # the month is a neutral chip (a month is no error); the line under the name says the rate
    # against its plan, and the verdict follows fact ÷ plan: 0.96 / 0.95 ≥ 1 is green
    assert '<h2>acme <span class="badge neutral">2026-11</span></h2>' in acme
    assert (
        '<p class="kpi-summary">Error-free launch rate in 2026-11: 96 % against a target of '
        '95 %. <span class="badge ok">target met</span></p>'
    ) in acme
    assert (
        '<div class="value">96 %</div><div class="label">error-free launch rate (incidents the '
        "agency answers for)</div>"
    ) in acme
    assert '<div class="value">1.01</div><div class="label">bonus coefficient</div>' in acme
    # one bar per month, in month order, heights proportional to the rate
    bars = re.findall(
        r'<rect class="bar( low)?" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)">'
        r"<title>([^<]+)</title>",
        acme,
    )
    assert [b[2] for b in bars] == ["2026-09: 100 %", "2026-10: 90 %", "2026-11: 96 %"]
    heights = [float(b[1]) for b in bars]
    assert heights[0] > heights[2] > heights[1] > 0
    assert abs(heights[1] / heights[0] - 0.9) < 0.01
    assert [b[0] for b in bars] == ["", " low", ""]  # 90 % is under the 95 % plan
    assert 'stroke-dasharray="6 4"' in acme  # the target line, labelled with the plan
    assert re.search(r'<text class="target-label"[^>]*>plan 95 %</text>', acme)
    for code in ("LNK001", "PER002", "UTM001"):
        assert f"<code>{code}</code>" in acme
    # targets by their human names
    assert (
        '<td>Error-free launch rate</td><td class="num">95 %</td><td class="num">96 %</td>' in acme
    )
    assert '<td>Launches</td><td class="num">30</td><td class="num">25</td>' in acme
    assert '<td class="num over">0.83</td>' in acme  # under plan
    assert '<div class="value">5.50 h</div>' in acme
    # flags are for engineers: the card says it in words, the tooltip names the flags
    assert (
        '<div class="figure" title="sent with --force, or with errors in checks left out by '
        '--select/--ignore"><div class="value">2</div><div class="label">launches sent despite '
        "errors the checks had found</div>"
    ) in acme
    shown = re.sub(r"<[^>]*>", " ", acme.split("<script")[0])  # the text, not the tooltips
    assert "--force" not in shown and "--select" not in shown and "--ignore" not in shown
    assert "&lt;b&gt;Бета&lt;/b&gt;" in beta and "<b>Бета" not in html
    assert '<div class="value">—</div><div class="label">error-free launch rate (' in beta
    assert '<span class="badge neutral">2026-11</span>' in beta
    assert '<p class="kpi-summary">No launches in 2026-11.</p>' in beta  # no rate, no verdict


@pytest.mark.parametrize(
    ("rate", "colour"), [(0.3333, "error"), (0.92, "warning"), (0.95, "ok"), (1.0, "ok")]
)
def test_kpi_verdict_colour_follows_fact_over_plan(rate: float, colour: str) -> None:
    period = {
        "client": "acme", "period": "2026-11", "launches": 3, "error_free_rate": rate,
        "targets": {"error_free_rate": {"plan": 0.95, "fact": rate, "ratio": rate / 0.95}},
    }  # fmt: skip
    html = render_kpi_html({"version": 1, "periods": [period]}, Config())
    words = "target met" if colour == "ok" else "below target"
    (line,) = re.findall(r'<p class="kpi-summary">.*?</p>', html)
    assert line.endswith(f'<span class="badge {colour}">{words}</span></p>'), line
    # the month beside the client's name is never coloured like an error
    assert html.count('<span class="badge') == 2
    assert '<span class="badge neutral">2026-11</span>' in html


@pytest.mark.parametrize(
    ("counts", "cards"),
    [
        (
            {"refused": 1, "refused_then_forced": 1, "caught_before_launch": 0,
             "launched_with_errors": 1},
            ["0 errors stopped before they reached recipients",
             "1 launch attempt stopped by the checks (1 sent later anyway, errors and all)",
             "1 launch sent despite errors the checks had found"],
        ),
        (
            {"refused": 2, "refused_then_forced": 0, "caught_before_launch": 1,
             "launched_with_errors": 2},
            ["1 error stopped before it reached recipients",
             "2 launch attempts stopped by the checks",
             "2 launches sent despite errors the checks had found"],
        ),
    ],
)  # fmt: skip
def test_kpi_gate_cards_agree_in_number_and_with_each_other(
    counts: dict[str, int], cards: list[str]
) -> None:
    # "1 launches stopped by the gate" beside "0 errors caught before launch" read as a
    # contradiction: the refused attempt had gone out later, so none of its errors was stopped
    period = {"client": "acme", "period": "2026-12", "launches": 2, **counts}
    html = render_kpi_html({"version": 1, "periods": [period]}, Config())
    shown = re.findall(r'<div class="value">(\d+)</div><div class="label">([^<]*)</div>', html)
    texts = [f"{value} {label}" for value, label in shown]
    assert [t for t in texts if "stopped" in t or "despite" in t] == cards


def test_kpi_summary_without_a_plan_gives_no_verdict() -> None:
    period = {"client": "acme", "period": "2026-11", "launches": 4, "error_free_rate": 0.75}
    html = render_kpi_html({"version": 1, "periods": [period]}, Config())
    (line,) = re.findall(r'<p class="kpi-summary">.*?</p>', html)
    assert (
        line
        == '<p class="kpi-summary">Error-free launch rate in 2026-11: 75 % (no target set).</p>'
    )


def test_kpi_report_survives_sparse_data() -> None:
    html = render_kpi_html({"version": 1, "periods": [{"client": "x"}]}, Config())
    assert "x" in html and "—" in html
    assert "No launches in this period" in render_kpi_html({"version": 1, "periods": []}, Config())


# --- in a real browser -----------------------------------------------------------------------


Hits = list[tuple[str, str]]


@pytest.fixture
def recorder() -> Iterator[tuple[str, Hits]]:
    """A loopback server: any request the report lets out shows up as (method, path)."""
    with recording_server() as served:
        yield served


def paths(hits: Hits) -> list[str]:
    return [path for _, path in hits]


@pytest.mark.browser
def test_browser_renders_report(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(report([CampaignResult(campaign(), findings())]), encoding="utf-8")
    shot = browser.Image(browser.screenshot(page, tmp_path))
    assert shot.distinct_colours() > 50  # text, badges, tables: far from a blank page
    assert sum(shot.pixel(5, 5)) > 700  # light page on a light screen
    dark = browser.Image(browser.screenshot(page, tmp_path, (400, 300), dark=True))
    assert sum(dark.pixel(5, 5)) < 150  # dark mode follows prefers-color-scheme
    dom = browser.dump_dom(page, tmp_path)
    for text in (
        "2 errors: not ready to send",
        "Чёрная пятница",
        "404 Not Found",
        "Fix the file as the message says",
        "utm_campaign",
        "v=spf1 include",
        "acme.example — DKIM k1",
    ):
        assert text in dom
    assert "<iframe" in dom


@pytest.mark.browser
def test_browser_runs_no_hostile_content(tmp_path: Path, recorder: tuple[str, Hits]) -> None:
    server, hits = recorder
    c = hostile_campaign(server)
    # Control: the same hostile HTML opened directly does run and does load: the checks below
    # would notice if the report let it through.
    control = tmp_path / "control.html"
    assert c.html is not None
    without_refresh = re.sub(r"<meta http-equiv='refresh'[^>]*>", "", c.html)
    control.write_text(f"<title>t</title>{HOSTILE_PREHEADER}{without_refresh}", encoding="utf-8")
    dom = browser.dump_dom(control, tmp_path)
    assert '<mark id="pwn3d">' in dom
    assert {"/pixel.gif", "/script-ran", "/fetch"} & set(paths(hits)), hits
    hits.clear()

    page = tmp_path / "report.html"
    page.write_text(report([CampaignResult(c, [])]), encoding="utf-8")
    dom = browser.dump_dom(page, tmp_path)
    assert '<mark id="pwn3d">' not in dom
    assert "PWNED" not in (re.search(r"<title>(.*?)</title>", dom, re.S) or [""])[0][:60]
    assert dom.count("<title>") >= 1 and re.search(r"<title>Ready to send", dom)
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;Скидки" in dom
    assert "&lt;img src=x onerror=" in dom
    assert 'href="javascript:' not in dom
    assert hits == [], f"the report made requests: {hits}"
    shot = browser.Image(browser.screenshot(page, tmp_path, (800, 1000)))
    assert hits == [], f"the report made requests while rendering: {hits}"
    assert shot.distinct_colours() > 20


def _verdict_text(html: str) -> str:
    section = re.search(r'<section class="verdict[^>]*>(.*?)</section>', html, re.S)
    assert section is not None
    return " ".join(re.sub(r"<[^>]+>", " ", section.group(1)).split())


@pytest.mark.parametrize(
    ("language", "links", "sender"),
    [
        (
            "en",
            "1 link could not be verified from here: open it before sending.",
            "1 sender check (SPF, DKIM, DMARC, MX …) could not be made",
        ),
        (
            "ru",
            "1 ссылку не удалось проверить отсюда: откройте вручную перед отправкой.",
            "1 проверку отправителя (SPF, DKIM, DMARC, MX …) выполнить не удалось",
        ),
    ],
)
def test_a_clean_verdict_says_what_could_not_be_verified(
    language: str, links: str, sender: str
) -> None:
    """With the resolver down nothing on the network was verified, and the report still read
    "Ready to send" and nothing more: a green page the client takes for a full check."""
    url = "https://acme.example/sale?utm_source=email&utm_medium=email&utm_campaign=bf"
    c = campaign(links=[Link(url, "a", "Купить", 12)])
    why = t("could not verify (timed out)")
    down = Facts(
        gathered=True,
        links={url: LinkResult(url, "unverified", reason=why)},
        auth={
            "acme.example": DomainAuth(
                "acme.example",
                spf=SpfFacts("acme.example", "error", dns_error=t("no nameserver could answer")),
                dmarc=DmarcFacts("ok", "v=DMARC1; p=reject", "reject", {"p": "reject"}),
                dkim={"k1": DkimKey("k1", "ok", 2048)},
            )
        },
    )
    said = _verdict_text(render_report([CampaignResult(c, [])], down, Config(), language=language))
    assert links in said and sender in said, said
    verified = _verdict_text(render_report([CampaignResult(c, [])], facts(), Config()))
    assert "could not be" not in verified


@pytest.mark.browser
def test_browser_keeps_room_for_utm_values_beside_a_long_reason(tmp_path: Path) -> None:
    """A link that could not be verified has a long "why" in the status column: the table used
    to squeeze the UTM column until each value stood one letter a line ("e/m/a/i/l")."""
    url = "https://acme.example/guide?utm_source=email&utm_medium=email&utm_campaign=welcome-1"
    why = (
        "не удалось проверить (нет ответа вовремя: acme.example не ответил ни на один запрос "
        "этого запуска)"
    )
    c = campaign(links=[Link(url, "a", "Read the size guide", 11)])
    found = Facts(gathered=True, links={url: LinkResult(url, "unverified", reason=why)})
    html = render_report([CampaignResult(c, [])], found, Config(), language="ru")
    # the report's own page, with its CSP left out and a script that reports the narrowest
    # UTM value's width (px) in the title
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    probe = (
        "<script>addEventListener('load', () => { document.title = 'dd:' + Math.min("
        "...[...document.querySelectorAll('dl.utm dd')].map(e => e.getBoundingClientRect()"
        ".width)); });</script>"
    )
    page = tmp_path / "report.html"
    page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    title = re.search(r"<title>dd:([\d.]+)</title>", browser.dump_dom(page, tmp_path))
    assert title is not None
    assert float(title.group(1)) >= 50  # "welcome-1" on one line, not a letter a line


@pytest.mark.browser
def test_browser_fits_the_link_table_on_a_phone(tmp_path: Path) -> None:
    """On a 390 px phone the five-column link table ran off the right edge (its UTM column
    keeps 16em) and squeezed the others to a few letters a line ("не провер / ялась"): each
    link is now a block of labelled lines, the empty ones left out."""
    url = "https://acme.example/guide?utm_source=email&utm_medium=email&utm_campaign=welcome-1"
    c = campaign(links=[Link(url, "a", "Таблица размеров", 11)])
    # a second campaign of the same id: the table of contents names both sources beside the
    # badges, which broke "3 / ошибки" over two lines
    twin = campaign(links=[])
    twin.source = "campaigns/en-pack-welcome-email-klaviyo/welcome_email.html"
    bad = [Finding("LNK003", "link-dead-end", E, "x", "line 1")] * 3
    results = [CampaignResult(c, []), CampaignResult(twin, bad)]
    html = render_report(results, Facts(), Config(), offline=True, language="ru")
    # the report's own page, with its CSP left out and a script that tells the page around it
    # how wide it lays out (the campaign's paint containment clips what runs off, so the UTM
    # cell's right edge is asked too) and how wide the status cell is (px); it is shown in a frame
    # of a phone's width, as Chromium's window is never narrower than 500 px
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    probe = (
        "<script>addEventListener('load', () => { const box = (css) => document.querySelector("
        "css).getBoundingClientRect(); parent.postMessage('w:' + innerWidth + ':' + "
        "Math.max(document.documentElement.scrollWidth, box('table.links td.utm').right) + "
        "':' + box('table.links td.status').width + ':' + Math.max(...[...document."
        "querySelectorAll('.badge')].map((b) => b.getBoundingClientRect().height)), '*'); "
        "});</script>"
    )
    (tmp_path / "report.html").write_text(html.replace("</body>", probe + "</body>"), "utf-8")
    phone = tmp_path / "phone.html"
    phone.write_text(
        '<!DOCTYPE html><title>-</title><iframe src="report.html" width="390" height="1200" '
        'style="border:0"></iframe><script>addEventListener("message", (e) => { '
        "document.title = e.data; });</script>",
        "utf-8",
    )
    title = re.search(
        r"<title>w:(\d+):([\d.]+):([\d.]+):([\d.]+)</title>", browser.dump_dom(phone, tmp_path)
    )
    assert title is not None
    window, page_width, status_width = int(title[1]), float(title[2]), float(title[3])
    assert window == 390 and page_width <= window, title[0]  # nothing runs off the screen
    assert status_width >= 250, title[0]  # "Статус: не проверялась (без сети)" on one line
    assert float(title[4]) < 30, title[0]  # each badge on one line ("3 ошибки": 13 px text)
    # each line says which column it is, and the empty ones ("—") are not shown as lines
    assert html.count('<span class="badge error">') == 2  # the table of contents, the section
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    assert row.count('data-label="Статус"') == 1 and row.count('class="empty"') == 1  # redirects
    assert 'data-label="UTM-метки"' in row and "utm empty" not in row


@pytest.mark.browser
def test_browser_renders_kpi_chart(tmp_path: Path) -> None:
    page = tmp_path / "kpi.html"
    page.write_text(render_kpi_html(KPI, Config()), encoding="utf-8")
    dom = browser.dump_dom(page, tmp_path)
    assert dom.count('<rect class="bar') == 4  # 3 months of acme + 1 of Бета
    assert "Error-free launch rate by month" in dom and "&lt;b&gt;Бета&lt;/b&gt;" in dom
    shot = browser.Image(browser.screenshot(page, tmp_path, size=(900, 1200)))
    assert shot.distinct_colours() > 30


# --- the command, end to end (real loaders, real engine) -------------------------------------


def test_report_command_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailcheck.cli import main
    from tests.helpers import write_campaign

    monkeypatch.chdir(tmp_path)
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.png").write_bytes(PNG_1PX)
    (tmp_path / "mailcheck.toml").write_text(
        '[report]\nagency = "Агентство «Почта»"\nlogo = "brand/logo.png"\n', encoding="utf-8"
    )
    write_campaign(tmp_path / "campaigns", "good")
    write_campaign(
        tmp_path / "campaigns",
        "long",
        subject="Чёрная пятница в ACME: скидки до 70% на всю зимнюю коллекцию и шапки",
    )

    assert main(["report", "--offline", "campaigns/good", "-o", "good.html"]) == 0
    good = (tmp_path / "good.html").read_text(encoding="utf-8")
    assert "Ready to send" in good and "Weekend sale: 30% off" in good
    assert "Агентство «Почта»" in good and 'src="data:image/png;base64,' in good
    wrote = capsys.readouterr().err.splitlines()[-1]
    assert wrote.startswith("mailcheck: wrote good.html: 1 campaign checked, 0 errors, ")
    # (offline: what it did not verify is said with the verdict, as in the headline)
    assert re.search(r" warnings? — ready to send — links and DNS not verified$", wrote), wrote
    # said in the report's language (it was English under --lang ru)
    assert main(["report", "--offline", "--lang", "ru", "campaigns", "-o", "ru.html"]) == 1
    wrote = capsys.readouterr().err.splitlines()[-1]
    assert re.fullmatch(
        r"mailcheck: записан ru\.html: проверено 2 кампании, 1 ошибка, \d+ предупреждени[йея]",
        wrote,
    ), wrote

    assert main(["report", "--offline", "campaigns", "-o", "all.html"]) == 1
    both = (tmp_path / "all.html").read_text(encoding="utf-8")
    assert "1 error: not ready to send" in both
    assert "SUB002" in both and "Shorten the subject" in both  # how to fix, from the rule doc
    assert both.index("<h2>long") < both.index("<h2>good")

    assert main(["report", "--offline", "--ignore", "SUB002", "campaigns", "-o", "-"]) == 0
    assert "Ready to send" in capsys.readouterr().out


def test_report_command_bad_logo_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailcheck.cli import main
    from tests.helpers import write_campaign

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mailcheck.toml").write_text('[report]\nlogo = "missing.png"\n')
    write_campaign(tmp_path, "c")
    assert main(["report", "--offline", "c", "-o", "r.html"]) == 0
    assert "logo" in capsys.readouterr().err and (tmp_path / "r.html").is_file()
    assert main(["report", "--offline", "nowhere", "-o", "r.html"]) == 2


def test_report_run_again_in_its_directory_replaces_its_last_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `mailcheck report .` writes mailcheck-report.html where it walks: the second run found
    # the first one's page, refused to overwrite "an input" and exited 2 (a QA probe)
    from mailcheck.cli import main
    from tests.helpers import write_campaign

    monkeypatch.chdir(tmp_path)
    write_campaign(tmp_path, "c")
    for _ in range(2):
        assert main(["report", "--offline", "."]) == 0
        wrote = capsys.readouterr().err.splitlines()[-1]
        # the page replaced is none of its campaigns (nor an INP002 "report, not read")
        assert wrote.startswith("mailcheck: wrote mailcheck-report.html: 1 campaign checked")
    assert "mailcheck-report.html" not in (tmp_path / "mailcheck-report.html").read_text()
    # another page of mailcheck's found by the walk is still listed as not read
    assert main(["report", "--offline", ".", "-o", "other.html"]) == 0
    said = "other.html: 1 campaign checked, 1 skipped (not read: INP002), 0 errors"
    assert said in capsys.readouterr().err
    # and a file named as an input is never overwritten, a report or not
    assert (
        main(["report", "--offline", "c", "mailcheck-report.html", "-o", "mailcheck-report.html"])
        == 2
    )
    assert "is an input of this run" in capsys.readouterr().err


def test_a_report_of_nothing_read_does_not_say_ready_to_send(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # an MJML source is found and not read (INP002): "0 checked — ready to send" said the
    # report's line of a run that judged nothing (a QA probe)
    from mailcheck.cli import main
    from tests.helpers import write_campaign

    monkeypatch.chdir(tmp_path)
    (tmp_path / "m").mkdir()
    mjml = "<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column>"
    (tmp_path / "m" / "email.html").write_text(mjml + "</mj-section></mj-body></mjml>\n")
    assert main(["report", "--offline", "m", "-o", "r.html"]) == 0
    wrote = capsys.readouterr().err.splitlines()[-1]
    assert wrote == (
        "mailcheck: wrote r.html: 0 campaigns checked, 1 skipped (not read: INP002), "
        "0 errors, 1 warning"
    )
    # one campaign read beside it: its verdict is said, the skipped one counted
    write_campaign(tmp_path, "c")
    assert main(["report", "--offline", "m", "c", "-o", "r.html"]) == 0
    wrote = capsys.readouterr().err.splitlines()[-1]
    assert wrote.startswith("mailcheck: wrote r.html: 1 campaign checked, 1 skipped")
    assert wrote.endswith("ready to send — links and DNS not verified")


@pytest.mark.browser
def test_browser_report_of_a_hostile_campaign_from_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorder: tuple[str, Hits]
) -> None:
    from mailcheck.cli import main
    from tests.helpers import write_campaign

    server, hits = recorder
    monkeypatch.chdir(tmp_path)
    write_campaign(
        tmp_path,
        "evil",
        subject=HOSTILE_SUBJECT,
        preheader_html=f'<div style="display:none">{HOSTILE_PREHEADER.replace("<", "&lt;")}</div>',
        body=(
            f"<p>Привет</p><a href=\"javascript:document.title='PWNED-href'\">"
            f"&lt;script&gt;document.title='PWNED-link'&lt;/script&gt;</a>"
            f"<img src='{server}/pixel.gif' alt=''>"
            f"<script>new Image().src='{server}/script-ran'</script>"
            "<a href='https://shop.test/unsubscribe'>Отписаться</a>"
        ),
    )
    assert main(["report", "--offline", "evil", "-o", "r.html"]) == 1
    dom = browser.dump_dom(tmp_path / "r.html", tmp_path)
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;Скидки" in dom
    assert '<mark id="pwn3d">' not in dom and 'href="javascript:' not in dom
    assert re.search(r"<title>\d+ errors? — QA report</title>", dom)
    assert hits == []


@pytest.mark.browser
def test_browser_shows_the_preview_despite_the_policy(tmp_path: Path) -> None:
    # The CSP forbids frames from URLs, scripts and remote images; the srcdoc preview (with its
    # inline styles) must still render: look for its colour on the screenshot.
    body = '<div style="background:#ff00aa;height:600px">Привет</div>'
    page = tmp_path / "report.html"
    page.write_text(
        render_report(
            [CampaignResult(campaign(html=body, links=[]), [])], Facts(), Config(), offline=True
        ),
        encoding="utf-8",
    )
    shot = browser.Image(browser.screenshot(page, tmp_path, (800, 1600)))
    magenta = {shot.pixel(x, y) for y in range(0, shot.height, 20) for x in (100, 400)}
    assert (255, 0, 170) in magenta


# --- what the report keeps of each campaign (the memory of a large batch) ------------------------

# "from" is a Python keyword: the campaign.toml key goes in as a dict
ACME_FROM: dict[str, Any] = {"from": "ACME <news@acme.example>"}
VIP_BODY = """<p>Привет, {{ first_name | default('друг') }}! 🔥</p>
{% if not vip %}<p><a href="https://acme.example/join?utm_source=email">Стать VIP</a></p>{% endif %}
<p><a href="https://acme.example/sale">Купить</a> <img src="https://acme.example/hero.png" height="300"></p>
<p><a href="{{ unsubscribe_url }}">Отписаться</a></p>"""
TEXT_ONLY_EML = (
    "From: ACME <news@acme.example>\r\nTo: a@b.test\r\nSubject: =?utf-8?B?0KLQvtC70YzQutC+INGC0LXQutGB0YI=?=\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=esp.example; s=s1;\r\n\tbh=x; b=y\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n"
    "Здравствуйте!\r\nСкидки: https://acme.example/sale?utm_source=email\r\n"
).encode()
GENERATED = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def report_batch(root: Path, copies: int) -> Path:
    """Templates with samples (a link only a non-main sample has), a text-only saved message
    with a DKIM signature, plain HTML, a template that fails, an unreadable input."""
    from tests.helpers import write_campaign

    batch = root / "batch"
    for i in range(copies):
        write_campaign(
            batch,
            f"vip-{i}",
            body=VIP_BODY,
            subject="{{ first_name }}, скидка " + str(i) + "%",
            samples="recipients.json",
            **ACME_FROM,
            files={
                "recipients.json": json.dumps(
                    [
                        {"first_name": "Анна-Мария Константиновна", "vip": True},
                        {"first_name": "Ян"},
                    ],
                    ensure_ascii=False,
                )
            },
        )
        (batch / f"text-{i}.eml").write_bytes(TEXT_ONLY_EML)
        write_campaign(batch, f"plain-{i}", **ACME_FROM)
        write_campaign(
            batch, f"broken-{i}", body="<p>{% if %}</p><a href='https://acme.example/x'>x</a>"
        )
        (batch / f"garbage-{i}.eml").write_bytes(b"\x00\x01\x02 not a message")
    return batch


def test_report_of_what_it_keeps_is_the_report_of_whole_campaigns(tmp_path: Path) -> None:
    from mailcheck.reports.html import for_report

    from mailcheck.engine import run

    batch = report_batch(tmp_path, 8)
    config = Config(root=tmp_path)
    whole = run([str(batch)], config, offline=True, jobs=1).results
    # trimmed where each campaign is judged: in the workers (40 inputs are worth a pool)
    kept = run([str(batch)], config, offline=True, jobs=2, keep=for_report).results
    for gathered, offline in ((Facts(), True), (facts(), False)):
        for language in ("en", "ru"):
            as_whole, as_kept = (
                render_report(
                    results,
                    gathered,
                    config,
                    offline=offline,
                    generated=GENERATED,
                    language=language,
                )
                for results in (whole, kept)
            )
            assert as_kept == as_whole, (offline, language)
    online = render_report(kept, facts(), config, generated=GENERATED)
    assert "https://acme.example/join?utm_source=email" in online  # a link of sample 2 only
    assert "<h4>esp.example</h4>" in online  # the saved message's DKIM d= domain
    assert "Скидки: https://acme.example/sale" in online  # its text part as the preview

    # what was dropped: the bodies no table or preview shows
    vip = next(r.campaign for r in kept if r.campaign.id == "vip-0")
    full = next(r.campaign for r in whole if r.campaign.id == "vip-0")
    join = "https://acme.example/join?utm_source=email"
    assert [r.label for r in vip.renders] == [r.label for r in full.renders]
    main, *others = vip.renders
    assert main.html == full.renders[0].html and main.document is not None
    assert join not in [link.href for link in main.document.links]
    assert main.document.images == [] and full.renders[0].document.images  # type: ignore[union-attr]
    assert all(r.html is None and r.text is None for r in others)
    assert join in [link.href for r in others for link in r.document.links]  # type: ignore[union-attr]
    assert vip.html is None and vip.static is None and full.html and full.static
    text = next(r.campaign for r in kept if r.campaign.id == "text-0")
    assert text.raw_message == TEXT_ONLY_EML.split(b"\r\n\r\n")[0]
    broken = next(r.campaign for r in kept if r.campaign.id == "broken-0")
    assert broken.renders == [] and broken.html and broken.static is not None


def test_report_command_writes_what_render_report_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the command keeps only what the report reads and writes it as it is rendered: the same
    # bytes as the whole campaigns rendered in one string (the time it was made aside)
    from mailcheck.cli import main
    from mailcheck.engine import run

    monkeypatch.chdir(tmp_path)
    report_batch(tmp_path, 8)
    config = Config(root=tmp_path)
    whole = render_report(
        run(["batch"], config, offline=True, jobs=1).results,
        Facts(),
        config,
        offline=True,
        generated=GENERATED,
    )
    assert main(["report", "--offline", "batch", "-o", "r.html"]) == 1
    written = (tmp_path / "r.html").read_bytes().decode("utf-8")
    stamp = re.compile(r"[A-Z][a-z]+ \d{1,2}, \d{4}, \d{1,2}:\d\d\s[AP]M UTC")  # Babel's
    assert len(stamp.findall(whole)) == 2
    assert stamp.sub("…", written) == stamp.sub("…", whole)


def test_a_report_written_in_the_repository_is_not_checked_as_a_campaign(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mailcheck report` writes to the working directory, the repository's root: a later
    `mailcheck check .` (or `pytest --mailcheck`) finds the report's links and template-like
    text, and must not judge them as an e-mail (false UTM002/PER004 errors)."""
    from mailcheck.cli import main
    from tests.helpers import write_campaign

    monkeypatch.chdir(tmp_path)
    write_campaign(tmp_path / "campaigns", "good")
    write_campaign(
        tmp_path / "campaigns",
        "other",
        body='<p><a href="https://shop.test/?utm_source=email&utm_medium=email&utm_campaign=o">'
        'Shop</a> <a href="https://shop.test/unsubscribe">Unsubscribe</a></p>',
        tables={"utm": {"utm_campaign": "o"}},
    )
    main(["report", "--offline", "campaigns"])  # to the default mailcheck-report.html
    capsys.readouterr()

    assert main(["check", "--offline", "--format", "json", "."]) == 0
    results = json.loads(capsys.readouterr().out)["campaigns"]
    report = [r for r in results if r["source"].endswith("mailcheck-report.html")]
    assert len(report) == 1
    assert [(f["code"], f["severity"]) for f in report[0]["findings"]] == [("INP002", "warning")]
    assert "a report mailcheck wrote" in report[0]["findings"][0]["message"]


def _skipped_mjml() -> CampaignResult:
    m = Campaign(id="m", source="mjml/email.html", kind="html", client="acme")
    m.not_read = "'email.html' is MJML source"
    said = "'email.html' is MJML source, which mailcheck does not read"
    return CampaignResult(m, [Finding("INP002", "input-not-read", W, said, m.source)])


@pytest.mark.parametrize(
    ("language", "checked"),
    [
        ("en", "1 campaign checked, 1 file skipped: mailcheck does not read it"),
        ("ru", "Проверена 1 кампания, пропущен 1 файл, который mailcheck не читает"),
    ],
)
def test_a_skipped_input_is_listed_as_skipped_not_as_a_campaign(
    language: str, checked: str
) -> None:
    """The realworld report said "42 campaigns checked" where ``check`` said "40 campaign(s)
    checked, 2 skipped (not read: INP002)", and listed the two MJML sources as campaigns with
    a "1 warning" badge and "Nothing to preview": skipped appeared nowhere."""
    results = [CampaignResult(campaign(), []), _skipped_mjml()]
    html = report(results, offline=True, language=language)
    said = _verdict_text(html)
    assert said.startswith("Ready to send") or said.startswith("Готово к отправке"), said
    assert checked in said, said
    assert "2 campaigns" not in said and "Проверено 2" not in said
    # one campaign section (the one read), the skipped file in its own list, with why
    assert html.count('<section class="campaign"') == 1
    skipped = re.search(r'<section class="skipped" id="skipped">(.*?)</section>', html, re.S)
    assert skipped is not None
    assert (
        skipped[1].count("<li>") == 1
        and '<code class="source">mjml/email.html</code>' in skipped[1]
    )
    assert "is MJML source, which mailcheck does not read" in skipped[1]
    assert html.count("mjml/email.html</code>") == 1  # no badge of it, no section of its own
    assert html.count('class="badge') == 1  # the campaign read: its section's badge alone


def test_a_report_of_skipped_files_alone_is_not_ready_to_send() -> None:
    html = report([_skipped_mjml(), _skipped_mjml()], offline=True)
    said = _verdict_text(html)
    assert said.startswith("Nothing checked 0 campaigns checked, 2 files skipped"), said
    assert "Ready to send" not in html and '<section class="campaign"' not in html
    assert re.search(r"<title>Nothing checked — QA report</title>", html)


def _measured_in_frame(html: str, width: int, probe: str, tmp_path: Path, name: str) -> str:
    """What ``probe`` (a JS expression) says of the report laid out in a frame ``width`` px
    wide (Chromium's window is never narrower than 500 px), the report's CSP left out."""
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    script = f"<script>addEventListener('load', () => parent.postMessage({probe}, '*'));</script>"
    (tmp_path / f"{name}.html").write_text(html.replace("</body>", script + "</body>"), "utf-8")
    outer = tmp_path / f"{name}-outer.html"
    outer.write_text(
        f'<!DOCTYPE html><title>-</title><iframe src="{name}.html" width="{width}" height="1200"'
        ' style="border:0"></iframe><script>addEventListener("message", (e) => { '
        "document.title = 'got:' + e.data; });</script>",
        "utf-8",
    )
    title = re.search(r"<title>got:(.*?)</title>", browser.dump_dom(outer, tmp_path), re.S)
    assert title is not None
    return title[1]


_TABLE_PROBE = (
    "[...['table.links td.url', 'table.links td.url .tag.lines', 'table.links td[data-label]', "
    "'table.links td.status']].map((css) => { const b = document.querySelector(css)"
    ".getBoundingClientRect(); return Math.round(b.left) + ',' + Math.round(b.right); })"
    ".join(';')"
)


@pytest.mark.browser
def test_browser_a_link_on_many_lines_wraps_its_tag_in_print_and_on_a_phone(
    tmp_path: Path,
) -> None:
    """The "line …" tag did not wrap: printed, the Text and Status columns shrank to ~4
    characters and the tag ran over the next column; at 390 px it ran off the edge."""
    url = "https://acme.example/catalogue/autumn-winter-collection/outerwear?utm_source=email"
    many = [Link(url, "a", "Смотреть каталог осенней коллекции", n) for n in range(100, 940, 20)]
    c = campaign(links=many)
    why = "не удалось проверить (нет ответа вовремя: acme.example не ответил)"
    found = Facts(gathered=True, links={url: LinkResult(url, "unverified", reason=why)})
    html = render_report([CampaignResult(c, [])], found, Config(), language="ru")
    assert html.count("строка 100, 120, 140") == 1
    # the print rules applied on screen, in a frame as wide as an A4 page's text
    printed = html.replace("@media print {", "@media all {")
    said = _measured_in_frame(printed, 680, _TABLE_PROBE, tmp_path, "print")
    (u_left, u_right), (t_left, t_right), (x_left, x_right), (s_left, s_right) = (
        tuple(map(int, pair.split(","))) for pair in said.split(";")
    )
    assert u_left <= t_left and t_right <= u_right, said  # the tag stays in its cell
    assert x_right - x_left >= 100 and s_right - s_left >= 100, said  # words, not 4 letters
    phone = _measured_in_frame(html, 390, _TABLE_PROBE, tmp_path, "phone")
    tag_right = int(phone.split(";")[1].split(",")[1])
    assert tag_right <= 390, phone


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["email.txt, line 4", ">image<", ">VML (Outlook)<", ">CSS image<"]),
        ("ru", [">изображение<", "email.txt, строка 4", ">изображение в CSS<"]),
    ],
)
def test_the_link_tags_say_what_a_link_is_and_where_in_the_reader_s_words(
    language: str, words: list[str]
) -> None:
    """The tags read "img", "vml", "css" in a Russian report, and a text part's link said
    "строка email.txt: 4"."""
    links = [
        Link("https://acme.example/a.png", "img", "", 3),
        Link("https://acme.example/bg.png", "vml", "", 5),
        Link("https://acme.example/c.png", "css", "", 7),
    ]
    c = campaign(links=links)
    c.text_label = "email.txt"
    document = c.renders[0].document
    assert document is not None
    document.links.append(Link("https://acme.example/text", "a", "", 4, in_text=True))
    html = report([CampaignResult(c, [])], offline=True, language=language)
    tags = re.findall(r'<span class="tag[^"]*">([^<]*)</span>', html)
    assert len(tags) == 7, tags  # three kinds, four lines
    for word in words:
        assert word in html, (word, tags)
    assert not {">img<", ">vml<", ">css<"} & {f">{tag}<" for tag in tags}
    assert "line email.txt" not in html and "строка email.txt" not in html


def _srcdoc(html: str) -> str:
    import html as entities

    frame = re.search(r'<iframe class="preview"[^>]*srcdoc="([^"]*)"', html)
    assert frame is not None
    return entities.unescape(frame[1])


def test_the_preview_drops_what_inboxes_strip_and_carries_its_own_policy() -> None:
    """A campaign with <meta http-equiv="refresh"> showed a blank preview (mail clients strip
    it); <base> re-aimed its links. The preview document also says its own policy, first:
    it stayed offline only because a srcdoc frame inherits the page's."""
    body = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<META HTTP-EQUIV="Refresh" CONTENT="0; url=about:blank">'
        '<meta http-equiv="Content-Security-Policy" content="style-src \'none\'">'
        '<meta name="viewport" content="width=device-width">'
        '<base href="https://elsewhere.example/" target="_top"></head>'
        '<body><p style="color:#123456">Привет</p></body></html>'
    )
    doc = _srcdoc(report([CampaignResult(campaign(html=body, links=[]), [])], offline=True))
    policy = (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:; font-src 'none'; form-action 'none'; "
        "base-uri 'none'\">"
    )
    assert doc.startswith("<!DOCTYPE html>" + policy), doc[:300]  # the doctype kept first
    assert (
        len(re.findall(r"(?<![-\w])http-equiv\s*=", doc, re.I)) == 1
    )  # the preview's policy alone
    assert not re.search(r"<base\b", doc, re.I)
    # what stays: the viewport, the body, the e-mail's own style
    assert '<meta name="viewport" content="width=device-width">' in doc
    assert '<p style="color:#123456">Привет</p>' in doc
    # an e-mail without a doctype: the policy is its first element
    bare = _srcdoc(report([CampaignResult(campaign(links=[]), [])], offline=True))
    assert bare.startswith(policy + "<p>Привет, Анна!</p>")


@pytest.mark.browser
def test_browser_the_preview_stays_offline_without_the_pages_policy(
    tmp_path: Path, recorder: tuple[str, Hits]
) -> None:
    """A viewer that drops the page's <meta> policy: the preview's own keeps its image home."""
    server, hits = recorder
    body = f'<p>Привет</p><img src="{server}/pixel.gif" width="1" height="1">'
    html = report([CampaignResult(campaign(html=body, links=[]), [])], offline=True)
    page = tmp_path / "report.html"
    page.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html))
    control = tmp_path / "control.html"
    control.write_text(body)
    browser.dump_dom(control, tmp_path)
    assert paths(hits) == ["/pixel.gif"], "the control made no request: this test proves nothing"
    hits.clear()
    assert "Привет" in browser.dump_dom(page, tmp_path)
    assert hits == [], f"the preview made requests: {hits}"


def test_without_a_preheader_the_inbox_shows_the_first_text_marked_as_such() -> None:
    """The inbox mock-up showed no preheader ("—", 0/90) where PRE001 said inboxes show the
    first text: it shows that text now, marked, in both rows and in the lengths table."""
    text = "Привет, Анна!\n   Скидки на всё до воскресенья."
    c = campaign(preheader="", links=[])
    c.preheader = None
    c.renders = [Rendered({}, "sample 1", c.subject, None, c.html, None, Document(text=text))]
    html = report([CampaignResult(c, [])], offline=True)
    shown = "Привет, Анна! Скидки на всё до воскресенья."
    assert (
        html.count(
            f'<span class="preheader first-text" title="no preheader: the inbox shows the first text of the e-mail"> — {shown}</span>'
        )
        == 1
    )
    assert html.count(f'<div class="preheader first-text">{shown}</div>') == 1
    said = '<span class="note">none: inboxes show the first text instead</span> '
    assert html.count(said + shown + "</td>") == 1
    assert "0 / 90 characters" in html  # the preheader itself still measures nothing
    # with a preheader, the preheader alone
    html = report([CampaignResult(campaign(links=[]), [])], offline=True)
    assert " first-text" not in html and "Только до воскресенья</div>" in html


def test_a_preview_can_be_folded_away() -> None:
    """A frame's height is an estimate (at a phone's width often a long empty frame): the
    reader folds each preview away. Open by default, so that previews made on demand are made
    when the reader scrolls to them (tests/test_report_previews.py)."""
    two = [CampaignResult(campaign(links=[], cid=f"c{n}"), []) for n in (1, 2)]
    many = report(two, offline=True)
    assert many.count('<details class="preview-details" open>') == 2
    assert many.count("<summary><h3>Preview</h3></summary>") == 2
    at = [many.index(f'<section class="campaign" id="c{n}">') for n in (1, 2)]
    for n, start in enumerate(at):  # each frame inside its own campaign's folding
        section = many[start : at[n + 1] if n + 1 < len(at) else len(many)]
        fold = section[section.index('<details class="preview-details"') :]
        assert fold.index('<iframe class="preview"') < fold.index("</details>")


@pytest.mark.browser
def test_browser_prints_the_report_on_a4(tmp_path: Path) -> None:
    """Chromium prints on US Letter unless the page says otherwise: the agencies print A4."""
    page = tmp_path / "report.html"
    page.write_text(report([CampaignResult(campaign(), findings())], offline=True), "utf-8")
    pdf = tmp_path / "report.pdf"
    browser._run(
        ["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri()],
        tmp_path / "profile-pdf",
    )
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert len(boxes) >= 2  # the verdict's page, the campaign's
    for width, height in boxes:  # A4: 210 x 297 mm, 595 x 842 pt
        assert round(float(width)) == 595 and round(float(height)) == 842, boxes
