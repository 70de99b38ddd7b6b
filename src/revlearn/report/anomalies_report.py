"""Report sections for unusual transactions: how many, which, why, and against what usual.

:func:`anomalies_sections` scores a transaction table with a fitted
:class:`~revlearn.usecases.anomalies.TransactionAnomalies` and returns report sections,
each chart with the plain sentences that read it; the figure functions can also be used
alone on the output of ``predict(data, detail=True)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from revlearn.data.transactions import FEATURE_DESCRIPTIONS
from revlearn.errors import InputError
from revlearn.report.figures import LAYOUT
from revlearn.report.html import Section
from revlearn.usecases.anomalies import TransactionAnomalies

__all__ = [
    "amount_vs_usual_figure",
    "anomalies_sections",
    "reasons_figure",
    "score_figure",
    "top_anomalies_table",
]

#: Short labels of the reason features, for axes and tables.
REASON_LABELS = {
    "amount_log": "large amount",
    "amount_z": "amount vs customer's usual",
    "gap_log": "right after the previous one",
    "n_prev_1h": "many in the last hour",
    "n_prev_24h": "many in the last 24 h",
    "amount_prev_24h": "much spent in the last 24 h",
    "is_first": "first transaction",
    "is_refund": "refund",
    "refund_rate": "frequent refunder",
    "hour_rarity": "unusual hour",
    "new_channel": "new channel",
    "new_device": "new device",
    "new_country": "new country",
    "quantity_log": "large quantity",
}
#: Unflagged points drawn in the scatter (a sample keeps the page light).
SCATTER_ROWS = 5000


def score_figure(scored: pd.DataFrame, threshold: float) -> go.Figure:
    """Histogram of the model's outlier scores with the flag threshold.

    Parameters
    ----------
    scored : pandas.DataFrame
        From ``predict(data, detail=True)`` (needs ``outlier_score`` and ``flag``).
    threshold : float
        The outlier score above which a transaction is flagged (``summary()["threshold_raw"]``).

    Returns
    -------
    plotly.graph_objects.Figure
        Counts on a log axis, flagged transactions in red, the threshold as a dashed line.
    """
    fig = go.Figure()
    for flagged, name, colour in ((False, "not flagged", "#61a5c2"), (True, "flagged", "#c1121f")):
        part = scored.loc[scored["flag"] == flagged, "outlier_score"]
        fig.add_histogram(x=part, name=name, marker_color=colour, nbinsx=60)
    fig.add_vline(x=threshold, line_dash="dash", line_color="#333", annotation_text="threshold")
    fig.update_layout(
        title="How unusual the transactions are",
        barmode="overlay",
        xaxis_title="outlier score (higher = more unusual)",
        yaxis_title="transactions",
        yaxis_type="log",
        **LAYOUT,
    )
    return fig


def reasons_figure(scored: pd.DataFrame) -> go.Figure:
    """Bar chart: how often each feature is the first reason of a flagged transaction.

    Parameters
    ----------
    scored : pandas.DataFrame
        From ``predict(data, detail=True)`` (needs ``reason_code_1`` and ``flag``).

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars, most frequent on top.
    """
    counts = _first_reasons(scored)
    rows = counts.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=rows.to_numpy(),
            y=[REASON_LABELS.get(str(c), str(c)) for c in rows.index],
            orientation="h",
            hovertext=[FEATURE_DESCRIPTIONS.get(str(c), str(c)) for c in rows.index],
            marker_color="#2a6f97",
        )
    )
    fig.update_layout(
        title="Why transactions were flagged (first reason)",
        xaxis_title="flagged transactions",
        **LAYOUT,
    )
    return fig


def amount_vs_usual_figure(scored: pd.DataFrame, *, amount_col: str) -> go.Figure:
    """Scatter of each transaction's amount against the customer's usual amount.

    Parameters
    ----------
    scored : pandas.DataFrame
        From ``predict`` (needs ``usual_amount``, ``flag`` and the amount column).
    amount_col : str
        The amount column.

    Returns
    -------
    plotly.graph_objects.Figure
        Log–log axes, flagged transactions in red over a sample of the others, and the
        line where the amount equals the usual.
    """
    amount = scored[amount_col].abs().clip(lower=0.01)
    usual = scored["usual_amount"].clip(lower=0.01)
    flagged = scored["flag"].to_numpy(dtype=bool)
    calm = np.flatnonzero(~flagged)
    if len(calm) > SCATTER_ROWS:
        calm = np.sort(np.random.default_rng(0).choice(calm, SCATTER_ROWS, replace=False))
    fig = go.Figure()
    for rows, name, colour in (
        (calm, "not flagged", "rgba(97,165,194,0.4)"),
        (np.flatnonzero(flagged), "flagged", "#c1121f"),
    ):
        fig.add_scattergl(
            x=usual.iloc[rows],
            y=amount.iloc[rows],
            mode="markers",
            name=name,
            marker={"color": colour, "size": 5},
            hovertext=scored["reason_1"].iloc[rows] if "reason_1" in scored else None,
        )
    low = float(min(amount.min(), usual.min()))
    high = float(max(amount.max(), usual.max()))
    fig.add_scatter(
        x=[low, high],
        y=[low, high],
        mode="lines",
        name="amount = usual",
        line={"dash": "dot", "color": "#888"},
    )
    fig.update_layout(
        title="Amount against the customer's usual amount",
        xaxis_type="log",
        yaxis_type="log",
        xaxis_title="customer's usual amount before",
        yaxis_title="amount",
        **LAYOUT,
    )
    return fig


def top_anomalies_table(scored: pd.DataFrame, *, top: int = 20) -> pd.DataFrame:
    """The most unusual transactions with their reasons.

    Parameters
    ----------
    scored : pandas.DataFrame
        From ``predict``.
    top : int, default=20
        Rows to keep.

    Returns
    -------
    pandas.DataFrame
        The ``top`` rows of lowest ``rank``: id, customer, timestamp, amount,
        ``usual_amount``, ``score`` and ``reason_1..3`` (other columns dropped).
    """
    drop = [c for c in scored.columns if c.startswith("reason_code_")]
    drop += [c for c in ("outlier_score", "rank", "flag") if c in scored.columns]
    return scored.nsmallest(top, "rank").drop(columns=drop).reset_index(drop=True)


def anomalies_sections(
    model: TransactionAnomalies,
    data: Any,
    *,
    history: Any | None = None,
    label_col: str | None = None,
    top: int = 20,
) -> list[Section]:
    """Report sections on the unusual transactions of a table, with plain sentences.

    Parameters
    ----------
    model : TransactionAnomalies
        A fitted model.
    data : pandas.DataFrame
        The transactions to score (the columns named at fit).
    history : pandas.DataFrame, optional
        Earlier transactions used as history only (see ``TransactionAnomalies.predict``).
    label_col : str, optional
        A column of known bad transactions; adds a section on precision and recall at k.
    top : int, default=20
        Rows in the table of the most unusual transactions.

    Returns
    -------
    list of Section
        "Unusual transactions" (counts, threshold and score histogram), "Most unusual
        transactions" (table), "Why they were flagged" (first reasons), "Amounts against
        the usual" (scatter) and, with ``label_col``, "Found against known cases".

    Raises
    ------
    InputError
        If ``model`` is not a fitted TransactionAnomalies.
    """
    if not isinstance(model, TransactionAnomalies) or not model.is_fitted():
        raise InputError(
            f"Expected a fitted TransactionAnomalies, got {type(model).__name__}.",
            where="anomalies_sections(model=...)",
            fix="Fit the model first: TransactionAnomalies(...).fit(transactions).",
        )
    summary = model.summary()
    scored = model.predict(data, history=history, detail=True)
    n, n_flag = len(scored), int(scored["flag"].sum())
    counts = _first_reasons(scored)
    sections = [
        Section(
            title="Unusual transactions",
            text=[
                f"{n_flag:,} of {n:,} transactions ({n_flag / max(n, 1):.1%}) are flagged: "
                f"they are more unusual than {1 - model.contamination:.0%} of the "
                f"{summary['n_transactions']:,} transactions the model learned from "
                f"({summary['n_customers']:,} customers, {_method(model.method)}).",
                "Each transaction is compared with the same customer's earlier ones: amount "
                "against their usual, bursts, first use of a channel or device, refunds and "
                "the hour of day. A flag is a lead to check, not proof of fraud.",
            ],
            figures=[score_figure(scored, summary["threshold_raw"])],
        ),
        Section(
            title="Most unusual transactions",
            text=[f"The {min(top, n)} highest scores, with the reasons in words."],
            tables=[top_anomalies_table(scored, top=top)],
        ),
        Section(
            title="Why they were flagged",
            text=_reason_sentences(counts, n_flag),
            figures=[reasons_figure(scored)],
        ),
        Section(
            title="Amounts against the usual",
            text=_amount_sentences(scored, model.amount_col),
            figures=[amount_vs_usual_figure(scored, amount_col=model.amount_col)],
        ),
    ]
    if label_col is not None:
        metrics = model.evaluate(data, label_col=label_col, history=history)
        table = metrics.to_frame()
        best = table.iloc[-1] if len(table) else None
        text = [
            f"{metrics.n_positive:,} known cases among {metrics.n:,} transactions (base rate "
            f"{metrics.base_rate:.2%}). ROC AUC {metrics.roc_auc:.3f}, average precision "
            f"{metrics.average_precision:.3f}."
        ]
        if best is not None:
            text.append(
                f"Checking the top {int(best['k']):,} finds {best['recall']:.0%} of the known "
                f"cases; {best['precision']:.0%} of those checked are cases, "
                f"{best['lift']:.1f}× a random pick."
            )
        sections.append(Section(title="Found against known cases", text=text, tables=[table]))
    return sections


def _method(method: str) -> str:
    return "isolation forest" if method == "isolation_forest" else "local outlier factor"


def _first_reasons(scored: pd.DataFrame) -> pd.Series:
    if "reason_code_1" not in scored.columns:
        raise InputError(
            "The scored table has no reason_code_1 column.",
            where="anomalies report",
            fix="Score with predict(data, detail=True).",
        )
    codes = scored.loc[scored["flag"].to_numpy(dtype=bool), "reason_code_1"]
    return codes[codes != ""].value_counts()


def _reason_sentences(counts: pd.Series, n_flag: int) -> list[str]:
    if n_flag == 0 or counts.empty:
        return ["No transaction in this table is flagged."]
    lines = [
        f"{REASON_LABELS.get(str(code), str(code)).capitalize()}: first reason of "
        f"{int(c):,} flagged transactions ({int(c) / n_flag:.0%})."
        for code, c in counts.head(3).items()
    ]
    return lines


def _amount_sentences(scored: pd.DataFrame, amount_col: str) -> list[str]:
    ratio = scored[amount_col].abs() / scored["usual_amount"].clip(lower=0.01)
    flagged = scored["flag"].to_numpy(dtype=bool)
    text = [
        "Each point is a transaction: its amount against the customer's usual amount before "
        "it. Points far above the dotted line are unusually large for that customer."
    ]
    if flagged.any():
        text.append(
            f"Flagged transactions are a median {ratio[flagged].median():.1f}× the customer's "
            f"usual amount; the others {ratio[~flagged].median():.1f}×."
        )
    return text
