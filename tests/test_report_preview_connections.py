"""The e-mail preview of the QA report opens no connection: not even the ones a browser makes
before any Content-Security-Policy is asked (frames, resource hints)."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailcheck.reports.html import inert_preview, render_report

from mailcheck.config import Config
from mailcheck.facts import Facts
from mailcheck.model import Campaign, CampaignResult, Document, Rendered
from tests import browser


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A loopback TCP port that records every connection made to it (what it was sent)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    accepted: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    accepted.append(conn.recv(200))
                except OSError:
                    accepted.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join()
        server.close()


def framed_campaign(port: int) -> Campaign:
    html = (
        "<!DOCTYPE html><html lang='ru'><head><meta charset='utf-8'>"
        f"<link rel='preconnect' href='http://127.0.0.1:{port}'>"
        f"<LINK REL='dns-prefetch' HREF='http://127.0.0.1:{port}/'>"
        "</head><body><p>Новый ролик недели</p>"
        f"<iframe src='http://127.0.0.1:{port}/embed' width='560' height='315'></iframe>"
        f"<object data='http://127.0.0.1:{port}/o'></object>"
        "</body></html>"
    )
    c = Campaign(
        id="video", source="campaigns/video/campaign.toml", kind="toml", client="acme",
        subject="Видео недели", from_addr="ACME <news@acme.example>", html=html,
    )  # fmt: skip
    c.renders = [Rendered({}, "sample 1", c.subject, None, html, None, Document())]
    return c


def test_preview_keeps_no_element_that_connects() -> None:
    html = inert_preview(
        "<IFRAME src='https://v.example/e'></IFRAME><link rel=preconnect href=//f.example>"
        "<frameset><frame src=x></frameset><embed src=y><object data=z></object>"
        "<iframes-are-fine>text</iframes-are-fine><p>link</p>"
    )
    for tag in ("iframe", "link", "frame", "frameset", "embed", "object"):
        assert not re.search(rf"</?{tag}[\s/>]", html, re.I), tag
    assert "<iframes-are-fine>text</iframes-are-fine><p>link</p>" in html


@pytest.mark.browser
def test_browser_report_preview_opens_no_connection(
    tmp_path: Path, listener: tuple[int, list[bytes]]
) -> None:
    port, accepted = listener
    c = framed_campaign(port)
    # Control: the same e-mail opened directly connects to the port.
    control = tmp_path / "control.html"
    assert c.html is not None
    control.write_text(c.html, encoding="utf-8")
    browser.dump_dom(control, tmp_path)
    assert accepted, "the control page made no connection: the check below would prove nothing"
    accepted.clear()

    page = tmp_path / "report.html"
    page.write_text(render_report([CampaignResult(c, [])], Facts(), Config()), encoding="utf-8")
    dom = browser.dump_dom(page, tmp_path)
    assert "Новый ролик недели" in dom  # the preview is there ...
    assert accepted == [], f"the report connected {len(accepted)} time(s): {accepted}"
