"""``mailcheck domain --format html``: the monthly domain check as the client reads it.

One self-contained page (the QA report's base template, CSS and Content-Security-Policy), in
the report's language: per domain a verdict, then one line per item — SPF, DKIM, DMARC, MX,
MTA-STS, TLS-RPT, BIMI, each blocklist — and the records as found folded below, as in the QA
report's authentication section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from mailcheck.reports.html import (
    ITEM_STATES,
    AuthTable,
    auth_sections,
    environment,
    gettext_for,
    health_tables,
    logo_data_uri,
)

from mailcheck.config import Config
from mailcheck.i18n import format_moment, translate, translations
from mailcheck.model import Finding, Severity

# An item's verdict as the QA report's authentication lines mark it (✓ ! ✗ ?); "missing" is
# an optional record not published: neither good nor bad.
STATES = {"ok": "ok", "warning": "warn", "error": "bad", "unverified": "unknown", "missing": "none"}


class ItemLike(Protocol):
    item: str
    verdict: str
    detail: str


class ReportLike(Protocol):
    domain: str
    items: Sequence[ItemLike]
    findings: list[Finding]
    facts: object | None


@dataclass
class Line:
    item: str
    state: str  # ok | warn | bad | unknown | none
    verdict: str  # the verdict word, "ok" or "error", as the item's own word
    text: str


@dataclass
class DomainView:
    domain: str
    errors: int
    warnings: int
    lines: list[Line]
    tables: list[AuthTable]


def domain_views(reports: Sequence[ReportLike], language: str) -> list[DomainView]:
    tr = translations(language)
    views = []
    for report in reports:
        lines = [
            Line(
                i.item,
                ITEM_STATES.get(i.verdict, "unknown"),
                i.verdict,
                str(translate(i.detail, tr)),
            )
            for i in report.items
        ]
        tables = auth_sections(report.domain, report.facts, tr) if report.facts is not None else []
        views.append(
            DomainView(
                domain=report.domain,
                errors=sum(f.severity is Severity.ERROR for f in report.findings),
                warnings=sum(f.severity is Severity.WARNING for f in report.findings),
                lines=lines,
                tables=tables + health_tables(report.domain, report.facts, tr),
            )
        )
    return views


def render_domain_html(
    reports: Sequence[ReportLike],
    config: Config,
    *,
    language: str | None = None,
    generated: datetime | None = None,
) -> str:
    """The page for ``reports`` in ``language`` (default: the config's ``[report] language``)."""
    language = language or config.report.language
    views = domain_views(reports, language)
    logo, _problem = logo_data_uri(config.report.logo)
    _ = gettext_for(language)
    verdict_words = {
        "ok": _("ok"),
        "warning": _("warning"),
        "error": _("error"),
        "missing": _("not published"),
        "unverified": _("could not verify"),
    }
    return (
        environment(language)
        .get_template("domain.html")
        .render(
            domains=views,
            verdict_words=verdict_words,
            errors=sum(v.errors for v in views),
            warnings=sum(v.warnings for v in views),
            agency=config.report.agency,
            logo=logo,
            generated=format_moment(generated or datetime.now(UTC), language),
        )
    )
