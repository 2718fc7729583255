"""The client's report shows PER001's "How to fix" in the campaign's own template language.

It listed every engine's fallback syntax (Jinja, Liquid, Mailchimp, Unisender, eSputnik,
Mindbox, DashaMail, 1C-Bitrix, Velocity, PHP …: some fifteen lines) under a Mailchimp
campaign's greeting. A rule's "How to fix" may end with one subsection per language
("### mailchimp"); the report shows the text for every campaign and the campaign's own
subsections (its dialect's, its platform's), and `mailcheck rule PER001` still shows them all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from mailcheck.reports.html import render_report

from mailcheck.config import Config
from mailcheck.engine import run
from mailcheck.facts import Facts
from tests.helpers import write_campaign

COMMON = "Give the variable a fallback in the template's own language"
# each language's fix as the report's text shows it (the first words of its subsection)
FIXES = {
    "jinja": "Jinja: {{ first_name | default('друг', true) }}",
    "liquid": "Liquid: {{ first_name | default: 'друг' }}",
    "handlebars": "Handlebars: {{#if first_name}}",
    "mailchimp": "Mailchimp: *|IF:FNAME|*Привет, *|FNAME|*!*|ELSE:|*Привет!*|END:IF|*",
    "unisender": "Unisender: {{Name|друг}}",
    "esputnik": "eSputnik: %FIRSTNAME|друг%",
    "velocity": "Velocity: ${first_name|'друг'}",
    "mindbox": 'Mindbox: ${ replaceIfEmpty(Recipient.FirstName, "друг") }',
    "sendsay": "Sendsay: [% anketa.base.firstName or 'друг' %]",
    "dashamail": "DashaMail's %NAME% takes no fallback in the template",
    "bitrix": "1C-Bitrix's macros (#USER_NAME#)",
    "php": "For a method of the application (PHP)",
    "go": 'Go templates (listmonk): {{ .Subscriber.FirstName | default "друг" }}',
    "mautic": "Mautic: {contactfield=firstname|друг}",
    "mailerlite": "MailerLite: {$name|default('друг')}",
    "campaignmonitor": "Campaign Monitor: [firstname,fallback=друг]",
}


def fixes_shown(root: Path, **campaign: Any) -> list[str]:
    """The "How to fix" of the report's PER001 finding, as its text reads: one line per
    paragraph."""
    d = write_campaign(root, **campaign)
    results = run([str(d)], Config(root=root), offline=True).results
    html = render_report(results, Facts(), Config(root=root), offline=True)
    [item] = [
        li
        for li in re.findall(r'<li class="finding[^"]*">(.*?)</li>', html, re.S)
        if '<span class="code">PER001</span>' in li
    ]
    [fix] = re.findall(r'<details class="fix"><summary>How to fix</summary>(.*?)</details>', item)
    paragraphs = re.findall(r"<p>(.*?)</p>", fix, re.S)
    assert "".join(f"<p>{p}</p>" for p in paragraphs) == fix  # nothing but paragraphs
    # (the text as the browser shows it: tags gone, references read)
    text = [re.sub(r"<[^>]+>", "", p) for p in paragraphs]
    return [
        " ".join(p.split()).replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
        for p in text
    ]


def test_a_mailchimp_campaign_is_shown_mailchimps_fix_alone(tmp_path: Path) -> None:
    shown = fixes_shown(
        tmp_path, body="<p>Привет, *|FNAME|*!</p>\n<p>*|UNSUB|*</p>", template="mailchimp"
    )
    assert len(shown) == 2, shown
    assert shown[0].startswith(COMMON)
    assert shown[1] == FIXES["mailchimp"] + "."
    for language, fix in FIXES.items():
        if language != "mailchimp":
            assert not any(fix in paragraph for paragraph in shown), language


def test_an_esputnik_campaign_is_shown_its_platforms_fix_and_velocitys(tmp_path: Path) -> None:
    # eSputnik writes Velocity: its own %FIRSTNAME|друг% and Velocity's ${…|'…'} both apply
    shown = fixes_shown(
        tmp_path,
        body='<p>Привет, ${firstName}!</p>\n<p><a href="$unsubscribe">Отписаться</a></p>',
        esp="esputnik",
    )
    assert shown[0].startswith(COMMON)
    assert [p.split(":")[0] for p in shown[1:]] == ["eSputnik", "Velocity"], shown
    assert shown[1].startswith(FIXES["esputnik"]) and shown[2].startswith(FIXES["velocity"])


@pytest.mark.parametrize(
    ("template", "greeting"),
    [("jinja", "{{ name }}"), ("sendsay", "[% anketa.base.firstName %]")],
)
def test_each_dialect_is_shown_its_own_fix(tmp_path: Path, template: str, greeting: str) -> None:
    shown = fixes_shown(tmp_path, body=f"<p>Привет, {greeting}!</p>", template=template)
    assert len(shown) == 2 and shown[0].startswith(COMMON), shown
    assert shown[1].startswith(FIXES[template]), shown


def test_the_rules_page_still_shows_every_languages_fix(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mailcheck.cli import main

    assert main(["rule", "PER001"]) == 0
    page = capsys.readouterr().out
    fix = page[page.index("## How to fix") :]
    assert COMMON in fix
    for language, shown in FIXES.items():
        assert f"### {language}\n" in fix, language
        # (the page is the docstring as written: `code` marks, lines wrapped)
        first = shown.split(":")[0].split("'")[0].split(" (")[0]
        assert first in fix, language
