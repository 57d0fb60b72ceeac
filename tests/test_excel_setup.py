"""excel_setup and `segmenter setup`: the interpreter Excel starts, and the version check."""

from __future__ import annotations

import csv
import doctest
import os
import subprocess
import sys

import pytest
import xlwings

import excel_setup
from excel_setup import file_vba_version, read_config, run_setup, setup_lines, write_interpreter
from tests.conftest import PROJECT


def test_write_interpreter_adds_the_key_and_keeps_the_other_lines(tmp_path):
    (tmp_path / "xlwings.conf").write_text(
        '"INTERPRETER_WIN","C:\\old\\python.exe"\r\n"CONDA_ENV","base"\r\n', encoding="utf-8"
    )
    path = write_interpreter(tmp_path, r"C:\segmenter\.venv\Scripts\python.exe", "win32")
    assert read_config(path) == [["CONDA_ENV", "base"], ["INTERPRETER_WIN", r"C:\segmenter\.venv\Scripts\python.exe"]]
    # the format xlwings' VBA reads with `Input #f, name, value`: quoted pairs, CRLF
    assert path.read_bytes().endswith(b'"INTERPRETER_WIN","C:\\segmenter\\.venv\\Scripts\\python.exe"\r\n')
    write_interpreter(tmp_path, "/Users/me/segmenter/.venv/bin/python", "darwin")
    keys = [row[0] for row in read_config(path)]
    assert keys == ["CONDA_ENV", "INTERPRETER_WIN", "INTERPRETER_MAC"]
    assert [p.name for p in tmp_path.iterdir()] == ["xlwings.conf"]  # no scratch file left behind


def test_the_committed_workbook_records_the_xlwings_version_of_its_vba_module():
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(PROJECT / "segmenter.xlsm"))
    try:
        source = next(code for _, _, name, code in parser.extract_macros() if name.startswith("xlwings"))
    finally:
        parser.close()
    line = next(line for line in source.splitlines() if "XLWINGS_VERSION As String" in line)
    assert file_vba_version(PROJECT / "segmenter.xlsm") == line.split('"')[1] == xlwings.__version__


def test_setup_lines_say_what_is_wrong_and_how_to_fix_it():
    assert setup_lines(xlwings.__version__)[-1] == "Setup is complete."
    mismatch = setup_lines("0.30.0")
    assert any(line.startswith("! xlwings") and "pip install xlwings==0.30.0" in line for line in mismatch)
    assert any(line.startswith("! this workbook does not say") for line in setup_lines(None))
    assert setup_lines(xlwings.__version__)[0].endswith(sys.executable)


def test_run_setup_writes_beside_the_workbook_and_reports(tmp_path):
    workbook = tmp_path / "segmenter.xlsm"
    workbook.write_bytes((PROJECT / "segmenter.xlsm").read_bytes())
    lines, ok = run_setup(workbook, interpreter=r"C:\py\python.exe", platform_name="win32")
    assert ok, lines
    assert read_config(tmp_path / "xlwings.conf") == [["INTERPRETER_WIN", r"C:\py\python.exe"]]
    lines, ok = run_setup(tmp_path / "missing.xlsm")
    assert not ok and "no workbook" in lines[0]


def test_segmenter_setup_on_the_command_line(tmp_path):
    workbook = tmp_path / "segmenter.xlsm"
    workbook.write_bytes((PROJECT / "segmenter.xlsm").read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    result = subprocess.run(
        [sys.executable, str(PROJECT / "segmenter.py"), "setup", str(workbook)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Setup is complete." in result.stdout
    with (tmp_path / "xlwings.conf").open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [[excel_setup.interpreter_key(), sys.executable]]


def test_doctests_of_the_module_pass():
    assert doctest.testmod(excel_setup).failed == 0


# ------------------------------------------------- the file the VBA reads, where it reads it, and Check setup


def test_xlwings_conf_is_written_in_the_code_page_the_vba_reads(tmp_path):
    # "C:\Users\José Müller\..." : in UTF-8 the VBA (Input #, ANSI code page) would read "JosÃ© MÃ¼ller"
    python = "C:\\Users\\José Müller\\segmenter\\.venv\\Scripts\\python.exe"
    path = write_interpreter(tmp_path, python, "win32")
    assert (
        path.read_bytes()
        == b'"INTERPRETER_WIN","C:\\Users\\Jos\xe9 M\xfcller\\segmenter\\.venv\\Scripts\\python.exe"\r\n'
    )
    assert read_config(path, "cp1252") == [["INTERPRETER_WIN", python]]
    # a line another tool wrote in UTF-8 goes back byte for byte
    path.write_bytes('"PYTHONPATH","C:\\Daten\\Müller"\r\n'.encode() + path.read_bytes())
    write_interpreter(tmp_path, r"C:\py\python.exe", "win32")
    assert path.read_bytes().startswith('"PYTHONPATH","C:\\Daten\\Müller"\r\n'.encode())


def test_a_path_the_code_page_cannot_hold_goes_as_its_short_name_or_is_refused(tmp_path):
    from excel_setup import SetupError, vba_readable

    python = "C:\\Users\\Łukasz\\.venv\\Scripts\\python.exe"
    assert (
        vba_readable(python, "cp1252", short_path=lambda p: "C:\\Users\\UKASZ~1\\.venv\\Scripts\\python.exe")
        == "C:\\Users\\UKASZ~1\\.venv\\Scripts\\python.exe"
    )
    with pytest.raises(SetupError, match=r"\(Ł\).*code page cp1252.*plain name"):
        vba_readable(python, "cp1252", short_path=lambda p: p)  # the volume keeps no 8.3 names
    workbook = tmp_path / "segmenter.xlsm"
    workbook.write_bytes((PROJECT / "segmenter.xlsm").read_bytes())
    lines, ok = run_setup(
        workbook, interpreter=python, platform_name="win32", env={}, home=tmp_path, short_path=lambda p: p
    )
    assert not ok and lines[0].startswith("! the path") and not (tmp_path / "xlwings.conf").exists()
    lines, ok = run_setup(
        workbook,
        interpreter=python,
        platform_name="win32",
        env={},
        home=tmp_path,
        short_path=lambda p: "C:\\Users\\UKASZ~1\\.venv\\Scripts\\python.exe",
    )
    assert ok and "as its short form C:\\Users\\UKASZ~1" in lines[0]


def test_a_workbook_in_a_onedrive_folder_gets_the_per_user_file_and_setup_says_why(tmp_path):
    synced = tmp_path / "OneDrive - Contoso" / "Finance"
    synced.mkdir(parents=True)
    workbook = synced / "segmenter.xlsm"
    workbook.write_bytes((PROJECT / "segmenter.xlsm").read_bytes())
    home = tmp_path / "home"
    lines, ok = run_setup(workbook, interpreter=r"C:\py\python.exe", platform_name="win32", env={}, home=home)
    assert ok, lines
    assert not (synced / "xlwings.conf").exists()
    user = home / ".xlwings" / "xlwings.conf"  # %USERPROFILE%\.xlwings\xlwings.conf, which xlwings' VBA reads last
    assert read_config(user, "cp1252") == [["INTERPRETER_WIN", r"C:\py\python.exe"]]
    assert str(user) in lines[0] and "synced by OneDrive/SharePoint" in lines[0] and "ignores" in lines[0]
    lines, _ = run_setup(
        workbook,
        interpreter=r"C:\py\python.exe",
        platform_name="win32",
        env={"OneDrive": str(tmp_path / "elsewhere")},
        home=home,
    )
    assert "synced by OneDrive/SharePoint" in lines[0]  # the folder's name says it too


def test_setup_lines_name_each_missing_package_with_its_install_command(monkeypatch):
    monkeypatch.setattr(excel_setup, "_installed", lambda name: None if name in ("numpy", "scipy") else "1.0")
    monkeypatch.setattr(excel_setup, "_importable", lambda name: False)
    lines = setup_lines("1.0", interpreter=r"C:\seg\.venv\Scripts\python.exe")
    problems = [line for line in lines if line.startswith("!")]
    assert [line.split(" is missing")[0] for line in problems] == ["! numpy", "! scipy"]
    assert '"C:\\seg\\.venv\\Scripts\\python.exe" -m pip install numpy' in problems[0]
    assert "Setup is complete." not in lines


def test_check_setup_runs_and_names_what_is_missing_with_only_python_and_xlwings(tmp_path):
    # numpy, pandas and scipy cannot be imported in this process: Check setup still answers
    script = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("numpy", "pandas", "scipy", "openpyxl"):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Block())
sys.path.insert(0, {str(PROJECT)!r})
import excel_setup
excel_setup._installed = lambda name: None if name in ("numpy", "pandas", "scipy", "openpyxl") else "0.37.8"
shown = []
class Name:
    name, refers_to = "segmenter_xlwings_vba", '="0.37.8"'
class App:
    def alert(self, text, title=None):
        shown.append(text)
class Book:
    names, app = [Name()], App()
excel_setup.check_setup(Book())
print(shown[0])
print(sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "pandas", "scipy")))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[-1] == "[]"  # nothing of numpy, pandas or scipy was imported
    for name in ("numpy", "pandas", "scipy"):
        assert any(line.startswith(f"! {name} is missing: run ") and f"-m pip install {name}" in line for line in out)


def test_segment_a_table_without_the_warehouse_extra_is_one_sentence_with_its_command(monkeypatch):
    import segmenter
    from tests.conftest import remote_book

    # as on a machine without the extra: the engine modules are imported afresh and find no ibis or duckdb
    engine_modules = [
        n
        for n in sys.modules
        if (n.startswith("warehouse.") and n != "warehouse.sources") or n.split(".")[0] in ("ibis", "duckdb")
    ]
    for name in engine_modules:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ibis", None)  # "import ibis" raises ModuleNotFoundError
    monkeypatch.setitem(sys.modules, "duckdb", None)
    messages = segmenter.segment_table(remote_book({"Sheet1": [["x"]]}))
    assert len(messages) == 1 and "please report" not in messages[0]
    assert messages[0].startswith("segmenter could not run: ")
    assert (
        "need the warehouse extra" in messages[0]
        and '-m pip install -e "' in messages[0]
        and '[warehouse]"  and try again.' in messages[0]
    )


def test_a_missing_spark_is_one_sentence_with_its_command():
    from excel_setup import missing_extra

    text = missing_extra(ModuleNotFoundError("No module named 'pyspark'", name="pyspark"), "python", PROJECT)
    assert text == (
        f"pyspark is not installed: tables beyond one sheet (DuckDB, Spark) need the warehouse extra. "
        f'Install it with  "python" -m pip install -e "{PROJECT}[warehouse]"  and try again.'
    )


def test_spark_missing_behind_the_engine_settings_says_the_same(monkeypatch):
    from core.errors import SegmenterInputError
    from warehouse.sources import require

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(
        SegmenterInputError, match=r"^pyspark is not installed: .* need the warehouse extra\. Install it with"
    ):
        require("pyspark")


def test_check_setup_from_the_add_in_on_a_workbook_of_the_user_finds_the_add_ins_version():
    from excel_setup import ADDIN, addin_vba_version, package_vba_version

    class Books:
        def __getitem__(self, name):
            raise KeyError(name)  # an engine that cannot reach the add-in by name

    class App:
        books = Books()
        shown: list = []

        def alert(self, text, title=None):
            self.shown.append(text)

    class UserBook:  # the user's own workbook: no segmenter_xlwings_vba name
        names: list = []
        app = App()

    assert package_vba_version(ADDIN) == package_vba_version(PROJECT / "segmenter.xlsm") == xlwings.__version__
    assert addin_vba_version(UserBook()) == xlwings.__version__
    (message,) = excel_setup.check_setup(UserBook())
    assert message.endswith("Setup is complete.") and f"the workbook's VBA module: {xlwings.__version__}" in message
