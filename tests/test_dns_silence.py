"""NET001: a run whose DNS answers nothing says so once per campaign, listing every check it
stopped, instead of a "could not verify" per link host, per record and per blocklist."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest
from dns_server import BlackHole, NsdPool

from mailcheck.config import Config, DnsConfig, LinksConfig
from mailcheck.domain_items import domain_items
from mailcheck.engine import run
from mailcheck.model import CampaignResult, Finding, Severity
from mailcheck.net.dns import DnsClient
from mailcheck.net.dnshealth import DnsHealth
from mailcheck.net.transport import HostResolver, Unreachable
from mailcheck.rootcause import fold, unfolded
from mailcheck.rules import NO_DNS
from tests.helpers import only, write_campaign

pytestmark = pytest.mark.network  # a black-hole nameserver and a real NSD on loopback

# what DNS failing stops for this campaign: a link and an unsubscribe link to shop.test, an
# image from cdn.shop.test, SPF and DMARC of shop.test, the blocklists
SILENCED = {"DMARC001", "DOM005", "LNK002", "LNK006", "SPF001", "UNS004"}


def online(
    path: Path, nameserver: str, *, dns_timeout: float = 0.3, link_timeout: float = 2.0,
    **settings: object,
) -> CampaignResult:  # fmt: skip
    config = Config(
        root=path.parent,
        dns=DnsConfig(nameservers=(nameserver,), timeout=dns_timeout),
        links=LinksConfig(timeout=link_timeout, cache_ttl=0),
        **settings,  # type: ignore[arg-type]
    )
    [result] = run([str(path)], config, offline=False).results
    return result


def test_dns_that_answers_nothing_is_one_finding_listing_every_check(
    tmp_path: Path, black_hole: BlackHole
) -> None:
    result = online(write_campaign(tmp_path), black_hole.nameserver)
    [net] = only(result, "NET001")
    assert net.severity is Severity.WARNING
    assert net.message == (
        f"DNS answered none of this run's questions (asked: Do53:{black_hole.nameserver.replace(':', '@')})"
        ": nothing that needs DNS could be checked; not verified: "
        "DMARC001, DOM005, LNK002, LNK006, SPF001, UNS004"
    )
    # its own place, the lines of the links and the image, then the names it could not ask
    assert net.places == (
        "DNS",
        "email.html:6",
        "email.html:7",
        "email.html:8",
        "_dmarc.shop.test",
        "shop.test",
    )
    # none of them reports on its own any more; nothing else changed
    assert not [f for f in result.findings if f.code in SILENCED]
    assert {f.code for f in net.folded} == SILENCED
    assert all(f.severity is Severity.WARNING and f.cause == NO_DNS for f in net.folded)


def test_links_that_time_out_waiting_for_dns_are_net001s_too(
    tmp_path: Path, black_hole: BlackHole
) -> None:
    # DNS as slow as a link's whole budget: each request timed out before its host's lookup
    # did, the host was taken for down ("not requested: shop.test answered none of this
    # run's requests in time") and LNK002 and UNS004 stood beside NET001 (a QA probe)
    links = "\n".join(
        f'<p><a href="https://shop.test/{page}?utm_source=email&utm_medium=email'
        f'&utm_campaign=sale">{page}</a></p>'
        for page in ("new", "sale", "gifts", "shoes")
    )
    path = write_campaign(
        tmp_path, body=links + '\n<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    )
    result = online(path, black_hole.nameserver, dns_timeout=1.0, link_timeout=0.4)
    assert [f.code for f in result.findings if f.code in SILENCED | {"NET001"}] == ["NET001"]
    [net] = only(result, "NET001")
    assert {f.code for f in net.folded} == SILENCED - {"LNK006"}  # the campaign has no image
    assert [p for p in net.places if p.startswith("email.html")] == [
        "email.html:5", "email.html:6", "email.html:7", "email.html:8", "email.html:9"
    ]  # fmt: skip


def test_with_net001_ignored_each_check_says_could_not_verify(
    tmp_path: Path, black_hole: BlackHole
) -> None:
    # nothing unchecked passes in silence: without the rule that names the cause, each check
    # reports its own failure as before
    result = online(write_campaign(tmp_path), black_hole.nameserver, ignore=("NET001",))
    assert only(result, "NET001") == []
    found = {f.code for f in result.findings if f.code in SILENCED}
    assert found == SILENCED
    assert all(
        f.severity is Severity.WARNING and "could not verify" in f.message
        for f in result.findings
        if f.code in SILENCED
    )


def test_dns_that_answers_is_no_root_cause(tmp_path: Path, nsd_pool: NsdPool) -> None:
    # an empty root zone answers NXDOMAIN for every name: DNS works, the names do not exist
    empty = nsd_pool.serve("silence-empty", {})
    result = online(write_campaign(tmp_path), empty.nameserver)
    assert only(result, "NET001") == []
    assert only(result, "DOM001"), "the sender domain that does not exist is still an error"


def test_a_campaign_that_needs_no_dns_gets_no_net001(tmp_path: Path, black_hole: BlackHole) -> None:
    no_from: dict[str, Any] = {"from": None}
    bare = write_campaign(tmp_path, body="<p>Hello!</p>", **no_from)
    result = online(bare, black_hole.nameserver)
    assert only(result, "NET001") == []
    assert [f.code for f in result.findings if f.code == "HDR002"] == ["HDR002"]


def test_the_domain_lines_still_read_each_check_when_folded() -> None:
    # a folded SPF warning must not turn the authentication line into "no problem found"
    spf = Finding(
        "SPF001", "spf-missing", Severity.WARNING, "could not verify", "a.test", cause=NO_DNS
    )
    root = Finding("NET001", "dns-silent", Severity.WARNING, "DNS answered nothing", "DNS")
    [net] = fold([spf, root])
    assert net.folded == (spf,)
    assert unfolded([net]) == [net, spf]
    spf_line = domain_items([net], None, dkim_keys=False)[0]
    assert (spf_line.item, spf_line.verdict) == ("SPF", "warning")


def test_fold_keeps_everything_without_a_root_finding() -> None:
    spf = Finding(
        "SPF001", "spf-missing", Severity.WARNING, "could not verify", "a.test", cause=NO_DNS
    )
    other = Finding("SUB001", "subject-missing", Severity.ERROR, "no subject", "subject")
    assert fold([spf, other]) == [spf, other]
    root = Finding("NET001", "dns-silent", Severity.WARNING, "DNS answered nothing", "DNS")
    assert [f.code for f in fold([other, root])] == ["SUB001", "NET001"]  # nothing to fold


def test_health_hears_a_refusal_but_not_a_black_hole(
    nsd_pool: NsdPool, black_hole: BlackHole
) -> None:
    # REFUSED is an answer: the resolver works, only this name failed
    refusing = nsd_pool.serve(
        "silence-refusing", {"www.other.example": [("A", "192.0.2.3")]}, "other.example"
    )

    async def ask(nameserver: str) -> DnsHealth:
        client = DnsClient((nameserver,), timeout=0.3)
        answer = await client.query("shop.test", "TXT")
        assert answer.failed
        return client.health

    heard = asyncio.run(ask(refusing.nameserver))
    assert (heard.heard, heard.silent, heard.reason()) == (True, False, "")
    unheard = asyncio.run(ask(black_hole.nameserver))
    assert (unheard.heard, unheard.silent) == (False, True)
    assert unheard.unheard == {f"Do53:{black_hole.nameserver.replace(':', '@')}"}


def test_one_answer_anywhere_means_dns_is_not_silent() -> None:
    health = DnsHealth()
    assert not health.silent  # nothing asked
    health.note("a", heard=False)
    assert health.silent
    health.note("b", heard=True)
    assert not health.silent and health.reason() == ""


def test_the_system_resolver_failing_is_noted_unheard(monkeypatch: pytest.MonkeyPatch) -> None:
    # narrow unit: getaddrinfo's "temporary failure" is no answer; its "no such name" is one
    import anyio

    async def failing(host: str, *args: object, **kw: object) -> object:
        if host == "gone.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(anyio, "getaddrinfo", failing)
    resolver = HostResolver()

    async def lookup(host: str) -> Unreachable:
        with pytest.raises(Unreachable) as caught:
            await resolver.resolve(host)
        return caught.value

    failed = asyncio.run(lookup("shop.test"))
    assert failed.no_dns and not failed.proof
    assert resolver.health.silent
    gone = asyncio.run(lookup("gone.test"))
    assert gone.nxdomain and not gone.no_dns
    assert not resolver.health.silent
