"""The network link rules judge a link written once inside a template loop (Jinja and Liquid
``{% for %}``, Handlebars ``{{#each}}``) as one link at its line, however many URLs the loop
renders it to: the URLs that failed alike are one finding naming each (a second product's dead
page is not hidden behind the first's), URLs that failed otherwise are findings of their own.
URLs that answered well are each judged too, by their own redirects (LNK005's count, UTM004's
lost UTMs): not by the first product's alone. Against a real HTTP server on loopback
(tests/http_server.py)."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from pathlib import Path

import pytest

from mailcheck.engine import run
from mailcheck.model import Finding, Severity
from tests.helpers import loopback_links_config, write_campaign
from tests.http_server import running_server
from tests.ports import refusing

pytestmark = pytest.mark.network

# (dialect, the loop's opening tag, how the body writes an item's field, its end)
LOOPS = [
    ("jinja", "{% for item in items %}", "{{{{ item.{} }}}}", "{% endfor %}"),
    ("liquid", "{% for item in items %}", "{{{{ item.{} }}}}", "{% endfor %}"),
    ("handlebars", "{{#each items}}", "{{{{{}}}}}", "{{/each}}"),
]
NETWORK = ("LNK001", "LNK002", "LNK005", "LNK006", "UNS004", "UTM004")
UTM = "utm_source=email&amp;utm_medium=email&amp;utm_campaign=bf"
TAGS = UTM.replace("&amp;", "&")


def looped_check(
    root: Path,
    dialect: str,
    body: str,
    items: list[dict[str, str]],
    codes: tuple[str, ...] = NETWORK,
    tracked: tuple[str, ...] = (),
    footer: str = '<a href="mailto:unsubscribe@shop.test">Отписаться</a>',
    **links: float,
) -> list[Finding]:
    """The findings (of ``codes``: the network rules') of a 9-line campaign whose loop (lines
    4-6) renders ``body`` (line 5, ``FIELD`` for the item's ``path`` as the dialect writes it)
    for ``items``, ``footer`` at line 7; ``tracked``: the tracked domains (UTM001's)."""
    opening, field, closing = next((o, f, c) for d, o, f, c in LOOPS if d == dialect)
    html = (
        '<html lang="ru"><head><title>Sale</title></head>\n'  # 1
        "<body>\n"  # 2
        '<div style="display:none">Только на этой неделе: скидки на всё</div>\n'  # 3
        f"{opening}\n"  # 4
        f"{body.replace('FIELD', field.format('path'))}\n"  # 5
        f"{closing}\n"  # 6
        f"{footer}\n"  # 7
        "</body>\n"  # 8
        "</html>\n"  # 9
    )
    samples = json.dumps([{"items": items}], ensure_ascii=False)
    d = write_campaign(
        root, "c", html=html, template=dialect, samples="s.json", files={"s.json": samples}
    )
    config = loopback_links_config(root, *codes)
    config = replace(config, links=replace(config.links, **links))  # type: ignore[arg-type]
    if tracked:
        config = replace(config, tracked_domains=tracked)
    [result] = run([str(d)], config).results
    return [f for f in result.findings if f.code in codes]


def said(found: list[Finding]) -> list[tuple[str, Severity, tuple[str, ...], str | None, str]]:
    return [(f.code, f.severity, f.places, f.url, f.message) for f in found]


@pytest.mark.parametrize("dialect", [d for d, *_ in LOOPS])
def test_a_looped_link_dead_for_every_item_is_one_finding_naming_each_url(
    tmp_path: Path, dialect: str
) -> None:
    # was one finding naming the first product's URL alone: the others were not said
    with running_server() as s:
        items = [{"path": f"status/404/{dialect}-p{n}"} for n in (1, 2, 3)]
        found = looped_check(tmp_path, dialect, f'<a href="{s.url("/")}FIELD">Купить</a>', items)
        urls = tuple(s.url(f"/status/404/{dialect}-p{n}") for n in (1, 2, 3))
    assert said(found) == [
        (
            "LNK001",
            Severity.ERROR,
            ("email.html:5",),
            None,
            "link is broken: 404 Not Found — at every URL it renders to (3): " + ", ".join(urls),
        )
    ]
    assert found[0].urls == urls


def test_a_looped_link_dead_for_some_items_names_those_and_how_many_of_all(tmp_path: Path) -> None:
    # was "link is broken: 404 Not Found" at the second product's URL alone: the third's dead
    # page was hidden behind it, and nothing said the first product's page answered
    with running_server() as s:
        items = [{"path": "ok/p1"}, {"path": "status/404/p2"}, {"path": "status/404/p3"}]
        found = looped_check(tmp_path, "jinja", f'<a href="{s.url("/")}FIELD">Купить</a>', items)
        dead = (s.url("/status/404/p2"), s.url("/status/404/p3"))
    assert said(found) == [
        (
            "LNK001",
            Severity.ERROR,
            ("email.html:5",),
            None,
            "link is broken: 404 Not Found — at 2 of the 3 URLs it renders to: " + ", ".join(dead),
        )
    ]
    assert found[0].urls == dead


def test_a_looped_links_urls_that_fail_otherwise_are_findings_of_their_own(
    tmp_path: Path,
) -> None:
    # a 404 and a 410 are two facts about two pages, each at the link's line
    with running_server() as s:
        items = [{"path": "status/404/q1"}, {"path": "status/410/q2"}, {"path": "status/404/q3"}]
        found = looped_check(tmp_path, "jinja", f'<a href="{s.url("/")}FIELD">Купить</a>', items)
        urls = [s.url(f"/{item['path']}") for item in items]
    assert said(found) == [
        (
            "LNK001",
            Severity.ERROR,
            ("email.html:5",),
            None,
            f"link is broken: 404 Not Found — at 2 of the 3 URLs it renders to: {urls[0]}, "
            f"{urls[2]}",
        ),
        ("LNK001", Severity.ERROR, ("email.html:5",), urls[1], "link is broken: 410 Gone"),
    ]


def test_a_looped_image_dead_for_every_item_is_one_image(tmp_path: Path) -> None:
    with running_server() as s:
        items = [{"path": f"status/404/i{n}.png"} for n in (1, 2, 3)]
        body = f'<img src="{s.url("/")}FIELD" alt="Товар">'
        found = looped_check(tmp_path, "jinja", body, items)
        urls = tuple(s.url(f"/status/404/i{n}.png") for n in (1, 2, 3))
    assert said(found) == [
        (
            "LNK006",
            Severity.ERROR,
            ("email.html:5",),
            None,
            "image is broken: 404 Not Found — at every URL it renders to (3): " + ", ".join(urls),
        )
    ]


def test_two_looped_links_to_a_host_that_is_down_are_two_links(tmp_path: Path) -> None:
    # a count of the links as written (2), each URL they render to listed
    with refusing() as [base]:
        items = [{"path": f"p{n}"} for n in (1, 2, 3)]
        body = f'<a href="{base}/a/FIELD">Купить</a> <a href="{base}/b/FIELD">Ещё</a>'
        found = looped_check(tmp_path, "jinja", body, items)
    host = base.split("//", 1)[1]
    urls = [f"{base}/{kind}/p{n}" for kind in ("a", "b") for n in (1, 2, 3)]
    assert said(found) == [
        (
            "LNK002",
            Severity.ERROR,
            ("email.html:5",),
            None,
            f"2 links to {host}: host unreachable: 127.0.0.1 refused the connection — "
            f"{', '.join(urls[:3])} and 3 more",
        )
    ]
    assert found[0].urls == tuple(urls)


def test_a_looped_link_the_links_deadline_cut_is_one_link(tmp_path: Path) -> None:
    with running_server() as s:
        items = [{"path": f"slow/5/cut{n}"} for n in (1, 2, 3)]
        body = f'<a href="{s.url("/")}FIELD">Купить</a>'
        found = looped_check(tmp_path, "jinja", body, items, timeout=10.0, deadline=1.0)
        urls = tuple(s.url(f"/slow/5/cut{n}") for n in (1, 2, 3))
    assert said(found) == [
        (
            "LNK002",
            Severity.WARNING,
            ("email.html:5",),
            None,
            "link: could not verify: the links deadline (1 s) ran out first; open it in a "
            "browser before sending — " + ", ".join(urls),
        )
    ]
    assert found[0].urls == urls


@pytest.mark.parametrize("dialect", [d for d, *_ in LOOPS])
def test_a_looped_link_whose_later_items_lose_their_utms_names_those(
    tmp_path: Path, dialect: str
) -> None:
    # was no finding: the first product's page kept its UTMs, and the loop's other URLs, that
    # answered well too, were never judged
    with running_server() as s:
        items = [{"path": "ok/u1"}, {"path": "drop-query/u2"}, {"path": "drop-query/u3"}]
        body = f'<a href="{s.url("/")}FIELD?{UTM}">Купить</a>'
        found = looped_check(tmp_path, dialect, body, items)
        lost = (s.url(f"/drop-query/u2?{TAGS}"), s.url(f"/drop-query/u3?{TAGS}"))
        landing = s.url("/ok/landing")
    assert said(found) == [
        (
            "UTM004",
            Severity.ERROR,
            ("email.html:5",),
            None,
            "a redirect drops utm_source, utm_medium, utm_campaign on the way to "
            f"{landing} — at 2 of the 3 URLs it renders to: {lost[0]}, {lost[1]}",
        )
    ]
    assert found[0].urls == lost


def test_a_looped_link_one_of_whose_items_loses_its_utms_is_that_urls_finding(
    tmp_path: Path,
) -> None:
    with running_server() as s:
        items = [{"path": "ok/v1"}, {"path": "ok/v2"}, {"path": "drop-query/v3"}]
        body = f'<a href="{s.url("/")}FIELD?{UTM}">Купить</a>'
        found = looped_check(tmp_path, "jinja", body, items)
        lost = s.url(f"/drop-query/v3?{TAGS}")
        landing = s.url("/ok/landing")
    assert said(found) == [
        (
            "UTM004",
            Severity.ERROR,
            ("email.html:5",),
            lost,
            f"a redirect drops utm_source, utm_medium, utm_campaign: {lost} → {landing}",
        )
    ]


def test_a_looped_links_dead_item_and_an_item_that_loses_its_utms_are_both_said(
    tmp_path: Path,
) -> None:
    # was LNK001 alone: a link with a rendering that failed had its renderings that answered
    # well never judged
    with running_server() as s:
        items = [{"path": "status/404/w1"}, {"path": "drop-query/w2"}, {"path": "ok/w3"}]
        body = f'<a href="{s.url("/")}FIELD?{UTM}">Купить</a>'
        found = looped_check(tmp_path, "jinja", body, items)
        dead = s.url(f"/status/404/w1?{TAGS}")
        lost = s.url(f"/drop-query/w2?{TAGS}")
        landing = s.url("/ok/landing")
    assert sorted(said(found)) == [
        ("LNK001", Severity.ERROR, ("email.html:5",), dead, "link is broken: 404 Not Found"),
        (
            "UTM004",
            Severity.ERROR,
            ("email.html:5",),
            lost,
            f"a redirect drops utm_source, utm_medium, utm_campaign: {lost} → {landing}",
        ),
    ]


def test_a_looped_links_items_carried_to_sign_in_pages_are_one_warning_naming_each(
    tmp_path: Path,
) -> None:
    # each URL goes to a sign-in page of its own (next= carries it): one link, one warning
    with running_server() as s:
        items = [{"path": "ok/x1"}, {"path": "login-required/x2"}, {"path": "login-required/x3"}]
        body = f'<a href="{s.url("/")}FIELD?{UTM}">Купить</a>'
        found = looped_check(tmp_path, "jinja", body, items)
        carried = (s.url(f"/login-required/x2?{TAGS}"), s.url(f"/login-required/x3?{TAGS}"))
        host = s.url("/").split("//", 1)[1].rstrip("/")
    assert said(found) == [
        (
            "UTM004",
            Severity.WARNING,
            ("email.html:5",),
            None,
            f"could not verify the UTMs: a redirect on {host} sends the checker to a page that "
            "carries the link with its UTMs in «next» (a sign-in page? the checker has no "
            "session); open it in a browser before sending — at 2 of the 3 URLs it renders "
            f"to: {carried[0]}, {carried[1]}",
        )
    ]
    assert found[0].urls == carried


def test_a_looped_link_redirected_too_often_for_later_items_names_those(tmp_path: Path) -> None:
    # was no finding: the first product's page opened at once, and only it was counted
    with running_server() as s:
        items = [{"path": "ok/r1"}, {"path": "redirect/6/r2"}, {"path": "redirect/6/r3"}]
        found = looped_check(tmp_path, "jinja", f'<a href="{s.url("/")}FIELD">Купить</a>', items)
        long = (s.url("/redirect/6/r2"), s.url("/redirect/6/r3"))
    assert said(found) == [
        (
            "LNK005",
            Severity.WARNING,
            ("email.html:5",),
            None,
            "6 redirects (more than 5) before the page — at 2 of the 3 URLs it renders to: "
            f"{long[0]}, {long[1]}",
        )
    ]
    assert found[0].urls == long


def test_a_looped_links_items_redirected_so_many_times_each_are_findings_of_their_own(
    tmp_path: Path,
) -> None:
    # 6 redirects and 7 are two chains: each said with its own count, at its own URL
    with running_server() as s:
        items = [{"path": "redirect/7/s1"}, {"path": "ok/s2"}, {"path": "redirect/6/s3"}]
        found = looped_check(tmp_path, "jinja", f'<a href="{s.url("/")}FIELD">Купить</a>', items)
        seven, six = s.url("/redirect/7/s1"), s.url("/redirect/6/s3")
    assert said(found) == [
        (
            "LNK005",
            Severity.WARNING,
            ("email.html:5",),
            seven,
            "7 redirects (more than 5) before the page",
        ),
        (
            "LNK005",
            Severity.WARNING,
            ("email.html:5",),
            six,
            "6 redirects (more than 5) before the page",
        ),
    ]


def test_two_looped_links_through_one_redirect_that_drops_utms_are_two_links(
    tmp_path: Path,
) -> None:
    # a count of the links as written (2, not the 6 URLs), every URL they render to listed
    with running_server() as s:
        items = [{"path": f"y{n}"} for n in (1, 2, 3)]
        base = s.url("/drop-query")
        body = f'<a href="{base}/a/FIELD?{UTM}">Купить</a> <a href="{base}/b/FIELD?{UTM}">Ещё</a>'
        found = looped_check(tmp_path, "jinja", body, items)
        urls = tuple(f"{base}/{kind}/y{n}?{TAGS}" for kind in ("a", "b") for n in (1, 2, 3))
        landing = s.url("/ok/landing")
    assert said(found) == [
        (
            "UTM004",
            Severity.ERROR,
            ("email.html:5",),
            None,
            "2 links: a redirect drops utm_source, utm_medium, utm_campaign on the way to "
            f"{landing}: {', '.join(urls[:3])} and 3 more",
        )
    ]
    assert found[0].urls == urls


def test_a_looped_click_trackers_pages_without_utms_are_each_named(tmp_path: Path) -> None:
    # UTM001 judged each product's landing page and named the first that lacked the UTMs
    # alone ("link lacks … (on the page a click-tracking link leads to)" at p2's page): p3's
    # was hidden behind it
    with running_server() as s:
        port = s.url("/").split(":")[2].split("/")[0]
        shop = f"http://shop.localhost:{port}"
        pages = [f"{shop}/ok/p1?{TAGS}", f"{shop}/ok/p2", f"{shop}/ok/p3"]
        items = [{"path": base64.urlsafe_b64encode(page.encode()).decode()} for page in pages]
        body = f'<a href="{s.url("/ls/click")}?upn=FIELD">Купить</a>'
        found = looped_check(tmp_path, "jinja", body, items, ("UTM001",), ("shop.localhost",))
    lacks = "utm_source, utm_medium, utm_campaign (on the page a click-tracking link leads to)"
    assert said(found) == [
        (
            "UTM001",
            Severity.ERROR,
            ("email.html:5",),
            None,
            f"link lacks {lacks} — at 2 of the 3 URLs it renders to, leading to {pages[1]}, "
            f"{pages[2]}",
        )
    ]


def test_a_looped_link_each_of_whose_items_redirects_to_its_own_page_without_utms(
    tmp_path: Path,
) -> None:
    # each product's redirect goes to a page of its own: the host that drops them is named,
    # and every URL the link renders to
    with running_server() as s:
        items = [{"path": f"z{n}"} for n in (1, 2, 3)]
        body = f'<a href="{s.url("/redirect-to")}?to=/ok/FIELD&amp;{UTM}">Купить</a>'
        found = looped_check(tmp_path, "jinja", body, items)
        urls = tuple(s.url(f"/redirect-to?to=/ok/z{n}&{TAGS}") for n in (1, 2, 3))
        host = s.url("/").split("//", 1)[1].rstrip("/")
    assert said(found) == [
        (
            "UTM004",
            Severity.ERROR,
            ("email.html:5",),
            None,
            f"a redirect on {host} drops utm_source, utm_medium, utm_campaign — at every URL it "
            f"renders to (3): {', '.join(urls)}",
        )
    ]
    assert found[0].urls == urls


def test_a_looped_unsubscribe_link_a_tracker_sends_home_counts_as_one_link(
    tmp_path: Path,
) -> None:
    # a list's unsubscribe link written once in the loop (one per list) and one in the footer,
    # each through a click tracker to the home page: "(and 1 more like it)", the footer's; it
    # said "and 3 more", counting the loop's rendered URLs
    with running_server() as s:
        s.publish(s.host, "/", b"<html>Shop</html>", "text/html")
        s.publish(s.host, "/ru/", b"<html>Shop</html>", "text/html")
        home, ru = s.url("/"), s.url("/ru/")
        tracker = s.url("/ls/click?upn=")
        upn = [base64.urlsafe_b64encode(page.encode()).decode() for page in (home, ru, home)]
        items = [{"path": f"{value}&amp;list={n}"} for n, value in enumerate(upn)]
        footer = f'<a href="{tracker}{upn[1]}">Unsubscribe</a>'
        body = f'<a href="{tracker}FIELD">Отписаться</a>'
        found = looped_check(tmp_path, "jinja", body, items, ("UNS004",), footer=footer)
    assert said(found) == [
        (
            "UNS004",
            Severity.WARNING,
            ("email.html:5", "email.html:7"),
            f"{tracker}{upn[0]}&list=0",
            "could not verify: the unsubscribe link “Отписаться” goes through a click tracker "
            f"to the site's home page ({home}), not to a page that unsubscribes whoever "
            "clicked it: recipients may find no way out (and 1 more like it)",
        )
    ]


def test_a_looped_link_whose_items_land_on_another_host_than_its_text_is_one_finding(
    tmp_path: Path,
) -> None:
    # LNK007 judges where each product's redirect lands: two land on another host than the
    # one the text shows (one finding naming both, at the link's line), one lands on it
    with running_server() as s:
        port = s.url("/").split(":")[2].split("/")[0]
        elsewhere, shown = f"http://other.localhost:{port}", f"http://shop.localhost:{port}"
        pages = [f"{elsewhere}/ok/k1", f"{shown}/ok/k2", f"{elsewhere}/ok/k3"]
        items = [{"path": page} for page in pages]
        body = f'<a href="{s.url("/redirect-to")}?to=FIELD">https://shop.localhost/</a>'
        found = looped_check(tmp_path, "jinja", body, items, ("LNK007",))
        urls = tuple(s.url(f"/redirect-to?to={pages[n]}") for n in (0, 2))
    assert said(found) == [
        (
            "LNK007",
            Severity.ERROR,
            ("email.html:5",),
            None,
            "link text shows shop.localhost but the link leads to other.localhost (through "
            f"127.0.0.1) — at 2 of the 3 URLs it renders to: {', '.join(urls)}",
        )
    ]
    assert found[0].urls == urls
