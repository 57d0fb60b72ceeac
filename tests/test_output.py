"""writers.output and the CLI: a user's file is never lost (the input's bytes are hashed before and after)."""

from __future__ import annotations

import hashlib
import os

import pytest
from openpyxl import Workbook

import segmenter
from core.errors import SegmenterInputError
from writers.output import atomic_write, is_segmenter_report, report_path


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def workbook(tmp_path):
    """A user's workbook: an account list and a second sheet of their own."""
    path = tmp_path / "accounts.xlsx"
    book = Workbook()
    book.active.append(["Account", "Revenue"])
    for name, revenue in [("Acme", 50), ("Beta", 20), ("Cora", 15)]:
        book.active.append([name, revenue])
    book.create_sheet("My notes")["A1"] = "keep me"
    book.save(path)
    return path


def _run(capsys, *args) -> tuple[int, str]:
    """Exit code and the messages (stderr without the timed progress lines)."""
    code = segmenter.main(["report", *map(str, args)])
    return code, "\n".join(line for line in capsys.readouterr().err.splitlines() if not line.startswith("[")) + "\n"


@pytest.mark.parametrize("how", ["same path", "another path", "symlink", "hard link"])
def test_the_input_is_never_the_output(workbook, tmp_path, capsys, how):
    before = _digest(workbook)
    output = {
        "same path": workbook,
        "another path": tmp_path / "." / ".." / tmp_path.name / "accounts.xlsx",
        "symlink": tmp_path / "link.xlsx",
        "hard link": tmp_path / "hard.xlsx",
    }[how]
    if how == "symlink":
        output.symlink_to(workbook)
    if how == "hard link":
        os.link(workbook, output)
    code, err = _run(capsys, workbook, "-o", output)
    assert code == 2 and "is the input file accounts.xlsx" in err and len(err.strip().splitlines()) == 1
    assert _digest(workbook) == before


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "accounts.xlsx is damaged or not an Excel workbook"),
        (
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
            "Excel 97-2003 workbook with an .xlsx name",
        ),
        (
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le")),
            "accounts.xlsx is password-protected",
        ),
    ],
)
def test_bad_workbooks_exit_2_in_one_line_and_stay_as_they_were(tmp_path, capsys, make, message):
    source = tmp_path / "accounts.xlsx"
    make(source)
    before = _digest(source)
    code, err = _run(capsys, source, "-o", tmp_path / "out.xlsx")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert _digest(source) == before and not (tmp_path / "out.xlsx").exists()


def test_a_missing_output_folder_is_named_before_any_work(workbook, tmp_path, capsys):
    code, err = _run(capsys, workbook, "-o", tmp_path / "nowhere" / "out.xlsx")
    assert code == 2
    assert (
        err.strip()
        == f"segmenter: cannot write {tmp_path / 'nowhere' / 'out.xlsx'}: the folder {tmp_path / 'nowhere'} "
        "does not exist; create it or choose another folder with -o"
    )


def test_another_suffix_is_corrected_and_said(workbook, tmp_path, capsys):
    code, err = _run(capsys, workbook, "-o", tmp_path / "report.csv")
    assert code == 0 and "writing report.xlsx: a report is an Excel workbook, not .csv" in err
    assert is_segmenter_report(tmp_path / "report.xlsx") and not (tmp_path / "report.csv").exists()


def test_an_existing_file_is_replaced_only_when_it_is_a_segmenter_report_or_with_force(workbook, tmp_path, capsys):
    theirs = tmp_path / "budget.xlsx"
    Workbook().save(theirs)
    before = _digest(theirs)
    code, err = _run(capsys, workbook, "-o", theirs)
    assert code == 2 and "budget.xlsx exists and is not a segmenter report" in err and "--force" in err
    assert _digest(theirs) == before and not is_segmenter_report(theirs)
    assert _run(capsys, workbook, "-o", theirs, "--force")[0] == 0 and is_segmenter_report(theirs)
    assert _run(capsys, workbook, "-o", theirs)[0] == 0  # now its own report: a re-run replaces it


def test_a_failed_write_leaves_the_earlier_file_and_no_temporary(tmp_path):
    earlier = tmp_path / "report.xlsx"
    earlier.write_bytes(b"earlier report")

    def fail(path):
        path.write_bytes(b"half a report")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(earlier, fail)
    assert earlier.read_bytes() == b"earlier report" and os.listdir(tmp_path) == ["report.xlsx"]
    atomic_write(earlier, lambda path: path.write_bytes(b"new report"))
    assert earlier.read_bytes() == b"new report" and os.listdir(tmp_path) == ["report.xlsx"]
    assert earlier.stat().st_mode & 0o777 != 0o600  # an ordinary file, not mkstemp's private one


def test_an_output_that_is_a_folder_or_in_an_unwritable_folder_is_refused(tmp_path, monkeypatch):
    with pytest.raises(SegmenterInputError, match="is a folder: name a file in it"):
        report_path(tmp_path / "sub.xlsx" if (tmp_path / "sub.xlsx").mkdir() is None else tmp_path, None)
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # tests run as root, who may write anywhere
    with pytest.raises(SegmenterInputError, match="is not writable; choose another folder with -o"):
        report_path(tmp_path / "out.xlsx", None)


def test_an_input_named_like_a_report_gets_its_own_report_and_stays_as_it_was(tmp_path, capsys):
    source = tmp_path / "q1.v2-segmenter.xlsx"  # a user's list, named like a report, dots and all
    book = Workbook()
    book.active.append(["Account", "Revenue"])
    for name, revenue in [("Acme", 50), ("Beta", 20), ("Cora", 15)]:
        book.active.append([name, revenue])
    book.save(source)
    before = _digest(source)
    assert segmenter.main(["report", str(source)]) == 0
    assert _digest(source) == before
    assert (tmp_path / "q1.v2-segmenter-segmenter.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q1.v2-segmenter-segmenter.xlsx", "q1.v2-segmenter.xlsx"]


def test_a_glob_in_the_current_folder_names_its_report_tables(tmp_path, monkeypatch, capsys):
    pytest.importorskip("duckdb")
    pd = pytest.importorskip("pandas")
    pd.DataFrame({"Account": ["A", "B", "C"], "Revenue": [30.0, 20.0, 10.0]}).to_parquet(tmp_path / "part-1.parquet")
    monkeypatch.chdir(tmp_path)
    assert segmenter.main(["report", "*.parquet"]) == 0  # the folder "." has no name to take
    assert "wrote tables-segmenter.xlsx and tables-segmenter-accounts.parquet (3 rows)" in capsys.readouterr().out
    assert is_segmenter_report(tmp_path / "tables-segmenter.xlsx")
