"""Authentication lint per the RFCs, not folklore (issue 10 item 10), against a real NSD.

SPF on the envelope sender and HELO (RFC 7208 §2.4), counting that stops at ``all`` (§5.1),
void lookups as an IPv4 sender meets them (§4.6.4), ``+all`` inside an include; DMARC URI
schemes (RFC 7489 §6.2), bad optional tags (§6.3), a record without ``p`` (§6.6.3), ``np``
for empty non-terminals (RFC 9091); DKIM extra signatures, rsa-sha1 and ``h=sha1`` keys
(RFC 8301, RFC 6376 §3.6.1) and ed25519-only signing (RFC 8463).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dkim
import pytest
from auth_helpers import AuthDns, findings, make_campaign, message, sign

from mailcheck.message import parse_message

pytestmark = pytest.mark.network  # a real NSD on loopback


def found(
    auth_dns: AuthDns, prefix: str, from_addr: str, **kw: Any
) -> list[tuple[str, str, str, str]]:
    config = kw.pop("config", None) or auth_dns.config()
    return sorted(
        (f.code, f.severity.value, f.location, f.message)
        for f in findings(make_campaign(from_addr, **kw), config, prefix)
    )


# --- SPF: the envelope sender (RFC 7208 §2.4) ------------------------------------------------


@pytest.mark.parametrize(
    "from_addr", ["Магазин <news@nofromspf.test>", "Shop <news@nofromspf.test>"]
)
def test_from_without_spf_is_a_warning_when_the_return_path_spf_is_valid_and_aligned(
    auth_dns: AuthDns, from_addr: str
) -> None:
    assert found(auth_dns, "SPF", from_addr, envelope_from="bounce@bounce.nofromspf.test") == [
        (
            "SPF001",
            "warning",
            "nofromspf.test",
            "nofromspf.test has no SPF record (receivers check SPF on the envelope sender "
            "bounce.nofromspf.test, not here)",
        )
    ]


def test_from_without_spf_is_an_error_when_the_return_path_is_not_aligned(
    auth_dns: AuthDns,
) -> None:
    assert [
        (c, s, loc)
        for c, s, loc, _ in found(
            auth_dns, "SPF", "news@nofromspf.test", envelope_from="bounce@esp.test"
        )
    ] == [("SPF001", "error", "nofromspf.test")]


def test_without_a_return_path_the_from_domain_is_the_envelope(auth_dns: AuthDns) -> None:
    assert [(c, s) for c, s, _, _ in found(auth_dns, "SPF", "news@nofromspf.test")] == [
        ("SPF001", "error")
    ]


def test_a_broken_return_path_spf_is_the_error(auth_dns: AuthDns) -> None:
    """The envelope's +all is an error; the From domain's good record is not involved."""
    assert [
        (c, s, loc)
        for c, s, loc, _ in found(
            auth_dns, "SPF", "news@good.test", envelope_from="bounce@plusall.test"
        )
    ] == [("SPF004", "error", "plusall.test")]


def test_from_domain_problems_are_warnings_beside_a_good_return_path(auth_dns: AuthDns) -> None:
    assert [
        (c, s, loc)
        for c, s, loc, _ in found(
            auth_dns, "SPF", "news@plusall.test", envelope_from="bounce@good.test"
        )
    ] == [("SPF004", "warning", "plusall.test")]


def test_helo_name_is_judged_only_for_an_empty_envelope_sender(auth_dns: AuthDns) -> None:
    """Receivers check the HELO name's SPF only when the envelope sender is empty (RFC 7208
    §2.3): with a Return-Path the ESP's host is not judged (it warned on every test send)."""
    raw = (
        "Return-Path: <bounce@good.test>\r\n"
        "Received: from mta.nospf.test (mta.nospf.test [192.0.2.7]) by mx.example.net\r\n"
        "From: Магазин <news@good.test>\r\nSubject: Скидки\r\n\r\nПривет\r\n"
    ).encode()
    parsed = parse_message(raw)
    assert parsed.helo == "mta.nospf.test" and parsed.received_ips == ["192.0.2.7"]
    seen = {"helo": parsed.helo, "received_ips": parsed.received_ips}
    assert found(auth_dns, "SPF", "news@good.test", envelope_from="bounce@good.test", **seen) == []
    assert found(auth_dns, "SPF", "news@good.test", envelope_from="<>", **seen) == [
        (
            "SPF001",
            "warning",
            "mta.nospf.test",
            "mta.nospf.test has no SPF record (the HELO name: checked when the envelope "
            "sender is empty, RFC 7208 §2.3)",
        )
    ]


def test_an_empty_envelope_sender_is_evaluated_as_postmaster_at_the_helo_name(
    auth_dns: AuthDns,
) -> None:
    """RFC 7208 §2.4: with `Return-Path: <>` the MAIL FROM identity is postmaster@HELO, not
    postmaster@From: out.esp.test authorises 198.51.100.7, good.test does not (no finding);
    esp.test does not authorise 192.0.2.7, which good.test does (SPF006 on esp.test)."""
    passes = {"helo": "out.esp.test", "received_ips": ["198.51.100.7"]}
    assert found(auth_dns, "SPF", "news@good.test", envelope_from="<>", **passes) == []
    fails = {"helo": "esp.test", "received_ips": ["192.0.2.7"]}
    assert found(auth_dns, "SPF", "news@good.test", envelope_from="<>", **fails) == [
        (
            "SPF006",
            "error",
            "esp.test",
            "SPF fail for 192.0.2.7 sending as postmaster@esp.test: matched '-all' of "
            "esp.test (the HELO name: checked when the envelope sender is empty, RFC 7208 "
            "§2.3)",
        )
    ]


def test_an_empty_envelope_sender_judges_the_from_domain_beside_the_helo_name(
    auth_dns: AuthDns,
) -> None:
    """The From domain is not the envelope for `Return-Path: <>`: it is judged as beside a
    Return-Path (its missing SPF stays an error, the HELO name not being aligned with it)."""
    seen = {"helo": "out.esp.test", "received_ips": ["198.51.100.7"]}
    assert found(auth_dns, "SPF", "news@nospf.test", envelope_from="<>", **seen) == [
        (
            "SPF001",
            "error",
            "nospf.test",
            "nospf.test has no SPF record (the envelope sender is empty: receivers check SPF "
            "on postmaster@out.esp.test, the HELO name, not here)",
        )
    ]


def test_an_empty_envelope_sender_without_a_helo_name_could_not_be_verified(
    auth_dns: AuthDns,
) -> None:
    """The identity receivers check is unknown: one "could not verify" warning, never an
    error about the From domain (whether SPF aligns through the HELO name cannot be told),
    and SPF006 says it when SPF001 is ignored."""
    unknown = (
        "SPF001",
        "warning",
        "Return-Path",
        "could not verify SPF: the envelope sender is empty (Return-Path: <>), so receivers "
        "check postmaster@ the HELO name, and the HELO name is unknown (the Received header "
        "of a test send gives it)",
    )
    ips = {"received_ips": ["198.51.100.7"]}
    assert found(auth_dns, "SPF", "news@good.test", envelope_from="<>", **ips) == [unknown]
    assert found(auth_dns, "SPF", "news@nospf.test", envelope_from="<>", **ips) == [
        unknown,
        (
            "SPF001",
            "warning",
            "nospf.test",
            "nospf.test has no SPF record (the envelope sender is empty: receivers check SPF "
            "on postmaster@ the HELO name, not here)",
        ),
    ]
    config = replace(auth_dns.config(), ignore=("SPF001",))
    assert found(auth_dns, "SPF", "news@good.test", envelope_from="<>", config=config, **ips) == [
        (
            "SPF006",
            "warning",
            "Return-Path",
            "could not verify SPF for 198.51.100.7: the envelope sender is empty "
            "(Return-Path: <>), so receivers check postmaster@ the HELO name, and the HELO "
            "name is unknown",
        )
    ]


# --- SPF: counting and evaluation --------------------------------------------------------------


def test_lookup_counting_stops_at_all(auth_dns: AuthDns) -> None:
    assert found(auth_dns, "SPF", "news@stopall.test") == []


def test_void_lookups_of_aaaa_only_hosts_for_ipv4_senders(auth_dns: AuthDns) -> None:
    assert found(auth_dns, "SPF003", "news@aaaaonly.test") == [
        (
            "SPF003",
            "error",
            "aaaaonly.test",
            "the SPF record of aaaaonly.test has 3 void lookups for senders over IPv4 "
            "(a:v6a.aaaaonly.test, a:v6b.aaaaonly.test, a:v6c.aaaaonly.test: names with no "
            "such data; at most 2 are allowed): receivers give permerror",
        )
    ]


def test_void_lookups_agree_with_check_host(auth_dns: AuthDns) -> None:
    """An IPv4 sender gets permerror from check_host() too: the lint says what receivers do."""
    config = auth_dns.config(sending_ips=("192.0.2.7",))
    facts = findings(make_campaign("news@aaaaonly.test"), config, "SPF003")
    assert len(facts) == 1
    from auth_helpers import gather

    gathered, _ = gather([make_campaign("news@aaaaonly.test", received_ips=["192.0.2.7"])], config)
    spf = gathered.auth["aaaaonly.test"].spf
    assert spf is not None
    assert [r.result for r in spf.evaluations.values()] == ["permerror"]


def test_plus_all_inside_an_include(auth_dns: AuthDns) -> None:
    assert found(auth_dns, "SPF004", "Магазин <news@incplus.test>") == [
        (
            "SPF004",
            "error",
            "incplus.test",
            "the SPF record of incplus.test has include:plusall.test, which ends in +all: "
            "that include passes any server, so any server may send as incplus.test",
        )
    ]


# --- DMARC ------------------------------------------------------------------------------------


def test_uri_schemes_any_and_case_insensitive(auth_dns: AuthDns) -> None:
    assert found(auth_dns, "DMARC", "Shop <news@upper.test>") == []


def test_bad_optional_tags_are_warnings(auth_dns: AuthDns) -> None:
    assert [(c, s, m) for c, s, _, m in found(auth_dns, "DMARC", "Магазин <news@optbad.test>")] == [
        (
            "DMARC003",
            "warning",
            "DMARC record at _dmarc.optbad.test: adkim=x must be r or s (receivers use r, relaxed)",
        ),
        (
            "DMARC003",
            "warning",
            "DMARC record at _dmarc.optbad.test: pct=150 must be a whole number from 0 to 100 "
            "(receivers use 100)",
        ),
    ]


def test_no_p_but_rua_is_p_none_with_a_warning(auth_dns: AuthDns) -> None:
    assert [(c, s, m) for c, s, _, m in found(auth_dns, "DMARC", "news@nop.test")] == [
        (
            "DMARC002",
            "warning",
            "the DMARC policy for nop.test is none (read as p=none: no valid p= at "
            "_dmarc.nop.test): forged mail is not stopped",
        ),
        (
            "DMARC003",
            "warning",
            "DMARC record at _dmarc.nop.test: no p= tag (the policy is required): with a valid "
            "rua= receivers read the record as p=none (RFC 7489 §6.6.3)",
        ),
    ]


def test_no_p_and_no_rua_is_an_error(auth_dns: AuthDns) -> None:
    assert [(c, s) for c, s, _, _ in found(auth_dns, "DMARC", "news@nopnorua.test")] == [
        ("DMARC003", "error")
    ]


def test_np_applies_to_an_empty_non_terminal(auth_dns: AuthDns) -> None:
    # ent.entparent.test has only a name below it: NODATA for A, AAAA and MX (RFC 9091)
    assert found(auth_dns, "DMARC", "Магазин <news@ent.entparent.test>") == []
    # a subdomain that exists takes sp=none
    assert [(c, s) for c, s, _, _ in found(auth_dns, "DMARC", "news@news.entparent.test")] == [
        ("DMARC002", "warning")
    ]


# --- DKIM -------------------------------------------------------------------------------------


def _two_signatures(auth_dns: AuthDns, from_domain: str = "good.test") -> bytes:
    raw = sign(
        message(f"Магазин <news@{from_domain}>"), auth_dns.keys.rsa2048, "k2048", "good.test"
    )
    return sign(raw, auth_dns.keys.stale, "stale", "esp.test")


def test_extra_unaligned_failing_signature_is_a_warning(auth_dns: AuthDns) -> None:
    raw = _two_signatures(auth_dns)
    result = found(auth_dns, "DKIM004", "Магазин <news@good.test>", raw_message=raw)
    assert [(c, s, loc) for c, s, loc, _ in result] == [
        ("DKIM004", "warning", "stale._domainkey.esp.test")
    ]
    assert "(the aligned signature d=good.test verifies)" in result[0][3]


def test_failing_signature_without_an_aligned_one_stays_an_error(auth_dns: AuthDns) -> None:
    raw = sign(message("Shop <news@good.test>"), auth_dns.keys.stale, "stale", "esp.test")
    result = found(auth_dns, "DKIM004", "Shop <news@good.test>", raw_message=raw)
    assert [(c, s, loc) for c, s, loc, _ in result] == [
        ("DKIM004", "error", "stale._domainkey.esp.test")
    ]


def test_rsa_sha1_signature_does_not_verify(auth_dns: AuthDns) -> None:
    raw = message("Shop <news@good.test>")
    header = dkim.sign(
        raw,
        b"k2048",
        b"good.test",
        auth_dns.keys.rsa2048.private,
        signature_algorithm=b"rsa-sha1",
        include_headers=[b"from", b"to", b"subject"],
    )
    result = found(auth_dns, "DKIM004", "Shop <news@good.test>", raw_message=header + raw)
    assert [(c, s, loc) for c, s, loc, _ in result] == [
        ("DKIM004", "error", "k2048._domainkey.good.test")
    ]
    assert "rsa-sha1" in result[0][3] and "RFC 8301" in result[0][3]


def test_key_restricted_to_sha1_does_not_verify_rsa_sha256(auth_dns: AuthDns) -> None:
    raw = sign(message("Магазин <news@good.test>"), auth_dns.keys.rsa2048, "sha1only", "good.test")
    result = found(auth_dns, "DKIM004", "Магазин <news@good.test>", raw_message=raw)
    assert [(c, s, loc) for c, s, loc, _ in result] == [
        ("DKIM004", "error", "sha1only._domainkey.good.test")
    ]
    assert "allows only h=sha1, the signature uses sha256" in result[0][3]


def test_ed25519_only_is_a_warning(auth_dns: AuthDns) -> None:
    raw = sign(message("Магазин <news@edonly.test>"), auth_dns.keys.ed, "ed", "edonly.test")
    assert found(auth_dns, "DKIM", "Магазин <news@edonly.test>", raw_message=raw) == [
        (
            "DKIM005",
            "warning",
            "ed._domainkey.edonly.test",
            "DKIM keys are ed25519 only (ed._domainkey.edonly.test): major mailbox providers "
            "do not verify ed25519 yet, so add an RSA signature",
        )
    ]


def test_ed25519_beside_rsa_is_fine(auth_dns: AuthDns) -> None:
    raw = sign(message("Shop <news@good.test>"), auth_dns.keys.ed, "ed", "good.test")
    raw = sign(raw, auth_dns.keys.rsa2048, "k2048", "good.test")
    assert found(auth_dns, "DKIM", "Shop <news@good.test>", raw_message=raw) == []
