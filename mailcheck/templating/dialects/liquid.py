"""Liquid, with the ESPs that write it as settings of one dialect (not copies).

Platform names come from these pages (by title):

* Klaviyo — "Template tag reference", "Use the unsubscribe and manage preferences tags"
  (``{% unsubscribe %}``, ``{% manage_preferences %}``, ``{% web_view %}``,
  ``organization.*``, ``person.email``);
* Braze — "Personalization tags: Supported personalization tags" and "Unsubscribe links"
  (``{{${set_user_to_unsubscribed_url}}}``, ``${user_id}``, ``${email_address}``);
* Customer.io — "Liquid tag list" (``{% unsubscribe_url %}``, ``{% view_in_browser_url %}``,
  ``{% manage_subscription_preferences_url %}``, ``customer.email``, ``customer.id``);
* Keila — "Templates: Liquid" in the Keila docs (``{{ unsubscribe_link }}``, layout slots
  ``main_content`` and ``signature_content``, ``campaign.*``).

Built-ins of the language itself (``now``, ``today``, ``forloop``, ``tablerowloop``) are never
recipient variables. Engine: python-liquid (mailcheck.templating.liquid).
"""

import regex

from mailcheck.i18n import N_
from mailcheck.templating.dialect import Dialect

DIALECT = Dialect(
    name="liquid",
    summary="Liquid (Klaviyo, Braze, Keila, Shopify): {{ name | default: 'друг' }}, {% unless %}",
    parser="mailcheck.templating.liquid:parse",
    markers=regex.compile(
        r"\{\{[^{}]*\|\s*[a-z_]+\s*:[^{}]*\}\}"  # colon filter arguments: | default: 'x'
        r"|\{%-?\s*(?:unless|endunless|assign|capture|endcapture|case|when|elsif|comment|"
        r"liquid|increment|decrement|tablerow|echo|render|unsubscribe|manage_preferences|"
        r"web_view|connected_content|abort_message|"
        # Customer.io's own tags ("Liquid tag list"): {% unsubscribe_url %} and its kin
        r"unsubscribe_url|view_in_browser_url|manage_subscription_preferences_url)\b"
        r"|(?:==|!=)\s*(?:blank|empty|nil)\b"
        r"|\.size\b"
        # syntax Jinja has not, in tags both write: a range (1..5), the contains operator,
        # a loop's limit:/offset:/reversed (Jinja cannot parse a template with them)
        r"|\{%-?\s*(?:if|unless|elsif|for|assign)\b[^%]{0,200}?"
        r"(?:\(\s*[\w.]+?\s*\.\.\s*[\w.]+\s*\)|\bcontains\b|\b(?:limit|offset)\s*:"
        r"|\breversed\s*-?%\})"
    ),
    tags=regex.compile(r"\{\{.{0,200}?\}\}|\{%.{0,200}?%\}", regex.S),
    needles=("{{", "{%"),
    builtins=frozenset({"now", "today", "forloop", "tablerowloop"}),
    unsubscribe=(
        "{% unsubscribe %}",
        "{{ unsubscribe_link }}",
        "{{${set_user_to_unsubscribed_url}}}",
    ),
    # {% unsubscribe %}, {{ unsubscribe_link }} / {{ unsubscribe_url }} or
    # set_user_to_unsubscribed_url, each found by its word "unsubscribe" first and what comes
    # before it looked back at (regex's variable-width look-behind): led by "{", the pattern
    # was tried at every brace of a stylesheet (19 times as slow over the corpus's bodies)
    unsubscribe_pattern=regex.compile(
        r"unsubscribe(?:(?<=\{%-?\s*unsubscribe)\b|(?<=\{\{-?\s*unsubscribe)_(?:link|url)\b"
        r"|(?<=set_user_to_unsubscribe)d_url)"
    ),
    platforms={
        "klaviyo": frozenset(
            {
                "unsubscribe",
                "manage_preferences",
                "web_view",
                "web_view_url",
                "person.email",
                "organization.name",
                "organization.full_address",
                "organization.url",
            }
        ),
        "braze": frozenset(
            {"set_user_to_unsubscribed_url", "user_id", "email_address", "campaign.name"}
        ),
        "keila": frozenset(
            {
                "unsubscribe_link",
                "campaign.subject",
                "campaign.preview_text",
                # layout slots the platform fills with the campaign's own content
                "main_content",
                "signature_content",
                "signature_html",
                "body_blocks",
                "embedded_css",
                "html_body_class",
            }
        ),
        "customerio": frozenset(
            {
                "unsubscribe_url",
                "view_in_browser_url",
                "manage_subscription_preferences_url",
                "customer.email",
                "customer.id",
                "campaign.id",
                "campaign.name",
                "delivery_id",
            }
        ),
        "shopify": frozenset({"shop.name", "shop.url", "customer.email", "customer.id"}),
    },
    # Klaviyo's event.* are the properties of the event that triggers the flow ("Template tag
    # reference": event variables), its person.* and first_name the profile's: the event's
    # data is the integration's or the sending application's, never a recipient's field
    platform_payload={
        "klaviyo": (
            ("event.",),
            N_(
                "the properties of the event that triggers the message, which the API call "
                "or the integration that records the event passes (Klaviyo's “event”)"
            ),
        )
    },
    sources=(
        "Klaviyo: Template tag reference",
        "Klaviyo: Use the unsubscribe and manage preferences tags",
        "Braze: Supported personalization tags",
        "Keila: Templates — Liquid",
        "Customer.io: Liquid tag list",
    ),
)
