"""Builders for test campaigns: real files on disk, checked through the real engine."""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

from mailcheck.config import Config, DnsConfig, LinksConfig
from mailcheck.engine import run
from mailcheck.model import CampaignResult, Finding

HTML_TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body>
{preheader}
{body}
</body></html>
"""

CLEAN_BODY = """<p>Hello!</p>
<p><a href="https://shop.test/sale?utm_source=email&utm_medium=email&utm_campaign=bf">Shop</a></p>
<p><img src="https://cdn.shop.test/a.png" alt="Sale"></p>
<p><a href="https://shop.test/unsubscribe">Unsubscribe</a></p>"""


def toml_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def write_campaign(
    root: Path,
    name: str = "c1",
    *,
    body: str = CLEAN_BODY,
    title: str = "Sale",
    preheader_html: str = '<div style="display:none">Only this weekend: 30% off everything</div>',
    html: str | None = None,
    files: dict[str, str] | None = None,
    tables: dict[str, dict[str, Any]] | None = None,
    **manifest: Any,
) -> Path:
    """A campaign directory with campaign.toml and email.html; returns the directory."""
    d = root / name
    d.mkdir(parents=True, exist_ok=True)
    manifest.setdefault("subject", "Weekend sale: 30% off")
    manifest.setdefault("from", "Shop <news@shop.test>")
    manifest.setdefault("html", "email.html")
    lines = [
        f"{k.replace('_', '-') if k != 'send_at' else k} = {toml_value(v)}"
        for k, v in manifest.items()
        if v is not None  # None: the key left out
    ]
    for table, values in (tables or {}).items():
        lines.append(f"\n[{table}]")
        lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in values.items()]
    (d / "campaign.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    content = (
        html
        if html is not None
        else HTML_TEMPLATE.format(title=title, preheader=preheader_html, body=textwrap.dedent(body))
    )
    (d / "email.html").write_text(content, encoding="utf-8")
    for fname, text in (files or {}).items():
        (d / fname).write_text(text, encoding="utf-8")
    return d


def write_test_send(
    path: Path, *, text: bytes, html: bytes, subject: bytes = b"Sale", charset: bytes = b"utf-8"
) -> Path:
    """A test send as a mailbox saves it (a receiving server's Received line: the ESP has
    rendered it), multipart/alternative with ``text`` and ``html`` in ``charset``."""
    label = b"Content-Type: text/%s; charset=" + charset + b"\r\n\r\n"
    path.write_bytes(
        b"Received: from mx.shop.test by mx.b.test; Fri, 4 Dec 2026 05:00:00 +0000\r\n"
        b"From: Shop <news@shop.test>\r\nSubject: " + subject + b"\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n'
        + label % b"plain" + text + b"\r\n--b\r\n"
        + label % b"html" + html + b"\r\n--b--\r\n"
    )  # fmt: skip
    return path


def check(path: Path, config: Config | None = None, **kw: Any) -> CampaignResult:
    results = run([str(path)], config or Config(root=path.parent), offline=True, **kw).results
    assert len(results) == 1, results
    return results[0]


def codes(result: CampaignResult) -> list[str]:
    return sorted(f.code for f in result.findings)


def only(result: CampaignResult, code: str) -> list[Finding]:
    return [f for f in result.findings if f.code == code]


def loopback_links_config(root: Path, *select: str, allow_private: bool = True) -> Config:
    """A run that asks the tests' loopback web servers and nothing else: link hosts are
    loopback addresses (``allow_private`` lets them be asked), DNS is a port nobody answers,
    no blocklist is asked, and each link is tried once, quickly."""
    return Config(
        root=root,
        select=select,
        links=replace(LinksConfig(), allow_private=allow_private, timeout=2.0, retries=0),
        dns=DnsConfig(nameservers=("127.0.0.1:9",), timeout=0.5, blocklists=False),
    )


def count_resolves(monkeypatch: Any) -> list[Path]:
    """Record every ``Path.resolve`` from now on (a realpath: a system call per component),
    in the returned list; the real method still answers."""
    resolved: list[Path] = []
    real_resolve = Path.resolve

    def counting(self: Path, strict: bool = False) -> Path:
        resolved.append(self)
        return real_resolve(self, strict)

    monkeypatch.setattr(Path, "resolve", counting)
    return resolved
