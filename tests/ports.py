"""Loopback ports for servers the tests start: free now, and still free when they bind.

A daemon binds its port seconds after it was chosen (rspamd loads its rules first, longer
under load). A port from the kernel's ephemeral range can be handed in the meantime to one of
the thousands of outgoing connections the tests make, and the daemon then fails with "Address
already in use". Ports are therefore drawn at random below that range, where the kernel never
picks a source port, and checked free for both UDP and TCP (NSD listens on both).
"""

from __future__ import annotations

import contextlib
import random
import socket
from collections.abc import Iterator
from pathlib import Path

LOWEST = 20000  # above the registered ports that local services commonly use
_EPHEMERAL = Path("/proc/sys/net/ipv4/ip_local_port_range")
_DEFAULT_EPHEMERAL_START = 32768  # Linux's default; the IANA range starts higher still


def _ephemeral_start() -> int:
    try:
        return int(_EPHEMERAL.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return _DEFAULT_EPHEMERAL_START


def _bindable(family: socket.AddressFamily, address: str, port: int) -> bool:
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as udp, socket.socket(family) as tcp:
            udp.bind((address, port))
            tcp.bind((address, port))
    except OSError:
        return False
    return True


def free_port(address: str = "127.0.0.1") -> int:
    """A port free for both UDP and TCP on ``address``, outside the ephemeral range."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    end = _ephemeral_start()
    if end - LOWEST < 1000:  # an unusual configuration: any free port at all
        end = 65536
    for _ in range(200):
        port = random.randrange(LOWEST, end)
        if _bindable(family, address, port):
            return port
    raise RuntimeError(f"no free port on {address}")


@contextlib.contextmanager
def refusing(count: int = 1) -> Iterator[list[str]]:
    """``http://127.0.0.1:PORT`` of ``count`` ports bound but not listening: connections to
    them are refused (a host that is down) while the block lasts."""
    with contextlib.ExitStack() as stack:
        bases = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            bases.append(f"http://127.0.0.1:{sock.getsockname()[1]}")
        yield bases
