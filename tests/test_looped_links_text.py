"""LNK007 judges a link written once inside a template loop (Jinja and Liquid ``{% for %}``,
Handlebars ``{{#each}}``) as one link at its line: the URLs it renders to whose host is not
the one its text shows, alike, are one finding naming each of them and whether that is every
URL the link renders to; a URL that fails another way (another host) is a finding of its own.
Offline: the rule reads the link's text and URL alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailcheck.model import Finding, Severity
from tests.helpers import check, only, write_campaign

# (dialect, the loop's opening tag, how the body writes an item's field, its end)
LOOPS = [
    ("jinja", "{% for item in items %}", "{{{{ item.{} }}}}", "{% endfor %}"),
    ("liquid", "{% for item in items %}", "{{{{ item.{} }}}}", "{% endfor %}"),
    ("handlebars", "{{#each items}}", "{{{{{}}}}}", "{{/each}}"),
]


def looped_lnk007(
    root: Path, dialect: str, body: str, items: list[dict[str, str]]
) -> list[Finding]:
    """LNK007's findings of a 9-line campaign whose loop (lines 4-6) renders ``body`` (line 5,
    ``HOST`` and ``ID`` for the item's fields as the dialect writes them) for ``items``."""
    opening, field, closing = next((o, f, c) for d, o, f, c in LOOPS if d == dialect)
    html = (
        '<html lang="ru"><head><title>Sale</title></head>\n'  # 1
        "<body>\n"  # 2
        '<div style="display:none">Только на этой неделе: скидки на всё</div>\n'  # 3
        f"{opening}\n"  # 4
        f"{body.replace('HOST', field.format('host')).replace('ID', field.format('id'))}\n"  # 5
        f"{closing}\n"  # 6
        '<a href="https://shop.test/unsubscribe">Отписаться</a>\n'  # 7
        "</body>\n"  # 8
        "</html>\n"  # 9
    )
    samples = json.dumps([{"items": items}], ensure_ascii=False)
    d = write_campaign(
        root, "c", html=html, template=dialect, samples="s.json", files={"s.json": samples}
    )
    return only(check(d), "LNK007")


def said(found: list[Finding]) -> list[tuple[Severity, tuple[str, ...], str | None, str]]:
    return [(f.severity, f.places, f.url, f.message) for f in found]


@pytest.mark.parametrize("dialect", [d for d, *_ in LOOPS])
def test_a_looped_link_to_another_host_for_every_item_is_one_finding(
    tmp_path: Path, dialect: str
) -> None:
    # was three findings at line 5, one per product's URL, for one link written once
    items = [{"host": "other.test", "id": str(n)} for n in (1, 2, 3)]
    body = '<a href="https://HOST/p/ID">https://shop.test/</a>'
    found = looped_lnk007(tmp_path, dialect, body, items)
    urls = tuple(f"https://other.test/p/{n}" for n in (1, 2, 3))
    assert said(found) == [
        (
            Severity.ERROR,
            ("email.html:5",),
            None,
            "link text shows shop.test but the link goes to other.test — at every URL it "
            "renders to (3): " + ", ".join(urls),
        )
    ]
    assert found[0].urls == urls


def test_a_looped_links_urls_that_go_elsewhere_otherwise_are_findings_of_their_own(
    tmp_path: Path,
) -> None:
    # the first product's URL is on the host shown (no finding); two go to other.test, one
    # to third.test: two ways of failing, each at the link's line, saying how many of all
    items = [
        {"host": "shop.test", "id": "1"},
        {"host": "other.test", "id": "2"},
        {"host": "third.test", "id": "3"},
        {"host": "other.test", "id": "4"},
    ]
    body = '<a href="https://HOST/p/ID">https://shop.test/</a>'
    found = looped_lnk007(tmp_path, "jinja", body, items)
    assert said(found) == [
        (
            Severity.ERROR,
            ("email.html:5",),
            None,
            "link text shows shop.test but the link goes to other.test — at 2 of the 4 URLs it "
            "renders to: https://other.test/p/2, https://other.test/p/4",
        ),
        (
            Severity.ERROR,
            ("email.html:5",),
            "https://third.test/p/3",
            "link text shows shop.test but the link goes to third.test",
        ),
    ]
    assert found[0].urls == ("https://other.test/p/2", "https://other.test/p/4")
