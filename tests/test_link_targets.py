"""Which URL the link checker asks for: the one a browser opens, read as the offline rules read it.

No network: :func:`request_url` only decides what a request would be sent to.
"""

from __future__ import annotations

from mailcheck.facts import LinkResult
from mailcheck.linkinfo import is_web, list_unsubscribe_targets
from mailcheck.net.links import list_unsubscribe_urls, request_url


def test_control_characters_at_the_ends_are_dropped_as_a_browser_does() -> None:
    # WHATWG URL strips C0 controls and spaces at both ends: the link opens its page, so the
    # checker must request it rather than call it "not a valid URL".
    for href in (
        "\x01https://acme.test/sale",
        "https://acme.test/sale\x00",
        "\x1f https://acme.test/sale\x0b",
    ):
        assert is_web(href)
        assert request_url(href) == "https://acme.test/sale", repr(href)


def test_a_control_character_inside_the_url_is_still_invalid() -> None:
    result = request_url("https://acme.test/sa\x01le")
    assert isinstance(result, LinkResult)
    assert result.verdict == "invalid"
    assert "not a valid URL" in result.reason


def test_wrapped_href_is_joined_before_its_scheme_is_read() -> None:
    # an editor's line break inside the scheme: a browser reads "https:", and so do both sides
    href = "ht\ntps://acme.test/\r\n\tsale"
    assert is_web(href)
    assert request_url(href) == "https://acme.test/sale"


def test_list_unsubscribe_header_read_once_for_both_sides() -> None:
    value = "<mailto:u@acme.ru?subject=unsub>, < https://acme.ru/u/1 >,<http://acme.ru/u/2>"
    headers = {"List-Unsubscribe": value}
    # the offline rules see every target, in the order written …
    assert list_unsubscribe_targets(headers) == [
        "mailto:u@acme.ru?subject=unsub",
        "https://acme.ru/u/1",
        "http://acme.ru/u/2",
    ]
    # … the link checker requests the web ones among them
    assert list_unsubscribe_urls(headers) == ["https://acme.ru/u/1", "http://acme.ru/u/2"]
    assert list_unsubscribe_targets({"Subject": "no header"}) == []
