"""PER001 and PER002 about what mailcheck cannot see (session 32).

* A sample that gives a field of Postmark's API call empty ("") shows a call that prints
  nothing there: PER001 an error naming that sample, not "could not verify".
* PER002's places in a test send's text part are where the broken text stands as a whole token
  ("Hello None" is not in "Hello Nonetheless"): rules.text_part_places, not a search of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign, write_test_send


def _postmark(tmp_path: Path, html: str, samples: list[dict[str, str]]) -> Path:
    return write_campaign(
        tmp_path,
        html=html,
        esp="postmark",
        subject="New comment",
        samples="s.json",
        files={"s.json": json.dumps(samples)},
    )


def _page(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>\n'
        '<span class="preheader" style="display:none">New comment on your post</span>\n'
        f"{body}\n"
        '<p><a href="{{{ pm:unsubscribe }}}">Unsubscribe</a></p></body></html>\n'
    )


def test_a_sample_giving_an_api_field_empty_makes_per001_an_error(tmp_path: Path) -> None:
    html = _page("<p>Dear {{name}}</p>\n<p>Thanks.</p>")
    result = check(_postmark(tmp_path, html, [{"name": "Bob"}, {"name": ""}]))
    [per] = only(result, "PER001")
    assert per.severity is Severity.ERROR
    assert per.locations == ("email.html:3",)
    assert per.message == (
        "“name” has no fallback or guard, and a sample recipient gives it empty (sample 2): "
        "that message prints nothing in its place"
    )


def test_samples_that_give_an_api_field_a_value_leave_it_alone(tmp_path: Path) -> None:
    html = _page("<p>Dear {{name}}</p>\n<p>Thanks.</p>")
    assert only(check(_postmark(tmp_path, html, [{"name": "Bob"}])), "PER001") == []


def test_per002_places_a_test_sends_broken_text_at_its_whole_words(tmp_path: Path) -> None:
    path = write_test_send(
        tmp_path / "send.eml",
        text=b"We say Hello Nonetheless.\r\n\r\nHello None, welcome\r\nBye",
        html=b"<p>Hello Anna, welcome</p><a href='https://shop.test/u'>Unsubscribe</a>",
    )
    [per] = only(check(path), "PER002")
    assert per.message == "broken text: “Hello None”"
    assert per.locations == ("send.eml:12",)
