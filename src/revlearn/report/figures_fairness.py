"""Plotly figure for fairness checks (:func:`revlearn.responsible.fairness_report`).

The function returns a ``plotly.graph_objects.Figure`` and never writes or shows it.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from revlearn.responsible.fairness import FairnessReport

__all__ = ["fairness_figure"]

#: Bars drawn per group: report column → (legend label, colour).
_BARS = {
    "selection_rate": ("flagged (selection rate)", "#2a6f97"),
    "tpr": ("flagged among actual positives (TPR)", "#61a5c2"),
    "fpr": ("flagged among actual negatives (FPR)", "#e07a5f"),
}
_ROW_HEIGHT = 320


def fairness_figure(report: FairnessReport) -> go.Figure:
    """Grouped bars of flag and error rates by group, one panel per sensitive column.

    Parameters
    ----------
    report : FairnessReport
        From :func:`revlearn.responsible.fairness_report`.

    Returns
    -------
    plotly.graph_objects.Figure
        Per sensitive column, bars of selection rate, TPR and FPR for each group and the
        actual positive rate (base rate) as black diamonds; groups too small to judge are
        labelled so on the axis. Panel titles carry the demographic-parity (DP) and
        equalised-odds (EO) differences.
    """
    table = report.by_group
    columns = list(dict.fromkeys(table["column"]))
    titles = [_title(report, col) for col in columns]
    fig = make_subplots(rows=len(columns), cols=1, subplot_titles=titles, vertical_spacing=0.12)
    for row, col in enumerate(columns, start=1):
        part = table[table["column"] == col]
        labels = [
            f"{g} (n={n}, too small)" if small else str(g)
            for g, n, small in zip(part["group"], part["n"], part["small"], strict=True)
        ]
        for key, (name, colour) in _BARS.items():
            fig.add_bar(
                x=labels,
                y=part[key],
                name=name,
                marker_color=colour,
                legendgroup=key,
                showlegend=row == 1,
                row=row,
                col=1,
            )
        fig.add_scatter(
            x=labels,
            y=part["base_rate"],
            name="actual positive rate (base rate)",
            mode="markers",
            marker={"symbol": "diamond", "size": 12, "color": "black"},
            legendgroup="base_rate",
            showlegend=row == 1,
            row=row,
            col=1,
        )
        fig.update_yaxes(range=[0, 1.05], tickformat=".0%", row=row, col=1)
    fig.update_layout(
        title=f"Who gets flagged (threshold {report.threshold:.2f})",
        barmode="group",
        template="plotly_white",
        height=120 + _ROW_HEIGHT * len(columns),
        margin={"l": 60, "r": 20, "t": 90, "b": 50},
        legend={"orientation": "h", "y": -0.08},
    )
    return fig


def _title(report: FairnessReport, col: str) -> str:
    row = report.summary[report.summary["column"] == col].iloc[0]
    dp, eo = row["demographic_parity_difference"], row["equalized_odds_difference"]
    if math.isnan(dp):
        return f"{col}: too few rows to judge"
    eo_text = "n/a" if math.isnan(eo) else f"{eo:.2f}"
    return f"{col}: DP difference {dp:.2f}, EO difference {eo_text} ({row['level']})"
