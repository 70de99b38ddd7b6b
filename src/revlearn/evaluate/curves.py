"""Learning curves and the data-sufficiency verdict.

The learning curve itself is measured by the caller (it owns the model); this module turns
the measured points into a plain-language verdict: is the model starved of examples, would
more rows still help, does it memorise (train far above validation)?
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

__all__ = ["LearningCurve", "gains_table", "learning_curve_verdict"]

#: Validation gain (in metric units) from half to all training rows that counts as "still rising".
RISING_GAIN = 0.005
#: Train–validation gap that counts as memorising.
OVERFIT_GAP = 0.08
#: Positive examples below which any model is fragile (commercial tools refuse below ~120).
FEW_POSITIVES = 120


@dataclass(frozen=True, slots=True)
class LearningCurve:
    """Validation quality as the number of training rows grows.

    Attributes
    ----------
    n_rows : list of int
        Training rows at each point.
    n_positive : list of int
        Positive outcomes among them.
    train_score, valid_score : list of float
        The metric on the training rows and on held-out rows.
    metric : str
        The metric's name (e.g. ``roc_auc``).
    verdict : str
        Plain-language reading of the curve.
    more_data_helps : bool
        Whether validation quality was still rising at the full size.
    """

    n_rows: list[int]
    n_positive: list[int]
    train_score: list[float]
    valid_score: list[float]
    metric: str
    verdict: str
    more_data_helps: bool

    def to_dict(self) -> dict[str, object]:
        """Return the curve as a JSON-ready mapping.

        Returns
        -------
        dict
            Field name → value.
        """
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per point of the curve.

        Returns
        -------
        pandas.DataFrame
            Columns ``n_rows``, ``n_positive``, ``train_score``, ``valid_score``.
        """
        return pd.DataFrame(
            {k: getattr(self, k) for k in ("n_rows", "n_positive", "train_score", "valid_score")}
        )


def learning_curve_verdict(
    n_rows: list[int],
    n_positive: list[int],
    train_score: list[float],
    valid_score: list[float],
    *,
    metric: str = "roc_auc",
    spread: float | None = None,
) -> LearningCurve:
    """Read a learning curve and say whether more data would help.

    Rules: the curve is "still rising" when validation gains at least ``RISING_GAIN``
    between the last two points (about half and all of the rows); the model "memorises" when
    training exceeds validation by ``OVERFIT_GAP`` or more at full size; fewer than
    ``FEW_POSITIVES`` positive outcomes is called thin.

    Parameters
    ----------
    n_rows, n_positive : list of int
        Training rows and positive outcomes at each point, ascending.
    train_score, valid_score : list of float
        Metric on training and held-out rows at each point.
    metric : str, default="roc_auc"
        Metric name (greater is better).
    spread : float, optional
        Cross-validated standard deviation of the metric, quoted as the uncertainty.

    Returns
    -------
    LearningCurve
        The points and the verdict.
    """
    gain = valid_score[-1] - valid_score[-2] if len(valid_score) >= 2 else 0.0
    rising = gain >= RISING_GAIN
    gap = train_score[-1] - valid_score[-1]
    positives = n_positive[-1]
    parts = [f"With {n_rows[-1]:,} training rows ({positives:,} positive outcomes)"]
    if spread is not None and np.isfinite(spread):
        parts[0] += f"; validation {metric} {valid_score[-1]:.3f} ± {spread:.3f}"
    parts[0] += "."
    if positives < FEW_POSITIVES:
        parts.append(
            f"Only {positives} positives: treat scores as rough and collect more "
            "outcomes before relying on them."
        )
    if rising:
        ratio = n_rows[-1] / max(n_rows[-2], 1)
        parts.append(
            f"More data would still help: {metric} rose {gain:+.3f} when the rows "
            f"grew ×{ratio:.1f}; about twice as many rows should add a little more."
        )
    else:
        parts.append(
            f"More rows of the same kind would barely help ({metric} {gain:+.3f} over "
            "the last doubling); new kinds of information (columns) would."
        )
    if gap >= OVERFIT_GAP:
        parts.append(
            f"Training {metric} {train_score[-1]:.2f} vs validation "
            f"{valid_score[-1]:.2f}: the model partly memorises its training rows."
        )
    return LearningCurve(
        n_rows=[int(n) for n in n_rows],
        n_positive=[int(n) for n in n_positive],
        train_score=[float(s) for s in train_score],
        valid_score=[float(s) for s in valid_score],
        metric=metric,
        verdict=" ".join(parts),
        more_data_helps=bool(rising),
    )


def gains_table(y_true: np.ndarray, score: np.ndarray, *, n_bins: int = 10) -> pd.DataFrame:
    """Cumulative gains and lift by score decile (1 = highest scores).

    Parameters
    ----------
    y_true : numpy.ndarray of {0, 1}
        Actual outcomes.
    score : numpy.ndarray of float
        Predicted scores.
    n_bins : int, default=10
        Number of equal-sized bins.

    Returns
    -------
    pandas.DataFrame
        Columns ``bin``, ``rows``, ``positives``, ``rate``, ``lift`` (rate ÷ overall rate),
        ``cum_share_contacted`` and ``cum_gain`` (share of all positives found so far).
    """
    y = np.asarray(y_true, dtype=float)
    order = np.argsort(-np.asarray(score, dtype=float), kind="stable")
    bins = np.array_split(order, n_bins)
    total = max(y.sum(), 1.0)
    rate = y.mean() if len(y) else 0.0
    rows = []
    found = contacted = 0.0
    for i, idx in enumerate(bins, start=1):
        positives = float(y[idx].sum())
        found += positives
        contacted += len(idx)
        bin_rate = positives / len(idx) if len(idx) else 0.0
        rows.append(
            {
                "bin": i,
                "rows": len(idx),
                "positives": int(positives),
                "rate": bin_rate,
                "lift": bin_rate / rate if rate else 0.0,
                "cum_share_contacted": contacted / max(len(y), 1),
                "cum_gain": found / total,
            }
        )
    return pd.DataFrame(rows)
