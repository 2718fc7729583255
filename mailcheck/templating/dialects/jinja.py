"""Jinja2 (and Twig-like syntax): ``{{ x | default('друг', true) }}``, ``{% if x %}``.

Jinja is a general-purpose engine rather than one ESP's language, so it has no platform
system variables of its own beyond the common ones (unsubscribe_url, web_version …, see
:mod:`mailcheck.templating.system`). Engine: jinja2's sandbox (mailcheck.templating.jinja).
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
    sources=("Jinja documentation: Template Designer Documentation",),
)
