"""Which URL the link checker asks for: the one a browser opens, read as the offline rules read it.

No network: :func:`request_url` only decides what a request would be sent to.
"""

from __future__ import annotations

import pytest

from mailcheck.facts import LinkResult
from mailcheck.linkinfo import is_web, list_unsubscribe_targets, placeholder_reason, url_problem
from mailcheck.model import Link
from mailcheck.net.links import list_unsubscribe_urls, request_url
from mailcheck.templating.system import placeholder


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


@pytest.mark.parametrize(
    ("href", "problem"),
    [
        ("htp://acme.test/sale", "“htp:” is not a web address scheme (a typo of http?)"),
        ("htttps://acme.test/sale", "“htttps:” is not a web address scheme (a typo of http?)"),
        ("http://", "“http://” with no address after it"),
        ("https:///", "“https://” with no address after it"),
        ("http://[::1/sale", "not a valid URL (malformed IPv6 address)"),
        ("https://acme.test:99999/", "not a valid URL (the port is not a number from 1 to 65535)"),
        ("https://acme.test:0/", "not a valid URL (the port is not a number from 1 to 65535)"),
        ("https://acme.test:80a/", "not a valid URL (the port is not a number from 1 to 65535)"),
        ("https://?utm_source=email", "not a valid URL (no host name)"),
        ("https://acme test.ru/sale", "not a valid URL (“acme test.ru” is not a host name)"),
        ("https://acme..test/", "not a valid URL (“acme..test” is not a host name)"),
        ("https://-acme.test/", "not a valid URL (“-acme.test” is not a host name)"),
        ("https://acme.test /sale", "not a valid URL (“acme.test ” is not a host name)"),
        (
            "https://https://acme.test/sale",
            "not a valid URL (the scheme is written twice: “https://https://”)",
        ),
        (
            "https://http//acme.test/",
            "not a valid URL (the scheme is written twice: “https://http//”)",
        ),
        ("http//acme.test/sale", "“http//” lacks the colon after http"),
        ("HTTPS//acme.test/sale", "“HTTPS//” lacks the colon after https"),
        (
            "https:/acme.test/sale",
            "“https:/” needs two slashes after the colon (write https://acme.test/sale): only "
            "a browser opening it on its own guesses the site; through a click tracker's "
            "redirect or in web mail it opens a page of their own site",
        ),
        (
            "https:/acme.test/catalogue/shoes?utm_source=email",  # the fix shown, not repeated
            "“https:/” needs two slashes after the colon (write https://acme.test/catalogue/shoes?utm_…): "
            "only a browser opening it on its own guesses the site; through a click tracker's "
            "redirect or in web mail it opens a page of their own site",
        ),
        (
            "HTTP:acme.test",
            "“HTTP:” needs two slashes after the colon (write http://acme.test): only a browser "
            "opening it on its own guesses the site; through a click tracker's redirect or in "
            "web mail it opens a page of their own site",
        ),
    ],
)
def test_a_web_address_no_browser_can_open(href: str, problem: str) -> None:
    assert url_problem(href) == problem
    # one finding: the offline rule's (LNK003), not also the link checker's "invalid"
    assert request_url(href) is None


@pytest.mark.parametrize(
    "href",
    [
        "https://acme.test/sale",
        "HTTPS://ACME.TEST/Sale",
        "https:///acme.test/sale",  # a browser skips every slash before the host
        "https:\\\\acme.test\\sale",
        "https://магазин.рф/акция",
        "https://shop_news.acme.test/",
        "https://acme.test./",
        "https://[::1]:8443/",
        "https://acme.test:8443/",
        "https://user@acme.test/",
        "https://{{ host }}/sale",  # the template's business
        "https://*|DOMAIN|*/sale",
        "hxxp://acme.test/",  # defanged on purpose
        "ftp://acme.test/file",
        "tg://resolve?domain=acme",
        "itms-apps://apps.apple.com/app/id1",
        "mailto:info@acme.test",
        "/relative/path",
        "",
    ],
)
def test_what_a_browser_opens_is_no_url_problem(href: str) -> None:
    assert url_problem(href) is None


@pytest.mark.parametrize(
    "href", ["https:///acme.test/sale", "https:////acme.test/sale", "https:\\\\acme.test/sale"]
)
def test_the_link_checker_requests_what_a_browser_opens(href: str) -> None:
    # no offline finding, so the link checker must request the page (it called three
    # slashes "invalid: no host name", an error online for a link that opens)
    assert request_url(href) == "https://acme.test/sale"


def test_a_url_the_esp_fills_in_after_a_scheme_is_not_judged() -> None:
    # 1C-Bitrix's "https://#URL#": whether the ESP's URL brings a scheme of its own, only the
    # send tells; rendered, it is a URL inside a URL
    rendered = f"https://{placeholder('URL')}"
    link = Link(href=rendered, kind="a", text="Войти", line=1, raw="https://#URL#")
    assert placeholder_reason(link) is None
    result = request_url(rendered)
    assert isinstance(result, LinkResult) and result.verdict == "excluded"
    # a URL the ESP fills in as a parameter of a real page leaves the page to be requested
    page = f"https://acme.test/login?next={placeholder('URL')}"
    assert request_url(page) == page
    # written so, the scheme is doubled whatever the ESP fills in
    doubled = Link(href="https://https://acme.test/", kind="a", raw="https://https://{{ x }}")
    assert placeholder_reason(doubled) == (
        "not a valid URL (the scheme is written twice: “https://https://”)"
    )


def test_a_merge_tag_an_editor_percent_encoded_is_not_judged() -> None:
    href = "https://%7B%7Bdomain%7D%7D/sale"  # "{{domain}}" after a WYSIWYG editor
    assert url_problem(href) is None
    result = request_url(href)
    assert isinstance(result, LinkResult) and result.verdict == "excluded"
