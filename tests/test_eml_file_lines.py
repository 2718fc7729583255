"""A finding in a saved message (.eml) names the line of the FILE a QA person opens
("send.eml:20"), where the part's transfer encoding keeps lines: 7bit, 8bit (whatever the
charset: windows-1251 decodes line for line) and quoted-printable (a soft line break joins two
lines of the file into one of the part). A base64 part keeps no lines: its findings name the
part's own line ("text/html part:3")."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from mailcheck.reports.locations import place_file_line

from mailcheck.message import _after_blank_line
from mailcheck.model import Severity
from tests.helpers import check, only

HEAD = (
    b"From: Shop <news@shop.test>\r\nTo: a@b.test\r\nSubject: Sale\r\n"  # 1-3
    b"List-Unsubscribe: <https://shop.test/u/1>\r\nMIME-Version: 1.0\r\n"  # 4-5
    b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'  # 6-7
    b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"  # 8-10
    b"Sale: https://shop.test/s\r\nUnsubscribe: https://shop.test/u/1\r\n"  # 11-12
    b"--b\r\n"  # 13
)


def test_a_quoted_printable_part_names_the_files_line(tmp_path: Path) -> None:
    eml = tmp_path / "send.eml"
    eml.write_bytes(
        HEAD + b"Content-Type: text/html; charset=utf-8\r\n"  # 14
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"  # 15-16
        b'<html lang=3D"en"><head><title>Sale</title></head><body><p>A long para=\r\n'  # 17
        b"graph, joined</p>\r\n"  # 18 (part line 1 still)
        b"<p>Two soft =\r\n"  # 19 (part line 2)
        b"breaks =\r\n"  # 20
        b"here</p>\r\n"  # 21
        b'<a href=3D"http://shop.test/sale">Buy</a>\r\n'  # 22 (part line 3)
        b'<a href=3D"https://shop.test/u/1">Unsubscribe</a>\r\n'  # 23
        b"</body></html>\r\n--b--\r\n"
    )
    result = check(eml)
    plain = only(result, "LNK004")
    assert [(f.severity, f.places) for f in plain] == [(Severity.WARNING, ("send.eml:22",))]
    # the machine outputs point at that line of that file
    assert place_file_line(result.campaign, "send.eml:22", tmp_path) == ("send.eml", 22)


def test_an_8bit_windows_1251_part_names_the_files_line(tmp_path: Path) -> None:
    eml = tmp_path / "cp1251.eml"
    html = (
        '<html lang="ru"><head><title>Распродажа</title></head><body>\n'  # 17
        "<p>Скидки на всё</p>\n"  # 18
        "<p>Только до воскресенья</p>\n"  # 19
        '<img src="https://cdn.shop.test/sale.png">\n'  # 20
        '<a href="https://shop.test/u/1">Отписаться</a>\n'  # 21
        "</body></html>\n"
    )
    eml.write_bytes(
        HEAD + b"Content-Type: text/html; charset=windows-1251\r\n"  # 14
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"  # 15-16
         + html.encode("windows-1251") + b"--b--\r\n"
    )
    images = only(check(eml), "IMG001")
    assert [(f.severity, f.places) for f in images] == [(Severity.WARNING, ("cp1251.eml:20",))]


def test_a_base64_part_keeps_the_parts_line(tmp_path: Path) -> None:
    eml = tmp_path / "b64.eml"
    html = (
        '<html lang="en"><head><title>Sale</title></head><body>\n'
        "<p>Sale</p>\n"
        '<a href="http://shop.test/sale">Buy</a>\n'  # part line 3
        '<a href="https://shop.test/u/1">Unsubscribe</a>\n'
        "</body></html>\n"
    )
    eml.write_bytes(
        HEAD + b"Content-Type: text/html; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(html.encode()).replace(b"\n", b"\r\n")
        + b"--b--\r\n"
    )
    plain = only(check(eml), "LNK004")
    assert [(f.severity, f.places) for f in plain] == [(Severity.WARNING, ("text/html part:3",))]


def test_a_text_part_link_and_a_suppression_comment_use_the_files_lines(tmp_path: Path) -> None:
    eml = tmp_path / "send.eml"
    eml.write_bytes(
        HEAD.replace(b"Sale: https://shop.test/s", b"Sale: http://shop.test/t")
        + b"Content-Type: text/html; charset=utf-8\r\n\r\n"  # 14-15
        b'<html lang="en"><head><title>Sale</title></head><body>\r\n'  # 16
        b"<!-- mailcheck: ignore IMG001 -->\r\n"  # 17
        b'<img src="https://cdn.shop.test/a.png">\r\n'  # 18
        b'<a href="https://shop.test/u/1">Unsubscribe</a>\r\n'  # 19
        b"</body></html>\r\n--b--\r\n"
    )
    result = check(eml)
    assert [f.places for f in only(result, "LNK004")] == [("send.eml:11",)]
    assert only(result, "IMG001") == []
    assert [(s.line, [f.places for f in hidden]) for s, hidden in result.suppressed] == [
        (2, [("send.eml:18",)])
    ]


def test_a_message_written_with_bare_line_feeds_names_the_files_line(tmp_path: Path) -> None:
    # the part's body follows "\n\n" (no carriage returns): found as after "\r\n\r\n"
    eml = tmp_path / "lf.eml"
    eml.write_bytes(
        HEAD.replace(b"\r\n", b"\n") + b"Content-Type: text/html; charset=utf-8\n\n"  # 14-15
        b'<html lang="en"><head><title>Sale</title></head><body>\n'  # 16
        b'<img src="https://cdn.shop.test/a.png">\n'  # 17
        b'<a href="https://shop.test/u/1">Unsubscribe</a>\n'  # 18
        b"</body></html>\n--b--\n"
    )
    images = only(check(eml), "IMG001")
    assert [(f.severity, f.places) for f in images] == [(Severity.WARNING, ("lf.eml:17",))]


def test_a_body_the_file_holds_twice_keeps_the_parts_line(tmp_path: Path) -> None:
    # the same HTML as the text part and the HTML part: which of the two a line is in is not
    # known from the bytes, and the part's own line is named
    html = (
        b'<html lang="en"><head><title>Sale</title></head><body>\r\n'
        b'<img src="https://cdn.shop.test/a.png">\r\n'  # part line 2
        b'<a href="https://shop.test/u/1">Unsubscribe</a>\r\n'
        b"</body></html>\r\n"
    )
    eml = tmp_path / "twice.eml"
    eml.write_bytes(
        HEAD[: HEAD.index(b"--b\r\n")]
        + b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + html
        + b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + html
        + b"--b--\r\n"
    )
    images = only(check(eml), "IMG001")
    assert [(f.severity, f.places) for f in images] == [(Severity.WARNING, ("text/html part:2",))]


@pytest.mark.parametrize(
    ("data", "raw"),
    [
        (b"a\r\n\r\nbody", b"body"),
        (b"a\n\nbody\n\nbody", b"body"),  # twice: both found
        (b"a\nbody", b"body"),  # no empty line before it
        (b"\n\r\n\n\r\n", b"\n\r\n"),  # "\n\r\n" then "\n\n": either break
        (b"\n\nx\n\nx\n\nx", b"x\n\nx"),  # overlapping: the second is not apart
        (b"\n\n\n\n\n", b"\n"),
    ],
)
def test_a_body_is_found_after_an_empty_line_as_the_pattern_of_it_finds_it(
    data: bytes, raw: bytes
) -> None:
    # the search that replaced a pattern compiled from the whole body finds what it found
    pattern = re.compile(rb"\n\r?\n" + re.escape(raw))
    assert _after_blank_line(data, raw) == [m.end() for m in pattern.finditer(data)]
