"""``mailcheck monitor``: links that die after launch become incidents, once.

A real HTTP server on loopback plays the campaign's site; its pages change between the launch
and the monitor run.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from helpers import write_campaign
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)

from mailcheck.cli import main
from mailcheck.commands.monitor import incident_code, monitor
from mailcheck.config import Config, LinksConfig
from mailcheck.facts import LinkResult
from mailcheck.kpi import compute
from mailcheck.net.http import web_url
from mailcheck.store import LaunchAttempt, LaunchedLink, Store, open_store

NOW = datetime.now(UTC)


class Site:
    """A loopback web server whose pages answer with statuses the test sets."""

    def __init__(self) -> None:
        self.status: dict[str, int] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self.head_status: dict[str, int] = {}  # a different answer to HEAD
        site = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: bool) -> None:
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                site.requests.append((self.command, self.path))
                code = site.status.get(self.path, 404)
                if not body:
                    code = site.head_status.get(self.path, code)
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                if body:
                    self.wfile.write(b"ok")

            def do_HEAD(self) -> None:
                self._answer(False)

            def do_GET(self) -> None:
                self._answer(True)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


@pytest.fixture
def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone"  # nothing listens there any more


async def simple_check_urls(
    urls: list[str], config: Config, *, unsubscribe: Iterable[str] = ()
) -> dict[str, LinkResult]:
    """A minimal checker with the ``check_urls`` protocol: HEAD, status → verdict."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def head(url: str) -> LinkResult:
        try:
            request = urllib.request.Request(str(web_url(url)), method="HEAD")  # Cyrillic paths
            with opener.open(request, timeout=config.links.timeout) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            return LinkResult(url, "unreachable", reason=f"connection failed: {exc}")
        return LinkResult(url, "ok" if status < 400 else "broken", status, f"{status}")

    return {url: await asyncio.to_thread(head, url) for url in urls}


CONFIG = Config(links=LinksConfig(allow_private=True, timeout=5))


def launch(
    st: Store, campaign: str, links: list[LaunchedLink], *, days_ago: float = 1, **kw: Any
) -> int:
    base: dict[str, object] = {
        "campaign": campaign,
        "client": "acme",
        "source": campaign,
        "content_hash": "0" * 64,
        "status": "launched",
        "attempted_at": NOW - timedelta(days=days_ago),
        "launched_by": "test",
        "links": tuple(links),
    }
    base.update(kw)
    return st.record_launch(LaunchAttempt(**base)).id  # type: ignore[arg-type]


def test_links_that_died_after_launch_become_incidents_once(
    store: Store, site: Site, closed_port_url: str
) -> None:
    for path in ("/ok", "/dies", "/banner.png", "/отписка"):
        site.status[path] = 200
    dies, image, ok = site.url("/dies"), site.url("/banner.png"), site.url("/ok")
    unsub = site.url("/отписка")
    launched = launch(
        store,
        "bf",
        [
            LaunchedLink(ok, "a", "link", "ok", 200),
            LaunchedLink(dies, "a", "link", "ok", 200),
            LaunchedLink(image, "img", "image", "ok", 200),
            LaunchedLink(closed_port_url, "a", "link", None, None),  # offline at launch
            LaunchedLink(site.url("/was-broken"), "a", "link", "broken", 404),  # no news
            LaunchedLink(unsub, "a", "unsubscribe", "ok", 200),
        ],
    )
    second = launch(store, "bf-repeat", [LaunchedLink(dies, "a", "link", "ok", 200)])
    old = launch(store, "summer", [LaunchedLink(dies, "a", "link", "ok", 200)], days_ago=30)
    refused = launch(store, "x", [LaunchedLink(dies, "a", "link", "ok", 200)], status="refused")

    site.status["/dies"] = 404
    site.status["/banner.png"] = 500
    site.status["/отписка"] = 410

    report = monitor(store, CONFIG, days=7, now=NOW, checker=simple_check_urls)
    assert report.launches == 2
    assert report.checked == 5  # distinct URLs: each requested once for both launches
    assert site.hits.get("/dies") == 1
    assert "/was-broken" not in site.hits
    dead = sorted((d.launch_id, d.url, d.code) for d in report.dead)
    assert dead == sorted(
        [
            (launched, dies, "LNK001"),
            (launched, image, "LNK006"),
            (launched, closed_port_url, "LNK002"),
            (launched, unsub, "UNS004"),
            (second, dies, "LNK001"),
        ]
    )
    assert len(report.new) == 5
    incidents = store.incidents()
    assert {i.launch_id for i in incidents} == {launched, second}
    assert old not in {i.launch_id for i in incidents} and refused not in {
        i.launch_id for i in incidents
    }
    assert all(i.source == "monitor" and i.severity == "error" for i in incidents)
    assert all(i.detected_at == NOW for i in incidents)
    note = next(i.note for i in incidents if i.url == dies)
    assert "died after launch (200 then, now: 404)" in note

    again = monitor(store, CONFIG, days=7, now=NOW + timedelta(hours=1), checker=simple_check_urls)
    assert again.new == [] and len(again.dead) == 5  # still dead, already logged
    assert len(store.incidents()) == 5

    # the KPI sees the monitor's incidents: neither launch is error-free any more
    data = compute(store.launches(since=NOW - timedelta(days=7)), store.incidents())
    period = data["periods"][0]  # type: ignore[index]
    assert period["launches"] == 2 and period["error_free"] == 0


def test_a_link_not_verified_at_launch_is_watched(store: Store, site: Site) -> None:
    """A bot wall at launch (403 to the checker), a 404 now: news, an incident. It was never
    re-checked, and the monitor said nothing of it."""
    site.status["/walled"] = 404
    walled = site.url("/walled")
    launched = launch(store, "bf", [LaunchedLink(walled, "a", "link", "unverified", 403)])
    report = monitor(store, CONFIG, days=7, now=NOW, checker=simple_check_urls)
    assert (report.checked, [(d.launch_id, d.url, d.code) for d in report.dead]) == (
        1,
        [(launched, walled, "LNK001")],
    )
    [incident] = store.incidents()
    assert incident.note == f"link died after launch (could not verify then, now: 404): {walled}"


def test_nothing_to_check_makes_no_request(store: Store, site: Site) -> None:
    launch(store, "bf", [LaunchedLink(site.url("/x"), "a", "link", "broken", 404)])

    async def must_not_run(
        urls: list[str], config: Config, *, unsubscribe: Iterable[str] = ()
    ) -> dict[str, LinkResult]:
        raise AssertionError("no link needed checking")

    report = monitor(store, CONFIG, days=7, now=NOW, checker=must_not_run)
    assert (report.launches, report.checked, report.dead) == (1, 0, [])


def test_incident_codes() -> None:
    assert incident_code("link", "broken") == "LNK001"
    assert incident_code("link", "unreachable") == "LNK002"
    assert incident_code("image", "broken") == "LNK006"
    assert incident_code("unsubscribe", "unreachable") == "UNS004"


def test_monitor_command(
    tmp_path: Path,
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mailcheck.toml").write_text("[links]\nallow-private = true\n")
    db = f"sqlite:///{tmp_path}/log.db"
    monkeypatch.setenv("MAILCHECK_DB", db)
    site.status["/sale"] = 200
    with open_store(db) as st:
        launch_id = launch(st, "bf", [LaunchedLink(site.url("/sale"), "a", "link", "ok", 200)])
    assert main(["monitor", "--days", "3"]) == 0
    assert "1 link re-checked, 0 dead" in capsys.readouterr().out

    site.status["/sale"] = 404
    assert main(["monitor", "--format", "json"]) == 1  # new incidents: exit 1
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1 and data["launches"] == 1
    [dead] = data["dead"]
    assert dead["launch"] == launch_id and dead["code"] == "LNK001" and dead["status"] == 404
    assert [i["id"] for i in data["incidents"]] == [dead["incident"]]

    assert main(["monitor"]) == 0  # nothing new
    assert "already logged" in capsys.readouterr().out
    assert main(["monitor", "--days", "0"]) == 2
    assert "--days must be a positive" in capsys.readouterr().err


def test_launch_online_then_monitor_end_to_end(
    tmp_path: Path,
    site: Site,
    black_hole: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The real link checker records verdicts at launch; the monitor finds what died since."""
    for path in ("/sale", "/banner.png", "/u/7f3a"):
        site.status[path] = 200
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MAILCHECK_DB", f"sqlite:///{tmp_path}/log.db")
    (tmp_path / "mailcheck.toml").write_text(
        "[links]\nallow-private = true\ntimeout = 5\nretries = 0\n"
        f'[dns]\nnameservers = ["{black_hole.nameserver}"]\ntimeout = 1\n'  # type: ignore[attr-defined]
    )
    write_campaign(
        tmp_path,
        "bf",
        id="bf-2026",
        client="Ромашка",
        body=f"""<p>Привет!</p>
        <p><a href="{site.url("/sale")}">Купить со скидкой</a></p>
        <p><img src="{site.url("/banner.png")}" alt="Баннер"></p>
        <p><a href="{site.url("/u/7f3a")}">Отписаться</a></p>""",
    )
    code = main(["launch", "--no-cache", "--select", "LNK,UNS001,SUB,PRE", "--reason",
                 "the links are what is monitored", "--format", "json", "bf"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    launch_id = out["launch"]["id"]
    with open_store(f"sqlite:///{tmp_path}/log.db") as st:
        links = {lk.url: lk for lk in st.launch_links([launch_id])[launch_id]}
    assert links[site.url("/sale")].verdict == "ok" and links[site.url("/sale")].status == 200
    assert links[site.url("/banner.png")].purpose == "image"
    assert links[site.url("/u/7f3a")].purpose == "unsubscribe"

    site.status["/sale"] = 404
    site.status["/banner.png"] = 500  # (a 503 is "unavailable for now": no proof)
    # only the link's text says it unsubscribes; a GET here could unsubscribe a recipient
    site.head_status["/u/7f3a"] = 405
    site.requests.clear()
    assert main(["monitor", "--format", "json"]) == 1
    assert ("GET", "/u/7f3a") not in site.requests
    assert ("HEAD", "/u/7f3a") in site.requests
    data = json.loads(capsys.readouterr().out)
    assert sorted((d["code"], d["url"]) for d in data["dead"]) == [
        ("LNK001", site.url("/sale")),
        ("LNK006", site.url("/banner.png")),
    ]
    assert main(["monitor"]) == 0  # logged once
    capsys.readouterr()
    assert main(["kpi", "--client", "Ромашка", "--format", "json"]) == 0
    [period] = json.loads(capsys.readouterr().out)["periods"]
    assert period["launches"] == 1 and period["error_free"] == 0
    assert period["by_code"] == {"LNK001": 1, "LNK006": 1}
