"""ChurnModel on the demo customers: the planted causes come out, noise does not."""

from __future__ import annotations

import numpy as np
import pytest

from revlearn.data.synth import make_company
from revlearn.usecases.churn import ChurnModel


@pytest.fixture(scope="module")
def customers():
    return make_company(n_leads=10, n_customers=6000, random_state=21).customers


@pytest.fixture(scope="module")
def model(customers):
    return ChurnModel(candidates=["logistic", "lightgbm"], time_budget=15).fit(customers)


def test_defaults_fit_a_customer_table(model):
    assert model.id_col_ == "customer_id"
    assert model.positive_ == "yes"
    assert 0.70 < model.metrics_["roc_auc"] < 0.85


def test_planted_drivers_lead_and_noise_trails(model, customers):
    table = model.explain().to_frame()
    assert table["feature"].iloc[0] == "contract"
    assert {"price_rise", "support_tickets"} <= set(table["feature"].head(8))
    noise = {"noise_score", "noise_category"}
    assert noise.isdisjoint(table["feature"].head(6))  # below the five planted drivers + gender


def test_causes_say_where_churn_concentrates(model):
    causes = model.causes()
    table = causes.to_frame().set_index(["feature", "segment"])
    monthly = table.loc[("contract", "month-to-month")]
    two_year = table.loc[("contract", "two-year")]
    assert monthly["ratio"] > 1.15 > 0.87 > two_year["ratio"]
    assert monthly["observed_rate"] > 2 * two_year["observed_rate"]
    assert table.loc[("price_rise", "yes"), "ratio"] > table.loc[("price_rise", "no"), "ratio"]
    assert any("contract = month-to-month: churn" in h for h in causes.headlines)
    assert abs(causes.table.groupby("feature")["share_of_predicted"].sum() - 1).max() < 1e-9


def test_shuffled_outcome_leaves_no_cause(customers):
    shuffled = customers.assign(
        churned=np.random.default_rng(2).permutation(customers["churned"].to_numpy())
    )
    null = ChurnModel(candidates=["logistic"], time_budget=5).fit(shuffled)
    assert null.causes().table["ratio"].between(0.8, 1.25).all()


def test_predict_scores_every_customer(model, customers):
    out = model.predict(customers.head(200))
    assert out["customer_id"].tolist() == customers["customer_id"].head(200).tolist()
    assert out["reasons"].str.len().gt(0).mean() > 0.9
