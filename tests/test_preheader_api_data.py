"""PRE001 and a preheader made of the data the API call that sends it passes (QA probe,
session 31).

Postmark fills a template only from the `TemplateModel` of the sending call. A preheader
``{{commenter_name}}`` rendered empty here because mailcheck has no such data, and PRE001 said,
as a fact, that it "renders empty", quoting the variable as if it were what the reader sees;
PER001 already says it cannot verify the field. A sample recipient that gives the field shows
it, and one that gives it empty makes the empty preheader a fact again.
"""

from __future__ import annotations

import json
from pathlib import Path

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

PAGE = (
    '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>\n'
    '<span class="preheader" style="display:none">{{commenter_name}}</span>\n'
    "<p>Hello, {{commenter_name}} commented on your post.</p>\n"
    '<p><a href="{{{ pm:unsubscribe }}}">Unsubscribe</a></p></body></html>\n'
)


def _campaign(tmp_path: Path, samples: list[dict[str, str]] | None = None) -> Path:
    files = {"s.json": json.dumps(samples)} if samples is not None else {}
    return write_campaign(
        tmp_path,
        html=PAGE,
        esp="postmark",
        subject="New comment",
        samples="s.json" if samples is not None else None,
        files=files,
    )


def test_a_preheader_of_the_calls_unseen_data_is_not_said_to_render_empty(
    tmp_path: Path,
) -> None:
    result = check(_campaign(tmp_path))
    assert only(result, "PRE001") == []
    [per] = only(result, "PER001")  # the one finding of the cause, naming the preheader's line
    assert per.severity is Severity.WARNING
    assert per.locations == ("email.html:2", "email.html:3")
    assert per.message.startswith("could not verify “commenter_name”")


def test_a_sample_that_gives_the_field_renders_the_preheader(tmp_path: Path) -> None:
    result = check(_campaign(tmp_path, [{"commenter_name": "Ann"}]))
    assert only(result, "PRE001") == []


def test_a_sample_that_gives_the_field_empty_renders_it_empty(tmp_path: Path) -> None:
    result = check(_campaign(tmp_path, [{"commenter_name": ""}]))
    [pre] = only(result, "PRE001")
    assert pre.location == "preheader"
    assert pre.message.startswith("the preheader, “{{commenter_name}}”, renders empty")


def test_a_preheader_of_a_recipients_field_still_renders_empty(tmp_path: Path) -> None:
    # not the call's data (no esp): its emptiness is the template's, said as before
    result = check(write_campaign(tmp_path, html=PAGE.replace("{{{ pm:unsubscribe }}}", "#u")))
    [pre] = only(result, "PRE001")
    assert pre.message.startswith("the preheader, “{{commenter_name}}”, renders empty")
