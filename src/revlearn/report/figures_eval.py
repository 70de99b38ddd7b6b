"""Plotly figures for evaluation: profit curve, ROC, precision–recall, confusion, lift.

Every function returns a ``plotly.graph_objects.Figure`` and never writes or shows it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from revlearn.evaluate.roi import ProfitCurve
from revlearn.report.figures import LAYOUT

__all__ = ["confusion_figure", "lift_figure", "pr_figure", "profit_figure", "roc_figure"]

_GREY_DASH = {"dash": "dash", "color": "grey"}


def profit_figure(curve: ProfitCurve) -> go.Figure:
    """Profit against the number of rows contacted, with the best number marked.

    Parameters
    ----------
    curve : ProfitCurve
        From :func:`revlearn.evaluate.roi.profit_curve`.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0: the profit line (``top_n`` → ``profit``); trace 1: the best point, with
        the bootstrap range as an error bar when there is one; a dashed vertical line at
        the capacity, if any, and a zero line.
    """
    table = curve.table
    fig = go.Figure()
    fig.add_scatter(
        x=table["top_n"],
        y=table["profit"],
        name="profit",
        mode="lines",
        customdata=np.c_[table["share"], table["threshold"]],
        hovertemplate="top %{x:,}<br>profit %{y:,.0f}<br>share %{customdata[0]:.1%}"
        "<br>score ≥ %{customdata[1]:.2f}<extra></extra>",
    )
    error = None
    if math.isfinite(curve.profit_low):
        error = {
            "type": "data",
            "symmetric": False,
            "array": [curve.profit_high - curve.best_profit],
            "arrayminus": [curve.best_profit - curve.profit_low],
        }
    fig.add_scatter(
        x=[curve.best_n],
        y=[curve.best_profit],
        name=f"best: top {curve.best_n:,}",
        mode="markers",
        marker={"size": 11, "color": "#c1121f"},
        error_y=error,
    )
    fig.add_hline(y=0, line={"color": "grey", "width": 1})
    if curve.capacity is not None:
        fig.add_vline(
            x=curve.capacity, line=_GREY_DASH, annotation_text=f"capacity {curve.capacity:,}"
        )
    kind = "Realised" if curve.realised else "Expected"
    fig.update_layout(
        title=f"{kind} profit by number of contacts",
        xaxis_title="contacts (highest expected value first)",
        yaxis_title="profit",
        **LAYOUT,
    )
    return fig


def roc_figure(points: pd.DataFrame, *, auc: float | None = None) -> go.Figure:
    """ROC curve: share of positives found against share of negatives flagged.

    Parameters
    ----------
    points : pandas.DataFrame
        Columns ``fpr``, ``tpr`` and ``threshold`` (from
        :func:`revlearn.evaluate.curves.roc_points`).
    auc : float, optional
        Area under the curve, quoted in the title.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0: the curve; trace 1: the random-guess diagonal.
    """
    fig = go.Figure()
    fig.add_scatter(
        x=points["fpr"],
        y=points["tpr"],
        name="model",
        mode="lines",
        customdata=points["threshold"],
        hovertemplate="false alarms %{x:.1%}<br>found %{y:.1%}<br>score ≥ %{customdata:.3f}"
        "<extra></extra>",
    )
    fig.add_scatter(x=[0, 1], y=[0, 1], name="random", mode="lines", line=_GREY_DASH)
    title = "ROC curve on held-out rows" + (f" (AUC {auc:.3f})" if auc is not None else "")
    fig.update_layout(
        title=title,
        xaxis_title="false positive rate",
        yaxis_title="true positive rate",
        **LAYOUT,
    )
    return fig


def pr_figure(points: pd.DataFrame, base_rate: float) -> go.Figure:
    """Precision–recall curve against the base rate (what random contacting achieves).

    Parameters
    ----------
    points : pandas.DataFrame
        Columns ``recall``, ``precision`` and ``threshold`` (from
        :func:`revlearn.evaluate.curves.pr_points`).
    base_rate : float
        Share of positives among all rows.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0: the curve; trace 1: the horizontal base-rate line.
    """
    fig = go.Figure()
    fig.add_scatter(
        x=points["recall"],
        y=points["precision"],
        name="model",
        mode="lines",
        customdata=points["threshold"],
        hovertemplate="found %{x:.1%}<br>precision %{y:.1%}<br>score ≥ %{customdata:.3f}"
        "<extra></extra>",
    )
    fig.add_scatter(
        x=[0, 1],
        y=[base_rate, base_rate],
        name=f"random ({base_rate:.1%})",
        mode="lines",
        line=_GREY_DASH,
    )
    fig.update_layout(
        title="Precision–recall on held-out rows",
        xaxis_title="recall (share of positives found)",
        yaxis_title="precision",
        xaxis_tickformat=".0%",
        yaxis_tickformat=".0%",
        yaxis_range=[0, 1.02],
        **LAYOUT,
    )
    return fig


def confusion_figure(confusion: Mapping[str, int]) -> go.Figure:
    """Confusion matrix as an annotated heatmap of counts.

    Parameters
    ----------
    confusion : mapping
        Counts under ``tp``, ``fp``, ``tn`` and ``fn`` (as in ``BinaryMetrics.confusion``).

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap; rows are the actual outcome (no, yes), columns the prediction
        (no, yes), so ``z`` is ``[[tn, fp], [fn, tp]]``; each cell shows its count.
    """
    z = [[confusion["tn"], confusion["fp"]], [confusion["fn"], confusion["tp"]]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=["predicted no", "predicted yes"],
            y=["actual no", "actual yes"],
            text=[[f"{v:,}" for v in row] for row in z],
            texttemplate="%{text}",
            colorscale="Blues",
            showscale=False,
        )
    )
    fig.update_layout(title="Confusion matrix at the chosen threshold", **LAYOUT)
    fig.update_yaxes(autorange="reversed")
    return fig


def lift_figure(gains: pd.DataFrame) -> go.Figure:
    """Lift per score decile: how many times the average rate each decile reaches.

    Parameters
    ----------
    gains : pandas.DataFrame
        From :func:`revlearn.evaluate.curves.gains_table` (``bin``, ``lift``, ``rate``).

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0: one bar per bin (1 = highest scores); a dashed line at lift 1 (random).
    """
    fig = go.Figure(
        go.Bar(
            x=gains["bin"],
            y=gains["lift"],
            customdata=gains["rate"],
            hovertemplate="decile %{x}<br>lift ×%{y:.2f}<br>rate %{customdata:.1%}<extra></extra>",
            marker_color="#2a6f97",
        )
    )
    fig.add_hline(y=1, line=_GREY_DASH)
    fig.update_layout(
        title="Lift by score decile (1 = highest scores)",
        xaxis_title="decile",
        yaxis_title="lift (× average rate)",
        xaxis_dtick=1,
        **LAYOUT,
    )
    return fig
