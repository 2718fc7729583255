"""GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per finding.

GitHub shows these inline on the pull request's changed files. The escaping follows the
Actions toolkit: in the message ``%``, CR and LF are percent-encoded; in a property value
also ``:`` and ``,`` (they separate properties).
"""

from __future__ import annotations

from mailcheck.reports import listed
from mailcheck.reports.locations import compact, first_line
from mailcheck.reports.text import summary

from mailcheck.i18n import DEFAULT_LANGUAGE
from mailcheck.inert import inert
from mailcheck.model import CampaignResult, Severity


def escape_data(text: str) -> str:
    # CR and LF percent-encoded as the toolkit does; any other control character (ESC …) is
    # shown escaped, never passed to the log
    return inert(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(
    results: list[CampaignResult],
    *,
    colour: bool = False,
    strict: bool = False,
    quiet: bool = False,
) -> str:
    # --strict changes no annotation's level (a warning stays one; the exit code fails the job)
    lines: list[str] = []
    for result in results:
        for f in listed(result, quiet):
            command = "error" if f.severity is Severity.ERROR else "warning"
            path, line = first_line(result.campaign, f)
            props = [f"file={escape_property(path)}"]
            if line:
                props.append(f"line={line}")
            props.append(f"title={escape_property(f.code)}")
            # one annotation per finding, at its first place; the message names them all
            where = f"{compact(f.places)}: " if f.places else ""
            url = f" ({f.url})" if f.url and f.url not in f.message else ""
            message = f"{where}{f.message}{url} [{f.rule}]"
            lines.append(f"::{command} {','.join(props)}::{escape_data(message)}")
    # the summary counts what --quiet does not annotate too: the text output's, in English
    lines.append(f"mailcheck: {summary(results, DEFAULT_LANGUAGE)}")
    return "\n".join(lines) + "\n"
