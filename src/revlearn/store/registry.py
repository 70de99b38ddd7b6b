"""The model registry: versioned, fingerprinted models stored inside the workspace.

Each saved model is one row of ``revlearn.models`` in the workspace's DuckDB file: the model
serialised with `skops <https://skops.readthedocs.io>`_ as a BLOB, beside its use case,
parameters, metrics, the fingerprint of its training data and the versions of the libraries
that built it. A row is written in one transaction, so a crash leaves earlier versions
intact. Loading never unpickles: skops rebuilds the objects, and only types from an
allow-list of modules (revlearn, scikit-learn, LightGBM, NumPy, SciPy and a few plain
builtin types) are accepted.

Prediction runs are logged in ``revlearn.predictions`` for audit.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib.metadata
import json
import logging
import platform
import warnings
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import skops.io as sio

from revlearn._version import __version__
from revlearn.errors import (
    NotFoundError,
    ParameterError,
    RevlearnWarning,
    SchemaError,
    StoreError,
    short_list,
)
from revlearn.store.workspace import Workspace, validate_name

__all__ = ["ModelRecord", "Registry", "fingerprint", "library_versions"]

logger = logging.getLogger(__name__)

_TRUSTED_PREFIXES = ("revlearn.", "sklearn.", "lightgbm.", "numpy.", "scipy.")
# Builtins are allowed by exact type name only: a prefix would admit eval, exec or open.
_TRUSTED_NAMES = frozenset(
    ["collections.OrderedDict"]
    + [
        f"builtins.{t}"
        for t in (
            "bool",
            "bytearray",
            "bytes",
            "dict",
            "float",
            "frozenset",
            "int",
            "list",
            "set",
            "slice",
            "str",
            "tuple",
            "type",
        )
    ]
)
# Callables inside trusted packages that read files or run code when a loader calls them.
_REFUSED_LEAVES = frozenset(
    [
        "load",
        "loads",
        "loadtxt",
        "genfromtxt",
        "fromfile",
        "memmap",
        "open",
        "eval",
        "exec",
        "system",
        "popen",
    ]
)
_DISTRIBUTIONS = ("numpy", "pandas", "scikit-learn", "lightgbm", "duckdb", "skops")
_CHECKED_LIBRARIES = ("scikit-learn", "lightgbm", "skops")

_MODELS_DDL = """
CREATE TABLE IF NOT EXISTS revlearn.models (
    name VARCHAR NOT NULL, version INTEGER NOT NULL, usecase VARCHAR NOT NULL,
    created TIMESTAMP NOT NULL, params VARCHAR NOT NULL, metrics VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL, versions VARCHAR NOT NULL, size_bytes BIGINT NOT NULL,
    payload BLOB NOT NULL, PRIMARY KEY (name, version))
"""
_PREDICTIONS_DDL = """
CREATE TABLE IF NOT EXISTS revlearn.predictions (
    created TIMESTAMP NOT NULL, name VARCHAR NOT NULL, version INTEGER NOT NULL,
    source VARCHAR NOT NULL, n_rows BIGINT NOT NULL, output VARCHAR, seconds DOUBLE NOT NULL)
"""
_RECORD_COLUMNS = (
    "name, version, usecase, created, params, metrics, fingerprint, versions, size_bytes"
)
_PREDICTION_COLUMNS = ["created", "name", "version", "source", "n_rows", "output", "seconds"]


@dataclass(frozen=True, slots=True)
class ModelRecord:
    """The metadata of one saved model version.

    Parameters
    ----------
    name : str
        The model name chosen when saving.
    version : int
        1 for the first save under ``name``, then 2, 3, ...
    usecase : str
        The use case that produced it (``"churn"``, ``"leads"``, ...).
    created : datetime
        When it was saved, timezone-aware UTC.
    params : dict
        The parameters the model was built with.
    metrics : dict
        Its evaluation metrics at save time.
    fingerprint : str
        The :func:`fingerprint` of the training data.
    versions : dict
        Library name to version string (python, revlearn, numpy, pandas, scikit-learn,
        lightgbm, duckdb, skops) at save time.
    size_bytes : int
        Size of the serialised model.
    """

    name: str
    version: int
    usecase: str
    created: datetime
    params: dict[str, Any]
    metrics: dict[str, Any]
    fingerprint: str
    versions: dict[str, str]
    size_bytes: int

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a JSON-ready mapping.

        Returns
        -------
        dict
            The fields above, with ``created`` as an ISO 8601 string.
        """
        data = asdict(self)
        data["created"] = self.created.isoformat()
        return data


def fingerprint(frame: pd.DataFrame) -> str:
    """Compute a fingerprint of a table's content, to tell which data trained a model.

    The SHA-256 digest covers the column names, their dtypes and every value (row order
    included, index excluded): equal data gives the same fingerprint in any process, and
    changing any value, name or dtype gives a different one.

    Parameters
    ----------
    frame : pandas.DataFrame
        The training data.

    Returns
    -------
    str
        A 64-character hexadecimal digest.

    Raises
    ------
    ParameterError
        If ``frame`` is not a DataFrame.
    SchemaError
        If a column holds values that cannot be hashed (lists, dicts).
    """
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            f"Expected a pandas DataFrame, got {type(frame).__name__}.",
            where="fingerprint",
            fix="Pass the training DataFrame.",
        )
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    try:
        rows = pd.util.hash_pandas_object(frame, index=False)
    except TypeError as err:
        raise SchemaError(
            f"Cannot fingerprint the data: {err}.",
            where="fingerprint",
            fix="Convert columns holding lists or dicts to strings first.",
        ) from err
    digest.update(np.ascontiguousarray(rows.to_numpy(dtype=np.uint64)).tobytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Report the versions of Python and of the libraries a saved model depends on.

    Returns
    -------
    dict
        Keys python, revlearn, numpy, pandas, scikit-learn, lightgbm, duckdb, skops;
        ``"not installed"`` for a missing library.
    """
    versions = {"python": platform.python_version(), "revlearn": __version__}
    for dist in _DISTRIBUTIONS:
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    return versions


def _json_default(value: object) -> object:
    """Convert NumPy, pandas and path values for ``json.dumps``."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _to_json(value: dict[str, Any], what: str) -> str:
    """Serialise params or metrics, with a clear error when impossible."""
    if not isinstance(value, dict):
        raise ParameterError(
            f"{what} must be a dict, got {type(value).__name__}.",
            where=what,
            fix=f"Pass {what} as a dict of name to value.",
        )
    try:
        return json.dumps(value, default=_json_default, sort_keys=True)
    except (TypeError, ValueError) as err:
        raise ParameterError(
            f"Cannot store {what} as JSON: {err}.",
            where=what,
            fix="Use numbers, strings, booleans, lists and dicts.",
        ) from err


def _untrusted(type_names: list[str]) -> list[str]:
    """Return the type names that are not on the allow-list."""
    refused = []
    for type_name in type_names:
        allowed = type_name in _TRUSTED_NAMES or type_name.startswith(_TRUSTED_PREFIXES)
        if not allowed or type_name.rsplit(".", 1)[-1] in _REFUSED_LEAVES:
            refused.append(type_name)
    return refused


def _record(row: tuple[Any, ...]) -> ModelRecord:
    """Build a record from a row of ``revlearn.models`` (without the payload)."""
    name, version, usecase, created, params, metrics, fp, versions, size = row
    return ModelRecord(
        name=name,
        version=int(version),
        usecase=usecase,
        created=created.replace(tzinfo=UTC),
        params=json.loads(params),
        metrics=json.loads(metrics),
        fingerprint=fp,
        versions=json.loads(versions),
        size_bytes=int(size),
    )


class Registry:
    """Versioned models and a log of prediction runs, stored in a workspace.

    Parameters
    ----------
    workspace : Workspace
        Where the models live.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn.dummy import DummyClassifier
    >>> registry = Registry(Workspace(tempfile.mkdtemp()))
    >>> model = DummyClassifier().fit([[0], [1]], [0, 1])
    >>> registry.save(model, name="demo", usecase="leads", params={}, metrics={},
    ...               fingerprint="-").version
    1
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def __repr__(self) -> str:
        return f"Registry({self.workspace!r})"

    def _has_table(self, table: str) -> bool:
        """Tell whether an internal table exists (without creating the workspace)."""
        if not self.workspace.exists():
            return False
        with self.workspace.connect(read_only=True) as con:
            row = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'revlearn' "
                "AND table_name = ? AND database_name = current_database()",
                [table],
            ).fetchone()
        return bool(row and row[0])

    def save(
        self,
        model: object,
        *,
        name: str,
        usecase: str,
        params: dict[str, Any],
        metrics: dict[str, Any],
        fingerprint: str,
    ) -> ModelRecord:
        """Save a fitted model as the next version under ``name``.

        The model is serialised with ``skops.io.dumps`` and written with its metadata in
        one transaction: a failure (even a killed process) leaves earlier versions intact.

        Parameters
        ----------
        model : object
            The fitted model (a revlearn use case or a scikit-learn/LightGBM estimator).
        name : str
            The model name (letters, digits, underscores).
        usecase : str
            The use case that produced it, e.g. ``"churn"``.
        params : dict
            The parameters it was built with (JSON-serialisable).
        metrics : dict
            Its evaluation metrics (JSON-serialisable).
        fingerprint : str
            The :func:`fingerprint` of its training data.

        Returns
        -------
        ModelRecord
            The metadata of the new version.

        Raises
        ------
        ParameterError
            If ``name`` is invalid, ``params``/``metrics`` cannot be stored as JSON or the
            model cannot be serialised by skops.
        StoreError
            If the workspace file cannot be written.
        """
        validate_name(name, kind="model")
        params_json, metrics_json = _to_json(params, "params"), _to_json(metrics, "metrics")
        try:
            payload = sio.dumps(model)
        except (TypeError, ValueError, AttributeError) as err:
            raise ParameterError(
                f"Cannot serialise the {type(model).__name__} model with skops: {err}.",
                where=f"model {name!r}",
                fix="Save scikit-learn, LightGBM or revlearn models; keep data such as "
                "DataFrames or lambdas out of fitted attributes.",
            ) from err
        versions = library_versions()
        created = datetime.now(UTC).replace(tzinfo=None)
        with self.workspace.connect() as con:
            try:
                version = self._insert(
                    con,
                    name,
                    usecase,
                    created,
                    params_json,
                    metrics_json,
                    fingerprint,
                    versions,
                    payload,
                )
            except duckdb.Error as err:
                raise StoreError(
                    f"Saving model {name!r} failed: {str(err).splitlines()[0]}",
                    where=str(self.workspace.db_path),
                    fix="Earlier versions are intact; retry the save.",
                ) from err
        record = ModelRecord(
            name=name,
            version=version,
            usecase=usecase,
            created=created.replace(tzinfo=UTC),
            params=json.loads(params_json),
            metrics=json.loads(metrics_json),
            fingerprint=fingerprint,
            versions=versions,
            size_bytes=len(payload),
        )
        logger.info("Saved model %s version %d (%d bytes)", name, version, len(payload))
        return record

    @staticmethod
    def _insert(
        con: duckdb.DuckDBPyConnection,
        name: str,
        usecase: str,
        created: datetime,
        params_json: str,
        metrics_json: str,
        fp: str,
        versions: dict[str, str],
        payload: bytes,
    ) -> int:
        """Insert one model row as max(version)+1 inside a transaction; return the version."""
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("CREATE SCHEMA IF NOT EXISTS revlearn")
            con.execute(_MODELS_DDL)
            row = con.execute(
                "SELECT coalesce(max(version), 0) + 1 FROM revlearn.models WHERE name = ?", [name]
            ).fetchone()
            version = int(row[0]) if row else 1
            con.execute(
                f"INSERT INTO revlearn.models ({_RECORD_COLUMNS}, payload) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    name,
                    version,
                    usecase,
                    created,
                    params_json,
                    metrics_json,
                    fp,
                    json.dumps(versions),
                    len(payload),
                    payload,
                ],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return version

    def _resolve(self, name: str, version: int | None) -> tuple[str, int]:
        """Check that the model (and version) exist; return the stored name and version."""
        validate_name(name, kind="model")
        rows: list[tuple[str, int]] = []
        if self._has_table("models"):
            with self.workspace.connect(read_only=True) as con:
                rows = con.execute(
                    "SELECT name, version FROM revlearn.models ORDER BY name, version"
                ).fetchall()
        known = sorted({row[0] for row in rows})
        if name not in known:
            found = f"Known models: {short_list(known)}." if known else "No models saved yet."
            raise NotFoundError(
                f"Model {name!r} not found. {found}",
                where=str(self.workspace.db_path),
                fix="List the models with `revlearn models`.",
            )
        available = [int(v) for n, v in rows if n == name]
        if version is None:
            return name, available[-1]
        if version not in available:
            raise NotFoundError(
                f"Model {name!r} has no version {version!r}. Versions: {short_list(available)}.",
                where=str(self.workspace.db_path),
                fix=f"Pick one of these, or omit the version to use the latest ({available[-1]}).",
            )
        return name, version

    def get(self, name: str, version: int | None = None) -> ModelRecord:
        """Return the metadata of a saved model without loading it.

        Parameters
        ----------
        name : str
            The model name.
        version : int, optional
            The version; the latest when omitted.

        Returns
        -------
        ModelRecord
            Its metadata.

        Raises
        ------
        NotFoundError
            If the model or version does not exist; the message lists what does.
        StoreError
            If the workspace file cannot be read.
        """
        name, version = self._resolve(name, version)
        with self.workspace.connect(read_only=True) as con:
            row = con.execute(
                f"SELECT {_RECORD_COLUMNS} FROM revlearn.models WHERE name = ? AND version = ?",
                [name, version],
            ).fetchone()
        if row is None:
            raise NotFoundError(
                f"Model {name!r} version {version} disappeared while reading.",
                where=str(self.workspace.db_path),
                fix="Retry.",
            )
        return _record(row)

    def load(self, name: str, version: int | None = None) -> tuple[object, ModelRecord]:
        """Load a saved model and its metadata.

        The bytes are checked before anything is built: every type they reference must come
        from revlearn, scikit-learn, LightGBM, NumPy or SciPy (or be a plain builtin type),
        otherwise loading is refused. Nothing is ever unpickled.

        Parameters
        ----------
        name : str
            The model name.
        version : int, optional
            The version; the latest when omitted.

        Returns
        -------
        tuple of (object, ModelRecord)
            The model, ready to predict, and its metadata.

        Raises
        ------
        NotFoundError
            If the model or version does not exist; the message lists what does.
        StoreError
            If the stored model references an untrusted type or cannot be rebuilt.

        Warns
        -----
        RevlearnWarning
            If it was saved with another version of scikit-learn, LightGBM or skops.
        """
        record = self.get(name, version)
        with self.workspace.connect(read_only=True) as con:
            row = con.execute(
                "SELECT payload FROM revlearn.models WHERE name = ? AND version = ?",
                [record.name, record.version],
            ).fetchone()
        payload = bytes(row[0]) if row else b""
        where = f"model {record.name!r} version {record.version}"
        try:
            types = sio.get_untrusted_types(data=payload)
        except Exception as err:  # skops raises many types for damaged or foreign data
            raise StoreError(
                f"Cannot read the stored model: {err}",
                where=where,
                fix="Re-fit the model and save it again.",
            ) from err
        refused = _untrusted(types)
        if refused:
            raise StoreError(
                f"Refusing to load: untrusted type(s) {short_list(refused)}.",
                where=where,
                fix="Only models built from revlearn, scikit-learn, LightGBM, NumPy and "
                "SciPy objects can be loaded; re-fit the model and save it again.",
            )
        try:
            model = sio.loads(payload, trusted=types)
        except Exception as err:  # skops raises many types for damaged or foreign data
            raise StoreError(
                f"Cannot rebuild the model: {err}",
                where=where,
                fix="Re-fit the model and save it again.",
            ) from err
        _warn_on_version_change(record)
        logger.info("Loaded %s", where)
        return model, record

    def latest_versions(self) -> pd.DataFrame:
        """Summarise the registry with one row per model name (its latest version).

        Returns
        -------
        pandas.DataFrame
            Columns ``name``, ``version`` (latest), ``n_versions``, ``usecase``,
            ``created`` (UTC), ``fingerprint``, ``size_bytes`` and ``metrics`` (dict),
            sorted by name; empty (with these columns) when no model is saved.

        Raises
        ------
        StoreError
            If the workspace file cannot be read.
        """
        columns = [
            "name",
            "version",
            "n_versions",
            "usecase",
            "created",
            "fingerprint",
            "size_bytes",
            "metrics",
        ]
        records = self.list()
        if not records:
            return pd.DataFrame(columns=columns)
        frame = pd.DataFrame([asdict(r) for r in records])
        counts = frame.groupby("name")["version"].count().rename("n_versions")
        latest = frame.sort_values("version").groupby("name").tail(1).set_index("name")
        latest = latest.join(counts).reset_index().sort_values("name", ignore_index=True)
        return latest[columns]

    def log_prediction(
        self,
        *,
        name: str,
        version: int,
        source: str,
        n_rows: int,
        output: str | None,
        seconds: float,
    ) -> None:
        """Record one prediction run in the workspace's audit log.

        Parameters
        ----------
        name : str
            The model name.
        version : int
            The model version used.
        source : str
            Where the rows came from (a table name or file path).
        n_rows : int
            How many rows were scored.
        output : str or None
            Where the predictions were written, if anywhere.
        seconds : float
            How long the run took.

        Raises
        ------
        ParameterError
            If ``name`` is invalid or a count or duration is negative.
        StoreError
            If the workspace file cannot be written.
        """
        validate_name(name, kind="model")
        for label, value in (("version", version), ("n_rows", n_rows), ("seconds", seconds)):
            if value < 0:
                raise ParameterError(
                    f"{label} must not be negative, got {value!r}.",
                    where="log_prediction",
                    fix=f"Pass the real {label}.",
                )
        created = datetime.now(UTC).replace(tzinfo=None)
        with self.workspace.connect() as con:
            con.execute("BEGIN TRANSACTION")
            con.execute("CREATE SCHEMA IF NOT EXISTS revlearn")
            con.execute(_PREDICTIONS_DDL)
            con.execute(
                f"INSERT INTO revlearn.predictions ({', '.join(_PREDICTION_COLUMNS)}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [created, name, int(version), source, int(n_rows), output, float(seconds)],
            )
            con.execute("COMMIT")

    def predictions(self) -> pd.DataFrame:
        """Return the log of prediction runs, newest first.

        Returns
        -------
        pandas.DataFrame
            Columns ``created`` (UTC), ``name``, ``version``, ``source``, ``n_rows``,
            ``output`` and ``seconds``; empty when nothing was logged.

        Raises
        ------
        StoreError
            If the workspace file cannot be read.
        """
        if not self._has_table("predictions"):
            return pd.DataFrame(columns=_PREDICTION_COLUMNS)
        with self.workspace.connect(read_only=True) as con:
            return con.execute(
                f"SELECT {', '.join(_PREDICTION_COLUMNS)} FROM "
                "revlearn.predictions ORDER BY created DESC"
            ).df()

    def list(self) -> builtins.list[ModelRecord]:
        """List every saved model version, newest first.

        Returns
        -------
        list of ModelRecord
            All versions of all models, most recently saved first.

        Raises
        ------
        StoreError
            If the workspace file cannot be read.
        """
        if not self._has_table("models"):
            return []
        with self.workspace.connect(read_only=True) as con:
            rows = con.execute(
                f"SELECT {_RECORD_COLUMNS} FROM revlearn.models "
                "ORDER BY created DESC, name, version DESC"
            ).fetchall()
        return [_record(row) for row in rows]


def _warn_on_version_change(record: ModelRecord) -> None:
    """Warn when a model was saved with other versions of the libraries it depends on."""
    current = library_versions()
    changed = [
        f"{lib} {record.versions.get(lib)} -> {current[lib]}"
        for lib in _CHECKED_LIBRARIES
        if record.versions.get(lib) != current[lib]
    ]
    if changed:
        warnings.warn(
            f"Model {record.name!r} version {record.version} was saved with other library "
            f"versions ({short_list(changed)}); predictions may differ. Re-fit to be sure.",
            RevlearnWarning,
            stacklevel=3,
        )
