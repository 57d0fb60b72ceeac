"""Build segmenter.xlsm from the text sources in workbook/ and the xlwings template.

    python scripts/build_workbook.py [--output segmenter.xlsm]

Needs the build extra (``pip install -e ".[build]"``, it brings pyopenvba, which writes
the VBA project on any OS). The output is byte-identical on every run from the same
sources and package versions: zip members in a fixed order with a fixed timestamp, fixed
document dates, and a VBA project written from fixed inputs. tests/test_workbook.py
rebuilds and compares with the committed file.

What goes in:

- sheets, written with openpyxl: "How to" (workbook/howto.md), "Accounts" (the bundled
  sample, core/data/sample_accounts.csv, as an Excel table), "Settings" (the defaults
  of core.config, laid out as the Settings action reads them) and "xlwings.conf"
  (workbook/xlwings_conf.csv);
- the workbook name ``segmenter_xlwings_vba`` (excel_setup.VBA_VERSION_NAME): the
  XLWINGS_VERSION of the xlwings VBA module that goes in, so that ``segmenter setup`` and the
  Check setup button can compare it with the installed xlwings package;
- the VBA project: the document modules Excel makes for the workbook and each sheet
  (pyopenvba's add_vba_project), the xlwings and Dictionary modules copied verbatim from
  xlwings' quickstart_standalone.xlsm (the official standalone RunPython code, matching
  the installed xlwings version), and workbook/Ribbon.bas; nothing runs on open;
- the ribbon: workbook/customUI14.xml as customUI/customUI14.xml, related from the
  package root.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import xlwings
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableStyleInfo

from core.config import ReportConfig, config_to_rows
from excel_setup import VBA_VERSION_NAME
from warehouse.sources import SETTINGS_HELP as TABLE_SETTINGS
from writers.book import owner_name

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "workbook"
SAMPLE_ACCOUNTS = ROOT / "core" / "data" / "sample_accounts.csv"
OUTPUT = ROOT / "segmenter.xlsm"
TEMPLATE = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"

# The modules taken from the template as they are; its Module1 (a sample macro) is left out.
XLWINGS_MODULES = ("xlwings", "Dictionary")
RIBBON_MODULE = "Ribbon"
SHEETS = ("How to", "Accounts", "Settings", "xlwings.conf")
SETTINGS_HEADER = ("Setting", "Value", "Meaning")
HOW_TO_WIDTH = 75
ACCOUNT_FORMATS = {"First purchase": "yyyy-mm-dd", "Revenue": "#,##0.00", "Profit": "#,##0.00", "NPS": "0"}

# One instant for every date the package records, so that two builds are byte-identical.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DOCUMENT_TIME = "2025-01-01T00:00:00Z"
UI_RELATIONSHIP = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
UI_PART = "customUI/customUI14.xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def build(output: Path = OUTPUT, accounts_csv: Path = SAMPLE_ACCOUNTS) -> Path:
    """Write the workbook to ``output``.

    Parameters
    ----------
    output:
        Where the .xlsm goes (overwritten).
    accounts_csv:
        The account list shown on the Accounts sheet.

    Returns
    -------
    Path
        ``output``.

    Notes
    -----
    Three steps: openpyxl writes the sheets; pyopenvba gives the package the VBA project
    Excel would make for it (ThisWorkbook and one document module per sheet, their code
    names written into the sheets), and the xlwings, Dictionary and Ribbon modules go in;
    :func:`finish_package` adds the ribbon and repacks with fixed dates and order.
    """
    from pyopenvba import ExcelFile, VBAModuleKind

    with ExcelFile(TEMPLATE) as template:
        vba_version = vba_module_version(template.get_module(XLWINGS_MODULES[0]))
    with tempfile.TemporaryDirectory() as scratch:
        book_path = Path(scratch) / "segmenter.xlsm"
        book_path.write_bytes(sheets_package(accounts_csv, vba_version))
        with ExcelFile(TEMPLATE) as template, ExcelFile(book_path) as book:
            project = book.add_vba_project()
            kinds = {module.name: module.kind for module in template.vba_project().modules}
            for name in XLWINGS_MODULES:
                project.add_module(name, template.get_module(name), kind=kinds[name])
            project.add_module(
                RIBBON_MODULE, _crlf((SOURCES / "Ribbon.bas").read_text(encoding="utf-8")), kind=VBAModuleKind.standard
            )
            book.save()
        packed = finish_package(book_path.read_bytes(), (SOURCES / "customUI14.xml").read_bytes())
    output.write_bytes(packed)
    return output


def vba_module_version(source: str) -> str:
    """The XLWINGS_VERSION constant of xlwings' VBA module source.

    Examples
    --------
    >>> vba_module_version('Public Const XLWINGS_VERSION As String = "0.37.8"')
    '0.37.8'
    """
    match = re.search(r'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', source)
    if match is None:
        raise ValueError("the xlwings VBA module has no XLWINGS_VERSION constant")
    return match[1]


def sheets_package(accounts_csv: Path, vba_version: str) -> bytes:
    """The workbook's sheets as an .xlsx package, before the VBA project and ribbon go in."""
    book = openpyxl.Workbook()
    how_to, accounts, settings, conf = (book.active, *[book.create_sheet(name) for name in SHEETS[1:]])
    how_to.title = SHEETS[0]
    _write_how_to(how_to, (SOURCES / "howto.md").read_text(encoding="utf-8"))
    _write_accounts(accounts, accounts_csv)
    _write_settings(settings)
    # Mark the Settings sheet as segmenter's, as the Settings action would (writers/book.py), so
    # the ribbon actions read it.
    marker = owner_name(SHEETS[2])
    book.defined_names[marker] = DefinedName(marker, attr_text=f"'{SHEETS[2]}'!$A$1")
    book.defined_names[VBA_VERSION_NAME] = DefinedName(VBA_VERSION_NAME, attr_text=f'"{vba_version}"')
    _write_conf(conf, SOURCES / "xlwings_conf.csv")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_how_to(sheet, markdown: str) -> None:
    sheet.column_dimensions["A"].width = HOW_TO_WIDTH
    for row, line in enumerate(markdown.splitlines(), start=1):
        level = len(line) - len(line.lstrip("#"))
        text = line[level:].strip()
        cell = sheet.cell(row=row, column=1, value=text or None)
        # A line like "=SEGMENT_TIER(...)" is an example to read, not a formula to evaluate.
        cell.data_type = "s"
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if level:
            cell.font = Font(bold=True, size=16 if level == 1 else 12)
            sheet.row_dimensions[row].height = 24 if level == 1 else 20
        elif text:
            # Row heights are stored, not left to the reader: not every reader fits wrapped rows.
            sheet.row_dimensions[row].height = 15 * -(-len(text) // (HOW_TO_WIDTH - 10))
    _print_to_page_width(sheet)


def _write_accounts(sheet, accounts_csv: Path) -> None:
    with accounts_csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, records = rows[0], rows[1:]
    sheet.append(header)
    for record in records:
        sheet.append([_account_value(column, text) for column, text in zip(header, record)])
    for index, column in enumerate(header, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        longest = max(len(column), *(len(record[index - 1]) for record in records))
        sheet.column_dimensions[letter].width = max(12, longest + 4)
        if column in ACCOUNT_FORMATS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = ACCOUNT_FORMATS[column]
    table = Table(displayName="Accounts", ref=f"A1:{openpyxl.utils.get_column_letter(len(header))}{len(rows)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    _print_to_page_width(sheet)


def _account_value(column: str, text: str):
    """A CSV field as the sheet holds it: blank as empty, ISO dates as dates, plain numbers as numbers.

    Anything else stays the text it is ("79,360.00", "$1.2k", "#N/A"): the sample keeps a few
    dirty cells on purpose, so that a first run shows the Data issues sheet at work.
    """
    if text == "":
        return None
    try:
        if column == "First purchase":
            return dt.date.fromisoformat(text)
        if column in ACCOUNT_FORMATS:
            number = float(text)
            return int(number) if column == "NPS" and number.is_integer() else number
    except ValueError:
        return text
    return text


def _write_settings(sheet) -> None:
    sheet.append(SETTINGS_HEADER)
    for row in config_to_rows(ReportConfig()):
        sheet.append(list(row))
    for name, meaning in TABLE_SETTINGS.items():
        sheet.append([name, None, meaning])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABC", (22, 16, 80)):
        sheet.column_dimensions[letter].width = width
    _print_to_page_width(sheet)


def _print_to_page_width(sheet) -> None:
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _write_conf(sheet, conf_csv: Path) -> None:
    # xlwings reads keys from A1 down to the first blank cell and values from column B.
    with conf_csv.open(newline="", encoding="utf-8") as handle:
        for key, value in csv.reader(handle):
            sheet.append([key, value])
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 16


def finish_package(xlsm: bytes, custom_ui: bytes, main_type: str = XLSM_MAIN) -> bytes:
    """Add the ribbon, mark the workbook macro-enabled (or an add-in: ``main_type``), fix dates;
    repack in a fixed order."""
    with zipfile.ZipFile(io.BytesIO(xlsm)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    types = parts["[Content_Types].xml"].decode("utf-8").replace(XLSX_MAIN, main_type)
    parts["[Content_Types].xml"] = types.encode("utf-8")
    rels = parts["_rels/.rels"].decode("utf-8")
    relationship = f'<Relationship Id="rIdCustomUI" Type="{UI_RELATIONSHIP}" Target="{UI_PART}"/>'
    parts["_rels/.rels"] = rels.replace("</Relationships>", relationship + "</Relationships>", 1).encode("utf-8")
    parts[UI_PART] = custom_ui
    parts["docProps/core.xml"] = _fixed_dates(parts["docProps/core.xml"].decode("utf-8")).encode("utf-8")
    # [Content_Types].xml first, as Office writes it; the rest by name.
    order = sorted(parts, key=lambda name: (name != "[Content_Types].xml", name))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, parts[name], compresslevel=9)
    return buffer.getvalue()


def _fixed_dates(core_xml: str) -> str:
    return re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)", rf"\g<1>{DOCUMENT_TIME}\g<3>", core_xml)


def _crlf(text: str) -> str:
    """VBA stores module source with CRLF line ends."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", type=Path, default=OUTPUT, help="where to write the workbook (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    print(build(args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
