"""Accuracy of forecasts: MASE, sMAPE, RMSE, bias and interval coverage, per series and overall.

The definitions are those of the M4 competition (Makridakis et al. 2020) and of
utilsforecast's ``losses`` module, which the tests use as the oracle on random data:

* **MASE** (mean absolute scaled error): the mean absolute error of the forecast divided by
  the mean absolute error of the seasonal naive forecast on the training series,
  ``mean |y_t − y_{t−m}|`` with ``m = season_length``. Below 1 the forecast beats "same as
  a season ago" in-sample. When the training series is no longer than a season, or its
  seasonal differences are all zero while its day-to-day ones are not, the naive-1 scale
  (``m = 1``) is used instead; when that is zero too (a constant history) MASE is NaN. Each
  fallback is reported in ``notes``. Overall MASE is the mean of the per-series values, as
  in M4.
* **sMAPE** on M4's 0–200 scale: ``200 · mean(|y − ŷ| / (|y| + |ŷ|))``, with a term of 0
  where actual and forecast are both 0 (as utilsforecast; its ``smape`` is this divided by
  200). Overall sMAPE is the mean of the per-series values, as in M4.
* **RMSE** and **MAE** in the unit of the series, pooled over every point.
* **Bias**: mean of ``forecast − actual`` (positive: the forecast is too high), and the
  relative bias ``100 · Σ(forecast − actual) / Σ|actual|`` in % of the actual total.
* **Coverage**: share of actuals inside ``[lower, upper]`` (0.8 expected for an 80 %
  interval).

Points whose actual or forecast is missing (NaN) are left out. The arithmetic is a few lines
of NumPy and one pandas group-by; it is written here rather than called from utilsforecast
because that library is only in the forecast extra, needs a time-sorted training frame and
gives ``inf`` for a constant history, whereas revlearn reports a fallback in plain words.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from revlearn.data.schema import check_columns
from revlearn.errors import InputError, ParameterError, short_list

__all__ = [
    "ForecastMetrics",
    "bias",
    "coverage",
    "forecast_metrics",
    "mase",
    "relative_bias",
    "rmse",
    "smape",
]


def _pairs(*arrays: ArrayLike, where: str) -> list[np.ndarray]:
    """Float arrays of equal length with the rows holding any NaN removed."""
    try:
        values = [np.asarray(a, dtype=float).ravel() for a in arrays]
    except (TypeError, ValueError) as err:
        raise InputError(
            f"The values are not all numbers ({err}).",
            where=where,
            fix="Pass numeric arrays or columns.",
        ) from err
    if len({len(v) for v in values}) > 1:
        raise InputError(
            f"The arrays differ in length ({', '.join(str(len(v)) for v in values)}).",
            where=where,
            fix="Pass one forecast (and bound) per actual value.",
        )
    keep = np.logical_and.reduce([~np.isnan(v) for v in values])
    return [v[keep] for v in values]


def _scale(train: np.ndarray, season_length: int) -> tuple[float, str | None]:
    """Seasonal-naive in-sample MAE, falling back to naive-1; with a note on fallback."""
    train = np.asarray(train, dtype=float)
    train = train[~np.isnan(train)]
    seasonal = np.nan
    if len(train) > season_length:
        seasonal = float(np.mean(np.abs(train[season_length:] - train[:-season_length])))
    if seasonal > 0:
        return seasonal, None
    naive = float(np.mean(np.abs(np.diff(train)))) if len(train) > 1 else np.nan
    if naive > 0:
        why = "is no longer than a season" if np.isnan(seasonal) else "repeats every season"
        return naive, f"history {why}; scaled by the naive one-step error"
    return np.nan, "history is constant or too short; MASE is undefined"


def _check_season(season_length: int, where: str) -> int:
    ok = isinstance(season_length, int | np.integer) and not isinstance(season_length, bool)
    if not ok or season_length < 1:
        raise ParameterError(
            f"season_length={season_length!r} is not a positive whole number.",
            where=f"{where}(season_length=...)",
            fix="Pass 7 for daily, 52 for weekly, 12 for monthly data or 1 for no season.",
        )
    return int(season_length)


def mase(y_true: ArrayLike, y_pred: ArrayLike, y_train: ArrayLike, season_length: int) -> float:
    """Return the mean absolute scaled error of one series' forecast.

    Parameters
    ----------
    y_true : array-like
        Actual values over the forecast horizon.
    y_pred : array-like
        Forecasts, one per actual.
    y_train : array-like
        The training history, oldest first.
    season_length : int
        Season of the naive forecast that scales the error (7 for daily data).

    Returns
    -------
    float
        MAE of the forecast / in-sample MAE of the seasonal naive forecast (naive-1 when
        the seasonal one is zero or undefined); NaN if the history is constant or there
        is nothing to compare.

    Raises
    ------
    InputError
        If the arrays differ in length or hold text.
    ParameterError
        If ``season_length`` is not a positive integer.

    Examples
    --------
    >>> mase([3, 5], [4, 4], [1, 2, 3, 4], season_length=1)
    1.0
    """
    m = _check_season(season_length, "mase")
    actual, forecast = _pairs(y_true, y_pred, where="mase")
    train = _pairs(y_train, where="mase")[0]
    scale, _ = _scale(train, m)
    if not len(actual) or math.isnan(scale):
        return math.nan
    return float(np.mean(np.abs(forecast - actual)) / scale)


def smape(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Return the symmetric mean absolute percentage error on M4's 0–200 scale.

    Parameters
    ----------
    y_true : array-like
        Actual values.
    y_pred : array-like
        Forecasts, one per actual.

    Returns
    -------
    float
        ``200 · mean(|y − ŷ| / (|y| + |ŷ|))``, terms with both values 0 counting as 0;
        NaN when there is nothing to compare.

    Raises
    ------
    InputError
        If the arrays differ in length or hold text.

    Examples
    --------
    >>> smape([100, 0], [50, 0])
    33.33333333333333
    """
    actual, forecast = _pairs(y_true, y_pred, where="smape")
    if not len(actual):
        return math.nan
    return float(200.0 * np.mean(_smape_terms(actual, forecast)))


def _smape_terms(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    denominator = np.abs(actual) + np.abs(forecast)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, 0.0, np.abs(forecast - actual) / safe)


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Return the root mean squared error.

    Parameters
    ----------
    y_true : array-like
        Actual values.
    y_pred : array-like
        Forecasts, one per actual.

    Returns
    -------
    float
        In the unit of the series; NaN when there is nothing to compare.

    Raises
    ------
    InputError
        If the arrays differ in length or hold text.
    """
    actual, forecast = _pairs(y_true, y_pred, where="rmse")
    return float(np.sqrt(np.mean((forecast - actual) ** 2))) if len(actual) else math.nan


def bias(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Return the mean error, forecast minus actual (positive: forecasts too high).

    Parameters
    ----------
    y_true : array-like
        Actual values.
    y_pred : array-like
        Forecasts, one per actual.

    Returns
    -------
    float
        Mean of ``forecast − actual`` in the unit of the series; NaN when empty.

    Raises
    ------
    InputError
        If the arrays differ in length or hold text.
    """
    actual, forecast = _pairs(y_true, y_pred, where="bias")
    return float(np.mean(forecast - actual)) if len(actual) else math.nan


def relative_bias(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Return the total forecast error in % of the actual total.

    Parameters
    ----------
    y_true : array-like
        Actual values.
    y_pred : array-like
        Forecasts, one per actual.

    Returns
    -------
    float
        ``100 · Σ(forecast − actual) / Σ|actual|``: +10 means 10 % too much was
        forecast over the horizon; NaN when the actuals are all 0.

    Raises
    ------
    InputError
        If the arrays differ in length or hold text.

    Examples
    --------
    >>> relative_bias([100, 100], [110, 120])
    15.0
    """
    actual, forecast = _pairs(y_true, y_pred, where="relative_bias")
    total = float(np.sum(np.abs(actual)))
    return float(100.0 * np.sum(forecast - actual) / total) if total > 0 else math.nan


def coverage(y_true: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    """Return the share of actual values inside their prediction interval.

    Parameters
    ----------
    y_true : array-like
        Actual values.
    lower : array-like
        Lower bounds, one per actual.
    upper : array-like
        Upper bounds, one per actual.

    Returns
    -------
    float
        Fraction in [0, 1] of actuals with ``lower <= y <= upper`` (0.8 is right for an
        80 % interval); NaN when empty.

    Raises
    ------
    InputError
        If the arrays differ in length or hold text.
    """
    actual, low, high = _pairs(y_true, lower, upper, where="coverage")
    return float(np.mean((actual >= low) & (actual <= high))) if len(actual) else math.nan


@dataclass(frozen=True, slots=True)
class ForecastMetrics:
    """Accuracy of a forecast of one or many series.

    Attributes
    ----------
    mase : float
        Mean of the per-series MASE (NaN series skipped; NaN without training data).
    smape : float
        Mean of the per-series sMAPE, 0–200.
    rmse : float
        Root mean squared error over all points.
    mae : float
        Mean absolute error over all points.
    bias : float
        Mean of forecast − actual over all points.
    relative_bias : float
        Σ(forecast − actual) / Σ|actual| in %.
    coverage : float
        Share of actuals inside the interval (NaN without bounds).
    n_series : int
        Series compared.
    n_points : int
        Points compared (rows with an actual and a forecast).
    per_series : pandas.DataFrame
        One row per series: the series id, ``n``, ``mase``, ``smape``, ``rmse``, ``mae``,
        ``bias``, ``relative_bias``, ``coverage``.
    notes : list of str
        Rows left out, MASE fallbacks.
    """

    mase: float
    smape: float
    rmse: float
    mae: float
    bias: float
    relative_bias: float
    coverage: float
    n_series: int
    n_points: int
    per_series: pd.DataFrame = field(repr=False)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the overall metrics and notes as a JSON-ready mapping (NaN becomes None).

        Returns
        -------
        dict
            The overall fields, ``notes`` and ``per_series`` (a list of records).
        """
        out: dict[str, Any] = {
            k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in asdict(self).items()
            if k not in ("per_series", "notes")
        }
        records = self.per_series.astype(object).where(self.per_series.notna(), None)
        out["per_series"] = records.to_dict(orient="records")
        out["notes"] = list(self.notes)
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the overall metrics as a two-column table.

        Returns
        -------
        pandas.DataFrame
            Columns ``metric`` and ``value``.
        """
        items = [(k, v) for k, v in asdict(self).items() if k not in ("per_series", "notes")]
        return pd.DataFrame(items, columns=["metric", "value"])


def _per_series(data: pd.DataFrame, scales: pd.Series, has_bounds: bool, key: str) -> pd.DataFrame:
    err = data["f"] - data["y"]
    parts = pd.DataFrame(
        {
            key: data[key],
            "abs": err.abs(),
            "sq": err**2,
            "err": err,
            "absy": data["y"].abs(),
            "sm": _smape_terms(data["y"].to_numpy(), data["f"].to_numpy()),
            "in": ((data["y"] >= data["lo"]) & (data["y"] <= data["hi"])).astype(float)
            if has_bounds
            else np.nan,
        }
    )
    g = parts.groupby(key, sort=True)
    table = pd.DataFrame({"n": g.size()})
    table["mase"] = g["abs"].mean() / scales.reindex(table.index)
    table["smape"] = 200.0 * g["sm"].mean()
    table["rmse"] = np.sqrt(g["sq"].mean())
    table["mae"] = g["abs"].mean()
    table["bias"] = g["err"].mean()
    total = g["absy"].sum()
    table["relative_bias"] = (100.0 * g["err"].sum() / total).where(total > 0)
    table["coverage"] = g["in"].mean()
    return table.reset_index()


def forecast_metrics(
    frame: pd.DataFrame,
    *,
    actual: str = "y",
    forecast: str = "forecast",
    lower: str | None = None,
    upper: str | None = None,
    train: pd.DataFrame | None = None,
    season_length: int = 1,
    by: str | None = "unique_id",
    time_col: str = "ds",
) -> ForecastMetrics:
    """Measure a forecast against the actuals, per series and overall.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per series and forecast period, with the actual and the forecast.
    actual : str, default="y"
        Column of actual values (in ``frame`` and ``train``).
    forecast : str, default="forecast"
        Column of forecasts.
    lower : str, optional
        Column of lower interval bounds (with ``upper``), e.g. ``"forecast_lo_80"``.
    upper : str, optional
        Column of upper interval bounds.
    train : pandas.DataFrame, optional
        The training history (``by``, ``actual`` and, if present, ``time_col`` to sort
        by); needed for MASE, which is NaN without it.
    season_length : int, default=1
        Season of the naive forecast scaling MASE (7 daily, 52 weekly, 12 monthly).
    by : str or None, default="unique_id"
        Series id column; ``None`` treats all rows as one series.
    time_col : str, default="ds"
        Time column used to sort ``train`` when it has one.

    Returns
    -------
    ForecastMetrics
        Overall figures, a per-series table and notes.

    Raises
    ------
    SchemaError
        If a named column is missing.
    InputError
        If no row has both an actual and a forecast, or values are not numbers.
    ParameterError
        If only one of ``lower``/``upper`` is given or ``season_length`` is not valid.
    """
    where = "forecast_metrics"
    m = _check_season(season_length, where)
    if (lower is None) != (upper is None):
        raise ParameterError(
            "Pass both lower and upper, or neither.",
            where=f"{where}(lower=..., upper=...)",
            fix='Name both interval columns, e.g. lower="forecast_lo_80", upper="forecast_hi_80".',
        )
    bounds = [c for c in (lower, upper) if c is not None]
    check_columns(frame, [*([by] if by else []), actual, forecast, *bounds], where=where)
    key = by or "_series"
    ids = frame[by].astype(str) if by else pd.Series("all", index=frame.index)
    values = _pairs(*(frame[c] for c in (actual, forecast, *bounds)), where=where)
    keep = np.logical_and.reduce([frame[c].notna().to_numpy() for c in (actual, forecast)])
    keep &= np.logical_and.reduce([frame[c].notna().to_numpy() for c in bounds] or [keep])
    data = pd.DataFrame({key: ids[keep].to_numpy(), "y": values[0], "f": values[1]})
    if bounds:
        data["lo"], data["hi"] = values[2], values[3]
    notes = []
    if not keep.all():
        notes.append(f"Left out {int((~keep).sum()):,} rows without an actual or a forecast.")
    if data.empty:
        raise InputError(
            "No row has both an actual value and a forecast.",
            where=where,
            fix=f"Check the --actual ({actual!r}) and --forecast ({forecast!r}) columns.",
        )
    scales = _train_scales(train, key, by, actual, time_col, m, notes, where)
    table = _per_series(data, scales, bool(bounds), key)
    if by is None:
        table = table.drop(columns=key)
    err = data["f"] - data["y"]
    total = float(data["y"].abs().sum())
    return ForecastMetrics(
        mase=float(table["mase"].mean()) if table["mase"].notna().any() else math.nan,
        smape=float(table["smape"].mean()),
        rmse=float(np.sqrt(np.mean(err**2))),
        mae=float(np.mean(err.abs())),
        bias=float(err.mean()),
        relative_bias=100.0 * float(err.sum()) / total if total > 0 else math.nan,
        coverage=float(np.mean((data["y"] >= data["lo"]) & (data["y"] <= data["hi"])))
        if bounds
        else math.nan,
        n_series=len(table),
        n_points=len(data),
        per_series=table,
        notes=notes,
    )


def _train_scales(
    train: pd.DataFrame | None,
    key: str,
    by: str | None,
    actual: str,
    time_col: str,
    m: int,
    notes: list[str],
    where: str,
) -> pd.Series:
    """The MASE scale of each series from its training history (one vectorised pass)."""
    if train is None:
        notes.append("No training history given, so MASE is not computed.")
        return pd.Series(dtype=float)
    check_columns(train, [*([by] if by else []), actual], where=f"{where}(train=...)")
    history = train.sort_values(time_col, kind="stable") if time_col in train.columns else train
    y = _pairs(history[actual], where=f"{where}(train=...)")[0]
    ids = history[by].astype(str) if by else pd.Series("all", index=history.index)
    ids = ids[history[actual].notna().to_numpy()]
    frame = pd.DataFrame({"id": ids.to_numpy(), "y": y})
    grouped = frame.groupby("id", sort=True)["y"]
    seasonal = (frame["y"] - grouped.shift(m)).abs().groupby(frame["id"]).mean()
    naive = (frame["y"] - grouped.shift(1)).abs().groupby(frame["id"]).mean()
    seasonal = seasonal.reindex(naive.index)
    scale = seasonal.where(seasonal > 0, naive.where(naive > 0))
    reasons = {
        "history is no longer than a season; scaled by the naive one-step error": (
            seasonal.isna() & (naive > 0)
        ),
        "history repeats every season; scaled by the naive one-step error": (
            (seasonal == 0) & (naive > 0)
        ),
        "history is constant or too short; MASE is undefined": scale.isna(),
    }
    for reason, mask in reasons.items():
        if mask.any():
            notes.append(f"Series {short_list(mask.index[mask], 5)}: {reason}.")
    return scale.rename(key)
