"""PER001 on values that are always there, on what mailcheck cannot run, and on misspelt tags
(a QA probe of real templates: false errors on the recipient's address, on links the
application builds, on PHP methods; a misspelt DashaMail unsubscribe tag only warned).

The body of ``write_campaign`` starts at line 5 of email.html: body line k is email.html:4+k.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.model import CampaignResult, Severity
from mailcheck.templating.system import SystemNames, link_name, recipient_address
from tests.helpers import check, only, write_campaign
from tests.shared_data import require_shared

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
SHOP = f'<p><a href="https://shop.test/sale?{UTM}">Каталог</a></p>'
UNSUB = '<p><a href="https://shop.test/unsub">Отписаться</a></p>'


def _run(tmp_path: Path, body: str, **kw: Any) -> CampaignResult:
    return check(write_campaign(tmp_path, body=body, subject="Новинки недели", **kw))


# -- the recipient's own address ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["user.email", "recipient.email", "Customer.Email", "subscriber.email_address"]
)
def test_the_recipients_address_as_a_member_is_always_there(name: str) -> None:
    assert recipient_address(name)
    assert SystemNames("jinja")(name)


@pytest.mark.parametrize(
    "name",
    [
        "manager.email",
        "support_email",
        "order.seller.email",
        "email",
        # someone else's, deeper in the data; a CRM's lead in a staff notification
        "invitation.inviter.user.email",
        "lead.email",
    ],
)
def test_another_address_is_a_variable(name: str) -> None:
    # ("email" alone is a common system name, not this rule's)
    assert not recipient_address(name)


def test_user_email_is_no_per001_but_a_managers_address_is(tmp_path: Path) -> None:
    # flask-security welcome.html:8: "Welcome {{ user.email }}!" was a PER001 error
    body = f"<p>Добро пожаловать, {{{{ user.email }}}}!</p>\n{SHOP}\n{UNSUB}"
    assert only(_run(tmp_path, body, template="jinja"), "PER001") == []
    body = f"<p>Ваш менеджер: {{{{ manager.email }}}}.</p>\n{SHOP}\n{UNSUB}"
    [per001] = only(_run(tmp_path / "m", body, template="jinja"), "PER001")
    assert (per001.severity, per001.places) == (Severity.ERROR, ("email.html:5",))
    assert per001.message.startswith("“manager.email” has no fallback or guard")


# -- links the application or the author builds ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "is_link"),
    [
        ("reset_link", True),
        ("FEATURE_URL", True),
        ("confirmationLink", True),
        ("user.billingUrl", True),
        ("url", False),
        ("curly", False),
        ("link_text", False),
        ("first_name", False),
    ],
)
def test_a_name_says_it_is_a_url(name: str, is_link: bool) -> None:
    assert link_name(name) is is_link


@pytest.mark.parametrize(
    ("template", "href"),
    [
        ("jinja", "{{ reset_link }}"),  # flask-security reset_instructions.html:1
        ("jinja", "{{ cta }}"),  # any name: a link's whole URL
        ("mailchimp", "*|FEATURE_URL|*"),  # realworld en-pack-feature_announcement-mailchimp
        ("liquid", "{{ feature_url }}"),  # the Klaviyo one
        ("jinja", "{{ base_url }}/sale"),  # named as a URL, a part of one
    ],
)
def test_a_link_the_application_builds_is_no_per001(
    tmp_path: Path, template: str, href: str
) -> None:
    body = f'<p>Здравствуйте!</p>\n<p><a href="{href}">Открыть</a></p>\n{UNSUB}'
    result = _run(tmp_path, body, template=template)
    assert only(result, "PER001") == []
    # nothing is known of its value: no empty link either
    assert only(result, "LNK003") == []


def test_a_url_name_printed_as_text_keeps_its_per001(tmp_path: Path) -> None:
    # not in a link: mailcheck does not read it as the link (Postmark's "Login: {{login_url}}")
    body = f"<p>Вход: {{{{ login_url }}}}</p>\n{SHOP}\n{UNSUB}"
    [per001] = only(_run(tmp_path, body, template="jinja"), "PER001")
    assert (per001.severity, per001.places) == (Severity.ERROR, ("email.html:5",))


def test_an_image_whose_whole_src_is_a_variable_is_no_per001(tmp_path: Path) -> None:
    body = f'<p><img src="{{{{ avatar }}}}" alt="Аватар"></p>\n{SHOP}\n{UNSUB}'
    result = _run(tmp_path, body, template="jinja")
    assert only(result, "PER001") == []
    assert [f.code for f in result.findings if f.severity is Severity.ERROR] == []


# -- what mailcheck does not run ------------------------------------------------------------------


def test_a_php_method_is_a_warning_that_could_not_verify(tmp_path: Path) -> None:
    # realworld ru-runetid-1026 template1026.html:40: an error that read «Здравствуйте, !»
    body = f"<p>Здравствуйте, <?=$user->getShortName()?>!</p>\n{SHOP}\n{UNSUB}"
    [per001] = only(_run(tmp_path, body, template="php"), "PER001")
    assert (per001.severity, per001.places) == (Severity.WARNING, ("email.html:5",))
    assert per001.message == (
        "could not verify “user.getShortName”: it is a call of the application's code, which "
        "mailcheck does not run, and it may return an empty value; if it does, with "
        'user.getShortName = "" the text reads “Здравствуйте, !”. Give it a fallback in the '
        "template (?: '…'), or, if it never returns an empty value, list “user.getShortName” "
        "in system-variables"
    )


def test_a_php_method_with_an_empty_fallback_is_the_same_warning(tmp_path: Path) -> None:
    # ?: '' prints nothing where the method returns nothing: no surer than the bare call
    body = f"<p>Здравствуйте, <?= $user->getShortName() ?: '' ?>!</p>\n{SHOP}\n{UNSUB}"
    [per001] = only(_run(tmp_path, body, template="php"), "PER001")
    assert (per001.severity, per001.places) == (Severity.WARNING, ("email.html:5",))
    assert per001.message.startswith("could not verify “user.getShortName”")


def test_a_php_property_without_a_fallback_stays_an_error(tmp_path: Path) -> None:
    body = f"<p>Здравствуйте, <?=$user->shortName?>!</p>\n{SHOP}\n{UNSUB}"
    [per001] = only(_run(tmp_path, body, template="php"), "PER001")
    assert (per001.severity, per001.places) == (Severity.ERROR, ("email.html:5",))


# -- a platform's link tag misspelt -------------------------------------------------------------


@pytest.mark.parametrize(
    ("esp", "written", "said"),
    [
        (
            "dashamail",
            "%UNSUBSCRIBE_ULR%",
            "DashaMail has no tag %UNSUBSCRIBE_ULR%: did you mean %UNSUBSCRIBE_URL%?",
        ),
        (
            "dashamail",
            "%WEBVERSION_UR%",
            "DashaMail has no tag %WEBVERSION_UR%: did you mean %WEBVERSION_URL%?",
        ),
        (
            "sendsay",
            "[% url_unsub %]",
            "Sendsay has no tag [% url_unsub %]: did you mean [% param.url_unsub %]?",
        ),
        ("mailchimp", "*|UNSUBB|*", "Mailchimp has no tag *|UNSUBB|*: did you mean *|UNSUB|*?"),
        # the platform, not its template engine (a review probe: "is not a liquid tag" for
        # esp = "braze", "not a velocity tag" for eSputnik); Braze's own tag whole, to its
        # third brace
        (
            "braze",
            "{{${set_user_to_unsubscribd_url}}}",
            "Braze has no tag {{${set_user_to_unsubscribd_url}}}: "
            "did you mean {{${set_user_to_unsubscribed_url}}}?",
        ),
        (
            "esputnik",
            "${unsubscribe_ulr}",
            "eSputnik has no tag ${unsubscribe_ulr}: did you mean ${unsubscribe_url}?",
        ),
    ],
)
def test_a_misspelt_link_tag_is_an_error_naming_the_tag_meant(
    tmp_path: Path, esp: str, written: str, said: str
) -> None:
    body = f'<p>Здравствуйте!</p>\n{SHOP}\n<p><a href="{written}">Ссылка</a></p>\n{UNSUB}'
    result = _run(tmp_path, body, esp=esp)
    [per001] = only(result, "PER001")
    assert (per001.severity, per001.places, per001.message) == (
        Severity.ERROR,
        ("email.html:7",),
        said,
    )
    # one root cause: not the empty link as well
    assert only(result, "LNK003") == []


def test_a_misspelt_tag_names_the_platform_its_tags_were_detected_as(tmp_path: Path) -> None:
    # no esp = …: eSputnik's own %FIRSTNAME|друг% beside its Velocity tells the platform
    body = (
        f'<p>Здравствуйте, %FIRSTNAME|друг%!</p>\n{SHOP}\n<p><a href="${{unsubscribe_ulr}}">'
        "Отписаться</a></p>"
    )
    [per001] = only(_run(tmp_path, body), "PER001")
    assert (per001.severity, per001.places, per001.message) == (
        Severity.ERROR,
        ("email.html:7",),
        "eSputnik has no tag ${unsubscribe_ulr}: did you mean ${unsubscribe_url}?",
    )


def test_a_misspelt_tag_in_two_places_is_one_finding(tmp_path: Path) -> None:
    body = (
        f'<p><a href="%UNSUBSCRIBE_ULR%">Отписаться</a></p>\n{SHOP}\n'
        '<p><a href="%UNSUBSCRIBE_ULR%">Отписаться здесь</a></p>'
    )
    [per001] = only(_run(tmp_path, body, esp="dashamail"), "PER001")
    assert per001.severity is Severity.ERROR
    assert per001.places == ("email.html:5", "email.html:7")


@pytest.mark.parametrize(
    "field",
    [
        "%LASTNAME%",  # FIRSTNAME's neighbour: recipient fields are never compared
        "%DISCOUNT_URL%",  # a URL field of its own
        "%WEBVERSIONS_COUNT%",  # a field that starts as a system tag does
    ],
)
def test_a_field_near_another_field_is_no_misspelling(tmp_path: Path, field: str) -> None:
    body = (
        f'<p>Здравствуйте, {field}!</p>\n{SHOP}\n<p><a href="%UNSUBSCRIBE_URL%">Отписаться</a></p>'
    )
    result = _run(tmp_path, body, esp="dashamail")
    assert [f.message for f in only(result, "PER001") if "did you mean" in f.message] == []
    assert [f.severity for f in only(result, "PER001")] == [Severity.WARNING]


def test_near_misses_are_only_the_platforms_link_tags() -> None:
    dasha = SystemNames("dashamail", platform="dashamail")
    assert dasha.near_miss("UNSUBSCRIBE_ULR") == "%UNSUBSCRIBE_URL%"
    assert dasha.near_miss("UNSUBSCRIBE_URLL") == "%UNSUBSCRIBE_URL%"
    # without case, as Unisender reads names
    assert SystemNames("unisender").near_miss("unsubscribeurll") == "{{UnsubscribeUrl}}"
    # both names at least 5 letters: Mailchimp's UNSUB is no target for "UNSU" or "UNSB"
    mailchimp = SystemNames("mailchimp")
    assert mailchimp.near_miss("UNSUBB") == "*|UNSUB|*"
    assert (mailchimp.near_miss("UNSU"), mailchimp.near_miss("UNSB")) == (None, None)
    assert dasha.near_miss("UNSUBSCRIBE_URL") is None  # the tag itself
    assert dasha.near_miss("FIRSTNAM") is None
    assert dasha.near_miss("EMAILS") is None  # EMAIL is the platform's, but no link
    # an application's own name in a language of no platform: nothing to misspell
    assert SystemNames("php").near_miss("unsubscribeUrl") is None


def test_a_dialects_names_are_built_once_per_platform_and_config_stays_per_campaign() -> None:
    # what depends only on the dialect and the platform is shared by every campaign of them
    keila = SystemNames("liquid", platform="keila")
    assert SystemNames("liquid", platform="keila").link_tags is keila.link_tags
    # but each platform has its own: Klaviyo's web_view_url is no tag on Keila
    klaviyo = SystemNames("liquid", platform="klaviyo")
    assert klaviyo.near_miss("web_view_ur") == "web_view_url"
    assert keila.near_miss("web_view_ur") is None
    assert keila("campaign.subject") and not klaviyo("campaign.subject")
    # one campaign's system-variables never reach the next one's
    assert SystemNames("liquid", ["order_id"], platform="keila")("order_id")
    assert not SystemNames("liquid", platform="keila")("order_id")
    assert not keila("order_id")


# -- a review probe's false errors and silent passes -----------------------------------------


@pytest.mark.parametrize(
    ("manifest", "body"),
    [
        # Braze's own resubscribe tag, two letters from its unsubscribe tag
        ({"esp": "braze"}, '<p><a href="{{${set_user_to_subscribed_url}}}">Снова с нами</a></p>'),
        # a double opt-in's confirm and resubscribe links are links of their own
        ({"template": "jinja"}, '<p><a href="{{ subscribe_url }}">Подтвердить</a></p>'),
        ({"template": "jinja"}, '<p><a href="{{ resubscribe_url }}">Вернуться</a></p>'),
        ({"esp": "dashamail"}, '<p><a href="%SUBSCRIBE_URL%">Подтвердить</a></p>'),
        # a name printed as text is no link tag of any spelling ("preview" holds "view")
        ({"template": "liquid"}, '<div>{{ preview_text | default: "Новинки" }}</div>'),
    ],
)  # fmt: skip
def test_another_link_or_a_text_is_no_misspelt_tag(
    tmp_path: Path, manifest: dict[str, str], body: str
) -> None:
    result = _run(tmp_path, f"{body}\n{SHOP}\n{UNSUB}", **manifest)
    assert [f.message for f in only(result, "PER001") if "did you mean" in f.message] == []
    assert [f for f in only(result, "PER001") if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize(
    ("esp", "written"),
    [
        ("unisender", "{{UnsubscribeLink}}"),  # Unisender's is {{UnsubscribeUrl}}
        ("unisender", "{{Unsub_Page_URL}}"),
    ],
)
def test_an_unsubscribe_tag_of_the_authors_own_as_a_whole_href_stays_an_error(
    tmp_path: Path, esp: str, written: str
) -> None:
    """Not "a link the application builds": the platform fills its own tag, nobody fills
    this one, and the way out is broken (a review probe: it passed with no finding)."""
    body = f'<p>Здравствуйте!</p>\n{SHOP}\n<p><a href="{written}">Отписаться</a></p>'
    [per001] = only(_run(tmp_path, body, esp=esp), "PER001")
    assert (per001.severity, per001.places) == (Severity.ERROR, ("email.html:7",))


def test_a_whole_href_name_also_printed_as_text_keeps_its_per001(tmp_path: Path) -> None:
    body = (
        '<p><a href="*|MANAGER|*">Ваш менеджер</a></p>\n<p>Позвоните *|MANAGER|* сегодня.</p>'
        f"\n{SHOP}\n{UNSUB}"
    )
    [per001] = only(_run(tmp_path, body, esp="mailchimp"), "PER001")
    assert per001.severity is Severity.ERROR
    assert per001.places == ("email.html:5", "email.html:6")


# -- the probe's corpus files -------------------------------------------------------------------


def test_the_probes_corpus_files() -> None:
    corpus = require_shared("corpus")
    security = corpus / "pallets-eco+flask-security/flask_security/templates/security/email"
    # {{ user.email }} (welcome.html:8), {{ confirmation_link }} (:13), {{ reset_link }}
    for name in ("welcome.html", "reset_instructions.html"):
        assert only(check(security / name), "PER001") == [], name
    # a test send's "Hi ," at the line of its HTML part that writes it (file line 167), not "body"
    mail = corpus / "php-mime-mail-parser+php-mime-mail-parser/tests/mails/m0015"
    [per002] = only(check(mail), "PER002")
    assert (per002.severity, per002.message, per002.places) == (
        Severity.ERROR,
        "broken text: “Hi ,”",
        ("m0015:167",),
    )


# -- the data of the API call that sends the message (listmonk's .Tx.Data) ------------------------

LISTMONK_TX = (
    "<p>Hello {{ .Subscriber.FirstName }}</p>\n"
    "<p>Order: {{ .Tx.Data.order_ref }}</p>\n"
    "<p>Arrives {{ .Tx.Data.arrival_day }}, order {{ .Tx.Data.order_ref }}</p>\n"
    '<p><a href="{{ UnsubscribeURL }}">Unsubscribe</a></p>'
)


def test_the_api_calls_data_is_one_warning_that_could_not_verify(tmp_path: Path) -> None:
    """listmonk's ``.Tx.Data`` is what each /api/tx call passes: not the platform's to fill
    (it was silently "always there"), nor certain to be missing (Liquid's bare ``{{ order_ref
    }}`` is an error): one warning for the root cause, every field and every place."""
    [per001] = only(_run(tmp_path, LISTMONK_TX, template="go"), "PER001")
    assert (per001.severity, per001.places) == (
        Severity.WARNING,
        ("email.html:6", "email.html:7"),
    )
    assert per001.message == (
        "could not verify “Tx.Data.order_ref”, “Tx.Data.arrival_day”: they are the data of "
        "the API call that sends the message (listmonk's /api/tx “data”), which mailcheck "
        "cannot see, and a call without one of them prints it empty; with "
        'Tx.Data.arrival_day = "" the text reads “Arrives ,”. Give them a fallback in '
        "the template, or, to check them, give sample recipients (samples in campaign.toml) "
        "with the data a call passes, named as the template names it: "
        '{"Tx": {"Data": {"order_ref": "…"}}} in a JSON samples file, a column '
        "“Tx.Data.order_ref” in a CSV one"
    )


def test_the_api_calls_data_given_by_the_samples_is_no_per001(tmp_path: Path) -> None:
    samples = '[{"Tx": {"Data": {"order_ref": "A-17", "arrival_day": "Tuesday"}}}]'
    result = _run(tmp_path, LISTMONK_TX, template="go", samples="s.json", files={"s.json": samples})
    assert only(result, "PER001") == []
    # a field the samples leave out is still the warning, for that field alone
    samples = '[{"Tx": {"Data": {"order_ref": "A-17"}}}]'
    result = check(
        write_campaign(
            tmp_path,
            "c2",
            body=LISTMONK_TX,
            template="go",
            samples="s.json",
            files={"s.json": samples},
        )
    )
    [per001] = only(result, "PER001")
    assert (per001.severity, per001.places) == (Severity.WARNING, ("email.html:7",))
    # one field, said in the singular; the samples are given: give it in them
    assert per001.message.startswith("could not verify “Tx.Data.arrival_day”: it is a field of")
    assert "give it in the sample recipients, as a call passes it" in per001.message


@pytest.mark.parametrize(
    ("name", "samples", "given"),
    [
        # the shapes PER001's message shows give the data
        ("s.csv", "Tx.Data.order_ref,Tx.Data.arrival_day\nA-17,Tuesday\n", True),
        ("s.json", '[{"Tx": {"Data": {"order_ref": "A-17", "arrival_day": "Tue"}}}]', True),
        # named otherwise than the template names it: not the call's data
        ("s.json", '[{"tx": {"data": {"order_ref": "A-17", "arrival_day": "Tue"}}}]', False),
    ],
)
def test_the_sample_shapes_the_message_shows_give_the_api_calls_data(
    tmp_path: Path, name: str, samples: str, given: bool
) -> None:
    result = _run(tmp_path, LISTMONK_TX, template="go", samples=name, files={name: samples})
    found = [(f.severity, f.places) for f in only(result, "PER001")]
    assert found == ([] if given else [(Severity.WARNING, ("email.html:6", "email.html:7"))])


def test_a_fallback_covers_the_api_calls_data_and_other_fields_stay_errors(
    tmp_path: Path,
) -> None:
    body = (
        '<p>Order: {{ .Tx.Data.order_ref | default "—" }}</p>\n'
        "<p>City: {{ .Subscriber.Attribs.city }}</p>\n"
        '<p><a href="{{ UnsubscribeURL }}">Unsubscribe</a></p>'
    )
    [per001] = only(_run(tmp_path, body, template="go"), "PER001")
    assert (per001.severity, per001.places, per001.message) == (
        Severity.ERROR,
        ("email.html:6",),
        "“Subscriber.Attribs.city” has no fallback or guard",
    )


@pytest.mark.parametrize(
    "name", ["Subscriber.FirstName", "Subscriber.LastName", "Campaign.Subject", "Tx.Subject"]
)
def test_listmonk_fills_its_subscriber_and_campaign_fields(name: str) -> None:
    # FirstName/LastName fall back to the whole name, which listmonk requires
    assert SystemNames("go", platform="listmonk")(name)
    assert not SystemNames("go", platform="listmonk")("Tx.Data.order_ref")
    assert SystemNames("go", ["Tx.Data.order_ref"], platform="listmonk")("Tx.Data.order_ref")
