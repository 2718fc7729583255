"""PER001 where the fallback lives outside the template (DashaMail's list field), a guard that
tests for null alone (Mindbox's ``!= null``), PER007's advice once the language is declared, and
evidence that quotes the text after a variable left empty (a QA probe's findings)."""

from __future__ import annotations

from pathlib import Path

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
SHOP = f'<p><a href="https://shop.test/sale?{UTM}">Каталог</a></p>'
MINDBOX_UNSUB = '<p><a href="${ Recipient.UnsubscribeLink }">Отписаться</a></p>'


UNREAD = f"<p>@{{ if Recipient.Age > 18 }}Вино.@{{ else }}Сок.@{{ end if }}</p>\n{SHOP}\n"


def test_an_unread_block_with_the_language_declared_says_how_to_acknowledge_it(
    tmp_path: Path,
) -> None:
    # esp = "mindbox" is set: "set template = … or esp = …" changed nothing
    d = write_campaign(tmp_path, body=UNREAD + MINDBOX_UNSUB, esp="mindbox")
    [per007] = only(check(d), "PER007")
    assert (per007.severity, per007.places) == (Severity.WARNING, ("email.html:5",))
    assert per007.message == (
        "@{ if Recipient.Age > 18 } not understood: what this block prints is not verified — "
        "check what it prints in a test send; once checked, <!-- mailcheck: ignore PER007 --> "
        "before its element acknowledges it"
    )
    # and the comment it names does hide it, at that element only
    body = "<!-- mailcheck: ignore PER007 -->" + UNREAD + MINDBOX_UNSUB
    result = check(write_campaign(tmp_path, "acknowledged", body=body, esp="mindbox"))
    assert only(result, "PER007") == []
    assert [[f.code for f in hid] for _, hid in result.suppressed] == [["PER007"]]


def test_an_unread_block_in_a_detected_language_says_how_to_declare_it(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, body=UNREAD + MINDBOX_UNSUB)
    [per007] = only(check(d), "PER007")
    assert (per007.severity, per007.places) == (Severity.WARNING, ("email.html:5",))
    assert per007.message == (
        "@{ if Recipient.Age > 18 } not understood: what this block prints is not verified — "
        "mindbox was detected from the tags: if that is not the language, set "
        'template = "<dialect>" or esp = "<platform>"; else check what this block prints in a '
        "test send, and <!-- mailcheck: ignore PER007 --> before its element acknowledges it"
    )
