"""The response models of next best action: P(response | action, customer).

One classifier per action (a T-learner) or one with the action one-hot as a feature (an
S-learner), each with logistic regression or LightGBM, compared by cross-validated
log-loss with folds grouped by customer (scikit-learn's ``GroupKFold``); the winner is
refitted on the whole history, LightGBM sigmoid-calibrated (``CalibratedClassifierCV``).
An action with too little history (under 20 rows or under 3 of either outcome) is given
its observed response rate instead of a model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from lightgbm import LGBMClassifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GroupKFold

__all__: list[str] = []


def _lightgbm() -> LGBMClassifier:
    return LGBMClassifier(
        n_estimators=150,
        learning_rate=0.05,
        num_leaves=15,
        min_child_samples=20,
        n_jobs=1,
        verbose=-1,
        random_state=0,
    )


class ResponseModels:
    """Mixin of :class:`~revlearn.usecases.nba.NextBestAction`: fit and score responses."""

    modelled_actions_: list[str]
    structure: str
    learner: str
    n_folds: int
    random_state: int

    def _with_action(self, X: np.ndarray, codes: np.ndarray) -> np.ndarray:
        onehot = np.zeros((len(X), len(self.modelled_actions_)))
        onehot[np.arange(len(X)), codes] = 1.0
        return np.hstack([X, onehot])

    def _fit_models(
        self,
        X: np.ndarray,
        codes: np.ndarray,
        y: np.ndarray,
        structure: str,
        learner: str,
        final: bool,
    ) -> dict[str, Any]:
        def fit_one(Xp: np.ndarray, yp: np.ndarray) -> Any:
            positives = int(yp.sum())
            if len(yp) < 20 or min(positives, len(yp) - positives) < 3:
                return float(yp.mean())  # too little to learn from: the observed rate
            model: Any = LogisticRegression(max_iter=1000) if learner == "logistic" else _lightgbm()
            if final and learner == "lightgbm":
                model = CalibratedClassifierCV(model, method="sigmoid", cv=3)
            return model.fit(Xp, yp)

        if structure == "single":
            return {"__all__": fit_one(self._with_action(X, codes), y)}
        return {
            a: fit_one(X[codes == j], y[codes == j]) for j, a in enumerate(self.modelled_actions_)
        }

    def _probability(self, models: dict[str, Any], X: np.ndarray, action: str) -> np.ndarray:
        if action not in self.modelled_actions_:
            return np.full(len(X), np.nan)
        model: Any = models["__all__"] if "__all__" in models else models[action]
        if isinstance(model, float):
            return np.full(len(X), model)
        if "__all__" in models:
            code = self.modelled_actions_.index(action)
            X = self._with_action(X, np.full(len(X), code))
        return np.asarray(model.predict_proba(X)[:, 1])

    def _select(
        self, X: np.ndarray, codes: np.ndarray, y: np.ndarray, groups: np.ndarray
    ) -> list[dict[str, Any]]:
        structures = ["per-action", "single"] if self.structure == "auto" else [self.structure]
        learners = ["logistic", "lightgbm"] if self.learner == "auto" else [self.learner]
        folds = GroupKFold(n_splits=self.n_folds, shuffle=True, random_state=self.random_state)
        scores = []
        for structure in structures:
            for learner in learners:
                out = np.zeros(len(y))
                for train, test in folds.split(X, y, groups=groups):
                    models = self._fit_models(
                        X[train], codes[train], y[train], structure, learner, False
                    )
                    for j, action in enumerate(self.modelled_actions_):
                        rows = test[codes[test] == j]
                        out[rows] = self._probability(models, X[rows], action)
                out = np.clip(np.nan_to_num(out, nan=float(y.mean())), 1e-6, 1 - 1e-6)
                loss = float(log_loss(y, out, labels=[0, 1]))
                scores.append({"structure": structure, "learner": learner, "log_loss": loss})
        return scores
