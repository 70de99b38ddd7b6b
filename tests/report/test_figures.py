"""Figures carry the numbers they are given."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revlearn.evaluate.curves import gains_table
from revlearn.report.figures import calibration_figure, gains_figure, importance_figure


def test_importance_figure_largest_on_top():
    table = pd.DataFrame({"feature": ["a", "b"], "share": [0.7, 0.3], "direction": ["up", "down"]})
    fig = importance_figure(table)
    assert list(fig.data[0].y) == ["b", "a"]  # plotted bottom-up: the largest ends on top


def test_gains_figure_starts_at_zero_and_ends_at_one():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 1000)
    fig = gains_figure(gains_table(y, rng.random(1000)))
    assert fig.data[0].x[0] == 0 and fig.data[0].y[-1] == 1.0


def test_calibration_figure_perfect_scores_on_the_diagonal():
    rng = np.random.default_rng(0)
    p = rng.random(20000)
    y = (rng.random(20000) < p).astype(int)
    fig = calibration_figure(y, p)
    np.testing.assert_allclose(fig.data[0].x, fig.data[0].y, atol=0.05)
