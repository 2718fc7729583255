"""Cost grows with the work, not its square: a templated link is matched against the link
spans of its own line only (issue 11: 5,000 templated links took 55 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.templating.links import LinkSpan
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
