"""The interface every template dialect implements, built-in or a third-party plugin.

A dialect is a :class:`Dialect` value registered under the ``mailcheck.dialects`` entry-point
group (see :mod:`mailcheck.templating.catalogue`), exactly as rule families register under
``mailcheck.checks``. It says:

* how to find its tags and which are variables, with the fallbacks and guards that cover
  them, and how to render a sample: ``parse(source, is_system)`` returns a
  :class:`~mailcheck.templating.core.Parsed` (``uses`` and ``render``);
* which tags only it writes (``markers``, for detection: tags, never prose; ``paired_markers``
  count only beside one of its ``companions``: Campaign Monitor's ``[firstname]`` beside its
  ``<unsubscribe>`` element) and which text is
  a tag of it at all (``tags``: in an already rendered test send, a leftover, PER003);
* which tags only one ESP writes beside it (``platform_markers``: eSputnik's
  ``%FIRSTNAME|друг%`` beside its Velocity), so that a template with them is read as that
  ESP's even without ``esp = "…"``, and which other dialects' tags that ESP writes too
  (``platform_embeds``: eSputnik's ``%FIRSTNAME%`` reads like DashaMail's);
* which names the platform fills itself (``system_variables``, ``system_prefixes``, and per
  ESP in ``platforms``) and which are the language's own built-ins (``builtins``: ``now``,
  loop variables, layout slots): neither is ever asked for a fallback;
* which names are the data of the API call that sends the message (``payload_prefixes``:
  listmonk's ``Tx.Data.``): each call passes its own, so whether a field is there is not
  the platform's to promise, nor anything mailcheck can see (``payload_from`` says where it
  comes from); on a platform in ``payload_platforms`` (Postmark), every name it does not fill
  itself is, and where that platform fills the dialect from profiles too (SendGrid), only in a
  template with one of its ``payload_markers`` (SendGrid's ``<%asm_…%>`` Mail Send tags);
  on one ESP only, names under a prefix of ``platform_payload`` are the data of what triggers
  the message (Klaviyo's ``event.``);
* which names are the fields of the event the application sends (``event_data``: 1C-Bitrix's
  mail event; per ESP ``platform_events``: eSputnik's ``$data.get('…')``), filled by the site's
  code, warned of only where emptying one breaks the text or prints the tag itself;
* where a variable's fallback lives when its tags cannot carry one (``fallback_outside``:
  DashaMail's field takes the default value set on the list, which the template cannot show);
* which tags are its unsubscribe link (``unsubscribe``, as written; ``unsubscribe_pattern``
  recognises them in an href);
* whether it is the language of an application's server-side views (``application_views``):
  the application renders each view inside a layout of its own that the view does not name
  (a controller's), so no view, whole page or not, is the message as sent.

An agency adds its in-house ESP's language by publishing one such value::

    [project.entry-points."mailcheck.dialects"]
    acme = "acme_mailcheck.dialect:DIALECT"
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import regex

from mailcheck.templating.core import IsSystem, Parsed

Parser = Callable[[str, IsSystem], Parsed]


@dataclass(frozen=True)
class Dialect:
    name: str  # what `template = "…"` says
    summary: str  # one line for `mailcheck rules`, `mailcheck dialects` and the README
    # "package.module:function" (imported on first use: engines are heavy) or the function
    parser: str | Parser
    markers: regex.Pattern[str] | None = None  # tags only this dialect writes: detection
    # tags that are this dialect's only beside one of ``companions`` (Campaign Monitor's
    # [firstname] beside its <unsubscribe> element): alone, they may be prose ("[here]")
    paired_markers: regex.Pattern[str] | None = None
    companions: regex.Pattern[str] | None = None
    tags: regex.Pattern[str] | None = None  # any tag of it: a leftover in a rendered send
    # a tag of it only as a link's whole URL (Campaign Monitor's href="[unsubscribe]"): in text,
    # the same brackets are prose ("[1]", "[here]"), never a tag
    url_tags: regex.Pattern[str] | None = None
    # substrings the markers/tags cannot match without: a cheap test before the regex scan
    needles: tuple[str, ...] = ()
    # False where the patterns alone scan faster than the substring tests they would skip: a
    # pattern that starts with a literal lets the engine jump to it, while each ``in`` test is
    # a scan of its own (over the corpus' HTML, Velocity's ten needles cost 31 ms against 17 ms
    # for its marker pattern alone; one "{{" test 4 ms against 2.7 ms for Go's pattern)
    scan_needles_first: bool = True
    system_variables: frozenset[str] = frozenset()  # filled by the platform (case-insensitive)
    system_prefixes: tuple[str, ...] = ()  # e.g. Mailchimp's "LIST:", "DATE:"
    system_pattern: regex.Pattern[str] | None = None  # other names the platform fills
    builtins: frozenset[str] = frozenset()  # the language's own names: now, forloop, slots
    unsubscribe: tuple[str, ...] = ()  # its unsubscribe tags, as written
    unsubscribe_pattern: regex.Pattern[str] | None = None  # those tags in an href
    # ESP -> the names that ESP adds (Klaviyo's organization.*, Keila's main_content …)
    platforms: Mapping[str, frozenset[str]] = field(default_factory=dict)
    embeds: tuple[str, ...] = ()  # dialects whose tags it contains (Mautic themes are Twig)
    # ESP -> tags only that ESP writes beside this dialect: detection reads a template with
    # them as this dialect on that platform (eSputnik's %FIRSTNAME|друг% beside its Velocity)
    platform_markers: Mapping[str, regex.Pattern[str]] = field(default_factory=dict)
    # ESP -> the dialects whose tags that ESP writes too: found beside the ESP's own markers,
    # they are that ESP's (eSputnik's %FIRSTNAME% reads like DashaMail's)
    platform_embeds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    case_insensitive: bool = False  # variable names match samples case-insensitively
    # Where the value a recipient without one gets is set, when the dialect's tags cannot
    # carry a fallback (DashaMail: the default value of the list's field): an English phrase
    # marked with N_, said in the report's language. "" (the usual): the template writes its
    # own fallbacks, and a variable without one is certain to print empty (PER001 an error);
    # else mailcheck cannot see the fallback and says so (PER001 a warning, "could not verify")
    fallback_outside: str = ""
    # Names that are the data of the API call that sends each message (listmonk's "Tx.Data."):
    # not the platform's to fill, nor a recipient's field; each call passes its own, so a field
    # without a fallback is "could not verify" (PER001 a warning) unless the sample recipients
    # give it. ``payload_from``: where the data comes from, an English phrase marked with N_
    payload_prefixes: tuple[str, ...] = ()
    payload_from: str = ""
    # ESP -> where its data comes from (as ``payload_from``), for a platform that fills the
    # template only from the API call that sends each message (Postmark's TemplateModel): on
    # it, every name the platform does not fill itself is that call's data
    payload_platforms: Mapping[str, str] = field(default_factory=dict)
    # ESP -> the prefixes of names that are, on that ESP only, the data of what triggers each
    # message rather than a recipient's field (Klaviyo's "event.": the properties of the event
    # that triggers the flow), and where that data comes from (as ``payload_from``)
    platform_payload: Mapping[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    # ESP (in ``payload_platforms``) -> the tags that show a template of it is one that platform
    # fills from the API call alone: the platform also fills templates of this dialect from
    # contact profiles (SendGrid's Marketing Campaigns), and only a template with such a tag
    # (SendGrid's Mail Send tags <%asm_group_unsubscribe_raw_url%>: Handlebars there is a
    # dynamic template, filled from the call's "dynamic_template_data") takes all from the call
    payload_markers: Mapping[str, regex.Pattern[str]] = field(default_factory=dict)
    # Where every field but the platform's own comes from when it is the data of the event
    # that sends the message, filled by the application's code (1C-Bitrix's mail event: the
    # site passes #USER_NAME# with each event), an English phrase marked with N_. The
    # template cannot give such a field a fallback, nor can mailcheck see whether the code
    # ever leaves it empty: it is reported only where emptying it breaks the text («Здравствуйте,
    # !»), a PER001 warning, "could not verify"; an order number in a table cell is silent
    event_data: str = ""
    # ESP -> the names that are, on that ESP only, the data of the event that triggers the
    # message (eSputnik's ``$data.get('orderNumber')``: the parameters of the site's event), and
    # where that data comes from (as ``event_data``): read as ``event_data`` is
    platform_events: Mapping[str, tuple[regex.Pattern[str], str]] = field(default_factory=dict)
    # an application's view language (PHP): the application, not the view, picks the layout it
    # is rendered in, so what that layout adds (the footer's unsubscribe link) is not in the file
    application_views: bool = False
    sources: tuple[str, ...] = ()  # the documentation its names come from, by page title

    def parse(self, source: str, is_system: IsSystem) -> Parsed:
        return self.load_parser()(source, is_system)

    def load_parser(self) -> Parser:
        if callable(self.parser):
            return self.parser
        module, _, attr = self.parser.partition(":")
        found: Any = getattr(importlib.import_module(module), attr or "parse")
        return found

    def marker_count(self, text: str) -> int:
        """How many tags only this dialect writes appear in ``text``."""
        if self.markers is None or not self._may_hold(text):
            return 0
        found = len(self.markers.findall(text))
        paired, companions = self.paired_markers, self.companions
        if paired is not None and companions is not None and companions.search(text) is not None:
            found += len(paired.findall(text))
        return found

    def platform_marker_counts(self, text: str) -> dict[str, int]:
        """ESP -> how many tags only that ESP writes beside this dialect appear in ``text``."""
        counts = {esp: len(p.findall(text)) for esp, p in self.platform_markers.items()}
        return {esp: n for esp, n in counts.items() if n}

    def payload_only(self, platform: str | None, text: str) -> bool:
        """Whether ``platform`` fills this dialect's template ``text`` only from the data of
        the API call that sends each message: always on a platform that has no other data
        (Postmark), and where it has (SendGrid), when ``text`` writes a tag of
        ``payload_markers``."""
        if platform is None or platform not in self.payload_platforms:
            return False
        marker = self.payload_markers.get(platform)
        return marker is None or marker.search(text) is not None

    def payload_source(self, platform: str | None) -> str:
        """Where the data of the API call (or of the trigger) comes from on ``platform``: an
        English phrase marked with N_."""
        if platform is not None and platform in self.payload_platforms:
            return self.payload_platforms[platform]
        if platform is not None and platform in self.platform_payload:
            return self.platform_payload[platform][1]
        return self.payload_from

    def event_source(self, platform: str | None) -> str:
        """Where the data of the event that sends the message comes from on ``platform`` (an
        English phrase marked with N_), "" when the dialect has none there."""
        if platform is not None and platform in self.platform_events:
            return self.platform_events[platform][1]
        return self.event_data

    def url_tag(self, value: str) -> str | None:
        """The tag of ``url_tags`` that a link's whole URL ``value`` is, as written, or None."""
        if self.url_tags is None:
            return None
        found = self.url_tags.fullmatch(value.strip())
        return found.group(0) if found is not None else None

    def leftovers(self, text: str) -> list[tuple[int, str]]:
        """Tags of this dialect in ``text`` (offset, tag)."""
        if self.tags is None or not self._may_hold(text):
            return []
        return [(m.start(), m.group(0)) for m in self.tags.finditer(text)]

    def _may_hold(self, text: str) -> bool:
        if not self.scan_needles_first or not self.needles:
            return True
        return any(n in text for n in self.needles)

    def system_names(self, platform: str | None = None) -> frozenset[str]:
        """The names filled by the platform: the ESP's own, or every ESP's when unknown."""
        names = self.system_variables | self.builtins
        if platform is not None and platform in self.platforms:
            return names | self.platforms[platform]
        for extra in self.platforms.values():
            names |= extra
        return names
