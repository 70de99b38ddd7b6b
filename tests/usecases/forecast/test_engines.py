"""Tests of the forecasting engines (revlearn.usecases.forecast.engines) on planted series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.usecases.forecast.engines import EngineSpec, backtest, forecast


def planted(n_days: int = 730, *, seed: int = 0, effect: float = 0.05) -> pd.DataFrame:
    """Daily sales with a weekly cycle and a temperature effect of ``effect`` per °C."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2023-01-01", periods=n_days, freq="D")
    temperature = 18 + 8 * np.sin(2 * np.pi * ds.dayofyear / 365) + rng.normal(0, 4, n_days)
    weekly = np.where(ds.dayofweek >= 5, 0.3, 0.0)
    mean = 40 * np.exp(weekly + effect * (temperature - 18))
    return pd.DataFrame(
        {"unique_id": "tea", "ds": ds, "y": rng.poisson(mean).astype(float),
         "temperature": temperature}
    )  # fmt: skip


def test_backtest_shape_and_intervals():
    frame = planted()
    spec = EngineSpec(freq="D", season_length=7, horizon=7, models=("SeasonalNaive", "Drift"))
    cv = backtest(spec, frame, n_windows=4)
    assert len(cv) == 4 * 7 and cv["cutoff"].nunique() == 4
    assert {"SeasonalNaive", "SeasonalNaive-lo", "SeasonalNaive-hi", "Drift-hi"} <= set(cv)
    assert (cv["SeasonalNaive-lo"] <= cv["SeasonalNaive"]).all()
    assert (cv["ds"] > cv["cutoff"]).all()


def test_the_known_signal_makes_lightgbm_better_and_moves_its_forecast():
    frame = planted()
    with_signal = EngineSpec(
        freq="D", season_length=7, horizon=7, models=("LightGBM",), known=("temperature",)
    )
    without = EngineSpec(freq="D", season_length=7, horizon=7, models=("LightGBM",))
    cv_with = backtest(with_signal, frame, n_windows=8)
    cv_without = backtest(without, frame.drop(columns="temperature"), n_windows=8)
    mae_with = np.abs(cv_with["LightGBM"] - cv_with["y"]).mean()
    mae_without = np.abs(cv_without["LightGBM"] - cv_without["y"]).mean()
    assert mae_with < 0.85 * mae_without
    future = pd.DataFrame(
        {"unique_id": "tea", "ds": pd.date_range(frame["ds"].max(), periods=8)[1:]}
    )
    cool = forecast(with_signal, frame, ["LightGBM"], future.assign(temperature=15.0))
    warm = forecast(with_signal, frame, ["LightGBM"], future.assign(temperature=25.0))
    ratio = (warm["LightGBM"] / cool["LightGBM"]).mean()
    assert ratio == pytest.approx(np.exp(0.05 * 10), rel=0.25)  # planted ×1.65 for +10 °C


def test_negative_control_a_noise_signal_does_not_help():
    frame = planted(effect=0.0).assign(temperature=np.random.default_rng(9).normal(18, 5, 730))
    spec = EngineSpec(
        freq="D", season_length=7, horizon=7, models=("LightGBM",), known=("temperature",)
    )
    future = pd.DataFrame(
        {"unique_id": "tea", "ds": pd.date_range(frame["ds"].max(), periods=8)[1:]}
    )
    cool = forecast(spec, frame, ["LightGBM"], future.assign(temperature=13.0))
    warm = forecast(spec, frame, ["LightGBM"], future.assign(temperature=23.0))
    assert abs((warm["LightGBM"] / cool["LightGBM"]).mean() - 1) < 0.12


def test_lagged_signals_enter_through_lags_at_least_the_horizon_long():
    frame = planted().assign(visits=lambda f: f["y"].shift(-1).bfill() * 10)  # leads sales
    spec = EngineSpec(
        freq="D", season_length=7, horizon=7, models=("LightGBM",), lagged=("visits",)
    )
    out = forecast(spec, frame, ["LightGBM"])
    assert len(out) == 7 and out["LightGBM"].notna().all()
