"""Personalisation analysis: dialect detection and variables (fallback, guard, system, link)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.config import Config
from mailcheck.model import Campaign, Variable
from mailcheck.templating import detect_dialect, render_campaign


def analyse(
    html: str,
    *,
    subject: str | None = None,
    dialect: str | None = None,
    config: Config | None = None,
    **kw: Any,
) -> Campaign:
    c = Campaign(id="c", source="c", kind="toml", subject=subject, html=html, **kw)
    if dialect:
        c.dialect = dialect
        c.dialect_explicit = True
    render_campaign(c, config or Config())
    return c


def var(c: Campaign, name: str) -> Variable:
    found = [v for v in c.variables if v.name == name]
    assert found, f"{name} not among {[v.name for v in c.variables]}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ("Привет, {{ first_name }}!", "jinja"),
        ("{% if name %}Hi {{ name }}{% endif %}", "jinja"),
        ("{{ name | default('Друг', true) }}", "jinja"),
        ("{{ name | default: 'Друг' }}", "liquid"),
        ("{{ first_name|default:'friend' }}", "liquid"),  # Klaviyo
        ("{% if name != blank %}{{ name }}{% endif %}", "liquid"),
        ("{% unless name == blank %}{{ name }}{% endunless %}", "liquid"),
        # Liquid's own syntax in tags Jinja writes too (Jinja cannot parse them: PER004 was
        # reported on valid Liquid)
        ("{% for i in (1..3) %}{{ i }}{% endfor %}", "liquid"),
        ("{% for i in (1..count) %}{{ i }}{% endfor %}", "liquid"),
        ("{% if tags contains 'vip' %}VIP{% endif %}", "liquid"),
        ("{% for p in products limit: 3 %}{{ p.title }}{% endfor %}", "liquid"),
        ("{% for p in products reversed %}{{ p.title }}{% endfor %}", "liquid"),
        ("{% for p in (products, extras) %}{{ p }}{% endfor %}", "jinja"),  # a tuple
        ("{% if 'vip' in tags %}VIP{% endif %}", "jinja"),
        ("{{#if name}}Hi {{name}}{{/if}}", "handlebars"),
        ("{{{ pm:unsubscribe }}}", "handlebars"),
        ("Hi {{name}}, {{#each items}}{{this}}{{/each}}", "handlebars"),
        ("{{#if a}}x{{else}}y{{/if}}", "handlebars"),
        ("Hi {{name}}, your {{product_name}} is ready", "handlebars"),  # Postmark house style
        ("Hi *|FNAME|*, <a href='*|UNSUB|*'>unsubscribe</a>", "mailchimp"),
        ("*|IF:FNAME|*Hi *|FNAME|**|END:IF|*", "mailchimp"),
        ("Просто текст без тегов", "none"),
        ("", "none"),
    ],
)
def test_detect_dialect(text: str, dialect: str) -> None:
    assert detect_dialect([text]) == dialect


def test_detection_fills_the_campaign_and_explicit_dialect_wins() -> None:
    assert analyse("<p>{{ name | default: 'x' }}</p>").dialect == "liquid"
    explicit = analyse("<p>{{ name }}</p>", dialect="handlebars")
    assert explicit.dialect == "handlebars"
    assert analyse("<p>Hello</p>").dialect == "none"
    detected_from_subject = analyse("<p>Hello</p>", subject="*|FNAME|*, скидка")
    assert detected_from_subject.dialect == "mailchimp"


def test_liquid_range_loop_renders_and_is_no_syntax_error() -> None:
    c = analyse("<ul>{% for i in (1..3) %}<li>{{ i }}</li>{% endfor %}</ul>")
    assert (c.dialect, c.template_errors, c.template_error) == ("liquid", [], None)
    assert "<li>1</li><li>2</li><li>3</li>" in (c.renders[0].html or "")


# (template, variable, has_fallback, covers_empty, guarded)
JINJA_CASES = [
    ("Привет, {{ first_name }}!", "first_name", False, True, False),
    ("Привет, {{ first_name | default('Друг') }}!", "first_name", True, False, False),
    ("Привет, {{ first_name | default('Друг', true) }}!", "first_name", True, True, False),
    ("Привет, {{ first_name | d('Друг', boolean=true) }}!", "first_name", True, True, False),
    ("Hello {{ name or 'friend' }}", "name", True, True, False),
    ("Hello {{ name if name else 'friend' }}", "name", False, True, True),
    (
        "{% if user.first_name %}Hi {{ user.first_name }}{% endif %}",
        "user.first_name",
        False,
        True,
        True,
    ),
    ("{{ user.first_name | upper | default('X', true) }}", "user.first_name", True, True, False),
    ("{% if city != '' %}{{ city }}{% endif %}", "city", False, True, True),
]


@pytest.mark.parametrize(("template", "name", "fallback", "covers", "guarded"), JINJA_CASES)
def test_jinja_variables(
    template: str, name: str, fallback: bool, covers: bool, guarded: bool
) -> None:
    c = analyse(f"<p>{template}</p>", dialect="jinja")
    uses = [v for v in c.variables if v.name == name]
    assert uses, c.variables
    assert all(v.has_fallback == fallback for v in uses)
    assert all(v.fallback_covers_empty == covers for v in uses)
    assert any(v.guarded == guarded for v in uses)


def test_jinja_else_branch_is_not_guarded_and_locals_are_not_variables() -> None:
    c = analyse(
        "<p>{% if name %}Hi {{ name }}{% else %}Hi {{ name }}!{% endif %}\n"
        "{% for item in items %}{{ item.title }} {{ loop.index }}{% endfor %}\n"
        "{% set greeting = 'Привет' %}{{ greeting }}, {{ user.first_name }}</p>",
        dialect="jinja",
    )
    names = {v.name for v in c.variables}
    assert names == {"name", "items", "user.first_name"}
    name_uses = [v for v in c.variables if v.name == "name"]
    assert {v.guarded for v in name_uses} == {True, False}
    assert var(c, "user.first_name").line == 3


LIQUID_CASES = [
    ("Привет, {{ first_name }}!", "first_name", False, False),
    ("Привет, {{ first_name | default: 'Друг' }}!", "first_name", True, False),
    ("Hi {{ first_name|default:'friend' }}", "first_name", True, False),
    ("{% if name %}{{ name }}{% endif %}", "name", False, True),
    ("{% if name != blank %}{{ name }}{% endif %}", "name", False, True),
    ("{% unless name == blank %}{{ name }}{% endunless %}", "name", False, True),
    (
        "{% if customer.first_name != empty %}{{ customer.first_name }}{% endif %}",
        "customer.first_name",
        False,
        True,
    ),
]


@pytest.mark.parametrize(("template", "name", "fallback", "guarded"), LIQUID_CASES)
def test_liquid_variables(template: str, name: str, fallback: bool, guarded: bool) -> None:
    c = analyse(f"<p>{template}</p>", dialect="liquid")
    uses = [v for v in c.variables if v.name == name]
    assert uses
    assert all(v.has_fallback == fallback for v in uses)
    assert all(v.fallback_covers_empty for v in uses)  # Liquid's default covers ""
    assert all(v.guarded == guarded for v in uses)


def test_liquid_unless_plain_does_not_guard_and_loops_are_local() -> None:
    c = analyse(
        "<p>{% unless vip %}{{ vip }}{% endunless %}"
        "{% for p in products %}{{ p.title }}{{ forloop.index }}{% endfor %}"
        "{% assign x = 'y' %}{{ x }}</p>",
        dialect="liquid",
    )
    assert {v.name for v in c.variables} == {"vip", "products"}
    assert any(v.name == "vip" and not v.guarded for v in c.variables)


HANDLEBARS_CASES = [
    ("Hi {{first_name}}!", "first_name", False, False),
    ("Hi {{{first_name}}}!", "first_name", False, False),
    ("{{#if first_name}}Hi {{first_name}}{{else}}Hi!{{/if}}", "first_name", False, True),
    ('Hi {{insert first_name "default=друг"}}!', "first_name", True, False),
    ('Hi {{defaultIfEmpty first_name "друг"}}!', "first_name", True, False),
    ("{{#unless vip}}x{{else}}{{vip}}{{/unless}}", "vip", False, True),
    ("{{#user}}{{email_address}}{{/user}}", "user.email_address", False, False),
]


@pytest.mark.parametrize(("template", "name", "fallback", "guarded"), HANDLEBARS_CASES)
def test_handlebars_variables(template: str, name: str, fallback: bool, guarded: bool) -> None:
    c = analyse(f"<p>{template}</p>", dialect="handlebars")
    uses = [v for v in c.variables if v.name == name]
    assert uses, c.variables
    assert all(v.has_fallback == fallback for v in uses)
    assert all(v.guarded == guarded for v in uses)


def test_handlebars_each_items_are_local_but_parent_lookups_are_not() -> None:
    c = analyse(
        "<ul>{{#each items}}<li>{{this.title}} {{@index}} {{../shop_name}}</li>{{/each}}</ul>",
        dialect="handlebars",
    )
    assert {v.name for v in c.variables} == {"items", "shop_name"}


MAILCHIMP_CASES = [
    ("Hi *|FNAME|*!", "FNAME", False, False),
    ("*|IF:FNAME|*Hi *|FNAME|*!*|ELSE:|*Hi!*|END:IF|*", "FNAME", False, True),
    ("*|IFNOT:FNAME|*Hi!*|ELSE:|*Hi *|FNAME|*!*|END:IF|*", "FNAME", False, True),
    ("Hi *|TITLE:FNAME|*", "FNAME", False, False),
    ("<a href='*|UNSUB|*'>unsubscribe</a>", "UNSUB", True, False),
    ("*|LIST:COMPANY|*", "LIST:COMPANY", True, False),
    ("*|HTML:LIST_ADDRESS_HTML|*", "HTML:LIST_ADDRESS_HTML", True, False),
]


@pytest.mark.parametrize(("template", "name", "system", "guarded"), MAILCHIMP_CASES)
def test_mailchimp_variables(template: str, name: str, system: bool, guarded: bool) -> None:
    c = analyse(f"<p>{template}</p>", dialect="mailchimp")
    outputs = [v for v in c.variables if v.name == name]
    assert outputs
    assert all(not v.has_fallback for v in outputs)  # Mailchimp has no inline fallback
    assert all(v.system == system for v in outputs)
    assert outputs[-1].guarded == guarded


def test_system_variables_per_dialect_and_from_config() -> None:
    c = analyse(
        '<a href="{{ unsubscribe_url }}">x</a> {{ uid }} {{ client_code }} {{ first_name }}',
        dialect="jinja",
        config=Config(system_variables=("client_code",)),
    )
    assert var(c, "unsubscribe_url").system and var(c, "uid").system
    assert var(c, "client_code").system
    assert not var(c, "first_name").system
    pm = analyse('<a href="{{{ pm:unsubscribe }}}">Unsubscribe</a>', dialect="handlebars")
    assert var(pm, "pm:unsubscribe").system


def test_in_link_and_where() -> None:
    c = analyse(
        "<p>Привет, {{ first_name }}!</p>\n"
        '<a href="https://shop.example/p?n={{ first_name }}&id={{ uid }}">Магазин</a>\n'
        '<img src="https://cdn.example/{{ avatar }}.png" alt="">',
        subject="{{ first_name }}, скидка",
        dialect="jinja",
        headers={"List-Unsubscribe": "<https://acme.example/u/{{ uid }}>"},
    )
    by_where = {(v.name, v.where, v.line, v.in_link) for v in c.variables}
    assert ("first_name", "html", 1, False) in by_where
    assert ("first_name", "html", 2, True) in by_where
    assert ("avatar", "html", 3, True) in by_where
    assert ("first_name", "subject", 1, False) in by_where
    assert ("uid", "header:List-Unsubscribe", 1, True) in by_where
    # a link a web server receives, or only a mailbox (mailto:)
    mail = analyse(
        '<a href="https://shop.example/p?n={{ first_name }}">Магазин</a>\n'
        '<a href="mailto:help@shop.example?subject={{ email }}">Поддержка</a>',
        dialect="jinja",
        headers={"List-Unsubscribe": "<mailto:u@acme.example?subject={{ uid }}>, <https://acme.example/u>"},
    )  # fmt: skip
    web = {(v.name, v.where, v.in_link, v.in_web_link) for v in mail.variables}
    assert web == {
        ("first_name", "html", True, True),
        ("email", "html", True, False),
        ("uid", "header:List-Unsubscribe", True, False),
    }


def test_unisender_fallback_covers_empty_but_not_inside_links() -> None:
    source = (
        "<p>Здравствуйте, {{Name|уважаемый подписчик}}! {{ city|title }}</p>\n"
        '<a href="https://shop.example/?n={{Name|друг}}">Магазин</a>'
    )
    assert analyse(source).dialect == "unisender"  # detected by its fallback with a space
    c = analyse(source, dialect="jinja")  # Jinja reads Unisender's fallbacks too
    assert c.dialect == "jinja" and c.template_error is None
    text_use = next(v for v in c.variables if v.name == "Name" and v.line == 1)
    assert text_use.has_fallback and text_use.fallback_covers_empty
    assert text_use.fallback == "уважаемый подписчик"
    link_use = next(v for v in c.variables if v.name == "Name" and v.line == 2)
    assert link_use.in_link and not link_use.has_fallback
    assert not var(c, "city").has_fallback  # a real Jinja filter, not a fallback
    assert "Здравствуйте, уважаемый подписчик!" in c.renders[0].document.text  # type: ignore[union-attr]


def test_a_test_send_is_not_rendered_so_leftover_tags_stay_visible() -> None:
    c = Campaign(
        id="e",
        source="e.eml",
        kind="eml",
        subject="Привет, *|FNAME|*",
        html="<p>Привет, {{ first_name }}!</p>",
    )
    render_campaign(c, Config())
    assert c.dialect == "none" and c.variables == []
    assert c.renders[0].subject == "Привет, *|FNAME|*"
    assert c.renders[0].document is not None
    assert "{{ first_name }}" in c.renders[0].document.text


def test_jinja_locals_of_every_kind_are_no_recipient_variables(tmp_path: Path) -> None:
    """What the template names itself (a {% set %}, a loop's variable, a macro and its
    parameters, what it imports from the campaign's own files) is no recipient variable;
    what it reads besides is, each one."""
    from mailcheck.templating import jinja, partials

    (tmp_path / "macros.html").write_text(
        "{% macro button(label) %}<a>{{ label }}</a>{% endmacro %}", encoding="utf-8"
    )
    source = (
        '{% import "macros.html" as m %}{% from "macros.html" import button as b %}'
        "{% macro greet(name) %}Привет, {{ name }}!{% endmacro %}{% set total = 3 %}"
        "{{ greet(first_name) }} {% for item in items %}{{ item }}{% endfor %}"
        "{{ m.button(city) }}{{ b(total) }}"
    )
    with partials.reading(tmp_path, 100_000):
        template = jinja.parse(source, lambda name: False)
    assert sorted({u.name for u in template.uses}) == ["city", "first_name", "items"]
