"""segmenter.xlsm: built reproducibly from workbook/, checked with tools that did not build it.

The rebuild tests need the build extra (pyopenvba) and skip without it; the checks of the
committed workbook (olevba, the customUI XML, the sheets, LibreOffice) need only the test extra.

What the customUI check covers: Microsoft's customUI14.xsd is not shipped by any package
this project installs, so instead of validating against it the test checks the part of the
schema this ribbon uses: the element nesting customUI > ribbon > tabs > tab > group > button,
the attributes each of those elements may carry, the enumerated button size, id syntax
(an XML NCName, unique in the file) and the 1,024-character limit on labels and tips.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from oletools.olevba import VBA_Parser, detect_autoexec

from tests.conftest import convert_with_libreoffice

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "segmenter.xlsm"
SOURCES = ROOT / "workbook"
TEMPLATE = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
XLWINGS_BAS = Path(xlwings.__file__).parent / "xlwings.bas"
CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
UI_RELATIONSHIP = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
SHEETS = ["How to", "Accounts", "Settings", "xlwings.conf"]

# The slice of customUI14.xsd this ribbon uses: allowed children and attributes per element.
SCHEMA_CHILDREN = {
    "customUI": {"ribbon"},
    "ribbon": {"tabs"},
    "tabs": {"tab"},
    "tab": {"group"},
    "group": {"button"},
    "button": set(),
}
SCHEMA_ATTRIBUTES = {
    "customUI": {"onLoad", "loadImage"},
    "ribbon": {"startFromScratch"},
    "tabs": set(),
    "tab": {
        "id",
        "idMso",
        "idQ",
        "tag",
        "label",
        "getLabel",
        "visible",
        "getVisible",
        "keytip",
        "getKeytip",
        "insertAfterMso",
        "insertBeforeMso",
        "insertAfterQ",
        "insertBeforeQ",
    },
    "group": {
        "id",
        "idMso",
        "idQ",
        "tag",
        "label",
        "getLabel",
        "image",
        "imageMso",
        "getImage",
        "screentip",
        "getScreentip",
        "supertip",
        "getSupertip",
        "visible",
        "getVisible",
        "keytip",
        "getKeytip",
        "autoScale",
        "centerVertically",
        "insertAfterMso",
        "insertBeforeMso",
        "insertAfterQ",
        "insertBeforeQ",
    },
    "button": {
        "id",
        "idMso",
        "idQ",
        "tag",
        "onAction",
        "enabled",
        "getEnabled",
        "description",
        "getDescription",
        "image",
        "imageMso",
        "getImage",
        "label",
        "getLabel",
        "screentip",
        "getScreentip",
        "supertip",
        "getSupertip",
        "visible",
        "getVisible",
        "keytip",
        "getKeytip",
        "showImage",
        "getShowImage",
        "showLabel",
        "getShowLabel",
        "size",
        "getSize",
        "insertAfterMso",
        "insertBeforeMso",
        "insertAfterQ",
        "insertBeforeQ",
    },
}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
TEXT_LIMIT = 1024


def _local(tag: str) -> str:
    return tag.split("}", 1)[-1]


def _module_code(code: str) -> str:
    """Module text without the Attribute header, with LF line ends and no trailing blank lines."""
    lines = code.replace("\r\n", "\n").split("\n")
    return "\n".join(line for line in lines if not line.startswith("Attribute VB_")).strip("\n")


@pytest.fixture(scope="module")
def modules() -> dict[str, str]:
    parser = VBA_Parser(str(WORKBOOK))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.fixture(scope="module")
def template_modules() -> dict[str, str]:
    parser = VBA_Parser(str(TEMPLATE))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.fixture(scope="module")
def ribbon() -> ET.Element:
    return ET.parse(SOURCES / "customUI14.xml").getroot()


@pytest.fixture(scope="module")
def buttons(ribbon) -> list[ET.Element]:
    return [element for element in ribbon.iter() if _local(element.tag) == "button"]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    pytest.importorskip("pyopenvba", reason="the build extra is not installed: pip install -e '.[build]'")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_workbook
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return build_workbook.build(tmp_path_factory.mktemp("build") / "segmenter.xlsm")


# --- built, not hand-edited ---------------------------------------------------------------


def test_committed_workbook_has_every_part_of_a_fresh_build_unchanged(rebuilt):
    with zipfile.ZipFile(WORKBOOK) as committed, zipfile.ZipFile(rebuilt) as fresh:
        assert committed.namelist() == fresh.namelist()
        changed = [name for name in fresh.namelist() if committed.read(name) != fresh.read(name)]
    assert not changed, (
        f"segmenter.xlsm is out of date in {changed} (xlwings {xlwings.__version__} installed): "
        "run python scripts/build_workbook.py"
    )


def test_committed_workbook_is_byte_identical_to_a_fresh_build(rebuilt):
    # Fixed zip timestamps, member order and document dates make the whole file reproducible.
    assert WORKBOOK.read_bytes() == rebuilt.read_bytes()


# --- the VBA project, read by olevba --------------------------------------------------------


def test_olevba_lists_the_document_modules_xlwings_and_the_ribbon_callback_only(modules):
    # No Module1 sample macro from the template, nothing else of ours.
    assert sorted(modules) == sorted(
        ["ThisWorkbook", "Sheet1", "Sheet2", "Sheet3", "Sheet4", "xlwings", "Dictionary", "Ribbon"]
    )


def test_ribbon_module_source_equals_ribbon_bas(modules):
    source = (SOURCES / "Ribbon.bas").read_text(encoding="utf-8")
    assert _module_code(modules["Ribbon"]) == _module_code(source)


def test_xlwings_modules_are_the_official_ones_of_the_installed_xlwings(modules, template_modules):
    for name in ("xlwings", "Dictionary"):
        assert modules[name] == template_modules[name]
    assert f"'Version: {xlwings.__version__}" in modules["xlwings"]


def test_document_modules_hold_no_code(modules):
    for name in ("ThisWorkbook", "Sheet1", "Sheet2", "Sheet3", "Sheet4"):
        assert _module_code(modules[name]) == "", name


def test_olevba_finds_no_auto_exec_macro_in_the_project(modules):
    for name, code in modules.items():
        assert detect_autoexec(code) == [], name


def test_olevba_auto_exec_scan_would_flag_a_workbook_open():
    # The check above can fail: the same scan flags an open handler.
    assert detect_autoexec("Private Sub Workbook_Open()\r\nEnd Sub\r\n")


def test_sheet_code_names_match_document_modules(modules):
    with zipfile.ZipFile(WORKBOOK) as package:
        names = [
            re.search(r'codeName="([^"]+)"', package.read(f"xl/worksheets/sheet{i}.xml").decode()).group(1)
            for i in range(1, len(SHEETS) + 1)
        ]
        book = re.search(r'<workbookPr\b[^>]*codeName="([^"]+)"', package.read("xl/workbook.xml").decode()).group(1)
    assert names == ["Sheet1", "Sheet2", "Sheet3", "Sheet4"]
    assert book == "ThisWorkbook"
    assert set(names) | {book} <= set(modules)


# --- the ribbon ---------------------------------------------------------------------------


def test_custom_ui_uses_the_office_2010_namespace(ribbon):
    assert ribbon.tag == f"{{{CUSTOM_UI_NS}}}customUI"
    assert all(element.tag.startswith(f"{{{CUSTOM_UI_NS}}}") for element in ribbon.iter())


def test_custom_ui_nesting_and_attributes_follow_the_schema(ribbon):
    for parent in ribbon.iter():
        name = _local(parent.tag)
        assert set(parent.attrib) <= SCHEMA_ATTRIBUTES[name], (name, set(parent.attrib) - SCHEMA_ATTRIBUTES[name])
        assert {_local(child.tag) for child in parent} <= SCHEMA_CHILDREN[name], name
        for key in ("label", "screentip", "supertip"):
            assert len(parent.attrib.get(key, "")) <= TEXT_LIMIT
        assert parent.attrib.get("size", "normal") in {"normal", "large"}


def test_custom_ui_ids_are_unique_ncnames(ribbon):
    ids = [element.attrib["id"] for element in ribbon.iter() if "id" in element.attrib]
    assert len(ids) == len(set(ids))
    assert all(NCNAME.match(value) for value in ids), ids


def test_every_button_has_label_screentip_builtin_icon_and_action(buttons):
    assert buttons
    for button in buttons:
        for key in ("label", "screentip", "supertip", "imageMso", "onAction"):
            assert button.attrib.get(key), (button.attrib["id"], key)


def test_every_on_action_names_a_ribbon_callback_in_ribbon_bas(ribbon):
    source = (SOURCES / "Ribbon.bas").read_text(encoding="utf-8")
    callbacks = set(
        re.findall(
            r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)",
            source,
            flags=re.IGNORECASE | re.MULTILINE,
        )
    )
    actions = {element.attrib["onAction"] for element in ribbon.iter() if "onAction" in element.attrib}
    assert actions and actions <= callbacks


def test_ribbon_callback_runs_segmenter_ribbon_with_the_button_id():
    source = (SOURCES / "Ribbon.bas").read_text(encoding="utf-8")
    assert """RunPython "import segmenter; segmenter.ribbon('" & control.Id & "')\"""" in source
    # Check setup imports only excel_setup, so that it can name a missing numpy, pandas or scipy
    assert (
        """If control.Id = "check_setup" Then
        RunPython "import excel_setup; excel_setup.check_setup()\""""
        in source
    )


def test_package_carries_the_custom_ui_part_and_its_relationship():
    with zipfile.ZipFile(WORKBOOK) as package:
        assert package.read("customUI/customUI14.xml") == (SOURCES / "customUI14.xml").read_bytes()
        rels = ET.fromstring(package.read("_rels/.rels"))
        types = package.read("[Content_Types].xml").decode()
    targets = {rel.attrib["Target"] for rel in rels if rel.attrib["Type"] == UI_RELATIONSHIP}
    assert targets == {"customUI/customUI14.xml"}
    assert 'Extension="xml"' in types
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types


def test_every_button_id_is_a_ribbon_action_of_segmenter(buttons):
    import segmenter

    missing = {button.attrib["id"] for button in buttons} - set(segmenter.RIBBON_ACTIONS)
    assert not missing, f"buttons without an entry in segmenter.RIBBON_ACTIONS: {sorted(missing)}"


def test_every_ribbon_action_of_segmenter_has_a_button(buttons):
    import segmenter

    missing = set(segmenter.RIBBON_ACTIONS) - {button.attrib["id"] for button in buttons}
    assert not missing, f"ribbon actions without a button in workbook/customUI14.xml: {sorted(missing)}"


# --- the sheets -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(WORKBOOK)


def test_sheets_are_how_to_accounts_settings_and_xlwings_conf(book):
    assert book.sheetnames == SHEETS


def test_xlwings_conf_keys_are_ones_the_xlwings_vba_module_reads(book):
    # GetConfigFromSheet reads A1 down to the first blank cell and upper-cases each key;
    # GetConfig("KEY") then looks the key up by that name.
    sheet = book["xlwings.conf"]
    keys = []
    for key, value in sheet.iter_rows(min_col=1, max_col=2, values_only=True):
        if key is None:
            break
        keys.append(str(key))
        assert value not in (None, ""), f"{key}: a blank value would hide the user's own xlwings.conf"
    read_by_xlwings = set(re.findall(r'GetConfig\("([^"]+)"', XLWINGS_BAS.read_text(encoding="utf-8")))
    assert keys and {key.upper() for key in keys} <= read_by_xlwings


def test_xlwings_conf_points_udf_modules_at_the_importable_udfs_package(book):
    rows = {str(key).upper(): value for key, value in book["xlwings.conf"].iter_rows(values_only=True) if key}
    assert rows["UDF MODULES"] == "udfs"
    assert rows["ADD_WORKBOOK_TO_PYTHONPATH"] == "true"
    spec = importlib.util.find_spec("udfs")
    assert spec is not None and Path(spec.origin).resolve().parent == ROOT / "udfs"


def test_settings_sheet_lists_the_default_config_under_its_header(book):
    from core.config import ReportConfig, config_to_rows
    from warehouse.sources import SETTINGS_HELP

    rows = list(book["Settings"].iter_rows(values_only=True))
    assert rows[0] == ("Setting", "Value", "Meaning")
    # openpyxl reads an empty cell back as None where config_to_rows says "".
    # The report settings, then the blank ones of Segment a table (warehouse/sources.py).
    assert [(name, "" if value is None else value, meaning) for name, value, meaning in rows[1:]] == [
        tuple(row) for row in config_to_rows(ReportConfig())
    ] + [(name, "", meaning) for name, meaning in SETTINGS_HELP.items()]


def test_accounts_sheet_is_a_table_of_the_whole_sample(book):
    with (ROOT / "core" / "data" / "sample_accounts.csv").open(newline="", encoding="utf-8") as handle:
        sample = list(csv.reader(handle))
    sheet = book["Accounts"]
    table = sheet.tables["Accounts"]
    assert table.ref == f"A1:H{len(sample)}"
    assert [cell.value for cell in sheet[1]] == sample[0]
    assert sheet.max_row == len(sample)
    # First data row: C1001, revenue 3010.00, profit 1228.12, no NPS answer.
    first = {column: cell for column, cell in zip(sample[0], sheet[2])}
    assert first["Account"].value == sample[1][0] == "C1001"
    assert first["Revenue"].value == pytest.approx(3010.00) and first["Revenue"].number_format == "#,##0.00"
    assert first["NPS"].value is None
    assert first["First purchase"].number_format == "yyyy-mm-dd"


def test_accounts_sheet_keeps_the_sample_dirty_cells_as_text(book):
    sheet = book["Accounts"]
    revenue = {row[0]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert revenue["C1018"] == "79,360.00"
    assert revenue["C1042"] == "$1.2k"


def test_how_to_example_formula_is_text_not_a_formula(book):
    values = [row[0] for row in book["How to"].iter_rows(values_only=True) if row[0]]
    examples = [value for value in values if value.startswith("=SEGMENT_TIER(")]
    assert examples, "the How to sheet shows the worksheet function"
    with zipfile.ZipFile(WORKBOOK) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()


# --- LibreOffice, an independent reader -------------------------------------------------------


def _soffice(tmp_path: Path, target: str) -> Path:
    return convert_with_libreoffice(WORKBOOK, target, tmp_path)


def test_libreoffice_opens_the_workbook_and_prints_the_accounts_sheet(tmp_path):
    pdf = _soffice(tmp_path, "pdf")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "C1001" in text and "Manufacturing" in text  # the Accounts table
    assert "Segment selection" in text  # the How to sheet


def test_libreoffice_basic_import_keeps_the_vba_modules(tmp_path):
    # LibreOffice imports the VBA project into a Basic library and writes it into the .ods.
    ods = _soffice(tmp_path, "ods")
    with zipfile.ZipFile(ods) as package:
        basic = {
            Path(name).stem: package.read(name).decode("utf-8")
            for name in package.namelist()
            if name.startswith("Basic/VBAProject/")
        }
    assert {"Ribbon", "xlwings", "Dictionary", "ThisWorkbook"} <= set(basic)
    assert "Sub SegmenterAction(control As IRibbonControl)" in basic["Ribbon"]


def test_how_to_sheet_explains_table_selection_spilling_and_setup(book):
    text = " ".join(str(row[0]) for row in book["How to"].iter_rows(values_only=True) if row[0])
    assert "Ctrl+A" not in text  # inside a table it selects the data without the header row
    assert "whole table with its header row" in text
    assert "#SPILL!" in text and "empty column" in text
    assert "segmenter setup" in text and "Check setup" in text
