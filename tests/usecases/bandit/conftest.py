"""Shared fixture of the bandit tests: both policies run on the planted simulator."""

from __future__ import annotations

import numpy as np
import pytest

from revlearn.data.synth.campaigns import VARIANTS, make_bandit_visitors
from revlearn.usecases.bandit import ContextualBandit, regret_curves

CONTEXT = ["segment", "channel", "history_count"]


@pytest.fixture(scope="package")
def simulation():
    visitors, truths = make_bandit_visitors(np.random.default_rng(0), 6000)
    bandits = {
        "LinUCB": ContextualBandit(arms=VARIANTS, policy="linucb"),
        "Thompson": ContextualBandit(arms=VARIANTS, policy="thompson", alpha=0.2),
    }
    curves = regret_curves(bandits, visitors[CONTEXT], truths["click_probability"], batch_size=5)
    return visitors, truths, bandits, curves
