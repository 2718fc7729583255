"""End to end: `mailcheck check` on a campaign directory whose links point at the scripted
loopback server (tests/http_server.py) — loaders, templating, link gathering, cache, rules, JSON.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import write_campaign
from tests.http_server import running_server

pytestmark = pytest.mark.network

NETWORK_RULES = {"LNK001", "LNK002", "LNK005", "LNK006", "UTM004", "UNS004"}
UTM = "utm_source=email&utm_medium=email&utm_campaign=bf-2026"

# DNS goes to a loopback port where nothing listens: the auth rules must not query real hosts.
CONFIG = """\
ignore = ["SPF", "DKIM", "DMARC"]

[links]
allow-private = true
timeout = 2
retries = 0

[dns]
nameservers = ["127.0.0.1:9"]
timeout = 1
"""


CACHED = re.compile(r" \(answer cached \d+ (?:s|min|h) ago; --no-cache asks again\)$")


def _uncached(finding: dict[str, object]) -> dict[str, object]:
    """The finding as a fresh answer says it: without the cached answer's note."""
    return {**finding, "message": CACHED.sub("", str(finding["message"]))}


def run_check(*args: str, cwd: Path) -> tuple[int, list[dict[str, object]], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "mailcheck", "check", "--format", "json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    (campaign,) = json.loads(proc.stdout)["campaigns"]
    findings = campaign["findings"]
    assert isinstance(findings, list)
    return proc.returncode, findings, proc.stderr


def test_check_command_requests_once_caches_and_reports(tmp_path: Path) -> None:
    with running_server() as s:
        ok = s.url(f"/ok/sale?{UTM}")
        dead = s.url(f"/status/404/old-sale?{UTM}")
        dropped = s.url(f"/drop-query/catalog?{UTM}")
        banner = s.url("/status/404/banner.png")
        unsubscribe = s.url("/unsub/e2e?uid={{ uid | default('0') }}")
        body = f"""
        <p>Привет, {{{{ first_name | default('друг', true) }}}}!</p>
        <p><a href="{ok}">Купить со скидкой</a> <a href="{ok}#details">Подробнее</a></p>
        <p><a href="{dead}">Прошлая акция</a></p>
        <p><a href="{dropped}">Каталог</a></p>
        <p><img src="{banner}" alt="Чёрная пятница"></p>
        <p><a href="{unsubscribe}">Отписаться от рассылки</a></p>
        """
        write_campaign(
            tmp_path,
            "bf",
            body=body,
            subject="Чёрная пятница: −30% на всё",
            template="jinja",
            tables={"utm": {"utm_source": "email", "utm_medium": "email"}},
        )
        (tmp_path / "mailcheck.toml").write_text(CONFIG, encoding="utf-8")

        code, findings, _ = run_check("bf", cwd=tmp_path)
        network = {
            (f["code"], f["severity"], f["url"]) for f in findings if f["code"] in NETWORK_RULES
        }
        assert code == 1
        assert network == {
            ("LNK001", "error", dead),
            ("UTM004", "error", dropped),
            ("LNK006", "error", banner),
        }
        # each distinct URL once (the #details variant shares the request), the
        # unsubscribe link only with HEAD
        assert s.count(f"/ok/sale?{UTM}") == 1
        assert s.unsubscribe_methods == {"e2e": ["HEAD"]}
        requested = s.total()

        again = run_check("bf", cwd=tmp_path)
        # same verdict, from the cache (which the messages say: see the test below)
        assert again[0] == 1 and [_uncached(f) for f in again[1]] == findings
        assert s.total() == requested  # the cached re-run made no request

        run_check("bf", "--no-cache", cwd=tmp_path)
        assert s.total() == 2 * requested

        _, offline, _ = run_check("bf", "--offline", cwd=tmp_path)
        assert s.total() == 2 * requested
        assert not [f for f in offline if f["code"] in NETWORK_RULES]


def test_a_finding_from_a_cached_answer_says_how_old_it_is(tmp_path: Path) -> None:
    # was the same "404" a day long, with no hint that the site fixed since was not asked
    with running_server() as s:
        dead = s.url(f"/status/404/cached-note?{UTM}")
        loop = s.url(f"/loop/a/cached-note?{UTM}")
        body = f"""
        <p><a href="{dead}">Прошлая акция</a></p>
        <p><a href="{loop}">Кольцо</a></p>
        <p><a href="{s.url("/unsub/cached-note")}">Отписаться</a></p>
        """
        write_campaign(tmp_path, "bf", body=body)
        (tmp_path / "mailcheck.toml").write_text(CONFIG, encoding="utf-8")

        def said(*args: str) -> dict[tuple[str, object], str]:
            _, findings, _ = run_check("bf", *args, cwd=tmp_path)
            network = [f for f in findings if f["code"] in NETWORK_RULES]
            return {(str(f["code"]), f["url"]): str(f["message"]) for f in network}

        fresh = said()
        assert fresh == {
            ("LNK001", dead): "link is broken: 404 Not Found",
            ("LNK005", loop): "redirect loop after 3 redirects",
        }
        requested = s.total()
        # three hours later, within the cache's day
        with sqlite3.connect(tmp_path / ".mailcheck" / "links.sqlite") as db:
            earlier = 3 * 3600 + 5
            db.execute(
                "UPDATE link_results SET checked_at = checked_at - ?, result = json_set(result,"
                " '$.checked_at', json_extract(result, '$.checked_at') - ?)",
                (earlier, earlier),
            )
        note = " (answer cached 3 h ago; --no-cache asks again)"
        assert said() == {key: message + note for key, message in fresh.items()}
        assert s.total() == requested  # still no request: a warm CI re-run stays instant

        text = subprocess.run(
            [sys.executable, "-m", "mailcheck", "check", "bf"],
            cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
            timeout=120,
        ).stdout  # fmt: skip
        assert text.count("answer cached 3 h ago; --no-cache asks again") == 2, text

        # asked again: a fresh answer says nothing of a cache
        assert said("--no-cache") == fresh
        assert s.total() > requested
