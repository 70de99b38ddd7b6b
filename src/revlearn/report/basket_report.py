"""Charts and report sections for market basket analysis.

Every figure function returns a ``plotly.graph_objects.Figure`` and never writes or shows
it; :func:`basket_sections` assembles them, with a plain-language reading of each chart, for
:func:`revlearn.report.html.render_page`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from revlearn.report.figures import LAYOUT
from revlearn.report.html import Section
from revlearn.usecases.basket import BasketAnalysis

__all__ = [
    "basket_sections",
    "lift_heatmap_figure",
    "rules_scatter_figure",
    "top_items_figure",
]

_LAYOUT = {**LAYOUT, "height": 420}


def rules_scatter_figure(rules: pd.DataFrame) -> go.Figure:
    """Scatter every rule by support and confidence, coloured by lift.

    Parameters
    ----------
    rules : pandas.DataFrame
        The output of :meth:`BasketAnalysis.rules`.

    Returns
    -------
    plotly.graph_objects.Figure
        One marker per rule; the hover text reads the rule.
    """
    text = rules["antecedents"] + " → " + rules["consequents"]
    fig = go.Figure(
        go.Scatter(
            x=rules["support"],
            y=rules["confidence"],
            mode="markers",
            text=text,
            hovertemplate="%{text}<br>support %{x:.2%}, confidence %{y:.0%}<br>"
            "lift %{marker.color:.2f}<extra></extra>",
            marker={
                "color": rules["lift"],
                "colorscale": "Viridis",
                "showscale": True,
                "colorbar": {"title": "lift"},
                "size": 9,
                "opacity": 0.8,
            },
        )
    )
    fig.update_layout(
        title="Rules: how often (support) and how reliably (confidence)",
        xaxis_title="support (share of baskets with the whole rule)",
        yaxis_title="confidence",
        xaxis_tickformat=".1%",
        yaxis_tickformat=".0%",
        **_LAYOUT,
    )
    return fig


def top_items_figure(model: BasketAnalysis, *, top: int = 15) -> go.Figure:
    """Bar chart of the items in the most baskets.

    Parameters
    ----------
    model : BasketAnalysis
        A fitted model.
    top : int, default=15
        How many items to show.

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars, most common on top, as a share of baskets.
    """
    order = np.argsort(-model.item_counts_, kind="stable")[:top][::-1]
    fig = go.Figure(
        go.Bar(
            x=model.item_counts_[order] / model.n_baskets_,
            y=[model.items_[i] for i in order],
            orientation="h",
            marker_color="#2a6f97",
        )
    )
    fig.update_layout(
        title="Most common items (share of baskets)", xaxis_tickformat=".0%", **_LAYOUT
    )
    return fig


def lift_heatmap_figure(model: BasketAnalysis, *, top: int = 15) -> go.Figure:
    """Heatmap of the lift between the most common items that form frequent pairs.

    Parameters
    ----------
    model : BasketAnalysis
        A fitted model.
    top : int, default=15
        How many items per axis.

    Returns
    -------
    plotly.graph_objects.Figure
        Cell (a, b) is how many times more often a and b are bought together than by
        chance; blank where the pair is below ``min_support``.
    """
    pairs = model.itemsets(min_size=2)
    pairs = pairs[pairs["size"] == 2]
    split = pairs["itemset"].str.split(" + ", regex=False)
    firsts, seconds = split.str[0].tolist(), split.str[1].tolist()
    counts = dict(zip(model.items_, model.item_counts_.tolist(), strict=True))
    in_pairs = sorted(set(firsts) | set(seconds), key=lambda name: -counts[name])[:top]
    position = {name: k for k, name in enumerate(in_pairs)}
    grid = np.full((len(in_pairs), len(in_pairs)), np.nan)
    n = model.n_baskets_
    for a, b, support in zip(firsts, seconds, pairs["support"], strict=True):
        if a in position and b in position:
            lift = support / (counts[a] / n * counts[b] / n)
            grid[position[a], position[b]] = grid[position[b], position[a]] = lift
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=in_pairs,
            y=in_pairs,
            colorscale="RdBu_r",
            zmid=1.0,
            colorbar={"title": "lift"},
            hovertemplate="%{y} + %{x}: lift %{z:.2f}<extra></extra>",
        )
    )
    fig.update_layout(title="Which items go together (lift of each pair)", **_LAYOUT)
    return fig


def basket_sections(model: BasketAnalysis, *, top: int = 10) -> list[Section]:
    """Build the report sections of a fitted basket analysis.

    Parameters
    ----------
    model : BasketAnalysis
        A fitted model.
    top : int, default=10
        Rows in the rules and bundles tables.

    Returns
    -------
    list of Section
        "What is in the baskets", "Rules: what predicts what", "Items bought together",
        "Bundles to offer" and, when the fit left notes, "Notes about the data"; each with
        sentences that read its charts.

    Raises
    ------
    NotFittedError
        If the model is not fitted.
    """
    summary = model.summary()
    sections = [_baskets_section(model, summary)]
    rules = model.rules()
    sections.append(_rules_section(model, summary, rules, top))
    if summary["itemsets_by_size"].get("2", 0):
        sections.append(_pairs_section(model))
    bundles = model.bundles(top=None)
    if len(bundles):
        best = bundles.iloc[0]
        text = [
            f"{len(bundles)} item sets are bought together more often than chance would "
            f"give. The best, {best['bundle']}, is in {best['n_baskets']:,} baskets, "
            f"{best['lift']:.1f} times as often as if the items were independent."
        ]
        if "combined_margin" in bundles:
            text.append("Bundles are ranked by lift × the sum of the items' margins.")
        sections.append(Section("Bundles to offer", text=text, tables=[bundles.head(top)]))
    if summary["notes"]:
        sections.append(Section("Notes about the data", text=list(summary["notes"])))
    return sections


def _baskets_section(model: BasketAnalysis, summary: dict[str, Any]) -> Section:
    top_item = model.items_[int(np.argmax(model.item_counts_))]
    share = model.item_counts_.max() / model.n_baskets_
    text = [
        f"{model.n_baskets_:,} baskets with {len(model.items_):,} different items, "
        f"{model.mean_basket_size_:.1f} items per basket on average.",
        f"The most common item, {top_item}, is in {share:.0%} of the baskets; "
        f"{summary['n_frequent_items']} items reach the minimum support of "
        f"{model.min_support:g} ({summary['thresholds']['min_count']:,} baskets)."
        " The longer a bar, the more baskets hold the item.",
    ]
    return Section("What is in the baskets", text=text, figures=[top_items_figure(model)])


def _rules_section(
    model: BasketAnalysis, summary: dict[str, Any], rules: pd.DataFrame, top: int
) -> Section:
    title = "Rules: what predicts what"
    if len(rules) == 0:
        return Section(
            title,
            text=[
                f"No rule reaches confidence {model.min_confidence:g} and lift "
                f"{model.min_lift:g} at support {model.min_support:g}. Lower the thresholds "
                "to see weaker rules."
            ],
        )
    best = rules.iloc[0]
    text = [
        f"{len(rules):,} rules reach confidence {model.min_confidence:g} and lift "
        f"{model.min_lift:g}. Each dot is a rule: further right, it covers more baskets; "
        "higher up, its consequent follows its antecedent more reliably; brighter, it is "
        "further from chance (lift).",
        f"The strongest: {best['confidence']:.0%} of the baskets with {best['antecedents']} "
        f"also hold {best['consequents']}, {best['lift']:.1f} times the usual rate.",
    ]
    return Section(
        title,
        text=text,
        figures=[rules_scatter_figure(rules)],
        tables=[model.explain(top=top)],
    )


def _pairs_section(model: BasketAnalysis) -> Section:
    fig = lift_heatmap_figure(model)
    pairs = model.bundles(top=1, size=2)
    text = [
        "Red cells are pairs bought together more often than chance (lift above 1), blue "
        "cells less often; blank cells are pairs too rare to measure."
    ]
    if len(pairs):
        pair = pairs.iloc[0]
        text.append(
            f"The strongest pair is {pair['bundle']}: {pair['lift']:.1f} times as often "
            f"together as by chance ({pair['n_baskets']:,} baskets)."
        )
    return Section("Items bought together", text=text, figures=[fig])
