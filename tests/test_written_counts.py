"""A finding's message counts what the finding lists: a link written once inside a template
loop (Jinja and Liquid ``{% for %}``, Handlebars ``{{#each}}``) is one link at one place,
however many items the loop renders it for; two links written in the loop are two. Where the
written place is not known (no line), each rendered copy still counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

ITEMS = [{"name": "Чайник", "id": 1}, {"name": "Плед", "id": 2}, {"name": "Лампа", "id": 3}]
SAMPLES = json.dumps([{"items": ITEMS}], ensure_ascii=False)
# (dialect, the loop's opening tag, the item's id as the body writes it, its end)
LOOPS = [
    ("jinja", "{% for item in items %}", "{{ item.id }}", "{% endfor %}"),
    ("liquid", "{% for item in items %}", "{{ item.id }}", "{% endfor %}"),
    ("handlebars", "{{#each items}}", "{{id}}", "{{/each}}"),
]


def looped(root: Path, dialect: str, body: str) -> Path:
    """A 9-line campaign whose loop (lines 4-6) renders ``body`` (line 5) for three items."""
    opening, closing = next((o, c) for d, o, _, c in LOOPS if d == dialect)
    html = (
        '<html lang="ru"><head><title>Sale</title></head>\n'  # 1
        "<body>\n"  # 2
        '<div style="display:none">Только на этой неделе: скидки на всё</div>\n'  # 3
        f"{opening}\n"  # 4
        f"{body}\n"  # 5
        f"{closing}\n"  # 6
        '<a href="https://shop.test/unsubscribe">Отписаться</a>\n'  # 7
        "</body>\n"  # 8
        "</html>\n"  # 9
    )
    return write_campaign(
        root, "c", html=html, template=dialect, samples="s.json", files={"s.json": SAMPLES}
    )


@pytest.mark.parametrize(("dialect", "ident"), [(d, i) for d, _, i, _ in LOOPS])
def test_one_looped_link_is_one_plain_http_link_at_one_line(
    tmp_path: Path, dialect: str, ident: str
) -> None:
    body = (
        f'<a href="http://shop.test/p/{ident}?utm_source=e&utm_medium=e&utm_campaign=c">Купить</a>'
    )
    plain = only(check(looped(tmp_path, dialect, body)), "LNK004")
    assert [(f.severity, f.message, f.places) for f in plain] == [
        (Severity.WARNING, "plain http:// link to shop.test", ("email.html:5",))
    ]


@pytest.mark.parametrize(("dialect", "ident"), [(d, i) for d, _, i, _ in LOOPS])
def test_two_looped_links_are_two(tmp_path: Path, dialect: str, ident: str) -> None:
    tags = "utm_source=e&utm_medium=e&utm_campaign=c"
    body = (
        f'<a href="http://shop.test/p/{ident}?{tags}">Купить</a> '
        f'<img src="http://cdn.shop.test/i/{ident}.png" alt="Товар">'
    )
    plain = only(check(looped(tmp_path, dialect, body)), "LNK004")
    assert [(f.severity, f.message, f.places) for f in plain] == [
        (Severity.WARNING, "2 plain http:// URLs (shop.test, cdn.shop.test)", ("email.html:5",))
    ]


@pytest.mark.parametrize(("dialect", "ident"), [(d, i) for d, _, i, _ in LOOPS])
def test_a_looped_link_without_utms_is_one_link(tmp_path: Path, dialect: str, ident: str) -> None:
    body = f'<a href="https://shop.test/p/{ident}?utm_source=e">Купить</a>'
    untagged = only(check(looped(tmp_path, dialect, body)), "UTM001")
    assert [(f.severity, f.message, f.places, f.url) for f in untagged] == [
        (
            Severity.ERROR,
            "link lacks utm_medium, utm_campaign",
            ("email.html:5",),
            "https://shop.test/p/1?utm_source=e",
        )
    ]


def test_a_looped_image_without_alt_is_one_image(tmp_path: Path) -> None:
    body = '<img src="https://cdn.shop.test/i/{{ item.id }}.png">'
    images = only(check(looped(tmp_path, "jinja", body)), "IMG001")
    assert [(f.severity, f.message, f.places) for f in images] == [
        (Severity.WARNING, "image has no alt attribute", ("email.html:5",))
    ]


def test_looped_placeholder_links_count_as_written(tmp_path: Path) -> None:
    # three "#" links written on one line are three; the loop's copies of one are one
    body = '<a href="#">{{ item.name }}</a>'
    (once,) = only(check(looped(tmp_path / "a", "jinja", body)), "LNK003")
    assert (once.severity, once.places) == (Severity.ERROR, ("email.html:5",))
    assert once.message.startswith("link (")
    body = '<a href="#">Один</a> <a href="#">Два</a> <a href="#">Три</a>'
    (three,) = only(check(looped(tmp_path / "b", "jinja", body)), "LNK003")
    assert (three.severity, three.places) == (Severity.ERROR, ("email.html:5",))
    assert three.message.startswith("3 links (")


def test_a_link_of_no_known_line_counts_each_copy(tmp_path: Path) -> None:
    # whitespace control joins the loop's lines with the lines around it: no written line is
    # known, and each rendered link is its own (as before)
    body = '{%- for item in items -%}<a href="http://shop.test/p/{{ item.id }}">К</a>{%- endfor -%}'
    html = (
        '<html lang="ru"><head><title>Sale</title></head>\n<body>\n'
        '<div style="display:none">Только на этой неделе: скидки на всё</div>\n'
        f"<p>\n{body}\n</p>\n"
        '<a href="https://shop.test/unsubscribe">Отписаться</a>\n</body>\n</html>\n'
    )
    d = write_campaign(
        tmp_path, "c", html=html, template="jinja", samples="s.json", files={"s.json": SAMPLES}
    )
    plain = only(check(d), "LNK004")
    assert [(f.severity, f.message) for f in plain] == [
        (Severity.WARNING, "3 plain http:// URLs (shop.test)")
    ]
    assert all(":" not in place for place in plain[0].places)  # (no line named)


@pytest.mark.parametrize("dialect", [d for d, *_ in LOOPS])
def test_a_looped_vague_link_is_one_link(tmp_path: Path, dialect: str) -> None:
    # was "3 links named only “здесь”": one link, written once
    body = '<a href="https://shop.test/sale">здесь</a>'
    vague = only(check(looped(tmp_path, dialect, body)), "A11Y005")
    assert [(f.severity, f.message, f.places) for f in vague] == [
        (Severity.WARNING, "1 link named only “здесь” (line 5)", ("email.html:5",))
    ]


def test_two_looped_links_written_with_one_url_are_two_links_of_one_url(tmp_path: Path) -> None:
    # a product's picture and its name, both linked to its page: which written link a copy is
    # was not told, so each rendered copy counted (6 vague links, 3 plain http:// URLs)
    body = (
        '<a href="http://shop.test/p/{{ item.id }}">здесь</a> '
        '<a href="http://shop.test/p/{{ item.id }}">здесь</a>'
    )
    result = check(looped(tmp_path, "jinja", body))
    assert [(f.code, f.message, f.places) for f in result.findings if f.code != "PER005"] == [
        ("A11Y005", "2 links named only “здесь” (line 5)", ("email.html:5",)),
        ("LNK004", "plain http:// link to shop.test", ("email.html:5",)),
    ]
