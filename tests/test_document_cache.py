"""The published-document cache in .mailcheck/: a warm re-run of an unchanged campaign whose
sender publishes an MTA-STS policy, a BIMI logo and a mark certificate fetches none of them
again and resolves none of their hosts (issue 17, item 3); ``--no-cache`` fetches everything
again, an expired document is fetched again, a failed fetch is never kept.

Real components, as in tests/test_domain_policies.py: NSD serves the sender domains, behind a
relay that counts every query (:class:`dns_server.QueryCounter`); the scripted HTTPS server
serves the documents with a throw-away CA's certificate for their hosts, reached at port 443
through the loopback proxy (``links.proxy``). Every run is a whole ``mailcheck check``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dns_server import NsdPool, QueryCounter

from mailcheck.cli import main
from mailcheck.domain_health import Fetched
from mailcheck.net.documentcache import CACHE_FILE, DocumentCache, cacheable
from tests.http_server import ScriptedServer, running_server
from tests.proxy_server import LoopbackProxy, running_proxy
from tests.test_domain_policies import certificate, pem, policy, svg
from tests.tls import loopback_tls

POLICY = "/.well-known/mta-sts.txt"
LOGO = "/shop/logo.svg"
MARK = "/shop/vmc.pem"
BUSY_LOGO = "/busy/logo.svg"
PAGE = "/ok/sale?utm_source=email&utm_medium=email&utm_campaign=bf"
DOCUMENT_HOSTS = ("mta-sts.shop.test", "bimi.shop.test", "mta-sts.busy.test")
# what a run asks about the documents' hosts (and nothing else asks about them)
HOST_QUERIES = {
    (f"{host}.", rdtype)
    for host in ("mta-sts.shop.test", "bimi.shop.test")
    for rdtype in ("A", "AAAA")
}


def zone(policy_id: str) -> dict[str, list[tuple[str, object]]]:
    data: dict[str, list[tuple[str, object]]] = {}
    for domain, logo, mark in (
        ("shop.test", LOGO, f"; a=https://bimi.shop.test{MARK}"),
        ("busy.test", BUSY_LOGO, ""),
    ):
        data[domain] = [("TXT", "v=spf1 ip4:192.0.2.0/24 -all"), ("MX", (10, f"mx.{domain}"))]
        data[f"mx.{domain}"] = [("A", "192.0.2.25")]
        data[f"_dmarc.{domain}"] = [("TXT", "v=DMARC1; p=reject")]
        data[f"_mta-sts.{domain}"] = [("TXT", f"v=STSv1; id={policy_id}")]
        data[f"mta-sts.{domain}"] = [("A", "127.0.0.1")]
        data[f"default._bimi.{domain}"] = [
            ("TXT", f"v=BIMI1; l=https://bimi.shop.test{logo}{mark}")
        ]
    data["bimi.shop.test"] = [("A", "127.0.0.1")]
    return data


@dataclass
class Published:
    dns: QueryCounter
    server: ScriptedServer
    proxy: LoopbackProxy
    other_id: QueryCounter  # the same zone, its MTA-STS records with a new id=

    def requests(self) -> dict[str, int]:
        return {path: self.server.count(path) for path in (POLICY, LOGO, MARK, BUSY_LOGO, PAGE)}


@pytest.fixture(scope="module")
def published(nsd_pool: NsdPool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    where = tmp_path_factory.mktemp("document-cache-tls")
    server_tls, _ = loopback_tls(where, DOCUMENT_HOSTS)
    ca, ca_key = certificate("Test Mark CA", bimi=False, days=3650)
    expired, _ = certificate("shop.test", days=-2, issuer=(ca, ca_key))  # judged on every run
    with (
        pytest.MonkeyPatch.context() as env,
        running_server(tls=server_tls) as server,
    ):
        env.setenv("SSL_CERT_FILE", str(where / "loopback.crt"))
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
            env.delenv(name, raising=False)
        env.delenv("NO_PROXY", raising=False)
        env.delenv("no_proxy", raising=False)
        # a policy that does not cover the MX host (DOM007), judged from the cached copy too
        server.publish(
            "mta-sts.shop.test", POLICY, policy("enforce", "*.oldhost.test"), "text/plain"
        )
        server.publish("bimi.shop.test", LOGO, svg(), "image/svg+xml")
        server.publish("bimi.shop.test", MARK, pem(expired, ca), "application/x-pem-file")
        server.publish("mta-sts.busy.test", POLICY, b"busy", "text/plain", 503)
        server.publish("bimi.shop.test", BUSY_LOGO, svg(), "image/svg+xml")
        routes = {f"{host}:443": ("127.0.0.1", server.port) for host in DOCUMENT_HOSTS}
        with running_proxy(routes) as proxy:
            dns = QueryCounter(nsd_pool.serve("document-cache", zone("20261202")))
            other = QueryCounter(nsd_pool.serve("document-cache-new-id", zone("20261203")))
            try:
                yield Published(dns, server, proxy, other)
            finally:
                dns.close()
                other.close()


def write_project(
    root: Path, published: Published, extra: str = "", *, dns: QueryCounter | None = None
) -> None:
    nameserver = (dns or published.dns).nameserver
    (root / "mailcheck.toml").write_text(
        f'[links]\nallow-private = true\nproxy = "{published.proxy.url}"\ntimeout = 2\n'
        f'retries = 0\n[dns]\nnameservers = ["{nameserver}"]\n{extra}',
        encoding="utf-8",
    )
    for domain in ("shop.test", "busy.test"):
        (root / f"{domain}.eml").write_bytes(
            (
                f"From: Магазин <news@{domain}>\r\nTo: a@example.net\r\n"
                "Subject: Скидки на всё\r\n"
                "List-Unsubscribe: <mailto:unsub@example.net>\r\n"
                "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                f'<html><body><p>Привет!</p><a href="{published.server.url(PAGE)}">Купить</a>'
                "</body></html>\r\n"
            ).encode()
        )


def check(root: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> list[tuple[str, str]]:
    """The DOM findings of a ``mailcheck check`` of both campaigns."""
    main(["check", "--format", "json", *flags, *(str(p) for p in sorted(root.glob("*.eml")))])
    data = json.loads(capsys.readouterr().out)
    return sorted(
        (c["id"], f"{f['code']} {f['message']}")
        for c in data["campaigns"]
        for f in c["findings"]
        if f["code"].startswith("DOM")
    )


def asked(published: Published, before: dict[str, int]) -> dict[str, int]:
    """HTTPS requests per path since ``before``."""
    now = published.requests()
    return {path: now[path] - before[path] for path in now if now[path] != before[path]}


def stored(root: Path) -> dict[str, float]:
    """Expiry of each stored document, by URL."""
    with sqlite3.connect(root / ".mailcheck" / CACHE_FILE) as db:
        return dict(db.execute("SELECT url, expires FROM documents").fetchall())


@pytest.mark.network
def test_warm_rerun_fetches_no_document_and_asks_no_name(
    tmp_path: Path,
    published: Published,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, published)
    counter = published.dns

    counter.queries.clear()
    before = published.requests()
    cold = check(tmp_path, capsys)
    cold_queries = sorted(set(counter.queries))
    assert set(cold_queries) >= HOST_QUERIES  # the documents' hosts, through [dns] nameservers
    # each document once; the busy policy (503) once too; the link once
    assert asked(published, before) == {POLICY: 2, LOGO: 1, MARK: 1, BUSY_LOGO: 1, PAGE: 1}
    codes = [finding.split(" ", 1)[0] for _, finding in cold]
    assert codes.count("DOM007") == 1  # shop.test's policy, read
    assert codes.count("DOM009") == 1  # shop.test's expired mark certificate, read

    counter.queries.clear()
    connects = len(published.proxy.asked)
    before = published.requests()
    warm = check(tmp_path, capsys)
    assert counter.queries == []  # not one DNS query ...
    # ... and of HTTPS only the busy policy again: its 503 was not kept
    assert asked(published, before) == {POLICY: 1}
    assert published.proxy.asked[connects:] == ["CONNECT mta-sts.busy.test:443"]
    assert warm == cold  # the same findings, judged from the stored documents

    before = published.requests()
    fresh = check(tmp_path, capsys, "--no-cache")
    assert sorted(set(counter.queries)) == cold_queries  # every name asked again
    assert asked(published, before) == {POLICY: 2, LOGO: 1, MARK: 1, BUSY_LOGO: 1, PAGE: 1}
    assert fresh == cold

    counter.queries.clear()
    before = published.requests()
    check(tmp_path, capsys)  # --no-cache stored what it fetched
    assert counter.queries == []
    assert asked(published, before) == {POLICY: 1}


@pytest.mark.network
def test_an_expired_document_is_fetched_again_its_host_from_the_dns_cache(
    tmp_path: Path,
    published: Published,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, published)
    cold = check(tmp_path, capsys)
    with sqlite3.connect(tmp_path / ".mailcheck" / CACHE_FILE) as db:
        db.execute("UPDATE documents SET expires = ? WHERE url LIKE '%.svg'", (time.time() - 1,))

    published.dns.queries.clear()
    before = published.requests()
    again = check(tmp_path, capsys)
    # both logos again (and the busy policy, never kept); the policy and certificate not
    assert asked(published, before) == {LOGO: 1, BUSY_LOGO: 1, POLICY: 1}
    # bimi.shop.test's addresses came from the DNS cache: the fetch asked no nameserver
    assert published.dns.queries == []
    assert again == cold


@pytest.mark.network
def test_documents_kept_for_the_policy_max_age_and_the_dns_cap(
    tmp_path: Path,
    published: Published,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    shop_policy = "https://mta-sts.shop.test/.well-known/mta-sts.txt"
    logo = f"https://bimi.shop.test{LOGO}"

    write_project(tmp_path, published)  # cache-max-ttl 3600 by default; max_age 604800
    start = time.time()
    check(tmp_path, capsys)
    rows = stored(tmp_path)
    assert rows[shop_policy] == pytest.approx(start + 3600, abs=5)  # the cap
    assert rows[logo] == pytest.approx(start + 3600, abs=5)
    assert "https://mta-sts.busy.test/.well-known/mta-sts.txt" not in rows  # a 503

    write_project(tmp_path, published, "cache-max-ttl = 10000000\n")
    start = time.time()
    check(tmp_path, capsys, "--no-cache")
    rows = stored(tmp_path)
    assert rows[shop_policy] == pytest.approx(start + 604800, abs=5)  # the policy's max_age
    assert rows[logo] == pytest.approx(start + 10000000, abs=5)

    write_project(tmp_path, published, "cache-max-ttl = 0\n")
    (tmp_path / ".mailcheck" / CACHE_FILE).unlink()
    before = published.requests()
    check(tmp_path, capsys)
    check(tmp_path, capsys)
    assert asked(published, before)[LOGO] == 2  # no cache: fetched on each run
    assert not (tmp_path / ".mailcheck" / CACHE_FILE).exists()


@pytest.mark.network
def test_a_new_policy_id_or_a_stricter_guard_fetches_again(
    tmp_path: Path,
    published: Published,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, published)
    check(tmp_path, capsys)

    # RFC 8461 §3.3: a new id= in the _mta-sts record means a new policy to fetch
    write_project(tmp_path, published, dns=published.other_id)
    before = published.requests()
    check(tmp_path, capsys)
    assert asked(published, before) == {POLICY: 2}  # both policies; the logos stay cached

    # what was fetched under allow-private is not handed out once it is refused
    (tmp_path / "mailcheck.toml").write_text(
        (tmp_path / "mailcheck.toml")
        .read_text(encoding="utf-8")
        .replace("allow-private = true", "allow-private = false"),
        encoding="utf-8",
    )
    before = published.requests()
    found = check(tmp_path, capsys)
    assert asked(published, before) == {}
    refused = [f for _, f in found if "resolves to 127.0.0.1, a loopback address" in f]
    # none from the cache: two policies, two logos and one certificate all refused, the
    # certificate on its logo's host in that logo's finding (one host, one root cause)
    assert sorted(f.split()[0] for f in refused) == ["DOM006", "DOM006", "DOM008", "DOM008"]
    assert sum(f.endswith("the same host: DOM009") for f in refused) == 1


# --- the cache file itself ---------------------------------------------------------------------


def test_only_answers_are_kept(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    cache = DocumentCache(path, max_ttl=3600)
    logo = Fetched("https://bimi.test/l.svg", 200, "image/svg+xml", body=b"<svg/>\xff")
    big = Fetched("https://bimi.test/big.svg", 200, "image/svg+xml", body=b"<", too_large=True)
    gone = Fetched("https://bimi.test/gone.svg", 404, "text/html", body=b"no")
    moved = Fetched("https://mta-sts.a.test/p", 301, location="https://elsewhere.test/p")
    cache.put("logo", logo)
    cache.put("big", big)
    cache.put("gone", gone)
    cache.put("moved", moved, lifetime=60)
    cache.put("zero", logo, lifetime=0)  # max_age 0: not to be kept
    cache.put("busy", Fetched("https://a.test/x", 503))
    cache.put("slow", Fetched("https://a.test/x", 429))
    cache.put("timeout", Fetched("https://a.test/x", error="could not verify: no answer"))
    cache.put("refused", Fetched("https://a.test/x", error="refused", proof=True))
    assert cache.save() == 4
    cache.close()

    again = DocumentCache(path, max_ttl=3600)
    assert again.get("logo") == logo  # the body byte for byte
    assert again.get("big") == big
    assert again.get("gone") == gone
    assert again.get("moved") == moved
    for key in ("zero", "busy", "slow", "timeout", "refused", "unknown"):
        assert again.get(key) is None
    again.close()

    assert DocumentCache(path, max_ttl=3600, read=False).get("logo") is None  # --no-cache
    assert [cacheable(Fetched("u", s)) for s in (200, 404, 429, 500, 503, None)] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_expired_and_damaged_rows_are_misses(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    cache = DocumentCache(path, max_ttl=3600)
    cache.put("old", Fetched("https://a.test/old", 200, body=b"x"))
    cache.put("broken", Fetched("https://a.test/broken", 200, body=b"x"))
    cache.save()
    cache.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE documents SET expires = ? WHERE key = 'old'", (time.time() - 1,))
        db.execute("UPDATE documents SET body = 'text, not bytes' WHERE key = 'broken'")
    again = DocumentCache(path, max_ttl=3600)
    assert again.get("old") is None
    assert again.get("broken") is None
    again.close()


def test_unusable_cache_file_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mailcheck.net.documentcache import open_document_cache

    (tmp_path / "state").write_text("not a directory")
    assert open_document_cache(tmp_path / "state", 3600) is None
    assert "document cache" in capsys.readouterr().err
    assert open_document_cache(tmp_path, 0) is None  # cache-max-ttl = 0: no cache
