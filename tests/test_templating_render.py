"""Rendering campaigns: variants per sample, longest values, PER002 evidence, PER004 errors."""

from __future__ import annotations

from typing import Any

import pytest

from mailcheck.config import Config
from mailcheck.htmlparse import parse_html
from mailcheck.model import Campaign
from mailcheck.templating import (
    SYSTEM_PLACEHOLDER_HOST,
    broken_text,
    flatten_sample,
    leftover_tags,
    missing_from_samples,
    render_campaign,
)
from mailcheck.templating.core import IsSystem


def render(
    html: str | None,
    *,
    subject: str | None = None,
    dialect: str | None = None,
    samples: list[dict[str, object]] | None = None,
    **kw: Any,
) -> Campaign:
    c = Campaign(
        id="c",
        source="c",
        kind="toml",
        subject=subject,
        html=html,
        samples=samples or [],
        **kw,
    )
    if dialect:
        c.dialect = dialect
        c.dialect_explicit = True
    render_campaign(c, Config())
    return c


def evidence(c: Campaign) -> list[str]:
    """What the blanking probe found, as the PER001/PER006 messages quote it."""
    return [b.describe() for r in c.renders for b in r.probe]


PAGE = """<html><head><title>{{ first_name }}</title></head><body>
<div class="preheader" style="display:none">Для вас, {{ first_name | default('друг', true) }}</div>
<p>Привет, {{ first_name | default('друг', true) }}!
Ваш город: {{ city | default('Москва', true) }}.</p>
<a href="https://shop.example/sale?n={{ first_name }}">Купить</a>
<a href="{{ unsubscribe_url }}">Отписаться</a>
</body></html>"""


def test_a_samples_label_is_its_name_never_its_address_or_another_field() -> None:
    """Labels reach the client's report: a recipient's e-mail address is not for it, and
    "sample 2 (100)" (a price) told nothing (QA probes)."""
    c = render(
        PAGE,
        samples=[
            {"email": "petr.ivanov@mail.example", "first_name": "Пётр"},
            {"email": "marina.k@list.example", "first_name": ""},
            {"price": "100", "city": "Тверь"},
            {"ФИО": "Ольга Смирнова", "email": "olga@mail.example"},
        ],
    )
    labels = [r.label for r in c.renders][1:]
    assert labels == ["sample 1 (Пётр)", "sample 2", "sample 3", "sample 4 (Ольга Смирнова)"]


def test_renders_longest_values_then_each_sample() -> None:
    c = render(
        PAGE,
        subject="{{ first_name | default('Друг', true) }}, −30% на всё",
        samples=[{"first_name": "Анна", "city": "Тверь"}, {"first_name": "Александра", "city": ""}],
    )
    assert c.template_error is None and c.dialect == "jinja"
    labels = [r.label for r in c.renders]
    assert labels == ["longest values", "sample 1 (Анна)", "sample 2 (Александра)"]
    main, first, second = c.renders
    assert main.subject == "Александра, −30% на всё"
    assert "Ваш город: Тверь." in main.document.text  # type: ignore[union-attr]
    assert first.subject == "Анна, −30% на всё"
    assert first.preheader == "Для вас, Анна"
    assert second.document is not None and "Ваш город: Москва." in second.document.text
    hrefs = [link.href for link in first.document.links]  # type: ignore[union-attr]
    assert hrefs[0] == "https://shop.example/sale?n=Анна"
    assert hrefs[1].startswith(f"https://{SYSTEM_PLACEHOLDER_HOST}/")
    assert [link.raw for link in first.document.links] == [  # type: ignore[union-attr]
        "https://shop.example/sale?n={{ first_name }}",
        "{{ unsubscribe_url }}",
    ]
    assert c.static is not None and c.static.links[0].href.endswith("{{ first_name }}")


def test_longest_value_is_chosen_by_graphemes() -> None:
    family = "👨\u200d👩\u200d👧\u200d👦"  # one grapheme, seven code points
    c = render(
        "<p>{{ name }}</p>",
        subject="{{ name }}!",
        samples=[{"name": family * 3}, {"name": "Анна"}, {"name": "й" * 2}],
    )
    assert len(family * 3) > len("Анна")
    assert c.renders[0].subject == "Анна!"
    combining = "и\u0306" * 5  # "й" as two code points, five graphemes
    c = render(
        "<p>{{ name }}</p>",
        subject="{{ name }}",
        samples=[{"name": combining}, {"name": "Ивановa"}],
    )
    assert c.renders[0].subject == "Ивановa"


def test_without_samples_fallbacks_render() -> None:
    c = render(PAGE, subject="{{ first_name | default('Друг', true) }}, скидка")
    assert [r.label for r in c.renders] == ["fallbacks"]
    main = c.renders[0]
    assert main.subject == "Друг, скидка"
    assert main.preheader == "Для вас, друг"


def test_identical_renders_share_one_document_and_plain_html_reuses_static() -> None:
    c = render(
        "<p>{{ name }}</p><a href='https://a.example/'>a</a>",
        samples=[{"name": "Иван"}, {"name": "Иван"}],
    )
    assert c.renders[1].document is c.renders[2].document
    assert c.renders[0].document is c.renders[1].document  # longest value is the same "Иван"
    static = parse_html("<p>Привет</p>")
    plain = Campaign(id="p", source="p", kind="html", html="<p>Привет</p>", static=static)
    render_campaign(plain, Config())
    assert plain.dialect == "none"
    assert [r.label for r in plain.renders] == ["as is"]
    assert plain.renders[0].document is static


def test_nested_json_samples_use_dotted_paths() -> None:
    sample: dict[str, object] = {"user": {"first_name": "Мария", "address": {"city": "Казань"}}}
    assert flatten_sample(sample) == {"user.first_name": "Мария", "user.address.city": "Казань"}
    c = render(
        "<p>Здравствуйте, {{ user.first_name }} из {{ user.address.city }}! {{ user.phone }}</p>",
        samples=[sample],
    )
    assert "Здравствуйте, Мария из Казани" not in c.renders[1].document.text  # type: ignore[union-attr]
    assert "Здравствуйте, Мария из Казань!" in c.renders[1].document.text  # type: ignore[union-attr]
    assert [v.name for v in missing_from_samples(c)] == ["user.phone"]


def test_mailchimp_sample_keys_match_case_insensitively() -> None:
    c = render(
        "<p>Hi *|FNAME|*, *|LNAME|*</p><a href='*|UNSUB|*'>Unsubscribe</a>",
        samples=[{"fname": "Ann"}],
    )
    assert c.dialect == "mailchimp"
    assert "Hi Ann," in c.renders[1].document.text  # type: ignore[union-attr]
    assert [v.name for v in missing_from_samples(c)] == ["LNAME"]
    unsub = c.renders[1].document.links[0]  # type: ignore[union-attr]
    assert unsub.href == f"https://{SYSTEM_PLACEHOLDER_HOST}/unsub" and unsub.raw == "*|UNSUB|*"


def test_explicit_preheader_and_headers_are_rendered() -> None:
    c = render(
        "<p>{{ name }}</p>",
        subject="Привет",
        samples=[{"name": "Олег", "uid": "1"}],
        preheader="Только для {{ name | default('вас', true) }}",
        preheader_explicit=True,
        headers={"List-Unsubscribe": "<https://acme.example/u/{{ uid }}>"},
    )
    assert c.renders[1].preheader == "Только для Олег"
    assert c.renders[1].headers == {"List-Unsubscribe": "<https://acme.example/u/1>"}
    assert c.renders[0].headers == {"List-Unsubscribe": "<https://acme.example/u/1>"}


def test_sample_renders_are_capped() -> None:
    c = render("<p>{{ n }}</p>", samples=[{"n": str(i)} for i in range(80)])
    assert len(c.renders) == 1 + 50


# -- the blanking probe and what samples receive ------------------------------------------------------------


def test_greeting_without_fallback_gives_evidence() -> None:
    c = render("<p>Привет, {{ first_name }}!</p>")
    assert 'with first_name = "" the text reads “Привет, !”' in evidence(c)


def test_fallback_covering_empty_gives_no_evidence() -> None:
    c = render(
        "<p>Привет, {{ first_name | default('Друг', true) }}!</p>", samples=[{"first_name": "Анна"}]
    )
    assert evidence(c) == []
    assert render("<p>Привет, {{ first_name | default('Друг', true) }}!</p>").renders[0].probe == []


def test_fallback_for_undefined_only_gives_evidence_for_empty_and_none() -> None:
    c = render(
        "<p>Привет, {{ first_name | default('Друг') }}!</p>", samples=[{"first_name": "Анна"}]
    )
    found = evidence(c)
    assert 'with first_name = "" the text reads “Привет, !”' in found
    # what None is, in the reader's words: it said "with first_name missing (null)", where a
    # missing first_name gets the fallback and a null one prints "None"; then "with no value
    # for first_name", which a missing one is too: what was probed is a null (a QA probe)
    assert (
        "with first_name null in the data the text reads “Привет, None”: “None” is how "
        "the template prints null"
    ) in found
    assert not [e for e in found if "no value" in e]


def test_sample_with_empty_value_shows_its_own_breakage() -> None:
    c = render(
        "<p>Привет, {{ first_name | default('Друг') }}!</p>",
        samples=[{"first_name": ""}, {"first_name": "None"}, {"first_name": "  "}],
    )
    first, second, third = c.renders[1:]
    assert [b.describe() for b in first.breakage] == ["the text reads “Привет, !”"]
    assert [b.snippet for b in second.breakage] == ["Привет, None"]
    assert [b.snippet for b in third.breakage] == ["Привет, !"]


def test_subject_blanking_and_patronymic() -> None:
    c = render(
        "<p>Уважаемый {{ first_name }} {{ middle_name }}, ждём вас.</p>", subject="{{ first_name }}"
    )
    found = evidence(c)
    assert 'with first_name = "" the subject is empty' in found
    assert 'with middle_name = "" the text reads “first_name ,”' in found


def test_static_punctuation_is_not_blamed_on_a_variable() -> None:
    c = render("<p>Hello , world</p><p>Hi {{ name | default('there', true) }}!</p>")
    assert evidence(c) == []


@pytest.mark.parametrize(
    ("html", "dialect", "expected"),
    [
        (
            "<p>Hello {{ first_name | default: '' }},</p><p>Hi {{ first_name }}!</p>",
            "liquid",
            'with first_name = "" the text reads “Hi !”',
        ),
        (
            "<p>Dear {{first_name}},</p>",
            "handlebars",
            'with first_name = "" the text reads “Dear ,”',
        ),
        ("<p>Hello *|FNAME|*,</p>", "mailchimp", 'with FNAME = "" the text reads “Hello ,”'),
    ],
)
def test_blanking_in_each_dialect(html: str, dialect: str, expected: str) -> None:
    assert expected in evidence(render(html, dialect=dialect))


@pytest.mark.parametrize(
    ("html", "dialect"),
    [
        ("<p>Hello {{ first_name | default: 'friend' }}!</p>", "liquid"),
        ('<p>Hello {{insert first_name "default=friend"}}!</p>', "handlebars"),
        ("<p>{{#if first_name}}Hello {{first_name}}!{{else}}Hello!{{/if}}</p>", "handlebars"),
        ("<p>*|IF:FNAME|*Hello *|FNAME|*!*|ELSE:|*Hello!*|END:IF|*</p>", "mailchimp"),
        ("<p>{% if name %}Привет, {{ name }}!{% else %}Привет!{% endif %}</p>", "jinja"),
    ],
)
def test_guards_and_fallbacks_give_no_evidence(html: str, dialect: str) -> None:
    assert evidence(render(html, dialect=dialect)) == []


# -- PER004 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "dialect", "line", "words"),
    [
        ("<p>a</p>\n<p>{% if name %}Привет\n</p>\n", "jinja", 0, "endif"),
        ("<p>a</p>\n\n<p>{{ name }</p>", "jinja", 3, "}"),
        ("<p>a</p>\n<p>{% if name %}\nПривет</p>", "liquid", 0, "endif"),
        ("<p>a</p>\n\n<p>{{ name | default: 'x' }</p>", "liquid", 3, "}}"),
        ("<p>a</p>\n{{#if name}}\n<p>Hi</p>\n", "handlebars", 2, "never closed"),
        ("<p>a</p>\n{{#if name}}\n{{/each}}", "handlebars", 3, "opened on line 2"),
        ("<p>a</p>\n\n{{/if}}", "handlebars", 3, "no block is open"),
        ("<p>a</p>\n*|IF:FNAME|*\n<p>Hi</p>", "mailchimp", 2, "END:IF"),
        ("<p>a</p>\n\n*|END:IF|*", "mailchimp", 3, "without an opening"),
    ],
)
def test_syntax_errors_name_the_line(html: str, dialect: str, line: int, words: str) -> None:
    c = render(html, dialect=dialect)
    assert c.template_error is not None and words in c.template_error
    if line:
        assert c.template_error_line == line
        assert c.template_error.startswith(f"line {line}: ")
    else:
        assert c.template_error_line >= 2
    assert c.renders == []
    assert c.static is not None  # links are still checked as written


def test_syntax_error_in_subject_names_the_part() -> None:
    c = render(
        "<a href='https://a.example/{{ x }}'>a</a>", subject="{% if x %}Привет", dialect="jinja"
    )
    assert c.template_error is not None and c.template_error.startswith("subject: line 1:")
    assert c.template_error_line == 0
    assert c.static is not None and c.static.links[0].href == "https://a.example/{{ x }}"


@pytest.mark.parametrize(
    ("html", "dialect"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "jinja"),
        ("{{ 1 / 0 }}", "jinja"),
        ("{{ name.upper().strip()[0] }} {{ f(x)(y) }}", "jinja"),
        ("{% for i in range(10**9) %}x{% endfor %}", "jinja"),
        ("{{ x | no_such_filter }}", "jinja"),
        ("{{ x | no_such_filter: 1 }}", "liquid"),
        ("{{#each x}}{{#each this}}{{this}}{{/each}}{{/each}}", "handlebars"),
        ("*|IF:A>|**|END:IF|* *||* *|IF:|**|END:IF|*", "mailchimp"),
        ("\x00\x01\ufffd{{{{ }}}}{%%}*|", "jinja"),
    ],
)
def test_hostile_templates_never_raise(html: str, dialect: str) -> None:
    c = render(html, dialect=dialect, samples=[{"x": [[1, 2]], "name": "a"}])
    assert c.renders or c.template_error


def test_klaviyo_unsubscribe_tag_renders_a_system_link() -> None:
    c = render("<p>{{ first_name|default:'friend' }}</p>{% unsubscribe 'Отписаться' %}")
    assert c.dialect == "liquid" and c.template_error is None
    link = c.renders[0].document.links[0]  # type: ignore[union-attr]
    assert link.href.startswith(f"https://{SYSTEM_PLACEHOLDER_HOST}/") and link.text == "Отписаться"


# -- helpers for the PER rules --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Привет, !",
        "Здравствуйте, , рады видеть",
        "Hello , welcome",
        "Dear ,",
        "Иван , добрый",
        "Hi None!",
        "Hello undefined",
        "Total: NaN",
        "[object Object]",
        ", скидка 30%",
        ", −30% на всё",  # a name missing before a number with its sign
        "Привет !",
        "Bonjour \u202f!",  # a name left out before French typography's space
    ],
)
def test_broken_text_finds(text: str) -> None:
    assert broken_text(text)


def test_broken_text_quotes_a_two_word_greeting_whole() -> None:
    # it quoted «день, !» of «Добрый день, !» (a QA probe)
    assert broken_text("Добрый день, !") == ["Добрый день, !"]
    assert broken_text("Доброе утро, !", prose=True) == ["Доброе утро, !"]
    assert broken_text("Привет, !") == ["Привет, !"]


@pytest.mark.parametrize(
    ("text", "broken"),
    [
        ("Уважаемый(ая) , ждём вас", "Уважаемый(ая) ,"),
        ("Уважаемый(-ая) !", "Уважаемый(-ая) !"),
        ("Дорогой(ая) , скидка для вас", "Дорогой(ая) ,"),
        ("Уважаем(ый/ая) , ваш заказ", "Уважаем(ый/ая) ,"),
        ("Dear Mr. , thank you", "Dear Mr. ,"),
        ("Hello Dr , welcome", "Hello Dr ,"),
        ("Уважаемый г-н , ваш заказ готов", "Уважаемый г-н ,"),
    ],
)
def test_a_greeting_with_its_gender_ending_or_an_honorific_left_without_a_name_is_broken(
    text: str, broken: str
) -> None:
    # a QA probe: «Уважаемый(ая) , ждём вас», «Уважаемый(-ая) !» and "Dear Mr. , thank you"
    # passed in a sent .eml (the word before the comma was «ая», or none after "Mr.")
    assert broken_text(text, prose=True) == [broken]
    assert broken_text(text) == [broken]


@pytest.mark.parametrize(
    "text",
    [
        "Уважаемый(ая) Иван, ждём вас",
        "Уважаемый(ая), ждём вас",  # the form letter's own address, whole
        "Dear Mr. Smith, thank you",
        "Dear Sir , thank you",  # a reader addressed whole, a blank before the comma
        "Call Mr. , now",  # no greeting: a typo of the copy in a text as written
        "Price (USD) , see below",
    ],
)
def test_a_gender_ending_or_an_honorific_with_its_name_or_no_greeting_is_not_broken(
    text: str,
) -> None:
    assert broken_text(text, prose=True) == []


def test_broken_text_as_written_reads_only_a_comma_at_a_line_start() -> None:
    # a test send's text as it stands: ", скидка" is a name gone, ":cc:content-type;" (a
    # header line that slid into a body) is no greeting broken
    assert broken_text(", скидка для вас", prose=True) == [", скидка для вас"]
    assert broken_text(":cc:content-type;\n;-) ok", prose=True) == []
    assert broken_text(": скидка") == [": скидка"]  # rendered by us: a variable did it


def test_broken_text_finds_each_kind_among_blanks_and_lines() -> None:
    # every pattern is searched only in a text that has what it cannot match without (a comma,
    # a blank before "!", a word spelt, a line's first punctuation): each kind found here, with
    # tabs and no-break spaces around it and at a line's start, as before those were looked for
    text = (
        "Скидки.\nПривет\u00a0,\t!\tи всё\nDear\t, welcome\n\t; скидка для вас\n"
        "Hello \u00a0.\nTotal: NaN, Hi\u202fundefined!"
    )
    assert broken_text(text) == [
        "Привет\xa0,",
        "Привет\xa0,\t!",
        "Dear\t,",
        "; скидка для вас",
        "Hello \xa0.",
        "Total: NaN",
        "Hi\u202fundefined",
    ]
    assert broken_text(text, prose=True) == [
        "Привет\xa0,",
        "Привет\xa0,\t!",
        "Dear\t,",
        "Hello \xa0.",
        "Hi\u202fundefined",
    ]
    assert broken_text("Hello\u2009\u2009, x") == ["Hello\u2009\u2009,"]
    assert broken_text("Hi,\n, скидка", prose=True) == [", скидка"]


@pytest.mark.parametrize(
    "text",
    [
        "Привет, Анна!",
        "Hello, world.",
        "Dear Anna,",
        "Ивану Петровичу, 10 лет",
        "Nonetheless",
        "nullable",
        "Уважаемый клиент!",
        "Bonjour\u202f!",  # French typography: a narrow no-break space before "!" (a QA probe)
        "Bonjour\u00a0?",
        "Hi!",
        "",
    ],
)
def test_broken_text_ignores(text: str) -> None:
    assert broken_text(text) == []


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("Привет, {{ first_name }}!", "{{ first_name }}"),
        ("x {% if a %} y", "{% if a %}"),
        ("Hi *|FNAME|*", "*|FNAME|*"),
        ("Hi %%FirstName%%", "%%FirstName%%"),
        ("Привет, [% anketa.base.firstName %]", "[% anketa.base.firstName %]"),
        ("Привет, ${ Recipient.FirstName }", "${ Recipient.FirstName }"),
        ("@{if Recipient.FirstName}Привет", "@{if Recipient.FirstName}"),
        ("Hi %recipient.name%", "%recipient.name%"),
        ("https://a.example/?n=%7B%7Bname%7D%7D", "%7B%7B"),
    ],
)
def test_leftover_tags(text: str, tag: str) -> None:
    assert tag in leftover_tags(text)


def test_a_tag_inside_a_tag_is_one_leftover_with_its_braces_closed() -> None:
    assert leftover_tags("Hi {{${first_name}}}!") == ["{{${first_name}}}"]
    assert leftover_tags("Hi {{{ name }}}, ${x}") == ["{{{ name }}}", "${x}"]


def test_leftover_tags_skip_system_names_and_plain_text() -> None:
    assert leftover_tags("%%unsub_center_url%%", system=["unsub_center_url"]) == []
    assert leftover_tags("50% off, 100% cotton {curly} [square] *bold*") == []


def test_raw_links_survive_a_conditional_that_drops_a_link() -> None:
    html = (
        "<p>{% if vip %}<a href='https://shop.example/vip?u={{ uid }}'>VIP</a>{% endif %}</p>\n"
        "<a href='https://shop.example/p?n={{ name }}'>Каталог</a>\n"
        "<a href='https://shop.example/same'>Same</a>\n"
        "<img src='https://cdn.example/{{ name }}.png' alt=''>"
    )
    c = render(html, samples=[{"name": "Иван", "vip": ""}, {"name": "Ольга", "vip": "yes"}])
    ivan, olga = c.renders[1], c.renders[2]
    assert [(link.href, link.raw) for link in ivan.document.links] == [  # type: ignore[union-attr]
        ("https://shop.example/p?n=Иван", "https://shop.example/p?n={{ name }}"),
        ("https://shop.example/same", "https://shop.example/same"),
        ("https://cdn.example/Иван.png", "https://cdn.example/{{ name }}.png"),
    ]
    assert olga.document is not None and olga.document.links[0].raw == (
        "https://shop.example/vip?u={{ uid }}"
    )


def test_a_short_liquid_part_is_compiled_once_for_a_batch_and_renders_each_campaigns_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mailcheck.config import LimitsConfig
    from mailcheck.templating import liquid

    compiled: list[str] = []
    real_parse = liquid.parse

    def counting_parse(source: str, is_system: IsSystem) -> liquid.LiquidTemplate:
        compiled.append(source)
        return real_parse(source, is_system)

    monkeypatch.setattr(liquid, "parse", counting_parse)
    subject = "{% for i in (1..3) %}*{% endfor %} Скидка для {{ first_name | default: 'вас' }}"
    anna = render(
        "<p>Анна</p>", subject=subject, dialect="liquid", samples=[{"first_name": "Анна"}]
    )
    oleg = Campaign(id="o", source="o", kind="toml", subject=subject, html="<p>Олег</p>")
    oleg.samples = [{"first_name": "Олег"}]
    oleg.dialect, oleg.dialect_explicit = "liquid", True
    # the second campaign's limits hold for the part compiled for the first
    render_campaign(oleg, Config(limits=LimitsConfig(loop_iterations=2)))

    assert compiled.count(subject) == 1
    assert [r.subject for r in anna.renders] == ["*** Скидка для Анна", "*** Скидка для Анна"]
    assert oleg.renders == [] and oleg.over_budget is not None
    assert "loop" in oleg.over_budget


def test_a_link_url_the_application_builds_is_compiled_once_for_a_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A link the application fills (``href="{{ reset_link }}"``) makes the campaign's system
    names its own; the URLs its variants render are still compiled once for every campaign
    with the same names, as its other short parts are."""
    from mailcheck.templating import jinja

    compiled: list[str] = []
    real_parse = jinja.parse

    def counting_parse(source: str, is_system: IsSystem) -> Any:
        compiled.append(source)
        return real_parse(source, is_system)

    monkeypatch.setattr(jinja, "parse", counting_parse)
    url = "https://shop.example/reset?t={{ reset_link }}&n={{ first_name }}"
    html = f'<p>Hi</p><a href="{{{{ reset_link }}}}">Reset</a> <a href="{url}">Again</a>'
    first = render(html, dialect="jinja", samples=[{"first_name": "Анна"}])
    second = render(html + "<p>.</p>", dialect="jinja", samples=[{"first_name": "Олег"}])
    assert compiled.count(url) == 1
    for campaign, name in ((first, "Анна"), (second, "Олег")):
        document = campaign.renders[-1].document
        assert document is not None
        hrefs = [link.href for link in document.links]
        assert any(href.endswith(f"&n={name}") for href in hrefs), hrefs


def test_a_link_url_without_tags_is_rendered_once_for_all_the_variants(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A URL that reads no variable renders to itself for every recipient: it is never
    rendered (its text is what a render returns); one with a tag is rendered for each
    distinct document."""
    from mailcheck.templating import jinja

    sources: dict[int, str] = {}
    rendered: list[str] = []
    real_parse, real_render = jinja.parse, jinja.JinjaTemplate.render

    def counting_parse(source: str, is_system: IsSystem) -> Any:
        template = real_parse(source, is_system)
        sources[id(template)] = source
        return template

    def counting_render(self: Any, values: Any) -> str:
        rendered.append(sources.get(id(self), ""))
        return real_render(self, values)

    monkeypatch.setattr(jinja, "parse", counting_parse)
    monkeypatch.setattr(jinja.JinjaTemplate, "render", counting_render)
    fixed = "https://shop.example/once-for-all-variants"
    templated = "https://shop.example/once-per-variant?n={{ name }}"
    html = f'<p>{{{{ name }}}}</p><a href="{fixed}">a</a> <a href="{templated}">b</a>'
    c = render(html, dialect="jinja", samples=[{"name": "Иван"}, {"name": "Ольга"}])

    # the longest values are Ольга's: two distinct documents, each parsed once
    assert len({id(r.document) for r in c.renders}) == 2
    assert rendered.count(templated) == 2
    assert rendered.count(fixed) == 0
    for variant, name in zip(c.renders, ("Ольга", "Иван", "Ольга"), strict=True):
        assert variant.document is not None
        assert [(link.href, link.raw) for link in variant.document.links] == [
            (fixed, fixed),
            (f"https://shop.example/once-per-variant?n={name}", templated),
        ]


@pytest.mark.parametrize("dialect", ["jinja", "liquid"])
def test_a_part_without_tags_is_never_rendered_and_reads_as_written(
    dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part of text alone (List-Unsubscribe-Post, a subject without a tag) is the same for
    every variant and every blanked variable: the engine never renders it, and each variant
    has it as written."""
    from mailcheck.templating import jinja, liquid
    from mailcheck.templating.written import unmarked

    template = jinja.JinjaTemplate if dialect == "jinja" else liquid.LiquidTemplate
    real_render = template.render
    rendered: list[str] = []

    def counting_render(self: Any, values: Any) -> str:
        out = real_render(self, values)
        rendered.append(out)
        return out

    monkeypatch.setattr(template, "render", counting_render)
    post = "List-Unsubscribe=One-Click; tagless-" + dialect
    subject = "Скидка 30% на всё, tagless-" + dialect
    c = render(
        "<p>Привет, {{ first_name }}!</p>",
        subject=subject,
        dialect=dialect,
        samples=[{"first_name": "Анна"}, {"first_name": ""}],
        headers={"List-Unsubscribe-Post": post},
    )
    assert [r.label for r in c.renders] == ["longest values", "sample 1 (Анна)", "sample 2"]
    for variant in c.renders:
        assert variant.subject == subject
        assert variant.headers == {"List-Unsubscribe-Post": post}
    assert post not in rendered and subject not in rendered
    # the HTML with its tag is rendered: each variant, the neutral words, the blanks (from
    # its copy with each written line's markers: templating.written)
    assert sum(unmarked(out).startswith("<p>Привет") for out in rendered) >= 3


@pytest.mark.parametrize("dialect", ["jinja", "liquid"])
@pytest.mark.parametrize(
    "text", ["", "plain", "a\r\nb\rc\n", "строка\n\n", "{ not a tag }", "trailing\n"]
)
def test_a_part_without_tags_reads_as_a_budgeted_render_returns_it(dialect: str, text: str) -> None:
    """The text taken for a part without tags is what a render within a budget returns:
    Jinja's lexer makes every line break "\\n", python-liquid's stream too (such a text is
    left to a render there)."""
    from mailcheck.config import LimitsConfig
    from mailcheck.templating import budget, jinja, liquid
    from mailcheck.templating.render import _Budgeted

    parsed = (jinja if dialect == "jinja" else liquid).parse(text, lambda name: False)
    limits = LimitsConfig()
    wrapped = _Budgeted(parsed, limits)
    as_read = text.replace("\r\n", "\n").replace("\r", "\n")
    assert wrapped.literal == (None if dialect == "liquid" and "\r" in text else as_read)
    assert wrapped.render({}) == budget.budgeted(parsed.render, limits)({})


# (template, the names an empty text and None render alike in it)
_FALSY_ALIKE = [
    ("{% if first_name %}{{ first_name }}, привет!{% else %}Привет!{% endif %}", {"first_name"}),
    ("{{ first_name | default('Друг', true) }}, −30%", {"first_name"}),
    ("{{ first_name | d('Друг', boolean=true) }}", {"first_name"}),
    ("{{ first_name or 'Друг' }}", {"first_name"}),
    ("{{ first_name if first_name else 'Друг' }}", {"first_name"}),
    (
        "{% if first_name and city %}{{ first_name }} из {{ city }}{% endif %}",
        {"first_name", "city"},
    ),
    ("{% if not first_name %}Привет!{% endif %}", {"first_name"}),
    ("{% if user.name %}{{ user.name }}{% endif %}", {"user.name"}),
    ("{{ first_name }}", set()),
    ("{{ first_name | default('Друг') }}", set()),
    ("{{ first_name | upper | default('Друг', true) }}", set()),
    ("{% if first_name == '' %}Привет!{% endif %}", set()),
    ("{% if first_name is none %}Привет!{% endif %}", set()),
    ("{% if first_name is defined %}{{ first_name }}{% endif %}", set()),
    ("{% if first_name | length %}{{ first_name }}{% endif %}", set()),
    ("{% if first_name != '' %}{{ first_name }}{% endif %}", set()),
    ("{% if first_name %}{% else %}{{ first_name }}{% endif %}", set()),
    ("{% for c in first_name %}{{ c }}{% endfor %}", set()),
    ("{{ first_name ~ '!' }}", set()),
    ("{% set x = first_name %}{{ x }}", set()),
    ("{% if user %}{{ user.name }}{% endif %}", set()),
    ("{{ x or first_name }}", {"x"}),
    # a longer or shorter path of the same variable is told by its dots, not by its letters
    ("{{ order.total or 0 }}{{ order_total or 0 }}", {"order.total", "order_total"}),
    ("{{ a.b or 'x' }}{{ a.b.c or 'y' }}{{ a.bc or 'z' }}", {"a.bc"}),
]


@pytest.mark.parametrize(("source", "alike"), _FALSY_ALIKE)
def test_jinja_says_which_names_an_empty_text_and_none_render_alike(
    source: str, alike: set[str]
) -> None:
    """The blanking probe tries Jinja's variables with "" and with None; where the template
    reads a name only for its truth (or with a fallback for any false value) both render the
    same, and it says so. Each name it names renders alike indeed."""
    from mailcheck.templating import jinja
    from mailcheck.templating.core import TemplateError

    template = jinja.parse(source, lambda name: False)
    assert template.falsy_alike == alike

    def rendered(values: dict[str, object]) -> str:
        try:
            return template.render(values)
        except TemplateError as exc:
            return f"failed: {exc}"

    for name in alike:
        others: dict[str, object] = {n: "x" for n in alike if n != name}
        assert rendered({**others, name: ""}) == rendered({**others, name: None}), name


def test_the_none_blank_is_not_rendered_where_every_use_is_tested_for_its_truth(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blanking first_name with None renders what "" did where each use of it is guarded by
    {% if first_name %} or falls back for any false value: the None blank of it is not
    rendered. A variable printed as it is ({{ city }}: "None") still is, and its breakage
    names None."""
    from mailcheck.templating import jinja

    real_render = jinja.JinjaTemplate.render
    nones: list[str] = []

    def counting_render(self: Any, values: Any) -> str:
        nones.extend(name for name, value in values.items() if value is None)
        return real_render(self, values)

    monkeypatch.setattr(jinja.JinjaTemplate, "render", counting_render)
    c = render(
        "<h1>{% if first_name %}{{ first_name }}, привет!{% else %}Привет!{% endif %}</h1>"
        "<p>Доставка в {{ city }} бесплатно.</p>",
        subject="{{ first_name | default('Друг', true) }}, −30% на всё",
        dialect="jinja",
        samples=[{"first_name": "Анна", "city": "Москва"}, {"first_name": "Олег", "city": "Тверь"}],
    )
    assert "first_name" not in nones
    assert nones.count("city") == 2  # once for each sample: the HTML prints it as it is
    probe = [b for r in c.renders for b in r.probe]
    assert [(b.part, b.snippet, b.variable, b.blank) for b in probe] == [
        ("text", "в None", "city", None)
    ] * 2
