"""Plotly figures that explain a model: partial dependence, surrogate tree, SHAP summary.

Every function returns a ``plotly.graph_objects.Figure`` and never writes or shows it. The
SHAP-style summary and waterfall are drawn here rather than with ``shap.plots`` because
those draw with Matplotlib, and the reports and dashboard are Plotly throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from revlearn.errors import InputError
from revlearn.explain.pdp import PartialDependence, _format_share, _nice_name
from revlearn.explain.reasons import display_values
from revlearn.explain.surrogate import Surrogate
from revlearn.report.figures import LAYOUT

__all__ = ["beeswarm_figure", "pdp_figure", "surrogate_figure", "waterfall_figure"]

_MAIN = "#2a6f97"
_LOW, _HIGH = "#3b6fd8", "#d7301f"
#: Feature-value colours, low to high (as in SHAP's summary plot).
_VALUE_SCALE = [[0.0, _LOW], [0.5, "#a05cb0"], [1.0, _HIGH]]
#: Box colours of the tree, lowest to highest probability (light, so the text stays legible).
_BOX_SCALE = [[0.0, "#d4e4f7"], [0.5, "#f2f2f2"], [1.0, "#f6c6c0"]]


def pdp_figure(pd_result: PartialDependence) -> go.Figure:
    """Partial dependence of one column: the average curve over the individual ones.

    Parameters
    ----------
    pd_result : PartialDependence
        From :func:`revlearn.explain.pdp.partial_dependence`.

    Returns
    -------
    plotly.graph_objects.Figure
        Numeric columns: thin transparent ICE lines (one trace, curves separated by gaps)
        under the bold average line (the last trace). Categorical columns: one bar per
        level with the average probability. The effect in words is the subtitle.
    """
    fig = go.Figure()
    name = _nice_name(pd_result.column)
    if pd_result.kind == "numeric":
        x = [float(v) for v in pd_result.grid]
        if pd_result.ice:
            ice_x = [*x, None] * len(pd_result.ice)
            ice_y = [v for curve in pd_result.ice for v in [*curve, None]]
            fig.add_scatter(
                x=ice_x,
                y=ice_y,
                mode="lines",
                name=f"single rows ({len(pd_result.ice)})",
                line={"width": 1, "color": "rgba(120, 130, 140, 0.25)"},
                hoverinfo="skip",
            )
        fig.add_scatter(
            x=x,
            y=pd_result.average,
            mode="lines+markers",
            name="average",
            line={"width": 4, "color": _MAIN},
        )
    else:
        fig.add_bar(
            x=pd_result.labels,
            y=pd_result.average,
            text=[_format_share(v) for v in pd_result.average],
            marker_color=_MAIN,
            name="average",
        )
    fig.update_layout(
        title=f"How {name} moves the prediction<br><sup>{pd_result.effect}</sup>",
        xaxis_title=name,
        yaxis_title="predicted probability",
        yaxis_tickformat=".0%",
        **LAYOUT,
    )
    return fig


def surrogate_figure(surrogate: Surrogate) -> go.Figure:
    """The surrogate tree as a diagram: boxes for nodes, labelled links for the splits.

    Parameters
    ----------
    surrogate : Surrogate
        From :func:`revlearn.explain.surrogate.surrogate_tree`.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 holds the links (line segments separated by gaps), trace 1 one marker per
        node (root first, ``customdata`` = probability and rows); the boxes and the branch
        conditions are annotations. Boxes are coloured from blue (lowest probability) to
        red (highest). The fidelity in words is the subtitle.
    """
    nodes = surrogate.nodes
    x, y = _tree_layout(nodes)
    link_x: list[float | None] = []
    link_y: list[float | None] = []
    annotations: list[dict[str, Any]] = []
    for node in nodes:
        for side in ("left", "right"):
            child = node[side]
            if child < 0:
                continue
            link_x += [x[node["id"]], x[child], None]
            link_y += [y[node["id"]], y[child], None]
            annotations.append(
                _text_at(
                    (x[node["id"]] + x[child]) / 2,
                    (y[node["id"]] + y[child]) / 2,
                    node[f"{side}_label"],
                )
            )
    values = np.array([n["value"] for n in nodes], dtype=float)
    span = float(np.nanmax(values) - np.nanmin(values)) or 1.0
    colours = sample_colorscale(_BOX_SCALE, list((values - np.nanmin(values)) / span))
    texts = [_box_text(n) for n in nodes]
    for node, colour, text in zip(nodes, colours, texts, strict=True):
        annotations.append(_box(x[node["id"]], y[node["id"]], text, colour))
    fig = go.Figure()
    fig.add_scatter(
        x=link_x,
        y=link_y,
        mode="lines",
        line={"color": "#9aa5b1", "width": 2},
        hoverinfo="skip",
        showlegend=False,
    )
    fig.add_scatter(
        x=x,
        y=y,
        mode="markers",
        marker={"size": 1, "color": colours},
        showlegend=False,
        customdata=[[n["value"], n["samples"]] for n in nodes],
        hovertext=[t.replace("<b>", "").replace("</b>", "") for t in texts],
        hoverinfo="text",
    )
    layout = {**LAYOUT, "height": max(380, 110 * (surrogate.depth + 1) + 80)}
    fig.update_layout(
        title=f"What the model does, as rules<br><sup>{surrogate.summary}</sup>",
        annotations=annotations,
        xaxis={"visible": False, "range": [min(x) - 0.6, max(x) + 0.6]},
        yaxis={"visible": False, "range": [min(y) - 0.5, 0.5]},
        **layout,
    )
    return fig


def _tree_layout(nodes: Sequence[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """Leaves evenly spaced left to right, parents centred over their children."""
    x = [0.0] * len(nodes)
    y = [-float(n["depth"]) for n in nodes]
    next_leaf = 0.0
    stack: list[tuple[int, bool]] = [(0, False)] if nodes else []
    while stack:
        i, done = stack.pop()
        left, right = nodes[i]["left"], nodes[i]["right"]
        if left < 0:
            x[i], next_leaf = next_leaf, next_leaf + 1.0
        elif done:
            x[i] = (x[left] + x[right]) / 2
        else:
            stack += [(i, True), (right, False), (left, False)]
    return x, y


def _box_text(node: dict[str, Any]) -> str:
    head = f"<b>{node['label']}</b><br>" if node["left"] >= 0 else ""
    return f"{head}<b>{_format_share(node['value'])}</b> · {node['samples']:,} rows"


def _box(x: float, y: float, text: str, colour: str) -> dict[str, Any]:
    return {
        "x": x,
        "y": y,
        "text": text,
        "showarrow": False,
        "bgcolor": colour,
        "bordercolor": "#5b6770",
        "borderwidth": 1,
        "borderpad": 5,
        "font": {"size": 11},
    }


def _text_at(x: float, y: float, text: str) -> dict[str, Any]:
    return {
        "x": x,
        "y": y,
        "text": text,
        "showarrow": False,
        "bgcolor": "white",
        "font": {"size": 10, "color": "#44505a"},
    }


def beeswarm_figure(
    contrib: np.ndarray,
    typed: pd.DataFrame,
    columns: Sequence[str],
    *,
    top: int = 10,
    max_points: int = 2000,
    random_state: int = 0,
) -> go.Figure:
    """SHAP-style summary: every row's contribution per column, coloured by its value.

    Parameters
    ----------
    contrib : numpy.ndarray
        Log-odds contributions, shape (rows, len(columns)) (``m.model_.contributions``).
    typed : pandas.DataFrame
        The typed rows the contributions belong to (same order).
    columns : sequence of str
        Original column names in contribution order.
    top : int, default=10
        Columns shown, by mean absolute contribution.
    max_points : int, default=2000
        Rows sampled per column.
    random_state : int, default=0
        Seed for the row sample and the vertical jitter.

    Returns
    -------
    plotly.graph_objects.Figure
        One row per column, the most important on top (``yaxis.ticktext`` lists them
        bottom-up); x = contribution in log-odds. Trace 0: numeric values coloured by
        their rank within the column (low blue → high red); trace 1: categories and
        missing values in grey.

    Raises
    ------
    InputError
        If the shapes of ``contrib``, ``typed`` and ``columns`` disagree.
    """
    contrib = np.asarray(contrib, dtype=float)
    if contrib.ndim != 2 or contrib.shape != (len(typed), len(columns)):
        raise InputError(
            f"contrib has shape {contrib.shape}, expected ({len(typed)}, {len(columns)}).",
            where="beeswarm_figure",
            fix="Pass contributions for the rows of typed, one column per name in columns.",
        )
    order = np.argsort(-np.abs(contrib).mean(axis=0), kind="stable")[:top]
    rng = np.random.default_rng(random_state)
    rows = np.sort(rng.choice(len(typed), size=min(len(typed), max_points), replace=False))
    shown = [columns[j] for j in order]
    values = display_values(typed.iloc[rows], shown)
    coloured: dict[str, list[Any]] = {"x": [], "y": [], "c": [], "t": []}
    grey: dict[str, list[Any]] = {"x": [], "y": [], "t": []}
    for k, j in enumerate(order):
        level = len(order) - 1 - k
        rank = _value_rank(typed[columns[j]]).to_numpy()[rows]
        jitter = level + rng.uniform(-0.35, 0.35, len(rows))
        xs = contrib[rows, j]
        text = [
            f"{columns[j]} = {v}<br>{c:+.2f} log-odds"
            for v, c in zip(values[:, k], xs, strict=True)
        ]
        known = np.isfinite(rank)
        coloured["x"] += xs[known].tolist()
        coloured["y"] += jitter[known].tolist()
        coloured["c"] += rank[known].tolist()
        coloured["t"] += [t for t, ok in zip(text, known, strict=True) if ok]
        grey["x"] += xs[~known].tolist()
        grey["y"] += jitter[~known].tolist()
        grey["t"] += [t for t, ok in zip(text, known, strict=True) if not ok]
    fig = go.Figure()
    fig.add_scatter(
        x=coloured["x"],
        y=coloured["y"],
        mode="markers",
        name="value (low → high)",
        hovertext=coloured["t"],
        hoverinfo="text",
        marker={
            "size": 4,
            "opacity": 0.7,
            "color": coloured["c"],
            "colorscale": _VALUE_SCALE,
            "cmin": 0,
            "cmax": 1,
            "colorbar": {"title": "value", "tickvals": [0, 1], "ticktext": ["low", "high"]},
        },
    )
    fig.add_scatter(
        x=grey["x"],
        y=grey["y"],
        mode="markers",
        name="category or missing",
        hovertext=grey["t"],
        hoverinfo="text",
        marker={"size": 4, "opacity": 0.6, "color": "#9a9a9a"},
    )
    fig.add_vline(x=0, line_color="#5b6770", line_width=1)
    fig.update_layout(
        title="How each column pushes each prediction (log-odds)",
        xaxis_title="contribution to the log-odds (right raises the probability)",
        yaxis={"tickvals": list(range(len(order))), "ticktext": shown[::-1]},
        legend={"orientation": "h", "y": -0.2},
        **{**LAYOUT, "height": max(380, 34 * len(order) + 140)},
    )
    return fig


def _value_rank(series: pd.Series) -> pd.Series:
    """A numeric value's rank within its column scaled to [0, 1]; NaN for categories/missing."""
    if not pd.api.types.is_numeric_dtype(series):
        return pd.Series(np.nan, index=series.index)
    rank = series.astype(float).rank(method="average")
    low, high = rank.min(), rank.max()
    return (rank - low) / (high - low) if high > low else rank * 0 + 0.5


def waterfall_figure(
    contrib_row: np.ndarray,
    columns: Sequence[str],
    values_row: Sequence[str],
    base_log_odds: float,
    *,
    top: int = 8,
) -> go.Figure:
    """One prediction taken apart: from the average row, column by column, to the score.

    Parameters
    ----------
    contrib_row : numpy.ndarray
        One row's log-odds contributions, one per column.
    columns : sequence of str
        Original column names in contribution order.
    values_row : sequence of str
        The row's values as shown (a row of :func:`revlearn.explain.reasons.display_values`).
    base_log_odds : float
        Log-odds of the average row: the row's log-odds minus the sum of its
        contributions (``m.model_.log_odds(row) - contrib.sum()``).
    top : int, default=8
        Columns shown, by absolute contribution; the rest are summed as "other columns".

    Returns
    -------
    plotly.graph_objects.Figure
        A horizontal ``go.Waterfall``: ``average row`` (absolute), one bar per column
        (relative), ``other columns (n)`` when any are left, ``prediction`` (total, equal
        to ``base_log_odds + sum(contrib_row)``); the final probability is in the title.

    Raises
    ------
    InputError
        If ``contrib_row``, ``columns`` and ``values_row`` differ in length.
    """
    contrib_row = np.asarray(contrib_row, dtype=float).ravel()
    if not len(contrib_row) == len(columns) == len(values_row):
        raise InputError(
            f"{len(contrib_row)} contributions, {len(columns)} columns and "
            f"{len(values_row)} values: they must match.",
            where="waterfall_figure",
            fix="Pass one contribution and one value per column.",
        )
    order = np.argsort(-np.abs(contrib_row), kind="stable")
    shown, rest = order[:top], order[top:]
    labels = ["average row"] + [f"{columns[j]} = {values_row[j]}" for j in shown]
    steps = [float(base_log_odds)] + [float(contrib_row[j]) for j in shown]
    if len(rest):
        labels.append(f"other columns ({len(rest)})")
        steps.append(float(contrib_row[rest].sum()))
    final = float(base_log_odds + contrib_row.sum())
    labels.append("prediction")
    steps.append(final)
    measure = ["absolute"] + ["relative"] * (len(steps) - 2) + ["total"]
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            y=labels,
            x=steps,
            measure=measure,
            text=[f"{steps[0]:+.2f}"] + [f"{s:+.2f}" for s in steps[1:-1]] + [f"{final:+.2f}"],
            increasing={"marker": {"color": _HIGH}},
            decreasing={"marker": {"color": _LOW}},
            totals={"marker": {"color": "#7f8c8d"}},
            connector={"line": {"color": "#b0b7bd"}},
        )
    )
    fig.update_layout(
        title=(
            f"Predicted probability {_format_share(_sigmoid(final))} "
            f"(average row {_format_share(_sigmoid(float(base_log_odds)))})"
        ),
        xaxis_title="log-odds",
        yaxis={"autorange": "reversed"},
        **{**LAYOUT, "margin": {"l": 200, "r": 20, "t": 60, "b": 50}},
    )
    return fig


def _sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-z)))
