"""Unknown rule codes are configuration errors (exit 2) from every source, as in ruff; in a
campaign.toml, that campaign's INP001 (the other campaigns are still checked).

A typo in ``select`` used to turn every rule off and pass the campaign; now it names the code,
where it was written, and the closest real code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def _batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, list[tuple[str, str]]]]:
    """The exit code and each campaign's findings (code, message) of a JSON run."""
    import json

    monkeypatch.chdir(tmp_path)
    code = main(["check", "--format", "json", "--ignore", A11Y, *args])
    data = json.loads(capsys.readouterr().out)
    return code, {
        c["source"]: [(f["code"], f["message"]) for f in c["findings"]] for c in data["campaigns"]
    }


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (
            {"ignore": ["SUB02"]},
            "ignore: unknown rule code or prefix 'SUB02' (did you mean SUB002?); "
            "`mailcheck rules` lists them",
        ),
        (
            {"select": ["PER01", "SUB"]},
            "select: unknown rule code or prefix 'PER01' (did you mean PER001?); "
            "`mailcheck rules` lists them",
        ),
        (
            {"ignore": ["ALL"]},
            "select and ignore leave no rule to run (ignore = ['ALL']): the campaign would pass "
            "unchecked",
        ),
        (
            # a numbered code's hint is a whole code, never its family's prefix ("UNS?"), which
            # would ignore every unsubscribe rule
            {"ignore": ["UNS09"]},
            "ignore: unknown rule code or prefix 'UNS09' (did you mean UNS004?); "
            "`mailcheck rules` lists them",
        ),
    ],
)
def test_a_campaign_toml_code_typo_is_its_own_inp001(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: dict[str, Any],
    problem: str,
) -> None:
    # it was exit 2 for the whole batch (no campaign checked), while an unknown key in the
    # same file was the campaign's INP001 (a QA probe): one campaign's input is not the gate's
    long = "Распродажа выходного дня: минус тридцать процентов на всё"
    write_campaign(tmp_path, "good", subject=long)  # SUB002: the batch is still checked
    write_campaign(tmp_path, "typo", subject="Привет, мир", **settings)
    code, found = _batch(tmp_path, monkeypatch, capsys, "--offline", "good", "typo")
    assert code == 1
    assert [c for c, _ in found["good/campaign.toml"]] == ["SUB002"]
    assert found["typo/campaign.toml"] == [("INP001", problem)]


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
    # the agency's choice for one campaign (a transactional trigger's UNS001, say): DESIGN's
    # "campaign.toml overrides config for its campaign"
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
