"""Charts and report sections for product mentions, topics and sales-call insights.

Every figure function returns a ``plotly.graph_objects.Figure`` and never writes or shows
it; :func:`mentions_sections`, :func:`topics_sections` and :func:`calls_sections` assemble
them, with a plain-language reading of each chart, for
:func:`revlearn.report.html.render_page`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from revlearn.report.figures import LAYOUT
from revlearn.report.html import Section
from revlearn.usecases.text import CallInsights, ProductMentions, TopicModel

__all__ = [
    "calls_sections",
    "mention_counts_figure",
    "mentions_sections",
    "objection_win_rate_figure",
    "sentiment_path_figure",
    "share_of_voice_figure",
    "talk_ratio_figure",
    "topic_sizes_figure",
    "topic_trend_figure",
    "topics_sections",
]

_LABEL_COLORS = {"PRODUCT": "#2a9d8f", "COMPETITOR": "#e76f51"}


def mention_counts_figure(counts: pd.DataFrame) -> go.Figure:
    """Bar chart of mentions per product, competitors in another colour.

    Parameters
    ----------
    counts : pandas.DataFrame
        The output of :meth:`ProductMentions.mention_counts`.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar per product, most mentioned on top.
    """
    table = counts.sort_values("mentions")
    fig = go.Figure(
        go.Bar(
            x=table["mentions"],
            y=table["product"],
            orientation="h",
            marker_color=[_LABEL_COLORS.get(lab, "#6c757d") for lab in table["label"]],
            text=[f"{s:.0%}" for s in table["share"]],
            textposition="outside",
        )
    )
    fig.update_layout(title="Mentions per product (competitors in orange)", **LAYOUT)
    fig.update_xaxes(title="mentions")
    return fig


def share_of_voice_figure(sov: pd.DataFrame) -> go.Figure:
    """Line chart of each product's share of voice per period.

    Parameters
    ----------
    sov : pandas.DataFrame
        The output of :meth:`ProductMentions.share_of_voice` (summed over sources when
        it has a ``source`` column).

    Returns
    -------
    plotly.graph_objects.Figure
        One line per product; competitors dashed.
    """
    table = sov.groupby(["period", "product", "label"], as_index=False)["mentions"].sum()
    table["share"] = table["mentions"] / table.groupby("period")["mentions"].transform("sum")
    fig = go.Figure()
    for (product, label), rows in table.groupby(["product", "label"]):
        fig.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows["share"],
                mode="lines+markers",
                name=str(product),
                line={"dash": "dash" if label == "COMPETITOR" else "solid"},
            )
        )
    fig.update_layout(title="Share of voice per week", **LAYOUT)
    fig.update_yaxes(title="share of mentions", tickformat=".0%")
    return fig


def _slope(y: np.ndarray) -> float:
    return float(np.polyfit(np.arange(len(y)), y, 1)[0]) if len(y) >= 3 else 0.0


def mentions_sections(model: ProductMentions, data: Any) -> list[Section]:
    """Build the report sections of product mentions found in ``data``.

    Parameters
    ----------
    model : ProductMentions
        A fitted model.
    data : pandas.DataFrame
        The texts (with the timestamp column for the share-of-voice section).

    Returns
    -------
    list of Section
        "Product mentions"; "Share of voice over time" when the model has a timestamp
        column; "Notes about the catalogue" when the fit left notes.

    Raises
    ------
    NotFittedError
        If the model is not fitted.
    """
    counts = model.mention_counts(data)
    summary = model.summary()
    if len(counts):
        top = counts.iloc[0]
        lines = [
            f"{int(counts['mentions'].sum()):,} mentions of {len(counts)} catalogue products "
            f"and competitors; the most mentioned is {top['product']} ({top['share']:.0%}).",
            f"The ruler matched {summary['n_patterns']:,} written forms (case, plurals, "
            "spacing and one-letter misspellings of the catalogue names)"
            + (
                ", with a trained NER for names outside the catalogue."
                if summary["ner_trained"]
                else "."
            ),
        ]
    else:
        lines = ["No catalogue product is mentioned in these texts."]
    sections = [
        Section(
            "Product mentions",
            text=lines,
            figures=[mention_counts_figure(counts)] if len(counts) else [],
            tables=[counts],
        )
    ]
    if model.timestamp_col and len(counts):
        sov = model.share_of_voice(data)
        wide = sov.pivot_table(
            index="period", columns="product", values="mentions", aggfunc="sum", fill_value=0
        )
        shares = wide.div(wide.sum(axis=1), axis=0)
        slopes = {p: _slope(shares[p].to_numpy()) for p in shares.columns}
        gainer = max(slopes, key=lambda p: slopes[p])
        loser = min(slopes, key=lambda p: slopes[p])
        sections.append(
            Section(
                "Share of voice over time",
                text=[
                    f"Gaining most: {gainer} ({slopes[gainer] * 100:+.1f} points of share a "
                    f"week); losing most: {loser} ({slopes[loser] * 100:+.1f} points a week).",
                ],
                figures=[share_of_voice_figure(sov)],
            )
        )
    if summary["notes"]:
        sections.append(Section("Notes about the catalogue", text=list(summary["notes"])))
    return sections


def topic_sizes_figure(table: pd.DataFrame) -> go.Figure:
    """Bar chart of how many texts each topic holds, labelled by its words.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :meth:`TopicModel.explain`.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar per topic.
    """
    rows = table.sort_values("texts")
    fig = go.Figure(
        go.Bar(
            x=rows["texts"],
            y=[f"{t}: {lab}" for t, lab in zip(rows["topic"], rows["topic_label"], strict=True)],
            orientation="h",
            marker_color="#2a9d8f",
            text=[f"{s:.0%}" for s in rows["share"]],
            textposition="outside",
        )
    )
    fig.update_layout(title="Texts per topic", **LAYOUT)
    fig.update_xaxes(title="texts")
    return fig


def topic_trend_figure(trend: pd.DataFrame) -> go.Figure:
    """Stacked area chart of each topic's share of the texts per period.

    Parameters
    ----------
    trend : pandas.DataFrame
        The output of :meth:`TopicModel.trend`.

    Returns
    -------
    plotly.graph_objects.Figure
        One stacked area per topic.
    """
    fig = go.Figure()
    for (topic, label), rows in trend.groupby(["topic", "topic_label"]):
        fig.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows["share"],
                name=f"{topic}: {label}",
                stackgroup="topics",
                mode="lines",
            )
        )
    fig.update_layout(title="Topic shares per week", **LAYOUT)
    fig.update_yaxes(title="share of texts", tickformat=".0%")
    return fig


def topics_sections(model: TopicModel, data: Any, *, n_examples: int = 2) -> list[Section]:
    """Build the report sections of a fitted topic model on ``data``.

    Parameters
    ----------
    model : TopicModel
        A fitted model.
    data : pandas.DataFrame
        The texts (with the timestamp column for the trend section).
    n_examples : int, default=2
        Example texts shown per topic.

    Returns
    -------
    list of Section
        "Topics" (sizes and words), "Topic trends" when the model has a timestamp column,
        "Example texts per topic", and "Notes about the data" when the fit left notes.

    Raises
    ------
    NotFittedError
        If the model is not fitted.
    """
    summary = model.summary()
    table = model.explain()
    tried = ", ".join(f"{k}: {v:.2f}" for k, v in summary["coherence_by_k"].items())
    sections = [
        Section(
            "Topics",
            text=[
                f"{summary['n_topics']} topics, the number with the highest coherence "
                f"({summary['coherence']['measure']}; tried {tried}).",
                "Each label is the topic's three most distinctive words (class-based TF-IDF "
                "over the texts assigned to it).",
            ],
            figures=[topic_sizes_figure(table)],
            tables=[table.drop(columns=["trend_per_week"])],
        )
    ]
    if model.timestamp_col:
        trend = model.trend(data)
        lines = []
        if summary["rising"]:
            slope = max(t["trend_per_week"] or 0.0 for t in summary["topics"])
            lines.append(
                f"Rising: {summary['rising']} ({slope * 100:+.1f} points of share a week)."
            )
        if summary["falling"]:
            slope = min(t["trend_per_week"] or 0.0 for t in summary["topics"])
            lines.append(f"Falling: {summary['falling']} ({slope * 100:+.1f} points a week).")
        sections.append(Section("Topic trends", text=lines, figures=[topic_trend_figure(trend)]))
    examples = model.examples(data, n=n_examples)
    sections.append(
        Section(
            "Example texts per topic",
            text=["The texts each topic explains best (highest topic share)."],
            tables=[examples],
        )
    )
    if summary["notes"]:
        sections.append(Section("Notes about the data", text=list(summary["notes"])))
    return sections


def objection_win_rate_figure(table: pd.DataFrame, base_rate: float | None) -> go.Figure:
    """Win rate of calls with each objection, with its interval, against the base rate.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :meth:`CallInsights.explain` (with outcomes: ``win_rate``,
        ``win_rate_without``, ``difference_lo``/``difference_hi``); without outcomes
        the bars show how often each objection comes up.
    base_rate : float, optional
        The win rate of all calls (a dashed line).

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per objection type.
    """
    fig = go.Figure()
    if "win_rate" not in table:
        fig.add_trace(go.Bar(x=table["objection"], y=table["share"], marker_color="#e76f51"))
        fig.update_layout(title="Share of calls with each objection", **LAYOUT)
        fig.update_yaxes(tickformat=".0%")
        return fig
    lo = table["win_rate_without"] + table["difference_lo"]
    hi = table["win_rate_without"] + table["difference_hi"]
    fig.add_trace(
        go.Bar(
            x=table["objection"],
            y=table["win_rate"],
            name="calls with it",
            marker_color=["#e76f51" if s else "#adb5bd" for s in table["stands_out"]],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (hi - table["win_rate"]).clip(lower=0),
                "arrayminus": (table["win_rate"] - lo).clip(lower=0),
            },
            text=[f"{n} calls" for n in table["calls"]],
        )
    )
    fig.add_trace(
        go.Scatter(
            x=table["objection"],
            y=table["win_rate_without"],
            mode="markers",
            name="calls without it",
            marker={"symbol": "line-ew-open", "size": 30, "color": "#264653"},
        )
    )
    if base_rate is not None:
        fig.add_hline(y=base_rate, line_dash="dash", annotation_text="all calls")
    fig.update_layout(title="Win rate by objection (interval: adjusted CI)", **LAYOUT)
    fig.update_yaxes(title="win rate", tickformat=".0%", range=[0, 1])
    return fig


def talk_ratio_figure(per_call: pd.DataFrame) -> go.Figure:
    """Histogram of the seller's share of the words per call.

    Parameters
    ----------
    per_call : pandas.DataFrame
        The output of :meth:`CallInsights.call_summary`.

    Returns
    -------
    plotly.graph_objects.Figure
        The distribution of ``rep_talk_ratio``.
    """
    fig = go.Figure(go.Histogram(x=per_call["rep_talk_ratio"], nbinsx=20, marker_color="#2a9d8f"))
    fig.update_layout(title="Seller's share of the talk per call", **LAYOUT)
    fig.update_xaxes(title="rep talk ratio", tickformat=".0%")
    fig.update_yaxes(title="calls")
    return fig


def sentiment_path_figure(path: pd.DataFrame, *, title: str = "Sentiment path") -> go.Figure:
    """Polarity of each utterance of one call in order, by speaker role.

    Parameters
    ----------
    path : pandas.DataFrame
        The output of :meth:`CallInsights.sentiment_path`.
    title : str, default="Sentiment path"
        Chart title.

    Returns
    -------
    plotly.graph_objects.Figure
        Markers per utterance (hover shows the text) and the customer's rolling mean.
    """
    fig = go.Figure()
    for role, color in (("rep", "#264653"), ("customer", "#e76f51")):
        rows = path[path["role"] == role]
        fig.add_trace(
            go.Scatter(
                x=rows["turn"],
                y=rows["polarity"],
                mode="markers",
                name=role,
                marker={"color": color, "size": 9},
                text=rows["text"],
                hovertemplate="%{text}<br>polarity %{y:.2f}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=path["turn"],
            y=path["customer_rolling"],
            mode="lines",
            name="customer, rolling mean",
            line={"color": "#e76f51"},
        )
    )
    fig.update_layout(title=title, **LAYOUT)
    fig.update_xaxes(title="turn")
    fig.update_yaxes(title="polarity", range=[-1.05, 1.05])
    return fig


def calls_sections(model: CallInsights, data: Any, *, call: Any = None) -> list[Section]:
    """Build the report sections of analysed sales calls.

    Parameters
    ----------
    model : CallInsights
        A fitted model (fitted with deals for the win rates).
    data : pandas.DataFrame
        The transcripts.
    call : object, optional
        The call whose sentiment path is drawn; by default the call with the most
        objections.

    Returns
    -------
    list of Section
        "Objections and win rates", "Talk ratio and questions" and "Sentiment path of a
        call".

    Raises
    ------
    NotFittedError
        If the model is not fitted.
    """
    summary = model.summary()
    table = model.explain()
    per_call = model.call_summary(data)
    lines = [
        f"{summary['n_calls']:,} calls: "
        + ", ".join(f"{k} objections in {v}" for k, v in summary["objection_counts"].items())
        + ".",
        *summary["suggestions"],
    ]
    if summary["base_win_rate"] is not None:
        lines.insert(1, f"Overall win rate: {summary['base_win_rate']:.0%}.")
    sections = [
        Section(
            "Objections and win rates",
            text=lines,
            figures=[objection_win_rate_figure(table, summary["base_win_rate"])],
            tables=[table],
        )
    ]
    talk = summary["talk_ratio"]
    questions = summary["questions_per_call"]
    sections.append(
        Section(
            "Talk ratio and questions",
            text=[
                f"Sellers speak {talk['rep']:.0%} of the words on average; they ask "
                f"{questions['rep']:.1f} questions a call, customers {questions['customer']:.1f}. "
                f"{summary['next_step_rate']:.0%} of calls end with a next step.",
            ],
            figures=[talk_ratio_figure(per_call)],
        )
    )
    if call is None:
        objection_cols = [c for c in per_call if c.startswith("has_")]
        n_obj = per_call[objection_cols].sum(axis=1)
        call = per_call[model.call_col].iloc[int(np.argmax(n_obj.to_numpy()))]
    path = model.sentiment_path(data, call)
    sections.append(
        Section(
            "Sentiment path of a call",
            text=[
                f"Call {call}: polarity of each utterance in order (VADER lexicon); the line "
                "is the customer's mean over their last three utterances."
            ],
            figures=[sentiment_path_figure(path, title=f"Sentiment path of call {call}")],
        )
    )
    return sections
