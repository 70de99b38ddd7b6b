"""The tabular model zoo for yes/no outcomes: what is tried, with which defaults.

Defaults are chosen to be good on real marketing data without tuning flags: each candidate
handles class imbalance in the way that suits it (class weights for trees and the SVM; the
probabilistic losses of logistic regression and LightGBM need none because every model's
scores are recalibrated afterwards), and every one runs single-threaded — revlearn
parallelises nothing inside a cross-validation loop (nested threads oversubscribe a small
machine badly).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lightgbm import LGBMClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from revlearn.models.design import Flavour

__all__ = ["CANDIDATE_NAMES", "Candidate", "binary_candidates"]


@dataclass(frozen=True)
class Candidate:
    """One model family with its defaults and a small tuning grid.

    Attributes
    ----------
    name : str
        Short name shown to users (``logistic``, ``lightgbm`` ...).
    label : str
        Human label.
    flavour : {"onehot", "native"}
        Which design (preprocessing) the model needs.
    build : callable
        ``build(**params)`` returns an unfitted estimator.
    defaults : dict
        Parameters used before tuning.
    grid : list of dict
        Parameter variations tried when this candidate is tuned.
    cost : float
        Relative fitting cost (1 = logistic regression), used to respect the time budget.
    """

    name: str
    label: str
    flavour: Flavour
    build: Callable[..., Any]
    defaults: Mapping[str, Any]
    grid: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    cost: float = 1.0

    def make(self, **overrides: Any) -> Any:
        """Return an unfitted estimator with the defaults, updated by ``overrides``.

        Parameters
        ----------
        **overrides
            Parameters that replace the defaults.

        Returns
        -------
        estimator
            A scikit-learn compatible classifier.
        """
        return self.build(**{**self.defaults, **overrides})


def binary_candidates(*, n_rows: int, random_state: int = 0) -> list[Candidate]:
    """Return the candidates for a yes/no outcome, in order of preference.

    Simpler to explain and faster to score comes first; selection keeps an earlier
    candidate when a later one is better only by noise.

    Parameters
    ----------
    n_rows : int
        Training rows (sizes the forests and the boosting rounds).
    random_state : int, default=0
        Seed for every randomised model.

    Returns
    -------
    list of Candidate
        logistic, lightgbm, linear_svm, decision_tree, random_forest.
    """
    seed = {"random_state": random_state}
    leaf = max(5, min(50, n_rows // 500))
    return [
        Candidate(
            "logistic",
            "Logistic regression",
            "onehot",
            LogisticRegression,
            {"C": 1.0, "max_iter": 2000, **seed},
            grid=({"C": 0.1}, {"C": 10.0}),
            cost=1.0,
        ),
        Candidate(
            "lightgbm",
            "Gradient boosting (LightGBM)",
            "native",
            LGBMClassifier,
            {
                "n_estimators": 300,
                "learning_rate": 0.03,
                "num_leaves": 15,
                "min_child_samples": 20,
                "subsample": 0.8,
                "subsample_freq": 1,
                "colsample_bytree": 0.8,
                "reg_lambda": 1.0,
                "n_jobs": 1,
                "verbose": -1,
                **seed,
            },
            grid=(
                {"num_leaves": 7, "n_estimators": 500},
                {"num_leaves": 31, "min_child_samples": 40, "n_estimators": 200},
                {"learning_rate": 0.015, "n_estimators": 600},
            ),
            cost=2.0,
        ),
        Candidate(
            "linear_svm",
            "Linear SVM (calibrated)",
            "onehot",
            LinearSVC,
            {"C": 0.1, "class_weight": "balanced", "max_iter": 5000, **seed},
            grid=({"C": 0.01}, {"C": 1.0}),
            cost=1.5,
        ),
        Candidate(
            "decision_tree",
            "Decision tree",
            "onehot",
            DecisionTreeClassifier,
            {"max_depth": 6, "min_samples_leaf": leaf, "class_weight": "balanced", **seed},
            grid=({"max_depth": 4}, {"max_depth": 9}),
            cost=0.5,
        ),
        Candidate(
            "random_forest",
            "Random forest",
            "onehot",
            RandomForestClassifier,
            {
                "n_estimators": 100,
                "min_samples_leaf": 3,
                "max_features": "sqrt",
                "max_samples": min(1.0, 10_000 / max(n_rows, 1)),
                "class_weight": "balanced_subsample",
                "n_jobs": 1,
                **seed,
            },
            grid=({"min_samples_leaf": 10},),
            cost=8.0,
        ),
    ]


#: Every candidate name, for validating user choices.
CANDIDATE_NAMES = ("logistic", "lightgbm", "linear_svm", "decision_tree", "random_forest")
