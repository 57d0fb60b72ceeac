"""Files -> rows of cells (+ the sheet row they start on); no meaning is given to a cell here.

One module per source kind: :mod:`readers.delimited` (CSV and other delimited text),
:mod:`readers.workbook` (.xlsx/.xlsm), :mod:`readers.text_layout` (whitespace text such as the
CDNOW files); :mod:`readers.files` picks the reader for a path and :mod:`readers.lists` hands the
cells to the account or transaction parser of core/.
"""
from readers.files import read_block, read_cells
from readers.lists import is_transaction_list, load_accounts, load_transactions
from readers.text_layout import CDNOW_COLUMNS, TEXT_SUFFIXES

__all__ = ["read_block", "read_cells", "load_accounts", "load_transactions", "is_transaction_list",
           "CDNOW_COLUMNS", "TEXT_SUFFIXES"]
