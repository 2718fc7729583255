"""A body part whose transfer encoding or charset lost text: one INP001 that names the damage,
never a verdict (UNS001 "no unsubscribe link") on the text that was lost. Harmless defects
(base64 without its padding, stray characters between whole groups) change nothing."""

from __future__ import annotations

import base64
import codecs
from pathlib import Path

import pytest

from mailcheck.charsets import cut_short, decode_bytes
from tests.helpers import check, codes, only, write_campaign

HTML = (
    "<html><head><title>Акция</title></head><body><p>Здравствуйте! "
    + "Новая коллекция уже в магазинах. " * 40
    + '</p><p><a href="https://acme.example/unsubscribe?u=1">Отписаться</a></p>'
    "</body></html>\n"
)


def _eml(path: Path, body: bytes, *, ctype: str = "text/html", charset: str = "utf-8") -> Path:
    head = (
        "From: ACME <news@acme.example>\nTo: anna@example.org\nSubject: Новая коллекция\n"
        "Date: Mon, 1 Dec 2025 10:00:00 +0000\nMessage-ID: <1@acme.example>\n"
        "List-Unsubscribe: <https://acme.example/unsubscribe?u=1>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="BB"\n\n--BB\n'
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Новая коллекция. Отписаться: https://acme.example/unsubscribe?u=1\n--BB\n"
        f"Content-Type: {ctype}; charset={charset}\nContent-Transfer-Encoding: base64\n\n"
    )
    path.write_bytes(head.encode() + body + b"\n--BB--\n")
    return path


def _base64(data: bytes) -> bytes:
    return base64.encodebytes(data)


def _sized(rest: int) -> bytes:
    """The HTML, padded with spaces to a byte count of ``rest`` modulo 3 (0: base64 without
    "=", 1: ending in "==")."""
    data = HTML.encode()
    return data + b" " * ((rest - len(data)) % 3)


def _damaged(result_codes: list[str], message: str, part: str) -> None:
    assert result_codes == ["INP001"]
    assert message.startswith(f"the {part} could not be read fully: ")


def test_base64_cut_one_letter_into_a_group_is_one_inp001_not_uns001(tmp_path: Path) -> None:
    encoded = _base64(HTML.encode())
    cut = encoded[: len(encoded) // 2]
    cut = cut[: len(cut) - (len(cut.replace(b"\n", b"")) % 4) + 1]  # 4n+1 letters
    result = check(_eml(tmp_path / "cut.eml", cut))
    [finding] = only(result, "INP001")
    _damaged(codes(result), finding.message, "text/html part")
    assert "base64 stops one letter into a group of four" in finding.message
    assert finding.location == "cut.eml"


def test_base64_letters_replaced_by_junk_is_one_inp001(tmp_path: Path) -> None:
    encoded = bytearray(_base64(_sized(0)))
    encoded[100:102] = b"!*"  # two letters lost: all that follows is shifted (garbage)
    result = check(_eml(tmp_path / "junk.eml", bytes(encoded)))
    [finding] = only(result, "INP001")
    _damaged(codes(result), finding.message, "text/html part")
    assert "outside the base64 alphabet" in finding.message


def test_damaged_text_part_is_named(tmp_path: Path) -> None:
    encoded = _base64(b"Hello " * 50)
    path = tmp_path / "text.eml"
    path.write_bytes(
        b"From: ACME <news@acme.example>\nTo: anna@example.org\nSubject: Hi\n"
        b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: base64\n\n" + encoded.rstrip(b"=\n") + b"Q\n"
    )
    result = check(path)
    [finding] = only(result, "INP001")
    _damaged(codes(result), finding.message, "text/plain part")


@pytest.mark.parametrize(
    "harm",
    ["no padding", "junk between groups"],
)
def test_harmless_base64_defects_change_nothing(tmp_path: Path, harm: str) -> None:
    encoded = _base64(_sized(1))
    assert encoded.rstrip().endswith(b"==")
    if harm == "no padding":
        damaged = encoded.rstrip(b"=\n")
    else:  # RFC 2045 §6.8: characters outside the alphabet are ignored
        damaged = encoded[:100] + b"!*~" + encoded[100:]
    clean = check(_eml(tmp_path / "clean.eml", encoded))
    result = check(_eml(tmp_path / "harm.eml", damaged))
    assert "UNS001" not in codes(clean)
    assert [(f.code, f.message) for f in result.findings] == [
        (f.code, f.message) for f in clean.findings
    ]


@pytest.mark.parametrize("charset", ["utf-16le", "utf-16"])
def test_utf16_part_with_an_odd_byte_count_is_inp001(tmp_path: Path, charset: str) -> None:
    data = HTML.encode("utf-16-le" if charset == "utf-16le" else "utf-16")
    result = check(_eml(tmp_path / "cut.eml", _base64(data[:-1]), charset=charset))
    [finding] = only(result, "INP001")
    _damaged(codes(result), finding.message, "text/html part")
    assert f"its UTF-16 text has {len(data) - 1} bytes" in finding.message
    whole = check(_eml(tmp_path / "whole.eml", _base64(data), charset=charset))
    assert "INP001" not in codes(whole)
    assert "UNS001" not in codes(whole)


def test_cut_utf16_decodes_what_is_there() -> None:
    data = "Отписаться".encode("utf-16-le")[:-1]
    assert decode_bytes(data, "utf-16le") == "Отписатьс\ufffd"
    assert decode_bytes("Отписаться".encode("utf-32")[:-2], "utf-32") == "Отписатьс\ufffd"
    assert cut_short(data, "utf-16le") == cut_short(codecs.BOM_UTF16_LE + data) == "UTF-16"
    # windows-1251 text that starts with "яю" (the bytes of a UTF-16 mark) is no UTF-16
    assert cut_short("яюр".encode("cp1251"), "windows-1251") is None


def _message_cut_at(path: Path, html: str, cut: str, *, closed: bool = False) -> Path:
    """A test send whose file stops right before ``cut`` in its HTML part, the last (with the
    multipart's closing boundary after it when ``closed``)."""
    whole = _eml(path, b"").read_bytes().replace(b"base64", b"8bit").removesuffix(b"\n--BB--\n")
    body = html[: html.index(cut)].encode()
    path.write_bytes(whole + body + (b"\n--BB--\n" if closed else b""))
    return path


def test_a_test_send_cut_off_is_one_inp001_not_uns001(tmp_path: Path) -> None:
    # saved incompletely, the footer's unsubscribe link was judged missing (UNS001), or the
    # message passed "ok" when the cut fell after it (a QA probe)
    cut = "the message is cut off: "
    again = "; save the test send again (the whole message)"
    # the closing boundary missing and the HTML, the last part, stopped before </body></html>
    footer = _message_cut_at(tmp_path / "footer.eml", HTML, "</body>")
    result = check(footer)
    [inp001] = only(result, "INP001")
    assert codes(result) == ["INP001"]
    assert inp001.message == (
        f"{cut}its multipart has no closing boundary, and its text/html part, the last, stops "
        f"before </body> and </html>{again}"
    )
    # stopped inside a tag: cut, in a message of one part too
    result = check(_message_cut_at(tmp_path / "tag.eml", HTML, "/a></p>"))
    assert codes(result) == ["INP001"]
    assert only(result, "INP001")[0].message == (
        f"{cut}its text/html part stops inside a tag (“<”){again}"
    )
    # but a multipart that ends with its closing boundary was saved whole (an HTML whose
    # text ends in "<" was "cut off": a QA probe)
    whole = check(_message_cut_at(tmp_path / "whole.eml", HTML, "/a></p>", closed=True))
    assert only(whole, "INP001") == []
    single = tmp_path / "single.eml"
    single.write_bytes(
        b"From: ACME <news@acme.example>\nSubject: Sale\nMIME-Version: 1.0\n"
        b"Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        + _base64(HTML[: HTML.index("Отписаться") - 2].encode())
    )
    result = check(single)
    assert codes(result) == ["INP001"]
    assert only(result, "INP001")[0].message == (
        f"{cut}its text/html part stops inside a tag "
        f'(“<a href="https://acme.example/unsubscrib”){again}'
    )


def test_a_closing_boundary_missing_alone_is_no_cut(tmp_path: Path) -> None:
    # mailers leave it out of messages whose every part is whole (the corpus has 20 such):
    # the HTML closed, or an HTML with a closing boundary that never closed its <body>
    whole = _message_cut_at(tmp_path / "whole.eml", HTML + "@end", "@end")
    assert only(check(whole), "INP001") == []
    unclosed = _message_cut_at(tmp_path / "unclosed.eml", HTML, "</body>", closed=True)
    assert only(check(unclosed), "INP001") == []


def test_a_bare_html_cut_off_inside_a_tag_is_one_inp001_not_uns001(tmp_path: Path) -> None:
    # a truncated save was judged a whole e-mail without its footer: "no unsubscribe link"
    # (UNS001), where a test send cut so was already INP001 (a QA probe)
    page = tmp_path / "email.html"
    page.write_text(HTML[: HTML.index("Отписаться") - 2], encoding="utf-8")
    result = check(page)
    assert codes(result) == ["INP001"]
    [inp001] = only(result, "INP001")
    line = HTML.count("\n", 0, HTML.index('<a href="https://acme.example/unsub')) + 1
    assert inp001.message == (
        f"email.html is cut off: it stops inside a tag on line {line} "
        f'(“<a href="https://acme.example/unsubscrib”); save the whole file again'
    )
    assert inp001.places == (page.name,)
    # a lone "<" at the end, a closing tag begun: cut too, in a campaign's HTML alike
    for tail in ("<", "</p", "<!DOCTYPE"):
        page.write_text("<p>Hello</p>\n<p>Sale</p>" + tail, encoding="utf-8")
        [inp001] = only(check(page), "INP001")
        assert f"stops inside a tag on line 2 (“{tail}”)" in inp001.message
    campaign = write_campaign(tmp_path, html=HTML[: HTML.index("</body>") + 3])
    [inp001] = only(check(campaign), "INP001")
    assert inp001.message.startswith("email.html is cut off: it stops inside a tag on line")


@pytest.mark.parametrize(
    "ending",
    [
        "",  # whole
        "</p>",  # no </body></html>: legal, and complete
        "\n<p>Price: 5 < 7</p>",  # a "<" in text, before a whole tag
        "</body></html>\n<",  # a stray "<" after the whole document
        # template code, not HTML: its "<" begins no tag (a QA probe)
        "\n{% if a <b %}x{% endif %}",
        "\n{{ price <total }}",
        # no tag as a browser reads it: "<" before another letter, in a comment, in a script
        "\n<p>Укажите <ВАШ ГОРОД",
        "</body></html><!-- sent by <tool",
        "\n<script>if (a <b",
    ],
)
def test_a_bare_html_that_ends_whole_is_not_cut_off(tmp_path: Path, ending: str) -> None:
    page = tmp_path / "email.html"
    whole = HTML[: HTML.index("</body>")]
    page.write_text(whole + ending, encoding="utf-8")
    assert only(check(page), "INP001") == []


@pytest.mark.parametrize(
    ("ending", "tail"),
    [
        # "</html>" in a comment ends no document: the cut after it was missed (a QA probe)
        (
            '\n<!-- </html> -->\n<p><a href="https://acme.example/x',
            '<a href="https://acme.example/x',
        ),
        # a ">" in a quoted attribute value ends no tag
        (
            '\n\n<img alt="a > b" src="https://acme.example/i.png',
            '<img alt="a > b" src="https://acme.examp',
        ),
        # what Outlook's conditional comment holds is HTML to it
        ('\n\n<!--[if mso]><v:roundrect href="https://x', '<v:roundrect href="https://x'),
    ],
)
def test_a_bare_html_cut_as_a_browser_reads_it_is_inp001(
    tmp_path: Path, ending: str, tail: str
) -> None:
    page = tmp_path / "email.html"
    whole = HTML[: HTML.index("</body>")]
    page.write_text(whole + ending, encoding="utf-8")
    result = check(page)
    assert codes(result) == ["INP001"]
    [inp001] = only(result, "INP001")
    line = whole.count("\n") + 3
    assert inp001.message == (
        f"email.html is cut off: it stops inside a tag on line {line} (“{tail}”); save the "
        "whole file again"
    )
