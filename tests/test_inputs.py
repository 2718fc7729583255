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
