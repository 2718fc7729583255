"""LNK007 and click tracking: a link whose text shows a site and whose href is an ESP's
click-tracking redirect is an error only when its redirects are seen to land elsewhere.

Offline (or where the link was not checked) a tracker's link is "could not verify": an
ESP's test send wraps every link, URLs written as link text included. Online the loopback
server's ``/redirect-to`` is the tracker (127.0.0.1) and ``*.localhost`` hosts are the sites.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from mailcheck.engine import run
from mailcheck.linkinfo import click_tracker
from mailcheck.model import Finding, Severity
from tests.helpers import check, loopback_links_config, write_campaign
from tests.http_server import running_server

FOOTER = '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
INFUSIONSOFT = (
    "https://healthmarketing.infusionsoft.com/app/linkClick/12670/4ef4eb3a741767c4/4852414"
)
RAPIDMAIL = (
    "https://t2d857ce9.emailsys2a.net/c/136/1071579/1264/0/4531494/9012/52886/4b337372eb.html"
)
TOKEN = "4ef4eb3a741767c4"  # a click's identifier, as trackers write it


def lnk007(found: list[Finding]) -> list[tuple[Severity, str, tuple[str, ...]]]:
    return [(f.severity, f.message, f.locations) for f in found if f.code == "LNK007"]


def offline(
    tmp_path: Path, body: str, **manifest: Any
) -> list[tuple[Severity, str, tuple[str, ...]]]:
    directory = write_campaign(tmp_path, body=f"{body}\n{FOOTER}", **manifest)
    return lnk007(check(directory).findings)


def not_followed(shown: str, host: str) -> str:
    return (
        f"could not verify: the link text shows {shown}, and the link goes through a click "
        f"tracker ({host}); mailcheck did not follow it"
    )


@pytest.mark.parametrize(
    ("href", "text", "shown", "host", "unsubscribe"),
    [
        # the corpus's test sends (php-mime-mail-parser m0015, SpamScope mail_test_5), whose
        # List-Unsubscribe URL is on the tracker's domain
        (INFUSIONSOFT, "https://www.facebook.com/Vitamart.ca", "facebook.com",
         "healthmarketing.infusionsoft.com",
         "https://healthmarketing.infusionsoft.com/app/optOut/noConfirm/4852414/3fd76d"),
        (RAPIDMAIL, "www.carlance.fr", "carlance.fr", "t2d857ce9.emailsys2a.net",
         "https://t2d857ce9.emailsys2a.net/136/1071579/1264/4531494/9012/3ee5/unsubscribe.html"),
        # a tracker that says in its query where it sends the reader: the site shown
        ("https://click.esp.test/c?url=https%3A%2F%2Fwww.shop.test%2Fsale", "sale.shop.test",
         "sale.shop.test", "click.esp.test", "https://u.esp.test/unsub/xyz"),
    ],
)  # fmt: skip
def test_a_click_trackers_link_is_not_verified_offline(
    tmp_path: Path, href: str, text: str, shown: str, host: str, unsubscribe: str
) -> None:
    body = f'<p>Отзыв: <a href="{href}">{text}</a></p>\n<p><a href="{href}">{text}</a></p>'
    headers = {"List-Unsubscribe": f"<{unsubscribe}>"}
    assert offline(tmp_path, body, tables={"headers": headers}) == [
        (Severity.WARNING, not_followed(shown, host), ("email.html:5", "email.html:6"))
    ]
    # the same links without the header: nothing says the host is the ESP's
    assert [severity for severity, _, _ in offline(tmp_path / "bare", body)] == [Severity.ERROR]


@pytest.mark.parametrize(
    ("href", "target"),
    [
        # a token, an id or a tracked-looking query on a host that is not the ESP's: what a
        # wrong or phishing link writes too (a QA probe: each was a "could not verify")
        ("https://acme-staging.test/promo?utm_campaign=blackfriday2026", "acme-staging.test"),
        ("https://shop-old.test/catalog/item/12345678", "shop-old.test"),
        (f"https://secure-verify.test/session/{TOKEN}", "secure-verify.test"),
        ("https://paypal-secure.test/signin?next=https://www.paypal.com/myaccount",
         "paypal-secure.test"),
    ],
)  # fmt: skip
def test_a_token_or_a_wrapped_address_on_a_host_not_the_esps_stays_an_error(
    tmp_path: Path, href: str, target: str
) -> None:
    headers = {"List-Unsubscribe": "<https://u.esp.test/unsub/xyz>"}
    body = f'<p><a href="{href}">https://www.paypal.com/</a></p>'
    assert offline(tmp_path, body, tables={"headers": headers}) == [
        (
            Severity.ERROR,
            f"link text shows paypal.com but the link goes to {target}",
            ("email.html:5",),
        )
    ]


def test_the_esps_own_domain_is_its_tracker_offline(tmp_path: Path) -> None:
    """No token in the path, but the host is the ESP's, whose domain the campaign's own
    List-Unsubscribe URL names: its click link."""
    href = "https://links.esp.test/click/social/facebook"
    body = f'<p><a href="{href}">facebook.com/acme</a></p>'
    headers = {"List-Unsubscribe": "<https://u.esp.test/unsub/xyz>"}
    assert offline(tmp_path, body, tables={"headers": headers}) == [
        (Severity.WARNING, not_followed("facebook.com", "links.esp.test"), ("email.html:5",))
    ]
    # without it, the same href is a site of its own that the text does not name
    assert offline(tmp_path / "bare", body) == [
        (
            Severity.ERROR,
            "link text shows facebook.com but the link goes to links.esp.test",
            ("email.html:5",),
        )
    ]


@pytest.mark.parametrize(
    ("href", "target"),
    [
        ("https://evil.test/login", "evil.test"),  # no tracker: a plain mismatch
        ("https://evil.test/", "evil.test"),
        # the host shown spelled in the host or the path is a disguise, token or not
        (f"https://paypal.com.evil.test/{TOKEN}", "paypal.com.evil.test"),
        (f"https://evil.test/paypal.com/login/{TOKEN}", "evil.test"),
        # a query that sends the reader to a third host
        (f"https://click.esp.test/c?url=https%3A%2F%2Fevil.test%2F&c={TOKEN}", "click.esp.test"),
    ],
)
def test_a_plain_mismatch_stays_an_error_offline(tmp_path: Path, href: str, target: str) -> None:
    body = f'<p><a href="{href}">paypal.com</a></p>'
    assert offline(tmp_path, body) == [
        (
            Severity.ERROR,
            f"link text shows paypal.com but the link goes to {target}",
            ("email.html:5",),
        )
    ]


def test_the_esps_tracker_sending_the_reader_to_a_third_site_names_that_site(
    tmp_path: Path,
) -> None:
    # a review probe: the error named the tracker ("goes to click.esp.test"), not the site its
    # query sends the reader to
    href = "https://click.esp.test/c?url=https%3A%2F%2Fevil.test%2F"
    body = f'<p><a href="{href}">shop.test</a></p>\n<p><a href="{href}">shop.test</a></p>'
    headers = {"List-Unsubscribe": "<https://u.esp.test/unsub/xyz>"}
    assert offline(tmp_path, body, tables={"headers": headers}) == [
        (
            Severity.ERROR,
            "link text shows shop.test but the link leads to evil.test (through click.esp.test)",
            ("email.html:5", "email.html:6"),
        )
    ]


def test_a_wrong_phone_number_stays_an_error(tmp_path: Path) -> None:
    # kedr's template-wholesale.php.html: 363-86-51 shown, 362-86-51 dialled
    body = '<p><a href="tel:83833628651">+7 (383) 363-86-51</a></p>'
    assert offline(tmp_path, body) == [
        (
            Severity.ERROR,
            "link text shows the phone number +7 (383) 363-86-51 but the link calls 83833628651",
            ("email.html:5",),
        )
    ]


def test_click_tracker_shapes() -> None:
    esp = ["infusionsoft.com"]
    assert click_tracker(INFUSIONSOFT, "www.facebook.com", esp) == (
        "healthmarketing.infusionsoft.com"
    )
    assert click_tracker(INFUSIONSOFT, "www.facebook.com") is None  # no ESP domain known
    assert click_tracker(f"https://evil.test/{TOKEN}", "paypal.com", ["esp.test"]) is None
    assert click_tracker("https://t.esp.test/", "shop.test", ["esp.test"]) is None  # home page
    assert click_tracker("https://t.esp.test/c/1", "shop.test", ["esp.test"]) == "t.esp.test"
    # the query's address on the site shown (another subdomain of it), or on another site
    wrapped = "https://t.esp.test/c?url=https%3A%2F%2Fwww.shop.test%2F"
    assert click_tracker(wrapped, "sale.shop.test", ["esp.test"]) == "t.esp.test"
    assert click_tracker(wrapped, "paypal.com", ["esp.test"]) is None
    # the shown host in its Unicode form, spelled in the path either way
    assert (
        click_tracker(f"https://t.esp.test/ири.рф/{TOKEN}", "xn--h1aax.xn--p1ai", ["esp.test"])
        is None
    )
    assert click_tracker("mailto:a@evil.test", "shop.test", ["esp.test"]) is None


@pytest.mark.network
def test_online_the_landing_decides(tmp_path: Path) -> None:
    with running_server() as s:
        port = s.url("/").rsplit(":", 1)[1].strip("/")

        def via_tracker(target: str) -> str:
            return s.url(f"/redirect-to?c={TOKEN}&to=" + quote(target, safe=""))

        home = via_tracker(f"http://www.shop.localhost:{port}/ok/sale")  # the site shown
        # a tracker that keeps its destination to itself (no web address in its query)
        elsewhere = via_tracker("/redirect-to?to=" + quote(f"http://evil.localhost:{port}/ok/in"))
        looping = s.url(f"/loop/a/{TOKEN}")
        plain = f"http://evil.localhost:{port}/ok/plain"  # no tracker, no redirect
        body = (
            f'<p><a href="{home}">shop.localhost/sale</a></p>\n'
            f'<p><a href="{elsewhere}">shop.localhost/login</a></p>\n'
            f'<p><a href="{looping}">shop.localhost/loop</a></p>\n'
            f'<p><a href="{plain}">shop.localhost/plain</a></p>\n'
            f'<p><a href="{home}">shop.localhost/sale</a></p>'
        )
        # the test send's List-Unsubscribe is on the tracker's host: the ESP's
        headers = {"List-Unsubscribe": f"<{s.url('/unsub/1')}>"}
        directory = write_campaign(tmp_path, body=f"{body}\n{FOOTER}", tables={"headers": headers})
        config = loopback_links_config(tmp_path, "LNK007")
        [result] = run([str(directory)], config, use_cache=False).results
    # offline the three trackers' links are not judged; the plain mismatch is an error
    assert [(sev, places) for sev, _, places in lnk007(check(directory).findings)] == [
        (Severity.WARNING, ("email.html:5", "email.html:9")),
        (Severity.WARNING, ("email.html:6",)),
        (Severity.WARNING, ("email.html:7",)),
        (Severity.ERROR, ("email.html:8",)),
    ]
    assert lnk007(result.findings) == [
        (
            Severity.ERROR,
            "link text shows shop.localhost but the link leads to evil.localhost "
            "(through 127.0.0.1)",
            ("email.html:6",),
        ),
        (
            Severity.WARNING,
            "could not verify: the link text shows shop.localhost, and the link goes through "
            "a click tracker (127.0.0.1) whose redirects could not be followed: redirect loop: "
            f"{looping} redirects back to a page already visited",
            ("email.html:7",),
        ),
        (
            Severity.ERROR,
            "link text shows shop.localhost but the link goes to evil.localhost",
            ("email.html:8",),
        ),
    ]


@pytest.mark.network
def test_online_a_link_not_requested_is_judged_as_offline(tmp_path: Path) -> None:
    """A tracker's link left out of checking (``links.exclude``) has no landing: "could not
    verify", as offline; a plain mismatch left out stays an error."""
    with running_server() as s:
        port = s.url("/").rsplit(":", 1)[1].strip("/")
        tracked = s.url(f"/redirect-to?c={TOKEN}&to=" + quote("http://shop.localhost/", safe=""))
        plain = f"http://evil.localhost:{port}/ok/plain"
        body = (
            f'<p><a href="{tracked}">shop.localhost</a></p>\n'
            f'<p><a href="{plain}">shop.localhost</a></p>'
        )
        # the test send's List-Unsubscribe is on the tracker's host: the ESP's
        headers = {"List-Unsubscribe": f"<{s.url('/unsub/1')}>"}
        directory = write_campaign(tmp_path, body=f"{body}\n{FOOTER}", tables={"headers": headers})
        config = loopback_links_config(tmp_path, "LNK007")
        config = replace(
            config, links=replace(config.links, exclude=(r"redirect-to|/plain|/unsub/",))
        )
        [result] = run([str(directory)], config, use_cache=False).results
        assert s.total() == 0
    assert lnk007(result.findings) == [
        (Severity.WARNING, not_followed("shop.localhost", "127.0.0.1"), ("email.html:5",)),
        (
            Severity.ERROR,
            "link text shows shop.localhost but the link goes to evil.localhost",
            ("email.html:6",),
        ),
    ]


@pytest.mark.network
def test_online_a_tracker_that_answers_itself_is_not_verified(tmp_path: Path) -> None:
    """The ESP's tracker answering 200 itself (a page whose meta refresh or script sends the
    reader on) lands nowhere mailcheck sees: "could not verify", not an error naming the
    tracker (a review probe); an unknown host answering so stays an error."""
    with running_server() as s:
        port = s.url("/").rsplit(":", 1)[1].strip("/")
        itself = s.url(f"/ok/{TOKEN}")
        plain = f"http://evil.localhost:{port}/ok/{TOKEN}"
        body = (
            f'<p><a href="{itself}">shop.localhost/sale</a></p>\n'
            f'<p><a href="{plain}">shop.localhost/sale</a></p>'
        )
        headers = {"List-Unsubscribe": f"<{s.url('/unsub/1')}>"}
        directory = write_campaign(tmp_path, body=f"{body}\n{FOOTER}", tables={"headers": headers})
        config = loopback_links_config(tmp_path, "LNK007")
        [result] = run([str(directory)], config, use_cache=False).results
    assert lnk007(result.findings) == [
        (
            Severity.WARNING,
            "could not verify: the link text shows shop.localhost, and the link goes through a "
            "click tracker (127.0.0.1) that answered without a redirect (200 OK): a page or a "
            "script of its own sends the reader on",
            ("email.html:5",),
        ),
        (
            Severity.ERROR,
            "link text shows shop.localhost but the link goes to evil.localhost",
            ("email.html:6",),
        ),
    ]
