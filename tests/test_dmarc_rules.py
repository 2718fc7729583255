"""DMARC001–DMARC004 against a real NSD."""

from __future__ import annotations

from typing import Any

import pytest
from auth_helpers import AuthDns, codes, findings, make_campaign, message, sign
from dns_server import NsdPool

from mailcheck.dmarc import aligned, parse_dmarc

pytestmark = pytest.mark.network  # a real NSD on loopback


def dmarc(auth_dns: AuthDns, from_addr: str, **kw: Any) -> list[tuple[str, str]]:
    return codes(findings(make_campaign(from_addr, **kw), auth_dns.config(), "DMARC"))


def test_reject_policy_is_clean(auth_dns: AuthDns) -> None:
    assert dmarc(auth_dns, "news@good.test") == []
    assert dmarc(auth_dns, "Магазин <news@магазин.test>") == []


def test_missing_everywhere(auth_dns: AuthDns) -> None:
    found = findings(make_campaign("a@sub.many.test"), auth_dns.config(), "DMARC")
    assert codes(found) == [("DMARC001", "error")]
    assert "nor its organisational domain many.test" in found[0].message


def test_policy_none(auth_dns: AuthDns) -> None:
    assert dmarc(auth_dns, "a@nospf.test") == [("DMARC002", "warning")]


def test_subdomain_uses_sp_not_the_parents_p(auth_dns: AuthDns) -> None:
    found = findings(make_campaign("a@news.parent.test"), auth_dns.config(), "DMARC")
    assert codes(found) == [("DMARC002", "warning")]
    assert "sp=none" in found[0].message


def test_nonexistent_subdomain_uses_np(auth_dns: AuthDns) -> None:
    assert dmarc(auth_dns, "a@ghost.parent.test") == []  # np=quarantine


def test_syntax_errors(auth_dns: AuthDns) -> None:
    found = findings(make_campaign("a@baddmarc.test"), auth_dns.config(), "DMARC")
    assert {c for c, _ in codes(found)} == {"DMARC003"}
    text = " ".join(f.message for f in found)
    assert "start with v=DMARC1" in text and "p=maybe" in text
    assert "pct=150" in text and "mailto" in text
    assert dmarc(auth_dns, "a@twodmarc.test") == [("DMARC003", "error")]
    # said in the reader's language, the record's own text quoted as it is
    from mailcheck.i18n import translate, translations

    said = " ".join(str(translate(f.message, translations("ru"))) for f in found)
    assert "запись должна начинаться с v=DMARC1, а не с " in said, said
    assert "pct=150: должно быть целым числом от 0 до 100" in said, said
    assert "must be" not in said and "start with" not in said


def test_alignment_with_esp_domains_fails(auth_dns: AuthDns) -> None:
    raw = sign(message("news@good.test"), auth_dns.keys.rsa2048, "k2048", "esp.test")
    found = findings(
        make_campaign("news@good.test", raw_message=raw, envelope_from="bounce@esp.test"),
        auth_dns.config(),
        "DMARC004",
    )
    assert len(found) == 1
    assert (
        "d=esp.test (relaxed)" in found[0].message
        and "envelope sender esp.test" in found[0].message
    )


def test_an_empty_envelope_sender_aligns_through_the_helo_name(auth_dns: AuthDns) -> None:
    """RFC 7489 §4.1 takes SPF's MAIL FROM result, postmaster@HELO for `Return-Path: <>`
    (RFC 7208 §2.4): a HELO name of the From domain aligns; another one does not; an unknown
    one cannot be told (a warning, never an error)."""
    raw = sign(message("news@good.test"), auth_dns.keys.rsa2048, "k2048", "esp.test")

    def judged(**kw: Any) -> list[tuple[str, str, str]]:
        campaign = make_campaign("news@good.test", raw_message=raw, envelope_from="<>", **kw)
        found = findings(campaign, auth_dns.config(), "DMARC004")
        return [(f.severity.value, f.location, f.message) for f in found]

    assert judged(helo="mx1.good.test") == []
    assert judged(helo="out.esp.test") == [
        (
            "error",
            "good.test",
            "From domain good.test is not aligned with DKIM d=esp.test (relaxed) or envelope "
            "sender out.esp.test (relaxed): DMARC fails",
        )
    ]
    assert judged() == [
        (
            "warning",
            "good.test",
            "could not verify DMARC alignment: From domain good.test is not aligned with DKIM "
            "d=esp.test (relaxed), and the envelope sender is empty (Return-Path: <>), so SPF "
            "aligns through the HELO name, which is unknown",
        )
    ]


def test_relaxed_alignment_of_a_subdomain_passes(auth_dns: AuthDns) -> None:
    campaign = make_campaign("news@good.test", envelope_from="bounce@mail.good.test")
    assert findings(campaign, auth_dns.config(), "DMARC004") == []


def test_strict_spf_alignment(auth_dns: AuthDns) -> None:
    # _dmarc.parent.test has aspf=s: bounce.parent.test is not news.parent.test
    campaign = make_campaign("a@news.parent.test", envelope_from="x@bounce.parent.test")
    found = findings(campaign, auth_dns.config(), "DMARC004")
    assert len(found) == 1 and "(strict)" in found[0].message


def test_nothing_known_is_not_judged(auth_dns: AuthDns) -> None:
    assert findings(make_campaign("a@good.test"), auth_dns.config(), "DMARC004") == []


def test_dmarc_timeout_is_a_warning(auth_dns: AuthDns) -> None:
    found = findings(
        make_campaign("a@good.test"),
        auth_dns.config(),
        "DMARC",
        router=auth_dns.slow("_dmarc.good.test"),
    )
    assert codes(found) == [("DMARC001", "warning")]


@pytest.mark.parametrize(
    ("domain", "shown"),
    [
        ("commadmarc.test", "'v=DMARC1, p=reject, rua=mailto:d@commadmarc.test'"),
        ("spacedmarc.test", "'v=DMARC1 p=reject'"),
    ],
)
def test_tags_run_together_are_a_broken_record_not_no_record(
    auth_dns: AuthDns, domain: str, shown: str
) -> None:
    """«v=DMARC1, p=reject»: receivers discard it, and the technician must hear that the record
    is there and how it is broken (it said "no DMARC record")."""
    found = findings(make_campaign(f"a@{domain}"), auth_dns.config(), "DMARC")
    assert [(f.code, f.severity.value) for f in found] == [("DMARC003", "error")]
    assert (
        f"tags must be separated by “;”, not commas or spaces: {shown} reads as one v= tag"
        in found[0].message
    )


def test_parse_and_align_units() -> None:
    tags, errors, warnings = parse_dmarc(
        "v=DMARC1; p=quarantine; sp=reject; adkim=s; rua=mailto:a@b.example!10m"
    )
    assert errors == warnings == [] and tags["sp"] == "reject"
    # a bad optional tag is a warning: receivers use its default (RFC 7489 §6.3)
    assert parse_dmarc("v=DMARC1; p=reject; adkim=x")[1:] == (
        [],
        ["adkim=x must be r or s (receivers use r, relaxed)"],
    )
    # any URI scheme, any case (§6.2)
    assert parse_dmarc("v=DMARC1; p=reject; rua=MAILTO:d@b.example,https://b.example/r")[1:] == (
        [],
        [],
    )
    assert aligned("news.shop.example.co.uk", "bounce.example.co.uk", "r")
    assert not aligned("a.example.co.uk", "b.co.uk", "r")
    assert not aligned("news.shop.example.com", "shop.example.com", "s")
    # a Cyrillic From domain and the same domain as an A-label in DKIM d=
    assert aligned("новости.магазин.рф", "xn--80aairftm.xn--p1ai", "r")
    assert aligned("Магазин.РФ", "xn--80aairftm.xn--p1ai", "s")


def test_refused_answer_is_a_warning(auth_dns: AuthDns, nsd_pool: NsdPool) -> None:
    # a nameserver that is not authoritative for the name answers REFUSED (as a broken
    # delegation does): not verified, never "no record"
    refusing = nsd_pool.serve(
        "refusing", {"www.other.example": [("A", "192.0.2.3")]}, "other.example"
    )

    def route(name: str, rdtype: str) -> list[str] | None:
        return [refusing.nameserver] if name.startswith("_dmarc.") else None

    found = findings(make_campaign("a@good.test"), auth_dns.config(), "DMARC", router=route)
    assert codes(found) == [("DMARC001", "warning")]
    assert "REFUSED" in found[0].message and "could not verify" in found[0].message
