"""How mailcheck.stylesheet reads the rules that hide an element and those that may show it
again: what it asks of the tree and of tinycss2 (the findings are BRF001's, in
test_brief_rules.py)."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
import tinycss2

import mailcheck.stylesheet as stylesheet
from mailcheck.stylesheet import hidden_by_rules


def test_only_rules_that_may_show_a_hidden_element_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 30 rules of other properties, 10 that show other elements, one that shows the hidden one
    css = (
        ".mob{display:none}"
        + "".join(f".c{n}{{margin:0}}" for n in range(30))
        + "".join(f".d{n}{{display:block}}" for n in range(10))
        + "div.mob{display:block}"
    )
    classes = " ".join(f'<p class="c{n} d{n}">x</p>' for n in range(30))
    root = lxml.html.document_fromstring(
        f'<html><body><style>{css}</style>{classes}<div class="mob">Lorem</div></body></html>'
    )
    asked: list[str] = []  # the selectors whose XPath walks the tree
    picks = stylesheet._picks

    def counted_picks(tree_root: Any, tree: Any) -> Any:
        asked.append(tree.canonical())
        return picks(tree_root, tree)

    read: list[str] = []  # the rules whose declarations tinycss2 parses
    parse = tinycss2.parse_declaration_list

    def counted_parse(tokens: Any, **kw: Any) -> Any:
        read.append(tinycss2.serialize(tokens))
        return parse(tokens, **kw)

    monkeypatch.setattr(stylesheet, "_picks", counted_picks)
    monkeypatch.setattr(tinycss2, "parse_declaration_list", counted_parse)

    def hiding(el: Any, style: str) -> bool:
        return "display:none" in style

    # the last rule may show it: nothing is hidden
    assert hidden_by_rules(root, [css], hiding) == {}
    # the hiding rule's selector, then only the one other rule that may pick its element
    assert asked == ["*.mob", "div.mob"]
    # of the 42 others, only those that declare a display: the margins are not parsed
    assert len(read) == 1 + 10 + 1
    assert not any("margin" in declarations for declarations in read)


def test_the_rules_that_may_show_are_read_once_for_the_documents_sharing_a_stylesheet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cssselect

    # a comment of the test's own: no other test's reading of it is kept
    css = (
        "/* read once */ .mob{display:none} .a{display:block} .b{display:block}"
        " div.mob{display:block}"
    )
    parsed: list[str] = []  # the selector lists cssselect parses
    parse = cssselect.parse

    def counted(text: str) -> Any:
        parsed.append(text)
        return parse(text)

    monkeypatch.setattr(cssselect, "parse", counted)

    def hiding(el: Any, style: str) -> bool:
        return "display:none" in style

    for variant in ("A", "B", "C"):  # a campaign's variants: one layout, other text
        root = lxml.html.document_fromstring(
            f'<html><body><style>{css}</style><p class="a">{variant}</p>'
            '<div class="mob">Lorem</div></body></html>'
        )
        assert hidden_by_rules(root, [css], hiding) == {}  # div.mob shows it
    # the hiding rule's selector for each document (its elements are each one's own), the
    # three that may show it once
    assert parsed == [".mob", ".a", ".b", "div.mob", ".mob", ".mob"]


def test_rules_that_name_no_hiding_declaration_are_not_written_out() -> None:
    # a comment of the test's own: no other test's reading of it is kept
    css = (
        "/* written out? */ .a{margin:0;color:#fff} .b{width:600px;max-width:100%}"
        " .pre{COLOR:red; Display : none} .c{/* display:none */} .d{font-family:'display'}"
        " .e{width:calc(100% - 2px)} .f{mso-hide:all} td{font-size:0}"
    )
    written = [declarations for declarations, _rule in stylesheet._top_rules(css)]
    # the plain ones that name a hiding property, in lower case; those with a string or a
    # function are written out and tested whole, as before (the parse drops comments)
    assert written == [
        "width:600px;max-width:100%",
        "color:red; display : none",
        'font-family:"display"',
        "width:calc(100% - 2px)",
        "mso-hide:all",
        "font-size:0",
    ]
    root = lxml.html.document_fromstring(
        f'<html><body><style>{css}</style><p class="a b">x</p><p class="pre">Lorem</p>'
        '<p class="c">Ipsum</p><p class="d">Dolor</p></body></html>'
    )
    hidden = hidden_by_rules(root, [css], lambda el, style: "display" in style)
    assert [(el.text, rule) for el, rule in hidden.items()] == [
        ("Lorem", ".pre{COLOR:red; Display : none}"),
    ]
