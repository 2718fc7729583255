"""``mailcheck check`` on test sends (.eml) and a campaign directory, with SPF/DKIM/DMARC
facts from a real NSD: the loaders' Return-Path, Received IP and DKIM-Signature reach the
auth rules, and findings come out in the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from auth_helpers import AuthDns, message, sign

from mailcheck.cli import main

pytestmark = pytest.mark.network  # a real NSD on loopback

AUTH_CODES = ("SPF", "DKIM", "DMARC")


def write_config(root: Path, auth_dns: AuthDns, extra: str = "") -> None:
    (root / "mailcheck.toml").write_text(
        f'[dns]\nnameservers = ["{auth_dns.server.nameserver}"]\ntimeout = 1\n{extra}',
        encoding="utf-8",
    )


def check_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, root: Path, *paths: str
) -> tuple[int, dict[str, object]]:
    monkeypatch.chdir(root)
    code = main(["check", "--format", "json", "--no-cache", *paths])
    out = capsys.readouterr().out
    return code, json.loads(out)


def auth_findings(data: dict[str, object]) -> list[tuple[str, str]]:
    campaigns = data["campaigns"]
    assert isinstance(campaigns, list)
    return sorted(
        (f["code"], f["severity"])
        for c in campaigns
        for f in c["findings"]
        if f["code"].startswith(AUTH_CODES)
    )


def eml(auth_dns: AuthDns, *, key: str, selector: str, d: str, ip: str, return_path: str) -> bytes:
    signed = sign(message("Магазин <news@good.test>"), getattr(auth_dns.keys, key), selector, d)
    trace = (
        f"Return-Path: <{return_path}>\r\n"
        f"Received: from out.esp.test (out.esp.test [{ip}]) by mx.example.net with ESMTPS;"
        " Mon, 23 Nov 2026 10:00:00 +0300\r\n"
    ).encode()
    return trace + signed


def test_clean_test_send(
    auth_dns: AuthDns,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config(tmp_path, auth_dns)
    raw = eml(
        auth_dns, key="rsa2048", selector="k2048", d="good.test", ip="192.0.2.33",
        return_path="bounce@good.test",
    )  # fmt: skip
    (tmp_path / "ok.eml").write_bytes(raw)
    _code, data = check_json(capsys, monkeypatch, tmp_path, "ok.eml")
    assert auth_findings(data) == []


def test_esp_test_send_is_caught(
    auth_dns: AuthDns,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config(tmp_path, auth_dns)
    # signed by the ESP's domain with a key it no longer publishes, sent from an IP the
    # ESP's SPF does not list, Return-Path at the ESP: nothing aligns with good.test
    raw = eml(
        auth_dns, key="stale", selector="s1", d="esp.test", ip="198.51.100.20",
        return_path="b-123@esp.test",
    )  # fmt: skip
    (tmp_path / "esp.eml").write_bytes(raw)
    code, data = check_json(capsys, monkeypatch, tmp_path, "esp.eml")
    assert code == 1
    assert auth_findings(data) == [
        # s1._domainkey.esp.test only, not under the From domain; the signature it leaves
        # unverifiable is that one finding, not DKIM004 as well
        ("DKIM001", "error"),
        ("DMARC004", "error"),
        ("SPF006", "error"),  # 198.51.100.20 is not in esp.test's SPF
    ]
    campaigns = data["campaigns"]
    assert isinstance(campaigns, list)
    by_code = {f["code"]: f["message"] for f in campaigns[0]["findings"]}
    assert "s1._domainkey.esp.test" in by_code["DKIM001"]
    assert "b-123@esp.test" in by_code["SPF006"]


def test_campaign_directory_with_configured_selectors_and_ips(
    auth_dns: AuthDns,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config(tmp_path, auth_dns, 'dkim-selectors = ["k1024"]\nsending-ips = ["203.0.113.5"]\n')
    bf = tmp_path / "bf"
    bf.mkdir()
    (bf / "campaign.toml").write_text(
        'subject = "Чёрная пятница"\nfrom = "ACME <news@neutral.test>"\n'
        'dkim-selectors = ["testing"]\n',
        encoding="utf-8",
    )
    (bf / "email.html").write_text(
        "<html><body><p>Скидки</p><a href='mailto:unsub@neutral.test'>Отписаться</a></body></html>",
        encoding="utf-8",
    )
    _code, data = check_json(capsys, monkeypatch, tmp_path, "bf")
    found = auth_findings(data)
    # neutral.test: ?all (SPF004 W), 203.0.113.5 → neutral (no SPF006), no DMARC record,
    # no keys at the configured selectors under neutral.test
    assert found == [
        ("DKIM001", "error"),
        ("DKIM001", "error"),
        ("DMARC001", "error"),
        ("SPF004", "warning"),
    ]


def test_bad_nameserver_in_config_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:

    (tmp_path / "mailcheck.toml").write_text('[dns]\nnameservers = ["localhost:53"]\n')
    (tmp_path / "a.eml").write_bytes(message("news@good.test"))
    monkeypatch.chdir(tmp_path)
    code = main(["check", "a.eml"])
    err = capsys.readouterr().err
    assert code == 2
    assert "[dns] nameservers" in err and "not an IP address" in err and "Traceback" not in err


def test_bad_sending_ip_in_config_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mailcheck.toml").write_text('[dns]\nsending-ips = ["192.0.2.0/24", "esp"]\n')
    (tmp_path / "a.eml").write_bytes(message("news@good.test"))
    monkeypatch.chdir(tmp_path)
    assert main(["check", "a.eml"]) == 2
    assert "[dns] sending-ips: 'esp' is not an IP address or CIDR" in capsys.readouterr().err


def test_bad_nameserver_is_exit_2_even_when_no_campaign_needs_dns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mailcheck.toml").write_text(
        '[links]\nallow-private = true\n[dns]\nnameservers = ["localhost:53"]\n'
    )
    (tmp_path / "a.html").write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "a.html"]) == 2
    assert "[dns] nameservers" in capsys.readouterr().err
