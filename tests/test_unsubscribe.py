"""UNS001: the unsubscribe link found as people write it, and a placeholder one named as such."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck import unsubscribe
from mailcheck.config import Config
from mailcheck.linkinfo import is_unsubscribe
from mailcheck.model import Link, Severity
from mailcheck.unsubscribe import (
    WORDS,
    add_tags,
    fold,
    link_says_unsubscribe,
    remove_tags,
    words_of,
)
from tests.helpers import check, codes, only, write_campaign

SHOP = '<p><a href="https://shop.test/sale?utm_source=email&utm_medium=email&utm_campaign=bf">Каталог</a></p>'


def uns001(tmp_path: Path, footer: str, **kwargs: Any) -> list[str]:
    """UNS001's findings (location: message) for a campaign with this footer."""
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>", **kwargs))
    return [f"{f.location}: {f.message}" for f in only(result, "UNS001")]


# The link text, one per language: each must be recognised.
LINK_TEXTS = {
    "ru": [
        "Отписаться",
        "Отменить подписку",
        # a notifications' preference centre (Профессионалы.ru's footer, corpus mail_test_6)
        "настроить все типы оповещений",
        "Управление уведомлениями",
        "Настройки уведомлений",
        "Отключить уведомления",
        "Отказаться от рассылки",
        "Не получать письма",
        "Не хочу получать письма",
        "Отказаться от писем",
        "Больше не получать эти письма",
        "Отменить рассылку",
        "Управление подпиской на рассылку",
        "Отписаться от рассылки",
        "ОТПИСКА",
        "Отказаться от нашей рассылки",
        "Перестать получать письма",
        "Отключить рассылку",
        "Выйти из рассылки",
        # the imperative a link asks in (a QA probe: each was UNS001 and UTM001, two errors)
        "Откажитесь от рассылки",
        "Откажитесь от подписки",
        "Удалите меня из рассылки",
        "Управляйте подпиской на рассылку",
        "Не присылайте мне письма",
        "Выйдите из рассылки",
        "Перестаньте получать письма",
    ],
    "en": [
        "Unsubscribe",
        "Opt out",
        "opt-out",
        "Manage preferences",
        "Unsubscribe from this list",
        "Manage your email subscription",
        # the notifications are the mailings: their settings are the way out (a QA probe:
        # Postmark's comment-notification "Manage notifications" was UNS001, an error)
        "Manage notifications",
        "Notification settings",
        "Turn off these emails",
        "Stop these notifications",
    ],
    "uk": ["Відписатися", "Скасувати підписку", "Відмовитися від розсилки"],
    "be": ["Адпісацца", "Адмовіцца ад рассылкі"],
    "kk": ["Жазылымнан бас тарту"],
    "de": ["Abmelden", "Newsletter abbestellen", "Vom Newsletter abmelden"],
    "fr": ["Se désinscrire", "Se desinscrire", "Désabonnement"],
    "es": ["Darse de baja", "Cancelar suscripción"],
    "it": ["Annulla iscrizione", "Disiscriviti"],
    "pt": ["Cancelar inscrição", "Descadastrar"],
    "pl": ["Wypisz się", "Rezygnacja z subskrypcji"],
    "cs": ["Odhlásit se", "Zrušit odběr"],
    "tr": ["Abonelikten çık", "ABONELİKTEN ÇIK", "Aboneliği iptal et"],
    "nl": ["Afmelden", "Uitschrijven"],
    "ro": ["Dezabonare"],
    "el": ["Διαγραφή", "Απεγγραφή"],
    "hu": ["Leiratkozás"],
    "sv": ["Avregistrera", "Avsluta prenumerationen"],
    "da": ["Afmeld nyhedsbrev"],
    "no": ["Meld deg av"],
    "fi": ["Peruuta tilaus"],
    "sr": ["Одјави се", "Odjavi se"],
    "hr": ["Odjava"],
    "sl": ["Odjava od novic"],
    "bg": ["Отписване"],
    "mk": ["Одјави се"],
    "sk": ["Odhlásiť sa"],
    "lt": ["Atsisakyti prenumeratos"],
    "lv": ["Atrakstīties"],
    "et": ["Loobu uudiskirjast"],
    "sq": ["Çregjistrohu"],
    "ca": ["Donar-se de baixa"],
}


def test_thirty_european_languages_and_more_are_in_the_data() -> None:
    assert len(WORDS.languages) >= 30
    assert {
        "ru",
        "en",
        "uk",
        "be",
        "kk",
        "de",
        "fr",
        "es",
        "it",
        "pt",
        "pl",
        "cs",
        "tr",
        "nl",
    } <= set(WORDS.languages)


@pytest.mark.parametrize(
    "text", [t for texts in LINK_TEXTS.values() for t in texts], ids=lambda t: t
)
def test_link_text_says_unsubscribe(text: str) -> None:
    assert is_unsubscribe(Link("https://esp.test/x/1", "a", text))


@pytest.mark.parametrize(
    "text",
    [
        "Подписаться",
        "Подписка на новости",
        "Купить",
        "Настройки профиля",
        "Subscribe",
        "Shop now",
        "Rebajas",
        "Опт оптом",
    ],
)
def test_other_link_texts_are_not_unsubscribe(text: str) -> None:
    assert not is_unsubscribe(Link("https://shop.test/p/1", "a", text))


@pytest.mark.parametrize(
    "footer",
    [
        '<a href="https://esp.test/x/1">Отказаться от рассылки</a>',
        '<a href="https://esp.test/x/1">Больше не получать эти письма</a>',
        '<a href="https://esp.test/x/1">Управление подпиской на рассылку</a>',
        '<a href="https://esp.test/x/1">Unsubscribe</a>',
        '<a href="https://esp.test/x/1">Abmelden</a>',
        # an image link says what its image's alt says
        '<a href="https://esp.test/x/1"><img src="https://cdn.test/u.png" alt="Отписаться"></a>',
    ],
)
def test_footer_link_passes(tmp_path: Path, footer: str) -> None:
    assert uns001(tmp_path, footer) == []


@pytest.mark.parametrize("invisible", ["&shy;", "&#8203;", "&#x200C;", "&#x200D;", "&#8288;"])
def test_an_invisible_character_inside_the_word_is_no_break(tmp_path: Path, invisible: str) -> None:
    """A soft hyphen or a zero-width space inside the word (a QA probe: "U&shy;nsubscribe" was
    UNS001, an error): the reader sees "Unsubscribe", the words are matched without them."""
    footer = f'<a href="https://esp.test/x/1">U{invisible}nsubscribe</a>'
    assert uns001(tmp_path, footer) == []
    # in a sentence around "click here", and in a text alone, too
    sentence = f'To un{invisible}subscribe, <a href="https://esp.test/x/1">click here</a>.'
    assert uns001(tmp_path / "s", sentence) == []
    text = "Sale!\n\nUn\u00adsubscribe:\nhttps://esp.test/u/1\n"
    assert only(check(text_send(tmp_path / "t.eml", text)), "UNS001") == []


def test_a_notifications_settings_link_is_the_way_out(tmp_path: Path) -> None:
    """A service's notification e-mail (Postmark's comment-notification template) offers its
    settings: no "no unsubscribe link" error, and the link needs no UTM tags."""
    footer = '<a href="https://app.test/settings/notifications">Manage notifications</a>'
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    assert only(result, "UNS001") == []
    # "Notifications" alone names no settings: still the error, once, at the body
    other = footer.replace("Manage notifications", "Notifications")
    [found] = only(check(write_campaign(tmp_path, "c2", body=f"{SHOP}\n<p>{other}</p>")), "UNS001")
    assert (found.severity, found.message, found.locations) == (
        Severity.ERROR, "no unsubscribe link in the body", ("email.html",),
    )  # fmt: skip


@pytest.mark.parametrize(
    "footer",
    [
        'Если вы не хотите получать наши письма, <a href="https://esp.test/x/1">нажмите здесь</a>.',
        'Чтобы отписаться от рассылки, перейдите <a href="https://esp.test/x/1">по ссылке</a>.',
        'Не хотите получать письма? <a href="https://esp.test/x/1">Нажмите здесь</a>.',
        'If you no longer wish to receive these emails, <a href="https://esp.test/x/1">click here</a>.',
        'Don\'t want to receive our emails? <a href="https://esp.test/x/1">Click here</a>.',
        'To unsubscribe <a href="https://esp.test/x/1">click <b>here</b></a>.',
    ],
)
def test_click_here_in_an_unsubscribe_sentence_passes(tmp_path: Path, footer: str) -> None:
    assert uns001(tmp_path, footer) == []


@pytest.mark.parametrize(
    "footer",
    [
        # separable verbs: "zu" inside (German), "te" between (Dutch); a list's English footer
        # (a QA probe: each was UNS001, an error, and its link UTM001's)
        'Um den Newsletter abzubestellen, klicken Sie bitte <a href="https://esp.test/x/1">hier</a>.',
        'Klicken Sie <a href="https://esp.test/x/1">hier</a>, um sich abzumelden.',
        'Klicken Sie <a href="https://esp.test/x/1">hier</a>, um sich vom Verteiler auszutragen.',
        'Klik <a href="https://esp.test/x/1">hier</a> om je af te melden.',
        'Klik <a href="https://esp.test/x/1">hier</a> om je uit te schrijven.',
        'To be removed please click <a href="https://esp.test/x/1">here</a>.',
        'If you wish to be removed, click <a href="https://esp.test/x/1">here</a>.',
    ],
)
def test_click_here_in_a_separable_verbs_or_a_lists_sentence_passes(
    tmp_path: Path, footer: str
) -> None:
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    assert only(result, "UNS001") == []
    assert only(result, "UTM001") == []  # the way out needs no UTM tags


@pytest.mark.parametrize(
    "footer",
    [
        # the same verbs said of something else than the reader or the newsletter
        'Um Ihr Fahrzeug abzumelden, klicken Sie <a href="https://shop.test/kfz">hier</a>.',
        'Das Turnier ist noch auszutragen: die Termine <a href="https://shop.test/t">hier</a>.',
        'Klik <a href="https://shop.test/auto">hier</a> om je auto af te melden.',
        'The items to be removed are listed <a href="https://shop.test/cart">here</a>.',
        'Click <a href="https://shop.test/film">here</a> to remove the film.',
        # leaving an event or cancelling an order is not leaving the list (a review probe)
        'Klicken Sie <a href="https://shop.test/w">hier</a>, um sich vom Webinar abzumelden.',
        'Um Ihre Tickets abzubestellen, klicken Sie <a href="https://shop.test/t">hier</a>.',
    ],
)
def test_those_verbs_said_of_something_else_are_no_way_out(tmp_path: Path, footer: str) -> None:
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    [found] = only(result, "UNS001")
    assert (found.severity, found.message, found.locations) == (
        Severity.ERROR, "no unsubscribe link in the body", ("email.html",),
    )  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "Sale!\n\nTo be removed please visit:\nhttps://esp.test/rl/remove.html\n",
        "News\n\nFor subscription changes, please use the WWW form at:\nhttps://esp.test/f\n",
    ],
)
def test_a_lists_footer_in_a_text_alone_is_a_way_out(tmp_path: Path, text: str) -> None:
    assert only(check(text_send(tmp_path / "t.eml", text)), "UNS001") == []
    # the words alone, with the URL to another page: still no way out
    other = text.replace("To be removed please visit", "Our blog").replace(
        "For subscription changes, please use the WWW form at", "Our blog"
    )
    [found] = only(check(text_send(tmp_path / "o.eml", other)), "UNS001")
    assert (found.severity, found.locations) == (Severity.ERROR, ("text/plain part",))


@pytest.mark.parametrize(
    "footer",
    [
        # a link whose text is only where it goes was "no unsubscribe link" (a false error)
        'To unsubscribe from these emails, visit <a href="https://esp.test/u/1">'
        "https://esp.test/u/1</a>.",
        'Чтобы отписаться от рассылки, перейдите по ссылке <a href="https://esp.test/u/1">'
        "esp.test/u/1</a>",
        'Don\'t want to receive our emails? <a href="https://esp.test/u/1">esp.test/u/1</a>',
        'To unsubscribe, write to <a href="mailto:leave@esp.test">leave@esp.test</a>.',
    ],
)
def test_an_address_for_its_text_in_an_unsubscribe_sentence_passes(
    tmp_path: Path, footer: str
) -> None:
    assert uns001(tmp_path, footer) == []


def test_a_contact_address_beside_the_footers_links_is_not_one(tmp_path: Path) -> None:
    # Foundation's drip footer: the words come after the address, in another link's text
    footer = '<a href="mailto:hello@shop.test">hello@shop.test</a> | <a href="#">Unsubscribe</a>'
    assert uns001(tmp_path, footer) == [
        "email.html:6: the unsubscribe link “Unsubscribe” is a placeholder (link to “#”): "
        "recipients have no way out"
    ]
    # the word is another item of the footer, left without its link: still no way out
    footer = 'Unsubscribe | <a href="https://shop.test/">www.shop.test</a>'
    assert uns001(tmp_path / "2", footer) == ["email.html: no unsubscribe link in the body"]


@pytest.mark.parametrize(
    ("footer", "address"),
    [
        ("To unsubscribe, send an email to leave@esp.test.", "leave@esp.test"),
        ("Чтобы отписаться, напишите на leave@esp.test", "leave@esp.test"),
        ("Не хотите получать письма? Напишите на leave@esp.test", "leave@esp.test"),
        # a bare URL (SpamScope's mail_test_2: "per non ricevere questa newsletter http://…")
        ("To unsubscribe visit https://esp.test/u/1 today", "https://esp.test/u/1"),
    ],
)
def test_an_address_to_unsubscribe_written_as_text_could_not_be_verified(
    tmp_path: Path, footer: str, address: str
) -> None:
    # Gmail makes it a link, Outlook shows it as text: a way out for some recipients only
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    [finding] = only(result, "UNS001")
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        f"could not verify: no unsubscribe link in the body, but its text says to unsubscribe "
        f"at “{address}”, which some mail clients make a link and others show as text"
    )
    assert finding.location == "email.html:6"


@pytest.mark.parametrize(
    "footer",
    [
        # an address that is no way out: still no unsubscribe link, an error
        "To unsubscribe, click here. Contact: info@esp.test",
        "Questions? Write to info@esp.test",
    ],
)
def test_another_address_in_the_text_is_no_way_out(tmp_path: Path, footer: str) -> None:
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    [finding] = only(result, "UNS001")
    assert (finding.severity, finding.message) == (
        Severity.ERROR,
        "no unsubscribe link in the body",
    )


@pytest.mark.parametrize(
    "footer",
    [
        # the sentence with "unsubscribe" is another one than the link's
        'Наш блог — <a href="https://shop.test/blog">здесь</a>. Отписаться можно, ответив на письмо.',
        'Read our blog <a href="https://shop.test/blog">here</a>. You can unsubscribe by replying.',
        # not a "click here" text: the words around say nothing about this link
        'Вы получили письмо, потому что подписаны на <a href="https://shop.test/">shop.test</a>.',
    ],
)
def test_click_here_elsewhere_is_not_an_unsubscribe_link(tmp_path: Path, footer: str) -> None:
    # (the first two are a way out by reply: said at their line, the link no way out still)
    [said] = uns001(tmp_path, footer)
    assert said.startswith("email.html") and ": no unsubscribe link in the body" in said, said


@pytest.mark.parametrize(
    "footer",
    [
        '<a href="https://esp.test/x/1" role="unsubscribe">Нажмите</a>',
        '<a href="https://esp.test/x/1" data-link-type="unsubscribe">→</a>',
        '<a href="https://esp.test/x/1" data-unsubscribe>Sí</a>',
        '<a href="https://esp.test/x/1" class="footer-unsub">✕</a>',
    ],
)
def test_role_and_data_markers(tmp_path: Path, footer: str) -> None:
    assert uns001(tmp_path, footer) == []


def test_a_campaign_named_opt_out_in_its_utm_tags_is_no_unsubscribe_link(tmp_path: Path) -> None:
    """utm_campaign=reactivation-optout names the campaign: the link it tags is the offer's,
    and a campaign whose only links carry it has no way out. The URL's own path still says."""
    utm = "utm_source=email&utm_medium=email&utm_campaign=reactivation-optout-2027"
    offer = f'<a href="https://shop.test/sale?{utm}">Вернуться в магазин</a>'
    assert uns001(tmp_path, offer) == ["email.html: no unsubscribe link in the body"]
    way_out = f'<a href="https://shop.test/unsubscribe?{utm}">✕</a>'
    assert uns001(tmp_path / "2", offer + way_out) == []


@pytest.mark.parametrize(
    ("footer", "words"),
    [
        (
            "<p>Не хотите получать дайджест? Можете отписаться, просто ответив на это письмо.</p>",
            "ответив на это письмо",
        ),
        ("<p>To unsubscribe, reply to this email with STOP.</p>", "reply to this email with STOP"),
    ],
)
def test_reply_to_unsubscribe_is_a_way_out_without_a_link(
    tmp_path: Path, footer: str, words: str
) -> None:
    """No link, a way out by reply (a return e-mail, which CAN-SPAM accepts): still no link
    in the body, which Gmail's and Yahoo's bulk-sender rules ask for (an error), said as a
    reply at the line that says it, so no one hunts for a link mailcheck missed."""
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    [found] = only(result, "UNS001")
    assert (found.severity, found.locations, found.message) == (
        Severity.ERROR,
        ("email.html:6",),
        "no unsubscribe link in the body: its text asks readers to unsubscribe by "
        f"replying (“{words}”), and Gmail and Yahoo ask bulk senders for a link",
    )


def test_href_equal_to_list_unsubscribe(tmp_path: Path) -> None:
    headers = {"List-Unsubscribe": "<https://esp.test/u/abc>, <mailto:u@esp.test>"}
    footer = 'Вы подписаны на новости. <a href="https://esp.test/u/abc">Нажмите тут</a>'
    assert uns001(tmp_path, footer, tables={"headers": headers}) == []
    other = 'Вы подписаны на новости. <a href="https://esp.test/other">Ещё</a>'
    assert uns001(tmp_path / "2", other, tables={"headers": headers}) == [
        "email.html: no unsubscribe link in the body"
    ]


@pytest.mark.parametrize(
    ("footer", "template"),
    [
        ('<a href="*|UNSUB|*">Тут</a>', "mailchimp"),
        ('<a href="[% param.url_unsub %]">Нажмите</a>', "none"),
        ('<a href="<%asm_group_unsubscribe_raw_url%>">→</a>', "none"),
        ('<a href="{{ UnsubscribeUrl }}">→</a>', "none"),
        ('<a href="%UNSUB_URL%">→</a>', "none"),
        ('<a href="#UNSUBSCRIBE_LINK#">→</a>', "none"),
        ("{% unsubscribe 'Отписаться' %}", "none"),
        ("{unsubscribe_text}", "none"),
        ("<unsubscribe>Отписаться</unsubscribe>", "none"),
    ],
)
def test_platform_unsubscribe_tags(tmp_path: Path, footer: str, template: str) -> None:
    assert uns001(tmp_path, footer, template=template) == []


def test_a_tag_in_an_html_comment_is_not_the_way_out(tmp_path: Path) -> None:
    assert uns001(tmp_path, "<!-- {% unsubscribe %} -->", template="none") == [
        "email.html: no unsubscribe link in the body"
    ]


def test_dialect_hook_adds_tags(tmp_path: Path) -> None:
    footer = '<a href="@@leave_list@@">→</a>'
    assert uns001(tmp_path / "before", footer, template="none") == [
        "email.html: no unsubscribe link in the body"
    ]
    add_tags("test-platform", href=[r"@@leave_list@@"])
    try:
        assert uns001(tmp_path / "after", footer, template="none") == []
    finally:
        remove_tags("test-platform")
    assert uns001(tmp_path / "removed", footer, template="none") == [
        "email.html: no unsubscribe link in the body"
    ]


@pytest.mark.parametrize(
    ("footer", "message"),
    [
        (
            '<a href="#">Отписаться</a>',
            "the unsubscribe link “Отписаться” is a placeholder (link to “#”): recipients "
            "have no way out",
        ),
        (
            '<a href="">Unsubscribe</a>',
            "the unsubscribe link “Unsubscribe” is a placeholder (empty link): recipients "
            "have no way out",
        ),
        (
            '<a href="java&#x09;script:void(0)">Unsubscribe</a>',
            "the unsubscribe link “Unsubscribe” is a placeholder (javascript: link): recipients "
            "have no way out",
        ),
    ],
)
def test_placeholder_unsubscribe_link_is_reported_as_such(
    tmp_path: Path, footer: str, message: str
) -> None:
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    found = only(result, "UNS001")
    assert [(f.location, f.message) for f in found] == [("email.html:6", message)]
    # one root cause, one finding: LNK003 does not report the same link again
    assert only(result, "LNK003") == []


def test_placeholder_unsubscribe_beside_a_working_one_is_lnk003(tmp_path: Path) -> None:
    footer = '<a href="#">Отписаться</a> · <a href="https://esp.test/u/1">Отписаться от всех</a>'
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    assert only(result, "UNS001") == []
    assert [(f.location, f.message) for f in only(result, "LNK003")] == [
        ("email.html:6", "link (“Отписаться”): link to “#”")
    ]


def test_placeholder_links_elsewhere_do_not_hide_the_unsubscribe_one(tmp_path: Path) -> None:
    """The first “#” of the layout is a menu item; the unsubscribe “#” further down is found."""
    body = '<p><a href="#">Новинки</a></p>\n' + SHOP + '\n<p><a href="#">Unsubscribe</a></p>'
    result = check(write_campaign(tmp_path, body=body))
    assert [f.location for f in only(result, "UNS001")] == ["email.html:7"]
    assert [(f.location, f.message) for f in only(result, "LNK003")] == [
        ("email.html:5", "link (“Новинки”): link to “#”")
    ]


def text_send(path: Path, text: str, sender: str = "news@shop.test") -> Path:
    """A saved message of one text/plain part (a campaign directory needs an HTML part)."""
    path.write_text(
        f"From: Shop <{sender}>\nTo: a@b.test\nSubject: News\nMIME-Version: 1.0\n"
        "List-Unsubscribe: <https://esp.test/lu/1>\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "text",
    [
        # SpamAssassin's spam/005: the words above, a mailto: with subject STOP below
        "Sale!\n\nIf you no longer wish to hear about future\noffers from us, send us a message "
        "with STOP\nin the subject line, by clicking here:\n\nmailto:leave@shop.test?subject=STOP\n",
        # the mailto: alone says it: a message with STOP or "Remove me" unsubscribes
        "Sale!\n\nWrite to mailto:leave@shop.test?subject=STOP_GN724\n",
        "Sale!\n\nWrite to mailto:leave@shop.test?subject=Remove%20me\n",
    ],
    ids=["hear-about", "subject-stop", "subject-remove"],
)
def test_a_mailto_that_stops_the_mail_in_a_text_alone(tmp_path: Path, text: str) -> None:
    assert only(check(text_send(tmp_path / "t.eml", text)), "UNS001") == []
    # another subject, with words that say nothing of leaving: the error stands
    other = "Sale!\n\nWrite to mailto:leave@shop.test?subject=Stopwatch\n"
    [found] = only(check(text_send(tmp_path / "o.eml", other)), "UNS001")
    assert (found.severity, found.message, found.locations) == (
        Severity.ERROR, "no unsubscribe link in the body", ("text/plain part",),
    )  # fmt: skip


@pytest.mark.parametrize(
    "instruction",
    [
        # SpamAssassin's spam/001 (QA probe): the reply and the word to reply with
        'To be removed please reply back with the word "remove" in the subject line.',
        'To be removed from this list, reply with the word "remove" in the subject line.',
        "Reply REMOVE to this e-mail.",
        "If you no longer wish to receive these e-mails, simply reply to this one.",
        "Чтобы отписаться, ответьте на это письмо со словом «отписаться».",
        "Ответьте на это письмо словом СТОП.",
        "Щоб відписатися, дайте відповідь на цей лист.",
        "Um sich abzumelden, antworten Sie auf diese E-Mail.",
        "Pour vous désinscrire, répondez à cet e-mail avec STOP.",
        "Para darte de baja, responde a este correo con BAJA.",
        "Per disiscriverti, rispondi a questa e-mail.",
        "Para descadastrar, responda a este e-mail.",
        "Aby się wypisać, odpowiedz na tę wiadomość.",
        "Om je af te melden, antwoord op deze e-mail met STOP.",
    ],
)
def test_a_reply_that_unsubscribes_in_a_text_alone(tmp_path: Path, instruction: str) -> None:
    """A text that asks readers to reply to leave offers them a way out, but no link: the
    error says the reply it found (QA probe, spam/001: it said only "no unsubscribe link")."""
    text = f"This week: 20% off all shoes.\n\n{instruction}\n"
    [found] = only(check(text_send(tmp_path / "t.eml", text)), "UNS001")
    # at the instruction's line, as in an HTML body (QA probe: the part alone was named)
    assert (found.severity, found.locations) == (Severity.ERROR, ("t.eml:11",))
    assert found.message.startswith(
        "no unsubscribe link in the body: its text asks readers to unsubscribe by replying (“"
    )


@pytest.mark.parametrize(
    "instruction",
    [
        # a reply, and no leaving: a question, support
        "Reply to this e-mail with your questions.",
        "Ответьте на это письмо, если у вас есть вопросы.",
        "Just reply to this email and we'll extend your trial period.",
        # leaving, and a reply that is ruled out
        "Please do not reply to this e-mail, we remove you from the list on request.",
        "Не отвечайте на это письмо: чтобы отписаться, свяжитесь с нами.",
        # the removal word before the reply, not carried by it
        "Stop by our store, or reply with your order number.",
        # a text message's way out, not the e-mail's (QA probe, session 32)
        "Reply STOP to opt out of SMS alerts.",
        "Ответьте СТОП на SMS, чтобы отписаться от уведомлений.",
    ],
)
def test_a_reply_that_does_not_unsubscribe_is_no_way_out(tmp_path: Path, instruction: str) -> None:
    text = f"This week: 20% off all shoes.\n\n{instruction}\n"
    [found] = only(check(text_send(tmp_path / "t.eml", text)), "UNS001")
    assert (found.severity, found.message, found.locations) == (
        Severity.ERROR, "no unsubscribe link in the body", ("text/plain part",),
    )  # fmt: skip


@pytest.mark.parametrize(
    "footer",
    [
        'If you no longer wish to hear about our offers, <a href="https://esp.test/x/1">click '
        "here</a>.",
        '<a href="mailto:leave@esp.test?subject=STOP">Write to us</a>',
        '<a href="mailto:leave@esp.test?subject=Remove%20me">leave@esp.test</a>',
    ],
)
def test_hear_about_and_a_mailto_that_stops_the_mail_in_html(tmp_path: Path, footer: str) -> None:
    assert uns001(tmp_path, footer) == []


def test_the_text_parts_link_is_named_when_the_html_part_has_none(tmp_path: Path) -> None:
    """The error stands (the HTML's readers have no way out), and it says where the text part
    has the link to copy (a QA probe: it said only "no unsubscribe link in the body")."""
    path = tmp_path / "tp.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nTo: a@b.test\nSubject: Sale\nMIME-Version: 1.0\n"
        "List-Unsubscribe: <https://esp.test/lu/1>\n"
        "Content-Type: multipart/alternative; boundary=BB\n\n"
        "--BB\nContent-Type: text/plain; charset=us-ascii\n\n"
        "Big sale.\n\nUnsubscribe: https://esp.test/u/1\n\n"
        '--BB\nContent-Type: text/html; charset=us-ascii\n\n<html lang="en"><body><p>Big sale.'
        "</p></body></html>\n--BB--\n",
        encoding="utf-8",
    )
    [found] = only(check(path), "UNS001")
    assert (found.severity, found.locations) == (Severity.ERROR, ("text/html part",))
    assert found.message == (
        "no unsubscribe link in the body: the plain-text part has one (“https://esp.test/u/1”, "
        "tp.eml:13), which readers of the HTML part do not see"
    )


def test_plain_text_part_only(tmp_path: Path) -> None:
    result = check(text_send(tmp_path / "t.eml", "Скидки!\n\nОтписаться:\nhttps://esp.test/u/1\n"))
    assert "INP001" not in codes(result)
    assert only(result, "UNS001") == []


BOT = "https://t.me/ShopNewsBot?start=unsubscribe"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # the words and the bot's link in one paragraph, or the link under its heading
        (f"Скидки!\n\nЧтобы отписаться от рассылки, напишите нашему боту: {BOT}\n", 3),
        (f"Скидки!\n\nОтписаться:\n{BOT}\n", 4),
        (f"Sale!\n\nTo unsubscribe,\nmessage {BOT.replace('unsubscribe', 'stop')}\n", 4),
    ],
    ids=["one-paragraph", "under-a-heading", "words-above"],
)  # fmt: skip
def test_a_text_alones_way_out_to_a_messenger_is_none(tmp_path: Path, text: str, line: int) -> None:
    """A Telegram bot needs an account and is no page that unsubscribes: a text part's link
    there is no way out, as the HTML part's is not (QA probe, session 24)."""
    [found] = only(check(text_send(tmp_path / "t.eml", text)), "UNS001")
    url = BOT if "start=unsubscribe" in text else BOT.replace("unsubscribe", "stop")
    assert (found.severity, found.locations, found.url) == (
        Severity.ERROR, (f"t.eml:{line + 8}",), url,
    )  # fmt: skip
    assert found.message == (
        f"no unsubscribe link in the body: the link “{url}” goes to a social network (t.me), "
        "not to a page that unsubscribes"
    )


@pytest.mark.parametrize(
    ("text", "sender"),
    [
        # a page that unsubscribes beside the bot
        (f"Sale!\n\nTo unsubscribe, visit https://shop.test/u/1 or message {BOT}\n",
         "news@shop.test"),
        # an address to write to
        (f"Sale!\n\nTo unsubscribe, write to leave@shop.test or message {BOT}\n",
         "news@shop.test"),
        # Telegram's own mail unsubscribes on its own site
        (f"News!\n\nTo unsubscribe, open {BOT}\n", "noreply@telegram.org"),
    ],
)  # fmt: skip
def test_a_text_alones_way_out_beside_a_messenger(tmp_path: Path, text: str, sender: str) -> None:
    result = check(text_send(tmp_path / "t.eml", text, sender))
    assert only(result, "UNS001") == []


def test_a_messengers_address_written_in_html_text_is_no_way_out(tmp_path: Path) -> None:
    """Written as text, a social network's address is no way out for any mail client that
    makes it a link: no "could not verify" as for a web page's address."""
    footer = f"Чтобы отписаться, напишите боту {BOT}"
    assert uns001(tmp_path, footer) == ["email.html: no unsubscribe link in the body"]


def test_dialect_unsubscribe_patterns_are_used() -> None:
    """The mailcheck.dialects plugins' unsubscribe_pattern is one of the platform tags."""
    from mailcheck.templating.catalogue import load_catalogue
    from mailcheck.unsubscribe import unsubscribe_tags

    patterns = [d.unsubscribe_pattern for d in load_catalogue().dialects.values()]
    assert any(p is not None for p in patterns)
    assert unsubscribe_tags().href.search("{{{ pm:unsubscribe }}}")  # handlebars' (Postmark)
    assert is_unsubscribe(Link("{{{unsubscribe}}}", "a", "→", raw="{{{unsubscribe}}}"))


def test_an_unsubscribe_link_no_recipient_sees_is_no_way_out(tmp_path: Path) -> None:
    hidden = '<div style="display:none"><a href="https://esp.test/u/1">Отписаться</a></div>'
    assert uns001(tmp_path / "hidden", hidden) == [
        "email.html:6: the unsubscribe link “Отписаться” is hidden (its own style or a box "
        "around it hides it from every mail client): recipients have no way out"
    ]
    # hidden from Outlook only (the VML half of a button) or shown beside it: a way out
    outlook = '<span style="mso-hide:all"><a href="https://esp.test/u/1">Отписаться</a></span>'
    assert uns001(tmp_path / "outlook", outlook) == []
    mobile = hidden + '<a href="https://esp.test/u/1">Отписаться</a>'
    assert uns001(tmp_path / "both", mobile) == []


def test_a_fragment_of_a_page_without_one_is_could_not_verify(tmp_path: Path) -> None:
    # an application's view (RUNET-ID's PHP templates, Inky rows): a layout wraps it when sent
    fragment = f"{SHOP}\n<h3>Здравствуйте!</h3>\n<p>Форум пройдёт 5 июня.</p>\n"
    bare = tmp_path / "view.html"
    bare.write_text(fragment, encoding="utf-8")
    # (PRE001 not run: with it, the missing preheader is said in the same finding)
    [found] = only(check(bare, Config(root=tmp_path, ignore=("PRE001",))), "UNS001")
    assert (found.severity.value, found.location) == ("warning", "view.html")
    assert found.message == (
        "could not verify: no unsubscribe link in this fragment of a page (no <html>, <head> "
        "or <body>), and the layout it is sent in may hold it: check a test send"
    )
    # a view cut from an exported page keeps its <title> and <style>: still a fragment
    cut = tmp_path / "cut.html"
    cut.write_text(f"<meta charset='utf-8'><title></title><style>p{{}}</style>\n{fragment}")
    [found] = only(check(cut), "UNS001")
    assert (found.severity.value, found.location) == ("warning", "cut.html")
    # a whole page, even one without <html> and <body>, is what is sent: an error
    page = tmp_path / "page.html"
    page.write_text(f"<!DOCTYPE html>\n<title>Форум</title>\n{fragment}", encoding="utf-8")
    [found] = only(check(page), "UNS001")
    assert (found.severity.value, found.message) == ("error", "no unsubscribe link in the body")
    for tag in ("<html lang='ru'>", "<head></head>", "<body>"):
        (tmp_path / "tagged.html").write_text(f"{tag}\n{fragment}", encoding="utf-8")
        [found] = only(check(tmp_path / "tagged.html"), "UNS001")
        assert found.severity.value == "error", tag
    # so is a test send's HTML part, whatever its markup: recipients got it as it is
    eml = tmp_path / "send.eml"
    eml.write_bytes(
        b"From: news@shop.test\nSubject: Forum\nContent-Type: text/html; charset=utf-8\n\n"
        + fragment.encode()
    )
    [found] = only(check(eml), "UNS001")
    assert (found.severity.value, found.location) == ("error", "text/html part")


VIEW_WARNING = (
    "could not verify: no unsubscribe link in this view of an application (php), and the "
    "layout the application renders it in may hold it: check a test send"
)


def test_an_applications_view_without_one_is_could_not_verify_whole_page_or_not(
    tmp_path: Path,
) -> None:
    """A PHP view is rendered inside a layout the application picks (RUNET-ID's Yii views
    with <html>, whose layout adds «отписаться»): a QA probe found the whole page an error and
    the same view without <html> a warning."""
    greeting = "<h2>Здравствуйте, <?=$user->getShortName()?>!</h2>\n"
    page = tmp_path / "view.html"
    page.write_text(
        f"<!DOCTYPE html>\n<html><head><title>Форум</title></head><body>\n{greeting}{SHOP}\n"
        "</body></html>\n",
        encoding="utf-8",
    )
    # (PRE001 not run: with it, the missing preheader is said in the same finding)
    [found] = only(check(page, Config(root=tmp_path, ignore=("PRE001",))), "UNS001")
    assert (found.severity, found.locations, found.message) == (
        Severity.WARNING, ("view.html",), VIEW_WARNING,
    )  # fmt: skip
    # declared, with no tag of the language in it
    declared = write_campaign(tmp_path, "declared", body=SHOP, template="php")
    [found] = only(check(declared), "UNS001")
    assert (found.severity, found.locations, found.message) == (
        Severity.WARNING, ("email.html",), VIEW_WARNING,
    )  # fmt: skip
    # a placeholder way out the view shows is its own defect, whatever the layout adds
    placeholder = write_campaign(
        tmp_path, "placeholder", body=f'{SHOP}\n<p><a href="#">Отписаться</a></p>', template="php"
    )
    [found] = only(check(placeholder), "UNS001")
    assert (found.severity, found.locations) == (Severity.ERROR, ("email.html:6",))
    # a test send of such a view is what recipients got: the error stands
    eml = tmp_path / "send.eml"
    eml.write_bytes(
        b"From: news@shop.test\nSubject: Forum\nContent-Type: text/html; charset=utf-8\n\n"
        + page.read_bytes()
    )
    [found] = only(check(eml), "UNS001")
    assert (found.severity, found.locations) == (Severity.ERROR, ("text/html part",))


@pytest.mark.parametrize(
    ("template", "greeting"),
    [
        # ESP languages: the platform sends the page as it is (a layout, if any, is named in
        # the template itself: PER009's partials)
        ("liquid", '{{ first_name | default: "друг" }}'),
        ("mailchimp", "*|FNAME|*"),
        ("bitrix", "#USER_NAME#"),
        ("go", '{{ .Subscriber.FirstName | default "друг" }}'),
        ("jinja", "{{ first_name | default('друг', true) }}"),
        (None, "друг"),
    ],
)
def test_a_whole_page_of_an_esps_language_without_one_is_an_error(
    tmp_path: Path, template: str | None, greeting: str
) -> None:
    body = f"<p>Привет, {greeting}!</p>\n{SHOP}"
    [found] = only(check(write_campaign(tmp_path, body=body, template=template)), "UNS001")
    assert (found.severity, found.message, found.locations) == (
        Severity.ERROR, "no unsubscribe link in the body", ("email.html",),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("subject", "severity"),
    [
        ("[Test] Скидки недели", "warning"),  # MailerLite, Shopify Email
        ("[TEST]: Weekend sale", "warning"),  # Salesforce Marketing Cloud
        ("TEST: Weekend sale", "warning"),  # FluentCRM
        ("[ТЕСТ] Скидки недели", "warning"),  # a Russian team's own marker
        ("Тест: какой вы покупатель?", "error"),  # a quiz, not a marker
        ("Weekend sale", "error"),
        ("Test results are in: 30% off", "error"),  # a word of the copy, not a marker
    ],
)
def test_uns002_on_what_the_subject_marks_as_a_test_send(
    tmp_path: Path, subject: str, severity: str
) -> None:
    # MailerLite: "[Test] emails will not show a list-unsubscribe header" (its help centre)
    eml = tmp_path / "send.eml"
    eml.write_text(
        "Received: from mx.esp.test by mx.shop.test; Fri, 27 Nov 2026 10:00:00 +0300\n"
        f"From: news@shop.test\nSubject: {subject}\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        '<html><body><a href="https://shop.test/u/1">Отписаться</a></body></html>\n',
        encoding="utf-8",
    )
    [found] = only(check(eml), "UNS002")
    assert (found.severity.value, found.location) == (severity, "headers")
    if severity == "warning":
        assert found.message.startswith("could not verify: no List-Unsubscribe header, but ")
        assert f"(“{subject}”)" in found.message
    else:
        assert found.message == "no List-Unsubscribe header"


def test_an_unsubscribe_link_only_outlook_gets_is_no_way_out_for_the_rest(tmp_path: Path) -> None:
    # inside <!--[if mso]>…<![endif]-->: every other mail client reads a comment
    page = tmp_path / "page.html"
    page.write_text(
        '<html lang="ru"><head><title>Скидки</title></head><body>\n'
        '<p><a href="https://shop.test/sale">Скидки</a></p>\n'
        '<!--[if mso]><p><a href="https://shop.test/unsub">Отписаться</a></p><![endif]-->\n'
        "</body></html>",
        encoding="utf-8",
    )
    [finding] = only(check(page), "UNS001")
    assert finding.message == (
        "the unsubscribe link “Отписаться” is only in an Outlook conditional comment "
        "(<!--[if mso]>): every other mail client hides it, and their readers have no way out"
    )
    assert (finding.severity.value, finding.url, finding.places) == (
        "error",
        "https://shop.test/unsub",
        ("page.html:3",),
    )
    # beside a link every client shows, Outlook's own copy is fine
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "</body>", '<p><a href="https://shop.test/unsub">Отписаться</a></p></body>'
        ),
        encoding="utf-8",
    )
    assert only(check(page), "UNS001") == []


@pytest.mark.parametrize(
    ("footer", "text", "network"),
    [
        # the mailgun alert template's footer (QA probe "quiet", item 5)
        ('<a href="http://twitter.com/mail_gun">Unsubscribe</a> from these alerts.',
         "Unsubscribe", "twitter.com"),
        ('<a href="https://vk.com/shop">Отписаться от рассылки</a>', "Отписаться от рассылки",
         "vk.com"),
        ('Чтобы отписаться, <a href="https://t.me/shop_news">нажмите здесь</a>.', "нажмите здесь",
         "t.me"),
    ],
)  # fmt: skip
def test_an_unsubscribe_link_to_a_social_network_is_no_way_out(
    tmp_path: Path, footer: str, text: str, network: str
) -> None:
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>\n"))
    [found] = only(result, "UNS001")
    assert found.severity == Severity.ERROR
    assert found.locations == ("email.html:6",)  # the footer's link, to be pointed elsewhere
    assert found.message == (
        f"no unsubscribe link in the body: the link “{text}” goes to a social network "
        f"({network}), not to a page that unsubscribes"
    )


def test_a_social_link_beside_the_unsubscribe_link_is_no_finding(tmp_path: Path) -> None:
    footer = (
        '<a href="https://twitter.com/shop">Unsubscribe on Twitter</a> · '
        '<a href="https://shop.test/u/1">Unsubscribe</a>'
    )
    assert uns001(tmp_path, footer) == []


@pytest.mark.parametrize(
    ("footer", "kwargs"),
    [
        # the network's own mail unsubscribes on its own site
        ('<a href="https://twitter.com/settings/notifications">Unsubscribe</a>',
         {"from": "Twitter <info@twitter.com>"}),
        # the campaign's List-Unsubscribe URL, or a platform's tag, is the way out wherever it is
        ('<a href="https://vk.com/away.php?to=u1">Отписаться</a>',
         {"tables": {"headers": {"List-Unsubscribe": "<https://vk.com/away.php?to=u1>"}}}),
        ('<a href="https://vk.com/away.php?to=*|UNSUB|*">Отписаться</a>',
         {"template": "mailchimp"}),
    ],
)  # fmt: skip
def test_a_social_networks_link_declared_the_way_out_is_one(
    tmp_path: Path, footer: str, kwargs: dict[str, Any]
) -> None:
    assert uns001(tmp_path, footer, **kwargs) == []


@pytest.mark.parametrize(
    ("sender", "href"),
    [
        # a network writes from a domain of its own that is not its site's (QA probe, session 24)
        ("notification@facebookmail.com", "https://www.facebook.com/o.php?k=AS1&u=1"),
        ("info@x.com", "https://twitter.com/i/settings/notifications"),
        ("info@twitter.com", "https://x.com/settings/email_notifications"),
        ("noreply@telegram.org", "https://t.me/BotNews?start=unsubscribe"),
        # or from a host of the organisational domain its site is on
        ("admin@notify.vk.com", "https://vk.com/settings?act=notify"),
        ("no-reply@mail.instagram.com", "https://www.instagram.com/emails/unsubscribe/"),
    ],
)  # fmt: skip
def test_a_networks_own_mail_unsubscribes_on_any_of_its_domains(
    tmp_path: Path, sender: str, href: str
) -> None:
    footer = f'<a href="{href}">Unsubscribe</a>'
    assert uns001(tmp_path, footer, **{"from": f"Network <{sender}>"}) == []


@pytest.mark.parametrize(
    ("sender", "href", "network"),
    [
        # another network's page is still no way out from a network's mail
        ("notification@facebookmail.com", "https://twitter.com/facebook", "twitter.com"),
        # a name that only ends like the network's is another organisation's
        ("news@notfacebookmail.com", "https://www.facebook.com/shop", "www.facebook.com"),
        ("news@x.com.shop.test", "https://twitter.com/shop", "twitter.com"),
    ],
)  # fmt: skip
def test_the_network_of_another_sender_is_no_way_out(
    tmp_path: Path, sender: str, href: str, network: str
) -> None:
    footer = f'<a href="{href}">Unsubscribe</a>'
    assert uns001(tmp_path, footer, **{"from": f"Shop <{sender}>"}) == [
        "email.html:6: no unsubscribe link in the body: the link “Unsubscribe” goes to a social "
        f"network ({network}), not to a page that unsubscribes"
    ]


# -- "manage … subscription" is the way out when the subscription is the reader's, said bare
# ("Manage subscription", «Управление подпиской»: an ESP footer's, whose URL a test send
# rewrites to a click tracker), or when the mailings are named: the link's words, its sentence
# (with the one before when the link opens it) or its URL. Qualified by another noun ("coffee",
# "to Premium", «на кофе»), it is not (session 30)

COFFEE = '<a href="https://shop.test/account/subscription">Manage your coffee subscription</a>'


@pytest.mark.parametrize(
    "footer",
    [
        COFFEE,
        '<a href="https://shop.test/account/subscription">Manage your Premium subscription</a>',
        '<a href="https://shop.test/account/subscription">Manage your subscription to Premium</a>',
        '<a href="https://shop.test/account/subscription">Управление подпиской на кофе</a>',
        # a generic link whose sentence manages something else's subscription
        'To manage your coffee subscription, <a href="https://shop.test/account/sub">'
        "click here</a>.",
    ],
)
def test_managing_another_subscription_is_no_way_out(tmp_path: Path, footer: str) -> None:
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    [found] = only(result, "UNS001")
    assert (found.severity, found.message, found.locations) == (
        Severity.ERROR, "no unsubscribe link in the body", ("email.html",),
    )  # fmt: skip
    # and, no unsubscribe link, it is checked for UTMs as the shop's other links are
    [untagged] = only(result, "UTM001")
    assert untagged.url is not None and untagged.url.startswith("https://shop.test/account/sub")
    assert len(untagged.locations) == 1


@pytest.mark.parametrize(
    "footer",
    [
        # bare: the reader's subscription, whatever the URL (QA probe, session 30: an ESP's
        # click tracker, a page of the shop's)
        "You are receiving this email because you opted in at our website.</p><p>"
        '<a href="https://click.esp.test/ls/click?upn=abc123">Manage subscription</a> | '
        '<a href="https://x.test/privacy">Privacy</a>',
        "© 2026 Acme Inc, 1 Main St, Springfield</p><p>"
        '<a href="https://click.esp.test/ls/click?upn=abc123">Manage your subscription</a>',
        '<a href="https://x.test/preferences">Manage subscription</a>',
        '<a href="https://x.test/account">Manage subscriptions</a>',
        '<a href="https://x.test/subscription/cancel">Manage subscription</a>',
        'Thanks for your order. <a href="https://shop.test/account/subscription">'
        "Manage your subscription</a>",
        '<a href="https://shop.test/account/subscription">Управляйте подпиской</a>',
        '<a href="https://shop.test/account/subscription">Управление подпиской</a>',
        'To manage your subscription, <a href="https://x.test/a">click here</a>.',
        '<a href="https://shop.test/account/sub" class="manage-subscription">Settings</a>',
        '<a href="https://esp.test/x/1">Управление подпиской на рассылку</a>',
        '<a href="https://esp.test/x/1">Manage your newsletter subscription</a>',
        # the mailings named in the sentence before the footer's items
        "Brief · A weekly newsletter on software, by Maya Chen.<br>"
        '<a href="https://esp.test/x/1">Manage subscription</a> · '
        '<a href="https://esp.test/x/2">View in browser</a>',
        'Вы получаете это письмо как подписчик. <a href="https://esp.test/x/1">Управление '
        "подпиской</a>",
        # or its URL: a preference centre, a mailing list's host
        '<a href="https://esp.test/preference-center?u=1">Manage your subscription</a>',
        '<a href="https://acme.us1.list-manage.test/profile?u=1">Manage subscription</a>',
        '<a href="https://esp.test/x/1?unsubscribe=1">Управление подпиской</a>',
        'To manage your email subscription, <a href="https://esp.test/x/1">click here</a>.',
        # the author's marker says it of a link with a word of its own
        '<a href="https://esp.test/x/1" class="manage-email-subscription">Settings</a>',
    ],
)
def test_managing_the_mailings_subscription_is_a_way_out(tmp_path: Path, footer: str) -> None:
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    assert only(result, "UNS001") == []


# -- a look-alike letter of another script inside a word: the reader reads the word (session 31)


@pytest.mark.parametrize(
    "text",
    [
        "Unsubscr\u0456be",  # Cyrillic і
        "Unsubscrib\u0435",  # Cyrillic е
        "Unsubs\u0441ribe",  # Cyrillic с
        "UNSUBSCRI\u0412E",  # Cyrillic В, a capital
        "Opt \u043eut",  # Cyrillic о
        "Unsubscr\u03b9be",  # Greek ι
        "Unsubscribe from \u03bfur emails",  # Greek ο
        "\u041e\u0442\u043f\u0438c\u0430\u0442\u044c\u0441\u044f",  # «Отпиcаться», a Latin c
        "\u041e\u0442\u043f\u0438ca\u0442\u044c\u0441\u044f",  # a Latin c and a
        "o\u0442\u043f\u0438\u0441\u0430\u0442\u044c\u0441\u044f",  # a Latin o first
    ],
)
def test_a_look_alike_letter_of_another_script_is_read_as_its_word(
    tmp_path: Path, text: str
) -> None:
    """A link text every recipient reads as "Unsubscribe" was UNS001's error: "no unsubscribe
    link" (a QA probe: «Unsubscrіbe» with the Cyrillic "і")."""
    assert is_unsubscribe(Link("https://esp.test/x/1", "a", text))
    assert uns001(tmp_path, f'<a href="https://esp.test/x/1">{text}</a>') == []


@pytest.mark.parametrize(
    "text",
    [
        "Subscr\u0456be",  # a look-alike in another word is still that word
        "S\u043c\u0441unsubscribe",  # «м»: no Latin letter looks like it (lower case)
        "Unsu\u0431scribe",  # «б» looks like no Latin letter
    ],
)
def test_a_word_that_reads_otherwise_is_not_unsubscribe(text: str) -> None:
    assert not is_unsubscribe(Link("https://shop.test/p/1", "a", text))


def test_the_look_alikes_are_folded_only_in_a_mixed_word() -> None:
    from mailcheck.lookalikes import one_script
    from mailcheck.unsubscribe import words_of

    assert words_of("Unsubscr\u0456be") == ["unsubscribe"]
    assert words_of("\u041e\u0442\u043f\u0438ca\u0442\u044c\u0441\u044f") == ["отписаться"]
    # one word of each script, and a word as many letters of each, stay as written
    assert one_script("\u0441\u0430\u0439\u0442 site") == "\u0441\u0430\u0439\u0442 site"
    assert one_script("ab\u0441\u0430") == "ab\u0441\u0430"
    assert one_script("SMS\u043a\u0430") == "SMS\u043a\u0430"  # «к»: no look-alike


# -- Chinese, Japanese and Korean: no spaces between words (session 31)

CJK_FOOTERS = [
    # the link's own text, alone or inside a longer run of characters
    '<a href="https://esp.test/x/1">退订</a>',
    '如不想再收到此类邮件，请<a href="https://esp.test/x/1">点击退订</a>。',
    '<a href="https://esp.test/x/1">取消邮件订阅</a> | <a href="https://esp.test/x/2">联系我们</a>',
    '<a href="https://esp.test/x/1">取消訂閱</a>',
    '<a href="https://esp.test/x/1">退訂電子報</a>',
    '<a href="https://esp.test/x/1">メール配信の停止</a>',
    '<a href="https://esp.test/x/1">配信解除</a>',
    '<a href="https://esp.test/x/1">ﾒﾙﾏｶﾞ購読解除</a>',  # half-width katakana
    '<a href="https://esp.test/x/1">수신거부</a>',
    '<a href="https://esp.test/x/1">수신 거부</a>',
    '<a href="https://esp.test/x/1">뉴스레터 구독 취소</a>',
    # a generic link in the footer's sentence
    '配信停止をご希望の方は<a href="https://esp.test/x/1">こちら</a>',
    '如果您不想再收到我们的邮件，请<a href="https://esp.test/x/1">点击这里</a>。',
    '더 이상 수신을 원치 않으시면 <a href="https://esp.test/x/1">여기</a>를 클릭하세요.',
]


@pytest.mark.parametrize("footer", CJK_FOOTERS)
def test_chinese_japanese_and_korean_unsubscribe_links(tmp_path: Path, footer: str) -> None:
    assert uns001(tmp_path, footer) == []


@pytest.mark.parametrize(
    "footer",
    [
        '<a href="https://shop.test/sale">点击这里</a>查看优惠。',  # "click here to see the deals"
        'セール開催中！詳しくは<a href="https://shop.test/sale">こちら</a>',
        '<a href="https://shop.test/sale">订阅</a>',  # "subscribe"
        '<a href="https://shop.test/sale">메일 구독</a>',  # "subscribe to the mail"
    ],
)
def test_other_chinese_japanese_and_korean_links_are_not_unsubscribe(
    tmp_path: Path, footer: str
) -> None:
    assert uns001(tmp_path, footer) == ["email.html: no unsubscribe link in the body"]


def test_a_cjk_phrase_is_found_inside_a_run_of_characters() -> None:
    from mailcheck.unsubscribe import words_of

    assert words_of("请点击退订") == ["请", "点", "击", "退", "订"]
    assert words_of("수신거부") == words_of("수신 거부")
    assert WORDS.says_unsubscribe("本邮件由系统发送，如需退订请点击")
    assert WORDS.is_generic(words_of("点击这里"))
    assert not WORDS.is_generic(words_of("点击这里查看我们的全部新品"))


# -- French, Spanish, Italian, Portuguese, Romanian, Swedish, Danish and Norwegian "manage …
# subscription" as the English: bare, or the mailings named
# (session 31: «Gérer mon abonnement au café» was a way out, "Manage your coffee subscription"
# not)


@pytest.mark.parametrize(
    "text",
    [
        "Gérer mon abonnement au café",
        "Gérer votre abonnement pour la box beauté",
        "Gestionar tu suscripción de café",
        "Administrar tu suscripción a Premium",
        "Gestisci la tua iscrizione al corso di yoga",
        "Gerenciar sua assinatura do Premium",
        "Gerenciar inscrição no curso",
        "Gestionează abonamentul tău la cafea",
        "Hantera din prenumeration på kaffe",
        "Administrer ditt abonnement på kaffe",
        # session 32 (QA probe, session 31: each was a way out): Norwegian's possessive
        # after the noun, then the preposition
        "Administrer abonnementet ditt på kaffe",
        "Administrer abonnementene mine på Premium",
    ],
)
def test_managing_another_subscription_in_other_languages_is_no_way_out(
    tmp_path: Path, text: str
) -> None:
    footer = f'<a href="https://shop.test/account/subscription">{text}</a>'
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    [found] = only(result, "UNS001")
    assert (found.severity, found.message, found.locations) == (
        Severity.ERROR, "no unsubscribe link in the body", ("email.html",),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "way_out"),
    [
        ("Abo verwalten: https://shop.test/account/s", True),
        ("Manage your subscription:\nhttps://shop.test/account/s", True),
        ("Gérer votre abonnement à la newsletter : https://shop.test/account/s", True),
        ("Infobrief-Abo verwalten: https://shop.test/account/s", True),
    ],
)
def test_managing_the_reader_s_subscription_in_a_text_alone(
    tmp_path: Path, text: str, way_out: bool
) -> None:
    """A text alone's URL led up to by a managed subscription is judged as an HTML link's
    leading words are: the reader's subscription is a way out («Abo verwalten: URL» stays
    one now that the German phrase is a managed subscription's, not a link phrase)."""
    found = only(check(text_send(tmp_path / "t.eml", f"Sale!\n\n{text}\n")), "UNS001")
    assert [(f.severity, f.locations) for f in found] == (
        [] if way_out else [(Severity.ERROR, ("text/plain part",))]
    )


@pytest.mark.parametrize(
    "footer",
    [
        '<a href="https://shop.test/account/subscription">Gérer votre abonnement</a>',
        '<a href="https://shop.test/account/subscription">Gérer l’abonnement</a>',
        '<a href="https://shop.test/account/subscription">Gérer mes abonnements</a>',
        '<a href="https://shop.test/account/s">Gérer votre abonnement à la newsletter</a>',
        '<a href="https://shop.test/account/subscription">Gestionar tu suscripción</a>',
        '<a href="https://shop.test/account/subscription">Administrar suscripciones</a>',
        '<a href="https://shop.test/account/s">Gestionar tu suscripción al boletín</a>',
        '<a href="https://esp.test/preference-center?u=1">Gestionar tu suscripción de café</a>',
        '<a href="https://shop.test/account/subscription">Gestisci la tua iscrizione</a>',
        '<a href="https://shop.test/account/subscription">Gestisci l’iscrizione</a>',
        '<a href="https://shop.test/account/s">Gestisci la tua iscrizione alla newsletter</a>',
        '<a href="https://shop.test/account/subscription">Gerenciar sua assinatura</a>',
        '<a href="https://shop.test/account/subscription">Gerir a sua subscrição</a>',
        '<a href="https://shop.test/account/s">Gerenciar sua assinatura da newsletter</a>',
        '<a href="https://shop.test/account/subscription">Gestionează abonamentul</a>',
        '<a href="https://shop.test/account/s">Gestionează abonamentul la newsletter</a>',
        '<a href="https://shop.test/account/subscription">Hantera din prenumeration</a>',
        '<a href="https://shop.test/account/s">Hantera din prenumeration på nyhetsbrevet</a>',
        '<a href="https://shop.test/account/subscription">Administrer dit abonnement</a>',
        '<a href="https://shop.test/account/s">Administrer abonnement på nyhedsbrevet</a>',
        '<a href="https://shop.test/account/subscription">Abonnement verwalten</a>',
        # session 32: bare, in capitals or title case, a compound of the mailings; a name after
        # the noun or a compound's noun before it is not told apart (telling it by its capital
        # took the words after a link or a line break for names: QA probe, false UNS001s)
        '<a href="https://shop.test/account/subscription">Administrer mon abonnement</a>',
        '<a href="https://shop.test/account/subscription">Administrez votre abonnement</a>',
        '<a href="https://shop.test/account/subscription">Gérer Votre Abonnement Netflix</a>',
        '<a href="https://shop.test/account/subscription">GÉRER VOTRE ABONNEMENT NETFLIX</a>',
        '<a href="https://shop.test/account/s">Gérer votre abonnement Newsletter</a>',
        '<a href="https://shop.test/account/s">Gérer votre abonnement. Netflix</a>',
        '<a href="https://esp.test/preference-center?u=1">Gérer votre abonnement Netflix</a>',
        '<a href="https://shop.test/account/subscription">Administrer abonnementet ditt</a>',
        '<a href="https://shop.test/account/s">Administrer abonnementet ditt på nyhetsbrevet</a>',
        '<a href="https://shop.test/account/subscription">Abo verwalten</a>',
        '<a href="https://shop.test/account/subscription">Ihr Abo verwalten</a>',
        '<a href="https://shop.test/account/s">Newsletter-Abo verwalten</a>',
        '<a href="https://shop.test/account/s">E-Mail-Abonnement verwalten</a>',
        '<a href="https://esp.test/preference-center?u=1">Kaffee-Abo verwalten</a>',
        'Pour gérer votre abonnement, <a href="https://shop.test/account/s">cliquez ici</a>',
        'Hier können Sie Ihr Abo verwalten: <a href="https://shop.test/account/s">hier</a>',
        # the QA probe's false UNS001 errors of the name-by-capital reading (session 32)
        '<a href="https://www.acme.com/account">click here</a> to manage your subscription<br>'
        "Acme Inc, 1 Main St",
        'To manage your subscription <a href="https://shop.acme.fr/compte/abonnement">Click '
        "Here</a>",
        '<a href="https://shop.test/account/notifications">Manage your subscription HERE</a>',
        'Pour gérer votre abonnement <a href="https://shop.test/compte/abonnement">Cliquez ici</a>',
        '<a href="https://shop.test/account/subscription">Gérer votre abonnement Ici</a>',
        '<a href="https://shop.test/konto/abo">Abo verwalten Hier</a>',
        '<a href="https://shop.acme.de/konto/abo">Infobrief-Abo verwalten</a>',
        '<a href="https://shop.acme.de/konto/abo">Rundbrief-Abo verwalten</a>',
    ],
)
def test_managing_the_reader_s_subscription_in_other_languages_is_a_way_out(
    tmp_path: Path, footer: str
) -> None:
    assert uns001(tmp_path, footer) == []


# Parts of a link whose ends meet where they are joined by a space: accents (composed and
# decomposed), a combining mark, invisible padding, a zero-width joiner, an emoji's sequence,
# a variation selector, a tag character, Cyrillic «й»/«ё», a no-break space, a control.
JOINED_ENDS = [
    "",
    " ",
    "Désinscrire",
    "De\u0301sinscrire",
    "\u0301abc",
    "abc\u0301",
    "\u00adun\u200bsub\u00ad",
    "\u200dUnsubscribe\u200d",
    "👨\u200d👩\u200d👧 family",
    "ok \u2764\ufe0f",
    "\U000e0067tag\U000e007f",
    "Отпишитесь от рассылки ёжиков й",
    "\u00a0no-break\u00a0",
    "a\x00\u0941b",
    "ǅemo ß İ",
]


@pytest.mark.parametrize("left", JOINED_ENDS)
def test_the_words_of_parts_joined_by_a_space_are_each_parts_words(left: str) -> None:
    """A link's text and its sentence are folded once each and their words joined (the words
    of "text sentence" are the text's, then the sentence's), so the phrase lists find the same
    phrases as in the joined text."""
    for right in JOINED_ENDS:
        assert words_of(f"{left} {right}") == words_of(left) + words_of(right), (left, right)


def test_a_links_parts_are_folded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A link's text and sentence are read by several word lists (the unsubscribe phrases, the
    sentence's, "click here", a subscription managed, the mailings named): each is folded once,
    not once per list (folding costs more than matching)."""
    folded: list[str] = []

    def counting_fold(text: str) -> str:
        folded.append(text)
        return fold(text)

    monkeypatch.setattr(unsubscribe, "fold", counting_fold)
    link_says_unsubscribe.cache_clear()
    context = "Чтобы управлять подпиской на рассылку, нажмите здесь"
    assert link_says_unsubscribe(
        "https://esp.test/x/1", "https://esp.test/x/1", "нажмите здесь", context,
        "", frozenset(),
    )  # fmt: skip
    assert folded.count(context) == 1
    assert folded.count("нажмите здесь") == 1
    # nothing else: the text with its sentence is their words joined (the marker is empty)
    assert [text for text in folded if text] == ["нажмите здесь", context]
    link_says_unsubscribe.cache_clear()


def test_a_phrase_whose_first_word_is_one_letter_is_found_by_its_letter() -> None:
    """Phrases are looked up by the first two letters of a text's word and by its first one:
    a phrase that starts with a one-letter word or stem ("e-mail*": "e", "mail*") is found in
    a longer word and in a word of one letter alike."""
    phrases = unsubscribe.Phrases(["e*", "x ~ stop", "опт*"])
    assert phrases.search("Email us") and phrases.search("e-mail") and phrases.search("É")
    assert phrases.search("X then STOP") and phrases.search("x, a b, stop")
    assert not phrases.search("x a b c stop") and not phrases.search("mail")
    assert phrases.search("Оптом") and not phrases.search("Оп")
    assert phrases.among(words_of("Ёж e")) and not phrases.among([])


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("<p>{% unsubscribe %}</p>", True),
        ("<p>{%-unsubscribe 'Отписаться' -%}</p>", True),
        ("<a>{{ unsubscribe_link }}</a>", True),
        ("<a>{{-\n unsubscribe_url }}</a>", True),
        ('<a href="{{${set_user_to_unsubscribed_url}}}">x</a>', True),
        ("<p>{% unsubscribed %}</p>", False),  # another word
        ("<p>{{ unsubscribe_links }}</p>", False),
        ("<p>{{ unsubscribe }}</p>", False),  # Liquid writes no such variable
        ("<p>{ % unsubscribe %} unsubscribe_link</p>", False),  # no tag opens it
        ("<p>set_user_to_unsubscribe_url</p>", False),
    ],
)
def test_liquid_unsubscribe_tags_in_a_body(text: str, tag: bool) -> None:
    """Liquid's unsubscribe tags (Klaviyo's, Keila's, Customer.io's, Braze's), looked for by
    their word first: found as written, whatever stands around them, and nothing else."""
    from mailcheck.templating.catalogue import load_catalogue

    pattern = load_catalogue().dialects["liquid"].unsubscribe_pattern
    assert pattern is not None
    assert bool(pattern.search(text)) is tag
    assert bool(pattern.search(f"body{{color:red}} td{{padding:0}} {text} p{{margin:0}}")) is tag


# -- review probe R, session 31: the first round's regressions and older false errors

NO_WAY_OUT = ["email.html: no unsubscribe link in the body"]


@pytest.mark.parametrize(
    "text",
    [
        # the mailings named by their newsletter's word (were UNS001 errors since f96ac14)
        "Gérer mon abonnement à l’infolettre",
        "Gérer mon abonnement aux infolettres",
        "Gérer mon abonnement à la lettre d’info",
        "Gérer mon abonnement au bulletin d’information",
        "Gérer mon abonnement au bulletin",
        "Gestisci la tua iscrizione al bollettino",
        "Gerenciar sua assinatura do informativo",
        "Administrer dit abonnement af nyhedsmail",
        "Administrer abonnement på nyhetsmail",
        "Hantera din prenumeration på nyhetsmejl",
        "Hantera din prenumeration på våra mejl",
        # a pronoun joined by a hyphen (Romanian's usual form)
        "Gestionează-ți abonamentul",
        "Gestionați-vă abonamentul",
        "Administrează-ți abonamentul",
        # an imperative or another form of the verb, as the infinitive
        "Gestiona tu suscripción",
        "Administra tu suscripción",
        "Gestione su suscripción",
        "Gerencie sua assinatura",
        "Gerencie a sua inscrição",
        "Gere a sua subscrição",
        "Gestionați abonamentul",
        "Gestire la tua iscrizione",
        "Gestione iscrizione",
        "Gérez votre abonnement",
    ],
)
def test_newsletter_words_clitics_and_verb_forms_manage_the_reader_s_subscription(
    tmp_path: Path, text: str
) -> None:
    """Review probe R items 1, 2 and 7: each was "no unsubscribe link in the body" (an error),
    its URL a shop's page that names nothing."""
    assert uns001(tmp_path, f'<a href="https://shop.test/account/s">{text}</a>') == []


@pytest.mark.parametrize(
    "text",
    [
        # the new verb forms and the clitic follow the qualified-noun rule too
        "Gestiona tu suscripción de café",
        "Gerencie sua assinatura do Premium",
        "Gestionați-vă abonamentul la cafea",
        "Gestire la tua iscrizione al corso",
        "Gérez votre abonnement au café",
        # news and communications do not name the mailings (as "communications" in English)
        "Gérer mon abonnement aux communications",
        "Gestionar tu suscripción a las noticias",
        "Gestionează abonamentul la noutăți",
    ],
)
def test_the_new_forms_managing_another_subscription_are_no_way_out(
    tmp_path: Path, text: str
) -> None:
    assert uns001(tmp_path, f'<a href="https://shop.test/account/s">{text}</a>') == NO_WAY_OUT


@pytest.mark.parametrize(
    "text",
    [
        "查看退订政策",  # "see the cancellation policy"
        "酒店退订规则",  # "the hotel's cancellation rules"
        "机票退订",  # "cancelling a plane ticket"
        "配信停止のお知らせ",  # "notice that the delivery stops"
        "넷플릭스 구독 취소 방법",  # "how to cancel your Netflix subscription"
    ],
)
def test_a_cjk_cancellation_of_a_booking_or_a_service_is_no_unsubscribe_link(
    tmp_path: Path, text: str
) -> None:
    """Review probe R item 3: 退订 also cancels a booking; a link text with a word of a
    booking's or a service's notice (policy, rules, a ticket, a notice, how to) was a way out
    (silent), the CJK footers above stay one."""
    assert uns001(tmp_path, f'<a href="https://hotel.test/policy">{text}</a>') == NO_WAY_OUT


@pytest.mark.parametrize(
    "text",
    [
        "수신거부 방법",  # "how to refuse these messages"
        "수신 거부 방법 안내",
        "メール配信停止の方法",  # "how to stop the mail's delivery"
        "配信解除の手順",  # "the steps to stop the delivery"
        "如何退出邮件列表",  # "how to leave the mailing list"
    ],
)
def test_how_to_refuse_the_messages_is_the_way_out(tmp_path: Path, text: str) -> None:
    """QA probe, session 31: «수신거부 방법» was no way out by the CJK notice words, an UNS001
    error on a link that leads to the way out or to how to take it. A how-to word («방법»,
    «方法», «手順», «如何») makes a service's cancellation («구독 취소 방법», above) no way out,
    not the refusal of the messages themselves; a policy or a notice stays none (below)."""
    assert uns001(tmp_path, f'<a href="https://esp.test/x/1">{text}</a>') == []


@pytest.mark.parametrize(
    "text",
    ["수신거부 정책", "수신거부 약관", "配信停止のお知らせ", "退出邮件列表政策"],
)
def test_a_policy_of_refusing_the_messages_is_no_way_out(tmp_path: Path, text: str) -> None:
    assert uns001(tmp_path, f'<a href="https://hotel.test/policy">{text}</a>') == NO_WAY_OUT


def test_placeholder_way_outs_are_named_by_the_one_that_unsubscribes(tmp_path: Path) -> None:
    """Both “Manage subscription” and “Unsubscribe” go to "#": the finding names the link the
    reader looks for (realworld en-colorlib-24 named "Manage subscription"), and counts the other."""
    footer = '<a href="#">Manage subscription</a> · <a href="#">Unsubscribe</a>'
    assert uns001(tmp_path, footer) == [
        "email.html:6: the unsubscribe link “Unsubscribe” is a placeholder (link to “#”): "
        "recipients have no way out (and 1 more like it)"
    ]


# an Amazon SES click-tracking link that writes its target, the shop's home page
SES_TO_HOME = "https://abc.r.us-east-1.awstrack.me/L0/https:%2F%2Fshop.test%2F/1/010001/AbCd=123"


@pytest.mark.parametrize(
    ("footer", "text", "url"),
    [
        ('<a href="https://shop.test/">Отписаться</a>', "Отписаться", "https://shop.test/"),
        # mailgun's alert template (inlined): its unsubscribe text links to the brand's site
        ('<a href="http://www.mailgun.com">Unsubscribe</a> from these alerts.', "Unsubscribe",
         "http://www.mailgun.com"),
        # a language's root with the campaign's UTMs: still nothing that names the reader
        ('<a href="https://shop.test/ru/?utm_source=email&amp;utm_medium=email">Отказаться от '
         "рассылки</a>", "Отказаться от рассылки",
         "https://shop.test/ru/?utm_source=email&utm_medium=email"),
        ('<a href="https://shop.test/index.html">Se désinscrire</a>', "Se désinscrire",
         "https://shop.test/index.html"),
        # a click tracker that writes where it sends the reader: the home page
        (f'<a href="{SES_TO_HOME}">Unsubscribe</a>', "Unsubscribe", SES_TO_HOME),
    ],
)  # fmt: skip
def test_an_unsubscribe_link_to_the_home_page_could_not_be_verified(
    tmp_path: Path, footer: str, text: str, url: str
) -> None:
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>\n"))
    [found] = only(result, "UNS001")
    assert found.severity == Severity.WARNING
    assert found.locations == ("email.html:6",)
    assert found.url == url
    assert found.message == (
        f"could not verify: the unsubscribe link “{text}” goes to the site's home page ({url}), "
        "not to a page that unsubscribes whoever clicked it: recipients may find no way out"
    )


def test_unsubscribe_links_to_home_pages_are_one_finding(tmp_path: Path) -> None:
    footer = (
        '<a href="https://shop.test/">Отписаться</a>\n'
        '<a href="https://shop.test/en/">Unsubscribe</a>\n'
        '<a href="https://shop.test/">Отписаться</a>'
    )
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>\n"))
    [found] = only(result, "UNS001")
    assert found.severity == Severity.WARNING
    assert found.locations == ("email.html:6", "email.html:7", "email.html:8")
    assert found.message.endswith("recipients may find no way out (and 1 more like it)")


@pytest.mark.parametrize(
    "footer",
    [
        # the subscriber's own page, or a query that may name the subscriber
        '<a href="https://shop.test/unsubscribe?id=8f3a">Отписаться</a>',
        '<a href="https://shop.test/?unsubscribe=8f3a">Отписаться</a>',
        '<a href="https://shop.test/?uid=8f3a&amp;utm_source=email">Unsubscribe</a>',
        # an ESP's click tracker hides where it goes (SendGrid's branded link, Klaviyo's host)
        '<a href="https://url1234.shop.test/ls/click?upn=dGhpcyBpcyBhIHRva2Vu">Unsubscribe</a>',
        '<a href="https://trk.klclick.com/">Unsubscribe</a>',
        # a mailto: that unsubscribes, a host of its own for it, a route a page's script reads
        '<a href="mailto:leave@shop.test?subject=unsubscribe">Отписаться</a>',
        '<a href="https://unsubscribe.shop.test/">Unsubscribe</a>',
        '<a href="https://shop.test/#/unsubscribe">Unsubscribe</a>',
        # a two-letter path that is no language: a redirect script's
        '<a href="https://shop.test/go">Unsubscribe</a>',
        # a way out beside it: the home page's link is another door
        '<a href="https://shop.test/">Manage preferences</a> · '
        '<a href="https://shop.test/u/8f3a">Unsubscribe</a>',
    ],
)
def test_an_unsubscribe_link_elsewhere_than_a_home_page_is_no_finding(
    tmp_path: Path, footer: str
) -> None:
    assert uns001(tmp_path, footer) == []


def test_a_home_page_a_merge_tag_renders_is_not_judged(tmp_path: Path) -> None:
    # the sample's value is no proof of where a recipient's link goes
    footer = '<a href="{{ unsubscribe_page }}">Отписаться</a>'
    files = {"r.csv": "email,unsubscribe_page\na@x.test,https://shop.test/\n"}
    assert uns001(tmp_path, footer, template="jinja", samples="r.csv", files=files) == []


@pytest.mark.parametrize(
    ("text", "url", "line"),
    [
        ("Sale!\n\nTo unsubscribe from these e-mails, visit https://shop.test/\n",
         "https://shop.test/", 3),
        # the words above, the address on a line of its own; the shop's address again below
        ("Sale!\n\nЧтобы отписаться от рассылки, перейдите по ссылке:\n\nhttps://shop.test/ru/.\n"
         "\nМагазин: https://shop.test/ru/\n", "https://shop.test/ru/", 5),
    ],
)  # fmt: skip
def test_a_text_alones_way_out_to_the_home_page_could_not_be_verified(
    tmp_path: Path, text: str, url: str, line: int
) -> None:
    [found] = only(check(text_send(tmp_path / "t.eml", text)), "UNS001")
    assert found.severity == Severity.WARNING
    assert (found.url, found.locations) == (url, (f"t.eml:{line + 8}",))
    assert found.message == (
        f"could not verify: the way to unsubscribe the text gives is the site's home page "
        f"({url}), not a page that unsubscribes whoever opens it: recipients may find no way out"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Sale!\n\nTo unsubscribe from these e-mails, visit https://shop.test/u/8f3a\n",
        # an address to write to beside the home page: a way out mail clients make a link
        "Sale!\n\nTo unsubscribe, visit https://shop.test/ or write to leave@shop.test\n",
    ],
)
def test_a_text_alones_way_out_elsewhere_than_the_home_page_is_no_finding(
    tmp_path: Path, text: str
) -> None:
    assert only(check(text_send(tmp_path / "t.eml", text)), "UNS001") == []


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        # QA probe R (session 34): the shop's address after the reply was a home-page warning
        ("Здравствуйте!\nНовости магазина за неделю.\n\nЧтобы отписаться, ответьте на это письмо "
         "словом СТОП. https://shop.test/\n", "ответьте на это письмо словом СТОП", 4),
        ("Sale!\n\nTo be removed, reply with the word REMOVE.\nhttps://shop.test/\n",
         "reply with the word REMOVE", 3),
    ],
)  # fmt: skip
def test_a_reply_beside_a_home_pages_address_is_the_way_out_told(
    tmp_path: Path, text: str, words: str, line: int
) -> None:
    """The way out such a paragraph tells is the reply (the home page's address is the shop's):
    judged as a reply alone is, at its line, not as a home page that could not be verified."""
    [found] = only(check(text_send(tmp_path / "t.eml", text)), "UNS001")
    assert (found.severity, found.locations) == (Severity.ERROR, (f"t.eml:{line + 8}",))
    assert found.message == (
        f"no unsubscribe link in the body: its text asks readers to unsubscribe by replying "
        f"(“{words}”), and Gmail and Yahoo ask bulk senders for a link"
    )
