"""Output writers: one module per format, each with ``render(results, colour=...) -> str``."""

from __future__ import annotations

import importlib

from mailcheck.model import CampaignResult

WRITERS = {
    "text": "mailcheck.reports.text",
    "json": "mailcheck.reports.jsonout",
    "sarif": "mailcheck.reports.sarif",
    "junit": "mailcheck.reports.junit",
    "github": "mailcheck.reports.github",
}


def render(
    fmt: str, results: list[CampaignResult], *, colour: bool = False, language: str = "en"
) -> str:
    module = importlib.import_module(WRITERS[fmt])
    # only the text output speaks the report's language; the machine formats stay English
    text: str = (
        module.render(results, colour=colour, language=language)
        if fmt == "text"
        else module.render(results, colour=colour)
    )
    return text
