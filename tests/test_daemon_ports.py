"""The scanner daemons' fixture: a port taken before the daemon bound it is chosen again.

rspamd loads its rules for seconds before it binds; another test's server took its port once
in that time, and both rspamd tests failed at set-up ("Address already in use").
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from daemon import running


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_a_daemon_whose_port_was_taken_starts_on_another(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    ports: list[int] = []

    def command_for(port: int) -> list[str]:
        ports.append(port)
        if len(ports) == 1:  # as rspamd says it, and exits
            return ["sh", "-c", f"echo 'bind 127.0.0.1:{port} failed: Address already in use'"]
        return [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]

    with running("web", home, command_for, _answers) as port:
        assert len(ports) == 2 and port == ports[1]
        assert _answers(port)
    assert not home.exists()  # its directory goes with it
