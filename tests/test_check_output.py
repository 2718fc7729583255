"""What a person sees from ``mailcheck check``: --statistics, --quiet, colour, progress."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from mailcheck.cli import main
from mailcheck.config import Config
from mailcheck.engine import run
from tests.helpers import write_campaign

# the accessibility rules judge the test HTML too (no lang=…); these tests are about other things
A11Y = "A11Y"

HTTP_BODY = """<p><a href="http://partner.test/a">Партнёр</a> <a href="http://partner.test/b">ещё</a></p>
<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>"""
LONG_SUBJECT = "Распродажа выходного дня: минус тридцать процентов на всё"


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """Three campaigns: two with an LNK004 warning each (two plain-http links, one root cause),
    one of them with a SUB002 error."""
    write_campaign(tmp_path, "a", body=HTTP_BODY)
    write_campaign(tmp_path, "b", body=HTTP_BODY, subject=LONG_SUBJECT)
    write_campaign(tmp_path, "c")
    return tmp_path


def _check(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    monkeypatch.chdir(root)
    code = main(["check", "--offline", "--ignore", A11Y, *args, "a", "b", "c"])
    return code, capsys.readouterr().out


def test_statistics_counts_findings_by_code(
    batch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _check(batch, monkeypatch, capsys, "--statistics")
    assert code == 1
    assert out.splitlines() == [
        "1  SUB002   error   subject-too-long  (in 1 campaign)",
        "2  LNK004   warning link-plain-http  (in 2 campaigns)",
        "3 campaigns checked: 1 error, 2 warnings.",
    ]
    code, out = _check(batch, monkeypatch, capsys, "--statistics", "--format", "json")
    data = json.loads(out)
    assert [(r["code"], r["count"], r["campaigns"]) for r in data["statistics"]] == [
        ("SUB002", 1, 1),
        ("LNK004", 2, 2),
    ]


def test_statistics_in_another_format_is_a_usage_error(
    batch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(batch)
    assert main(["check", "--offline", "--statistics", "--format", "sarif", "a"]) == 2
    assert "--statistics prints text or json, not sarif" in capsys.readouterr().err


def test_quiet_prints_errors_only_and_counts_everything(
    batch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _check(batch, monkeypatch, capsys, "--quiet")
    assert code == 1
    assert "LNK004" not in out and "a/campaign.toml" not in out and "c/campaign.toml" not in out
    assert out.count("SUB002") == 1 and "b/campaign.toml" in out
    assert out.rstrip().endswith("3 campaigns checked: 1 with errors; 1 error, 2 warnings.")
    code, out = _check(batch, monkeypatch, capsys, "-q", "--format", "json")
    data = json.loads(out)
    findings = [f["code"] for c in data["campaigns"] for f in c["findings"]]
    assert findings == ["SUB002"]
    # the JSON summary counts what --quiet does not list, as the text summary does (it said 0)
    assert data["summary"] == {"campaigns": 3, "errors": 1, "warnings": 2, "skipped": 0}
    # --strict still counts the warnings that --quiet does not print
    write_campaign(batch, "b", body=HTTP_BODY)
    assert _check(batch, monkeypatch, capsys, "-q", "--strict")[0] == 1


@pytest.mark.parametrize("quiet", [(), ("-q",)])
def test_strict_json_says_a_campaign_with_warnings_is_not_ok(
    batch: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    quiet: tuple[str, ...],
) -> None:
    # exit 1 under --strict, yet "ok": true for the campaigns with warnings (a QA probe)
    code, out = _check(batch, monkeypatch, capsys, "--strict", "--format", "json", *quiet)
    assert code == 1
    data = json.loads(out)
    assert [(c["source"], c["ok"]) for c in data["campaigns"]] == [
        ("a/campaign.toml", False),
        ("b/campaign.toml", False),
        ("c/campaign.toml", True),
    ]
    assert data["summary"] == {"campaigns": 3, "errors": 1, "warnings": 2, "skipped": 0}
    # without --strict, warnings leave a campaign ok
    code, out = _check(batch, monkeypatch, capsys, "--format", "json", *quiet)
    assert [c["ok"] for c in json.loads(out)["campaigns"]] == [True, False, True]


def _coloured(batch: Path, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    proc = subprocess.run(
        [sys.executable, "-m", "mailcheck", "check", "--offline", "a"],
        cwd=batch,
        env={**environ, "FORCE_COLOR": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.stdout


def test_colour_is_off_with_no_color_and_on_a_dumb_terminal(batch: Path) -> None:
    assert "\033[" in _coloured(batch, TERM="xterm")
    assert "\033[" not in _coloured(batch, TERM="xterm", NO_COLOR="1")
    assert "\033[" not in _coloured(batch, TERM="dumb")


def test_progress_covers_reading_campaigns(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run([str(batch)], Config(root=batch), offline=True, progress=True)
    err = capsys.readouterr().err
    assert "checking campaigns" in err and "3/3" in err and " campaigns/s" in err
    run([str(batch)], Config(root=batch), offline=True, progress=False)
    assert capsys.readouterr().err == ""


def test_show_progress_only_on_a_terminal_that_can_redraw(monkeypatch: pytest.MonkeyPatch) -> None:
    from mailcheck.progress import show_progress

    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("TERM", "xterm-256color")
    assert show_progress(Tty()) is True  # type: ignore[arg-type]
    monkeypatch.setenv("TERM", "dumb")
    assert show_progress(Tty()) is False  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("table", "key"), [("utm", "preheader"), ("utm", "send_at"), ("headers", "subject")]
)
def test_top_level_key_below_a_table_gets_a_hint(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    table: str,
    key: str,
) -> None:
    write_campaign(tmp_path, "c", tables={table: {"utm_source": "email", key: "Только сегодня"}})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--offline", "--format", "json", "c"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["campaigns"][0]["findings"]
    assert finding["code"] == "INP001"
    assert f"[{table}] has '{key}', a top-level key" in finding["message"]
    assert f"write {key} = … above [{table}]" in finding["message"]


def test_rules_is_a_table_of_one_liners_and_rule_keeps_the_page(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mailcheck.registry import load_registry

    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["code", "sev", "rule", "what", "it", "finds"]
    rows = lines[1 : lines.index("")]  # the rule table, before the dialects
    assert len(rows) == len(load_registry().rules)
    assert all(len(row) <= 140 for row in rows), [r for r in rows if len(r) > 140]
    sub002 = next(row for row in rows if row.startswith("SUB002"))
    assert sub002.split(None, 3)[1:] == [
        "E",
        "subject-too-long",
        "subject longer than its character limit (50 unless set otherwise)",
    ]
    # the one-liners say what the rule's page says: LNK002 listed "DNS failure … timeout" as
    # errors (they are its "could not verify" warnings); BRF001's ended "«Тема письма» subject"
    shorts = {row.split(None, 1)[0]: row.split(None, 3)[3] for row in rows}
    assert shorts["LNK002"] == (
        "link to a site that cannot be reached: no such name, refused, certificate error (network)"
    )
    assert shorts["BRF001"] == (
        "placeholder copy left in: dummy text, a template's sample subject or button, a to-do note"
    )
    # a title is what the client reads: no severity shorthand ("(E)", ": W"), no config key
    # ("subject-max", "[expect]", 'profile = "ru"'), no other rule's code
    notation = re.compile(
        r"\((E|W)\)|: [EW]\b|\b[EW]\)|-max\b|\[(expect|utm|spam)\]|profile =|send_at|"
        r"[A-Z]{2,8}\d{3}"
    )
    assert {code: short for code, short in shorts.items() if notation.search(short)} == {}
    assert main(["rule", "SUB002"]) == 0
    page = capsys.readouterr().out
    for section in ("What it does", "Why it matters", "Example", "How to fix"):
        assert f"## {section}" in page


# «Письмо» in windows-1251: how a name reads after unpacking a ZIP made on a Russian Windows.
# Not UTF-8, so Python holds each byte as a lone surrogate, which no UTF-8 output can write.
NOT_UTF8_NAME = os.fsdecode("Письмо".encode("cp1251")) + ".html"
SHOWN_NAME = "\ufffd" * 6 + ".html"


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "text"])
def test_a_file_name_that_is_not_utf8_is_written_as_valid_utf8(tmp_path: Path, fmt: str) -> None:
    """The campaign is checked and named with "�" for each such byte, in every format, to a
    file and to stdout (it was a traceback with -o, and invalid UTF-8 in the JSON)."""
    (tmp_path / NOT_UTF8_NAME).write_text(
        "<html><title>Привет</title><p>Текст</p></html>", encoding="utf-8"
    )
    out = tmp_path / f"out.{fmt}"
    command = [sys.executable, "-m", "mailcheck", "check", "--offline", "--format", fmt]
    to_file = subprocess.run(
        [*command, "-o", str(out), NOT_UTF8_NAME], cwd=tmp_path, capture_output=True
    )
    to_stdout = subprocess.run([*command, NOT_UTF8_NAME], cwd=tmp_path, capture_output=True)
    for proc in (to_file, to_stdout):
        assert proc.returncode == 1, proc.stderr  # UNS001: the campaign was checked
        assert b"Traceback" not in proc.stderr
    written = out.read_bytes().decode("utf-8")
    assert to_stdout.stdout.decode("utf-8") == written
    # SARIF names files by URI: "�" percent-encoded (the name's own bytes are not kept)
    assert (quote(SHOWN_NAME) if fmt == "sarif" else SHOWN_NAME) in written
    assert "UNS001" in written
    if fmt == "json":
        (campaign,) = json.loads(written)["campaigns"]
        assert (campaign["id"], campaign["source"]) == ("\ufffd" * 6, SHOWN_NAME)
        assert [f["code"] for f in campaign["findings"] if f["severity"] == "error"] == ["UNS001"]


def test_lines_a_message_names_are_not_listed_again_in_the_text_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A11Y003 (and A11Y004-007, HTML002) name their lines in the message: the text line
    names the file once; JSON keeps every place, with its line, in its fields."""
    page = tmp_path / "digest.html"
    page.write_text(
        '<html lang="ru"><head><title>Дайджест</title></head><body>\n'  # 1
        '<table width="600"><tr><td><p>Новости недели</p></td></tr></table>\n'  # 2
        '<table width="600"><tr><td><p>Подборка статей</p></td></tr></table>\n'  # 3
        "</body></html>\n",
        encoding="utf-8",
    )
    main(["check", str(page), "--offline", "--select", "A11Y003"])
    out = capsys.readouterr().out
    [line] = [each for each in out.splitlines() if "A11Y003" in each]
    assert line == (
        '  warning A11Y003  digest.html: 2 layout tables without role="presentation" (line 2, 3)'
    )
    main(["check", str(page), "--offline", "--select", "A11Y003", "--format", "json"])
    [finding] = json.loads(capsys.readouterr().out)["campaigns"][0]["findings"]
    assert finding["location"] == "digest.html:2"
    assert finding["locations"] == ["digest.html:2", "digest.html:3"]
    assert set(finding) == {"code", "rule", "severity", "message", "location", "locations", "url"}


_MJML = "<mjml><mj-body><mj-section><mj-column><mj-text>Sale</mj-text></mj-column></mj-section></mj-body></mjml>\n"


def test_an_input_found_and_not_read_is_counted_skipped_not_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # realworld en-mautic-brienz: MJML source in a directory (INP002, a warning) printed
    # "1 campaign checked", JSON "ok": true and nothing else
    (tmp_path / "mjml").mkdir()
    (tmp_path / "mjml" / "email.html").write_text(_MJML, encoding="utf-8")
    write_campaign(tmp_path, "c")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--offline", "--ignore", A11Y, "mjml", "c"])
    out = capsys.readouterr().out
    assert code == 0  # a warning: the exit code stays the Contract's
    assert out.count("warning INP002") == 1
    assert out.rstrip().endswith(
        "1 campaign checked, 1 skipped (not read: INP002): 0 with errors; 0 errors, 1 warning."
    )
    assert main(["check", "--offline", "--ignore", A11Y, "--format", "json", "mjml", "c"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"campaigns": 2, "errors": 0, "warnings": 1, "skipped": 1}
    assert [(c["source"], c["ok"], c["skipped"]) for c in data["campaigns"]] == [
        ("mjml/email.html", True, True),
        ("c/campaign.toml", True, False),
    ]
    assert main(["check", "--offline", "--ignore", A11Y, "--format", "github", "mjml", "c"]) == 0
    assert (
        capsys.readouterr()
        .out.rstrip()
        .endswith(
            "mailcheck: 1 campaign checked, 1 skipped (not read: INP002): 0 with errors; "
            "0 errors, 1 warning."
        )
    )
    assert main(["check", "--offline", "--ignore", A11Y, "--statistics", "mjml", "c"]) == 0
    assert (
        capsys.readouterr()
        .out.rstrip()
        .endswith("1 campaign checked, 1 skipped (not read: INP002): 0 errors, 1 warning.")
    )


def test_a_run_with_nothing_skipped_says_no_skipped(
    batch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _check(batch, monkeypatch, capsys)
    assert code == 1  # (b's SUB002)
    assert "skipped" not in out
    _, out = _check(batch, monkeypatch, capsys, "--format", "json")
    assert json.loads(out)["summary"]["skipped"] == 0
