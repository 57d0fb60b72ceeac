"""Files -> rows of cells (+ the sheet row they start on); no meaning is given to a cell here.

One module per source kind: :mod:`readers.delimited` (CSV and other delimited text, with
:mod:`readers.text_encoding` for its encoding and :mod:`readers.decimals` for its decimal mark),
:mod:`readers.workbook` (.xlsx/.xlsm), :mod:`readers.text_layout` (tab or whitespace text such as
the CDNOW files); :mod:`readers.files` picks the reader for a path and refuses what cannot be read,
and :mod:`readers.lists` hands the cells to the account or transaction parser of core/.
What is read and how: docs/reading.md.
"""

from readers.files import read_block, read_cells
from readers.lists import accounts_from_rows, is_transaction_list, load_accounts, load_transactions
from readers.text_layout import CDNOW_COLUMNS, TEXT_SUFFIXES

__all__ = [
    "read_block",
    "read_cells",
    "accounts_from_rows",
    "load_accounts",
    "load_transactions",
    "is_transaction_list",
    "CDNOW_COLUMNS",
    "TEXT_SUFFIXES",
]
