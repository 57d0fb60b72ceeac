"""readers.delimited: CSV cells typed as Excel types them when it opens a CSV."""

from __future__ import annotations

import datetime as dt

from readers.delimited import read_delimited


def test_plain_numbers_become_numbers_and_the_rest_stays_text(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("Account,Revenue,Note\nAcme,1200.5,$1.2k\nBeta,-3e4,\n")
    assert read_delimited(path) == [["Account", "Revenue", "Note"], ["Acme", 1200.5, "$1.2k"], ["Beta", -30000.0, None]]


def test_iso_dates_become_datetimes_only_among_text_cells(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("a,2024-03-31,20240331\nb,2024-03-31 10:00,x\n")
    rows = read_delimited(path)
    assert rows[0][1] == dt.datetime(2024, 3, 31) and rows[1][1] == dt.datetime(2024, 3, 31, 10, 0)
    assert rows[0][2] == 20240331.0  # a CSV's compact number stays a number


def test_blank_lines_keep_their_row_so_rows_match_the_sheet(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("Account,Revenue\n\nAcme,5\n")
    assert read_delimited(path) == [["Account", "Revenue"], [None, None], ["Acme", 5.0]]


def test_an_empty_file_has_no_rows(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert read_delimited(path) == []


def test_amounts_with_a_currency_sign_are_read_by_the_columns_decimal_comma(tmp_path):
    # '€ 1.200' alone could be 1.2 or 1200; its column writes '€ 730,00' and '1.234,56 €': a decimal comma
    import numpy as np

    from core.cells import to_numbers

    path = tmp_path / "list.csv"
    path.write_text(
        "Cliente;Importe;Codigo\nA;€ 1.200;ABC 1.234\nB;€ 730,00;ABC 2.345\nC;1.234,56 €;ABC 3\nD;R$ 15.200,00;ABC 4\n",
        encoding="utf-8",
    )
    rows = read_delimited(path)
    amounts = to_numbers(np.array([r[1] for r in rows[1:]], dtype=object), column="Importe", sheet_rows=np.arange(2, 6))
    # the real stays out: amounts in two currencies are never added
    assert amounts.values[:3].tolist() == [1200.0, 730.0, 1234.56] and np.isnan(amounts.values[3])
    assert [r[2] for r in rows[1:]] == ["ABC 1.234", "ABC 2.345", "ABC 3", "ABC 4"]  # codes are not amounts


def test_the_blocks_empty_cells_are_exactly_its_none_nan_and_blank_text_cells(tmp_path):
    # find_table takes the reader's mask instead of looking at every cell: it must say exactly what
    # pd.isna(cell) | (cell == "") says, whatever the cells hold
    import numpy as np
    import pandas as pd

    lines = [
        "sep=;",
        "Account;Revenue;Share;Date;Note",
        "Acme;1.234,5;34,1 %;2024-03-31;  ",
        ";;;;",
        "Beta;nan;\u00a0;0000-01-01;inf",
        "\u2003;€ 1.200;x%;2024-02-30;\t",
        "Gamma; 7 ;-0;20240331;=1+1",
    ]
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    block = read_delimited(path)
    cells = block.array
    assert block.empty is not None
    assert block.empty.tolist() == (pd.isna(cells) | (cells == "")).tolist()
    assert block[2:].empty.tolist() == block.empty[2:].tolist()
    block[0] = ["x"] * cells.shape[1]  # a row replaced: the mask is forgotten, not left wrong
    assert block.empty is None
    assert np.array_equal(block.array[0], np.array(["x"] * cells.shape[1], dtype=object))


def test_the_readers_kinds_change_no_figure_and_no_data_issues_line(tmp_path):
    # the cell parsers take the CSV reader's word on each cell's kind: an account list and an
    # order list read with the kinds give exactly what they give without them (messy cells:
    # edge spaces, wide characters, an em space, a unit separator, text amounts, ambiguous dates)
    import numpy as np
    import pandas as pd

    from core.accounts import parse_accounts
    from core.grid import CellBlock
    from core.transactions import parse_transactions
    from readers.delimited import read_delimited

    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "Customer report\n\nAccount,Revenue,Profit,NPS,Industry\n"
        'Acme,1200,300,9,Retail\n Beta ,"1,500.50",12%,7,Retail\nCafé Müller,800,,10,\u2003Food\n'
        "\x1cDelta,n/a,5,11,Food\nAcme,400,40,,\nEcho,2024-03-31,1,3,Energy\n,,,,\nTotal,2900,,,\n",
        encoding="utf-8",
    )
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "Customer,Date,Amount\nAcme,2024-01-05,120\n Bolt ,2024-02-30,80\nCafé,05/01/2024,50\n"
        "Delta,2024-03-01,€ 12\nAcme,2024-03-02, 7 \n,,\n",
        encoding="utf-8",
    )
    for path, parse in ((accounts, parse_accounts), (orders, parse_transactions)):
        block = read_delimited(path)
        assert block.kinds is not None
        plain = CellBlock(block.array.copy(), block.empty)  # the same cells, no kinds
        known, looked = parse(block), parse(plain)
        frames = ("accounts", "issues") if parse is parse_accounts else ("rows", "issues")
        for name in frames:
            pd.testing.assert_frame_equal(getattr(known, name), getattr(looked, name))
        assert np.array_equal(block.array, plain.array)  # the reader's cells were not written
