"""BRF003: a saved message's part whose charset label mailcheck cannot read its bytes in
(a label it does not know, or one the bytes beyond ASCII are not in) was read in a guessed
charset without a word: the rules judged a guess, and a mail client may show it garbled."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.config import Config
from mailcheck.loaders import load
from mailcheck.model import Severity
from tests.helpers import check, only
from tests.test_cyrillic_tables import TEXT, write_send

PLACES = ("text/html part", "text/plain part")


@pytest.mark.parametrize("label", ["x-bogus", "x-user-defined"])
def test_a_label_mailcheck_does_not_know_is_one_brf003_warning(tmp_path: Path, label: str) -> None:
    send = write_send(tmp_path / "send.eml", "cp1251", label)
    result = check(send)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.WARNING
    assert brf003.places == PLACES
    assert brf003.message == (
        f"labelled charset={label}, a charset mailcheck does not know: its text beyond ASCII "
        "was read here as windows-1251, a guess, and mail clients that do not know the label "
        "either guess too, maybe otherwise (declare the charset the text is in, or encode it "
        "in UTF-8 and declare charset=utf-8)"
    )
    assert load(send, str(send), Config(root=tmp_path)).text == TEXT  # the guess, as said


@pytest.mark.parametrize("label", ["us-ascii", "utf-7"])
def test_bytes_a_known_label_cannot_read_are_one_brf003_warning(tmp_path: Path, label: str) -> None:
    send = write_send(tmp_path / "send.eml", "cp1251", label)
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.WARNING
    assert brf003.places == PLACES
    assert brf003.message == (
        f"labelled charset={label}, but its bytes beyond ASCII are not {label} text: read here "
        "as windows-1251, a guess; mail clients that read the label show those characters "
        "garbled (declare the charset the text is in, or encode it in UTF-8 and declare "
        "charset=utf-8)"
    )


def test_ascii_text_under_an_unknown_label_reads_the_same_and_is_not_told(tmp_path: Path) -> None:
    send = tmp_path / "send.eml"
    send.write_bytes(
        b"From: Shop <news@shop.test>\r\nSubject: Sale\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: text/html; charset="x-bogus"\r\n\r\n'
        b'<p>Hello</p><p><a href="https://shop.test/unsub">Unsubscribe</a></p>\r\n'
    )
    assert only(check(send), "BRF003") == []


def test_utf8_with_one_broken_sequence_is_read_as_labelled_not_a_guess(tmp_path: Path) -> None:
    """A character cut in half in UTF-8 text is a "�" under its right label (BRF003 says so
    as a replacement character), not a label that cannot read the part."""
    send = tmp_path / "send.eml"
    send.write_bytes(
        b"From: Shop <news@shop.test>\r\nSubject: Sale\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: text/html; charset="utf-8"\r\n\r\n'
        + "<p>Здравствуйте, скидки для вас</p>".encode()
        + b"<p>\xd0</p>"
        + b'<p><a href="https://shop.test/unsub">Unsubscribe</a></p>\r\n'
    )
    [brf003] = only(check(send), "BRF003")
    assert brf003.message.startswith("1 replacement character “�”")
    assert brf003.places == ("send.eml:6",)
