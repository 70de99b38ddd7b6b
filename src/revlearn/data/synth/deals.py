"""CRM opportunities (deals) of the demo B2B SaaS company, closed and open, with planted truths.

One row per deal created in the two years before the reference date (2025-06-30). A deal's
row is its last CRM snapshot: for a closed deal the state it had when it closed, for an open
deal its state on the reference date.

Columns: ``deal_id``, ``created_at``, ``stage`` (the last open stage reached:
prospecting, qualification, proposal, negotiation), ``amount`` (USD), ``owner`` (8 sales
reps), ``source`` (inbound, outbound, partner, event), ``segment`` (SMB, mid-market,
enterprise), ``age_days`` (days open: until the close for a closed deal, until the reference
date for an open one), ``activities_30d`` (calls and emails in the last 30 days),
``expected_close`` (the close date the rep entered), ``closed_at`` (blank for open deals) and
``outcome``: ``"won"`` or ``"lost"`` for closed deals and blank (missing) for open ones. One
outcome column with blanks was chosen over a separate status column so that "which deals are
open" and "how did it end" cannot disagree.

Planted truths (all in ``DEAL_TRUTHS`` and in the truths returned by :func:`make_deals`). The
log-odds of winning a deal is the sum of

* **Stage** (the later, the likelier): prospecting −1.6, qualification −0.8, proposal 0.0,
  negotiation +0.9.
* **Activity**: +0.12 per call or email in the last 30 days (each multiplies the odds by
  ×1.13).
* **Staleness**: −2.2 when the deal's cycle passes ``stale_days`` = 150 days (odds ×0.11:
  stale deals rarely win).
* **Owner**: reps ``rep_1`` and ``rep_2`` are much better closers (+0.9, odds ×2.5); the six
  others 0.
* **Amount**: −0.5 · log(amount / 20,000): a deal ten times larger has odds ×0.32.
* **Source**: inbound +0.3, outbound −0.3, partner +0.4, event 0.
* **Intercept**: −0.5. Segment has no effect of its own (it acts through the amount).

The amount is log-normal by segment (medians SMB 8,000, mid-market 30,000, enterprise
120,000; log-sd 0.5, rounded to 100). The **rep optimism bias**: the
actual close is the entered ``expected_close`` plus a lag of ``Normal(mean, 12)`` days
(rounded) with a planted mean by stage (prospecting 35, qualification 28, proposal 20,
negotiation 14 days), so deals close later than entered. The cycle (days from creation to
the decision) is the planned ``10 + Gamma(shape 2, scale 20 / 30 / 45)`` days for SMB /
mid-market / enterprise plus the slip ``max(lag, 0)``, so the entered date is never before
the creation date. A deal whose close falls after the reference date is open; its true
outcome and close date are kept in ``truths["open_outcomes"]`` for checks.

Written by hand (no library generates CRM pipelines with known effects); vectorised.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.synth.leads import REFERENCE_DATE

__all__ = ["DEAL_TRUTHS", "STAGES", "deal_log_odds", "make_deals"]

#: Open stages in pipeline order.
STAGES = ("prospecting", "qualification", "proposal", "negotiation")
_STAGE_SHARE = (0.30, 0.28, 0.24, 0.18)
_STAGE_LOGODDS = {"prospecting": -1.6, "qualification": -0.8, "proposal": 0.0, "negotiation": 0.9}
_STAGE_ACTIVITY = {"prospecting": 2.0, "qualification": 3.0, "proposal": 4.0, "negotiation": 5.0}
_STAGE_LAG = {"prospecting": 35.0, "qualification": 28.0, "proposal": 20.0, "negotiation": 14.0}
_LAG_SD = 12.0
_ACTIVITY = 0.12
_STALE_DAYS, _STALE = 150, -2.2
_OWNERS = tuple(f"rep_{i}" for i in range(1, 9))
_OWNER_EFFECT = {"rep_1": 0.9, "rep_2": 0.9}
_AMOUNT_SLOPE, _AMOUNT_REF = -0.5, 20_000.0
_SOURCES = {"inbound": 0.3, "outbound": -0.3, "partner": 0.4, "event": 0.0}
_SOURCE_SHARE = (0.35, 0.35, 0.15, 0.15)
_SEGMENTS = ("SMB", "mid-market", "enterprise")
_SEGMENT_SHARE = (0.5, 0.35, 0.15)
_SEGMENT_MEDIAN = {"SMB": 8_000.0, "mid-market": 30_000.0, "enterprise": 120_000.0}
_SEGMENT_CYCLE = {"SMB": 20.0, "mid-market": 30.0, "enterprise": 45.0}
_INTERCEPT = -0.5
_HISTORY_DAYS = 730

DEAL_TRUTHS: dict[str, Any] = {
    "stages": list(STAGES),
    "stage_log_odds": dict(_STAGE_LOGODDS),
    "log_odds_per_activity": _ACTIVITY,
    "odds_multiplier_per_activity": math.exp(_ACTIVITY),
    "stale_days": _STALE_DAYS,
    "stale_log_odds": _STALE,
    "owner_log_odds": {o: _OWNER_EFFECT.get(o, 0.0) for o in _OWNERS},
    "strong_closers": sorted(_OWNER_EFFECT),
    "log_odds_per_log_amount": _AMOUNT_SLOPE,
    "amount_reference": _AMOUNT_REF,
    "source_log_odds": dict(_SOURCES),
    "segment_median_amount": dict(_SEGMENT_MEDIAN),
    "intercept": _INTERCEPT,
    "close_lag_mean_days_by_stage": dict(_STAGE_LAG),
    "close_lag_sd_days": _LAG_SD,
}


def deal_log_odds(deals: pd.DataFrame, cycle_days: np.ndarray | None = None) -> np.ndarray:
    """Compute the planted log-odds of winning each deal.

    Parameters
    ----------
    deals : pandas.DataFrame
        Deals with ``stage``, ``activities_30d``, ``owner``, ``amount``, ``source`` and
        ``age_days``.
    cycle_days : numpy.ndarray, optional
        The deals' whole cycle in days (known only to the generator); ``age_days`` stands in
        when None.

    Returns
    -------
    numpy.ndarray
        One planted log-odds per deal.
    """
    cycle = deals["age_days"].to_numpy(float) if cycle_days is None else cycle_days
    return (
        _INTERCEPT
        + deals["stage"].map(_STAGE_LOGODDS).to_numpy(float)
        + _ACTIVITY * deals["activities_30d"].to_numpy(float)
        + np.where(cycle > _STALE_DAYS, _STALE, 0.0)
        + deals["owner"].map(lambda o: _OWNER_EFFECT.get(o, 0.0)).to_numpy(float)
        + _AMOUNT_SLOPE * np.log(deals["amount"].to_numpy(float) / _AMOUNT_REF)
        + deals["source"].map(_SOURCES).to_numpy(float)
    )


def make_deals(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Draw the demo company's CRM deals, closed and open, ending at the reference date.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream (one child of the company seed).
    n : int
        Number of deals.

    Returns
    -------
    deals : pandas.DataFrame
        Columns ``deal_id``, ``created_at``, ``stage``, ``amount``, ``owner``, ``source``,
        ``segment``, ``age_days``, ``activities_30d``, ``expected_close``, ``closed_at``,
        ``outcome`` (``"won"``/``"lost"``, missing for open deals).
    truths : dict
        ``DEAL_TRUTHS`` plus ``reference_date``, ``win_rate`` (closed deals),
        ``n_open`` and ``open_outcomes`` (deal id → ``{"won": bool, "closes": ISO date}``).
    """
    created = REFERENCE_DATE - pd.to_timedelta(
        np.sort(rng.integers(0, _HISTORY_DAYS, n))[::-1], unit="D"
    )
    stage = np.asarray(STAGES)[rng.choice(4, n, p=_STAGE_SHARE)]
    segment = np.asarray(_SEGMENTS)[rng.choice(3, n, p=_SEGMENT_SHARE)]
    owner = np.asarray(_OWNERS)[rng.integers(0, len(_OWNERS), n)]
    source = np.asarray(list(_SOURCES))[rng.choice(4, n, p=_SOURCE_SHARE)]
    median = pd.Series(segment).map(_SEGMENT_MEDIAN).to_numpy(float)
    amount = np.round(median * np.exp(rng.normal(0.0, 0.5, n)), -2).clip(500)
    activity_mean = pd.Series(stage).map(_STAGE_ACTIVITY).to_numpy(float)
    activities = rng.poisson(activity_mean * rng.gamma(2.0, 0.5, n))
    scale = pd.Series(segment).map(_SEGMENT_CYCLE).to_numpy(float)
    lag_mean = pd.Series(stage).map(_STAGE_LAG).to_numpy(float)
    lag = np.round(rng.normal(lag_mean, _LAG_SD)).astype(int)
    planned = np.round(10.0 + rng.gamma(2.0, scale)).astype(int)
    cycle = planned + np.maximum(lag, 0)
    close_true = created + pd.to_timedelta(cycle, unit="D")
    is_open = np.asarray(close_true > REFERENCE_DATE)
    age = np.where(is_open, np.asarray((REFERENCE_DATE - created).days), cycle)
    frame = pd.DataFrame(
        {
            "deal_id": [f"D{i:05d}" for i in range(1, n + 1)],
            "created_at": created,
            "stage": stage,
            "amount": amount,
            "owner": owner,
            "source": source,
            "segment": segment,
            "age_days": age.astype(int),
            "activities_30d": activities.astype(int),
        }
    )
    eta = deal_log_odds(frame, cycle_days=cycle.astype(float))
    won = rng.random(n) < 1.0 / (1.0 + np.exp(-eta))
    frame["expected_close"] = close_true - pd.to_timedelta(lag, unit="D")
    frame["closed_at"] = pd.Series(close_true).where(~is_open).to_numpy()
    frame["outcome"] = pd.Series(np.where(won, "won", "lost"), dtype=object).where(~is_open)
    truths = copy.deepcopy(DEAL_TRUTHS)
    truths["reference_date"] = REFERENCE_DATE.isoformat()
    truths["win_rate"] = float(won[~is_open].mean()) if (~is_open).any() else float("nan")
    truths["n_open"] = int(is_open.sum())
    truths["open_outcomes"] = {
        d: {"won": bool(w), "closes": c.date().isoformat()}
        for d, w, c in zip(
            frame["deal_id"][is_open], won[is_open], close_true[is_open], strict=True
        )
    }
    return frame, truths
