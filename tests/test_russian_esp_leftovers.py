"""A subject measured with a name no sample gives; a template syntax error and what it hides;
the quote of the first text inboxes show, the same in every template language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

# 44 characters after "<name>, ": 46 with the name empty, 52 with a 6-letter one
OFFER = "только сегодня скидка 30% на всё в «Лавке» 🎁"
UNSUB_MINDBOX = '<p><a href="${ Recipient.UnsubscribeLink }">Отписаться</a></p>'


def _mindbox(tmp_path: Path, name: str, subject: str, **manifest: Any) -> Path:
    return write_campaign(
        tmp_path, name, esp="mindbox", subject=subject, body=UNSUB_MINDBOX, **manifest
    )


def test_a_subject_within_the_limit_only_with_the_name_empty_is_could_not_verify(
    tmp_path: Path,
) -> None:
    d = _mindbox(tmp_path, "c", "${ Recipient.FirstName }, " + OFFER)
    [sub] = only(check(d), "SUB002")
    assert (sub.severity, sub.location) == (Severity.WARNING, "subject")
    assert sub.message == (
        "could not verify the subject's length: 46 characters with “Recipient.FirstName” "
        "empty (no sample or fallback gives a value), 52 with a name of 6 letters, a typical "
        "one, where it stands; limit 50: “[Recipient.FirstName], " + OFFER + "”"
    )


def test_a_subject_within_the_limit_with_a_typical_name_is_not_reported(tmp_path: Path) -> None:
    # 4 characters fewer: 48 with a 6-letter name
    d = _mindbox(tmp_path, "c", "${ Recipient.FirstName }, " + OFFER.replace(" 🎁", "")[:-2])
    assert only(check(d), "SUB002") == []


def test_a_fallback_or_a_sample_gives_the_length_no_typical_name(tmp_path: Path) -> None:
    fallback = _mindbox(
        tmp_path, "fallback", '${ replaceIfEmpty(Recipient.FirstName, "друг") }, ' + OFFER
    )
    assert only(check(fallback), "SUB002") == []
    sampled = _mindbox(
        tmp_path,
        "sampled",
        "${ Recipient.FirstName }, " + OFFER,
        samples="r.csv",
        files={"r.csv": "Recipient.FirstName\nАлександра\n"},
    )
    [sub] = only(check(sampled), "SUB002")
    assert (sub.severity, sub.location) == (Severity.ERROR, "subject")
    assert sub.message.startswith(
        "subject is 56 characters, limit 50 (rendered with longest values): “Александра, "
    )


def test_a_subject_over_the_limit_with_the_name_empty_says_it_was_empty(tmp_path: Path) -> None:
    # it said "(rendered with fallbacks)" where no fallback stood
    d = _mindbox(tmp_path, "c", "${Recipient.FirstName}, " + OFFER + " и ещё")
    [sub] = only(check(d), "SUB002")
    assert (sub.severity, sub.location) == (Severity.ERROR, "subject")
    assert sub.message == (
        "subject is 52 characters, limit 50 (rendered with “Recipient.FirstName” empty: no "
        "sample or fallback gives a value): “, " + OFFER + " и ещё”"
    )
    # beside a variable that has its fallback, that one is said too
    both = _mindbox(
        tmp_path,
        "both",
        '${Recipient.FirstName}, ${ replaceIfEmpty(Recipient.City, "") } ' + OFFER + " и ещё",
    )
    [sub] = only(check(both), "SUB002")
    assert sub.severity is Severity.ERROR
    assert "(rendered with fallbacks, and “Recipient.FirstName” empty: no sample" in sub.message


SENDSAY_BROKEN = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Скидка</title></head>
<body>
<h1>Здравствуйте, [% anketa.base.firstName %]!</h1>
<p>[% IF anketa.custom.city %]Магазин в городе [% anketa.custom.city %] ждёт вас.</p>
<p><a href="[% param.url_unsub %]">Отписаться</a></p>
</body></html>
"""


def test_a_sendsay_block_never_closed_names_its_tag_and_what_is_not_checked(
    tmp_path: Path,
) -> None:
    result = check(write_campaign(tmp_path, "c", html=SENDSAY_BROKEN, esp="sendsay"))
    [per004] = only(result, "PER004")
    assert (per004.severity, per004.location) == (Severity.ERROR, "email.html:5")
    assert per004.message == (
        "sendsay: “[% IF anketa.custom.city %]” on line 5 is never closed with “[% END %]”; "
        "nothing was rendered, so what recipients would read is not checked: fix this and "
        "check again"
    )
    # the greeting above the block reads as it will once the block is closed: its PER001 is
    # there already (it was hidden until the fix); the city after the block's opening tag
    # may end up inside the block, guarded: not verified
    greeting, city = sorted(only(result, "PER001"), key=lambda f: f.location)
    assert (greeting.severity, greeting.location) == (Severity.ERROR, "email.html:4")
    assert (city.severity, city.location) == (Severity.WARNING, "email.html:5")
    assert greeting.message == "“anketa.base.firstName” has no fallback or guard"
    assert city.message.startswith("could not verify “anketa.custom.city” ")
    fixed = SENDSAY_BROKEN.replace("ждёт вас.", "ждёт вас.[% END %]")
    result = check(write_campaign(tmp_path, "fixed", html=fixed, esp="sendsay"))
    assert only(result, "PER004") == []
    [per001] = only(result, "PER001")
    assert (per001.severity, per001.location) == (Severity.ERROR, "email.html:4")


def test_a_mindbox_loop_never_closed_names_its_end_tag(tmp_path: Path) -> None:
    body = "<p>@{ for item in Products }${ item.Name }</p>\n" + UNSUB_MINDBOX
    result = check(write_campaign(tmp_path, "c", body=body, esp="mindbox"))
    [per004] = only(result, "PER004")
    assert per004.severity is Severity.ERROR
    assert per004.location == "email.html:5"
    assert per004.message.startswith(
        "mindbox: “@{ for item in Products }” on line 5 is never closed with “@{ end for }”;"
    )


def test_the_first_text_quote_shows_variables_as_names_in_every_dialect(tmp_path: Path) -> None:
    # a template that could not be rendered showed its raw [% … %] tags
    broken = check(
        write_campaign(tmp_path, "sendsay", html=SENDSAY_BROKEN, esp="sendsay", preheader=None)
    )
    [pre] = only(broken, "PRE001")
    assert (pre.severity, pre.location) == (Severity.WARNING, "preheader")
    assert pre.message == (
        "no preheader (preview text) found: inboxes show the first text instead, "
        "“Здравствуйте, [anketa.base.firstName]! Магазин в городе [ank…”"
    )
    # Bitrix's event field showed as written, #NAME#
    bitrix = (
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>x</title></head>\n'
        "<body>\n<h1>Здравствуйте, #NAME#!</h1>\n"
        '<p><a href="#UNSUBSCRIBE_LINK#">Отписаться</a></p>\n</body></html>\n'
    )
    [pre] = only(check(write_campaign(tmp_path, "bitrix", html=bitrix, esp="bitrix")), "PRE001")
    assert (pre.severity, pre.location) == (Severity.WARNING, "preheader")
    assert pre.message == (
        "no preheader (preview text) found: inboxes show the first text instead, "
        "“Здравствуйте, [NAME]! Отписаться”"
    )
