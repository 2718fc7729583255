"""Every built-in dialect on Russian campaigns: a correct template gives no error; a missing
fallback, a syntax error and a broken unsubscribe tag give exactly their findings; a rendered
test send with a tag of the dialect left in it gives PER003."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import check, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
SHOP = f'<p><a href="https://shop.test/sale?{UTM}">Выбрать подарок</a></p>'
IMAGE = '<p><img src="https://cdn.shop.test/a.png" alt="Скидки"></p>'


@dataclass
class Dialect:
    name: str
    greeting: str  # with a fallback
    guard: str  # a guarded phrase
    system: str  # a platform system variable in the text
    unsubscribe: str  # the unsubscribe link's href: the platform's tag
    no_fallback: str | None  # the greeting without a fallback (None: the language has none)
    syntax_error: str | None  # a block that is never closed (None: the language has none)
    broken_unsubscribe: str  # a misspelt unsubscribe tag
    leftover: str  # a tag of the dialect as it would survive into a sent message

    def body(
        self, greeting: str | None = None, guard: str | None = None, unsub: str | None = None
    ) -> str:
        return "\n".join(
            [
                f"<p>{greeting or self.greeting}</p>",
                f"<p>{guard if guard is not None else self.guard}</p>",
                SHOP,
                IMAGE,
                f"<p>Письмо для {self.system}</p>",
                f'<p><a href="{unsub or self.unsubscribe}">Отписаться от рассылки</a></p>',
            ]
        )


DIALECTS = [
    Dialect(
        "jinja",
        "Здравствуйте, {{ first_name | default('друг', true) }}!",
        "{% if city %}Ваш город: {{ city }}{% endif %}",
        "{{ email }}",
        "{{ unsubscribe_url }}",
        "Здравствуйте, {{ first_name }}!",
        "{% if city %}Ваш город: {{ city }}",
        "{{ unsubscribe_ur }}",
        "{{ first_name }}",
    ),
    Dialect(
        "liquid",
        "Здравствуйте, {{ first_name | default: 'друг' }}!",
        "{% if city != blank %}Ваш город: {{ city }}{% endif %}",
        "{{ person.email }}",
        "{{ unsubscribe_link }}",
        "Здравствуйте, {{ first_name }}!",
        "{% if city != blank %}Ваш город: {{ city }}",
        "{{ unsubscribe_lnk }}",
        "{{ first_name }}",
    ),
    Dialect(
        "handlebars",
        'Здравствуйте, {{insert first_name "default=друг"}}!',
        "{{#if city}}Ваш город: {{city}}{{/if}}",
        "{{sender_name}}",
        "{{{unsubscribe}}}",
        "Здравствуйте, {{first_name}}!",
        "{{#if city}}Ваш город: {{city}}",
        "{{{unsubscrib}}}",
        "{{first_name}}",
    ),
    Dialect(
        "mailchimp",
        "Здравствуйте!",  # Mailchimp keeps defaults in the audience: no inline fallback
        "*|IF:CITY|*Ваш город: *|CITY|**|END:IF|*",
        "*|EMAIL|*",
        "*|UNSUB|*",
        "Здравствуйте, *|FNAME|*!",
        "*|IF:CITY|*Ваш город: *|CITY|*",
        "*|UNSUBB|*",
        "*|FNAME|*",
    ),
    Dialect(
        "mindbox",
        'Здравствуйте, ${ replaceIfEmpty(Recipient.FirstName, "друг") }!',
        "@{ if Recipient.City }Ваш город: ${ Recipient.City }@{ end if }",
        "${ Recipient.Email }",
        "${ Recipient.UnsubscribeLink }",
        "Здравствуйте, ${ Recipient.FirstName }!",
        "@{ if Recipient.City }Ваш город: ${ Recipient.City }",
        "${ Recipient.UnsubscribeLnk }",
        "${ Recipient.FirstName }",
    ),
    Dialect(
        "sendsay",
        "Здравствуйте, [% anketa.base.firstName or 'друг' %]!",
        "[% IF anketa.base.city %]Ваш город: [% anketa.base.city %][% END %]",
        "[% anketa.member.email %]",
        "[% param.url_unsub %]",
        "Здравствуйте, [% anketa.base.firstName %]!",
        "[% IF anketa.base.city %]Ваш город: [% anketa.base.city %]",
        "[% url_unsub %]",
        "[% anketa.base.firstName %]",
    ),
    Dialect(
        "unisender",
        "Здравствуйте, {{Name|уважаемый подписчик}}!",
        "Здравствуйте{{Name?, }}{{Name}}!",
        "{{Email}}",
        "{{UnsubscribeUrl}}",
        "Здравствуйте, {{Name}}!",
        None,
        "{{UnsubscribeUrll}}",
        "{{Name}}",
    ),
    Dialect(
        "velocity",
        "Здравствуйте, ${firstName|Друг}!",
        "#if($city)Ваш город: $city#end",
        "$webversion",
        "$unsubscribe",
        "Здравствуйте, ${firstName}!",
        "#if($city)Ваш город: $city",
        "${unsubscrib}",
        "${firstName}",
    ),
    Dialect(
        "go",
        'Здравствуйте, {{ .Subscriber.Attribs.first_name | default "друг" }}!',
        "{{ if .Subscriber.Attribs.city }}Ваш город: {{ .Subscriber.Attribs.city }}{{ end }}",
        "{{ .Subscriber.Email }}",
        "{{ UnsubscribeURL }}",
        "Здравствуйте, {{ .Subscriber.Attribs.first_name }}!",
        "{{ if .Subscriber.Attribs.city }}Ваш город: {{ .Subscriber.Attribs.city }}",
        "{{ .Subscriber.UnsubscribeURL }}",
        "{{ .Subscriber.Attribs.first_name }}",
    ),
    Dialect(
        "mautic",
        "Здравствуйте, {contactfield=firstname|друг}!",
        "{% if contactfield.city %}Ваш город: {contactfield=city}{% endif %}",
        "{contactfield=email}",
        "{unsubscribe_url}",
        "Здравствуйте, {contactfield=firstname}!",
        "{% if contactfield.city %}Ваш город: {contactfield=city}",
        "{unsubscribe_link}",
        "{contactfield=firstname}",
    ),
    Dialect(
        "mailerlite",
        "Здравствуйте, {$name|default('друг')}!",
        "",
        "{$email}",
        "{$unsubscribe}",
        "Здравствуйте, {$name}!",
        None,
        "{$unsubscrbe}",
        "{$name}",
    ),
    Dialect(
        "php",
        "Здравствуйте, <?= $user->getShortName() ?? 'друг' ?>!",
        "<?php if ($user->city): ?>Ваш город: <?= $user->city ?><?php endif; ?>",
        "<?= 'RUNET-ID' ?>",
        "https://runet-id.test/unsubscribe",
        # a property: a method call is the application's code, which may fall back (a warning)
        "Здравствуйте, <?=$user->shortName?>!",
        "<?php if ($user->city): ?>Ваш город: <?= $user->city ?>",
        "<?= $unsubscribeUrl ?>",
        "<?=$user->getShortName()?>",
    ),
    Dialect(
        "dashamail",
        "Здравствуйте!",
        "",
        "%EMAIL%",
        "%UNSUBSCRIBE_URL%",
        "Здравствуйте, %NAME%!",
        None,
        "%UNSUBSCRIBE_ULR%",
        "%NAME%",
    ),
    Dialect(
        "campaignmonitor",
        "Здравствуйте, [firstname,fallback=друг]!",
        "",  # its conditional content is not read (PER007)
        "[email]",
        "[unsubscribe]",
        "Здравствуйте, [firstname,fallback=]!",  # what its editor inserts: prints nothing
        None,
        "[unsubscibe]",
        "[firstname,fallback=]",
    ),
    Dialect(
        "bitrix",
        "Здравствуйте, #USER_NAME#!",
        "",
        "#EMAIL_TO#",
        "#UNSUBSCRIBE_LINK#",
        None,  # every macro is a field the mail event fills: no fallback to miss
        None,
        "#UNSUBSCRIBE_LNK#",
        "#USER_NAME#",
    ),
]
IDS = [d.name for d in DIALECTS]


def run(tmp_path: Path, d: Dialect, body: str, **kw: Any) -> list[str]:
    path = write_campaign(tmp_path, body=body, subject="Подарки ко дню рождения", **kw)
    return sorted(f.code for f in check(path).findings if f.severity.value == "error")


@pytest.mark.parametrize("d", DIALECTS, ids=IDS)
def test_correct_template_gives_no_error(d: Dialect, tmp_path: Path) -> None:
    assert run(tmp_path, d, d.body(), template=d.name) == []


WITH_FALLBACKS = [d for d in DIALECTS if d.no_fallback]


@pytest.mark.parametrize("d", WITH_FALLBACKS, ids=lambda d: d.name)
def test_detected_without_being_told(d: Dialect, tmp_path: Path) -> None:
    path = write_campaign(tmp_path, body=d.body(greeting=d.no_fallback))
    result = check(path)
    per001 = [f for f in result.findings if f.code == "PER001"]
    assert len(per001) == 1, result.findings
    assert not [f for f in result.findings if f.code in ("PER004", "PER007", "PER003")]


@pytest.mark.parametrize("d", WITH_FALLBACKS, ids=lambda d: d.name)
def test_missing_fallback_is_one_per001(d: Dialect, tmp_path: Path) -> None:
    path = write_campaign(tmp_path, body=d.body(greeting=d.no_fallback), template=d.name)
    findings = check(path).findings
    per001 = [f for f in findings if f.code == "PER001"]
    assert len(per001) == 1 and per001[0].location.endswith(":5"), findings
    # DashaMail's field takes its default from the list, which mailcheck cannot see: could not
    # verify, a warning (elsewhere the template writes the fallback: an error)
    errors = [] if d.name == "dashamail" else ["PER001"]
    assert [f.code for f in findings if f.severity.value == "error"] == errors
    assert "Здравствуйте, !" in per001[0].message, per001  # the evidence: what a reader gets


@pytest.mark.parametrize("d", [d for d in DIALECTS if d.syntax_error], ids=lambda d: d.name)
def test_unclosed_block_is_one_per004(d: Dialect, tmp_path: Path) -> None:
    path = write_campaign(tmp_path, body=d.body(guard=d.syntax_error), template=d.name)
    result = check(path)
    per004 = [f for f in result.findings if f.code == "PER004"]
    # the line of the tag that opened the block; Jinja names the end, which stands for
    # Mautic alone: its tags are not found as a block's (templating.salvage), so the block
    # never closed is not named (under Jinja itself it is)
    line = "10" if d.name == "mautic" else "6"
    assert len(per004) == 1 and per004[0].location == f"email.html:{line}", per004
    assert [f.code for f in result.findings if f.severity.value == "error"] == ["PER004"]


# 1C-Bitrix macros are the fields of the mail event that sends the message, unknown to
# mailcheck: a misspelt one shows only in a test send, as PER003 (the last test). PHP has no
# platform tags to misspell: `<?= $unsubscribeUrl ?>` is the application's own variable, a
# link it builds (an empty one in a sample is the link rules' to report).
@pytest.mark.parametrize(
    "d", [d for d in DIALECTS if d.name not in ("bitrix", "php")], ids=lambda d: d.name
)
def test_broken_unsubscribe_tag_is_reported(d: Dialect, tmp_path: Path) -> None:
    errors = run(tmp_path, d, d.body(unsub=d.broken_unsubscribe), template=d.name)
    # the misspelt tag is a variable nobody fills (PER001 at the link: the root cause of the
    # empty link), or a token the platform leaves as it is (PER003); a DashaMail list field's
    # default cannot make a misspelt system tag right: an error there too, not a warning
    assert errors in (["PER001"], ["PER003"]), errors
    if d.name == "dashamail":
        path = write_campaign(tmp_path, "named", body=d.body(unsub=d.broken_unsubscribe),
                              subject="Подарки ко дню рождения", template=d.name)  # fmt: skip
        [per001] = [f for f in check(path).findings if f.code == "PER001"]
        assert (per001.severity.value, per001.locations) == ("error", ("email.html:10",))
        assert per001.message == (
            "DashaMail has no tag %UNSUBSCRIBE_ULR%: did you mean %UNSUBSCRIBE_URL%?"
        )


@pytest.mark.parametrize("d", DIALECTS, ids=IDS)
def test_rendered_test_send_with_a_surviving_tag_is_per003(d: Dialect, tmp_path: Path) -> None:
    eml = tmp_path / "send.eml"
    eml.write_bytes(
        (
            # a test send as a mailbox saves it: a receiving server's trace line on top
            "Received: from mx.shop.test by mx.b.test; Fri, 4 Dec 2026 05:00:00 +0000\r\n"
            "From: Shop <news@shop.test>\r\nTo: a@b.test\r\nSubject: =?utf-8?b?"
            + __import__("base64").b64encode("Подарки".encode()).decode()
            + "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            f"<p>Здравствуйте, {d.leftover}!</p>{SHOP}{IMAGE}"
            '<p><a href="https://shop.test/unsub">Отписаться</a></p>\r\n'
        ).encode()
    )
    result = check(eml)
    per003 = [f for f in result.findings if f.code == "PER003"]
    assert len(per003) == 1, result.findings
    assert d.leftover.strip() in per003[0].message


# A tag never closed runs on into the next one (the unsubscribe link's, here) or stays in the
# text as written: the ESP reads something other than was meant. Found by a QA probe: each
# passed as "ok" before.
UNCLOSED = [
    ("sendsay", 'Привет, [% anketa.base.firstName or "друг" ]!', "[% param.url_unsub %]",
     '“[% anketa.base.firstName or "друг" ]!</p…” is never closed'),
    ("mindbox", 'Привет, ${ replaceIfEmpty(Recipient.FirstName, "друг") !',
     "${ Recipient.UnsubscribeLink }", '“${ replaceIfEmpty(Recipient.FirstName, "…” is never'),
    ("mailchimp", "Привет, *|FNAME|!", "*|UNSUB|*", "the tag “*|FNAME|!” is never closed"),
    # Unisender's tags nest ({{Name|{{Email}}}}): a "{{" outside every tag is the one
    ("unisender", "Привет, {{Name|друг}!", "{{UnsubscribeUrl}}",
     "the tag “{{Name|друг}!” is never closed"),
    ("go", "Привет, {{ .Subscriber.FirstName }!", "{{ UnsubscribeURL }}",
     "the tag “{{ .Subscriber.FirstName }!</p><p><a hre…” is never closed"),
]  # fmt: skip


@pytest.mark.parametrize(("dialect", "greeting", "unsubscribe", "said"), UNCLOSED,
                         ids=[u[0] for u in UNCLOSED])  # fmt: skip
def test_a_tag_never_closed_is_one_per004_at_its_line(
    dialect: str, greeting: str, unsubscribe: str, said: str, tmp_path: Path
) -> None:
    body = f'<p>{greeting}</p><p><a href="{unsubscribe}">Отписаться</a></p>\n{SHOP}'
    result = check(write_campaign(tmp_path, body=body, template=dialect))
    assert [(f.code, f.location) for f in result.findings if f.severity.value == "error"] == [
        ("PER004", "email.html:5")
    ]
    [per004] = [f for f in result.findings if f.code == "PER004"]
    assert said in per004.message


# Closed, but not as the language writes a tag: shown to the reader as written. Said so, not
# "never closed" (a QA probe's cases: Mailchimp has no fallback in its tags; Unisender's field
# names are Latin; an empty name).
NOT_READ = [
    ("mailchimp", "*|FNAME|друг|*", "*|UNSUB|*"),
    ("mailchimp", "*||*", "*|UNSUB|*"),
    ("unisender", "{{Имя|друг}}", "{{UnsubscribeUrl}}"),
    ("unisender", "{{|друг}}", "{{UnsubscribeUrl}}"),
]  # fmt: skip


@pytest.mark.parametrize(("dialect", "tag", "unsubscribe"), NOT_READ)
def test_a_closed_tag_the_language_does_not_read_is_said_so(
    dialect: str, tag: str, unsubscribe: str, tmp_path: Path
) -> None:
    body = f'<p>Привет, {tag}!</p><p><a href="{unsubscribe}">Отписаться</a></p>\n{SHOP}'
    result = check(write_campaign(tmp_path, body=body, template=dialect))
    [per004] = [f for f in result.findings if f.code == "PER004"]
    assert (per004.location, per004.message) == (
        "email.html:5",
        f"the tag “{tag}” is not written as the template language reads it; personalisation "
        "was not checked further: fix this and check again",
    )


def test_a_comment_quoting_a_tag_is_no_tag_run_on(tmp_path: Path) -> None:
    body = (
        "<p>@{* было: ${ Recipient.Name *}"
        '${ replaceIfEmpty(Recipient.FirstName, "друг") }</p>'
        '<p><a href="${ Recipient.UnsubscribeLink }">Отписаться</a></p>'
    )
    result = check(write_campaign(tmp_path, body=body, template="mindbox"))
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []
