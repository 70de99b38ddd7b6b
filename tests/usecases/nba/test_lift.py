"""Measured lift: treated against held-out customers with the same planned action."""

from __future__ import annotations

import numpy as np


def test_measure_lift_finds_the_planted_effect(data, model):
    frames, truths = data
    plan = model.predict(frames["customers"])
    rng = np.random.default_rng(5)
    actions = model.actions_
    p = truths["response_probability"][
        np.arange(len(plan)), [actions.index(a) for a in plan["action"]]
    ]
    outcomes = plan[["customer_id"]].assign(outcome=(rng.random(len(plan)) < p).astype(int))
    lift = model.measure_lift(outcomes, plan=plan).set_index("group")
    assert (
        lift.loc["holdout", "n"]
        == plan["in_holdout"].sum()
        - (plan.loc[plan["in_holdout"], "planned_action"] == "nothing").sum()
    )
    assert lift.loc["lift", "lo"] > 0 and lift.loc["lift", "p_value"] < 0.01
    # negative control: outcomes that ignore the action give no significant lift
    flat = outcomes.assign(outcome=(rng.random(len(plan)) < 0.2).astype(int))
    control = model.measure_lift(flat, plan=plan).set_index("group")
    assert control.loc["lift", "lo"] < 0 < control.loc["lift", "hi"]
