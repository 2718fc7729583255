"""The pytest plugin, run for real through pytester: items, verdicts, xdist, the pass cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from dns_server import BlackHole

from mailcheck.pytest_plugin import read_passes, write_passes
from tests.helpers import write_campaign

# Counts engine calls of the run under test, so tests can see what was (not) re-checked.
COUNTING_CONFTEST = """
import mailcheck.engine as engine

_originals = {}


def pytest_configure(config):
    # in-process runs share the engine module with the outer test run: restore it afterwards
    _originals.update(prepare=engine.prepare, check_campaigns=engine.check_campaigns)
    prepare, check = engine.prepare, engine.check_campaigns

    def counting_prepare(source, config):
        with open("prepared.log", "a", encoding="utf-8") as fh:
            fh.write(source.shown + "\\n")
        return prepare(source, config)

    def counting_check(campaigns, config, **kw):
        campaigns = list(campaigns)
        with open("batches.log", "a", encoding="utf-8") as fh:
            fh.write(str(len(campaigns)) + "\\n")
        return check(campaigns, config, **kw)

    engine.prepare, engine.check_campaigns = counting_prepare, counting_check


def pytest_unconfigure(config):
    engine.prepare = _originals["prepare"]
    engine.check_campaigns = _originals["check_campaigns"]
"""

LOOSE_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Weekly digest</title></head><body>
<div style="display:none">Five stories worth your time this week</div>
<p>Hello!</p>
<p><a href="https://shop.test/news?utm_source=email&utm_medium=email&utm_campaign=digest">Read</a></p>
<p><a href="https://shop.test/unsubscribe">Unsubscribe</a></p>
</body></html>
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """Two campaign directories (one clean, one with errors) and a loose .html campaign."""
    # pytest cuts the short summary to the terminal's width, except under CI where it repeats
    # each failure's whole text: a wide terminal and no CI make the runs read the same on a
    # laptop and in CI
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("CI", "BUILD_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    root = pytester.path
    good = write_campaign(root / "campaigns", "good")
    (good / "extra.html").write_text("<p>part of the campaign, not a campaign</p>")
    (root / "node_modules" / "pkg").mkdir(parents=True)
    (root / "node_modules" / "pkg" / "readme.html").write_text("<p>not ours</p>")
    write_campaign(
        root / "campaigns",
        "bad",
        subject="Чёрная пятница в ACME: скидки до 70% на всю зимнюю коллекцию и аксессуары",
    )
    (root / "loose").mkdir()
    (root / "loose" / "digest.html").write_text(LOOSE_HTML, encoding="utf-8")
    (root / "conftest.py").write_text(COUNTING_CONFTEST, encoding="utf-8")
    return pytester


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split() if path.exists() else []


def test_collects_one_item_per_campaign(project: pytest.Pytester) -> None:
    result = project.runpytest("--mailcheck", "--collect-only", "-q")
    ids = [line for line in result.outlines if "::mailcheck" in line]
    assert sorted(ids) == [
        "campaigns/bad/campaign.toml::mailcheck",
        "campaigns/good/campaign.toml::mailcheck",
        "loose/digest.html::mailcheck",
    ]


def test_a_campaign_nested_in_another_is_an_item_of_its_own(pytester: pytest.Pytester) -> None:
    # as `mailcheck check` finds it: a campaign.toml below another campaign's directory was
    # passed over in silence; the outer campaign's other files stay its own
    outer = write_campaign(pytester.path, "outer")
    write_campaign(outer / "variants", "b")
    (outer / "variants" / "proof.eml").write_bytes(b"Subject: old proof\r\n\r\nHi\r\n")
    (outer / "partials").mkdir()
    (outer / "partials" / "footer.html").write_text("<p>footer</p>", encoding="utf-8")
    result = pytester.runpytest("--mailcheck", "--collect-only", "-q")
    ids = sorted(line for line in result.outlines if "::mailcheck" in line)
    assert ids == ["outer/campaign.toml::mailcheck", "outer/variants/b/campaign.toml::mailcheck"]


def test_a_campaigns_own_file_named_checks_that_campaign(project: pytest.Pytester) -> None:
    # `pytest --mailcheck campaigns/bad/email.html` said "not found": as `mailcheck check`,
    # the campaign's own file stands for its campaign (its subject is too long: SUB002)
    result = project.runpytest("--mailcheck", "--mailcheck-offline", "campaigns/bad/email.html")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "campaigns/bad/email.html::mailcheck" in out
    assert out.count("campaigns/bad/campaign.toml  [bad, client default]  1 error") == 1
    assert sum(line.strip().startswith("error   SUB002") for line in result.outlines) == 1
    assert "no campaign found" not in out and "not found" not in out
    assert lines(project.path / "prepared.log") == ["campaigns/bad/campaign.toml"]


def test_a_named_file_that_is_no_campaign_is_said_so(project: pytest.Pytester) -> None:
    # "no campaign found below notes.txt (no … .html …)": a named file is no directory
    (project.path / "notes.txt").write_text("not mail\n", encoding="utf-8")
    result = project.runpytest("--mailcheck", "--mailcheck-offline", "notes.txt")
    assert result.ret != pytest.ExitCode.OK
    out = result.stdout.str()
    assert out.count("mailcheck: error: no campaign in notes.txt: not a campaign file") == 1
    assert "a directory mailcheck skips (" in out and "node_modules" in out
    assert "no campaign found below" not in out


def test_nothing_collected_without_the_option(project: pytest.Pytester) -> None:
    result = project.runpytest("--collect-only", "-q")
    assert "::mailcheck" not in result.stdout.str()


def test_ini_option_enables_the_plugin(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nmailcheck = true\nmailcheck_offline = true\n")
    result = project.runpytest("-q")
    result.assert_outcomes(passed=2, failed=1)


def test_fails_with_findings_as_the_cli_prints_them(project: pytest.Pytester) -> None:
    result = project.runpytest("--mailcheck", "--mailcheck-offline", "-rA")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "campaigns/bad/campaign.toml::mailcheck FAILED" in out or (
        "FAILED campaigns/bad/campaign.toml::mailcheck" in out
    )
    # the text writer's block: header line, then one line per finding
    assert "campaigns/bad/campaign.toml  [bad, client default]  1 error" in out
    assert any(line.strip().startswith("error   SUB002") for line in result.outlines)
    assert "Traceback" not in out and "MailcheckFailure" not in out and "def runtest" not in out
    # gather, then judge: one engine batch for all three items
    assert lines(project.path / "batches.log") == ["3"]


def test_under_xdist(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--mailcheck", "--mailcheck-offline", "-n", "2")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "SUB002" in out and "Traceback" not in out
    # one worker checked the batch for both: three campaigns, one batch
    assert lines(project.path / "batches.log") == ["3"]
    # the controller wrote both passes the workers reported
    passes = read_passes(project.path / ".mailcheck" / "pytest-pass.json")
    assert sorted(p["path"] for p in passes.values()) == [
        "campaigns/good/campaign.toml",
        "loose/digest.html",
    ]


def test_each_campaign_uses_its_closest_config(project: pytest.Pytester) -> None:
    """Hierarchical configuration: campaigns/ has its own mailcheck.toml (a longer subject
    allowed), a campaign outside it keeps the defaults."""
    (project.path / "campaigns" / "mailcheck.toml").write_text("subject-max = 90\n")
    long_subject = "Чёрная пятница в ACME: скидки до 70% на всю зимнюю коллекцию и аксессуары"
    write_campaign(project.path / "other", "long", subject=long_subject)
    result = project.runpytest("--mailcheck", "--mailcheck-offline")
    result.assert_outcomes(passed=3, failed=1)  # campaigns/bad passes with subject-max 90
    assert "FAILED other/long/campaign.toml::mailcheck" in result.stdout.str()


def test_unchanged_passes_are_not_rechecked(project: pytest.Pytester) -> None:
    project.runpytest("--mailcheck", "--mailcheck-offline").assert_outcomes(passed=2, failed=1)
    assert len(lines(project.path / "prepared.log")) == 3
    (project.path / "prepared.log").unlink()

    project.runpytest("--mailcheck", "--mailcheck-offline").assert_outcomes(passed=2, failed=1)
    assert lines(project.path / "prepared.log") == ["campaigns/bad/campaign.toml"]
    (project.path / "prepared.log").unlink()

    # a change to any file of a campaign, or to the configuration, checks it again
    html = project.path / "campaigns" / "good" / "email.html"
    html.write_text(html.read_text(encoding="utf-8").replace("Hello!", "Hello again!"))
    project.runpytest("--mailcheck", "--mailcheck-offline").assert_outcomes(passed=2, failed=1)
    assert sorted(lines(project.path / "prepared.log")) == [
        "campaigns/bad/campaign.toml",
        "campaigns/good/campaign.toml",
    ]
    (project.path / "prepared.log").unlink()
    (project.path / "mailcheck.toml").write_text("subject-max = 60\n")
    project.runpytest("--mailcheck", "--mailcheck-offline").assert_outcomes(passed=2, failed=1)
    assert len(lines(project.path / "prepared.log")) == 3


def test_a_bare_htmls_text_part_is_part_of_its_pass(project: pytest.Pytester) -> None:
    """content.txt beside content.html is its text part: a pass of the HTML is not one of a
    text part added or changed later (it was cached, the text part never checked)."""
    project.runpytest("--mailcheck", "--mailcheck-offline", "loose").assert_outcomes(passed=1)
    (project.path / "prepared.log").unlink()

    text = project.path / "loose" / "digest.txt"
    text.write_text("Hi {{ first_name }},\n", encoding="utf-8")
    result = project.runpytest("--mailcheck", "--mailcheck-offline", "loose")
    result.assert_outcomes(failed=1)
    assert lines(project.path / "prepared.log") == ["loose/digest.html"]
    assert "PER001" in result.stdout.str() and "digest.txt:1" in result.stdout.str()
    (project.path / "prepared.log").unlink()

    text.write_text("Hi there,\n", encoding="utf-8")
    project.runpytest("--mailcheck", "--mailcheck-offline", "loose").assert_outcomes(passed=1)
    assert lines(project.path / "prepared.log") == ["loose/digest.html"]


def test_configuration_error_fails_items_clearly(project: pytest.Pytester) -> None:
    (project.path / "mailcheck.toml").write_text("subject-maxx = 60\n")
    result = project.runpytest("--mailcheck", "--mailcheck-offline")
    result.assert_outcomes(failed=3)
    out = result.stdout.str()
    assert "mailcheck: configuration error" in out and "subject-maxx" in out
    assert "Traceback" not in out


def test_strict_fails_on_warnings(project: pytest.Pytester) -> None:
    (project.path / "loose" / "digest.html").write_text(
        LOOSE_HTML.replace("<p>Hello!</p>", '<p>Hello!</p><img src="https://shop.test/a.png">')
    )
    result = project.runpytest("--mailcheck", "--mailcheck-offline", "-rP", "loose")
    result.assert_outcomes(passed=1)
    assert "IMG001" in result.stdout.str()  # warnings are shown for passing items with -rP
    again = project.runpytest("--mailcheck", "--mailcheck-offline", "-rP", "loose")
    again.assert_outcomes(passed=1)
    assert "not checked again" in again.stdout.str() and "IMG001" in again.stdout.str()
    result = project.runpytest("--mailcheck", "--mailcheck-offline", "--mailcheck-strict", "loose")
    result.assert_outcomes(failed=1)
    assert "IMG001" in result.stdout.str()


def test_a_test_send_beside_campaign_toml_and_outlook_files_are_items(
    project: pytest.Pytester,
) -> None:
    good = project.path / "campaigns" / "good"
    (good / "test-send.eml").write_text(
        "From: Shop <news@shop.test>\nSubject: Sale\n"
        "List-Unsubscribe: <https://shop.test/unsubscribe>\n"
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
        "Content-Type: text/html; charset=utf-8\n\n" + LOOSE_HTML,
        encoding="utf-8",
    )
    (good / "proof.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # OLE
    # saved without an extension, beside the campaign and on its own; a Makefile is no mail
    (good / "seed-copy").write_bytes((good / "test-send.eml").read_bytes())
    (project.path / "loose" / "m0129").write_bytes((good / "test-send.eml").read_bytes())
    (project.path / "loose" / "Makefile").write_text("all:\n\ttrue\n")
    collected = project.runpytest("--mailcheck", "--collect-only", "-q")
    ids = sorted(line for line in collected.outlines if "::mailcheck" in line)
    assert ids == [
        "campaigns/bad/campaign.toml::mailcheck",
        "campaigns/good/campaign.toml::mailcheck",
        "campaigns/good/proof.msg::mailcheck",
        "campaigns/good/seed-copy::mailcheck",
        "campaigns/good/test-send.eml::mailcheck",
        "loose/digest.html::mailcheck",
        "loose/m0129::mailcheck",
    ]
    result = project.runpytest("--mailcheck", "--mailcheck-offline", "-rP", "campaigns/good")
    result.assert_outcomes(passed=4)  # the .msg is a warning, shown, not a failure
    assert (
        "INP002" in result.stdout.str() and "Outlook .msg files are not read" in result.stdout.str()
    )


def test_mailcheck_fixture(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_custom="""
        def test_bad_campaign(mailcheck):
            results = mailcheck.check("campaigns/bad", offline=True)
            errors = [f.code for f in results[0].findings if f.severity.value == "error"]
            assert errors == ["SUB002"]
            assert mailcheck.config.subject_max == 50
            assert "SUB002" in mailcheck.format(results)
        """
    )
    project.runpytest("test_custom.py").assert_outcomes(passed=1)


def test_pass_file_merges_and_survives_garbage(tmp_path: Path) -> None:
    path = tmp_path / ".mailcheck" / "pytest-pass.json"
    write_passes(path, {"a": {"path": "a", "checked_at": 1e12, "network": False}})
    write_passes(path, {"b": {"path": "b", "checked_at": 1e12, "network": False}})
    assert set(read_passes(path)) == {"a", "b"}
    assert json.loads(path.read_text())["version"] == 1
    assert list(path.parent.iterdir()) == [path]  # no temporary files left behind
    path.write_text("{not json")
    assert read_passes(path) == {}
    write_passes(path, {"c": {"path": "c", "checked_at": 1e12, "network": False}})
    assert set(read_passes(path)) == {"c"}


def _networked_campaign(root: Path, name: str, server: str) -> None:
    """A campaign whose every link is on the loopback server (and no From: no DNS lookups)."""
    d = root / "campaigns" / name
    d.mkdir(parents=True)
    (d / "campaign.toml").write_text('subject = "Распродажа: −30% на всё"\n', encoding="utf-8")
    (d / "email.html").write_text(
        '<html><head><meta charset="utf-8"><title>x</title></head><body>'
        '<div style="display:none">Только до воскресенья, успейте выбрать подарки</div>'
        f'<p><a href="{server}/shared?from={name}">Купить</a></p>'
        f'<p><a href="{server}/shared">Купить ещё</a></p>'
        f'<p><a href="{server}/unsubscribe">Отписаться</a></p></body></html>',
        encoding="utf-8",
    )


@pytest.mark.network
@pytest.mark.parametrize("workers", [0, 2, 4])
def test_each_url_requested_once_whatever_the_workers(
    pytester: pytest.Pytester, workers: int
) -> None:
    """Under xdist one worker checks the batch for all: each URL is requested exactly once."""
    from collections import Counter

    from tests.recording_server import recording_server

    with recording_server() as (server, hits):
        for name in ("one", "two", "three"):
            _networked_campaign(pytester.path, name, server)
        (pytester.path / "mailcheck.toml").write_text("[links]\nallow-private = true\n")
        args = ["--mailcheck", "-p", "no:cacheprovider"]
        if workers:
            result = pytester.runpytest_subprocess(*args, "-n", str(workers))
        else:
            result = pytester.runpytest(*args)
        result.assert_outcomes(passed=3)
        # /shared and /unsubscribe in all three campaigns, /shared?from=… in one each
        requested = Counter(path for _, path in hits)
        assert set(requested) == {
            "/shared",
            "/unsubscribe",
            "/shared?from=one",
            "/shared?from=two",
            "/shared?from=three",
        }, hits
        assert set(requested.values()) == {1}, hits
        assert all(method == "HEAD" for method, path in hits if path == "/unsubscribe")
        assert not (pytester.path / ".mailcheck" / "pytest-xdist").exists()  # cleaned up


@pytest.mark.network
def test_a_pass_that_could_not_verify_is_not_remembered(
    pytester: pytest.Pytester, black_hole: BlackHole
) -> None:
    """With DNS silent the campaign passes on warnings (NET001: SPF, DKIM, DMARC and its links
    not verified). Remembered, the next run would skip it for a day, DNS back or not: it is
    checked again instead."""
    write_campaign(pytester.path / "campaigns", "bf")
    (pytester.path / "conftest.py").write_text(COUNTING_CONFTEST, encoding="utf-8")
    (pytester.path / "mailcheck.toml").write_text(
        f'[dns]\nnameservers = ["{black_hole.nameserver}"]\ntimeout = 0.3\n'
        "[links]\ntimeout = 0.5\n",
        encoding="utf-8",
    )
    prepared = pytester.path / "prepared.log"
    for _run in range(2):
        result = pytester.runpytest("--mailcheck", "-p", "no:cacheprovider", "-rP")
        result.assert_outcomes(passed=1)
        assert "NET001" in result.stdout.str()
        assert lines(prepared) == [
            "campaigns/bf/campaign.toml"
        ]  # checked, not "unchanged since it passed"
        prepared.unlink()
    assert read_passes(pytester.path / ".mailcheck" / "pytest-pass.json") == {}


def test_names_that_are_not_utf8_are_items_with_their_own_passes(pytester: pytest.Pytester) -> None:
    """Two names that print alike ("�.html": one windows-1251 byte each) are two items, each
    with its own pass and its own node id (the plugin failed with UnicodeEncodeError on such a
    name, and so did pytest's cache and JUnit XML at the end of the run)."""
    for raw in (b"\xcf.html", b"\xe8.html"):
        (pytester.path / os.fsdecode(raw)).write_text(LOOSE_HTML, encoding="utf-8")
    (pytester.path / "conftest.py").write_text(COUNTING_CONFTEST, encoding="utf-8")
    prepared = pytester.path / "prepared.log"
    offline = ("--mailcheck", "--mailcheck-offline")

    result = pytester.runpytest(*offline, "--junitxml=report.xml")
    result.assert_outcomes(passed=2)
    assert result.ret == 0
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert lines(prepared) == ["\ufffd.html", "\ufffd.html"]
    stored = json.loads((pytester.path / ".pytest_cache/v/cache/nodeids").read_text("utf-8"))
    assert stored == ["\\xcf.html::mailcheck", "\\xe8.html::mailcheck"]
    junit = (pytester.path / "report.xml").read_text("utf-8")
    assert junit.count('classname="\\xcf.html"') == 1
    assert junit.count('classname="\\xe8.html"') == 1
    prepared.unlink()

    pytester.runpytest(*offline).assert_outcomes(passed=2)
    assert lines(prepared) == []  # both passes kept, under keys of their own
    changed = pytester.path / os.fsdecode(b"\xe8.html")
    changed.write_text(LOOSE_HTML.replace("Hello!", "Hello again!"), encoding="utf-8")
    pytester.runpytest(*offline).assert_outcomes(passed=2)
    assert lines(prepared) == ["\ufffd.html"]  # the changed one only

    # a failure is remembered under its node id: --lf runs that file alone
    unsubscribe = '<p><a href="https://shop.test/unsubscribe">Unsubscribe</a></p>\n'
    changed.write_text(LOOSE_HTML.replace(unsubscribe, ""), encoding="utf-8")
    pytester.runpytest(*offline).assert_outcomes(passed=1, failed=1)
    result = pytester.runpytest(*offline, "--lf", "-rf")
    result.assert_outcomes(failed=1)
    assert "FAILED \\xe8.html::mailcheck" in result.stdout.str()


def test_a_pass_is_checked_again_when_its_directory_config_changes(
    project: pytest.Pytester,
) -> None:
    """The pass cache is keyed by the configuration that applies to the campaign: the closest
    mailcheck.toml above it, not only the rootdir's."""
    (project.path / "campaigns" / "mailcheck.toml").write_text("subject-max = 90\n")
    project.runpytest("--mailcheck", "--mailcheck-offline").assert_outcomes(passed=3)
    (project.path / "prepared.log").unlink()

    (project.path / "campaigns" / "mailcheck.toml").write_text("subject-max = 10\n")
    result = project.runpytest("--mailcheck", "--mailcheck-offline")
    result.assert_outcomes(passed=1, failed=2)  # good and bad: subject over 10 characters
    assert "FAILED campaigns/good/campaign.toml::mailcheck" in result.stdout.str()
    assert sorted(lines(project.path / "prepared.log")) == [
        "campaigns/bad/campaign.toml",
        "campaigns/good/campaign.toml",
    ]


BROKEN_PLUGIN_DIST = """\
Metadata-Version: 2.1
Name: acme-broken-rules
Version: 1.0
"""


def test_strict_plugins_fails_offline_items_too(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`strict-plugins = true` in the configuration fails the run as `mailcheck check` exits 2,
    with --mailcheck-offline too, never a pass without the plugin's rules."""
    site = project.path / "site"
    dist = site / "acme_broken_rules-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(BROKEN_PLUGIN_DIST)
    (dist / "entry_points.txt").write_text("[mailcheck.checks]\nACME = acme_broken_rules\n")
    (site / "acme_broken_rules.py").write_text("raise RuntimeError('ACME_TOKEN is not set')\n")
    (project.path / "mailcheck.toml").write_text("strict-plugins = true\n")
    env_path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    monkeypatch.setenv("PYTHONPATH", env_path)
    result = project.runpytest_subprocess("--mailcheck", "--mailcheck-offline")
    result.assert_outcomes(failed=3)
    out = result.stdout.str()
    said = (
        "mailcheck: configuration error: plugin problems (strict-plugins in "
        f"{project.path / 'mailcheck.toml'}): plugin 'ACME' (acme_broken_rules) failed to load"
    )
    assert sum(line.startswith(said) for line in result.outlines) == 3
    assert "ACME_TOKEN is not set" in out
    # the plugin problems section says what it did: an error, not a warning
    assert "mailcheck: error: plugin 'ACME'" in out and "mailcheck: warning:" not in out
    assert "Traceback" not in out


def test_strict_plugins_of_a_client_config_fails_its_campaigns_alone(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """strict-plugins is a campaign's config's setting: the rootdir's strict config fails its
    campaigns, a client folder's config without it checks its campaign without the plugin
    (a warning), whichever config pytest's rootdir has."""
    site = project.path / "site"
    dist = site / "acme_broken_rules-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(BROKEN_PLUGIN_DIST)
    (dist / "entry_points.txt").write_text("[mailcheck.checks]\nACME = acme_broken_rules\n")
    (site / "acme_broken_rules.py").write_text("raise RuntimeError('ACME_TOKEN is not set')\n")
    (project.path / "mailcheck.toml").write_text("strict-plugins = true\n")
    client = project.path / "clients" / "volga"
    write_campaign(client, "spring")
    (client / "mailcheck.toml").write_text("strict-plugins = false\n")
    env_path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    monkeypatch.setenv("PYTHONPATH", env_path)
    result = project.runpytest_subprocess("--mailcheck", "--mailcheck-offline", "-rfP")
    result.assert_outcomes(failed=3, passed=1)
    out = result.stdout.str()
    failed = sorted(line.split()[1] for line in result.outlines if line.startswith("FAILED"))
    assert failed == [
        "campaigns/bad/campaign.toml::mailcheck",
        "campaigns/good/campaign.toml::mailcheck",
        "loose/digest.html::mailcheck",
    ]
    said = (
        "mailcheck: configuration error: plugin problems (strict-plugins in "
        f"{project.path / 'mailcheck.toml'}): plugin 'ACME' (acme_broken_rules) failed to load"
    )
    assert sum(line.startswith(said) for line in result.outlines) == 3
    assert "mailcheck: error: plugin 'ACME'" in out


def test_a_mistake_in_one_campaigns_settings_fails_that_item_alone(
    project: pytest.Pytester,
) -> None:
    """A suppression comment naming no rule (`LNK01`) in one campaign: `mailcheck check` stops
    with exit 2; in pytest that item fails with the message, and the others are checked as
    usual (they failed too, each repeating the other campaign's message)."""
    html = project.path / "campaigns" / "good" / "email.html"
    html.write_text(
        html.read_text("utf-8").replace("</body>", "<!-- mailcheck: ignore LNK01 --></body>"),
        encoding="utf-8",
    )
    result = project.runpytest("--mailcheck", "--mailcheck-offline", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)  # good: its comment; bad: its subject
    out = result.stdout.str()
    assert out.count("unknown rule code or prefix 'LNK01'") == 2  # its failure and summary
    assert "FAILED campaigns/good/campaign.toml::mailcheck - mailcheck: configuration error" in out
    assert "SUB002" in out  # bad was checked and judged on its own findings


def test_items_speak_the_configured_language(project: pytest.Pytester) -> None:
    """`[report] language = "ru"`: `mailcheck check` speaks Russian, and so do the items (they
    printed English)."""
    (project.path / "mailcheck.toml").write_text('[report]\nlanguage = "ru"\n', encoding="utf-8")
    result = project.runpytest("--mailcheck", "--mailcheck-offline", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "тема: в теме 73 симв. при ограничении 50" in out
    assert "subject is 73 characters" not in out


def test_the_short_summary_names_the_first_error(project: pytest.Pytester) -> None:
    """`pytest -rf` and `-q` end with one line per failed item: it showed the campaign's path,
    cut off, which the node id already says."""
    result = project.runpytest(
        "--mailcheck", "--mailcheck-offline", "-p", "no:cacheprovider", "-rf"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.re_match_lines(
        [r"FAILED campaigns/bad/campaign.toml::mailcheck - SUB002 subject: subject is 73 .*"]
    )


def test_the_short_summary_names_the_place_in_the_configured_language(
    project: pytest.Pytester,
) -> None:
    """A QA probe: under `language = "ru"` the one-line summary said "SUB002 subject: в теме …"
    while the finding's own line below said "тема:": the place is said as that line says it."""
    (project.path / "mailcheck.toml").write_text('[report]\nlanguage = "ru"\n', encoding="utf-8")
    result = project.runpytest(
        "--mailcheck", "--mailcheck-offline", "-p", "no:cacheprovider", "-rf"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.re_match_lines(
        [r"FAILED campaigns/bad/campaign.toml::mailcheck - SUB002 тема: в теме 73 симв\. .*"]
    )
    out = result.stdout.str()
    assert "SUB002 subject:" not in out
    # the failure's first line, the finding's own line and pytest's short summary
    assert out.count("тема: в теме 73 симв.") == 3


LOCAL_RULE = """\
from mailcheck.model import Severity
from mailcheck.rules import Problem, rule


@rule("ACME001", "brand-in-subject", Severity.ERROR, short="the subject names the brand")
def brand_in_subject(ctx):
    \"\"\"## What it does
    Reports a subject without the brand.
    \"\"\"
    if "{brand}" not in (ctx.campaign.subject or ""):
        yield Problem("the subject does not name {brand}", location="subject")
"""


def test_an_edit_to_a_local_rule_plugin_checks_the_campaigns_again(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An agency's own rules in a local package keep their version through every edit: the
    pass cache knows them by their source, so an edit is not answered "unchanged"."""
    site = project.path / "site"
    dist = site / "acme_rules-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(BROKEN_PLUGIN_DIST.replace("acme-broken-rules", "acme-rules"))
    (dist / "entry_points.txt").write_text("[mailcheck.checks]\nACME = acme_rules\n")
    rules = site / "acme_rules.py"
    rules.write_text(LOCAL_RULE.format(brand="Week"), encoding="utf-8")  # "Weekly digest" too
    env_path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    monkeypatch.setenv("PYTHONPATH", env_path)
    args = ("--mailcheck", "--mailcheck-offline", "-p", "no:cacheprovider")
    project.runpytest_subprocess(*args).assert_outcomes(passed=2, failed=1)  # bad: subject
    rules.write_text(LOCAL_RULE.format(brand="ACME"), encoding="utf-8")
    result = project.runpytest_subprocess(*args)
    result.assert_outcomes(failed=3)  # good and the loose digest now fail, not "unchanged"
    out = result.stdout.str()
    assert "FAILED campaigns/good/campaign.toml::mailcheck" in out
    assert "FAILED loose/digest.html::mailcheck" in out
    assert "error   ACME001  subject: the subject does not name ACME" in out


def _no_campaign_below_testpaths(pytester: pytest.Pytester, ini: str) -> None:
    """A repository that already runs pytest: its tests in tests/, its campaigns beside."""
    write_campaign(pytester.path / "campaigns", "good")
    pytester.makepyfile(**{"tests/test_unit": "def test_ok():\n    pass\n"})
    pytester.makeini(f"[pytest]\ntestpaths = tests\n{ini}")


NOTHING = "no campaign found below tests"


def test_mailcheck_flag_that_collects_no_campaign_fails_the_run(
    pytester: pytest.Pytester,
) -> None:
    # testpaths = tests: `pytest --mailcheck` collected zero campaigns and passed in silence
    _no_campaign_below_testpaths(pytester, "")
    result = pytester.runpytest("--mailcheck", "--mailcheck-offline")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    assert out.count(NOTHING) == 1 and "mailcheck: error: " + NOTHING in out
    assert "add the campaigns directory to testpaths" in out
    # given the campaigns, the same run checks them and passes
    result = pytester.runpytest("--mailcheck", "--mailcheck-offline", "campaigns", "tests")
    result.assert_outcomes(passed=2)
    assert result.ret == 0 and "no campaign found" not in result.stdout.str()


def test_ini_option_that_collects_no_campaign_warns(pytester: pytest.Pytester) -> None:
    # enabled for good in the ini: running some unit tests is legitimate, the summary warns
    _no_campaign_below_testpaths(pytester, "mailcheck = true\nmailcheck_offline = true\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert result.ret == 0
    out = result.stdout.str()
    assert out.count(NOTHING) == 1 and "mailcheck: warning: " + NOTHING in out
    # without mailcheck enabled nothing is said
    pytester.makeini("[pytest]\ntestpaths = tests\n")
    result = pytester.runpytest()
    assert result.ret == 0 and "no campaign" not in result.stdout.str()


def test_no_campaign_under_xdist_is_said_once_and_fails(pytester: pytest.Pytester) -> None:
    _no_campaign_below_testpaths(pytester, "")
    result = pytester.runpytest_subprocess("--mailcheck", "--mailcheck-offline", "-n", "2")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert result.stdout.str().count(NOTHING) == 1
