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


def send(tmp_path: Path, *hrefs: str, domain: str = "shop.test") -> Path:
    """A saved test send from news@``domain`` whose HTML links to ``hrefs``, one a line (the
    first on line 2 of the part)."""
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
    "tracker",
    [
        "https://click.shop.test/ls/click?upn=aGVsbG8td29ybGQtdGVzdA",  # SendGrid's branded link
        "https://shop.test/c/eJyrVkrLz1eyUkpKLFKqBQApJgUx",  # an ESP's /c/ path on the site
        "https://links.shop.test/CL0/9f3bA21c77e04d5a8b",  # a tracker's host, token in the path
    ],
)
def test_a_branded_click_tracker_offline_is_could_not_verify(tmp_path: Path, tracker: str) -> None:
    # it was an error "link lacks utm_source, …": its own URL says nothing of the landing's
    assert utm001(tmp_path, tracker) == [
        (Severity.WARNING, UNVERIFIED, ("text/html part:2",), tracker)
    ]


def test_a_plain_page_without_utms_stays_an_error_beside_a_tracker(tmp_path: Path) -> None:
    # no silent pass: the site's own pages, a "track your order" page among them, are pages
    tracker = "https://click.shop.test/ls/click?upn=aGVsbG8td29ybGQtdGVzdA"
    pages = ["https://shop.test/sale", "https://shop.test/track?order=15"]
    assert utm001(tmp_path, tracker, *pages) == [
        (
            Severity.ERROR,
            f"2 links lack {LACKS}: {pages[0]}, {pages[1]}",
            ("text/html part:3", "text/html part:4"),
            None,
        ),
        (Severity.WARNING, UNVERIFIED, ("text/html part:2",), tracker),
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
        (Severity.ERROR, f"link lacks {LACKS}", ("text/html part:3",), untagged)
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
        (Severity.ERROR, f"link lacks {LACKS}", ("text/html part:2",), page)
    ]


@pytest.mark.parametrize("tracker", SHOP_TRACKERS)
def test_an_encoded_token_on_a_trackers_path_is_still_a_tracker(
    tmp_path: Path, tracker: str
) -> None:
    assert utm001(tmp_path, tracker, domain="shop.ru") == [
        (Severity.WARNING, UNVERIFIED, ("text/html part:2",), tracker)
    ]


def test_shop_pages_and_trackers_together_are_one_error_and_one_warning(tmp_path: Path) -> None:
    # every page is listed at its place in one error; the trackers are one warning
    found = utm001(tmp_path, *SHOP_PAGES, *SHOP_TRACKERS, domain="shop.ru")
    pages = len(SHOP_PAGES)
    assert found == [
        (
            Severity.ERROR,
            f"{pages} links lack {LACKS}: {', '.join(SHOP_PAGES[:3])} and {pages - 3} more",
            tuple(f"text/html part:{line}" for line in range(2, 2 + pages)),
            None,
        ),
        (
            Severity.WARNING,
            f"could not verify that 6 links have {LACKS} (click-tracking links; the landing "
            f"pages' UTMs are known only after the redirect): {', '.join(SHOP_TRACKERS[:3])} "
            "and 3 more",
            tuple(f"text/html part:{line}" for line in range(2 + pages, 8 + pages)),
            None,
        ),
    ]
