"""Russian in its other 8-bit tables: CP866 (DOS), ISO-8859-5 and Mac Cyrillic beside
windows-1251 and KOI8-R.

A part labelled with one table whose bytes are Russian in another passed silently (or as a
"mojibake" warning whose "meant" was garbage): a mail client reads the label and shows every
Russian word garbled («Здравствуйте» in CP866 as «‡¤а ўбвўг©вҐ» under windows-1251). It is
BRF003's error, naming both tables, and the text is read as meant. Real text labelled as it is
(Russian, Ukrainian, Serbian, Kazakh, Caps Lock, a dash or a quote where another table has a
letter) is never taken for another table. The test messages are built with Python's email
package; the expected readings come from Python's codecs.
"""

from __future__ import annotations

import base64
import itertools
from email import encoders
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from pathlib import Path

import pytest

from mailcheck.charsets import (
    charset_name,
    cyrillic_labels_swapped,
    cyrillic_table_misread,
    known_charset,
)
from mailcheck.config import Config
from mailcheck.loaders import load
from mailcheck.model import Severity
from tests.helpers import check, only

TEXT = "Здравствуйте, Анна! Рассада томатов и перцев со скидкой до конца апреля."
UNSUB = '<p><a href="https://shop.test/unsub">Отписаться</a></p>'
# Python's codec and a label mail writes for each table
TABLES = {
    "cp1251": "windows-1251",
    "koi8_r": "koi8-r",
    "cp866": "cp866",
    "iso8859_5": "iso-8859-5",
    "mac_cyrillic": "x-mac-cyrillic",
}
# KOI8-R and windows-1251 swapped have tests of their own (test_one_root_cause.py)
PAIRS = [
    (codec, label)
    for codec, label in itertools.product(TABLES, TABLES.values())
    if TABLES[codec] != label and {TABLES[codec], label} != {"windows-1251", "koi8-r"}
]


def _part(subtype: str, data: bytes, label: str | None) -> MIMEBase:
    part = MIMEBase("text", subtype)
    if label:
        part.set_param("charset", label)
    part.set_payload(data)
    encoders.encode_base64(part)
    return part


def write_send(
    path: Path, codec: str, label: str | None, *, meta: str = "", subject: str = "Sale"
) -> Path:
    """A test send as a mailbox saves it: multipart/alternative, :data:`TEXT` as its text
    part and in its HTML (a ``<meta charset>`` ``meta`` in its head), both written in
    ``codec`` and labelled ``label`` (no ``charset=`` when None)."""
    msg = MIMEMultipart("alternative")
    msg["Received"] = "from mx.shop.test by mx.b.test; Fri, 4 Dec 2026 05:00:00 +0000"
    msg["From"] = "Shop <news@shop.test>"
    msg["Subject"] = subject
    head = f'<meta charset="{meta}">' if meta else ""
    html = f"<html><head>{head}</head><body><p>{TEXT}</p>{UNSUB}</body></html>"
    msg.attach(_part("plain", TEXT.encode(codec), label))
    msg.attach(_part("html", html.encode(codec), label))
    path.write_bytes(msg.as_bytes())
    return path


def _codec(label: str | None) -> str:
    return known_charset(label) or "ascii"


def _shown(word: str, codec: str, label: str) -> str:
    """How a mail client shows ``word`` written in ``codec`` and labelled ``label``."""
    return word.encode(codec).decode(_codec(label), errors="replace")


@pytest.mark.parametrize(("codec", "label"), PAIRS)
def test_russian_in_one_table_labelled_another_is_one_brf003_error(
    tmp_path: Path, codec: str, label: str
) -> None:
    send = write_send(tmp_path / "send.eml", codec, label)
    result = check(send)
    [brf003] = only(result, "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("text/html part", "text/plain part")
    meant = charset_name(known_charset(codec) or codec)
    assert brf003.message == (
        f"labelled charset={label}, but the bytes are {meant}: mail clients read them as "
        f"{label} and show Cyrillic letters as other characters («Здравствуйте» as "
        f"«{_shown('Здравствуйте', codec, label)}») (declare charset={meant}, or encode the "
        "text in UTF-8)"
    )
    assert only(result, "UNS001") == []  # read as meant: «Отписаться» is the way out
    loaded = load(send, str(send), Config(root=tmp_path))
    assert loaded.text == TEXT
    # the same bytes labelled as they are: nothing to say, and read so
    write_send(send, codec, TABLES[codec])
    assert only(check(send), "BRF003") == []
    assert load(send, str(send), Config(root=tmp_path)).text == TEXT


@pytest.mark.parametrize(("codec", "label"), [("cp1251", "cp866"), ("cp866", "windows-1251")])
def test_a_subject_word_in_another_table_is_the_same_error(
    tmp_path: Path, codec: str, label: str
) -> None:
    # one encoder wrote the subject and the parts: one finding at every place
    word = f"=?{label}?b?{base64.b64encode(TEXT.encode(codec)).decode()}?="
    send = write_send(tmp_path / "send.eml", codec, label, subject=word)
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("subject", "text/html part", "text/plain part")
    assert brf003.message.startswith(
        f"labelled charset={label}, but the bytes are {charset_name(codec)}: "
    )
    assert load(send, str(send), Config(root=tmp_path)).subject == TEXT


@pytest.mark.parametrize(
    ("codec", "label"),
    [("iso8859_5", "iso88595"), ("koi8_r", "koi8"), ("koi8_r", "koi"), ("cp866", "ibm866")],
)
def test_the_whatwg_labels_of_the_tables_are_read_as_they_name(
    tmp_path: Path, codec: str, label: str
) -> None:
    # "iso88595" was an unknown label: its Russian was guessed into KOI8-R, «╥тЮпрАБрЦыБу», and
    # the rules judged that
    send = write_send(tmp_path / "send.eml", codec, label)
    assert load(send, str(send), Config(root=tmp_path)).text == TEXT
    assert only(check(send), "BRF003") == []


@pytest.mark.parametrize(
    ("codec", "mime", "meta", "said"),
    [
        # the MIME label is right: mail clients read it, not the <meta> (HTML's encoding
        # sniffing puts the transport's label first)
        ("cp1251", "windows-1251", "cp866", None),
        ("mac_cyrillic", "x-mac-cyrillic", "windows-1251", None),
        # the <meta> is right, the MIME label wrong: clients read the MIME label
        ("cp1251", "cp866", "windows-1251", ("cp866", "windows-1251")),
        ("iso8859_5", "koi8-r", "iso-8859-5", ("koi8-r", "iso-8859-5")),
    ],
)
def test_a_meta_charset_beside_the_mime_label(
    tmp_path: Path, codec: str, mime: str, meta: str, said: tuple[str, str] | None
) -> None:
    send = write_send(tmp_path / "send.eml", codec, mime, meta=meta)
    found = only(check(send), "BRF003")
    if said is None:
        assert found == []
        return
    [brf003] = found
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("text/html part", "text/plain part")
    assert brf003.message.startswith(
        f"labelled charset={said[0]}, but the bytes are {said[1]}: mail clients read them as "
        f"{said[0]} and show Cyrillic letters as other characters"
    )


def test_a_meta_charset_is_the_label_where_mime_names_none(tmp_path: Path) -> None:
    # no charset= on the HTML part: its <meta> is the label clients read; the text part
    # without one is guessed, "could not be told", as before
    send = write_send(tmp_path / "send.eml", "cp1251", None, meta="cp866")
    brf003 = only(check(send), "BRF003")
    errors = [f for f in brf003 if f.severity is Severity.ERROR]
    assert [f.places for f in errors] == [("text/html part",)]
    assert errors[0].message.startswith("labelled charset=cp866, but the bytes are windows-1251: ")
    assert [f.places for f in brf003 if f.severity is Severity.WARNING] == [("text/plain part",)]
    # a bare HTML file's <meta> alike, at its line
    page = tmp_path / "email.html"
    page.write_bytes(
        f'<html><head>\n<meta charset="cp866"></head><body><p>{TEXT}</p>{UNSUB}</body></html>'.encode(
            "cp1251"
        )
    )
    [in_page] = only(check(page), "BRF003")
    assert in_page.severity is Severity.ERROR
    assert in_page.places == ("email.html:2",)
    assert in_page.message.startswith("labelled charset=cp866, but the bytes are windows-1251: ")


# Real text labelled as it is, that another table reads with Russian letters in places: none
# is another table's Russian
REAL = [
    TEXT,
    "Привет",
    "пРИВЕТ, СКИДКИ",  # Caps Lock
    "МегаФон и ВКонтакте: СПб, ул.\xa0Ленина",
    "— на домен",  # windows-1251's dash is Mac Cyrillic's «Ч»
    "«не удалось проверить»",  # Mac Cyrillic's quotes are windows-1251's «З», «И»
    "Факт ÷ план",
    "Знижки для вас від понеділка до п'ятниці",  # Ukrainian
    "тілі мета тілі",  # Kazakh's «і»: windows-1251's 0xB3 is Mac Cyrillic's «≥»
    "Попусти за вас до краја недеље, Љубав и Његош",  # Serbian
    "Здравейте! Отстъпки до края на седмицата.",  # Bulgarian
    "Sale — «best» prices № 1",
]


@pytest.mark.parametrize("text", REAL)
def test_real_text_labelled_as_it_is_is_no_other_table(text: str) -> None:
    checked = 0
    for codec, label in TABLES.items():
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            continue  # a letter the table lacks
        checked += 1
        assert cyrillic_table_misread(data, label) is None, (codec, text)
    assert checked >= 2


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        # ISO-8859-5 read as windows-1251 has the inverted case of KOI8-R read so: it was
        # named KOI8-R, whose reading is box drawings («╫пЕчтзп»)
        ('"total"). Находка цитирует такой тег', "iso8859_5", "windows-1251"),
        # Mac Cyrillic's capitals are windows-1251's signs and Serbian letters: it was named
        # windows-1251, whose reading is «ђЯдом … ЋЋЋ ЗЃанкИ»
        ("Рядом с блоком напишите «Реклама. ООО «Банк», ИНН 7700000000", "mac_cyrillic", "koi8-r"),
    ],
)
def test_the_table_named_is_the_one_that_reads_russian(
    tmp_path: Path, text: str, codec: str, label: str
) -> None:
    assert cyrillic_table_misread(text.encode(codec), label) == known_charset(TABLES[codec])
    msg = MIMEMultipart("alternative")
    msg["Received"] = "from mx.shop.test by mx.b.test; Fri, 4 Dec 2026 05:00:00 +0000"
    msg["From"] = "Shop <news@shop.test>"
    msg["Subject"] = "Sale"
    msg.attach(_part("plain", text.encode(codec), label))
    unsub = '<p><a href="https://shop.test/unsub">Unsubscribe</a></p>'
    msg.attach(_part("html", f"<p>Hello</p>{unsub}".encode(), "utf-8"))
    send = tmp_path / "send.eml"
    send.write_bytes(msg.as_bytes())
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("text/plain part",)
    assert brf003.message.startswith(
        f"labelled charset={label}, but the bytes are {TABLES[codec]}: "
    )


# Short Ukrainian, Belarusian and Chechen (Babel's names of languages and places) in
# windows-1251, labelled so: KOI8-R reads them as Russian in capitals («ТЁМЁЙЁИЯЭЙН-ОСМЁВМЮ»),
# and the swap's check took «ій» of «фінікійсько» and Chechen's vowel «оь» for broken Russian
OTHER_LANGUAGES = [
    "фінікійсько-пунічна",  # Ukrainian
    "фінікійсько-пунічна палі піджин",
    "Мікранезійскі",  # Belarusian
    "умбунду боьвзуш боцу",  # Chechen
]


@pytest.mark.parametrize("text", OTHER_LANGUAGES)
def test_other_cyrillic_languages_are_no_koi8_r_swap(tmp_path: Path, text: str) -> None:
    data = text.encode("cp1251")
    assert cyrillic_labels_swapped(data, "windows-1251") is None
    assert cyrillic_table_misread(data, "windows-1251") is None
    send = _plain_send(tmp_path / "send.eml", data, "windows-1251")
    assert only(check(send), "BRF003") == []
    # Russian in capitals of the same length, swapped so, is still the error
    caps = "СКИДКИ НЕДЕЛИ ЖДУТ ТЕБЯ"[: max(8, len(text))].encode("cp1251")
    send = _plain_send(tmp_path / "send.eml", caps, "koi8-r")
    [brf003] = only(check(send), "BRF003")
    assert brf003.severity is Severity.ERROR
    assert brf003.places == ("text/plain part",)
    assert brf003.message.startswith("labelled charset=koi8-r, but the bytes are windows-1251: ")


def _plain_send(path: Path, data: bytes, label: str) -> Path:
    """A send whose text part is ``data`` labelled ``label``, its HTML ASCII."""
    msg = MIMEMultipart("alternative")
    msg["Received"] = "from mx.shop.test by mx.b.test; Fri, 4 Dec 2026 05:00:00 +0000"
    msg["From"] = "Shop <news@shop.test>"
    msg["Subject"] = "Sale"
    msg.attach(_part("plain", data, label))
    unsub = '<p><a href="https://shop.test/unsub">Unsubscribe</a></p>'
    msg.attach(_part("html", f"<p>Hello</p>{unsub}".encode(), "utf-8"))
    path.write_bytes(msg.as_bytes())
    return path
