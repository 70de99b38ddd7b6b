"""The shared yes/no machinery on another question: customer churn drivers are recovered."""

from __future__ import annotations

import numpy as np
import pytest

from revlearn.data.synth import make_company
from revlearn.usecases._propensity import PropensityModel


@pytest.fixture(scope="module")
def customers():
    return make_company(n_leads=10, n_customers=5000, random_state=8).customers


def test_planted_churn_drivers_rank_above_noise(customers):
    model = PropensityModel(target_col="churned", candidates=["logistic"], time_budget=5)
    model.fit(customers)
    table = model.explain().to_frame().set_index("feature")
    assert table.index[0] == "contract"
    assert {"price_rise", "support_tickets", "usage_trend"} <= set(table.index[:8])
    noise = [c for c in customers.columns if c.startswith("noise")]
    assert set(table.index[-2:]) == set(noise)
    assert table.loc["support_tickets", "direction"] == "higher raises odds"


def test_negative_control_without_the_outcome_signal(customers):
    shuffled = customers.assign(
        churned=np.random.default_rng(1).permutation(customers["churned"].to_numpy())
    )
    model = PropensityModel(target_col="churned", candidates=["logistic"], time_budget=5)
    assert model.fit(shuffled).metrics_["roc_auc"] < 0.56


def test_duplicate_ids_are_noted_and_every_row_scored(customers):
    dup = customers.head(600).copy()
    dup.loc[dup.index[:10], "customer_id"] = dup["customer_id"].iloc[10]
    model = PropensityModel(
        target_col="churned", id_col="customer_id", candidates=["logistic"], time_budget=5
    ).fit(dup)
    assert any("repeat" in note for note in model.notes_)
    assert len(model.predict(dup)) == 600
