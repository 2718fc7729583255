"""A11Y001-007: accessibility warnings, with exact messages, places and counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from mailcheck.accessibility import contrast_ratio, parse_color, read_accessibility
from mailcheck.htmlparse import is_hidden
from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
GOOD = f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Скидки</title></head>
<body>
<table role="presentation" width="600"><tr><td>
<h1>Чёрная пятница</h1>
<h2>Условия</h2>
<p style="color:#333333; background-color:#ffffff">Скидка −30% на всё.</p>
<a href="https://shop.test/sale?{UTM}"><img src="https://cdn.shop.test/b.png" alt="Смотреть распродажу"></a>
<a href="https://shop.test/gift?{UTM}">Выбрать подарок</a>
<table><caption>Цены</caption><tr><th>Товар</th><td>1 000 ₽</td></tr></table>
<p><a href="https://shop.test/unsub">Отписаться</a></p>
</td></tr></table>
</body></html>
"""


def findings(tmp_path: Path, html: str, code: str) -> list[tuple[str, str]]:
    result = check(write_campaign(tmp_path, html=html))
    found = only(result, code)
    assert all(f.severity is Severity.WARNING for f in found)
    return [(f.message, f.location) for f in found]


def test_accessible_russian_campaign_has_no_findings(tmp_path: Path) -> None:
    result = check(write_campaign(tmp_path, html=GOOD))
    assert [f.code for f in result.findings if f.code.startswith("A11Y")] == []


def test_lang_missing(tmp_path: Path) -> None:
    html = GOOD.replace('<html lang="ru">', "<html>")
    assert findings(tmp_path, html, "A11Y001") == [("<html> has no lang attribute", "email.html:2")]


def test_lang_missing_is_placed_at_the_line_the_html_element_is_written_on(tmp_path: Path) -> None:
    """The place is the <html> element's line as the parse found it (a QA probe: the finding
    named the file alone); an element written over lines is at the line it starts on; a
    document whose <html> the parser implies (it stands only in a comment) has no line."""
    over_lines = GOOD.replace(
        '<!DOCTYPE html>\n<html lang="ru">',
        '<!DOCTYPE html>\n<!-- layout v2 -->\n\n<HTML\n  xmlns="http://www.w3.org/1999/xhtml">',
    )
    assert findings(tmp_path / "over", over_lines, "A11Y001") == [
        ("<html> has no lang attribute", "email.html:4")
    ]
    implied = GOOD.replace('<!DOCTYPE html>\n<html lang="ru">', "<!-- <html> -->\n\n")
    assert findings(tmp_path / "implied", implied, "A11Y001") == [
        ("<html> has no lang attribute", "email.html")
    ]


def test_snippet_without_html_element_is_not_asked_for_lang(tmp_path: Path) -> None:
    snippet = '<p>Привет!</p><p><a href="https://shop.test/unsub">Отписаться</a></p>'
    assert findings(tmp_path, snippet, "A11Y001") == []


def test_rtl_text_without_dir(tmp_path: Path) -> None:
    html = GOOD.replace("Скидка −30% на всё.", "خصم ٣٠٪ على كل شيء")
    assert findings(tmp_path, html, "A11Y002") == [
        ('right-to-left text but no dir="rtl"', "email.html")
    ]
    with_dir = html.replace('<html lang="ru">', '<html lang="ar" dir="RTL">')
    assert findings(tmp_path / "b", with_dir, "A11Y002") == []
    # a language switcher names Arabic and Hebrew in their own scripts: no text in them
    switcher = GOOD.replace("Скидка −30% на всё.", "English | Русский | العربية | עברית")
    assert findings(tmp_path / "c", switcher, "A11Y002") == []


def test_layout_tables_without_role_are_one_finding(tmp_path: Path) -> None:
    html = GOOD.replace('<table role="presentation" width="600">', '<table width="600">').replace(
        "<h2>Условия</h2>", "<h2>Условия</h2>\n<table><tr><td>a</td></tr></table>"
    )
    # the data table (caption, th) is not a layout table
    assert findings(tmp_path, html, "A11Y003") == [
        ('2 layout tables without role="presentation" (line 4, 7)', "email.html:4")
    ]
    (finding,) = only(check(write_campaign(tmp_path / "again", html=html)), "A11Y003")
    assert finding.locations == ("email.html:4", "email.html:7")


def test_image_links_without_alt(tmp_path: Path) -> None:
    html = GOOD.replace('alt="Смотреть распродажу"', 'alt=""').replace(
        "</td></tr></table>\n</body>",
        '<a href="https://shop.test/vk"><img src="https://cdn.shop.test/vk.png"></a>\n'
        '<a href="https://shop.test/tg" aria-label="Telegram"><img src="https://cdn.shop.test/tg.png" alt=""></a>\n'
        "</td></tr></table>\n</body>",
    )
    # aria-label names the Telegram link; the other two have no name. The VK image has no
    # alt attribute at all: IMG001 reports it, naming the link (one cause, one finding)
    assert findings(tmp_path, html, "A11Y004") == [
        ("1 image link without alt text (line 8)", "email.html:8")
    ]
    assert findings(tmp_path, html, "IMG001") == [
        (
            "image has no alt attribute; links made only of such images have no name either, so "
            "a screen reader reads out their address (A11Y004)",
            "email.html:12",
        )
    ]


def test_an_unnamed_image_link_beside_an_image_without_alt_is_two_causes(tmp_path: Path) -> None:
    """A QA probe read IMG001 and A11Y004 at one line (spamassassin spam/006) as one image
    said twice: they are two. The arrow beside the button has no alt attribute (IMG001); the
    button's own image has alt="" (decorative), so its link has no name (A11Y004): two fixes."""
    html = with_links(
        '<img src="https://cdn.shop.test/arrow.gif" width="40" height="20">'
        '<a href="https://shop.test/order"><img src="https://cdn.shop.test/order.gif" alt=""></a>'
    )
    assert findings(tmp_path, html, "A11Y004") == [
        ("1 image link without alt text (line 12)", "email.html:12")
    ]
    assert findings(tmp_path, html, "IMG001") == [("image has no alt attribute", "email.html:12")]


def with_links(*links: str) -> str:
    """GOOD with each link on its own line from line 12 on."""
    return GOOD.replace(
        "</td></tr></table>\n</body>", "\n".join(links) + "\n</td></tr></table>\n</body>"
    )


SPRITE = "display:block;width:32px;height:32px;background:url(https://cdn.shop.test/vk.png)"


def test_background_image_links_without_text_are_one_finding(tmp_path: Path) -> None:
    # a social row drawn from CSS backgrounds behind &#160;, &nbsp; or spaces (QA probe:
    # realworld ru-amurnet-coupons:339-342): the screen reader reads each URL aloud
    html = with_links(
        f'<a href="https://vk.com/shop" style="{SPRITE}">&#160;</a>',
        '<a href="https://t.me/shop" style="background-image:url(\'https://cdn.shop.test/tg.png\')">'
        "&nbsp; </a>",
        '<a href="https://ok.ru/shop"><div style="background-color:#fff;'
        'background-image:url(https://cdn.shop.test/ok.png);width:32px"> </div></a>',
        # a table in a link: the parser moves it out of the <a>, a browser does not
        '<a href="https://dzen.ru/shop"><table role="presentation"><tr>'
        '<td background="https://cdn.shop.test/dzen.png" width="32">&#160;</td></tr></table></a>',
    )
    assert findings(tmp_path, html, "A11Y004") == [
        (
            "4 links with a background image and no text or label (line 12, 13, 14, 15)",
            "email.html:12",
        )
    ]
    (finding,) = only(check(write_campaign(tmp_path / "again", html=html)), "A11Y004")
    assert finding.locations == tuple(f"email.html:{n}" for n in (12, 13, 14, 15))
    assert finding.url == "https://vk.com/shop"


def test_a_background_image_a_stylesheet_rule_sets_is_the_link_s_picture(tmp_path: Path) -> None:
    # the usual social sprite: the picture comes from a class (QA probe R), not an inline style
    html = with_links(
        "<style>.vk{background:url(https://cdn.shop.test/vk.png);width:32px}"
        " a.tg{background-image:url('https://cdn.shop.test/tg.png')}"
        " .plain{color:#333} @media print{.fb{background:url(https://cdn.shop.test/fb.png)}}"
        "</style>",
        '<a href="https://vk.com/shop" class="vk">&#160;</a>',
        '<a href="https://t.me/shop" class="tg"> </a>',
        '<a href="https://shop.test/vk" class="vk">ВКонтакте</a>',
        '<a href="https://ok.ru/shop" class="vk" aria-label="Одноклассники">&#160;</a>',
        '<a href="https://facebook.com/shop" class="fb">&#160;</a>',
        '<a href="https://shop.test/empty" class="plain">&#160;</a>',
    )
    assert findings(tmp_path, html, "A11Y004") == [
        (
            "2 links with a background image and no text or label (line 13, 14)",
            "email.html:13",
        )
    ]


def test_each_kind_of_unnamed_link_is_its_own_finding(tmp_path: Path) -> None:
    html = with_links(
        '<a href="https://shop.test/new"><img src="https://cdn.shop.test/new.png" alt=""></a>',
        f'<a href="https://vk.com/shop" style="{SPRITE}">&#160;</a>',
        '<a href="https://shop.test/top"><img src="https://cdn.shop.test/top.png" alt=" "></a>',
    )
    assert sorted(findings(tmp_path, html, "A11Y004")) == [
        ("1 link with a background image and no text or label (line 13)", "email.html:13"),
        ("2 image links without alt text (line 12, 14)", "email.html:12"),
    ]


def test_unnamed_links_no_reader_sees_are_not_judged_but_outlooks_hiding_is_no_hiding(
    tmp_path: Path,
) -> None:
    # a mobile-only social row hidden on the desktop version, a banner kept for later: no
    # screen reader reads them (the test the headings' and colours' facts use)
    html = with_links(
        f'<div style="display:none"><a href="https://vk.com/shop" style="{SPRITE}">&#160;</a>'
        "</div>",
        f'<a href="https://t.me/shop" style="{SPRITE};visibility:hidden">&#160;</a>',
        '<div hidden><a href="https://shop.test/new"><img src="https://cdn.shop.test/n.png" '
        'alt=""></a></div>',
        '<table role="presentation" style="display:none"><tr><td><a href="https://shop.test/x">'
        '<img src="https://cdn.shop.test/x.png" alt=""></a></td></tr></table>',
        # mso-hide:all hides from Outlook alone: every other client shows (and reads) them
        f'<div style="mso-hide:all"><a href="https://ok.ru/shop" style="{SPRITE}">&#160;</a></div>',
        '<div style="mso-hide:all"><a href="https://shop.test/top"><img '
        'src="https://cdn.shop.test/top.png" alt=""></a></div>',
    )
    assert sorted(findings(tmp_path, html, "A11Y004")) == [
        ("1 image link without alt text (line 17)", "email.html:17"),
        ("1 link with a background image and no text or label (line 16)", "email.html:16"),
    ]


def test_named_links_with_a_background_image_pass(tmp_path: Path) -> None:
    html = with_links(
        f'<a href="https://vk.com/shop" style="{SPRITE}">VK</a>',
        f'<a href="https://t.me/shop" style="{SPRITE}" aria-label="Telegram">&#160;</a>',
        f'<a href="https://ok.ru/shop" style="{SPRITE}" title="Одноклассники">&#160;</a>',
        f'<a href="https://dzen.ru/shop" style="{SPRITE}" aria-labelledby="dzen">&#160;</a>',
        f'<a href="https://rutube.ru/shop"><span role="img" aria-label="Rutube" style="{SPRITE}">'
        "&#160;</span></a>",
        '<a href="https://shop.test/cart" style="background:#e30613 url(https://cdn.shop.test/'
        'btn.png);color:#ffffff;font-size:24px">&#160;<b>В корзину</b>&#160;</a>',
        f'<a name="top" style="{SPRITE}">&#160;</a>',  # an anchor, not a link
        # a button built as a table in the link (the parser moves the table out of the <a>)
        f'<a href="https://shop.test/gift" style="{SPRITE}"><table role="presentation"><tr>'
        '<td style="background-image:url(https://cdn.shop.test/btn.png)">Подарок</td>'
        "</tr></table></a>",
    )
    assert findings(tmp_path, html, "A11Y004") == []


@pytest.mark.parametrize(
    ("text", "shown"),
    [("здесь", "“здесь”"), ("Нажмите здесь", "“Нажмите здесь”"), ("click here!", "“click here!”")],
)
def test_vague_link_text(tmp_path: Path, text: str, shown: str) -> None:
    html = GOOD.replace("Выбрать подарок", text)
    assert findings(tmp_path, html, "A11Y005") == [
        (f"1 link named only {shown} (line 9)", "email.html:9")
    ]


def test_vague_link_text_lists_25_places_and_counts_them_all(tmp_path: Path) -> None:
    # a 28,000-link file listed every line in the finding's places (630 KB of text output)
    links = "\n".join('<p><a href="https://shop.test/p">ссылка</a></p>' for _ in range(300))
    html = GOOD.replace('<a href="https://shop.test/gift?' + UTM + '">Выбрать подарок</a>', links)
    [found] = only(check(write_campaign(tmp_path, html=html)), "A11Y005")
    assert found.message == (
        "300 links named only “ссылка” (line 9, 10, 11, 12, 13, 14, 15, 16 and 292 more)"
    )
    assert found.places == tuple(f"email.html:{n}" for n in range(9, 34))


def test_a_findings_url_is_the_one_the_template_writes_when_the_platform_fills_it(
    tmp_path: Path,
) -> None:
    """1C-Bitrix fills #SERVER_NAME# and #ORDER_ID# when it sends: mailcheck renders its own
    stand-ins (esp-server-name), which no one finds in the file; the finding names the URL
    as written."""
    written = "https://#SERVER_NAME#/personal/order/?ID=#ORDER_ID#"
    body = f'<p>Заказ можно посмотреть <a href="{written}">по ссылке</a>.</p>'
    [found] = only(check(write_campaign(tmp_path, body=body, template="bitrix")), "A11Y005")
    assert found.url == written


def test_a_text_part_s_link_is_its_url_not_vague(tmp_path: Path) -> None:
    """A message of text alone (probe W b3/t1, SpamAssassin's spam/001): "Click here
    https://…" names the link by the URL a screen reader reads after the words; the same
    words as an HTML link's whole text are still reported."""
    message = (
        "From: Shop <news@shop.test>\nSubject: Sale\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\nOur spring sale starts today.\n\n"
        f"Click here https://shop.test/sale?{UTM}\n\nUnsubscribe: https://shop.test/u/1\n"
    )
    path = tmp_path / "text.eml"
    path.write_text(message, encoding="utf-8")
    assert only(check(path), "A11Y005") == []
    html = GOOD.replace("Выбрать подарок", "Click here")
    assert findings(tmp_path / "html", html, "A11Y005") == [
        ("1 link named only “Click here” (line 9)", "email.html:9")
    ]


def test_descriptive_link_text_passes(tmp_path: Path) -> None:
    html = GOOD.replace("Выбрать подарок", "Подробнее об условиях здесь")
    assert findings(tmp_path, html, "A11Y005") == []


def test_low_contrast_groups_repeats(tmp_path: Path) -> None:
    button = '<td bgcolor="#FF5F06"><a style="color:#ffffff" href="https://shop.test/a?{u}">СМОТРЕТЬ</a></td>'
    html = GOOD.replace(
        "<h2>Условия</h2>",
        '<h2>Условия</h2>\n<table role="presentation"><tr>'
        + button.format(u=UTM)
        + "</tr><tr>\n"
        + button.format(u=UTM)
        + '</tr></table>\n<p style="background:#fff"><span style="color:#aaa">Условия акции</span></p>',
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "3 texts below WCAG AA contrast: “СМОТРЕТЬ” #ffffff on #ff5f06 3.0:1 (line 7, 8); "
            "“Условия акции” #aaaaaa on #ffffff 2.3:1 (line 9)",
            "email.html:7",
        )
    ]


def test_a_text_that_is_one_template_tag_is_not_quoted_as_the_copy(tmp_path: Path) -> None:
    html = GOOD.replace(
        "<h2>Условия</h2>",
        '<h2>Условия</h2>\n<p style="background:#ffffff"><span style="color:#aaaaaa">'
        '{{ footer_note }}</span> <span style="color:#bbbbbb">Привет, {{ name }}</span></p>',
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "2 texts below WCAG AA contrast: the text of {{ footer_note }} #aaaaaa on #ffffff "
            "2.3:1 (line 7); “Привет, {{ name }}” #bbbbbb on #ffffff 1.9:1 (line 7)",
            "email.html:7",
        )
    ]


def test_the_declaration_that_wins_is_judged(tmp_path: Path) -> None:
    # CSS inliners repeat a property: the last one wins, or the last !important one
    html = GOOD.replace(
        "<h2>Условия</h2>",
        '<h2>Условия</h2>\n<p style="background-color:#e30613"><a href="https://shop.test/a?'
        + UTM
        + '" style="color:#e30613;color:#ffffff;font-size:24px">Купить</a></p>'
        '\n<p style="background:#000;background:#FF5F06 !important;background:#000">'
        '<span style="color:#fff">Важно</span></p>'
        '\n<p style="background:#fff"><span style="color:#777777">Почти</span></p>',
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "2 texts below WCAG AA contrast: “Важно” #ffffff on #ff5f06 3.0:1 (line 8); "
            "“Почти” #777777 on #ffffff 4.48:1 (line 9)",  # 4.48, which one decimal shows as 4.5
            "email.html:8",
        )
    ]


def test_large_text_needs_3_to_1_and_unknown_backgrounds_are_not_judged(tmp_path: Path) -> None:
    html = GOOD.replace(
        "<h2>Условия</h2>",
        '<h2>Условия</h2>\n<p style="background-color:#FF5F06"><span style="color:#fff;font-size:24px">КУПИТЬ</span></p>'
        '\n<p style="background:url(bg.png)"><span style="color:#eee">На картинке</span></p>'
        '\n<p><span style="color:#eee">Фон из таблицы стилей</span></p>',
    )
    assert findings(tmp_path, html, "A11Y006") == []


def test_text_hidden_by_its_style_is_not_judged_but_text_hidden_from_outlook_is(
    tmp_path: Path,
) -> None:
    """The hidden preheader is written in the background's colour on purpose; the HTML half of
    a bulletproof button (``mso-hide:all``: Outlook draws the VML half) is what others see."""
    html = GOOD.replace(
        "<body>",
        '<body style="background-color:#f7f7fa">\n'
        '<div style="display:none;max-height:0;overflow:hidden;color:#ffffff">Скидки до −30% '
        "на всё до воскресенья</div>",
    ).replace(
        "<h2>Условия</h2>",
        '<h2>Условия</h2>\n<p style="opacity:0"><span style="color:#eeeeee">Скрытый текст</span></p>'
        '\n<a href="https://shop.test/b?{u}" style="background-color:#41CC00;color:#ffffff;'
        'mso-hide:all">Купить</a>'.replace("{u}", UTM)
        # a zero max-height without overflow:hidden: the text overflows it, shown
        + '\n<p style="max-height:0"><span style="color:#eeeeee">Мелкий шрифт</span></p>',
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "2 texts below WCAG AA contrast: “Купить” #ffffff on #41cc00 2.1:1 (line 9); "
            "“Мелкий шрифт” #eeeeee on #f7f7fa 1.1:1 (line 10)",
            "email.html:9",
        )
    ]


def test_a_background_shorthand_is_named_by_its_colour(tmp_path: Path) -> None:
    """``background: #222 url(…) center / cover``: the colour is what shows with images off,
    and the message names it, not the whole declaration."""
    html = GOOD.replace(
        "<h2>Условия</h2>",
        "<h2>Условия</h2>\n"
        "<p style=\"background:#222222 url('https://cdn.shop.test/bg.jpg') center / cover\">"
        '<span style="color:#666666">200 агентов</span></p>',
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "1 text below WCAG AA contrast: “200 агентов” where images are off: #666666 on "
            "its fallback #222222 2.8:1 (line 7)",
            "email.html:7",
        )
    ]


def test_php_code_in_a_low_contrast_text_is_not_quoted(tmp_path: Path) -> None:
    """RUNET-ID's PHP views: the ">" of ``->`` (and of ``=>``, a comparison) ended the tag for
    the parser, which quoted the rest of the code as text: “Здравствуйте, getShortName(); ?>!”.
    The tag is read whole now, as one without ">" always was; place and count are the same,
    and a tag in an href is still the link as written. The variable it prints is quoted as
    "[name]" where it stands (session 37), not as the gap of a render with it emptied."""
    html = GOOD.replace(
        "<h2>Условия</h2>",
        "<h2>Условия</h2>\n"
        '<h2 style="color:#ffffff;background-color:#4DB1C6">Здравствуйте, '
        "<?= $user->getShortName(); ?>!</h2>\n"
        '<p style="color:#ffffff;background-color:#4DB1C6"><?php if ($user->Participants'
        "\n&& count($user->Participants) > 1): ?>Ваши билеты<?php endif; ?></p>\n"
        "<p><a href=\"<?=$user->getFastAuthUrl('https://shop.test/e?a=1&b=2')?>\">Войти</a></p>",
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "2 texts below WCAG AA contrast: “Здравствуйте, [user.getShortName]!” #ffffff on "
            "#4db1c6 2.5:1 "
            "(line 7); “Ваши билеты” #ffffff on #4db1c6 2.5:1 (line 8)",
            "email.html:7",
        )
    ]
    static = check(tmp_path / "c1").campaign.static
    assert static is not None
    (login,) = [link for link in static.links if link.text == "Войти"]
    assert login.raw == "<?=$user->getFastAuthUrl('https://shop.test/e?a=1&b=2')?>"
    assert login.line == 10


def test_heading_levels_skipped(tmp_path: Path) -> None:
    html = GOOD.replace("<h2>Условия</h2>", "<h3>Условия</h3>\n<h2>Ещё</h2>\n<h5>Мелко</h5>")
    assert findings(tmp_path, html, "A11Y007") == [
        ("heading levels skipped: h1 → h3 (line 6), h2 → h5 (line 8)", "email.html:6")
    ]


def test_contrast_ratio_and_colours() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert round(contrast_ratio((0x76, 0x76, 0x76), (255, 255, 255)), 2) == 4.54
    assert parse_color("#AbC") == (0xAA, 0xBB, 0xCC)
    assert parse_color("rgb(10, 20, 300)") == (10, 20, 255)
    assert parse_color("rgba(0,0,0,0.5)") is None
    assert parse_color("navy") == (0, 0, 128)
    assert parse_color("inherit") is None


def test_a_header_cell_makes_only_its_own_table_a_data_table() -> None:
    html = (
        "<html><body>\n<table><tr><td>\n"
        "<table><tr><th>Товар</th><td>1 000 ₽</td></tr></table>\n"
        "<table><tr><td>Доставка</td></tr></table>\n"
        "</td></tr></table>\n</body></html>"
    )
    facts = read_accessibility(etree.fromstring(html, etree.HTMLParser()), html, is_hidden)
    # the outer layout table holds the <th> only through the nested data table
    assert facts.layout_tables == [2, 4]


def test_separators_are_decoration_and_one_line_is_said_once(tmp_path: Path) -> None:
    """A pale "·" or "|" between links is decoration, which WCAG leaves out (one Colorlib
    layout had "“·” #d4d4d4 on #ffffff 1.5:1 (line 322, 322)"); two pale links on one line are
    that line once, and still counted as two texts."""
    html = GOOD.replace(
        "<h2>Условия</h2>",
        '<h2>Условия</h2>\n<p style="background-color:#ffffff">'
        '<a href="https://shop.test/g?{u}" style="color:#bbbbbb">Google</a>'
        '<span style="color:#d4d4d4">·</span>'
        '<a href="https://shop.test/g?{u}" style="color:#bbbbbb">Google</a>'
        '<span style="color:#d4d4d4"> | </span></p>'.replace("{u}", UTM),
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "2 texts below WCAG AA contrast: “Google” #bbbbbb on #ffffff 1.9:1 (line 7)",
            "email.html:7",
        )
    ]


def test_lang_undetermined_is_no_language(tmp_path: Path) -> None:
    """BCP 47's "und" (undetermined) tells a screen reader no more than no lang does."""
    for folder, lang in (("und", "und"), ("und-latn", "UND-Latn")):
        html = GOOD.replace('<html lang="ru">', f'<html lang="{lang}">')
        assert findings(tmp_path / folder, html, "A11Y001") == [
            (
                f'<html> has lang="{lang}" ("undetermined"), which names no language for a '
                "screen reader",
                "email.html:2",
            )
        ]
    # a language whose code starts with the same letters is one
    html = GOOD.replace('<html lang="ru">', '<html lang="ur">')
    assert findings(tmp_path / "ur", html, "A11Y001") == []


# A stylesheet's colour on the element that holds the text, inside an inline-coloured block
STYLED = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Autumn</title>
<style>
.big {{ color:#ffffff; font-size:40px }}
@media (prefers-color-scheme: dark) {{ [data-ogsc] .dark-ok {{ color:#ffffff }} }}
p.lead {{ color:#ffffff }}
.loud {{ color:#ffffff !important }}
.other {{ color:#ffffff }}
.footer a, u + .body .gmail, .plain:hover, .plain:focus {{ color:#ffffff }}
.plain {{ color:inherit }} ::selection, span::before {{ color:#ffffff }}
</style></head>
<body>
<table role="presentation" bgcolor="#c2410c"><tr><td>
<div style="color:#404040"><span class="big">Welcome back</span></div>
<div style="color:#404040"><span class="dark-ok">Dark mode</span></div>
<div style="color:#404040"><p class="lead">Lead text</p></div>
<div style="color:#404040" class="loud">Loud text</div>
<div style="color:#404040"><span class="big">40%</span> off everything</div>
<div style="color:#404040"><span class="plain">Still grey</span></div>
<div style="color:#404040" class="other">Inline wins</div>
<p class="lead" style="color:#404040">Inline wins too</p>
<div style="color:#404040"><span class="gmail">In Gmail</span> <a href="https://shop.test/x">Out of the footer</a></div>
<div class="footer" style="color:#404040"><a href="https://shop.test/y">Footer link</a></div>
</td></tr></table>
<p><a href="https://shop.test/unsub">Unsubscribe</a></p>
</body></html>
"""


def test_text_a_stylesheet_may_colour_is_not_judged(tmp_path: Path) -> None:
    """``<div style="color:#404040"><span class="big">`` with ``.big{color:#fff}``: the span
    is white, and a stylesheet's colour is not judged; a rule's !important colour beats the
    inline one too, and a client's wrapper (Gmail's ``u + .body``) is not in the file. Text
    the stylesheet does not reach is judged: the rest of a sentence, a class no rule
    colours, an element whose inline colour beats its rule's, a link out of ``.footer a``'s
    footer; so is the light mode's colour under a dark mode's rule, a colour only while
    pointed at, ``color: inherit``, and selected text's or generated content's colour."""
    assert findings(tmp_path, STYLED.format(), "A11Y006") == [
        (
            "6 texts below WCAG AA contrast: “Dark mode” #404040 on #c2410c 2.0:1 (line 15); "
            "“off everything” #404040 on #c2410c 2.0:1 (line 18); “Still grey” #404040 on "
            "#c2410c 2.0:1 (line 19); “Inline wins” #404040 on #c2410c 2.0:1 (line 20); "
            "“Inline wins too” #404040 on #c2410c 2.0:1 (line 21); “Out of the footer” #404040 "
            "on #c2410c 2.0:1 (line 22)",
            "email.html:15",
        )
    ]


def test_text_over_a_background_image_is_not_judged(tmp_path: Path) -> None:
    """``<td background="dark.gif">`` or ``background-image``: the text is written for the
    picture, not for the colour of the page around it; a colour of the cell itself is what
    shows with images off, and is judged as that fallback (the message says so)."""
    html = GOOD.replace(
        "<body>",
        '<body bgcolor="#ffffff">\n<table role="presentation"><tr>'
        '<td background="https://cdn.shop.test/dark.gif"><font color="#ffffff">В номере</font></td>'
        '<td style="background-image:url(https://cdn.shop.test/dark.gif)">'
        '<span style="color:#ffffff">Тёмный фон</span></td>'
        '<td style="background-image:none"><span style="color:#ffffff">Без картинки</span></td>'
        '<td bgcolor="#ffffff" background="https://cdn.shop.test/dark.gif">'
        '<span style="color:#eeeeee">Белый без картинок</span></td>'
        "</tr></table>",
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "2 texts below WCAG AA contrast: “Без картинки” #ffffff on #ffffff 1.0:1 "
            "(line 4); “Белый без картинок” where images are off: #eeeeee on its fallback "
            "#ffffff 1.2:1 (line 4)",
            "email.html:4",
        )
    ]


# Inline grey on grey, and a stylesheet that colours the paragraph black
NARROW = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Autumn</title>
<style>{css}</style></head>
<body>
<p class="x" style="color:#777;background:#888">Grey on grey</p>
<p style="color:#777;background:#888"><span class="y">Also</span> grey</p>
<p><a href="https://shop.test/unsub">Unsubscribe</a></p>
</body></html>
"""
GREY_ON_GREY = (
    "2 texts below WCAG AA contrast: “Grey on grey” #777777 on #888888 1.3:1 (line 5); "
    "“Also grey” #777777 on #888888 1.3:1 (line 6)"
)


@pytest.mark.parametrize(
    "condition",
    [
        "@media (max-width:600px)",
        "@media only screen and (max-width: 600px)",
        "@media screen and (min-width:601px)",
        "@media (prefers-color-scheme: dark)",
        "@media print",
        "@supports (display: grid)",
        "@media screen { @media (max-width:600px)",
    ],
)
def test_a_colour_some_readers_only_get_leaves_the_finding(tmp_path: Path, condition: str) -> None:
    """A phone's ``@media (max-width:600px){.x{color:#000 !important}}`` makes the text black
    on phones only: on a desktop it is still grey on grey, and a span it colours is still
    part of the grey sentence there."""
    closing = "}" * condition.count("{")
    css = f"{condition} {{ .x {{ color:#000 !important }} .y {{ color:#000 }} }}{closing}"
    assert findings(tmp_path, NARROW.format(css=css), "A11Y006") == [(GREY_ON_GREY, "email.html:5")]


@pytest.mark.parametrize("condition", ["", "@media screen", "@media all, print"])
def test_a_colour_every_reader_gets_clears_the_finding(tmp_path: Path, condition: str) -> None:
    """The same rules outside any condition, or in ``@media`` of a type every screen is:
    the stylesheet's colours are not judged (the ``!important`` one beats the inline one)."""
    rules = ".x { color:#000 !important } .y { color:#000 }"
    css = f"{condition} {{ {rules} }}" if condition else rules
    assert findings(tmp_path, NARROW.format(css=css), "A11Y006") == [
        (
            "1 text below WCAG AA contrast: “grey” #777777 on #888888 1.3:1 (line 6)",
            "email.html:6",
        )
    ]


@pytest.mark.parametrize(
    ("media", "cleared"),
    [
        # a <style> element's media attribute is read as an @media rule around it
        ("print", False),
        ("(max-width:600px)", False),
        ("only screen and (max-width: 600px)", False),
        ("screen", True),
        ("all", True),
        ("all, print", True),
    ],
)
def test_a_stylesheet_s_media_attribute_is_read_as_its_media_query(
    tmp_path: Path, media: str, cleared: bool
) -> None:
    """``<style media="print">`` colours paper, and ``media="(max-width:600px)"`` phones
    only: on a desktop the text is still grey on grey. ``screen`` and ``all`` colour it for
    every reader, as the same stylesheet without the attribute does."""
    rules = ".x { color:#000 !important } .y { color:#000 }"
    html = NARROW.format(css=rules).replace("<style>", f'<style media="{media}">')
    assert findings(tmp_path, html, "A11Y006") == (
        [
            (
                "1 text below WCAG AA contrast: “grey” #777777 on #888888 1.3:1 (line 6)",
                "email.html:6",
            )
        ]
        if cleared
        else [(GREY_ON_GREY, "email.html:5")]
    )


def test_documents_that_share_a_stylesheet_read_its_colour_rules_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The colour rules of a stylesheet two documents share (a campaign's layout) are read
    once: the second document's check reads no rule's declarations again, and finds what
    the first did."""
    import tinycss2

    read: list[int] = []
    parse_declaration_list = tinycss2.parse_declaration_list

    def counted(*args: object, **kwargs: object) -> object:
        read.append(1)
        return parse_declaration_list(*args, **kwargs)

    monkeypatch.setattr(tinycss2, "parse_declaration_list", counted)
    filler = " ".join(f".c{i} {{ color:#00{i:04d} }}" for i in range(40))
    css = f"/* {tmp_path.name} */ {filler} .y {{ color:#000 }}"
    expected = [
        (
            "2 texts below WCAG AA contrast: “Grey on grey” #777777 on #888888 1.3:1 (line 5); "
            "“grey” #777777 on #888888 1.3:1 (line 6)",
            "email.html:5",
        )
    ]
    counts = []
    for name in ("first", "second"):
        read.clear()
        assert findings(tmp_path / name, NARROW.format(css=css), "A11Y006") == expected
        counts.append(len(read))
    assert counts[0] >= 41 and counts[1] == 0


def test_a_stylesheet_rule_beats_a_font_colour_attribute(tmp_path: Path) -> None:
    """``<font color>`` is a presentational hint, below every stylesheet rule: ``.x{color:
    #000}`` (no ``!important``) colours the first font black, and only the font no rule
    reaches is judged; an inline ``style`` colour still beats the same rule."""
    html = NARROW.replace(
        '<p class="x" style="color:#777;background:#888">Grey on grey</p>\n'
        '<p style="color:#777;background:#888"><span class="y">Also</span> grey</p>',
        '<p style="background:#888"><font class="x" color="#777">Ruled black</font></p>\n'
        '<p style="background:#888"><font color="#777">No rule</font></p>\n'
        '<p style="background:#888"><span class="x" style="color:#777">Inline</span></p>',
    ).format(css=".x { color:#000 }")
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "2 texts below WCAG AA contrast: “No rule” #777777 on #888888 1.3:1 (line 6); "
            "“Inline” #777777 on #888888 1.3:1 (line 7)",
            "email.html:6",
        )
    ]


# White text on a cell a stylesheet rule may colour, under a white page (probe W a6/s1, s2)
RULED_CELL = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sale</title>
<style>{css}</style></head>
<body bgcolor="#ffffff">
<table role="presentation"><tr><td class="btn"{cell}><a href="https://shop.test/?{utm}" style="color:#ffffff">Shop the sale</a></td></tr></table>
<p><a href="https://shop.test/unsub">Unsubscribe</a></p>
</body></html>
"""
WHITE_ON_WHITE = (
    "1 text below WCAG AA contrast: “Shop the sale” #ffffff on #ffffff 1.0:1 (line 5)",
    "email.html:5",
)


@pytest.mark.parametrize(
    ("css", "cell"),
    [
        (".btn{background-color:#1a1a1a}", ""),
        (".btn{background-color:#1a1a1a !important}", ""),
        # a rule beats the bgcolor hint, and an !important one the inline style too
        (".btn{background:#1a1a1a}", ' bgcolor="#ffffff"'),
        ("td.btn{background-color:#1a1a1a !important}", ' style="background-color:#ffffff"'),
        # an image a rule sets: the text is written for it
        (".btn{background-image:url(https://cdn.shop.test/b.png)}", ""),
    ],
)
def test_a_background_a_stylesheet_rule_sets_is_not_judged(
    tmp_path: Path, css: str, cell: str
) -> None:
    """``.btn{background-color:#1a1a1a}`` on the cell: the text is not on the page's white,
    and the rule's colour is not read: no ratio is claimed."""
    html = RULED_CELL.format(css=css, cell=cell, utm=UTM)
    assert findings(tmp_path, html, "A11Y006") == []


@pytest.mark.parametrize(
    ("css", "cell"),
    [
        # the inline background beats a rule without !important
        (".btn{background-color:#1a1a1a}", ' style="background-color:#ffffff"'),
        # a rule some readers only get: the others see the white
        ("@media (max-width:600px){.btn{background-color:#1a1a1a}}", ""),
        ("[data-ogsb] .btn{background-color:#1a1a1a}", ""),
        (".btn:hover{background-color:#1a1a1a}", ""),
        # a rule for an element the e-mail does not have, an empty declaration
        (".absent .btn{background-color:#1a1a1a}", ""),
        ("td{background:}", ""),
    ],
)
def test_a_background_rule_that_does_not_reach_the_text_leaves_the_finding(
    tmp_path: Path, css: str, cell: str
) -> None:
    html = RULED_CELL.format(css=css, cell=cell, utm=UTM)
    assert findings(tmp_path, html, "A11Y006") == [WHITE_ON_WHITE]


def test_text_a_stylesheet_rule_hides_is_not_judged(tmp_path: Path) -> None:
    """A preheader hidden by ``.preheader{display:none}`` with an inline white colour on a white
    page (probe W a6/h1): no one reads it, as BRF001's hidden text says; a rule that hides it
    on phones only (``@media``) leaves it judged."""
    html = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sale</title>
<style>{css}</style></head>
<body bgcolor="#ffffff">
<span class="preheader" style="color:#ffffff">Our spring sale starts today with new coats</span>
<p><a href="https://shop.test/unsub">Unsubscribe</a></p>
</body></html>
"""
    hidden = ".preheader{display:none !important;mso-hide:all;max-height:0;overflow:hidden}"
    assert findings(tmp_path, html.format(css=hidden), "A11Y006") == []
    phones = "@media (max-width:600px){.preheader{display:none}}"
    assert findings(tmp_path / "b", html.format(css=phones), "A11Y006") == [
        (
            "1 text below WCAG AA contrast: “Our spring sale starts today with new co” "
            "#ffffff on #ffffff 1.0:1 (line 5)",
            "email.html:5",
        )
    ]


@pytest.mark.parametrize(
    "cell",
    [
        '<td background="https://cdn.shop.test/r.gif" bgcolor="#ffffff">',
        '<td bgcolor="#ffffff" background="https://cdn.shop.test/r.gif">',
        '<td style="background-image:url(https://cdn.shop.test/r.gif);background-color:#ffffff">',
        '<td style="background:#ffffff url(https://cdn.shop.test/r.gif)">',
        '<td bgcolor="#ffffff" style="background-image:url(https://cdn.shop.test/r.gif)">',
    ],
)
def test_text_over_an_image_is_judged_on_its_fallback_as_such(tmp_path: Path, cell: str) -> None:
    """sendwithus' sunday ribbon (probe W a6/t2-t6): the white "20%" is drawn over a picture
    whose fallback colour is white; with images off (Outlook's default) it is white on white,
    and the message says that is what is judged."""
    html = GOOD.replace(
        "<body>",
        f'<body>\n<table role="presentation"><tr>{cell}\n'
        '<table role="presentation"><tr><td style="font-size:45px;color:#ffffff">20%</td></tr>'
        "</table></td></tr></table>",
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "1 text below WCAG AA contrast: “20%” where images are off: #ffffff on its "
            "fallback #ffffff 1.0:1 (line 5)",
            "email.html:5",
        )
    ]


def test_large_text_is_read_from_the_styles_around_and_the_heading(tmp_path: Path) -> None:
    """White on #348eda is 3.5:1: it passes for large text. The size and weight a cell gives
    its link, ``<h1>``'s default 2em bold and ``<h2>``'s 1.5em, and a size a class rule sets
    make text large (probe W a6/l1, l2); an ``<h3>``, a heading set small inline, a small
    class size and 20 px not bold are judged at 4.5:1."""
    blue = 'style="color:#ffffff;background-color:#348eda"'
    html = (
        GOOD.replace("<title>", "<style>.big{font-size:30px} .small{font-size:12px}</style><title>")
        .replace("<h1>Чёрная пятница</h1>", "")
        .replace("<h2>Условия</h2>", "")
        .replace(
            "<body>",
            "<body>\n"
            '<table role="presentation"><tr><td bgcolor="#348eda" '
            'style="font-size:28px;font-weight:bold"><a href="https://shop.test/a?{u}" '
            'style="color:#ffffff">Купить</a></td></tr></table>\n'
            f"<h1 {blue}>Распродажа</h1>\n"
            f"<h2 {blue}>Условия</h2>\n"
            '<p style="background-color:#348eda"><a class="big" href="https://shop.test/b?{u}" '
            'style="color:#ffffff">Каталог</a></p>\n'
            f"<h3 {blue}>Мелкий заголовок</h3>\n"
            '<h1 style="color:#ffffff;background-color:#348eda;font-size:14px">Мелкий h1</h1>\n'
            '<p style="background-color:#348eda"><span class="small" style="color:#ffffff">'
            "Мелко</span></p>\n"
            '<p style="background-color:#348eda;font-size:20px"><span style="color:#ffffff">'
            "Не жирный</span></p>".replace("{u}", UTM),
        )
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "4 texts below WCAG AA contrast: “Мелкий заголовок” #ffffff on #348eda 3.5:1 "
            "(line 8); “Мелкий h1” #ffffff on #348eda 3.5:1 (line 9); “Мелко” #ffffff on "
            "#348eda 3.5:1 (line 10); “Не жирный” #ffffff on #348eda 3.5:1 (line 11)",
            "email.html:8",
        )
    ]


BLUE = 'style="color:#ffffff;background-color:#348eda"'  # 3.5:1: passes as large text only


@pytest.mark.parametrize(
    ("css", "element", "reported"),
    [
        # a rule that sets a heading's size or weight beats its default 2em / 1.5em bold
        ("h2{font-size:14px}", f"<h2 {BLUE}>Условия</h2>", True),
        ("h1{font-size:16px;font-weight:normal}", f"<h1 {BLUE}>Условия</h1>", True),
        ("h2{font-size:30px}", f"<h2 {BLUE}>Условия</h2>", False),
        # 18.66 px is large only in bold: 20 px, 120 %, 1.2em of normal weight need 4.5:1
        ("p{font-size:20px}", f"<p {BLUE}>Условия</p>", True),
        ("p{font-size:120%}", f"<p {BLUE}>Условия</p>", True),
        ("p{font-size:1.2em}", f"<p {BLUE}>Условия</p>", True),
        ("p{font-size:1.2em;font-weight:bold}", f"<p {BLUE}>Условия</p>", False),
        ("p{font-size:24px}", f"<p {BLUE}>Условия</p>", False),
        # the font shorthand's size is before the "/" (22px is its line height), and its weight
        ("p{font:normal 14px/22px Arial}", f"<p {BLUE}>Условия</p>", True),
        ("p{font:14px/30px Arial}", f"<p {BLUE}>Условия</p>", True),
        ("p{font:bold 20px/22px Arial}", f"<p {BLUE}>Условия</p>", False),
        # all of the text bold at 19 px is large; a bold word in it is not all of it
        (
            "",
            '<p style="color:#ffffff;background-color:#348eda;font-size:19px"><b>Всё</b></p>',
            False,
        ),
        (
            "",
            '<p style="color:#ffffff;background-color:#348eda;font-size:19px"><b>Всё</b> и нет</p>',
            True,
        ),
        (
            "p{font-weight:normal}",
            '<p style="color:#ffffff;background-color:#348eda;font-size:19px">'
            '<strong style="font-weight:inherit">Всё</strong></p>',
            True,
        ),
    ],
)
def test_a_rule_s_size_and_weight_decide_large_text(
    tmp_path: Path, css: str, element: str, reported: bool
) -> None:
    """(QA probe R r30 l_*, m_*) A rule's size and weight are read as they are, and a
    heading's default gives way to them; the text is judged at 4.5:1 unless it may be
    large."""
    html = GOOD.replace("<title>", f"<style>{css}</style><title>").replace(
        "<body>", f"<body>\n{element}"
    )
    found = findings(tmp_path, html, "A11Y006")
    if reported:
        assert len(found) == 1 and found[0][1] == "email.html:4", found
        assert "#ffffff on #348eda 3.5:1 (line 4)" in found[0][0]
        assert found[0][0].startswith("1 text")
    else:
        assert found == []


@pytest.mark.parametrize(
    ("css", "cell", "background"),
    [
        # one plain colour a rule gives the cell (or all that may agree) is judged
        ("td{background-color:#ffffff}", ' bgcolor="#ffffff"', "#ffffff"),
        ("td{background-color:#ffffff} .btn{background:white}", "", "#ffffff"),
        ("*{background-color:#fff}", "", "#ffffff"),
        ("td{background:#fff !important}", ' style="background-color:#eeeeee"', "#ffffff"),
        # an image of none sets no colour: the bgcolor stands
        ("td{background-image:none}", ' bgcolor="#ffffff"', "#ffffff"),
        # a gradient is judged on the colour under it, not said as an image's fallback
        (
            "",
            ' style="background-color:#ffffff;background-image:linear-gradient(#000,#111)"',
            "#ffffff",
        ),
    ],
)
def test_a_plain_background_colour_a_rule_sets_is_judged(
    tmp_path: Path, css: str, cell: str, background: str
) -> None:
    """(QA probe R a/bgsame, star) A rule that gives a background a plain colour is read: the
    text is judged on it, as on an inline one."""
    html = RULED_CELL.format(css=css, cell=cell, utm=UTM)
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "1 text below WCAG AA contrast: “Shop the sale” #ffffff on "
            f"{background} 1.0:1 (line 5)",
            "email.html:5",
        )
    ]


@pytest.mark.parametrize(
    "css",
    [
        "td{background-color:#1a1a1a}",  # white on it passes
        "td{background:#ffffff} .btn{background:#1a1a1a}",  # two colours: not known which
        "td{background:transparent}",  # the colour further out: not read
    ],
)
def test_a_background_rule_that_passes_or_is_not_known_is_not_reported(
    tmp_path: Path, css: str
) -> None:
    html = RULED_CELL.format(css=css, cell=' bgcolor="#ffffff"', utm=UTM)
    assert findings(tmp_path, html, "A11Y006") == []


def test_texts_in_the_same_boxes_each_get_the_nearest_background(tmp_path: Path) -> None:
    """Coloured texts nest and share the boxes around them (each element's background is
    found once per document): each is judged on its own nearest background, inline and with
    a stylesheet's plain colour (``td.panel`` beats the cell's ``bgcolor``)."""
    html = GOOD.replace(
        "<h2>Условия</h2>",
        "<h2>Условия</h2>\n"
        "<style>td.panel{background-color:#ffffff}</style>\n"
        '<table role="presentation"><tr><td style="background-color:#ffffff">\n'
        '<div style="color:#eeeeee">Pale <span style="color:#333333">dark</span></div>\n'
        '<div style="background-color:#000000"><p style="color:#222222">Night</p>'
        '<p style="color:#bbbbbb">Grey</p></div>\n'
        '<p style="color:#cccccc">Again</p>\n'
        '</td><td class="panel" bgcolor="#777777">\n'
        '<p style="color:#888888">Ruled</p><p style="color:#666666">Fine</p>\n'
        "</td></tr></table>",
    )
    assert findings(tmp_path, html, "A11Y006") == [
        (
            "4 texts below WCAG AA contrast: “Pale” #eeeeee on #ffffff 1.2:1 (line 9); "
            "“Night” #222222 on #000000 1.3:1 (line 10); “Again” #cccccc on #ffffff 1.6:1 "
            "(line 11); “Ruled” #888888 on #ffffff 3.5:1 (line 13)",
            "email.html:9",
        )
    ]


def test_hidden_boxes_are_asked_once_per_element_of_a_document() -> None:
    """Whether an element or a box around it is hidden is asked of each element once per
    document: the pale texts, headings and links of one layout nest in the same cells, and
    each walked up to the root asking the inline-style test of every box again."""
    html = (
        "<html><body><table><tr><td>\n"
        '<p style="color:#bbbbbb;background:#ffffff">один</p>\n'
        '<p style="color:#bbbbbb;background:#ffffff">два</p>\n'
        '<div style="display:none"><p style="color:#bbbbbb;background:#ffffff">три</p></div>\n'
        "</td></tr></table></body></html>"
    )
    root = etree.fromstring(html, etree.HTMLParser())
    asked: list[Any] = []

    def counting(el: Any) -> bool:
        asked.append(el)
        return is_hidden(el)

    facts = read_accessibility(root, html, counting)
    # the two shown texts fail; the third is inside a hidden box
    assert [(found.line, found.text) for found in facts.low_contrast] == [(2, "один"), (3, "два")]
    assert len(asked) == len(set(asked))  # no element asked twice
