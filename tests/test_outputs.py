"""Machine outputs for CI: SARIF 2.1.0, JUnit XML, GitHub Actions annotations."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from mailcheck.reports import render
from mailcheck.reports.github import escape_data, escape_property

from mailcheck.model import Campaign, CampaignResult, Finding, Severity

E, W = Severity.ERROR, Severity.WARNING


def _results() -> list[CampaignResult]:
    bf = Campaign(
        id="acme-bf", source="campaigns/чёрная-пятница/campaign.toml", kind="toml", client="acme"
    )
    eml = Campaign(id="promo", source="sends/promo.eml", kind="eml", client="beta")
    clean = Campaign(id="ok", source="ok.html", kind="html")
    return [
        CampaignResult(
            bf,
            [
                Finding(
                    "SUB002", "subject-too-long", E, "subject is 63 characters (max 50)", "subject"
                ),
                Finding(
                    "LNK001",
                    "link-broken",
                    E,
                    "404 Not Found, 100% broken: <a>",
                    "email.html:12",
                    "https://acme.example/sale?utm_source=email",
                ),
                Finding("IMG001", "image-without-alt", W, "image has no alt", "line 40"),
                Finding("INP001", "input-unreadable", E, "bad, really: bad\nsecond line"),
            ],
        ),
        CampaignResult(eml, [Finding("PRE001", "preheader-missing", W, "Нет прехедера")]),
        CampaignResult(clean, []),
    ]


# --- SARIF -----------------------------------------------------------------------------------

# The parts of the SARIF 2.1.0 schema that code-scanning consumers rely on, written down by
# hand from the OASIS specification (no download): a minimal JSON-Schema subset.
_MESSAGE = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
_REGION = {
    "type": "object",
    "properties": {"startLine": {"type": "integer", "minimum": 1}},
}
_ARTIFACT_LOCATION = {
    "type": "object",
    "required": ["uri"],
    "properties": {
        "uri": {"type": "string", "pattern": r"^[^\s\\]+$"},
        "uriBaseId": {"type": "string"},
        "index": {"type": "integer", "minimum": 0},
    },
}
_RULE = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "shortDescription": _MESSAGE,
        "fullDescription": _MESSAGE,
        "help": {
            "type": "object",
            "properties": {"text": {"type": "string"}, "markdown": {"type": "string"}},
        },
        "defaultConfiguration": {
            "type": "object",
            "properties": {"level": {"enum": ["none", "note", "warning", "error"]}},
        },
    },
}
_RESULT = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "ruleId": {"type": "string"},
        "ruleIndex": {"type": "integer", "minimum": 0},
        "level": {"enum": ["none", "note", "warning", "error"]},
        "message": _MESSAGE,
        "locations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "physicalLocation": {
                        "type": "object",
                        "properties": {"artifactLocation": _ARTIFACT_LOCATION, "region": _REGION},
                    }
                },
            },
        },
        "partialFingerprints": {"type": "object", "additional": {"type": "string"}},
    },
}
SARIF_SCHEMA = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "rules": {"type": "array", "items": _RULE},
                                },
                            }
                        },
                    },
                    "results": {"type": "array", "items": _RESULT},
                },
            },
        },
    },
}

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "boolean": bool,
}


def validate(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Errors of ``value`` against the schema subset above (type, required, enum, …)."""
    errors: list[str] = []
    expected = schema.get("type")
    if expected and not isinstance(value, _TYPES[expected]):
        return [f"{where}: expected {expected}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{where}: {value} < {schema['minimum']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        errors += [f"{where}: missing {k}" for k in schema.get("required", []) if k not in value]
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                errors += validate(value[key], sub, f"{where}.{key}")
        if "additional" in schema:
            for key, item in value.items():
                errors += validate(item, schema["additional"], f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += validate(item, schema["items"], f"{where}[{i}]")
    return errors


def test_schema_validator_catches_mistakes() -> None:
    bad = {"version": "2.0", "runs": [{"tool": {"driver": {}}, "results": [{"level": "fatal"}]}]}
    errors = validate(bad, SARIF_SCHEMA)
    assert any("2.0" in e for e in errors)
    assert any("missing name" in e for e in errors)
    assert any("missing message" in e for e in errors)
    assert any("fatal" in e for e in errors)


def test_sarif_is_valid_and_complete() -> None:
    data = json.loads(render("sarif", _results()))
    assert validate(data, SARIF_SCHEMA) == []
    assert len(data["runs"]) == 1
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == ["SUB002", "LNK001", "IMG001", "INP001", "PRE001"]  # each once, in order
    results = run["results"]
    assert len(results) == 5
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    by_code = {r["ruleId"]: r for r in results}
    assert by_code["SUB002"]["level"] == "error"
    assert by_code["IMG001"]["level"] == "warning"


def test_sarif_rule_metadata_comes_from_the_registry() -> None:
    data = json.loads(render("sarif", _results()))
    rules = {r["id"]: r for r in data["runs"][0]["tool"]["driver"]["rules"]}
    inp = rules["INP001"]
    assert inp["name"] == "input-unreadable"
    assert inp["shortDescription"]["text"].startswith("Reports an input that cannot be read")
    assert "## How to fix" in inp["help"]["markdown"]
    assert inp["defaultConfiguration"]["level"] == "error"
    assert "helpUri" not in inp  # no network: the help travels with the file


def test_sarif_locations_are_repo_relative_with_lines() -> None:
    data = json.loads(render("sarif", _results()))
    by_code = {r["ruleId"]: r for r in data["runs"][0]["results"]}

    def where(code: str) -> dict[str, Any]:
        loc: dict[str, Any] = by_code[code]["locations"][0]["physicalLocation"]
        return loc

    lnk = where("LNK001")
    # the HTML next to campaign.toml, percent-encoded Cyrillic, relative to the repo root
    assert lnk["artifactLocation"]["uri"] == (
        "campaigns/%D1%87%D1%91%D1%80%D0%BD%D0%B0%D1%8F-%D0%BF%D1%8F%D1%82%D0%BD%D0%B8%D1%86%D0%B0"
        "/email.html"
    )
    assert lnk["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert lnk["region"] == {"startLine": 12}
    assert where("IMG001")["region"] == {"startLine": 40}
    assert "region" not in where("SUB002")
    assert where("PRE001")["artifactLocation"]["uri"] == "sends/promo.eml"


def test_sarif_points_at_a_bare_htmls_text_part_beside_it() -> None:
    c = Campaign(id="content", source="templates/welcome/content.html", kind="html")
    c.text_file = "content.txt"
    unread = Campaign(id="promo", source="templates/promo/promo.html", kind="html")
    unread.files_unread.append(("promo.txt", "text file 'promo.txt' is binary data"))
    findings = [
        Finding(
            "PER001",
            "p",
            E,
            "“name” has no fallback",
            "content.html:4",
            locations=("content.html:4", "content.txt:6"),
        ),
        Finding("TXT002", "t", W, "wrapped", "content.txt:9"),
    ]
    results = [
        CampaignResult(c, findings),
        CampaignResult(unread, [Finding("INP001", "i", E, "binary", "promo.txt")]),
    ]
    data = json.loads(render("sarif", results))
    spots = [
        (
            loc["physicalLocation"]["artifactLocation"]["uri"],
            loc["physicalLocation"].get("region", {}).get("startLine"),
        )
        for r in data["runs"][0]["results"]
        for loc in r["locations"]
    ]
    assert spots == [
        ("templates/welcome/content.html", 4),
        ("templates/welcome/content.txt", 6),
        ("templates/welcome/content.txt", 9),
        ("templates/promo/promo.txt", None),
    ]


def test_sarif_absolute_source_inside_cwd_becomes_relative(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    c = Campaign(id="x", source=str(tmp_path / "a" / "x.html"), kind="html")
    data = json.loads(render("sarif", [CampaignResult(c, [Finding("SUB001", "s", E, "no")])]))
    uri = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "a/x.html"


def test_sarif_fingerprints_are_stable_across_message_changes() -> None:
    first = json.loads(render("sarif", _results()))["runs"][0]["results"]
    changed = _results()
    old = changed[0].findings[0]
    changed[0].findings[0] = Finding(
        old.code, old.rule, old.severity, "subject is 71 characters (max 50)", old.location
    )
    second = json.loads(render("sarif", changed))["runs"][0]["results"]
    fp1 = [r["partialFingerprints"] for r in first]
    fp2 = [r["partialFingerprints"] for r in second]
    assert fp1 == fp2
    assert len({json.dumps(fp) for fp in fp1}) == len(fp1)  # distinct problems stay distinct


def test_sarif_empty_run() -> None:
    data = json.loads(render("sarif", []))
    assert validate(data, SARIF_SCHEMA) == []
    assert data["runs"][0]["results"] == []


# --- JUnit -----------------------------------------------------------------------------------


def test_junit_one_suite_one_case_per_campaign() -> None:
    xml = render("junit", _results())
    root = ET.fromstring(xml.encode("utf-8"))
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    assert suite.get("tests") == "3" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "campaigns/чёрная-пятница/campaign.toml",
        "sends/promo.eml",
        "ok.html",
    ]
    failure = cases[0].find("failure")
    assert failure is not None
    assert "SUB002" in (failure.text or "") and "LNK001" in (failure.text or "")
    assert "IMG001" not in (failure.text or "")  # warnings do not fail
    out = cases[0].find("system-out")
    assert out is not None and "IMG001" in (out.text or "")
    assert cases[1].find("failure") is None
    assert "Нет прехедера" in (cases[1].findtext("system-out") or "")
    assert cases[2].find("failure") is None and cases[2].find("system-out") is None


def test_junit_strict_fails_the_cases_with_warnings() -> None:
    # --strict exits 1 on warnings: the report said failures="0", green on a failed job (QA probe)
    root = ET.fromstring(render("junit", _results(), strict=True).encode("utf-8"))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "2" and root.get("failures") == "2"
    cases = suite.findall("testcase")
    bf = cases[0].find("failure")
    assert bf is not None
    assert bf.get("message") == "3 errors, 1 warning (--strict): SUB002, LNK001, INP001, IMG001"
    assert "IMG001" in (bf.text or "") and cases[0].find("system-out") is None
    promo = cases[1].find("failure")
    assert promo is not None and promo.get("message") == "0 errors, 1 warning (--strict): PRE001"
    assert "Нет прехедера" in (promo.text or "") and cases[1].find("system-out") is None
    assert cases[2].find("failure") is None
    # --quiet lists no warning where it does not fail, but one that fails a case is its reason
    quiet = ET.fromstring(render("junit", _results(), quiet=True).encode("utf-8"))
    assert quiet.findall(".//system-out") == [] and quiet.get("failures") == "1"
    quiet_strict = ET.fromstring(render("junit", _results(), strict=True, quiet=True).encode())
    assert quiet_strict.get("failures") == "2"
    assert "PRE001" in (quiet_strict.findtext("testsuite/testcase[2]/failure") or "")


def test_junit_survives_hostile_text() -> None:
    c = Campaign(id="x", source="x.html", kind="html")
    nasty = 'a <b> & "c" ]]> \x00\x1b[31m'
    xml = render("junit", [CampaignResult(c, [Finding("SUB002", "s", E, nasty)])])
    failure = ET.fromstring(xml.encode("utf-8")).find("testsuite/testcase/failure")
    assert failure is not None
    assert 'a <b> & "c" ]]>' in (failure.text or "")


# --- GitHub ----------------------------------------------------------------------------------


def test_github_escaping_follows_the_toolkit() -> None:
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_annotations() -> None:
    lines = render("github", _results()).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == 5
    lnk = next(a for a in annotations if "title=LNK001" in a)
    assert lnk.startswith("::error file=campaigns/чёрная-пятница/email.html,line=12,title=LNK001::")
    assert "100%25 broken" in lnk
    inp = next(a for a in annotations if "title=INP001" in a)
    assert "bad, really: bad%0Asecond line" in inp  # message keeps , and : (data, not property)
    assert "\n" not in inp
    img = next(a for a in annotations if "title=IMG001" in a)
    assert img.startswith("::warning file=campaigns/чёрная-пятница/campaign.toml,line=40,")
    sub = next(a for a in annotations if "title=SUB002" in a)
    assert ",line=" not in sub
    assert lines[-1].startswith("mailcheck: 3 campaigns checked: 1 with errors; 3 errors")


def test_github_quiet_annotates_errors_and_counts_warnings() -> None:
    lines = render("github", _results(), quiet=True).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == 3 and all(a.startswith("::error ") for a in annotations)
    assert lines[-1] == "mailcheck: 3 campaigns checked: 1 with errors; 3 errors, 2 warnings."


def test_github_annotation_is_at_the_first_place_with_a_line() -> None:
    # PER001 in the subject and at email.html:3: the annotation had no line at all (a QA probe)
    c = Campaign(id="bf", source="campaigns/bf/campaign.toml", kind="toml")
    per001 = Finding("PER001", "v", E, "“first_name” has no fallback or guard",
                     locations=("subject", "email.html:3", "email.html:7"))  # fmt: skip
    [annotation, _] = render("github", [CampaignResult(c, [per001])]).splitlines()
    assert annotation.startswith("::error file=campaigns/bf/email.html,line=3,title=PER001::")
    assert "subject, email.html:3, 7: " in annotation  # the message still names every place


def test_github_property_with_comma_and_colon_is_escaped() -> None:
    c = Campaign(id="x", source="a,b:c.html", kind="html")
    out = render("github", [CampaignResult(c, [Finding("SUB001", "s", E, "no subject")])])
    assert out.startswith("::error file=a%2Cb%3Ac.html,title=SUB001::")


# --- pre-commit ------------------------------------------------------------------------------


def test_pre_commit_hooks_file() -> None:
    from pathlib import Path

    import yaml

    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    by_id = {h["id"]: h for h in hooks}
    assert set(by_id) == {"mailcheck", "mailcheck-network"}
    for hook in hooks:
        assert hook["entry"] == "mailcheck check"
        assert hook["pass_filenames"] is False  # a campaign directory is one unit
        files = re.compile(hook["files"])
        for path in (
            "campaigns/bf/campaign.toml",
            "sends/a.eml",
            "x/email.html",
            "y.htm",
            "campaigns/bf/recipients.csv",
        ):
            assert files.search(path), path
        for path in ("setup.py", "campaign.toml.bak", "README.md"):
            assert not files.search(path), path
    assert "--offline" in by_id["mailcheck"]["args"]


# --- through the CLI, end to end ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github"])
def test_check_formats_end_to_end(
    fmt: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mailcheck.cli import main
    from tests.helpers import write_campaign

    monkeypatch.chdir(tmp_path)
    write_campaign(tmp_path / "campaigns", "ok")
    write_campaign(
        tmp_path / "campaigns",
        "long",
        subject="Чёрная пятница в ACME: скидки до 70% на всю зимнюю коллекцию и шапки",
    )
    assert main(["check", "--offline", "--format", fmt, "campaigns"]) == 1
    out = capsys.readouterr().out
    if fmt == "sarif":
        data = json.loads(out)
        assert validate(data, SARIF_SCHEMA) == []
        uris = {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in data["runs"][0]["results"]
            if r["ruleId"] == "SUB002"
        }
        assert uris == {"campaigns/long/campaign.toml"}
    elif fmt == "junit":
        suite = ET.fromstring(out.encode()).find("testsuite")
        assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    else:
        assert "::error file=campaigns/long/campaign.toml,title=SUB002::" in out
