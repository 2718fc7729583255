"""PER001 false errors of a QA probe (probe Q): a link's variable judged line by line, a
Mustache fallback section not read as one, and Postmark's API data taken for a profile's.

The body of ``write_campaign`` starts at line 5 of email.html: body line k is email.html:4+k.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.model import CampaignResult, Severity
from mailcheck.templating.detect import explain_dialect
from tests.helpers import check, only, write_campaign
from tests.shared_data import require_shared

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
SHOP = f'<p><a href="https://shop.test/sale?{UTM}">Каталог</a></p>'
UNSUB = '<p><a href="https://shop.test/unsub">Отписаться</a></p>'


def _run(tmp_path: Path, body: str, **kw: Any) -> CampaignResult:
    return check(write_campaign(tmp_path, body=body, subject="Новинки недели", **kw))


# -- 1. a URL variable in a link and printed beside it: one verdict whatever the lines ----------


@pytest.mark.parametrize("template", ["handlebars", "jinja"])
@pytest.mark.parametrize("between", ["", "\n", "\n\n"])
def test_a_url_in_a_link_and_printed_to_copy_is_no_per001_on_any_layout(
    tmp_path: Path, template: str, between: str
) -> None:
    # Postmark's password-reset: the button's href and "copy and paste the URL below"
    body = (
        '<p><a href="{{ action_url }}">Сбросить пароль</a></p>'
        f"{between}<p>{{{{ action_url }}}}</p>\n{SHOP}\n{UNSUB}"
    )
    assert only(_run(tmp_path, body, template=template), "PER001") == []


@pytest.mark.parametrize("between", ["", "\n"])
def test_a_name_whole_href_and_printed_as_text_is_an_error_on_any_layout(
    tmp_path: Path, between: str
) -> None:
    # not named as a URL: "Call *|MANAGER|*" wants its fallback, on one line as on two
    body = (
        f'<p><a href="*|MANAGER|*">Ваш менеджер</a></p>{between}<p>Позвоните *|MANAGER|*.</p>'
        f"\n{SHOP}\n{UNSUB}"
    )
    [per001] = only(_run(tmp_path, body, esp="mailchimp"), "PER001")
    assert per001.severity is Severity.ERROR
    assert per001.places == (("email.html:5",) if not between else ("email.html:5", "email.html:6"))


def test_a_first_name_in_copy_beside_a_url_on_its_line_stays_an_error(tmp_path: Path) -> None:
    body = (
        '<p>Привет, {{ first_name }}! <a href="{{ action_url }}">Войти</a> {{ action_url }}</p>'
        f"\n{SHOP}\n{UNSUB}"
    )
    [per001] = only(_run(tmp_path, body, template="jinja"), "PER001")
    assert (per001.severity, per001.places) == (Severity.ERROR, ("email.html:5",))
    assert "first_name" in per001.message


def test_a_url_name_only_printed_as_text_stays_an_error(tmp_path: Path) -> None:
    # Postmark's welcome "Login Page: {{login_url}}": no link shows the application builds it
    body = f"<p>Вход: {{{{login_url}}}}</p>\n<p>{{{{login_url}}}}</p>\n{SHOP}\n{UNSUB}"
    [per001] = only(_run(tmp_path, body, template="handlebars"), "PER001")
    assert (per001.severity, per001.places) == (Severity.ERROR, ("email.html:5", "email.html:6"))


# -- 2. a Mustache inverted section or {{#unless}} beside the use is its fallback ---------------


@pytest.mark.parametrize(
    "greeting",
    [
        "Hi {{name}}{{^name}}there{{/name}},",
        "Hi {{name}}{{#unless name}}there{{/unless}},",
        "Hi {{^name}}there{{/name}}{{name}},",
        "Hi {{name}} {{#unless name}}there{{/unless}}!",
        "Hi {{#name}}{{name}}{{/name}}{{^name}}there{{/name}},",  # passed before too
    ],
)
def test_an_inverted_section_beside_the_use_is_its_fallback(tmp_path: Path, greeting: str) -> None:
    result = _run(tmp_path, f"<p>{greeting}</p>\n{SHOP}\n{UNSUB}", template="handlebars")
    assert only(result, "PER001") == []
    # the blanking probe agrees: "Hi there," is whole
    assert only(result, "PER002") == [] and only(result, "PER006") == []


@pytest.mark.parametrize(
    ("greeting", "said"),
    [
        # another variable's section: "Hi ," for a recipient without a name
        ("Hi {{name}}{{^nick}}there{{/nick}},", "“name” has no fallback or guard"),
        # not beside the use: "Hi , friend"
        ("Hi {{name}}, {{^name}}friend{{/name}}", "“name” has no fallback or guard"),
        # a section that prints nothing is an empty fallback
        ("Hi {{name}}{{^name}}{{/name}},", "“name” has an empty fallback, which is none"),
    ],
)
def test_a_section_that_does_not_mend_the_sentence_stays_an_error(
    tmp_path: Path, greeting: str, said: str
) -> None:
    result = _run(tmp_path, f"<p>{greeting}</p>\n{SHOP}\n{UNSUB}", template="handlebars")
    [per001] = only(result, "PER001")
    assert (per001.severity, per001.places) == (Severity.ERROR, ("email.html:5",))
    assert per001.message.startswith(said)
    assert "“Hi ,”" in per001.message


# -- 3. Postmark: every field is the data of the API call that sends the message ---------------

RECEIPT = (
    "<p>Hi {{name}},</p>\n<p>Receipt {{receipt_id}} of {{date}}</p>\n<p>Total: {{total}}</p>"
    f"\n{SHOP}\n{UNSUB}"
)


def test_postmark_declared_is_one_warning_listing_the_fields(tmp_path: Path) -> None:
    [per001] = only(_run(tmp_path, RECEIPT, esp="postmark"), "PER001")
    assert per001.severity is Severity.WARNING
    assert per001.places == ("email.html:5", "email.html:6", "email.html:7")
    assert per001.message.startswith(
        "could not verify “name”, “receipt_id”, “date”, “total”: they are the data the sending "
        "application passes in the API call that sends the message (Postmark's “TemplateModel”)"
    )
    assert 'with name = "" the text reads “Hi ,”' in per001.message


def test_postmark_samples_that_give_every_field_pass(tmp_path: Path) -> None:
    samples = '[{"name": "Ann", "receipt_id": "R-1", "date": "1 May", "total": "$5"}]'
    result = _run(tmp_path, RECEIPT, esp="postmark", samples="s.json", files={"s.json": samples})
    assert only(result, "PER001") == []


def test_an_undeclared_template_keeps_its_errors(tmp_path: Path) -> None:
    per001 = only(_run(tmp_path, RECEIPT, template="handlebars"), "PER001")
    assert [(f.severity, f.places) for f in per001] == [
        (Severity.ERROR, ("email.html:5",)),
        (Severity.ERROR, ("email.html:6",)),
        (Severity.ERROR, ("email.html:6",)),
        (Severity.ERROR, ("email.html:7",)),
    ]


@pytest.mark.parametrize(
    "marker",
    [
        '<p><a href="{{{ pm:unsubscribe }}}">Unsubscribe</a></p>',
        "<div>{{{ @content }}}</div>",
    ],
)
def test_a_postmark_tag_makes_the_template_postmarks(tmp_path: Path, marker: str) -> None:
    detection = explain_dialect([f"{marker}<p>Hi {{{{name}}}},</p>"])
    assert (detection.dialect, detection.platform) == ("handlebars", "postmark")
    [per001] = only(_run(tmp_path, f"{marker}\n{RECEIPT}"), "PER001")
    assert per001.severity is Severity.WARNING
    assert per001.places == ("email.html:6", "email.html:7", "email.html:8")


def test_the_probes_corpus_files() -> None:
    postmark = require_shared("corpus") / "ActiveCampaign+postmark-templates/templates/basic"
    # action_url: the button's href at :471 and the URL to copy at :486
    assert [
        f for f in only(check(postmark / "password-reset"), "PER001") if "action_url" in f.message
    ] == []
    # login_url, printed as text in the HTML ("Login Page: {{login_url}}"), is the URL written
    # out in the text part beside it (content.txt): the application's link, as an href is
    welcome = only(check(postmark / "welcome"), "PER001")
    assert [f for f in welcome if "login_url" in f.message] == []
    assert any("“name”" in f.message for f in welcome)
