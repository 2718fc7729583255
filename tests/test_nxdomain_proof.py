"""NXDOMAIN is proof only from a resolver that answers other names (README, "An error needs
proof"): a resolver that says NXDOMAIN to every name (a CI runner or corporate DNS that blocks
outside names) makes the sender domain, its DKIM keys and the link hosts "could not verify",
never an error; a real NXDOMAIN from a resolver that answers names stays an error.

The resolver that answers no name is a real NSD serving an empty root zone: NXDOMAIN for every
name but the root itself, which mailcheck never asks."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dns_server import Nsd, NsdPool, QueryCounter

from mailcheck.config import Config, DnsConfig, LinksConfig
from mailcheck.engine import run
from mailcheck.model import CampaignResult, Severity
from mailcheck.net.dns import DnsClient
from tests.helpers import only

pytestmark = pytest.mark.network  # a real NSD on loopback

ROOT = Path(__file__).resolve().parent.parent
WHY = (
    "the resolver answered no name of this run (not one was found to exist), so its NXDOMAIN "
    "proves nothing"
)
# a zone that answers names: shop.test and esp.test exist, missing.test and gone.test do not
# ("test." itself is there, holding names: NODATA for its SOA)
ANSWERING = {
    "shop.test": [("MX", (10, "mx.shop.test")), ("TXT", "v=spf1 -all")],
    "mx.shop.test": [("A", "192.0.2.20")],
    "_dmarc.shop.test": [("TXT", "v=DMARC1; p=reject")],
    "k1._domainkey.esp.test": [("TXT", "v=DKIM1; k=rsa; p=")],  # revoked: an answer all the same
}


@pytest.fixture(scope="module")
def nowhere(nsd_pool: NsdPool) -> Nsd:
    """NXDOMAIN for every name (the root zone, empty)."""
    return nsd_pool.serve("empty-root", {})


@pytest.fixture(scope="module")
def answering(nsd_pool: NsdPool) -> Nsd:
    return nsd_pool.serve("nxdomain-proof", ANSWERING)


def eml(
    path: Path,
    from_addr: str,
    *,
    return_path: str = "",
    d: str = "",
    links: str = "",
    unsubscribe: str = "",
) -> Path:
    """A test send: ``d``, a DKIM-Signature by that domain (selector k1; its key is looked up,
    the signature is not expected to verify); the unsubscribe link on the From domain."""
    top = f"Return-Path: <{return_path}>\r\n" if return_path else ""
    if d:
        top += (
            f"DKIM-Signature: v=1; a=rsa-sha256; d={d}; s=k1; c=relaxed/relaxed; "
            "h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n"
        )
    domain = from_addr.rpartition("@")[2]
    unsubscribe = unsubscribe or f"https://{domain}/unsubscribe"
    body = f"Hello.\r\n{links}\r\nUnsubscribe: {unsubscribe}\r\n"
    path.write_bytes(
        (
            f"{top}From: Shop <{from_addr}>\r\nTo: a@example.test\r\nSubject: Hello\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body
        ).encode()
    )
    return path


def online(path: Path, nameserver: str) -> CampaignResult:
    config = Config(
        root=path.parent,
        dns=DnsConfig(nameservers=(nameserver,), timeout=1.0, blocklists=False),
        links=LinksConfig(timeout=2.0, cache_ttl=0, retries=0),
    )
    [result] = run([str(path)], config, offline=False, use_cache=False).results
    return result


def test_a_resolver_that_answers_no_name_proves_no_sender_domain_missing(
    tmp_path: Path, nowhere: Nsd
) -> None:
    """The From and Return-Path domains, both NXDOMAIN from a resolver that answered no name
    (not the link host, not the DKIM key, not the public suffix "test" asked then): one
    DOM001 warning naming both, DKIM001 a warning, no error from NXDOMAIN anywhere."""
    path = eml(
        tmp_path / "send.eml",
        "news@acme.test",
        return_path="b-1@bounce.acme.test",
        d="esp.test",
        links="https://acme.test/sale",
    )
    result = online(path, nowhere.nameserver)
    [dom] = only(result, "DOM001")
    assert dom.severity is Severity.WARNING
    assert dom.places == ("From", "Return-Path")
    assert dom.message == (
        "could not verify whether acme.test (From), bounce.acme.test (Return-Path) can receive "
        f"mail or publish SPF and DMARC: DNS said NXDOMAIN, but {WHY}"
    )
    [key] = only(result, "DKIM001")
    assert (key.severity, key.location) == (Severity.WARNING, "k1._domainkey.esp.test")
    assert key.message == (
        f"could not verify the DKIM key at k1._domainkey.esp.test: DNS said NXDOMAIN, but {WHY}; "
        "selector from the DKIM-Signature"
    )
    # no error from DNS at all (From and Return-Path align: no DMARC004 either)
    dns = ("DOM", "SPF", "DKIM", "DMARC", "LNK", "UNS", "NET")
    errors = [f.code for f in result.findings if f.severity is Severity.ERROR]
    assert [code for code in errors if code.startswith(dns)] == []
    [link] = [f for f in only(result, "LNK002") if "acme.test/sale" in f.message]
    assert link.severity is Severity.WARNING
    assert "and the resolver found no other link host either" in link.message


def test_the_probes_repro_black_friday_with_a_resolver_that_blocks_outside_names(
    tmp_path: Path, nowhere: Nsd
) -> None:
    """QA probe: `mailcheck check` of examples/black-friday-ru with pyproject.toml naming a
    resolver that says NXDOMAIN to every name gave "error DOM001 From: acme.example does not
    exist" beside links that were only "could not verify"."""
    shutil.copytree(ROOT / "examples" / "black-friday-ru", tmp_path / "black-friday-ru")
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.mailcheck.dns]\nnameservers = ["{nowhere.nameserver}"]\ntimeout = 1\n',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mailcheck", "check", "black-friday-ru", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr  # warnings only
    [campaign] = json.loads(proc.stdout)["campaigns"]
    dom = [f for f in campaign["findings"] if f["code"] == "DOM001"]
    assert [(f["severity"], f["location"]) for f in dom] == [("warning", "From")]
    assert dom[0]["message"] == (
        "could not verify whether acme.example (From) can receive mail or publish SPF and "
        f"DMARC: DNS said NXDOMAIN, but {WHY}"
    )
    assert [f["code"] for f in campaign["findings"] if f["severity"] == "error"] == []


def test_a_missing_domain_alone_is_an_error_when_its_public_suffix_answers(
    tmp_path: Path, answering: Nsd
) -> None:
    """One campaign, no link, a From domain that does not exist: the run's own names are all
    NXDOMAIN, so the zone the domain would be in ("test") is asked once, and it answers."""
    counter = QueryCounter(answering)
    try:
        result = online(eml(tmp_path / "send.eml", "news@missing.test"), counter.nameserver)
    finally:
        counter.close()
    [dom] = only(result, "DOM001")
    assert (dom.severity, dom.location) == (Severity.ERROR, "From")
    assert dom.message == (
        "missing.test does not exist (NXDOMAIN): it can neither receive mail nor publish SPF "
        "or DMARC"
    )
    assert counter.queries.count(("test.", "SOA")) == 1


def test_a_missing_domain_is_an_error_when_another_name_of_the_run_answered(
    tmp_path: Path, answering: Nsd
) -> None:
    """The DKIM key of esp.test answered: the resolver answers names, its NXDOMAIN for the
    From domain is proof, and no other question is needed."""
    counter = QueryCounter(answering)
    try:
        path = eml(tmp_path / "send.eml", "news@missing.test", d="esp.test")
        result = online(path, counter.nameserver)
    finally:
        counter.close()
    assert [(f.severity, f.location) for f in only(result, "DOM001")] == [(Severity.ERROR, "From")]
    assert ("test.", "SOA") not in counter.queries


def test_a_link_host_that_does_not_exist_is_an_error_when_the_sender_records_answered(
    tmp_path: Path, answering: Nsd
) -> None:
    """One link, to a host that does not exist: no other link host resolved, but the sender
    domain's records did — the run's one notion of a resolver that answers names."""
    path = eml(
        tmp_path / "send.eml",
        "news@shop.test",
        links="https://gone.test/sale",
        unsubscribe="mailto:unsubscribe@shop.test",
    )
    result = online(path, answering.nameserver)
    [link] = [f for f in only(result, "LNK002") if "gone.test" in f.message]
    assert link.severity is Severity.ERROR
    assert "DNS: gone.test does not exist (NXDOMAIN)" in link.message
    assert "no other link host" not in link.message


def test_only_an_answer_that_shows_a_name_exists_proves_the_resolver(
    nowhere: Nsd, answering: Nsd
) -> None:
    """NXDOMAIN (a DMARC record's name, a DKIM selector: absent as a rule) proves nothing;
    a record or NODATA does."""

    async def proved(server: Nsd, *questions: tuple[str, str]) -> bool:
        client = DnsClient((server.nameserver,), 1.0)
        for name, rdtype in questions:
            await client.query(name, rdtype)
        return client.health.proved

    absent = [("_dmarc.acme.test", "TXT"), ("k1._domainkey.acme.test", "TXT"), ("acme.test", "MX")]
    assert asyncio.run(proved(nowhere, *absent)) is False
    assert asyncio.run(proved(answering, *absent)) is False
    assert asyncio.run(proved(answering, *absent, ("shop.test", "MX"))) is True
    assert asyncio.run(proved(answering, ("shop.test", "AAAA"))) is True  # NODATA
