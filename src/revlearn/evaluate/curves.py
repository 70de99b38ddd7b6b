"""Learning curves, calibration, ROC and precision–recall points, and plain verdicts.

The learning curve itself is measured by the caller (it owns the model); this module turns
the measured points into a plain-language verdict: is the model starved of examples, would
more rows still help, does it memorise (train far above validation)? ROC and
precision–recall points come from scikit-learn, thinned for plotting; the calibration table
is written here because scikit-learn's ``calibration_curve`` returns neither the rows per
bin nor the expected calibration error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from revlearn.errors import InputError, ParameterError
from revlearn.evaluate.metrics import GREATER_IS_BETTER

__all__ = [
    "Calibration",
    "LearningCurve",
    "calibration_table",
    "fit_verdict",
    "gains_table",
    "learning_curve_verdict",
    "pr_points",
    "roc_points",
]

#: Validation gain (in metric units) from half to all training rows that counts as "still rising".
RISING_GAIN = 0.005
#: Train–validation gap that counts as memorising.
OVERFIT_GAP = 0.08
#: Positive examples below which any model is fragile (commercial tools refuse below ~120).
FEW_POSITIVES = 120
#: Train–validation gap above which a small gap is mentioned (below OVERFIT_GAP).
MILD_GAP = 0.03
#: Training score below which a model underfits, per metric (only where a scale is shared).
UNDERFIT_SCORE = {"roc_auc": 0.65}
#: Expected calibration error (probability units) always counted as well calibrated.
WELL_CALIBRATED_ECE = 0.02
#: Most points kept by :func:`roc_points` and :func:`pr_points`.
MAX_CURVE_POINTS = 200


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


@dataclass(frozen=True, slots=True)
class Calibration:
    """Predicted probability against the observed rate, bin by bin.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per quantile bin of the predictions (lowest first): ``bin`` (1..n),
        ``mean_predicted``, ``observed_rate`` and ``rows``.
    ece : float
        Expected calibration error: the row-weighted mean of
        ``|observed_rate − mean_predicted|`` over the bins (probability units).
    n_rows : int
        Rows in the table.
    verdict : str
        Plain-language reading (well calibrated, scores run high or low, over- or
        under-confident).
    """

    table: pd.DataFrame
    ece: float
    n_rows: int
    verdict: str

    def to_frame(self) -> pd.DataFrame:
        """Return the per-bin table.

        Returns
        -------
        pandas.DataFrame
            Columns ``bin``, ``mean_predicted``, ``observed_rate`` and ``rows``.
        """
        return self.table.copy()

    def to_dict(self) -> dict[str, object]:
        """Return the calibration as a JSON-ready mapping.

        Returns
        -------
        dict
            ``table`` (list of row mappings), ``ece``, ``n_rows`` and ``verdict``.
        """
        rows = [
            {
                "bin": int(r["bin"]),
                "mean_predicted": float(r["mean_predicted"]),
                "observed_rate": float(r["observed_rate"]),
                "rows": int(r["rows"]),
            }
            for r in self.table.to_dict(orient="records")
        ]
        return {
            "table": rows,
            "ece": float(self.ece),
            "n_rows": self.n_rows,
            "verdict": self.verdict,
        }


def _binary_inputs(
    y_true: Sequence[int] | np.ndarray, score: Sequence[float] | np.ndarray, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """Check outcomes are 0/1 with both present and scores finite, of the same length."""
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(score, dtype=float)
    if y.ndim != 1 or y.shape != s.shape:
        raise InputError(
            f"Outcomes and scores differ in shape: {y.shape} vs {s.shape}.",
            where=where,
            fix="Pass one score per outcome.",
        )
    if not np.isin(y, (0.0, 1.0)).all() or len(np.unique(y)) != 2:
        raise InputError(
            f"Outcomes must be 0/1 with both present; found {np.unique(y)[:5].tolist()!r}.",
            where=where,
            fix="Evaluate on rows that include both outcomes, coded 1/0.",
        )
    if not np.isfinite(s).all():
        raise InputError(
            f"{int((~np.isfinite(s)).sum())} of {len(s)} scores are missing or infinite.",
            where=where,
            fix="Score every row before evaluating.",
        )
    return y.astype(int), s


def _calibration_verdict(table: pd.DataFrame, ece: float, n_rows: int) -> str:
    """Describe the calibration table in words."""
    w = table["rows"].to_numpy(float) / n_rows
    pred = table["mean_predicted"].to_numpy(float)
    obs = table["observed_rate"].to_numpy(float)
    # what perfectly calibrated scores would show by chance: E|mean of Bernoulli − p|
    noise = float(np.sum(w * np.sqrt(2 / np.pi * pred * (1 - pred) / table["rows"].to_numpy())))
    points = f"{100 * ece:.1f} points"
    if ece <= max(WELL_CALIBRATED_ECE, 2 * noise):
        return f"well calibrated: predicted and observed rates differ by {points} on average."
    bias = float(np.sum(w * (pred - obs)))
    if abs(bias) >= 0.5 * ece:
        side = "high" if bias > 0 else "low"
        return (
            f"scores run {side}: predicted rates are {100 * abs(bias):.1f} points "
            f"{'above' if bias > 0 else 'below'} observed ones on average (calibration error "
            f"{points}); recalibrate before reading scores as probabilities."
        )
    centred = pred - np.sum(w * pred)
    spread = float(np.sum(w * centred**2))
    slope = float(np.sum(w * centred * (obs - np.sum(w * obs))) / spread) if spread else 1.0
    if slope < 1:
        return (
            f"over-confident: high scores are too high and low scores too low (rates differ "
            f"by {points} on average); recalibrate before reading scores as probabilities."
        )
    return (
        f"under-confident: scores bunch towards the middle (rates differ by {points} on "
        "average); recalibrate before reading scores as probabilities."
    )


def calibration_table(
    y_true: Sequence[int] | np.ndarray, proba: Sequence[float] | np.ndarray, *, n_bins: int = 10
) -> Calibration:
    """Compare predicted probabilities with observed rates over quantile bins.

    Rows are sorted by probability and split into ``n_bins`` bins of (nearly) equal size.
    Calibration is called good when the error is at most ``WELL_CALIBRATED_ECE`` or within
    twice what perfectly calibrated scores would show by chance on bins of this size.

    Parameters
    ----------
    y_true : array-like of {0, 1}
        Actual outcomes.
    proba : array-like of float
        Predicted probabilities.
    n_bins : int, default=10
        Number of quantile bins.

    Returns
    -------
    Calibration
        The per-bin table, the expected calibration error and a verdict.

    Raises
    ------
    InputError
        If outcomes are not 0/1 with both present, a probability is missing, or the
        lengths differ.
    ParameterError
        If ``n_bins`` is not a whole number between 1 and the number of rows.
    """
    y, p = _binary_inputs(y_true, proba, "calibration_table")
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or not 1 <= n_bins <= len(y):
        raise ParameterError(
            f"n_bins must be a whole number between 1 and {len(y)} (the rows), got {n_bins!r}.",
            where="n_bins",
            fix="Pass e.g. n_bins=10.",
        )
    order = np.argsort(p, kind="stable")
    rows = []
    for i, idx in enumerate(np.array_split(order, n_bins), start=1):
        rows.append(
            {
                "bin": i,
                "mean_predicted": float(p[idx].mean()),
                "observed_rate": float(y[idx].mean()),
                "rows": len(idx),
            }
        )
    table = pd.DataFrame(rows)
    gap = (table["observed_rate"] - table["mean_predicted"]).abs()
    ece = float(np.sum(gap * table["rows"]) / len(y))
    return Calibration(
        table=table, ece=ece, n_rows=len(y), verdict=_calibration_verdict(table, ece, len(y))
    )


def _thin(frame: pd.DataFrame, max_points: int) -> pd.DataFrame:
    """Keep at most ``max_points`` evenly spread rows, always the first and the last."""
    if len(frame) <= max_points:
        return frame.reset_index(drop=True)
    keep = np.unique(np.linspace(0, len(frame) - 1, max_points).round().astype(int))
    return frame.iloc[keep].reset_index(drop=True)


def _check_max_points(max_points: int) -> None:
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 2:
        raise ParameterError(
            f"max_points must be a whole number ≥ 2, got {max_points!r}.",
            where="max_points",
            fix="Pass e.g. max_points=200.",
        )


def roc_points(
    y_true: Sequence[int] | np.ndarray,
    score: Sequence[float] | np.ndarray,
    *,
    max_points: int = MAX_CURVE_POINTS,
) -> pd.DataFrame:
    """Return the points of the ROC curve (scikit-learn), thinned for plotting.

    Parameters
    ----------
    y_true : array-like of {0, 1}
        Actual outcomes.
    score : array-like of float
        Predicted scores.
    max_points : int, default=200
        Most points returned (the first and last are always kept).

    Returns
    -------
    pandas.DataFrame
        Columns ``fpr``, ``tpr`` (both rising from 0 to 1) and ``threshold`` (score at or
        above which rows are flagged; NaN at the start, where no row is flagged).

    Raises
    ------
    InputError
        If outcomes are not 0/1 with both present, a score is missing, or lengths differ.
    ParameterError
        If ``max_points`` is below 2.
    """
    _check_max_points(max_points)
    y, s = _binary_inputs(y_true, score, "roc_points")
    fpr, tpr, thresholds = skm.roc_curve(y, s)
    thresholds = np.where(np.isfinite(thresholds), thresholds, np.nan)
    frame = pd.DataFrame({"fpr": fpr, "tpr": tpr, "threshold": thresholds})
    return _thin(frame, max_points)


def pr_points(
    y_true: Sequence[int] | np.ndarray,
    score: Sequence[float] | np.ndarray,
    *,
    max_points: int = MAX_CURVE_POINTS,
) -> pd.DataFrame:
    """Return the points of the precision–recall curve (scikit-learn), thinned for plotting.

    Parameters
    ----------
    y_true : array-like of {0, 1}
        Actual outcomes.
    score : array-like of float
        Predicted scores.
    max_points : int, default=200
        Most points returned (the first and last are always kept).

    Returns
    -------
    pandas.DataFrame
        Columns ``recall`` (rising from 0 to 1), ``precision`` and ``threshold`` (score at
        or above which rows are flagged; NaN at the first point, recall 0, precision 1).

    Raises
    ------
    InputError
        If outcomes are not 0/1 with both present, a score is missing, or lengths differ.
    ParameterError
        If ``max_points`` is below 2.
    """
    _check_max_points(max_points)
    y, s = _binary_inputs(y_true, score, "pr_points")
    precision, recall, thresholds = skm.precision_recall_curve(y, s)
    frame = pd.DataFrame(
        {"recall": recall, "precision": precision, "threshold": np.r_[thresholds, np.nan]}
    )
    return _thin(frame.iloc[::-1], max_points)


def _metric_label(metric: str) -> str:
    return {"roc_auc": "AUC", "pr_auc": "PR AUC", "log_loss": "log loss"}.get(metric, metric)


def fit_verdict(
    train_score: float,
    valid_score: float,
    *,
    metric: str = "roc_auc",
    more_data_helps: bool | None = None,
) -> str:
    """Say in plain words whether a model over- or underfits, from train vs validation.

    Rules: training below ``UNDERFIT_SCORE`` (ROC AUC 0.65) is underfitting; a gap of
    ``OVERFIT_GAP`` or more in favour of training is memorising; a gap of ``MILD_GAP`` or
    more is mentioned as mild; otherwise train and validation agree.

    Parameters
    ----------
    train_score : float
        The metric on the training rows.
    valid_score : float
        The metric on held-out rows.
    metric : str, default="roc_auc"
        One of ``roc_auc``, ``pr_auc``, ``accuracy``, ``precision``, ``recall``, ``f1``,
        ``log_loss``, ``brier`` (the last two: smaller is better).
    more_data_helps : bool, optional
        From the learning curve (:class:`LearningCurve`); adds advice on more rows.

    Returns
    -------
    str
        One or two sentences.

    Raises
    ------
    ParameterError
        If ``metric`` is unknown or a score is not a finite number.
    """
    if metric not in GREATER_IS_BETTER:
        raise ParameterError(
            f"Unknown metric {metric!r}.",
            where="metric",
            fix=f"Use one of {', '.join(sorted(GREATER_IS_BETTER))}.",
        )
    for name, score in (("train_score", train_score), ("valid_score", valid_score)):
        if not isinstance(score, int | float) or not math.isfinite(score):
            raise ParameterError(
                f"{name} must be a finite number, got {score!r}.",
                where=name,
                fix="Pass the metric measured on training and on held-out rows.",
            )
    label = _metric_label(metric)
    gap = train_score - valid_score if GREATER_IS_BETTER[metric] else valid_score - train_score
    floor = UNDERFIT_SCORE.get(metric)
    if floor is not None and train_score < floor:
        text = (
            f"even on its training rows the model scores only {train_score:.2f} {label}: "
            "it underfits — the columns carry little signal; add columns that describe "
            "behaviour rather than more rows."
        )
    elif gap >= OVERFIT_GAP:
        text = (
            f"validation {label} {valid_score:.2f} vs train {train_score:.2f}: the model "
            "memorises its training rows."
        )
        if more_data_helps is True:
            text += " More rows would help it generalise."
        elif more_data_helps is False:
            text += " Use a simpler or more regularised model rather than more rows."
    else:
        if gap >= MILD_GAP:
            text = (
                f"validation {label} {valid_score:.2f} vs train {train_score:.2f}: a mild "
                "gap, usual for flexible models; no serious overfitting."
            )
        else:
            text = (
                f"train and validation agree ({train_score:.2f} vs {valid_score:.2f} "
                f"{label}): no sign of overfitting."
            )
        if more_data_helps is True:
            text += " More rows would still raise the score."
        elif more_data_helps is False:
            text += " More rows of the same kind would barely help; new columns would."
    return text
