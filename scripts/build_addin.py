"""Build segmenter.xlam, the add-in, from workbook/ and the worksheet functions of udfs/.

    python scripts/build_addin.py [--output segmenter.xlam]      (./run addin builds both files)

Installed once (Excel's Add-ins dialog, or ``segmenter install``), the add-in gives every open
workbook the segmenter ribbon tab and the worksheet functions. What goes in:

- one sheet, "About" (an add-in's sheets are never shown), and the workbook name
  ``segmenter_xlwings_vba`` with the version of the xlwings VBA module, as in segmenter.xlsm;
- the VBA project: ``xlwings`` is xlwings' own module for custom add-ins
  (``xlwings_custom_addin.bas`` of the installed xlwings package), which runs Python on the
  *active* workbook (``ActiveWorkbook``), never on the add-in, with its PROJECT_NAME set to
  "segmenter": its settings come from a ``segmenter.conf`` sheet or file beside the active
  workbook, else from the user's ``%USERPROFILE%\\.segmenter\\segmenter.conf``, which
  ``segmenter install`` writes. ``Dictionary`` comes from xlwings' quickstart template, and
  workbook/Ribbon.bas is the ribbon's callback;
- ``segmenter_udfs``: one VBA function per worksheet function, generated here from the
  ``@xw.func`` functions that ``udfs.__all__`` lists, written the way xlwings'
  ImportPythonUDFsToAddin writes them (each calls the Python function of the same name through
  ``XLPy.CallUDF``), so users never need "Trust access to the VBA project object model" or the
  Developer tab. A function added to udfs/ appears after a rebuild;
- the ribbon: workbook/customUI14.xml, as in segmenter.xlsm.

The content type of the workbook part is the add-in's, which is what makes Excel load the file
as an add-in. The output is byte-identical on every run from the same sources and versions.
"""

from __future__ import annotations

import argparse
import inspect
import io
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import openpyxl  # noqa: E402
import xlwings  # noqa: E402
from build_workbook import (
    RIBBON_MODULE,
    SOURCES,
    TEMPLATE,
    _crlf,
    finish_package,  # noqa: E402
    vba_module_version,
)
from openpyxl.workbook.defined_name import DefinedName  # noqa: E402

from excel_setup import VBA_VERSION_NAME  # noqa: E402

OUTPUT = ROOT / "segmenter.xlam"
CUSTOM_ADDIN_MODULE = Path(xlwings.__file__).parent / "xlwings_custom_addin.bas"
PROJECT_NAME = "segmenter"
UDF_MODULE = "segmenter_udfs"
PYTHON_MODULE = "udfs"
XLAM_MAIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
ABOUT = (
    "segmenter's add-in: the segmenter ribbon tab and the worksheet functions (SEGMENT_TIER, HHI, ...) "
    "in every workbook. Built by scripts/build_addin.py; README 'Install'."
)


def recorded_functions() -> list[tuple[str, Callable[..., Any], dict[str, Any]]]:
    """The worksheet functions of udfs/ with the options their ``@xw.func`` was given.

    udfs/ is imported with recording stand-ins for ``xw.func/arg/ret`` (in this process only):
    the build needs neither Windows nor an xlwings licence. Returns (Excel name, function,
    options) in ``udfs.__all__`` order.
    """
    options: dict[int, dict[str, Any]] = {}

    def func(f=None, **kwargs):
        def record(function):
            options[id(function)] = kwargs
            return function

        return record(f) if callable(f) else record

    def passthrough(*args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda function: function

    def ours(name):
        return name == PYTHON_MODULE or name.startswith(PYTHON_MODULE + ".")

    saved = xlwings.func, xlwings.arg, xlwings.ret
    saved_modules = {name: module for name, module in sys.modules.items() if ours(name)}
    for name in saved_modules:
        del sys.modules[name]
    xlwings.func, xlwings.arg, xlwings.ret = func, passthrough, passthrough
    try:
        import udfs
    finally:
        xlwings.func, xlwings.arg, xlwings.ret = saved
        # the udfs imported for the build leave; a caller's own udfs (tests) comes back
        for name in [n for n in sys.modules if ours(n)]:
            del sys.modules[name]
        sys.modules.update(saved_modules)
    missing = [name for name in udfs.__all__ if id(getattr(udfs, name)) not in options]
    if missing:
        raise SystemExit(f"not decorated with @xw.func: {', '.join(missing)}")
    return [(name.upper(), getattr(udfs, name), options[id(getattr(udfs, name))]) for name in udfs.__all__]


def vba_function(name: str, function: Callable[..., Any], options: dict[str, Any]) -> str:
    """One VBA function calling the Python function ``name``, as xlwings' ImportPythonUDFsToAddin
    writes it for an add-in (xlwings.udfs.generate_vba_wrapper): optional arguments for defaults,
    no call from the Function Arguments dialog unless ``call_in_wizard``, ActiveWorkbook.

    Examples
    --------
    >>> print(vba_function("HHI", lambda revenue: None, {"call_in_wizard": False}))
    Function HHI(revenue)
        If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function
        #If App = "Microsoft Excel" Then
            If TypeOf Application.Caller Is Range Then On Error GoTo failed
            HHI = XLPy.CallUDF("udfs", "HHI", Array(revenue), ActiveWorkbook, Application.Caller)
            Exit Function
        #Else
            HHI = XLPy.CallUDF("udfs", "HHI", Array(revenue))
            Exit Function
        #End If
    failed:
        HHI = Err.Description
    End Function
    """
    parameters = list(inspect.signature(function).parameters.values())
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY) for p in parameters):
        raise SystemExit(f"{name}: the add-in's stubs take positional arguments only")
    signature = ", ".join(("Optional " if p.default is not p.empty else "") + p.name for p in parameters)
    arguments = ", ".join(p.name for p in parameters)
    lines = [f"Function {name}({signature})"]
    if not options.get("call_in_wizard", True):
        lines.append('    If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function')
    if options.get("volatile"):
        lines.append("    Application.Volatile")
    lines += [
        '    #If App = "Microsoft Excel" Then',
        "        If TypeOf Application.Caller Is Range Then On Error GoTo failed",
        f'        {name} = XLPy.CallUDF("{PYTHON_MODULE}", "{name}", Array({arguments}), '
        "ActiveWorkbook, Application.Caller)",
        "        Exit Function",
        "    #Else",
        f'        {name} = XLPy.CallUDF("{PYTHON_MODULE}", "{name}", Array({arguments}))',
        "        Exit Function",
        "    #End If",
        "failed:",
        f"    {name} = Err.Description",
        "End Function",
    ]
    return "\n".join(lines)


def udf_module() -> str:
    """The VBA module holding one function per worksheet function."""
    header = [
        f'Attribute VB_Name = "{UDF_MODULE}"',
        "' Generated by scripts/build_addin.py from the @xw.func functions of udfs/ (udfs.__all__):",
        "' one VBA function per worksheet function, each calling the Python function of the same name.",
    ]
    return _crlf("\n".join(header) + "\n\n" + "\n\n".join(vba_function(*f) for f in recorded_functions()) + "\n")


def addin_xlwings_module() -> str:
    """xlwings' module for custom add-ins, with segmenter's PROJECT_NAME."""
    source = CUSTOM_ADDIN_MODULE.read_text(encoding="utf-8")
    old = 'Public Const PROJECT_NAME As String = "myaddin"'
    if old not in source:
        raise SystemExit(f"{CUSTOM_ADDIN_MODULE} has no {old!r}: check the xlwings version")
    return _crlf(source.replace(old, f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'))


def sheets_package(vba_version: str) -> bytes:
    book = openpyxl.Workbook()
    # Excel's Add-ins dialog lists an add-in by its title and shows its description under the list
    book.properties.title = "Segmenter"
    book.properties.description = (
        "Customer tiers, margins, concentration, NPS and lifetime value: the segmenter "
        "ribbon tab and worksheet functions in every workbook."
    )
    sheet = book.active
    sheet.title = "About"
    sheet["A1"] = ABOUT
    book.defined_names[VBA_VERSION_NAME] = DefinedName(VBA_VERSION_NAME, attr_text=f'"{vba_version}"')
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build(output: Path = OUTPUT) -> Path:
    """Write the add-in to ``output`` (overwritten) and return it."""
    from pyopenvba import ExcelFile, VBAModuleKind

    xlwings_module = addin_xlwings_module()
    stubs = udf_module()
    with ExcelFile(TEMPLATE) as template:
        kinds = {module.name: module.kind for module in template.vba_project().modules}
        dictionary = template.get_module("Dictionary")
    with tempfile.TemporaryDirectory() as scratch:
        book_path = Path(scratch) / "segmenter.xlsm"
        book_path.write_bytes(sheets_package(vba_module_version(xlwings_module)))
        with ExcelFile(book_path) as book:
            project = book.add_vba_project()
            project.add_module("xlwings", xlwings_module, kind=VBAModuleKind.standard)
            project.add_module("Dictionary", dictionary, kind=kinds["Dictionary"])
            project.add_module(
                RIBBON_MODULE, _crlf((SOURCES / "Ribbon.bas").read_text(encoding="utf-8")), kind=VBAModuleKind.standard
            )
            project.add_module(UDF_MODULE, stubs, kind=VBAModuleKind.standard)
            book.save()
        packed = finish_package(book_path.read_bytes(), (SOURCES / "customUI14.xml").read_bytes(), XLAM_MAIN)
    output.write_bytes(packed)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the add-in (default: %(default)s)")
    args = parser.parse_args(argv)
    print(build(args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
