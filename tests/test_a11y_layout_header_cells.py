"""A11Y003 and layouts built of header cells (QA probe, session 31).

Foundation for Emails lays its grid out in <th> cells: <table class="row"><tr><th
class="columns">, the content in a <table><tr><th>…</th><th class="expander"></th></tr>
</table>. Any <th> made its table a data table, so such a layout never had A11Y003, where the
same layout of <td> had it. A real data table's header cells (a <th> heading a column, an
empty corner cell, a cell of class "column" outside a grid row) keep it silent.
"""

from __future__ import annotations

from pathlib import Path

from mailcheck.model import Severity
from tests.helpers import check, only, write_campaign

HEAD = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>News</title></head>\n'
    "<body>\n"
)
FOUNDATION = (
    HEAD
    + '<table class="row">\n'  # line 4
    + '<tr><th class="small-12 large-6 columns first">\n'
    + "<table>\n"  # line 6
    + '<tr><th><p>Autumn news from the shop.</p></th><th class="expander"></th></tr>\n'
    + "</table>\n</th>\n"
    + '<th class="small-12 large-6 columns last">\n'
    + "<table>\n"  # line 11
    + '<tr><th><p><a href="https://shop.test/u">Unsubscribe</a></p></th>'
    + '<th class="expander"></th></tr>\n'
    + "</table>\n</th></tr>\n</table>\n</body></html>\n"
)


def _a11y003(tmp_path: Path, html: str) -> list[tuple[str, tuple[str, ...]]]:
    found = only(check(write_campaign(tmp_path, html=html)), "A11Y003")
    assert all(f.severity is Severity.WARNING for f in found)
    return [(f.message, f.locations) for f in found]


def test_a_foundation_grid_of_th_cells_is_a_layout(tmp_path: Path) -> None:
    assert _a11y003(tmp_path, FOUNDATION) == [
        (
            '3 layout table(s) without role="presentation" (line 4, 6, 11)',
            ("email.html:4", "email.html:6", "email.html:11"),
        )
    ]


def test_a_foundation_grid_with_roles_is_silent(tmp_path: Path) -> None:
    html = FOUNDATION.replace("<table", '<table role="presentation"')
    assert _a11y003(tmp_path, html) == []


def test_a_column_of_th_holding_a_table_is_a_layout(tmp_path: Path) -> None:
    # sendwithus' layouts: <th class="column-top"> cells, each holding a table
    html = (
        HEAD
        + "<table>\n"  # line 4
        + '<tr><th class="column-top"><table role="presentation"><tr><td>A</td></tr></table>'
        + '</th><th class="column-top"><table role="presentation"><tr><td>B</td></tr></table>'
        + "</th></tr>\n</table>\n</body></html>\n"
    )
    assert _a11y003(tmp_path, html) == [
        ('1 layout table(s) without role="presentation" (line 4)', ("email.html:4",))
    ]


def test_data_tables_with_header_cells_stay_silent(tmp_path: Path) -> None:
    html = (
        HEAD
        + '<table role="presentation"><tr><td>\n'
        # a header row over a column of data, an empty corner cell
        + "<table><tr><th></th><th>Mon</th><th>Tue</th></tr>"
        + "<tr><th>Open</th><td>9</td><td>10</td></tr></table>\n"
        # a header cell of class "column" in a table that is no grid row
        + '<table class="prices"><tr><th class="column">Item</th><th class="column">Price</th>'
        + "</tr><tr><td>Tea</td><td>3 EUR</td></tr></table>\n"
        + "</td></tr></table>\n</body></html>\n"
    )
    assert _a11y003(tmp_path, html) == []


def test_a_column_narrower_than_the_row_without_an_expander_is_a_layout(tmp_path: Path) -> None:
    # Foundation adds the expander to full-width columns only: <table><tr><th>…</th></tr>
    # </table> has header cells alone, no data cell for them to head
    html = FOUNDATION.replace('<th class="expander"></th>', "")
    assert _a11y003(tmp_path, html) == [
        (
            '3 layout table(s) without role="presentation" (line 4, 6, 11)',
            ("email.html:4", "email.html:6", "email.html:11"),
        )
    ]
