"""A fitted yes/no model: design, estimator, calibration and per-column contributions.

Scores from every candidate are turned into probabilities the same way: Platt scaling
(``p = sigmoid(a·s + b)``) fitted on out-of-fold scores. Platt keeps the score's log-odds
linear, so per-feature contributions in the model's own units become log-odds
contributions by multiplying by ``a`` — which is what lets a reason say "odds ×3.1".

Contributions by model family (all in log-odds relative to an average row):

* LightGBM: exact TreeSHAP values from LightGBM itself (``pred_contrib=True``).
* Linear models: ``coef · (x − mean(x))`` on the design matrix.
* Other trees: a what-if per original column — the change in log-odds when that column's
  features are replaced by those of a typical row (median or most frequent level).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression

from revlearn.models.design import categorical_indices, feature_groups

__all__ = ["BinaryModel", "fit_platt", "raw_score"]


def raw_score(model: Any, X: np.ndarray) -> np.ndarray:
    """Return a model's score in log-odds-like units (decision function or logit).

    Parameters
    ----------
    model : classifier
        A fitted binary classifier.
    X : numpy.ndarray
        Design matrix.

    Returns
    -------
    numpy.ndarray
        One score per row; larger means more likely positive.
    """
    if isinstance(model, LGBMClassifier):
        return np.asarray(model.predict(X, raw_score=True), dtype=float)
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=float)
    p = np.clip(model.predict_proba(X)[:, 1], 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit_platt(raw: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit Platt scaling ``p = sigmoid(a·raw + b)`` by logistic regression.

    Parameters
    ----------
    raw : numpy.ndarray
        Out-of-fold scores.
    y : numpy.ndarray of {0, 1}
        Outcomes.

    Returns
    -------
    tuple of float
        ``(a, b)``.
    """
    lr = LogisticRegression(C=1e6, max_iter=1000).fit(raw.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


class BinaryModel:
    """Design + estimator + Platt calibration for one yes/no outcome.

    Parameters
    ----------
    design : sklearn.compose.ColumnTransformer
        Unfitted design from :func:`revlearn.models.design.make_design`.
    estimator : classifier
        Unfitted estimator.
    family : str
        Candidate name (``logistic``, ``lightgbm`` ...).
    categorical : sequence of str
        Categorical columns (for LightGBM's native handling).
    """

    def __init__(
        self, design: ColumnTransformer, estimator: Any, family: str, categorical: Sequence[str]
    ) -> None:
        self.design = design
        self.estimator = estimator
        self.family = family
        self.categorical = list(categorical)

    def fit(
        self,
        frame: pd.DataFrame,
        y: np.ndarray,
        calibration: tuple[float, float],
    ) -> BinaryModel:
        """Fit the design and the estimator on all rows; keep the given calibration.

        Parameters
        ----------
        frame : pandas.DataFrame
            Typed input columns.
        y : numpy.ndarray of {0, 1}
            Outcomes.
        calibration : tuple of float
            Platt ``(a, b)`` fitted on out-of-fold scores.

        Returns
        -------
        BinaryModel
            ``self``.
        """
        X = self.design.fit_transform(frame)
        fit_estimator(self.estimator, X, y, self.design, self.categorical)
        self.platt_ = [float(calibration[0]), float(calibration[1])]
        self.groups_ = feature_groups(self.design)
        self.columns_ = list(dict.fromkeys(self.groups_))
        self.feature_means_ = X.mean(axis=0)
        self.reference_x_ = self.design.transform(_reference_row(frame))[0]
        return self

    def log_odds(self, frame: pd.DataFrame) -> np.ndarray:
        """Return calibrated log-odds of the positive outcome.

        Parameters
        ----------
        frame : pandas.DataFrame
            Typed input columns.

        Returns
        -------
        numpy.ndarray
            One value per row.
        """
        a, b = self.platt_
        return a * raw_score(self.estimator, self.design.transform(frame)) + b

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Return calibrated probabilities of the positive outcome.

        Parameters
        ----------
        frame : pandas.DataFrame
            Typed input columns.

        Returns
        -------
        numpy.ndarray
            One probability per row.
        """
        return 1.0 / (1.0 + np.exp(-self.log_odds(frame)))

    def contributions(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Return per-original-column log-odds contributions and calibrated probabilities.

        Parameters
        ----------
        frame : pandas.DataFrame
            Typed input columns.

        Returns
        -------
        tuple of numpy.ndarray
            ``(contrib, proba)``: contributions of shape (rows, len(columns_)) in
            calibrated log-odds, and probabilities.
        """
        a, b = self.platt_
        X = self.design.transform(frame)
        if isinstance(self.estimator, LGBMClassifier):
            full = np.asarray(self.estimator.predict(X, pred_contrib=True))
            per_feature, raw = full[:, :-1], full.sum(axis=1)
        elif hasattr(self.estimator, "coef_"):
            per_feature = (X - self.feature_means_) * self.estimator.coef_.ravel()
            raw = raw_score(self.estimator, X)
        else:
            return self._what_if(X)
        proba = 1.0 / (1.0 + np.exp(-(a * raw + b)))
        return a * _sum_by_group(per_feature, self.groups_, self.columns_), proba

    def _what_if(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.platt_
        raw = raw_score(self.estimator, X)
        groups = np.asarray(self.groups_)
        contrib = np.empty((len(X), len(self.columns_)))
        changed = X.copy()
        for j, col in enumerate(self.columns_):
            part = groups == col
            changed[:, part] = self.reference_x_[part]
            contrib[:, j] = raw - raw_score(self.estimator, changed)
            changed[:, part] = X[:, part]
        return a * contrib, 1.0 / (1.0 + np.exp(-(a * raw + b)))


def fit_estimator(
    estimator: Any,
    X: np.ndarray,
    y: np.ndarray,
    design: ColumnTransformer,
    categorical: Sequence[str],
) -> Any:
    """Fit an estimator on a design matrix, telling LightGBM which features are categorical.

    Parameters
    ----------
    estimator : classifier
        Unfitted estimator.
    X : numpy.ndarray
        Design matrix from the fitted ``design``.
    y : numpy.ndarray
        Outcomes.
    design : sklearn.compose.ColumnTransformer
        The fitted design that produced ``X``.
    categorical : sequence of str
        Categorical columns.

    Returns
    -------
    classifier
        The fitted estimator.
    """
    if isinstance(estimator, LGBMClassifier):
        idx = categorical_indices(design, categorical)
        return estimator.fit(X, y, categorical_feature=idx or "auto")
    return estimator.fit(X, y)


def _sum_by_group(values: np.ndarray, groups: Sequence[str], columns: Sequence[str]) -> np.ndarray:
    index = {c: i for i, c in enumerate(columns)}
    member = np.zeros((len(groups), len(columns)))
    for f, g in enumerate(groups):
        member[f, index[g]] = 1.0
    return values @ member


def _reference_row(frame: pd.DataFrame) -> pd.DataFrame:
    """A one-row frame of typical values: the median, or the most frequent level."""
    row = frame.iloc[:1].copy()
    for col in frame.columns:
        series = frame[col].dropna()
        if series.empty:
            row[col] = np.nan
        elif pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            row[col] = series.sort_values().iloc[len(series) // 2]
        else:
            row[col] = series.mode().iloc[0]
    return row
