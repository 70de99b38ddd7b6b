"""Subscription customers of the demo company, for churn models, with planted truths.

Whether a customer churns (``churned == "yes"``) is drawn from a logistic model:

* ``contract``: month-to-month 0, one-year -1.2, two-year -2.4 on the log-odds, so a
  month-to-month customer is far more likely to leave than a two-year one.
* ``price_rise`` (a price increase in the last 3 months) multiplies the odds by **2.5**.
* ``support_tickets`` (last 90 days): odds × ``exp(0.3) ≈ 1.35`` per ticket.
* ``usage_trend`` (% change in usage over 3 months): -0.03 per point (odds × 0.74 per
  10 points of decline avoided); ``tenure_months``: -0.015 per month; ``plan``: pro -0.2,
  enterprise -0.4; ``payment_method`` direct_debit -0.3.
* ``nps`` has no direct effect: it is a symptom (lower with more tickets and falling usage),
  and it is missing for about 20 % of customers who never answered the survey.
* ``seats``, ``monthly_charge``, ``region``, ``gender``, ``noise_score`` and
  ``noise_category`` have no effect on the true churn.
* **Planted label bias** for a fairness check: the *recorded* outcome of 12 % of the
  ``"female"`` customers who in truth stayed is ``"yes"`` (as if a retention team had closed
  their accounts by mistake), so the historical churn rate of women is inflated although
  their true churn risk is the same as men's.

The recorded churn rate is about 22 %.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.synth.leads import REFERENCE_DATE

__all__ = ["CUSTOMER_TRUTHS", "make_customers"]

logger = logging.getLogger(__name__)

_PLANS = ["basic", "pro", "enterprise"]
_PLAN_EFFECT = {"basic": 0.0, "pro": -0.2, "enterprise": -0.4}
_PLAN_SEAT_PRICE = np.array([15.0, 35.0, 60.0])
_CONTRACTS = ["month-to-month", "one-year", "two-year"]
_CONTRACT_EFFECT = {"month-to-month": 0.0, "one-year": -1.2, "two-year": -2.4}
_CONTRACT_SHARE_BY_PLAN = np.array([[0.70, 0.20, 0.10], [0.50, 0.30, 0.20], [0.20, 0.40, 0.40]])
_PAYMENTS = ["card", "invoice", "direct_debit", "paypal"]
_PAYMENT_EFFECT = {"card": 0.0, "invoice": 0.0, "direct_debit": -0.3, "paypal": 0.0}
_REGIONS = [
    "DACH",
    "Nordics",
    "UK & Ireland",
    "France & Benelux",
    "Southern Europe",
    "North America",
]
_INTERCEPT = -1.3
_PRICE_RISE_ODDS = 2.5
_FLIP_RATE = 0.12

CUSTOMER_TRUTHS: dict[str, Any] = {
    "intercept": _INTERCEPT,
    "contract": dict(_CONTRACT_EFFECT),
    "price_rise": float(np.log(_PRICE_RISE_ODDS)),
    "price_rise_odds_multiplier": _PRICE_RISE_ODDS,
    "support_tickets": 0.3,
    "usage_trend": -0.03,
    "tenure_months": -0.015,
    "plan": dict(_PLAN_EFFECT),
    "payment_method": dict(_PAYMENT_EFFECT),
    "no_effect": ["nps", "seats", "monthly_charge", "region", "gender"],
    "noise": ["noise_score", "noise_category"],
    "label_bias": {
        "column": "gender",
        "group": "female",
        "flip_rate": _FLIP_RATE,
        "direction": "stayed recorded as churned",
    },
    "target": "churned",
}


def _contract_and_plan(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    plan = rng.choice(len(_PLANS), size=n, p=[0.5, 0.35, 0.15])
    cumulative = _CONTRACT_SHARE_BY_PLAN.cumsum(axis=1)[plan]
    contract = (rng.random(n)[:, None] > cumulative[:, :-1]).sum(axis=1)
    return plan, contract


def _true_churn_log_odds(frame: pd.DataFrame) -> np.ndarray:
    return (
        _INTERCEPT
        + frame["contract"].map(_CONTRACT_EFFECT).to_numpy(dtype=float)
        + np.log(_PRICE_RISE_ODDS) * (frame["price_rise"] == "yes").to_numpy(dtype=float)
        + 0.3 * frame["support_tickets"].to_numpy(dtype=float)
        - 0.03 * frame["usage_trend"].to_numpy(dtype=float)
        - 0.015 * frame["tenure_months"].to_numpy(dtype=float)
        + frame["plan"].map(_PLAN_EFFECT).to_numpy(dtype=float)
        + frame["payment_method"].map(_PAYMENT_EFFECT).to_numpy(dtype=float)
    )


def make_customers(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, list[str]]:
    """Generate customers following the planted truths of this module.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source; the same generator state gives the same frame.
    n : int
        Number of customers.

    Returns
    -------
    frame : pandas.DataFrame
        One row per customer with the columns described in
        :func:`revlearn.data.synth.make_company`.
    flipped : list of str
        The ``customer_id`` of customers whose recorded ``"yes"`` is the planted label bias.
    """
    plan, contract = _contract_and_plan(rng, n)
    days = rng.gamma(1.5, 14.0, size=n).clip(0.0, 72.0) * 30.44 + 15.0
    seats = np.select(
        [plan == 0, plan == 1],
        [1 + rng.poisson(3, size=n), 5 + rng.poisson(12, size=n)],
        20 + rng.poisson(80, size=n),
    )
    discount = np.where(contract > 0, rng.uniform(0.0, 0.2, size=n), 0.0)
    tickets = rng.poisson(np.where(plan == 2, 1.6, 1.2))
    usage = np.round(rng.normal(2.0, 18.0, size=n), 1)
    nps = np.clip(np.round(8.0 - 0.5 * tickets + 0.04 * usage + rng.normal(0, 1.8, size=n)), 0, 10)
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(np.arange(1, n + 1)).map("C{:06d}".format).to_numpy(),
            "signup_date": (REFERENCE_DATE - pd.to_timedelta(np.round(days), unit="D")),
            "tenure_months": (np.round(days) // 30.44).astype(np.int64),
            "plan": np.asarray(_PLANS, dtype=object)[plan],
            "contract": np.asarray(_CONTRACTS, dtype=object)[contract],
            "monthly_charge": np.round(seats * _PLAN_SEAT_PRICE[plan] * (1.0 - discount), 2),
            "price_rise": np.where(rng.random(n) < 0.25, "yes", "no").astype(object),
            "usage_trend": usage,
            "support_tickets": tickets,
            "nps": np.where(rng.random(n) < 0.2, np.nan, nps),
            "payment_method": rng.choice(_PAYMENTS, size=n, p=[0.4, 0.25, 0.2, 0.15]),
            "seats": seats,
            "region": rng.choice(_REGIONS, size=n, p=[0.25, 0.1, 0.15, 0.2, 0.15, 0.15]),
            "gender": rng.choice(["female", "male"], size=n),
            "noise_score": np.round(rng.normal(0.0, 1.0, size=n), 3),
            "noise_category": rng.choice(["north", "south", "east", "west"], size=n),
        }
    )
    truly = rng.random(n) < 1.0 / (1.0 + np.exp(-_true_churn_log_odds(frame)))
    flip = (~truly) & (frame["gender"].to_numpy() == "female") & (rng.random(n) < _FLIP_RATE)
    frame["churned"] = np.where(truly | flip, "yes", "no").astype(object)
    frame = frame.astype(
        {c: object for c in ("payment_method", "region", "gender", "noise_category")}
    )
    logger.debug("Generated %d customers, recorded churn rate %.3f", n, (truly | flip).mean())
    return frame, frame["customer_id"].to_numpy()[flip].tolist()
