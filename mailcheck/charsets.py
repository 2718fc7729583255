"""Bytes to text for e-mail bodies and headers, whatever charset they claim (or do not).

The declared charset, read as mail clients read it (GB2312 as GB18030, ISO-8859-1 as
windows-1252: the WHATWG Encoding Standard), when the bytes fit; else UTF-8 (with a few broken
sequences as U+FFFD); else a guess between
windows-1251, KOI8-R and windows-1252 (Russian test sends still arrive with undeclared or bogus
charsets). Decoding never fails: unknown bytes become U+FFFD.
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from collections.abc import Iterable

_CYRILLIC_NEXT_TO_LATIN = re.compile(r"[A-Za-z][а-яёА-ЯЁ]|[а-яёА-ЯЁ][A-Za-z]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)


# Text codecs that are no charset of a mail body: a label naming them is unknown
_NOT_CHARSETS = frozenset(
    {"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined", "mbcs", "oem"}
)


# A byte-order mark names the encoding and wins over a <meta> (as in browsers): Windows editors
# save "Unicode" files (Notepad's HTML, Excel's "Unicode Text" samples) as UTF-16 with one.
# UTF-32's marks first: the little-endian one begins with UTF-16's.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF8, "utf-8-sig"),
)


def marked_text(data: bytes) -> str | None:
    """The text of bytes that begin with a byte-order mark (the mark dropped), else None."""
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return data.decode(codec, errors="replace")
    return None


def not_utf8(data: bytes, error: UnicodeDecodeError) -> tuple[int, bool]:
    """Where a file that must be UTF-8 (TOML) is not: the 1-based line of the first byte that
    is not, and whether the file is UTF-16 by its byte-order mark (Notepad's "Unicode")."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    return data.count(b"\n", 0, error.start) + 1, utf16


def utf8_text(data: bytes) -> str | None:
    """The bytes read as UTF-8, else None.

    A few broken sequences (a character cut in half where a tool cut the text by bytes, one
    stray byte) become U+FFFD, as a mail client or browser shows them: read as windows-1251
    instead, every other letter of the text turned to mojibake. Bytes of another charset
    (windows-1251, KOI8-R) almost never form a UTF-8 sequence: where broken sequences are as
    many as the characters read, the text is not UTF-8.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    broken = replaced - data.count("\ufffd".encode())
    read = len(text) - len(text.encode("ascii", errors="ignore")) - replaced
    return text if read > broken else None


_FFFD_REFERENCE = re.compile(r"&#(?:65533|[xX]0*[fF]{3}[dD]);")


def replacement_written(data: bytes, text: str) -> bool:
    """Whether the replacement characters "�" of ``text`` (``data`` decoded) are written in
    ``data`` itself: as UTF-8 bytes or a ``&#65533;`` reference. Every reader then sees them,
    whatever charset a mail client picks; a "�" that only mailcheck's decode put in place of
    bytes it could not read is not that certain."""
    if "\ufffd" in text:
        return text.count("\ufffd") <= data.count("\ufffd".encode())
    return bool(_FFFD_REFERENCE.search(text))


# An HTML comment, as a browser's prescan for the charset skips it: "<!-->" and "<!--->" end
# at once (the dashes of "<!--" may close it), one never closed runs to the end
_HTML_COMMENT = re.compile(rb"<!--(?:>|->|.*?-->|.*\Z)", re.S)


def meta_charset(html: bytes) -> str | None:
    """The charset an HTML file declares in a ``<meta>`` near its top, if any."""
    found = meta_charset_at(html)
    return found[0] if found else None


def meta_charset_at(html: bytes) -> tuple[str, int] | None:
    """The charset an HTML file declares in a ``<meta>`` near its top and the offset of that
    ``<meta>``, if any: the first outside comments, as browsers read it (the HTML standard's
    prescan). A ``<meta>`` commented out ("<!-- old: <meta charset=windows-1251> -->") is
    no label: a browser reads the one after it."""
    head = html[:4096]
    comments = [m.span() for m in _HTML_COMMENT.finditer(head)]
    for match in _META_CHARSET.finditer(head):
        if not any(start <= match.start() < end for start, end in comments):
            return match.group(1).decode("ascii").lower(), match.start()
    return None


# Labels mail and web pages use that Python does not know, as the WHATWG Encoding Standard
# reads them (its table of labels), and two that mail writes by mistake
_LABELS = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "win-1251": "cp1251",
    "cp-1251": "cp1251",
    **{f"x-cp125{n}": f"cp125{n}" for n in range(9)},
    "windows-874": "cp874",
    "dos-874": "cp874",
    "koi": "koi8-r",
    "koi8": "koi8-r",
    "iso88595": "iso8859-5",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "koi8-ru": "koi8-u",
    "x-gbk": "gbk",
    "csgb2312": "gb2312",
    "gb_2312-80": "gb2312",
    "iso-ir-58": "gb2312",
    "windows-31j": "cp932",
    "x-sjis": "cp932",
    "x-euc-jp": "euc-jp",
    "windows-949": "cp949",
    "iso-8859-8-i": "iso8859-8",
}

# Charsets that mail clients and browsers read as a larger one (the WHATWG Encoding Standard).
# A single-byte label is read with the larger table first: its own would read every byte, the
# quotes and dashes Outlook writes at 0x80-0x9F as C1 controls.
_READ_AS = {
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
}
# A multi-byte label is read with its own table first (the few characters the extensions map
# elsewhere stay the label's), then with the extension every reader knows: a GB2312 subject
# with one GBK character (屄) did not decode, and was guessed into KOI8-R box drawings
_EXTENDED = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
}


def known_charset(name: str | None) -> str | None:
    """Python's codec name for a charset label, or None when unknown or not a text codec."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _LABELS.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # base64, rot13 …: bytes-to-bytes codecs are not charsets
    if info.name in _NOT_CHARSETS:
        return None

    return info.name


def charset_name(codec: str) -> str:
    """A charset as mail and web pages write its label (Python's codec names are not):
    windows-1251 for cp1251, koi8-r, iso-8859-1 for iso8859-1, utf-8."""
    name = codec.lower().replace("_", "-")
    if re.fullmatch(r"cp125\d", name):
        return f"windows-{name[2:]}"
    if re.fullmatch(r"iso8859-\d+", name):
        return f"iso-{name[3:]}"
    return {"mac-cyrillic": "x-mac-cyrillic", "mac-roman": "macintosh"}.get(name, name)


def read_as(codec: str | None) -> str | None:
    """The codec mail clients and browsers read a charset's text with (its WHATWG superset)."""
    return _READ_AS.get(codec) or _EXTENDED.get(codec) or codec if codec else None


# Encodings whose every character takes whole code units of this many bytes
_UNIT_BYTES = {
    "utf-16": 2,
    "utf-16-le": 2,
    "utf-16-be": 2,
    "utf-32": 4,
    "utf-32-le": 4,
    "utf-32-be": 4,
}


def cut_short(data: bytes, declared: str | None = None) -> str | None:
    """The encoding (``UTF-16``, ``UTF-32``) whose text ``data`` is, when its bytes stop in the
    middle of a code unit: no text in it has such a length, so its end was cut off. Else None."""
    codec = known_charset(declared)
    if codec not in _UNIT_BYTES:
        marked = next(
            (c for mark, c in _BYTE_ORDER_MARKS if c in _UNIT_BYTES and data.startswith(mark)), None
        )
        if marked is None or (codec is not None and _reads_as(data, codec)):
            return None  # no mark, or the declared charset reads it ("яю…" in windows-1251)
        codec = marked
    if codec is None or len(data) % _UNIT_BYTES[codec] == 0:
        return None
    return "UTF-16" if _UNIT_BYTES[codec] == 2 else "UTF-32"


def _reads_as(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Text from bytes: the declared charset, else the one a byte-order mark names, else UTF-8,
    else a Cyrillic/Western guess."""
    text = labelled_text(data, declared)
    if text is not None:
        return text
    text = marked_text(data)
    if text is None:
        text = utf8_text(data)
    return text if text is not None else guess_8bit(data)


def labelled_text(data: bytes, declared: str | None) -> str | None:
    """The bytes read in the charset their label names, as mail clients read it; None when
    the label names no charset known here, or one the bytes are not in (``decode_bytes``
    then guesses, and the reader of the label sees something else than the text read)."""
    declared_codec = known_charset(declared)
    # as mail clients read the label (the five bytes windows-1252 leaves undefined are
    # Latin-1's; a multi-byte label's extension reads what its own table lacks)
    if declared_codec in _READ_AS:
        codecs_to_try: tuple[str | None, ...] = (_READ_AS[declared_codec], declared_codec)
    else:
        codecs_to_try = (declared_codec, _EXTENDED.get(declared_codec or ""))
    for codec in codecs_to_try:
        if codec is not None:
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                if codec in _UNIT_BYTES and exc.start >= len(data) - _UNIT_BYTES[codec]:
                    # UTF-16/32 cut short (an odd byte count): the text is all there but its
                    # last character. Read on as UTF-8, every letter became mojibake.
                    return data.decode(codec, errors="replace")
                if codec.startswith("iso2022"):
                    # 7-bit escape sequences are no 8-bit text to guess at: the charset is
                    # right. Microsoft's ISO-2022-JP writes NEC's and IBM's characters ("№",
                    # "①") that Python's codec lacks and mail clients show: read as they
                    # read them; another character no table has is one "�", not escape
                    # codes in the subject
                    if codec == "iso2022_jp":
                        try:
                            return iso2022_jp_as_windows(data)
                        except UnicodeDecodeError:
                            pass
                    return data.decode(codec, errors="replace")
                # mislabelled (often "us-ascii" on UTF-8 or windows-1251 bytes)
    return None


# ISO-2022-JP's escape sequences (RFC 1468) and the character set each one switches to
_ISO2022_JP_SETS = {
    b"\x1b(B": "ascii",
    b"\x1b(J": "roman",  # JIS X 0201 Roman: ASCII but for "¥" and "‾"
    b"\x1b(I": "kana",  # JIS X 0201 half-width katakana (Microsoft's CP50222 writes it)
    b"\x1b$@": "jis",  # JIS C 6226-1978, read with JIS X 0208's table as clients do
    b"\x1b$B": "jis",  # JIS X 0208
}
_ISO2022_JP_ESCAPE = re.compile(rb"\x1b(?:\(B|\(J|\(I|\$@|\$B)")


def iso2022_jp_as_windows(data: bytes) -> str:
    """ISO-2022-JP text as Windows mail clients read it (Microsoft's CP50220 family): JIS X
    0208 with NEC's row 13 ("№" at 0x2D62, "①", "㈱") and IBM's extensions, which Python's
    ``iso2022_jp`` codec refuses. Each two-byte JIS code is read through its Shift_JIS code
    in cp932, the same characters in Microsoft's table. Raises UnicodeDecodeError for bytes
    that are no such text (another escape sequence, a code outside the table)."""
    out: list[str] = []
    mode, pos = "ascii", 0
    for m in [*_ISO2022_JP_ESCAPE.finditer(data), None]:
        end = m.start() if m is not None else len(data)
        out.append(_iso2022_jp_run(data, pos, end, mode))
        if m is not None:
            mode, pos = _ISO2022_JP_SETS[m.group()], m.end()
    return "".join(out)


def _iso2022_jp_run(data: bytes, start: int, end: int, mode: str) -> str:
    """The bytes ``data[start:end]``, written in one of ISO-2022-JP's sets, as text."""
    run = data[start:end]
    if b"\x1b" in run or (mode != "ascii" and any(b > 0x7F for b in run)):
        raise UnicodeDecodeError("iso2022_jp", data, start, end, "no ISO-2022-JP text")
    if mode == "ascii":
        return run.decode("ascii")
    if mode == "roman":
        return run.decode("ascii").replace("\\", "¥").replace("~", "‾")
    if mode == "kana":
        return bytes(b + 0x80 if 0x21 <= b <= 0x5F else b for b in run).decode("cp932")
    if len(run) % 2:
        raise UnicodeDecodeError("iso2022_jp", data, start, end, "half a JIS code")
    sjis = bytearray()
    for first, second in zip(run[::2], run[1::2], strict=True):
        if not (0x21 <= first <= 0x7E and 0x21 <= second <= 0x7E):
            raise UnicodeDecodeError("iso2022_jp", data, start, end, "no JIS code")
        lead = ((first - 0x21) >> 1) + 0x81
        trail = second + (0x1F if first & 1 else 0x7E)
        if first & 1 and trail >= 0x7F:
            trail += 1  # Shift_JIS skips 0x7F
        sjis += bytes((lead + 0x40 if lead > 0x9F else lead, trail))
    try:
        return bytes(sjis).decode("cp932")
    except UnicodeDecodeError as exc:
        raise UnicodeDecodeError("iso2022_jp", data, start, end, exc.reason) from None


def header_text(data: bytes, declared: Iterable[str] = ()) -> str:
    """Raw 8-bit bytes of a header field (written without RFC 2047 words) as text: UTF-8 when
    they are (RFC 6532), else the first charset the message itself declares (its parts'
    ``charset=``) that reads them, else :func:`decode_bytes`'s guess.

    A sender writes its header and its body with one encoder: a GB2312 subject in a GB2312
    message was guessed as KOI8-R box drawings ("х╚пбт╜в╟"), 63 characters for 32.
    """
    codec = _header_reader(data, declared)
    return data.decode(codec) if codec else decode_bytes(data)


def header_charset(data: bytes, declared: Iterable[str] = ()) -> str:
    """The charset (codec) :func:`header_text` reads raw 8-bit header bytes in: "utf-8" for
    UTF-8 (RFC 6532, or a few broken sequences), else a charset the message declares, else
    the guess's."""
    return _header_reader(data, declared) or unlabelled_charset(data) or "utf-8"


def _header_reader(data: bytes, declared: Iterable[str]) -> str | None:
    """UTF-8 when the bytes are, else the first charset of ``declared`` that reads them."""
    if _reads_as(data, "utf-8"):
        return "utf-8"
    for label in declared:
        codec = known_charset(label)
        if codec is None or codec in _UNIT_BYTES or codec.startswith("iso2022"):
            continue  # UTF-16/32 and 7-bit escapes are no 8-bit header text
        for reader in dict.fromkeys((read_as(codec), codec)):
            if reader is not None and _reads_as(data, reader):
                return reader
    return None


def utf8_label_misread(data: bytes, declared: str | None) -> str | None:
    """The charset bytes labelled UTF-8 are really in (windows-1251, KOI8-R, windows-1252),
    None when the label reads them. A mail client reads them as the label says: every letter
    beyond ASCII a "�". A few broken sequences (a character cut in half) are no mislabel."""
    if known_charset(declared) != "utf-8" or utf8_text(data) is not None:
        return None
    text = guess_8bit(data)
    return next(
        (c for c in ("cp1251", "koi8_r", "cp1252") if data.decode(c, errors="replace") == text),
        None,
    )


def html_label_misread(data: bytes, declared: str | None) -> tuple[str, str] | None:
    """(the label's codec, the bytes' codec) when an HTML file's ``<meta>`` declares a charset
    its bytes are certainly not in; None when the label reads them, or it cannot be told.

    A browser, and a mail client or an ESP's import that reads the ``<meta>``, shows the text
    as labelled. Told where it is certain: UTF-8 labelled on bytes that are not
    (:func:`utf8_label_misread`); bytes that are UTF-8 to the last byte under a single-byte
    label (windows-1251, KOI8-R, ISO-8859-1 …), with two characters or more beyond ASCII or
    one sign ("©", "—": text in those charsets almost never forms a UTF-8 sequence, the
    letters of a Russian word never do, and a sign's reads "Â©", "â€”", which no text
    writes); KOI8-R and windows-1251 swapped (:func:`cyrillic_labels_swapped`). Told by
    the bytes a reader sees (:func:`unseen_blanked`): a comment, script or style in another
    charset is shown to nobody."""
    label = known_charset(declared)
    data = unseen_blanked(data)  # what no reader sees tells nothing of what one does
    if label is None or data.isascii():
        return None
    if label == "utf-8":
        codec = utf8_label_misread(data, declared)
        return (label, codec) if codec else None
    if utf8_under_label(data, declared):
        return label, "utf-8"
    if _single_byte(label) and _reads_as(data, "utf-8"):
        return None  # UTF-8 with too little beyond ASCII to tell
    codec = cyrillic_table_misread(data, declared)
    return (label, codec) if codec else None


# Charsets of two bytes to a character (Chinese, Japanese, Korean) whose text is told from
# UTF-8 under their label: their bytes form a UTF-8 sequence about one character in eight
_DOUBLE_BYTE = frozenset(
    {"gb2312", "gbk", "gb18030", "big5", "big5hkscs", "shift_jis", "cp932", "euc_jp", "euc_kr"}
    | {"cp949", "cp950", "johab"}
)


def utf8_under_label(data: bytes, declared: str | None) -> bool:
    """Whether bytes labelled with a charset other than UTF-8 are certainly UTF-8: a mail
    client or browser reads the label, and shows each letter beyond ASCII as two or three
    others («Привет» as «РџСЂРёРІРµС‚» under windows-1251, «你好» as «浣犲ソ» under GB2312).

    Under a single-byte label (windows-1251, KOI8-R, ISO-8859-1 …): UTF-8 to the last byte,
    with two characters or more beyond ASCII or one sign ("©", "—"): text in those charsets
    almost never forms a UTF-8 sequence, the letters of a Russian word never do, and a
    sign's reads "Â©", "â€”", which no text writes. Under a double-byte one (GB2312,
    Shift_JIS, Big5, EUC-KR …): UTF-8 to the last byte with letters beyond ASCII all of one
    script, four or more of Chinese, Japanese or Korean, twelve or more of another (Cyrillic,
    Latin): such text forms a UTF-8 sequence about one character in eight, mostly two-byte
    letters."""
    label = known_charset(declared)
    if label is None or label.startswith("utf") or data.isascii():
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    beyond_ascii = [c for c in text if not c.isascii()]
    if _single_byte(label):
        return len(beyond_ascii) >= 2 or unicodedata.category(beyond_ascii[0])[0] in "PSZ"
    if label not in _DOUBLE_BYTE:
        return False
    letters = [c for c in beyond_ascii if c.isalpha()]
    scripts = {_script(c) for c in letters}
    if len(scripts) != 1:
        return False
    # Chinese, Japanese or Korean read from UTF-8 take three bytes a letter, which a double-byte
    # text rarely lines up with; two-byte letters (Cyrillic, Latin) it forms often: 139 common
    # hanzi in GB2312 are valid UTF-8 Cyrillic («谢谢小雪» reads «ллСѩ»), 231 Latin, and short
    # words of them are real text (a QA probe) — so those need a longer run to be certain
    return len(letters) >= (4 if scripts <= {"CJK", "HANGUL"} else _TWO_BYTE_LETTERS)


# UTF-8 two-byte letters under a double-byte label that are certainly not its own text: a
# GB2312 name or short phrase can be all coincidence letters, twelve in one script are not
_TWO_BYTE_LETTERS = 12


def _script(letter: str) -> str:
    """A letter's script as its Unicode name begins (CYRILLIC, LATIN, HANGUL …), Chinese and
    Japanese letters one ("CJK": Han, hiragana and katakana write one text, «々» too)."""
    name = unicodedata.name(letter, "")
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC", "HALFWIDTH KATAKANA")):
        return "CJK"
    return name.split(" ", 1)[0]


# What no reader of an HTML sees: scripts, styles and comments — not Outlook's conditional
# comments ("<!--[if mso]>"), whose content Outlook shows
_UNSEEN = re.compile(
    rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--(?!\[if\b)(?:>|->|.*?-->|.*\Z)",
    re.S | re.I,
)


def unseen_blanked(html: bytes) -> bytes:
    """An HTML's bytes with its scripts, styles and comments blanked to one space each: the
    bytes a reader sees the text of (a UTF-8 comment «<!-- Вёрстка: Иван -->» in a page
    labelled windows-1251 is garbled where nobody looks)."""
    return _UNSEEN.sub(b" ", html)


def _single_byte(codec: str) -> bool:
    """Whether each byte is one character of ``codec`` (windows-1251, KOI8-R, ISO-8859-x)."""
    if codec.startswith(("utf", "iso2022")):
        return False
    return len(bytes(range(128, 256)).decode(codec, errors="replace")) == 128


# KOI8-R and windows-1251 put Russian's lower-case letters where the other has its capitals,
# in another order: read with the other's table, «Привет, скидки» shows as «оПХБЕР, ЯЙХДЙХ»
_SWAPPED = {"cp1251": "koi8_r", "koi8-r": "cp1251"}
_CYRILLIC_WORD = re.compile(r"[а-яёА-ЯЁ]+")
_RUSSIAN_VOWELS = frozenset("аеёиоуыэюя")


def cyrillic_labels_swapped(data: bytes, declared: str | None) -> str | None:
    """The charset (codec) of bytes labelled windows-1251 that are KOI8-R, or labelled KOI8-R
    that are windows-1251; None when the label reads them as Russian, or it cannot be told.

    Told only when certain, by :func:`_reads_swapped`: a mail client reads the label, and
    every Cyrillic letter is another, in either direction; read as labelled, the text must
    be no text (:func:`_shown_garbled`: a word of inverted case, a box drawing; or
    :func:`_shows_no_word`: a word as no Cyrillic language writes it). (The corpus's and the
    real-world campaigns' texts with Cyrillic, mailcheck's Russian catalogue and Babel's names
    in Cyrillic languages, whole and cut short, each written in either table under its own
    label: none is taken for swapped.)"""
    label = known_charset(declared)
    other = _SWAPPED.get(label or "")
    if label is None or other is None or data.isascii():
        return None
    shown = data.decode(label, errors="replace")
    meant = data.decode(other, errors="replace")
    if not _reads_swapped(shown, meant):
        return None
    # as labelled it must be no text, as :func:`cyrillic_table_misread` asks of the other
    # tables: short Ukrainian or Belarusian («фінікійсько-пунічна») reads as Russian capitals
    # in the other table, and a letter of its own is no broken Russian
    return other if _shown_garbled(shown, meant) or _shows_no_word(shown) else None


# Chechen and Ingush write vowels so (Cyrillic text, not a sequence broken Russian shows)
_VOWEL_DIGRAPHS = frozenset({"аь", "оь", "уь", "юь", "яь"})


def _shows_no_word(shown: str) -> bool:
    """Whether a word of ``shown`` written in Russian's letters alone has a sequence no word
    of Russian (:data:`_NOT_RUSSIAN`) nor of another Cyrillic language has: Russian in
    capitals read with the other of KOI8-R and windows-1251 («СКИДКИ» as «яйхдйх»). A word
    with another language's letter (Ukrainian «і», Belarusian «ў») is that language's: «ій»
    in «фінікійсько» is no «й» before a consonant; Chechen's «оь» is a vowel."""
    for run in _LETTER_RUN.findall(shown):
        if not _CYRILLIC_WORD.fullmatch(run):
            continue  # a letter of another script or Cyrillic language: its word, not Russian
        if any(m.group() not in _VOWEL_DIGRAPHS for m in _NOT_RUSSIAN.finditer(run.lower())):
            return True
    return False


# Russian's 8-bit tables (codec names as :func:`known_charset` gives them), the likeliest
# in mail first: where two read the bytes alike (windows-1251 and Mac Cyrillic share most
# lower-case letters), the first is named
_CYRILLIC_TABLES = ("cp1251", "koi8-r", "cp866", "iso8859-5", "mac-cyrillic")


def cyrillic_table_misread(data: bytes, declared: str | None) -> str | None:
    """The charset (codec) of bytes labelled with one of Russian's 8-bit tables (windows-1251,
    KOI8-R, CP866, ISO-8859-5, Mac Cyrillic) that are Russian in another of them; None when
    the label reads them as Russian, or it cannot be told.

    A mail client reads the label, and Russian letters show as other characters («Привет» in
    CP866 as «ЏаЁўҐв» under windows-1251). Told only when certain: one other table alone
    reads the bytes as Russian text (:func:`_russian_text`; two that read them alike are
    one, the first of :data:`_CYRILLIC_TABLES` named: windows-1251 and Mac Cyrillic share
    most lower-case letters, CP866 and Mac Cyrillic the capitals), with six letters or more
    and a word; read as labelled, a Russian letter of it shows as a box drawing, a control
    or a sign inside a word, or a word as none is written (:func:`_shown_garbled`: another
    language's letter alone tells nothing, Ukrainian «і» and Serbian «ј» are text too); and
    its letters are no less likely in Russian text as meant than as shown
    (:func:`_likelier`). Where two tables read two Russian texts (KOI8-R's «проверка» is
    windows-1251's «РТПЧЕТЛБ») which it is is not told. KOI8-R and windows-1251 swapped are
    told by :func:`cyrillic_labels_swapped`, unless its reading is no Russian text and a
    third table's is. (The corpus's and the real-world campaigns' texts with Cyrillic,
    mailcheck's Russian catalogue and Babel's names in Cyrillic languages, whole and cut
    into runs of words, each written in every table that has its letters under its own
    label: none is taken for another table's here; mislabelled, none is named a table that
    reads it otherwise here.)"""
    label = known_charset(declared)
    if label not in _CYRILLIC_TABLES or data.isascii():
        return None
    shown = data.decode(label, errors="replace")
    readings: dict[str, str] = {}  # each Russian reading, and the first table that reads it
    for other in _CYRILLIC_TABLES:
        meant = data.decode(other, errors="replace")
        if other != label and _russian_text(data, meant):
            readings.setdefault(meant, other)
    swapped = cyrillic_labels_swapped(data, declared)
    if swapped and (not readings or data.decode(swapped, errors="replace") in readings):
        # told by its case; not where only a third table reads Russian (ISO-8859-5's
        # «Находка» read as windows-1251 has the case of KOI8-R read so)
        return swapped
    if len(readings) != 1:
        # none, or two Russian texts (KOI8-R's «проверка» is windows-1251's «РТПЧЕТЛБ», Mac
        # Cyrillic's «этим «?»» windows-1251's «этим З?И»): which table it is is not told
        return None
    [(meant, other)] = readings.items()
    if {label, other} == {"cp1251", "koi8-r"}:
        return None  # told by its case alone (Caps Lock text is Russian in both)
    enough = len(_RUSSIAN_LETTER.findall(meant)) >= _SWAP_LETTERS and russian_words(meant) > 0
    if enough and _shown_garbled(shown, meant) and _likelier(shown, meant, by=0.0):
        return other
    return None


# A run of letters as Russian writes it: Russian's letters alone, lower-case, capitalised or
# in capitals
_RUSSIAN_RUN = re.compile(r"[А-ЯЁ]?[а-яё]+|[А-ЯЁ]+")
_RUSSIAN_LETTER = re.compile(r"[а-яёА-ЯЁ]")
# What Russian text in an 8-bit table writes beyond ASCII besides its letters: quotes, dashes,
# "№", the no-break space, a few signs of prices, trade marks and sums
_RUSSIAN_SIGNS = frozenset("«»„“”‘’—–…№\xa0°±·•€©®™§×÷")


def _russian_text(data: bytes, text: str) -> bool:
    """Whether ``text`` (``data`` read with one 8-bit table) reads as Russian: each byte
    beyond ASCII a Russian letter or a sign Russian text writes (:data:`_RUSSIAN_SIGNS`),
    every run of letters with one of them Russian as written (:func:`_russian_run`)."""
    beyond = [c for b, c in zip(data, text, strict=True) if b >= 0x80]
    if not all(_RUSSIAN_LETTER.match(c) or c in _RUSSIAN_SIGNS for c in beyond):
        return False
    runs = [r for r in _LETTER_RUN.findall(text) if _RUSSIAN_LETTER.search(r)]
    return all(_russian_run(run) for run in runs)


def _russian_run(run: str) -> bool:
    """Whether a run of letters is Russian as written (:data:`_RUSSIAN_RUN`): a word of three
    letters or more with a vowel and no sequence no Russian word has (:data:`_NOT_RUSSIAN`),
    or an abbreviation in capitals (ООО, ИНН, НДС, РФ)."""
    if len(run) <= 3 and run.isupper() and _RUSSIAN_RUN.fullmatch(run):
        return True
    lower = run.lower()
    return bool(
        _RUSSIAN_RUN.fullmatch(run)
        and (len(run) < 3 or any(c in _RUSSIAN_VOWELS for c in lower))
        and not _NOT_RUSSIAN.search(lower)
    )


# Signs Russian text writes next to its letters: quotes, the ellipsis, the no-break space
_BESIDE_LETTERS = frozenset("«»„“”‘’…\xa0")
# A lower-case letter before a capital in one word («ЯаШТХв»), which no word is written with
_CASE_BREAK = re.compile(r"[а-яё][А-ЯЁ]")


def _shown_garbled(shown: str, meant: str) -> bool:
    """Whether ``shown`` (Russian ``meant`` read with another 8-bit table) is no text: where
    ``meant`` has a Russian letter it has a box drawing, a control or "�", or another
    character but a Cyrillic letter inside a word («—кидка», «теб€», «¬ремя»: a dash or a
    sign alone, «— на», «факт ÷ план», is text, and so are quotes at a word); or a capital
    follows a lower-case letter in a word («ЯаШТХв»). Another language's letter tells
    nothing (Ukrainian «і», Serbian «ј»: text too), nor a sequence Russian has not."""
    for i, (s, m) in enumerate(zip(shown, meant, strict=True)):
        if s == m or "\u0400" <= s <= "\u04ff" or not _RUSSIAN_LETTER.match(m):
            continue
        if "\x80" <= s <= "\x9f" or "\u2500" <= s <= "\u25ff" or s == "\ufffd":
            return True
        if s not in _BESIDE_LETTERS and any(c.isalpha() for c in shown[max(0, i - 1) : i + 2]):
            return True
    return bool(_CASE_BREAK.search(shown))


def _reads_swapped(shown: str, meant: str) -> bool:
    """Whether ``shown`` is Russian read with the wrong one of KOI8-R and windows-1251, and
    ``meant`` (the same bytes read with the other) the Russian.

    The swap inverts each letter's case: a capitalised word ("Привет") shows as a lower-case
    letter before capitals ("оПХБЕР"), which Russian does not write, and lower-case text as
    capitals. All must hold: at least :data:`_SWAP_LETTERS` letters, a word of four or more
    inverted so and none capitalised, most letters capitals; read the other way, no inverted
    word, a capitalised word for each, most letters lower-case, no sequence Russian does not
    write (:data:`_NOT_RUSSIAN`), and its letters likelier in Russian text
    (:func:`_likelier`). Text typed with Caps Lock on («пРИВЕТ, аННА») has the same case,
    read right: told apart as the reading that is Russian. Its letters tell that only in a
    longer text (by 0.3, from 15 letters); a shorter one must show, as labelled, a sequence
    no Russian word has («оПХБЕР, ЯЙХДЙХ»: «дй») and be no less likely as meant.

    The vowels tell nothing: windows-1251 read as KOI8-R puts vowels where vowels were
    (а, е, и as Ю, Е, И: «гДПЮБЯРБСИРЕ» is 40 % vowels), and Russian in capitals has no case
    to tell it by: :func:`_capitals_swapped`."""
    shown_words = _CYRILLIC_WORD.findall(shown)
    meant_words = _CYRILLIC_WORD.findall(meant)
    inverted, capitalised, upper, _, letters = _case_and_vowels(shown_words)
    if letters < _SWAP_LETTERS or not inverted or capitalised or upper < 0.6:
        return _capitals_swapped(shown, meant)
    inverted_meant, capitalised_meant, upper_meant, _, _ = _case_and_vowels(meant_words)
    if inverted_meant or capitalised_meant < inverted or upper_meant > 0.4:
        return False
    if _NOT_RUSSIAN.search(meant.lower()):
        return False
    if letters >= 15 and _likelier(shown, meant):
        return True
    return bool(_NOT_RUSSIAN.search(shown.lower())) and _likelier(shown, meant, by=0.0)


# The fewest letters a text of inverted case is told swapped by (a word of «Привет»'s length).
# Measured on the corpus's, the real-world campaigns' and mailcheck's own Russian catalogue's
# texts, whole and cut into lines, sentences and runs of two or three words (19,521 texts,
# each written in both tables): none labelled right is taken for swapped from 4 letters up,
# nor is any of them typed with Caps Lock on («пРИВЕТ»).
_SWAP_LETTERS = 6


# Letter sequences no Russian word has: ь, ъ or ы beginning it, ь or ъ after a vowel or й, й
# after a consonant or a sign, or beginning it before a consonant, a letter three times over
_NOT_RUSSIAN = re.compile(
    r"(?<![а-яё])[ьъы]|[аеёиоуыэюяй][ьъ]|[бвгджзклмнпрстфхцчшщьъ]й|(?<![а-яё])й[бвгджзклмнпрстфхцчшщ]"
    r"|([а-яё])\1\1"
)
# How often each Russian letter occurs in text, per cent (ё as often as mail writes it)
_LETTER_SHARE = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (
            *(10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21, 2.98),
            *(2.81, 2.62, 2.01, 1.90, 1.74, 1.70, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73),
            *(0.64, 0.48, 0.36, 0.32, 0.26, 0.04, 0.2),
        ),
        strict=True,
    )
)
_NO_LETTER_SHARE = 0.01  # a sign or a box drawing where a letter was


# Where a run of text ends: a line's end, a tag (the same in both tables: ASCII)
_RUN_BREAK = re.compile(r"<[^>]*>?|\n")


def _capitals_swapped(shown: str, meant: str) -> bool:
    """Whether a run of text of ``meant`` (a line, or the text between two tags: a title, a
    paragraph) is Russian in capitals read as ``shown`` with the wrong one of KOI8-R and
    windows-1251 (:func:`_capitals_run_swapped`), and the letters of the whole text as meant
    likelier in Russian than those shown (:func:`_likelier`). Run by run: a page of capitals
    («РАСПРОДАЖА», «СКИДКА 50% НА ВСЁ …») with its links in normal case («Перейти»,
    «Отписаться») is not nine in ten capitals as a whole, nor has it words of inverted case
    enough to tell it by its case. Both readings put each byte at one character: the runs
    are at the same places."""
    if not _likelier(shown, meant):
        return False
    if _capitals_run_swapped(shown, meant):  # the whole text one run (a subject)
        return True
    start = 0
    for end in [m.start() for m in _RUN_BREAK.finditer(meant)] + [len(meant)]:
        if _capitals_run_swapped(shown[start:end], meant[start:end]):
            return True
        found = _RUN_BREAK.match(meant, end)
        start = found.end() if found else end
    return False


def _likelier(shown: str, meant: str, by: float = 0.3) -> bool:
    """Whether the letters of ``meant`` are likelier in Russian text than those of ``shown``
    (the same bytes read with the other table), ``by`` so much: the mean of the logarithms of
    their shares (:data:`_LETTER_SHARE`) over the places where either is a Russian letter."""
    gained = [
        math.log(_LETTER_SHARE.get(m.lower(), _NO_LETTER_SHARE))
        - math.log(_LETTER_SHARE.get(s.lower(), _NO_LETTER_SHARE))
        for s, m in zip(shown, meant, strict=True)
        if s.lower() in _LETTER_SHARE or m.lower() in _LETTER_SHARE
    ]
    return bool(gained) and sum(gained) >= by * len(gained)


def _capitals_run_swapped(shown: str, meant: str) -> bool:
    """Whether ``meant``, Russian in capitals («СКИДКА 50% НА ВСЁ»), shows as ``shown``
    («яйхдйю 50% мю бя╗»), read with the wrong one of KOI8-R and windows-1251: lower-case
    letters, as ordinary Russian is, so the case tells nothing. The letters tell: all must
    hold. At least 8 letters, nine in ten capitals, and no sign, box drawing or "�" among
    them; read as meant no sequence Russian does not write (:data:`_NOT_RUSSIAN`: «дй»),
    read as labelled one at least; and the letters as meant likelier in Russian text than
    those shown, by 0.3 (the mean of the logarithms of their shares). Lower-case Russian
    read right fails each (read the other way it is capitals, with sequences no word has,
    of rarer letters: «привет» as «РТЙЧЕФ»)."""
    letters = "".join(_CYRILLIC_WORD.findall(meant))
    if len(letters) < 8 or sum(c.isupper() for c in letters) < 0.9 * len(letters):
        return False
    if any("\u2500" <= c <= "\u25ff" or c == "\ufffd" for c in meant):
        return False
    if _NOT_RUSSIAN.search(meant.lower()) or not _shows_no_word(shown):
        return False
    return _likelier(shown, meant)


def _case_and_vowels(words: list[str]) -> tuple[int, int, float, float, int]:
    """Of Cyrillic words: how many of 4+ letters are inverted ("оПХБЕР") and how many of 3+
    capitalised ("Привет"), the share of capitals and of vowels, the number of letters."""
    inverted = sum(len(w) >= 4 and w[0].islower() and w[1:].isupper() for w in words)
    capitalised = sum(len(w) >= 3 and w[0].isupper() and w[1:].islower() for w in words)
    letters = "".join(words)
    count = max(1, len(letters))
    upper = sum(c.isupper() for c in letters) / count
    vowels = sum(c.lower() in _RUSSIAN_VOWELS for c in letters) / count
    return inverted, capitalised, upper, vowels, len(letters)


# A run of letters of any script ("Cafй", "їёёїґЇ", "Привет"), and the forms a Russian word
# is written in: lower-case, capitalised, or in capitals, of Russian's letters alone
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_RUSSIAN_FORM = re.compile(r"[А-ЯЁ][а-яё]{2,}|[а-яё]{3,}|[А-ЯЁ]{3,}")


def russian_words(text: str) -> int:
    """How many words of ``text`` read as Russian: three letters or more, all Russian's, in
    a form Russian writes (lower-case, capitalised, capitals), with a vowel and no sequence
    no Russian word has (:data:`_NOT_RUSSIAN`). Latin-1 bytes read as windows-1251 make no
    such word: their letters stand alone or beside Latin ones ("Cafй"), or beside Ukrainian
    ones and signs (ASCII art "·¸¸·´¯`" as "їёёїґЇ`")."""
    count = 0
    for run in _LETTER_RUN.findall(text):
        lower = run.lower()
        if (
            _RUSSIAN_FORM.fullmatch(run)
            and any(c in _RUSSIAN_VOWELS for c in lower)
            and not _NOT_RUSSIAN.search(lower)
        ):
            count += 1
    return count


def _cyrillic_runs(text: str) -> int:
    return sum(any("\u0400" <= c <= "\u04ff" for c in run) for run in _LETTER_RUN.findall(text))


def guess_told(text: str, codec: str) -> bool:
    """Whether ``text``, bytes no label names read in the guessed ``codec``
    (:func:`unlabelled_charset`), is surely in it: UTF-8 (its multi-byte sequences do not
    happen by chance), or windows-1251 or KOI8-R that reads as Russian words (most runs of
    letters with Cyrillic in them are: short words, «в», «с», are not counted). A guess of
    windows-1252, what is left when no Cyrillic reading fits, is no certainty (Latin-1,
    Latin-9, Latin-2 read alike), and neither is a Cyrillic reading without Russian words."""
    if codec == "utf-8":
        return True
    if codec not in ("cp1251", "koi8_r", "koi8-r"):
        return False
    words = russian_words(text)
    return words > 0 and 2 * words >= _cyrillic_runs(text)


def guess_8bit(data: bytes) -> str:
    """Decode 8-bit text that is not UTF-8: windows-1251, KOI8-R or windows-1252
    (:func:`guess_8bit_charset`)."""
    return data.decode(guess_8bit_charset(data), errors="replace")


def guess_8bit_charset(data: bytes) -> str:
    """The charset (codec) of 8-bit text that is not UTF-8: windows-1251, KOI8-R or
    windows-1252.

    Russian text is mostly lower-case; KOI8-R bytes read as windows-1251 (and the other way
    round) come out mostly upper-case, so the reading with more lower-case Cyrillic wins.
    Western text read as Cyrillic puts Cyrillic letters inside Latin words ("Frцsche"); such
    text, text that windows-1252 reads whole and whose Cyrillic reading makes no Russian word
    (:func:`russian_words`: Latin-1 ASCII art "·¸¸·´¯`" reads "·ёё·ґЇ`"), and text with no
    Cyrillic reading at all, is read as windows-1252. (Bytes windows-1252 leaves undefined,
    Shift_JIS's say, are no Western text either: they keep the Cyrillic reading that has the
    most lower-case letters, as ever.)
    """
    western = _reads_as(data, "cp1252")
    best, best_score = "cp1252", 0
    for codec in ("cp1251", "koi8_r"):
        text = data.decode(codec, errors="replace")
        if western and not russian_words(text):
            continue
        lower = sum(1 for c in text if "а" <= c <= "я" or c == "ё")
        upper = sum(1 for c in text if "А" <= c <= "Я" or c == "Ё")
        score = lower - upper - 3 * len(_CYRILLIC_NEXT_TO_LATIN.findall(text))
        if score > best_score:
            best, best_score = codec, score
    return best


def unlabelled_charset(data: bytes) -> str | None:
    """The charset (codec) mailcheck reads bytes in that no label names (:func:`decode_bytes`
    without one): "utf-8", or :func:`guess_8bit_charset`'s guess. None when there is nothing
    to guess: ASCII, or a byte-order mark, which names the encoding."""
    if data.isascii() or marked_text(data) is not None:
        return None
    return "utf-8" if utf8_text(data) is not None else guess_8bit_charset(data)
