"""``mailcheck launch``: the final gate before sending, recorded in the incident log."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from mailcheck.facts import Facts
from mailcheck.i18n import DEFAULT_LANGUAGE, translations
from mailcheck.model import Campaign, CampaignResult, Finding, Severity
from mailcheck.store.records import LaunchAttempt, LaunchedLink, LaunchRow

if TYPE_CHECKING:
    from mailcheck.engine import Source

Unit = Literal["day", "hour", "minute", "second"]

HELP = "final pre-send gate: check one campaign and record the launch (or refuse it)"
DESCRIPTION = """\
Run every check on ONE campaign, say whether it may be sent, and record the attempt in the
incident log that `mailcheck kpi` counts:

  no errors              launched, exit 0: send it; an error-free launch (unless an error is
                         logged against it later: `mailcheck incident add`)
  errors                 REFUSED, exit 1: do not send; the errors count as caught before
                         launch, and a refusal is not a launch
  errors, --force        launched, exit 0: allowed to send (--reason TEXT says why); each error
                         becomes an incident, so the launch is not error-free
  --select/--ignore      the gate stops only on the checks chosen (--reason TEXT says why); the
                         others still run and each error they find becomes an incident: exit 0,
                         allowed to send, but not error-free

Recorded: campaign id, client, a sha256 of the campaign's source files (the partials its
template pulls in too), the rendered links and what the checker said about them (for
`mailcheck monitor`), the planned send_at, the launch time, who launched it (--by, else
MAILCHECK_USER, the CI actor, or the login name) and the CI job (GITHUB_RUN_ID, CI_JOB_ID,
BUILD_TAG …).

A retry counts once: when the same files (the sha256 above) of the campaign were already
launched for the client — however either launch was checked: --select/--ignore do not make
other content, the files and so their findings are the same —, launch prints "already launched
as #N", records nothing and exits 0; a retried refusal is likewise recorded once, and the same
files refused with other --select/--ignore count in the KPI as that one refusal (each defect
caught once), though recorded as attempts of their own. A retry whose
check now finds errors (a link broken since) is refused, never "already launched". --relaunch
says the same content really goes out a second time (a resend): recorded and counted as a new
launch, and said to resend #N, once per CI job however often the job is retried (a re-run of
the same GitHub run, a retry in the same GitLab pipeline); --relaunch of content never
launched before is its ordinary first launch.

The errors of a refusal stop counting as caught once the same files go out with them (with
--force, or past those checks): they are then that launch's incidents. Once the files went
out so, a check that finds those errors again without --force refuses (exit 1) but records
nothing: it names the launch #N they went out with, whose incidents they are (a new send of
them: --force --relaunch). The reason of a narrowed launch is recorded with its
--select/--ignore flags. Rules the configuration (mailcheck.toml, campaign.toml) ignores are
not run at all, and give no incidents.

A launch after the campaign's send_at says how late it is: it counts as late in the on-time
rate.

PATH must hold exactly one campaign: launch campaigns one by one (a batch is not a launch).
A test send (.eml, a saved message) beside the campaign.toml of the directory launched is not
part of the launch (a note on stderr says so): `mailcheck check` checks it as sent. Named on
its own (or a folder of them inside the campaign's directory), a test send of a campaign is
not launched either: exit 2, nothing recorded, and the campaign to launch is named.

exit codes: 0 may be sent (launched, forced, narrowed, or already launched), 1 refused (errors
found: do not send), 2 usage error, not exactly one campaign, or a database that cannot be used"""


class _OneCampaignFormatter(argparse.RawDescriptionHelpFormatter):
    """Usage and help show ``PATH``, not ``PATH [PATH ...]``: exactly one campaign is launched.
    Several are still parsed, so that the command can say which campaigns it found."""

    def _format_args(self, action: argparse.Action, default_metavar: str) -> str:
        if action.dest == "paths":
            return "PATH"
        return super()._format_args(action, default_metavar)


def configure(p: argparse.ArgumentParser) -> None:
    from mailcheck.commands.common import add_check_options, client_name

    p.formatter_class = _OneCampaignFormatter
    add_check_options(p, formats=("text", "json"))
    for action in p._actions:
        if action.dest == "paths":
            action.help = "the campaign: its directory, campaign.toml, .eml or .html file"
        # the checks left out still run here: their errors become incidents of the launch
        elif action.dest == "select":
            action.help = (
                "the only codes or prefixes the gate stops on (needs --reason); the other "
                "checks still run and each error they find becomes an incident"
            )
        elif action.dest == "ignore":
            action.help = (
                "codes or prefixes the gate does not stop on (needs --reason); they still run "
                "and each error they find becomes an incident"
            )
    p.add_argument(
        "--client",
        metavar="C",
        type=client_name,
        help="the client (default: campaign.toml/config)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="launch despite errors (needs --reason): each error becomes an incident",
    )
    p.add_argument(
        "--reason",
        metavar="TEXT",
        help="why the launch is forced or narrowed (--force, --select/--ignore need it)",
    )
    p.add_argument("--by", metavar="NAME", help="who launches (default: from the environment)")
    p.add_argument(
        "--relaunch",
        action="store_true",
        help="the same content really goes out again (a resend): record and count it as a new "
        "launch, once per CI job",
    )


def launched_by(given: str | None, env: Mapping[str, str]) -> str:
    """The person or bot launching: --by, else the CI actor or the login name."""
    if given:
        return given
    for key in ("MAILCHECK_USER", "GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_USER_ID", "USER",
                "LOGNAME", "USERNAME"):  # fmt: skip
        if env.get(key):
            return env[key]
    try:
        import getpass

        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def ci_job(env: Mapping[str, str]) -> str | None:
    """The CI job that launched, as ``system:id`` (None outside CI)."""
    if env.get("GITHUB_RUN_ID"):
        repo = env.get("GITHUB_REPOSITORY", "")
        attempt = env.get("GITHUB_RUN_ATTEMPT", "")
        run = env["GITHUB_RUN_ID"] + (f".{attempt}" if attempt else "")
        return f"github:{repo}#{run}" if repo else f"github:{run}"
    if env.get("CI_JOB_ID"):
        project = env.get("CI_PROJECT_PATH", "")
        return f"gitlab:{project}#{env['CI_JOB_ID']}" if project else f"ci:{env['CI_JOB_ID']}"
    if env.get("BUILD_TAG"):
        return f"jenkins:{env['BUILD_TAG']}"
    if env.get("BUILDKITE_JOB_ID"):
        return f"buildkite:{env['BUILDKITE_JOB_ID']}"
    if env.get("CIRCLE_WORKFLOW_JOB_ID"):
        return f"circleci:{env['CIRCLE_WORKFLOW_JOB_ID']}"
    return None


def ci_retry(env: Mapping[str, str]) -> str | None:
    """What stays the same when CI retries the job, as ``system:id``: a GitHub re-run keeps
    the run id (its attempt number grows), a GitLab retry the pipeline and the job's name (it
    gets a new job id); elsewhere the job as :func:`ci_job` records it. None outside CI."""
    if env.get("GITHUB_RUN_ID"):
        return f"github:{env.get('GITHUB_REPOSITORY', '')}#{env['GITHUB_RUN_ID']}"
    if env.get("CI_PIPELINE_ID") and env.get("CI_JOB_NAME"):
        project = env.get("CI_PROJECT_PATH", "")
        return f"gitlab:{project}#{env['CI_PIPELINE_ID']}/{env['CI_JOB_NAME']}"
    return ci_job(env)


def launched_links(result: CampaignResult, facts: Facts) -> tuple[LaunchedLink, ...]:
    """Every rendered web link of the campaign with the checker's verdict at launch."""
    from mailcheck.linkinfo import is_unsubscribe, is_web

    found: dict[str, LaunchedLink] = {}
    sender = result.campaign.from_domain
    for link in result.campaign.all_links():
        href = link.href.strip()
        if not is_web(href) or href in found:
            continue
        unsubscribe = is_unsubscribe(link, (), sender)
        purpose = "unsubscribe" if unsubscribe else "image" if link.is_image else "link"
        checked = facts.link(link.href) if facts.gathered else None
        found[href] = LaunchedLink(
            url=href,
            kind=link.kind,
            purpose=purpose,
            verdict=checked.verdict if checked else None,
            status=checked.status if checked else None,
        )
    return tuple(found.values())


def _aware(value: datetime | None) -> datetime | None:
    # A local date-time (no offset) means the machine's local time: the loader makes it so,
    # and a Campaign built by a program other than the loader is read the same way.
    if value is None or value.tzinfo is not None:
        return value
    return value.astimezone()


def _warn_if_local_send_at(campaign: Campaign) -> None:
    """A send_at without a UTC offset is read in this machine's time zone: a CI runner in UTC
    and a laptop in Moscow record different planned times, and the on-time KPI with them."""
    planned = campaign.send_at
    if not campaign.send_at_local or planned is None:
        return
    print(
        f"mailcheck: warning: send_at {planned.replace(tzinfo=None).isoformat()} has no UTC "
        f"offset: recorded as {planned.isoformat()} (this machine's time zone); a machine in "
        "another zone (a CI runner in UTC) records another planned time, and the on-time "
        "KPI with it: write send_at with its offset in campaign.toml, or set the team's zone "
        '([launch] time-zone = "Europe/Moscow" in the configuration)',
        file=sys.stderr,
    )


def build_attempt(
    result: CampaignResult,
    facts: Facts,
    *,
    client: str | None,
    force: bool,
    reason: str | None,
    by: str,
    job: str | None,
    now: datetime,
    relaunch: bool = False,
    narrowed: str = "",
    retry: str | None = None,
    offline: bool = False,
    skipped: Sequence[Finding] = (),
) -> LaunchAttempt:
    from mailcheck.store.content import content_hash

    campaign = result.campaign
    return LaunchAttempt(
        campaign=recorded_id(campaign),
        client=(client or campaign.client).strip(),  # "acme " is acme: one row in the KPI
        source=campaign.source,
        # checked with fewer rules, it is not the launch a full check would make
        content_hash=content_hash(campaign, narrowed=narrowed),
        source_hash=content_hash(campaign) if narrowed else None,
        status="launched" if force or result.errors == 0 else "refused",
        attempted_at=now,
        launched_by=by,
        send_at=_aware(campaign.send_at),
        ci_job=job,
        forced=force and result.errors > 0,
        reason=reason,
        findings=tuple(result.findings),
        links=launched_links(result, facts),
        relaunch=relaunch,
        ci_retry=retry,
        offline=offline,
        skipped=tuple(skipped),
        skipped_by=narrowed if skipped else "",
    )


def recorded_id(campaign: Campaign) -> str:
    """The campaign as the log records it: a campaign.toml that could not be read named none,
    and its directory's name stands in — said so, or the refusal would read as one of another
    campaign of that name (the manifest, fixed, gives its own id)."""
    if campaign.manifest_unread:
        return f"{campaign.id} (campaign.toml not read)"
    return campaign.id


def late_by(row: LaunchRow) -> timedelta | None:
    """How long after its planned send_at the launch went out; None when it was not late (or
    not planned, or not launched). The KPI's on-time rate counts it so: launched ≤ send_at."""
    if row.status != "launched" or row.send_at is None or row.attempted_at <= row.send_at:
        return None
    return row.attempted_at - row.send_at


def say_duration(delta: timedelta, language: str = DEFAULT_LANGUAGE) -> str:
    """``2 hours 5 minutes``, ``3 days 4 hours``, ``40 seconds``: the two largest units, in
    ``language`` (CLDR's unit names through Babel)."""
    from babel.dates import format_timedelta

    seconds = int(delta.total_seconds())
    units: list[tuple[Unit, int]] = [
        ("day", seconds // 86400),
        ("hour", seconds % 86400 // 3600),
        ("minute", seconds % 3600 // 60),
        ("second", seconds % 60),
    ]
    first = next((i for i, (_, n) in enumerate(units) if n), len(units) - 1)
    said = []
    for place, (unit, n) in enumerate(units[first : first + 2]):
        if n or place == 0:
            # a threshold no count reaches: said in this unit, never rounded up to a larger one
            one = timedelta(**{f"{unit}s": n})
            said.append(format_timedelta(one, granularity=unit, threshold=1e9, locale=language))
    return " ".join(said)


def late_note(row: LaunchRow, language: str = DEFAULT_LANGUAGE) -> str | None:
    """The note of a launch after its send_at (None when it was not late)."""
    late = late_by(row)
    if late is None or row.send_at is None:
        return None
    return translations(language).gettext(
        "the planned send time (send_at %(send_at)s) had passed %(late)s before this launch: "
        "it counts as late in the on-time rate"
    ) % {"send_at": row.send_at.isoformat(timespec="seconds"), "late": say_duration(late, language)}


def skipped_shown(row: LaunchRow, fresh: bool, skipped: Sequence[Finding]) -> list[Finding]:
    """The errors of skipped checks that this run recorded as incidents of its launch."""
    return list(skipped) if fresh and row.status == "launched" else []


def as_json(
    row: LaunchRow,
    result: CampaignResult,
    *,
    fresh: bool = True,
    skipped: Sequence[Finding] = (),
    sent_as: bool = False,
) -> dict[str, object]:
    """``sent_as``: this check refused the files that went out as ``row`` with errors known
    at the gate: status ``refused`` (nothing recorded), ``sent_as`` that launch's id."""
    launch = row.to_json()
    if sent_as:
        launch["status"] = "refused"
        launch["sent_as"] = row.id
        launch["errors"] = result.errors
    elif not fresh and row.status == "launched":
        launch["status"] = "already-launched"
    # a refusal is never late: the launch it names went out as it did, counted then
    late = None if sent_as else late_by(row)
    launch["late"] = (
        None if late is None else {"seconds": int(late.total_seconds()), "note": late_note(row)}
    )
    return {
        "version": 1,
        "launch": launch,
        "findings": [f.to_json() for f in result.findings],
        # errors of the checks --select/--ignore skipped, recorded as incidents of the launch
        "skipped_errors": [f.to_json() for f in skipped_shown(row, fresh, skipped)],
    }


def as_text(
    row: LaunchRow,
    result: CampaignResult,
    colour: bool,
    *,
    fresh: bool = True,
    language: str = DEFAULT_LANGUAGE,
    skipped: Sequence[Finding] = (),
    narrowed: str = "",
    offline: bool | None = None,
    relaunch: bool = False,
    in_ci: bool = False,
    sent_as: bool = False,
    resend_of: int | None = None,
    refused_as: LaunchRow | None = None,
) -> str:
    """The launch's verdict under the campaign's findings: whether it may go, and how it
    counts in the KPI. ``offline``: whether this run checked without the network (None: as
    the row was recorded); a retry that finds the launch already recorded says so of its own
    check only. ``relaunch``: ``--relaunch`` was given; ``in_ci``: from a CI job, whose
    ``--relaunch`` that finds a launch recorded found its own (the job retried).
    ``sent_as``: this check refused files that went out as ``row`` with errors known at the
    gate (forced or narrowed); ``resend_of``: the launch of the same content that the
    recorded ``--relaunch`` sends again; ``refused_as``: the first refusal of the same files
    (checked with other ``--select``/``--ignore``), which the KPI counts this one as."""
    from mailcheck.i18n import translate
    from mailcheck.inert import inert
    from mailcheck.reports.text import format_campaign

    tr = translations(language)
    head = format_campaign(result, colour, language)
    recorded = skipped_shown(row, fresh, skipped)
    said = {
        "id": row.id,
        "campaign": inert(row.campaign),  # campaign text: never a raw ESC
        "client": inert(row.client),
        "when": row.attempted_at.isoformat(timespec="seconds"),
        "by": row.launched_by,
        "errors": row.errors,
        "reason": inert(row.reason or ""),
        "count": len(recorded),
        "flags": narrowed or "--select/--ignore",
        "found": result.errors,
        "of": resend_of,
        "first": refused_as.id if refused_as is not None else None,
        "first_when": (
            refused_as.attempted_at.isoformat(timespec="seconds") if refused_as is not None else ""
        ),
    }
    # each verdict's words follow its count of errors (ngettext: Russian has three forms)
    if sent_as and row.forced:
        verdict = tr.ngettext(
            "launch REFUSED: do not send it again as it is. %(campaign)s (client %(client)s) "
            "has %(found)s error, and the same content already went out as #%(id)s at "
            "%(when)s, FORCED past it (reason: %(reason)s): it is an incident of #%(id)s, not "
            "caught before launch; nothing recorded. Fix it, or send it again "
            "anyway with --force --relaunch --reason TEXT (a new launch)",
            "launch REFUSED: do not send it again as it is. %(campaign)s (client %(client)s) "
            "has %(found)s errors, and the same content already went out as #%(id)s at "
            "%(when)s, FORCED past its errors (reason: %(reason)s): they are incidents of "
            "#%(id)s, not caught before launch; nothing recorded. Fix them, or send it again "
            "anyway with --force --relaunch --reason TEXT (a new launch)",
            result.errors,
        )
    elif sent_as:
        verdict = tr.ngettext(
            "launch REFUSED: do not send it again as it is. %(campaign)s (client %(client)s) "
            "has %(found)s error, and the same content already went out as #%(id)s at "
            "%(when)s, past the checks its --select/--ignore left out (reason: %(reason)s): "
            "the error is an incident of #%(id)s, not caught before launch; nothing "
            "recorded. Fix it, or send it again anyway with --force --relaunch --reason TEXT "
            "(a new launch)",
            "launch REFUSED: do not send it again as it is. %(campaign)s (client %(client)s) "
            "has %(found)s errors, and the same content already went out as #%(id)s at "
            "%(when)s, past the checks its --select/--ignore left out (reason: %(reason)s): "
            "their errors are incidents of #%(id)s, not caught before launch; nothing "
            "recorded. Fix them, or send it again anyway with --force --relaunch --reason TEXT "
            "(a new launch)",
            result.errors,
        )
    elif not fresh and row.status == "launched" and relaunch and in_ci and row.relaunch:
        verdict = tr.gettext(
            "already launched as #%(id)s: this CI job relaunched %(campaign)s (client "
            "%(client)s) with the same content at %(when)s (by %(by)s); a retried job is the "
            "same send, allowed as that launch: nothing recorded, not counted again"
        )
    elif not fresh and row.status == "launched" and relaunch and in_ci:
        verdict = tr.gettext(
            "already launched as #%(id)s: this CI job launched %(campaign)s (client "
            "%(client)s) at %(when)s (by %(by)s), the first launch of this content; a retried "
            "job is the same send, allowed as that launch: nothing recorded, not counted again"
        )
    elif not fresh and row.status == "launched" and relaunch:
        # --relaunch of content never launched, whose first launch another run recorded while
        # this one checked it: the hint to use --relaunch would say what was done already
        verdict = tr.gettext(
            "already launched as #%(id)s: %(campaign)s (client %(client)s) with the same "
            "content was recorded as launched at %(when)s (by %(by)s) while this --relaunch "
            "checked it — the first launch of this content, and this is the same send, allowed "
            "as that launch: nothing recorded, not counted again"
        )
    elif not fresh and row.status == "launched":
        verdict = tr.gettext(
            "already launched as #%(id)s: %(campaign)s (client %(client)s) with the same "
            "content went out at %(when)s (by %(by)s); a retry is the same send, allowed as "
            "that launch: nothing recorded, not counted again. A real second send of it: "
            "--relaunch"
        )
    elif not fresh:
        verdict = tr.ngettext(
            "launch REFUSED: do not send. The same content of %(campaign)s (client "
            "%(client)s) was already refused as #%(id)s at %(when)s: nothing recorded again, "
            "its %(errors)s error counts once as caught before launch. Fix it, or launch "
            "anyway with --force --reason TEXT",
            "launch REFUSED: do not send. The same content of %(campaign)s (client "
            "%(client)s) was already refused as #%(id)s at %(when)s: nothing recorded again, "
            "its %(errors)s errors count once as caught before launch. Fix them, or launch "
            "anyway with --force --reason TEXT",
            row.errors,
        )
    elif row.status == "refused" and refused_as is not None:
        verdict = tr.ngettext(
            "launch %(id)s REFUSED: do not send. %(campaign)s (client %(client)s) has "
            "%(errors)s error. The same files were refused as #%(first)s at %(first_when)s, "
            "checked with other --select/--ignore: this attempt is recorded, but the KPI counts "
            "it as that one refusal, and the defect once as caught before launch. Fix it, or "
            "launch anyway with --force --reason TEXT (the error becomes an incident)",
            "launch %(id)s REFUSED: do not send. %(campaign)s (client %(client)s) has "
            "%(errors)s errors. The same files were refused as #%(first)s at %(first_when)s, "
            "checked with other --select/--ignore: this attempt is recorded, but the KPI counts "
            "it as that one refusal, and each defect once as caught before launch. Fix them, or "
            "launch anyway with --force --reason TEXT (each error becomes an incident)",
            row.errors,
        )
    elif row.status == "refused":
        verdict = tr.ngettext(
            "launch %(id)s REFUSED: do not send. %(campaign)s (client %(client)s) has "
            "%(errors)s error, recorded as caught before launch (a refusal is not a launch "
            "in the KPI). Fix it, or launch anyway with --force --reason TEXT (the error "
            "becomes an incident)",
            "launch %(id)s REFUSED: do not send. %(campaign)s (client %(client)s) has "
            "%(errors)s errors, recorded as caught before launch (a refusal is not a launch "
            "in the KPI). Fix them, or launch anyway with --force --reason TEXT (each error "
            "becomes an incident)",
            row.errors,
        )
    elif row.forced and recorded:
        # two counts: the sentence follows the errors found, its "more" phrase its own count
        said["more"] = tr.ngettext(
            "%(count)s more error of the checks %(flags)s left out",
            "%(count)s more errors of the checks %(flags)s left out",
            len(recorded),
        ) % {"count": len(recorded), "flags": said["flags"]}
        verdict = tr.ngettext(
            "launch %(id)s recorded: %(campaign)s (client %(client)s) FORCED — allowed to "
            "send with %(errors)s error, and %(more)s, each recorded as an incident: this "
            "launch does not count as error-free — reason: %(reason)s",
            "launch %(id)s recorded: %(campaign)s (client %(client)s) FORCED — allowed to "
            "send with %(errors)s errors, and %(more)s, each recorded as an incident: this "
            "launch does not count as error-free — reason: %(reason)s",
            row.errors,
        )
    elif row.forced:
        verdict = tr.ngettext(
            "launch %(id)s recorded: %(campaign)s (client %(client)s) FORCED — allowed to "
            "send with %(errors)s error, recorded as an incident: this launch does not "
            "count as error-free — reason: %(reason)s",
            "launch %(id)s recorded: %(campaign)s (client %(client)s) FORCED — allowed to "
            "send with %(errors)s errors, each recorded as an incident: this launch does not "
            "count as error-free — reason: %(reason)s",
            row.errors,
        )
    elif recorded:
        verdict = tr.ngettext(
            "launch %(id)s recorded: %(campaign)s (client %(client)s) — allowed to send "
            "(%(count)s error of the checks %(flags)s left out recorded as an incident: this "
            "launch does not count as error-free)",
            "launch %(id)s recorded: %(campaign)s (client %(client)s) — allowed to send "
            "(%(count)s errors of the checks %(flags)s left out recorded as incidents: this "
            "launch does not count as error-free)",
            len(recorded),
        )
    elif row.offline:
        verdict = tr.gettext(
            "launch %(id)s recorded: %(campaign)s (client %(client)s) — ready to send as far "
            "as checked offline; error-free in the KPI unless an error is logged against it "
            "later"
        )
    else:
        verdict = tr.gettext(
            "launch %(id)s recorded: %(campaign)s (client %(client)s) — ready to send; "
            "error-free in the KPI unless an error is logged against it later"
        )
    if fresh and resend_of is not None and row.relaunch:
        verdict += "\n" + tr.gettext(
            "--relaunch: a resend of launch #%(of)s (the same content), recorded and counted "
            "in the KPI as a new launch"
        )
    if fresh and row.offline and row.status == "launched":
        verdict += "\n" + tr.gettext(
            "checked offline (--offline or [links] offline = true): no link was requested and "
            "no DNS record (SPF, DKIM, DMARC) looked up, so a broken link or failing "
            "authentication would not have stopped this launch; check them before sending. "
            "Recorded as checked offline, it counts in the KPI as any launch, and an error "
            "found later (mailcheck monitor, incident add) is its incident"
        )
    elif not fresh and row.status == "launched" and (row.offline if offline is None else offline):
        # a retry records nothing: what it says of being offline is of this run's check alone
        verdict += "\n" + tr.gettext(
            "checked offline (--offline or [links] offline = true): this check requested no "
            "link and looked up no DNS record (SPF, DKIM, DMARC), so it could not see a link "
            "or authentication broken since"
        )
    verdict %= said
    if recorded:
        verdict += "\n" + tr.gettext(
            "the errors of the checks %(flags)s left out, incidents of launch %(id)s:"
        ) % {"flags": narrowed or "--select/--ignore", "id": row.id}
        for f in recorded:
            places = f" ({', '.join(f.places)})" if f.places else ""
            verdict += "\n  " + inert(f"{f.code}  {translate(f.message, tr)}{places}")
    # said of a launch this run recorded: a retry or a refusal records nothing late
    note = late_note(row, language) if fresh else None
    if note is not None:
        verdict += "\n" + tr.gettext("note: %(note)s") % {"note": note}
    return f"{head}\n\n{verdict}\n"


def campaign_of(sources: Sequence[Source]) -> tuple[list[Source], list[Source]]:
    """The campaign a directory holds, and the test sends saved beside its campaign.toml.

    A walk finds a test send (.eml, a saved message) beside campaign.toml as an input of its
    own, which ``check`` checks as sent; the campaign is what is launched. Anything else (a
    second campaign, a directory that could not be read) leaves ``sources`` as they are, for
    the caller to refuse.
    """
    from mailcheck.engine import MANIFEST

    manifests = [s for s in sources if s.error is None and s.path.name == MANIFEST]
    if len(manifests) != 1 or len(sources) == 1:
        return list(sources), []
    campaign = manifests[0]
    beside = [s for s in sources if s is not campaign]
    if all(
        s.error is None and s.root is not None and s.root == campaign.root
        and s.path.parent == campaign.path.parent
        for s in beside
    ):  # fmt: skip
        return [campaign], beside
    return list(sources), []


def _refuse_a_test_send(source: Source) -> None:
    """A test send of a campaign (a saved message in its directory) named, or found, alone is
    what a person checks before the launch, not the launch: launching it recorded a launch of
    its own, beside the campaign's, in the KPI. Nothing is recorded; the campaign is named."""
    from mailcheck.engine import UsageError, campaign_of_test_send, campaign_shown

    manifest = campaign_of_test_send(source.path)
    if manifest is None or source.error is not None:
        return
    campaign = campaign_shown(source.shown, manifest)  # spelt as the user named the file
    raise UsageError(
        f"{source.shown} is a test send of the campaign {campaign}: it is checked before the "
        f"launch, not launched (mailcheck check {source.shown}); launch the campaign: "
        f"mailcheck launch {os.path.dirname(campaign) or '.'}"
    )


def run(args: argparse.Namespace) -> int:
    from mailcheck.commands.common import (
        config_from_args,
        refuse_overwriting_inputs,
        run_checks,
        say_database,
        use_colour,
        write_output,
    )
    from mailcheck.config import campaign_config
    from mailcheck.engine import UsageError, discover
    from mailcheck.store import open_store
    from mailcheck.store.db import now

    reason = (args.reason or "").strip()
    if args.force and not reason:
        raise UsageError("--force needs --reason TEXT: say why the launch goes out with errors")
    # --select/--ignore narrow what this one launch is checked for (the configuration's own
    # select/ignore are in the repository for all to see): the log says so, and why
    narrowed = " ".join(
        f"--{name} {value}"
        for name, value in (("select", args.select), ("ignore", args.ignore))
        if value
    )
    if narrowed and not reason:
        raise UsageError(
            f"{narrowed} changes what the launch gate checks: say why with --reason TEXT "
            "(recorded with the launch)"
        )
    if reason and not (args.force or narrowed):
        raise UsageError("--reason is recorded with --force or with --select/--ignore only")
    config = config_from_args(args)
    refuse_overwriting_inputs(args.output, args.paths, database=config.db_url)
    sources = discover(args.paths)
    sources, beside = campaign_of(sources)
    if len(sources) != 1:
        listed = "".join(f"\n  {s.shown}" for s in sources[:20])
        more = f"\n  … and {len(sources) - 20} more" if len(sources) > 20 else ""
        raise UsageError(
            f"launch takes exactly one campaign, found {len(sources)} in "
            f"{' '.join(args.paths)}{':' if sources else ''}{listed}{more}\n"
            "launch each campaign on its own (e.g. mailcheck launch campaigns/black-friday)"
        )
    _refuse_a_test_send(sources[0])
    for test_send in beside:
        print(
            f"mailcheck: note: {test_send.shown} is a test send saved beside the campaign "
            f"{sources[0].shown}: not part of the launch (check it on its own: mailcheck check "
            f"{test_send.shown})",
            file=sys.stderr,
        )
    say_database(config)
    with open_store(config.db_url) as store:  # a database problem shows before any checking
        store.check_writable()
        # the last look before sending: a page that broke since the morning's check must not
        # pass on a cached answer (DNS answers within their TTL may still be reused)
        full = None
        if narrowed:
            # what --select/--ignore skip is still checked, as the configuration says (offline
            # when the launch is): its errors do not stop the gate, they become incidents
            unnarrowed = argparse.Namespace(**{**vars(args), "select": None, "ignore": None})
            full = run_checks(
                unnarrowed, config_from_args(unnarrowed), cached_links=False, sources=sources
            )
        # narrowed: the links were asked a moment ago, by the full check
        batch = run_checks(args, config, cached_links=full is not None, sources=sources)
        for checked in (batch, full):
            if checked is not None and len(checked.results) != 1:  # the sources changed
                raise UsageError(f"launch takes exactly one campaign, found {len(checked.results)}")
        result = batch.results[0]
        skipped: list[Finding] = []
        if full is not None:
            gate = campaign_config(result.campaign, config)
            skipped = [
                f
                for f in full.results[0].findings
                if f.severity is Severity.ERROR and not gate.selects(f.code)
            ]
        _warn_if_local_send_at(result.campaign)
        attempt = build_attempt(
            result,
            batch.facts,
            client=args.client,
            force=args.force,
            reason=f"{reason} [{narrowed}]" if narrowed else reason or None,
            narrowed=narrowed,
            by=launched_by(args.by, os.environ),
            job=ci_job(os.environ),
            now=now(),
            relaunch=args.relaunch,
            retry=ci_retry(os.environ),
            offline=batch.offline,
            skipped=skipped,
        )
        # the same files launched before for the client are the same send, whatever
        # --select/--ignore either launch gave: the findings are the same
        sent = store.last_launched(
            attempt.client, attempt.campaign, attempt.source_hash or attempt.content_hash
        )
        # a retry of a launch is "already launched" only when it would be launched again: the
        # same content checked with other results (a link broken since) is refused
        before = None if attempt.status == "refused" else sent
        # refused, but these files went out already with the errors the gate knew of (forced,
        # or past checks skipped): those errors are that launch's incidents, never caught
        # before launch; nothing is recorded
        went_out = (
            sent
            if attempt.status == "refused" and sent is not None and sent.sent_with_errors
            else None
        )
        resend_of: int | None = None
        first_of_relaunch = attempt.relaunch and attempt.status == "launched" and before is None
        if first_of_relaunch:
            # nothing of this content went out before: an ordinary first launch (listed as
            # one), not a second send; keyed by the CI job, which retried finds it
            attempt = replace(attempt, relaunch=False, relaunch_asked=True)
        elif attempt.relaunch and before is not None:
            resend_of = before.id
            before = None  # a real second send: recorded (a retried CI job once)
        if went_out is not None:
            row, fresh = went_out, False
        elif before is not None:
            row, fresh = before, False
        else:
            row, fresh = store.record_decision(attempt)
        # the same files refused before with other --select/--ignore: the same refusal in
        # the KPI, whose caught defects count once
        refused_as = (
            store.first_refused(
                attempt.client, attempt.campaign, attempt.source_hash or attempt.content_hash
            )
            if fresh and row.status == "refused"
            else None
        )
        if refused_as is not None and refused_as.id == row.id:
            refused_as = None
    if first_of_relaunch and fresh:
        # said once it is so: a parallel retry that recorded it first makes this one "already
        # launched", and nothing was recorded here
        print(
            "mailcheck: note: --relaunch: this content of the campaign was never launched "
            "before; recorded as its first launch",
            file=sys.stderr,
        )
    if args.format == "json":
        shown = as_json(row, result, fresh=fresh, skipped=skipped, sent_as=went_out is not None)
        text = json.dumps(shown, ensure_ascii=False, indent=2) + "\n"
    else:
        colour = use_colour(args.output)
        text = as_text(
            row,
            result,
            colour,
            fresh=fresh,
            language=config.report.language,
            skipped=skipped,
            narrowed=narrowed,
            offline=batch.offline,
            relaunch=args.relaunch,
            in_ci=attempt.ci_retry is not None,
            sent_as=went_out is not None,
            resend_of=resend_of if fresh else None,
            refused_as=refused_as,
        )
    write_output(text, args.output)
    return 1 if row.status == "refused" or went_out is not None else 0
