"""PER009: a template that pulls in partials mailcheck does not have (a footer, a layout's
content) says so once, and what may be in them — the unsubscribe link, the preheader, the
brief's text and links — is "not verified" in that finding, never a missing-part error."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.config import Config
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
        "the template pulls in “header”, “footer”, which mailcheck does not read (the ESP or "
        "the build supplies them): what they hold is not checked; not verified: PRE001, UNS001"
    )
    assert per009.places == ("template", "preheader", "email.html")
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
    assert per009.message.endswith("not verified: BRF004, BRF005, PRE001, UNS001")
    assert per009.places == (
        "template",
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
    assert per007.message.endswith("; not verified: PRE001, UNS001")
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
    assert per009.message.endswith("what they hold is not checked")


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
