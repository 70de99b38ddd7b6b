"""Campaign data of the demo company: a content bandit simulator and a next-best-action log.

Two generators, each returning frames and a ``truths`` dict of what was planted:

* :func:`make_bandit_visitors` — visitors of the web shop and e-mail list, each with a
  context (``segment``, ``channel``, ``history_count``: past visits) and the **known click
  probability of every variant** (e-mail subjects / banners). The planted truth is a best
  variant per segment: ``"discount"`` for bargain hunters, ``"new arrivals"`` for premium
  buyers, ``"bundle"`` for regulars and ``"free shipping"`` for new visitors; the app
  channel clicks 1.3× more, e-mail 0.8×, and every past visit (up to 5) adds 4 %. No single
  variant is best for everyone, so an A/B test that keeps one global winner loses to a
  contextual policy. :func:`make_bandit_log` draws a logged data set from these visitors
  under a known randomised logging policy (favouring ``"discount"`` on e-mail) with the
  propensity of each logged choice, and gives the true value of any policy through
  :func:`policy_value`.
* :func:`make_nba_history` — customers with features (``tenure_months``, ``monthly_spend``,
  ``at_risk``, ``price_sensitive``, ``value``: what keeping them is worth) and a history of
  past actions (``offer``, ``retention call``, ``upsell``, ``content``, ``nothing``) assigned
  uniformly at random with planted response probabilities: a retention call keeps 45 % of
  at-risk customers and almost none of the others (1 %), an offer converts 35 % of
  price-sensitive customers and 4 % of the others, an upsell converts 6 % (18 % of big
  spenders), content 8 %, nothing 2 %. The action catalogue prices them so that the best
  action by expected value is the retention call for at-risk customers and the offer for
  price-sensitive ones (``truths["best_action"]``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "NBA_ACTIONS",
    "VARIANTS",
    "make_bandit_log",
    "make_bandit_visitors",
    "make_nba_history",
    "policy_value",
]

#: The banner / e-mail subject variants of the bandit simulator.
VARIANTS: tuple[str, ...] = ("discount", "new arrivals", "bundle", "free shipping")
_SEGMENTS = ("bargain hunter", "premium buyer", "regular", "new visitor")
_SEGMENT_SHARE = (0.3, 0.15, 0.35, 0.2)
#: Click probability of each variant (columns, VARIANTS order) per segment (rows).
_CLICK = np.array(
    [
        [0.12, 0.03, 0.05, 0.06],
        [0.02, 0.10, 0.04, 0.03],
        [0.04, 0.05, 0.09, 0.05],
        [0.05, 0.04, 0.04, 0.08],
    ]
)
_CHANNELS = ("web", "email", "app")
_CHANNEL_SHARE = (0.5, 0.3, 0.2)
_CHANNEL_LIFT = np.array([1.0, 0.8, 1.3])

#: The actions of the next-best-action history.
NBA_ACTIONS: tuple[str, ...] = ("offer", "retention call", "upsell", "content", "nothing")


def make_bandit_visitors(
    rng: np.random.Generator, n_visitors: int = 10_000
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Draw visitors with a context and the known click probability of every variant.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (seeded by the caller).
    n_visitors : int, default=10_000
        How many visitors, in arrival order.

    Returns
    -------
    visitors : pandas.DataFrame
        Columns ``visitor_id``, ``segment``, ``channel`` and ``history_count``.
    truths : dict
        ``variants`` (list), ``click_probability`` (array ``n_visitors × n_variants``),
        ``best_variant`` (segment → its best variant), ``click_table`` (segment → variant
        → base click probability on the web with no history).
    """
    segment = rng.choice(len(_SEGMENTS), size=n_visitors, p=_SEGMENT_SHARE)
    channel = rng.choice(len(_CHANNELS), size=n_visitors, p=_CHANNEL_SHARE)
    history = rng.poisson(np.where(segment == 3, 0.3, 3.0))
    probability = (
        _CLICK[segment]
        * _CHANNEL_LIFT[channel][:, None]
        * (1 + 0.04 * np.minimum(history, 5))[:, None]
    )
    visitors = pd.DataFrame(
        {
            "visitor_id": np.arange(1, n_visitors + 1),
            "segment": np.asarray(_SEGMENTS, dtype=object)[segment],
            "channel": np.asarray(_CHANNELS, dtype=object)[channel],
            "history_count": history.astype(np.int64),
        }
    )
    truths = {
        "variants": list(VARIANTS),
        "click_probability": np.clip(probability, 0.0, 1.0),
        "best_variant": {s: VARIANTS[int(np.argmax(_CLICK[i]))] for i, s in enumerate(_SEGMENTS)},
        "click_table": {
            s: {v: float(_CLICK[i, j]) for j, v in enumerate(VARIANTS)}
            for i, s in enumerate(_SEGMENTS)
        },
    }
    return visitors, truths


def _logging_probabilities(channel: np.ndarray) -> np.ndarray:
    """The logging policy: uniform on web and app, ``discount`` half the time on e-mail."""
    k = len(VARIANTS)
    out = np.full((len(channel), k), 1.0 / k)
    email = channel == "email"
    out[email] = [0.5] + [0.5 / (k - 1)] * (k - 1)
    return out


def make_bandit_log(
    rng: np.random.Generator, n_visitors: int = 10_000
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Log visitors served by a known randomised policy, with the propensity of each choice.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (seeded by the caller).
    n_visitors : int, default=10_000
        How many logged visits.

    Returns
    -------
    logged : pandas.DataFrame
        The visitor columns of :func:`make_bandit_visitors` plus ``variant`` (shown),
        ``propensity`` (probability that the logging policy showed it) and ``clicked``
        (0/1).
    truths : dict
        Those of :func:`make_bandit_visitors` plus ``logging_probability`` (array
        ``n × n_variants``) and ``logged_value`` (expected click rate of the logging
        policy on these visitors).
    """
    visitors, truths = make_bandit_visitors(rng, n_visitors)
    logging = _logging_probabilities(visitors["channel"].to_numpy())
    cumulative = logging.cumsum(axis=1)
    chosen = (rng.random(n_visitors)[:, None] > cumulative).sum(axis=1)
    chosen = np.minimum(chosen, len(VARIANTS) - 1)
    rows = np.arange(n_visitors)
    p_click = truths["click_probability"][rows, chosen]
    logged = visitors.assign(
        variant=np.asarray(VARIANTS, dtype=object)[chosen],
        propensity=logging[rows, chosen],
        clicked=(rng.random(n_visitors) < p_click).astype(np.int64),
    )
    truths = {
        **truths,
        "logging_probability": logging,
        "logged_value": float((logging * truths["click_probability"]).sum(axis=1).mean()),
    }
    return logged, truths


def policy_value(click_probability: np.ndarray, choices: Any, variants: Any = VARIANTS) -> float:
    """Compute the true expected click rate of a policy from the planted probabilities.

    Parameters
    ----------
    click_probability : numpy.ndarray
        ``n × n_variants`` known click probabilities (``truths["click_probability"]``).
    choices : array-like
        The variant the policy shows each visitor (names), or an ``n × n_variants`` array
        of the probabilities with which it shows each.
    variants : sequence of str, default=VARIANTS
        Variant names in the column order of ``click_probability``.

    Returns
    -------
    float
        Mean click probability over the visitors under the policy.
    """
    chosen = np.asarray(choices)
    if chosen.ndim == 2:
        return float((chosen * click_probability).sum(axis=1).mean())
    index = pd.Index(list(variants)).get_indexer(chosen)
    return float(click_probability[np.arange(len(index)), index].mean())


def _response_probability(customers: pd.DataFrame) -> np.ndarray:
    """Planted P(response | action, customer), one column per :data:`NBA_ACTIONS`."""
    risk = customers["at_risk"].to_numpy().astype(bool)
    price = customers["price_sensitive"].to_numpy().astype(bool)
    big = customers["monthly_spend"].to_numpy() > 120
    n = len(customers)
    return np.column_stack(
        [
            np.where(price, 0.35, 0.04),
            np.where(risk, 0.45, 0.01),
            np.where(big, 0.18, 0.06),
            np.full(n, 0.08),
            np.full(n, 0.02),
        ]
    )


#: Action catalogue of the NBA history: value per response, cost per contact, eligibility.
_CATALOGUE = (
    ("offer", 100.0, 5.0, "", "to take the offer"),
    ("retention call", "value", 25.0, "tenure_months >= 3", "to keep a customer"),
    ("upsell", 120.0, 2.0, "", "to buy the upgrade"),
    ("content", 40.0, 0.5, "", "to engage"),
    ("nothing", 0.0, 0.0, "", ""),
)


def make_nba_history(
    rng: np.random.Generator, n_customers: int = 3_000, n_past: int = 2
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Draw customers, a randomised history of actions and responses, and the catalogue.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (seeded by the caller).
    n_customers : int, default=3_000
        How many customers.
    n_past : int, default=2
        Past actions per customer (each drawn uniformly from :data:`NBA_ACTIONS`).

    Returns
    -------
    frames : dict of pandas.DataFrame
        ``customers`` (``customer_id``, ``tenure_months``, ``monthly_spend``, ``at_risk``,
        ``price_sensitive``, ``region``, ``value``), ``history`` (``customer_id``,
        ``action``, ``responded``) and ``catalogue`` (``action``, ``value``: a number or
        the customer column holding it, ``cost``, ``eligible``: a pandas query, empty for
        everyone; ``response``: what a response is, for the reasons).
    truths : dict
        ``response_probability`` (array ``n_customers × 5``, :data:`NBA_ACTIONS` order),
        ``expected_value`` (same shape, P × value − cost, with ineligible actions at −inf),
        ``best_action`` (array of names) and ``actions``.
    """
    n = n_customers
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(1, n + 1)],
            "tenure_months": rng.integers(1, 60, size=n),
            "monthly_spend": np.round(rng.gamma(4.0, 25.0, size=n), 2),
            "at_risk": (rng.random(n) < 0.25).astype(np.int64),
            "price_sensitive": (rng.random(n) < 0.3).astype(np.int64),
            "region": rng.choice(np.array(["north", "south", "west"], dtype=object), size=n),
            "value": np.round(rng.uniform(400, 1600, size=n), 0),
        }
    )
    probability = _response_probability(customers)
    who = np.repeat(np.arange(n), n_past)
    action = rng.integers(0, len(NBA_ACTIONS), size=len(who))
    responded = rng.random(len(who)) < probability[who, action]
    history = pd.DataFrame(
        {
            "customer_id": customers["customer_id"].to_numpy()[who],
            "action": np.asarray(NBA_ACTIONS, dtype=object)[action],
            "responded": responded.astype(np.int64),
        }
    )
    columns = ["action", "value", "cost", "eligible", "response"]
    catalogue = pd.DataFrame(_CATALOGUE, columns=columns)
    values = np.column_stack(
        [
            customers[v].to_numpy(dtype=float) if isinstance(v, str) else np.full(n, float(v))
            for v in catalogue["value"]
        ]
    )
    expected = probability * values - catalogue["cost"].to_numpy(dtype=float)
    expected[customers["tenure_months"].to_numpy() < 3, 1] = -np.inf
    truths = {
        "actions": list(NBA_ACTIONS),
        "response_probability": probability,
        "expected_value": expected,
        "best_action": np.asarray(NBA_ACTIONS, dtype=object)[expected.argmax(axis=1)],
    }
    frames = {"customers": customers, "history": history, "catalogue": catalogue}
    return frames, truths
