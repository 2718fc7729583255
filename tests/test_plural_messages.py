"""Messages whose words follow a number: "1 text", "2 texts", never "text(s)" (tn)."""

from __future__ import annotations

import gettext
import pickle
import re
from pathlib import Path

from mailcheck.i18n import Message, from_data, tn, to_data, translate
from tests.helpers import check, only, write_campaign


class _Russian(gettext.NullTranslations):
    """Three plural forms, as the Russian catalogue has them."""

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        assert msgid1 == "{n} text below contrast" and msgid2 == "{n} texts below contrast"
        if n % 10 == 1 and n % 100 != 11:
            return "{n} текст с низким контрастом"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "{n} текста с низким контрастом"
        return "{n} текстов с низким контрастом"


def test_the_english_form_follows_the_number_and_a_catalogue_gives_its_own() -> None:
    one = tn("{n} text below contrast", "{n} texts below contrast", 1, n=1)
    many = tn("{n} text below contrast", "{n} texts below contrast", 21, n=21)
    assert (one, many) == ("1 text below contrast", "21 texts below contrast")
    assert translate(one, _Russian()) == "1 текст с низким контрастом"
    assert translate(many, _Russian()) == "21 текст с низким контрастом"
    five = tn("{n} text below contrast", "{n} texts below contrast", 5, n=5)
    assert translate(five, _Russian()) == "5 текстов с низким контрастом"
    # kept in caches and sent between processes, it still knows both forms and its number
    for kept in (from_data(to_data(five)), pickle.loads(pickle.dumps(five))):
        assert isinstance(kept, Message) and kept == "5 texts below contrast"
        assert translate(kept, _Russian()) == "5 текстов с низким контрастом"


def test_low_contrast_says_one_text_or_texts(tmp_path: Path) -> None:
    grey = '<p style="color:#cccccc;background:#ffffff">{}</p>'
    one = write_campaign(tmp_path / "one", body=grey.format("Скидка 10 %"))
    [finding] = only(check(one), "A11Y006")
    assert finding.message.startswith("1 text below WCAG AA contrast: ")
    two = write_campaign(
        tmp_path / "two", body=grey.format("Скидка") + "\n" + grey.format("Доставка")
    )
    [finding] = only(check(two), "A11Y006")
    assert finding.message.startswith("2 texts below WCAG AA contrast: ")
    assert not re.search(r"\w\(s\)", finding.message)
