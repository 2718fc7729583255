"""``mailcheck check --statistics``: how many findings each rule has, most frequent first.

A 200-campaign batch can hold 5 errors under 1,200 LNK004 warnings; the counts show what is
there before anyone reads the findings (as ``ruff check --statistics``).
"""

from __future__ import annotations

import json
from collections import Counter

from mailcheck.i18n import DEFAULT_LANGUAGE, translations
from mailcheck.model import CampaignResult, Severity


def counts(results: list[CampaignResult]) -> list[dict[str, object]]:
    """One row per (code, severity): the number of findings and of campaigns with one."""
    findings: Counter[tuple[str, str, Severity]] = Counter()
    campaigns: Counter[tuple[str, str, Severity]] = Counter()
    for r in results:
        seen = set()
        for f in r.findings:
            key = (f.code, f.rule, f.severity)
            findings[key] += 1
            seen.add(key)
        campaigns.update(seen)
    order = sorted(findings, key=lambda k: (k[2] is not Severity.ERROR, -findings[k], k[0]))
    return [
        {
            "code": code,
            "rule": rule,
            "severity": severity.value,
            "count": findings[(code, rule, severity)],
            "campaigns": campaigns[(code, rule, severity)],
        }
        for code, rule, severity in order
    ]


def render_statistics(
    results: list[CampaignResult],
    *,
    fmt: str,
    colour: bool = False,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    rows = counts(results)
    if fmt == "json":
        data = {"version": 1, "statistics": rows, "campaigns": len(results)}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    from mailcheck.reports.text import _paint, said_checked, said_counts

    tr = translations(language)
    width = max((len(str(r["count"])) for r in rows), default=1)
    lines = [
        f"{r['count']:>{width}}  {r['code']:<9}"
        f"{_paint(str(r['severity']).ljust(8), str(r['severity']), colour)}"
        f"{r['rule']}  "
        + tr.ngettext("(in %(n)s campaign)", "(in %(n)s campaigns)", int(str(r["campaigns"])))
        % {"n": r["campaigns"]}
        for r in rows
    ]
    errors = sum(int(str(r["count"])) for r in rows if r["severity"] == "error")
    warnings = sum(int(str(r["count"])) for r in rows if r["severity"] == "warning")
    lines.append(
        f"{said_checked(len(results), language, sum(r.skipped for r in results))}: "
        f"{said_counts(errors, warnings, language)}."
    )
    return "\n".join(lines) + "\n"
