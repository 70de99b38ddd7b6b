"""Partial dependence and individual conditional expectation (ICE) for any model.

Partial dependence answers "what happens to the predicted probability, on average, when
this column takes this value and everything else stays as it is": set the column to each
value of a grid on a sample of rows, score them, and average. ICE keeps the individual
curves of a few rows, which shows whether the effect is the same for everyone.

scikit-learn's ``sklearn.inspection.partial_dependence`` does the same for fitted
estimators, but it works on the estimator's design matrix (one-hot dummies, scaled
numbers) rather than the original columns a person knows, and it needs an estimator
object. Here the model is any callable on the typed frame, so every model family, the
calibration and the design are covered at once, and the result reads in plain words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from revlearn.errors import InputError, ParameterError, SchemaError, short_list

__all__ = ["PartialDependence", "partial_dependence"]

logger = logging.getLogger(__name__)

#: Rows scored per call of ``predict_proba`` (the stacked frame is cut into chunks).
CHUNK_ROWS = 200_000
#: Numeric grids span these quantiles (as scikit-learn does) so a few extreme rows do not
#: stretch the curve; columns with at most ``grid_points`` distinct values use them all.
PERCENTILES = (0.05, 0.95)
#: A change of the average probability smaller than this (1 point) reads as "flat".
FLAT = 0.01

PredictProba = Callable[[pd.DataFrame], np.ndarray]


@dataclass(frozen=True, slots=True)
class PartialDependence:
    """How the predicted probability moves with one column, on average and per row.

    Attributes
    ----------
    column : str
        The column varied.
    kind : {"numeric", "categorical"}
        Numeric columns use a grid of quantiles (5th to 95th percentile, or every distinct
        value when there are few); categorical and yes/no columns their levels.
    grid : list
        The values the column was set to (floats or strings).
    labels : list of str
        The grid values as shown to a person (``yes``/``no`` for flags).
    average : list of float
        Mean predicted probability at each grid value (the partial dependence).
    ice : list of list of float
        One curve per sampled row (ICE): the row's probability at each grid value.
    effect : str
        The effect in plain words.
    n_rows : int
        Rows averaged at each grid value.
    """

    column: str
    kind: Literal["numeric", "categorical"]
    grid: list[float | str]
    labels: list[str]
    average: list[float]
    ice: list[list[float]]
    effect: str
    n_rows: int

    def to_frame(self) -> pd.DataFrame:
        """Return the partial dependence as a table.

        Returns
        -------
        pandas.DataFrame
            One row per grid value: ``value``, ``label``, ``average`` (mean probability),
            ``ice_low`` and ``ice_high`` (10th and 90th percentile of the ICE curves).
        """
        ice = np.asarray(self.ice, dtype=float).reshape(-1, len(self.grid))
        low, high = (
            np.quantile(ice, [0.1, 0.9], axis=0)
            if len(ice)
            else np.full((2, len(self.grid)), np.nan)
        )
        return pd.DataFrame(
            {
                "value": self.grid,
                "label": self.labels,
                "average": self.average,
                "ice_low": low,
                "ice_high": high,
            }
        )

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping.

        Returns
        -------
        dict
            Every attribute, with plain floats and strings (missing values as None).
        """
        return {
            "column": self.column,
            "kind": self.kind,
            "grid": [_plain(v) for v in self.grid],
            "labels": list(self.labels),
            "average": [_plain(v) for v in self.average],
            "ice": [[_plain(v) for v in curve] for curve in self.ice],
            "effect": self.effect,
            "n_rows": int(self.n_rows),
        }


def partial_dependence(
    predict_proba: PredictProba,
    typed: pd.DataFrame,
    column: str,
    *,
    grid_points: int = 20,
    ice_rows: int = 50,
    max_rows: int = 2000,
    outcome: str = "predicted probability",
    random_state: int = 0,
) -> PartialDependence:
    """Measure how the predicted probability changes with one column.

    Use it to show a manager the shape of an effect ("churn probability rises from 12% to
    41% as support tickets go from 0 to 6") for any fitted model, including tree
    ensembles whose coefficients cannot be read.

    Parameters
    ----------
    predict_proba : callable
        ``predict_proba(frame) -> probabilities`` on typed rows, one value per row
        (for a fitted ``LeadScorer`` ``m``: ``m.model_.predict_proba``).
    typed : pandas.DataFrame
        Typed rows with every column the model reads.
    column : str
        The column to vary.
    grid_points : int, default=20
        At most this many grid values: quantiles of a numeric column, the most frequent
        levels of a categorical one.
    ice_rows : int, default=50
        Individual curves kept (0 for none).
    max_rows : int, default=2000
        Rows sampled for the average.
    outcome : str, default="predicted probability"
        What the probability is of, for the sentence (e.g. ``"churn probability"``).
    random_state : int, default=0
        Seed for the row sample.

    Returns
    -------
    PartialDependence
        Grid, average curve, ICE curves and the effect in words.

    Raises
    ------
    SchemaError
        If ``column`` is not in ``typed``.
    ParameterError
        If ``grid_points`` < 2, ``ice_rows`` < 0 or ``max_rows`` < 1.
    InputError
        If there are no rows, the column has no known values, or ``predict_proba``
        returns the wrong number of values.
    """
    where = f"partial_dependence({column!r})"
    _check_inputs(typed, column, grid_points, ice_rows, max_rows, where)
    series = typed[column]
    kind, grid, labels = _grid(series, grid_points, where)
    sample = typed.sample(n=min(max_rows, len(typed)), random_state=random_state)
    probs = _score_grid(predict_proba, sample, column, grid, where)
    average = probs.mean(axis=1)
    ice = probs[:, : min(ice_rows, probs.shape[1])].T
    effect = _describe(kind, column, labels, average, outcome)
    logger.debug("Partial dependence of %r on %d rows × %d values", column, len(sample), len(grid))
    return PartialDependence(
        column=column,
        kind=kind,
        grid=[_plain_value(v) for v in grid],
        labels=labels,
        average=[float(v) for v in average],
        ice=[[float(v) for v in curve] for curve in ice],
        effect=effect,
        n_rows=len(sample),
    )


def _check_inputs(
    typed: pd.DataFrame, column: str, grid_points: int, ice_rows: int, max_rows: int, where: str
) -> None:
    if column not in typed.columns:
        raise SchemaError(
            f"Column {column!r} not found.",
            where=where,
            fix=f"Choose one of: {short_list(typed.columns)}.",
        )
    for name, value, low in (
        ("grid_points", grid_points, 2),
        ("ice_rows", ice_rows, 0),
        ("max_rows", max_rows, 1),
    ):
        if value < low:
            raise ParameterError(
                f"{name}={value!r} is too small.", where=where, fix=f"Pass {name} >= {low}."
            )
    if typed.empty:
        raise InputError("No rows to compute partial dependence on.", where=where)


def _grid(
    series: pd.Series, grid_points: int, where: str
) -> tuple[Literal["numeric", "categorical"], np.ndarray, list[str]]:
    """The kind, grid values and their labels for one column (missing values ignored)."""
    known = series.dropna()
    if known.empty:
        raise InputError(
            f"Column {series.name!r} has no known values.",
            where=where,
            fix="Pick a column with values.",
        )
    if _is_flag(known):
        levels = np.array([0.0, 1.0])
        return "categorical", levels, ["no", "yes"]
    if _is_numeric(known):
        values = known.to_numpy(dtype=float)
        unique = np.unique(values)
        if len(unique) > grid_points:
            q = np.linspace(PERCENTILES[0], PERCENTILES[1], grid_points)
            unique = np.unique(np.quantile(values, q, method="inverted_cdf"))
        return "numeric", unique, [_format_number(v) for v in unique]
    top = known.astype(str).value_counts().head(grid_points).index.to_numpy(dtype=object)
    return "categorical", top, [str(v) for v in top]


def _score_grid(
    predict_proba: PredictProba,
    sample: pd.DataFrame,
    column: str,
    grid: np.ndarray,
    where: str,
) -> np.ndarray:
    """Probabilities of shape (len(grid), rows): the sample with the column set to each value."""
    n = len(sample)
    per_call = max(1, CHUNK_ROWS // n)
    dtype = sample[column].dtype
    parts = []
    for start in range(0, len(grid), per_call):
        chunk = grid[start : start + per_call]
        stacked = sample.iloc[np.tile(np.arange(n), len(chunk))].reset_index(drop=True)
        values = pd.Series(np.repeat(chunk, n), dtype=object)
        stacked[column] = values.to_numpy() if dtype == np.dtype(object) else values.astype(dtype)
        proba = np.asarray(predict_proba(stacked), dtype=float).ravel()
        if proba.shape != (len(stacked),):
            raise InputError(
                f"predict_proba returned {proba.size} values for {len(stacked)} rows.",
                where=where,
                fix="Pass a callable returning one probability per row.",
            )
        parts.append(proba.reshape(len(chunk), n))
    return np.vstack(parts)


def _describe(
    kind: str, column: str, labels: Sequence[str], average: np.ndarray, outcome: str
) -> str:
    """The effect in one sentence."""
    name = _nice_name(column)
    low, high = int(np.argmin(average)), int(np.argmax(average))
    if average[high] - average[low] < FLAT:
        level = _format_share(float(np.mean(average)))
        span = "levels" if kind == "categorical" else "values"
        return f"{outcome} hardly changes across {name} {span} (stays near {level})"
    if kind == "categorical":
        return (
            f"{outcome} is highest for {name} = {labels[high]} ({_format_share(average[high])}), "
            f"lowest for {labels[low]} ({_format_share(average[low])})"
        )
    first, last = float(average[0]), float(average[-1])
    ends = {low, high} == {0, len(average) - 1}
    if ends:
        verb = "rises" if last > first else "falls"
        return (
            f"{outcome} {verb} from {_format_share(first)} at {name} {labels[0]} to "
            f"{_format_share(last)} at {name} {labels[-1]}"
        )
    return (
        f"{outcome} is highest ({_format_share(average[high])}) when {name} is {labels[high]} "
        f"and lowest ({_format_share(average[low])}) when it is {labels[low]}"
    )


def _is_flag(values: pd.Series) -> bool:
    """Yes/no flags: boolean dtype, or numbers that are all 0 or 1 (how the schema types them)."""
    if pd.api.types.is_bool_dtype(values):
        return True
    if not pd.api.types.is_numeric_dtype(values):
        return False
    return set(np.unique(values.to_numpy(dtype=float)).tolist()) == {0.0, 1.0}


def _is_numeric(values: pd.Series) -> bool:
    """Numbers other than booleans."""
    return bool(pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values))


def _nice_name(column: str) -> str:
    """A column name as a person says it (``support_tickets`` → support tickets)."""
    return str(column).replace("_", " ")


def _format_share(p: float) -> str:
    """A probability as a percentage (one decimal below 1 %): ``41%``, ``0.4%``."""
    return f"{p:.1%}" if 0 < abs(p) < 0.01 else f"{p:.0%}"


def _format_number(value: float) -> str:
    """A number for a sentence: ``6``, ``2.5``, ``1,250``, ``0.034``."""
    v = float(value) + 0.0  # no "-0"
    if not np.isfinite(v):
        return "missing"
    if v == round(v) or abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:,.1f}"
    return f"{v:.2g}" if abs(v) < 1 else f"{v:.3g}"


def _plain_value(value: object) -> float | str:
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return str(value)


def _plain(value: object) -> float | str | None:
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        return None
    return _plain_value(value)
