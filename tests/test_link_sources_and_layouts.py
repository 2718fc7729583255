"""Findings the real campaigns of shared/realworld and shared/corpus showed wrong.

A variable that renders a link empty is its PER001, not also an LNK003 — in ``mailto:{{ x }}``
as in ``href="{{ x }}"``, and also when an earlier link in a block that rendered nothing renders
to the same empty URL; a link's finding points at its line in the template, not at the
rendered copy's (which drifts when a block renders nothing). A platform layout whose slots the
platform fills (Keila) is "could not verify" for UNS001; a listmonk transactional template
(``.Tx.Data``) needs no unsubscribe link.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.model import Severity
from tests.helpers import check, codes, only, write_campaign

UNSUB = '<p><a href="https://shop.test/unsub">Unsubscribe</a></p>'


def test_mailto_of_a_variable_without_fallback_is_its_per001_only(tmp_path: Path) -> None:
    body = f'<p>Questions? <a href="mailto:{{{{support_email}}}}">Email our team</a>.</p>\n{UNSUB}'
    result = check(write_campaign(tmp_path, body=body, template="handlebars"))
    assert [f.message for f in only(result, "PER001")] == [
        "“support_email” has no fallback or guard"
    ]
    assert only(result, "LNK003") == []


SECTION_THEN_LINK = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>New comment</title></head>
<body>
{{#attachment_details}}
<table role="presentation">
<tr><td>
{{#each .}}<a href="{{attachment_url}}">{{attachment_name}}</a>{{/each}}
</td></tr>
</table>
{{/attachment_details}}
<p><a href="{{action_url}}">View the comment</a></p>
<p><a href="https://shop.test/unsub">Unsubscribe</a></p>
</body></html>
"""


def test_a_link_after_an_empty_section_is_paired_with_its_own_source(tmp_path: Path) -> None:
    # {{action_url}}, a link the application builds, asks for no fallback (PER001); a sample
    # recipient whose value is empty gets an empty link, at the line of its own source
    files = {"r.csv": "email,action_url\na@shop.test,\n"}
    d = write_campaign(tmp_path, html=SECTION_THEN_LINK, template="handlebars",
                       samples="r.csv", files=files)  # fmt: skip
    result = check(d)
    assert only(result, "PER001") == []
    (lnk,) = only(result, "LNK003")
    assert (lnk.message, lnk.locations) == (
        "link (“View the comment”): empty link",
        ("email.html:11",),
    )


def test_a_link_finding_after_a_false_condition_points_at_the_template_line(
    tmp_path: Path,
) -> None:
    html = SECTION_THEN_LINK.replace('<a href="{{action_url}}">', '<a href="#">')
    result = check(write_campaign(tmp_path, html=html, template="handlebars"))
    (lnk,) = only(result, "LNK003")
    assert lnk.locations == ("email.html:11",)


KEILA_LAYOUT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ campaign.subject }}</title></head>
<body>
<div style="display:none">Our October news in two minutes</div>
<table role="presentation"><tr><td>{{ main_content }}</td></tr></table>
<div class="footer">{{ signature_content }}</div>
</body></html>
"""


def test_a_keila_layout_is_could_not_verify_not_an_error(tmp_path: Path) -> None:
    result = check(write_campaign(tmp_path, html=KEILA_LAYOUT, template="liquid"))
    (uns,) = only(result, "UNS001")
    assert uns.severity is Severity.WARNING
    assert uns.message.startswith("could not verify")
    assert "{{ signature_content }}" in uns.message


LISTMONK_TX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Order shipped</title></head>
<body>
<div style="display:none">Your order is on its way</div>
<p>Hello {{ .Subscriber.Name }}</p>
<p><strong>Order number:</strong> {{ .Tx.Data.order_id }}</p>
</body></html>
"""


def test_a_listmonk_transactional_template_needs_no_unsubscribe_link(tmp_path: Path) -> None:
    result = check(write_campaign(tmp_path, html=LISTMONK_TX, template="go"))
    assert "UNS001" not in codes(result)
    # a listmonk campaign template without one still is an error
    campaign = LISTMONK_TX.replace("{{ .Tx.Data.order_id }}", "{{ .Subscriber.UUID }}")
    result = check(write_campaign(tmp_path, "c2", html=campaign, template="go"))
    assert [f.severity for f in only(result, "UNS001")] == [Severity.ERROR]


PLATFORM_SLOT_LAYOUTS = {
    # Keila's Liquid layout: its body is the campaign's content, then the signature
    "liquid": (
        KEILA_LAYOUT.replace(
            '<div style="display:none">Our October news in two minutes</div>\n', ""
        ),
        "{{ main_content }}",
    ),
    # listmonk's default layout: the campaign's body comes first, the footer after it
    "go": (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>News</title>'
        '</head>\n<body>\n<div class="wrap">\n        {{ template "content" . }}\n</div>\n'
        '<p><a href="{{ UnsubscribeURL }}">{{ L.T "email.unsub" }}</a></p>\n</body></html>\n',
        '{{ template "content" . }}',
    ),
}


@pytest.mark.parametrize("template", sorted(PLATFORM_SLOT_LAYOUTS))
def test_a_layout_that_starts_with_the_platforms_slot_is_could_not_verify(
    tmp_path: Path, template: str
) -> None:
    """The preview is the first text of what the platform puts into its slot: mailcheck has
    not seen it, and its stand-ins for the slot are no text an inbox shows."""
    html, slot = PLATFORM_SLOT_LAYOUTS[template]
    result = check(write_campaign(tmp_path, html=html, template=template))
    assert [(f.message, f.location, f.severity) for f in only(result, "PRE001")] == [
        (
            f"could not verify: no preheader in the layout itself, and its first text is {slot}, "
            "which the platform fills when it sends (inboxes show that text as the preview): "
            "check a test send",
            "preheader",
            Severity.WARNING,
        )
    ]


def test_the_text_inboxes_show_quotes_what_the_platform_fills_as_its_name(
    tmp_path: Path,
) -> None:
    """What the platform fills in at the send is quoted as its name in brackets, as every
    other language's unseen field is ("[NAME]" of Bitrix too), never as mailcheck's stand-in
    for it ("esp-subscriber-name"), nor as raw template tags."""
    html = LISTMONK_TX.replace('<div style="display:none">Your order is on its way</div>\n', "")
    result = check(write_campaign(tmp_path, html=html, template="go"))
    assert [(f.message, f.location) for f in only(result, "PRE001")] == [
        (
            "no preheader (preview text) found: inboxes show the first text instead, “Hello "
            "[Subscriber.Name] Order number: [Tx.Data.order_id]”",
            "preheader",
        )
    ]
    # a late preheader's quotes too
    late = html.replace(
        "</body>", '<div style="display:none">Shipped {{ .Subscriber.Name }}</div>\n</body>'
    )
    result = check(write_campaign(tmp_path, "late", html=late, template="go"))
    assert [(f.message, f.location) for f in only(result, "PRE001")] == [
        (
            "no preheader at the top: the first hidden text, “Shipped [Subscriber.Name]”, "
            "comes after visible text, “Hello [Subscriber.Name]”, which inboxes show as the "
            "preview instead (a preheader goes first in <body>)",
            "email.html:6",
        )
    ]
