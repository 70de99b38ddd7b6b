"""Segment drivers: where the outcome concentrates, in plain words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revlearn.explain.drivers import driver_segments


def _frame(n: int = 4000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "plan": rng.choice(["basic", "pro"], size=n, p=[0.3, 0.7]),
            "tickets": rng.poisson(1.0, size=n).astype(float),
            "flag": rng.integers(0, 2, size=n).astype(float),
        }
    )
    proba = np.where(frame["plan"] == "basic", 0.45, 0.15)  # basic: 3x pro
    return frame, proba


def test_the_planted_segment_leads_the_headlines():
    frame, proba = _frame()
    drivers = driver_segments(frame, proba, ["plan", "tickets", "flag"], outcome="churn")
    table = drivers.table.set_index(["feature", "segment"])
    base = proba.mean()
    assert np.isclose(table.loc[("plan", "basic"), "ratio"], 0.45 / base)
    assert drivers.headlines[0].startswith("plan = basic: churn 1.9× the base (45% vs 24%)")
    assert abs(table.loc["plan", "share_of_predicted"].sum() - 1.0) < 1e-12


def test_columns_without_effect_are_about_average():
    frame, proba = _frame()
    drivers = driver_segments(frame, proba, ["tickets", "flag"])
    assert drivers.table["ratio"].between(0.9, 1.1).all()
    assert drivers.headlines == ()
    assert set(drivers.table.loc[drivers.table["feature"] == "flag", "segment"]) == {"yes", "no"}


def test_observed_rates_and_json():
    frame, proba = _frame()
    y = (np.random.default_rng(1).random(len(frame)) < proba).astype(int)
    doc = driver_segments(frame, proba, ["plan"], y_true=y).to_dict()
    basic = next(s for s in doc["segments"] if s["segment"] == "basic")
    assert abs(basic["observed_rate"] - 0.45) < 0.05
    assert isinstance(doc["headlines"], list)
