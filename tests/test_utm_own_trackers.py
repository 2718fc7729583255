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


def send(tmp_path: Path, *hrefs: str) -> Path:
    """A saved test send from news@shop.test whose HTML links to ``hrefs``, one a line (the
    first on line 2 of the part)."""
    links = "\n".join(f'<a href="{href}">Catalog {n}</a>' for n, href in enumerate(hrefs, 1))
    eml = tmp_path / "m.eml"
    eml.write_text(
        "From: Shop <news@shop.test>\nTo: a@b.test\nSubject: Sale\n"
        "List-Unsubscribe: <https://shop.test/u/1>\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        f'<html lang="en"><body><p>Hi</p>\n{links}\n'
        '<a href="https://shop.test/u/1">Unsubscribe</a></body></html>\n',
        encoding="utf-8",
    )
    return eml


def utm001(tmp_path: Path, *hrefs: str) -> list[tuple[Severity, str, tuple[str, ...], str | None]]:
    found = only(check(send(tmp_path, *hrefs)), "UTM001")
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
