"""PER001 where the fallback lives outside the template (DashaMail's list field), a guard that
tests for null alone (Mindbox's ``!= null``), PER007's advice once the language is declared, and
evidence that quotes the text after a variable left empty (a QA probe's findings)."""

from __future__ import annotations

from pathlib import Path

from mailcheck.model import Finding, Severity
from mailcheck.templating.catalogue import load_catalogue
from tests.helpers import check, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
SHOP = f'<p><a href="https://shop.test/sale?{UTM}">Каталог</a></p>'
DASHA_UNSUB = '<p><a href="%UNSUBSCRIBE_URL%">Отписаться</a></p>'
MINDBOX_UNSUB = '<p><a href="${ Recipient.UnsubscribeLink }">Отписаться</a></p>'
DASHA_ADVICE = (
    "Make sure that default is set, or, if every recipient has a value, list “NAME” in "
    "system-variables"
)


def test_only_dashamail_sets_its_fallback_outside_the_template() -> None:
    outside = {d.name for d in load_catalogue().dialects.values() if d.fallback_outside}
    assert outside == {"dashamail"}


def test_a_dashamail_field_without_a_guard_is_a_warning_that_could_not_verify(
    tmp_path: Path,
) -> None:
    # the list's field holds the default value, which the HTML cannot show: no certainty
    body = f"<p>Здравствуйте, %NAME%!</p>\n{SHOP}\n{DASHA_UNSUB}"
    files = {"recipients.csv": "EMAIL,NAME\nanna@shop.test,Анна\nkostya@shop.test,Костя\n"}
    d = write_campaign(tmp_path, body=body, subject="%NAME%, новинки недели", esp="dashamail",
                       samples="recipients.csv", files=files)  # fmt: skip
    result = check(d)
    [per001] = only(result, "PER001")
    assert per001.severity is Severity.WARNING
    assert per001.places == ("subject", "email.html:5")
    assert per001.message == (
        "could not verify “NAME”: the template cannot give it a fallback, a recipient without "
        "a value gets the default value set on the field in the DashaMail list, which "
        'mailcheck cannot see; if none is set there, with NAME = "" the text reads '
        f"“Здравствуйте, !”. {DASHA_ADVICE}"
    )
    assert [f for f in result.findings if f.severity is Severity.ERROR] == []


def test_a_dashamail_sample_with_an_empty_field_is_no_error(tmp_path: Path) -> None:
    # DashaMail prints the list's default there, if one is set: the sample that would receive
    # "Здравствуйте, !" without one is named in PER001's warning, not a PER002 error
    body = f"<p>Здравствуйте, %NAME%!</p>\n{SHOP}\n{DASHA_UNSUB}"
    files = {"recipients.csv": "EMAIL,NAME\nanna@shop.test,Анна\nnoname@shop.test,\n"}
    d = write_campaign(tmp_path, body=body, esp="dashamail", samples="recipients.csv",
                       files=files)  # fmt: skip
    result = check(d)
    assert only(result, "PER002") == []
    [per001] = only(result, "PER001")
    assert (per001.severity, per001.places) == (Severity.WARNING, ("email.html:5",))
    assert per001.message == (
        "could not verify “NAME”: the template cannot give it a fallback, a recipient without "
        "a value gets the default value set on the field in the DashaMail list, which "
        'mailcheck cannot see; if none is set there, with NAME = "" the text reads '
        f"“Здравствуйте, !”; recipients.csv:3 would receive it. {DASHA_ADVICE}"
    )


def test_a_missing_fallback_where_the_template_writes_one_stays_an_error(tmp_path: Path) -> None:
    # eSputnik's %FIRSTNAME|друг% exists: without it the empty greeting is certain
    body = '<p>Здравствуйте, %FIRSTNAME%!</p>\n<p><a href="$unsubscribe">Отписаться</a></p>'
    [per001] = only(check(write_campaign(tmp_path, body=body, esp="esputnik")), "PER001")
    assert (per001.severity, per001.location) == (Severity.ERROR, "email.html:5")
    assert per001.message == (
        '“FIRSTNAME” has no fallback or guard: with FIRSTNAME = "" the text reads “Здравствуйте, !”'
    )


def test_the_evidence_quotes_the_words_after_a_variable_left_empty(tmp_path: Path) -> None:
    # "%NAME%, для вас подборка новинок" in the preheader was quoted as «, для»
    preheader = (
        '<div style="display:none">%NAME%, для вас подборка новинок&zwnj;&nbsp;&zwnj;&nbsp;</div>'
    )
    body = f"<p>Здравствуйте!</p>\n{SHOP}\n{DASHA_UNSUB}"
    d = write_campaign(tmp_path, body=body, preheader_html=preheader, esp="dashamail")
    [per001] = only(check(d), "PER001")
    assert per001.places == ("email.html:4",)
    assert 'with NAME = "" the text reads “, для вас подборка новинок”.' in per001.message


def _null_guarded(tmp_path: Path, name: str, test: str) -> Finding:
    files = {"recipients.csv": "Recipient.FirstName\nАнна\n"}
    d = write_campaign(tmp_path, name, body=f"<h1>{test}</h1>\n{SHOP}\n{MINDBOX_UNSUB}",
                       esp="mindbox", samples="recipients.csv", files=files)  # fmt: skip
    [per001] = only(check(d), "PER001")
    assert (per001.severity, per001.places) == (Severity.ERROR, ("email.html:5",))
    return per001


def test_a_mindbox_null_guard_is_named_with_the_test_that_covers_an_empty_value(
    tmp_path: Path,
) -> None:
    # Quokka: "" is not null, so @{ if x != null } lets an empty first name through; the
    # message said only "has no fallback or guard", as if the author had written none
    per001 = _null_guarded(
        tmp_path,
        "not-null",
        "@{ if Recipient.FirstName != null }${ Recipient.FirstName }, привет!"
        "@{ else }Привет!@{ end if }",
    )
    assert per001.message == (
        "“Recipient.FirstName” has no fallback, and its guard @{ if Recipient.FirstName != null "
        '} tests for null only: an empty value ("") passes it — test for an empty value '
        'instead: @{ if Recipient.FirstName != "" }'
    )
    # x = null, the name printed in the else branch: the same guard, said the same way
    per001 = _null_guarded(
        tmp_path,
        "is-null",
        "@{ if Recipient.FirstName = null }Привет!"
        "@{ else }${ Recipient.FirstName }, привет!@{ end if }",
    )
    assert per001.message.startswith(
        "“Recipient.FirstName” has no fallback, and its guard @{ if Recipient.FirstName = null }"
        " tests for null only"
    )
    assert per001.message.endswith('instead: @{ if Recipient.FirstName = "" }')


def test_a_mindbox_guard_for_an_empty_value_is_no_finding(tmp_path: Path) -> None:
    body = (
        '<h1>@{ if Recipient.FirstName != "" }${ Recipient.FirstName }, привет!'
        f"@{{ else }}Привет!@{{ end if }}</h1>\n{SHOP}\n{MINDBOX_UNSUB}"
    )
    assert only(check(write_campaign(tmp_path, body=body, esp="mindbox")), "PER001") == []


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
