"""Charts and report sections for recommendations.

Every figure function returns a ``plotly.graph_objects.Figure`` and never writes or shows
it; :func:`recommend_sections` assembles them, with a plain-language reading of each chart,
for :func:`revlearn.report.html.render_page`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from revlearn.report.figures import LAYOUT
from revlearn.report.html import Section
from revlearn.usecases.recommend import Recommender

__all__ = [
    "ACCURACY_METRICS",
    "backtest_figure",
    "metric_over_k_figure",
    "recommend_sections",
]

#: Metric column → label, the metrics charted over k.
ACCURACY_METRICS: dict[str, str] = {
    "precision": "precision@k",
    "recall": "recall@k",
    "ndcg": "nDCG@k",
    "map": "MAP@k",
    "hit_rate": "hit rate@k",
}
_WIDE_MARGIN = {**LAYOUT["margin"], "l": 260}
_COLORS = {"revlearn": "#2a6f97", "popularity": "#adb5bd"}


def metric_over_k_figure(evaluation: pd.DataFrame, metric: str) -> go.Figure:
    """Line chart of one ranking metric over the list length k, model beside popularity.

    Parameters
    ----------
    evaluation : pandas.DataFrame
        The output of :meth:`Recommender.evaluate` (columns ``model``, ``k`` and metrics).
    metric : str
        A metric column, e.g. ``"ndcg"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per model, k on the x axis.
    """
    fig = go.Figure()
    for model, part in evaluation.groupby("model", sort=False):
        part = part.sort_values("k")
        fig.add_trace(
            go.Scatter(
                x=part["k"],
                y=part[metric],
                mode="lines+markers",
                name=str(model),
                line={"color": _COLORS.get(str(model), "#e76f51")},
            )
        )
    label = ACCURACY_METRICS.get(metric, metric)
    fig.update_layout(
        title=f"{label}: model and popularity baseline",
        xaxis_title="list length k",
        yaxis_title=label,
        **LAYOUT,
    )
    return fig


def backtest_figure(model: Recommender) -> go.Figure:
    """Bar chart of the backtest nDCG@k of every candidate model, the chosen one highlighted.

    Parameters
    ----------
    model : Recommender
        A fitted model.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar per candidate, best on top.
    """
    table = model.explain()
    if len(table) == 0:
        table = pd.DataFrame(
            {"method": [model.method_], "settings": [""], "ndcg": [float("nan")], "chosen": [True]}
        )
    table = table.sort_values("ndcg", ascending=True)
    labels = [
        f"{m} ({s})" if s else str(m)
        for m, s in zip(table["method"], table["settings"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=table["ndcg"],
            y=labels,
            orientation="h",
            marker_color=["#e76f51" if c else "#2a6f97" for c in table["chosen"]],
        )
    )
    fig.update_layout(
        title=f"Backtest nDCG@{model.k} of each candidate (chosen in orange)",
        xaxis_title=f"nDCG@{model.k} on held-out interactions",
        **{
            **LAYOUT,
            "height": max(300, 40 + 28 * len(table)),
            "margin": {**LAYOUT["margin"], "l": 260},
        },
    )
    return fig


def recommend_sections(
    model: Recommender,
    held_out: pd.DataFrame | None = None,
    *,
    ks: Sequence[int] = (1, 5, 10, 20),
    examples: int = 5,
) -> list[Section]:
    """Build the report sections of a fitted recommender.

    Parameters
    ----------
    model : Recommender
        A fitted model.
    held_out : pandas.DataFrame, optional
        Interactions kept out of training; with them the report shows the quality over k
        beside popularity, and coverage, novelty and diversity.
    ks : sequence of int, default=(1, 5, 10, 20)
        List lengths of the quality charts.
    examples : int, default=5
        Users shown in the example recommendations.

    Returns
    -------
    list of Section
        "How the model was chosen", "Quality on held-out interactions" (with held-out
        data: one chart per metric over k and a coverage/novelty/diversity table),
        "Example recommendations" and, when the fit left notes, "Notes about the data".

    Raises
    ------
    NotFittedError
        If the model is not fitted.
    """
    summary = model.summary()
    sections = [_choice_section(model, summary)]
    if held_out is not None and len(held_out):
        sections.append(_quality_section(model, held_out, ks))
    sections.append(_examples_section(model, summary, examples))
    if summary["notes"]:
        sections.append(Section("Notes about the data", text=list(summary["notes"])))
    return sections


def _choice_section(model: Recommender, summary: dict[str, Any]) -> Section:
    text = [
        f"{summary['n_users']:,} users and {summary['n_items']:,} items "
        f"({summary['n_pairs']:,} distinct user–item pairs from "
        f"{summary['n_interactions']:,} rows). The model was chosen by a backtest "
        f"({summary['validation']}): the one whose top {summary['k']} lists best matched what "
        f"users went on to choose (nDCG@{summary['k']})."
    ]
    if summary["validation_ndcg"] is not None and summary["popularity_ndcg"]:
        lift = summary["validation_ndcg"] / summary["popularity_ndcg"] - 1
        text.append(
            f"{summary['method']} won with nDCG@{summary['k']} {summary['validation_ndcg']:.3f}, "
            f"{lift:+.0%} against recommending the most popular items "
            f"({summary['popularity_ndcg']:.3f})."
        )
    return Section("How the model was chosen", text=text, figures=[backtest_figure(model)])


def _quality_section(model: Recommender, held_out: pd.DataFrame, ks: Sequence[int]) -> Section:
    evaluation = model.evaluate(held_out, ks=ks)
    figures = [metric_over_k_figure(evaluation, m) for m in ACCURACY_METRICS]
    k = model.k if model.k in ks else max(ks)
    at_k = evaluation[evaluation["k"] == k].set_index("model")
    table = at_k[["precision", "ndcg", "coverage", "novelty", "diversity"]].round(4)
    table = table.reset_index()
    ours, pop = at_k.loc["revlearn"], at_k.loc["popularity"]
    text = [
        f"On {int(ours['n_users']):,} users with held-out interactions, {ours['precision']:.1%} "
        f"of the top {k} recommendations were chosen later, against {pop['precision']:.1%} "
        "for the most popular items.",
        f"Coverage: the lists use {ours['coverage']:.0%} of the catalogue (popularity: "
        f"{pop['coverage']:.0%}). Novelty is the mean surprise of an item in bits (higher: "
        "less obvious items); diversity is 1 − the mean similarity of items within a list.",
    ]
    return Section("Quality on held-out interactions", text=text, figures=figures, tables=[table])


def _examples_section(model: Recommender, summary: dict[str, Any], examples: int) -> Section:
    users = model.users_[: max(examples, 0)]
    recs = model.recommend(users, k=min(model.k, 5)) if users else pd.DataFrame()
    text = [
        "Each recommendation carries its reason: the past item behind it, the segment it is "
        "popular with, a similar item for new products, or a regular repeat purchase."
    ]
    if summary["repeat_items"]:
        text.append(
            f"{summary['repeat_items']} items are bought again by at least "
            f"{summary['repeat_threshold']:.0%} of their buyers, so they are recommended again."
        )
    if summary["new_items"]:
        text.append(
            f"{summary['new_items']} items have no purchases yet; they reach users through "
            "the similarity of their attributes and description."
        )
    return Section("Example recommendations", text=text, tables=[recs])
