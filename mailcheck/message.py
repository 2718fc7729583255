"""Saved test sends (RFC 5322 / MIME): headers, the HTML and plain-text parts, the sending IP.

The message is parsed with the standard ``email`` package under the ``compat32`` policy, and
headers are decoded here (RFC 2047 words, raw 8-bit bytes, folding). The ``default`` policy would
decode headers itself, but its header objects made parsing the corpus ten times slower
(2.3 s against 0.2 s for 201 messages, one 200 KB header alone took 0.35 s), and it is no more
forgiving of the broken charsets real mailboxes produce.

Parts and header words are decoded by :mod:`mailcheck.charsets`.
"""

from __future__ import annotations

import email
import email.errors
import ipaddress
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email.header import decode_header
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, quote
from typing import Any

from mailcheck.charsets import (
    cut_short,
    cyrillic_table_misread,
    decode_bytes,
    guess_told,
    header_charset,
    header_text,
    known_charset,
    labelled_text,
    meta_charset,
    replacement_written,
    unlabelled_charset,
    unseen_blanked,
    utf8_label_misread,
    utf8_under_label,
)
from mailcheck.i18n import N_, t
from mailcheck.linkinfo import content_id
from mailcheck.text import stops_inside_tag

_FIELD_NAME = re.compile(rb"^[!-9;-~]+[ \t]*:")
_KNOWN_HEADERS = frozenset(
    b"""from to cc subject date received message-id mime-version return-path delivered-to
    content-type reply-to sender x-mailer dkim-signature list-unsubscribe""".split()
)
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_LINE_BREAK = re.compile(r"\r?\n")
_SURROGATE_ESCAPE = re.compile("[\udc80-\udcff]")  # how compat32 keeps 8-bit header bytes
_DKIM_SELECTOR = re.compile(r"(?:^|;)\s*s\s*=\s*([^;\s]+)")
_RECEIVED_FROM = re.compile(r"^\s*from\s+(.*?)(?:\bby\b|$)", re.I | re.S)
_BRACKETED_IP = re.compile(
    r"\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]|\(([0-9A-Fa-f:.]+)\)|\b(\d{1,3}(?:\.\d{1,3}){3})\b"
)
# Receivers state the IP they evaluated SPF for: Received-SPF client-ip=, Gmail/Mail.ru
# "designates 1.2.3.4 as permitted sender", Microsoft "sender IP is 1.2.3.4".
_SPF_CLIENT_IP = re.compile(
    r"client-ip\s*=\s*([0-9A-Fa-f:.]+)|designates\s+([0-9A-Fa-f:.]+)\s+as\s+permitted"
    r"|sender\s+IP\s+is\s+([0-9A-Fa-f:.]+)",
    re.I,
)
_NOT_PUBLIC = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/3",
        "::/127",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    )
]
_BROKEN_STRUCTURE = (
    email.errors.NoBoundaryInMultipartDefect,
    email.errors.StartBoundaryNotFoundDefect,
    email.errors.MultipartInvariantViolationDefect,
)

# base64 with characters outside its alphabet AND letters that do not end on a whole group of
# four: the junk stands where letters were (a shifted decode), not beside them
_JUNK_IN_PLACE_OF_LETTERS = {
    email.errors.InvalidBase64CharactersDefect,
    email.errors.InvalidBase64PaddingDefect,
}

# Quoted-printable's marks (RFC 2045 §6.7): an encoded "=", a soft line break ("=" ending a
# line, not a row of "====" rules) and an encoded attribute of HTML (href=3D"…"). Text under a
# 7bit or 8bit label (or none) never writes "=3D" and a soft break both, nor two encoded
# attributes, unless it was encoded and then labelled as not.
_ENCODED_EQUALS = re.compile(rb"=3D", re.I)
_SOFT_BREAK = re.compile(rb"(?<!=)=\r?\n")
_ENCODED_ATTRIBUTE = re.compile(rb"=3D[\"']", re.I)


class NotAMessage(ValueError):
    """The bytes are not an e-mail message (the reason is the message)."""


@dataclass
class ParsedMessage:
    headers: dict[str, str] = field(default_factory=dict)  # decoded, last wins, case kept
    subject: str | None = None
    from_addr: str | None = None
    envelope_from: str | None = None
    html: str | None = None
    html_bytes: int = 0
    html_sent_bytes: int = 0  # the HTML part as transferred (quoted-printable, base64 …)
    replacement_written: bool = False  # see Campaign.replacement_written
    text: str | None = None
    dkim_selectors: list[str] = field(default_factory=list)
    received_ips: list[str] = field(default_factory=list)
    helo: str | None = None  # the name the sending server gave in HELO/EHLO
    header_lines: dict[str, list[int]] = field(default_factory=dict)  # see field_lines()
    # an AMP for Email part (text/x-amp-html) of the body: Gmail and Mail.ru show it instead of
    # the HTML part to readers whose client renders AMP; mailcheck does not check it
    amp: bool = False
    # the report-type of a multipart/report message (RFC 6522): a bounce ("delivery-status"),
    # a spam complaint ("feedback-report"), a read receipt ("disposition-notification")
    report_type: str | None = None
    # every part's Content-ID, without its <>, lower-cased: what a cid: URL may name (RFC 2392)
    content_ids: frozenset[str] = frozenset()
    # body parts written in quoted-printable under a label that says they are not:
    # (part name, the Content-Transfer-Encoding as written, "" when the part has none)
    mislabelled: list[tuple[str, str]] = field(default_factory=list)
    # text whose bytes are in a charset other than its label's (a body part, the subject):
    # (place, the label's codec, the bytes' codec); it is read as meant (see _read_as_meant)
    misread: list[tuple[str, str, str]] = field(default_factory=list)
    # body parts with bytes beyond ASCII and no charset named (no charset= nor, in HTML, a
    # <meta>): (part name, the charset (codec) they are read in here, a guess, and whether
    # the guess is sure: charsets.guess_told)
    unlabelled: list[tuple[str, str, bool]] = field(default_factory=list)
    # body parts with bytes beyond ASCII whose charset= (or <meta>) names no charset known
    # here ("x-bogus") or one they are not in (windows-1251 bytes as "us-ascii"): (part name,
    # the label as written, the charset (codec) they are read in here, a guess)
    label_unread: list[tuple[str, str, str]] = field(default_factory=list)
    # the subject or From written in raw 8-bit bytes that are not UTF-8: (place, the charset
    # (codec) they are read in here)
    header_not_utf8: list[tuple[str, str]] = field(default_factory=list)
    # a multipart/alternative that puts its text/plain part after the HTML: RFC 2046 makes
    # the last part the preferred one, and clients that follow it show the plain text
    text_preferred: bool = False
    # header fields written with white space before the colon ("From  :", RFC 5322 §4.5's
    # obsolete syntax): (line, the name and its colon as written). They are read as fields,
    # as RFC 5322 tells receivers to; not every receiver does (HDR001 warns)
    spaced_fields: list[tuple[int, str]] = field(default_factory=list)
    # each part of ``mislabelled`` (by name): its first line with a quoted-printable code
    encoded_from: dict[str, int] = field(default_factory=dict)
    # the line of the message each line of a body part's text starts on, by part name: where
    # a QA person opening the file finds it (:func:`file_lines`); no entry for a part whose
    # transfer encoding keeps no lines (base64) or whose place in the file is not certain
    file_lines: dict[str, tuple[int, ...]] = field(default_factory=dict)


# The machine-readable part of a report (RFC 3464, 5965, 8098), saved as the whole message
_REPORT_BODIES = frozenset(
    {"message/delivery-status", "message/feedback-report", "message/disposition-notification"}
)


def looks_like_message(data: bytes) -> bool:
    """Whether ``data`` starts with an RFC 5322 header block (an mbox "From " line allowed)."""
    lines = data[:16384].lstrip(b"\r\n\t ").splitlines()
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    if not lines or not _FIELD_NAME.match(lines[0]):
        return False
    for line in lines:
        if not line.strip():
            break
        match = _FIELD_NAME.match(line)
        if match and match.group(0).rstrip(b": \t").lower() in _KNOWN_HEADERS:
            return True
    return False


def _header_block(data: bytes) -> bytes:
    end = min(
        (i for i in (data.find(b"\n\n"), data.find(b"\r\n\r\n")) if i >= 0), default=len(data)
    )
    return data[:end]


def field_lines(data: bytes) -> dict[str, list[int]]:
    """The line of the file each header field starts on, by lower-case field name (``data``:
    the message, or its header block).

    Counted as the parser reads the block: an mbox "From " line first is not a field, a line
    starting with white space continues the field above, and the block ends at the first
    empty line or the first line that is neither (the parser takes the body from there).
    """
    lines: dict[str, list[int]] = {}
    for number, match in _field_starts(_header_block(data).splitlines()):
        if not match:
            break
        name = match.group(0).rstrip(b": \t").decode("ascii").lower()
        lines.setdefault(name, []).append(number)
    return lines


def _field_starts(lines: list[bytes]) -> Iterator[tuple[int, re.Match[bytes] | None]]:
    """Each line of a header block that starts a field, with its name's match, as the parser
    reads them: an mbox "From " line first is none, a line starting with white space continues
    the field above; a line that is neither comes with None (the parser takes the body there)."""
    for number, line in enumerate(lines, 1):
        if (number == 1 and line.startswith(b"From ")) or line[:1] in (b" ", b"\t"):
            continue
        yield number, _FIELD_NAME.match(line)


class _MimeMessage(Message):
    """A compat32 message whose boundary is read unfolded.

    compat32 keeps a header's line breaks in its value, so a boundary folded inside its quotes
    (``boundary="foo<CRLF> bar"``) would be searched for with the line break in it and never
    found: a valid message read as broken MIME (INP001). Unfolded it is "foo bar" (RFC 5322
    §3.2.2, §3.2.4), as mail programs read it.
    """

    def get_boundary(self, failobj: Any = None) -> Any:
        boundary = super().get_boundary(failobj)
        return _FOLD.sub("", boundary) if isinstance(boundary, str) else boundary


def _readable_from(raw: str, declared: Sequence[str] = ()) -> str:
    """The From header decoded, its address still one: a display name that decodes to a
    comma ("=?utf-8?b?…?=" for «Shop, Москва», as formataddr writes it) is quoted, or the
    address would be read as two, "Shop" and the real one, and the sender domain lost."""
    decoded = decode_header_value(raw, declared)
    pairs = getaddresses([raw])
    if len(pairs) != 1 or "@" not in pairs[0][1] or not pairs[0][0]:
        return decoded
    name, address = decode_header_value(pairs[0][0], declared), pairs[0][1]
    if not any(c in name for c in _ADDRESS_SPECIALS):
        return decoded
    return f'"{quote(name)}" <{address}>'


# what in a decoded display name would be read as the address's own syntax
_ADDRESS_SPECIALS = frozenset(',;:<>@"')

# header fields a recipient is shown in the message list: their text is judged like the body's
_SHOWN_HEADERS = frozenset({"subject", "from"})


_SPACED_NAME = re.compile(rb"^([!-9;-~]+)([ \t]+):")


def _obsolete_names_closed(data: bytes, block: bytes) -> tuple[bytes, bytes, list[tuple[int, str]]]:
    """The message with each header field written "Name :" (white space before the colon)
    written "Name:", with the lines and what was written there.

    RFC 5322 §4.5 (obs-optional, obs-from…) allows the white space in what a receiver reads,
    and says a receiver must read it: Postfix does. Python's email package does not (it takes
    the body from there, and drops a "From  :" as a misplaced mbox line). Read as the RFC says,
    the rules see every field; whether a receiver does is not certain (HDR001 warns). The
    line numbers stay those of the file."""
    lines = block.splitlines(keepends=True)
    spaced: list[tuple[int, str]] = []
    for number, match in _field_starts(block.splitlines()):
        if not match:
            break
        if spaced_name := _SPACED_NAME.match(lines[number - 1]):
            spaced.append((number, spaced_name.group(0).decode("ascii")))
            lines[number - 1] = spaced_name.group(1) + b":" + lines[number - 1][spaced_name.end() :]
    if not spaced:
        return data, block, spaced
    closed = b"".join(lines)
    return closed + data[len(block) :], closed, spaced


def _declared_charsets(msg: Message) -> list[str]:
    """The charsets the message's own parts declare (``charset=``), in the order written:
    what raw 8-bit header bytes are read in before any guess. An attached message's are its
    sender's, not this message's."""
    found = (part.get_content_charset() for part in _body(msg))
    return list(dict.fromkeys(c for c in found if c))


def parse_message(data: bytes) -> ParsedMessage:
    """Read a saved message. Raises NotAMessage (with the reason) when it cannot be read."""
    if not looks_like_message(data):
        if b"\x00" in data[:65536]:
            raise NotAMessage(t("not an e-mail message: binary data"))
        raise NotAMessage(t("not an e-mail message: no RFC 5322 header block at the top"))
    block = _header_block(data)
    if b"\x00" in block:
        raise NotAMessage(t("not an e-mail message: NUL bytes in the header block"))
    found = ParsedMessage()
    data, block, found.spaced_fields = _obsolete_names_closed(data, block)
    msg = email.message_from_bytes(data, _MimeMessage, policy=compat32)
    raw_headers = list(msg.raw_items())
    found.header_lines = field_lines(block)
    starts = sorted(n for lines in found.header_lines.values() for n in lines)
    # A field named "From " ("From  :<a@b>", obsolete syntax) is taken for a misplaced mbox
    # envelope line and dropped, alone: the fields after it are read (SpamAssassin's spam/008)
    dropped = sum(isinstance(d, email.errors.MisplacedEnvelopeHeaderDefect) for d in msg.defects)
    if (boundary_line := _boundary_in_block(msg, block)) is not None:
        lines = block.splitlines()
        spaces = next(  # the empty line meant, written with spaces: a field's continuation
            (
                n
                for n, line in enumerate(lines[: boundary_line - 1], 1)
                if line and not line.strip()
            ),
            None,
        )
        if spaces is not None:
            raise NotAMessage(
                t(
                    "broken header block: line {spaces} looks empty but holds only whitespace, "
                    "which is read as the continuation of the header field above it, so no "
                    "empty line ends the header block: line {number} (“{line}”), the "
                    "multipart's first boundary, and the first part's fields are read as "
                    "header fields and no part is found (delete the whitespace on line "
                    "{spaces})",
                    spaces=spaces,
                    number=boundary_line,
                    line=lines[boundary_line - 1].decode("ascii", "replace")[:60],
                )
            )
        raise NotAMessage(
            t(
                "broken header block: no empty line ends it before the body: line {number} "
                "(“{line}”) is the multipart's first boundary, so it and the first part's "
                "fields are read as header fields and no part is found (an empty line belongs "
                "before line {number})",
                number=boundary_line,
                line=block.splitlines()[boundary_line - 1].decode("ascii", "replace")[:60],
            )
        )
    if len(starts) > len(raw_headers) + dropped:
        raise NotAMessage(_broken_header_line(block, starts, len(raw_headers)))
    if (stray := _stray_line(block)) is not None:
        raise NotAMessage(_broken_header_line(block, [stray], 0))
    # (a message/delivery-status or message/rfc822 body is header fields by design)
    if msg.get_content_maintype() != "message" and (
        run := _fields_after_the_block(data, block, found.header_lines)
    ):
        raise NotAMessage(_fields_in_the_body(run))
    charsets = _declared_charsets(msg)
    for name, raw in raw_headers:
        found.headers[name], misread = _decoded_header(raw, charsets)
        if name.lower() not in _SHOWN_HEADERS:
            continue
        # the last of a field written twice is the one read (as in found.headers)
        where = found.header_lines.get(name.lower(), [0])[-1]
        place = "subject" if name.lower() == "subject" else f"headers:{where}"
        found.misread.extend((place, *mislabel) for mislabel in misread)
        if codec := _raw_8bit_charset(raw, charsets):
            found.header_not_utf8.append((place, codec))
    found.misread.sort(key=lambda found: found[0] != "subject")  # the one read first, first
    found.header_not_utf8 = sorted(
        dict(found.header_not_utf8).items(), key=lambda item: item[0] != "subject"
    )
    lower = {k.lower(): v for k, v in found.headers.items()}
    found.subject = lower.get("subject")
    found.from_addr = _readable_from(next(iter(_all(raw_headers, "From")), ""), charsets) or None
    found.envelope_from = _return_path(lower.get("return-path"))
    for value in _all(raw_headers, "DKIM-Signature"):
        match = _DKIM_SELECTOR.search(_unfold(value))
        if match and match.group(1) not in found.dkim_selectors:
            found.dkim_selectors.append(match.group(1))
    found.received_ips = sending_ips(raw_headers)
    found.helo = sending_helo(raw_headers)

    html_part, text_part, amp_part = _body_parts(msg)
    found.content_ids = frozenset(
        content_id(str(part["Content-ID"])) for part in msg.walk() if part["Content-ID"]
    )
    found.amp = amp_part is not None
    found.text_preferred = html_part is not None and _text_after_html(msg)
    if msg.get_content_type() == "multipart/report":
        found.report_type = str(msg.get_param("report-type") or "").lower()
    elif msg.get_content_type() in _REPORT_BODIES:  # the report's part alone, as saved
        found.report_type = msg.get_content_subtype()
    if html_part is not None:
        payload = _as_labelled(html_part, _payload(html_part), N_("text/html part"), found)
        declared = html_part.get_content_charset() or meta_charset(payload)
        # text a reader sees beyond ASCII, and no label: mail clients guess its charset
        codec = None if declared else unlabelled_charset(payload)
        if codec and not (seen := unseen_blanked(payload)).isascii():
            told = guess_told(seen.decode(codec, errors="replace"), codec)
            found.unlabelled.append((N_("text/html part"), codec, told))
        _read_whole(html_part, payload, declared, N_("text/html part"))
        found.html_bytes = len(payload)
        found.html_sent_bytes = _encoded_size(html_part)
        found.html, mislabel = _read_as_meant(payload, declared, html=True)
        _not_cut_off(msg, html_part, found.html)
        found.replacement_written = replacement_written(payload, found.html)
        if mislabel:
            found.misread.append((N_("text/html part"), *mislabel))
        elif declared and (codec := _label_unread(payload, declared)):
            found.label_unread.append((N_("text/html part"), declared, codec))
        quoted = any(name == "text/html part" for name, _ in found.mislabelled)
        if (kept := file_lines(data, html_part, found.html, quoted=quoted)) is not None:
            found.file_lines["text/html part"] = kept
    if text_part is not None:
        text_payload = _as_labelled(text_part, _payload(text_part), N_("text/plain part"), found)
        _read_whole(text_part, text_payload, text_part.get_content_charset(), N_("text/plain part"))
        found.text, mislabel = _read_as_meant(text_payload, text_part.get_content_charset())
        if not text_part.get_content_charset() and (codec := unlabelled_charset(text_payload)):
            told = guess_told(found.text, codec)
            found.unlabelled.append((N_("text/plain part"), codec, told))
        if mislabel:
            found.misread.append((N_("text/plain part"), *mislabel))
        elif (label := text_part.get_content_charset()) and (
            codec := _label_unread(text_payload, label)
        ):
            found.label_unread.append((N_("text/plain part"), label, codec))
        written = replacement_written(text_payload, found.text)
        found.replacement_written = found.replacement_written or written
        quoted = any(name == "text/plain part" for name, _ in found.mislabelled)
        if (kept := file_lines(data, text_part, found.text, quoted=quoted)) is not None:
            found.file_lines["text/plain part"] = kept
    if html_part is None and text_part is None:
        broken = [d for d in _all_defects(msg) if isinstance(d, _BROKEN_STRUCTURE)]
        if broken and not data[len(block) :].strip():
            raise NotAMessage(
                t(
                    "the message has no body: nothing but blank lines follows its header block "
                    "(lines 1-{number}), though its Content-Type is {type}",
                    number=len(block.splitlines()),
                    type=msg.get_content_type(),
                )
            )
        if broken:
            why = _no_boundary(msg, block, found.header_lines) or _describe(broken[0], msg, data)
            raise NotAMessage(t("broken MIME structure: {why}", why=why))
    return found


# a line break quoted-printable encodes inside a line ("=0A", of "=0D=0A"): a line of the text
# that starts within the line of the file
_ENCODED_BREAK = re.compile(rb"=0A", re.I)
_QP_SOFT_END = re.compile(rb"=[ \t]*\r?$")


def file_lines(
    data: bytes, part: Message, text: str, *, quoted: bool = False
) -> tuple[int, ...] | None:
    """The line of ``data`` (the message) each line of ``text`` (the part's text, decoded)
    starts on, when the part's transfer encoding keeps its lines: 7bit, 8bit, binary, or
    quoted-printable (a soft line break joins two lines of the file into one of the text; an
    encoded line break splits one). A charset's decoding keeps them (windows-1251, KOI8-R,
    UTF-8 write a line break as the byte the file has). ``quoted``: the part is
    quoted-printable under a label that says it is not, and read decoded (:func:`_as_labelled`).

    None when the file's lines are not the text's: base64 (a line of the file is 76
    characters of code), a body the file holds twice or not as parsed, or a text whose line
    count is not what the body's lines give (a decoding that changed it)."""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding in _TRANSFER_ENCODED and encoding != "quoted-printable":
        return None
    try:
        # (7bit, 8bit: "decoding" gives the bytes as written; the undecoded payload of an
        # 8-bit part is text in its charset. Quoted-printable is ASCII as written)
        if encoding == "quoted-printable":
            body = part.get_payload(decode=False)
            raw = body.encode("ascii", "surrogateescape") if isinstance(body, str) else None
        else:
            decoded = part.get_payload(decode=True)
            raw = decoded if isinstance(decoded, bytes) else None
    except (LookupError, UnicodeError, ValueError):
        return None
    # the body stands right after its part's header block (an empty line): a text the file
    # holds elsewhere too (the HTML part's "Привет, !" as the text part's) is not it
    if not raw:
        return None
    at = _after_blank_line(data, raw)
    if len(at) != 1:
        return None
    first = data.count(b"\n", 0, at[0] - len(raw)) + 1
    quoted = quoted or encoding == "quoted-printable"
    starts = [first]
    rows = raw.split(b"\n")
    for number, row in enumerate(rows, first):
        if quoted:
            starts += [number] * len(_ENCODED_BREAK.findall(row))
        ends = number - first < len(rows) - 1  # (the last row ends where the part does)
        if ends and not (quoted and _QP_SOFT_END.search(row)):
            starts.append(number + 1)
    if len(starts) != text.count("\n") + 1:
        return None
    return tuple(starts)


def _after_blank_line(data: bytes, raw: bytes) -> list[int]:
    """Where each occurrence of ``raw`` right after an empty line (``\n\n`` or ``\n\r\n``)
    ends in ``data``, as ``re.finditer(rb"\n\r?\n" + re.escape(raw), data)`` finds them
    (apart: none overlaps the one before). Searched as bytes: that pattern, a literal of the
    whole body, was compiled by re's pure-Python parser for every part (a tenth of the
    corpus's run)."""
    ends: list[int] = []
    start = 0
    while (found := data.find(raw, start)) != -1:
        start = found + 1
        # the break before it: "\n\n", else "\n\r\n" (data[found - 2] tells which)
        if data.endswith(b"\n\n", 0, found):
            begins = found - 2
        elif data.endswith(b"\n\r\n", 0, found):
            begins = found - 3
        else:
            continue
        if not ends or begins >= ends[-1]:
            ends.append(found + len(raw))
    return ends


def _as_labelled(part: Message, payload: bytes, name: str, found: ParsedMessage) -> bytes:
    """The part's text as its author wrote it: quoted-printable under a label that says it is
    not (7bit, 8bit, none) is decoded, and the mislabel noted in ``found`` (HDR003).

    Mail clients trust the label and show the codes as written ("=3D" in every link); judged
    as shown, each broken link and image would be a finding of its own, all of one cause. The
    rules judge the text as meant, and one finding names the cause."""
    label = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if label in _TRANSFER_ENCODED or not _ENCODED_EQUALS.search(payload):
        return payload
    if _SOFT_BREAK.search(payload) or len(_ENCODED_ATTRIBUTE.findall(payload)) > 1:
        found.mislabelled.append((name, label))
        found.encoded_from[name] = next(
            (n for n, line in enumerate(payload.split(b"\n"), 1) if _QP_CODE.search(line)), 0
        )
        return _decoded_in_place(payload)
    return payload


def _stray_line(block: bytes) -> int | None:
    """The line where the parser takes the body from when fields a mail program knows come
    after it in the header block: a folded line that lost its leading space ("by localhost
    with SMTP; …" under a Received field) puts From, Subject and List-Unsubscribe in the
    body, and the rules would call each of them missing."""
    lines = block.splitlines()
    for number, match in _field_starts(lines):
        if match:
            continue
        later = (_FIELD_NAME.match(rest) for rest in lines[number:])
        known = any(m and m.group(0).rstrip(b": \t").lower() in _KNOWN_HEADERS for m in later)
        return number if known else None
    return None


# the fields a sent message has once each, or whose absence a rule reports: one of them in the
# body and not in the header block was lost from it (a forward's quoted "Cc:" is not that)
_ONCE_IN_EVERY = frozenset({"subject", "from", "to", "date", "message-id", "list-unsubscribe"})
# the fields a mail program or a list writes and a person never types in a message's text:
# one of them among the body's fields is the evidence that the fields are a header block's
# (a memo's "To: all staff", an event card's "Date: Saturday 14 March" are the body's own)
_WRITTEN_BY_PROGRAMS = frozenset(
    [
        "received",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "return-path",
        "dkim-signature",
        "delivered-to",
    ]
)


def _written_by_a_program(name: str) -> bool:
    """Whether a field of this name is one a person never types in copy: transport, MIME or
    a mailing list's (List-Unsubscribe, List-Id, any List-*)."""
    lowered = name.lower()
    return lowered in _WRITTEN_BY_PROGRAMS or lowered.startswith("list-")


@dataclass(frozen=True)
class _FieldsRun:
    """Header fields read as the body: the empty line that ended the header block early,
    the lines of the fields after it, those a mail program knows, and the empty lines among
    them (each of which ended, or would end, the block)."""

    ended: int
    first: int
    last: int
    names: tuple[str, ...]
    empty: tuple[int, ...]


def _fields_after_the_block(
    data: bytes, block: bytes, in_block: dict[str, list[int]]
) -> _FieldsRun | None:
    """The header fields that start the body, right after the empty line that ended the
    header block (an empty line slipped in among the fields), if the body starts so.

    The fields are read paragraph by paragraph while a paragraph is nothing but fields (and
    their folded lines): an empty line lost among the fields may not be the only one
    (SpamAssassin's nice/005 has two, each where a folded line was). Told only when it is
    certain: at least two fields, one that every message has once (or a rule asks for) and
    the header block lacks, and one that a mail program writes and a person never types
    (Received, Message-ID, MIME-Version, Content-Type, List-*…): a draft or an export without
    Date or To whose body opens like a memo ("To: all customers", "From: the management") or
    an event card ("Date: Saturday 14 March", "Time: 10am") is a body.
    A body that quotes a header is left a body: a forward or a bounce that says something
    before the fields, or quotes the fields the message has itself ("From:", "Subject:"
    of a forwarded message, with the same fields above), and a message/rfc822 body (the
    caller's), which is header fields by design.
    """
    lines = data[len(block) :].splitlines()[:400]
    ended = len(block.splitlines()) + 1  # lines[0] ends the block's last line; lines[1] is empty
    names: list[str] = []
    empty: list[int] = []
    first = last = 0
    index = 1
    while index < len(lines) and not lines[index].strip():
        empty.append(ended + index - 1)
        index += 1
    while index < len(lines):
        line = lines[index]
        match = _FIELD_NAME.match(line) if not line.startswith(b"--") else None  # a boundary
        if match:
            names.append(match.group(0).rstrip(b": \t").decode("ascii"))
            first, last = first or ended + index - 1, ended + index - 1
        elif line[:1] in (b" ", b"\t") and line.strip() and names:
            last = ended + index - 1  # a field's folded line
        elif line.strip():
            break  # text: the body proper (the fields of this paragraph still counted)
        else:  # an empty line: another paragraph of fields, or the body after them
            gap = index
            while index < len(lines) and not lines[index].strip():
                index += 1
            rest = lines[index] if index < len(lines) else b""
            if rest.startswith(b"--") or not _FIELD_NAME.match(rest):
                break
            empty.extend(ended + n - 1 for n in range(gap, index))
            continue
        index += 1
    known = [n for n in names if n.lower().encode() in _KNOWN_HEADERS]
    lacked = [n for n in known if n.lower() in _ONCE_IN_EVERY and n.lower() not in in_block]
    if len(names) < 2 or not lacked or not any(_written_by_a_program(n) for n in names):
        return None
    return _FieldsRun(ended, first, last, tuple(dict.fromkeys(known)), tuple(empty))


def _fields_in_the_body(run: _FieldsRun) -> str:
    """INP001's reason for header fields read as the body: where the block ended, which
    lines were lost to it, and which empty lines to delete."""
    if len(run.empty) == 1:
        return t(
            "broken header block: line {number} is empty, which ends the header block, so "
            "lines {first}-{last}, header fields ({fields}), are read as the body (delete "
            "line {number})",
            number=run.ended,
            first=run.first,
            last=run.last,
            fields=", ".join(run.names),
        )
    return t(
        "broken header block: line {number} is empty, which ends the header block, so "
        "lines {first}-{last}, header fields ({fields}), are read as the body (delete the "
        "empty lines among them: {empty})",
        number=run.ended,
        first=run.first,
        last=run.last,
        fields=", ".join(run.names),
        empty=", ".join(str(n) for n in run.empty),
    )


def _boundary_in_block(msg: Message, block: bytes) -> int | None:
    """The line of the header block that is the multipart's boundary, if one is: the block
    ran on into the body (no empty line after the fields), and the parser reads the boundary
    and the first part's fields as the message's own."""
    boundary = msg.get_boundary() if msg.get_content_maintype() == "multipart" else None
    if not boundary:
        return None
    delimiter = b"--" + boundary.encode("ascii", "replace")
    for number, line in enumerate(block.splitlines(), start=1):
        if line.rstrip() in (delimiter, delimiter + b"--"):
            return number
    return None


def _broken_header_line(block: bytes, starts: list[int], read: int) -> str:
    """Why the parser lost header fields: the first field it did not read (``starts``: the line
    of each field, ``read``: how many it read), where it took the body from.

    The fields from there on are lost to the rules (Subject, List-Unsubscribe…) while
    ``field_lines``, which reads RFC 5322's obsolete syntax too ("Name :"), still sees them: one
    INP001 instead of a false "no subject" and "no unsubscribe link". A block that only lacks its
    empty line before an HTML body loses no field and is read as is.
    """
    number = starts[read]
    shown = block.splitlines()[number - 1].decode("utf-8", "replace")[:60]
    return t(
        "broken header block: line {number} (“{line}”) is not a header field as mail programs "
        "read it, so the fields after it are read as the body",
        number=number,
        line=shown,
    )


def _read_whole(part: Message, payload: bytes, declared: str | None, name: str) -> None:
    """Raise NotAMessage when a body part (``payload``: its decoded bytes) lost text in its
    transfer encoding or its charset. What was lost (often the footer, the unsubscribe link
    with it) would otherwise be judged missing: one INP001 names the damage instead.

    The email package's defects tell (it records them while decoding the part). Harmless ones
    are not damage: base64 without its "=" padding decodes whole, and characters outside the
    base64 alphabet between whole groups of four are skipped (RFC 2045 §6.8), as by mail
    clients."""
    kinds = {type(d) for d in part.defects}
    why = None
    if email.errors.InvalidBase64LengthDefect in kinds:
        # 4n+1 letters: no decoder makes bytes of the last; email hands back the base64 as is
        why = t(
            "its base64 stops one letter into a group of four (cut short, or letters lost), "
            "so none of it could be decoded"
        )
    elif kinds >= _JUNK_IN_PLACE_OF_LETTERS:
        why = t(
            "its base64 holds characters outside the base64 alphabet and does not end on a "
            "whole group of four: letters are missing where they stand, and the text after "
            "them decodes to garbage"
        )
    else:
        encoding = cut_short(payload, declared)
        if encoding:
            why = t(
                "its {encoding} text has {count} bytes, which no {encoding} text has: it is "
                "cut short",
                encoding=encoding,
                count=len(payload),
            )
    if why:
        raise NotAMessage(t("the {part} could not be read fully: {why}", part=t(name), why=why))


_QP_CODE = re.compile(rb"=(?:[0-9A-F]{2}|\r?$)", re.I)


def _decoded_in_place(payload: bytes) -> bytes:
    """A quoted-printable part decoded with its lines where the part as written has them:
    mail clients show a mislabelled part as written, and findings name its lines. A line
    joined by soft breaks ("=" at the end) stands on its first line, and an empty line follows
    it for each line it took in (blank lines, which neither HTML nor a text reads)."""
    import quopri  # here: only a mislabelled part needs it

    decoded: list[bytes] = []
    joined: list[bytes] = []
    for line in payload.splitlines(keepends=True):
        joined.append(line)
        if _SOFT_BREAK.search(line):
            continue  # continued on the next line
        decoded.append(quopri.decodestring(b"".join(joined)) + b"\n" * (len(joined) - 1))
        joined = []
    if joined:
        decoded.append(quopri.decodestring(b"".join(joined)))
    return b"".join(decoded)


_HTML_OPENED = re.compile(r"<(?:html|body)\b", re.I)
_HTML_CLOSED = re.compile(r"</(?:html|body)\s*>", re.I)


def _not_cut_off(msg: Message, html_part: Message, html: str) -> None:
    """Raise NotAMessage when the saved message was cut off in its HTML part (a test send
    saved or copied incompletely): the rules would judge what was cut as missing (the footer's
    unsubscribe link, UNS001) or pass a message a reader gets half of.

    Told only when it is certain: the HTML stops inside a tag (no HTML ends with "<p><"), or
    the multipart's closing boundary is missing and the HTML part, the last of the file,
    opened <html> or <body> and closed neither. A closing boundary missing alone is no sign:
    it is missing from messages whose every part is whole (a mailer that leaves it out)."""
    text = html.rstrip()
    last = stops_inside_tag(text)
    unclosed = any(
        isinstance(d, email.errors.CloseBoundaryNotFoundDefect) for d in _all_defects(msg)
    )
    # a multipart that ends with its closing boundary was saved whole, whatever its HTML says
    whole = msg.is_multipart() and not unclosed
    if not whole and last is not None:
        why = t("its text/html part stops inside a tag (“{tail}”)", tail=text[last : last + 40])
    elif (
        unclosed
        and [p for p in msg.walk() if not p.is_multipart()][-1] is html_part
        and _HTML_OPENED.search(text)
        and not _HTML_CLOSED.search(text)
    ):
        why = t(
            "its multipart has no closing boundary, and its text/html part, the last, stops "
            "before </body> and </html>"
        )
    else:
        return
    raise NotAMessage(
        t("the message is cut off: {why}; save the test send again (the whole message)", why=why)
    )


# a Content-Type that writes its boundary without the ";" before it: the type, as written
_BOUNDARY_WITHOUT_SEMICOLON = re.compile(r"^([^;]*?)\sboundary\s*=", re.I)


def _no_boundary(msg: Message, block: bytes, lines: dict[str, list[int]]) -> str | None:
    """Why a multipart has no boundary, where its Content-Type writes one without the ";"
    that begins a parameter ("multipart/mixed<fold> boundary=…"): where, and what to add."""
    if msg.get_content_maintype() != "multipart" or msg.get_boundary():
        return None
    written = _BOUNDARY_WITHOUT_SEMICOLON.search(str(msg.get("Content-Type", "")))
    if not written or not lines.get("content-type"):
        return None
    number = lines["content-type"][0]
    block_lines = block.splitlines()
    at = next(
        (
            n
            for n in range(number, len(block_lines) + 1)
            if b"boundary" in block_lines[n - 1].lower()
        ),
        number,
    )
    return t(
        "the Content-Type on line {number} is {type} without a boundary parameter: no “;” "
        "comes before “boundary=” (line {at}), so it is not read as one and the parts cannot "
        "be told apart",
        number=number,
        type=written.group(1).strip().lower(),
        at=at,
    )


def _describe(defect: email.errors.MessageDefect, msg: Message, data: bytes) -> str:
    if isinstance(defect, email.errors.NoBoundaryInMultipartDefect):
        return t("a multipart message without a boundary parameter")
    if isinstance(defect, email.errors.StartBoundaryNotFoundDefect):
        closing = _closing_delimiter_line(defect, msg, data)
        if closing is not None:
            # only the opening line is mangled ("----fa**f__fawf" for "----faf__fawf")
            return t(
                "the boundary's opening delimiter “{delimiter}” never occurs; its closing "
                "delimiter does, at line {line}",
                delimiter=closing[0],
                line=closing[1],
            )
        taken = _taken_by_enclosing(defect, msg, data)
        if taken is not None:
            # a nested boundary that begins with the enclosing one ("x----" in "x--")
            return t(
                "the opening delimiter “{delimiter}” of a nested multipart, at line {line}, "
                "is read as the closing delimiter of the multipart around it, whose "
                "boundary is “{outer}”: that one ends there, and the nested one has no parts",
                delimiter=taken[0],
                line=taken[1],
                outer=taken[2],
            )
        return _what_occurs(defect, msg, data) or t(
            "the multipart boundary never occurs in the body"
        )
    return t("a multipart message whose body is not divided into parts")


# a line that looks like a multipart's delimiter: "--", then a boundary of no blanks with a
# letter or digit in it ("----------" is a rule drawn in text, "-- " a signature's)
_DELIMITER_LIKE = re.compile(rb"--([!-~]*[A-Za-z0-9][!-~]*)")


def _what_occurs(defect: email.errors.MessageDefect, msg: Message, data: bytes) -> str | None:
    """What the body writes instead of the delimiter of the multipart whose ``defect`` says
    its boundary never occurs, when that can be told: the declared boundary on lines of its
    own without the "--" a delimiter line starts with (SpamAssassin's mlist_yahoo_groups_message),
    or the delimiter of another boundary, a part's fields under it (SpamScope's
    mail_malformed_3: “--=_HsWzsKVZkho” declared, “----=_GlSzQZUbRbpVOpy” written). None
    when neither is written."""
    part = next((p for p in msg.walk() if any(d is defect for d in p.defects)), None)
    boundary = part.get_boundary() if part is not None else None
    if not boundary:
        return None
    declared = boundary.encode("utf-8", "surrogateescape")
    lines = [line.rstrip(b" \t") for line in data.splitlines()]
    bare = [n for n, line in enumerate(lines, 1) if line in (declared, declared + b"--")]
    if bare:
        return t(
            "the Content-Type's boundary “{boundary}” never occurs in the body as a delimiter "
            "line: the body writes it without the “--” a delimiter line starts with (line "
            "{lines}; “--{boundary}” is meant)",
            boundary=boundary,
            lines=", ".join(str(n) for n in bare),
        )
    # the delimiters of every boundary the message declares are no other boundary
    known = {
        b"--" + str(b).encode("utf-8", "surrogateescape")
        for b in (each.get_boundary() for each in msg.walk())
        if b
    }
    for number, line in enumerate(lines[:-1], 1):
        match = _DELIMITER_LIKE.fullmatch(line)
        if (
            match
            and line not in known
            and line.removesuffix(b"--") not in known
            and lines[number].lower().startswith(b"content-")
        ):
            return t(
                "the Content-Type's boundary “{boundary}” never occurs in the body; line "
                "{number} is the delimiter of another boundary, “{other}”, with a part's fields "
                "under it (change one of the two to match the other)",
                boundary=boundary,
                number=number,
                other=match.group(1).decode("utf-8", "replace")[:70],
            )
    return None


def _taken_by_enclosing(
    defect: email.errors.MessageDefect, msg: Message, data: bytes
) -> tuple[str, int, str] | None:
    """Where the opening delimiter of the multipart whose ``defect`` says it never occurs is
    written after all, read as an enclosing multipart's closing delimiter: a nested boundary
    that begins with an enclosing one and "--" ("x----" inside "x--": "--x----" is "--x--"
    and "--", RFC 2046's closing delimiter, which ends the enclosing one). (the opening
    delimiter, its line, the enclosing boundary); None when it is not written or no
    enclosing boundary takes it."""
    parents: dict[int, Message] = {}
    for each in msg.walk():
        for child in each.get_payload() if each.is_multipart() else ():
            parents[id(child)] = each
    part = next((p for p in msg.walk() if any(d is defect for d in p.defects)), None)
    boundary = part.get_boundary() if part is not None else None
    if part is None or not boundary:
        return None
    delimiter = "--" + boundary
    opening = delimiter.encode("utf-8", "surrogateescape")
    lines = [line.rstrip(b" \t") for line in data.splitlines()]
    if opening not in lines:
        return None
    enclosing = parents.get(id(part))
    while enclosing is not None:
        outer = enclosing.get_boundary()
        if outer and opening == ("--" + outer + "--").encode("utf-8", "surrogateescape"):
            return delimiter, lines.index(opening) + 1, outer
        enclosing = parents.get(id(enclosing))
    return None


def _closing_delimiter_line(
    defect: email.errors.MessageDefect, msg: Message, data: bytes
) -> tuple[str, int] | None:
    """The opening delimiter ("--" and the boundary) of the multipart whose ``defect`` says
    it never occurs, and the line of the message where its closing delimiter does (RFC 2046:
    "--boundary--" on a line of its own, blanks after it allowed); None when it does not, or
    when the opening delimiter is written after all."""
    part = next((p for p in msg.walk() if any(d is defect for d in p.defects)), None)
    boundary = part.get_boundary() if part is not None else None
    if not boundary:
        return None
    delimiter = "--" + boundary
    opening = delimiter.encode("utf-8", "surrogateescape")
    closing = opening + b"--"
    lines = [line.rstrip(b" \t") for line in data.splitlines()]
    if opening in lines:
        # it is written, though not where this multipart's body is (an enclosing multipart's
        # boundary that ends the same way took it): no "never occurs" to say
        return None
    return next(
        ((delimiter, number) for number, line in enumerate(lines, 1) if line == closing), None
    )


def _all_defects(msg: Message) -> list[email.errors.MessageDefect]:
    found: list[email.errors.MessageDefect] = []
    for part in msg.walk():
        found.extend(part.defects)
    return found


def _body_parts(msg: Message) -> tuple[Message | None, Message | None, Message | None]:
    """The first text/html, text/plain and text/x-amp-html parts of the message itself.

    Attachments and attached messages (message/rfc822, forwarded mails, bounces' originals)
    are not this message's body.
    """
    html: Message | None = None
    text: Message | None = None
    amp: Message | None = None
    for part in _body(msg):
        if part.is_multipart() or (part is not msg and _is_attachment(part)):
            continue
        ctype = part.get_content_type()
        if ctype == "text/html" and html is None:
            html = part
        elif ctype == "text/plain" and text is None:
            text = part
        elif ctype == "text/x-amp-html" and amp is None:
            amp = part
    return html, text, amp


def _text_after_html(msg: Message) -> bool:
    """Whether a multipart/alternative of the body offers text/plain after the HTML (an
    HTML alternative may be a multipart/related holding it with its images)."""

    def kind(part: Message) -> str:
        # (a part without a Content-Type is text/plain by default: in a broken structure the
        # empty rest after the last part's boundary is one, and no alternative anyone wrote)
        if part.get_content_type() == "text/plain" and part["Content-Type"] is not None:
            return "text"
        if any(p.get_content_type() == "text/html" for p in part.walk()):
            return "html"
        return ""

    for part in _body(msg):
        if part.get_content_type() == "multipart/alternative":
            kinds = [kind(c) for c in _children(part) if not _is_attachment(c)]
            if "html" in kinds and "text" in kinds[kinds.index("html") :]:
                return True
    return False


def _body(msg: Message) -> Iterator[Message]:
    """The message and its parts in the order written, without what is attached as a message
    (message/rfc822: a forwarded mail, a bounce's original), which is not this message's body."""
    stack = [msg]
    while stack:
        part = stack.pop()
        if part.is_multipart() and part.get_content_maintype() == "message" and part is not msg:
            continue
        yield part
        if part.is_multipart():
            stack.extend(reversed(_children(part)))


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else []


def _is_attachment(part: Message) -> bool:
    disposition = part.get("Content-Disposition")
    return bool(disposition and str(disposition).strip().lower().startswith("attachment"))


def _payload(part: Message) -> bytes:
    """The decoded bytes of a leaf part (quoted-printable, base64, 7/8-bit)."""
    try:
        payload = part.get_payload(decode=True)
    except Exception as exc:  # compat32 is forgiving; anything left is a broken part
        raise NotAMessage(t("MIME part could not be decoded: {why}", why=str(exc))) from exc
    if isinstance(payload, bytes):
        return payload
    return b""


_TRANSFER_ENCODED = frozenset(
    {"quoted-printable", "base64", "x-uuencode", "uuencode", "uue", "x-uue"}
)


def _encoded_size(part: Message) -> int:
    """Bytes of a leaf part's body as it travels (before transfer decoding)."""
    if str(part.get("Content-Transfer-Encoding", "")).strip().lower() not in _TRANSFER_ENCODED:
        # 7bit, 8bit, binary: it travels as its bytes, which "decoding" returns unchanged. (The
        # undecoded payload is text in the part's charset: its UTF-8 length counted every
        # windows-1251 or KOI8-R letter twice, and an RFC 2231 charset*= crashed the read.)
        return len(_payload(part))
    try:
        body = part.get_payload(decode=False)
    except (LookupError, UnicodeError, ValueError):
        # an 8-bit body under a label no text codec reads ("charset=punycode"): email decodes
        # it for this; its bytes, decoded from the transfer encoding, are what travels
        decoded = part.get_payload(decode=True)
        return len(decoded) if isinstance(decoded, bytes) else 0
    return len(body.encode("utf-8", "surrogateescape")) if isinstance(body, str) else 0


def _unfold(value: str) -> str:
    return _LINE_BREAK.sub("", _FOLD.sub("", value))


def decode_header_value(raw: str, declared: Sequence[str] = ()) -> str:
    """A header's text: unfolded, 8-bit bytes decoded, RFC 2047 encoded words decoded.

    ``declared``: the charsets the message's parts declare, which raw 8-bit bytes are read in
    before any guess (:func:`mailcheck.charsets.header_text`)."""
    return _decoded_header(raw, declared)[0]


def _decoded_header(raw: str, declared: Sequence[str] = ()) -> tuple[str, list[tuple[str, str]]]:
    """:func:`decode_header_value`, and the (label, charset) of each encoded word whose bytes
    are in a charset other than its label's (:func:`_read_as_meant`)."""
    if _SURROGATE_ESCAPE.search(raw):
        # compat32 keeps raw 8-bit header bytes as surrogate escapes
        raw = header_text(raw.encode("ascii", "surrogateescape"), declared)
    value = _unfold(raw).strip()
    if "=?" not in value:
        return value, []
    try:
        chunks = decode_header(value)
    except Exception:  # malformed encoded words (bad base64): keep the text as written
        return value, []
    out: list[str] = []
    misread: list[tuple[str, str]] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None and not value.isascii():
            # beside an encoded word, decode_header hands back 8-bit text (already decoded
            # above) as raw-unicode-escape bytes: read as ASCII it was "\\u041f\\u0440…"
            out.append(chunk.decode("raw-unicode-escape", errors="replace"))
        elif charset is None:
            out.append(chunk.decode("ascii", errors="replace"))
        else:
            text, mislabel = _read_as_meant(chunk, charset)
            out.append(text)
            if mislabel:
                misread.append(mislabel)
    # an encoded word may carry a line break of its own ("=?koi8-r?B?4czGwdfJ1Ao=?=")
    text = _LINE_BREAK.sub(" ", "".join(out).replace("\r", "\n")).strip()
    return text, list(dict.fromkeys(misread))


def _raw_8bit_charset(raw: str, declared: Sequence[str]) -> str | None:
    """The charset (codec) a header field's raw 8-bit bytes (no RFC 2047 word) are read in
    when they are not UTF-8, which RFC 6532 alone allows (RFC 5322 is ASCII): a mail client
    guesses, or reads them in a charset of its own. None for ASCII and UTF-8 (a few broken
    sequences of UTF-8 are "�", which BRF003 tells as such)."""
    if not _SURROGATE_ESCAPE.search(raw):
        return None
    codec = header_charset(raw.encode("ascii", "surrogateescape"), declared)
    return None if codec == "utf-8" else codec


def _label_unread(data: bytes, label: str) -> str | None:
    """The charset (codec) mailcheck guesses for a part's bytes beyond ASCII that its label
    does not read (:func:`labelled_text`), or None: a mail client reads the label and shows
    something else, or guesses otherwise; the rules judged a guess, never silently."""
    if labelled_text(data, label) is not None:
        return None
    codec = unlabelled_charset(data)
    # UTF-8 with a broken sequence or two is read as labelled (a "�" each, told as such)
    return None if codec == known_charset(label) else codec


def _read_as_meant(
    data: bytes, declared: str | None, html: bool = False
) -> tuple[str, tuple[str, str] | None]:
    """Text as its author wrote it, and (the label's codec, the bytes' codec) when its label
    names a charset the bytes are not in: UTF-8 on windows-1251 or KOI8-R bytes, KOI8-R and
    windows-1251 swapped. Mail clients read the label ("�" for every letter, or every
    Cyrillic letter another: «оПХБЕР»); the rules judge the text as meant (an unsubscribe
    link's «Отписаться» is one), and BRF003 names the label once. UTF-8 under another label
    (:func:`utf8_under_label`; in an HTML part, told by the bytes a reader sees) is read as
    UTF-8: a client shows «Привет» as «п÷я─п╦п╡п╣я┌» under KOI8-R, and the preview text
    PRE001 quotes is the text as meant."""
    if codec := utf8_label_misread(data, declared):
        return decode_bytes(data, declared), ("utf-8", codec)
    if utf8_under_label(unseen_blanked(data) if html else data, declared):
        return data.decode("utf-8", errors="replace"), (known_charset(declared) or "", "utf-8")
    if codec := cyrillic_table_misread(data, declared):
        return data.decode(codec, errors="replace"), (known_charset(declared) or "", codec)
    return decode_bytes(data, declared), None


def _return_path(value: str | None) -> str | None:
    if not value:
        return None
    address = value.strip().strip("<>").strip()
    return address or None  # "<>" is the null sender: no envelope domain


def _public(ip: str) -> str | None:
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in net for net in _NOT_PUBLIC if net.version == address.version):
        return None
    return str(address)


def _all(raw_headers: list[tuple[str, str]], name: str) -> list[str]:
    name = name.lower()
    return [value for key, value in raw_headers if key.lower() == name]


_SPF_HELO = re.compile(r"\bhelo\s*=\s*\"?([A-Za-z0-9][A-Za-z0-9.-]*)", re.I)
_HELO_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)\.?$")


def sending_helo(raw_headers: list[tuple[str, str]]) -> str | None:
    """The HELO/EHLO name of the server that handed the message to the receiver: the
    receiver's ``Received-SPF: … helo=`` or the ``from`` name of the Received header that
    :func:`sending_ips` reads (a domain name, not an address literal), lower-cased."""
    for value in _all(raw_headers, "Received-SPF"):
        match = _SPF_HELO.search(_unfold(value))
        if match and _HELO_NAME.match(match.group(1)):
            return match.group(1).rstrip(".").lower()
    for value in _all(raw_headers, "Received"):
        clause = _RECEIVED_FROM.match(_unfold(value))
        if not clause or not any(
            _public(next(g for g in m.groups() if g))
            for m in _BRACKETED_IP.finditer(clause.group(1))
        ):
            continue
        name = clause.group(1).split()[0] if clause.group(1).split() else ""
        found = _HELO_NAME.match(name)
        if found and not _BRACKETED_IP.fullmatch(name):
            return found.group(1).lower()
        return None
    return None


def sending_ips(raw_headers: list[tuple[str, str]]) -> list[str]:
    """The IP the message came from into the receiving system (one, or none when unknown).

    SPF is judged for the address that handed the message to the recipient's system, so:

    1. the address the receiver itself says it evaluated SPF for (``Received-SPF: …
       client-ip=``, or ``Authentication-Results`` "designates IP as permitted sender" /
       "sender IP is IP"), top-most header first;
    2. else the top-most ``Received`` header whose ``from`` clause names a public address:
       receivers add headers at the top, their own internal hops carry private addresses or no
       ``from`` clause, so the first public one counting down is the hop into the receiver.
       Counting up from the bottom would find the sender's own client or the ESP's API caller,
       which SPF does not cover.

    Private, loopback, link-local, shared (100.64/10) and multicast addresses never count;
    documentation ranges (192.0.2.0/24 …) do, as test sends and fixtures use them.
    """
    for name in ("Received-SPF", "Authentication-Results", "ARC-Authentication-Results"):
        for value in _all(raw_headers, name):
            for match in _SPF_CLIENT_IP.finditer(_unfold(value)):
                ip = _public(next(g for g in match.groups() if g))
                if ip:
                    return [ip]
    for value in _all(raw_headers, "Received"):
        clause = _RECEIVED_FROM.match(_unfold(value))
        if not clause:
            continue
        for match in _BRACKETED_IP.finditer(clause.group(1)):
            ip = _public(next(g for g in match.groups() if g))
            if ip:
                return [ip]
    return []
