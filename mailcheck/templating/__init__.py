"""The personalisation engine: dialect detection, variable analysis, rendering, PER evidence.

The engine calls :func:`render_campaign` once per campaign (mailcheck.engine.prepare). It fills
``campaign.dialect`` (unless given), ``campaign.variables``, ``campaign.template_error`` /
``template_error_line`` and ``template_errors`` (PER004, every part refused), ``campaign.static``
and ``campaign.renders``:

* ``renders[0]`` is judged for lengths: every variable takes its longest sample value (by
  graphemes), or its fallback without samples ("longest values" / "fallbacks"); a campaign
  without a template language has one render, "as is";
* then one render per sample recipient (the first 50: ``campaign.samples_unrendered`` says
  how many more there are), "sample N (<first value>)";
* ``Rendered.breakage`` holds what a sample's own values break (PER002: what that recipient
  would receive); ``Rendered.probe`` what emptying one variable at a time breaks (None too in
  Jinja): evidence for that variable's PER001 or PER006.

System variables (``config.system_variables`` plus each dialect's, e.g. ``*|UNSUB|*``,
``{{{ pm:unsubscribe }}}``, ``unsubscribe_url``) never need a fallback and render to
placeholders; URLs among them point at :data:`SYSTEM_PLACEHOLDER_HOST`.

The PER rules call :func:`broken_text`, :func:`leftover_tags` and :func:`missing_from_samples`.
The helpers rules use are light (re, regex); :func:`render_campaign` pulls in the template
engines and lxml, so it is imported on first use: loading every rule (``mailcheck rules``)
must not load jinja2, liquid or lxml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailcheck.templating.breakage import (
    broken_text,
    leftover_tags,
    shape,
    visible_text,
    whole_tag,
)
from mailcheck.templating.core import TemplateError
from mailcheck.templating.detect import detect_dialect
from mailcheck.templating.samples import (
    flatten_sample,
    missing_from_samples,
    sample_has,
    value_shown,
)
from mailcheck.templating.system import SYSTEM_PLACEHOLDER_HOST, SystemNames, placeholder

if TYPE_CHECKING:
    from mailcheck.templating.render import render_campaign


def __getattr__(name: str) -> object:
    if name == "render_campaign":
        from mailcheck.templating.render import render_campaign

        return render_campaign
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SYSTEM_PLACEHOLDER_HOST",
    "SystemNames",
    "TemplateError",
    "broken_text",
    "detect_dialect",
    "flatten_sample",
    "leftover_tags",
    "missing_from_samples",
    "placeholder",
    "render_campaign",
    "sample_has",
    "shape",
    "value_shown",
    "visible_text",
    "whole_tag",
]
