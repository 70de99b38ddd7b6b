"""Measuring detectors of rare cases (fraud, anomalies) against known labels.

A detector is used by working down its ranking, so it is judged where it is used: the share
of known cases in its top k (precision at k), the share of all known cases found there
(recall at k) and the lift over picking at random, beside ROC AUC and average precision
(scikit-learn's) for the whole ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from revlearn.errors import InputError

__all__ = ["AnomalyMetrics", "detection_metrics"]


@dataclass(frozen=True, slots=True)
class AnomalyMetrics:
    """How well the scores find known bad transactions.

    Attributes
    ----------
    n : int
        Labelled transactions scored.
    n_positive : int
        Known anomalies (frauds) among them.
    base_rate : float
        ``n_positive / n``: the precision of a random pick.
    roc_auc : float
        Area under the ROC curve of the score.
    average_precision : float
        Area under the precision–recall curve.
    at_k : tuple of dict
        Per ``k``: ``k``, ``precision`` (share of the top k that are anomalies),
        ``recall`` (share of all anomalies in the top k) and ``lift`` (precision / base rate).
    """

    n: int
    n_positive: int
    base_rate: float
    roc_auc: float
    average_precision: float
    at_k: tuple[dict[str, float], ...]

    def to_frame(self) -> pd.DataFrame:
        """Return precision and recall at each k as a table.

        Returns
        -------
        pandas.DataFrame
            Columns ``k``, ``precision``, ``recall``, ``lift``.
        """
        return pd.DataFrame(list(self.at_k), columns=["k", "precision", "recall", "lift"])

    def to_dict(self) -> dict[str, Any]:
        """Return the metrics as a JSON-ready mapping.

        Returns
        -------
        dict
            ``n``, ``n_positive``, ``base_rate``, ``roc_auc``, ``average_precision`` and
            ``at_k`` (a list of ``{k, precision, recall, lift}``).
        """
        return {
            "n": self.n,
            "n_positive": self.n_positive,
            "base_rate": self.base_rate,
            "roc_auc": self.roc_auc,
            "average_precision": self.average_precision,
            "at_k": [dict(row) for row in self.at_k],
        }


def detection_metrics(
    y: np.ndarray, score: np.ndarray, *, ks: Sequence[int] | None = None, n_flagged: int = 0
) -> AnomalyMetrics:
    """Measure how well scores rank the known anomalies first.

    Parameters
    ----------
    y : numpy.ndarray
        1 for a known anomaly (fraud), 0 otherwise.
    score : numpy.ndarray
        Higher = more anomalous.
    ks : sequence of int, optional
        The cut-offs k; by default 10, 50, 100, 500, the number of anomalies and
        ``n_flagged`` (those up to the number of rows).
    n_flagged : int, default=0
        How many the model flags, added to the default cut-offs.

    Returns
    -------
    AnomalyMetrics
        Precision, recall and lift at each k, ROC AUC and average precision.

    Raises
    ------
    InputError
        If the labels hold one value only.
    """
    n, n_pos = len(y), int(np.sum(y))
    if n_pos == 0 or n_pos == n:
        raise InputError(
            f"The labels have one value only ({n_pos} anomalies among {n} rows).",
            where="TransactionAnomalies.evaluate",
            fix="Evaluate on rows with both known anomalies and normal transactions.",
        )
    wanted = ks if ks is not None else (10, 50, 100, 500, n_pos, n_flagged)
    chosen = sorted({int(k) for k in wanted if 0 < int(k) <= n})
    order = np.argsort(-score, kind="stable")
    hits = np.cumsum(y[order])
    base = n_pos / n
    at_k = tuple(
        {
            "k": float(k),
            "precision": float(hits[k - 1] / k),
            "recall": float(hits[k - 1] / n_pos),
            "lift": float(hits[k - 1] / k / base),
        }
        for k in chosen
    )
    return AnomalyMetrics(
        n=n,
        n_positive=n_pos,
        base_rate=base,
        roc_auc=float(roc_auc_score(y, score)),
        average_precision=float(average_precision_score(y, score)),
        at_k=at_k,
    )
