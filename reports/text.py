"""Human-readable output, grouped by campaign; colour only when asked (on a terminal)."""

from __future__ import annotations

from mailcheck.reports.locations import compact

from mailcheck.i18n import DEFAULT_LANGUAGE, translate, translations
from mailcheck.inert import inert
from mailcheck.model import CampaignResult, Finding, Severity

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "ok": "\033[32m", "bold": "\033[1m"}
_RESET = "\033[0m"


def _paint(text: str, what: str, colour: bool) -> str:
    return f"{_COLOURS[what]}{text}{_RESET}" if colour else text


def format_finding(f: Finding, colour: bool = False, language: str = DEFAULT_LANGUAGE) -> str:
    sev = _paint(f"{f.severity.value:<7}", f.severity.value, colour)
    where = said_places(f, language)
    where = f"{where}: " if where else ""
    # which link a finding is about matters more than anything else on the line
    url = f" — {f.url}" if f.url and f.url not in f.message else ""
    message = translate(f.message, translations(language))
    # campaign text (a subject, a URL, a file name) never writes a raw newline or ESC: in a
    # CI log a line of its own starting "::error::" would be a workflow command
    return f"  {sev} {inert(f.code):<8} {inert(f'{where}{message}{url}')}"


def said_places(f: Finding, language: str = DEFAULT_LANGUAGE) -> str:
    """Where a finding is, as its line says it: its places compacted, the parts of a campaign
    ("subject", "preheader") in the reader's language; "" for a finding with no place."""
    return compact(_shown_places(f), translations(language)) if f.places else ""


def _shown_places(f: Finding) -> tuple[str, ...]:
    """The places a finding's line starts with: a message that names each place's line
    ("… (line 12, 40)") gets the files (or parts) alone, not the same lines twice."""
    if not f.lines_said:
        return f.places
    return tuple(dict.fromkeys(_without_line(place) for place in f.places))


def _without_line(place: str) -> str:
    name, colon, line = place.rpartition(":")
    return name if colon and name and line.isdigit() else place


def said_counts(errors: int, warnings: int, language: str) -> str:
    """ "3 errors, 1 warning" in the reader's language (its plural forms)."""
    return f"{said_errors(errors, language)}, {said_warnings(warnings, language)}"


def said_errors(n: int, language: str) -> str:
    """ "1 error", "3 errors" in the reader's language (Russian's three forms)."""
    return translations(language).ngettext("%(n)s error", "%(n)s errors", n) % {"n": n}


def said_warnings(n: int, language: str) -> str:
    """ "1 warning", "3 warnings" in the reader's language (Russian's three forms)."""
    return translations(language).ngettext("%(n)s warning", "%(n)s warnings", n) % {"n": n}


def format_campaign(
    r: CampaignResult, colour: bool = False, language: str = DEFAULT_LANGUAGE
) -> str:
    tr = translations(language)
    c = r.campaign
    head = _paint(inert(c.source), "bold", colour)
    if r.ok and not r.findings:
        status = _paint(tr.gettext("ok"), "ok", colour)
    else:
        status = said_counts(r.errors, r.warnings, language)
    client = tr.gettext("client %(client)s") % {"client": inert(c.client)}
    # a text part nothing named, found beside the HTML under its stem: said where it came from
    if c.text_paired and c.text_file:
        client += ", " + tr.gettext("text part %(file)s") % {"file": inert(c.text_file)}
    lines = [f"{head}  [{inert(c.id)}, {client}]  {status}"]
    order = sorted(r.findings, key=lambda f: (f.severity is not Severity.ERROR, f.code))
    lines += [format_finding(f, colour, language) for f in order]
    return "\n".join(lines)


def campaign_language(r: CampaignResult, language: str) -> str:
    """The language of a campaign's findings: its own config's ``[report] language`` (the
    closest config above it; ``--lang`` sets it in every config), else the run's
    ``language``, which the run's own lines (the summary) speak."""
    own = r.campaign.base_config
    return own.report.language if own is not None else language


def render(
    results: list[CampaignResult], *, colour: bool = False, language: str = DEFAULT_LANGUAGE
) -> str:
    blocks = [format_campaign(r, colour, campaign_language(r, language)) for r in results]
    return "\n\n".join([*blocks, _paint(summary(results, language), "bold", colour)]) + "\n"


def summary(results: list[CampaignResult], language: str) -> str:
    """The run's last line: "3 campaigns checked: 1 with errors; 2 errors, 1 warning." (the
    GitHub output's summary too, in English)."""
    tr = translations(language)
    if not results:
        return tr.gettext("no campaigns found (looked for campaign.toml, *.eml, *.html, *.htm).")
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    failed = sum(not r.ok for r in results)
    with_errors = tr.gettext("%(n)s with errors") % {"n": failed}
    skipped = sum(r.skipped for r in results)
    return f"{said_checked(len(results), language, skipped)}: {with_errors}; " + (
        f"{said_counts(errors, warnings, language)}."
    )


def said_checked(campaigns: int, language: str, skipped: int = 0) -> str:
    """ "4 campaigns checked" in the reader's language, of ``campaigns`` inputs of which
    ``skipped`` were found and not read (INP002): "3 campaigns checked, 1 skipped (not read)"."""
    tr = translations(language)
    checked = campaigns - skipped
    said = tr.ngettext("%(n)s campaign checked", "%(n)s campaigns checked", checked) % {
        "n": checked
    }
    if not skipped:
        return said
    return (
        said
        + ", "
        + tr.ngettext(
            "%(n)s skipped (not read: INP002)", "%(n)s skipped (not read: INP002)", skipped
        )
        % {"n": skipped}
    )


def render_errors(
    results: list[CampaignResult], *, colour: bool = False, language: str = DEFAULT_LANGUAGE
) -> str:
    """``--quiet``: only the campaigns with errors, only their errors; the summary counts all."""
    from dataclasses import replace

    failing = [
        replace(r, findings=[f for f in r.findings if f.severity is Severity.ERROR])
        for r in results
        if r.errors
    ]
    blocks = [format_campaign(r, colour, campaign_language(r, language)) for r in failing]
    return "\n\n".join([*blocks, _paint(summary(results, language), "bold", colour)]) + "\n"
