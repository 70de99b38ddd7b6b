"""Report sections for a fitted :class:`~revlearn.usecases.pipeline.PipelineForecaster`.

Charts: expected bookings per month with the 80 % and 95 % simulation intervals beside the
naive stage-weighted line; the backtest (forecast, interval and stage-weighted against what
was actually booked); what drives the win probability. Tables: bookings by month and owner,
and how late won deals close against the rep's entered date.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from revlearn.errors import InputError
from revlearn.report.figures import LAYOUT, importance_figure
from revlearn.report.html import Section
from revlearn.usecases.pipeline import PipelineBacktest, PipelineForecaster

__all__ = ["backtest_figure", "bookings_figure", "pipeline_sections"]

_BAND = {80: "rgba(42,111,151,0.30)", 95: "rgba(42,111,151,0.15)"}


def _band(fig: go.Figure, table: pd.DataFrame, level: int) -> None:
    months = table["month"].tolist()
    fig.add_scatter(
        x=months + months[::-1],
        y=table[f"forecast_hi_{level}"].tolist() + table[f"forecast_lo_{level}"].tolist()[::-1],
        fill="toself",
        fillcolor=_BAND[level],
        line={"width": 0},
        mode="lines",
        name=f"{level} % interval",
        hoverinfo="skip",
    )


def bookings_figure(forecast: pd.DataFrame, stage_weighted: pd.DataFrame) -> go.Figure:
    """Expected bookings per month with intervals, beside the stage-weighted forecast.

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``PipelineForecaster.forecast(..., by=("month",))`` output.
    stage_weighted : pandas.DataFrame
        ``PipelineForecaster.stage_weighted(...)`` output for the same deals.

    Returns
    -------
    plotly.graph_objects.Figure
        Interval bands, the simulated mean and the stage-weighted line per month.
    """
    fig = go.Figure()
    for level in (95, 80):
        _band(fig, forecast, level)
    fig.add_scatter(
        x=forecast["month"], y=forecast["forecast"], name="model forecast", mode="lines+markers"
    )
    fig.add_scatter(
        x=stage_weighted["month"],
        y=stage_weighted["stage_weighted"],
        name="stage-weighted",
        mode="lines+markers",
        line={"dash": "dash", "color": "#6c757d"},
    )
    fig.update_layout(
        title="Expected bookings by close month",
        xaxis_title="month",
        xaxis_type="category",
        yaxis_title="bookings",
        legend={"orientation": "h", "y": -0.2},
        **LAYOUT,
    )
    return fig


def backtest_figure(backtest: PipelineBacktest) -> go.Figure:
    """Backtest chart: actual bookings against the model and the stage-weighted forecast.

    Parameters
    ----------
    backtest : PipelineBacktest
        From ``PipelineForecaster.evaluate``.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars of the actual bookings, the model's forecast with its 80 % interval and the
        stage-weighted line.
    """
    table = backtest.table
    fig = go.Figure()
    _band(fig, table, 80)
    fig.add_bar(x=table["month"], y=table["actual"], name="actual", marker_color="#adb5bd")
    fig.add_scatter(x=table["month"], y=table["forecast"], name="model", mode="lines+markers")
    fig.add_scatter(
        x=table["month"],
        y=table["stage_weighted"],
        name="stage-weighted",
        mode="lines+markers",
        line={"dash": "dash", "color": "#6c757d"},
    )
    fig.update_layout(
        title=f"Backtest from {backtest.as_of}: forecast against what was booked",
        xaxis_title="month",
        xaxis_type="category",
        yaxis_title="bookings",
        legend={"orientation": "h", "y": -0.2},
        **LAYOUT,
    )
    return fig


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _whole(table: pd.DataFrame) -> pd.DataFrame:
    """Round the money columns to whole units for display."""
    numbers = table.select_dtypes("number").columns
    return table.assign(**{c: table[c].round(0).astype("int64") for c in numbers})


def pipeline_sections(
    model: PipelineForecaster,
    open_deals: Any,
    *,
    backtest: PipelineBacktest | None = None,
    n_sims: int = 2000,
) -> list[Section]:
    """Build the report sections of a fitted pipeline forecaster.

    Parameters
    ----------
    model : PipelineForecaster
        A fitted model.
    open_deals : pandas.DataFrame
        The open deals to forecast.
    backtest : PipelineBacktest, optional
        A backtest from ``model.evaluate``; adds a backtest section.
    n_sims : int, default=2000
        Simulated futures for the intervals.

    Returns
    -------
    list of Section
        The win model and timing; the bookings forecast (chart and monthly and by-owner
        tables); the backtest when given.

    Raises
    ------
    InputError
        If ``model`` is not a fitted PipelineForecaster.
    """
    if not isinstance(model, PipelineForecaster) or not model.is_fitted():
        raise InputError(
            "pipeline_sections needs a fitted PipelineForecaster.",
            where="pipeline_sections",
            fix="Fit it first: PipelineForecaster(...).fit(deals).",
        )
    summary = model.summary()
    forecast = model.forecast(open_deals, n_sims=n_sims)
    naive = model.stage_weighted(open_deals)
    owners = model.forecast(open_deals, by=("owner",), n_sims=n_sims)
    scored = model.predict(open_deals)
    timing = model.timing()
    lag = summary["close_lag_days"]
    auc = summary["classifier"]["metrics"].get("roc_auc")
    rates = ", ".join(f"{s} {r:.0%}" for s, r in summary["stage_win_rates"].items())
    sections = [
        Section(
            "Pipeline: the win model",
            text=[
                f"Learned from {summary['closed_deals']:,} closed deals "
                f"({summary['won_deals']:,} won, {summary['win_rate']:.0%}) up to "
                f"{summary['as_of'][:10]}. Historical win rate by stage: {rates}.",
                f"The win probability comes from {summary['classifier']['model']}"
                + (f" (cross-validated AUC {auc:.2f})." if auc is not None else ".")
                + f" Won deals closed a median {lag.get('all', 0):.0f} days after the date "
                "the rep entered; the forecast moves each deal's close by its stage's lag.",
            ],
            figures=[importance_figure(model.explain().to_frame())],
            tables=[timing.round(1)],
        ),
        Section(
            "Pipeline: expected bookings",
            text=[
                f"{len(scored):,} open deals worth {_money(scored['amount'].sum())} in total; "
                f"expected bookings over the next {model.horizon_months} months "
                f"{_money(forecast['forecast'].sum())}, against "
                f"{_money(naive['stage_weighted'].sum())} by the stage-weighted method.",
                "Intervals come from simulating each deal's win and close month "
                f"{n_sims:,} times; a month's 80 % interval holds its bookings in 8 of 10 "
                "simulated futures.",
            ],
            figures=[bookings_figure(forecast, naive)],
            tables=[
                _whole(forecast.drop(columns="expected").merge(naive, on="month")),
                _whole(owners.drop(columns="expected")),
            ],
        ),
    ]
    if backtest is not None:
        m = backtest.metrics
        sections.append(
            Section(
                "Pipeline: backtest",
                text=[
                    f"Pretending it was {backtest.as_of}: mean monthly error "
                    f"{_money(m['mae_model'])} for the model against "
                    f"{_money(m['mae_stage_weighted'])} for the stage-weighted forecast; "
                    f"total error {_money(m['total_error_model'])} against "
                    f"{_money(m['total_error_stage_weighted'])}. The 80 % interval held "
                    f"{m['coverage_80']:.0%} of the months, the 95 % one {m['coverage_95']:.0%}.",
                ],
                figures=[backtest_figure(backtest)],
                tables=[_whole(backtest.to_frame())],
            )
        )
    return sections
