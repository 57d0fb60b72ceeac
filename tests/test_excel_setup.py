"""excel_setup and `segmenter setup`: the interpreter Excel starts, and the version check."""
from __future__ import annotations

import csv
import doctest
import os
import subprocess
import sys

import xlwings

import excel_setup
from excel_setup import file_vba_version, read_config, run_setup, setup_lines, write_interpreter
from tests.conftest import PROJECT


def test_write_interpreter_adds_the_key_and_keeps_the_other_lines(tmp_path):
    (tmp_path / "xlwings.conf").write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\r\n"CONDA_ENV","base"\r\n',
                                          encoding="utf-8")
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
    result = subprocess.run([sys.executable, str(PROJECT / "segmenter.py"), "setup", str(workbook)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Setup is complete." in result.stdout
    with (tmp_path / "xlwings.conf").open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [[excel_setup.interpreter_key(), sys.executable]]


def test_doctests_of_the_module_pass():
    assert doctest.testmod(excel_setup).failed == 0
