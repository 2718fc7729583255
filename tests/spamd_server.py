"""A real SpamAssassin ``spamd`` on loopback for the SPAM001 tests.

Started with ``--local`` (no network tests: no blocklist query, no packet beyond loopback),
one child, on a free port, its helper home in a temp dir. A missing or failing spamd makes the
test fail with the reason, never skip (scripts/install-system-deps installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from daemon import running

SPAMD = shutil.which("spamd") or "/usr/sbin/spamd"


def _pong(port: int) -> bool:
    """Whether spamd answers PING (SPAMC protocol) on the port yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"PING SPAMC/1.5\r\n\r\n")
            return b"PONG" in sock.recv(100)
    except OSError:
        return False


@pytest.fixture(scope="session")
def spamd() -> Iterator[str]:
    """``host:port`` of a running spamd."""
    if not os.path.exists(SPAMD):
        pytest.fail(f"spamd not installed ({SPAMD}); run scripts/install-system-deps")
    home = tempfile.mkdtemp(prefix="mailcheck-spamd-")
    os.chmod(home, 0o777)  # spamd's child runs as nobody

    def on(port: int) -> list[str]:
        command = [
            SPAMD,
            f"--listen=127.0.0.1:{port}",
            "--local",
            "--max-children=1",
            "--syslog=stderr",
            f"--helper-home-dir={home}",
            "--nouser-config",
        ]
        return [*command, "--username=nobody"] if os.geteuid() == 0 else command

    with running("spamd", Path(home), on, _pong) as port:
        yield f"127.0.0.1:{port}"
