"""IMG: images that work with images turned off."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.i18n import t
from mailcheck.model import Image, Severity
from mailcheck.rules import Context, Problem, rule


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
    campaign = ctx.campaign
    docs = [r.document for r in campaign.renders if r.document] or (
        [campaign.static] if campaign.static else []
    )
    if not docs:
        return
    # One finding, every image: whoever left one alt out left them out (as A11Y003 does).
    missing: dict[tuple[str, int], Image] = {}
    for img in docs[0].images:
        if img.alt is None and not img.pixel:
            missing.setdefault((img.src, img.line), img)
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
