"""HTML001: an HTML comment left open hides everything after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.config import Config
from mailcheck.htmlparse import parse_html
from tests.helpers import check, only, write_campaign


def page(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "page.html"
    path.write_text(
        '<html lang="ru"><head><title>Скидки недели в магазине</title></head><body>\n'  # 1
        '<div style="display:none">Только до воскресенья: скидки до 50% на всё</div>\n'  # 2
        '<p><a href="https://shop.test/sale">Скидки</a></p>\n' + body + "\n</body></html>\n",  # 3
        encoding="utf-8",
    )
    return path


def test_an_outlook_comment_left_open_hides_the_rest_from_everyone_else(tmp_path: Path) -> None:
    body = (
        '<!--[if mso]><table><tr><td width="600"><![endif]-->\n'  # 4
        "<p>Только сегодня</p>\n"  # 5
        "<!--[if mso]></td></tr></table>\n"  # 6: no <![endif]-->
        '<p><a href="https://shop.test/new">Новинки</a> <img src="https://cdn.shop.test/a.png" '
        'alt="Новинки"></p>\n'
        '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    )
    result = check(page(tmp_path, body))
    [finding] = only(result, "HTML001")
    assert finding.severity.value == "error"
    assert finding.message == (
        "the Outlook comment opened on line 6 (<!--[if …]>) is never closed with <![endif]-->: "
        "every mail client but Outlook hides what follows it: “Новинки Отписаться” and 3 link(s) "
        "or image(s); so: UNS001"
    )
    # the unsubscribe link only Outlook's readers get (UNS001) is this comment's doing
    assert finding.places == ("page.html:6", "page.html:8")
    assert only(result, "UNS001") == []


def test_a_comment_left_open_before_the_footer_is_one_finding(tmp_path: Path) -> None:
    body = '<!-- footer\n<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    result = check(page(tmp_path, body))
    [finding] = only(result, "HTML001")
    assert finding.message == (
        "the comment opened on line 4 is never closed with -->: mail clients hide what follows "
        "it: “Отписаться” and 1 link(s) or image(s); so: UNS001"
    )
    assert finding.places == ("page.html:4", "page.html")
    assert only(result, "UNS001") == []  # said by HTML001: one root cause
    # with HTML001 not run, the missing unsubscribe link is UNS001's error again
    ignored = check(page(tmp_path, body), Config(root=tmp_path, ignore=("HTML001",)))
    assert [f.message for f in only(ignored, "UNS001")] == ["no unsubscribe link in the body"]


@pytest.mark.parametrize(
    "body",
    [
        '<!-- footer --><p><a href="https://shop.test/unsubscribe">Отписаться</a></p>',
        '<!--[if mso]><p>Outlook</p><![endif]--><p><a href="https://shop.test/u">Отписаться</a></p>',
        '<!--><p><a href="https://shop.test/unsubscribe">Отписаться</a></p>',  # HTML's empty one
        '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>\n<!-- end of footer',
        # inside a <style> or an attribute value "<!--" is text, no comment
        '<style><!-- .hero { color: red }</style><p><a href="https://shop.test/u">Отписаться</a></p>',
        '<p title="<!-- note"><a href="https://shop.test/unsubscribe">Отписаться</a></p>',
    ],
)
def test_closed_comments_and_one_left_open_at_the_end_hide_nothing(
    tmp_path: Path, body: str
) -> None:
    result = check(page(tmp_path, body))
    assert only(result, "HTML001") == []
    assert only(result, "UNS001") == []


def test_what_the_open_comment_hides_is_read_from_the_source() -> None:
    html = (
        "<p>Привет</p>\n<!--\n<div><p>Скидки</p><a href='https://shop.test/u'>Отписаться</a></div>"
    )
    unclosed = parse_html(html).unclosed_comment
    assert unclosed is not None
    assert (unclosed.line, unclosed.outlook, unclosed.hidden, unclosed.links) == (
        2,
        False,
        "Скидки Отписаться",
        1,
    )
    assert [(a.href, a.text) for a in unclosed.anchors] == [("https://shop.test/u", "Отписаться")]


def test_a_template_comment_that_holds_the_opening_hides_nothing(tmp_path: Path) -> None:
    # "{# <!-- old footer #}" is Jinja's comment: the rendered e-mail has no "<!--" at all
    d = write_campaign(
        tmp_path,
        template="jinja",
        body='{# <!-- old footer #}\n<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>',
    )
    result = check(d)
    assert only(result, "HTML001") == []
    assert only(result, "UNS001") == []
