"""Jinja2 (and Twig-like syntax): ``{{ x | default('друг', true) }}``, ``{% if x %}``.

Jinja is a general-purpose engine rather than one ESP's language, so it has no system
variables of its own beyond the common ones (unsubscribe_url, web_version …, see
:mod:`mailcheck.templating.system`). Engine: jinja2's sandbox (mailcheck.templating.jinja).

HubSpot's HubL is Jinja with HubSpot's own tags and names: ``esp = "hubspot"`` reads it as Jinja
with the names HubSpot fills (HubSpot developer docs, "HubL variables": the required e-mail
variables ``site_settings.company_*``, ``unsubscribe_link``, ``unsubscribe_link_all``,
``unsubscribe_section``, and ``view_as_page_url``, ``subscription_name``, ``local_dt``).
Tags only HubL has (``{% module %}``, drag-and-drop areas, ``personalization_token(…)``)
are not read: such a template is not understood (PER007), never a syntax error. HubL runs on
Jinjava, which reads a dict's key before its method: ``order.items`` is the field "items", and
the template renders so (``{% for item in order.items %}`` loops over the field).
"""

import regex

from mailcheck.templating.dialect import Dialect

DIALECT = Dialect(
    name="jinja",
    summary="Jinja2: {{ name | default('друг', true) }}, {% if name %}…{% endif %}",
    parser="mailcheck.templating.jinja:parse",
    markers=regex.compile(
        r"\|\s*(?:default|d)\s*\("
        r"|\{%-?\s*(?:set|elif|macro|endmacro|block|extends|import|from|filter|call|trans|with)\b"
        r"|\bis\s+(?:not\s+)?(?:defined|none|undefined)\b"
        r"|\{\{[^{}]*\bor\s+['\"][^{}]*\}\}"
        r"|(?<!\{)\{#(?!\{)"
    ),
    tags=regex.compile(r"\{\{.{0,200}?\}\}|\{%.{0,200}?%\}", regex.S),
    needles=("{{", "{%", "{#"),
    builtins=frozenset({"loop", "range", "lipsum", "cycler", "joiner", "namespace"}),
    unsubscribe=("{{ unsubscribe_url }}",),
    unsubscribe_pattern=regex.compile(r"\{\{-?\s*unsubscribe(?:_url|_link)?\b"),
    platforms={
        "hubspot": frozenset(
            {
                "site_settings.company_name",
                "site_settings.company_street_address_1",
                "site_settings.company_street_address_2",
                "site_settings.company_city",
                "site_settings.company_state",
                "site_settings.company_zip",
                "site_settings.company_country",
                "site_settings.company_domain",
                "site_settings.office_location_name",
                "unsubscribe_link",
                "unsubscribe_link_all",
                "unsubscribe_section",
                "view_as_page_url",
                "view_as_page_section",
                "subscription_name",
                "local_dt",
                "contact.email",
            }
        ),
    },
    sources=("Jinja documentation: Template Designer Documentation", "HubSpot: HubL variables"),
)
