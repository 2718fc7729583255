"""PER001 as a QA person reads it (session 36, a probe of Russian ESP campaigns): the tag as
written, what the recipient reads, where the ESP ignores a fallback, an empty fallback; and
the trigger event's data of eSputnik and DashaMail read as 1C-Bitrix's mail event."""

from __future__ import annotations

from pathlib import Path

from helpers import check, only, write_campaign

UTM = "utm_source=esp&utm_medium=email&utm_campaign=c"
SHOP = f'<p><a href="https://shop.test/sale?{UTM}">Каталог</a></p>'
ESPUTNIK_UNSUBSCRIBE = '<p><a href="$unsubscribe">Отписаться</a></p>'


def per001(path: Path) -> list[tuple[str, str, str]]:
    return sorted((f.severity.value, f.location, f.message) for f in only(check(path), "PER001"))


# -- Velocity: a reference without "!" prints itself when it has no value --------------------


def test_a_velocity_reference_without_quiet_notation_says_the_tag_reaches_the_recipient(
    tmp_path: Path,
) -> None:
    # Unisender Go's Velocity, a recipient's field: an error, its tag quoted as written
    body = f"<p>Ваш бонус: $bonus баллов.</p>\n{SHOP}\n<p><a href='${{unsubscribe_url}}'>Отписаться</a></p>"
    d = write_campaign(tmp_path, body=body, esp="unisender-go")
    assert per001(d) == [
        (
            "error",
            "email.html:5",
            "“bonus” has no fallback or guard; where it has no value, Velocity prints the tag "
            "itself, “$bonus”, to the recipient: write $!bonus to print nothing there, or give "
            "it a fallback",
        )
    ]
    # the quiet reference prints nothing: no word of the tag
    quiet = write_campaign(
        tmp_path, "quiet", esp="unisender-go", body=body.replace("$bonus", "$!bonus")
    )
    assert per001(quiet) == [("error", "email.html:5", "“bonus” has no fallback or guard")]


def test_esputnik_event_data_without_quiet_notation_is_a_warning_quoting_the_tag(
    tmp_path: Path,
) -> None:
    # «Сумма: $data.get('total') ₽» was `error PER001 “data.total” has no fallback or guard`:
    # data.total is found by no search, and the event's data is the site's, as 1C-Bitrix's
    body = f"""<p>Привет, $!data.get('firstName')!</p>
    <p>Сумма: $data.get('total') ₽</p>
    <p>Заказ №$!data.get('orderNumber')</p>
    {SHOP}
    {ESPUTNIK_UNSUBSCRIBE}"""
    d = write_campaign(tmp_path, body=body, esp="esputnik")
    assert per001(d) == [
        (
            "warning",
            "email.html:5",
            "could not verify “$!data.get('firstName')”: it is a field of the event the site "
            "sends to eSputnik to trigger the message, and mailcheck cannot see whether it is "
            'ever empty; where it is, with data.firstName = "" the text reads “Привет, !”. Make '
            "sure a value is always passed, or word the text so that it reads without one; if "
            "it is never empty, list “data.firstName” in system-variables",
        ),
        (
            "warning",
            "email.html:6",
            "could not verify “$data.get('total')”: it is a field of the event the site sends "
            "to eSputnik to trigger the message, and mailcheck cannot see whether the event "
            "always passes it; where it has no value, Velocity prints the tag itself, "
            "“$data.get('total')”, to the recipient: write $!data.get('total') to print "
            "nothing there, or give it a fallback. If it always does, list “data.total” in "
            "system-variables",
        ),
        # the quiet order number breaks nothing: silent, as 1C-Bitrix's #ORDER_ID#
    ]


def test_esputnik_event_data_a_sample_lacks_is_an_error(tmp_path: Path) -> None:
    # a sample event without "total": that recipient reads «Сумма: $data.get('total') ₽»
    body = f"""<p>Привет, $!data.get('firstName')!</p>
    <p>Сумма: $data.get('total') ₽</p>
    {SHOP}
    {ESPUTNIK_UNSUBSCRIBE}"""
    samples = '[{"data": {"firstName": "Анна", "total": "1990"}}, {"data": {"firstName": "Иван"}}]'
    d = write_campaign(
        tmp_path, body=body, esp="esputnik", samples="s.json", files={"s.json": samples}
    )
    assert per001(d) == [
        (
            "error",
            "email.html:6",
            "“$data.get('total')” has no fallback or guard, and a sample recipient has no value "
            "for it (sample 2 (Иван)); where it has no value, Velocity prints the tag itself, "
            "“$data.get('total')”, to the recipient: write $!data.get('total') to print "
            "nothing there, or give it a fallback",
        )
    ]
    # every sample gives it: nothing to say (the greeting is given too)
    given = samples.replace('{"firstName": "Иван"}', '{"firstName": "Иван", "total": "5"}')
    full = write_campaign(
        tmp_path, "full", body=body, esp="esputnik", samples="s.json", files={"s.json": given}
    )
    assert per001(full) == []


def test_esputnik_data_is_a_recipients_field_on_unisender_go(tmp_path: Path) -> None:
    # only eSputnik's $data is its trigger event's: on Unisender Go it stays an error
    body = f"<p>Привет, $!data.get('firstName')!</p>\n{SHOP}\n<p><a href='${{unsubscribe_url}}'>Отписаться</a></p>"
    d = write_campaign(tmp_path, body=body, esp="unisender-go")
    assert per001(d) == [
        (
            "error",
            "email.html:5",
            "“$!data.get('firstName')” has no fallback or guard: with data.firstName = \"\" the "
            "text reads “Привет, !”",
        )
    ]


# -- DashaMail: the trigger event's data is the site's, as 1C-Bitrix's mail event -----------


def test_dashamail_event_data_breaking_the_greeting_is_a_warning(tmp_path: Path) -> None:
    # it was silent: «Здравствуйте, !» for an event without the name passed unseen
    body = """<p>Здравствуйте, %(OBJECT)data.customer.name%!</p>
    <p>Заказ %(OBJECT)data.order.id%</p>
    <p><a href="%UNSUBSCRIBE_URL%">Отписаться</a></p>"""
    d = write_campaign(tmp_path, body=body, esp="dashamail")
    assert per001(d) == [
        (
            "warning",
            "email.html:5",
            "could not verify “data.customer.name”: it is a field of the trigger event the site "
            "sends to DashaMail, and mailcheck cannot see whether it is ever empty; where it "
            'is, with data.customer.name = "" the text reads “Здравствуйте, !”. Make sure a '
            "value is always passed, or word the text so that it reads without one; if it is "
            "never empty, list “data.customer.name” in system-variables",
        )
    ]


# -- eSputnik's %FIRSTNAME|% (Stripo's default): a fallback written empty ---------------------


def test_esputnik_empty_fallback_is_said_empty_not_missing(tmp_path: Path) -> None:
    body = f"<p>Привет, %FIRSTNAME|%!</p>\n<p>Город: %CITY%</p>\n{SHOP}\n{ESPUTNIK_UNSUBSCRIBE}"
    d = write_campaign(tmp_path, body=body, esp="esputnik", subject="%FIRSTNAME|%, бонусы")
    assert per001(d) == [
        ("error", "email.html:6", "“CITY” has no fallback or guard"),
        (
            "error",
            "subject",
            "“FIRSTNAME” has an empty fallback (%FIRSTNAME|%), which is none: with FIRSTNAME "
            '= "" the text reads “Привет, !”',
        ),
    ]


# -- Unisender: a fallback inside a link is ignored, and the message says where ---------------


def test_unisender_fallback_ignored_in_a_link_is_said_at_its_line(tmp_path: Path) -> None:
    body = f"""<p>Привет, {{{{Name}}}}!</p>
    <p><a href="https://shop.test/n?{UTM}&amp;ref={{{{Name|anon}}}}">Новинки</a></p>
    <p><a href="{{{{UnsubscribeUrl}}}}">Отписаться</a></p>"""
    d = write_campaign(tmp_path, body=body, esp="unisender")
    [(severity, location, message)] = per001(d)
    assert (severity, location) == ("error", "email.html:5")
    assert message == (
        '“Name” has no fallback or guard: with Name = "" the text reads “Привет, !”; line 6 is '
        "inside a link, where Unisender ignores the fallback"
    )
    [finding] = only(check(d), "PER001")
    assert finding.locations == ("email.html:5", "email.html:6")


# -- DashaMail's dynamic content: the construct is not read, the rest still is ----------------


def test_dashamail_dynamic_block_keeps_the_other_findings(tmp_path: Path) -> None:
    # it was one PER007 "template language not understood: personalisation not checked
    # (dashamail: html: line 5: …)", and %NAME%'s warning was gone
    body = """<p>{{if city == "Москва"}}Доставка завтра{{endif}}</p><p>Здравствуйте, %NAME%!</p>
    <p><a href="%UNSUBSCRIBE_URL%">Отписаться</a></p>"""
    result = check(write_campaign(tmp_path, body=body, esp="dashamail"))
    per = sorted(
        (f.code, f.severity.value, f.location) for f in result.findings if f.code[:3] == "PER"
    )
    assert per == [("PER001", "warning", "email.html:5"), ("PER007", "warning", "email.html:5")]
    [per007] = only(result, "PER007")
    assert per007.message == (
        '{{if city == "Москва"}} not understood: what this block prints is not verified — check '
        "what it prints in a test send; once checked, <!-- mailcheck: ignore PER007 --> before "
        "its element acknowledges it"
    )
    assert only(result, "PER001")[0].message.startswith("could not verify “NAME”")


def test_dashamail_names_inside_a_dynamic_block_are_not_called_unguarded(tmp_path: Path) -> None:
    body = """<p>{{if city}}Здравствуйте, %NAME%!{{else}}Здравствуйте!{{endif}}</p>
    <p><a href="%UNSUBSCRIBE_URL%">Отписаться</a></p>"""
    result = check(write_campaign(tmp_path, body=body, esp="dashamail"))
    assert [(f.code, f.location) for f in result.findings if f.code[:3] == "PER"] == [
        ("PER007", "email.html:5")
    ]


def test_dashamail_blocks_mailcheck_cannot_pair_are_not_understood_said_once(
    tmp_path: Path,
) -> None:
    # an {{if}} never closed: not a syntax error (how DashaMail pairs them is its own), and the
    # message does not repeat the place ("dashamail: html: line 5:") its location gives
    body = """<p>Здравствуйте, %NAME%!</p>
    <p>{{if city == "Москва"}}Доставка завтра</p>
    <p><a href="%UNSUBSCRIBE_URL%">Отписаться</a></p>"""
    result = check(write_campaign(tmp_path, body=body, esp="dashamail"))
    per = [
        (f.code, f.severity.value, f.location, f.message)
        for f in result.findings
        if f.code[:3] == "PER"
    ]
    assert per == [
        (
            "PER007",
            "warning",
            "email.html:6",
            "not understood: this construct of DashaMail's dynamic content is not read "
            '(“{{if city == "Москва"}}” on line 6 is never closed) — personalisation not checked',
        )
    ]


def test_mindbox_greeting_after_an_unread_block_is_still_checked(tmp_path: Path) -> None:
    # the names after an unread block were taken as inside it: no PER001 for the greeting
    body = """<p>@{ if Recipient.Age > 18 }Для взрослых@{ end if }</p>
    <p>Здравствуйте, ${ Recipient.FirstName }!</p>
    <p><a href="${ Recipient.UnsubscribeLink }">Отписаться</a></p>"""
    result = check(write_campaign(tmp_path, body=body, esp="mindbox"))
    per = sorted(
        (f.code, f.severity.value, f.location) for f in result.findings if f.code[:3] == "PER"
    )
    assert per == [("PER001", "error", "email.html:6"), ("PER007", "warning", "email.html:5")]
