"""UNS003 on a received copy a mailing list relayed: its List-Unsubscribe is the list's.

A QA probe: two received messages (a Mailchimp campaign and a windows-1251 bulk mail) relayed
by Mailman carried the list's <mailto:…-leave@lists…> in place of the sender's header, and
UNS003 told the sender to fix it ("no https URL in List-Unsubscribe")."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import check, only

RELAYED = (
    "From: Shop <news@shop.test>\n"
    "To: <devel@lists.example-list.test>\n"
    "Subject: Autumn sale\n"
    "Date: Wed, 14 Oct 2020 07:23:26 +0000\n"
    "Message-ID: <1.2@mail.esp.test>\n"
    "X-MC-User: 2847aeac75bc1f80d89becc33\n"
    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
    "MIME-Version: 1.0\n"
    "X-Mailman-Version: 3.1.1\n"
    "Precedence: list\n"
    'List-Id: "Developers" <devel.lists.example-list.test>\n'
    "List-Post: <mailto:devel@lists.example-list.test>\n"
    "List-Unsubscribe: <mailto:devel-leave@lists.example-list.test>\n"
    "Content-Type: text/plain; charset=utf-8\n\n"
    "Autumn sale: 30% off all jackets until Sunday.\n"
    "Unsubscribe: https://shop.test/unsubscribe?u=1\n"
)

SAID = (
    "could not verify the sender's one-click unsubscribe: the mailing list "
    "devel.lists.example-list.test relayed this message, and its List-Unsubscribe "
    "(<mailto:devel-leave@lists.example-list.test>) is the list's, written in place of the "
    "sender's: the list's to change, not the sender's; check List-Unsubscribe and "
    "List-Unsubscribe-Post in the sender's own test send"
)


def _uns003(tmp_path: Path, name: str, message: str) -> list[tuple[str, str, str]]:
    path = tmp_path / f"{name}.eml"
    path.write_text(message, encoding="utf-8")
    return [(f.severity.value, f.location, f.message) for f in only(check(path), "UNS003")]


def test_a_list_relays_header_is_said_to_be_the_lists(tmp_path: Path) -> None:
    assert _uns003(tmp_path, "relayed", RELAYED) == [("warning", "headers", SAID)]
    # without Mailman's mark, its List-Post (an address members post to) proves a list too
    posted = RELAYED.replace("X-Mailman-Version: 3.1.1\n", "")
    assert _uns003(tmp_path, "posted", posted) == [("warning", "headers", SAID)]
    # a list without a List-Id is named by its posting address
    unnamed = RELAYED.replace('List-Id: "Developers" <devel.lists.example-list.test>\n', "")
    [(_, _, message)] = _uns003(tmp_path, "unnamed", unnamed)
    assert message.startswith(
        "could not verify the sender's one-click unsubscribe: the mailing list "
        "devel@lists.example-list.test relayed this message"
    )


def test_what_proves_no_relay_is_the_senders_header(tmp_path: Path) -> None:
    ordinary = [("warning", "headers", "no https URL in List-Unsubscribe")]
    # an ESP's own List-Id (Mailchimp writes one) and no mark of a list manager
    esp = RELAYED.replace("X-Mailman-Version: 3.1.1\n", "").replace(
        "List-Post: <mailto:devel@lists.example-list.test>\n", ""
    )
    assert _uns003(tmp_path, "esp", esp) == ordinary
    # the list's own mailing: the sender is on the list's domain, the header is its to fix
    own = RELAYED.replace("news@shop.test", "news@example-list.test")
    assert _uns003(tmp_path, "own", own) == ordinary
    # a List-Unsubscribe not on the list's domain is the sender's, the list left it
    kept = RELAYED.replace(
        "<mailto:devel-leave@lists.example-list.test>", "<mailto:leave@shop.test>"
    )
    assert _uns003(tmp_path, "kept", kept) == ordinary
    # "List-Post: NO": a list nobody posts to is no proof
    closed = RELAYED.replace("X-Mailman-Version: 3.1.1\n", "").replace(
        "<mailto:devel@lists.example-list.test>", "NO (posting not allowed on this list)"
    )
    assert _uns003(tmp_path, "closed", closed) == ordinary
