"""A variable written in one of the campaign's partials is reported at that file and line
("partials/footer.html:3"), as the template's own are at "email.html:3": the user opens the
file that holds it. A variable used in the template and in a partial is one finding listing
both places; a comment in the HTML hides none of a partial's lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mailcheck.reports import github, jsonout, sarif
from mailcheck.reports.html import render_report
from mailcheck.reports.text import format_campaign

from mailcheck.config import Config
from mailcheck.facts import Facts
from mailcheck.model import Finding, Severity
from tests.helpers import check, only, write_campaign

UNSUB = '<a href="https://shop.test/unsubscribe">Отписаться</a>'
# line 3 greets by name, line 4 pulls the footer in
HTML = (
    '<html lang="ru"><body>\n'
    '<div style="display:none">Подборка недели для вас</div>\n'
    "<p>Привет, {greeting}!</p>\n"
    "{pull}\n"
    f"{UNSUB}</body></html>\n"
)
# (dialect, the tag that pulls the footer in, the footer's file, its city (line 2) and name
# (line 3) as the dialect writes them)
DIALECTS = [
    (
        "jinja",
        '{% include "partials/footer.html" %}',
        "partials/footer.html",
        "{{ city }}",
        "{{ user.name }}",
    ),
    ("liquid", "{% render 'footer' %}", "partials/footer.liquid", "{{ city }}", "{{ user.name }}"),
    ("liquid", "{% include 'footer' %}", "partials/footer.liquid", "{{ city }}", "{{ user.name }}"),
    ("handlebars", "{{> footer}}", "partials/footer.hbs", "{{city}}", "{{user.name}}"),
]
SAMPLES = '[{"user": {"name": "Анна"}}, {"user": {"name": "Олег"}}]'


def per(findings: list[Finding], code: str, name: str) -> list[Finding]:
    return [f for f in findings if f.code == code and f"“{name}”" in f.message]


def footer_campaign(
    root: Path, dialect: str, pull: str, path: str, city: str, name: str, **manifest: object
) -> Path:
    d = write_campaign(
        root,
        "c",
        html=HTML.format(greeting=name, pull=pull),
        template=dialect,
        **manifest,  # type: ignore[arg-type]
    )
    (d / "partials").mkdir(exist_ok=True)
    (d / path).write_text(f"<p>Ваш город:\n{city}</p>\n<p>{name}, до встречи!</p>\n", "utf-8")
    return d


@pytest.mark.parametrize(("dialect", "pull", "path", "city", "name"), DIALECTS)
def test_a_partials_variables_are_at_its_own_file_and_line(
    tmp_path: Path, dialect: str, pull: str, path: str, city: str, name: str
) -> None:
    d = footer_campaign(
        tmp_path, dialect, pull, path, city, name, samples="r.json", files={"r.json": SAMPLES}
    )
    result = check(d)
    # the city, in the footer alone: PER001 and PER005 at the footer's line 2
    [city_fallback] = per(result.findings, "PER001", "city")
    assert city_fallback.places == (f"{path}:2",)
    assert city_fallback.location == f"{path}:2"
    [city_samples] = per(result.findings, "PER005", "city")
    assert city_samples.places == (f"{path}:2",)
    # the name, in the template (line 3) and in the footer (line 3): one finding, both places
    [name_fallback] = per(result.findings, "PER001", "user.name")
    assert name_fallback.places == ("email.html:3", f"{path}:3")
    assert [f.code for f in result.findings if f.code.startswith("PER")] == ["PER001"] * 2 + [
        "PER005"
    ]


def test_a_weak_fallback_in_a_partial_is_at_its_line(tmp_path: Path) -> None:
    # Jinja's default('Москва') without true: PER006, at the footer's line 2
    d = footer_campaign(
        tmp_path,
        "jinja",
        '{% include "partials/footer.html" %}',
        "partials/footer.html",
        "{{ city | default('Москва') }}",
        "{{ user.name | default('друг', true) }}",
    )
    result = check(d)
    [weak] = only(result, "PER006")
    assert "“city”" in weak.message
    assert weak.places == ("partials/footer.html:2",)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == ["PER006"]


@pytest.mark.parametrize(
    ("dialect", "pull", "inner", "legal"),
    [
        (
            "jinja",
            '{% include "partials/footer.html" %}',
            '{% include "legal.html" %}',
            "{{ inn }}",
        ),
        ("liquid", "{% render 'footer' %}", "{% render 'legal' %}", "{{ inn }}"),
        ("handlebars", "{{> footer}}", "{{> legal}}", "{{inn}}"),
    ],
)
def test_a_partial_in_a_partial_is_at_its_own_file(
    tmp_path: Path, dialect: str, pull: str, inner: str, legal: str
) -> None:
    # the footer (its city on line 2) pulls in legal.html (its inn on line 2), kept beside
    # the template: each variable is at the file it is written in
    suffix = {"jinja": "html", "liquid": "liquid", "handlebars": "hbs"}[dialect]
    city = "{{ city }}" if dialect != "handlebars" else "{{city}}"
    html = HTML.format(greeting="друг", pull=pull)
    d = write_campaign(tmp_path, "c", html=html, template=dialect)
    (d / "partials").mkdir()
    (d / "partials" / f"footer.{suffix}").write_text(
        f"<p>Ваш город:\n{city}</p>\n{inner}\n", "utf-8"
    )
    (d / "legal.html").write_text(f"<p>ООО «Магазин»\nИНН {legal}</p>\n", "utf-8")
    result = check(d)
    pers = [f for f in result.findings if f.code.startswith("PER")]
    assert [(f.code, f.places) for f in pers] == [
        ("PER001", (f"partials/footer.{suffix}:2",)),
        ("PER001", ("legal.html:2",)),
    ]
    assert "“city”" in pers[0].message and "“inn”" in pers[1].message


def test_a_comment_in_the_html_hides_no_line_of_a_partial(tmp_path: Path) -> None:
    # the comment hides PER001 on the HTML's line 3; the footer's line 3 is another file's
    html = HTML.replace("<p>Привет", "<!-- mailcheck: ignore PER001 --><p>Привет")
    d = write_campaign(
        tmp_path,
        "c",
        html=html.format(greeting="{{ user.name }}", pull='{% include "partials/footer.html" %}'),
        template="jinja",
    )
    (d / "partials").mkdir()
    (d / "partials" / "footer.html").write_text(
        "<p>Ваш город:\nМосква</p>\n<p>{{ user.name }}, до встречи!</p>\n", "utf-8"
    )
    result = check(d)
    [kept] = only(result, "PER001")
    assert kept.places == ("partials/footer.html:3",)
    [(suppression, hidden)] = result.suppressed
    assert suppression.line == 3
    assert [(f.code, f.places) for f in hidden] == [("PER001", ("email.html:3",))]


def test_a_file_wide_comment_hides_a_partials_places_too(tmp_path: Path) -> None:
    html = "<!-- mailcheck: ignore-file PER001 -->\n" + HTML
    d = write_campaign(
        tmp_path,
        "c",
        html=html.format(greeting="{{ user.name }}", pull='{% include "partials/footer.html" %}'),
        template="jinja",
    )
    (d / "partials").mkdir()
    (d / "partials" / "footer.html").write_text("<p>{{ user.name }}</p>\n", "utf-8")
    result = check(d)
    assert only(result, "PER001") == []
    [(suppression, hidden)] = result.suppressed
    assert suppression.scope == "file"
    assert [(f.code, f.places) for f in hidden] == [
        ("PER001", ("email.html:4",)),
        ("PER001", ("partials/footer.html:1",)),
    ]


@pytest.mark.parametrize(
    ("dialect", "pull", "path", "broken", "message"),
    [
        (
            "jinja",
            '{% include "partials/footer.html" %}',
            "partials/footer.html",
            "{% if city %}{{ city }}\n",
            "the template engine says: Unexpected end of template. Jinja was looking for the "
            "following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be "
            "closed is 'if'.",
        ),
        (
            "handlebars",
            "{{> footer}}",
            "partials/footer.hbs",
            "{{#if city}}{{city}}\n",
            "'{{#if}}' opened here is never closed with '{{/if}}'",
        ),
    ],
)
def test_a_syntax_error_in_a_partial_is_at_its_own_file_and_line(
    tmp_path: Path, dialect: str, pull: str, path: str, broken: str, message: str
) -> None:
    # the engine refuses the partial as it would the template: an error, at the footer's line 2
    d = write_campaign(
        tmp_path, "c", html=HTML.format(greeting="друг", pull=pull), template=dialect
    )
    (d / "partials").mkdir()
    (d / path).write_text(f"<p>Ваш город:</p>\n<p>{broken}</p>\n", "utf-8")
    result = check(d)
    pers = [f for f in result.findings if f.code.startswith("PER")]
    assert [(f.code, f.severity, f.places, f.message) for f in pers] == [
        (
            "PER004",
            Severity.ERROR,
            (f"{path}:2",),
            f"{message}; personalisation was not checked further: fix this and check again",
        )
    ]


def test_a_dict_method_read_in_a_partial_is_at_its_line(tmp_path: Path) -> None:
    html = HTML.format(greeting="друг", pull='{% include "partials/footer.html" %}')
    d = write_campaign(tmp_path, "c", html=html, template="jinja")
    (d / "partials").mkdir()
    (d / "partials" / "footer.html").write_text(
        "<p>Ваш заказ:</p>\n<p>{{ order.items | default('—', true) }}</p>\n", "utf-8"
    )
    [mistake] = only(check(d), "PER004")
    assert mistake.places == ("partials/footer.html:2",)
    assert mistake.message.startswith("“order.items” is the method items that every dict has")


def test_a_file_a_partial_includes_and_the_campaign_lacks_is_at_the_partials_line(
    tmp_path: Path,
) -> None:
    html = HTML.format(greeting="друг", pull='{% include "partials/footer.html" %}')
    d = write_campaign(tmp_path, "c", html=html, template="jinja")
    (d / "partials").mkdir()
    (d / "partials" / "footer.html").write_text(
        "<p>Ваш город:</p>\n{% include 'legal.html' %}\n", "utf-8"
    )
    [per007] = only(check(d), "PER007")
    assert per007.location == "partials/footer.html:2"
    # the place names the partial's line: the message does not say it again
    assert per007.message == (
        "not understood: it includes “legal.html”, a template file mailcheck does not read — "
        "personalisation not checked"
    )


def test_ci_annotations_point_at_the_partials_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a partial named without a suffix the template's files have (footer.liquid): SARIF and
    # GitHub point at that file and line, not at the campaign without a line
    monkeypatch.chdir(tmp_path)
    dialect, pull, path, city, name = DIALECTS[1]
    result = check(footer_campaign(tmp_path, dialect, pull, path, city, name))
    log = json.loads(sarif.render([result]))
    spots = [
        [
            (
                loc["physicalLocation"]["artifactLocation"]["uri"],
                loc["physicalLocation"]["region"]["startLine"],
            )
            for loc in r["locations"]
        ]
        for r in log["runs"][0]["results"]
        if r["ruleId"] == "PER001"
    ]
    assert spots == [  # the name, then the city
        [("c/email.html", 3), ("c/partials/footer.liquid", 3)],
        [("c/partials/footer.liquid", 2)],
    ]
    [annotation] = [a for a in github.render([result]).splitlines() if "“city”" in a]
    assert annotation.startswith("::error file=c/partials/footer.liquid,line=2,title=PER001::")


@pytest.mark.parametrize(("dialect", "pull", "path", "city", "name"), DIALECTS)
def test_a_comment_in_a_partial_hides_the_next_element_of_the_partial(
    tmp_path: Path, dialect: str, pull: str, path: str, city: str, name: str
) -> None:
    # the footer's line 2 holds the comment, lines 3-4 the city's <p>, line 5 the name's
    d = write_campaign(
        tmp_path, "c", html=HTML.format(greeting="Друзья", pull=pull), template=dialect
    )
    (d / "partials").mkdir()
    (d / path).write_text(
        f"<p>Подвал</p>\n<!-- mailcheck: ignore PER001 -->\n<p>Ваш город:\n{city}</p>\n"
        f"<p>{name}, до встречи!</p>\n",
        "utf-8",
    )
    result = check(d)
    [kept] = only(result, "PER001")
    assert "“user.name”" in kept.message and kept.places == (f"{path}:5",)
    assert only(result, "SUP001") == []
    [(suppression, hidden)] = result.suppressed
    assert (suppression.file, suppression.line) == (path, 2)
    assert [(f.code, f.places) for f in hidden] == [("PER001", (f"{path}:4",))]


def test_a_comment_in_a_partial_that_hides_nothing_is_sup001_at_the_partials_line(
    tmp_path: Path,
) -> None:
    d = write_campaign(
        tmp_path,
        "c",
        html=HTML.format(greeting="Друзья", pull='{% include "partials/footer.html" %}'),
        template="jinja",
    )
    (d / "partials").mkdir()
    (d / "partials" / "footer.html").write_text(
        "<p>Подвал</p>\n<!-- mailcheck: ignore LNK004 -->\n"
        '<p><a href="https://shop.test/">Магазин</a></p>\n',
        "utf-8",
    )
    result = check(d)
    [stale] = only(result, "SUP001")
    assert stale.severity is Severity.WARNING
    assert stale.places == ("partials/footer.html:2",)
    assert "LNK004" in stale.message and "line 2" in stale.message
    [(suppression, hidden)] = result.suppressed  # its copy in the rendered HTML is not another
    assert (suppression.file, suppression.line, hidden) == ("partials/footer.html", 2, [])


# An element written in a partial (an image, a link) is named at the partial's own line, in
# every output: the QA person opens partials/footer.html at that line and finds it. It was
# named at the tag that pulls the partial in (email.html:4), or at no line at all.
ELEMENTS = (
    "<p>Подвал</p>\n"
    '<img src="https://shop.test/logo.png">\n'
    '<p><a href="https://shop.test/catalog">Каталог</a></p>\n'
)
# line 4 pulls the partial in, line 6 again (when given)
PULLED_IN = (
    '<html lang="ru"><head><title>Sale</title></head><body>\n'
    '<div style="display:none">Подборка недели для вас</div>\n'
    "<p>Привет!</p>\n"
    "{pull}\n"
    "<p>Конец</p>\n"
    "{again}\n"
    f"{UNSUB}</body></html>\n"
)


def elements_campaign(root: Path, dialect: str, pull: str, path: str, *, twice: bool) -> Path:
    html = PULLED_IN.format(pull=pull, again=pull if twice else "<p>—</p>")
    d = write_campaign(root, "c", html=html, template=dialect)
    (d / "partials").mkdir()
    (d / path).write_text(ELEMENTS, "utf-8")
    return d


def test_an_image_without_alt_in_a_jinja_partial_is_at_the_partials_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # (the CI annotation's path is the working directory's)
    d = elements_campaign(
        tmp_path,
        "jinja",
        '{% include "partials/footer.html" %}',
        "partials/footer.html",
        twice=False,
    )
    result = check(d)
    [image] = only(result, "IMG001")
    assert (image.severity, image.places) == (Severity.WARNING, ("partials/footer.html:2",))
    assert (image.message, image.url) == (
        "image has no alt attribute",
        "https://shop.test/logo.png",
    )
    # the text output, JSON and the CI annotations say that file and line
    [said] = [line for line in format_campaign(result).splitlines() if "IMG001" in line]
    assert "IMG001   partials/footer.html:2: image has no alt attribute" in said
    found = json.loads(jsonout.render([result]))["campaigns"][0]["findings"]
    [as_json] = [f for f in found if f["code"] == "IMG001"]
    assert (as_json["location"], as_json["locations"]) == (
        "partials/footer.html:2",
        ["partials/footer.html:2"],
    )
    [annotation] = [a for a in github.render([result]).splitlines() if "IMG001" in a]
    assert annotation.startswith("::warning file=c/partials/footer.html,line=2,title=IMG001::")


def test_a_link_without_utm_in_a_liquid_partial_is_at_the_partials_line(
    tmp_path: Path,
) -> None:
    d = elements_campaign(
        tmp_path, "liquid", "{% render 'footer' %}", "partials/footer.liquid", twice=False
    )
    result = check(d)
    [untagged] = only(result, "UTM001")
    assert (untagged.severity, untagged.places, untagged.url) == (
        Severity.ERROR,
        ("partials/footer.liquid:3",),
        "https://shop.test/catalog",
    )
    # the HTML report's link table names the partial and its line (its image is on line 2,
    # the unsubscribe link the HTML's line 7)
    html = render_report([result], Facts(), Config(), offline=True, language="en")
    tags = set(re.findall(r'<span class="tag lines">([^<]*)</span>', html))
    assert tags == {"partials/footer.liquid, line 2", "partials/footer.liquid, line 3", "line 7"}


@pytest.mark.parametrize(
    ("dialect", "pull", "path"),
    [
        ("jinja", '{% include "partials/footer.html" %}', "partials/footer.html"),
        ("liquid", "{% render 'footer' %}", "partials/footer.liquid"),
        ("handlebars", "{{> footer}}", "partials/footer.hbs"),
    ],
)
def test_a_partial_pulled_in_twice_is_one_finding_at_its_one_written_line(
    tmp_path: Path, dialect: str, pull: str, path: str
) -> None:
    # the footer at lines 4 and 6: its image and link are written once, in the footer, and
    # fixed there once for both copies (as a loop's copies are one element at the loop's
    # line): one finding, at the footer's line alone, neither include's
    result = check(elements_campaign(tmp_path, dialect, pull, path, twice=True))
    assert [(f.code, f.severity, f.places) for f in result.findings] == [
        ("IMG001", Severity.WARNING, (f"{path}:2",)),
        ("UTM001", Severity.ERROR, (f"{path}:3",)),
    ]
    [image] = only(result, "IMG001")
    assert image.message == "image has no alt attribute"  # one image, not the 2 copies


def test_a_comment_in_a_partial_hides_its_next_elements_finding(tmp_path: Path) -> None:
    # the comment on the footer's line 2 hides IMG001 on its image (line 3), not UTM001
    d = elements_campaign(
        tmp_path,
        "jinja",
        '{% include "partials/footer.html" %}',
        "partials/footer.html",
        twice=True,
    )
    (d / "partials" / "footer.html").write_text(
        ELEMENTS.replace("<img", "<!-- mailcheck: ignore IMG001 -->\n<img"), "utf-8"
    )
    result = check(d)
    assert only(result, "IMG001") == [] and only(result, "SUP001") == []
    assert [f.places for f in only(result, "UTM001")] == [("partials/footer.html:4",)]
    [(suppression, hidden)] = result.suppressed
    assert (suppression.file, suppression.line) == ("partials/footer.html", 2)
    assert [(f.code, f.places) for f in hidden] == [("IMG001", ("partials/footer.html:3",))]


def test_a_partial_pulled_in_inside_a_line_of_the_template_is_at_that_line(
    tmp_path: Path,
) -> None:
    # <div>{% include %}</div>: the rendered line holds the template's line 4 and the footer's
    # first line, image and link, at once. Which element is whose is not told line by line:
    # they are at the line that pulls them in (as before partials were marked); the copy
    # pulled in on a line of its own (line 6) is at the footer's own lines
    d = write_campaign(
        tmp_path,
        "c",
        html=PULLED_IN.format(
            pull='<div>{% include "partials/footer.html" %}</div>',
            again='{% include "partials/footer.html" %}',
        ),
        template="jinja",
    )
    (d / "partials").mkdir()
    (d / "partials" / "footer.html").write_text(
        '<img src="https://shop.test/logo.png"><a href="https://shop.test/catalog">Каталог</a>',
        "utf-8",
    )
    result = check(d)
    assert [(f.code, f.places) for f in result.findings] == [
        ("IMG001", ("email.html:4", "partials/footer.html:1")),
        ("UTM001", ("email.html:4", "partials/footer.html:1")),
    ]


def test_a_partial_a_block_keeps_as_a_value_renders_as_written(tmp_path: Path) -> None:
    # the captured footer is compared with its text: markers in it would make the test fail
    # and the image go unseen. The partials are read as written then (the image is at no
    # line: the line that prints it is all tags)
    logo = '<img src="https://shop.test/logo.png">'
    pull = (
        "{% capture f %}{% render 'footer' %}{% endcapture %}"
        f"{{% if f == '{logo}' %}}{{{{ f }}}}{{% endif %}}"
    )
    d = write_campaign(
        tmp_path, "c", html=PULLED_IN.format(pull=pull, again="<p>—</p>"), template="liquid"
    )
    (d / "partials").mkdir()
    (d / "partials" / "footer.liquid").write_text(logo, "utf-8")
    result = check(d)
    assert [(f.code, f.severity, f.places) for f in result.findings] == [
        ("IMG001", Severity.WARNING, ("email.html",))
    ]


def test_placeholder_copy_in_a_partial_is_at_the_partials_line(tmp_path: Path) -> None:
    # a text a rule quotes (BRF001's dummy text) is looked for in the partials as written
    # when the HTML does not write it: it was "email.html", no line
    d = elements_campaign(
        tmp_path,
        "jinja",
        '{% include "partials/footer.html" %}',
        "partials/footer.html",
        twice=True,
    )
    (d / "partials" / "footer.html").write_text(
        "<p>Подвал</p>\n<p>Lorem ipsum dolor sit amet</p>\n", "utf-8"
    )
    [dummy] = only(check(d), "BRF001")
    assert (dummy.severity, dummy.places) == (Severity.ERROR, ("partials/footer.html:2",))
    assert dummy.message.startswith("placeholder copy: “Lorem ipsum”")


def test_a_partials_elements_the_template_as_written_is_read_for_are_found_at_its_lines(
    tmp_path: Path,
) -> None:
    # HTML002 and A11Y003 read the template as written: a partial's script and layout table
    # went unseen (no finding at all). They are read in the partial as written, at its lines
    d = elements_campaign(
        tmp_path, "liquid", "{% render 'footer' %}", "partials/footer.liquid", twice=True
    )
    (d / "partials" / "footer.liquid").write_text(
        "<p>Подвал</p>\n<table><tr><td>Магазин</td></tr></table>\n"
        '<script src="https://shop.test/x.js"></script>\n',
        "utf-8",
    )
    result = check(d)
    assert [(f.code, f.severity, f.places, f.message) for f in result.findings] == [
        (
            "A11Y003",
            Severity.WARNING,
            ("partials/footer.liquid:2",),
            '1 layout table without role="presentation" (line 2)',
        ),
        (
            "HTML002",
            Severity.WARNING,
            ("partials/footer.liquid:3",),
            "elements mail clients remove: 1 script (line 3): no mail client runs it, and spam "
            "filters count it against the e-mail",
        ),
    ]


def test_a_comment_a_partial_leaves_open_is_at_its_line_and_hides_the_templates_rest(
    tmp_path: Path,
) -> None:
    # the footer's line 2 opens a comment it never closes: it hides the template's
    # unsubscribe link after it (UNS001, folded into the cause). It was UNS001 alone
    d = elements_campaign(
        tmp_path,
        "jinja",
        '{% include "partials/footer.html" %}',
        "partials/footer.html",
        twice=False,
    )
    (d / "partials" / "footer.html").write_text("<p>Подвал</p>\n<!-- не закрыт\n", "utf-8")
    result = check(d)
    [unclosed] = [f for f in result.findings if f.code != "PRE001"]
    assert (unclosed.code, unclosed.severity) == ("HTML001", Severity.ERROR)
    assert unclosed.places[0] == "partials/footer.html:2"
    assert unclosed.message.startswith(
        "the comment opened on line 2 is never closed with -->: mail clients hide what follows "
        "it: “Конец — Отписаться”"
    )
    assert [f.code for f in unclosed.folded] == ["UNS001"]


def _scripts_in_template_and_footer(tmp_path: Path, footer: str) -> Path:
    """A Jinja campaign with a script at its template's line 3 that includes
    partials/footer.html written as ``footer``."""
    html = PULLED_IN.format(pull='{% include "partials/footer.html" %}', again="<p>—</p>")
    html = html.replace("<p>Привет!</p>", '<script src="https://shop.test/a.js"></script>')
    d = write_campaign(tmp_path, "c", html=html, template="jinja")
    (d / "partials").mkdir()
    (d / "partials" / "footer.html").write_text(footer, "utf-8")
    return d


def test_a_comment_in_a_partial_leaves_the_templates_own_script_counted_alone(
    tmp_path: Path,
) -> None:
    # two scripts: the template's (line 3) and the footer's (its line 3), which a comment in
    # the footer hides: HTML002 is judged again without it, "1 script (line 3)" of
    # email.html, not the 2 it had
    d = _scripts_in_template_and_footer(
        tmp_path,
        "<p>Подвал</p>\n<!-- mailcheck: ignore HTML002 -->\n"
        '<script src="https://shop.test/b.js"></script>\n',
    )
    result = check(d)
    [kept] = only(result, "HTML002")
    assert kept.places == ("email.html:3",)
    assert kept.message.startswith("elements mail clients remove: 1 script (line 3):")
    [(suppression, hidden)] = result.suppressed
    assert (suppression.file, suppression.line) == ("partials/footer.html", 2)
    assert [(f.code, f.places) for f in hidden] == [("HTML002", ("partials/footer.html:3",))]


def test_a_message_naming_lines_of_the_template_and_a_partial_says_each_file(
    tmp_path: Path,
) -> None:
    # a script at the template's line 3 and one at the footer's line 3: "2 scripts (line 3)"
    # would say one place
    d = _scripts_in_template_and_footer(
        tmp_path,
        '<p>Подвал</p>\n<p>Магазин</p>\n<script src="https://shop.test/b.js"></script>\n',
    )
    [removed] = only(check(d), "HTML002")
    assert removed.places == ("email.html:3", "partials/footer.html:3")
    assert removed.message.startswith(
        "elements mail clients remove: 2 scripts (line 3, partials/footer.html:3):"
    )
