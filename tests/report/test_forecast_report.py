"""Tests of the forecast report (revlearn.report.forecast_report)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth import make_company
from revlearn.errors import InputError
from revlearn.report.forecast_report import (
    backtest_figure,
    forecast_figure,
    forecast_sections,
    what_if_figure,
)
from revlearn.report.html import render_page
from revlearn.usecases.forecast import SalesForecaster
from tests.report.conftest import needs_chromium, render

CUT = "2025-04-30"
H = 14


@pytest.fixture(scope="module")
def sales() -> pd.DataFrame:
    return make_company(n_leads=20, n_customers=20, n_shoppers=20, random_state=0).sales


@pytest.fixture(scope="module")
def future(sales) -> pd.DataFrame:
    return sales[sales["date"] > CUT].head(H).drop(columns="units")


@pytest.fixture(scope="module")
def daily(sales) -> SalesForecaster:
    history = sales[(sales["date"] <= CUT) & (sales["date"] > "2024-03-01")]
    return SalesForecaster(
        date_col="date",
        value_col="units",
        horizon=H,
        n_windows=3,
        models=["SeasonalNaive", "AutoETS", "LightGBM"],
        signals=["temperature", "promotion", "price"],
    ).fit(history)


@pytest.fixture(scope="module")
def stores() -> SalesForecaster:
    """Eight monthly stores whose size grows with their number (store_7 is the largest)."""
    rng = np.random.default_rng(3)
    months = pd.date_range("2019-01-01", periods=60, freq="MS")
    season = 0.3 * np.sin(2 * np.pi * months.month.to_numpy() / 12)
    frame = pd.concat(
        pd.DataFrame(
            {
                "store": f"store_{i}",
                "month": months,
                "revenue": 100 * (i + 1) * np.exp(season) * rng.lognormal(0, 0.05, 60),
            }
        )
        for i in range(8)
    )
    return SalesForecaster(
        date_col="month",
        value_col="revenue",
        series_col="store",
        horizon=6,
        n_windows=3,
        models=["SeasonalNaive", "AutoETS"],
    ).fit(frame)


def test_forecast_figure_draws_history_backtest_band_and_origin(daily, future):
    out = daily.predict(signals=future)
    fig = forecast_figure(daily.history_, daily.backtest_forecasts_, out, series="units", level=80)
    assert [t.name for t in fig.data] == [
        "history",
        "backtest (LightGBM)",
        "80 % interval",
        "forecast",
    ]
    history, backtest, band, line = fig.data
    # the default window: the 3 × 14-day backtest span plus two horizons
    assert len(history.x) == 3 * H + 2 * H
    assert pd.Timestamp(history.x[-1]) == pd.Timestamp(CUT)
    # one dotted segment per origin, the chosen model's own backtest numbers
    assert backtest.line.dash == "dot" and list(backtest.y).count(None) == 2
    drawn = [v for v in backtest.y if v is not None]
    np.testing.assert_allclose(drawn, daily.backtest_forecasts_["forecast"])
    # the band goes out along the upper bound and back along the lower one
    assert band.fill == "toself" and len(band.y) == 2 * H
    upper, lower = np.array(band.y[:H]), np.array(band.y[H:])[::-1]
    assert (lower <= upper).all() and (lower < upper).any()
    assert (lower <= np.array(line.y)).all() and (np.array(line.y) <= upper).all()
    assert pd.Timestamp(line.x[0]) > pd.Timestamp(CUT)
    (origin,) = fig.layout.shapes
    assert pd.Timestamp(origin.x0) == pd.Timestamp(CUT) and origin.yref == "paper"
    shorter = forecast_figure(daily.history_, {}, out, series="units", window=20)
    assert [t.name for t in shorter.data] == ["history", "interval", "forecast"]
    assert len(shorter.data[0].x) == 20
    with pytest.raises(InputError, match=r"'nope' is not in the forecast"):
        forecast_figure(daily.history_, daily.backtest_forecasts_, out, series="nope")
    with pytest.raises(InputError, match=r"cutoff, forecast missing"):
        forecast_figure(daily.history_, daily.history_, out, series="units")


def test_backtest_figure_marks_the_chosen_models(daily, stores):
    bars = backtest_figure(daily)
    (trace,) = bars.data
    assert list(trace.x) == ["SeasonalNaive", "AutoETS", "LightGBM"]
    assert list(trace.text) == ["", "", "chosen"]  # LightGBM reads the signals
    assert list(trace.marker.pattern.shape) == ["", "", "/"]
    boxes = backtest_figure(stores)
    assert [t.type for t in boxes.data] == ["box", "box"]
    counts = [int(t.name.split("×")[1]) for t in boxes.data]
    assert sum(counts) == 8 and all(len(t.y) == 8 for t in boxes.data)
    # the planted yearly season: AutoETS beats last year's value on most stores
    assert counts[1] >= 5


def test_what_if_figure_shows_the_change_only_in_the_window(daily, future):
    mild = future.assign(temperature=22.0, promotion=0)
    start, end = (str(d.date()) for d in future["date"].iloc[[4, 8]])
    frame = daily.what_if({"promotion": 1}, signals=mild, start=start, end=end)
    fig = what_if_figure(frame)
    assert [t.name for t in fig.data] == ["base", "scenario", "change %"]
    change = pd.Series(fig.data[2].y, index=pd.to_datetime(fig.data[2].x))
    inside = change.index.to_series().between(start, end)
    assert (change[~inside].abs() < 1e-9).all() and change[inside].mean() > 10
    np.testing.assert_allclose(change, frame["change_pct"].to_numpy())
    with pytest.raises(InputError, match=r"scenario missing"):
        what_if_figure(frame.drop(columns="scenario"))


def test_sections_read_the_model_in_sentences(daily, future):
    start, end = (str(d.date()) for d in future["date"].iloc[[2, 6]])
    sections = forecast_sections(daily, signals=future, what_if=({"temperature": 6.0}, start, end))
    assert [s.title for s in sections] == [
        "Sales forecast: the model",
        "Forecast",
        "Backtest",
        "What if",
    ]
    summary, fc, bt, wi = sections
    assert summary.text[0].startswith("1 series of daily data from 2024-03-02 to 2025-04-30")
    assert "LightGBM for 1 series" in summary.text[1]
    assert f"MASE of {daily.metrics_['mase']:.2f}" in summary.text[2]
    assert "% of the actual values fell inside the models' 80 % intervals" in summary.text[3]
    assert fc.text[0].startswith("The only series") and len(fc.figures) == 1
    assert fc.figures[0].layout.title.text == "units: the next 14 days (LightGBM)"
    assert list(bt.tables[0]["chosen_for"]) == [0, 0, 1]
    assert f"temperature +6 from {start} to {end}" in wi.text[0]
    stock = wi.tables[0]
    assert (stock["stock_base"] >= stock["demand_base"]).all()
    assert "below the same point of the recent seasons" in wi.text[2]
    with pytest.raises(InputError, match=r"signals known in advance"):
        forecast_sections(daily)
    with pytest.raises(InputError, match=r"needs a fitted SalesForecaster"):
        forecast_sections(SalesForecaster())


def test_sections_draw_the_largest_series_first(stores):
    sections = forecast_sections(stores, max_series=3)
    assert [s.title for s in sections] == ["Sales forecast: the model", "Forecast", "Backtest"]
    titles = [f.layout.title.text for f in sections[1].figures]
    assert [t.split(":")[0] for t in titles] == ["store_7", "store_6", "store_5"]
    # three yearly seasons of history: longer than the 3 × 6-month backtest and two horizons
    assert len(sections[1].figures[0].data[0].x) == 36
    assert sections[1].text[0].startswith("The largest 3 of 8 series")
    assert "8 series of monthly data" in sections[0].text[0]
    picked = forecast_sections(stores, series=["store_0"])
    assert len(picked[1].figures) == 1
    with pytest.raises(InputError, match=r"Unknown series"):
        forecast_sections(stores, series=["store_9"])


@needs_chromium
def test_page_renders_every_chart_in_chromium(daily, future, tmp_path: Path):
    start, end = (str(d.date()) for d in future["date"].iloc[[2, 6]])
    sections = forecast_sections(daily, signals=future, what_if=({"promotion": 1}, start, end))
    html = render_page("Sales forecast", sections)
    n_figures = sum(len(s.figures) for s in sections)
    assert n_figures == 3 and html.count('class="plotly-graph-div"') == n_figures
    page = tmp_path / "forecast.html"
    page.write_text(html, encoding="utf-8")
    shown = render(page, tmp_path, "--dump-dom")
    assert shown.errors == []
    assert shown.dom.count('class="main-svg"') >= n_figures
    assert "80 % interval" in shown.dom and "backtest (LightGBM)" in shown.dom
