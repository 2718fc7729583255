"""Every render has a budget (time, output, loop iterations, call depth) in every dialect.

Each template here once ran for minutes or took gigabytes. Now it is PER008 naming the limit,
and the rest of the batch is checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.config import Config, LimitsConfig
from mailcheck.engine import run
from mailcheck.templating.budget import OverBudget, budgeted
from tests.helpers import check, only, write_campaign

# Small limits keep each test quick; the defaults are what users get.
LIMITS = LimitsConfig(render_seconds=1.0, render_bytes=200_000, loop_iterations=10_000)


def _per008(tmp_path: Path, body: str, template: str, **manifest: Any) -> list[str]:
    d = write_campaign(tmp_path, "c", body=body, template=template, **manifest)
    result = check(d, Config(root=tmp_path, limits=LIMITS))
    return [f.message for f in only(result, "PER008")]


BYTES = "([limits] render-bytes)"
LOOPS = "([limits] loop-iterations)"
DEPTH = "([limits] recursion-depth)"
TIME = "([limits] render-seconds)"


@pytest.mark.parametrize(
    ("body", "limit"),
    [
        ("{{ 'a' * 10**9 }}", BYTES),
        ("{{ 10 ** 100000000 }}", BYTES),
        ("{{ '%0999999999d' % 1 }}", BYTES),
        ("{{ '{:>999999999}'.format(1) }}", BYTES),
        ("{{ 'a' | center(1000000000) }}", BYTES),
        ("{{ ('a' * 100000) | replace('a', 'bbbbbbbbbb') }}", BYTES),
        (
            "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
            BYTES,
        ),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", LOOPS),
        (
            "{% set s = 'abcdefghij' * 1000 %}{% for a in s %}{% for b in s %}"
            "{% endfor %}{% endfor %}",
            LOOPS,
        ),
        ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", DEPTH),
        (
            "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
            "{{ f(40) }}",
            TIME,
        ),
    ],
)
def test_jinja_over_budget_is_per008(tmp_path: Path, body: str, limit: str) -> None:
    [message] = _per008(
        tmp_path, f"<p>Hi {{{{ name | default('друг', true) }}}}</p>{body}", "jinja"
    )
    assert message.startswith("the template went over its render budget: ")
    assert message.endswith(limit), message


@pytest.mark.parametrize(
    ("body", "limit"),
    [
        ("{% for i in (1..1000000000) %}{% endfor %}", LOOPS),
        ("{% for i in (1..1000) %}{% for j in (1..1000) %}x{% endfor %}{% endfor %}", LOOPS),
        (
            '{% assign s = "ab" %}{% for i in (1..40) %}{% assign s = s | append: s %}'
            "{% endfor %}{{ s | size }}",
            BYTES,
        ),
        ('{{ "a" | append: "b" | replace: "a", "aaaaaaaaaaaaaaaaaaaa" | size }}', None),
    ],
)
def test_liquid_over_budget_is_per008(tmp_path: Path, body: str, limit: str | None) -> None:
    messages = _per008(tmp_path, f"<p>Hi {{{{ name | default: 'друг' }}}}</p>{body}", "liquid")
    if limit is None:  # within budget: renders as before
        assert messages == []
        return
    [message] = messages
    assert message.endswith(limit), message


def test_handlebars_output_over_budget_is_per008(tmp_path: Path) -> None:
    items = ", ".join(['{ name = "' + "x" * 1000 + '" }'] * 300)
    d = write_campaign(
        tmp_path,
        "c",
        body="{{#each items}}{{#each ../items}}{{name}}{{/each}}{{/each}}",
        template="handlebars",
        files={"samples.toml": ""},
    )
    manifest = d / "campaign.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + f'\n[[samples]]\nfirst = "Иван"\nitems = [{items}]\n',
        encoding="utf-8",
    )
    result = check(d, Config(root=tmp_path, limits=LIMITS))
    [finding] = only(result, "PER008")
    assert finding.message.endswith(BYTES) or finding.message.endswith(LOOPS), finding.message


def test_the_rest_of_the_batch_is_checked(tmp_path: Path) -> None:
    write_campaign(tmp_path, "bomb", body="{{ 'a' * 10**9 }}", template="jinja")
    write_campaign(tmp_path, "long", subject="x" * 60)
    results = run([str(tmp_path)], Config(root=tmp_path, limits=LIMITS), offline=True).results
    by_id = {r.campaign.id: sorted({f.code for f in r.findings}) for r in results}
    assert "PER008" in by_id["bomb"]
    assert "SUB002" in by_id["long"] and "PER008" not in by_id["long"]


def test_a_budget_is_per_render_and_python_recursion_counts_as_depth() -> None:
    def deep(values: object) -> str:
        return deep(values)

    guarded = budgeted(deep, LIMITS)
    with pytest.raises(OverBudget, match=r"\(\[limits\] recursion-depth\)$"):
        guarded({})
    assert budgeted(lambda values: "ok", LIMITS)({}) == "ok"
