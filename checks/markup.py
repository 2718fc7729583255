"""HTML: markup that hides the e-mail from its readers."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.i18n import t
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
    if unclosed.hidden and unclosed.links:
        what = t("“{text}” and {count} link(s) or image(s)", text=shown, count=unclosed.links)
    elif unclosed.hidden:
        what = t("“{text}”", text=shown)
    else:
        what = t("{count} link(s) or image(s)", count=unclosed.links)
    if unclosed.outlook:
        message = t(
            "the Outlook comment opened on line {line} (<!--[if …]>) is never closed with "
            "<![endif]-->: every mail client but Outlook hides what follows it: {what}",
            line=unclosed.line,
            what=what,
        )
    else:
        message = t(
            "the comment opened on line {line} is never closed with -->: mail clients hide "
            "what follows it: {what}",
            line=unclosed.line,
            what=what,
        )
    yield Problem(message, location=ctx.html_at(unclosed.line))
