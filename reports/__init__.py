"""Output writers: one module per format, each with ``render(results, colour=...) -> str``.

The machine formats also take ``strict`` and ``quiet``: they are given every finding and say
the run's verdict as the exit code does (``--strict``: warnings fail a campaign), while
``--quiet`` only leaves the warnings out of what is listed, never out of what is counted.
"""

from __future__ import annotations

import importlib

from mailcheck.model import CampaignResult, Finding, Severity

WRITERS = {
    "text": "mailcheck.reports.text",
    "json": "mailcheck.reports.jsonout",
    "sarif": "mailcheck.reports.sarif",
    "junit": "mailcheck.reports.junit",
    "github": "mailcheck.reports.github",
}


def render(
    fmt: str,
    results: list[CampaignResult],
    *,
    colour: bool = False,
    language: str = "en",
    strict: bool = False,
    quiet: bool = False,
) -> str:
    module = importlib.import_module(WRITERS[fmt])
    # only the text output speaks the report's language; the machine formats stay English
    if fmt == "text":
        write = module.render_errors if quiet else module.render
        said: str = write(results, colour=colour, language=language)
        return said
    text: str = module.render(results, colour=colour, strict=strict, quiet=quiet)
    return text


def listed(result: CampaignResult, quiet: bool) -> list[Finding]:
    """The findings a writer lists: ``--quiet`` lists the errors only."""
    if not quiet:
        return result.findings
    return [f for f in result.findings if f.severity is Severity.ERROR]
