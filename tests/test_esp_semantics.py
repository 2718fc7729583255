"""Each ESP's documented template syntax read as that ESP reads it: what the ESP fills, guards
or aborts is no "Привет, !" a recipient gets (found by a review of the ESPs' documentation)."""

from __future__ import annotations

from pathlib import Path

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

ANN_AND_NONAME = "email,first_name\nann@acme.test,Ann\nnoname@acme.test,\n"


def per_codes(path: Path) -> list[tuple[str, Severity]]:
    return sorted((f.code, f.severity) for f in check(path).findings if f.code.startswith("PER"))


# -- Klaviyo: Django's language, read with Liquid -------------------------------------------


def test_klaviyo_if_skips_an_empty_value_as_django_does(tmp_path: Path) -> None:
    # Django's truth: "" is false, so the else branch prints "Hi there," (Liquid's "" is true)
    body = "<p>{% if first_name %}Hi {{ first_name }},{% else %}Hi there,{% endif %}</p>"
    files = {"recipients.csv": ANN_AND_NONAME}
    klaviyo = write_campaign(tmp_path, "k", body=body, esp="klaviyo", samples="recipients.csv",
                             files=files)  # fmt: skip
    assert per_codes(klaviyo) == []
    # Braze is Liquid: "" is true there, and the text reads "Hi ," for noname
    braze = write_campaign(tmp_path, "b", body=body, esp="braze", samples="recipients.csv",
                           files=files)  # fmt: skip
    [per002] = only(check(braze), "PER002")
    assert per002.location == "sample 2 (noname@acme.test)" and "“Hi ,”" in per002.message


def test_klaviyo_missing_product_image_is_a_fallback(tmp_path: Path) -> None:
    body = (
        '<img src="{{ event.ProductImage|missing_product_image }}" alt="{{ event.ProductName'
        "|default:'Your item' }}\" width=\"200\"><p>{{ first_name|default:'there'|title }}</p>"
    )
    d = write_campaign(tmp_path, body=body, esp="klaviyo")
    result = check(d)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []
    [image] = result.campaign.renders[0].document.images  # type: ignore[union-attr]
    assert image.src.startswith("https://esp-system.mailcheck.invalid/")
    # the filter is Klaviyo's: elsewhere an unknown filter is still not understood
    braze = write_campaign(tmp_path, "braze", body=body, esp="braze")
    [per004] = only(check(braze), "PER004")
    assert "missing_product_image" in per004.message and per004.severity is Severity.WARNING
