"""What mailcheck cannot read is said as "not verified", never guessed into an error: a block
whose test or helper it does not read (PER007 at its line), HubSpot's HubL (PER007), and the
ESPs it knows by name (HubSpot, Customer.io, Salesforce) rather than INP001. Also Mustache's
section that prints its own value, and the greeting found before a line break."""

from __future__ import annotations

from pathlib import Path

from mailcheck.model import CampaignResult
from mailcheck.templating.breakage import broken_text
from tests.helpers import check, codes, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
SHOP = f'<p><a href="https://shop.test/sale?{UTM}">Shop</a></p>'
BODY_LINE = 5  # the first line of the body in tests.helpers.HTML_TEMPLATE


def errors(result: CampaignResult) -> list[str]:
    return sorted(f.code for f in result.findings if f.severity.value == "error")


def _mindbox(tmp_path: Path, body: str) -> CampaignResult:
    csv = "Recipient.Email,Recipient.FirstName\na@x.test,Анна\nb@x.test,\n"
    return check(
        write_campaign(
            tmp_path,
            body=body
            + f'\n{SHOP}\n<p><a href="${{ Recipient.UnsubscribeLink }}">Отписаться</a></p>',
            esp="mindbox",
            samples="r.csv",
            files={"r.csv": csv},
        )
    )


def test_a_mindbox_equality_with_empty_text_guards_the_else_branch(tmp_path: Path) -> None:
    """Quokka's "=" is equality: @{ if x = "" } is true for an empty x, so its else branch
    prints x only when it is filled (was PER001 with a "Здравствуйте, !" no one receives)."""
    body = (
        '@{ if Recipient.FirstName = "" }<p>Здравствуйте!</p>'
        "@{ else }<p>Здравствуйте, ${ Recipient.FirstName }!</p>@{ end if }"
    )
    result = _mindbox(tmp_path, body)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == [], result.findings


def test_a_test_mailcheck_cannot_read_is_not_verified_never_guessed(tmp_path: Path) -> None:
    """A test mailcheck does not read was taken as false: every sample got the else branch,
    and PER001 claimed "sample 2 would receive «Здравствуйте, !»". Now one PER007 warning at
    its line, and no error about what the block prints."""
    body = (
        "@{ if Recipient.FirstName.Length > 1 }<p>Здравствуйте!</p>"
        "@{ else }<p>Здравствуйте, ${ Recipient.FirstName }!</p>@{ end if }"
    )
    result = _mindbox(tmp_path, body)
    assert errors(result) == [], result.findings
    unread = only(result, "PER007")
    assert len(unread) == 1, result.findings
    assert unread[0].severity.value == "warning"
    assert unread[0].location == f"email.html:{BODY_LINE}"
    assert "Recipient.FirstName.Length > 1" in unread[0].message
    assert "not verified" in unread[0].message


def test_a_mindbox_null_test_still_guards_nothing_without_a_guessed_claim(
    tmp_path: Path,
) -> None:
    """x = null alone lets "" into the else branch: PER001 stands, but whether an empty value
    is null is not known, so no sample is said to receive "Спасибо, ."."""
    body = (
        "@{ if Recipient.FirstName = null }<p>Спасибо.</p>"
        "@{ else }<p>Спасибо, ${ Recipient.FirstName }.</p>@{ end if }"
    )
    result = _mindbox(tmp_path, body)
    per001 = only(result, "PER001")
    assert len(per001) == 1, result.findings
    assert per001[0].location == f"email.html:{BODY_LINE}"
    assert "would receive" not in per001[0].message
    assert only(result, "PER002") == [] and only(result, "PER007") == [], result.findings


def test_an_unknown_handlebars_block_helper_is_said_not_verified(tmp_path: Path) -> None:
    """{{#minInList items "price"}} may change the context: its body is not read, and the
    campaign says so (it passed silently)."""
    body = f"""<p>Hello!</p>
{{{{#minInList items "price"}}}}<p>From {{{{price}}}}</p>{{{{/minInList}}}}
{SHOP}
<p><a href="{{{{{{unsubscribe}}}}}}">Unsubscribe</a></p>"""
    samples = '[{"items": [{"price": "10"}]}]'
    result = check(
        write_campaign(
            tmp_path, body=body, esp="sendgrid", samples="r.json", files={"r.json": samples}
        )
    )
    unread = only(result, "PER007")
    assert len(unread) == 1, result.findings
    assert unread[0].location == f"email.html:{BODY_LINE + 1}"
    assert '{{#minInList items "price"}}' in unread[0].message
    assert errors(result) == [], result.findings


def test_a_mustache_section_printing_its_own_value_is_guarded(tmp_path: Path) -> None:
    """{{#name}} {{name}}{{/name}}: Mustache finds "name" up the context stack, the section's
    own value; it is guarded by the section (was PER001 for "name.name")."""
    body = f"""<p>Hi{{{{#name}}}} {{{{name}}}}{{{{/name}}}},</p>
{SHOP}
<p><a href="{{{{{{ pm:unsubscribe }}}}}}">Unsubscribe</a></p>"""
    samples = '[{"name": "Ann"}, {"name": ""}]'
    result = check(
        write_campaign(
            tmp_path, body=body, esp="postmark", samples="r.json", files={"r.json": samples}
        )
    )
    assert [f.code for f in result.findings if f.code.startswith("PER")] == [], result.findings


HUBSPOT_FOOTER = """<p>{{ site_settings.company_name }}, {{ site_settings.company_street_address_1 }},
{{ site_settings.company_city }}</p>
<p><a href="{{ view_as_page_url }}">View as page</a></p>
<p><a href="{{ unsubscribe_link_all }}">Unsubscribe from all</a>
<a href="{{ unsubscribe_link }}">Manage preferences</a></p>"""


def test_hubspot_names_are_filled_by_hubspot(tmp_path: Path) -> None:
    """esp = "hubspot" is known (was INP001), reads as Jinja, and HubSpot's own variables
    (HubSpot, "HubL variables") need no fallback."""
    body = (
        f"<p>Hi {{{{ contact.firstname|default('there', true) }}}},</p>\n{SHOP}\n{HUBSPOT_FOOTER}"
    )
    result = check(write_campaign(tmp_path, body=body, esp="hubspot"))
    assert errors(result) == [], result.findings
    assert only(result, "PER007") == [], result.findings


def test_hubl_only_tags_are_not_understood_never_a_syntax_error(tmp_path: Path) -> None:
    """{% module %} and personalization_token() are HubL's: Jinja cannot read them. With or
    without esp = "hubspot", one PER007 (was PER004 "Encountered unknown tag 'module'")."""
    body = f"""<p>Hi {{{{ contact.firstname|default('there', true) }}}},</p>
{{% module "cta" path="@hubspot/cta" %}}
{SHOP}
{HUBSPOT_FOOTER}"""
    for name, esp in (("a", None), ("b", "hubspot")):
        result = check(write_campaign(tmp_path, name, body=body, esp=esp))
        assert codes(result).count("PER007") == 1, result.findings
        assert "HubL" in only(result, "PER007")[0].message
        assert errors(result) == [], result.findings


def test_customerio_writes_liquid_with_its_own_tags(tmp_path: Path) -> None:
    body = f"""<p><a href="{{% view_in_browser_url %}}">View in browser</a></p>
<p>Hi {{{{ customer.first_name | default: "there" }}}},</p>
{SHOP}
<p><a href="{{% unsubscribe_url %}}">Unsubscribe</a>
<a href="{{% manage_subscription_preferences_url %}}">Preferences</a></p>"""
    result = check(write_campaign(tmp_path, body=body, esp="customerio"))
    assert result.campaign.dialect == "liquid"
    assert errors(result) == [], result.findings


def test_customerio_tags_say_liquid_without_the_esp_setting(tmp_path: Path) -> None:
    """A template whose only tag is Customer.io's {% unsubscribe_url %} (a CI job checking one
    changed file, no campaign.toml): Liquid, not Jinja's "unknown tag" error."""
    body = f"""{SHOP}
<p><a href="{{% unsubscribe_url %}}">Unsubscribe</a></p>"""
    result = check(write_campaign(tmp_path, body=body))
    assert result.campaign.dialect == "liquid"
    assert errors(result) == [], result.findings


def test_salesforce_is_known_and_its_ampscript_not_understood(tmp_path: Path) -> None:
    body = f"""%%[ SET @name = AttributeValue("FirstName") ]%%
<p>Привет, %%=v(@name)=%%!</p>
{SHOP}
<p><a href="%%unsub_center_url%%">Отписаться</a></p>"""
    result = check(write_campaign(tmp_path, body=body, esp="salesforce"))
    assert only(result, "INP001") == [], result.findings
    assert codes(result).count("PER007") == 1, result.findings
    assert "AMPscript" in only(result, "PER007")[0].message


def test_an_unknown_esp_is_an_error_that_lists_the_known_ones(tmp_path: Path) -> None:
    result = check(write_campaign(tmp_path, esp="acme"))
    assert codes(result) == ["INP001"], result.findings
    message = only(result, "INP001")[0].message
    for known in ("customerio", "hubspot", "salesforce", "klaviyo", "mindbox", "'acme'"):
        assert known in message, message


def test_a_word_before_a_line_break_is_quoted_whole() -> None:
    """The word before ", ," on the next line was quoted from the middle ("egister\\n, ,")."""
    text = "Join us for the webinar tomorrow afternoon and Register\n, ,\n"
    assert broken_text(text) == ["Register\n, ,"]


def test_a_hubl_tag_not_listed_is_not_understood_for_hubspot(tmp_path: Path) -> None:
    """HubL has more tags of its own than mailcheck lists ({% video_player %}): for
    esp = "hubspot" one Jinja cannot read is not understood (PER007), never PER004."""
    body = f'<p>Hello!</p>\n{{% video_player "embed_player" %}}\n{SHOP}\n{HUBSPOT_FOOTER}'
    result = check(write_campaign(tmp_path, body=body, esp="hubspot"))
    assert codes(result).count("PER007") == 1, result.findings
    assert errors(result) == [], result.findings
