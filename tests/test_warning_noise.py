"""Warnings that said something was wrong when nothing was: each class, and its real case."""

from __future__ import annotations

from pathlib import Path

from mailcheck.config import Config
from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

HEAD = (
    "From: Shop <news@shop.test>\nTo: anna@example.test\nSubject: Заказ 1042 отправлен\n"
    "Date: Fri, 04 Dec 2026 10:00:00 +0300\nMessage-ID: <1042@shop.test>\nMIME-Version: 1.0\n"
)


def test_pre001_not_on_a_plain_text_only_message(tmp_path: Path) -> None:
    # no HTML part: nowhere to hide a preheader; the preview is the text's own first line
    path = tmp_path / "text.eml"
    path.write_text(
        HEAD + "Content-Type: text/plain; charset=utf-8\n\nЗаказ 1042 передан в доставку.\n",
        encoding="utf-8",
    )
    assert only(check(path), "PRE001") == []


def test_pre001_still_on_html_without_preheader(tmp_path: Path) -> None:
    path = tmp_path / "html.eml"
    path.write_text(
        HEAD + "Content-Type: text/html; charset=utf-8\n\n"
        '<html lang="ru"><body><p>Заказ 1042 передан в доставку.</p></body></html>\n',
        encoding="utf-8",
    )
    [found] = only(check(path), "PRE001")
    assert found.severity is Severity.WARNING and found.location == "preheader"


LINKED = """<p><a href="https://shop.test/sale"><img src="https://cdn.shop.test/banner.png"></a></p>
<p><a href="https://shop.test/new"><img src="https://cdn.shop.test/new.png" alt=""></a></p>"""


def test_a_linked_image_without_alt_is_one_finding(tmp_path: Path) -> None:
    # line 5: no alt attribute (IMG001's image, the same cause); line 6: alt="" (A11Y004's own)
    result = check(write_campaign(tmp_path, body=LINKED))
    [img] = only(result, "IMG001")
    [a11y] = only(result, "A11Y004")
    assert img.places == ("email.html:5",) and img.message == (
        "image has no alt attribute; links made only of such images have no name either, so a "
        "screen reader reads out their address (A11Y004)"
    )
    assert a11y.places == ("email.html:6",)
    assert a11y.message == "1 image link without alt text (line 6)"


def test_a_linked_image_without_alt_stays_a11y004_without_img001(tmp_path: Path) -> None:
    config = Config(root=tmp_path, ignore=("IMG001",))
    result = check(write_campaign(tmp_path, body=LINKED), config)
    assert [f.places for f in only(result, "A11Y004")] == [("email.html:6",), ("email.html:5",)]


def test_sub001_says_a_bare_html_file_has_no_title(tmp_path: Path) -> None:
    # the message said "<title> is empty" of files with no <title> at all
    untitled = tmp_path / "untitled.html"
    untitled.write_text('<html lang="ru"><body><p>Скидки</p></body></html>', encoding="utf-8")
    [found] = only(check(untitled), "SUB001")
    assert found.severity is Severity.WARNING and found.location == "subject"
    assert found.message.startswith("no subject to check: the file has no <title>, and")
    empty = tmp_path / "empty.html"
    empty.write_text("<html><head><title></title></head><body>Скидки</body></html>", "utf-8")
    [found] = only(check(empty), "SUB001")
    assert found.message.startswith("no subject to check: the file's <title> is empty, and")
