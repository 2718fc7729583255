"""HDR: a saved message's header block as mailbox providers read it (RFC 5322 §3.6)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from mailcheck.i18n import Joined, Message, t
from mailcheck.model import Campaign, Severity
from mailcheck.rules import Context, Problem, rule
from mailcheck.text import quoted

# RFC 5322 §3.6's fields that a message carries at most once, as they are usually written.
# Gmail refuses a message with two of any of them ("not RFC 5322 compliant: duplicate headers",
# "Multiple 'From' headers found"); Resent-* blocks and trace fields may repeat.
ONCE_ONLY = {
    name.lower(): name
    for name in (
        "From",
        "Sender",
        "Reply-To",
        "To",
        "Cc",
        "Bcc",
        "Subject",
        "Date",
        "Message-ID",
        "In-Reply-To",
        "References",
    )
}


def _saved_message(ctx: Context) -> bool:
    """Whether the campaign is a saved message, whose headers and parts are as sent."""
    return ctx.campaign.kind == "eml"


@rule(
    "HDR001",
    "message-headers-invalid",
    Severity.ERROR,
    short="a saved message without a From address, or with a once-only header twice "
    "(Gmail rejects it)",
    applies=_saved_message,
)
def message_headers_invalid(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a saved test send (`.eml`) whose header block Gmail refuses: no `From` address,
    or a header RFC 5322 allows once written twice. The once-only headers are From, Sender,
    Reply-To, To, Cc, Bcc, Subject, Date, Message-ID, In-Reply-To and References; one finding
    lists every problem with its lines. A missing From counts only in a message that was sent
    (it has a `Received` header): an export that never left the ESP gets its From on sending;
    a field whose name misspells From (`Fro :`, `Form:`) is named as the one that is not.
    A field written with white space before its colon (`From  :`, RFC 5322's obsolete syntax)
    gets a warning of its own: RFC 5322 tells receivers to read it as a field, and Postfix
    does, but other programs (Python's email package) do not, and what Gmail does is not
    known; a duplicate only such a field makes is named in that warning, not as an error
    (two ordinary fields of one name after it are an error still), and so is such a field
    whose name misspells a once-only header the message lacks (`Fro :` and no `From`).

    ## Why it matters
    Gmail rejects such a message outright ("550 5.7.1 … this message is not RFC 5322
    compliant: duplicate headers", "'From' header is missing"), whatever the sender's
    reputation; other providers score it as spam. Which of two `Subject` headers a client
    shows is anyone's guess.

    ## Example
    An ESP's "custom headers" field that repeats the subject:
    ```
    Subject: =?utf-8?B?0KHQutC40LTQutC4?=
    Message-ID: <bf-2026@esp.example>
    Subject: Black Friday
    ```

    ## How to fix
    Remove the duplicate from the ESP's custom headers or the sending script (the ESP writes
    From, Subject, Date and Message-ID itself); give the message one `From` with an address.
    """
    campaign = ctx.campaign
    if campaign.kind != "eml" or not campaign.header_lines:
        return
    lines = campaign.header_lines
    problems: list[Message] = []
    places: list[str] = []
    # A message that was never sent (an ESP's or a builder's export: no Received header) gets
    # its From from the ESP when it is sent; one that was sent went out with the From it has.
    sent = campaign.travelled
    # a field whose name misspells From ("Fro :", "Form:") is no From: said with it, at its line
    slip = next(
        (n for name, ns in lines.items() for n in ns if _misspelt(name, lines) == "From"), 0
    )
    if sent and "from" not in lines and slip:
        written = dict(campaign.spaced_fields).get(slip) or _name_written(campaign, slip)
        problems.append(
            t("no From header: line {number}'s “{name}” is not one", number=slip, name=written)
        )
        places.append(f"headers:{slip}")
    elif sent and "from" not in lines:
        problems.append(t("no From header"))
        places.append("headers")
    elif sent and not _has_address(campaign.from_addr or ""):
        shown = quoted(campaign.from_addr or "")
        problems.append(t("the From header has no address: “{value}”", value=shown))
        places.append(f"headers:{lines['from'][0]}")
    spaced = dict(campaign.spaced_fields)
    # a duplicate that a field written "Name :" makes ("From  :" and "From:") is certain only
    # to a receiver that reads it as a field, which not every one does (Python's email package
    # drops "From  :"). Two ordinary fields of one name are the file's defect whatever comes
    # before them: RFC 5322 has receivers read them both, and one that takes the body from an
    # earlier "Name :" loses them and the rest of the header with them (stalwart's
    # malformed/019: Subject, Date and Message-ID written twice after "Fro :")
    doubtful: list[Message] = []
    doubtful_places: list[str] = [f"headers:{line}" for line in spaced]
    for key, name in ONCE_ONLY.items():
        found = lines.get(key, [])
        if len(found) > 1 and len([n for n in found if n not in spaced]) > 1:
            problems.append(t("{count} {name} headers", count=len(found), name=name))
            places.extend(f"headers:{line}" for line in found)
        elif len(found) > 1:
            doubtful.append(t("{count} {name} headers", count=len(found), name=name))
            doubtful_places.extend(f"headers:{line}" for line in found)
    if problems:
        places = list(dict.fromkeys(places))
        yield Problem(
            t("Gmail rejects this message: {problems}", problems=Joined("; ", problems)),
            places[0],
            locations=tuple(places) if len(places) > 1 else (),
        )
    if spaced:
        problem = _spaced_fields(spaced, doubtful, list(dict.fromkeys(doubtful_places)))
        # (a message that was sent says a misspelt From in its error)
        unsaid = {n: w for n, w in spaced.items() if not (sent and n == slip)}
        yield _with_misspelt(problem, unsaid, lines)


def _name_written(campaign: Campaign, number: int) -> str:
    """The field name and colon on line ``number`` of the saved message, as written ("Form:")."""
    line = (campaign.raw_message or b"").splitlines()[number - 1 : number] or [b""]
    return line[0].partition(b":")[0].decode("ascii", "replace") + ":"


def _with_misspelt(
    problem: Problem, spaced: dict[int, str], lines: dict[str, list[int]]
) -> Problem:
    """``problem`` also saying which of the fields written "Name :" is a once-only header
    misspelt that the message lacks ("Fro :" and no From): deleting the white space would
    leave it no such header, which the advice alone does not say."""
    message = problem.message
    for number, written in spaced.items():
        meant = _misspelt(written, lines)
        if meant:
            message = t(
                "{message}. Line {number}'s “{name}” is no {field} header, and the message has "
                "no other: write “{field}:”",
                message=message,
                number=number,
                name=written,
                field=meant,
            )
    return replace(problem, message=message)


def _misspelt(name: str, lines: dict[str, list[int]]) -> str | None:
    """The once-only header ``name`` is one slip of the keyboard from (a letter left out,
    added, changed or two swapped: "Fro", "Form", "Subjetc"), when the message has none of
    it; None for a name that is a header of its own or like none."""
    name = name.rstrip(" \t:").lower()
    if name in ONCE_ONLY or len(name) < 3:
        return None
    for key, meant in ONCE_ONLY.items():
        if key not in lines and _one_slip(name, key):
            return meant
    return None


def _one_slip(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` (not equal) differ by one letter left out, added or changed,
    or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1:
        return False
    start = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    if len(a) == len(b):
        swapped = a[start : start + 2][::-1] == b[start : start + 2]
        return a[start + 1 :] == b[start + 1 :] or (swapped and a[start + 2 :] == b[start + 2 :])
    shorter, longer = sorted((a, b), key=len)
    return shorter[start:] == longer[start + 1 :]


def _spaced_fields(spaced: dict[int, str], doubtful: list[Message], places: list[str]) -> Problem:
    """The warning for header fields written with white space before the colon: RFC 5322 has
    receivers read them as fields, and Postfix does; Python's email package (and, by report,
    Cyrus IMAP and mpack) does not. Which Gmail does is not known: what depends on it is not
    certain."""
    written = Joined(
        ", ",
        [t("line {number} (“{name}”)", number=n, name=name) for n, name in spaced.items()],
    )
    if doubtful:
        message = t(
            "header fields written with white space before the colon, RFC 5322's obsolete "
            "syntax: {written}. Read as fields, as RFC 5322 tells receivers to (Postfix does), "
            "the header has {duplicates}, which Gmail rejects; other programs (Python's email "
            "package) do not read them as fields, and what Gmail does could not be verified. "
            "Delete the white space, or the field",
            written=written,
            duplicates=Joined("; ", doubtful),
        )
    else:
        message = t(
            "header fields written with white space before the colon, RFC 5322's obsolete "
            "syntax: {written}. RFC 5322 tells receivers to read them as fields (Postfix "
            "does); other programs (Python's email package) take the body from there, and the "
            "fields after it with it; what Gmail does could not be verified. Delete the white "
            "space",
            written=written,
        )
    return Problem(
        message,
        places[0],
        severity=Severity.WARNING,
        locations=tuple(places) if len(places) > 1 else (),
        lines_said=not doubtful,  # the duplicates' lines are not in the message
    )


def _has_address(sender: str) -> bool:
    from email.utils import getaddresses  # here: a batch of HTML files never loads email

    return any("@" in address for _, address in getaddresses([sender]))


@rule(
    "HDR002",
    "sender-unknown",
    Severity.WARNING,
    network=True,
    short="no sender domain (no from, or one the ESP fills in): SPF, DKIM, DMARC not checked",
)
def sender_unknown(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Says that SPF, DKIM and DMARC were not checked because a campaign directory names no
    sender domain. Its `campaign.toml` has no `from`, or its `from` is written with merge tags
    (`news@{{ domain }}`) that only the ESP fills in.

    ## Why it matters
    The sender domain's authentication decides whether Gmail and Yahoo deliver the campaign
    at all. A check that was not made must not look like a check that passed.

    ## Example
    ```toml
    subject = "Скидки до 70%"
    html = "email.html"
    ```

    ## How to fix
    Write the address the ESP sends from: `from = "ACME <news@acme.example>"`.
    """
    campaign = ctx.campaign
    if campaign.kind != "toml" or campaign.from_domain:
        return
    if campaign.from_addr:
        message = t(
            "the From address is filled in when sending (“{value}”): SPF, DKIM and DMARC of "
            "the sender domain were not checked",
            value=quoted(campaign.from_addr),
        )
    else:
        message = t(
            "campaign.toml has no from: SPF, DKIM and DMARC of the sender domain were not checked"
        )
    yield Problem(message, location="From", unverified=True)


@rule(
    "HDR003",
    "transfer-encoding-mislabelled",
    Severity.ERROR,
    short='a body part in quoted-printable labelled 7bit/8bit: clients show "=3D" as written',
    applies=_saved_message,
)
def transfer_encoding_mislabelled(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a saved test send (`.eml`) whose HTML or plain-text part is written in
    quoted-printable (`href=3D"…"`, lines ending in a soft break `=`) while its
    `Content-Transfer-Encoding` says `7bit` or `8bit`, or the part has none (which means
    7bit). The other rules read the part as it was meant, so its links and text are checked
    as usual (their lines are those of the part as written); this one finding names the cause.
    A text part whose codes are all in HTML source pasted into it (a message's source copied
    as it is) is BRF003's: one finding for the pasted HTML, whatever its label.

    ## Why it matters
    Mail clients believe the label and do not decode the part: every recipient sees `=3D`
    before each attribute, `=` at the end of lines and `=D0=9F` in place of letters. Links
    and images written `href=3D"…"` lead nowhere. The ESP's preview decodes it and looks
    right.

    ## Example
    ```
    Content-Type: text/html; charset="utf-8"
    Content-Transfer-Encoding: 7bit

    <a href=3D"https://shop.example/sale">Sale</a>=
    ```

    ## How to fix
    Label the part `Content-Transfer-Encoding: quoted-printable`, or send the HTML as it is
    without encoding it. It is usually a sending script that encodes the body itself and lets
    its mail library write the headers.
    """
    for part, label in ctx.campaign.mislabelled_parts:
        if part == ctx.campaign.text_label and ctx.html_pasted_encoded:
            continue  # HTML source pasted encoded: BRF003's one finding says both
        if label:
            message = t(
                "the {part} is written in quoted-printable (“=3D”, “=” at line ends) but its "
                "Content-Transfer-Encoding says {label}: mail clients show the codes as written",
                part=t(part),
                label=label,
            )
        else:
            message = t(
                "the {part} is written in quoted-printable (“=3D”, “=” at line ends) but has no "
                "Content-Transfer-Encoding, which means 7bit: mail clients show the codes as "
                "written",
                part=t(part),
            )
        yield Problem(message, location=part)


@rule(
    "HDR004",
    "plain-text-preferred",
    Severity.ERROR,
    short="multipart/alternative puts text/plain after the HTML: many clients show the text",
    applies=_saved_message,
)
def plain_text_preferred(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a saved test send (`.eml`) whose `multipart/alternative` lists the plain-text
    part after the HTML part.

    ## Why it matters
    The parts of a `multipart/alternative` go from the plainest to the richest: a mail client
    shows the last one it can display (RFC 2046, section 5.1.4). Apple Mail, iOS Mail and
    Thunderbird follow that order, so their readers get the plain text instead of the design;
    clients that always prefer HTML hide the mistake from whoever tests with them. Mail
    libraries that attached the parts this way were fixed after exactly that report (Mail.app
    and Thunderbird showing the text, Gmail too in some reports): a defect recipients see, so
    an error.

    ## Example
    ```
    Content-Type: multipart/alternative; boundary="b"

    --b
    Content-Type: text/html; charset="utf-8"
    …
    --b
    Content-Type: text/plain; charset="utf-8"
    …
    --b--
    ```

    ## How to fix
    Put the `text/plain` part first and the HTML part last. It is usually a sending script
    that attaches the parts itself; ESPs build the order right.
    """
    if ctx.campaign.text_preferred:
        yield Problem(
            t(
                "the text/plain part comes after the text/html part in multipart/alternative: "
                "clients that show the last alternative (Apple Mail, Thunderbird) show the "
                "plain text instead of the HTML"
            ),
            location="MIME parts",
        )
