"""One root cause, one finding, listing every place it shows (issue 10, items 1 and 2).

A missing fallback is one PER001 naming every use; a placeholder link repeated 25 times is one
LNK003 with 25 locations; a link rendered once per sample recipient is one finding; a UTM value
both inconsistent and malformed is one finding. What the blanking probe finds is evidence in
the variable's own finding (PER001, or PER006 for a fallback that misses empty values); PER002
is only what a real sample recipient would receive.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mailcheck.reports import github, jsonout, junit, sarif, text
from mailcheck.reports.html import render_report

from mailcheck.charsets import charset_name, known_charset
from mailcheck.config import Config
from mailcheck.facts import Facts
from mailcheck.loaders import load
from mailcheck.model import Severity
from tests.helpers import check, codes, only, write_campaign, write_test_send

UNSUB_RU = '<p><a href="https://shop.test/unsub">Отписаться</a></p>'
UNSUB_EN = '<p><a href="https://shop.test/unsub">Unsubscribe</a></p>'
SAMPLES = '[{"first_name": "Анна"}, {"first_name": ""}, {"first_name": "Ольга"}]'
UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"


def lines_of(d: Path, needle: str) -> list[int]:
    html = (d / "email.html").read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(html, start=1) if needle in line]


# -- PER001: one finding, every place ---------------------------------------------------------


@pytest.mark.parametrize(
    ("greeting", "subject", "preheader", "blanked"),
    [
        (
            "<p>Привет, {{ first_name }}!</p>\n<p>{{ first_name }}, скидка ждёт вас.</p>",
            "{{ first_name }}, скидка 30%",
            "{{ first_name }}, только до воскресенья",
            "Привет, !",
        ),
        (
            "<p>Hello {{ first_name }},</p>\n<p>{{ first_name }}, your discount is waiting.</p>",
            "{{ first_name }}, 30% off",
            "{{ first_name }}, this weekend only",
            "Hello ,",
        ),
    ],
)
def test_a_missing_fallback_is_one_per001_naming_every_use(
    tmp_path: Path, greeting: str, subject: str, preheader: str, blanked: str
) -> None:
    d = write_campaign(
        tmp_path,
        body=f"{greeting}\n{UNSUB_RU}",
        subject=subject,
        preheader=preheader,
        template="jinja",
    )
    result = check(d)
    found = only(result, "PER001")
    assert len(found) == 1
    lines = lines_of(d, "{{ first_name }}")
    assert found[0].places == ("subject", "preheader", *(f"email.html:{n}" for n in lines))
    assert len(lines) == 2
    # the probe's evidence is in the one finding: no PER002 for the same root cause
    # the telling evidence: the greeting, not the subject's ", скидка"
    assert f'with first_name = "" the text reads “{blanked}”' in found[0].message
    assert "PER002" not in codes(result)
    assert "PER006" not in codes(result)


def test_a_sample_without_a_name_is_named_in_the_per001_not_a_per002(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        body=f"<p>Привет, {{{{ first_name }}}}!</p>\n{UNSUB_RU}",
        template="jinja",
        samples="r.json",
        files={"r.json": SAMPLES},
    )
    result = check(d)
    assert [f.code for f in result.findings if f.severity is Severity.ERROR] == ["PER001"]
    (finding,) = only(result, "PER001")
    assert "“Привет, !”" in finding.message and "sample 2" in finding.message
    assert finding.places == (f"email.html:{lines_of(d, 'first_name')[0]}",)


# -- PER006 and PER002 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "evidence", "advice"),
    [
        (
            "<p>Привет, {{ first_name | default('друг') }}!</p>",
            'with first_name = "" the text reads “Привет, !”',
            "use default('друг', true)",
        ),
        (
            "<p>Dear {{ first_name | default('friend') }},</p>",
            'with first_name = "" the text reads “Dear ,”',
            "use default('friend', true)",
        ),
    ],
)
def test_a_fallback_that_misses_empty_is_per006_with_the_rendered_evidence(
    tmp_path: Path, body: str, evidence: str, advice: str
) -> None:
    d = write_campaign(tmp_path, body=f"{body}\n{UNSUB_EN}", template="jinja")
    result = check(d)
    assert "PER002" not in codes(result) and "PER001" not in codes(result)
    (finding,) = only(result, "PER006")
    assert finding.severity is Severity.WARNING
    assert evidence in finding.message and finding.message.endswith(advice)
    assert finding.places == (f"email.html:{lines_of(d, 'first_name')[0]}",)


def test_per002_is_what_a_real_sample_recipient_receives(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        body=f"<p>Привет, {{{{ first_name | default('друг') }}}}!</p>\n{UNSUB_RU}",
        template="jinja",
        samples="r.json",
        files={"r.json": SAMPLES},
    )
    result = check(d)
    (finding,) = only(result, "PER002")
    assert finding.message.startswith("the text reads “Привет, !”")
    assert "first_name" in finding.message  # the cause: its fallback misses empty values
    # who receives it, then where the template prints it
    assert finding.places == ("sample 2", f"email.html:{lines_of(d, 'first_name')[0]}")
    assert only(result, "PER006") == []  # the same root cause, reported once


def test_per002_of_a_guarded_variable_names_the_guard_not_a_fallback(tmp_path: Path) -> None:
    # Liquid: "" is true, so `{% if first_name %}` lets an empty name through. PER002 said
    # "the fallback of “first_name” does not cover empty values", with no fallback written,
    # and named the recipient only, not the line (a QA probe)
    d = write_campaign(
        tmp_path,
        body="{% if first_name %}<p>{{ first_name }}, привет</p>{% else %}<p>Привет</p>"
        f"{{% endif %}}\n{UNSUB_RU}",
        template="liquid",
        samples="r.json",
        files={"r.json": SAMPLES},
    )
    (finding,) = only(check(d), "PER002")
    assert finding.message == (
        "the text reads “, привет” (the fallback or guard of “first_name” does not keep the "
        "text whole)"
    )
    assert finding.places == ("sample 2", "email.html:5")


def test_a_samples_none_in_every_part_is_one_per002_at_the_variables_places(
    tmp_path: Path,
) -> None:
    # "None" in the data, printed in the subject, the HTML and the text part: it was three
    # PER002 (one per part), none naming a line (a QA probe)
    guarded = "{{ first_name | default('друг', true) }}"
    d = write_campaign(
        tmp_path,
        subject=f"{guarded}, скидки недели",
        body=f"<p>Привет, {guarded}!</p>\n{UNSUB_RU}",
        template="jinja",
        samples="r.csv",
        files={
            "r.csv": "email,first_name\nann@acme.test,Анна\nnone@acme.test,None\n",
            "email.txt": f"Привет, {guarded}!\n",
        },
        text="email.txt",
    )
    (finding,) = only(check(d), "PER002")
    assert finding.message == (
        "the subject reads “None”; the text reads “Привет, None”; "
        "the plain-text part reads “Привет, None”"
    )
    line = lines_of(d, "Привет, {{")[0]
    assert finding.places == ("r.csv:3 (None)", "subject", f"email.html:{line}", "email.txt:1")


def test_a_name_of_spaces_is_said_to_be_the_data_not_a_missing_fallback(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        body=f"<p>Привет, {{{{ first_name | default('друг', true) }}}}!</p>\n{UNSUB_RU}",
        template="jinja",
        samples="r.csv",
        files={"r.csv": "email,first_name\nann@acme.test,Анна\nspace@acme.test,   \n"},
    )
    (finding,) = only(check(d), "PER002")
    assert finding.message == (
        "the text reads “Привет, !” (“first_name” is only spaces there, which no fallback covers)"
    )
    assert finding.places == ("r.csv:3", f"email.html:{lines_of(d, 'first_name')[0]}")


def test_a_name_of_spaces_in_every_part_is_one_per002_listing_every_place(
    tmp_path: Path,
) -> None:
    # a value of spaces printed in the subject, the HTML and the text part: it was three PER002
    # (one per part), each listing the same places, where "None" in the data was one (a QA probe)
    guarded = "{{ first_name | default('друг', true) }}"
    d = write_campaign(
        tmp_path,
        subject=f"Привет, {guarded}! Скидки недели",
        body=f"<p>Привет, {guarded}!</p>\n{UNSUB_RU}",
        template="jinja",
        samples="r.csv",
        files={
            "r.csv": 'email,first_name\nann@acme.test,Анна\nspace@acme.test,"   "\n'
            'more@acme.test,"  "\n',
            "email.txt": f"Привет, {guarded}!\n",
        },
        text="email.txt",
    )
    (finding,) = only(check(d), "PER002")
    assert finding.message == (
        "the subject reads “Привет,    !”; the text reads “Привет, !”; "
        "the plain-text part reads “Привет,    !” "
        "(“first_name” is only spaces there, which no fallback covers)"
    )
    line = lines_of(d, "Привет, {{")[0]
    assert finding.places == (
        "r.csv:3",
        "r.csv:4",
        "subject",
        f"email.html:{line}",
        "email.txt:1",
    )


def test_a_gender_word_without_an_else_is_one_finding_naming_the_gender(tmp_path: Path) -> None:
    # no else branch: a recipient without a gender reads ", Саша!". It was a PER002 of no
    # cause, a PER006 for gender and a PER006 blaming first_name, whose fallback is right
    body = (
        "<p>{% if gender == 'f' %}Дорогая{% elif gender == 'm' %}Дорогой{% endif %}, "
        f"{{{{ first_name | default('клиент', true) }}}}!</p>\n{UNSUB_RU}"
    )
    csv = "email,first_name,gender\na@acme.test,Анна,f\nb@acme.test,Саша,\n"
    d = write_campaign(tmp_path, body=body, template="jinja", samples="r.csv", files={"r.csv": csv})
    result = check(d)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == ["PER002"]
    [finding] = only(result, "PER002")
    assert finding.message == (
        "the text reads “, Саша” (the fallback or guard of “gender” does not keep the text whole)"
    )
    assert finding.places == ("r.csv:3 (Саша)", f"email.html:{lines_of(d, 'gender')[0]}")


def test_a_csv_sample_is_named_by_the_line_its_row_starts_at(tmp_path: Path) -> None:
    # blank rows, a row of separators alone and a value over two lines: "sample 3" was the
    # third recipient, on line 8 of the file the user opens (a QA probe)
    csv = (
        "email,first_name,note\n"
        "\n"
        'ann@acme.test,Анна,"две\nстроки"\n'  # lines 3-4
        "\n"
        ",,\n"
        "none@acme.test,None,\n"  # line 7
        "\n"
        'space@acme.test,"   ",\n'  # line 9
    )
    (tmp_path / "c1" / "data").mkdir(parents=True)
    d = write_campaign(
        tmp_path,
        body=f"<p>Привет, {{{{ first_name | default('друг', true) }}}}!</p>\n{UNSUB_RU}",
        template="jinja",
        samples="data/r.csv",
        files={"data/r.csv": csv},
    )
    result = check(d)
    assert [r.label for r in result.campaign.renders] == [
        "longest values",
        "data/r.csv:3 (Анна)",
        "data/r.csv:7 (None)",
        "data/r.csv:9",
    ]
    line = lines_of(d, "first_name")[0]
    assert sorted(f.places for f in only(result, "PER002")) == [
        ("data/r.csv:7 (None)", f"email.html:{line}"),
        ("data/r.csv:9", f"email.html:{line}"),
    ]


def test_json_and_inline_samples_are_numbered_as_listed(tmp_path: Path) -> None:
    body = f"<p>Привет, {{{{ first_name | default('друг', true) }}}}!</p>\n{UNSUB_RU}"
    d = write_campaign(
        tmp_path,
        body=body,
        template="jinja",
        samples="r.json",
        files={"r.json": '[{"first_name": "Анна"},\n\n{"first_name": "None"}]'},
    )
    assert [f.places[0] for f in only(check(d), "PER002")] == ["sample 2 (None)"]


def test_every_rendered_sample_is_read_and_more_than_50_are_said(tmp_path: Path) -> None:
    # the 11th sample's "None" passed: only the first 10 samples' texts were read
    rows = [f"r{i}@acme.test,Имя{i}" for i in range(1, 56)]
    rows[10] = "r11@acme.test,None"
    rows[54] = "r55@acme.test,None"  # past the 50 rendered: not verified, and said so
    d = write_campaign(
        tmp_path,
        body=f"<p>Привет, {{{{ first_name | default('друг', true) }}}}!</p>\n{UNSUB_RU}",
        template="jinja",
        samples="r.csv",
        files={"r.csv": "email,first_name\n" + "\n".join(rows) + "\n"},
    )
    result = check(d)
    error, warning = sorted(only(result, "PER002"), key=lambda f: f.severity.value)
    assert error.severity is Severity.ERROR and error.places[0] == "r.csv:12 (None)"
    assert error.message == "the text reads “Привет, None”"
    assert warning.severity is Severity.WARNING and warning.location == "r.csv"
    assert warning.message == (
        "could not verify the sample recipients after the first 50: 5 more are not rendered"
    )


def test_padding_escaped_twice_is_one_brf003_not_a_long_preheader_too(tmp_path: Path) -> None:
    # "&amp;zwnj;&amp;nbsp;" × 40: the preview shows the codes; it was also a PRE002 "preheader
    # is 567 characters" for the same cause
    preheader = (
        '<div style="display:none">Только до воскресенья: скидка 30% на пуховики'
        + "&amp;zwnj;&amp;nbsp;" * 40
        + "</div>"
    )
    d = write_campaign(tmp_path, preheader_html=preheader, body=f"<p>Скидки</p>\n{UNSUB_RU}")
    result = check(d)
    assert only(result, "PRE002") == []
    [brf003] = only(result, "BRF003")
    assert brf003.message == (
        "HTML entities shown as text: “&zwnj;”, “&nbsp;” (the HTML escapes them twice: "
        "“&amp;zwnj;”)"
    )


TEASER = (
    "Use this area to offer a short teaser of your email's content. Text here will show in the "
    "preview area of some email clients."
)  # 124 characters
# the blueprints' preview row: the teaser and the link to the web version (the teaser is
# certain there too: the layout's own words, wherever a reader sees them)
TEASER_ROW = f"{TEASER} Is this email not displaying correctly? View it in your browser."
# a preview of a looser pattern ("Your text here", a warning) and the link to the web version
PATTERN_ROW = (
    "Your text here: this week's news in a line. Is this email not displaying correctly? View "
    "it in your browser."
)  # 108 characters


def test_a_placeholder_preheader_is_one_brf001_not_a_long_preheader_too(tmp_path: Path) -> None:
    # Mailchimp's blueprints: the teaser row is placeholder copy (BRF001), and was a PRE002
    # "holds 124 characters" too, for the same cause (QA probe: 41 templates)
    row = f'<table><tr><td class="preheader">{PATTERN_ROW}</td></tr></table>'
    d = write_campaign(tmp_path, preheader_html=row, body=f"<p>Скидки</p>\n{UNSUB_RU}")
    result = check(d)
    assert only(result, "PRE002") == []
    [brf001] = only(result, "BRF001")
    # (the row no style hides is the body's text too: quoted once, at the preheader and its line)
    assert (brf001.severity, brf001.places) == (Severity.WARNING, ("preheader", "email.html:4"))
    assert brf001.message == (
        "placeholder copy: “Your text here” (preheader); the preheader is 108 characters with "
        "the placeholder, limit 90: the approved copy replaces it (PRE002)"
    )
    # with BRF001 not run, the length is said: nothing passes in silence
    d = write_campaign(
        tmp_path, "no-brf", preheader_html=row, body=f"<p>Скидки</p>\n{UNSUB_RU}", ignore=["BRF001"]
    )
    [pre002] = only(check(d), "PRE002")
    assert (pre002.severity, pre002.places) == (Severity.WARNING, ("preheader",))
    # a name stand-in is measured apart: what remains over the limit is the layout's own copy,
    # another cause (Postmark's welcome), so both stay
    welcome = (
        "Thanks for trying out [Product Name]. We’ve pulled together some information and "
        "resources to help you get started."
    )
    hidden = f'<div style="display:none">{welcome}</div>'
    result = check(write_campaign(tmp_path, "pack", preheader_html=hidden))
    assert [(f.code, f.severity, f.places) for f in result.findings if f.code[:3] in "PREBRF"] == [
        ("BRF001", Severity.WARNING, ("preheader",)),
        ("PRE002", Severity.ERROR, ("preheader",)),
    ]


def test_a_length_unverified_only_for_a_name_stand_in_is_said_by_brf001(tmp_path: Path) -> None:
    # Postmark's trial-expiring: 77 characters, over the limit only with the name that replaces
    # "[Product Name]", which BRF001 reports: PRE002's "could not verify" was a second finding
    # of that one placeholder (QA probe: 6 corpus templates)
    teaser = "Your trial period for [Product Name] is about expired. Is there anything we can do to help?"
    hidden = f'<div style="display:none">{teaser}</div>'
    result = check(write_campaign(tmp_path, preheader_html=hidden))
    assert only(result, "PRE002") == []
    [brf001] = only(result, "BRF001")
    assert (brf001.severity, brf001.places) == (Severity.WARNING, ("preheader",))
    assert brf001.message == (
        "placeholder copy: “[Product Name]” (preheader); with it, could not verify the "
        "preheader's length: 77 characters, limit 90, and then the name that replaces the "
        f"placeholder “[Product Name]”: “{teaser}” (PRE002)"
    )
    assert [f.code for f in brf001.folded] == ["PRE002"]


def test_a_placeholder_preheader_certainly_too_long_is_one_brf001_error(tmp_path: Path) -> None:
    # SendGrid's templates: the hidden preview is placeholder copy (BRF001, a warning about a
    # pattern) certainly over the limit (PRE002, an error): one cause, one finding, and an
    # error still (QA probe: 12 templates kept both)
    hidden = f'<div style="display:none">{PATTERN_ROW}</div>'
    result = check(write_campaign(tmp_path, preheader_html=hidden))
    assert only(result, "PRE002") == []
    [brf001] = only(result, "BRF001")
    assert (brf001.severity, brf001.places) == (Severity.ERROR, ("preheader",))
    assert brf001.message == (
        "placeholder copy: “Your text here” (preheader); with it, "
        f"preheader is 108 characters, limit 90: “{PATTERN_ROW}” (PRE002)"
    )
    assert [f.code for f in brf001.folded] == ["PRE002"]
    assert [(f.code, f.severity) for f in result.findings if f.code in ("BRF001", "PRE002")] == [
        ("BRF001", Severity.ERROR)
    ]
    [shown] = [
        f
        for f in json.loads(jsonout.render([result]))["campaigns"][0]["findings"]
        if f["code"] in ("BRF001", "PRE002")
    ]
    assert shown == {
        "code": "BRF001",
        "rule": "placeholder-copy",
        "severity": "error",
        "message": brf001.message,
        "location": "preheader",
        "locations": ["preheader"],
        "url": None,
    }
    # dummy text (BRF001, an error) in a preview element that may be the body's first line
    # (PRE002 "could not verify", a warning): one error, saying what PRE002 could not verify
    lorem = (
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
        "incididunt ut labore et dolore magna aliqua."
    )
    row = f'<table><tr><td class="preheader">{lorem}</td></tr></table>'
    d = write_campaign(tmp_path, "lorem", preheader_html=row, body=f"<p>Скидки</p>\n{UNSUB_RU}")
    result = check(d)
    assert only(result, "PRE002") == []
    [brf001] = only(result, "BRF001")
    assert (brf001.severity, brf001.places) == (Severity.ERROR, ("preheader", "email.html:4"))
    assert brf001.message.endswith(
        "; with it, could not verify the preheader: the element named “preheader” holds 123 "
        "characters, limit 90, but no style of its own hides it, so it may be the body's first "
        f"line, which inboxes cut where it does not fit: “{lorem}” (PRE002)"
    )


def test_a_placeholder_preheader_s_length_raises_no_pattern_elsewhere(tmp_path: Path) -> None:
    # a pattern in the preheader (a warning) certainly over the limit (PRE002, an error), and
    # a pattern in the body: the length made the body's "City, State 12345" an error too
    hidden = f'<div style="display:none">{PATTERN_ROW}</div>'
    body = f"<p>Shop, 1 Main Road, City, State 12345</p>\n{UNSUB_EN}"
    result = check(write_campaign(tmp_path, preheader_html=hidden, body=body))
    found = [
        (f.code, f.severity, f.places) for f in result.findings if f.code in ("BRF001", "PRE002")
    ]
    assert found == [
        ("BRF001", Severity.WARNING, ("preheader", "email.html:5")),
        ("PRE002", Severity.ERROR, ("preheader",)),
    ]
    [brf001] = only(result, "BRF001")
    assert brf001.message == (
        "placeholder copy: “Your text here” (preheader); “City, State 12345” (email.html)"
    )
    [pre002] = only(result, "PRE002")
    assert pre002.message == f"preheader is 108 characters, limit 90: “{PATTERN_ROW}”"


SENDGRID_PREHEADER = (
    "A preheader is the short summary text that follows the subject line when an email is "
    "viewed in the inbox."
)


def test_a_layout_s_words_about_the_preheader_are_an_error_apart_from_patterns(
    tmp_path: Path,
) -> None:
    # SendGrid's templates: the hidden preview is nothing but the layout's words about it (a
    # certain stand-in, as "Preheader text"), 105 characters; the footer's stand-in address is
    # a pattern: said in the error as a warning's words, its place listed (one cause); the
    # URL to copy under the button, on the top-level domain ".url", which does not exist, is
    # the layout's stand-in too: in the error
    hidden = f'<div style="display:none">{SENDGRID_PREHEADER}</div>'
    body = (
        "<p>Paste 1234 S. Broadway St. City, State 12345</p>\n"
        '<p><a href="https://shop.test/reset">https://same-link-as-button.url/xxx-xxx-xxxx</a></p>'
        f"\n{UNSUB_EN}"
    )
    result = check(write_campaign(tmp_path, preheader_html=hidden, body=body))
    assert only(result, "PRE002") == []
    [error] = only(result, "BRF001")
    assert (error.severity, error.places) == (
        Severity.ERROR,
        ("preheader", "email.html:5", "email.html:6"),
    )
    assert error.message == (
        "placeholder copy: “A preheader is the short summary text that follows the subje…” "
        "(preheader); “https://same-link-as-button.url/xxx-xxx-xxxx” (email.html); and as a "
        "warning: placeholder copy: “City, State 12345” (email.html); the preheader is 105 "
        "characters with the placeholder, limit 90: the approved copy replaces it (PRE002)"
    )
    assert [f.code for f in error.folded] == ["PRE002"]


def test_a_stylesheet_hidden_preheader_of_the_layout_s_words_is_an_error(tmp_path: Path) -> None:
    # Lee Munroe's template: "This is preheader text…" in a preview a <style> rule hides is what
    # the inbox shows: certain, as its "Call To Action" button (it was a warning beside it)
    html = (
        "<!DOCTYPE html>\n<html><head><title>Sale</title>\n"
        "<style>.preheader { display: none !important; }</style></head>\n<body>\n"
        '<span class="preheader">This is preheader text. Some clients will show this text as a '
        "preview.</span>\n<p>Hello!</p>\n"
        '<p><a href="https://shop.test/sale">Call To Action</a></p>\n'
        f"{UNSUB_EN}\n</body></html>\n"
    )
    result = check(write_campaign(tmp_path, html=html))
    [brf001] = only(result, "BRF001")
    assert (brf001.severity, brf001.places) == (Severity.ERROR, ("preheader", "email.html:7"))
    assert brf001.message == (
        "placeholder copy: “This is preheader text. Some clients will show this text as …” "
        "(preheader); “Call To Action” (email.html)"
    )


def test_a_preview_row_of_the_layout_s_words_is_one_error(tmp_path: Path) -> None:
    # Mailchimp's mobile blueprints: the row named "preheader" holds the teaser alone, a
    # certain stand-in; the body that shows it holds the same words, the same one finding
    # (they were a warning at both), which lists the row's line
    row = f'<table><tr><td class="preheader">{TEASER}</td></tr></table>'
    result = check(write_campaign(tmp_path, preheader_html=row))
    [brf001] = only(result, "BRF001")
    assert (brf001.severity, brf001.places) == (Severity.ERROR, ("preheader", "email.html:4"))
    assert brf001.message.startswith(
        "placeholder copy: “Use this area to offer a short teaser of your email's conten…” "
        "(preheader); with it, could not verify the preheader"
    )
    assert only(result, "PRE002") == []


def test_a_preview_row_of_the_layout_s_words_and_the_web_link_is_one_error(
    tmp_path: Path,
) -> None:
    # Mailchimp's blueprints (39 of the corpus): the teaser beside "View it in your browser"
    # in the row named "preheader" that no style hides; the teaser is the layout's own words
    # wherever a reader sees them (it was a warning, quoted twice: "(preheader)" and
    # "(email.html)"): one error, quoting it once, at the preheader and the row's line
    row = f'<table><tr><td class="preheader">{TEASER_ROW}</td></tr></table>'
    result = check(write_campaign(tmp_path, preheader_html=row))
    [brf001] = only(result, "BRF001")
    assert (brf001.severity, brf001.places) == (Severity.ERROR, ("preheader", "email.html:4"))
    assert brf001.message == (
        "placeholder copy: “Use this area to offer a short teaser of your email's conten…” "
        "(preheader); with it, could not verify the preheader: the element named “preheader” "
        "holds 190 characters, limit 90, but no style of its own hides it, so it may be the "
        f"body's first line, which inboxes cut where it does not fit: “{TEASER_ROW}” (PRE002)"
    )
    assert only(result, "PRE002") == []
    # the same words hidden as the preview: the inbox shows them, an error too
    hidden = f'<div style="display:none">{TEASER_ROW}</div>'
    [brf001] = only(check(write_campaign(tmp_path, "hidden", preheader_html=hidden)), "BRF001")
    assert (brf001.severity, brf001.places) == (Severity.ERROR, ("preheader",))


def test_a_dummy_text_preheader_is_one_brf001_error(tmp_path: Path) -> None:
    # "Lorem ipsum…" hidden as the preview: an error both ways, said once
    lorem = (
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
        "incididunt ut labore et dolore magna aliqua."
    )
    hidden = f'<div style="display:none">{lorem}</div>'
    result = check(write_campaign(tmp_path, preheader_html=hidden))
    assert only(result, "PRE002") == []
    [brf001] = only(result, "BRF001")
    assert (brf001.severity, brf001.places) == (Severity.ERROR, ("preheader",))
    assert brf001.message == (
        "placeholder copy: “Lorem ipsum”, “dolor sit amet”, “consectetur adipiscing” "
        "(preheader); the preheader is 123 characters with the placeholder, limit 90: the "
        "approved copy replaces it (PRE002)"
    )


def test_the_folded_length_says_the_preheader_s_length_and_the_configured_limit(
    tmp_path: Path,
) -> None:
    # the fold said "over the limit with it" without the numbers PRE002 gives (session 30)
    lorem = (
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
        "incididunt ut labore et dolore magna aliqua."
    )  # 123 characters
    hidden = f'<div style="display:none">{lorem}</div>'
    d = write_campaign(tmp_path, preheader_html=hidden)
    result = check(d, Config(root=tmp_path, preheader_max=100))
    assert only(result, "PRE002") == []
    [brf001] = only(result, "BRF001")
    assert (brf001.severity, brf001.places) == (Severity.ERROR, ("preheader",))
    assert brf001.message.endswith(
        "(preheader); the preheader is 123 characters with the placeholder, limit 100: the "
        "approved copy replaces it (PRE002)"
    )
    assert [f.code for f in brf001.folded] == ["PRE002"]


@pytest.mark.parametrize(
    ("prose", "broken"),
    [
        ("<p>None of them are design tools.</p><p>Ничего не найдено: null results.</p>", None),
        ("<p>The result is undefined until Friday.</p>", None),
        ("<p>Цена , как всегда, ниже. Total: 5 pcs , shipped.</p>", None),
        ("<p>Здравствуйте, , рады видеть</p>", "Здравствуйте, ,"),
        ("<p>Привет, None!</p>", "Привет, None"),
        ("<p>Dear undefined,</p>", "Dear undefined"),
    ],
)
def test_programmer_words_in_a_plain_campaign_count_only_where_a_variable_was(
    tmp_path: Path, prose: str, broken: str | None
) -> None:
    d = write_campaign(tmp_path, body=f"{prose}\n{UNSUB_EN}", template="none")
    found = only(check(d), "PER002")
    if broken is None:
        assert found == []
    else:
        assert [f.message for f in found] == [f"broken text: “{broken}”"]


# -- links ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "unsub"), [("Купить", UNSUB_RU), ("Buy", UNSUB_EN)])
def test_one_placeholder_link_25_times_is_one_finding_with_25_places(
    tmp_path: Path, word: str, unsub: str
) -> None:
    links = "\n".join(f'<p><a href="#">{word} {i}</a></p>' for i in range(25))
    d = write_campaign(tmp_path, body=f"{links}\n{unsub}")
    (finding,) = only(check(d), "LNK003")
    assert finding.places == tuple(f"email.html:{n}" for n in lines_of(d, 'href="#"'))
    assert len(finding.places) == 25
    assert finding.message.startswith(f"25 links (“{word} 0”")


def test_placeholder_links_are_counted_as_links_not_lines(tmp_path: Path) -> None:
    """Three “#” links on one footer line are three links at one place (en-colorlib-26's
    calendar line was “4 links” for six)."""
    line = " · ".join(f'<a href="#">{name}</a>' for name in ("Google", "Apple", "Outlook"))
    d = write_campaign(tmp_path, body=f'<p><a href="#">Signal</a></p>\n<p>{line}</p>\n{UNSUB_EN}')
    (finding,) = only(check(d), "LNK003")
    assert finding.places == tuple(f"email.html:{n}" for n in lines_of(d, 'href="#"'))
    assert len(finding.places) == 2
    assert finding.message == "4 links (“Signal”, “Google”, “Apple”, “Outlook”): link to “#”"


def bulletproof(href: str, text: str, outlook_href: str | None = None) -> str:
    """A button as Campaign Monitor's "bulletproof buttons" write it: Outlook's VML copy in a
    conditional comment, the <a> for every other mail client after it."""
    return (
        "<!--[if mso]>\n"
        f'<v:roundrect xmlns:v="urn:schemas-microsoft-com:vml" href="{outlook_href or href}" '
        'style="height:40px;width:200px;" fillcolor="#d62828">\n'
        f'<w:anchorlock/><center style="color:#ffffff;">{text}</center>\n'
        "</v:roundrect>\n<![endif]-->\n<!--[if !mso]><!-- -->\n"
        f'<a href="{href}" style="background:#d62828;color:#fff">{text}</a>\n'
        "<!--<![endif]-->"
    )


def test_outlooks_copy_of_a_button_is_that_button_not_another_link(tmp_path: Path) -> None:
    """The VML button and its <a> are one button for the count; both places are listed, each
    href is to be filled (QA probe, session 24: "4 links" for three)."""
    body = "\n".join(
        [
            bulletproof("#", "Shop now"),
            bulletproof("#", "Details"),
            '<p><a href="#">Shop now</a></p>',  # a link of its own with the same words
            UNSUB_EN,
        ]
    )
    d = write_campaign(tmp_path, body=body)
    (finding,) = only(check(d), "LNK003")
    assert finding.places == tuple(f"email.html:{n}" for n in lines_of(d, 'href="#"'))
    assert len(finding.places) == 5
    assert finding.message == "3 links (“Shop now”, “Details”): link to “#”"


def test_a_placeholder_only_in_outlooks_copy_of_a_button_is_one_link(tmp_path: Path) -> None:
    shop = f"https://shop.test/sale?{UTM}"
    d = write_campaign(tmp_path, body=bulletproof(shop, "Shop now", outlook_href="#") + UNSUB_EN)
    (finding,) = only(check(d), "LNK003")
    assert finding.places == tuple(f"email.html:{n}" for n in lines_of(d, 'href="#"'))
    assert len(finding.places) == 1
    assert finding.message == "link (“Shop now”): link to “#”"


def wrapped_button(href: str, text: str) -> str:
    """A button as sendwithus's layouts (go/invite.html) write it: the VML ``<v:rect>`` opened
    in a conditional comment around the ``<a>``, its own text empty, closed in another."""
    return (
        '<div><!--[if mso]>\n<v:rect xmlns:v="urn:schemas-microsoft-com:vml" '
        f'href="{href}" style="height:40px;width:150px;" fillcolor="#2b934f">\n'
        "<w:anchorlock/>\n<center>\n<![endif]-->\n"
        f'<a href="{href}" style="background-color:#2b934f;color:#fff">{text}</a>\n'
        "<!--[if mso]>\n</center>\n</v:rect>\n<![endif]--></div>"
    )


def test_a_vml_button_around_its_link_is_one_button(tmp_path: Path) -> None:
    """Outlook's copy with no text of its own, around the <a>, is that button (review probe,
    session 24: sendwithus go/invite.html was “2 links (“Sign up now!”)”)."""
    body = "\n".join(
        [wrapped_button("http://", "Sign up now!"), wrapped_button("#", "Details"), UNSUB_EN]
    )
    d = write_campaign(tmp_path, body=body)
    http, hash_ = lines_of(d, 'href="http://"'), lines_of(d, 'href="#"')
    assert len(http) == len(hash_) == 2
    found = {f.message: f.places for f in only(check(d), "LNK003")}
    # the layout's two kinds of stand-in, one finding (session 29, item 3); each button once
    assert found == {
        "the layout's placeholders, never filled in: “http://” with no address after it (line "
        f"{http[0]}, {http[1]}): link (“Sign up now!”); link to “#” (line {hash_[0]}, "
        f"{hash_[1]}): link (“Details”)": tuple(f"email.html:{n}" for n in (*http, *hash_))
    }


def test_outlooks_copy_in_other_words_is_its_button_named_once(tmp_path: Path) -> None:
    """The <a> beside Outlook's copy is its button whatever the copy says (“→” more, no-break
    spaces): one link, named once by the <a> (review probe, session 24: “5 links” for four,
    “Купить со скидкой” listed twice)."""
    body = "\n".join(
        [
            bulletproof("#", "Купить со скидкой")
            .replace(">Купить со скидкой</a>", ">Купить со скидкой&nbsp;→</a>")
            .replace(">Купить со скидкой</center>", ">Купить&nbsp;со&nbsp;скидкой</center>"),
            bulletproof("#", "Details").replace(">Details</center>", ">Подробнее</center>"),
            '<p><a href="#">Купить со скидкой</a> <a href="mailto:#">Напишите нам</a></p>',
            UNSUB_EN,
        ]
    )
    d = write_campaign(tmp_path, body=body)
    (finding,) = only(check(d), "LNK003")
    assert finding.places == tuple(f"email.html:{n}" for n in lines_of(d, '="#"'))
    assert len(finding.places) == 5
    # (“mailto:#” is said as written, in the same finding: QA probe, session 32)
    assert finding.message == (
        "the layout's placeholders, never filled in: link to “#” (line 6, 11, 14, 19, 21): "
        "3 links (“Купить со скидкой\xa0→”, “Details”, “Купить со скидкой”); link to "
        "“mailto:#” (line 21): link (“Напишите нам”)"
    )


def test_a_name_written_twice_is_said_once(tmp_path: Path) -> None:
    """Outlook's copy with no-break spaces and its <a> with plain ones: one button, one name."""
    button = bulletproof("#", "Купить со скидкой").replace(
        ">Купить со скидкой</center>", ">Купить&nbsp;со&nbsp;скидкой</center>"
    )
    d = write_campaign(tmp_path, body=f'{button}\n<p><a href="tel:#">Позвоните</a></p>\n{UNSUB_EN}')
    (finding,) = only(check(d), "LNK003")
    assert len(finding.places) == 3
    assert finding.message == (
        "the layout's placeholders, never filled in: link to “#” (line 6, 11): link (“Купить "
        "со скидкой”); link to “tel:#” (line 13): link (“Позвоните”)"
    )


def test_a_blank_button_is_not_named_by_outlooks_copy(tmp_path: Path) -> None:
    """A dot button whose <a> shows a no-break space, and Outlook's VML copy saying “1”: the
    links are named by their own texts, none (QA probe, session 32: sendwithus' survey.html
    said “11 links (“1”)”)."""
    dots = [
        bulletproof("http://", "&nbsp;").replace(">&nbsp;</center>", f">{n}</center>")
        for n in ("1", "&nbsp;")
    ]
    d = write_campaign(tmp_path, body="\n".join([*dots, UNSUB_EN]))
    (finding,) = only(check(d), "LNK003")
    assert finding.message == "2 links: “http://” with no address after it"
    assert finding.places == tuple(f"email.html:{n}" for n in lines_of(d, 'href="http://"'))
    assert len(finding.places) == 4


def test_a_placeholder_link_before_a_copy_of_another_button_is_its_own(tmp_path: Path) -> None:
    """A “#” link just before Outlook's “#” copy of a button whose <a> has a real address is
    no copy of that button: two links."""
    shop = f"https://shop.test/sale?{UTM}"
    body = '<p><a href="#">Details</a></p>\n' + bulletproof(shop, "Shop now", "#") + UNSUB_EN
    d = write_campaign(tmp_path, body=body)
    (finding,) = only(check(d), "LNK003")
    assert finding.places == tuple(f"email.html:{n}" for n in lines_of(d, 'href="#"'))
    assert finding.message == "2 links (“Details”, “Shop now”): link to “#”"


def test_a_mail_link_to_a_placeholder_joins_the_layouts_other_placeholders(
    tmp_path: Path,
) -> None:
    """“mailto:#”, however the “#” is written (``%23``, with ``?subject=``), and “tel:#” are the
    layout's “#” placeholder too: one root cause, one finding with the “#” links, each said
    as written (QA probe, session 32: en-mautic-cards' “mailto:#” was “link to “#””)."""
    body = "\n".join(
        [
            '<p><a href="#">Shop now</a></p>',
            '<p><a href="mailto:#">Write to us</a></p>',
            '<p><a href="mailto:%23?subject=Order">Ask about an order</a></p>',
            '<p><a href="tel:#">Call us</a></p>',
            UNSUB_EN,
        ]
    )
    d = write_campaign(tmp_path, body=body)
    (finding,) = only(check(d), "LNK003")
    words = ("Shop", "Write", "Ask", "Call")
    assert finding.places == tuple(f"email.html:{lines_of(d, word)[0]}" for word in words)
    assert finding.message == (
        "the layout's placeholders, never filled in: link to “#” (line 5): link (“Shop now”); "
        "link to “mailto:#” (line 6, 7): 2 links (“Write to us”, “Ask about an order”); link "
        "to “tel:#” (line 8): link (“Call us”)"
    )


def test_a_link_rendered_for_each_sample_is_one_finding(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        body=(
            "<p><a href=\"http://shop.test/p?n={{ first_name | default('друг', true) }}\">"
            "Выбрать</a></p>\n" + UNSUB_RU
        ),
        template="jinja",
        samples="r.csv",
        files={"r.csv": "first_name\nАнна\nОльга\nИван\n"},
    )
    (finding,) = only(check(d), "LNK004")
    assert finding.places == (f"email.html:{lines_of(d, 'http://shop.test')[0]}",)


def test_an_empty_href_from_a_variable_without_fallback_is_its_per001(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path, body=f'<p><a href="{{{{ feature }}}}/go">Try it</a></p>\n{UNSUB_EN}',
        template="jinja",
    )  # fmt: skip
    result = check(d)
    assert only(result, "LNK003") == []
    (finding,) = only(result, "PER001")
    assert "feature" in finding.message


def test_a_link_the_application_builds_is_the_link_rules_business(tmp_path: Path) -> None:
    # href="{{ feature_url }}": a fallback makes no sense for a link's whole URL (PER001 asked
    # for one, a QA probe). Without samples nothing is known of it; a sample whose value is
    # empty gets an empty link, LNK003's finding at the link's line
    body = f'<p><a href="{{{{ feature_url }}}}">Try it</a></p>\n{UNSUB_EN}'
    result = check(write_campaign(tmp_path, body=body, template="jinja"))
    assert (only(result, "PER001"), only(result, "LNK003")) == ([], [])
    files = {"r.csv": "email,feature_url\na@shop.test,https://shop.test/f\nb@shop.test,\n"}
    d = write_campaign(tmp_path, "sampled", body=body, template="jinja", samples="r.csv",
                       files=files)  # fmt: skip
    result = check(d)
    assert only(result, "PER001") == []
    (empty,) = only(result, "LNK003")
    assert (empty.severity.value, empty.message) == ("error", "link (“Try it”): empty link")
    assert empty.places == (f"email.html:{lines_of(d, 'feature_url')[0]}",)


@pytest.mark.parametrize("word", ["Купить", "Shop"])
def test_a_utm_value_both_inconsistent_and_malformed_is_one_finding(
    tmp_path: Path, word: str
) -> None:
    good = f"https://shop.test/a?{UTM}"
    bad = "https://shop.test/b?utm_source=Email&utm_medium=email&utm_campaign=bf"
    body = (
        f'<p><a href="{good}">{word} 1</a></p>\n<p><a href="{good}&x=2">{word} 2</a></p>\n'
        f'<p><a href="{bad}">{word} 3</a></p>\n<p><a href="{bad}">{word} 4</a></p>\n' + UNSUB_EN
    )
    result = check(write_campaign(tmp_path, body=body))
    (finding,) = only(result, "UTM002")
    assert finding.message == (
        "utm_source='Email', other links of the campaign use 'email': "
        "upper-case letters (analytics splits rows by case)"
    )
    assert only(result, "UTM003") == []
    assert len(finding.places) == 2  # both links that carry it


def test_a_placeholder_link_is_one_lnk003_not_a_utm_finding_too(tmp_path: Path) -> None:
    # a newsletter sent from example.com: its example.com link is a layout's stand-in (LNK003),
    # and the UTMs it lacks go with the address that replaces it — one root cause
    body = (
        f'<p><a href="https://shop.test/a?{UTM}">Sale</a></p>\n'
        '<p><a href="https://example.com/shop?utm_source=email">Shop</a></p>\n' + UNSUB_EN
    )
    manifest: dict[str, Any] = {"from": "News <news@example.com>"}
    result = check(write_campaign(tmp_path, body=body, **manifest))
    (finding,) = only(result, "LNK003")
    assert finding.places == ("email.html:6",)
    assert [f.code for f in result.findings if f.code.startswith("UTM")] == []


# -- outputs show every place -----------------------------------------------------------------


def test_every_output_shows_every_place(tmp_path: Path) -> None:
    links = "\n".join(f'<p><a href="#">Купить {i}</a></p>' for i in range(3))
    d = write_campaign(tmp_path, body=f"{links}\n{UNSUB_RU}")
    result = check(d)
    lines = lines_of(d, 'href="#"')
    assert len(lines) == 3

    shown = text.render([result])
    assert f"email.html:{lines[0]}, {lines[1]}, {lines[2]}: 3 links" in shown

    data = json.loads(jsonout.render([result]))
    (lnk,) = [f for f in data["campaigns"][0]["findings"] if f["code"] == "LNK003"]
    assert lnk["location"] == f"email.html:{lines[0]}"
    assert lnk["locations"] == [f"email.html:{n}" for n in lines]

    log = json.loads(sarif.render([result]))
    (res,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "LNK003"]
    assert [loc["physicalLocation"]["region"]["startLine"] for loc in res["locations"]] == lines

    junit_xml = junit.render([result])
    assert f"email.html:{lines[0]}, {lines[1]}, {lines[2]}: 3 links" in junit_xml

    report = render_report([result], Facts(), Config(), offline=True)
    assert f"email.html:{lines[0]}, {lines[1]}, {lines[2]}</span>" in report

    (annotation,) = [a for a in github.render([result]).splitlines() if "LNK003" in a]
    assert f"line={lines[0]}" in annotation
    assert f"email.html:{lines[0]}, {lines[1]}, {lines[2]}: 3 links" in annotation


# -- launch --force: one incident per root cause -------------------------------------------


def test_a_forced_launch_records_one_incident_per_root_cause(tmp_path: Path) -> None:
    links = "\n".join(f'<p><a href="#">Купить {i}</a></p>' for i in range(25))
    write_campaign(
        tmp_path,
        "bf",
        body=f"<p>Привет, {{{{ first_name }}}}!</p>\n{links}\n{UNSUB_RU}",
        subject="{{ first_name }}, скидка 30%",
        template="jinja",
    )
    env = {**os.environ, "NO_COLOR": "1", "MAILCHECK_DB": f"sqlite:///{tmp_path}/log.db"}

    def mc(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mailcheck", *args],
            cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip

    launched = mc("launch", "--offline", "--force", "--reason", "клиент настоял", "bf")
    assert launched.returncode == 0, launched.stderr
    listed = mc("incident", "list", "--format", "json")
    incidents = json.loads(listed.stdout)["incidents"]
    assert sorted(i["code"] for i in incidents) == ["LNK003", "PER001"]
    placeholder = next(i for i in incidents if i["code"] == "LNK003")
    assert placeholder["note"].count("email.html:") == 25
    fallback = next(i for i in incidents if i["code"] == "PER001")
    assert "subject" in fallback["note"] and "email.html:" in fallback["note"]


# -- network rules: one finding per link of the template -----------------------------------


def test_a_dead_link_is_one_finding_at_every_place_and_for_every_sample(tmp_path: Path) -> None:
    from mailcheck.config import Config, LinksConfig
    from mailcheck.engine import judge
    from mailcheck.facts import Facts
    from mailcheck.model import Campaign, Document, Link, Rendered
    from tests.http_server import running_server
    from tests.test_links_network import gather

    with running_server() as server:
        dead = server.url("/status/404/sale")
        personal = server.url("/status/404/p") + "?n={{ first_name }}"

        def sample(name: str) -> Rendered:
            links = [
                Link(dead, "a", "Купить", line=10, raw=dead),
                Link(dead, "a", "Buy", line=30, raw=dead),
                Link(personal.replace("{{ first_name }}", name), "a", "Мой купон", 20, personal),
            ]
            return Rendered({}, f"sample ({name})", "Тема", None, "", None, Document(links=links))

        c = Campaign(id="c", source="c.html", kind="html")
        c.renders = [sample("Анна"), sample("Ольга"), sample("Ivan")]
        cfg = Config(root=tmp_path, links=LinksConfig(allow_private=True, retries=0))
        facts = Facts(gathered=True, links=gather([c], cfg))
        found = [f for f in judge(c, cfg, facts, offline=False).findings if f.code == "LNK001"]
    # the personal link is one link of the template, dead for every sample: one finding,
    # naming each URL it rendered to (each a page that answered 404)
    personal_urls = tuple(
        server.url("/status/404/p") + f"?n={n}" for n in ("Анна", "Ольга", "Ivan")
    )
    assert sorted((f.url or "", f.urls, f.places) for f in found) == sorted(
        [(dead, (), ("html:10", "html:30")), ("", personal_urls, ("html:20",))]
    )
    said = next(f.message for f in found if f.urls)
    assert said == (
        "link is broken: 404 Not Found — at every URL it renders to (3): "
        + ", ".join(personal_urls)
    )


# -- LNK004, IMG001: one habit, one finding ---------------------------------------------------


def test_plain_http_links_are_one_finding_naming_their_hosts(tmp_path: Path) -> None:
    """A Mailchimp account tracking clicks over plain http: thirteen warnings were one cause."""
    body = "\n".join(
        f'<p><a href="http://t{n % 4}.list-manage.test/track/click?id={n}">Ссылка {n}</a></p>'
        for n in range(6)
    )
    body += '\n<p><img src="http://cdn.shop.test/logo.png" alt="Логотип"></p>\n' + UNSUB_RU
    d = write_campaign(tmp_path, body=body)
    (finding,) = only(check(d), "LNK004")
    assert finding.message == (
        "7 plain http:// URLs "
        "(t0.list-manage.test, t1.list-manage.test, t2.list-manage.test and 2 more)"
    )
    assert finding.url is None  # several: the message and the places say which
    expected = [*lines_of(d, "list-manage.test"), *lines_of(d, "cdn.shop.test")]
    assert finding.places == tuple(f"email.html:{n}" for n in expected)


def test_one_plain_http_link_names_its_url(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, body='<p><a href="http://shop.test/a">Купить</a></p>\n' + UNSUB_RU)
    (finding,) = only(check(d), "LNK004")
    assert (finding.message, finding.url) == (
        "plain http:// link to shop.test",
        "http://shop.test/a",
    )
    assert finding.places == (f"email.html:{lines_of(d, 'http://shop.test/a')[0]}",)


def test_images_without_alt_are_one_finding_at_every_image(tmp_path: Path) -> None:
    body = (
        '<p><img src="https://cdn.shop.test/1.png"></p>\n'
        '<p><img src="https://cdn.shop.test/2.png" alt=""></p>\n'  # decoration, said so
        '<p><img src="https://cdn.shop.test/3.png"><img src="https://cdn.shop.test/4.png"></p>\n'
        + UNSUB_RU
    )
    d = write_campaign(tmp_path, body=body)
    (finding,) = only(check(d), "IMG001")
    assert finding.message == "3 images have no alt attribute"
    assert finding.url is None
    lines = [*lines_of(d, "1.png"), *lines_of(d, "3.png")]
    assert finding.places == tuple(f"email.html:{n}" for n in lines)
    # an open-tracking pixel (the ESP's, in a test send) is seen by nobody
    pixels = (
        '<img src="https://t.esp.test/open.gif" width="1" height="1">'
        '<img src="https://t.esp.test/o.gif" width="0px" height=" 0 ">'
    )
    one = write_campaign(
        tmp_path, "one", body=f'<p><img src="https://cdn.shop.test/1.png">{pixels}</p>'
    )
    (single,) = only(check(one), "IMG001")
    assert (single.message, single.url) == (
        "image has no alt attribute",
        "https://cdn.shop.test/1.png",
    )


def test_links_lacking_the_same_utms_are_one_finding(tmp_path: Path) -> None:
    body = (
        '<p><a href="https://shop.test/a">Каталог</a></p>\n'
        '<p><a href="https://shop.test/b">Новинки</a></p>\n'
        '<p><a href="https://shop.test/a">Каталог ещё раз</a></p>\n'
        '<p><a href="https://shop.test/c?utm_source=email">Акции</a></p>\n'
        '<p><a href="https://shop.test/d#utm_source=email&utm_medium=email&utm_campaign=bf">'
        "Хиты</a></p>\n" + UNSUB_RU
    )
    sender: dict[str, Any] = {"from": "Shop <news@shop.test>"}  # its domain is tracked
    d = write_campaign(tmp_path, body=body, **sender)
    found = {f.message: (f.places, f.url) for f in only(check(d), "UTM001")}
    html = "email.html:{}".format
    assert found == {
        "2 links lack utm_source, utm_medium, utm_campaign: https://shop.test/a, "
        "https://shop.test/b": (
            tuple(html(n) for n in sorted(lines_of(d, "shop.test/a") + lines_of(d, "shop.test/b"))),
            None,
        ),
        "link lacks utm_medium, utm_campaign": (
            (html(lines_of(d, "shop.test/c")[0]),),
            "https://shop.test/c?utm_source=email",
        ),
        "link lacks utm_source, utm_medium, utm_campaign (utm_source, utm_medium, utm_campaign "
        "found after “#”, where analytics ignores it)": (
            (html(lines_of(d, "shop.test/d")[0]),),
            "https://shop.test/d#utm_source=email&utm_medium=email&utm_campaign=bf",
        ),
    }


def test_utms_escaped_twice_are_named_as_the_cause(tmp_path: Path) -> None:
    # an editor that escapes an already escaped link: "&amp;amp;" in the HTML is "&amp;" in
    # the URL, and analytics reads the keys "amp;utm_medium", "amp;utm_campaign"
    body = (
        '<p><a href="https://shop.test/a?utm_source=email&amp;amp;utm_medium=email'
        '&amp;amp;utm_campaign=bf">Скидки</a></p>\n'
        '<p><a href="https://shop.test/b?utm_source=email&amp;amp;utm_medium=email'
        '&amp;amp;utm_campaign=bf">Новинки</a></p>\n' + UNSUB_RU
    )
    sender: dict[str, Any] = {"from": "Shop <news@shop.test>"}  # its domain is tracked
    d = write_campaign(tmp_path, body=body, **sender)
    [finding] = only(check(d), "UTM001")
    assert finding.message == (
        "2 links lack utm_medium, utm_campaign (utm_medium, utm_campaign written after "
        "“&amp;amp;”: the link is HTML-escaped twice, so analytics reads “amp;utm_medium”): "
        "https://shop.test/a?utm_source=email&amp;utm_medium=email&amp;utm_campaign=bf, "
        "https://shop.test/b?utm_source=email&amp;utm_medium=email&amp;utm_campaign=bf"
    )
    assert finding.places == (
        f"email.html:{lines_of(d, 'shop.test/a')[0]}",
        f"email.html:{lines_of(d, 'shop.test/b')[0]}",
    )


def test_utms_after_a_second_question_mark_are_named_as_the_cause(tmp_path: Path) -> None:
    # a UTM tail pasted with its own "?" onto a URL that had one: utm_source's key is inside
    # the value of "color"
    href = "https://shop.test/a?color=red?utm_source=email&utm_medium=email&utm_campaign=bf"
    body = f'<p><a href="{href.replace("&", "&amp;")}">Скидки</a></p>\n' + UNSUB_RU
    sender: dict[str, Any] = {"from": "Shop <news@shop.test>"}
    d = write_campaign(tmp_path, body=body, **sender)
    [finding] = only(check(d), "UTM001")
    assert finding.message == (
        "link lacks utm_source (utm_source written after a second “?”, inside the value before "
        "that “?”)"
    )
    assert (finding.url, finding.places) == (href, (f"email.html:{lines_of(d, 'shop.test/a')[0]}",))


def test_a_second_question_mark_is_utm001s_finding_alone(tmp_path: Path) -> None:
    # "?utm_medium=" pasted after utm_source's value: analytics reads utm_source as
    # "email?utm_medium=email" and no utm_medium. UTM001 names the cause; UTM002 also said the
    # value differs from [utm]'s "email", and UTM003 that it has upper case: one cause
    href = "https://shop.test/a?utm_source=email?utm_medium=Email&utm_campaign=bf"
    body = f'<p><a href="{href.replace("&", "&amp;")}">Скидки</a></p>\n' + UNSUB_RU
    utm = {"utm": {"utm_source": "email", "utm_campaign": "bf"}}
    d = write_campaign(tmp_path, body=body, tables=utm)
    result = check(d)
    [finding] = only(result, "UTM001")
    assert finding.message == (
        "link lacks utm_medium (utm_medium written after a second “?”, inside the value before "
        "that “?”)"
    )
    assert (finding.url, finding.places) == (href, (f"email.html:{lines_of(d, 'shop.test/a')[0]}",))
    assert only(result, "UTM002") == only(result, "UTM003") == []
    # without UTM001, the value analytics reads is UTM002's (and its upper case said there)
    alone = check(d, Config(root=tmp_path, ignore=("UTM001",)))
    [utm002] = only(alone, "UTM002")
    assert utm002.message == (
        "utm_source='email?utm_medium=Email', the campaign sets 'email': upper-case letters "
        "(analytics splits rows by case)"
    )
    assert only(alone, "UTM003") == []


def test_a_tail_after_a_second_question_mark_that_utm001_does_not_need_is_utm002s(
    tmp_path: Path,
) -> None:
    # utm_content is not required: UTM001 has nothing to say, so the value is UTM002's
    href = "https://shop.test/a?utm_source=email&utm_medium=email&utm_campaign=bf?utm_content=top"
    body = f'<p><a href="{href.replace("&", "&amp;")}">Скидки</a></p>\n' + UNSUB_RU
    d = write_campaign(tmp_path, body=body, tables={"utm": {"utm_campaign": "bf"}})
    result = check(d)
    assert only(result, "UTM001") == []
    [utm002] = only(result, "UTM002")
    assert (utm002.message, utm002.url) == (
        "utm_campaign='bf?utm_content=top', the campaign sets 'bf'",
        href,
    )


def test_utms_in_a_routes_query_after_the_hash_are_all_named(tmp_path: Path) -> None:
    # a single-page shop's route: "#/sale?utm_source=…" (the keys of "#utm_source=…" were named,
    # those of a query after "#" were not: utm_source read as "/sale?utm_source")
    href = "https://shop.test/#/sale?utm_source=email&utm_medium=email&utm_campaign=bf"
    body = f'<p><a href="{href.replace("&", "&amp;")}">Скидки</a></p>\n' + UNSUB_RU
    d = write_campaign(tmp_path, body=body)
    [finding] = only(check(d), "UTM001")
    assert (finding.message, finding.url) == (
        "link lacks utm_source, utm_medium, utm_campaign (utm_source, utm_medium, utm_campaign "
        "found after “#”, where analytics ignores it)",
        href,
    )


def test_a_utm_value_a_template_variable_fills_is_judged_by_personalisation(
    tmp_path: Path,
) -> None:
    # utm_campaign={{ campaign }} with no fallback renders empty for a recipient without it:
    # PER001 says so; UTM003 said "utm_campaign='': empty value" of the same variable
    body = (
        '<p><a href="https://shop.test/a?utm_source=email&amp;utm_medium=email'
        '&amp;utm_campaign={{ campaign }}">Скидки</a></p>\n' + UNSUB_RU
    )
    d = write_campaign(tmp_path, body=body, template="jinja")
    result = check(d)
    [per001] = only(result, "PER001")
    assert "“campaign”" in per001.message
    assert only(result, "UTM003") == []
    # a value the template writes is still UTM003's
    written = write_campaign(
        tmp_path, "written", body=body.replace("{{ campaign }}", "Black Friday"), template="jinja"
    )
    [utm003] = only(check(written), "UTM003")
    assert utm003.message.startswith("utm_campaign='Black Friday': contains spaces")


def test_a_tag_left_in_a_utm_value_is_per003_alone(tmp_path: Path) -> None:
    # a sent test send whose ESP did not fill {{CampaignName}}: PER003 and UTM003 said it twice
    eml = tmp_path / "sent.eml"
    eml.write_text(
        "Received: from esp.test by mx.test; Mon, 30 Nov 2026 10:00:00 +0000\n"
        "From: Shop <news@shop.test>\nSubject: Sale\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        '<p><a href="https://shop.test/sale?utm_source=email&utm_medium=email'
        '&utm_campaign={{CampaignName}}">Sale</a></p>' + UNSUB_EN + "\n",
        encoding="utf-8",
    )
    result = check(eml)
    assert [f.code for f in only(result, "PER003")] == ["PER003"]
    assert only(result, "UTM003") == []
    alone = check(eml, Config(ignore=("PER003",)))
    [utm003] = only(alone, "UTM003")
    assert utm003.message.startswith("utm_campaign='{{CampaignName}}': unrendered merge tag")


def test_a_tag_left_as_a_whole_link_is_per003s_at_the_links_line(tmp_path: Path) -> None:
    # a test send whose ESP filled neither {{CatalogUrl}} nor {{Banner}}: LNK003 ("unrendered
    # merge tag as the whole link") and PER003 ("… in the links", with no line) said it twice
    eml = tmp_path / "sent.eml"
    eml.write_text(
        "Received: from esp.test by mx.test; Mon, 30 Nov 2026 10:00:00 +0000\n"
        "From: Shop <news@shop.test>\nSubject: Sale\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        "<html><body>\n"
        '<p><a href="{{CatalogUrl}}">Каталог</a></p>\n'
        '<p><img src="{{Banner}}" alt="Баннер"></p>\n'
        '<p><a href="{{CatalogUrl}}">Ещё раз</a></p>\n' + UNSUB_RU + "\n</body></html>\n",
        encoding="utf-8",
    )
    result = check(eml)
    assert only(result, "LNK003") == []
    found = {f.message: (f.places, f.url) for f in only(result, "PER003")}
    assert found == {
        "unrendered merge tag {{CatalogUrl}} in the links": (
            ("sent.eml:8", "sent.eml:10"),
            "{{CatalogUrl}}",
        ),
        "unrendered merge tag {{Banner}} in the links": (("sent.eml:9",), "{{Banner}}"),
    }
    # without PER003 the links are LNK003's, so that nothing goes unsaid
    alone = check(eml, Config(root=tmp_path, ignore=("PER003",)))
    assert sorted(f.message for f in only(alone, "LNK003")) == [
        "2 links (“Каталог”, “Ещё раз”): unrendered merge tag as the whole link: {{CatalogUrl}}",
        "image (“Баннер”): unrendered merge tag as the whole link: {{Banner}}",
    ]


def test_per001_quotes_what_the_sample_recipients_named_would_receive(tmp_path: Path) -> None:
    # it named samples 2 and 4 beside the null case's "reads “None”", which neither receives
    # (their name is ""); and ", −30% на всё" was not read as broken at all (a QA probe)
    d = write_campaign(
        tmp_path,
        subject="{{ first_name }}, −30% на всё",
        body=UNSUB_RU,
        template="jinja",
        samples="r.json",
        files={"r.json": SAMPLES},
    )
    [per001] = only(check(d), "PER001")
    assert per001.message == (
        '“first_name” has no fallback or guard: with first_name = "" the subject reads '
        "“, −30% на всё”; sample 2 would receive it"
    )
    assert per001.places == ("subject",)


def test_a_variable_no_sample_has_is_one_finding_in_the_body_too(tmp_path: Path) -> None:
    """«Привет, {{ last_name }}!» and samples without a last_name column: one cause, one
    PER001 naming the samples that receive «Привет, !». In the body it was also a PER002 (the
    probe's "which of the sample's own breakages does a value mend" looked the body up under
    the wrong name), two caught errors in the launch KPI for one defect (a QA probe)."""
    d = write_campaign(
        tmp_path,
        body="<p>Привет, {{ last_name }}!</p>" + UNSUB_RU,
        template="jinja",
        samples="r.csv",
        files={"r.csv": "email,first_name\na@x.test,Анна\nb@x.test,\n"},
    )
    result = check(d)
    assert [f.code for f in result.findings if f.severity.value == "error"] == ["PER001"]
    [per001] = only(result, "PER001")
    assert "the text reads “Привет, !”; r.csv:2 (Анна), r.csv:3 would receive it" in (
        per001.message
    )


def _test_send(tmp_path: Path, html: str, text: str) -> Path:
    return write_test_send(tmp_path / "send.eml", text=text.encode(), html=html.encode())


def test_per002_reads_a_test_sends_text_part_too(tmp_path: Path) -> None:
    # "Привет, !" in the text part alone passed as "ok": only the HTML was read (a QA probe)
    html = f"<p>Привет, Анна!</p>{UNSUB_RU}"
    [per002] = only(check(_test_send(tmp_path, html, "Привет, !")), "PER002")
    # at the line of the text part, as other findings name a test send's parts
    assert (per002.message, per002.places) == ("broken text: “Привет, !”", ("send.eml:10",))
    # in both parts: one finding at both
    broken = _test_send(tmp_path, f"<p>Привет, !</p>{UNSUB_RU}", "Привет, !")
    [per002] = only(check(broken), "PER002")
    assert per002.places == ("send.eml:14", "send.eml:10")  # (the file's lines)
    # written twice in each part: every line (a review probe: only the first was named)
    twice = _test_send(
        tmp_path,
        f"<p>Привет, !</p>\n<p>Ок</p>\n<p>Привет, !</p>{UNSUB_RU}",
        "Привет, !\nОк\nПривет, !",
    )
    [per002] = only(check(twice), "PER002")
    assert per002.places == ("send.eml:16", "send.eml:18", "send.eml:10", "send.eml:12")


def test_per002_reads_a_greeting_with_a_gender_ending_or_an_honorific(tmp_path: Path) -> None:
    # a QA probe: «Уважаемый(ая) , ждём вас», «Уважаемый(-ая) !», "Dear Mr. , thank you" in a
    # sent .eml passed, while «Уважаемый ,» and "Hello ," were caught
    for html, plain, said in [
        ("<p>Уважаемый(ая) , ждём вас</p>", "Уважаемый(ая) , ждём вас", "Уважаемый(ая) ,"),
        ("<p>Уважаемый(-ая) !</p>", "Уважаемый(-ая) !", "Уважаемый(-ая) !"),
        ("<p>Dear Mr. , thank you</p>", "Dear Mr. , thank you", "Dear Mr. ,"),
    ]:
        [per002] = only(check(_test_send(tmp_path, html + UNSUB_RU, plain)), "PER002")
        assert per002.message == f"broken text: “{said}”"
        assert per002.places == ("send.eml:14", "send.eml:10")
    # with the name: nothing to say
    named = _test_send(tmp_path, f"<p>Уважаемый(ая) Иван, ждём вас</p>{UNSUB_RU}", "Hi")
    assert only(check(named), "PER002") == []


def test_a_part_labelled_utf8_in_windows_1251_is_one_error_for_its_parts(tmp_path: Path) -> None:
    # mailcheck read the bytes as windows-1251 and said "ok"; a mail client reads the label,
    # a "�" for every letter (a QA probe)
    body = "Привет, Анна! Скидки недели.".encode("cp1251")
    send = write_test_send(tmp_path / "send.eml", text=body, html=b"<p>" + body + b"</p>")
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("text/html part", "text/plain part")
    assert brf003.message.startswith(
        "labelled charset=utf-8, but the bytes are windows-1251: mail clients read them"
    )
    # the same bytes labelled as they are: nothing to say
    send.write_bytes(send.read_bytes().replace(b"charset=utf-8", b"charset=windows-1251"))
    assert only(check(send), "BRF003") == []


def test_koi8_r_and_windows_1251_swapped_are_one_error_read_as_meant(tmp_path: Path) -> None:
    # read as labelled, «оПХБЕР» passed, and «Отписаться» garbled was no unsubscribe link
    # (a false UTM001 on it): clients read the label (a QA probe)
    text = "Привет, Анна! Скидки недели ждут тебя."
    html = f"<p>{text}</p>{UNSUB_RU}"
    send = write_test_send(
        tmp_path / "send.eml",
        text=text.encode("koi8_r"),
        html=html.encode("koi8_r"),
        charset=b"windows-1251",
    )
    result = check(send)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("text/html part", "text/plain part")
    assert brf003.message.startswith(
        "labelled charset=windows-1251, but the bytes are koi8-r: mail clients read them as "
        "windows-1251 and show every Cyrillic letter as another («Привет» as «рТЙЧЕФ»)"
    )
    assert [f.code for f in result.findings if f.code in ("UNS001", "UTM001")] == []
    # the subject's encoded word the other way round
    word = b"=?koi8-r?B?" + base64.b64encode(text.encode("cp1251")) + b"?="
    write_test_send(send, text=b"Hi", html=html.encode(), subject=word)
    [brf003] = only(check(send), "BRF003")
    assert brf003.places == ("subject",)
    assert "«Привет» as «оПХБЕР»" in brf003.message
    # labelled right, or Russian in capitals (no word of inverted case): nothing to say
    write_test_send(
        send, text=b"Hi", html=html.encode(), subject=word.replace(b"koi8-r", b"cp1251")
    )
    assert only(check(send), "BRF003") == []
    caps = b"=?koi8-r?B?" + base64.b64encode("СКИДКИ НЕДЕЛИ ЖДУТ ТЕБЯ".encode("koi8_r")) + b"?="
    write_test_send(send, text=b"Hi", html=html.encode(), subject=caps)
    assert only(check(send), "BRF003") == []


RUSSIAN_PAGE = (
    "<!doctype html><html><head>{meta}<title>Скидки недели</title></head><body>"
    "<p>Привет, Анна! Скидки недели ждут тебя.</p>" + UNSUB_RU + "</body></html>"
)


@pytest.mark.parametrize(
    ("meta", "codec", "said"),
    [
        (
            '<meta charset="windows-1251">',
            "utf-8",
            "labelled charset=windows-1251 in its <meta>, but the bytes are UTF-8: browsers, and "
            "mail clients that read the <meta>, read them as windows-1251 and show each letter "
            "beyond ASCII as two or three others («Привет» as «РџСЂРёРІРµС‚») (declare "
            "charset=utf-8)",
        ),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
            "cp1251",
            "labelled charset=utf-8, but the bytes are windows-1251: mail clients read them as "
            "UTF-8 and show “�” for every letter beyond ASCII",
        ),
        (
            '<meta charset="windows-1251">',
            "koi8_r",
            "labelled charset=windows-1251, but the bytes are koi8-r: mail clients read them as "
            "windows-1251 and show every Cyrillic letter as another («Привет» as «рТЙЧЕФ»)",
        ),
    ],
)
def test_a_bare_html_whose_meta_names_another_charset_is_one_brf003_error(
    tmp_path: Path, meta: str, codec: str, said: str
) -> None:
    # BRF003's own example passed silently: mailcheck read the bytes as they are, a browser
    # reads the <meta> (a QA probe)
    page = tmp_path / "email.html"
    page.write_bytes(RUSSIAN_PAGE.format(meta=meta).encode(codec))
    result = check(page)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("email.html:1",)
    assert brf003.message.startswith(said)
    # the text is read as meant: «Отписаться» is the unsubscribe link
    assert only(result, "UNS001") == []
    # the same in a campaign directory's HTML
    campaign = write_campaign(tmp_path, html="")
    (campaign / "email.html").write_bytes(page.read_bytes())
    [brf003] = only(check(campaign), "BRF003")
    assert brf003.places == ("email.html:1",) and brf003.message.startswith(said)


def test_a_western_page_in_utf8_under_a_latin_label_says_so_with_its_own_word(
    tmp_path: Path,
) -> None:
    page = tmp_path / "email.html"
    body = "<p>Café crème, déjà vu.</p>" + UNSUB_EN
    page.write_bytes(f'<meta charset="iso-8859-1"><title>Sale</title>{body}'.encode())
    [brf003] = only(check(page), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert "charset=iso-8859-1 in its <meta>, but the bytes are UTF-8" in brf003.message
    assert "(«Café» as «CafÃ©»)" in brf003.message
    # a single sign is as certain: "©" read as windows-1252 is "Â©", which no text writes
    page.write_bytes(f'<meta charset="windows-1252"><p>Sale</p>{UNSUB_EN}<p>© Shop</p>'.encode())
    [brf003] = only(check(page), "BRF003")
    assert brf003.places == ("email.html:1",)


def test_a_meta_in_a_comment_is_no_label(tmp_path: Path) -> None:
    # an old <meta> commented out above the real one was taken for the label: a false BRF003
    # on a UTF-8 page (a QA probe). A browser's prescan skips comments: the first <meta>
    # outside them is the label
    page = tmp_path / "email.html"
    old = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    meta = f'<!-- old: {old} -->\n<meta charset="utf-8">'
    page.write_bytes(RUSSIAN_PAGE.format(meta=meta).encode())
    assert only(check(page), "BRF003") == []
    # "<!-->" is a whole comment: the <meta> after it is read, and the first outside wins
    meta = f'<!--><meta charset="windows-1251"><!-- <meta charset="utf-8"> -->{old}'
    page.write_bytes(RUSSIAN_PAGE.format(meta=meta).encode())
    [brf003] = only(check(page), "BRF003")
    assert brf003.places == ("email.html:1",)
    assert brf003.message.startswith("labelled charset=windows-1251 in its <meta>")


def test_a_meta_naming_another_charset_is_told_at_its_line(tmp_path: Path) -> None:
    # the finding named the file alone: the <meta> to change is on line 3
    page = tmp_path / "email.html"
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    html = f"<!doctype html>\n<html><head>\n  {meta}\n<title>Sale</title></head>\n"
    page.write_bytes(f"{html}<body><p>Café crème</p>{UNSUB_EN}</body></html>".encode())
    [brf003] = only(check(page), "BRF003")
    assert brf003.places == ("email.html:3",)
    # the label as a charset is written, not Python's codec name "iso8859-1"
    assert brf003.message.startswith("labelled charset=iso-8859-1 in its <meta>")


@pytest.mark.parametrize(
    "unseen",
    [
        "<!-- Вёрстка: Иван, правки от 12.03 -->",
        "<script>var author = 'Иван — вёрстка';</script>",
        "<style>/* Вёрстка: Иван */ p { color: #333 }</style>",
    ],
)
def test_text_no_reader_sees_is_no_brf003(tmp_path: Path, unseen: str) -> None:
    # an English page labelled windows-1251 whose one UTF-8 text is a comment was a BRF003
    # error quoting a made-up «Привет»: nobody sees a comment garbled (a QA probe)
    page = tmp_path / "email.html"
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    html = f"<html><head>{head}<title>Spring news</title>\n{unseen}\n</head><body>"
    page.write_bytes(f"{html}<p>Hello! Our spring collection is here.</p>{UNSUB_EN}".encode())
    assert only(check(page), "BRF003") == []
    # what Outlook shows of a conditional comment is seen
    page.write_bytes(
        f"{html}<!--[if mso]><p>Вёрстка: Иван</p><![endif]--><p>Hello!</p>{UNSUB_EN}".encode()
    )
    [brf003] = only(check(page), "BRF003")
    assert brf003.places == ("email.html:1",)


def test_a_mislabelled_page_is_quoted_by_its_own_visible_text(tmp_path: Path) -> None:
    # an English page's "—" under ISO-8859-1 was explained with «Привет» as «ÐŸÑ€Ð¸Ð²ÐµÑ‚»;
    # its "&copy;" is read right by everyone: not the example either
    page = tmp_path / "email.html"
    body = f"<p>Hello!</p>{UNSUB_EN}<p>&copy; 2026 Shop — all rights reserved</p>"
    page.write_bytes(f'<meta charset="windows-1252"><!-- Привет -->{body}'.encode())
    [brf003] = only(check(page), "BRF003")
    assert brf003.places == ("email.html:1",)
    assert "(«—» as «â€”»)" in brf003.message
    assert "Привет" not in brf003.message


@pytest.mark.parametrize(
    ("meta", "codec"),
    [
        ('<meta charset="windows-1251">', "cp1251"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">', "koi8_r"),
        ('<meta charset="utf-8">', "utf-8"),
        ("", "utf-8"),  # UTF-8 with no label: the ESP labels the part it sends
        ('<meta charset="windows-1251">', "utf-8-sig"),  # the byte-order mark wins, in browsers
        # one letter beyond ASCII could be chance: not told
        ('<meta charset="windows-1252">', "utf-8"),
    ],
)
def test_a_bare_html_read_as_its_meta_says_is_no_brf003(
    tmp_path: Path, meta: str, codec: str
) -> None:
    page = tmp_path / "email.html"
    html = RUSSIAN_PAGE.format(meta=meta)
    if meta == '<meta charset="windows-1252">':
        html = f"{meta}<title>Sale</title><p>Café</p>{UNSUB_EN}"
    page.write_bytes(html.encode(codec))
    assert only(check(page), "BRF003") == []


@pytest.mark.parametrize(
    ("label", "codec", "shown"),
    [
        ("koi8-r", "cp1251", "«СКИДКА» as «яйхдйю»"),
        ("windows-1251", "koi8_r", "«СКИДКА» as «улйдлб»"),
    ],
)
def test_capitals_in_koi8_r_and_windows_1251_swapped_are_the_same_error(
    tmp_path: Path, label: str, codec: str, shown: str
) -> None:
    # Russian in capitals read with the other table is lower-case, as Russian is: no word of
    # inverted case told it, and «СКИДКА 50% НА ВСЁ» as «яйхдйю 50% мю бя╗» passed (a QA probe)
    html = f"<p>Привет, Анна!</p>{UNSUB_RU}".encode()
    subject = "СКИДКА 50% НА ВСЁ".encode(codec)
    word = b"=?" + label.encode() + b"?B?" + base64.b64encode(subject) + b"?="
    send = write_test_send(tmp_path / "send.eml", text=b"Hi", html=html, subject=word)
    result = check(send)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("subject",)
    assert brf003.message.startswith(f"labelled charset={label}, but the bytes are ")
    assert shown in brf003.message
    loaded = load(send, str(send), Config(root=tmp_path))
    assert loaded.subject == "СКИДКА 50% НА ВСЁ"  # read as meant
    # a body part in capitals the same, and the subject with it: one finding
    caps = f"<p>ЧЁРНАЯ ПЯТНИЦА: СКИДКИ НА ВСЁ ДО ВОСКРЕСЕНЬЯ</p>{UNSUB_RU.replace('Отписаться', 'ОТПИСАТЬСЯ')}"
    write_test_send(send, text=b"Hi", html=caps.encode(codec), subject=word, charset=label.encode())
    [brf003] = only(check(send), "BRF003")
    assert brf003.places == ("subject", "text/html part")
    # and a bare HTML file's <meta>
    page = tmp_path / "email.html"
    page.write_bytes(f'<meta charset="{label}">{caps}'.encode(codec))
    [brf003] = only(check(page), "BRF003")
    assert brf003.places == ("email.html:1",)


MIXED_CASE_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset={label}">'
    "<title>РАСПРОДАЖА</title></head>\n<body><p>СКИДКА 50% НА ВСЁ ДО КОНЦА НЕДЕЛИ. ТОЛЬКО "
    'ДЛЯ ПОДПИСЧИКОВ</p>\n<p><a href="https://shop.test/sale">Перейти</a></p>\n'
    f"{UNSUB_RU}\n</body></html>"
)


@pytest.mark.parametrize(("label", "codec"), [("windows-1251", "koi8_r"), ("koi8-r", "cp1251")])
def test_capitals_swapped_beside_links_in_normal_case_are_brf003(
    tmp_path: Path, label: str, codec: str
) -> None:
    # a title and a paragraph in capitals with «Перейти» and «Отписаться» in normal case
    # (three in four letters capitals) passed: the capitals test wanted nine in ten of the
    # whole text, and the links' few inverted words are no case test (a QA probe)
    page = tmp_path / "email.html"
    page.write_bytes(MIXED_CASE_PAGE.format(label=label).encode(codec))
    result = check(page)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("email.html:1",)  # the <meta>'s line
    assert "(«СКИДКА» as «" in brf003.message  # the page's own word
    assert brf003.message.startswith(f"labelled charset={label}, but the bytes are ")
    assert only(result, "UNS001") == []  # read as meant: «Отписаться» is the way out
    # labelled as they are: nothing to say
    other = {"cp1251": "windows-1251", "koi8_r": "koi8-r"}[codec]
    page.write_bytes(MIXED_CASE_PAGE.format(label=other).encode(codec))
    assert only(check(page), "BRF003") == []


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
@pytest.mark.parametrize(
    "text",
    [
        "СКИДКА 50% НА ВСЁ",
        "ЧЁРНАЯ ПЯТНИЦА: СКИДКИ НА ВСЁ ДО ВОСКРЕСЕНЬЯ",
        "привет, анна! скидки недели ждут тебя до воскресенья",  # lower-case read right
        "ГГГГГГГГГГГГГГГ ОООООООООО",  # no Russian: no certainty either way
    ],
)
def test_capitals_labelled_as_they_are_are_no_brf003(tmp_path: Path, codec: str, text: str) -> None:
    label = {"cp1251": b"windows-1251", "koi8_r": b"koi8-r"}[codec]
    word = b"=?" + label + b"?B?" + base64.b64encode(text.encode(codec)) + b"?="
    html = f"<p>{text}</p>{UNSUB_RU}".encode(codec)
    send = write_test_send(
        tmp_path / "send.eml", text=b"Hi", html=html, subject=word, charset=label
    )
    assert only(check(send), "BRF003") == []


SWAPS = [
    # (the label, the bytes' codec, how the label shows «Привет»)
    ("koi8-r", "cp1251", "оПХБЕР"),
    ("windows-1251", "koi8_r", "рТЙЧЕФ"),
]
SHORT_RU = "Привет, скидки"  # 13 letters
LONG_RU = "Здравствуйте, Анна! Рассада томатов и перцев со скидкой до конца апреля."


@pytest.mark.parametrize(("label", "codec", "shown"), SWAPS)
@pytest.mark.parametrize("text", [SHORT_RU, LONG_RU])
def test_koi8_r_and_windows_1251_swapped_either_way_in_a_subject(
    tmp_path: Path, label: str, codec: str, shown: str, text: str
) -> None:
    # windows-1251 labelled koi8-r passed, subject and body alike: its garbled reading keeps
    # its vowels («гДПЮБЯРБСИРЕ»), and the test wanted a third of them at most; and a text
    # under 15 letters was never told (a QA probe)
    word = b"=?" + label.encode() + b"?B?" + base64.b64encode(text.encode(codec)) + b"?="
    html = f"<p>Привет, Анна!</p>{UNSUB_RU}".encode()
    send = write_test_send(tmp_path / "send.eml", text=b"Hi", html=html, subject=word)
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("subject",)
    other = charset_name(codec)
    word_meant = "Привет" if text == SHORT_RU else "Здравствуйте"
    shown_word = word_meant.encode(codec).decode(known_charset(label) or label)
    assert brf003.message == (
        f"labelled charset={label}, but the bytes are {other}: mail clients read them as "
        f"{label} and show every Cyrillic letter as another («{word_meant}» as «{shown_word}») "
        f"(declare charset={other}, or encode the text in UTF-8)"
    )
    assert "Привет".encode(codec).decode(known_charset(label) or label) == shown
    loaded = load(send, str(send), Config(root=tmp_path))
    assert loaded.subject == text  # read as meant


@pytest.mark.parametrize(("label", "codec", "shown"), SWAPS)
def test_koi8_r_and_windows_1251_swapped_either_way_in_the_from_name(
    tmp_path: Path, label: str, codec: str, shown: str
) -> None:
    # another encoded header: the From's display name, 14 letters
    word = b"=?" + label.encode() + b"?B?" + base64.b64encode("Магазин Ромашка".encode(codec))
    html = f"<p>Hello</p>{UNSUB_EN}".encode()
    send = write_test_send(tmp_path / "send.eml", text=b"Hi", html=html)
    send.write_bytes(send.read_bytes().replace(b"From: Shop", b"From: " + word + b"?="))
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("headers:2",)
    assert brf003.message.startswith(f"labelled charset={label}, but the bytes are ")
    assert f"(«Привет» as «{shown}»)" in brf003.message  # no word of the text is quoted


@pytest.mark.parametrize(("label", "codec", "shown"), SWAPS)
def test_koi8_r_and_windows_1251_swapped_either_way_in_the_body(
    tmp_path: Path, label: str, codec: str, shown: str
) -> None:
    # a long text in both parts: one finding at both
    html = f"<p>{LONG_RU}</p>{UNSUB_RU}".encode(codec)
    send = write_test_send(
        tmp_path / "send.eml", text=LONG_RU.encode(codec), html=html, charset=label.encode()
    )
    result = check(send)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("text/html part", "text/plain part")
    assert brf003.message.startswith(f"labelled charset={label}, but the bytes are ")
    assert only(result, "UNS001") == []  # read as meant: «Отписаться» is the way out
    # a short text part beside an English HTML: the text part alone
    html = f"<p>Hello</p>{UNSUB_EN}".encode()
    write_test_send(send, text=SHORT_RU.encode(codec), html=html, charset=label.encode())
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("text/plain part",)
    assert f"(«Привет» as «{shown}»)" in brf003.message


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
@pytest.mark.parametrize(
    "text",
    [
        SHORT_RU,
        LONG_RU,
        "Привет",
        # typed with Caps Lock on: the case of a swap, but read right it is the Russian
        "пРИВЕТ, СКИДКИ",
        "хОЧУ ПОЙТИ НА РАСПРОДАЖУ",
        "вПРОЧЕМ, ПОБЕДНУЮ ПОСТУПЬ",
    ],
)
def test_russian_labelled_as_it_is_is_no_swap(tmp_path: Path, codec: str, text: str) -> None:
    label = charset_name(codec).encode()
    word = b"=?" + label + b"?B?" + base64.b64encode(text.encode(codec)) + b"?="
    html = f"<p>{text}</p>{UNSUB_RU}".encode(codec)
    send = write_test_send(
        tmp_path / "send.eml", text=text.encode(codec), html=html, subject=word, charset=label
    )
    assert only(check(send), "BRF003") == []


def test_a_subject_word_labelled_utf8_in_windows_1251_is_the_same_error(tmp_path: Path) -> None:
    # =?utf-8?B?<windows-1251 bytes>?= was read as windows-1251 and passed; Gmail and
    # Thunderbird follow the label: "������, ������ ���� ����" (a QA probe)
    word = b"=?utf-8?B?" + base64.b64encode("Привет, скидки ждут тебя".encode("cp1251")) + b"?="
    html = f"<p>Привет, Анна!</p>{UNSUB_RU}".encode()
    send = write_test_send(tmp_path / "send.eml", text=b"Hi", html=html, subject=word)
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("subject",)
    assert "the bytes are windows-1251" in brf003.message
    # the From's display name too, and the body parts the same encoder wrote: one cause, one
    # finding at every place
    body = f"<p>Привет, Анна!</p>{UNSUB_RU}".encode("cp1251")
    write_test_send(send, text="Привет".encode("cp1251"), html=body, subject=word)
    send.write_bytes(send.read_bytes().replace(b"From: Shop", b"From: " + word))
    [brf003] = only(check(send), "BRF003")
    assert brf003.places == ("subject", "headers:2", "text/html part", "text/plain part")


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        (b"koi8-r", "п÷я─п╦п╡п╣я┌"),
        (b"windows-1251", "РџСЂРёРІРµС‚"),  # was only ftfy's mojibake warning
        (b"iso-8859-1", "ÐŸÑ€Ð¸Ð²ÐµÑ‚"),
        (b"gb2312", "袩褉懈胁械褌"),
    ],
)
def test_a_part_labelled_another_charset_in_utf8_is_one_error_read_as_meant(
    tmp_path: Path, label: bytes, shown: str
) -> None:
    # a Russian test send labelled koi8-r in UTF-8 bytes: every client shows «п÷я─п╦п╡п╣я┌»,
    # and it passed, PRE001 quoting the garbled preview as the text (a QA probe). The same
    # reasoning as an HTML's <meta>: UTF-8 to the last byte under a single-byte label
    text = "Привет! Скидка 30% на всё до воскресенья."
    send = write_test_send(
        tmp_path / "send.eml",
        text=text.encode(),
        html=f"<p>{text}</p>{UNSUB_RU}".encode(),
        charset=label,
    )
    result = check(send)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("text/html part", "text/plain part")
    assert brf003.message == (
        f"labelled charset={label.decode()}, but the bytes are UTF-8: mail clients read them as "
        f"{label.decode()} and show each letter beyond ASCII as two or three others "
        f"(«Привет» as «{shown}») (declare charset=utf-8)"
    )
    # the text is read as meant: the preview PRE001 quotes, the unsubscribe link
    [pre001] = only(result, "PRE001")
    assert "“Привет! Скидка 30% на всё" in pre001.message
    assert only(result, "UNS001") == []
    # labelled as it is: nothing to say
    write_test_send(send, text=text.encode(), html=f"<p>{text}</p>{UNSUB_RU}".encode())
    assert only(check(send), "BRF003") == []


def test_chinese_utf8_under_gb2312_is_the_same_error_with_its_own_word(tmp_path: Path) -> None:
    # SpamScope's mail_test_12: UTF-8 «你好» labelled GB2312, which every client shows as
    # «浣犲ソ»; a double-byte label is told by four letters or more of one script
    text = "你好！我公司可代开各类发票。"
    send = write_test_send(
        tmp_path / "send.eml", text=text.encode(), html=f"<p>{text}</p>".encode(),
        charset=b"gb2312",
    )  # fmt: skip
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("text/html part", "text/plain part")
    assert "charset=gb2312, but the bytes are UTF-8" in brf003.message
    assert "(«你好» as «浣犲ソ»)" in brf003.message
    # GB2312 text whose bytes happen to be UTF-8 (three letters: «ģĥħ» of «模磨魔») is none
    gb = "模磨魔".encode("gb2312")
    assert gb.decode("utf-8") == "ģĥħ"
    write_test_send(send, text=gb, html=b"<p>" + gb + b"</p>", charset=b"gb2312")
    assert only(check(send), "BRF003") == []


@pytest.mark.parametrize(
    ("label", "text"),
    [
        (b"GB2312", "谢谢小雪"),  # its bytes read as UTF-8 «ллСѩ»: Cyrillic by coincidence
        (b"GB2312", "医药学校"),
        (b"GB2312", "目前全品"),  # … and Latin
        (b"EUC-KR", "치킨 치킨"),
    ],
)
def test_short_chinese_or_korean_whose_bytes_happen_to_be_utf8_is_no_brf003(
    tmp_path: Path, label: bytes, text: str
) -> None:
    # a QA probe: correct GB2312 «谢谢小雪» in a subject, a From name and a body was "UTF-8
    # under the label", quoting «ллСѩ» as «谢谢小雪»: 139 common hanzi are UTF-8 Cyrillic pairs
    codec = label.decode().lower()
    raw = text.encode(codec)
    assert raw.decode("utf-8")  # the coincidence this test is about
    word = b"=?" + label + b"?B?" + base64.b64encode(raw) + b"?="
    send = write_test_send(
        tmp_path / "send.eml", text=raw, html=b"<p>" + raw + b"</p>", subject=word,
        charset=label.lower(),
    )  # fmt: skip
    send.write_bytes(send.read_bytes().replace(b"From: Shop", b"From: " + word))
    assert only(check(send), "BRF003") == []


def test_a_from_name_in_utf8_under_another_label_is_said_as_a_messages_label(
    tmp_path: Path,
) -> None:
    # the From's line was given the <meta> wording and the body's word (a QA probe)
    word = b"=?koi8-r?B?" + base64.b64encode("Магазин Ромашка".encode()) + b"?="
    send = write_test_send(tmp_path / "send.eml", text=b"Hi", html=f"<p>Hi</p>{UNSUB_RU}".encode())
    send.write_bytes(send.read_bytes().replace(b"From: Shop", b"From: " + word))
    [brf003] = only(check(send), "BRF003")
    assert brf003.places == ("headers:2",)
    assert brf003.message == (
        "labelled charset=koi8-r, but the bytes are UTF-8: mail clients read them as koi8-r "
        "and show each letter beyond ASCII as two or three others («Магазин» as «п°п╟пЁп╟п╥п╦п╫») "
        "(declare charset=utf-8)"
    )


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        (b"koi8-r", "п·я│п╣п╫п╫я▐я▐"),
        (b"windows-1251", "РћСЃРµРЅРЅСЏСЏ"),
        (b"gb2312", "袨褋械薪薪褟褟"),
    ],
)
def test_a_subject_word_labelled_another_charset_in_utf8_is_the_same_error(
    tmp_path: Path, label: bytes, shown: str
) -> None:
    # =?koi8-r?B?<UTF-8 bytes>?= passed (a QA probe); windows-1251 was a mojibake warning
    word = b"=?" + label + b"?B?" + base64.b64encode("Осенняя распродажа".encode()) + b"?="
    html = f"<p>Привет, Анна!</p>{UNSUB_RU}".encode()
    send = write_test_send(tmp_path / "send.eml", text="Привет".encode(), html=html, subject=word)
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("subject",)
    assert f"(«Осенняя» as «{shown}»)" in brf003.message


def _send_with_labels(
    path: Path, *, html: bytes, text: bytes | None = None, subject: bytes = b"Sale",
    sender: bytes = b"Shop", html_type: bytes = b"text/html", text_type: bytes = b"text/plain",
) -> Path:  # fmt: skip
    """A test send whose parts' Content-Types are written as given (no charset: none)."""
    head = (
        b"Received: from mx.shop.test by mx.b.test; Fri, 4 Dec 2026 05:00:00 +0000\r\n"
        b"From: " + sender + b" <news@shop.test>\r\nSubject: " + subject + b"\r\n"
        b"List-Unsubscribe: <https://shop.test/unsub>\r\nMIME-Version: 1.0\r\n"
    )  # fmt: skip
    html_part = b"Content-Type: " + html_type + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    if text is None:
        path.write_bytes(head + html_part + html)
        return path
    text_part = b"Content-Type: " + text_type + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    path.write_bytes(
        head + b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n'
        + text_part + text + b"\r\n--b\r\n" + html_part + html + b"\r\n--b--\r\n"
    )  # fmt: skip
    return path


def test_a_part_naming_no_charset_with_bytes_beyond_ascii_is_one_warning(tmp_path: Path) -> None:
    # Content-Type: text/html, 8bit, windows-1251 bytes and no <meta charset>: mailcheck
    # guessed right and said nothing; RFC 2045 reads the part as US-ASCII and mail clients
    # guess, some wrongly (a QA probe)
    html = f"<p>Привет, Анна! Скидки недели ждут тебя.</p>{UNSUB_RU}".encode("cp1251")
    send = _send_with_labels(tmp_path / "send.eml", html=html)
    result = check(send)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.WARNING
    assert brf003.places == ("text/html part",)
    assert brf003.message.startswith(
        "no charset named for the text beyond ASCII in the text/html part (read here as "
        "windows-1251): RFC 2045 reads an unlabelled part as US-ASCII, and mail clients guess"
    )
    assert "(declare charset=windows-1251 in the part's Content-Type)" in brf003.message
    assert only(result, "UNS001") == []  # read as guessed: «Отписаться» is the link
    # both parts so written: one finding at both
    text = "Привет, Анна! Скидки недели.".encode("cp1251")
    _send_with_labels(send, html=html, text=text)
    [brf003] = only(check(send), "BRF003")
    assert brf003.places == ("text/html part", "text/plain part")
    # the text part alone, in UTF-8: the same warning, its guess named
    _send_with_labels(send, html=html, text="Привет, Анна!".encode(), html_type=b"text/html; charset=windows-1251")  # fmt: skip
    [brf003] = only(check(send), "BRF003")
    assert (brf003.places, brf003.severity) == (("text/plain part",), Severity.WARNING)
    assert "(read here as utf-8)" in brf003.message


# a Latin-1 English newsletter's text part with no charset=: ASCII art and "Café" (apache
# spamassassin welcomelists/linuxplanet, probe W b3/l1), lines 3 and 5
LATIN1_NEWS = (
    "Hello friends,\n\n·¸¸·´¯`·¸¸·´¯`·¸¸·´¯`·¸¸·\n\nYour weekly news. Café opens soon.\n\n"
    "Unsubscribe: https://shop.test/unsub\n"
).encode("latin-1")


def test_an_unlabelled_part_whose_charset_cannot_be_told_names_no_charset_to_declare(
    tmp_path: Path,
) -> None:
    # it was "read here as windows-1251" ("·ёё·ґЇ`", «Cafй») and the sender told to declare
    # charset=windows-1251, which would garble it: the guess is sure only when Cyrillic reads
    # as Russian words; else the finding says it could not be told, at the lines beyond ASCII
    html = f"<p>Hello, Anna!</p>{UNSUB_EN}".encode()
    send = _send_with_labels(
        tmp_path / "send.eml",
        html=html,
        html_type=b"text/html; charset=utf-8",
        text=LATIN1_NEWS,
    )
    result = check(send)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.WARNING
    assert brf003.places == ("send.eml:14", "send.eml:16")
    assert brf003.message.startswith(
        "no charset named for the text beyond ASCII in the text/plain part (line 14, 16), and "
        "which one it is could not be told (read here as windows-1252, a guess)"
    )
    assert "declare charset=windows" not in brf003.message
    assert "Café opens soon" in (result.campaign.text or "")  # read as Western, not Cyrillic


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_an_unlabelled_russian_part_still_names_its_charset(tmp_path: Path, codec: str) -> None:
    # Cyrillic that reads as Russian words: the guess is sure, the charset to declare named
    text = "Привет, Анна! Скидки недели ждут тебя.\nОтписаться: https://shop.test/unsub\n"
    html = f"<p>Привет, Анна!</p>{UNSUB_RU}".encode()
    send = _send_with_labels(
        tmp_path / "send.eml",
        html=html,
        html_type=b"text/html; charset=utf-8",
        text=text.encode(codec),
    )
    [brf003] = only(check(send), "BRF003")
    name = {"cp1251": "windows-1251", "koi8_r": "koi8-r"}[codec]
    assert brf003.places == ("text/plain part",)
    assert f"(read here as {name})" in brf003.message
    assert f"(declare charset={name} in the part's Content-Type)" in brf003.message


def test_a_latin1_html_file_without_a_meta_charset_is_told_no_charset_to_declare(
    tmp_path: Path,
) -> None:
    page = tmp_path / "email.html"
    english = (
        "<!doctype html><html><head><title>Weekly news</title></head><body>\n"
        "<p>Hello friends,</p>\n<p>·¸¸·´¯`·¸¸·´¯`·¸¸·´¯`</p>\n<p>Café opens soon.</p>\n"
        f"{UNSUB_EN}</body></html>\n"
    )
    page.write_bytes(english.encode("latin-1"))
    [brf003] = only(check(page), "BRF003")
    assert brf003.places == ("email.html:3", "email.html:4")
    assert brf003.message.startswith(
        "no charset named for email.html (line 3, 4), whose bytes are not UTF-8; which "
        "charset they are in could not be told (read here as windows-1252, a guess)"
    )
    assert "<meta charset" not in brf003.message


@pytest.mark.parametrize(
    ("html", "html_type"),
    [
        # ASCII needs no label
        (f"<p>Hello, Anna!</p>{UNSUB_EN}".encode(), b"text/html"),
        # a <meta charset> is the HTML's label
        (
            f'<meta charset="windows-1251"><p>Привет!</p>{UNSUB_RU}'.encode("cp1251"),
            b"text/html",
        ),
        # a charset= of the part
        (f"<p>Привет!</p>{UNSUB_RU}".encode("cp1251"), b"text/html; charset=windows-1251"),
        # text beyond ASCII only where no reader sees it
        (f"<!-- Вёрстка: Иван --><p>Hello!</p>{UNSUB_EN}".encode("cp1251"), b"text/html"),
    ],
)
def test_a_part_labelled_or_in_ascii_is_no_brf003(
    tmp_path: Path, html: bytes, html_type: bytes
) -> None:
    send = _send_with_labels(tmp_path / "send.eml", html=html, html_type=html_type)
    assert only(check(send), "BRF003") == []


def test_a_raw_8bit_subject_not_in_utf8_is_one_warning_for_every_header(tmp_path: Path) -> None:
    # "Subject: <windows-1251 bytes>" with no RFC 2047 word passed, shown decoded: a header is
    # ASCII or UTF-8, and clients guess a charset for other bytes (a QA probe)
    html = f"<p>Привет, Анна!</p>{UNSUB_RU}".encode("cp1251")
    subject = "Зимние новинки для вас".encode("cp1251")
    label = b"text/html; charset=windows-1251"
    send = _send_with_labels(tmp_path / "send.eml", html=html, html_type=label, subject=subject)
    result = check(send)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.WARNING
    assert brf003.places == ("subject",)
    assert brf003.message.startswith(
        "raw 8-bit bytes that are not UTF-8 in the subject header (read here as "
        "windows-1251): a header is ASCII (RFC 5322) or UTF-8 (RFC 6532)"
    )
    assert "the text may show garbled" in brf003.message
    # the From's display name so written too: one finding, both places
    _send_with_labels(send, html=html, html_type=label, subject=subject, sender="Лавка".encode("cp1251"))  # fmt: skip
    [brf003] = only(check(send), "BRF003")
    assert brf003.places == ("subject", "headers:2")
    assert "in the subject, From headers" in brf003.message


def test_raw_utf8_in_the_subject_and_from_is_no_brf003(tmp_path: Path) -> None:
    # RFC 6532 allows UTF-8 in header fields as it is
    html = f"<p>Привет, Анна!</p>{UNSUB_RU}".encode()
    send = _send_with_labels(
        tmp_path / "send.eml",
        html=html,
        html_type=b"text/html; charset=utf-8",
        subject="Зимние новинки для вас".encode(),
        sender="Лавка".encode(),
    )
    result = check(send)
    assert only(result, "BRF003") == []
    assert result.campaign.subject == "Зимние новинки для вас"


def test_a_bare_html_not_in_utf8_without_a_meta_charset_is_one_warning(tmp_path: Path) -> None:
    # a windows-1251 page without <meta charset> passed (its test said "no label: nothing to
    # contradict"): browsers and ESPs' upload tools guess its charset, not all right
    page = tmp_path / "email.html"
    page.write_bytes(RUSSIAN_PAGE.format(meta="").encode("cp1251"))
    result = check(page)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.WARNING
    assert brf003.places == ("email.html",)
    assert brf003.message.startswith(
        "no charset named for email.html (no <meta charset>), and its bytes are not UTF-8 "
        "(read here as windows-1251)"
    )
    # in UTF-8 it needs no label (the ESP labels the part it sends), and labelled it is fine
    page.write_bytes(RUSSIAN_PAGE.format(meta="").encode())
    assert only(check(page), "BRF003") == []
    page.write_bytes(RUSSIAN_PAGE.format(meta='<meta charset="windows-1251">').encode("cp1251"))
    assert only(check(page), "BRF003") == []


RUSSIAN_TEXT = "Привет, Анна! Скидки недели ждут тебя.\nОтписаться: https://shop.test/unsub\n"


def _campaign_in(tmp_path: Path, html: bytes, text: bytes) -> Path:
    """A campaign directory whose email.html and email.txt are these bytes."""
    d = write_campaign(tmp_path, text="email.txt")
    (d / "email.html").write_bytes(html)
    (d / "email.txt").write_bytes(text)
    return d


def test_a_campaign_text_file_not_in_utf8_is_the_same_brf003_warning(tmp_path: Path) -> None:
    # a windows-1251 email.txt passed silently while the same bytes in email.html were told; a
    # plain text file has no way to name its charset, so it must be UTF-8 (a review probe)
    html = RUSSIAN_PAGE.format(meta="").encode()
    d = _campaign_in(tmp_path, html, RUSSIAN_TEXT.encode("cp1251"))
    [brf003] = only(check(d), "BRF003")
    assert brf003.severity is Severity.WARNING
    assert brf003.places == ("email.txt",)
    assert brf003.message.startswith(
        "no charset named for email.txt (a plain text file cannot name one), and its bytes "
        "are not UTF-8 (read here as windows-1251)"
    )
    assert brf003.message.endswith("(save it as UTF-8)")
    assert "<meta" not in brf003.message


def test_a_campaign_html_and_text_not_in_utf8_are_one_brf003_warning(tmp_path: Path) -> None:
    # both files in windows-1251, neither labelled: one root cause, one finding at both (the
    # finding listed only email.html)
    html = RUSSIAN_PAGE.format(meta="").encode("cp1251")
    d = _campaign_in(tmp_path, html, RUSSIAN_TEXT.encode("cp1251"))
    [brf003] = only(check(d), "BRF003")
    assert brf003.severity is Severity.WARNING
    assert brf003.places == ("email.html", "email.txt")
    assert brf003.message.startswith(
        "no charset named for email.html (no <meta charset>) nor email.txt (a plain text file "
        "cannot name one), and their bytes are not UTF-8 (read here as windows-1251)"
    )
    assert 'the HTML may instead declare <meta charset="windows-1251">' in brf003.message
    # the HTML labelled by its <meta>: the text file alone
    html = RUSSIAN_PAGE.format(meta='<meta charset="windows-1251">').encode("cp1251")
    d = _campaign_in(tmp_path, html, RUSSIAN_TEXT.encode("koi8_r"))
    [brf003] = only(check(d), "BRF003")
    assert (brf003.places, brf003.severity) == (("email.txt",), Severity.WARNING)
    assert "(read here as koi8-r)" in brf003.message


@pytest.mark.parametrize(
    "text",
    [
        RUSSIAN_TEXT.encode(),  # UTF-8
        b"\xef\xbb\xbf" + RUSSIAN_TEXT.encode(),  # UTF-8 with a byte-order mark
        b"Hello, Anna! Unsubscribe: https://shop.test/unsub\n",  # ASCII
    ],
)
def test_a_campaign_text_file_in_utf8_or_ascii_is_no_brf003(tmp_path: Path, text: bytes) -> None:
    d = _campaign_in(tmp_path, RUSSIAN_PAGE.format(meta="").encode(), text)
    assert only(check(d), "BRF003") == []


def test_values_of_one_fault_in_the_same_links_are_one_utm003(tmp_path: Path) -> None:
    # upper case in utm_source and utm_campaign of the same three links: one slip of whoever
    # tagged them, one finding naming both values; a value in one link alone is its own
    tagged = (
        "https://shop.test/{p}?utm_source=SendBlaster&amp;utm_medium=email&amp;utm_campaign=Eu2-19"
    )
    body = (
        f'<p><a href="{tagged.format(p="a")}">Один</a></p>\n'
        f'<p><a href="{tagged.format(p="b")}">Два</a></p>\n'
        f'<p><a href="{tagged.format(p="c")}&amp;utm_content=Promo">Три</a></p>\n' + UNSUB_RU
    )
    d = write_campaign(tmp_path, body=body)
    findings = only(check(d), "UTM003")
    assert [(f.message, f.places) for f in findings] == [
        (
            "utm_source='SendBlaster', utm_campaign='Eu2-19': upper-case letters (analytics "
            "splits rows by case)",
            tuple(f"email.html:{n}" for n in lines_of(d, "SendBlaster")),
        ),
        (
            "utm_content='Promo': upper-case letters (analytics splits rows by case)",
            (f"email.html:{lines_of(d, 'Promo')[0]}",),
        ),
    ]


# -- LNK003: a layout's stand-ins of several kinds, one finding ------------------------------


def test_a_layouts_stand_ins_of_several_kinds_are_one_finding(tmp_path: Path) -> None:
    """“#” links and an “http://” with nothing after it: the layout never filled in, one fix
    (QA probe, session 29: 27 sendwithus layouts had two LNK003 each). A typo of a real
    address is another cause, its own finding."""
    body = "\n".join(
        [
            '<p><a href="#">Logo</a></p>',
            '<p><a href="#">facebook</a> <a href="#">twitter</a></p>',
            '<p><a href="http://">Come back!</a></p>',
            '<p><a href="htp://shop.test/sale">Sale</a></p>',
            UNSUB_EN,
        ]
    )
    d = write_campaign(tmp_path, body=body)
    hash_, http = lines_of(d, 'href="#"'), lines_of(d, 'href="http://"')
    typo = lines_of(d, "htp://")
    found = [(f.message, f.places) for f in only(check(d), "LNK003")]
    assert len(found) == 2
    assert (
        f"the layout's placeholders, never filled in: link to “#” (line {hash_[0]}, {hash_[1]}): "
        "3 links (“Logo”, “facebook”, “twitter”); “http://” with no address after it (line "
        f"{http[0]}): link (“Come back!”)",
        tuple(f"email.html:{n}" for n in (*hash_, *http)),
    ) in found
    assert [places for message, places in found if "htp:" in message] == [
        tuple(f"email.html:{n}" for n in typo)
    ]


def test_each_kind_of_stand_in_is_said_before_its_links_count(tmp_path: Path) -> None:
    """The count is the kind's: “11 links (“Shop the sale”, …): link to “#” (line …); link
    …” opened the finding with the “#” links' count, which read as the finding's total (QA
    probe, session 29). Each kind now comes first, with its lines, then its links counted."""
    names = ["Shop the sale", "Shoes", "Bags", "Hats", "Coats", "Socks", "Belts", "Scarves"]
    names += ["Gloves", "Boots", "Sale"]
    body = "\n".join(
        [
            *(
                f'<p><a href="#">{a}</a> <a href="#">{b}</a></p>'
                for a, b in zip(names[:-1:2], names[1::2], strict=True)
            ),
            f'<p><a href="#">{names[-1]}</a></p>',
            '<p><a href="http://">Shop shoes</a></p>',
            UNSUB_EN,
        ]
    )
    d = write_campaign(tmp_path, body=body)
    hash_, http = lines_of(d, 'href="#"'), lines_of(d, 'href="http://"')
    assert len(hash_) == 6 and len(http) == 1
    found = [(f.message, f.places) for f in only(check(d), "LNK003")]
    assert found == [
        (
            "the layout's placeholders, never filled in: link to “#” (line "
            f"{', '.join(map(str, hash_))}): 11 links (“Shop the sale”, “Shoes”, “Bags”, "
            f"“Hats”, “Coats”, …); “http://” with no address after it (line {http[0]}): link "
            "(“Shop shoes”)",
            tuple(f"email.html:{n}" for n in (*hash_, *http)),
        )
    ]


def test_one_kind_of_stand_in_is_said_as_before(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, body='<p><a href="#">Logo</a> <a href="#">Shop</a></p>' + UNSUB_EN)
    assert [f.message for f in only(check(d), "LNK003")] == [
        "2 links (“Logo”, “Shop”): link to “#”"
    ]


def test_placeholder_addresses_of_a_saved_message_are_one_finding() -> None:
    """flanker's multi-received-headers.eml: hello@example.com (lines 68, 72, 79 of the file)
    and example@example.com (line 76) were two LNK003."""
    from tests.test_corpus import corpus_root

    path = corpus_root() / "mailgun+flanker/tests/fixtures/messages/multi-received-headers.eml"
    found = [(f.message, f.places) for f in only(check(path), "LNK003")]
    assert found == [
        (
            "the layout's placeholders, never filled in: placeholder address hello@example.com "
            "(line 68, 72, 79): 3 links (“hello@example.com”); placeholder address "
            "example@example.com (line 76): link (“example@example.com”)",
            tuple(f"multi-received-headers.eml:{n}" for n in (68, 72, 76, 79)),
        )
    ]


def test_stand_ins_in_the_html_and_the_text_part_name_each_part() -> None:
    from checks.links import _lines_said

    assert _lines_said(["text/html part:3", "text/html part:5", "text/plain part:7"]) == (
        "text/html part line 3, 5; text/plain part line 7"
    )


def test_a_link_to_localhost_is_not_the_layouts_stand_in(tmp_path: Path) -> None:
    # the designer's own server left in by a build: another fix than filling the layout
    body = '<p><a href="#">Logo</a> <a href="http://localhost:3000/sale">Sale</a></p>' + UNSUB_EN
    found = sorted(f.message for f in only(check(write_campaign(tmp_path, body=body)), "LNK003"))
    assert found == [
        "link (“Logo”): link to “#”",
        "link (“Sale”): placeholder host localhost",
    ]


# -- no preheader because the HTML body has no text (QA probe: 17 corpus messages) -------------

EMPTY_HTML_BODY = b"<html><body><DIV>&nbsp;</DIV></body></html>"  # spamassassin's nice/004


def test_an_empty_html_body_beside_an_empty_text_part_is_one_blank_message(
    tmp_path: Path,
) -> None:
    # before: TXT001 "the plain-text part is empty" and a bare PRE001 "no preheader (preview
    # text) found", which did not say that there is no text to show at all
    send = write_test_send(tmp_path / "send.eml", text=b" ", html=EMPTY_HTML_BODY)
    result = check(send)
    assert only(result, "PRE001") == []
    [blank] = only(result, "TXT001")
    assert (blank.severity, blank.places) == (Severity.WARNING, ("text/plain part", "preheader"))
    assert blank.message == (
        "the plain-text part is empty: readers of the text part see a blank message; the HTML "
        "body has no text either: the message is blank, and so is the inbox preview (PRE001)"
    )
    assert [f.code for f in blank.folded] == ["PRE001"]


def test_an_empty_html_body_beside_a_text_part_with_text_is_pre001_s(tmp_path: Path) -> None:
    # php-mime-mail-parser's issue116: "toto" in the text part, an HTML body with nothing in it
    send = write_test_send(tmp_path / "send.eml", text=b"toto", html=EMPTY_HTML_BODY)
    result = check(send)
    assert only(result, "TXT001") == []
    [pre001] = only(result, "PRE001")
    assert (pre001.severity, pre001.places) == (Severity.WARNING, ("preheader",))
    assert pre001.message == (
        "no preheader, and the HTML body has no text at all: the inbox preview is blank"
    )
    # with TXT001 not run, PRE001 says it itself: nothing passes in silence
    blank = write_test_send(tmp_path / "blank.eml", text=b" ", html=EMPTY_HTML_BODY)
    [alone] = only(check(blank, Config(root=tmp_path, ignore=("TXT001",))), "PRE001")
    assert alone.message == pre001.message
