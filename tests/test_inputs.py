"""INP001: broken inputs are findings with a reason, and the rest of the batch is checked."""

from __future__ import annotations

from pathlib import Path

from mailcheck.config import Config
from mailcheck.engine import run
from tests.helpers import write_campaign


def test_broken_inputs_do_not_stop_the_batch(tmp_path: Path) -> None:
    write_campaign(tmp_path, "good")
    bad_toml = tmp_path / "bad-toml"
    bad_toml.mkdir()
    (bad_toml / "campaign.toml").write_text('subject = "unterminated\n')
    missing_html = tmp_path / "missing-html"
    missing_html.mkdir()
    (missing_html / "campaign.toml").write_text('subject = "Hi"\nhtml = "nope.html"\n')
    (tmp_path / "garbage.eml").write_bytes(b"\x00\x01\x02\xff\xfe" * 100)
    (tmp_path / "empty.html").write_bytes(b"")

    results = run([str(tmp_path)], Config(root=tmp_path), offline=True).results
    by_id = {r.campaign.id: r for r in results}
    assert set(by_id) == {"good", "bad-toml", "missing-html", "garbage", "empty"}
    for name in ("bad-toml", "missing-html", "garbage"):
        inp = [f for f in by_id[name].findings if f.code == "INP001"]
        assert inp and inp[0].message, name
        assert [f.code for f in by_id[name].findings] == ["INP001"], name
    assert "nope.html" in by_id["missing-html"].findings[0].message
    assert not [f for f in by_id["good"].findings if f.code == "INP001"]
    assert by_id["good"].ok


def test_an_unread_input_is_named_as_every_other_finding_names_its_file(tmp_path: Path) -> None:
    """INP001 and INP002 gave the path the batch found the input at (/work/…/mails/x.eml)
    where every other finding names the file within its campaign ("email.html:12",
    "send.eml:40"): the campaign's source already says where it is."""
    root = tmp_path / "batch"
    write_campaign(root, "fine")
    broken = root / "broken"
    broken.mkdir()
    (broken / "campaign.toml").write_text('subject = "Hi\n', encoding="utf-8")
    mails = root / "mails"
    mails.mkdir()
    (mails / "cut.eml").write_bytes(
        b'From: a@shop.test\nSubject: Hi\nContent-Type: multipart/alternative; boundary="b"\n\n'
        b"Hello\n"
    )
    (mails / "archive.mbox").write_bytes(
        b"From a@shop.test Mon Dec  7 10:00:00 2026\nFrom: a@shop.test\nSubject: 1\n\nx\n\n"
        b"From a@shop.test Mon Dec  7 10:00:00 2026\nFrom: a@shop.test\nSubject: 2\n\nx\n"
    )
    results = run([str(root)], Config(root=tmp_path), offline=True).results
    places = {
        Path(r.campaign.source).relative_to(root).as_posix(): [
            (f.code, f.places) for f in r.findings if f.code.startswith("INP")
        ]
        for r in results
    }
    assert places == {
        "fine/campaign.toml": [],
        "broken/campaign.toml": [("INP001", ("campaign.toml",))],
        "mails/cut.eml": [("INP001", ("cut.eml",))],
        "mails/archive.mbox": [("INP002", ("archive.mbox",))],
    }
