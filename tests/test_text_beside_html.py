"""A bare HTML file's plain-text part kept beside it under the same stem (Postmark's templates:
content.html + content.txt) is checked as its text part, as if campaign.toml named it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mailcheck.config import Config
from mailcheck.engine import run
from mailcheck.model import CampaignResult
from reports.jsonout import as_dict
from reports.text import format_campaign
from tests.helpers import CLEAN_BODY, HTML_TEMPLATE, check, only, write_campaign

PREHEADER = '<div style="display:none">Only this weekend: 30% off everything</div>'


def _html(body: str = CLEAN_BODY) -> str:
    return HTML_TEMPLATE.format(title="Weekend sale", preheader=PREHEADER, body=body)


def _bare(
    directory: Path, text: bytes | None, *, name: str = "content", body: str = CLEAN_BODY
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    html = directory / f"{name}.html"
    html.write_text(_html(body), encoding="utf-8")
    if text is not None:
        (directory / f"{name}.txt").write_bytes(text)
    return html


def _per001(result: CampaignResult) -> dict[str, tuple[str, ...]]:
    """PER001's findings by the variable each names (“first_name” …), with their places."""
    return {f.message.split("”")[0].lstrip("“"): f.places for f in only(result, "PER001")}


def _json_campaign(result: CampaignResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(as_dict([result])))
    (campaign,) = data["campaigns"]
    return dict(campaign)


def test_the_same_stem_txt_is_the_text_part(tmp_path: Path) -> None:
    html = _bare(tmp_path / "welcome", b"Hi {{ first_name }},\n\nShop: https://shop.test/sale\n")
    # a .txt of another stem is no part of it (a template repository's README.txt)
    (tmp_path / "welcome" / "README.txt").write_text("Hello {{ reader }}\n", encoding="utf-8")

    result = check(html.parent)

    campaign = result.campaign
    assert (campaign.text_file, campaign.text_label, campaign.text_paired) == (
        "content.txt",
        "content.txt",
        True,
    )
    assert campaign.text is not None and campaign.text.startswith("Hi {{ first_name }}")
    # the text part's variable is checked, at its file and line; README.txt's is not read
    assert _per001(result) == {"first_name": ("content.txt:1",)}
    assert not only(result, "INP001")
    # where the text part came from is said: on the campaign's line and in the JSON
    head = format_campaign(result).splitlines()[0]
    assert head.endswith("[content, client default, text part content.txt]  1 error, 1 warning")
    assert _json_campaign(result)["text_file"] == "content.txt"
    assert ("text", str(html.with_suffix(".txt"))) in campaign.source_files  # the launch's hash


def test_another_stem_alone_is_not_taken(tmp_path: Path) -> None:
    html = _bare(tmp_path / "c", None)
    (tmp_path / "c" / "README.txt").write_text("Hi {{ first_name }}\n", encoding="utf-8")
    (tmp_path / "c" / "content.text").write_text("Hi {{ last_name }}\n", encoding="utf-8")

    result = check(html.parent)

    assert (result.campaign.text_file, result.campaign.text_known) == (None, False)
    assert not only(result, "PER001")
    assert not only(result, "TXT001")  # a bare HTML's text part stays unknown, as before
    assert "text part" not in format_campaign(result).splitlines()[0]
    assert _json_campaign(result)["text_file"] is None


def test_an_htm_file_named_on_the_command_line_takes_its_txt(tmp_path: Path) -> None:
    (tmp_path / "promo.htm").write_text(_html(), encoding="utf-8")
    (tmp_path / "promo.txt").write_text("Dear {{ name }},\n", encoding="utf-8")

    results = run([str(tmp_path / "promo.htm")], Config(root=tmp_path), offline=True).results

    (result,) = results
    assert result.campaign.text_file == "promo.txt"
    assert _per001(result) == {"name": ("promo.txt:1",)}


def test_campaign_toml_names_its_own_text(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        "bf",
        text="other.txt",
        files={"email.txt": "Hi {{ paired }}\n", "other.txt": "Hi {{ named }}\n"},
    )

    result = check(d)

    assert (result.campaign.text_file, result.campaign.text_paired) == ("other.txt", False)
    assert _per001(result) == {"named": ("other.txt:1",)}
    # the text part the manifest names is its own choice: not said on the campaign's line
    assert "text part" not in format_campaign(result).splitlines()[0]


def test_campaign_toml_without_text_takes_its_htmls_txt(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, "bf", files={"email.txt": "Hi {{ paired }}\n"})

    result = check(d)

    assert (result.campaign.text_file, result.campaign.text_paired) == ("email.txt", True)
    assert _per001(result) == {"paired": ("email.txt:1",)}


def test_a_txt_in_utf16_without_its_mark_is_inp001_and_the_html_still_checked(
    tmp_path: Path,
) -> None:
    body = CLEAN_BODY.replace("<p>Hello!</p>", "<p>Hello {{ first_name }}!</p>")
    html = _bare(tmp_path / "c", "Hi {{ last_name }}\n".encode("utf-16-le"), body=body)

    result = check(html.parent)

    (inp,) = only(result, "INP001")
    assert inp.severity.value == "error"
    assert inp.places == ("content.txt",)
    assert inp.message == (
        "text file 'content.txt' is binary data (or UTF-16 without a byte-order mark: save it "
        "as UTF-8)"
    )
    assert (result.campaign.text_file, result.campaign.text_known) == (None, False)
    # the HTML was checked all the same: its variable, at its line; nothing of the text part
    assert _per001(result) == {"first_name": ("content.html:5",)}
    assert "text part" not in format_campaign(result).splitlines()[0]


def test_a_txt_in_windows_1251_is_read_as_campaign_toml_reads_one(tmp_path: Path) -> None:
    text = "Привет, {{ first_name }}! Скидки на всё\n".encode("cp1251")
    html = _bare(tmp_path / "bare", text)
    named = write_campaign(tmp_path, "named", text="email.txt")
    (named / "email.txt").write_bytes(text)

    bare, manifest = check(html.parent), check(named)

    for result, name in ((bare, "content.txt"), (manifest, "email.txt")):
        assert result.campaign.text == text.decode("cp1251")
        (brf,) = only(result, "BRF003")
        assert brf.places == (name,)
        assert _per001(result) == {"first_name": (f"{name}:1",)}
    assert only(bare, "BRF003")[0].message == only(manifest, "BRF003")[0].message.replace(
        "email.txt", "content.txt"
    )


def test_campaign_toml_names_a_utf16_text_without_its_mark(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, "bf", text="email.txt")
    (d / "email.txt").write_bytes("Hi {{ name }}\n".encode("utf-16-le"))

    result = check(d)

    # named, it is the campaign's own: the campaign is not read (as an html it names)
    assert [(f.code, f.message) for f in result.findings] == [
        (
            "INP001",
            "text file 'email.txt' is binary data (or UTF-16 without a byte-order mark: save "
            "it as UTF-8)",
        )
    ]


def test_json_output_names_the_text_file(tmp_path: Path) -> None:
    html = _bare(tmp_path / "c", b"Hello\n\nhttps://shop.test/unsubscribe\n")
    results = run([str(html)], Config(root=tmp_path), offline=True).results
    data = json.loads(json.dumps(as_dict(results)))
    (campaign,) = data["campaigns"]
    assert set(campaign) == {
        "id",
        "source",
        "client",
        "ok",
        "findings",
        "suppressions",
        "skipped",
        "text_file",
    }
    assert campaign["text_file"] == "content.txt" and campaign["skipped"] is False


def test_the_txt_named_on_the_command_line_checks_its_html(tmp_path: Path, capsys: Any) -> None:
    html = _bare(tmp_path / "c", b"Hi {{ first_name }},\n")
    text = html.with_suffix(".txt")

    results = run([str(text), str(html)], Config(root=tmp_path), offline=True).results

    (result,) = results  # the campaign of both, checked once
    assert result.campaign.source == str(html)
    assert result.campaign.text_file == "content.txt"
    assert _per001(result) == {"first_name": ("content.txt:1",)}
    assert not only(result, "INP001")  # (it was: "'content.txt' has no header block …")
    assert f"{text} is the text part of {html}: checking that campaign" in capsys.readouterr().err
