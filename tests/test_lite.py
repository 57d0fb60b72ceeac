"""The xlwings Lite edition (lite/lite_edition.py, which lite/main.py carries) against the
classic add-in, function by function.

Lite side: xlwings' own Lite call path, ``custom_functions_call`` and ``custom_scripts_call`` of
xlwings.server, on lite/main.py, with arguments shaped as Office.js and Pyodide hand them over
(2-D lists, dates as Excel serial numbers, whole numbers as int, blanks as None).

Classic side: the udfs functions decorated by classic xlwings' own decorators (xlwings.udfs,
imported with pywin32 stubbed), called through the conversion steps of xlwings.udfs.call_udf
with values shaped as Excel's COM hands them over (tuples of tuples, a scalar for one cell,
numbers as float, dates as datetime).

Each function runs on the bundled sample data, on messy ranges and on CDNOW, and both grids
must agree cell by cell, error texts included.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import importlib.util
import inspect
import json
import math
import pkgutil
import re
import sys
import types
from pathlib import Path
from unittest import mock

import pytest
import xlwings as xw
from xlwings import conversion, server

import segmenter
import udfs
from app.ribbon import LAST_RANGE_NAME
from tests.conftest import PROJECT, actions, remote_book

# what lite/main.py carries and imports everything from (tests/test_lite_bundle.py runs main.py itself)
LITE_MAIN = PROJECT / "lite" / "lite_edition.py"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def _load_lite():
    spec = importlib.util.spec_from_file_location("segmenter_lite", LITE_MAIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LITE = _load_lite()


def _classic_edition() -> dict[str, types.FunctionType]:
    """Every udfs function as classic xlwings decorates it (the Windows ImportPythonUDFs path)."""
    stubs = {
        "pythoncom": types.ModuleType("pythoncom"),
        "pywintypes": types.ModuleType("pywintypes"),
        "win32com": types.ModuleType("win32com"),
        "win32com.client": types.ModuleType("win32com.client"),
    }
    stubs["pythoncom"].CoInitialize = lambda: None
    stubs["win32com.client"].Dispatch = None
    with mock.patch.dict(sys.modules, stubs):
        sys.modules.pop("xlwings.udfs", None)
        classic = importlib.import_module("xlwings.udfs")
    functions = {}
    with mock.patch.multiple(xw, func=classic.xlfunc, arg=classic.xlarg, ret=classic.xlret):
        for info in pkgutil.iter_modules(udfs.__path__):
            if info.name.startswith("_"):
                continue
            path = Path(udfs.__path__[0]) / f"{info.name}.py"
            spec = importlib.util.spec_from_file_location(f"classic_udfs_{info.name}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            functions.update(
                {
                    name: obj
                    for name, obj in vars(module).items()
                    if hasattr(obj, "__xlfunc__") and obj.__module__ == module.__name__
                }
            )
    return functions


CLASSIC = _classic_edition()


# ---------------------------------------------------------------- how each edition receives cells


def _serial(value: dt.datetime) -> float:
    return (value - EXCEL_EPOCH) / dt.timedelta(days=1)


def lite_cells(cells):
    """Office.js through Pyodide: always 2-D lists; dates are serial numbers; whole numbers are int."""
    if not isinstance(cells, list):
        cells = [[cells]]

    def one(value):
        if isinstance(value, dt.datetime):
            value = _serial(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    return [[one(v) for v in row] for row in cells]


def script_cells(cells):
    """A sheet as xlwings' Office.js client sends it to a script: dates as ISO text, which the
    remote engine turns back into datetime."""
    return lite_cells(
        [
            [v.isoformat(timespec="milliseconds") + "Z" if isinstance(v, dt.datetime) else v for v in row]
            for row in cells
        ]
    )


def classic_cells(cells):
    """Excel's COM: a range is a tuple of row tuples, one cell a scalar; numbers are float."""
    if not isinstance(cells, list):
        return cells
    rows = tuple(tuple(float(v) if isinstance(v, int) else v for v in row) for row in cells)
    return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows


def call_lite(func_name: str, *args):
    payload = {
        "func_name": func_name,
        "args": [lite_cells(a) for a in args],
        "caller_address": "Sheet1!Z1",
        "version": xw.__version__,
        "runtime": "1.4",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
    }
    result = server.custom_functions_call(payload, LITE)
    return asyncio.run(result) if inspect.iscoroutine(result) else result


def call_classic(func_name: str, *args):
    """What xlwings.udfs.call_udf does with the arguments and the result of a worksheet function.

    call_udf names the Windows engine ("excel"), which only exists on Windows; the "raw"
    converters that segmenter's functions use never consult the engine, so "remote" stands in.
    """
    from tests.fake_com import install_pywin32

    install_pywin32()  # a classic function hands Excel an error value as pywin32's VARIANT
    func = CLASSIC[func_name]
    info = func.__xlfunc__
    assert {a["options"].get("convert") for a in info["args"]} | {info["ret"]["options"].get("convert")} == {"raw"}
    converted = [
        conversion.read(None, classic_cells(a), info["args"][i]["options"], engine_name="remote")
        for i, a in enumerate(args)
    ]
    return conversion.write(func(*converted), None, info["ret"]["options"], engine_name="remote")


def grid(result) -> list[list]:
    """What Excel shows: a scalar is one cell, rows of any sequence are rows."""
    if isinstance(result, (list, tuple)):
        return [list(row) if isinstance(row, (list, tuple)) else [row] for row in result]
    return [[result]]


def same_error(lite, classic) -> bool:
    """A Lite error object ({"type": "Error", "errorType": "Value"}) and the classic VT_ERROR VARIANT
    of the same Excel error value."""
    from tests.fake_com import CVERR_BASE, ERROR_CODES, VT_ERROR

    names = {"Value": "#VALUE!", "NotAvailable": "#N/A"}
    return (
        isinstance(lite, dict)
        and getattr(classic, "varianttype", None) == VT_ERROR
        and ERROR_CODES.get(names.get(lite.get("errorType"))) == classic.value - CVERR_BASE
    )


def assert_same_cells(lite_result, classic_result):
    lite_grid, classic_grid = grid(lite_result), grid(classic_result)
    assert len(lite_grid) == len(classic_grid)
    for r, (lite_row, classic_row) in enumerate(zip(lite_grid, classic_grid)):
        assert len(lite_row) == len(classic_row), f"row {r}"
        for c, (a, b) in enumerate(zip(lite_row, classic_row)):
            same = (
                (a == b)
                or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
                or same_error(a, b)
            )
            assert same, f"cell ({r}, {c}): Lite {a!r} vs classic {b!r}"


# ---------------------------------------------------------------- the data: as the cells of a sheet


def _cell(text: str):
    """A CSV field as Excel holds it after opening the file: number, date, text or blank."""
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return text


def _sheet(path: Path) -> list[list]:
    import csv

    with path.open(newline="") as handle:
        return [[_cell(v) for v in row] for row in csv.reader(handle)]


ACCOUNTS = _sheet(PROJECT / "core" / "data" / "sample_accounts.csv")
PERIODS = _sheet(PROJECT / "core" / "data" / "sample_accounts_periods.csv")


def column(sheet: list[list], header: str) -> list[list]:
    j = sheet[0].index(header)
    return [[row[j]] for row in sheet]


def without(sheet: list[list], header: str) -> list[list]:
    j = sheet[0].index(header)
    return [row[:j] + row[j + 1 :] for row in sheet]


# A function sees a date cell as its serial number in Lite (test_dates_reach_lite_functions_as_serials)
ACCOUNTS_UNDATED = without(ACCOUNTS, "First purchase")


# Fader, Hardie & Shang's donation data (tests/customers/data/donations.csv): x, t_x, n, donors as columns
DONATIONS = [
    [[float(v)] for v in values]
    for values in zip(
        *(
            line.split(",")
            for line in (Path(__file__).parent / "customers" / "data" / "donations.csv").read_text().split()[1:]
        )
    )
]

MESSY_ACCOUNTS = [
    ["Client", "Sales (USD)", "Gross profit", "Likelihood to recommend", "Size"],
    ["Acme", 50000.0, 10000.0, 3.0, "Large"],
    [None, None, None, None, None],
    ["Beta", "1,200.50", "(300)", 9.0, "Small"],
    ["Cora", "$1.2k", 100.0, "n/a", "Small"],
    ["Dune", -500.0, 20.0, 11.0, "Large"],
    ["Echo", 0.0, 5.0, 10.0, "Small"],
    ["Acme", 20000.0, "=1+1", 7.0, "Large"],
    ["Fox", "#N/A", 1.0, 0.0, "Small"],
    ["Gale", 15000.0, None, 10.0, "Large"],
]
MESSY_TRANSACTIONS = [
    ["Client ID", "Invoice date", "Net sales", "Gross profit"],
    ["a", dt.datetime(2024, 1, 5), 100.0, 30.0],
    ["a", dt.datetime(2024, 3, 1), -20.0, -5.0],
    ["b", "2024-02-10", 50.0, 10.0],
    ["c", "03/04/2024", 70.0, 7.0],
]


def _cdnow_cells(path: Path) -> list[list]:
    rows = [["Customer", "Date", "Quantity", "Amount"]]
    for line in path.read_text().splitlines():
        customer, _, day, quantity, amount = line.split()
        rows.append([float(customer), dt.datetime.strptime(day, "%Y%m%d"), float(quantity), float(amount)])
    return rows


# (function, arguments) for every worksheet function; CDNOW cases are added by the fixture below.
CASES = [
    ("segment_tier", (ACCOUNTS,)),
    ("segment_tier", (ACCOUNTS, "computed")),
    ("segment_tier", (ACCOUNTS, "threshold", "100000,20000")),
    ("segment_tier", (MESSY_ACCOUNTS,)),
    ("segment_tier", (ACCOUNTS, "biggest")),
    ("segment_margin", (ACCOUNTS,)),
    ("segment_margin", (MESSY_ACCOUNTS,)),
    ("segment_strategy", (ACCOUNTS,)),
    ("segment_strategy", (MESSY_ACCOUNTS, 10000.0, "25%")),
    ("segment_summary", (ACCOUNTS_UNDATED,)),
    ("segment_summary", (ACCOUNTS_UNDATED, "Industry", "rank")),
    ("segment_summary", (MESSY_ACCOUNTS, "Region")),
    ("segment_issues", (ACCOUNTS_UNDATED,)),
    ("segment_issues", (MESSY_ACCOUNTS,)),
    ("concentration", (column(ACCOUNTS, "Revenue"),)),
    ("concentration", (column(ACCOUNTS, "Revenue"), 10.0)),
    ("concentration", (column(MESSY_ACCOUNTS, "Sales (USD)"),)),
    ("accounts_for_share", (column(ACCOUNTS, "Revenue"), 0.5)),
    ("hhi", (column(ACCOUNTS, "Revenue"),)),
    ("hhi", ([[None]],)),
    ("gini", (column(ACCOUNTS, "Revenue"),)),
    ("nps", (column(ACCOUNTS, "NPS"),)),
    ("nps", (column(MESSY_ACCOUNTS, "Likelihood to recommend"),)),
    ("nps_by", (column(ACCOUNTS, "NPS"), column(ACCOUNTS, "Size"))),
    ("nps_gap", (column(ACCOUNTS, "NPS"), column(ACCOUNTS, "Size"), "Small", "Large")),
    ("nps_gap", (column(ACCOUNTS, "NPS"), column(ACCOUNTS, "Size"))),
    ("nps_gap", (column(ACCOUNTS, "NPS"), column(ACCOUNTS, "Region"))),
    ("cltv", (1000.0, 0.8)),
    ("cltv", (column(ACCOUNTS, "Profit")[1:], 0.8, 0.12)),
    ("cltv", (1000.0, None)),
    ("segment_why", ("SEGMENT_TIER", MESSY_ACCOUNTS)),
    ("segment_why", ("cltv", 1000.0, None)),
    ("segment_growth", (PERIODS,)),
    ("segment_growth", (PERIODS, "10%")),
    ("segment_growth", (ACCOUNTS,)),
    ("tier_migration", (PERIODS,)),
    ("tier_migration", (PERIODS, "revenue", "rank")),
    ("rfm_segment", (MESSY_TRANSACTIONS,)),
    ("customer_summary", (MESSY_TRANSACTIONS[:4],)),
    ("cltv_model", (MESSY_TRANSACTIONS[:4],)),
    ("whale_curve", (ACCOUNTS,)),
    ("whale_curve", (MESSY_ACCOUNTS,)),
    ("segment_findings", (ACCOUNTS_UNDATED,)),  # dated cells reach Lite as serials: one more Data issues line
    ("segment_findings", (MESSY_ACCOUNTS,)),
    ("survey_match", (column(ACCOUNTS, "Account"), [["Company"], ["c1001 "], ["Nobody Ltd"]], True)),
    ("revenue_bridge", (column(PERIODS, "Revenue 2024"), column(PERIODS, "Revenue 2025"))),
    ("retention_fit", ([["Active"], [1000.0], [869.0], [743.0], [653.0]],)),
    ("retention_fit", ([["Active"], [1000.0], [1100.0], [743.0]],)),
    ("retention_project", (0.668, 3.806, 5.0)),
    ("bgbb_fit", tuple(DONATIONS)),
    ("clv_range", (MESSY_TRANSACTIONS,)),
]


def _case_id(case) -> str:
    name, args = case
    return f"{name}-{len(grid(args[0]))}x{len(grid(args[0])[0])}-{len(args)}args"


def test_every_worksheet_function_has_a_case():
    assert {name for name, _ in CASES} == set(udfs.__all__)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_lite_and_classic_agree_cell_by_cell(case):
    name, args = case
    assert_same_cells(call_lite(name, *args), call_classic(name, *args))


@pytest.fixture(scope="module")
def cdnow_cells(cdnow_file) -> list[list]:
    return _cdnow_cells(cdnow_file)


@pytest.mark.parametrize("name", ["rfm_segment", "customer_summary", "cltv_model"])
def test_lite_and_classic_agree_on_cdnow(cdnow_cells, name):
    lite_result = call_lite(name, cdnow_cells)
    assert len(lite_result) == 2_357 + 1  # one row per CDNOW customer, under the header
    assert_same_cells(lite_result, call_classic(name, cdnow_cells))


def test_messy_ranges_give_error_values_and_readable_reasons_in_both_editions():
    # the reasons checked here are the ones a user reads (SEGMENT_WHY); the parametrized test holds both editions equal
    value_error = {"type": "Error", "errorType": "Value"}
    assert call_lite("segment_tier", ACCOUNTS, "biggest") == value_error
    assert call_lite("segment_why", "SEGMENT_TIER", ACCOUNTS, "biggest").startswith("segmenter: ")
    assert call_lite("hhi", [[None]]) == value_error
    rows = grid(call_lite("segment_tier", MESSY_ACCOUNTS))
    assert rows[4] == [value_error] and rows[2] == [""]
    assert grid(call_lite("segment_why", "SEGMENT_TIER", MESSY_ACCOUNTS))[4][0].startswith(
        "range row 5, Sales (USD): '$1.2k'"
    )
    assert call_lite("cltv_model", MESSY_TRANSACTIONS) == value_error
    assert call_lite("segment_why", "CLTV_MODEL", MESSY_TRANSACTIONS).startswith("segmenter: range row 5")


def test_dates_reach_lite_functions_as_serials_and_are_noted_as_read_as_dates():
    # Excel hands a custom function (Lite) a date cell as its serial number, without its format;
    # classic xlwings gets a datetime. Every figure is the same; SEGMENT_ISSUES adds the note that
    # the numbers were read as Excel dates, and the summary's issue count includes it.
    lite_issues, classic_issues = (
        grid(call_lite("segment_issues", ACCOUNTS)),
        grid(call_classic("segment_issues", ACCOUNTS)),
    )
    notes = [row for row in lite_issues if row not in classic_issues]
    assert notes and all(row[1] == "First purchase" and row[3] == "coerced" for row in notes)
    assert "number read as the Excel date 2018-11-01" in notes[0][4]  # C1001's first purchase, sheet row 2
    assert [row for row in lite_issues if row not in notes] == classic_issues
    for name in ("segment_tier", "segment_margin", "segment_strategy"):
        assert_same_cells(call_lite(name, ACCOUNTS), call_classic(name, ACCOUNTS))
    lite_summary, classic_summary = (
        grid(call_lite("segment_summary", ACCOUNTS)),
        grid(call_classic("segment_summary", ACCOUNTS)),
    )
    assert lite_summary[:-1] == classic_summary[:-1]
    assert classic_summary[-1][0] == f"{len(classic_issues) - 1} data issue(s): see SEGMENT_ISSUES"
    assert lite_summary[-1][0] == f"{len(classic_issues) - 1 + len(notes)} data issue(s): see SEGMENT_ISSUES"


# ---------------------------------------------------------------- names, arguments, docs


def test_lite_registers_exactly_the_classic_functions():
    meta = server.custom_functions_meta(LITE)["functions"]
    assert sorted(f["name"] for f in meta) == sorted(name.upper() for name in CLASSIC)
    assert set(CLASSIC) == set(udfs.__all__)


@pytest.mark.parametrize("name", sorted(udfs.__all__))
def test_names_arguments_defaults_and_docs_are_the_classic_ones(name):
    lite_meta = next(f for f in server.custom_functions_meta(LITE)["functions"] if f["id"] == name.upper())
    classic = CLASSIC[name].__xlfunc__
    assert lite_meta["name"] == classic["name"].upper()
    assert lite_meta["description"] == classic["ret"]["doc"]
    assert [p["name"] for p in lite_meta["parameters"]] == [a["name"] for a in classic["args"]]
    assert [p["description"] for p in lite_meta["parameters"]] == [a["doc"] for a in classic["args"]]
    assert [p.get("optional", False) for p in lite_meta["parameters"]] == ["optional" in a for a in classic["args"]]
    lite_args = getattr(LITE, name).__xlfunc__["args"]
    assert [a.get("optional") for a in lite_args] == [a.get("optional") for a in classic["args"]]
    assert [a["options"] for a in lite_args] == [a["options"] for a in classic["args"]]


# ---------------------------------------------------------------- scripts: the ribbon actions


def run_script(name: str, book):
    """A Lite script the way xlwings Lite runs it: custom_scripts_call with the book injected."""
    return asyncio.run(server.custom_scripts_call(LITE, name, typehint_to_value={xw.Book: book}))


def test_lite_has_one_script_per_ribbon_action():
    scripts = {s["function_name"]: s["name"] for s in server.custom_scripts_meta(LITE)}
    # desktop only: check_setup (local Python, VBA), segment_table (DuckDB and Spark are not in Pyodide)
    assert set(scripts) == set(segmenter.RIBBON_ACTIONS) - {"check_setup", "segment_table"}
    assert scripts["segment_selection"] == "Segment selection"
    assert scripts["customer_report"] == "Customers from transactions"


def _lite_and_ribbon_actions(name: str, sheets, **kwargs) -> tuple[list, list]:
    """The writes of a Lite script and of its ribbon action, each on a fresh copy of the same book.

    Each book is made right before its run: the remote engine sends message boxes to the
    active (latest) book.
    """
    lite_book = remote_book(copy.deepcopy(sheets), **copy.deepcopy(kwargs))
    assert run_script(name, lite_book) is lite_book
    lite_actions = _unstamped(actions(lite_book))
    ribbon_book = remote_book(copy.deepcopy(sheets), **copy.deepcopy(kwargs))
    segmenter.ribbon(name, ribbon_book)
    return lite_actions, _unstamped(actions(ribbon_book))


def _unstamped(writes: list) -> list:
    """The writes with each sheet's "run YYYY-MM-DD HH:MM" time left out (two runs may straddle a minute)."""
    return json.loads(re.sub(r"run \d{4}-\d{2}-\d{2} \d{2}:\d{2}", "run (time)", json.dumps(writes, default=str)))


def _added(writes: list) -> list[str]:
    return [a["args"][1] for a in writes if a["func"] == "addSheet"]


def test_segment_selection_script_writes_the_ribbon_actions_sheets():
    lite, ribbon = _lite_and_ribbon_actions("segment_selection", {"Accounts": script_cells(ACCOUNTS)}, selection="B3")
    assert lite == ribbon
    added = _added(lite)
    assert added[0] == "Overview" and added[-1] == "Chart data"
    assert {"Segments", "Tier summary", "Concentration", "NPS", "Matrix", "Data issues"} <= set(added)
    # the first-purchase dates (ISO text from Office.js) were read as dates: no date issue anywhere
    written = str([a["values"] for a in lite if a["func"] == "setValues"])
    assert "First purchase" in written and "not a date" not in written and "read as the date" not in written


def test_segment_selection_script_on_messy_accounts_writes_the_same_issues():
    lite, ribbon = _lite_and_ribbon_actions(
        "segment_selection", {"Accounts": script_cells(MESSY_ACCOUNTS)}, selection="A1"
    )
    assert lite == ribbon
    assert "Data issues" in _added(lite)


def test_refresh_script_reruns_on_the_remembered_range():
    names = [
        {
            "name": LAST_RANGE_NAME,
            "sheet_index": 0,
            "address": "$A$1:$H$401",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
    ]
    lite, ribbon = _lite_and_ribbon_actions(
        "refresh", {"Accounts": script_cells(ACCOUNTS)}, selection="A1", names=names
    )
    assert lite == ribbon
    assert "Segments" in _added(lite)


def test_customer_report_script_on_cdnow_writes_the_ribbon_actions_sheets(cdnow_cells):
    lite, ribbon = _lite_and_ribbon_actions("customer_report", {"Orders": script_cells(cdnow_cells)}, selection="A1")
    assert lite == ribbon
    assert _added(lite)[:5] == ["Overview", "Accounts to call", "Customers", "RFM", "Lifetime value"]


@pytest.mark.parametrize("name", ["show_settings", "show_issues"])
def test_settings_and_issues_scripts_do_what_the_buttons_do(name):
    lite, ribbon = _lite_and_ribbon_actions(name, {"Accounts": script_cells(ACCOUNTS)}, selection="A1")
    assert lite == ribbon and lite
