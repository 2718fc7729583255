"""A11Y006 quotes every colour in one form (QA probe, session 31).

The colours were quoted as written: an inline "#AAAAAA" beside a stylesheet rule's "#fff",
"white" or "#FF5F06" beside "#ffffff" in one message. They are quoted as most of its quotes
were, "#rrggbb" in lower case, wherever and however they were set; a repeated text with the
same colours written two ways is one entry.
"""

from __future__ import annotations

from pathlib import Path

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Sale</title>\n'
    "<style>td.k { background-color: #FFF; } td { background: white; }</style></head><body>\n"
    '<table role="presentation"><tr><td class="k" bgcolor="#ffffff">'  # line 4
    '<p style="color:#AAAAAA">Grey on a rule\'s white</p></td></tr></table>\n'
    '<table role="presentation"><tr><td style="background-color:#FFF !important">'  # line 5
    '<p style="color:rgb(170, 170, 170)">Grey on an inline white</p></td></tr></table>\n'
    '<table role="presentation"><tr><td style="background-color:#ffffff !important">'  # line 6
    '<p style="color:#aaa">Grey on an inline white</p></td></tr></table>\n'
    '<p><a href="https://shop.test/u">Unsubscribe</a></p>\n</body></html>\n'
)


def test_inline_and_stylesheet_colours_are_quoted_in_one_form(tmp_path: Path) -> None:
    [found] = only(check(write_campaign(tmp_path, html=PAGE)), "A11Y006")
    assert found.severity is Severity.WARNING
    assert found.message == (
        "3 texts below WCAG AA contrast: “Grey on a rule's white” #aaaaaa on #ffffff 2.3:1 "
        "(line 4); “Grey on an inline white” #aaaaaa on #ffffff 2.3:1 (line 5, 6)"
    )
    assert found.locations == ("email.html:4", "email.html:5", "email.html:6")
