"""Where a report file goes, without ever losing a user's file.

- the name segmenter gives a result when the user names none is made in one place,
  :func:`output_path`: ``<input>-segmenter.xlsx`` beside the input, and the Parquet file of
  every row beside the report;
- the output is an .xlsx: another suffix is corrected to .xlsx, and the caller says so;
- it is never the input (also not through another path, a symbolic link or a hard link);
- an existing file is replaced only when it is a segmenter report (marked in its document
  properties by the file writer, :data:`REPORT_MARK`) or when the user says ``--force``;
- a missing or unwritable folder is refused before any work is done;
- the report is written to a temporary file in the target folder and renamed into place only
  when complete (:func:`atomic_write`), so a failed or interrupted run leaves any earlier file
  as it was;
- the files of one run (the .xlsx and the Parquet file beside it) are all written to temporaries
  and renamed into place together at the end, under a lock on the folder, so two runs to one name
  never pair one run's workbook with the other's Parquet (:class:`Outputs`);
- ``--force`` covers only the name the user typed: never a name segmenter chose (a corrected
  suffix, the Parquet file beside the report);
- temporaries are named ``.~segmenter-<process id>-...``: removed on failure, Ctrl-C and SIGTERM,
  and one left by a killed run (its process gone) is removed by the next run in that folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from core.errors import SegmenterInputError

#: The document property ``keywords`` of every workbook segmenter writes (docProps/core.xml).
REPORT_MARK = "segmenter report"
REPORT_SUFFIX = ".xlsx"
Result = TypeVar("Result")
TEMP_PREFIX = ".~segmenter-"
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"(?:(?P<pid>\d+)-)?[^/\\]*$")
#: A temporary without a live process id (an older run's, or on Windows) is stale after this long.
STALE_SECONDS = 3600
#: The largest docProps/core.xml read to find the mark (a real one is about 1 KB).
PROPERTIES_BYTES = 1 << 20


#: What segmenter adds to its input's name for the report it writes beside it.
OUTPUT_TAG = "-segmenter"
GLOB_CHARACTERS = "*?["


def output_path(
    source: Path | str | None, *, table: str | None = None, rows: str | None = None, folder: Path | str = "."
) -> Path:
    """The file segmenter writes for ``source`` when the user names none: beside it, named after it.

    The report of a file is ``<name>-segmenter.xlsx`` beside it, ``<name>`` the file's name
    without its last suffix; of a folder or a glob, the folder's whole name (a glob names its
    folder; a glob in the current folder is "tables"); with a warehouse ``table``, its name follows
    (made safe for a file name: a table name is no path); without a source (a query), it is
    ``query-segmenter.xlsx`` in ``folder``. With ``rows`` ("accounts" or "customers"), ``source``
    is the report and the result is the Parquet file of every row beside it,
    ``<report name>-<rows>.parquet``. Only the name is made here: :func:`report_path` then refuses
    an input, a folder or a user's file.

    Parameters
    ----------
    source : path, text or None
        The input file, folder or glob (the report, with ``rows``); None for a query.
    table : str, optional
        The table read from a database file (``--table``).
    rows : str, optional
        What the Parquet file beside the report holds.
    folder : path
        Where a query's report goes (the current folder; the workbook's folder for the ribbon).

    Examples
    --------
    >>> output_path("data/accounts.csv").as_posix()
    'data/accounts-segmenter.xlsx'
    >>> output_path("sales.2024.q1.xlsx").as_posix()  # a name with dots loses only its suffix
    'sales.2024.q1-segmenter.xlsx'
    >>> output_path("accounts-segmenter.xlsx").as_posix()  # an input named like an output is not overwritten
    'accounts-segmenter-segmenter.xlsx'
    >>> output_path("lake/orders.v2/*.parquet").as_posix()  # a glob names its folder, dots and all
    'lake/orders.v2-segmenter.xlsx'
    >>> output_path("*.parquet").as_posix()
    'tables-segmenter.xlsx'
    >>> output_path("warehouse.duckdb", table="sales/2024").as_posix()
    'warehouse-sales_2024-segmenter.xlsx'
    >>> output_path(None, folder="books").as_posix()
    'books/query-segmenter.xlsx'
    >>> output_path("lake/orders-segmenter.xlsx", rows="accounts").as_posix()
    'lake/orders-segmenter-accounts.parquet'
    """
    if rows is not None:
        report = Path(source)
        return report.with_name(f"{report.stem}-{rows}.parquet")
    if source is None or not str(source):
        return Path(folder) / f"query{OUTPUT_TAG}{REPORT_SUFFIX}"
    path, globbed = Path(source), False
    while any(ch in path.name for ch in GLOB_CHARACTERS):
        path, globbed = path.parent, True
    name = path.name if globbed or path.is_dir() else path.stem
    if table:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in table).strip(".")
        name = f"{name or 'tables'}-{safe}" if safe else name
    stem = (name or "tables") + OUTPUT_TAG + REPORT_SUFFIX
    return path.with_name(stem) if path.name else path / stem


def report_path(output: Path, source: Path | Iterable[Path] | None, *, force: bool = False) -> tuple[Path, list[str]]:
    """The path to write the report to, and what the user must be told about it.

    ``source``: the input file, or every file the run reads (each file of a glob or folder, the
    files a query reads). Raises :class:`SegmenterInputError` for an output that is one of them,
    a folder, an existing file that is not a segmenter report (without ``force``; never for a name
    segmenter chose by correcting the suffix), or a folder that is missing or not writable.

    >>> path, notes = report_path(Path("report.csv"), None)
    >>> path.name, notes
    ('report.xlsx', ['writing report.xlsx: a report is an Excel workbook, not .csv'])
    """
    notes = []
    chosen = False
    if output.is_dir():  # before the suffix is corrected: "-o reports" naming a folder is not "reports.xlsx"
        raise SegmenterInputError(
            f"the output {output} is a folder: name a file in it, e.g. -o {output / 'report.xlsx'}"
        )
    if output.suffix.lower() != REPORT_SUFFIX:
        corrected = (
            output.with_name(output.name + REPORT_SUFFIX) if not output.suffix else output.with_suffix(REPORT_SUFFIX)
        )
        notes.append(
            f"writing {corrected.name}: a report is an Excel workbook, not {output.suffix or 'a file without suffix'}"
        )
        output, chosen = corrected, True
    check_not_input(output, source, "the output")
    if output.is_dir():
        raise SegmenterInputError(
            f"the output {output} is a folder: name a file in it, e.g. -o {output / 'report.xlsx'}"
        )
    folder = output.parent
    if not folder.is_dir():
        raise SegmenterInputError(
            f"cannot write {output}: the folder {folder} does not exist; create it or choose another folder with -o"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SegmenterInputError(
            f"cannot write {output}: the folder {folder} is not writable; choose another folder with -o"
        )
    if (output.exists() or output.is_symlink()) and not is_segmenter_report(output):
        if chosen:
            raise SegmenterInputError(
                f"{output} exists and is not a segmenter report: segmenter chose that name "
                f"(a report is .xlsx), so --force does not cover it; name the report with -o"
            )
        if not force:
            raise SegmenterInputError(
                f"{output} exists and is not a segmenter report: choose another name with -o, "
                "or add --force to replace it"
            )
    return output, notes


def check_not_input(output: Path, sources: Path | Iterable[Path] | None, what: str) -> None:
    """Refuse an output that is one of the input files (by any path, link or hard link)."""
    if sources is None:
        return
    for source in [sources] if isinstance(sources, (str, os.PathLike)) else sources:
        source = Path(source)
        if output.exists() and source.exists() and os.path.samefile(source, output):
            raise SegmenterInputError(
                f"{what} {output} is the input file {source.name}: segmenter never overwrites "
                "its input; choose another name with -o"
            )


def is_segmenter_report(path: Path) -> bool:
    """Whether ``path`` is a workbook that segmenter wrote (its document properties carry the mark).

    Reads only the document properties (docProps/core.xml, with openpyxl's parser), not the
    sheets, and only a regular file whose properties are at most :data:`PROPERTIES_BYTES`
    (a member inflating to gigabytes is not read).
    """
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.xml.functions import fromstring

    try:
        if path.is_symlink() or not path.is_file():
            return False
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > PROPERTIES_BYTES:
                return False
            with archive.open(info) as member:
                data = member.read(PROPERTIES_BYTES + 1)
            if len(data) > PROPERTIES_BYTES:
                return False
            properties = DocumentProperties.from_tree(fromstring(data))
    except (OSError, KeyError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile, RuntimeError, EOFError):
        return False
    return properties.keywords == REPORT_MARK


class Outputs:
    """The files of one run, each written to a temporary in its own folder, renamed into place
    together by :meth:`commit`, or all removed by :meth:`discard` (also on any exception, Ctrl-C
    or SIGTERM, when used as a context manager).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with Outputs() as outputs:
    ...     _ = outputs.temporary(folder / "a.xlsx").write_text("a")
    ...     _ = outputs.temporary(folder / "a.parquet").write_text("b")
    ...     outputs.commit()
    >>> sorted(p.name for p in folder.iterdir())
    ['a.parquet', 'a.xlsx']
    """

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []

    def temporary(self, path: Path) -> Path:
        """A new empty temporary file for ``path``, in its folder (stale ones there removed first)."""
        path = Path(path)
        clean_stale(path.parent)
        handle, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=path.suffix, dir=path.parent)
        os.close(handle)
        self.pending.append((Path(name), path))
        return Path(name)

    def commit(self) -> None:
        """Rename every temporary into place, back to back, holding a lock on each folder."""
        with contextlib.ExitStack() as stack:
            for folder in sorted({str(final.parent) for _, final in self.pending}):
                stack.enter_context(folder_lock(Path(folder)))
            for temporary, final in self.pending:
                os.chmod(temporary, _file_mode(final))  # mkstemp's file is private (0600); a report is not
            for temporary, final in self.pending:
                try:
                    os.replace(temporary, final)
                except PermissionError:
                    raise SegmenterInputError(
                        f"cannot replace {final}: it is open in another program or read-only; close it and run again"
                    ) from None
        self.pending = []

    def discard(self) -> None:
        for temporary, _ in self.pending:
            with contextlib.suppress(OSError):
                temporary.unlink()
        self.pending = []

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.discard()


def atomic_write(path: Path, write: Callable[[Path], Result]) -> Result:
    """Run ``write(temporary_path)`` and move the file into ``path`` only when it completes.

    The temporary file is in the target folder (so the final rename is atomic on one file
    system) and is removed when ``write`` fails or is interrupted; an earlier ``path`` stays as it was.
    """
    with Outputs() as outputs:
        result = write(outputs.temporary(path))
        outputs.commit()
    return result


def clean_stale(folder: Path) -> list[Path]:
    """Remove the temporaries a killed run left in ``folder`` (its process is gone; or, where that
    cannot be told, older than :data:`STALE_SECONDS`); returns what was removed."""
    removed = []
    try:
        names = [entry for entry in os.scandir(folder) if entry.name.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    for entry in names:
        match = _TEMP_NAME.match(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        pid = int(match["pid"]) if match["pid"] else None
        if pid == os.getpid():
            continue
        try:
            stale = (
                (not _alive(pid))
                if pid is not None and sys.platform != "win32"
                else time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            )
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # POSIX: signal 0 only checks (on Windows it would send Ctrl-C: not used there)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` while the outputs are renamed into it (POSIX ``flock`` on the
    folder itself, so no lock file is left; where there is none, no lock)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def interruptible(work: Callable[[], Result], poll: float = 0.2) -> Result:
    """Run ``work`` (a long call into compiled code, such as compressing the workbook) in a thread,
    so that Ctrl-C and SIGTERM reach the main thread at once instead of after the call returns.

    The call's own exception is raised here; an interrupt is raised while it still runs (the
    caller's temporaries are removed; the thread writes into a file that is already gone).
    """
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as error:  # handed to the main thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="segmenter-write", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(poll)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def terminate_as_interrupt() -> Callable[[], None]:
    """Make SIGTERM (``kill``) stop the run as Ctrl-C does, so that its temporaries are removed;
    returns the function that puts the earlier handler back. Only the main thread can do this:
    elsewhere nothing changes."""
    import signal

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        return lambda: None

    def interrupt(number, frame):
        raise KeyboardInterrupt("terminated")

    previous = signal.signal(signal.SIGTERM, interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _file_mode(path: Path) -> int:
    """The mode a new file gets (0666 less the umask), or the mode of the file it replaces."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask
