"""Where a report file goes, without ever losing a user's file.

- the output is an .xlsx: another suffix is corrected to .xlsx, and the caller says so;
- it is never the input (also not through another path, a symbolic link or a hard link);
- an existing file is replaced only when it is a segmenter report (marked in its document
  properties by the file writer, :data:`REPORT_MARK`) or when the user says ``--force``;
- a missing or unwritable folder is refused before any work is done;
- the report is written to a temporary file in the target folder and renamed into place only
  when complete (:func:`atomic_write`), so a failed or interrupted run leaves any earlier file
  as it was.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, TypeVar

from core.errors import SegmenterInputError

#: The document property ``keywords`` of every workbook segmenter writes (docProps/core.xml).
REPORT_MARK = "segmenter report"
REPORT_SUFFIX = ".xlsx"
Result = TypeVar("Result")


def report_path(output: Path, source: Path | None, *, force: bool = False) -> tuple[Path, list[str]]:
    """The path to write the report to, and what the user must be told about it.

    Raises :class:`SegmenterInputError` for an output that is the input, a folder, an existing
    file that is not a segmenter report (without ``force``), or a folder that is missing or
    not writable.

    >>> path, notes = report_path(Path("report.csv"), None)
    >>> path.name, notes
    ('report.xlsx', ['writing report.xlsx: a report is an Excel workbook, not .csv'])
    """
    notes = []
    if output.suffix.lower() != REPORT_SUFFIX:
        corrected = output.with_name(output.name + REPORT_SUFFIX) if not output.suffix else output.with_suffix(REPORT_SUFFIX)
        notes.append(f"writing {corrected.name}: a report is an Excel workbook, not {output.suffix or 'a file without suffix'}")
        output = corrected
    if source is not None and output.exists() and source.exists() and os.path.samefile(source, output):
        raise SegmenterInputError(f"the output {output} is the input file {source.name}: segmenter never overwrites "
                                  "its input; choose another name with -o")
    if output.is_dir():
        raise SegmenterInputError(f"the output {output} is a folder: name a file in it, e.g. -o {output / 'report.xlsx'}")
    folder = output.parent
    if not folder.is_dir():
        raise SegmenterInputError(f"cannot write {output}: the folder {folder} does not exist; create it or choose "
                                  "another folder with -o")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SegmenterInputError(f"cannot write {output}: the folder {folder} is not writable; choose another folder with -o")
    if output.exists() and not force and not is_segmenter_report(output):
        raise SegmenterInputError(f"{output} exists and is not a segmenter report: choose another name with -o, "
                                  "or add --force to replace it")
    return output, notes


def is_segmenter_report(path: Path) -> bool:
    """Whether ``path`` is a workbook that segmenter wrote (its document properties carry the mark).

    Reads only the document properties (docProps/core.xml, with openpyxl's parser), not the sheets.
    """
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.xml.functions import fromstring

    try:
        with zipfile.ZipFile(path) as archive:
            properties = DocumentProperties.from_tree(fromstring(archive.read("docProps/core.xml")))
    except (OSError, KeyError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile):
        return False
    return properties.keywords == REPORT_MARK


def atomic_write(path: Path, write: Callable[[Path], Result]) -> Result:
    """Run ``write(temporary_path)`` and move the file into ``path`` only when it completes.

    The temporary file is in the target folder (so the final rename is atomic on one file
    system) and is removed when ``write`` fails; an earlier ``path`` stays as it was.
    """
    handle, temporary = tempfile.mkstemp(prefix=".~segmenter-", suffix=REPORT_SUFFIX, dir=path.parent)
    os.close(handle)
    temporary = Path(temporary)
    try:
        result = write(temporary)
        os.chmod(temporary, _file_mode(path))  # mkstemp's file is private (0600); a report is an ordinary file
        try:
            os.replace(temporary, path)
        except PermissionError:
            raise SegmenterInputError(f"cannot replace {path}: it is open in another program or read-only; "
                                      "close it and run again") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return result


def _file_mode(path: Path) -> int:
    """The mode a new file gets (0666 less the umask), or the mode of the file it replaces."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask
