"""Every real e-mail of the shared corpus loads without raising; unreadable ones say why.

The corpus lives in the shared folder beside the clone (found by tests/shared_data.py): it is
the loaders' proof on 830 real-world messages and templates. Outside CI its absence skips these
tests with a reason naming the folder; under CI it fails them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_data import require_shared

from mailcheck.config import Config
from mailcheck.loaders import is_saved_message, load

SUFFIXES = (".eml", ".html", ".htm")
_FOUNDATION = "foundation+foundation-emails/"
_OUTLOOK = "SpamScope+mail-parser/tests/mails/mail_outlook_1"


def said_not_read(reason: str) -> bool:
    """A file mailcheck does not read, and says so (INP001 named): no failure to read it."""
    return " is Inky source (" in reason or reason.startswith("Outlook .msg files are not read")


def corpus_root() -> Path:
    """The shared corpus; skips the test (fails it under CI) when the folder is missing."""
    return require_shared("corpus")


def corpus_files() -> list[Path]:
    """What a walk finds: .eml/.html/.htm files, and saved messages without an extension."""
    root = corpus_root()
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and (p.suffix.lower() in SUFFIXES or is_saved_message(p))
    )
    if not files:
        pytest.fail(f"no .eml/.html/.htm files below {root}")
    return files


def test_every_corpus_file_loads() -> None:
    files = corpus_files()
    # the corpus as described in its MANIFEST.md: 201 .eml, 313 .html and the extensionless
    # messages of php-mime-mail-parser (43), SpamScope (23) and SpamAssassin (97); also saved
    # messages named otherwise (SpamAssassin's welcomelists/paypal.com, nice/cjk/gb2312.1)
    assert len(files) > 650
    assert sum(not p.suffix for p in files) > 150
    config = Config(root=corpus_root())
    failed: list[tuple[Path, str]] = []
    not_read: list[str] = []
    loaded = 0
    for path in files:
        campaign = load(path, str(path), config)  # must not raise
        assert campaign.id, path
        if campaign.load_error is not None:
            assert campaign.load_error.strip(), f"{path}: load_error without a reason"
            assert "please report" not in campaign.load_error, f"{path}: {campaign.load_error}"
            if said_not_read(campaign.load_error):  # named, so INP001, not INP002
                not_read.append(str(path.relative_to(corpus_root())))
            else:
                failed.append((path, campaign.load_error))
            continue
        loaded += 1
        if path.suffix.lower() in (".html", ".htm"):
            assert campaign.kind == "html" and campaign.html is not None, path
            assert campaign.static is not None, path
        else:
            assert campaign.kind == "eml" and campaign.headers is not None, path
            assert campaign.text_known, path
            if campaign.html is not None:
                assert campaign.static is not None, path
                assert (campaign.html_bytes > 0) == bool(campaign.html), path
    # only genuinely broken MIME, header blocks or non-messages may fail, and they are few
    # (14: 7 of the .eml files, 7 of the extensionless spam and parser test messages, one of
    # them php-mime-mail-parser's issue84, whose folded Received line lost its indent, one
    # SpamAssassin's nice/005, whose empty lines 14 and 16 among the fields end the block)
    assert len(failed) <= 14, failed
    for path, reason in failed:
        assert reason.startswith(
            (
                "broken MIME",
                "broken header block",
                "not an e-mail message",
                "the message has no body",
            )
        ), (
            path,
            reason,
        )
    # what is said not to be read: Foundation for Emails' Inky source (its 40 uncompiled
    # templates and test pages) and SpamScope's Outlook message saved without its .msg
    assert len(not_read) == 41, not_read
    assert [p for p in not_read if not p.startswith(_FOUNDATION)] == [_OUTLOOK]
    assert loaded >= len(files) - 14 - len(not_read)


def test_known_broken_corpus_messages_say_why() -> None:
    root = corpus_root()
    corpus_files()
    cases = [
        (
            "mailgun+flanker/tests/fixtures/messages/false-multipart.eml",
            "the message has no body: nothing but blank lines follows its header block (lines "
            "1-7), though its Content-Type is multipart/alternative",
        ),
        (
            "stalwartlabs+mail-parser/resources/eml/malformed/017.eml",
            "broken MIME structure: the Content-Type on line 4 is multipart/mixed without a "
            "boundary parameter: no “;” comes before “boundary=” (line 5)",
        ),
        (
            "apache+spamassassin/t/data/spam/015",
            "broken header block: line 18 looks empty but holds only whitespace, which is read "
            "as the continuation of the header field above it",
        ),
        (
            "apache+spamassassin/t/data/spam/016",
            "broken header block: no empty line ends it before the body: line 18 "
            "(“----9-274170048-9813316604=:18061”) is the multipart's first boundary",
        ),
    ]
    for relative, reason in cases:
        path = root / relative
        campaign = load(path, relative, Config(root=root))
        assert campaign.load_error is not None and reason in campaign.load_error, relative


def test_corpus_russian_and_preheaders() -> None:
    """Spot checks of what real files give: Cyrillic subjects, preheaders, links."""
    root = corpus_root()
    corpus_files()
    config = Config(root=root)
    bilingual = load(
        root / "mailgun+flanker/tests/fixtures/messages/bilingual-simple.eml", "bilingual", config
    )
    assert bilingual.subject == "Simple text. How are you? Как ты поживаешь?"
    with_preheader = [
        c
        for c in (
            load(p, str(p), config)
            for p in sorted((root / "ActiveCampaign+postmark-templates").rglob("*.html"))
        )
        if c.preheader
    ]
    assert len(with_preheader) >= 30
    assert all("\u200c" not in (c.preheader or "") for c in with_preheader)


def test_text_over_a_background_image_is_not_judged_for_contrast() -> None:
    """WinXPnews writes its white headings on <td background="…gif"> cells of a white page:
    the picture is their background, not the page's white (12 texts at 1.0:1 before)."""
    from mailcheck.engine import run

    path = corpus_root() / "apache+spamassassin/t/data/welcomelists/winxpnews.com"
    [result] = run([str(path)], Config(root=path.parent), offline=True).results
    assert [f for f in result.findings if f.code == "A11Y006"] == []
