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
            '3 layout tables without role="presentation" (line 4, 6, 11)',
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
        ('1 layout table without role="presentation" (line 4)', ("email.html:4",))
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
            '3 layout tables without role="presentation" (line 4, 6, 11)',
            ("email.html:4", "email.html:6", "email.html:11"),
        )
    ]


# Review probe R, item 8: data tables the first round's layout cells took for layouts
# (/tmp/probeR/c/a1, lines 7 and 8)
SORT_ARROW = (
    "<table><tr><th>Item "
    '<table role="presentation"><tr><td>&#9650;</td></tr></table></th><th>Price</th></tr>'
    "<tr><td>Shoes</td><td>$10</td></tr></table>\n"
)
COMPARISON = (
    "<table><tr><th></th><th>Basic</th><th>Pro</th></tr>"
    "<tr><th>Storage</th><th>5 GB</th><th>50 GB</th></tr></table>\n"
)


def test_a_header_cell_holding_a_sort_arrow_table_heads_data(tmp_path: Path) -> None:
    html = HEAD + SORT_ARROW + '<p><a href="https://shop.test/u">Unsubscribe</a></p>\n'
    assert _a11y003(tmp_path, html + "</body></html>\n") == []


def test_a_comparison_table_of_header_cells_alone_heads_data(tmp_path: Path) -> None:
    html = HEAD + COMPARISON + '<p><a href="https://shop.test/u">Unsubscribe</a></p>\n'
    assert _a11y003(tmp_path, html + "</body></html>\n") == []


def test_the_probes_data_tables_beside_a_grid_leave_the_grid_alone(tmp_path: Path) -> None:
    # the probe's page: the data tables silent, the Foundation grid row (line 6) reported
    html = (
        HEAD
        + SORT_ARROW  # line 4
        + COMPARISON  # line 5
        + '<table class="row"><tr><th class="columns">Plan</th><th class="columns">Price</th>'
        + "</tr><tr><td>Basic</td><td>$5</td></tr></table>\n"  # line 6
        + '<p><a href="https://shop.test/u">Unsubscribe</a></p>\n</body></html>\n'
    )
    assert _a11y003(tmp_path, html) == [
        ('1 layout table without role="presentation" (line 6)', ("email.html:6",))
    ]


def test_a_column_class_header_cell_holding_a_table_beside_data_is_a_layout(
    tmp_path: Path,
) -> None:
    # sendwithus' "column-top" and mail_test_5's "m--col"/"m--row" name a layout's column or
    # row: a header cell so named that holds a table lays out, a data cell beside it or not
    html = (
        HEAD
        + "<table>\n"  # line 4
        + '<tr><th class="column-top"><table role="presentation"><tr><td>A</td></tr></table>'
        + "</th><td>B</td></tr>\n</table>\n"
        + '<table class="m--row">\n'  # line 7
        + '<tr><th><table role="presentation"><tr><td>C</td></tr></table></th><td>D</td></tr>\n'
        + "</table>\n"
        + '<p><a href="https://shop.test/u">Unsubscribe</a></p>\n</body></html>\n'
    )
    assert _a11y003(tmp_path, html) == [
        (
            '2 layout tables without role="presentation" (line 4, 7)',
            ("email.html:4", "email.html:7"),
        )
    ]
