"""Shared fixtures of the next-best-action tests: the planted history and a fitted model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth.campaigns import make_nba_history
from revlearn.usecases.nba import NextBestAction

FAST = {"structure": "per-action", "learner": "logistic"}


@pytest.fixture(scope="package")
def data():
    frames, truths = make_nba_history(np.random.default_rng(0), 1500)
    return frames, truths


@pytest.fixture(scope="package")
def model(data):
    frames, _ = data
    return NextBestAction(random_state=0).fit(
        frames["history"], customers=frames["customers"], catalogue=frames["catalogue"]
    )


def shares_by_group(customers: pd.DataFrame, plan: pd.DataFrame) -> dict[str, float]:
    risky = (customers["at_risk"] == 1) & (customers["tenure_months"] >= 3)
    price = (customers["price_sensitive"] == 1) & (customers["at_risk"] == 0)
    planned = plan["planned_action"]
    return {
        "call|risky": float((planned[risky] == "retention call").mean()),
        "call|safe": float((planned[~risky] == "retention call").mean()),
        "offer|price": float((planned[price] == "offer").mean()),
        "offer|other": float((planned[~price] == "offer").mean()),
    }
