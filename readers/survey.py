"""A survey tool's response export (xlsx, csv, tsv) read into responses (core.survey)."""

from __future__ import annotations

from pathlib import Path

from core.errors import SegmenterInputError
from core.survey import SurveyTable, parse_survey
from readers.files import check_input_file, read_block


def load_survey(path: Path, sheet: str | None = None) -> SurveyTable:
    """Read a survey export through the same readers as an account list; a refusal names the file."""
    path = Path(path)
    check_input_file(path)
    rows, first_row = read_block(path, sheet)
    try:
        return parse_survey(rows, first_row)
    except SegmenterInputError as error:
        raise SegmenterInputError(f"{path.name} (survey): {error}") from None
