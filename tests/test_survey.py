"""The survey beside the list (core/survey.py, readers/survey.py, segmenter report --survey).

The export is built as SurveyMonkey writes one (two header rows: the question text, then
"Response" / "Open-Ended Response"; the answer as "10 - Extremely likely" or a number; "Prefer not
to say"); 600 responses from 420 companies, whose names are spelled differently from the account
list (legal forms, case, accents, punctuation, spacing), three of them genuine near misses.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook

import segmenter
from app.ribbon import LAST_RANGE_NAME
from core.accounts import parse_accounts
from core.report import run_report
from core.survey import NEAR_MISS_STATUS, add_survey, match_responses, normalise_name, parse_survey

FIRST = [
    "Alpine",
    "Baltic",
    "Cedar",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nordic",
    "Orchid",
    "Pioneer",
    "Quartz",
    "Riverside",
    "Summit",
    "Tundra",
    "Umber",
    "Vantage",
    "Willow",
    "Xenon",
    "Yarrow",
    "Zephyr",
]
SECOND = [
    "Foods",
    "Logistics",
    "Analytics",
    "Textiles",
    "Pharma",
    "Robotics",
    "Energy",
    "Media",
    "Optics",
    "Metals",
    "Paper",
    "Ceramics",
    "Software",
    "Marine",
    "Farms",
    "Glass",
    "Motors",
    "Dental",
    "Audio",
    "Fabrics",
]
FORMS = ["Inc.", "Ltd", "LLC", "GmbH", "AG", "S.A.", "SAS", "B.V.", "S.p.A.", "Pty Ltd", ""]
ACCENTED = {"Cedar": "Cédar", "Nordic": "Nørdic", "Fjord": "Fjörd", "Orchid": "Orchíd", "Summit": "Sümmit"}
PROMPT = "How likely is it that you would recommend Segmentco to a friend or colleague?"


def _spelling(name: str, form: str, k: int) -> str:
    """The survey's spelling of an account name: another legal form, case, accents, punctuation."""
    base = name
    variants = [
        lambda: base.upper(),
        lambda: base.lower() + (" inc" if form == "Inc." else ""),
        lambda: f"{base}, {form}" if form else f"  {base} ",
        lambda: base.replace("Foods", "Foods ").replace(" ", "  "),
        lambda: base,
        lambda: f"{base} Ltd.",
    ]
    for plain, accent in ACCENTED.items():
        if base.startswith(plain) and k % 2 == 0:
            return base.replace(plain, accent)
    return variants[k % len(variants)]()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """(account xlsx, survey xlsx, expected account name per response (None: a near miss), near misses)."""
    rng = random.Random(23)
    names = [f"{a} {b}" for a in FIRST for b in SECOND]
    rng.shuffle(names)
    accounts = names[:500]
    forms = [FORMS[i % len(FORMS)] for i in range(500)]
    listed = [f"{n} {f}".strip() for n, f in zip(accounts, forms)]
    folder = tmp_path_factory.mktemp("survey")
    book = Workbook()
    ws = book.active
    ws.append(["Account name", "Revenue", "Profit", "Industry", "Size"])
    for i, name in enumerate(listed):
        revenue = float(round(1_000_000 / (i + 1) ** 0.9, 2))
        ws.append(
            [
                name,
                revenue,
                round(revenue * (0.05 + (i % 7) / 20), 2),
                ["Retail", "Tech", "Health"][i % 3],
                ["Small", "Medium", "Large"][i % 3],
            ]
        )
    book.save(folder / "accounts.xlsx")
    # 420 companies: 417 spelled differently but recognisably, 3 genuine near misses (a letter wrong)
    companies = list(range(420))
    near = {417: accounts[417][:3] + accounts[417][4:], 418: accounts[418].replace(" ", "", 1), 419: accounts[419][:-1]}
    respondents = companies + [rng.randrange(417) for _ in range(180)]  # several respondents per account
    survey = Workbook()
    ws = survey.active
    ws.append(
        [
            "Respondent ID",
            "Collector ID",
            "Start Date",
            "Email Address",
            "What company do you work for?",
            PROMPT,
            "What is the primary reason for your score?",
        ]
    )
    ws.append([None, None, None, None, "Open-Ended Response", "Response", "Open-Ended Response"])
    expected = []
    for r, c in enumerate(respondents):
        company = near[c] if c in near else _spelling(accounts[c], forms[c], r)
        score = r * 7 % 11
        answer = (
            "Prefer not to say"
            if r % 50 == 7
            else (
                f"{score} - Extremely likely"
                if score == 10
                else f"{score} - Not at all likely"
                if score == 0
                else score
            )
        )
        ws.append([1_000_000 + r, 42, "2026-11-02 09:00:00", f"r{r}@example.com", company, answer, "fine"])
        expected.append(None if c in near else listed[c])
    survey.save(folder / "responses.xlsx")
    return folder / "accounts.xlsx", folder / "responses.xlsx", expected, {c: (near[c], listed[c]) for c in near}


def test_names_normalise_across_legal_forms_case_accents_and_punctuation():
    assert normalise_name("Cédar Foods S.A.") == normalise_name("CEDAR FOODS") == "cedar foods"
    assert normalise_name("Harbor Media Pty Ltd") == normalise_name("harbor  media, LLC") == "harbor media"
    assert normalise_name("Banca Rossi S.p.A.") == normalise_name("Banca Rossi SpA") == "banca rossi"
    assert normalise_name("Nørdic Optics B.V.") == "nordic optics"  # ø does not decompose: mapped
    assert normalise_name("Summit Audio AG") != normalise_name("Summit Audi AG")


def test_every_exact_and_normalised_match_is_right_and_near_misses_are_listed_not_joined(sample):
    accounts_path, survey_path, expected, near = sample
    from readers import load_accounts
    from readers.survey import load_survey

    survey = load_survey(survey_path)
    assert len(survey.responses) == 600 and survey.no_answer == 12
    assert survey.columns["nps"].startswith("How likely")
    report = add_survey(run_report(load_accounts(accounts_path)), survey)
    segments = report.tables["segments"]
    from core.survey import account_keys

    ids, names = account_keys(segments, report.columns_read)
    match = match_responses(ids, names, None, survey.responses["company"].tolist())
    joined = [None if a < 0 else names[a] for a in match["account"]]
    assert joined == expected  # every recognisable spelling joined to its account, the near misses to none
    assert set(match.loc[match["account"] >= 0, "method"]) == {"name", "normalised name"}
    unmatched = report.tables["survey_unmatched"]
    assert len(unmatched) == 3 and (unmatched["status"] == NEAR_MISS_STATUS).all()
    assert sorted(zip(unmatched["survey_company"], unmatched["best_candidate"])) == sorted(near.values())
    assert (unmatched["similarity"] >= 0.75).all() and (unmatched["similarity"] < 1).all()
    m = dict(zip(report.tables["survey_match"]["measure"], report.tables["survey_match"]["value"]))
    assert m["responses read"] == 600 and m["responses not joined"] == 3
    answered = {e for e, s in zip(expected, survey.responses["nps"]) if e is not None and not np.isnan(s)}
    assert 400 < len(answered) < 417  # some accounts' only respondent preferred not to say
    assert m["accounts with at least one answer"] == len(answered)
    assert m["accounts without any answer"] == 500 - len(answered)
    revenue = segments["revenue"].to_numpy(float)
    covered = revenue[segments["account"].isin(answered).to_numpy()].sum() / revenue.sum()
    assert m["share of revenue covered by answers"] == pytest.approx(covered, rel=1e-12)


def test_nps_per_tier_counts_every_respondent(sample):
    accounts_path, survey_path, expected, _ = sample
    from readers import load_accounts
    from readers.survey import load_survey

    survey = load_survey(survey_path)
    report = add_survey(run_report(load_accounts(accounts_path)), survey)
    segments = report.tables["segments"].set_index("account")
    by_tier = report.tables["survey_nps_by_tier"].set_index("tier")
    for tier in ("A", "B", "C"):
        scores = [
            s
            for e, s in zip(expected, survey.responses["nps"])
            if e is not None and not np.isnan(s) and segments.loc[e, "tier"] == tier
        ]
        promoters = sum(s >= 9 for s in scores)
        detractors = sum(s <= 6 for s in scores)
        assert by_tier.loc[tier, "respondents"] == len(scores)
        assert by_tier.loc[tier, "nps"] == pytest.approx(100 * (promoters - detractors) / len(scores))
    assert by_tier.loc["Total", "respondents"] == 600 - 12 - 3 + sum(
        1 for e, s in zip(expected, survey.responses["nps"]) if e is None and np.isnan(s)
    )
    assert {"survey_nps_by_size", "survey_nps_by_strategy", "survey_nps_by_industry"} <= set(report.tables)


def test_a_confirmed_mapping_joins_the_near_miss():
    m = match_responses(
        None,
        ["Northwind Traders", "Globex"],
        None,
        ["Nortwind Traders", "Nortwind Traders"],
        mapping=[None, "Northwind Traders"],
    )
    assert m["account"].tolist() == [-1, 0] and m["method"].tolist() == ["", "confirmed"]


def test_account_ids_join_first_when_both_files_have_them():
    rows = [["Account ID", "Account name", "Revenue"], ["C-001", "Acme Inc.", 100.0], ["C-002", "Acme Ltd", 50.0]]
    report = run_report(parse_accounts(rows))
    survey = parse_survey(
        [
            ["ExternalReference", "Company", "Q1"],
            ["External Data Reference", "Company", "How likely are you to recommend us?"],
            ['{"ImportId":"externalDataReference"}', '{"ImportId":"QID2_TEXT"}', '{"ImportId":"QID1"}'],
            ["c-002", "Acme", 9.0],
            [None, "Acme", 3.0],
        ]
    )
    assert survey.responses["account_id"].tolist() == ["c-002", None]
    tables = add_survey(report, survey).tables
    accounts = tables["survey_accounts"]
    # the id joined (C-002 is Acme Ltd, the name that labels the account); "Acme" alone names two accounts
    assert accounts["account"].tolist() == ["Acme Ltd"]
    assert tables["survey_unmatched"]["status"].str.contains("2 accounts share this name").all()


def test_cli_writes_the_survey_blocks_on_the_nps_sheet(sample, tmp_path, capsys):
    accounts_path, survey_path, _, near = sample
    out = tmp_path / "report.xlsx"
    assert segmenter.main(["report", str(accounts_path), "--survey", str(survey_path), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "survey: 600 responses, 597 joined to 409 accounts" in printed and "3 of them near misses" in printed
    ws = load_workbook(out)["NPS"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    titles = [row[0] for row in cells if row and isinstance(row[0], str)]
    assert any(t.startswith("Survey match") for t in titles) and any(
        t.startswith("NPS per tier from the survey") for t in titles
    )
    flat = {v for row in cells for v in row if v is not None}
    assert {n for n, _ in near.values()} <= flat and {c for _, c in near.values()} <= flat
    assert (
        segmenter.main(
            ["report", str(accounts_path), "--survey", str(tmp_path / "none.xlsx"), "-o", str(tmp_path / "r2.xlsx")]
        )
        == 2
    )


def test_ribbon_add_nps_survey_reruns_the_last_range_with_the_selected_responses():
    from tests.conftest import actions, remote_book

    accounts = [
        ["Account", "Revenue", "Profit"],
        ["Acme Inc.", 50.0, 10.0],
        ["Beta GmbH", 20.0, 6.0],
        ["Cora S.A.", 15.0, 1.0],
    ]
    responses = [["Company", PROMPT], [None, "Response"], ["ACME", "9 - Very likely"], ["beta", 3.0], ["Cor", 10.0]]
    names = [
        {
            "name": LAST_RANGE_NAME,
            "sheet_index": 0,
            "address": "$A$1:$C$4",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
    ]
    book = remote_book({"Accounts": accounts, "Survey": responses}, selection="A1:B5", active=1, names=names)
    messages = segmenter.ribbon("add_nps_survey", book)
    assert messages and messages[-1].startswith("survey: 3 responses, 2 joined to 2 accounts")
    assert "1 of them near misses to confirm" in messages[-1]
    added = [a["args"][1] for a in actions(book) if a["func"] == "addSheet"]
    assert "NPS" in added and "Accounts to call" in added
    written = [row for a in actions(book) if a["func"] == "setValues" for row in a["values"]]
    assert any("Cor" in row and "Cora S.A." in row for row in written)  # the near miss, listed with its candidate


def test_ribbon_add_nps_survey_before_any_segmentation_says_what_to_do():
    from tests.conftest import remote_book

    book = remote_book({"Survey": [["Company", "NPS"], ["Acme", 9.0]]}, selection="A1:B2")
    messages = segmenter.ribbon("add_nps_survey", book)
    assert messages == [
        "segmenter could not run: segment your accounts first (Segment selection), then select the "
        "survey's responses and click Add NPS survey"
    ]


def test_an_account_id_column_beside_the_names_joins_by_id():
    rows = [["Account name", "Account ID", "Revenue"], ["Acme Inc.", "C-001", 100.0], ["Acme Ltd", "C-002", 50.0]]
    report = run_report(parse_accounts(rows))
    survey = parse_survey([["Customer ID", "Company", "NPS"], ["C-002", "Acme", 9.0], ["c-001", "Acme", 2.0]])
    accounts = add_survey(report, survey).tables["survey_accounts"]
    assert sorted(accounts["account"]) == ["Acme Inc.", "Acme Ltd"] and accounts["respondents"].tolist() == [1, 1]


def test_ribbon_add_nps_survey_reads_the_export_file_a_selected_cell_names(sample):
    """On the desktop (xlwings' Windows engine over a fake Excel): one selected cell holding the
    export's file name, relative to the workbook's folder, is read as --survey reads the file."""
    from openpyxl import load_workbook

    from tests.fake_com import windows_book

    accounts_path, survey_path, expected, near = sample
    rows = [list(r) for r in load_workbook(accounts_path).active.iter_rows(values_only=True)]
    book, excel = windows_book({"Accounts": rows, "Survey files": [[f'"{survey_path.name}"']]}, selection="A1:E501")
    object.__setattr__(excel.workbook, "folder", str(survey_path.parent))
    segmenter.segment_selection(book)
    object.__setattr__(excel, "selection", excel.workbook.sheet("Survey files").Range("A1"))
    messages = segmenter.add_nps_survey(book)
    joined = sum(e is not None for e in expected)
    assert messages[-1].startswith(f"survey: 600 responses, {joined} joined to ")
    assert f"{len(near)} not joined, {len(near)} of them near misses to confirm" in messages[-1]
    nps = excel.workbook.sheet("NPS").cells
    assert "Survey match: the survey's responses joined to the account list" in nps.values()


def test_ribbon_add_nps_survey_with_a_file_name_in_excel_on_the_web_says_to_paste_the_responses():
    from tests.conftest import remote_book

    names = [
        {
            "name": LAST_RANGE_NAME,
            "sheet_index": 0,
            "address": "$A$1:$B$3",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
    ]
    book = remote_book(
        {"Accounts": [["Account", "Revenue"], ["Acme", 10.0], ["Beta", 5.0]], "Files": [["C:\\exports\\nps.csv"]]},
        selection="A1",
        active=1,
        names=names,
    )
    (message,) = segmenter.ribbon("add_nps_survey", book)
    assert message.startswith("segmenter could not run: the selected cell names the file 'nps.csv', which this")
    assert "copy its responses onto a sheet, select them and click Add NPS survey" in message
