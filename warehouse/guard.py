"""What a warehouse run may do: one read-only query, on a DuckDB connection that reads only its source.

A query (``--sql``, or the ``sql`` of a workbook's Settings sheet) is run only when it is exactly
one ``SELECT`` (or ``WITH ... SELECT``, ``VALUES``, a set operation): :func:`check_query` refuses
anything else in one line naming the statement kinds, before any engine runs it. DuckDB's own
parser decides (:func:`duckdb.extract_statements`), so what is checked is what would run.

Every DuckDB connection of a run is then locked (:func:`lock_down`): it may read only the files of
the source the user named (:func:`query_files` finds the files a query reads, from DuckDB's parse
tree), it cannot write, attach a database, install or load an extension, or reach the network
(``enable_external_access`` off, extension autoload and autoinstall off, the configuration locked
so the query cannot set any of it back). DuckDB's page "Securing DuckDB" describes the settings.

A query that comes from a workbook (someone may have sent it) may read only files inside the
workbook's folder, named by their full path.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from core.errors import SegmenterInputError
from readers.limits import check_regular_file

GLOB_CHARS = "*?["
#: Statement kinds of DuckDB's parser that are a read-only query.
READ_ONLY = ("SELECT",)
#: DuckDB settings applied, in this order, to every warehouse connection once its source is known.
LOCKED_SETTINGS = (
    ("autoinstall_known_extensions", "false"),
    ("autoload_known_extensions", "false"),
    ("enable_external_access", "false"),
    ("lock_configuration", "true"),
)


def statement_kinds(sql: str) -> list[str]:
    """The kind of each statement of ``sql`` as DuckDB's parser reads it.

    Examples
    --------
    >>> statement_kinds("select 1; copy (select 1) to 'x.csv'; attach 'a.db' as a")
    ['SELECT', 'COPY', 'ATTACH']
    >>> statement_kinds("with q as (select 1 as a) select * from q")
    ['SELECT']
    """
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise SegmenterInputError(f"cannot read the SQL: {_first_line(error)}") from None
    return [statement.type.name for statement in statements]


def check_query(sql: str, dialect: str = "duckdb") -> None:
    """Refuse, in one line, SQL that is not exactly one read-only SELECT statement.

    ``dialect`` duckdb: DuckDB's parser decides; spark: sqlglot's Spark dialect (Spark runs it).

    Examples
    --------
    >>> check_query("select * from read_parquet('orders.parquet')")
    >>> check_query("select 1; drop table t")
    Traceback (most recent call last):
    ...
    core.errors.SegmenterInputError: the SQL must be one SELECT query; it holds 2 statements (SELECT, DROP): segmenter runs a single read-only SELECT and nothing else
    """  # noqa: E501
    kinds = statement_kinds(sql) if dialect == "duckdb" else spark_statement_kinds(sql)
    if len(kinds) == 1 and kinds[0] in READ_ONLY:
        return
    if not kinds:
        raise SegmenterInputError("the SQL is empty: write one SELECT query")
    held = f"{len(kinds)} statements ({', '.join(kinds)})" if len(kinds) > 1 else f"a {kinds[0]} statement"
    raise SegmenterInputError(
        f"the SQL must be one SELECT query; it holds {held}: segmenter runs a single read-only SELECT and nothing else"
    )


def spark_statement_kinds(sql: str) -> list[str]:
    """The kind of each statement of Spark SQL, as sqlglot's Spark dialect reads it (SELECT for a query).

    >>> spark_statement_kinds("select * from delta.`/lake/orders`; insert overwrite directory '/x' select 1")
    ['SELECT', 'INSERT']
    """
    import logging

    import sqlglot
    from sqlglot import exp

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # "falling back to parsing as a Command"
    try:
        statements = [s for s in sqlglot.parse(sql, read="spark") if s is not None]
    except sqlglot.errors.SqlglotError as error:
        raise SegmenterInputError(f"cannot read the SQL: {_first_line(error)}") from None
    return [
        "SELECT" if isinstance(s, exp.Query) else (s.key.upper() if s.key != "command" else str(s.this).upper())
        for s in statements
    ]


def query_files(sql: str) -> list[str]:
    """The file names (or globs) a SELECT reads: the text arguments of its table functions
    (``read_parquet('x')``, ``read_csv(['a', 'b'])``) and the quoted file names it selects from
    (``from 'orders.parquet'``), from DuckDB's own parse tree.

    Examples
    --------
    >>> query_files("select * from read_parquet(['a.parquet', 'b/*.parquet']) join 'c.csv' using (id)")
    ['a.parquet', 'b/*.parquet', 'c.csv']
    >>> query_files("with t as (select 1 as a) select * from t, range(3)")
    []
    """
    import duckdb

    con = duckdb.connect(":memory:")  # parses only: json_serialize_sql runs nothing
    try:
        tree = json.loads(con.execute("select json_serialize_sql(?)", [sql]).fetchone()[0])
    finally:
        con.close()
    if tree.get("error"):
        raise SegmenterInputError(f"cannot read the SQL: {tree.get('error_message', 'not a query')}")
    ctes = set(_cte_names(tree))
    found: list[str] = []
    for node in _nodes(tree):
        if node.get("type") == "TABLE_FUNCTION":
            found += [value for value in _constants(node.get("function", {})) if isinstance(value, str)]
        elif node.get("type") == "BASE_TABLE" and not node.get("schema_name") and not node.get("catalog_name"):
            name = node.get("table_name", "")
            if name not in ctes and ("." in name or "/" in name or "\\" in name):
                found.append(name)
    return list(dict.fromkeys(found))


def allowed_files(paths: Iterable[str], *, confine: Path | None = None) -> tuple[list[str], list[str]]:
    """(files, folders) a connection may read for these names: plain files by their absolute path;
    a glob by the folder its fixed part names (DuckDB lists it). ``confine``: a workbook's folder,
    outside which nothing may be read; its names must be full paths.

    Raises
    ------
    SegmenterInputError
        A URL (only local files are read), or with ``confine`` a relative path or a path outside it.
    """
    files: list[str] = []
    folders: list[str] = []
    for name in paths:
        if "://" in name or name.startswith(("s3:", "gs:", "gcs:", "az:", "abfss:", "hf:")):
            raise SegmenterInputError(
                f"the SQL reads {name!r}: segmenter reads only local files"
                + ("" if confine is None else " named in a workbook")
            )
        path = Path(os.path.expanduser(name)) if confine is None else Path(name)
        if confine is not None and not path.is_absolute():
            raise SegmenterInputError(
                f"the SQL of the Settings sheet names {name!r}: a workbook's SQL names each "
                f"file by its full path, in the workbook's folder {confine}"
            )
        path = path if path.is_absolute() else Path.cwd() / path
        is_glob = any(ch in name for ch in GLOB_CHARS)
        fixed = _fixed_part(path) if is_glob else path
        if confine is not None and not _inside(fixed, confine):
            raise SegmenterInputError(
                f"the SQL of the Settings sheet reads {name!r}, outside the workbook's folder "
                f"{confine}: a workbook's SQL may read only files in its own folder"
            )
        if not is_glob:
            check_regular_file(path)  # a FIFO would block the engine forever
        (folders if is_glob else files).append(os.path.realpath(fixed) if is_glob else os.path.abspath(path))
        if not is_glob and os.path.realpath(path) != os.path.abspath(path):
            files.append(os.path.realpath(path))  # a link: DuckDB opens what it points to
    return files, folders


def expand(paths: Iterable[str]) -> list[Path]:
    """The existing files these names (files or globs) stand for, for the same-file checks."""
    found: list[Path] = []
    for name in paths:
        name = os.path.expanduser(name)
        if any(ch in name for ch in GLOB_CHARS):
            found += [Path(match) for match in sorted(glob.glob(name, recursive=True))]
        elif Path(name).is_dir():
            found += sorted(Path(name).glob("*.parquet"))
        elif Path(name).exists():
            found.append(Path(name))
    return found


def lock_down(raw, files: Iterable[str] = (), folders: Iterable[str] = ()) -> None:
    """Lock a DuckDB connection (``duckdb.DuckDBPyConnection``): it reads only ``files`` and the
    files in ``folders``, and cannot write, attach, install or load extensions, reach the network,
    or change these settings (:data:`LOCKED_SETTINGS`)."""
    files, folders = list(files), [folder.rstrip("/\\") + os.sep for folder in folders]
    raw.execute("SET allowed_paths = ?", [files]) if files else None
    raw.execute("SET allowed_directories = ?", [folders]) if folders else None
    for name, value in LOCKED_SETTINGS:
        raw.execute(f"SET {name} = {value}")


def _fixed_part(path: Path) -> Path:
    """The folder of a glob before its first wildcard: ``/a/b/*/c.parquet`` -> ``/a/b``."""
    parts = []
    for part in path.parts:
        if any(ch in part for ch in GLOB_CHARS):
            break
        parts.append(part)
    return Path(*parts)


def _inside(path: Path, folder: Path) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _nodes(tree: Any):
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))


def _constants(node: Any) -> list[Any]:
    """The constant values under a function node, in query order (a list argument's items too)."""
    found = []

    def visit(item: Any) -> None:
        if isinstance(item, dict):
            if item.get("class") == "CONSTANT":
                value = item.get("value", {})
                if not value.get("is_null") and "value" in value:
                    found.append(value["value"])
                return
            if item.get("class") == "COMPARISON":  # a named option (header = true): not a file
                return
            for value in item.values():
                visit(value)
        elif isinstance(item, list):
            for value in item:
                visit(value)

    visit(node.get("children", []))
    return found


def _cte_names(tree: Any) -> Iterable[str]:
    for node in _nodes(tree):
        cte = node.get("cte_map")
        if isinstance(cte, dict):
            for entry in cte.get("map", []):
                if isinstance(entry, dict) and "key" in entry:
                    yield entry["key"]


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
