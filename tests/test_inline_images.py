"""IMG002: an inline image (cid:) that names no part of the message it is in; IMG003: an image
embedded as a data: URI."""

from __future__ import annotations

from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def saved_send(tmp_path: Path, html: str, content_ids: list[str]) -> Path:
    """A test send: its HTML, and an image part for each Content-ID."""
    message = MIMEMultipart("related")
    message["From"] = "Shop <news@shop.test>"
    message["Subject"] = "Зимняя распродажа"
    message.attach(MIMEText(html, "html", "utf-8"))
    for cid in content_ids:
        image = MIMEImage(PNG, "png")
        image["Content-ID"] = cid
        message.attach(image)
    path = tmp_path / "send.eml"
    path.write_bytes(message.as_bytes())
    return path


BODY = (
    '<html lang="ru"><body>\n'
    '<p><img src="cid:logo@shop.test" alt="Shop"></p>\n'
    '<table background="cid:bg@shop.test"><tr><td>Скидки</td></tr></table>\n'
    '<p><img src="cid:hero%40shop.test" alt="Распродажа"></p>\n'
    '<p><img src="https://cdn.shop.test/a.png" alt="a"></p>\n'
    "</body></html>"
)


def test_images_the_message_carries_pass(tmp_path: Path) -> None:
    # the cid: URL is the Content-ID without <>, percent-encoded, compared without regard to case
    # (a comment after the Content-ID is no part of it: RFC 5322's msg-id in CFWS)
    send = saved_send(
        tmp_path, BODY, ["<logo@shop.test>", "<BG@Shop.Test> (background)", " <hero@shop.test>"]
    )
    assert only(check(send), "IMG002") == []


def test_an_image_no_part_carries_is_broken_for_everyone(tmp_path: Path) -> None:
    [finding] = only(check(saved_send(tmp_path, BODY, ["<logo@shop.test>"])), "IMG002")
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "2 inline images (“cid:bg@shop.test”, “cid:hero@shop.test”) name no part of the "
        "message: every recipient sees them broken"
    )
    assert finding.places == ("text/html part:3", "text/html part:4")


def test_one_missing_image_is_named(tmp_path: Path) -> None:
    send = saved_send(tmp_path, BODY, ["<logo@shop.test>", "<bg@shop.test>"])
    [finding] = only(check(send), "IMG002")
    assert finding.message == (
        "inline image “cid:hero@shop.test” names no part of the message: every recipient "
        "sees it broken"
    )
    assert finding.places == ("text/html part:4",)


def test_a_template_cannot_show_the_parts_it_is_sent_with(tmp_path: Path) -> None:
    # the message it is sent in carries the images: could not verify, not an error
    html = '<p><img src="cid:logo@shop.test" alt="Shop"></p>\n<p>Отписаться</p>'
    [finding] = only(check(write_campaign(tmp_path, body=html)), "IMG002")
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "could not verify 1 inline image (“cid:logo@shop.test”): the message it is sent "
        "in must carry it as one of its parts, and this file is not that message; check a test "
        "send"
    )
    assert finding.places == ("email.html:5",)


PNG_URI = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAlgAAAEsCAYAAAB5fY51AAAAAXNSR0IArs4c6Q"


def test_an_image_embedded_as_a_data_uri(tmp_path: Path) -> None:
    # Gmail removes it, Outlook shows it broken: an error, at its line, its type quoted
    body = f'<p><img src="{PNG_URI}" alt="Распродажа"></p>\n<p>Отписаться</p>'
    [finding] = only(check(write_campaign(tmp_path, body=body)), "IMG003")
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "image embedded as a data: URI (data:image/png;base64,iVBORw0KGgoAAAANSU…), which "
        "Gmail and Outlook do not show"
    )
    assert finding.places == ("email.html:5",)


def test_data_uri_images_are_one_finding_and_a_spacer_is_left_alone(tmp_path: Path) -> None:
    body = (
        f'<p><img src="{PNG_URI}" alt="a"></p>\n'
        '<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="1" height="1" alt=""></p>\n'
        '<table background="data:image/jpeg;base64,/9j/4AAQSkZJRg"><tr><td>x</td></tr></table>\n'
        '<p style="background:url(data:image/png;base64,iVBORw0KGgo)">y</p>\n'
        '<p><img src="https://cdn.shop.test/a.png" alt="web"></p>'
    )
    [finding] = only(check(write_campaign(tmp_path, body=body)), "IMG003")
    assert finding.message == (
        "3 images embedded as data: URIs, which Gmail and Outlook do not show"
    )
    assert finding.places == ("email.html:5", "email.html:7", "email.html:8")


PICTURE = (
    "<picture>\n"
    '<source srcset="images/logo-dark.png" media="(prefers-color-scheme: dark)">\n'
    '<img src="https://cdn.shop.test/logo.png" srcset="data:image/png;base64,iVBORw0KGgo 2x" '
    'alt="Shop">\n'
    "</picture>\n<p>Отписаться</p>"
)


def test_the_images_a_srcset_names_are_checked(tmp_path: Path) -> None:
    # Apple Mail shows a <picture>'s dark-mode source and a 2x candidate: they were not checked
    result = check(write_campaign(tmp_path, body=PICTURE))
    [relative] = only(result, "LNK008")
    assert relative.message == (
        "relative image URL, which no mail client can open (an e-mail has no base URL): "
        "images/logo-dark.png"
    )
    assert relative.places == ("email.html:6",)
    [data] = only(result, "IMG003")
    assert data.places == ("email.html:7",)


def test_a_templates_srcset_is_checked_where_it_is_written_as_it_is(tmp_path: Path) -> None:
    # the dark-mode logo is written as is; the merge tags around it render per recipient
    body = "<p>Привет, {{ name | default('друг', true) }}!</p>\n" + PICTURE.replace(
        "<picture>", "{% if show_logo | default(true) %}<picture>"
    ).replace("</picture>", "</picture>{% endif %}")
    result = check(write_campaign(tmp_path, body=body, template="jinja"))
    [relative] = only(result, "LNK008")
    assert relative.message.endswith(": images/logo-dark.png")
    assert relative.places == ("email.html:7",)  # the template's line
    [data] = only(result, "IMG003")
    assert data.places == ("email.html:8",)


def test_a_srcset_a_merge_tag_writes_is_left_alone(tmp_path: Path) -> None:
    # "{{ img2 }} 2x" renders " 2x" when img2 is empty: read as a URL "2x", a false LNK008 beside
    # the variable's own PER001; what a tag renders cannot be paired with its source ({{ img }},
    # the whole src, is an image URL the application builds: no PER001)
    body = (
        '<p><img src="{{ img }}" srcset="{{ img2 }} 2x, {{ cdn }}/a.png 3x" alt="Товар"></p>\n'
        "<p>Отписаться</p>"
    )
    result = check(write_campaign(tmp_path, body=body, template="jinja"))
    assert [f.code for f in result.findings if f.code.startswith(("LNK", "IMG"))] == []
    assert sorted(f.message for f in only(result, "PER001")) == [
        "“cdn” has no fallback or guard",
        "“img2” has no fallback or guard",
    ]
