"""Counts said in real plurals: "1 campaign checked", "2 errors", and Russian's three forms
("1 ошибка", "2 ошибки", "5 ошибок") — in the summary lines of every output and the launch
verdicts; never "campaign(s)"."""

from __future__ import annotations

import io
import re
import tokenize
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mailcheck.reports import render

from mailcheck.cli import main
from mailcheck.commands.launch import as_text
from mailcheck.model import Campaign, CampaignResult, Finding, Severity
from mailcheck.store.records import LaunchRow
from tests.helpers import write_campaign

ROOT = Path(__file__).resolve().parent.parent
LONG_SUBJECT = "Распродажа выходного дня: минус тридцать процентов на всё"  # 57: SUB002

# each campaign: SUB002 (its long subject) and A11Y001 (no lang on <html>)
SUMMARY = {
    ("en", 1): "1 campaign checked: 1 with errors; 1 error, 1 warning.",
    ("en", 2): "2 campaigns checked: 2 with errors; 2 errors, 2 warnings.",
    ("en", 5): "5 campaigns checked: 5 with errors; 5 errors, 5 warnings.",
    ("ru", 1): "проверена 1 кампания: из них с ошибками — 1; 1 ошибка, 1 предупреждение.",
    ("ru", 2): "проверено 2 кампании: из них с ошибками — 2; 2 ошибки, 2 предупреждения.",
    ("ru", 5): "проверено 5 кампаний: из них с ошибками — 5; 5 ошибок, 5 предупреждений.",
}


@pytest.fixture(scope="module")
def five(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("five")
    for i in range(5):
        write_campaign(root, f"c{i}", subject=LONG_SUBJECT)
    return root


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("n", [1, 2, 5])
def test_the_summary_says_its_counts_in_the_readers_plurals(
    five: Path,
    n: int,
    lang: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(five)
    names = [f"c{i}" for i in range(n)]
    assert main(["check", "--offline", "--lang", lang, *names]) == 1
    lines = capsys.readouterr().out.rstrip().splitlines()
    assert lines[-1] == SUMMARY[lang, n]
    # each campaign's head counts its own: one of each
    heads = [line for line in lines if line.startswith("c") and "[c" in line]
    one = {"en": "1 error, 1 warning", "ru": "1 ошибка, 1 предупреждение"}[lang]
    assert len(heads) == n and all(head.endswith(one) for head in heads), heads
    # the GitHub output's summary is the text output's, in English whatever --lang says
    assert main(["check", "--offline", "--lang", lang, "--format", "github", *names]) == 1
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last == "mailcheck: " + SUMMARY["en", n]


def _campaign_with(errors: int, warnings: int) -> CampaignResult:
    c = Campaign(id=f"c{errors}", source=f"c{errors}/campaign.toml", kind="toml", client="acme")
    found = [Finding("SUB002", "subject-too-long", Severity.ERROR, "long", "subject")] * errors
    found += [Finding("A11Y001", "no-lang", Severity.WARNING, "no lang", "email.html")] * warnings
    return CampaignResult(c, found)


@pytest.mark.parametrize(
    ("n", "said"),
    [(1, "1 error, 1 warning (--strict)"), (2, "2 errors, 2 warnings (--strict)"),
     (5, "5 errors, 5 warnings (--strict)")],
)  # fmt: skip
def test_junit_failure_counts_in_plurals(n: int, said: str) -> None:
    xml = ET.fromstring(render("junit", [_campaign_with(n, n)], strict=True).split("\n", 1)[1])
    (failure,) = xml.iter("failure")
    assert (failure.get("message") or "").startswith(said + ": SUB002")
    plain = ET.fromstring(render("junit", [_campaign_with(n, n)]).split("\n", 1)[1])
    (failure,) = plain.iter("failure")
    said = "1 error: SUB002" if n == 1 else f"{n} errors: SUB002, SUB002"
    assert (failure.get("message") or "").startswith(said)


def _row(errors: int, *, status: str = "refused", forced: bool = False) -> LaunchRow:
    return LaunchRow(
        id=7, campaign="bf", client="acme", source="bf/campaign.toml", content_hash="h",
        status=status, forced=forced, reason="client insists" if forced else None,  # type: ignore[arg-type]
        send_at=None, attempted_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC), launched_by="anna",
        ci_job=None, errors=errors, warnings=0,
    )  # fmt: skip


REFUSED = {
    ("en", 1): "bf (client acme) has 1 error, recorded as caught before launch (a refusal is "
    "not a launch in the KPI). Fix it, or launch anyway with --force --reason TEXT (the error "
    "becomes an incident)",
    ("en", 2): "bf (client acme) has 2 errors, recorded as caught before launch (a refusal is "
    "not a launch in the KPI). Fix them, or launch anyway with --force --reason TEXT (each "
    "error becomes an incident)",
    ("en", 5): "bf (client acme) has 5 errors, recorded",
    ("ru", 1): "В bf (клиент acme) 1 ошибка, записанная как пойманная до запуска",
    ("ru", 2): "В bf (клиент acme) 2 ошибки, они записаны как пойманные до запуска",
    ("ru", 5): "В bf (клиент acme) 5 ошибок, они записаны как пойманные до запуска",
}
FORCED = {
    ("en", 1): "FORCED — allowed to send with 1 error, recorded as an incident: this launch",
    ("en", 2): "FORCED — allowed to send with 2 errors, each recorded as an incident: this",
    ("en", 5): "FORCED — allowed to send with 5 errors, each recorded as an incident: this",
    ("ru", 1): "ПРИНУДИТЕЛЬНО — отправлять можно, с 1 ошибкой, каждая записана как инцидент",
    ("ru", 2): "ПРИНУДИТЕЛЬНО — отправлять можно, с 2 ошибками, каждая записана как инцидент",
    ("ru", 5): "ПРИНУДИТЕЛЬНО — отправлять можно, с 5 ошибками, каждая записана как инцидент",
}
# forced with n errors, and n more from the checks --ignore left out: each count its own form
FORCED_AND_LEFT_OUT = {
    ("en", 1): "with 1 error, and 1 more error of the checks --ignore PER001 left out, each",
    ("en", 2): "with 2 errors, and 2 more errors of the checks --ignore PER001 left out, each",
    ("en", 5): "with 5 errors, and 5 more errors of the checks --ignore PER001 left out, each",
    ("ru", 1): "с 1 ошибкой и ещё 1 ошибкой проверок, исключённых --ignore PER001, каждая",
    ("ru", 2): "с 2 ошибками и ещё 2 ошибками проверок, исключённых --ignore PER001, каждая",
    ("ru", 5): "с 5 ошибками и ещё 5 ошибками проверок, исключённых --ignore PER001, каждая",
}
LEFT_OUT = {
    ("en", 1): "allowed to send (1 error of the checks --ignore PER001 left out recorded as an "
    "incident: this",
    ("en", 2): "allowed to send (2 errors of the checks --ignore PER001 left out recorded as "
    "incidents: this",
    ("en", 5): "allowed to send (5 errors of the checks --ignore PER001 left out recorded as "
    "incidents: this",
    ("ru", 1): "(1 ошибка проверок, исключённых --ignore PER001, записана как инцидент:",
    ("ru", 2): "(2 ошибки проверок, исключённых --ignore PER001, записаны как инциденты:",
    ("ru", 5): "(5 ошибок проверок, исключённых --ignore PER001, записаны как инциденты:",
}


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("n", [1, 2, 5])
def test_launch_verdicts_say_their_counts_in_the_readers_plurals(n: int, lang: str) -> None:
    result = _campaign_with(n, 0)
    refused = as_text(_row(n), result, False, language=lang)
    assert REFUSED[lang, n] in refused, refused
    forced = as_text(_row(n, status="launched", forced=True), result, False, language=lang)
    assert FORCED[lang, n] in forced, forced
    left_out = [Finding("PER001", "no-fallback", Severity.ERROR, "no fallback", "subject")] * n
    both = as_text(
        _row(n, status="launched", forced=True), result, False, language=lang,
        skipped=left_out, narrowed="--ignore PER001",
    )  # fmt: skip
    assert FORCED_AND_LEFT_OUT[lang, n] in both, both
    narrowed = as_text(
        _row(0, status="launched"), _campaign_with(0, 0), False, language=lang,
        skipped=left_out, narrowed="--ignore PER001",
    )  # fmt: skip
    assert LEFT_OUT[lang, n] in narrowed, narrowed
    for said in (refused, forced, both, narrowed):
        assert not re.search(r"\w\((?:s|es)\)", said), said


def test_russian_one_form_reads_right_for_21_errors() -> None:
    """Russian's "one" form serves 1, 21, 31 …: a verdict in it says no singular "it" ("её")."""
    result = _campaign_with(21, 0)
    refused = as_text(_row(21), result, False, language="ru")
    assert (
        "В bf (клиент acme) 21 ошибка, записанная как пойманная до запуска (отказ в KPI не "
        "считается запуском). Исправьте найденное или запустите всё равно с --force --reason "
        "ТЕКСТ (каждая ошибка станет инцидентом)"
    ) in refused, refused
    forced = as_text(_row(21, status="launched", forced=True), result, False, language="ru")
    assert "с 21 ошибкой, каждая записана как инцидент" in forced, forced
    for said in (refused, forced):
        assert not re.search(r"\b(её|она)\b", said), said


def test_pytest_collection_says_one_campaign(pytester: pytest.Pytester) -> None:
    write_campaign(pytester.path, "only")
    result = pytester.runpytest("--mailcheck", "--mailcheck-offline", "--collect-only")
    header = [line for line in result.outlines if line.startswith("mailcheck: ")]
    assert header[1] == "mailcheck: 1 campaign checked offline", header


# a literal, and an f-string's literal parts (tokens of their own since Python 3.12)
_STRINGS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
# "http(s)" names two schemes, not a count
_MAYBE_PLURAL = re.compile(r"[a-z]\((?:s|es)\)(?<!http\(s\))")


def test_no_string_of_the_sources_says_a_count_with_an_s_in_brackets() -> None:
    found = []
    for folder in ("mailcheck", "checks", "reports"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            for token in tokenize.generate_tokens(io.StringIO(source).readline):
                if token.type in _STRINGS and _MAYBE_PLURAL.search(token.string):
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}: {token.string}")
        for path in sorted((ROOT / folder).rglob("*.html")):
            found += [str(path) for line in path.open() if _MAYBE_PLURAL.search(line)]
    assert not found, "\n".join(found)
