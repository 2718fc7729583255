"""IMG004: an image in a format some mail clients cannot show (.webp in Outlook for Windows,
.svg in Gmail too…), told by its file name: one finding, every image, grouped by format;
what a client that cannot show it replaces (a <picture> source, a srcset candidate) is not
judged, nor is a placeholder picture (LNK003's) or a 1×1 pixel."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import CLEAN_BODY, check, only, write_campaign

CDN = "https://cdn.shop.test/bf"


def test_every_image_in_an_unshown_format_is_one_finding(tmp_path: Path) -> None:
    body = f"""<p><img src="{CDN}/hero.WEBP?v=2" alt="Скидки"></p>
<p><img src="{CDN}/logo.svg" alt="Лого"> <img src="{CDN}/hero.webp" alt="Ещё скидки"></p>
<table><tr><td background="{CDN}/bg.webp">Фон</td></tr></table>
<!--[if gte mso 9]><v:image src="{CDN}/outlook.heic" /><![endif]-->
{CLEAN_BODY}"""
    result = check(write_campaign(tmp_path, body=body))
    [finding] = only(result, "IMG004")
    assert finding.message == (
        "5 images in formats some mail clients cannot show: “hero.WEBP”, “hero.webp”, "
        "“bg.webp” (Outlook for Windows cannot show .webp); “logo.svg” (Gmail and Outlook for "
        "Windows cannot show .svg); “outlook.heic” (every mail client but Apple's cannot show "
        ".heic)"
    )
    assert finding.locations == ("email.html:5", "email.html:6", "email.html:7", "email.html:8")


def test_what_a_client_replaces_or_nobody_sees_is_not_judged(tmp_path: Path) -> None:
    body = f"""<picture><source srcset="{CDN}/p.webp" type="image/webp">
<img src="{CDN}/p.jpg" alt="Фото"></picture>
<p><img src="{CDN}/a.png" srcset="{CDN}/a@2x.webp 2x" alt="Ретина"></p>
<p><img src="https://brand.ai/" alt="Домен .ai"> <a href="{CDN}/price.webp">Прайс</a></p>
<p><img src="https://placehold.co/600x300.webp" alt="Заглушка"></p>
<p><img src="{CDN}/open.webp" width="1" height="1" alt=""></p>
{CLEAN_BODY}"""
    result = check(write_campaign(tmp_path, body=body))
    assert only(result, "IMG004") == []
    [placeholder] = only(result, "LNK003")  # the stand-in picture is that rule's
    assert placeholder.url == "https://placehold.co/600x300.webp"
