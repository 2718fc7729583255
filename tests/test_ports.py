"""The test servers' ports are drawn where the kernel never picks a source port."""

from __future__ import annotations

import socket

import ports
import pytest
from ports import LOWEST, free_port


def test_a_free_port_lies_below_the_ephemeral_range_and_binds() -> None:
    drawn = {free_port() for _ in range(20)}
    assert all(LOWEST <= port < ports._ephemeral_start() for port in drawn)
    assert len(drawn) > 1  # at random: two test processes rarely meet on one port
    port = drawn.pop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, socket.socket() as tcp:
        udp.bind(("127.0.0.1", port))
        tcp.bind(("127.0.0.1", port))


def test_a_port_in_use_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    spare = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        busy = taken.getsockname()[1]
        draws = iter([busy, spare])
        monkeypatch.setattr(ports.random, "randrange", lambda start, stop: next(draws))
        assert free_port() == spare
