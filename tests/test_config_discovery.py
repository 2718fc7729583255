"""Hierarchical configuration, as ruff's: each checked path uses the closest config above it.

Which configuration and which database are used depends on the path checked, never on the
directory the command was started from; ``--show-settings`` and ``launch``/``kpi`` say which.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailcheck.cli import main
from tests.helpers import CLEAN_BODY, write_campaign

# the accessibility rules judge the test HTML too (no lang=…); these tests are about other things
A11Y = "A11Y"

LONG_SUBJECT = "Распродажа выходного дня: минус тридцать процентов на всё"  # 57 characters


def _codes(data: dict[str, object]) -> dict[str, list[str]]:
    campaigns = data["campaigns"]
    assert isinstance(campaigns, list)
    return {c["id"]: [f["code"] for f in c["findings"]] for c in campaigns}


def _run(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def two_projects(tmp_path: Path) -> Path:
    """``repo/`` with its pyproject (subject-max 70, its own database), ``plain/`` with none,
    and a ``mailcheck.toml`` beside a ``pyproject.toml`` in ``both/`` (the former wins)."""
    repo = tmp_path / "repo"
    write_campaign(repo / "campaigns", "x", subject=LONG_SUBJECT)
    (repo / "pyproject.toml").write_text(
        '[tool.mailcheck]\nsubject-max = 70\ndb = "sqlite:///data/log.db"\n', encoding="utf-8"
    )
    write_campaign(tmp_path / "plain", "y", subject=LONG_SUBJECT)
    both = tmp_path / "both"
    write_campaign(both, "z", subject=LONG_SUBJECT, preheader_html="")
    (both / "pyproject.toml").write_text("[tool.mailcheck]\nsubject-max = 70\n", encoding="utf-8")
    (both / "mailcheck.toml").write_text('ignore = ["PRE"]\n', encoding="utf-8")
    return tmp_path


def test_each_path_uses_its_closest_config_whatever_the_cwd(
    two_projects: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = (
        "check",
        "--offline",
        "--format",
        "json",
        "--select",
        "SUB,PRE",
        "repo/campaigns/x",
        "plain/y",
        "both/z",
    )
    code, out, _ = _run(two_projects, monkeypatch, capsys, *args)
    assert code == 1
    # repo's 70-character limit; no config above plain/ (defaults: 50); both/: mailcheck.toml
    # wins over the pyproject.toml beside it (SUB002 at 50, PRE ignored)
    assert _codes(json.loads(out)) == {"x": [], "y": ["SUB002"], "z": ["SUB002"]}
    # from inside the project, the same verdicts
    code, out, _ = _run(
        two_projects / "repo",
        monkeypatch,
        capsys,
        "check",
        "--offline",
        "--format",
        "json",
        "--ignore",
        A11Y,
        ".",
    )
    assert (code, _codes(json.loads(out))) == (0, {"x": []})


def test_command_line_flags_apply_to_every_config_found(
    two_projects: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("check", "--offline", "--format", "json", "--select", "PRE", "plain/y", "repo")
    code, out, _ = _run(two_projects, monkeypatch, capsys, *args)
    assert (code, _codes(json.loads(out))) == (0, {"y": [], "x": []})


def test_show_settings_names_the_config_and_the_database(
    two_projects: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        two_projects, monkeypatch, capsys, "check", "--show-settings", "repo/campaigns/x"
    )
    repo = two_projects.resolve() / "repo"
    assert code == 0
    assert f"config file: {repo / 'pyproject.toml'}\n" in out
    assert f"database: sqlite:///{repo / 'data' / 'log.db'} (from {repo / 'pyproject.toml'})" in out
    assert "\nsubject-max = 70\n" in out and "\n[links]\noffline = false\n" in out
    code, out, _ = _run(two_projects, monkeypatch, capsys, "check", "--show-settings", "plain/y")
    assert "config file: none (defaults)\n" in out and "\nsubject-max = 50\n" in out
    # text only: with --format json it printed the same text (a QA probe)
    args = ("check", "--show-settings", "--format", "json", "plain/y")
    code, out, err = _run(two_projects, monkeypatch, capsys, *args)
    assert (code, out, err) == (2, "", "mailcheck: error: --show-settings prints text, not json\n")


def test_launch_and_kpi_use_and_name_the_projects_database(
    two_projects: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MAILCHECK_DB", raising=False)
    repo = two_projects.resolve() / "repo"
    db = repo / "data" / "log.db"
    args = ("launch", "--offline", "--client", "acme", "repo/campaigns/x")
    code, _, err = _run(two_projects, monkeypatch, capsys, *args)
    assert code == 0, err
    assert f"mailcheck: database: sqlite:///{db} (from {repo / 'pyproject.toml'})" in err
    assert db.is_file()
    assert not (two_projects / ".mailcheck").exists()  # no second database under the cwd
    # kpi has no path: it walks up from the cwd, and from inside the project finds the launch
    code, out, err = _run(repo / "campaigns", monkeypatch, capsys, "kpi", "--format", "json")
    assert code == 0 and f"database: sqlite:///{db}" in err
    (period,) = json.loads(out)["periods"]
    assert (period["client"], period["launches"]) == ("acme", 1)


def test_database_password_is_not_printed() -> None:
    from mailcheck.config import shown_url

    assert (
        shown_url("postgresql://qa:s3cret@db.internal/log") == "postgresql://qa:***@db.internal/log"
    )
    assert shown_url("sqlite:////tmp/a:b@c.db") == "sqlite:////tmp/a:b@c.db"


def test_show_settings_of_a_campaign_applies_its_campaign_toml(
    two_projects: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the campaign overrides the project's subject-max 70 and ignores LNK004: what it is
    # judged with, not the config file's values, is shown
    write_campaign(two_projects / "repo" / "campaigns", "w", subject_max=90, ignore=["LNK004"])
    for given in ("repo/campaigns/w", "repo/campaigns/w/campaign.toml"):
        code, out, _ = _run(two_projects, monkeypatch, capsys, "check", "--show-settings", given)
        assert code == 0
        manifest = given if given.endswith(".toml") else given + "/campaign.toml"
        assert f"campaign: {manifest} (its campaign.toml overrides: subject-max, ignore)\n" in out
        assert "\nsubject-max = 90\n" in out and "\nsubject-max = 70\n" not in out
        assert '\nignore = ["LNK004"]\n' in out
    # a campaign that sets nothing shows the config file's values, and says so
    code, out, _ = _run(
        two_projects, monkeypatch, capsys, "check", "--show-settings", "repo/campaigns/x"
    )
    assert "campaign: repo/campaigns/x/campaign.toml (sets no setting" in out
    assert "\nsubject-max = 70\n" in out


HTTP_BODY = (
    CLEAN_BODY
    + '\n<p><a href="http://shop.test/old?utm_source=email&utm_medium=email&utm_campaign=bf">Old</a></p>'
)


@pytest.fixture
def own_selections(tmp_path: Path) -> Path:
    """``campaigns/`` under a mailcheck.toml ignoring PRE: ``plain`` with no selection of its
    own, ``own-ignore`` ignoring SUB, ``own-select`` selecting LNK004 and SUB, ``all`` selecting
    ALL. Each has a plain http:// link (LNK004), no preheader (PRE001) and a long subject
    (SUB002)."""
    root = tmp_path / "campaigns"
    (root / "mailcheck.toml").parent.mkdir(parents=True)
    (root / "mailcheck.toml").write_text('ignore = ["PRE"]\n', encoding="utf-8")
    common: dict[str, object] = {"body": HTTP_BODY, "preheader_html": "", "subject": LONG_SUBJECT}
    write_campaign(root, "plain", **common)  # type: ignore[arg-type]
    write_campaign(root, "own-ignore", ignore=["SUB"], **common)  # type: ignore[arg-type]
    write_campaign(root, "own-select", select=["LNK004", "SUB"], **common)  # type: ignore[arg-type]
    write_campaign(root, "all", select=["ALL"], **common)  # type: ignore[arg-type]
    return tmp_path


def test_command_line_ignore_applies_on_top_of_every_configuration(
    own_selections: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--ignore LNK004`` ignores LNK004 everywhere: it adds to the config file's ignore and
    to a campaign.toml's, and beats a campaign.toml's more specific ``select``."""
    flags = ("check", "--offline", "--format", "json", "--ignore", f"{A11Y},LNK", "campaigns")
    code, out, err = _run(own_selections, monkeypatch, capsys, *flags)
    assert code == 1, err
    assert _codes(json.loads(out)) == {
        "all": ["SUB002"],  # its select=ALL does not bring back what the command line ignores
        "own-ignore": ["PRE001"],  # its ignore (SUB) replaced the file's (PRE), not --ignore's
        "own-select": ["SUB002"],  # its LNK004 is inside --ignore's LNK
        "plain": ["SUB002"],  # PRE: the file's ignore still applies beside --ignore
    }


def test_command_line_select_applies_on_top_of_every_configuration(
    own_selections: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--select SUB,PRE`` replaces every configuration's ``select``, a campaign.toml's too;
    their ``ignore`` still applies, as it does for a config file's."""
    flags = ("check", "--offline", "--format", "json", "--select", "SUB,PRE", "campaigns")
    code, out, err = _run(own_selections, monkeypatch, capsys, *flags)
    assert code == 1, err
    assert _codes(json.loads(out)) == {
        "all": ["SUB002"],  # PRE: the file's ignore (the campaign sets only select)
        "own-ignore": ["PRE001"],  # its ignore (SUB) replaced the file's
        "own-select": ["SUB002"],
        "plain": ["SUB002"],
    }


def test_show_settings_shows_the_command_line_on_top_of_a_campaign_toml(
    own_selections: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    campaign = "campaigns/own-select"
    flags = ("check", "--show-settings", "--ignore", "LNK", campaign)
    code, out, _ = _run(own_selections, monkeypatch, capsys, *flags)
    assert code == 0
    assert "its campaign.toml overrides: select; --ignore on top)\n" in out
    assert '\nselect = ["SUB"]\nignore = ["PRE", "LNK"]\n' in out


def test_a_folder_config_that_extends_the_repositorys_keeps_its_database_and_rules(
    two_projects: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the closest config wins, whole: a folder's mailcheck.toml for one client moved its
    # launches to a database of its own and dropped the repository's settings, and `kpi` from
    # the repository's root did not count them (a QA probe). With `extend`, as in ruff, it
    # keeps what it does not change.
    monkeypatch.delenv("MAILCHECK_DB", raising=False)
    repo = two_projects.resolve() / "repo"
    acme = repo / "campaigns" / "acme"
    write_campaign(acme, "bf", subject=LONG_SUBJECT)
    (acme / "mailcheck.toml").write_text(
        'extend = "../../pyproject.toml"\nclient = "acme"\n', encoding="utf-8"
    )
    code, out, _ = _run(two_projects, monkeypatch, capsys, "check", "--show-settings", str(acme))
    assert code == 0
    assert f"config file: {acme / 'mailcheck.toml'}\n" in out
    assert f"database: sqlite:///{repo / 'data' / 'log.db'} (" in out  # relative to its file
    assert '\nclient = "acme"\n' in out and "\nsubject-max = 70\n" in out
    code, out, _ = _run(
        two_projects, monkeypatch, capsys, "check", "--offline", "--format", "json", str(acme)
    )
    assert code == 0 and "SUB002" not in out  # the repository's subject-max still applies


@pytest.mark.parametrize(
    ("extend", "said"),
    [
        ('"mailcheck.toml"', "'extend' comes back to"),
        ('"../missing.toml"', "which does not exist"),
        ('""', "'extend' must name a configuration file"),
    ],
)
def test_a_broken_extend_is_a_configuration_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extend: str,
    said: str,
) -> None:
    write_campaign(tmp_path, "c")
    (tmp_path / "mailcheck.toml").write_text(f"extend = {extend}\n", encoding="utf-8")
    code, out, err = _run(tmp_path, monkeypatch, capsys, "check", "--offline", "c")
    assert code == 2 and out == ""
    assert said in err and str(tmp_path.resolve() / "mailcheck.toml") in err
