"""Tests of the pipeline report sections (revlearn.report.pipeline_report)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth import make_company
from revlearn.errors import InputError
from revlearn.report.html import render_page
from revlearn.report.pipeline_report import backtest_figure, bookings_figure, pipeline_sections
from revlearn.usecases.pipeline import PipelineBacktest, PipelineForecaster


@pytest.fixture(scope="module")
def deals() -> pd.DataFrame:
    return make_company(n_leads=10, n_customers=10, n_shoppers=10, random_state=4).deals


@pytest.fixture(scope="module")
def model(deals: pd.DataFrame) -> PipelineForecaster:
    return PipelineForecaster(candidates=["logistic"], time_budget=2.0).fit(deals)


@pytest.fixture(scope="module")
def open_deals(deals: pd.DataFrame) -> pd.DataFrame:
    return deals[deals["outcome"].isna()]


def _backtest() -> PipelineBacktest:
    table = pd.DataFrame(
        {
            "month": ["2025-01", "2025-02"],
            "actual": [100.0, 50.0],
            "forecast": [90.0, 70.0],
            "forecast_lo_80": [70.0, 40.0],
            "forecast_hi_80": [110.0, 90.0],
            "forecast_lo_95": [60.0, 30.0],
            "forecast_hi_95": [120.0, 100.0],
            "stage_weighted": [150.0, 20.0],
        }
    )
    metrics = {
        "mae_model": 15.0,
        "mae_stage_weighted": 40.0,
        "total_error_model": 10.0,
        "total_error_stage_weighted": 20.0,
        "coverage_80": 1.0,
        "coverage_95": 1.0,
        "n_train": 100.0,
        "n_open": 10.0,
    }
    return PipelineBacktest(as_of="2025-01-01", table=table, metrics=metrics)


def test_bookings_figure_draws_bands_forecast_and_naive_line(
    model: PipelineForecaster, open_deals: pd.DataFrame
) -> None:
    forecast = model.forecast(open_deals, n_sims=300)
    naive = model.stage_weighted(open_deals)
    fig = bookings_figure(forecast, naive)
    names = [t.name for t in fig.data]
    assert names == ["95 % interval", "80 % interval", "model forecast", "stage-weighted"]
    assert np.allclose(fig.data[2].y, forecast["forecast"])
    assert np.allclose(fig.data[3].y, naive["stage_weighted"])
    band = np.asarray(fig.data[0].y, dtype=float)
    assert np.allclose(band[: len(forecast)], forecast["forecast_hi_95"])


def test_backtest_figure_shows_actuals_and_both_forecasts() -> None:
    fig = backtest_figure(_backtest())
    assert [t.name for t in fig.data] == ["80 % interval", "actual", "model", "stage-weighted"]
    assert list(fig.data[1].y) == [100.0, 50.0]
    assert "2025-01-01" in fig.layout.title.text


def test_sections_read_the_fitted_model_and_render(
    model: PipelineForecaster, open_deals: pd.DataFrame
) -> None:
    sections = pipeline_sections(model, open_deals, backtest=_backtest(), n_sims=300)
    assert [s.title for s in sections] == [
        "Pipeline: the win model",
        "Pipeline: expected bookings",
        "Pipeline: backtest",
    ]
    closed = model.summary()["closed_deals"]
    assert f"{closed:,} closed deals" in sections[0].text[0]
    assert f"{len(open_deals):,} open deals" in sections[1].text[0]
    assert "15 for the model against 40" in sections[2].text[0]
    monthly = sections[1].tables[0]
    assert {"month", "forecast", "stage_weighted"} <= set(monthly.columns)
    assert set(sections[1].tables[1]["owner"]) == set(open_deals["owner"])
    html = render_page("Pipeline", sections)
    assert "Pipeline: expected bookings" in html


def test_sections_refuse_an_unfitted_model(open_deals: pd.DataFrame) -> None:
    with pytest.raises(InputError, match=r"needs a fitted PipelineForecaster"):
        pipeline_sections(PipelineForecaster(), open_deals)
