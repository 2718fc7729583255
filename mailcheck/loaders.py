"""Inputs → :class:`mailcheck.model.Campaign`: campaign.toml, saved messages, bare HTML.

:func:`load` never raises: whatever goes wrong becomes ``campaign.load_error`` (finding INP001)
with the reason in words, and the campaign keeps its id so the batch report can name it.

Choices worth knowing:

* A ``campaign.toml`` without ``text`` says nothing about a plain-text part (many ESPs generate
  one), so ``text_known`` stays False and TXT001 does not fire; ``text = "…"`` makes it known.
  A saved message always knows its parts. An HTML file (bare, or campaign.toml's without
  ``text``) with a ``.txt`` of its stem beside it (``content.html`` + ``content.txt``) takes
  it as its text part, read as ``text = "content.txt"`` would be (:func:`_pair_text`); one
  that cannot be read is an INP001 of its own (``files_unread``), the HTML checked still.
* ``template`` absent leaves ``dialect = "none"`` with ``dialect_explicit = False``: templating
  detects the dialect. Given (even ``"none"``), ``dialect_explicit`` is True.
* ``send_at`` without a UTC offset is read in this machine's local time zone.
* ``html`` absent: the only ``*.html``/``*.htm`` of the directory; among several, the one named
  ``email.html`` (or ``index.html``); otherwise an error asking to name it.
* HTML files are read in the encoding their byte-order mark names (UTF-8, UTF-16), else as
  UTF-8, else in the charset their ``<meta>`` declares,
  else as windows-1251 / KOI8-R / windows-1252, whichever reads as text
  (:func:`mailcheck.charsets.guess_8bit`).
* The HTML is parsed here once; the Document is ``campaign.static`` (the engine and templating
  reuse it) and gives the preheader when campaign.toml has none, and a bare file's subject.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import os
import re
import stat
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import regex

from mailcheck.charsets import (
    decode_bytes,
    guess_8bit,
    guess_told,
    html_label_misread,
    marked_text,
    meta_charset_at,
    not_utf8,
    replacement_written,
    unlabelled_charset,
    unseen_blanked,
    utf8_text,
)
from mailcheck.config import Config, ConfigError, LimitsConfig
from mailcheck.confined import FILE, MESSAGE, RefusedInput, read_file
from mailcheck.i18n import N_, Joined, Message, t
from mailcheck.model import Campaign, Document, SourceKind
from mailcheck.text import printable, quoted, stops_inside_tag
from mailcheck.textpart import text_document

# What a file is to the campaign, as messages name it ("html file 'x' not found")
_FILE_ROLES = {
    "html": N_("html file"),
    "text": N_("text file"),
    "samples": N_("samples file"),
    "message": MESSAGE,
}

MANIFEST = "campaign.toml"
"""The file that makes a directory one campaign. Discovery (:mod:`mailcheck.engine`, the pytest
plugin) imports it from here: this module loads lxml only when it parses an input."""
HTML_SUFFIXES = (".html", ".htm")
# A saved message: RFC 5322 (.eml), or Apple Mail's own file (.emlx: a byte count, the
# message, then a property list of flags).
MESSAGE_SUFFIXES = (".eml", ".emlx")
# Mail files mailcheck does not read, and what to do instead. Named on the command line, such
# a file is INP001; found below a directory, INP002 (a warning: a repository may keep them
# beside the campaigns), so that a test send saved this way is never passed over in silence.
NOT_READ = {
    ".msg": N_(
        "Outlook .msg files are not read: save the test send as .eml (Outlook on the web and "
        "the new Outlook can), or drag it from Outlook for Mac"
    ),
    ".oft": N_(
        "Outlook .oft templates are not read: check the HTML the template was made from, or a "
        "test send saved as .eml"
    ),
    ".mbox": N_("an mbox file of {count} messages is not read: save each test send as .eml"),
}

# campaign.toml keys (DESIGN §3) and the config keys a campaign may override (DESIGN §4).
CAMPAIGN_KEYS = frozenset(
    {
        "id",
        "client",
        "subject",
        "preheader",
        "from",
        "html",
        "text",
        "template",
        "samples",
        "send-at",
        "dkim-selectors",
        "utm",
        "headers",
        "expect",
    }
)
EXPECT_KEYS = ("text", "regex", "links", "forbid")
CONFIG_KEYS = frozenset(
    {
        "subject-max",
        "preheader-max",
        "required-utm",
        "tracked-domains",
        "system-variables",
        "esp",
        "profile",
        "select",
        "ignore",
        "severity",
        "links",
        "dns",
    }
)
# What of the config's tables a campaign.toml may set for itself: what rules judge per campaign.
PER_CAMPAIGN_TABLE_KEYS = {
    "links": frozenset({"exclude"}),
    "dns": frozenset({"dkim-selectors", "sending-ips"}),
}
# With several *.html beside campaign.toml and no `html` key, email.html (or index.html) is the
# campaign's; others are web versions, snippets, previews.
CONVENTIONAL_HTML_STEMS = ("email", "index")
_TOML_POSITION = re.compile(r"^(.*?)\s*\(at line (\d+), column (\d+)\)$")


_DIGITS = t("more than {n} digits", n=sys.get_int_max_str_digits())


class LoadError(Exception):
    """An input that cannot be read; the message is the reason shown to the user."""


def load(path: Path, shown: str, config: Config, root: Path | None = None) -> Campaign:
    """Read one input (campaign.toml, .eml, .html/.htm, or any file given explicitly).

    A file found below a directory the user named must stay inside ``root`` (the directory it
    was found in) once symlinks are resolved; a campaign.toml's files must stay inside its own
    directory (:mod:`mailcheck.confined`). ``root`` None: a file named on the command line.
    """
    kind = _kind_by_name(path)
    campaign = Campaign(id=_default_id(path), source=shown, kind=kind, client=config.client)
    campaign.source_files.append(("manifest" if path.name == MANIFEST else "file", str(path)))
    limits = config.limits
    try:
        suffix = path.suffix.lower()
        if path.name == MANIFEST:
            _load_manifest(campaign, path, config)
        elif suffix in NOT_READ:
            _load_other_mail(campaign, _read(path, root, limits.message_bytes), path.name, root)
        elif suffix == ".emlx":
            data = _not_empty(_read(path, root, limits.message_bytes, "message"), path.name)
            _load_message(campaign, _emlx_message(data), path.name, 1)
        elif suffix == ".eml":
            data = _not_empty(_read(path, root, limits.message_bytes, "message"), path.name)
            if not _unread_mailbox(campaign, data, root):
                _load_message(campaign, data, path.name)
        elif suffix in HTML_SUFFIXES:
            data = _read(path, root, limits.file_bytes)
            if root is not None and is_mailcheck_report(data):
                # `mailcheck report` writes to the working directory (the repository's root):
                # found by a walk (`check .`, `pytest --mailcheck`) it is no campaign
                campaign.not_read = t(
                    "'{name}' is a report mailcheck wrote, not a campaign", name=path.name
                )
            elif source := uncompiled_source(data, path.name):
                _not_read(campaign, source, root)  # named, it was meant to be checked: INP001
            else:
                _load_html(campaign, path.name, data)
                _pair_text(campaign, path, path.parent, root, limits.file_bytes)
        else:
            data = _not_empty(_read(path, root, limits.message_bytes), path.name)
            if outlook_message(io.BytesIO(data)):  # one saved without its .msg
                _not_read(campaign, t(NOT_READ[".msg"]), root)
            elif not _unread_mailbox(campaign, data, root):
                _load_sniffed(campaign, data, path.name)
    except LoadError as exc:
        campaign.load_error = exc.args[0]  # (a Message: said in the reader's language)
    except RecursionError:
        campaign.load_error = t("{name} is nested too deeply to read", name=path.name)
    except Exception as exc:  # a bug here must not cost the batch: report it as INP001
        campaign.load_error = t(
            "could not read {name}: {error} (please report)", name=path.name, error=repr(exc)
        )
    return campaign


def _kind_by_name(path: Path) -> SourceKind:
    if path.name == MANIFEST:
        return "toml"
    if path.suffix.lower() in HTML_SUFFIXES:
        return "html"
    return "eml"


def _default_id(path: Path) -> str:
    if path.name == MANIFEST:  # its directory's name ("." resolved; a link's own directory)
        directory = path.absolute().parent
        # resolving changes the last name only where it is "..", "" (the root) or a link: a
        # real directory's name is its own (one lstat, not a realpath of every component)
        if directory.name in ("", "..") or os.path.islink(directory):
            directory = directory.resolve()
        return printable(directory.name) or "campaign"
    return printable(path.stem or path.name)


def _not_empty(data: bytes, name: str, text: str | None = None) -> bytes:
    """``data``, unless the file holds nothing (0 bytes, or blank lines and spaces alone;
    ``text``: the bytes as decoded, when they were): then INP001. An empty email.html passed
    with "no preheader" warnings, an e-mail of nothing on its way out; an empty .eml was said
    to have "no header block", which names no cause."""
    if data and (text.strip() if text is not None else data.strip()):
        if text is None or not text.lstrip().startswith("<!--"):
            return data
        if _outside_comments(text.encode("utf-8", "surrogatepass")).strip():
            return data
        # a saved page's "<!-- saved from url=… -->" and nothing else: as empty to a reader
        raise LoadError(t("{name} is empty: it holds only comments and blank lines", name=name))
    if not data:
        raise LoadError(t("{name} is empty (0 bytes)", name=name))
    raise LoadError(t("{name} is empty: it holds only blank lines and spaces", name=name))


def _read(path: Path, root: Path | None, limit: int, what: str = "") -> bytes:
    """The file's bytes (:func:`mailcheck.confined.read_file`); ``what`` names its role in
    messages ("html file 'x' not found")."""
    label = t(_FILE_ROLES.get(what, FILE))
    try:
        return read_file(path, root=root, limit=limit, label=label)
    except RefusedInput as exc:
        raise LoadError(exc.args[0]) from None


# --- saved messages and bare HTML ------------------------------------------------------------


def _load_message(campaign: Campaign, data: bytes, name: str, before: int = 0) -> None:
    """Read a saved message (``data``) from the file ``name``, whose first ``before`` lines
    precede the message (an .emlx's byte count)."""
    # Here, not at the top: a batch of HTML files never loads the email package (~13 ms).
    from mailcheck.message import NotAMessage, parse_message

    campaign.kind = "eml"
    campaign.raw_message = data
    try:
        msg = parse_message(data)
    except NotAMessage as exc:
        raise LoadError(exc.args[0]) from None
    campaign.headers = msg.headers
    campaign.subject = msg.subject
    campaign.from_addr = msg.from_addr
    campaign.envelope_from = msg.envelope_from
    campaign.dkim_selectors = msg.dkim_selectors
    campaign.received_ips = msg.received_ips
    campaign.helo = msg.helo
    campaign.header_lines = msg.header_lines
    campaign.spaced_fields = msg.spaced_fields
    campaign.sent_on = _sent_on(msg.headers)
    campaign.text = msg.text
    campaign.text_known = True  # the message's structure says whether a text part exists
    campaign.html = msg.html
    campaign.html_bytes = msg.html_bytes
    campaign.html_sent_bytes = msg.html_sent_bytes
    campaign.replacement_written = msg.replacement_written
    campaign.content_ids = msg.content_ids
    campaign.mislabelled_parts = msg.mislabelled
    campaign.encoded_from = msg.encoded_from
    campaign.charset_misread = msg.misread
    campaign.charset_unlabelled = msg.unlabelled
    campaign.charset_label_unread = msg.label_unread
    campaign.header_not_utf8 = msg.header_not_utf8
    campaign.text_preferred = msg.text_preferred
    campaign.html_label = "text/html part"
    campaign.text_label = "text/plain part"
    campaign.file_name = printable(name)
    campaign.file_lines = {
        part: tuple(n + before for n in lines) for part, lines in msg.file_lines.items()
    }
    if msg.amp:
        campaign.parts_not_read.append("text/x-amp-html")
    if msg.html is not None:
        campaign.static = _parse_static(msg.html)
        campaign.preheader = campaign.static.preheader
    elif msg.text is not None:  # text alone: its URLs are the links a recipient clicks
        campaign.html_label = "text/plain part"
        campaign.static = text_document(msg.text)
    if msg.report_type is not None:
        # a mail server's or a mailbox provider's report kept beside the test sends (a bounce,
        # a complaint): no campaign, and judged as one it "lacks" an unsubscribe link
        kind = _REPORTS.get(msg.report_type, N_("a mail server's report (multipart/report)"))
        campaign.not_read = t("{kind}, not a campaign: not checked", kind=t(kind))
    elif _from_the_mail_system(msg.from_addr, msg.subject):
        # the same kept as plain text (Gmail's "Delivery Status Notification (Failure)"):
        # MAILER-DAEMON and postmaster send no campaigns
        kind = N_("a bounce (from the mail system: {sender})")
        sender = parseaddr(msg.from_addr or "")[1]
        campaign.not_read = t("{kind}, not a campaign: not checked", kind=t(kind, sender=sender))


def _from_the_mail_system(from_addr: str | None, subject: str | None) -> bool:
    """A bounce: from MAILER-DAEMON, or from postmaster about a delivery (a person may
    write from postmaster@ too)."""
    local = parseaddr(from_addr or "")[1].partition("@")[0].lower()
    if local == "postmaster":
        return bool(_DELIVERY_SUBJECT.search(subject or ""))
    return local == "mailer-daemon"


# "Undeliverable Mail", "Delivery Status Notification (Failure)", "Returned mail", «Сообщение
# не доставлено», «Недоставленное сообщение»
_DELIVERY_SUBJECT = re.compile(r"undeliver|deliver(?:y|ed)|returned|недостав|не доставлен", re.I)


# RFC 6522 report types (RFC 3464 delivery status, RFC 5965 feedback, RFC 8098 disposition)
_REPORTS = {
    "delivery-status": N_("a bounce (a delivery status report)"),
    "feedback-report": N_("a spam complaint (a feedback report)"),
    "disposition-notification": N_("a read receipt (a disposition notification)"),
}


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Outlook's .msg/.oft: an OLE compound file
# The "From " line that starts each message of an mbox: "From news@shop.ru Mon Dec  1 10:00:00
# 2026" (Thunderbird writes "From - Mon …"). The weekday tells it from a body line ("From our
# team") and from the obsolete header field "From  :" (SpamAssassin's spam/008).
_MBOX_FROM_LINE = re.compile(rb"^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ", re.M)


# The <meta name="generator"> of every HTML page mailcheck writes (reports/templates/base.html).
_MAILCHECK_GENERATOR = re.compile(rb"""<meta name="generator" content="mailcheck [^"<>]*">""")


def is_mailcheck_report(data: bytes) -> bool:
    """Whether an HTML file is a page mailcheck wrote (QA, domain or KPI report)."""
    return bool(_MAILCHECK_GENERATOR.search(data[:2048]))


# MJML (mjml.io): a markup that its compiler turns into the e-mail's HTML. Its <mj-button
# href>, <mj-image alt>, <mj-title> and <mj-preview> are no HTML links, images, title or
# preview text, so checked as HTML it would pass with nothing of it read.
_MJML = re.compile(rb"<mjml[\s>].*?<mj-body[\s>]", re.IGNORECASE | re.DOTALL)


# Inky (Foundation for Emails): HTML with tags of its own that its compiler turns into tables.
# Its <button href> and <menu><item href> are no links to an HTML reader, and a <style> before
# its <container> put the whole body into <head> (lxml), where no text is read: its Lorem
# ipsum passed. Its tags are none of HTML's (<spacer> was Netscape's alone): two of them tell
# it, outside comments (an HTML page about Inky shows them escaped, "&lt;row&gt;").
_INKY_TAG = re.compile(
    rb"<(container|row|columns|column|block-grid|callout|wrapper|spacer|h-line)[\s/>]",
    re.IGNORECASE,
)


def _outside_comments(data: bytes) -> bytes:
    """``data`` without its comments (Outlook's conditional HTML, ``<!--[if mso]>``, kept):
    found one by one, as a lazy pattern would have rescanned to the end from each unclosed
    ``<!--`` of a hostile file."""
    kept: list[bytes] = []
    at = 0
    while (start := data.find(b"<!--", at)) != -1:
        kept.append(data[at:start])
        end = data.find(b"-->", start + 4)
        if end == -1:
            return b"".join(kept)  # a comment to the end of the file
        if data.startswith(b"[if", start + 4):
            kept.append(data[start : end + 3])
        at = end + 3
    kept.append(data[at:])
    return b"".join(kept)


def uncompiled_source(data: bytes, name: str) -> Message | None:
    """Why an HTML file is not read when it is the source of an e-mail markup (MJML, Inky)
    that its compiler turns into the HTML sent, else None."""
    if _MJML.search(data[:65536]):
        return t(
            "'{name}' is MJML source, which mailcheck does not read: compile it to HTML (mjml "
            "{name} -o compiled.html) and check the HTML it makes",
            name=name,
        )
    tags: list[str] = []
    for match in _INKY_TAG.finditer(_outside_comments(data)):
        tag = f"<{match.group(1).decode().lower()}>"
        if tag not in tags:
            tags.append(tag)
        if len(tags) == 2:
            return t(
                "'{name}' is Inky source (Foundation for Emails: {tags}), which mailcheck does "
                "not read: compile it to HTML (inky {name} dist/, or the project's build) and "
                "check the HTML it makes",
                name=name,
                tags=", ".join(tags),
            )
    return None


def is_saved_message(path: Path) -> bool:
    """Whether ``path``, a file whose name has no extension a message is saved with, is a
    saved message: test suites store them so (``m0129``, ``paypal.com``, ``gb2312.1``), and
    one passed over would be a test send checked by nobody. Its top must be an RFC 5322 header
    block naming fields mail has, which a README or a Makefile does not, or it is an Outlook
    message (:func:`outlook_message`: found, it is said not to be read); a dotfile
    (``.gitignore``) never is, nor a file of a kind that is never mail (a picture, a
    stylesheet, data). Only a regular file is opened: a named pipe would wait for a writer for
    ever, and a symbolic link may lead out of the directory the user named (what is read there
    is not ours to look at)."""
    if path.name.startswith(".") or path.suffix.lower() in _NEVER_MAIL:
        return False
    from mailcheck.message import looks_like_message

    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return False
        with path.open("rb") as f:
            if looks_like_message(f.read(_SNIFF_BYTES)):
                return True
            f.seek(0)
            return outlook_message(f)
    except OSError:
        return False  # not known to be mail: nothing was passed over that was


# Extensions of what an agency's repository holds beside its campaigns, never a saved message
_NEVER_MAIL = frozenset(
    f".{ext}"
    for group in (
        "png jpg jpeg gif webp svg ico bmp avif tif tiff psd ai sketch fig",  # pictures
        "mp4 mov webm mp3 woff woff2 ttf otf eot pdf zip gz tgz bz2 xz 7z rar",  # media, fonts
        "css scss less js mjs ts json toml yaml yml csv tsv md rst xml ini cfg log txt",  # text
        "py pyc sh lock map sqlite db mjml html htm eml msg oft mbox",  # code, data, mail kinds
        # an application's mail templates, which name their Subject at the top too
        "tpl twig php erb hbs handlebars mustache liquid j2 jinja njk vm ftl",
    )
    for ext in group.split()
)


def is_outlook_file(path: Path) -> bool:
    """Whether ``path`` is an Outlook .msg/.oft file (an OLE compound file), or an Outlook
    message saved without that extension (:func:`is_saved_message`'s names): never read."""
    named = path.suffix.lower() in (".msg", ".oft")
    if not named and (path.name.startswith(".") or path.suffix.lower() in _NEVER_MAIL):
        return False
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False  # a named pipe would wait for a writer for ever (the loader says why)
        with path.open("rb") as f:
            return f.read(len(OLE_MAGIC)) == OLE_MAGIC if named else outlook_message(f)
    except OSError:
        return False  # the loader says why it cannot be read


# The names of the streams and storages an Outlook message or template is made of (MS-OXMSG
# 2.2): every entry of its directory but the root has one of them
_OUTLOOK_ENTRIES = tuple(
    name.encode("utf-16-le")
    for name in (
        "__substg1.0_",
        "__properties_version1.0",
        "__nameid_version1.0",
        "__recip_version1.0_",
        "__attach_version1.0_",
    )
)


def outlook_message(f: BinaryIO) -> bool:
    """Whether the file ``f`` reads (from its start) is an Outlook message or template, whatever
    its name: an OLE compound file whose first directory sector names Outlook's property
    streams. A Word .doc or an Excel .xls is an OLE compound file too, with streams of other
    names: no mail, and not said to be an Outlook file."""
    header = f.read(512)
    if len(header) < 512 or not header.startswith(OLE_MAGIC):
        return False
    shift = int.from_bytes(header[0x1E:0x20], "little")  # sectors of 512 or 4096 bytes
    first = int.from_bytes(header[0x30:0x34], "little")  # the directory's first sector
    if shift not in (9, 12) or first >= 0xFFFFFFFA:  # a broken header, or a special value
        return False
    f.seek((first + 1) << shift)  # sector n follows the header's own sector
    directory = f.read(1 << shift)
    return any(name in directory for name in _OUTLOOK_ENTRIES)


_MAILBOX_SNIFF = 1 << 24  # a mailbox's second message starts within its first 16 MB


def is_mailbox(path: Path) -> bool:
    """Whether ``path`` is an mbox of several messages (never read: :func:`_unread_mailbox`),
    told from its top: a mailbox of gigabytes is not read whole to know it. Only a name a
    mailbox has is opened (.mbox, .eml, none): a directory's first HTML file is not read for it."""
    if path.suffix.lower() not in ("", ".mbox", ".eml"):
        return False
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as f:
            top = f.read(_MAILBOX_SNIFF)
    except OSError:
        return False  # the loader says why it cannot be read
    return _several_messages(top)


def _several_messages(data: bytes) -> bool:
    """Whether a second mbox message starts in ``data`` (its "From " line after a line break:
    one fast search decides it for most messages, the pattern only the rest)."""
    if b"\nFrom " not in data:
        return False
    return len(list(itertools.islice(_MBOX_FROM_LINE.finditer(data), 2))) == 2


def _load_other_mail(campaign: Campaign, data: bytes, name: str, root: Path | None) -> None:
    """A .msg, .oft or .mbox file. Some tools save a plain RFC 5322 message as .msg, and an
    mbox may hold one message: those are read. What is not read is said, never passed over:
    INP002 for a file found below a directory, INP001 for one named on the command line."""
    suffix = Path(name).suffix.lower()
    if _unread_mailbox(campaign, data, root):
        return
    if data.startswith(OLE_MAGIC):
        _not_read(campaign, t(NOT_READ[suffix]), root)
        return
    from mailcheck.message import looks_like_message

    if suffix != ".mbox" and root is not None and not looks_like_message(data[:_SNIFF_BYTES]):
        # a .msg found below a directory that is not mail at all (a gettext catalogue's …)
        campaign.not_read = t("'{name}' is not a mail file mailcheck reads", name=name)
        return
    _load_sniffed(campaign, data, name)


def _unread_mailbox(campaign: Campaign, data: bytes, root: Path | None) -> bool:
    """Whether ``data`` is an mbox of several messages, whatever its name: said, and not read
    (INP002 below a directory, INP001 named on the command line).

    Apple Mail exports a mailbox as ``Name.mbox/mbox``, Thunderbird keeps its folders as files
    without an extension, and some save one as .eml. Read as one message, the first message's
    headers would be judged with every later message in its body: the others never checked."""
    if not _several_messages(data):
        return False
    _not_read(campaign, t(NOT_READ[".mbox"], count=len(_MBOX_FROM_LINE.findall(data))), root)
    return True


def _not_read(campaign: Campaign, reason: str, root: Path | None) -> None:
    """A mail file mailcheck does not read: INP001 named on the command line (it was meant to
    be checked), INP002 found below a directory (a repository may keep it beside campaigns)."""
    if root is None:
        raise LoadError(reason)
    campaign.not_read = reason


def _emlx_message(data: bytes) -> bytes:
    """The message inside an Apple Mail .emlx file: its first line gives its length."""
    first, _, rest = data.partition(b"\n")
    if not first.strip().isdigit():
        raise LoadError(
            t("not an Apple Mail .emlx file: its first line is not the message's length")
        )
    if len(first.strip()) > 18:  # more than any file could hold (and than int() reads)
        raise LoadError(t("the .emlx file announces a message longer than any file"))
    length = int(first.strip())
    if length > len(rest):
        raise LoadError(
            t(
                "the .emlx file is cut short: it announces {length} bytes of message, "
                "{found} follow",
                length=length,
                found=len(rest),
            )
        )
    return rest[:length]


def _parse_static(html: str) -> Document:
    """The body as written, parsed once with its accessibility facts (lxml: imported here, so
    that discovery can read :data:`MANIFEST` without it). HTML the parser cannot read whole
    is INP001: what it did not read would pass unchecked ("no unsubscribe link" included)."""
    from mailcheck.htmlparse import parse_html

    document = parse_html(html, accessibility=True)
    if document.unread:
        raise LoadError(t("the HTML cannot be read whole: {why}", why=document.unread))
    return document


def _take_html(campaign: Campaign, data: bytes, name: str) -> Document:
    """The HTML file's text, what its bytes say of it, and its parse (returned), into
    ``campaign``."""
    campaign.html, mislabel = decode_html(data, name)
    if mislabel:  # the <meta> names a charset the bytes are not in: BRF003, at its line
        label, codec, line = mislabel
        campaign.charset_misread.append((f"{campaign.html_label}:{line}", label, codec))
    elif (guessed := _unlabelled_not_utf8(data)) is not None:
        told = guess_told(campaign.html, guessed)
        campaign.charset_unlabelled.append((campaign.html_label, guessed, told))
    _not_empty(data, name, campaign.html)
    _not_cut_off(campaign.html, name)
    campaign.replacement_written = replacement_written(data, campaign.html)
    campaign.html_bytes = len(data)
    campaign.static = _parse_static(campaign.html)
    return campaign.static


def _unlabelled_not_utf8(data: bytes) -> str | None:
    """The charset (codec) an HTML file's text is guessed in when it is not UTF-8 and nothing
    names its charset (no byte-order mark, no ``<meta>``), and a reader sees text beyond ASCII:
    browsers and ESPs' upload tools guess too, most as UTF-8. A UTF-8 file needs no label
    there (the ESP labels the part it sends), and is not told."""
    if meta_charset_at(data) is not None or unseen_blanked(data).isascii():
        return None
    return _not_utf8_guess(data)


def _not_utf8_guess(data: bytes) -> str | None:
    """The charset (codec) bytes beyond ASCII that no label names are guessed in, when they
    are not UTF-8; None for ASCII, UTF-8, or a byte-order mark (it names the encoding)."""
    codec = unlabelled_charset(data)
    return codec if codec not in (None, "utf-8") else None


def _not_cut_off(html: str, name: str) -> None:
    """INP001 for an HTML file that stops inside a tag (a save cut short, a copy cut off at
    '<a href="https://ex'): the rules would judge what was cut as missing ("no unsubscribe
    link") or pass a page a reader gets part of. One that ends with text or a whole tag is
    not told (an HTML without </html> is legal, and complete)."""
    last = stops_inside_tag(html)
    if last is None:
        return
    raise LoadError(
        t(
            "{name} is cut off: it stops inside a tag on line {line} (“{tail}”); save the "
            "whole file again",
            name=name,
            line=html.count("\n", 0, last) + 1,
            tail=html[last : last + 40].rstrip(),
        )
    )


def same_stem_text(html_path: Path) -> Path | None:
    """The plain-text part kept beside an HTML file under the same stem (Postmark's templates:
    ``content.html`` + ``content.txt``), else None. A ``.txt`` of another stem (README.txt,
    LICENSE.txt) is no part of it."""
    for suffix in (".txt", ".TXT"):
        candidate = html_path.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def html_of_text(path: Path) -> Path | None:
    """The HTML file whose plain-text part ``path`` is (:func:`same_stem_text`), else None:
    named on the command line, that campaign is checked, not the .txt alone as a message."""
    if path.suffix not in (".txt", ".TXT"):
        return None
    for suffix in (*HTML_SUFFIXES, *(s.upper() for s in HTML_SUFFIXES)):
        candidate = path.with_suffix(suffix)
        if candidate.is_file() and same_stem_text(candidate) is not None:
            return candidate
    return None


def _pair_text(
    campaign: Campaign, html_path: Path, directory: Path, root: Path | None, limit: int
) -> None:
    """The HTML's same-stem ``.txt`` (:func:`same_stem_text`), when nothing named the text
    part, read as if campaign.toml had said ``text = "X.txt"``: ignored, its links,
    unsubscribe link and personalisation went unchecked, and nothing said so. One that cannot
    be read is an INP001 of its own (``files_unread``); the HTML is still checked."""
    text_path = same_stem_text(html_path)
    if text_path is None:
        return
    label = printable(_relative(text_path, directory))
    try:
        _take_text(campaign, text_path, label, root, limit)
    except LoadError as exc:
        campaign.files_unread.append((label, exc.args[0]))
        return
    campaign.text_paired = True


def _take_text(campaign: Campaign, path: Path, label: str, root: Path | None, limit: int) -> None:
    """A plain-text file as the campaign's text part (``label``: how findings name it). A
    plain text file cannot name its charset: one with a byte-order mark is read in the
    encoding it names, else as UTF-8, else guessed (BRF003 says so, as the ESP's upload tool
    guesses too); one with NUL bytes near its top is binary, or UTF-16 without its mark, whose
    every letter would be read apart (LoadError)."""
    data = _read(path, root, limit, "text")
    marked = marked_text(data)
    top = marked[:_SNIFF_BYTES] if marked is not None else data[:_SNIFF_BYTES].decode("latin-1")
    if "\x00" in top:
        raise LoadError(
            t(
                "text file '{name}' is binary data (or UTF-16 without a byte-order mark: save "
                "it as UTF-8)",
                name=label,
            )
        )
    campaign.source_files.append(("text", str(path)))
    campaign.text = decode_bytes(data)  # (the mark's encoding first)
    campaign.text_known = True
    campaign.text_label = label
    campaign.text_file = label
    # one not in UTF-8 is guessed at (BRF003, one finding with an unlabelled email.html)
    if (guessed := _not_utf8_guess(data)) is not None:
        told = guess_told(campaign.text, guessed)
        campaign.charset_unlabelled.append((label, guessed, told))


def _load_html(campaign: Campaign, name: str, data: bytes) -> None:
    campaign.kind = "html"
    campaign.html_label = printable(name)
    static = _take_html(campaign, data, name)
    campaign.subject = static.title
    campaign.preheader = static.preheader


_SNIFF_BYTES = 65536  # how much of a file tells what it is


def _load_sniffed(campaign: Campaign, data: bytes, name: str) -> None:
    """A file given explicitly with another extension: a message, HTML, or neither."""
    from mailcheck.message import looks_like_message

    head = data[:_SNIFF_BYTES]
    if looks_like_message(head):
        _load_message(campaign, data, name)
        return
    if b"\x00" in head:
        raise LoadError(t("not an e-mail message or HTML: '{name}' is binary data", name=name))
    lowered = head.lower()
    if any(
        tag in lowered
        for tag in (b"<html", b"<body", b"<!doctype", b"<table", b"<div", b"<p>", b"<a ", b"<img")
    ):
        _load_html(campaign, name, data)
        return
    raise LoadError(
        t(
            "not an e-mail message or HTML: '{name}' has no header block and no HTML tags",
            name=name,
        )
    )


def decode_html(data: bytes, name: str) -> tuple[str, tuple[str, str, int] | None]:
    """An HTML file's text: the encoding its byte-order mark names, else UTF-8, else its
    declared ``<meta>`` charset, else a guess; and (the label's codec, the bytes' codec, the
    ``<meta>``'s line) when it declares a charset the bytes certainly are not in (a browser
    reads the label: the text as meant is read, BRF003 names the label). Binary data (a NUL near the
    top, where no text has one: the test of :func:`_load_sniffed`) is a :class:`LoadError`."""
    text = marked_text(data)
    if text is not None:
        if "\x00" in text[:_SNIFF_BYTES]:
            raise LoadError(t("not HTML: '{name}' is binary data", name=name))
        return text, None  # the mark wins over a <meta>, in browsers too
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise LoadError(
            t(
                "not HTML: '{name}' is binary data (or UTF-16 without a byte-order mark: save "
                "it as UTF-8)",
                name=name,
            )
        )
    meta = meta_charset_at(data)
    declared = meta[0] if meta else None
    mislabel = html_label_misread(data, declared)
    if mislabel and meta:
        line = data.count(b"\n", 0, meta[1]) + 1
        return data.decode(mislabel[1], errors="replace"), (*mislabel, line)
    text = utf8_text(data)
    if text is not None:
        return text, None
    if declared:
        return decode_bytes(data, declared), None
    return guess_8bit(data), None


# --- campaign.toml ---------------------------------------------------------------------------


class _Problems:
    """Every problem of one campaign.toml, for one INP001 that lists them all: the file is the
    one root cause, and a user shown one problem per run needed as many runs as problems."""

    def __init__(self) -> None:
        self.said: list[str] = []

    @contextlib.contextmanager
    def kept(self) -> Iterator[None]:
        """Run one check of the file; its LoadError is kept, and the next check runs."""
        try:
            yield
        except LoadError as exc:
            self.said.append(exc.args[0])

    def raise_them(self) -> None:
        if len(self.said) == 1:
            raise LoadError(self.said[0])
        if self.said:
            raise LoadError(Joined("; ", self.said))


def _load_manifest(campaign: Campaign, path: Path, config: Config) -> None:
    campaign.kind = "toml"
    directory = path.parent
    limits = config.limits
    try:
        data = _parse_toml(_read(path, directory, limits.file_bytes))
    except LoadError:
        campaign.manifest_unread = True  # unread: nothing else to say
        raise
    problems = _Problems()
    keys = {_canonical(k): k for k in data}
    unknown = [keys[k] for k in keys if k not in CAMPAIGN_KEYS and k not in CONFIG_KEYS]
    for key in unknown:
        with problems.kept():
            _unknown_key(key)
    get = {k: data[original] for k, original in keys.items()}

    with problems.kept():
        campaign.id = _string(get, "id") or campaign.id
    with problems.kept():
        campaign.client = _string(get, "client") or config.client
    with problems.kept():
        campaign.subject = _string(get, "subject")
    with problems.kept():
        campaign.from_addr = _sender(_string(get, "from"))
    with problems.kept():
        preheader = _string(get, "preheader")
        if preheader is not None:
            campaign.preheader = preheader
            campaign.preheader_explicit = True
    with problems.kept():
        _dialect(campaign, get)
    if "send-at" in get:
        with problems.kept():
            campaign.send_at, campaign.send_at_local = _send_at(
                get["send-at"], config.launch.zone()
            )
    if "dkim-selectors" in get:
        with problems.kept():
            campaign.dkim_selectors = _string_list(get, "dkim-selectors")
    if "utm" in get:
        with problems.kept():
            campaign.utm = _string_table(get, "utm")
            _check_utm_names(campaign.utm)
    if "headers" in get:
        with problems.kept():
            campaign.headers = _string_table(get, "headers")
            _subject_and_sender_from_headers(campaign, campaign.headers)
    if "expect" in get:
        with problems.kept():
            campaign.expect = _expect(get["expect"])

    overrides = {keys[k]: get[k] for k in keys if k in CONFIG_KEYS}
    before = len(problems.said)
    with problems.kept():
        _refuse_run_wide(get)
    if overrides and len(problems.said) == before:  # (else a refused key would be said twice)
        _check_overrides(config, overrides, problems)
        if len(problems.said) == before:
            campaign.config_overrides = overrides

    html_path = None
    with problems.kept():
        html_path = _html_path(directory, _file_name(get, "html"))
        _load_manifest_html(campaign, html_path, directory, limits.file_bytes)
    with problems.kept():
        text_name = _file_name(get, "text")
        if text_name is not None:  # named: the campaign's own, which must be read (else INP001)
            path = directory / text_name
            _take_text(campaign, path, printable(text_name), directory, limits.file_bytes)
        elif html_path is not None:
            _pair_text(campaign, html_path, directory, directory, limits.file_bytes)
    samples = get.get("samples")
    if samples is not None:
        with problems.kept():
            campaign.samples, lines = _samples(directory, samples, limits)
            if isinstance(samples, str):
                campaign.source_files.append(("samples", str(directory / samples)))
                # a CSV's recipient is told by its line, as the file shows it (blank rows and a
                # value over several lines are not recipients)
                name = printable(samples)
                campaign.sample_places = [f"{name}:{line}" for line in lines]
    problems.raise_them()


def _unknown_key(key: str) -> None:
    import difflib  # only for a key that is wrong

    hint = difflib.get_close_matches(_canonical(key), sorted(CAMPAIGN_KEYS | CONFIG_KEYS), n=1)
    shown = {"send-at": "send_at"}
    if hint:
        raise LoadError(
            t(
                "unknown key '{key}' (did you mean '{hint}'?)",
                key=key,
                hint=shown.get(hint[0], hint[0]),
            )
        )
    raise LoadError(t("unknown key '{key}'", key=key))


def _dialect(campaign: Campaign, get: dict[str, Any]) -> None:
    template = _string(get, "template")
    esp = _string(get, "esp")
    if template is not None or esp is not None:
        from mailcheck.templating.catalogue import load_catalogue

        problem = load_catalogue().choice_problem(template or "", esp or "")
        if problem:
            raise LoadError(problem)
    if template is not None:
        campaign.dialect = template.strip().lower()
        campaign.dialect_explicit = True


def _load_manifest_html(campaign: Campaign, html_path: Path, directory: Path, limit: int) -> None:
    data_bytes = _read(html_path, directory, limit, "html")
    campaign.source_files.append(("html", str(html_path)))  # only what was read (content hash)
    campaign.html_label = printable(_relative(html_path, directory))
    source = uncompiled_source(data_bytes, campaign.html_label)
    if source:  # the campaign's own html: it was meant to be checked
        raise LoadError(source)
    static = _take_html(campaign, data_bytes, campaign.html_label)
    if not campaign.preheader_explicit:
        campaign.preheader = static.preheader


def _check_overrides(config: Config, overrides: dict[str, Any], problems: _Problems) -> None:
    """The config keys a campaign.toml sets, each checked on its own (so that every wrong one is
    said), then together: the rules their select and ignore leave."""
    before = len(problems.said)
    for key, value in overrides.items():
        with problems.kept(), _said_as_campaign_toml():
            _check_own_codes(config, config.merged({key: value}))
    if len(problems.said) == before:
        with problems.kept(), _said_as_campaign_toml():
            _check_some_rule_runs(config, config.merged(overrides))


@contextlib.contextmanager
def _said_as_campaign_toml() -> Iterator[None]:
    try:
        yield
    except ConfigError as exc:  # said as config says it (a Message: in the reader's language)
        problem = exc.args[0] if exc.args else str(exc)
        raise LoadError(problem) from None


def _own_codes(config: Config, merged: Config) -> list[tuple[str, tuple[str, ...]]]:
    """The rule codes the campaign.toml wrote, and where (``ignore``)."""
    return list(merged.code_refs[len(config.code_refs) :])


def _check_own_codes(config: Config, merged: Config) -> None:
    """ConfigError for a rule code the campaign.toml's ``select``/``ignore``/``[severity]``
    names that no rule has: this campaign's INP001 (as its unknown keys are), not the whole
    batch's exit 2, which stays for the configuration files' own."""
    own = _own_codes(config, merged)
    if own:
        from mailcheck.registry import load_registry

        load_registry().check_codes(own)


def _check_some_rule_runs(config: Config, merged: Config) -> None:
    """ConfigError for a campaign.toml's selection that leaves no rule to run (where the
    configuration files' own left some): the campaign would pass unchecked."""
    own = _own_codes(config, merged)
    if not own:
        return
    from mailcheck.config import command_line_selection
    from mailcheck.registry import load_registry, selected

    # the command line's --select/--ignore go on top of a campaign.toml's, as they will be
    effective = command_line_selection(merged, dict(config.cli_overrides))
    rules = list(load_registry().rules)
    if not selected(rules, list(effective.select), list(effective.ignore)) and selected(
        rules, list(config.select), list(config.ignore)
    ):
        written = "; ".join(f"{where} = {list(codes)}" for where, codes in own)
        raise ConfigError(
            t(
                "select and ignore leave no rule to run ({written}): the campaign would pass "
                "unchecked",
                written=written,
            )
        )


def _refuse_run_wide(get: dict[str, Any]) -> None:
    """A campaign.toml sets only what is judged per campaign: timeouts, limits, private
    addresses and nameservers are one per run (and a campaign must not open them for itself)."""
    for table, allowed in PER_CAMPAIGN_TABLE_KEYS.items():
        value = get.get(table)
        if not isinstance(value, dict):
            continue  # config.merged says what is wrong with it
        for key in value:
            if _canonical(key) not in allowed:
                raise LoadError(
                    t(
                        "[{table}] {key} cannot be set per campaign (only "
                        "{allowed}); set it in mailcheck.toml [{table}] or pyproject.toml "
                        "[tool.mailcheck.{table}]",
                        table=table,
                        key=key,
                        allowed=", ".join(sorted(allowed)),
                    )
                )


def _canonical(key: str) -> str:
    return key.replace("_", "-")


def _parse_toml(data: bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at, utf16 = not_utf8(data, exc)
        if utf16:
            said = t("UTF-16 text (Notepad's “Unicode”): save it as UTF-8")
        else:
            said = t("not UTF-8 text (line {line}): save it as UTF-8", line=at)
        raise LoadError(said) from None
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise LoadError(t("nested too deeply to read")) from None
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.match(str(exc))
        if match:
            reason, line, column = match.groups()
            raise LoadError(
                t(
                    "invalid TOML at line {line}, column {column}: {reason}",
                    line=line,
                    column=column,
                    reason=reason,
                )
            ) from None
        raise LoadError(t("invalid TOML: {reason}", reason=str(exc))) from None
    except ValueError:  # an integer of more digits than Python converts
        raise LoadError(t("a number too long to read ({why})", why=_DIGITS)) from None


def _file_name(get: dict[str, Any], key: str) -> str | None:
    """A file the campaign names (html, text): "" would name its directory."""
    name = _string(get, key)
    if name is not None and not name.strip():
        raise LoadError(t("'{key}' is empty: name a file", key=key))
    return name


def _string(get: dict[str, Any], key: str) -> str | None:
    value = get.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise LoadError(
            t(
                "'{key}' must be a string, not {kind}",
                key=key,
                kind=_toml_type(value),
            )
        )
    return value


# The parameters analytics reads as UTM tags (Google Analytics 4; Yandex Metrica reads the
# first five): a key of [utm] close to one of them but not it is a typo
_UTM_PARAMETERS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
    "utm_id",
    "utm_source_platform",
    "utm_creative_format",
    "utm_marketing_tactic",
)


def _check_utm_names(utm: dict[str, str]) -> None:
    """Refuse a key of ``[utm]`` that no link can carry as written: ``source`` for
    ``utm_source``, ``utm_campain``. The values of [utm] are compared with the links' UTM
    parameters by name, so such a key was never compared with anything: its check passed."""
    for name in utm:
        if name in _UTM_PARAMETERS:
            continue
        lower = name.lower()
        if lower.startswith("utm_"):  # a typo, or the wrong case (analytics reads lower case)
            import difflib

            hint = difflib.get_close_matches(lower, _UTM_PARAMETERS, n=1, cutoff=0.8)
        else:  # "source" for utm_source
            hint = [f"utm_{lower}"] if f"utm_{lower}" in _UTM_PARAMETERS else []
        if hint:
            raise LoadError(
                t(
                    "[utm] has '{name}', which is no UTM parameter analytics "
                    "reads: did you mean '{hint}'?",
                    name=name,
                    hint=hint[0],
                )
            )
        if not name.startswith("utm_"):
            raise LoadError(
                t(
                    "[utm] has '{name}': UTM parameters are named utm_… "
                    "(utm_source, utm_medium, utm_campaign, utm_content, utm_term)",
                    name=name,
                )
            )


def _subject_and_sender_from_headers(campaign: Campaign, headers: dict[str, str]) -> None:
    """A ``Subject`` or ``From`` written in ``[headers]`` is the campaign's subject or sender
    when the top-level key is absent: both are headers, and whoever wrote them there meant
    them (they were passed over: "no subject" next to the Subject given). Written in both
    places with different values, the campaign is refused: which one the ESP sends is unknown.
    """
    for key, header in (("subject", "Subject"), ("from", "From")):
        values = [v for name, v in headers.items() if name.strip().lower() == key]
        if not values:
            continue
        value = values[0]
        top = campaign.subject if key == "subject" else campaign.from_addr
        if top is None:
            if key == "subject":
                campaign.subject = value
            else:
                campaign.from_addr = _sender(value)
        elif top.strip() != value.strip():
            raise LoadError(
                t(
                    "{key} = {top} and [headers] {header} = {value} differ: write it once",
                    key=key,
                    top=repr(top),
                    header=header,
                    value=repr(value),
                )
            )


def _sender(value: str | None) -> str | None:
    """campaign.toml's ``from``, refused when it is not one e-mail address.

    A From that is not an address is refused by the ESP or the mailbox provider, and without
    its domain SPF, DKIM and DMARC could not be checked at all. A From written with merge tags
    (``{{ sender }}``) is left as it is: only the ESP knows what it becomes.
    """
    if value is None:
        return None
    from email.utils import getaddresses

    parsed = getaddresses([value])
    addresses = [addr for _, addr in parsed if addr]
    if len(addresses) > 1:
        raise LoadError(
            t(
                "from = {value} names {count} addresses; a campaign has one sender",
                value=repr(value),
                count=len(addresses),
            )
        )
    addr = addresses[0] if addresses else ""
    local, at, domain = addr.rpartition("@")
    # the parser drops spaces ("news@acme example" reads as news@acmeexample): the address
    # must be written as it was read
    if at and local and domain and addr in value:
        return value
    from mailcheck.templating.detect import detect_dialect

    if detect_dialect([value]) != "none":
        return value
    raise LoadError(
        t(
            "from = {value} is not an e-mail address (write it as "
            '"news@shop.example" or "Shop <news@shop.example>")',
            value=repr(value),
        )
    )


def _string_list(get: dict[str, Any], key: str) -> list[str]:
    value = get[key]
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LoadError(t("'{key}' must be a list of strings", key=key))
    return list(value)


def _string_table(get: dict[str, Any], key: str) -> dict[str, str]:
    value = get[key]
    if not isinstance(value, dict):
        raise LoadError(t("[{key}] must be a table", key=key))
    for name, item in value.items():
        if _canonical(name) in CAMPAIGN_KEYS | CONFIG_KEYS:
            # TOML puts every key after a [table] header into that table: a top-level key
            # written below [utm] would silently be a UTM parameter and not set at all
            raise LoadError(
                t(
                    "[{key}] has '{name}', a top-level key: every key after the "
                    "[{key}] line belongs to that table, so write {name} = … above [{key}]",
                    key=key,
                    name=name,
                )
            )
        if not isinstance(item, str):
            raise LoadError(
                t(
                    "[{key}] {name} must be a string, not {kind}",
                    key=key,
                    name=name,
                    kind=_toml_type(item),
                )
            )
    return dict(value)


def _expect(value: object) -> dict[str, list[str]]:
    """The [expect] table: lists of strings under known keys, regexes that compile."""
    if not isinstance(value, dict):
        raise LoadError(t("[expect] must be a table"))
    for key in value:
        if key not in EXPECT_KEYS:
            raise LoadError(
                t(
                    "[expect] has unknown key '{key}' (known: {known})",
                    key=key,
                    known=", ".join(EXPECT_KEYS),
                )
            )
    expect = {key: _string_list(value, key) for key in value}
    for pattern in expect.get("regex", []):
        try:
            regex.compile(pattern)
        except (regex.error, OverflowError, RecursionError) as exc:
            why = str(exc) if not isinstance(exc, RecursionError) else t("nested too deeply")
            reason = t(
                "[expect] regex '{pattern}' is invalid: {why}",
                pattern=quoted(pattern),
                why=why,
            )
            raise LoadError(reason) from None
    return expect


def _toml_type(value: object) -> str:
    names = {
        bool: t("a boolean"),
        int: t("a number"),
        float: t("a number"),
        list: t("an array"),
        dict: t("a table"),
        str: t("a string"),
    }
    if isinstance(value, datetime | date):
        return t("a date")
    if isinstance(value, time):
        return t("a time")
    return names.get(type(value), type(value).__name__)


def _sent_on(headers: dict[str, str]) -> datetime | None:
    """A saved message's Date header as a time, when it is one and sane: after 1990 and no
    later than a day from now (a sender's clock off by hours is still its day; a date to
    come, or 1970's zero, is no send date)."""
    value = next((v for k, v in headers.items() if k.lower() == "date"), None)
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": the zone not told, the time is UTC's (RFC 5322 3.3)
        when = when.replace(tzinfo=UTC)
    if when.year < 1990 or when > datetime.now(UTC) + timedelta(days=1):
        return None
    return when


def _send_at(value: object, zone: tzinfo | None = None) -> tuple[datetime, bool]:
    """The planned send time, and whether it was read in this machine's zone: written without
    a UTC offset, it is in ``zone`` (the team's ``[launch] time-zone``), else this machine's."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise LoadError(
                t(
                    "send_at '{value}' is not a date and time (e.g. 2026-11-27T10:00:00+03:00)",
                    value=value,
                )
            ) from None
    if not isinstance(value, datetime):
        raise LoadError(t("send_at must be a date and time (e.g. 2026-11-27T10:00:00+03:00)"))
    local = value.tzinfo is None
    try:
        # a local time is the team's, else this machine's; any time must be one in UTC too (the
        # log keeps it so): year 1 less an offset, or 9999-12-31T23:00-05:00, is none
        if local:
            value = value.replace(tzinfo=zone) if zone is not None else value.astimezone()
        value.astimezone(UTC)
    except (ValueError, OverflowError):
        raise LoadError(t("send_at {value} is out of range", value=value.isoformat())) from None
    return value, local and zone is None


def _html_path(directory: Path, named: str | None) -> Path:
    if named is not None:
        return directory / named
    found = sorted(
        p for p in directory.iterdir() if p.suffix.lower() in HTML_SUFFIXES and p.is_file()
    )
    if not found:
        raise LoadError(t("no HTML: campaign.toml names no html file and the directory has none"))
    if len(found) > 1:
        conventional = [p for p in found if p.stem.lower() in CONVENTIONAL_HTML_STEMS]
        if len(conventional) == 1:
            return conventional[0]
        names = ", ".join(p.name for p in found)
        raise LoadError(
            t(
                'several HTML files ({names}): name the campaign\'s one with html = "…" in '
                "campaign.toml",
                names=names,
            )
        )
    return found[0]


def _relative(path: Path, directory: Path) -> str:
    try:
        return str(path.relative_to(directory))
    except ValueError:
        return str(path)


# --- sample recipients -----------------------------------------------------------------------


def _samples(
    directory: Path, value: object, limits: LimitsConfig
) -> tuple[list[dict[str, object]], list[int]]:
    """Sample recipients: a CSV file with a header row, a JSON list of objects, or inline;
    and for a CSV, the line each starts at (else none)."""
    if isinstance(value, list):  # samples = [{ first_name = "Иван" }, …]
        return _sample_objects(value, "samples", limits.sample_rows), []
    if not isinstance(value, str):
        raise LoadError(t("'samples' must be a file name or an array of tables"))
    if not value.strip():
        raise LoadError(t("'{key}' is empty: name a file", key="samples"))
    path = directory / value
    data = _read(path, directory, limits.file_bytes, "samples")
    what = t("samples file '{name}'", name=path.name)  # how every message names it
    if path.suffix.lower() == ".json":
        try:
            parsed = json.loads(data)  # UTF-8, -16 or -32, a byte-order mark or not
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise LoadError(t("{what} is not valid JSON: {why}", what=what, why=str(exc))) from None
        except RecursionError:
            raise LoadError(t("{what} is nested too deeply to read", what=what)) from None
        except ValueError:  # an integer of more digits than Python converts
            raise LoadError(
                t("{what} holds a number too long to read ({why})", what=what, why=_DIGITS)
            ) from None
        return _some(_sample_objects(parsed, what, limits.sample_rows), what, json=True), []
    rows = _some(_csv_samples(data, what, limits.sample_rows), what)
    return [sample for _, sample in rows], [line for line, _ in rows]


def _sample_objects(value: object, what: str, max_rows: int) -> list[dict[str, object]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise LoadError(t("{what} must be a list of objects (one per recipient)", what=what))
    if len(value) > max_rows:
        raise LoadError(_too_many_rows(what, max_rows))
    return [dict(v) for v in value]


def _too_many_rows(what: str, max_rows: int) -> str:
    return t(
        "{what} has more than {count} recipients (the limit of [limits] sample-rows)",
        what=what,
        count=f"{max_rows:,}",
    )


def _csv_samples(data: bytes, what: str, max_rows: int) -> list[tuple[int, dict[str, object]]]:
    """The recipients of a CSV, each with the line its row starts at."""
    text = marked_text(data)  # Excel's "CSV UTF-8" and "Unicode Text" (UTF-16, tabs) have one
    if text is None and b"\x00" in data[:_SNIFF_BYTES]:  # no text has one: read as UTF-8 or
        # cp1251, UTF-16 without its mark became names no template uses (PER005 only)
        raise LoadError(
            t(
                "{what} is binary data (or UTF-16 without a byte-order mark: save it as UTF-8)",
                what=what,
            )
        )
    if text is None:
        text = utf8_text(data)
    if text is None:
        # Excel's "CSV" on a Russian Windows is windows-1251, a Linux export KOI8-R: read as
        # windows-1251 alone, KOI8-R names became mojibake, and personalisation was judged on it
        text = guess_8bit(data)
    first_line = text.lstrip().split("\n", 1)[0]
    # Excel writes ";" where the decimal separator is a comma (Russian locale): take the
    # header's most frequent separator, outside quotes ("Фамилия, Имя";email;first_name)
    unquoted = _QUOTED_FIELD.sub("", first_line)
    delimiter = max(",;\t", key=unquoted.count)
    # strict: a quote left open would swallow every later row into one value, silently
    reader = csv.DictReader(
        io.StringIO(text, newline=""), delimiter=delimiter, restval="", strict=True
    )
    rows: list[tuple[int, dict[str | None, object]]] = []
    try:
        for row in itertools.islice(reader, max_rows + 1):
            extra = row.get(None)  # csv puts the values past the header's columns there
            if isinstance(extra, list) and any(v.strip() for v in extra):
                raise LoadError(
                    t(
                        "{what} is not valid CSV: line {line} has more values than the header "
                        "has columns (a value with a “{sep}” in it needs quotes)",
                        what=what,
                        line=reader.line_num,
                        sep="\\t" if delimiter == "\t" else delimiter,
                    )
                )
            # line_num is the row's last line: a quoted value may span several
            breaks = sum(v.count("\n") for v in row.values() if isinstance(v, str))
            rows.append((reader.line_num - breaks, row))
    except csv.Error as exc:
        if str(exc) == "unexpected end of data":  # what the csv module says of it
            raise LoadError(
                t('{what} is not valid CSV: a quote (") is never closed', what=what)
            ) from None
        # line_num counts the lines read whole: the bad one is the next
        raise LoadError(
            t(
                "{what} is not valid CSV: {why} (line {line})",
                what=what,
                why=str(exc),
                line=reader.line_num + 1,
            )
        ) from None
    if len(rows) > max_rows:
        raise LoadError(_too_many_rows(what, max_rows))
    names = [n.strip() for n in reader.fieldnames or () if n and n.strip()]
    twice = sorted(n for n, count in Counter(names).items() if count > 1)
    if twice:  # csv keeps the last column of a name: the first one's values would be lost
        shown = ", ".join(f"'{n}'" for n in twice)
        raise LoadError(
            t("{what} names the column {shown} twice", what=what, shown=shown)
            if len(twice) == 1
            else t("{what} names the columns {shown} twice", what=what, shown=shown)
        )
    samples: list[tuple[int, dict[str, object]]] = []
    for line, row in rows:
        sample: dict[str, object] = {
            k.strip(): _cell(v) if isinstance(v, str) else ""
            for k, v in row.items()
            if k is not None and k.strip()
        }
        if any(v != "" for v in sample.values()):
            samples.append((line, sample))
    return samples


_QUOTED_FIELD = re.compile(r'"[^"]*"')
# A whole number written as the ESP's number fields print (no sign "+", no leading zero: a
# postcode "01234" or a phone "+7…" stays text)
_WHOLE_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")


def _cell(value: str) -> object:
    """A CSV cell as the ESP's field holds it: a whole number as a number, so that a template's
    ``{% if bonus > 0 %}`` compares numbers, as with the real data; anything else as text."""
    return int(value) if _WHOLE_NUMBER.fullmatch(value) else value


_T = TypeVar("_T")


def _some(samples: list[_T], what: str, *, json: bool = False) -> list[_T]:
    """A samples file the campaign names must list someone: else the checks that read the
    samples would pass on nothing."""
    if not samples:
        shape = (
            t("{what} lists no recipient (a list of objects, one per recipient)", what=what)
            if json
            else t(
                "{what} lists no recipient (a header row, then one row per recipient)", what=what
            )
        )
        raise LoadError(shape)
    return samples
