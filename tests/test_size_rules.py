"""SIZE001 (Gmail clipping, measured as sent) and SIZE002 (C1 control characters)."""

from __future__ import annotations

import base64
import quopri
from pathlib import Path

from mailcheck.checks.size import QP_GROWTH_MAX

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

FOOTER = '<p><a href="https://shop.test/unsub">Отписаться</a></p>'


def test_template_over_102_kb_in_utf8_is_an_error(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, body="<p>" + "Ж" * 60_000 + "</p>" + FOOTER)
    found = only(check(d), "SIZE001")
    assert [(f.severity, f.location) for f in found] == [(Severity.ERROR, "email.html")]
    assert found[0].message == "HTML is 117 KB; Gmail clips messages over 102 KB"
    from mailcheck.i18n import translate, translations

    said = str(translate(found[0].message, translations("ru")))
    assert said == "HTML занимает 117 КБ; Gmail обрезает письма больше 102 КБ"


def test_cyrillic_over_102_kb_only_as_quoted_printable_is_a_warning(tmp_path: Path) -> None:
    # 20,000 letters: 39 KB in UTF-8, 121 KB quoted-printable (6 bytes a letter)
    d = write_campaign(tmp_path, body="<p>" + "Ж" * 20_000 + "</p>" + FOOTER)
    found = only(check(d), "SIZE001")
    assert len(found) == 1
    assert found[0].severity is Severity.WARNING
    assert found[0].message.startswith("HTML is 39 KB, but 121 KB when sent quoted-printable")


def test_ascii_template_under_the_limit_passes(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, body="<p>" + "x" * 90_000 + "</p>" + FOOTER)
    assert only(check(d), "SIZE001") == []


def write_eml(path: Path, html: str, encoding: str) -> Path:
    """A test send whose HTML part is transfer-encoded as ``encoding``, as an ESP sends it."""
    data = html.encode("utf-8")
    body = quopri.encodestring(data) if encoding == "quoted-printable" else base64.encodebytes(data)
    path.write_bytes(
        b"From: Shop <news@shop.test>\r\nSubject: =?utf-8?b?0KHQutC40LTQutC4?=\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
        + f"Content-Transfer-Encoding: {encoding}\r\n\r\n".encode()
        + body
    )
    return path


def test_eml_measured_as_transferred(tmp_path: Path) -> None:
    html = "<html><body><p>" + "Ж" * 20_000 + "</p>" + FOOTER + "</body></html>"
    qp = only(check(write_eml(tmp_path / "qp.eml", html, "quoted-printable")), "SIZE001")
    assert [(f.severity, f.location) for f in qp] == [(Severity.ERROR, "text/html part")]
    assert qp[0].message.startswith("HTML part is 1")
    assert qp[0].message.endswith("KB as sent (39 KB decoded); Gmail clips messages over 102 KB")
    # the same HTML in base64 is 4/3 of 39 KB: not clipped
    assert only(check(write_eml(tmp_path / "b64.eml", html, "base64")), "SIZE001") == []


def test_c1_control_characters(tmp_path: Path) -> None:
    body = "<p>Don\x92t miss it \x96 скидки\x85</p>" + FOOTER
    found = only(check(write_campaign(tmp_path, body=body)), "SIZE002")
    assert [(f.message, f.location) for f in found] == [
        ("3 C1 control characters (U+0092, U+0096, U+0085)", "email.html")
    ]


def test_real_punctuation_is_not_c1(tmp_path: Path) -> None:
    body = "<p>Don’t miss it – скидки… «ёлка» —</p>" + FOOTER
    assert only(check(write_campaign(tmp_path, body=body)), "SIZE002") == []


def test_the_quoted_printable_bound_holds_for_the_worst_input() -> None:
    """SIZE001 skips encoding an HTML under a quarter of the limit: no input may grow more."""
    for data in (bytes(range(256)) * 400, "а".encode() * 60_000, b"=" * 200_000, b"\n" * 9):
        assert len(quopri.encodestring(data)) < QP_GROWTH_MAX * len(data)
