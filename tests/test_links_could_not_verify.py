"""Answers that prove nothing about what a recipient sees are "could not verify" (warnings),
never errors: an image's HEAD that names no picture, a challenge page answered 200, a server
that says to come back later, a sign-in page that carries the link back. Real loopback
servers (tests/http_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from dns_server import NsdPool

from mailcheck.engine import run
from mailcheck.model import Severity
from tests.helpers import loopback_links_config, write_campaign
from tests.http_server import ScriptedServer, running_server
from tests.test_links_network import a, campaign, config, findings, gather, image

UTM = "utm_source=email&utm_medium=email&utm_campaign=spring"


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as s:
        yield s


# --- (a) images: HEAD alone judges no picture ------------------------------------------------


def test_an_image_whose_head_says_html_but_whose_get_sends_a_png_is_fine(
    server: ScriptedServer, tmp_path: Path
) -> None:
    """HEAD 200 text/html (a framework's default for HEAD), GET 200 image/png: was LNK006 on
    the HEAD alone."""
    url = server.url("/img-head-html/banner.png")
    c = campaign(image(url, line=4))
    cfg = config(tmp_path)
    results = gather([c], cfg)
    assert (results[url].verdict, results[url].method) == ("ok", "GET")
    assert server.count("/img-head-html/banner.png", "GET") == 1
    assert findings(c, results, cfg) == []


@pytest.mark.parametrize("kind", ["plain", "html"])
def test_png_bytes_under_a_text_type_are_a_picture(
    server: ScriptedServer, tmp_path: Path, kind: str
) -> None:
    """A browser sniffs an image's bytes: a PNG sent as text/plain (or text/html) shows."""
    url = server.url(f"/png-as/{kind}/banner-{kind}.png")
    c = campaign(image(url, line=4), a(url, line=5))
    cfg = config(tmp_path)
    results = gather([c], cfg)
    assert (results[url].verdict, results[url].not_image) == ("ok", "")
    assert findings(c, results, cfg) == []


def test_an_image_redirected_to_a_captcha_page_is_not_verified(
    server: ScriptedServer, tmp_path: Path
) -> None:
    """An image sent to /showcaptcha (200, a captcha page): as a link it already was "could
    not verify"; as an image it was LNK006 "a web page, not an image"."""
    url = server.url("/redirect-to?to=%2Fshowcaptcha%3Fretpath%3D%2Fbanner.png&n=img")
    c = campaign(image(url, line=4))
    cfg = config(tmp_path)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.places) for f in found] == [
        ("LNK006", Severity.WARNING, ("html:4",))
    ]
    assert found[0].message.startswith(
        "image: could not verify: 200: a bot-protection challenge page at "
    )


def test_a_challenge_page_answered_200_is_not_verified_as_an_image_and_as_a_link(
    server: ScriptedServer, tmp_path: Path
) -> None:
    """A JavaScript check answered 200 ("Just a moment..."): the image was LNK006 "a web
    page", the link passed in silence. One host's wall: one finding for both (as
    tests/test_link_walls_per_host.py checks further)."""
    picture, page = (
        server.url("/challenge-200/banner.png"),
        server.url(f"/challenge-200/sale?{UTM}"),
    )
    c = campaign(image(picture, line=4), a(page, line=6))
    cfg = config(tmp_path)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.places) for f in found] == [
        ("LNK001", Severity.WARNING, ("html:6", "html:4"))
    ]
    assert [(f.code, f.severity, f.url) for f in found[0].folded] == [
        ("LNK006", Severity.WARNING, picture)
    ]
    assert found[0].message == (
        "link: could not verify: 200: a bot-protection challenge page; open it in a browser "
        f"before sending; the same host: LNK006 — {page}, {picture}"
    )
    assert found[0].folded[0].message == (
        "image: could not verify: 200: a bot-protection challenge page"
    )


def test_a_shop_page_that_mentions_a_captcha_is_a_page(
    server: ScriptedServer, tmp_path: Path
) -> None:
    """Only certain markers make a 200 a challenge: a sign-up form with reCAPTCHA is the page
    (and, for an image, still no picture)."""
    page, picture = server.url("/signup-form/sale"), server.url("/signup-form/b.png")
    c = campaign(a(page, line=4), image(picture, line=5))
    cfg = config(tmp_path)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.places) for f in found] == [
        ("LNK006", Severity.ERROR, ("html:5",))
    ]
    assert found[0].message == (
        "image is broken: answers 200 OK with a web page (text/html), not an image: mail "
        "clients show a broken picture"
    )


# --- (b) a 5xx that says to come back later ---------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_5xx_with_a_long_retry_after_is_not_verified(
    server: ScriptedServer, tmp_path: Path, status: int
) -> None:
    """5xx with Retry-After: 30 (longer than links.timeout: not waited for), then 200: one
    request, and the server said nothing but "later". Was LNK001 error."""
    url = server.url(f"/retry-after-once/{status}/sale-{status}?{UTM}")
    c = campaign(a(url, line=4))
    cfg = config(tmp_path)
    results = gather([c], cfg)
    assert server.count(f"/retry-after-once/{status}/sale-{status}?{UTM}") == 1
    found = findings(c, results, cfg)
    assert [(f.code, f.severity, f.places, f.url) for f in found] == [
        ("LNK001", Severity.WARNING, ("html:4",), url)
    ]
    reason = results[url].reason
    assert reason.startswith(f"could not verify: {status} ")
    assert reason.endswith("with Retry-After: 30 s (the server says to come back later)")


def test_a_5xx_without_retry_after_that_stays_is_still_broken(
    server: ScriptedServer, tmp_path: Path
) -> None:
    url = server.url("/status/500/gone")
    c = campaign(a(url, line=4))
    cfg = config(tmp_path, retries=1)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity, f.message) for f in found] == [
        ("LNK001", Severity.ERROR, "link is broken: 500 Internal Server Error")
    ]


# --- (c) a sign-in page that carries the link back --------------------------------------------


def test_a_redirect_to_a_sign_in_page_that_carries_the_link_is_not_verified(
    server: ScriptedServer, tmp_path: Path
) -> None:
    """/account?utm… → /login?next=%2Faccount%3Futm…: the UTMs wait in next= for after the
    sign-in, and the checker has no session. Was UTM004 error "drops utm_source…"."""
    first, second = (server.url(f"/login-required/{n}?{UTM}") for n in ("orders", "bonus"))
    c = campaign(a(first, line=4), a(second, line=7))
    cfg = config(tmp_path)
    results = gather([c], cfg)
    assert results[first].verdict == "ok"
    found = findings(c, results, cfg)
    assert [(f.code, f.severity, f.places, f.url) for f in found] == [
        ("UTM004", Severity.WARNING, ("html:4", "html:7"), None)
    ]
    host = first.split("/")[2]
    assert found[0].message == (
        f"2 links: could not verify the UTMs: a redirect on {host} sends the checker to a page "
        "that carries each link with its UTMs in «next» (a sign-in page? the checker has no "
        f"session); open them in a browser before sending: {first}, {second}"
    )
    one = campaign(a(first, line=4))
    [alone] = findings(one, results, cfg)
    assert (alone.code, alone.severity, alone.url) == ("UTM004", Severity.WARNING, first)
    assert alone.message.startswith("could not verify the UTMs: a redirect sends the checker to ")


def test_a_redirect_that_drops_the_utms_is_still_an_error(
    server: ScriptedServer, tmp_path: Path
) -> None:
    url = server.url(f"/drop-query/login-like?{UTM}")
    c = campaign(a(url, line=4))
    cfg = config(tmp_path)
    found = findings(c, gather([c], cfg), cfg)
    assert [(f.code, f.severity) for f in found] == [("UTM004", Severity.ERROR)]
    assert found[0].message.startswith("a redirect drops utm_source, utm_medium, utm_campaign")


# --- (e) a host whose name resolves to a non-public address here -----------------------------

# What a company's split-horizon DNS or a VPN in fake-IP mode answers for public names
SPLIT_HORIZON = {
    "intra.shop.test": [("A", "10.20.30.40")],
    "fake1.shop.test": [("A", "198.18.0.7")],
    "fake2.shop.test": [("A", "198.18.0.8")],
    "cgnat.shop.test": [("A", "100.64.1.2")],
}


def test_names_resolving_to_non_public_addresses_are_one_warning(
    tmp_path: Path, nsd_pool: NsdPool
) -> None:
    """With links.allow-private = false, every link host resolving to a private, CGNAT or
    198.18 address was an LNK002 error each (and the unsubscribe link UNS004): this machine's
    DNS may not be the recipients'. One warning for the cause, saying how to check them; the
    guard still sends them nothing."""
    nsd = nsd_pool.serve("split-horizon", SPLIT_HORIZON)
    body = f"""
        <p><a href="https://intra.shop.test/sale?{UTM}">Sale</a></p>
        <p><a href="https://fake1.shop.test/sale?{UTM}">Sale</a></p>
        <p><a href="https://cgnat.shop.test/x?{UTM}">More</a></p>
        <p><img src="https://fake2.shop.test/banner.png" alt="Sale" width="600"></p>
        <p><a href="https://fake1.shop.test/unsubscribe">Unsubscribe</a></p>"""
    path = write_campaign(tmp_path, body=body)
    cfg = loopback_links_config(tmp_path, "LNK002", "LNK006", "UNS004", allow_private=False)
    cfg = replace(cfg, dns=replace(cfg.dns, nameservers=(nsd.nameserver,)))
    [result] = run([str(path)], cfg, offline=False, use_cache=False).results
    [walled] = result.findings
    places = ("email.html:6", "email.html:7", "email.html:8", "email.html:9", "email.html:10")
    assert (walled.code, walled.severity, walled.places) == ("LNK002", Severity.WARNING, places)
    assert walled.message.startswith(
        "3 links: could not verify: not requested, their hosts resolve to non-public addresses "
        "from this machine (intra.shop.test, fake1.shop.test, cgnat.shop.test); the "
        "recipients' DNS may answer otherwise (a company's split-horizon DNS, a VPN's fake "
        "IPs): set links.allow-private = true to check them — "
    )
    assert "; the same cause: LNK006, UNS004 — " in walled.message
    assert [(f.code, f.severity) for f in walled.folded] == [
        ("LNK006", Severity.WARNING),
        ("UNS004", Severity.WARNING),
    ]
