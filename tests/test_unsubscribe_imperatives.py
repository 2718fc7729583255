"""UNS001 and the UTM rules: footers' unsubscribe links worded as a QA probe found them missed
(session 34): the imperative «Отпишитесь»/«Відпишіться», «Жмите» after a "don't want these
e-mails" sentence, «Отказаться» after "you subscribed to our news", an icon link named by its
title, a bare "Cancel subscription"; and the
colloquial «отпишитесь о результатах» (write back a note), which is no way out."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.model import Severity
from mailcheck.unsubscribe import WORDS, words_of
from tests.helpers import check, only, write_campaign

UTM = "utm_source=email&utm_medium=email&utm_campaign=s34"
SHOP = f'<p><a href="https://shop.test/sale?{UTM}">Каталог</a></p>'
# the footer's link has no UTM tags: an unsubscribe link needs none (DESIGN §5), any other
# link of the campaign lacks them (UTM001)
FOOTER_HREF = "https://shop.test/p/1?t=a"


def findings(tmp_path: Path, footer: str) -> tuple[list[str], list[str]]:
    """UNS001's messages and the URLs UTM001 names, for a campaign with this footer."""
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    uns = [f"{f.severity.value} {f.location}: {f.message}" for f in only(result, "UNS001")]
    utm = [f.url or "" for f in only(result, "UTM001")]
    return uns, utm


NO_WAY_OUT = ["error email.html: no unsubscribe link in the body"]


@pytest.mark.parametrize(
    "footer",
    [
        # the imperative («Отпишитесь», «Отпишись»): the stem is отпиш-, not отпис-
        f'Не хотите получать наши письма? <a href="{FOOTER_HREF}">Отпишитесь</a>',
        f'<a href="{FOOTER_HREF}">Отпишитесь</a>',
        f'<a href="{FOOTER_HREF}">Отпишись</a>',
        f'<a href="{FOOTER_HREF}">Отпишитесь от рассылки</a>',
        f'Если письма вам больше не интересны — <a href="{FOOTER_HREF}">отпишитесь здесь</a>.',
        f'Если вы не хотите больше получать наши письма, <a href="{FOOTER_HREF}">отпишитесь</a>',
        # «по ссылке» is the way it is done, not writing back about something
        f'Отпишитесь от рассылки <a href="{FOOTER_HREF}">по ссылке</a>.',
        # Ukrainian, Belarusian, Bulgarian
        f'<a href="{FOOTER_HREF}">Відпишіться</a>',
        f'<a href="{FOOTER_HREF}">Відпишіться від розсилки</a>',
        f'<a href="{FOOTER_HREF}">Адпішыцеся</a>',
        f'<a href="{FOOTER_HREF}">Отпишете се</a>',
        # «Жмите» says nothing by itself: its sentence, the one before, says it
        f'Не хотите получать письма? <a href="{FOOTER_HREF}">Жмите</a>',
        # an icon link whose picture has no alt: its title names it (the link's, the image's)
        f'<a href="{FOOTER_HREF}" title="Отписаться"><img src="https://cdn.test/x.png" alt="" '
        'width="20"></a>',
        f'<a href="{FOOTER_HREF}"><img src="https://cdn.test/x.png" alt="" title="Unsubscribe" '
        'width="20"></a>',
        # a refusal right after the sentence that says the reader subscribed to the mailings
        "Вы получили это письмо, потому что подписались на новости магазина. "
        f'<a href="{FOOTER_HREF}">Отказаться</a>',
        f'Вы подписаны на рассылку магазина. <a href="{FOOTER_HREF}">Откажитесь</a>',
        f'Ви підписалися на розсилку. <a href="{FOOTER_HREF}">Відмовитися</a>',
        # a bare subscription cancelled is the reader's to these mailings ("Manage
        # subscription" is read so)
        f'<a href="{FOOTER_HREF}">Cancel subscription</a>',
        f'<a href="{FOOTER_HREF}">Cancel your subscription</a>',
        f'<a href="{FOOTER_HREF}">Cancel your newsletter subscription</a>',
        # the note's words elsewhere in the sentence than right after the link: it is the way
        # out (and a sentence that writes the imperative twice, one of them bare)
        f'Отпишитесь о впечатлениях! <a href="{FOOTER_HREF}">Отпишитесь</a>',
        f'Не хотите писем о скидках? <a href="{FOOTER_HREF}">Отпишитесь</a>.',
        f'<a href="{FOOTER_HREF}">Отпишитесь</a>, чтобы не получать писем.',
    ],
)
def test_the_footer_link_is_the_way_out_and_needs_no_utm(tmp_path: Path, footer: str) -> None:
    """Each was an UNS001 error and a UTM001 one on the link (a QA probe, session 34)."""
    assert findings(tmp_path, footer) == ([], [])


@pytest.mark.parametrize(
    "footer",
    [
        # colloquial Russian and Ukrainian: write back a note about something, to someone
        f'Отпишитесь о результатах <a href="{FOOTER_HREF}">здесь</a>.',
        f'Пожалуйста, отпишите мне <a href="{FOOTER_HREF}">по ссылке</a>.',
        f'Отпишитесь в комментариях, <a href="{FOOTER_HREF}">нажмите здесь</a>.',
        f'Відпишіть нам <a href="{FOOTER_HREF}">тут</a>.',
        f'<a href="{FOOTER_HREF}">Отпишитесь о впечатлениях</a>',
        f'<a href="{FOOTER_HREF}">Отписаться о результатах</a>',
        # a shop's subscription cancelled, not these mailings
        f'<a href="{FOOTER_HREF}">Cancel your coffee subscription</a>',
        f'<a href="{FOOTER_HREF}">Cancel your subscription to Premium</a>',
        # a refusal with no sentence about the mailings, of another subscription, of more
        f'<a href="{FOOTER_HREF}">Отказаться</a>',
        f'Вы подписаны на пробный период Premium. <a href="{FOOTER_HREF}">Отказаться</a>',
        f'Вы подписались на рассылку. <a href="{FOOTER_HREF}">Отказаться от заказа</a>',
        # a double opt-in's confirmation: "you subscribed" makes no generic link the way out
        f'Вы подписались на рассылку. <a href="{FOOTER_HREF}">Нажмите здесь</a>, чтобы '
        "подтвердить.",
        # «Жмите» after a sentence that says nothing of leaving
        f'Хотите скидку? <a href="{FOOTER_HREF}">Жмите</a>',
        # a title that says something else
        f'<a href="{FOOTER_HREF}" title="Наш сайт"><img src="https://cdn.test/x.png" alt=""></a>',
        # QA probe R (session 34): the bare imperative, and the note's words right after the
        # link in its sentence (the sentence before it read along)
        f'Оцените покупку. <a href="{FOOTER_HREF}">Отпишитесь</a> о впечатлениях!',
        f'<a href="{FOOTER_HREF}">Отпишитесь</a> нам в комментариях, как вам новинка.',
        f'Как вам покупка? <a href="{FOOTER_HREF}">Відпишіть</a> нам!',
        f'<a href="{FOOTER_HREF}">Отпишитесь</a>, что думаете о новой коллекции!',
        f'<a href="{FOOTER_HREF}">Отпишитесь, что думаете</a>',
        # a title names a link without text only: this one's text says what it is
        f'Feedback? <a href="{FOOTER_HREF}" title="Unsubscribe">Contact</a>',
        f'<a href="{FOOTER_HREF}" title="Отписаться"><img src="https://cdn.test/x.png" '
        'alt="Наш сайт"></a>',
    ],
)
def test_writing_back_or_another_subscription_is_no_way_out(tmp_path: Path, footer: str) -> None:
    """The link stays checked: UNS001 (once, at the body) and UTM001 name it."""
    assert findings(tmp_path, footer) == (NO_WAY_OUT, [FOOTER_HREF])


def test_a_real_way_out_beside_a_note_written_back_is_found() -> None:
    """A link phrase is dropped only where the note's verb stands: the rest of the text counts."""
    assert WORDS.sentence_words_say_unsubscribe(
        words_of("Отпишитесь о результатах или отпишитесь от рассылки здесь")
    )
    assert not WORDS.sentence_words_say_unsubscribe(words_of("Отпишитесь о результатах здесь"))
    # «от рассылки о скидках»: the note's «о» right after the verb only
    assert WORDS.text_words_say_unsubscribe(words_of("Отпишитесь от рассылки о скидках"))


def test_a_footer_of_notes_only_is_one_error_and_both_links_lack_utms(tmp_path: Path) -> None:
    footer = (
        f'Отпишитесь о результатах <a href="{FOOTER_HREF}">здесь</a>.</p><p>'
        '<a href="https://shop.test/p/2?t=b">Отпишите мне</a>'
    )
    result = check(write_campaign(tmp_path, body=f"{SHOP}\n<p>{footer}</p>"))
    [missing] = only(result, "UNS001")
    assert (missing.severity, missing.locations) == (Severity.ERROR, ("email.html",))
    [untagged] = only(result, "UTM001")
    assert (untagged.severity, untagged.locations, untagged.message) == (
        Severity.ERROR,
        ("email.html:6",),
        "2 links lack utm_source, utm_medium, utm_campaign: "
        f"{FOOTER_HREF}, https://shop.test/p/2?t=b",
    )


def test_an_icon_links_home_page_is_named_by_its_title(tmp_path: Path) -> None:
    """The title that made it the unsubscribe link names it (QA probe R: its URL did)."""
    footer = (
        '<a href="https://shop.test/" title="Отписаться"><img src="https://cdn.test/x.png" '
        'alt="" width="20"></a>'
    )
    assert findings(tmp_path, footer) == (
        [
            "warning email.html:6: could not verify: the unsubscribe link “Отписаться” goes to "
            "the site's home page (https://shop.test/), not to a page that unsubscribes whoever "
            "clicked it: recipients may find no way out"
        ],
        [],
    )
