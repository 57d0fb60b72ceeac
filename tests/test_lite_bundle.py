"""The Lite edition that installs with nothing hosted: lite/main.py carries segmenter's packages
inside itself, lite/requirements.txt holds no address to edit, and main.py, loaded as Lite loads
it in a fresh Python that has only numpy, pandas, scipy and xlwings (segmenter's folder NOT on
sys.path), runs every worksheet function and every script through xlwings' Lite call path
(``custom_functions_call`` / ``custom_scripts_call``). A Lite that lacks autofit, charts,
conditional formats or freeze panes still writes every sheet and says what it left out."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.test_lite_wheel import clean_env
from tests.test_udfs_transactions import _realistic

sys.path.insert(0, str(PROJECT / "scripts"))
try:
    import build_lite
finally:
    sys.path.remove(str(PROJECT / "scripts"))

MAIN = PROJECT / "lite" / "main.py"
REQUIREMENTS = PROJECT / "lite" / "requirements.txt"

ACCOUNTS = [
    ["Account", "Revenue", "Profit", "NPS", "Size"],
    ["Acme", 50, 10, 9, "Large"],
    ["Beta", 20, 6, 3, "Small"],
    ["Cora", 15, -1.5, 10, "Small"],
    ["Dune", 10, 1, 7, "Large"],
    ["Echo", 5, 2.5, 8, "Small"],
]
PERIODS = [
    ["Account", "Revenue 2024", "Revenue 2025"],
    ["Acme", 40, 50],
    ["Beta", 30, 20],
    ["Cora", 10, 15],
    ["Dune", 0, 10],
]
TRANSACTIONS = _realistic(60)


def column(rows, index):
    return [[row[index]] for row in rows]


# Arguments per function; a function added later without a line here is called on ACCOUNTS.
CALLS = {
    "concentration": [column(ACCOUNTS, 1)],
    "accounts_for_share": [column(ACCOUNTS, 1)],
    "hhi": [column(ACCOUNTS, 1)],
    "gini": [column(ACCOUNTS, 1)],
    "nps": [column(ACCOUNTS, 3)],
    "nps_by": [column(ACCOUNTS, 3), column(ACCOUNTS, 4)],
    "nps_gap": [column(ACCOUNTS, 3), column(ACCOUNTS, 4)],
    "cltv": [column(ACCOUNTS, 2), 0.8],
    "segment_growth": [PERIODS],
    "tier_migration": [PERIODS],
    "rfm_segment": [TRANSACTIONS],
    "customer_summary": [TRANSACTIONS],
    "cltv_model": [TRANSACTIONS, 52],
    "segment_why": ["HHI", column(ACCOUNTS, 1)],
}

CLEAN_RUN = textwrap.dedent("""
    import asyncio, importlib.util, json, os, sys
    os.environ["XLWINGS_ON_SERVER"] = "true"            # as xlwings Lite runs it
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # xlwings.server below stands in for Lite
    main_py, calls_json = sys.argv[1], sys.argv[2]
    calls, accounts, transactions = json.loads(open(calls_json).read())
    spec = importlib.util.spec_from_file_location("main", main_py)
    main = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(main)
    import segmenter, udfs, segmenter_lite
    import xlwings as xw
    from xlwings import server

    def call(name, args):
        payload = {"func_name": name, "args": args, "caller_address": "Sheet1!Z1", "version": xw.__version__,
                   "client": "Office.js", "runtime": "1.4", "culture_info_name": "en-US", "date_format": "M/d/yyyy"}
        return asyncio.run(server.custom_functions_call(payload, main))

    def book(sheets, selection="A1"):
        return xw.Book(json={"client": "Office.js", "version": xw.__version__, "names": [],
                             "book": {"name": "Book1.xlsx", "active_sheet_index": 0, "selection": selection},
                             "sheets": [{"name": n, "pictures": [], "tables": [], "values": v} for n, v in sheets.items()]})

    def run(script, b):
        asyncio.run(server.custom_scripts_call(main, script, typehint_to_value={xw.Book: b}))
        return b.json()["actions"]

    functions = {}
    for name in udfs.__all__:
        result = call(name, calls.get(name, [accounts]))
        functions[name] = json.loads(json.dumps(result, default=repr))
    scripts = {}
    for meta in server.custom_scripts_meta(main):
        script = meta["function_name"]
        sheets = {"Orders": transactions} if script == "customer_report" else {"Accounts": accounts}
        done = run(script, book(sheets))
        scripts[script] = {"added": [a["args"][1] for a in done if a["func"] == "addSheet"],
                           "alerts": [a["args"] for a in done if a["func"] == "alert"]}
    # a Lite without autofit and charts: the sheets are still written, and the script says what it left out
    from xlwings.pro import _xlremote
    def lacking(*args, **kwargs):
        raise NotImplementedError("not in this Lite")
    _xlremote.Sheet.autofit = lacking
    _xlremote.Charts.add = lacking
    done = run("segment_selection", book({"Accounts": accounts}))
    gaps = {"added": [a["args"][1] for a in done if a["func"] == "addSheet"],
            "alerts": [a["args"] for a in done if a["func"] == "alert"]}
    print(json.dumps({"functions": functions, "scripts": scripts, "gaps": gaps,
                      "from": {m: sys.modules[m].__file__ for m in ("segmenter", "udfs", "core", "segmenter_lite")},
                      "path0": sys.path[0],
                      "foreign": sorted(m for m in ("openpyxl", "pyarrow", "python_calamine", "duckdb", "ibis",
                                                    "pythoncom", "appscript") if m in sys.modules)}))
""")  # noqa: E501


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory) -> dict:
    """main.py run in a venv holding only numpy, pandas, scipy (and what they need) and xlwings."""
    tmp = tmp_path_factory.mktemp("lite")
    python = clean_env(tmp / "clean")
    calls = tmp / "calls.json"
    calls.write_text(json.dumps([CALLS, ACCOUNTS, TRANSACTIONS]))
    workdir = tmp / "work"  # not segmenter's folder: nothing of it on sys.path
    workdir.mkdir()
    done = subprocess.run(
        [str(python), "-c", CLEAN_RUN, str(MAIN), str(calls)],
        capture_output=True,
        text=True,
        cwd=workdir,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]) | {"tmp": str(tmp)}


def test_the_committed_files_are_what_run_lite_writes(tmp_path):
    build_lite.build(tmp_path)
    assert (tmp_path / "main.py").read_bytes() == MAIN.read_bytes(), "run  ./run lite  and commit lite/"
    assert (tmp_path / "requirements.txt").read_bytes() == REQUIREMENTS.read_bytes()


def test_requirements_hold_no_address_and_only_what_lite_installs_from_pyodide():
    lines = REQUIREMENTS.read_text().split()
    assert lines == ["xlwings==0.37.8", "numpy", "pandas", "scipy"]
    text = MAIN.read_text() + REQUIREMENTS.read_text()
    assert not re.search(r"https?://|YOUR-HOST", text)
    assert "segmenter" not in lines  # the PyPI name segmenter is another project


def test_main_carries_every_module_segmenter_needs():
    names = set(build_lite.bundle_files())
    assert {"segmenter.py", "segmenter_lite.py", "udfs/__init__.py", "udfs/_edge.py", "core/__init__.py"} <= names
    assert not [n for n in names if n.startswith(("tests/", "lite/", "scripts/"))]


def test_every_function_runs_in_a_python_with_only_numpy_pandas_scipy_and_xlwings(clean_run):
    import udfs

    assert set(clean_run["functions"]) == set(udfs.__all__)
    for name, result in clean_run["functions"].items():
        if name in CALLS or name in (
            "segment_tier",
            "segment_margin",
            "segment_strategy",
            "segment_summary",
            "segment_issues",
            "whale_curve",
            "segment_findings",
        ):
            assert "'type': 'Error'" not in str(result) or name == "segment_margin", (name, result)
    assert clean_run["functions"]["segment_tier"] == [["Tier"], ["A"], ["A"], ["A"], ["B"], ["C"]]
    assert clean_run["functions"]["hhi"] == pytest.approx(3250.0)
    assert clean_run["functions"]["segment_why"] == "no error: 3250.0"
    assert len(clean_run["functions"]["cltv_model"]) == 61  # header + 60 customers


def test_segmenter_came_from_main_py_not_from_its_folder(clean_run):
    folder = clean_run["path0"]
    assert folder.startswith(clean_run["tmp"]) and Path(folder).name.startswith("segmenter-")
    assert all(path.startswith(folder) for path in clean_run["from"].values()), clean_run["from"]
    assert str(PROJECT) not in json.dumps(clean_run["from"])
    assert clean_run["foreign"] == []


def test_every_script_runs_and_segment_selection_writes_the_sheets(clean_run):
    import segmenter

    assert set(clean_run["scripts"]) == set(segmenter.RIBBON_ACTIONS) - {"check_setup", "segment_table"}
    added = clean_run["scripts"]["segment_selection"]["added"]
    assert added[0] == "Overview" and {"Segments", "Data issues"} <= set(added)
    assert {"Customers", "RFM", "Lifetime value"} <= set(clean_run["scripts"]["customer_report"]["added"])
    assert "Settings" in clean_run["scripts"]["show_settings"]["added"]


def test_a_lite_without_autofit_or_charts_writes_every_sheet_and_says_what_it_left_out(clean_run):
    gaps = clean_run["gaps"]
    assert gaps["added"] == clean_run["scripts"]["segment_selection"]["added"]
    (alert,) = [a for a in gaps["alerts"] if "could not add" in str(a)]
    assert "column widths fitted to their contents" in str(alert) and "the charts" in str(alert)
    assert not [a for a in clean_run["scripts"]["segment_selection"]["alerts"] if "could not add" in str(a)]
