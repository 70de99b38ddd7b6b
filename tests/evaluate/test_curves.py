"""Tests of the learning-curve verdict and the gains table in revlearn.evaluate.curves."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, logit
from sklearn.metrics import auc, roc_auc_score

from revlearn.errors import InputError, ParameterError
from revlearn.evaluate.curves import (
    calibration_table,
    fit_verdict,
    gains_table,
    learning_curve_verdict,
    pr_points,
    roc_points,
)

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


# --- calibration_table ----------------------------------------------------------------------


def _calibrated(n: int = 40_000, seed: int = 0, b: float = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = np.clip(rng.beta(2, b, n), 0.01, 0.99)
    return (rng.random(n) < p).astype(int), p


def test_calibrated_scores_are_called_well_calibrated() -> None:
    y, p = _calibrated()
    cal = calibration_table(y, p)
    assert cal.ece < 0.01 and cal.n_rows == len(y)
    assert cal.verdict.startswith("well calibrated: predicted and observed rates differ by 0.")
    table = cal.table
    assert table["bin"].tolist() == list(range(1, 11)) and table["rows"].sum() == len(y)
    np.testing.assert_allclose(table["mean_predicted"], table["observed_rate"], atol=0.02)
    assert table["mean_predicted"].is_monotonic_increasing


def test_miscalibrated_scores_are_named_by_their_fault() -> None:
    y, p = _calibrated()
    high = calibration_table(y, np.clip(p + 0.1, 0, 1))
    assert high.ece == pytest.approx(0.1, abs=0.01)
    assert high.verdict.startswith("scores run high: predicted rates are 10.")
    assert calibration_table(y, np.clip(p - 0.1, 0, 1)).verdict.startswith("scores run low")
    # stretching or squeezing the log-odds around 0.5 (scores centred there): no net shift
    y, p = _calibrated(b=2)
    over = calibration_table(y, expit(2.5 * logit(p)))
    assert over.verdict.startswith("over-confident: high scores are too high")
    under = calibration_table(y, expit(0.4 * logit(p)))
    assert under.verdict.startswith("under-confident: scores bunch towards the middle")


def test_ece_is_the_row_weighted_gap_over_quantile_bins() -> None:
    y = np.array([0, 0, 1, 1, 0, 1])
    p = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8])
    cal = calibration_table(y, p, n_bins=2)
    # bins {0.1, 0.2, 0.3} → predicted 0.2, observed 1/3; {0.6, 0.7, 0.8} → 0.7 vs 2/3
    assert cal.table["mean_predicted"].tolist() == pytest.approx([0.2, 0.7])
    assert cal.table["observed_rate"].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert cal.ece == pytest.approx((abs(1 / 3 - 0.2) + abs(2 / 3 - 0.7)) / 2)
    payload = json.loads(json.dumps(cal.to_dict()))
    assert payload["table"][1]["rows"] == 3 and payload["ece"] == pytest.approx(cal.ece)
    assert cal.to_frame().columns.tolist() == ["bin", "mean_predicted", "observed_rate", "rows"]


def test_calibration_refuses_bad_input() -> None:
    with pytest.raises(InputError, match=r"Outcomes must be 0/1 with both present; found \[1\.0\]"):
        calibration_table([1, 1], [0.2, 0.4])
    with pytest.raises(InputError, match=r"Outcomes and scores differ in shape: \(2,\) vs \(3,\)"):
        calibration_table([0, 1], [0.2, 0.4, 0.5])
    with pytest.raises(InputError, match=r"1 of 2 scores are missing or infinite"):
        calibration_table([0, 1], [0.2, float("nan")])
    with pytest.raises(ParameterError, match=r"n_bins must be a whole number between 1 and 2"):
        calibration_table([0, 1], [0.2, 0.4], n_bins=3)


# --- roc_points / pr_points -----------------------------------------------------------------


def test_roc_points_are_thinned_and_keep_the_area() -> None:
    y, p = _calibrated(20_000, seed=1)
    points = roc_points(y, p)
    assert len(points) <= 200 and points.columns.tolist() == ["fpr", "tpr", "threshold"]
    assert (points["fpr"].iloc[0], points["tpr"].iloc[0]) == (0.0, 0.0)
    assert (points["fpr"].iloc[-1], points["tpr"].iloc[-1]) == (1.0, 1.0)
    assert np.isnan(points["threshold"].iloc[0])
    assert points["fpr"].is_monotonic_increasing and points["tpr"].is_monotonic_increasing
    assert auc(points["fpr"], points["tpr"]) == pytest.approx(roc_auc_score(y, p), abs=0.002)
    # negative control: random scores lie on the diagonal
    rng = np.random.default_rng(2)
    noise = roc_points(y, rng.random(len(y)))
    assert auc(noise["fpr"], noise["tpr"]) == pytest.approx(0.5, abs=0.02)


def test_pr_points_run_from_zero_recall_to_the_base_rate() -> None:
    y, p = _calibrated(20_000, seed=3)
    points = pr_points(y, p, max_points=50)
    assert len(points) <= 50 and points.columns.tolist() == ["recall", "precision", "threshold"]
    assert points["recall"].is_monotonic_increasing
    assert (points["recall"].iloc[0], points["precision"].iloc[0]) == (0.0, 1.0)
    assert np.isnan(points["threshold"].iloc[0]) and points["recall"].iloc[-1] == 1.0
    assert points["precision"].iloc[-1] == pytest.approx(y.mean())  # everyone flagged
    # small inputs are returned whole
    small = pr_points([0, 1, 1], [0.1, 0.4, 0.8])
    assert small["recall"].tolist() == [0.0, 0.5, 1.0, 1.0]
    assert small["precision"].tolist() == pytest.approx([1.0, 1.0, 1.0, 2 / 3])
    assert small["threshold"].tolist()[1:] == [0.8, 0.4, 0.1]


def test_curve_points_refuse_bad_input() -> None:
    with pytest.raises(InputError, match=r"both present.*\[roc_points\]"):
        roc_points([0, 0, 0], [0.1, 0.2, 0.3])
    with pytest.raises(InputError, match=r"both present.*\[pr_points\]"):
        pr_points([0, 2, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ParameterError, match=r"max_points must be a whole number ≥ 2, got 1"):
        roc_points([0, 1], [0.1, 0.2], max_points=1)


# --- fit_verdict ----------------------------------------------------------------------------


def test_fit_verdict_memorising() -> None:
    text = fit_verdict(0.99, 0.71)
    assert text == "validation AUC 0.71 vs train 0.99: the model memorises its training rows."
    helps = fit_verdict(0.99, 0.71, more_data_helps=True)
    assert helps.endswith("More rows would help it generalise.")
    assert "simpler or more regularised" in fit_verdict(0.99, 0.71, more_data_helps=False)


def test_fit_verdict_agreement_and_mild_gap() -> None:
    assert fit_verdict(0.83, 0.82) == (
        "train and validation agree (0.83 vs 0.82 AUC): no sign of overfitting."
    )
    mild = fit_verdict(0.88, 0.83)
    assert mild.startswith("validation AUC 0.83 vs train 0.88: a mild gap")
    assert "memorises" not in mild
    assert fit_verdict(0.83, 0.82, more_data_helps=False).endswith("new columns would.")
    assert fit_verdict(0.83, 0.82, more_data_helps=True).endswith("would still raise the score.")


def test_fit_verdict_underfitting() -> None:
    text = fit_verdict(0.61, 0.60)
    assert text.startswith(
        "even on its training rows the model scores only 0.61 AUC: it underfits — the columns "
        "carry little signal"
    )
    assert "underfits" not in fit_verdict(0.66, 0.65)  # just above the floor


def test_fit_verdict_smaller_is_better_metrics_flip_the_gap() -> None:
    # log loss: training 0.20 and validation 0.45 is memorising, the reverse is not
    assert "memorises" in fit_verdict(0.20, 0.45, metric="log_loss")
    assert "no sign of overfitting" in fit_verdict(0.45, 0.44, metric="log_loss")
    assert "underfits" not in fit_verdict(0.30, 0.30, metric="pr_auc")  # no shared floor


def test_fit_verdict_refuses_bad_input() -> None:
    with pytest.raises(ParameterError, match=r"Unknown metric 'auc'\. \[metric\] Use one of"):
        fit_verdict(0.8, 0.7, metric="auc")
    with pytest.raises(ParameterError, match=r"valid_score must be a finite number, got nan"):
        fit_verdict(0.8, float("nan"))
