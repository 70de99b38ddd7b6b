"""The log-linear dynamic regression (revlearn.usecases.forecast.regression)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.usecases.forecast.engines import EngineSpec
from revlearn.usecases.forecast.regression import regression_backtest, regression_forecast


def _series(seed: int = 0, days: int = 500) -> pd.DataFrame:
    """Daily sales with a weekly cycle and a promotion planted at ×1.5."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2023-01-01", periods=days, freq="D")
    promo = (rng.random(days) < 0.15).astype(float)
    weekly = 0.3 * (ds.dayofweek >= 5)
    mean = np.exp(4.0 + weekly + np.log(1.5) * promo)
    return pd.DataFrame({"unique_id": "s", "ds": ds, "y": rng.poisson(mean), "promo": promo})


SPEC = EngineSpec(freq="D", season_length=7, horizon=14, models=("Regression",), known=("promo",))


def test_forecast_carries_the_planted_promotion_effect():
    frame = _series()
    grid = pd.DataFrame(
        {"unique_id": "s", "ds": pd.date_range(frame["ds"].max(), periods=15)[1:], "promo": 0.0}
    )
    base = regression_forecast(SPEC, frame, grid, ["s"])
    promoted = regression_forecast(SPEC, frame, grid.assign(promo=1.0), ["s"])
    ratio = (promoted["Regression"] + 1) / (base["Regression"] + 1)
    assert ratio.mean() == pytest.approx(1.5, abs=0.1)
    assert (base["Regression-lo"] <= base["Regression"]).all()
    assert (base["Regression"] <= base["Regression-hi"]).all()
    # negative control: a promotion column of noise moves nothing
    noise = frame.assign(promo=np.random.default_rng(9).permutation(frame["promo"].to_numpy()))
    base = regression_forecast(SPEC, noise, grid, ["s"])
    promoted = regression_forecast(SPEC, noise, grid.assign(promo=1.0), ["s"])
    assert abs(((promoted["Regression"] + 1) / (base["Regression"] + 1)).mean() - 1) < 0.06


def test_backtest_rows_and_lagged_signals_use_only_the_past():
    frame = _series(days=200).assign(visits=lambda d: d["y"] * 3.0)
    spec = EngineSpec(freq="D", season_length=7, horizon=14, models=("Regression",),
                      lagged=("visits",))  # fmt: skip
    cv = regression_backtest(spec, frame, n_windows=3)
    assert len(cv) == 3 * 14 and cv["cutoff"].nunique() == 3
    assert (cv["ds"] > cv["cutoff"]).all()
    # the same backtest with the future visits scrambled: lags of >= 14 days never see them
    late = frame["ds"] > cv["cutoff"].min()
    scrambled = frame.copy()
    scrambled.loc[late, "visits"] = 0.0
    first = cv[cv["cutoff"] == cv["cutoff"].min()]["Regression"].to_numpy()
    again = regression_backtest(spec, scrambled, n_windows=3)
    np.testing.assert_allclose(
        again[again["cutoff"] == again["cutoff"].min()]["Regression"].to_numpy(), first
    )
