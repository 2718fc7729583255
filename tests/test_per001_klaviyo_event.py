"""PER001 on Klaviyo (QA probe session 32, T2): ``{{ event.X }}`` is a property of the event that
triggers the message, which the API call or integration that records the event passes, never
a recipient's profile field: mailcheck cannot see whether it is there, so the event's fields
without a fallback are one "could not verify" warning listing them all. Profile fields
(``{{ first_name }}``, ``{{ person.X }}``) and bare names stay errors, and ``event.`` is
Klaviyo's only: on another platform, or none named, it stays an error.

The body of ``write_campaign`` starts at line 5 of email.html: body line k is email.html:4+k.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.model import CampaignResult, Severity
from tests.helpers import check, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=payment"
SHOP = f'<p><a href="https://shop.test/billing?{UTM}">Billing</a></p>'
UNSUB = "<p>{% unsubscribe %}</p>"
EVENT = "<p>Plan: {{ event.plan_name }}, paid {{ event.amount_paid }}</p>"
SOURCE = (
    "the properties of the event that triggers the message, which the API call or the "
    "integration that records the event passes (Klaviyo's “event”)"
)


def _run(tmp_path: Path, body: str, **kw: Any) -> CampaignResult:
    return check(write_campaign(tmp_path, body=body, subject="Payment received", **kw))


def test_klaviyos_event_fields_are_one_could_not_verify_warning(tmp_path: Path) -> None:
    body = f"{EVENT}\n{SHOP}\n<p>Paid on {{{{ event.date }}}}</p>\n{UNSUB}"
    [per001] = only(_run(tmp_path, body, esp="klaviyo"), "PER001")
    assert per001.severity is Severity.WARNING
    assert per001.places == ("email.html:5", "email.html:7")
    assert per001.message.startswith(
        f"could not verify “event.plan_name”, “event.amount_paid”, “event.date”: they are "
        f"{SOURCE}, which mailcheck cannot see"
    )


def test_klaviyos_profile_fields_stay_errors_beside_the_event_warning(tmp_path: Path) -> None:
    body = (
        "<p>Hi {{ first_name }},</p>\n"
        f"{EVENT}\n"
        "<p>Card: {{ person.card_brand }}</p>\n"
        "<p>Plan: {{ plan_name }}</p>\n"
        f"{SHOP}\n{UNSUB}"
    )
    per001 = only(_run(tmp_path, body, esp="klaviyo"), "PER001")
    found = sorted((f.severity.value, f.places, f.message.split(":")[0]) for f in per001)
    assert found == [
        ("error", ("email.html:5",), "“first_name” has no fallback or guard"),
        ("error", ("email.html:7",), "“person.card_brand” has no fallback or guard"),
        ("error", ("email.html:8",), "“plan_name” has no fallback or guard"),
        ("warning", ("email.html:6",), "could not verify “event.plan_name”, “event.amount_paid”"),
    ]


@pytest.mark.parametrize("esp", [None, "shopify", "braze"])
def test_event_is_klaviyos_only(tmp_path: Path, esp: str | None) -> None:
    body = f"{EVENT}\n{SHOP}\n" + '<p><a href="https://shop.test/unsub">Unsubscribe</a></p>'
    per001 = only(_run(tmp_path, body, esp=esp, template="liquid"), "PER001")
    assert [(f.severity, f.places) for f in per001] == [
        (Severity.ERROR, ("email.html:5",)),
        (Severity.ERROR, ("email.html:5",)),
    ]


def test_a_sample_that_gives_an_event_field_empty_is_the_error(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        f"{EVENT}\n{SHOP}\n{UNSUB}",
        esp="klaviyo",
        samples="s.json",
        files={"s.json": '[{"event": {"plan_name": "Pro", "amount_paid": ""}}]'},
    )
    per001 = only(result, "PER001")
    assert [(f.severity, f.places) for f in per001] == [(Severity.ERROR, ("email.html:5",))]
    assert per001[0].message.startswith("“event.amount_paid” has no fallback or guard")
