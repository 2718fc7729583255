"""LNK008: a protocol-relative link a sending platform writes on its own hosts is its own
finding naming the platform, a warning (QA probe, session 32: Mailchimp's vcard link in
SpamScope's mail_test_13 was the template's error)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import check, only

VCARD = "//bakery.us5.list-manage.com/vcard?u=0a1b2c&id=9f8e"


def send(tmp_path: Path, own: str = "") -> Path:
    html = (
        '<html lang="en"><body><p>Fresh bread every morning.</p>\n'  # 1
        f"{own}\n"  # 2: the template's own link, if any
        '<div class="vcard"><span class="org fn">Bakery</span>'
        f'<br><a href="{VCARD}" class="hcard-download">Add us to your address book</a></div>\n'
        '<p><a href="https://bakery.us5.list-manage.com/unsubscribe?u=0a1b2c">Unsubscribe</a>'
        "</p>\n</body></html>\n"
    )
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Bakery <news@bakery.test>\nSubject: Menu\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\n\n" + html,
        encoding="utf-8",
    )
    return path


def test_the_esps_protocol_relative_vcard_link_is_a_warning_naming_the_esp(
    tmp_path: Path,
) -> None:
    [finding] = only(check(send(tmp_path)), "LNK008")
    assert finding.severity.value == "warning"
    assert finding.places == ("send.eml:8",)
    assert finding.url == VCARD
    assert finding.message.startswith(
        f"1 protocol-relative link on Mailchimp's own hosts ({VCARD}): Mailchimp writes it"
    )


def test_the_templates_own_protocol_relative_link_stays_an_error(tmp_path: Path) -> None:
    own = '<p><a href="//bakery.test/menu">Menu</a></p>'
    esp, template = only(check(send(tmp_path, own)), "LNK008")
    assert (esp.severity.value, esp.places) == ("warning", ("send.eml:8",))
    assert (template.severity.value, template.places) == ("error", ("send.eml:7",))
    assert template.message.endswith("//bakery.test/menu (protocol-relative)")
