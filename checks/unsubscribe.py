"""UNS (offline part): a way out for every recipient, in the body and in the headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from mailcheck.auth_model import Signature, signatures
from mailcheck.domains import host_of
from mailcheck.i18n import N_, t
from mailcheck.lengths import test_send_prefix
from mailcheck.linkinfo import (
    WHOLE_TAG,
    is_unsubscribe,
    links_to_home_page,
    opens_home_page,
    url_problem,
)
from mailcheck.listrelay import list_relay
from mailcheck.model import Link, Severity
from mailcheck.named import named_link_name, named_link_text
from mailcheck.rules import IN_UNCLOSED_COMMENT, Context, Problem, outside_layout, rule
from mailcheck.templating import whole_tag
from mailcheck.templating.catalogue import ESP_ALIASES, load_catalogue
from mailcheck.templating.system import LAYOUT_SLOTS
from mailcheck.text import quoted
from mailcheck.unsubscribe import (
    AROUND_ADDRESS,
    WORDS,
    is_address,
    mailto_opts_out,
    social_network,
    unsubscribe_tags,
    words_of,
)


def _header(ctx: Context, name: str) -> str | None:
    headers = ctx.campaign.headers
    if headers is None:
        return None
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _headers_known(ctx: Context) -> bool:
    return ctx.campaign.headers is not None


def _list_unsubscribe_written(ctx: Context) -> bool:
    """Whether there is a List-Unsubscribe header to judge (its absence is UNS002's)."""
    return bool((_header(ctx, "List-Unsubscribe") or "").strip())


def _text_way_out(text: str, sender: str) -> tuple[bool, list[str], list[str]]:
    """Whether a plain-text part offers a way out: the words in a paragraph with a URL or an
    e-mail address (or the next paragraph's: "To unsubscribe, follow this link:" on a line of
    its own), or a tag. A page of a social network or a messenger is none, as the HTML part's
    link there is none (``sender``: the From domain, whose own network's page is one); when
    that is all a paragraph saying unsubscribe offers, its URLs are the second item. When
    every way out is a URL of a site's home page (:func:`opens_home_page`), they are the
    third item, unless the paragraph tells the reader to leave by replying: then that address
    is the shop's, and the reply is the way out UNS001 judges as a reply."""
    tags = unsubscribe_tags()
    if tags.href.search(text) or tags.body.search(text):
        return True, [], []
    if any(mailto_opts_out(found.group(0)) for found in _MAILTO.finditer(text)):
        return True, [], []  # a message to send that unsubscribes ("?subject=STOP")
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    # the URL test first: it is one regex, the words are looked up word by word
    addresses = [_addresses(p, sender) for p in paragraphs] + [([], [])]
    social: list[str] = []
    home: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        (usable, networks), (usable_next, networks_next) = addresses[index : index + 2]
        if not (usable or usable_next or networks or networks_next):
            continue
        if WORDS.sentence_says_unsubscribe(paragraph):
            exits = usable or usable_next
            if exits and not all(opens_home_page(address) for address in exits):
                return True, [], []
            if exits and _reply_to_unsubscribe(paragraph):
                # «Чтобы отписаться, ответьте на это письмо словом СТОП. https://shop.example/»:
                # the way out told is the reply, the home page's address beside it the shop's
                continue
            home += exits
            social += networks or networks_next
    if home:
        return True, [], list(dict.fromkeys(home))
    return False, list(dict.fromkeys(social)), []


def _addresses(paragraph: str, sender: str) -> tuple[list[str], list[str]]:
    """The addresses of ``paragraph`` a reader can leave by (e-mail addresses, URLs), and
    those that open a social network's page (its URLs)."""
    usable: list[str] = []
    networks: list[str] = []
    for found in _URL.finditer(paragraph):
        url = _WEB_URL.match(paragraph, found.start())
        if url and social_network(url.group(0), sender):
            networks.append(url.group(0).rstrip(AROUND_ADDRESS))
        elif url:  # a web page, whole
            usable.append(url.group(0).rstrip(AROUND_ADDRESS))
        else:  # mailto:, an e-mail address
            usable.append(found.group(0))
    return usable, networks


# A URL, or an e-mail address, which every mail client makes a link in a text part ("To
# unsubscribe send a blank email to leave-nnt@lists.example": Lyris's list footer)
_URL = re.compile(r"https?://|mailto:|[\w.+-]@[\w-]+\.\w", re.I)
_WEB_URL = re.compile(r"https?://[^\s<>\"'«»]+", re.I)
_MAILTO = re.compile(r"mailto:[^\s<>\"'«»]+", re.I)

# ESPs that document adding their own footer, with an unsubscribe link, to an e-mail whose
# template lacks their unsubscribe tag; each with that tag as its help names it. Mailchimp: "If
# our system doesn't detect the merge tag in your campaign, we'll add an extra footer … that
# contains the merge tag" (help, "About Email Campaign Footers"). Klaviyo: "If Klaviyo doesn't
# detect an unsubscribe tag in one of your emails, it will automatically add an unsubscribe
# link at the bottom" (help article 115006054267). Unisender Go (UniOne): "UniOne appends an
# unsubscribe block to every email" unless the template places {{UnsubscribeUrl}} itself
# (docs, "Unsubscribe Link"). Only a declared `esp` counts: Mandrill writes Mailchimp's tags
# and adds a footer only when its sending defaults or rules say so; Liquid is Klaviyo's and
# Braze's alike. SendGrid's subscription tracking and Mailgun's unsubscribe footer are account
# settings, off unless turned on: no certainty either way from the template.
_FOOTER_ADDED = {
    "mailchimp": "*|UNSUB|*",
    "klaviyo": "{% unsubscribe %}",
    "unisender-go": "{{UnsubscribeUrl}}",
}

# listmonk's transactional templates read the API call's data as .Tx.Data (listmonk docs,
# "Transactional"): a receipt or a password reset, sent to one person, not to a list
_LISTMONK_TX = re.compile(r"\{\{-?[^}]*\.Tx\.")


@rule(
    "UNS001",
    "unsubscribe-link-missing",
    Severity.ERROR,
    short="no unsubscribe link in the body (any language)",
)
def unsubscribe_link_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a campaign whose body has no working unsubscribe link. A link counts when

    * its text says unsubscribe in any of 40 European languages: «Отписаться», «Отменить
      подписку», «Отказаться от рассылки», «Не получать письма», «Управление подпиской»,
      "Unsubscribe", "Opt out", "Manage preferences", «Відписатися», "Abmelden", "Se
      désinscrire", "Darse de baja", "Wypisz się", "Odhlásit", "Abonelikten çık", "Afmelden" …;
    * it says "click here" («нажмите здесь», "hier", "ici" …), or its text is only the
      address it goes to (`https://shop.example/u/1`, `leave@shop.example`), in a sentence that
      says it («Чтобы отписаться от рассылки, нажмите здесь»);
    * it is marked so (`role="unsubscribe"`, `data-link-type="unsubscribe"`, `class="unsub"`);
    * its href is the campaign's `List-Unsubscribe` URL, or holds a platform's unsubscribe
      tag (`*|UNSUB|*`, `{{ unsubscribe_url }}`, `[% param.url_unsub %]`,
      `<%asm_group_unsubscribe_raw_url%>` …); a tag that makes the link itself (`{% unsubscribe
      %}`, `{unsubscribe_text}`, `<unsubscribe>`) counts wherever it stands.

    A link to a social network or a messenger (twitter.com, vk.com, t.me …) is no unsubscribe
    link whatever its text says: `<a href="https://twitter.com/shop">Unsubscribe</a>` opens a
    profile. The finding then names that link (unless the network sends the e-mail itself,
    from any of its domains: Facebook's mail from facebookmail.com unsubscribes on facebook.com;
    or the href is the `List-Unsubscribe` URL or holds the platform's tag).

    When the body's only unsubscribe links go to a site's home page (`<a
    href="https://shop.example/">Отписаться</a>`: a path of `/`, an index file or a
    language's root such as `/ru/`, and no query but UTM tags, nothing that could name the
    subscriber), that is "could not verify": the home page cannot tell who clicked, and the
    recipient may find no way out there. A click tracker's link that does not write its
    target hides where it goes, and is not judged. In a message of text alone, so is a
    paragraph that says unsubscribe beside a home page's address and no other way out (an
    e-mail address to write to is one).

    In a message of text alone, a paragraph that says unsubscribe beside a URL or an e-mail
    address counts: mail clients make both links (a social network's or a messenger's page, a
    Telegram bot's `https://t.me/ShopBot?start=unsubscribe`, is none there either). In an
    HTML body, such an address written as text is "could not verify": Gmail makes it a link,
    Outlook shows it as text.

    A body that asks readers to leave by replying, with no link ("To be removed, reply with
    the word REMOVE", «Чтобы отписаться, ответьте на это письмо»), is still an error — Gmail
    and Yahoo ask bulk senders for a link in the body, and a reply is none — said as such, at
    the instruction's line, so no one hunts for a link mailcheck missed. A reply for anything
    else ("Reply to this e-mail with your questions") is no way out at all.

    An unsubscribe link that goes nowhere (`href="#"`, `href=""`, `javascript:`), that no
    recipient sees (`display:none` on it or a box around it), or that only Outlook's readers
    get (inside `<!--[if mso]>…<![endif]-->`), is reported as exactly that.
    A platform layout whose slots the platform fills when it sends (Keila's
    `{{ signature_content }}`, which holds the unsubscribe link by default) is "could not
    verify"; a listmonk transactional template (`{{ .Tx.Data.… }}`, one message to one person)
    needs no unsubscribe link. A fragment of a page (no doctype, `<html>`, `<head>` or
    `<body>`: a content block, an application's view, even one that keeps a `<title>` or
    `<style>` from the layout it was cut from) is "could not verify" too: a layout mailcheck
    has not seen wraps it, footer included, when it is sent. So is a view of an application's
    server-side language (PHP's `<?= $user->name ?>`, detected or `template = "php"`), even a
    whole page with `<html>`: the application renders it inside a layout of its own that the
    view does not name. When the fragment or the view lacks a preheader too (PRE001), the one
    "could not verify" says both, with both places: one cause, the layout mailcheck has not
    seen (PRE001 alone says its own when UNS001 is ignored). ESP template languages (Liquid,
    Mailchimp, Bitrix's macros, listmonk's Go templates …) and plain HTML name their layout
    themselves, if any: a whole page of theirs is the message, and the error stands.
    A campaign whose declared ESP (`esp = "…"`) documents adding its own footer with an
    unsubscribe link when the template lacks its tag — Mailchimp (`*|UNSUB|*`), Klaviyo
    (`{% unsubscribe %}`), Unisender Go (`{{UnsubscribeUrl}}`) — is "could not verify" as well:
    recipients get a way out, in words and a place mailcheck cannot see. The dialect alone
    does not say so (Mandrill writes Mailchimp's tags and adds no footer unless told to;
    Braze writes Klaviyo's Liquid), nor does an ESP whose footer is an account setting.

    ## Why it matters
    Marketing mail without a visible way out breaks the law (CAN-SPAM, GDPR, 38-ФЗ "О
    рекламе") and the Gmail/Yahoo bulk-sender rules; people press "Spam" instead.

    ## Example
    A footer that says "Вы получили это письмо, потому что подписались" and nothing more, or
    `<a href="#">Отписаться</a>` left from the layout.

    ## How to fix
    Add a visible link to the footer: `<a href="{{ unsubscribe_url }}">Отписаться</a>`, with
    the platform's unsubscribe tag or URL as its href.
    """
    campaign = ctx.campaign
    found = ctx.unsubscribe()
    text_alone = campaign.html is None and bool(campaign.text)
    sender = ctx.from_domain or ""
    if found.working:
        # (a platform's tag that makes the link itself is a way out beside them)
        home = [link for link in found.working if links_to_home_page(link)]
        if len(home) < len(found.working) or found.tag:
            return
        if not text_alone:
            yield _to_home_page(ctx, home)
            return
        # a text's paragraph may offer another way out beside the URL: an e-mail address
        way_out, _, urls = _text_way_out(campaign.text or "", sender)
        reply = None if urls or way_out else _reply_to_unsubscribe(campaign.text or "")
        if reply:
            yield _by_reply(ctx, reply, text_alone)
        elif urls or not way_out:
            urls = urls or list(dict.fromkeys(link.href for link in home))
            yield _text_to_home_page(ctx, urls, ctx.link_places(*home, with_text=False))
        return
    if found.tag:
        return
    # working links no reader (or only Outlook's) sees: said as what they are
    unseen = (
        (found.outlook_only, _OUTLOOK_ONLY, _open_comment_hides(ctx)),
        (found.hidden, _HIDDEN, ""),
    )
    for links, why, cause in unseen if not found.placeholders else ():
        if links:
            first = links[0]
            message = t(why, text=named_link_name(ctx.main, first))
            # the HTML's links: the text part's copy of the URL is no way out for HTML readers
            places = ctx.link_places(*links, with_text=False)
            yield Problem(message, url=first.href, locations=places, cause=cause)
            return
    if found.placeholders:
        if all(_rendered_from_a_tag(link) for link, _ in found.placeholders):
            return  # a tag that rendered empty: its variable's finding (PER001/PER003) says why
        # named by one whose own text says unsubscribe, rather than one that manages a
        # subscription ("Unsubscribe" beside "Manage subscription", both "#": the first is
        # what the reader looks for)
        first, reason = next(
            (each for each in found.placeholders if WORDS.says_unsubscribe(each[0].text)),
            found.placeholders[0],
        )
        others = len(ctx.one_per_place(link for link, _ in found.placeholders)) - 1
        message = t(
            "the unsubscribe link “{text}” is a placeholder ({reason}): recipients have no way out",
            text=named_link_name(ctx.main, first),
            reason=reason,
        )
        if others:
            message = t("{message} (and {count} more like it)", message=message, count=others)
        yield Problem(
            message,
            url=first.href or None,
            locations=ctx.link_places(*(link for link, _ in found.placeholders)),
        )
        return
    networks: list[str] = []
    if text_alone:
        way_out, networks, urls = _text_way_out(campaign.text or "", sender)
        if urls:
            yield _text_to_home_page(ctx, urls)
        if way_out:
            return
    source = campaign.html or ""
    if campaign.dialect == "go" and _LISTMONK_TX.search(source):
        return  # a listmonk transactional template (.Tx.Data): no list to leave
    slots = list(dict.fromkeys(m.group(0) for m in LAYOUT_SLOTS.finditer(source)))
    if slots and not campaign.outside_parts:
        # Keila's layouts: the platform puts the campaign's content and the sender's signature
        # (by default "[Unsubscribe]({{ unsubscribe_link }})") into these slots when it sends
        yield Problem(
            t(
                "could not verify: no unsubscribe link in the layout itself, and the platform "
                "fills {slots} when it sends (Keila's default signature holds the unsubscribe "
                "link): check a test send",
                slots=", ".join(slots),
            ),
            location=campaign.html_label or "body",
            severity=Severity.WARNING,
        )
        return
    if ctx.is_fragment and not campaign.outside_parts:
        # a test send is what recipients get; a file that is no whole page is sent inside a
        # layout mailcheck has not seen (RUNET-ID's views, Foundation's Inky rows). One that
        # names its layout (extends, partials) is PER007's/PER009's "could not verify" below
        yield Problem(
            t(
                "could not verify: no unsubscribe link in this fragment of a page (no <html>, "
                "<head> or <body>), and the layout it is sent in may hold it: check a test send"
            ),
            location=campaign.html_label or "body",
            severity=Severity.WARNING,
            cause=outside_layout(),  # PRE001's missing preheader too (mailcheck.rootcause)
        )
        return
    view = ctx.application_view_language
    if view and not campaign.outside_parts:
        # a whole page too: Yii renders RUNET-ID's <html> views inside the layout that adds
        # the footer with «отписаться»; the view does not name it, the controller does
        yield Problem(
            t(
                "could not verify: no unsubscribe link in this view of an application "
                "({dialect}), and the layout the application renders it in may hold it: check "
                "a test send",
                dialect=view,
            ),
            location=campaign.html_label or "body",
            severity=Severity.WARNING,
            cause=outside_layout(view),
        )
        return
    footer = _footer_added(ctx)
    if footer:
        yield footer
        return
    document = ctx.document
    # in a text part every mail client makes an address a link: _text_way_out has judged them
    written = (
        None if text_alone else _address_to_unsubscribe(document.text if document else "", sender)
    )
    if written:
        # Gmail and Apple Mail make the address a link, Outlook does not: a way out for some
        yield Problem(
            t(
                "could not verify: no unsubscribe link in the body, but its text says to "
                "unsubscribe at “{address}”, which some mail clients make a link and others "
                "show as text",
                address=written,
            ),
            location=ctx.text_places(written)[0],
            severity=Severity.WARNING,
        )
        return
    reply = _reply_to_unsubscribe(document.text if document else "")
    if reply:
        # a return e-mail is a way out for a patient reader (CAN-SPAM accepts it), but no link:
        # what Gmail's and Yahoo's bulk-sender rules ask for is missing all the same
        yield _by_reply(ctx, reply, text_alone)
        return
    said = t("no unsubscribe link in the body")
    social = found.social
    if text_alone:
        # a text's URL is its own link text; a paragraph's words may name it, not its line
        social = [link for link in (document.links if document else []) if link.href in networks]
    if social:
        # the footer's "Unsubscribe" was pointed at the brand's profile: that link is the fix
        first = social[0]
        said = t(
            "no unsubscribe link in the body: the link “{text}” goes to a social network "
            "({network}), not to a page that unsubscribes",
            text=first.href if text_alone else named_link_text(ctx.main, first),
            network=host_of(first.href),
        )
    elif found.text_part and not text_alone:
        # the HTML's readers have no way out; the text part's link is the one to copy
        said = t(
            "no unsubscribe link in the body: the plain-text part has one (“{url}”, {place}), "
            "which readers of the HTML part do not see",
            url=found.text_part[0].href,
            place=ctx.campaign.in_file(ctx.link_places(found.text_part[0])[0]),
        )
    missing = ctx.missing(said, campaign.html_label or "body")
    if not missing.cause:  # HTML001's, when a comment left open hides the link
        missing = replace(missing, cause=_open_comment_hides(ctx))
    if social:  # at the links worded so, which are to be pointed at the way out
        places = ctx.link_places(*social, with_text=False)
        missing = replace(missing, locations=places, url=social[0].href)
    # the footer is often a partial the template pulls in: then it may well be there
    yield missing


def _footer_added(ctx: Context) -> Problem | None:
    """UNS001's "could not verify" for a campaign without an unsubscribe link whose declared
    ESP adds its own footer with one when the template lacks its tag (``_FOOTER_ADDED``): the
    recipient gets a way out, in the platform's words and place, which mailcheck cannot see."""
    esp = ctx.config.esp.strip().lower()
    esp = ESP_ALIASES.get(esp, esp)
    tag = _FOOTER_ADDED.get(esp)
    if tag is None:
        return None
    return Problem(
        t(
            "could not verify: no unsubscribe link in the template, and {platform} adds its "
            "own footer with one to an e-mail without its unsubscribe tag ({tag}): check a test "
            "send for what the footer says and where it stands",
            platform=load_catalogue().display_name(esp),
            tag=tag,
        ),
        location=ctx.campaign.html_label or "body",
        severity=Severity.WARNING,
    )


def _by_reply(ctx: Context, reply: str, text_alone: bool) -> Problem:
    """UNS001 for a body whose only way out is a reply (``reply``: the words that tell it)."""
    return Problem(
        t(
            "no unsubscribe link in the body: its text asks readers to unsubscribe by "
            "replying (“{words}”), and Gmail and Yahoo ask bulk senders for a link",
            words=quoted(reply, 80),
        ),
        location=ctx.text_part_places(reply)[0] if text_alone else ctx.text_places(reply)[0],
    )


def _to_home_page(ctx: Context, links: list[Link]) -> Problem:
    """UNS001's "could not verify" for a campaign whose only unsubscribe links go to a
    site's home page, where a recipient cannot unsubscribe unless the site offers it there."""
    first = next((link for link in links if WORDS.says_unsubscribe(link.text)), links[0])
    message = t(
        "could not verify: the unsubscribe link “{text}” goes to the site's home page ({url}), "
        "not to a page that unsubscribes whoever clicked it: recipients may find no way out",
        text=named_link_name(ctx.main, first),
        url=first.href,
    )
    others = len(ctx.one_per_written(links)) - 1
    if others:
        message = t("{message} (and {count} more like it)", message=message, count=others)
    return Problem(
        message,
        url=first.href,
        locations=ctx.link_places(*links, with_text=False),
        severity=Severity.WARNING,
    )


def _text_to_home_page(ctx: Context, urls: list[str], places: tuple[str, ...] = ()) -> Problem:
    """:func:`_to_home_page` of a message of text alone, whose only way out is the address of
    a site's home page written beside the words that say unsubscribe (at ``places``, the
    links' lines, else wherever the text writes those addresses)."""
    message = t(
        "could not verify: the way to unsubscribe the text gives is the site's home page "
        "({url}), not a page that unsubscribes whoever opens it: recipients may find no way out",
        url=urls[0],
    )
    if len(urls) > 1:
        message = t("{message} (and {count} more like it)", message=message, count=len(urls) - 1)
    return Problem(
        message,
        url=urls[0],
        locations=places or ctx.text_part_places(*urls),
        severity=Severity.WARNING,
    )


_OUTLOOK_ONLY = N_(
    "the unsubscribe link “{text}” is only in an Outlook conditional comment (<!--[if mso]>): "
    "every other mail client hides it, and their readers have no way out"
)
_HIDDEN = N_(
    "the unsubscribe link “{text}” is hidden (its own style or a box around it hides it from "
    "every mail client): recipients have no way out"
)


def _open_comment_hides(ctx: Context) -> str:
    """IN_UNCLOSED_COMMENT when a comment left open (HTML001) hides an unsubscribe link."""
    unclosed = ctx.unclosed_comment
    if unclosed and any(is_unsubscribe(link) for link in unclosed.anchors):
        return IN_UNCLOSED_COMMENT
    return ""


# Where a sentence of the body's text ends
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+")


def _address_in(sentence: str, sender: str = "") -> str | None:
    """The first URL or e-mail address written in ``sentence``, word by word: searched for in
    the whole sentence, the pattern backtracked over every long run of letters before an "@"
    (quadratic: 40,000 letters took 4 s). A bare host ("ACME.ru") is a name in copy, not an
    address a reader is sent to; a social network's page (not ``sender``'s) is no way out."""
    for word in sentence.split():
        if ("@" in word or "://" in word) and is_address(word):
            address = word.strip(AROUND_ADDRESS)
            if not social_network(address, sender):
                return address
    return None


def _address_to_unsubscribe(text: str, sender: str = "") -> str | None:
    """The address that a sentence of the body's text names as the way to unsubscribe ("To
    unsubscribe, write to unsub@shop.example"), written as text, not as a link; else None.
    A question before it counts too ("Don't want these e-mails? Write to unsub@shop.example"),
    not any sentence before: "To unsubscribe, click here. Contact: info@shop.example" names
    no way out."""
    if "@" not in text and "://" not in text:
        return None  # the common case: no address written in the text at all
    question = ""
    for sentence in _SENTENCE_BREAK.split(text):
        address = _address_in(sentence, sender)
        if address and WORDS.sentence_says_unsubscribe(f"{question} {sentence}"):
            return address
        question = sentence if sentence.rstrip().endswith("?") else ""
    return None


def _reply_to_unsubscribe(text: str) -> str | None:
    """The sentence of the body's text that tells readers to unsubscribe by replying ("To be
    removed, reply with the word REMOVE", «Чтобы отписаться, ответьте на это письмо»), when
    one does (:meth:`mailcheck.unsubscribe.Words.sentence_says_reply_to_unsubscribe`)."""
    for sentence in _SENTENCE_BREAK.split(text):
        if WORDS.sentence_says_reply_to_unsubscribe(sentence):
            # quoted from the reply on: the body's text runs its blocks together ("Каталог To
            # be removed …"), and the reply's own words are what the reader finds
            written = sentence.split()
            for at in range(len(written)):
                if any(
                    start == 0
                    for start, _ in WORDS.reply.spans(words_of(" ".join(written[at : at + 2])))
                ):
                    return " ".join(written[at:]).rstrip(".!")
            return " ".join(written)
    return None


def _rendered_from_a_tag(link: Link) -> bool:
    raw = (link.raw or "").strip()
    return raw != link.href.strip() and bool(WHOLE_TAG.match(raw) or whole_tag(raw, url=True))


@rule(
    "UNS002",
    "list-unsubscribe-missing",
    Severity.ERROR,
    short="no List-Unsubscribe header (when headers are known)",
    applies=_headers_known,
)
def list_unsubscribe_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a missing `List-Unsubscribe` header when the headers are known: an `.eml` test
    send, or a `[headers]` table in `campaign.toml`. A saved message that was never sent (no
    `Received` header: an export from the ESP or a builder) gets a warning: the ESP may add
    the header when it sends. So does a message whose subject marks it as the ESP's test send
    ("[Test] …", "TEST: …"): MailerLite, for one, leaves the header out of test sends.

    ## Why it matters
    Gmail, Yahoo and Outlook require it from bulk senders since 2024-2025; without it their
    "Unsubscribe" button is missing and recipients use "Report spam".

    ## Example
    A test send from the ESP whose headers have no `List-Unsubscribe`.

    ## How to fix
    Turn on the List-Unsubscribe header in the ESP, or add
    `List-Unsubscribe = "<https://…/u/{{ uid }}>, <mailto:unsub@…>"` under `[headers]`.
    """
    campaign = ctx.campaign
    if campaign.headers is None:
        return
    value = _header(ctx, "List-Unsubscribe")
    if value is not None and value.strip():
        return
    if campaign.kind == "eml" and not campaign.travelled:
        # an export the ESP has not sent yet: it adds the header on sending, or it does not
        yield Problem(
            t(
                "no List-Unsubscribe header in a message that was never sent (no Received "
                "header): the ESP may add it on sending; check a real test send"
            ),
            location="headers",
            severity=Severity.WARNING,
        )
        return
    if campaign.kind == "eml" and test_send_prefix(campaign.subject or ""):
        # MailerLite documents that its "[Test]" sends carry no List-Unsubscribe (listmonk's
        # maintainers say the same of its test messages): the live send may well have it
        yield Problem(
            t(
                "could not verify: no List-Unsubscribe header, but the subject marks this as "
                "a test send (“{subject}”), and some ESPs leave the header out of test sends: "
                "check a live send (a seed address)",
                subject=quoted(campaign.subject or "", 40),
            ),
            location="headers",
            severity=Severity.WARNING,
        )
        return
    yield Problem(t("no List-Unsubscribe header"), location="headers")


# RFC 2369: each address of List-Unsubscribe in angle brackets; a scheme outside them is how
# a header written by hand looks ("List-Unsubscribe: https://…"), which providers do not read
_BRACKETED = re.compile(r"<([^<>]*)>")
_URI = re.compile(r"\b(?:https?|mailto):", re.I)


@rule(
    "UNS003",
    "one-click-unsubscribe-missing",
    Severity.WARNING,
    short="no RFC 8058 one-click unsubscribe with an https URL",
    applies=_list_unsubscribe_written,
)
def one_click_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a `List-Unsubscribe` header without RFC 8058 one-click support: the header needs
    an `https://` URL in angle brackets that a browser can open, and
    `List-Unsubscribe-Post: List-Unsubscribe=One-Click` must be set; in a test send with DKIM
    signatures, one of them must list both headers in its `h=` (RFC 8058 §4).
    A received copy that a mailing list relayed (a List-Id, a list manager's mark such as
    Mailman's `X-Mailman-Version` or a `List-Post` address, the List-Unsubscribe on the
    list's domain, the sender on another) carries the list's header in place of the
    sender's: a "could not verify" warning says so, and to check the sender's own test send.

    ## Why it matters
    Gmail and Yahoo require one-click unsubscribe from bulk senders; a mailto-only header or a
    missing `-Post` header shows no button, or a button that does nothing.

    ## Example
    `List-Unsubscribe: <mailto:unsub@acme.ru>` alone.

    ## How to fix
    Add an https unsubscribe URL that accepts POST, and the header
    `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
    """
    value = _header(ctx, "List-Unsubscribe")
    if value is None or not value.strip():
        return  # UNS002 reports the missing header
    relay = list_relay(ctx.campaign.headers)
    if relay is not None:
        # a received copy a mailing list relayed: its List-Unsubscribe is the list's, written
        # in place of the sender's; what the sender wrote is seen in its own test send
        yield Problem(
            t(
                "could not verify the sender's one-click unsubscribe: the mailing list {list} "
                "relayed this message, and its List-Unsubscribe ({addresses}) is the list's, "
                "written in place of the sender's: the list's to change, not the sender's; check "
                "List-Unsubscribe and List-Unsubscribe-Post in the sender's own test send",
                list=relay.list_id,
                addresses=", ".join(quoted(f"<{a}>", 80) for a in relay.unsubscribe),
            ),
            location="headers",
        )
        return
    problems = []
    bracketed = [u.strip() for u in _BRACKETED.findall(value)]
    https = [u for u in bracketed if u.lower().startswith("https://")]
    # <*|UNSUB|*>: the ESP's unsubscribe tag, which it fills with its https URL when sending
    tagged = any(unsubscribe_tags().href.search(u) for u in bracketed)
    if not bracketed and _URI.search(value):
        problems.append(
            t("List-Unsubscribe has no address in angle brackets (write <https://…>: RFC 2369)")
        )
    elif not https and not tagged:
        problems.append(t("no https URL in List-Unsubscribe"))
    elif https and not tagged and all(unopenable := [url_problem(u) for u in https]):
        why = unopenable[0]
        problems.append(t("the https URL in List-Unsubscribe cannot be opened: {why}", why=why))
    post = _header(ctx, "List-Unsubscribe-Post") or ""
    if post.replace(" ", "").lower() != "list-unsubscribe=one-click":
        problems.append(t("no “List-Unsubscribe-Post: List-Unsubscribe=One-Click” header"))
    elif not problems and (uncovered := _not_signed(signatures(ctx.campaign))):
        problems.append(
            t(
                "the DKIM signature ({signatures}) does not cover {headers}: receivers offer "
                "one-click unsubscribe only when a valid DKIM signature covers both "
                "List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 §4)",
                signatures=uncovered[0],
                headers=uncovered[1],
            )
        )
    if problems:
        yield Problem(
            problems[0] if len(problems) == 1 else t("{a}; {b}", a=problems[0], b=problems[1]),
            location="headers",
        )


_ONE_CLICK_HEADERS = ("list-unsubscribe", "list-unsubscribe-post")
_SHOWN = dict(zip(_ONE_CLICK_HEADERS, ("List-Unsubscribe", "List-Unsubscribe-Post"), strict=True))


def _not_signed(found: list[Signature]) -> tuple[str, str] | None:
    """For a message with DKIM signatures none of which lists both one-click headers in its
    ``h=``: the signatures (``d=``) and the headers left out; else None (no signature:
    nothing to judge here)."""
    if not found or any(set(_ONE_CLICK_HEADERS) <= sig.signed for sig in found):
        return None
    missing = [h for h in _ONE_CLICK_HEADERS if not any(h in sig.signed for sig in found)]
    if not missing:  # each header is signed, but never both by one signature
        missing = list(_ONE_CLICK_HEADERS)
    shown = {
        "list-unsubscribe": "List-Unsubscribe",
        "list-unsubscribe-post": "List-Unsubscribe-Post",
    }
    return (
        ", ".join(f"d={sig.domain}" for sig in found),
        ", ".join(shown[h] for h in missing),
    )
