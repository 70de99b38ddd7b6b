"""Evaluation: metrics, cross-validation summaries and learning curves."""

from __future__ import annotations

from revlearn.evaluate.curves import LearningCurve, gains_table, learning_curve_verdict
from revlearn.evaluate.metrics import (
    BinaryMetrics,
    best_f1_threshold,
    binary_metrics,
    summarize_folds,
)

__all__ = [
    "BinaryMetrics",
    "LearningCurve",
    "best_f1_threshold",
    "binary_metrics",
    "gains_table",
    "learning_curve_verdict",
    "summarize_folds",
]
