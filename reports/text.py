"""Human-readable output, grouped by campaign; colour only when asked (on a terminal)."""

from __future__ import annotations

from mailcheck.reports.locations import compact

from mailcheck.model import CampaignResult, Finding, Severity

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "ok": "\033[32m", "bold": "\033[1m"}
_RESET = "\033[0m"


def _paint(text: str, what: str, colour: bool) -> str:
    return f"{_COLOURS[what]}{text}{_RESET}" if colour else text


def format_finding(f: Finding, colour: bool = False) -> str:
    sev = _paint(f"{f.severity.value:<7}", f.severity.value, colour)
    where = f"{compact(f.places)}: " if f.places else ""
    # which link a finding is about matters more than anything else on the line
    url = f" — {f.url}" if f.url and f.url not in f.message else ""
    return f"  {sev} {f.code:<8} {where}{f.message}{url}"


def format_campaign(r: CampaignResult, colour: bool = False) -> str:
    c = r.campaign
    head = _paint(c.source, "bold", colour)
    if r.ok and not r.findings:
        status = _paint("ok", "ok", colour)
    else:
        status = f"{r.errors} error(s), {r.warnings} warning(s)"
    lines = [f"{head}  [{c.id}, client {c.client}]  {status}"]
    order = sorted(r.findings, key=lambda f: (f.severity is not Severity.ERROR, f.code))
    lines += [format_finding(f, colour) for f in order]
    return "\n".join(lines)


def render(results: list[CampaignResult], *, colour: bool = False) -> str:
    blocks = [format_campaign(r, colour) for r in results]
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    failed = sum(not r.ok for r in results)
    summary = (
        f"{len(results)} campaign(s) checked: {failed} with errors; "
        f"{errors} error(s), {warnings} warning(s)."
    )
    if not results:
        summary = "no campaigns found (looked for campaign.toml, *.eml, *.html, *.htm)."
    return "\n\n".join([*blocks, _paint(summary, "bold", colour)]) + "\n"
