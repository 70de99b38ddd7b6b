"""PipelineForecaster: planted truths, simulation intervals, backtest, registry, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from revlearn.data.synth import make_company
from revlearn.errors import InputError, NotFittedError, ParameterError, SchemaError
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace
from revlearn.usecases.pipeline import PipelineBacktest, PipelineForecaster

FAST = {"candidates": ["lightgbm"], "time_budget": 3.0}


@pytest.fixture(scope="module")
def deals() -> pd.DataFrame:
    return make_company(n_leads=10, n_customers=10, n_shoppers=10, random_state=0).deals


@pytest.fixture(scope="module")
def split(deals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training deals (70 % of the closed ones and every open one) and a closed holdout."""
    closed = deals[deals["outcome"].notna()]
    holdout = closed.sample(frac=0.3, random_state=0)
    return deals.drop(index=holdout.index), holdout


@pytest.fixture(scope="module")
def model(split: tuple[pd.DataFrame, pd.DataFrame]) -> PipelineForecaster:
    return PipelineForecaster(**FAST).fit(split[0])


@pytest.fixture(scope="module")
def open_deals(deals: pd.DataFrame) -> pd.DataFrame:
    return deals[deals["outcome"].isna()].reset_index(drop=True)


def _mean_p(model: PipelineForecaster, frame: pd.DataFrame, **values: object) -> float:
    return float(model.predict(frame.assign(**values))["win_probability"].mean())


# --- planted truths ------------------------------------------------------------------------


def test_win_probability_rises_with_stage(
    model: PipelineForecaster, open_deals: pd.DataFrame
) -> None:
    stages = ["prospecting", "qualification", "proposal", "negotiation"]
    means = [_mean_p(model, open_deals, stage=s) for s in stages]
    assert means == sorted(means)
    assert means[-1] > 2 * means[0]


def test_activity_staleness_and_owner_effects_show_in_probabilities(
    model: PipelineForecaster, open_deals: pd.DataFrame
) -> None:
    assert _mean_p(model, open_deals, activities_30d=10) > 1.2 * _mean_p(
        model, open_deals, activities_30d=1
    )
    fresh = _mean_p(model, open_deals, age_days=40)
    stale = _mean_p(model, open_deals, age_days=250)
    assert stale < 0.6 * fresh
    assert _mean_p(model, open_deals, owner="rep_1") > _mean_p(model, open_deals, owner="rep_5")


def test_classifier_beats_stage_only_on_closed_holdout(
    model: PipelineForecaster, split: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    holdout = split[1]
    y = holdout["outcome"] == "won"
    p = model.predict(holdout)["win_probability"]
    stage_only = holdout["stage"].map(model.stage_rates_)
    auc_model, auc_stage = roc_auc_score(y, p), roc_auc_score(y, stage_only)
    # Measured on seed 0: 0.80 against 0.75 for the stage alone.
    assert auc_model > auc_stage + 0.025
    assert auc_model > 0.77


def test_shuffled_outcomes_give_no_signal(deals: pd.DataFrame) -> None:
    shuffled = deals.copy()
    closed = shuffled["outcome"].notna()
    rng = np.random.default_rng(0)
    shuffled.loc[closed, "outcome"] = rng.permutation(shuffled.loc[closed, "outcome"].to_numpy())
    fitted = PipelineForecaster(candidates=["logistic"], time_budget=2.0).fit(shuffled)
    assert fitted.summary()["classifier"]["metrics"]["roc_auc"] < 0.58


def test_close_timing_recovers_the_planted_rep_optimism(deals: pd.DataFrame) -> None:
    truths = make_company(n_leads=10, n_customers=10, n_shoppers=10).truths["deals"]
    fitted = PipelineForecaster(candidates=["logistic"], time_budget=2.0, age_col=None)
    timing = fitted.fit(deals).timing().set_index("stage")
    for stage, planted in truths["close_lag_mean_days_by_stage"].items():
        assert timing.loc[stage, "mean_lag_days"] == pytest.approx(planted, abs=4), stage
    assert timing.loc["prospecting", "mean_lag_days"] > timing.loc["negotiation", "mean_lag_days"]


# --- predict, forecast, stage-weighted ------------------------------------------------------


def test_predict_columns_and_ranges(model: PipelineForecaster, open_deals: pd.DataFrame) -> None:
    out = model.predict(open_deals)
    assert out.columns.tolist() == [
        "deal_id",
        "win_probability",
        "expected_close",
        "expected_close_month",
        "amount",
        "expected_value",
    ]
    assert out["deal_id"].tolist() == open_deals["deal_id"].tolist()
    assert out["win_probability"].between(0, 1).all()
    assert np.allclose(out["expected_value"], out["win_probability"] * out["amount"])
    assert model.as_of_.startswith("2025-06-30")
    # The close month comes after the rep's month (optimism) and never before the as_of month.
    entered = pd.to_datetime(out["expected_close"]).dt.to_period("M").astype(str)
    floor = np.maximum(entered, "2025-06")
    assert (out["expected_close_month"] >= floor).all()
    assert (out["expected_close_month"] > floor).mean() > 0.3


def test_forecast_intervals_contain_the_expectation(
    model: PipelineForecaster, open_deals: pd.DataFrame
) -> None:
    fc = model.forecast(open_deals, n_sims=2000, random_state=1)
    assert fc["month"].tolist() == [
        "2025-06",
        "2025-07",
        "2025-08",
        "2025-09",
        "2025-10",
        "2025-11",
    ]
    busy = fc[fc["expected"] > 0.01 * fc["expected"].sum()]
    assert len(busy) >= 2
    assert (busy["forecast_lo_95"] <= busy["forecast_lo_80"]).all()
    assert (busy["forecast_lo_80"] <= busy["expected"]).all()
    assert (busy["expected"] <= busy["forecast_hi_80"]).all()
    assert (busy["forecast_hi_80"] <= busy["forecast_hi_95"]).all()
    assert fc["forecast"].sum() == pytest.approx(fc["expected"].sum(), rel=0.02)
    expected_value = model.predict(open_deals)["expected_value"].sum()
    assert fc["expected"].sum() <= expected_value + 1e-6


def test_intervals_widen_with_fewer_deals(
    model: PipelineForecaster, open_deals: pd.DataFrame
) -> None:
    def relative_width(frame: pd.DataFrame) -> float:
        total = model.forecast(frame, by=(), n_sims=1000).iloc[0]
        return float((total["forecast_hi_95"] - total["forecast_lo_95"]) / total["forecast"])

    assert relative_width(open_deals.head(30)) > 1.8 * relative_width(open_deals)


def test_forecast_by_owner_adds_up_to_the_monthly_total(
    model: PipelineForecaster, open_deals: pd.DataFrame
) -> None:
    months = model.forecast(open_deals, n_sims=500, random_state=3)
    owners = model.forecast(open_deals, by=("month", "owner"), n_sims=500, random_state=3)
    assert owners.columns[:2].tolist() == ["month", "owner"]
    assert set(owners["owner"]) == set(open_deals["owner"])
    summed = owners.groupby("month")["forecast"].sum()
    assert np.allclose(summed[months["month"]].to_numpy(), months["forecast"].to_numpy())
    segments = model.forecast(open_deals, by=("segment",), n_sims=200)
    assert segments.columns[0] == "segment" and len(segments) == 3


def test_stage_weighted_puts_bookings_at_the_reps_months(
    model: PipelineForecaster, open_deals: pd.DataFrame
) -> None:
    naive = model.stage_weighted(open_deals)
    assert naive["month"].tolist()[0] == "2025-06"
    rates = open_deals["stage"].map(model.stage_rates_)
    entered = np.maximum(open_deals["expected_close"].dt.to_period("M").astype(str), "2025-06")
    june = float((rates * open_deals["amount"])[entered == "2025-06"].sum())
    assert naive["stage_weighted"].iloc[0] == pytest.approx(june)
    # Reps are optimistic: the naive forecast books earlier than the model.
    fc = model.forecast(open_deals, n_sims=500)
    naive_share = naive["stage_weighted"].iloc[0] / naive["stage_weighted"].sum()
    model_share = fc["expected"].iloc[0] / fc["expected"].sum()
    assert naive_share > model_share


def test_forecast_is_fast_for_a_large_pipeline(
    model: PipelineForecaster, open_deals: pd.DataFrame
) -> None:
    import time

    big = pd.concat([open_deals] * (10_000 // len(open_deals) + 1), ignore_index=True).head(10_000)
    start = time.perf_counter()
    fc = model.forecast(big, n_sims=2000)
    assert time.perf_counter() - start < 30  # measured ~2.5 s on a shared 2-core machine
    assert fc["forecast"].sum() > 0


# --- backtest --------------------------------------------------------------------------------


@pytest.mark.slow
def test_backtest_beats_the_stage_weighted_forecast(deals: pd.DataFrame) -> None:
    result = PipelineForecaster(**FAST).evaluate(deals, as_of="2025-01-01", n_sims=1000)
    assert isinstance(result, PipelineBacktest)
    table = result.to_frame()
    assert table["month"].tolist() == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    m = result.metrics
    assert m["mae_model"] < m["mae_stage_weighted"]
    assert abs(m["total_error_model"]) < abs(m["total_error_stage_weighted"])
    assert m["coverage_95"] >= 0.6  # measured 0.8 (4 of 5 months)
    assert m["n_open"] > 100 and m["n_train"] > 1000
    assert result.to_dict()["months"][0]["month"] == "2025-01"


# --- registry, summary, explain ---------------------------------------------------------------


def test_registry_round_trip(
    tmp_path: Path, model: PipelineForecaster, open_deals: pd.DataFrame
) -> None:
    for name, value in vars(model).items():
        assert not isinstance(value, pd.DataFrame | pd.Series), name
    reg = Registry(Workspace(tmp_path / "ws.duckdb"))
    reg.save(
        model, name="x", usecase="pipeline", params=model.get_params(), metrics={}, fingerprint="f"
    )
    loaded, _ = reg.load("x")
    pd.testing.assert_frame_equal(loaded.predict(open_deals), model.predict(open_deals))
    pd.testing.assert_frame_equal(
        loaded.forecast(open_deals, n_sims=200), model.forecast(open_deals, n_sims=200)
    )


def test_summary_is_json_ready_and_explain_names_drivers(model: PipelineForecaster) -> None:
    import json

    summary = model.summary()
    json.dumps(summary)
    assert summary["closed_deals"] > 1000
    assert set(summary["stage_win_rates"]) == {
        "prospecting",
        "qualification",
        "proposal",
        "negotiation",
    }
    assert "closed_at" not in summary["features"] and "expected_close" not in summary["features"]
    assert summary["close_lag_days"]["prospecting"] > summary["close_lag_days"]["negotiation"]
    top = model.explain().to_frame()["feature"].head(4).tolist()
    assert "stage" in top


# --- bad input --------------------------------------------------------------------------------


def test_no_closed_deals(open_deals: pd.DataFrame) -> None:
    with pytest.raises(InputError, match=r"No closed deals.*include deals already won or lost"):
        PipelineForecaster().fit(open_deals)


def test_no_won_deals(deals: pd.DataFrame) -> None:
    lost = deals.assign(outcome=deals["outcome"].where(deals["outcome"].isna(), "lost"))
    with pytest.raises(InputError, match=r"no won deal.*Pass won="):
        PipelineForecaster().fit(lost)


def test_missing_columns(deals: pd.DataFrame, model: PipelineForecaster) -> None:
    with pytest.raises(SchemaError, match=r"expected_close"):
        PipelineForecaster().fit(deals.drop(columns="expected_close"))
    with pytest.raises(SchemaError, match=r"activities_30d"):
        model.predict(deals.drop(columns="activities_30d"))


def test_open_deals_without_amounts(model: PipelineForecaster, open_deals: pd.DataFrame) -> None:
    broken = open_deals.copy()
    broken.loc[:2, "amount"] = np.nan
    with pytest.raises(InputError, match=r"3 of .* deals have no usable amount.*Fill in"):
        model.forecast(broken)
    with pytest.raises(InputError, match=r"no usable amount"):
        model.predict(broken)


def test_bad_parameters_and_unfitted(model: PipelineForecaster, open_deals: pd.DataFrame) -> None:
    with pytest.raises(NotFittedError, match=r"not fitted yet.*forecast"):
        PipelineForecaster().forecast(open_deals)
    with pytest.raises(ParameterError, match=r"by=\('month', 'region'\)"):
        model.forecast(open_deals, by=("month", "region"))
    with pytest.raises(ParameterError, match=r"n_sims=1 "):
        model.forecast(open_deals, n_sims=1)
    with pytest.raises(ParameterError, match=r"horizon_months=0"):
        PipelineForecaster(horizon_months=0).fit(open_deals)
    with pytest.raises(ParameterError, match=r"as_of='soon'"):
        model.predict(open_deals, as_of="soon")
