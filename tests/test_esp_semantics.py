"""Each ESP's documented template syntax read as that ESP reads it: what the ESP fills, guards
or aborts is no "Привет, !" a recipient gets (found by a review of the ESPs' documentation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign, write_test_send

ANN_AND_NONAME = "email,first_name\nann@acme.test,Ann\nnoname@acme.test,\n"


def per_codes(path: Path) -> list[tuple[str, Severity]]:
    return sorted((f.code, f.severity) for f in check(path).findings if f.code.startswith("PER"))


# -- Klaviyo: Django's language, read with Liquid -------------------------------------------


def test_klaviyos_unsubscribe_link_tag_is_an_address_in_an_href(tmp_path: Path) -> None:
    """<a href="{% unsubscribe_link %}"> (Klaviyo: the unsubscribe URL alone), beside
    {% manage_preferences %} (a whole link): it was drawn as a link inside the href, an
    LNK008 "relative URL: <a href=" error, and the preview showed «Unsubscribe">Отписаться»."""
    body = (
        '<p><a href="https://shop.test/sale?utm_source=email&utm_medium=email&utm_campaign=bf">'
        'Каталог</a></p><p><a href="{% unsubscribe_link %}">Отписаться</a> · '
        "{% manage_preferences %}</p>"
    )
    result = check(write_campaign(tmp_path, body=body, esp="klaviyo"))
    assert [f.code for f in result.findings if f.severity.value == "error"] == []
    main = result.campaign.main
    assert main is not None and main.document is not None
    [unsubscribe] = [link for link in main.document.links if link.text == "Отписаться"]
    assert unsubscribe.href.startswith("https://")


def test_klaviyo_if_skips_an_empty_value_as_django_does(tmp_path: Path) -> None:
    # Django's truth: "" is false, so the else branch prints "Hi there," (Liquid's "" is true)
    body = "<p>{% if first_name %}Hi {{ first_name }},{% else %}Hi there,{% endif %}</p>"
    files = {"recipients.csv": ANN_AND_NONAME}
    klaviyo = write_campaign(tmp_path, "k", body=body, esp="klaviyo", samples="recipients.csv",
                             files=files)  # fmt: skip
    assert per_codes(klaviyo) == []
    # Braze is Liquid: "" is true there, and the text reads "Hi ," for noname
    braze = write_campaign(tmp_path, "b", body=body, esp="braze", samples="recipients.csv",
                           files=files)  # fmt: skip
    [per002] = only(check(braze), "PER002")
    assert per002.location == "recipients.csv:3" and "“Hi ,”" in per002.message


@pytest.mark.parametrize(
    "test",
    ["first_name != blank", "first_name != ''", 'first_name != ""', "first_name != empty"],
)
def test_klaviyo_comparisons_with_empty_guard_as_in_django(tmp_path: Path, test: str) -> None:
    # Django's "" equals "": `{% if first_name != '' %}` keeps an empty name out. Read with
    # the empty value as Liquid's nil, nil != '' held and PER002 claimed "Hi ," for noname
    # (a QA probe)
    body = f"<p>{{% if {test} %}}Hi {{{{ first_name }}}},{{% else %}}Hi there,{{% endif %}}</p>"
    files = {"recipients.csv": ANN_AND_NONAME}
    klaviyo = write_campaign(tmp_path, body=body, esp="klaviyo", samples="recipients.csv",
                             files=files)  # fmt: skip
    assert per_codes(klaviyo) == []
    # the same test does not save a name written without one
    bare = write_campaign(tmp_path, "bare", body="<p>Hi {{ first_name }},</p>", esp="klaviyo",
                          samples="recipients.csv", files=files)  # fmt: skip
    assert per_codes(bare) == [("PER001", Severity.ERROR)]


def test_klaviyo_missing_product_image_is_a_fallback(tmp_path: Path) -> None:
    body = (
        '<img src="{{ event.ProductImage|missing_product_image }}" alt="{{ event.ProductName'
        "|default:'Your item' }}\" width=\"200\"><p>{{ first_name|default:'there'|title }}</p>"
    )
    d = write_campaign(tmp_path, body=body, esp="klaviyo")
    result = check(d)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []
    [image] = result.campaign.renders[0].document.images  # type: ignore[union-attr]
    assert image.src.startswith("https://esp-system.mailcheck.invalid/")
    # the filter is Klaviyo's: elsewhere an unknown filter is still not understood
    braze = write_campaign(tmp_path, "braze", body=body, esp="braze")
    [per004] = only(check(braze), "PER004")
    assert "missing_product_image" in per004.message and per004.severity is Severity.WARNING


def test_klaviyo_formats_with_djangos_filters(tmp_path: Path) -> None:
    # |floatformat:2 on a price (Klaviyo's product blocks): Liquid has no such filter, so
    # every render failed: a PER004 "could not verify" and no sample rendered at all
    body = (
        "<p>{% if first_name %}Привет, {{ first_name|title }}!{% else %}Привет!{% endif %}</p>"
        "<p>{{ product|default:'Товар'|upper }}: {{ price|default:0|floatformat:2 }} ₽</p>"
    )
    files = {
        "recipients.csv": "email,first_name,product,price\nann@acme.test,Ann,Кофе,199\nnoname@acme.test,,,\n"
    }
    d = write_campaign(tmp_path, body=body, esp="klaviyo", samples="recipients.csv", files=files)
    result = check(d)
    assert per_codes(d) == []
    texts = [r.document.text for r in result.campaign.renders if r.document is not None]
    # the main render (sample 1) and each sample's
    assert set(texts) == {"Привет, Ann! КОФЕ: 199 ₽", "Привет! ТОВАР: 0 ₽"}


def test_shopify_formats_with_its_money_filters(tmp_path: Path) -> None:
    # Shopify's | money was an unknown filter to Liquid: PER004 "could not verify" on every
    # Shopify template that shows a price, and no sample rendered
    body = (
        "<p>{% if first_name != blank %}Привет, {{ first_name }}!{% else %}Привет!{% endif %}"
        "</p><p>Цена: {{ price | default: 0 | money }}</p>"
    )
    csv = "email,first_name,price\nann@acme.test,Ann,1990\nnoname@acme.test,,\n"
    d = write_campaign(tmp_path, body=body, esp="shopify", samples="r.csv", files={"r.csv": csv})
    result = check(d)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []
    texts = {r.document.text for r in result.campaign.renders if r.document is not None}
    assert texts == {"Привет, Ann! Цена: 1990", "Привет! Цена: 0"}


@pytest.mark.parametrize(
    ("block", "closing", "line"),
    [
        ("{% if first_name %}", "{% endif %}", 2),
        ("{% for item in event.Items %}", "{% endfor %}", 3),
    ],
)
def test_klaviyo_block_never_closed_is_a_syntax_error(
    tmp_path: Path, block: str, closing: str, line: int
) -> None:
    # what Liquid cannot read in Klaviyo's Django is "not understood" (PER007, a warning), but
    # an {% if %} or {% for %} never closed is refused by Django as by Liquid: PER004, an error
    lines = ["<p>Привет!</p>", "<p>{% if vip %}VIP{% endif %}</p>", "<p>Пока!</p>"]
    lines[line - 1] = f"<p>{block} текст</p>"
    body = "\n".join(lines)
    d = write_campaign(tmp_path, body=body, esp="klaviyo")
    [per004] = only(check(d), "PER004")
    written = (d / "email.html").read_text(encoding="utf-8").splitlines()
    [at] = [n for n, text in enumerate(written, 1) if block in text]
    opening = block.split()[1]
    assert per004.severity is Severity.ERROR
    assert per004.message == (
        f"“{{% {opening} %}}” is never closed: no “{closing}”; nothing was rendered, so what "
        "recipients would read is not checked: fix this and check again"
    )
    assert per004.location == f"email.html:{at}"
    # closed, it passes
    closed = write_campaign(tmp_path, "closed", body=body.replace(" текст", closing), esp="klaviyo")
    assert [f.code for f in check(closed).findings if f.code.startswith("PER")] == []


def test_unisender_fallback_in_a_link_is_said_to_be_ignored_there(tmp_path: Path) -> None:
    # Unisender ignores {{Promo|DR500}}'s fallback inside a link: PER001, which said "has no
    # fallback or guard" of a tag that plainly has one (a QA probe). In the text it counts.
    body = """<p>Промокод: {{Promo|DR500}}</p>
    <p><a href="https://shop.test/bonus?utm_source=email&utm_medium=email&utm_campaign=bd&code={{Promo|DR500}}">Применить</a></p>
    <p><a href="{{UnsubscribeUrl}}">Отписаться</a></p>"""
    [per001] = only(check(write_campaign(tmp_path, body=body, template="unisender")), "PER001")
    assert per001.message == "“Promo” has a fallback, but unisender ignores fallbacks inside links"
    assert per001.places == ("email.html:6",)


# -- what the ESP fills in has no length before the send -----------------------------------

TAIL = " — новые скидки недели уже ждут вас"  # 35 characters


def test_a_subject_over_the_limit_without_the_esps_values_is_an_error(tmp_path: Path) -> None:
    subject = "{{Email}}, только для вас" + TAIL + " в каталоге"  # 62 without the address
    d = write_campaign(tmp_path, template="unisender", subject=subject)
    [sub002] = only(check(d), "SUB002")
    assert sub002.severity is Severity.ERROR
    assert sub002.message.startswith(
        "subject is 62 characters without what the send fills in (“Email”), limit 50: "
        "“[Email], только для вас — новые"
    )
    assert "mailcheck.invalid" not in sub002.message


def test_a_subject_over_the_limit_only_with_a_stand_in_is_not_verified(tmp_path: Path) -> None:
    # 46 characters and the address: the 38-character stand-in said nothing of its length
    d = write_campaign(tmp_path, template="unisender", subject="Письмо для {{Email}}" + TAIL)
    [sub002] = only(check(d), "SUB002")
    assert sub002.severity is Severity.WARNING
    assert sub002.message == (
        "could not verify the subject's length: 46 characters, limit 50, and then what the "
        "send fills in (“Email”): “Письмо для [Email]" + TAIL + "”"
    )
    # the same in the preheader (limit 90): a warning, the stand-in not shown
    long_tail = TAIL * 2  # 70
    pre = write_campaign(tmp_path, "pre", template="unisender",
                         preheader="Для {{Email}}" + long_tail)  # fmt: skip
    [pre002] = only(check(pre), "PRE002")
    assert pre002.severity is Severity.WARNING and "[Email]" in pre002.message
    assert "mailcheck.invalid" not in pre002.message


def test_a_subject_in_a_template_not_understood_is_measured_without_its_tags(
    tmp_path: Path,
) -> None:
    # Klaviyo's own example, which Liquid cannot parse: the subject was measured as written
    body = "{% if person|lookup:'Points' > 150 %}<p>Gold</p>{% elif x %}<p>Silver</p>{% endif %}"
    subject = "{{ first_name|default:'Hey there' }}, you left something behind"
    d = write_campaign(tmp_path, body=body, esp="klaviyo", subject=subject)
    result = check(d)
    assert [f.code for f in only(result, "PER007")] == ["PER007"]
    [sub002] = only(result, "SUB002")
    assert sub002.severity is Severity.WARNING
    assert sub002.message.startswith("could not verify the subject's length: 27 characters")
    # what remains over the limit is still an error
    longer = write_campaign(tmp_path, "longer", body=body, esp="klaviyo",
                            subject=subject + " in your cart, come back soon")  # fmt: skip
    assert [f.severity for f in only(check(longer), "SUB002")] == [Severity.ERROR]


# -- Unisender Go: two template engines, the simple one by default --------------------------


def test_unisender_go_reads_its_simple_engine_unless_the_tags_are_velocity(
    tmp_path: Path,
) -> None:
    # {{Name}} read as Velocity was seven PER003 "unrendered merge tag" errors
    simple = write_campaign(
        tmp_path,
        "simple",
        esp="unisender-go",
        subject="{{Name|Друг}}, заказ отправлен",
        body='<p>Здравствуйте, {{Name|покупатель}}!</p><p><a href="{{unsubscribe_url}}">'
        "Отписаться</a></p>",
    )
    result = check(simple)
    assert result.campaign.dialect == "unisender"
    assert [f.code for f in result.findings if f.code.startswith(("PER", "UNS"))] == []
    velocity = write_campaign(
        tmp_path,
        "velocity",
        esp="unisender-go",
        subject="Заказ отправлен",
        body='#if($name)<p>Здравствуйте, $name!</p>#end<p><a href="$unsubscribe">Отписаться</a></p>',
    )
    assert check(velocity).campaign.dialect == "velocity"


# -- Unisender: a fallback or a condition that is another field ------------------------------


def test_unisender_fallback_and_condition_may_be_another_field(tmp_path: Path) -> None:
    # read as a tag around a tag: four PER003 "unrendered merge tag {{Name|anna@…}}" errors
    body = (
        "<p>Здравствуйте, {{Name|{{Email}}}}!</p>\n"
        "<p>Ваша скидка: {{HasOrders?{{Discount}}}}</p>\n"
        '<p><a href="{{UnsubscribeUrl}}">Отписаться</a></p>'
    )
    samples = "email,Name,HasOrders,Discount\nanna@acme.test,Анна,1,10%\nnoname@acme.test,,,\n"
    d = write_campaign(tmp_path, body=body, template="unisender", samples="recipients.csv",
                       files={"recipients.csv": samples})  # fmt: skip
    result = check(d)
    assert only(result, "PER003") == []
    shown = [r.html or "" for r in result.campaign.renders]
    assert "Здравствуйте, Анна!" in shown[1] and "Ваша скидка: 10%" in shown[1]
    # no name: the recipient's address; no orders: nothing printed
    assert "Здравствуйте, noname@acme.test!" in shown[2]
    assert "Ваша скидка: </p>" in shown[2]
    uses = {(v.name, v.guarded) for v in result.campaign.variables if not v.system}
    assert ("Name", True) in uses and ("Discount", False) in uses


# -- eSputnik's Velocity: guards as eSputnik writes them, copies made with #set ----------------


def test_velocity_guards_copies_and_method_calls(tmp_path: Path) -> None:
    body = """
    #set($n = $!data.firstName)
    <p>#if($n != "")Привет, $n!#end</p>
    <p>#if($city && $city != '')Ваш город: $city#end</p>
    #set($who = $!data.get('lastName'))
    #if($who == "")#set($who = "друг")#end
    <p>Дорогой $who!</p>
    #if($data.get('items').size() > 0)<p>Товаров: $data.get('items').size()</p>#end
    #foreach($item in $data.get('items'))<p>$velocityCount. $!item.get('name')</p>#end
    <p><a href="$unsubscribe">Отписаться</a></p>"""
    d = write_campaign(tmp_path, body=body, esp="esputnik")
    result = check(d)
    # "n" and "who" were recipient fields without fallbacks, "x.size()" a variable's name
    assert [f.code for f in result.findings if f.code == "PER001"] == []
    names = {v.name for v in result.campaign.variables if not v.system}
    assert names == {"city"}
    # $data is the trigger event's, filled by the site (as 1C-Bitrix's mail event)
    events = {v.name for v in result.campaign.variables if v.event}
    assert events == {"data.firstName", "data.lastName", "data.items"}
    # an unguarded copy is still the variable it copies: the event's, not verified
    bare = write_campaign(tmp_path, "bare", esp="esputnik",
                          body='#set($n = $!data.firstName)<p>Привет, $n!</p>')  # fmt: skip
    [per001] = only(check(bare), "PER001")
    assert per001.severity is Severity.WARNING
    assert per001.message.startswith("could not verify “data.firstName”: it is a field of the "
                                     "event the site sends to eSputnik")  # fmt: skip


# -- Braze: a message cancelled for a recipient cannot be broken for them ---------------------


def test_braze_abort_message_guards_what_follows(tmp_path: Path) -> None:
    # Braze documents {% abort_message %} in a test: whoever lacks a name gets no message
    body = (
        "{% if ${first_name} == blank %}{% abort_message('no name') %}{% endif %}\n"
        "<p>Hi {{${first_name}}},</p>"
    )
    files = {"recipients.csv": ANN_AND_NONAME}
    aborted = write_campaign(tmp_path, "aborted", body=body, esp="braze", samples="recipients.csv",
                             subject="{{${first_name}}}, your cart", files=files)  # fmt: skip
    result = check(aborted)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []
    assert [r.label for r in result.campaign.renders] == [
        "longest values",
        "recipients.csv:2 (Ann)",
    ]
    # the else branch of an "== blank" test has the name too
    either = write_campaign(tmp_path, "either", esp="braze", samples="recipients.csv", files=files,
                            body="{% if first_name == blank %}<p>Hi there,</p>{% else %}<p>Hi "
                            "{{ first_name }},</p>{% endif %}")  # fmt: skip
    assert [f.code for f in check(either).findings if f.code.startswith("PER")] == []
    # no abort: the name is printed empty for noname
    plain = write_campaign(tmp_path, "plain", esp="braze", samples="recipients.csv", files=files,
                           body="<p>Hi {{${first_name}}},</p>")  # fmt: skip
    assert [f.code for f in check(plain).findings if f.code.startswith("PER")] == ["PER001"]


# -- DashaMail: an automation letter prints the trigger event's data ---------------------------


def test_dashamail_trigger_data_is_the_events_and_a_tag_left_in_a_send_is_per003(
    tmp_path: Path,
) -> None:
    # help.dashamail.ru «Как подставлять данные из триггерных событий в письма»: the site sends
    # the data with the event (no fallback exists); a tag seen as written means it was not sent
    body = """<p>%(OBJECT)data.customer.fname%, вы забыли товары в корзине.</p>
    <p>Ваш промокод: %(OBJECT)data.customer.promo%. Заказ № %(OBJECT)data.order.orderId%.</p>
    <p>Здравствуйте, %NAME%!</p>
    <p><a href="%UNSUBSCRIBE_URL%">Отписаться от рассылки</a></p>"""
    d = write_campaign(tmp_path, body=body, esp="dashamail")
    result = check(d)
    # the list field's default is on the list, not in the HTML: PER001 could not verify it;
    # the event's data is the site's, as 1C-Bitrix's mail event: a warning where emptying it
    # breaks the text («, вы забыли товары»), nothing for the promo code and the order number
    per001 = sorted(only(result, "PER001"), key=lambda f: f.location)
    assert [(f.severity, f.location) for f in per001] == [
        (Severity.WARNING, "email.html:5"),
        (Severity.WARNING, "email.html:7"),
    ]
    assert per001[0].message.startswith(
        "could not verify “data.customer.fname”: it is a field of the trigger event the site "
        "sends to DashaMail"
    )
    assert per001[1].message.startswith("could not verify “NAME”")
    event = {v.name for v in result.campaign.variables if v.event}
    assert {"data.customer.fname", "data.customer.promo", "data.order.orderId"} == event
    # the tags only DashaMail writes tell the dialect without being told
    told = per_codes(write_campaign(tmp_path, "told", body=body))
    assert told == [("PER001", Severity.WARNING), ("PER001", Severity.WARNING)]
    # a received letter that still shows the tag: the recipient read it as written
    eml = tmp_path / "send.eml"
    eml.write_bytes(
        b"Received: from mx.dashamail.test by mx.b.test; Tue, 14 Apr 2026 10:00:00 +0300\r\n"
        b"From: Shop <news@shop.test>\r\nTo: a@b.test\r\nSubject: Cart\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        + "Промокод: %(OBJECT)data.customer.promo%\r\n".encode()
        + b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + "<p>Промокод: %(OBJECT)data.customer.promo%</p>".encode()
        + b'<p><a href="https://shop.test/unsub">Unsubscribe</a></p>\r\n--b--\r\n'
    )
    [per003] = only(check(eml), "PER003")
    assert per003.severity is Severity.ERROR
    assert per003.message == (
        "unrendered merge tag %(OBJECT)data.customer.promo% in the body and text part"
    )


# -- Russian ESPs' documented basics, read as each ESP reads them ------------------------------


def test_esputnik_contact_field_is_a_variable_not_a_tag_left_in(tmp_path: Path) -> None:
    # esputnik.com «Personalization and Dynamic Variables»: %FIRSTNAME% is the contact card's
    # field, substituted only when filled; Velocity ($!data.get) is its other language
    body = """<p>Здравствуйте, %FIRSTNAME%!</p>
    <p>Ваш заказ: $!data.get('orderId')</p>
    <p><a href="$unsubscribe">Отписаться</a></p>"""
    files = {"recipients.csv": "email,FIRSTNAME,data.orderId\nann@acme.test,Ann,7\n"}
    d = write_campaign(tmp_path, body=body, esp="esputnik", samples="recipients.csv",
                       files=files)  # fmt: skip
    result = check(d)
    assert only(result, "PER003") == []  # eSputnik fills it: never "unrendered"
    # the trigger event's data.orderId, which the sample gives: nothing to say of it
    per001 = sorted((f.message, f.location) for f in only(result, "PER001"))
    assert [(m.split(" has ")[0], loc) for m, loc in per001] == [("“FIRSTNAME”", "email.html:5")]
    sample = [r for r in result.campaign.renders if r.label.startswith("recipients.csv:2")]
    assert sample and "Здравствуйте, Ann!" in sample[0].document.text  # type: ignore[union-attr]


def test_esputnik_contact_field_with_a_fallback(tmp_path: Path) -> None:
    """%FIRSTNAME|друг% (Stripo inserts %FIRSTNAME|%, an empty fallback): the fallback is read.
    An empty one is none: «Привет, !» for a recipient without a name (it passed as ok)."""
    files = {"recipients.csv": "email,FIRSTNAME\nann@acme.test,Ann\nbob@acme.test,\n"}
    for name, greeting, said in (
        ("empty", "%FIRSTNAME|%", ["“FIRSTNAME”"]),
        ("filled", "%FIRSTNAME|друг%", []),
    ):
        body = f'<p>Привет, {greeting}!</p>\n<p><a href="$unsubscribe">Отписаться</a></p>'
        d = write_campaign(tmp_path, name, body=body, esp="esputnik", samples="recipients.csv",
                           files=files)  # fmt: skip
        result = check(d)
        assert [f.message.split(" has ")[0] for f in only(result, "PER001")] == said, name
        assert only(result, "PER003") == []


ESPUTNIK_UNSUBSCRIBE = '<p><a href="$unsubscribe">Отписаться</a></p>'


# %FIRSTNAME|друг% is eSputnik's alone: read as with esp = "esputnik" when the campaign does not
# say its ESP. It was "no tag of any known dialect": the subject measured with the raw tag (a
# false SUB002 "56 characters") and an empty fallback passed as ok (a QA probe)
ESPUTNIK_SUBJECT = "%FIRSTNAME|Друг%, ваши бонусы сгорают завтра — успейте 🎁"  # 44 as «Друг, …»
ESPUTNIK_BODY = f"<p>Здравствуйте, %FIRSTNAME|покупатель%!</p>\n{ESPUTNIK_UNSUBSCRIBE}"


def test_esputnik_fallback_form_without_esp_passes_when_correct(tmp_path: Path) -> None:
    ok = check(write_campaign(tmp_path, body=ESPUTNIK_BODY, subject=ESPUTNIK_SUBJECT))
    assert [f.code for f in ok.findings if f.severity is Severity.ERROR] == []
    assert [f.code for f in ok.findings if f.code.startswith(("PER", "SUB"))] == []
    assert ok.campaign.dialect == "velocity"


def test_esputnik_fallback_form_without_esp_subject_measured_rendered(tmp_path: Path) -> None:
    # over the limit as rendered is still an error, measured with the fallback, not the tag
    d = write_campaign(tmp_path, body=ESPUTNIK_BODY, subject=ESPUTNIK_SUBJECT + " скорее")
    [sub002] = only(check(d), "SUB002")
    assert (sub002.severity, sub002.location) == (Severity.ERROR, "subject")
    assert sub002.message == (
        "subject is 51 characters, limit 50 (rendered with fallbacks): "
        "“Друг, ваши бонусы сгорают завтра — успейте 🎁 скорее”"
    )


def test_esputnik_empty_fallback_without_esp_in_the_body(tmp_path: Path) -> None:
    # an empty fallback (what Stripo inserts) is none
    body = f"<p>Привет, %FIRSTNAME|%!</p>\n{ESPUTNIK_UNSUBSCRIBE}"
    result = check(write_campaign(tmp_path, body=body))
    assert [f.code for f in result.findings if f.code.startswith("PER")] == ["PER001"]
    [per001] = only(result, "PER001")
    assert (per001.severity, per001.location) == (Severity.ERROR, "email.html:5")
    assert per001.message == (
        '“FIRSTNAME” has an empty fallback (%FIRSTNAME|%), which is none: with FIRSTNAME = "" '
        "the text reads “Привет, !”"
    )


@pytest.mark.parametrize(
    ("esp", "subject", "copy"),
    [
        # "30 %" is how Russian typography writes a percentage; a fallback ends in no space
        ("mailchimp", "Скидки до 50 %", "<p>Экономия 30 %NOW|всё до 50 %</p>"),
        (None, "Скидка 30 %ВСЁ|ДЛЯ ДОМА до 50 %", "<p>Только сегодня.</p>"),
    ],
)
def test_percentages_in_prose_are_no_esputnik_tag(
    tmp_path: Path, esp: str | None, subject: str, copy: str
) -> None:
    """A review probe: the prose was PER003 "unrendered merge tag %NOW|всё до 50 %" with
    another ESP declared, and PER004 "velocity: expected }" in a subject."""
    manifest: dict[str, Any] = {"esp": esp} if esp else {}
    body = f'{copy}\n<p><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
    result = check(write_campaign(tmp_path, body=body, subject=subject, **manifest))
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []


def test_esputnik_empty_fallback_without_esp_in_the_subject(tmp_path: Path) -> None:
    body = f"<p>Здравствуйте!</p>\n{ESPUTNIK_UNSUBSCRIBE}"
    d = write_campaign(tmp_path, body=body, subject="%FIRSTNAME|%, бонусы сгорают 🎁")
    result = check(d)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == ["PER001"]
    [per001] = only(result, "PER001")
    assert (per001.severity, per001.location) == (Severity.ERROR, "subject")
    assert per001.message.startswith(
        "“FIRSTNAME” has an empty fallback (%FIRSTNAME|%), which is none"
    )


def test_esputnik_fields_beside_its_fallback_form_are_its_own(tmp_path: Path) -> None:
    # %CITY% beside %FIRSTNAME|друг% is eSputnik's field too: one PER001, not PER007 "tags of
    # several dialects (dashamail 1, velocity 1)"
    body = f"<p>Привет, %FIRSTNAME|друг%!</p>\n<p>Ваш город: %CITY%</p>\n{ESPUTNIK_UNSUBSCRIBE}"
    result = check(write_campaign(tmp_path, body=body))
    assert result.campaign.dialect == "velocity"
    assert [(f.code, f.location) for f in result.findings if f.code.startswith("PER")] == [
        ("PER001", "email.html:6")
    ]
    assert only(result, "PER001")[0].message.startswith("“CITY” has no fallback or guard")


# A sent test send showing %FIRSTNAME|% as written: the recipient read the raw tag, as with
# %NAME% or [% … %] (it passed)


def test_esputnik_fallback_form_left_in_a_sent_test_sends_body_is_per003(tmp_path: Path) -> None:
    html = "<p>Здравствуйте, %FIRSTNAME|%!</p>".encode()
    [per003] = only(check(write_test_send(tmp_path / "s.eml", text=b"", html=html)), "PER003")
    assert (per003.severity, per003.location) == (Severity.ERROR, "s.eml:14")
    assert per003.message == "unrendered merge tag %FIRSTNAME|% in the body"


def test_esputnik_fallback_form_left_in_a_sent_test_sends_subject_is_per003(
    tmp_path: Path,
) -> None:
    subject = "%FIRSTNAME|%, бонусы сгорают".encode()
    sent = write_test_send(tmp_path / "s.eml", text=b"", html=b"<p>Hi</p>", subject=subject)
    [per003] = only(check(sent), "PER003")
    assert (per003.severity, per003.location) == (Severity.ERROR, "subject")
    assert per003.message == "unrendered merge tag %FIRSTNAME|% in the subject"


def test_dashamail_dynamic_content_is_not_understood_not_tags_left_in(tmp_path: Path) -> None:
    # help.dashamail.ru «Динамический контент»: {{if …}}…{{else}}…{{endif}} and {{ name }}
    # are DashaMail's own, which mailcheck does not read: a PER007 for each, no PER003, and
    # the fields beside them still checked (%NAME%'s warning was lost with the whole template)
    body = """<p>Привет, %NAME%!</p>
    <p>{{if name}}Для вас, {{ name }}{{else}}Для вас{{endif}}</p>
    <p><a href="%UNSUBSCRIBE_URL%">Отписаться</a></p>"""
    result = check(write_campaign(tmp_path, body=body, esp="dashamail"))
    per = sorted((f.code, f.severity, f.location) for f in result.findings if f.code[:3] == "PER")
    assert per == [
        ("PER001", Severity.WARNING, "email.html:5"),
        ("PER007", Severity.WARNING, "email.html:6"),
        ("PER007", Severity.WARNING, "email.html:6"),
    ]
    assert sorted(f.message.split(" not understood")[0] for f in only(result, "PER007")) == [
        "{{ name }}",
        "{{if name}}",
    ]


def test_mindbox_names_without_spaces_and_in_functions_are_mindboxs(tmp_path: Path) -> None:
    # help.mindbox.ru «Функции для обработки и форматирования данных» writes
    # ${ToUpper(Recipient.OnlyStandardFirstName)}: Mindbox's, detected without `template =`
    body = """<p>Привет, ${Recipient.FirstName}!</p>
    <p>${ToUpper(Recipient.LastName)}</p>
    <p><a href="${ Recipient.UnsubscribeLink }">Отписаться</a></p>"""
    result = check(write_campaign(tmp_path, body=body))
    assert result.campaign.dialect == "mindbox"
    per001 = sorted((f.message.split(" has ")[0], f.location) for f in only(result, "PER001"))
    assert per001 == [("“Recipient.FirstName”", "email.html:5"),
                      ("“Recipient.LastName”", "email.html:6")]  # fmt: skip
    assert [f.code for f in result.findings if f.code in ("PER003", "PER007")] == []


def test_mindbox_loop_items_are_read_whatever_the_case_of_the_samples_keys(
    tmp_path: Path,
) -> None:
    # Quokka's own sample «Loop with links»: ${ element.Url } in a loop over the recipient's
    # purchases. Mindbox's names ignore case: a sample's "Url" key is element.Url's value,
    # not an empty href read as a relative link (LNK008) or an empty image (LNK003)
    body = """@{ for element in Recipient.Purchases }
    <p><img src="${ element.Image }" alt="${ element.Name }">
    <a href="${ element.Url }?utm_source=email&utm_medium=email&utm_campaign=sale">Купить</a></p>
    @{ end for }
    <p><a href="${ Recipient.UnsubscribeLink }">Отписаться</a></p>"""
    purchase = (
        '{"Name": "Кроссовки", "Url": "https://shop.test/p/1", "Image": "https://shop.test/1.png"}'
    )
    sample = f'[{{"Recipient": {{"Email": "a@shop.test", "Purchases": [{purchase}]}}}}]'
    d = write_campaign(tmp_path, body=body, template="mindbox", samples="recipients.json",
                       files={"recipients.json": sample})  # fmt: skip
    result = check(d)
    assert [f.code for f in result.findings if f.code.startswith(("LNK", "PER", "IMG"))] == []
    [_, rendered] = result.campaign.renders
    links = {link.href for link in rendered.document.links}  # type: ignore[union-attr]
    assert "https://shop.test/p/1?utm_source=email&utm_medium=email&utm_campaign=sale" in links
    assert "https://shop.test/1.png" in links


def test_mindbox_set_makes_a_name_the_templates_own(tmp_path: Path) -> None:
    """@{ set promo = "SPRING26" } then ${ promo }: the template's own value, no "no fallback"
    error nor "no sample has promo" (QA probes, twice); a name set from a recipient's field
    is that field, fallback and all."""
    body = """@{ set promo = "SPRING26" }
    @{ set name = replaceIfEmpty(Recipient.FirstName, "друг") }
    @{ set city = Recipient.City }
    <p>Привет, ${ name }! Промокод: ${ promo }</p>
    <p>Ваш город: ${ city }.</p>
    <p><a href="${ Recipient.UnsubscribeLink }">Отписаться</a></p>"""
    result = check(write_campaign(tmp_path, body=body, template="mindbox"))
    assert [(f.code, f.message.split(" has ")[0]) for f in only(result, "PER001")] == [
        ("PER001", "“Recipient.City”")
    ]
    assert only(result, "PER005") == []


# -- test sends: the prefix ESPs put on a test send's subject -------------------------------


def _test_send(tmp_path: Path, subject: str) -> Path:
    eml = tmp_path / "send.eml"
    eml.write_text(
        "Received: from mx.esp.test by mx.shop.test; Fri, 27 Nov 2026 10:00:00 +0300\n"
        f"From: news@shop.test\nSubject: {subject}\nList-Unsubscribe: <https://shop.test/u>\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        '<html><body><a href="https://shop.test/u/1">Отписаться</a></body></html>\n',
        encoding="utf-8",
    )
    return eml


def test_a_test_sends_prefix_is_not_counted_in_the_subject(tmp_path: Path) -> None:
    # MailerLite and Shopify Email send tests as "[Test] …": a 47-character subject was
    # "54 characters, limit 50" on every test send, a false error
    subject = "Скидки до 50% на всю зимнюю коллекцию до воскре"  # 47
    assert only(check(_test_send(tmp_path, f"[Test] {subject}")), "SUB002") == []
    assert only(check(_test_send(tmp_path, f"TEST: {subject}")), "SUB002") == []


def test_a_test_sends_subject_over_the_limit_without_its_prefix_is_an_error(
    tmp_path: Path,
) -> None:
    subject = "Скидки до 50% на всю зимнюю коллекцию до воскресенья"  # 52
    [sub002] = only(check(_test_send(tmp_path, f"[Test]: {subject}")), "SUB002")
    assert (sub002.severity, sub002.location) == (Severity.ERROR, "subject")
    assert sub002.message == (
        f"subject is 52 characters without the test-send prefix “[Test]:”, limit 50: “{subject}”"
    )
    # a word of the copy is no prefix: counted as written
    [copy] = only(check(_test_send(tmp_path, f"Test results: {subject}")), "SUB002")
    assert copy.message.startswith("subject is 66 characters, limit 50: ")


@pytest.mark.parametrize(
    "tag", ["*****SPAM***** *****SPAM*****", "***SPAM***", "[SPAM]", "[SPAM] [Test]"]
)
def test_a_receiving_spam_filters_tag_is_not_counted_in_the_subject(
    tmp_path: Path, tag: str
) -> None:
    # SpamAssassin's "*****SPAM*****" on a message a mailbox saved (apache+spamassassin
    # spam/003): a 22-character subject was "52 characters, limit 50"
    subject = "Скидки до 50% на всю зимнюю коллекцию до воскре"  # 47
    assert only(check(_test_send(tmp_path, f"{tag} {subject}")), "SUB002") == []


def test_a_subject_over_the_limit_without_a_spam_filters_tag_says_the_tag(
    tmp_path: Path,
) -> None:
    subject = "Скидки до 50% на всю зимнюю коллекцию до воскресенья"  # 52
    [sub002] = only(check(_test_send(tmp_path, f"*****SPAM***** {subject}")), "SUB002")
    assert (sub002.severity, sub002.location) == (Severity.ERROR, "subject")
    assert sub002.message == (
        "subject is 52 characters without “*****SPAM*****”, the tag a receiving spam filter "
        f"put before it, limit 50: “{subject}”"
    )
    [both] = only(check(_test_send(tmp_path, f"[SPAM] [Test] {subject}")), "SUB002")
    assert both.message == (
        "subject is 52 characters without “[SPAM]”, the tag a receiving spam filter put "
        f"before it, and the test-send prefix “[Test]”, limit 50: “{subject}”"
    )


@pytest.mark.parametrize(
    ("subject", "message"),
    [
        ("", "no subject"),
        ("[SPAM] ", "no subject: only “[SPAM]”, the tag a receiving spam filter put before it"),
        (
            "***SPAM*** ",
            "no subject: only “***SPAM***”, the tag a receiving spam filter put before it",
        ),
        ("[Test] ", "no subject: only the test-send prefix “[Test]”"),
        (
            "[SPAM] [Test]",
            "no subject: only “[SPAM]”, the tag a receiving spam filter put before it, and the "
            "test-send prefix “[Test]”",
        ),
    ],
)
def test_a_subject_of_only_a_spam_filters_tag_is_no_subject(
    tmp_path: Path, subject: str, message: str
) -> None:
    # "Subject: [SPAM] " gave neither SUB001 (the header is not empty) nor SUB002 (the live
    # subject, without the tag, is short): a silent pass for a message with no subject (QA
    # probe). Without the tag the subject is empty: the error of an empty "Subject:"
    result = check(_test_send(tmp_path, subject))
    assert [(f.severity, f.message, f.location) for f in only(result, "SUB001")] == [
        (Severity.ERROR, message, "subject")
    ]
    assert only(result, "SUB002") == []


def test_a_folded_subject_is_counted_as_the_inbox_shows_it(tmp_path: Path) -> None:
    # a Subject header folded onto a second line: its line break and indent counted 3 more
    # characters than the same subject on one line (apache+spamassassin nice/001, nice/016)
    words = "Ximian Evolution 0.10 is Now Available for everyone"  # 51
    [one_line] = only(check(_test_send(tmp_path, words)), "SUB002")
    folded = words.replace(" is ", "\n    is ")
    [sub002] = only(check(_test_send(tmp_path, folded)), "SUB002")
    assert (sub002.message, sub002.location) == (one_line.message, "subject")
    assert sub002.message == f"subject is 51 characters, limit 50: “{words}”"
    # nor do blanks that are no fold count more than the one space a client shows
    padded = words[:50].replace(" ", "   ", 1)  # 52 as written, 50 as shown
    assert only(check(_test_send(tmp_path, padded)), "SUB002") == []


def test_a_preheader_that_repeats_a_test_sends_subject_repeats_the_live_one(
    tmp_path: Path,
) -> None:
    eml = tmp_path / "send.eml"
    eml.write_text(
        "Received: from mx.esp.test by mx.shop.test; Fri, 27 Nov 2026 10:00:00 +0300\n"
        "From: news@shop.test\nSubject: [Test] Скидки до 50%\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        '<html><body><div style="display:none">Скидки до 50%</div><p>Привет</p></body></html>\n',
        encoding="utf-8",
    )
    [pre003] = only(check(eml), "PRE003")
    assert (pre003.message, pre003.location) == (
        "preheader “Скидки до 50%” repeats the subject “Скидки до 50%”",  # the live subject
        "preheader",
    )
