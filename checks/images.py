"""IMG: images that work with images turned off."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from mailcheck.i18n import N_, Joined, quoted_list, t, tn
from mailcheck.linkinfo import content_id, scheme
from mailcheck.model import Image, Link, Severity
from mailcheck.rules import Context, Problem, rule
from mailcheck.text import quoted


@rule("IMG001", "image-alt-missing", Severity.WARNING, short="image without an alt attribute")
def image_alt_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports `<img>` elements without an `alt` attribute. One finding lists every such image.
    Decorative images (spacers, dividers) should say so with `alt=""`. A 1×1 image is an
    open-tracking pixel (the ESP adds it to a test send): nobody sees it. When such images
    are a link's only content, this finding says so and lists the links too (not A11Y004 apart).

    ## Why it matters
    Outlook and many corporate clients block images by default: without alt text the reader
    sees empty boxes, and screen readers read out the file name.

    ## Example
    `<img src="https://cdn.acme.ru/bf/hero.png" width="600">`

    ## How to fix
    Describe the image: `alt="Скидки до 70% на всё"`, or `alt=""` for decoration.
    """
    docs = ctx.campaign.documents()
    if not docs:
        return
    # One finding, every image: whoever left one alt out left them out (as A11Y003 does).
    missing: dict[tuple[str, int], Image] = {}
    # (each image as written: a loop's copies of one <img> are one image, at its line)
    written = {
        (link.href, link.line): link.raw or link.href
        for link in ctx.link_occurrences()
        if link.kind == "img"
    }
    for img in docs[0].images:
        if img.alt is None and not img.pixel:
            missing.setdefault((written.get((img.src, img.line), img.src), img.line), img)
    if not missing:
        return
    images = list(missing.values())
    message = (
        t("image has no alt attribute")
        if len(images) == 1
        else t("{count} images have no alt attribute", count=len(images))
    )
    places = tuple(dict.fromkeys(ctx.html_at(img.line) for img in images))
    yield Problem(
        message,
        places[0],
        url=(images[0].src or None) if len(images) == 1 else None,
        locations=places if len(places) > 1 else (),
    )


@rule(
    "IMG002",
    "inline-image-missing",
    Severity.ERROR,
    short="an inline image (cid:) that names no part of the message",
)
def inline_image_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an inline image (`<img src="cid:logo@shop">`, a `cid:` background) of a saved
    message that names no part of the message: no part has that `Content-ID`. One finding
    lists every such image. In a template or an HTML file, which the message it is sent in will
    carry the images for, a `cid:` image is "could not verify": check a test send.

    ## Why it matters
    The image is looked up in the message itself (RFC 2392), so every mail client shows a
    broken image, with images on or off. It happens when a test send is made without its
    attachments, or when a template names an image the sending code no longer attaches.

    ## Example
    `<img src="cid:logo@acme.ru" alt="ACME">` in a test send with no part whose
    `Content-ID` is `<logo@acme.ru>`.

    ## How to fix
    Attach the image with that `Content-ID` (the `cid:` URL is the Content-ID without its
    angle brackets), or link the image from the web (`https://cdn.acme.ru/logo.png`).
    """
    campaign = ctx.campaign
    images: dict[str, list[Link]] = {}  # each content-id a cid: image names, and its images
    for link in ctx.link_occurrences():
        if link.is_image and scheme(link.href) == "cid":
            images.setdefault(content_id(link.href.strip()), []).append(link)
    if campaign.content_ids is not None:
        images = {cid: links for cid, links in images.items() if cid not in campaign.content_ids}
    if not images:
        return
    named = quoted_list(f"cid:{cid}" for cid in images)
    links = [link for same in images.values() for link in same]
    if campaign.content_ids is None:
        message = tn(
            "could not verify {count} inline image ({images}): the message it is sent in "
            "must carry it as one of its parts, and this file is not that message; check a test "
            "send",
            "could not verify {count} inline images ({images}): the message they are sent in "
            "must carry them as its parts, and this file is not that message; check a test send",
            len(images),
            count=len(images),
            images=named,
        )
        yield Problem(message, locations=ctx.link_places(*links), severity=Severity.WARNING)
        return
    message = (
        t(
            "inline image {images} names no part of the message: every recipient sees it broken",
            images=named,
        )
        if len(images) == 1
        else t(
            "{count} inline images ({images}) name no part of the message: every recipient "
            "sees them broken",
            count=len(images),
            images=named,
        )
    )
    yield Problem(message, locations=ctx.link_places(*links))


DATA_URI_QUOTED = 40  # characters of a data: URI quoted: its type, not its kilobytes of base64


@rule(
    "IMG003",
    "data-uri-image",
    Severity.ERROR,
    short="an image embedded as a data: URI, which Gmail and Outlook do not show",
)
def data_uri_image(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports images embedded in the HTML as `data:` URIs (`<img src="data:image/png;base64,…">`,
    a `data:` background or CSS `url()`). One finding lists every such image. A 1×1 image (a
    spacer or a pixel, which nobody sees) is left alone.

    ## Why it matters
    Gmail removes `data:` images, and Outlook on Windows and Outlook.com show them broken:
    for most of a list the image is an empty box, while the builder's preview and Apple Mail
    show it. Editors put them there when an image is pasted instead of uploaded.

    ## Example
    `<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAlg…" alt="Распродажа">`

    ## How to fix
    Upload the image to the ESP or a CDN and link it (`https://cdn.acme.ru/sale.png`), or, in
    a message the sending code builds, attach it and name it with `cid:`.
    """
    found = [
        link
        for link in ctx.link_occurrences()
        if link.is_image and scheme(link.href) == "data" and not ctx.is_pixel(link)
    ]
    if not found:
        return
    uris = list(dict.fromkeys(quoted(link.href.strip(), DATA_URI_QUOTED) for link in found))
    count = len(ctx.one_per_place(found))
    message = (
        t("image embedded as a data: URI ({uri}), which Gmail and Outlook do not show",
          uri=uris[0])
        if count == 1
        else t(
            "{count} images embedded as data: URIs, which Gmail and Outlook do not show",
            count=count,
        )
    )  # fmt: skip
    yield Problem(message, locations=ctx.link_places(*found))


# Image formats some mail clients cannot show, by the file name's ending, and which. Sources:
# caniemail.com (image/webp, image/svg+xml), Microsoft's Word-based Outlook for Windows;
# HEIC/HEIF are Apple's; a .psd, .ai or .eps is a design file, no web image at all.
_UNSHOWN_FORMATS: dict[str, str] = {
    "webp": N_("Outlook for Windows"),
    "avif": N_("Outlook for Windows and most other mail clients"),
    "svg": N_("Gmail and Outlook for Windows"),
    "heic": N_("every mail client but Apple's"),
    "heif": N_("every mail client but Apple's"),
    "psd": N_("no mail client"),
    "ai": N_("no mail client"),
    "eps": N_("no mail client"),
}


@rule(
    "IMG004",
    "image-format-unsupported",
    Severity.ERROR,
    short="an image in a format some mail clients do not show (.webp, .svg, .avif, .heic, .psd)",
)
def image_format_unsupported(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports images whose file is in a format some mail clients cannot show, told by the
    file name's ending: WebP (`.webp`: Outlook for Windows shows a broken image), SVG (Gmail
    and Outlook for Windows), AVIF, HEIC/HEIF (Apple's own), and design files that are no
    web image at all (`.psd`, `.ai`, `.eps`). It judges what every client shows: `<img src>`,
    a `background` attribute and Outlook's VML images. A `<picture>` source or a `srcset`
    candidate is left alone: a client that cannot show it takes the `<img src>`.

    ## Why it matters
    The builder's preview and Apple Mail show the picture, so nobody notices: the readers on
    Outlook for Windows — most of a B2B list — see an empty box where the offer was. CMSs
    and CDNs now export WebP by default.

    ## Example
    `<img src="https://cdn.acme.ru/bf/hero.webp" alt="Скидки до 70%">`

    ## How to fix
    Export the image as JPEG, PNG or GIF. To send WebP to the clients that show it, put it
    in `<picture><source srcset="hero.webp" type="image/webp"><img src="hero.jpg"></picture>`.
    """
    documents = ctx.campaign.documents()
    elements = {(image.src, image.line) for doc in documents for image in doc.images}
    found: dict[str, list[Link]] = {}  # each format, its images
    for link in ctx.link_occurrences():
        shown_by_all = link.kind in ("background", "vml") or (
            link.kind == "img" and (link.href, link.line) in elements
        )
        ending = _format_of(link.href) if shown_by_all else ""
        # (a placeholder picture is LNK003's; a 1×1 pixel nobody sees shows nothing broken)
        if ending in _UNSHOWN_FORMATS and not ctx.placeholder(link) and not ctx.is_pixel(link):
            found.setdefault(ending, []).append(link)
    if not found:
        return
    links = [link for same in found.values() for link in same]
    formats = Joined(
        "; ",
        [
            t(
                "{files} ({clients} cannot show .{ending})",
                files=quoted_list(dict.fromkeys(_file_name(link.href) for link in same)),
                clients=t(_UNSHOWN_FORMATS[ending]),
                ending=ending,
            )
            for ending, same in found.items()
        ],
    )
    count = len(ctx.one_per_place(links))  # (a loop's copies of one written image: one)
    message = (
        t("image in a format some mail clients cannot show: {formats}", formats=formats)
        if count == 1
        else t(
            "{count} images in formats some mail clients cannot show: {formats}",
            count=count,
            formats=formats,
        )
    )
    yield Problem(message, url=links[0].href if count == 1 else None,
                  locations=ctx.link_places(*links))  # fmt: skip


def _format_of(url: str) -> str:
    """The ending of a URL's file name, lower case ("" for none): ".../hero.WEBP?v=2" is webp,
    "https://brand.ai/" has none (a host's ending is no file's)."""
    name = _file_name(url)
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def _file_name(url: str) -> str:
    """The file a URL's path names: "hero.webp" ("" for a path ending in "/")."""
    try:
        path = urlsplit(url.strip()).path
    except ValueError:  # a malformed IPv6 host: LNK003's
        return ""
    return path.rsplit("/", 1)[-1]
