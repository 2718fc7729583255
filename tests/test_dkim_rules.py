"""DKIM001–DKIM004: keys and signatures against a real NSD, messages signed with dkimpy."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from auth_helpers import AuthDns, codes, findings, make_campaign, message, sign
from shared_data import require_shared

from mailcheck.auth_model import signatures

pytestmark = pytest.mark.network  # a real NSD on loopback


def _vector() -> bytes:
    return require_shared("vectors", "dkim", "rfc6376.signed.msg").read_bytes()


def signed(auth_dns: AuthDns, key_name: str, selector: str, domain: str = "good.test") -> bytes:
    key = getattr(auth_dns.keys, key_name)
    return sign(message(f"Магазин <news@{domain}>"), key, selector, domain)


def dkim_codes(auth_dns: AuthDns, raw: bytes, **dns: Any) -> list[tuple[str, str]]:
    campaign = make_campaign("news@good.test", raw_message=raw)
    return codes(findings(campaign, auth_dns.config(**dns), "DKIM"))


def test_rfc8463_sample_both_signatures_verify(auth_dns: AuthDns) -> None:
    raw = _vector()
    campaign = make_campaign("Joe SixPack <joe@football.example.com>", raw_message=raw)
    assert {s.selector for s in signatures(campaign)} == {"brisbane", "test"}
    found = findings(campaign, auth_dns.config(), "DKIM")
    # the RSA key of RFC 8463 is 1024 bits: verifies, but under the 2048 recommendation
    assert codes(found) == [("DKIM002", "warning")]
    assert "test._domainkey.football.example.com has 1024 bits" in found[0].message


def test_rfc8463_sample_altered_body_fails(auth_dns: AuthDns) -> None:
    raw = _vector().replace(b"We lost the game.", b"We won the game.")
    campaign = make_campaign("joe@football.example.com", raw_message=raw)
    # both the ed25519 and the RSA signature fail, for one cause: one finding naming both
    [found] = findings(campaign, auth_dns.config(), "DKIM004")
    assert found.places == (
        "brisbane._domainkey.football.example.com",
        "test._domainkey.football.example.com",
    )
    assert found.message.startswith(
        "2 DKIM signatures (d=football.example.com s=brisbane, d=football.example.com s=test) "
        "do not verify: "
    )
    assert "the body was changed after signing" in found.message


@pytest.mark.parametrize(
    ("key", "selector", "expected"),
    [
        ("rsa2048", "k2048", []),
        # verifies; only the ed25519-only warning (tests/test_auth_rfc.py)
        ("ed", "ed", [("DKIM005", "warning")]),
    ],
)
def test_good_signature(
    auth_dns: AuthDns, key: str, selector: str, expected: list[tuple[str, str]]
) -> None:
    assert dkim_codes(auth_dns, signed(auth_dns, key, selector)) == expected


def test_1024_bit_key_is_a_warning(auth_dns: AuthDns) -> None:
    assert dkim_codes(auth_dns, signed(auth_dns, "rsa1024", "k1024")) == [("DKIM002", "warning")]


def test_512_bit_key_is_an_error_and_does_not_verify(auth_dns: AuthDns) -> None:
    """The key is the one problem: DKIM002 says it; DKIM004 said it again, in dkimpy's words
    (changed deliberately: it asserted the duplicate). Without DKIM002, DKIM004 still does."""
    raw = signed(auth_dns, "rsa512", "weak")
    assert dkim_codes(auth_dns, raw) == [("DKIM002", "error")]
    campaign = make_campaign("news@good.test", raw_message=raw)
    (failure,) = findings(campaign, replace(auth_dns.config(), ignore=("DKIM002",)), "DKIM004")
    assert "key is too small" in failure.message


def test_signing_with_a_revoked_key_is_one_finding(auth_dns: AuthDns) -> None:
    """A signature with a revoked key (empty p=) was DKIM002 and DKIM004, the latter with
    dkimpy's raw ASN.1 error text."""
    raw = signed(auth_dns, "rsa2048", "revoked")
    found = findings(make_campaign("news@good.test", raw_message=raw), auth_dns.config(), "DKIM")
    assert [(f.code, f.severity.value, f.location) for f in found] == [
        ("DKIM002", "error", "revoked._domainkey.good.test")
    ]
    assert found[0].message == "the DKIM key at revoked._domainkey.good.test is revoked (empty p=)"


def test_testing_mode(auth_dns: AuthDns) -> None:
    assert dkim_codes(auth_dns, signed(auth_dns, "testing", "testing")) == [("DKIM003", "warning")]


def test_wrong_published_key_does_not_verify(auth_dns: AuthDns) -> None:
    assert dkim_codes(auth_dns, signed(auth_dns, "stale", "stale")) == [("DKIM004", "error")]


def test_header_changed_after_signing(auth_dns: AuthDns) -> None:
    raw = signed(auth_dns, "ed", "ed").replace(b"Subject: ", b"Subject: RE: ", 1)
    campaign = make_campaign("news@good.test", raw_message=raw)
    (failure,) = findings(campaign, auth_dns.config(), "DKIM004")
    assert "does not match the signed headers" in failure.message


def test_signing_selector_without_key(auth_dns: AuthDns) -> None:
    """One missing key, one finding: DKIM001 (DKIM004 said it again; changed deliberately)."""
    raw = signed(auth_dns, "rsa2048", "nokey")
    campaign = make_campaign("news@good.test", raw_message=raw)
    found = findings(campaign, auth_dns.config(), "DKIM")
    assert codes(found) == [("DKIM001", "error")]
    assert "nokey._domainkey.good.test" in found[0].message
    (alone,) = findings(campaign, replace(auth_dns.config(), ignore=("DKIM001",)), "DKIM")
    assert alone.code == "DKIM004"
    assert "no key is published at nokey._domainkey.good.test" in alone.message


def test_configured_selectors(auth_dns: AuthDns) -> None:
    campaign = make_campaign("news@good.test", dkim_selectors=["revoked"])
    config = auth_dns.config(dkim_selectors=("k2048", "absent", "garbage"))
    found = findings(campaign, config, "DKIM")
    assert codes(found) == [("DKIM001", "error"), ("DKIM001", "error"), ("DKIM002", "error")]
    text = " ".join(f.message for f in found)
    assert "absent._domainkey" in text and "not valid base64" in text and "revoked" in text


def test_a_configured_selector_of_the_parent_domain_signs_a_subdomains_mail(
    auth_dns: AuthDns,
) -> None:
    """From news.good.test, the ESP signing d=good.test (aligned in relaxed mode): the key at
    k2048._domainkey.good.test is the one; a selector with a key at neither name is still
    one error, named at the From domain."""
    campaign = make_campaign("promo@news.good.test")
    config = auth_dns.config(dkim_selectors=("k2048", "absent"))
    found = findings(campaign, config, "DKIM")
    assert [(f.code, f.severity.value, f.location) for f in found] == [
        ("DKIM001", "error", "absent._domainkey.news.good.test")
    ]
    assert found[0].message.startswith("no DKIM key at absent._domainkey.news.good.test")


def test_no_selector_known_is_not_a_finding(auth_dns: AuthDns) -> None:
    from auth_helpers import gather

    campaign = make_campaign("news@good.test")
    assert findings(campaign, auth_dns.config(), "DKIM") == []
    facts, _ = gather([campaign], auth_dns.config())
    assert any("not verified" in n for n in facts.auth["good.test"].notes)


def test_key_lookup_timeout_is_a_warning(auth_dns: AuthDns) -> None:
    raw = signed(auth_dns, "rsa2048", "k2048")
    campaign = make_campaign("news@good.test", raw_message=raw)
    found = findings(
        campaign, auth_dns.config(), "DKIM", router=auth_dns.slow("_domainkey.good.test")
    )
    # one failed lookup, one warning (DKIM004 said it again; changed deliberately)
    assert codes(found) == [("DKIM001", "warning")]
    assert found[0].location == "k2048._domainkey.good.test"
    assert found[0].message.startswith("could not verify the DKIM key at k2048._domainkey")


def test_the_reason_is_read_from_dkimpys_errors_not_its_debug_dumps() -> None:
    # dkimpy logs the signature and hashes at debug level; their random base64 once spelled
    # "kEy" and a changed header was explained as a key problem (a flaky test above)
    import logging

    from mailcheck.dkim_keys import _Collect

    log = logging.getLogger("mailcheck.test.dkim-collect")
    log.propagate = False
    log.setLevel(logging.DEBUG)
    handler = _Collect()
    log.addHandler(handler)
    try:
        log.debug("sig: {b'b': b'Zk/kEyQ+'}")
        log.error("body hash mismatch (got b'x', expected b'y')")
    finally:
        log.removeHandler(handler)
    assert handler.messages == ["body hash mismatch (got b'x', expected b'y')"]
