"""Pass and fail cases for every offline rule, in Russian and English (sqlfluff-style table).

Each case writes a real campaign directory and runs the real engine offline; a "fail" case must
produce the rule's code, a "pass" case must not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mailcheck.config import Config
from mailcheck.linkinfo import url_problem
from mailcheck.model import Severity
from tests.helpers import CLEAN_BODY, HTML_TEMPLATE, check, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
RU_BODY = f"""<p>Здравствуйте!</p>
<p><a href="https://shop.test/sale?{UTM}">Выбрать</a></p>
<p><img src="https://cdn.shop.test/a.png" alt="Скидки"></p>
<p><a href="https://shop.test/unsub">Отписаться</a></p>"""


def body_with(extra: str, base: str = RU_BODY) -> str:
    return base + "\n" + extra


def eml_with(headers: str, sender: str = "From: Shop <news@shop.test>\n") -> str:
    """A saved test send: ``sender`` and ``headers`` above an HTML part of RU_BODY."""
    return (
        f"{sender}{headers}MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        f"<html><body>{RU_BODY}</body></html>\n"
    )


# an HTML part encoded in quoted-printable and labelled 7bit (HDR003)
QP_AS_7BIT = (
    "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n"
    "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n"
    '<html><body><p>=D0=9F=D1=80=D0=B8=D0=B2=D0=B5=D1=82!</p><a href=3D"https://shop.test/s=\n'
    'ale">Sale</a></body></html>\n'
)

# a multipart/alternative in either order (HDR004: the plain text after the HTML)
ALTERNATIVE = (
    "From: Shop <news@shop.test>\nSubject: x\nMIME-Version: 1.0\n"
    'Content-Type: multipart/alternative; boundary="b"\n\n'
    "--b\nContent-Type: {first}; charset=utf-8\n\nПривет!\n"
    "--b\nContent-Type: {last}; charset=utf-8\n\n<p>Привет!</p>\n--b--\n"
)


@dataclass
class Case:
    code: str
    name: str
    fails: bool
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.code}-{'fail' if self.fails else 'pass'}-{self.name}"


CASES = [
    # SUB
    Case("SUB001", "no-subject", True, {"subject": ""}),
    Case("SUB001", "renders-empty", True, {"subject": "{{ promo }}", "template": "jinja"}),
    Case("SUB001", "ru-present", False, {"subject": "Скидки выходного дня"}),
    # zero-width characters and the Hangul filler: the inbox shows an empty subject
    Case("SUB001", "invisible-only", True, {"subject": "\u200b\u200c\u2060\u00a0\u3164"}),
    Case("SUB001", "emoji-with-zwj", False, {"subject": "\U0001f469\u200d\U0001f4bb"}),
    Case("SUB002", "en-51", True, {"subject": "x" * 51}),
    Case(
        "SUB002", "ru-emoji-51-graphemes", True, {"subject": "Скидка 🇷🇺 " + "й" * 37 + " 😀😀😀🔥"}
    ),
    Case("SUB002", "en-50", False, {"subject": "x" * 50}),
    Case("SUB003", "ru-multi-line-toml-string", True, {"subject": "Скидки\nдо 30%"}),
    Case("SUB003", "en-tab-is-folding-space", False, {"subject": "Sale\tstarts today"}),
    Case(
        "SUB002", "ru-emoji-50-graphemes", False, {"subject": "Скидка 🇷🇺 " + "й" * 36 + " 😀😀😀🔥"}
    ),
    Case(
        "SUB002",
        "ru-long",
        True,
        {"subject": "Чёрная пятница в ACME: скидки до 70% на всю зимнюю коллекцию"},
    ),
    Case(
        "SUB002",
        "longest-sample",
        True,
        {
            "subject": "{{ first_name | default('Друг', true) }}, скидка 30% только сегодня",
            "template": "jinja",
            "samples": "r.csv",
            "files": {"r.csv": "first_name\nАнна\nАлександра-Виктория Константиновна\n"},
        },
    ),
    # PRE
    Case("PRE001", "no-preheader", True, {"preheader_html": ""}),
    Case("PRE001", "hidden-div", False, {}),
    Case(
        "PRE001",
        "ru-class-preheader",
        False,
        {
            "preheader_html": '<span class="preheader">Только до воскресенья&zwnj;&nbsp;&zwnj;&nbsp;</span>'
        },
    ),
    # (not "y" * 91: a run of one letter is placeholder copy, BRF001's finding, which says it)
    Case(
        "PRE002",
        "en-91",
        True,
        {
            "preheader": "The sale ends Sunday at midnight: coats, boots, hats and scarves up to "
            "70% off, today only!"
        },
    ),
    Case(
        "PRE002",
        "padding-not-counted",
        False,
        {
            "preheader_html": '<div style="display:none">Только сегодня'
            + "&zwnj;&nbsp;" * 100
            + "</div>"
        },
    ),
    Case("PRE002", "ru-long", True, {"preheader": "Только до воскресенья: " + "скидки " * 12}),
    # `preheader =` with the padding as the ESP's field holds it: 45 characters a reader sees
    # (it was "preheader is 94 characters")
    Case(
        "PRE002",
        "toml-padding-not-counted",
        False,
        {"preheader": "Только до воскресенья — скидки на всю обувь!" + "\u200c\u00a0" * 50},
    ),
    Case(
        "PRE003",
        "same-as-subject",
        True,
        {"subject": "Чёрная пятница в ACME", "preheader": "Чёрная пятница в ACME!"},
    ),
    Case(
        "PRE003",
        "different",
        False,
        {"subject": "Weekend sale", "preheader": "30% off all jackets until Sunday"},
    ),
    Case(
        "PRE004",
        "ru-override-in-the-html",
        True,
        {"preheader_html": '<div style="display:none">Заказ &#8238;fdp.exe</div>'},
    ),
    Case("PRE004", "rtl-isolate", False, {"preheader": "Sale \u2067שלום\u2069 now"}),
    # LNK offline
    Case("LNK003", "hash", True, {"body": body_with('<a href="#">Купить</a>')}),
    Case("LNK003", "empty", True, {"body": body_with('<a href="">Buy</a>')}),
    Case("LNK003", "javascript", True, {"body": body_with('<a href="javascript:void(0)">Buy</a>')}),
    Case(
        "LNK003",
        "example-com",
        True,
        {"body": body_with('<a href="https://www.example.com/x">Buy</a>')},
    ),
    Case(
        "LNK003",
        "raw-tag-without-per003",
        True,
        {
            "body": body_with('<a href="*|ARCHIVE_LINK|*">Web</a>'),
            "template": "none",
            "ignore": ["PER003"],
        },
    ),
    Case(
        "LNK003",
        "raw-tag-is-per003s",  # one tag not filled in, one finding: PER003's, at the link
        False,
        {"body": body_with('<a href="*|ARCHIVE_LINK|*">Web</a>'), "template": "none"},
    ),
    Case("LNK003", "scheme-typo", True, {"body": body_with('<a href="htp://shop.test/">Buy</a>')}),
    Case(
        "LNK003",
        "stand-in-picture",  # a layout's placehold.co image left in
        True,
        {"body": body_with('<img src="https://placehold.co/600x300" alt="Баннер">')},
    ),
    Case("LNK003", "real-links", False, {}),
    Case(
        "LNK004", "http", True, {"body": body_with(f'<a href="http://shop.test/x?{UTM}">Блог</a>')}
    ),
    Case("LNK004", "https", False, {}),
    Case(
        "LNK007",
        "text-other-host",
        True,
        {"body": body_with(f'<a href="https://evil.test/?{UTM}">https://shop.test/login</a>')},
    ),
    Case(
        "LNK007",
        "text-same-host",
        False,
        {"body": body_with(f'<a href="https://shop.test/login?{UTM}">shop.test/login</a>')},
    ),
    Case(
        "LNK007",
        "text-words",
        False,
        {"body": body_with(f'<a href="https://evil.test/?{UTM}">Войти в кабинет</a>')},
    ),
    Case(
        "LNK008",
        "ru-relative-image",
        True,
        {"body": body_with('<img src="images/banner.jpg" alt="Распродажа">')},
    ),
    Case("LNK008", "en-no-scheme", True, {"body": body_with('<a href="www.shop.test">Shop</a>')}),
    Case("LNK008", "absolute", False, {}),
    Case(
        "LNK008",
        "ru-video-poster-relative",
        True,
        {"body": body_with('<video poster="images/poster.jpg"><p>Видео</p></video>')},
    ),
    # UTM
    Case(
        "UTM001",
        "missing",
        True,
        {"body": body_with('<a href="https://shop.test/new">Новинки</a>')},
    ),
    Case(
        "UTM001",
        "after-hash",
        True,
        {"body": body_with(f'<a href="https://shop.test/new#{UTM}">Новинки</a>')},
    ),
    Case(
        "UTM001",
        "other-domain-untracked",
        False,
        {"body": body_with('<a href="https://vk.test/shop">VK</a>')},
    ),
    Case(
        "UTM001",
        "subdomain-tracked",
        True,
        {"body": body_with('<a href="https://m.shop.test/app">App</a>')},
    ),
    Case(
        "UTM001",
        "tracked-domains-config",
        True,
        {
            "body": body_with('<a href="https://partner.test/x">Partner</a>'),
            "tracked_domains": ["partner.test"],
        },
    ),
    Case(
        "UTM001",
        "unsubscribe-exempt",
        False,
        {"body": body_with('<a href="https://shop.test/prefs">Настройки рассылки</a>')},
    ),
    Case(
        "UTM001",
        "download-exempt",
        False,
        {"body": body_with('<a href="https://shop.test/files/rules.PDF">Правила акции</a>')},
    ),
    Case(
        "UTM001",
        "pgp-key-download-exempt",
        False,
        {"body": body_with('<a href="https://shop.test/keys/SHOP_PGP.key">Ключ PGP</a>')},
    ),
    Case(
        "UTM001",
        "archive-download-exempt",
        False,
        {"body": body_with('<a href="https://shop.test/files/price-2026.tar.gz">Прайс</a>')},
    ),
    Case(
        "UTM001",
        "mailto-exempt",
        False,
        {"body": body_with('<a href="mailto:help@shop.test">Написать нам</a>')},
    ),
    Case(
        "UTM002",
        "differs-from-manifest",
        True,
        {"tables": {"utm": {"utm_campaign": "black-friday"}}},
    ),
    Case(
        "UTM002",
        "matches-manifest",
        False,
        {"tables": {"utm": {"utm_campaign": "bf", "utm_source": "email"}}},
    ),
    Case(
        "UTM002",
        "differs-between-links",
        True,
        {
            "body": body_with(
                f'<a href="https://shop.test/a?{UTM}">A</a><a href="https://shop.test/b?{UTM}">B</a>'
                '<a href="https://shop.test/c?utm_source=email&utm_medium=email&utm_campaign=bf2">C</a>'
            )
        },
    ),
    Case(
        "UTM002",
        "partner-link-carries-the-partners-utms",
        False,
        {
            "body": body_with(
                '<a href="https://partner-kassa.test/show/1?utm_source=shop&utm_medium=partner'
                '&utm_campaign=kassa">Билеты у партнёра</a>'
            ),
            "tables": {"utm": {"utm_campaign": "bf", "utm_source": "email"}},
        },
    ),
    Case(
        "UTM002",
        "content-may-differ",
        False,
        {
            "body": body_with(
                f'<a href="https://shop.test/a?{UTM}&utm_content=top">A</a>'
                f'<a href="https://shop.test/b?{UTM}&utm_content=bottom">B</a>'
            )
        },
    ),
    Case(
        "UTM003",
        "upper-case",
        True,
        # every link says Email: malformed, not inconsistent (that would be UTM002's one finding)
        {"body": RU_BODY.replace("utm_source=email", "utm_source=Email")},
    ),
    Case(
        "UTM003",
        "spaces",
        True,
        {"body": RU_BODY.replace("utm_campaign=bf", "utm_campaign=black%20friday")},
    ),
    Case(
        "UTM003",
        "empty",
        True,
        {"body": RU_BODY.replace("utm_source=email", "utm_source=")},
    ),
    Case(
        "UTM003",
        "ru-cyrillic-lower-ok",
        False,
        {
            "body": body_with(
                '<a href="https://shop.test/a?utm_source=email&utm_medium=email&utm_campaign=распродажа">A</a>'
            )
        },
    ),
    # UNS
    Case(
        "UNS001",
        "none",
        True,
        {"body": f'<p>Привет</p><a href="https://shop.test/?{UTM}">Магазин</a>'},
    ),
    Case("UNS001", "ru-otpisatsya", False, {}),
    Case(
        "UNS001",
        "en-opt-out",
        False,
        {
            "body": f'<a href="https://shop.test/?{UTM}">Shop</a> <a href="https://esp.test/x/1">Opt out</a>'
        },
    ),
    Case(
        "UNS001",
        "mailchimp-tag",
        False,
        {
            "body": f'<a href="https://shop.test/?{UTM}">Shop</a> <a href="*|UNSUB|*">here</a>',
            "template": "mailchimp",
        },
    ),
    Case("UNS002", "headers-known-missing", True, {"tables": {"headers": {"X-Campaign": "bf"}}}),
    Case("UNS002", "headers-unknown", False, {}),
    Case(
        "UNS002",
        "present",
        False,
        {
            "tables": {
                "headers": {
                    "List-Unsubscribe": "<https://shop.test/u/1>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
            }
        },
    ),
    Case(
        "UNS003",
        "mailto-only",
        True,
        {"tables": {"headers": {"List-Unsubscribe": "<mailto:u@shop.test>"}}},
    ),
    Case(
        "UNS003",
        "no-post-header",
        True,
        {"tables": {"headers": {"List-Unsubscribe": "<https://shop.test/u/1>"}}},
    ),
    Case(
        "UNS003",
        "one-click",
        False,
        {
            "tables": {
                "headers": {
                    "List-Unsubscribe": "<https://shop.test/u/1>, <mailto:u@shop.test>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
            }
        },
    ),
    # PER
    Case(
        "PER001",
        "ru-no-fallback",
        True,
        {"body": body_with("<p>Привет, {{ first_name }}!</p>"), "template": "jinja"},
    ),
    Case(
        "PER001",
        "fallback",
        False,
        {
            "body": body_with("<p>Привет, {{ first_name | default('друг', true) }}!</p>"),
            "template": "jinja",
        },
    ),
    Case(
        "PER001",
        "guard",
        False,
        {
            "body": body_with("{% if first_name %}<p>Hi {{ first_name }}!</p>{% endif %}"),
            "template": "jinja",
        },
    ),
    Case(
        "PER001",
        "system-variable",
        False,
        {
            "body": body_with('<a href="{{ web_url }}">Web</a>'),
            "template": "jinja",
            "system_variables": ["web_url"],
        },
    ),
    Case(
        "PER001",
        "mailchimp-unguarded",
        True,
        {"body": body_with("<p>Hello *|FNAME|*,</p>"), "template": "mailchimp"},
    ),
    Case(
        "PER001",
        "liquid-default",
        False,
        {"body": body_with("<p>Hi {{ first_name | default: 'there' }},</p>"), "template": "liquid"},
    ),
    Case(
        "PER002",
        "ru-empty-name",
        True,
        {
            "body": body_with("<p>Привет, {{ first_name | default('друг') }}!</p>"),
            "template": "jinja",
            "samples": "r.json",
            "files": {"r.json": '[{"first_name": "Анна"}, {"first_name": ""}]'},
        },
    ),
    Case(
        "PER002",
        "en-none-in-the-data",
        True,
        {
            "body": body_with("<p>Hello {{ first_name | default('friend', true) }},</p>"),
            "template": "jinja",
            "samples": "r.json",
            "files": {"r.json": '[{"first_name": "Ann"}, {"first_name": "None"}]'},
        },
    ),
    Case(
        "PER002",
        "covered",
        False,
        {
            "body": body_with("<p>Привет, {{ first_name | default('друг', true) }}!</p>"),
            "template": "jinja",
            "samples": "r.csv",
            "files": {"r.csv": "first_name\nАнна\n\n"},
        },
    ),
    Case(
        "PER003",
        "leftover-in-static-html",
        True,
        {"body": body_with("<p>Hi *|FNAME|*</p>"), "template": "none"},
    ),
    Case(
        "PER003",
        "rendered-clean",
        False,
        {"body": body_with("<p>Hi {{ name | default('there', true) }}</p>"), "template": "jinja"},
    ),
    Case(
        "PER004",
        "unclosed-if",
        True,
        {"body": body_with("{% if first_name %}Привет"), "template": "jinja"},
    ),
    Case(
        "PER004",
        "handlebars-unbalanced",
        True,
        {"body": body_with("{{#if first_name}}Hi"), "template": "handlebars"},
    ),
    Case(
        "PER004",
        "valid",
        False,
        {"body": body_with("{% if first_name %}Привет{% endif %}"), "template": "jinja"},
    ),
    Case(
        "PER005",
        "not-in-samples",
        True,
        {
            "body": body_with("<p>{{ city | default('Москва', true) }}</p>"),
            "template": "jinja",
            "samples": "r.json",
            "files": {"r.json": '[{"first_name": "Анна"}]'},
        },
    ),
    Case(
        "PER005",
        "nested-json",
        False,
        {
            "body": body_with("<p>{{ user.city | default('Москва', true) }}</p>"),
            "template": "jinja",
            "samples": "r.json",
            "files": {"r.json": '[{"user": {"city": "Казань"}}]'},
        },
    ),
    Case(
        "PER006",
        "jinja-default-no-true",
        True,
        {
            "body": body_with("<p>Привет, {{ first_name | default('друг') }}!</p>"),
            "template": "jinja",
        },
    ),
    Case(
        "PER006",
        "jinja-default-true",
        False,
        {
            "body": body_with("<p>Привет, {{ first_name | default('друг', true) }}!</p>"),
            "template": "jinja",
        },
    ),
    Case(
        "PER006",
        "jinja-or",
        False,
        {"body": body_with("<p>Hi {{ first_name or 'there' }}</p>"), "template": "jinja"},
    ),
    Case(
        "PER007",
        "ru-mailchimp-and-handlebars-mixed",
        True,
        {"body": body_with("<p>*|FNAME|* *|LNAME|*, {{#if city}}{{city}}{{/if}}</p>")},
    ),
    Case(
        "PER007",
        "en-placeholder-braces-no-engine-reads",
        True,
        {"body": body_with("<p>{{ Campaign Source Name }}</p>")},
    ),
    Case(
        "PER007",
        "ru-one-dialect",
        False,
        {"body": body_with("<p>Привет, {{ first_name | default('друг', true) }}!</p>")},
    ),
    Case(
        "PER008",
        "en-nested-loops-over-budget",
        True,
        {
            "body": body_with(
                "<p>Hi!</p>{% for i in range(100000) %}{% for j in range(100000) %}"
                "{% endfor %}{% endfor %}"
            ),
            "template": "jinja",
        },
    ),
    Case(
        "PER008",
        "ru-small-loop",
        False,
        {
            "body": body_with("<p>Привет!{% for i in range(3) %} ★{% endfor %}</p>"),
            "template": "jinja",
        },
    ),
    Case(
        "PER009",
        "ru-liquid-footer-partial",
        True,
        {
            "body": body_with(
                '<p>Привет, {{ first_name | default: "друг" }}!</p>{% render "footer" %}'
            ),
            "template": "liquid",
        },
    ),
    Case(
        "PER009",
        "en-handlebars-without-partials",
        False,
        {
            "body": body_with("<p>Hi {{#if name}}{{name}}{{else}}there{{/if}}!</p>"),
            "template": "handlebars",
        },
    ),
    # SIZE, IMG, TXT
    Case("SIZE001", "over-102kb", True, {"body": body_with("<p>" + "Ж" * 60_000 + "</p>")}),
    Case("SIZE001", "under", False, {"body": body_with("<p>" + "x" * 90_000 + "</p>")}),
    Case("SIZE002", "c1", True, {"body": body_with("<p>Don\x92t</p>")}),
    Case("SIZE002", "quotes", False, {"body": body_with("<p>Don’t – «ёлка»</p>")}),
    Case("IMG001", "no-alt", True, {"body": body_with('<img src="https://cdn.shop.test/b.png">')}),
    Case(
        "IMG001",
        "empty-alt-decorative",
        False,
        {"body": body_with('<img src="https://cdn.shop.test/b.png" alt="">')},
    ),
    Case(
        "IMG002",
        "eml-cid-without-its-part",
        True,
        {
            "eml": "From: Shop <news@shop.test>\nSubject: x\nContent-Type: text/html\n\n"
            '<img src="cid:logo@shop.test" alt="Shop">\n'
        },
    ),
    Case(
        "IMG002",
        "template-cid-not-verified",
        True,
        {"body": body_with('<img src="cid:logo@shop.test" alt="Shop">')},
    ),
    Case(
        "IMG002",
        "web-image",
        False,
        {"body": body_with('<img src="https://cdn.shop.test/b.png" alt="Shop">')},
    ),
    Case(
        "IMG003",
        "data-uri",
        True,
        {"body": body_with('<img src="data:image/png;base64,iVBORw0KGgo=" alt="Shop">')},
    ),
    Case(
        "IMG003",
        "data-uri-spacer",
        False,
        {"body": body_with('<img src="data:image/gif;base64,R0lGOD=" width="1" height="1">')},
    ),
    Case(
        "IMG004",
        "webp",
        True,
        {"body": body_with('<img src="https://cdn.shop.test/hero.webp" alt="Shop">')},
    ),
    Case(
        "IMG004",
        "webp-in-a-picture-source",
        False,
        {
            "body": body_with(
                '<picture><source srcset="https://cdn.shop.test/hero.webp" type="image/webp">'
                '<img src="https://cdn.shop.test/hero.jpg" alt="Shop"></picture>'
            )
        },
    ),
    Case(
        "TXT001",
        "text-named-but-empty",
        True,
        {"text": "email.txt", "files": {"email.txt": "  \n"}},
    ),
    Case(
        "TXT001",
        "text-part",
        False,
        {"text": "email.txt", "files": {"email.txt": "Скидки: https://shop.test/\n"}},
    ),
    # a URL a hard line break cuts (details: test_text_part_links.py)
    Case(
        "TXT002",
        "url-cut-by-a-line-break",
        True,
        {
            "text": "email.txt",
            "files": {
                "email.txt": "Отписаться от рассылки можно здесь: https://shop.test/account/\n"
                "unsubscribe?list=weekly\n"
            },
        },
    ),
    Case(
        "TXT002",
        "url-on-its-own-line",
        False,
        {
            "text": "email.txt",
            "files": {
                "email.txt": "Отписаться от рассылки можно здесь:\n"
                "https://shop.test/account/unsubscribe?list=weekly\n"
            },
        },
    ),
    # BRF (details and exact messages: test_brief_rules.py)
    Case("BRF001", "lorem", True, {"body": body_with("<p>Lorem ipsum dolor sit amet</p>")}),
    Case("BRF001", "ru-copy", False, {"body": body_with("<h1>Скидки недели</h1>")}),
    Case(
        "BRF002",
        "stale-date",
        True,
        {"body": body_with("<p>До 30.11.2025</p>"), "send_at": "2026-11-27T10:00:00+03:00"},
    ),
    Case(
        "BRF002",
        "future-date",
        False,
        {"body": body_with("<p>До 30.11.2026</p>"), "send_at": "2026-11-27T10:00:00+03:00"},
    ),
    Case("BRF003", "mojibake", True, {"body": body_with("<p>Ð¿Ñ€Ð¸Ð²ÐµÑ‚</p>")}),
    Case("BRF003", "ru-text", False, {"body": body_with("<p>Привет, мир</p>")}),
    Case("BRF003", "ru-escaped-twice", True, {"body": body_with("<p>Скидки&amp;nbsp;30%</p>")}),
    Case("BRF004", "missing", True, {"tables": {"expect": {"text": ["PROMO30"]}}}),
    Case("BRF004", "present", False, {"tables": {"expect": {"text": ["Здравствуйте"]}}}),
    Case("BRF005", "missing", True, {"tables": {"expect": {"links": ["shop.test/cyber"]}}}),
    Case("BRF005", "present", False, {"tables": {"expect": {"links": ["shop.test/sale"]}}}),
    Case("BRF006", "present", True, {"tables": {"expect": {"forbid": ["выбрать"]}}}),
    Case("BRF006", "absent", False, {"tables": {"expect": {"forbid": ["SUMMER25"]}}}),
    Case("BRF007", "latin-c-in-a-russian-word", True, {"body": RU_BODY + "<p>На cайте</p>"}),
    Case("BRF007", "words-of-one-alphabet", False, {"body": RU_BODY + "<p>На сайте shop</p>"}),
    # A11Y (details and exact messages: test_accessibility_rules.py)
    Case("A11Y001", "no-lang", True, {"html": "<html><body><p>Привет</p></body></html>"}),
    Case(
        "A11Y001", "lang-ru", False, {"html": '<html lang="ru"><body><p>Привет</p></body></html>'}
    ),
    Case("A11Y002", "arabic-no-dir", True, {"body": body_with("<p>مرحبا بكم في متجرنا</p>")}),
    Case(
        "A11Y002", "arabic-dir", False, {"body": body_with('<p dir="rtl">مرحبا بكم في متجرنا</p>')}
    ),
    Case("A11Y002", "a-word-in-a-switcher", False, {"body": body_with("<p>EN | العربية</p>")}),
    Case("A11Y003", "layout", True, {"body": body_with("<table><tr><td>x</td></tr></table>")}),
    Case(
        "A11Y003",
        "presentation",
        False,
        {"body": body_with('<table role="presentation"><tr><td>x</td></tr></table>')},
    ),
    Case(
        "A11Y004",
        "linked-image-no-alt",
        True,
        {
            "body": body_with(
                '<a href="https://shop.test/"><img src="https://cdn.shop.test/x.png" alt=""></a>'
            )
        },
    ),
    Case(
        "A11Y004",
        "linked-image-alt",
        False,
        {
            "body": body_with(
                '<a href="https://shop.test/"><img src="https://cdn.shop.test/x.png" alt="Каталог"></a>'
            )
        },
    ),
    Case(
        "A11Y004",
        "background-icon-no-text",
        True,
        {
            "body": body_with(
                '<a href="https://vk.com/shop" style="background:url(https://cdn.shop.test/vk.png)">'
                "&#160;</a>"
            )
        },
    ),
    Case(
        "A11Y004",
        "background-icon-aria-label",
        False,
        {
            "body": body_with(
                '<a href="https://vk.com/shop" aria-label="ВКонтакте" '
                'style="background:url(https://cdn.shop.test/vk.png)">&#160;</a>'
            )
        },
    ),
    Case(
        "A11Y005",
        "zdes",
        True,
        {"body": body_with(f'<a href="https://shop.test/?{UTM}">здесь</a>')},
    ),
    Case(
        "A11Y005",
        "named",
        False,
        {"body": body_with(f'<a href="https://shop.test/?{UTM}">Каталог</a>')},
    ),
    Case(
        "A11Y006",
        "grey-on-white",
        True,
        {"body": body_with('<p style="background:#fff"><span style="color:#aaa">мелко</span></p>')},
    ),
    Case(
        "A11Y006",
        "dark-on-white",
        False,
        {"body": body_with('<p style="background:#fff"><span style="color:#333">ясно</span></p>')},
    ),
    Case("A11Y007", "h1-h3", True, {"body": body_with("<h1>А</h1><h3>Б</h3>")}),
    Case("A11Y007", "h1-h2", False, {"body": body_with("<h1>А</h1><h2>Б</h2>")}),
    # RU (profile = "ru"; details and exact messages: test_compliance_ru.py)
    Case(
        "RU001",
        "partner-unmarked",
        True,
        {"profile": "ru", "body": body_with('<a href="https://bank.example/card">Карта</a>')},
    ),
    Case(
        "RU001",
        "no-profile",
        False,
        {"body": body_with('<a href="https://bank.example/card">Карта</a>')},
    ),
    Case(
        "RU002",
        "email-in-url",
        True,
        {"profile": "ru", "body": body_with('<a href="https://shop.test/?e=a%40b.ru">Профиль</a>')},
    ),
    Case("RU002", "clean", False, {"profile": "ru"}),
    Case(
        "RU003",
        "ga-pixel",
        True,
        {"profile": "ru", "body": body_with('<img src="https://google-analytics.com/c" alt="">')},
    ),
    Case("RU003", "clean", False, {"profile": "ru"}),
    Case(
        "RU004",
        "no-list-id",
        True,
        {"profile": "ru", "tables": {"headers": {"List-Unsubscribe": "<https://shop.test/u>"}}},
    ),
    Case("RU004", "headers-unknown", False, {"profile": "ru"}),
    # HDR: saved messages only ("eml": the file's text)
    Case("HDR001", "two-subjects", True, {"eml": eml_with("Subject: Скидки\nSubject: Sale\n")}),
    Case(
        "HDR001",
        "sent-without-from",
        True,
        {"eml": eml_with("Subject: Скидки\n", sender="Received: from a.test by b.test\n")},
    ),
    Case("HDR001", "export-without-from", False, {"eml": eml_with("Subject: x\n", sender="")}),
    Case(
        "HDR001", "one-of-each", False, {"eml": eml_with("Subject: =?utf-8?B?0KHQutC40LTQutC4?=\n")}
    ),
    # HTML: markup that hides the e-mail
    Case("HTML001", "ru-footer-comment-left-open", True, {"body": "<!-- подвал\n" + RU_BODY}),
    Case("HTML001", "closed", False, {"body": "<!-- подвал -->\n" + RU_BODY}),
    Case(
        "HTML002",
        "script-in-body",
        True,
        {"body": '<script src="https://cdn.shop.test/app.js"></script>\n' + RU_BODY},
    ),
    Case("HTML002", "style-block", False, {"body": "<style>p{color:#222}</style>\n" + RU_BODY}),
    # SUP: a suppression comment for a plain-http link the campaign no longer has (RU_BODY's
    # links are https); and one that hides the http:// link after it
    Case(
        "SUP001",
        "ignore-hides-nothing",
        True,
        {"body": "<!-- mailcheck: ignore LNK004 -->\n" + RU_BODY},
    ),
    Case(
        "SUP001",
        "ignore-hides-plain-http",
        False,
        {
            "body": '<!-- mailcheck: ignore LNK004 -->\n<p><a href="http://shop.test/a">А</a></p>\n'
            + RU_BODY
        },
    ),
    Case("HDR003", "qp-labelled-7bit", True, {"eml": QP_AS_7BIT}),
    Case(
        "HDR003",
        "qp-labelled-qp",
        False,
        {"eml": QP_AS_7BIT.replace("Encoding: 7bit", "Encoding: quoted-printable")},
    ),
    Case(
        "HDR003",
        "rules-of-equals-signs",
        False,
        {"eml": eml_with("Subject: x\n").replace("</body>", "<p>==========\n?view=3D</p></body>")},
    ),
    Case(
        "HDR004",
        "plain-text-last",
        True,
        {"eml": ALTERNATIVE.format(first="text/html", last="text/plain")},
    ),
    Case(
        "HDR004",
        "plain-text-first",
        False,
        {"eml": ALTERNATIVE.format(first="text/plain", last="text/html")},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case: Case, tmp_path: Path) -> None:
    kwargs = dict(case.kwargs)
    if "eml" in kwargs:
        (tmp_path / "send.eml").write_text(kwargs.pop("eml"), encoding="utf-8")
        result = check(tmp_path / "send.eml")
        found = only(result, case.code)
        assert bool(found) == case.fails, [(f.code, f.message) for f in result.findings]
        return
    if "from" not in kwargs:
        kwargs["from"] = "Shop <news@shop.test>"
    kwargs.setdefault("body", RU_BODY)
    result = check(write_campaign(tmp_path, **kwargs))
    found = only(result, case.code)
    if case.fails:
        assert found, f"{case.code} expected, got {[(f.code, f.message) for f in result.findings]}"
        assert all(f.message for f in found)
    else:
        assert not found, [f.message for f in found]


def test_every_offline_rule_has_cases() -> None:
    from mailcheck.registry import load_registry

    offline = {r.code for r in load_registry().rules.values() if not r.network}
    offline.discard("INP001")  # covered by test_inputs.py
    offline.discard("INP002")  # covered by test_mail_files.py
    covered_fail = {c.code for c in CASES if c.fails}
    covered_pass = {c.code for c in CASES if not c.fails}
    assert offline <= covered_fail, offline - covered_fail
    assert offline <= covered_pass, offline - covered_pass


@pytest.mark.parametrize(
    ("greeting", "template"),
    [
        ('<p>Привет, {{ first_name | default: "" }}!</p>', "liquid"),
        ("<p>Привет, {{ first_name | default('', true) }}!</p>", "jinja"),
        ("<p>Привет, {{ first_name or ' ' }}!</p>", "jinja"),
    ],
)
def test_an_empty_fallback_that_breaks_the_text_is_no_fallback(
    tmp_path: Path, greeting: str, template: str
) -> None:
    # was PER006, a warning: every recipient without a name reads "Привет, !", as with none
    result = check(write_campaign(tmp_path, body=body_with(greeting), template=template))
    [per001] = only(result, "PER001")
    assert per001.message == (
        "“first_name” has an empty fallback, which is none: "
        'with first_name = "" the text reads “Привет, !”'
    )
    assert per001.places == ("email.html:9",)
    assert only(result, "PER006") == []


def test_an_empty_fallback_after_a_gendered_greeting_is_no_fallback_either(
    tmp_path: Path,
) -> None:
    # a QA probe: «Привет, {{ name | default('', true) }},» was PER001, «Уважаемый(ая) …,»
    # passed, though it reads «Уважаемый(ая) , ждём вас» for everyone without a name
    greeting = "<p>Уважаемый(ая) {{ first_name | default('', true) }}, ждём вас!</p>"
    result = check(write_campaign(tmp_path, body=body_with(greeting), template="jinja"))
    [per001] = only(result, "PER001")
    assert per001.message == (
        "“first_name” has an empty fallback, which is none: "
        'with first_name = "" the text reads “Уважаемый(ая) ,”'
    )
    assert per001.places == ("email.html:9",)


def test_an_empty_fallback_that_breaks_nothing_is_left_alone(tmp_path: Path) -> None:
    # an optional addition, written to print nothing when missing: the text reads whole
    body = body_with('<p>Доставка бесплатна{{ city_note | default: "" }}.</p>')
    result = check(write_campaign(tmp_path, body=body, template="liquid"))
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []


def test_one_broken_greeting_is_one_finding(tmp_path: Path) -> None:
    """Blanking, two samples with an empty name and the missing fallback are one root cause:
    one PER001, naming the recipients who would receive “Привет, !”."""
    d = write_campaign(
        tmp_path,
        body=body_with("<p>Привет, {{ first_name }}!</p>"),
        template="jinja",
        samples="r.json",
        files={"r.json": '[{"first_name": "Анна"}, {"first_name": ""}, {"first_name": " "}]'},
    )
    result = check(d)
    assert only(result, "PER002") == []
    (finding,) = only(result, "PER001")
    assert "“Привет, !”" in finding.message
    assert "sample 2, sample 3 would receive it" in finding.message


def test_a_variable_no_sample_has_is_one_finding_naming_who_receives_what(
    tmp_path: Path,
) -> None:
    """The samples' CSV has no first_name column and the template no fallback: it was PER001
    ("Привет, None" for a null), and a PER002 for each part sample 1 would receive broken
    ("the subject reads “Привет,”", "the text reads “Привет, !”"), all one root cause."""
    d = write_campaign(
        tmp_path,
        subject="Привет, {{ first_name }}",
        body=body_with("<p>Привет, {{ first_name }}!</p>"),
        template="jinja",
        samples="r.csv",
        files={"r.csv": "email,name\nbob@x.test,Bob\n"},
    )
    result = check(d)
    assert only(result, "PER002") == []
    (finding,) = only(result, "PER001")
    assert finding.message == (
        "“first_name” has no fallback or guard: with no value for first_name in the data the "
        "text reads “Привет, !”; r.csv:2 (Bob) would receive it"
    )
    assert finding.places[0] == "subject"
    assert [f.severity.value for f in only(result, "PER005")] == ["warning"]  # the data's


def test_a_huge_subject_and_preheader_are_quoted_in_part(tmp_path: Path) -> None:
    """A subject of 130,000 characters (one was seen in a test send) makes a message of 300."""
    result = check(
        write_campaign(tmp_path, subject="Скидки 🔥 " * 20_000, preheader="Только сегодня " * 9_000)
    )
    (subject,) = only(result, "SUB002")
    assert subject.message == (
        f"subject is 179999 characters, limit 50: “{('Скидки 🔥 ' * 34)[:300]}…”"
    )
    (preheader,) = only(result, "PRE002")
    assert preheader.message == (
        f"preheader is 134999 characters, limit 90: “{('Только сегодня ' * 20)[:300]}…”"
    )


def test_web_addresses_no_browser_can_open_are_one_error_each(tmp_path: Path) -> None:
    """Typos a QA person would catch ("htp://", a space in the host, a bare "http://"): LNK003
    errors offline, each root cause once with every place it stands, and no LNK004 beside them."""
    body = body_with(
        "\n".join(
            [
                '<p><a href="htp://shop.test/sale">Купить</a></p>',
                '<p><a href="http://">Подробнее</a></p>',
                '<p><a href="http://">Ещё</a></p>',
                '<p><img src="https://cdn shop.test/a.png" alt="Баннер"></p>',
                '<p><a href="https:///shop.test/ok?' + UTM + '">Открывается</a></p>',
            ]
        )
    )
    result = check(write_campaign(tmp_path, body=body))
    found = sorted((f.message, list(f.locations)) for f in only(result, "LNK003"))
    assert found == [
        (
            "2 links (“Подробнее”, “Ещё”): “http://” with no address after it",
            ["email.html:10", "email.html:11"],
        ),
        (
            "image (“Баннер”): not a valid URL (“cdn shop.test” is not a host name)",
            ["email.html:12"],
        ),
        (
            "link (“Купить”): “htp:” is not a web address scheme (a typo of http?)",
            ["email.html:9"],
        ),
    ]
    assert only(result, "LNK004") == []


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "https://shop.test/u/1",  # written by hand, without the angle brackets
            "List-Unsubscribe has no address in angle brackets (write <https://…>: RFC 2369)",
        ),
        ("<mailto:u@shop.test>", "no https URL in List-Unsubscribe"),
        (
            "<https://shop test/u/1>, <mailto:u@shop.test>",
            "the https URL in List-Unsubscribe cannot be opened: "
            "not a valid URL (“shop test” is not a host name)",
        ),
        ("<https://shop.test/u/{{ uid }}>", None),  # the ESP fills it in
        ("<https://shop test/u/1>, <https://shop.test/u/1>", None),  # one of them opens
    ],
)
def test_one_click_unsubscribe_says_what_is_wrong_with_the_header(
    tmp_path: Path, header: str, message: str | None
) -> None:
    headers = {"List-Unsubscribe": header, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    result = check(write_campaign(tmp_path, tables={"headers": headers}))
    found = [(f.message, f.location) for f in only(result, "UNS003")]
    assert found == ([(message, "headers")] if message else [])
    assert only(result, "UNS002") == []


def test_a_line_break_in_the_subject_is_one_error_showing_where(tmp_path: Path) -> None:
    written = check(write_campaign(tmp_path, "written", subject="Big sale\r\nstarts today"))
    [finding] = only(written, "SUB003")
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "the subject holds a line break (U+000D, U+000A): “Big sale⏎⏎starts today”"
    )
    assert finding.places == ("subject",)
    # a sample value pasted with its line end breaks the rendered subject
    pasted = write_campaign(
        tmp_path,
        "pasted",
        subject="Hi {{ name | default('there') }}",
        template="jinja",
        samples="r.json",
        files={"r.json": '[{"name": "Anna\\n"}]'},
    )
    [finding] = only(check(pasted), "SUB003")
    assert finding.message == (
        "the subject holds a line break (U+000A) when rendered with longest values: “Hi Anna⏎”"
    )


def test_control_characters_in_the_subject_are_named_as_such(tmp_path: Path) -> None:
    # a colour code pasted from a terminal: it was "a line break (U+001B)" shown as "⏎"
    d = write_campaign(tmp_path, subject="\x1b[31mALERT\x1b[0m: sale\nends \x07today")
    [finding] = only(check(d), "SUB003")
    assert finding.message == (
        "the subject holds control characters (U+001B, U+000A, U+0007): "
        "“⟨U+001B⟩[31mALERT⟨U+001B⟩[0m: sale⏎ends ⟨U+0007⟩today”"
    )


def test_a_bidi_override_in_the_subject_is_an_error_shown_by_its_code(tmp_path: Path) -> None:
    # U+202E shows "gpj.exe" reversed, as "exe.jpg": the classic spoofing trick
    spoof = write_campaign(tmp_path, "spoof", subject="Скидка \u202egpj.exe")
    [finding] = only(check(spoof), "SUB003")
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "the subject holds a bidirectional override (U+202E): the text after it is shown "
        "reordered, a spoofing trick mailbox providers penalise: “Скидка ⟨U+202E⟩gpj.exe”"
    )
    assert finding.places == ("subject",)
    # brought by a sample value: said once, for the rendering
    pasted = write_campaign(
        tmp_path,
        "pasted",
        subject="Hi {{ name | default('there') }}",
        template="jinja",
        samples="r.json",
        files={"r.json": '[{"name": "\u202dAnna\u202c"}]'},
    )
    [finding] = only(check(pasted), "SUB003")
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith(
        "the subject holds a bidirectional override (U+202D) when rendered with longest values"
    )
    assert finding.message.endswith("“Hi ⟨U+202D⟩Anna⟨U+202C⟩”")
    # an embedding is a warning; with an override too, the override alone is reported
    embedded = write_campaign(tmp_path, "embedded", subject="Цена \u202b100 ₪\u202c сегодня")
    [finding] = only(check(embedded), "SUB003")
    assert finding.severity is Severity.WARNING
    assert "bidirectional embedding (U+202B)" in finding.message
    both = write_campaign(tmp_path, "both", subject="\u202bА\u202c \u202eБ")
    assert [(f.severity, "U+202E" in f.message) for f in only(check(both), "SUB003")] == [
        (Severity.ERROR, True)
    ]
    # isolates and marks are what right-to-left text uses: nothing to report
    rtl = write_campaign(tmp_path, "rtl", subject="Sale \u2067שלום\u2069 \u200fnow")
    assert only(check(rtl), "SUB003") == []
    # a line break and an override are two findings of the rule
    broken = write_campaign(tmp_path, "broken", subject="Big\nsale \u202egpj.exe")
    assert sorted(f.message.split(" (")[0] for f in only(check(broken), "SUB003")) == [
        "the subject holds a bidirectional override",
        "the subject holds a line break",
    ]


def test_a_bare_html_files_title_is_only_probably_its_subject(tmp_path: Path) -> None:
    # MJML writes <title></title>; a web page's title is long: the ESP's subject is set apart
    page = "<html><head><title>{title}</title></head><body><p>Скидки</p></body></html>"
    (tmp_path / "empty.html").write_text(page.format(title=""), encoding="utf-8")
    long_title = "ACME — Черная пятница: скидки до 70% на всю коллекцию одежды"
    (tmp_path / "long.html").write_text(page.format(title=long_title), encoding="utf-8")
    [empty] = only(check(tmp_path / "empty.html"), "SUB001")
    assert empty.severity is Severity.WARNING
    assert empty.message.startswith("no subject to check: the file's <title> is empty")
    [long] = only(check(tmp_path / "long.html"), "SUB002")
    assert long.severity is Severity.WARNING
    assert long.message == (
        "the file's <title>, the subject if the ESP's is the same, is 60 characters, limit 50: "
        f"“{long_title}”"
    )
    # a campaign's own subject stays certain
    d = write_campaign(tmp_path, "c", subject="")
    assert [f.severity for f in only(check(d), "SUB001")] == [Severity.ERROR]


def test_a_bare_html_files_title_that_copies_a_paragraph_is_no_subject(tmp_path: Path) -> None:
    # RUNET-ID's views put their lead paragraph in the <title>, 170-201 characters: the copy's
    # words, not a subject; SUB001 says there is none to check, SUB002 measures nothing
    lead = (
        "14 июня, во вторник, пройдёт Форум «Интернет+Общество», четвёртый из 8 отраслевых "
        "Форумов. Спасибо Вам, что внимательны к нашим рассылкам!"
    )
    page = (
        "<html><head><title>{title}</title></head><body>\n<h2>Здравствуйте!</h2>\n"
        '<p class="lead">{lead}</p>\n<p>Подробности на сайте.</p>\n</body></html>'
    )
    (tmp_path / "copy.html").write_text(page.format(title=lead, lead=lead), encoding="utf-8")
    result = check(tmp_path / "copy.html")
    assert only(result, "SUB002") == []
    [none] = only(result, "SUB001")
    assert (none.severity, none.location) == (Severity.WARNING, "subject")
    assert none.message == (
        "no subject to check: the file's <title> is the paragraph at line 3 word for word "
        "(138 characters), not a subject; a bare HTML file's subject is set in the ESP (give "
        "`subject` in campaign.toml to check it)"
    )
    # a long title that is no paragraph (a part of one, or a hidden one) stays SUB002's
    hidden = f'<p style="display:none">{lead}</p><p>Скидки</p>'
    for name, html in (
        ("part.html", page.format(title=lead[:90], lead=lead)),
        ("hidden.html", page.replace('<p class="lead">{lead}</p>', hidden).format(title=lead)),
    ):
        (tmp_path / name).write_text(html, encoding="utf-8")
        found = check(tmp_path / name)
        assert only(found, "SUB001") == [], name
        [long] = only(found, "SUB002")
        assert (long.severity, long.location) == (Severity.WARNING, "subject"), name
    # a short title the copy repeats may be the subject: nothing to say
    (tmp_path / "short.html").write_text(
        page.format(title="Форум 14 июня", lead="Форум 14 июня"), encoding="utf-8"
    )
    short = check(tmp_path / "short.html")
    assert only(short, "SUB001") == only(short, "SUB002") == []


def test_a_preview_element_only_named_so_is_not_verified(tmp_path: Path) -> None:
    # Mailchimp's blueprints: a top row with class="preheader" that no style of its own hides
    # (a stylesheet may, or not: then it is the body's first line); one hidden inline that
    # long is an error
    teaser = "Только до воскресенья: скидки до 70% на пуховики, ботинки, шапки, шарфы и варежки"
    row = f'<table><tr><td class="preheader">{teaser} — и ещё подарки к заказу</td></tr></table>'
    named = check(write_campaign(tmp_path, "named", preheader_html=row))
    [pre002] = only(named, "PRE002")
    assert pre002.severity is Severity.WARNING
    assert pre002.message.startswith(
        "could not verify the preheader: the element named “preheader” holds 106 characters, "
        "limit 90, but no style of its own hides it"
    )
    hidden = f'<div style="display:none">{teaser} — и ещё подарки к заказу</div>'
    [pre002] = only(check(write_campaign(tmp_path, "hidden", preheader_html=hidden)), "PRE002")
    assert pre002.severity is Severity.ERROR
    short = '<table><tr><td class="preheader">Скидки до 70%</td></tr></table>'
    assert only(check(write_campaign(tmp_path, "short", preheader_html=short)), "PRE002") == []
    # the count is of the text quoted, a template pack's "[Product Name]" in it (Postmark's
    # welcome said "holds 101" of a 115-character text: 101 without the stand-in)
    pack = teaser.replace("пуховики", "[Product Name]")
    row = f'<table><tr><td class="preheader">{pack} — и ещё подарки к заказу</td></tr></table>'
    [pre002] = only(check(write_campaign(tmp_path, "pack", preheader_html=row)), "PRE002")
    assert "holds 112 characters, limit 90" in pre002.message


def test_a_preview_element_a_stylesheet_hides_is_the_preheader(tmp_path: Path) -> None:
    # Postmark's templates: <span class="preheader"> hidden by a <style> rule, not inline:
    # the preheader for certain, so over the limit it is the error its inlined twin gets
    text = (
        "Thanks for trying out our product. We have pulled together some information and "
        "resources to help you get started."
    )  # 114 characters
    span = f'<span class="preheader">{text}</span>'

    def page(css: str) -> str:
        html = HTML_TEMPLATE.format(title="Welcome", preheader=span, body=CLEAN_BODY)
        return html.replace("</title>", f"</title><style>{css}</style>")

    hidden = ".preheader {display: none !important; mso-hide: all}"
    [pre002] = only(check(write_campaign(tmp_path, "styled", html=page(hidden))), "PRE002")
    assert (pre002.severity, pre002.places) == (Severity.ERROR, ("preheader",))
    assert pre002.message == f"preheader is 114 characters, limit 90: “{text}”"
    # a selector that picks it through its ancestors is the same rule
    nested = "body span.preheader {opacity: 0; max-height: 0; overflow: hidden}"
    [pre002] = only(check(write_campaign(tmp_path, "nested", html=page(nested))), "PRE002")
    assert pre002.severity is Severity.ERROR
    # still unclear which text is the preview: a rule that styles it without hiding it, one
    # hiding it on small screens only (@media), one for another class, or a :hover state
    for name, css in {
        "shown": ".preheader {color: #999; font-size: 12px}",
        "media": "@media (max-width: 480px) {.preheader {display: none}}",
        "other": ".footer {display: none}",
        "hover": ".preheader:hover {display: none}",
        # the page has a <p> and a .preheader (a <span>), but no p.preheader: what picks an
        # image or a colour may be taken wider, what hides the preheader is matched exactly
        "p": "p.preheader {display: none}",
    }.items():
        [pre002] = only(check(write_campaign(tmp_path, name, html=page(css))), "PRE002")
        assert pre002.severity is Severity.WARNING, name
        assert pre002.message.startswith("could not verify the preheader: the element named")


def test_documents_that_share_a_stylesheet_write_out_its_rules_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules of a stylesheet that hides the preheader, shared by two documents, are
    written out once to be asked whether they hide it: the second document's check writes
    out only the hiding rule's selector, and its PRE002 is the first one's. The 40 rules
    that name no hiding property are not written out at all (read from their tokens)."""
    import tinycss2

    written: list[int] = []
    serialize = tinycss2.serialize

    def counted(nodes: Any) -> str:
        written.append(1)
        return serialize(nodes)

    monkeypatch.setattr(tinycss2, "serialize", counted)
    text = (
        "Thanks for trying out our product. We have pulled together some information and "
        "resources to help you get started."
    )  # 114 characters
    span = f'<span class="preheader">{text}</span>'
    filler = " ".join(f".r{i} {{ margin: {i}px }}" for i in range(40))
    css = f"/* {tmp_path.name} */ {filler} .preheader {{display: none}}"
    html = HTML_TEMPLATE.format(title="Welcome", preheader=span, body=CLEAN_BODY)
    html = html.replace("</title>", f"</title><style>{css}</style>")
    counts = []
    for name in ("first", "second"):
        written.clear()
        [pre002] = only(check(write_campaign(tmp_path, name, html=html)), "PRE002")
        assert (pre002.severity, pre002.places) == (Severity.ERROR, ("preheader",))
        assert pre002.message == f"preheader is 114 characters, limit 90: “{text}”"
        counts.append(len(written))
    assert counts == [2, 1]  # the hiding rule's declarations and selector, then the selector


def test_a_stylesheet_that_hides_nothing_is_not_parsed_for_the_preheader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stylesheet that names the preheader but writes no hiding declaration anywhere
    (Mailchimp's #templatePreheader: colours and paddings) is not tokenised to be asked
    whether a rule hides it: PRE002 is the warning reading every rule gave. A stylesheet with
    a preheader trick for some clients alone (mso-hide:all, a zero max-height or max-width)
    is still read, and its rule hides the preheader."""
    import tinycss2

    parsed: list[int] = []
    parse_stylesheet = tinycss2.parse_stylesheet

    def counted(css: str, **options: Any) -> Any:
        parsed.append(1)
        return parse_stylesheet(css, **options)

    monkeypatch.setattr(tinycss2, "parse_stylesheet", counted)
    text = (
        "Thanks for trying out our product. We have pulled together some information and "
        "resources to help you get started."
    )  # 114 characters
    span = f'<span class="preheader">{text}</span>'

    def page(css: str) -> str:
        html = HTML_TEMPLATE.format(title="Welcome", preheader=span, body=CLEAN_BODY)
        # a comment of the test's own: no stylesheet read by another test is cached
        return html.replace("</title>", f"</title><style>/* {tmp_path.name} */ {css}</style>")

    styled = ".preheader {color: #999; padding: 0 8px; font-size: 12px} td {height: 20px}"
    [pre002] = only(check(write_campaign(tmp_path, "styled", html=page(styled))), "PRE002")
    assert pre002.severity is Severity.WARNING
    assert pre002.message.startswith("could not verify the preheader: the element named")
    assert parsed == []
    for name, declaration in {
        "outlook": "mso-hide: all",
        "max-height": "max-height: 0",
        "max-width": "MAX-WIDTH: 0 !important",
    }.items():
        css = f".preheader {{color: #999; {declaration}}}"
        [pre002] = only(check(write_campaign(tmp_path, name, html=page(css))), "PRE002")
        assert (pre002.severity, pre002.places) == (Severity.ERROR, ("preheader",)), name
    assert len(parsed) == 3


def test_a_template_packs_name_stand_in_is_not_counted_in_the_length(tmp_path: Path) -> None:
    # Postmark's trial-expiring preheader: 91 characters with "[Product Name]", whose place a
    # name of any length takes: over the limit only with it, so not verified (with BRF001 run,
    # its placeholder's finding says it: tests/test_one_root_cause.py)
    teaser = "Your trial period for [Product Name] is about expired. Is there anything we can do to help?"
    hidden = f'<div style="display:none">{teaser}</div>'
    trial = write_campaign(tmp_path, "trial", preheader_html=hidden, ignore=["BRF001"])
    [pre002] = only(check(trial), "PRE002")
    assert (pre002.severity, pre002.location) == (Severity.WARNING, "preheader")
    assert pre002.message == (
        "could not verify the preheader's length: 77 characters, limit 90, and then the name "
        f"that replaces the placeholder “[Product Name]”: “{teaser}”"
    )
    # over the limit without it: certain (Postmark's welcome, 101 of 115 characters)
    welcome = (
        "Thanks for trying out [Product Name]. We’ve pulled together some information and "
        "resources to help you get started."
    )
    hidden = f'<div style="display:none">{welcome}</div>'
    [pre002] = only(check(write_campaign(tmp_path, "welcome", preheader_html=hidden)), "PRE002")
    assert pre002.severity is Severity.ERROR
    assert pre002.message.startswith(
        "preheader is 101 characters without the placeholder “[Product Name]”, limit 90: "
    )
    # the subject is measured so too; a bracketed word of real copy is counted
    subject = "[Company Name] — your order has shipped, track it here"  # 54, 40 without
    [sub002] = only(check(write_campaign(tmp_path, "subject", subject=subject)), "SUB002")
    assert sub002.severity is Severity.WARNING
    assert sub002.message.startswith("could not verify the subject's length: 40 characters")
    webinar = "[Webinar] Your order has shipped, track it here now!"  # 52
    [sub002] = only(check(write_campaign(tmp_path, "webinar", subject=webinar)), "SUB002")
    assert sub002.severity is Severity.ERROR


def test_subject_too_long_says_rendered_only_of_a_subject_with_variables(tmp_path: Path) -> None:
    """SUB002 said "(rendered with fallbacks)" of a subject with no variable at all whenever the
    body had one (a QA probe: Mindbox's unsubscribe tag in the body)."""
    body = "<p>Привет, {{ name | default('друг', true) }}!</p>"
    plain = "Распродажа зимней одежды: скидки до 50% в Лавке!! 🎄"  # 51
    d = write_campaign(tmp_path, "plain", body=body, subject=plain, template="jinja")
    [sub002] = only(check(d), "SUB002")
    assert (sub002.severity, sub002.location) == (Severity.ERROR, "subject")
    assert sub002.message == f"subject is 51 characters, limit 50: “{plain}”"
    # a subject with a variable says how it was rendered
    subject = "{{ name | default('Друг', true) }}, распродажа зимней одежды: скидки до 50% в Лавк"
    d = write_campaign(tmp_path, "var", body=body, subject=subject, template="jinja")
    [sub002] = only(check(d), "SUB002")
    assert (sub002.severity, sub002.location) == (Severity.ERROR, "subject")
    assert sub002.message == (
        "subject is 52 characters, limit 50 (rendered with fallbacks): "
        "“Друг, распродажа зимней одежды: скидки до 50% в Лавк”"
    )


def test_a_message_of_text_alone_has_its_links_checked(tmp_path: Path) -> None:
    # Campaign.all_links read the HTML only: a text-only test send passed with any link
    eml = tmp_path / "digest.eml"
    eml.write_text(
        "From: Shop <news@shop.test>\nSubject: Weekly digest\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "List-Unsubscribe: <https://shop.test/u/1>\n\n"
        "Hello!\n\n"
        "Buy: https://shop.test/sale.\n"
        "Catalog (http://shop.test/c?utm_source=email&utm_medium=email&utm_campaign=w).\n"
        "Promo: https://example.com/sale\n"
        "Unsubscribe: https://shop.test/u/1\n",
        encoding="utf-8",
    )
    result = check(eml)
    found = {(f.code, f.location, f.url) for f in result.findings if f.code[:3] in ("LNK", "UTM")}
    assert found == {
        ("LNK003", "digest.eml:11", "https://example.com/sale"),
        ("UTM001", "digest.eml:9", "https://shop.test/sale"),  # its full stop left out
        (
            "LNK004",
            "digest.eml:10",
            "http://shop.test/c?utm_source=email&utm_medium=email&utm_campaign=w",
        ),
    }
    assert only(result, "UNS001") == []  # "Unsubscribe: https://…" is the unsubscribe link


def test_a_text_link_alone_on_its_line_is_named_by_the_line_above(tmp_path: Path) -> None:
    # "Отписаться:" on its own line above the URL: UNS001 found the unsubscribe link there,
    # while UTM001 read the link's text as the URL itself and asked it for UTMs
    eml = tmp_path / "digest.eml"
    eml.write_text(
        "From: Shop <news@shop.test>\nSubject: Weekly digest\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "List-Unsubscribe: <https://shop.test/u/1>\n\n"
        "Каталог:\nhttps://shop.test/catalog\n\n"
        "Отписаться:\n\nhttps://shop.test/mach/view.php?id=5\n",
        encoding="utf-8",
    )
    result = check(eml)
    [utm001] = only(result, "UTM001")
    assert (utm001.location, utm001.url) == ("digest.eml:8", "https://shop.test/catalog")
    assert utm001.locations == ("digest.eml:8",)
    assert only(result, "UNS001") == []


def test_a_text_part_that_says_unsubscribe_by_mail_has_a_way_out(tmp_path: Path) -> None:
    # Lyris's list footer (SpamAssassin's neat_net_tricks): every mail client makes the
    # address a link; the same words with no address at all are still no way out
    footer = "To unsubscribe send a blank email to leave-nnt-1234567K@lists.shop.test\n"
    eml = tmp_path / "nnt.eml"
    head = "From: NNT <news@shop.test>\nSubject: Issue 131\nContent-Type: text/plain\n\n"
    eml.write_text(head + "Tips of the week.\n\n---\n" + footer, encoding="utf-8")
    assert only(check(eml), "UNS001") == []
    eml.write_text(head + "Tips of the week.\n\n---\nTo unsubscribe reply.\n", encoding="utf-8")
    [uns001] = only(check(eml), "UNS001")
    # (a reply instruction, no link: said as such, at its line)
    assert (uns001.severity, uns001.location) == (Severity.ERROR, "nnt.eml:8")
    assert "unsubscribe by replying" in uns001.message


def test_a_preheader_after_visible_text_is_named(tmp_path: Path) -> None:
    # was "no preheader (preview text) found": it was there, one line too late
    late = (
        '<p><a href="https://shop.test/web">Открыть в браузере</a></p>\n'
        '<div style="display:none">Осталось 3 дня: скидки до 50%</div>'
    )
    [pre001] = only(check(write_campaign(tmp_path, "late", preheader_html=late)), "PRE001")
    assert pre001.severity is Severity.WARNING
    assert pre001.message == (
        "no preheader at the top: the first hidden text, “Осталось 3 дня: скидки до 50%”, "
        "comes after visible text, “Открыть в браузере”, which inboxes show as the preview "
        "instead (a preheader goes first in <body>)"
    )
    assert pre001.location == "email.html:5"
    none = check(write_campaign(tmp_path, "none", preheader_html=""))
    [missing] = only(none, "PRE001")
    assert missing.location == "preheader"
    # what the inbox shows in its place: the body's first text (the QA probe's "Welcome, …")
    assert missing.message.startswith(
        "no preheader (preview text) found: inboxes show the first text instead, “"
    )


FRAGMENT_LACKS = (
    "could not verify the unsubscribe link (UNS001), the preheader (PRE001): not in this "
    "fragment of a page (no <html>, <head> or <body>), and the layout it is sent in may hold "
    "them: check a test send"
)


def _block(tmp_path: Path, name: str, html: str) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "campaign.toml").write_text(
        'subject = "Скидки недели"\nfrom = "Shop <news@shop.test>"\nhtml = "block.html"\n',
        encoding="utf-8",
    )
    (d / "block.html").write_text(html, encoding="utf-8")
    return d


BLOCK = "<table><tr><td><p>Скидки недели</p></td></tr></table>\n"


def test_a_fragment_without_a_preheader_is_not_verified(tmp_path: Path) -> None:
    """A content block the layout wraps: its preheader is the layout's, as its footer is. One
    cause, the layout mailcheck has not seen: one "could not verify" (a QA probe found UNS001
    and PRE001 each saying it of the same file), carried by UNS001 with both places."""
    result = check(_block(tmp_path, "block", BLOCK))
    [found] = [f for f in result.findings if f.code in ("UNS001", "PRE001")]
    assert (found.code, found.severity, found.locations, found.message) == (
        "UNS001", Severity.WARNING, ("block.html", "preheader"), FRAGMENT_LACKS,
    )  # fmt: skip
    assert [f.code for f in found.folded] == ["PRE001"]
    # PRE001 not run: UNS001 says its own (and the reverse)
    config = Config(root=tmp_path, ignore=("PRE001",))
    [alone] = [f for f in check(_block(tmp_path, "no-pre", BLOCK), config).findings
               if f.code in ("UNS001", "PRE001")]  # fmt: skip
    assert (alone.code, alone.locations, alone.message) == (
        "UNS001",
        ("block.html",),
        "could not verify: no unsubscribe link in this fragment of a page (no <html>, <head> "
        "or <body>), and the layout it is sent in may hold it: check a test send",
    )
    config = Config(root=tmp_path, ignore=("UNS001",))
    [alone] = [f for f in check(_block(tmp_path, "no-uns", BLOCK), config).findings
               if f.code in ("UNS001", "PRE001")]  # fmt: skip
    assert (alone.code, alone.severity, alone.locations, alone.message) == (
        "PRE001",
        Severity.WARNING,
        ("preheader",),
        "could not verify: no preheader in this fragment of a page (no <html>, <head> or "
        "<body>), and the layout it is sent in may hold it: check a test send",
    )
    # a block whose preheader is set in campaign.toml: UNS001's alone, unchanged
    with_pre = _block(tmp_path, "with-pre", BLOCK)
    toml = with_pre / "campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'preheader = "Скидки до 50 %"\n')
    [alone] = [f for f in check(with_pre).findings if f.code in ("UNS001", "PRE001")]
    assert (alone.code, alone.locations) == ("UNS001", ("block.html",))
    assert alone.message.startswith("could not verify: no unsubscribe link in this fragment")


def test_a_fragments_one_finding_is_suppressed_check_by_check(tmp_path: Path) -> None:
    """A suppression comment hides the check it names, before the checks are said together:
    the other check's own "could not verify" stays, and the comment is no unused one (SUP001)."""
    html = "<!-- mailcheck: ignore-file PRE001 -->\n" + BLOCK
    result = check(_block(tmp_path, "block", html))
    [found] = [f for f in result.findings if f.code in ("UNS001", "PRE001", "SUP001")]
    assert (found.code, found.locations) == ("UNS001", ("block.html",))
    assert found.message.startswith("could not verify: no unsubscribe link in this fragment")
    assert [f.code for _, hid in result.suppressed for f in hid] == ["PRE001"]


def test_an_applications_view_lacking_both_is_one_finding(tmp_path: Path) -> None:
    """A PHP view, whole page or not, is rendered in the application's own layout: no
    unsubscribe link and no preheader are one "could not verify" that names the language."""
    page = tmp_path / "view.html"
    page.write_text(
        "<!DOCTYPE html>\n<html><head><title>Форум</title></head><body>\n"
        "<h2>Здравствуйте, <?=$user->getShortName()?>!</h2>\n<p>Форум 5 июня.</p>\n"
        "</body></html>\n",
        encoding="utf-8",
    )
    result = check(page)
    [found] = [f for f in result.findings if f.code in ("UNS001", "PRE001")]
    assert (found.code, found.severity, found.locations, found.message) == (
        "UNS001",
        Severity.WARNING,
        ("view.html", "preheader"),
        "could not verify the unsubscribe link (UNS001), the preheader (PRE001): not in this "
        "view of an application (php), and the layout the application renders it in may hold "
        "them: check a test send",
    )


def test_a_mailto_address_no_mail_client_can_send_to_is_one_error(tmp_path: Path) -> None:
    """A typo in a contact address ("info@acme,ru", a space, no domain) is a letter that never
    arrives: LNK003 once per address with every place ("mailto:#" is the layout's “#”
    placeholder, one root cause with the other “#” links); share-by-mail links with no
    address, named addresses, several addresses and international ones pass."""
    body = body_with(
        "\n".join(
            [
                '<p><a href="mailto:info@acme,ru">Написать нам</a></p>',
                '<p><a href="mailto:info@acme,ru?subject=Вопрос">Задать вопрос</a></p>',
                '<p><a href="mailto:#">Поддержка</a></p>',
                '<p><a href="mailto:?subject=Смотри&amp;body=https://shop.test/">Переслать</a></p>',
                '<p><a href="mailto:Acme%20%3Cinfo@shop.test%3E">Acme</a></p>',
                '<p><a href="mailto:a@shop.test,b@shop.test">Обоим</a></p>',
                '<p><a href="mailto:почта@магазин.рф">Почта</a></p>',
            ]
        )
    )
    result = check(write_campaign(tmp_path, body=body))
    found = sorted((f.message, list(f.locations)) for f in only(result, "LNK003"))
    assert found == [
        (
            "2 links (“Написать нам”, “Задать вопрос”): not a valid e-mail address: “info@acme,ru”",
            ["email.html:9", "email.html:10"],
        ),
        ("link (“Поддержка”): link to “mailto:#”", ["email.html:11"]),
    ]


@pytest.mark.parametrize(
    ("href", "problem"),
    [
        ("mailto:info@acme", "not a valid e-mail address: “info@acme”"),
        ("mailto:a b@acme.ru", "not a valid e-mail address: “a b@acme.ru”"),
        ("mailto:@acme.ru", "not a valid e-mail address: “@acme.ru”"),
        ("mailto:acme.ru", "not a valid e-mail address: “acme.ru”"),
        ("mailto:info@acme..ru", "not a valid e-mail address: “info@acme..ru”"),
        ("mailto:info@acme.ru", None),
        ("mailto:info%40acme.ru", None),
        ("mailto:user@[192.0.2.1]", None),
        ("mailto:%recipient.email%", None),  # Mailgun's recipient variable
    ],
)
def test_mailto_addresses_read_as_a_mail_client_reads_them(href: str, problem: str | None) -> None:
    assert url_problem(href) == problem


def test_a_bidi_override_in_the_preheader_is_an_error_shown_by_its_code(tmp_path: Path) -> None:
    """The preheader taken from the HTML loses its invisible characters in its padding-free
    text: PRE004 reads it as written, a character reference included."""
    hidden = '<div style="display:none">Ваш заказ &#8238;fdp.exe&zwnj;&nbsp;&zwnj;&nbsp;</div>'
    spoof = write_campaign(tmp_path, "spoof", preheader_html=hidden)
    result = check(spoof)
    [finding] = only(result, "PRE004")
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "the preheader holds a bidirectional override (U+202E): the text after it is shown "
        "reordered, a spoofing trick mailbox providers penalise: “Ваш заказ ⟨U+202E⟩fdp.exe”"
    )
    assert finding.places == ("preheader",)
    assert only(result, "SUB003") == []  # the subject is clean: not said there
    # written in campaign.toml
    toml = write_campaign(tmp_path, "toml", preheader="Цена \u202b100 ₪\u202c сегодня")
    [finding] = only(check(toml), "PRE004")
    assert finding.severity is Severity.WARNING
    assert "bidirectional embedding (U+202B)" in finding.message
    # brought by a sample value: said once, for the rendering
    pasted = write_campaign(
        tmp_path,
        "pasted",
        preheader_html='<div style="display:none">Для {{ name | default("вас") }}</div>',
        template="jinja",
        samples="r.json",
        files={"r.json": '[{"name": "\u202eАнна"}]'},
    )
    [finding] = only(check(pasted), "PRE004")
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith(
        "the preheader holds a bidirectional override (U+202E) when rendered with longest values"
    )
    assert finding.message.endswith("“Для ⟨U+202E⟩Анна”")
    # isolates and marks are what right-to-left text uses; the default preheader is clean
    rtl = write_campaign(tmp_path, "rtl", preheader="Sale \u2067שלום\u2069 \u200fnow")
    assert only(check(rtl), "PRE004") == []
    assert only(check(write_campaign(tmp_path, "clean")), "PRE004") == []


def test_a_subject_of_invisible_characters_is_said_to_show_empty(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, subject="\u200b\u200c\u2060", body=RU_BODY)
    [sub001] = only(check(d), "SUB001")
    assert sub001.severity is Severity.ERROR and sub001.location == "subject"
    assert sub001.message == "the subject is only invisible characters: the inbox shows it empty"


@pytest.mark.parametrize(
    ("sender", "tracked", "href"),
    [
        # tracked-domains in Cyrillic, the link in punycode, and the reverse
        ("Shop <news@shop.test>", ["магазин.рф"], "http://xn--80aairftm.xn--p1ai/x"),
        ("Shop <news@shop.test>", ["xn--80aairftm.xn--p1ai"], "http://магазин.рф/x"),
        ("Shop <news@shop.test>", ["Магазин.РФ"], "https://m.xn--80aairftm.xn--p1ai/x"),
        # no tracked-domains: the From address's organisational domain, either spelling
        ("Магазин <news@магазин.рф>", None, "http://xn--80aairftm.xn--p1ai/x"),
        ("Магазин <news@xn--80aairftm.xn--p1ai>", None, "http://магазин.рф/x"),
    ],
)
def test_a_tracked_international_domain_is_one_site_in_either_spelling(
    tmp_path: Path, sender: str, tracked: list[str] | None, href: str
) -> None:
    # was silence: "магазин.рф" and "xn--80aairftm.xn--p1ai" were compared as strings, so a
    # link written in the other spelling was not on a tracked domain and lost no UTM
    body = body_with(f'<p><a href="{href}">Каталог</a></p>')
    manifest: dict[str, Any] = {"from": sender, "tracked_domains": tracked}
    result = check(write_campaign(tmp_path, body=body, **manifest))
    [utm001] = only(result, "UTM001")
    assert utm001.message == "link lacks utm_source, utm_medium, utm_campaign"
    assert utm001.url == href
    assert utm001.places == ("email.html:9",)


def test_a_downloads_utm_values_are_not_compared(tmp_path: Path) -> None:
    """UTM001 does not ask a download for UTMs (no page loads there to read them); UTM002 did
    compare its values (QA probe, session 32): a price list's PDF tagged 'bf-pdf' was an error
    beside the campaign's [utm], and two such PDFs made a page's right 'bf' the odd one out."""
    pdf = "https://shop.test/files/price.pdf?utm_source=email&utm_medium=email&utm_campaign=bf-pdf"
    archive = pdf.replace("price.pdf", "price-2026.tar.gz")
    body = body_with(f'<p><a href="{pdf}">Прайс</a> <a href="{archive}">Архив</a></p>')
    utm = {"utm": {"utm_source": "email", "utm_medium": "email", "utm_campaign": "bf"}}
    assert only(check(write_campaign(tmp_path, body=body, tables=utm)), "UTM002") == []
    assert only(check(write_campaign(tmp_path / "usual", body=body)), "UTM002") == []
    # a page's value that differs is still judged, beside the downloads, at its line alone
    page = "https://shop.test/catalog?utm_source=email&utm_medium=email&utm_campaign=bf-2026"
    body = body_with(f'<p><a href="{pdf}">Прайс</a></p>\n<p><a href="{page}">Каталог</a></p>')
    [utm002] = only(check(write_campaign(tmp_path / "page", body=body, tables=utm)), "UTM002")
    assert utm002.message == "utm_campaign='bf-2026', the campaign sets 'bf'"
    assert (utm002.url, utm002.places) == (page, ("email.html:10",))


def test_a_downloads_malformed_utm_value_is_still_utm003(tmp_path: Path) -> None:
    """UTM001, UTM002 and UTM004 leave downloads alone; a value written wrong is wrong wherever
    it is written (the same hand tags the pages), so UTM003 still names it, once, at its line."""
    pdf = "https://shop.test/files/price.pdf?utm_source=Email Campaign&utm_medium=email"
    body = body_with(f'<p><a href="{pdf}">Прайс</a></p>')
    [utm003] = only(check(write_campaign(tmp_path, body=body)), "UTM003")
    assert utm003.severity == Severity.WARNING
    assert utm003.message.startswith("utm_source='Email Campaign': ")
    assert (utm003.url, utm003.places) == (pdf, ("email.html:9",))


def test_the_evidence_of_a_null_says_null_not_missing(tmp_path: Path) -> None:
    """The probe renders city null: Jinja prints "None" for a null, "" for a missing field.
    It said "with no value for city in the data … “город: None”", which a sample without city
    never reads (a QA probe)."""
    line = "<p>Ваш город: {{ city }}</p>"
    d = write_campaign(
        tmp_path,
        body=body_with(line),
        template="jinja",
        samples="r.csv",
        files={"r.csv": "email,city\na@x.test,Москва\n"},
    )
    (finding,) = only(check(d), "PER001")
    assert finding.message == (
        "“city” has no fallback or guard: with city null in the data the text reads "
        "“город: None”: “None” is how the template prints null"
    )
    html_line = (d / "email.html").read_text(encoding="utf-8").splitlines().index(line) + 1
    assert finding.places == (f"email.html:{html_line}",)


@pytest.mark.parametrize(
    ("last_name", "expected"),
    [
        # no fallback: PER001 all the same, with what blanking last_name alone shows
        (
            "{{ last_name }}",
            [
                "“last_name” has no fallback or guard: with last_name null in the data the text "
                "reads “Иван None”: “None” is how the template prints null"
            ],
        ),
        # an empty fallback at the end of the greeting breaks nothing alone: no PER001
        ("{{ last_name | default('', true) }}", []),
    ],
)
def test_a_variables_evidence_is_from_blanking_it_alone(
    tmp_path: Path, last_name: str, expected: list[str]
) -> None:
    """Sample 2's first_name is spaces: blanking last_name there read "Здравствуйте, !", which
    no recipient gets from last_name alone — it was PER001's evidence for last_name (a QA
    probe)."""
    line = f"<p>Здравствуйте, {{{{ first_name | default('друг', true) }}}} {last_name}!</p>"
    d = write_campaign(
        tmp_path,
        body=body_with(line),
        template="jinja",
        samples="r.csv",
        files={"r.csv": 'first_name,last_name\nИван,Петров\n"   ",Сидоров\n'},
    )
    result = check(d)
    assert [f.message for f in only(result, "PER001")] == expected
    html_line = (d / "email.html").read_text(encoding="utf-8").splitlines().index(line) + 1
    assert [f.places for f in only(result, "PER001")] == [(f"email.html:{html_line}",)] * len(
        expected
    )
    assert only(result, "PER002") == []  # "Здравствуйте,    Сидоров!" reads whole


def test_the_from_address_is_parsed_once_for_every_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    import email.utils

    from mailcheck.config import Config
    from mailcheck.facts import Facts
    from mailcheck.model import Campaign
    from mailcheck.rules import Context

    campaign = Campaign(id="c", source="c.eml", kind="eml", from_addr='"Shop" <news@Shop.Example>')
    ctx = Context(campaign=campaign, config=Config(), facts=Facts())
    assert ctx.from_domain == "shop.example"
    # the UTM rules and UNS001 ask for it again and again while judging one campaign: read once
    monkeypatch.setattr(email.utils, "parseaddr", lambda value: pytest.fail("parsed again"))
    assert ctx.from_domain == "shop.example"


def test_the_utm_rules_judge_a_campaigns_links_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mailcheck.checks.utm as utm

    from mailcheck.config import Config

    sale = "https://shop.test/sale?utm_source=email&utm_medium=email&utm_campaign=bf"
    upper = "https://shop.test/new?utm_source=email&utm_medium=email&utm_campaign=BF"
    body = f'{CLEAN_BODY}\n<p><a href="{sale}&x=1">More</a></p>\n<p><a href="{upper}">New</a></p>'
    d = write_campaign(tmp_path, body=body)
    judged: list[str] = []
    stand_in = utm._stand_in

    def counting(ctx: Any, link: Any) -> bool:
        judged.append(link.href)
        return stand_in(ctx, link)

    monkeypatch.setattr(utm, "_stand_in", counting)
    result = check(d, Config(root=tmp_path, select=("UTM001", "UTM002", "UTM003")))
    # UTM001, UTM002 (and its reference values) and UTM003 read the links one campaign's
    # judging worked out once, each link judged once, not once per rule
    assert sorted(judged) == sorted([sale, f"{sale}&x=1", upper])
    # UTM002 and UTM003 read one set of inconsistent values: the upper-case value is UTM002's
    # one finding at its link's line, not UTM003's too
    line = (d / "email.html").read_text(encoding="utf-8").splitlines().index(
        f'<p><a href="{upper}">New</a></p>'
    ) + 1
    assert [(f.code, f.places) for f in result.findings] == [("UTM002", (f"email.html:{line}",))]
