"""Handlebars and Mustache (SendGrid dynamic templates, Postmark, Iterable).

Platform names come from SendGrid's "Using Handlebars" and "Unsubscribe Groups: Substitution
tags" pages (``{{{unsubscribe}}}``, ``{{{unsubscribe_preferences}}}``, ``{{weblink}}``,
``{{sender_name}}`` …) and Postmark's "Template syntax: Mustachio" (``{{{ pm:unsubscribe }}}``).
Engine: mailcheck.templating.handlebars (no maintained Python Handlebars engine covers
SendGrid's helpers).
"""

import regex

from mailcheck.i18n import N_
from mailcheck.templating.dialect import Dialect

# SendGrid's unsubscribe group tags of the Mail Send API ("Unsubscribe Groups: substitution
# tags"): <%asm_group_unsubscribe_raw_url%>, <%asm_global_unsubscribe_raw_url%>,
# <%asm_preferences_raw_url%> and their *_url forms
_SENDGRID_MAIL_SEND = regex.compile(r"<%\s*asm_\w+\s*%>")

DIALECT = Dialect(
    name="handlebars",
    summary="Handlebars/Mustache (SendGrid, Postmark): {{#if name}}…{{else}}…{{/if}}",
    parser="mailcheck.templating.handlebars:parse",
    markers=regex.compile(
        r"\{\{~?\s*[#/^>!]|\{\{\{|\{\{~?\s*else\s*~?\}\}|\{\{~?\s*else\s+if\b|\{\{\s*pm:"
    ),
    tags=regex.compile(r"\{\{.{0,200}?\}\}", regex.S),
    needles=("{{",),
    builtins=frozenset({"this", "@index", "@key", "@first", "@last", "@root"}),
    unsubscribe=("{{{unsubscribe}}}", "{{{ pm:unsubscribe }}}"),
    unsubscribe_pattern=regex.compile(
        r"\{\{\{?\s*(?:pm:)?(?:unsubscribe|unsubscribeUrl|unsubscribeMessageTypeUrl"
        r"|hostedUnsubscribeUrl)\b"
    ),
    platforms={
        "sendgrid": frozenset(
            {
                "weblink",
                "sender_name",
                "sender_address",
                "sender_city",
                "sender_state",
                "sender_zip",
                "unsubscribe_preferences",
            }
        ),
        "postmark": frozenset({"pm:unsubscribe"}),
        # Iterable's "Personalizing Templates with Handlebars": links it fills per recipient
        "iterable": frozenset(
            {
                "viewInBrowserUrl",
                "unsubscribeUrl",
                "unsubscribeMessageTypeUrl",
                "hostedUnsubscribeUrl",
            }
        ),
        "mailgun": frozenset(),
    },
    # Postmark fills a template only from the TemplateModel of the API call that sends each
    # message ("Sending email with templates"): no contact profile, every field the caller's
    payload_platforms={
        "postmark": N_(
            "the data the sending application passes in the API call that sends the message "
            "(Postmark's “TemplateModel”)"
        ),
        "sendgrid": N_(
            "the data the sending application passes in the API call that sends the message "
            "(SendGrid's “dynamic_template_data”)"
        ),
    },
    # SendGrid also fills Handlebars from contact fields (Marketing Campaigns' {{first_name}}):
    # only its Mail Send tags, the unsubscribe group's <%asm_…%> ("Unsubscribe Groups:
    # substitution tags", "How to Send an Email with Dynamic Templates"), show a template sent
    # by the Mail Send API, where Handlebars is a dynamic template filled from the call's
    # dynamic_template_data alone ("Using Handlebars")
    payload_markers={"sendgrid": _SENDGRID_MAIL_SEND},
    # tags only Postmark writes: its own {{{ pm:… }}} names and a layout's content slot
    # {{{ @content }}} ("Template syntax: Mustachio", "Layouts"): a template with one is
    # Postmark's even without esp = "postmark"; SendGrid's <%asm_…%> are SendGrid's
    platform_markers={
        "postmark": regex.compile(r"\{\{\{?\s*pm:\w|\{\{\{\s*@content\s*\}\}\}"),
        "sendgrid": _SENDGRID_MAIL_SEND,
    },
    sources=(
        "SendGrid: Using Handlebars",
        "SendGrid: How to Send an Email with Dynamic Templates",
        "SendGrid: Unsubscribe Groups — substitution tags",
        "Postmark: Template syntax (Mustachio)",
        "Postmark: Sending email with templates",
        "Postmark: Layouts",
    ),
)
