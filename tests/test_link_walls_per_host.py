"""A host that turns the checker away for what it is, not for the page (a bot wall or
challenge page whatever its status, a rate limit that never clears, a legal block), is one
root cause: one "could not verify" for the host, listing every link (session 34's probe: a
challenge page answered 200 was one warning per link, 12 warnings for one cause). A page's
own answer (a 404, a soft 404) stays one finding per link. Real loopback servers
(tests/http_server.py): two servers are two hosts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from dns_server import BlackHole

from mailcheck.model import Severity
from tests.http_server import ScriptedServer, running_server
from tests.test_links_network import a, campaign, config, findings, gather, image

pytestmark = pytest.mark.network

OPEN_THEM = "; open them in a browser before sending — "


@pytest.fixture(scope="module")
def walled() -> Iterator[ScriptedServer]:
    with running_server() as s:
        yield s


@pytest.fixture(scope="module")
def fine() -> Iterator[ScriptedServer]:
    with running_server() as s:
        yield s


def host(url: str) -> str:
    return urlsplit(url).netloc


def listed(urls: list[str]) -> str:
    """How a finding about several links names their URLs: the first three, then a count."""
    shown = ", ".join(urls[:3])
    return f"{shown} and {len(urls) - 3} more" if len(urls) > 3 else shown


# (route of a page behind the wall, with {n}; what the finding says of it)
WALLS = [
    # a JavaScript check answered 200: one warning per link before
    ("/challenge-200/sale-{n}", "could not verify: 200: a bot-protection challenge page"),
    ("/challenge-503/sale-{n}", "could not verify: 503: a bot-protection challenge page"),
    ("/botwall/cloudflare/sale-{n}", "could not verify: 403: blocked by Cloudflare's bot protection"),
    ("/botwall/cf-mitigated/sale-{n}", "could not verify: 403: Cloudflare bot challenge (cf-mitigated)"),
    ("/status/999/sale-{n}", "could not verify: 999: the site refuses automated requests (LinkedIn does this)"),
    ("/datadome/sale-{n}", "could not verify: 403: blocked by DataDome bot protection"),
    ("/server/QRATOR/403/sale-{n}", "could not verify: 403: blocked by Qrator bot protection"),
    (
        "/robots-403/sale-{n}",
        "could not verify: 403 Forbidden to a link checker, 200 OK to a browser: the site "
        "turns robots away",
    ),
    ("/ratelimit-forever/sale-{n}?after=3600", "could not verify: 429 Too Many Requests did not clear"),
    # one warning per link before, too
    (
        "/status/451/sale-{n}",
        "could not verify: 451 Unavailable For Legal Reasons (the site is blocked where this "
        "checker runs; recipients elsewhere may open it)",
    ),
    (
        "/retry-after-once/502/sale-{n}",
        "could not verify: 502 Bad Gateway with Retry-After: 30 s (the server says to come "
        "back later)",
    ),
]  # fmt: skip


WALL_IDS = ["200", "503", "cloudflare", "cf-mitigated", "999", "datadome", "qrator", "robots"]
WALL_IDS += ["429", "451", "502-retry-after"]


@pytest.mark.parametrize(("route", "said"), WALLS, ids=WALL_IDS)
def test_four_links_to_a_walled_host_are_one_warning_naming_the_host(
    walled: ScriptedServer, fine: ScriptedServer, tmp_path: Path, route: str, said: str
) -> None:
    tag = f"four-{route.split('/')[1]}-{route.split('/')[2]}"
    pages = [walled.url(route.format(n=f"{tag}-{n}")) for n in range(4)]
    ok = fine.url(f"/ok/{tag}")
    c = campaign(*(a(url, line=n) for n, url in enumerate([*pages, ok], start=1)))
    cfg = config(tmp_path, retries=0)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.places, f.url, f.urls) for f in found] == [
        ("LNK001", Severity.WARNING, ("html:1", "html:2", "html:3", "html:4"), None, tuple(pages))
    ]
    assert found[0].message == (f"4 links to {host(pages[0])}: {said}{OPEN_THEM}{listed(pages)}")


def test_two_walled_hosts_are_two_warnings(
    walled: ScriptedServer, fine: ScriptedServer, tmp_path: Path
) -> None:
    first = [walled.url(f"/challenge-200/two-hosts-{n}") for n in range(2)]
    second = [fine.url(f"/challenge-200/two-hosts-{n}") for n in range(3)]
    links = [a(url, line=n) for n, url in enumerate([*first, *second], start=1)]
    c = campaign(*links)
    cfg = config(tmp_path, retries=0)
    found = sorted(findings(c, gather([c], cfg), cfg), key=lambda f: f.places)
    said = "could not verify: 200: a bot-protection challenge page"
    assert [(f.code, f.severity, f.places, f.message) for f in found] == [
        (
            "LNK001",
            Severity.WARNING,
            ("html:1", "html:2"),
            f"2 links to {host(first[0])}: {said}{OPEN_THEM}{listed(first)}",
        ),
        (
            "LNK001",
            Severity.WARNING,
            ("html:3", "html:4", "html:5"),
            f"3 links to {host(second[0])}: {said}{OPEN_THEM}{listed(second)}",
        ),
    ]


def test_a_404_on_a_walled_host_stays_an_error_of_its_own(
    walled: ScriptedServer, tmp_path: Path
) -> None:
    gone = walled.url("/status/404/mixed-gone")
    pages = [walled.url(f"/challenge-200/mixed-{n}") for n in range(3)]
    c = campaign(*(a(url, line=n) for n, url in enumerate([gone, *pages], start=1)))
    cfg = config(tmp_path, retries=0)
    found = sorted(findings(c, gather([c], cfg), cfg), key=lambda f: f.places)
    assert [(f.code, f.severity, f.places, f.url) for f in found] == [
        ("LNK001", Severity.ERROR, ("html:1",), gone),
        ("LNK001", Severity.WARNING, ("html:2", "html:3", "html:4"), None),
    ]
    assert found[0].message == "link is broken: 404 Not Found"
    assert found[1].message == (
        f"3 links to {host(gone)}: could not verify: 200: a bot-protection challenge page"
        f"{OPEN_THEM}{listed(pages)}"
    )


def test_one_wall_answering_200_and_403_is_one_warning_saying_both(
    walled: ScriptedServer, tmp_path: Path
) -> None:
    """A challenge page answered 200 to some links and Cloudflare's 403 to others: one wall,
    not one warning per status."""
    pages = [
        walled.url("/challenge-200/both-1"),
        walled.url("/botwall/cloudflare/both-2"),
        walled.url("/challenge-200/both-3"),
    ]
    c = campaign(*(a(url, line=n) for n, url in enumerate(pages, start=1)))
    cfg = config(tmp_path, retries=0)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.places) for f in found] == [
        ("LNK001", Severity.WARNING, ("html:1", "html:2", "html:3"))
    ]
    assert found[0].message == (
        f"3 links to {host(pages[0])}: could not verify: 200: a bot-protection challenge "
        "page; could not verify: 403: blocked by Cloudflare's bot protection"
        f"{OPEN_THEM}{listed(pages)}"
    )


def test_a_wall_and_a_rate_limit_of_one_host_are_two_causes(
    walled: ScriptedServer, tmp_path: Path
) -> None:
    walls = [walled.url(f"/challenge-200/two-causes-{n}") for n in range(2)]
    busy = [walled.url(f"/ratelimit-forever/two-causes-{n}?after=3600") for n in range(2)]
    c = campaign(*(a(url, line=n) for n, url in enumerate([*walls, *busy], start=1)))
    cfg = config(tmp_path, retries=0)
    found = sorted(findings(c, gather([c], cfg), cfg), key=lambda f: f.places)
    assert [(f.code, f.severity, f.places, f.urls) for f in found] == [
        ("LNK001", Severity.WARNING, ("html:1", "html:2"), tuple(walls)),
        ("LNK001", Severity.WARNING, ("html:3", "html:4"), tuple(busy)),
    ]


def test_soft_404s_on_one_host_stay_one_warning_each(
    walled: ScriptedServer, tmp_path: Path
) -> None:
    """A page that says it was not found is that page's answer, not the host's."""
    pages = [walled.url("/soft404/ru"), walled.url("/soft404/en")]
    c = campaign(*(a(url, line=n) for n, url in enumerate(pages, start=1)))
    cfg = config(tmp_path, retries=0)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.places, f.url) for f in found] == [
        ("LNK001", Severity.WARNING, ("html:1",), pages[0]),
        ("LNK001", Severity.WARNING, ("html:2",), pages[1]),
    ]


def test_images_and_links_behind_one_wall_are_one_warning(
    walled: ScriptedServer, tmp_path: Path
) -> None:
    """Three banners behind one challenge were three LNK006 warnings beside the links'."""
    pages = [walled.url(f"/challenge-200/shop-{n}") for n in range(2)]
    pictures = [walled.url(f"/challenge-200/banner-{n}.png") for n in range(3)]
    links = [a(pages[0], line=2), image(pictures[0], line=3), image(pictures[1], line=4)]
    links += [a(pages[1], line=5), image(pictures[2], line=6)]
    c = campaign(*links)
    cfg = config(tmp_path, retries=0)
    found = findings(c, gather([c], cfg), cfg)
    places = ("html:2", "html:5", "html:3", "html:4", "html:6")
    assert [(f.code, f.severity, sorted(f.places)) for f in found] == [
        ("LNK001", Severity.WARNING, sorted(places))
    ]
    assert [(f.code, f.severity, f.places) for f in found[0].folded] == [
        ("LNK006", Severity.WARNING, ("html:3", "html:4", "html:6"))
    ]
    said = "could not verify: 200: a bot-protection challenge page"
    assert found[0].message == (
        f"2 links to {host(pages[0])}: {said}{OPEN_THEM}{listed(pages)}; the same host: "
        f"LNK006 — {listed(pictures)}"
    )
    assert set(found[0].urls) == {*pages, *pictures}


def test_images_alone_behind_one_wall_are_one_lnk006_warning(
    walled: ScriptedServer, tmp_path: Path
) -> None:
    pictures = [walled.url(f"/botwall/cloudflare/img-{n}.png") for n in range(3)]
    c = campaign(*(image(url, line=n) for n, url in enumerate(pictures, start=1)))
    cfg = config(tmp_path, retries=0)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.places, f.url) for f in found] == [
        ("LNK006", Severity.WARNING, ("html:1", "html:2", "html:3"), None)
    ]
    assert found[0].message == (
        f"3 images from {host(pictures[0])}: could not verify: 403: blocked by Cloudflare's "
        f"bot protection — {listed(pictures)}"
    )


def test_one_walled_link_and_its_walled_image_are_one_finding(
    walled: ScriptedServer, tmp_path: Path
) -> None:
    page, picture = walled.url("/challenge-200/lone"), walled.url("/challenge-200/lone.png")
    c = campaign(a(page, line=3), image(picture, line=8))
    cfg = config(tmp_path, retries=0)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.places) for f in found] == [
        ("LNK001", Severity.WARNING, ("html:3", "html:8"))
    ]
    assert found[0].message == (
        "link: could not verify: 200: a bot-protection challenge page; open it in a browser "
        f"before sending; the same host: LNK006 — {page}, {picture}"
    )


# --- host failures without an answer: LNK002's, one per host already -----------------------


def test_links_to_one_host_dns_does_not_answer_for_are_one_warning(
    tmp_path: Path, black_hole: BlackHole
) -> None:
    from dataclasses import replace

    from mailcheck.config import DnsConfig

    pages = [f"https://shop.test/sale-{n}" for n in range(3)]
    c = campaign(*(a(url, line=n) for n, url in enumerate(pages, start=1)))
    cfg = config(tmp_path, retries=0)
    cfg = replace(cfg, dns=DnsConfig(nameservers=(black_hole.nameserver,), timeout=0.5))
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.places, f.urls) for f in found] == [
        ("LNK002", Severity.WARNING, ("html:1", "html:2", "html:3"), tuple(pages))
    ]
    assert found[0].message.startswith(
        "3 links to shop.test: could not verify: DNS lookup of shop.test failed"
    )


def test_the_unsubscribe_link_behind_the_wall_is_in_the_hosts_finding(
    walled: ScriptedServer, tmp_path: Path
) -> None:
    """Asked with HEAD only, the unsubscribe link meets the same Cloudflare wall: was an UNS004
    warning beside the links' LNK001."""
    pages = [walled.url(f"/botwall/cloudflare/shop-wall-{n}") for n in range(2)]
    leave = walled.url("/botwall/cloudflare/unsubscribe")
    links = [a(pages[0], line=2), a(pages[1], line=3), a(leave, "Отписаться", line=9)]
    c = campaign(*links)
    cfg = config(tmp_path, retries=0)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.places) for f in found] == [
        ("LNK001", Severity.WARNING, ("html:2", "html:3", "html:9"))
    ]
    assert [(f.code, f.severity, f.url) for f in found[0].folded] == [
        ("UNS004", Severity.WARNING, leave)
    ]
    assert found[0].message.endswith(f"; the same host: UNS004 — {leave}")
