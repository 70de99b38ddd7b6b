"""Report sections for a fitted :class:`~revlearn.usecases.clv.CLVModel`.

Four charts, each read in sentences: the holdout check by past purchase frequency (the
classic Fader–Hardie plot), the concentration of value (what share of the forecast value the
top customers hold), the probability of being active against the time since the last
purchase, and the distribution of lifetime values; plus the fitted parameters in words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from revlearn.errors import InputError
from revlearn.report.figures import LAYOUT
from revlearn.report.html import Section
from revlearn.usecases.clv import CLVModel, HoldoutResult

__all__ = [
    "alive_figure",
    "clv_sections",
    "frequency_buckets_figure",
    "value_concentration_figure",
]

#: Customers drawn in the P(alive) scatter.
_SCATTER_ROWS = 3000
_NAMES = {"bgnbd": "BG/NBD", "gbm": "gradient boosting"}


def frequency_buckets_figure(holdout: HoldoutResult) -> go.Figure:
    """Mean holdout purchases, actual and forecast, by purchases before the cut-off.

    Parameters
    ----------
    holdout : HoldoutResult
        From ``CLVModel.holdout_`` or ``CLVModel.evaluate``.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars for the actual mean, lines for each model's forecast.
    """
    rows = pd.DataFrame(holdout.buckets)
    fig = go.Figure()
    fig.add_bar(x=rows["frequency"], y=rows["actual"], name="actual", marker_color="#adb5bd")
    for model in holdout.metrics:
        fig.add_scatter(
            x=rows["frequency"], y=rows[model], name=_NAMES.get(model, model), mode="lines+markers"
        )
    fig.update_layout(
        title=f"Purchases in the {holdout.horizon_days} days after {holdout.cutoff}",
        xaxis_title="repeat purchases before the cut-off",
        yaxis_title="mean purchases per customer",
        **LAYOUT,
    )
    return fig


def value_concentration_figure(scored: pd.DataFrame) -> go.Figure:
    """Share of the forecast value held by the top x % of customers.

    Parameters
    ----------
    scored : pandas.DataFrame
        ``CLVModel.predict()`` output with a ``clv`` column.

    Returns
    -------
    plotly.graph_objects.Figure
        The cumulative value curve with the diagonal of an even spread.
    """
    value = np.sort(scored["clv"].to_numpy(dtype=float))[::-1]
    share = np.concatenate([[0.0], np.cumsum(value) / value.sum()])
    customers = np.linspace(0.0, 1.0, len(share))
    fig = go.Figure()
    fig.add_scatter(x=customers, y=share, name="forecast value", mode="lines")
    fig.add_scatter(
        x=[0, 1], y=[0, 1], name="even spread", mode="lines", line={"dash": "dot", "color": "#999"}
    )
    fig.update_layout(
        title="How concentrated is customer value?",
        xaxis_title="top customers by lifetime value",
        yaxis_title="share of total lifetime value",
        xaxis_tickformat=".0%",
        yaxis_tickformat=".0%",
        **LAYOUT,
    )
    return fig


def alive_figure(scored: pd.DataFrame, *, random_state: int = 0) -> go.Figure:
    """Probability of being active against weeks since the last purchase.

    Parameters
    ----------
    scored : pandas.DataFrame
        ``CLVModel.predict()`` output.
    random_state : int, default=0
        Seed of the sample drawn when there are more than 3,000 customers.

    Returns
    -------
    plotly.graph_objects.Figure
        One dot per customer, coloured by past repeat purchases.
    """
    rows = scored
    if len(rows) > _SCATTER_ROWS:
        rows = rows.sample(_SCATTER_ROWS, random_state=random_state)
    fig = go.Figure(
        go.Scattergl(
            x=rows["T_weeks"] - rows["recency_weeks"],
            y=rows["prob_alive"],
            mode="markers",
            marker={
                "color": np.minimum(rows["frequency"], 10),
                "colorscale": "Viridis",
                "colorbar": {"title": "repeat<br>purchases"},
                "size": 5,
                "opacity": 0.6,
            },
            text=rows.iloc[:, 0].astype(str),
            hovertemplate="%{text}: P(active) %{y:.2f}, %{x:.0f} weeks since last purchase",
        )
    )
    fig.update_layout(
        title="Who is still active?",
        xaxis_title="weeks since the last purchase",
        yaxis_title="probability still active",
        **LAYOUT,
    )
    return fig


def clv_sections(model: CLVModel) -> list[Section]:
    """Build the report sections of a fitted CLV model.

    Parameters
    ----------
    model : CLVModel
        A fitted model.

    Returns
    -------
    list of Section
        Summary and parameters; holdout check (when the model was fitted with a cut-off
        before the last transaction); value and activity.

    Raises
    ------
    InputError
        If ``model`` is not a fitted CLVModel.
    """
    if not isinstance(model, CLVModel) or not model.is_fitted():
        raise InputError(
            "clv_sections needs a fitted CLVModel.",
            where="clv_sections",
            fix="Fit it first: CLVModel(...).fit(transactions).",
        )
    scored = model.predict()
    p = model.params_
    sections = [
        Section(
            "Lifetime value: the model",
            text=[
                f"{len(scored):,} customers summarised up to {model.cutoff_}. While active, "
                f"the average customer buys {p.r / p.alpha:.3f} times a week "
                f"({52 * p.r / p.alpha:.1f} times a year) and leaves after a repeat "
                f"purchase with probability {p.a / (p.a + p.b):.0%}.",
                f"Forecasts use {_NAMES[model.chosen_]}"
                + (
                    f" (out-of-fold error on the last {model.inner_validation_['window_days']} "
                    f"days before the cut-off: BG/NBD {model.inner_validation_['bgnbd_mae']:.3f}, "
                    f"gradient boosting {model.inner_validation_['gbm_mae']:.3f} purchases "
                    "per customer)."
                    if model.inner_validation_
                    else "."
                ),
                *model.notes_,
            ],
            tables=[model.explain().round(4)],
        )
    ]
    if model.holdout_ is not None:
        h = model.holdout_
        table = pd.DataFrame(
            [{"model": _NAMES.get(k, k), **v} for k, v in h.metrics.items()]
        ).round(3)
        chosen = h.metrics[h.chosen]
        sections.append(
            Section(
                "Holdout check: forecast against what customers did",
                text=[
                    f"Fitted on the transactions up to {h.cutoff} and compared with the "
                    f"{h.horizon_days} days after it: customers made {h.actual_purchases:,.0f} "
                    f"purchases; the {_NAMES[h.chosen]} forecast was {chosen['total']:,.0f} "
                    f"({chosen['total_error_pct']:+.1f} %), off by {chosen['mae']:.2f} "
                    "purchases per customer on average.",
                    "The bars are what customers with each number of past purchases did next; "
                    "a good model's line runs through the tops of the bars.",
                ],
                figures=[frequency_buckets_figure(h)],
                tables=[table],
            )
        )
    if scored["clv"].notna().all() and scored["clv"].sum() > 0:
        value = np.sort(scored["clv"].to_numpy())[::-1]
        top = value[: max(1, len(value) // 5)].sum() / value.sum()
        best = scored.nlargest(10, "clv").round(3)
        sections.append(
            Section(
                "Who is worth most",
                text=[
                    f"Over the next {model.horizon_days_} days the customers are worth "
                    f"{value.sum():,.0f} in margin (discounted at {model.discount_rate:.0%} a "
                    f"year); the top 20 % hold {top:.0%} of it.",
                    "Customers far right with a high probability are regulars who have not "
                    "bought for a while yet are still expected back; low dots are likely gone. "
                    "Customers who never bought a second time sit at 1: BG/NBD lets a customer "
                    "leave only right after a repeat purchase, so it cannot tell whether they "
                    "are gone.",
                ],
                figures=[value_concentration_figure(scored), alive_figure(scored)],
                tables=[best],
            )
        )
    return sections
