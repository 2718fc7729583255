"""Unknown rule codes are configuration errors (exit 2) from every source, as in ruff.

A typo in ``select`` used to turn every rule off and pass the campaign; now it names the code,
where it was written, and the closest real code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.cli import main
from tests.helpers import write_campaign

# the accessibility rules judge the test HTML too (no lang=…); these tests are about other things
A11Y = "A11Y"


def _check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--offline", *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        (
            "--select",
            "PER01",
            "--select: unknown rule code or prefix 'PER01' (did you mean PER001?)",
        ),
        ("--select", "FOO123", "--select: unknown rule code or prefix 'FOO123'"),
        (
            "--ignore",
            "SUB,LNKK",
            "--ignore: unknown rule code or prefix 'LNKK' (did you mean LNK?)",
        ),
        (
            "--ignore",
            "sub02",
            "--ignore: unknown rule code or prefix 'sub02' (did you mean SUB002?)",
        ),
    ],
)
def test_unknown_code_on_the_command_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flag: str,
    value: str,
    expected: str,
) -> None:
    write_campaign(tmp_path, "c", subject="x" * 60)  # SUB002: would be an error if checked
    code, err = _check(tmp_path, monkeypatch, capsys, flag, value, "c")
    assert code == 2
    assert expected in err
    assert err.count("unknown rule code") == 1


def test_known_codes_prefixes_and_all_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_campaign(tmp_path, "c", subject="x" * 60)
    assert _check(tmp_path, monkeypatch, capsys, "--select", "SUB002", "c")[0] == 1
    assert _check(tmp_path, monkeypatch, capsys, "--select", "all", "--ignore", "SUB", "c")[0] == 0
    assert _check(tmp_path, monkeypatch, capsys, "--select", "PER00", "c")[0] == 0


@pytest.mark.parametrize(
    ("file", "text"),
    [
        ("pyproject.toml", '[tool.mailcheck]\nselect = ["FOO123"]\nignore = ["PRE01"]\n'),
        ("mailcheck.toml", 'select = ["FOO123"]\nignore = ["PRE01"]\n'),
    ],
)
def test_unknown_codes_in_a_config_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    file: str,
    text: str,
) -> None:
    (tmp_path / file).write_text(text, encoding="utf-8")
    write_campaign(tmp_path, "c", subject="x" * 60)
    code, err = _check(tmp_path, monkeypatch, capsys, "c")
    assert code == 2
    assert f"{file}: select: unknown rule code or prefix 'FOO123'" in err
    assert f"{file}: ignore: unknown rule code or prefix 'PRE01' (did you mean PRE001?)" in err


@pytest.mark.parametrize("offline", [True, False])
def test_unknown_code_in_campaign_toml_fails_the_batch(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    offline: bool,
) -> None:
    write_campaign(tmp_path, "good")
    write_campaign(tmp_path, "typo", subject="Привет, мир", ignore=["SUB02"])
    monkeypatch.chdir(tmp_path)
    code = main(["check", *(["--offline"] if offline else []), "good", "typo"])
    err = capsys.readouterr().err
    assert code == 2
    expected = (
        "typo/campaign.toml: ignore: unknown rule code or prefix 'SUB02' (did you mean SUB002?)"
    )
    assert expected in err


def test_unknown_code_in_severity_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mailcheck.toml").write_text('[severity]\nPER06 = "error"\n', encoding="utf-8")
    write_campaign(tmp_path, "c")
    code, err = _check(tmp_path, monkeypatch, capsys, "c")
    assert code == 2
    assert "[severity]: unknown rule code or prefix 'PER06' (did you mean PER006?)" in err


# --- [severity]: the agency's block/warn choice per rule ---------------------------------------


def _json_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[tuple[str, str]]]:
    import json

    monkeypatch.chdir(tmp_path)
    code = main(["check", "--offline", "--format", "json", "--ignore", A11Y, "c"])
    data = json.loads(capsys.readouterr().out)
    return code, [(f["code"], f["severity"]) for f in data["campaigns"][0]["findings"]]


@pytest.mark.parametrize(
    ("file", "text"),
    [
        ("pyproject.toml", '[tool.mailcheck.severity]\nPRE001 = "error"\nSUB002 = "warning"\n'),
        ("mailcheck.toml", '[severity]\nPRE = "error"\nSUB002 = "warning"\n'),
    ],
)
def test_severity_table_turns_warnings_into_errors_and_back(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    file: str,
    text: str,
) -> None:
    write_campaign(
        tmp_path,
        "c",
        subject="Распродажа выходного дня: минус тридцать процентов на всё",
        preheader_html="",
    )
    code, found = _json_findings(tmp_path, monkeypatch, capsys)
    assert (code, found) == (1, [("PRE001", "warning"), ("SUB002", "error")])
    (tmp_path / file).write_text(text, encoding="utf-8")
    code, found = _json_findings(tmp_path, monkeypatch, capsys)
    assert (code, found) == (1, [("PRE001", "error"), ("SUB002", "warning")])


def test_campaign_toml_severity_overrides_the_config_for_its_campaign(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mailcheck.toml").write_text('[severity]\nPRE001 = "error"\n', encoding="utf-8")
    write_campaign(tmp_path, "c", preheader_html="", tables={"severity": {"PRE001": "warning"}})
    code, found = _json_findings(tmp_path, monkeypatch, capsys)
    assert (code, found) == (0, [("PRE001", "warning")])


def test_severity_value_must_be_error_or_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mailcheck.toml").write_text('[severity]\nPRE001 = "block"\n', encoding="utf-8")
    write_campaign(tmp_path, "c")
    code, err = _check(tmp_path, monkeypatch, capsys, "c")
    assert code == 2
    assert 'PRE001 must be "error" or "warning", not \'block\'' in err
