"""Read the files a revenue team has: CSV exports, Parquet, Excel, JSON and SQL databases.

CSV files are read by DuckDB's streaming ``read_csv`` (types, quoting and header are detected
by DuckDB, and ids or zip codes with leading zeros stay text), going DuckDB → pandas once so a
large file is never held twice. revlearn adds what DuckDB's sniffer does not do on its own:

* the delimiter is chosen among ``,`` ``;`` ``|`` and tab by the most consistent field count
  over the first rows (DuckDB silently falls back to one column when quoting is broken);
* the encoding is sniffed: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows
  cp1252 / Latin-1. DuckDB reads Latin-1 natively but rejects the cp1252-only bytes
  (``€``, curly quotes, dashes), so such files are transcoded to a temporary UTF-8 copy;
* broken files raise one clear :class:`~revlearn.errors.InputError` naming the line.

pandas is used only for Excel (openpyxl) and SQL databases (SQLAlchemy).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import itertools
import logging
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from revlearn.errors import InputError, MissingDependencyError, NotFoundError, short_list

__all__ = ["SUPPORTED_EXTENSIONS", "as_pandas", "csv_relation_sql", "read_file", "read_sql"]

logger = logging.getLogger(__name__)

_CSV_EXTENSIONS = (".csv", ".tsv", ".txt")
_EXCEL_EXTENSIONS = (".xlsx", ".xls")
_JSON_EXTENSIONS = (".json", ".jsonl", ".ndjson")
SUPPORTED_EXTENSIONS: tuple[str, ...] = (
    *_CSV_EXTENSIONS,
    ".parquet",
    *_EXCEL_EXTENSIONS,
    *_JSON_EXTENSIONS,
)
"""File extensions :func:`read_file` understands (case-insensitive)."""

_DELIMITERS = (",", ";", "|", "\t")
_SAMPLE_BYTES = 1 << 20
_SNIFF_ROWS = 50
_CHUNK_BYTES = 1 << 20
_CP1252_ONLY = re.compile(rb"[\x80-\x9f]")
# Latin-1 maps byte b to chr(b); this table then turns 0x80-0x9F into cp1252's characters
# (the five bytes cp1252 leaves undefined keep their Latin-1 meaning).
_CP1252_TABLE = {
    b: char
    for b in range(0x80, 0xA0)
    if (char := bytes([b]).decode("cp1252", errors="replace")) != "\ufffd"
}
_LINE_RE = re.compile(r"CSV Error on Line:\s*(\d+)")
_QUOTING_FIX = (
    'Check the quoting on that line (a field opened with " must be closed) and the number '
    "of fields, or export the file again from the spreadsheet or CRM as CSV."
)


@dataclass(frozen=True, slots=True)
class _Dialect:
    """What was sniffed from the start of a delimited file."""

    delim: str
    encoding: str  # "utf-8", "utf-16", "latin-1" or "cp1252"


class _EncodingMismatchError(Exception):
    """DuckDB met bytes that the sniffed encoding does not allow."""


def read_file(path: str | Path) -> pd.DataFrame:
    """Read a CSV, Parquet, Excel or JSON file into a DataFrame.

    The format follows the extension: ``.csv``/``.tsv``/``.txt`` (delimited text; the
    delimiter, quoting, header and encoding are detected), ``.parquet``, ``.xlsx``/``.xls``
    (first sheet, via openpyxl) and ``.json``/``.jsonl``/``.ndjson`` (JSON lines or one
    top-level array of records). Column names are kept exactly as written (spaces, quotes
    and SQL keywords such as ``select`` survive).

    Parameters
    ----------
    path : str or Path
        The file to read.

    Returns
    -------
    pandas.DataFrame
        One row per record; numbers, dates and timestamps typed by DuckDB, ids and zip codes
        with leading zeros kept as text.

    Raises
    ------
    NotFoundError
        If the file does not exist (the resolved path and close matches are named).
    InputError
        If the path is a directory, the file is empty or has a header but no data rows, the
        extension is not supported, or the content cannot be parsed (the line is named when
        known).
    """
    resolved = _check_path(path)
    suffix = resolved.suffix.lower()
    if suffix in _CSV_EXTENSIONS:
        frame = _read_csv(resolved)
    elif suffix == ".parquet":
        frame = _duckdb_frame(f"read_parquet({_sql_string(resolved)})", resolved, "Parquet")
    elif suffix in _JSON_EXTENSIONS:
        expr = f"read_json({_sql_string(resolved)}, format='auto')"
        frame = _duckdb_frame(expr, resolved, "JSON")
    else:
        frame = _read_excel(resolved)
    if len(frame) == 0:
        raise InputError(
            f"File has column names ({short_list(frame.columns)}) but no data rows.",
            where=str(resolved),
            fix="Export the file again with its rows, or pick the right file.",
        )
    logger.info("Read %s rows x %s columns from %s", f"{len(frame):,}", frame.shape[1], resolved)
    return frame


def csv_relation_sql(path: str | Path) -> str:
    """Return a DuckDB ``read_csv(...)`` expression for a delimited file, with sniffed options.

    Use it to stream a large file straight into DuckDB without pandas:
    ``CREATE TABLE t AS SELECT * FROM <expression>``. The delimiter and encoding are sniffed
    from the first MiB; DuckDB detects quoting, header and column types itself.

    Parameters
    ----------
    path : str or Path
        The delimited text file.

    Returns
    -------
    str
        For example ``read_csv('/data/leads.csv', delim=';', encoding='utf-8')``; the path is
        absolute and single quotes in it are doubled.

    Raises
    ------
    NotFoundError
        If the file does not exist.
    InputError
        If the path is a directory or an empty file, or the file uses Windows cp1252
        characters (``€``, curly quotes) that DuckDB cannot decode in place.
    """
    resolved = _check_path(path)
    dialect = _sniff_csv(resolved)
    if dialect.encoding == "cp1252":
        raise InputError(
            "File is Windows cp1252 encoded (it has characters such as € or curly quotes), "
            "which DuckDB cannot read in place.",
            where=str(resolved),
            fix="Use revlearn.data.read_file(path), which converts it, or save it as UTF-8.",
        )
    return _relation_sql(resolved, dialect)


def read_sql(query: str, *, url: str) -> pd.DataFrame:
    """Run a SQL query against a database given by a SQLAlchemy URL.

    Parameters
    ----------
    query : str
        The ``SELECT`` statement to run.
    url : str
        A SQLAlchemy database URL, e.g. ``postgresql://user@host/crm`` or
        ``sqlite:///crm.db``.

    Returns
    -------
    pandas.DataFrame
        The query's result set.

    Raises
    ------
    MissingDependencyError
        If SQLAlchemy is not installed.
    InputError
        If the URL is malformed, the database cannot be reached or the query fails.
    """
    try:
        import sqlalchemy
    except ImportError as err:
        raise MissingDependencyError(
            "Reading from a SQL database needs SQLAlchemy, which is not installed.",
            where="read_sql",
            fix="Run: pip install revlearn[sql]",
        ) from err
    try:
        engine = sqlalchemy.create_engine(url)
    except Exception as err:  # SQLAlchemy raises several unrelated types for bad URLs
        raise InputError(
            f"Database URL {url!r} is not usable: {err}",
            where="read_sql",
            fix="Use a SQLAlchemy URL such as postgresql://user@host/db.",
        ) from err
    try:
        with engine.connect() as connection:
            frame = pd.read_sql_query(sqlalchemy.text(query), connection)
    except sqlalchemy.exc.SQLAlchemyError as err:
        first = str(err).splitlines()[0]
        raise InputError(
            f"SQL query failed: {first}",
            where=_redact(url),
            fix="Check the query, table names and credentials.",
        ) from err
    finally:
        engine.dispose()
    logger.info("Read %s rows from %s", f"{len(frame):,}", _redact(url))
    return frame


def as_pandas(data: object, *, where: str) -> pd.DataFrame:
    """Convert a pandas, Polars or Arrow table to pandas once, at the edge of the library.

    Parameters
    ----------
    data : object
        A pandas DataFrame (returned as is: callers must not mutate it), a Polars DataFrame
        or a pyarrow Table.
    where : str
        The call that received the data, named in the error message.

    Returns
    -------
    pandas.DataFrame
        The same data as a pandas DataFrame.

    Raises
    ------
    InputError
        If ``data`` is of any other type.
    """
    if isinstance(data, pd.DataFrame):
        return data
    module = type(data).__module__.split(".")[0]
    if module in {"polars", "pyarrow"} and hasattr(data, "to_pandas"):
        frame: pd.DataFrame = data.to_pandas()
        return frame
    raise InputError(
        f"Expected a table, got {type(data).__module__}.{type(data).__qualname__}.",
        where=where,
        fix="Pass a pandas DataFrame, a Polars DataFrame or a pyarrow Table "
        "(read files with revlearn.data.read_file).",
    )


def _check_path(path: str | Path) -> Path:
    resolved = Path(path).expanduser().resolve()
    if not resolved.exists():
        parent = resolved.parent
        names = [p.name for p in parent.iterdir()] if parent.is_dir() else []
        close = difflib.get_close_matches(resolved.name, names, n=3)
        hint = f"Did you mean {short_list(close)}?" if close else "Check the path and name."
        raise NotFoundError(f"File {str(path)!r} does not exist.", where=str(resolved), fix=hint)
    if resolved.is_dir():
        raise InputError(
            f"{str(path)!r} is a directory, not a file.",
            where=str(resolved),
            fix="Pass one file inside it.",
        )
    if resolved.suffix.lower() not in SUPPORTED_EXTENSIONS:
        raise InputError(
            f"File type {resolved.suffix or '(no extension)'!r} is not supported.",
            where=str(resolved),
            fix=f"Use one of: {short_list(SUPPORTED_EXTENSIONS)}.",
        )
    if resolved.stat().st_size == 0:
        raise InputError(
            "File is empty (0 bytes).",
            where=str(resolved),
            fix="Export the data again; the file was saved without content.",
        )
    return resolved


def _sql_string(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _redact(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def _sniff_csv(path: Path) -> _Dialect:
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
        complete = handle.read(1) == b""
    encoding, text = _sniff_encoding(sample, complete)
    delim = _sniff_delimiter(text, complete)
    logger.debug("Sniffed %s: delimiter %r, encoding %s", path, delim, encoding)
    return _Dialect(delim=delim, encoding=encoding)


def _sniff_encoding(sample: bytes, complete: bool) -> tuple[str, str]:
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", sample.decode("utf-16", errors="ignore")
    body = sample.removeprefix(codecs.BOM_UTF8)
    try:
        return "utf-8", codecs.getincrementaldecoder("utf-8")().decode(body, final=complete)
    except UnicodeDecodeError:
        encoding = "cp1252" if _CP1252_ONLY.search(body) else "latin-1"
        return encoding, body.decode("latin-1").translate(_CP1252_TABLE)


def _sniff_delimiter(text: str, complete: bool) -> str:
    """Pick the delimiter whose field count is most consistent (and above 1) over the rows."""
    best, best_score = ",", (0.0, 0)
    for delim in _DELIMITERS:
        try:
            reader = csv.reader(io.StringIO(text), delimiter=delim)
            rows = [r for r in itertools.islice(reader, _SNIFF_ROWS) if r]
        except csv.Error:
            continue
        if not complete and len(rows) > 1:
            rows = rows[:-1]  # the sample may cut the last row
        counts = pd.Series([len(r) for r in rows], dtype="int64")
        if counts.empty or counts.mode().iloc[0] < 2:
            continue
        modal = int(counts.mode().iloc[0])
        score = (float((counts == modal).mean()), modal)
        if score > best_score:
            best, best_score = delim, score
    return best


def _relation_sql(path: Path, dialect: _Dialect, *, full_sample: bool = False) -> str:
    delim = "\\t" if dialect.delim == "\t" else dialect.delim
    # Quotes are RFC 4180 double quotes, as spreadsheets and pandas write them: left to
    # DuckDB's sniffer, a value holding apostrophes made it pick the apostrophe as the quote.
    options = (
        f"delim={_sql_string(delim)}, quote='\"', escape='\"', "
        f"encoding={_sql_string(dialect.encoding)}"
    )
    if full_sample:
        options += ", sample_size=-1"
    return f"read_csv({_sql_string(path)}, {options})"


def _read_csv(path: Path) -> pd.DataFrame:
    dialect = _sniff_csv(path)
    if dialect.encoding != "cp1252":
        try:
            return _run_csv(path, dialect, shown=path)
        except _EncodingMismatchError:
            logger.info("%s is not %s throughout; reading it as cp1252", path, dialect.encoding)
    return _read_transcoded(path, dialect)


def _run_csv(path: Path, dialect: _Dialect, *, shown: Path) -> pd.DataFrame:
    full_sample = False
    while True:
        expr = _relation_sql(path, dialect, full_sample=full_sample)
        try:
            with duckdb.connect() as con:
                return con.sql(f"SELECT * FROM {expr}").df()
        except duckdb.Error as err:
            message = str(err)
            if "encoded" in message and "not" in message and dialect.encoding != "cp1252":
                raise _EncodingMismatchError from err
            if not full_sample and re.search(r"convert|conversion", message, re.IGNORECASE):
                full_sample = True  # a value late in the file breaks the sampled type
                continue
            raise _parse_error(shown, dialect, err) from err


def _read_transcoded(path: Path, dialect: _Dialect) -> pd.DataFrame:
    """Copy a cp1252/Latin-1 file to a temporary UTF-8 file in chunks and read that."""
    with tempfile.TemporaryDirectory(prefix="revlearn-") as folder:
        target = Path(folder) / "utf8.csv"
        with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
            while chunk := source.read(_CHUNK_BYTES):
                out.write(chunk.decode("latin-1").translate(_CP1252_TABLE))
        return _run_csv(target, replace(dialect, encoding="utf-8"), shown=path)


def _parse_error(path: Path, dialect: _Dialect, err: duckdb.Error) -> InputError:
    message = str(err)
    found = _LINE_RE.search(message)
    line = int(found.group(1)) if found else _first_bad_line(path, dialect)
    first = next((s.strip() for s in message.splitlines() if s.strip()), "unknown error")
    at = f" near line {line}" if line else ""
    return InputError(
        f"Could not parse the file as delimited text{at}: {first}",
        where=str(path),
        fix=_QUOTING_FIX,
    )


def _first_bad_line(path: Path, dialect: _Dialect) -> int | None:
    """Find the line where a row with a wrong field count or an unclosed quote starts."""
    encoding = "utf-8-sig" if dialect.encoding == "utf-8" else dialect.encoding
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=dialect.delim)
        width: int | None = None
        last_start, previous_end = 0, 0
        try:
            for row in reader:
                start = previous_end + 1
                if width is None:
                    width = len(row)
                elif row and len(row) != width:
                    return start
                last_start, previous_end = start, reader.line_num
        except csv.Error:
            return previous_end + 1
    # A last row spanning several lines is the mark of a quote that was never closed.
    return last_start if previous_end > last_start > 0 else None


def _duckdb_frame(expr: str, path: Path, kind: str) -> pd.DataFrame:
    try:
        with duckdb.connect() as con:
            return con.sql(f"SELECT * FROM {expr}").df()
    except duckdb.Error as err:
        first = next((s.strip() for s in str(err).splitlines() if s.strip()), "unknown error")
        raise InputError(
            f"Could not read the file as {kind}: {first}",
            where=str(path),
            fix=f"Check that it is a valid {kind} file (open it in a viewer, or export it again).",
        ) from err


def _read_excel(path: Path) -> pd.DataFrame:
    try:
        frame: Any = pd.read_excel(path, sheet_name=0, engine="openpyxl")
    except Exception as err:  # openpyxl/zipfile raise many types for a damaged workbook
        old = path.suffix.lower() == ".xls"
        fix = (
            "Open it in Excel and save it as .xlsx or CSV (the old .xls format is not supported)."
            if old
            else "Open it in Excel and save it again as .xlsx."
        )
        raise InputError(
            f"Could not read the file as an Excel workbook: {err}", where=str(path), fix=fix
        ) from err
    return pd.DataFrame(frame)
