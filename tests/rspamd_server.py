"""A real rspamd on loopback for the SPAM001 tests (network tests off).

rspamd runs in the foreground with a top-level config written to a temp dir: Debian's stock
rules and modules (``/etc/rspamd``), one normal worker on a free loopback port, no controller,
no proxy, no redis. Nothing it does can leave loopback: its resolver is a loopback port where
nothing listens (no name resolves, so no map is fetched over HTTP either), and every module
that asks the network (blocklists, fuzzy hashes, SPF/DKIM/DMARC, remote maps, reputation) is
disabled in its ``local.d``. Outside CI a missing rspamd skips with the reason; under
``CI=true`` it fails (scripts/install-system-deps installs it).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from daemon import running
from ports import free_port
from shared_data import in_ci

RSPAMD = shutil.which("rspamd") or "/usr/bin/rspamd"
STOCK_CONFIG = Path("/etc/rspamd")

# Modules that query DNS or fetch maps over HTTP, or need redis: off.
NETWORK_MODULES = [
    "antivirus",
    "arc",
    "asn",
    "aws_s3",
    "bimi",
    "clickhouse",
    "dcc",
    "dkim",
    "dkim_signing",
    "dmarc",
    "elastic",
    "emails",
    "external_relay",
    "external_services",
    "fuzzy_check",
    "greylist",
    "history_redis",
    "hfilter",
    "metadata_exporter",
    "metric_exporter",
    "mid",
    "mime_types",
    "multimap",
    "mx_check",
    "neural",
    "p0f",
    "phishing",
    "ratelimit",
    "rbl",
    "replies",
    "reputation",
    "rspamd_update",
    "spamassassin",
    "spamtrap",
    "spf",
    "surbl",
    "url_redirector",
    "whitelist",
]

TOP_LEVEL = """\
.include "$CONFDIR/common.conf"
options {{
    pidfile = "{home}/rspamd.pid";
    .include "$CONFDIR/options.inc"
    .include(try=true; priority=1,duplicate=merge) "$LOCAL_CONFDIR/local.d/options.inc"
}}
logging {{
    type = "console";
    level = "notice";
}}
worker "normal" {{
    bind_socket = "127.0.0.1:{port}";
    count = 1;
    .include "$CONFDIR/worker-normal.inc"
}}
"""

# Its resolver: a loopback port where nothing listens (never the system's).
OPTIONS = """\
dns {{
    nameserver = ["127.0.0.1:{dns_port}"];
    timeout = 0.2s;
    retransmits = 1;
}}
disable_hyperscan = true;
tempdir = "{home}";
"""


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ping", timeout=5, trust_env=False).text.strip() == "pong"
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session")
def rspamd() -> Iterator[str]:
    """The URL of a running rspamd normal worker (``http://127.0.0.1:PORT``)."""
    if not os.path.exists(RSPAMD) or not STOCK_CONFIG.is_dir():
        reason = f"rspamd not installed ({RSPAMD}, {STOCK_CONFIG}); run scripts/install-system-deps"
        if in_ci():
            pytest.fail(f"{reason}: CI must run these tests", pytrace=False)
        pytest.skip(reason)
    home = Path(tempfile.mkdtemp(prefix="mailcheck-rspamd-"))
    local = home / "local.d"
    local.mkdir()
    for module in NETWORK_MODULES:
        (local / f"{module}.conf").write_text("enabled = false;\n")
    (local / "options.inc").write_text(OPTIONS.format(dns_port=free_port(), home=home))
    config = home / "rspamd.conf"
    command = [RSPAMD, "-f", "-c", str(config)]
    for name in ("LOCAL_CONFDIR", "DBDIR", "RUNDIR", "LOGDIR"):
        command += ["--var", f"{name}={home}"]
    if os.geteuid() == 0:
        command += ["-u", "root", "-g", "root", "-i"]

    def on(port: int) -> list[str]:
        config.write_text(TOP_LEVEL.format(home=home, port=port))
        return command

    with running("rspamd", home, on, lambda port: _answers(f"http://127.0.0.1:{port}")) as port:
        yield f"http://127.0.0.1:{port}"
