"""LNK006 on an open-tracking pixel: nobody sees it, so a broken one is a warning (the opens it
counts are lost), checked against a real loopback HTTP server."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.engine import run
from tests.helpers import loopback_links_config, only
from tests.http_server import running_server

pytestmark = pytest.mark.network


def test_a_broken_pixel_is_a_warning_and_a_broken_banner_an_error(tmp_path: Path) -> None:
    with running_server() as s:
        banner, pixel = s.url("/status/404/banner.png"), s.url("/status/404/open.gif")
        page = tmp_path / "send.eml"
        page.write_text(
            "From: Shop <news@shop.test>\nSubject: Скидки\nMIME-Version: 1.0\n"
            "Content-Type: text/html; charset=utf-8\n\n"
            '<html lang="ru"><body><p><img src="' + banner + '" alt="Скидки"></p>\n'  # 1
            '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>\n'  # 2
            '<img src="' + pixel + '" width="1" height="1" alt=""></body></html>\n',  # 3
            encoding="utf-8",
        )
        config = loopback_links_config(tmp_path, "LNK006")
        [result] = run([str(page)], config, offline=False).results
        found = {f.url: (f.severity.value, f.message, f.places) for f in only(result, "LNK006")}
        assert found == {
            banner: (
                "error",
                "image is broken: 404 Not Found",
                ("send.eml:6",),
            ),  # (the file's lines)
            pixel: (
                "warning",
                "open-tracking pixel is broken: 404 Not Found; nobody sees it, but opens are not "
                "counted",
                ("send.eml:8",),
            ),
        }
