"""Shared fixtures: the team's real data, and xlwings' test stand-ins for Excel.

xlwings.server's custom_functions_call runs a worksheet function through the same decorators
and converters as Excel's calls; xw.Book(json=...) is xlwings' remote engine, which records
every write. Both are xlwings PRO code under its noncommercial licence: tests only. The product
itself never sets these variables (tests/test_segmenter.py checks it runs without them).
"""

from __future__ import annotations

import asyncio
import inspect
import os
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import xlwings as xw  # noqa: E402
from hypothesis import settings  # noqa: E402

# property tests check numbers, not speed: no per-example deadline on a busy CI machine. The suite
# draws the same examples on every run (derandomize), so that CI passes or fails on the code, not on
# the draw; ``pytest --hypothesis-profile=explore`` draws new ones (how the d = 1 and c = 42 cases of
# tests/customers/test_pareto_nbd.py were found: they are kept there as examples)
settings.register_profile("segmenter", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None)
settings.load_profile("segmenter")

SHARED_DATA = Path(os.environ.get("SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
PROJECT = Path(__file__).resolve().parents[1]
# the corpus generators write their files when imported: --doctest-modules must not import them
# (a suite run rewrote the committed held-out workbooks); tests/test_*corpus*.py run them into tmp_path
collect_ignore_glob = ["corpus/*"]


@pytest.fixture(scope="session")
def cdnow_file() -> Path:
    """The CDNOW sample (Fader, Hardie & Lee): 6,919 purchases by 2,357 customers, 1997-01 to 1998-06."""
    path = SHARED_DATA / "CDNOW_sample.txt"
    if not path.exists():
        pytest.skip(f"CDNOW sample not found at {path} (CI has ../shared/data beside the clone)")
    return path


@pytest.fixture(scope="session")
def cdnow_raw(cdnow_file: Path) -> pd.DataFrame:
    """The CDNOW sample as read straight from the file, one row per purchase line.

    Columns customer (int, so "00004" is 4), sample_id, date (datetime64), quantity (CDs) and
    amount (dollars). One frame serves the whole session: select or ``assign`` from it, never
    change it in place.
    """
    raw = pd.read_csv(
        cdnow_file,
        sep=r"\s+",
        header=None,
        names=["customer", "sample_id", "date", "quantity", "amount"],
        dtype={"date": str},
    )
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw


def call_udf(func_name: str, *args, caller: str = "Sheet1!Z1"):
    """Call a worksheet function the way Excel's call arrives at xlwings (raw payload in, value out)."""
    from xlwings import server

    import udfs

    payload = {
        "func_name": func_name,
        "args": list(args),
        "caller_address": caller,
        "version": xw.__version__,
        "runtime": "1.4",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
    }
    result = server.custom_functions_call(payload, udfs)
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    if isinstance(result, (list, tuple)):
        # a 2-D result may come as rows of tuples (cheaper to build); Excel sees the same array
        result = [list(row) if isinstance(row, (list, tuple)) else row for row in result]
    return result


def remote_book(sheets: dict[str, list[list]], *, selection: str = "A1", active: int = 0, names=None):
    """An xlwings Book on the remote engine: reads come from ``sheets``, writes are recorded."""
    payload = {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "segmenter.xlsm", "active_sheet_index": active, "selection": selection},
        "names": names or [],
        "sheets": [{"name": name, "pictures": [], "tables": [], "values": values} for name, values in sheets.items()],
    }
    return xw.Book(json=payload)


def actions(book) -> list[dict]:
    return book.json()["actions"]


def convert_with_libreoffice(path: Path, target: str, out_dir: Path, infilter: str | None = None) -> Path:
    """Convert a workbook with LibreOffice headless ("pdf", "ods"); skip when it is not installed.
    ``infilter`` names the import filter for a file LibreOffice does not know by its extension (.xlam)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; ./run test installs it with apt when run as root")
    profile = out_dir / "lo-profile"
    completed = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    converted = out_dir / f"{path.stem}.{target}"
    assert converted.exists(), completed.stdout + completed.stderr
    return converted


VALUE_ERROR = {"type": "Error", "errorType": "Value"}
NA_ERROR = {"type": "Error", "errorType": "NotAvailable"}


def has_error_value(result) -> bool:
    """Whether a function's result (through the Office.js path) is or holds an Excel error value."""
    if isinstance(result, list):
        return any(has_error_value(row) for row in result)
    return isinstance(result, dict) and result.get("type") == "Error"


def udf_reason(func_name: str, *args):
    """What SEGMENT_WHY says about ``func_name(*args)``, after checking that the call itself shows
    an Excel error value (the whole result, or some of its cells)."""
    assert has_error_value(call_udf(func_name, *args)), func_name
    return call_udf("segment_why", func_name, *args)
