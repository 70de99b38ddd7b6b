"""Tests of bundles, also-bought and cross-sell (revlearn.usecases.basket.offers)."""

from __future__ import annotations

import pandas as pd
import pytest

from revlearn.errors import (
    NotFoundError,
    ParameterError,
)
from revlearn.usecases.basket import BasketAnalysis
from tests.conftest import SHARED_DATA
from tests.usecases.basket.test_model import make_orders

GROCERIES = SHARED_DATA / "groceries" / "groceries.csv"
ITEMS = [f"item{k:02d}" for k in range(20)]


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return make_orders()


@pytest.fixture(scope="module")
def model(orders: pd.DataFrame) -> BasketAnalysis:
    return BasketAnalysis(customer_col="customer_id", min_support=0.02, min_confidence=0.2).fit(
        orders
    )


def test_bundles_rank_by_lift_then_margin(orders):
    plain = BasketAnalysis(min_support=0.01).fit(orders).bundles(top=None)
    assert plain["lift"].gt(1).all()
    assert plain["score"].is_monotonic_decreasing
    assert set(plain.iloc[0]["bundle"].split(" + ")) == {"pasta", "sauce", "chips", "beer"}
    assert plain[plain["size"] == 2].iloc[0]["bundle"] == "pasta + sauce"
    assert "combined_margin" not in plain
    # margins: beer is worth 6, so chips + beer outranks pasta + sauce despite its lower lift
    with_margin = BasketAnalysis(min_support=0.01).fit(
        orders, margins={"pasta": 3, "sauce": 4, "chips": 1.5, "beer": 60}
    )
    top = with_margin.bundles(top=3, size=2)
    assert top.iloc[0]["bundle"] == "beer + chips"
    assert top.iloc[0]["combined_margin"] == pytest.approx(61.5)
    from_prices = BasketAnalysis(price_col="price", min_support=0.01).fit(orders)
    row = from_prices.bundles(top=None).set_index("bundle").loc["pasta + sauce"]
    assert row["combined_margin"] == pytest.approx(7.0)


def test_also_bought(model):
    table = model.also_bought("pasta", top=3)
    assert table.iloc[0]["also_bought"] == "sauce"
    assert table["confidence"].is_monotonic_decreasing
    assert (table["item"] == "pasta").all()
    with pytest.raises(NotFoundError, match=r"'pastaa' is not in.*Did you mean 'pasta'"):
        model.also_bought("pastaa")


def test_cross_sell_offers_the_missing_consequent(model):
    history = pd.DataFrame(
        {
            "customer_id": ["ann", "ann", "bob", "bob", "cy"],
            "item": ["pasta", "item03", "pasta", "sauce", "unknown thing"],
        }
    )
    offers = model.cross_sell(history)
    ann = offers[offers["customer_id"] == "ann"]
    assert ann.iloc[0]["recommend"] == "sauce"
    assert ann.iloc[0]["because"] == "pasta"
    assert ann["rank"].tolist() == list(range(1, len(ann) + 1))
    bob = offers[offers["customer_id"] == "bob"]
    assert "sauce" not in bob["recommend"].tolist()  # already bought
    assert "cy" not in offers["customer_id"].tolist()
    pd.testing.assert_frame_equal(model.predict(history), offers)


def test_cross_sell_ranks_by_expected_margin(orders):
    model = BasketAnalysis(customer_col="customer_id", min_support=0.01).fit(
        orders, margins={"sauce": 1.0, "beer": 100.0}
    )
    history = pd.DataFrame({"customer_id": ["x", "x"], "item": ["pasta", "chips"]})
    offers = model.cross_sell(history, top=2)
    assert offers["recommend"].tolist()[0] == "beer"
    assert offers["expected_margin"].is_monotonic_decreasing


def test_cross_sell_needs_a_customer_column(orders):
    model = BasketAnalysis(min_support=0.02).fit(orders)
    with pytest.raises(ParameterError, match="No customer column"):
        model.cross_sell(orders)
