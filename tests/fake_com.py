"""xlwings' own Windows engine on Linux: pywin32 stubbed, and a small fake of Excel's COM object model.

``windows_book(sheets)`` gives a real ``xlwings.Book`` whose impl is ``xlwings._xlwindows.Book``:
every call goes through xlwings' Windows code to the fake objects below, which keep the cells,
record what is set (``excel.log``) and give values back in COM's forms: a 2-D range as a tuple
of tuples, one cell as a scalar, empty cells as None, error cells as CVErr ints, dates as
tz-aware datetimes of a pywintypes-like ``TimeType``, currency cells as ``Decimal`` (whatever
the test puts in the cells).

Writing a string behaves like typing it, as far as these rules go: a leading apostrophe keeps
the rest as text, a cell formatted ``@`` keeps text; otherwise ``=...`` becomes a formula
(:class:`Formula`), an error name becomes its CVErr int, ``TRUE``/``FALSE`` a bool, and text
that Python's ``float`` reads after removing thousand commas becomes a number. Dates typed as
text are not emulated. The fake cannot tell what Excel draws; it catches calls the Windows
engine lacks and values a real Excel would change.

``install_pywin32()`` and ``import_xlmac()`` make ``xlwings._xlwindows``, ``xlwings.udfs`` and
``xlwings._xlmac`` importable here (see ../shared/XLWINGS_TESTING.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import importlib
import re
import sys
import types
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

CVERR_BASE = -2146828288
ERROR_CODES = {
    "#NULL!": 2000,
    "#DIV/0!": 2007,
    "#VALUE!": 2015,
    "#REF!": 2023,
    "#NAME?": 2029,
    "#NUM!": 2036,
    "#N/A": 2042,
    "#SPILL!": 2045,
    "#CALC!": 2050,
}
MESSAGE_BOXES: list[tuple[str, str]] = []
# The fake Excel that windows_book made last: xlwings finds its app by window handle (hwnd 1).
_RUNNING: dict[str, Any] = {}


# ------------------------------------------------------------------------------------------ pywin32


class com_error(Exception):  # noqa: N801 - pywintypes' name
    def __init__(self, hresult=-2147352567, message="Exception occurred.", excepinfo=None, argerror=None):
        super().__init__(hresult, message, excepinfo, argerror)
        self.hresult = hresult


class TimeType(dt.datetime):
    """pywintypes.TimeType: COM's dates, a datetime subclass with a time zone (UTC)."""


VT_ERROR = 10  # pythoncom.VT_ERROR


class VARIANT:
    """win32com.client.VARIANT: a value with the COM type it must be handed over as (a VT_ERROR
    VARIANT is what VBA's CVErr makes: Excel shows it as the error value)."""

    def __init__(self, vt: int, value: Any):
        self.varianttype = vt
        self._value = value

    value = property(lambda self: self._value)

    def __eq__(self, other):
        return isinstance(other, VARIANT) and (self.varianttype, self._value) == (other.varianttype, other._value)

    def __repr__(self):
        return f"VARIANT({self.varianttype}, {self._value!r})"


def cverr(name: str) -> VARIANT:
    """The VARIANT a worksheet function returns for the Excel error ``name`` ("#N/A")."""
    return VARIANT(VT_ERROR, CVERR_BASE + ERROR_CODES[name])


def _module(name: str, **attributes: Any) -> types.ModuleType:
    module = sys.modules.get(name) or types.ModuleType(name)
    module.__dict__.update(attributes)
    sys.modules[name] = module
    return module


class _Anything:
    """Stands in for ctypes' windll/oledll and PyDLL: any attribute, any call."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        return _Anything()

    def __call__(self, *args, **kwargs):
        return 0


def _message_box(hwnd, prompt, title, style):
    MESSAGE_BOXES.append((title, prompt))
    return 1


def install_pywin32() -> types.ModuleType:
    """Stub pywin32's modules and import ``xlwings._xlwindows`` and ``xlwings.udfs``; returns _xlwindows."""
    if "xlwings._xlwindows" in sys.modules and "xlwings.udfs" in sys.modules:
        return sys.modules["xlwings._xlwindows"]
    utc = dt.UTC
    _module(
        "pywintypes",
        com_error=com_error,
        error=type("error", (Exception,), {}),
        TimeType=TimeType,
        IID=lambda text: text,
        Time=TimeType,
    )
    _module(
        "pythoncom",
        __file__=None,
        CoInitialize=lambda: None,
        CoUninitialize=lambda: None,
        ole_error=com_error,
        IID_IDispatch="{00020400-0000-0000-C000-000000000046}",
        IID_IEnumVARIANT="enum",
        VT_ERROR=VT_ERROR,
        TypeIIDs={"{00020400-0000-0000-C000-000000000046}": type("PyIDispatch", (), {})},
    )
    _module("win32api", MessageBox=_message_box, GetCurrentThreadId=lambda: 1)
    _module("win32con", MB_OK=0, MB_OKCANCEL=1, MB_YESNOCANCEL=3, MB_YESNO=4, MB_ICONWARNING=48, MB_ICONINFORMATION=64)
    _module("win32gui", FindWindowEx=lambda *args: 0)
    _module("win32process", GetWindowThreadProcessId=lambda hwnd: (1, 4242))
    _module("win32timezone", TimeZoneInfo=type("TimeZoneInfo", (), {"utc": staticmethod(lambda: utc)}))
    _module("win32event", WAIT_OBJECT_0=0, INFINITE=-1, QS_ALLEVENTS=0)
    client = _module(
        "win32com.client",
        CDispatch=type("CDispatch", (), {}),
        CoClassBaseClass=type("CoClassBaseClass", (), {}),
        DispatchBaseClass=type("DispatchBaseClass", (), {}),
        Dispatch=lambda obj, *args, **kwargs: obj,
        DispatchEx=lambda *args: None,
        VARIANT=VARIANT,
    )
    client.gencache = _module("win32com.client.gencache", EnsureModule=lambda *args, **kwargs: None)
    server = _module("win32com.server")
    for name in ("dispatcher", "policy", "util", "exception"):
        setattr(
            server,
            name,
            _module(f"win32com.server.{name}", DefaultPolicy=object, wrap=lambda *a, **k: None, COMException=com_error),
        )
    _module("win32com", client=client, server=server)
    # the standard library must be imported as Linux's before the platform is said to be Windows
    for name in ("asyncio", "concurrent.futures", "locale", "shlex", "subprocess", "tempfile", "threading", "xlwings"):
        importlib.import_module(name)
    platform = sys.platform
    saved = {name: getattr(ctypes, name, None) for name in ("windll", "oledll", "PyDLL")}
    try:
        sys.platform = "win32"
        ctypes.windll = ctypes.oledll = _Anything()
        ctypes.PyDLL = _Anything
        windows = importlib.import_module("xlwings._xlwindows")
        importlib.import_module("xlwings.udfs")
    finally:
        sys.platform = platform
        for name, value in saved.items():
            if value is None:
                delattr(ctypes, name)
            else:
                setattr(ctypes, name, value)
    # xlwings finds running Excel instances by their windows: the fake one is window 1
    windows.get_excel_hwnds = lambda: iter([1] if _RUNNING else [])
    windows.get_xl_app_from_hwnd = lambda hwnd: _RUNNING["excel"]
    import xlwings

    if "excel" not in [engine.name for engine in xlwings.engines]:
        xlwings.engines.add(xlwings.Engine(impl=windows.engine))
    # as on Windows, where xlwings makes its Excel engine the active one (xlwings/__init__.py);
    # the remote engine's books never ask for it
    xlwings.engines.active = xlwings.engines["excel"]
    return windows


class _Keyword:
    """appscript's keyword (``k.missing_value``): a name, equal to another of the same name."""

    def __init__(self, name):
        self.AS_name = name

    def __eq__(self, other):
        return isinstance(other, _Keyword) and other.AS_name == self.AS_name

    def __hash__(self):
        return hash(self.AS_name)

    def __repr__(self):
        return f"k.{self.AS_name}"


_Keyword.__name__ = "Keyword"


class _KeywordFactory:
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Keyword(name)


k = _KeywordFactory()


def import_xlmac() -> types.ModuleType:
    """Stub appscript (and aem, osax, psutil) and import ``xlwings._xlmac``."""
    if "xlwings._xlmac" in sys.modules:
        return sys.modules["xlwings._xlmac"]
    reference = _module(
        "appscript.reference",
        CommandError=type("CommandError", (Exception,), {}),
        Reference=type("Reference", (), {}),
        Keyword=_Keyword,
    )
    _module(
        "appscript",
        k=k,
        its=_Anything(),
        mactypes=_module("mactypes", Alias=_Anything, File=_Anything),
        reference=reference,
        app=_Anything,
    )
    _module("aem", kae=_Anything(), AEType=_Anything)
    _module("osax", OSAX=_Anything)
    if importlib.util.find_spec("psutil") is None:
        _module("psutil", process_iter=lambda *a, **kw: [], Process=_Anything)
    return importlib.import_module("xlwings._xlmac")


# ------------------------------------------------------------------------------------------ Excel


class Formula(str):
    """A cell that Excel turned into a formula: the text was typed, not kept."""


_ADDRESS = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_ROWS = re.compile(r"\$?(\d+):\$?(\d+)$")


def _parse_address(text: str) -> tuple[int, int, int, int]:
    text = text.split("!")[-1]
    rows = _ROWS.match(text)
    if rows:
        return int(rows[1]), 1, int(rows[2]), 16384
    match = _ADDRESS.match(text.upper())
    if not match:
        raise com_error(message=f"bad address {text!r}")
    r1, c1 = int(match[2]), column_index_from_string(match[1])
    r2, c2 = (int(match[4]), column_index_from_string(match[3])) if match[3] else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _quoted_sheet(reference: str) -> tuple[str, str]:
    """("Q1's list", "$A$1") from "='Q1''s list'!$A$1"; a lone quote inside is a syntax error, as in Excel."""
    text = reference.lstrip("=")
    if text.startswith("'"):
        match = re.match(r"'((?:[^']|'')*)'!(.*)$", text)
        if not match:
            raise com_error(message=f"The formula contains an error: {reference}")
        return match[1].replace("''", "'"), match[2]
    sheet, _, address = text.rpartition("!")
    if "'" in sheet or " " in sheet:
        raise com_error(message=f"The formula contains an error: {reference}")
    return sheet, address


def typed(value: Any, number_format: str) -> Any:
    """What Excel stores when ``value`` is written into a cell with ``number_format`` (see module doc)."""
    if isinstance(value, dt.datetime) and not isinstance(value, TimeType):
        return TimeType(value.year, value.month, value.day, value.hour, value.minute, value.second, tzinfo=dt.UTC)
    if not isinstance(value, str):
        return None if value == "" else value
    if value == "":
        return None
    if value.startswith("'"):
        return value[1:]
    if number_format == "@":
        return value
    if value.startswith(("=", "+", "-", "@")) and not _is_number(value):
        return Formula(value)
    if value.strip().upper() in ERROR_CODES:
        return CVERR_BASE + ERROR_CODES[value.strip().upper()]
    if value.strip().upper() in ("TRUE", "FALSE"):
        return value.strip().upper() == "TRUE"
    if _is_number(value):
        return float(value.replace(",", "").strip())
    return value


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").strip())
    except ValueError:
        return False
    return True


class ComObject:
    """Records every property set on it (capitalised names, as COM's) in the application's log."""

    _excel: Application

    def __setattr__(self, name, value):
        if name[:1].isupper():
            self._excel.log.append(("set", self._where(), name, value))
        object.__setattr__(self, name, value)

    def _call(self, name, *args, **kwargs):
        self._excel.log.append(("call", self._where(), name, args, kwargs))

    def _fields(self, excel: Application, **fields) -> None:
        """Set the object's Excel and fields without logging them (construction is not a call)."""
        object.__setattr__(self, "_excel", excel)
        for key, value in fields.items():
            object.__setattr__(self, key, value)

    def _where(self) -> str:
        return type(self).__name__


class Application(ComObject):
    def __init__(self):
        self._fields(self, log=[])
        self.ScreenUpdating, self.Calculation, self.StatusBar = True, -4105, False
        self.DisplayAlerts, self.EnableEvents, self.Hwnd, self.Version = True, True, 1, "16.0"
        object.__setattr__(self, "workbook", None)
        object.__setattr__(self, "selection", None)

    @property
    def Application(self):
        return self

    @property
    def Selection(self):
        return self.selection

    @property
    def ActiveWorkbook(self):
        return self.workbook

    @property
    def ActiveSheet(self):
        return self.workbook.ActiveSheet

    @property
    def ActiveWindow(self):
        return self.workbook.window

    def sets(self, member: str) -> list[tuple[str, Any]]:
        """(where, value) of every set of ``member`` in order."""
        return [(entry[1], entry[3]) for entry in self.log if entry[0] == "set" and entry[2] == member]

    def calls(self, member: str) -> list[tuple]:
        return [entry for entry in self.log if entry[0] == "call" and entry[2] == member]


class Window(ComObject):
    def __init__(self, excel):
        object.__setattr__(self, "_excel", excel)
        for key, value in (("FreezePanes", False), ("SplitRow", 0), ("SplitColumn", 0), ("ScrollRow", 1)):
            object.__setattr__(self, key, value)

    def _where(self):
        return f"Window[{self._excel.workbook.ActiveSheet.Name}]"


class Workbook(ComObject):
    def __init__(self, excel: Application, name: str = "segmenter.xlsm"):
        self._fields(excel, sheets=[], names=[], active=None, window=Window(excel), Name=name, folder="C:\\segmenter")
        excel.workbook = self

    Application = property(lambda self: self._excel)
    Parent = property(lambda self: self._excel)
    # ``folder``: where the workbook is saved; a test sets a real folder to run Segment a table there
    FullName = property(lambda self: self.folder + ("\\" if self.folder.startswith("C:") else "/") + self.Name)
    Path = property(lambda self: self.folder)
    Worksheets = property(lambda self: Worksheets(self))
    Sheets = Worksheets
    Names = property(lambda self: Names(self))
    ActiveSheet = property(lambda self: self.active)

    def Windows(self, index):
        return self.window

    def Activate(self):
        self._call("Activate")

    def sheet(self, name: str) -> Worksheet:
        return next(s for s in self.sheets if s.Name.lower() == name.lower())


class PageSetup(ComObject):
    """A sheet's page setup: what is set is kept (and logged); an empty print area reads as ''."""

    def __init__(self, excel: Application, sheet_name: str):
        self._fields(excel, sheet_name=sheet_name, PrintArea="")

    def _where(self):
        return f"PageSetup[{self.sheet_name}]"


class Worksheets(ComObject):
    def __init__(self, book: Workbook):
        self._fields(book._excel, book=book)

    Count = property(lambda self: len(self.book.sheets))
    Parent = property(lambda self: self.book)

    def __call__(self, key):
        return self.Item(key)

    def Item(self, key):
        if isinstance(key, int):
            if not 1 <= key <= len(self.book.sheets):
                raise com_error(message="Invalid index.")
            return self.book.sheets[key - 1]
        try:
            return self.book.sheet(key)
        except StopIteration:
            raise com_error(message="Subscript out of range") from None

    def __iter__(self):
        return iter(list(self.book.sheets))

    def Add(self, Before=None, After=None):
        taken = {s.Name for s in self.book.sheets}
        n = len(self.book.sheets) + 1
        while f"Sheet{n}" in taken:
            n += 1
        sheet = Worksheet(self.book, f"Sheet{n}")
        position = (
            self.book.sheets.index(Before)
            if Before is not None
            else (self.book.sheets.index(After) + 1 if After is not None else self.book.sheets.index(self.book.active))
        )
        self.book.sheets.insert(position, sheet)
        self._call("Add", sheet.Name)
        sheet.Activate()
        return sheet


class Worksheet(ComObject):
    def __init__(self, book: Workbook, name: str, cells: dict | None = None):
        # formats: (r1, c1, r2, c2, number format) in the order they were set
        self._fields(
            book._excel,
            book=book,
            Name=name,
            cells=dict(cells or {}),
            formats=[],
            tables=[],
            charts=[],
            Visible=-1,
            PageSetup=PageSetup(book._excel, name),
        )

    def _where(self):
        return f"Worksheet[{self.Name}]"

    def __setattr__(self, name, value):
        if name == "Name" and any(s is not self and s.Name.lower() == str(value).lower() for s in self.book.sheets):
            raise com_error(message="That name is already taken.")
        old = getattr(self, "Name", None)
        super().__setattr__(name, value)
        if name == "Name" and old is not None and old != value:
            self._retarget_names(old, str(value))

    def _retarget_names(self, old: str, new: str) -> None:
        """Excel's rename: every workbook name on the sheet follows it (``='Segments'!$A$1`` becomes
        ``='Segments Q1'!$A$1``), so a name never points at a sheet that no longer exists."""
        for item in self.book.names:
            if "#REF!" in item.RefersTo:
                continue
            sheet, address = _quoted_sheet(item.RefersTo)
            if sheet.lower() == old.lower():
                object.__setattr__(item, "RefersTo", "='" + new.replace("'", "''") + "'!" + address)

    Parent = property(lambda self: self.book)
    Application = property(lambda self: self._excel)
    Index = property(lambda self: self.book.sheets.index(self) + 1)
    ListObjects = property(lambda self: ListObjects(self))
    Names = property(lambda self: Names(self.book))

    @property
    def UsedRange(self):
        if not self.cells:
            return CellRange(self, 1, 1, 1, 1)
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return CellRange(self, min(rows), min(cols), max(rows), max(cols))

    def Cells(self, row, column):
        return CellRange(self, row, column, row, column)

    def Range(self, first, second=None):
        if second is None:
            if isinstance(first, CellRange):
                return first
            return CellRange(self, *_parse_address(first))
        a = first if isinstance(first, CellRange) else self.Range(first)
        b = second if isinstance(second, CellRange) else self.Range(second)
        return CellRange(self, min(a.r1, b.r1), min(a.c1, b.c1), max(a.r2, b.r2), max(a.c2, b.c2))

    def Activate(self):
        self._call("Activate")
        object.__setattr__(self.book, "active", self)

    def Select(self):
        self.Activate()

    def Move(self, Before=None, After=None):
        self._call("Move")
        self.book.sheets.remove(self)
        target = Before if Before is not None else After
        self.book.sheets.insert(self.book.sheets.index(target) + (0 if Before is not None else 1), self)

    def Delete(self):
        self._call("Delete")
        position = self.book.sheets.index(self)
        self.book.sheets.remove(self)
        for name in self.book.names:
            sheet, address = _quoted_sheet(name.RefersTo) if "#REF!" not in name.RefersTo else ("", "")
            if sheet == self.Name:
                object.__setattr__(name, "RefersTo", "=#REF!" + address)
        if self.book.active is self:
            object.__setattr__(self.book, "active", self.book.sheets[max(0, position - 1)])

    def ChartObjects(self):
        return ChartObjects(self)

    @property
    def Columns(self):
        return CellRange(self, 1, 1, 1048576, 16384).Columns

    @property
    def Rows(self):
        return CellRange(self, 1, 1, 1048576, 16384).Rows

    def number_format(self, row: int, col: int) -> str:
        for r1, c1, r2, c2, fmt in reversed(self.formats):
            if r1 <= row <= r2 and c1 <= col <= c2:
                return fmt
        return "General"

    def value(self, address: str) -> Any:
        return self.Range(address).Value


RANGE_IID = "{00020846-0000-0000-C000-000000000046}"


class _TypeInfo:
    """What ``_oleobj_.GetTypeInfo().GetTypeAttr().iid`` gives for an Excel Range (xlwings' is_range_instance)."""

    iid = RANGE_IID

    def GetTypeInfo(self):
        return self

    def GetTypeAttr(self):
        return self


class CellRange(ComObject):
    _oleobj_ = _TypeInfo()

    def __init__(self, sheet: Worksheet, r1, c1, r2, c2):
        object.__setattr__(self, "_excel", sheet._excel)
        for key, value in zip(("sheet", "r1", "c1", "r2", "c2"), (sheet, r1, c1, r2, c2)):
            object.__setattr__(self, key, value)

    def _where(self):
        return f"Range[{self.sheet.Name}!{self.Address}]"

    Worksheet = property(lambda self: self.sheet)
    Parent = property(lambda self: self.sheet)
    Application = property(lambda self: self._excel)
    Row = property(lambda self: self.r1)
    Column = property(lambda self: self.c1)
    Count = property(lambda self: (self.r2 - self.r1 + 1) * (self.c2 - self.c1 + 1))
    Rows = property(lambda self: _Lines(self, rows=True))
    Columns = property(lambda self: _Lines(self, rows=False))
    Top = property(lambda self: 15.0 * (self.r1 - 1))
    Left = property(lambda self: 48.0 * (self.c1 - 1))

    @property
    def Address(self):
        first = f"${get_column_letter(self.c1)}${self.r1}"
        if (self.r1, self.c1) == (self.r2, self.c2):
            return first
        return f"{first}:${get_column_letter(self.c2)}${self.r2}"

    def GetAddress(self, row_absolute=True, column_absolute=True, style=1, external=False):
        address = self.Address if row_absolute and column_absolute else self.Address.replace("$", "")
        return f"[{self.sheet.book.Name}]{self.sheet.Name}!{address}" if external else address

    @property
    def Value(self):
        rows = tuple(
            tuple(self.sheet.cells.get((r, c)) for c in range(self.c1, self.c2 + 1))
            for r in range(self.r1, self.r2 + 1)
        )
        return rows[0][0] if self.Count == 1 else rows

    @Value.setter
    def Value(self, value):
        cells = self.sheet.cells
        if not isinstance(value, (list, tuple)):
            value = [[value] * (self.c2 - self.c1 + 1)] * (self.r2 - self.r1 + 1)
        for i, row in enumerate(value):
            row = row if isinstance(row, (list, tuple)) else [row]
            for j, item in enumerate(row):
                r, c = self.r1 + i, self.c1 + j
                stored = typed(item, self.sheet.number_format(r, c))
                if stored is None:
                    cells.pop((r, c), None)
                else:
                    cells[(r, c)] = stored

    Value2 = Value

    @property
    def NumberFormat(self):
        return self.sheet.number_format(self.r1, self.c1)

    @NumberFormat.setter
    def NumberFormat(self, value):
        self.sheet.formats.append((self.r1, self.c1, self.r2, self.c2, value))

    @property
    def Interior(self):
        return Style(self, "Interior", Color=16777215, ColorIndex=-4142)

    @property
    def Font(self):
        return Style(self, "Font", Bold=False, Italic=False, Size=11, Color=0)

    @property
    def FormatConditions(self):
        return FormatConditions(self)

    @property
    def ListObject(self):
        return next((t for t in self.sheet.tables if t.contains(self)), None)

    @property
    def CurrentRegion(self):
        filled = self.sheet.cells
        top, left, bottom, right = self.r1, self.c1, self.r2, self.c2
        while True:
            around = [
                (r, c)
                for r in range(top - 1, bottom + 2)
                for c in range(left - 1, right + 2)
                if not (top <= r <= bottom and left <= c <= right) and (r, c) in filled
            ]
            if not around:
                return CellRange(self.sheet, top, left, bottom, right)
            top, bottom = min([top] + [r for r, _ in around]), max([bottom] + [r for r, _ in around])
            left, right = min([left] + [c for _, c in around]), max([right] + [c for _, c in around])

    def Resize(self, rows, columns):
        return CellRange(self.sheet, self.r1, self.c1, self.r1 + rows - 1, self.c1 + columns - 1)

    def Offset(self, rows, columns):
        return CellRange(self.sheet, self.r1 + rows, self.c1 + columns, self.r2 + rows, self.c2 + columns)

    def __call__(self, row, column=1):
        return CellRange(self.sheet, self.r1 + row - 1, self.c1 + column - 1, self.r1 + row - 1, self.c1 + column - 1)

    Item = __call__

    def Select(self):
        self._call("Select")
        self.sheet.Activate()
        object.__setattr__(self._excel, "selection", self)

    def ClearContents(self):
        self._call("ClearContents")
        for key in [k for k in self.sheet.cells if self.r1 <= k[0] <= self.r2 and self.c1 <= k[1] <= self.c2]:
            del self.sheet.cells[key]

    def __eq__(self, other):
        return isinstance(other, CellRange) and (other.sheet, other.r1, other.c1, other.r2, other.c2) == (
            self.sheet,
            self.r1,
            self.c1,
            self.r2,
            self.c2,
        )

    __hash__ = object.__hash__


class _Lines(ComObject):
    """Range.Rows / Range.Columns: a count and AutoFit."""

    def __init__(self, rng: CellRange, rows: bool):
        self._fields(rng._excel, rng=rng, rows=rows)

    def _where(self):
        return f"{'Rows' if self.rows else 'Columns'}[{self.rng.sheet.Name}]"

    @property
    def Count(self):
        return self.rng.r2 - self.rng.r1 + 1 if self.rows else self.rng.c2 - self.rng.c1 + 1

    def AutoFit(self):
        self._call("AutoFit")


class Style(ComObject):
    """Range.Interior or Range.Font: what is set is logged under the range's address."""

    def __init__(self, rng: CellRange, kind: str, **defaults):
        self._fields(rng._excel, label=f"{kind}[{rng.sheet.Name}!{rng.Address}]")
        for key, value in defaults.items():
            object.__setattr__(self, key, value)

    def _where(self):
        return self.label


class FormatConditions(ComObject):
    def __init__(self, rng: CellRange):
        self._fields(rng._excel, rng=rng)
        rng.sheet.__dict__.setdefault("conditions", {})
        object.__setattr__(self, "items", rng.sheet.__dict__["conditions"].setdefault(rng.Address, []))

    def _where(self):
        return f"FormatConditions[{self.rng.sheet.Name}!{self.rng.Address}]"

    Count = property(lambda self: len(self.items))

    def Add(self, Type, Operator=None, Formula1=None, Formula2=None):
        self._call("Add", Type=Type, Operator=Operator, Formula1=Formula1, Formula2=Formula2)
        condition = FormatCondition(self.rng, Type, Operator, Formula1)
        self.items.append(condition)
        return condition

    def AddColorScale(self, ColorScaleType):
        self._call("AddColorScale", ColorScaleType=ColorScaleType)
        scale = ColorScale(self.rng, ColorScaleType)
        self.items.append(scale)
        return scale

    def __call__(self, index):
        return self.items[index - 1]

    Item = __call__


class ColorScale(ComObject):
    """FormatConditions.AddColorScale's rule: its ColorScaleCriteria(1..n) each log Type, Value and
    FormatColor.Color under the range's address."""

    def __init__(self, rng, count):
        label = f"ColorScale[{rng.sheet.Name}!{rng.Address}]"
        criteria = [ColorScaleCriterion(rng, k) for k in range(1, count + 1)]
        self._fields(rng._excel, label=label, criteria=criteria, Type=3)

    def _where(self):
        return self.label

    def ColorScaleCriteria(self, index):
        return self.criteria[index - 1]

    def SetFirstPriority(self):
        self._call("SetFirstPriority")


class ColorScaleCriterion(ComObject):
    def __init__(self, rng, index):
        label = f"ColorScaleCriterion[{rng.sheet.Name}!{rng.Address} {index}]"
        self._fields(
            rng._excel, label=label, Type=None, Value=None, FormatColor=Style(rng, f"FormatColor{index}", Color=0)
        )

    def _where(self):
        return self.label


class FormatCondition(ComObject):
    def __init__(self, rng, kind, operator, formula):
        self._fields(
            rng._excel,
            label=f"FormatCondition[{rng.sheet.Name}!{rng.Address} {formula}]",
            Type=kind,
            Operator=operator,
            Formula1=formula,
            StopIfTrue=False,
            Interior=Style(rng, "Interior", Color=16777215, ColorIndex=-4142),
            Font=Style(rng, "Font", Bold=False, Italic=False, Color=0),
        )

    def _where(self):
        return self.label

    def SetFirstPriority(self):
        self._call("SetFirstPriority")


class ListObjects(ComObject):
    def __init__(self, sheet: Worksheet):
        self._fields(sheet._excel, sheet=sheet)

    Count = property(lambda self: len(self.sheet.tables))

    def __iter__(self):
        return iter(list(self.sheet.tables))

    def Item(self, key):
        if isinstance(key, int):
            return self.sheet.tables[key - 1]
        return next(t for t in self.sheet.tables if t.Name == key)

    def Add(
        self,
        SourceType=None,
        Source=None,
        LinkSource=None,
        XlListObjectHasHeaders=None,
        Destination=None,
        TableStyleName=None,
    ):
        self._call("Add", Source.Address, TableStyleName)
        table = ListObject(Source, f"Table{len(self.sheet.tables) + 1}", TableStyleName)
        self.sheet.tables.append(table)
        return table


class ListObject(ComObject):
    def __init__(self, source: CellRange, name: str, style: str | None = None):
        self._fields(source._excel, Range=source, Name=name, TableStyle=style)

    def _where(self):
        return f"ListObject[{self.Range.sheet.Name}!{self.Range.Address}]"

    Parent = property(lambda self: self.Range.sheet)
    HeaderRowRange = property(
        lambda self: CellRange(self.Range.sheet, self.Range.r1, self.Range.c1, self.Range.r1, self.Range.c2)
    )

    def contains(self, rng: CellRange) -> bool:
        whole = self.Range
        return rng.sheet is whole.sheet and whole.r1 <= rng.r1 <= whole.r2 and whole.c1 <= rng.c1 <= whole.c2


class ChartObjects(ComObject):
    def __init__(self, sheet: Worksheet):
        self._fields(sheet._excel, sheet=sheet)

    Count = property(lambda self: len(self.sheet.charts))
    Parent = property(lambda self: self.sheet)

    def Item(self, key):
        for chart in self.sheet.charts:
            if key in (chart.Name, self.sheet.charts.index(chart) + 1):
                return chart
        raise com_error(message="The item with the specified name wasn't found.")

    def __iter__(self):
        return iter(list(self.sheet.charts))

    def Add(self, left, top, width, height):
        self._call("Add", left, top, width, height)
        chart = ChartObject(self.sheet)
        self.sheet.charts.append(chart)
        return chart


class ChartObject(ComObject):
    def __init__(self, sheet: Worksheet):
        self._fields(sheet._excel, Chart=Chart(sheet), Name=f"Chart {len(sheet.charts) + 1}", Parent=sheet)


class Chart(ComObject):
    def __init__(self, sheet: Worksheet):
        self._fields(
            sheet._excel,
            source=None,
            ChartType=None,
            HasTitle=False,
            HasLegend=True,
            ChartTitle=ChartText(sheet._excel),
            series=[],
        )

    def SetSourceData(self, source, plot_by=None):
        """One series per column of the source (plotted by columns), named "Series n" until named."""
        self._call("SetSourceData", source.Address)
        object.__setattr__(self, "source", source)
        object.__setattr__(
            self, "series", [ChartSeries(self._excel, f"Series {i + 1}") for i in range(source.c2 - source.c1 + 1)]
        )

    def SeriesCollection(self, index=None):
        collection = SeriesCollection(self)
        return collection if index is None else collection.Item(index)


class ChartText(ComObject):
    def __init__(self, excel):
        object.__setattr__(self, "_excel", excel)
        object.__setattr__(self, "Text", None)


class SeriesCollection(ComObject):
    def __init__(self, chart: Chart):
        object.__setattr__(self, "_excel", chart._excel)
        object.__setattr__(self, "chart", chart)

    Count = property(lambda self: len(self.chart.series))

    def __call__(self, index):
        return self.Item(index)

    def Item(self, index):
        return self.chart.series[index - 1]


class ChartSeries(ComObject):
    """A series: its x values, name, type, marker colours and its line and fill (Format.Line/Fill)."""

    def __init__(self, excel, name: str):
        object.__setattr__(self, "_excel", excel)
        for member, value in (
            ("Name", name),
            ("XValues", None),
            ("ChartType", None),
            ("MarkerStyle", None),
            ("MarkerForegroundColor", -1),
            ("MarkerBackgroundColor", -1),
        ):
            object.__setattr__(self, member, value)
        object.__setattr__(self, "Format", SeriesFormat(excel))


class SeriesFormat(ComObject):
    def __init__(self, excel):
        object.__setattr__(self, "_excel", excel)
        object.__setattr__(self, "Fill", LineOrFill(excel))
        object.__setattr__(self, "Line", LineOrFill(excel))


class LineOrFill(ComObject):
    def __init__(self, excel):
        object.__setattr__(self, "_excel", excel)
        object.__setattr__(self, "Visible", True)
        object.__setattr__(self, "ForeColor", ChartColour(excel))

    def Solid(self):
        self._call("Solid")


class ChartColour(ComObject):
    def __init__(self, excel):
        object.__setattr__(self, "_excel", excel)
        object.__setattr__(self, "RGB", 0)


class Names(ComObject):
    def __init__(self, book: Workbook):
        self._fields(book._excel, book=book)

    Count = property(lambda self: len(self.book.names))

    def __call__(self, key):
        return self.Item(key)

    def Item(self, key):
        if isinstance(key, int):
            return self.book.names[key - 1]
        for name in self.book.names:
            if name.Name.lower() == key.lower():
                return name
        raise com_error(-2147352567, "Exception occurred.")

    def Add(self, name, refers_to):
        if "#REF!" not in refers_to:
            _quoted_sheet(refers_to)  # a formula Excel cannot read raises, as in Excel
        self._call("Add", name, refers_to)
        for existing in self.book.names:
            if existing.Name.lower() == name.lower():
                object.__setattr__(existing, "RefersTo", refers_to)
                return existing
        item = Name(self.book, name, refers_to)
        self.book.names.append(item)
        return item


class Name(ComObject):
    def __init__(self, book: Workbook, name: str, refers_to: str):
        self._fields(book._excel, book=book, Name=name, RefersTo=refers_to)

    def _where(self):
        return f"Name[{self.Name}]"

    @property
    def RefersToRange(self):
        if "#REF!" in self.RefersTo:
            raise com_error(-2147352567, "Exception occurred.")
        sheet, address = _quoted_sheet(self.RefersTo)
        try:
            return self.book.sheet(sheet).Range(address)
        except StopIteration:
            raise com_error(-2147352567, "Exception occurred.") from None

    def Delete(self):
        self._call("Delete", self.Name)
        self.book.names.remove(self)


# ------------------------------------------------------------------------------------------ books


def _cells(rows: list[list[Any]]) -> dict:
    return {(i + 1, j + 1): v for i, row in enumerate(rows) for j, v in enumerate(row) if v not in (None, "")}


def windows_book(
    sheets: dict[str, list[list[Any]]],
    *,
    selection: str = "A1",
    active: int = 0,
    tables: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
):
    """An xlwings Book on xlwings' Windows engine over a fake Excel holding ``sheets``.

    ``selection`` is an address on the active sheet; ``tables`` maps a sheet name to the
    address of an Excel table (ListObject) on it; ``names`` maps workbook names to formulas.
    Returns (book, excel): ``excel.log`` records every set property and call.
    """
    windows = install_pywin32()
    import xlwings as xw

    excel = Application()
    _RUNNING["excel"] = excel
    workbook = Workbook(excel)
    for name, rows in sheets.items():
        workbook.sheets.append(Worksheet(workbook, name, _cells(rows)))
    object.__setattr__(workbook, "active", workbook.sheets[active])
    for sheet_name, address in (tables or {}).items():
        sheet = workbook.sheet(sheet_name)
        sheet.tables.append(ListObject(sheet.Range(address), f"Table{len(sheet.tables) + 1}"))
    for name, refers_to in (names or {}).items():
        workbook.names.append(Name(workbook, name, refers_to))
    object.__setattr__(excel, "selection", workbook.sheets[active].Range(selection))
    excel.log.clear()
    MESSAGE_BOXES.clear()
    return xw.Book(impl=windows.Book(xl=workbook)), excel


def com_range(rows: list[list[Any]], sheet_name: str = "Data"):
    """A fake COM Range holding ``rows`` from A1 on a sheet of its own (what Excel hands a UDF)."""
    excel = Application()
    workbook = Workbook(excel)
    sheet = Worksheet(workbook, sheet_name, _cells(rows))
    workbook.sheets.append(sheet)
    object.__setattr__(workbook, "active", sheet)
    return sheet.Range(sheet.Cells(1, 1), sheet.Cells(len(rows), max(len(r) for r in rows)))


@contextlib.contextmanager
def classic_udfs():
    """The udfs package decorated by classic xlwings' (Windows) decorators, as Excel imports it.

    Yields the module; ``xlwings.udfs.call_udf("udfs", NAME, ...)`` finds it. The
    package imported by the other tests (server decorators) is put back afterwards.
    """
    install_pywin32()
    import xlwings
    from xlwings import udfs as classic

    saved_modules = {name: module for name, module in sys.modules.items() if name == "udfs" or name.startswith("udfs.")}
    saved_decorators = (xlwings.func, xlwings.arg, xlwings.ret)
    for name in saved_modules:
        del sys.modules[name]
    xlwings.func, xlwings.arg, xlwings.ret = classic.xlfunc, classic.xlarg, classic.xlret
    try:
        module = importlib.import_module("udfs")
        classic.udf_modules["udfs"] = {"filename": module.__file__, "filetime": None, "module": module}
        yield module
    finally:
        classic.udf_modules.pop("udfs", None)
        xlwings.func, xlwings.arg, xlwings.ret = saved_decorators
        for name in [n for n in sys.modules if n == "udfs" or n.startswith("udfs.")]:
            del sys.modules[name]
        sys.modules.update(saved_modules)
