"""How the model commands run the campaign use cases: next best action and the content bandit.

``fit nba`` reads a history of past actions and responses (``--data``, ``--customer``,
``--action``, ``--response``) with a customer table (``--customers``) and an action
catalogue (``--catalogue``), under a contact cap (``--max-contacts``) and a random holdout
(``--holdout-share``); ``predict`` writes one planned action per customer of ``--data``;
``evaluate`` measures the lift of treated over held-out customers on their outcomes;
``explain`` shows the per-action table; ``report`` draws the plan.

``fit bandit`` learns a contextual bandit from logged visits (``--arm``, ``--reward``,
``--context``, ``--method linucb|thompson``); ``predict`` writes the best arm and every
arm's expected reward per row; ``evaluate`` and ``report`` estimate the fitted policy's
value on a log with propensities (IPS, self-normalised IPS, doubly robust).

:mod:`revlearn.cli.fitting` and :mod:`revlearn.cli.modelling` call these functions when the
use case is one of :data:`CAMPAIGN_USECASES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.markup import escape
from rich.table import Table

from revlearn.cli._app import column_list, kv_table, out
from revlearn.errors import ParameterError

__all__ = [
    "CAMPAIGN_USECASES",
    "CampaignOptions",
    "build_campaign_model",
    "campaign_metrics",
    "campaign_predictions",
    "campaign_sections",
    "evaluate_campaign",
    "fit_campaign_model",
    "show_campaign_evaluation",
    "show_campaign_fit",
]

CAMPAIGN_USECASES = ("nba", "bandit")


@dataclass
class CampaignOptions:
    """The ``revlearn fit`` options the campaign use cases read."""

    customer: str | None = None
    action: str | None = None
    response: str | None = None
    value: str | None = None
    max_contacts: str | None = None
    holdout_share: float | None = None
    arm: str | None = None
    reward: str | None = None
    context: str | None = None
    method: str | None = None


def _max_contacts(text: str | None) -> int | float | None:
    """``--max-contacts``: a count (500), a share (0.2) or a percentage (20%)."""
    if text is None:
        return None
    raw = text.strip()
    try:
        if raw.endswith("%"):
            share = float(raw[:-1]) / 100
        elif raw.isdigit():
            return int(raw)
        else:
            share = float(raw)
    except ValueError:
        share = float("nan")
    if not 0 < share <= 1:
        raise ParameterError(
            f"--max-contacts must be a count or a share in (0, 1]; got {text!r}.",
            where="revlearn fit --max-contacts",
            fix="Pass e.g. --max-contacts 500 (customers) or --max-contacts 0.2 (a share).",
        )
    return share


def build_campaign_model(usecase: str, opts: CampaignOptions) -> Any:
    """Make the unfitted NextBestAction or ContextualBandit from the fit options.

    Parameters
    ----------
    usecase : str
        ``"nba"`` or ``"bandit"``.
    opts : CampaignOptions
        The parsed options.

    Returns
    -------
    NextBestAction or ContextualBandit
        Ready for ``fit``.

    Raises
    ------
    ParameterError
        If ``--max-contacts`` is neither a count nor a share.
    """
    if usecase == "bandit":
        from revlearn.usecases.bandit import ContextualBandit

        return ContextualBandit(
            arm_col=opts.arm or "arm",
            reward_col=opts.reward or "reward",
            context_cols=column_list(opts.context) if opts.context else None,
            policy=opts.method or "linucb",  # type: ignore[arg-type]  # checked by fit
        )
    from revlearn.usecases.nba import NextBestAction

    params: dict[str, Any] = {
        "customer_col": opts.customer or "customer_id",
        "action_col": opts.action or "action",
        "response_col": opts.response or "responded",
        "value_col": opts.value,
        "max_contacts": _max_contacts(opts.max_contacts),
    }
    if opts.holdout_share is not None:
        params["holdout_share"] = opts.holdout_share
    return NextBestAction(**params)


def fit_campaign_model(
    usecase: str,
    model: Any,
    frame: pd.DataFrame,
    *,
    customers: pd.DataFrame | None,
    catalogue: pd.DataFrame | None,
) -> None:
    """Fit a campaign model on the ``--data`` table (and, for nba, the other two tables).

    Parameters
    ----------
    usecase : str
        ``"nba"`` or ``"bandit"``.
    model : NextBestAction or ContextualBandit
        From :func:`build_campaign_model`.
    frame : pandas.DataFrame
        nba: the history of actions and responses; bandit: the logged visits.
    customers : pandas.DataFrame, optional
        nba: the customer table (``--customers``).
    catalogue : pandas.DataFrame, optional
        nba: the action catalogue (``--catalogue``).

    Raises
    ------
    ParameterError
        If ``fit nba`` lacks ``--customers`` or ``--catalogue``, or ``fit bandit`` is given
        them.
    """
    if usecase == "bandit":
        if customers is not None or catalogue is not None:
            raise ParameterError(
                "--customers and --catalogue belong to `revlearn fit nba`.",
                where="revlearn fit bandit",
                fix="Drop them; a bandit reads logged visits only (--arm, --reward, --context).",
            )
        model.fit(frame)
        return
    for flag, table, what in (
        ("--customers", customers, "the customer table with features"),
        ("--catalogue", catalogue, "the actions with value, cost and eligibility"),
    ):
        if table is None:
            raise ParameterError(
                f"`revlearn fit nba` needs {flag}.",
                where="revlearn fit nba",
                fix=f"Pass {flag} FILE ({what}).",
            )
    model.fit(frame, customers=customers, catalogue=catalogue)


def campaign_metrics(usecase: str, summary: dict[str, Any]) -> dict[str, Any]:
    """The figures stored with the model in the registry.

    Parameters
    ----------
    usecase : str
        ``"nba"`` or ``"bandit"``.
    summary : dict
        The model's ``summary()``.

    Returns
    -------
    dict
        nba: ``cv_log_loss`` (the chosen response model's), ``expected_total_value``,
        ``n_contacted`` and ``holdout_size``; bandit: ``n_events`` and ``best_arm_overall``.
    """
    if usecase == "bandit":
        return {"n_events": summary["n_events"], "best_arm_overall": summary["best_arm_overall"]}
    return {
        "cv_log_loss": min(s["log_loss"] for s in summary["cv_log_loss"]),
        "expected_total_value": summary["expected_total_value"],
        "n_contacted": summary["n_contacted"],
        "holdout_size": summary["holdout_size"],
    }


def show_campaign_fit(usecase: str, title: str, summary: dict[str, Any]) -> None:
    """Print what ``fit nba`` or ``fit bandit`` learned.

    Parameters
    ----------
    usecase : str
        ``"nba"`` or ``"bandit"``.
    title : str
        Table title (model name, version, seconds).
    summary : dict
        The model's ``summary()``.
    """
    if usecase == "bandit":
        _show_bandit_fit(title, summary)
        return
    chosen = summary["response_model"]
    loss = min(s["log_loss"] for s in summary["cv_log_loss"])
    cap = summary["max_contacts"]
    cap_text = (
        "none"
        if cap is None
        else f"{cap:.0%} of customers"
        if isinstance(cap, float)
        else f"{cap:,}"
    )
    out.print(
        kv_table(
            title,
            [
                ("customers", f"{summary['n_customers']:,}"),
                ("contacted", f"{summary['n_contacted']:,} (cap: {cap_text})"),
                (
                    "holdout",
                    f"{summary['holdout_size']:,} customers "
                    f"({summary['holdout_share']:.0%}, drawn at random, get nothing)",
                ),
                ("expected value", f"{summary['expected_total_value']:,.0f} (outside the holdout)"),
                (
                    "response model",
                    f"{chosen['structure']} {chosen['learner']} (cv log-loss {loss:.4f}, best "
                    f"of {len(summary['cv_log_loss'])})",
                ),
            ],
        )
    )
    table = Table(title="Actions in the plan", title_justify="left")
    for col in ("action", "planned", "expected value", "response rate (history)"):
        table.add_column(col)
    for action in summary["actions"]:
        rate = summary["response_rates"].get(action)
        table.add_row(
            escape(str(action)),
            f"{summary['action_counts'].get(action, 0):,}",
            f"{summary['expected_value_by_action'].get(action, 0.0):,.0f}",
            "n/a (no history)" if rate is None else f"{rate:.1%}",
        )
    out.print(table)
    out.print(
        "[dim]note:[/] the holdout gets nothing whatever its plan; once outcomes are in, "
        "`revlearn evaluate --data OUTCOMES` (the predict output with an outcome column) "
        "measures the lift."
    )


def _show_bandit_fit(title: str, summary: dict[str, Any]) -> None:
    out.print(
        kv_table(
            title,
            [
                ("policy", f"{summary['policy']} (alpha {summary['alpha']:g})"),
                ("context", escape(", ".join(summary["context_cols"])) or "none"),
                ("features", f"{summary['n_features']:,} (encoded)"),
                ("outcomes learned from", f"{summary['n_events']:,}"),
                ("best arm overall", escape(str(summary["best_arm_overall"]))),
            ],
        )
    )
    table = Table(title="Arms in the log", title_justify="left")
    for col in ("arm", "shown", "mean reward"):
        table.add_column(col)
    for arm in summary["arms"]:
        mean = summary["mean_reward"][arm]
        table.add_row(
            escape(arm), f"{summary['pulls'][arm]:,}", "n/a" if mean is None else f"{mean:.4f}"
        )
    out.print(table)
    out.print(
        "[dim]note:[/] `revlearn evaluate --data LOG` estimates this policy's value on a log "
        "with propensities; use a log the bandit was not fitted on."
    )


def campaign_predictions(usecase: str, model: Any, frame: pd.DataFrame | None) -> pd.DataFrame:
    """The rows ``revlearn predict`` writes for a campaign model.

    Parameters
    ----------
    usecase : str
        ``"nba"`` or ``"bandit"``.
    model : NextBestAction or ContextualBandit
        A fitted model.
    frame : pandas.DataFrame, optional
        nba: the customers to plan for (id and features); bandit: the visitors (context).

    Returns
    -------
    pandas.DataFrame
        nba: ``NextBestAction.predict`` (customer, action, probability, value, cost,
        expected_value, reason, in_holdout, planned_action); bandit: the input's columns
        that are not context (ids), then ``arm``, ``expected_reward`` and
        ``expected_<arm>`` per arm.

    Raises
    ------
    ParameterError
        If ``frame`` is None.
    """
    if frame is None:
        what = "the customers (id and features)" if usecase == "nba" else "the visitors"
        raise ParameterError(
            f"Predicting with a {usecase} model needs --data: {what}.",
            where="revlearn predict",
            fix="Pass --data FILE.",
        )
    if usecase == "nba":
        return model.predict(frame)
    chosen = model.predict(frame)
    skip = {*model.context_cols_, model.arm_col, model.reward_col, "propensity"}
    ids = frame[[c for c in frame.columns if c not in skip]]
    return pd.concat([ids, chosen], axis=1).reset_index(drop=True)


def evaluate_campaign(
    usecase: str,
    model: Any,
    frame: pd.DataFrame,
    *,
    outcome: str | None = None,
    propensity: str | None = None,
) -> dict[str, Any]:
    """Measure a campaign model: the lift of a plan, or a policy's value off-policy.

    Parameters
    ----------
    usecase : str
        ``"nba"`` or ``"bandit"``.
    model : NextBestAction or ContextualBandit
        A fitted model.
    frame : pandas.DataFrame
        nba: one row per customer with the outcome and the plan's ``in_holdout`` and
        ``planned_action`` (the predict output with an outcome column added); bandit: a
        log with context, arm, reward and the logging propensity.
    outcome : str, optional
        nba: the outcome column (``outcome`` by default).
    propensity : str, optional
        bandit: the propensity column (``propensity`` by default).

    Returns
    -------
    dict
        nba: ``lift`` (rows treated, holdout, lift: n, mean, lo, hi, p_value); bandit:
        ``estimates`` (rows logged, ips, snips, dr: estimate, std_error, lo, hi, n,
        effective_n) and ``policy_arms`` (rows per arm the fitted policy would choose).
    """
    if usecase == "nba":
        lift = model.measure_lift(frame, outcome_col=outcome or "outcome")
        return {"lift": lift.to_dict(orient="records")}
    estimates, chosen = _offpolicy(model, frame, propensity)
    counts = pd.Series(chosen).value_counts()
    return {
        "estimates": estimates.to_dict(orient="records"),
        "policy_arms": {str(a): int(counts.get(a, 0)) for a in model.arms_},
    }


def _offpolicy(model: Any, frame: pd.DataFrame, propensity: str | None) -> tuple[pd.DataFrame, Any]:
    """Off-policy estimates of the bandit's greedy policy on a log, and its choices."""
    from revlearn.evaluate.offpolicy import evaluate_policy

    chosen = model.predict(frame)["arm"].to_numpy()
    estimates = evaluate_policy(
        frame,
        chosen,
        arm_col=model.arm_col,
        reward_col=model.reward_col,
        propensity_col=propensity or "propensity",
        context_cols=model.context_cols_,
        arms=model.arms_,
    )
    return estimates, chosen


def show_campaign_evaluation(usecase: str, title: str, result: dict[str, Any]) -> None:
    """Print the lift of a plan, or the off-policy estimates of a bandit policy.

    Parameters
    ----------
    usecase : str
        ``"nba"`` or ``"bandit"``.
    title : str
        Table title.
    result : dict
        :func:`evaluate_campaign` output.
    """
    rows = result["lift"] if usecase == "nba" else result["estimates"]
    key = "group" if usecase == "nba" else "estimator"
    table = Table(title=title, title_justify="left")
    for col in (key, "n", "mean" if usecase == "nba" else "estimate", "90 % interval"):
        table.add_column(col)
    value = "mean" if usecase == "nba" else "estimate"
    for r in rows:
        table.add_row(
            str(r[key]), f"{r['n']:,}", f"{r[value]:.4f}", f"{r['lo']:.4f} – {r['hi']:.4f}"
        )
    out.print(table)
    if usecase == "nba":
        lift = rows[-1]
        out.print(
            f"[bold]Lift:[/] {lift['mean']:+.4f} per customer (p = {lift['p_value']:.3g}); "
            + (
                "the actions add something."
                if lift["lo"] > 0
                else "not distinguishable from no effect yet."
            )
        )
        return
    e = {r["estimator"]: r for r in rows}
    dr, logged = e["dr"], e["logged"]
    verdict = (
        "better than"
        if dr["lo"] > logged["hi"]
        else "worse than"
        if dr["hi"] < logged["lo"]
        else "not distinguishable from"
    )
    shares = ", ".join(f"{escape(a)} {n:,}" for a, n in result["policy_arms"].items())
    out.print(
        f"[bold]Policy:[/] doubly robust {dr['estimate']:.2%} per row, {verdict} the logged "
        f"policy's {logged['estimate']:.2%}. It would show: {shares}."
    )


def campaign_sections(
    usecase: str, model: Any, frame: pd.DataFrame | None, *, propensity: str | None = None
) -> list[Any]:
    """Build the report sections of a campaign model.

    Parameters
    ----------
    usecase : str
        ``"nba"`` or ``"bandit"``.
    model : NextBestAction or ContextualBandit
        A fitted model.
    frame : pandas.DataFrame, optional
        bandit: a log with propensities for the off-policy section (not used by nba).
    propensity : str, optional
        bandit: the propensity column (``propensity`` by default).

    Returns
    -------
    list of Section
        nba: :func:`~revlearn.report.nba_report.nba_sections`; bandit: the arms (pulls,
        mean reward, what each arm's model learned) and, with ``frame``, the off-policy
        evaluation. The regret chart needs a simulator's click probabilities, so it is
        not drawn here (see ``revlearn demo``).
    """
    from revlearn.report.html import Section
    from revlearn.report.nba_report import nba_sections, offpolicy_figure

    if usecase == "nba":
        return nba_sections(model)
    summary = model.summary()
    arms = pd.DataFrame(
        {
            "arm": summary["arms"],
            "pulls": [summary["pulls"][a] for a in summary["arms"]],
            "mean_reward": [summary["mean_reward"][a] for a in summary["arms"]],
        }
    )
    sections = [
        Section(
            "Content bandit: arms",
            text=[
                f"A {summary['policy']} bandit over {len(summary['arms'])} arms, learned from "
                f"{summary['n_events']:,} logged outcomes with context "
                f"{', '.join(summary['context_cols']) or 'none'}. Best arm overall: "
                f"{summary['best_arm_overall']}; the coefficients show which context makes "
                "each arm more (or less) rewarding."
            ],
            tables=[arms, model.explain()],
        )
    ]
    if frame is not None:
        estimates, _ = _offpolicy(model, frame, propensity)
        e = estimates.set_index("estimator")
        dr, logged = e.loc["dr"], e.loc["logged"]
        sections.append(
            Section(
                "Off-policy evaluation",
                text=[
                    "The fitted policy's value is estimated from what the logging policy "
                    "showed, re-weighting each logged row by how much more (or less) often "
                    "the fitted policy would have made the same choice. Bars are 90 % "
                    "bootstrap intervals; a log the bandit was not fitted on gives an "
                    "honest estimate.",
                    f"Doubly robust estimate: {dr['estimate']:.2%} per row "
                    f"({dr['lo']:.2%}–{dr['hi']:.2%}) against the logged policy's "
                    f"{logged['estimate']:.2%}.",
                ],
                figures=[offpolicy_figure(estimates)],
                tables=[estimates],
            )
        )
    return sections
