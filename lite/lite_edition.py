"""segmenter in xlwings Lite (Excel on Windows, macOS and the web): the module that lite/main.py
carries (as ``segmenter_lite``, beside segmenter's own packages) and imports everything from.

The worksheet functions are the classic add-in's own: ``udfs``'s ``@xw.func``/``@xw.arg``/
``@xw.ret`` decorators are xlwings Lite's when Lite imports them, so both editions run the same
code with the same names, arguments, defaults, help texts, outputs and error values. The
scripts below are the ribbon actions of segmenter.py (one per ``segmenter.RIBBON_ACTIONS``
entry, same names, but Check setup and Segment a table, which are about the desktop), called
with the workbook Lite hands them.

Where Lite differs from the classic add-in (the only place this is said):

- Registration: Lite registers every function and script of main.py when it loads; there is no
  VBA, no add-in and no ribbon tab. The scripts appear in Lite's task pane. The decorator
  options ``category`` and ``call_in_wizard`` only mean something to classic Excel.
- Workbook: a script receives the workbook as its ``book`` argument instead of calling
  ``xw.Book.caller()``. Excel's status bar is not reachable from Lite; progress messages are
  skipped, message boxes still show.
- Formatting Lite cannot do: column widths fitted to their contents (autofit), the charts, the
  tier colours (conditional formats), the header rows kept in view (freeze panes) and the print
  areas need calls that the xlwings of a Lite workbook may lack (an older xlwings in
  requirements.txt, or a Lite without them). Each such call is skipped, the rest of the sheets is
  written, and the script ends with one message naming what was left out (:func:`lite_gaps`).
  The figures are complete.
- Dates: Excel hands a worksheet function a date cell as its serial number (custom functions
  do not see formats); the figures are the same, and SEGMENT_ISSUES notes that the numbers
  were "read as the Excel date ...". Scripts get dates as dates, as the ribbon buttons do.
- No file system: the command line (``segmenter.py report FILE``) is not available in Lite;
  the data come from the workbook.
- Size: Lite's Python has at most 2 GB of memory and a script receives the workbook's values
  as one message; docs/lite.md gives the sizes the Lite edition is meant for.
"""

import contextlib
import functools

import xlwings as xw
from xlwings import script

import segmenter
from udfs import *  # noqa: F401,F403  the worksheet functions, registered by Lite from main.py
from udfs import __all__ as FUNCTIONS

# The ribbon buttons of segmenter.xlsm (ids of segmenter.RIBBON_ACTIONS) and the names Lite shows.
# Check setup has none: it checks the local Python and the add-in's VBA module, which Lite has not;
# nor Segment a table: DuckDB and Spark are not in Lite's Python.
SCRIPTS = {
    "segment_selection": "Segment selection",
    "customer_report": "Customers from transactions",
    "refresh": "Refresh",
    "add_nps_survey": "Add NPS survey",
    "show_settings": "Settings",
    "show_issues": "Data issues",
}

# xlwings calls the result sheets use that not every Lite has: (class, member, what the user reads).
OPTIONAL_CALLS = (
    (xw.main.Sheet, "autofit", "column widths fitted to their contents"),
    (xw.main.Range, "autofit", "column widths fitted to their contents"),
    (xw.main.Charts, "add", "the charts"),
    (xw.main.Range, "conditional_formats", "the tier colours and red negatives (conditional formats)"),
    (xw.main.Sheet, "freeze_panes", "the header rows kept in view (freeze panes)"),
    (xw.main.Sheet, "page_setup", "the print areas"),
)


class Skipped:
    """What a skipped call gives back (a chart Lite could not draw): every attribute, item and call
    of it does nothing, so the code after it runs on."""

    def __getattr__(self, name):
        return self

    def __setattr__(self, name, value):
        pass

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0


@contextlib.contextmanager
def lite_gaps():
    """While a script runs: a call of :data:`OPTIONAL_CALLS` that this Lite lacks (xlwings raises
    NotImplementedError, or an older xlwings has no such member) is skipped and counted.

    Yields the set of what was left out, in the words of :data:`OPTIONAL_CALLS`.
    """
    skipped = set()
    saved = []

    def guarded(call, what):
        @functools.wraps(call)
        def run(*args, **kwargs):
            try:
                return call(*args, **kwargs)
            except (NotImplementedError, AttributeError):
                skipped.add(what)
                return Skipped()

        return run

    for owner, member, what in OPTIONAL_CALLS:
        original = owner.__dict__.get(member)
        saved.append((owner, member, original))
        if isinstance(original, property):
            setattr(owner, member, property(guarded(original.fget, what), original.fset))
        elif original is not None:
            setattr(owner, member, guarded(original, what))
        else:  # an xlwings without this member at all
            setattr(owner, member, property(lambda self, what=what: skipped.add(what) or Skipped()))
    try:
        yield skipped
    finally:
        for owner, member, original in reversed(saved):
            if original is None:
                delattr(owner, member)
            else:
                setattr(owner, member, original)


def gaps_message(skipped) -> str:
    """The one message after a script that had to leave something out."""
    return (
        "segmenter: the sheets are written and every figure is complete, but this xlwings Lite could not "
        "add " + "; ".join(sorted(skipped)) + ". The classic add-in or the command line gives them."
    )


def _lite_script(button_id, title):
    """The ribbon action ``button_id`` as a Lite script called ``title``, taking Lite's workbook."""

    def run(book: xw.Book):
        with lite_gaps() as skipped:
            segmenter.ribbon(button_id, book)
        if skipped:
            book.app.alert(gaps_message(skipped), title="segmenter")

    run.__name__ = run.__qualname__ = button_id
    run.__doc__ = segmenter.RIBBON_ACTIONS[button_id].__doc__
    return script(name=title)(run)


globals().update({button_id: _lite_script(button_id, title) for button_id, title in SCRIPTS.items()})
__all__ = list(FUNCTIONS) + list(SCRIPTS)  # what main.py imports
