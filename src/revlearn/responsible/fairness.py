"""Fairness checks: does a yes/no model flag some groups of people more than others?

:func:`fairness_report` compares, for each sensitive column (gender, region, age band ...),
how often each group is flagged, how often it actually has the outcome, and how the model's
errors fall on it. The per-group numbers come from fairlearn's ``MetricFrame`` and the gaps
from fairlearn's ``demographic_parity_difference`` and ``equalized_odds_difference``; this
module only prepares the groups, applies the thresholds below and writes the plain verdict.

Thresholds (on differences between the largest and smallest group value, 0–1 scale):

* :data:`MATERIAL_GAP` = 0.10 — a demographic-parity or equalised-odds difference at or
  above it is a material difference;
* :data:`WATCH_GAP` = 0.05 — from here up to 0.10 a small difference worth watching; below
  it for both, no material difference;
* :data:`BASE_RATE_GAP` = 0.05 — when the most-flagged group's actual outcome rate exceeds
  the least-flagged group's by this much, the flag gap may follow the recorded outcomes, and
  the verdict says to check those outcomes for bias (a biased label, not only a biased model);
* :data:`MIN_GROUP_ROWS` = 30 — smaller groups are reported but marked too small to judge
  and left out of the differences and the verdict.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import (
    InputError,
    MissingDependencyError,
    ParameterError,
    RevlearnWarning,
    short_list,
)

__all__ = ["FairnessReport", "fairness_report"]

logger = logging.getLogger(__name__)

#: A difference at or above this (demographic parity or equalised odds) is material.
MATERIAL_GAP = 0.10
#: A difference at or above this, and below MATERIAL_GAP, is worth watching.
WATCH_GAP = 0.05
#: An actual-outcome-rate gap at or above this means the flag gap may follow the labels.
BASE_RATE_GAP = 0.05
#: Groups with fewer rows are reported but not judged.
MIN_GROUP_ROWS = 30
#: The group label given to missing values.
MISSING = "(missing)"
#: More groups than this in one column earns a warning (bin numeric columns first).
MANY_GROUPS = 20

_BY_GROUP_COLUMNS = [
    "column",
    "group",
    "n",
    "base_rate",
    "selection_rate",
    "tpr",
    "fpr",
    "precision",
    "mean_score",
    "small",
]


@dataclass(frozen=True, slots=True)
class FairnessReport:
    """How a yes/no model's flags and errors fall on groups of people.

    Attributes
    ----------
    by_group : pandas.DataFrame
        One row per sensitive column and group: ``column``, ``group`` (str; missing values
        are the group ``"(missing)"``), ``n`` (rows), ``base_rate`` (actual positive rate),
        ``selection_rate`` (share flagged), ``tpr`` (share of actual positives flagged),
        ``fpr`` (share of actual negatives flagged), ``precision`` (share of flagged that
        are positive), ``mean_score`` (mean predicted probability) and ``small`` (True when
        the group has fewer than 30 rows: too small to judge). Rates that cannot be
        computed (no positives, nobody flagged) are NaN.
    summary : pandas.DataFrame
        One row per sensitive column: ``column``, ``demographic_parity_difference`` (largest
        minus smallest selection rate), ``equalized_odds_difference`` (the larger of the
        TPR and FPR gaps), ``most_flagged`` and ``least_flagged`` (group names),
        ``level`` (``"material"``, ``"watch"``, ``"none"`` or ``"too_small"``) and
        ``verdict`` (one plain sentence). Only groups of 30 rows or more count.
    threshold : float
        Probability at or above which a row was flagged.
    """

    by_group: pd.DataFrame
    summary: pd.DataFrame
    threshold: float

    @property
    def verdicts(self) -> list[str]:
        """Return the plain verdict of every sensitive column, in order.

        Returns
        -------
        list of str
            One sentence per column.
        """
        return [str(v) for v in self.summary["verdict"]]

    def to_frame(self) -> pd.DataFrame:
        """Return the per-group table.

        Returns
        -------
        pandas.DataFrame
            :attr:`by_group` (a copy).
        """
        return self.by_group.copy()

    def to_dict(self) -> dict[str, object]:
        """Return the report as a JSON-ready mapping (NaN becomes None).

        Returns
        -------
        dict
            ``threshold``, ``by_group`` and ``summary`` (lists of row mappings) and
            ``verdicts``.
        """
        return {
            "threshold": float(self.threshold),
            "by_group": _records(self.by_group),
            "summary": _records(self.summary),
            "verdicts": self.verdicts,
        }


def fairness_report(
    y_true: Any,
    proba: Any,
    sensitive: Any,
    *,
    threshold: float,
    columns: Sequence[str] | None = None,
    outcome: str = "positive",
    where: str = "fairness_report",
) -> FairnessReport:
    """Compare how often a yes/no model flags each group, and how its errors fall.

    Use it before acting on a churn or lead model's flags: for each sensitive column it
    reports per-group flag rates, actual outcome rates and error rates, the demographic-
    parity and equalised-odds differences, and a plain verdict. When the most-flagged group
    also has a higher recorded outcome rate, the verdict says so: the gap may come from
    biased recorded outcomes rather than (only) from the model.

    Parameters
    ----------
    y_true : array-like of {0, 1}
        Actual outcomes (1 = the outcome the model predicts, e.g. churned).
    proba : array-like of float
        Predicted probabilities of the outcome, in [0, 1], one per row of ``y_true``.
    sensitive : pandas.DataFrame or pandas.Series
        The sensitive attributes, one column each, row-aligned with ``y_true`` (its index is
        ignored). Polars and Arrow tables are accepted. Missing values form their own group
        ``"(missing)"``; bin numeric columns (age bands) before passing them.
    threshold : float
        Probability at or above which a row is flagged (e.g. ``model.threshold_``).
    columns : sequence of str, optional
        Which columns of ``sensitive`` to check; all of them by default.
    outcome : str, default="positive"
        The outcome's name in verdicts ("their actual churn rate ...").
    where : str, default="fairness_report"
        Where the data came from, for error messages.

    Returns
    -------
    FairnessReport
        ``by_group`` (per-group rates), ``summary`` (differences and verdict per column) and
        ``threshold``.

    Raises
    ------
    MissingDependencyError
        If fairlearn (the ``explain`` extra) is not installed.
    SchemaError
        If a requested sensitive column is not in ``sensitive``.
    InputError
        If the lengths differ, ``y_true`` does not hold both outcomes coded 0/1,
        ``proba`` is not finite in [0, 1], or a sensitive column has only one group.
    ParameterError
        If ``threshold`` is not in [0, 1].

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 4000)
    >>> groups = pd.DataFrame({"region": rng.choice(["north", "south"], 4000)})
    >>> report = fairness_report(y, rng.random(4000), groups, threshold=0.5)
    >>> report.verdicts
    ['region: no material difference (DP 0.01, EO 0.03 — both below 0.05).']
    """
    metrics = _fairlearn(where)
    y, p, frame = _check_inputs(y_true, proba, sensitive, threshold, columns, where)
    flagged = (p >= threshold).astype(int)
    tables, rows = [], []
    for col in frame.columns:
        groups = _groups(frame[col], str(col), where)
        table = _by_group(metrics, y, flagged, p, groups)
        tables.append(table.assign(column=str(col)))
        rows.append(_summary_row(metrics, y, flagged, groups, table, outcome))
    by_group = pd.concat(tables, ignore_index=True)[_BY_GROUP_COLUMNS]
    summary = pd.DataFrame(rows)
    logger.info("Fairness checked on %d rows for %s", len(y), short_list(summary["column"]))
    return FairnessReport(by_group=by_group, summary=summary, threshold=float(threshold))


def _fairlearn(where: str) -> Any:
    try:
        import fairlearn.metrics as metrics
    except ImportError as err:
        raise MissingDependencyError(
            "Fairness checks need fairlearn, which is not installed.",
            where=where,
            fix="Run: pip install 'revlearn[explain]'",
        ) from err
    return metrics


def _check_inputs(
    y_true: Any,
    proba: Any,
    sensitive: Any,
    threshold: float,
    columns: Sequence[str] | None,
    where: str,
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    if not (isinstance(threshold, Real) and 0.0 <= float(threshold) <= 1.0):
        raise ParameterError(
            f"threshold must be a probability in [0, 1]; got {threshold!r}.",
            where=f"{where}: threshold",
            fix="Pass a probability, such as the fitted model's threshold_.",
        )
    if isinstance(sensitive, pd.Series):
        sensitive = sensitive.to_frame()
    frame = as_pandas(sensitive, where=where).rename(columns=str)
    wanted = [str(c) for c in frame.columns] if columns is None else list(columns)
    if not wanted:
        raise InputError(
            "No sensitive column was given.", where=where, fix="Pass --sensitive COL[,COL]."
        )
    check_columns(frame, wanted, where=where, hint="Pass --sensitive with one of them.")
    frame = frame.loc[:, wanted].reset_index(drop=True)
    y_raw = pd.Series(np.asarray(y_true).ravel())
    p = pd.to_numeric(pd.Series(np.asarray(proba).ravel()), errors="coerce").to_numpy(float)
    if not len(y_raw) == len(p) == len(frame):
        raise InputError(
            f"Lengths differ: y_true has {len(y_raw):,} rows, proba {len(p):,}, "
            f"sensitive {len(frame):,}.",
            where=where,
            fix="Pass outcomes, scores and sensitive columns for the same rows.",
        )
    coded = pd.to_numeric(y_raw, errors="coerce")
    if coded.isna().any() or set(coded.unique().tolist()) != {0, 1}:
        values = sorted(map(repr, y_raw.dropna().unique().tolist()))
        raise InputError(
            f"y_true must hold both outcomes coded 0/1; found {short_list(values)}"
            f"{' and missing values' if y_raw.isna().any() else ''}.",
            where=where,
            fix="Pass 0/1 outcomes (1 = the outcome predicted) with both present.",
        )
    if not (np.isfinite(p).all() and p.min() >= 0.0 and p.max() <= 1.0):
        raise InputError(
            "proba must be finite probabilities in [0, 1].",
            where=where,
            fix="Pass predict_proba output (the positive class), not raw scores.",
        )
    return coded.astype(int).to_numpy(), p, frame


def _groups(values: pd.Series, col: str, where: str) -> pd.Series:
    groups = values.astype(object).where(values.notna(), MISSING).astype(str).rename(col)
    found = groups.unique()
    if len(found) < 2:
        raise InputError(
            f"Sensitive column {col!r} has only one group ({found[0]!r}) in "
            f"{len(groups):,} rows: nothing to compare.",
            where=where,
            fix="Choose a column with two or more groups in --sensitive.",
        )
    if len(found) > MANY_GROUPS:
        warnings.warn(
            f"Sensitive column {col!r} has {len(found)} groups; bin it (age bands, top "
            "regions) for a readable comparison.",
            RevlearnWarning,
            stacklevel=3,
        )
    return groups


def _base_rate(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(y_true))


def _by_group(
    metrics: Any, y: np.ndarray, flagged: np.ndarray, p: np.ndarray, groups: pd.Series
) -> pd.DataFrame:
    frame = metrics.MetricFrame(
        metrics={
            "n": metrics.count,
            "base_rate": _base_rate,
            "selection_rate": metrics.selection_rate,
            "tpr": metrics.true_positive_rate,
            "fpr": metrics.false_positive_rate,
            "precision": partial(skm.precision_score, zero_division=np.nan),
        },
        y_true=y,
        y_pred=flagged,
        sensitive_features=groups,
    )
    scores = metrics.MetricFrame(
        metrics=metrics.mean_prediction, y_true=y, y_pred=p, sensitive_features=groups
    )
    table = frame.by_group.astype(float)
    table["mean_score"] = scores.by_group.astype(float)
    table["n"] = table["n"].astype(int)
    # fairlearn reports 0 for a rate whose denominator is empty; say "unknown" instead
    table.loc[table["base_rate"] == 0.0, "tpr"] = np.nan
    table.loc[table["base_rate"] == 1.0, "fpr"] = np.nan
    table["small"] = table["n"] < MIN_GROUP_ROWS
    return table.rename_axis("group").reset_index()


def _summary_row(
    metrics: Any,
    y: np.ndarray,
    flagged: np.ndarray,
    groups: pd.Series,
    table: pd.DataFrame,
    outcome: str,
) -> dict[str, object]:
    col = str(groups.name)
    judged = table[~table["small"]]
    row: dict[str, object] = {
        "column": col,
        "demographic_parity_difference": math.nan,
        "equalized_odds_difference": math.nan,
        "most_flagged": None,
        "least_flagged": None,
        "level": "too_small",
        "verdict": f"{col}: too few rows to judge — fewer than two groups have "
        f"{MIN_GROUP_ROWS} or more rows.",
    }
    if len(judged) < 2:
        return row
    keep = groups.isin(judged["group"]).to_numpy()
    dp = float(
        metrics.demographic_parity_difference(
            y[keep], flagged[keep], sensitive_features=groups[keep]
        )
    )
    both = judged[(judged["base_rate"] > 0) & (judged["base_rate"] < 1)]
    eo = math.nan
    if len(both) >= 2:
        sub = groups.isin(both["group"]).to_numpy()
        eo = float(
            metrics.equalized_odds_difference(y[sub], flagged[sub], sensitive_features=groups[sub])
        )
    ordered = judged.sort_values(["selection_rate", "group"], ascending=[False, True])
    hi, lo = ordered.iloc[0], ordered.iloc[-1]
    level = _level(dp, eo)
    row.update(
        demographic_parity_difference=dp,
        equalized_odds_difference=eo,
        most_flagged=str(hi["group"]),
        least_flagged=str(lo["group"]),
        level=level,
        verdict=_verdict(col, level, dp, eo, hi, lo, outcome),
    )
    return row


def _level(dp: float, eo: float) -> str:
    # judged on the two-decimal values the verdict shows, so words and numbers agree
    worst = round(max(dp, 0.0 if math.isnan(eo) else eo), 2)
    if worst >= MATERIAL_GAP:
        return "material"
    return "watch" if worst >= WATCH_GAP else "none"


def _verdict(
    col: str, level: str, dp: float, eo: float, hi: pd.Series, lo: pd.Series, outcome: str
) -> str:
    if level == "none":
        return (
            f"{col}: no material difference (DP {dp:.2f}, EO {_num(eo)} — both below "
            f"{WATCH_GAP:.2f})."
        )
    if level == "material":
        tier = f"at or above {MATERIAL_GAP:.2f}"
    else:
        tier = f"a small difference worth watching, below {MATERIAL_GAP:.2f}"
    errors = _error_clause(hi, lo) if not math.isnan(eo) and eo >= WATCH_GAP else ""
    if round(dp, 2) < WATCH_GAP:
        return (
            f"{col}: flag rates are similar ({hi['group']!r} {hi['selection_rate']:.0%} vs "
            f"{lo['group']!r} {lo['selection_rate']:.0%}, demographic-parity difference "
            f"{dp:.2f}) but error rates differ (equalised-odds difference {_num(eo)} — {tier})."
            f"{errors}"
        )
    flags = (
        f"{col}: {hi['group']!r} is flagged {hi['selection_rate']:.0%} of the time vs "
        f"{lo['selection_rate']:.0%} for {lo['group']!r} (demographic-parity difference "
        f"{dp:.2f}, equalised-odds difference {_num(eo)} — {tier})"
    )
    rates = f"({hi['base_rate']:.0%} vs {lo['base_rate']:.0%})"
    if hi["base_rate"] - lo["base_rate"] >= BASE_RATE_GAP:
        labels = (
            f"their actual {outcome} rate is also higher {rates}, so check whether the "
            "recorded outcomes themselves are biased before acting."
        )
    else:
        labels = (
            f"their actual {outcome} rate is not materially higher {rates}, so the model "
            f"itself treats the groups differently: review the columns that stand in for {col}."
        )
    return f"{flags}; {labels}{errors}"


def _error_clause(hi: pd.Series, lo: pd.Series) -> str:
    return (
        f" Among actual negatives {hi['fpr']:.0%} of {hi['group']!r} are flagged vs "
        f"{lo['fpr']:.0%} of {lo['group']!r}; among actual positives {hi['tpr']:.0%} vs "
        f"{lo['tpr']:.0%}."
    )


def _num(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for record in frame.to_dict(orient="records"):
        row: dict[str, object] = {}
        for key, value in record.items():
            if isinstance(value, float | np.floating):
                row[str(key)] = None if math.isnan(value) else float(value)
            elif isinstance(value, bool | np.bool_):
                row[str(key)] = bool(value)
            elif isinstance(value, int | np.integer):
                row[str(key)] = int(value)
            else:
                row[str(key)] = None if value is None else str(value)
        out.append(row)
    return out
