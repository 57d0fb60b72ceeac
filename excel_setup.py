"""Setting up Excel to run segmenter: which Python it starts, and whether the versions agree.

Excel does not know about a virtual environment. xlwings' VBA module (inside segmenter.xlsm)
starts ``python`` for the ribbon and ``pythonw`` for worksheet functions, whichever comes first
on the PATH, unless the setting ``Interpreter_Win`` (Windows) or ``Interpreter_Mac`` (macOS)
names one. It reads that setting from, in order: the workbook's xlwings.conf sheet, a file
``xlwings.conf`` in the workbook's folder, then the user's ``~/.xlwings/xlwings.conf``.

``segmenter setup`` writes the Python that runs it into the folder's ``xlwings.conf`` file
(a line ``"INTERPRETER_WIN","C:\\...\\python.exe"``, other lines kept): the workbook itself is
not rewritten (its ribbon would not survive a rewrite by openpyxl) and other workbooks that
use xlwings keep their own setting. xlwings' VBA ignores the folder's file when the workbook
lies in a OneDrive or SharePoint folder (it cannot turn the workbook's web address into a local
folder), so there ``segmenter setup`` writes the user's ``~/.xlwings/xlwings.conf`` instead, and
says which file it wrote and why. The VBA reads the file with ``Input #`` in the ANSI code page
(cp1252 in Western Europe), so the file is written in it; a path that code page cannot hold is
written as its short 8.3 form, or refused with a sentence when the volume has none.

``segmenter install`` copies the add-in segmenter.xlam where Excel looks for add-ins
(``%APPDATA%\\Microsoft\\AddIns`` on Windows, Office's ``Add-Ins.localized`` folder on macOS) and
writes the interpreter into ``%USERPROFILE%\\.segmenter\\segmenter.conf``: the add-in carries
xlwings' module for custom add-ins with the project name "segmenter", which reads a
``segmenter.conf`` sheet or file beside the active workbook first, then that user file (the same
on a OneDrive or SharePoint folder).

This module imports nothing beyond the standard library at the top, so that Check setup can run
and name what is missing when numpy, pandas or scipy are not installed. It also checks that
the installed xlwings package is the
version of the VBA module in the workbook, which scripts/build_workbook.py records in the
workbook name :data:`VBA_VERSION_NAME`. The ribbon's Check setup button shows the same facts
from inside Excel.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import io
import locale
import os
import platform
import re
import shutil
import sys
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

#: Workbook name holding the xlwings version of the VBA module inside segmenter.xlsm ("=\"0.37.8\"").
VBA_VERSION_NAME = "segmenter_xlwings_vba"
CONFIG_FILE = "xlwings.conf"
WORKBOOK = Path(__file__).resolve().parent / "segmenter.xlsm"
ADDIN = Path(__file__).resolve().parent / "segmenter.xlam"
#: PROJECT_NAME of the xlwings module inside the add-in: its settings are "segmenter.conf".
ADDIN_PROJECT = "segmenter"
FOLDER = Path(__file__).resolve().parent
REQUIRED = ("numpy", "pandas", "scipy", "openpyxl")
#: The packages an extra brings that segmenter imports (import name -> extra).
EXTRA_OF = {
    "xlwings": "excel",
    "openpyxl": "cli",
    "python_calamine": "cli",
    "rvgsrust_xlsxwriter": "cli",
    "pyarrow": "cli",
    "tqdm": "cli",
    "fastexcel": "cli",
    "ibis": "warehouse",
    "duckdb": "warehouse",
    "sqlglot": "warehouse",
    "pyspark": "warehouse",
}
#: What the extras are for, in the sentence that says one is missing.
EXTRA_USE = {
    "excel": "Excel's classic add-in",
    "cli": "reading and writing files",
    "warehouse": "tables beyond one sheet (DuckDB, Spark)",
}


def interpreter_key(platform_name: str = sys.platform) -> str:
    """The xlwings setting that names the interpreter on this platform.

    Examples
    --------
    >>> interpreter_key("win32"), interpreter_key("darwin")
    ('INTERPRETER_WIN', 'INTERPRETER_MAC')
    """
    return "INTERPRETER_MAC" if platform_name == "darwin" else "INTERPRETER_WIN"


def version_text(formula: str | None) -> str | None:
    """The version in a name's formula: '="0.37.8"' -> '0.37.8'; None when there is none.

    Examples
    --------
    >>> version_text('="0.37.8"'), version_text("=#REF!"), version_text(None)
    ('0.37.8', None, None)
    """
    match = re.fullmatch(r'=?"?([0-9][0-9A-Za-z.+-]*)"?', (formula or "").strip())
    return match[1] if match else None


def workbook_vba_version(book) -> str | None:
    """The xlwings version of the VBA module in an open workbook (xlwings Book), from its name."""
    wanted = VBA_VERSION_NAME.lower()
    name = next((item for item in book.names if item.name.lower() == wanted), None)
    return version_text(name.refers_to) if name is not None else None


def package_vba_version(path: Path) -> str | None:
    """The same, read from the workbook package with the standard library only (Check setup)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            workbook = package.read("xl/workbook.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    match = re.search(rf'<definedName name="{VBA_VERSION_NAME}"[^>]*>([^<]*)</definedName>', workbook)
    return version_text("=" + match[1].replace("&quot;", '"')) if match else None


def addin_vba_version(book) -> str | None:
    """The VBA module version of the add-in, when Check setup runs from it on a workbook of the
    user's (which carries no such name): the loaded add-in by name, else its installed file."""
    try:
        return workbook_vba_version(book.app.books[ADDIN.name])
    except Exception:  # not loaded under that name, or an engine that cannot reach add-ins
        pass
    candidates = [ADDIN]
    try:
        candidates.insert(0, addins_folder() / ADDIN.name)
    except SetupError:
        pass
    return next((v for v in map(package_vba_version, candidates) if v), None)


def file_vba_version(path: Path) -> str | None:
    """The same, read from a workbook file without opening Excel."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, keep_links=False)
    try:
        name = book.defined_names.get(VBA_VERSION_NAME)
        return version_text("=" + name.attr_text) if name is not None else None
    finally:
        book.close()


def _installed(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def pip_command(packages: str, interpreter: str = sys.executable) -> str:
    """The command that installs ``packages`` into ``interpreter``, quoted for any shell.

    Examples
    --------
    >>> pip_command("numpy scipy", "/venv/bin/python")
    '"/venv/bin/python" -m pip install numpy scipy'
    """
    return f'"{interpreter}" -m pip install {packages}'


def extra_command(extra: str, interpreter: str = sys.executable, folder: Path = FOLDER) -> str:
    """The command that installs segmenter with one of its extras into ``interpreter``.

    Examples
    --------
    >>> extra_command("warehouse", "python", Path("/opt/segmenter"))
    '"python" -m pip install -e "/opt/segmenter[warehouse]"'
    """
    return pip_command(f'-e "{folder}[{extra}]"', interpreter)


def missing_extra(error: ImportError, interpreter: str = sys.executable, folder: Path = FOLDER) -> str:
    """One sentence for an optional package that is not installed: what it is for, and the command.

    Examples
    --------
    >>> missing_extra(ModuleNotFoundError("No module named 'duckdb'", name="duckdb"), "python", Path("/s"))
    'duckdb is not installed: tables beyond one sheet (DuckDB, Spark) need the warehouse extra. Install it with  "python" -m pip install -e "/s[warehouse]"  and try again.'
    """  # noqa: E501
    module = (getattr(error, "name", None) or str(error).split("'")[-2 if "'" in str(error) else -1]).split(".")[0]
    extra = EXTRA_OF.get(module)
    if extra is None:
        return f"{module} is not installed. Install it with  {pip_command(module, interpreter)}  and try again."
    return (
        f"{module} is not installed: {EXTRA_USE[extra]} need the {extra} extra. "
        f"Install it with  {extra_command(extra, interpreter, folder)}  and try again."
    )


def setup_lines(vba_version: str | None, interpreter: str = sys.executable) -> list[str]:
    """What Check setup and ``segmenter setup`` report: Python, xlwings, segmenter, or what is missing.

    A line starting with "!" is a problem, and says how to fix it: each missing package is named
    with the command that installs it into this Python. Nothing here imports numpy, pandas or
    scipy, so the lines come even when they are missing.
    """
    xlwings_version = _installed("xlwings")
    lines = [
        f"Python {platform.python_version()}: {interpreter}",
        f"xlwings {xlwings_version or 'not installed'}; the workbook's VBA module: {vba_version or 'unknown'}",
        f"segmenter {_installed('segmenter') or '(not installed, run from its folder)'}: {FOLDER}",
    ]
    if xlwings_version is None:
        lines.append(f"! xlwings is missing: run  {extra_command('excel,cli', interpreter)}")
    elif vba_version is None:
        lines.append(
            f"! this workbook does not say its xlwings version (name {VBA_VERSION_NAME}): "
            "use the segmenter.xlam or segmenter.xlsm of the segmenter folder"
        )
    elif vba_version != xlwings_version:
        lines.append(
            f"! xlwings {xlwings_version} is installed but the workbook's VBA module is {vba_version}: "
            f"run  {pip_command(f'xlwings=={vba_version}', interpreter)}"
        )
    for name in REQUIRED:
        if _installed(name) is None and not _importable(name):
            lines.append(
                f"! {name} is missing: run  {pip_command(name, interpreter)}  "
                f"(or, for everything,  {extra_command('excel,cli', interpreter)})"
            )
    if not any(line.startswith("!") for line in lines):
        lines.append("Setup is complete.")
    return lines


def check_setup(book=None) -> list[str]:
    """Ribbon: Check setup, in a message box. Imports only the standard library and xlwings, so it
    runs (and names what is missing) when numpy, pandas or scipy are not installed."""
    if book is None:
        import xlwings as xw

        book = xw.Book.caller()
    try:
        message = "\n".join(setup_lines(vba_version=workbook_vba_version(book) or addin_vba_version(book)))
    except Exception as error:  # the boundary with Excel: a message box, never a traceback
        message = f"segmenter could not check the setup: {type(error).__name__}: {error}"
    book.app.alert(message, title="segmenter")
    return [message]


def config_encoding(platform_name: str = sys.platform) -> str:
    """The encoding xlwings' VBA reads xlwings.conf in: Windows' ANSI code page (``Open ... For Input``
    and ``Input #`` read bytes as that code page), UTF-8 on macOS.

    On Windows this is the machine's code page (cp1252 in Western Europe and the Americas, cp1250
    in Central Europe, cp932 in Japan ...); cp1252 stands in for it when a test runs the Windows
    branch elsewhere.
    """
    if platform_name != "win32":
        return "utf-8"
    return locale.getencoding() if sys.platform == "win32" else "cp1252"


def _short_path(path: str) -> str:
    """Windows' 8.3 short form of an existing path (the same path where the volume keeps none)."""
    import ctypes

    size = ctypes.windll.kernel32.GetShortPathNameW(path, None, 0)
    if not size:
        return path
    buffer = ctypes.create_unicode_buffer(size)
    ctypes.windll.kernel32.GetShortPathNameW(path, buffer, size)
    return buffer.value


class SetupError(ValueError):
    """A setting that cannot be written in a form Excel reads; the message says what to do."""


def vba_readable(path: str, encoding: str, short_path=None) -> str:
    r"""``path`` as it can be written for the VBA to read in ``encoding``: itself, else (Windows) its
    8.3 short form, which is plain ASCII; otherwise :class:`SetupError`.

    Examples
    --------
    >>> vba_readable(r"C:\Users\José Müller\python.exe", "cp1252")
    'C:\\Users\\José Müller\\python.exe'
    >>> vba_readable(r"C:\Users\Łukasz\python.exe", "cp1252", short_path=lambda p: r"C:\Users\UKASZ~1\python.exe")
    'C:\\Users\\UKASZ~1\\python.exe'
    """

    def fits(text: str) -> bool:
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            return False
        return True

    if fits(path):
        return path
    short = (short_path or _short_path)(path) if short_path or sys.platform == "win32" else path
    if fits(short):
        return short
    foreign = "".join(sorted({ch for ch in path if not fits(ch)}))
    raise SetupError(
        f"the path {path} holds characters ({foreign}) that Excel's VBA cannot read on this "
        f"machine (code page {encoding}), and the disk keeps no short name for it: install Python "
        "and segmenter in a folder with a plain name, e.g. C:\\segmenter, and run this again"
    )


def read_config(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    """The rows of an xlwings.conf file ("KEY","value" per line); none when it does not exist.

    Bytes that ``encoding`` does not decode are kept as they are (surrogate escapes), so a line
    written by another tool in another encoding goes back unchanged.
    """
    if not path.exists():
        return []
    with path.open(newline="", encoding=encoding, errors="surrogateescape") as handle:
        return [row for row in csv.reader(handle) if row]


def write_config(path: Path, interpreter: str, platform_name: str = sys.platform, encoding: str | None = None) -> Path:
    """Set the interpreter for this platform in the xlwings.conf at ``path``, keeping its other lines,
    in the encoding the VBA reads (:func:`config_encoding`).

    The file is replaced atomically (written beside it, then renamed), so a failure leaves the
    old file as it was.
    """
    encoding = encoding or config_encoding(platform_name)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = interpreter_key(platform_name)
    rows = [row for row in read_config(path, encoding) if row[0].upper() != key] + [[key, interpreter]]
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".xlwings-", suffix=".conf")
    try:
        with os.fdopen(handle, "w", encoding=encoding, errors="surrogateescape", newline="") as out:
            out.write(buffer.getvalue())
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return path


def write_interpreter(
    folder: Path, interpreter: str, platform_name: str = sys.platform, encoding: str | None = None
) -> Path:
    """:func:`write_config` for ``folder/xlwings.conf``."""
    return write_config(Path(folder) / CONFIG_FILE, interpreter, platform_name, encoding)


def _path_type(platform_name: str):
    return PureWindowsPath if platform_name == "win32" else PurePosixPath


def cloud_folder(folder: Path, platform_name: str = sys.platform, env=None) -> str | None:
    r"""The cloud service whose synced folder holds ``folder`` (OneDrive, SharePoint), or None.

    Examples
    --------
    >>> cloud_folder(Path(r"C:\Users\me\OneDrive - Contoso\Finance"), "win32", {})
    'OneDrive/SharePoint'
    >>> cloud_folder(Path(r"D:\Sync\Finance"), "win32", {"OneDriveCommercial": r"D:\Sync"})
    'OneDrive (OneDriveCommercial)'
    >>> cloud_folder(Path(r"C:\Users\me\Documents"), "win32", {}) is None
    True
    """
    env = os.environ if env is None else env
    kind = _path_type(platform_name)
    place = kind(str(folder))
    for variable in ("OneDriveCommercial", "OneDriveConsumer", "OneDrive"):
        root = env.get(variable)
        if root and (place == kind(root) or kind(root) in place.parents):
            return f"OneDrive ({variable})"
    parts = [part.lower() for part in place.parts]
    if any(part.startswith("onedrive") or "sharepoint" in part for part in parts):
        return "OneDrive/SharePoint"
    if "cloudstorage" in parts:  # macOS: ~/Library/CloudStorage/OneDrive-...
        return "OneDrive/SharePoint (CloudStorage)"
    return None


def user_config(platform_name: str = sys.platform, home: Path | None = None, project: str = "xlwings") -> Path:
    """The user's config file of an xlwings VBA module with PROJECT_NAME ``project``:
    ``%USERPROFILE%\\.xlwings\\xlwings.conf`` on Windows; on macOS the one in Excel's container
    (xlwings' VBA reads ``~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf``)."""
    home = Path.home() if home is None else Path(home)
    if platform_name == "darwin":
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{project}.conf"
    return home / f".{project}" / f"{project}.conf"


def config_target(
    folder: Path, platform_name: str = sys.platform, env=None, home: Path | None = None
) -> tuple[Path, str]:
    """Which xlwings.conf to write for a workbook in ``folder``, and why."""
    cloud = cloud_folder(folder, platform_name, env)
    if cloud is not None:
        return (
            user_config(platform_name, home),
            f"the user's file: the workbook's folder is synced by {cloud}, and xlwings' VBA ignores an "
            "xlwings.conf beside a workbook there. Every xlwings workbook of this user without its own setting "
            "now starts this Python",
        )
    return Path(folder) / CONFIG_FILE, "the file beside the workbook, which xlwings' VBA reads for it"


def _write_setting(target: Path, interpreter: str, platform_name: str, short_path=None) -> tuple[Path, list[str]]:
    encoding = config_encoding(platform_name)
    text = vba_readable(interpreter, encoding, short_path)
    path = write_config(target, text, platform_name, encoding)
    notes = [
        f"written in {encoding}, the ANSI code page xlwings' VBA reads it in"
        if platform_name == "win32"
        else f"written in {encoding}"
    ]
    if text != interpreter:
        notes.append(f"as its short form {text}: code page {encoding} cannot hold every character of {interpreter}")
    return path, notes


def run_setup(
    workbook: Path = WORKBOOK,
    interpreter: str = sys.executable,
    platform_name: str = sys.platform,
    env=None,
    home: Path | None = None,
    short_path=None,
) -> tuple[list[str], bool]:
    """``segmenter setup``: write the interpreter where xlwings reads it for the workbook, and check
    the versions.

    Returns the lines to print and whether everything is in order.
    """
    workbook = Path(workbook)
    if not workbook.exists():
        return [f"! no workbook at {workbook}: pass the path of segmenter.xlsm"], False
    target, why = config_target(workbook.parent, platform_name, env, home)
    try:
        path, notes = _write_setting(target, interpreter, platform_name, short_path)
    except SetupError as error:
        return [f"! {error}"], False
    lines = [
        f"Excel will start {interpreter} ({interpreter_key(platform_name)} in {path}: {why}; " + "; ".join(notes) + ")"
    ]
    lines += setup_lines(file_vba_version(workbook), interpreter)
    if platform_name == "darwin":
        script = (
            Path.home()
            / "Library"
            / "Application Scripts"
            / "com.microsoft.Excel"
            / f"xlwings-{_installed('xlwings')}.applescript"
        )
        if not script.exists():
            lines.append("! macOS: run  xlwings runpython install  once, so that Excel may start Python")
    return lines, not any(line.startswith("!") for line in lines)


def addins_folder(platform_name: str = sys.platform, env=None, home: Path | None = None) -> Path:
    """Where Excel looks for add-ins: ``%APPDATA%\\Microsoft\\AddIns`` (Windows), Office's
    ``User Content.localized/Add-Ins.localized`` group container (macOS)."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else Path(home)
    if platform_name == "win32":
        appdata = env.get("APPDATA") or str(home / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "AddIns"
    if platform_name == "darwin":
        return (
            home / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized" / "Add-Ins.localized"
        )
    raise SetupError(
        "Excel add-ins exist on Windows and macOS only; on this system use the command line "
        "(segmenter report FILE) or xlwings Lite"
    )


def run_install(
    addin: Path = ADDIN,
    interpreter: str = sys.executable,
    platform_name: str = sys.platform,
    env=None,
    home: Path | None = None,
    short_path=None,
) -> tuple[list[str], bool]:
    """``segmenter install``: copy the add-in where Excel loads add-ins and point it at this Python.

    The copy replaces an older one atomically; when Excel has the add-in open (Windows locks the
    file), it says to close Excel first. Returns the lines to print and whether it worked.
    """
    addin = Path(addin)
    if not addin.exists():
        return [f"! no add-in at {addin}: build it with  ./run addin  in the segmenter folder"], False
    try:
        folder = addins_folder(platform_name, env, home)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / addin.name
        handle, scratch = tempfile.mkstemp(dir=folder, prefix=".segmenter-", suffix=".xlam")
        os.close(handle)
        try:
            shutil.copyfile(addin, scratch)
            os.replace(scratch, target)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise
        path, notes = _write_setting(
            user_config(platform_name, home, ADDIN_PROJECT), interpreter, platform_name, short_path
        )
    except SetupError as error:
        return [f"! {error}"], False
    except PermissionError:
        return [f"! {addin.name} in {folder} is in use: close Excel and run this again"], False
    menu = (
        "File > Options > Add-ins > Manage: Excel Add-ins > Go..."
        if platform_name == "win32"
        else "Tools > Excel Add-ins..."
    )
    return [
        f"Copied {addin.name} to {target}",
        f"The add-in starts {interpreter} ({interpreter_key(platform_name)} in {path}, the user's setting of "
        "the add-in, read for every workbook that has no segmenter.conf of its own; " + "; ".join(notes) + ")",
        f"In Excel, once: {menu}, tick Segmenter, OK. Every workbook then has the segmenter tab and functions.",
    ], True
