"""PER001 and a plain-text part's links: its URLs written out are its links, so a variable that
stands as one is a link the application builds, as the HTML's href="{{ action_url }}" is."""

from __future__ import annotations

from pathlib import Path

from mailcheck.model import CampaignResult
from tests.helpers import CLEAN_BODY, HTML_TEMPLATE, check, only, write_campaign


def _per001(result: CampaignResult) -> dict[str, tuple[str, ...]]:
    return {f.message.split("”")[0].lstrip("“"): f.places for f in only(result, "PER001")}


def _html(body: str) -> str:
    preheader = '<div style="display:none">Only this weekend: 30% off everything</div>'
    return HTML_TEMPLATE.format(title="Weekend sale", preheader=preheader, body=body)


def test_a_text_parts_link_variable_is_a_link_not_copy(tmp_path: Path) -> None:
    """Postmark's text parts write the HTML's links out: "Do this Next ( {{ action_url }} )" is
    the HTML's <a href="{{ action_url }}">, a link the application builds (PER001 exempts it),
    not a name printed as text."""
    body = CLEAN_BODY + '\n<p><a href="{{ action_url }}">Do this Next</a></p>'
    text = (
        "Hi {{ name }},\n\n"
        "Do this Next ( {{ action_url }} )\n\n"
        "{{ help_url }}\n\n"
        "Username: {{ username }}\n\n"
        "Order: https://shop.test/o/{{ order_id }}\n"
    )
    d = write_campaign(
        tmp_path, "reset", html=_html(body), text="email.txt", files={"email.txt": text}
    )

    result = check(d)

    # a link's variables are the link rules' business; copy's want a fallback
    assert _per001(result) == {
        "name": ("email.txt:1",),
        "username": ("email.txt:7",),
        "order_id": ("email.txt:9",),
    }
