"""RU001-004: the Russian compliance profile (38-FZ art. 18.1, 152-FZ, Mail.ru/Yandex headers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.config import Config, ConfigError
from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
OWN = f"""<p>Скидки недели в магазине.</p>
<p><a href="https://shop.test/sale?{UTM}">Выбрать</a>
<a href="https://vk.com/shop">ВКонтакте</a> <a href="https://t.me/shop">Telegram</a>
<a href="https://apps.apple.com/app/shop">App Store</a></p>
<p><a href="https://shop.test/unsub">Отписаться</a></p>"""
PARTNER = (
    '<p>Карта банка с кэшбэком <a href="https://bank.example/card?utm_source=shop">Оформить</a></p>'
)
RU = Config(profile="ru")


def ru_check(tmp_path: Path, body: str, **kw: Any) -> list[tuple[str, str, str]]:
    d = write_campaign(tmp_path, body=body, **kw)
    result = check(d, Config(root=d.parent, profile="ru"))
    found = [f for f in result.findings if f.code.startswith("RU")]
    assert all(f.severity is Severity.WARNING for f in found)
    return [(f.code, f.message, f.location) for f in found]


def test_own_links_and_channels_are_not_partner_advertising(tmp_path: Path) -> None:
    assert ru_check(tmp_path, OWN) == []


def test_partner_block_without_marking(tmp_path: Path) -> None:
    assert ru_check(tmp_path, OWN + "\n" + PARTNER) == [
        (
            "RU001",
            "links to other organisations (bank.example) without «Реклама», the advertiser "
            "(name or ИНН), erid (38-FZ art. 18.1): if this is a partner's advertisement, mark it",
            "email.html:10",
        )
    ]


def test_click_tracked_links_are_judged_by_where_they_send_the_reader(tmp_path: Path) -> None:
    # a test send's links all go through the ESP's click tracker: each was "a link to another
    # organisation" (click.esp.example) on every tracked send (a QA probe)
    tracker = "https://click.esp.example/c?id=7&url="
    own = f'<p><a href="{tracker}https%3A%2F%2Fshop.test%2Fsale%3Futm_source%3Demail">Sale</a></p>'
    assert ru_check(tmp_path, own) == []
    partner = f'<p><a href="{tracker}https%3A%2F%2Fbank.example%2Fcard">Оформить</a></p>'
    [(code, message, _)] = ru_check(tmp_path, own + "\n" + partner, id="p", name="p")
    assert code == "RU001" and "links to other organisations (bank.example) without" in message


def test_partner_block_with_marking_passes(tmp_path: Path) -> None:
    marked = PARTNER.replace("?utm_source=shop", "?erid=2VtzqxABC&utm_source=shop") + (
        "<p>Реклама. ООО «Банк», ИНН 7700000000</p>"
    )
    assert ru_check(tmp_path, OWN + "\n" + marked) == []


def test_partner_block_with_erid_in_text_but_no_advertiser(tmp_path: Path) -> None:
    marked = PARTNER + "<p>Реклама. erid: 2VtzqxABC</p>"
    found = ru_check(tmp_path, OWN + "\n" + marked)
    assert [(code, "without the advertiser (name or ИНН) (" in msg) for code, msg, _ in found] == [
        ("RU001", True)
    ]


def test_rules_are_silent_without_the_profile(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        body=OWN + PARTNER + '<img src="https://www.google-analytics.com/collect?v=1" alt="">',
    )
    assert [f.code for f in check(d).findings if f.code.startswith("RU")] == []


def test_personal_data_in_rendered_and_templated_links(tmp_path: Path) -> None:
    body = OWN + (
        '\n<p><a href="https://shop.test/profile?email={{ email }}&' + UTM + '">Профиль</a>'
        '<a href="https://shop.test/call?phone=%2B7%20916%20123-45-67&' + UTM + '">Звонок</a></p>'
    )
    found = ru_check(
        tmp_path,
        body,
        template="jinja",
        samples="r.csv",
        files={"r.csv": "email\nanna@mail.ru\n"},
    )
    assert found == [
        (
            "RU002",
            "personal data in link URLs (152-FZ art. 7): shop.test: email=<e-mail address>, "
            "phone=<phone number>; variables in links: email",
            "email.html:10",
        )
    ]


@pytest.mark.parametrize(("template", "tag"), [("jinja", "{{ email }}"), ("dashamail", "%EMAIL%")])
def test_personal_data_in_a_header_is_found_in_that_header(
    tmp_path: Path, template: str, tag: str
) -> None:
    """A variable in [headers] List-Unsubscribe is named at that header, not at the HTML; a
    header that holds no URL (X-Recipient) is no link URL."""
    headers = {
        "List-Unsubscribe": f"<https://shop.test/u?e={tag}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "X-Recipient": tag,
    }
    d = write_campaign(tmp_path, body=OWN, template=template, tables={"headers": headers})
    found = only(check(d, Config(root=d.parent, profile="ru")), "RU002")
    assert [(f.location, f.locations) for f in found] == [
        ("header:List-Unsubscribe", ("header:List-Unsubscribe",))
    ]
    # in a body link too: one finding, both places
    body = OWN + f'\n<p><a href="https://shop.test/profile?email={tag}&{UTM}">Профиль</a></p>'
    d = write_campaign(tmp_path / "both", body=body, template=template, tables={"headers": headers})
    found = only(check(d, Config(root=d.parent, profile="ru")), "RU002")
    assert [f.locations for f in found] == [("email.html:10", "header:List-Unsubscribe")]


def test_personal_data_in_a_mailto_goes_to_the_operators_mailbox(tmp_path: Path) -> None:
    """A recipient's address in a mailto: (a support link's body, the List-Unsubscribe mail
    address's subject) reaches the operator's own mailbox, past no web server: no RU002. The
    web URL of the same header still counts."""
    mail = OWN + (
        '\n<p><a href="mailto:help@shop.test?body=Мой%20адрес:%20{{ email }}">Написать</a></p>'
    )
    by_mail = "<mailto:unsub@shop.test?subject=unsub-{{ email }}>"
    headers = {
        "List-Unsubscribe": f"<https://shop.test/u/{{{{ uid }}}}>, {by_mail}",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    d = write_campaign(tmp_path, body=mail, template="jinja", tables={"headers": headers})
    assert only(check(d, Config(root=d.parent, profile="ru")), "RU002") == []
    # the same variable in the header's web URL is found there, and only there
    headers["List-Unsubscribe"] = f"<https://shop.test/u?e={{{{ email }}}}>, {by_mail}"
    d = write_campaign(tmp_path / "web", body=mail, template="jinja", tables={"headers": headers})
    [found] = only(check(d, Config(root=d.parent, profile="ru")), "RU002")
    assert found.message.endswith("variables in links: email")
    assert found.locations == ("header:List-Unsubscribe",)


def test_opaque_ids_are_not_personal_data(tmp_path: Path) -> None:
    body = (
        OWN
        + '<p><a href="https://shop.test/p?uid=8f3a9c&'
        + UTM
        + '&order=89161234567X">Заказ</a></p>'
    )
    assert ru_check(tmp_path, body) == []


def test_foreign_analytics(tmp_path: Path) -> None:
    body = OWN + (
        '\n<img src="https://www.google-analytics.com/collect?v=1&tid=UA-1" alt="">'
        '\n<img src="https://mc.yandex.ru/watch/1" alt="">'
    )
    assert ru_check(tmp_path, body) == [
        (
            "RU003",
            "links or pixels to foreign analytics (152-FZ art. 12): www.google-analytics.com",
            "email.html:10",
        )
    ]


def test_bulk_headers(tmp_path: Path) -> None:
    headers = {"List-Unsubscribe": "<https://shop.test/u/1>", "Precedence": "list"}
    assert ru_check(tmp_path, OWN, tables={"headers": headers}) == [
        (
            "RU004",
            "headers Mail.ru and Yandex ask of bulk mail are missing: a mailto: URL in "
            "List-Unsubscribe, List-ID, Feedback-ID, Precedence: bulk",
            "headers",
        )
    ]
    complete = {
        "List-Unsubscribe": "<mailto:u@shop.test>, <https://shop.test/u/1>",
        "List-Id": "<news.shop.test>",
        "Feedback-ID": "bf:shop:promo:esp",
        "Precedence": "bulk",
    }
    assert ru_check(tmp_path / "ok", OWN, tables={"headers": complete}) == []


def test_the_esps_unsubscribe_tag_in_list_unsubscribe_is_its_https_url(tmp_path: Path) -> None:
    # Unisender fills <{{UnsubscribeUrl}}> with its https URL when sending, as UNS003 reads it
    rest = {"List-Id": "<news.shop.test>", "Feedback-ID": "bf:shop:promo:us", "Precedence": "bulk"}
    tagged = {"List-Unsubscribe": "<{{UnsubscribeUrl}}>", **rest}
    assert ru_check(tmp_path, OWN, template="unisender", tables={"headers": tagged}) == [
        ("RU004", "headers Mail.ru and Yandex ask of bulk mail are missing: a mailto: URL in "
         "List-Unsubscribe", "headers")
    ]  # fmt: skip
    # a tag that is no unsubscribe link fills nothing that mailcheck knows to be https
    other = {"List-Unsubscribe": "<mailto:u@shop.test>, <{{ProfileUrl}}>", **rest}
    assert ru_check(tmp_path / "other", OWN, template="unisender", tables={"headers": other}) == [
        ("RU004", "headers Mail.ru and Yandex ask of bulk mail are missing: an https: URL in "
         "List-Unsubscribe", "headers")
    ]  # fmt: skip


def test_profile_is_validated() -> None:
    with pytest.raises(ConfigError, match="profile must be one of"):
        Config(profile="russia")


def test_profile_in_campaign_toml(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, body=OWN + PARTNER, profile="ru")
    assert [f.code for f in only(check(d), "RU001")] == ["RU001"]


def test_the_esps_own_links_are_no_other_organisation(tmp_path: Path) -> None:
    # Unisender's web version and forward links: the ESP fills them, no partner's site
    body = (
        OWN + '<p><a href="{{WebLetterUrl}}">Веб-версия</a> <a href="{{ForwardUrl}}">Другу</a></p>'
    )
    d = write_campaign(tmp_path, body=body, template="unisender", profile="ru")
    assert only(check(d), "RU001") == []
    partner = write_campaign(tmp_path, "partner", body=body + PARTNER, template="unisender",
                             profile="ru")  # fmt: skip
    [ru001] = only(check(partner), "RU001")
    assert "(bank.example)" in ru001.message
