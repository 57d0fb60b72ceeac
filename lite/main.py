"""segmenter in xlwings Lite (Excel on Windows, macOS and the web): paste this file into Lite's
main.py tab and lite/requirements.txt into its requirements.txt tab (README: "Excel on macOS
and the web").

The worksheet functions are the classic add-in's own: ``udfs`` is imported from the segmenter
wheel, and its ``@xw.func``/``@xw.arg``/``@xw.ret`` decorators are xlwings Lite's when Lite
imports them, so both editions run the same code with the same names, arguments, defaults,
help texts, outputs and error texts. The scripts below are the ribbon actions of
segmenter.py (one per ``segmenter.RIBBON_ACTIONS`` entry, same names), called with the
workbook Lite hands them.

Where Lite differs from the classic add-in (the only place this is said):

- Registration: Lite registers every function and script of this module when it loads; there
  is no VBA, no ``ImportPythonUDFs`` and no ribbon tab. The scripts appear in Lite's task pane.
  The decorator options ``category`` and ``call_in_wizard`` only mean something to classic
  Excel; Lite ignores them. Arguments are converted by the same ``@xw.arg(..., "raw")``
  converters, not by type hints, so no Lite-only converter is involved.
- Workbook: a script receives the workbook as its ``book`` argument instead of calling
  ``xw.Book.caller()``. Excel's status bar is not reachable from Lite; progress messages are
  skipped, message boxes still show.
- No file system: the command line (``segmenter.py report FILE``) is not available in Lite;
  the data come from the workbook.
- Size: Lite's Python has at most 2 GB of memory and a script receives the workbook's values
  as one message; docs/lite.md gives the sizes the Lite edition is meant for.
"""
import xlwings as xw
from xlwings import script

import segmenter
from udfs import *  # noqa: F401,F403  the worksheet functions, registered by Lite from this module


@script(name="Segment selection")
def segment_selection(book: xw.Book):
    """Tiers, margins, concentration, NPS, matrix and lifetime value of the selected account list."""
    segmenter.segment_selection(book)


@script(name="Customers from transactions")
def customer_report(book: xw.Book):
    """Customers, RFM and Lifetime value sheets (and the account sheets) from the selected transactions."""
    segmenter.customer_report(book)


@script(name="Refresh")
def refresh(book: xw.Book):
    """Segment the range used last time again, with the current Settings."""
    segmenter.refresh(book)


@script(name="Settings")
def show_settings(book: xw.Book):
    """Show the Settings sheet, creating it with the defaults when missing."""
    segmenter.show_settings(book)


@script(name="Data issues")
def show_issues(book: xw.Book):
    """Show the Data issues sheet of the last run."""
    segmenter.show_issues(book)
