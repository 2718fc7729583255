"""PER: personalisation that renders for every recipient."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import regex

from mailcheck.i18n import N_, Joined, Message, t
from mailcheck.model import Breakage, Document, Link, Severity, Variable
from mailcheck.rules import Context, Problem, rule
from mailcheck.templating import (
    broken_text,
    flatten_sample,
    leftover_tags,
    missing_from_samples,
    sample_has,
    shape,
    value_shown,
)
from mailcheck.templating.dialect import Dialect
from mailcheck.templating.salvage import kind_of
from mailcheck.text import quoted_names

_PHP_TAG = regex.compile(r"<\?(?:=|php\b).{0,200}?\?>", regex.S)


def _by_name(variables: list[Variable]) -> dict[str, list[Variable]]:
    """Every use of each variable, by name, in order of first use."""
    uses: dict[str, list[Variable]] = {}
    for v in variables:
        uses.setdefault(v.name, []).append(v)
    return uses


def _places(ctx: Context, uses: list[Variable]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_where(ctx, v) for v in uses))


def _unsafe(ctx: Context, broken: dict[str, list[Breakage]]) -> dict[str, list[Variable]]:
    """PER001's variables: used somewhere with neither a fallback nor a guard, or with an empty
    fallback where the blanking probe shows the text broken (`Привет, {{ name | default: "" }}!`
    reads "Привет, !" for every recipient without a name, as with no fallback at all; `{{ middle
    | default: "" }}` between two names breaks nothing and is left alone). ``broken``: the
    probe's findings (:func:`_probe`)."""
    return _by_name(
        [
            v
            for v in ctx.campaign.variables
            if v.misspelt[0]
            or (
                not (v.system or v.guarded)
                and (not v.has_fallback or (_empty_fallback(v) and v.name in broken))
            )
        ]
    )


def _empty_fallback(variable: Variable) -> bool:
    return variable.fallback is not None and not variable.fallback.strip()


def _probe(ctx: Context) -> dict[str, list[Breakage]]:
    """What the blanking probe broke, by the variable it emptied (each breakage once)."""
    found: dict[str, list[Breakage]] = {}
    for r in ctx.campaign.renders:
        for b in r.probe:
            if b.variable is not None and b not in found.setdefault(b.variable, []):
                found[b.variable].append(b)
    return found


def _received(ctx: Context) -> dict[tuple[str, str], list[str]]:
    """Broken text real sample recipients would receive: (part, snippet) -> sample labels."""
    found: dict[tuple[str, str], list[str]] = {}
    for r in ctx.campaign.renders:
        for b in r.breakage:
            labels = found.setdefault((b.part, b.snippet), [])
            if r.label not in labels:
                labels.append(r.label)
    return found


def _samples_of(ctx: Context, labels: Iterable[str]) -> list[dict[str, object]]:
    wanted = set(labels)
    return [r.sample for r in ctx.campaign.renders if r.label in wanted]


def _spaces_only(ctx: Context, labels: Iterable[str], name: str) -> bool:
    """Whether ``name`` is a value of spaces alone in each of these samples (data to fix: a
    fallback, which covers an empty value, prints the spaces)."""
    dialect = ctx.campaign.dialect
    values = [value_shown(s, name, dialect) for s in _samples_of(ctx, labels)]
    return bool(values) and all(v and not v.strip() for v in values)


def _shown_by(ctx: Context, labels: Iterable[str], breaks: list[Breakage]) -> list[Variable]:
    """The variables whose value in these samples the broken text shows ("None")."""
    dialect = ctx.campaign.dialect
    samples = _samples_of(ctx, labels)
    return [
        v
        for v in ctx.campaign.variables
        if not v.system
        and any(
            (shown := value_shown(s, v.name, dialect).strip())
            and any(shown in b.snippet for b in breaks)
            for s in samples
        )
    ]


def _telling(breaks: list[Breakage]) -> Breakage:
    """The breakage that shows the defect best: a greeting ("Привет, !") before a fragment
    that starts with punctuation (", скидка 30%"), the body before the other parts."""
    return min(breaks, key=lambda b: (not b.snippet[:1].isalnum(), b.part != "text"))


def _evidence(breaks: list[Breakage], received: dict[tuple[str, str], list[str]]) -> str:
    """The probe's telling finding as the recipient reads it, and which samples would get it
    (what they would get, when they get some of it: not the null case beside their "")."""
    theirs = [b for b in breaks if (b.part, b.snippet) in received]
    text = _telling(theirs or breaks).describe()
    labels = [label for b in breaks for label in received.get((b.part, b.snippet), [])]
    if labels:
        return t(
            "{evidence}; {who} would receive it",
            evidence=text,
            who=Joined(", ", list(dict.fromkeys(labels))),
        )
    return text


def _where(ctx: Context, v: Variable) -> str:
    """The part a variable is used in; HTML uses point at the file and line, and a use in a
    partial at that file's own ("partials/footer.html:12")."""
    if v.file:
        return f"{v.file}:{v.line}" if v.line else v.file
    return _part_at(ctx, v.where, v.line)


def _part_at(ctx: Context, part: str, line: int) -> str:
    """A place in a template part (subject, preheader, html, text, header:<Name>); the HTML
    and the text part are named as their files are ("email.txt:3": a CI annotation's line),
    and so is a partial of the campaign given as the part ("partials/footer.html:12")."""
    if part == "html":
        return ctx.html_at(line)
    if part == "text":
        return f"{ctx.campaign.text_label}:{line}" if line else ctx.campaign.text_label
    if line and part in ctx.campaign.partial_labels:
        return f"{part}:{line}"
    return part


def _line_in_place(ctx: Context, part: str) -> bool:
    """Whether a place in ``part`` carries its line (else a message says it)."""
    return part in ("html", "text") or part in ctx.campaign.partial_labels


# The parts a merge tag may survive in (PER003) and breakage is found in, named in messages.
_PART_WORDS = (
    N_("subject"),
    N_("preheader"),
    N_("body"),
    N_("links"),
    N_("text part"),
    N_("text"),
    N_("plain-text part"),
    N_("List-Unsubscribe header"),
)
_UNSUBSCRIBE_HEADER = "List-Unsubscribe header"  # the part of that name, read as rendered


@rule(
    "PER001",
    "variable-without-fallback",
    Severity.ERROR,
    short="personalisation variable with no fallback or guard",
)
def variable_without_fallback(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a personalisation variable that has neither a fallback nor a guard, in any
    dialect: Jinja `default(…)`/`or`, Liquid `default:`, Handlebars `{{#if}}`, Mailchimp
    `*|IF:…|*`, Unisender `{{Name|…}}`. In Handlebars/Mustache an inverted section or an
    `{{#unless}}` of the same variable right beside its use (spaces alone between) is its
    fallback: `Hi {{name}}{{^name}}there{{/name}},` and `Hi {{name}}{{#unless name}}there
    {{/unless}},` read "Hi there," without the name; one that prints nothing is an empty
    fallback, and one after more text ("Hi {{name}}, {{^name}}friend{{/name}}") is none.
    An empty fallback (`default: ""`) where the text reads broken without the value is none.
    One finding per variable lists every place it is used without one (subject, preheader,
    HTML lines). A guard that tests for null alone
    (Mindbox's `@{ if x != null }`) lets an empty value through: the finding names it and the
    test that covers an empty value.

    What the recipient would read is quoted only when emptying the variable breaks the text:
    mailcheck renders the subject, preheader, HTML text and text part again with that one
    variable empty (and, in Jinja, null) and quotes the fragment that breaks — a greeting left
    without its name ("Привет, !", "Dear ,"), a space before a comma or a full stop, a line
    that now starts with a comma, the word None/null/undefined printed, a subject left empty
    — with the sample recipients who would receive it. Most variables get no quote: an empty
    one that leaves whole-looking text (a price in a table cell, a word inside a sentence, a
    link's URL, a header) breaks nothing mailcheck can read, and variables beyond the first 30
    of a campaign (or once the probe's 400 renders are spent) are not emptied one by one.

    Exempt, as values that are always there:
    - system variables the ESP fills (the dialect's own, the common ones such as `email` and
      `unsubscribe_url`, and the names listed in `system-variables`);
    - the recipient's own address, which is what the message is sent to: `email` (or
      `email_address`) alone, or as the member of an object that is the recipient —
      `user.email`, `recipient.email`, `customer.email`, `subscriber.email`,
      `contact.email`, `person.email`, `member.email`, `client.email`, `profile.email`,
      `account.email`, at the top of the data or one level down (`data.user.email`).
      Another object's address (`manager.email`, `support_email`,
      `invitation.inviter.user.email`, a CRM's `lead.email`) may be empty and is not exempt;
    - links the application or the author builds for every recipient, where a fallback
      makes no sense: a variable that is a link's whole URL (`href="{{ reset_link }}"`,
      `href="*|FEATURE_URL|*"`, `src="{{ avatar }}"`), and a variable named as a URL
      (`*_url`, `*_link`, `*Url`, `*Link`) that a link's URL holds anywhere
      (`href="{{ base_url }}/sale"`), as PHP's link getters (`$user->getTicketUrl()`). A
      plain-text part's links are its URLs written out: `Do this Next ( {{ action_url }} )`
      is the HTML's `href="{{ action_url }}"`, not a name printed as text. They
      render as a stand-in URL; a sample recipient who has the value empty gets an empty
      link, LNK003's error at the link's line. One verdict per variable, however the template
      breaks its lines: a URL name a link holds is exempt in all its uses, the URL printed
      beside the button to copy and paste as well (`<p>{{action_url}}</p>`). A URL name only
      ever printed as text (`Login Page: {{login_url}}`) shows no link the application builds
      (it may be a contact's field, a website_url) and is not exempt; nor is a name that does
      not say it is a URL and is also printed as text (`Call *|MANAGER|*` wants its
      fallback), nor an unsubscribe tag of the author's own (`{{UnsubscribeLink}}` where the
      platform's is `{{UnsubscribeUrl}}`: nobody fills it).

    A link's whole URL one or two letters off one of the platform's link tags (its
    unsubscribe tag, its system variables that are URLs) is no field anyone fills but a
    misspelt tag (a name that says subscribe, not unsubscribe, is a link of its own): an error that
    names the tag meant (`DashaMail has no tag %UNSUBSCRIBE_ULR%: did you mean
    %UNSUBSCRIBE_URL%?`), also where other variables are warnings. Only the platform's link
    tags are compared, never one recipient field with another (FIRSTNAME is no misspelling of
    LASTNAME); both names have at least 5 letters; names of fewer than 8 letters may be one
    letter off, longer ones two (two letters swapped count as two); without case, as the
    platforms read names. The tag's own name with its object left out (`[% url_unsub %]` for
    `[% param.url_unsub %]`) or under one of the platform's objects (`.Subscriber.UnsubscribeURL`)
    is a misspelling too.

    A template its engine refuses (PER004) is read around its broken tag: a variable before a
    block never closed is an error as in any template; one after it is a warning, "could not
    verify", naming that tag (where the fix closes the block decides whether it holds the
    variable), one warning for all such variables. So is one before a closing tag with no block.

    What mailcheck cannot see is a warning, "could not verify", never an error: where the
    dialect has no fallback in the template (DashaMail: the list's field holds the default
    value), the finding says where it is set; a method of the application (PHP's
    `<?= $user->getShortName() ?>`), which mailcheck does not run, may return a fallback of its
    own, or an empty value: the finding says what an empty one would read. The data of the API
    call that sends the message (listmonk's `{{ .Tx.Data.order_id }}`, the `data` of
    `/api/tx`) is neither the platform's to fill nor certain to be missing: each call passes
    its own. Its fields without a fallback are one warning listing them all and their places,
    unless every sample recipient gives them a value, named as the template names them, case
    and all: `{"Tx": {"Data": {"order_id": "A-17"}}}` in a JSON samples file, a column
    `Tx.Data.order_id` in a CSV one (`{"tx": …}` is another name). The finding shows the shape.
    A sample recipient that gives a field an empty value shows a call that breaks the text:
    that field is the error, as on any platform, not part of the warning.
    Postmark fills a template only from the `TemplateModel` the sending application passes in
    the API call that sends it, never from a contact profile: for a campaign with
    `esp = "postmark"`, or whose template writes a tag only Postmark writes
    (`{{{ pm:unsubscribe }}}`, a layout's `{{{ @content }}}`, outside a comment; with
    `template = "handlebars"` declared too), every variable Postmark does not
    fill itself is such a field, the same one warning. So on SendGrid for a Handlebars
    template that writes its unsubscribe group's Mail Send tags
    (`<%asm_group_unsubscribe_raw_url%>`, `<%asm_preferences_raw_url%>` …, outside a comment;
    `esp = "sendgrid"` or not): that is a dynamic template, filled from the
    `dynamic_template_data` of the API call alone. SendGrid's Marketing Campaigns fill
    Handlebars from contact fields (`{{first_name}}`), so a SendGrid template without such a
    tag, like a Handlebars template with no Postmark tag, keeps its variables errors.
    On Klaviyo (`esp = "klaviyo"`), `{{ event.plan_name }}` is a property of the event that
    triggers the message, passed by the API call or integration that records the event: the
    event's fields are the same one warning, while profile fields (`{{ first_name }}`,
    `{{ person.plan }}`) stay errors.

    ## Why it matters
    The first recipient without a first name gets "Привет, !" or "Hello ,". In a base of
    100,000 there is always one.

    ## Example
    `Привет, {{ first_name }}!`

    ## How to fix
    Give the variable a fallback in the template's own language, or show the text only when
    the value is there. If the ESP always fills the variable, list it in `system-variables`.
    For a misspelt tag, write the tag the message names.

    ### jinja
    Jinja: `{{ first_name | default('друг', true) }}` (`true`: an empty value gets the
    fallback too) or `{{ first_name or 'друг' }}`.

    ### liquid
    Liquid: `{{ first_name | default: 'друг' }}`.

    ### handlebars
    Handlebars: `{{#if first_name}}Привет, {{first_name}}!{{else}}Привет!{{/if}}`; in
    Mustache (Postmark) an inverted section right after the value:
    `{{first_name}}{{^first_name}}друг{{/first_name}}`.

    ### mailchimp
    Mailchimp: `*|IF:FNAME|*Привет, *|FNAME|*!*|ELSE:|*Привет!*|END:IF|*`.

    ### unisender
    Unisender: `{{Name|друг}}`. Unisender ignores a fallback inside a link
    (`href="…&ref={{Name|anon}}"`): there the variable has none, and where it is used
    elsewhere too the finding names the lines inside a link ("line 13 is inside a link, where
    Unisender ignores the fallback").

    ### esputnik
    eSputnik: `%FIRSTNAME|друг%` or `${firstName|Друг}`. `%FIRSTNAME|%`, the fallback Stripo
    inserts, is written but empty: the finding says "an empty fallback", not "no fallback".
    Its trigger messages print the data of the event the site sends to trigger them,
    `$data.get('orderNumber')` (`$!data.get('orderNumber')`): filled by the site's code, read
    as 1C-Bitrix's mail event is (on Unisender Go, `$data` is a field like any other). A
    sample recipient that gives such a field shows that event: given empty, PER002 says what
    it breaks.

    ### velocity
    Velocity: `${first_name|'друг'}`. A reference without "!" (`$data.get('total')`,
    `${price}`) that has no value prints itself: the recipient reads «Сумма:
    $data.get('total') ₽». The finding says so and quotes the tag as written, with the quiet
    form that prints nothing (`$!data.get('total')`); for the trigger event's data that is a
    warning (whether the event always passes it is the site's), and an error when a sample
    recipient's event lacks it (`{"data": {"firstName": "Иван"}}` without "total"). A finding
    quotes such a tag as written wherever the variable's name is not what a search of the
    template finds (`$!data.get('firstName')`, not data.firstName); system-variables lists
    the name.

    ### mindbox
    Mindbox: `${ replaceIfEmpty(Recipient.FirstName, "друг") }`, or show the greeting only
    when the value is there: `@{ if Recipient.FirstName != "" }` (a test `!= null` lets an
    empty value through).

    ### sendsay
    Sendsay: `[% anketa.base.firstName or 'друг' %]` or
    `[% anketa.base.firstName | default('друг') %]`.

    ### dashamail
    DashaMail's `%NAME%` takes no fallback in the template: a recipient without a value gets
    the default value set on the field in the DashaMail list, which mailcheck cannot see, so
    the finding is a warning, "could not verify". Set that default on the list's field; list
    the field in `system-variables` only if every recipient has a value (an empty one then
    passes unseen). An automation's `%(OBJECT)data…%` is the data of the trigger event the
    site sends to DashaMail: make sure the site always passes it.

    ### bitrix
    1C-Bitrix's macros (`#USER_NAME#`) are the fields of the mail event the site's code sends:
    no fallback can be written, and whether the code ever passes one empty is not in the
    template. Where emptying one breaks the text («Здравствуйте, #NAME#!» would read
    «Здравствуйте, !») the finding is a warning, "could not verify"; elsewhere (an order
    number in a table) there is none. Make sure the site always passes a value, or word the
    text so that it reads without one; if it is never empty, list it in `system-variables`.

    ### php
    For a method of the application (PHP), give it a fallback in the template
    (`<?= $user->getShortName() ?: 'друг' ?>`) or, if it never returns an empty value, list it
    in `system-variables` (`user.getShortName`); a property, `<?= $user->name ?? 'друг' ?>`.

    ### go
    Go templates (listmonk): `{{ .Subscriber.FirstName | default "друг" }}`, or
    `{{ if .Subscriber.FirstName }}…{{ else }}…{{ end }}`.

    ### mautic
    Mautic: `{contactfield=firstname|друг}`.

    ### mailerlite
    MailerLite: `{$name|default('друг')}`.

    ### campaignmonitor
    Campaign Monitor: `[firstname,fallback=друг]` (`[firstname,fallback=]`, as the editor
    inserts it, prints nothing).
    """
    probe = _probe(ctx)
    received = _received(ctx)
    dialect = _dialect(ctx)
    outside = dialect.fallback_outside if dialect is not None else ""
    event = dialect.event_source(ctx.campaign.platform) if dialect is not None else ""
    # the fields of the data the API call that sends it passes (listmonk's .Tx.Data): one
    # root cause, the caller's data mailcheck cannot see, one finding for them all
    payload: dict[str, list[Variable]] = {}
    # the uses a broken tag of a refused part (PER004) may change, by that tag: one root cause
    unsure: dict[tuple[str, int], list[Variable]] = {}
    for name, uses in _unsafe(ctx, probe).items():
        evidence = _evidence(probe[name], received) if name in probe else None
        label = _label(uses)
        misspelt = next((v.misspelt for v in uses if v.misspelt[0]), None)
        if misspelt is None:
            sure = [v for v in uses if v.unsure is None]
            if not sure:  # each use may read otherwise once the broken tag is fixed
                for v in uses:
                    if v.unsure is not None:
                        unsure.setdefault(v.unsure, []).append(v)
                continue
            uses = sure  # these read as they will once it is fixed: certain
        if misspelt is None and all(v.payload for v in uses):
            if _samples_give(ctx, name):
                continue
            if not _given_broken(ctx, name, probe, received) and not _given_empty(ctx, name):
                payload[name] = uses
                continue
            # a sample recipient gives it, empty ("" or spaces): that call's data is shown,
            # and with no fallback it prints nothing there, certain, as on any platform
        if misspelt is not None:
            # a platform's link tag misspelt: no field of that name, nobody fills it
            yield Problem(
                t(
                    "{dialect} has no tag {tag}: did you mean {meant}?",
                    tag=misspelt[0],
                    dialect=_platform_name(ctx),
                    meant=misspelt[1],
                ),
                locations=_places(ctx, uses),
            )
            continue
        unseen: Message | None = None
        if outside and not any(v.has_fallback or v.fallback_ignored for v in uses):
            # the dialect's fallback is set where the template cannot show it (DashaMail: on
            # the list's field): that it is missing is not a certainty
            unseen = _fallback_unseen(name, t(outside), evidence)
        elif all(v.computed and (not v.has_fallback or _empty_fallback(v)) for v in uses):
            # a call of the application's code (PHP's $user->getShortName()), never run here:
            # it may fall back itself (an empty fallback after it, ?: '', changes nothing)
            unseen = _computed_unseen(name, evidence)
        if unseen is not None:
            yield Problem(unseen, locations=_places(ctx, uses), severity=Severity.WARNING)
            continue
        if all(_empty_fallback(v) for v in uses):
            message = t(
                "“{name}” has an empty fallback, which is none: {evidence}",
                name=name,
                evidence=_evidence(probe[name], received),
            )
        elif (blank := [v for v in uses if not v.has_fallback]) and all(
            v.blank_fallback for v in blank
        ):
            # eSputnik's %FIRSTNAME|% (Stripo inserts it so): written, yet empty
            message = t(
                "“{name}” has an empty fallback ({tag}), which is none",
                name=label,
                tag=blank[0].tag,
            )
            if evidence is not None:
                message = t("{message}: {evidence}", message=message, evidence=evidence)
        elif all(v.fallback_ignored for v in uses):
            # the fallback is written, where the ESP does not read it (Unisender: in a link)
            message = t(
                "“{name}” has a fallback, but {dialect} ignores fallbacks inside links",
                name=name,
                dialect=ctx.campaign.dialect,
            )
            if evidence is not None:
                message = t("{message}: {evidence}", message=message, evidence=evidence)
        elif guard := next((v.null_guard for v in uses if v.null_guard), ""):
            # the author did guard it, with a test an empty value passes (Mindbox's != null)
            message = t(
                "“{name}” has no fallback, and its guard {guard} tests for null only: an empty "
                'value ("") passes it — test for an empty value instead: {fixed}',
                name=name,
                guard=_shown_tag(guard),
                fixed=_shown_tag(_NULL.sub('""', guard)),
            )
            if evidence is not None:
                message = t("{message}; {evidence}", message=message, evidence=evidence)
        elif evidence is not None:
            message = t(
                "“{name}” has no fallback or guard: {evidence}", name=label, evidence=evidence
            )
        elif all(v.payload for v in uses) and (empty := _given_empty(ctx, name)):
            # the API call's data, which only a sample shows: the one that gives it empty
            message = t(
                "“{name}” has no fallback or guard, and a sample recipient gives it empty "
                "({samples}): that message prints nothing in its place",
                name=name,
                samples=Joined(", ", empty),
            )
        else:
            message = t("“{name}” has no fallback or guard", name=label)
        message = _also_said(ctx, uses, message)
        yield Problem(message, locations=_places(ctx, uses))
    if payload and dialect is not None:
        source = dialect.payload_source(ctx.campaign.platform)
        yield _payload_unseen(ctx, payload, t(source), probe, received)
    for (tag, line), uses in unsure.items():
        yield _unsure_of(ctx, tag, line, uses)
    if event:
        # the fields of the event the application sends (1C-Bitrix's mail event): only where
        # emptying one breaks the text is there anything to say, and that is not certain
        fields = _by_name([v for v in ctx.campaign.variables if v.event and not v.guarded])
        unknown = {
            name
            for name in fields
            # (a sample recipient that gives it empty shows it: PER002, an error, says so)
            if not _samples_give(ctx, name) and not _given_empty(ctx, name)
        }
        said: set[str] = set()
        for name, uses in fields.items():
            alone = [b for b in probe.get(name, []) if not b.together]
            printed = _printed_as_written(uses)
            if printed is not None and (lacking := _given_none(ctx, name)):
                # a sample's event without it: that recipient reads the tag itself, certain
                said.add(name)
                message = t(
                    "“{name}” has no fallback or guard, and a sample recipient has no value for "
                    "it ({samples}); {printed}",
                    name=_label(uses),
                    samples=Joined(", ", lacking),
                    printed=printed,
                )
                yield Problem(message, locations=_places(ctx, uses))
            elif (alone or printed is not None) and name in unknown:
                said.add(name)
                message = _event_unseen(
                    name,
                    t(event),
                    _evidence(alone, received) if alone else None,
                    _label(uses),
                    printed,
                )
                yield Problem(message, locations=_places(ctx, uses), severity=Severity.WARNING)
        # what only emptying several of them together breaks («Здравствуйте, #NAME#
        # #LAST_NAME#!»): one warning naming them all
        groups: dict[tuple[str, ...], list[Breakage]] = {}
        for name in fields:
            for b in probe.get(name, []):
                names = (name, *b.together)
                if b.together and set(names) <= unknown and not set(names) & said:
                    groups.setdefault(names, []).append(b)
        for names, breaks in groups.items():
            uses = [v for n in names for v in fields[n]]
            message = _events_unseen(names, t(event), _evidence(breaks, received))
            yield Problem(message, locations=_places(ctx, uses), severity=Severity.WARNING)


def _unsure_of(ctx: Context, tag: str, line: int, uses: list[Variable]) -> Problem:
    """The warning for the variables without a fallback or guard whose uses a refused part's
    broken ``tag`` may change once fixed: after a block's opening tag never closed (the
    closing tag may go after them), before a closing tag with no block (its opening tag may go
    before them)."""
    names = quoted_names(list(dict.fromkeys(_label([v]) for v in uses)))
    if kind_of(tag) == "closes":
        message = t(
            "could not verify {names} (no fallback or guard as written): {tag} on line {line} "
            "belongs to no block (PER004), and where the fix opens one decides whether these "
            "uses are inside it — check again then",
            names=names,
            tag=_shown_tag(tag),
            line=line,
        )
    else:
        message = t(
            "could not verify {names} (no fallback or guard as written): {tag} on line {line} "
            "opens a block never closed (PER004), and where the fix closes it decides whether "
            "these uses are inside it — check again then",
            names=names,
            tag=_shown_tag(tag),
            line=line,
        )
    return Problem(message, locations=_places(ctx, uses), severity=Severity.WARNING)


def _label(uses: list[Variable]) -> str:
    """The variable as a finding quotes it: its tag as written where the name is not what a
    search of the template finds (Velocity's ``$data.get('total')`` for data.total)."""
    for v in uses:
        if v.tag and v.name not in v.tag:
            return v.tag
    return uses[0].name


def _printed_as_written(uses: list[Variable]) -> Message | None:
    """What a use that prints its own tag when the value is missing (Velocity's ``$x``, not
    the quiet ``$!x``) shows the recipient then, and the fix; None when no use does."""
    tag = next((v.tag for v in uses if v.literal_if_missing and v.tag), "")
    if not tag:
        return None
    quiet = tag if tag.startswith("$!") else "$!" + tag[1:]
    return t(
        "where it has no value, Velocity prints the tag itself, “{tag}”, to the recipient: "
        "write {quiet} to print nothing there, or give it a fallback",
        tag=tag,
        quiet=quiet,
    )


def _also_said(ctx: Context, uses: list[Variable], message: Message) -> Message:
    """PER001's ``message`` with what a QA person reading the template needs to see it: the
    tag printed as written when missing (Velocity's ``$x``), the places where a fallback is
    written but the ESP ignores it (Unisender's inside a link)."""
    printed = _printed_as_written(uses)
    if printed is not None:
        message = t("{message}; {printed}", message=message, printed=printed)
    ignored = [v for v in uses if v.fallback_ignored]
    if ignored and len(ignored) < len(uses):
        places = _places(ctx, ignored)
        message = t(
            "{message}; {places} inside a link, where {esp} ignores the fallback",
            message=message,
            places=_in_places(ctx, places),
            esp=_platform_name(ctx),
        )
    return message


def _in_places(ctx: Context, places: tuple[str, ...]) -> Message:
    """Places of one part as a sentence's subject: "line 13 is", "lines 13, 14 are" for the
    HTML's own lines, else the places as named ("subject is")."""
    html = ctx.html_at(0)
    lines = [p.rsplit(":", 1)[1] for p in places if p.startswith(html + ":")]
    if len(lines) == len(places):
        return (
            t("line {line} is", line=lines[0])
            if len(lines) == 1
            else t("lines {lines} are", lines=Joined(", ", lines))
        )
    return (
        t("{place} is", place=places[0])
        if len(places) == 1
        else t("{places} are", places=Joined(", ", list(places)))
    )


def _given_none(ctx: Context, name: str) -> list[str]:
    """The sample recipients (their labels) that give the object ``name`` is a field of
    (``data`` of ``data.total``) without that field: that message has no value for it."""
    dialect = ctx.campaign.dialect
    root = name.split(".", 1)[0]
    if root == name:
        return []
    out = []
    for r in ctx.campaign.renders:
        if r is ctx.main:
            continue
        flat = flatten_sample(r.sample)
        if sample_has(flat, root, dialect) and not sample_has(flat, name, dialect):
            out.append(r.label)
    return out


def _samples_give(ctx: Context, name: str) -> bool:
    """Whether every sample recipient gives ``name`` a value that is not empty: the author
    says what the data holds (for the API call's data: what each call passes)."""
    samples = ctx.campaign.samples
    dialect = ctx.campaign.dialect
    return bool(samples) and all(value_shown(s, name, dialect).strip() for s in samples)


def _given_broken(
    ctx: Context,
    name: str,
    probe: dict[str, list[Breakage]],
    received: dict[tuple[str, str], list[str]],
) -> bool:
    """Whether a sample recipient that gives ``name`` (an empty value, spaces) receives the
    text its emptying breaks: the data of that call is shown, not unseen."""
    labels = {label for b in probe.get(name, ()) for label in received.get((b.part, b.snippet), ())}
    dialect = ctx.campaign.dialect
    return any(
        sample_has(flatten_sample(s), name, dialect) for s in _samples_of(ctx, sorted(labels))
    )


def _given_empty(ctx: Context, name: str) -> list[str]:
    """The sample recipients (their labels) that give ``name`` an empty value ("" or spaces):
    a message with that data prints nothing where the field stands."""
    dialect = ctx.campaign.dialect
    return [
        r.label
        for r in ctx.campaign.renders
        if r is not ctx.main
        and sample_has(flatten_sample(r.sample), name, dialect)
        and not value_shown(r.sample, name, dialect).strip()
    ]


def _payload_unseen(
    ctx: Context,
    fields: dict[str, list[Variable]],
    source: Message,
    probe: dict[str, list[Breakage]],
    received: dict[tuple[str, str], list[str]],
) -> Problem:
    """PER001 for the fields of the data the API call that sends the message passes
    (listmonk's ``.Tx.Data.order_id``): whether each is there is the caller's."""
    names = Joined(", ", [f"“{name}”" for name in fields])
    one = len(fields) == 1
    if one:
        message = t(
            "could not verify {name}: it is a field of {source}, which mailcheck cannot see, "
            "and a call without it prints it empty",
            name=names,
            source=source,
        )
    else:
        message = t(
            "could not verify {names}: they are {source}, which mailcheck cannot see, and a "
            "call without one of them prints it empty",
            names=names,
            source=source,
        )
    for name in fields:
        if name in probe:
            message = t(
                "{message}; {evidence}", message=message, evidence=_evidence(probe[name], received)
            )
    # how a sample gives the first field: nested as the template names it, case and all
    # ("tx" is not "Tx"); a CSV column is the dotted name
    first = next(iter(fields))
    nested: object = "…"
    for part in reversed(first.split(".")):
        nested = {part: nested}
    if ctx.campaign.samples:
        # the samples are given, without these fields: they are what to complete
        advice = (
            N_(
                "{message}. Give it a fallback in the template, or, to check it, give it in "
                "the sample recipients, as a call passes it, named as the template names it: "
                "{json} in a JSON samples file, a column “{column}” in a CSV one"
            )
            if one
            else N_(
                "{message}. Give them a fallback in the template, or, to check them, give them "
                "in the sample recipients, as a call passes them, named as the template names "
                "them: {json} in a JSON samples file, a column “{column}” in a CSV one"
            )
        )
    elif one:
        advice = N_(
            "{message}. Give it a fallback in the template, or, to check it, give sample "
            "recipients (samples in campaign.toml) with the data a call passes, named as the "
            "template names it: {json} in a JSON samples file, a column “{column}” in a CSV one"
        )
    else:
        advice = N_(
            "{message}. Give them a fallback in the template, or, to check them, give sample "
            "recipients (samples in campaign.toml) with the data a call passes, named as the "
            "template names it: {json} in a JSON samples file, a column “{column}” in a CSV one"
        )
    message = t(
        advice,
        message=message,
        json=json.dumps(nested, ensure_ascii=False),
        column=first,
    )
    uses = [v for group in fields.values() for v in group]
    return Problem(message, locations=_places(ctx, uses), severity=Severity.WARNING)


# "null" in a test as written, which a test for an empty value writes as ""
_NULL = regex.compile(r"(?<![\w\"'])null(?![\w\"'])", regex.I)


def _dialect(ctx: Context) -> Dialect | None:
    from mailcheck.templating.catalogue import load_catalogue

    return load_catalogue().get(ctx.campaign.dialect)


def _platform_name(ctx: Context) -> str:
    """The campaign's platform as people write it (Braze, eSputnik), else its dialect's
    (DashaMail, Liquid): whose tag a misspelt one is not."""
    from mailcheck.templating.catalogue import load_catalogue

    return load_catalogue().display_name(ctx.campaign.platform or ctx.campaign.dialect)


def _fallback_unseen(name: str, outside: Message, evidence: str | None) -> Message:
    """PER001 where the dialect's fallback is set outside the template (``outside``: where)."""
    unseen = t(
        "could not verify “{name}”: the template cannot give it a fallback, a recipient "
        "without a value gets {outside}, which mailcheck cannot see",
        name=name,
        outside=outside,
    )
    if evidence is not None:
        unseen = t("{message}; if none is set there, {evidence}", message=unseen, evidence=evidence)
    return t(
        "{message}. Make sure that default is set, or, if every recipient has a value, list "
        "“{name}” in system-variables",
        message=unseen,
        name=name,
    )


def _event_unseen(
    name: str, source: Message, evidence: str | None, tag: str = "", printed: Message | None = None
) -> Message:
    """PER001 for a field of the event that sends the message (1C-Bitrix's mail event,
    eSputnik's ``$data``), whose emptying breaks the text (``evidence``), or whose tag prints
    itself when the event does not pass it (``printed``). ``tag``: the field as written, where
    findings quote it (``$data.get('total')``); ``name`` is what system-variables lists."""
    if evidence is None and printed is not None:
        return t(
            "could not verify “{tag}”: it is a field of {source}, and mailcheck cannot see "
            "whether the event always passes it; {printed}. If it always does, list “{name}” "
            "in system-variables",
            tag=tag or name,
            name=name,
            source=source,
            printed=printed,
        )
    evidence = evidence or ""
    if tag and tag != name:
        message = t(
            "could not verify “{tag}”: it is a field of {source}, and mailcheck cannot see "
            "whether it is ever empty; where it is, {evidence}. Make sure a value is always "
            "passed, or word the text so that it reads without one; if it is never empty, "
            "list “{name}” in system-variables",
            tag=tag,
            name=name,
            source=source,
            evidence=evidence,
        )
    else:
        message = t(
            "could not verify “{name}”: it is a field of {source}, and mailcheck cannot see "
            "whether it is ever empty; where it is, {evidence}. Make sure a value is always "
            "passed, or word the text so that it reads without one; if it is never empty, list "
            "“{name}” in system-variables",
            name=name,
            source=source,
            evidence=evidence,
        )
    if printed is not None:
        message = t("{message}; {printed}", message=message, printed=printed)
    return message


def _events_unseen(names: tuple[str, ...], source: Message, evidence: str) -> Message:
    """PER001 for fields of the event that sends the message whose emptying together breaks
    the text (``evidence``), each of which reads without the other."""
    return t(
        "could not verify {names}: they are fields of {source}, and mailcheck cannot see "
        "whether they are ever empty together; where they are, {evidence}. Make sure a value "
        "is always passed, or word the text so that it reads without them; if one of them is "
        "never empty, list it in system-variables",
        names=Joined(", ", [f"“{name}”" for name in names]),
        source=source,
        evidence=evidence,
    )


def _computed_unseen(name: str, evidence: str | None) -> Message:
    """PER001 for a call of the application's code (PHP's ``$user->getShortName()``)."""
    unseen = t(
        "could not verify “{name}”: it is a call of the application's code, which mailcheck "
        "does not run, and it may return an empty value",
        name=name,
    )
    if evidence is not None:
        unseen = t("{message}; if it does, {evidence}", message=unseen, evidence=evidence)
    return t(
        "{message}. Give it a fallback in the template (?: '…'), or, if it never returns "
        "an empty value, list “{name}” in system-variables",
        message=unseen,
        name=name,
    )


@rule(
    "PER002",
    "rendered-text-broken",
    Severity.ERROR,
    short='rendering with a sample recipient gives empty or broken text ("Привет, !")',
)
def rendered_text_broken(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Renders the campaign for each sample recipient and reports text that a recipient would
    receive broken: "Привет, !", "Здравствуйте, ,", "Hello ,", "Dear ,", also with a gender
    ending or an honorific before the name («Уважаемый(ая) ,», "Dear Mr ,"), or the words None,
    null, undefined, NaN, [object Object] where a variable printed them. Only what a
    variable breaks is reported, not punctuation or words the copy has anyway ("None of
    them…"). One finding per cause: what one sample's value breaks in the subject, the HTML
    and the text part is one finding naming the sample and where the variable is printed. A
    sample of a CSV is named by the line its row starts at (`recipients.csv:6`), as the file
    shows it; one of a JSON list by its place in the list (`sample 2`).
    The first 50 sample recipients are rendered; more are a warning, "could not verify". A
    campaign without a template language (a test send) is read as it stands, and its broken
    text is placed at the line of the part that writes it (`text/html part:59`,
    `text/plain part:3`).

    What the blanking probe finds (each variable emptied in turn) is reported with the
    variable's own finding: PER001 when it has no fallback, PER006 when its fallback misses
    empty values.

    ## Why it matters
    This is what the recipient actually reads. A broken greeting in the first line looks like
    a mass mailing gone wrong, because it is.

    ## Example
    A sample recipient whose `first_name` is "None" in the CRM export:
    `Привет, {{ first_name | default('друг', true) }}!` reads "Привет, None!".

    ## How to fix
    Fix the data (an exported "None" or a name of spaces), or guard the whole phrase with a
    condition.
    """
    probe = _probe(ctx)
    unsafe = _unsafe(ctx, probe)
    # breakage the probe traces to a variable: whose root cause it is
    cause: dict[tuple[str, str], str] = {}  # by the breakage's shape: ", Саша" is ", Анна"
    for name, breaks in probe.items():
        for b in breaks:
            cause.setdefault((b.part, shape(b.snippet)), name)
    # what the samples' own values break ("None" in the data), by who receives it: one
    # finding for every part it shows in
    own: dict[tuple[str, ...], list[Breakage]] = {}
    # what a variable's fallback or guard (or its value of spaces) breaks, by that cause: one
    # finding for every part it shows in and every sample that receives it
    traced: dict[tuple[str, Message], tuple[list[Breakage], list[str]]] = {}
    for (part, snippet), labels in _received(ctx).items():
        culprit = cause.get((part, shape(snippet)))
        if culprit in unsafe:
            continue  # its PER001 names these recipients
        if not culprit:
            own.setdefault(tuple(labels), []).append(Breakage(part=part, snippet=snippet))
            continue
        uses = [v for v in ctx.campaign.variables if v.name == culprit and not v.system]
        # as PER006 says it: a variable only guarded (`{% if name %}`) has no fallback
        if _spaces_only(ctx, labels, culprit):
            why = t("“{name}” is only spaces there, which no fallback covers", name=culprit)
        elif any(v.has_fallback for v in uses):
            why = t("the fallback of “{name}” does not cover empty values", name=culprit)
        else:
            why = t("the fallback or guard of “{name}” does not keep the text whole", name=culprit)
        breaks, receivers = traced.setdefault((culprit, why), ([], []))
        if all(b.part != part for b in breaks):  # each part once: "Привет,   !" is "Привет,  !"
            breaks.append(Breakage(part=part, snippet=snippet))
        receivers += [label for label in labels if label not in receivers]
    for (culprit, why), (breaks, receivers) in traced.items():
        reads = Joined("; ", [b.describe() for b in breaks])
        uses = [v for v in ctx.campaign.variables if v.name == culprit and not v.system]
        # who receives it, then where the template prints it
        places = (*receivers, *_places(ctx, uses))
        yield Problem(t("{reads} ({why})", reads=reads, why=why), locations=places)
    for who, breaks in own.items():
        reads = Joined("; ", [b.describe() for b in breaks])
        yield Problem(reads, locations=(*who, *_places(ctx, _shown_by(ctx, who, breaks))))
    if ctx.campaign.samples_unrendered:
        rendered = len(ctx.campaign.samples) - ctx.campaign.samples_unrendered
        yield Problem(
            t(
                "could not verify the sample recipients after the first {count}: "
                "{more} more are not rendered",
                count=rendered,
                more=ctx.campaign.samples_unrendered,
            ),
            location=next(
                (Path(path).name for role, path in ctx.campaign.source_files if role == "samples"),
                "samples",
            ),
            severity=Severity.WARNING,
        )
    main = ctx.main
    if main is not None and main.label == "as is":
        # A test send or plain HTML is judged as it stands: nothing was rendered by us, so
        # only what reads as a variable gone wrong counts, never a word of the prose.
        parts = {"subject": main.subject, "preheader": main.preheader}
        parts["body"] = main.document.text if main.document else main.text
        if main.document and main.text:  # a test send's text part, read by some recipients
            parts["text part"] = main.text
        for where, text in parts.items():
            for snippet in broken_text(text or "", prose=True):
                # in the HTML and the text part, at the line that writes it (as other
                # findings name a test send's parts: "text/html part:167")
                if where == "body":
                    places = ctx.text_places(snippet, every=True)
                elif where == "text part":
                    # where it stands as a whole token: "Hello None" is not in "Hello
                    # Nonetheless"
                    places = ctx.text_part_places(snippet)
                else:
                    places = (where,)
                yield Problem(
                    t("broken text: “{snippet}”", snippet=snippet),
                    location=places[0],
                    locations=places,
                )


# Braces an HTML writes as character references ("&#123;&#123; name }}"): no template engine
# reads a tag there, and the author means them as text (Postmark's help on showing "{{ }}")
_BRACE_REFERENCE = regex.compile(r"&(?:#123|#[xX]0*7[bB]|lbrace|lcub);")


def _braces_written_as_text(tag: str, html: str) -> bool:
    return tag.startswith("{") and tag not in html and bool(_BRACE_REFERENCE.search(html))


def _php_written_as_text(tag: str, php: str) -> bool:
    """A PHP echo tag the body shows but the HTML never writes as one: written with character
    references ("&lt;?= $x ?&gt;", a developers' e-mail showing code), no PHP reads it and the
    author means it as text. A tag left in as written parses as markup, never as text, so it
    is one of ``php`` (the tags read raw from the HTML)."""
    return tag.startswith("<?") and tag.removesuffix("…") not in php


def _shown_as_code(tag: str, document: Document | None) -> bool:
    """A "${…}" in a code element (<code>, <pre> …): a JavaScript or shell string the e-mail
    shows, as a developers' newsletter does, not a tag left unrendered."""
    return tag.startswith("${") and document is not None and tag in document.code


def campaign_text_only(ctx: Context) -> bool:
    """Whether the campaign's body is its text part (a message without an HTML part)."""
    c = ctx.campaign
    return bool(c.text_label) and c.html_label == c.text_label


def _dialect_clear(ctx: Context) -> bool:
    return not ctx.campaign.dialect_unclear


@rule(
    "PER003",
    "merge-tag-unrendered",
    Severity.ERROR,
    short="a raw merge tag of any dialect survives into the rendered output",
    applies=_dialect_clear,
)
def merge_tag_unrendered(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a raw merge tag of any dialect that survives into the rendered subject,
    preheader, text or links: `{{ x }}`, `{% … %}`, `*|FNAME|*`, `%%name%%`, `[% x %]`,
    `${ x }`, `%recipient.name%`, also percent-encoded (`%7B%7B`), and into the
    `List-Unsubscribe` header (of a sent test send, or one of another language than the
    template's). One tag is one finding at every part it shows, a link's at the link's
    lines, the header's at its line (or its `[headers]` entry). A `${…}` the HTML shows in a code
    element (`<code>`, `<pre>`, `<kbd>` …) is code shown to the reader, not a tag, and so is a
    PHP tag written with character references (`&lt;?= $x ?&gt;`, as braces written `&#123;`).

    ## Why it matters
    The recipient sees "Привет, *|FNAME|*!" — typically when the template was written for
    one ESP and sent through another, or a tag has a typo.

    ## Example
    A test send from Unisender whose HTML still contains `{{ first_name }}` copied from a
    Mailchimp template.

    ## How to fix
    Use the tag syntax of the ESP that sends the campaign, and set `template =` in
    `campaign.toml` so mailcheck renders the right dialect.
    """
    if ctx.campaign.dialect_unclear:
        return  # the tags are a language mailcheck did not read (PER007 says so), not leftovers
    places: dict[str, list[str]] = {}  # one tag left in is one finding, at every part it shows
    in_links: dict[str, list[Link]] = {}  # and at the lines of the links that hold it
    scanned: set[tuple[str, str]] = set()  # samples often render the same text: scan it once
    for r in ctx.campaign.renders:
        parts = {"subject": r.subject or "", "preheader": r.preheader or ""}
        php = ""
        if r.document:
            # PHP echo tags parse as processing instructions, never as text: read them raw
            php = " ".join(_PHP_TAG.findall(r.html or "")) if "<?" in (r.html or "") else ""
            parts["body"] = f"{r.document.text} {php}" if php else r.document.text
            hrefs = " ".join(link.href for link in r.document.links)
            if ("links", hrefs) not in scanned:
                scanned.add(("links", hrefs))
                if leftover_tags(hrefs):  # one scan of them all: most leave no tag in a link
                    for link in r.document.links:
                        for tag in leftover_tags(link.href):
                            in_links.setdefault(tag, []).append(link)
        # a message of a text part alone: its body is that part (read once, named once)
        if r.text and not (r.document and campaign_text_only(ctx)):
            parts["text part"] = r.text
        # the header mailbox providers make their Unsubscribe button from: a tag left in its
        # URL (a sent message's, or one of another language than the template's) is in it
        header = next(
            (v for k, v in (r.headers or {}).items() if k.lower() == "list-unsubscribe"), ""
        )
        if header:
            parts[_UNSUBSCRIBE_HEADER] = header
        for where, text in parts.items():
            if (where, text) in scanned:
                continue
            scanned.add((where, text))
            for tag in leftover_tags(text):
                if where == "body" and _braces_written_as_text(tag, r.html or ""):
                    continue
                if where == "body" and _shown_as_code(tag, r.document):
                    continue
                if where == "body" and _php_written_as_text(tag, php):
                    continue
                found_in = places.setdefault(tag, [])
                if where not in found_in:
                    found_in.append(where)
    for tag in in_links:
        places.setdefault(tag, []).append("links")
    for tag, where_shown in places.items():
        # "the subject, body and text part", each word in the reader's language
        shown_in = (
            t(where_shown[0])
            if len(where_shown) == 1
            else t(
                "{first} and {rest}",
                first=Joined(", ", [t(w) for w in where_shown[:-1]]),
                rest=t(where_shown[-1]),
            )
        )
        # a link's tag is shown at the link's lines (LNK003 leaves a tag as the whole link here),
        # one in the body at the HTML's line that writes it
        locations: list[str] = []
        for where in where_shown:
            if where == "body":
                locations += ctx.text_places(tag)
            elif where == _UNSUBSCRIBE_HEADER:
                locations.append(ctx.header_place("List-Unsubscribe"))
            elif where != "links":
                locations.append(where)
        locations += ctx.link_places(*in_links.get(tag, ()))
        yield Problem(
            t("unrendered merge tag {tag} in the {where}", tag=tag, where=shown_in),
            url=in_links[tag][0].href if tag in in_links else None,
            locations=tuple(dict.fromkeys(locations)),
        )


@rule("PER004", "template-syntax-error", Severity.ERROR, short="template syntax error")
def template_syntax_error(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a template that its engine cannot parse: an unclosed `{% if %}`, a stray `}}`, an
    unbalanced `{{#each}}`, a tag never closed (`*|FNAME|!`). A tag that never nests (Sendsay's
    `[% %]`, Mindbox's `${ }`, Mailchimp's, Go's) and is not closed runs on into the next one
    (`[% name ]!</p><a href="[% param.url_unsub %]">` swallows the unsubscribe link) or stays
    in the text as the recipient reads it. Links are then checked as written, without
    rendering, and no part is rendered: what a recipient would read (PER002, PER003) shows
    once it is fixed, and the last of these findings says so.

    The variables are still read. Where removing one tag lets the engine read the part — an
    opening tag whose block is never closed, a closing tag with no block, a tag written wrong
    — the rest is read as written: a variable without a fallback is PER001's error where the
    fix cannot change it (before a block never closed, anywhere beside a tag written wrong),
    and a "could not verify" warning where it can (after a block never closed the fix may put
    it inside that block; before a closing tag with no block, the fix may open one around
    it). Parts the engine reads (the subject beside a broken HTML) are checked as always.
    A part with two errors, or one in a partial it pulls in, is not read. A template
    that parses but fails while rendering with mailcheck's own values (a comparison of a
    sample's text with a number, a placeholder where the template expects a list) is a
    warning, "could not verify": the ESP's data may be what the template expects.

    A Jinja name that reads a dict's method instead of a field — `{{ order.items }}`, where
    Jinja finds the method `items` (also `keys`, `values`, `get`, `copy`) before the key — is
    an error too, at its line, saying what it does there: printed, every recipient reads
    "<built-in method items of dict object>" (nothing in the HTML), whatever the data holds;
    looped over or through a filter that cannot take a method (`{% for item in order.items
    %}`, `{{ order.items | length }}`), rendering stops with an error and the message is not
    sent as written; as a condition it is always true. A render that fails only for it is
    that one finding, not a "could not verify" as well; a failure with another cause still is.
    For `esp = "hubspot"` it is no mistake: HubL reads the key first, and so does the render.

    ## Why it matters
    The ESP either refuses to send or sends the raw template to every recipient.

    ## Example
    `{% if first_name %}Привет, {{ first_name }}!` without `{% endif %}`.

    ## How to fix
    Close the block or fix the tag at the line the message names.
    """
    campaign = ctx.campaign
    for n, (where, message, line) in enumerate(campaign.template_errors):
        if not isinstance(message, Message):  # the engine's own words (jinja2's, English)
            message = t("the template engine says: {why}", why=message)
        # the HTML's and the text part's locations carry the line; in other parts (subject,
        # a header) the message says it
        said = (
            t("line {line}: {message}", line=line, message=message)
            if line and not _line_in_place(ctx, where)
            else message
        )
        if n == len(campaign.template_errors) - 1 and campaign.template_salvaged:
            # the variables were read around the broken tag (PER001 says what it can), but
            # nothing is rendered: what a recipient reads (PER002, PER003) waits for the fix
            said = t(
                "{error}; nothing was rendered, so what recipients would read is not checked: "
                "fix this and check again",
                error=said,
            )
        elif n == len(campaign.template_errors) - 1:
            # no part is rendered then, and a refused part's variables could not be read
            # around its error: what the other PER rules would find shows once this is fixed
            said = t(
                "{error}; personalisation was not checked further: fix this and check again",
                error=said,
            )
        yield Problem(said, _part_at(ctx, where, line))
    for where, line, mistake in campaign.template_mistakes:  # read, but not as meant
        yield Problem(
            t("line {line}: {message}", line=line, message=mistake)
            if line and not _line_in_place(ctx, where)
            else mistake,
            _part_at(ctx, where, line),
        )
    if (  # failed at run time, and not for a mistake reported above (one cause, one finding)
        not campaign.template_errors
        and campaign.template_error
        and not campaign.template_error_mistaken
    ):
        # with mailcheck's own values (fallbacks, placeholders, samples read as text): the
        # ESP's data may well be of the kind the template expects ("bonus > 0" on a number)
        line = campaign.template_error_line
        message = t("could not verify: {why}", why=campaign.template_error)
        where = ctx.html_at(line) if line else "template"
        yield Problem(message, where, severity=Severity.WARNING)


@rule(
    "PER005",
    "variable-not-in-samples",
    Severity.WARNING,
    short="variable used by the template is absent from every sample recipient",
)
def variable_not_in_samples(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a variable the template uses that no sample recipient has (only when samples are
    given). Nested JSON samples are matched by dotted path: `user.first_name`.

    ## Why it matters
    Either the samples do not represent the audience, or the template uses a name the ESP's
    data does not have (`firstName` vs `first_name`) and every recipient gets the fallback.

    ## Example
    The template uses `{{ city }}`; `recipients.csv` has columns `email,first_name`.

    ## How to fix
    Add the column to the samples, or correct the variable's name in the template.
    """
    missing = {v.name for v in missing_from_samples(ctx.campaign)}
    uses = [
        v
        for v in ctx.campaign.variables
        # (after a block never closed a name may be the block's own, a loop's item: PER004)
        if v.name in missing and not v.system and v.unsure is None
    ]
    for name, its_uses in _by_name(uses).items():
        yield Problem(
            t("no sample recipient has “{name}”", name=name), locations=_places(ctx, its_uses)
        )


@rule(
    "PER006",
    "fallback-misses-empty",
    Severity.WARNING,
    short="the fallback does not cover empty values",
)
def fallback_misses_empty(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a fallback that fires only for a missing variable, not for an empty one: Jinja
    `default('x')` without `true` renders `""` as `""` and `None` as "None". The blanking
    probe renders the campaign again with the variable empty (and None) and quotes what the
    recipient would read: `with first_name = "" the text reads “Привет, !”`. One finding per
    variable, at every place it is used; when a real sample recipient gets the broken text,
    PER002 reports it instead (an error: it is certain).

    ## Why it matters
    CRM exports usually hold empty strings, not missing keys: the fallback never fires and the
    greeting breaks anyway.

    ## Example
    `{{ first_name | default('друг') }}`

    ## How to fix
    Write `{{ first_name | default('друг', true) }}` or `{{ first_name or 'друг' }}`.
    """
    variables = ctx.campaign.variables
    probe = _probe(ctx)
    unsafe = _unsafe(ctx, probe)
    received = {(part, shape(snippet)) for part, snippet in _received(ctx)}
    weak = _by_name(
        [v for v in variables if v.has_fallback and not v.fallback_covers_empty and not v.system]
    )
    # an event's field (1C-Bitrix's #USER_NAME#) has no fallback to miss: PER001 warns of it
    events = {v.name for v in variables if v.event}
    for name in [*weak, *(n for n in probe if n not in weak)]:
        breaks = probe.get(name, [])
        if name in unsafe or name in events:
            continue  # PER001 reports it
        if any((b.part, shape(b.snippet)) in received for b in breaks):
            continue  # PER002 where a sample recipient receives it
        if name in weak:
            uses = weak[name]
            message = t("the fallback of “{name}” does not cover empty values", name=name)
        else:
            uses = [v for v in variables if v.name == name and not v.system]
            message = t("the fallback or guard of “{name}” does not keep the text whole", name=name)
        if breaks:
            message = t(
                "{message}: {evidence}", message=message, evidence=_telling(breaks).describe()
            )
        fallback = next((v.fallback for v in uses if v.fallback), None)
        if ctx.campaign.dialect == "jinja" and name in weak and fallback is not None:
            fix = f"default({fallback!r}, true)"
            message = t("{message} — use {fix}", message=message, fix=fix)
        yield Problem(message, locations=_places(ctx, uses))


@rule(
    "PER007",
    "template-language-not-understood",
    Severity.WARNING,
    short="template language not understood: personalisation not checked",
)
def template_language_not_understood(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Says when mailcheck could not tell which template language a campaign is written in: tags
    of several dialects with none clearly the one, or only generic `{{ … }}` tags that no
    known engine reads. Its personalisation is then not checked at all. A template in a
    language mailcheck does not read (AMPscript, FreeMarker, Razor …) is reported at the line
    of its first tag. A Razor "@Model.Works" alone in the copy may be a handle, and an
    address's "@" ("team@Model.Works") is one: Razor is read from a code construct
    (`@if (…)`, `@Html.`), a "@Model." in an address or value attribute
    (`href="@Model.UnsubscribeUrl"`, `src`, `action`, `value`; not `alt` or `title`, text as
    the copy is) or two members (`@Model.FirstName`, `@Model.Bonus`).

    A `${…}` inside a code element (`<code>`, `<pre>` …) is code shown to the reader and makes
    no template; but a code element whose whole text is one `${name}` (`<code>${promocode}</code>`)
    is most likely a merge tag: where no dialect read fills it, it is reported as not verified.

    In a template it reads, a block whose test or helper it cannot read — Mindbox's
    `@{ if Recipient.Age > 18 }`, an ESP's own Handlebars helper `{{#minInList items "price"}}`
    — is reported on its own line: which branch a recipient gets is not known, so what the
    block prints is not verified (its names are not reported as unguarded, PER001, nor is a
    guessed branch reported as broken text, PER002). DashaMail's dynamic content
    (`{{if city == "Москва"}}…{{endif}}`, a value it prints, `{{ name }}`) is read so: each
    of its tags is reported at its line, and the `%NAME%` fields beside it are checked as
    always. What follows such a block is checked as what precedes it.

    Where the language is recognised but one construct of it keeps the whole template from
    being read — a template file it pulls in (`{% extends "base.html" %}`), DashaMail blocks
    mailcheck cannot pair (an `{{if}}` never closed) — the finding says "not understood:" and
    that construct, at its line, and personalisation is not checked.

    ## Why it matters
    A gate that cannot read a template must say so: silence would pass "Привет, !" unseen,
    and a guess would report another language's syntax as errors.

    ## Example
    A template mixing Mailchimp `*|FNAME|*` and Sendsay `[% anketa.base.firstName %]` tags.

    ## How to fix
    When the language is not understood: set `template = "<dialect>"` or `esp = "<platform>"`
    in campaign.toml or the configuration (`mailcheck dialects` lists them and shows what was
    detected), or add your ESP's language as a dialect plugin.

    When one block is not understood in a language mailcheck reads (the finding names the
    block's test), naming the language changes nothing: check what the block prints for each
    kind of recipient in a test send, then acknowledge it with
    `<!-- mailcheck: ignore PER007 -->` right before the element that holds the block.
    """
    unclear = ctx.campaign.dialect_unclear
    if unclear:
        if ctx.campaign.construct_unread:
            # the language is recognised: one construct of it is what is not read
            message = t("not understood: {why} — personalisation not checked", why=unclear)
        else:
            message = t(
                "template language not understood: personalisation not checked ({why})",
                why=unclear,
            )
        yield Problem(
            message,
            location=_part_at(ctx, *at) if (at := ctx.campaign.dialect_unclear_at) else "template",
            unverified=True,
        )
        return
    for part, line, tag in ctx.campaign.unread_blocks:
        said = t(
            "{tag} not understood: what this block prints is not verified", tag=_shown_tag(tag)
        )
        if ctx.campaign.dialect_declared:
            # the language is the one named: naming it again changes nothing, this block
            # stays unread
            advice = t(
                "check what it prints in a test send; once checked, "
                "<!-- mailcheck: ignore PER007 --> before its element acknowledges it"
            )
        else:
            advice = t(
                "{dialect} was detected from the tags: if that is not the language, set "
                'template = "<dialect>" or esp = "<platform>"; else check what this block prints '
                "in a test send, and <!-- mailcheck: ignore PER007 --> before its element "
                "acknowledges it",
                dialect=ctx.campaign.dialect,
            )
        yield Problem(
            t("{message} — {advice}", message=said, advice=advice),
            location=_part_at(ctx, part, line),
            unverified=True,
        )
    lone = ctx.campaign.unfilled_code_tags
    if lone:  # one cause: no dialect read here fills "${…}"
        places = tuple(dict.fromkeys(_part_at(ctx, "html", line) for line, _, _ in lone))
        yield Problem(
            t(
                "{tags}: the whole text of a code element, but no template language read here "
                "fills it — a merge tag or code shown as written? What recipients see there "
                "is not verified",
                tags=", ".join(dict.fromkeys(f"<{el}>{tag}</{el}>" for _, el, tag in lone)),
            ),
            location=places[0],
            locations=places,
            unverified=True,
        )


def _shown_tag(tag: str) -> str:
    """A tag as written, on one line and at most 80 characters."""
    flat = " ".join(tag.split())
    return flat if len(flat) <= 80 else flat[:79] + "…"


@rule(
    "PER009",
    "template-part-not-read",
    Severity.WARNING,
    short="the template pulls in partials mailcheck does not read: what they hold is not checked",
)
def template_part_not_read(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Says when a template pulls in other template files that mailcheck does not have — Liquid's
    `{% render "footer" %}` and `{% include %}`, Handlebars' `{{> footer}}` — and lists them.
    The finding is placed at each tag that pulls one in. The ESP or the agency's build supplies
    them when the e-mail is assembled; mailcheck renders them empty. What must be somewhere in
    the e-mail but is not found in the rest (the unsubscribe link, the brief's text and links)
    is then not an error: this finding lists those checks as not verified. A partial the
    campaign's directory has (`footer.liquid`, `footer.hbs`, or in `partials/`, `snippets/` …)
    is read and checked with the template instead.

    ## Why it matters
    A footer partial usually holds the unsubscribe link and the legal text. Calling them
    missing would be a false alarm on every campaign of a template repository built from
    partials; saying nothing would pass the partial's content unchecked.

    ## Example
    `<tbody>{% render "content", blocks: body_blocks %}</tbody>` in a Keila layout, or
    `{{> footer}}` at the end of a Handlebars template.

    ## How to fix
    Check the HTML the build (or the ESP's test send) makes from the template and its
    partials — an `.html` or `.eml` mailcheck reads whole. Ignore PER009 for layouts whose
    partials are checked that way.
    """
    campaign = ctx.campaign
    if campaign.outside_parts and not campaign.dialect_unclear:  # else PER007 says so
        parts = quoted_names(campaign.outside_parts)
        if len(campaign.outside_parts) == 1:
            message = t(
                "the template pulls in the partial {files}, a template file mailcheck was not "
                "given (the ESP or the build inserts it when the e-mail is assembled): what it "
                "holds is not checked — check the assembled e-mail (a test send's .eml, or the "
                "built .html) instead",
                files=parts,
            )
        else:
            message = t(
                "the template pulls in the partials {files}, template files mailcheck was not "
                "given (the ESP or the build inserts them when the e-mail is assembled): what "
                "they hold is not checked — check the assembled e-mail (a test send's .eml, or "
                "the built .html) instead",
                files=parts,
            )
        places = tuple(dict.fromkeys(_part_at(ctx, *at) for at in campaign.outside_parts_at))
        yield Problem(
            message,
            location=places[0] if places else "template",
            locations=places,
            unverified=True,
        )


@rule(
    "PER008",
    "render-over-budget",
    Severity.ERROR,
    short="template rendering over its budget (time, output, loops, depth)",
)
def render_over_budget(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a template whose rendering went over its budget. One render may take 2 s
    (`[limits] render-seconds`), build 5 MB (`render-bytes`), loop 100,000 times
    (`loop-iterations`) and nest calls 64 deep (`recursion-depth`); all renders of a campaign
    together take at most `campaign-render-seconds`. Rendering stops there; what was not
    rendered is not checked.

    ## Why it matters
    An ESP renders the template once per recipient: one that builds megabytes or loops
    millions of times is cut off by the ESP, clipped by the mailbox, or never sent. It is
    also how a hostile template would stall the CI job that checks it.

    ## Example
    `{% for i in range(100000) %}{% for j in range(100000) %}…` or a macro that calls itself
    twice per call; in Liquid, `{% assign s = s | append: s %}` in a loop.

    ## How to fix
    Bound the loops and the recursion, build less text. If a real campaign needs more, raise
    the limit under `[tool.mailcheck.limits]` (a campaign.toml cannot raise its own).
    """
    if ctx.campaign.over_budget:
        yield Problem(
            t("the template went over its render budget: {why}", why=ctx.campaign.over_budget),
            location="template",
        )
