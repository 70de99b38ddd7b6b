"""Metrics for binary outcomes (convert / churn / buy), computed with scikit-learn.

The functions here only gather scikit-learn's metrics into one result a person (and the
``--json`` output) can read; none of the metric arithmetic is re-implemented.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from revlearn.errors import InputError

__all__ = ["BinaryMetrics", "best_f1_threshold", "binary_metrics", "summarize_folds"]

#: Metric names where a larger value is better (the rest: log loss, Brier — smaller is better).
GREATER_IS_BETTER = {
    "roc_auc": True,
    "pr_auc": True,
    "accuracy": True,
    "precision": True,
    "recall": True,
    "f1": True,
    "log_loss": False,
    "brier": False,
}


@dataclass(frozen=True, slots=True)
class BinaryMetrics:
    """Quality of probability scores for a yes/no outcome.

    Attributes
    ----------
    roc_auc, pr_auc : float
        Ranking quality: area under the ROC and precision–recall curves.
    log_loss, brier : float
        Probability quality (smaller is better).
    accuracy, precision, recall, f1 : float
        At ``threshold``.
    threshold : float
        Probability at or above which a row counts as predicted positive.
    confusion : dict
        ``tp``, ``fp``, ``tn``, ``fn`` counts at ``threshold``.
    n_rows, n_positive : int
        Rows scored and actual positives among them.
    """

    roc_auc: float
    pr_auc: float
    log_loss: float
    brier: float
    accuracy: float
    precision: float
    recall: float
    f1: float
    threshold: float
    confusion: dict[str, int] = field(default_factory=dict)
    n_rows: int = 0
    n_positive: int = 0

    def to_dict(self) -> dict[str, object]:
        """Return the metrics as a JSON-ready mapping.

        Returns
        -------
        dict
            Field name → value.
        """
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """Return the scalar metrics as a two-column table.

        Returns
        -------
        pandas.DataFrame
            Columns ``metric`` and ``value``.
        """
        rows = [(k, v) for k, v in self.to_dict().items() if isinstance(v, float | int)]
        return pd.DataFrame(rows, columns=["metric", "value"])


def _check_binary(y_true: np.ndarray, where: str) -> None:
    classes = np.unique(y_true)
    if len(classes) != 2:
        raise InputError(
            f"Metrics need both outcomes present; found only {classes.tolist()!r}.",
            where=where,
            fix="Evaluate on data that has converters and non-converters.",
        )


def binary_metrics(
    y_true: Sequence[int] | np.ndarray,
    proba: Sequence[float] | np.ndarray,
    *,
    threshold: float = 0.5,
    where: str = "binary_metrics",
) -> BinaryMetrics:
    """Compute ranking, probability and threshold metrics for a yes/no outcome.

    Parameters
    ----------
    y_true : array-like of {0, 1}
        Actual outcomes.
    proba : array-like of float
        Predicted probability of the positive outcome.
    threshold : float, default=0.5
        Probability at or above which a row is called positive.
    where : str, default="binary_metrics"
        Where the data came from, for error messages.

    Returns
    -------
    BinaryMetrics
        All metrics at once.

    Raises
    ------
    InputError
        If ``y_true`` does not contain both outcomes.
    """
    y = np.asarray(y_true, dtype=int)
    raw = np.asarray(proba, dtype=float)
    p = np.clip(raw, 1e-15, 1 - 1e-15)
    _check_binary(y, where)
    pred = (raw >= threshold).astype(int)
    tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[0, 1]).ravel()
    return BinaryMetrics(
        roc_auc=float(skm.roc_auc_score(y, p)),
        pr_auc=float(skm.average_precision_score(y, p)),
        log_loss=float(skm.log_loss(y, p, labels=[0, 1])),
        brier=float(skm.brier_score_loss(y, p)),
        accuracy=float(skm.accuracy_score(y, pred)),
        precision=float(skm.precision_score(y, pred, zero_division=0)),
        recall=float(skm.recall_score(y, pred, zero_division=0)),
        f1=float(skm.f1_score(y, pred, zero_division=0)),
        threshold=float(threshold),
        confusion={"tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)},
        n_rows=len(y),
        n_positive=int(y.sum()),
    )


def best_f1_threshold(y_true: np.ndarray, proba: np.ndarray) -> float:
    """Return the probability threshold that maximises F1.

    Parameters
    ----------
    y_true : numpy.ndarray of {0, 1}
        Actual outcomes.
    proba : numpy.ndarray of float
        Predicted probabilities.

    Returns
    -------
    float
        The threshold (one of the observed probabilities).
    """
    precision, recall, thresholds = skm.precision_recall_curve(y_true, proba)
    f1 = np.divide(
        2 * precision * recall,
        precision + recall,
        out=np.zeros_like(precision),
        where=(precision + recall) > 0,
    )
    return float(thresholds[int(np.argmax(f1[:-1]))]) if len(thresholds) else 0.5


def summarize_folds(per_fold: Sequence[Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Summarise per-fold metric values as mean, standard deviation, min and max.

    Parameters
    ----------
    per_fold : sequence of mapping
        One mapping of metric name → value per fold.

    Returns
    -------
    dict
        Metric name → ``{"mean", "std", "min", "max"}``; non-finite values are skipped.
    """
    names = sorted({k for fold in per_fold for k in fold})
    out: dict[str, dict[str, float]] = {}
    for name in names:
        values = np.array([f[name] for f in per_fold if name in f and math.isfinite(f[name])])
        if len(values):
            out[name] = {
                "mean": float(values.mean()),
                "std": float(values.std(ddof=0)),
                "min": float(values.min()),
                "max": float(values.max()),
            }
    return out
