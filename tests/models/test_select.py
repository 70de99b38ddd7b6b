"""Model selection: the right family wins when the truth favours it (and not otherwise)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import ParameterError
from revlearn.models.candidates import binary_candidates
from revlearn.models.select import Columns, measure_learning_curve, select_binary


def _data(kind: str, n: int = 3000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    if kind == "linear":
        logit = 1.2 * x1 - 0.8 * x2
    else:  # an interaction no linear model can represent
        logit = 3.0 * np.sign(x1) * np.sign(x2)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"x1": x1, "x2": x2}), y


def _cands(*names: str):
    return [c for c in binary_candidates(n_rows=3000) if c.name in names]


def test_interaction_makes_boosting_win():
    frame, y = _data("interaction")
    sel = select_binary(
        frame,
        y,
        Columns(["x1", "x2"], []),
        _cands("logistic", "lightgbm"),
        n_folds=3,
        time_budget=30,
    )
    assert sel.best.name == "lightgbm"
    assert sel.best_result.valid_mean > 0.8


def test_linear_truth_keeps_the_simpler_model():
    frame, y = _data("linear")
    sel = select_binary(
        frame,
        y,
        Columns(["x1", "x2"], []),
        _cands("logistic", "lightgbm"),
        n_folds=3,
        time_budget=30,
    )
    assert sel.best.name == "logistic"
    assert len(sel.oof_raw) == len(y)


def test_budget_skips_later_candidates():
    frame, y = _data("linear")
    sel = select_binary(
        frame,
        y,
        Columns(["x1", "x2"], []),
        _cands("logistic", "lightgbm", "random_forest"),
        n_folds=3,
        time_budget=0.0,
    )
    assert [r.name for r in sel.results if not r.tuned] == ["logistic"]
    assert sel.skipped == ["lightgbm", "random_forest"]


def test_unknown_metric_lists_the_choices():
    frame, y = _data("linear", n=200)
    with pytest.raises(ParameterError, match=r"Unknown selection metric 'f2'.*roc_auc"):
        select_binary(frame, y, Columns(["x1"], []), _cands("logistic"), metric="f2")


def test_learning_curve_grows_and_scores_held_out_rows():
    frame, y = _data("linear")
    sel = select_binary(frame, y, Columns(["x1", "x2"], []), _cands("logistic"), n_folds=3)
    curve = measure_learning_curve(
        sel.best, sel.best_params, frame, y, Columns(["x1", "x2"], []), sel.folds[0]
    )
    assert curve["n_rows"] == sorted(curve["n_rows"])
    assert curve["valid_score"][-1] > 0.75
