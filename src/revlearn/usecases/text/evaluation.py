"""Routing quality: evaluation figures, temperature scaling and the abstain threshold.

Used by :class:`revlearn.usecases.text.TextClassifier`; :func:`routing_metrics` also works
on any pair of label columns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

__all__ = ["RoutingEvaluation", "routing_metrics"]


def _temperature(scores: np.ndarray, codes: np.ndarray) -> float:
    def loss(log_t: float) -> float:
        logp = log_softmax(scores / np.exp(log_t), axis=1)
        return float(-logp[np.arange(len(codes)), codes].mean())

    found = minimize_scalar(loss, bounds=(-6.0, 4.0), method="bounded")
    return float(np.exp(found.x))


def _abstain_curve(confidence: np.ndarray, correct: np.ndarray) -> dict[str, list[float]]:
    order = np.argsort(-confidence, kind="stable")
    hits = np.cumsum(correct[order])
    kept = np.arange(1, len(order) + 1)
    return {
        "threshold": confidence[order].tolist(),
        "coverage": (kept / len(order)).tolist(),
        "precision": (hits / kept).tolist(),
    }


def _threshold(confidence: np.ndarray, correct: np.ndarray, target: float) -> float:
    curve = _abstain_curve(confidence, correct)
    precision = np.asarray(curve["precision"])
    thresholds = np.asarray(curve["threshold"])
    ok = np.flatnonzero(precision >= target)
    if not len(ok):
        return float(thresholds[0]) + 1e-12  # abstain on all: the target is out of reach
    # The largest kept set that reaches the target; ties at that confidence are kept too.
    return float(thresholds[ok[-1]])


@dataclass(frozen=True, slots=True)
class RoutingEvaluation:
    """How well a classifier routes labelled texts.

    Attributes
    ----------
    accuracy : float
        Share of texts put in the right category (abstention ignored).
    macro_f1 : float
        Mean F1 over categories.
    answered_share : float
        Share of texts not sent to a human.
    answered_precision : float
        Accuracy on the texts not sent to a human.
    per_class : pandas.DataFrame
        ``category``, ``precision``, ``recall``, ``f1``, ``support``.
    confusions : pandas.DataFrame
        ``actual``, ``predicted``, ``count``, ``share_of_actual``: the most frequent errors.
    """

    accuracy: float
    macro_f1: float
    answered_share: float
    answered_precision: float
    per_class: pd.DataFrame
    confusions: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Return the per-category table.

        Returns
        -------
        pandas.DataFrame
            ``per_class``.
        """
        return self.per_class

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-ready types.

        Returns
        -------
        dict
            The four figures, ``per_class`` and ``confusions`` as lists of records.
        """
        return {
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "answered_share": self.answered_share,
            "answered_precision": self.answered_precision,
            "per_class": self.per_class.to_dict(orient="records"),
            "confusions": self.confusions.to_dict(orient="records"),
        }


def routing_metrics(
    actual: Sequence[Any] | np.ndarray,
    predicted: Sequence[Any] | np.ndarray,
    answered: np.ndarray | None = None,
    *,
    top: int = 10,
) -> RoutingEvaluation:
    """Compute accuracy, macro-F1, per-class precision/recall and the top confusions.

    Parameters
    ----------
    actual : sequence
        The true categories.
    predicted : sequence
        The predicted categories, same length.
    answered : numpy.ndarray, optional
        True where the text was routed without a human; all True when omitted.
    top : int, default=10
        How many confusion pairs to list.

    Returns
    -------
    RoutingEvaluation
        The figures and tables.
    """
    y = np.asarray([str(v) for v in actual], dtype=object)
    p = np.asarray([str(v) for v in predicted], dtype=object)
    answered = np.ones(len(y), bool) if answered is None else np.asarray(answered, bool)
    labels = sorted(set(y.tolist()) | set(p.tolist()))
    prec, rec, f1, support = precision_recall_fscore_support(y, p, labels=labels, zero_division=0)
    per_class = pd.DataFrame(
        {"category": labels, "precision": prec, "recall": rec, "f1": f1, "support": support}
    )
    wrong = Counter(zip(y[y != p].tolist(), p[y != p].tolist(), strict=True))
    totals = Counter(y.tolist())
    confusions = pd.DataFrame(
        [
            {"actual": a, "predicted": b, "count": n, "share_of_actual": n / totals[a]}
            for (a, b), n in wrong.most_common(top)
        ],
        columns=["actual", "predicted", "count", "share_of_actual"],
    )
    kept = answered.sum()
    return RoutingEvaluation(
        accuracy=float(accuracy_score(y, p)),
        macro_f1=float(
            f1_score(y, p, labels=sorted(set(y.tolist())), average="macro", zero_division=0)
        ),
        answered_share=float(kept / len(y)) if len(y) else 0.0,
        answered_precision=float((y == p)[answered].mean()) if kept else float("nan"),
        per_class=per_class,
        confusions=confusions,
    )


def _row_normalise(X: Any) -> sp.csr_matrix:
    X = sp.csr_matrix(X, dtype=np.float64)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ X)
