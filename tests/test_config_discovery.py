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
    # wins over the pyproject.toml beside it (SUB002 at 50); its ignore of PRE does not hold
    # against --select PRE, which replaces the rules chosen before it, as ruff's --select
    assert _codes(json.loads(out)) == {"x": [], "y": ["SUB002"], "z": ["PRE001", "SUB002"]}
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
    """``--ignore LNK`` is the last level of the rule selection: it removes LNK from what every
    configuration chose, and beats a campaign.toml's more specific ``select``."""
    flags = ("check", "--offline", "--format", "json", "--ignore", f"{A11Y},LNK", "campaigns")
    code, out, err = _run(own_selections, monkeypatch, capsys, *flags)
    assert code == 1, err
    assert _codes(json.loads(out)) == {
        "all": ["PRE001", "SUB002"],  # its select=ALL starts over: PRE back, LNK still not
        "own-ignore": [],  # the file's ignore (PRE), its own (SUB) and --ignore's, together
        "own-select": ["SUB002"],  # its LNK004 is inside --ignore's LNK
        "plain": ["SUB002"],  # PRE: the file's ignore still applies beside --ignore
    }


def test_command_line_select_applies_on_top_of_every_configuration(
    own_selections: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--select SUB,PRE`` replaces the rules every configuration chose, a campaign.toml's
    too, their ``ignore`` included (as ruff's ``--select``)."""
    flags = ("check", "--offline", "--format", "json", "--select", "SUB,PRE", "campaigns")
    code, out, err = _run(own_selections, monkeypatch, capsys, *flags)
    assert code == 1, err
    assert _codes(json.loads(out)) == {
        name: ["PRE001", "SUB002"] for name in ("all", "own-ignore", "own-select", "plain")
    }


def test_show_settings_shows_the_command_line_on_top_of_a_campaign_toml(
    own_selections: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    campaign = "campaigns/own-select"
    flags = ("check", "--show-settings", "--ignore", "LNK", campaign)
    code, out, _ = _run(own_selections, monkeypatch, capsys, *flags)
    assert code == 0
    assert "its campaign.toml overrides: select; --ignore on top)\n" in out
    # its select started over (the file's PRE no longer ignored); --ignore LNK beat its LNK004
    assert (
        '\nselect = ["SUB"]\nignore = ["LNK"]\n# rules chosen by: campaigns/own-select/'
        'campaign.toml: select = ["LNK004", "SUB"]; then --ignore LNK\n'
    ) in out


@pytest.fixture
def repository_ignores_lnk004(tmp_path: Path) -> Path:
    """An agency's repository whose mailcheck.toml ignores LNK004 (and A11Y): ``plain`` sets no
    rule selection, ``own-ignore`` ignores UNS002 and UNS003, ``own-all`` selects ALL and
    ``own-lnk`` selects LNK004. Each has a plain http:// link (LNK004) and a long subject."""
    (tmp_path / "mailcheck.toml").write_text(f'ignore = ["LNK004", "{A11Y}"]\n', encoding="utf-8")
    root = tmp_path / "campaigns"
    common: dict[str, object] = {"body": HTTP_BODY, "subject": LONG_SUBJECT}
    write_campaign(root, "plain", **common)  # type: ignore[arg-type]
    write_campaign(root, "own-ignore", ignore=["UNS002", "UNS003"], **common)  # type: ignore[arg-type]
    write_campaign(root, "own-all", select=["ALL"], **common)  # type: ignore[arg-type]
    write_campaign(root, "own-lnk", select=["LNK004"], **common)  # type: ignore[arg-type]
    return tmp_path


def test_a_campaigns_ignore_adds_to_the_repositorys(
    repository_ignores_lnk004: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A campaign.toml's ``ignore`` removes rules from what the repository's config chose: it
    does not replace the repository's ``ignore`` (a QA probe: LNK004 came back for the campaign
    that ignored UNS002/UNS003). Its ``select`` starts over, as a level's ``select`` in ruff."""
    args = ("check", "--offline", "--format", "json", "campaigns")
    code, out, err = _run(repository_ignores_lnk004, monkeypatch, capsys, *args)
    assert code == 1, err
    found = {c["id"]: c["findings"] for c in json.loads(out)["campaigns"]}
    assert {k: [f["code"] for f in v] for k, v in found.items()} == {
        "own-all": ["A11Y001", "LNK004", "SUB002"],  # ALL brings back what the repository ignored
        "own-ignore": ["SUB002"],  # LNK004 and A11Y stay ignored: the lists add up
        "own-lnk": ["LNK004"],  # the campaign's select is the whole set
        "plain": ["SUB002"],
    }
    (lnk004,) = [f for f in found["own-lnk"] if f["code"] == "LNK004"]
    assert lnk004["url"] == "http://shop.test/old?utm_source=email&utm_medium=email&utm_campaign=bf"


def test_show_settings_shows_the_rules_a_campaign_is_judged_with_and_why(
    repository_ignores_lnk004: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = repository_ignores_lnk004.resolve()
    args: tuple[str, ...] = ("check", "--show-settings", "campaigns/own-ignore")
    code, out, _ = _run(repository_ignores_lnk004, monkeypatch, capsys, *args)
    assert code == 0
    assert (
        '\nselect = ["ALL"]\nignore = ["LNK004", "A11Y", "UNS002", "UNS003"]\n'
        f'# rules chosen by: {root / "mailcheck.toml"}: ignore = ["LNK004", "A11Y"]; then '
        'campaigns/own-ignore/campaign.toml: ignore = ["UNS002", "UNS003"]\n'
    ) in out
    args = ("check", "--show-settings", "--select", "LNK,SUB", "campaigns/own-all")
    code, out, _ = _run(repository_ignores_lnk004, monkeypatch, capsys, *args)
    assert '\nselect = ["LNK", "SUB"]\nignore = []\n# rules chosen by: --select LNK,SUB\n' in out


def test_an_extending_configs_ignore_adds_to_the_extended_ones(
    repository_ignores_lnk004: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = repository_ignores_lnk004 / "campaigns"
    (folder / "mailcheck.toml").write_text(
        'extend = "../mailcheck.toml"\nignore = ["SUB"]\n', encoding="utf-8"
    )
    args: tuple[str, ...] = ("check", "--offline", "--format", "json", "campaigns/plain")
    code, out, err = _run(repository_ignores_lnk004, monkeypatch, capsys, *args)
    assert (code, _codes(json.loads(out))) == (0, {"plain": []}), err  # LNK004, A11Y, SUB
    args = ("check", "--offline", "--format", "json", "--ignore", "UNS", "campaigns/own-all")
    code, out, err = _run(repository_ignores_lnk004, monkeypatch, capsys, *args)
    assert _codes(json.loads(out)) == {"own-all": ["A11Y001", "LNK004", "SUB002"]}


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


def test_a_folder_config_that_extends_the_repositorys_shares_its_state_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The link/DNS caches of a campaign under ``extend = "../../mailcheck.toml"`` are the
    repository's ``.mailcheck/`` (the one CI keeps and ``pytest --mailcheck`` uses), not a
    second one in the folder (a QA probe: the caches split)."""
    from tests.ports import free_port

    monkeypatch.delenv("MAILCHECK_DB", raising=False)
    repo = tmp_path.resolve()
    # nothing listens at the nameserver: DNS is not answered, the caches are still opened
    (repo / "mailcheck.toml").write_text(
        f'[dns]\nnameservers = ["127.0.0.1:{free_port()}"]\ntimeout = 1\n[links]\ntimeout = 1\n',
        encoding="utf-8",
    )
    folder = repo / "campaigns" / "acme"
    write_campaign(folder, "bf")
    (folder / "mailcheck.toml").write_text(
        'extend = "../../mailcheck.toml"\nclient = "acme"\n', encoding="utf-8"
    )
    args = ("check", "--show-settings", "campaigns/acme/bf")
    code, out, _ = _run(repo, monkeypatch, capsys, *args)
    assert code == 0
    assert f"config file: {folder / 'mailcheck.toml'}\n" in out
    assert f"state directory (link cache): {repo / '.mailcheck'} (shared with" in out
    assert f"database: sqlite:///{repo / '.mailcheck' / 'mailcheck.db'} (" in out
    code, out, err = _run(repo, monkeypatch, capsys, "check", "--format", "json", "campaigns")
    assert code == 0, err
    (campaign,) = json.loads(out)["campaigns"]
    assert [f["code"] for f in campaign["findings"]] == ["A11Y001", "NET001"]
    shared = repo / ".mailcheck"
    assert {p.name for p in shared.iterdir()} >= {"links.sqlite", "dns.sqlite"}
    assert not (folder / ".mailcheck").exists()


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


def test_the_launch_table_names_the_teams_time_zone(tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from mailcheck.config import Config, ConfigError, load_config, settings_text

    (tmp_path / "pyproject.toml").write_text(
        '[tool.mailcheck.launch]\ntime-zone = "Asia/Yekaterinburg"\n', encoding="utf-8"
    )
    cfg = load_config(tmp_path)
    assert cfg.launch.time_zone == "Asia/Yekaterinburg"
    zone = cfg.launch.zone()
    assert zone is not None and zone.utcoffset(datetime(2026, 12, 1)) == timedelta(hours=5)
    assert '\n[launch]\ntime-zone = "Asia/Yekaterinburg"\n' in settings_text(cfg)
    assert Config().launch.zone() is None  # default: this machine's zone, as before
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mailcheck.launch]\ntime-zone = "+03:00"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as refused:
        load_config(tmp_path)
    assert str(refused.value).endswith(
        "pyproject.toml: [tool.mailcheck.launch]: time-zone '+03:00' is no time zone of the IANA "
        'database this system has: use a name such as "Europe/Moscow" or "UTC" (a zone\'s name, '
        "not an offset: the offset changes with daylight saving time)"
    )


def test_the_directories_above_a_batchs_campaigns_are_looked_at_once(tmp_path: Path) -> None:
    """The folders above a batch's campaigns are theirs in common: the nearest config of each
    campaign folder is its own or its parent's, asked through the run's cache (a walk up to
    the root for each campaign folder was ten file lookups a campaign)."""
    from mailcheck import config

    (tmp_path / "mailcheck.toml").write_text("subject-max = 70\n", encoding="utf-8")
    campaigns = tmp_path / "campaigns"
    for name in ("a", "b"):
        (campaigns / name).mkdir(parents=True)
    config._nearest.clear()
    found = [config.find_config(campaigns / name) for name in ("a", "b")]
    assert [f[0] if f else None for f in found] == [tmp_path / "mailcheck.toml"] * 2
    # the folders above them were answered once, and their answer is the same
    assert config._nearest[campaigns] == config._nearest[tmp_path] == found[0]
