"""The images a <style> block shows (mailcheck.stylesheet): checked as inline-style images are,
offline (LNK008) and against a real loopback HTTP server (LNK006)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from mailcheck.engine import run
from mailcheck.htmlparse import parse_html
from mailcheck.stylesheet import style_images
from tests.helpers import check, loopback_links_config, only
from tests.http_server import running_server

BODY = '<div class="hero">Sale</div><p class="logo">Shop</p><ul class="list"><li>a</li></ul>'


def images(css: str, body: str = BODY) -> list[tuple[str, int]]:
    return style_images(css, lxml.html.document_fromstring(f"<html><body>{body}</body></html>"))


def test_image_properties_only_not_fonts_or_imports() -> None:
    css = (
        "@import url(https://fonts.test/a.css);\n"  # 1
        "@font-face { font-family: X; src: url('fonts/x.woff2') }\n"  # 2
        ".hero { color: red; background-image: url('img/hero.jpg') }\n"  # 3
        "/* .hero { background: url(commented.png) } */\n"  # 4
        ".list { list-style-image: url(bullet.png) }\n"  # 5
        '.logo::before { content: url("icon.svg") }\n'  # 6
        ".hero { background: image-set(url(a.png) 1x, url(a@2x.png) 2x) }\n"  # 7
    )
    assert images(css) == [
        ("img/hero.jpg", 3),
        ("bullet.png", 5),
        ("icon.svg", 6),
        ("a.png", 7),
        ("a@2x.png", 7),
    ]


def test_a_url_in_capitals_is_read_and_a_stylesheet_without_url_is_not_scanned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert images(".hero { BACKGROUND: URL(hero.png) }") == [("hero.png", 1)]
    assert images(".hero { Background-Image: Url('a.png') }") == [("a.png", 1)]
    # each first letter the scan looks for, in capitals too
    assert images(".list { List-Style: URL(b.png) }\n.logo::after { CONTENT: url(c.svg) }") == [
        ("b.png", 1),
        ("c.svg", 2),
    ]

    import mailcheck.stylesheet as stylesheet

    class NotScanned:
        def search(self, css: str) -> None:
            raise AssertionError(f"scanned {css!r}")

    monkeypatch.setattr(stylesheet, "_IMAGE_DECLARATION", NotScanned())
    assert images(".hero { background: #fff; content: 'x' } @font-face { src: local(X) }") == []


def test_a_rule_for_an_element_the_email_does_not_have_shows_nothing() -> None:
    assert images(".promo-banner { background: url(gone.png) }") == []
    assert images("table.hero { background: url(t.png) }") == []  # .hero is a <div>


@pytest.mark.parametrize(
    "selector",
    [
        "[data-ogsc] .logo",  # Outlook.com's dark mode: the attribute is Outlook's own
        "u + .body .logo",  # Gmail wraps the body in a <u>
        ".logo:hover",  # a state the recipient brings about
        "#MessageViewBody p.logo, .nothing",  # one of the list is enough
        "p",
    ],
)
def test_a_rule_is_for_the_last_part_of_its_selector(selector: str) -> None:
    css = f"@media (prefers-color-scheme: dark) {{ {selector} {{ background: url(dark.png) }} }}"
    assert images(css) == [("dark.png", 1)]


def test_a_selector_cssselect_cannot_read_is_checked() -> None:
    assert images(".logo:dir(ltr) { background: url(x.png) }") == [("x.png", 1)]


def test_a_selectors_xpath_is_made_once_for_every_document(monkeypatch: pytest.MonkeyPatch) -> None:
    # the three readers of a stylesheet (images, colours, a hidden preheader) ask one matcher,
    # which makes a selector's XPath once: a batch repeats its layout's stylesheet
    from cssselect.xpath import HTMLTranslator

    made: list[str] = []
    translate = HTMLTranslator.selector_to_xpath

    def counted(self: HTMLTranslator, selector: object, *args: object, **kw: object) -> str:
        made.append(str(selector))
        return translate(self, selector, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(HTMLTranslator, "selector_to_xpath", counted)
    css = "ul.list li:first-child, .hero[data-once] { background: url(b.png) }"
    assert images(css) == [("b.png", 1)]
    assert images(css, BODY.replace("<li>a</li>", "")) == []  # another document: no <li>
    assert len(made) == 2  # li:first-child, .hero[data-once]: once each


def test_parse_html_gives_them_the_line_they_are_written_on() -> None:
    html = (
        "<html><head>\n"  # 1
        "<style>\n"  # 2
        "  .hero { background: url(https://cdn.shop.test/hero.jpg) }\n"  # 3
        "</style></head><body>" + BODY + "</body></html>"
    )
    doc = parse_html(html)
    assert doc.links == []  # kept apart, as srcset images are (templating.render)
    [link] = doc.stylesheet
    assert (link.href, link.kind, link.line, link.is_image) == (
        "https://cdn.shop.test/hero.jpg",
        "css",
        3,
        True,
    )


def page(tmp_path: Path, css: str) -> Path:
    path = tmp_path / "page.html"
    path.write_text(
        '<html lang="ru"><head><title>Скидки недели</title>\n'
        f"<style>\n{css}\n</style></head><body>\n{BODY}\n"
        '<p><a href="https://shop.test/unsub">Отписаться</a></p></body></html>',
        encoding="utf-8",
    )
    return path


def test_a_relative_stylesheet_image_is_lnk008_offline(tmp_path: Path) -> None:
    result = check(page(tmp_path, ".hero { background: url(images/hero.jpg) }"))
    [finding] = only(result, "LNK008")
    assert finding.message.endswith(
        "no mail client can open (an e-mail has no base URL): images/hero.jpg"
    )
    assert finding.locations == ("page.html:3",)


@pytest.mark.network
def test_a_broken_stylesheet_image_is_lnk006_and_an_unused_rule_is_not_requested(
    tmp_path: Path,
) -> None:
    with running_server() as s:
        broken = s.url("/status/404/dark-logo.png")
        fine = s.url("/ok/hero.jpg")
        unused = s.url("/status/404/unused.png")
        css = (
            f".hero {{ background-image: url('{fine}') }}\n"  # line 3
            "@media (prefers-color-scheme: dark) {\n"  # 4
            f"  [data-ogsc] .logo {{ background: url({broken}) no-repeat }}\n"  # 5
            "}\n"
            f".gone {{ background: url({unused}) }}"
        )
        config = loopback_links_config(tmp_path, "LNK006")
        [result] = run([str(page(tmp_path, css))], config, offline=False).results
        [finding] = only(result, "LNK006")
        assert finding.severity.value == "error"
        assert finding.url == broken
        assert finding.location == "page.html:5"
        assert s.count("/ok/hero.jpg") >= 1
        assert s.count("/status/404/unused.png") == 0


def test_a_templates_stylesheet_counts_the_urls_it_writes_as_they_are(tmp_path: Path) -> None:
    # "url({{ cdn }}/logo.png)" is no URL to the CSS parser, and renders "/logo.png" with cdn
    # empty: a false LNK008 beside cdn's own PER001; the URL written as it is still counts
    directory = tmp_path / "c1"
    directory.mkdir()
    (directory / "campaign.toml").write_text(
        'subject = "Скидки недели"\nhtml = "email.html"\nfrom = "Shop <news@shop.test>"\n'
        'template = "jinja"\n',
        encoding="utf-8",
    )
    (directory / "email.html").write_text(
        '<html lang="ru"><head><title>Скидки</title>\n'
        "<style>.logo { background: url({{ cdn }}/logo.png) }\n"  # 2
        ".hero { background: url(images/hero.jpg) }</style></head><body>\n"  # 3
        f"{BODY}\n"
        '<p><a href="https://shop.test/unsubscribe">Отписаться</a></p></body></html>',
        encoding="utf-8",
    )
    result = check(directory)
    [finding] = only(result, "LNK008")
    assert finding.message.endswith(": images/hero.jpg")
    assert finding.locations == ("email.html:3",)
    assert [f.message for f in only(result, "PER001")] == ["“cdn” has no fallback or guard"]
