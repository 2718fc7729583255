"""UNS001 where the declared ESP adds its own unsubscribe footer to a template without its tag.

Mailchimp, Klaviyo and Unisender Go document that they add a footer with an unsubscribe link
to an e-mail whose template lacks their unsubscribe tag: the recipient sees a way out, so no
error; mailcheck cannot see that footer's words or place, so a "could not verify" warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

# A Mailchimp campaign's body (P.A.'s probe: a footer with the list's company and address,
# no *|UNSUB|*)
MAILCHIMP_BODY = """
<p>*|IF:FNAME|*Hello *|FNAME|*,*|ELSE:|*Hello,*|END:IF|*</p>
<p>Twelve new books arrived for long evenings.</p>
<p><a href="https://shop.test/autumn?utm_source=email&amp;utm_medium=email&amp;utm_campaign=autumn">See the autumn titles</a></p>
<p>*|LIST:COMPANY|*, *|HTML:LIST_ADDRESS_HTML|*</p>
"""
UNSUBSCRIBE = '<p><a href="*|UNSUB|*">Unsubscribe</a></p>'
FOOTER = (
    "could not verify: no unsubscribe link in the template, and {platform} adds its own "
    "footer with one to an e-mail without its unsubscribe tag ({tag}): check a test send for "
    "what the footer says and where it stands"
)


def test_mailchimp_without_its_tag_is_one_warning(tmp_path: Path) -> None:
    result = check(write_campaign(tmp_path, body=MAILCHIMP_BODY, esp="mailchimp"))
    assert [(f.severity, f.location, f.message) for f in only(result, "UNS001")] == [
        (
            Severity.WARNING,
            "email.html",
            FOOTER.format(platform="Mailchimp", tag="*|UNSUB|*"),
        )
    ]


def test_mailchimp_with_its_tag_has_no_uns001(tmp_path: Path) -> None:
    result = check(write_campaign(tmp_path, body=MAILCHIMP_BODY + UNSUBSCRIBE, esp="mailchimp"))
    assert only(result, "UNS001") == []


@pytest.mark.parametrize(
    "setting",
    [
        {"template": "mailchimp"},  # Mandrill writes these tags too, and adds no footer itself
        {},  # the dialect detected from *|FNAME|*
        {"esp": "sendgrid"},  # a footer only when an account setting turns it on
    ],
)
def test_without_an_esp_that_adds_a_footer_the_error_stands(
    tmp_path: Path, setting: dict[str, Any]
) -> None:
    result = check(write_campaign(tmp_path, body=MAILCHIMP_BODY, **setting))
    assert [(f.severity, f.location, f.message) for f in only(result, "UNS001")] == [
        (Severity.ERROR, "email.html", "no unsubscribe link in the body")
    ]


KLAVIYO_BODY = """
<p>Hello {{ first_name|default:'friend' }},</p>
<p><a href="https://shop.test/autumn?utm_source=email&amp;utm_medium=email&amp;utm_campaign=autumn">See the autumn titles</a></p>
"""


@pytest.mark.parametrize(
    ("esp", "platform", "tag"),
    [
        ("klaviyo", "Klaviyo", "{% unsubscribe %}"),
        ("unisender-go", "Unisender Go", "{{UnsubscribeUrl}}"),
        ("unione", "Unisender Go", "{{UnsubscribeUrl}}"),  # its international name
    ],
)
def test_other_esps_that_document_their_footer(
    tmp_path: Path, esp: str, platform: str, tag: str
) -> None:
    body = KLAVIYO_BODY if esp == "klaviyo" else KLAVIYO_BODY.replace("|default:'friend'", "")
    result = check(write_campaign(tmp_path, body=body, esp=esp))
    assert [(f.severity, f.location, f.message) for f in only(result, "UNS001")] == [
        (Severity.WARNING, "email.html", FOOTER.format(platform=platform, tag=tag))
    ]


def test_braze_writes_the_same_liquid_and_keeps_the_error(tmp_path: Path) -> None:
    result = check(write_campaign(tmp_path, body=KLAVIYO_BODY, esp="braze"))
    assert [(f.severity, f.message) for f in only(result, "UNS001")] == [
        (Severity.ERROR, "no unsubscribe link in the body")
    ]


def test_a_placeholder_unsubscribe_link_is_still_an_error(tmp_path: Path) -> None:
    """A link worded "Unsubscribe" that goes nowhere is what the reader clicks first, whatever
    the platform adds below it."""
    body = MAILCHIMP_BODY + '<p><a href="#">Unsubscribe</a></p>'
    result = check(write_campaign(tmp_path, body=body, esp="mailchimp"))
    assert [(f.severity, f.url) for f in only(result, "UNS001")] == [(Severity.ERROR, "#")]
