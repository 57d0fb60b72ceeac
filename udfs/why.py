"""SEGMENT_WHY: the reason behind a function's error values.

A segmenter function that cannot compute shows an Excel error value (``#VALUE!``, ``#N/A``),
so that ISERROR, IFERROR and IF treat it as Excel users expect. ``=SEGMENT_WHY("HHI", B:B)``
runs the same function on the same arguments and gives its result with each error value
replaced by its sentence ("segmenter: range row 4, revenue: 'abc' is not a number"); cells
that computed keep their values.
"""

from __future__ import annotations

import sys

import xlwings as xw

from core.errors import SegmenterInputError
from udfs._edge import cell_errors, explain, scalar

FUNCTION_DOC = 'the function\'s name as text, e.g. "HHI" or "SEGMENT_TIER"'
ARGUMENT_DOC = "the function's arguments, as in the cell that shows the error"
# The package this module was imported with (being initialised now): its functions share this
# module's _edge, whose flag turns their error values into reasons.
_PACKAGE = sys.modules.get(__name__.rpartition(".")[0])


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("function", "raw", doc=FUNCTION_DOC)
@xw.arg("arg1", "raw", doc=ARGUMENT_DOC)
@xw.arg("arg2", "raw", doc=ARGUMENT_DOC)
@xw.arg("arg3", "raw", doc=ARGUMENT_DOC)
@xw.arg("arg4", "raw", doc=ARGUMENT_DOC)
@xw.ret("raw")
@cell_errors
def segment_why(function, arg1=None, arg2=None, arg3=None, arg4=None):
    """Why a segmenter function shows #VALUE! or #N/A: its result with each error replaced by its reason."""
    udfs = _PACKAGE if _PACKAGE is not None and hasattr(_PACKAGE, "__all__") else sys.modules["udfs"]
    name = str(scalar(function, "function", "")).strip().lstrip("=").split("(")[0].strip().lower()
    if name not in udfs.__all__ or name == "segment_why":
        raise SegmenterInputError(
            f'no segmenter function {str(function)!r}; e.g. "HHI" or "SEGMENT_TIER"', column="function"
        )
    args = [arg1, arg2, arg3, arg4]
    while args and args[-1] is None:
        args.pop()
    result = explain(getattr(udfs, name), *args)
    if isinstance(result, (list, tuple, str)):
        return result
    return f"no error: {result}"
