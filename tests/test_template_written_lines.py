"""A finding of a templated campaign names the line of the template as written, not of the text
it renders to: an element after a loop (or an include, or a block that rendered nothing) at its
own line, an element inside a loop at the loop body's line, once however often the loop
repeats it; what a tag prints (a value of several lines, a partial) at that tag's line. Where
no written line is known (lines joined by whitespace control, a Handlebars partial alone on its
line), the place names none rather than a wrong one. A suppression comment
written before an element hides its finding in the loop and after it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mailcheck.model import Severity
from mailcheck.templating import written
from mailcheck.templating.catalogue import load_catalogue
from tests.helpers import check, only, write_campaign

ITEMS = [{"name": "Чайник", "id": 1}, {"name": "Плед", "id": 2}, {"name": "Лампа", "id": 3}]
SAMPLES = json.dumps([{"first_name": "Анна", "items": ITEMS}], ensure_ascii=False)
# (dialect, the loop's opening tag, the item's name and id as the body writes them, its end)
LOOPS = [
    ("jinja", "{% for item in items %}", "{{ item.name }}", "{{ item.id }}", "{% endfor %}"),
    ("liquid", "{% for item in items %}", "{{ item.name }}", "{{ item.id }}", "{% endfor %}"),
    ("handlebars", "{{#each items}}", "{{name}}", "{{id}}", "{{/each}}"),
]


def _written_lines(marked: str, rendered: str) -> list[int] | None:
    """Every line of ``rendered`` with the written line it shows (the engine asks for the lines
    its elements are on, one at a time); None when ``marked`` is not ``rendered`` with markers."""
    if written.unmarked(marked) != rendered:
        return None
    at = written.WrittenLines(marked)
    return [at(n) for n in range(1, rendered.count("\n") + 2)]


def loop_html(opening: str, name: str, ident: str, closing: str, *, before_img: str = "") -> str:
    """A 12-line layout: the loop's body at lines 5-6 (a plain http:// link at 6), the image
    without alt at line 9 (line 8 holds ``before_img``, when given), after the loop."""
    return (
        '<html lang="ru"><head><title>Sale</title></head>\n'  # 1
        "<body>\n"  # 2
        '<div style="display:none">Только на этой неделе: скидки на всё</div>\n'  # 3
        f"{opening}\n"  # 4
        f"<p>{name}</p>\n"  # 5
        f'<a href="http://shop.test/p/{ident}?utm_source=e&utm_medium=e&utm_campaign=c">'
        "Купить</a>\n"  # 6
        f"{closing}\n"  # 7
        f"{before_img}\n"  # 8
        '<img src="https://cdn.shop.test/sale.png">\n'  # 9
        '<a href="https://shop.test/unsubscribe">Отписаться</a>\n'  # 10
        "</body>\n"  # 11
        "</html>\n"  # 12
    )


def loop_campaign(root: Path, dialect: str, html: str) -> Path:
    return write_campaign(
        root,
        "c",
        html=html,
        template=dialect,
        samples="samples.json",
        files={"samples.json": SAMPLES},
    )


@pytest.mark.parametrize(("dialect", "opening", "name", "ident", "closing"), LOOPS)
def test_after_a_loop_the_element_is_at_its_written_line(
    tmp_path: Path, dialect: str, opening: str, name: str, ident: str, closing: str
) -> None:
    result = check(loop_campaign(tmp_path, dialect, loop_html(opening, name, ident, closing)))
    images = only(result, "IMG001")
    assert [(f.severity, f.places) for f in images] == [(Severity.WARNING, ("email.html:9",))]
    # the link the loop repeats three times: one finding, at the body's line, once
    plain = only(result, "LNK004")
    assert [(f.severity, f.places) for f in plain] == [(Severity.WARNING, ("email.html:6",))]
    # one link as written, however many times the loop renders it: counted once
    assert plain[0].message == "plain http:// link to shop.test"


@pytest.mark.parametrize(("dialect", "opening", "name", "ident", "closing"), LOOPS)
def test_a_comment_hides_the_finding_of_the_element_written_after_it(
    tmp_path: Path, dialect: str, opening: str, name: str, ident: str, closing: str
) -> None:
    html = loop_html(opening, name, ident, closing, before_img="<!-- mailcheck: ignore IMG001 -->")
    result = check(loop_campaign(tmp_path, dialect, html))
    assert only(result, "IMG001") == []
    assert [f.code for _, hidden in result.suppressed for f in hidden] == ["IMG001"]
    assert len(only(result, "LNK004")) == 1


def test_a_comment_in_the_loop_body_hides_the_looped_link(tmp_path: Path) -> None:
    html = loop_html(
        "{% for item in items %}<!-- mailcheck: ignore LNK004 -->",
        "{{ item.name }}",
        "{{ item.id }}",
        "{% endfor %}",
    )
    # (the comment at line 4 stands before the <p> of line 5: it covers that element; the link
    # is on the next line, another element)
    html = html.replace("<p>{{ item.name }}</p>\n", "")
    html = html.replace("{% endfor %}\n", "{% endfor %}\n<p></p>\n")  # (twelve lines still)
    result = check(loop_campaign(tmp_path, "jinja", html))
    assert only(result, "LNK004") == []
    assert [f.code for _, hidden in result.suppressed for f in hidden] == ["LNK004"]
    assert [f.places for f in only(result, "IMG001")] == [("email.html:9",)]


def test_a_block_that_renders_nothing_moves_no_later_line(tmp_path: Path) -> None:
    html = loop_html("{% if vip %}", "{{ first_name }}", "1", "{% endif %}")
    result = check(loop_campaign(tmp_path, "jinja", html))
    assert [(f.severity, f.places) for f in only(result, "IMG001")] == [
        (Severity.WARNING, ("email.html:9",))
    ]


def test_an_element_a_value_of_several_lines_prints_is_at_its_tag(tmp_path: Path) -> None:
    html = loop_html("", "{{ first_name }}", "1", "").replace(
        '<img src="https://cdn.shop.test/sale.png">', "{{ banner }}"
    )
    samples = json.dumps(
        [{"first_name": "Анна", "banner": '<br>\n<br>\n<img src="https://cdn.shop.test/b.png">'}]
    )
    d = write_campaign(
        tmp_path, "c", html=html, template="jinja", samples="s.json", files={"s.json": samples}
    )
    result = check(d)
    # the rendered text has two lines more after it; the image stands where {{ banner }} is
    assert [(f.severity, f.places) for f in only(result, "IMG001")] == [
        (Severity.WARNING, ("email.html:9",))
    ]


def test_an_element_of_a_partial_is_at_the_partials_own_line(tmp_path: Path) -> None:
    html = loop_html("", "{{ first_name }}", "1", "").replace(
        '<img src="https://cdn.shop.test/sale.png">', '{% include "partials/banner.html" %}'
    )
    d = loop_campaign(tmp_path, "jinja", html)
    (d / "partials").mkdir()
    (d / "partials" / "banner.html").write_text(
        '<p>Акция</p>\n<p>Ещё</p>\n<img src="https://cdn.shop.test/b.png">\n', "utf-8"
    )
    result = check(d)
    # the image is written at the partial's line 3 (it was email.html:9, the tag that pulls
    # it in, and before that email.html:11, a line of the rendered text)
    assert [(f.severity, f.places) for f in only(result, "IMG001")] == [
        (Severity.WARNING, ("partials/banner.html:3",))
    ]


def test_a_partial_the_tag_pulls_in_alone_with_its_line_is_at_its_own_line(
    tmp_path: Path,
) -> None:
    html = loop_html("", "{{first_name}}", "1", "").replace(
        '<img src="https://cdn.shop.test/sale.png">', "{{> banner}}"
    )
    d = loop_campaign(tmp_path, "handlebars", html)
    (d / "partials").mkdir()
    (d / "partials" / "banner.hbs").write_text(
        '<p>Акция</p>\n<p>Ещё</p>\n<img src="https://cdn.shop.test/b.png">\n', "utf-8"
    )
    result = check(d)
    # a Handlebars partial alone on its line takes the line with it (no marker of email.html
    # stands beside it); the partial's own lines are marked: the image is at its line 3 (it
    # was email.html with no line, and before that email.html:11)
    assert [(f.severity, f.places) for f in only(result, "IMG001")] == [
        (Severity.WARNING, ("partials/banner.hbs:3",))
    ]


def test_lines_whitespace_control_joins_name_no_line(tmp_path: Path) -> None:
    html = loop_html(
        "{%- for item in items -%}", "{{ item.name }}", "{{ item.id }}", "{%- endfor -%}"
    )
    result = check(loop_campaign(tmp_path, "liquid", html))
    # the loop's lines and the image's are one rendered line: whose it is, is not known
    assert [(f.severity, f.places) for f in only(result, "IMG001")] == [
        (Severity.WARNING, ("email.html",))
    ]
    assert [f.places for f in only(result, "LNK004")] == [("email.html",)]


# Templates whose marked copy must render to the same text, markers aside: white space control
# on either side, Handlebars blocks alone on their lines (removed with their line), comments,
# raw blocks, tags over several lines.
SAME = [
    ("jinja", "<p>a</p>\n{% for i in items -%}\n  <li>{{ i }}</li>\n{%- endfor %}\n<img>\n"),
    ("jinja", "<p>{{- x }}</p>\n  {{ x -}}\n  <b>\n{# c\n<i> #}\n{% raw %}<u>{{ y }}{% endraw %}"),
    ("jinja", "<p>{{ x\n }}</p>\n{% if x %}\n<p>A</p>\n{% else %}\n<p>B</p>\n{% endif %}\n"),
    ("liquid", "<p>a</p>\n{%- for i in items -%}\n  <li>{{ i }}</li>\n{%- endfor -%}\n<img>\n"),
    ("liquid", "{% comment %}\n<p>\n{% endcomment %}\n{% raw %}\n<i>{{ a }}</i>\n{% endraw %}"),
    ("handlebars", "<p>a</p>\n  {{#each items}}\n  <li>{{this}}</li>\n  {{/each}}\n<img>\n"),
    ("handlebars", "{{!-- c\n<p> --}}\n  {{~#if x~}}\n <b>{{{x}}}</b>\n  {{~/if}}\n<i>{{x}}</i>"),
    ("mailchimp", "*|IF:FNAME|*\n<p>*|FNAME|*</p>\n*|ELSE:|*\n<p>x</p>\n*|END:IF|*\n<br>"),
    # text kept as a value and tested: a marker inside would make an empty value non-empty
    (
        "liquid",
        "{% capture who %}\n{{ nobody }}\n{% endcapture %}\n"
        "<p>{% if who == blank %}Hi there{% else %}Hi {{ who }}{% endif %},</p>\n",
    ),
    (
        "liquid",
        "<p>{% capture who %}{{ nobody }}\n{% endcapture %}{{ who | size }}</p>\n<img>\n",
    ),
    (
        "jinja",
        "{% set who %}\n{{ nobody }}\n{% endset %}\n"
        "<p>{% if who | trim %}Hi {{ who }}{% else %}Hi there{% endif %},</p>\n",
    ),
    ("jinja", "<p>{% filter wordcount | string %}\n{{ x }}\n{% endfilter %}</p>\n<img>\n"),
    # a block set whose value goes through a filter; ``{%+``
    (
        "jinja",
        "{% set who | trim %}\n{{ nobody }}\n{% endset %}\n"
        "<p>{% if who %}Hi {{ who }}{% else %}Hi there{% endif %},</p>\n",
    ),
    ("jinja", "{%+ set who %}\n{{ nobody }}\n{%+ endset %}<p>{{ who | length }}</p>\n"),
    # what a macro prints, tested, measured or changed
    (
        "jinja",
        "{% macro greet(n) %}\n{{ n }}\n{% endmacro %}"
        "<p>{% if greet(nobody) | trim %}Hi{% else %}Hey{% endif %}</p>\n",
    ),
    ("jinja", "{% macro t() %}\n<b>{{ x }}</b>\n{% endmacro %}<p>{{ t() | upper }}</p>\n"),
    # a call's body: the macro's caller(), tested
    (
        "jinja",
        "{% macro box() %}{% if caller() | trim %}<div>{{ caller() }}</div>{% endif %}"
        "{% endmacro %}\n{% call box() %}\n{{ nobody }}\n{% endcall %}\n",
    ),
    # a block the template calls (self.name()), tested
    (
        "jinja",
        "{% block preheader %}\n{{ nobody }}\n{% endblock preheader %}\n"
        "<p>{% if self.preheader() | trim %}{{ self.preheader() }}{% else %}none{% endif %}</p>\n",
    ),
    # a recursive loop's body: what loop(children) prints, tested
    (
        "jinja",
        "{% for i in [{'s': 1, 'n': 'a', 'c': [{'s': 0, 'n': 'b', 'c': []}]}] recursive %}"
        "{% if i.s %}\n<li>{{ i.n }}</li>\n{% endif %}"
        "{% if loop(i.c) | trim %}<ul>{{ loop(i.c) }}</ul>{% endif %}\n{% endfor %}\n",
    ),
    # Liquid prints nothing of a block that renders white space alone (no output tag in it):
    # a marker beside its tags would print that white space
    ("liquid", "<p>a</p>\n{% for i in items %}\n  {% assign y = i %}\n{% endfor %}\n<img>\n"),
    (
        "liquid",
        "{% if nobody %}\n  {% assign z = 1 %}\n{% else %}\n  {% assign z = 2 %}\n{% endif %}\n"
        "<p>{{ z }}</p>\n",
    ),
    (
        "liquid",
        "{% case nobody %}\n  {% when 'a' %}\n    {% assign q = 1 %}\n  {% else %}\n"
        "    {% assign q = 2 %}\n{% endcase %}\n<p>{{ q }}</p>\n",
    ),
    ("liquid", "<p>{{ x }}</p>\n<p>a</p>{% if x %}\n{% endif %}<b>\n"),
]


@pytest.mark.parametrize(("dialect", "source"), SAME)
def test_the_marked_template_renders_the_same_text(dialect: str, source: str) -> None:
    found = load_catalogue().get(dialect)
    assert found is not None
    parse = found.load_parser()
    values = {"items": ["a", "b", "c"], "x": "X", "y": "Y", "a": "A", "FNAME": "Анна"}
    rendered = parse(source, lambda name: False).render(values)
    marked = written.mark(source, dialect)
    assert marked is not None
    marked_render = parse(marked, lambda name: False).render(values)
    assert re.sub("\ufdd0[oc][0-9]+\ufdd1", "", marked_render) == rendered
    lines = _written_lines(marked_render, rendered)
    assert lines is not None and len(lines) == rendered.count("\n") + 1
    # a line that shows an element shows a line of the source that writes one, or none
    source_lines = source.split("\n")
    for shown, line in zip(rendered.split("\n"), lines, strict=True):
        if line:
            assert "<" in source_lines[line - 1] or "<" not in shown, (shown, line)


def test_a_source_with_a_noncharacter_is_not_marked() -> None:
    assert written.mark("<p>\ufdd5{{ x }}</p>", "jinja") is None
    assert written.mark("<p>{{ x }}</p>", "velocity") is None  # (a dialect not read here)


def test_a_block_of_a_template_that_extends_a_layout_is_not_marked() -> None:
    # the layout (a partial, not marked) may call the block (``self.preheader()``) and test
    # what it prints: no marker inside it
    source = '{% extends "base.html" %}\n{% block preheader %}\n{{ pre }}\n{% endblock %}\n'
    marked = written.mark(source, "jinja")
    assert marked is not None
    inside = marked[marked.index("{% block preheader %}") : marked.index("{% endblock %}")]
    assert inside == "{% block preheader %}\n{{ pre }}\n"
    # without a layout and without self.name(), a block's lines are marked
    alone = written.mark(source.replace('{% extends "base.html" %}', "<p>x</p>"), "jinja")
    assert alone is not None and "\ufdd0o3\ufdd1{{ pre }}\ufdd0c3\ufdd1" in alone


def test_markers_never_take_a_render_over_its_budget() -> None:
    from mailcheck.config import Config, LimitsConfig
    from mailcheck.model import Campaign
    from mailcheck.templating.render import render_campaign

    html = "<p>{{ first_name }}</p>\n" + "".join(f"<p>Строка {n}</p>\n" for n in range(40))

    def rendered(limits: LimitsConfig) -> Campaign:
        c = Campaign(id="c", source="c", kind="toml", html=html, samples=[{"first_name": "Анна"}])
        c.dialect, c.dialect_explicit = "jinja", True
        render_campaign(c, Config(limits=limits))
        return c

    free = rendered(LimitsConfig())
    longest = max(len(r.html) for r in free.renders if r.html is not None)
    # the markers (two a line) would take each render past a budget the template keeps within
    tight = rendered(LimitsConfig(render_bytes=longest))
    assert tight.over_budget is None
    assert [(r.label, r.html) for r in tight.renders] == [(r.label, r.html) for r in free.renders]
    # (one character less is over the budget, as written)
    over = rendered(LimitsConfig(render_bytes=longest - 1))
    assert (
        over.over_budget
        == f"one render built more than {longest - 1:,} characters ([limits] render-bytes)"
    )


@pytest.mark.parametrize(
    "fallback", ["{{^first_name}}друг{{/first_name}}", "{{#unless first_name}}друг{{/unless}}"]
)
def test_what_the_template_reads_of_itself_is_read_as_written(
    tmp_path: Path, fallback: str
) -> None:
    # the block beside the value, on the next line, prints "друг" where it is empty: the
    # close marker after the value would stand between them (no longer spaces alone)
    html = loop_html("", "Привет, {{first_name}}", "1", "").replace(
        "<p>Привет, {{first_name}}</p>\n", f"<p>Привет, {{{{first_name}}}}\n  {fallback}!</p>\n"
    )
    d = write_campaign(tmp_path, "c", html=html, template="handlebars")
    result = check(d)
    assert [(f.code, f.severity) for f in result.findings if f.code.startswith("PER")] == []
    # (without the block, the empty name is found: one error, at the value's line)
    d = write_campaign(
        tmp_path, "d", html=html.replace(f"\n  {fallback}", ""), template="handlebars"
    )
    per = [f for f in check(d).findings if f.code == "PER001"]
    assert [(f.severity, f.places) for f in per] == [(Severity.ERROR, ("email.html:5",))]


# What a dialect reads of its text, around and between its tags: the spaces between a value and
# the block that stands in for it, and the text that block prints (a fallback written over
# several lines: its lines are marked). Each: the source and its uses (name, line, guarded,
# fallback), with the partials it names (name, line)
READINGS = [
    (
        "handlebars",
        "<p>Привет, {{first_name}}\n  {{^first_name}}друг{{/first_name}}!</p>\n",
        [("first_name", 1, False, "друг"), ("first_name", 2, True, None)],
        [],
    ),
    (
        "handlebars",
        "<p>Привет, {{first_name}}{{#unless first_name}}\n  дорогой\n  друг\n{{/unless}}</p>\n",
        [("first_name", 1, False, "дорогой друг"), ("first_name", 1, True, None)],
        [],
    ),
    (
        "handlebars",
        "<p>{{#if city}}\n  {{city}}\n{{/if}}</p>\n{{> footer}}\n<p>{{name}}</p>\n",
        [("city", 1, True, None), ("city", 2, True, None), ("name", 5, False, None)],
        [("footer", 4)],
    ),
    (
        "jinja",
        "<p>{% if city %}\n  {{ city }}\n{% endif %}</p>\n{{ first_name | default('друг') }}\n",
        [("city", 1, True, None), ("city", 2, True, None), ("first_name", 4, False, "друг")],
        [],
    ),
    (
        "liquid",
        "<p>{% if city %}\n  {{ city }}\n{% endif %}</p>\n{% render 'footer' %}\n",
        [("city", 1, True, None), ("city", 2, True, None)],
        [("footer", 4)],
    ),
    (
        "mailchimp",
        "*|IF:CITY|*\n<p>*|CITY|*</p>\n*|END:IF|*\n<p>Привет, *|FNAME|*</p>\n",
        [("CITY", 1, True, None), ("CITY", 2, True, None), ("FNAME", 4, False, None)],
        [],
    ),
]


@pytest.mark.parametrize(("dialect", "source", "uses", "partials_at"), READINGS)
def test_the_marked_copy_reads_as_the_template_as_written(
    dialect: str,
    source: str,
    uses: list[tuple[str, int, bool, str | None]],
    partials_at: list[tuple[str, int]],
) -> None:
    # the template is parsed once, marked: its uses (each one's line, guard and fallback),
    # partials and mistakes are those of the template as written
    found = load_catalogue().get(dialect)
    assert found is not None
    parse = found.load_parser()
    marked = written.mark(source, dialect)
    assert marked is not None and "\ufdd0" in marked
    as_written, from_marked = parse(source, lambda name: False), parse(marked, lambda name: False)
    assert [(u.name, u.line, u.guarded, u.fallback) for u in from_marked.uses] == uses
    assert list(getattr(from_marked, "partials_at", [])) == partials_at
    assert from_marked.uses == as_written.uses
    for name in ("partials", "partials_at", "unread", "mistakes", "falsy_alike"):
        assert getattr(from_marked, name, None) == getattr(as_written, name, None), name


def test_a_document_asks_for_the_lines_of_its_elements_alone() -> None:
    from mailcheck.htmlparse import parse_html

    # a loop of three items (lines 2-4 written, rendered three times), then an image
    source = (
        "<ul>\n{% for i in items %}\n<li><a href='https://x.test/{{ i }}'>{{ i }}</a></li>\n"
        "{% endfor %}\n</ul>\n<img src='https://x.test/a.png'>\n"
    )
    found = load_catalogue().get("jinja")
    assert found is not None
    parse = found.load_parser()
    marked = written.mark(source, "jinja")
    assert marked is not None
    marked_render = parse(marked, lambda name: False).render({"items": ["a", "b", "c"]})
    rendered = written.unmarked(marked_render)
    lines = written.WrittenLines(marked_render)
    asked: list[int] = []

    def at(line: int) -> int:
        asked.append(line)
        return lines(line)

    doc = written.remapped(parse_html(rendered), at)
    # the three links at the loop body's line, the image at its own; no other line read
    assert [link.line for link in doc.links] == [3, 3, 3, 6]  # (the image's src too)
    assert [image.line for image in doc.images] == [6]
    assert sorted(set(asked)) == [3, 5, 7, 10]  # (rendered: the links 3, 5, 7; the image 10)
    assert _written_lines(marked_render, rendered) == [1, 2, 3, 0, 3, 0, 3, 4, 5, 6, 0]
