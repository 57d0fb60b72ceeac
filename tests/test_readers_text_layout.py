"""readers.text_layout: whitespace text such as the CDNOW files, YYYYMMDD date columns."""
from __future__ import annotations

import datetime as dt

from readers.text_layout import cdnow_layout, read_text


def test_a_whole_column_of_yyyymmdd_becomes_dates(tmp_path):
    path = tmp_path / "orders.txt"
    path.write_text("00001 1 19970101 1 11.77\n00002 2 19970112 2 25.50\n")
    rows = read_text(path)
    assert rows == [[1.0, 1.0, dt.datetime(1997, 1, 1), 1.0, 11.77], [2.0, 2.0, dt.datetime(1997, 1, 12), 2.0, 25.5]]
    assert cdnow_layout(rows)


def test_a_column_of_ids_where_some_look_like_dates_stays_numbers(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("19970101 5\n12345 6\n")
    assert read_text(path) == [[19970101.0, 5.0], [12345.0, 6.0]]


def test_tsv_splits_on_tabs_only(tmp_path):
    path = tmp_path / "accounts.tsv"
    path.write_text("Account name\tRevenue\nAcme Corp\t50\n")
    rows = read_text(path)
    assert rows == [["Account name", "Revenue"], ["Acme Corp", 50.0]]
    assert not cdnow_layout(rows)


def test_the_cdnow_sample_reads_as_its_layout(cdnow_file, cdnow_raw):
    rows = read_text(cdnow_file)
    assert len(rows) == len(cdnow_raw) == 6919 and cdnow_layout(rows)
    assert [row[4] for row in rows] == cdnow_raw["amount"].tolist()
