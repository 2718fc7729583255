"""``mailcheck monitor``: after sending, re-check the links of recent launches.

A link that answered (or was not checked) at launch and is broken or unreachable now becomes
an incident of that launch (source "monitor"), once per link and launch, so the KPI counts it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from mailcheck.config import Config
from mailcheck.facts import LinkResult
from mailcheck.store import IncidentRow, NewIncident

if TYPE_CHECKING:
    from mailcheck.store import Store  # the database code loads when monitor runs

HELP = "re-check the links of recent launches and log the ones that died as incidents"
DESCRIPTION = """\
Post-send monitoring, e.g. from a daily cron job: re-check the links (as rendered and stored at
launch) of every launch of the last N days. A link that was fine at launch (or not checked,
offline) and is now broken or unreachable is logged as an incident of its launch (severity
error, source "monitor"): LNK001 broken, LNK002 unreachable, LNK006 image, UNS004 unsubscribe.
Each dead link is logged once per launch; running the monitor again adds nothing new.

Unsubscribe links are re-checked as the launch gate checks them: HEAD only, never clicked.

exit codes: 0 no new incident, 1 new incidents logged, 2 usage error or unusable database"""


class Checker(Protocol):
    """The shape of :func:`mailcheck.net.links.check_urls`: URLs in, a result per URL out;
    those named in ``unsubscribe`` are requested HEAD only (never clicked)."""

    def __call__(
        self, urls: list[str], config: Config, *, unsubscribe: Iterable[str] = ()
    ) -> Coroutine[Any, Any, dict[str, LinkResult]]: ...


DEAD = ("broken", "unreachable")
# A link that was already failing at launch is no news; one that could not be verified then (a
# bot wall, a HEAD-only unsubscribe link, a timeout) is watched: found dead now, it is news
NEWS_IF_WAS = (None, "ok", "unverified")


def configure(p: argparse.ArgumentParser) -> None:
    from mailcheck.commands.common import client_name

    p.add_argument(
        "--days", type=int, default=7, metavar="N", help="launches of the last N days (default: 7)"
    )
    p.add_argument("--client", metavar="C", type=client_name, help="only this client's launches")
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (text)"
    )


@dataclass
class Dead:
    launch_id: int
    campaign: str
    client: str
    url: str
    code: str
    result: LinkResult
    incident: IncidentRow | None = None  # None: logged by an earlier run


@dataclass
class MonitorReport:
    launches: int = 0
    checked: int = 0
    dead: list[Dead] = field(default_factory=list)

    @property
    def new(self) -> list[IncidentRow]:
        return [d.incident for d in self.dead if d.incident is not None]

    def to_json(self) -> dict[str, object]:
        return {
            "version": 1,
            "launches": self.launches,
            "links_checked": self.checked,
            "dead": [
                {
                    "launch": d.launch_id,
                    "campaign": d.campaign,
                    "client": d.client,
                    "url": d.url,
                    "code": d.code,
                    "verdict": d.result.verdict,
                    "status": d.result.status,
                    "reason": d.result.reason,
                    "incident": d.incident.id if d.incident else None,
                }
                for d in self.dead
            ],
            "incidents": [i.to_json() for i in self.new],
        }


def incident_code(purpose: str, verdict: str) -> str:
    if purpose == "unsubscribe":
        return "UNS004"
    if purpose == "image":
        return "LNK006"
    return "LNK001" if verdict == "broken" else "LNK002"


def default_checker() -> Checker:
    from mailcheck.net.links import check_urls

    return check_urls


def monitor(
    store: Store,
    config: Config,
    *,
    days: int,
    now: datetime,
    checker: Checker,
    client: str | None = None,
) -> MonitorReport:
    """Re-check the stored links of the launches of the last ``days`` days; log deaths."""
    launches = store.launches(client=client, since=now - timedelta(days=days), status="launched")
    links = store.launch_links([r.id for r in launches])
    watched = [
        (row, link) for row in launches for link in links[row.id] if link.verdict in NEWS_IF_WAS
    ]
    urls = sorted({link.url for _, link in watched})
    report = MonitorReport(launches=len(launches), checked=len(urls))
    if not urls:
        return report
    unsubscribe = sorted({link.url for _, link in watched if link.purpose == "unsubscribe"})
    import asyncio  # here: the quick commands (--version, rules) need no event loop

    results = asyncio.run(checker(urls, config, unsubscribe=unsubscribe))
    news: list[NewIncident] = []
    for row, link in watched:
        result = results.get(link.url)
        if result is None or result.verdict not in DEAD:
            continue
        code = incident_code(link.purpose, result.verdict)
        report.dead.append(Dead(row.id, row.campaign, row.client, link.url, code, result))
        was = f"{link.status}" if link.status else "not checked"
        if link.verdict == "unverified":
            was = "could not verify"
        news.append(
            NewIncident(
                launch_id=row.id,
                code=code,
                severity="error",
                note=f"{link.purpose} died after launch ({was} then, now: "
                f"{result.reason or result.verdict}): {link.url}",
                source="monitor",
                url=link.url,
                dedupe_key=f"link {link.url}",
                detected_at=now,
                client_domains=config.client_domains,
            )
        )
    added = {(i.launch_id, i.url): i for i in store.add_incidents_once(news)}
    for d in report.dead:
        d.incident = added.get((d.launch_id, d.url))
    return report


def _counted(n: int, one: str, many: str) -> str:
    """ "1 link", "3 links": the monitor's lines are English."""
    return f"{n} {one if n == 1 else many}"


def format_text(report: MonitorReport, days: int) -> str:
    launches = _counted(report.launches, "launch", "launches")
    links = _counted(report.checked, "link", "links")
    lines = [
        f"monitored {launches} of the last {_counted(days, 'day', 'days')}: "
        f"{links} re-checked, {len(report.dead)} dead."
    ]
    for d in report.dead:
        state = f"new incident #{d.incident.id}" if d.incident else "already logged"
        lines.append(
            f"  {state}: launch {d.launch_id} ({d.campaign}, client {d.client}) {d.code} "
            f"{d.url} — {d.result.reason or d.result.verdict}"
        )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from mailcheck.commands.common import config_from_args, say_database
    from mailcheck.engine import UsageError
    from mailcheck.store import open_store
    from mailcheck.store.db import now

    if args.days <= 0:
        raise UsageError("--days must be a positive number of days")
    config = config_from_args(args)
    if config.links.offline:
        raise UsageError("links.offline is set in the configuration: the monitor needs the network")
    say_database(config)
    with open_store(config.db_url, create=False) as store:
        checker = default_checker()
        report = monitor(
            store, config, days=args.days, now=now(), checker=checker, client=args.client
        )
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_text(report, args.days))
    return 1 if report.new else 0
