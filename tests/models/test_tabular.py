"""Calibration and per-column contributions of the fitted model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.models.candidates import binary_candidates
from revlearn.models.select import Columns
from revlearn.models.tabular import BinaryModel, fit_platt


def _data(n: int = 4000, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "strong": rng.normal(size=n),
            "noise": rng.normal(size=n),
            "tier": rng.choice(["a", "b", "c"], size=n),
        }
    )
    logit = -1.0 + 1.5 * frame["strong"] + frame["tier"].map({"a": 0.0, "b": 0.0, "c": 1.0})
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame, y


def test_platt_recovers_a_known_scaling():
    rng = np.random.default_rng(0)
    raw = rng.normal(size=20000)
    y = (rng.random(20000) < 1 / (1 + np.exp(-(2.0 * raw - 0.5)))).astype(int)
    a, b = fit_platt(raw, y)
    assert a == pytest.approx(2.0, abs=0.1)
    assert b == pytest.approx(-0.5, abs=0.1)


@pytest.mark.parametrize("family", ["logistic", "lightgbm", "decision_tree"])
def test_contributions_rank_the_planted_driver_first(family):
    frame, y = _data()
    cand = next(c for c in binary_candidates(n_rows=len(y)) if c.name == family)
    columns = Columns(["strong", "noise"], ["tier"])
    model = BinaryModel(columns.design(cand.flavour), cand.make(), family, ["tier"])
    model.fit(frame, y, (1.0, 0.0))
    contrib, proba = model.contributions(frame.head(500))
    assert contrib.shape == (500, 3)
    mean_abs = dict(zip(model.columns_, np.abs(contrib).mean(axis=0), strict=True))
    assert max(mean_abs, key=mean_abs.get) == "strong"
    assert mean_abs["noise"] < mean_abs["strong"] / 3
    np.testing.assert_allclose(proba, model.predict_proba(frame.head(500)), rtol=1e-6)


def test_linear_contributions_add_up_to_the_log_odds():
    frame, y = _data()
    cand = binary_candidates(n_rows=len(y))[0]
    model = BinaryModel(
        Columns(["strong", "noise"], ["tier"]).design("onehot"), cand.make(), "logistic", ["tier"]
    ).fit(frame, y, (1.0, 0.0))
    contrib, _ = model.contributions(frame.head(50))
    log_odds = model.log_odds(frame.head(50))
    # contributions are relative to the average row: differences between rows must match
    np.testing.assert_allclose(np.diff(contrib.sum(axis=1)), np.diff(log_odds), atol=1e-8)
