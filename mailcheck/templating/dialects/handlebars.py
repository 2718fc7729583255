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
        )
    },
    # tags only Postmark writes: its own {{{ pm:… }}} names and a layout's content slot
    # {{{ @content }}} ("Template syntax: Mustachio", "Layouts"): a template with one is
    # Postmark's even without esp = "postmark"
    platform_markers={"postmark": regex.compile(r"\{\{\{?\s*pm:\w|\{\{\{\s*@content\s*\}\}\}")},
    sources=(
        "SendGrid: Using Handlebars",
        "SendGrid: Unsubscribe Groups — substitution tags",
        "Postmark: Template syntax (Mustachio)",
        "Postmark: Sending email with templates",
        "Postmark: Layouts",
    ),
)
