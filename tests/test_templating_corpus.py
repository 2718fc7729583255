"""Every e-mail of the shared corpus renders without raising, in the dialect its ESP uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_data import require_shared, shared_path

from mailcheck.config import Config
from mailcheck.htmlparse import parse_html
from mailcheck.model import Campaign
from mailcheck.templating import render_campaign

CORPUS = shared_path("corpus")


def _files(*patterns: str) -> list[Path]:
    require_shared("corpus")
    return sorted(p for pattern in patterns for p in CORPUS.glob(pattern) if p.is_file())


def _campaign(path: Path) -> Campaign:
    require_shared("corpus")  # a test that names one corpus file skips (or fails in CI) too
    html = path.read_text(encoding="utf-8", errors="replace")
    static = parse_html(html)
    return Campaign(
        id=path.stem, source=str(path), kind="html", subject=static.title, html=html, static=static
    )


def test_corpus_is_there() -> None:
    require_shared("corpus")
    assert len(_files("**/*.htm*")) > 300


def test_every_corpus_html_renders_without_raising() -> None:
    failures = []
    for path in _files("**/*.htm*", "**/*.tpl"):
        c = _campaign(path)
        render_campaign(c, Config())
        if not c.renders and not c.template_error:
            failures.append(f"{path}: neither renders nor an error")
        if c.renders and c.renders[0].html is not None and c.renders[0].document is None:
            failures.append(f"{path}: rendered HTML without a document")
    assert failures == []


@pytest.mark.parametrize(
    ("pattern", "dialect"),
    [
        ("ActiveCampaign+postmark-templates/**/*.html", "handlebars"),
        ("sendgrid+email-templates/dynamic-templates/**/*.html", "handlebars"),
        ("mailchimp+email-blueprints/templates/**/*.html", "mailchimp"),
        ("mailchimp+email-blueprints/responsive-templates/**/*.html", "mailchimp"),
        ("pallets-eco+flask-security/**/*.html", "jinja"),
        ("mailgun+transactional-email-templates/**/*.html", "none"),
    ],
)
def test_corpus_dialects(pattern: str, dialect: str) -> None:
    files = _files(pattern)
    assert files, pattern
    for path in files:
        c = _campaign(path)
        render_campaign(c, Config())
        assert (c.dialect, c.template_error) == (dialect, None), path


def test_mailchimp_blueprints_render_system_tags_and_keep_conditionals_balanced() -> None:
    for path in _files("mailchimp+email-blueprints/templates/**/*.html"):
        c = _campaign(path)
        render_campaign(c, Config())
        main = c.renders[0]
        assert main.html is not None and "*|" not in main.html, path
        assert all(v.system for v in c.variables if v.name in ("UNSUB", "UPDATE_PROFILE")), path
        unsubscribe = [
            link
            for link in main.document.links  # type: ignore[union-attr]
            if link.raw == "*|UNSUB|*"
        ]
        assert unsubscribe and unsubscribe[0].href.endswith("/unsub"), path


def test_postmark_each_blocks_render_sample_rows() -> None:
    path = CORPUS / "ActiveCampaign+postmark-templates/templates/basic/receipt/content.html"
    c = _campaign(path)
    c.samples = [
        {
            "name": "Анна",
            "receipt_details": [
                {"description": "Подписка «Про»", "amount": "990 ₽"},
                {"description": "Доставка", "amount": "0 ₽"},
            ],
        }
    ]
    render_campaign(c, Config())
    text = c.renders[1].document.text  # type: ignore[union-attr]
    assert "Подписка «Про»" in text and "Доставка" in text and "Hi Анна" in text
    assert "receipt_details" in {v.name for v in c.variables}
    assert "description" not in {v.name for v in c.variables}
