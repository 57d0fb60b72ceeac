"""Setting up Excel to run segmenter: which Python it starts, and whether the versions agree.

Excel does not know about a virtual environment. xlwings' VBA module (inside segmenter.xlsm)
starts ``python`` for the ribbon and ``pythonw`` for worksheet functions, whichever comes first
on the PATH, unless the setting ``Interpreter_Win`` (Windows) or ``Interpreter_Mac`` (macOS)
names one. It reads that setting from, in order: the workbook's xlwings.conf sheet, a file
``xlwings.conf`` in the workbook's folder, then the user's ``~/.xlwings/xlwings.conf``.

``segmenter setup`` writes the Python that runs it into the folder's ``xlwings.conf`` file
(a line ``"INTERPRETER_WIN","C:\\...\\python.exe"``, other lines kept): the workbook itself is
not rewritten (its ribbon would not survive a rewrite by openpyxl) and other workbooks that
use xlwings keep their own setting. It also checks that the installed xlwings package is the
version of the VBA module in the workbook, which scripts/build_workbook.py records in the
workbook name :data:`VBA_VERSION_NAME`. The ribbon's Check setup button shows the same facts
from inside Excel.
"""
from __future__ import annotations

import csv
import importlib.metadata
import io
import os
import platform
import re
import sys
import tempfile
from pathlib import Path

#: Workbook name holding the xlwings version of the VBA module inside segmenter.xlsm ("=\"0.37.8\"").
VBA_VERSION_NAME = "segmenter_xlwings_vba"
CONFIG_FILE = "xlwings.conf"
WORKBOOK = Path(__file__).resolve().parent / "segmenter.xlsm"
REQUIRED = ("numpy", "pandas", "scipy", "openpyxl")


def interpreter_key(platform_name: str = sys.platform) -> str:
    """The xlwings setting that names the interpreter on this platform.

    Examples
    --------
    >>> interpreter_key("win32"), interpreter_key("darwin")
    ('INTERPRETER_WIN', 'INTERPRETER_MAC')
    """
    return "INTERPRETER_MAC" if platform_name == "darwin" else "INTERPRETER_WIN"


def version_text(formula: str | None) -> str | None:
    """The version in a name's formula: '="0.37.8"' -> '0.37.8'; None when there is none.

    Examples
    --------
    >>> version_text('="0.37.8"'), version_text("=#REF!"), version_text(None)
    ('0.37.8', None, None)
    """
    match = re.fullmatch(r'=?"?([0-9][0-9A-Za-z.+-]*)"?', (formula or "").strip())
    return match[1] if match else None


def workbook_vba_version(book) -> str | None:
    """The xlwings version of the VBA module in an open workbook (xlwings Book), from its name."""
    from writers.book import find_name

    name = find_name(book, VBA_VERSION_NAME)
    return version_text(name.refers_to) if name is not None else None


def file_vba_version(path: Path) -> str | None:
    """The same, read from a workbook file without opening Excel."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, keep_links=False)
    try:
        name = book.defined_names.get(VBA_VERSION_NAME)
        return version_text("=" + name.attr_text) if name is not None else None
    finally:
        book.close()


def _installed(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def setup_lines(vba_version: str | None) -> list[str]:
    """What Check setup and ``segmenter setup`` report: Python, xlwings, segmenter, or what is missing.

    A line starting with "!" is a problem, and says how to fix it.
    """
    xlwings_version = _installed("xlwings")
    lines = [f"Python {platform.python_version()}: {sys.executable}",
             f"xlwings {xlwings_version or 'not installed'}; the workbook's VBA module: {vba_version or 'unknown'}",
             f"segmenter {_installed('segmenter') or '(not installed, run from its folder)'}: {Path(__file__).parent}"]
    if xlwings_version is None:
        lines.append("! xlwings is missing: run  pip install -e .  in the segmenter folder")
    elif vba_version is None:
        lines.append(f"! this workbook does not say its xlwings version (name {VBA_VERSION_NAME}): "
                     "use the segmenter.xlsm of the segmenter folder")
    elif vba_version != xlwings_version:
        lines.append(f"! xlwings {xlwings_version} is installed but the workbook's VBA module is {vba_version}: "
                     f"run  pip install xlwings=={vba_version}")
    missing = [name for name in REQUIRED if _installed(name) is None]
    if missing:
        lines.append(f"! missing packages: {', '.join(missing)}: run  pip install -e .  in the segmenter folder")
    if not any(line.startswith("!") for line in lines):
        lines.append("Setup is complete.")
    return lines


def read_config(path: Path) -> list[list[str]]:
    """The rows of an xlwings.conf file ("KEY","value" per line); none when it does not exist."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.reader(handle) if row]


def write_interpreter(folder: Path, interpreter: str, platform_name: str = sys.platform) -> Path:
    """Set the interpreter for this platform in ``folder/xlwings.conf``, keeping its other lines.

    The file is replaced atomically (written beside it, then renamed), so a failure leaves the
    old file as it was.
    """
    path = Path(folder) / CONFIG_FILE
    key = interpreter_key(platform_name)
    rows = [row for row in read_config(path) if row[0].upper() != key] + [[key, interpreter]]
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".xlwings-", suffix=".conf")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(buffer.getvalue())
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return path


def run_setup(workbook: Path = WORKBOOK, interpreter: str = sys.executable,
              platform_name: str = sys.platform) -> tuple[list[str], bool]:
    """``segmenter setup``: write the interpreter beside the workbook and check the versions.

    Returns the lines to print and whether everything is in order.
    """
    workbook = Path(workbook)
    if not workbook.exists():
        return [f"! no workbook at {workbook}: pass the path of segmenter.xlsm"], False
    path = write_interpreter(workbook.parent, interpreter, platform_name)
    lines = [f"Excel will start {interpreter} ({interpreter_key(platform_name)} in {path})"]
    lines += setup_lines(file_vba_version(workbook))
    if platform_name == "darwin":
        script = (Path.home() / "Library" / "Application Scripts" / "com.microsoft.Excel"
                  / f"xlwings-{_installed('xlwings')}.applescript")
        if not script.exists():
            lines.append("! macOS: run  xlwings runpython install  once, so that Excel may start Python")
    return lines, not any(line.startswith("!") for line in lines)
