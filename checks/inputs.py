"""INP: inputs that cannot be read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from mailcheck.i18n import t
from mailcheck.model import Campaign, Severity
from mailcheck.rules import Context, Problem, rule


def input_name(campaign: Campaign) -> str:
    """The input as every other finding names a file: by its name within what was checked
    ("campaign.toml", "test-send.eml", "basic.html"), not by the path the batch found it at
    (a campaign's ``source`` says that once, beside its findings)."""
    return campaign.file_name or PurePath(campaign.source).name or campaign.source


@rule(
    "INP001", "input-unreadable", Severity.ERROR, short="input cannot be read or parsed (says why)"
)
def input_unreadable(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an input that cannot be read or parsed, and says why: binary garbage, broken
    MIME, invalid TOML, a missing HTML file, an undecodable charset, a test send saved cut off
    (its HTML stops inside a tag, or before `</body></html>` with the multipart's closing
    boundary missing: what was cut, the footer's unsubscribe link, is not judged missing).
    The plain-text part kept beside an HTML file under its stem (`content.txt` beside
    `content.html`) that cannot be read (binary, or UTF-16 without its byte-order mark) is a
    finding of its own at that file: the HTML is checked all the same.

    ## Why it matters
    A campaign that cannot be read cannot be checked, and a launch gate must not pass what it
    could not look at. The other inputs of the batch are still checked.

    ## Example
    A `campaign.toml` that names `html = "email.html"` when the directory has no such file.

    ## How to fix
    Fix the file as the message says: save it as UTF-8 or a declared charset, fix the TOML
    syntax, or point `html =` at the right file.
    """
    if ctx.campaign.load_error:
        yield Problem(ctx.campaign.load_error, location=input_name(ctx.campaign))
    for name, reason in ctx.campaign.files_unread:  # the rest of the campaign was checked
        yield Problem(reason, location=name)


@rule(
    "INP002",
    "input-not-read",
    Severity.WARNING,
    short="a file or a test send's part that is not checked (Outlook .msg/.oft, mbox, report, AMP)",
)
def input_not_read(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Says which mail files found below a checked directory mailcheck does not read: Outlook
    `.msg` messages, Outlook `.oft` templates and mbox mailboxes of several messages, whatever
    the file's name (`.mbox`, Apple Mail's exported `Name.mbox/mbox`, a Thunderbird folder, one
    saved as `.eml`, an Outlook message saved without its `.msg`). Named on the command line,
    such a file is INP001. An HTML report mailcheck wrote (`mailcheck report` writes to the
    working directory) is no campaign either: found by a walk it is this warning, named on the
    command line it is checked. MJML source (`<mjml>…<mj-body>`, often saved as `.html`) is
    not e-mail HTML: its `<mj-button href>` is no link to an HTML reader, so it is said to be
    unread rather than passed with nothing of it checked (INP001 when named on the command
    line or as a campaign's `html`). Inky source (Foundation for Emails, told by two of its
    own tags outside comments: `<container>`, `<row>`, `<columns>`, `<spacer>`, `<wrapper>` …)
    is said to be unread too: its `<button href>` and `<item href>` are no links either. So is
    a mail server's report kept beside the test sends (`multipart/report`: a bounce, a spam
    complaint, a read receipt), which is no campaign. In a test send that is read, it names
    the body parts that are not checked: an AMP for Email part (`text/x-amp-html`), which
    Gmail and Mail.ru show instead of the HTML part to readers whose mail client renders AMP.

    ## Why it matters
    A test send saved from Outlook looks checked when the run is green. It was not: the gate
    must say so rather than pass over it. The same holds for an AMP part: its links, its
    unsubscribe link and its personalisation are what many recipients see, and mailcheck
    checked the HTML part only.

    ## Example
    `campaigns/black-friday/test-send.msg` beside the campaign's `campaign.toml` directory.

    ## How to fix
    Save the test send as `.eml` (Outlook on the web and the new Outlook can; Outlook for Mac
    saves one when the message is dragged out), or keep the Outlook files outside the checked
    directories, or ignore INP002 there. Compile MJML (`mjml email.mjml -o email.html`) or Inky
    (`inky email.html dist/`, or the Foundation for Emails project's build) and check the HTML
    it makes. For an AMP part, check it by hand (Gmail's AMP playground, a test send to a
    Gmail and a Mail.ru mailbox), then ignore INP002 for that campaign.
    """
    if ctx.campaign.not_read:
        yield Problem(ctx.campaign.not_read, location=input_name(ctx.campaign), unverified=True)
    if "text/x-amp-html" in ctx.campaign.parts_not_read:
        yield Problem(
            t(
                "the AMP for Email part (text/x-amp-html) is not checked: Gmail and Mail.ru show "
                "it instead of the HTML part to many recipients; its links, unsubscribe link "
                "and personalisation were not verified"
            ),
            location="text/x-amp-html part",
            unverified=True,
        )
