"""PER001 after a review probe (probe R, per/C3, per/C7): a Postmark sample that breaks the text
is certain, a link or a Postmark tag in a comment is none, a declared Handlebars template with
Postmark's tags is Postmark's, and one field is said in the singular.

The body of ``write_campaign`` starts at line 5 of email.html: body line k is email.html:4+k.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.model import CampaignResult, Severity
from mailcheck.templating.detect import explain_dialect
from tests.helpers import check, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
SHOP = f'<p><a href="https://shop.test/sale?{UTM}">Catalogue</a></p>'
UNSUB = '<p><a href="https://shop.test/unsub">Unsubscribe</a></p>'
HI = f"<p>Hi {{{{first_name}}}},</p>\n{SHOP}\n{UNSUB}"


def _run(tmp_path: Path, body: str, **kw: Any) -> CampaignResult:
    return check(write_campaign(tmp_path, body=body, subject="Spring sale", **kw))


def _samples(tmp_path: Path, body: str, samples: str, **kw: Any) -> CampaignResult:
    return _run(tmp_path, body, samples="s.json", files={"s.json": samples}, **kw)


# -- 1. a sample recipient's data that breaks the text is certain, on Postmark too ------------


@pytest.mark.parametrize("esp", ["postmark", None])
def test_a_sample_that_gives_an_empty_field_is_the_error_on_any_platform(
    tmp_path: Path, esp: str | None
) -> None:
    result = _samples(tmp_path, HI, '[{"first_name": ""}]', esp=esp, template="handlebars")
    [per001] = only(result, "PER001")
    assert per001.severity is Severity.ERROR
    assert per001.places == ("email.html:5",)
    assert per001.message == (
        '“first_name” has no fallback or guard: with first_name = "" the text reads “Hi ,”; '
        "sample 1 would receive it"
    )
    assert only(result, "PER002") == []  # one root cause, one finding


def test_postmark_samples_without_the_field_are_told_to_give_it_not_to_give_samples(
    tmp_path: Path,
) -> None:
    result = _samples(tmp_path, HI, '[{"city": "Leeds"}]', esp="postmark")
    [per001] = only(result, "PER001")
    assert per001.severity is Severity.WARNING
    assert per001.places == ("email.html:5",)
    assert "give sample recipients" not in per001.message
    assert "give it in the sample recipients, as a call passes it" in per001.message


def test_postmark_one_field_is_said_in_the_singular(tmp_path: Path) -> None:
    [per001] = only(_run(tmp_path, HI, esp="postmark"), "PER001")
    assert per001.severity is Severity.WARNING
    assert per001.message.startswith(
        "could not verify “first_name”: it is a field of the data the sending application "
        "passes in the API call that sends the message (Postmark's “TemplateModel”), which "
        "mailcheck cannot see, and a call without it prints it empty"
    )
    assert "Give it a fallback in the template, or, to check it, give sample" in per001.message


# -- 2. a link in a comment is no link: it exempts no use printed as text ---------------------


@pytest.mark.parametrize(
    "comment",
    ['<!-- <a href="{{login_url}}">x</a> -->', '{{!-- <a href="{{login_url}}">x</a> --}}'],
)
@pytest.mark.parametrize("between", ["", "\n"])
def test_a_link_in_a_comment_does_not_exempt_the_url_printed_as_text(
    tmp_path: Path, comment: str, between: str
) -> None:
    body = f"{comment}{between}<p>Login page: {{{{login_url}}}}</p>\n{SHOP}\n{UNSUB}"
    [per001] = only(_run(tmp_path, body, template="handlebars"), "PER001")
    assert per001.severity is Severity.ERROR
    assert "“login_url”" in per001.message
    assert per001.places == (("email.html:6",) if between else ("email.html:5",))


def test_a_real_link_still_exempts_it(tmp_path: Path) -> None:
    body = f'<a href="{{{{login_url}}}}">x</a><p>Login page: {{{{login_url}}}}</p>\n{SHOP}\n{UNSUB}'
    assert only(_run(tmp_path, body, template="handlebars"), "PER001") == []


# -- 3. Postmark's own tags: not in a comment; declared Handlebars too -------------------------


@pytest.mark.parametrize(
    "comment", ["{{!-- {{{ pm:unsubscribe }}} --}}", "{{!-- {{{ @content }}} --}}"]
)
def test_a_postmark_tag_in_a_template_comment_is_no_marker(tmp_path: Path, comment: str) -> None:
    detection = explain_dialect([f"{comment}<p>Hi {{{{first_name}}}},</p>"])
    assert detection.platform is None
    [per001] = only(_run(tmp_path, f"{comment}{HI}"), "PER001")
    assert per001.severity is Severity.ERROR
    assert per001.places == ("email.html:5",)


@pytest.mark.parametrize("declared", ["handlebars", None])
@pytest.mark.parametrize("marker", ["<p>{{{ pm:unsubscribe }}}</p>", "{{{ @content }}}"])
def test_a_postmark_tag_makes_a_declared_handlebars_template_postmarks(
    tmp_path: Path, declared: str | None, marker: str
) -> None:
    [per001] = only(_run(tmp_path, f"{marker}{HI}", template=declared), "PER001")
    assert per001.severity is Severity.WARNING
    assert per001.places == ("email.html:5",)
    assert "Postmark's “TemplateModel”" in per001.message


def test_a_declared_template_comment_marker_stays_an_error(tmp_path: Path) -> None:
    body = "{{!-- {{{ pm:unsubscribe }}} --}}" + HI
    [per001] = only(_run(tmp_path, body, template="handlebars"), "PER001")
    assert per001.severity is Severity.ERROR
