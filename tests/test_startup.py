"""Start-up stays light: the quick commands import no network, database or parsing library.

Each command runs in a fresh interpreter (``python -m mailcheck …``) that reports which of
the heavy libraries ended up in ``sys.modules``. Not timed: bench/bench_startup.py measures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Loaded only when a command needs them (a check, a DNS lookup, the incident store, a render).
HEAVY = ("httpx", "h2", "dns", "sqlalchemy", "jinja2", "liquid", "lxml", "dkim", "cryptography")

PROBE = """
import json, runpy, sys
args, watched = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["mailcheck", *args]
try:
    runpy.run_module("mailcheck", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(({name.split(".")[0] for name in sys.modules} | set(sys.modules)) & watched)
sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "heavy": heavy}) + "\\n")
"""


def loaded_heavy(
    args: list[str], cwd: Path, watched: tuple[str, ...] = HEAVY
) -> tuple[object, list[str], str]:
    """Run ``mailcheck ARGS``; its exit code, which ``watched`` modules it imported (a
    package by its top-level name, or a module by its full name), its stdout."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(watched)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next((ln for ln in proc.stderr.splitlines() if ln.startswith("PROBE ")), None)
    assert line is not None, proc.stderr
    report = json.loads(line.removeprefix("PROBE "))
    return report["code"], report["heavy"], proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["rules"],
        ["rules", "--format", "json"],
        ["rule", "PER002"],
        ["--help"],
        ["incident", "--help"],
    ],
    ids=lambda a: " ".join(a),
)
def test_quick_commands_import_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    code, heavy, out = loaded_heavy(args, tmp_path)
    assert code in (0, None), out
    assert out.strip(), "the command printed nothing"
    assert heavy == [], f"mailcheck {' '.join(args)} imported {', '.join(heavy)}"


def test_rules_still_lists_every_family(tmp_path: Path) -> None:
    # Lazy imports must not lose a rule: every family's codes are listed (network ones too).
    code, _, out = loaded_heavy(["rules", "--format", "json"], tmp_path)
    assert code in (0, None)
    codes = {r["code"] for r in json.loads(out)["rules"]}
    for family in ("INP", "SUB", "PRE", "LNK", "UTM", "UNS", "SPF", "DKIM", "DMARC", "PER"):
        assert any(c.startswith(family) for c in codes), family


def test_probe_sees_heavy_imports(tmp_path: Path) -> None:
    # The probe itself works: an offline check renders and parses, so lxml is loaded.
    (tmp_path / "a.html").write_text(
        "<html><head><title>Hi</title></head><body><p>Hello</p></body></html>", encoding="utf-8"
    )
    code, heavy, _ = loaded_heavy(["check", "--offline", "a.html"], tmp_path)
    assert code in (0, 1)
    assert "lxml" in heavy


def test_an_offline_check_starts_no_event_loop(tmp_path: Path) -> None:
    # asyncio (and ssl with it) is the network gather's; the offline rules that share modules
    # with it (DMARC's) import it only where they await
    (tmp_path / "a.eml").write_bytes(
        b"From: Shop <news@shop.example>\r\nSubject: Hi\r\nContent-Type: text/html\r\n\r\n"
        b"<html><body><p>Hello</p></body></html>\r\n"
    )
    code, loaded, _ = loaded_heavy(["check", "--offline", "a.eml"], tmp_path, ("asyncio", "lxml"))
    assert code in (0, 1)
    assert loaded == ["lxml"]  # the check ran (lxml parsed the body); no event loop


def test_checking_html_links_imports_no_dns(tmp_path: Path) -> None:
    # A batch without a sender domain (HTML files) gathers links only: dnspython, the SPF
    # evaluator and DKIM are never imported. A link to a closed loopback port keeps it local.
    (tmp_path / "mailcheck.toml").write_text(
        "[links]\nallow-private = true\ntimeout = 2\nretries = 0\n", encoding="utf-8"
    )
    (tmp_path / "a.html").write_text(
        '<html><head><title>Hi</title></head><body><a href="http://127.0.0.1:9/x">x</a>'
        "</body></html>",
        encoding="utf-8",
    )
    code, heavy, out = loaded_heavy(["check", "--no-cache", "a.html"], tmp_path)
    assert code == 1, out
    assert "LNK002" in out  # the link was checked (its host refused the connection)
    assert "PRE001" in out  # and the offline rules too
    assert "dns" not in heavy and "dkim" not in heavy
    # with a sender domain the same command does load the DNS client
    (tmp_path / "a.eml").write_bytes(
        b"From: News <news@acme.test>\r\nTo: a@b.test\r\nSubject: Hi\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hello</p>\r\n"
    )
    _, heavy, _ = loaded_heavy(["check", "--no-cache", "a.eml"], tmp_path)
    assert "dns" in heavy


def test_a_command_loads_only_its_own_module(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<html><body><p>Hi</p></body></html>", encoding="utf-8")
    probe = (
        "import sys\nfrom mailcheck.cli import main\n"
        "code = main(['check', '--offline', 'a.html'])\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith('mailcheck.commands.')"
        " or m.startswith('mailcheck.store')))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("LOADED"))
    assert line == "LOADED ['mailcheck.commands.check', 'mailcheck.commands.common']", proc.stderr


# The DNS rules' own modules (SPF evaluation, DMARC alignment, domain health, MTA-STS): their
# rules are network rules, which an offline check never runs.
DNS_MODULES = ("mailcheck.spf", "mailcheck.dmarc", "mailcheck.domain_health", "mailcheck.mta_sts")
SIGNED = (
    b"DKIM-Signature: v=1; a=rsa-sha256; d=shop.example; s=s1; h=from; bh=AAAA; b=AAAA\r\n"
    b"Return-Path: <bounce@esp.example>\r\nFrom: Shop <news@shop.example>\r\n"
    b"Subject: Hi\r\nContent-Type: text/html\r\n\r\n<html><body><p>Hello</p></body></html>\r\n"
)


def test_an_offline_check_imports_no_dns_rule_modules(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(SIGNED)
    watched = (*DNS_MODULES, "lxml")
    code, loaded, out = loaded_heavy(["check", "--offline", "a.eml"], tmp_path, watched)
    assert code in (0, 1), out
    assert loaded == ["lxml"]  # the check ran; none of the DNS rules' modules was imported


def test_the_dns_rules_still_load_their_modules_when_they_run(tmp_path: Path) -> None:
    # Imported where the rules use them: listed by `mailcheck rules` without them, run with them
    (tmp_path / "a.eml").write_bytes(SIGNED)
    probe = (
        "import sys\nfrom mailcheck.engine import Facts, judge, prepare, discover\n"
        "from mailcheck.config import Config\n"
        "[source] = discover(['a.eml'])\n"
        "judge(prepare(source, Config()), Config(), Facts(), offline=False)\n"
        f"print('LOADED', sorted(m for m in sys.modules if m in {DNS_MODULES!r}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("LOADED")), None)
    assert line == f"LOADED {sorted(DNS_MODULES)}", proc.stderr


def test_a_check_reads_the_installed_entry_points_once(tmp_path: Path) -> None:
    # The rules' and the dialects' groups come from one reading of every distribution's
    # metadata (each reading costs ~2.5 ms of every check's start-up)
    (tmp_path / "a.html").write_text("<html><body><p>Hi {{ name }}</p></body></html>", "utf-8")
    probe = (
        "import importlib.metadata as md, sys\n"
        "calls = []\nreal = md.entry_points\n"
        "def counted(**kw):\n    calls.append(kw)\n    return real(**kw)\n"
        "md.entry_points = counted\n"
        "from mailcheck.cli import main\n"
        "main(['check', '--offline', 'a.html'])\n"
        "print('DIALECTS', 'mailcheck.templating.dialects.jinja' in sys.modules)\n"
        "print('CALLS', len(calls))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert "DIALECTS True" in proc.stdout, proc.stderr  # rules and dialects both loaded
    assert "CALLS 1" in proc.stdout, proc.stdout + proc.stderr
