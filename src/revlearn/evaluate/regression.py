"""Metrics for numeric predictions (customer value, revenue, demand), from scikit-learn.

The arithmetic is scikit-learn's; this module checks the inputs, skips rows with a zero
actual for the percentage error (which is undefined there) and says how many it skipped.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from revlearn.errors import InputError

__all__ = ["RegressionMetrics", "regression_metrics"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RegressionMetrics:
    """Quality of numeric predictions.

    Attributes
    ----------
    mae : float
        Mean absolute error, in the unit of the target.
    mse : float
        Mean squared error.
    rmse : float
        Root mean squared error, in the unit of the target.
    r2 : float
        Coefficient of determination (1 is perfect, 0 is no better than the mean; NaN
        with fewer than two rows).
    mape : float
        Mean absolute percentage error as a fraction (0.12 = 12 %), over the rows whose
        actual value is not zero (NaN when every actual is zero).
    mape_rows : int
        Rows the percentage error was computed on; ``n_rows − mape_rows`` rows with an
        actual of zero were skipped.
    n_rows : int
        Rows compared.
    """

    mae: float
    mse: float
    rmse: float
    r2: float
    mape: float
    mape_rows: int
    n_rows: int

    def to_dict(self) -> dict[str, float | int | None]:
        """Return the metrics as a JSON-ready mapping (NaN becomes None).

        Returns
        -------
        dict
            Field name → value.
        """
        return {
            k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in asdict(self).items()
        }

    def to_frame(self) -> pd.DataFrame:
        """Return the metrics as a two-column table.

        Returns
        -------
        pandas.DataFrame
            Columns ``metric`` and ``value``.
        """
        return pd.DataFrame(list(asdict(self).items()), columns=["metric", "value"])


def _as_vector(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        raise InputError(
            f"{name} must hold numbers.", where=name, fix="Convert the column to numbers."
        ) from err
    if array.ndim != 1:
        raise InputError(
            f"{name} must be one-dimensional, got shape {array.shape}.",
            where=name,
            fix="Pass one value per row.",
        )
    bad = ~np.isfinite(array)
    if bad.any():
        raise InputError(
            f"{name} has {int(bad.sum())} of {len(array)} values missing or infinite "
            f"(first: row {int(np.flatnonzero(bad)[0])}).",
            where=name,
            fix="Drop or fill those rows before evaluating.",
        )
    return array


def regression_metrics(
    y_true: Sequence[float] | np.ndarray, y_pred: Sequence[float] | np.ndarray
) -> RegressionMetrics:
    """Compute absolute, squared, relative and percentage errors of numeric predictions.

    Parameters
    ----------
    y_true : array-like of float
        Actual values.
    y_pred : array-like of float
        Predicted values.

    Returns
    -------
    RegressionMetrics
        MAE, MSE, RMSE, R², MAPE with the rows it used, and the row count.

    Raises
    ------
    InputError
        If either input is empty, not numeric, holds missing or infinite values, or the
        lengths differ.
    """
    y = _as_vector(y_true, "y_true")
    p = _as_vector(y_pred, "y_pred")
    if len(y) != len(p):
        raise InputError(
            f"y_true has {len(y)} values but y_pred has {len(p)}.",
            where="regression_metrics",
            fix="Pass one prediction per actual value.",
        )
    if len(y) == 0:
        raise InputError(
            "No rows to evaluate.", where="regression_metrics", fix="Pass at least one row."
        )
    nonzero = y != 0
    if not nonzero.all():
        logger.info("MAPE skips %d of %d rows with an actual of zero", (~nonzero).sum(), len(y))
    mape = (
        float(skm.mean_absolute_percentage_error(y[nonzero], p[nonzero]))
        if nonzero.any()
        else math.nan
    )
    mse = float(skm.mean_squared_error(y, p))
    return RegressionMetrics(
        mae=float(skm.mean_absolute_error(y, p)),
        mse=mse,
        rmse=math.sqrt(mse),
        r2=float(skm.r2_score(y, p)) if len(y) >= 2 else math.nan,
        mape=mape,
        mape_rows=int(nonzero.sum()),
        n_rows=len(y),
    )
