"""segmenter: the entry point that Excel and users call.

In Excel, each ribbon button calls ``segmenter.ribbon('<button id>')`` through the one VBA
callback in the add-in segmenter.xlam (and in the demo workbook segmenter.xlsm); the actions live
in app/ribbon.py (:data:`RIBBON_ACTIONS` maps the button ids to them). On the command line,
``python segmenter.py report FILE`` (or the ``segmenter`` command) runs app/cli.py's :func:`main`.

This module only re-exports those entry points, so that the workbook's VBA, xlwings Lite
(lite/lite_edition.py) and ``pyproject.toml``'s ``segmenter = "segmenter:main"`` keep calling
``segmenter.<name>``.
"""

from __future__ import annotations

import sys

from app.cli import main
from app.ribbon import (
    RIBBON_ACTIONS,
    add_nps_survey,
    check_setup,
    customer_report,
    refresh,
    ribbon,
    segment_selection,
    segment_table,
    show_issues,
    show_settings,
)

__all__ = [
    "RIBBON_ACTIONS",
    "add_nps_survey",
    "check_setup",
    "customer_report",
    "main",
    "refresh",
    "ribbon",
    "segment_selection",
    "segment_table",
    "show_issues",
    "show_settings",
]

if __name__ == "__main__":
    sys.exit(main())
