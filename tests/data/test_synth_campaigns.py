"""Campaign synth data: the planted best variants, propensities and NBA truths are as documented."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth.campaigns import (
    NBA_ACTIONS,
    VARIANTS,
    make_bandit_log,
    make_bandit_visitors,
    make_nba_history,
    policy_value,
)


def test_visitors_have_context_and_known_probabilities():
    visitors, truths = make_bandit_visitors(np.random.default_rng(0), 4000)
    assert list(visitors.columns) == ["visitor_id", "segment", "channel", "history_count"]
    p = truths["click_probability"]
    assert p.shape == (4000, len(VARIANTS))
    assert ((p > 0) & (p < 1)).all()
    # the planted best variant per segment is the argmax of every visitor of that segment
    best = np.asarray(VARIANTS, dtype=object)[p.argmax(axis=1)]
    expected = visitors["segment"].map(truths["best_variant"]).to_numpy()
    assert (best == expected).all()
    # no single variant is best for everyone (so an A/B test's global winner loses)
    assert len(set(truths["best_variant"].values())) == 4


def test_observed_click_rates_follow_the_plant():
    logged, truths = make_bandit_log(np.random.default_rng(1), 40_000)
    rates = logged.groupby(["segment", "variant"])["clicked"].mean().unstack()
    for segment, variant in truths["best_variant"].items():
        assert rates.loc[segment].idxmax() == variant


def test_logged_propensities_are_the_logging_policy():
    logged, truths = make_bandit_log(np.random.default_rng(2), 20_000)
    email = logged["channel"] == "email"
    assert logged.loc[email & (logged["variant"] == "discount"), "propensity"].eq(0.5).all()
    assert logged.loc[~email, "propensity"].eq(0.25).all()
    share = (logged.loc[email, "variant"] == "discount").mean()
    assert share == pytest.approx(0.5, abs=0.03)
    assert logged["clicked"].mean() == pytest.approx(truths["logged_value"], abs=0.006)


def test_policy_value_from_names_and_matrix():
    _visitors, truths = make_bandit_visitors(np.random.default_rng(3), 1000)
    p = truths["click_probability"]
    oracle = np.asarray(VARIANTS, dtype=object)[p.argmax(axis=1)]
    assert policy_value(p, oracle) == pytest.approx(p.max(axis=1).mean())
    uniform = np.full(p.shape, 0.25)
    assert policy_value(p, uniform) == pytest.approx(p.mean())
    assert policy_value(p, ["discount"] * 1000) < policy_value(p, oracle)


def test_nba_history_truths():
    frames, truths = make_nba_history(np.random.default_rng(4), 2000)
    customers, history = frames["customers"], frames["history"]
    assert len(history) == 2 * len(customers)
    assert set(history["action"]) == set(NBA_ACTIONS)
    best = pd.Series(truths["best_action"])
    risky = (customers["at_risk"] == 1) & (customers["tenure_months"] >= 3)
    assert (best[risky] == "retention call").all()
    price = (customers["price_sensitive"] == 1) & (customers["at_risk"] == 0)
    assert (best[price] == "offer").all()
    assert not (best[customers["at_risk"] == 0] == "retention call").any()
    # observed response rates carry the plant
    merged = history.merge(customers, on="customer_id")
    call = merged[merged["action"] == "retention call"]
    rates = call.groupby("at_risk")["responded"].mean()
    assert rates[1] > 0.3 > 0.05 > rates[0]


def test_same_seed_same_data():
    a, _ = make_nba_history(np.random.default_rng(5), 300)
    b, _ = make_nba_history(np.random.default_rng(5), 300)
    pd.testing.assert_frame_equal(a["history"], b["history"])
