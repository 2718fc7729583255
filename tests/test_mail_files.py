"""Mail files besides .eml: Apple Mail's .emlx is read; Outlook .msg/.oft and mbox files are
not, and say so (INP002 below a directory, INP001 when named); a test send saved beside a
campaign.toml is checked as an input of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.config import Config
from mailcheck.engine import UsageError, run
from mailcheck.model import CampaignResult
from tests.helpers import only, write_campaign

SEND = (
    "From: Shop <news@shop.test>\r\n"
    "Subject: =?utf-8?B?0KHQutC40LTQutC4INC00L4gNzAl?=\r\n"  # «Скидки до 70%»
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    '<html lang="ru"><body><p>Привет!</p><a href="https://shop.test/u">Отписаться</a>'
    "</body></html>\r\n"
).encode()
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an OLE compound file's header
MBOX_FROM = b"From news@shop.test Fri Dec  4 05:00:00 2026\n"
MSG_REASON = (
    "Outlook .msg files are not read: save the test send as .eml (Outlook on the web and the "
    "new Outlook can), or drag it from Outlook for Mac"
)


def checked(*paths: Path) -> dict[str, CampaignResult]:
    results = run([str(p) for p in paths], Config(root=paths[0].parent), offline=True).results
    return {Path(r.campaign.source).name: r for r in results}


def emlx(message: bytes, length: int | None = None) -> bytes:
    count = len(message) if length is None else length
    plist = b'<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict/></plist>\n'
    return f"{count}\n".encode() + message + plist


def test_outlook_and_mbox_files_below_a_directory_are_inp002_warnings(tmp_path: Path) -> None:
    (tmp_path / "send.msg").write_bytes(OLE)
    (tmp_path / "layout.oft").write_bytes(OLE)
    (tmp_path / "archive.mbox").write_bytes(MBOX_FROM + SEND + b"\n" + MBOX_FROM + SEND)
    (tmp_path / "page.eml").write_bytes(SEND)
    (tmp_path / "notes.txt").write_text("not mail")
    by_name = checked(tmp_path)
    assert set(by_name) == {"send.msg", "layout.oft", "archive.mbox", "page.eml"}
    for name in ("send.msg", "layout.oft", "archive.mbox"):
        result = by_name[name]
        assert [(f.code, f.severity.value) for f in result.findings] == [("INP002", "warning")]
        assert result.findings[0].location == name
        assert result.ok  # a warning: the run is not failed by a file kept beside campaigns
    assert by_name["send.msg"].findings[0].message == MSG_REASON
    assert by_name["archive.mbox"].findings[0].message == (
        "an mbox file of 2 messages is not read: save each test send as .eml"
    )
    assert "INP002" not in {f.code for f in by_name["page.eml"].findings}


def test_a_mailbox_of_several_messages_is_no_message_whatever_its_name(tmp_path: Path) -> None:
    # Apple Mail exports "Sends.mbox/mbox"; Thunderbird keeps a folder as a file with no
    # extension ("From - …"); someone renames one to .eml. Read as one message, the first
    # one's headers would be judged with the second message in its body
    second = SEND.replace(b"Subject: =?utf-8?B?0KHQutC40LTQutC4INC00L4gNzAl?=", b"Subject: B")
    mailbox = MBOX_FROM + SEND + b"\n" + MBOX_FROM + second
    (tmp_path / "Sends.mbox").mkdir()
    (tmp_path / "Sends.mbox" / "mbox").write_bytes(mailbox)
    thunderbird = b"From - Sat Dec 05 10:00:00 2026\n"
    (tmp_path / "Inbox").write_bytes(thunderbird + SEND + b"\n" + thunderbird + second)
    (tmp_path / "page.eml").write_bytes(SEND)
    by_name = checked(tmp_path)
    assert set(by_name) == {"mbox", "Inbox", "page.eml"}
    for result in (by_name["mbox"], by_name["Inbox"]):
        assert [(f.code, f.severity.value, f.message) for f in result.findings] == [
            (
                "INP002",
                "warning",
                "an mbox file of 2 messages is not read: save each test send as .eml",
            )
        ]
    named = tmp_path / "sends.eml"
    named.write_bytes(mailbox)
    [result] = checked(named).values()
    assert [f.code for f in result.findings] == ["INP001"]


def test_a_body_line_that_starts_with_from_is_no_second_message(tmp_path: Path) -> None:
    # only an envelope line ("From sender weekday …") starts a message of an mbox
    body = SEND.replace(b"<p>", b"\r\nFrom our team: Mon to Fri\r\n<p>")
    path = tmp_path / "send"
    path.write_bytes(MBOX_FROM + body)
    [result] = checked(path).values()
    assert {f.code for f in result.findings}.isdisjoint({"INP001", "INP002"})
    assert result.campaign.subject == "Скидки до 70%"


def test_an_outlook_file_named_on_the_command_line_is_inp001(tmp_path: Path) -> None:
    path = tmp_path / "send.msg"
    path.write_bytes(OLE)
    [result] = checked(path).values()
    assert [(f.code, f.message) for f in result.findings] == [("INP001", MSG_REASON)]
    assert not result.ok


def compound_file(*entries: str) -> bytes:
    """An OLE compound file of 512-byte sectors whose directory (sector 0) names ``entries``
    after its root: enough of one for what tells an Outlook message from a Word document."""
    header = bytearray(OLE + b"\x00" * (512 - len(OLE)))
    header[0x1E:0x20] = (9).to_bytes(2, "little")  # 2**9-byte sectors
    header[0x30:0x34] = (0).to_bytes(4, "little")  # the directory starts at sector 0
    directory = b"".join(
        (name.encode("utf-16-le") + b"\x00\x00").ljust(64, b"\x00")
        + (2 * len(name) + 2).to_bytes(2, "little")
        + b"\x00" * 62
        for name in ("Root Entry", *entries)
    )
    return bytes(header) + directory.ljust(512, b"\x00")


def test_an_outlook_message_saved_without_an_extension_is_said_not_to_be_read(
    tmp_path: Path,
) -> None:
    # a test suite's mail_outlook_1 was dropped without a word below a directory, and named
    # it was "binary data": Outlook messages are INP002/INP001 whatever their name
    outlook = compound_file(
        "__properties_version1.0", "__nameid_version1.0", "__substg1.0_0037001F"
    )
    (tmp_path / "mail_outlook_1").write_bytes(outlook)
    (tmp_path / "minutes").write_bytes(compound_file("WordDocument", "1Table"))  # no mail
    (tmp_path / "page.eml").write_bytes(SEND)
    by_name = checked(tmp_path)
    assert set(by_name) == {"mail_outlook_1", "page.eml"}
    found = by_name["mail_outlook_1"]
    assert [(f.code, f.severity.value, f.message) for f in found.findings] == [
        ("INP002", "warning", MSG_REASON)
    ]
    assert found.findings[0].location == "mail_outlook_1"
    [named] = checked(tmp_path / "mail_outlook_1").values()
    assert [(f.code, f.message) for f in named.findings] == [("INP001", MSG_REASON)]
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "send").write_bytes(outlook)  # nothing else to check: a CI job must go red
    with pytest.raises(UsageError, match=r"1 Outlook \.msg/\.oft file or mbox mailbox, not read"):
        run([str(alone)], Config(root=tmp_path), offline=True)


def test_a_directory_of_outlook_files_and_mailboxes_only_is_a_usage_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.msg").write_bytes(OLE)
    (tmp_path / "b.msg").write_bytes(OLE)
    (tmp_path / "Sends.mbox").mkdir()
    (tmp_path / "Sends.mbox" / "mbox").write_bytes(MBOX_FROM + SEND + b"\n" + MBOX_FROM + SEND)
    (tmp_path / "Inbox").write_bytes(MBOX_FROM + SEND + b"\n" + MBOX_FROM + SEND)
    unread = r"4 Outlook \.msg/\.oft files or mbox mailboxes, not read"
    with pytest.raises(UsageError, match=unread):
        run([str(tmp_path)], Config(root=tmp_path), offline=True)
    # a one-message mbox is read: a campaign
    (tmp_path / "one.mbox").write_bytes(MBOX_FROM + SEND)
    results = run([str(tmp_path)], Config(root=tmp_path), offline=True).results
    assert len(results) == 5


def test_an_apple_mail_emlx_is_read_as_the_message_it_holds(tmp_path: Path) -> None:
    (tmp_path / "send.emlx").write_bytes(emlx(SEND))
    result = checked(tmp_path)["send.emlx"]
    assert result.campaign.kind == "eml"
    assert result.campaign.subject == "Скидки до 70%"
    assert result.campaign.from_addr == "Shop <news@shop.test>"
    # the property list after the message is not part of its HTML
    assert "plist" not in (result.campaign.html or "")
    assert [f.code for f in result.findings if f.code.startswith("INP")] == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"Subject: x\n\nbody", "not an Apple Mail .emlx file: its first line is not"),
        (emlx(SEND, length=len(SEND) + 500), f"cut short: it announces {len(SEND) + 500} bytes"),
    ],
    ids=["no-length", "cut-short"],
)
def test_a_broken_emlx_is_inp001_with_the_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    (tmp_path / "send.emlx").write_bytes(data)
    [finding] = only(checked(tmp_path)["send.emlx"], "INP001")
    assert reason in finding.message


def test_a_test_send_beside_campaign_toml_is_checked_too(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, "bf")
    (d / "test-send.eml").write_bytes(SEND)
    (d / "test-send.msg").write_bytes(OLE)
    (d / "extra.html").write_text("<p>a part of the campaign, not a campaign</p>")
    sub = d / "proofs"
    sub.mkdir()
    (sub / "old.eml").write_bytes(SEND)  # the campaign's own files: not walked
    by_name = checked(tmp_path)
    assert set(by_name) == {"campaign.toml", "test-send.eml", "test-send.msg"}
    assert by_name["test-send.eml"].campaign.subject == "Скидки до 70%"
    assert [f.code for f in by_name["test-send.msg"].findings] == ["INP002"]


def test_a_msg_that_is_an_rfc_5322_message_and_a_one_message_mbox_are_read(
    tmp_path: Path,
) -> None:
    # some tools save a plain message as .msg (RFC 6376's test vectors do)
    (tmp_path / "signed.msg").write_bytes(SEND)
    (tmp_path / "one.mbox").write_bytes(MBOX_FROM + SEND)
    (tmp_path / "strings.msg").write_text('msgid "Hello"\nmsgstr "Привет"\n', encoding="utf-8")
    by_name = checked(tmp_path)
    for name in ("signed.msg", "one.mbox"):
        assert by_name[name].campaign.subject == "Скидки до 70%", name
        assert [f.code for f in by_name[name].findings if f.code.startswith("INP")] == []
    [finding] = by_name["strings.msg"].findings
    assert (finding.code, finding.message) == (
        "INP002",
        "'strings.msg' is not a mail file mailcheck reads",
    )


def test_a_saved_message_without_an_extension_is_read(tmp_path: Path) -> None:
    # test suites and mail programs store messages so (m0129); passed over in silence before,
    # 161 of the shared corpus's messages were never checked
    (tmp_path / "m0129").write_bytes(SEND)
    (tmp_path / "Makefile").write_text("all:\n\tmjml email.mjml -o email.html\n")
    (tmp_path / "LICENSE").write_text("MIT License\n\nCopyright (c) 2026 ACME\n")
    (tmp_path / ".mailmap").write_bytes(SEND)  # a dotfile is the repository's, never mail
    d = write_campaign(tmp_path, "bf")
    (d / "test-send").write_bytes(SEND)  # beside its campaign.toml: an input of its own
    (d / "proofs").mkdir()
    (d / "proofs" / "old").write_bytes(SEND)  # the campaign's own files: not walked
    by_name = checked(tmp_path)
    assert set(by_name) == {"m0129", "campaign.toml", "test-send"}
    for name in ("m0129", "test-send"):
        assert by_name[name].campaign.subject == "Скидки до 70%", name
        assert by_name[name].campaign.kind == "eml"
        assert [f.code for f in by_name[name].findings if f.code.startswith("INP")] == []


def test_a_one_message_mbox_that_cannot_be_read_is_inp001(tmp_path: Path) -> None:
    # an mbox is mail whatever is wrong with it: an error with the reason, not "not mail"
    (tmp_path / "one.mbox").write_bytes(MBOX_FROM + b"garbage without headers\n")
    [finding] = checked(tmp_path)["one.mbox"].findings
    assert finding.code == "INP001"
    assert "no header block" in finding.message


def test_a_campaign_below_another_campaigns_directory_is_checked(tmp_path: Path) -> None:
    # it was passed over in silence: only the outer campaign was reported
    outer = write_campaign(tmp_path, "outer")
    write_campaign(outer / "variants", "b", subject="")
    (outer / "variants" / "notes.html").write_text("<p>the outer campaign's own file</p>")
    results = run([str(tmp_path)], Config(root=tmp_path), offline=True).results
    assert [r.campaign.source for r in results] == [
        f"{tmp_path}/outer/campaign.toml",
        f"{tmp_path}/outer/variants/b/campaign.toml",
    ]
    assert [f.code for f in results[1].findings if f.code == "SUB001"] == ["SUB001"]


AMP_SEND = (
    "From: Shop <news@shop.test>\r\n"
    "Subject: Sale\r\n"
    "List-Unsubscribe: <https://shop.test/u>\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/mixed; boundary="M"\r\n'
    "\r\n"
    "--M\r\n"
    'Content-Type: multipart/alternative; boundary="A"\r\n'
    "\r\n"
    "--A\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Sale https://shop.test/ Unsubscribe https://shop.test/u\r\n"
    "--A\r\n"
    "Content-Type: text/x-amp-html; charset=utf-8\r\n"
    "\r\n"
    '<!doctype html><html \u26a14email><body><a href="#">Unsubscribe</a></body></html>\r\n'
    "--A\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    '<html lang="en"><body><p>Sale</p><a href="https://shop.test/u">Unsubscribe</a>'
    "</body></html>\r\n"
    "--A--\r\n"
    "--M\r\n"
    "Content-Type: text/x-amp-html; charset=utf-8\r\n"
    'Content-Disposition: attachment; filename="old.html"\r\n'
    "\r\n"
    "<html></html>\r\n"
    "--M--\r\n"
).encode()


def test_an_amp_part_of_a_test_send_is_said_to_be_unchecked_once(tmp_path: Path) -> None:
    """Gmail and Mail.ru show the AMP part instead of the HTML one: the HTML part is checked
    (its unsubscribe link is found), and one warning says the AMP part was not."""
    (tmp_path / "send.eml").write_bytes(AMP_SEND)
    result = checked(tmp_path / "send.eml")["send.eml"]
    assert [(f.severity.value, f.locations) for f in only(result, "INP002")] == [
        ("warning", ("text/x-amp-html part",))
    ]
    assert (
        "AMP for Email part (text/x-amp-html) is not checked" in only(result, "INP002")[0].message
    )
    assert not only(result, "UNS001")  # the HTML part was read and checked as before


def test_a_test_send_without_an_amp_part_has_no_inp002(tmp_path: Path) -> None:
    # the AMP part left out; an attached text/x-amp-html file is no part of the body
    plain = AMP_SEND.replace(
        b"text/x-amp-html; charset=utf-8\r\n\r\n<!doctype", b"text/plain\r\n\r\n<"
    )
    assert plain != AMP_SEND and b"text/x-amp-html" in plain
    (tmp_path / "send.eml").write_bytes(plain)
    assert not only(checked(tmp_path / "send.eml")["send.eml"], "INP002")


MJML = """<mjml>
  <mj-head><mj-title>Скидки до 70%</mj-title><mj-preview>Только до пятницы</mj-preview></mj-head>
  <mj-body>
    <mj-section><mj-column>
      <mj-image src="https://cdn.shop.test/hero.png"></mj-image>
      <mj-button href="#">Купить</mj-button>
    </mj-column></mj-section>
  </mj-body>
</mjml>
"""


def test_mjml_source_is_said_to_be_unread_not_checked_as_html(tmp_path: Path) -> None:
    # read as HTML, its <mj-button href="#"> was no link and <mj-title> no title: it passed
    # with "no subject" and "no preheader" warnings, nothing of it checked
    (tmp_path / "walk").mkdir()
    (tmp_path / "walk" / "email.html").write_text(MJML, encoding="utf-8")
    (tmp_path / "walk" / "page.html").write_text(
        '<html lang="ru"><body><p>About <code>&lt;mjml&gt;</code> and &lt;mj-body&gt;</p>'
        '<a href="https://shop.test/u">Отписаться</a></body></html>',
        encoding="utf-8",
    )
    reason = (
        "'email.html' is MJML source, which mailcheck does not read: compile it to HTML (mjml "
        "email.html -o compiled.html) and check the HTML it makes"
    )
    by_name = checked(tmp_path / "walk")
    found = by_name["email.html"]
    assert [(f.code, f.severity.value, f.message) for f in found.findings] == [
        ("INP002", "warning", reason)
    ]
    assert found.findings[0].location == "email.html"
    assert "INP002" not in {f.code for f in by_name["page.html"].findings}  # HTML about MJML
    # named on the command line, or as a campaign's html, it was meant to be checked: INP001
    named = checked(tmp_path / "walk" / "email.html")["email.html"]
    assert [(f.code, f.message) for f in named.findings] == [("INP001", reason)]
    campaign = write_campaign(tmp_path, "c", body=MJML)
    [(code, message)] = [(f.code, f.message) for f in checked(campaign)["campaign.toml"].findings]
    assert code == "INP001" and "is MJML source, which mailcheck does not read" in message


INKY = """<style>
  .header { background: #f3f3f3; }
</style>
<spacer size="16"></spacer>
<container class="header">
  <row>
    <columns small="12" large="12">
      <h1>Скидки до 70%</h1>
      <p>Lorem ipsum dolor sit amet.</p>
      <button href="#">Купить</button>
      <menu><item href="https://shop.test/u">Отписаться</item></menu>
    </columns>
  </row>
</container>
"""


def test_inky_source_is_said_to_be_unread_not_checked_as_html(tmp_path: Path) -> None:
    # read as HTML, its <button href="#"> was no link, and the <style> before <container> put
    # the whole body into <head>: its Lorem ipsum passed unseen (Foundation's templates)
    walk = tmp_path / "walk"
    walk.mkdir()
    (walk / "email.html").write_text(INKY, encoding="utf-8")
    # HTML that is not Inky: one such tag alone, the tags in a comment or shown escaped,
    # Foundation's compiled HTML (class="container", class="row")
    (walk / "page.html").write_text(
        '<html lang="ru"><body><!-- <container><row> --><p>About &lt;container&gt;, '
        "&lt;row&gt; and <spacer type='block'> in old mail</p>"
        '<table class="container"><tr><th class="columns">'
        '<a href="https://shop.test/u">Отписаться</a></th></tr></table></body></html>',
        encoding="utf-8",
    )
    reason = (
        "'email.html' is Inky source (Foundation for Emails: <spacer>, <container>), which "
        "mailcheck does not read: compile it to HTML (inky email.html dist/, or the project's "
        "build) and check the HTML it makes"
    )
    by_name = checked(walk)
    found = by_name["email.html"]
    assert [(f.code, f.severity.value, f.message) for f in found.findings] == [
        ("INP002", "warning", reason)
    ]
    assert found.findings[0].location == "email.html"
    assert not {"INP001", "INP002"} & {f.code for f in by_name["page.html"].findings}
    # named on the command line, or as a campaign's html, it was meant to be checked: INP001
    named = checked(walk / "email.html")["email.html"]
    assert [(f.code, f.message) for f in named.findings] == [("INP001", reason)]
    campaign = write_campaign(tmp_path, "c", html=INKY.replace("<spacer", "<wrapper"))
    [(code, message)] = [(f.code, f.message) for f in checked(campaign)["campaign.toml"].findings]
    assert (code, message) == (
        "INP001",
        "'email.html' is Inky source (Foundation for Emails: <wrapper>, <container>), which "
        "mailcheck does not read: compile it to HTML (inky email.html dist/, or the project's "
        "build) and check the HTML it makes",
    )


def _report(report_type: str) -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.shop.test>\r\nTo: news@shop.test\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type={report_type}; boundary="r"\r\n\r\n'
        "--r\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver it.\r\n"
        "--r\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--r--\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("report_type", "kind"),
    [
        ("delivery-status", "a bounce (a delivery status report)"),
        ("feedback-report", "a spam complaint (a feedback report)"),
        ("x-unknown", "a mail server's report (multipart/report)"),
    ],
)
def test_a_report_beside_the_test_sends_is_said_not_checked(
    tmp_path: Path, report_type: str, kind: str
) -> None:
    # judged as a campaign, a bounce "lacked" its unsubscribe link and List-Unsubscribe: two
    # false errors on a file that is no campaign (corpus: flanker's bounces and complaints)
    (tmp_path / "bounce.eml").write_bytes(_report(report_type))
    (tmp_path / "send.eml").write_bytes(SEND)
    by_name = checked(tmp_path)
    assert [(f.code, f.severity.value, f.message) for f in by_name["bounce.eml"].findings] == [
        ("INP002", "warning", f"{kind}, not a campaign: not checked")
    ]
    assert "INP002" not in {f.code for f in by_name["send.eml"].findings}


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (
            "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\n"
            "Subject: Delivery Status Notification (Failure)\r\n"
            "Content-Type: text/plain\r\n",
            "a bounce (from the mail system: mailer-daemon@googlemail.com)",
        ),
        (
            "From: Postmaster <postmaster@mx.shop.test>\r\nSubject: Undeliverable Mail\r\n"
            "Content-Type: text/plain\r\n",
            "a bounce (from the mail system: postmaster@mx.shop.test)",
        ),
        (  # the report's machine-readable part saved alone
            "Content-Type: message/delivery-status\r\n",
            "a bounce (a delivery status report)",
        ),
    ],
)
def test_a_bounce_kept_as_plain_text_is_no_campaign(
    tmp_path: Path, headers: str, kind: str
) -> None:
    """Gmail's "Delivery Status Notification" is text/plain, no multipart/report: it
    "lacked" an unsubscribe link (UNS001 error) all the same."""
    (tmp_path / "bounce.eml").write_bytes(
        (headers + "MIME-Version: 1.0\r\n\r\nDelivery to the following recipient failed "
         "permanently: a@b.example\r\n").encode()
    )  # fmt: skip
    [result] = checked(tmp_path).values()
    assert [(f.code, f.message) for f in result.findings] == [
        ("INP002", f"{kind}, not a campaign: not checked")
    ]


def test_a_person_writing_from_postmaster_is_checked(tmp_path: Path) -> None:
    (tmp_path / "note.eml").write_bytes(
        b"From: Bob <postmaster@shop.test>\r\nSubject: Please enjoy this long link\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n"
    )
    [result] = checked(tmp_path).values()
    assert "INP002" not in {f.code for f in result.findings}
    assert "UNS001" in {f.code for f in result.findings}


def test_a_saved_message_named_otherwise_is_found_and_other_files_are_not(
    tmp_path: Path,
) -> None:
    """A test suite names its saved messages after their sender (paypal.com) or numbers them
    (gb2312.1): passed over, they were test sends no one checked. A picture, a template of
    an application, a text file are not messages, whatever their top says."""
    for name in ("paypal.com", "gb2312.1"):
        (tmp_path / name).write_bytes(SEND)
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (tmp_path / "welcome.tpl").write_bytes(b"Subject: Welcome to {!title!}\n\nHello\n")
    (tmp_path / "notes.txt").write_bytes(b"Subject: what we agreed\nFrom: me\n\ntext\n")
    assert sorted(checked(tmp_path)) == ["gb2312.1", "paypal.com"]
