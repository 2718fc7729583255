"""What is no proof that a link is broken: a page that turns robots away but not browsers, a
server that is unavailable for now (503), a TLS handshake closed on the checker. Each is
"could not verify" (a warning), never an error a recipient would not see."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.http_server import ScriptedServer, running_server
from tests.ports import refusing
from tests.test_links_network import a, campaign, check_one, config, findings, gather


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as s:
        yield s


def test_a_page_that_refuses_robots_but_not_browsers_is_not_verified(
    server: ScriptedServer, tmp_path: Path
) -> None:
    # nginx's "if ($http_user_agent !~ Mozilla) { return 403; }": a recipient gets the page
    result = check_one(server, tmp_path, "/robots-403/shop")
    assert (result.verdict, result.status) == ("unverified", 403)
    assert result.reason == (
        "could not verify: 403 Forbidden to a link checker, 200 OK to a browser: the site "
        "turns robots away"
    )
    url = server.url("/robots-403/shop")
    assert "Mozilla" in server.user_agents["/robots-403/shop"]  # the second ask, as a browser
    [lnk001] = findings(campaign(a(url)), {url: result}, config(tmp_path))
    assert (lnk001.code, lnk001.severity.value) == ("LNK001", "warning")
    # a 403 a browser gets too stays proof
    forbidden = check_one(server, tmp_path, "/status/403")
    assert (forbidden.verdict, forbidden.status) == ("broken", 403)


def test_a_503_that_does_not_clear_is_not_verified(server: ScriptedServer, tmp_path: Path) -> None:
    # nginx's limit_req answers 503 to a checker going faster than it allows; a maintenance
    # page is 503 too: "unavailable for now" (RFC 9110), no proof the page is gone
    result = check_one(server, tmp_path, "/status/503", retries=0)
    assert (result.verdict, result.status) == ("unverified", 503)
    assert result.reason.startswith("could not verify: 503 Service Unavailable did not clear")
    assert check_one(server, tmp_path, "/status/500", retries=0).verdict == "broken"


@pytest.fixture
def closes_in_handshake() -> Iterator[int]:
    """A port that accepts TCP and closes at once: the TLS handshake meets EOF."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()


def test_a_handshake_closed_on_the_checker_is_not_verified(
    closes_in_handshake: int, tmp_path: Path
) -> None:
    # was "TLS error: ConnectError", an error, on most runs
    url = f"https://127.0.0.1:{closes_in_handshake}/sale"
    result = gather([campaign(a(url))], config(tmp_path, retries=1))[url]
    assert result.verdict == "unverified", result.reason
    assert result.reason.startswith("could not verify")


def test_behind_a_click_tracker_each_failing_page_is_named_and_its_own_cause(
    server: ScriptedServer, tmp_path: Path
) -> None:
    # the tracker answers 302 for every link: the pages behind it failed, each its own way
    with refusing(2) as bases:
        dead = [f"{base}/landing" for base in bases]
        gone = server.url("/status/404")
        hrefs = [server.url(f"/redirect-to?to={target}") for target in (gone, *dead)]
        links = [a(href, line=n) for n, href in enumerate(hrefs, start=1)]
        c = campaign(*links)
        results = gather([c], config(tmp_path, retries=0))
    found = sorted((f.code, f.message) for f in findings(c, results, config(tmp_path)))
    assert found[0] == ("LNK001", f"link is broken: 404 Not Found at {gone} (after 1 redirect)")
    # two hosts refused: two findings, each naming its page (was one, under the tracker)
    assert [code for code, _ in found[1:]] == ["LNK002", "LNK002"]
    assert all(any(url in message for url in dead) for _, message in found[1:])


def test_a_host_that_turns_the_checker_away_is_one_warning(
    server: ScriptedServer, tmp_path: Path
) -> None:
    # 30 links to a shop answering 429 were 30 warnings for one cause
    hrefs = [server.url(f"/ratelimit-forever/p{i}?after=3600") for i in range(3)]
    c = campaign(*(a(href, line=n) for n, href in enumerate(hrefs, start=1)))
    results = gather([c], config(tmp_path, retries=0))
    found = findings(c, results, config(tmp_path))
    host = hrefs[0].split("/")[2]
    assert [(f.code, f.severity.value, f.message, f.places) for f in found] == [
        (
            "LNK001",
            "warning",
            f"3 links to {host}: could not verify: 429 Too Many Requests did not clear; open "
            f"them in a browser before sending — {', '.join(hrefs)}",
            ("html:1", "html:2", "html:3"),
        )
    ]


def test_a_host_that_refuses_is_one_error_for_its_links_images_and_unsubscribe_link(
    tmp_path: Path,
) -> None:
    # was three errors (LNK002, LNK006, UNS004) for one refusing host
    from tests.test_links_network import image

    with refusing() as [base]:
        links = [
            a(f"{base}/sale", line=1),
            image(f"{base}/banner.png", line=2),
            a(f"{base}/u/1", "Отписаться", line=3),
        ]
        c = campaign(*links)
        results = gather([c], config(tmp_path, retries=0))
    found = findings(c, results, config(tmp_path))
    [down] = found
    assert (down.code, down.severity.value) == ("LNK002", "error")
    assert down.places == ("html:1", "html:2", "html:3")
    assert down.message.endswith(
        "; the same host: LNK006, UNS004 — " + ", ".join(link.href for link in links)
    )
    assert down.url is None  # one finding about three URLs
