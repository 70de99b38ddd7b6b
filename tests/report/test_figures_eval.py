"""Evaluation figures carry the numbers they are given."""

from __future__ import annotations

import numpy as np
import pytest

from revlearn.evaluate.curves import gains_table, pr_points, roc_points
from revlearn.evaluate.roi import profit_curve
from revlearn.report.figures_eval import (
    confusion_figure,
    lift_figure,
    pr_figure,
    profit_figure,
    roc_figure,
)


def _data(n: int = 5000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.beta(1, 4, n)
    return (rng.random(n) < p).astype(int), p


def test_profit_figure_marks_the_best_point_with_its_range_and_the_capacity() -> None:
    y, p = _data()
    curve = profit_curve(p, value=300, cost=30, y_true=y, capacity=400, n_boot=50)
    fig = profit_figure(curve)
    line, best = fig.data[0], fig.data[1]
    np.testing.assert_array_equal(line.x, curve.table["top_n"])
    np.testing.assert_allclose(line.y, curve.table["profit"])
    assert list(best.x) == [curve.best_n] and list(best.y) == [curve.best_profit]
    assert best.error_y.array[0] == pytest.approx(curve.profit_high - curve.best_profit)
    assert best.error_y.arrayminus[0] == pytest.approx(curve.best_profit - curve.profit_low)
    vlines = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert [s.x0 for s in vlines] == [400]
    assert fig.layout.title.text.startswith("Realised profit")


def test_profit_figure_without_capacity_or_bootstrap_has_no_extras() -> None:
    _, p = _data()
    curve = profit_curve(p, value=300, cost=30, n_boot=0)
    fig = profit_figure(curve)
    assert fig.data[1].error_y.array is None
    assert all(s.x0 != s.x1 for s in fig.layout.shapes)  # only the zero line
    assert fig.layout.title.text.startswith("Expected profit")


def test_roc_figure_carries_the_points_and_the_diagonal() -> None:
    y, p = _data()
    points = roc_points(y, p)
    fig = roc_figure(points, auc=0.8123)
    np.testing.assert_allclose(fig.data[0].x, points["fpr"])
    np.testing.assert_allclose(fig.data[0].y, points["tpr"])
    assert list(fig.data[1].x) == [0, 1] and list(fig.data[1].y) == [0, 1]
    assert "(AUC 0.812)" in fig.layout.title.text
    assert "AUC" not in roc_figure(points).layout.title.text


def test_pr_figure_draws_the_base_rate() -> None:
    y, p = _data()
    points = pr_points(y, p)
    fig = pr_figure(points, float(y.mean()))
    np.testing.assert_allclose(fig.data[0].x, points["recall"])
    np.testing.assert_allclose(fig.data[0].y, points["precision"])
    assert list(fig.data[1].y) == [y.mean(), y.mean()]


def test_confusion_figure_places_each_count_in_its_cell() -> None:
    fig = confusion_figure({"tp": 40, "fp": 10, "tn": 1200, "fn": 5})
    heat = fig.data[0]
    assert [list(r) for r in heat.z] == [[1200, 10], [5, 40]]
    assert list(heat.y) == ["actual no", "actual yes"]
    assert list(heat.x) == ["predicted no", "predicted yes"]
    assert [list(r) for r in heat.text] == [["1,200", "10"], ["5", "40"]]


def test_lift_figure_has_one_bar_per_decile() -> None:
    y, p = _data()
    gains = gains_table(y, p)
    fig = lift_figure(gains)
    assert list(fig.data[0].x) == list(range(1, 11))
    np.testing.assert_allclose(fig.data[0].y, gains["lift"])
    assert fig.data[0].y[0] > 1.5 > fig.data[0].y[-1]  # informative scores: top decile lifts
    assert [s.y0 for s in fig.layout.shapes] == [1]
