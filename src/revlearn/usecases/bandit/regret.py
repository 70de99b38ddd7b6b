"""Cumulative regret of bandit policies on a simulator with known click probabilities.

:func:`regret_curves` runs each bandit visitor by visitor (or in small batches) beside the
oracle, a random policy and A/B-then-exploit (a uniform test on the first share of
visitors, then the single winning arm for everyone), for the cumulative regret chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from revlearn.errors import InputError
from revlearn.usecases.bandit.model import ContextualBandit

__all__ = ["regret_curves"]


def _ab_then_exploit(probability: np.ndarray, explore: int, rng: np.random.Generator) -> np.ndarray:
    """Arms chosen by a uniform A/B test on the first visitors, then its single winner."""
    n, k = probability.shape
    chosen = np.empty(n, dtype=np.int64)
    test = rng.integers(0, k, size=min(explore, n))
    chosen[: len(test)] = test
    clicks = rng.random(len(test)) < probability[np.arange(len(test)), test]
    shown = np.bincount(test, minlength=k)
    rate = np.bincount(test, weights=clicks, minlength=k) / np.maximum(shown, 1)
    chosen[len(test) :] = int(rate.argmax())
    return chosen


def regret_curves(
    bandits: dict[str, ContextualBandit],
    contexts: pd.DataFrame,
    click_probability: np.ndarray,
    *,
    explore_share: float = 0.2,
    batch_size: int = 1,
    random_state: int = 0,
) -> pd.DataFrame:
    """Simulate visitors arriving in order and compare the cumulative regret of policies.

    Each bandit is fitted on the contexts (a cold start: no outcome known), then chooses for
    ``batch_size`` visitors at a time and learns from their simulated clicks (drawn from
    ``click_probability``). Regret is expected regret: the best arm's click probability
    minus the chosen arm's, summed over visitors.

    Parameters
    ----------
    bandits : dict of str to ContextualBandit
        Label → an unfitted bandit whose ``arms`` are the columns of ``click_probability``.
    contexts : pandas.DataFrame
        The visitors' context columns, in arrival order.
    click_probability : numpy.ndarray
        ``n × n_arms`` known click probability of each arm for each visitor.
    explore_share : float, default=0.2
        Share of visitors in the A/B test of the A/B-then-exploit baseline.
    batch_size : int, default=1
        Visitors decided before each update (1 = fully online).
    random_state : int, default=0
        Seed of the simulated clicks and of the baselines.

    Returns
    -------
    pandas.DataFrame
        One row per visitor: ``visitor`` (1, 2, …), then the cumulative regret of
        ``oracle`` (0), ``random``, ``A/B then exploit`` and each bandit label.

    Raises
    ------
    InputError
        If ``click_probability`` does not have one row per visitor.
    """
    p = np.asarray(click_probability, dtype=float)
    n = len(contexts)
    if p.ndim != 2 or p.shape[0] != n:
        raise InputError(
            f"click_probability has shape {p.shape}; expected ({n}, n_arms).",
            where="regret_curves(click_probability)",
            fix="Give one row of arm probabilities per visitor.",
        )
    rng = np.random.default_rng(random_state)
    best = p.max(axis=1)
    rows = np.arange(n)
    out = {"visitor": rows + 1, "oracle": np.zeros(n)}
    out["random"] = np.cumsum(best - p.mean(axis=1))
    ab = _ab_then_exploit(p, int(explore_share * n), rng)
    out["A/B then exploit"] = np.cumsum(best - p[rows, ab])
    uniform = rng.random((n, p.shape[1]))
    for label, bandit in bandits.items():
        bandit.fit(contexts)
        X = bandit.encode(contexts)
        codes = np.empty(n, dtype=np.int64)
        for start in range(0, n, batch_size):
            part = slice(start, min(start + batch_size, n))
            arm = bandit._scores(X[part]).argmax(axis=1)
            codes[part] = arm
            clicked = uniform[rows[part], arm] < p[rows[part], arm]
            bandit.update(X[part], np.asarray(bandit.arms_, dtype=object)[arm], clicked)
        out[label] = np.cumsum(best - p[rows, codes])
    return pd.DataFrame(out)
