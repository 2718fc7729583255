"""UTM001 and click trackers on the sender's own domain (offline; the online landing is judged
in tests/test_links_network.py against a loopback server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.model import Severity
from tests.helpers import check, only

UTM = "utm_source=news&utm_medium=email&utm_campaign=sale"
LACKS = "utm_source, utm_medium, utm_campaign"
UNVERIFIED = (
    f"could not verify that the link has {LACKS} (click-tracking link; the landing page's "
    "UTMs are known only after the redirect)"
)


def unverified(esp: str) -> str:
    """The warning for one click tracker of a known ESP's shape, which names the ESP."""
    return (
        f"could not verify that the link has {LACKS} ({esp} click tracking; the landing page's "
        "UTMs are known only after the redirect)"
    )


def send(tmp_path: Path, *hrefs: str, domain: str = "shop.test") -> Path:
    """A saved test send from news@``domain`` whose HTML links to ``hrefs``, one a line (the
    first on line 2 of the part, line 9 of the file: findings name the file's lines)."""
    links = "\n".join(f'<a href="{href}">Catalog {n}</a>' for n, href in enumerate(hrefs, 1))
    eml = tmp_path / "m.eml"
    eml.write_text(
        f"From: Shop <news@{domain}>\nTo: a@b.test\nSubject: Sale\n"
        f"List-Unsubscribe: <https://{domain}/u/1>\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        f'<html lang="en"><body><p>Hi</p>\n{links}\n'
        f'<a href="https://{domain}/u/1">Unsubscribe</a></body></html>\n',
        encoding="utf-8",
    )
    return eml


def utm001(
    tmp_path: Path, *hrefs: str, domain: str = "shop.test"
) -> list[tuple[Severity, str, tuple[str, ...], str | None]]:
    found = only(check(send(tmp_path, *hrefs, domain=domain)), "UTM001")
    return [(f.severity, f.message, f.places, f.url) for f in found]


@pytest.mark.parametrize(
    ("tracker", "message"),
    [
        # SendGrid's branded link: a known ESP's shape, named
        (
            "https://click.shop.test/ls/click?upn=aGVsbG8td29ybGQtdGVzdA",
            unverified("SendGrid or Klaviyo"),
        ),
        # an ESP's /c/ path on the site; a tracker's host, token in the path: no ESP's shape
        ("https://shop.test/c/eJyrVkrLz1eyUkpKLFKqBQApJgUx", UNVERIFIED),
        ("https://links.shop.test/CL0/9f3bA21c77e04d5a8b", UNVERIFIED),
    ],
)
def test_a_branded_click_tracker_offline_is_could_not_verify(
    tmp_path: Path, tracker: str, message: str
) -> None:
    # it was an error "link lacks utm_source, …": its own URL says nothing of the landing's
    assert utm001(tmp_path, tracker) == [(Severity.WARNING, message, ("m.eml:9",), tracker)]


def test_a_plain_page_without_utms_stays_an_error_beside_a_tracker(tmp_path: Path) -> None:
    # no silent pass: the site's own pages, a "track your order" page among them, are pages
    tracker = "https://click.shop.test/ls/click?upn=aGVsbG8td29ybGQtdGVzdA"
    pages = ["https://shop.test/sale", "https://shop.test/track?order=15"]
    assert utm001(tmp_path, tracker, *pages) == [
        (
            Severity.ERROR,
            f"2 links lack {LACKS}: {pages[0]}, {pages[1]}",
            ("m.eml:10", "m.eml:11"),
            None,
        ),
        (Severity.WARNING, unverified("SendGrid or Klaviyo"), ("m.eml:9",), tracker),
    ]


def test_a_redirect_whose_target_is_written_in_hex_is_judged_by_the_target(
    tmp_path: Path,
) -> None:
    """A mailer's own ``/redirect/?…&href=<hex>`` writes its target hex-encoded: with the
    UTMs there, the link has them (it was an error); a target without them is still one,
    and a target on another site is a partner's page, not UTM001's."""

    def redirect(target: str) -> str:
        return f"https://shop.test/redirect/?target=stat&linknum=0&href={target.encode().hex()}"

    tagged = redirect(f"https://shop.test/?{UTM}")
    untagged = redirect("https://shop.test/new")
    partner = redirect("http://ad.partner.test/cgi-bin/click.cgi?sid=1&ad=625540")
    assert utm001(tmp_path, tagged, partner) == []
    assert utm001(tmp_path, tagged, untagged) == [
        (Severity.ERROR, f"link lacks {LACKS}", ("m.eml:10",), untagged)
    ]


# The site's own pages on a tracker-like path or host, each with a long run of letters and
# digits: a slug, a year, a size, an upper-case code under a key a page reads (a SKU, an
# order, a promo code). Taken for click trackers, they were warnings "could not verify"
# offline: a silent pass for a page that lacks its UTMs (QA probe)
SHOP_PAGES = [
    "https://shop.ru/c/nike-air-max-270-black",
    "https://shop.ru/c/summer-sale-2026",
    "https://shop.ru/click/winter-collection-2026",
    "https://www.shop.ru/c/123456/sneakers-men-2026",
    "https://shop.ru/track?order=A1B2C3D4E5F6G7H8",
    "https://shop.ru/c/shoes?sku=AB1234567890CDEF",
    "https://shop.ru/r/sale?promo=BLACKFRIDAY2026XX",
    "https://go.shop.ru/promo/black-friday-2026-deals",
    "https://link.shop.ru/product/iphone-15-pro-max-256gb",
    "https://click.shop.ru/c/winter_sale-2026_men-shoes",
    # words a person ran together, and the values of keys a page reads
    "https://shop.ru/c/sale?src=emailDecember2026",
    "https://go.shop.ru/promo/iPhone15ProMax256GB",
    "https://shop.ru/c/shoes?productId=Ab12Cd34Ef56Gh78Ij",
]
# Click trackers on the site's domain: an encoded token (base64, base62, a hex digest)
SHOP_TRACKERS = [
    "https://click.shop.ru/ls/click?upn=aGVsbG8xMjM0NTY3OA",
    "https://links.shop.ru/c/AbCdEf0123456789xyZ",
    "https://shop.ru/r/3f2a9c1e4b5d6e7f8a9b0c1d2e3f4a5b",
    # SendGrid's: base64url pieces between its "-2F"/"-3D" escapes and dots
    "https://click.shop.ru/ls/click?upn=u001.Xk9aB7-2FqLm3Zt8Vw2RrYy0Qp5Hc-3D-3D",
    # SendGrid's older link path; a branded tracker's token as its first segment
    "https://url1234.shop.ru/wf/click?upn=u001.Xk9aB7-2FqLm3Zt8Vw2RrYy0Qp5Hc-3D-3D",
    "https://click.shop.ru/AbC12dEf34GhI56jKl78",
]


@pytest.mark.parametrize("page", SHOP_PAGES)
def test_a_shop_page_on_a_tracker_like_path_without_utms_is_an_error(
    tmp_path: Path, page: str
) -> None:
    assert utm001(tmp_path, page, domain="shop.ru") == [
        (Severity.ERROR, f"link lacks {LACKS}", ("m.eml:9",), page)
    ]


@pytest.mark.parametrize("tracker", SHOP_TRACKERS)
def test_an_encoded_token_on_a_trackers_path_is_still_a_tracker(
    tmp_path: Path, tracker: str
) -> None:
    message = (
        unverified("SendGrid or Klaviyo")
        if "/ls/click" in tracker or "/wf/" in tracker
        else UNVERIFIED
    )
    assert utm001(tmp_path, tracker, domain="shop.ru") == [
        (Severity.WARNING, message, ("m.eml:9",), tracker)
    ]


def test_shop_pages_and_trackers_together_are_one_error_and_one_warning(tmp_path: Path) -> None:
    # every page is listed at its place in one error; the trackers are one warning
    found = utm001(tmp_path, *SHOP_PAGES, *SHOP_TRACKERS, domain="shop.ru")
    pages = len(SHOP_PAGES)
    assert found == [
        (
            Severity.ERROR,
            f"{pages} links lack {LACKS}: {', '.join(SHOP_PAGES[:3])} and {pages - 3} more",
            tuple(f"m.eml:{line + 7}" for line in range(2, 2 + pages)),
            None,
        ),
        (
            Severity.WARNING,
            f"could not verify that 6 links have {LACKS} (click-tracking links; the landing "
            f"pages' UTMs are known only after the redirect): {', '.join(SHOP_TRACKERS[:3])} "
            "and 3 more",
            tuple(f"m.eml:{line + 7}" for line in range(2 + pages, 8 + pages)),
            None,
        ),
    ]


# Known ESPs' click-tracker shapes (mailcheck/data/click_trackers.toml) on the sender's own
# domain. The branded HubSpot and Eloqua links, and a standard base64 token with "+" and "/"
# in a query value, were errors "link lacks …" (a false error on every such campaign); the
# others were the nameless warning
ESP_TRACKERS = [
    (
        "https://info.shop.example/e3t/Ctc/LX+113/cJhM404/VWq8Zk3Hf2pRW6Tn1Jk9yLmQbW1xPz3n4Vd8rT0",
        "HubSpot",
    ),
    ("https://shop.example/e3t/Btc/OT+113/d4K34c04/VW1j0-8VyGVbW87fddt3RgRNpV3Z50p5", "HubSpot"),
    (
        "https://app.shop.example/e/er?s=1234567&lid=4321"
        "&elqTrackId=4f2a9c1e4b5d6e7f8a9b0c1d2e3f4a5b&elq=00000000000000000000000000000000",
        "Oracle Eloqua",
    ),
    ("https://app.shop.example/e/er?s=1234567&lid=88&elq=7c1d2e3f4a5b6c7d", "Oracle Eloqua"),
    ("https://news.shop.example/e/c/eyJlbWFpbF9pZCI6IkFCQzEyMyJ9/0a1b2c3d4e", "Customer.io"),
    ("https://email.shop.example/c/eJwNyUEKgCAQBdC7uN5Fo2hT0Xl", "Mailgun"),
    ("https://click.shop.example/f/a/Xk9aB7qLm3Zt8Vw2RrYy0Q~~/AAAAAQA~/RgRpZuawP0Q", "SparkPost"),
    (
        "https://click.e.shop.example/?qs=" + "4f2a9c1e4b5d6e7f8a9b0c1d2e3f4a5b" * 3,
        "Salesforce Marketing Cloud",
    ),
    # HubSpot's older shapes, with their encoded link after the prefix (invented tokens)
    ("https://t.shop.example/e2t/tc/VWq8rT3yJSqZW4Jb5GX5X4xj0/MKd3xK8Wn2Lq9bT4Z5dPq7rW", "HubSpot"),
    ("https://shop.example/e1t/c/5/f18dQhb0S7lM8dDMPbW2n0x6l2B9nMJN7t5X9Mmb/Ab12Cd34", "HubSpot"),
    # ... whose ids HubSpot writes starred, no other token after them: they were the error
    # "link lacks …" (invented tokens)
    (
        "https://t.shop.example/e2t/c/*W2nXbxy4bF7bzW3Mh1Rn4mW-JL0*/*N5bzVbSd7JQPW3Bxg0*/5/f18",
        "HubSpot",
    ),
    ("https://shop.example/e3t/Ctc/LX+113/*W3bY2Lf8Yk4fKN1FJVdkwFhRl0/5", "HubSpot"),
]


@pytest.mark.parametrize(("tracker", "esp"), ESP_TRACKERS)
def test_a_known_esps_tracker_shape_is_could_not_verify_and_names_the_esp(
    tmp_path: Path, tracker: str, esp: str
) -> None:
    assert utm001(tmp_path, tracker, domain="shop.example") == [
        (Severity.WARNING, unverified(esp), ("m.eml:9",), tracker)
    ]


def test_trackers_of_two_esps_are_one_warning_naming_both(tmp_path: Path) -> None:
    hubspot, eloqua = ESP_TRACKERS[0][0], ESP_TRACKERS[2][0]
    assert utm001(tmp_path, hubspot, eloqua, domain="shop.example") == [
        (
            Severity.WARNING,
            f"could not verify that 2 links have {LACKS} (HubSpot, Oracle Eloqua click "
            f"tracking; the landing pages' UTMs are known only after the redirect): "
            f"{hubspot}, {eloqua}",
            ("m.eml:9", "m.eml:10"),
            None,
        )
    ]


def test_a_standard_base64_token_with_plus_and_slash_is_a_token(tmp_path: Path) -> None:
    # parse_qsl reads "+" as a space: "AbC dEf/…" was no token, and the tracker an error
    tracker = "https://links.shop.example/click?d=AbC+dEf/GhIjK1mN2oP3qR4s="
    assert utm001(tmp_path, tracker, domain="shop.example") == [
        (Severity.WARNING, UNVERIFIED, ("m.eml:9",), tracker)
    ]


# Trackers that write their target in a shape of their own: the target's UTMs count (it was
# the nameless warning "could not verify")
UNISENDER = "https://link.shop.example/ru/mail_link_tracker?hash=6nru4hc1k9unn1ydk7atpk&url="
SES = "https://track.shop.example/CL0/"
SES_TAIL = "/1/0100018f2b3c4d5e-6f7a8b9c-0d1e-2f3a-4b5c-6d7e8f9a0b1c-000000/AbCdEf0123="
POSTMARK = "https://click.shop.example/3s/"
POSTMARK_TAIL = "/AbCd/EfGh/AQ/0e7d5c4b-3a29-4817-9f6e-5d4c3b2a1908/1/XyZ0aB1cD2"


def test_a_target_written_by_a_known_shape_is_judged(tmp_path: Path) -> None:
    tagged = [
        UNISENDER + "aHR0cHM6Ly9zaG9wLmV4YW1wbGUvc2FsZT91dG1fc291cmNlPW5ld3MmdXRtX21lZGl1bT1lbWFp"
        "bCZ1dG1fY2FtcGFpZ249c2FsZQ==",
        SES + "https:%2F%2Fshop.example%2Fsale%3F" + UTM.replace("&", "%26") + SES_TAIL,
        POSTMARK + "shop.example%2Fsale%3F" + UTM.replace("&", "%26") + POSTMARK_TAIL,
        # a partner's page: not UTM001's
        UNISENDER + "aHR0cHM6Ly9wYXJ0bmVyLmV4YW1wbGUvb2ZmZXI=",
    ]
    untagged = [
        UNISENDER + "aHR0cHM6Ly9zaG9wLmV4YW1wbGUvc2FsZQ==",
        SES + "https:%2F%2Fshop.example%2Fsale" + SES_TAIL,
        POSTMARK + "shop.example%2Fsale" + POSTMARK_TAIL,
    ]
    assert utm001(tmp_path, *tagged, domain="shop.example") == []
    assert utm001(tmp_path, *tagged, *untagged, domain="shop.example") == [
        (
            Severity.ERROR,
            f"3 links lack {LACKS}: {', '.join(untagged)}",
            ("m.eml:13", "m.eml:14", "m.eml:15"),
            None,
        )
    ]


# The site's own pages that looked like trackers (an opaque-looking id on a tracker's path or
# host): they were the warning "could not verify", a silent pass for a page without its UTMs
PAGES_NOT_TRACKERS = [
    "https://shop.example/c/5f1a2b3c4d5e6f7a8b9c0d1e",  # a category by its MongoDB ObjectId
    "https://shop.example/track/3f2a9c1e-4b5d-4e7f-8a9b-0c1d2e3f4a5b",  # an order by its UUID
    # a Marketo landing page: mkt_tok is what Marketo appends to the page it lands on
    "https://go.shop.example/webinar-2026?mkt_tok=MTIzLUFCQy00NTYAAAGTxYz0Q1w2E3r4T5y6U7i8O9p",
    "https://shop.example/r/account?session=Xk9aB7qLm3Zt8Vw2RrYy0Qp5",
    "https://go.shop.example/invoice?sig=Ab12Cd34Ef56Gh78Ij90KlMn",
    # a relative target: the page it sends the reader to is written
    "https://shop.example/redirect?to=/sale&t=Xk9aB7qLm3Zt8Vw2RrYy0Qp5",
    # the site's own pages on a path HubSpot's trackers start with, but no encoded link after
    # it: they were "HubSpot click tracking", not the missing UTMs
    "https://shop.example/e1t/spring-sale",
    "https://shop.example/e2t/news/AirMax270Black2026",
    "https://shop.example/e3t/Ctc/spring/sale-2026",
    # a star that wraps no token, one inside a segment, a starred token off HubSpot's paths
    "https://shop.example/e2t/news/*AirMax270Black2026*",
    "https://shop.example/e2t/c/W2nXbxy4bF7bz*W3Mh1Rn4mW",
    "https://shop.example/sale/*W2nXbxy4bF7bzW3Mh1Rn4mW*/",
]


@pytest.mark.parametrize("page", PAGES_NOT_TRACKERS)
def test_a_page_with_an_id_on_a_tracker_like_url_is_an_error(tmp_path: Path, page: str) -> None:
    assert utm001(tmp_path, page, domain="shop.example") == [
        (Severity.ERROR, f"link lacks {LACKS}", ("m.eml:9",), page)
    ]


def test_the_pages_together_are_one_error_at_every_place(tmp_path: Path) -> None:
    found = utm001(tmp_path, *PAGES_NOT_TRACKERS, domain="shop.example")
    count = len(PAGES_NOT_TRACKERS)
    assert found == [
        (
            Severity.ERROR,
            f"{count} links lack {LACKS}: {', '.join(PAGES_NOT_TRACKERS[:3])} and {count - 3} more",
            tuple(f"m.eml:{line + 7}" for line in range(2, 2 + count)),
            None,
        )
    ]


def test_a_relative_target_with_the_utms_has_them(tmp_path: Path) -> None:
    # the same site's page the redirect writes carries them: the link has them (was an error)
    link = "https://shop.example/redirect?to=/sale%3F" + UTM.replace("&", "%26")
    assert utm001(tmp_path, link, domain="shop.example") == []


@pytest.mark.parametrize(
    "page",
    [
        # not certain to be trackers, so kept errors (no change): a lower-case base36 run is
        # what a slug with a model number looks like too, and "?id=" is a page's record
        "https://click.shop.example/c/5ophjexcycqe5wnr3ykwqf6hro",
        "https://shop.example/r?id=Xk9aB7qLm3Zt8Vw2RrYy0Qp5",
    ],
)
def test_uncertain_tokens_stay_errors(tmp_path: Path, page: str) -> None:
    assert utm001(tmp_path, page, domain="shop.example") == [
        (Severity.ERROR, f"link lacks {LACKS}", ("m.eml:9",), page)
    ]


# Shapes of a click tracker with an opaque identifier, no ESP's (QA probe: they were errors):
# a "/l/" link with long runs of letters and digits, a redirect script by its name (rd, goto)
# with the click's id, a CGI script whose whole query is one encoded token
REDIRECT_SHAPES = [
    "https://shop.ru/l/lc1CD3615SO370MA/1222K1383FY1979KO249B81339090MO3323432606",
    "https://shop.ru/rd/rd.cfm?id=020709S1-iHateSpam&mid=9665862091709486",
    "https://www.shop.ru/cgi-bin/goto?on=de020756",
    "https://www.shop.ru/cgi-bin/goto?on=020758",
    "https://dms.shop.ru/cgi-bin/gx.cgi/mcp?p=041H1h041H2g55Ep6l012000WRnwBz",
    "https://dms.shop.ru/cgi-bin/gx.cgi/mcp?p=041H0$041H2g55Ep6l012000WRnwBz",
]
# ... and the pages beside them that stay errors
REDIRECT_LIKE_PAGES = [
    "https://shop.ru/l/summer-sale-2026",
    "https://shop.ru/l/AB1234567890CDEF",  # a SKU: shorter than a tracker's run
    "https://shop.ru/cgi-bin/oraclepress/0072224746.html",
    "https://shop.ru/cgi-bin/catalog?session=Xk9aB7qLm3Zt8Vw2RrYy0Qp5",
    "https://shop.ru/cgi-bin/shop.cgi?p=Xk9aB7qLm3Zt8Vw2RrYy0Qp5&cat=shoes",
    "https://shop.ru/goto?page=sale2026",  # a key a page reads
    "https://shop.ru/rd/rd.cfm?id=020709S1-iHateSpam",
]


@pytest.mark.parametrize("tracker", REDIRECT_SHAPES)
def test_a_redirect_with_an_opaque_id_is_could_not_verify(tmp_path: Path, tracker: str) -> None:
    assert utm001(tmp_path, tracker, domain="shop.ru") == [
        (Severity.WARNING, UNVERIFIED, ("m.eml:9",), tracker)
    ]


def test_redirect_shapes_and_their_pages_are_one_warning_and_one_error(tmp_path: Path) -> None:
    found = utm001(tmp_path, *REDIRECT_SHAPES, *REDIRECT_LIKE_PAGES, domain="shop.ru")
    trackers, pages = len(REDIRECT_SHAPES), len(REDIRECT_LIKE_PAGES)
    assert [(severity, places) for severity, _, places, _ in found] == [
        (
            Severity.ERROR,
            tuple(f"m.eml:{line + 7}" for line in range(2 + trackers, 2 + trackers + pages)),
        ),
        (Severity.WARNING, tuple(f"m.eml:{line + 7}" for line in range(2, 2 + trackers))),
    ]
    assert found[0][1].startswith(f"{pages} links lack {LACKS}: {REDIRECT_LIKE_PAGES[0]}, ")
