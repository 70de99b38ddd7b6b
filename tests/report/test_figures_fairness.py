"""The fairness figure carries the report's numbers, one panel per sensitive column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revlearn.report.figures_fairness import fairness_figure
from revlearn.responsible import fairness_report


def _report():
    rng = np.random.default_rng(0)
    n = 600
    frame = pd.DataFrame(
        {
            "gender": rng.choice(["female", "male"], n),
            "region": rng.choice(["north", "south", "tiny"], n, p=[0.5, 0.48, 0.02]),
        }
    )
    y = rng.integers(0, 2, n)
    proba = np.clip(0.3 + 0.3 * (frame["gender"] == "female") + rng.normal(0, 0.2, n), 0, 1)
    return fairness_report(y, proba, frame, threshold=0.5)


def test_one_panel_per_column_with_the_reported_rates():
    report = _report()
    fig = fairness_figure(report)
    assert len(fig.data) == 8  # selection, TPR, FPR bars + base-rate markers, per column
    gender = report.by_group[report.by_group["column"] == "gender"]
    np.testing.assert_allclose(fig.data[0].y, gender["selection_rate"])
    np.testing.assert_allclose(fig.data[1].y, gender["tpr"])
    np.testing.assert_allclose(fig.data[2].y, gender["fpr"])
    np.testing.assert_allclose(fig.data[3].y, gender["base_rate"])
    assert fig.data[3].mode == "markers" and fig.data[4].showlegend is False
    titles = [a.text for a in fig.layout.annotations]
    dp = report.summary["demographic_parity_difference"].iloc[0]
    assert titles[0].startswith(f"gender: DP difference {dp:.2f}")
    assert dp > 0.2  # the planted score gap shows in the title, not a zero


def test_small_groups_are_labelled_on_the_axis():
    fig = fairness_figure(_report())
    labels = list(fig.data[4].x)
    assert labels[:2] == ["north", "south"]
    assert labels[2].startswith("tiny (n=") and labels[2].endswith("too small)")
