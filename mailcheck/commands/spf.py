"""``mailcheck spf``: evaluate SPF (RFC 7208 check_host) for one IP and sender."""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys

HELP = "evaluate SPF for one sending IP and envelope sender (RFC 7208 check_host)"
DESCRIPTION = """\
Evaluate SPF (RFC 7208 check_host) for one IP sending as MAIL FROM, through the configured
resolver ([dns] nameservers, or --nameserver), and print the result (pass fail softfail
neutral none permerror temperror) with the chain of records it followed.

exit codes: 0 evaluated (whatever the result), 2 usage or configuration error

examples:
  mailcheck spf --ip 192.0.2.10 --sender news@acme.example
  mailcheck spf --ip 2001:db8::1 --sender '' --helo mail.acme.example --format json
  mailcheck spf --ip 192.0.2.10 --sender news@acme.example --nameserver 127.0.0.1:5353
"""


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ip", required=True, help="the sending (client) IP address, v4 or v6")
    p.add_argument(
        "--sender",
        required=True,
        metavar="MAILFROM",
        help="envelope sender (MAIL FROM); empty: use postmaster@HELO",
    )
    p.add_argument("--helo", default="", metavar="NAME", help="the HELO/EHLO name")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument(
        "--nameserver",
        action="append",
        metavar="HOST:PORT",
        help="ask this nameserver instead of the configured ones (repeatable)",
    )
    p.add_argument("--timeout", type=float, help="seconds per DNS query (default: config)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from mailcheck.commands.common import config_from_args
    from mailcheck.engine import UsageError
    from mailcheck.net.dns import DnsClient, parse_nameserver
    from mailcheck.spf import check_host

    try:
        ip = ipaddress.ip_address(args.ip.strip())
    except ValueError:
        raise UsageError(f"--ip {args.ip!r} is not an IP address") from None
    if not args.sender and not args.helo:
        raise UsageError("give --sender, or --helo when the envelope sender is empty")
    config = config_from_args(args)
    nameservers = tuple(args.nameserver or config.dns.nameservers)
    for ns in nameservers:
        try:
            parse_nameserver(ns)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    timeout = args.timeout if args.timeout is not None else config.dns.timeout
    if timeout <= 0:
        raise UsageError("--timeout must be positive")
    client = DnsClient(nameservers, timeout)
    result = asyncio.run(check_host(client, str(ip), args.sender, args.helo))
    if args.format == "json":
        payload = {
            "version": 1,
            "result": result.result,
            "ip": str(ip),
            "sender": args.sender,
            "helo": args.helo or None,
            "domain": result.domain,
            "explanation": result.explanation or None,
            "reason": result.reason,
            "mechanism": result.mechanism or None,
            "chain": [
                {"domain": s.domain, "record": s.record, "via": s.via, "error": s.error or None}
                for s in result.chain
            ],
            "lookups": result.lookups,
            "void_lookups": result.void_lookups,
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return 0
    lines = [f"{result.result}: {ip} sending as {args.sender or '(empty)'} ({result.domain})"]
    if result.reason:
        lines.append(f"  why: {result.reason}")
    if result.explanation:
        lines.append(f"  explanation: {result.explanation}")
    if result.chain:
        lines.append("  records followed:")
        for step in result.chain:
            indent = "    " + "  " * step.depth
            shown = step.record or f"({step.error or 'no record'})"
            lines.append(f"{indent}{step.via} {step.domain}: {shown}")
    lines.append(f"  DNS lookups: {result.lookups}, void lookups: {result.void_lookups}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
