"""Campaign Monitor's tags: ``[firstname,fallback=…]``, its special link elements, and square
brackets that are prose ("[1]", "[here]", a link text "[Unsubscribe]")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailcheck.templating.detect import explain_dialect
from tests.helpers import check, only, write_campaign

SHOP = (
    '<p><a href="https://shop.test/sale?utm_source=email&utm_medium=email&utm_campaign=bf">'
    "Выбрать подарок</a></p>"
)
FOOTER = "<p><unsubscribe>Отписаться от рассылки</unsubscribe></p>"


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ("<p>Hi [firstname,fallback=there],</p>", "campaignmonitor"),
        ("<p>Hi [City, fallback=]</p>", "campaignmonitor"),  # a custom field, a space
        # a name field beside an element only Campaign Monitor writes
        ("<p>Hi [firstname],</p><webversion>View online</webversion>", "campaignmonitor"),
        # prose and link texts in brackets are no tag
        ("<p>See [1] and [image], click [here]</p><a href='#'>[Unsubscribe]</a>", "none"),
        ("<p>Hi [firstname], write to [email]</p>", "none"),  # no element beside them
        ("<p>[here]</p><unsubscribe>Unsubscribe</unsubscribe>", "none"),  # the element alone
    ],
)
def test_detection_needs_campaign_monitors_signature(text: str, dialect: str) -> None:
    found = explain_dialect([text])
    assert (found.dialect, found.unclear) == (dialect, False), found


def run(
    tmp_path: Path, greeting: str, *, extra: str = "", samples: str | None = None
) -> list[tuple[str, ...]]:
    body = f"<p>{greeting}</p>\n{SHOP}\n{extra}\n{FOOTER}"
    result = check(write_campaign(tmp_path, body=body, subject="Подарки", samples=samples))
    return [
        (f.code, f.severity.value, *f.locations, f.message)
        for f in result.findings
        if f.code[:3] in ("PER", "UNS")
    ]


def test_an_empty_fallback_in_a_greeting_is_one_per001(tmp_path: Path) -> None:
    [(code, severity, where, message)] = run(tmp_path, "Здравствуйте, [firstname,fallback=]!")
    assert (code, severity, where) == ("PER001", "error", "email.html:5")
    assert message.startswith("“firstname” has an empty fallback, which is none: ")
    assert "Здравствуйте, !" in message


def test_a_field_without_a_fallback_is_one_per001(tmp_path: Path) -> None:
    # [firstname] is a tag beside <unsubscribe>; the <unsubscribe> element counts for UNS001
    assert run(tmp_path, "Hi [firstname]!") == [
        ("PER001", "error", "email.html:5",
         '“firstname” has no fallback or guard: with firstname = "" the text reads “Hi !”'),
    ]  # fmt: skip


def test_a_fallback_covers_the_greeting(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text(
        json.dumps([{"firstname": ""}, {"firstname": "Анна"}]), encoding="utf-8"
    )
    assert run(tmp_path, "Hi [firstname,fallback=there]!", samples="r.json") == []


def test_an_empty_fallback_that_breaks_nothing_is_no_finding(tmp_path: Path) -> None:
    cell = "<table><tr><td>Город</td><td>[City,fallback=]</td></tr></table>"
    assert run(tmp_path, "Здравствуйте, [firstname,fallback=друг]!", extra=cell) == []


def test_brackets_that_are_prose_stay_text(tmp_path: Path) -> None:
    prose = "<p>См. [1] и [image]; нажмите [here] или [Подробнее]</p>"
    body = f"<p>Hi [firstname,fallback=there]!</p>\n{prose}\n{SHOP}\n{FOOTER}"
    result = check(write_campaign(tmp_path, body=body))
    assert result.campaign.dialect == "campaignmonitor"
    assert [f.code for f in result.findings if f.code[:3] in ("PER", "UNS")] == []
    document = result.campaign.renders[0].document
    assert document is not None
    assert "См. [1] и [image]; нажмите [here] или [Подробнее]" in document.text


def test_a_misspelt_unsubscribe_url_is_named(tmp_path: Path) -> None:
    link = '<p><a href="[unsubscibe]">Отписаться</a></p>'
    body = f"<p>Hi [firstname,fallback=there]!</p>\n{SHOP}\n{link}"
    result = check(write_campaign(tmp_path, body=body))
    [per001] = only(result, "PER001")
    assert (per001.severity.value, per001.locations) == ("error", ("email.html:7",))
    assert per001.message == (
        "Campaign Monitor has no tag [unsubscibe]: did you mean [unsubscribe]?"
    )


def test_its_url_tags_in_an_href_are_links_it_fills(tmp_path: Path) -> None:
    # and a custom field that is a link's whole URL is a link built for every recipient, as
    # in any dialect (href="{{ profile_link }}")
    links = (
        '<p><a href="[webversion]">В браузере</a> <a href="[unsubscribe]">Отписаться</a> '
        '<a href="[ProfileLink]">Профиль</a></p>'
    )
    body = f"<p>Hi [firstname,fallback=there]!</p>\n{SHOP}\n{links}"
    result = check(write_campaign(tmp_path, body=body))
    assert [f.code for f in result.findings if f.code[:3] in ("PER", "UNS", "LNK")] == []


def test_conditional_content_is_not_understood(tmp_path: Path) -> None:
    extra = "<p>[if:City=Москва]Заберите в магазине[else]Доставим[endif]</p>"
    found = run(tmp_path, "Hi [firstname,fallback=there]!", extra=extra)
    assert [(f[0], f[1], f[2]) for f in found] == [("PER007", "warning", "email.html:7")]
    assert "conditional content ([if:City=Москва]) is not read" in found[0][-1]


@pytest.mark.parametrize(
    ("template", "city", "name"),
    [
        ("campaignmonitor", "[City,fallback=]", "[firstname,fallback=]"),
        ("liquid", '{{ City | default: "" }}', '{{ firstname | default: "" }}'),
    ],
)
def test_an_empty_fallback_outside_a_greeting_is_judged_as_in_liquid(
    tmp_path: Path, template: str, city: str, name: str
) -> None:
    # PER001 speaks of an empty fallback only where the text reads broken without the value:
    # "Ваш город: " outside the greeting is silent in both, the greeting one error in both
    body = f"<p>Привет, {name}!</p>\n<p>Ваш город: {city}</p>\n{SHOP}\n{FOOTER}"
    d = write_campaign(tmp_path, body=body, subject="Подарки", template=template)
    found = [
        (f.code, f.severity.value, f.locations) for f in check(d).findings if f.code[:3] == "PER"
    ]
    assert found == [("PER001", "error", ("email.html:5",))]
