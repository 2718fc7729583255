"""BRF: placeholder copy, stale dates, garbled text and the campaign's [expect] table.

Each test writes a real campaign and runs the real engine offline, then asserts which finding,
where and how many.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.config import Config
from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign, write_test_send

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
BODY = f"""<p>Здравствуйте! Скидка −30% по промокоду BLACK30 до 30 ноября 2026 года.</p>
<p><a href="https://shop.test/sale/black-friday?{UTM}">Выбрать</a></p>
<p><img src="https://cdn.shop.test/a.png" alt="Скидки"></p>
<p><a href="https://shop.test/unsub">Отписаться</a></p>
<p>© 2026 ООО «Магазин»</p>"""
SEND_AT = "2026-11-27T10:00:00+03:00"


def campaign(tmp_path: Path, body: str = BODY, **kw: Any) -> Path:
    kw.setdefault("subject", "Чёрная пятница: −30% на всё")
    return write_campaign(tmp_path, body=body, send_at=SEND_AT, **kw)


def _bare_html(tmp_path: Path, title: str, body: str = BODY) -> Path:
    page = tmp_path / "page.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head>\n<body>\n{body}\n</body></html>",
        encoding="utf-8",
    )
    return page


@pytest.mark.parametrize(
    ("title", "quoted"),
    [("YourBrand", "“YourBrand”"), ("Заголовок", "“Заголовок”"), ("Lorem ipsum", "“Lorem ipsum”")],
)
def test_dummy_text_in_a_bare_html_files_title_alone_is_a_warning(
    tmp_path: Path, title: str, quoted: str
) -> None:
    # no recipient sees a bare HTML file's <title>: the ESP sets the subject apart from the
    # file, and the title is that subject only if someone typed it in the same (SUB002's
    # wording) — a guess, so a warning, not the certain error the subject of a test send is
    (found,) = only(check(_bare_html(tmp_path, title)), "BRF001")
    # (the title's line, the one to fix, beside the subject it stands for)
    assert (found.severity, found.locations) == (Severity.WARNING, ("subject", "page.html:1"))
    assert found.message == (
        f"placeholder copy: {quoted} (the file's <title>, the subject if the ESP's is the same)"
    )


def test_a_bare_html_files_title_joins_the_error_of_the_same_dummy_text_in_the_body(
    tmp_path: Path,
) -> None:
    # one root cause, one finding: the body shows "YourBrand" for certain, and the title's
    # copy is one more of that error's places, named as the title
    body = BODY.replace("ООО «Магазин»", "YourBrand")
    (found,) = only(check(_bare_html(tmp_path, "Welcome to YourBrand", body)), "BRF001")
    assert (found.severity, found.locations) == (
        Severity.ERROR,
        ("subject", "page.html:1", "page.html:7"),
    )
    assert found.message == (
        "placeholder copy: “YourBrand” (the file's <title>, the subject if the ESP's is the "
        "same); “YourBrand” (page.html)"
    )


def test_clean_russian_campaign_has_no_brief_findings(tmp_path: Path) -> None:
    d = campaign(
        tmp_path, tables={"expect": {"text": ["BLACK30", "−30%"], "links": ["shop.test/sale"]}}
    )
    result = check(d)
    assert [f for f in result.findings if f.code.startswith("BRF")] == []


def test_placeholder_copy_is_one_finding_listing_each_text_and_place(
    tmp_path: Path,
) -> None:
    # the standard dummy text a reader sees is an error (certain: no copy says "Lorem ipsum"),
    # and so are a subject and a heading that are nothing but the layout's name for them
    # («Тема письма», «Заголовок письма»); a looser pattern ("xxx", in a sentence) a warning
    body = (
        BODY + "\n<h1>Заголовок письма</h1>\n<p>Lorem ipsum dolor sit amet,\n consectetur "
        "adipiscing.</p>\n<p>Цена: xxx руб.</p>"
    )
    d = campaign(tmp_path, body=body, subject="Тема письма")
    # one cause, the layout's copy left in: one error, which lists the looser pattern's place
    # too and says it is not certain (before: an error and a warning, ua-mailerlite-export's)
    [dummy] = only(check(d), "BRF001")
    # each text at the line it is written on (the body starts on line 5)
    assert (dummy.severity, dummy.locations) == (
        Severity.ERROR,
        ("subject", "email.html:10", "email.html:11", "email.html:12", "email.html:13"),
    )
    assert dummy.message == (
        "placeholder copy: “Тема письма” (subject); “Lorem ipsum”, “dolor sit amet”, "
        "“consectetur adipiscing”, “Заголовок письма” (email.html); and as a warning: placeholder "
        "copy: “xxx” (email.html)"
    )


@pytest.mark.parametrize(
    ("where", "severity", "places"),
    [
        # seen: the visible text, the subject, the inbox's preview, the text part
        ({"body": "<p>Far far away, behind the word mountains</p>"}, "error", ["email.html:10"]),
        ({"body": "<p>A small river named Duden flows</p>"}, "error", ["email.html:10"]),
        ({"body": "<p>Bacon ipsum dolor amet pork</p>"}, "error", ["email.html:10"]),
        ({"subject": "Lorem ipsum dolor"}, "error", ["subject"]),
        (
            {"preheader_html": '<div style="display:none">Lorem ipsum dolor sit amet</div>'},
            "error",
            ["preheader"],
        ),
        ({"text": "Lorem ipsum dolor sit amet"}, "error", ["email.txt:1"]),
        # a layout's own words about its preheader, in the visible text (Mailchimp's preview
        # row beside the web-version link, Lee Munroe's), are certain as the dummy text is
        (
            {"body": "<p>Use this area to offer a short teaser of your email's content.</p>"},
            "error",
            ["email.html:10"],
        ),
        (
            {
                "body": "<p>This is preheader text. Some clients will show this text as a preview.</p>"
            },
            "error",
            ["email.html:10"],
        ),
        (
            {"text": "Use this area to offer a short teaser of your email's content."},
            "error",
            ["email.txt:1"],
        ),
        (
            {"body": '<div style="display:none">Use this area to offer a short teaser</div>'},
            "warning",
            None,
        ),
        # inside longer copy or in quotation marks, an agency's words about preheaders: at
        # most a warning (QA probe R)
        (
            {
                "body": "<p>What is a preheader? A preheader is the short summary text that "
                "follows the subject line when an email is viewed in the inbox.</p>"
            },
            "warning",
            ["email.html:10"],
        ),
        (
            {"body": "<p>Mailchimp writes “Use this area to offer a short teaser”.</p>"},
            "warning",
            ["email.html:10"],
        ),
        (
            {
                "body": "<td>Use this area to offer a short teaser of your email's content. Text "
                "here will show in the preview area of some email clients.</td>"
            },
            "error",
            ["email.html:10"],
        ),
        # a hidden element no client shows (a mobile-only block, after the visible text)
        ({"body": '<div style="display:none">Lorem ipsum dolor sit amet</div>'}, "warning", None),
        # not shown at all: a comment, the alt of a 1×1 tracking pixel
        ({"body": "<!-- Lorem ipsum dolor sit amet -->"}, None, None),
        (
            {
                "body": '<img src="https://t.shop.test/o.gif" width="1" height="1" alt="Lorem ipsum">'
            },
            None,
            None,
        ),
    ],
)
def test_dummy_text_a_reader_sees_is_an_error(
    tmp_path: Path, where: dict[str, str], severity: str | None, places: list[str] | None
) -> None:
    kw: dict[str, Any] = {k: v for k, v in where.items() if k != "text"}
    kw["body"] = BODY + "\n" + kw.get("body", "")
    if "text" in where:
        kw.update(text="email.txt", files={"email.txt": where["text"] + "\n"})
    found = only(check(campaign(tmp_path, **kw)), "BRF001")
    assert [f.severity.value for f in found] == ([severity] if severity else [])
    if places:
        assert list(found[0].places) == places
    elif found:
        assert found[0].places[0].startswith("email.html")


def test_dummy_text_hidden_and_seen_is_an_error(tmp_path: Path) -> None:
    # the same words in a hidden block and in the visible text: a reader sees them
    body = BODY + ('\n<div style="display:none">Lorem ipsum</div>\n<p>Lorem ipsum</p>\n<p>TODO</p>')
    # and "TODO", a pattern: said in the same finding, as a warning's words (one cause)
    found = only(check(campaign(tmp_path, body=body)), "BRF001")
    assert [(f.severity, f.message, len(f.places)) for f in found] == [
        (
            Severity.ERROR,
            "placeholder copy: “Lorem ipsum” (email.html); and as a warning: placeholder copy: "
            "“TODO” (email.html)",
            3,
        ),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>TODO: цена</p>", "“TODO”"),
        ("<p>Промокод: XXXX</p>", "“XXXX”"),
        ("<p>Промокод: ххх</p>", "“ххх”"),  # Cyrillic х
        ("<p>Здесь будет текст акции</p>", "“Здесь будет текст”"),
        ("<p>Your text here</p>", "“Your text here”"),
        ("<p>Insert your copy here</p>", "“Insert your copy here”"),
        ("<p>ADD TITLE HERE</p>", "“ADD TITLE HERE”"),
        ("<p>аааааааааааа</p>", "“аааааааааааа”"),
        ("<h3>Название товара</h3><p>1 990 ₽</p>", "“Название товара”"),
        (
            "<p>Use this area to offer a short teaser of your email's content.</p>",
            "“Use this area to offer a short teaser of your email's conten…”",
        ),
        ("<td>[Product Name]</td>", "“[Product Name]”"),
        (
            "<p>Far far away, behind the word mountains, far from the countries.</p>",
            "“Far far away, behind the word mountains”",
        ),
        ("<p>A small river named Duden flows by their place.</p>", "“A small river named Duden”"),
        ("<p>© YourBrand, 1234 Elm Street, Suite 5</p>", "“YourBrand”, “1234 Elm Street”"),
        ("<p>Your brand new sofa is on its way.</p>", None),  # words, not the stand-in
        (  # SendGrid's templates explain the preheader in it
            "<p>A preheader is the short summary text that follows the subject line.</p>",
            "“A preheader is the short summary text that follows the subje…”",
        ),
        # inside longer copy or quoted, a layout's sentence is an agency's words about
        # preheaders: a warning (QA probe R: they were errors)
        (
            "<p>What is a preheader? A preheader is the short summary text that follows the "
            "subject line when an email is viewed in the inbox.</p>",
            "“A preheader is the short summary text that follows the subje…”",
        ),
        (
            "<p>Tip: never ship Mailchimp's default &quot;Use this area to offer a short "
            "teaser of your email's content&quot; line.</p>",
            "“Use this area to offer a short teaser of your email's conten…”",
        ),
        # the jokes on Lorem ipsum, a template's own stand-ins (QA probes on the corpus)
        ("<p>Bacon ipsum dolor amet pork belly.</p>", "“Bacon ipsum dolor”"),
        ("<p>This is preheader text. Some clients show it.</p>", "“This is preheader text”"),
        ('<p><a href="https://shop.test/">Call To Action</a></p>', "“Call To Action”"),
        ("<h1>Heading 1</h1><h2>Heading 2</h2>", "“Heading 1”, “Heading 2”"),
        # the dummy Latin's own "dolorem ipsum" is no second placeholder beside "Lorem ipsum"
        (
            "<p>Lorem ipsum dolor sit amet. Neque porro quisquam est qui dolorem ipsum quia "
            "dolor sit amet.</p>",
            "“Lorem ipsum”, “dolor sit amet”",
        ),
    ],
)
def test_placeholder_patterns(tmp_path: Path, text: str, expected: str | None) -> None:
    found = only(check(campaign(tmp_path, body=BODY + text)), "BRF001")
    wanted = [f"placeholder copy: {expected} (email.html)"] if expected else []
    assert [f.message for f in found] == wanted


@pytest.mark.parametrize(
    "text",
    [
        # a card's or an account's number with its first digits masked by x's and the last
        # four shown: a receipt's or a security notice's masked number, not placeholder copy
        # (php-mime-mail-parser's m0009: "VISA XXXXXXXXXXXX1111"), by its length or by what
        # names it
        "VISA XXXXXXXXXXXX1111",
        "Paid with VISA XXXX XXXX XXXX 1111",
        "Card: xxxx-xxxx-xxxx-4242",
        "Order total 148.43 EUR, card ending XXX-1111",
        "Paid by the card ending in XX-4242",
        "IBAN DE89 XXXX XXXX XXXX 3000",
        "Списано со счёта ХХХХ5678",  # Cyrillic Х
        "Оплата картой МИР хххх 1234",
    ],
)
def test_a_masked_number_is_no_placeholder(tmp_path: Path, text: str) -> None:
    files = {"email.txt": f"{text}\n"}
    d = campaign(tmp_path, body=f"{BODY}\n<p>{text}</p>", text="email.txt", files=files)
    assert only(check(d), "BRF001") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # x's with no digit shown, or a number that ends masked, or too few digits for one
        ("<p>Цена: xxx руб</p>", "“xxx”"),
        ("<p>Цена: XXX руб.</p>", "“XXX”"),
        ("<p>Price: XX.XX $</p>", "“XX.XX”"),  # a price of x's: not filled in
        ("<p>Card ending XXXX</p>", "“XXXX”"),
        ("<p>Call 8-800-XXX-XX-XX</p>", "“XXX”"),  # a layout's stand-in phone
        ("<p>Sale ends XXX 2026</p>", "“XXX”"),
        ("<p>Top XXX 10 gifts</p>", "“XXX”"),
        # a phone, a date, a code of x's: a layout's stand-ins, not a card's masked number
        # (QA probe R: these were silent)
        ("<p>Questions? Call XXX-XXX-1234 today.</p>", "“XXX”"),
        ("<p>Call us at 1-800-XXX-1234.</p>", "“XXX”"),
        ("<p>Код отправлен на +7 (XXX) XXX-12-34</p>", "“XXX”"),
        ("<p>Use promo code XXXX2026 at checkout.</p>", "“XXXX2026”"),
        ("<p>Offer valid until XX/XX/2026 only.</p>", "“XX/XX/2026”"),
        ("<p>Only XXX 10 20 30 seats left</p>", "“XXX”"),
    ],
)
def test_x_s_that_mask_no_number_are_placeholder_copy(
    tmp_path: Path, text: str, expected: str
) -> None:
    [found] = only(check(campaign(tmp_path, body=f"{BODY}\n{text}")), "BRF001")
    assert (found.severity, found.message, found.places) == (
        Severity.WARNING,
        f"placeholder copy: {expected} (email.html)",
        ("email.html:10",),
    )


def test_texts_are_placed_where_a_reader_sees_them_not_in_scripts_or_styles(
    tmp_path: Path,
) -> None:
    # a "Heading 1" in a stylesheet's comment, a "�" in a script: the findings pointed there
    body = (
        "<style>/* Heading 1 */ h1 {font-size: 22px}</style>\n"
        "<script>var s = '\ufffd\ufffd';</script>\n<!-- Heading 1 -->\n"
        f"{BODY}\n<h1>Heading 1</h1>\n<p>Цена \ufffd\ufffd</p>\n<p>Итого \ufffd</p>"
    )
    d = campaign(tmp_path, body=body)
    lines = (d / "email.html").read_text(encoding="utf-8").splitlines()
    heading = [n for n, text in enumerate(lines, 1) if text == "<h1>Heading 1</h1>"]
    lost = [n for n, text in enumerate(lines, 1) if text.startswith(("<p>Цена", "<p>Итого"))]
    result = check(d)
    [placeholder] = only(result, "BRF001")
    assert placeholder.places == tuple(f"email.html:{n}" for n in heading)
    [garbled] = only(result, "BRF003")
    assert garbled.message.startswith("3 replacement characters")  # what a reader sees
    assert garbled.places == tuple(f"email.html:{n}" for n in lost)  # every line


def test_a_text_is_placed_on_its_line_below_a_stylesheet_and_a_comment_of_many_lines(
    tmp_path: Path,
) -> None:
    # what no reader sees is blanked a line at a time: every line after it stays where it is
    body = (
        "<style>\n/* Heading 1 */\nh1 {font-size: 22px}\n</style>\n<!-- Heading 1\n\n-->\n"
        f"{BODY}\n<h1>Heading 1</h1>"
    )
    d = campaign(tmp_path, body=body)
    lines = (d / "email.html").read_text(encoding="utf-8").splitlines()
    heading = [n for n, text in enumerate(lines, 1) if text == "<h1>Heading 1</h1>"]
    [placeholder] = only(check(d), "BRF001")
    assert placeholder.places == tuple(f"email.html:{n}" for n in heading)


def test_what_no_reader_sees_is_blanked_a_line_at_a_time() -> None:
    from mailcheck.rules import _blanked

    assert _blanked("<!-- a\n\nbc -->") == "      \n\n      "
    assert _blanked("") == ""


def test_letters_of_an_address_or_a_host_are_no_placeholder_copy(tmp_path: Path) -> None:
    # a test send's merged (or masked) recipient: "zzzzzz@aaaaaaaaaaaa.com", a masked host,
    # a masked value in a URL's query (QA probe on SpamAssassin's corpus: 11 findings)
    body = BODY + (
        "\n<p>This message was sent to: zzzzzz@aaaaaaaaaaaa.com</p>"
        "\n<p>Sie sind angemeldet als [XXXXXX.YYYYYYYYYY@RUHR-UNI-BOCHUM.DE].</p>"
        "\n<p>Archive: lists.yyyyyyyyyyyy.net, https://www.inphonic.test/r?r=yyyyyyyyyyyy</p>"
        # a link shown as its address on a real host, with or without its scheme
        '\n<p><a href="https://acme.com/reset">https://acme.com/reset/xxx-xxx-xxxx</a>'
        "\nor shop.test/reset/XXX-TODO</p>"
    )
    text = "Sent to <xxxxx@yyyyyy.zzz>; help: https://mail.zzzzzzzz.test/help\n"
    d = campaign(tmp_path, body=body, text="email.txt", files={"email.txt": text})
    assert only(check(d), "BRF001") == []
    # the same letters as copy still are, and so is a price that is no host
    body = BODY + ("\n<p>zzzzzzzz</p>\n<p>Код: xxx-xxx</p>\n<p>Цена: хххх.хх руб</p>")
    [found] = only(check(campaign(tmp_path / "copy", body=body)), "BRF001")
    assert found.severity is Severity.WARNING
    assert found.message == "placeholder copy: “zzzzzzzz”, “xxx”, “хххх” (email.html)"
    assert found.places == ("email.html:10", "email.html:11", "email.html:12")


FAKE_URL = "https://same-link-as-button.url/xxx-xxx-xxxx"


def test_a_url_on_a_host_that_cannot_exist_is_placeholder_copy(tmp_path: Path) -> None:
    # SendGrid's templates: the address to copy under the button is a stand-in, on the
    # top-level domain ".url", which does not exist (Public Suffix List)
    body = BODY + (
        f'\n<p><a href="https://shop.test/reset?{UTM}">{FAKE_URL}</a></p>'  # 10
        '\n<p><a href="https://acme.com/r/1">https://acme.com/reset/xxx-xxx-xxxx</a></p>'
        "\n<p>Our wiki: https://{{ domain }}/wiki, http://10.0.0.1/x, https://intranet/x</p>"
        "\n<p>Or visit www.shop.notatld/sale.</p>"  # 13
    )
    result = check(campaign(tmp_path, body=body))
    [found] = only(result, "BRF001")
    assert (found.severity, found.message, found.places) == (
        Severity.ERROR,
        f"placeholder copy: “{FAKE_URL}”, “www.shop.notatld/sale” (email.html)",
        ("email.html:10", "email.html:13"),
    )
    # the text is no address to LNK007 (another host than the link's), nor a link to LNK003
    assert only(result, "LNK007") == [] and only(result, "LNK003") == []


def test_a_url_on_a_special_use_or_private_name_is_an_address(tmp_path: Path) -> None:
    """A reserved or private-use top-level domain is an internal reader's host (QA probe,
    session 30: "https://acme.internal/" was a BRF001 error): .alt (RFC 9476), .internal
    (ICANN), .onion, the names used on private networks (.corp, .home, .lan, .intranet,
    .private), as .local and .home.arpa already were."""
    hosts = [
        "acme.alt",
        "acme.internal",
        "intranet.corp",
        "nas.home",
        "printer.lan",
        "wiki.intranet",
    ]
    hosts += ["hr.private", "acme.onion", "printer.local", "acme.home.arpa"]
    body = BODY + "".join(f"\n<p>Our portal: https://{host}/ today</p>" for host in hosts)
    assert only(check(campaign(tmp_path, body=body)), "BRF001") == []


def test_a_url_on_a_top_level_domain_with_a_digit_is_placeholder_copy(tmp_path: Path) -> None:
    """No top-level domain has a digit or a hyphen but an IDN's punycode (xn--): "acme.c0m"
    cannot exist, a stand-in as ".url" is (QA probe, session 31: "https://acme.c0m/offer" was
    silent, its host not read as one). Real ones, an IDN's in punycode, an IP address and a
    numbered host name stay addresses."""
    body = BODY + (
        "\n<p>Copy this link: https://acme.c0m/offer today</p>"  # 10
        "\n<p>Or www.shop.co-uk/sale, https://shop.c0m</p>"  # 11
        "\n<p>Fine: https://acme.example/sale, https://xn--h1aax.xn--p1ai/x, http://10.0.0.1/x,"
        " https://cdn-2.shop4u.com/a, https://www.acme.web/, https://acme.com:8080/p</p>"
    )
    [found] = only(check(campaign(tmp_path, body=body)), "BRF001")
    assert (found.severity, found.message, found.places) == (
        Severity.ERROR,
        "placeholder copy: “https://acme.c0m/offer”, “www.shop.co-uk/sale”, “https://shop.c0m”"
        " (email.html)",
        ("email.html:10", "email.html:11"),
    )


@pytest.mark.parametrize(
    "copy",
    [
        # a footnote's mark after a real address: the text reads "https://shop.acme.com3"
        "Terms at https://acme.com/terms<sup>2</sup> and https://shop.acme.com<sup>3</sup>.",
        "Visit www.acme.com<sup>1</sup> today",
        "Our site: https://acme.com1",
        "公式サイト：https://acme.co.jp2024年",
    ],
)
def test_digits_glued_after_a_top_level_domain_are_no_stand_in(tmp_path: Path, copy: str) -> None:
    """Only a digit or a hyphen between a last label's letters ("c0m", "co-uk": the test
    above) makes a top-level domain no one's; digits after a real one are a footnote's mark or
    a word glued to it (review probe R, session 31: "https://shop.acme.com<sup>3</sup>" was a
    BRF001 error on "https://shop.acme.com3", "https://acme.co.jp2024年" on "…co.jp2024年";
    silent before)."""
    assert only(check(campaign(tmp_path, body=BODY + f"\n<p>{copy}</p>")), "BRF001") == []


def test_a_stand_in_top_level_domain_with_a_footnote_mark_is_placeholder_copy(
    tmp_path: Path,
) -> None:
    """A footnote's mark after a stand-in's "c0m" (QA probe, session 31:
    "https://acme.c0m<sup>2</sup>" read "https://acme.c0m2" and was silent): no top-level
    domain has a digit, whichever digits are the mark. A real one's mark stays a footnote."""
    body = BODY + (
        "\n<p>Copy https://acme.c0m<sup>2</sup> now</p>"  # 10
        "\n<p>Or www.shop.co-uk<sup>13</sup>.</p>"  # 11
        "\n<p>Fine: https://shop.acme.com<sup>3</sup>, www.acme.com<sup>1</sup>,"
        " https://acme.co.jp2024年</p>"
    )
    [found] = only(check(campaign(tmp_path, body=body)), "BRF001")
    assert (found.severity, found.message, found.places) == (
        Severity.ERROR,
        "placeholder copy: “https://acme.c0m”, “www.shop.co-uk” (email.html)",
        ("email.html:10", "email.html:11"),
    )


def test_a_url_on_a_name_meant_for_no_host_is_placeholder_copy(tmp_path: Path) -> None:
    """.invalid (a name meant never to resolve) in the copy is a stand-in for the address to
    come (QA probe, session 30: "https://acme.invalid" was silent); the address mailcheck
    renders a system variable to is not the copy's, and .example is a test campaign's real
    host (this project's examples: "https://acme.example/sale")."""
    body = BODY + (
        "\n<p>Visit https://acme.invalid today</p>"  # 10
        "\n<p>Or www.shop.invalid/sale.</p>"  # 11
        "\n<p>Fine: https://esp-system.mailcheck.invalid/u/1, https://acme.example/sale</p>"
    )
    [found] = only(check(campaign(tmp_path, body=body)), "BRF001")
    assert (found.severity, found.message, found.places) == (
        Severity.ERROR,
        "placeholder copy: “https://acme.invalid”, “www.shop.invalid/sale” (email.html)",
        ("email.html:10", "email.html:11"),
    )


def test_a_hidden_url_on_a_host_that_cannot_exist_is_a_warning(tmp_path: Path) -> None:
    body = BODY + (
        f'\n<div style="display:none"><a href="https://shop.test/r?{UTM}">{FAKE_URL}</a></div>'
    )
    [found] = only(check(campaign(tmp_path, body=body)), "BRF001")
    assert found.severity is Severity.WARNING
    assert found.message.startswith(f"placeholder copy: “{FAKE_URL}” (email.html); the dummy ")
    assert found.places == ("email.html:10",)


def test_a_long_placeholder_is_quoted_shortened(tmp_path: Path) -> None:
    """A filler run of 100,000 letters is quoted by its first 60 (the message was the run)."""
    found = only(check(campaign(tmp_path, body=BODY + "<p>" + "я" * 100_000 + "</p>")), "BRF001")
    assert [f.message for f in found] == [f"placeholder copy: “{'я' * 60}…” (email.html)"]


@pytest.mark.parametrize(
    "prose",
    [
        "<p>Заголовок этой статьи говорит сам за себя.</p>",  # the word in real prose
        "<p>Размеры XXL и XXXL, телефон 8 800 000-00-00, тираж 1000000.</p>",
        "<p>Sooo good</p>",
        # the layout's own words in a sentence, and Spanish "todo"
        "<p>Если текст письма отображается некорректно, откройте веб-версию.</p>",
        "<p>Полное описание товара на сайте. Название товара в заказе изменилось.</p>",
        "<p>Todo lo que necesitas para el invierno</p>",
        "<p>Every call to action in this issue links to our shop; heading 2 of the guide.</p>",
    ],
)
def test_real_prose_is_not_placeholder_copy(tmp_path: Path, prose: str) -> None:
    assert only(check(campaign(tmp_path, body=BODY + prose)), "BRF001") == []


@pytest.mark.parametrize(
    "prose",
    [
        # the Roman numeral XXX (30th) before an event's name (QA probe, session 24), in Latin
        # letters or in the Cyrillic «Х» Russian copy often types it with
        "<h1>XXX Международная выставка «Связь»</h1>",
        "<p>Приглашаем на XXX Международную выставку.</p>",
        "<p>Приглашаем на ХХХ Всероссийский съезд.</p>",
        "<p>XXX Olympic Games, XXV Congress of Surgeons</p>",
        # only before what has ordinals (review probe, session 24): an event's English word,
        # a Russian adjective in an ordinal's ending with its noun after it
        "<p>The XXX Annual Conference of the Society; the XXX International Summit.</p>",
        "<p>Welcome to the XXX Anniversary Festival and the XXX Olympiad.</p>",
        "<p>Участники XXX Олимпийских игр выступят на ХХХ Всероссийском съезде.</p>",
        "<p>XXX Юбилейный концерт, ХХХ Московская неделя моды.</p>",
        # XXI, XXV are not x{3,}: never a placeholder
        "<p>XXI Century Fox Collection, XXV Days Left</p>",
    ],
)
def test_a_roman_ordinal_is_not_placeholder_copy(tmp_path: Path, prose: str) -> None:
    assert only(check(campaign(tmp_path, body=BODY + prose)), "BRF001") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>Цена: xxx руб.</p>", "“xxx”"),
        ("<p>Цена: XXX руб.</p>", "“XXX”"),
        ("<p>Цена: ХХХ ₽</p>", "“ХХХ”"),  # Cyrillic Х
        ("<p>XXX</p>", "“XXX”"),
        ("<p>Здравствуйте, XXX!</p>", "“XXX”"),
        # not the numeral: lower case, four letters, an acronym after it
        ("<p>xxx Международная выставка</p>", "“xxx”"),
        ("<p>XXXX Company</p>", "“XXXX”"),
        ("<p>Итого: XXX USD</p>", "“XXX”"),
    ],
)
def test_xxx_for_a_number_or_a_name_is_placeholder_copy(
    tmp_path: Path, text: str, expected: str
) -> None:
    found = only(check(campaign(tmp_path, body=BODY + text)), "BRF001")
    assert [f.message for f in found] == [f"placeholder copy: {expected} (email.html)"]


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        # "XXX" before a Title-Case word is a placeholder, not the numeral (review probe,
        # session 24: these passed as Roman ordinals)
        ("Only XXX Days Left!", "<h1>Only XXX Days Left!</h1>"),
        ("Sale ends XXX December", "<h1>Sale ends XXX December</h1>"),
        ("Join XXX Happy Customers", "<h1>Join XXX Happy Customers</h1>"),
        ("Dear XXX Smith", "<h1>Dear XXX Smith</h1>"),
        ("Акция до XXX Декабря", "<p>Акция действует до XXX Декабря включительно.</p>"),
        # after a count Russian puts the genitive plural, an ordinal's ending it is not
        ("Более XXX Довольных Клиентов", "<p>Нам доверяют ХХХ Довольных Клиентов.</p>"),
        # an adjective's ending with no word after it: a name, not an event
        ("Уважаемый XXX Высоцкий!", "<p>Уважаемый XXX Высоцкий!</p>"),
    ],
)
def test_xxx_before_a_capitalised_word_is_placeholder_copy(
    tmp_path: Path, subject: str, text: str
) -> None:
    d = campaign(tmp_path, body=f"{BODY}\n{text}", subject=subject)
    found = only(check(d), "BRF001")
    xxx = "“ХХХ”" if "ХХХ" in text else "“XXX”"
    assert [f.message for f in found] == [f"placeholder copy: “XXX” (subject); {xxx} (email.html)"]
    lines = (d / "email.html").read_text(encoding="utf-8").splitlines()
    [line] = [n for n, written in enumerate(lines, 1) if written == text]
    assert found[0].places == ("subject", f"email.html:{line}")


def test_a_placeholder_is_placed_where_it_is_written_in_its_case(tmp_path: Path) -> None:
    """“xxx” of the price, not the heading's numeral “XXX” above it (nor the other way)."""
    body = f"{BODY}\n<h1>XXX Международная выставка</h1>\n<p>Билет: xxx руб.</p>"
    d = campaign(tmp_path, body=body)
    lines = (d / "email.html").read_text(encoding="utf-8").splitlines()
    price = [n for n, text in enumerate(lines, 1) if text.startswith("<p>Билет")]
    [found] = only(check(d), "BRF001")
    assert (found.message, found.places) == (
        "placeholder copy: “xxx” (email.html)",
        tuple(f"email.html:{n}" for n in price),
    )


def test_dates_before_send_date_are_one_finding(tmp_path: Path) -> None:
    body = BODY.replace("© 2026", "&copy; 2019–2025") + (
        "\n<p>Акция до 15.11.2026 и 30 ноября 2026. Встреча 1 ноября&nbsp;2026,\n"
        "offer ends November 20, 2026.</p>"
    )
    found = only(
        check(campaign(tmp_path, body=body, subject="Последний день: 20.11.2026")), "BRF002"
    )
    # the events' dates are one finding; the footer's stale copyright year is another
    # (a QA probe: 41 of 82 BRF002 on its corpus listed a "© 2014" alone as a date gone by)
    assert len(found) == 2
    events, copyright = found
    # the no-break space as &nbsp;: found at its line all the same
    assert events.severity is Severity.WARNING
    assert events.locations == ("subject", "email.html:10", "email.html:11")
    assert events.message == (
        "dates before the send date 2026-11-27 (send_at): “20.11.2026” (subject); "
        "“15.11.2026”, “1 ноября 2026”, “November 20, 2026” (email.html)"
    )
    # “©” written as &copy;: found at its line
    assert copyright.severity is Severity.WARNING
    assert copyright.locations == ("email.html:9",)
    assert copyright.message == (
        "copyright year before the send year 2026 (send_at): “© 2019–2025” (email.html)"
    )


def test_a_stale_copyright_year_alone_is_said_as_such(tmp_path: Path) -> None:
    body = BODY.replace("© 2026", "© 2014 Shop Inc. · © 2026")
    [found] = only(check(campaign(tmp_path, body=body)), "BRF002")
    assert (found.severity, found.locations, found.message) == (
        Severity.WARNING,
        ("email.html:9",),
        "copyright year before the send year 2026 (send_at): “© 2014” (email.html)",
    )
    assert "dates before" not in found.message


def test_short_english_month_names_are_dates(tmp_path: Path) -> None:
    """A layout dates its issue "Feb 18, 2026" or "Vol 2.11 • Oct 27, 2017" (en-colorlib-24,
    en-mautic-aurora); "3 Sept. 2026" is a date too, "Dec 24, 2026" still to come."""
    body = BODY + "<p>Feb 18, 2026 · Vol 2.11 • Oct 27, 2017 · 3 Sept. 2026 · Dec 24, 2026</p>"
    [found] = only(check(campaign(tmp_path, body=body)), "BRF002")
    assert found.locations == ("email.html:9",)
    assert found.message == (
        "dates before the send date 2026-11-27 (send_at): “Feb 18, 2026”, “Oct 27, 2017”, "
        "“3 Sept. 2026” (email.html)"
    )


def test_a_month_first_date_is_found_in_any_case_and_a_word_ending_in_a_month_is_none(
    tmp_path: Path,
) -> None:
    body = BODY + "<p>MARCH 5, 2024 · Remay 3, 2024 · ОКТЯБРЯ 7, 2024 · sept. 9, 2024</p>"
    [found] = only(check(campaign(tmp_path, body=body)), "BRF002")
    assert found.locations == ("email.html:9",)
    assert found.message == (
        "dates before the send date 2026-11-27 (send_at): “MARCH 5, 2024”, “ОКТЯБРЯ 7, 2024”, "
        "“sept. 9, 2024” (email.html)"
    )


def test_every_month_begins_with_a_letter_the_month_first_date_looks_for() -> None:
    from checks.brief import _MONTH_INITIALS, _MONTHS

    assert all(name[0] in _MONTH_INITIALS for name in _MONTHS)


def test_a_date_wrapped_over_two_lines_is_quoted_on_one(tmp_path: Path) -> None:
    # the quote broke the line of the report (and of every text output) in two
    text = "Акция шла до 13 октября\n   2026. Итоги 13 октября 2026.\n"
    d = campaign(tmp_path, text="email.txt", files={"email.txt": text})
    [found] = only(check(d), "BRF002")
    assert (
        found.message
        == "dates before the send date 2026-11-27 (send_at): “13 октября 2026” (text part)"
    )


def test_a_message_with_a_text_part_alone_names_that_part_once(tmp_path: Path) -> None:
    # its document is the text part: it was listed as "text/plain part" and as "text part"
    eml = tmp_path / "send.eml"
    eml.write_bytes(
        "From: Shop <news@shop.test>\nSubject: Итоги\nDate: Fri, 27 Nov 2026 10:00:00 +0300\n"
        "Content-Type: text/plain; charset=utf-8\n\nАкция шла до 30.09.2026.\n"
        "Отписаться: https://shop.test/unsub\n".encode()
    )
    [found] = only(check(eml), "BRF002")
    assert found.locations == ("send.eml:6",)
    assert found.message.endswith(": “30.09.2026” (text part)")


def _sent(tmp_path: Path, date_header: str, body: str) -> Path:
    eml = tmp_path / "send.eml"
    eml.write_bytes(
        f"From: Shop <news@shop.test>\nSubject: Sale\n{date_header}"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}\n"
        "Unsubscribe: https://shop.test/unsub\n".encode()
    )
    return eml


def test_a_saved_message_is_judged_on_its_date_header(tmp_path: Path) -> None:
    # php-mime-mail-parser m0015, sent 27 Mar 2014: "Sale Ends March 31, 2014" was told past,
    # judged on today; a test send is sent on its Date
    date_header = "Date: Thu, 27 Mar 2014 10:00:00 +0000\n"
    eml = _sent(tmp_path, date_header, "Sale Ends March 31, 2014. © 2014 Shop")
    assert only(check(eml), "BRF002") == []
    eml = _sent(tmp_path, date_header, "Sale Ended March 1, 2014. Ends March 31, 2014.")
    [found] = only(check(eml), "BRF002")
    assert found.message == (
        "dates before the send date 2014-03-27 (the message's Date header): “March 1, 2014” "
        "(text part)"
    )
    assert found.locations == ("send.eml:6",)


@pytest.mark.parametrize(
    "date_header",
    ["", "Date: someday\n", "Date: Thu, 27 Mar 2098 10:00:00 +0000\n"],
)
def test_a_saved_message_without_a_sane_date_is_judged_on_today(
    tmp_path: Path, date_header: str
) -> None:
    [found] = only(check(_sent(tmp_path, date_header, "Sale Ends March 31, 2014.")), "BRF002")
    assert found.message.startswith("dates before the send date ")
    assert " (today): “March 31, 2014” (text part)" in found.message


def test_a_period_s_start_and_an_order_date_are_not_stale(tmp_path: Path) -> None:
    body = BODY + (
        "<p>Акция с 20.11.2026 по 30.11.2026. Заказ №5 от 25.11.2026. Since November 1, 2026."
        " Старая акция до 30.11.2025.</p>"
    )
    [found] = only(check(campaign(tmp_path, body=body)), "BRF002")
    # the end of last year's sale is stale, a full stop after it or not
    assert (
        found.message
        == "dates before the send date 2026-11-27 (send_at): “30.11.2025” (email.html)"
    )


def test_the_day_an_order_or_invoice_was_made_is_not_stale(tmp_path: Path) -> None:
    body = BODY + (
        "<p>Your order placed on November 20, 2026 has shipped. Invoice dated 21 November 2026."
        " Paid on November 22, 2026. Sale ends November 25, 2026.</p>"
    )
    [found] = only(check(campaign(tmp_path, body=body)), "BRF002")
    # only the offer's end is stale
    assert found.message == (
        "dates before the send date 2026-11-27 (send_at): “November 25, 2026” (email.html)"
    )


def test_a_date_told_as_past_or_as_a_posts_is_not_stale(tmp_path: Path) -> None:
    """A publication date ("Posted August 9, 2002", spamassassin's infoworld), an event told in
    the past tense ("EFF filed an amicus brief … on Aug. 6, 2002", action.eff.org) and a post
    card's date ("Feb 18, 2026 · Travel", then its title and "Read more": en-colorlib-5) are
    past by nature. An issue's date, an event to come, a deadline and a © year stay stale."""
    body = BODY.replace("© 2026", "© 2014") + (
        "<p>Posted November 9, 2026 01:01 PM. Опубликовано 12.03.2020. Дата публикации: "
        "1 марта 2026. EFF filed an amicus brief in support of Ken Hamidi on Nov. 6,\n2026. "
        "Форум прошёл в Москве 14 мая 2026 года.</p>\n"
        "<p>Feb 18, 2026 · Travel Business Key to Success Far far away. Read more</p>\n"
        "<p>Issue 42 · March 14, 2026 · Read more. Форум пройдёт 12 мая 2026. We announced a "
        "sale until November 20, 2026. Registration closed, and the talks start on "
        "November 21, 2026.</p>"
    )
    dated, copyright = only(check(campaign(tmp_path, body=body)), "BRF002")
    assert (dated.severity, dated.locations) == (Severity.WARNING, ("email.html:12",))
    assert dated.message == (
        "dates before the send date 2026-11-27 (send_at): “March 14, 2026”, “12 мая 2026”, "
        "“November 20, 2026”, “November 21, 2026” (email.html)"
    )
    assert (copyright.severity, copyright.locations) == (Severity.WARNING, ("email.html:9",))
    assert copyright.message == (
        "copyright year before the send year 2026 (send_at): “© 2014” (email.html)"
    )


def test_a_day_still_to_come_in_order_words_is_stale(tmp_path: Path) -> None:
    body = BODY + (
        "<p>Your next payment will be paid on November 20, 2026. Pre-orders placed on"
        " November 21, 2026 or later ship free. Ordered on: 22.11.2026.</p>"
    )
    [found] = only(check(campaign(tmp_path, body=body)), "BRF002")
    # the payment and the pre-orders are still to come in the copy: stale; the order is gone by
    assert found.message == (
        "dates before the send date 2026-11-27 (send_at): “November 20, 2026”, "
        "“November 21, 2026” (email.html)"
    )


def test_future_dates_and_current_copyright_pass(tmp_path: Path) -> None:
    body = BODY + "<p>До 30.11.2026, December 1, 2026; версия 1.2.2024.1; 31.02.2020 не дата.</p>"
    found = only(check(campaign(tmp_path, body=body)), "BRF002")
    # "31.02.2020" is no date (no 31 February) and "1.2.2024.1" is a version number
    assert found == []


def test_a_day_written_after_a_digit_or_a_dot_is_no_date(tmp_path: Path) -> None:
    """The day is one or two digits with no digit or dot before it: "112.10.2025" and
    "v1.12.10.2025" are numbers, «112 мая 2025» a count; the dates after them are dates."""
    body = BODY + (
        "<p>112.10.2025 v1.12.10.2025 112 мая 2025 · 1.10.2025, 12/10/2025 и 3 мая 2025</p>"
    )
    [found] = only(check(campaign(tmp_path, body=body)), "BRF002")
    assert found.locations == ("email.html:9",)
    assert found.message == (
        "dates before the send date 2026-11-27 (send_at): “1.10.2025”, “12/10/2025”, “3 мая 2025” "
        "(email.html)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<p>Ð¿Ñ€Ð¸Ð²ÐµÑ‚ Ð¼Ð¸Ñ€</p>", "mojibake “Ð¿Ñ€Ð¸Ð²ÐµÑ‚ Ð¼Ð¸Ñ€” (meant: “привет мир”)"),
        ("<p>РџСЂРёРІРµС‚, РјРёСЂ</p>", "mojibake “РџСЂРёРІРµС‚,” (meant: “Привет,”)"),
        (
            "<p>Ñêèäêè ïîêóïàòåëÿì ìàãàçèíà</p>",
            "mojibake “Ñêèäêè ïîêóïàòåëÿì ìàãàçèíà” (meant: “Скидки покупателям магазина”)",
        ),
        (
            "<p>Цена: 1 000 \ufffd\ufffd</p>",
            "2 replacement characters “�”: bytes lost in a charset",
        ),
    ],
)
def test_garbled_text(tmp_path: Path, text: str, message: str) -> None:
    found = only(check(campaign(tmp_path, body=f"{BODY}\n{text}")), "BRF003")
    # a "�" is found where it is written, mojibake where its words are
    written = "\ufffd" in text
    assert [(f.message, f.location) for f in found] == [(message, "email.html:10")]
    # a "�" written in the file is seen by every reader: an error; mojibake is a reading
    assert [f.severity.value for f in found] == ["error" if written else "warning"]


@pytest.mark.parametrize("reference", ["&#65533;", "&#xFFFD;"])
def test_a_replacement_character_written_as_a_reference_is_an_error(
    tmp_path: Path, reference: str
) -> None:
    body = f"{BODY}\n<p>Цена: 1 000 {reference}</p>"
    found = only(check(campaign(tmp_path, body=body)), "BRF003")
    assert [(f.message, f.severity.value, f.location) for f in found] == [
        ("1 replacement character “�”: bytes lost in a charset", "error", "email.html:10")
    ]


def test_a_replacement_character_is_placed_at_its_line_not_at_other_references(
    tmp_path: Path,
) -> None:
    # "&mdash;" and "&copy;" on the lines around a "�" are other characters (SpamScope
    # mail_test_6 listed lines 100, 102 and 104 for its one "�"); "&copy;" is placed as "©"
    body = (
        f"{BODY}\n<p>Скидки &mdash; до 30%</p>\n<p>Цена: 1 000 \ufffd</p>\n"
        "<p>&copy; 2016 ООО «Магазин»</p>"
    )
    d = campaign(tmp_path, body=body)
    lines = (d / "email.html").read_text(encoding="utf-8").splitlines()
    lost = [n for n, text in enumerate(lines, 1) if text.startswith("<p>Цена: 1 000")]
    stale = [n for n, text in enumerate(lines, 1) if text.startswith("<p>&copy; 2016")]
    result = check(d)
    assert [(f.message, f.places) for f in only(result, "BRF003")] == [
        (
            "1 replacement character “�”: bytes lost in a charset",
            tuple(f"email.html:{n}" for n in lost),
        )
    ]
    [dated] = only(result, "BRF002")
    assert "“© 2016”" in dated.message
    assert dated.places == tuple(f"email.html:{n}" for n in stale)


def test_references_the_html_escapes_twice_are_one_error_at_their_lines(tmp_path: Path) -> None:
    # an editor that escapes pasted code: the inbox preview and the body show "&nbsp;"
    preheader = (
        '<div style="display:none">Только до воскресенья&amp;nbsp;&amp;zwnj;&amp;nbsp;</div>'
    )
    body = f"{BODY}\n<p>Скидки &amp;mdash; до 30&amp;nbsp;%</p>"
    found = only(check(campaign(tmp_path, body=body, preheader_html=preheader)), "BRF003")
    assert [(f.message, f.severity.value, f.places) for f in found] == [
        (
            "HTML entities shown as text: “&nbsp;”, “&zwnj;”, “&mdash;” (the HTML escapes them "
            "twice: “&amp;nbsp;”)",
            "error",
            ("email.html:4", "email.html:10"),  # the preheader's line, the body's
        )
    ]


def test_references_in_a_subject_are_plain_text(tmp_path: Path) -> None:
    # what campaign.toml says will be typed into the ESP: whether it reads references there,
    # the ESP's documentation would have to say
    subject = "Скидки&nbsp;30% &#8212; только сегодня"
    found = only(check(campaign(tmp_path, subject=subject)), "BRF003")
    assert [(f.message, f.severity.value, f.location) for f in found] == [
        (
            "could not verify: HTML entities in the subject: “&nbsp;”, “&#8212;” (a subject is "
            "plain text, which most ESPs send as written: write the character itself)",
            "warning",
            "subject",
        )
    ]
    # a test send's subject is what its readers saw
    sent = tmp_path / "sent.eml"
    sent.write_text(
        f"From: Shop <news@shop.test>\nSubject: {subject}\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\nСкидки. Отписаться: https://shop.test/u\n",
        encoding="utf-8",
    )
    [finding] = only(check(sent), "BRF003")
    assert (finding.severity.value, finding.message) == (
        "error",
        "HTML entities shown as text: “&nbsp;”, “&#8212;” (the subject is plain text, where no "
        "entity is read: write the character itself)",
    )


@pytest.mark.parametrize(
    "text",
    [
        "R&D; отдел",
        "AT&amp;T и &amp;co;",
        "Скидки &amp; подарки",
        "&nbsp;&mdash;",
        # a newsletter about e-mail code shows a reference as code: meant so
        "Неразрывный пробел: <code>&amp;nbsp;</code>",
        "<pre>&lt;td&gt;Цена:&amp;nbsp;990&lt;/td&gt;</pre>",
    ],
)
def test_what_is_no_reference_shown_is_left_alone(tmp_path: Path, text: str) -> None:
    # "&co;" names no HTML character; "&amp;" once is an "&"; references read once are read
    assert only(check(campaign(tmp_path, body=f"{BODY}\n<p>{text}</p>")), "BRF003") == []


def test_mojibake_words_among_english_are_named_alone(tmp_path: Path) -> None:
    # only the words beyond ASCII are searched for mojibake: "e Ã ü" across three words looks
    # bad to ftfy, but no word of it does; the one mojibake word among English is named
    body = BODY + (
        "<p>Our naïve Ã über plan: " + "plain words " * 200 + "then Ð¿Ñ€Ð¸Ð²ÐµÑ‚ ends.</p>"
    )
    found = only(check(campaign(tmp_path, body=body)), "BRF003")
    assert [(f.message, f.location) for f in found] == [
        ("mojibake “Ð¿Ñ€Ð¸Ð²ÐµÑ‚” (meant: “привет”)", "email.html:9")
    ]


def test_accented_latin_is_not_mojibake(tmp_path: Path) -> None:
    body = BODY + "<p>Café, naïve, Müller, Ærøskøbing, Señor «ÉTÉ» — “quoted”.</p>"
    assert only(check(campaign(tmp_path, body=body)), "BRF003") == []


def test_expected_text_and_regex_missing(tmp_path: Path) -> None:
    d = campaign(
        tmp_path,
        tables={"expect": {"text": ["BLACK30", "CYBER50"], "regex": ["до \\d+ ноября", "\\d+ ₽"]}},
    )
    found = only(check(d), "BRF004")
    assert [(f.message, f.location) for f in found] == [
        ("expected text “CYBER50” is missing", "[expect] text"),
        ("expected pattern /\\d+ ₽/ is missing", "[expect] regex"),
    ]
    assert all(f.severity.value == "error" for f in found)


def test_expected_text_is_judged_as_rendered(tmp_path: Path) -> None:
    body = BODY + "<p>Ваш код: {{ promo | default('BLACK30', true) }}</p>"
    d = campaign(
        tmp_path,
        body=body.replace("BLACK30", "{{ promo }}", 1),
        template="jinja",
        tables={"expect": {"text": ["BLACK30"]}},
    )
    assert only(check(d), "BRF004") == []


def test_expected_links(tmp_path: Path) -> None:
    d = campaign(
        tmp_path,
        tables={
            "expect": {
                "links": [
                    "shop.test/sale",
                    "https://www.shop.test/sale/black-friday",
                    "shop.test/cyber-monday",
                    "other.test/sale",
                    "cdn.shop.test",
                ]
            }
        },
    )
    found = only(check(d), "BRF005")
    # an image is not a link the reader follows; other.test is not linked at all
    assert [f.message for f in found] == [
        "no link goes to shop.test/cyber-monday",
        "no link goes to other.test/sale",
        "no link goes to cdn.shop.test",
    ]


def test_forbidden_text(tmp_path: Path) -> None:
    d = campaign(
        tmp_path,
        subject="SUMMER25: −30%",
        tables={"expect": {"forbid": ["summer25", "бесплатно"]}},
        body=BODY + "<p>Код Summer25 больше не действует</p>",
    )
    found = only(check(d), "BRF006")
    assert [(f.message, f.locations) for f in found] == [
        ("forbidden text “summer25”", ("subject", "email.html"))
    ]


def test_the_brief_s_spaces_and_dashes_are_the_layout_s(tmp_path: Path) -> None:
    # the brief copied from Word: no-break and thin spaces, a minus sign where the copy has "-"
    wanted = ["1\u00a0990\u00a0₽", "−25%", "до\u202f30 декабря"]
    plain = BODY.replace("Скидка −30% по промокоду BLACK30 до 30 ноября 2026 года.", "Скидки.")
    body = plain + "<p>Всего 1&nbsp;990 ₽ (-25%) до 30 декабря</p>"
    d = campaign(tmp_path, body=body, tables={"expect": {"text": wanted, "forbid": ["–25%"]}})
    result = check(d)
    assert only(result, "BRF004") == []
    assert [f.message for f in only(result, "BRF006")] == ["forbidden text “–25%”"]
    missing = campaign(tmp_path / "other", body=plain, tables={"expect": {"text": wanted}})
    assert len(only(check(missing), "BRF004")) == 3


def test_forbidden_text_is_a_whole_word(tmp_path: Path) -> None:
    body = BODY + "<p>Хитрости ухода за обувью. Наш хит-парад и ХИТ сезона</p>"
    d = campaign(tmp_path, body=body, tables={"expect": {"forbid": ["хит", "хитрост", "парад"]}})
    assert [f.message for f in only(check(d), "BRF006")] == [
        "forbidden text “хит”",  # "ХИТ сезона" and "хит-парад", not "Хитрости"
        "forbidden text “парад”",  # "хит-парад": a word of its own after the hyphen
    ]


@pytest.mark.parametrize(
    ("expect", "reason"),
    [
        ('text = "BLACK30"\nprice = ["1"]', "[expect] has unknown key 'price'"),
        ('regex = ["(unclosed"]', "[expect] regex '(unclosed' is invalid"),
    ],
)
def test_bad_expect_table_is_inp001(tmp_path: Path, expect: str, reason: str) -> None:
    d = campaign(tmp_path)
    manifest = d / "campaign.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + f"\n[expect]\n{expect}\n", encoding="utf-8"
    )
    found = only(check(d), "INP001")
    assert len(found) == 1 and reason in found[0].message


def _lines_of(d: Path, written: str) -> list[int]:
    lines = (d / "email.html").read_text(encoding="utf-8").splitlines()
    return [n for n, text in enumerate(lines, 1) if written in text]


LOREM = "“Lorem ipsum”, “dolor sit amet” (email.html)"


def _hidden(how: str, found: str = LOREM) -> str:
    """BRF001's warning for dummy text no reader sees: why it is no error."""
    return (
        f"placeholder copy: {found}; the dummy text is hidden ({how}): no reader sees it, but "
        "it is still in the message; remove it"
    )


@pytest.mark.parametrize(
    ("stylesheet", "how"),
    [
        # a top-level rule hides the block from every client: a mobile-only block, as an inline
        # display:none is
        # (the warning says which rule, as written)
        (".mob{display:none}", "by the stylesheet rule “.mob{display:none}”"),
        (
            "div.mob {visibility: hidden !important}",
            "by the stylesheet rule “div.mob{visibility: hidden !important}”",
        ),
        # inside @media it hides on some screens only: the others show it
        ("@media (max-width: 600px) {.mob{display:none}}", None),
        # a rule for another element hides nothing here
        (".desktop{display:none}", None),
    ],
)
def test_dummy_text_hidden_by_a_stylesheet_rule_is_a_warning(
    tmp_path: Path, stylesheet: str, how: str | None
) -> None:
    body = f'<style>{stylesheet}</style>\n{BODY}\n<div class="mob">Lorem ipsum dolor sit amet</div>'
    d = campaign(tmp_path, body=body)
    [found] = only(check(d), "BRF001")
    assert found.severity is (Severity.WARNING if how else Severity.ERROR)
    assert found.message == (_hidden(how) if how else f"placeholder copy: {LOREM}")
    assert found.places == tuple(f"email.html:{n}" for n in _lines_of(d, '<div class="mob">'))


@pytest.mark.parametrize(
    ("stylesheet", "style"),
    [
        # its own inline style wins over any rule
        (".mob{display:none}", "display:block"),
        # a later rule, an !important one, a more specific one may win: the text may show
        (".mob{display:none} .mob{display:block}", ""),
        (".mob{display:none}.mob{display:table !important}", ""),
        ("body .mob{display:none} div.mob.mob{display:block}", ""),
        (".mob{visibility:hidden} .mob{visibility:visible}", ""),
        # the property's name in any case, among other declarations
        (".mob{display:none} .mob{color:red; DISPLAY: Block}", ""),
        (".mob{visibility:hidden} .mob{font-size:14px;Visibility:visible}", ""),
        # phones show it
        (".mob{display:none}@media (max-width:600px){.mob{display:block!important}}", ""),
        (".mob{display:none}@media print, (max-width:600px){.mob{display:block}}", ""),
        # what an !important declaration hides, another !important one may show
        (".mob{display:none!important} div.mob{display:block!important}", ""),
        (".mob{display:none!important}", "display:block !important"),
        (".mob{display:none!important}@media (max-width:600px){.mob{display:block!important}}", ""),
    ],
)
def test_dummy_text_a_stylesheet_rule_hides_and_another_may_show_is_an_error(
    tmp_path: Path, stylesheet: str, style: str
) -> None:
    own = f' style="{style}"' if style else ""
    body = (
        f"<style>{stylesheet}</style>\n{BODY}\n"
        f'<div class="mob"{own}>Lorem ipsum dolor sit amet consectetur</div>'
    )
    d = campaign(tmp_path, body=body)
    [found] = only(check(d), "BRF001")
    assert found.severity is Severity.ERROR
    assert found.message == "placeholder copy: “Lorem ipsum”, “dolor sit amet” (email.html)"
    assert found.places == tuple(f"email.html:{n}" for n in _lines_of(d, '<div class="mob"'))


@pytest.mark.parametrize(
    ("stylesheet", "style", "rule"),
    [
        # an !important declaration wins over every declaration that is not
        ("div{display:block} .old{display:none!important}", "", ".old{display:none!important}"),
        (
            ".old{display:none !important} div.old.old{display:block}",
            "",
            ".old{display:none !important}",
        ),
        (".old{display:none!important}", "display:block", ".old{display:none!important}"),
        (
            ".old{visibility:hidden!important; display:block} .old{visibility:visible}",
            "",
            ".old{visibility:hidden!important; display:block}",
        ),
        # paper is no screen: what only print shows, no reader sees
        (".old{display:none}@media print{.old{display:block}}", "", ".old{display:none}"),
        (
            ".old{display:none}@media only print, print and (orientation:landscape){.old{display:block}}",
            "",
            ".old{display:none}",
        ),
        (
            ".old{display:none}@media print{@media (max-width:600px){.old{display:block}}}",
            "",
            ".old{display:none}",
        ),
    ],
)
def test_dummy_text_hidden_where_no_other_rule_may_show_it_is_a_warning(
    tmp_path: Path, stylesheet: str, style: str, rule: str
) -> None:
    own = f' style="{style}"' if style else ""
    body = f'<style>{stylesheet}</style>\n<p>Hi</p>\n<div class="old"{own}>Lorem ipsum dolor sit amet</div>'
    d = campaign(tmp_path, body=body)
    [found] = only(check(d), "BRF001")
    assert found.severity is Severity.WARNING
    assert found.message == _hidden(f"by the stylesheet rule “{rule}”")
    assert found.places == tuple(f"email.html:{n}" for n in _lines_of(d, '<div class="old"'))
    assert len(found.places) == 1


def test_a_rule_that_shows_nothing_leaves_the_dummy_text_hidden(tmp_path: Path) -> None:
    # what shows another element, a pseudo-element or a pointed-at element shows no text here
    stylesheet = (
        ".mob{display:none} .desktop{display:block} .mob::before{display:block}"
        " .mob:hover{display:block} .mob{visibility:hidden}"
    )
    body = f'<style>{stylesheet}</style>\n{BODY}\n<div class="mob">Lorem ipsum</div>'
    d = campaign(tmp_path, body=body)
    [found] = only(check(d), "BRF001")
    assert (found.severity, found.places) == (
        Severity.WARNING,
        tuple(f"email.html:{n}" for n in _lines_of(d, '<div class="mob"')),
    )


@pytest.mark.parametrize(
    "shows",
    [
        # whatever part of the block a selector names, its tag, id, classes, attributes or
        # place, a rule that may pick it may show it
        "div{display:block}",
        "#m{display:block}",
        ".x, .mob.wide{display:block}",
        "body > div.wide{display:block}",
        "p + div{display:block}",
        "[id=m]{display:block}",
        "*|div{display:block}",
        "div:not(.other){display:block}",
        ":last-child{display:block}",
    ],
)
def test_dummy_text_any_selector_that_may_pick_the_hidden_block_may_show_it(
    tmp_path: Path, shows: str
) -> None:
    body = (
        f"<style>.mob{{display:none}} {shows}</style>\n{BODY}\n"
        '<div class="mob wide" id="m">Lorem ipsum dolor sit amet consectetur</div>'
    )
    d = campaign(tmp_path, body=body)
    [found] = only(check(d), "BRF001")
    assert found.severity is Severity.ERROR
    assert found.message == "placeholder copy: “Lorem ipsum”, “dolor sit amet” (email.html)"
    assert found.places == tuple(f"email.html:{n}" for n in _lines_of(d, '<div class="mob'))
    assert len(found.places) == 1


def _previewed(how: str, after: str | None = None, found: str = LOREM, texts: str = "") -> str:
    """BRF001's error for hidden dummy text the inbox shows in the preview: why it is one
    (``after``: the short preheader it follows; None: there is none)."""
    texts = texts or found.rsplit(" (", 1)[0]
    why = (
        "but the inbox shows it as the preview: there is no preheader, and it is the first "
        "text — add a preheader or remove the text"
        if after is None
        else f"but the inbox preview shows it: it follows a preheader of {len(after)} characters "
        f"(“{after}”), which does not fill the preview — pad the preheader (&zwnj;&nbsp;…) or "
        "remove the text"
    )
    return f"placeholder copy: {found}; the element with {texts} is hidden ({how}), {why}"


@pytest.mark.parametrize(
    ("before", "severity"),
    [
        # the body's first text: the inbox shows it as the preview (PRE001 quotes it), as it
        # shows a preheader hidden by an inline style
        ("", Severity.ERROR),
        (
            '<table><tr><td><img src="https://cdn.shop.test/logo.png" alt=""></td></tr></table>',
            Severity.ERROR,
        ),
        # a preheader that fills the preview is the preview: the block after it is a hidden
        # one (a short one leaves room for it: see the test below)
        (
            '<div style="display:none">Скидки до 30 ноября на всю зимнюю коллекцию</div>',
            Severity.WARNING,
        ),
        ('<div style="display:none">Скидки до 30 ноября</div>', Severity.ERROR),
        # so is a block after the first visible text
        ("<p>Здравствуйте!</p>", Severity.WARNING),
    ],
)
def test_dummy_text_a_stylesheet_hides_as_the_preview_is_seen(
    tmp_path: Path, before: str, severity: Severity
) -> None:
    body = (
        f"{before}\n"
        '<div class="ph">Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do</div>\n'
        f"{BODY}"
    )
    preheader = "<style>.ph{display:none}</style>"  # and no preheader
    d = campaign(tmp_path, body=body, preheader_html=preheader)
    [found] = only(check(d), "BRF001")
    assert found.severity is severity
    texts = "“Lorem ipsum”, “dolor sit amet”, “consectetur adipiscing” (email.html)"
    how = "by the stylesheet rule “.ph{display:none}”"
    # the error says why, though the block is hidden: the preheader it follows is too short
    # to fill the preview, or there is none
    after = "Скидки до 30 ноября" if "Скидки" in before else None
    assert found.message == (
        _hidden(how, texts) if severity is Severity.WARNING else _previewed(how, after, texts)
    )
    assert found.places == tuple(f"email.html:{n}" for n in _lines_of(d, '<div class="ph">'))


def test_dummy_text_hidden_by_a_stylesheet_and_seen_elsewhere_is_an_error(tmp_path: Path) -> None:
    body = (
        f'<style>.mob{{display:none}}</style>\n{BODY}\n<div class="mob">Lorem ipsum</div>'
        "\n<p>Lorem ipsum</p>"
    )
    [found] = only(check(campaign(tmp_path, body=body)), "BRF001")
    assert (found.severity, found.message) == (
        Severity.ERROR,
        "placeholder copy: “Lorem ipsum” (email.html)",
    )


@pytest.mark.parametrize(
    ("block", "severity"),
    [
        # Outlook's readers see what its conditional comments hold
        ("<!--[if mso]>\n<p>Lorem ipsum dolor sit amet</p>\n<![endif]-->", Severity.ERROR),
        ("<!--[if gte mso 9]>\n<p>Lorem ipsum dolor sit amet</p>\n<![endif]-->", Severity.ERROR),
        # in either case, as Outlook reads it
        ("<!--[IF MSO]>\n<p>Lorem ipsum dolor sit amet</p>\n<![ENDIF]-->", Severity.ERROR),
        # ... and every other client what is revealed to all but Outlook
        (
            "<!--[if !mso]><!-->\n<p>Lorem ipsum dolor sit amet</p>\n<!--<![endif]-->",
            Severity.ERROR,
        ),
        # hidden from Outlook there, or for a client not told: maybe no one sees it
        (
            '<!--[if mso]>\n<p style="mso-hide:all">Lorem ipsum dolor sit amet</p>\n<![endif]-->',
            Severity.WARNING,
        ),
        ("<!--[if IE]>\n<p>Lorem ipsum dolor sit amet</p>\n<![endif]-->", Severity.WARNING),
        # for every client but Outlook, and not revealed to them: a comment no one reads
        ("<!--[if !mso]>\n<p>Lorem ipsum dolor sit amet</p>\n<![endif]-->", None),
    ],
)
def test_dummy_text_in_a_conditional_comment_is_read_as_its_readers_see_it(
    tmp_path: Path, block: str, severity: Severity | None
) -> None:
    d = campaign(tmp_path, body=f"{BODY}\n{block}")
    found = only(check(d), "BRF001")
    assert [f.severity for f in found] == ([severity] if severity else [])
    if found:  # at the line the text is written on, not the HTML's name alone
        hows = {  # the warning says why no one may see it
            "mso-hide": "mso-hide:all in an Outlook conditional comment",
            "[if IE]": "in a conditional comment for another client, [if IE]",
        }
        how = next((said for key, said in hows.items() if key in block), None)
        assert found[0].message == (_hidden(how) if how else f"placeholder copy: {LOREM}")
        assert found[0].places == tuple(
            f"email.html:{n}" for n in _lines_of(d, "Lorem ipsum dolor")
        )


@pytest.mark.parametrize(
    ("block", "severity"),
    [
        # a no-break space is a space, as in the visible text
        ("<!--[if mso]><p>Lorem&nbsp;ipsum dolor&nbsp;sit&nbsp;amet</p><![endif]-->", "error"),
        (
            '<!--[if mso]><p style="mso-hide:all">Lorem&nbsp;ipsum dolor&nbsp;sit&nbsp;amet</p>'
            "<![endif]-->",
            "warning",
        ),
        ('<div style="display:none">Lorem&nbsp;ipsum dolor&nbsp;sit&nbsp;amet</div>', "warning"),
        ("<pre>Lorem&nbsp;ipsum dolor&nbsp;sit&nbsp;amet</pre>", None),
    ],
)
def test_dummy_text_with_no_break_spaces_is_read_as_shown(
    tmp_path: Path, block: str, severity: str | None
) -> None:
    d = campaign(tmp_path, body=f"{BODY}\n{block}")
    found = only(check(d), "BRF001")
    assert [f.severity.value for f in found] == ([severity] if severity else [])
    if found:
        [line] = _lines_of(d, "Lorem&nbsp;")
        how = {
            "mso-hide": "mso-hide:all in an Outlook conditional comment",
            "display:none": f"display:none on line {line}",
        }
        said = next((said for key, said in how.items() if key in block), None)
        assert found[0].message == (_hidden(said) if said else f"placeholder copy: {LOREM}")
        assert found[0].places == (f"email.html:{line}",)


def test_a_comment_outlook_does_not_read_as_conditional_is_no_copy(tmp_path: Path) -> None:
    # Outlook reads "<!--[if" as written: with a space it is a comment no client shows
    body = f"{BODY}\n<!-- [if mso]><p>Lorem ipsum dolor sit amet</p><![endif]-->"
    assert only(check(campaign(tmp_path, body=body)), "BRF001") == []


@pytest.mark.parametrize(
    ("copy", "written"),
    [
        # a space written as a character reference
        ("<!--[if mso]><p>Lorem&#32;ipsum</p><![endif]-->", "Lorem&#32;"),
        ("<p>Lorem&#x20;ipsum</p>", "Lorem&#x20;"),
        # the copy, not the code above it that shows the same words
        ("<pre>Lorem ipsum</pre>\n<p>Lorem ipsum is great.</p>", "is great"),
        # an element of another name is no code: its text is copy too
        (
            "<code-note>Lorem ipsum</code-note> <code>x</code>\n<p>Lorem ipsum is great.</p>",
            "Lorem ipsum",
        ),
        # every line the copy says it on: one finding lists each place
        ("<p>Lorem ipsum</p>\n<p>Real copy</p>\n<td>Lorem ipsum</td>", "Lorem ipsum"),
    ],
)
def test_dummy_text_is_placed_where_the_copy_writes_it(
    tmp_path: Path, copy: str, written: str
) -> None:
    d = campaign(tmp_path, body=f"{BODY}\n\n{copy}")
    [found] = only(check(d), "BRF001")
    assert (found.severity, found.message) == (
        Severity.ERROR,
        "placeholder copy: “Lorem ipsum” (email.html)",
    )
    assert found.places == tuple(f"email.html:{n}" for n in _lines_of(d, written))
    assert len(found.places) == copy.count(written)


def test_what_outlook_reads_as_no_text_is_no_copy(tmp_path: Path) -> None:
    # its stylesheet, Office's settings, a VML button's style: a font family named so is no copy
    body = (
        "<!--[if mso]><style>td {font-family: 'Lorem Ipsum Sans', Arial}</style>"
        "<xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch>"
        "</o:OfficeDocumentSettings></xml><![endif]-->\n"
        f"{BODY}\n"
        '<!--[if mso]><table><tr><td style="font-family:Lorem Ipsum Sans"><![endif]-->\n'
        "<p style=\"font-family:'Lorem Ipsum Sans', Arial\">Привет</p>\n"
        "<!--[if mso]></td></tr></table><![endif]-->"
    )
    assert only(check(campaign(tmp_path, body=body)), "BRF001") == []


@pytest.mark.parametrize(
    ("copy", "severity"),
    [
        # a sentence about the dummy text names it in quotation marks: for a person to judge
        ("<p>Designers fill a layout with “Lorem ipsum” until the copy comes.</p>", "warning"),
        ("<p>Мы больше не пишем «Lorem ipsum dolor sit amet» в макетах.</p>", "warning"),
        ('<p>The "Far far away, behind the word mountains" of free layouts.</p>', "warning"),
        # shown as code: a sample, not copy
        ("<pre>Lorem ipsum dolor sit amet</pre>", None),
        ("<p>Type <code>lorem ipsum</code> or <kbd>Lorem ipsum</kbd>.</p>", None),
        # the dummy text itself, quoted or not, stays an error
        ("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>", "error"),
        ("<p>“Lorem ipsum dolor sit amet, consectetur adipiscing elit.” — Jane</p>", "error"),
        ("<p>“Lorem ipsum”</p>\n<p>Lorem ipsum</p>", "error"),  # named, and written too
        ("<pre>Lorem ipsum</pre>\n<p>Lorem ipsum</p>", "error"),
    ],
)
def test_dummy_text_named_or_shown_as_code_is_no_error(
    tmp_path: Path, copy: str, severity: str | None
) -> None:
    found = only(check(campaign(tmp_path, body=f"{BODY}\n{copy}")), "BRF001")
    assert [f.severity.value for f in found] == ([severity] if severity else [])


@pytest.mark.parametrize(
    ("copy", "severity"),
    [
        # a paragraph that is nothing but a quotation of it: a placeholder testimonial
        ('<p>"Lorem ipsum dolor sit amet, consectetur."</p>', "error"),
        ("<p>“Lorem ipsum dolor sit amet consectetur adipiscing”</p>", "error"),
        ("<table><tr><td>\n  «Lorem ipsum dolor sit amet» \n</td></tr></table>", "error"),
        # said in a block with words of its own: a sentence about it
        ("<p>Designers call filler text “Lorem ipsum dolor sit amet”.</p>", "warning"),
        # ... but a paragraph of its own there is copy again
        ("<div>Designers call filler text <p>“Lorem ipsum dolor sit amet”</p></div>", "error"),
    ],
)
def test_a_quotation_alone_in_its_block_is_placeholder_copy(
    tmp_path: Path, copy: str, severity: str
) -> None:
    d = campaign(tmp_path, body=f"{BODY}\n{copy}")
    [found] = only(check(d), "BRF001")
    assert found.severity.value == severity
    assert found.message.startswith("placeholder copy: “Lorem ipsum”, “dolor sit amet”")
    assert found.places == tuple(f"email.html:{n}" for n in _lines_of(d, "Lorem ipsum dolor"))


@pytest.mark.parametrize(
    ("subject", "severity"),
    [("“Lorem ipsum dolor sit amet”", "error"), ("Why we dropped “Lorem ipsum”", "warning")],
)
def test_a_subject_that_is_a_quotation_of_dummy_text_is_placeholder_copy(
    tmp_path: Path, subject: str, severity: str
) -> None:
    [found] = only(check(campaign(tmp_path, subject=subject)), "BRF001")
    assert (found.severity.value, found.places) == (severity, ("subject",))


@pytest.mark.parametrize(
    ("preheader", "hidden_by", "severity"),
    [
        # a preheader too short to fill the preview, and no padding: the inbox shows the
        # hidden text after it ("Sale! Lorem ipsum…"), however it is hidden
        ("Sale!", 'class="old"', Severity.ERROR),
        ("Sale!", 'style="display:none"', Severity.ERROR),
        # padding fills the preview, or the preheader does: the text after it is hidden
        ("Sale!&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;", 'class="old"', Severity.WARNING),
        ("Sale!&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;", 'class="old"', Severity.WARNING),
        (
            "Our winter sale starts today with big discounts on everything",
            'class="old"',
            Severity.WARNING,
        ),
    ],
)
def test_hidden_dummy_text_a_short_preheader_leaves_in_the_preview_is_seen(
    tmp_path: Path, preheader: str, hidden_by: str, severity: Severity
) -> None:
    d = campaign(
        tmp_path,
        body=f"<style>.old{{display:none}}</style>\n"
        f"<div {hidden_by}>Lorem ipsum dolor sit amet</div>\n{BODY}",
        preheader_html=f'<div style="display:none">{preheader}</div>',
    )
    [found] = only(check(d), "BRF001")
    assert found.severity is severity
    [line] = _lines_of(d, "Lorem ipsum dolor")
    how = (
        f"display:none on line {line}"
        if "style" in hidden_by
        else "by the stylesheet rule “.old{display:none}”"
    )
    assert found.message == (
        _hidden(how) if severity is Severity.WARNING else _previewed(how, "Sale!")
    )
    assert found.places == (f"email.html:{line}",)


@pytest.mark.parametrize(
    ("preheader", "severity"),
    [
        # campaign.toml's preheader is put in front of the body by the ESP: one that fills the
        # preview (35 characters or more) leaves the hidden text after it hidden, as a
        # preheader written in the HTML does
        ("Our winter sale starts today with big discounts on everything", Severity.WARNING),
        # padding fills it too
        ("Sale!&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;", Severity.WARNING),
        # a short one, unpadded, leaves room: the inbox shows "Sale! Lorem ipsum…"
        ("Sale!", Severity.ERROR),
    ],
)
@pytest.mark.parametrize("hidden_by", ['class="old"', 'style="display:none"'])
def test_hidden_dummy_text_after_the_campaign_s_preheader_is_judged_by_its_length(
    tmp_path: Path, preheader: str, severity: Severity, hidden_by: str
) -> None:
    # the body has no preheader of its own: the hidden block is its first text
    d = campaign(
        tmp_path,
        body=f"<style>.old{{display:none}}</style>\n"
        f"<div {hidden_by}>Lorem ipsum dolor sit amet</div>\n{BODY}",
        preheader_html="",
        preheader=preheader,
    )
    [found] = only(check(d), "BRF001")
    assert found.severity is severity
    [line] = _lines_of(d, "Lorem ipsum dolor")
    how = (
        f"display:none on line {line}"
        if "style" in hidden_by
        else "by the stylesheet rule “.old{display:none}”"
    )
    # (a first block hidden by its own style is the body's preheader, after campaign.toml's)
    assert found.message == (
        _hidden(how) if severity is Severity.WARNING else _previewed(how, "Sale!")
    )
    assert found.places == (f"email.html:{line}",)


def test_a_short_campaign_preheader_and_the_body_s_own_fill_the_preview_together(
    tmp_path: Path,
) -> None:
    # "Sale!" then the HTML's preheader: 35 characters and more together, the preview is full
    d = campaign(
        tmp_path,
        body=f'<div class="old">Lorem ipsum dolor sit amet</div>\n{BODY}',
        preheader_html='<style>.old{display:none}</style><div style="display:none">'
        "Everything in the shop at 30% off</div>",
        preheader="Sale!",
    )
    [found] = only(check(d), "BRF001")
    assert found.severity is Severity.WARNING
    assert found.message == _hidden("by the stylesheet rule “.old{display:none}”")
    assert found.places == tuple(f"email.html:{n}" for n in _lines_of(d, "Lorem ipsum dolor"))


@pytest.mark.parametrize(
    ("stylesheets", "severity"),
    [
        # a <style> element's media attribute is read as an @media rule around it: print
        # shows nothing on a screen
        ('<style>.mob{display:none}</style><style media="print">.mob{display:block}</style>', "W"),
        (
            '<style>.mob{display:none}</style><style media="only print">.mob{display:block}</style>',
            "W",
        ),
        # a phone's query shows it there; screen and all show it everywhere
        (
            '<style>.mob{display:none}</style><style media="(max-width:600px)">'
            ".mob{display:block}</style>",
            "E",
        ),
        ('<style>.mob{display:none}</style><style media="screen">.mob{display:block}</style>', "E"),
        # what a print stylesheet hides, or a phone's, every other screen shows
        ('<style media="print">.mob{display:none}</style>', "E"),
        ('<style media="screen and (max-width:600px)">.mob{display:none}</style>', "E"),
        # one for every screen hides it from every client
        ('<style media="all">.mob{display:none}</style>', "W"),
        ('<style media="screen">.mob{display:none}</style>', "W"),
    ],
)
def test_a_stylesheet_s_media_attribute_is_read_as_its_media_query(
    tmp_path: Path, stylesheets: str, severity: str
) -> None:
    body = f'{stylesheets}\n{BODY}\n<div class="mob">Lorem ipsum dolor sit amet</div>'
    d = campaign(tmp_path, body=body)
    [found] = only(check(d), "BRF001")
    assert found.severity is (Severity.WARNING if severity == "W" else Severity.ERROR)
    assert found.message == (
        _hidden("by the stylesheet rule “.mob{display:none}”")
        if severity == "W"
        else f"placeholder copy: {LOREM}"
    )
    assert found.places == tuple(f"email.html:{n}" for n in _lines_of(d, '<div class="mob">'))


def test_the_warning_says_every_way_the_dummy_text_is_hidden_in_one_finding(
    tmp_path: Path,
) -> None:
    body = (
        f"<style>.mob{{display:none}}</style>\n{BODY}\n"
        '<div class="mob">Lorem ipsum dolor sit amet</div>\n'
        '<p style="display: none">Lorem ipsum</p>\n'
        '<!--[if mso]><p style="mso-hide:all">Lorem ipsum</p><![endif]-->\n'
        "<p>TODO: the footer</p>"
    )
    d = campaign(tmp_path, body=body)
    result = check(d)
    [found] = only(result, "BRF001")
    [by_rule] = _lines_of(d, '<div class="mob">')
    [inline] = _lines_of(d, '<p style="display: none">')
    [outlook] = _lines_of(d, "mso-hide")
    [todo] = _lines_of(d, "TODO")
    assert found.severity is Severity.WARNING
    assert found.message == _hidden(
        "by the stylesheet rule “.mob{display:none}”; display: none on line "
        f"{inline}; mso-hide:all in an Outlook conditional comment",
        found="“Lorem ipsum”, “dolor sit amet”, “TODO” (email.html)",
    )
    assert found.places == tuple(f"email.html:{n}" for n in (by_rule, inline, outlook, todo))


def test_the_warning_names_the_first_three_ways_and_counts_the_rest(tmp_path: Path) -> None:
    hidden = "\n".join(f'<p style="display:none;margin:{n}px">Lorem ipsum</p>' for n in range(5))
    d = campaign(tmp_path, body=f"{BODY}\n{hidden}")
    [found] = only(check(d), "BRF001")
    lines = _lines_of(d, '<p style="display:none')
    assert found.severity is Severity.WARNING
    assert found.message == _hidden(
        f"display:none on line {lines[0]}; display:none on line {lines[1]}; display:none on "
        f"line {lines[2]} and 2 more",
        found="“Lorem ipsum” (email.html)",
    )
    assert found.places == tuple(f"email.html:{n}" for n in lines) and len(lines) == 5


# A field, link or heading that is nothing but the layout's name for it (QA probe, session 28:
# a MailerLite export's subject «Заголовок» and preheader «Текст», Mautic's "H1 Header" and
# "Call to Action"): certain, an error where seen, at the line its text is written on
@pytest.mark.parametrize(
    ("where", "text", "places"),
    [
        ({"subject": "Заголовок"}, "“Заголовок” (subject)", ["subject"]),
        ({"subject": "Title"}, "“Title” (subject)", ["subject"]),
        ({"subject": "Тема письма."}, "“Тема письма” (subject)", ["subject"]),
        (
            {"preheader_html": '<div class="preheader" style="display:none">Текст</div>'},
            "“Текст” (preheader)",
            ["preheader"],
        ),
        ({"preheader": "Text"}, "“Text” (preheader)", ["preheader"]),
        (
            {"body": '<p><a href="https://shop.test/">Кнопка</a></p>'},
            "“Кнопка” (email.html)",
            ["email.html:10"],
        ),
        (
            {"body": '<p><a href="https://shop.test/">\n  Call to Action →\n</a></p>'},
            "“Call to Action” (email.html)",
            ["email.html:11"],
        ),
        (
            {"body": "<h1>\n  <singleline>H1 Header</singleline>\n</h1>"},
            "“H1 Header” (email.html)",
            ["email.html:11"],
        ),
        ({"body": "<h2>Заголовок</h2>"}, "“Заголовок” (email.html)", ["email.html:10"]),
    ],
)
def test_a_field_that_is_only_a_layout_s_stand_in_is_an_error(
    tmp_path: Path, where: dict[str, str], text: str, places: list[str]
) -> None:
    kw: dict[str, Any] = dict(where)
    kw["body"] = BODY + "\n" + kw.get("body", "")
    found = only(check(campaign(tmp_path, **kw)), "BRF001")
    assert [(f.severity, f.message, list(f.places)) for f in found] == [
        (Severity.ERROR, f"placeholder copy: {text}", places)
    ]


def test_every_stand_in_link_and_heading_is_one_finding_at_its_lines(tmp_path: Path) -> None:
    body = (
        BODY + '\n<h1>Heading</h1>\n<p><a href="https://shop.test/a">Button</a></p>\n'
        '<p><a href="https://shop.test/b">Button</a></p>\n'
        '<div style="display:none"><a href="https://shop.test/c">Кнопка</a></div>'
    )
    found = only(check(campaign(tmp_path, body=body)), "BRF001")
    # a button no reader sees: in the message all the same, said in the one finding
    assert [(f.severity, f.message, list(f.places)) for f in found] == [
        (
            Severity.ERROR,
            "placeholder copy: “Heading”, “Button” (email.html); and as a warning: "
            "placeholder copy: “Кнопка” (email.html)",
            ["email.html:10", "email.html:11", "email.html:12", "email.html:13"],
        ),
    ]


# A stand-in heading a stylesheet's rule hides is judged as hidden dummy text is (it was an
# error, as if seen): a warning that says the rule; one hidden inside @media only is seen on
# other screens, as dummy text there is: an error
@pytest.mark.parametrize(
    ("stylesheet", "heading", "how"),
    [
        (".mob{display:none}", '<h1 class="mob">Heading 1</h1>', ".mob{display:none}"),
        (
            "#top {max-height:0; overflow:hidden}",
            '<div id="top"><h2>H1 Header</h2></div>',
            "#top{max-height:0; overflow:hidden}",
        ),
        ("h3.x{font-size:0}", '<h3 class="x">Заголовок</h3>', "h3.x{font-size:0}"),
        ("@media (max-width: 600px) {.mob{display:none}}", '<h1 class="mob">Heading 1</h1>', None),
        ("", "<h1>Heading 1</h1>", None),
    ],
)
def test_a_stand_in_heading_a_stylesheet_hides_is_a_warning(
    tmp_path: Path, stylesheet: str, heading: str, how: str | None
) -> None:
    d = campaign(tmp_path, body=f"<style>{stylesheet}</style>\n{BODY}\n{heading}")
    found = only(check(d), "BRF001")
    text = "".join(piece.split(">")[-1] for piece in heading.split("<"))  # (the tags left out)
    lines = _lines_of(d, heading)
    assert len(lines) == 1
    if how is None:  # seen somewhere: an error, as before
        expected = (Severity.ERROR, f"placeholder copy: “{text}” (email.html)")
    else:
        said = f"by the stylesheet rule “{how}”"
        expected = (Severity.WARNING, _hidden(said, f"“{text}” (email.html)"))
    assert [(f.severity, f.message, f.places) for f in found] == [
        (*expected, (f"email.html:{lines[0]}",))
    ]


def test_each_stand_in_heading_of_a_line_is_judged_apart(tmp_path: Path) -> None:
    # a minified layout: the visible "Heading 1" between two a rule hides is an error
    headings = '<h1 class="mob">Heading 1</h1><h1>Heading 1</h1><h2 class="mob">Heading 1</h2>'
    d = campaign(tmp_path, body=f"<style>.mob{{display:none}}</style>\n{BODY}\n{headings}")
    [line] = _lines_of(d, headings)
    found = only(check(d), "BRF001")
    hidden = _hidden("by the stylesheet rule “.mob{display:none}”", "“Heading 1” (email.html)")
    assert [(f.severity, f.message, f.places) for f in found] == [
        (
            Severity.ERROR,
            f"placeholder copy: “Heading 1” (email.html); and as a warning: {hidden}",
            (f"email.html:{line}",),
        ),
    ]


@pytest.mark.parametrize(
    "prose",
    [
        # the stand-ins' words in sentences, or a field with words of its own
        "<p>Текст договора приложен. Нажмите кнопку ниже: это наш call to action.</p>",
        '<p><a href="https://shop.test/">Кнопка «Купить»</a> и <a href="https://shop.test/l">'
        "Link</a></p>",
        # a heading over a topic, a title or a text: real headings
        "<h2>Тема</h2><p>Как выбрать пуховик</p><h3>Title</h3><h3>Text</h3>",
        "<h2>Headlines of the week</h2><h2>Header images, explained</h2>",
    ],
)
def test_a_stand_in_s_words_in_copy_are_no_placeholder(tmp_path: Path, prose: str) -> None:
    found = only(check(campaign(tmp_path, body=BODY + prose, subject="Текст песни")), "BRF001")
    assert found == []


def test_a_word_typed_on_two_neighbouring_keys_is_placeholder_copy(tmp_path: Path) -> None:
    # a MailerLite export's heading «уцуцу (цуцу)» and link «вывывы» (QA probe, session 28)
    body = (
        BODY + '\n<h1><a href="https://shop.test/">уцуцу (цуцу)</a></h1>\n'
        '<p><a href="https://shop.test/n">вывывы</a></p>\n<p>asasas dfdfdf</p>'
    )
    found = only(check(campaign(tmp_path, body=body)), "BRF001")
    assert [(f.severity, f.message, list(f.places)) for f in found] == [
        (
            Severity.WARNING,
            "placeholder copy: “уцуцу”, “вывывы”, “asasas”, “dfdfdf” (email.html)",
            ["email.html:10", "email.html:11", "email.html:12"],
        )
    ]


@pytest.mark.parametrize(
    "prose",
    [
        # laughter, songs and words a syllable repeats in (their keys are no neighbours, or
        # the word is said: "lololol", «ололо», «мимими», «кукуку», «ненене», "huhuhu")
        "<p>Хахаха! Hahaha, hehehe, хихихи, Хохохо, ахахах, jajaja, ляляля, nanana.</p>",
        "<p>lololol, ололо, мимими, кукуку, ненене, huhuhu</p>",
        "<p>Mississippi, banana, ananas, papaya, cocoa, tutu, мама, папа, цуцу</p>",
    ],
)
def test_laughter_and_words_are_no_keyboard_mash(tmp_path: Path, prose: str) -> None:
    assert only(check(campaign(tmp_path, body=BODY + prose)), "BRF001") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "<p>Marketing Team, Example Corp<br>\n123 Business St, City, State 12345</p>",
            "“Example Corp”, “123 Business St”, “City, State 12345”",
        ),
        (
            "<p>Your Company Name, Company Name, Address</p>",
            "“Your Company Name”, “Company Name, Address”",
        ),
        ("<p>123 Main Street, Anytown</p>", "“123 Main Street, Anytown”"),
        ("<p>123 Fake Street</p>", "“123 Fake Street”"),
    ],
)
def test_a_template_s_stand_in_address_is_placeholder_copy(
    tmp_path: Path, text: str, expected: str
) -> None:
    found = only(check(campaign(tmp_path, body=BODY + text)), "BRF001")
    assert [(f.severity, f.message) for f in found] == [
        (Severity.WARNING, f"placeholder copy: {expected} (email.html)")
    ]


@pytest.mark.parametrize(
    "prose",
    [
        "<p>Visit us at 123 Main Street, Springfield, or 1600 Amphitheatre Pkwy.</p>",
        "<p>Kansas City, MO 64105. Grow your company; the company name, address and VAT.</p>",
        "<p>For example, Corp. Dev. lists example Inc. 5000 companies.</p>",
    ],
)
def test_a_real_address_is_no_placeholder(tmp_path: Path, prose: str) -> None:
    assert only(check(campaign(tmp_path, body=BODY + prose)), "BRF001") == []


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        # a word of one letter typed 7 to 32 times, seen: certain (no copy reads so)
        ("<p>ееееееее ееее</p>", Severity.ERROR),
        ("<p>Цена: сссссссс...</p>", Severity.ERROR),
        # hidden from every reader: a warning, as hidden dummy text is
        ('<div style="display:none">ееееееее</div>', Severity.WARNING),
        # what copy does say: "Mmmmmmm" (yummy), "Zzzzzzz" (sleep), a run in a word, and the
        # x a real message masks a number with; a run longer than a word of 32
        ("<p>Mmmmmmm</p>", Severity.WARNING),
        ("<p>Zzzzzzz</p>", Severity.WARNING),
        ("<p>Урааааааа!</p>", Severity.WARNING),
        ("<p>Account: xxxxxxxxx</p>", Severity.WARNING),
        ("<p>" + "о" * 33 + "</p>", Severity.WARNING),
        # a template pack's brand and address, seen
        ("<p>© YourBrand, 1234 Elm Street</p>", Severity.ERROR),
    ],
)
def test_a_certain_stand_in_seen_is_an_error(tmp_path: Path, text: str, severity: Severity) -> None:
    found = only(check(campaign(tmp_path, body=BODY + "\n" + text)), "BRF001")
    assert [(f.severity, list(f.places)) for f in found] == [(severity, ["email.html:10"])]


@pytest.mark.parametrize(
    "text",
    [
        "ееееееее ееее",
        "Цена: сссссссс...",
        "ЕеЕеЕеЕеЕ",  # a run in any case
        "Ssſssssss ßßßßßßßß ǰǰǰǰǰǰǰǰ ΣσςΣσςΣσς",  # full case folding: one letter, many forms
        "Mmmmmmm, Урааааааа! " + "о" * 33,
        "Lorem ipsum, no run of one letter",
    ],
)
def test_the_certain_run_of_one_letter_is_searched_only_where_the_looser_finds_one(
    text: str,
) -> None:
    # BRF001 skips the certain run where the looser finds none: both are the data's lines, and
    # a text the certain one matches is one the looser does too
    from checks.brief import _CERTAIN_RUN, _LOOSE_RUN, _patterns, _placeholder_matches

    [certain] = [p for p in _patterns("dummy_text.txt") if p.pattern == _CERTAIN_RUN]
    [looser] = [p for p in _patterns("placeholder_copy.txt") if p.pattern == _LOOSE_RUN]
    assert certain.search(text) is None or looser.search(text) is not None
    found = {(start, end) for _each, dummy, start, end in _placeholder_matches(text) if dummy}
    assert {m.span() for m in certain.finditer(text)} <= found


def test_the_preview_s_reason_names_only_the_hidden_dummy_text_of_the_error(
    tmp_path: Path,
) -> None:
    # the first text, hidden by a stylesheet (no preheader: one its own style hides is the
    # preheader), is the preview: an error that says why; "consectetur adipiscing" is seen in
    # a paragraph (an error, no reason needed), "Far far away…" in a mobile-only block no
    # preview reaches (a warning's words): one finding, one cause
    body = (
        '<style>.ph, .mob{display:none}</style>\n<div class="ph">Lorem ipsum dolor sit '
        f"amet</div>\n{BODY}\n<p>Consectetur adipiscing</p>\n"
        '<div class="mob">Far far away, behind the word mountains</div>'
    )
    d = campaign(tmp_path, body=body, preheader_html="")
    [error] = only(check(d), "BRF001")
    [hidden] = _lines_of(d, "Lorem ipsum")
    [seen] = _lines_of(d, "<p>Consectetur")
    [mobile] = _lines_of(d, '<div class="mob">')
    assert (error.severity, error.places) == (
        Severity.ERROR,
        (f"email.html:{hidden}", f"email.html:{seen}", f"email.html:{mobile}"),
    )
    previewed = _previewed(
        "by the stylesheet rule “.ph, .mob{display:none}”",
        found="“Lorem ipsum”, “dolor sit amet”, “Consectetur adipiscing” (email.html)",
        texts=LOREM.rsplit(" (", 1)[0],
    )
    unseen = _hidden(
        "by the stylesheet rule “.ph, .mob{display:none}”",
        "“Far far away, behind the word mountains” (email.html)",
    )
    assert error.message == f"{previewed}; and as a warning: {unseen}"


def test_each_hidden_block_in_a_short_preview_says_what_it_follows(tmp_path: Path) -> None:
    # campaign.toml's "Sale!", the body's own hidden preheader, then a hidden block: 35
    # characters are not reached, the inbox shows all three ("Sale! Lorem ipsum dolor sit
    # amet"); each block's reason names the preheader before it
    body = f'<div class="old">dolor sit amet</div>\n{BODY}'
    preheader_html = (
        '<style>.old{display:none}</style>\n<div style="display:none">Lorem ipsum</div>'
    )
    d = campaign(tmp_path, body=body, preheader_html=preheader_html, preheader="Sale!")
    [found] = only(check(d), "BRF001")
    [own] = _lines_of(d, "Lorem ipsum")
    [block] = _lines_of(d, "dolor sit amet")
    assert (found.severity, found.places) == (
        Severity.ERROR,
        (f"email.html:{own}", f"email.html:{block}"),
    )
    assert found.message == (
        f"placeholder copy: {LOREM}; the element with “Lorem ipsum” is hidden (display:none "
        f"on line {own}), but the inbox preview shows it: it follows a preheader of 5 "
        "characters (“Sale!”), which does not fill the preview — pad the preheader "
        "(&zwnj;&nbsp;…) or remove the text; the element with “dolor sit amet” is hidden (by "
        "the stylesheet rule “.old{display:none}”), but the inbox preview shows it: it follows "
        "a preheader of 17 characters (“Sale! Lorem ipsum”), which does not fill the preview "
        "— pad the preheader (&zwnj;&nbsp;…) or remove the text"
    )


def test_a_word_with_a_look_alike_letter_of_the_other_alphabet(tmp_path: Path) -> None:
    # «cайте» with a Latin "c" (twice, on two lines), "Hеllo" with a Cyrillic "е" in the
    # subject: one finding listing each word and place
    body = BODY + "\n<p>Подробности на нашем cайте.</p>\n<p>И снова о cайте: Hеllo!</p>"
    d = campaign(tmp_path, body=body, subject="Hеllo: −30% на всё")
    [found] = only(check(d), "BRF007")
    assert found.severity is Severity.WARNING
    assert found.message == (
        "a word with a look-alike letter of the other alphabet: “Hеllo” (subject); “cайте”, "
        "“Hеllo” (email.html): search, spell-check and spam filters read it as no word; "
        "retype it in one alphabet"
    )
    assert found.places == (
        "subject",
        *(f"email.html:{n}" for n in _lines_of(d, "cайте")),
    )


@pytest.mark.parametrize(
    "words",
    [
        "SMSка, Wi-Fi-роутер, iPhone-чехол, e-mail-рассылка",  # alphabets mixed on purpose
        "Скидки на Samsung и «Яндекс Маркет», OK, ТВ",  # each word of one alphabet
        "ТВ-box и PRO-версия",  # joined by a hyphen: two words
    ],
)
def test_words_that_mix_alphabets_on_purpose_are_not_reported(tmp_path: Path, words: str) -> None:
    d = campaign(tmp_path, body=BODY + f"\n<p>{words}</p>")
    assert only(check(d), "BRF007") == []


def test_the_ukrainian_serbian_and_macedonian_look_alikes_in_a_word(tmp_path: Path) -> None:
    """The look-alikes are mailcheck.lookalikes' (QA probe, session 31: "Unsubscrіbe" with a
    Cyrillic "і", U+0456, was silent: BRF007 had a table of its own without і, ј, ѕ): a
    Cyrillic і, ј, ѕ in a Latin word, a Latin "i", "I" in a Cyrillic one."""
    body = BODY + (
        "\n<p>Unsubscr\u0456be or Bu\u0455iness</p>"  # 10: Cyrillic і, ѕ in Latin words
        "\n<p>Maj\u0458a</p>"  # 11: a Cyrillic ј
        "\n<p>\u043c\u0456\u0441\u0442\u043e, \u043cisto: \u043ci\u0441\u0442\u043e</p>"  # 12
        "\n<p>I\u043d\u0444\u043e\u0440\u043c\u0430\u0446\u0456\u044f</p>"  # 13
    )
    d = campaign(tmp_path, body=body)
    [found] = only(check(d), "BRF007")
    assert (found.severity, found.places) == (
        Severity.WARNING,
        ("email.html:10", "email.html:11", "email.html:12", "email.html:13"),
    )
    assert found.message == (
        "a word with a look-alike letter of the other alphabet: “Unsubscr\u0456be”, "
        "“Bu\u0455iness”, “Maj\u0458a”, “\u043ci\u0441\u0442\u043e”, "
        "“I\u043d\u0444\u043e\u0440\u043c\u0430\u0446\u0456\u044f” (email.html): search, "
        "spell-check and spam filters read it as no word; retype it in one alphabet"
    )


@pytest.mark.parametrize(
    "words",
    [
        "Київ, Інформація, Її, Білорусь, іграшки",  # Ukrainian і, ї, Belarusian і
        "Јован, Југославија, Љубљана, Њујорк",  # Serbian ј
        "ѕвезда, Ѕвонче, ѕид",  # Macedonian ѕ
        "Kyiv, Instagram, Jovan",  # Latin alone
    ],
)
def test_a_cyrillic_word_with_i_j_or_dze_mixes_nothing(tmp_path: Path, words: str) -> None:
    """і, ј, ѕ are letters of the Ukrainian, Belarusian, Serbian and Macedonian alphabets:
    a word of them and other Cyrillic letters is one alphabet's."""
    assert only(check(campaign(tmp_path, body=BODY + f"\n<p>{words}</p>")), "BRF007") == []


HTML_SOURCE = (
    "<html><head><title>Sale</title></head><body><table><tr><td><p>Скидки&nbsp;30%</p>"
    '<p><a href="https://shop.test/sale">Купить</a></p></td></tr></table></body></html>'
)


def test_a_text_part_of_html_source_is_said_so(tmp_path: Path) -> None:
    """The HTML put in the text part shows its entities as written because it is HTML: say
    that, not "write the character itself" (QA probe, session 29: SpamAssassin's spam/004)."""
    sent = write_test_send(
        tmp_path / "sent.eml",
        text=f"Hello\n\n{HTML_SOURCE}\nhttps://shop.test/u".encode(),
        html=f"<p>Hello</p>{HTML_SOURCE}".encode(),
    )
    assert [(f.message, f.severity.value, f.places) for f in only(check(sent), "BRF003")] == [
        (
            "the text part shows HTML source from its line 3 (“<html>”, “<head>”, “<title>”, "
            "“<body>” …), its entities (“&nbsp;”) as written: the HTML was put in the text "
            "part, where no tag or entity is read (put the plain text there, or let the ESP "
            "make it from the HTML)",
            "error",
            ("sent.eml:12",),
        )
    ]


def test_a_text_part_that_names_a_tag_is_plain_text(tmp_path: Path) -> None:
    # a tag or two named in plain text: the entity advice stands
    sent = write_test_send(
        tmp_path / "sent.eml",
        text=b"Write <br> or <p> where a line breaks; &nbsp; keeps words together",
        html=b"<p>Hello</p>",
    )
    assert [f.message for f in only(check(sent), "BRF003")] == [
        "HTML entities shown as text: “&nbsp;” (the text part is plain text, where no entity is "
        "read: write the character itself)"
    ]


def test_spamassassins_spam_004_is_html_source_in_its_text_part() -> None:
    from tests.test_corpus import corpus_root

    path = corpus_root() / "apache+spamassassin/t/data/spam/004"
    result = check(path)
    [finding] = only(result, "BRF003")
    assert finding.places == ("text/plain part:25",)
    assert finding.message.startswith(
        "the text part shows HTML source from its line 25 (“<html>”, “<head>”, “<meta>”, "
        "“<title>” …), pasted as a message's source writes it, in quoted-printable"
    )
    assert only(result, "HDR003") == []  # one cause, one finding (QA probe, session 32)


def test_html_source_pasted_in_quoted_printable_is_one_finding(tmp_path: Path) -> None:
    """SpamAssassin's spam/004: an HTML part's source pasted into the text part as a message's
    source writes it ("=3D", soft breaks), no Content-Transfer-Encoding. BRF003 and HDR003
    both reported it; labelled quoted-printable it would still be HTML source: BRF003's."""
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Hello, see the sale: https://shop.test/sale\n"  # 1
        "\n"  # 2
        '<html><head><title>Sale</title></head><body bgcolor=3D"#fff"><table><tr>=\n'  # 3
        '<td><p class=3D"a">Sale&nbsp;30%</p><p><a href=3D"https://shop.test/sale">Buy</a>'
        "</p></td></tr></table></body></html>\n",
        encoding="utf-8",
    )
    result = check(path)
    assert only(result, "HDR003") == []
    [finding] = only(result, "BRF003")
    assert (finding.severity.value, finding.places) == ("error", ("text/plain part:3",))
    assert finding.message == (
        "the text part shows HTML source from its line 3 (“<html>”, “<head>”, “<title>”, "
        "“<body>” …), pasted as a message's source writes it, in quoted-printable (“=3D”, “=” "
        "at line ends) under no Content-Transfer-Encoding (7bit): its entities (“&nbsp;”) and "
        "codes show as written, since no tag, entity or code is read there (put the plain "
        "text there, or let the ESP make it from the HTML)"
    )


def test_codes_before_the_pasted_html_are_the_parts_own_encoding(tmp_path: Path) -> None:
    # "=3D" in the text before the HTML: the whole part is encoded, a cause of its own
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Sale: https://shop.test/sale?a=3Db&c=3Dd =\n"  # 1 (one line with 2, read as meant)
        "ends today.\n"  # 2
        '<html><head><title>Sale</title></head><body bgcolor=3D"#fff"><table><tr>'  # 3
        "<td><p>Sale&nbsp;30%</p><p><a>Buy</a></p></td></tr></table></body></html>\n",
        encoding="utf-8",
    )
    result = check(path)
    assert [f.location for f in only(result, "HDR003")] == ["text/plain part"]
    [finding] = only(result, "BRF003")
    assert finding.places == ("text/plain part:3",)
    assert finding.message.startswith("the text part shows HTML source from its line 3 ")
    assert "quoted-printable" not in finding.message


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Код: Х-х-26 до", ["Х-х-26"]),  # Cyrillic x's of both cases around hyphens
        ("Цена: xХ,xx руб", ["xХ,xx"]),  # Latin and Cyrillic in one price
        ("Call xХx-123", ["xХx"]),
        ("Х/X/2026", ["Х/X/2026"]),
        ("Use xxX12 today", ["xxX12"]),
        # one x by itself or by a separator is none of them
        ("Box x-ray, 3x/day, x.x, tax-free, X/Twitter, х/ф «Ёлки»", []),
    ],
)
def test_placeholder_of_x_is_found_with_either_x_in_either_case(
    text: str, found: list[str]
) -> None:
    # the lines of x's are searched only in a text with two x's in a row or two around a
    # slash or a hyphen (Latin or Cyrillic, either case): what they found before, they find
    from mailcheck.checks.brief import placeholders_in

    assert placeholders_in(text) == found


def test_a_host_without_its_scheme_on_a_top_level_domain_typed_with_a_zero_is_placeholder_copy(
    tmp_path: Path,
) -> None:
    """ "Visit acme.c0m now." (QA probe, session 32: silent, only "https://acme.c0m" or
    "www.acme.c0m" was read): a real top-level domain with its "o" typed as a digit zero is a
    stand-in without the scheme too."""
    body = BODY + (
        "\n<p>Visit acme.c0m now.</p>"  # 10
        '\n<p>Or (shop.t0p/sale), <a href="https://shop.test/x?' + UTM + '">acme.c00p</a></p>'
    )
    result = check(campaign(tmp_path, body=body))
    [found] = only(result, "BRF001")
    assert (found.severity, found.message, found.places) == (
        Severity.ERROR,
        "placeholder copy: “acme.c0m”, “shop.t0p/sale”, “acme.c00p” (email.html)",
        ("email.html:10", "email.html:11"),
    )
    # the link's text is no address to LNK007 (another host than the link's)
    assert only(result, "LNK007") == []


@pytest.mark.parametrize(
    "copy",
    [
        # a file's name (other digits between letters: ".r3d" would read as the real .red)
        "Download clip.r3d, video.m4a or diff.json-patch",
        "Version v2.0b runs at 3.0GHz; byte ff.c0; item 1.c0m",  # numbers, a hex byte
        "Thanks.Follow-up soon",  # two sentences with no space between them
        "Write to info@acme.c0m",  # an e-mail address: not a host written alone
        "Visit acme.c0m<sup>2</sup>",  # a footnote's mark cannot be told from the name
        "Open https://shop.test/r?u=acme.c0m",  # in a URL's query: the URL's
        "Our site acme.0rg",  # a top-level domain starts with a letter
    ],
)
def test_what_may_be_no_host_without_a_scheme_is_not_read_as_one(tmp_path: Path, copy: str) -> None:
    assert only(check(campaign(tmp_path, body=BODY + f"\n<p>{copy}</p>")), "BRF001") == []


def test_layouts_sharing_their_copy_are_searched_once_each_judged_by_its_own_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two layouts of one e-mail (a template pack's) read the same visible text: the patterns
    # search it once, but whether a layout's sentence is a block's whole text is each one's
    from mailcheck.checks import brief

    from mailcheck.engine import run

    sentence = "Use this area to offer a short teaser of your email's content."
    alone = write_campaign(tmp_path, "a", body=f"<p>{sentence}</p>\n<p>Shop the sale</p>")
    within = write_campaign(tmp_path, "b", body=f"<p>{sentence} Shop the sale</p>")
    brief._found_in.cache_clear()
    searched: list[str] = []
    mash = brief._keyboard_mash

    def searching(text: str) -> list[tuple[str, bool, int, int]]:
        searched.append(text)
        return mash(text)

    monkeypatch.setattr(brief, "_keyboard_mash", searching)
    results = run([str(alone), str(within)], Config(root=tmp_path), offline=True, jobs=1).results
    found = {r.campaign.id: only(r, "BRF001") for r in results}
    # the layout's sentence alone in its paragraph is certain; in longer copy, a warning
    assert [(f.severity, f.locations) for f in found["a"]] == [(Severity.ERROR, ("email.html:5",))]
    assert [(f.severity, f.locations) for f in found["b"]] == [
        (Severity.WARNING, ("email.html:5",))
    ]
    body = f"{sentence} Shop the sale"
    assert searched.count(body) == 1, searched
