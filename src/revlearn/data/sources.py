"""Resolve a ``--data`` argument: a file path, or the name of a table in the workspace."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import duckdb
import pandas as pd

from revlearn.data.io import SUPPORTED_EXTENSIONS, csv_relation_sql, read_file, read_sql
from revlearn.errors import InputError, NotFoundError, SchemaError, short_list
from revlearn.store.workspace import Workspace, validate_name

__all__ = ["load_file_into", "load_query_into", "read_source"]

_QUERY = re.compile(r"^\s*(select|with)\s", re.IGNORECASE)

logger = logging.getLogger(__name__)


def _looks_like_path(source: str) -> bool:
    return (
        any(sep in source for sep in ("/", "\\"))
        or Path(source).suffix.lower() in SUPPORTED_EXTENSIONS
    )


def _looks_like_query(source: str) -> bool:
    return bool(_QUERY.match(source))


def read_source(source: str | Path, workspace: Workspace) -> pd.DataFrame:
    """Read a file, a workspace table of that name, or a SQL query over the workspace.

    A path that exists is read as a file; text starting with ``SELECT`` or ``WITH`` runs as
    a read-only DuckDB query over the workspace's tables; otherwise a name without a file
    extension is looked up among the tables.

    Parameters
    ----------
    source : str or Path
        A file path, a table name (as given to ``revlearn load``) or a SQL query such as
        ``"SELECT * FROM leads WHERE country = 'Germany'"``.
    workspace : Workspace
        Where tables are looked up.

    Returns
    -------
    pandas.DataFrame
        The data.

    Raises
    ------
    NotFoundError
        If neither a file nor a table of that name exists.
    """
    text = str(source)
    if _looks_like_query(text):
        return workspace.query(text)
    if Path(text).exists() or _looks_like_path(text):
        return read_file(text)
    if workspace.has_table(text):
        return workspace.read_table(text)
    tables = workspace.list_tables()
    raise NotFoundError(
        f"No file or workspace table named {text!r}.",
        where=f"workspace {workspace.path}",
        fix=(f"Tables: {short_list(tables)}. " if tables else "The workspace has no tables. ")
        + "Give a file path, or load it first with `revlearn load NAME FILE`.",
    )


def load_file_into(workspace: Workspace, name: str, path: str | Path) -> int:
    """Put a file into the workspace as a table (streaming CSVs through DuckDB).

    Parameters
    ----------
    workspace : Workspace
        The target workspace.
    name : str
        Table name (letters, digits, underscores).
    path : str or Path
        The file.

    Returns
    -------
    int
        Rows written. The write is atomic: on error the previous table (if any) is intact.

    Raises
    ------
    InputError
        If the file cannot be read or the name is invalid.
    """
    validate_name(name)
    if Path(path).suffix.lower() not in (".csv", ".tsv", ".txt") or _is_cp1252(path):
        return workspace.write_table(name, read_file(path))
    expr = csv_relation_sql(path)
    try:
        with duckdb.connect() as con:
            probe = f"SELECT count(*) FROM (SELECT 1 FROM {expr} LIMIT 1)"
            first = con.execute(probe).fetchone()
    except duckdb.Error:
        # DuckDB cannot sniff or parse it as is: read_file retries and names the bad line.
        return workspace.write_table(name, read_file(path))
    if first == (0,):
        raise InputError(
            "The file has a header but no data rows.",
            where=str(path),
            fix="Export the file again with its rows.",
        )
    try:
        return workspace.import_query(name, f"SELECT * FROM {expr}")
    except SchemaError as err:
        if "conversion" not in err.what.lower():
            raise
        # A value late in the file breaks the type DuckDB sniffed from the first rows (as in
        # read_file): sniff the types over the whole file and try once more.
        logger.info("Reloading %s with types sniffed over the whole file", path)
        full = expr.removesuffix(")") + ", sample_size=-1)"
        return workspace.import_query(name, f"SELECT * FROM {full}")


def load_query_into(workspace: Workspace, name: str, query: str, *, url: str) -> int:
    """Run a SQL query against a database (SQLAlchemy URL) and keep the result as a table.

    Parameters
    ----------
    workspace : Workspace
        The target workspace.
    name : str
        Table name (letters, digits, underscores).
    query : str
        The query, e.g. ``"SELECT * FROM crm.leads"``.
    url : str
        SQLAlchemy URL, e.g. ``postgresql://user@host/crm`` or ``sqlite:///crm.db``.

    Returns
    -------
    int
        Rows written (atomically).

    Raises
    ------
    InputError
        If the query fails or the name is invalid.
    MissingDependencyError
        If SQLAlchemy (``revlearn[sql]``) is not installed.
    """
    validate_name(name)
    return workspace.write_table(name, read_sql(query, url=url))


def _is_cp1252(path: str | Path) -> bool:
    try:
        csv_relation_sql(path)
    except InputError as err:
        if "cp1252" in err.what:
            return True
        raise
    return False
