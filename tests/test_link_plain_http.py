"""LNK004: plain http:// links; an ESP's own click tracking is said apart, its badge left out."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import check, only

TRACK = "http://bakery.us5.list-manage.com/track/click?u=0a1b2c&id=9f8e"


def send(tmp_path: Path) -> Path:
    html = (
        '<html lang="ru"><body><p>Свежий хлеб каждое утро.</p>\n'  # 1
        f'<p><a href="{TRACK}1">Меню</a></p>\n'  # 2
        '<p><a href="http://bakery.test/old-menu">Старое меню</a></p>\n'  # 3: the sender's own
        f'<p><a href="{TRACK}2">Адреса</a>'
        ' <a href="http://bakery.us5.list-manage1.com/unsubscribe?u=0a1b2c">Отписаться</a></p>\n'
        '<img src="http://bakery.us5.list-manage.com/track/open.php?u=0a1b2c" width="1" height="1"'
        ' alt="">\n'  # 5: the open pixel
        '<p><a href="http://mailchimp.com">Mailchimp</a></p>\n'  # 6: the template's own
        "</body></html>\n"
    )
    text = (
        "Свежий хлеб каждое утро.\n"  # 1
        "Отписаться: http://bakery.us5.list-manage1.com/unsubscribe?u=0a1b2c\n"  # 2
        "http://www.mailchimp.com/email-referral/?utm_source=freemium_newsletter\n"  # 3: badge
    )
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Bakery <news@bakery.test>\nSubject: Меню недели\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="b"\n\n'
        f"--b\nContent-Type: text/plain; charset=utf-8\n\n{text}\n"
        f"--b\nContent-Type: text/html; charset=utf-8\n\n{html}--b--\n",
        encoding="utf-8",
    )
    return path


def test_the_esp_click_tracking_is_one_finding_naming_the_esp_apart_from_own_links(
    tmp_path: Path,
) -> None:
    own, esp = only(check(send(tmp_path)), "LNK004")
    assert own.severity.value == esp.severity.value == "warning"
    # the sender's own http:// links, as before: the template's social icon to Mailchimp's
    # site is the sender's too
    assert own.message == "2 plain http:// URLs (bakery.test, mailchimp.com)"
    assert own.url is None
    assert own.places == ("send.eml:18", "send.eml:21")  # the HTML part starts at line 16
    # Mailchimp's links: one finding that says whose they are and what to do; its badge
    # (www.mailchimp.com/email-referral) is no one's to change but Mailchimp's: not reported
    assert esp.message == (
        "4 plain http:// URLs on Mailchimp's own hosts (bakery.us5.list-manage.com, "
        "bakery.us5.list-manage1.com): its click tracking, open pixel and pages, which Mailchimp "
        "writes, not the template: switch on HTTPS (SSL) click tracking in the Mailchimp "
        "account, or ask Mailchimp to"
    )
    assert esp.url is None
    assert esp.places == (
        "send.eml:17",
        "send.eml:19",
        "send.eml:20",
        "send.eml:10",
    )


def test_a_host_only_named_like_an_esp_is_the_senders(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        '<html lang="ru"><body><p><a href="http://list-manage.com.bakery.test/menu">Меню</a>'
        ' <a href="http://notsendgrid.net/x">Акции</a></p></body></html>\n',
        encoding="utf-8",
    )
    [finding] = only(check(path), "LNK004")
    assert finding.message == "2 plain http:// URLs (list-manage.com.bakery.test, notsendgrid.net)"
    assert finding.places == ("page.html:1",)


def test_one_plain_http_url_names_its_host(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        '<html lang="ru"><body>\n<p><a href="http://bakery.test/menu">Меню</a></p>\n'
        '<p><a href="http://bakery.test/menu">Ещё раз меню</a></p>\n</body></html>\n',
        encoding="utf-8",
    )
    [finding] = only(check(path), "LNK004")
    assert (finding.severity.value, finding.message, finding.url, finding.places) == (
        "warning",
        "plain http:// link to bakery.test",
        "http://bakery.test/menu",
        ("page.html:2", "page.html:3"),
    )


def test_a_layouts_stand_in_for_the_clients_site_is_a_placeholder_not_plain_http(
    tmp_path: Path,
) -> None:
    """A layout's "www.YourSiteName.com" (a QA probe: nine goldstar templates, where only
    LNK004 said "plain http:// link"): a placeholder host, LNK003's error with the layout's
    other stand-ins, in a link or a mailto: address; a label that only contains such a
    phrase is someone's real host."""
    path = tmp_path / "page.html"
    path.write_text(
        '<html lang="ru"><body>\n'
        '<p><a href="http://www.YourSiteName.com">www.YourSiteName.com</a></p>\n'  # 2
        '<p><a href="mailto:email@yourdomain.ru">Напишите нам</a></p>\n'  # 3
        '<p><a href="https://news.example-company.com/a">Новости</a></p>\n'  # 4
        '<p><a href="https://yourcompanyshop.test/">Магазин</a></p>\n'  # 5: a real name
        '<p><a href="https://yoursitename.bakery.test/">Пекарня</a></p>\n'  # 6
        "</body></html>\n",
        encoding="utf-8",
    )
    result = check(path)
    assert only(result, "LNK004") == []
    [found] = only(result, "LNK003")
    assert (found.severity.value, found.places) == (
        "error",
        ("page.html:2", "page.html:3", "page.html:4", "page.html:6"),
    )
    for said in (
        "placeholder host www.yoursitename.com (line 2)",
        "placeholder address email@yourdomain.ru (line 3)",
        "placeholder host news.example-company.com (line 4)",
        "placeholder host yoursitename.bakery.test (line 6)",
    ):
        assert said in found.message, said
    assert "yourcompanyshop" not in found.message


def test_an_international_host_is_named_as_its_reader_sees_it(tmp_path: Path) -> None:
    """RUNET-ID's footer links to http://xn--h1aax.xn--p1ai/ (a QA probe: the finding named the
    punycode): the host is said as ири.рф, and written both ways it is one host."""
    one = tmp_path / "one.html"
    one.write_text(
        '<html lang="ru"><body>\n<p><a href="http://xn--h1aax.xn--p1ai/about/">ири.рф</a></p>\n'
        "</body></html>\n",
        encoding="utf-8",
    )
    [finding] = only(check(one), "LNK004")
    assert (finding.message, finding.url, finding.places) == (
        "plain http:// link to ири.рф",
        "http://xn--h1aax.xn--p1ai/about/",
        ("one.html:2",),
    )
    both = tmp_path / "both.html"
    both.write_text(
        '<html lang="ru"><body>\n<p><a href="http://xn--h1aax.xn--p1ai/about/">О нас</a></p>\n'
        '<p><a href="http://ири.рф/news/">Новости</a></p>\n'
        '<p><a href="http://bakery.test/">Пекарня</a></p>\n</body></html>\n',
        encoding="utf-8",
    )
    [finding] = only(check(both), "LNK004")
    assert (finding.message, finding.places) == (
        "3 plain http:// URLs (ири.рф, bakery.test)",
        ("both.html:2", "both.html:3", "both.html:4"),
    )


def test_mailerlites_own_pages_are_said_apart_from_the_templates_links(tmp_path: Path) -> None:
    """A MailerLite export writes its unsubscribe page on http://app.mailerlite.com/subscription/
    (a QA probe: it was listed with the sender's own http:// links): MailerLite's, said apart
    like Mailchimp's; a link to MailerLite's web app elsewhere is the template's."""
    path = tmp_path / "page.html"
    path.write_text(
        '<html lang="uk"><body>\n<p><a href="http://catalog.test/">Каталог</a></p>\n'  # 2
        '<p><a href="http://app.mailerlite.com/subscription/test_unsubscribe/133/537">'
        "Відписатися</a></p>\n"  # 3
        '<p><a href="http://clicks.mlsend.com/tj/c/abc">Новини</a></p>\n'  # 4: click tracking
        '<p><a href="http://app.mailerlite.com/integrations/">Наш MailerLite</a></p>\n'  # 5
        "</body></html>\n",
        encoding="utf-8",
    )
    own, esp = only(check(path), "LNK004")
    assert (own.message, own.places) == (
        "2 plain http:// URLs (catalog.test, app.mailerlite.com)",
        ("page.html:2", "page.html:5"),
    )
    assert (esp.severity.value, esp.message, esp.url, esp.places) == (
        "warning",
        "2 plain http:// URLs on MailerLite's own hosts (app.mailerlite.com, clicks.mlsend.com): "
        "its click tracking, open pixel and pages, which MailerLite writes, not the template: "
        "switch on HTTPS (SSL) click tracking in the MailerLite account, or ask MailerLite to",
        None,
        ("page.html:3", "page.html:4"),
    )


def test_an_ip_address_written_as_one_number_is_said_to_be_one(tmp_path: Path) -> None:
    """Spam writes http://2742879943/ (a QA probe: spamassassin spam/003, said only to be plain
    http): a browser opens 163.125.6.199 there, and the finding says so; so for hexadecimal
    parts; an address written as itself is only plain http."""
    one = tmp_path / "one.html"
    one.write_text(
        '<html lang="en"><body>\n<p><a href="http://2742879943/ATV">CLICK HERE</a></p>\n'
        "</body></html>\n",
        encoding="utf-8",
    )
    [finding] = only(check(one), "LNK004")
    assert (finding.severity.value, finding.message, finding.places) == (
        "warning",
        "plain http:// link to 2742879943; 2742879943 is the IP address 163.125.6.199 in "
        "disguise (browsers read it so): a link that hides where it goes, as spam writes it",
        ("one.html:2",),
    )
    several = tmp_path / "several.html"
    several.write_text(
        '<html lang="en"><body>\n<p><a href="http://0xa37d06c7/x">Hex</a></p>\n'  # 2
        '<p><a href="http://163.125.6.199/y">Dotted</a></p>\n'  # 3: written as itself
        '<p><a href="http://bakery.test/">Bakery</a></p>\n</body></html>\n',  # 4
        encoding="utf-8",
    )
    [finding] = only(check(several), "LNK004")
    assert (finding.message, finding.places) == (
        "3 plain http:// URLs (0xa37d06c7, 163.125.6.199, bakery.test); 0xa37d06c7 is the IP "
        "address 163.125.6.199 in disguise (browsers read it so): a link that hides where it "
        "goes, as spam writes it",
        ("several.html:2", "several.html:3", "several.html:4"),
    )


def test_a_private_address_written_as_one_number_is_a_placeholder_not_plain_http(
    tmp_path: Path,
) -> None:
    """http://3232235777/ is 192.168.1.1 to a browser: the private address LNK003 reports
    (one root cause, no LNK004 beside it), as it does 192.168.1.1 written as itself."""
    path = tmp_path / "page.html"
    path.write_text(
        '<html lang="en"><body>\n<p><a href="http://3232235777/promo">Promo</a></p>\n'
        "</body></html>\n",
        encoding="utf-8",
    )
    result = check(path)
    assert only(result, "LNK004") == []
    [found] = only(result, "LNK003")
    assert (found.severity.value, found.places) == ("error", ("page.html:2",))
    assert "3232235777 is a private network address" in found.message


def test_several_disguised_addresses_are_said_once(tmp_path: Path) -> None:
    """Spam writing several hosts so (spamassassin spam/009: hexadecimal, mixed, decimal)
    is one sentence with the first three addresses, not one sentence a host."""
    hosts = ["0x425c45de", "66.92.0x45.221", "1113343455", "1113343456"]
    path = tmp_path / "page.html"
    path.write_text(
        '<html lang="en"><body>\n'
        + "".join(f'<p><a href="http://{host}/r">Go</a></p>\n' for host in hosts)
        + "</body></html>\n",
        encoding="utf-8",
    )
    [finding] = only(check(path), "LNK004")
    assert (finding.message, finding.places) == (
        "4 plain http:// URLs (0x425c45de, 66.92.0x45.221, 1113343455 and 1 more); 4 hosts are "
        "IP addresses in disguise (0x425c45de = 66.92.69.222, 66.92.0x45.221 = 66.92.69.221, "
        "1113343455 = 66.92.69.223 and 1 more; browsers read them so): links that hide where "
        "they go, as spam writes them",
        ("page.html:2", "page.html:3", "page.html:4", "page.html:5"),
    )
