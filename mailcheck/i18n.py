"""What the client reads, in the client's language: gettext catalogues through Babel.

English is the source language: every user-facing string is written in English and marked for
extraction (``_("…")``/``t("…")`` in Python, ``{% trans %}``/``_()`` in the jinja2 templates).
``scripts/i18n`` extracts them into ``mailcheck/locale/mailcheck.pot`` and updates
``mailcheck/locale/<lang>/LC_MESSAGES/mailcheck.po``; tests/test_i18n.py fails when a string
lacks a translation. A rule's title and "How to fix" are looked up in the catalogue by their
English text (``Rule.summary``, ``Rule.how_to_fix``) and fall back to it.

The catalogues ship as ``.po`` and are compiled in memory on first use (Babel's ``write_mo``):
``pip install .`` on a fresh machine needs no build step to get working translations.

A rule's message is a :class:`Message`: a ``str`` holding the English text (what the JSON,
SARIF and JUnit outputs print, unchanged), that also remembers its template and values, so the
HTML report and the text output can print it in the report's language.
"""

from __future__ import annotations

import gettext
import io
import string
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "mailcheck"
LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"


class LanguageError(ValueError):
    """A language mailcheck has no catalogue for."""


def check_language(lang: str) -> str:
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise LanguageError(
            f"language {lang!r} is not available; choose one of: {', '.join(LANGUAGES)}"
        )
    return code


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The translations of ``lang`` (English: the identity)."""
    lang = check_language(lang)
    if lang == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with catalogue_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class Message(str):
    """An English message that remembers how to say itself in another language.

    ``t("subject is {length} characters long", length=57)`` equals the English text, so
    every consumer of a plain ``str`` keeps working; :meth:`translate` gives the text in a
    catalogue's language. Values that are themselves messages are translated too.
    """

    template: str
    values: Mapping[str, Any]
    plural: str | None  # the English plural of ``template`` (see :func:`tn`)
    number: int  # the count that picks the form of a plural message

    def __new__(
        cls,
        template: str,
        values: Mapping[str, Any] | None = None,
        plural: str | None = None,
        number: int = 1,
    ) -> Message:
        values = dict(values or {})
        english = plural if plural is not None and number != 1 else template
        made = super().__new__(cls, english.format(**values) if values else english)
        made.template = template
        made.values = values
        made.plural = plural
        made.number = number
        return made

    def in_language(self, tr: gettext.NullTranslations) -> str:
        values = {k: translate(v, tr) for k, v in self.values.items()}
        if self.plural is not None:
            translated = tr.ngettext(self.template, self.plural, self.number)
        else:
            translated = tr.gettext(self.template)
        return translated.format(**values) if values else translated

    def __reduce__(self) -> tuple[Any, ...]:  # survives pickling (forked judging, xdist)
        return (Message, (self.template, self.values, self.plural, self.number))


def t(template: str, /, **values: Any) -> Message:
    """Mark an English message for translation, with ``{name}`` placeholders."""
    return Message(template, values)


def tn(singular: str, plural: str, number: int, /, **values: Any) -> Message:
    """A message whose words follow ``number`` ("1 text", "2 texts"; Russian's three forms
    from its catalogue): ngettext's forms with ``{name}`` placeholders."""
    return Message(singular, values, plural, number)


class Joined(str):
    """Items joined by ``sep`` (``"; ".join``), each said in the report's language later."""

    items: tuple[object, ...]
    sep: str

    def __new__(cls, sep: str, items: Iterable[object]) -> Joined:
        kept = tuple(items)
        made = super().__new__(cls, sep.join(str(i) for i in kept))
        made.items = kept
        made.sep = sep
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Joined, (self.sep, self.items))


def N_(message: str, /) -> str:
    """Mark a template for extraction where it is chosen before values are known; pass it to
    :func:`t` with the values."""
    return message


def first_and_more(items: Sequence[object], most: int) -> str:
    """The first ``most`` of ``items`` joined by commas, and how many more there are ("a, b, c
    and 4 more"); each item still said in the report's language (:class:`Joined`)."""
    shown = Joined(", ", items[:most])
    if len(items) <= most:
        return shown
    return t("{urls} and {count} more", urls=shown, count=len(items) - most)


def quoted_list(items: Iterable[object]) -> Joined:
    """“a”, “b”: each item in the quotes of the reader's language («a», «b» in Russian)."""
    return Joined(", ", [t("“{text}”", text=item) for item in items])


def translate(text: object, tr: gettext.NullTranslations) -> object:
    """A :class:`Message` in ``tr``'s language; anything else as it is."""
    if isinstance(text, Joined):
        return text.sep.join(str(translate(item, tr)) for item in text.items)
    return text.in_language(tr) if isinstance(text, Message) else text


def to_data(text: object) -> object:
    """A :class:`Message` or :class:`Joined` as JSON data, for caches that outlive the run:
    :func:`from_data` turns it back into one that can still be translated."""
    if isinstance(text, Message):
        data: dict[str, object] = {
            "template": text.template,
            "values": {k: to_data(v) for k, v in text.values.items()},
        }
        if text.plural is not None:
            data |= {"plural": text.plural, "number": text.number}
        return data
    if isinstance(text, Joined):
        return {"sep": text.sep, "items": [to_data(item) for item in text.items]}
    return text


def from_data(data: object) -> object:
    """What :func:`to_data` made, as it was (plain text stays plain text)."""
    if isinstance(data, dict) and isinstance(data.get("template"), str):
        values = data.get("values")
        kept = {str(k): from_data(v) for k, v in values.items()} if isinstance(values, dict) else {}
        plural = data.get("plural")
        number = data.get("number")
        if isinstance(plural, str) and isinstance(number, int):
            return Message(data["template"], kept, plural, number)
        return Message(data["template"], kept)
    if isinstance(data, dict) and isinstance(data.get("sep"), str):
        items = data.get("items")
        return Joined(data["sep"], [from_data(i) for i in items] if isinstance(items, list) else [])
    return data


def placeholders(template: str) -> set[str]:
    """The ``{name}`` fields of a template (for the catalogue tests)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def format_moment(when: datetime, lang: str) -> str:
    """A date and time as the reader's language writes it, with its time zone (Babel's
    patterns: «20 декабря 2026 г., 09:00 UTC», "December 20, 2026, 9:00 AM UTC+03:00"). A
    time without a zone is taken as UTC, as mailcheck records its own."""
    from babel.dates import format_date, format_time, get_datetime_format

    locale = check_language(lang)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    offset = when.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    zone = "UTC" if not minutes else f"UTC{sign}{hours:02d}:{rest:02d}"
    date = format_date(when, "long", locale=locale)
    time = format_time(when, "short", tzinfo=when.tzinfo, locale=locale)
    return str(get_datetime_format("medium", locale=locale)).format(f"{time} {zone}", date)
