"""Evaluation: metrics, cross-validation summaries, curves and profit curves."""

from __future__ import annotations

from revlearn.evaluate.curves import (
    Calibration,
    LearningCurve,
    calibration_table,
    fit_verdict,
    gains_table,
    learning_curve_verdict,
    pr_points,
    roc_points,
)
from revlearn.evaluate.metrics import (
    BinaryMetrics,
    best_f1_threshold,
    binary_metrics,
    summarize_folds,
)
from revlearn.evaluate.regression import RegressionMetrics, regression_metrics
from revlearn.evaluate.roi import ProfitCurve, expected_value, profit_curve

__all__ = [
    "BinaryMetrics",
    "Calibration",
    "LearningCurve",
    "ProfitCurve",
    "RegressionMetrics",
    "best_f1_threshold",
    "binary_metrics",
    "calibration_table",
    "expected_value",
    "fit_verdict",
    "gains_table",
    "learning_curve_verdict",
    "pr_points",
    "profit_curve",
    "regression_metrics",
    "roc_points",
    "summarize_folds",
]
