"""Inputs that once ended as INP001 "(please report)" or were silently ignored: each now has
a reason in words, or is read as a mail client reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

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
        ("x = " + "[" * 100_000 + "]" * 100_000, "campaign.toml is nested too deeply to read"),
        (
            "x = " + "1" * 5000,
            "campaign.toml holds a number too long to read (more than 4300 digits)",
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
        f"campaign.toml: [{table}] {key} cannot be set per campaign (only "
        f"{'exclude' if table == 'links' else 'dkim-selectors, sending-ips'}); set it in "
        f"mailcheck.toml [{table}] or pyproject.toml [tool.mailcheck.{table}]"
    )


def test_per_campaign_link_excludes_are_still_allowed(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, "c", tables={"links": {"exclude": ["^https://shop\\.test/"]}})
    assert only(check(d, Config(root=tmp_path)), "INP001") == []
