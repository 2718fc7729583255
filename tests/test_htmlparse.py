"""HTML parsing: links of every kind with their lines, images, title, preheader, visible text."""

from __future__ import annotations

import pytest

from mailcheck.htmlparse import parse_html, srcset_urls
from mailcheck.model import Document, Link

PADDING = "&zwnj;&nbsp;" * 40 + "&#847; " * 10 + "&shy;"

PAGE = """<!DOCTYPE html>
<html><head><title> Чёрная   пятница </title>
<style>.x { background: url(https://cdn.example.net/in-style-block.png) }</style>
<script>var s = "not text";</script>
</head>
<body background=" https://cdn.example.net/body.png ">
<div class="preheader" style="display:none;max-height:0">Только до воскресенья{pad}</div>
<table background="https://cdn.example.net/table.png"><tr>
<td background="https://cdn.example.net/td.png">Привет, <b>Иван</b>!</td>
<th background="https://cdn.example.net/th.png">head</th></tr></table>
<p><a href=" https://shop.example.net/sale?utm_source=email ">Смотреть
   <span>каталог</span></a></p>
<img src="https://cdn.example.net/logo.png" alt="ACME">
<img src="https://cdn.example.net/spacer.gif" alt="">
<img src="https://cdn.example.net/noalt.png">
<map><area href="https://shop.example.net/area" alt="area"></map>
<div style="background-image: url('https://cdn.example.net/css1.png'); color: red">css</div>
<div style='background: url("https://cdn.example.net/css2.png") no-repeat, url(https://cdn.example.net/css3.png)'>two</div>
<v:fill type="tile" src="https://cdn.example.net/vml-fill.png"></v:fill>
<!--[if gte mso 9]>
<v:rect xmlns:v="urn:schemas-microsoft-com:vml" fill="true">
<v:fill type="tile" src="https://cdn.example.net/mso-fill.png" />
</v:rect>
<v:roundrect href="https://shop.example.net/button" arcsize="10%">
<![endif]-->
<a href="">пусто</a> <a href="#">решётка</a> <a name="anchor">не ссылка</a>
<p><a href="https://shop.example.net/unsub">Отписаться</a></p>
</body></html>
""".replace("{pad}", PADDING)


def line_of(needle: str) -> int:
    for number, line in enumerate(PAGE.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


@pytest.fixture(scope="module")
def doc() -> Document:
    return parse_html(PAGE)


def test_title_and_preheader(doc: Document) -> None:
    assert doc.title == "Чёрная пятница"
    assert doc.preheader == "Только до воскресенья"


def test_visible_text(doc: Document) -> None:
    assert doc.text.startswith("Привет, Иван! head Смотреть каталог")
    assert "not text" not in doc.text  # script
    assert "Чёрная" not in doc.text  # title
    assert "Только до воскресенья" not in doc.text  # the preheader
    assert "Отписаться" in doc.text
    assert "\u200c" not in doc.text and "  " not in doc.text


def test_links_of_every_kind(doc: Document) -> None:
    got: dict[tuple[str, str], Link] = {(link.kind, link.href): link for link in doc.links}
    expected = [
        ("background", "https://cdn.example.net/body.png", '<body background="'),
        ("background", "https://cdn.example.net/table.png", "table.png"),
        ("background", "https://cdn.example.net/td.png", "td.png"),
        ("background", "https://cdn.example.net/th.png", "th.png"),
        ("a", "https://shop.example.net/sale?utm_source=email", "/sale?"),
        ("img", "https://cdn.example.net/logo.png", "logo.png"),
        ("img", "https://cdn.example.net/noalt.png", "noalt.png"),
        ("area", "https://shop.example.net/area", "/area"),
        ("css", "https://cdn.example.net/css1.png", "css1.png"),
        ("css", "https://cdn.example.net/css2.png", "css2.png"),
        ("css", "https://cdn.example.net/css3.png", "css3.png"),
        ("vml", "https://cdn.example.net/vml-fill.png", "vml-fill.png"),
        ("vml", "https://cdn.example.net/mso-fill.png", "mso-fill.png"),
        ("a", "https://shop.example.net/button", "/button"),
        ("a", "", 'href=""'),
        ("a", "#", 'href="#"'),
    ]
    for kind, href, needle in expected:
        assert (kind, href) in got, (kind, href)
        link = got[(kind, href)]
        assert link.line == line_of(needle), (kind, href)
        assert link.raw == href
    assert "https://cdn.example.net/in-style-block.png" not in {link.href for link in doc.links}
    # an <a> without href is an anchor, not a link
    assert not any(link.text == "не ссылка" for link in doc.links)


def test_link_text(doc: Document) -> None:
    by_href = {link.href: link for link in doc.links}
    assert by_href["https://shop.example.net/sale?utm_source=email"].text == "Смотреть каталог"
    assert by_href["https://cdn.example.net/logo.png"].text == "ACME"
    assert by_href["https://shop.example.net/unsub"].text == "Отписаться"
    assert by_href["https://shop.example.net/area"].text == "area"  # its alt


def test_links_keep_document_order(doc: Document) -> None:
    lines = [link.line for link in doc.links]
    assert lines == sorted(lines)


def test_images_and_alt(doc: Document) -> None:
    alts = {image.src: image.alt for image in doc.images}
    assert alts == {
        "https://cdn.example.net/logo.png": "ACME",
        "https://cdn.example.net/spacer.gif": "",
        "https://cdn.example.net/noalt.png": None,
    }


@pytest.mark.parametrize(
    "style",
    [
        "display:none",
        "DISPLAY: NONE !important",
        "max-height:0px; overflow:hidden",
        "max-height: 0",
        "opacity:0",
        "mso-hide:all",
        "font-size:0px; line-height:0",  # on text alone; a row of columns is not hidden
        "visibility:hidden",
        "height:0; overflow:hidden",
        "max-width:0",
    ],
)
def test_preheader_hidden_by_each_css_variant(style: str) -> None:
    html = f'<body><span style="{style}">Скидки до 50% 🇷🇺{PADDING}</span><p>Hello</p></body>'
    doc = parse_html(html)
    assert doc.preheader == "Скидки до 50% 🇷🇺"
    assert doc.text == "Hello"


@pytest.mark.parametrize(
    "style", ["display:block", "opacity:0.5", "font-size:0.9em", "max-height:100px", "height:0"]
)
def test_visible_styles_are_not_preheaders(style: str) -> None:
    doc = parse_html(f'<body><div style="{style}">Main text</div><p>More</p></body>')
    assert doc.preheader is None
    assert doc.text == "Main text More"


@pytest.mark.parametrize(
    "attrs",
    ['class="preheader"', 'class="x PreHeader-text"', 'id="preview"', 'class="preview-text"'],
)
def test_preheader_by_class_or_id(attrs: str) -> None:
    doc = parse_html(
        f"<body><table><tr><td {attrs}>Sale ends Sunday</td></tr></table><p>Body</p></body>"
    )
    assert doc.preheader == "Sale ends Sunday"


def test_visible_preheader_row_stays_body_text() -> None:
    html = (
        '<body><table><tr><td class="preheaderContent">Sale ends Sunday. '
        '<a href="https://x.example/web">View in browser</a></td></tr></table>'
        "<p>Body</p></body>"
    )
    doc = parse_html(html)
    assert doc.preheader == "Sale ends Sunday. View in browser"
    assert doc.text == "Sale ends Sunday. View in browser Body"


def test_preheader_must_come_before_visible_text() -> None:
    html = '<body><p>Hello</p><div style="display:none">mobile-only menu</div></body>'
    doc = parse_html(html)
    assert doc.preheader is None
    assert "mobile-only menu" in doc.text  # hidden blocks other than the preheader are text


def test_images_and_spacers_may_precede_the_preheader() -> None:
    html = (
        '<body><table><tr><td><img src="s.gif" alt=""></td></tr></table>'
        f'<div style="display:none">Preview here{PADDING}</div>Hello</body>'
    )
    assert parse_html(html).preheader == "Preview here"


def test_empty_hidden_element_is_skipped_for_the_next_one() -> None:
    html = (
        f'<body><div style="display:none">{PADDING}</div>'
        '<div style="display:none">Real preview</div><p>Hi</p></body>'
    )
    assert parse_html(html).preheader == "Real preview"


def test_padding_after_preheader_in_a_sibling_element() -> None:
    html = (
        '<body><div style="display:none">Новая коллекция</div>'
        f'<div style="display:none">{PADDING}</div><p>Здравствуйте</p></body>'
    )
    doc = parse_html(html)
    assert doc.preheader == "Новая коллекция"
    assert doc.text == "Здравствуйте"


def test_only_padding_is_no_preheader() -> None:
    doc = parse_html(f'<body><div style="display:none">{PADDING}</div><p>Hi</p></body>')
    assert doc.preheader is None


def test_inline_elements_do_not_split_words() -> None:
    doc = parse_html("<p>Привет, <b>{{ name }}</b>!</p><p>Next</p><p>line<br>break</p>")
    assert doc.text == "Привет, {{ name }}! Next line break"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<td>x<table><tr><td>y</td></tr></table>z</td>", "x y z"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>d", "a b c d"),
        ("<ul><li>a</li><li>b</li></ul>c", "a b c"),
        ("<div>a</div><span>b</span>", "a b"),
        ("Hi<img src=x.png>there", "Hithere"),  # an image is inline
    ],
)
def test_word_boundaries(html: str, text: str) -> None:
    assert parse_html(html).text == text


def test_comment_tail_is_text_and_comment_is_not() -> None:
    doc = parse_html("<p>before<!-- secret -->after</p>")
    assert doc.text == "beforeafter"


@pytest.mark.parametrize("html", ["", "   \n", "<!-- only a comment -->"])
def test_empty_input_gives_empty_document(html: str) -> None:
    assert parse_html(html) == Document()


def test_fragment_without_html_element() -> None:
    doc = parse_html('<a href="https://x.example/">X</a> and <img src="y.png">')
    assert [link.kind for link in doc.links] == ["a", "img"]
    assert doc.text == "X and"


def test_inky_markup() -> None:
    inky = (
        "<container><row><columns large='6'><h1>Hi</h1>"
        '<button href="https://x.example/go">Go</button></columns></row></container>'
    )
    doc = parse_html(inky)
    assert doc.text == "Hi Go"


def test_broken_and_truncated_html_never_raises() -> None:
    for html in [
        "<html><body><table><tr><td><a href='https://x.example/a'>cut",
        "<p><b><i>unclosed</p></b>",
        '<a href="https://x.example/b>unterminated attribute',
        "</div></table></html>",
        "<<<>>>",
        "\x00\x01binary\x00",
        '<?xml version="1.0" encoding="utf-8"?><p>declared</p>',
    ]:
        doc = parse_html(html)
        assert isinstance(doc, Document)
    doc = parse_html("<html><body><table><tr><td><a href='https://x.example/a'>cut")
    assert doc.links[0].href == "https://x.example/a"
    assert doc.links[0].text == "cut"
    assert parse_html('<?xml version="1.0" encoding="utf-8"?><p>declared</p>').text == "declared"


def test_deeply_nested_html() -> None:
    # deeper than Python's recursion limit; libxml2 itself stops at 2048 levels
    html = "<div>" * 1500 + '<a href="https://x.example/deep">deep</a>' + "</div>" * 1500
    doc = parse_html(html)
    assert [link.href for link in doc.links] == ["https://x.example/deep"]


def test_huge_document() -> None:
    row = '<tr><td><a href="https://x.example/{i}">item {i}</a></td></tr>\n'
    html = "<table>" + "".join(row.format(i=i) for i in range(20000)) + "</table>"
    doc = parse_html(html)
    assert len(doc.links) == 20000
    assert doc.links[-1].line == 20000


# Issue 10 item 8: what a reader sees.
COLUMNS = (
    '<body><table><tr><td style="font-size:0; text-align:center">'
    '<div style="display:inline-block; font-size:14px; width:50%">{left}</div>'
    '<div style="display:inline-block; font-size:14px; width:50%">{right}</div>'
    "</td></tr></table><p>{tail}</p></body>"
)


@pytest.mark.parametrize(
    ("left", "right", "tail"),
    [
        ("Скидки на пуховики", "Шапки и шарфы", "Отписаться"),
        ("Winter jackets -30%", "Hats and scarves", "Unsubscribe"),
    ],
)
def test_font_size_zero_columns_are_visible_body_text(left: str, right: str, tail: str) -> None:
    doc = parse_html(COLUMNS.format(left=left, right=right, tail=tail))
    assert doc.preheader is None
    assert doc.text == f"{left} {right} {tail}"


def test_font_size_zero_row_with_class_styled_columns_is_not_hidden() -> None:
    """Columns sized by a <style> class (not inline) are still a layout row, not hidden text."""
    html = (
        "<body><style>.col{font-size:14px}</style>"
        '<div style="font-size:0"><div class="col">Новинки недели</div>'
        '<div class="col">Хиты продаж</div></div><p>Подвал</p></body>'
    )
    doc = parse_html(html)
    assert doc.preheader is None
    assert doc.text == "Новинки недели Хиты продаж Подвал"


def test_font_size_zero_on_text_alone_is_still_a_preheader() -> None:
    doc = parse_html(
        '<body><div style="font-size:0">Только до воскресенья</div><p>Привет</p></body>'
    )
    assert doc.preheader == "Только до воскресенья"
    assert doc.text == "Привет"


@pytest.mark.parametrize(
    ("outer", "inner"),
    [
        ("visibility:hidden", "visibility:visible"),
        ("font-size:0", "font-size:16px"),
        ("font-size:0px", "font-size: 1.2rem"),
    ],
)
def test_container_with_visible_descendants_is_never_dropped(outer: str, inner: str) -> None:
    html = (
        f'<body><div style="{outer}">Sale <span style="{inner}">ends Sunday</span></div>'
        "<p>Body</p></body>"
    )
    doc = parse_html(html)
    assert doc.preheader is None
    assert doc.text == "Sale ends Sunday Body"


def test_link_context_and_marker() -> None:
    doc = parse_html(
        "<body><p>Новости. Если вы не хотите получать письма, "
        '<a href="https://esp.test/u" data-kind="footer">нажмите здесь</a>. Спасибо!</p>'
        '<p><a href="https://shop.test/" role="button" class="btn">Каталог</a></p></body>'
    )
    unsub, shop = doc.links
    assert unsub.context == "Если вы не хотите получать письма, нажмите здесь."
    assert unsub.marker == "data-kind=footer"
    assert shop.marker == "role=button class=btn"


def test_link_opening_its_sentence_takes_the_previous_one() -> None:
    doc = parse_html(
        "<body><p>Не хотите получать письма? <a href='https://esp.test/u'>Нажмите здесь</a>. "
        "Другое предложение.</p></body>"
    )
    assert doc.links[0].context == "Не хотите получать письма? Нажмите здесь."


OUTLOOK_ONLY = """<html><body>
<p>Для всех</p>
<!--[if mso]>
<table role="presentation"><tr><td>
<v:roundrect href="https://shop.example.net/sale?utm_source=email&amp;utm_medium=email">
<center>Купить</center></v:roundrect>
<a href="#">Каталог</a>
<img src="images/hero.jpg" alt="">
</td></tr></table>
<![endif]-->
<!--[if mso]><table><tr><td><![endif]-->
<p><a href="https://shop.example.net/all">Все</a></p>
</body></html>"""


def test_outlook_only_html_is_read_as_html() -> None:
    # its links were found by a pattern: "&amp;" stayed in the href (a false UTM001) and an
    # ordinary link or image there was never checked
    links = [
        (link.kind, link.href, link.text, link.line) for link in parse_html(OUTLOOK_ONLY).links
    ]
    assert links == [
        ("a", "https://shop.example.net/sale?utm_source=email&utm_medium=email", "Купить", 5),
        ("a", "#", "Каталог", 7),
        ("img", "images/hero.jpg", "", 8),
        ("a", "https://shop.example.net/all", "Все", 12),
    ]


def test_a_tag_written_over_several_lines_is_placed_where_it_starts() -> None:
    # libxml2 places an element at the line its start tag ends on: LNK003 pointed at the
    # closing ">" of a button link, IMG001 at an image's last attribute
    doc = parse_html(
        "<body>\n"  # 1
        "<a\n"  # 2
        '  class="btn"\n'  # 3
        '  href="#"\n'  # 4
        ">Shop</a>\n"  # 5
        '<img src="https://x.example/a.png"\n'  # 6
        '  width="10">\n'  # 7
        '<td background="https://x.example/bg.png"\n  style="color:red">x</td>\n'  # 8-9
        '<a href="https://x.example/1">one</a> <a href="https://x.example/2"\n>two</a>\n'  # 10
        "</body>"
    )
    placed = [(link.kind, link.href, link.line) for link in doc.links]
    assert placed == [
        ("a", "#", 2),
        ("img", "https://x.example/a.png", 6),
        ("background", "https://x.example/bg.png", 8),
        ("a", "https://x.example/1", 10),
        ("a", "https://x.example/2", 10),
    ]
    assert [image.line for image in doc.images] == [6]


def test_an_outlook_button_written_over_several_lines_is_placed_where_it_starts() -> None:
    # as in the body (session 15): libxml2 places a tag at the line its ">" is on
    doc = parse_html(
        "<html><body>\n"  # 1
        "<!--[if mso]>\n"  # 2
        "<v:roundrect\n"  # 3
        '  arcsize="10%"\n'  # 4
        '  href="https://shop.example.net/sale">\n'  # 5
        "<center>Купить</center></v:roundrect>\n"  # 6
        '<a href="https://shop.example.net/all">Все</a>\n'  # 7
        "<![endif]-->\n"
        "</body></html>"
    )
    assert [(link.href, link.line) for link in doc.links] == [
        ("https://shop.example.net/sale", 3),
        ("https://shop.example.net/all", 7),
    ]


def test_a_url_broken_over_lines_reads_as_a_browser_reads_it() -> None:
    # Netcenter's newsletter (SpamAssassin's welcomelist) breaks its tracking hrefs over two
    # lines; a browser drops tabs and line breaks from a URL, so the link works as one URL
    doc = parse_html(
        "<body>\n"
        '<a href="https://t.example/mcp?p=041H1g041H2g55Ep6l\n012000WRnwBz">Hier</a>\n'
        '<img src=" https://cdn.example/a\r\n.png\t">\n'
        '<td background="https://cdn.example/\tbg.png">x</td>\n'
        "<div style=\"background: url('https://cdn.example/\nc.png')\">y</div>\n"
        '<!--[if mso]><v:roundrect href="https://t.example/\tb">z</v:roundrect><![endif]-->\n'
        "</body>"
    )
    assert [(link.kind, link.href, link.raw, link.line) for link in doc.links] == [
        ("a", "https://t.example/mcp?p=041H1g041H2g55Ep6l012000WRnwBz", "https://t.example/mcp?p=041H1g041H2g55Ep6l012000WRnwBz", 2),
        ("img", "https://cdn.example/a.png", "https://cdn.example/a.png", 4),
        ("background", "https://cdn.example/bg.png", "https://cdn.example/bg.png", 6),
        ("css", "https://cdn.example/c.png", "https://cdn.example/c.png", 7),
        ("a", "https://t.example/b", "https://t.example/b", 9),
    ]  # fmt: skip


def test_what_follows_the_end_of_the_document_is_read_as_a_browser_reads_it() -> None:
    # libxml2 drops everything after </html>; a browser reads it into the body. Oracle's
    # TechBlast (SpamAssassin's welcomelist) has its unsubscribe link there
    doc = parse_html(
        "<html><body><p>News</p></body></html>\n"  # 1
        "<p>To be removed, write to\n"  # 2
        '<a href="mailto:unsubscribe@oracle.example">unsubscribe@oracle.example</a></p>\n'  # 3
        '<img src="https://t.example/open.gif" alt="">\n'  # 4
    )
    assert [(link.kind, link.href, link.text, link.line) for link in doc.links] == [
        ("a", "mailto:unsubscribe@oracle.example", "unsubscribe@oracle.example", 3),
        ("img", "https://t.example/open.gif", "", 4),
    ]
    assert doc.text == "News To be removed, write to unsubscribe@oracle.example"
    # nothing after it (or a comment only): the document as it was
    alone = parse_html("<html><body><p>News</p></body></HTML >\n<!-- sent by x -->\n")
    assert (alone.text, alone.links) == ("News", [])


@pytest.mark.parametrize(
    ("srcset", "urls"),
    [
        ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
        # a comma inside a URL is part of it (image CDNs write them)
        (
            "https://img.test/w_200,h_100/a.png 1x, https://img.test/w_400,h_200/a.png 2x",
            ["https://img.test/w_200,h_100/a.png", "https://img.test/w_400,h_200/a.png"],
        ),
        ("a.png, b.png", ["a.png", "b.png"]),  # commas that close a URL end its candidate
        (" a.png 100w (x, y), c.png 2x ,, ", ["a.png", "c.png"]),  # a comma in parentheses
        ("", []),
    ],
)
def test_srcset_candidates_as_html_reads_them(srcset: str, urls: list[str]) -> None:
    assert srcset_urls(srcset) == urls


def test_srcset_images_are_kept_apart_from_the_links() -> None:
    # a template's merge tags may split or empty a srcset: the engine adds these to the links
    # itself (all of them without a template language, in a template those it writes as they
    # are: templating.render._as_is, _written_as_is)
    doc = parse_html(
        "<picture>\n"
        '<source srcset="https://img.test/dark.png" media="(prefers-color-scheme: dark)">\n'
        '<img src="https://img.test/a.png" srcset="https://img.test/a@2x.png 2x" alt="Лого">\n'
        "</picture>"
    )
    assert [(link.href, link.kind, link.text, link.line) for link in doc.srcset] == [
        ("https://img.test/dark.png", "img", "", 2),
        ("https://img.test/a@2x.png", "img", "Лого", 3),
    ]
    assert [link.href for link in doc.links] == ["https://img.test/a.png"]


def test_a_videos_poster_is_an_image() -> None:
    # Apple Mail and Outlook for Mac show it before the video plays; the video itself is not
    # requested, and the clients that play none show the fallback inside the <video>
    doc = parse_html(
        '<p>Смотрите</p>\n<video poster="https://cdn.shop.test/poster.jpg" width="600">\n'
        '<source src="https://cdn.shop.test/promo.mp4" type="video/mp4">\n'
        '<a href="https://shop.test/video"><img src="https://cdn.shop.test/still.jpg" alt="Видео"></a>'
        "\n</video>"
    )
    assert [(link.href, link.kind, link.line) for link in doc.links] == [
        ("https://cdn.shop.test/poster.jpg", "img", 2),
        ("https://shop.test/video", "a", 4),
        ("https://cdn.shop.test/still.jpg", "img", 4),
    ]
    assert [image.src for image in doc.images] == ["https://cdn.shop.test/still.jpg"]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # after a leading <style>, libxml2 kept an element it does not know in <head>, and
        # the whole text with it: a browser ends the head there (a QA probe)
        (
            "<style>p {margin: 0}</style><columns><p>Lorem ipsum dolor sit amet.</p></columns>",
            "Lorem ipsum dolor sit amet.",
        ),
        (  # Campaign Monitor's <unsubscribe> tag, then the body's own text
            "<style></style><unsubscribe>Отписаться</unsubscribe><p>Скидки недели</p>",
            "Отписаться Скидки недели",
        ),
        ("<title>Скидки</title><meta charset=utf-8><p>Текст</p>", "Текст"),  # head stays head
    ],
)
def test_what_a_browser_puts_in_the_body_is_read_as_the_body(html: str, text: str) -> None:
    document = parse_html(html)
    assert document.text == text


def test_text_apart_is_read_on_demand_and_travels_between_processes() -> None:
    import pickle

    html = (
        "<style>.mob {display:none}</style><p>Copy</p><div class=mob>Mobile</div>"
        '<div style="display:none">Hidden <span style="display:none">twice</span></div>'
        "<pre>sample</pre>"
    )
    doc = parse_html(html)
    assert "text_apart" not in vars(doc)  # not read by the parse: few documents need it
    # its own style's, then a stylesheet's (the nested box counted once)
    assert doc.hidden_text == "Hidden twice Mobile"
    assert doc.text_apart.code == "sample"
    again = pickle.loads(pickle.dumps(parse_html(html)))
    assert again.hidden_text == "Hidden twice Mobile"
    assert Document().hidden_text == ""


def test_outlook_text() -> None:
    doc = parse_html(
        "<p>All</p><!--[if mso]><p>Outlook</p><p style='mso-hide:all'>not</p>"
        "<code>x</code><![endif]--><!--[if IE]><p>IE</p><![endif]-->"
        "<!--[if !mso]><p>nobody</p><![endif]-->"
    )
    assert (doc.text, doc.outlook_text, doc.outlook_unsure) == ("All", "Outlook", "not IE")


def test_a_comment_with_a_space_before_if_is_no_conditional_comment() -> None:
    # Outlook reads "<!--[if" as written: "<!-- [if mso]>" is an ordinary comment
    doc = parse_html(
        '<p>All</p><!-- [if mso]><p>Outlook</p><a href="https://a.test/">x</a><![endif]-->'
    )
    assert (doc.text, doc.outlook_text, doc.outlook_unsure, doc.links) == ("All", "", "", [])


def test_outlook_text_reads_no_break_spaces_as_spaces() -> None:
    doc = parse_html("<p>All</p><!--[if mso]><p>Lorem&nbsp;ipsum</p><![endif]-->")
    assert doc.outlook_text == "Lorem ipsum"


def test_one_style_hides_one_element_and_not_another_its_descendants_show() -> None:
    """A style's own reading is made once for every element that writes it; what its
    descendants undo is each element's own: of two boxes written alike, with visibility:hidden
    or font-size:0, the one whose child shows itself again is not hidden."""
    from lxml import html

    from mailcheck.htmlparse import is_hidden

    for style, shown in (
        ("visibility:hidden", "visibility:visible"),
        ("font-size:0", "font-size:14px"),
    ):
        root = html.fromstring(
            f'<div><p style="{style}">a</p>'
            f'<p style="{style}"><span style="{shown}">b</span></p>'
            f'<p style="{style.upper()}">c</p></div>'
        )
        first, second, third = root.findall("p")
        assert is_hidden(first) and not is_hidden(second) and is_hidden(third)
        assert is_hidden(first, from_everyone=True) and not is_hidden(second, from_everyone=True)


def test_the_style_texts_are_read_once_per_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """The accessibility facts' stylesheet readings (the colours, the rules' hidden boxes) and
    the preheader's test share the document's <style> texts, read once per parse (each read
    them again: four walks of the tree for the same texts)."""
    from mailcheck import htmlparse, stylesheet

    read: list[int] = []
    original = stylesheet.style_texts

    def counting(root: object) -> list[str]:
        read.append(1)
        return original(root)

    monkeypatch.setattr(htmlparse, "style_texts", counting)
    monkeypatch.setattr(stylesheet, "style_texts", counting)
    html = (
        "<html><head><style>.x{display:none} p{color:#bbbbbb}</style></head><body>\n"
        '<p class="x">скрыто</p>\n'
        '<p style="color:#bbbbbb;background:#ffffff">бледно</p>\n'
        "</body></html>"
    )
    document = parse_html(html, accessibility=True)
    assert document.accessibility is not None
    assert [found.line for found in document.accessibility.low_contrast] == [3]
    assert len(read) == 1
