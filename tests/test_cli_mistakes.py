"""A new user's everyday mistakes on the command line: each is one line on stderr that says
what is wrong, where, and how to fix it (exit 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.cli import main
from tests.helpers import write_campaign


def run_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, list[str]]:
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--offline", *args])
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing was checked
    return code, captured.err.splitlines()


@pytest.mark.parametrize(
    ("name", "setting", "said"),
    [
        # a typo named the key but not the one meant (campaign.toml's typos already did)
        (
            "mailcheck.toml",
            "subjet-max = 40",
            "mailcheck.toml: unknown key 'subjet-max' (did you mean 'subject-max'?)",
        ),
        # a key of a sub-table written at the top: which table it belongs in
        (
            "mailcheck.toml",
            "offline = true",
            "mailcheck.toml: unknown key 'offline' (did you mean [links] offline?)",
        ),
        (
            "mailcheck.toml",
            "timeout = 3",
            "mailcheck.toml: unknown key 'timeout' "
            "(did you mean [links] timeout or [dns] timeout or [spam] timeout?)",
        ),
        # the table was named "mailcheck.toml.links", a file name that does not exist
        (
            "mailcheck.toml",
            "[links]\ntimeot = 3",
            "mailcheck.toml: [links]: unknown key 'timeot' (did you mean 'timeout'?)",
        ),
        (
            "mailcheck.toml",
            '[dns]\ntimeout = "5"',
            "mailcheck.toml: [dns]: 'timeout' must be a number",
        ),
        (
            "pyproject.toml",
            "[tool.mailcheck.links]\ntimeot = 3",
            "pyproject.toml: [tool.mailcheck.links]: unknown key 'timeot' (did you mean 'timeout'?)",
        ),
        (  # pyproject.toml's table copied into mailcheck.toml (a QA probe)
            "mailcheck.toml",
            "[tool.mailcheck.links]\ntimeout = 3",
            "mailcheck.toml: unknown key 'tool' (outside pyproject.toml the tables are [links], "
            "[dns] …, not [tool.mailcheck.…])",
        ),
        (
            "mailcheck.toml",
            "frobnicate = 1",
            "mailcheck.toml: unknown key 'frobnicate'",  # nothing close: no guess
        ),
    ],
)
def test_a_misspelt_config_key_says_where_and_the_closest_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    setting: str,
    said: str,
) -> None:
    (tmp_path / name).write_text(setting + "\n", encoding="utf-8")
    write_campaign(tmp_path, "c")
    code, err = run_check(tmp_path, monkeypatch, capsys, "c")
    assert code == 2
    assert err == [f"mailcheck: error: {tmp_path}/{said}"]


def test_a_select_flag_naming_no_code_says_the_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # was "mailcheck: error: --: 'select' is empty: …"
    write_campaign(tmp_path, "c")
    code, err = run_check(tmp_path, monkeypatch, capsys, "--select", ",", "c")
    assert code == 2
    assert err == ["mailcheck: error: --select names no rule: no rule would run (use --ignore)"]


def test_a_config_flag_naming_no_file_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # was "nothere.toml: [Errno 2] No such file or directory: 'nothere.toml'"
    write_campaign(tmp_path, "c")
    code, err = run_check(tmp_path, monkeypatch, capsys, "--config", "nothere.toml", "c")
    assert code == 2
    assert err == ["mailcheck: error: nothere.toml: no such file or directory"]


def test_a_config_flag_naming_a_pyproject_without_mailcheck_settings_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the defaults were taken without a word, as if the file had been read (a QA probe)
    write_campaign(tmp_path, "c")
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    code, err = run_check(tmp_path, monkeypatch, capsys, "--config", "cfg/pyproject.toml", "c")
    assert code == 2
    assert err == ["mailcheck: error: cfg/pyproject.toml: no [tool.mailcheck] table"]


def test_a_misspelt_option_is_said_with_the_commands_usage_and_the_closest_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # argparse said it with the top-level usage (the list of commands), with no guess
    from mailcheck.cli import main

    write_campaign(tmp_path, "c")
    with pytest.raises(SystemExit) as exit_:
        main(["check", str(tmp_path / "c"), "--ofline", "--nope"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("usage: mailcheck check [-h]")
    assert err[-1] == (
        "mailcheck check: error: unrecognized arguments: --ofline (did you mean --offline?) --nope"
    )
    # an option a command does not have at all: `rules` reads no configuration
    with pytest.raises(SystemExit):
        main(["rules", "--config", "mailcheck.toml"])
    assert capsys.readouterr().err.splitlines()[-1] == (
        "mailcheck rules: error: unrecognized arguments: --config mailcheck.toml"
    )


def test_incident_help_shows_its_two_line_example_as_two_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a lone backslash in the help text joined the lines: "--owner client       --note …"
    with pytest.raises(SystemExit) as exc:
        main(["incident", "--help"])
    assert exc.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    at = lines.index(
        "  mailcheck incident add --launch 12 --code LANDING-DOWN --severity error --owner client \\"
    )
    assert lines[at + 1] == '      --note "the promo page answered 502 for two hours"'


@pytest.mark.parametrize(
    ("command", "option", "said"),
    [
        (["monitor"], "--days N", "launches of the last N days (default: 7)"),
        (["monitor"], "--format {text,json}", "output format (text)"),
        (["rules"], "--format {text,json}", "output format (text)"),
        (["dialects"], "--format {text,json}", "output format (text)"),
    ],
)
def test_help_names_each_option_default(
    capsys: pytest.CaptureFixture[str], command: list[str], option: str, said: str
) -> None:
    # `monitor --help` said "launches of the last N days" without the 7 a cron job gets
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"{option} {said}" in text
