"""The forecasting engines: statsforecast's local models and mlforecast's LightGBM.

Both libraries take the same long frame (``unique_id``, ``ds``, ``y`` and signal columns)
and return forecasts and rolling-origin backtests in the same shape, so
:class:`~revlearn.usecases.forecast.model.SalesForecaster` can run them side by side:

* local models per series (statsforecast): seasonal naive, random walk with drift,
  AutoETS, AutoARIMA and AutoTheta — no signals;
* a log-linear dynamic regression per series on trend, calendar and the signals
  (:mod:`revlearn.usecases.forecast.regression`);
* one global gradient-boosting model over every series (mlforecast + LightGBM): lags of
  the target, rolling means, calendar features and the outside signals; signals known in
  advance (temperature forecast, promotions, price) enter at the forecast date, the others
  through lags at least the horizon long (their values are known when the forecast is made).

Prediction intervals: statsforecast's model-based intervals, and conformal intervals from
backtest residuals for LightGBM (mlforecast's ``PredictionIntervals``); their coverage is
measured in the backtest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from revlearn.usecases.forecast.regression import NAME as REGRESSION
from revlearn.usecases.forecast.regression import regression_backtest, regression_forecast

__all__ = ["LOCAL_MODELS", "EngineSpec", "backtest", "forecast", "lightgbm_rows"]

#: The local models by name, in order of simplicity (ties go to the simpler).
LOCAL_MODELS = ("SeasonalNaive", "Drift", "AutoETS", "AutoTheta", "AutoARIMA")
_LGBM: dict[str, Any] = {
    "n_estimators": 300,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 20,
    "subsample": 0.9,
    "subsample_freq": 1,
    "colsample_bytree": 0.9,
    "n_jobs": 1,  # one thread: nested parallelism on 2 shared cores is slower
    "verbose": -1,
}


@dataclass(frozen=True)
class EngineSpec:
    """What the engines need to know about the series.

    Parameters
    ----------
    freq : str
        Pandas frequency alias of the series (``"D"``, ``"W-SUN"``, ``"MS"``).
    season_length : int
        Periods in a season (7 daily, 52 weekly, 12 monthly, 1 none).
    horizon : int
        Periods ahead.
    level : int
        Prediction interval level in percent.
    models : tuple of str
        Local model names from :data:`LOCAL_MODELS`, ``"Regression"`` and/or
        ``"LightGBM"``.
    known : tuple of str
        Signals known in advance (used at the forecast date).
    lagged : tuple of str
        Other signals (used through lags of at least ``horizon`` periods).
    random_state : int
        Seed of LightGBM.
    min_lag : int
        Shortest lag of the target LightGBM sees. 1 (the default) forecasts recursively,
        feeding each forecast into the next step's lags; ``horizon`` uses only values known
        at the forecast origin, so a changed signal moves each date once, without feeding
        back through the lags (what the what-if needs).
    """

    freq: str
    season_length: int
    horizon: int
    level: int = 80
    models: tuple[str, ...] = (*LOCAL_MODELS, "LightGBM")
    known: tuple[str, ...] = ()
    lagged: tuple[str, ...] = ()
    random_state: int = 0
    min_lag: int = 1

    @property
    def local(self) -> list[str]:
        """The local (statsforecast) models asked for."""
        return [m for m in self.models if m in LOCAL_MODELS]

    @property
    def wants_lightgbm(self) -> bool:
        """Whether the global LightGBM model is asked for."""
        return "LightGBM" in self.models


def _local_models(spec: EngineSpec) -> list[Any]:
    from statsforecast.models import (
        AutoARIMA,
        AutoETS,
        AutoTheta,
        RandomWalkWithDrift,
        SeasonalNaive,
    )

    m = max(spec.season_length, 1)
    build = {
        "SeasonalNaive": lambda: SeasonalNaive(season_length=m, alias="SeasonalNaive"),
        "Drift": lambda: RandomWalkWithDrift(alias="Drift"),
        "AutoETS": lambda: AutoETS(season_length=m, alias="AutoETS"),
        "AutoTheta": lambda: AutoTheta(season_length=m, alias="AutoTheta"),
        "AutoARIMA": lambda: AutoARIMA(season_length=m, alias="AutoARIMA"),
    }
    return [build[name]() for name in spec.local]


def _lag_features(spec: EngineSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Add the lagged versions of the not-known-in-advance signals (per series)."""
    if not spec.lagged:
        return frame
    out = frame.copy()
    grouped = out.groupby("unique_id", sort=False)
    for col in spec.lagged:
        for lag in (spec.horizon, spec.horizon + 1, spec.horizon + spec.season_length):
            out[f"{col}_lag{lag}"] = grouped[col].shift(lag)
    return out.drop(columns=list(spec.lagged))


def _global_model(spec: EngineSpec) -> Any:
    from lightgbm import LGBMRegressor
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import RollingMean

    m = max(spec.season_length, 1)
    first = spec.min_lag
    season_lag = m * -(-first // m)  # the first whole season at or after ``first``
    lags = sorted({first, first + 1, first + 2, season_lag, season_lag + m})
    features = {"D": ["dayofweek", "month", "dayofyear"], "W": ["week", "month"]}
    date_features = features.get(spec.freq[:1], ["month"])
    return MLForecast(
        models={"LightGBM": LGBMRegressor(**_LGBM, random_state=spec.random_state)},
        freq=spec.freq,
        lags=lags,
        lag_transforms={
            first: [RollingMean(window_size=m)],
            season_lag: [RollingMean(window_size=m)],
        },
        date_features=date_features,
        num_threads=1,
    )


def _longest_lag(spec: EngineSpec) -> int:
    """Periods of history a LightGBM row needs before its first complete feature vector."""
    m = max(spec.season_length, 1)
    season_lag = m * -(-spec.min_lag // m)
    longest = season_lag + m  # the second seasonal lag, and the rolling mean behind the first
    if spec.lagged:
        longest = max(longest, spec.horizon + m)
    return longest


def lightgbm_rows(spec: EngineSpec, lengths: Sequence[int], n_windows: int) -> int:
    """Training rows LightGBM has at its earliest fit: the first backtest origin's
    conformal-interval fit, ``n_windows + 2`` horizons before each series' end, with the
    lags' first periods dropped.

    Parameters
    ----------
    spec : EngineSpec
        The series and the models.
    lengths : sequence of int
        Periods per series.
    n_windows : int
        Backtest origins.

    Returns
    -------
    int
        Rows summed over the series (the global model pools them).
    """
    held = (n_windows + 2) * spec.horizon
    return int(sum(max(0, int(n) - held - _longest_lag(spec)) for n in lengths))


def _ml_frame(spec: EngineSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """The training frame of the global model: target, known signals and lagged signals."""
    keep = ["unique_id", "ds", "y", *spec.known, *spec.lagged]
    lagged = _lag_features(spec, frame[keep])
    return lagged.dropna(subset=[c for c in lagged.columns if "_lag" in c])  # the first periods


def backtest(spec: EngineSpec, frame: pd.DataFrame, n_windows: int) -> pd.DataFrame:
    """Rolling-origin backtest of every model: forecasts made at ``n_windows`` cut-offs.

    Parameters
    ----------
    spec : EngineSpec
        The series and the models.
    frame : pandas.DataFrame
        ``unique_id``, ``ds``, ``y`` and the signal columns, on a regular grid.
    n_windows : int
        Cut-offs, ``horizon`` periods apart, the last one ``horizon`` before the end.

    Returns
    -------
    pandas.DataFrame
        ``unique_id``, ``ds``, ``cutoff``, ``y`` and per model ``<model>``,
        ``<model>-lo`` and ``<model>-hi`` (the interval at ``spec.level``).
    """
    from statsforecast import StatsForecast

    h, parts = spec.horizon, []
    if spec.local:
        sf = StatsForecast(models=_local_models(spec), freq=spec.freq, n_jobs=1)
        local = sf.cross_validation(
            h=h, df=frame[["unique_id", "ds", "y"]], n_windows=n_windows, step_size=h,
            level=[spec.level],
        )  # fmt: skip
        parts.append(_rename_levels(local, spec.level))
    if spec.wants_lightgbm:
        from mlforecast.utils import PredictionIntervals

        ml = _global_model(spec).cross_validation(
            df=_ml_frame(spec, frame),
            n_windows=n_windows,
            h=h,
            step_size=h,
            prediction_intervals=PredictionIntervals(n_windows=2, h=h),
            level=[spec.level],
            static_features=[],
        )
        parts.append(_rename_levels(ml, spec.level))
    if REGRESSION in spec.models:
        parts.append(regression_backtest(spec, frame, n_windows))
    out = parts[0]
    for part in parts[1:]:
        part = part.assign(cutoff=pd.to_datetime(part["cutoff"]), ds=pd.to_datetime(part["ds"]))
        out = out.merge(part.drop(columns=["y"]), on=["unique_id", "ds", "cutoff"], how="inner")
    return out.sort_values(["unique_id", "cutoff", "ds"]).reset_index(drop=True)


def forecast(
    spec: EngineSpec,
    frame: pd.DataFrame,
    models: Sequence[str],
    future: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Fit the named models on the whole history and forecast ``spec.horizon`` periods.

    Parameters
    ----------
    spec : EngineSpec
        The series.
    frame : pandas.DataFrame
        The history: ``unique_id``, ``ds``, ``y`` and the signal columns.
    models : sequence of str
        Which models to run.
    future : pandas.DataFrame, optional
        ``unique_id``, ``ds`` and the known signals over the horizon (needed when LightGBM
        runs with known signals).

    Returns
    -------
    pandas.DataFrame
        ``unique_id``, ``ds`` and per model ``<model>``, ``<model>-lo``, ``<model>-hi``.
    """
    from statsforecast import StatsForecast

    wanted = EngineSpec(**{**spec.__dict__, "models": tuple(models)})
    parts = []
    if wanted.local:
        sf = StatsForecast(models=_local_models(wanted), freq=spec.freq, n_jobs=1)
        local = sf.forecast(h=spec.horizon, df=frame[["unique_id", "ds", "y"]], level=[spec.level])
        parts.append(_rename_levels(local, spec.level))
    if wanted.wants_lightgbm:
        from mlforecast.utils import PredictionIntervals

        ml = _global_model(wanted)
        ml.fit(
            _ml_frame(wanted, frame),
            static_features=[],
            prediction_intervals=PredictionIntervals(n_windows=2, h=spec.horizon),
        )
        X_df = _future_features(wanted, frame, future)
        predicted = ml.predict(spec.horizon, level=[spec.level], X_df=X_df)
        parts.append(_rename_levels(predicted, spec.level))
    if REGRESSION in wanted.models:
        grid = _horizon_grid(spec, frame)
        if spec.known:
            assert future is not None, "known signals need their future values"
            grid = grid.merge(
                future[["unique_id", "ds", *spec.known]], on=["unique_id", "ds"], how="left"
            )
        uids = list(pd.unique(frame["unique_id"]))
        parts.append(regression_forecast(wanted, frame, grid, uids))
    out = parts[0]
    for part in parts[1:]:
        out = out.merge(part.assign(ds=pd.to_datetime(part["ds"])), on=["unique_id", "ds"])
    return out.sort_values(["unique_id", "ds"]).reset_index(drop=True)


def _future_features(
    spec: EngineSpec, frame: pd.DataFrame, future: pd.DataFrame | None
) -> pd.DataFrame | None:
    """Known signals over the horizon, and the lagged signals read off the history."""
    if not spec.known and not spec.lagged:
        return None
    grid = _horizon_grid(spec, frame)
    if spec.known:
        assert future is not None, "known signals need their future values"
        grid = grid.merge(
            future[["unique_id", "ds", *spec.known]], on=["unique_id", "ds"], how="left"
        )
    if spec.lagged:
        history = frame[["unique_id", "ds", *spec.lagged]]
        extended = pd.concat([history, grid[["unique_id", "ds"]]], ignore_index=True)
        lagged = _lag_features(spec, extended.sort_values(["unique_id", "ds"]))
        grid = grid.merge(lagged, on=["unique_id", "ds"], how="left")
    return grid


def _horizon_grid(spec: EngineSpec, frame: pd.DataFrame) -> pd.DataFrame:
    last = frame.groupby("unique_id", sort=False)["ds"].max()
    offset = pd.tseries.frequencies.to_offset(spec.freq)
    rows = [
        pd.DataFrame(
            {
                "unique_id": uid,
                "ds": pd.date_range(end + offset, periods=spec.horizon, freq=spec.freq),
            }
        )
        for uid, end in last.items()
    ]
    return pd.concat(rows, ignore_index=True)


def _rename_levels(frame: pd.DataFrame, level: int) -> pd.DataFrame:
    """``<model>-lo-80`` / ``<model>-hi-80`` → ``<model>-lo`` / ``<model>-hi``."""
    renamed = {
        col: col.replace(f"-lo-{level}", "-lo").replace(f"-hi-{level}", "-hi")
        for col in frame.columns
    }
    out = frame.rename(columns=renamed)
    if "ds" in out:
        out["ds"] = pd.to_datetime(out["ds"])
    for col in out.columns:
        if col not in ("unique_id", "ds", "cutoff") and out[col].dtype.kind == "f":
            out[col] = out[col].astype(np.float64)
    return out
