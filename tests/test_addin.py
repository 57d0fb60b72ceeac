"""segmenter.xlam, the add-in: built reproducibly from workbook/ and udfs/, one VBA function per
worksheet function (compared with what xlwings' own ImportPythonUDFsToAddin generator writes from
the classic @xw.func decorators), the ribbon's callback, xlwings' custom add-in module acting on
the active workbook, and opened by LibreOffice; ``segmenter install`` puts it where Excel loads
add-ins."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import pytest
import xlwings
from oletools.olevba import VBA_Parser, detect_autoexec

from tests.conftest import convert_with_libreoffice
from tests.fake_com import classic_udfs

ROOT = Path(__file__).resolve().parents[1]
ADDIN = ROOT / "segmenter.xlam"
XLAM_MAIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"


@pytest.fixture(scope="module")
def modules() -> dict[str, str]:
    parser = VBA_Parser(str(ADDIN))
    try:
        return {Path(name).stem: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _functions(vba: str) -> dict[str, str]:
    """Function name -> its text from "Function X(" to "End Function"."""
    return {m[1]: m[0].strip() for m in re.finditer(r"^Function (\w+)\(.*?^End Function", vba, re.S | re.M)}


def xlwings_stubs() -> dict[str, str]:
    """What xlwings' ImportPythonUDFsToAddin writes for the udfs package (generate_vba_wrapper, run
    on the classic decorators' metadata for a workbook named .xlam)."""
    with classic_udfs() as udfs:
        import xlwings.udfs

        out = io.StringIO()
        xlwings.udfs.generate_vba_wrapper("udfs", udfs, out, type("Book", (), {"Name": "segmenter.xlam"})())
    return _functions(out.getvalue())


def test_one_stub_per_worksheet_function_each_as_xlwings_writes_it(modules):
    import udfs

    stubs = _functions(modules["segmenter_udfs"])
    assert sorted(stubs) == sorted(name.upper() for name in udfs.__all__)  # none missing, none extra
    expected = xlwings_stubs()
    assert sorted(expected) == sorted(stubs)
    for name, text in stubs.items():
        assert text == expected[name], name
        # each calls the Python function of the same name, on the active workbook
        assert (
            f'{name} = XLPy.CallUDF("udfs", "{name}", Array(' in text and "ActiveWorkbook, Application.Caller" in text
        )


def test_the_ribbon_callback_and_the_custom_addin_module(modules):
    assert set(modules) == {"ThisWorkbook", "Sheet1", "xlwings", "Dictionary", "Ribbon", "segmenter_udfs"}
    assert "Sub SegmenterAction(control As IRibbonControl)" in modules["Ribbon"]
    ribbon = (ROOT / "workbook" / "Ribbon.bas").read_text(encoding="utf-8")
    assert modules["Ribbon"].strip().endswith(ribbon.strip().split("Option Explicit", 1)[1].strip())
    official = (
        (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_text(encoding="utf-8").replace("\r\n", "\n")
    )

    def code(text):
        return "\n".join(line for line in text.split("\n") if not line.startswith("Attribute VB_")).strip()

    assert code(modules["xlwings"]) == code(
        official.replace('PROJECT_NAME As String = "myaddin"', 'PROJECT_NAME As String = "segmenter"')
    )
    # RunPython names the active workbook to Python (xw.Book.caller() is the user's book, not the add-in)
    assert '" --wb=" & """" & ActiveWorkbook.Name' in modules["xlwings"]
    assert not [keyword for keyword, _ in detect_autoexec("\n".join(modules.values()))]  # nothing runs on open


def test_the_package_is_an_add_in_with_the_ribbon_and_the_vba_version_name():
    with zipfile.ZipFile(ADDIN) as package:
        types = package.read("[Content_Types].xml").decode()
        workbook = package.read("xl/workbook.xml").decode()
        assert XLAM_MAIN in types and "customUI/customUI14.xml" in package.namelist()
        assert package.read("customUI/customUI14.xml") == (ROOT / "workbook" / "customUI14.xml").read_bytes()
    assert f'name="segmenter_xlwings_vba">"{xlwings.__version__}"' in workbook
    with zipfile.ZipFile(ADDIN) as package:
        core = package.read("docProps/core.xml").decode()
    assert "<dc:title>Segmenter</dc:title>" in core  # the name the Add-ins dialog lists, which the docs say to tick


def test_a_fresh_build_is_byte_identical_to_the_committed_add_in(tmp_path):
    pytest.importorskip("pyopenvba", reason="the build extra is not installed: pip install -e '.[build]'")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_addin
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    rebuilt = build_addin.build(tmp_path / "segmenter.xlam")
    assert rebuilt.read_bytes() == ADDIN.read_bytes(), "run  ./run addin  and commit segmenter.xlam"


def test_libreoffice_opens_the_add_in_and_keeps_its_modules(tmp_path):
    # LibreOffice does not know .xlam by its extension: its Excel 2007+ macro-enabled import filter reads it
    ods = convert_with_libreoffice(ADDIN, "ods", tmp_path, infilter="Calc MS Excel 2007 VBA XML")
    with zipfile.ZipFile(ods) as package:
        basic = {
            Path(name).stem: package.read(name).decode("utf-8")
            for name in package.namelist()
            if name.startswith("Basic/VBAProject/")
        }
    assert {"Ribbon", "xlwings", "segmenter_udfs"} <= set(basic)
    assert "Function SEGMENT_TIER(accounts, Optional method, Optional cutoffs)" in basic["segmenter_udfs"]


def test_segmenter_install_copies_the_add_in_and_writes_its_setting(tmp_path):
    from excel_setup import read_config, run_install

    appdata = tmp_path / "AppData" / "Roaming"
    home = tmp_path / "home"
    lines, ok = run_install(
        interpreter=r"C:\Users\José\segmenter\.venv\Scripts\python.exe",
        platform_name="win32",
        env={"APPDATA": str(appdata)},
        home=home,
    )
    assert ok, lines
    installed = appdata / "Microsoft" / "AddIns" / "segmenter.xlam"
    assert installed.read_bytes() == ADDIN.read_bytes()
    conf = home / ".segmenter" / "segmenter.conf"  # what the add-in's xlwings module reads (PROJECT_NAME)
    assert read_config(conf, "cp1252") == [["INTERPRETER_WIN", r"C:\Users\José\segmenter\.venv\Scripts\python.exe"]]
    assert conf.read_bytes().endswith(b'Jos\xe9\\segmenter\\.venv\\Scripts\\python.exe"\r\n')  # cp1252, as VBA reads it
    assert any("tick Segmenter" in line for line in lines) and str(conf) in " ".join(lines)
    lines, ok = run_install(interpreter="/Users/me/.venv/bin/python", platform_name="darwin", env={}, home=home)
    assert (
        ok
        and (
            home
            / "Library"
            / "Group Containers"
            / "UBF8T346G9.Office"
            / "User Content.localized"
            / "Add-Ins.localized"
            / "segmenter.xlam"
        ).exists()
    )
    lines, ok = run_install(platform_name="linux", env={}, home=home)
    assert not ok and "Windows and macOS only" in lines[0]
