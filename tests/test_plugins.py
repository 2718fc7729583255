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


def install_plugin(tmp_path: Path, extra: dict[str, tuple[str, str]] | None = None) -> Path:
    """Install the ACME plugin (plus ``extra`` entry points: name -> (package, source))."""
    src = tmp_path / "src"
    packages = {"ACME": ("acme_rules", PLUGIN), **(extra or {})}
    for package, source in packages.values():
        (src / package).mkdir(parents=True)
        (src / package / "__init__.py").write_text(source)
    eps = "".join(f'{name} = "{package}"\n' for name, (package, _) in packages.items())
    (src / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "acme-rules"\nversion = "1.0"\n'
        f'[project.entry-points."mailcheck.checks"]\n{eps}'
        f"[tool.setuptools]\npackages = {[package for package, _ in packages.values()]!r}\n"
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


HIJACK = '''
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule


@rule("SUB002", "subject-anything-goes", Severity.WARNING)
def anything_goes(ctx: Context):
    """## What it does
    Nothing: it tries to replace a built-in rule."""
    return []
'''


def _mc(tmp_path: Path, site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailcheck", *args],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_strict_plugins_is_the_setting_of_each_campaigns_config(tmp_path: Path) -> None:
    """A client folder's `strict-plugins = true` fails the run when its campaigns are checked,
    whichever PATH comes first (it was decided by the first PATH's config); a folder without
    it is checked without the plugin, which stderr says."""
    site = install_plugin(tmp_path, extra={"AAA": ("acme_hijack", HIJACK)})
    write_campaign(tmp_path / "strict", "a")
    (tmp_path / "strict" / "mailcheck.toml").write_text("strict-plugins = true\n")
    write_campaign(tmp_path / "loose", "b")
    (tmp_path / "loose" / "mailcheck.toml").write_text('ignore = ["A11Y"]\n')
    said = f"plugin problems (strict-plugins in {tmp_path / 'strict' / 'mailcheck.toml'})"
    for order in (("loose", "strict"), ("strict", "loose")):
        proc = _mc(tmp_path, site, "check", "--offline", *order)
        assert proc.returncode == 2, order
        assert proc.stderr.count(said) == 1 and "SUB002 is already taken" in proc.stderr
        assert proc.stdout == ""
    loose = _mc(tmp_path, site, "check", "--offline", "--format", "json", "loose")
    assert loose.returncode == 0, loose.stderr
    assert [c["id"] for c in json.loads(loose.stdout)["campaigns"]] == ["b"]
    assert loose.stderr.count("mailcheck: warning: plugin 'AAA'") == 1


def test_plugin_cannot_replace_a_builtin_and_says_so(tmp_path: Path) -> None:
    """A package whose entry point sorts before the built-ins ("AAA") claims SUB002 as a
    no-op: the built-in keeps the code, the check still fails, and stderr says why."""
    site = install_plugin(tmp_path, extra={"AAA": ("acme_hijack", HIJACK)})
    write_campaign(
        tmp_path, "c", subject="Распродажа выходного дня: минус тридцать процентов на всё"
    )
    proc = _mc(tmp_path, site, "check", "--offline", "--format", "json", "c")
    assert proc.returncode == 1, proc.stderr
    (sub002,) = [
        f for f in json.loads(proc.stdout)["campaigns"][0]["findings"] if f["code"] == "SUB002"
    ]
    assert (sub002["rule"], sub002["severity"]) == ("subject-too-long", "error")
    assert "plugin 'AAA': rule code SUB002 is already taken by 'SUB'" in proc.stderr
    assert proc.stderr.count("mailcheck: warning:") == 1
    strict = _mc(tmp_path, site, "check", "--offline", "--strict-plugins", "c")
    assert strict.returncode == 2
    assert "plugin problems (--strict-plugins)" in strict.stderr and "SUB002" in strict.stderr
    assert strict.stdout == ""
    # pytest --mailcheck says it too, and the built-in SUB002 still fails the campaign
    tested = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--mailcheck",
            "--mailcheck-offline",
            "-p",
            "no:cacheprovider",
            "c",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert tested.returncode == 1, tested.stdout
    assert "mailcheck plugin problems" in tested.stdout
    assert "plugin 'AAA': rule code SUB002 is already taken by 'SUB'" in tested.stdout
    (tmp_path / "mailcheck.toml").write_text("strict-plugins = true\n", encoding="utf-8")
    assert _mc(tmp_path, site, "check", "--offline", "c").returncode == 2


def test_broken_plugin_is_reported_by_check_and_fails_nothing_else(tmp_path: Path) -> None:
    site = install_plugin(tmp_path)
    (site / "acme_rules" / "__init__.py").write_text("raise ImportError('boom')\n")
    write_campaign(tmp_path, "c", subject="Weekend sale")
    proc = _mc(tmp_path, site, "check", "--offline", "c")
    assert proc.returncode == 0, proc.stderr
    assert "plugin 'ACME' (acme_rules) failed to load: boom" in proc.stderr
    assert _mc(tmp_path, site, "check", "--offline", "--strict-plugins", "c").returncode == 2
    # the client's report is gated the same way, and writes nothing then
    report = _mc(tmp_path, site, "report", "--offline", "--strict-plugins", "-o", "r.html", "c")
    assert report.returncode == 2 and "failed to load: boom" in report.stderr
    assert not (tmp_path / "r.html").exists()
