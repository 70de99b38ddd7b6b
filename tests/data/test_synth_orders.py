"""Tests of the demo shop's order lines (revlearn.data.synth.orders): the planted truths."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from revlearn.data.rfm import rfm_summary
from revlearn.data.synth import Company, make_company
from revlearn.usecases.clv import bgnbd_prob_alive, fit_bgnbd


@pytest.fixture(scope="module")
def shop() -> Company:
    return make_company(n_leads=20, n_customers=20, n_shoppers=3000, random_state=0)


def test_orders_are_reproducible_and_independent_of_other_tables() -> None:
    first = make_company(n_leads=20, n_customers=20, n_shoppers=200, random_state=7)
    again = make_company(n_leads=90, n_customers=40, n_shoppers=200, random_state=7)
    other = make_company(n_leads=20, n_customers=20, n_shoppers=200, random_state=8)
    pd.testing.assert_frame_equal(first.orders, again.orders)
    assert not first.orders.equals(other.orders)


def test_order_lines_are_consistent(shop: Company) -> None:
    orders = shop.orders
    assert list(orders.columns) == [
        "order_id", "customer_id", "ordered_at", "channel", "product", "category",
        "quantity", "unit_price", "amount",
    ]  # fmt: skip
    assert np.allclose(orders["amount"], (orders["quantity"] * orders["unit_price"]).round(2))
    assert orders["ordered_at"].max() <= pd.Timestamp("2025-06-30 23:59")
    assert orders["customer_id"].nunique() == 3000
    assert set(orders["channel"]) == {"web", "app", "store"}
    returns = orders[orders["quantity"] < 0]
    assert 0.01 < len(returns) / len(orders) < 0.03
    # every return belongs to an order placed earlier for the same product
    sold = orders[orders["quantity"] > 0].set_index(["order_id", "product"])["ordered_at"]
    keys = list(zip(returns["order_id"], returns["product"], strict=True))
    assert (returns["ordered_at"].to_numpy() > sold.loc[keys].to_numpy()).all()


def test_bgnbd_parameters_and_alive_shoppers_are_recovered(shop: Company) -> None:
    truth = shop.truths["orders"]["bgnbd"]
    summary = rfm_summary(
        shop.orders, customer_col="customer_id", timestamp_col="ordered_at", amount_col="amount"
    )
    params = fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    for name in ("r", "alpha", "a", "b"):
        assert getattr(params, name) == pytest.approx(truth[name], rel=0.2), name
    alive = summary["customer_id"].isin(shop.truths["orders"]["alive_ids"])
    p_alive = bgnbd_prob_alive(params, summary["frequency"], summary["recency"], summary["T"])
    assert roc_auc_score(alive, p_alive) > 0.85
    # negative control: P(alive) does not rank shoppers whose labels are shuffled
    shuffled = np.random.default_rng(0).permutation(alive.to_numpy())
    assert abs(roc_auc_score(shuffled, p_alive) - 0.5) < 0.05


def test_planted_bundles_have_high_lift_and_other_pairs_do_not(shop: Company) -> None:
    sold = shop.orders[shop.orders["quantity"] > 0]
    onehot = pd.crosstab(sold["order_id"], sold["product"]).gt(0)
    support = onehot.mean()
    bundles = {(a, c): p for a, c, p in shop.truths["orders"]["bundles"]}
    for (a, c), probability in bundles.items():
        both = (onehot[a] & onehot[c]).mean()
        assert both / support[a] == pytest.approx(probability, abs=0.1)
        assert both / (support[a] * support[c]) > 5
    planted = {frozenset(pair) for pair in bundles} | {
        frozenset(("memory card", "camera bag"))  # both follow a camera
    }
    popular = support[support > 0.01].index
    for a, c in itertools.combinations(popular, 2):
        if frozenset((a, c)) not in planted:
            lift = (onehot[a] & onehot[c]).mean() / (support[a] * support[c])
            assert lift < 2.0, (a, c, lift)


def test_fraud_orders_are_night_bursts_through_a_new_channel(shop: Company) -> None:
    orders = shop.orders
    fraud_ids = set(shop.truths["orders"]["fraud_orders"])
    assert 20 < len(fraud_ids) < 120
    fraud = orders[orders["order_id"].isin(fraud_ids)]
    normal = orders[~orders["order_id"].isin(fraud_ids)]
    assert fraud["ordered_at"].dt.hour.between(1, 4).all()
    assert normal["ordered_at"].dt.hour.between(7, 23).all()
    assert set(fraud["product"]) <= {"laptop", "gift card"}
    usual = normal.groupby("customer_id")["channel"].agg(set)
    assert all(row.channel not in usual[row.customer_id] for row in fraud.itertuples())
    order_value = normal.groupby(["customer_id", "order_id"])["amount"].sum()
    typical = order_value.groupby("customer_id").median()
    ratio = fraud.groupby("order_id")["amount"].sum() / fraud.groupby("order_id")[
        "customer_id"
    ].first().map(typical)
    assert ratio.median() > 5


def test_shopper_types_differ_as_documented(shop: Company) -> None:
    orders = shop.orders[shop.orders["quantity"] > 0]
    kind = orders["customer_id"].map(shop.truths["orders"]["shopper_type"])
    catalog = shop.truths["orders"]["catalog"]
    discounted = orders["unit_price"] < orders["product"].map(lambda p: catalog[p]["price"])
    share = discounted.groupby(kind).mean()
    assert share["bargain hunter"] > 0.5 > 0.05 > share["premium buyer"]
    price = orders["unit_price"].groupby(kind).median()
    assert price["premium buyer"] > price["regular"] > price["bargain hunter"]
