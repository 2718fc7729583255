"""SUP001: a suppression comment that hides nothing is said, once per campaign, at its line.

Only when that is certain: the code's rule ran on the campaign, could judge it, and found
nothing where the comment applies (ruff's RUF100, unused-noqa). A comment naming a network
rule under --offline, a rule ignored in the configuration, a rule that cannot judge the
campaign (the headers unknown) or a place where a check could not verify is never reported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mailcheck.cli import main
from tests.helpers import write_campaign

A11Y = "A11Y"  # the accessibility rules judge the test HTML too: not what these tests are about
UNSUB = '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
HTTPS = '<p><a href="https://partner.test/promo">Партнёр</a></p>'
HTTP = '<p><a href="http://partner.test/promo">Партнёр</a></p>'


def _check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> dict[str, Any]:
    monkeypatch.chdir(tmp_path)
    main(["check", "--offline", "--format", "json", "--ignore", A11Y, *args, "c"])
    (campaign,) = json.loads(capsys.readouterr().out)["campaigns"]
    assert isinstance(campaign, dict)
    return campaign


def _sup001(campaign: dict[str, Any]) -> list[tuple[str, list[str], str]]:
    return [
        (f["severity"], f["locations"], f["message"])
        for f in campaign["findings"]
        if f["code"] == "SUP001"
    ]


def _line(tmp_path: Path, text: str, nth: int = 0) -> int:
    lines = (tmp_path / "c" / "email.html").read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(lines, start=1) if text in line][nth]


def test_a_stale_comment_is_one_warning_at_its_line_naming_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the link it was written for is https:// now: LNK004 ran and found nothing there
    write_campaign(tmp_path, "c", body=f"<!-- mailcheck: ignore LNK004 -->\n{HTTPS}\n{UNSUB}")
    line = _line(tmp_path, "mailcheck:")
    campaign = _check(tmp_path, monkeypatch, capsys)
    assert _sup001(campaign) == [
        (
            "warning",
            [f"email.html:{line}"],
            f"suppression comment hides nothing: no LNK004 finding where the comment on line "
            f"{line} applies; remove it, or it will hide a later one unseen",
        )
    ]
    assert [f["code"] for f in campaign["findings"]] == ["SUP001"]


def test_every_stale_comment_of_a_campaign_is_in_one_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the first comment hides an http:// link (not reported); of the second, LNK004 hides the
    # next http:// link and IMG001 nothing; the third is an ignore-file with nothing to hide
    body = (
        f"<!-- mailcheck: ignore LNK004 -->\n{HTTP}\n"
        f"<!-- mailcheck: ignore LNK004, IMG001 -->\n{HTTP}\n"
        f"<!-- mailcheck: ignore-file UNS001 -->\n{UNSUB}"
    )
    write_campaign(tmp_path, "c", body=body)
    second, third = _line(tmp_path, "mailcheck:", 1), _line(tmp_path, "mailcheck:", 2)
    campaign = _check(tmp_path, monkeypatch, capsys)
    assert _sup001(campaign) == [
        (
            "warning",
            [f"email.html:{second}", f"email.html:{third}"],
            f"2 suppression comments hide nothing (no finding of the code where each applies): "
            f"IMG001 on line {second}; UNS001 on line {third}; remove them, or they will hide "
            "later ones unseen",
        )
    ]
    hidden = [[f["code"] for f in s["suppressed"]] for s in campaign["suppressions"]]
    assert hidden == [["LNK004"], ["LNK004"], []]


def test_a_comment_that_hides_something_is_not_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    body = f"<!-- mailcheck: ignore LNK004 -->\n{HTTP}\n<!-- mailcheck: ignore-file UNS001 -->"
    write_campaign(tmp_path, "c", body=body)  # no unsubscribe link: UNS001, hidden
    campaign = _check(tmp_path, monkeypatch, capsys)
    assert campaign["findings"] == []
    hidden = [[f["code"] for f in s["suppressed"]] for s in campaign["suppressions"]]
    assert hidden == [["LNK004"], ["UNS001"]]


@pytest.mark.parametrize("comment", ["ignore LNK001", "ignore LNK", "ignore-file UNS004"])
def test_a_network_rule_under_offline_is_not_reported(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    comment: str,
) -> None:
    # offline, LNK001 (and UNS004) never ran: nothing says the comment hides nothing
    write_campaign(tmp_path, "c", body=f"<!-- mailcheck: {comment} -->\n{HTTPS}\n{UNSUB}")
    campaign = _check(tmp_path, monkeypatch, capsys)
    assert campaign["findings"] == []


@pytest.mark.parametrize("flag", ["--ignore", "--select"])
def test_a_code_the_configuration_turns_off_is_not_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    write_campaign(tmp_path, "c", body=f"<!-- mailcheck: ignore LNK004 -->\n{HTTPS}\n{UNSUB}")
    # --ignore LNK004: LNK004 did not run; --select SUB,SUP: neither did it
    value = f"{A11Y},LNK004" if flag == "--ignore" else "SUB,SUP"
    campaign = _check(tmp_path, monkeypatch, capsys, flag, value)
    assert campaign["findings"] == []


def test_sup001_ignored_in_the_configuration_says_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mailcheck.toml").write_text('ignore = ["SUP001"]\n', encoding="utf-8")
    write_campaign(tmp_path, "c", body=f"<!-- mailcheck: ignore LNK004 -->\n{HTTPS}\n{UNSUB}")
    assert _check(tmp_path, monkeypatch, capsys)["findings"] == []


def test_sup001_is_hidden_by_an_ignore_file_comment_like_any_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        f"<!-- mailcheck: ignore-file SUP001 -->\n<!-- mailcheck: ignore LNK004 -->\n{HTTPS}\n"
        f"{UNSUB}"
    )
    write_campaign(tmp_path, "c", body=body)
    campaign = _check(tmp_path, monkeypatch, capsys)
    assert campaign["findings"] == []
    hidden = [[f["code"] for f in s["suppressed"]] for s in campaign["suppressions"]]
    assert hidden == [["SUP001"], []]  # and the SUP001 comment itself is never reported


@pytest.mark.parametrize(
    "code",
    [
        "UNS002",  # judges headers: an HTML campaign without [headers] has none
        "BRF004",  # looks for the brief's [expect] text: there is none
        "RU002",  # for profile = "ru" only
    ],
)
def test_a_rule_that_cannot_judge_the_campaign_is_not_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], code: str
) -> None:
    body = f"<!-- mailcheck: ignore-file {code} -->\n{UNSUB}"
    write_campaign(tmp_path, "c", body=body)
    assert _check(tmp_path, monkeypatch, capsys)["findings"] == []


def test_a_rule_that_judged_the_headers_and_found_nothing_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the same comment once the headers are known and hold a List-Unsubscribe
    headers = {
        "List-Unsubscribe": "<https://shop.test/u>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    body = f"<!-- mailcheck: ignore-file UNS002 -->\n{UNSUB}"
    write_campaign(tmp_path, "c", body=body, tables={"headers": headers})
    line = _line(tmp_path, "mailcheck:")
    campaign = _check(tmp_path, monkeypatch, capsys)
    assert [(f["code"], f["location"]) for f in campaign["findings"]] == [
        ("SUP001", f"email.html:{line}")
    ]
    assert "no UNS002 finding" in campaign["findings"][0]["message"]


def test_the_text_output_says_it_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_campaign(tmp_path, "c", body=f"<!-- mailcheck: ignore LNK004 -->\n{HTTPS}\n{UNSUB}")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--offline", "--ignore", A11Y, "c"]) == 0  # a warning
    out = capsys.readouterr().out
    assert "warning SUP001" in out and "no LNK004 finding where the comment on line" in out


def test_the_rule_page_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", "SUP001"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# SUP001 suppression-hides-nothing")
    assert "Reports suppression comments that hide nothing." in out


# A Mindbox block mailcheck does not read: PER007 says what it prints is not verified
UNREAD = "<p>@{ if Recipient.Age > 18 }Вино.@{ else }Сок.@{ end if }</p>"
MINDBOX_UNSUB = '<p><a href="${ Recipient.UnsubscribeLink }">Отписаться</a></p>'


def test_a_could_not_verify_warning_of_the_family_where_it_applies_keeps_it_unreported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # PER006 ran and found nothing, but PER007 could not tell what the element prints: what
    # PER006 would say of it is not known, the comment may be needed
    body = f"<!-- mailcheck: ignore PER006 -->\n{UNREAD}\n{MINDBOX_UNSUB}"
    write_campaign(tmp_path, "c", body=body, esp="mindbox")
    block = _line(tmp_path, "Recipient.Age")
    campaign = _check(tmp_path, monkeypatch, capsys)
    assert [(f["code"], f["severity"], f["locations"]) for f in campaign["findings"]] == [
        ("PER007", "warning", [f"email.html:{block}"])
    ]


def test_a_warning_of_an_error_rule_of_the_family_keeps_it_unreported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # LNK003 is an error rule: its warning there (a top-level domain its list lacks) is its
    # "could not verify", whatever the words; LNK004 found nothing, the comment stays
    link = '<p><a href="https://partner.zzqx/promo">Партнёр</a></p>'
    write_campaign(tmp_path, "c", body=f"<!-- mailcheck: ignore LNK004 -->\n{link}\n{UNSUB}")
    at = _line(tmp_path, "partner.zzqx")
    campaign = _check(tmp_path, monkeypatch, capsys)
    assert [(f["code"], f["severity"], f["locations"]) for f in campaign["findings"]] == [
        ("LNK003", "warning", [f"email.html:{at}"])
    ]


def test_a_definite_warning_of_the_family_where_it_applies_leaves_it_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # LNK003 judged the link and found nothing; LNK004's http:// there is certain, no
    # "could not verify": the comment hides nothing
    write_campaign(tmp_path, "c", body=f"<!-- mailcheck: ignore LNK003 -->\n{HTTP}\n{UNSUB}")
    comment, link = _line(tmp_path, "mailcheck:"), _line(tmp_path, "partner.test")
    campaign = _check(tmp_path, monkeypatch, capsys)
    assert [(f["code"], f["severity"], f["locations"]) for f in campaign["findings"]] == [
        ("LNK004", "warning", [f"email.html:{link}"]),
        ("SUP001", "warning", [f"email.html:{comment}"]),
    ]
    assert "no LNK003 finding where the comment on line" in campaign["findings"][1]["message"]


# --- online: a real HTTP server on loopback -------------------------------------------------


def _online(tmp_path: Path, href: str, *also: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """SUP001 and the link rules' findings (code, severity, places) of a campaign whose link
    ``href`` has ``ignore LNK001`` before it, judged online on what the loopback server
    answered; ``also``: more codes to select."""
    import asyncio

    from mailcheck.config import Config, LinksConfig
    from mailcheck.engine import Source, judge, prepare
    from mailcheck.facts import Facts
    from mailcheck.net.links import gather_links

    body = f'<!-- mailcheck: ignore LNK001 -->\n<p><a href="{href}">Скидки</a></p>\n{UNSUB}'
    manifest = write_campaign(tmp_path, "c", body=body) / "campaign.toml"
    links = LinksConfig(allow_private=True, timeout=2.0, retries=0)
    cfg = Config(root=tmp_path, links=links, select=("LNK001", "LNK002", "SUP001", *also))
    c = prepare(Source(manifest, "c/campaign.toml", root=manifest.parent), cfg)
    results = asyncio.run(gather_links([c], cfg, use_cache=False, progress=False))
    found = judge(c, cfg, Facts(gathered=True, links=results), offline=False).findings
    return [(f.code, f.severity.value, f.places) for f in found]


@pytest.mark.network
def test_online_a_link_that_answers_well_makes_ignore_lnk001_stale(tmp_path: Path) -> None:
    from tests.http_server import running_server

    with running_server() as server:
        found = _online(tmp_path, server.url("/ok/page"))
    line = _line(tmp_path, "mailcheck:")
    assert found == [("SUP001", "warning", (f"email.html:{line}",))]


@pytest.mark.network
def test_online_a_host_that_is_down_leaves_ignore_lnk001_unjudged(tmp_path: Path) -> None:
    # connection refused: LNK002 speaks for the link, LNK001 could not judge it
    from tests.ports import refusing

    with refusing() as (base,):
        found = _online(tmp_path, f"{base}/sale")
    link = _line(tmp_path, "Скидки")
    assert found == [("LNK002", "error", (f"email.html:{link}",))]


@pytest.mark.network
def test_online_a_definite_warning_of_the_family_leaves_ignore_lnk001_stale(
    tmp_path: Path,
) -> None:
    # the loopback link answers 200 (LNK001 judged it: nothing) and is plain http://: LNK004's
    # warning there is certain, not a "could not verify", so the comment hides nothing
    from tests.http_server import running_server

    with running_server() as server:
        href = server.url("/ok/page")
        found = _online(tmp_path, href, "LNK004")
    assert href.startswith("http://")
    comment, link = _line(tmp_path, "mailcheck:"), _line(tmp_path, "Скидки")
    assert found == [
        ("LNK004", "warning", (f"email.html:{link}",)),
        ("SUP001", "warning", (f"email.html:{comment}",)),
    ]


def test_a_comment_whose_code_is_found_elsewhere_in_the_campaign_is_not_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # LNK004 is found in the text part, no line of the HTML: the comment before the link
    # hides nothing there, but "remove it" would be wrong advice (a finding's place can miss
    # the comment's: a template's loop, another file)
    body = f"<!-- mailcheck: ignore LNK004 -->\n{HTTPS}\n{UNSUB}"
    text = "Скидки: http://partner.test/promo\nОтписаться: https://shop.test/unsubscribe\n"
    write_campaign(tmp_path, "c", body=body, text="email.txt", files={"email.txt": text})
    campaign = _check(tmp_path, monkeypatch, capsys)
    assert [(f["code"], f["location"]) for f in campaign["findings"]] == [("LNK004", "email.txt:1")]
    assert _sup001(campaign) == []
