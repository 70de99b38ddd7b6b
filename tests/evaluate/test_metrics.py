"""Tests of the binary-outcome metrics in revlearn.evaluate.metrics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from revlearn.errors import InputError
from revlearn.evaluate.metrics import best_f1_threshold, binary_metrics, summarize_folds

# 8 rows; at threshold 0.5: predicted 1 for rows 0, 1, 3, 7.
Y = np.array([1, 1, 1, 0, 0, 0, 0, 1])
P = np.array([0.9, 0.8, 0.3, 0.6, 0.2, 0.1, 0.4, 0.7])


# --- binary_metrics -------------------------------------------------------------------------


def test_binary_metrics_match_hand_counts_and_sklearn() -> None:
    m = binary_metrics(Y, P, threshold=0.5)
    # tp: rows 0, 1, 7; fp: row 3; fn: row 2; tn: rows 4, 5, 6
    assert m.confusion == {"tp": 3, "fp": 1, "tn": 3, "fn": 1}
    assert (m.precision, m.recall, m.f1, m.accuracy) == (0.75, 0.75, 0.75, 0.75)
    assert m.roc_auc == 14 / 16  # 14 of the 16 positive/negative pairs ranked right
    assert m.n_rows == 8 and m.n_positive == 4 and m.threshold == 0.5
    assert m.pr_auc == pytest.approx(skm.average_precision_score(Y, P))
    assert m.log_loss == pytest.approx(skm.log_loss(Y, P))
    assert m.brier == pytest.approx(skm.brier_score_loss(Y, P))


def test_threshold_moves_the_confusion_counts() -> None:
    strict = binary_metrics(Y, P, threshold=0.75)  # predicted 1 for rows 0, 1 only
    assert strict.confusion == {"tp": 2, "fp": 0, "tn": 4, "fn": 2}
    assert (strict.precision, strict.recall) == (1.0, 0.5)
    assert strict.roc_auc == binary_metrics(Y, P).roc_auc  # ranking ignores the threshold


def test_binary_metrics_table_and_dict() -> None:
    m = binary_metrics(Y, P)
    table = m.to_frame()
    assert table.columns.tolist() == ["metric", "value"]
    assert "confusion" not in set(table["metric"])
    assert dict(zip(table["metric"], table["value"], strict=True))["f1"] == m.f1
    assert m.to_dict()["confusion"] == m.confusion


def test_one_class_raises_input_error_naming_what_was_found() -> None:
    with pytest.raises(
        InputError,
        match=r"Metrics need both outcomes present; found only \[1\]\. \[holdout\] "
        r"Evaluate on data that has converters and non-converters\.",
    ):
        binary_metrics([1, 1, 1], [0.2, 0.5, 0.9], where="holdout")


def test_rows_scored_one_count_as_positive_at_threshold_one() -> None:
    y, p = np.array([0, 1, 1]), np.array([0.2, 1.0, 1.0])
    threshold = best_f1_threshold(y, p)
    assert threshold == 1.0
    assert binary_metrics(y, p, threshold=threshold).f1 == 1.0


@st.composite
def _outcomes_and_scores(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, float]:
    y = [0, 1, *draw(st.lists(st.integers(0, 1), max_size=40))]  # both classes present
    p = draw(st.lists(st.floats(0, 1), min_size=len(y), max_size=len(y)))
    threshold = draw(st.floats(0.01, 0.99))
    return np.array(y), np.array(p), threshold


@settings(max_examples=60, deadline=None)
@given(_outcomes_and_scores())
def test_metrics_are_bounded_and_agree_with_the_counts(
    case: tuple[np.ndarray, np.ndarray, float],
) -> None:
    y, p, threshold = case
    m = binary_metrics(y, p, threshold=threshold)
    for name in ("roc_auc", "pr_auc", "brier", "accuracy", "precision", "recall", "f1"):
        assert 0.0 <= getattr(m, name) <= 1.0, name
    assert m.log_loss >= 0.0
    c = m.confusion
    assert c["tp"] + c["fp"] + c["tn"] + c["fn"] == m.n_rows == len(y)
    assert c["tp"] + c["fn"] == m.n_positive == int(y.sum())
    assert c["tp"] + c["fp"] == int((p >= threshold).sum())
    assert m.precision == (c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0)
    assert m.recall == pytest.approx(c["tp"] / (c["tp"] + c["fn"]))
    assert m.accuracy == pytest.approx((c["tp"] + c["tn"]) / m.n_rows)


# --- best_f1_threshold ----------------------------------------------------------------------


def test_best_f1_threshold_finds_the_gap_between_separable_classes() -> None:
    rng = np.random.default_rng(0)
    negatives, positives = rng.uniform(0.0, 0.4, 300), rng.uniform(0.6, 1.0, 100)
    y = np.r_[np.zeros(300, int), np.ones(100, int)]
    p = np.r_[negatives, positives]
    threshold = best_f1_threshold(y, p)
    assert threshold == positives.min()  # the lowest positive score: every positive, no negative
    assert binary_metrics(y, p, threshold=threshold).f1 == 1.0
    assert binary_metrics(y, p, threshold=0.5).f1 == 1.0  # any cut in the gap is perfect


def test_best_f1_threshold_moves_with_the_planted_gap() -> None:
    # control: the same shape with the gap at 0.2 / 0.3 gives a lower threshold
    y = np.array([0, 0, 0, 1, 1])
    low = best_f1_threshold(y, np.array([0.05, 0.1, 0.2, 0.3, 0.35]))
    high = best_f1_threshold(y, np.array([0.05, 0.1, 0.2, 0.8, 0.85]))
    assert (low, high) == (0.3, 0.8)


# --- summarize_folds ------------------------------------------------------------------------


def test_summarize_folds_mean_std_min_max() -> None:
    folds = [{"auc": 0.7, "f1": 0.5}, {"auc": 0.8, "f1": 0.3}, {"auc": 0.9}]
    out = summarize_folds(folds)
    assert list(out) == ["auc", "f1"]
    assert out["auc"] == pytest.approx(
        {"mean": 0.8, "std": math.sqrt(0.02 / 3), "min": 0.7, "max": 0.9}
    )
    assert out["f1"] == pytest.approx({"mean": 0.4, "std": 0.1, "min": 0.3, "max": 0.5})


def test_summarize_folds_skips_non_finite_values() -> None:
    folds = [
        {"auc": 0.6, "log_loss": float("nan")},
        {"auc": float("inf"), "log_loss": float("nan")},
        {"auc": 0.8, "log_loss": float("-inf")},
    ]
    out = summarize_folds(folds)
    assert out == {"auc": pytest.approx({"mean": 0.7, "std": 0.1, "min": 0.6, "max": 0.8})}
    assert summarize_folds([]) == {}
