"""Links that go nowhere, whatever the network says (LNK003): an in-page link ("#prices")
that nothing in the e-mail is named after, found as HTML finds its target (an id, else an
<a name>, as written or percent-decoded; "#top" is the top of the document), and a file on
the designer's own disk. A placeholder link is that one finding, online too."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mailcheck.config import Config, LinksConfig
from mailcheck.engine import run
from tests.helpers import CLEAN_BODY, check, loopback_links_config, only, write_campaign
from tests.http_server import running_server

TAGGED = "https://shop.test/sale?utm_source=email&utm_medium=email&utm_campaign=bf"


def test_an_in_page_link_to_no_target_is_one_finding_per_missing_name(tmp_path: Path) -> None:
    body = f"""<p><a href="#prices">Цены</a> <a href="#faq">Вопросы</a></p>
<p><a href="#sale">Распродажа</a> <a href="#top">Наверх</a></p>
<p><a href="#%D0%B4%D0%BE%D1%81%D1%82%D0%B0%D0%B2%D0%BA%D0%B0">Доставка</a></p>
<h2 id="faq">Вопросы</h2><a name="sale"></a><h2 id="доставка">Доставка</h2>
<p><a href="#prices">Ещё раз о ценах</a></p>
{CLEAN_BODY}"""
    result = check(write_campaign(tmp_path, body=body))
    [finding] = only(result, "LNK003")
    assert finding.message == (
        "2 links (“Цены”, “Ещё раз о ценах”): link to “#prices”, and nothing in the e-mail is "
        "named “prices” (no id, no <a name>): a click does nothing"
    )
    assert finding.locations == ("email.html:5", "email.html:9")


def test_in_page_links_to_several_missing_names_are_one_finding_listing_each(
    tmp_path: Path,
) -> None:
    # a table of contents left from another issue ("#topnews", "#ebn": SpamAssassin's
    # oracle_net_techblast) was one error per missing name
    body = f"""<p><a href="#topnews">Новости</a></p>
<p><a href="#ebn">Рассылка</a> <a href="#faq">Вопросы</a></p>
<h2 id="faq">Вопросы</h2>
<p><a href="#topnews">Ещё новости</a></p>
{CLEAN_BODY}"""
    result = check(write_campaign(tmp_path, body=body))
    assert [(f.message, f.locations) for f in only(result, "LNK003")] == [
        (
            "3 links (“Новости”, “Рассылка”, “Ещё новости”): they go to “#topnews”, “#ebn”, "
            "names nothing in the e-mail has (no id, no <a name>): a click does nothing",
            ("email.html:5", "email.html:6", "email.html:8"),
        )
    ]


def test_a_placeholder_unsubscribe_anchor_is_uns001s(tmp_path: Path) -> None:
    body = f"""<p><a href="{TAGGED}">Shop</a></p>
<p><a href="#unsubscribe">Отписаться</a></p>"""
    result = check(write_campaign(tmp_path, body=body))
    assert only(result, "LNK003") == []
    [finding] = only(result, "UNS001")
    assert "link to “#unsubscribe”, and nothing in the e-mail is named" in finding.message
    assert finding.locations == ("email.html:6",)


def test_what_mailcheck_cannot_see_is_not_judged(tmp_path: Path) -> None:
    # a link in Outlook's conditional comment (its target may be there too), and a target a
    # template writes in one variant only: a target any variant has counts
    body = f"""<!--[if mso]><a href="#outlook">Для Outlook</a><![endif]-->
{{% if vip %}}<h2 id="vip">Для своих</h2>{{% endif %}}
<p><a href="#vip">Для своих</a></p>
{CLEAN_BODY}"""
    directory = write_campaign(
        tmp_path,
        body=body,
        template="jinja",
        samples="recipients.json",
        files={"recipients.json": '[{"vip": true}, {"vip": false}]'},
    )
    result = check(directory)
    assert result.campaign.dialect == "jinja" and len(result.campaign.renders) >= 2
    outlook = [link for link in result.campaign.link_occurrences() if link.outlook_only]
    assert [link.href for link in outlook] == ["#outlook"]
    assert only(result, "LNK003") == []
    assert {f.code for f in result.findings}.isdisjoint({"INP001", "PER004", "PER007"})


def test_a_file_on_the_designers_disk_is_no_link(tmp_path: Path) -> None:
    body = rf"""<p><a href="file:///C:/Users/design/Desktop/sale.html">Распродажа</a></p>
<p><img src="file:///C:/Users/design/Desktop/logo.png" alt="Лого"></p>
<p><img src="D:\Макет\hero.jpg" alt="Баннер"></p>
{CLEAN_BODY}"""
    result = check(write_campaign(tmp_path, body=body))
    reason = "a file on the computer the e-mail was made on: no recipient has it"
    found = sorted((f.message, f.locations) for f in only(result, "LNK003"))
    assert found == [
        (f"2 images (“Лого”, “Баннер”): {reason}", ("email.html:6", "email.html:7")),
        (f"link (“Распродажа”): {reason}", ("email.html:5",)),
    ]
    assert only(result, "LNK008") == []


@pytest.mark.network
def test_a_placeholder_link_is_one_finding_online_too(tmp_path: Path) -> None:
    # a link to localhost that answers 404: the placeholder is the cause (LNK003), not also a
    # broken link (LNK001) nor a plain http:// one (LNK004)
    with running_server() as s:
        port = s.url("/").split(":")[2].split("/")[0]
        gone = f"http://localhost:{port}/status/404/sale"
        body = f'<p><a href="{gone}">Распродажа</a></p>\n{CLEAN_BODY}'
        config = loopback_links_config(tmp_path, "LNK")
        [result] = run([str(write_campaign(tmp_path, body=body))], config).results
        assert [(f.code, f.url) for f in result.findings if f.url == gone] == [("LNK003", gone)]
        assert s.count("/status/404/sale") == 1  # it was asked: the 404 is there to report


def test_a_dev_servers_address_is_no_link_unless_internal_links_are_meant(tmp_path: Path) -> None:
    # what a local build server prints ("Network: http://192.168.1.5:3000"), left in the HTML
    body = f"""<p><img src="http://192.168.1.5:3000/img/hero.png" alt="Баннер"></p>
<p><a href="http://127.0.0.1:3000/sale">Распродажа</a> <a href="http://[fe80::1]/x">v6</a></p>
{CLEAN_BODY}"""
    directory = write_campaign(tmp_path, body=body)
    found = sorted((f.message, f.locations) for f in only(check(directory), "LNK003"))
    private = (
        "is a private network address: no recipient outside it reaches it "
        "(links.allow-private = true if the list reads it inside that network)"
    )
    assert found == [
        (f"image (“Баннер”): 192.168.1.5 {private}", ("email.html:5",)),
        (f"link (“v6”): fe80::1 {private}", ("email.html:6",)),
        (
            "link (“Распродажа”): 127.0.0.1 is a loopback address: the computer the e-mail "
            "was made on",
            ("email.html:6",),
        ),
    ]
    # an internal mailing, said so: the addresses are meant (and plain http:// is a warning)
    meant = Config(root=tmp_path, links=replace(LinksConfig(), allow_private=True))
    result = check(directory, meant)
    assert only(result, "LNK003") == []
    assert [f.code for f in result.findings if f.severity.value == "error"] == []


@pytest.mark.network
def test_a_loopback_link_is_lnk003s_alone_online(tmp_path: Path) -> None:
    # the link checker refuses a loopback address (no request is made): that refusal is no
    # second finding beside LNK003's
    with running_server() as s:
        gone = s.url("/status/404/sale")
        body = f'<p><a href="{gone}">Распродажа</a></p>\n{CLEAN_BODY}'
        config = loopback_links_config(tmp_path, "LNK", allow_private=False)
        [result] = run([str(write_campaign(tmp_path, body=body))], config).results
        assert [f.code for f in result.findings if f.url == gone] == ["LNK003"]
        assert s.count("/status/404/sale") == 0


def test_a_layouts_stand_in_address_and_phone_number(tmp_path: Path) -> None:
    body = f"""<p><a href="mailto:Shop%20%3Cinfo@example.com%3E?subject=Hi">Пишите</a></p>
<p><a href="tel:+7 (XXX) XXX-XX-XX">Звоните</a> <a href="tel:+7%20(XXX)%20XXX-XX-XX">Ещё</a></p>
<p><a href="mailto:info@shop.test">Поддержка</a> <a href="tel:+74951234567">+7 495 123-45-67</a></p>
{CLEAN_BODY}"""
    result = check(write_campaign(tmp_path, body=body))
    found = sorted((f.message, f.locations) for f in only(result, "LNK003"))
    # the layout's two stand-ins, one finding (the layout never filled in), each said
    assert found == [
        ("the layout's placeholders, never filled in: placeholder address info@example.com "
         "(line 5): link (“Пишите”); placeholder phone number “+7 (XXX) XXX-XX-XX” (line 6): "
         "2 links (“Звоните”, “Ещё”)",
         ("email.html:5", "email.html:6")),
    ]  # fmt: skip
