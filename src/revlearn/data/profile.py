"""Profile a table: what is in each column, and what is wrong with the data.

:func:`profile` types the table with :func:`~revlearn.data.schema.infer_schema`, summarises
every column and lists findings in plain language (missing values, duplicates, outliers,
inconsistent spellings, leakage suspects, class imbalance ...). ydata-profiling does more
plots but pulls many dependencies and does not know about targets and leakage; the checks
here are the ones a churn or lead-scoring model needs before training.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from revlearn.data.io import as_pandas
from revlearn.data.schema import Role, Schema, check_columns, infer_schema, looks_like_id
from revlearn.errors import RevlearnWarning

__all__ = ["Finding", "Profile", "profile"]

logger = logging.getLogger(__name__)

Severity = Literal["info", "warning", "error"]

_MISSING_WARN_PCT = 5.0
_IQR_FENCE = 3.0
_HIGH_CARDINALITY_LEVELS = 50
_HIGH_CARDINALITY_SHARE = 0.10
_ID_DISTINCT_SHARE = 0.95
_LEAK_AUC = 0.95
_LEAK_RHO = 0.95
_LEAK_MIN_LEVEL_ROWS = 10
_MAX_SPELLING_LEVELS = 5_000
_IMBALANCE_INFO, _IMBALANCE_WARN = 0.20, 0.05
_MAX_CLASSES = 20
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Frequent country names and aliases → ISO 3166-1 alpha-2 code (lower case).
_COUNTRIES = {
    "argentina": "ar",
    "australia": "au",
    "austria": "at",
    "belgium": "be",
    "brazil": "br",
    "canada": "ca",
    "chile": "cl",
    "china": "cn",
    "colombia": "co",
    "czechia": "cz",
    "czech republic": "cz",
    "denmark": "dk",
    "deutschland": "de",
    "finland": "fi",
    "france": "fr",
    "germany": "de",
    "greece": "gr",
    "hungary": "hu",
    "india": "in",
    "indonesia": "id",
    "ireland": "ie",
    "israel": "il",
    "italy": "it",
    "japan": "jp",
    "mexico": "mx",
    "netherlands": "nl",
    "the netherlands": "nl",
    "holland": "nl",
    "new zealand": "nz",
    "norway": "no",
    "poland": "pl",
    "portugal": "pt",
    "romania": "ro",
    "singapore": "sg",
    "south africa": "za",
    "south korea": "kr",
    "spain": "es",
    "sweden": "se",
    "switzerland": "ch",
    "turkey": "tr",
    "united kingdom": "gb",
    "uk": "gb",
    "great britain": "gb",
    "england": "gb",
    "united states": "us",
    "usa": "us",
    "united states of america": "us",
    "u.s.": "us",
    "u.s.a.": "us",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem or fact found in a table.

    Parameters
    ----------
    kind : str
        What was found: ``missing_values``, ``all_missing``, ``outliers``,
        ``duplicate_rows``, ``near_duplicate_rows``, ``duplicate_ids``, ``constant``,
        ``high_cardinality``, ``inconsistent_spelling``, ``leakage_suspect``,
        ``numbers_as_text``, ``class_imbalance`` or ``sampled``.
    column : str or None
        The column concerned, or None for the whole table.
    severity : {"info", "warning", "error"}
        ``error``: the data cannot be used as is; ``warning``: a model may be wrong;
        ``info``: worth knowing.
    message : str
        A plain-language sentence with counts.
    """

    kind: str
    column: str | None
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, str | None]:
        """Return the finding as a JSON-ready mapping.

        Returns
        -------
        dict
            Keys ``kind``, ``column``, ``severity`` and ``message``.
        """
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Profile:
    """What is in a table and what is wrong with it.

    Parameters
    ----------
    n_rows : int
        Rows in the table.
    n_columns : int
        Columns in the table.
    columns : pandas.DataFrame
        One row per column: ``column``, ``role``, ``count``, ``missing``, ``missing_pct``,
        ``mean``, ``median``, ``mode``, ``std``, ``min``, ``max``, ``distinct`` and
        ``top_values`` (e.g. ``"DE (40.0%), FR (30.0%)"``).
    findings : tuple of Finding
        Problems and facts, errors first.
    """

    n_rows: int
    n_columns: int
    columns: pd.DataFrame
    findings: tuple[Finding, ...]

    def to_frame(self) -> pd.DataFrame:
        """Return the per-column summary table (a copy).

        Returns
        -------
        pandas.DataFrame
            The ``columns`` table.
        """
        return self.columns.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return the profile as a JSON-ready mapping (no numpy scalars, NaN as None).

        Returns
        -------
        dict
            Keys ``n_rows``, ``n_columns``, ``columns`` (a list of records) and ``findings``.
        """
        records = [
            {str(k): _jsonable(v) for k, v in row.items()}
            for row in self.columns.to_dict(orient="records")
        ]
        return {
            "n_rows": int(self.n_rows),
            "n_columns": int(self.n_columns),
            "columns": records,
            "findings": [f.to_dict() for f in self.findings],
        }


def profile(
    frame: object,
    *,
    target: str | None = None,
    id_col: str | None = None,
    max_rows: int = 200_000,
    random_state: int = 0,
) -> Profile:
    """Summarise each column and list what is wrong with a table.

    Counts, missing values, distinct values, statistics and duplicate ids use every row;
    beyond ``max_rows`` rows the other checks run on a random sample (said in a ``sampled``
    finding). Rules:

    - ``missing_values``: some values missing (warning from 5 %, else info);
      ``all_missing``: every value missing (error for the target).
    - ``constant``: one distinct value. ``numbers_as_text``: numbers stored as text were
      converted (from the schema notes).
    - ``outliers``: numeric values beyond 3 × IQR from the quartiles (Tukey's far-out
      fences), with count and share.
    - ``duplicate_rows``: exact repeats; ``near_duplicate_rows``: rows equal once text is
      case-folded, trimmed and space-collapsed and id columns are ignored.
    - ``duplicate_ids``: repeated values in ``id_col``, or in a column named like an id
      that is at least 95 % distinct (error).
    - ``high_cardinality``: a categorical with ≥ 50 levels that are > 10 % of its values.
    - ``inconsistent_spelling``: categorical values equal after case-folding, trimming and
      space-collapsing (``"Germany"``/``"germany "``), or a country name beside its ISO
      code (``"Germany"``/``"DE"``).
    - ``leakage_suspect``: for a two-class target, one column alone reaching ROC AUC ≥ 0.95
      in either direction (numbers and dates by rank, missing values ranked lowest;
      categories by their target rate, levels under 10 rows pooled); for a numeric target
      with more than 20 values, |Spearman ρ| ≥ 0.95.
    - ``class_imbalance``: for a target with at most 20 classes, smallest class < 20 %
      (info), < 5 % (warning), or a single class (error).

    Parameters
    ----------
    frame : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        The table to profile (not modified).
    target : str, optional
        The outcome column, enabling leakage and imbalance checks.
    id_col : str, optional
        The row identifier; inferred from names when not given.
    max_rows : int, default=200_000
        Rows above which the expensive checks use a random sample.
    random_state : int, default=0
        Seed for that sample.

    Returns
    -------
    Profile
        The per-column table and the findings.

    Raises
    ------
    InputError
        If ``frame`` is not a table.
    SchemaError
        If ``target`` or ``id_col`` is not a column.
    """
    data = as_pandas(frame, where="profile")
    check_columns(
        data,
        [c for c in (target, id_col) if c is not None],
        where="profile",
        hint="Pass --target/--id with a column name exactly as it appears.",
    )
    schema = infer_schema(data, target=target, id_col=id_col)
    with warnings.catch_warnings():  # unconvertible values are already in the schema notes
        warnings.simplefilter("ignore", RevlearnWarning)
        typed = schema.apply(data, where="profile")
    typed.columns = [str(c) for c in typed.columns]
    sample = typed
    findings: list[Finding] = []
    if len(typed) > max_rows:
        sample = typed.sample(n=max_rows, random_state=random_state)
        findings.append(
            Finding(
                "sampled",
                None,
                "info",
                (
                    f"Checked duplicates, outliers, spelling and leakage on a random sample of "
                    f"{max_rows:,} of {len(typed):,} rows; counts and missing values use all rows."
                ),
            )
        )
    table = _column_table(typed, schema)
    ids = _id_columns(typed, schema, id_col)
    findings += [
        *_column_findings(table, schema, target),
        *_outliers(sample, schema),
        *_duplicates(sample, ids),
        *_duplicate_ids(typed, ids),
        *_spelling(sample, schema),
    ]
    if target is not None:
        findings += [*_imbalance(typed[target], target), *_leakage(sample, schema, target)]
    findings.sort(key=lambda f: _SEVERITY_ORDER[f.severity])
    logger.info(
        "Profiled %s rows x %s columns: %s findings",
        f"{len(typed):,}",
        typed.shape[1],
        len(findings),
    )
    return Profile(len(typed), typed.shape[1], table, tuple(findings))


def _jsonable(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is None:
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).isoformat()
    return value


def _column_table(typed: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    rows = [
        _column_summary(typed[c], schema.roles.get(c, Role.CATEGORICAL.value))
        for c in typed.columns
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "column",
            "role",
            "count",
            "missing",
            "missing_pct",
            "mean",
            "median",
            "mode",
            "std",
            "min",
            "max",
            "distinct",
            "top_values",
        ],
    )


def _column_summary(series: pd.Series, role: str) -> dict[str, Any]:
    count = int(series.notna().sum())
    row: dict[str, Any] = {
        "column": str(series.name),
        "role": role,
        "count": count,
        "missing": len(series) - count,
        "missing_pct": round(100.0 * (len(series) - count) / max(len(series), 1), 2),
        "mean": np.nan,
        "median": np.nan,
        "mode": None,
        "std": np.nan,
        "min": None,
        "max": None,
        "distinct": int(series.nunique(dropna=True)),
        "top_values": "",
    }
    if count == 0:
        return row
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype(float)
        row.update(
            mean=float(values.mean()),
            median=float(values.median()),
            std=float(values.std()),
            min=float(values.min()),
            max=float(values.max()),
        )
    elif pd.api.types.is_datetime64_any_dtype(series):
        row.update(min=series.min().isoformat(), max=series.max().isoformat())
    if role == Role.ID.value:
        return row
    try:
        counts = series.value_counts(dropna=True).head(3)
    except TypeError:  # unhashable values (nested JSON)
        counts = series.astype(str).value_counts(dropna=True).head(3)
    row["mode"] = _short(counts.index[0])
    row["top_values"] = ", ".join(
        f"{_short(v)} ({100.0 * n / count:.1f}%)" for v, n in counts.items()
    )
    return row


def _short(value: object, limit: int = 30) -> str:
    if isinstance(value, pd.Timestamp):
        text = value.isoformat()
    elif isinstance(value, float | np.floating):
        text = f"{value:.6g}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _column_findings(table: pd.DataFrame, schema: Schema, target: str | None) -> Iterator[Finding]:
    n_rows = int(table["count"].iloc[0] + table["missing"].iloc[0]) if len(table) else 0
    for row in table.itertuples(index=False):
        name, missing, pct = str(row.column), int(row.missing), float(row.missing_pct)
        if n_rows and missing == n_rows:
            severity: Severity = "error" if name == target else "warning"
            yield Finding(
                "all_missing",
                name,
                severity,
                f"Column {name!r} is missing in every row; it carries no information.",
            )
        elif missing:
            yield Finding(
                "missing_values",
                name,
                "warning" if pct >= _MISSING_WARN_PCT else "info",
                f"Column {name!r} is missing in {missing:,} of {n_rows:,} rows ({pct:.1f}%).",
            )
        if row.role == Role.CONSTANT.value:
            yield Finding(
                "constant",
                name,
                "info",
                f"Column {name!r} has the same value ({row.mode}) in every row; "
                "it carries no information.",
            )
        levels, count = int(row.distinct), int(row.count)
        if (
            row.role == Role.CATEGORICAL.value
            and levels >= _HIGH_CARDINALITY_LEVELS
            and levels > _HIGH_CARDINALITY_SHARE * count
        ):
            yield Finding(
                "high_cardinality",
                name,
                "info",
                f"Column {name!r} has {levels:,} different values in {count:,} rows; "
                "group rare values or treat it as text or an id.",
            )
    for note in schema.notes:
        column = next(
            (
                c
                for c, conv in schema.conversions.items()
                if conv.get("kind") == "numeric_text" and note.startswith(f"Column {c!r}:")
            ),
            None,
        )
        if column is not None:
            yield Finding("numbers_as_text", column, "info", note)


def _outliers(sample: pd.DataFrame, schema: Schema) -> Iterator[Finding]:
    for column in schema.columns(Role.NUMERIC):
        if column not in sample.columns:
            continue
        values = sample[column].to_numpy(dtype=float)
        values = values[~np.isnan(values)]
        if len(values) < 4:
            continue
        q1, q3 = np.percentile(values, [25, 75])
        spread = q3 - q1
        if spread <= 0:
            continue
        low, high = q1 - _IQR_FENCE * spread, q3 + _IQR_FENCE * spread
        n_out = int(((values < low) | (values > high)).sum())
        if n_out:
            share = 100 * n_out / len(values)
            yield Finding(
                "outliers",
                column,
                "info",
                f"Column {column!r} has {n_out:,} values ({share:.1f}%)"
                f" far outside the usual range (below {low:,.4g} or above "
                f"{high:,.4g}; 3×IQR rule). Check for typos or unit mix-ups.",
            )


def _duplicated(frame: pd.DataFrame) -> pd.Series:
    try:
        return frame.duplicated(keep="first")
    except TypeError:  # unhashable values (nested JSON)
        return frame.astype(str).duplicated(keep="first")


def _normalise_text(series: pd.Series) -> pd.Series:
    """Case-fold, trim and collapse spaces in a text column (each distinct value once)."""
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    keys = pd.Series(np.asarray(uniques, dtype=object)).map(
        lambda v: " ".join(str(v).casefold().split())
    )
    # code -1 (missing) indexes the None appended last
    values = np.concatenate([keys.to_numpy(dtype=object), np.array([None], dtype=object)])
    return pd.Series(values[codes], index=series.index)


def _id_columns(typed: pd.DataFrame, schema: Schema, id_col: str | None) -> list[str]:
    """Id columns: the named one, inferred ones, and id-named columns ≥ 95 % distinct."""
    ids = [id_col] if id_col else schema.columns(Role.ID)
    for column in typed.columns:
        values = typed[column].dropna()
        if (
            column not in ids
            and looks_like_id(column)
            and not values.empty
            and values.nunique() >= _ID_DISTINCT_SHARE * len(values)
        ):
            ids.append(column)  # a foreign key such as customer_id in orders repeats by design
    return ids


def _duplicates(sample: pd.DataFrame, ids: list[str]) -> Iterator[Finding]:
    if sample.empty:
        return
    exact = _duplicated(sample)
    n_exact = int(exact.sum())
    if n_exact:
        yield Finding(
            "duplicate_rows",
            None,
            "warning",
            f"{n_exact:,} of {len(sample):,} rows are exact copies of an earlier row; "
            "remove them before training (they inflate evaluation scores).",
        )
    kept = [c for c in sample.columns if c not in ids]
    if not kept:
        return
    normal = pd.DataFrame(
        {c: _normalise_text(sample[c]) if sample[c].dtype == object else sample[c] for c in kept},
        index=sample.index,
    )
    n_near = int((_duplicated(normal) & ~exact).sum())
    if n_near:
        yield Finding(
            "near_duplicate_rows",
            None,
            "warning",
            f"{n_near:,} rows repeat an earlier row once ids are ignored and text is "
            "compared without case or extra spaces; they are likely the same record "
            "entered twice.",
        )


def _duplicate_ids(typed: pd.DataFrame, ids: list[str]) -> Iterator[Finding]:
    for column in ids:
        values = typed[column].dropna()
        repeated = values[values.duplicated(keep=False)]
        if not repeated.empty:
            n_ids = int(repeated.nunique())
            yield Finding(
                "duplicate_ids",
                column,
                "error",
                f"Column {column!r} repeats {n_ids:,} ids over {len(repeated):,} rows "
                f"(e.g. {repeated.iloc[0]!r}); each row needs its own id. Remove "
                "duplicate records or pick another id column.",
            )


def _spelling_groups(series: pd.Series) -> list[list[str]]:
    levels = pd.Series(series.dropna().unique(), dtype=object).map(str)
    if len(levels) < 2 or len(levels) > _MAX_SPELLING_LEVELS:
        return []
    keys = levels.map(lambda v: " ".join(v.casefold().split()))
    canon = keys.map(lambda k: _COUNTRIES.get(k, k))
    groups = levels.groupby(canon.to_numpy()).agg(list)
    return [sorted(g) for g in groups if len(g) > 1]


def _spelling(sample: pd.DataFrame, schema: Schema) -> Iterator[Finding]:
    for column in schema.columns(Role.CATEGORICAL):
        if column not in sample.columns:
            continue
        groups = _spelling_groups(sample[column])
        if groups:
            shown = "; ".join(" / ".join(repr(v) for v in g) for g in groups[:3])
            more = f" and {len(groups) - 3} more" if len(groups) > 3 else ""
            yield Finding(
                "inconsistent_spelling",
                column,
                "warning",
                f"Column {column!r} writes the same value in different ways: "
                f"{shown}{more}. Standardise them so they count as one category.",
            )


def _imbalance(target: pd.Series, name: str) -> Iterator[Finding]:
    counts = target.value_counts(dropna=True)
    numeric = pd.api.types.is_numeric_dtype(target)
    if counts.empty or (numeric and len(counts) > _MAX_CLASSES):
        return
    if len(counts) == 1:
        yield Finding(
            "class_imbalance",
            name,
            "error",
            f"Target {name!r} has a single class ({_short(counts.index[0])}); a model "
            "needs examples of every outcome.",
        )
        return
    share = counts.iloc[-1] / counts.sum()
    if share < _IMBALANCE_INFO:
        severity: Severity = "warning" if share < _IMBALANCE_WARN else "info"
        yield Finding(
            "class_imbalance",
            name,
            severity,
            f"Target {name!r} is imbalanced: its smallest class "
            f"{_short(counts.index[-1])!r} is {100 * share:.1f}% of rows "
            f"({int(counts.iloc[-1]):,} of {int(counts.sum()):,}). Judge models by "
            "PR AUC or lift rather than accuracy.",
        )


def _rank_auc(score: np.ndarray, positive: np.ndarray) -> float:
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    ranks = stats.rankdata(score)
    auc = (ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return float(max(auc, 1.0 - auc))


def _feature_score(series: pd.Series, positive: np.ndarray) -> np.ndarray:
    """Encode one column as a score: ranks for numbers and dates, target rate for levels."""
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.astype("int64").to_numpy(dtype=float)
        values[series.isna().to_numpy()] = -np.inf
        return values
    if pd.api.types.is_numeric_dtype(series):
        return np.nan_to_num(series.to_numpy(dtype=float), nan=-np.inf)
    levels = series.astype(object).where(series.notna(), "\x00missing")
    frame = pd.DataFrame({"level": levels.to_numpy(), "y": positive})
    grouped = frame.groupby("level")["y"].agg(["mean", "size"])
    rate = grouped["mean"].where(grouped["size"] >= _LEAK_MIN_LEVEL_ROWS, positive.mean())
    return frame["level"].map(rate).to_numpy(dtype=float)


def _leakage(sample: pd.DataFrame, schema: Schema, target: str) -> Iterator[Finding]:
    y = sample[target]
    known = y.notna().to_numpy()
    classes = y[known].unique()
    roles = (Role.NUMERIC, Role.BOOLEAN, Role.DATETIME, Role.CATEGORICAL)
    features = [c for role in roles for c in schema.columns(role) if c in sample.columns]
    if len(classes) == 2:
        positive = (y[known] == sorted(classes, key=str)[1]).to_numpy()
        for column in features:
            auc = _rank_auc(_feature_score(sample.loc[known, column], positive), positive)
            if auc >= _LEAK_AUC:
                yield _leak_finding(column, f"ROC AUC {auc:.3f}")
    elif pd.api.types.is_numeric_dtype(y) and len(classes) > _MAX_CLASSES:
        numeric = [c for c in features if pd.api.types.is_numeric_dtype(sample[c])]
        for column in numeric:
            pair = sample.loc[known, [column, target]].dropna()
            if len(pair) < _LEAK_MIN_LEVEL_ROWS or pair[column].nunique() < 2:
                continue
            rho = float(stats.spearmanr(pair[column], pair[target]).statistic)
            if abs(rho) >= _LEAK_RHO:
                yield _leak_finding(column, f"Spearman correlation {rho:.3f}")


def _leak_finding(column: str, strength: str) -> Finding:
    return Finding(
        "leakage_suspect",
        column,
        "warning",
        f"Column {column!r} alone predicts the target almost perfectly ({strength}). "
        "It may be recorded only after the outcome (leakage); check when it is "
        "filled in and drop it if it is not known at prediction time.",
    )
