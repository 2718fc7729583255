"""PRE002 with a name no sample gives: measured empty (its shortest) and with a typical name of
6 letters where it stands, as SUB002 measures a subject (mailcheck.lengths)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.i18n import translate, translations
from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

# 84 characters: after "<name>, " 86 with the name empty, 92 with a 6-letter name, 90 with
# the 4-letter fallback "Друг"
OFFER = "только до воскресенья скидки до 30% на пуховики, ботинки и шапки, доставка бесплатно"
UNSUB_MINDBOX = '<p><a href="${ Recipient.UnsubscribeLink }">Отписаться</a></p>'


def _hidden(text: str) -> str:
    return f'<div style="display:none">{text}</div>'


# the preheader written in campaign.toml, or as the HTML's hidden preview element, in Jinja
# and in a Russian ESP's language
WAYS: dict[str, tuple[str, dict[str, Any]]] = {
    "jinja-toml": ("{{ first_name }}, ", {}),
    "jinja-html": ("{{ first_name }}, ", {"html_preheader": True}),
    "mindbox-toml": ("${ Recipient.FirstName }, ", {"esp": "mindbox", "body": UNSUB_MINDBOX}),
}


def _campaign(tmp_path: Path, way: str, rest: str, **manifest: Any) -> Path:
    greeting, options = WAYS[way]
    options = dict(options)
    if options.pop("html_preheader", False):
        options["preheader_html"] = _hidden(greeting + rest)
    else:
        options["preheader"] = greeting + rest
    return write_campaign(tmp_path, way, **options, **manifest)


NAME = {
    "jinja-toml": "first_name",
    "jinja-html": "first_name",
    "mindbox-toml": "Recipient.FirstName",
}


@pytest.mark.parametrize("way", WAYS)
def test_within_the_limit_only_with_the_name_empty_is_could_not_verify(
    tmp_path: Path, way: str
) -> None:
    [pre] = only(check(_campaign(tmp_path, way, OFFER)), "PRE002")
    assert (pre.severity, pre.location) == (Severity.WARNING, "preheader")
    name = NAME[way]
    assert pre.message == (
        f"could not verify the preheader's length: 86 characters with “{name}” empty (no "
        "sample or fallback gives a value), 92 with a name of 6 letters, a typical one, where "
        f"it stands; limit 90: “[{name}], {OFFER}”"
    )
    if way == "jinja-toml":
        ru = str(translate(pre.message, translations("ru")))
        assert ru.startswith("не удалось проверить длину прехедера: 86 симв., если «first_name»")
        assert "и 92 с именем обычной длины в 6 букв на его месте; ограничение 90" in ru


def test_within_the_limit_with_a_typical_name_is_not_reported(tmp_path: Path) -> None:
    # 3 characters fewer: 89 with a 6-letter name
    assert only(check(_campaign(tmp_path, "jinja-toml", OFFER[:-3])), "PRE002") == []


@pytest.mark.parametrize("way", WAYS)
def test_over_the_limit_even_empty_is_the_error_that_says_it_was_empty(
    tmp_path: Path, way: str
) -> None:
    # it said no more than "preheader is 92 characters", as if nothing were left out
    [pre] = only(check(_campaign(tmp_path, way, OFFER + " и ещё")), "PRE002")
    assert (pre.severity, pre.location) == (Severity.ERROR, "preheader")
    assert pre.message == (
        f"preheader is 92 characters, limit 90 (rendered with “{NAME[way]}” empty: no sample "
        f"or fallback gives a value): “, {OFFER} и ещё”"
    )
    assert "fallbacks" not in pre.message


def test_a_fallback_is_measured_as_it_renders(tmp_path: Path) -> None:
    greeting = "{{ first_name | default('Друг', true) }}, "
    # 90 with "Друг": within the limit, whatever a 6-letter name would make of it
    fits = write_campaign(tmp_path, "fits", preheader=greeting + OFFER)
    assert only(check(fits), "PRE002") == []
    over = write_campaign(tmp_path, "over", preheader=greeting + OFFER + " и ещё")
    [pre] = only(check(over), "PRE002")
    assert (pre.severity, pre.location) == (Severity.ERROR, "preheader")
    assert pre.message == (
        f"preheader is 96 characters, limit 90 (rendered with fallbacks): “Друг, {OFFER} и ещё”"
    )


def test_a_sample_gives_the_length_no_typical_name(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        "sampled",
        preheader="{{ first_name }}, " + OFFER,
        samples="r.csv",
        files={"r.csv": "first_name\nАлександра\n"},
    )
    [pre] = only(check(d), "PRE002")
    assert (pre.severity, pre.location) == (Severity.ERROR, "preheader")
    assert pre.message == (
        "preheader is 96 characters, limit 90 (rendered with longest values): "
        f"“Александра, {OFFER}”"
    )


def test_a_preheader_without_variables_is_measured_as_written(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, "plain", preheader="Друзья, " + OFFER)
    [pre] = only(check(d), "PRE002")
    assert pre.message == f"preheader is 92 characters, limit 90: “Друзья, {OFFER}”"


# the name only inside a block its own value guards: empty, the block is left out
GUARDED = "{% if first_name %}{{ first_name }}, {% endif %}"


@pytest.mark.parametrize("html", [False, True], ids=["toml", "html"])
def test_a_name_only_inside_its_own_guard_is_measured_as_the_subjects(
    tmp_path: Path, html: bool
) -> None:
    # 84 characters with the block left out, 92 with it and a 6-letter name: as SUB002 says
    # of the same subject (tests/test_russian_esp_leftovers.py), it said nothing
    text = GUARDED + OFFER
    where: dict[str, Any] = {"preheader_html": _hidden(text)} if html else {"preheader": text}
    [pre] = only(check(write_campaign(tmp_path, template="jinja", **where)), "PRE002")
    assert (pre.severity, pre.location) == (Severity.WARNING, "preheader")
    assert pre.message == (
        "could not verify the preheader's length: 84 characters with “first_name” empty (no "
        "sample or fallback gives a value), 92 with a name of 6 letters, a typical one, where "
        f"it stands; limit 90: “[first_name], {OFFER}”"
    )


def test_a_guarded_name_over_the_limit_even_empty_says_it_was_empty(tmp_path: Path) -> None:
    text = GUARDED + OFFER + " и ещё 3"
    [pre] = only(check(write_campaign(tmp_path, template="jinja", preheader=text)), "PRE002")
    assert (pre.severity, pre.location) == (Severity.ERROR, "preheader")
    assert pre.message == (
        "preheader is 92 characters, limit 90 (rendered with “first_name” empty: no sample "
        f"or fallback gives a value): “{OFFER} и ещё 3”"
    )


def test_the_subject_and_the_preheader_name_the_same_guarded_name(tmp_path: Path) -> None:
    # one step names both: a subject with the same guarded greeting is measured so too
    subject = GUARDED + "скидка 30% на всё: пуховики, ботинки и шапки"
    d = write_campaign(tmp_path, template="jinja", subject=subject, preheader=GUARDED + OFFER)
    result = check(d)
    lengths = [f for f in result.findings if f.code in ("SUB002", "PRE002")]
    assert sorted((f.code, f.severity, f.location) for f in lengths) == [
        ("PRE002", Severity.WARNING, "preheader"),
        ("SUB002", Severity.WARNING, "subject"),
    ]
