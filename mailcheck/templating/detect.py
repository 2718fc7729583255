"""Which template dialect a campaign is written in, from the tags it uses.

Markers only one dialect has decide (``{{#if}}`` is Handlebars, ``| default:`` is Liquid,
``default(`` is Jinja, ``*|FNAME|*`` is Mailchimp); plain ``{{ name }}`` reads the same in Jinja,
Liquid and Handlebars: written ``{{name}}`` it is taken for Mustache/Handlebars (Postmark,
SendGrid), written ``{{ name }}`` for Jinja. No tags at all is "none".
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

from mailcheck.model import Dialect

_MAILCHIMP = regex.compile(r"\*\|[A-Z0-9_:]+(?:[:=][^|*]{0,60})?\|\*", regex.I)
_CURLY = regex.compile(r"\{\{|\{%")
_HANDLEBARS = regex.compile(
    r"\{\{~?\s*[#/^>!]|\{\{\{|\{\{~?\s*else\s*~?\}\}|\{\{~?\s*else\s+if\b|\{\{\s*pm:"
)
_LIQUID = regex.compile(
    r"\{\{[^{}]*\|\s*[a-z_]+\s*:[^{}]*\}\}"  # colon filter arguments: | default: 'x'
    r"|\{%-?\s*(?:unless|endunless|assign|capture|endcapture|case|when|elsif|comment|liquid|"
    r"increment|decrement|tablerow|echo|render|unsubscribe|manage_preferences|web_view|"
    r"connected_content|abort_message)\b"
    r"|(?:==|!=)\s*(?:blank|empty|nil)\b"
    r"|\.size\b"
)
_JINJA = regex.compile(
    r"\|\s*(?:default|d)\s*\("
    r"|\{%-?\s*(?:set|elif|macro|endmacro|block|extends|import|from|filter|call|trans|with)\b"
    r"|\bis\s+(?:not\s+)?(?:defined|none|undefined)\b"
    r"|\{\{[^{}]*\bor\s+['\"][^{}]*\}\}"
    r"|(?<!\{)\{#(?!\{)"
)


_BARE = regex.compile(r"\{\{[A-Za-z_][\w.]*\}\}")  # {{name}}: the Mustache house style
_SPACED = regex.compile(r"\{\{\s+[A-Za-z_][\w.]*\s+\}\}")  # {{ name }}: the Jinja/Liquid one


def detect_dialect(texts: Iterable[str | None]) -> Dialect:
    """The dialect of the given template parts taken together."""
    joined = "\n".join(t for t in texts if t)
    if not joined:
        return "none"
    curly = len(_CURLY.findall(joined))
    mailchimp = len(_MAILCHIMP.findall(joined))
    if mailchimp and mailchimp >= curly:
        return "mailchimp"
    if not curly:
        return "none"
    handlebars = len(_HANDLEBARS.findall(joined))
    liquid = len(_LIQUID.findall(joined))
    jinja = len(_JINJA.findall(joined))
    if handlebars and "{%" not in joined:
        return "handlebars"
    if liquid > jinja:
        return "liquid"
    if jinja or "{%" in joined:
        return "jinja"
    if liquid == 0 and len(_BARE.findall(joined)) > len(_SPACED.findall(joined)):
        return "handlebars"
    return "jinja"
