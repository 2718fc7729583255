"""``mailcheck spf`` end to end: argument parsing, config, output, exit codes, real NSD."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from auth_helpers import AuthDns

from mailcheck.cli import main

pytestmark = pytest.mark.network  # a real NSD on loopback


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["spf", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_pass_with_chain(auth_dns: AuthDns, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--ip", "192.0.2.77",
        "--sender", "news@redirected.test",
        "--nameserver", auth_dns.server.nameserver,
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["version"] == 1 and data["result"] == "pass"
    assert data["ip"] == "192.0.2.77" and data["sender"] == "news@redirected.test"
    assert data["domain"] == "redirected.test"
    assert [(s["domain"], s["via"]) for s in data["chain"]] == [
        ("redirected.test", "sender"),
        ("good.test", "redirect"),
    ]
    assert data["chain"][0]["record"] == "v=spf1 redirect=good.test"
    assert data["lookups"] == 1 and data["void_lookups"] == 0


def test_text_fail_uses_config_file(
    auth_dns: AuthDns, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "mailcheck.toml"
    config.write_text(
        f'[dns]\nnameservers = ["{auth_dns.server.nameserver}"]\ntimeout = 1\n', encoding="utf-8"
    )
    code, out, _ = run(
        capsys, "--config", str(config), "--ip", "198.51.100.3", "--sender", "Ольга@good.test"
    )
    assert code == 0
    assert out.startswith("fail: 198.51.100.3 sending as Ольга@good.test (good.test)")
    assert "sender good.test: v=spf1 ip4:192.0.2.0/24" in out
    assert "matched '-all'" in out


def test_include_chain_and_permerror(auth_dns: AuthDns, capsys: pytest.CaptureFixture[str]) -> None:
    ns = auth_dns.server.nameserver
    code, out, _ = run(
        capsys, "--ip", "192.0.2.1", "--sender", "a@loop.test", "--nameserver", ns,
        "--format", "json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["result"] == "permerror"
    assert "include loop" in data["reason"]
    assert [s["via"] for s in data["chain"]] == ["sender", "include"]


def test_temperror_on_timeout_is_exit_0(
    capsys: pytest.CaptureFixture[str], black_hole: object
) -> None:
    ns = black_hole.nameserver  # type: ignore[attr-defined]
    code, out, _ = run(
        capsys, "--ip", "192.0.2.1", "--sender", "a@x.test", "--nameserver", ns,
        "--timeout", "0.3",
    )  # fmt: skip
    assert code == 0 and out.startswith("temperror:")
    assert "no answer within 0.3 s" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--ip", "not-an-ip", "--sender", "a@b.test"],
        ["--ip", "192.0.2.1", "--sender", "a@b.test", "--nameserver", "localhost:53"],
        ["--ip", "192.0.2.1", "--sender", ""],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("mailcheck: error:") and "Traceback" not in err
