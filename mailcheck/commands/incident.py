"""``mailcheck incident add|list|resolve``: the log of problems found after sending."""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from datetime import tzinfo

from mailcheck.i18n import DEFAULT_LANGUAGE, N_, translations
from mailcheck.inert import inert
from mailcheck.owners import IMPACTS, LINK_CODES, OWNERS

HELP = "log, list and resolve incidents of launched campaigns"
DESCRIPTION = """\
Log a problem found after a campaign went out (a client's complaint, a link that died), list
incidents, and mark them resolved. Incidents feed `mailcheck kpi`: a launch with an incident of
severity error is not error-free, and the time to resolve is measured from detection.

  mailcheck incident add --launch 12 --code LNK001 --severity error --note "404 on the banner"
  mailcheck incident add --launch 12 --code LANDING-DOWN --severity error --owner client \\
      --note "the promo page answered 502 for two hours"
  mailcheck incident edit 7 --owner esp
  mailcheck incident list --client acme --open
  mailcheck incident resolve 7 --at 2026-11-21T15:00+03:00

Every incident has an owner: agency, client, esp or unknown. Without --owner it follows the
rule: a link ({link_codes}, with --url) on one of the configured
client-domains is the client's, authentication (SPF, DKIM, DMARC) the ESP's, the other rule
codes the agency's, your own codes unknown. The KPI's contract figure counts the agency's and
the not yet attributed (unknown) ones; `incident edit ID --owner` attributes them later.
Classes: critical (unsubscribing, the law, wrong recipients), major (other errors), minor
(warnings); --class overrides. See docs/incidents.md.

Times are ISO 8601; without an offset they are in the team's time zone ([launch] time-zone
in the configuration, e.g. "Europe/Moscow"), else this machine's. The database is `db` from the
configuration (or MAILCHECK_DB).

exit codes: 0 done, 2 usage error, unknown id, or a database that cannot be used""".format(
    link_codes=", ".join(sorted(LINK_CODES))
)

CODE_MAX = 32


def code_problem(code: str) -> str | None:
    """What is wrong with an incident code, or None. A code is a rule code or the team's own,
    in its own alphabet (``WRONG-PRICE``, ``ОШИБКА-ЦЕНЫ``): a letter, then letters, digits
    0-9, ``-`` and ``_``, up to 32 characters (NFC, as typed on any keyboard). A code mixing
    alphabets whose odd letters look like its own (``LNК001`` with a Cyrillic К) is a typo
    that would count as a code of its own."""
    from mailcheck.lookalikes import one_script

    allowed = (
        "use a letter (of any alphabet), then letters, digits 0-9, - and _, up to "
        f"{CODE_MAX} characters, e.g. LNK001, WRONG-PRICE or ОШИБКА-ЦЕНЫ"
    )
    if not code or len(code) > CODE_MAX:
        return f"{len(code)} characters: {allowed}"
    if not code[0].isalpha():
        return f"it starts with {code[0]!r}: {allowed}"
    odd = sorted({c for c in code if not (c.isalpha() or c in "0123456789-_")})
    if odd:
        shown = " ".join(f"{c!r} (U+{ord(c):04X})" for c in odd)
        return f"not allowed: {shown}: {allowed}"
    folded = one_script(code)
    if folded != code:
        return (
            f"it mixes alphabets, letters of one looking like the other's ({folded}?): write "
            "it in one alphabet"
        )
    return None


def configure(p: argparse.ArgumentParser) -> None:
    from mailcheck.commands.common import add_language_option, client_name

    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="log an incident of a launch")
    add.add_argument("--launch", type=int, required=True, metavar="ID", help="the launch id")
    add.add_argument(
        "--code",
        required=True,
        help="a rule code (LNK001 …) or your own in any alphabet (e.g. WRONG-PRICE): a letter, "
        "then letters, digits 0-9, - and _, up to 32 characters",
    )
    add.add_argument("--severity", required=True, choices=("error", "warning"))
    add.add_argument("--note", required=True, metavar="TEXT", help="what happened")
    add.add_argument("--detected-at", metavar="TIME", help="when it was found (default: now)")
    add.add_argument("--url", metavar="URL", help="the link concerned, if any")
    edit = sub.add_parser("edit", help="attribute (--owner) or re-class (--class) an incident")
    edit.add_argument("id", type=int, metavar="ID", help="the incident id")
    for each in (add, edit):
        each.add_argument(
            "--owner",
            choices=OWNERS,
            help="whose fault it is (default: by the code: a link on a client domain the "
            "client's, SPF/DKIM/DMARC the ESP's, other rule codes the agency's, your own codes "
            "unknown; `mailcheck incident --help` says more)",
        )
        each.add_argument(
            "--class",
            dest="impact",
            choices=IMPACTS,
            help="how bad (default: critical for unsubscribing, the law or wrong recipients, "
            "major for other errors, minor for warnings)",
        )
    lst = sub.add_parser("list", help="list incidents, oldest first")
    lst.add_argument("--client", metavar="C", type=client_name, help="only this client's")
    lst.add_argument("--open", action="store_true", help="only unresolved incidents")
    res = sub.add_parser("resolve", help="mark an incident resolved")
    res.add_argument("id", type=int, metavar="ID", help="the incident id")
    res.add_argument("--at", metavar="TIME", help="when it was resolved (default: now)")
    for each in (add, edit, lst, res):
        each.add_argument(
            "--format", choices=("text", "json"), default="text", help="output format (text)"
        )
        # also accepted after the action; SUPPRESS keeps a value given before it
        each.add_argument(
            "--config",
            metavar="FILE",
            default=argparse.SUPPRESS,
            help="use this mailcheck.toml or pyproject.toml (its db: the incident log)",
        )
        add_language_option(each)


def _time(value: str | None, flag: str, zone: tzinfo | None = None) -> object:
    from mailcheck.config import ConfigError
    from mailcheck.store.records import parse_time

    if value is None:
        return None
    try:
        return parse_time(value, zone)
    except ValueError as exc:
        raise ConfigError(f"{flag}: {exc}") from None


def format_table(rows: list[dict[str, object]], language: str = DEFAULT_LANGUAGE) -> str:
    """The incidents as the agency reads them, in its report language (the JSON keeps codes)."""
    tr = translations(language)
    if not rows:
        return tr.gettext(N_("no incidents.")) + "\n"
    # the stored values (JSON keeps them) in the report language: --severity's and the source's
    severities = {"error": tr.gettext(N_("error")), "warning": tr.gettext(N_("warning"))}
    sources = {
        "launch": tr.pgettext("incident source", "launch"),
        "manual": tr.pgettext("incident source", "manual"),
        "monitor": tr.pgettext("incident source", "monitor"),
    }
    width = max(len(word) for word in severities.values())
    lines = []
    for r in rows:
        severity = severities.get(str(r["severity"]), str(r["severity"]))
        source = inert(sources.get(str(r["source"]), str(r["source"])))
        state = (
            tr.gettext(N_("resolved %(at)s")) % {"at": r["resolved_at"]}
            if r["resolved_at"]
            else tr.gettext(N_("OPEN"))
        )
        shown = {k: inert(str(v)) for k, v in r.items()}  # campaign text: never a raw ESC
        values = {
            "launch": f"{r['launch']:<5}",
            "detected": r["detected_at"],
            "owner": _owner(str(r["owner"]), str(r["class"]), language),
        }
        lines.append(
            f"#{r['id']:<5} "
            + tr.gettext(N_("launch %(launch)s")) % values
            + f" {shown['client']} / {shown['campaign']}\n"
            f"       {severity:<{width}} {shown['code']:<9} "
            + tr.gettext(N_("detected %(detected)s"))
            % values
            + f"  {state}  [{source}] {values['owner']}\n"
            f"       {shown['note']}"
        )
    count = len(rows)
    total = tr.ngettext("%(n)s incident.", "%(n)s incidents.", count) % {"n": count}
    return "\n".join(lines) + f"\n{total}\n"


def _owner(owner: str, impact: str, language: str) -> str:
    """ "owner esp, minor": in English the values `--owner`/`--class` take, in another language
    their words for one incident (the KPI's tables name the classes, plural)."""
    from mailcheck.commands.kpi import OWNER_NAMES

    tr = translations(language)
    if language != DEFAULT_LANGUAGE:
        owner = tr.gettext(OWNER_NAMES.get(owner, owner))
        one_incident = {
            "critical": tr.pgettext("one incident", "critical"),
            "major": tr.pgettext("one incident", "major"),
            "minor": tr.pgettext("one incident", "minor"),
        }
        impact = one_incident.get(impact, impact)
    return tr.gettext(N_("owner %(owner)s, %(class)s")) % {"owner": owner, "class": impact}


def _warn_if_misspelt(code: str) -> None:
    """A code written like a rule's (letters, then digits) that is none, but close to one
    (``LNK01``): recorded as the agency's own code, as asked, and said, since its owner and
    class then do not follow the rule's."""
    from mailcheck.registry import load_registry

    if not re.fullmatch(r"[A-Za-z]+\d+", code):
        return
    registry = load_registry()
    if code.upper() not in registry.rules:
        close = registry.closest(code)
        if close and close in registry.rules:
            print(
                f"mailcheck: warning: --code {code} is no rule code (did you mean {close}?): "
                "recorded as a code of your own",
                file=sys.stderr,
            )


def run(args: argparse.Namespace) -> int:
    from datetime import datetime

    from mailcheck.commands.common import config_from_args, say_database
    from mailcheck.store import NewIncident, open_store

    config = config_from_args(args)
    if args.action == "add":
        args.code = unicodedata.normalize("NFC", args.code)
        problem = code_problem(args.code)
        if problem is not None:
            print(f"mailcheck: error: --code {args.code!r}: {problem}", file=sys.stderr)
            return 2
    if args.action == "add" and not args.note.strip():
        print("mailcheck: error: --note: say what happened (it is empty)", file=sys.stderr)
        return 2
    if args.action == "add":
        _warn_if_misspelt(args.code)
    zone = config.launch.zone()  # the team's, for a time written without an offset
    detected = _time(getattr(args, "detected_at", None), "--detected-at", zone)
    resolved_at = _time(getattr(args, "at", None), "--at", zone)
    say_database(config)
    language = config.report.language
    say = translations(language).gettext
    with open_store(config.db_url, create=False, readonly=args.action == "list") as store:
        if args.action == "add":
            assert detected is None or isinstance(detected, datetime)
            row = store.add_incident(
                NewIncident(
                    launch_id=args.launch,
                    code=args.code.upper(),
                    severity=args.severity,
                    note=args.note,
                    source="manual",
                    url=args.url,
                    detected_at=detected,
                    owner=args.owner,
                    impact=args.impact,
                    client_domains=config.client_domains,
                )
            )
            rows = [row]
            message = say(
                N_("incident %(id)s logged for launch %(launch)s (%(campaign)s); %(owner)s")
            ) % {
                "id": row.id,
                "launch": row.launch_id,
                "campaign": inert(row.campaign),
                "owner": _owner(row.owner, row.impact_class, language),
            }
        elif args.action == "edit":
            if args.owner is None and args.impact is None:
                print(
                    "mailcheck: error: incident edit: give --owner and/or --class", file=sys.stderr
                )
                return 2
            row = store.edit_incident(args.id, owner=args.owner, impact=args.impact)
            rows = [row]
            message = say(N_("incident %(id)s: %(owner)s")) % {
                "id": row.id,
                "owner": _owner(row.owner, row.impact_class, language),
            }
        elif args.action == "resolve":
            assert resolved_at is None or isinstance(resolved_at, datetime)
            before = store.incident(args.id)
            row = store.resolve_incident(args.id, resolved_at)
            rows = [row]
            again = before is not None and before.resolved_at is not None
            message = (
                say(N_("incident %(id)s was already resolved at %(at)s"))
                if again
                else say(N_("incident %(id)s resolved at %(at)s"))
            ) % {"id": row.id, "at": row.to_json()["resolved_at"]}
        else:
            rows = store.incidents(client=args.client, open_only=args.open)
            message = ""
    data = [r.to_json() for r in rows]
    if args.format == "json":
        print(json.dumps({"version": 1, "incidents": data}, ensure_ascii=False, indent=2))
    elif message:
        sys.stdout.write(message + "\n")
    else:
        sys.stdout.write(format_table(data, language))
    return 0
