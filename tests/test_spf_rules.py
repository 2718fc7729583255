"""SPF001–SPF006 on campaigns built directly, facts gathered from a real NSD."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from auth_helpers import AuthDns, codes, findings, make_campaign

pytestmark = pytest.mark.network  # a real NSD on loopback


def spf(auth_dns: AuthDns, from_addr: str, **kw: Any) -> list[tuple[str, str]]:
    config = kw.pop("config", None) or auth_dns.config()
    return codes(findings(make_campaign(from_addr, **kw), config, "SPF"))


def test_good_domain_has_no_spf_findings(auth_dns: AuthDns) -> None:
    assert spf(auth_dns, "ACME <news@good.test>") == []


def test_cyrillic_domain_is_looked_up_as_idna(auth_dns: AuthDns) -> None:
    assert spf(auth_dns, "Магазин <новости@магазин.test>") == []


def test_no_record(auth_dns: AuthDns) -> None:
    found = findings(make_campaign("news@nospf.test"), auth_dns.config(), "SPF")
    assert codes(found) == [("SPF001", "error")]
    assert "nospf.test has no SPF record" in found[0].message


def test_two_records(auth_dns: AuthDns) -> None:
    assert ("SPF002", "error") in spf(auth_dns, "news@twospf.test")


def test_too_many_lookups(auth_dns: AuthDns) -> None:
    found = findings(make_campaign("news@many.test"), auth_dns.config(), "SPF003")
    assert len(found) == 1 and "needs 11 DNS lookups" in found[0].message


def test_too_many_void_lookups(auth_dns: AuthDns) -> None:
    found = findings(make_campaign("news@void.test"), auth_dns.config(), "SPF003")
    assert len(found) == 1 and "3 void lookups" in found[0].message


def test_include_loop(auth_dns: AuthDns) -> None:
    found = findings(make_campaign("news@loop.test"), auth_dns.config(), "SPF003")
    assert any("include loop" in f.message for f in found)


def test_all_qualifiers(auth_dns: AuthDns) -> None:
    assert spf(auth_dns, "a@plusall.test") == [("SPF004", "error")]
    assert spf(auth_dns, "a@neutral.test") == [("SPF004", "warning")]
    assert spf(auth_dns, "a@noall.test") == [("SPF004", "warning")]
    assert spf(auth_dns, "a@redirected.test") == []  # redirect to a record ending in -all
    # the record that ends the redirect chain decides
    assert spf(auth_dns, "a@redir-noall.test") == [("SPF004", "warning")]
    assert spf(auth_dns, "a@redir-plus.test") == [("SPF004", "error")]


def test_syntax_errors(auth_dns: AuthDns) -> None:
    for domain, words in [
        ("badcidr.test", "/33"),
        ("badmacro.test", "macro"),
        ("badinclude.test", "no SPF record"),
    ]:
        found = findings(make_campaign(f"a@{domain}"), auth_dns.config(), "SPF005")
        assert len(found) == 1 and words in found[0].message, (domain, found)


def test_one_broken_include_pulled_in_twice_is_one_finding(auth_dns: AuthDns) -> None:
    """The Return-Path's record and the From domain's both include the ESP's broken record:
    one cause, one finding naming both, an error as the envelope sender's (it was an error
    and a warning saying the same)."""
    campaign = make_campaign("a@shared-bad.test", envelope_from="b@bounce.shared-bad.test")
    [found] = findings(campaign, auth_dns.config(), "SPF005")
    assert found.severity.value == "error"
    assert found.places == ("bounce.shared-bad.test", "shared-bad.test")
    assert found.message.startswith("SPF of bounce.shared-bad.test, shared-bad.test: ")
    assert "/33" in found.message


def test_multi_string_txt_is_one_record(auth_dns: AuthDns) -> None:
    config = auth_dns.config(sending_ips=("192.0.2.7",))
    assert spf(auth_dns, "a@multi.test", config=config) == []


def test_received_ip_not_authorised(auth_dns: AuthDns) -> None:
    found = findings(
        make_campaign("news@good.test", received_ips=["198.51.100.7"]), auth_dns.config(), "SPF"
    )
    assert codes(found) == [("SPF006", "error")]
    assert "SPF fail for 198.51.100.7" in found[0].message


def test_received_ip_authorised(auth_dns: AuthDns) -> None:
    campaign = make_campaign("news@good.test", received_ips=["192.0.2.55", "2001:db8::5"])
    assert codes(findings(campaign, auth_dns.config(), "SPF")) == []


def test_softfail_for_configured_cidr_uses_its_first_address(auth_dns: AuthDns) -> None:
    config = auth_dns.config(sending_ips=("198.51.100.0/28",))
    found = findings(make_campaign("news@soft.test"), config, "SPF006")
    assert len(found) == 1 and "softfail for 198.51.100.0" in found[0].message
    ok = auth_dns.config(sending_ips=("192.0.2.128/25",))
    assert findings(make_campaign("news@soft.test"), ok, "SPF006") == []


def test_envelope_sender_domain_is_evaluated(auth_dns: AuthDns) -> None:
    # From good.test, but the ESP's Return-Path esp.test is what SPF checks
    campaign = make_campaign(
        "news@good.test", envelope_from="<bounce@esp.test>", received_ips=["192.0.2.9"]
    )
    found = findings(campaign, auth_dns.config(), "SPF006")
    assert len(found) == 1 and "bounce@esp.test" in found[0].message
    campaign.received_ips = ["203.0.113.9"]
    assert findings(campaign, auth_dns.config(), "SPF006") == []


def test_timeout_is_a_warning_not_a_traceback(auth_dns: AuthDns) -> None:
    campaign = make_campaign("news@good.test", received_ips=["192.0.2.1"])
    found = findings(campaign, auth_dns.config(), "SPF", router=auth_dns.slow("good.test"))
    # one failed lookup, one warning: SPF006's temperror said it again (changed deliberately)
    assert codes(found) == [("SPF001", "warning")]
    assert found[0].location == "good.test"
    assert found[0].message.startswith("could not verify the SPF record of good.test")
    # without SPF001, SPF006 still says it: nothing unchecked passes in silence
    alone = replace(auth_dns.config(), ignore=("SPF001",))
    found = findings(campaign, alone, "SPF", router=auth_dns.slow("good.test"))
    assert codes(found) == [("SPF006", "warning")]
    assert found[0].message.startswith("could not verify SPF for 192.0.2.1")


def test_include_timeout_is_a_warning(auth_dns: AuthDns) -> None:
    # many.test includes inc0..inc10.many.test; one of them never answers
    found = findings(
        make_campaign("news@many.test"),
        auth_dns.config(),
        "SPF",
        router=auth_dns.slow("inc3.many.test"),
    )
    assert ("SPF001", "warning") in codes(found)
    assert any("include:inc3.many.test could not be looked up" in f.message for f in found)
    assert not any(f.code == "SPF005" for f in found)


def test_spf_reasons_are_said_in_the_readers_language(auth_dns: AuthDns) -> None:
    """The evaluator's own reasons are part of SPF005/SPF003/SPF006: a Russian report read
    «SPF для badcidr.test: CIDR length /33 is over /32 in 'ip4:…/33'»."""
    from mailcheck.i18n import translate, translations

    ru = translations("ru")
    [syntax] = findings(make_campaign("a@badcidr.test"), auth_dns.config(), "SPF005")
    said = str(translate(syntax.message, ru))
    assert "длина CIDR /33 больше /32 в " in said and "is over" not in said, said
    [loop] = [
        f
        for f in findings(make_campaign("news@loop.test"), auth_dns.config(), "SPF003")
        if "loop" in f.message
    ]
    assert "петля include: " in str(translate(loop.message, ru))
    [fail] = findings(
        make_campaign("news@good.test", received_ips=["198.51.100.7"]), auth_dns.config(), "SPF"
    )
    said = str(translate(fail.message, ru))
    assert "сработал '-all' записи good.test" in said, said
