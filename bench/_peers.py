"""The peer models every propensity benchmark runs beside revlearn, set up as a user would.

* scikit-learn logistic regression: median imputation + scaling for numbers, one-hot for
  text columns;
* LightGBM with its defaults, text columns as pandas categories;

both single-threaded, like revlearn's own models.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

PEERS = ("sklearn logistic", "LightGBM defaults")


def _categories(X: pd.DataFrame) -> pd.DataFrame:
    out = X.copy()
    for col in out.columns:
        if out[col].dtype == object or out[col].dtype == bool:
            out[col] = out[col].astype("category")
    return out


def _logistic(X: pd.DataFrame, y: np.ndarray) -> object:
    design = ColumnTransformer(
        [
            (
                "cat",
                OneHotEncoder(handle_unknown="ignore"),
                make_column_selector(dtype_include=[object, bool]),
            ),
            (
                "num",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                make_column_selector(dtype_exclude=[object, bool]),
            ),
        ]
    )
    return make_pipeline(design, LogisticRegression(max_iter=2000)).fit(X, y)


def peer_scores(
    X_train: pd.DataFrame, y_train: np.ndarray, X_test: pd.DataFrame, y_test: np.ndarray
) -> list[dict[str, object]]:
    """Fit each peer on the training rows and score the test rows.

    Returns one mapping per peer: ``method``, ``auc`` (held-out ROC AUC), ``fit_s``.
    """
    rows = []
    for method in PEERS:
        t0 = time.perf_counter()
        if method == "sklearn logistic":
            model = _logistic(X_train, y_train)
            test = X_test
        else:
            model = LGBMClassifier(n_jobs=1, verbose=-1).fit(_categories(X_train), y_train)
            test = _categories(X_test)
        fit_s = time.perf_counter() - t0
        auc = roc_auc_score(y_test, model.predict_proba(test)[:, 1])  # type: ignore[attr-defined]
        rows.append({"method": method, "auc": auc, "fit_s": fit_s})
    return rows
