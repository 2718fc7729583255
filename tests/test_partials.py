"""PER009: a template that pulls in partials mailcheck does not have (a footer, a layout's
content) says so once, and what may be in them — the unsubscribe link, the preheader, the
brief's text and links — is "not verified" in that finding, never a missing-part error."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.config import Config
from mailcheck.engine import run
from mailcheck.model import Severity
from mailcheck.rules import UNREAD_PARTS
from mailcheck.templating.handlebars import parse as handlebars
from mailcheck.templating.liquid import parse as liquid
from tests.helpers import check, codes, only, write_campaign

LINK = (
    '<a href="https://shop.example/sale?utm_source=email&utm_medium=email&utm_campaign=bf">Shop</a>'
)
# a body without unsubscribe link or preheader: both could be in the partials
LIQUID = f'<html lang="en"><body>\n{{% render "header" %}}\n<p>Hi</p>{LINK}\n{{% render "footer" %}}\n</body></html>\n'
HANDLEBARS = (
    f'<html lang="en"><body>\n{{{{> header}}}}\n<p>Hi</p>{LINK}\n{{{{> footer}}}}\n</body></html>\n'
)
JINJA = f'{{% extends "base.html" %}}{{% block content %}}<p>Hi</p>{LINK}{{% endblock %}}\n'
BRIEF = {"expect": {"text": ["BLACK30"], "links": ["shop.example/black-friday"]}}


def campaign(tmp_path: Path, html: str, dialect: str, **manifest: object) -> Path:
    return write_campaign(tmp_path, html=html, template=dialect, **manifest)  # type: ignore[arg-type]


@pytest.mark.parametrize(("html", "dialect"), [(LIQUID, "liquid"), (HANDLEBARS, "handlebars")])
def test_partials_are_one_warning_listing_what_was_not_verified(
    tmp_path: Path, html: str, dialect: str
) -> None:
    result = check(campaign(tmp_path, html, dialect))
    [per009] = only(result, "PER009")
    assert per009.severity is Severity.WARNING
    assert per009.message == (
        "the template pulls in the partials “header”, “footer”, template files mailcheck was "
        "not given (the ESP or the build inserts them when the e-mail is assembled): what they "
        "hold is not checked — check the assembled e-mail (a test send's .eml, or the built "
        ".html) instead; not reported as missing, since what mailcheck did not read may hold it: "
        "the preheader (PRE001), the unsubscribe link (UNS001)"
    )
    # at each tag that pulls one in (lines 2 and 4), then what it did not let be verified
    assert per009.places == ("email.html:2", "email.html:4", "preheader", "email.html")
    assert per009.location == "email.html:2"
    # no "no unsubscribe link" error, no separate "no preheader" warning
    assert only(result, "UNS001") == [] and only(result, "PRE001") == []
    assert result.errors == 0
    assert [(f.code, f.severity, f.cause) for f in per009.folded] == [
        ("PRE001", Severity.WARNING, UNREAD_PARTS),
        ("UNS001", Severity.WARNING, UNREAD_PARTS),
    ]


def test_the_brief_checks_are_not_verified_either(tmp_path: Path) -> None:
    result = check(write_campaign(tmp_path, html=LIQUID, template="liquid", tables=BRIEF))
    [per009] = only(result, "PER009")
    assert per009.message.endswith(
        "; not reported as missing, since what mailcheck did not read may hold it: the brief's "
        "expected text (BRF004), the brief's expected links (BRF005), the preheader (PRE001), "
        "the unsubscribe link (UNS001)"
    )
    assert per009.places == (
        "email.html:2",
        "email.html:4",
        "[expect] text",
        "[expect] links",
        "preheader",
        "email.html",
    )
    assert only(result, "BRF004") == [] and only(result, "BRF005") == []


def test_with_per009_ignored_each_check_says_could_not_verify(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, html=LIQUID, template="liquid", tables=BRIEF)
    result = check(d, Config(root=tmp_path, ignore=("PER009",)))
    assert codes(result) == ["BRF004", "BRF005", "PRE001", "UNS001"]
    assert result.errors == 0  # warnings: the partials may hold them
    [uns] = only(result, "UNS001")
    assert uns.message == (
        "could not verify: no unsubscribe link in the body, and the template pulls in "
        "“header”, “footer”, which mailcheck does not read"
    )
    [text] = only(result, "BRF004")
    assert text.message == (
        "could not verify: expected text “BLACK30” is missing, and the template pulls in "
        "“header”, “footer”, which mailcheck does not read"
    )


def test_a_jinja_layout_is_reported_by_per007_alone(tmp_path: Path) -> None:
    result = check(campaign(tmp_path, JINJA, "jinja"))
    assert codes(result) == ["PER007"]
    [per007] = only(result, "PER007")
    assert per007.message.endswith(
        "; not reported as missing, since what mailcheck did not read may hold it: "
        "the preheader (PRE001), the unsubscribe link (UNS001)"
    )
    assert "it extends “base.html”" in per007.message


def test_without_partials_a_missing_unsubscribe_link_is_still_an_error(tmp_path: Path) -> None:
    html = LIQUID.replace('{% render "header" %}', "").replace('{% render "footer" %}', "")
    result = check(campaign(tmp_path, html, "liquid"))
    assert only(result, "PER009") == []
    [uns] = only(result, "UNS001")
    assert (uns.severity, uns.message) == (Severity.ERROR, "no unsubscribe link in the body")


def test_partials_with_the_unsubscribe_link_beside_them_fold_nothing(tmp_path: Path) -> None:
    html = LIQUID.replace("<p>Hi</p>", '<p>Hi</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>')
    html = html.replace("<body>", '<body><div style="display:none">Only today: 30% off</div>')
    result = check(campaign(tmp_path, html, "liquid"))
    [per009] = only(result, "PER009")
    assert per009.folded == ()
    assert per009.message.endswith("built .html) instead")  # nothing folded into it


def test_the_dialects_name_their_partials() -> None:
    def nothing(name: str) -> bool:
        return False

    source = '{% render "header" %}{% if a %}{% include "footer" with a %}{% endif %}{% render "header" %}'
    assert liquid(source, nothing).partials == ["header", "footer"]
    assert handlebars('{{> header}}{{#if a}}{{> "footer" x=1}}{{/if}}', nothing).partials == [
        "header",
        "footer",
    ]
    assert liquid("{{ a }}", nothing).partials == []
    # and where each tag stands, every time (one partial pulled in twice: two places)
    source = '{% render "header" %}\n{% if a %}\n{% include "footer" %}{% endif %}\n{% render "header" %}'
    assert liquid(source, nothing).partials_at == [("header", 1), ("footer", 3), ("header", 4)]
    source = "{{> header}}\n{{#if a}}\n{{> footer}}{{/if}}\n{{> header}}"
    assert handlebars(source, nothing).partials_at == [("header", 1), ("footer", 3), ("header", 4)]


# --- partials the campaign has: read from its directory and checked ---------------------------

FOOTER_LIQUID = '<p><a href="{{ unsubscribe_url }}">Отписаться</a> <a href="#">Условия</a></p>\n'
BODY_WITH_PARTIALS = (
    '<html lang="ru"><body><div style="display:none">Скидки недели для вас</div>\n'
    '<p>Привет, {{ first_name | default: "друг" }}!</p>\n'
    f"{LINK}\n"
    '{% render "footer" %}\n'
    '{% render "card", product: item %}\n'
    "</body></html>\n"
)


def liquid_campaign(root: Path, name: str, footer: str | None) -> Path:
    d = write_campaign(root, name, html=BODY_WITH_PARTIALS, template="liquid")
    (d / "partials").mkdir()
    (d / "partials" / "card.liquid").write_text("<p>{{ product.title }}</p>", encoding="utf-8")
    if footer is not None:
        (d / "partials" / "footer.liquid").write_text(footer, encoding="utf-8")
    return d


def test_a_partial_the_campaign_has_is_rendered_and_checked(tmp_path: Path) -> None:
    result = check(liquid_campaign(tmp_path, "c", FOOTER_LIQUID))
    # found in the footer: its unsubscribe tag (no UNS001) and its "#" link (LNK003)
    assert only(result, "PER009") == [] and only(result, "UNS001") == []
    [placeholder] = only(result, "LNK003")
    assert "“Условия”" in placeholder.message
    # what `render` hands over is the partial's own, not a recipient's field
    assert "product" not in [v.name for v in result.campaign.variables]


def test_each_campaign_reads_its_own_partial(tmp_path: Path) -> None:
    # the same template in two campaigns: the second's footer has no unsubscribe link
    with_link = liquid_campaign(tmp_path, "a", FOOTER_LIQUID)
    without = liquid_campaign(tmp_path, "b", '<p><a href="#">Условия</a></p>')
    results = run([str(with_link), str(without)], Config(root=tmp_path), offline=True).results
    assert [len(only(r, "UNS001")) for r in results] == [0, 1]
    [uns] = only(results[1], "UNS001")
    assert (uns.severity, uns.message) == (Severity.ERROR, "no unsubscribe link in the body")


def test_a_partials_variable_without_fallback_is_the_campaigns(tmp_path: Path) -> None:
    footer = '<p>{{ first_name }}, <a href="{{ unsubscribe_url }}">отписаться</a></p>'
    found = only(check(liquid_campaign(tmp_path, "c", footer)), "PER001")
    [per001] = [f for f in found if "“first_name”" in f.message]
    assert per001.places == ("partials/footer.liquid:1",)  # the partial's own file and line


def test_per009_is_placed_at_the_partials_it_could_not_read(tmp_path: Path) -> None:
    # card is the campaign's own (read and checked); footer is not: its tag alone, on line 4.
    # A partial the footer would pull in is no place of this template: its line is the
    # footer's (card.liquid, read, pulls in "badge", which the campaign lacks)
    d = liquid_campaign(tmp_path, "c", None)
    (d / "partials" / "card.liquid").write_text(
        '<p>{{ product.title }}</p>\n{% render "badge" %}', encoding="utf-8"
    )
    [per009] = only(check(d), "PER009")
    assert "“footer”, “badge”" in per009.message
    # then UNS001's place, not verified (the footer may hold the link)
    assert per009.places == ("email.html:4", "email.html")


def test_a_partial_is_never_read_from_outside_the_campaign(tmp_path: Path) -> None:
    (tmp_path / "secret.liquid").write_text('<a href="{{ unsubscribe_url }}">x</a>')
    html = BODY_WITH_PARTIALS.replace('{% render "footer" %}', '{% render "../secret" %}')
    d = write_campaign(tmp_path, "c", html=html, template="liquid")
    result = check(d)
    [per009] = only(result, "PER009")
    assert "“../secret”" in per009.message and "“card”" in per009.message
    assert "UNS001" in per009.message  # not found in what was read: not verified


JINJA_BASE = (
    '<html lang="ru"><body><div style="display:none">Подборка недели для вас</div>\n'
    '{% block content %}{% endblock %}\n{% include "footer.html" %}\n</body></html>\n'
)


def jinja_campaign(root: Path, footer: str | None) -> Path:
    d = write_campaign(root, "j", html=JINJA, template="jinja")
    (d / "base.html").write_text(JINJA_BASE, encoding="utf-8")
    if footer is not None:
        (d / "partials").mkdir()
        (d / "partials" / "footer.html").write_text(footer, encoding="utf-8")
    return d


def test_a_jinja_layout_the_campaign_has_is_assembled_and_checked(tmp_path: Path) -> None:
    footer = '<p>{{ city }} <a href="{{ unsubscribe_url }}">Отписаться</a></p>'
    result = check(jinja_campaign(tmp_path, footer))
    # no PER007: base.html and the footer it includes are the campaign's; the unsubscribe
    # tag in the footer counts, and the footer's variable is the campaign's
    assert only(result, "PER007") == [] and only(result, "UNS001") == []
    [per001] = only(result, "PER001")
    assert "“city”" in per001.message and per001.places == ("partials/footer.html:1",)


def test_a_file_the_layout_includes_and_the_campaign_lacks_is_per007(tmp_path: Path) -> None:
    # not a render failure (PER004, an error): the footer is the build's
    result = check(jinja_campaign(tmp_path, None))
    assert only(result, "PER004") == []
    [per007] = only(result, "PER007")
    assert "it includes “footer.html”, a template file mailcheck does not read" in per007.message


def test_a_handlebars_partial_the_campaign_has_is_rendered_and_checked(tmp_path: Path) -> None:
    d = campaign(tmp_path, HANDLEBARS, "handlebars")
    (d / "partials").mkdir()
    (d / "partials" / "footer.hbs").write_text(
        '<p>{{city}} <a href="{{{unsubscribe}}}">Отписаться</a></p>', encoding="utf-8"
    )
    (d / "header.html").write_text('<div style="display:none">Подборка недели</div>')
    result = check(d)
    assert only(result, "PER009") == [] and only(result, "UNS001") == []
    assert only(result, "PRE001") == []  # the header partial holds the preheader
    [per001] = only(result, "PER001")
    assert "“city”" in per001.message and per001.places == ("partials/footer.hbs:1",)


def test_a_handlebars_partial_given_a_context_stays_unread(tmp_path: Path) -> None:
    # {{> card item}} binds the partial's names to item's: not modelled, so not read (PER009)
    html = HANDLEBARS.replace("{{> header}}", "{{> card item}}")
    d = campaign(tmp_path, html, "handlebars")
    (d / "card.hbs").write_text("<p>{{title}}</p>", encoding="utf-8")
    [per009] = only(check(d), "PER009")
    assert "“card”" in per009.message


@pytest.mark.parametrize(
    ("dialect", "pull"),
    [
        ("jinja", '{% include "email.html" %}'),
        ("liquid", "{% include 'email' %}"),
        ("liquid", "{% render 'email' %}"),
    ],
)
def test_a_template_that_pulls_itself_in_is_one_per008_in_every_dialect(
    tmp_path: Path, dialect: str, pull: str
) -> None:
    # jinja2 counts no include depth: Python's recursion limit stopped it, which was PER004
    # "could not verify: rendering failed: maximum recursion depth exceeded"
    html = f'<html lang="en"><body><p>Hi</p>\n{pull}\n<a href="https://shop.example/u">Unsubscribe</a></body></html>\n'
    result = check(campaign(tmp_path, html, dialect))
    assert [(f.code, f.severity, f.location) for f in result.findings if f.code[:3] == "PER"] == [
        ("PER008", Severity.ERROR, "template")
    ]
    assert result.findings[[f.code for f in result.findings].index("PER008")].message == (
        "the template went over its render budget: calls nested more than 64 deep in one render "
        "([limits] recursion-depth)"
    )


def test_one_partial_is_named_as_one_and_what_to_do_is_said(tmp_path: Path) -> None:
    html = LIQUID.replace('{% render "header" %}\n', "")  # the footer alone, on line 3
    result = check(campaign(tmp_path, html, "liquid"))
    [per009] = only(result, "PER009")
    assert per009.severity is Severity.WARNING
    assert per009.message == (
        "the template pulls in the partial “footer”, a template file mailcheck was not given "
        "(the ESP or the build inserts it when the e-mail is assembled): what it holds is not "
        "checked — check the assembled e-mail (a test send's .eml, or the built .html) instead; "
        "not reported as missing, since what mailcheck did not read may hold it: the preheader "
        "(PRE001), the unsubscribe link (UNS001)"
    )
    assert per009.places == ("email.html:3", "preheader", "email.html")
    assert only(result, "UNS001") == [] and only(result, "PRE001") == []
