"""The List-Unsubscribe header, from which mailbox providers make their Unsubscribe button,
judged as the body's links are: a stand-in host or address in it is LNK003's, a merge tag left
in a sent message's header PER003's, each at the header's place."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.config import Config
from mailcheck.engine import judge
from mailcheck.facts import Facts, LinkResult
from mailcheck.model import Campaign, CampaignResult, Document, Rendered, Severity
from tests.helpers import check, only, write_campaign

_BODY = (
    '<html lang="en"><body><p><a href="https://shop.test/sale?utm_source=email&amp;'
    'utm_medium=email&amp;utm_campaign=bf">Shop</a></p>'
    '<p><a href="https://shop.test/unsubscribe?u=abc123">Unsubscribe</a></p></body></html>'
)


def _header_codes(result: CampaignResult) -> list[str]:
    """The codes that judge the List-Unsubscribe header, as found (the body is clean)."""
    return [f.code for f in result.findings if f.code in ("LNK003", "PER003", "UNS003")]


def _eml(tmp_path: Path, header: str, *, sent: bool = True) -> Path:
    """A message whose List-Unsubscribe is ``header``, on line 4 (3 when not ``sent``: an
    export with no Received header)."""
    received = "Received: from mx.shop.test by mx.b.test; Fri, 4 Dec 2026 05:00:00 +0000\n"
    path = tmp_path / "m.eml"
    path.write_text(
        (received if sent else "")
        + "From: Shop <news@shop.test>\nSubject: Sale\n"
        + f"List-Unsubscribe: {header}\n"
        + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
        + "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        + _BODY
        + "\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("sent", [True, False])
@pytest.mark.parametrize(
    ("header", "urls", "said"),
    [
        # realworld en-rspamd-newsletter's header
        (
            "<https://example.com/unsubscribe?id=123>",
            ("https://example.com/unsubscribe?id=123",),
            "placeholder host example.com",
        ),
        (
            "<https://localhost:8080/unsubscribe?u=1>",
            ("https://localhost:8080/unsubscribe?u=1",),
            "placeholder host localhost",
        ),
        (
            "<https://shop.test/u/1>, <mailto:unsub@example.com>",
            ("mailto:unsub@example.com",),
            "placeholder address unsub@example.com",
        ),
    ],
)
def test_a_stand_in_in_the_header_of_a_message_is_one_lnk003_at_its_line(
    tmp_path: Path, header: str, urls: tuple[str, ...], said: str, sent: bool
) -> None:
    # (no ESP rewrites the host of a header it is given: an export's is as certain)
    result = check(_eml(tmp_path, header, sent=sent))
    [finding] = only(result, "LNK003")
    assert finding.severity is Severity.ERROR
    assert finding.location == ("headers:4" if sent else "headers:3")
    assert finding.locations == (finding.location,)
    assert finding.url == urls[0]
    assert finding.message.endswith(f"Unsubscribe button: {said}")
    assert only(result, "UNS003") == []
    assert only(result, "PER003") == []


def test_every_stand_in_of_the_header_is_said_in_its_one_finding(tmp_path: Path) -> None:
    header = "<https://example.com/u/1>, <mailto:unsub@example.org>"
    [finding] = only(check(_eml(tmp_path, header)), "LNK003")
    assert finding.message.endswith(
        "placeholder host example.com; placeholder address unsub@example.org"
    )
    assert finding.url is None
    assert finding.urls == ("https://example.com/u/1", "mailto:unsub@example.org")


def test_a_header_of_real_addresses_and_one_no_browser_opens_are_no_lnk003(
    tmp_path: Path,
) -> None:
    real = check(_eml(tmp_path, "<https://shop.test/u/1>, <mailto:unsub@shop.test>"))
    assert _header_codes(real) == []
    # http:// on localhost: the placeholder is LNK003's, the missing https UNS003's (another fix)
    dev = check(_eml(tmp_path, "<http://localhost:8080/u/1>"))
    assert _header_codes(dev) == ["LNK003", "UNS003"]
    # an address no browser can open is UNS003's alone
    typo = check(_eml(tmp_path, "<https://shop test/u/1>"))
    assert _header_codes(typo) == ["UNS003"]


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        ("<https://shop.test/u/*|UNIQID|*>", ["*|UNIQID|*"]),
        ("<https://shop.test/u/{{ uid }}>, <mailto:unsub@shop.test>", ["{{ uid }}"]),
    ],
)
def test_a_merge_tag_left_in_a_sent_messages_header_is_per003_at_its_line(
    tmp_path: Path, header: str, tags: list[str]
) -> None:
    result = check(_eml(tmp_path, header))
    found = [(f.message, f.location, f.severity) for f in only(result, "PER003")]
    assert found == [
        (f"unrendered merge tag {tag} in the List-Unsubscribe header", "headers:4", Severity.ERROR)
        for tag in tags
    ]
    assert only(result, "LNK003") == []


def test_an_exports_header_keeps_the_tags_the_esp_fills_on_sending(tmp_path: Path) -> None:
    # no Received header: the ESP has not sent it yet, and fills its tags when it does
    result = check(_eml(tmp_path, "<https://shop.test/u/*|UNIQID|*>", sent=False))
    assert only(result, "PER003") == []


def test_a_stand_in_in_a_campaigns_configured_header_is_lnk003_at_its_entry(
    tmp_path: Path,
) -> None:
    # the ESP fills {{ uid }} (a system variable): no leftover; the host is no one's
    headers = {
        "List-Unsubscribe": "<https://example.com/u/{{ uid }}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    result = check(write_campaign(tmp_path, tables={"headers": headers}, system_variables=["uid"]))
    [finding] = only(result, "LNK003")
    assert finding.location == "header:List-Unsubscribe"
    assert finding.url == "https://example.com/u/{{ uid }}"  # as written, not as rendered
    assert finding.message.endswith("placeholder host example.com")
    assert only(result, "PER003") == []
    real = {**headers, "List-Unsubscribe": "<https://shop.test/u/{{ uid }}>"}
    clean = check(
        write_campaign(tmp_path, "c2", tables={"headers": real}, system_variables=["uid"])
    )
    assert only(clean, "LNK003") == only(clean, "PER003") == []


def test_online_a_stand_in_in_the_header_is_lnk003_alone_not_uns004(tmp_path: Path) -> None:
    # example.com answers what it answers: the header is a stand-in either way (one cause)
    url = "https://example.com/unsubscribe?id=123"
    campaign = Campaign(
        id="c1",
        source="c1.html",
        kind="html",
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    campaign.renders = [
        Rendered(sample={}, label="fallbacks", subject="Sale", preheader=None, html="",
                 text=None, document=Document(links=[]))
    ]  # fmt: skip
    broken = LinkResult(url, "broken", status=404, reason="404 Not Found", unsubscribe=True)
    facts = Facts(gathered=True, links={url: broken})
    found = judge(campaign, Config(root=tmp_path), facts, offline=False).findings
    assert [(f.code, f.location, f.url) for f in found if f.code in ("LNK003", "UNS004")] == [
        ("LNK003", "header:List-Unsubscribe", url)
    ]


def test_a_merge_tag_in_a_sent_text_only_message_names_its_one_part_once(tmp_path: Path) -> None:
    # a message of a text/plain part alone: its body is that part; PER003 named it twice
    # ("subject, text/plain part, text part": "in the subject, body and text part")
    path = tmp_path / "sent.eml"
    path.write_text(
        "Received: from mx.shop.test by mx.b.test; Fri, 4 Dec 2026 05:00:00 +0000\n"
        "From: Shop <news@shop.test>\nSubject: Hi {{ first_name }}\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
        "Hello {{ first_name }},\nour sale.\n",
        encoding="utf-8",
    )
    found = [(f.message, f.locations, f.severity) for f in only(check(path), "PER003")]
    assert found == [
        (
            "unrendered merge tag {{ first_name }} in the subject and body",
            ("subject", "text/plain part"),
            Severity.ERROR,
        )
    ]
