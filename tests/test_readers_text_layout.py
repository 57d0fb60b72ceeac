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


def test_an_sap_list_saved_unconverted_splits_on_bars_without_its_rules(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text(
        "07.12.2026     Kundenumsätze     1\n"
        + "-" * 40
        + "\n|Kunde |Name 1        |  Betrag|\n"
        + "-" * 40
        + "\n|100045|Müller GmbH   |12.450,00 |\n|100047|Weber AG      |  273,92-|\n"
        + "-" * 40
        + "\n|*     |              |12.176,08 |\n",
        encoding="utf-8",
    )
    rows = read_text(path)
    cells = [[str(v).strip() for v in row if v is not None and str(v).strip()] for row in rows]
    assert cells[1] == [] and cells[3] == [] and cells[6] == []  # the dashed rules are no rows
    assert cells[2] == ["Kunde", "Name 1", "Betrag"]
    assert cells[4][1] == "Müller GmbH" and cells[5][1] == "Weber AG"
    assert cells[7][0] == "Total"  # SAP's '*' line is a total
