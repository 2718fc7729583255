"""Shared fixtures. The DNS fixtures live in dns_server.py (a real NSD on loopback)."""

from dns_server import black_hole, nsd_pool  # noqa: F401
