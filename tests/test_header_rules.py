"""HDR001: a saved message's header block as Gmail reads it (RFC 5322 §3.6).

Each message is a real .eml file checked through the real engine, offline.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from dns_server import BlackHole

from mailcheck.cli import main
from mailcheck.config import Config, DnsConfig, LinksConfig
from mailcheck.engine import run
from mailcheck.message import field_lines
from mailcheck.model import Campaign, CampaignResult
from tests.helpers import check, only, write_campaign

BODY = (
    "MIME-Version: 1.0\n"
    'Content-Type: text/html; charset="utf-8"\n'
    "\n"
    '<html lang="ru"><body><p>Привет!</p>'
    '<a href="https://shop.test/unsub">Отписаться</a></body></html>\n'
)


# what every message that was sent carries: one receiving server's trace line
RECEIVED = "Received: from mx.shop.test by mx.mail.test; Fri, 4 Dec 2026 05:00:00 +0000\n"


def send(tmp_path: Path, headers: str, name: str = "send.eml") -> Path:
    path = tmp_path / name
    path.write_text(headers + BODY, encoding="utf-8")
    return path


def test_duplicate_subject_and_message_id_are_one_finding_with_every_line(tmp_path: Path) -> None:
    path = send(
        tmp_path,
        "From: Shop <news@shop.test>\n"  # 1
        "Subject: =?utf-8?B?0KHQutC40LTQutC4?=\n"  # 2
        "Message-ID: <a@shop.test>\n"  # 3
        "Subject: Black Friday\n"  # 4
        "Message-ID: <b@shop.test>\n",  # 5
    )
    [finding] = only(check(path), "HDR001")
    assert finding.severity.value == "error"
    assert finding.message == "Gmail rejects this message: 2 Subject headers; 2 Message-ID headers"
    assert finding.locations == ("headers:2", "headers:4", "headers:3", "headers:5")


def test_a_from_written_with_a_blank_before_the_colon_is_a_warning_not_an_error(
    tmp_path: Path,
) -> None:
    # SpamAssassin's spam/008: "From  :" (RFC 5322's obsolete syntax) and a From field. Read
    # as the RFC says, two From fields, which Gmail rejects; Python's email package drops the
    # line, and what Gmail does is not known: one warning, not "Gmail rejects" as certain
    path = send(
        tmp_path,
        RECEIVED  # 1
        + "From  :<tst1@shop.test>\n"  # 2
        + "Subject: Sale\n"  # 3
        + "From: <tst2@shop.test>\n",  # 4
    )
    [finding] = only(check(path), "HDR001")
    assert finding.severity.value == "warning"
    assert finding.locations == ("headers:2", "headers:4")
    assert "line 2 (“From  :”)" in finding.message
    assert "the header has 2 From headers, which Gmail rejects" in finding.message
    assert "could not be verified" in finding.message


def test_a_field_written_with_a_blank_before_the_colon_is_one_warning(tmp_path: Path) -> None:
    # stalwart's malformed/019 ("Fro :…" first): a field as RFC 5322 reads it, its fields
    # after it read too; before, INP001 (an error) said it "is not a header field as mail
    # programs read it", while HDR001 read "From  :" as a field
    path = send(
        tmp_path,
        "Fro :Shop <news@shop.test>\n"  # 1
        "From: Shop <news@shop.test>\n"  # 2
        "X-Tag : a\n"  # 3
        "Subject: Sale\n",  # 4
    )
    result = check(path)
    assert only(result, "INP001") == []
    [finding] = only(result, "HDR001")
    assert finding.severity.value == "warning"
    assert (finding.location, finding.locations) == ("headers:1", ("headers:1", "headers:3"))
    assert "line 1 (“Fro :”), line 3 (“X-Tag :”)" in finding.message
    assert "RFC 5322 tells receivers to read them as fields" in finding.message
    assert "no From header" not in finding.message  # the message has one (line 2)


def test_a_duplicate_before_a_spaced_field_is_still_an_error(tmp_path: Path) -> None:
    # two Subject fields before "X-Tag :": two to every reader, an error; the third, after
    # it, is counted with them (RFC 5322's reading)
    path = send(
        tmp_path,
        "From: <a@shop.test>\n"  # 1
        "Subject: One\n"  # 2
        "Subject: Two\n"  # 3
        "X-Tag : a\n"  # 4
        "Subject: Three\n",  # 5
    )
    error, warning = only(check(path), "HDR001")
    assert (error.severity.value, error.message, error.places) == (
        "error",
        "Gmail rejects this message: 3 Subject headers",
        ("headers:2", "headers:3", "headers:5"),
    )
    assert (warning.severity.value, warning.places) == ("warning", ("headers:4",))


def test_ordinary_fields_written_twice_after_a_spaced_field_are_an_error(tmp_path: Path) -> None:
    # stalwart's malformed/019: "Fro :" first, then Subject and Date each written twice as
    # ordinary fields. Before, the duplicates were a hedge in the warning about "Fro :"; they
    # are the file's defect however "Fro :" is read: one error naming each, and the warning
    # says what "Fro :" is (no From, and the message has none)
    path = send(
        tmp_path,
        "Fro :Shop <news@shop.test>\n"  # 1
        "Subject: One\n"  # 2
        "Date: Tue, 7 Apr 2026 10:00:01 +0000\n"  # 3
        "Subject: One\n"  # 4
        "Date: Tue, 7 Apr 2026 10:00:01 +0000\n",  # 5
    )
    error, warning = only(check(path), "HDR001")
    assert (error.severity.value, error.message, error.places) == (
        "error",
        "Gmail rejects this message: 2 Subject headers; 2 Date headers",
        ("headers:2", "headers:4", "headers:3", "headers:5"),
    )
    assert (warning.severity.value, warning.places) == ("warning", ("headers:1",))
    assert warning.message.endswith(
        "Delete the white space. Line 1's “Fro :” is no From header, and the message has no "
        "other: write “From:”"
    )
    assert "Gmail rejects" not in warning.message


def test_a_duplicate_only_a_spaced_field_makes_stays_in_its_warning(tmp_path: Path) -> None:
    # "Subject :" and "Subject:": two only to a receiver that reads the first as a field
    path = send(tmp_path, "From: <a@shop.test>\nSubject : One\nTo: b@shop.test\nSubject: Two\n")
    [warning] = only(check(path), "HDR001")
    assert (warning.severity.value, warning.places) == ("warning", ("headers:2", "headers:4"))
    assert "the header has 2 Subject headers, which Gmail rejects" in warning.message


@pytest.mark.parametrize(
    ("written", "meant"),
    [("Fro", "From"), ("Form", "From"), ("Froom", "From"), ("Subjet", "Subject"), ("X-Tag", None)],
)
def test_a_spaced_field_that_misspells_a_missing_header_says_so(
    tmp_path: Path, written: str, meant: str | None
) -> None:
    headers = {"From": "From: <a@shop.test>\n", "Subject": "Subject: x\n"}
    headers.pop(meant or "", None)
    path = send(tmp_path, f"{written} : y\n" + "".join(headers.values()))
    [warning] = only(check(path), "HDR001")
    assert warning.places == ("headers:1",)
    said = f"Line 1's “{written} :” is no {meant} header, and the message has no other"
    assert (said in warning.message) is (meant is not None)
    assert "is no " not in warning.message or meant is not None


def test_no_from_header(tmp_path: Path) -> None:
    path = send(tmp_path, RECEIVED + "To: a@b.test\nSubject: Скидки\n")
    [finding] = only(check(path), "HDR001")
    assert finding.message == "Gmail rejects this message: no From header"
    assert finding.location == "headers"


def test_from_without_an_address(tmp_path: Path) -> None:
    path = send(tmp_path, RECEIVED + "Subject: Скидки\nFrom: Магазин\n")
    [finding] = only(check(path), "HDR001")
    assert (
        finding.message == "Gmail rejects this message: the From header has no address: “Магазин”"
    )
    assert finding.location == "headers:3"


def test_an_export_that_was_never_sent_gets_its_from_from_the_esp(tmp_path: Path) -> None:
    # no Received header: a builder's or an ESP's export; duplicates are still the message's
    assert only(check(send(tmp_path, "Subject: Скидки\n")), "HDR001") == []
    [finding] = only(check(send(tmp_path, "Subject: a\nSubject: b\n", "two.eml")), "HDR001")
    assert finding.message == "Gmail rejects this message: 2 Subject headers"


def test_two_from_headers_are_reported_as_duplicates_not_as_missing(tmp_path: Path) -> None:
    path = send(tmp_path, "From: a@shop.test\nFrom: b@shop.test\nSubject: x\n")
    [finding] = only(check(path), "HDR001")
    assert finding.message == "Gmail rejects this message: 2 From headers"
    assert finding.locations == ("headers:1", "headers:2")


def test_a_well_formed_test_send_passes(tmp_path: Path) -> None:
    # trace and Resent-* fields repeat by design; a folded line is not a field; an mbox
    # "From " line is not one either; "Subject:" in the body is not a header
    path = send(
        tmp_path,
        "From MAILER-DAEMON Fri Dec  4 05:00:00 2026\n"
        "Received: from a.shop.test by mx.test\n"
        "Received: from b.shop.test by a.shop.test\n"
        "Resent-From: a@shop.test\n"
        "Resent-From: b@shop.test\n"
        "From: =?utf-8?B?0JzQsNCz0LDQt9C40L0=?= <news@shop.test>\n"
        "Subject: Black\n"
        " Subject: Friday\n"
        "DKIM-Signature: v=1; d=shop.test; s=k1\n"
        "DKIM-Signature: v=1; d=esp.test; s=k2\n",
    )
    result = check(path)
    assert only(result, "HDR001") == []
    assert field_lines(path.read_bytes())["subject"] == [7]


def test_only_saved_messages_are_judged(tmp_path: Path) -> None:
    # a template has no header block of its own: the ESP writes it
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Sale</title></head><body>x</body></html>")
    assert only(check(page), "HDR001") == []


def test_field_lines_stop_where_the_parser_takes_the_body(tmp_path: Path) -> None:
    data = b"From: a@b.test\r\nSubject: x\r\nnot a header line\r\nSubject: y\r\n\r\nbody"
    assert field_lines(data) == {"from": [1], "subject": [2]}


def test_said_in_russian(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = send(tmp_path, RECEIVED + "To: a@b.test\nSubject: x\nSubject: y\n")
    assert main(["check", "--offline", "--lang", "ru", "--select", "HDR", str(path)]) == 1
    out = capsys.readouterr().out
    assert "HDR001" in out
    assert "Gmail отклонит это письмо: нет заголовка From; заголовков Subject: 2" in out
    assert "заголовки:3, 4" in out


# -- HDR002: a campaign directory that names no sender domain -----------------------------------


NO_FROM: dict[str, Any] = {"from": None}
TAGGED_FROM: dict[str, Any] = {"from": "ACME <news@{{ domain }}>"}


def online(path: Path, black_hole: BlackHole) -> tuple[CampaignResult, int]:
    """Check ``path`` with the network on, every DNS question sent to a nameserver that never
    answers (no link requested): the result and how many questions reached it."""
    config = Config(
        root=path.parent,
        dns=DnsConfig(nameservers=(black_hole.nameserver,), timeout=0.3, blocklists=False),
        links=LinksConfig(exclude=(".",)),
    )
    before = black_hole.received
    [result] = run([str(path)], config, offline=False).results
    time.sleep(0.3)  # the black hole's thread counts what reached it
    return result, black_hole.received - before


def test_a_campaign_without_from_says_authentication_was_not_checked(
    tmp_path: Path, black_hole: BlackHole
) -> None:
    result, asked = online(write_campaign(tmp_path, **NO_FROM), black_hole)
    [finding] = only(result, "HDR002")
    assert finding.severity.value == "warning"
    assert finding.message == (
        "campaign.toml has no from: SPF, DKIM and DMARC of the sender domain were not checked"
    )
    assert finding.location == "From"
    assert asked == 0


def test_a_from_the_esp_fills_in_is_not_asked_about(tmp_path: Path, black_hole: BlackHole) -> None:
    # before: SPF, DMARC and the blocklists asked DNS about "{{domain}}" — with a resolver that
    # answers, a sender domain that "does not exist"
    d = write_campaign(tmp_path, **TAGGED_FROM)
    result, asked = online(d, black_hole)
    [finding] = only(result, "HDR002")
    assert finding.message == (
        "the From address is filled in when sending (“ACME <news@{{ domain }}>”): SPF, DKIM "
        "and DMARC of the sender domain were not checked"
    )
    assert not [f for f in result.findings if f.code.startswith(("SPF", "DKIM", "DMARC", "DOM"))]
    assert asked == 0


def test_a_campaign_with_a_sender_has_no_hdr002(tmp_path: Path, black_hole: BlackHole) -> None:
    result, asked = online(write_campaign(tmp_path), black_hole)
    assert only(result, "HDR002") == []
    assert asked > 0  # its domain was asked about (and could not be verified: a warning)
    [silent] = only(result, "NET001")  # the resolver answered nothing: one finding says so
    assert {f.severity.value for f in silent.folded if f.code.startswith("SPF")} == {"warning"}


def test_hdr002_is_not_said_offline_or_for_saved_messages(
    tmp_path: Path, black_hole: BlackHole
) -> None:
    assert only(check(write_campaign(tmp_path, **NO_FROM)), "HDR002") == []
    # a test send without From is HDR001's (an error), not also HDR002's
    result, _ = online(send(tmp_path, RECEIVED + "Subject: x\n"), black_hole)
    assert [f.code for f in result.findings if f.code.startswith("HDR")] == ["HDR001"]


def test_from_domain_is_a_name_dns_can_be_asked_about() -> None:
    def domain(sender: str) -> str | None:
        return Campaign(id="c", source="c", kind="toml", from_addr=sender).from_domain

    assert domain("ACME <News@ACME.example.>") == "acme.example"
    assert domain("news@почта.рф") == "почта.рф"
    assert domain("news@{{ domain }}") is None
    assert domain("news@#SERVER_NAME#") is None
    assert domain("news@[%anketa.domain%]") is None


# -- UNS002 on saved messages: sent, or an export the ESP has not sent yet ----------------------


def test_a_sent_message_without_list_unsubscribe_is_an_error(tmp_path: Path) -> None:
    [finding] = only(check(send(tmp_path, RECEIVED + "From: a@shop.test\nSubject: x\n")), "UNS002")
    assert (finding.severity.value, finding.message) == ("error", "no List-Unsubscribe header")


def test_an_export_without_list_unsubscribe_is_a_warning(tmp_path: Path) -> None:
    # the ESP adds List-Unsubscribe when it sends (or does not): not a certainty either way
    [finding] = only(check(send(tmp_path, "From: a@shop.test\nSubject: x\n")), "UNS002")
    assert finding.severity.value == "warning"
    assert finding.message.startswith(
        "no List-Unsubscribe header in a message that was never sent (no Received header)"
    )
    assert finding.location == "headers"


def test_an_export_is_a_template_and_a_sent_test_send_is_rendered(tmp_path: Path) -> None:
    """Merge tags in an export the ESP has not sent are what it fills on sending (personalisation
    is checked as for a template); in a test send that was sent they are leftovers (PER003)."""
    html = (
        "<html><body><p>Привет, *|FNAME|*!</p>"
        '<a href="https://shop.test/u">Отписаться</a></body></html>\n'
    )
    head = "From: a@shop.test\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
    export = tmp_path / "export.eml"
    export.write_text(head + html, encoding="utf-8")
    sent = tmp_path / "sent.eml"
    sent.write_text(RECEIVED + head + html, encoding="utf-8")
    exported = check(export)
    assert exported.campaign.dialect == "mailchimp"
    assert [f.code for f in exported.findings if f.code.startswith("PER")] == ["PER001"]
    assert [f.code for f in check(sent).findings if f.code.startswith("PER")] == ["PER003"]


def test_an_exports_mime_headers_are_not_read_as_a_template(tmp_path: Path) -> None:
    # a boundary that happens to look like a tag is the MIME structure, not a broken template
    path = tmp_path / "export.eml"
    path.write_text(
        "From: a@shop.test\nSubject: {{ first_name | default('Друг', true) }}, скидки\n"
        'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="{{#part"\n\n'
        "--{{#part\nContent-Type: text/html; charset=utf-8\n\n"
        '<p>Привет!</p><a href="https://shop.test/u">Отписаться</a>\n--{{#part--\n',
        encoding="utf-8",
    )
    result = check(path)
    assert result.campaign.dialect == "jinja"
    assert only(result, "PER004") == []
    assert result.campaign.renders[0].subject == "Друг, скидки"


# -- HDR003: a body part written in quoted-printable under a label that says it is not ----------

QP_HTML = (
    "<html><body><p>=D0=9F=D1=80=D0=B8=D0=B2=D0=B5=D1=82, =D0=B4=D1=80=D1=83=D0=B3!</p>\n"
    '<a href=3D"sale.html">=D0=A1=D0=BA=D0=B8=D0=B4=D0=BA=D0=B8</a> <a href=3D"https://shop.t=\n'
    'est/unsub">=D0=9E=D1=82=D0=BF=D0=B8=D1=81=D0=B0=D1=82=D1=8C=D1=81=D1=8F</a></body></html>\n'
)


def test_quoted_printable_labelled_7bit_is_one_finding_and_read_as_meant(tmp_path: Path) -> None:
    """SpamAssassin's spam/006: clients show "=3D" in every link; one finding names the cause,
    and the rules read the part as its author meant it."""
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n"
        'Content-Type: text/html; charset="utf-8"\nContent-Transfer-Encoding: 7bit\n\n' + QP_HTML,
        encoding="utf-8",
    )
    result = check(path)
    [finding] = only(result, "HDR003")
    assert finding.severity.value == "error"
    assert finding.message == (
        "the text/html part is written in quoted-printable (“=3D”, “=” at line ends) but its "
        "Content-Transfer-Encoding says 7bit: mail clients show the codes as written"
    )
    assert finding.location == "text/html part"
    # the links as meant: one relative link (LNK008, its own cause), the unsubscribe link whole
    [relative] = only(result, "LNK008")
    assert relative.message.endswith(": sale.html")
    assert only(result, "UNS001") == []
    assert "<p>Привет, друг!</p>" in (result.campaign.html or "")


def test_lines_of_a_mislabelled_part_are_those_of_the_part_as_written(tmp_path: Path) -> None:
    """SpamAssassin's spam/006: LNK008 said text/html part:21, the line of the text read as
    meant, where a soft break had joined two lines; clients show the part as written, where
    the tag is on line 22 (QA probe, session 32)."""
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n"
        'Content-Type: text/html; charset="utf-8"\nContent-Transfer-Encoding: 7bit\n\n'
        '<html><body><p class=3D"a">Hello, =\n'  # 1 (one line with 2, read as meant)
        "friend</p>\n"  # 2
        '<p><img src=3D"bg.gif" alt=3D"">\n'  # 3
        '<a href=3D"https://shop.test/unsub">Unsubscribe</a></p></body></html>\n',  # 4
        encoding="utf-8",
    )
    result = check(path)
    [relative] = only(result, "LNK008")
    assert relative.places == ("text/html part:3",)
    assert relative.message.endswith(": bg.gif")
    assert [f.location for f in only(result, "HDR003")] == ["text/html part"]


def test_a_plain_text_part_without_a_transfer_encoding_is_7bit(tmp_path: Path) -> None:
    # SpamAssassin's spam/004: no Content-Transfer-Encoding header at all
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Sale: https://shop.test/sale?a=3Db&c=3Dd =\nends today. Unsubscribe: https://shop.test/u\n",
        encoding="utf-8",
    )
    [finding] = only(check(path), "HDR003")
    assert finding.message == (
        "the text/plain part is written in quoted-printable (“=3D”, “=” at line ends) but has "
        "no Content-Transfer-Encoding, which means 7bit: mail clients show the codes as written"
    )
    assert finding.location == "text/plain part"


@pytest.mark.parametrize(
    "body",
    [
        # rows of "=" and one "=3D" in a URL (a 3D viewer): no soft break, no encoded attribute
        "<p>==========</p>\n<a href='https://shop.test/item?view=3D'>3D</a>\n"
        "<a href='https://shop.test/u'>Unsubscribe</a>\n",
        # an attribute split over lines by hand, and no encoded "="
        "<a href=\n'https://shop.test/u'>Unsubscribe</a>\n",
    ],
)
def test_text_that_only_looks_encoded_is_left_alone(tmp_path: Path, body: str) -> None:
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body,
        encoding="utf-8",
    )
    result = check(path)
    assert only(result, "HDR003") == []
    assert "view=3D" in (result.campaign.html or "") or "href=\n" in (result.campaign.html or "")


def test_a_part_labelled_quoted_printable_is_not_judged(tmp_path: Path) -> None:
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: Quoted-Printable\n\n"
        + QP_HTML,
        encoding="utf-8",
    )
    result = check(path)
    assert only(result, "HDR003") == []
    assert [f.message for f in only(result, "LNK008")] == [
        "relative link URL, which no mail client can open (an e-mail has no base URL): sale.html"
    ]


# -- HDR004: multipart/alternative that offers the plain text last --------------------------------


def _alternative(tmp_path: Path, *parts: str, outer: str = "") -> Path:
    """A test send whose multipart/alternative holds ``parts`` (each a whole MIME part)."""
    body = "".join(f"--alt\n{part}\n" for part in parts) + "--alt--\n"
    alternative = 'Content-Type: multipart/alternative; boundary="alt"\n\n' + body
    if outer:  # wrapped in a multipart/mixed with an attachment after it
        alternative = (
            'Content-Type: multipart/mixed; boundary="mix"\n\n--mix\n' + alternative + "--mix\n"
            + outer + "\n--mix--\n"
        )  # fmt: skip
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n" + alternative,
        encoding="utf-8",
    )
    return path


PLAIN = "Content-Type: text/plain; charset=utf-8\n\nПривет! Отписаться: https://shop.test/u"
HTML = (
    "Content-Type: text/html; charset=utf-8\n\n"
    "<p>Привет!</p><a href='https://shop.test/u'>Отписаться</a>"
)
RELATED_HTML = (
    'Content-Type: multipart/related; boundary="rel"\n\n--rel\n' + HTML + "\n--rel\n"
    "Content-Type: image/png\nContent-ID: <logo>\n\nx\n--rel--"
)


@pytest.mark.parametrize(
    ("parts", "outer"),
    [
        ((HTML, PLAIN), ""),
        ((RELATED_HTML, PLAIN), ""),  # the HTML with its images in a multipart/related
        ((HTML, PLAIN), "Content-Type: text/plain\nContent-Disposition: attachment\n\nx"),
    ],
)
def test_plain_text_after_the_html_is_one_error(
    tmp_path: Path, parts: tuple[str, ...], outer: str
) -> None:
    result = check(_alternative(tmp_path, *parts, outer=outer))
    assert [(f.severity.value, f.location, f.message) for f in only(result, "HDR004")] == [
        (
            "error",
            "MIME parts",
            "the text/plain part comes after the text/html part in multipart/alternative: "
            "clients that show the last alternative (Apple Mail, Thunderbird) show the plain "
            "text instead of the HTML",
        )
    ]


@pytest.mark.parametrize(
    "parts",
    [
        (PLAIN, HTML),  # the order RFC 2046 asks for
        (PLAIN, RELATED_HTML),
        (HTML,),  # one alternative only
        (HTML, ""),  # a part without headers: the empty rest of a broken structure
    ],
)
def test_plain_text_first_has_no_hdr004(tmp_path: Path, parts: tuple[str, ...]) -> None:
    assert only(check(_alternative(tmp_path, *parts)), "HDR004") == []


def test_an_attached_text_file_after_the_html_is_no_alternative(tmp_path: Path) -> None:
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="mix"\n\n--mix\n' + HTML + "\n--mix\n"
        + PLAIN + "\n--mix--\n",
        encoding="utf-8",
    )  # fmt: skip
    assert only(check(path), "HDR004") == []


@pytest.mark.parametrize(("written", "spaced"), [("Fro :", True), ("Form:", False)])
def test_a_sent_message_whose_from_is_misspelt_says_which_line_is_no_from(
    tmp_path: Path, written: str, spaced: bool
) -> None:
    # before: "no From header" at "headers", and the warning about "Fro :" said to delete the
    # white space, which leaves no From either
    path = send(tmp_path, RECEIVED + f"{written}Shop <news@shop.test>\nSubject: Sale\n")
    findings = only(check(path), "HDR001")
    error = findings[0]
    assert (error.severity.value, error.places) == ("error", ("headers:2",))
    assert (
        error.message
        == f"Gmail rejects this message: no From header: line 2's “{written}” is not one"
    )
    # the warning about the white space, when there is one, does not say it a second time
    assert [f.severity.value for f in findings[1:]] == (["warning"] if spaced else [])
    assert all("is no From header" not in f.message for f in findings)
