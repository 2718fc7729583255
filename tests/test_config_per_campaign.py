"""Settings a client's own config makes for its campaigns, whatever else the run checks.

An agency's repository has a root config and client folders with their own (hierarchical, as
ruff's: each campaign uses the closest config above it). ``[links] offline``, the report
language and ``strict-plugins`` were decided once per run, by the first PATH's config: the
order of the arguments (or pytest's rootdir) chose whether a client's broken link was asked
for, and in which language its findings were said.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailcheck.cli import main
from tests.helpers import write_campaign
from tests.http_server import ScriptedServer, running_server

pytestmark = pytest.mark.network

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"

# loopback only: links to the scripted server, DNS to a port where nothing listens
NETWORK = """\
[tool.mailcheck]
ignore = ["SPF", "DKIM", "DMARC", "A11Y", "NET", "DOM", "LNK004"]

[tool.mailcheck.links]
offline = {offline}
allow-private = true
timeout = 2
retries = 0

[tool.mailcheck.dns]
nameservers = ["127.0.0.1:9"]
timeout = 1
blocklists = false
"""


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with running_server() as s:
        yield s


def agency(root: Path, server: ScriptedServer, *, root_offline: bool, client_offline: bool) -> None:
    """``root/pyproject.toml`` and a client folder whose mailcheck.toml extends it and sets
    only ``[links] offline``; a campaign in each with a dead link and an unsubscribe link."""
    flag = "true" if root_offline else "false"
    (root / "pyproject.toml").write_text(NETWORK.format(offline=flag), encoding="utf-8")
    client = root / "clients" / "volga"
    client.mkdir(parents=True)
    (client / "mailcheck.toml").write_text(
        'extend = "../../pyproject.toml"\n[links]\noffline = '
        + ("true" if client_offline else "false")
        + "\n",
        encoding="utf-8",
    )
    for where, name in ((root / "campaigns", "house"), (client, "winter")):
        write_campaign(
            where,
            name,
            body=f"""<p><a href="{server.url(f"/status/404/{name}?{UTM}")}">Shop</a></p>
            <p><a href="{server.url(f"/unsub/{name}")}">Unsubscribe</a></p>""",
        )


def check(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, list[tuple[str, str, str]]], str]:
    monkeypatch.chdir(root)
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr()
    found = {
        c["id"]: sorted((f["code"], f["severity"], f.get("url") or "") for f in c["findings"])
        for c in json.loads(out.out)["campaigns"]
    }
    return code, found, out.err


def test_a_client_config_online_is_checked_online_from_the_root(
    tmp_path: Path,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `check .` at an offline root passed the online client's broken link (exit 0)
    agency(tmp_path, server, root_offline=True, client_offline=False)
    code, found, err = check(tmp_path, monkeypatch, capsys, ".")
    assert code == 1, err
    assert found["winter"] == [("LNK001", "error", server.url(f"/status/404/winter?{UTM}"))]
    assert found["house"] == []  # offline: its dead link is not asked for
    assert server.count(f"/status/404/winter?{UTM}") == 1
    assert server.count(f"/status/404/house?{UTM}") == 0
    assert server.unsubscribe_methods == {"winter": ["HEAD"]}
    # the order of the PATHs changes nothing
    again = check(tmp_path, monkeypatch, capsys, "--no-cache", "campaigns", "clients")
    assert again[:2] == (1, found)


def test_a_client_config_offline_is_never_requested_from_an_online_root(
    tmp_path: Path,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the client's offline was ignored: its links requested, even a HEAD to its unsubscribe
    agency(tmp_path, server, root_offline=False, client_offline=True)
    code, found, _ = check(tmp_path, monkeypatch, capsys, ".")
    assert code == 1
    assert found["house"] == [("LNK001", "error", server.url(f"/status/404/house?{UTM}"))]
    assert found["winter"] == []
    assert server.count(f"/status/404/winter?{UTM}") == 0
    assert server.unsubscribe_methods == {"house": ["HEAD"]}


def test_offline_on_the_command_line_is_offline_for_every_config(
    tmp_path: Path,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    agency(tmp_path, server, root_offline=False, client_offline=False)
    code, found, _ = check(tmp_path, monkeypatch, capsys, "--offline", ".")
    assert (code, found) == (0, {"house": [], "winter": []})
    assert server.total() == 0


def test_a_link_of_two_online_configs_is_asked_once(
    tmp_path: Path,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Two configs with the same network settings (the client's differs in language only)
    are gathered together: each unique URL once."""
    (tmp_path / "pyproject.toml").write_text(NETWORK.format(offline="false"), encoding="utf-8")
    client = tmp_path / "clients" / "rosa"
    client.mkdir(parents=True)
    (client / "mailcheck.toml").write_text(
        'extend = "../../pyproject.toml"\n[report]\nlanguage = "ru"\n', encoding="utf-8"
    )
    dead = server.url(f"/status/404/shared?{UTM}")
    body = (
        f'<p><a href="{dead}">Shop</a></p><p><a href="{server.url("/unsub/x")}">Unsubscribe</a></p>'
    )
    write_campaign(tmp_path / "campaigns", "house", body=body)
    write_campaign(client, "spring", body=body)
    code, found, _ = check(tmp_path, monkeypatch, capsys, ".")
    assert code == 1
    assert found == {"house": [("LNK001", "error", dead)], "spring": [("LNK001", "error", dead)]}
    assert server.count(f"/status/404/shared?{UTM}") == 1
    assert server.unsubscribe_methods == {"x": ["HEAD"]}


LONG_SUBJECT = "Распродажа выходного дня: минус тридцать процентов на всё"  # 57 characters
SUB002_EN = "  error   SUB002   subject: subject is 57 characters, limit 50: "
SUB002_RU = "  error   SUB002   тема: в теме 57 симв. при ограничении 50: "


@pytest.fixture
def two_languages(tmp_path: Path) -> Path:
    """An offline root in English and a client folder whose config extends it in Russian,
    a campaign with a 57-character subject in each."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mailcheck]\nignore = ["A11Y"]\n[tool.mailcheck.links]\noffline = true\n',
        encoding="utf-8",
    )
    client = tmp_path / "clients" / "rosa"
    client.mkdir(parents=True)
    (client / "mailcheck.toml").write_text(
        'extend = "../../pyproject.toml"\n[report]\nlanguage = "ru"\n', encoding="utf-8"
    )
    write_campaign(tmp_path / "campaigns", "house", subject=LONG_SUBJECT)
    write_campaign(client, "spring", subject=LONG_SUBJECT)
    return tmp_path


@pytest.mark.parametrize(
    ("paths", "summary"),
    [
        ((".",), "2 campaigns checked: 2 with errors; 2 errors, 0 warnings."),
        (("campaigns", "clients/rosa"), "2 campaigns checked: 2 with errors; 2 errors"),
        (("clients/rosa", "campaigns"), "проверено 2 кампании: из них с ошибками — 2; 2 ошибки"),
    ],
)
def test_each_campaign_is_said_in_its_configs_language(
    two_languages: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    paths: tuple[str, ...],
    summary: str,
) -> None:
    # the first PATH's language was everyone's: `check .` said the Russian client's in English
    monkeypatch.chdir(two_languages)
    assert main(["check", *paths]) == 1
    out = capsys.readouterr().out.splitlines()
    house = out.index(next(line for line in out if "[house, client default]" in line))
    spring = out.index(next(line for line in out if "[spring, клиент default]" in line))
    assert out[house + 1].startswith(SUB002_EN)
    assert out[spring + 1].startswith(SUB002_RU)
    assert sum(line.startswith(("  error", "  warning")) for line in out) == 2
    # the run's own lines: the language of the first PATH's config
    assert out[-1].startswith(summary)


def test_lang_on_the_command_line_is_every_campaigns_language(
    two_languages: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(two_languages)
    assert main(["check", "--lang", "en", "."]) == 1
    out = capsys.readouterr().out.splitlines()
    assert sum(line.startswith(SUB002_EN) for line in out) == 2
    assert not [line for line in out if "тема:" in line]


def test_pytest_items_fail_in_their_campaigns_language(
    two_languages: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    for name in ("CI", "BUILD_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(two_languages)
    result = pytester.runpytest("--mailcheck", "-p", "no:cacheprovider", str(two_languages))
    result.assert_outcomes(failed=2)
    failed = sorted(line for line in result.outlines if line.startswith("FAILED"))
    assert failed == [
        "FAILED campaigns/house/campaign.toml::mailcheck - SUB002 subject: subject is 57 "
        f"characters, limit 50: “{LONG_SUBJECT}”",
        "FAILED clients/rosa/spring/campaign.toml::mailcheck - SUB002 тема: в теме 57 симв. при "
        f"ограничении 50: «{LONG_SUBJECT}»",
    ]


def test_pytest_checks_each_campaign_online_as_its_config_says(
    tmp_path: Path,
    server: ScriptedServer,
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`pytest --mailcheck` decided the network from the rootdir's config, and its header said
    "with network checks" even when that config was offline."""
    monkeypatch.setenv("COLUMNS", "300")
    for name in ("CI", "BUILD_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    agency(tmp_path, server, root_offline=True, client_offline=False)
    monkeypatch.chdir(tmp_path)
    result = pytester.runpytest("--mailcheck", "-p", "no:cacheprovider", str(tmp_path))
    result.assert_outcomes(failed=1, passed=1)
    header = [line for line in result.outlines if line.startswith("mailcheck: ")]
    assert header[0].startswith("mailcheck: checking campaigns (passes cached in ")
    assert header[1] == (
        "mailcheck: 2 campaigns checked with network checks for 1 of 2 campaigns, offline "
        "for 1 (its config's [links] offline)"
    )
    failed = [line for line in result.outlines if line.startswith("FAILED")]
    assert failed == [
        "FAILED clients/volga/winter/campaign.toml::mailcheck - LNK001 email.html:5: link is "
        "broken: 404 Not Found"
    ]
    assert server.count(f"/status/404/house?{UTM}") == 0
    assert server.unsubscribe_methods == {"winter": ["HEAD"]}
    # the root's campaign passed offline: its pass is stored as one without the network
    passes = json.loads((tmp_path / ".mailcheck" / "pytest-pass.json").read_text())["passes"]
    assert [(p["path"], p["network"]) for p in passes.values()] == [
        ("campaigns/house/campaign.toml", False)
    ]


@pytest.mark.parametrize(("flag", "said"), [((), "offline"), (("--mailcheck-offline",), "offline")])
def test_pytest_says_offline_when_every_config_is(
    tmp_path: Path,
    server: ScriptedServer,
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    flag: tuple[str, ...],
    said: str,
) -> None:
    agency(tmp_path, server, root_offline=True, client_offline=not flag)
    monkeypatch.chdir(tmp_path)
    result = pytester.runpytest("--mailcheck", "--collect-only", *flag, str(tmp_path))
    lines = [line for line in result.outlines if line.startswith("mailcheck: ")]
    assert lines[1] == f"mailcheck: 2 campaigns checked {said}"
    assert not [line for line in result.outlines if "with network checks" in line]
    assert server.total() == 0


def test_show_settings_of_a_folder_names_the_configs_its_campaigns_use(
    tmp_path: Path,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # showed the root's `offline = true` alone, while `check .` checks the client online
    agency(tmp_path, server, root_offline=True, client_offline=False)
    (tmp_path / "clients" / "plain").mkdir()
    (tmp_path / "clients" / "plain" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--show-settings", "."]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"config file: {tmp_path / 'pyproject.toml'}\n")
    assert out.endswith(
        "\nconfigs below . that apply to the campaigns below them instead (each campaign uses "
        "its closest config; --show-settings on their paths shows theirs):\n"
        "  clients/volga/mailcheck.toml\n"
    )
    assert main(["check", "--show-settings", "clients/volga"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"config file: {tmp_path / 'clients' / 'volga' / 'mailcheck.toml'}\n")
    assert "\noffline = false\n" in out and "configs below" not in out


def test_a_client_configs_network_settings_are_its_campaigns(
    tmp_path: Path,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The root allows loopback targets, a client's config does not: the client's link is
    refused (never requested), the root's is asked, in one run from the root."""
    agency(tmp_path, server, root_offline=False, client_offline=False)
    (tmp_path / "clients" / "volga" / "mailcheck.toml").write_text(
        'extend = "../../pyproject.toml"\n[links]\nallow-private = false\n', encoding="utf-8"
    )
    code, found, _ = check(tmp_path, monkeypatch, capsys, ".")
    assert code == 1
    assert found["house"] == [("LNK001", "error", server.url(f"/status/404/house?{UTM}"))]
    # judged as its config says: a loopback target is no link a recipient can open
    assert found["winter"] == [
        ("LNK003", "error", server.url(f"/status/404/winter?{UTM}")),
        ("UNS001", "error", server.url("/unsub/winter")),
    ]
    assert server.count(f"/status/404/winter?{UTM}") == 0
    assert server.count(f"/status/404/house?{UTM}") == 1
    assert server.unsubscribe_methods == {"house": ["HEAD"]}
