"""ESP template syntax each platform documents is never an error: Mailchimp's own tags and
block ends, Handlebars block helpers with arguments (Mailgun, Iterable, SendGrid's comparisons),
and languages mailcheck does not read (AMPscript, Mailgun's %recipient.x%) as "not understood"."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.model import CampaignResult
from tests.helpers import check, only, write_campaign, write_test_send

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
SHOP = f'<p><a href="https://shop.test/sale?{UTM}">Shop</a></p>'


def errors(result: CampaignResult) -> list[str]:
    return sorted(f.code for f in result.findings if f.severity.value == "error")


def test_mailchimp_cheat_sheet_tags_and_block_ends_are_not_variables(tmp_path: Path) -> None:
    """*|UNIQID|*, *|USER:…|*, *|ABUSE_EMAIL|* are filled by Mailchimp, and *|END:RSSITEMS|*,
    *|END:FEEDBLOCK|*, *|END:POLL|*, a survey's *|SURVEY|* … *|END:|* close blocks of its own
    (Mailchimp, "All the Merge Tags Cheat Sheet"): none of them needs a fallback."""
    body = f"""<p>*|IF:FNAME|*Hi *|FNAME|*,*|ELSE:|*Hi,*|END:IF|*</p>
*|RSSITEMS:|*<h2><a href="*|RSSITEM:URL|*">*|RSSITEM:TITLE|*</a></h2>*|END:RSSITEMS|*
*|FEEDBLOCK:https://blog.shop.test/feed|**|FEEDITEMS:[$count=3]|*
<a href="*|FEEDITEM:URL|*">*|FEEDITEM:TITLE|*</a>*|END:FEEDITEMS|**|END:FEEDBLOCK|*
*|POLL:RATING:5|* *|END:POLL|* *|SURVEY|* *|END:|*
<p>id *|UNIQID|*; *|USER:COMPANY|*, *|USER:ADDRESS_HTML|*, *|USER:PHONE|*, *|ABUSE_EMAIL|*</p>
{SHOP}
<p><a href="*|UNSUB|*">unsubscribe</a></p>"""
    result = check(write_campaign(tmp_path, body=body, esp="mailchimp"))
    assert only(result, "PER001") == [], result.findings
    assert only(result, "PER005") == [], result.findings
    assert errors(result) == [], result.findings


def test_an_audience_field_named_like_an_rss_tag_is_a_variable(tmp_path: Path) -> None:
    """*|FEEDBACK_URL|* is the audience's own merge field, not one of Mailchimp's RSS tags
    (*|FEED:…|*, *|FEEDBLOCK:…|*, *|FEEDITEM:…|*): a sample's value reaches it, and empty, its
    link goes nowhere (LNK003). As a link's whole URL it asks for no fallback (no PER001)."""
    body = f"""<p><a href="*|FEEDBACK_URL|*">Rate us</a></p>
*|FEEDBLOCK:https://blog.shop.test/feed|**|FEEDITEMS:[$count=3]|*
<a href="*|FEEDITEM:URL|*">*|FEEDITEM:TITLE|*</a>*|END:FEEDITEMS|**|END:FEEDBLOCK|*
{SHOP}
<p><a href="*|UNSUB|*">unsubscribe</a></p>"""
    files = {"r.csv": "EMAIL,FEEDBACK_URL\na@shop.test,\n"}
    path = write_campaign(tmp_path, body=body, esp="mailchimp", samples="r.csv", files=files)
    result = check(path)
    assert only(result, "PER001") == []
    (found,) = only(result, "LNK003")
    line = next(
        n
        for n, text in enumerate(path.joinpath("email.html").read_text().splitlines(), 1)
        if "FEEDBACK_URL" in text
    )
    assert (found.message, found.places) == (
        "link (“Rate us”): empty link",
        (f"email.html:{line}",),
    )


def test_block_helpers_with_arguments_are_not_mustache_sections(tmp_path: Path) -> None:
    """Mailgun's {{#equal plan "pro"}} and Iterable's {{#ifEq}}/{{#ifGt}} are comparisons
    (Mailgun "Handlebars Template Engine"; Iterable's Handlebars reference), not sections named
    "equal": the names in their bodies are the recipient's own, never "equal.first_name"."""
    body = f"""<p>Hi {{{{#if first_name}}}}{{{{first_name}}}}{{{{else}}}}there{{{{/if}}}},</p>
{{{{#equal plan "pro"}}}}<p>Thanks for being a Pro member.</p>{{{{/equal}}}}
{{{{#ifEq first_name "Ann"}}}}<p>Hi again, {{{{first_name}}}}!</p>{{{{/ifEq}}}}
{{{{#ifGt age 21}}}}<p>You are {{{{age}}}}.</p>{{{{/ifGt}}}}
{SHOP}
<p><a href="{{{{unsubscribeUrl}}}}">Unsubscribe</a></p>"""
    samples = (
        '[{"first_name": "Ann", "plan": "pro", "age": "30"},'
        ' {"first_name": "", "plan": "", "age": ""}]'
    )
    path = write_campaign(
        tmp_path, body=body, esp="iterable", samples="r.json", files={"r.json": samples}
    )
    result = check(path)
    assert errors(result) == [], result.findings
    names = [f.message for f in result.findings if f.code.startswith("PER")]
    assert not [m for m in names if "equal" in m or "ifEq" in m or "ifGt" in m], names


def test_sendgrid_not_equals_is_no_guard(tmp_path: Path) -> None:
    """{{#notEquals code "0000"}} shows its body for an empty code: no guard (PER001)."""
    body = f"""{{{{#notEquals code "0000"}}}}<p>Your code, {{{{code}}}}, gives 10% off.</p>{{{{/notEquals}}}}
{{{{#equals code "1234"}}}}<p>Code {{{{code}}}} is our best.</p>{{{{/equals}}}}
{SHOP}
<p><a href="{{{{{{unsubscribe}}}}}}">Unsubscribe</a></p>"""
    result = check(write_campaign(tmp_path, body=body, esp="sendgrid"))
    per001 = only(result, "PER001")
    assert len(per001) == 1 and per001[0].location.endswith(":5"), result.findings


def test_ampscript_template_is_not_understood_not_leftovers(tmp_path: Path) -> None:
    """An AMPscript template (Salesforce Marketing Cloud) is a language mailcheck does not read:
    one PER007 warning, no PER003/LNK errors, and a subject over the limit only with its tags
    is "could not verify"."""
    body = f"""%%[ SET @name = AttributeValue("FirstName") IF Empty(@name) THEN SET @name = "друг" ENDIF ]%%
<p>Привет, %%=v(@name)=%%! Ваш email: %%emailaddr%%</p>
<p><a href="%%view_email_url%%">Открыть в браузере</a></p>
{SHOP}
<p><a href="%%unsub_center_url%%">Отписаться</a></p>"""
    subject = "%%=ProperCase(@name)=%%, ваша персональная подборка недели ждёт"
    result = check(write_campaign(tmp_path, body=body, subject=subject))
    assert errors(result) == [], result.findings
    assert len(only(result, "PER007")) == 1, result.findings
    assert [f.severity.value for f in only(result, "SUB002")] == ["warning"], result.findings


def test_mailgun_variables_are_not_understood_nor_relative_links(tmp_path: Path) -> None:
    """Mailgun's %recipient.first% and %tag_unsubscribe_url% ("Batch Sending", "Tracking
    Messages") are filled by Mailgun: PER007, never PER003 or LNK008."""
    body = f"""<p>Hey %recipient.first%,</p>
{SHOP}
<p><a href="%tag_unsubscribe_url%">Unsubscribe</a></p>"""
    result = check(write_campaign(tmp_path, body=body))
    assert errors(result) == [], result.findings
    assert len(only(result, "PER007")) == 1, result.findings


@pytest.mark.parametrize(
    ("tag", "language"),
    [("[[firstname]]", "GetResponse ([[name]])"), ("{!Contact.FirstName}", "Salesforce ({!name})")],
)
def test_tags_of_a_language_not_read_are_not_understood_in_a_template(
    tmp_path: Path, tag: str, language: str
) -> None:
    """GetResponse's [[firstname]], Salesforce's {!Contact.FirstName}: a template in them is
    not understood (PER007), not leftovers (PER003), never passed in silence."""
    body = (
        f"<p>Здравствуйте, {tag}!</p>\n{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>"
    )
    result = check(write_campaign(tmp_path, body=body))
    assert errors(result) == [], result.findings
    assert [f.message for f in only(result, "PER007")] == [
        "template language not understood: personalisation not checked (1 tag of "
        f"{language}, a language mailcheck does not read)"
    ]


@pytest.mark.parametrize(
    ("greeting", "language", "count"),
    [
        # read as Velocity (its ${…} and #if), "<#if …>" was PER004 "the if block is never
        # closed", an error on a correct FreeMarker template (a QA probe)
        (
            "<#if first_name?has_content>Привет, ${first_name}!<#else>Привет!</#if>",
            "FreeMarker",
            3,
        ),
        # ${x!"default"}: PER003 "unrendered merge tag", an error on a template
        ('Привет, ${first_name!"друг"}!', "FreeMarker", 1),
        # Razor passed in silence (no tag of any known dialect); one "@Model.X" alone in the
        # copy may be a handle ("@Model.Works"): two members make it a template
        ("Привет, @Model.FirstName! Ваш бонус: @Model.Bonus", "Razor (ASP.NET)", 2),
        ("@if (Model.HasName) { <span>Привет, @Model.FirstName!</span> }", "Razor (ASP.NET)", 2),
    ],
)
def test_freemarker_and_razor_are_languages_of_their_own_not_understood(
    tmp_path: Path, greeting: str, language: str, count: int
) -> None:
    body = f"<p>{greeting}</p>\n{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>"
    result = check(write_campaign(tmp_path, body=body))
    assert errors(result) == [], result.findings
    assert [f.message for f in only(result, "PER007")] == [
        "template language not understood: personalisation not checked "
        f"({count} {'tag' if count == 1 else 'tags'} of {language}, a language mailcheck does "
        "not read)"
    ]


def test_braces_written_as_references_are_text_not_a_leftover_tag(tmp_path: Path) -> None:
    # Postmark's help: "&#123;&#123; something }} will turn into {{ something }}" was PER003
    # "unrendered merge tag", an error on braces no engine reads
    body = (
        "<p>Type &#123;&#123; first_name }} in the editor to greet by name.</p>\n"
        f"{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>"
    )
    result = check(write_campaign(tmp_path, body=body, template="none"))
    assert only(result, "PER003") == []
    # written as braces, the same words are a leftover
    left = body.replace("&#123;&#123;", "{{")
    [per003] = only(check(write_campaign(tmp_path, "left", body=left, template="none")), "PER003")
    assert per003.message == "unrendered merge tag {{ first_name }} in the body"


def test_a_braze_attribute_left_in_is_one_finding_quoting_the_whole_tag(tmp_path: Path) -> None:
    # a QA probe: "Hi {{${first_name}}}" in a sent .eml was two PER003 errors, the first
    # quoting "{{${first_name}}" (the first "}}" closed the "{{"), the second the "${…}" in it
    unsub = b"<p><a href='https://shop.test/u'>Unsubscribe</a></p>"
    html = b"<p>Sale</p>\n<p>Hi {{${first_name}}}, our sale is on.</p>\n" + unsub
    sent = write_test_send(tmp_path / "braze.eml", text=b"Hi {{${first_name}}}", html=html)
    [per003] = only(check(sent), "PER003")
    assert per003.message == "unrendered merge tag {{${first_name}}} in the body and text part"
    assert per003.places == ("braze.eml:15", "text part")
    # a "${…}" of its own beside it is a tag of its own
    html = html.replace(b"our sale", b"${city} sale")
    sent = write_test_send(tmp_path / "two.eml", text=b"Hi", html=html)
    assert [f.message for f in only(check(sent), "PER003")] == [
        "unrendered merge tag {{${first_name}}} in the body",
        "unrendered merge tag ${city} in the body",
    ]


def test_a_php_tag_written_with_references_is_text_not_a_leftover_tag(tmp_path: Path) -> None:
    # a review probe: "<p>Write &lt;?= $x ?&gt; in your view</p>" in a test send was PER003
    # "unrendered merge tag <?= $x ?>", an error on code the author escaped to show
    unsub = b"<p><a href='https://shop.test/u'>Unsubscribe</a></p>"
    shown = b"<p>Sale</p>\n<p>Write &lt;?= $x ?&gt; in your view</p>\n" + unsub
    sent = write_test_send(tmp_path / "shown.eml", text=b"Sale", html=shown)
    assert only(check(sent), "PER003") == []
    # written as a tag, the same code is a leftover, at its line of the HTML
    left = shown.replace(b"&lt;", b"<").replace(b"&gt;", b">")
    sent = write_test_send(tmp_path / "left.eml", text=b"Sale", html=left)
    [per003] = only(check(sent), "PER003")
    assert (per003.message, per003.places) == (
        "unrendered merge tag <?= $x ?> in the body",
        ("left.eml:15",),
    )


def test_a_razor_href_is_the_templates_not_a_relative_link(tmp_path: Path) -> None:
    # <a href="@Model.UnsubscribeUrl">: LNK008 "relative link URL" beside Razor's PER007
    body = (
        "<p>Привет, @Model.FirstName!</p>\n"
        f'{SHOP}\n<p><a href="@Model.UnsubscribeUrl">Отписаться</a></p>'
    )
    result = check(write_campaign(tmp_path, body=body))
    assert errors(result) == [], result.findings
    assert [f.code for f in only(result, "PER007")] == ["PER007"]


def test_razor_not_understood_is_said_at_the_line_of_its_first_construct(tmp_path: Path) -> None:
    # PER007 said "template" with no line for a Razor template (a QA probe)
    body = (
        "<p>Новости недели</p>\n<p>Скидки</p>\n"
        f'{SHOP}\n<p><a href="@Model.UnsubscribeUrl">Отписаться</a></p>\n'
        "<p>Привет, @Model.FirstName!</p>"
    )
    d = write_campaign(tmp_path, body=body)
    lines = (d / "email.html").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if "@Model.UnsubscribeUrl" in text)
    [finding] = only(check(d), "PER007")
    assert finding.location == f"email.html:{line}"
    assert finding.message.endswith(
        "(2 tags of Razor (ASP.NET), a language mailcheck does not read)"
    )


def test_razor_in_the_subject_is_said_at_the_subject(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path,
        subject="@Model.FirstName, скидка @Model.Discount%",
        body=f"{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>",
    )
    assert [f.location for f in only(check(d), "PER007")] == ["subject"]


@pytest.mark.parametrize(
    "copy",
    [
        "<p>Подписывайтесь на нас: @Model.Works в Telegram и Instagram</p>",  # a handle
        "<p>Пишите нам: team@Model.Works или hello@Model.Agency</p>",  # e-mail addresses
        "<p>Follow @Model.Works</p>\n<p>Follow @Model.Works on Instagram</p>",  # one handle twice
    ],
)
def test_model_written_in_the_copy_is_not_razor(tmp_path: Path, copy: str) -> None:
    # "@Model.Works" in the text was PER007 "1 tag of Razor (ASP.NET)": personalisation not
    # checked on an e-mail with none (a QA probe); nor is it a leftover tag
    body = f"{copy}\n{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>"
    result = check(write_campaign(tmp_path, body=body))
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []


def test_tags_of_a_language_not_read_left_in_a_sent_test_send_are_leftovers(
    tmp_path: Path,
) -> None:
    """Sent, the ESP has rendered the message: a [[firstname]] or {!name!} a reader sees is
    PER003, at every part it shows."""
    path = write_test_send(
        tmp_path / "send.eml",
        text="Здравствуйте, [[firstname]]! {!title!}".encode(),
        html="<p>Здравствуйте, [[firstname]]!</p><a href='https://shop.test/u'>Отписаться</a>".encode(),
    )
    found = [(f.message, f.location, f.locations) for f in only(check(path), "PER003")]
    assert found == [
        (  # at the line of the HTML part that writes it
            "unrendered merge tag [[firstname]] in the body and text part",
            "send.eml:14",
            ("send.eml:14", "text part"),
        ),
        ("unrendered merge tag {!title!} in the text part", "text part", ("text part",)),
    ]


def test_what_an_unknown_helper_prints_is_never_claimed_broken(tmp_path: Path) -> None:
    """An ESP helper mailcheck does not know ({{#formatList plan "x"}}) may change the context
    or never show its body: an empty name inside it is no "pro, !" claimed for a sample (a
    guess). The helper is PER007 on its own line; the greeting outside it is first_name's
    PER001, naming the sample that receives «Привет, !» (one cause, one finding: it was a
    PER002 of its own)."""
    body = f"""<p>Привет, {{{{first_name}}}}!</p>
{{{{#formatList plan "x"}}}}<p>Ваш тариф: {{{{plan}}}}, {{{{first_name}}}}!</p>{{{{/formatList}}}}
{SHOP}
<p><a href="{{{{{{unsubscribe}}}}}}">Отписаться</a></p>"""
    samples = '[{"first_name": "", "plan": "pro"}]'
    path = write_campaign(
        tmp_path, body=body, esp="sendgrid", samples="r.json", files={"r.json": samples}
    )
    result = check(path)
    assert only(result, "PER002") == [], result.findings
    [per001] = only(result, "PER001")
    assert (per001.places, per001.message) == (
        ("email.html:5",),
        '“first_name” has no fallback or guard: with first_name = "" the text reads '
        "“Привет, !”; sample 1 would receive it",
    )
    unread = only(result, "PER007")
    assert [(f.message, f.location) for f in unread] == [
        ('{{#formatList plan "x"}} not understood: what this block prints is not verified — '
         "check what it prints in a test send; once checked, <!-- mailcheck: ignore PER007 --> "
         "before its element acknowledges it", "email.html:6")
    ], unread  # fmt: skip


@pytest.mark.parametrize(
    "shown",
    [
        "<pre><code>Цена: ${price} руб.</code></pre>\n<p>Или <code>${item.name} + 1</code>.</p>",
        # a JavaScript template literal Velocity cannot parse: it was PER004, an error
        "<pre>const total = `${price * qty}`;\nconsole.log(total);</pre>",
        "<p>Наберите <kbd>echo ${HOME}</kbd> в терминале.</p>",
    ],
)
def test_dollar_braces_shown_as_code_are_not_a_template(tmp_path: Path, shown: str) -> None:
    # "${price}" in <code> or <pre> (a developers' newsletter showing code) was read as
    # Velocity: PER001 "price has no fallback", or PER004 "template syntax error" (a QA probe)
    body = f"<p>Новая версия SDK</p>\n{shown}\n{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>"
    result = check(write_campaign(tmp_path, body=body))
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []


def test_dollar_braces_in_the_copy_are_still_a_template(tmp_path: Path) -> None:
    # outside a code element "${price}" is Velocity's, as before
    body = (
        f"<p>Цена: ${{price}} руб.</p>\n{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>"
    )
    d = write_campaign(tmp_path, body=body)
    lines = (d / "email.html").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if "${price}" in text)
    [per001] = only(check(d), "PER001")
    # a reference without "!" prints itself when it has no value: the message says so
    assert (per001.message, per001.places) == (
        "“price” has no fallback or guard; where it has no value, Velocity prints the tag "
        "itself, “${price}”, to the recipient: write $!{price} to print nothing there, or give "
        "it a fallback",
        (f"email.html:{line}",),
    )


def test_a_code_element_holding_one_dollar_tag_alone_is_not_verified(tmp_path: Path) -> None:
    # <code>${promocode}</code> (a promo code set in a monospace font) as the only tag: it made
    # no template (a ${…} in code is code shown), and the e-mail passed silently (a QA probe).
    # Most likely a merge tag no dialect read here fills: not verified, at each place, once
    body = (
        '<p>Ваш промокод: <code style="font-size:20px">${promocode}</code></p>\n'
        "<p>Ещё один: <kbd> ${ second.code } </kbd></p>\n"
        f"{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>"
    )
    d = write_campaign(
        tmp_path, body=body, samples="r.json", files={"r.json": '[{"promocode": "SALE20"}]'}
    )
    lines = (d / "email.html").read_text(encoding="utf-8").splitlines()
    at = [i for i, text in enumerate(lines, start=1) if "${" in text]
    result = check(d)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == ["PER007"]
    [per007] = only(result, "PER007")
    assert per007.severity.value == "warning"
    assert per007.message == (
        "<code>${promocode}</code>, <kbd>${ second.code }</kbd>: the whole text of a code "
        "element, but no template language read here fills it — a merge tag or code shown "
        "as written? What recipients see there is not verified"
    )
    assert per007.places == tuple(f"email.html:{line}" for line in at)


def test_a_lone_dollar_tag_in_code_that_velocity_fills_is_checked_as_a_tag(tmp_path: Path) -> None:
    # esp = "esputnik" writes Velocity: the tag is rendered and checked like any other
    body = (
        "<p>Ваш промокод: <code>${promocode}</code></p>\n"
        f"{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>"
    )
    d = write_campaign(tmp_path, body=body, esp="esputnik")
    result = check(d)
    assert only(result, "PER007") == []
    [per001] = only(result, "PER001")
    assert per001.message.startswith(
        "“promocode” has no fallback or guard; where it has no value, Velocity prints the tag "
        "itself, “${promocode}”"
    )


@pytest.mark.parametrize(
    "copy",
    [
        '<p><img src="https://shop.test/logo.png" alt="@Model.Works" width="100"></p>',
        '<p>Мы в Instagram: <a href="https://instagram.com/model.works" '
        'title="@Model.Works">@Model.Works</a></p>',
        "<p><a href='https://shop.test/' aria-label='@Model.Works'>Shop</a></p>",
    ],
)
def test_a_handle_in_a_text_attribute_is_not_razor(tmp_path: Path, copy: str) -> None:
    # alt="@Model.Works" counted as "@Model. inside an HTML tag": PER007 "1 tag of Razor"
    # on an e-mail with no template (a QA probe). alt and title are text, as the copy is
    body = f"{copy}\n{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>"
    result = check(write_campaign(tmp_path, body=body))
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []


@pytest.mark.parametrize(
    "tag",
    [
        '<a href="https://shop.test/p/@Model.Id?x=1">Профиль</a>',
        "<img src=@Model.LogoUrl alt='Логотип'>",
        '<input type="hidden" value="@Model.Token">',
    ],
)
def test_a_model_in_an_address_or_value_attribute_is_razor(tmp_path: Path, tag: str) -> None:
    body = f"<p>Здравствуйте!</p>\n<p>{tag}</p>\n{SHOP}\n<p><a href='https://shop.test/u'>Отписаться</a></p>"
    d = write_campaign(tmp_path, body=body)
    lines = (d / "email.html").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if "@Model." in text)
    [finding] = only(check(d), "PER007")
    assert finding.location == f"email.html:{line}"
    assert finding.message.endswith(
        "(1 tag of Razor (ASP.NET), a language mailcheck does not read)"
    )
