"""A survey tool's response export (xlsx, csv, tsv) read into responses (core.survey)."""

from __future__ import annotations

from pathlib import Path

from core.errors import SegmenterInputError
from core.survey import SurveyTable, parse_survey
from readers.files import OTHER_FORMATS, READ_SUFFIXES, check_input_file, read_block


def survey_path(text: object, folder: Path | None = None) -> Path | None:
    """The file a cell names, when its text is the path of a survey export (a suffix the readers
    know or refuse with a reason: .csv, .tsv, .txt, .xlsx, .xlsm, .xls, ...), else None.

    Quotes around it (Windows' "Copy as path") and spaces are dropped; a relative path is taken
    from ``folder`` (the workbook's folder).

    Examples
    --------
    >>> survey_path('"C:/exports/NPS Q3.xlsx"').name
    'NPS Q3.xlsx'
    >>> str(survey_path("responses.csv", Path("/data")))
    '/data/responses.csv'
    >>> survey_path("Acme Inc."), survey_path(9.0), survey_path("How likely are you to recommend us?")
    (None, None, None)
    """
    if not isinstance(text, str):
        return None
    cleaned = text.strip().strip('"').strip("'").strip()
    if "\n" in cleaned or not cleaned:
        return None
    path = Path(cleaned).expanduser()
    if path.suffix.lower() not in READ_SUFFIXES + tuple(OTHER_FORMATS):
        return None
    return path if path.is_absolute() or folder is None else Path(folder) / path


def load_survey(path: Path, sheet: str | None = None) -> SurveyTable:
    """Read a survey export through the same readers as an account list; a refusal names the file."""
    path = Path(path)
    check_input_file(path)
    rows, first_row = read_block(path, sheet)
    try:
        return parse_survey(rows, first_row)
    except SegmenterInputError as error:
        raise SegmenterInputError(f"{path.name} (survey): {error}") from None
