"""Shared fixtures. The DNS fixtures live in dns_server.py (a real NSD on loopback)."""

from auth_helpers import auth_dns
from dns_server import black_hole, nsd_pool

pytest_plugins = ["pytester"]

__all__ = ["auth_dns", "black_hole", "nsd_pool"]
