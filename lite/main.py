"""segmenter in xlwings Lite (Excel on Windows, macOS and the web): paste this file into Lite's
main.py tab and lite/requirements.txt into its requirements.txt tab (README: "Excel on macOS
and the web").

The worksheet functions are the classic add-in's own: ``udfs`` is imported from the segmenter
wheel, and its ``@xw.func``/``@xw.arg``/``@xw.ret`` decorators are xlwings Lite's when Lite
imports them, so both editions run the same code with the same names, arguments, defaults,
help texts, outputs and error texts. The scripts below are the ribbon actions of
segmenter.py (one per ``segmenter.RIBBON_ACTIONS`` entry, same names, but Check setup, which
is about the desktop), called with the workbook Lite hands them.

Where Lite differs from the classic add-in (the only place this is said):

- Registration: Lite registers every function and script of this module when it loads; there
  is no VBA, no ``ImportPythonUDFs`` and no ribbon tab. The scripts appear in Lite's task pane.
  The decorator options ``category`` and ``call_in_wizard`` only mean something to classic
  Excel; Lite ignores them. Arguments are converted by the same ``@xw.arg(..., "raw")``
  converters, not by type hints, so no Lite-only converter is involved.
- Workbook: a script receives the workbook as its ``book`` argument instead of calling
  ``xw.Book.caller()``. Excel's status bar is not reachable from Lite; progress messages are
  skipped, message boxes still show.
- Dates: Excel hands a worksheet function a date cell as its serial number (custom functions
  do not see formats); the figures are the same, and SEGMENT_ISSUES notes that the numbers
  were "read as the Excel date ...". Scripts get dates as dates, as the ribbon buttons do.
- No file system: the command line (``segmenter.py report FILE``) is not available in Lite;
  the data come from the workbook.
- Size: Lite's Python has at most 2 GB of memory and a script receives the workbook's values
  as one message; docs/lite.md gives the sizes the Lite edition is meant for.
"""
import xlwings as xw
from xlwings import script

import segmenter
from udfs import *  # noqa: F401,F403  the worksheet functions, registered by Lite from this module


# The ribbon buttons of segmenter.xlsm (ids of segmenter.RIBBON_ACTIONS) and the names Lite shows.
# Check setup has none: it checks the local Python and the workbook's VBA module, which Lite has not.
SCRIPTS = {
    "segment_selection": "Segment selection",
    "customer_report": "Customers from transactions",
    "refresh": "Refresh",
    "add_nps_survey": "Add NPS survey",
    "show_settings": "Settings",
    "show_issues": "Data issues",
}


def _lite_script(button_id, title):
    """The ribbon action ``button_id`` as a Lite script called ``title``, taking Lite's workbook."""

    def run(book: xw.Book):
        segmenter.ribbon(button_id, book)

    run.__name__ = run.__qualname__ = button_id
    run.__doc__ = segmenter.RIBBON_ACTIONS[button_id].__doc__
    return script(name=title)(run)


globals().update({button_id: _lite_script(button_id, title) for button_id, title in SCRIPTS.items()})
