"""HTML: markup that hides the e-mail from its readers."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.i18n import N_, Joined, Message, t, tn
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule
from mailcheck.text import quoted


@rule(
    "HTML001",
    "comment-unclosed",
    Severity.ERROR,
    short="an HTML comment never closed hides what follows (an Outlook one: from all but Outlook)",
)
def comment_unclosed(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an HTML comment that is opened (`<!--`) and never closed (`-->`) while text, links
    or images follow it. An Outlook conditional comment (`<!--[if mso]>`) left without its
    `<![endif]-->` is one too. The comment's own words before any markup ("<!-- end of
    footer") are not counted: a comment left open at the very end hides nothing.

    ## Why it matters
    HTML reads an unclosed comment to the end of the document: everything after it, the
    call to action and the unsubscribe link included, is hidden from every reader, or from
    every reader but those on Outlook, which shows a conditional comment's content. The
    preview in an editor that repairs the markup looks right.

    ## Example
    ```html
    <!--[if mso]><table><tr><td width="600"><![endif]-->
    <p>Скидки до 50%</p>
    <!--[if mso]></td></tr></table>
    <p><a href="https://shop.example/unsubscribe">Отписаться</a></p>
    ```

    ## How to fix
    Close the comment where it was meant to end: `<![endif]-->` after an Outlook-only block,
    `-->` after an ordinary comment.
    """
    unclosed = ctx.unclosed_comment
    if unclosed is None:
        return
    shown = quoted(unclosed.hidden, 80)
    [opened] = ctx.lines_in_file([unclosed.line])  # (a partial's: that file's line)
    if unclosed.hidden and unclosed.links:
        what = tn(
            "“{text}” and {count} link or image",
            "“{text}” and {count} links or images",
            unclosed.links,
            text=shown,
            count=unclosed.links,
        )
    elif unclosed.hidden:
        what = t("“{text}”", text=shown)
    else:
        what = tn(
            "{count} link or image", "{count} links or images", unclosed.links, count=unclosed.links
        )
    if unclosed.outlook:
        message = t(
            "the Outlook comment opened on line {line} (<!--[if …]>) is never closed with "
            "<![endif]-->: every mail client but Outlook hides what follows it: {what}",
            line=opened,
            what=what,
        )
    else:
        message = t(
            "the comment opened on line {line} is never closed with -->: mail clients hide "
            "what follows it: {what}",
            line=opened,
            what=what,
        )
    yield Problem(message, location=ctx.html_at(unclosed.line))


# What each kind of element HTML002 lists does to the e-mail, by kind (the tag otherwise)
def _removed(kind: str, n: int, said: str) -> Message:
    """What ``n`` elements of ``kind`` at the lines ``said`` do to the e-mail."""
    if kind == "script":
        return tn(
            "{n} script (line {lines}): no mail client runs it, and spam filters count it "
            "against the e-mail",
            "{n} scripts (line {lines}): no mail client runs them, and spam filters count them "
            "against the e-mail",
            n,
            n=n,
            lines=said,
        )
    if kind == "stylesheet":
        return tn(
            "{n} linked stylesheet (line {lines}): Gmail and Outlook drop it and every style "
            "it holds",
            "{n} linked stylesheets (line {lines}): Gmail and Outlook drop them and every style "
            "they hold",
            n,
            n=n,
            lines=said,
        )
    return t(_REMOVED_ELEMENT, n=n, tag=kind, lines=said)


_REMOVED_ELEMENT = N_(
    "{n} <{tag}> (line {lines}): Gmail, Outlook and Yahoo Mail show nothing in its place"
)


@rule(
    "HTML002",
    "element-stripped",
    Severity.WARNING,
    short="scripts, external stylesheets, iframes, objects, embeds: mail clients remove them",
)
def element_stripped(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports the elements of the e-mail's HTML that mail clients remove before they show it,
    as one finding that lists each kind with its lines: scripts (`<script>`, inline or with
    `src`), stylesheets loaded from a URL (`<link rel="stylesheet" href="…">`), and
    `<iframe>`, `<object>` and `<embed>`. A web-font service's stylesheet (Google Fonts,
    Adobe Fonts …) is not reported: a client that drops it shows the next font the
    `font-family` lists, as the template means it to. Nor is a script that holds data
    (`type="application/ld+json"`, Gmail's schema.org markup), nor an empty one: no `src`,
    and only blanks and comments (`<script><!-- --></script>`, `// …`, `/* … */`). Forms
    are not reported: several clients show and submit them.

    ## Why it matters
    No mail client runs a script: Gmail, Outlook, Yahoo Mail, Mail.ru and Yandex Mail remove
    it, and spam filters count a script in an e-mail against it. Gmail and Outlook drop a
    linked stylesheet, so every style it holds is lost and the layout shows unstyled to
    those recipients. Gmail, Outlook and Yahoo Mail do not show an iframe, an object or an
    embed: what it holds (a video, a map, a form) is a blank space. A page exported as an
    e-mail (a web version, a builder's preview) usually brings them along.

    ## Example
    ```html
    <link href="https://cdn.shop.example/mail.css" rel="stylesheet">
    <script src="https://cdn.shop.example/jquery.js"></script>
    ```

    ## How to fix
    Remove the scripts. Put the stylesheet's rules in a `<style>` block or inline them
    (an ESP's or a build's CSS inliner). Replace an iframe or a video with an image that
    links to the page.
    """
    document = ctx.campaign.static or ctx.document
    # the template's as written, and its partials' (at their own files' lines)
    stripped = [
        *(document.stripped if document is not None else ()),
        *(e for partial in ctx.campaign.partial_documents for e in partial.stripped),
    ]
    if not stripped:
        return
    lines: dict[str, list[int]] = {}
    for element in stripped:
        lines.setdefault(element.kind, []).append(element.line)
    said = [_removed(kind, len(at), ctx.said_lines(at)) for kind, at in lines.items()]
    message = t("elements mail clients remove: {what}", what=Joined("; ", said))
    places = tuple(dict.fromkeys(ctx.html_at(e.line) for e in stripped))
    yield Problem(message, location=places[0], locations=places, lines_said=True)
