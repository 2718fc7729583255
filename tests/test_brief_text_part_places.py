"""BRF001-003 in the plain-text part name its file and line (QA probe, session 31).

The HTML part's dummy text, stale dates and garbled words were placed at their lines
("email.html:10"), the text part's at "text part" alone, where PER001 and the LNK rules name
"email.txt:3": in text, JSON and SARIF the reader could not go to the line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailcheck.cli import main
from tests.helpers import check, only, write_campaign, write_test_send

HTML = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Autumn news</title>'
    "</head><body>\n"
    '<div style="display:none">Three short stories from the shop this autumn</div>\n'
    "<p>Hello, here is our autumn letter with three short stories.</p>\n"
    '<p><a href="https://shop.test/unsub">Unsubscribe</a></p></body></html>\n'
)
TEXT = (
    "Hello, here is our autumn letter with three short stories.\n"  # 1
    "\n"
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n"  # 3
    "The sale ends on 1 March 2020.\n"  # 4
    "CafÃ© opening soon â€” come by.\n"  # 5
    "Again: lorem ipsum.\n"  # 6
    "\n"
    "Unsubscribe: https://shop.test/unsub\n"
)
EXPECTED = {
    "BRF001": ("text.txt:3", "text.txt:6"),
    "BRF002": ("text.txt:4",),
    "BRF003": ("text.txt:5",),
}


def _campaign(tmp_path: Path) -> Path:
    return write_campaign(
        tmp_path,
        html=HTML,
        text="text.txt",
        send_at="2026-12-10T10:00:00+00:00",
        files={"text.txt": TEXT},
    )


def test_a_campaigns_text_part_findings_name_its_lines(tmp_path: Path) -> None:
    result = check(_campaign(tmp_path))
    for code, places in EXPECTED.items():
        [found] = only(result, code)
        assert (found.location, found.locations) == (places[0], places), code
    [dummy] = only(result, "BRF001")  # the message still says which part
    assert dummy.message.endswith("(text part)")


def test_a_bare_html_files_text_part_beside_it(tmp_path: Path) -> None:
    (tmp_path / "news.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "news.txt").write_text(TEXT, encoding="utf-8")
    result = check(tmp_path / "news.html")
    for code, places in EXPECTED.items():
        [found] = only(result, code)
        assert found.locations == tuple(p.replace("text.txt", "news.txt") for p in places), code


def test_text_json_and_sarif_name_the_text_parts_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _campaign(tmp_path)
    select = ["--select", "BRF001,BRF002,BRF003"]
    main(["check", str(d), "--offline", *select])
    lines = [x.split()[2] for x in capsys.readouterr().out.splitlines() if " BRF00" in x]
    assert lines == ["text.txt:3,", "text.txt:4:", "text.txt:5:"]
    main(["check", str(d), "--offline", *select, "--format", "json"])
    [campaign] = json.loads(capsys.readouterr().out)["campaigns"]
    assert {f["code"]: tuple(f["locations"]) for f in campaign["findings"]} == EXPECTED
    main(["check", str(d), "--offline", *select, "--format", "sarif"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    spots = {
        (
            r["ruleId"],
            loc["physicalLocation"]["artifactLocation"]["uri"].rsplit("/", 1)[-1],
            loc["physicalLocation"]["region"]["startLine"],
        )
        for r in results
        for loc in r["locations"]
    }
    assert spots == {
        ("BRF001", "text.txt", 3),
        ("BRF001", "text.txt", 6),
        ("BRF002", "text.txt", 4),
        ("BRF003", "text.txt", 5),
    }


def test_a_test_sends_text_part_and_a_lost_character(tmp_path: Path) -> None:
    sent = write_test_send(
        tmp_path / "sent.eml",
        text="Hello\n\nPrice: 1 000 \ufffd\nhttps://shop.test/u".encode(),
        html=b'<p>Hello</p><p><a href="https://shop.test/u">Unsubscribe</a></p>',
    )
    [found] = only(check(sent), "BRF003")
    assert found.locations == ("sent.eml:12",)  # (line 3 of the part: the file's)


def test_text_the_part_renders_from_a_variable_names_the_part(tmp_path: Path) -> None:
    # not written so in the file: the part's file, without a line
    d = write_campaign(
        tmp_path,
        html=HTML,
        text="text.txt",
        template="jinja",
        samples="s.json",
        files={"text.txt": "Hello\n{{ intro }}\n", "s.json": '[{"intro": "Lorem ipsum dolor"}]'},
    )
    [found] = only(check(d), "BRF001")
    assert found.locations == ("text.txt",)


# Review probe R, item 5: a text was placed wherever it stood inside a longer token too — the
# masked card's "XXXXXXXXXXXX1111" for "XXXXXX" (a card BRF001 lets pass), "201.01.20199" for
# "01.01.2019" — in the text part and, since before, in the HTML
PROBE_TEXT = (
    "Hello,\n"
    "Paid with VISA XXXXXXXXXXXX1111 thanks.\n"  # 2
    "Sale is on.\n"
    "Order 201.01.20199 ref\n"  # 4
    "Code: XXXXXX\n"  # 5
    "Date 01.01.2019\n"  # 6
)
PROBE_HTML = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Hi</title></head><body>\n'
    "<p>Paid with VISA XXXXXXXXXXXX1111 thanks.</p>\n"  # 2
    "<p>Sale is on.</p>\n"
    "<p>Order 201.01.20199 ref</p>\n"  # 4
    "<p>Code: XXXXXX</p>\n"  # 5
    "<p>Date 01.01.2019</p>\n"  # 6
    '<p><a href="https://shop.test/unsub">Unsubscribe</a></p></body></html>\n'
)


def _places(tmp_path: Path, html: str, text: str | None) -> dict[str, list[tuple[str, ...]]]:
    files = {"email.txt": text} if text is not None else {}
    campaign = write_campaign(tmp_path, html=html, text="email.txt" if text else None, files=files)
    result = check(campaign)
    return {code: [f.locations for f in only(result, code)] for code in ("BRF001", "BRF002")}


def test_a_text_parts_token_is_placed_where_it_stands_whole(tmp_path: Path) -> None:
    html = PROBE_HTML.replace("Code: XXXXXX", "Code: 0").replace("Date 01.01.2019", "Date")
    assert _places(tmp_path, html, PROBE_TEXT) == {
        "BRF001": [("email.txt:5",)],
        "BRF002": [("email.txt:6",)],
    }


def test_an_html_token_is_placed_where_it_stands_whole(tmp_path: Path) -> None:
    assert _places(tmp_path, PROBE_HTML, None) == {
        "BRF001": [("email.html:5",)],
        "BRF002": [("email.html:6",)],
    }


def test_a_token_inside_longer_ones_alone_names_the_part(tmp_path: Path) -> None:
    # written whole nowhere (the date's digits split by markup): the part, not another line
    html = PROBE_HTML.replace("Date 01.01.2019", "Date <b>01</b>.01.2019")
    assert _places(tmp_path, html, None)["BRF002"] == [("email.html",)]


def test_a_run_quoted_from_inside_a_word_is_placed_at_that_words_line(tmp_path: Path) -> None:
    # BRF001 quotes "ааааааа" of "Урааааааа!": no reader reads it whole, so the line of the
    # word it is part of, in the text part and the HTML alike
    html = PROBE_HTML.replace("Sale is on.", "Урааааааа!")
    text = PROBE_TEXT.replace("Sale is on.", "Урааааааа!")
    [found] = only(
        check(write_campaign(tmp_path, html=html, text="email.txt", files={"email.txt": text})),
        "BRF001",
    )
    assert "ааааааа" in found.message
    assert found.locations == ("email.html:3", "email.html:5", "email.txt:3", "email.txt:5")
