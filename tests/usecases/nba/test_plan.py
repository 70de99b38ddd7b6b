"""The plan of next best action: eligibility, budgets, the contact cap and the holdout."""

from __future__ import annotations

import numpy as np

from revlearn.usecases.nba import NextBestAction
from tests.usecases.nba.conftest import FAST


def test_eligibility_and_caps_are_never_violated(data):
    frames, _ = data
    catalogue = frames["catalogue"].assign(budget=[100, np.nan, 50, np.nan, np.nan])
    model = NextBestAction(max_contacts=300, holdout_share=0.0, **FAST).fit(
        frames["history"], customers=frames["customers"], catalogue=catalogue
    )
    plan = model.predict(frames["customers"])
    contacted = plan["action"] != "nothing"
    assert contacted.sum() == 300  # cap binds: many more customers have a positive action
    assert (plan["action"] == "offer").sum() <= 100
    assert (plan["action"] == "upsell").sum() <= 50
    new = frames["customers"]["tenure_months"].to_numpy() < 3
    assert not (plan["action"][new] == "retention call").any()
    assert (plan.loc[contacted, "expected_value"] > 0).all()
    # the cap keeps the highest expected values
    assert (
        plan.loc[contacted, "expected_value"].min() >= plan.loc[~contacted, "expected_value"].max()
    )
    share = NextBestAction(max_contacts=0.1, holdout_share=0.0, **FAST).fit(
        frames["history"], customers=frames["customers"], catalogue=frames["catalogue"]
    )
    assert share.summary()["n_contacted"] == 150


def test_holdout_share_is_exact_and_random(data):
    frames, _ = data
    customers = frames["customers"]
    plans = [
        NextBestAction(holdout_share=0.2, random_state=seed, **FAST)
        .fit(frames["history"], customers=customers, catalogue=frames["catalogue"])
        .predict(customers)
        for seed in (0, 1)
    ]
    for plan in plans:
        assert plan["in_holdout"].sum() == 300
        # random: independent of the features
        held = customers[plan["in_holdout"].to_numpy()]
        assert abs(held["at_risk"].mean() - customers["at_risk"].mean()) < 0.06
        assert abs(held["value"].mean() - customers["value"].mean()) < 60
    assert (plans[0]["in_holdout"] != plans[1]["in_holdout"]).any()
