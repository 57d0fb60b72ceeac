"""Where a warehouse table comes from and which engine reads it.

A :class:`Source` is a file path (Parquet, a glob such as ``orders/*.parquet``, a folder of
Parquet files, a CSV of any size), a DuckDB database with a table, or a SQL query. An
:class:`EngineSettings` says which engine runs the queries: DuckDB, embedded (nothing to
install or start; it spills to disk beyond its memory limit), or Spark, local or a cluster
(a master URL such as ``spark://host:7077`` or Spark Connect, ``sc://host:15002``).

ibis, DuckDB and PySpark are imported here, lazily, and nowhere in core/: the base install
(and the Pyodide edition) does not need them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import SegmenterInputError
from readers.limits import check_regular_file
from warehouse.guard import allowed_files, check_query, expand, lock_down, query_files

ENGINES = ("duckdb", "spark")
DATABASE_SUFFIXES = (".duckdb", ".db", ".ddb")
#: Settings-sheet names of the warehouse settings, with their meaning (beside the report settings).
SETTINGS_HELP = {
    "source": "Segment a table: a Parquet/CSV file, a folder or glob of Parquet files, or a DuckDB database",
    "table": "Segment a table: the table to read from a DuckDB database",
    "sql": "Segment a table: a query instead of a file, e.g. select * from read_parquet('orders/*.parquet')",
    "engine": "Segment a table: duckdb (default, embedded) or spark",
    "spark_remote": (
        "Segment a table: Spark Connect (sc://host:15002) or a master URL (spark://host:7077); blank = local"
    ),
    "duckdb_memory_limit": "Segment a table: DuckDB memory limit, e.g. 4GB (beyond it DuckDB spills to disk)",
}


@dataclass(frozen=True)
class Source:
    """What to read: ``path`` (file, glob, folder or database), ``table`` (in a database), ``sql``."""

    path: str | None = None
    table: str | None = None
    sql: str | None = None
    #: The folder of the workbook whose Settings sheet named this source: its SQL reads only files in it.
    confine: str | None = None

    def __post_init__(self) -> None:
        if not self.path and not self.sql:
            raise SegmenterInputError("no table to segment: give a file, a database with --table, or --sql")
        if self.path and self.sql:
            raise SegmenterInputError("give either a file or --sql, not both")

    @property
    def is_database(self) -> bool:
        return bool(self.path) and Path(self.path).suffix.lower() in DATABASE_SUFFIXES

    def describe(self) -> str:
        """How the report's subtitle names the source."""
        if self.sql:
            return f"SQL: {self.sql}"
        return f"{self.path} (table {self.table})" if self.table else str(self.path)


@dataclass(frozen=True)
class EngineSettings:
    """``engine`` duckdb or spark; ``spark_remote`` sc://... or a master URL (blank: local);
    ``duckdb_memory_limit`` such as ``"4GB"`` (blank: DuckDB's default, 80 % of RAM)."""

    engine: str = "duckdb"
    spark_remote: str | None = None
    duckdb_memory_limit: str | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise SegmenterInputError(f"unknown engine {self.engine!r}; use duckdb or spark", column="engine")


def settings_from_mapping(values: Mapping[str, Any]) -> tuple[Source | None, EngineSettings]:
    """The source (None when no source is set) and engine settings from Settings-sheet rows.

    Examples
    --------
    >>> source, engine = settings_from_mapping({"source": "orders.parquet", "engine": ""})
    >>> source.path, engine.engine
    ('orders.parquet', 'duckdb')
    """
    text = {name: str(values[name]).strip() for name in SETTINGS_HELP if values.get(name) not in (None, "")}
    engine = EngineSettings(
        engine=text.get("engine", "duckdb").lower(),
        spark_remote=text.get("spark_remote"),
        duckdb_memory_limit=text.get("duckdb_memory_limit"),
    )
    if "source" not in text and "sql" not in text:
        return None, engine
    return Source(path=text.get("source"), table=text.get("table"), sql=text.get("sql")), engine


def require(module: str) -> Any:
    """Import an optional engine library, or refuse in one line saying how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        from excel_setup import missing_extra  # the sentence with the command for this Python, any shell

        raise SegmenterInputError(missing_extra(error)) from None


def connect(settings: EngineSettings, source: Source | None = None):
    """An ibis connection: DuckDB in memory (or the source's database, read-only), or Spark."""
    ibis = require("ibis")
    if source is not None and source.sql:
        check_query(source.sql, dialect=settings.engine)
    if settings.engine == "duckdb":
        require("duckdb")
        config = {"memory_limit": settings.duckdb_memory_limit} if settings.duckdb_memory_limit else {}
        database = source.path if source is not None and source.is_database else ":memory:"
        if database != ":memory:" and not Path(database).exists():
            raise SegmenterInputError(f"file not found: {database}")
        files, folders = readable(source) if source is not None else ([], [])
        try:
            con = ibis.duckdb.connect(database, read_only=database != ":memory:", **config)
            con.raw_sql("SET enable_progress_bar = false")  # progress is ours, per phase
            lock_down(con.con, files, folders)  # reads only the named source; no write, attach, extension
            return con
        except Exception as error:  # duckdb raises its own error types for a bad setting or file
            raise SegmenterInputError(f"DuckDB could not open {database}: {_first_line(error)}") from None
    if source is not None and source.sql and source.confine:
        raise SegmenterInputError(
            "the sql of a workbook's Settings sheet runs only in DuckDB (engine duckdb), "
            "where segmenter can keep it to reading its own folder; run Spark SQL with --sql"
        )
    return ibis.pyspark.connect(spark_session(settings.spark_remote))


def readable(source: Source) -> tuple[list[str], list[str]]:
    """(files, folders) the connection of ``source`` may read: the named file, each Parquet file of
    a folder or glob, the files a query reads; nothing for a database (it is opened, read-only,
    before the connection is locked)."""
    if source.sql:
        return allowed_files(query_files(source.sql), confine=Path(source.confine) if source.confine else None)
    path = str(source.path)
    if source.is_database:
        return [], []
    if Path(path).is_dir() or any(ch in path for ch in "*?["):
        return [os.path.abspath(name) for name in input_files(path)], []
    return allowed_files([path])


def source_files(source: Source, engine: str = "duckdb") -> list[Path]:
    """Every existing file ``source`` reads (each file of a glob or folder, the files a DuckDB query
    reads): an output must be none of them. The query is checked first (one SELECT)."""
    if not source.sql:
        path = str(source.path)
        if Path(path).is_dir() or any(ch in path for ch in "*?["):
            # segmenter's own results in the folder are not read (input_files), so they may be replaced
            return [Path(name) for name in input_files(path)] if expand([path]) else []
        return expand([path])
    check_query(source.sql, dialect=engine)
    return expand(query_files(source.sql)) if engine == "duckdb" else []


def spark_session(remote: str | None = None):
    """A Spark session: local (all cores, no UI), Spark Connect for ``sc://``, else that master URL."""
    require("pyspark")
    import warnings

    from pyspark.sql import SparkSession

    # PySpark 4 warns on every toPandas under pandas 3; the conversions used here are plain columns
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

    if remote and remote.startswith("sc://"):
        return SparkSession.builder.remote(remote).getOrCreate()
    builder = (
        SparkSession.builder.master(remote or "local[*]")
        .appName("segmenter")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if not remote:
        # a local session has the machine's cores; Spark's default of 200 shuffle partitions is for clusters
        builder = builder.config("spark.sql.shuffle.partitions", str(os.cpu_count() or 2))
    try:
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return session
    except Exception as error:  # no Java, or the master cannot be reached
        raise SegmenterInputError(f"Spark could not start: {_first_line(error)}") from None


def open_table(con, source: Source):
    """The source as an ibis table on ``con``."""
    try:
        if source.sql:
            return con.sql(source.sql)
        path = source.path
        if source.is_database:
            if not source.table:
                raise SegmenterInputError(f"{Path(path).name} is a database: name the table with --table")
            tables = con.list_tables()
            if source.table not in tables:  # the name is looked up, never spliced into SQL or a path
                raise SegmenterInputError(
                    f"cannot read {Path(path).name}: it has no table named {source.table!r}; "
                    f"it has {', '.join(tables) or 'none'}"
                )
            return con.table(source.table)
        if not any(ch in path for ch in "*?[") and not Path(path).exists():
            raise SegmenterInputError(f"file not found: {path}")
        check_regular_file(Path(path))  # a FIFO would block the engine forever
        if Path(path).is_dir() or any(ch in path for ch in "*?["):
            return _read_parquet_files(con, input_files(path))
        if path.lower().endswith((".csv", ".csv.gz", ".tsv")):
            return con.read_csv(path)
        if path.lower().endswith(".parquet"):
            return con.read_parquet(path)
    except SegmenterInputError:
        raise
    except Exception as error:  # the engines raise their own parser and catalog errors
        raise SegmenterInputError(f"cannot read {source.describe()}: {_first_line(error)}") from None
    raise SegmenterInputError(f"cannot read {Path(source.path).name}: use Parquet, CSV, a DuckDB database or --sql")


#: Key in the Parquet footer of segmenter's own result files: a folder or glob never reads them.
RESULT_MARK = b"segmenter"


def input_files(pattern: str) -> list[str]:
    """The Parquet files of a folder or glob, without segmenter's own result files.

    A result written beside its input (``orders/x-segmenter-accounts.parquet``) would otherwise
    be read as input by the next ``report "orders/*.parquet"``.
    """
    import glob

    import pyarrow.parquet as pq

    path = Path(pattern)
    candidates = sorted(glob.glob(str(path / "*.parquet") if path.is_dir() else pattern, recursive=True))
    files = [name for name in candidates if RESULT_MARK not in (pq.read_metadata(name).metadata or {})]
    if not files:
        raise SegmenterInputError(f"no Parquet files match {pattern}")
    return files


def _read_parquet_files(con, files: list[str]):
    if con.name == "duckdb":
        return con.read_parquet(files)
    frame = con._session.read.parquet(*files)
    name = f"segmenter_input_{abs(hash(tuple(files)))}"
    frame.createOrReplaceTempView(name)
    return con.table(name)


def engine_errors() -> tuple[type[BaseException], ...]:
    """The error types DuckDB, Spark and ibis raise for a query they refuse or cannot finish."""
    import importlib

    kinds: list[type[BaseException]] = []
    for module, name in (
        ("duckdb", "Error"),
        ("pyspark.errors", "PySparkException"),
        ("py4j.protocol", "Py4JError"),
        ("ibis.common.exceptions", "IbisError"),
    ):
        try:
            kinds.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(kinds)


def engine_failure(error: BaseException) -> SegmenterInputError:
    """An engine's error as one line (the query, the memory limit or the data made it fail)."""
    return SegmenterInputError(f"the engine stopped: {_first_line(error)}")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
