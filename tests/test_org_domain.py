"""Organisational domains (RFC 7489 §3.2) from the Public Suffix List, in either form of an
internationalised name: the list is read in Unicode only, a punycode host is decoded for it."""

from __future__ import annotations

import pytest

from mailcheck.domains import is_domain_name, org_domain


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("news.acme.co.uk", "acme.co.uk"),  # a two-label public suffix
        ("A.Example.COM.", "example.com"),  # case and the root's dot do not matter
        ("a.b.github.io", "b.github.io"),  # a private suffix of the list counts too
        ("mail.магазин.рф", "магазин.рф"),
        ("mail.xn--80aswg.xn--p1ai", "xn--80aswg.xn--p1ai"),  # магазин.рф, as DNS writes it
        # ศึกษา.ไทย is a public suffix of two labels: only a decoded host finds that rule
        ("www.school.ศึกษา.ไทย", "school.ศึกษา.ไทย"),
        ("www.school.xn--o3cyx2a.xn--o3cw4h", "school.xn--o3cyx2a.xn--o3cw4h"),
        ("shop.xn--bad-.com", "xn--bad-.com"),  # not valid punycode: a plain label
        ("com", "com"),  # a suffix alone has no organisation below it
    ],
)
def test_org_domain(host: str, expected: str) -> None:
    assert org_domain(host) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ири.рф", True),
        ("xn--h1aax.xn--p1ai", True),  # ири.рф: the list knows рф in Unicode only
        ("school.xn--o3cyx2a.xn--o3cw4h", True),
        ("acme.ru", True),
        ("logo.png", False),  # a file name, not a domain
        ("same-link-as-button.url", False),
        # special-use and private names are hosts (session 30)
        ("acme.alt", True),
        ("acme.internal", True),
        ("intranet.corp", True),
        ("printer.lan", True),
        ("acme.invalid", True),
    ],
)
def test_is_domain_name(name: str, expected: bool) -> None:
    assert is_domain_name(name) is expected
