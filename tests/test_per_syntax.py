"""PER004 finds every syntax error the template engine would refuse, in every part.

The ESP parses each part (subject, preheader, HTML, text) whole: a broken expression anywhere
in it stops the send. Each refused part is one PER004 at its own place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import check, only, write_campaign

RU = "<p>Здравствуйте, {{ first_name | default('друг', true) }}!</p>"
EN = "<p>Hello {{ first_name | default('friend', true) }}!</p>"


@pytest.mark.parametrize(
    ("greeting", "broken"),
    [
        (RU, "<p>Ваш промокод: {{ promo_code | default('нет' }}</p>"),
        (EN, "<p>Your code: {{ promo_code | upper( }}</p>"),
        (RU, "<p>Скидка {{ (discount + 5 }}%</p>"),
        (EN, "<p>{{ format_date(order.date }}</p>"),
    ],
)
def test_an_unclosed_parenthesis_in_the_body_is_refused(
    tmp_path: Path, greeting: str, broken: str
) -> None:
    d = write_campaign(tmp_path, body=f"{greeting}\n{broken}", template="jinja")
    found = only(check(d), "PER004")
    assert len(found) == 1
    line = (d / "email.html").read_text(encoding="utf-8").splitlines().index(broken) + 1
    assert found[0].location == f"email.html:{line}"
    assert "expected ')'" in found[0].message


def test_unisender_fallbacks_are_still_fallbacks(tmp_path: Path) -> None:
    body = "<p>Здравствуйте, {{Name|уважаемый подписчик}}! {{ city|title }}</p>"
    d = write_campaign(tmp_path, body=body, template="jinja")
    assert only(check(d), "PER004") == []


def test_every_refused_part_is_one_finding_at_its_place(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        body=f"{RU}\n<p>{{{{ city | default('Москва' }}</p>",
        subject="{{ first_name | default('Друг', true }}, скидка 30%",
        template="jinja",
    )
    found = only(check(d), "PER004")
    assert sorted(f.location for f in found) == ["email.html:6", "subject"]
    subject = next(f for f in found if f.location == "subject")
    assert subject.message.startswith("line 1: ")


def test_a_refused_text_part_names_its_line_once(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        text="email.txt",
        template="jinja",
        files={"email.txt": "Здравствуйте!\n{{ city | default('Москва' }}\n"},
    )
    [found] = only(check(d), "PER004")
    assert found.location == "email.txt:2"  # the file and line a CI annotation points at
    assert not found.message.startswith("line 2: "), found.message  # "…:2: line 2: …" before


def test_the_detected_dialect_is_held_to_its_syntax_too(tmp_path: Path) -> None:
    # no `template =`: default(…) makes it Jinja, and Jinja refuses the unclosed call
    d = write_campaign(tmp_path, body=f"{EN}\n<p>{{{{ city | default('London' }}</p>")
    found = only(check(d), "PER004")
    assert [f.location for f in found] == ["email.html:6"]


@pytest.mark.parametrize(
    "comment",
    [
        "<!-- Баннер: {{ banner_url | default('https://shop.test/b.png' }} -->",
        "<!-- Banner: {% if banner %}{{ banner }} -->",
    ],
)
def test_a_broken_tag_inside_an_html_comment_is_refused_too(tmp_path: Path, comment: str) -> None:
    # the comment's tags are no recipient variables, but Jinja parses the whole file
    d = write_campaign(tmp_path, body=f"{RU}\n{comment}", template="jinja")
    found = only(check(d), "PER004")
    assert len(found) == 1
    assert found[0].location.startswith("email.html:")


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("<p>Ваш код: {{ promo_code | upcase }}</p>", "“|” is not a name"),
        ("<p>Total: {{ formatPrice (total currency }}</p>", "cannot read “(total currency”"),
        ("<p>Итого: {{ price * 2 }}</p>", "“*” is not a name"),
    ],
)
def test_handlebars_refuses_what_is_not_its_syntax(tmp_path: Path, line: str, words: str) -> None:
    body = (
        f"<p>Hi {{{{#if first_name}}}}{{{{first_name}}}}{{{{else}}}}there{{{{/if}}}}!</p>\n{line}"
    )
    d = write_campaign(tmp_path, body=body, template="handlebars")
    (found,) = only(check(d), "PER004")
    assert found.location == "email.html:6" and words in found.message


def test_handlebars_block_params_and_paths_are_its_syntax(tmp_path: Path) -> None:
    body = (
        "{{#each items as |item|}}<p>{{item.name}} — {{@index}} {{../currency}}</p>{{/each}}\n"
        '<p>{{{ pm:unsubscribe }}} {{insert name "default=друг"}} {{lookup items.[0] "x"}}</p>'
    )
    d = write_campaign(tmp_path, body=body, template="handlebars")
    assert only(check(d), "PER004") == []


@pytest.mark.parametrize(
    "written",
    [
        "{{ order.items }}",
        "{{ order.items | default('0', true) }}",  # the method is never empty: no fallback fires
        "{{ order.values }}",
    ],
)
def test_a_dicts_method_printed_for_a_field_is_said_plainly(tmp_path: Path, written: str) -> None:
    # {{ order.items }} prints "<built-in method items of dict object at 0x…>" (in the HTML an
    # unknown tag: nothing) for every recipient, whatever the data's "items" holds. It was
    # PER001 "“order.items” has no fallback or guard", or nothing with a fallback (a QA probe)
    line = f"<p>В заказе: {written} шт.</p>"
    d = write_campaign(
        tmp_path,
        body=f"{RU}\n{line}",
        template="jinja",
        samples="r.json",
        files={"r.json": '[{"first_name": "Анна", "order": {"items": 3, "values": 1}}]'},
    )
    result = check(d)
    method = "values" if "values" in written else "items"
    [finding] = only(result, "PER004")
    assert finding.severity.value == "error"
    assert finding.message == (
        f"“order.{method}” is the method {method} that every dict has, not a field “{method}” "
        f"(Jinja looks an attribute up before a key): recipients read “<built-in method "
        f"{method} of dict object>”, or nothing in the HTML — write order['{method}']"
    )
    html_line = (d / "email.html").read_text(encoding="utf-8").splitlines().index(line) + 1
    assert finding.places == (f"email.html:{html_line}",)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == ["PER004"]


@pytest.mark.parametrize(
    "written",
    [
        "{{ order['items'] }}",
        "{% for k, v in order.items() %}{{ k }}{% endfor %}",
        "{{ order.id }}",
    ],
)
def test_a_field_read_by_key_or_a_method_called_is_no_mistake(tmp_path: Path, written: str) -> None:
    d = write_campaign(
        tmp_path,
        body=f"{RU}\n<p>{written}</p>",
        template="jinja",
        samples="r.json",
        files={"r.json": '[{"first_name": "Анна", "order": {"items": 3, "id": 1}}]'},
    )
    assert only(check(d), "PER004") == []


# A customer.io/Braze-style template with no template or esp set: its tags are Liquid's as much
# as Jinja's (Twig, Nunjucks, Django write them too); it is read with Jinja, but only Jinja2
# itself reads event.items as the dict's method — Liquid reads the field (a QA probe)
_LIQUID_LIKE = (
    "<p>Hi there,</p>{% for item in event.items %}"
    "<p>{{ item.name }} x {{ item.quantity }}</p>{% endfor %}"
)


def test_a_loop_over_items_in_a_template_not_declared_jinja_is_no_mistake(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, body=_LIQUID_LIKE)
    result = check(d)
    assert result.campaign.dialect == "jinja"  # read as Jinja, but not certainly Jinja2
    assert only(result, "PER004") == []


# HubSpot's template renders as HubL reads it, the key first: its probe with order.items null
# reads what any field's does; Jinja2 (detected) prints the method, never null
_NULL_SAID = (
    ": with order.items null in the data the text reads “заказе: None”: "
    "“None” is how the template prints null"
)


@pytest.mark.parametrize(
    ("setting", "evidence"),
    [
        ({}, ""),  # detected: not certainly Jinja2
        ({"esp": "hubspot"}, _NULL_SAID),  # HubL (Jinjava) reads the map's key
        ({"esp": "hubspot", "template": "jinja"}, _NULL_SAID),  # declared; HubSpot runs Jinjava
    ],
)
def test_a_dicts_method_name_is_a_field_where_jinja2_may_not_run(
    tmp_path: Path, setting: dict[str, Any], evidence: str
) -> None:
    line = "<p>В заказе: {{ order.items }} шт.</p>"
    d = write_campaign(
        tmp_path,
        body=f"{RU}\n{line}",
        samples="r.json",
        files={"r.json": '[{"first_name": "Анна", "order": {"items": 3}}]'},
        **setting,
    )
    result = check(d)
    assert only(result, "PER004") == []
    # the field like any other: printed without a fallback (what it was before the mistake)
    [finding] = only(result, "PER001")
    html_line = (d / "email.html").read_text(encoding="utf-8").splitlines().index(line) + 1
    assert finding.message == "“order.items” has no fallback or guard" + evidence
    assert finding.places == (f"email.html:{html_line}",)


def test_a_loop_over_items_in_a_declared_jinja_template_is_still_the_mistake(
    tmp_path: Path,
) -> None:
    d = write_campaign(tmp_path, body=_LIQUID_LIKE, template="jinja")
    [finding] = [f for f in only(check(d), "PER004") if f.severity.value == "error"]
    assert finding.message.startswith("“event.items” is the method items that every dict has")
    assert finding.places == ("email.html:5",)


# Looped over or measured, Jinja2's order.items (the dict's method) fails the render itself:
# "'builtin_function_or_method' object is not iterable", "… has no len()". That failure is the
# mistake's, already the PER004 error at its line: it was a second PER004, a warning "could not
# verify: rendering failed: …" (a QA probe). One root cause, one finding.
_ORDER = '[{"first_name": "Анна", "order": {"items": [{"name": "Чайник"}], "total": 990}}]'


_FAILS = (
    "rendering stops with an error wherever “order” is filled, and those recipients get no "
    "message as written — write order['items']"
)
# What the mistake does, by how the template reads it: printed, the recipient reads the
# method; looped over or through a filter that cannot take a method, the render fails and
# nobody reads "<built-in method …>" (it said so for every use: a QA probe)
_DOES = {
    "printed": "recipients read “<built-in method items of dict object>”, or nothing in the "
    "HTML — write order['items']",
    "loop": f"a loop over a method fails, so {_FAILS}",
    "length": f"the filter “length” fails on a method, so {_FAILS}",
    "join": f"the filter “join” fails on a method, so {_FAILS}",
    "test": "as a condition a method is always true, whatever the data holds — "
    "write order['items']",
}


def _mistake(does: str = "printed") -> str:
    return (
        "“order.items” is the method items that every dict has, not a field “items” "
        f"(Jinja looks an attribute up before a key): {_DOES[does]}"
    )


@pytest.mark.parametrize(
    ("body", "files", "manifest", "does"),
    [
        # in the same part as the mistake: read as the author means, it still fails
        (
            "{% for item in order.items %}<p>{{ item.name }}</p>{% endfor %}"
            "<p>{{ order.total / 0 }}</p>",
            {},
            {},
            "loop",
        ),
        # in another part, rendered after the HTML that fails for the mistake
        (
            "<p>Товаров: {{ order.items | length }}</p>",
            {"email.txt": "Итого: {{ order.total / 0 }}\n"},
            {"text": "email.txt"},
            "length",
        ),
    ],
)
def test_a_render_failure_of_its_own_beside_the_mistake_is_still_said(
    tmp_path: Path, body: str, files: dict[str, str], manifest: dict[str, Any], does: str
) -> None:
    d = write_campaign(
        tmp_path,
        body=f"{RU}\n{body}",
        template="jinja",
        samples="r.json",
        files={"r.json": _ORDER, **files},
        **manifest,
    )
    findings = only(check(d), "PER004")
    assert [(f.severity.value, f.message) for f in findings] == [
        ("error", _mistake(does)),
        ("warning", "could not verify: rendering failed: division by zero"),
    ]
    assert findings[1].places == ("template",)


@pytest.mark.parametrize(
    ("line", "does"),
    [
        ("<p>{{ order.items }}</p>", "printed"),
        ("<p>{{ order.items | default('нет', true) | upper }}</p>", "printed"),
        ("{% for item in order.items %}<p>{{ item.name }}</p>{% endfor %}", "loop"),
        # a render that fails for the dict's method is that one finding, no "rendering failed"
        ("{% for item in order.items %}<p>{{ item.name }}</p>{% endfor %}", "loop"),
        ("{% for item in order.items | default([]) %}<p>{{ item }}</p>{% endfor %}", "loop"),
        ("<p>Товаров: {{ order.items | length }}</p>", "length"),
        ("{% if order.items | length > 1 %}<p>Несколько</p>{% endif %}", "length"),
        ("<p>{{ order.items | join(', ') }}</p>", "join"),
        ("{% for n in order.items | join(', ') %}{{ n }}{% endfor %}", "join"),
        ("{% if order.items %}<p>Есть товары</p>{% endif %}", "test"),
        ("{% if not order.items %}<p>Пусто</p>{% endif %}", "test"),
    ],
)
def test_the_dicts_method_is_said_as_what_it_does_where_it_is_read(
    tmp_path: Path, line: str, does: str
) -> None:
    d = write_campaign(
        tmp_path,
        body=f"{RU}\n{line}",
        template="jinja",
        samples="r.json",
        files={"r.json": _ORDER},
    )
    result = check(d)
    [finding] = only(result, "PER004")
    assert finding.severity.value == "error"
    assert finding.message == _mistake(does)
    html_line = (d / "email.html").read_text(encoding="utf-8").splitlines().index(line) + 1
    assert finding.places == (f"email.html:{html_line}",)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == ["PER004"]


def test_a_render_failure_without_a_mistake_is_still_said(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        body=f"{RU}\n<p>{{{{ order.total / 0 }}}}</p>",
        template="jinja",
        samples="r.json",
        files={"r.json": _ORDER},
    )
    [finding] = only(check(d), "PER004")
    assert finding.severity.value == "warning"
    assert finding.message == "could not verify: rendering failed: division by zero"
    assert finding.places == ("template",)


# HubSpot's HubL runs on Jinjava, which reads order.items as the key: {% for item in
# order.items %} is valid HubL and loops over the order's lines. Rendered with Jinja2 it failed
# ("could not verify: rendering failed: 'builtin_function_or_method' object is not iterable", a
# false warning) and its output went unchecked; it renders as HubSpot reads it now.
_HUBSPOT_ORDER = (
    '[{"first_name": "Анна", "order": {"items": '
    '[{"name": "Чайник", "qty": 1}, {"name": "None", "qty": 2}]}}]'
)


@pytest.mark.parametrize("setting", [{"esp": "hubspot"}, {"esp": "hubspot", "template": "jinja"}])
def test_a_hubspot_loop_over_items_renders_as_hubl_reads_it(
    tmp_path: Path, setting: dict[str, Any]
) -> None:
    line = "{% for item in order.items %}<p>{{ item.qty }} шт.: спасибо за {{ item.name }}!</p>"
    line += "{% endfor %}"
    d = write_campaign(
        tmp_path,
        body=f"{RU}\n{line}",
        samples="r.json",
        files={"r.json": _HUBSPOT_ORDER},
        **setting,
    )
    result = check(d)
    assert result.campaign.dialect == "jinja"
    assert only(result, "PER004") == []
    # the loop's output is checked like any other: the sample's "None" in the second line
    [broken] = [f for f in result.findings if f.code.startswith("PER")]
    assert broken.code == "PER002"
    assert broken.message == "the text reads “за None”"
    assert broken.places == ("sample 1 (Анна)",)
    [sample] = [r for r in result.campaign.renders if r.label == "sample 1 (Анна)"]
    assert sample.html is not None
    assert "<p>1 шт.: спасибо за Чайник!</p><p>2 шт.: спасибо за None!</p>" in sample.html


def test_a_hubspot_dicts_method_called_is_still_the_method(tmp_path: Path) -> None:
    # read key first, order.items() (HubL's loop over a dict's pairs) found no key "items" and
    # rendered nothing: called, it is the method where the dict has no such key
    line = "{% for key, value in order.items() %}<p>{{ key }}: {{ value }}</p>{% endfor %}"
    d = write_campaign(
        tmp_path,
        body=f"{RU}\n{line}",
        samples="r.json",
        files={"r.json": '[{"first_name": "Анна", "order": {"id": "A-7", "total": 990}}]'},
        esp="hubspot",
    )
    result = check(d)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []
    [sample] = [r for r in result.campaign.renders if r.label == "sample 1 (Анна)"]
    assert sample.html is not None and "<p>id: A-7</p><p>total: 990</p>" in sample.html
