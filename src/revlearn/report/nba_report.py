"""Charts and report sections for next best action and content bandits.

Every figure function returns a ``plotly.graph_objects.Figure`` and never writes or shows
it. :func:`nba_sections` reads a fitted :class:`~revlearn.usecases.nba.NextBestAction`
(action mix, expected value by action, holdout design); :func:`bandit_sections` reads the
output of :func:`~revlearn.usecases.bandit.regret_curves` (cumulative regret against the
oracle, A/B-then-exploit and random) and of
:func:`~revlearn.evaluate.offpolicy.evaluate_policy` (off-policy estimates with intervals
beside the logged policy), with a plain-language reading of each chart, for
:func:`revlearn.report.html.render_page`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from revlearn.report.figures import LAYOUT
from revlearn.report.html import Section
from revlearn.usecases.bandit import ContextualBandit
from revlearn.usecases.nba import NextBestAction

__all__ = [
    "action_mix_figure",
    "bandit_sections",
    "expected_value_figure",
    "nba_sections",
    "offpolicy_figure",
    "regret_figure",
]

_BASELINES = {"oracle": "#2b9348", "random": "#adb5bd", "A/B then exploit": "#e76f51"}
_PALETTE = ("#2a6f97", "#6a4c93", "#f4a261", "#1982c4", "#8ac926")
_ESTIMATOR_NAMES = {
    "logged": "logged policy (observed)",
    "ips": "new policy: IPS",
    "snips": "new policy: self-normalised IPS",
    "dr": "new policy: doubly robust",
}


def action_mix_figure(model: NextBestAction) -> go.Figure:
    """Bar chart of how many customers each action goes to in the fitted customers' plan.

    Parameters
    ----------
    model : NextBestAction
        A fitted model.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per catalogue action (the holdout counted under the nothing action).
    """
    counts = model.summary()["action_counts"]
    fig = go.Figure(
        go.Bar(x=list(counts), y=list(counts.values()), marker_color="#2a6f97", name="customers")
    )
    fig.update_layout(title="Action mix: customers per action", yaxis_title="customers", **LAYOUT)
    return fig


def expected_value_figure(model: NextBestAction) -> go.Figure:
    """Bar chart of the total expected value each action brings in the plan.

    Parameters
    ----------
    model : NextBestAction
        A fitted model.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per action that is planned for someone outside the holdout.
    """
    by_action = model.summary()["expected_value_by_action"]
    by_action = {a: v for a, v in by_action.items() if a != model.nothing_action}
    fig = go.Figure(
        go.Bar(
            x=list(by_action),
            y=list(by_action.values()),
            marker_color="#2b9348",
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
        )
    )
    fig.update_layout(
        title="Expected value by action (probability × value − cost, summed)",
        yaxis_title="expected value",
        **LAYOUT,
    )
    return fig


def regret_figure(curves: pd.DataFrame, *, points: int = 400) -> go.Figure:
    """Cumulative regret of each policy as visitors arrive.

    Parameters
    ----------
    curves : pandas.DataFrame
        The output of :func:`revlearn.usecases.bandit.regret_curves`.
    points : int, default=400
        Points drawn per line (the curves are thinned evenly).

    Returns
    -------
    plotly.graph_objects.Figure
        One line per policy; lower is better, the oracle is 0.
    """
    step = max(1, len(curves) // points)
    shown = curves.iloc[np.r_[np.arange(0, len(curves), step), len(curves) - 1]]
    fig = go.Figure()
    bandits = [c for c in curves.columns if c != "visitor" and c not in _BASELINES]
    for i, col in enumerate([*_BASELINES, *bandits]):
        if col not in curves.columns:
            continue
        fig.add_trace(
            go.Scatter(
                x=shown["visitor"],
                y=shown[col],
                mode="lines",
                name=col,
                line={
                    "color": _BASELINES.get(col, _PALETTE[i % len(_PALETTE)]),
                    "dash": "dot" if col in _BASELINES else "solid",
                },
            )
        )
    fig.update_layout(
        title="Cumulative regret: clicks lost against always showing the best variant",
        xaxis_title="visitors",
        yaxis_title="expected clicks lost",
        **LAYOUT,
    )
    return fig


def offpolicy_figure(estimates: pd.DataFrame) -> go.Figure:
    """Off-policy estimates of a new policy with their intervals, beside the logged policy.

    Parameters
    ----------
    estimates : pandas.DataFrame
        The output of :func:`revlearn.evaluate.offpolicy.evaluate_policy`.

    Returns
    -------
    plotly.graph_objects.Figure
        One marker with an error bar per estimator.
    """
    names = [_ESTIMATOR_NAMES.get(e, e) for e in estimates["estimator"]]
    fig = go.Figure(
        go.Scatter(
            x=estimates["estimate"],
            y=names,
            mode="markers",
            marker={"size": 11, "color": "#2a6f97"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": estimates["hi"] - estimates["estimate"],
                "arrayminus": estimates["estimate"] - estimates["lo"],
            },
        )
    )
    fig.update_layout(
        title="Value per visitor: new policy estimated from the log",
        xaxis_tickformat=".1%",
        **LAYOUT,
    )
    return fig


def nba_sections(model: NextBestAction) -> list[Section]:
    """Build the report sections of a fitted next-best-action model.

    Parameters
    ----------
    model : NextBestAction
        A fitted model (its plan of the fitted customers is read).

    Returns
    -------
    list of Section
        "Next best action: action mix", "Expected value by action" and "Holdout design";
        each with sentences that read its chart.

    Raises
    ------
    NotFittedError
        If the model is not fitted.
    """
    summary = model.summary()
    counts = summary["action_counts"]
    top = max((a for a in counts if a != model.nothing_action), key=lambda a: counts[a])
    chosen = summary["response_model"]
    structure = (
        "one model per action"
        if chosen["structure"] == "per-action"
        else "one model with the action as a feature"
    )
    model_text = (
        f"P(response) comes from {structure} ({chosen['learner']}), the best of "
        f"{len(summary['cv_log_loss'])} candidates by cross-validated log-loss."
    )
    mix = Section(
        "Next best action: action mix",
        text=[
            f"Of {summary['n_customers']:,} customers, {summary['n_contacted']:,} get an "
            f"action; the most frequent is {top} ({counts[top]:,}). Each customer gets the "
            "eligible action with the highest expected value (probability of a response × "
            "its value − the cost of the contact), or nothing when no action pays off.",
            model_text,
        ],
        figures=[action_mix_figure(model)],
        tables=[model.explain()],
    )
    value = Section(
        "Expected value by action",
        text=[
            f"The plan is expected to bring {summary['expected_total_value']:,.0f} in total "
            "(outside the holdout). A tall bar is an action that is both likely to work and "
            "worth a lot for the customers it goes to."
        ],
        figures=[expected_value_figure(model)],
    )
    cap = summary["max_contacts"]
    holdout = Section(
        "Holdout design",
        text=[
            f"{summary['holdout_size']:,} customers ({summary['holdout_share']:.0%}) were "
            "drawn at random and get nothing whatever their plan. Comparing their outcomes "
            "with those of treated customers with the same planned action "
            "(NextBestAction.measure_lift) measures what the actions really add.",
            "No contact cap was set."
            if cap is None
            else f"A contact cap of {cap} limits who is contacted; the highest expected "
            "values go first.",
        ],
    )
    return [mix, value, holdout]


def bandit_sections(
    curves: pd.DataFrame,
    estimates: pd.DataFrame | None = None,
    *,
    bandit: ContextualBandit | None = None,
) -> list[Section]:
    """Build the report sections of a content bandit: regret and off-policy estimates.

    Parameters
    ----------
    curves : pandas.DataFrame
        The output of :func:`revlearn.usecases.bandit.regret_curves`.
    estimates : pandas.DataFrame, optional
        The output of :func:`revlearn.evaluate.offpolicy.evaluate_policy` for the new
        policy on the logged data.
    bandit : ContextualBandit, optional
        A fitted bandit whose pulls and mean reward per arm are tabled.

    Returns
    -------
    list of Section
        "Content bandit: cumulative regret" and, with estimates, "Off-policy evaluation".
    """
    last = curves.iloc[-1]
    bandits = [c for c in curves.columns if c != "visitor" and c not in _BASELINES]
    best = min(bandits, key=lambda c: last[c]) if bandits else None
    text = [
        f"{len(curves):,} simulated visitors. Regret is the clicks lost against always "
        "showing each visitor their best variant (the oracle, 0). A line that flattens has "
        "learned; a straight line keeps paying the same price per visitor."
    ]
    if best is not None:
        ab = last["A/B then exploit"]
        text.append(
            f"{best} loses {last[best]:,.0f} clicks, against {ab:,.0f} for an A/B test on the "
            f"first visitors followed by its single winner and {last['random']:,.0f} for "
            "random choice: the best variant differs by segment, so one winner for all keeps "
            "losing."
        )
    tables = []
    if bandit is not None:
        s = bandit.summary()
        tables.append(
            pd.DataFrame(
                {
                    "arm": s["arms"],
                    "pulls": [s["pulls"][a] for a in s["arms"]],
                    "mean_reward": [s["mean_reward"][a] for a in s["arms"]],
                }
            )
        )
    sections = [
        Section(
            "Content bandit: cumulative regret",
            text=text,
            figures=[regret_figure(curves)],
            tables=tables,
        )
    ]
    if estimates is not None:
        e = estimates.set_index("estimator")
        dr, logged = e.loc["dr"], e.loc["logged"]
        verdict = (
            "better than"
            if dr["lo"] > logged["hi"]
            else "worse than"
            if dr["hi"] < logged["lo"]
            else "not distinguishable from"
        )
        sections.append(
            Section(
                "Off-policy evaluation",
                text=[
                    "Before going live, the new policy's value is estimated from what the "
                    "old, randomised policy logged, re-weighting each logged visit by how "
                    "much more (or less) often the new policy would have made the same "
                    "choice. Bars are 90 % bootstrap intervals.",
                    f"Doubly robust estimate: {dr['estimate']:.2%} per visitor "
                    f"({dr['lo']:.2%}–{dr['hi']:.2%}), {verdict} the logged policy's "
                    f"{logged['estimate']:.2%}.",
                ],
                figures=[offpolicy_figure(estimates)],
                tables=[estimates],
            )
        )
    return sections
