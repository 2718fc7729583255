"""The CLI contract: formats, exit codes, selection, config discovery, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mailcheck.cli import main
from tests.helpers import write_campaign

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mailcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_json_shape_and_exit_1(tmp_path: Path) -> None:
    write_campaign(tmp_path, "bad", subject="x" * 60, id="bad-1", client="acme")
    proc = run_cli("check", "--offline", "--format", "json", "bad", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["version"] == 1
    assert set(data) == {"version", "campaigns", "summary"}
    (camp,) = data["campaigns"]
    assert camp["id"] == "bad-1" and camp["client"] == "acme" and camp["ok"] is False
    assert camp["source"] == os.path.join("bad", "campaign.toml")
    finding = next(f for f in camp["findings"] if f["code"] == "SUB002")
    # the contract's keys, and "locations": every place of the one root cause
    assert set(finding) == {"code", "rule", "severity", "message", "location", "locations", "url"}
    assert finding["locations"] == [finding["location"]] == ["subject"]
    assert finding["rule"] == "subject-too-long" and finding["severity"] == "error"
    assert data["summary"]["campaigns"] == 1 and data["summary"]["errors"] >= 1


def test_clean_campaign_exits_0_and_strict_counts_warnings(tmp_path: Path) -> None:
    write_campaign(tmp_path, "ok")
    assert run_cli("check", "--offline", "ok", cwd=tmp_path).returncode == 0
    write_campaign(tmp_path, "warn", preheader_html="")  # PRE001 is a warning
    assert run_cli("check", "--offline", "warn", cwd=tmp_path).returncode == 0
    strict = run_cli("check", "--offline", "--strict", "warn", cwd=tmp_path)
    # the summary says "0 errors": the exit says why it is 1 (a QA probe)
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[-1] == "mailcheck: --strict: 2 warnings fail the run"


def test_select_and_ignore_by_prefix(tmp_path: Path) -> None:
    write_campaign(tmp_path, "c", subject="x" * 60, preheader_html="")
    out = run_cli("check", "--offline", "--format", "json", "--select", "PRE", "c", cwd=tmp_path)
    found = {f["code"] for f in json.loads(out.stdout)["campaigns"][0]["findings"]}
    assert found == {"PRE001"}
    out = run_cli(
        "check", "--offline", "--format", "json", "--ignore", "SUB002,PRE", "c", cwd=tmp_path
    )
    found = {f["code"] for f in json.loads(out.stdout)["campaigns"][0]["findings"]}
    assert "SUB002" not in found and "PRE001" not in found
    assert out.returncode == 0


def test_config_found_by_walking_up(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.mailcheck]\nsubject-max = 10\n")
    write_campaign(tmp_path / "campaigns", "c", subject="Twelve chars")
    sub = tmp_path / "campaigns"
    out = run_cli("check", "--offline", "--format", "json", "c", cwd=sub)
    assert out.returncode == 1
    assert "SUB002" in out.stdout
    # mailcheck.toml wins over pyproject.toml in the same directory
    (tmp_path / "mailcheck.toml").write_text("subject-max = 50\n")
    assert run_cli("check", "--offline", "c", cwd=sub).returncode == 0


def test_bad_config_is_exit_2_with_message(tmp_path: Path) -> None:
    (tmp_path / "mailcheck.toml").write_text("subjet-max = 10\n")
    write_campaign(tmp_path, "c")
    proc = run_cli("check", "--offline", "c", cwd=tmp_path)
    assert proc.returncode == 2
    assert "subjet-max" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    proc = run_cli("check", "nope", cwd=tmp_path)
    assert proc.returncode == 2 and "nope" in proc.stderr


def test_text_output_grouped_without_colour_when_piped(tmp_path: Path) -> None:
    write_campaign(tmp_path, "a", subject="x" * 60)
    write_campaign(tmp_path, "b", subject="Привет")
    proc = run_cli("check", "--offline", ".", cwd=tmp_path)
    assert "\033[" not in proc.stdout
    a = proc.stdout.index(os.path.join(".", "a", "campaign.toml"))
    b = proc.stdout.index(os.path.join(".", "b", "campaign.toml"))
    assert a < proc.stdout.index("SUB002") < b
    assert "2 campaigns checked" in proc.stdout


def test_rules_lists_every_design_code(tmp_path: Path) -> None:
    proc = run_cli("rules", cwd=tmp_path)
    assert proc.returncode == 0
    listed = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}
    offline = {
        "INP001",
        "SUB001",
        "SUB002",
        "PRE001",
        "PRE002",
        "PRE003",
        "LNK003",
        "LNK004",
        "LNK007",
        "UTM001",
        "UTM002",
        "UTM003",
        "UNS001",
        "UNS002",
        "UNS003",
        "PER001",
        "PER002",
        "PER003",
        "PER004",
        "PER005",
        "PER006",
        "SIZE001",
        "IMG001",
        "TXT001",
    }
    assert offline <= listed


def test_rule_doc_has_the_four_sections(tmp_path: Path) -> None:
    proc = run_cli("rule", "per002", cwd=tmp_path)
    assert proc.returncode == 0
    for section in ("What it does", "Why it matters", "Example", "How to fix"):
        assert f"## {section}" in proc.stdout
    assert run_cli("rule", "XXX999", cwd=tmp_path).returncode == 2


def test_every_rule_documented() -> None:
    from mailcheck.registry import load_registry

    for r in load_registry().rules.values():
        for section in ("What it does", "Why it matters", "Example", "How to fix"):
            assert f"## {section}" in r.doc, (r.code, section)


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert "mailcheck" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "exit codes" in capsys.readouterr().out


def test_examples_run(tmp_path: Path) -> None:
    """The README's first command: the shipped examples give findings, the clean one none."""
    proc = run_cli("check", "--format", "json", "examples", cwd=REPO)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    by_id = {c["id"]: c for c in data["campaigns"]}
    assert by_id["acme-2026-11-black-friday"]["findings"] == []
    welcome = {f["code"] for f in by_id["acme-welcome-series-1"]["findings"]}
    assert {"SUB002", "PER001", "UTM001", "LNK004", "LNK003", "IMG001", "UNS003"} <= welcome
    assert len(data["campaigns"]) == 4


def test_text_output_names_the_link(tmp_path: Path) -> None:
    write_campaign(
        tmp_path,
        "c",
        body='<a href="https://shop.test/new">Новинки</a> <a href="https://shop.test/unsubscribe">Отписаться</a>',
    )
    proc = run_cli("check", "--offline", "c", cwd=tmp_path)
    line = next(x for x in proc.stdout.splitlines() if "UTM001" in x)
    assert line.endswith("— https://shop.test/new")


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        # documentation read through `| head`: the reader had what it wanted
        (["rules"], 0, ""),
        (["rule", "PER001"], 0, ""),
        # a check's verdict that was not all written is never a quiet success
        (["check", "examples", "--offline"], 2, "cannot write the output: broken pipe"),
    ],
)
def test_a_reader_that_stops_early(args: list[str], code: int, said: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "mailcheck", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # gone before the first line: every write is a broken pipe
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=60) == code
    assert (said in stderr) if said else stderr == ""


def test_a_file_of_a_campaign_directory_is_checked_as_that_campaign(tmp_path: Path) -> None:
    # `check bad/email.html` checked the bare HTML: the campaign.toml's subject (60 characters,
    # SUB002), id and client were ignored and it passed
    d = write_campaign(tmp_path, "bad", subject="x" * 60, id="bad-1", client="acme")
    (d / "partials").mkdir()
    (d / "partials" / "footer.html").write_text("<p>footer</p>", encoding="utf-8")
    for named in ("bad/email.html", "bad/partials/footer.html"):
        proc = run_cli("check", "--offline", "--format", "json", named, cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr
        (camp,) = json.loads(proc.stdout)["campaigns"]
        assert (camp["id"], camp["client"], camp["source"]) == (
            "bad-1",
            "acme",
            os.path.join("bad", "campaign.toml"),
        )
        assert [f["location"] for f in camp["findings"] if f["code"] == "SUB002"] == ["subject"]
        assert proc.stderr.count(f"{named} is a file of the campaign bad (campaign.toml)") == 1
    # named with its directory too, it is one campaign, checked once
    proc = run_cli("check", "--offline", "--format", "json", "bad/email.html", "bad", cwd=tmp_path)
    assert json.loads(proc.stdout)["summary"]["campaigns"] == 1
    # a test send saved beside campaign.toml stays an input of its own: checked as sent
    (d / "proof.eml").write_bytes(
        b"From: Shop <news@shop.test>\r\nSubject: Sale\r\nContent-Type: text/html\r\n\r\n"
        b"<p>Hi</p>\r\n"
    )
    proc = run_cli("check", "--offline", "--format", "json", "bad/proof.eml", cwd=tmp_path)
    (camp,) = json.loads(proc.stdout)["campaigns"]
    assert camp["source"] == os.path.join("bad", "proof.eml") and "is a file of" not in proc.stderr
