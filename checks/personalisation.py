"""PER: personalisation that renders for every recipient."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.model import Severity, Variable
from mailcheck.rules import Context, Problem, rule
from mailcheck.templating import broken_text, leftover_tags, missing_from_samples


def _first_use(variables: list[Variable]) -> dict[str, Variable]:
    """One entry per variable name: the first place it is used."""
    first: dict[str, Variable] = {}
    for v in variables:
        first.setdefault(v.name, v)
    return first


def _where(ctx: Context, v: Variable) -> str:
    """The part a variable is used in; HTML uses point at the file and line."""
    return _part_at(ctx, v.where, v.line)


def _part_at(ctx: Context, part: str, line: int) -> str:
    """A place in a template part (subject, preheader, html, text, header:<Name>)."""
    if part == "html":
        return ctx.html_at(line)
    return f"{part}:{line}" if line and part == "text" else part


@rule("PER001", "variable-without-fallback", Severity.ERROR)
def variable_without_fallback(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a personalisation variable that has neither a fallback nor a guard, in any
    dialect: Jinja `default(…)`/`or`, Liquid `default:`, Handlebars `{{#if}}`, Mailchimp
    `*|IF:…|*`, Unisender `{{Name|…}}`. System variables the ESP always fills are exempt.

    ## Why it matters
    The first recipient without a first name gets "Привет, !" or "Hello ,". In a base of
    100,000 there is always one.

    ## Example
    `Привет, {{ first_name }}!`

    ## How to fix
    Give a fallback (`{{ first_name | default('друг', true) }}`) or wrap the greeting in a
    guard (`{% if first_name %}Привет, {{ first_name }}!{% else %}Привет!{% endif %}`).
    If the ESP always fills the variable, list it in `system-variables`.
    """
    unsafe = [v for v in ctx.campaign.variables if not (v.system or v.has_fallback or v.guarded)]
    for name, v in _first_use(unsafe).items():
        yield Problem(f"“{name}” has no fallback or guard", _where(ctx, v))


@rule("PER002", "rendered-text-broken", Severity.ERROR)
def rendered_text_broken(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Renders the campaign for each sample recipient, and again with each variable empty, and
    reports text that breaks: "Привет, !", "Здравствуйте, ,", "Hello ,", "Dear ,", or the
    words None, null, undefined, NaN, [object Object]. Only what a variable breaks is
    reported, not punctuation the copy has anyway.

    ## Why it matters
    This is what the recipient actually reads. A broken greeting in the first line looks like
    a mass mailing gone wrong, because it is.

    ## Example
    `Привет, {{ first_name | default('друг') }}!` with `first_name = ""`: Jinja's `default`
    fires only for undefined values, so the text reads "Привет, !".

    ## How to fix
    Use a fallback that covers empty values, or guard the whole phrase with a condition; fix
    sample data that holds "None" or blanks.
    """
    seen: set[str] = set()
    for r in ctx.campaign.renders:
        for message in r.blanked_breakage:
            # "with first_name empty the text reads “Hi ,”" and "with this recipient's values
            # the text reads “Hi ,”" are one defect: report the broken text once.
            what = message[message.find(" the ") :] if " the " in message else message
            if what not in seen:
                seen.add(what)
                yield Problem(message, location=r.label)
    main = ctx.main
    if ctx.campaign.dialect == "none" and main:
        # A test send or plain HTML is judged as it stands: nothing was rendered by us.
        parts = {"subject": main.subject, "preheader": main.preheader}
        parts["body"] = main.document.text if main.document else main.text
        for where, text in parts.items():
            for snippet in broken_text(text or ""):
                yield Problem(f"broken text: “{snippet}”", location=where)


@rule("PER003", "merge-tag-unrendered", Severity.ERROR)
def merge_tag_unrendered(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a raw merge tag of any dialect that survives into the rendered subject,
    preheader, text or links: `{{ x }}`, `{% … %}`, `*|FNAME|*`, `%%name%%`, `[% x %]`,
    `${ x }`, `%recipient.name%`, also percent-encoded (`%7B%7B`).

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
    seen: set[str] = set()
    scanned: set[tuple[str, str]] = set()  # samples often render the same text: scan it once
    for r in ctx.campaign.renders:
        parts = {"subject": r.subject or "", "preheader": r.preheader or ""}
        if r.document:
            parts["body"] = r.document.text
            parts["links"] = " ".join(link.href for link in r.document.links)
        if r.text:
            parts["text part"] = r.text
        for where, text in parts.items():
            if (where, text) in scanned:
                continue
            scanned.add((where, text))
            for tag in leftover_tags(text):
                key = f"{where}:{tag}"
                if key not in seen:
                    seen.add(key)
                    yield Problem(f"unrendered merge tag {tag} in the {where}", location=where)


@rule("PER004", "template-syntax-error", Severity.ERROR)
def template_syntax_error(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a template that its engine cannot parse: an unclosed `{% if %}`, a stray `}}`, an
    unbalanced `{{#each}}`. Links are then checked as written, without rendering.

    ## Why it matters
    The ESP either refuses to send or sends the raw template to every recipient.

    ## Example
    `{% if first_name %}Привет, {{ first_name }}!` without `{% endif %}`.

    ## How to fix
    Close the block or fix the tag at the line the message names.
    """
    campaign = ctx.campaign
    for where, message, line in campaign.template_errors:
        # an HTML location carries the line; in other parts the message says it
        said = f"line {line}: {message}" if line and where != "html" else message
        yield Problem(said, _part_at(ctx, where, line))
    if not campaign.template_errors and campaign.template_error:  # failed at run time
        line = campaign.template_error_line
        yield Problem(campaign.template_error, ctx.html_at(line) if line else "template")


@rule("PER005", "variable-not-in-samples", Severity.WARNING)
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
    for v in missing_from_samples(ctx.campaign):
        yield Problem(f"no sample recipient has “{v.name}”", _where(ctx, v))


@rule("PER006", "fallback-misses-empty", Severity.WARNING)
def fallback_misses_empty(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a fallback that fires only for a missing variable, not for an empty one: Jinja
    `default('x')` without `true` renders `""` as `""` and `None` as "None".

    ## Why it matters
    CRM exports usually hold empty strings, not missing keys: the fallback never fires and the
    greeting breaks anyway.

    ## Example
    `{{ first_name | default('друг') }}`

    ## How to fix
    Write `{{ first_name | default('друг', true) }}` or `{{ first_name or 'друг' }}`.
    """
    for v in ctx.campaign.variables:
        if v.has_fallback and not v.fallback_covers_empty and not v.system:
            yield Problem(f"the fallback of “{v.name}” does not cover empty values", _where(ctx, v))


@rule("PER007", "template-language-not-understood", Severity.WARNING)
def template_language_not_understood(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Says when mailcheck could not tell which template language a campaign is written in: tags
    of several dialects with none clearly the one, or only generic `{{ … }}` tags that no
    known engine reads. Its personalisation is then not checked at all.

    ## Why it matters
    A gate that cannot read a template must say so: silence would pass "Привет, !" unseen,
    and a guess would report another language's syntax as errors.

    ## Example
    A template mixing Mailchimp `*|FNAME|*` and Sendsay `[% anketa.base.firstName %]` tags.

    ## How to fix
    Set `template = "<dialect>"` or `esp = "<platform>"` in campaign.toml or the
    configuration (`mailcheck dialects` lists them and shows what was detected), or add your
    ESP's language as a dialect plugin.
    """
    unclear = ctx.campaign.dialect_unclear
    if unclear:
        yield Problem(
            f"template language not understood: personalisation not checked ({unclear})",
            location="template",
        )
