"""Quotes of body text name the variables a render leaves empty (session 37, probe PA).

A11Y006 quoted “Здравствуйте, !” for ``Здравствуйте, <?= $user->getShortName(); ?>!``
(ru-runetid-1026): the text with the variable emptied, which reads as a broken greeting that
mailcheck does not claim. A quote of body text shows what the send fills in as "[name]" where it
stands, as PRE001's first text does: A11Y006 (read from the source, where the parser leaves a
PHP tag out of the text) and the link texts of A11Y005 and LNK003 (read from the render, where a
field no sample gives and no fallback fills is empty). What is judged is unchanged, and PER001
still quotes the gap: there it is the point.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign


def _page(lang: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n'
        '<head><meta charset="utf-8"><title>Forum</title></head>\n<body>\n'  # line 3
        '<table role="presentation" width="100%"><tr><td style="background-color:#ffffff">\n'
        f"{body}\n"  # line 6
        '<p><a href="https://forum.test/unsubscribe">Unsubscribe</a></p>\n'
        "</td></tr></table>\n</body>\n</html>\n"
    )


def _campaign(tmp_path: Path, lang: str, body: str, **manifest: Any) -> Path:
    return write_campaign(
        tmp_path, html=_page(lang, body), preheader="Programme and venue inside", **manifest
    )


def test_a11y006_names_a_php_variable_in_a_russian_greeting(tmp_path: Path) -> None:
    body = '<h2 style="color:#b0b0b0">Здравствуйте, <?= $user->getShortName(); ?>!</h2>'
    result = check(_campaign(tmp_path, "ru", body))
    [found] = only(result, "A11Y006")
    assert found.severity is Severity.WARNING
    assert found.location == "email.html:6"
    assert found.locations == ("email.html:6",)
    assert found.message == (
        "1 text below WCAG AA contrast: “Здравствуйте, [user.getShortName]!” #b0b0b0 on "
        "#ffffff 2.2:1 (line 6)"
    )
    # PER001's evidence is the text with the value empty: the gap is what it warns of
    [per] = only(result, "PER001")
    assert "the text reads “Здравствуйте, !”" in per.message


def test_a11y006_names_a_php_variable_in_an_english_greeting(tmp_path: Path) -> None:
    body = '<h2 style="color:#b0b0b0">Hi <?php echo $user->name ?? "there"; ?>, welcome!</h2>'
    [found] = only(check(_campaign(tmp_path, "en", body)), "A11Y006")
    assert found.locations == ("email.html:6",)
    assert found.message == (
        "1 text below WCAG AA contrast: “Hi [user.name], welcome!” #b0b0b0 on #ffffff 2.2:1 "
        "(line 6)"
    )


def test_a11y006_judges_the_text_without_the_php_tag_as_before(tmp_path: Path) -> None:
    # a tag alone is no text a reader sees in the source: not judged, as before
    body = '<p style="color:#b0b0b0"><?= $user->getShortName(); ?></p>'
    assert only(check(_campaign(tmp_path, "ru", body)), "A11Y006") == []


def test_a11y005_names_a_jinja_variable_in_an_english_link(tmp_path: Path) -> None:
    body = '<p><a href="https://forum.test/programme">Click here, {{ first_name }}</a></p>'
    [found] = only(check(_campaign(tmp_path, "en", body, template="jinja")), "A11Y005")
    assert found.severity is Severity.WARNING
    assert found.locations == ("email.html:6",)
    assert found.message == "1 link named only “Click here, [first_name]” (line 6)"


def test_a11y005_names_a_jinja_variable_in_a_russian_link(tmp_path: Path) -> None:
    body = '<p><a href="https://forum.test/programme">Нажмите здесь, {{ user.name }}</a></p>'
    [found] = only(check(_campaign(tmp_path, "ru", body, template="jinja")), "A11Y005")
    assert found.locations == ("email.html:6",)
    assert found.message == "1 link named only “Нажмите здесь, [user.name]” (line 6)"


def test_a11y005_quotes_a_value_a_sample_gives_as_given(tmp_path: Path) -> None:
    # a sample's empty value is that recipient's: the render shows the gap, and so does the
    # quote (only a field no value fills is named)
    body = '<p><a href="https://forum.test/programme">Click here, {{ first_name }}</a></p>'
    path = _campaign(
        tmp_path,
        "en",
        body,
        template="jinja",
        samples="s.json",
        files={"s.json": '[{"first_name": ""}]'},
    )
    [found] = only(check(path), "A11Y005")
    assert found.message == "1 link named only “Click here,” (line 6)"


def test_lnk003_names_a_jinja_variable_in_a_placeholder_links_text(tmp_path: Path) -> None:
    body = '<p><a href="#">Your ticket, {{ first_name }}</a></p>'
    [found] = only(check(_campaign(tmp_path, "en", body, template="jinja")), "LNK003")
    assert found.locations == ("email.html:6",)
    assert "“Your ticket, [first_name]”" in found.message


# Session 38: the quotes of UNS001's link and of BRF001's preheader and dummy text, the same way


def test_uns001_names_a_variable_in_a_placeholder_unsubscribe_links_text(tmp_path: Path) -> None:
    body = '<p><a href="#">Unsubscribe {{ first_name }}</a></p>'
    html = _page("en", body).replace(
        '<p><a href="https://forum.test/unsubscribe">Unsubscribe</a></p>\n', ""
    )
    path = write_campaign(tmp_path, html=html, preheader="Programme inside", template="jinja")
    [found] = only(check(path), "UNS001")
    assert (found.severity, found.locations) == (Severity.ERROR, ("email.html:6",))
    assert found.message == (
        "the unsubscribe link “Unsubscribe [first_name]” is a placeholder (link to “#”): "
        "recipients have no way out"
    )


def test_uns001_names_a_variable_in_a_link_to_the_home_page(tmp_path: Path) -> None:
    body = '<p><a href="https://forum.test/">{{ first_name }}, unsubscribe here</a></p>'
    html = _page("en", body).replace(
        '<p><a href="https://forum.test/unsubscribe">Unsubscribe</a></p>\n', ""
    )
    path = write_campaign(tmp_path, html=html, preheader="Programme inside", template="jinja")
    [found] = only(check(path), "UNS001")
    assert (found.severity, found.locations) == (Severity.WARNING, ("email.html:6",))
    assert found.message.startswith(
        "could not verify: the unsubscribe link “[first_name], unsubscribe here” goes to the "
        "site's home page (https://forum.test/)"
    ), found.message


def test_brf001_names_a_variable_in_the_preheader_the_dummy_text_follows(tmp_path: Path) -> None:
    # the preheader of 8 characters is measured as rendered (the name empty); its quote names it
    preview = (
        '<div style="display:none">{{ first_name }}, скидки</div>\n'
        '<div style="display:none">Lorem ipsum dolor sit amet</div>'
    )
    body = '<p>Привет!</p>\n<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    path = write_campaign(tmp_path, preheader_html=preview, body=body, template="jinja")
    [found] = only(check(path), "BRF001")
    assert (found.severity, found.locations) == (Severity.ERROR, ("email.html:5",))
    assert found.message.endswith(
        "it follows a preheader of 8 characters (“[first_name], скидки”), which does not fill "
        "the preview — pad the preheader (&zwnj;&nbsp;…) or remove the text"
    ), found.message


def test_brf001_names_a_variable_inside_the_dummy_text_it_quotes(tmp_path: Path) -> None:
    body = (
        "<p>Привет!</p>\n<p>Your {{ word }} text here</p>\n"
        '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    )
    [found] = only(check(write_campaign(tmp_path, body=body, template="jinja")), "BRF001")
    assert (found.severity, found.locations) == (Severity.WARNING, ("email.html",))
    assert found.message == "placeholder copy: “Your [word] text here” (email.html)"
