"""The workspace: one DuckDB file holding a team's tables, models and prediction log.

A workspace is a directory with one file, ``workspace.duckdb``. User tables (data loaded with
``revlearn load``) live in DuckDB's ``main`` schema; revlearn's own tables (the model
registry, the prediction log) live in a schema called ``revlearn`` so that they never mix
with the user's data.

Connections are short-lived: every call opens the file, does its work and closes it again,
so two CLI processes can use one workspace one after another. DuckDB allows one writing
process at a time; when another process holds the file, revlearn retries for a few seconds
and then raises :class:`~revlearn.errors.StoreError` naming the file and the way out.
Every write builds its result in a temporary table and swaps it in within one transaction,
so an error (or a killed process) leaves the previous state intact.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from revlearn.errors import InputError, NotFoundError, ParameterError, SchemaError, StoreError
from revlearn.errors import short_list as _short_list

__all__ = ["Workspace", "validate_name"]

logger = logging.getLogger(__name__)

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LOCK_MARKERS = ("could not set lock", "conflicting lock", "different configuration")
_OTHER_CONFIG = "different configuration"
_FIX_CORRUPT = (
    "Move the file aside (for example rename it to workspace.duckdb.bad) and load your data "
    "again, or point --workspace / REVLEARN_WORKSPACE at another directory."
)


def validate_name(name: str, *, kind: str = "table") -> str:
    """Check that a table or model name is a plain identifier.

    Names may contain letters, digits and underscores and must not start with a digit, so
    they work unchanged in SQL, file names, CLI arguments and URLs.

    Parameters
    ----------
    name : str
        The name to check.
    kind : str, default="table"
        What is being named (``"table"`` or ``"model"``), used in the error message.

    Returns
    -------
    str
        The name, unchanged.

    Raises
    ------
    ParameterError
        If the name is empty, not a string or contains other characters; the message
        suggests a valid name.
    """
    if isinstance(name, str) and _NAME_RE.fullmatch(name):
        return name
    suggestion = re.sub(r"[^A-Za-z0-9_]+", "_", str(name)).strip("_") or f"my_{kind}"
    if suggestion[0].isdigit():
        suggestion = f"{kind}_{suggestion}"
    raise ParameterError(
        f"Invalid {kind} name {name!r}: use letters, digits and underscores, "
        "not starting with a digit.",
        where=f"{kind} name",
        fix=f"Try {suggestion!r}.",
    )


def _first_line(err: BaseException) -> str:
    """Return the first line of an error message (DuckDB appends the SQL and a caret)."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def _quote(identifier: str) -> str:
    """Quote an SQL identifier for DuckDB, doubling embedded quotes."""
    return '"' + identifier.replace('"', '""') + '"'


class Workspace:
    """A directory holding one DuckDB file with tables, models and a prediction log.

    Use one workspace per project, like a ``.git`` directory: the default location is
    ``./revlearn-workspace`` so that the data and models of a project stay beside it.
    Nothing is created on disk until the first write.

    Parameters
    ----------
    path : str or Path, optional
        The workspace directory. Defaults to :meth:`default_path`.
    lock_timeout : float, default=5.0
        Seconds to keep retrying while another process holds the file.

    Attributes
    ----------
    path : Path
        The workspace directory.
    db_path : Path
        The DuckDB file, ``path / "workspace.duckdb"``.

    Raises
    ------
    ParameterError
        If ``path`` is an existing file rather than a directory.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> ws.write_table("leads", pd.DataFrame({"id": [1, 2], "source": ["ads", "seo"]}))
    2
    >>> ws.query("SELECT count(*) AS n FROM leads WHERE source = ?", ["ads"])["n"].item()
    1
    """

    FILENAME = "workspace.duckdb"

    def __init__(self, path: str | Path | None = None, *, lock_timeout: float = 5.0) -> None:
        directory = Path(path).expanduser() if path is not None else self.default_path()
        if directory.is_file():
            raise ParameterError(
                f"Workspace path {str(directory)!r} is a file, not a directory.",
                where="workspace",
                fix=f"Pass its directory, for example {str(directory.parent)!r}.",
            )
        self.path = directory
        self.db_path = directory / self.FILENAME
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    @staticmethod
    def default_path() -> Path:
        """Return the workspace directory used when none is given.

        ``$REVLEARN_WORKSPACE`` when set, otherwise ``./revlearn-workspace`` in the current
        directory: a workspace belongs to a project, as ``.git`` does, so that running the
        CLI in two projects never mixes their data or models.

        Returns
        -------
        Path
            The directory (it may not exist yet).
        """
        env = os.environ.get("REVLEARN_WORKSPACE")
        if env:
            return Path(env).expanduser()
        return Path.cwd() / "revlearn-workspace"

    def exists(self) -> bool:
        """Tell whether the workspace file has been created.

        Returns
        -------
        bool
            True once something has been written to the workspace.
        """
        return self.db_path.is_file()

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open a short-lived connection to the workspace file.

        A read-write connection creates the directory and file if needed. Close the
        connection quickly (leave the ``with`` block) so other processes can use the file.

        Parameters
        ----------
        read_only : bool, default=False
            Open without write access; several read-only processes may share the file.

        Yields
        ------
        duckdb.DuckDBPyConnection
            The open connection; it is closed when the block ends.

        Raises
        ------
        NotFoundError
            If ``read_only`` and the workspace file does not exist yet.
        StoreError
            If the file stays locked by another process or is not a DuckDB database.
        """
        if read_only and not self.exists():
            raise NotFoundError(
                "The workspace has no data yet.",
                where=str(self.db_path),
                fix="Load a table with `revlearn load NAME FILE` first.",
            )
        if not read_only:
            self.path.mkdir(parents=True, exist_ok=True)
        con = self._open(read_only)
        try:
            yield con
        finally:
            con.close()

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        """Open the DuckDB file, retrying while another process or thread holds its lock."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        while True:
            try:
                return duckdb.connect(str(self.db_path), read_only=read_only)
            except duckdb.Error as err:
                message = _first_line(err)
                if read_only and _OTHER_CONFIG in message.lower():
                    # This process already holds a read-write connection (another thread):
                    # share it rather than fail; callers that must not write still roll back.
                    read_only = False
                    continue
                if not any(marker in message.lower() for marker in _LOCK_MARKERS):
                    raise StoreError(
                        f"Cannot open the workspace file: {message}",
                        where=str(self.db_path),
                        fix=_FIX_CORRUPT,
                    ) from err
                if time.monotonic() >= deadline:
                    holder = re.search(r"\(PID \d+\)", message)
                    raise StoreError(
                        "The workspace file is locked by another process or connection"
                        + (f" {holder.group(0)}" if holder else "")
                        + ".",
                        where=str(self.db_path),
                        fix="Wait for the other revlearn command, notebook or server using "
                        "this workspace to finish (or close it), then retry.",
                    ) from err
                logger.debug("Workspace %s is locked; retrying in %.2f s", self.db_path, delay)
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def list_tables(self) -> list[str]:
        """List the user's tables (revlearn's internal tables are not shown).

        Returns
        -------
        list of str
            Table names, sorted; empty when the workspace does not exist yet.

        Raises
        ------
        StoreError
            If the workspace file cannot be read.
        """
        if not self.exists():
            return []
        with self.connect(read_only=True) as con:
            return self._tables(con)

    @staticmethod
    def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
        """Return the user's table names through an open connection."""
        rows = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
            "AND NOT temporary AND database_name = current_database() ORDER BY table_name"
        ).fetchall()
        return [row[0] for row in rows]

    def has_table(self, name: str) -> bool:
        """Tell whether a user table exists.

        Parameters
        ----------
        name : str
            The table name.

        Returns
        -------
        bool
            True if the table exists (names compare case-insensitively, as in SQL).

        Raises
        ------
        ParameterError
            If ``name`` is not a valid table name.
        StoreError
            If the workspace file cannot be read.
        """
        validate_name(name)
        return name.lower() in {table.lower() for table in self.list_tables()}

    def _require_table(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        """Raise NotFoundError naming the available tables if ``name`` is absent."""
        tables = self._tables(con)
        if name.lower() not in {table.lower() for table in tables}:
            raise self._missing_table(name, tables)

    def _missing_table(self, name: str, tables: Sequence[str]) -> NotFoundError:
        """Build the error for a table that does not exist."""
        found = f"Available tables: {_short_list(tables)}." if tables else "It has no tables."
        return NotFoundError(
            f"Table {name!r} not found in the workspace. {found}",
            where=str(self.db_path),
            fix=f"Load it with `revlearn load {name} FILE`.",
        )

    def read_table(self, name: str) -> pd.DataFrame:
        """Read a whole user table into pandas.

        Parameters
        ----------
        name : str
            The table name.

        Returns
        -------
        pandas.DataFrame
            The table's rows and columns, in stored order.

        Raises
        ------
        ParameterError
            If ``name`` is not a valid table name.
        NotFoundError
            If the table does not exist; the message lists the available tables.
        StoreError
            If the workspace file cannot be read.
        """
        validate_name(name)
        if not self.exists():
            raise self._missing_table(name, [])
        with self.connect(read_only=True) as con:
            self._require_table(con, name)
            frame = con.execute(f"SELECT * FROM {_quote(name)}").df()
        logger.debug("Read %d rows from table %s", len(frame), name)
        return frame

    def write_table(self, name: str, frame: pd.DataFrame) -> int:
        """Store a DataFrame as a user table, replacing any table of that name atomically.

        The rows are written into a temporary table which replaces the old one in the same
        transaction: on any error the previous table is left as it was. The index is not
        stored (call ``frame.reset_index()`` first to keep it); column names are stored as
        strings, exactly as given.

        Parameters
        ----------
        name : str
            The table name (letters, digits, underscores).
        frame : pandas.DataFrame
            The data to store; it is not modified.

        Returns
        -------
        int
            The number of rows written.

        Raises
        ------
        ParameterError
            If ``name`` is invalid or ``frame`` is not a DataFrame.
        SchemaError
            If the frame has no columns, duplicate column names (compared
            case-insensitively, as in SQL) or values DuckDB cannot store.
        StoreError
            If the workspace file cannot be written.
        """
        validate_name(name)
        data = _checked_frame(frame, name)
        view = f"_revlearn_frame_{uuid.uuid4().hex}"

        def create(con: duckdb.DuckDBPyConnection, target: str) -> None:
            con.register(view, data)
            con.execute(f"CREATE TABLE {_quote(target)} AS SELECT * FROM {_quote(view)}")

        n_rows = self._swap_in(name, create)
        logger.info("Wrote %d rows to table %s", n_rows, name)
        return n_rows

    def import_query(self, name: str, select_sql: str) -> int:
        """Create a user table from a SELECT statement, replacing any table of that name.

        Runs ``CREATE TABLE AS <select_sql>`` inside DuckDB, so a large CSV or Parquet file
        can be loaded without passing through pandas, for example with
        ``SELECT * FROM read_csv('orders.csv')``. The swap is atomic as in
        :meth:`write_table`.

        Parameters
        ----------
        name : str
            The table name (letters, digits, underscores).
        select_sql : str
            A query producing the rows. It is trusted SQL built by revlearn's loaders.

        Returns
        -------
        int
            The number of rows imported.

        Raises
        ------
        ParameterError
            If ``name`` is invalid.
        InputError
            If the query fails (unreadable file, bad CSV, type errors); the previous table
            is left intact.
        StoreError
            If the workspace file cannot be written.
        """
        validate_name(name)

        def create(con: duckdb.DuckDBPyConnection, target: str) -> None:
            con.execute(f"CREATE TABLE {_quote(target)} AS {select_sql}")

        n_rows = self._swap_in(name, create)
        logger.info("Imported %d rows into table %s", n_rows, name)
        return n_rows

    def _swap_in(self, name: str, create: Callable[[duckdb.DuckDBPyConnection, str], None]) -> int:
        """Build a temporary table with ``create`` and swap it in under ``name`` in one go."""
        temporary = f"_revlearn_tmp_{uuid.uuid4().hex}"
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                create(con, temporary)
                row = con.execute(f"SELECT count(*) FROM {_quote(temporary)}").fetchone()
                con.execute(f"DROP TABLE IF EXISTS {_quote(name)}")
                con.execute(f"ALTER TABLE {_quote(temporary)} RENAME TO {_quote(name)}")
                con.execute("COMMIT")
            except duckdb.Error as err:
                con.execute("ROLLBACK")
                raise _write_error(err, name, self.db_path) from err
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return int(row[0]) if row else 0

    def drop_table(self, name: str, *, missing_ok: bool = False) -> None:
        """Delete a user table.

        Parameters
        ----------
        name : str
            The table name.
        missing_ok : bool, default=False
            Do nothing (instead of raising) when the table does not exist.

        Raises
        ------
        ParameterError
            If ``name`` is not a valid table name.
        NotFoundError
            If the table does not exist and ``missing_ok`` is false.
        StoreError
            If the workspace file cannot be written.
        """
        validate_name(name)
        if not self.has_table(name):
            if missing_ok:
                return
            raise self._missing_table(name, self.list_tables())
        with self.connect() as con:
            con.execute(f"DROP TABLE IF EXISTS {_quote(name)}")
        logger.info("Dropped table %s", name)

    def query(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None
    ) -> pd.DataFrame:
        """Run a read-only SQL query over the workspace and return the result.

        The connection is opened read-only, so the query cannot change the workspace.
        Use ``?`` or ``$name`` placeholders with ``params`` rather than formatting values
        into the SQL.

        Parameters
        ----------
        sql : str
            The query, for example ``SELECT source, count(*) FROM leads GROUP BY 1``.
        params : sequence or mapping, optional
            Values for the placeholders.

        Returns
        -------
        pandas.DataFrame
            The result rows.

        Raises
        ------
        InputError
            If DuckDB rejects the query (syntax error, unknown table or column, an attempt
            to write).
        StoreError
            If the workspace file cannot be read.
        """
        if not self.exists():
            con = duckdb.connect(":memory:")
            try:
                return _run_query(con, sql, params, self.db_path)
            finally:
                con.close()
        with self.connect(read_only=True) as con:
            return _run_query(con, sql, params, self.db_path)


def _run_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any] | None,
    db_path: Path,
) -> pd.DataFrame:
    """Execute a user query in a transaction that is always rolled back."""
    con.execute("BEGIN TRANSACTION")
    try:
        return con.execute(sql, params).df()
    except duckdb.Error as err:
        raise InputError(
            f"Query failed: {_first_line(err)}",
            where=str(db_path),
            fix="Check the SQL; list the tables with `revlearn tables`. Queries are "
            "read-only: use load to change tables.",
        ) from err
    finally:
        with suppress(duckdb.TransactionException):  # the query may have ended it itself
            con.execute("ROLLBACK")


def _checked_frame(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return ``frame`` with string column names, after checking it can become a table."""
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            f"Expected a pandas DataFrame, got {type(frame).__name__}.",
            where=f"table {name!r}",
            fix="Convert it first, for example with pd.DataFrame(data).",
        )
    columns = [str(column) for column in frame.columns]
    if not columns:
        raise SchemaError(
            "The DataFrame has no columns.",
            where=f"table {name!r}",
            fix="Pass a DataFrame with at least one column.",
        )
    unusable = [column for column in columns if not column or "\x00" in column]
    if unusable:
        raise SchemaError(
            f"Column names must be non-empty and free of NUL characters: "
            f"{_short_list(repr(column) for column in unusable)}.",
            where=f"table {name!r}",
            fix="Rename those columns, e.g. frame.rename(columns={...}).",
        )
    seen: dict[str, str] = {}
    duplicates = []
    for column in columns:
        if column.lower() in seen:
            duplicates.append(f"{seen[column.lower()]!r}/{column!r}")
        seen.setdefault(column.lower(), column)
    if duplicates:
        raise SchemaError(
            f"Duplicate column names (SQL ignores case): {_short_list(duplicates)}.",
            where=f"table {name!r}",
            fix="Rename the columns so each name is unique, e.g. frame.columns = [...].",
        )
    return frame.set_axis(columns, axis=1, copy=False)


def _write_error(err: duckdb.Error, name: str, db_path: Path) -> Exception:
    """Translate a DuckDB error raised while writing table ``name``."""
    if isinstance(
        err,
        duckdb.ConversionException
        | duckdb.InvalidInputException
        | duckdb.BinderException
        | duckdb.ParserException
        | duckdb.CatalogException
        | duckdb.NotImplementedException,
    ):
        return SchemaError(
            f"Cannot write table {name!r}: {_first_line(err)}",
            where=str(db_path),
            fix="Check the data or the query that produced it (each column must hold one "
            "supported type of value). The previous table (if any) is unchanged.",
        )
    if isinstance(err, duckdb.IOException | duckdb.HTTPException):
        return InputError(
            f"Cannot read the data for table {name!r}: {_first_line(err)}",
            where=str(db_path),
            fix="Check that the file exists and is readable. The previous table is unchanged.",
        )
    return StoreError(
        f"Writing table {name!r} failed: {_first_line(err)}",
        where=str(db_path),
        fix="The previous table is unchanged; retry, and if it fails again move the "
        "workspace file aside.",
    )
