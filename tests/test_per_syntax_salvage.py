"""A template syntax error (PER004) does not hide the campaign's other personalisation findings.

One unclosed block used to switch off every PER001 of the campaign ("Привет, {{ name }}!" above
it passed unseen until the block was fixed). The engine refuses the part, but without the one
broken tag it reads the rest: a variable the fix cannot change is PER001's error as in any
template; one the fix may put inside a block (after an opening tag never closed, before a
closing tag with no block) is a "could not verify" warning naming that tag.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from mailcheck.model import Finding, Severity
from tests.helpers import check, only, write_campaign

# The body starts on line 5 of email.html (tests.helpers.HTML_TEMPLATE): the greeting is on
# line 5, the block's opening tag on 7, the city after it on 8.
BROKEN = {
    "jinja": (
        "<p>Привет, {{ name }}!</p>\n<p>Скидка 30% на всё.</p>\n"
        "{% if vip %}<p>Для VIP — ещё 10%</p>\n<p>Ваш город: {{ city }}</p>\n"
        '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    ),
    "liquid": (
        "<p>Привет, {{ name }}!</p>\n<p>Скидка 30% на всё.</p>\n"
        "{% if vip %}<p>Для VIP — ещё 10%</p>\n<p>Ваш город: {{ city }}</p>\n"
        '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    ),
    "handlebars": (
        "<p>Привет, {{name}}!</p>\n<p>Скидка 30% на всё.</p>\n"
        "{{#if vip}}<p>Для VIP — ещё 10%</p>\n<p>Ваш город: {{city}}</p>\n"
        '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    ),
    "sendsay": (
        "<p>Привет, [% anketa.base.firstName %]!</p>\n<p>Скидка 30% на всё.</p>\n"
        "[% IF anketa.custom.vip %]<p>Для VIP — ещё 10%</p>\n"
        "<p>Ваш город: [% anketa.custom.city %]</p>\n"
        '<p><a href="[% param.url_unsub %]">Отписаться</a></p>'
    ),
    "mindbox": (
        "<p>Привет, ${ Recipient.FirstName }!</p>\n<p>Скидка 30% на всё.</p>\n"
        "@{ if Recipient.IsVip }<p>Для VIP — ещё 10%</p>\n"
        "<p>Ваш город: ${ Recipient.City }</p>\n"
        '<p><a href="${ Mailing.UnsubscribeUrl }">Отписаться</a></p>'
    ),
}
# what closes the block, for the campaign as the author means it
CLOSER = {
    "jinja": "{% endif %}",
    "liquid": "{% endif %}",
    "handlebars": "{{/if}}",
    "sendsay": "[% END %]",
    "mindbox": "@{ end if }",
}
GREETING = {
    "jinja": "name",
    "liquid": "name",
    "handlebars": "name",
    "sendsay": "anketa.base.firstName",
    "mindbox": "Recipient.FirstName",
}
CITY = {
    "jinja": "city",
    "liquid": "city",
    "handlebars": "city",
    "sendsay": "anketa.custom.city",
    "mindbox": "Recipient.City",
}


def per(findings: list[Finding]) -> list[tuple[str, str, str]]:
    """The PER findings as (code, severity, location), sorted."""
    return sorted((f.code, f.severity.value, f.location) for f in findings if f.code[:3] == "PER")


@pytest.mark.parametrize("dialect", sorted(BROKEN))
def test_the_greeting_above_an_unclosed_block_is_still_an_error(
    tmp_path: Path, dialect: str
) -> None:
    d = write_campaign(tmp_path, body=BROKEN[dialect], template=dialect)
    result = check(d)
    assert per(result.findings) == [
        ("PER001", "error", "email.html:5"),
        ("PER001", "warning", "email.html:8"),
        # the opening tag's line, in every dialect (jinja2 names where it gave up)
        ("PER004", "error", "email.html:7"),
    ]
    [error] = [f for f in only(result, "PER001") if f.severity is Severity.ERROR]
    assert error.message == f"“{GREETING[dialect]}” has no fallback or guard"
    # after the block's opening tag: the fix may close the block after it, so not verified,
    # and the message names the tag at its line
    [warning] = [f for f in only(result, "PER001") if f.severity is Severity.WARNING]
    opener = BROKEN[dialect].splitlines()[2].split("<p>")[0]
    assert warning.message.startswith(
        f"could not verify “{CITY[dialect]}” (no fallback or guard as written): "
        f"{opener} on line 7 opens a block never closed (PER004)"
    ), warning.message
    [per004] = only(result, "PER004")
    assert per004.message.endswith(
        "; nothing was rendered, so what recipients would read is not checked: "
        "fix this and check again"
    ), per004.message


@pytest.mark.parametrize("dialect", sorted(BROKEN))
def test_once_fixed_the_same_errors_stand(tmp_path: Path, dialect: str) -> None:
    # what the broken template said as an error is what the fixed one says: no guess
    body = BROKEN[dialect].replace("</p>\n<p><a", f"</p>{CLOSER[dialect]}\n<p><a")
    result = check(write_campaign(tmp_path, body=body, template=dialect))
    assert [
        (f.severity, f.location) for f in only(result, "PER001") if f.location == "email.html:5"
    ] == [(Severity.ERROR, "email.html:5")]
    assert only(result, "PER004") == []


def test_a_block_testing_the_variable_it_holds_may_guard_it(tmp_path: Path) -> None:
    # {% if city %}…{{ city }} never closed: once closed after the city, it guards it; the
    # warning is all mailcheck can say, and the greeting with a fallback says nothing
    body = (
        "<p>Привет, {{ name | default('друг', true) }}!</p>\n"
        "<p>{% if city %}Ваш город: {{ city }}</p>\n"
        "<p>Бонус: {{ bonus }}</p>"
    )
    result = check(write_campaign(tmp_path, body=body, template="jinja"))
    assert per(result.findings) == [
        ("PER001", "warning", "email.html:6"),
        ("PER004", "error", "email.html:6"),
    ]
    [warning] = only(result, "PER001")
    assert warning.severity is Severity.WARNING
    assert warning.locations == ("email.html:6", "email.html:7")
    assert warning.message.startswith("could not verify “city”, “bonus” ")
    assert [f.severity for f in only(result, "PER004")] == [Severity.ERROR]


def test_a_tag_written_wrong_leaves_every_other_use_certain(tmp_path: Path) -> None:
    # the fix is made where the tag stands: the rest reads as it will then, before and after
    body = (
        "<p>Привет, {{ name }}!</p>\n"
        "<p>Ваш промокод: {{ promo_code | default('нет' }}</p>\n"
        "<p>Ваш город: {{ city }}</p>"
    )
    result = check(write_campaign(tmp_path, body=body, template="jinja"))
    assert per(result.findings) == [
        ("PER001", "error", "email.html:5"),
        ("PER001", "error", "email.html:7"),
        ("PER004", "error", "email.html:6"),
    ]


def test_a_closing_tag_with_no_block_leaves_what_follows_it_certain(tmp_path: Path) -> None:
    # {{/if}} with no {{#if}}: the fix may open the block before it, around the greeting
    body = "<p>Привет, {{name}}!{{/if}}</p>\n<p>Скидка 30%</p>\n<p>Ваш город: {{city}}</p>"
    result = check(write_campaign(tmp_path, body=body, template="handlebars"))
    assert per(result.findings) == [
        ("PER001", "error", "email.html:7"),
        ("PER001", "warning", "email.html:5"),
        ("PER004", "error", "email.html:5"),
    ]
    by_severity = {f.severity: f for f in only(result, "PER001")}
    assert len(only(result, "PER001")) == 2
    assert by_severity[Severity.ERROR].location == "email.html:7"
    assert by_severity[Severity.WARNING].location == "email.html:5"
    assert by_severity[Severity.WARNING].message.startswith(
        "could not verify “name” (no fallback or guard as written): {{/if}} on line 5 belongs "
        "to no block (PER004)"
    )


def test_a_refused_subject_does_not_hide_the_htmls_variables(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        body="<p>Привет, {{ name }}!</p>",
        subject="{{ first_name | default('Друг', true }}, скидка 30%",
        template="jinja",
    )
    result = check(d)
    assert per(result.findings) == [
        ("PER001", "error", "email.html:5"),
        ("PER004", "error", "subject"),
    ]


def test_two_errors_in_one_part_read_nothing_of_it(tmp_path: Path) -> None:
    # no one tag's removal lets the engine read it: its variables stay unread, as before
    body = "<p>{% if a %}Привет, {{ name }}!</p>\n<p>{% for x in xs %}{{ x }}</p>"
    result = check(write_campaign(tmp_path, body=body, template="jinja"))
    assert per(result.findings) == [("PER004", "error", "email.html:6")]
    assert only(result, "PER004")[0].message.endswith(
        "; personalisation was not checked further: fix this and check again"
    )


def test_names_after_a_loop_never_closed_are_not_asked_of_the_samples(tmp_path: Path) -> None:
    # after {% for item in items %} never closed, item.title may be the loop's own: no PER005
    body = (
        "<p>Привет, {{ name | default('друг', true) }}!</p>\n"
        "{% for item in items %}<p>{{ item.title }}</p>"
    )
    d = write_campaign(
        tmp_path,
        body=body,
        template="jinja",
        samples="recipients.csv",
        files={"recipients.csv": "email,name\na@shop.test,Анна\n"},
    )
    result = check(d)
    assert only(result, "PER005") == []
    [warning] = only(result, "PER001")
    assert (warning.severity, warning.location) == (Severity.WARNING, "email.html:6")


def test_the_block_never_closed_is_found_however_far_from_where_the_engine_stopped(
    tmp_path: Path,
) -> None:
    # jinja2 names the end of the template; twenty complete blocks lie between it and the
    # {% if vip %} never closed. Taking out the last one's opening tag would let jinja2 read
    # the template too (its {% endif %} then closes vip's block): the count of the blocks
    # points at vip's, which is the tag the warning names
    rows = "\n".join(f"<p>{{% if p{n} %}}{{{{ p{n} }}}}{{% endif %}}</p>" for n in range(20))
    body = (
        f"<p>Привет, {{{{ name }}}}!</p>\n{{% if vip %}}<p>VIP</p>\n{rows}\n<p>{{{{ city }}}}</p>"
    )
    result = check(write_campaign(tmp_path, body=body, template="jinja"))
    assert per(result.findings) == [
        ("PER001", "error", "email.html:5"),
        ("PER001", "warning", "email.html:27"),
        ("PER004", "error", "email.html:6"),
    ]
    [warning] = [f for f in only(result, "PER001") if f.severity is Severity.WARNING]
    assert warning.message.startswith(
        "could not verify “city” (no fallback or guard as written): {% if vip %} on line 6 "
    ), warning.message


# A block never closed on line 6, then a line of a complete block the engine reads
FAR_FROM_THE_END = {
    "jinja": ("<p>Привет!</p>\n{% if vip %}<p>VIP</p>\n", "<p>{% if p %}П{% endif %}</p>"),
    "liquid": ("<p>Привет!</p>\n{% if vip %}<p>VIP</p>\n", "<p>{% if p %}П{% endif %}</p>"),
    "handlebars": ("<p>Привет!</p>\n{{#if vip}}<p>VIP</p>\n", "<p>{{#if p}}П{{/if}}</p>"),
}


@pytest.mark.parametrize("dialect", sorted(FAR_FROM_THE_END))
def test_a_block_never_closed_is_reported_at_its_opening_tag(tmp_path: Path, dialect: str) -> None:
    # thirty lines of tags after it: the finding names the line of the tag to close, not the
    # line where the engine gave up looking for its closing tag
    start, line = FAR_FROM_THE_END[dialect]
    body = start + "\n".join([line] * 30)
    result = check(write_campaign(tmp_path, body=body, template=dialect))
    assert per(result.findings) == [("PER004", "error", "email.html:6")]


def test_jinjas_block_never_closed_names_the_tag_and_where_jinja_stopped(tmp_path: Path) -> None:
    filler = "\n".join(f"<p>{{% if p{n} %}}{{{{ p{n} }}}}{{% endif %}}</p>" for n in range(30))
    body = "<p>Привет!</p>\n{%  if vip\n %}<p>VIP</p>\n" + filler
    result = check(write_campaign(tmp_path, body=body, template="jinja"))
    [per004] = only(result, "PER004")
    assert per004.location == "email.html:6"
    # the tag on one line as written; jinja2 stopped at the last line of the body (line 37)
    assert per004.message.startswith(
        "{% if vip %} is never closed (jinja stopped at line 37); nothing was rendered"
    ), per004.message


def test_a_block_closed_by_anothers_closing_tag_is_named_at_its_opening(tmp_path: Path) -> None:
    # {% endif %} where jinja2 expects {% endfor %}: jinja2 stops at the {% endif %} (line 9);
    # the block to close is the loop of line 7
    body = (
        "<p>Привет!</p>\n{% if vip %}<p>VIP</p>\n{% for item in items %}\n"
        "<p>{{ item.title | default('товар', true) }}</p>\n{% endif %}\n<p>Конец</p>"
    )
    result = check(write_campaign(tmp_path, body=body, template="jinja"))
    assert per(result.findings) == [("PER004", "error", "email.html:7")]
    assert only(result, "PER004")[0].message.startswith(
        "{% for item in items %} is never closed (jinja stopped at line 9); "
    )


def test_a_tag_written_wrong_keeps_the_engines_words_at_its_line(tmp_path: Path) -> None:
    # an opening tag the engine refuses where it stands is no block never closed
    body = "<p>Привет!</p>\n<p>{% if vip == %}VIP</p>\n<p>Конец</p>"
    result = check(write_campaign(tmp_path, body=body, template="jinja"))
    [per004] = only(result, "PER004")
    assert per004.location == "email.html:6"
    assert per004.message.startswith("the template engine says: "), per004.message


def test_a_liquid_case_with_no_tag_after_it_is_refused_not_hung_on(tmp_path: Path) -> None:
    # python-liquid 1.13 looks for the case's first `when` until it meets a tag, past the end
    # of the template: this body hung the whole run. Checked in a daemon thread, so that a
    # return of the hang fails this test instead of stopping the suite.
    body = "<p>Привет!</p>\n{% case segment %}\n<p>Скидка {{ discount }}%</p>\n<p>Конец</p>"
    campaign = write_campaign(tmp_path, body=body, template="liquid")
    results: list[Any] = []
    worker = threading.Thread(target=lambda: results.append(check(campaign)), daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert results, "the check of a {% case %} with no tag after it did not return"
    [result] = results
    [per004] = only(result, "PER004")
    assert (per004.severity.value, per004.location) == ("error", "email.html:6")
    assert "expected tag with value 'endcase'" in per004.message, per004.message


@pytest.mark.parametrize(
    ("template", "opening", "message"),
    [
        ("handlebars", "{{", "'{{' is never closed with '}}'"),
        ("liquid", "{%", "expected '%}', found 'eof'"),
        # templating.tags.scan's pattern (`\[%-?\s*(.*?)\s*-?%\]`) did the same
        ("go", "{{", "is never closed"),
        ("sendsay", "[%", "is never closed"),
        ("mindbox", "${", "is never closed"),
    ],
)
def test_200_kb_of_tag_openings_never_closed_are_refused_not_hung_on(
    tmp_path: Path, template: str, opening: str, message: str
) -> None:
    # The copy of the template with each line's markers (templating.written) found its tags
    # with `\{\{.*?\}\}`: with no closing anywhere, each opening was read to the end of the
    # text again, and a 200 KB line of them held the check for hours. That search never lets
    # go of the interpreter, so no thread of this one could give up on it: a process can.
    body = "<p>Привет!</p>\n<p>" + opening * 100_000 + "</p>"
    campaign = write_campaign(tmp_path, body=body, template=template)
    command = [sys.executable, "-m", "mailcheck", "check", str(campaign), "--offline"]
    try:
        done = subprocess.run(
            [*command, "--format", "json"], capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the check of 200 KB of {opening} did not return")
    [result] = json.loads(done.stdout)["campaigns"]
    found = [f for f in result["findings"] if f["code"] == "PER004"]
    assert [(f["severity"], f["location"]) for f in found] == [("error", "email.html:6")]
    assert message in found[0]["message"], found[0]["message"]


def test_a_part_of_more_tags_than_a_template_holds_is_not_retried_tag_by_tag() -> None:
    # each of salvage's retries parses the whole part: 50,000 Velocity "#if(" never closed took
    # ~3.4 s a parse and ~40 s in all; past MAX_TAGS the refusal stands alone (PER004), at once
    from mailcheck.templating.catalogue import load_catalogue
    from mailcheck.templating.core import TemplateError
    from mailcheck.templating.salvage import MAX_TAGS, salvage

    velocity = load_catalogue().get("velocity")
    assert velocity is not None
    parses: list[str] = []

    def parse(text: str, is_system: Any) -> Any:
        parses.append(text)
        raise TemplateError("“#if” on line 1 is never closed", 1)

    def no_system(name: str) -> bool:
        return False

    for count, tried in ((MAX_TAGS + 1, 0), (MAX_TAGS, 12)):
        parses.clear()
        failing = "<p>Привет!</p>\n" + "#if($vip)" * count
        error = TemplateError("“#if” on line 2 is never closed", 2)
        assert salvage(parse, failing, failing, no_system, velocity, error) is None
        assert len(parses) == tried, (count, len(parses))
