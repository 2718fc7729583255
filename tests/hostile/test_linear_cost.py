"""Cost grows with the work, not its square: a templated link is matched against the link
spans of its own line only (issue 11: 5,000 templated links took 55 s); text scans and the
samples header stay linear in what a hostile file repeats."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from mailcheck.checks.unsubscribe import _address_to_unsubscribe

from mailcheck.htmlparse import parse_html
from mailcheck.loaders import uncompiled_source
from mailcheck.templating.breakage import broken_text, visible_text
from mailcheck.templating.detect import without_comments
from mailcheck.templating.links import LinkSpan
from mailcheck.unsubscribe import body_has_unsubscribe_tag
from tests.helpers import check, write_campaign

LINKS = 300


def templated_links(n: int) -> str:
    return "\n".join(
        f'<p><a href="https://shop.test/p/{i}?uid={{{{ uid }}}}&utm_source=email&utm_medium=email'
        f'&utm_campaign=bf">Товар {i} для {{{{ first_name | default("вас", true) }}}}</a></p>'
        for i in range(n)
    )


def test_each_variable_use_is_matched_against_its_own_lines_spans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    holds = LinkSpan.holds

    def counted(self: LinkSpan, name: str, line: int) -> bool:
        nonlocal calls
        calls += 1
        return holds(self, name, line)

    monkeypatch.setattr(LinkSpan, "holds", counted)
    d = write_campaign(
        tmp_path,
        body=templated_links(LINKS) + '\n<p><a href="https://shop.test/unsub">Отписаться</a></p>',
        template="jinja",
        system_variables=["uid"],
    )
    result = check(d)
    assert [f.code for f in result.findings if f.severity.value == "error"] == []
    # two variable uses a link, each compared with the one span of its line: about 2 x 300;
    # against every span of the page it was 2 x 300 x 300 = 180,000
    assert 2 * LINKS <= calls <= 4 * LINKS, calls


# Each of these once scanned to the end of the text from every repetition of its opener (a
# lazy or tempered pattern with nothing to close it): seconds to minutes for a file well under
# the size limit. Sized so that the quadratic scan takes over 15 s here; the linear one takes
# milliseconds. Counted in this process's CPU time, not the wall clock: a machine busy with
# other work slows the clock, not the scan (the colour rules' case failed at a load of 6).
SECONDS = 3.0


def _unclosed_comments() -> None:
    text = "<p>Привет</p>" + "<!--" * 40_000
    assert without_comments(text) == text
    assert not body_has_unsubscribe_tag(text)
    # Inky's tags are looked for outside comments (a lazy "<!--.*?-->" took minutes)
    assert uncompiled_source(b"<row><columns>" + b"<!--" * 400_000, "e.html") is not None
    assert uncompiled_source(b"<row>" + b"<!--" * 400_000 + b"<columns>", "e.html") is None


def _unclosed_hidden_elements() -> None:
    assert visible_text("<style>" * 120_000 + "<p>Привет</p>").endswith("Привет")
    assert visible_text("<!--" * 60_000 + "<p>Привет</p>").endswith("Привет")
    assert visible_text("<p " * 100_000 + "<br>Привет").endswith("Привет")
    assert visible_text("<p>Привет</p>" + "<" * 100_000) == "Привет\n" + "<" * 100_000


def _long_run_of_blanks() -> None:
    assert broken_text("Привет" + " " * 400_000 + "мир") == []


def _long_word_before_an_address() -> None:
    # UNS001's search for an address to unsubscribe at backtracked over every letter of a long
    # word before an "@" that begins no address (200,000 letters: minutes)
    text = "Чтобы отписаться, " + "а" * 200_000 + " напишите @ нам"
    assert _address_to_unsubscribe(text) is None
    assert _address_to_unsubscribe(text + " на leave@shop.test.") == "leave@shop.test"


def _a_stylesheet_of_many_image_rules(rules: int) -> None:
    # one XPath query per rule over the whole tree: 4,000 rules on 2,000 elements took 3 s,
    # 8,000 on 4,000 four times that; a rule of tags, classes and ids is told by sets now
    css = "\n".join(f".c{i} {{ background: url(https://cdn.test/{i}.png) }}" for i in range(rules))
    css += "\n" + "\n".join(
        f"a[data-x='{i}'] {{ background: url(x{i}.png) }}" for i in range(rules)
    )
    body = "".join(f'<div class="c{i}">x</div>' for i in range(0, rules, 2))
    document = parse_html(f"<html><head><style>{css}</style></head><body>{body}</body></html>")
    links = document.stylesheet
    assert sum(link.href.startswith("https://cdn.test/") for link in links) == rules // 2


def _a_stylesheet_of_many_colour_rules(rules: int) -> None:
    # each rule for a tag's elements made the set of them anew: 6,000 rules for every <span>
    # of 3,000 grey blocks took 6 s; a set read off the index is made and added once
    css = "\n".join(f".c{i} span {{ color:#fff }}" for i in range(rules))
    css += "\n" + "\n".join(f"a[data-x='{i}'] {{ color:#fff }}" for i in range(rules))
    body = "".join(
        f'<div class="c{i}" style="color:#aaa;background:#fff"><span>x</span> y{i}</div>'
        for i in range(0, rules, 2)
    )
    html = f"<html><head><style>{css}</style></head><body>{body}</body></html>"
    facts = parse_html(html, accessibility=True).accessibility
    assert facts is not None and len(facts.low_contrast) == rules // 2


@pytest.mark.parametrize(
    "scan",
    [
        _unclosed_comments,
        _unclosed_hidden_elements,
        _long_run_of_blanks,
        _long_word_before_an_address,
    ],
)
def test_text_scans_are_linear(scan: Callable[[], None]) -> None:
    started = time.process_time()
    scan()
    assert time.process_time() - started < SECONDS


@pytest.mark.parametrize(
    ("scan", "rules"),
    [(_a_stylesheet_of_many_image_rules, 8_000), (_a_stylesheet_of_many_colour_rules, 6_000)],
)
def test_stylesheet_readings_stay_far_from_their_quadratic_cost(
    scan: Callable[[int], None], rules: int
) -> None:
    # the defects these guard against took 12 s (image rules) and 6 s (colour rules) where
    # the budget was set; the linear readings take 1.7-2.3 s and 2.5-3.1 s alone on a
    # slower 2-CPU runner, 3.5 s beside the rest of the suite: the text scans' 3 s was
    # crossed at the linear cost. (The colour reading's seconds grow faster than its rules,
    # 0.6 s for 3,000 and 1.4-2.0 s for 6,000, while its function calls double exactly,
    # 2.8 M to 5.6 M: memory, not an algorithm.)
    started = time.process_time()
    scan(rules)
    assert time.process_time() - started < 2 * SECONDS


def test_closed_comments_are_still_blanked_around_unclosed_ones() -> None:
    assert without_comments("a<!--x\ny-->b<!--c") == "a<!--\n-->b<!--c"
    assert not body_has_unsubscribe_tag("<!-- *|UNSUB|* --> <!--")
    text = visible_text("<p>a</p><style>p{}</style><p>b</p><!--c--><p>d</p><title>e<p>f</p>")
    assert text.split("\n") == ["a", "b", "d", "e", "f"]


def test_a_samples_header_of_many_columns_is_read_in_linear_time(tmp_path: Path) -> None:
    # the check for a column named twice counted each name in the whole header: 60,000
    # columns took 35 s
    columns = 60_000
    header = ",".join(f"c{i}" for i in range(columns))
    d = write_campaign(
        tmp_path, samples="r.csv", files={"r.csv": f"{header}\n{',' * (columns - 1)}x\n"}
    )
    started = time.process_time()
    result = check(d)
    assert time.process_time() - started < SECONDS * 3
    assert [f.code for f in result.findings if f.code == "INP001"] == []
    assert result.campaign.samples == [{**{f"c{i}": "" for i in range(columns - 1)}, "c59999": "x"}]
