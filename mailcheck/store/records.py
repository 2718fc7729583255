"""Plain records the store writes and reads; the KPI computation works on these alone."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Literal

from mailcheck.model import Finding
from mailcheck.owners import Impact, Owner, default_owner, impact_class

LaunchStatus = Literal["launched", "refused"]
IncidentSource = Literal["launch", "manual", "monitor"]
SEVERITIES = ("error", "warning")


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat(timespec="seconds") if dt is not None else None


def parse_time(text: str, zone: tzinfo | None = None) -> datetime:
    """An ISO 8601 time from the command line; without an offset it is in ``zone`` (the team's
    ``[launch] time-zone``), or without one this machine's local time.

    Raises ValueError with a message for the user.
    """
    try:
        found = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time; use ISO 8601, e.g. 2026-11-20T14:30+03:00 or 2026-11-20"
        ) from None
    if found.tzinfo is not None:
        return found
    return found.replace(tzinfo=zone) if zone is not None else found.astimezone()


@dataclass(frozen=True)
class LaunchedLink:
    """A link as rendered at launch and what the checker said about it then."""

    url: str
    kind: str = "a"
    purpose: str = "link"  # link | image | unsubscribe
    verdict: str | None = None  # a facts.LinkVerdict; None: not checked (offline)
    status: int | None = None


@dataclass(frozen=True)
class LaunchAttempt:
    """What ``mailcheck launch`` records, launched or refused."""

    campaign: str
    client: str
    source: str
    content_hash: str
    status: LaunchStatus
    attempted_at: datetime
    launched_by: str
    send_at: datetime | None = None
    ci_job: str | None = None
    forced: bool = False
    reason: str | None = None
    findings: tuple[Finding, ...] = ()
    links: tuple[LaunchedLink, ...] = field(default=())
    relaunch: bool = False  # a real second send of the same content (``--relaunch``)
    # what stays the same when CI retries the job (GitHub's run without its attempt number):
    # a retried ``--relaunch`` is the same second send; not recorded as a column of its own
    ci_retry: str | None = None
    # ``--relaunch`` was given but nothing of this content had gone out: recorded as its
    # first launch (``relaunch`` False), keyed by the CI job as a second send would be, so
    # that the job retried finds it
    relaunch_asked: bool = False
    offline: bool = False  # checked without the network: links and DNS not verified
    # The errors of the checks this launch's --select/--ignore skipped (``skipped_by``: the
    # flags): found all the same, and incidents of the launch as a forced launch's errors are
    # -- narrowing the gate must not be a way around the KPI. Not the gate's findings.
    skipped: tuple[Finding, ...] = ()
    skipped_by: str = ""
    # the sha256 of the source files alone, without the launch's --select/--ignore that
    # content_hash adds (None: the same as content_hash)
    source_hash: str | None = None

    @property
    def decision_key(self) -> str | None:
        """What makes a retried gate decision the same one: status, client, campaign, content.

        The store keeps one row per key, so a CI job retried eight times records one launch.
        A launch with ``--relaunch`` is a real second send and must be counted: by hand it has
        no key; from CI its key adds the job, so that the job retried is still one send. The
        first launch a CI job's ``--relaunch`` made (nothing had gone out before) has the same
        key: the job retried finds it, and does not record a second send.
        """
        identity: list[str] = [self.status, self.client, self.campaign, self.content_hash]
        if (self.relaunch or self.relaunch_asked) and self.status == "launched":
            if self.ci_retry is not None:
                identity = ["relaunch", *identity, self.ci_retry]
            elif self.relaunch:
                return None
        return hashlib.sha256(json.dumps(identity).encode()).hexdigest()


# what one error finding is, however the check that found it was narrowed: code, message,
# places, url
DefectKey = tuple[str, str, str, str]


def defect_key(code: str, message: str, location: str, url: str | None) -> DefectKey:
    """One defect of a campaign's files as a launch recorded it: the same files checked again
    (with other ``--select``/``--ignore``) report it the same."""
    return (code, message, location, url or "")


@dataclass(frozen=True)
class LaunchRow:
    id: int
    campaign: str
    client: str
    source: str
    content_hash: str
    status: LaunchStatus
    forced: bool
    reason: str | None
    send_at: datetime | None
    attempted_at: datetime
    launched_by: str
    ci_job: str | None
    errors: int
    warnings: int
    relaunch: bool = False
    offline: bool = False  # links and DNS were not verified at the gate
    # content_hash less the launch's --select/--ignore (None: recorded before schema version 5)
    source_hash: str | None = None
    skipped_errors: int = 0  # errors of the checks --select/--ignore skipped: its incidents
    # a refused attempt's error findings, each as what it is (:func:`defect_key`): retried
    # refusals of the same files count the defects they caught once (None: not read)
    defects: frozenset[DefectKey] | None = None

    @property
    def sources_hash(self) -> str:
        """The campaign's files as launched, however narrowly they were checked: a refused
        attempt and a narrowed launch of the same files share it."""
        return self.source_hash or self.content_hash

    @property
    def sent_with_errors(self) -> bool:
        """Launched with errors it knew of: forced past them, or past checks it skipped."""
        return self.status == "launched" and (self.forced or self.skipped_errors > 0)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "status": self.status,
            "campaign": self.campaign,
            "client": self.client,
            "source": self.source,
            "content_hash": self.content_hash,
            "forced": self.forced,
            "reason": self.reason,
            "send_at": iso(self.send_at),
            "launched_at": iso(self.attempted_at),
            "launched_by": self.launched_by,
            "ci_job": self.ci_job,
            "errors": self.errors,
            "warnings": self.warnings,
            "relaunch": self.relaunch,
            "offline": self.offline,
        }


@dataclass(frozen=True)
class IncidentRow:
    id: int
    launch_id: int
    client: str
    campaign: str
    code: str
    severity: str
    note: str
    source: str
    url: str | None
    detected_at: datetime
    resolved_at: datetime | None
    owner: Owner = "unknown"
    impact: Impact | None = None  # set by hand; None: owners.impact_class decides

    @property
    def impact_class(self) -> Impact:
        return self.impact or impact_class(self.code, self.severity)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "launch": self.launch_id,
            "code": self.code,
            "severity": self.severity,
            "note": self.note,
            "detected_at": iso(self.detected_at),
            "resolved_at": iso(self.resolved_at),
            "client": self.client,
            "campaign": self.campaign,
            "source": self.source,
            "url": self.url,
            "owner": self.owner,
            "class": self.impact_class,
        }


@dataclass(frozen=True)
class NewIncident:
    launch_id: int
    code: str
    severity: str
    note: str
    source: IncidentSource = "manual"
    url: str | None = None
    dedupe_key: str | None = None
    detected_at: datetime | None = None  # None: now
    owner: Owner | None = None  # None: owners.default_owner decides
    impact: Impact | None = None
    client_domains: tuple[str, ...] = ()  # for the default owner of a link incident

    @property
    def resolved_owner(self) -> Owner:
        if self.owner is not None:
            return self.owner
        return default_owner(
            self.code, source=self.source, url=self.url, client_domains=self.client_domains
        )
