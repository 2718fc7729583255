"""The DNS answer cache in .mailcheck/: a warm re-run of unchanged campaigns asks no
nameserver and requests no link (issue 17, item 3); ``--no-cache`` asks everything again."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dns_server import NsdPool, QueryCounter

from mailcheck.cli import main
from mailcheck.net.dns import Answer
from mailcheck.net.dnscache import CACHE_FILE, DnsCache
from tests.recording_server import recording_server

ZONE = {
    "shop.test": [("TXT", "v=spf1 ip4:192.0.2.0/24 -all")],
    "_dmarc.shop.test": [("TXT", "v=DMARC1; p=reject")],
    "xn--80aswg.test": [("TXT", "v=spf1 -all")],  # сайт.test
}


@pytest.fixture
def counted_dns(nsd_pool: NsdPool) -> Iterator[QueryCounter]:
    counter = QueryCounter(nsd_pool.serve("dns-cache", ZONE))
    try:
        yield counter
    finally:
        counter.close()


def write_project(root: Path, nameserver: str, server: str, extra: str = "") -> None:
    (root / "mailcheck.toml").write_text(
        f'[links]\nallow-private = true\n[dns]\nnameservers = ["{nameserver}"]\n{extra}',
        encoding="utf-8",
    )
    for name, sender in (("ru.eml", "Магазин <news@shop.test>"), ("idn.eml", "info@сайт.test")):
        (root / name).write_bytes(
            (
                f"From: {sender}\r\nTo: a@example.net\r\nSubject: Скидки −30% на всё\r\n"
                f"List-Unsubscribe: <{server}/unsub?u=1>\r\n"
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                "<html><body><p>Привет!</p>"
                f'<a href="{server}/sale?utm_source=email&amp;utm_medium=email&amp;'
                'utm_campaign=bf">Купить</a>'
                f'<a href="{server}/unsub?u=1">Отписаться</a></body></html>\r\n'
            ).encode()
        )


def check(
    root: Path, capsys: pytest.CaptureFixture[str], *flags: str
) -> list[tuple[str, str, str]]:
    main(["check", "--format", "json", *flags, str(root / "ru.eml"), str(root / "idn.eml")])
    data = json.loads(capsys.readouterr().out)
    return sorted(
        (c["id"], f["code"], f["message"]) for c in data["campaigns"] for f in c["findings"]
    )


@pytest.mark.network
def test_warm_rerun_sends_no_query_and_no_request(
    tmp_path: Path,
    counted_dns: QueryCounter,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with recording_server() as (server, hits):
        write_project(tmp_path, counted_dns.nameserver, server)

        cold = check(tmp_path, capsys)
        asked = sorted(set(counted_dns.queries))
        assert ("shop.test.", "TXT") in asked and ("_dmarc.shop.test.", "TXT") in asked
        assert ("xn--80aswg.test.", "TXT") in asked  # the Cyrillic domain, as sent
        assert ("_dmarc.xn--80aswg.test.", "TXT") in asked  # NXDOMAIN: remembered too
        assert len(hits) >= 2
        assert (tmp_path / ".mailcheck" / CACHE_FILE).is_file()

        counted_dns.queries.clear()
        hits.clear()
        warm = check(tmp_path, capsys)
        assert counted_dns.queries == []  # not one DNS query ...
        assert hits == []  # ... and not one link request
        assert warm == cold  # the same findings from the cached answers

        fresh = check(tmp_path, capsys, "--no-cache")
        assert sorted(set(counted_dns.queries)) == asked  # everything asked again
        assert len(hits) >= 2
        assert fresh == cold


@pytest.mark.network
def test_answers_kept_for_their_ttl_capped(
    tmp_path: Path,
    counted_dns: QueryCounter,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with recording_server() as (server, _hits):
        write_project(tmp_path, counted_dns.nameserver, server)
        before = time.time()
        check(tmp_path, capsys)
        rows = stored(tmp_path)
        # the test zone's TTL and negative TTL are 60 s (tests/dns_server.py)
        assert rows[("shop.test", "TXT")] == pytest.approx(before + 60, abs=5)
        nxdomain = rows[("_dmarc.сайт.test", "TXT")]  # kept for the zone's negative TTL
        assert nxdomain == pytest.approx(before + 60, abs=5)

        write_project(tmp_path, counted_dns.nameserver, server, "cache-max-ttl = 10\n")
        before = time.time()
        check(tmp_path, capsys, "--no-cache")
        rows = stored(tmp_path)
        assert rows[("shop.test", "TXT")] == pytest.approx(before + 10, abs=5)

        write_project(tmp_path, counted_dns.nameserver, server, "cache-max-ttl = 0\n")
        (tmp_path / ".mailcheck" / CACHE_FILE).unlink()
        counted_dns.queries.clear()
        check(tmp_path, capsys)
        check(tmp_path, capsys)
        assert counted_dns.queries.count(("shop.test.", "TXT")) == 2  # no cache: asked each run
        assert not (tmp_path / ".mailcheck" / CACHE_FILE).exists()


def stored(root: Path) -> dict[tuple[str, str], float]:
    with sqlite3.connect(root / ".mailcheck" / CACHE_FILE) as db:
        rows = db.execute("SELECT name, rdtype, expires FROM dns_answers").fetchall()
    return {(name, rdtype): expires for name, rdtype, expires in rows}


# --- the cache file itself ---------------------------------------------------------------------


def test_cache_keeps_answers_not_failures(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    cache = DnsCache(path, max_ttl=3600)
    txt = Answer("shop.test", "TXT", "ok", txt=(b"v=spf1 -all", b"\xd0\x9f\xff"))
    mx = Answer("shop.test", "MX", "ok", records=("mx.shop.test",), mx=((10, "mx.shop.test"),))
    cache.put("ns1", txt, 300)
    cache.put("ns1", mx, 300)
    cache.put("ns1", Answer("gone.test", "A", "nxdomain"), 60)
    cache.put("ns1", Answer("slow.test", "TXT", "timeout", error="no answer"), 300)
    cache.put("ns1", Answer("bad.test", "TXT", "servfail"), 300)
    cache.put("ns1", Answer("zero.test", "TXT", "ok"), 0)  # TTL 0: not to be kept
    assert cache.save() == 3
    cache.close()

    again = DnsCache(path, max_ttl=3600)
    assert again.get("ns1", "shop.test", "TXT") == txt  # bytes exactly as answered
    assert again.get("ns1", "shop.test", "MX") == mx
    assert again.get("ns1", "gone.test", "A") == Answer("gone.test", "A", "nxdomain")
    assert again.get("ns1", "slow.test", "TXT") is None
    assert again.get("ns1", "bad.test", "TXT") is None
    assert again.get("ns1", "zero.test", "TXT") is None
    assert again.get("ns2", "shop.test", "TXT") is None  # other nameservers: their own answers
    again.close()

    assert DnsCache(path, max_ttl=3600, read=False).get("ns1", "shop.test", "TXT") is None


def test_expired_and_damaged_rows_are_misses(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    cache = DnsCache(path, max_ttl=3600)
    cache.put("ns1", Answer("old.test", "TXT", "ok", txt=(b"x",)), 300)
    cache.put("ns1", Answer("broken.test", "TXT", "ok", txt=(b"x",)), 300)
    cache.save()
    cache.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE dns_answers SET expires = ? WHERE name = 'old.test'", (time.time() - 1,))
        db.execute("UPDATE dns_answers SET answer = '{not json' WHERE name = 'broken.test'")
    again = DnsCache(path, max_ttl=3600)
    assert again.get("ns1", "old.test", "TXT") is None
    assert again.get("ns1", "broken.test", "TXT") is None
    again.close()


def test_unusable_cache_file_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mailcheck.net.dnscache import open_dns_cache

    (tmp_path / "state").write_text("not a directory")
    assert open_dns_cache(tmp_path / "state", 3600) is None
    assert "DNS cache" in capsys.readouterr().err
