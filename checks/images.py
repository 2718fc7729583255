"""IMG: images that work with images turned off."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.i18n import t
from mailcheck.model import Image, Severity
from mailcheck.rules import Context, Problem, rule


@rule("IMG001", "image-alt-missing", Severity.WARNING, short="image without an alt attribute")
def image_alt_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an `<img>` without an `alt` attribute. Decorative images (spacers, dividers)
    should say so with `alt=""`.

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
    seen: set[tuple[str, int]] = set()
    images: list[Image] = [img for img in docs[0].images if img.alt is None]
    for img in images:
        if (img.src, img.line) in seen:
            continue
        seen.add((img.src, img.line))
        yield Problem(t("image has no alt attribute"), ctx.html_at(img.line), url=img.src or None)
