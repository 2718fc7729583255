"""A11Y006's background and colour forms (QA probe, session 31's gaps).

A stylesheet's plain background was read only when the text already failed on its inline
background: text on a stylesheet-only background, or on a ``bgcolor`` a rule overrides, was
silent. A ``bgcolor`` of six hex digits without "#" (white in every browser), ``#rrggbbaa``,
``rgba()``, ``hsl()`` and ``transparent`` were not judged.
"""

from __future__ import annotations

from pathlib import Path

from mailcheck.accessibility import attribute_color, blend, parse_color, parse_rgba
from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

HEAD = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Sale</title>\n'
TAIL = '<p><a href="https://shop.test/u">Unsubscribe</a></p>\n</body></html>\n'


def a11y006(tmp_path: Path, html: str) -> list[tuple[str, tuple[str, ...]]]:
    found = only(check(write_campaign(tmp_path, html=html)), "A11Y006")
    assert all(f.severity is Severity.WARNING for f in found)
    return [(f.message, f.locations) for f in found]


def test_a_stylesheet_background_is_read_where_no_inline_one_is(tmp_path: Path) -> None:
    """``.dark{background:#000}`` on the cell around ``<span style="color:#555">``: #555 on
    black, whatever the inline colours say (nothing inline): the nearest background that
    applies is the rule's. A dark mode's rule (``@media (prefers-color-scheme: dark)``) and
    a phone's are not the default colours: text under them alone stays unjudged."""
    html = (
        HEAD + "<style>.dark { background: #000 }\n"
        "@media (prefers-color-scheme: dark) { .night { background-color: #000000 } }\n"
        "@media (max-width: 600px) { .phone { background-color: #000000 } }</style></head>"
        "<body>\n"
        '<table role="presentation"><tr><td class="dark">'  # line 6
        '<span style="color:#555">Terms apply</span></td></tr></table>\n'
        '<table role="presentation"><tr><td class="night">'  # line 7
        '<span style="color:#555">Dark mode</span></td></tr></table>\n'
        '<table role="presentation"><tr><td class="phone">'  # line 8
        '<span style="color:#555">On phones</span></td></tr></table>\n' + TAIL
    )
    assert a11y006(tmp_path, html) == [
        (
            "1 text below WCAG AA contrast: “Terms apply” #555555 on #000000 2.8:1 (line 6)",
            ("email.html:6",),
        )
    ]


def test_a_bgcolor_a_rule_overrides_is_not_the_background(tmp_path: Path) -> None:
    """``<td bgcolor="#ffffff" class="x">`` with ``.x{background-color:#111}``: the rule beats
    the attribute (a hint below every rule), so dark text that passes on white is judged on
    #111; an inline ``background-color`` beats the rule and is judged as written."""
    html = (
        HEAD + "<style>.x { background-color: #111 }</style></head><body>\n"
        '<table role="presentation"><tr><td bgcolor="#ffffff" class="x">'  # line 4
        '<p style="color:#333333">Dark on dark</p></td></tr></table>\n'
        '<table role="presentation"><tr><td style="background-color:#ffffff" class="x">'
        '<p style="color:#333333">Inline white wins</p></td></tr></table>\n' + TAIL
    )
    assert a11y006(tmp_path, html) == [
        (
            "1 text below WCAG AA contrast: “Dark on dark” #333333 on #111111 1.5:1 (line 4)",
            ("email.html:4",),
        )
    ]


def test_six_hex_digits_without_a_hash_are_a_colour_attribute(tmp_path: Path) -> None:
    """``bgcolor="FFFFFF"`` and ``<font color="CCCCCC">`` are #ffffff and #cccccc in every
    browser (HTML's rules for parsing a legacy colour value); three digits without "#" are
    not white by those rules (``fff`` is #0f0f0f) and are left unjudged."""
    html = (
        HEAD + "</head><body>\n"
        '<table role="presentation"><tr><td bgcolor="FFFFFF">'  # line 4
        '<span style="color:#bbbbbb">Pale on white</span></td></tr></table>\n'
        '<table role="presentation"><tr><td bgcolor="#ffffff">'  # line 5
        '<font color="CCCCCC">Pale font</font></td></tr></table>\n'
        '<table role="presentation"><tr><td bgcolor="fff">'  # line 6
        '<span style="color:#bbbbbb">Not white</span></td></tr></table>\n' + TAIL
    )
    assert a11y006(tmp_path, html) == [
        (
            "2 texts below WCAG AA contrast: “Pale on white” #bbbbbb on #ffffff 1.9:1 "
            "(line 4); “Pale font” #cccccc on #ffffff 1.6:1 (line 5)",
            ("email.html:4", "email.html:5"),
        )
    ]


def test_colours_with_alpha_and_hsl(tmp_path: Path) -> None:
    """An opaque ``#rrggbbff``, ``rgba(…, 1)`` or ``hsl()`` is a colour like any; a translucent
    text colour is judged blended over its known background, a translucent background
    blended over the one around it; ``transparent`` shows the one around. Unknown behind
    (nothing said around a translucent background) or invisible (``color: transparent``,
    alpha 0): not judged."""
    html = (
        HEAD + "</head><body>\n"
        '<div style="background-color:#ffffff">\n'
        '<p style="color:#aaaaaaff">Opaque eight digits</p>\n'  # line 5
        '<p style="color:hsl(0, 0%, 67%)">Grey in hsl</p>\n'  # line 6
        '<p style="color:rgba(0, 0, 0, 0.3)">Faint black</p>\n'  # line 7
        '<p style="color:#0000004d;background:transparent">Faint again</p>\n'  # line 8
        '<p style="color:#777;background-color:rgba(0,0,0,0.4)">Grey on a shade</p>\n'  # 9
        '<p style="color:transparent">Invisible</p>\n'  # line 10
        '<p style="color:rgba(0,0,0,0.9)">Dark enough</p>\n'  # line 11
        "</div>\n"
        '<p style="color:#777;background-color:hsla(0, 0%, 0%, 0.4)">Shade over nothing</p>\n'
        '<p style="color:rgba(0,0,0,0.3)">Faint over nothing</p>\n' + TAIL
    )
    assert a11y006(tmp_path, html) == [
        (
            "5 texts below WCAG AA contrast: “Opaque eight digits” #aaaaaa on #ffffff 2.3:1 "
            "(line 5); “Grey in hsl” #ababab on #ffffff 2.3:1 (line 6); “Faint black” "
            "rgba(0, 0, 0, 0.3) on #ffffff 2.1:1 (line 7); “Faint again” #0000004d on "
            "#ffffff 2.1:1 (line 8); “Grey on a shade” #777777 on rgba(0,0,0,0.4) 1.6:1 "
            "(line 9)",
            tuple(f"email.html:{line}" for line in range(5, 10)),
        )
    ]


def test_colour_parsing() -> None:
    assert parse_rgba("#ffffff80") == ((255, 255, 255), 128 / 255)
    assert parse_rgba("hsla(0 0% 50% / 50%)") == ((128, 128, 128), 0.5)
    assert parse_rgba("transparent") == ((0, 0, 0), 0.0)
    assert parse_rgba("oklch(50% 0.1 20)") is None  # not converted here: unknown
    assert parse_rgba("currentcolor") is None
    assert parse_color("rgba(0, 0, 0, 1)") == (0, 0, 0)
    assert parse_color("#fff8") is None  # translucent: depends on what is behind
    assert blend(((0, 0, 0), 0.5), (255, 255, 255)) == (128, 128, 128)
    assert attribute_color(" FFFFFF ") == "#ffffff"
    assert attribute_color("fff") == "fff"
    assert attribute_color("#AbCdEf") == "#AbCdEf"
