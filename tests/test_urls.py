"""URL normalisation for the link checker: the form a URL is requested (and deduplicated) in."""

from __future__ import annotations

import pytest

from mailcheck.net.urls import InvalidURL, address_of, join, normalise


@pytest.mark.parametrize(
    ("given", "requested"),
    [
        (
            "https://пример.рф/путь?q=значение",
            "https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C"
            "?q=%D0%B7%D0%BD%D0%B0%D1%87%D0%B5%D0%BD%D0%B8%D0%B5",
        ),
        ("http://münchen.de/", "http://xn--mnchen-3ya.de/"),  # IDNA 2008 with UTS #46 mapping
        ("HTTP://Acme.RU:80/A/./b/../c?x=1 2", "http://acme.ru/A/c?x=1%202"),
        ("https://acme.ru:443/x", "https://acme.ru/x"),
        ("https://acme.ru:8443/x", "https://acme.ru:8443/x"),
        ("http://acme.ru", "http://acme.ru/"),
        ("http://acme.ru/a/b/..", "http://acme.ru/a/"),
        ("http://acme.ru/.well-known/x", "http://acme.ru/.well-known/x"),
        ("http://acme.ru/%D0%BF%7e?x=%zz", "http://acme.ru/%D0%BF%7e?x=%zz"),  # escapes kept
        ("http://acme.ru/{id}|x", "http://acme.ru/%7Bid%7D%7Cx"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://user:secret@acme.ru/", "http://user:secret@acme.ru/"),
        (
            "https://shop.ru/?utm_source=email&utm_campaign=Чёрная пятница",
            "https://shop.ru/?utm_source=email&utm_campaign="
            "%D0%A7%D1%91%D1%80%D0%BD%D0%B0%D1%8F%20%D0%BF%D1%8F%D1%82%D0%BD%D0%B8%D1%86%D0%B0",
        ),
    ],
)
def test_normalise(given: str, requested: str) -> None:
    assert normalise(given) == requested
    assert normalise(requested) == requested  # the requested form is a fixed point


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("http://", "no host name"),
        ("https://exa mple.com/", "not a valid host name"),
        ("https://a..b/", "not a valid host name"),
        ("http://-acme.ru/", "not a valid host name"),
        ("http://999.1.1.1/", "not a valid IPv4 address"),
        ("http://[::zz]/", "::zz"),
        ("http://acme.ru:0/", "port 0 out of range"),
        ("http://acme.ru:99999/", "out of range"),
        ("http://acme.ru:abc/", "abc"),
        ("http://☃.net/", "not a valid international domain name"),  # IDNA 2008 forbids it
        ("ftp://acme.ru/", "not an http(s) URL"),
    ],
)
def test_invalid(given: str, words: str) -> None:
    with pytest.raises(InvalidURL, match=words.replace("(", r"\(").replace(")", r"\)")):
        normalise(given)


def test_join_follows_redirects_like_a_browser() -> None:
    assert join("http://acme.ru/x/y?z=1", "../w") == "http://acme.ru/w"
    assert join("http://acme.ru/x", "//cdn.acme.ru/c d") == "http://cdn.acme.ru/c%20d"
    assert join("https://acme.ru/", " /путь ") == "https://acme.ru/%D0%BF%D1%83%D1%82%D1%8C"
    assert join("http://acme.ru/x", "https://Other.RU:443") == "https://other.ru/"
    # an app deep link at the end of a chain is reported as it is, never requested
    assert join("http://acme.ru/x", "myapp://open?id=1") == "myapp://open?id=1"


def test_address_of_a_normalised_url() -> None:
    for href, expected in (
        ("https://пример.рф/путь?q=1#top", ("https", "xn--e1afmkfd.xn--p1ai", 443)),
        ("http://[::1]:8080", ("http", "::1", 8080)),
        ("http://user:secret@Acme.RU/a", ("http", "acme.ru", 80)),
    ):
        address = address_of(normalise(href.split("#")[0]))
        assert (address.scheme, address.host, address.port) == expected
    assert address_of("http://[::1]:8080").netloc == b"[::1]:8080"
    assert address_of("http://[::1]:8080").target == b"/"
    assert address_of("http://user:secret@acme.ru/a?b=%D0%B0").netloc == b"acme.ru"
    assert address_of("http://user:secret@acme.ru/a?b=%D0%B0").target == b"/a?b=%D0%B0"
    with pytest.raises(InvalidURL):
        address_of("mailto:a@acme.ru")
