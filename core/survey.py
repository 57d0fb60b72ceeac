"""The survey beside the list: a survey tool's response export joined to the account list, NPS from it.

A response export (SurveyMonkey, Qualtrics, Typeform, Google Forms...) has one row per response:
the company's name (and sometimes its account id, e.g. Qualtrics' "External Data Reference"),
the 0-10 answer to "How likely are you to recommend ...", and other questions. Several people of
one company answer: every response counts in the NPS of its account's groups.

Reading (:func:`parse_survey`): the header row is the top row that names the most survey columns
(:data:`SURVEY_ALIASES`, matched by :class:`core.headers.HeaderMatcher`); the rows just below it
that hold no number and read as header text (SurveyMonkey's "Response" / "Open-Ended Response"
row, Qualtrics' question-text and ``{"ImportId": ...}`` rows) are header rows too, and a column is
named by whichever of its header cells names a role. An answer is a whole number 0-10, also as
text with its label ("10 - Extremely likely"); "Prefer not to say", "Don't know", "N/A" are no
answer (counted); any other text is rejected with its row.

Joining (:func:`match_responses`), per response, first rule that applies:

1. ``confirmed``: the user's mapping column (:data:`MAPPING_HEADERS`) names an account (its id or
   name, compared normalised);
2. ``id``: both files have an account id and the response's id is an account's (case and
   spacing ignored, leading zeros of numbers too);
3. ``name``: the name is an account's name as typed (spaces at the ends ignored);
4. ``normalised name``: the names agree after :func:`normalise_name` (case, spacing,
   punctuation, accents, ``&``/``and``, legal forms such as Inc., Ltd, LLC, GmbH, AG, S.A., SAS,
   B.V., S.p.A., Pty at the end) and only one account has that normalised name;
5. otherwise the response is not joined. When an account's normalised name is similar
   (``difflib`` ratio of the normalised names at least :data:`NEAR_MISS`), it is listed as a
   **near miss** with that account and the score for the user to confirm (type the account in the
   mapping column and run again); never joined silently.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import nps as nps_module
from core.cells import cell_text, is_blank
from core.config import ReportConfig
from core.errors import SegmenterInputError
from core.groups import band_order
from core.headers import ACCOUNT_HEADERS, HeaderMatcher, normalise_header
from core.report import Report

#: Columns of a survey export and the headers that name them (compared as core.headers does).
SURVEY_ALIASES = {
    "mapping": (
        "confirmed account",
        "account confirmed",
        "mapped account",
        "account mapping",
        "segmenter account",
        "match to account",
    ),
    "account_id": (
        "account id",
        "customer id",
        "client id",
        "company id",
        "crm id",
        "account number",
        "customer number",
        "external data reference",
        "externalreference",
        "external reference",
        "externaldatareference",
    ),
    "company": (
        "company",
        "company name",
        "account",
        "account name",
        "customer",
        "customer name",
        "client",
        "client name",
        "organisation",
        "organization",
        "organisation name",
        "organization name",
        "employer",
    ),
    "nps": (
        "nps",
        "nps score",
        "likelihood to recommend",
        "likely to recommend",
        "ltr",
        "recommend",
        "how likely are you to recommend",
        "how likely is it that you would recommend",
    ),
    "respondent": ("respondent id", "response id", "responseid", "respondent", "submission id"),
}
SURVEY_HEADERS = HeaderMatcher(SURVEY_ALIASES)
#: Header text of the column the user fills to confirm a near miss (any alias of "mapping" works).
MAPPING_HEADERS = SURVEY_ALIASES["mapping"]
MAPPING_HEADER = "Confirmed account"
#: Answers that are no answer (compared normalised), counted apart from the rejected ones.
NO_ANSWER = (
    "prefer not to say",
    "prefer not to answer",
    "don t know",
    "dont know",
    "do not know",
    "n a",
    "na",
    "not applicable",
    "no answer",
    "decline to answer",
    "skip",
    "skipped",
)
#: Texts of SurveyMonkey's and Qualtrics' second header rows (normalised).
SUBHEADER_TEXTS = ("response", "open ended response", "other please specify", "responses")
#: A normalised name this similar (difflib ratio, 0..1) to an account's is listed as a near miss.
NEAR_MISS = 0.75
#: Legal forms dropped from the end of a name (normalised, dots removed: "S.p.A." -> "spa").
LEGAL_FORMS = frozenset(
    {
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "sl",
        "srl",
        "spa",
        "bv",
        "nv",
        "pty",
        "pte",
        "oy",
        "ab",
        "as",
        "asa",
        "aps",
        "kk",
        "sae",
        "sau",
        "se",
        "ug",
        "ltda",
        "cv",
        "sapi",
    }
)
#: Letters that Unicode does not decompose into a base letter and an accent.
LETTERS = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
MATCH_METHODS = ("confirmed", "id", "name", "normalised name")
NEAR_MISS_STATUS = "near miss: not joined"
ID_WORDS = frozenset({"id", "number", "no", "code", "ref", "reference", "key", "nr"})


def normalise_name(name: Any) -> str:
    """A company name as compared: accents, case, punctuation, spacing and legal forms removed.

    Examples
    --------
    >>> normalise_name("  Müller & Söhne GmbH "), normalise_name("MULLER AND SOHNE"), normalise_name("Acme, Inc.")
    ('muller and sohne', 'muller and sohne', 'acme')
    >>> normalise_name("Banca Rossi S.p.A."), normalise_name("Kiwi Foods Pty Ltd"), normalise_name("Nørd Łódź AS")
    ('banca rossi', 'kiwi foods', 'nord lodz')
    """
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.translate(LETTERS).replace("&", " and ").replace(".", "")
    words = re.findall(r"[0-9a-z]+", text)
    while len(words) > 1 and words[-1] in LEGAL_FORMS:  # a name is never reduced to nothing
        words.pop()
    if len(words) > 1 and words[-1] == "and":  # "Smith & Co" -> "smith"
        words.pop()
    return " ".join(words)


def normalise_id(value: Any) -> str:
    """An account id as compared: text trimmed and lower-cased; a whole number without leading zeros.

    >>> normalise_id(" C-001 "), normalise_id(42.0), normalise_id("0042"), normalise_id(None)
    ('c-001', '42', '42', '')
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value) == int(value):
        return str(int(value))
    text = str(value).strip().lower()
    return str(int(text)) if text.isdigit() else text


@dataclass(frozen=True)
class SurveyTable:
    """The responses of a survey export.

    ``responses``: one row per response (non-blank row), columns ``sheet_row``, ``respondent``,
    ``account_id``, ``company``, ``mapping`` (text or None) and ``nps`` (0..10, NaN = no answer);
    ``issues``: rejected answers (:data:`core.cells.ISSUE_COLUMNS`); ``columns``: role -> header
    read; ``no_answer``: responses whose answer was a "prefer not to say"-like text.
    """

    responses: pd.DataFrame
    issues: pd.DataFrame
    columns: dict[str, str]
    no_answer: int


def _numbers_in(row: list[Any]) -> bool:
    return any(isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in row)


def _header_rows(rows: list[list[Any]]) -> tuple[int, list[int]]:
    """(the header row, every header row) of a survey export's rows."""
    top = rows[:30]
    scores = [SURVEY_HEADERS.score(row) for row in top]
    best = int(np.argmax(scores)) if top else 0
    if not top or scores[best] == 0:
        raise SegmenterInputError(
            "no survey columns found: expected a header row naming the company (or account id) "
            "and the answer to 'How likely are you to recommend ...' (or NPS)"
        )
    first = best
    # Qualtrics: short ids (Q1, ResponseId) above the question texts, which may score best
    while (
        first > 0
        and not _numbers_in(rows[first - 1])
        and sum(not is_blank([v])[0] for v in rows[first - 1]) > 1
        and best - first < 2
    ):
        first -= 1
    header = list(range(first, best + 1))
    for r in range(best + 1, min(best + 3, len(rows))):
        cells = [normalise_header(v) for v in rows[r] if isinstance(v, str) and v.strip()]
        if _numbers_in(rows[r]) or not cells:
            break
        if (
            any("importid" in c.replace(" ", "") for c in cells)
            or any(c in SUBHEADER_TEXTS for c in cells)
            or SURVEY_HEADERS.score(rows[r]) >= 2
        ):
            header.append(r)
        else:
            break
    return best, header


def _columns(rows: list[list[Any]], best: int, header: list[int]) -> tuple[dict[str, int], dict[str, str]]:
    """Role -> column position, and role -> the header text it was read from."""
    width = max(len(rows[r]) for r in header)
    roles, _ = SURVEY_HEADERS.assign([rows[best][j] if j < len(rows[best]) else None for j in range(width)])
    for r in header:
        if r == best:
            continue
        more, _ = SURVEY_HEADERS.assign(
            [rows[r][j] if j < len(rows[r]) else None for j in range(width)], skip=set(roles.values())
        )
        for role, j in more.items():
            roles.setdefault(role, j)
    texts = {
        role: " / ".join(
            str(rows[r][j])
            for r in header
            if j < len(rows[r])
            and isinstance(rows[r][j], str)
            and rows[r][j].strip()
            and "importid" not in rows[r][j].lower().replace(" ", "")
        )
        for role, j in roles.items()
    }
    return roles, texts


def _answer_numbers(cells: list[Any], rows: np.ndarray, header: str) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """(scores 0..10 with NaN, no-answer mask, issues) of the answer column."""
    prepared = np.empty(len(cells), dtype=object)
    no_answer = np.zeros(len(cells), dtype=bool)
    for i, value in enumerate(cells):
        if isinstance(value, str):
            text = normalise_header(value)
            if text in NO_ANSWER:
                no_answer[i] = True
                prepared[i] = None
                continue
            leading = re.match(r"\s*(\d{1,2})\s*(?:[-–:=(]|$|\s+[a-z])", value, flags=re.IGNORECASE)
            prepared[i] = leading.group(1) if leading and not re.fullmatch(r"\s*\d+([.,]\d+)?\s*", value) else value
        else:
            prepared[i] = value
    scores, issues = nps_module.validate_scores(prepared, column=header, sheet_rows=rows)
    return scores, no_answer, issues


def parse_survey(rows: list[list[Any]], first_sheet_row: int = 1) -> SurveyTable:
    """Read a survey export's cells (rows as a reader gives them) into responses.

    Parameters
    ----------
    rows:
        The cells, header rows included, as :func:`readers.read_block` gives them.
    first_sheet_row:
        Sheet row of ``rows[0]`` (issues name sheet rows).

    Raises
    ------
    SegmenterInputError
        No header naming the answer column, or neither a company nor an account id column.

    Examples
    --------
    >>> rows = [["Respondent ID", "Company", "How likely is it that you would recommend us?"],
    ...         [None, None, "Response"], [1.0, "Acme Inc.", "10 - Extremely likely"],
    ...         [2.0, "acme", "Prefer not to say"], [3.0, "Beta", 6.0]]
    >>> survey = parse_survey(rows)
    >>> survey.responses[["sheet_row", "company", "nps"]].values.tolist(), survey.no_answer
    ([[3, 'Acme Inc.', 10.0], [4, 'acme', nan], [5, 'Beta', 6.0]], 1)
    """
    if not rows:
        raise SegmenterInputError("the survey file is empty")
    best, header = _header_rows(rows)
    roles, texts = _columns(rows, best, header)
    if "nps" not in roles:
        raise SegmenterInputError(
            "no NPS answer column in the survey: expected a header such as 'How likely are you "
            "to recommend ...' or 'NPS'",
            column="nps",
        )
    if "company" not in roles and "account_id" not in roles:
        raise SegmenterInputError(
            "no company or account id column in the survey: expected 'Company', 'Account name' or 'Account ID'",
            column="company",
        )
    body = rows[max(header) + 1 :]
    sheet_rows = np.arange(len(body)) + first_sheet_row + max(header) + 1

    def column(role: str) -> list[Any]:
        j = roles.get(role)
        return [row[j] if j is not None and j < len(row) else None for row in body]

    filled = np.array([not all(is_blank(list(row))) if len(row) else False for row in body], dtype=bool)
    scores, no_answer, issues = _answer_numbers(column("nps"), sheet_rows, texts["nps"])

    def text(role: str) -> list[Any]:
        return [None if is_blank([v])[0] else cell_text(v).strip() if isinstance(v, str) else v for v in column(role)]

    responses = (
        pd.DataFrame(
            {
                "sheet_row": sheet_rows,
                "respondent": text("respondent"),
                "account_id": text("account_id"),
                "company": text("company"),
                "mapping": text("mapping"),
                "nps": scores,
            }
        )
        .loc[filled]
        .reset_index(drop=True)
    )
    for role in ("respondent", "account_id", "company", "mapping"):
        responses[role] = responses[role].astype(object).where(responses[role].notna(), None)
    issues = issues[issues["sheet_row"].isin(responses["sheet_row"])].reset_index(drop=True)
    return SurveyTable(responses=responses, issues=issues, columns=texts, no_answer=int(no_answer[filled].sum()))


def _id_like(header: str) -> bool:
    return bool(set(normalise_header(header).split()) & ID_WORDS)


def account_keys(segments: pd.DataFrame, columns: dict[str, str]) -> tuple[np.ndarray | None, np.ndarray]:
    """(ids or None, names) of the accounts: the account column is an id when its header says so
    ("Account ID", "Customer no"); the names then come from another column whose header holds
    "name" or "company" (without one, names are the ids). When the account column holds names,
    an "Account ID"-like column beside it gives the ids."""
    account = segments["account"].to_numpy(dtype=object)
    others = [c for c in segments.columns if isinstance(c, str) and c not in columns.values() and c != "sheet_row"]
    if not _id_like(columns.get("account", "")):
        ids = [c for c in others if _id_like(c) and ACCOUNT_HEADERS.role(c) == "account"]  # "Account ID" beside
        return (segments[ids[0]].to_numpy(dtype=object) if ids else None), account
    extra = [c for c in others if {"name", "company"} & set(normalise_header(c).split())]
    return account, segments[extra[0]].to_numpy(dtype=object) if extra else account


def match_responses(
    account_ids: Sequence[Any] | None,
    account_names: Sequence[Any],
    response_ids: Sequence[Any] | None,
    response_names: Sequence[Any],
    mapping: Sequence[Any] | None = None,
    near_miss: float = NEAR_MISS,
) -> pd.DataFrame:
    """Which account each response belongs to (rules in the module notes).

    Parameters
    ----------
    account_ids, account_names:
        Per account (positions 0..n-1); ids None when the list has none.
    response_ids, response_names, mapping:
        Per response; ids None when the export has none; ``mapping`` the user's confirmations.
    near_miss:
        Lowest difflib ratio (0..1) of normalised names listed as a near miss.

    Returns
    -------
    pandas.DataFrame
        Per response: ``account`` (position of the account, -1 when not joined), ``method``
        (:data:`MATCH_METHODS`, or "" when not joined), ``candidate`` (the most similar account's
        position, -1 for none), ``score`` (its ratio, NaN for none), ``status`` (why not joined).

    Examples
    --------
    >>> m = match_responses(None, ["Acme Inc.", "Müller GmbH", "Northwind"], None,
    ...                     ["Acme Inc.", "MULLER", "Nortwind", "Zeta"])
    >>> m[["account", "method", "candidate"]].values.tolist()
    [[0, 'name', 0], [1, 'normalised name', 1], [-1, '', 2], [-1, '', -1]]
    >>> m["status"].tolist()[2:]
    ['near miss: not joined', 'no account with a similar name']
    """
    names = pd.Series(account_names, dtype=object)
    keys = names.map(normalise_name)
    exact = _first_positions(names.map(lambda v: "" if v is None else str(v).strip()))
    by_key = keys.groupby(keys).groups if len(keys) else {}
    unique_key = {k: int(v[0]) for k, v in by_key.items() if k and len(v) == 1}
    shared_key = {k: len(v) for k, v in by_key.items() if k and len(v) > 1}
    ids = _first_positions(pd.Series(account_ids, dtype=object).map(normalise_id)) if account_ids is not None else {}
    n = len(response_names)
    out_account = np.full(n, -1, dtype=np.int64)
    method = np.full(n, "", dtype=object)
    candidate = np.full(n, -1, dtype=np.int64)
    score = np.full(n, np.nan)
    status = np.full(n, "", dtype=object)
    for i in range(n):
        name = response_names[i]
        confirmed = mapping[i] if mapping is not None else None
        if confirmed is not None and str(confirmed).strip():
            found = ids.get(
                normalise_id(confirmed),
                exact.get(str(confirmed).strip(), unique_key.get(normalise_name(confirmed), -1)),
            )
            if found >= 0:
                out_account[i], method[i], candidate[i], score[i] = found, "confirmed", found, 1.0
            else:
                status[i] = f"the confirmed account {str(confirmed).strip()!r} is not in the account list"
            continue
        rid = normalise_id(response_ids[i]) if response_ids is not None and account_ids is not None else ""
        if rid and rid in ids:
            out_account[i], method[i], candidate[i], score[i] = ids[rid], "id", ids[rid], 1.0
            continue
        text = "" if name is None else str(name).strip()
        if text and text in exact:
            out_account[i], method[i], candidate[i], score[i] = exact[text], "name", exact[text], 1.0
            continue
        key = normalise_name(name)
        if key in unique_key:
            out_account[i], method[i], candidate[i], score[i] = unique_key[key], "normalised name", unique_key[key], 1.0
            continue
        if not key:
            status[i] = "no company name" + (" and an account id not in the list" if rid else "")
            continue
        if key in shared_key:
            status[i] = f"{shared_key[key]} accounts share this name: confirm which"
            candidate[i], score[i] = int(by_key[key][0]), 1.0
            continue
        best = difflib.get_close_matches(key, [k for k in unique_key], n=1, cutoff=near_miss)
        if best:
            candidate[i] = unique_key[best[0]]
            score[i] = difflib.SequenceMatcher(None, key, best[0]).ratio()
            status[i] = NEAR_MISS_STATUS
        else:
            status[i] = "no account with a similar name"
    return pd.DataFrame(
        {"account": out_account, "method": method, "candidate": candidate, "score": score, "status": status}
    )


def _first_positions(values: pd.Series) -> dict[str, int]:
    """Value -> position of its first occurrence (blank values left out)."""
    out: dict[str, int] = {}
    for i, v in enumerate(values.tolist()):
        if v and v not in out:
            out[v] = i
    return out


def survey_tables(
    segments: pd.DataFrame, columns: dict[str, str], survey: SurveyTable, config: ReportConfig
) -> dict[str, pd.DataFrame]:
    """The survey's tables for the report, from the segmented accounts and the responses.

    Returns
    -------
    dict of pandas.DataFrame
        ``survey_match`` (``measure, value, unit``: responses read, joined per method, near misses,
        not joined, accounts with and without answers, share of revenue covered),
        ``survey_nps_by_<tier|size|strategy|industry>`` (:func:`core.nps.nps_by` over the joined
        responses, every response counted), ``survey_unmatched`` (every response not joined:
        its row, name, id, the most similar account and score, why; near misses first) and
        ``survey_accounts`` (per account with answers: responses, promoters, detractors, NPS).
    """
    responses = survey.responses
    ids, names = account_keys(segments, columns)
    match = match_responses(
        ids,
        names,
        responses["account_id"].tolist() if "account_id" in survey.columns else None,
        responses["company"].tolist(),
        responses["mapping"].tolist(),
    )
    joined = match["account"].to_numpy() >= 0
    answered = ~np.isnan(responses["nps"].to_numpy(float))
    positions = match["account"].to_numpy()[joined]
    scores = responses["nps"].to_numpy(float)[joined]
    chosen = segments.iloc[positions]
    tables: dict[str, pd.DataFrame] = {}
    for column in ("tier", "size", "strategy", "industry"):
        if column not in chosen or not chosen[column].notna().any():
            continue
        order = (
            list(config.labels)
            if column == "tier"
            else band_order(segments[column])
            if column == "size"
            else ["Protect", "Fix margin", "Grow", "Migrate"]
            if column == "strategy"
            else None
        )
        groups = chosen[column].astype(object).where(chosen[column].notna(), "(blank)").to_numpy(dtype=object)
        tables[f"survey_nps_by_{column}"] = nps_module.nps_by(
            scores, groups, order=order, min_respondents=config.min_respondents, group_name=column
        )
    revenue = segments["revenue"].to_numpy(float)
    covered = np.zeros(len(segments), dtype=bool)
    covered[match["account"].to_numpy()[joined & answered]] = True
    positive = np.where(revenue > 0, revenue, 0.0)
    share = positive[covered].sum() / positive.sum() if positive.sum() > 0 else np.nan
    methods = match["method"].to_numpy(dtype=object)
    rows = [
        ("responses read", len(responses), "responses"),
        ("responses with a 0-10 answer", int(answered.sum()), "responses"),
        ("responses without an answer (prefer not to say, blank, rejected)", int((~answered).sum()), "responses"),
    ]
    rows += [(f"joined by {m}", int((methods == m).sum()), "responses") for m in MATCH_METHODS]
    rows += [
        (
            "near misses listed, not joined (confirm below)",
            int((match["status"] == NEAR_MISS_STATUS).sum()),
            "responses",
        ),
        ("responses not joined", int((~joined).sum()), "responses"),
        ("accounts with at least one answer", int(covered.sum()), "accounts"),
        ("accounts without any answer", int(len(segments) - covered.sum()), "accounts"),
        ("share of revenue covered by answers", share, "share"),
    ]
    tables["survey_match"] = pd.DataFrame(rows, columns=["measure", "value", "unit"])
    tables["survey_unmatched"] = _unmatched(responses, match, segments, ids, names)
    tables["survey_accounts"] = _per_account(
        segments, match["account"].to_numpy()[joined & answered], responses["nps"].to_numpy(float)[joined & answered]
    )
    return tables


def _unmatched(responses: pd.DataFrame, match: pd.DataFrame, segments: pd.DataFrame, ids, names) -> pd.DataFrame:
    off = match["account"].to_numpy() < 0
    cand = match["candidate"].to_numpy()[off]
    names = np.asarray(names, dtype=object)
    table = pd.DataFrame(
        {
            "sheet_row": responses["sheet_row"].to_numpy()[off],
            "survey_company": responses["company"].to_numpy(dtype=object)[off],
            "survey_account_id": responses["account_id"].to_numpy(dtype=object)[off],
            "best_candidate": np.where(cand >= 0, names[np.maximum(cand, 0)] if len(names) else None, None),
            "candidate_account": np.where(
                cand >= 0, segments["account"].to_numpy(dtype=object)[np.maximum(cand, 0)] if len(names) else None, None
            ),
            "similarity": match["score"].to_numpy()[off],
            "status": match["status"].to_numpy(dtype=object)[off],
        }
    )
    table["what_to_do"] = np.where(
        table["status"] == NEAR_MISS_STATUS,
        f"if it is the same company, type the account in a column '{MAPPING_HEADER}' of the survey and run again",
        np.where(
            table["status"].str.contains("share this name"),
            f"type the right account in a column '{MAPPING_HEADER}' of the survey and run again",
            "",
        ),
    )
    first = np.where(table["status"] == NEAR_MISS_STATUS, 0, 1)
    return table.iloc[np.lexsort((-table["similarity"].fillna(-1).to_numpy(), first))].reset_index(drop=True)


def _per_account(segments: pd.DataFrame, positions: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """Per account with answers: respondents, promoters, detractors, its NPS (points)."""
    coding = nps_module.nps_coding(scores)
    frame = pd.DataFrame({"position": positions, "promoter": coding == 1, "detractor": coding == -1})
    counts = frame.groupby("position").agg(
        respondents=("promoter", "size"), promoters=("promoter", "sum"), detractors=("detractor", "sum")
    )
    chosen = segments.iloc[counts.index.to_numpy()]
    table = pd.DataFrame(
        {
            "account": chosen["account"].to_numpy(dtype=object),
            "tier": chosen["tier"].astype(object).to_numpy(),
            "revenue": chosen["revenue"].to_numpy(float),
            "respondents": counts["respondents"].to_numpy(np.int64),
            "promoters": counts["promoters"].to_numpy(np.int64),
            "detractors": counts["detractors"].to_numpy(np.int64),
        }
    )
    table["nps"] = 100.0 * (table["promoters"] - table["detractors"]) / table["respondents"]
    table["sheet_row"] = chosen["sheet_row"].to_numpy()
    return table.sort_values("revenue", ascending=False, kind="stable").reset_index(drop=True)


def add_survey(report: Report, survey: SurveyTable) -> Report:
    """The report with the survey's tables (:func:`survey_tables`) and its rejected answers
    (``survey_issues``) added; the account list's own tables are unchanged."""
    import dataclasses

    segments = report.tables["segments"]
    tables = dict(report.tables)
    tables.update(survey_tables(segments, report.columns_read, survey, report.config))
    if len(survey.issues):
        tables["survey_issues"] = survey.issues
    return dataclasses.replace(report, tables=tables)
