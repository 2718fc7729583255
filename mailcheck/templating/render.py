"""Analyse and render one campaign: variables, the variants recipients get, PER002 evidence.

detect dialect -> parse every part once (PER004 on failure; static parse kept)
               -> variables (fallback, guard, system, in_link)
               -> renders[0] with the longest sample values (or fallbacks), one per sample
               -> each distinct rendered HTML parsed once
               -> blanking: one variable emptied at a time, breakage only it causes
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import regex

from mailcheck.config import Config, LimitsConfig
from mailcheck.htmlparse import parse_html, suppressions_in
from mailcheck.i18n import t
from mailcheck.model import Breakage, Campaign, Document, Link, Rendered, Variable
from mailcheck.templating import budget, partials, written
from mailcheck.templating.breakage import broken_text, shape, visible_text
from mailcheck.templating.catalogue import load_catalogue
from mailcheck.templating.core import (
    IsSystem,
    MistakeFailure,
    NotUnderstood,
    Parsed,
    SendAborted,
    TemplateError,
    Use,
)
from mailcheck.templating.detect import (
    Detection,
    explain_dialect,
    hubl_tags,
    lone_code_tags,
    part_line,
    platform_of,
    without_comments,
    without_template_comments,
)
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.links import (
    LinkSpan,
    attach_raw,
    link_spans,
    raw_is_href,
    tags_in_links,
    text_link_spans,
)
from mailcheck.templating.salvage import Salvaged, salvage
from mailcheck.templating.samples import flatten_sample, lookup, sample_has, value_text
from mailcheck.templating.system import SystemNames, link_name, placeholder
from mailcheck.textpart import text_document, text_part_links

MAX_SAMPLE_RENDERS = 50
MAX_BLANKED_SAMPLES = 10
MAX_BLANKED_VARIABLES = 30
MAX_BLANK_RENDERS = 400  # part renders spent on blanking per campaign, all samples together

# Short sources (subjects, headers, link URLs) repeat from campaign to campaign of a batch, and
# compiling one costs far more than rendering it (Jinja generates Python code). Parsed parts
# are read-only (rendering keeps its state elsewhere), so one parse serves every campaign with
# the same dialect and system names. A python-liquid template is read-only too: each render
# makes its own context, and its environment (one per set of ESP tags, shared already) reads
# the limits of the render in progress.
_SHARED_DIALECTS = ("jinja", "handlebars", "mailchimp", "liquid")
_SHARED_MAX_CHARS = 2000
_SHARED_MAX_ENTRIES = 4096
_shared: dict[tuple[str, frozenset[str], str | None, str], Parsed] = {}


def _parser(
    dialect: Dialect, is_system: SystemNames, limits: LimitsConfig, *, exact: bool = True
) -> Callable[[str, IsSystem], Parsed]:
    """The dialect's parser; what it parses renders within ``limits``: every dialect, built-in
    or plugin, renders through :class:`_Budgeted`. ``exact``: the ESP runs the dialect's own
    engine, not only one that reads the same tags (see :func:`_choose_dialect`)."""
    parse = _shared_parser(dialect, is_system)

    def budgeted_parse(source: str, system: IsSystem) -> Parsed:
        try:
            return _Budgeted(parse(source, system), limits, exact=exact)
        except RecursionError:  # the engine's parser recursed past Python's limit
            raise TemplateError(t("the template is nested too deeply to read")) from None

    return budgeted_parse


class _Budgeted:
    """A parsed part whose every render has its own budget (:mod:`.budget`)."""

    def __init__(self, parsed: Parsed, limits: LimitsConfig, *, exact: bool = True) -> None:
        self._render = budget.budgeted(parsed.render, limits)
        self.uses = parsed.uses
        self.partials: tuple[str, ...] = tuple(getattr(parsed, "partials", ()))
        self.partials_at: tuple[tuple[str, int], ...] = tuple(getattr(parsed, "partials_at", ()))
        self.unread: tuple[tuple[int, str], ...] = tuple(getattr(parsed, "unread", ()))
        self.mistakes: tuple[tuple[int, str, str], ...] = tuple(getattr(parsed, "mistakes", ()))
        if not exact and self.mistakes:
            # what only the dialect's own engine misreads (Jinja2's order.items, the method)
            # is no error where another engine may run the template: HubL, Twig, Liquid and
            # Django read the key "items", a field like any other
            self.uses = list(getattr(parsed, "keyed_uses", self.uses))
            self.mistakes = ()
        # it may cancel the whole message (SendAborted) for some values: Braze's abort_message
        self.may_abort: bool = getattr(parsed, "may_abort", False)
        self.aborts_unless: frozenset[str] = frozenset(getattr(parsed, "aborts_unless", ()))
        self.falsy_alike: frozenset[str] = frozenset(getattr(parsed, "falsy_alike", ()))
        # A part of text alone (a List-Unsubscribe-Post header, a link's URL without a tag)
        # renders to the same text for every variant and blank: returned as it is, without a
        # render and its budget, where a render would keep within the output budget too
        literal: str | None = getattr(parsed, "literal", None)
        fits = literal is not None and len(literal.encode()) <= limits.render_bytes
        self.literal = literal if fits else None

    def render(self, values: Mapping[str, object]) -> str:
        if self.literal is not None:
            return self.literal
        try:
            return self._render(values)
        except MistakeFailure as exc:
            if self.mistakes:
                raise
            # no mistake reported here (another engine may run it): the failure is its own
            raise TemplateError(exc.message, exc.line) from None


def _shared_parser(dialect: Dialect, is_system: SystemNames) -> Callable[[str, IsSystem], Parsed]:
    # the engine is imported on first use: a batch of plain HTML never loads jinja2 or liquid
    parse = dialect.load_parser()
    if dialect.name not in _SHARED_DIALECTS:
        return parse
    names = frozenset(is_system.names)

    def shared_parse(source: str, system: IsSystem) -> Parsed:
        # a part that may pull in partials is its campaign's own, parsed afresh: its partials
        # are read from the campaign's directory (as they are now) each time; any other is
        # shared by every campaign that writes it
        if (
            len(source) > _SHARED_MAX_CHARS
            or system is not is_system
            or (partials.current() is not None and partials.may_pull_in(source))
        ):
            return parse(source, system)
        key = (dialect.name, names, is_system.platform, source)
        found = _shared.get(key)
        if found is None:
            if len(_shared) >= _SHARED_MAX_ENTRIES:
                _shared.clear()
            found = _shared[key] = parse(source, system)  # a TemplateError is not kept
        return found

    return shared_parse


def _marked_parse(
    parse: Callable[[str, IsSystem], Parsed], source: str, is_system: IsSystem, dialect: str
) -> _Marked | None:
    """The HTML's template parsed once, from its copy with each written line's markers
    (:mod:`.written`): each render is the template's, markers removed, and the last one's
    markers say where its lines are written. None when it cannot have them (a dialect not
    read there, no tag, a copy refused): the template is parsed as written."""
    marked = written.mark(source, dialect)
    if marked is None:
        return None
    # the partials it pulls in are marked too, as their own files' lines (partials.marking),
    # unless it may keep one as a value (a {% capture %} of a {% render %})
    pulls_in = partials.may_pull_in(source) and not partials.pulls_in_a_value(source, dialect)
    of_partials = dialect if pulls_in else None
    try:
        with _marking(of_partials):
            parsed = parse(marked, is_system)  # (Handlebars reads its partials here)
        return _Marked(parsed, lambda: parse(source, is_system), of_partials)
    except Exception:  # (refused: its error is said of the template as written, parsed again)
        return None


def _marking(dialect: str | None) -> contextlib.AbstractContextManager[None]:
    """Partials read in the block with ``dialect``'s markers (None: as written)."""
    return partials.marking(dialect) if dialect is not None else contextlib.nullcontext()


class _Marked:
    """A part parsed from its copy with markers (:func:`_marked_parse`): it renders what the
    template as written renders, and keeps the last render with its markers. What the parse
    reads of the template (its variables and how each is guarded, its partials…) is read of
    the marked copy: the markers stand only in its text, never in a tag, and what a dialect
    reads of the text (the spaces between a value and the block that stands in for it, the
    fallback text such a block prints) it reads without them (``written.unmarked``)."""

    def __init__(
        self, parsed: Parsed, as_written: Callable[[], Parsed], partials_in: str | None
    ) -> None:
        self._parsed = parsed
        self._partials_in = partials_in  # the dialect its partials are marked in (None: not)
        self.uses = parsed.uses  # (declared: the Parsed protocol names it)
        self._last: tuple[str, str] | None = None  # (render, the same with its markers)
        self._as_written = as_written
        self._plain: Parsed | None = None  # the template as written, once markers cost too much

    def __getattr__(self, name: str) -> object:  # partials, unread, mistakes, literal …
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._parsed, name)

    def render(self, values: Mapping[str, object]) -> str:
        if self._plain is not None:
            return self._plain.render(values)
        try:
            with _marking(self._partials_in):  # (Jinja and Liquid read their partials here)
                out = self._parsed.render(values)
        except budget.OverBudget:
            # the markers make a render longer (and slower): over the budget, the template as
            # written decides, and no later render has markers (no written lines)
            self._plain, self._last = self._as_written(), None
            return self._plain.render(values)
        clean = written.unmarked(out)
        self._last = (clean, out)
        return clean

    def marked(self, html: str, values: Mapping[str, object]) -> str | None:
        """``html`` (a render of this part) with its markers: the last render's, else a
        render with ``values`` that renders it (None when none does). Without its markers,
        it is ``html``."""
        if self._plain is not None:
            return None
        if self._last is not None and self._last[0] == html:
            return self._last[1]
        try:
            self.render(values)
        except Exception:  # (a render that failed before: its lines are not known)
            return None
        return self._last[1] if self._last is not None and self._last[0] == html else None


@dataclass
class _Part:
    where: str  # subject, preheader, html, text, header:<Name>
    source: str
    parsed: Parsed
    names: set[str] = field(default_factory=set)  # non-system variables it uses


def render_campaign(campaign: Campaign, config: Config) -> None:
    """Fill dialect, variables, template_error, static and renders. Never raises."""
    files: partials.PartialFiles | None = None
    try:
        with (
            budget.campaign(config.limits),
            partials.reading(_partials_root(campaign), config.limits.file_bytes) as files,
        ):
            _render_campaign(campaign, config)
    except Exception as exc:  # a bug here must not lose the campaign's other findings
        campaign.template_error = campaign.template_error or f"could not render: {exc!r}"
        campaign.renders = []
    # the partials it pulled in are its source as much as its template (what a launch hashes)
    for path in files.paths if files is not None else ():
        if ("partial", str(path)) not in campaign.source_files:
            campaign.source_files.append(("partial", str(path)))
    campaign.partial_labels = files.labels() if files is not None else []
    campaign.partial_texts = dict(files.texts()) if files is not None else {}
    # (parse_html never raises; a template that includes itself is its static parse)
    campaign.partial_documents = [
        written.as_partial(parse_html(campaign.partial_texts[label], accessibility=True), number)
        for number, label in enumerate(campaign.partial_labels, 1)
        if label in campaign.partial_texts and label != campaign.html_label
    ]
    campaign.partial_suppressions = [
        s
        for label, text in (files.texts() if files is not None else ())
        if label != campaign.html_label  # a template that includes itself: its own comments
        for s in suppressions_in(text, label)
    ]
    if campaign.static is None and campaign.html is not None:
        campaign.static = _safe_parse(campaign.html)


# Platforms whose template language is Django's, read with Liquid (Klaviyo: items.0.src,
# |floatformat:0, {% with %}, most of which Liquid reads). What Liquid cannot read there is not
# a syntax error the ESP would refuse: not understood (PER007). And Django's truth is not
# Liquid's: an empty text is false ({% if first_name %} skips it), as nil is in Liquid.
_DJANGO_PLATFORMS = frozenset({"klaviyo"})
# Platforms whose language is a superset of the dialect read for it (HubSpot's HubL of Jinja:
# tags and functions of its own, not all listed in detect._HUBL): what the dialect cannot
# read there is not understood (PER007), not a syntax error the ESP would refuse.
_SUPERSET_PLATFORMS = _DJANGO_PLATFORMS | {"hubspot"}
# ... save one failure: an {% if %} or {% for %} never closed. Django, HubL and Liquid alike
# refuse that template, whatever else they read differently.
_BLOCK_TAG = re.compile(r"\{%-?\s*(end)?(if|for)\b")


def _unclosed_block(source: str) -> TemplateError | None:
    """The first ``{% if %}``/``{% for %}`` that no ``{% endif %}``/``{% endfor %}`` closes."""
    open_at: dict[str, list[int]] = {"if": [], "for": []}
    shown = without_comments(source)
    for match in _BLOCK_TAG.finditer(shown):
        starts = open_at[match[2]]
        if not match[1]:
            starts.append(match.start())
        elif starts:
            starts.pop()
    unclosed = [(starts[0], name) for name, starts in open_at.items() if starts]
    if not unclosed:
        return None
    at, name = min(unclosed)
    message = t(
        "“{opening}” is never closed: no “{closing}”",
        opening=f"{{% {name} %}}",
        closing=f"{{% end{name} %}}",
    )
    return TemplateError(message, shown.count("\n", 0, at) + 1)


def _partials_root(campaign: Campaign) -> Path | None:
    """Where the campaign's partials may be: its directory (a campaign.toml's, or a template
    file's own); a saved message was assembled already."""
    if campaign.kind == "eml" or not campaign.source_files:
        return None
    return Path(campaign.source_files[0][1]).parent


# A saved message's headers that are its MIME structure, not anything an ESP fills in
_MIME_HEADERS = ("content-", "mime-version")


def _sources(campaign: Campaign) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    if campaign.subject is not None:
        parts.append(("subject", campaign.subject))
    if campaign.preheader_explicit and campaign.preheader is not None:
        parts.append(("preheader", campaign.preheader))
    if campaign.html is not None:
        parts.append(("html", campaign.html))
    if campaign.text is not None:
        parts.append(("text", campaign.text))
    for name, value in (campaign.headers or {}).items():
        if campaign.kind == "eml" and name.lower().startswith(_MIME_HEADERS):
            continue
        parts.append((f"header:{name}", value))
    return parts


def _safe_parse(html: str) -> Document | None:
    try:
        return parse_html(html)
    except Exception:  # parse_html promises not to raise; a document is optional anyway
        return None


def _choose_dialect(
    campaign: Campaign, config: Config, sources: list[tuple[str, str]]
) -> tuple[Dialect | None, str | None, bool, bool]:
    """The campaign's dialect, its platform, whether the dialect is only a guess, and
    whether it is exact: the ESP certainly runs the dialect's own engine.

    Exact only where ``template = "…"`` says so and the ESP is no platform whose language
    merely reads like it (HubSpot's HubL is Jinjava, not Jinja2). Not an ESP's dialect
    (HubSpot, the only one Jinja's reads, runs Jinjava), nor a detected one: every tag
    Jinja's markers find (``{% set %}``, ``| default(…)``, ``is defined``, ``{# #}``) Twig,
    Nunjucks, Django or HubL write too, and those read ``order.items`` as the field.

    Fills ``campaign.dialect``, ``dialect_reason``, ``dialect_unclear`` and
    ``dialect_declared``.
    """
    catalogue = load_catalogue()
    platform = None
    chosen: Dialect | None = None
    campaign.dialect_declared = False
    if config.esp:
        engines = catalogue.engines(config.esp)
        if engines:
            # an ESP with several template engines: the one its tags are written in, else
            # the first (its default)
            chosen, platform = max(
                engines, key=lambda e: sum(e[0].marker_count(src) for _, src in sources)
            )
    if campaign.dialect_explicit:
        campaign.dialect_reason = t(
            "{setting} in campaign.toml", setting=f'template = "{campaign.dialect}"'
        )
        chosen = catalogue.get(campaign.dialect)
    elif campaign.kind == "eml" and campaign.travelled:
        # A test send that was sent was rendered by the ESP: a tag left in it is a leftover
        # (PER003), not something to render away. An export that never left the ESP (no
        # Received header) still has the tags the ESP fills on sending: a template.
        campaign.dialect = "none"
        campaign.dialect_reason = t("a sent test send is rendered already: tags left are leftovers")
        return None, platform, False, False
    elif config.template:
        campaign.dialect_reason = t(
            "{setting} in the configuration", setting=f'template = "{config.template}"'
        )
        chosen = catalogue.get(config.template)
    elif chosen is not None:
        campaign.dialect_reason = t(
            "{setting} writes {dialect}", setting=f'esp = "{config.esp}"', dialect=chosen.name
        )
        hubl = hubl_tags(without_comments("\n".join(src for _, src in sources)))
        if platform == "hubspot" and hubl:  # HubL's own tags: Jinja cannot read them
            detection = explain_dialect(source for _, source in sources)  # HubL's, at its line
            campaign.dialect_reason = campaign.dialect_unclear = detection.reason
            campaign.dialect_unclear_at = _first_tag_at(sources, detection)
            campaign.dialect = "none"
            return None, platform, False, False
    else:
        detection = explain_dialect(source for _, source in sources)
        campaign.dialect_reason = detection.reason
        if detection.unclear:
            campaign.dialect_unclear = detection.reason
            campaign.dialect_unclear_at = _first_tag_at(sources, detection)
        campaign.dialect = detection.dialect
        platform = detection.platform or platform  # eSputnik's own tags: read as its
        return catalogue.get(detection.dialect), platform, not detection.certain, False
    campaign.dialect = chosen.name if chosen is not None else "none"
    if chosen is not None and not platform:
        # template = "handlebars" and no esp: Postmark's own {{{ pm:unsubscribe }}} still says
        # whose it is, as it does in a template whose dialect is detected
        platform = platform_of(chosen, (source for _, source in sources))
    campaign.dialect_declared = chosen is not None  # by template = or esp =, not detected
    declared = campaign.dialect_explicit or bool(config.template)
    return chosen, platform, False, declared and platform not in _SUPERSET_PLATFORMS


def _first_tag_at(sources: list[tuple[str, str]], detection: Detection) -> tuple[str, int] | None:
    """Where the first tag of a language not read is (PER007 names its line)."""
    return part_line(sources, detection.line) if detection.line else None


def _render_campaign(campaign: Campaign, config: Config) -> None:
    sources = _sources(campaign)
    dialect, platform, guessed, exact = _choose_dialect(campaign, config, sources)
    campaign.platform = platform or ""
    if campaign.html is not None and campaign.static is None:
        campaign.static = _safe_parse(campaign.html)
    if campaign.static is not None:
        raw_is_href(campaign.static)
    campaign.variables = []
    campaign.renders = []
    campaign.template_errors = []
    campaign.template_salvaged = False
    campaign.static_text_named = None
    campaign.outside_parts = []
    campaign.outside_parts_at = []
    campaign.unread_blocks = []
    campaign.template_mistakes = []
    campaign.unfilled_code_tags = [
        (line, element, tag)
        for line, element, tag in lone_code_tags(campaign.html or "")
        if dialect is None or not dialect.leftovers(tag)
    ]
    if dialect is None:
        campaign.renders = [_as_is(campaign)]
        return

    # the tags that tell a template the platform fills from the API call alone (SendGrid's
    # <%asm_…%>), looked for only where the platform has such tags: outside comments
    marked = ""
    if platform in dialect.payload_markers:
        marked = without_template_comments(without_comments("\n".join(s for _, s in sources)))
    is_system = SystemNames(dialect, config.system_variables, platform, marked)
    parse = _parser(dialect, is_system, config.limits, exact=exact)
    parts: list[_Part] = []
    # the parts refused, read without their one broken tag (:mod:`.salvage`)
    salvaged: list[tuple[_Part, Salvaged]] = []
    for where, source in sources:
        # tags inside HTML comments are never shown: not variables (Outlook's
        # conditional comments are content and stay)
        shown = without_comments(source) if where == "html" else source
        parsed_shown: Parsed | None = None
        try:
            parsed = parsed_shown = (
                _marked_parse(parse, shown, is_system, dialect.name) if where == "html" else None
            ) or parse(shown, is_system)
            if shown != source:
                # but the ESP parses the whole file, comments too: a tag it cannot read
                # there stops the send all the same (PER004)
                parse(source, is_system)
        except TemplateError as exc:
            unclosed = _unclosed_block(source) if platform in _SUPERSET_PLATFORMS else None
            if unclosed is not None and not isinstance(exc, NotUnderstood):
                exc = unclosed  # certain in the platform's language too
            elif guessed or isinstance(exc, NotUnderstood) or platform in _SUPERSET_PLATFORMS:
                # Only generic tags led here ("{{ Campaign Source Name }}"): which language
                # this is, is a guess; its failure is not a certain syntax error. Nor is a
                # template file it pulls in that mailcheck does not have.
                campaign.construct_unread = isinstance(exc, NotUnderstood)
                campaign.dialect_unclear = (
                    # the finding's place names the part and the line
                    exc.message
                    if isinstance(exc, NotUnderstood) and exc.line
                    else t("{part}: {why}", part=exc.file or where, why=exc.message)
                    if isinstance(exc, NotUnderstood)
                    else t(
                        "{reason}, but {dialect} cannot read it ({why})",
                        reason=campaign.dialect_reason,
                        dialect=dialect.name,
                        why=exc.said(),
                    )
                )
                # (a line of a partial is that file's: the place names it)
                campaign.dialect_unclear_at = (exc.file or where, exc.line) if exc.line else None
                campaign.dialect = "none"
                campaign.variables = []
                campaign.renders = [_as_is(campaign)]
                if isinstance(exc, NotUnderstood):
                    campaign.outside_parts = list(exc.files)
                return
            # what the part says around the broken tag is read still
            failing, uses_of = (shown, shown) if parsed_shown is None else (source, parsed_shown)
            found = salvage(parse, failing, uses_of, is_system, dialect, exc)
            if found is not None:
                salvaged.append((_Part(where, source, found.parsed), found))
                # a block never closed is named at its opening tag, wherever the engine stopped
                exc = found.at_opening(exc, dialect.name)
            # every part is parsed whole, as the ESP will: each one it refuses is reported
            campaign.template_errors.append((exc.file or where, exc.message, exc.line))
            continue
        parts.append(_Part(where, source, parsed))
    # (a refused part's tags read around its broken one say what they say in any part)
    read = parts + [part for part, _ in salvaged]
    outside = (name for part in read for name in getattr(part.parsed, "partials", ()))
    campaign.outside_parts = list(dict.fromkeys(outside))
    campaign.outside_parts_at = list(
        dict.fromkeys(
            (part.where, line)
            for part in read
            for _, line in getattr(part.parsed, "partials_at", ())
        )
    )
    campaign.unread_blocks = list(
        dict.fromkeys(
            (part.where, line, tag)
            for part in read
            for line, tag in getattr(part.parsed, "unread", ())
        )
    )
    campaign.template_mistakes = list(
        dict.fromkeys(
            (file or part.where, line, message)
            for part in read
            for line, message, file in getattr(part.parsed, "mistakes", ())
        )
    )
    if campaign.template_errors:
        where, message, line = campaign.template_errors[0]
        # the line is one of the HTML's (rules show that line); other parts say it inline
        prefix = "" if where == "html" else f"{where}: "
        said = TemplateError(message, line).said()
        campaign.template_error = t("{part}: {error}", part=where, error=said) if prefix else said
        campaign.template_error_line = line if where == "html" else 0
        if campaign.static is not None and dialect.tags is not None:
            campaign.static_text_named = _tags_named(
                campaign.static.text[:_NAMED_TEXT], dialect.tags, parse, is_system
            )
        # nothing is rendered (the ESP refuses the template), but the variables of the parts
        # it reads, and of the refused ones around their broken tag, are what the author wrote
        campaign.template_salvaged = len(salvaged) == len(campaign.template_errors)
        campaign.variables = _variables(read, is_system, dialect)
        for part, found in salvaged:
            for var in campaign.variables:
                if var.where != part.where:
                    continue
                # a use in a partial the part pulls in: its line is the partial's own, and
                # where the partial stands beside the broken block is not told
                unsure = found.kind != "inline" if var.file else found.unsure(var.line)
                if unsure:
                    var.unsure = (found.tag, found.line)
        _mark_links(campaign.variables)
        return

    campaign.variables = _variables(parts, is_system, dialect)
    links = _mark_links(campaign.variables)
    if links:
        is_system = is_system.adding(links)
        # the link URLs the variants render are parsed with these names: shared by the
        # campaigns that have them (a parser keeps its parses for its own names only)
        parse = _parser(dialect, is_system, config.limits, exact=exact)
    system_names = sorted({v.name for v in campaign.variables if v.system})
    for part in parts:
        # (the names the blanking probe may empty there: an event's field too, #USER_NAME#)
        part.names = {
            u.name
            for u in part.parsed.uses
            if not is_system(u.name) or is_system.event_field(u.name)
        }

    placeholders = [n for n in system_names if not is_system.is_builtin(n)]
    renderer = _Renderer(
        campaign,
        parts,
        placeholders,
        parse,
        is_system,
        empty_is_nil=platform in _DJANGO_PLATFORMS,
        links=links,
        dialect=dialect.name,
    )
    longest = _longest(campaign)
    try:
        main = renderer.render(longest, t("longest values") if campaign.samples else t("fallbacks"))
    except budget.OverBudget as exc:
        campaign.over_budget = str(exc)
        return
    except SendAborted:  # the longest values cancel the message: as written is all there is
        campaign.renders = [_as_is(campaign)]
        return
    except TemplateError as exc:  # a run-time failure with fallbacks only: nothing renders
        campaign.template_error = str(exc)
        campaign.template_error_mistaken = isinstance(exc, MistakeFailure)
        return
    campaign.renders.append(main)
    _show_unseen(main, renderer, longest)
    _show_empty_in_measured(main, renderer, longest)
    # each sample's rendered parts are kept: its blanking probe compares against them
    sample_renders: list[tuple[Rendered, dict[str, object], dict[str, str]]] = []
    campaign.samples_unrendered = max(0, len(campaign.samples) - MAX_SAMPLE_RENDERS)
    for i, sample in enumerate(campaign.samples[:MAX_SAMPLE_RENDERS], start=1):
        flat = flatten_sample(sample)
        try:
            rendered_parts = renderer.render_parts(flat)
            label = _label(campaign, i, flat)
            rendered = renderer.assemble(rendered_parts, flat, label, sample=sample)
        except budget.OverBudget as exc:
            label = _label(campaign, i, flat)
            campaign.over_budget = t("{sample}: {why}", sample=label, why=_said(exc))
            break  # the other samples would cost as much
        except SendAborted:
            continue  # the template cancels this recipient's message: nothing to break
        except TemplateError as exc:
            mistaken = isinstance(exc, MistakeFailure)
            # the first failure of its own wins over one that a mistake (PER004) explains
            if campaign.template_error is None or (
                campaign.template_error_mistaken and not mistaken
            ):
                campaign.template_error = t(
                    "{sample}: {why}", sample=_sample_name(campaign, i), why=_said(exc)
                )
                campaign.template_error_mistaken = mistaken
            continue
        campaign.renders.append(rendered)
        sample_renders.append((rendered, flat, rendered_parts))

    blanker = _Blanker(renderer, campaign.variables, campaign.dialect)
    if sample_renders:
        # what a sample's own values break is read for every sample rendered; the blanking
        # probe (a render per variable) runs for the first few
        for n, (rendered, flat, rendered_parts) in enumerate(sample_renders):
            rendered.breakage = blanker.own_breakage(rendered)
            if n < MAX_BLANKED_SAMPLES:
                rendered.probe = blanker.evidence(flat, rendered_parts)
    else:
        neutral = {v.name: neutral_value(v.name) for v in campaign.variables if not v.system}
        main.probe = blanker.evidence(neutral)


_NAMED_TEXT = 2000  # of the HTML's text, enough for the first text a quote shows


def _tags_named(
    text: str,
    tags: regex.Pattern[str],
    parse: Callable[[str, IsSystem], Parsed],
    is_system: IsSystem,
) -> str:
    """``text`` with each tag of the language that prints one variable shown as "[name]",
    its other tags (blocks, statements: alone, a block is refused) left out: what a quote of
    a template that could not be rendered shows, as a rendered one shows unseen fields."""

    def named(m: regex.Match[str]) -> str:
        try:
            parsed = parse(m.group(0), is_system)
        except TemplateError:
            return ""
        uses = [u for u in parsed.uses if not u.guarded]
        return f"[{uses[0].name}]" if len(uses) == 1 else ""

    return tags.sub(named, text)


def _unseen_fields(campaign: Campaign) -> list[str]:
    """The variables the HTML or the preheader prints whose value mailcheck cannot see: no
    sample recipient gives them, and no fallback stands in (the fields of the API call's data,
    Postmark's TemplateModel, which none can have; a recipient's field without a fallback
    when no sample is given). The render shows nothing where they stand."""
    flats = [flatten_sample(s) for s in campaign.samples]
    uses: dict[str, list[Variable]] = {}
    for v in campaign.variables:
        if not v.system and v.where in ("html", "preheader"):
            uses.setdefault(v.name, []).append(v)
    return [
        name
        for name, found in uses.items()
        if not any(v.has_fallback or v.guarded for v in found)
        and not any(sample_has(f, name, campaign.dialect) for f in flats)
    ]


def _show_unseen(main: Rendered, renderer: _Renderer, given: Mapping[str, object]) -> None:
    """Render ``main``'s values again with each unseen field (:func:`_unseen_fields`) written
    as "[name]", the way a measured text shows what the send fills in: a quote of the
    rendered text (PRE001's first text, a link's text, :mod:`mailcheck.named`) then shows
    where those fields stand rather than gluing the words around them ("By at View the
    comment", «Здравствуйте, !», which reads as a broken greeting)."""
    campaign = renderer.campaign
    # wanted wherever a rule quotes the body's text (the first text, a link's, …) or measures
    # a preheader that holds them: a quote shows "[name]" where they stand, not the gap
    names = _unseen_fields(campaign)
    if not names:
        return
    values = dict(given)
    for name in names:
        values = _with(values, name, f"[{name}]", campaign.dialect)
    try:
        out = renderer.render_parts(values)
    except (TemplateError, SendAborted, budget.OverBudget):
        return
    html = out.get("html")
    document = _safe_parse(html) if html is not None else None
    main.unseen_document = document
    main.unseen_preheader = (
        out.get("preheader")
        if campaign.preheader_explicit
        else (document.preheader if document is not None else None)
    )
    main.unseen_fields = tuple(names)


def _empty_in(campaign: Campaign, wheres: tuple[str, ...]) -> list[str]:
    """The recipient variables of the parts ``wheres`` that render empty in the main variant:
    no sample gives them and a use there has no fallback. A use inside a block its own value
    guards ({% if name %}…{% endif %}) counts: empty, the block is left out, so the text is
    at its shortest, and a name there brings the block back, longer by more than the name."""
    flats = [flatten_sample(s) for s in campaign.samples]
    names = [
        v.name
        for v in campaign.variables
        if v.where in wheres and not v.system and not v.has_fallback
        if not any(sample_has(f, v.name, campaign.dialect) for f in flats)
    ]
    return list(dict.fromkeys(names))


def _show_empty_in_measured(
    main: Rendered, renderer: _Renderer, given: Mapping[str, object]
) -> None:
    """Name the subject's and the preheader's recipient variables that render empty in
    ``main`` (:func:`_empty_in`), and render each part again with them written as "[name]":
    SUB002 and PRE002 measure it with a name of typical length there, not only empty."""
    campaign = renderer.campaign
    main.subject_empty = tuple(_empty_in(campaign, ("subject",)))
    if main.subject_empty:
        main.subject_named = _named_part(renderer, given, "subject", main.subject_empty)
    explicit = campaign.preheader_explicit
    names = _empty_in(campaign, ("preheader",) if explicit else ("html",))
    written = campaign.static.preheader if campaign.static is not None else None
    if not explicit and written is not None:
        # the HTML's: beside the unseen fields (rendered so already), those its preview
        # element writes (a guarded greeting further down asks no second render of the HTML)
        unseen = set(main.unseen_fields)
        names = [
            n
            for n in names
            if n in unseen or re.search(rf"(?<![\w.]){re.escape(n)}(?![\w.])", written)
        ]
    main.preheader_empty = tuple(names)
    if not names:
        return
    if main.unseen_preheader is not None and set(names) <= set(main.unseen_fields):
        main.preheader_named = main.unseen_preheader  # that render wrote the same names
    elif explicit:
        main.preheader_named = _named_part(renderer, given, "preheader", main.preheader_empty)
    else:  # the HTML's preview element
        html = _named_part(renderer, given, "html", main.preheader_empty)
        document = _safe_parse(html) if html is not None else None
        main.preheader_named = document.preheader if document is not None else None


def _named_part(
    renderer: _Renderer, given: Mapping[str, object], where: str, names: tuple[str, ...]
) -> str | None:
    """The part ``where`` rendered with ``given`` and each of ``names`` written "[name]";
    None when the campaign has no such part or that render fails."""
    values = dict(given)
    for name in names:
        values = _with(values, name, f"[{name}]", renderer.campaign.dialect)
    try:
        return renderer.render_part(where, values)
    except (TemplateError, SendAborted, budget.OverBudget):
        return None


def neutral_value(name: str) -> str:
    """What a variable holds when no sample recipient is given: its own name, a plain word
    that shows where it sits in evidence ("Уважаемый first_name ,")."""
    return name.rsplit(".", 1)[-1].strip() or "value"


def _written_as_is(doc: Document, static: Document | None) -> list[Link]:
    """The srcset and stylesheet images of a rendered document that the template writes as
    they are, where the template writes them (its line, its alt).

    A rendered one is only taken when the template itself names the same URL: a merge tag
    may split or empty a srcset (``{{ img2 }} 2x`` rendered empty reads as a URL "2x") or a
    stylesheet's url() (``url({{ cdn }}/logo.png)`` reads "/logo.png"), and what it renders
    to cannot be paired with its source."""
    if static is None or not (doc.srcset or doc.stylesheet):
        return []
    rendered = {link.href for link in (*doc.srcset, *doc.stylesheet)}
    return [link for link in (*static.srcset, *static.stylesheet) if link.href in rendered]


def _as_is(campaign: Campaign) -> Rendered:
    """The campaign without a template language: one variant, exactly as written. Its
    srcset and stylesheet images are links too (in a template, those its source writes as
    they are: :func:`_written_as_is`)."""
    doc = campaign.static
    if doc is not None and (doc.srcset or doc.stylesheet):
        doc = replace(doc, links=[*doc.links, *doc.srcset, *doc.stylesheet])
    preheader = (
        campaign.preheader
        if campaign.preheader_explicit
        else (doc.preheader if doc else campaign.preheader)
    )
    text_part = text_part_links(campaign.text, doc if campaign.html is not None else None)
    return Rendered(
        sample={},
        label="as is",
        subject=campaign.subject,
        preheader=preheader,
        html=campaign.html,
        text=campaign.text,
        document=doc,
        headers=dict(campaign.headers) if campaign.headers is not None else None,
        text_links=text_part.own,
        text_lines=text_part.shared,
        text_wrapped=text_part.wrapped,
    )


def _links_made(variables: list[Variable]) -> frozenset[str]:
    """The variables that are links the application or the author builds: a link's whole URL
    (``href="{{ reset_link }}"``, ``src="*|LOGO|*"``), or named as a URL (``*_url``, ``*_link``,
    ``*Url``, ``*Link``) and used in a link. A fallback would make no sense there; what an
    empty one does to the link is the link rules' to say. One verdict per variable, however
    the lines fall: a name that says it is a URL and that a link holds is the application's
    link in all its uses, the URL printed as text beside the button to copy and paste too
    (Postmark's ``<p>{{action_url}}</p>``); a name that does not say so is a link only if it
    is never printed as text ("Dear {{ first_name }}" beside href="{{ first_name }}", "Call
    *|MANAGER|*": that use wants a fallback). A URL name only ever printed as text
    ("Login: {{ login_url }}") shows no link the application builds: it may be a profile's
    field (a contact's website_url) and keeps its PER001. A link in a comment, HTML's or the
    template's, is no link and shows nothing. Never a misspelt link tag, never an
    unsubscribe tag of the author's own ("*|UNSUBSCRIBE|*", "%UNSUBSCRIBE_LINK%" for
    Mailchimp's *|UNSUB|* or DashaMail's %UNSUBSCRIBE_URL%: the platform fills its own,
    nobody fills that one, and the way out is broken)."""
    misspelt = {v.name for v in variables if v.misspelt[0]}
    shown = {v.name for v in variables if not v.in_link}
    return frozenset(
        v.name
        for v in variables
        if v.in_link
        and not v.system
        and v.name not in misspelt
        and "unsub" not in v.name.lower()
        and (link_name(v.name) or (v.whole_link and v.name not in shown))
    )


def _mark_links(variables: list[Variable]) -> frozenset[str]:
    """Marks the links the application or the author builds (:func:`_links_made`) as
    filled by the platform, as if listed in system-variables: each renders as a stand-in URL
    unless a sample gives it a value (an empty one is then LNK003's empty link)."""
    links = _links_made(variables)
    for var in variables:
        var.system = var.system or var.name in links
    return links


def _variables(parts: list[_Part], is_system: SystemNames, dialect: Dialect) -> list[Variable]:
    out: list[Variable] = []
    seen: set[tuple[object, ...]] = set()
    # a part that cancels the message unless a variable is filled (Braze's abort_message)
    # guards it in every part: the subject of a cancelled message is never sent either
    filled = {name for part in parts for name in getattr(part.parsed, "aborts_unless", ())}
    for part in parts:
        link_header = part.where.lower() in ("header:list-unsubscribe",)
        if part.where == "text":  # its links are the URLs written out in it
            found = text_link_spans(part.source, dialect)
        elif link_header or part.where == "html":
            # a link in a comment, HTML's or the template's, is no link: it exempts nothing
            shown = part.source if link_header else without_comments(part.source)
            found = link_spans(without_template_comments(shown), dialect, header=link_header)
        else:
            found = []
        spans = _spans_by_line(found)
        # the link and the copy beside it on one line, told apart in an HTML's attributes
        placed = _placed_in_links(part, spans, dialect) if spans and part.where == "html" else {}
        nth: dict[tuple[int, str], int] = {}
        for use in part.parsed.uses:
            # a line of a partial is that file's: none of the part's links is on it
            lines = spans.get(use.line, ()) if not use.file else ()
            holding = [s for s in lines if s.holds(use.name, use.line)]
            if holding and (flags := placed.get((use.line, use.name))) is not None:
                # the link and the copy beside it on one line: this use's own place
                i = nth[use.line, use.name] = nth.get((use.line, use.name), -1) + 1
                if not flags[i]:
                    holding = []
            # the whole header is a list of URLs, whichever one the tags are found in
            in_link = link_header or bool(holding)
            var = _variable(use, part.where, is_system(use.name), in_link)
            var.payload = not var.system and is_system.payload(use.name)
            var.event = var.system and not in_link and is_system.event_field(use.name)
            # a mailto: URL goes to the sender's own mailbox; any other to a web server
            var.in_web_link = any(not s.mailto for s in holding) or (link_header and not holding)
            var.whole_link = any(s.whole == use.name and not s.mailto for s in holding)
            # a misspelt link tag is one written as a link's whole URL (a name printed as
            # text, "preview_text", is no link tag of any spelling)
            if var.whole_link and not var.system and (meant := is_system.near_miss(use.name)):
                var.misspelt = _misspelt(part.source, use, meant, dialect)
            if var.name in filled:
                var.guarded = True
            key = (
                var.name,
                var.where,
                var.file,
                var.line,
                var.has_fallback,
                var.guarded,
                var.fallback_covers_empty,
                var.in_link,
                var.in_web_link,
                var.fallback,
                var.fallback_ignored,
                var.null_guard,
                var.whole_link,
                var.computed,
                var.payload,
                var.event,
                var.misspelt,
            )
            if key not in seen:
                seen.add(key)
                out.append(var)
    return out


def _placed_in_links(
    part: _Part, spans: dict[int, list[LinkSpan]], dialect: Dialect
) -> dict[tuple[int, str], list[bool]]:
    """For a name used more than once on a line that holds a link with it, whether each use
    there, in order, is in the link's URL (:func:`tags_in_links`); only where the tags found
    on the line are the parser's uses one for one (else that line's uses all count as in the
    link, as before)."""
    counts: dict[tuple[int, str], int] = {}
    for use in part.parsed.uses:
        if use.line in spans and not use.file:
            counts[use.line, use.name] = counts.get((use.line, use.name), 0) + 1
    lines = without_comments(part.source).splitlines()
    placed: dict[tuple[int, str], list[bool]] = {}
    for (line, name), count in counts.items():
        if count < 2 or not 0 < line <= len(lines):
            continue
        if any(s.first_line != s.last_line for s in spans[line]):
            continue  # an URL over several lines: this line alone does not show it
        flags = tags_in_links(lines[line - 1], name, dialect)
        if len(flags) == count:
            placed[line, name] = flags
    return placed


def _misspelt(source: str, use: Use, meant: str, dialect: Dialect) -> tuple[str, str]:
    """The tag of ``use`` as written at its line and the tag meant (``meant``: a tag as
    written, or a name to put in the written tag's place)."""
    lines = source.splitlines()
    text = lines[use.line - 1] if 0 < use.line <= len(lines) else source
    low = use.name.lower()
    written_tags = dialect.leftovers(text)
    if dialect.url_tags is not None:  # a tag only as a link's whole URL: href="[unsubscibe]"
        written_tags += [(m.start(), m.group(0)) for m in dialect.url_tags.finditer(text)]
    at, written = next(((start, tag) for start, tag in written_tags if low in tag.lower()), (0, ""))
    if not written:
        return use.name, meant
    # a tag of three braces ({{{unsubscrib}}}) as written, not as the two-brace pattern ends it
    end = at + len(written)
    while written.count("{") > written.count("}") and text[end : end + 1] == "}":
        written, end = written + "}", end + 1
    if not re.fullmatch(r"[\w.:]+", meant):
        return written, meant  # the platform's tag as written
    start = written.lower().index(low)
    return written, written[:start] + meant + written[start + len(low) :]


def _spans_by_line(spans: list[LinkSpan]) -> dict[int, list[LinkSpan]]:
    """The link spans each line lies in: a use is looked up by its line, not against every
    link of the page (which made 1,000 templated links cost a million comparisons)."""
    by_line: dict[int, list[LinkSpan]] = {}
    for span in spans:
        for line in range(span.first_line, span.last_line + 1):
            by_line.setdefault(line, []).append(span)
    return by_line


def _variable(use: Use, where: str, system: bool, in_link: bool) -> Variable:
    # Unisender drops fallbacks inside links: there the variable has none.
    has_fallback = use.has_fallback and (use.fallback_in_links or not in_link)
    return Variable(
        name=use.name,
        line=use.line,
        has_fallback=has_fallback,
        guarded=use.guarded,
        fallback_covers_empty=use.fallback_covers_empty if has_fallback else True,
        system=system,
        in_link=in_link,
        where=where,
        file=use.file,
        fallback=use.fallback if has_fallback else None,
        fallback_ignored=use.has_fallback and not has_fallback,
        null_guard=use.null_guard,
        computed=use.computed,
        tag=use.tag,
        literal_if_missing=use.literal_if_missing and not has_fallback,
        blank_fallback=use.blank_fallback,
    )


def _longest(campaign: Campaign) -> dict[str, object]:
    from mailcheck.templating.samples import longest_values

    return longest_values(campaign.samples)


def _said(exc: Exception) -> str:
    """What an error says, in the reader's language when it is a message of mailcheck's."""
    said = exc.args[0] if len(exc.args) == 1 else None
    return said if isinstance(said, str) else str(exc)


_NAME_FIELDS = ("name", "имя", "фио")


def _sample_name(campaign: Campaign, index: int) -> str:
    """The ``index``-th sample recipient (from 1) as its reader finds it: at its line in a CSV
    ("recipients.csv:6": blank rows are no recipients, and the count was off by them), else
    by its place in the list ("sample 2")."""
    if index <= len(campaign.sample_places):
        return campaign.sample_places[index - 1]
    return t("sample {index}", index=index)


def _label(campaign: Campaign, index: int, flat: Mapping[str, object]) -> str:
    # A name tells samples apart: a "*name*" field ("first_name", «Имя»). Never an e-mail
    # address or another field: labels reach the client's report, and "sample 2 (100)" (a
    # price) says nothing.
    named = [v for k, v in flat.items() if any(w in k.lower() for w in _NAME_FIELDS)]
    first = next((v for v in named if isinstance(v, str) and v.strip() and "@" not in v), None)
    if first is None:
        return _sample_name(campaign, index)
    first = " ".join(first.split())
    shown = first if len(first) <= 40 else first[:39] + "…"
    if index <= len(campaign.sample_places):  # a file's place: no word to translate
        return f"{campaign.sample_places[index - 1]} ({shown})"
    return t("sample {index} ({value})", index=index, value=shown)


class _Renderer:
    """Renders every part for a set of values; parses each distinct HTML once."""

    def __init__(
        self,
        campaign: Campaign,
        parts: list[_Part],
        system_names: list[str],
        parse: Callable[[str, IsSystem], Parsed],
        is_system: IsSystem,
        *,
        empty_is_nil: bool = False,
        links: frozenset[str] = frozenset(),
        dialect: str = "",
    ) -> None:
        self.campaign = campaign
        self.dialect = dialect
        html_part = next((p for p in parts if p.where == "html"), None)
        # the HTML's template as parsed (its comments blanked) and its parse
        self.html_source = without_comments(html_part.source) if html_part else None
        self.html_parsed = html_part.parsed if html_part else None
        self.parts = parts
        self.parse = parse
        self.is_system = is_system
        self.url_templates: dict[str, Parsed | None] = {}
        # A link's URL that reads no variable and renders to its own text (most of a page's
        # links: no tag in them) is the same in every variant: rendered for the first
        # document only, not again for each sample's
        self.url_fixed: dict[str, str] = {}
        self.system = {name: placeholder(name, link=name in links) for name in system_names}
        self.documents: dict[str, Document | None] = {}
        self.empty_is_nil = empty_is_nil  # Django's truth: "" is false (Klaviyo)
        if campaign.html is not None and campaign.static is not None:
            self.documents[campaign.html] = campaign.static  # no tag rendered anything

    def values(self, given: Mapping[str, object]) -> dict[str, object]:
        values: dict[str, object] = dict(self.system)
        values.update(given)
        if self.empty_is_nil:  # Django's empty: false in an if, equal to "" (Klaviyo)
            from mailcheck.templating.liquid import DJANGO_EMPTY

            return {k: DJANGO_EMPTY if v is None or v == "" else v for k, v in values.items()}
        return values

    def render_parts(self, given: Mapping[str, object]) -> dict[str, str]:
        values = self.values(given)
        out: dict[str, str] = {}
        # a part that fails for a mistake (PER004) does not hide another part's own failure
        mistaken: MistakeFailure | None = None
        subject_part = next((p for p in self.parts if p.where == "subject"), None)
        if subject_part is not None:
            try:
                out["subject"] = subject_part.parsed.render(values)
            except MistakeFailure as exc:
                mistaken, out["subject"] = exc, ""
            if self.campaign.dialect == "mailchimp" and "MC:SUBJECT" not in {
                u.name.upper() for u in subject_part.parsed.uses
            }:
                values["MC:SUBJECT"] = out["subject"]
        for part in self.parts:
            if part.where == "subject":
                continue
            try:
                out[part.where] = part.parsed.render(values)
            except MistakeFailure as exc:
                mistaken, out[part.where] = mistaken or exc, ""
            if part.where == "preheader" and self.campaign.dialect == "mailchimp":
                values["MC_PREVIEW_TEXT"] = out["preheader"]
        if mistaken is not None:
            raise mistaken
        return out

    def render_part(self, where: str, given: Mapping[str, object]) -> str | None:
        """The part ``where`` alone rendered with ``given`` (None: the campaign has none)."""
        part = next((p for p in self.parts if p.where == where), None)
        return part.parsed.render(self.values(given)) if part is not None else None

    def document(self, html: str, values: Mapping[str, object]) -> Document | None:
        if html not in self.documents:
            doc = _safe_parse(html)
            if doc is not None:
                doc = self.written(doc, html, values)
                attach_raw(doc, self.campaign.static, lambda raw: self.render_url(raw, values))
                doc.links.extend(_written_as_is(doc, self.campaign.static))
            self.documents[html] = doc
        return self.documents[html]

    def written(self, doc: Document, html: str, values: Mapping[str, object]) -> Document:
        """``doc`` (the parse of ``html``, rendered with ``values``) with the written line of
        each of its lines (:mod:`.written`), 0 where none is known."""
        source = self.html_source
        if source is None or doc.written_lines is not None:
            return doc
        same_count = html.count("\n") == source.count("\n")
        if same_count and not written.structural(source, self.dialect):
            return doc  # each line rendered is its written line
        lines: Callable[[int], int] | None = None
        parsed = self.html_parsed
        if isinstance(parsed, _Marked):
            marked = parsed.marked(html, values)
            # (``html`` with its markers: each line is read of them when asked)
            lines = written.WrittenLines(marked) if marked is not None else None
        elif same_count and self.dialect not in written.MARKED_DIALECTS:
            return doc  # a language not read here: its lines as parsed (as they were)
        if lines is None:
            lines = written.before_tags(source, html, self.dialect)
        return written.remapped(doc, lines)

    def render_url(self, raw: str, values: Mapping[str, object]) -> str | None:
        """One unrendered URL rendered with ``values`` (None when it is not a template)."""
        fixed = self.url_fixed.get(raw)
        if fixed is not None:
            return fixed
        if raw not in self.url_templates:
            try:
                self.url_templates[raw] = self.parse(raw, self.is_system)
            except TemplateError:  # a tag split across the attribute: cannot predict it
                self.url_templates[raw] = None
        template = self.url_templates[raw]
        if template is None:
            return None
        try:
            rendered = template.render(values).strip()
        except TemplateError:
            return None
        if rendered == raw.strip() and not template.uses:
            self.url_fixed[raw] = rendered
        return rendered

    def render(
        self, given: Mapping[str, object], label: str, sample: dict[str, object] | None = None
    ) -> Rendered:
        return self.assemble(self.render_parts(given), given, label, sample)

    def assemble(
        self,
        out: Mapping[str, str],
        given: Mapping[str, object],
        label: str,
        sample: dict[str, object] | None = None,
    ) -> Rendered:
        """The variant from its rendered parts (:meth:`render_parts` of ``given``)."""
        html = out.get("html")
        doc = self.document(html, self.values(given)) if html is not None else None
        if doc is None and html is None and out.get("text") is not None:
            doc = text_document(out["text"])  # a message of text alone: its URLs
        preheader = (
            out.get("preheader")
            if self.campaign.preheader_explicit
            else (doc.preheader if doc is not None else None)
        )
        text_part = text_part_links(
            out.get("text"), doc if html is not None else None, self.campaign.text
        )
        headers = None
        if self.campaign.headers is not None:
            headers = {
                name: out.get(f"header:{name}", value)
                for name, value in self.campaign.headers.items()
            }
        return Rendered(
            sample=dict(sample) if sample is not None else dict(given),
            label=label,
            subject=out.get("subject"),
            preheader=preheader,
            html=html,
            text=out.get("text"),
            document=doc,
            headers=headers,
            text_links=text_part.own,
            text_lines=text_part.shared,
            text_wrapped=text_part.wrapped,
        )


_PART_NAMES = {
    "subject": "subject",
    "preheader": "preheader",
    "html": "text",
    "text": "plain-text part",
}


# What a variable a sample lacks is tried with: any word reads as text where it stands
_MENDING_VALUE = "Anna"


class _Blanker:
    """The blanking probe: breakage that appears only when one variable is empty (or None).

    It is evidence for that variable's PER001/PER006; what a sample's own values break is
    PER002."""

    def __init__(self, renderer: _Renderer, variables: list[Variable], dialect: str) -> None:
        self.renderer = renderer
        self.dialect = dialect
        names: list[str] = []
        for var in variables:
            probed = not var.system or var.event  # an event's field may be empty too
            if probed and var.name not in names and var.where in _PART_NAMES:
                names.append(var.name)
        self.names = names[:MAX_BLANKED_VARIABLES]
        # the fields of the event that sends the message (1C-Bitrix's): emptied together too
        self.events = list(
            dict.fromkeys(v.name for v in variables if v.event and v.name in self.names)
        )
        self.budget = MAX_BLANK_RENDERS
        self._neutral: set[str] | None = None
        self.blanks: list[object] = ["", None] if dialect == "jinja" else [""]
        # a part that may cancel the message renders with every probe: a blank that cancels
        # it breaks nothing anywhere (its subject included)
        self.cancelling = [p for p in renderer.parts if getattr(p.parsed, "may_abort", False)]
        # A sample's HTML is read again by its blanked variants, and a blanked variant often
        # renders what another one did: each distinct string is scanned once.
        self._visible: dict[str, str] = {}
        self._broken: dict[str, list[str]] = {}

    def texts(self, rendered: Mapping[str, str]) -> dict[str, str]:
        out = {}
        for where, name in _PART_NAMES.items():
            if where in rendered:
                text = rendered[where]
                out[name] = self.visible(text) if where == "html" else text
        return out

    def visible(self, html: str) -> str:
        if html not in self._visible:
            self._visible[html] = visible_text(html)
        return self._visible[html]

    def broken(self, text: str) -> list[str]:
        if text not in self._broken:
            self._broken[text] = broken_text(text)
        return self._broken[text]

    def neutral_breakage(self) -> set[str]:
        """Patterns the template shows whatever the values: never blamed on a recipient."""
        if self._neutral is None:
            given = {name: neutral_value(name) for name in self.names}
            try:
                texts = self.texts(self.renderer.render_parts(given))
            except (TemplateError, SendAborted):
                texts = {}
            self._neutral = {s for t in texts.values() for s in self.broken(t)}
        return self._neutral

    def own_breakage(self, rendered: Rendered) -> list[Breakage]:
        """What a sample's own values break (a name "None", a name of spaces)."""
        raw = {"subject": rendered.subject, "html": rendered.html, "text": rendered.text}
        if self.renderer.campaign.preheader_explicit:
            raw["preheader"] = rendered.preheader
        texts = self.texts({k: v for k, v in raw.items() if v is not None})
        neutral = self.neutral_breakage()
        return [
            Breakage(part, snippet)
            for part, text in texts.items()
            for snippet in self.broken(text)
            if snippet not in neutral
        ]

    def evidence(
        self, flat: Mapping[str, object], base_parts: Mapping[str, str] | None = None
    ) -> list[Breakage]:
        """What emptying each variable in turn breaks, beside what ``flat`` breaks anyway.

        ``base_parts``: the parts already rendered with ``flat`` (a sample's own render), not
        rendered again."""
        if base_parts is None:
            try:
                base_parts = self.renderer.render_parts(flat)
            except (TemplateError, SendAborted):
                return []

        base = self.texts(base_parts)
        base_broken = {part: set(self.broken(text)) for part, text in base.items()}
        # The blanks are tried beside the sample's other values, each of them given: a sample
        # whose first_name is spaces would make blanking last_name read "Здравствуйте, !",
        # which no recipient gets from last_name alone. Its other empty values stand as a
        # plain word (their own name) for the probe; what they break is theirs (PER002).
        probe_flat = dict(flat)
        for given in self.names:
            found, current = lookup(flat, given, self.dialect)
            if found and not value_text(current).strip():
                probe_flat = _with(probe_flat, given, neutral_value(given), self.dialect)
        probe_parts: Mapping[str, str] = base_parts
        if probe_flat != flat:
            try:
                probe_parts = self.renderer.render_parts(probe_flat)
            except (TemplateError, SendAborted):
                probe_flat, probe_parts = dict(flat), base_parts
        probe_base = self.texts(probe_parts)
        # what the sample breaks anyway, whichever words stand in it: blanking first_name in a
        # sample whose text reads ", Саша" (no gender) breaks nothing new with ", клиент"
        base_shapes = {
            part: {shape(b) for b in self.broken(text)} for part, text in probe_base.items()
        }
        out: list[Breakage] = []
        for name in self.names:
            found, current = lookup(flat, name, self.dialect)
            parts = [p for p in self.renderer.parts if name in p.names and p.where in _PART_NAMES]
            if not parts:
                continue
            if not found or not value_text(current).strip():
                # the sample lacks it (no column, or empty): which of the sample's own
                # breakages does a value for it mend? Those are its doing, so its finding
                # (PER001) names this recipient rather than a PER002 of unknown cause
                out += self._mended(flat, name, parts, base_broken, found)
                if found:
                    continue  # already empty here: no blank can break anything new
            # None renders as "" does where every part it renders says so (each use tested
            # for its truth, or with a fallback for any false value): not rendered again. It
            # is counted against the budget all the same, which decides how far the probe goes
            alike = all(
                name in getattr(p.parsed, "falsy_alike", ()) for p in (*parts, *self.cancelling)
            )
            after_empty: dict[str, str] | None = None  # what the "" blank rendered
            for blank in self.blanks:
                if self.budget <= 0:
                    return out
                self.budget -= len(parts)
                if blank is None and alike:
                    if after_empty is None:
                        continue  # "" failed (or cancelled the message): so does None
                    rendered = after_empty
                else:
                    values = self.renderer.values(_with(probe_flat, name, blank, self.dialect))
                    try:
                        for other in self.cancelling:
                            if other not in parts:
                                other.parsed.render(values)
                        rendered = {p.where: p.parsed.render(values) for p in parts}
                    except (TemplateError, SendAborted):
                        continue
                    if blank == "":
                        after_empty = rendered
                # a part the blank leaves as it was cannot break anew: nothing to scan
                changed = {w: t for w, t in rendered.items() if t != probe_parts.get(w)}
                value = "" if blank == "" else None
                for part, text in self.texts(changed).items():
                    subject = probe_base.get("subject", "")
                    if part == "subject" and subject.strip() and not text.strip():
                        out.append(Breakage(part, "", name, value))
                        continue
                    for snippet in self.broken(text):
                        if shape(snippet) not in base_shapes.get(part, set()):
                            out.append(Breakage(part, snippet, name, value))
        out += self._together(probe_flat, probe_parts, base_shapes, out)
        return list(dict.fromkeys(out))

    def _together(
        self,
        flat: Mapping[str, object],
        base_parts: Mapping[str, str],
        base_shapes: dict[str, set[str]],
        singly: list[Breakage],
    ) -> list[Breakage]:
        """What only emptying the event's fields together breaks (``singly``: what emptying
        each breaks), each with the fields whose value mends it: «Здравствуйте, #NAME#
        #LAST_NAME#!» reads with either, and «Здравствуйте, !» with neither."""
        events = self.events
        parts = [p for p in self.renderer.parts if p.names & set(events)]
        if len(events) < 2 or not parts or self.budget <= 0:
            return []
        blank = dict(flat)
        for name in events:
            blank = _with(blank, name, "", self.dialect)

        def render(values: Mapping[str, object]) -> dict[str, str] | None:
            self.budget -= len(parts)
            try:
                rendered = {p.where: p.parsed.render(self.renderer.values(values)) for p in parts}
            except (TemplateError, SendAborted):
                return None
            changed = {w: t for w, t in rendered.items() if t != base_parts.get(w)}
            return self.texts(changed)

        texts = render(blank)
        seen = {(b.part, shape(b.snippet)) for b in singly}
        broken = [
            (part, snippet)
            for part, text in (texts or {}).items()
            for snippet in self.broken(text)
            if shape(snippet) not in base_shapes.get(part, set())
            and (part, shape(snippet)) not in seen
        ]
        if not broken:
            return []
        # the fields whose value alone mends it (each given back in turn)
        mends: dict[tuple[str, str], list[str]] = {found: [] for found in broken}
        for name in events:
            if self.budget <= 0:
                return []
            given = render(_with(blank, name, neutral_value(name), self.dialect)) or {}
            for part, snippet in broken:
                if snippet not in self.broken(given.get(part, "")):
                    mends[(part, snippet)].append(name)
        return [
            Breakage(part, snippet, names[0], "", together=tuple(names[1:]))
            for (part, snippet), names in mends.items()
            if len(names) > 1
        ]

    def _mended(
        self,
        flat: Mapping[str, object],
        name: str,
        parts: list[_Part],
        base_broken: dict[str, set[str]],
        found: bool,
    ) -> list[Breakage]:
        """The breakages of ``flat``'s own render that a value for ``name`` makes go away
        (``found``: ``flat`` has the field, empty; else it has none)."""
        # (base_broken is keyed by the parts' names, "text" for the HTML: _PART_NAMES)
        if self.budget <= 0 or not any(base_broken.get(_PART_NAMES[p.where]) for p in parts):
            return []
        self.budget -= len(parts)
        values = self.renderer.values(_with(flat, name, _MENDING_VALUE, self.dialect))
        try:
            rendered = {p.where: p.parsed.render(values) for p in parts}
        except (TemplateError, SendAborted):
            return []
        return [
            Breakage(part, snippet, name, "" if found else None, missing=not found)
            for part, text in self.texts(rendered).items()
            for snippet in sorted(base_broken.get(part, set()) - set(self.broken(text)))
        ]


def _with(flat: Mapping[str, object], name: str, value: object, dialect: str) -> dict[str, object]:
    out = {
        k: v
        for k, v in flat.items()
        if not (k == name or (dialect == "mailchimp" and k.upper() == name.upper()))
    }
    out[name] = value
    return out
