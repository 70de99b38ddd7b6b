"""ChurnModel on the demo customers: the planted causes come out, noise does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth import make_company
from revlearn.errors import ParameterError
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


def _events(n_customers: int = 1200, seed: int = 0) -> pd.DataFrame:
    """Customers buy every ~10 days; 'fading' ones slow down, then most of them stop."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")
    rows = []
    for c in range(n_customers):
        fading = rng.random() < 0.4
        day = rng.integers(0, 20)
        gap = 10.0
        while day < 540:
            rows.append((f"C{c:05d}", start + pd.Timedelta(days=int(day)), 20 + rng.random() * 30))
            if fading and day > 300:
                gap *= 1.35  # slows down, then drifts out of the 90-day window
            day += max(1, int(rng.exponential(gap)))
    return pd.DataFrame(rows, columns=["customer", "when", "amount"])


def test_event_table_builds_labels_and_learns_the_fading():
    events = _events()
    model = ChurnModel(
        customer_col="customer",
        timestamp_col="when",
        amount_col="amount",
        horizon_days=90,
        candidates=["logistic"],
        time_budget=5,
    ).fit(events)
    assert model.activity_["cutoff"] < model.activity_["window_end"]
    assert model.metrics_["roc_auc"] > 0.75
    top = model.explain().to_frame()["feature"].head(3).tolist()
    assert {"recency_days", "avg_gap_days", "activity_trend", "events_90d"} & set(top)
    scored = model.predict(events)  # features as of the last event day
    assert scored["customer"].is_unique and len(scored) == events["customer"].nunique()


def test_event_mode_needs_the_customer_column():
    with pytest.raises(ParameterError, match=r"customer column.*--customer"):
        ChurnModel(timestamp_col="when").fit(_events(50))
