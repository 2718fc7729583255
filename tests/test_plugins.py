"""A third-party rule package, really installed, is found, listed, run and selectable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import write_campaign

PLUGIN = '''
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule


@rule("ACME001", "subject-names-brand", Severity.WARNING)
def subject_names_brand(ctx: Context):
    """## What it does
    Reports a subject that does not name ACME.

    ## Why it matters
    Brand recognition.

    ## Example
    "Sale" instead of "ACME sale".

    ## How to fix
    Name the brand.
    """
    if ctx.main and "ACME" not in (ctx.main.subject or ""):
        yield Problem("subject does not name ACME", location="subject")
'''


def install_plugin(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "acme_rules").mkdir(parents=True)
    (src / "acme_rules" / "__init__.py").write_text(PLUGIN)
    (src / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "acme-rules"\nversion = "1.0"\n'
        '[project.entry-points."mailcheck.checks"]\nACME = "acme_rules"\n'
    )
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def test_third_party_rule(tmp_path: Path) -> None:
    site = install_plugin(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(site)}
    write_campaign(tmp_path, "c", subject="Weekend sale")

    def mc(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mailcheck", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    listed = mc("rules").stdout
    assert "ACME001" in listed and "SUB001" in listed
    out = json.loads(mc("check", "--offline", "--format", "json", "c").stdout)
    assert "ACME001" in {f["code"] for f in out["campaigns"][0]["findings"]}
    out = json.loads(mc("check", "--offline", "--format", "json", "--ignore", "ACME", "c").stdout)
    assert "ACME001" not in {f["code"] for f in out["campaigns"][0]["findings"]}
    out = json.loads(
        mc("check", "--offline", "--format", "json", "--select", "ACME001", "c").stdout
    )
    assert {f["code"] for f in out["campaigns"][0]["findings"]} == {"ACME001"}
    assert "Name the brand" in mc("rule", "ACME001").stdout


def test_broken_plugin_does_not_stop_others(tmp_path: Path) -> None:
    site = install_plugin(tmp_path)
    (site / "acme_rules" / "__init__.py").write_text("raise ImportError('boom')\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run(
        [sys.executable, "-m", "mailcheck", "rules"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0
    assert "SUB001" in proc.stdout and "ACME" in proc.stderr and "boom" in proc.stderr


def test_selection_specificity() -> None:
    from mailcheck.registry import selected

    codes = ["LNK001", "LNK004", "SUB001"]
    assert selected(codes, ["ALL"], ["LNK004"]) == {"LNK001", "SUB001"}
    assert selected(codes, ["LNK004"], ["LNK"]) == {"LNK004"}
    assert selected(codes, ["LNK"], []) == {"LNK001", "LNK004"}
    assert selected(codes, ["all"], ["ALL"]) == set()
