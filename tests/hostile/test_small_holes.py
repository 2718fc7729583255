"""Inputs that once ended as INP001 "(please report)" or were silently ignored: each now has
a reason in words, or is read as a mail client reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.charsets import decode_bytes, utf8_text
from mailcheck.config import Config
from tests.helpers import check, only, write_campaign


def _inp001(path: Path) -> str:
    [finding] = only(check(path, Config(root=path.parent)), "INP001")
    assert "please report" not in finding.message
    return finding.message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "deep.json",
            "[" * 100_000 + "]" * 100_000,
            "samples file 'deep.json' is nested too deeply to read",
        ),
        (
            "big.json",
            '[{"first_name": ' + "7" * 5000 + "}]",
            "samples file 'big.json' holds a number too long to read (more than 4300 digits)",
        ),
    ],
)
def test_hostile_json_samples(tmp_path: Path, name: str, content: str, expected: str) -> None:
    d = write_campaign(tmp_path, "c", samples=name, files={name: content})
    assert _inp001(d) == expected


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("x = " + "[" * 100_000 + "]" * 100_000, "nested too deeply to read"),
        (
            "x = " + "1" * 5000,
            "a number too long to read (more than 4300 digits)",
        ),
    ],
)
def test_hostile_campaign_toml(tmp_path: Path, extra: str, expected: str) -> None:
    d = write_campaign(tmp_path, "c")
    toml = d / "campaign.toml"
    toml.write_text(extra + "\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    assert _inp001(d) == expected


def test_multipart_nested_a_thousand_deep(tmp_path: Path) -> None:
    lines = ["From: news@shop.test", "Subject: deep", "MIME-Version: 1.0"]
    for i in range(1000):
        lines += [f'Content-Type: multipart/mixed; boundary="b{i}"', "", f"--b{i}"]
    lines += ["Content-Type: text/html", "", "<p>x</p>"]
    lines += [f"--b{i}--" for i in reversed(range(1000))]
    eml = tmp_path / "deep.eml"
    eml.write_text("\n".join(lines) + "\n", encoding="ascii")
    assert _inp001(eml) == "deep.eml is nested too deeply to read"


def test_charset_punycode_is_an_unknown_charset_not_a_crash(tmp_path: Path) -> None:
    eml = tmp_path / "puny.eml"
    eml.write_bytes(
        b"From: news@shop.test\nSubject: Hi\nMIME-Version: 1.0\n"
        b"Content-Type: text/html; charset=punycode\nContent-Transfer-Encoding: 8bit\n\n"
        + "<p>Привет, bücher</p>\n".encode()
    )
    result = check(eml, Config(root=tmp_path))
    assert only(result, "INP001") == []
    assert result.campaign.html is not None and "Привет, bücher" in result.campaign.html


@pytest.mark.parametrize(
    ("table", "key"),
    [("links", "timeout"), ("links", "allow-private"), ("dns", "nameservers")],
)
def test_run_wide_settings_in_campaign_toml_are_refused_loudly(
    tmp_path: Path, table: str, key: str
) -> None:
    value = '["127.0.0.1"]' if key == "nameservers" else ("true" if key == "allow-private" else "1")
    d = write_campaign(tmp_path, "c")
    toml = d / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + f"\n[{table}]\n{key} = {value}\n", encoding="utf-8"
    )
    assert _inp001(d) == (
        f"[{table}] {key} cannot be set per campaign (only "
        f"{'exclude' if table == 'links' else 'dkim-selectors, sending-ips'}); set it in "
        f"mailcheck.toml [{table}] or pyproject.toml [tool.mailcheck.{table}]"
    )


def test_per_campaign_link_excludes_are_still_allowed(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, "c", tables={"links": {"exclude": ["^https://shop\\.test/"]}})
    assert only(check(d, Config(root=tmp_path)), "INP001") == []


def _eml(path: Path, html: bytes, content_type: str, encoding: str = "8bit") -> Path:
    path.write_bytes(
        b"From: news@shop.test\nSubject: Hi\nMIME-Version: 1.0\n"
        + f"Content-Type: {content_type}\nContent-Transfer-Encoding: {encoding}\n\n".encode()
        + html
    )
    return path


RUSSIAN_NEWSLETTER = (
    "<html><body>"
    + "<p>Привет! Это длинный русский текст нашей еженедельной рассылки.</p>\n" * 1200
    + '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p></body></html>'
)


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r"])
def test_an_8bit_cyrillic_part_is_measured_in_its_own_bytes(tmp_path: Path, charset: str) -> None:
    # 75 KB as it travels; counted in UTF-8 (two bytes a letter) it was 128 KB, a false SIZE001
    sent = RUSSIAN_NEWSLETTER.encode(charset)
    assert 70 * 1024 < len(sent) < 102 * 1024 < len(RUSSIAN_NEWSLETTER.encode())
    eml = _eml(tmp_path / "m.eml", sent, f"text/html; charset={charset}")
    result = check(eml, Config(root=tmp_path))
    assert result.campaign.html_sent_bytes == len(sent)
    assert only(result, "SIZE001") == [] and only(result, "INP001") == []


def test_an_8bit_utf8_part_over_the_limit_is_still_size001(tmp_path: Path) -> None:
    sent = RUSSIAN_NEWSLETTER.encode()
    eml = _eml(tmp_path / "m.eml", sent, "text/html; charset=utf-8")
    [finding] = only(check(eml, Config(root=tmp_path)), "SIZE001")
    assert finding.location == "text/html part"
    assert finding.message.startswith(f"HTML part is {len(sent) / 1024:.0f} KB as sent")


def test_an_rfc2231_charset_parameter_is_read_not_a_crash(tmp_path: Path) -> None:
    # charset*=utf-8''utf-8 (RFC 2231) came back as a tuple: INP001 "TypeError … please report"
    html = '<p>Привет</p><p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    eml = _eml(tmp_path / "m.eml", html.encode(), "text/html; charset*=utf-8''utf-8")
    result = check(eml, Config(root=tmp_path))
    assert only(result, "INP001") == []
    assert result.campaign.html == html
    assert result.campaign.html_sent_bytes == len(html.encode())


CUT_LETTER = "Привет".encode()[:-1]  # the last letter cut in half, as a tool cutting by bytes does


def test_utf8_html_with_one_broken_byte_is_read_as_utf8(tmp_path: Path) -> None:
    # read as windows-1251 for one bad byte, "Отписаться" became mojibake: a false UNS001 error
    body = (
        '<p>{greeting}, друзья!</p>\n<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    )
    d = write_campaign(tmp_path, "c", title="Распродажа", body=body)
    page = (d / "email.html").read_bytes().replace(b"{greeting}", CUT_LETTER)
    (d / "email.html").write_bytes(page)
    result = check(d)
    assert result.campaign.html is not None and "Приве\ufffd, друзья!" in result.campaign.html
    assert [f.code for f in result.findings if f.severity.value == "error"] == []
    [damage] = only(result, "BRF003")
    assert damage.location == "email.html:5"  # the line the cut letter is on
    assert damage.message.startswith("1 replacement character")


def test_a_utf8_message_with_one_broken_byte_keeps_its_unsubscribe_link(tmp_path: Path) -> None:
    html = (
        b"<html><body><p>"
        + CUT_LETTER
        + " друзья</p>".encode()
        + '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p></body></html>'.encode()
    )
    eml = _eml(tmp_path / "m.eml", html, "text/html; charset=utf-8")
    result = check(eml, Config(root=tmp_path))
    assert "Отписаться" in (result.campaign.html or "")
    assert only(result, "UNS001") == []
    assert [f.location for f in only(result, "BRF003")] == [
        "m.eml:7"
    ]  # the line of the file the part starts on


def test_utf8_samples_with_one_broken_byte_keep_their_names(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, "c", samples="r.csv")
    (d / "r.csv").write_bytes(
        b"email,first_name\na@shop.test,\xd0\x9c\xd0\xb0\xd1\x88\xd0\xb0\nb@shop.test,"
        + CUT_LETTER
        + b"\n"
    )
    samples = check(d).campaign.samples
    assert [s["first_name"] for s in samples] == ["Маша", "Приве\ufffd"]


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_8bit_cyrillic_is_still_not_read_as_broken_utf8(codec: str) -> None:
    text = (
        "Привет, друзья! Ёлка «Москва» — №1 в городе."
        if codec == "cp1251"
        else "Привет, друзья! Ёлка в городе."
    )
    assert utf8_text(text.encode(codec)) is None
    assert decode_bytes(text.encode(codec)) == text
