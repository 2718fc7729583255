"""The plain-text part's own links (a URL the HTML beside it does not have): checked as the
HTML's are, named at the text's lines; a URL both parts have is one finding, the HTML's, that
lists the text's lines too."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.engine import run
from mailcheck.textpart import text_document, text_part_links
from tests.helpers import check, loopback_links_config, only, write_campaign
from tests.http_server import running_server

HTML = (
    '<html lang="ru"><body><p><a href="https://shop.test/sale">Скидки</a></p>\n'
    '<p><a href="http://shop.test/old">Архив</a></p></body></html>\n'
)


def send(tmp_path: Path, text: str, html: str = HTML) -> Path:
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: Скидки\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="b"\n\n'
        f"--b\nContent-Type: text/plain; charset=utf-8\n\n{text}\n"
        f"--b\nContent-Type: text/html; charset=utf-8\n\n{html}--b--\n",
        encoding="utf-8",
    )
    return path


def test_a_placeholder_only_the_text_part_has_is_named_at_its_line(tmp_path: Path) -> None:
    text = (
        "Скидки: https://shop.test/sale\n"  # 1: the HTML has it
        "Архив: http://shop.test/old\n"  # 2: the HTML has it
        "Подарки: https://example.com/gifts\n"  # 3: left from the layout
        "Магазин: www.shop.test\n"  # 4: how people write an address in a text
    )
    result = check(send(tmp_path, text))
    [placeholder] = only(result, "LNK003")
    assert placeholder.message == "link (“Подарки”): placeholder host example.com"
    assert placeholder.locations == ("send.eml:11",)
    # one URL, one finding: the plain http:// link both parts have is the HTML's, and lists
    # every place it shows
    [plain] = only(result, "LNK004")
    assert plain.locations == ("send.eml:18", "send.eml:10")
    assert only(result, "LNK008") == []


def test_a_url_both_parts_write_is_one_finding_at_every_line(tmp_path: Path) -> None:
    html = (
        '<html lang="ru"><body><p><a href="https://shop.test/sale">Скидки</a></p>\n'
        '<p><a href="https://shop.test/sale">Скидки ещё раз</a></p></body></html>\n'
    )
    text = "Скидки: https://shop.test/sale\n\nИ ещё раз: https://shop.test/sale.\n"
    [untagged] = only(check(send(tmp_path, text, html)), "UTM001")
    assert untagged.locations == (
        "send.eml:16",
        "send.eml:17",
        "send.eml:9",
        "send.eml:11",
    )


def test_what_an_html_element_does_wrong_is_named_at_the_html_alone(tmp_path: Path) -> None:
    # the link text shows another domain (LNK007) and the unsubscribe link is hidden (UNS001):
    # faults of the HTML's elements, not of the URL the text part writes too
    html = (
        '<html lang="ru"><body><p><a href="https://shop.test/sale?utm_source=a&utm_medium=b'
        '&utm_campaign=c">www.other.test</a></p>\n'
        '<p style="display:none"><a href="https://shop.test/unsubscribe">Отписаться</a></p>'
        "</body></html>\n"
    )
    text = (
        "Скидки: https://shop.test/sale?utm_source=a&utm_medium=b&utm_campaign=c\n"
        "Отписаться: https://shop.test/unsubscribe\n"
    )
    result = check(send(tmp_path, text, html))
    [shown] = only(result, "LNK007")
    assert shown.locations == ("send.eml:15",)
    [hidden] = only(result, "UNS001")
    assert hidden.url == "https://shop.test/unsubscribe"
    assert hidden.locations == ("send.eml:16",)


def test_the_text_parts_unsubscribe_link_is_no_way_out_for_html_readers(tmp_path: Path) -> None:
    html = (
        '<html lang="ru"><body><p><a href="https://shop.test/sale">Скидки</a></p></body></html>\n'
    )
    result = check(send(tmp_path, "Отписаться: https://shop.test/unsubscribe\n", html))
    [finding] = only(result, "UNS001")
    # the error stands for the HTML's readers, and names the text part's link to copy
    assert finding.message == (
        "no unsubscribe link in the body: the plain-text part has one "
        "(“https://shop.test/unsubscribe”, send.eml:9), which readers of the HTML part "
        "do not see"
    )
    assert finding.locations == ("text/html part",)


def test_a_campaign_directorys_text_file_is_named_by_its_file(tmp_path: Path) -> None:
    directory = write_campaign(tmp_path, text="email.txt")
    (directory / "email.txt").write_text(
        "Здравствуйте!\n\nНовогодняя распродажа: https://example.org/ny\n", encoding="utf-8"
    )
    [finding] = only(check(directory), "LNK003")
    assert finding.locations == ("email.txt:3",)


def test_a_templates_text_counts_the_urls_it_writes_as_they_are(tmp_path: Path) -> None:
    # "https://{{ domain }}/gifts" renders mailcheck's stand-in for the domain: no URL to judge
    directory = write_campaign(tmp_path, text="email.txt", template="jinja")
    (directory / "email.txt").write_text(
        "Подарки: https://{{ domain }}/gifts\nАрхив: https://example.org/old\n", encoding="utf-8"
    )
    result = check(directory)
    [finding] = only(result, "LNK003")
    assert (finding.url, finding.locations) == ("https://example.org/old", ("email.txt:2",))
    links = [link.href for r in result.campaign.renders for link in r.text_links]
    assert links and set(links) == {"https://example.org/old"}


@pytest.mark.network
def test_a_broken_link_only_the_text_part_has_is_lnk001(tmp_path: Path) -> None:
    with running_server() as s:
        fine, gone = s.url("/ok/sale"), s.url("/status/404/last-month")
        html = f'<html lang="ru"><body><p><a href="{fine}">Скидки</a></p></body></html>\n'
        text = f"Скидки: {fine}\nПрошлая акция: {gone}\n"
        config = loopback_links_config(tmp_path, "LNK001")
        [result] = run([str(send(tmp_path, text, html))], config, offline=False).results
        [finding] = only(result, "LNK001")
        assert finding.url == gone
        assert finding.locations == ("send.eml:10",)
        assert s.count("/ok/sale") == 1  # the URL both parts have: one request


# -- a plain-text URL that runs into the next word (QA probe, session 24) ---------------------

TAGS = "utm_source=newsletter&utm_medium=email&utm_campaign=sale"
RUN_IN = (
    "the URL runs into the next word of the text (“{word}”), which mail clients make part of "
    "the link: put a space after the URL"
)


def text_alone(tmp_path: Path, text: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "text.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: Скидки\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset=utf-8\n\n{text}",
        encoding="utf-8",
    )
    return path


def utm_findings(path: Path) -> list[tuple[str, str, tuple[str, ...], str]]:
    result = check(path)
    return [
        (f.code, f.severity.value, f.locations, f.message)
        for f in result.findings
        if f.code in ("UTM002", "UTM003")
    ]


def test_a_text_url_that_takes_in_the_next_word_is_said_so(tmp_path: Path) -> None:
    """“…&utm_source=newsletterПодробнее”: every mail client links the word with the URL, and
    analytics gets that value; the cause is the missing space, not upper-case letters."""
    html = (
        f'<html lang="ru"><body><p><a href="https://shop.test/sale?{TAGS}">Скидки</a></p>\n'
        f'<p><a href="https://shop.test/new?{TAGS}">Новинки</a></p></body></html>\n'
    )
    text = (
        f"Скидки: https://shop.test/sale?{TAGS}\n"
        "Каталог: https://shop.test/?utm_medium=email&utm_campaign=sale"
        "&utm_source=newsletterПодробнее на сайте.\n"
    )
    assert utm_findings(send(tmp_path, text, html)) == [
        ("UTM002", "error", ("send.eml:10",),
         "utm_source='newsletterПодробнее', other links of the campaign use 'newsletter': "
         + RUN_IN.format(word="Подробнее")),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # other links say what the value is
        (f"Sale: https://shop.test/a?{TAGS}\nNew: https://shop.test/b?{TAGS}\n"
         f"See https://shop.test/?{TAGS}.Next week: more.\n",
         ("UTM002", "error", ("text.eml:8",),
          "utm_campaign='sale.Next', other links of the campaign use 'sale': "
          + RUN_IN.format(word="Next"))),
        (f"Sale: https://shop.test/a?{TAGS}\nSee https://shop.test/?{TAGS}Or read on.\n"
         f"New: https://shop.test/b?{TAGS}\n",
         ("UTM002", "error", ("text.eml:7",),
          "utm_campaign='saleOr', other links of the campaign use 'sale': "
          + RUN_IN.format(word="Or"))),
        # none do: a sentence's stop and a capital, or another alphabet, end the value
        (f"See https://shop.test/?{TAGS}.Next week: more.\n",
         ("UTM003", "warning", ("text.eml:6",),
          "utm_campaign='sale.Next': " + RUN_IN.format(word="Next"))),
        (f"Каталог: https://shop.test/?{TAGS}Подробнее\n",
         ("UTM003", "warning", ("text.eml:6",),
          "utm_campaign='saleПодробнее': " + RUN_IN.format(word="Подробнее"))),
        # a capital of the value's own, with no other value to compare: upper case as written
        ("See https://shop.test/?utm_source=newsletter&utm_medium=email&utm_campaign=blackFriday"
         " for more.\n",
         ("UTM003", "warning", ("text.eml:6",),
          "utm_campaign='blackFriday': upper-case letters (analytics splits rows by case)")),
        # not the URL's last value: no word after it
        ("See https://shop.test/?utm_campaign=sale.Next&utm_source=newsletter&utm_medium=email\n",
         ("UTM003", "warning", ("text.eml:6",),
          "utm_campaign='sale.Next': upper-case letters (analytics splits rows by case)")),
    ],
    ids=["stop-capital", "capital", "alone-stop-capital", "alone-alphabet", "camel-case",
         "not-last"],
)  # fmt: skip
def test_a_text_alones_url_that_takes_in_the_next_word(
    tmp_path: Path, text: str, expected: tuple[str, str, tuple[str, ...], str]
) -> None:
    assert utm_findings(text_alone(tmp_path, text)) == [expected]


@pytest.mark.parametrize(
    ("stop", "word"),
    [("—", "уже"), ("–", "теперь"), ("“", "new"), ("”", "and"), ("…", "ещё")],
    ids=["em-dash", "en-dash", "quote", "closing-quote", "ellipsis"],
)  # fmt: skip
def test_a_text_url_run_into_a_word_after_typography(tmp_path: Path, stop: str, word: str) -> None:
    """A dash, a quote or an ellipsis typed between the URL and the next word (“…=sale—уже в
    продаже”) is no UTM value's: the word after it is the text's (review probe, session 24:
    no reason was given), with other links to compare or none. (A URL ends before « and ».)"""
    text = f"Хиты — https://shop.test/hits?{TAGS}{stop}{word} в продаже.\n"
    others = f"Скидки: https://shop.test/a?{TAGS}\nНовинки: https://shop.test/b?{TAGS}\n"
    assert utm_findings(text_alone(tmp_path / "1", others + text)) == [
        ("UTM002", "error", ("text.eml:8",),
         f"utm_campaign='sale{stop}{word}', other links of the campaign use 'sale': "
         + RUN_IN.format(word=word)),
    ]  # fmt: skip
    assert utm_findings(text_alone(tmp_path / "2", text)) == [
        ("UTM003", "warning", ("text.eml:6",),
         f"utm_campaign='sale{stop}{word}': " + RUN_IN.format(word=word)),
    ]  # fmt: skip


def test_an_html_href_has_no_next_word(tmp_path: Path) -> None:
    """An href ends at its quote: a capital written in it is the value as written."""
    html = (
        f'<html lang="ru"><body><p><a href="https://shop.test/a?{TAGS}">Скидки</a></p>\n'
        f'<p><a href="https://shop.test/b?{TAGS}">Новинки</a></p>\n'
        f'<p><a href="https://shop.test/c?{TAGS}Or">Ещё</a></p></body></html>\n'
    )
    assert utm_findings(send(tmp_path, "Скидки!\n", html)) == [
        ("UTM002", "error", ("send.eml:16",),
         "utm_campaign='saleOr', other links of the campaign use 'sale': upper-case letters "
         "(analytics splits rows by case)"),
    ]  # fmt: skip


# -- a URL that a hard line break cuts (TXT002) --------------------------------------------------

CUT = "http://www.regione.test/territorio/territorio/centrofunzionale/meteo/c"  # 70 characters
WHOLE = CUT + "ancellazione_i.asp?arg=meteo"
NEWS = "https://shop.test/news/2026/11/27/the-whole-story-of-this-weeks-sale-an"
NEWS_WHOLE = NEWS + "d-what-comes-next/"


def test_urls_a_line_break_cuts_are_one_warning_listing_every_line(tmp_path: Path) -> None:
    """mailcheck reads a hard-wrapped URL whole (its link is checked so), and says that text
    readers get only the first line's part."""
    text = (
        "Bollettino meteo\n"  # 1
        "\n"
        "Se non desideri più ricevere questa newsletter\n"  # 3
        f"{CUT}\n"  # 4
        "ancellazione_i.asp?arg=meteo\n"  # 5
        "\n"
        f"Read on: {NEWS}\n"  # 7
        "d-what-comes-next/\n"  # 8
        "See you next week.\n"
    )
    result = check(text_alone(tmp_path, text))
    [cut] = only(result, "TXT002")
    assert cut.severity.value == "warning"
    assert cut.locations == ("text.eml:9", "text.eml:12")
    assert cut.url == WHOLE
    assert cut.message == (
        "2 URLs in the text part cut by a line break (line 9, 12): text-only readers get only "
        "the first line's part, “…/territorio/centrofunzionale/meteo/c”, without "
        "“ancellazione_i.asp?arg=meteo” from the next line; put each URL on a line of its own, "
        "unwrapped"
    )
    links = {link.href for link in result.campaign.all_links()}
    assert {WHOLE, NEWS_WHOLE} <= links and CUT not in links


def test_a_cut_url_beside_an_html_part_is_named_at_the_text_part(tmp_path: Path) -> None:
    html = (
        f'<html lang="it"><body><p><a href="{WHOLE}">Cancellazione</a></p>\n'
        f'<p><a href="{NEWS_WHOLE}">News</a></p></body></html>\n'
    )
    text = f"Notizie: {NEWS_WHOLE}\n\nPer non ricevere più questa newsletter:\n{CUT}\nancellazione_i.asp?arg=meteo\n"
    [cut] = only(check(send(tmp_path, text, html)), "TXT002")
    assert (cut.locations, cut.url) == (("send.eml:12",), WHOLE)


@pytest.mark.parametrize(
    "text",
    [
        # the URL on a line of its own, whole
        f"Per non ricevere più questa newsletter:\n{WHOLE}\nGrazie.\n",
        # a long URL that ends a short line: the line was ended on purpose
        f"Disiscriviti:\n{CUT[:50]}\nancellazione_i.asp?arg=meteo\n",
        # a URL followed by a new paragraph
        f"Leggi: {NEWS}\n\nd-what-comes-next/ is what we ask.\n",
        # a sentence after the URL, and a rule drawn under it
        f"Leggi: {NEWS}\nNext week: more.\n{NEWS}\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n",
    ],
    ids=["own-line", "short-line", "new-paragraph", "sentence-and-rule"],
)
def test_a_url_no_line_break_cuts_is_not_reported(tmp_path: Path, text: str) -> None:
    assert only(check(text_alone(tmp_path, text)), "TXT002") == []


def test_a_url_cut_over_three_lines_is_read_whole_and_its_last_line_read_on() -> None:
    text = (
        "Read more about it here, in the article: https://acme.test/news/2002/08/\n"
        "12/a-very-long-article-name-here/part/two/and/more/of-it/x/y/z/w/more/of\n"
        "/three.html\n"
        "Today, or at www.acme.test\n"
    )
    whole = (
        "https://acme.test/news/2002/08/12/a-very-long-article-name-here/part/two/and/more/"
        "of-it/x/y/z/w/more/of/three.html"
    )
    [wrapped] = text_part_links(text, None).wrapped
    assert (wrapped.url, wrapped.line, wrapped.cut) == (whole, 1, "https://acme.test/news/2002/08/")
    links = text_document(text).links
    assert [(link.href, link.line) for link in links] == [(whole, 1), ("www.acme.test", 4)]
    assert links[1].context == "Today, or at www.acme.test"


def test_a_templates_text_keeps_a_url_it_writes_cut(tmp_path: Path) -> None:
    """The text of a template counts the URLs it writes as they are: a cut URL is written so
    with its line break, and is checked whole (it was dropped: not in the source unbroken)."""
    directory = write_campaign(tmp_path, text="email.txt", template="jinja")
    (directory / "email.txt").write_text(
        "Ciao {{ name | default('amico') }}!\n"
        "\n"
        "Se non desideri più ricevere questa newsletter\n"
        f"{CUT}\r\n"
        "ancellazione_i.asp?arg=meteo\n"
        "Regali: https://{{ domain }}/gifts/and/a/long/path/that/goes/on/for/a/while/x\n"
        "y/z\n",
        encoding="utf-8",
    )
    result = check(directory)
    links = {link.href for r in result.campaign.renders for link in r.text_links}
    assert WHOLE in links
    assert not any("gifts" in href for href in links)  # a stand-in's URL: not the source's
    [cut] = only(result, "TXT002")
    assert (cut.locations, cut.url) == (("email.txt:4",), WHOLE)


# -- only a whole line can be a URL's rest (QA probe R, session 29) ---------------------------

SPRING = "https://shop.example/spring?utm_source=newsletter&utm_medium=email&utm_campaign=spring"
LONG_LINE = f"Shop the whole spring collection online right now at {SPRING}"  # over 60


@pytest.mark.parametrize(
    "below",
    [
        "50% off everything until Sunday.",
        "24/7 customer support, free returns.",
        "#1 bestseller: the linen shirt.",
        "e.g. linen shirts, chinos and more.",
        "1/2 price on all sandals.",
        "_Offer ends Sunday_",
        "~30 new styles added.",
        "Q&A with our designer tonight.",
        "B2B/wholesale customers: call us.",
        "Скидки 50% на всё до воскресенья.",
        "www.shop.example/help for help.",
        "shop.example/stores has all addresses.",
        "24/7 support.",
        # a line of its own that is no URL's rest
        *("50%", "24/7", "Q&A", "1/2", "#1", "e.g.", "_Offer", "~30", "_Sunday_"),
        *("B2B/wholesale", "Terms/Privacy", "#SpringSale", "hello@shop.example"),
        "shop.example/stores",
    ],
)
def test_a_url_ending_a_long_line_takes_no_prose_from_the_next(tmp_path: Path, below: str) -> None:
    """The probe's "…online right now at URL" + "24/7 customer support" was read as
    …utm_campaign=spring24/7: a URL that is not in the text, checked online (a false LNK001
    404) and a false TXT002. A URL's rest is a whole line, one run of URL characters."""
    text = f"Spring sale\n\n{LONG_LINE}\n{below}\n\nUnsubscribe: https://shop.example/unsubscribe?u=1\n"
    assert text_part_links(text, None).wrapped == ()
    result = check(text_alone(tmp_path, text))
    assert only(result, "TXT002") == []
    assert only(result, "UTM003") == []
    hrefs = [(link.href, link.line) for link in result.campaign.all_links()]
    assert hrefs[0] == (SPRING, 3)


@pytest.mark.parametrize(
    ("cut", "rest", "whole"),
    [
        (CUT, "ancellazione_i.asp?arg=meteo", WHOLE),  # mail_test_2
        # the spf*/nodmarc.eml Google News URL, in <…>
        (
            "<http://news.google.test/news?hl=en&lr=&ie=UTF-8&oe=utf8&client=google&num=30&newsc",
            "lusterurl=http://thewhir.test/marketwatch/sws021004.cfm>",
            "http://news.google.test/news?hl=en&lr=&ie=UTF-8&oe=utf8&client=google&num=30"
            "&newsclusterurl=http://thewhir.test/marketwatch/sws021004.cfm",
        ),
        (NEWS, "d-what-comes-next/", NEWS_WHOLE),
    ],
)
def test_a_line_that_is_a_urls_rest_is_joined(cut: str, rest: str, whole: str) -> None:
    [wrapped] = text_part_links(
        f"See all stories on this topic:\n{cut}\n{rest}\n\nBye\n", None
    ).wrapped
    assert (wrapped.url, wrapped.line) == (whole, 2)


# -- a URL opening its paragraph is named by the one before only through a colon (probe R) ----


@pytest.mark.parametrize(
    "above",
    [
        "To unsubscribe click below.",
        "Don't want these emails? Unsubscribe at the end of this message.",
        "Чтобы отписаться от рассылки, нажмите ссылку внизу письма.",
    ],
)
def test_a_url_opening_its_paragraph_is_not_named_by_words_that_do_not_lead_into_it(
    tmp_path: Path, above: str
) -> None:
    """The shop link under "To unsubscribe click below." was read as the unsubscribe link: no
    UTM001, and online never opened (a 404 unseen)."""
    text = f"Spring sale\n\n{above}\n\nhttps://shop.test/sale\n\nShop Ltd, 1 High St, London\n"
    [link] = text_document(text).links
    assert link.context == "https://shop.test/sale"
    [finding] = only(check(text_alone(tmp_path, text)), "UTM001")
    assert (finding.url, finding.locations) == (
        "https://shop.test/sale",
        ("text.eml:10",),
    )


@pytest.mark.parametrize("colon", [":", "："])
def test_a_paragraph_ending_in_a_colon_names_the_url_that_opens_the_next(
    tmp_path: Path, colon: str
) -> None:
    text = f"Spring sale\n\nTo unsubscribe, follow this link{colon}\n\nhttps://shop.test/u/1\n"
    [link] = text_document(text).links
    assert link.context == f"To unsubscribe, follow this link{colon} https://shop.test/u/1"
    assert only(check(text_alone(tmp_path, text)), "UTM001") == []


# -- the words of another sentence on the URL's line do not name it (probe R: b2, b4) ---------


@pytest.mark.parametrize(
    ("line", "url_line"),
    [
        (
            "If you no longer wish to receive these emails, you can unsubscribe at the bottom. "
            "Meanwhile, shop our sale at https://shop.test/sale",
            "text.eml:8",
        ),
        (
            "To unsubscribe from our list, reply STOP. Our spring sale: https://shop.test/sale",
            "text.eml:8",
        ),
    ],
)
def test_a_url_is_named_by_its_own_sentence_not_another_on_its_line(
    tmp_path: Path, line: str, url_line: str
) -> None:
    text = f"Spring sale\n\n{line}\n\nUnsubscribe: https://shop.test/unsubscribe\n"
    [finding] = only(check(text_alone(tmp_path, text)), "UTM001")
    assert (finding.url, finding.locations) == ("https://shop.test/sale", (url_line,))
    # the unsubscribe link's own sentence names it: exempt, so the finding has one link
    assert "unsubscribe" not in finding.message


def test_a_url_is_named_by_the_sentence_that_leads_into_it_or_follows_it(tmp_path: Path) -> None:
    text = (
        "Spring sale: https://shop.test/sale?utm_source=e&utm_medium=email&utm_campaign=s\n\n"
        "Thanks for reading. To unsubscribe, click here. https://shop.test/u/1\n\n"
        "https://shop.test/u/2 — отписаться от рассылки.\n"
    )
    assert only(check(text_alone(tmp_path, text)), "UTM001") == []


@pytest.mark.parametrize("blank", ["", "\n\n", "  \n"])
def test_an_empty_text_part_is_said_empty_not_missing(tmp_path: Path, blank: str) -> None:
    # a multipart/alternative whose text/plain part is there but blank (probe W b3/e1)
    (finding,) = only(check(send(tmp_path, blank)), "TXT001")
    assert finding.message.startswith("the plain-text part is empty")
    assert finding.locations == ("text/plain part",)


def test_a_message_without_a_text_part_is_said_to_have_none(tmp_path: Path) -> None:
    path = tmp_path / "send.eml"
    path.write_text(
        "From: Shop <news@shop.test>\nSubject: Скидки\nMIME-Version: 1.0\n"
        f"Content-Type: text/html; charset=utf-8\n\n{HTML}",
        encoding="utf-8",
    )
    (finding,) = only(check(path), "TXT001")
    assert (finding.message, finding.locations) == ("no plain-text part", ("MIME parts",))


def test_an_empty_text_file_is_named_by_its_file(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, text="email.txt", files={"email.txt": "\n"})
    (finding,) = only(check(d), "TXT001")
    assert finding.message.startswith("the plain-text part is empty")
    assert finding.locations == ("email.txt",)
