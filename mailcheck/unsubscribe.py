"""Recognising the unsubscribe link as people write it, from word lists kept as data.

A link is an unsubscribe (or preference-centre) link when

* its text says so in one of the languages of ``data/unsubscribe_words.toml`` («Отписаться»,
  «Отказаться от рассылки», "Unsubscribe", "Abmelden", "Se désinscrire" …);
* its text says nothing by itself ("click here", «нажмите здесь»), or is only the address it
  goes to ("https://shop.example/u/123", "unsub@shop.example"), and the sentence around it
  says so («Если вы не хотите получать наши письма, нажмите здесь», "To unsubscribe, visit
  https://shop.example/u/123");
* its own ``role``, ``data-*``, ``class`` or ``id`` marker says so (``role="unsubscribe"``);
* its href holds a platform's unsubscribe tag (``data/unsubscribe_tags.toml``: ``*|UNSUB|*``,
  ``{{ unsubscribe_link }}``, ``[% param.url_unsub %]`` …) or its path says so;
* its href is the campaign's ``List-Unsubscribe`` URL.

A link to a social network or a messenger (``data/social_hosts.toml``) is no unsubscribe link
whatever its text says ("<a href="https://twitter.com/shop">Unsubscribe</a>" opens a profile),
unless the network sends the e-mail itself, its href is the ``List-Unsubscribe`` URL or holds a
platform's unsubscribe tag.

Words are compared without regard to case or accents, so "desinscrire" is "désinscrire" and «ё»
is «е», and as their reader reads them: "Unsubscrіbe" with a Cyrillic "і" is "Unsubscribe"
(:mod:`mailcheck.lookalikes`); a Chinese, Japanese or Korean character is a word. A dialect
that knows more of its platform's tags adds them with :func:`add_tags`.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from mailcheck.domains import URL_CACHE_SIZE, host_of, org_domain, under
from mailcheck.lookalikes import one_script
from mailcheck.text import last_sentence, strip_padding

if TYPE_CHECKING:
    from mailcheck.model import Link

# Letters that do not decompose into a base letter and accents, spelled the way people write
# them without a national keyboard.
_UNACCENTED = str.maketrans(
    {"ı": "i", "ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ħ": "h"}
)
_WORD = re.compile(r"\w+")
_SKIP = 2  # words "~" stands for
# At most this many words make a link text that needs its sentence to be understood.
_GENERIC_WORDS_MAX = 4
# An address written out: a URL (its scheme optional: "shop.example/u/123") or an e-mail
# address. A link whose text is only that is understood from its sentence, as "click here" is.
_ADDRESS = re.compile(
    r"(?:https?://)?[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:[/?#]\S*)?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.I,
)
# What stands around an address in a sentence: brackets, quotes, the sentence's punctuation
AROUND_ADDRESS = "()<>[]«»\"'“”.,;:!?"


# What separates the items of a footer's line: "Web version | Unsubscribe · Contact"
_FOOTER_ITEM_BREAK = re.compile(r"[|•·]")


def is_address(word: str) -> bool:
    """Whether ``word`` (one word, its brackets and punctuation aside) is an address."""
    return bool(_ADDRESS.fullmatch(word.strip(AROUND_ADDRESS)))


_URL_WORDS = re.compile(
    r"unsub|opt-?_?out|otpis|abmeld|desinscri|desabonn|afmeld|wypis|odhlas|dezabon", re.I
)


def url_words_say_unsubscribe(text: str) -> bool:
    """A URL's part (a host, a path) names unsubscribing ("unsubscribe.shop.example",
    "/optout", "/otpiska")."""
    return bool(_URL_WORDS.search(text))


def fold(text: str) -> str:
    """``text`` lower-cased and without accents: how words are compared."""
    if text.isascii():  # (O(1) in CPython) no accents, nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNACCENTED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> list[str]:
    """The folded words of ``text``; hyphens, apostrophes and punctuation separate them.
    Invisible format characters inside a word are no break: "U&shy;nsubscribe",
    "U&#8203;nsubscribe", "Un&#x200D;subscribe" read "Unsubscribe" (strip_padding removes them;
    a zero-width joiner too, which it keeps in the letter's cluster, as in an emoji's: a word's
    letters are no emoji). A word of Latin, Cyrillic or Greek letters with a look-alike of
    another script reads as the reader reads it ("Unsubscrіbe" with a Cyrillic "і":
    :func:`mailcheck.lookalikes.one_script`). Chinese and Japanese write no spaces between
    words: each of their characters (a Korean one: each syllable) is a word, so that a phrase
    («退订», «配信停止», «수신 거부» = «수신거부») is found inside a longer run («请点击退订»)."""
    folded = fold(one_script(strip_padding(text).replace("\u200d", "")))
    if _CJK_TEXT.search(folded):
        folded = _CJK_UNIT.sub(r" \g<0> ", folded)
    return _WORD.findall(folded)


# After fold(): Han ideographs, kana (half-width ones are full-width by then), and a Korean
# syllable, which NFKD has decomposed into its jamo (a leading consonant, a vowel and an
# optional final one)
_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_TEXT = re.compile(f"[{_CJK_CHARS}\u1100-\u11ff]")
_CJK_UNIT = re.compile(f"[{_CJK_CHARS}]|[\u1100-\u115f]+[\u1160-\u11a7]+[\u11a8-\u11ff]*")


# One word of a phrase: (text, is a stem), or None for "~".
_Token = tuple[str, bool] | None


def _tokens(phrase: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    for word in phrase.split():
        if word == "~":
            tokens.append(None)
            continue
        pieces = words_of(word)
        for index, piece in enumerate(pieces):  # "e-mail*": "e", then the stem "mail"
            last = index == len(pieces) - 1
            tokens.append((piece, last and word.endswith("*")))
    return tuple(tokens)


def _ends(words: list[str], at: int, tokens: tuple[_Token, ...]) -> set[int]:
    """Where each match of ``tokens`` at ``words[at]`` ends (:func:`_matches`' places)."""
    if not tokens:
        return {at}
    token, rest = tokens[0], tokens[1:]
    if token is None:
        return set().union(*(_ends(words, at + skip, rest) for skip in range(_SKIP + 1)))
    if at >= len(words):
        return set()
    text, stem = token
    word = words[at]
    found = word.startswith(text) if stem else word == text
    return _ends(words, at + 1, rest) if found else set()


def _matches(words: list[str], at: int, tokens: tuple[_Token, ...]) -> bool:
    if not tokens:
        return True
    token, rest = tokens[0], tokens[1:]
    if token is None:
        return any(_matches(words, at + skip, rest) for skip in range(_SKIP + 1))
    if at >= len(words):
        return False
    text, stem = token
    word = words[at]
    return (word.startswith(text) if stem else word == text) and _matches(words, at + 1, rest)


class Phrases:
    """A set of phrases (syntax: the data file's header), found in text word by word."""

    def __init__(self, phrases: Iterable[str]) -> None:
        # indexed by the first two letters of the first word: a text's word meets few phrases
        self._by_start: dict[str, list[tuple[_Token, ...]]] = {}
        for phrase in phrases:
            tokens = _tokens(phrase)
            if tokens and tokens[0] is not None:
                self._by_start.setdefault(tokens[0][0][:2], []).append(tokens)

    def search(self, text: str) -> bool:
        return self.among(words_of(text))

    def among(self, words: list[str]) -> bool:
        """:meth:`search` in words already folded (:func:`words_of`): a text read for several
        phrase lists is folded once."""
        get = self._by_start.get
        for at, word in enumerate(words):
            # the phrases whose first word starts as this one does: by its first two letters,
            # then by its first (a one-letter token: "e-mail*"'s "e"); two look-ups, no set
            # built per word (this loop is most of the wording's cost)
            for tokens in get(word[:2], ()):
                if _matches(words, at, tokens):
                    return True
            if len(word) > 1:
                for tokens in get(word[:1], ()):
                    if _matches(words, at, tokens):
                        return True
        return False

    def spans(self, words: list[str]) -> set[tuple[int, int]]:
        """(start, end) of each place a phrase stands in ``words`` (folded)."""
        found: set[tuple[int, int]] = set()
        get = self._by_start.get
        for at, word in enumerate(words):
            # (the two look-ups of :meth:`among`, no set built per word)
            for tokens in (*get(word[:2], ()), *(get(word[:1], ()) if len(word) > 1 else ())):
                found.update((at, end) for end in _ends(words, at, tokens))
        return found


def _data(name: str) -> dict[str, dict[str, list[str]]]:
    text = resources.files("mailcheck.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


class Words:
    """The word lists of every language."""

    def __init__(self, languages: dict[str, dict[str, list[str]]]) -> None:
        self.languages = sorted(languages)

        def phrases(kind: str) -> Phrases:
            """Every language's phrases of one kind (a key of unsubscribe_words.toml)."""
            return Phrases(p for lang in languages.values() for p in lang.get(kind, []))

        self.link = phrases("link")
        self.sentence = phrases("sentence")
        self.generic = phrases("generic")
        self.preference = phrases("preference")
        self.manage = phrases("manage")
        self.mail = phrases("mail")
        self.subscription = phrases("subscription")
        self.own_subscription = phrases("own_subscription")
        self.qualified = phrases("qualified")
        self.notice = phrases("notice")
        self.howto = phrases("howto")
        self.receiving = phrases("receiving")
        self.reply = phrases("reply")
        self.no_reply = phrases("no_reply")
        self.reply_word = phrases("reply_word")
        self.write_back = phrases("write_back")
        self.refusal = phrases("refusal")
        self.subscribed = phrases("subscribed")

    def refuses(self, words: list[str]) -> bool:
        """A link text (its folded words) that is a refusal phrase and nothing else
        («Отказаться»: refusing what its sentence before says, see ``subscribed``)."""
        if len(words) > _GENERIC_WORDS_MAX or not self.refusal.among(words):
            return False  # most texts: no spans to find
        return (0, len(words)) in self.refusal.spans(words)

    def link_phrase_among(self, words: list[str]) -> bool:
        """A link phrase stands in ``words`` (folded), not as a verb of writing a note back:
        one that starts where a ``write_back`` phrase starts («отпишитесь о результатах»,
        «отпишите мне») is none; «Отпишитесь», «отпишитесь от рассылки» are."""
        if not self.link.among(words):
            return False
        if not self.write_back.among(words):
            return True  # most texts: no spans to find
        notes = {start for start, _ in self.write_back.spans(words)}
        return any(start not in notes for start, _ in self.link.spans(words))

    def written_back_in(self, text: list[str], context: list[str]) -> bool:
        """A link text's words (folded) whose link phrases its sentence ``context`` makes a note
        written back: «Оцените покупку. <a>Отпишитесь</a> о впечатлениях!» (the words after the
        link finish the phrase). Every place the sentence holds the text must be such a note
        (the sentence before the link is read along and may write the text again)."""
        if not text or not self.write_back.among(context):
            return False  # most sentences: no note, and no spans to find
        size = len(text)
        places = [at for at in range(len(context) - size + 1) if context[at : at + size] == text]
        if not places:
            return False
        notes = {start for start, _ in self.write_back.spans(context)}
        starts = {start for start, _ in self.link.spans(text)}
        return all(at + start in notes for at in places for start in starts)

    def manages_own_subscription(self, words: list[str]) -> bool:
        """A subscription managed with no other noun qualifying it ("Manage your
        subscription", «Управление подпиской»): the reader's subscription to these mailings
        (not "Manage your coffee subscription", "… subscription to Premium"). ``words``: the
        folded words (:func:`words_of`). A name written after the noun with no preposition
        («Gérer votre abonnement Netflix») or a compound's noun before it («Kaffee-Abo
        verwalten») is not told apart: telling it by its capital letter took the words after
        a link and a line break for names (a QA probe: "click here to manage your
        subscription<br>Acme Inc" was a false UNS001), so the subscription is the reader's."""
        return self.own_subscription.among(words) and not self.qualified.among(words)

    def says_unsubscribe(self, text: str) -> bool:
        return bool(text) and self.text_words_say_unsubscribe(words_of(text))

    def text_words_say_unsubscribe(self, words: list[str]) -> bool:
        """A link text's folded words say unsubscribe: a link phrase, and no word of a
        booking's or a service's notice («查看退订政策», the cancellation policy; «配信停止の
        お知らせ»: the data's ``notice``), nor of a service's how-to («구독 취소 방법», how to
        cancel a subscription: ``howto``) unless the phrase refuses the messages themselves
        («수신거부 방법», how to refuse them, leads to the way out: ``receiving``)."""
        return (
            self.link_phrase_among(words)
            and not self.notice.among(words)
            and (not self.howto.among(words) or self.receiving.among(words))
        )

    def is_generic(self, words: list[str]) -> bool:
        """A short link text (its folded words) that only says "click here"."""
        # a Chinese, Japanese or Korean word is about two of its characters («点击这里»: two)
        cjk = sum(1 for word in words if _CJK_TEXT.match(word))
        count = len(words) - cjk + (cjk + 1) // 2
        return 0 < count <= _GENERIC_WORDS_MAX and self.generic.among(words)

    def sentence_says_unsubscribe(self, sentence: str) -> bool:
        return bool(sentence) and self.sentence_words_say_unsubscribe(words_of(sentence))

    def sentence_words_say_unsubscribe(self, words: list[str]) -> bool:
        """:meth:`sentence_says_unsubscribe` of a sentence's folded words."""
        return self.link_phrase_among(words) or self.sentence.among(words)

    def sentence_says_reply_to_unsubscribe(self, sentence: str) -> bool:
        """A sentence that tells the reader to leave by replying: a verb of replying and the
        wish to leave in it ("To be removed, reply with …", «Чтобы отписаться, ответьте на это
        письмо»), or the word to reply with after the verb ("Reply REMOVE", «ответьте словом
        СТОП»). "Reply to this e-mail with your questions" does not; nor does a sentence that
        says not to reply ("Do not reply to this e-mail; to unsubscribe, click below")."""
        words = words_of(sentence) if sentence else []
        if not self.reply.among(words):
            return False  # most sentences: no verb of replying, and no spans to find
        starts = sorted(start for start, _ in self.reply.spans(words))
        if not starts or self.no_reply.among(words):
            return False
        return self.sentence_words_say_unsubscribe(words) or self.reply_word.among(
            words[starts[0] + 1 :]
        )


class _Search(Protocol):
    def search(self, text: str, /) -> object: ...


class _AnyOf:
    """One compiled regex of the data's patterns, and the dialects' own compiled patterns."""

    def __init__(self, patterns: list[str], compiled: list[_Search]) -> None:
        self.regex = re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.I)
        self.compiled = compiled

    def search(self, text: str) -> bool:
        return bool(self.regex.search(text)) or any(p.search(text) for p in self.compiled)


class Tags:
    """Platforms' unsubscribe tags: ``href`` ones stand for the URL, ``body`` ones for the link.

    Each dialect of the ``mailcheck.dialects`` group adds its ``unsubscribe_pattern`` to both
    (a dialect's unsubscribe tag in an href is the URL; written in the body it is the link).
    """

    def __init__(self, platforms: dict[str, dict[str, list[str]]]) -> None:
        self.platforms = dict(platforms)
        self._dialects: list[_Search] | None = None
        self._compile()

    def _compile(self) -> None:
        dialects = self._dialects or []
        href = [p for spec in self.platforms.values() for p in spec.get("href", [])]
        body = [p for spec in self.platforms.values() for p in spec.get("body", [])]
        self.href = _AnyOf(href, dialects)
        self.body = _AnyOf(body, dialects)

    def with_dialects(self) -> Tags:
        """Load the dialects' patterns on first use (the catalogue scans entry points)."""
        if self._dialects is None:
            from mailcheck.templating.catalogue import load_catalogue

            self._dialects = [
                d.unsubscribe_pattern
                for d in load_catalogue().dialects.values()
                if d.unsubscribe_pattern is not None
            ]
            self._compile()
        return self

    def add(self, platform: str, *, href: Iterable[str] = (), body: Iterable[str] = ()) -> None:
        spec = self.platforms.setdefault(platform, {})
        for key, patterns in (("href", href), ("body", body)):
            for pattern in patterns:
                re.compile(pattern)  # a bad pattern fails where it is added, not at match time
                spec.setdefault(key, []).append(pattern)
        self._compile()

    def remove(self, platform: str) -> None:
        self.platforms.pop(platform, None)
        self._compile()


WORDS = Words(_data("unsubscribe_words.toml"))
TAGS = Tags(_data("unsubscribe_tags.toml"))


def unsubscribe_tags() -> Tags:
    """The platforms' unsubscribe tags: the data file's, :func:`add_tags`' and the dialects'."""
    return TAGS.with_dialects()


def add_tags(platform: str, *, href: Iterable[str] = (), body: Iterable[str] = ()) -> None:
    """The hook for dialects: register a platform's unsubscribe tags (regular expressions).

    ``href`` tags stand for the unsubscribe URL inside a link's href (``*|UNSUB|*``); ``body``
    tags produce the whole link wherever they stand (Klaviyo's ``{% unsubscribe %}``).
    """
    TAGS.add(platform, href=href, body=body)
    link_says_unsubscribe.cache_clear()
    body_has_unsubscribe_tag.cache_clear()


def remove_tags(platform: str) -> None:
    """Forget what :func:`add_tags` registered for ``platform``."""
    TAGS.remove(platform)
    link_says_unsubscribe.cache_clear()
    body_has_unsubscribe_tag.cache_clear()


def link_is_unsubscribe(
    href: str,
    raw: str,
    text: str,
    context: str,
    marker: str,
    list_unsubscribe: frozenset[str],
    sender: str = "",
) -> bool:
    """Whether a link with these parts is an unsubscribe or preference-centre link; ``sender``
    is the domain of the campaign's From address ("" when unknown)."""
    if not link_says_unsubscribe(href, raw, text, context, marker, list_unsubscribe):
        return False
    # a profile on a social network opens whatever the link's words say: only the campaign's
    # own declarations (a platform's tag, the List-Unsubscribe URL) or the network's own mail
    # make it the way out
    return not social_network(href, sender) or _declared(href, raw, list_unsubscribe)


def _declared(href: str, raw: str, list_unsubscribe: frozenset[str]) -> bool:
    """The href holds a platform's unsubscribe tag or is the List-Unsubscribe URL."""
    tags = unsubscribe_tags()
    return bool(
        tags.href.search(raw)
        or (href != raw and tags.href.search(href))
        or (list_unsubscribe and href.strip() in list_unsubscribe)
    )


def _social_data() -> dict[str, Any]:
    text = resources.files("mailcheck.data").joinpath("social_hosts.toml").read_text("utf-8")
    return tomllib.loads(text)


_SOCIAL = _social_data()
SOCIAL_HOSTS: tuple[str, ...] = tuple(str(host).lower() for host in _SOCIAL["hosts"])
"""Social networks, video sites and messengers (``data/social_hosts.toml``)."""
_SAME_NETWORK: tuple[tuple[str, ...], ...] = tuple(
    tuple(str(domain).lower() for domain in family) for family in _SOCIAL.get("same-network", [])
)


def _own_site(host: str, network: str, sender: str) -> bool:
    """``host`` (a page of ``network``) is on the ``sender``'s own site: the same
    organisational domain (mail from notify.vk.com to vk.com), or domains of one network
    (``same-network``: facebookmail.com's mail to facebook.com, x.com's to twitter.com)."""
    if org_domain(host) == org_domain(sender):
        return True
    return any(
        any(under(host, d) for d in family) and any(under(sender, d) for d in family)
        for family in _SAME_NETWORK
        if network in family
    )


@functools.lru_cache(maxsize=URL_CACHE_SIZE)
def social_network(href: str, sender: str = "") -> str | None:
    """The social network (its entry of ``SOCIAL_HOSTS``) that ``href`` opens a page of, unless
    the ``sender`` domain is that network's own (Twitter's mail links to twitter.com to
    unsubscribe, Facebook's, from facebookmail.com, to facebook.com); else None."""
    host = host_of(href)
    if not host:
        return None
    for network in SOCIAL_HOSTS:
        if under(host, network):
            return None if sender and _own_site(host, network, sender) else network
    return None


# Links are asked about by UNS, UTM and LNK rules, the link checker and the report: decide once.
@functools.lru_cache(maxsize=URL_CACHE_SIZE)
def link_says_unsubscribe(
    href: str, raw: str, text: str, context: str, marker: str, list_unsubscribe: frozenset[str]
) -> bool:
    """Whether a link with these parts says it is an unsubscribe or preference-centre link (by
    its words, marker, tag or URL), wherever it goes."""
    tags = unsubscribe_tags()
    if tags.href.search(raw) or (href != raw and tags.href.search(href)):
        return True
    # each part is folded once, however many word lists read it (see _LinkWords)
    words = _LinkWords(href, text, context, marker)
    if (
        WORDS.text_words_say_unsubscribe(words.text)
        and not WORDS.written_back_in(words.text, words.context)
    ) or (marker and _marker_says_unsubscribe(marker, words.marker)):
        return True
    if _manages_the_mailings(href, words):
        return True
    if words.generic and WORDS.sentence_words_say_unsubscribe(words.context):
        return True
    if WORDS.refuses(words.text) and WORDS.subscribed.among(words.context):
        # «Вы подписались на новости магазина. <a>Отказаться</a>»: refusing the mailings
        return True
    if context and WORDS.sentence_words_say_unsubscribe(words.leading):
        # an address the words lead up to ("To unsubscribe, visit <a>shop.example/u</a>"), not
        # a contact address beside a footer's items ("hello@shop.example | Unsubscribe",
        # "Unsubscribe | www.shop.example": the words are another item's)
        return True
    if list_unsubscribe and href.strip() in list_unsubscribe:
        return True
    return bool(_URL_WORDS.search(_path_and_query(href))) or mailto_opts_out(href)


# The first word of a mailto:'s subject or body that asks to be taken off the list: "STOP",
# "STOP_GN724", "Remove me" (a spam list's footer; "unsubscribe" is one of _URL_WORDS')
_OPT_OUT_REQUEST = re.compile(r"\s*(?:stop|remove)(?![^\W_])", re.I)


def mailto_opts_out(href: str) -> bool:
    """A ``mailto:`` link whose subject or body asks to be taken off the list ("send us a
    message with STOP in the subject line": ``mailto:leave@shop.example?subject=STOP``)."""
    if href.strip()[:7].lower() != "mailto:":
        return False
    query = href.partition("?")[2]
    return any(
        name.strip().lower() in ("subject", "body") and _OPT_OUT_REQUEST.match(value)
        for name, value in parse_qsl(query, keep_blank_values=True)
    )


def _leading_words(href: str, text: str, context: str) -> str:
    """The words that lead up to a link written out as its address: an HTML link whose text is
    an address, or a plain-text part's URL (its context ends with the URL: the text part
    shows the URL itself, whatever its line's words). The last item of a footer's line only
    ("hello@shop.example | Unsubscribe": the words after "|" are another item's). "" for
    another link, whose own text says what it is."""
    shown = text.strip()
    if is_address(shown):
        written = shown
    elif href.strip() and context.endswith(href.strip()):
        written = href.strip()
    else:
        return ""
    # the sentence that leads into the URL, not an earlier one of its paragraph ("…unsubscribe
    # at the bottom. Meanwhile, shop our sale at https://…")
    return last_sentence(_FOOTER_ITEM_BREAK.split(context.partition(written)[0])[-1])


# A URL that names the management of the mailings by itself: a verb of changing with what it
# changes ("change_interests", "manage-subscription"), a preference centre, the e-mail's
# preferences or settings, German «Abo verwalten»; not a profile's or settings' page
# ("/update-profile", "/account/settings": a shop's account)
_MANAGEMENT_URL = re.compile(
    r"(?:change|update|edit|manage|modify)[-_]?(?:interests?|subscriptions?|preferences?)"
    r"|preference[-_]?cent(?:er|re)"
    r"|(?:e-?mail|newsletter|communication|mailing)[-_]?(?:preferences|settings)"
    r"|subscription[-_]?preferences|abo(?:nnement)?[-_]?verwalt",
    re.I,
)
# A URL's word that names the mailings (a host or path word: "list-manage.com",
# "/action/email.html", "e-newsletters.…"; not "wishlist", "gmail")
_MAIL_URL = re.compile(
    r"(?<![a-z])(?:e-?mail|mailing|newsletter|list(?:s|serv)?(?![a-z])|rassylk)", re.I
)


def _manages_the_mailings(href: str, words: _LinkWords) -> bool:
    """A link whose words manage a subscription ("Manage your subscription", «Управление
    подпиской»: the data's ``subscription`` phrases, read where the link phrases are) that is
    the reader's subscription to the mailings: a bare one, no other noun qualifying it
    ("Manage subscription", "Manage your subscriptions", «Управление подпиской»: an ESP
    footer's link, whose URL a test send rewrites to a click tracker); or another noun
    qualifies it and the mailings are named: a word of theirs in its text or around it (its
    sentence, with the one before when the link opens its sentence: "A weekly newsletter by
    Maya Chen. <a>Manage your Brief subscription</a>", «Управление подпиской на рассылку»), or
    its URL is a preference centre's or a mailing list's. "Manage your coffee subscription"
    or «Управление подпиской на кофе» to a shop's /account/subscription is not the way out."""
    said = [each for each in (words.naming, words.marker) if WORDS.subscription.among(each)]
    if not said:
        return False
    if any(WORDS.manages_own_subscription(each) for each in said):
        return True
    # its text, sentence and marker (a marker too: class="manage-email-subscription")
    nearby = words.text + words.context + words.marker
    return WORDS.mail.among(nearby) or _management_url(href) or _mailings_url(href)


def _management_url(href: str) -> bool:
    """The URL names the management of the mailings by itself (``_MANAGEMENT_URL``)."""
    return bool(_MANAGEMENT_URL.search(_path_and_query(href)))


def _mailings_url(href: str) -> bool:
    """A word of the URL's host or path names the mailings (``_MAIL_URL``)."""
    return bool(_MAIL_URL.search(f"{host_of(href)} {_path_and_query(href)}"))


def _naming_words(href: str, text: str, context: str) -> str:
    """The words that say what a link is for: its text, with the sentence around it when the
    text says nothing by itself ("click here", its address; a plain-text part's URL)."""
    if context and WORDS.is_generic(words_of(text)):
        return f"{text} {context}"
    return f"{text} {_leading_words(href, text, context)}"


class _LinkWords:
    """The folded words (:func:`words_of`) of a link's parts, each part folded once when first
    read: a link's text and sentence are read for several word lists, and folding (NFKD, a
    look at every character) costs more than matching the phrases.

    The words of parts joined by a space are the words of one, then the other's (a space is
    a word break, whatever stands beside it), so ``naming`` is ``text`` and ``context`` (or
    ``leading``) without folding their sentence again (tests/test_unsubscribe.py checks the
    joining on accents, invisible characters and emoji at the ends)."""

    def __init__(self, href: str, text: str, context: str, marker: str) -> None:
        self._href, self._text, self._context, self._marker = href, text, context, marker

    @functools.cached_property
    def text(self) -> list[str]:
        return words_of(self._text)

    @functools.cached_property
    def context(self) -> list[str]:
        return words_of(self._context)

    @functools.cached_property
    def marker(self) -> list[str]:
        return words_of(self._marker)

    @functools.cached_property
    def generic(self) -> bool:
        """The text says nothing by itself and has a sentence around it."""
        return bool(self._context) and WORDS.is_generic(self.text)

    @functools.cached_property
    def leading(self) -> list[str]:
        """The words of :func:`_leading_words`."""
        return words_of(_leading_words(self._href, self._text, self._context))

    @property
    def naming(self) -> list[str]:
        """The words of :func:`_naming_words`."""
        return self.text + (self.context if self.generic else self.leading)


@functools.lru_cache(maxsize=URL_CACHE_SIZE)
def link_manages_subscription(href: str, text: str, context: str) -> bool:
    """Whether a link manages the reader's e-mail, newsletter or mailing-list preferences (a
    preference centre by other words than the unsubscribe ones): exempt from the UTM rules
    (DESIGN §5), and no way out for UNS001.

    Its words name the mailings' preferences ("newsletter preferences", «Чтобы изменить
    настройки рассылки»); or they say a change of a subscription, preferences or interests
    and its sentence or its URL name the mailings ("To learn about other newsletters or to
    change your subscription visit …", "For subscription changes, please use the form at:
    …/action/email.html"); or its URL names the managing ("/profile/change_interests.html",
    "/email-preferences", "/preference-center"). A change alone is an offer: "Update your
    coffee subscription", "Update your subscription to Premium", "Update your profile",
    "Change your look" stay checked, whatever their URL's words (/subscriptions/, /account/,
    /profile/)."""
    naming = _naming_words(href, text, context)
    words = words_of(naming)
    if WORDS.preference.among(words):
        return True
    if _management_url(href):
        return True
    if not WORDS.manage.among(words):
        return False
    # a word of the mailings names the change when it is said in the same sentence ("Thanks
    # for reading our newsletter. Update your subscription to Premium:" is an offer)
    return WORDS.mail.search(last_sentence(naming)) or _mailings_url(href)


def _marker_says_unsubscribe(marker: str, words: list[str]) -> bool:
    """``words``: the marker's folded words."""
    # markers are identifiers (data-link-type="unsubscribe", class="unsub-link"): words joined
    # by - and _ are words too; a link's title is read as its text is (a booking's notice,
    # title="查看退订政策", is none)
    return WORDS.text_words_say_unsubscribe(words) or bool(_URL_WORDS.search(marker))


# The titles htmlparse adds to an icon link's marker ("class=… title=Отписаться от рассылки")
_TITLE = re.compile(r"(?:^| )title=(.+?)(?= title=|$)")


def link_name(link: Link) -> str:
    """What a message calls a link: its text; an icon link's title (a link without text is
    named by it: ``<a title="Отписаться"><img alt=""></a>``); else its URL."""
    if link.text:
        return link.text
    found = _TITLE.search(link.marker)
    return found.group(1).strip() if found else link.href


def _path_and_query(href: str) -> str:
    """Where a URL's words say what it does: its path and query, without the campaign's
    UTM tags (``utm_campaign=reactivation-optout`` names the campaign, not the link)."""
    if "://" not in href:
        return href
    try:
        parts = urlsplit(href)
    except ValueError:
        return href
    query = "&".join(pair for pair in parts.query.split("&") if not pair.lower().startswith("utm_"))
    return f"{parts.path}?{query}"


# LNK003 and UNS001 ask in turn about the same campaign's HTML, whose scan is the larger part
# of their cost: the last few answers are kept (add_tags and remove_tags forget them).
@functools.lru_cache(maxsize=8)
def body_has_unsubscribe_tag(source: str) -> bool:
    """A platform tag that makes the unsubscribe link itself, outside HTML comments."""
    # only text up to the last "-->" can hold a closed comment: searched whole, the pattern would
    # scan to the end of the text from every unclosed "<!--" (quadratic in them)
    end = source.rfind("-->") + len("-->")
    shown = _HTML_COMMENT.sub("", source[:end]) + source[end:] if end >= len("-->") else source
    return unsubscribe_tags().body.search(shown)


# Comments, except Outlook's conditional ones (their content is shown in Outlook).
_HTML_COMMENT = re.compile(r"<!--(?!\[if)(?:(?!-->).)*-->", re.S)
