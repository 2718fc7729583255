"""Fields whose value mailcheck cannot see, in quotes, lengths and places (session 32).

* PRE001 quoted the body's first text with the fields no sample gives rendered empty, gluing the
  words around them ("[Product Name] By at View the comment"): they are shown as "[name]", as a
  measured text shows what the send fills in.
* PRE002 was silent about a preheader holding the API call's fields no sample gives: they render
  empty here, so its length is not known ("could not verify", a warning).
"""

from __future__ import annotations

import json
from pathlib import Path

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign


def _page(preheader: str, body: str, unsubscribe: str = "{{{ pm:unsubscribe }}}") -> str:
    pre = f'<span class="preheader" style="display:none">{preheader}</span>\n' if preheader else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>\n'
        f"{pre}{body}\n"
        f'<p><a href="{unsubscribe}">Unsubscribe</a></p></body></html>\n'
    )


def _postmark(tmp_path: Path, html: str, samples: list[dict[str, str]] | None = None) -> Path:
    files = {"s.json": json.dumps(samples)} if samples is not None else {}
    return write_campaign(
        tmp_path,
        html=html,
        esp="postmark",
        subject="New comment",
        samples="s.json" if samples is not None else None,
        files=files,
    )


COMMENT = "<p>By {{commenter_name}} at {{timestamp}}</p>\n<p>View the comment</p>"


def test_first_text_quotes_an_unseen_field_where_it_stands(tmp_path: Path) -> None:
    [pre] = only(check(_postmark(tmp_path, _page("", COMMENT))), "PRE001")
    assert pre.location == "preheader"
    assert pre.message == (
        "no preheader (preview text) found: inboxes show the first text instead, "
        "“By [commenter_name] at [timestamp] View the comment Unsubscr…”"
    )


def test_first_text_quotes_a_recipients_field_without_fallback_so_too(tmp_path: Path) -> None:
    # no sample, no fallback: nothing stands there as rendered either
    html = _page("", COMMENT, unsubscribe="https://shop.test/u")
    [pre] = only(check(write_campaign(tmp_path, html=html)), "PRE001")
    assert "“By [commenter_name] at [timestamp] View the comment Unsubscr…”" in pre.message


def test_first_text_quotes_a_field_a_sample_gives_as_given(tmp_path: Path) -> None:
    samples = [{"commenter_name": "Ann", "timestamp": "noon"}]
    [pre] = only(check(_postmark(tmp_path, _page("", COMMENT), samples)), "PRE001")
    assert "“By Ann at noon View the comment Unsubscribe”" in pre.message


INVOICE = (
    "This is an invoice for your purchase on {{ purchase_date }}. Please submit payment by "
    "{{ due_date }}"
)


def test_pre002_cannot_verify_a_preheader_with_unseen_api_fields(tmp_path: Path) -> None:
    result = check(_postmark(tmp_path, _page(INVOICE, "<p>Your invoice.</p>")))
    [pre] = only(result, "PRE002")
    assert pre.severity is Severity.WARNING
    assert pre.location == "preheader"
    assert pre.message == (
        "could not verify the preheader's length: 66 characters, limit 90, and then what the "
        "send fills in (“purchase_date”, “due_date”): “This is an invoice for your purchase "
        "on [purchase_date]. Please submit payment by [due_date]”"
    )


def test_pre002_measures_api_fields_a_sample_gives(tmp_path: Path) -> None:
    samples = [{"purchase_date": "1 Jan", "due_date": "2 Feb"}]
    result = check(_postmark(tmp_path, _page(INVOICE, "<p>Your invoice.</p>"), samples))
    assert only(result, "PRE002") == []


def test_pre002_is_silent_about_a_recipients_field_without_samples(tmp_path: Path) -> None:
    # not the API call's data: measured with its fallback (none), as the design says; PER001
    # is its finding
    html = _page(INVOICE, "<p>Your invoice.</p>", unsubscribe="https://shop.test/u")
    result = check(write_campaign(tmp_path, html=html))
    assert only(result, "PRE002") == []


def test_pre002_says_a_preheader_of_api_fields_alone_is_only_what_the_send_fills_in(
    tmp_path: Path,
) -> None:
    """A preheader that is nothing but a field of the API call's data ("{{preheader}}") was
    said to be "0 characters, limit 90, and then what the send fills in" (QA probe, session
    32): no character of it is known, and none is mailcheck's to count. One PRE002 warning
    says so; PER001 is the field's finding, PRE001 says nothing (no second finding)."""
    result = check(_postmark(tmp_path, _page("{{preheader}}", "<p>Your invoice.</p>")))
    [pre] = only(result, "PRE002")
    assert (pre.severity, pre.location) == (Severity.WARNING, "preheader")
    assert pre.message == (
        "could not verify the preheader's length: it is only what the send fills in "
        "(“preheader”), which mailcheck cannot see: “[preheader]”"
    )
    assert only(result, "PRE001") == [] and len(only(result, "PER001")) == 1
    # written in campaign.toml, with spaces inside the tag: the same
    d = write_campaign(
        tmp_path / "toml",
        html=_page("", "<p>Your invoice.</p>"),
        esp="postmark",
        subject="New comment",
        preheader="{{ preheader_text }}",
    )
    [pre] = only(check(d), "PRE002")
    assert (pre.severity, pre.location) == (Severity.WARNING, "preheader")
    assert pre.message == (
        "could not verify the preheader's length: it is only what the send fills in "
        "(“preheader_text”), which mailcheck cannot see: “[preheader_text]”"
    )
