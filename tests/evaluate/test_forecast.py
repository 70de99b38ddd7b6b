"""Forecast metrics: hand-computed values, utilsforecast as oracle, zero scales, NaN."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import InputError, ParameterError, SchemaError
from revlearn.evaluate.forecast import (
    ForecastMetrics,
    bias,
    coverage,
    forecast_metrics,
    mase,
    relative_bias,
    rmse,
    smape,
)

losses = pytest.importorskip("utilsforecast.losses")


def test_scalar_metrics_by_hand() -> None:
    actual, forecast = [10.0, 20.0, 0.0], [12.0, 15.0, 0.0]
    # |e| = 2, 5, 0; squared 4, 25, 0
    assert rmse(actual, forecast) == pytest.approx(math.sqrt(29 / 3))
    assert smape(actual, forecast) == pytest.approx(200 / 3 * (2 / 22 + 5 / 35 + 0))
    assert bias(actual, forecast) == pytest.approx(-1.0)
    assert relative_bias(actual, forecast) == pytest.approx(100 * -3 / 30)
    # naive-1 in-sample errors of [1, 3, 2, 6]: 2, 1, 4 -> scale 7/3; seasonal m=2: 1, 3 -> 2
    assert mase(actual, forecast, [1, 3, 2, 6], season_length=1) == pytest.approx((7 / 3) / (7 / 3))
    assert mase(actual, forecast, [1, 3, 2, 6], season_length=2) == pytest.approx((7 / 3) / 2)
    assert coverage([1, 2, 3, 4], [0, 2.5, 2, 5], [2, 3, 3, 6]) == pytest.approx(0.5)
    assert smape([0, 0], [0, 0]) == 0.0
    assert smape([5], [-5]) == pytest.approx(200.0)  # the top of M4's scale


def test_nan_pairs_are_left_out() -> None:
    assert rmse([1.0, np.nan, 3.0], [2.0, 5.0, np.nan]) == pytest.approx(1.0)
    assert math.isnan(bias([np.nan], [1.0]))
    assert mase([3.0, np.nan], [4.0, 1.0], [1.0, np.nan, 2.0, 3.0], 1) == pytest.approx(1.0)


def test_mase_scale_fallbacks() -> None:
    # the history repeats every 2 periods: seasonal scale 0, naive-1 scale used
    assert mase([1.0], [2.0], [1, 5, 1, 5, 1, 5], season_length=2) == pytest.approx(1 / 4)
    # shorter than a season: naive-1
    assert mase([1.0], [2.0], [1.0, 3.0], season_length=7) == pytest.approx(1 / 2)
    # constant history: undefined
    assert math.isnan(mase([1.0], [2.0], [4.0, 4.0, 4.0], season_length=1))


def test_bad_inputs_are_clear_errors() -> None:
    with pytest.raises(InputError, match="differ in length"):
        rmse([1, 2], [1])
    with pytest.raises(InputError, match="not all numbers"):
        smape(["a"], [1])
    with pytest.raises(ParameterError, match="season_length"):
        mase([1], [1], [1, 2], season_length=0)
    frame = pd.DataFrame({"unique_id": ["a"], "y": [1.0], "forecast": [1.0]})
    with pytest.raises(SchemaError, match="fcst"):
        forecast_metrics(frame, forecast="fcst")
    with pytest.raises(ParameterError, match="both lower and upper"):
        forecast_metrics(frame, lower="forecast")
    with pytest.raises(InputError, match="No row has both"):
        forecast_metrics(frame.assign(y=np.nan))


def _random_panel(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = [f"s{i}" for i in range(6)]
    n_train, h = 40, 8
    train = pd.DataFrame(
        {
            "unique_id": np.repeat(ids, n_train),
            "ds": np.tile(pd.date_range("2024-01-01", periods=n_train), len(ids)),
            "y": rng.gamma(2.0, 5.0, n_train * len(ids)),
        }
    )
    test = pd.DataFrame(
        {
            "unique_id": np.repeat(ids, h),
            "ds": np.tile(pd.date_range("2024-02-10", periods=h), len(ids)),
            "y": rng.gamma(2.0, 5.0, h * len(ids)),
            "forecast": rng.gamma(2.0, 5.0, h * len(ids)),
        }
    )
    test["forecast_lo_80"] = test["forecast"] - 6.0
    test["forecast_hi_80"] = test["forecast"] + 6.0
    return train, test


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_utilsforecast_on_random_data(seed: int) -> None:
    train, test = _random_panel(seed)
    shuffled = train.sample(frac=1.0, random_state=seed)  # order does not matter: sorted by ds
    result = forecast_metrics(
        test,
        train=shuffled,
        season_length=7,
        lower="forecast_lo_80",
        upper="forecast_hi_80",
    )
    per = result.per_series.set_index("unique_id")
    oracle = {
        "mase": losses.mase(test, ["forecast"], 7, train),
        "smape": losses.smape(test, ["forecast"]),
        "rmse": losses.rmse(test, ["forecast"]),
        "mae": losses.mae(test, ["forecast"]),
        "bias": losses.bias(test, ["forecast"]),
    }
    for name, table in oracle.items():
        expected = table.set_index("unique_id")["forecast"]
        factor = 200.0 if name == "smape" else 1.0  # utilsforecast's sMAPE is on 0..1
        np.testing.assert_allclose(per[name], factor * expected.loc[per.index], rtol=1e-10)
    assert result.mase == pytest.approx(oracle["mase"]["forecast"].mean())
    assert result.smape == pytest.approx(200 * oracle["smape"]["forecast"].mean())
    named = test.rename(
        columns={"forecast_lo_80": "forecast-lo-80", "forecast_hi_80": "forecast-hi-80"}
    )
    cov = losses.coverage(named, ["forecast"], level=80).set_index("unique_id")
    np.testing.assert_allclose(per["coverage"], cov.loc[per.index, "forecast"])
    assert result.n_series == 6 and result.n_points == 48


def test_a_perfect_forecast_and_a_naive_one() -> None:
    train, test = _random_panel(3)
    perfect = forecast_metrics(test.assign(forecast=test["y"]), train=train, season_length=7)
    assert perfect.mase == 0.0 and perfect.rmse == 0.0 and perfect.smape == 0.0
    assert perfect.bias == 0.0 and perfect.relative_bias == 0.0
    # a forecast that is the actual plus 10 % is biased by +10 %
    high = forecast_metrics(test.assign(forecast=1.1 * test["y"]), train=train)
    assert high.relative_bias == pytest.approx(10.0)
    assert high.bias == pytest.approx(0.1 * test["y"].mean())


def test_overall_figures_and_notes() -> None:
    train, test = _random_panel(4)
    constant = pd.DataFrame(
        {"unique_id": "flat", "ds": pd.date_range("2024-01-01", periods=10), "y": 3.0}
    )
    flat_test = pd.DataFrame(
        {"unique_id": "flat", "ds": pd.date_range("2024-01-11", periods=2), "y": [3.0, 4.0]}
    ).assign(forecast=3.0)
    frame = pd.concat([test, flat_test], ignore_index=True)
    frame.loc[0, "forecast"] = np.nan
    result = forecast_metrics(frame, train=pd.concat([train, constant]), season_length=7)
    assert isinstance(result, ForecastMetrics)
    per = result.per_series.set_index("unique_id")
    assert math.isnan(per.loc["flat", "mase"])
    assert result.mase == pytest.approx(per["mase"].drop("flat").mean())  # NaN skipped
    assert result.smape == pytest.approx(per["smape"].mean())  # M4: mean over series
    assert result.n_points == len(frame) - 1
    assert any("flat" in n and "undefined" in n for n in result.notes)
    assert any("Left out 1 rows" in n for n in result.notes)
    err = (frame["forecast"] - frame["y"]).dropna()
    assert result.rmse == pytest.approx(math.sqrt((err**2).mean()))  # pooled
    assert math.isnan(result.coverage)
    doc = result.to_dict()
    json.dumps(doc)  # JSON-ready (NaN became None)
    assert doc["coverage"] is None and len(doc["per_series"]) == 7
    assert set(result.to_frame()["metric"]) >= {"mase", "smape", "rmse", "bias"}


def test_one_series_without_ids_and_without_history() -> None:
    frame = pd.DataFrame({"actual": [10.0, 20.0], "pred": [11.0, 18.0]})
    result = forecast_metrics(frame, actual="actual", forecast="pred", by=None)
    assert math.isnan(result.mase)
    assert result.n_series == 1 and "unique_id" not in result.per_series.columns
    assert result.rmse == pytest.approx(rmse([10, 20], [11, 18]))
    assert any("No training history" in n for n in result.notes)
