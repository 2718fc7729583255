"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

One run; the driver lists each rule that has a result once, with the rule code as its stable
id; every result points at the campaign's file (repo-relative URI) and, when the finding knows
it, a line. ``partialFingerprints`` hash what identifies a problem (code, file, location,
URL) and never the message, whose numbers change from run to run ("63 characters"), so the
same problem is one alert across runs rather than a new one each time.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from mailcheck.reports import listed
from mailcheck.reports.locations import compact, finding_file_line, place_file_line

from mailcheck import __version__
from mailcheck.model import CampaignResult, Finding, Severity
from mailcheck.registry import load_registry

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "mailcheck/v1"


def fingerprint(finding: Finding, path: str) -> str:
    parts = [finding.code, path, finding.location or "", finding.url or ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _rule_descriptor(code: str, name: str, severity: Severity) -> dict[str, object]:
    registered = load_registry().get(code)
    descriptor: dict[str, object] = {"id": code, "name": registered.name if registered else name}
    if registered is not None:
        descriptor["shortDescription"] = {"text": registered.summary or registered.name}
        if registered.doc:
            descriptor["fullDescription"] = {"text": registered.summary or registered.name}
            descriptor["help"] = {
                "text": registered.doc,
                "markdown": f"# {code} {registered.name}\n\n{registered.doc}",
            }
        default = registered.severity
    else:
        descriptor["shortDescription"] = {"text": name}
        default = severity
    descriptor["defaultConfiguration"] = {"level": _level(default)}
    return descriptor


def _physical(path: str, line: int | None, artifacts: dict[str, int]) -> dict[str, object]:
    uri = path if path.startswith("/") else quote(path, safe="/")
    if path.startswith("/"):
        uri = "file://" + quote(path, safe="/")
    artifacts.setdefault(uri, len(artifacts))
    physical: dict[str, object] = {"artifactLocation": {"uri": uri, "index": artifacts[uri]}}
    if not uri.startswith("file://"):
        physical["artifactLocation"] = {
            "uri": uri,
            "uriBaseId": "%SRCROOT%",
            "index": artifacts[uri],
        }
    if line:
        physical["region"] = {"startLine": line}
    return physical


def as_dict(results: list[CampaignResult], *, quiet: bool = False) -> dict[str, object]:
    rules: list[dict[str, object]] = []
    rule_index: dict[str, int] = {}
    sarif_results: list[dict[str, object]] = []
    artifacts: dict[str, int] = {}
    for result in results:
        for f in listed(result, quiet):
            if f.code not in rule_index:
                rule_index[f.code] = len(rules)
                rules.append(_rule_descriptor(f.code, f.rule, f.severity))
            path, _ = finding_file_line(result.campaign, f)
            # one result per root cause, with a location for each place it shows
            places = f.places or ("",)
            spots = dict.fromkeys(place_file_line(result.campaign, p) for p in places)
            locations = [
                {"physicalLocation": _physical(spot_path, line, artifacts)}
                for spot_path, line in spots
            ]
            text = f.message
            if f.places:
                text = f"{compact(f.places)}: {text}"
            sarif_results.append(
                {
                    "ruleId": f.code,
                    "ruleIndex": rule_index[f.code],
                    "level": _level(f.severity),
                    "message": {"text": text},
                    "locations": locations,
                    "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f, path)},
                    "properties": {
                        "campaign": result.campaign.id,
                        "client": result.campaign.client,
                        **({"url": f.url} if f.url else {}),
                    },
                }
            )
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mailcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "artifacts": [{"location": {"uri": uri}} for uri in artifacts],
                "results": sarif_results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render(
    results: list[CampaignResult],
    *,
    colour: bool = False,
    strict: bool = False,
    quiet: bool = False,
) -> str:
    # SARIF has results, not a verdict: --strict changes no level (the exit code fails the run)
    return json.dumps(as_dict(results, quiet=quiet), ensure_ascii=False, indent=2) + "\n"
