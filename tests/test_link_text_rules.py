"""LNK003 schemes browsers run, LNK007 hosts compared after IDNA, LNK008 relative URLs offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.linkinfo import dialled, same_phone, shown_phone
from mailcheck.model import Severity
from mailcheck.net.links import request_url
from tests.helpers import check, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
FOOTER = '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'


def findings(tmp_path: Path, code: str, body: str) -> list[tuple[str, str]]:
    result = check(write_campaign(tmp_path, body=f"{body}\n{FOOTER}"))
    return [(f.location, f.message) for f in only(result, code)]


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        ("java&#x09;script:alert(1)", "javascript: link"),
        ("java&#x0A;script:void(0)", "javascript: link"),
        ("&#x01; javascript:void(0)", "javascript: link"),
        ("JavaScript:void(0)", "javascript: link"),
        ("vbscript:msgbox(1)", "vbscript: link (a browser runs or shows it, no page opens)"),
        (
            "data:text/html;base64,PHNjcmlwdD4=",
            "data: link (a browser runs or shows it, no page opens)",
        ),
    ],
)
def test_lnk003_script_and_data_links(tmp_path: Path, href: str, reason: str) -> None:
    assert findings(tmp_path, "LNK003", f'<p><a href="{href}">Купить</a></p>') == [
        ("email.html:5", f"link (“Купить”): {reason}")
    ]


def test_lnk003_data_image_is_not_a_placeholder(tmp_path: Path) -> None:
    body = '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="Logo"></p>'
    assert findings(tmp_path, "LNK003", body) == []


@pytest.mark.parametrize(
    "body",
    [
        '<p><a href="http://xn--h1aax.xn--p1ai/">ири.рф</a></p>',
        '<p><a href="http://ири.рф/news">xn--h1aax.xn--p1ai/news</a></p>',
        '<p><a href="https://www.xn--d1acpjx3f.com/">https://www.яндекс.com</a></p>',
        '<p><a href="https://ШОП.рф/">шоп.рф</a></p>',
        '<p><a href="https://shop.test/">SHOP.TEST</a></p>',
    ],
)
def test_lnk007_same_host_after_idna(tmp_path: Path, body: str) -> None:
    assert findings(tmp_path, "LNK007", body) == []


def test_lnk007_other_host_still_reported_once(tmp_path: Path) -> None:
    body = (
        '<p><a href="https://iri.center/">ири.рф</a></p>\n'
        '<p><a href="https://iri.center/">ири.рф</a></p>\n'
        '<p><a href="https://evil.test/">shop.test</a></p>'
    )
    assert findings(tmp_path, "LNK007", body) == [
        ("email.html:5", "link text shows ири.рф but the link goes to iri.center"),
        ("email.html:7", "link text shows shop.test but the link goes to evil.test"),
    ]


def test_lnk008_relative_images_one_finding(tmp_path: Path) -> None:
    body = (
        '<p><img src="images/banner.jpg" alt="Распродажа"></p>\n'
        '<table background="images/bg.jpg"><tr><td style="background:url(images/bg.jpg)">x</td></tr></table>\n'
        '<p><img src="images/banner.jpg" alt="Ещё раз"></p>'
    )
    assert findings(tmp_path, "LNK008", body) == [
        (
            "email.html:5",
            "2 relative image URLs, which no mail client can open (an e-mail has no base URL): "
            "images/banner.jpg, images/bg.jpg",
        )
    ]


NO_CLIENT = "which no mail client can open (an e-mail has no base URL)"
# webmail completes "//…" from its own page, clients guess "www…": what is certain is that
# the URL as written is no web address (it was "which some mail clients cannot open", an error
# that stated no certainty)
NO_SCHEME = (
    "has no scheme: in an e-mail there is no page to resolve it against, so as written it is "
    "no web address (a client that opens it guesses what is missing)"
)


def test_lnk008_says_how_to_write_the_url_in_the_readers_language(tmp_path: Path) -> None:
    from mailcheck.i18n import translate, translations

    d = write_campaign(tmp_path, body='<p><a href="facebook.com">fb</a></p>')
    [found] = only(check(d), "LNK008")
    said = str(translate(found.message, translations("ru")))
    assert said.endswith(": facebook.com (пишите https://facebook.com)"), said


@pytest.mark.parametrize(
    ("href", "shown", "who"),
    [
        ("/sale", "/sale", NO_CLIENT),
        (
            "www.shop.test/sale",
            "www.shop.test/sale (write https://www.shop.test/sale)",
            NO_SCHEME,
        ),
        ("facebook.com", "facebook.com (write https://facebook.com)", NO_SCHEME),
        ("//cdn.shop.test/sale", "//cdn.shop.test/sale (protocol-relative)", NO_SCHEME),
        ("../index.html", "../index.html", NO_CLIENT),
    ],
)
def test_lnk008_relative_link(tmp_path: Path, href: str, shown: str, who: str) -> None:
    said = f"relative link URL {who}" if who == NO_SCHEME else f"relative link URL, {who}"
    result = check(write_campaign(tmp_path, body=f'<p><a href="{href}">Shop</a></p>\n{FOOTER}'))
    assert [(f.location, f.message, f.severity) for f in only(result, "LNK008")] == [
        ("email.html:5", f"{said}: {shown}", Severity.ERROR)
    ]


def page_with_base(tmp_path: Path, base: str) -> Path:
    page = tmp_path / "page.html"
    page.write_text(
        f'<html lang="ru"><head>{base}<title>Скидки недели</title></head><body>\n'
        '<p><a href="sale.html">Скидки</a> <img src="//cdn.shop.test/a.png" alt="Лого"></p>\n'
        f"{FOOTER}</body></html>",
        encoding="utf-8",
    )
    return page


def test_lnk008_under_a_base_href_is_broken_for_the_clients_that_ignore_it(
    tmp_path: Path,
) -> None:
    # caniemail.com: Apple Mail, Gmail, Outlook.com, Thunderbird complete them from <base>;
    # Mail.ru, Outlook for Android and Windows Mail do not
    page = page_with_base(
        tmp_path, '<base href="https://shop.test/ru/"><base href="https://x.test/">'
    )
    [finding] = only(check(page), "LNK008")
    assert finding.message == (
        "2 relative link URLs, which some mail clients cannot open (Mail.ru, Outlook for Android "
        "and Windows Mail ignore the <base href=“https://shop.test/ru/”> others complete them "
        "from): sale.html, //cdn.shop.test/a.png (protocol-relative)"
    )
    assert finding.locations == ("page.html:2",)


@pytest.mark.parametrize(
    "base", ['<base target="_blank">', '<base href="/ru/">', '<base href="{{ site }}">']
)
def test_lnk008_a_base_without_a_web_address_completes_nothing(tmp_path: Path, base: str) -> None:
    # listmonk's templates: <base target="_blank"> sets where links open, not their address
    [finding] = only(check(page_with_base(tmp_path, base)), "LNK008")
    assert finding.message == (
        "2 relative link URLs have no scheme: in an e-mail there is no page to resolve them "
        "against, so as written they are no web addresses (a client that opens one guesses what "
        "is missing): sale.html, //cdn.shop.test/a.png (protocol-relative)"
    )
    assert "<base" not in finding.message


@pytest.mark.parametrize(
    "href",
    [
        f"https://shop.test/?{UTM}",
        "mailto:help@shop.test",
        "tel:+74950000000",
        "#top",
        "*|ARCHIVE|*",
        "{$unsubscribe}",
        "<?=$user->url()?>",
        "[webversion]",
        "#SERVER_NAME#/catalog",
    ],
)
def test_lnk008_absolute_and_template_links_pass(tmp_path: Path, href: str) -> None:
    assert findings(tmp_path, "LNK008", f'<p><a href="{href}">Shop</a></p>') == []


def test_lnk008_relative_from_an_empty_variable_is_the_variable_finding(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        body=f'<p><img src="{{{{ cdn }}}}/logo.png" alt="Logo"></p>\n{FOOTER}',
        template="jinja",
    )
    result = check(d)
    assert only(result, "LNK008") == []
    assert [f.code for f in result.findings if "cdn" in f.message][:1] == ["PER001"]


@pytest.mark.parametrize(
    "href", ["images/a.png", "/sale", "//cdn.shop.test/a.png", "www.shop.test"]
)
def test_lnk008_urls_are_not_requested_online(href: str) -> None:
    """Nothing to request: LNK008 reports them once, never also LNK001/LNK006 as "broken"."""
    assert request_url(href) is None


@pytest.mark.parametrize(
    "text", ["same-link-as-button.url", "banner.png", "отчёт.pdf", "first_name.value"]
)
def test_lnk007_text_that_only_looks_like_a_host(tmp_path: Path, text: str) -> None:
    body = f'<p><a href="https://shop.test/?{UTM}">{text}</a></p>'
    assert findings(tmp_path, "LNK007", body) == []


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ("Yandex.Market", False),  # .market, .net, .shopping are real top-level domains
        ("ASP.NET", False),
        ("CDEK.Shopping", False),
        ("yandex.market", True),  # written as an address: lower case, a scheme, www., a path
        ("https://Yandex.Market", True),
        ("www.Acme.Shop", True),
        ("Acme.Shop/sale", True),
    ],
)
def test_lnk007_a_name_with_a_dot_is_not_an_address(
    tmp_path: Path, text: str, reported: bool
) -> None:
    body = f'<p><a href="https://market.yandex.ru/business--acme/1?{UTM}">{text}</a></p>'
    assert len(findings(tmp_path, "LNK007", body)) == (1 if reported else 0)


@pytest.mark.parametrize(
    ("link", "message"),
    [
        # Foundation's visual test page (QA probe "quiet", item 6)
        ('<a href="tel:1-408-555-5555">513-555-5555</a>',
         "link text shows the phone number 513-555-5555 but the link calls 1-408-555-5555"),
        ('<a href="tel:+74951234567">8 (800) 555-35-35</a>',
         "link text shows the phone number 8 (800) 555-35-35 but the link calls +74951234567"),
        ('<a href="mailto:sales@acme.test?subject=Hi">support@acme.test</a>',
         "link text shows the address support@acme.test but the link writes to sales@acme.test"),
        ('<a href="https://evil.test/">shop.test</a>',
         "link text shows shop.test but the link goes to evil.test"),
    ],
)  # fmt: skip
def test_lnk007_a_number_or_address_shown_is_not_the_one_linked(
    tmp_path: Path, link: str, message: str
) -> None:
    body = f"<p>Контакты:</p>\n<p>{link}</p>\n<p>{link}</p>"
    result = check(write_campaign(tmp_path, body=f"{body}\n{FOOTER}"))
    [found] = only(result, "LNK007")  # one link, one finding, at both places
    assert (found.message, found.locations) == (message, ("email.html:6", "email.html:7"))


@pytest.mark.parametrize(
    "link",
    [
        # one number, written at home and after the country code: 8 and +7 in Russia
        '<a href="tel:+78005553535">8 (800) 555-35-35</a>',
        '<a href="tel:84951234567">+7 495 123-45-67</a>',
        '<a href="tel:+7%20(495)%20123-45-67;ext=12">+7&nbsp;495&nbsp;123&#8209;45&#8209;67</a>',
        '<a href="tel:+14085555555">555-5555</a>',  # shown without its area code
        '<a href="tel:+49301234567">030 1234567</a>',  # the trunk 0 at home
        # words, not a number or an address
        '<a href="tel:+74951234567">Позвонить нам</a>',
        '<a href="tel:+14085555555">Call us</a>',
        '<a href="tel:+74951234567">8 800 555-35-35 (бесплатно)</a>',
        '<a href="mailto:sales@acme.test">Write to us</a>',
        '<a href="mailto:sales@acme.test">Напишите нам</a>',
        # the same address, whatever its case or the query
        '<a href="mailto:Sales@ACME.test?subject=Заказ">sales@acme.test</a>',
        '<a href="mailto:sales@acme.test,info@acme.test">info@acme.test</a>',
        '<a href="mailto:?subject=Look">friend@acme.test</a>',  # share by mail: no address
    ],
)
def test_lnk007_the_same_number_or_address_or_words(tmp_path: Path, link: str) -> None:
    assert findings(tmp_path, "LNK007", f"<p>{link}</p>") == []


def test_lnk007_a_number_shown_with_plus_and_dialled_without_it_is_a_warning(
    tmp_path: Path,
) -> None:
    body = (
        '<p>Звоните: <a href="tel:74951234567">+7 495 123-45-67</a></p>\n'  # line 5
        "<p>Ещё раз: <a href='tel:74951234567'>+7 495 123-45-67</a>,"  # line 6: the same link
        ' <a href="tel:88005553535">+7 800 555-35-35</a></p>'  # national, for readers at home
    )
    result = check(write_campaign(tmp_path, body=f"{body}\n{FOOTER}"))
    [found] = only(result, "LNK007")
    assert found.severity is Severity.WARNING
    assert found.message == (
        "link text shows the phone number +7 495 123-45-67 but the link calls 74951234567, "
        "without the “+”: a tel: number without it is a local one (RFC 3966), which a phone "
        "dials as written, so a reader in another country calls another number or none; write "
        "tel:+74951234567"
    )
    assert found.url == "tel:74951234567"
    assert found.places == ("email.html:5", "email.html:6")


def test_russian_numbers_are_read_and_compared_as_one() -> None:
    # the cases above pass only if the text is read as a number and found the same one
    assert shown_phone("8 (800) 555-35-35") == "88005553535"
    assert dialled("tel:+78005553535") == ("+78005553535", "78005553535")
    assert same_phone("88005553535", "78005553535")
    assert same_phone("74951234567", "84951234567")
    assert not same_phone("88005553535", "74951234567")
    assert shown_phone("Позвонить: 8 800 555-35-35") is None
