"""ESP set-ups agencies really use, against a real NSD: the ESP's own Return-Path with DKIM
signed at the client's domain, bounce domains that cannot receive mail, one-click headers left
out of the DKIM signature, a From domain that does not exist."""

from __future__ import annotations

import dkim
import pytest
from auth_helpers import codes, findings, gather, make_campaign, message
from dns_server import Nsd, NsdPool
from zones.auth_zone import Key, rsa_key

from mailcheck.config import Config, DnsConfig
from mailcheck.engine import judge
from mailcheck.model import Campaign

ESP_SPF = "v=spf1 ip4:185.98.84.0/22 -all"
LIST_UNSUBSCRIBE = (
    "List-Unsubscribe: <https://unsub.client.test/u/1>\r\n"
    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
)


@pytest.fixture(scope="module")
def key() -> Key:
    return rsa_key(2048)


@pytest.fixture(scope="module")
def esp_dns(nsd_pool: NsdPool, key: Key) -> Nsd:
    return nsd_pool.serve(
        "esp-setups",
        {
            # the client relies on the ESP's Return-Path and signs DKIM at its own domain
            "client.test": [("MX", (10, "mx.client.test"))],
            "mx.client.test": [("A", "192.0.2.20")],
            "k1._domainkey.client.test": [("TXT", key.record)],
            "_dmarc.client.test": [("TXT", "v=DMARC1; p=reject")],
            "bounce.esp.test": [("TXT", ESP_SPF), ("MX", (10, "mx.client.test"))],
            # a bounce subdomain with SPF only: no MX, no address; and one with a null MX
            "bnc.client.test": [("TXT", ESP_SPF)],
            "nullbnc.client.test": [("TXT", ESP_SPF), ("MX", (0, "."))],
        },
    )


def config(server: Nsd) -> Config:
    return Config(dns=DnsConfig(nameservers=(server.nameserver,), timeout=0.5, blocklists=False))


def signed(key: Key, headers: list[bytes], top: str = "", extra: str = "") -> bytes:
    raw = message("Клиент <news@client.test>")
    raw = extra.encode() + raw if extra else raw
    signature = dkim.sign(
        raw,
        b"k1",
        b"client.test",
        key.private,
        signature_algorithm=key.algorithm,
        include_headers=headers,
    )
    received = "Received: from mail-1.esp.test (mail-1.esp.test. [185.98.85.12]) by mx.test\r\n"
    return top.encode() + received.encode() + signature + raw


def test_configured_selector_at_from_domain_aligns_dkim(esp_dns: Nsd) -> None:
    """campaign.toml: the ESP's Return-Path, DKIM at the client's selector k1 (published):
    DMARC passes through DKIM, so no DMARC004 error and the From domain's missing SPF record,
    which receivers do not check for this mail, is a warning."""
    campaign = Campaign(
        id="c",
        source="campaign.toml",
        kind="toml",
        from_addr="news@client.test",
        dkim_selectors=["k1"],
        headers={"Return-Path": "<b-1@bounce.esp.test>"},
    )
    found = [
        f for f in findings(campaign, config(esp_dns), "") if f.code[:3] in ("SPF", "DMA", "DKI")
    ]
    assert codes(found) == [("SPF001", "warning")]
    assert found[0].location == "client.test"


def test_signed_test_send_with_esp_return_path(esp_dns: Nsd, key: Key) -> None:
    raw = signed(key, [b"from", b"to", b"subject"], top="Return-Path: <b-1@bounce.esp.test>\r\n")
    campaign = make_campaign(
        "news@client.test", raw_message=raw, envelope_from="b-1@bounce.esp.test"
    )
    found = findings(campaign, config(esp_dns), "SPF001")
    assert codes(found) == [("SPF001", "warning")]
    assert "client.test has no SPF record" in found[0].message


@pytest.mark.parametrize(
    ("bounce", "severity", "said"),
    [
        ("b-1@bnc.client.test", "error", "bnc.client.test has no MX and no address record"),
        ("b-1@nullbnc.client.test", "warning", "nullbnc.client.test publishes a null MX"),
        ("b-1@typo.client.test", "error", "typo.client.test does not exist (NXDOMAIN)"),
    ],
)
def test_return_path_domain_that_cannot_receive(
    esp_dns: Nsd, key: Key, bounce: str, severity: str, said: str
) -> None:
    raw = signed(key, [b"from", b"to", b"subject"], top=f"Return-Path: <{bounce}>\r\n")
    campaign = make_campaign("news@client.test", raw_message=raw, envelope_from=bounce)
    found = findings(campaign, config(esp_dns), "DOM001")
    assert codes(found) == [("DOM001", severity)]
    assert found[0].location == "Return-Path"
    assert said in found[0].message
    # the NXDOMAIN bounce domain is that one finding, not "no SPF record" as well
    bounce_domain = bounce.rpartition("@")[2]
    assert [
        f for f in findings(campaign, config(esp_dns), "SPF") if f.location == bounce_domain
    ] == []


def test_from_domain_that_does_not_exist_is_one_finding(esp_dns: Nsd, key: Key) -> None:
    raw = message("Shop <news@gone.test>")
    raw = dkim.sign(raw, b"k1", b"gone.test", key.private, include_headers=[b"from"]) + raw
    campaign = make_campaign("news@gone.test", raw_message=raw)
    facts, _ = gather([campaign], config(esp_dns))
    result = judge(campaign, config(esp_dns), facts, offline=False)
    errors = [
        (f.code, f.location)
        for f in result.findings
        if f.severity.value == "error" and f.code.startswith(("SPF", "DKIM", "DMARC", "DOM"))
    ]
    assert errors == [("DOM001", "From")]


@pytest.mark.parametrize(
    ("headers", "uncovered"),
    [
        ([b"from", b"to", b"subject", b"list-unsubscribe", b"list-unsubscribe-post"], None),
        ([b"from", b"to", b"subject"], "List-Unsubscribe, List-Unsubscribe-Post"),
        ([b"from", b"to", b"subject", b"list-unsubscribe"], "List-Unsubscribe-Post"),
    ],
)
def test_one_click_headers_must_be_signed(
    esp_dns: Nsd, key: Key, headers: list[bytes], uncovered: str | None
) -> None:
    """RFC 8058 §4: receivers offer one-click unsubscribe only when a valid DKIM signature
    covers both headers; a signature that leaves one out is one UNS003 warning naming it."""
    raw = signed(key, headers, extra=LIST_UNSUBSCRIBE)
    campaign = make_campaign(
        "news@client.test",
        raw_message=raw,
        headers={
            "List-Unsubscribe": "<https://unsub.client.test/u/1>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    found = findings(campaign, config(esp_dns), "UNS003")
    if uncovered is None:
        assert found == []
        return
    assert codes(found) == [("UNS003", "warning")] and found[0].location == "headers"
    assert found[0].message.startswith(
        f"the DKIM signature (d=client.test) does not cover {uncovered}: receivers offer"
    )
