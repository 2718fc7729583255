"""PER001 on SendGrid (QA probe session 32, T2): a Handlebars template with SendGrid's Mail Send
unsubscribe-group tags (``<%asm_group_unsubscribe_raw_url%>``) is a dynamic template, filled
from the ``dynamic_template_data`` of the API call that sends it: its variables are that call's
data, one "could not verify" warning listing them all, as on Postmark. Without such a tag a
SendGrid Handlebars template may be a Marketing Campaigns one, filled from contact fields
(``{{first_name}}``): its variables stay errors.

The body of ``write_campaign`` starts at line 5 of email.html: body line k is email.html:4+k.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.model import CampaignResult, Severity
from mailcheck.templating.detect import explain_dialect
from tests.helpers import check, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=receipt"
SHOP = f'<p><a href="https://shop.test/orders?{UTM}">Your orders</a></p>'
RECEIPT = "<p>Order total: {{total}}</p>\n<p>Ship to: {{city}}, {{state}} {{zip}}</p>"
SOURCE = (
    "the data the sending application passes in the API call that sends the message "
    "(SendGrid's “dynamic_template_data”)"
)


def _run(tmp_path: Path, body: str, **kw: Any) -> CampaignResult:
    return check(write_campaign(tmp_path, body=body, subject="Your receipt", **kw))


def _body(unsubscribe: str) -> str:
    return f'{RECEIPT}\n{SHOP}\n<p><a href="{unsubscribe}">Unsubscribe</a></p>'


@pytest.mark.parametrize(
    "tag",
    [
        "<%asm_group_unsubscribe_raw_url%>",
        "<%asm_global_unsubscribe_raw_url%>",
        "<%asm_preferences_raw_url%>",
    ],
)
@pytest.mark.parametrize("esp", [None, "sendgrid"])
def test_a_dynamic_templates_variables_are_one_could_not_verify_warning(
    tmp_path: Path, tag: str, esp: str | None
) -> None:
    [per001] = only(_run(tmp_path, _body(tag), esp=esp), "PER001")
    assert per001.severity is Severity.WARNING
    assert per001.places == ("email.html:5", "email.html:6")
    assert per001.message.startswith(
        f"could not verify “total”, “city”, “state”, “zip”: they are {SOURCE}, which "
        "mailcheck cannot see, and a call without one of them prints it empty"
    )


def test_sendgrids_mail_send_tag_names_the_platform_of_plain_tags() -> None:
    text = _body("<%asm_group_unsubscribe_raw_url%>")
    detection = explain_dialect([text])
    assert (detection.dialect, detection.platform) == ("handlebars", "sendgrid")
    assert explain_dialect([_body("https://shop.test/unsub")]).platform is None


@pytest.mark.parametrize("esp", [None, "sendgrid"])
def test_without_a_mail_send_tag_the_variables_stay_errors(tmp_path: Path, esp: str | None) -> None:
    # Marketing Campaigns: {{{unsubscribe}}} and contact fields, not the call's data
    per001 = only(_run(tmp_path, _body("{{{unsubscribe}}}"), esp=esp), "PER001")
    assert [(f.severity, f.places) for f in per001] == [
        (Severity.ERROR, ("email.html:5",)),
        (Severity.ERROR, ("email.html:6",)),
        (Severity.ERROR, ("email.html:6",)),
        (Severity.ERROR, ("email.html:6",)),
    ]


@pytest.mark.parametrize(
    "hidden",
    ["<!-- <%asm_group_unsubscribe_raw_url%> -->", "{{!-- <%asm_group_unsubscribe_raw_url%> --}}"],
)
def test_a_mail_send_tag_in_a_comment_makes_no_dynamic_template(
    tmp_path: Path, hidden: str
) -> None:
    body = f"{RECEIPT}\n{SHOP}\n{hidden}\n" + '<p><a href="{{{unsubscribe}}}">Unsubscribe</a></p>'
    per001 = only(_run(tmp_path, body, esp="sendgrid"), "PER001")
    assert len(per001) == 4
    assert {f.severity for f in per001} == {Severity.ERROR}


def test_a_sample_that_gives_a_field_empty_is_still_the_error(tmp_path: Path) -> None:
    body = _body("<%asm_group_unsubscribe_raw_url%>")
    result = _run(
        tmp_path,
        body,
        samples="s.json",
        files={"s.json": '[{"total": "$5", "city": "", "state": "CA", "zip": "90210"}]'},
    )
    per001 = only(result, "PER001")
    assert [(f.severity, f.places) for f in per001] == [(Severity.ERROR, ("email.html:6",))]
    assert per001[0].message.startswith("“city” has no fallback or guard")
