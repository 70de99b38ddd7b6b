"""Tests of the learning-curve verdict and the gains table in revlearn.evaluate.curves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revlearn.evaluate.curves import gains_table, learning_curve_verdict

ROWS = [500, 1000, 2000, 4000]
POSITIVES = [60, 120, 240, 480]


# --- learning_curve_verdict -----------------------------------------------------------------


def test_rising_curve_says_more_data_would_still_help() -> None:
    curve = learning_curve_verdict(
        ROWS, POSITIVES, [0.80, 0.80, 0.80, 0.80], [0.70, 0.73, 0.75, 0.77]
    )
    assert curve.more_data_helps is True
    assert (
        "More data would still help: roc_auc rose +0.020 when the rows grew ×2.0" in curve.verdict
    )
    assert "memorises" not in curve.verdict and "Only" not in curve.verdict


def test_flat_curve_says_more_rows_would_barely_help() -> None:
    # negative control: the same rows, validation flat over the last doubling
    curve = learning_curve_verdict(
        ROWS, POSITIVES, [0.80, 0.80, 0.80, 0.80], [0.70, 0.73, 0.77, 0.772]
    )
    assert curve.more_data_helps is False
    assert "still help" not in curve.verdict
    assert "More rows of the same kind would barely help (roc_auc +0.002" in curve.verdict


def test_train_far_above_validation_is_called_memorising() -> None:
    valid = [0.70, 0.72, 0.74, 0.75]
    overfit = learning_curve_verdict(ROWS, POSITIVES, [1.0, 1.0, 0.99, 0.95], valid)
    assert "Training roc_auc 0.95 vs validation 0.75: the model partly memorises" in overfit.verdict
    close = learning_curve_verdict(ROWS, POSITIVES, [0.80, 0.80, 0.80, 0.82], valid)
    assert "memorises" not in close.verdict  # gap 0.07 < 0.08


def test_few_positives_are_flagged_below_120() -> None:
    train, valid = [0.8] * 4, [0.70, 0.72, 0.74, 0.75]
    thin = learning_curve_verdict(ROWS, [10, 30, 60, 119], train, valid)
    assert "Only 119 positives: treat scores as rough" in thin.verdict
    enough = learning_curve_verdict(ROWS, [10, 30, 60, 120], train, valid)
    assert "Only" not in enough.verdict


def test_verdict_quotes_size_and_spread_and_keeps_the_points() -> None:
    curve = learning_curve_verdict(
        ROWS, POSITIVES, [0.8] * 4, [0.70, 0.72, 0.74, 0.75], metric="pr_auc", spread=0.012
    )
    assert curve.verdict.startswith(
        "With 4,000 training rows (480 positive outcomes); validation pr_auc 0.750 ± 0.012."
    )
    assert curve.to_frame()["valid_score"].tolist() == [0.70, 0.72, 0.74, 0.75]
    assert curve.to_dict()["metric"] == "pr_auc"
    nan_spread = learning_curve_verdict(ROWS, POSITIVES, [0.8] * 4, [0.7] * 4, spread=float("nan"))
    assert "±" not in nan_spread.verdict


# --- gains_table ----------------------------------------------------------------------------


def test_perfect_scores_find_every_positive_first() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(10_000) < 0.05).astype(int)
    table = gains_table(y, y + rng.random(10_000) * 0.5)  # every positive above every negative
    base = y.mean()
    assert table["bin"].tolist() == list(range(1, 11))
    # all 5 % of positives fit in decile 1, so its rate is base / 0.1 and its lift 10
    assert table["rate"][0] == pytest.approx(base / 0.1) and table["lift"][0] == pytest.approx(10)
    assert table["positives"][0] == y.sum() and table["positives"][1:].sum() == 0
    assert table["cum_gain"].tolist() == [1.0] * 10
    assert table["cum_share_contacted"].tolist() == pytest.approx(np.arange(1, 11) / 10)


def test_perfect_scores_with_many_positives_fill_the_top_deciles() -> None:
    y = np.r_[np.ones(300, int), np.zeros(700, int)]
    table = gains_table(y, np.linspace(1, 0, 1000))
    assert table["rate"].tolist()[:3] == [1.0] * 3 and table["lift"][0] == pytest.approx(1 / 0.3)
    assert table["cum_gain"].tolist() == pytest.approx([0.1 / 0.3, 0.2 / 0.3] + [1.0] * 8)


def test_random_scores_give_lift_near_one() -> None:
    rng = np.random.default_rng(1)
    y = (rng.random(200_000) < 0.1).astype(int)
    table = gains_table(y, rng.random(200_000))
    assert np.abs(table["lift"] - 1.0).max() < 0.06
    assert table["cum_gain"][4] == pytest.approx(0.5, abs=0.02)  # half the list, half found


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1)), min_size=1, max_size=60),
    st.integers(1, 12),
)
def test_gains_table_laws(rows: list[tuple[int, float]], n_bins: int) -> None:
    y = np.array([r[0] for r in rows])
    score = np.array([r[1] for r in rows])
    table = gains_table(y, score, n_bins=n_bins)
    assert len(table) == n_bins and table["rows"].sum() == len(y)
    assert table["positives"].sum() == y.sum()
    assert (np.diff(table["cum_gain"]) >= 0).all()
    assert table["cum_share_contacted"].iloc[-1] == pytest.approx(1.0)
    if y.sum() >= 1:
        assert table["cum_gain"].iloc[-1] == pytest.approx(1.0)
    else:
        assert (table["cum_gain"] == 0).all()
