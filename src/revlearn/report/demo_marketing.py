"""The personalisation part of ``revlearn demo``: recommendations, next best action, bandit.

* **Recommendations**: :class:`~revlearn.usecases.recommend.Recommender` on the demo
  company's B2B purchases up to 60 days before the end (with the catalogue and the
  accounts), measured on the purchases of those last 60 days beside popularity.
* **Next best action**: :class:`~revlearn.usecases.nba.NextBestAction` on the history of
  randomised past actions; the plan is checked against the planted best action.
* **Content bandit**: LinUCB and Thompson sampling on simulated visitors with a planted
  best e-mail subject per segment (cumulative regret against the oracle and an A/B test),
  and the LinUCB policy fitted on the logged test, valued off-policy (IPS, SNIPS, DR).

Returns the report sections, one summary line per part and the registered models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.synth.campaigns import make_bandit_visitors, policy_value
from revlearn.data.synth.company import Company
from revlearn.evaluate.offpolicy import evaluate_policy
from revlearn.report.html import Section
from revlearn.report.nba_report import bandit_sections, nba_sections
from revlearn.report.recommend_report import recommend_sections
from revlearn.store.registry import Registry, fingerprint
from revlearn.store.workspace import Workspace
from revlearn.usecases.bandit import ContextualBandit, regret_curves
from revlearn.usecases.nba import NextBestAction
from revlearn.usecases.recommend import Recommender

__all__ = ["HELD_OUT_DAYS", "SIMULATED_VISITORS", "personalisation"]

Progress = Callable[[str, float], None]

#: Days of purchases held out to measure the recommendations.
HELD_OUT_DAYS = 60
#: Visitors in the bandit simulation.
SIMULATED_VISITORS = 5_000
_CONTEXT = ["segment", "channel", "history_count"]


def personalisation(
    workspace: Workspace,
    company: Company,
    *,
    random_state: int = 0,
    progress: Progress | None = None,
) -> tuple[list[Section], list[str], list[dict[str, Any]]]:
    """Fit, register and report the demo's recommender, next best action and bandit.

    Parameters
    ----------
    workspace : Workspace
        Where the models are registered.
    company : Company
        The demo company (its ``interactions``, ``catalogue``, ``accounts``, ``actions``,
        ``action_customers``, ``action_catalogue`` and ``visits`` tables, and truths).
    random_state : int, default=0
        Seed of the models and the simulation.
    progress : callable, optional
        ``progress(message, fraction)``.

    Returns
    -------
    tuple of (list of Section, list of str, list of dict)
        The report sections, one summary line per part, and the registered models'
        ``name`` and ``version``.
    """

    def step(message: str, fraction: float) -> None:
        if progress:
            progress(message, fraction)

    registry = Registry(workspace)
    step("recommendations", 0.0)
    rec_sections, rec_line, rec_model = _recommendations(registry, company, random_state)
    step("next best action", 0.4)
    nba_part, nba_line, nba_model = _next_best_action(registry, company, random_state)
    step("content bandit", 0.6)
    bandit_part, bandit_line, bandit_model = _bandit(registry, company, random_state)
    return (
        [*rec_sections, *nba_part, *bandit_part],
        [rec_line, nba_line, bandit_line],
        [rec_model, nba_model, bandit_model],
    )


def _save(registry: Registry, model: Any, name: str, data: pd.DataFrame) -> dict[str, Any]:
    record = registry.save(
        model,
        name=name,
        usecase=model.usecase,
        params=model.get_params(),
        metrics={},
        fingerprint=fingerprint(data),
    )
    return {"name": record.name, "version": record.version}


def _recommendations(
    registry: Registry, company: Company, random_state: int
) -> tuple[list[Section], str, dict[str, Any]]:
    bought = company.interactions
    stamps = pd.to_datetime(bought["timestamp"])
    cut = stamps.max() - pd.Timedelta(days=HELD_OUT_DAYS)
    train, later = bought[stamps <= cut], bought[stamps > cut]
    model = Recommender(
        user_col="user", item_col="item", timestamp_col="timestamp", random_state=random_state
    ).fit(train, items=company.catalogue, users=company.accounts)
    saved = _save(registry, model, "recommend", train)
    quality = model.evaluate(later, ks=(10,)).set_index("model")
    ours, popular = quality.loc["revlearn"], quality.loc["popularity"]
    line = (
        f"Recommendations: {model.method_} chosen by backtest; on the last {HELD_OUT_DAYS} "
        f"days' purchases precision@10 {ours['precision']:.3f} and nDCG@10 "
        f"{ours['ndcg']:.3f} against popularity's {popular['precision']:.3f} and "
        f"{popular['ndcg']:.3f} ({ours['ndcg'] / popular['ndcg'] - 1:+.0%} nDCG)."
    )
    return recommend_sections(model, later), line, saved


def _next_best_action(
    registry: Registry, company: Company, random_state: int
) -> tuple[list[Section], str, dict[str, Any]]:
    customers = company.action_customers
    model = NextBestAction(random_state=random_state).fit(
        company.actions, customers=customers, catalogue=company.action_catalogue
    )
    saved = _save(registry, model, "nba", company.actions)
    plan = model.predict(customers)
    best = np.asarray(company.truths["actions"]["best_action"])
    agree = float(np.mean(plan["planned_action"].to_numpy() == best))
    summary = model.summary()
    line = (
        f"Next best action: the plan picks the planted best action for {agree:.1%} of "
        f"{len(customers):,} customers; expected value {summary['expected_total_value']:,.0f} "
        f"with {summary['holdout_size']:,} customers held out to measure the lift."
    )
    return nba_sections(model), line, saved


def _bandit(
    registry: Registry, company: Company, random_state: int
) -> tuple[list[Section], str, dict[str, Any]]:
    visitors, truths = make_bandit_visitors(np.random.default_rng(random_state), SIMULATED_VISITORS)
    arms = list(truths["variants"])
    curves = regret_curves(
        {
            "LinUCB": ContextualBandit(arms=arms, policy="linucb", random_state=random_state),
            "Thompson": ContextualBandit(arms=arms, policy="thompson", random_state=random_state),
        },
        visitors[_CONTEXT],
        truths["click_probability"],
        batch_size=10,
        random_state=random_state,
    )
    logged = company.visits
    bandit = ContextualBandit(
        arm_col="variant", reward_col="clicked", context_cols=_CONTEXT, random_state=random_state
    ).fit(logged)
    saved = _save(registry, bandit, "bandit", logged)
    target = bandit.predict(logged[_CONTEXT])["arm"].to_numpy()
    estimates = evaluate_policy(
        logged,
        target,
        arm_col="variant",
        reward_col="clicked",
        context_cols=_CONTEXT,
        n_bootstrap=200,
        random_state=random_state,
    )
    visit_truths = company.truths["visits"]
    true_value = policy_value(visit_truths["click_probability"], target)
    dr = estimates.set_index("estimator").loc["dr"]
    last = curves.iloc[-1]
    line = (
        f"Content bandit: over {SIMULATED_VISITORS:,} simulated visitors LinUCB loses "
        f"{last['LinUCB']:,.0f} clicks to the oracle against {last['A/B then exploit']:,.0f} "
        f"for A/B-then-exploit; the policy learned from the logged test is worth "
        f"{true_value:.3f} clicks a visit (planted), estimated {dr['estimate']:.3f} "
        f"off-policy (DR), against {visit_truths['logged_value']:.3f} for the logged policy."
    )
    return bandit_sections(curves, estimates, bandit=bandit), line, saved
