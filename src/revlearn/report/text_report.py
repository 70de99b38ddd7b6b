"""Charts and report sections for text analytics: sentiment, aspects, trend, routing.

Every figure function returns a ``plotly.graph_objects.Figure`` and never writes or shows
it; :func:`sentiment_sections` and :func:`routing_sections` assemble them, with a
plain-language reading of each chart, for :func:`revlearn.report.html.render_page`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from revlearn.report.figures import LAYOUT
from revlearn.report.html import Section
from revlearn.usecases.text import SentimentModel, TextClassifier
from revlearn.usecases.text.evaluation import RoutingEvaluation

__all__ = [
    "abstain_curve_figure",
    "aspect_heatmap_figure",
    "label_mix_figure",
    "per_class_figure",
    "polarity_figure",
    "routing_sections",
    "sentiment_sections",
    "trend_figure",
]

_COLORS = {"positive": "#2a9d8f", "neutral": "#adb5bd", "negative": "#e76f51"}


def label_mix_figure(scored: pd.DataFrame) -> go.Figure:
    """Bar chart of how many texts got each sentiment, and how many were not scored.

    Parameters
    ----------
    scored : pandas.DataFrame
        The output of :meth:`SentimentModel.predict`.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per sentiment plus one per reason a text was not scored.
    """
    counts = scored["sentiment"].fillna(scored["status"]).value_counts()
    order = [k for k in ("positive", "neutral", "negative") if k in counts]
    order += [k for k in counts.index if k not in order]
    fig = go.Figure(
        go.Bar(
            x=order,
            y=[int(counts[k]) for k in order],
            marker_color=[_COLORS.get(k, "#6c757d") for k in order],
        )
    )
    fig.update_layout(title="Sentiment of the texts", yaxis_title="texts", **LAYOUT)
    return fig


def polarity_figure(scored: pd.DataFrame) -> go.Figure:
    """Histogram of polarity (−1 very negative … +1 very positive).

    Parameters
    ----------
    scored : pandas.DataFrame
        The output of :meth:`SentimentModel.predict`.

    Returns
    -------
    plotly.graph_objects.Figure
        Histogram of the scored texts' polarity.
    """
    fig = go.Figure(
        go.Histogram(x=scored["polarity"].dropna(), xbins={"size": 0.1}, marker_color="#2a6f97")
    )
    fig.update_layout(
        title="Polarity distribution", xaxis_title="polarity", yaxis_title="texts", **LAYOUT
    )
    return fig


def aspect_heatmap_figure(table: pd.DataFrame, *, by: str) -> go.Figure:
    """Heatmap of mean polarity per group (product) and aspect.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :meth:`SentimentModel.aspect_summary` grouped by ``by``.
    by : str
        The group column.

    Returns
    -------
    plotly.graph_objects.Figure
        Red cells: the aspect is criticised; green: praised; blank: not mentioned.
    """
    grid = table.pivot(index=by, columns="aspect", values="mean_polarity")
    counts = table.pivot(index=by, columns="aspect", values="n_texts").reindex_like(grid)
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[str(c) for c in grid.columns],
            y=[str(i) for i in grid.index],
            zmin=-1,
            zmax=1,
            colorscale="RdYlGn",
            customdata=counts.to_numpy(),
            hovertemplate="%{y} · %{x}<br>mean polarity %{z:.2f}<br>%{customdata} texts"
            "<extra></extra>",
            colorbar={"title": "polarity"},
        )
    )
    fig.update_layout(title=f"Aspect sentiment by {by}", **{**LAYOUT, "height": 420})
    return fig


def trend_figure(trend: pd.DataFrame) -> go.Figure:
    """Weekly mean polarity per group, with the drop alerts marked.

    Parameters
    ----------
    trend : pandas.DataFrame
        The output of :meth:`SentimentModel.trend`.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per group; red crosses on alert periods.
    """
    fig = go.Figure()
    groups = trend.groupby("group", sort=True) if "group" in trend else [("all", trend)]
    for name, part in groups:
        fig.add_trace(
            go.Scatter(x=part["period"], y=part["mean_polarity"], mode="lines", name=str(name))
        )
    alerts = trend[trend["alert"]]
    if len(alerts):
        fig.add_trace(
            go.Scatter(
                x=alerts["period"],
                y=alerts["mean_polarity"],
                mode="markers",
                name="alert",
                marker={"symbol": "x", "size": 14, "color": "#d62828"},
            )
        )
    fig.update_layout(
        title="Mean polarity per period", yaxis_title="mean polarity", **{**LAYOUT, "height": 420}
    )
    return fig


def per_class_figure(per_class: pd.DataFrame) -> go.Figure:
    """Grouped bars of precision and recall per category.

    Parameters
    ----------
    per_class : pandas.DataFrame
        ``category``, ``precision`` and ``recall`` (as in :class:`RoutingEvaluation`).

    Returns
    -------
    plotly.graph_objects.Figure
        Two bars per category.
    """
    fig = go.Figure(
        [
            go.Bar(x=per_class["category"], y=per_class["precision"], name="precision"),
            go.Bar(x=per_class["category"], y=per_class["recall"], name="recall"),
        ]
    )
    fig.update_layout(
        title="Precision and recall per category",
        yaxis_tickformat=".0%",
        barmode="group",
        **LAYOUT,
    )
    return fig


def abstain_curve_figure(model: TextClassifier) -> go.Figure:
    """Precision of the automatically routed texts against the share routed.

    Parameters
    ----------
    model : TextClassifier
        A fitted, trained (not zero-shot) classifier.

    Returns
    -------
    plotly.graph_objects.Figure
        Out-of-fold curve, the target precision and the chosen operating point.
    """
    curve = model.abstain_curve_
    fig = go.Figure(
        go.Scatter(
            x=curve["coverage"],
            y=curve["precision"],
            mode="lines",
            name="out of fold",
            customdata=curve["threshold"],
            hovertemplate="routed %{x:.0%}, precision %{y:.1%}<br>confidence ≥ "
            "%{customdata:.2f}<extra></extra>",
        )
    )
    fig.add_hline(
        y=float(model.target_precision),
        line_dash="dash",
        annotation_text=f"target {float(model.target_precision):.0%}",
    )
    answered = model.cv_metrics_.get("answered_share")
    if answered is not None:
        fig.add_trace(
            go.Scatter(
                x=[answered],
                y=[model.cv_metrics_["answered_precision"]],
                mode="markers",
                name="chosen threshold",
                marker={"size": 12, "color": "#d62828"},
            )
        )
    fig.update_layout(
        title="Routed automatically vs precision",
        xaxis_title="share routed without a human",
        yaxis_title="precision",
        xaxis_tickformat=".0%",
        yaxis_tickformat=".0%",
        **LAYOUT,
    )
    return fig


def sentiment_sections(model: SentimentModel, data: Any) -> list[Section]:
    """Build the report sections of a fitted sentiment model scored on ``data``.

    Parameters
    ----------
    model : SentimentModel
        A fitted model.
    data : pandas.DataFrame
        The texts to report on (with the product and timestamp columns for the aspect and
        trend sections).

    Returns
    -------
    list of Section
        "Sentiment of the texts"; "Aspect sentiment by product" when the model has aspect
        terms and a product column; "Sentiment over time" when it has a timestamp column;
        "Notes about the data" when the fit left notes.

    Raises
    ------
    NotFittedError
        If the model is not fitted.
    """
    scored = model.predict(data)
    summary = model.summary()
    n_scored = int(scored["polarity"].notna().sum())
    shares = scored["sentiment"].value_counts(normalize=True)
    text = [
        f"{n_scored:,} of {len(scored):,} texts were scored with the {summary['method']} "
        f"model: {shares.get('positive', 0):.0%} positive, {shares.get('neutral', 0):.0%} "
        f"neutral, {shares.get('negative', 0):.0%} negative.",
        "Polarity runs from −1 (very negative) to +1 (very positive); a peak near 0 means "
        "many texts carry no clear sentiment.",
    ]
    sections = [
        Section(
            "Sentiment of the texts",
            text=text,
            figures=[label_mix_figure(scored), polarity_figure(scored)],
        )
    ]
    if model.aspect_terms_ and model.product_col:
        table = model.aspect_summary(data)
        if len(table):
            worst = table.sort_values("mean_polarity").iloc[0]
            best = table.sort_values("mean_polarity").iloc[-1]
            by = model.product_col
            sections.append(
                Section(
                    "Aspect sentiment by product",
                    text=[
                        f"Most criticised: {worst['aspect']} of {worst[by]} (mean polarity "
                        f"{worst['mean_polarity']:+.2f}, {worst['n_texts']:,} texts). Most "
                        f"praised: {best['aspect']} of {best[by]} "
                        f"({best['mean_polarity']:+.2f})."
                    ],
                    figures=[aspect_heatmap_figure(table, by=by)],
                    tables=[table],
                )
            )
    if model.timestamp_col:
        trend = model.trend(data)
        alerts = trend[trend["alert"]]
        if len(alerts):
            lines = [
                f"Alert: {row.get('group', 'all')} in the period starting "
                f"{pd.Timestamp(row['period']):%Y-%m-%d}, mean polarity "
                f"{row['mean_polarity']:+.2f} against {row['baseline']:+.2f} before "
                f"({row['z']:.1f} standard errors)."
                for _, row in alerts.iterrows()
            ]
        else:
            lines = ["No period fell suddenly below its baseline."]
        sections.append(
            Section(
                "Sentiment over time",
                text=lines,
                figures=[trend_figure(trend)],
                tables=[alerts.reset_index(drop=True)] if len(alerts) else [],
            )
        )
    if summary["notes"]:
        sections.append(Section("Notes about the data", text=list(summary["notes"])))
    return sections


def routing_sections(model: TextClassifier, data: Any | None = None) -> list[Section]:
    """Build the report sections of a fitted routing classifier.

    Parameters
    ----------
    model : TextClassifier
        A fitted model.
    data : pandas.DataFrame, optional
        Held-out labelled texts; without them the out-of-fold figures from ``fit`` are
        shown (trained models only).

    Returns
    -------
    list of Section
        "Routing quality" (per-category precision and recall, confusion pairs) and, for a
        trained model, "When to send a ticket to a human" (the abstain curve).

    Raises
    ------
    NotFittedError
        If the model is not fitted.
    """
    summary = model.summary()
    evaluation: RoutingEvaluation | None = None
    if data is not None:
        evaluation = model.evaluate(data)
        figures: dict[str, Any] = evaluation.to_dict()
        source = "held-out texts"
    else:
        figures = summary["cv"]
        source = "cross-validation on the training texts"
    sections = []
    if figures:
        per_class = (
            evaluation.per_class if evaluation is not None else pd.DataFrame(figures["per_class"])
        )
        confusions = (
            evaluation.confusions if evaluation is not None else pd.DataFrame(figures["confusions"])
        )
        text = [
            f"Method: {summary['method']}. On {source}: accuracy {figures['accuracy']:.1%}, "
            f"macro-F1 {figures['macro_f1']:.1%}.",
        ]
        if len(confusions):
            top = confusions.iloc[0]
            text.append(
                f"The most common mistake: {top['actual']} routed to {top['predicted']} "
                f"({top['count']} texts)."
            )
        sections.append(
            Section(
                "Routing quality",
                text=text,
                figures=[per_class_figure(per_class)],
                tables=[confusions],
            )
        )
    if model.abstain_curve_:
        cv = summary["cv"]
        sections.append(
            Section(
                "When to send a ticket to a human",
                text=[
                    f"Texts with confidence below {summary['threshold']:.2f} go to a human. "
                    f"Out of fold that routes {cv['answered_share']:.0%} of texts "
                    f"automatically at {cv['answered_precision']:.1%} precision (target "
                    f"{summary['target_precision']:.0%}).",
                    "Moving left along the curve sends more texts to people and raises the "
                    "precision of the rest.",
                ],
                figures=[abstain_curve_figure(model)],
            )
        )
    if summary["notes"]:
        sections.append(Section("Notes about the data", text=list(summary["notes"])))
    if not sections:
        sections.append(
            Section(
                "Routing",
                text=[
                    f"Zero-shot routing to {len(model.classes_)} categories from their "
                    "descriptions; pass labelled texts to measure it."
                ],
                tables=[model.explain(top=5)],
            )
        )
    return sections
