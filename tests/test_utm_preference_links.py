"""UTM001 and the links that manage the reader's subscription (DESIGN §5: unsubscribe and
preference-centre links are exempt from every UTM rule), however they are worded; and the
plain-text part's links read as UNS001 reads a text (the words that lead up to a URL, a URL
hard-wrapped by the mail program read whole)."""

from __future__ import annotations

from pathlib import Path

from mailcheck.textpart import text_document
from tests.helpers import check, codes, only

LACKS = "utm_source, utm_medium, utm_campaign"
UTM = "utm_source=email&utm_medium=email&utm_campaign=aug"


def text_alone(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pref.eml"
    path.write_text(
        "From: Acme News <news@acme.test>\nTo: you@b.test\nSubject: Acme news\n"
        "List-Unsubscribe: <https://acme.test/unsubscribe>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\n" + body,
        encoding="utf-8",
    )
    return path


def test_subscription_management_in_a_text_alone_is_exempt_and_shop_pages_are_not(
    tmp_path: Path,
) -> None:
    body = (
        f"Read the news: https://acme.test/news?{UTM}\n"  # 1
        "\n"
        "To learn about other newsletters or\n"  # 3
        "to change your subscription visit https://acme.test/newsletters\n"  # 4
        "\n"
        "For subscription changes, please use the WWW form at:\n"  # 6
        "https://acme.test/action/email.html\n"  # 7
        "\n"
        "Unter folgender Adresse können Sie Ihre Interessensgebiete\n"  # 9
        "auswählen: https://acme.test/de/profile/change_interests.html\n"  # 10
        "\n"
        "An- und Abmelden sowie Ihre Einstellungen\n"  # 12
        "ändern können Sie auf folgender Website:\n"  # 13
        "https://acme.test/de/profile/\n"  # 14
        "\n"
        "To change your address, please visit:\n"  # 16: no word of the mailings
        "https://acme.test/subscribe/\n"  # 17
        "\n"
        "Чтобы изменить настройки рассылки, перейдите: https://acme.test/ru/podpiska\n"  # 19
        "\n"
        "Find your skin type: https://acme.test/profile/skin-care\n"  # 21: a shop's page
        "\n"
        "Subscribe to our magazine: https://acme.test/subscribe/magazine\n"  # 23: an offer
        "\n"
        "Unsubscribe: https://acme.test/unsubscribe\n"
    )
    [untagged] = only(check(text_alone(tmp_path, body)), "UTM001")
    assert untagged.message == (
        f"3 links lack {LACKS}: https://acme.test/subscribe/, https://acme.test/profile/skin-care, "
        "https://acme.test/subscribe/magazine"
    )
    assert untagged.locations == (
        "pref.eml:24",
        "pref.eml:28",
        "pref.eml:30",
    )


def test_a_profile_link_named_by_its_sentence_in_html_is_exempt(tmp_path: Path) -> None:
    html = (
        '<html lang="en"><body>\n'
        f'<p><a href="https://acme.test/news?{UTM}">News</a></p>\n'
        "<p>To change your newsletter subscription, please visit our site by clicking on the "
        "following link:"
        '<br>\n<a href="https://acme.test/login.cfm?id=9665862091709486">'
        "https://acme.test/login.cfm?id=9665862091709486</a></p>\n"  # 4
        '<p><a href="https://acme.test/profile/skin-care">Find your skin type</a></p>\n'  # 5
        '<p><a href="https://acme.test/unsubscribe">Unsubscribe</a></p>\n'
        "</body></html>\n"
    )
    path = tmp_path / "m.eml"
    path.write_text(
        "From: Acme <news@acme.test>\nTo: a@b.test\nSubject: News\n"
        "List-Unsubscribe: <https://acme.test/unsubscribe>\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\n\n" + html,
        encoding="utf-8",
    )
    [untagged] = only(check(path), "UTM001")
    assert untagged.message == f"link lacks {LACKS}"
    assert untagged.url == "https://acme.test/profile/skin-care"
    assert untagged.locations == ("m.eml:12",)


def test_a_profile_link_is_no_way_out_for_uns001(tmp_path: Path) -> None:
    # exempt from the UTM rules, but a page to change one's profile unsubscribes nobody
    path = tmp_path / "m.eml"
    path.write_text(
        "From: Acme <news@acme.test>\nTo: a@b.test\nSubject: News\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        '<html lang="en"><body><p>To change your newsletter subscription, visit '
        '<a href="https://acme.test/profile/edit">here</a></p></body></html>\n',
        encoding="utf-8",
    )
    result = check(path)
    assert "UTM001" not in codes(result)
    assert [f.message for f in only(result, "UNS001")] == ["no unsubscribe link in the body"]


def multipart(tmp_path: Path, text: str, html: str) -> Path:
    path = tmp_path / "meteo.eml"
    path.write_text(
        "From: Meteo <meteo@regione.test>\nTo: a@b.test\nSubject: Bollettino\n"
        "List-Unsubscribe: <mailto:meteo@regione.test>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="b"\n\n'
        f"--b\nContent-Type: text/plain; charset=utf-8\n\n{text}\n"
        f"--b\nContent-Type: text/html; charset=utf-8\n\n{html}\n--b--\n",
        encoding="utf-8",
    )
    return path


WRAPPED = (
    "http://www.regione.test/territorio/territorio/centrofunzionale/meteo/"
    "cancellazione_i.asp?arg=meteo"
)


def test_a_hard_wrapped_unsubscribe_url_in_the_text_part_is_read_whole_and_exempt(
    tmp_path: Path,
) -> None:
    # Outlook's text part cuts the URL at the wrap column; the HTML writes it as text, whole
    text = (
        "Bollettino meteo\n"
        "\n"
        "Se non desideri più ricevere questa newsletter\n"  # 3
        "http://www.regione.test/territorio/territorio/centrofunzionale/meteo/c\n"  # 4
        "ancellazione_i.asp?arg=meteo\n"  # 5
    )
    html = (
        '<html lang="it"><body><p>Bollettino meteo</p>\n'
        f"<p>Se non desideri più ricevere questa newsletter {WRAPPED}</p></body></html>"
    )
    result = check(multipart(tmp_path, text, html))
    assert only(result, "UTM001") == []
    [written] = only(result, "UNS001")  # the HTML's reading: the same URL, whole
    assert WRAPPED in written.message
    [plain] = only(result, "LNK004")
    assert plain.locations == ("meteo.eml:14",)


def test_the_text_parts_links_carry_the_words_that_lead_up_to_them() -> None:
    text = (
        "Se non desideri più ricevere questa newsletter\n"
        "http://www.regione.test/territorio/territorio/centrofunzionale/meteo/c\n"
        "ancellazione_i.asp?arg=meteo\n"
        "\n"
        "Jobs: http://jobs.acme.test/some/long/path/that/fills/the/line/up/to/here\n"
        "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "See more: https://acme.test/news/2002/08/12/a-very-long-article-name-here\n"
        "Next week: the next issue.\n"
    )
    links = text_document(text).links
    assert [(link.href, link.line) for link in links] == [
        (WRAPPED, 2),
        ("http://jobs.acme.test/some/long/path/that/fills/the/line/up/to/here", 5),
        ("https://acme.test/news/2002/08/12/a-very-long-article-name-here", 7),
    ]
    assert links[0].context == f"Se non desideri più ricevere questa newsletter {WRAPPED}"
    assert links[1].context.startswith("Jobs:")


# -- a change of a subscription, a profile or settings is an offer unless it names the mailings
# (QA probe R, session 29)

PROBE_OFFERS = [
    ("https://acme.test/account/profile", "Update your profile to get 10% off"),
    ("https://acme.test/account/offers", "Change your look this spring – 30% off"),
    ("https://acme.test/profile/skin-care", "Update your skincare routine"),
    ("https://acme.test/subscribe-and-save", "Manage your pantry with Subscribe &amp; Save"),
    ("https://acme.test/settings-sale", "Update your home settings – sofas 40% off"),
    ("https://acme.test/interests/garden", "Update your garden – new arrivals"),
    ("https://acme.test/subscription-box", "Change your subscription box to Premium and save 20%"),
    ("https://acme.test/premium", "Update your subscription to Premium – 50% off"),
    ("https://acme.test/app", "Update your profile in our new app"),
    ("https://acme.test/profile", "Измените профиль и получите скидку 10%"),
    ("https://acme.test/account/sale", "Обновите гардероб — скидки до 50%"),
    ("https://acme.test/account/orders", "See the latest updates on your order"),
    ("https://acme.test/account/points", "Manage your loyalty points – double points this week"),
    (
        "https://acme.test/subscriptions/coffee",
        "Update your coffee subscription: try our new roast",
    ),
    ("https://acme.test/premium", "Change your subscription plan"),
    ("https://acme.test/de/konto", "Profil ändern und 10% sparen"),
]


def html_mail(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "offer.eml"
    path.write_text(
        "From: Acme <news@acme.test>\nTo: a@b.test\nSubject: News\n"
        "List-Unsubscribe: <https://acme.test/unsubscribe>\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        f'<html lang="en"><body>\n{body}\n'
        '<p><a href="https://acme.test/unsubscribe">Unsubscribe</a></p></body></html>\n',
        encoding="utf-8",
    )
    return path


def test_an_offer_to_change_a_subscription_profile_or_settings_is_checked(tmp_path: Path) -> None:
    body = "\n".join(f'<p><a href="{href}">{text}</a></p>' for href, text in PROBE_OFFERS)
    [untagged] = only(check(html_mail(tmp_path, body)), "UTM001")
    hrefs = list(dict.fromkeys(href for href, _ in PROBE_OFFERS))
    assert untagged.message.startswith(f"{len(hrefs)} links lack {LACKS}: {hrefs[0]}, ")
    assert untagged.locations == tuple(
        f"offer.eml:{n + 7}"
        for n in range(2, len(PROBE_OFFERS) + 2)  # (the file's lines)
    )


def test_a_link_that_names_the_mailings_preferences_is_exempt(tmp_path: Path) -> None:
    body = "\n".join(
        [
            '<p><a href="https://acme.test/p/1">Manage your newsletter preferences</a></p>',
            '<p><a href="https://acme.test/p/2">Change your e-mail subscription</a></p>',
            '<p><a href="https://acme.test/p/3">Настройки рассылки</a></p>',
            '<p><a href="https://acme.test/p/4">Newsletter-Einstellungen</a></p>',
            '<p><a href="https://acme.test/newsletter/p/5">Update your subscription</a></p>',
            '<p><a href="https://acme.test/p/6">Einstellungen ändern</a> (E-Mail)</p>',
            '<p><a href="https://acme.test/account/email-preferences">Your account</a></p>',
            '<p><a href="https://acme.test/abo-verwalten">Ihr Konto</a></p>',
            '<p><a href="https://acme.test/offer">Shop now</a></p>',  # 10
        ]
    )
    [untagged] = only(check(html_mail(tmp_path, body)), "UTM001")
    # "(E-Mail)" after the link is not its words: "Einstellungen ändern" alone is no proof
    assert (untagged.message, untagged.locations) == (
        f"2 links lack {LACKS}: https://acme.test/p/6, https://acme.test/offer",
        ("offer.eml:14", "offer.eml:17"),
    )
