"""Plotly figures for propensity models (lead scoring now; churn reuses them).

Every function returns a ``plotly.graph_objects.Figure`` and never writes or shows it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sklearn.calibration import calibration_curve

__all__ = [
    "LAYOUT",
    "calibration_figure",
    "candidates_figure",
    "gains_figure",
    "importance_figure",
    "learning_curve_figure",
]

#: The layout every revlearn chart shares (white template, fixed height, margins).
LAYOUT: dict[str, Any] = {
    "template": "plotly_white",
    "height": 380,
    "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
}


def importance_figure(table: pd.DataFrame, *, top: int = 12) -> go.Figure:
    """Bar chart of global importance by original column.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``feature``, ``share`` and ``direction`` (from ``explain().to_frame()``).
    top : int, default=12
        How many columns to show.

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars, largest on top, direction in the hover text.
    """
    rows = table.head(top).iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=rows["share"],
            y=rows["feature"],
            orientation="h",
            hovertext=rows["direction"],
            marker_color="#2a6f97",
        )
    )
    fig.update_layout(
        title="What drives the score (share of total effect)", xaxis_tickformat=".0%", **LAYOUT
    )
    return fig


def candidates_figure(candidates: list[dict[str, Any]], metric: str = "ROC AUC") -> go.Figure:
    """Cross-validated score of every model tried, with its spread.

    Parameters
    ----------
    candidates : list of dict
        ``label``, ``variant``, ``valid_mean``, ``valid_std`` per configuration.
    metric : str, default="ROC AUC"
        Axis label.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars with error bars.
    """
    labels = [
        c["label"] + ("" if c["variant"] == "defaults" else f"<br>{c['variant']}")
        for c in candidates
    ]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=[c["valid_mean"] for c in candidates],
            error_y={"type": "data", "array": [c["valid_std"] for c in candidates]},
            marker_color="#61a5c2",
        )
    )
    low = min(c["valid_mean"] - c["valid_std"] for c in candidates)
    fig.update_layout(
        title=f"Models tried: cross-validated {metric}",
        yaxis_range=[max(0.0, low - 0.05), 1.0],
        **LAYOUT,
    )
    return fig


def learning_curve_figure(curve: dict[str, Any]) -> go.Figure:
    """Training and validation score as training rows grow.

    Parameters
    ----------
    curve : dict
        ``n_rows``, ``train_score``, ``valid_score``, ``metric``, ``verdict``.

    Returns
    -------
    plotly.graph_objects.Figure
        Two lines on a log-scaled row axis.
    """
    fig = go.Figure()
    fig.add_scatter(
        x=curve["n_rows"], y=curve["train_score"], name="training rows", mode="lines+markers"
    )
    fig.add_scatter(
        x=curve["n_rows"], y=curve["valid_score"], name="held-out rows", mode="lines+markers"
    )
    fig.update_layout(
        title="Learning curve: would more data help?",
        xaxis_type="log",
        xaxis_title="training rows",
        yaxis_title=curve["metric"],
        **LAYOUT,
    )
    return fig


def gains_figure(gains: pd.DataFrame, *, outcome: str = "positives") -> go.Figure:
    """Cumulative gains: share of all positives found when contacting the top x %.

    Parameters
    ----------
    gains : pandas.DataFrame
        From :func:`revlearn.evaluate.curves.gains_table`.
    outcome : str, default="positives"
        What a positive is called on the axis ("conversions", "churners").

    Returns
    -------
    plotly.graph_objects.Figure
        Model curve against the random-contact diagonal; lift per decile in the hover.
    """
    x = np.concatenate([[0.0], gains["cum_share_contacted"].to_numpy()])
    y = np.concatenate([[0.0], gains["cum_gain"].to_numpy()])
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=y,
        name="by score",
        mode="lines+markers",
        hovertext=["start"]
        + [f"decile {b}: lift ×{v:.1f}" for b, v in zip(gains["bin"], gains["lift"], strict=True)],
    )
    fig.add_scatter(
        x=[0, 1], y=[0, 1], name="random", mode="lines", line={"dash": "dash", "color": "grey"}
    )
    fig.update_layout(
        title="Cumulative gains on held-out rows",
        xaxis_title="share contacted",
        yaxis_title=f"share of {outcome} found",
        xaxis_tickformat=".0%",
        yaxis_tickformat=".0%",
        **LAYOUT,
    )
    return fig


def calibration_figure(y_true: np.ndarray, proba: np.ndarray, *, n_bins: int = 10) -> go.Figure:
    """Reliability curve: predicted probability against the observed rate.

    Parameters
    ----------
    y_true : numpy.ndarray of {0, 1}
        Outcomes.
    proba : numpy.ndarray of float
        Predicted probabilities.
    n_bins : int, default=10
        Quantile bins.

    Returns
    -------
    plotly.graph_objects.Figure
        The curve and the diagonal of perfect calibration.
    """
    observed, predicted = calibration_curve(y_true, proba, n_bins=n_bins, strategy="quantile")
    top = float(max(predicted.max(), observed.max()))
    fig = go.Figure()
    fig.add_scatter(x=predicted, y=observed, name="model", mode="lines+markers")
    fig.add_scatter(
        x=[0, top], y=[0, top], name="perfect", mode="lines", line={"dash": "dash", "color": "grey"}
    )
    fig.update_layout(
        title="Calibration on held-out rows: is a 30 % score a 30 % chance?",
        xaxis_title="predicted probability",
        yaxis_title="observed rate",
        **LAYOUT,
    )
    return fig
