"""JUnit XML: one testsuite, one testcase per campaign (Jenkins, GitLab, Azure DevOps).

A campaign with errors is a failed test case whose failure text lists the errors as the text
output prints them; warnings go to ``system-out`` so they are visible without failing. Under
``--strict`` warnings fail the run, so they fail their test case too (listed in the failure,
``--quiet`` or not: a failed case says why); a report that is green on a failed job is wrong.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from mailcheck.reports.text import format_finding, said_errors, said_warnings

from mailcheck.i18n import DEFAULT_LANGUAGE
from mailcheck.model import CampaignResult, Severity

# Characters XML 1.0 cannot carry at all, even escaped; campaign text is untrusted input.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(
    results: list[CampaignResult],
    *,
    colour: bool = False,
    strict: bool = False,
    quiet: bool = False,
) -> str:
    failures = sum(not r.passed(strict) for r in results)
    suites = ET.Element(
        "testsuites", name="mailcheck", tests=str(len(results)), failures=str(failures)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="mailcheck",
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time="0",
    )
    for r in results:
        c = r.campaign
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_clean(f"mailcheck.{c.client}"),
            name=_clean(c.source),
            file=_clean(c.source),
            time="0",
        )
        errors = [f for f in r.findings if f.severity is Severity.ERROR]
        warnings = [f for f in r.findings if f.severity is not Severity.ERROR]
        failing, shown = (errors + warnings, []) if strict else (errors, warnings)
        if failing:
            counts = said_errors(len(errors), DEFAULT_LANGUAGE)
            if strict:
                counts += f", {said_warnings(len(warnings), DEFAULT_LANGUAGE)} (--strict)"
            failure = ET.SubElement(
                case,
                "failure",
                message=_clean(f"{counts}: {', '.join(f.code for f in failing)}"),
                type="mailcheck",
            )
            failure.text = _clean("\n".join(format_finding(f) for f in failing))
        if shown and not quiet:
            out = ET.SubElement(case, "system-out")
            out.text = _clean("\n".join(format_finding(f) for f in shown))
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
