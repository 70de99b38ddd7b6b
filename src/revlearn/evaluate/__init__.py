"""Evaluation: metrics, cross-validation summaries and learning curves."""

from __future__ import annotations

from revlearn.evaluate.curves import LearningCurve, gains_table, learning_curve_verdict
from revlearn.evaluate.metrics import (
    BinaryMetrics,
    binary_metrics,
    best_f1_threshold,
    summarize_folds,
)

__all__ = [
    "BinaryMetrics",
    "LearningCurve",
    "best_f1_threshold",
    "gains_table",
    "binary_metrics",
    "learning_curve_verdict",
    "summarize_folds",
]
