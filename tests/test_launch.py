"""The launch gate's parts: what is recorded, who launched, the content hash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from mailcheck.commands.launch import (
    as_json,
    build_attempt,
    ci_job,
    launched_by,
    launched_links,
)
from mailcheck.config import Config
from mailcheck.facts import Facts, LinkResult
from mailcheck.loaders import load
from mailcheck.model import Campaign, CampaignResult, Document, Finding, Link, Rendered, Severity
from mailcheck.store import open_store
from mailcheck.store.content import content_hash

NOW = datetime(2026, 11, 27, 6, 55, tzinfo=UTC)
ERR = Finding(
    "LNK001",
    "link-broken",
    Severity.ERROR,
    "404 Not Found",
    "email.html:4",
    "https://shop.test/old",
)
WARN = Finding("IMG001", "image-alt", Severity.WARNING, "no alt", "email.html:7")  # fmt: skip


def rendered_campaign(tmp_path: Path, **kw: Any) -> Campaign:
    links = [
        Link("https://shop.test/sale?utm_source=email", "a", "Купить"),
        Link("https://shop.test/old", "a", "Old"),
        Link("https://cdn.shop.test/b.png", "img", "Баннер"),
        Link("https://shop.test/unsubscribe", "a", "Отписаться"),
        Link("mailto:help@shop.test", "a", "Написать"),
        Link("#top", "a", "Наверх"),
    ]
    doc = Document(title="Sale", links=links)
    base: dict[str, object] = {
        "id": "acme-black-friday",
        "source": str(tmp_path / "bf" / "campaign.toml"),
        "kind": "toml",
        "client": "acme",
        "renders": [Rendered({}, "fallbacks", "Sale", None, "<html/>", None, doc)],
    }
    base.update(kw)
    return Campaign(**base)  # type: ignore[arg-type]


def test_the_attempt_records_links_verdicts_and_send_at(tmp_path: Path) -> None:
    msk = timezone(timedelta(hours=3))
    campaign = rendered_campaign(tmp_path, send_at=datetime(2026, 11, 27, 10, 0, tzinfo=msk))
    facts = Facts(
        gathered=True,
        links={
            "https://shop.test/sale?utm_source=email": LinkResult("u", "ok", 200),
            "https://shop.test/old": LinkResult("u", "broken", 404, "404 Not Found"),
        },
    )
    result = CampaignResult(campaign, [ERR, WARN])
    attempt = build_attempt(
        result, facts, client=None, force=False, reason=None, by="anna", job=None, now=NOW
    )
    assert attempt.status == "refused" and not attempt.forced
    assert attempt.client == "acme" and attempt.campaign == "acme-black-friday"
    assert attempt.send_at == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    assert [(lk.url, lk.purpose, lk.verdict, lk.status) for lk in attempt.links] == [
        ("https://shop.test/sale?utm_source=email", "link", "ok", 200),
        ("https://shop.test/old", "link", "broken", 404),
        ("https://cdn.shop.test/b.png", "image", None, None),  # not in the facts: unknown
        ("https://shop.test/unsubscribe", "unsubscribe", None, None),
    ]
    forced = build_attempt(
        result, facts, client="ACME Retail", force=True, reason="клиент настоял",
        by="anna", job="github:acme/mail#77", now=NOW,
    )  # fmt: skip
    assert (forced.status, forced.forced, forced.client) == ("launched", True, "ACME Retail")
    clean = build_attempt(
        CampaignResult(campaign, [WARN]), facts, client=None, force=True, reason="r", by="a",
        job=None, now=NOW,
    )  # fmt: skip
    assert clean.status == "launched" and not clean.forced  # nothing was forced through


def test_offline_launch_records_links_as_unchecked(tmp_path: Path) -> None:
    result = CampaignResult(rendered_campaign(tmp_path), [])
    links = launched_links(result, Facts())
    assert {lk.verdict for lk in links} == {None}
    assert len(links) == 4  # mailto: and #anchors are not web links


def test_a_local_send_at_means_local_time(tmp_path: Path) -> None:
    naive = datetime(2026, 11, 27, 10, 0)
    campaign = rendered_campaign(tmp_path, send_at=naive)
    attempt = build_attempt(
        CampaignResult(campaign, []), Facts(), client=None, force=False, reason=None, by="a",
        job=None, now=NOW,
    )  # fmt: skip
    assert attempt.send_at == naive.astimezone()


def test_who_and_which_ci_job() -> None:
    assert launched_by("Мария", {"USER": "root"}) == "Мария"
    assert launched_by(None, {"GITHUB_ACTOR": "octocat", "USER": "runner"}) == "octocat"
    assert launched_by(None, {"MAILCHECK_USER": "bot", "GITHUB_ACTOR": "x"}) == "bot"
    assert launched_by(None, {"USER": "anna"}) == "anna"
    assert launched_by(None, {}) != ""
    gh = {"GITHUB_RUN_ID": "123", "GITHUB_REPOSITORY": "acme/mail", "GITHUB_RUN_ATTEMPT": "2"}
    assert ci_job(gh) == "github:acme/mail#123.2"
    assert ci_job({"CI_JOB_ID": "9", "CI_PROJECT_PATH": "ag/acme"}) == "gitlab:ag/acme#9"
    assert ci_job({"CI_JOB_ID": "9"}) == "ci:9"
    assert ci_job({"BUILD_TAG": "jenkins-mail-42"}) == "jenkins:jenkins-mail-42"
    assert ci_job({"HOME": "/root"}) is None


def test_launch_json_shape(tmp_path: Path) -> None:
    result = CampaignResult(rendered_campaign(tmp_path), [ERR])
    attempt = build_attempt(
        result, Facts(), client=None, force=True, reason="ok", by="a", job=None, now=NOW
    )
    with open_store(f"sqlite:///{tmp_path}/log.db") as st:
        row = st.record_launch(attempt)
    data = as_json(row, result)
    assert data["version"] == 1
    launch = data["launch"]
    assert isinstance(launch, dict)
    assert {k: launch[k] for k in ("id", "status", "campaign", "client")} == {
        "id": row.id,
        "status": "launched",
        "campaign": "acme-black-friday",
        "client": "acme",
    }
    assert launch["launched_at"] == "2026-11-27T06:55:00+00:00"
    assert data["findings"] == [ERR.to_json()]


# -- content hash ------------------------------------------------------------------------


def _campaign_dir(tmp_path: Path) -> Path:
    d = tmp_path / "bf"
    d.mkdir()
    (d / "campaign.toml").write_text(
        'id = "bf"\nsubject = "Скидки"\ntext = "email.txt"\nsamples = "r.csv"\n', encoding="utf-8"
    )
    (d / "email.html").write_text("<p>Привет</p>", encoding="utf-8")
    (d / "email.txt").write_text("Привет", encoding="utf-8")
    (d / "r.csv").write_text("first_name\nАнна\n", encoding="utf-8")
    (d / "notes.md").write_text("not part of the campaign")
    return d


def _loaded(path: Path) -> Campaign:
    return load(path, str(path), Config(root=path.parent))


def test_content_hash_covers_the_manifest_and_the_files_it_names(tmp_path: Path) -> None:
    d = _campaign_dir(tmp_path)
    campaign = _loaded(d / "campaign.toml")
    roles = [role for role, _ in campaign.source_files]
    assert roles == ["manifest", "html", "text", "samples"]
    first = content_hash(campaign)
    assert len(first) == 64 and first == content_hash(campaign)
    (d / "notes.md").write_text("changed")
    assert content_hash(campaign) == first  # not a campaign file
    for name, text in [("email.html", "<p>Привет!</p>"), ("r.csv", "first_name\nОля\n"),
                       ("email.txt", "Привет!"), ("campaign.toml", 'id = "bf"\n')]:  # fmt: skip
        before = content_hash(campaign)
        (d / name).write_text(text, encoding="utf-8")
        assert content_hash(campaign) != before, name


def test_content_hash_follows_the_html_the_loader_chose(tmp_path: Path) -> None:
    d = _campaign_dir(tmp_path)
    (d / "web-version.html").write_text("<p>web</p>", encoding="utf-8")
    campaign = _loaded(d / "campaign.toml")
    assert campaign.load_error is None
    assert ("html", str(d / "email.html")) in campaign.source_files
    before = content_hash(campaign)
    (d / "email.html").write_text("<p>Привет, мир</p>", encoding="utf-8")
    assert content_hash(campaign) != before
    after = content_hash(campaign)
    (d / "web-version.html").write_text("<p>changed</p>", encoding="utf-8")
    assert content_hash(campaign) == after


def test_content_hash_of_a_single_file(tmp_path: Path) -> None:
    eml = tmp_path / "send.eml"
    eml.write_bytes(b"Subject: =?koi8-r?B?8NLJ18XU?=\r\n\r\n" + "Привет".encode("koi8-r"))
    campaign = _loaded(eml)
    first = content_hash(campaign)
    eml.write_bytes(eml.read_bytes() + b"!")
    assert content_hash(campaign) != first
    missing = Campaign(id="x", source=str(tmp_path / "gone.html"), kind="html")
    assert len(content_hash(missing)) == 64  # an unreadable input still gets an identity
