"""Regret on the simulator: sublinear, below A/B-then-exploit; bad probabilities are refused."""

from __future__ import annotations

import numpy as np
import pytest

from revlearn.data.synth.campaigns import make_bandit_visitors
from revlearn.errors import InputError
from revlearn.usecases.bandit import regret_curves
from tests.usecases.bandit.conftest import CONTEXT


@pytest.mark.parametrize("label", ["LinUCB", "Thompson"])
def test_regret_is_sublinear_and_below_ab_then_exploit(simulation, label):
    _, _, _, curves = simulation
    regret = curves[label].to_numpy()
    first, last = regret[1999] - regret[0], regret[-1] - regret[3999]
    assert last < 0.6 * first  # the last 2,000 visitors cost far less than the first 2,000
    assert regret[-1] < 0.5 * curves["A/B then exploit"].iloc[-1]
    assert regret[-1] < 0.4 * curves["random"].iloc[-1]
    assert (curves["oracle"] == 0).all()
    assert (np.diff(regret) >= -1e-12).all()


def test_click_probability_of_the_wrong_shape_is_refused():
    visitors, _ = make_bandit_visitors(np.random.default_rng(5), 100)
    with pytest.raises(InputError, match="click_probability has shape"):
        regret_curves({}, visitors[CONTEXT], np.zeros((5, 4)))
