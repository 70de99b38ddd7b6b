"""Cross-sell candidates from basket rules price the upsell action per customer."""

from __future__ import annotations

import pandas as pd
import pytest

from revlearn.errors import ParameterError
from revlearn.usecases.basket import BasketAnalysis
from revlearn.usecases.nba import NextBestAction, cross_sell_candidates
from tests.usecases.nba.conftest import FAST


def test_cross_sell_candidates_price_the_upsell(data):
    from tests.usecases.basket.test_model import make_orders

    orders = make_orders(2000)
    basket = BasketAnalysis(customer_col="customer_id", price_col="price", min_support=0.02)
    basket.fit(orders)
    candidates = cross_sell_candidates(basket, orders)
    assert list(candidates.columns) == ["customer_id", "item", "probability", "margin", "because"]
    assert candidates["probability"].between(0, 1).all()
    # one big candidate for one customer of the NBA data
    frames, _ = data
    customer = frames["customers"]["customer_id"].iloc[1]
    own = pd.DataFrame(
        {"customer_id": [customer], "item": ["sauce"], "probability": [0.9], "margin": [500.0]}
    )
    model = NextBestAction(holdout_share=0.0, **FAST).fit(
        frames["history"], customers=frames["customers"], catalogue=frames["catalogue"]
    )
    plan = model.predict(frames["customers"], candidates=own).set_index("customer_id")
    assert plan.loc[customer, "action"] == "upsell"
    assert plan.loc[customer, "expected_value"] == pytest.approx(0.9 * 500 - 2.0)
    assert plan.loc[customer, "reason"].startswith("upsell sauce: 90 % chance")
    # everyone else has no candidate, so no upsell
    assert (plan.drop(index=customer)["action"] != "upsell").all()


def test_recommendation_candidates_carry_measured_probabilities():
    import numpy as np

    from revlearn.data.synth.interactions import make_interactions
    from revlearn.usecases.nba import recommendation_candidates
    from revlearn.usecases.recommend import Recommender

    bought, items, users, _ = make_interactions(np.random.default_rng(4), n_users=600)
    stamps = pd.to_datetime(bought["timestamp"])
    cut = stamps.max() - pd.Timedelta(days=60)
    model = Recommender(user_col="user", item_col="item", timestamp_col="timestamp", k=3)
    model.fit(bought[stamps <= cut], items=items, users=users)
    later = bought[stamps > cut]
    candidates = recommendation_candidates(model, later, margins=12.0, top=3)
    assert list(candidates.columns) == ["user", "item", "probability", "margin", "because"]
    by_rank = candidates.groupby(candidates.groupby("user").cumcount())["probability"].first()
    # measured on later purchases: a real chance at the top, falling with the position
    assert 0.05 < by_rank.iloc[0] <= 1 and by_rank.iloc[0] >= by_rank.iloc[-1]
    # negative control: judged against purchases shuffled across users, the chance collapses
    shuffled = later.assign(user=np.random.default_rng(0).permutation(later["user"].to_numpy()))
    control = recommendation_candidates(model, shuffled, margins=12.0, top=3)
    assert control["probability"].max() < 0.5 * by_rank.iloc[0]
    with pytest.raises(ParameterError, match="top must be"):
        recommendation_candidates(model, later, margins=12.0, top=0)
