"""Inline suppression comments: ``ignore`` (next element) and ``ignore-file`` (the campaign).

Each one is listed in the JSON output with the findings it hid, so a reviewer sees what was
silenced; unknown codes and comments not understood are configuration errors (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mailcheck.cli import main
from tests.helpers import write_campaign

# the accessibility rules judge the test HTML too (no lang=…); these tests are about other things
A11Y = "A11Y"

UNSUB = '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'


def _json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--offline", "--format", "json", "--ignore", A11Y, "c"])
    (campaign,) = json.loads(capsys.readouterr().out)["campaigns"]
    return code, campaign


def _where(findings: object) -> list[tuple[str, str]]:
    assert isinstance(findings, list)
    return [(f["code"], f["location"]) for f in findings]


def test_ignore_hides_the_code_on_the_next_element_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    body = f"""<!-- mailcheck: ignore LNK004 -->
<table><tr><td>
  <a href="http://partner.test/promo">Партнёр</a>
</td></tr></table>
<p><a href="http://news.partner.test/sale">Скидки</a></p>
{UNSUB}"""
    write_campaign(tmp_path, "c", body=body)
    html = (tmp_path / "c" / "email.html").read_text(encoding="utf-8").splitlines()
    partner = 1 + next(i for i, line in enumerate(html) if "partner.test" in line)
    shop = 1 + next(i for i, line in enumerate(html) if "news.partner.test" in line)
    comment = 1 + next(i for i, line in enumerate(html) if "mailcheck:" in line)
    code, campaign = _json(tmp_path, monkeypatch, capsys)
    assert code == 0
    assert _where(campaign["findings"]) == [("LNK004", f"email.html:{shop}")]  # no SUP001
    (suppression,) = campaign["suppressions"]
    assert suppression["codes"] == ["LNK004"] and suppression["scope"] == "element"
    assert suppression["location"] == f"email.html:{comment}"
    assert _where(suppression["suppressed"]) == [("LNK004", f"email.html:{partner}")]


def test_ignore_file_hides_the_code_everywhere_and_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    body = """<!-- mailcheck: ignore-file UNS001 -->
<p><a href="https://shop.test/sale?utm_source=email&utm_medium=email&utm_campaign=bf">Shop</a></p>"""
    write_campaign(tmp_path, "c", body=body)
    code, campaign = _json(tmp_path, monkeypatch, capsys)
    assert code == 0
    assert campaign["findings"] == []
    (suppression,) = campaign["suppressions"]
    assert (suppression["codes"], suppression["scope"]) == (["UNS001"], "file")
    assert [f["code"] for f in suppression["suppressed"]] == ["UNS001"]


def test_a_suppression_that_hid_nothing_is_listed_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_campaign(
        tmp_path, "c", body=f"<!-- mailcheck: ignore IMG001, LNK004 -->\n<p>Привет</p>\n{UNSUB}"
    )
    code, campaign = _json(tmp_path, monkeypatch, capsys)
    assert code == 0  # SUP001 says so: a warning
    assert _where(campaign["findings"]) == [("SUP001", "email.html:5")]
    (suppression,) = campaign["suppressions"]
    assert (suppression["codes"], suppression["suppressed"]) == (["IMG001", "LNK004"], [])


def test_without_the_comment_the_finding_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_campaign(
        tmp_path, "c", body=f'<p><a href="http://partner.test/promo">Партнёр</a></p>\n{UNSUB}'
    )
    code, campaign = _json(tmp_path, monkeypatch, capsys)
    assert code == 0  # a warning
    assert [f["code"] for f in campaign["findings"]] == ["LNK004"]
    assert campaign["suppressions"] == []


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        (
            "<!-- mailcheck: ignore LNK04 -->",
            "suppression comment: unknown rule code or prefix 'LNK04' (did you mean LNK004?)",
        ),
        (
            "<!-- mailcheck: ignore-file FOO123 -->",
            "suppression comment: unknown rule code or prefix 'FOO123'",
        ),
        (
            "<!-- mailcheck: ignroe LNK004 -->",
            "suppression comment not understood: 'mailcheck: ignroe LNK004'",
        ),
    ],
)
def test_bad_suppression_comment_is_a_configuration_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    comment: str,
    expected: str,
) -> None:
    write_campaign(tmp_path, "c", body=f"{comment}\n<p>Привет</p>\n{UNSUB}")
    html = (tmp_path / "c" / "email.html").read_text(encoding="utf-8").splitlines()
    line = 1 + next(i for i, text in enumerate(html) if "mailcheck:" in text)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--offline", "c"]) == 2
    err = capsys.readouterr().err
    assert f"c/campaign.toml: email.html:{line}: {expected}" in err


def test_a_suppression_comment_before_the_html_tag_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the first line of a file, before <html>, is where ignore-file is written; lxml keeps
    # such a comment outside the document's tree, and it was passed over
    html = "<!-- mailcheck: ignore-file UNS001 -->\n<html><body><p>Hi</p></body></html>\n"
    write_campaign(tmp_path, "c", html=html)
    _, campaign = _json(tmp_path, monkeypatch, capsys)
    (suppression,) = campaign["suppressions"]
    assert (suppression["codes"], suppression["scope"]) == (["UNS001"], "file")
    assert [f["code"] for f in suppression["suppressed"]] == ["UNS001"]
    assert "UNS001" not in [f["code"] for f in campaign["findings"]]


def test_a_comment_in_the_html_does_not_hide_the_text_parts_line_of_the_same_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the comment covers the table's lines; the text part's http:// link is on one of those
    # numbers, in another file: it stays (it hid it before, a silent pass)
    body = f"""<!-- mailcheck: ignore LNK004 -->
<table><tr><td>
  <p>Скидки недели</p>
  {UNSUB}
</td></tr></table>"""
    write_campaign(tmp_path, "c", body=body)
    html = (tmp_path / "c" / "email.html").read_text(encoding="utf-8").splitlines()
    comment = 1 + next(i for i, line in enumerate(html) if "mailcheck:" in line)
    line = comment + 2  # a line of the table the comment covers, in the HTML
    text = (
        "Привет\n" * (line - 1)
        + "http://partner.test/promo\nОтписаться: https://shop.test/unsubscribe\n"
    )
    write_campaign(tmp_path, "c", body=body, text="email.txt", files={"email.txt": text})
    _code, campaign = _json(tmp_path, monkeypatch, capsys)
    assert [(c, w) for c, w in _where(campaign["findings"]) if c == "LNK004"] == [
        ("LNK004", f"email.txt:{line}")
    ]
    (suppression,) = campaign["suppressions"]
    assert suppression["suppressed"] == []


def test_a_comment_before_a_start_tag_written_over_several_lines_hides_its_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # lxml places the <a> at its ">" (two lines below "<a"); the finding names the tag's first
    # line, which the comment's element now starts at
    body = f"""<!-- mailcheck: ignore LNK004 -->
<a
   class="btn"
   href="http://partner.test/promo">Партнёр</a>
{UNSUB}"""
    write_campaign(tmp_path, "c", body=body)
    html = (tmp_path / "c" / "email.html").read_text(encoding="utf-8").splitlines()
    comment = 1 + next(i for i, line in enumerate(html) if "mailcheck:" in line)
    code, campaign = _json(tmp_path, monkeypatch, capsys)
    assert code == 0
    assert _where(campaign["findings"]) == []  # no LNK004, no SUP001
    (suppression,) = campaign["suppressions"]
    assert suppression["location"] == f"email.html:{comment}"
    assert _where(suppression["suppressed"]) == [("LNK004", f"email.html:{comment + 1}")]


def test_a_finding_partly_hidden_counts_and_names_only_what_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # three http:// links, one finding; the comment hides the partner's: the message said
    # "3 plain http:// URLs (partner.test, …)" with two places
    body = f"""<p><a href="http://news.other.test/sale">Скидки</a></p>
<!-- mailcheck: ignore LNK004 -->
<p><a href="http://partner.test/promo">Партнёр</a></p>
<p><a href="http://blog.other.test/">Блог</a></p>
{UNSUB}"""
    write_campaign(tmp_path, "c", body=body)
    html = (tmp_path / "c" / "email.html").read_text(encoding="utf-8").splitlines()
    news, partner, blog = (
        1 + next(i for i, line in enumerate(html) if host in line)
        for host in ("news.other.test", "partner.test", "blog.other.test")
    )
    code, campaign = _json(tmp_path, monkeypatch, capsys)
    assert code == 0
    assert [
        (f["code"], f["severity"], f["locations"], f["message"]) for f in campaign["findings"]
    ] == [
        (
            "LNK004",
            "warning",
            [f"email.html:{news}", f"email.html:{blog}"],
            "2 plain http:// URLs (news.other.test, blog.other.test)",
        )
    ]
    (suppression,) = campaign["suppressions"]
    assert _where(suppression["suppressed"]) == [("LNK004", f"email.html:{partner}")]
