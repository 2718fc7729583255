"""1C-Bitrix's macros are the fields of the mail event the site's code sends: no fallback can be
written, and whether the code ever leaves one empty is not in the template. Where emptying one
breaks the text («Здравствуйте, #NAME#!») that is one "could not verify" warning; elsewhere
(an order number) nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import check, write_campaign

FOOTER = '<p><a href="#UNSUBSCRIBE_LINK#">Отписаться от рассылки</a></p>'


def per(
    tmp_path: Path,
    body: str,
    samples: list[dict[str, str]] | None = None,
    system_variables: list[str] | None = None,
) -> list[tuple[str, str, tuple[str, ...], str]]:
    d = write_campaign(
        tmp_path,
        body=f"{body}\n{FOOTER}",
        samples="r.json" if samples else None,
        system_variables=system_variables,
    )
    if samples:
        (d / "r.json").write_text(json.dumps(samples, ensure_ascii=False), encoding="utf-8")
    result = check(d)
    return [(f.code, f.severity.value, f.locations, f.message) for f in result.findings
            if f.code[:3] == "PER"]  # fmt: skip


def test_a_greeting_with_an_event_field_is_one_warning(tmp_path: Path) -> None:
    body = "<p>Здравствуйте, #NAME#!</p>\n<p>Заказ №#ORDER_ID# от #ORDER_DATE#</p>"
    assert per(tmp_path, body) == [
        (
            "PER001",
            "warning",
            ("email.html:5",),
            "could not verify “NAME”: it is a field of the mail event the site's code sends, "
            "and mailcheck cannot see whether it is ever empty; where it "
            'is, with NAME = "" the text reads “Здравствуйте, !”. Make sure a value is always '
            "passed, or word the text so that it reads without one; if it is never empty, "
            "list “NAME” in system-variables",
        )
    ]


def test_a_field_that_breaks_nothing_and_the_sites_own_macros_are_silent(tmp_path: Path) -> None:
    body = "<p>Здравствуйте, #SITE_NAME#!</p>\n<table><tr><td>Заказ</td><td>#ORDER_ID#</td></tr></table>"
    assert per(tmp_path, body) == []


def test_samples_and_system_variables_settle_it(tmp_path: Path) -> None:
    greeting = "<p>Здравствуйте, #NAME#!</p>"
    assert per(tmp_path / "named", greeting, [{"NAME": "Иван"}]) == []
    listed = per(tmp_path / "listed", greeting, system_variables=["NAME"])
    assert listed == []
    # a sample that gives it empty shows the broken text: PER002's error, not a warning too
    found = per(tmp_path / "empty", greeting, [{"NAME": ""}, {"NAME": "Иван"}])
    assert [(code, severity) for code, severity, *_ in found] == [("PER002", "error")]


def test_a_greeting_of_two_fields_empty_together_is_one_warning_naming_both(
    tmp_path: Path,
) -> None:
    # each field emptied alone leaves the other's value: only both empty read «Здравствуйте, !»
    body = "<p>Здравствуйте, #NAME# #LAST_NAME#!</p>\n<p>Заказ №#ORDER_ID# от #ORDER_DATE#</p>"
    assert per(tmp_path, body) == [
        (
            "PER001",
            "warning",
            ("email.html:5",),
            "could not verify “NAME”, “LAST_NAME”: they are fields of the mail event the site's "
            "code sends, and mailcheck cannot see whether they are ever empty together; where "
            'they are, with NAME, LAST_NAME all = "" the text reads “Здравствуйте, !”. Make '
            "sure a value is always passed, or word the text so that it reads without them; if "
            "one of them is never empty, list it in system-variables",
        )
    ]


def test_two_fields_one_of_which_is_known_are_silent(tmp_path: Path) -> None:
    greeting = "<p>Здравствуйте, #NAME# #LAST_NAME#!</p>"
    assert per(tmp_path / "listed", greeting, system_variables=["NAME"]) == []
    assert per(tmp_path / "named", greeting, [{"NAME": "Иван", "LAST_NAME": ""}]) == []
