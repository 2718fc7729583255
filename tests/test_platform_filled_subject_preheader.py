"""Subject and preheader that mailcheck cannot measure, and what it says of them (QA probe W).

A subject or preheader that is only what the platform fills in when it sends (Keila's
``{{ campaign.subject }}``, Mautic's ``{subject}``, Mailchimp's ``*|MC_PREVIEW_TEXT|*``) passed
silently: mailcheck measured its own stand-in. One that renders empty was said to be missing;
a PHP view's preheader was "not found" where UNS001 says the application's layout may hold
the footer; a preheader that goes on after the subject was a "repeat".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.config import Config
from mailcheck.i18n import translate, translations
from mailcheck.model import CampaignResult, Severity
from tests.helpers import check, only, write_campaign

UNSUB = '<p><a href="{unsub}">Unsubscribe</a></p>'


def _page(title: str, preheader: str, unsub: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>\n"
        f'<div style="display:none;max-height:0;overflow:hidden">{preheader}</div>\n'
        "<p>Hello, here is our autumn letter with three short stories.</p>\n"
        f"{UNSUB.format(unsub=unsub)}\n</body></html>\n"
    )


def _file(tmp_path: Path, html: str, template: str = "") -> CampaignResult:
    """A bare HTML file (its subject is its <title>), read as ``template`` (or detected)."""
    path = tmp_path / "letter.html"
    path.write_text(html, encoding="utf-8")
    return check(path, Config(root=tmp_path, template=template))


# (template, title, preheader, unsubscribe link): each platform's own fields
PLATFORM_FIELDS = {
    "keila": ("liquid", "{{ campaign.subject }}", "{{ campaign.preview_text }}", "#u"),
    "mailchimp": ("mailchimp", "*|MC:SUBJECT|*", "*|MC_PREVIEW_TEXT|*", "*|UNSUB|*"),
}


@pytest.mark.parametrize("platform", sorted(PLATFORM_FIELDS))
def test_a_subject_and_preheader_the_platform_fills_in_are_could_not_verify(
    tmp_path: Path, platform: str
) -> None:
    template, title, preheader, unsub = PLATFORM_FIELDS[platform]
    result = _file(tmp_path, _page(title, preheader, unsub), template)
    [sub] = only(result, "SUB002")
    assert (sub.severity, sub.location, sub.message) == (
        Severity.WARNING,
        "subject",
        f"could not verify the subject's length: it is “{title}”, which the platform fills in "
        "when it sends (limit 50): check it where it is set, or a test send",
    )
    [pre] = only(result, "PRE001")
    assert (pre.severity, pre.location, pre.message) == (
        Severity.WARNING,
        "preheader",
        f"could not verify the preheader: it is “{preheader}”, which the platform fills in "
        "when it sends; whether it is set there, and its length (limit 90), mailcheck cannot "
        "see: check it where it is set, or a test send",
    )
    assert only(result, "SUB001") == only(result, "PRE002") == only(result, "PER001") == []


def test_the_field_as_written_is_quoted_as_the_output_s_language_quotes(tmp_path: Path) -> None:
    # Russian output quoted it “…” in a sentence that quotes with «…» (QA probe, session 29)
    template, title, preheader, unsub = PLATFORM_FIELDS["keila"]
    result = _file(tmp_path, _page(title, preheader, unsub), template)
    [sub] = only(result, "SUB002")
    [pre] = only(result, "PRE001")
    ru, en = translations("ru"), translations("en")
    assert translate(sub.message, ru) == (
        "не удалось проверить длину темы: это «{{ campaign.subject }}», её подставляет "
        "платформа при отправке (ограничение 50): проверьте там, где она задаётся, или в "
        "тестовой отправке"
    )
    assert str(translate(pre.message, ru)).startswith(
        "не удалось проверить прехедер: это «{{ campaign.preview_text }}», его подставляет"
    )
    assert (
        translate(sub.message, en)
        == str(sub.message)
        == (
            "could not verify the subject's length: it is “{{ campaign.subject }}”, which the "
            "platform fills in when it sends (limit 50): check it where it is set, or a test send"
        )
    )
    assert str(translate(pre.message, en)).startswith(
        "could not verify the preheader: it is “{{ campaign.preview_text }}”, which"
    )
    # and where the preheader renders empty
    d = write_campaign(tmp_path, preheader="{{ teaser }}", preheader_html="", template="jinja")
    [empty] = only(check(d), "PRE001")
    assert str(translate(empty.message, ru)).startswith(
        "прехедер, «{{ teaser }}», выводится пустым"
    )
    assert str(translate(empty.message, en)).startswith("the preheader, “{{ teaser }}”, renders")


def test_mautics_subject_in_campaign_toml_is_could_not_verify(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, subject="{subject}", template="mautic")
    [sub] = only(check(d), "SUB002")
    assert (sub.severity, sub.location) == (Severity.WARNING, "subject")
    assert sub.message.startswith("could not verify the subject's length: it is “{subject}”")


@pytest.mark.parametrize(
    ("subject", "setting", "field", "shown", "words"),
    [
        (
            "*|MC:SUBJECT|* | Shop news",
            {"template": "mailchimp"},
            "MC:SUBJECT",
            "[MC:SUBJECT] | Shop news",
            12,
        ),
        (
            "*|MC:SUBJECT|* | Shop news",
            {"esp": "mailchimp"},
            "MC:SUBJECT",
            "[MC:SUBJECT] | Shop news",
            12,
        ),
        (
            "Shop news: {{ campaign.subject }}",
            {"template": "liquid"},
            "campaign.subject",
            "Shop news: [campaign.subject]",
            11,
        ),
        (
            "Shop news: {{ campaign.subject }}",
            {"esp": "keila"},
            "campaign.subject",
            "Shop news: [campaign.subject]",
            11,
        ),
        ("Shop news: {subject}", {"template": "mautic"}, "subject", "Shop news: [subject]", 11),
    ],
)
def test_a_subject_with_words_around_the_platforms_is_could_not_verify(
    tmp_path: Path, subject: str, setting: dict[str, Any], field: str, shown: str, words: int
) -> None:
    """The platform's subject with the sender's words around it was measured with its
    stand-in (24 characters) and passed: its length is the platform's subject and the words."""
    [sub] = only(check(write_campaign(tmp_path, subject=subject, **setting)), "SUB002")
    assert (sub.severity, sub.location, sub.message) == (
        Severity.WARNING,
        "subject",
        f"could not verify the subject's length: the platform puts its own subject (“{field}”) "
        f"in it when it sends, and your words around it take {words} of the 50 characters: "
        f"check the whole in a test send: “{shown}”",
    )


def test_a_filtered_platform_subject_is_still_the_platforms(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, subject="{{ campaign.subject | upcase }}", esp="keila")
    [sub] = only(check(d), "SUB002")
    assert (sub.severity, sub.location, sub.message) == (
        Severity.WARNING,
        "subject",
        "could not verify the subject's length: it is “{{ campaign.subject | upcase }}”, which "
        "the platform fills in when it sends (limit 50): check it where it is set, or a test send",
    )
    d = write_campaign(
        tmp_path,
        "c2",
        subject="Week",
        preheader="{{ campaign.preview_text | downcase }}",
        esp="keila",
    )
    [pre] = only(check(d), "PRE001")
    assert (pre.severity, pre.location) == (Severity.WARNING, "preheader")
    assert pre.message.startswith(
        "could not verify the preheader: it is “{{ campaign.preview_text | downcase }}”"
    )


@pytest.mark.parametrize(
    ("preheader", "esp", "field", "shown"),
    [
        ("Read: *|MC_PREVIEW_TEXT|*", "mailchimp", "MC_PREVIEW_TEXT", "Read: [MC_PREVIEW_TEXT]"),
        (
            "Read: {{ campaign.preview_text }}",
            "keila",
            "campaign.preview_text",
            "Read: [campaign.preview_text]",
        ),
    ],
)
def test_a_preheader_with_words_around_the_platforms_is_could_not_verify(
    tmp_path: Path, preheader: str, esp: str, field: str, shown: str
) -> None:
    d = write_campaign(tmp_path, subject="Weekly letter", preheader=preheader, esp=esp)
    result = check(d)
    [pre] = only(result, "PRE002")
    assert (pre.severity, pre.location, pre.message) == (
        Severity.WARNING,
        "preheader",
        f"could not verify the preheader's length: the platform puts its own preview text "
        f"(“{field}”) in it when it sends, and your words around it take 6 of the 90 "
        f"characters: check the whole in a test send: “{shown}”",
    )
    assert only(result, "PRE001") == []
    # the sender's words alone over the limit: an error, as before
    long = "Read all about it: " * 6 + preheader
    [pre] = only(check(write_campaign(tmp_path, "c2", preheader=long, esp=esp)), "PRE002")
    assert (pre.severity, pre.message.split(" without")[0]) == (
        Severity.ERROR,
        "preheader is 120 characters",
    )


def test_a_subject_with_words_of_its_own_is_measured_as_before(tmp_path: Path) -> None:
    # the sender's words alone over the limit: an error, the field is the known "what the
    # send fills in"
    long = "Autumn news from the shop, with three stories and a discount: {{ campaign.subject }}"
    d = write_campaign(tmp_path, "c2", subject=long, esp="keila")
    [sub] = only(check(d), "SUB002")
    assert (sub.severity, sub.message.split(":")[0]) == (
        Severity.ERROR,
        "subject is 62 characters without what the send fills in (“campaign.subject”), limit 50",
    )


def test_a_title_and_preheader_that_render_empty_are_said_so(tmp_path: Path) -> None:
    """Read as Jinja the platform's fields are variables with no value here (PER001 errors):
    the <title> holds text and the preheader element is there, both render empty."""
    html = _page("{{ campaign.subject }}", "{{ campaign.preview_text }}", "#u")
    result = _file(tmp_path, html, "jinja")
    [sub] = only(result, "SUB001")
    assert (sub.severity, sub.location, sub.message) == (
        Severity.WARNING,
        "subject",
        "no subject to check: the file's <title>, “{{ campaign.subject }}”, renders empty, and "
        "a bare HTML file's subject is set in the ESP (give `subject` in campaign.toml to "
        "check it)",
    )
    [pre] = only(result, "PRE001")
    assert (pre.severity, pre.location, pre.message) == (
        Severity.WARNING,
        "preheader",
        "the preheader, “{{ campaign.preview_text }}”, renders empty: inboxes then show the "
        "first text instead, “Hello, here is our autumn letter with three short stories. U…”",
    )
    assert sorted(f.places for f in only(result, "PER001")) == [
        ("letter.html:2",),
        ("subject", "letter.html:1"),
    ]
    # an empty title is still said to be empty
    [sub] = only(_file(tmp_path, _page("", "Three stories", "#u"), "jinja"), "SUB001")
    assert sub.message.startswith("no subject to check: the file's <title> is empty")


def test_a_preheader_in_campaign_toml_that_renders_empty_is_said_so(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, preheader="{{ teaser }}", preheader_html="", template="jinja")
    [pre] = only(check(d), "PRE001")
    assert (pre.location, pre.message.split(":")[0]) == (
        "preheader",
        "the preheader, “{{ teaser }}”, renders empty",
    )


# -- a view of an application (PHP): its layout may hold the preheader ------------------------

PHP_VIEW = (
    "<html><head><title>Форум</title></head><body>\n"
    "<p>Здравствуйте, <?= $user->name ?: 'коллега' ?>! 14 июня пройдёт форум.</p>\n"
    "</body></html>\n"
)


def test_a_php_view_without_a_preheader_is_could_not_verify(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, html=PHP_VIEW, template="php")
    result = check(d)
    # one cause, one finding: the layout mailcheck has not seen may hold the preheader and the
    # unsubscribe link both (mailcheck.rootcause folds PRE001 into UNS001's "could not verify")
    assert only(result, "PRE001") == []
    [uns] = only(result, "UNS001")
    assert (uns.severity, uns.message) == (
        Severity.WARNING,
        "could not verify the unsubscribe link (UNS001), the preheader (PRE001): not in this "
        "view of an application (php), and the layout the application renders it in may hold "
        "them: check a test send",
    )
    assert "preheader" in uns.places
    # PRE001 alone (UNS001 not asked for) says it of the preheader in its own words
    [pre] = only(check(d, Config(root=tmp_path, ignore=("UNS001",))), "PRE001")
    assert (pre.severity, pre.location, pre.message) == (
        Severity.WARNING,
        "preheader",
        "could not verify: no preheader in this view of an application (php), and the layout "
        "the application renders it in may hold it: check a test send",
    )
    # the same page in plain HTML is the message as sent: no preheader, certainly
    plain = PHP_VIEW.replace("<?= $user->name ?: 'коллега' ?>", "коллега")
    [pre] = only(check(write_campaign(tmp_path, "c2", html=plain, template="none")), "PRE001")
    assert pre.message.startswith("no preheader (preview text) found: inboxes show")


# -- PRE003: a repeat, not a continuation ---------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "preheader", "repeats"),
    [
        ("Your order", "Your order!", True),
        ("Чёрная пятница в ACME", "чёрная пятница — в ACME", True),
        ("Your order", "Your order is on its way", False),
        ("Скидки до 50%", "Скидки до 50% на всю обувь до воскресенья", False),
        ("Weekend sale", "30% off all jackets until Sunday", False),
    ],
)
def test_pre003_is_a_repeat_of_the_subject_not_a_continuation(
    tmp_path: Path, subject: str, preheader: str, repeats: bool
) -> None:
    d = write_campaign(tmp_path, subject=subject, preheader=preheader)
    found = [(f.message, f.location, f.severity) for f in only(check(d), "PRE003")]
    # both texts quoted: what repeats is seen without opening the campaign
    said = f"preheader “{preheader}” repeats the subject “{subject}”"
    assert found == ([(said, "preheader", Severity.WARNING)] if repeats else [])


def test_pre003_on_a_bare_html_file_quotes_its_title_as_the_probable_subject(
    tmp_path: Path,
) -> None:
    """A bare HTML file's subject is its <title> (a QA probe: the welcome e-mail pack's title
    and hidden preheader are both “Welcome to YourBrand”, and the finding quoted neither)."""
    page = tmp_path / "welcome.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><title>Welcome to  YourBrand</title></head>\n'
        '<body><div style="display:none">Welcome to YourBrand!</div>\n'
        "<p>Thanks for joining us.</p></body></html>\n",
        encoding="utf-8",
    )
    found = [(f.message, f.location, f.severity) for f in only(check(page), "PRE003")]
    assert found == [
        (
            "preheader “Welcome to YourBrand!” repeats the <title> “Welcome to YourBrand”, the "
            "subject if the ESP's is the same",
            "preheader",
            Severity.WARNING,
        )
    ]
