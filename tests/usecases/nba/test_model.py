"""Next best action recovers the planted "who responds to what" and saves and loads."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import InputError, NotFittedError, ParameterError, SchemaError
from revlearn.usecases.nba import NextBestAction
from tests.usecases.nba.conftest import FAST, shares_by_group


def test_recovers_the_planted_best_action(data, model):
    frames, truths = data
    plan = model.predict(frames["customers"])
    shares = shares_by_group(frames["customers"], plan)
    assert shares["call|risky"] > 0.9 and shares["call|safe"] < 0.05
    assert shares["offer|price"] > 0.8 and shares["offer|other"] < 0.1
    assert (plan["planned_action"].to_numpy() == truths["best_action"]).mean() > 0.9
    assert {s["structure"] for s in model.cv_scores_} == {"per-action", "single"}
    assert len(model.cv_scores_) == 4


def test_shuffled_responses_carry_no_pattern(data):
    frames, _ = data
    history = frames["history"].copy()
    history["responded"] = np.random.default_rng(1).permutation(history["responded"].to_numpy())
    model = NextBestAction(**FAST).fit(
        history, customers=frames["customers"], catalogue=frames["catalogue"]
    )
    shares = shares_by_group(frames["customers"], model.predict(frames["customers"]))
    assert abs(shares["call|risky"] - shares["call|safe"]) < 0.2
    assert abs(shares["offer|price"] - shares["offer|other"]) < 0.2


def test_output_columns_and_reason(data, model):
    frames, _ = data
    plan = model.predict(frames["customers"])
    assert list(plan.columns) == [
        "customer_id",
        "action",
        "probability",
        "value",
        "cost",
        "expected_value",
        "reason",
        "in_holdout",
        "planned_action",
    ]
    assert plan["customer_id"].tolist() == frames["customers"]["customer_id"].tolist()
    treated = plan[~plan["in_holdout"] & (plan["action"] != "nothing")]
    np.testing.assert_allclose(
        treated["expected_value"], treated["probability"] * treated["value"] - treated["cost"]
    )
    call = treated[treated["action"] == "retention call"].iloc[0]
    assert call["reason"].startswith(
        f"retention call: {call['probability'] * 100:.0f} % chance to keep"
    )
    assert f"worth {call['value']:,.0f}" in call["reason"] and "best net value" in call["reason"]
    held = plan[plan["in_holdout"]]
    assert (held["action"] == "nothing").all()
    assert held["reason"].str.startswith("held out at random (10 % of customers)").all()


def test_summary_and_explain(model):
    summary = model.summary()
    assert json.loads(json.dumps(summary)) == summary
    assert summary["n_customers"] == 1500
    assert summary["holdout_size"] == 150
    assert sum(summary["action_counts"].values()) == 1500
    assert summary["response_model"]["structure"] in ("per-action", "single")
    assert summary["expected_total_value"] == pytest.approx(
        sum(summary["expected_value_by_action"].values())
    )
    table = model.explain().set_index("action")
    assert table.loc["retention call", "value"] == "value"
    assert table.loc["offer", "n_history"] > 0
    assert table.loc["nothing", "planned"] >= 150


def test_save_and_load_predicts_the_same(data, model, tmp_path):
    from revlearn.store.registry import Registry
    from revlearn.store.workspace import Workspace

    frames, _ = data
    reg = Registry(Workspace(tmp_path / "ws.duckdb"))
    reg.save(model, name="x", usecase="nba", params=model.get_params(), metrics={}, fingerprint="f")
    loaded, _record = reg.load("x")
    customers = frames["customers"].head(200)
    pd.testing.assert_frame_equal(loaded.predict(customers), model.predict(customers))


def test_bad_input_is_a_clear_error(data):
    frames, _ = data
    history, customers, catalogue = frames["history"], frames["customers"], frames["catalogue"]
    nba = NextBestAction(**FAST)
    with pytest.raises(NotFittedError):
        nba.predict(customers)
    with pytest.raises(InputError, match="not in the catalogue: webinar") as err:
        bad = history.copy()
        bad.loc[3, "action"] = "webinar"
        nba.fit(bad, customers=customers, catalogue=catalogue)
    assert err.value.fix and "history" in err.value.where
    with pytest.raises(SchemaError, match="'cost'"):
        nba.fit(history, customers=customers, catalogue=catalogue.drop(columns="cost"))
    with pytest.raises(SchemaError, match="'value'"):
        nba.fit(history, customers=customers, catalogue=catalogue.drop(columns="value"))
    with pytest.raises(SchemaError, match="neither a number nor a customer column"):
        nba.fit(history, customers=customers, catalogue=catalogue.assign(value="clv"))
    with pytest.raises(InputError, match="blank id"):
        blank = customers.copy()
        blank.loc[5, "customer_id"] = " "
        nba.fit(history, customers=blank, catalogue=catalogue)
    with pytest.raises(SchemaError, match="0/1 responses"):
        nba.fit(history.assign(responded="yes"), customers=customers, catalogue=catalogue)
    with pytest.raises(SchemaError, match="cannot be evaluated"):
        rule = catalogue.assign(eligible=["", "tenure_days > 3", "", "", ""])
        nba.fit(history, customers=customers, catalogue=rule)
    with pytest.raises(ParameterError, match="holdout_share"):
        NextBestAction(holdout_share=0.9).fit(history, customers=customers, catalogue=catalogue)
    with pytest.raises(ParameterError, match="max_contacts"):
        NextBestAction(max_contacts=1.5).fit(history, customers=customers, catalogue=catalogue)


def test_observed_value_is_the_mean_value_of_past_responses(data):
    frames, _ = data
    history = frames["history"].assign(
        order_value=np.where(frames["history"]["action"] == "offer", 80.0, 10.0)
    )
    history.loc[history["responded"] == 0, "order_value"] = np.nan
    catalogue = frames["catalogue"].assign(
        value=lambda c: c["value"].where(c["action"] != "offer", "observed")
    )
    model = NextBestAction(value_col="order_value", **FAST).fit(
        history, customers=frames["customers"], catalogue=catalogue
    )
    assert model.action_values_[model.actions_.index("offer")] == pytest.approx(80.0)
    plan = model.predict(frames["customers"])
    assert (plan.loc[plan["action"] == "offer", "value"] == 80.0).all()
    with pytest.raises(SchemaError, match="'observed' and pass value_col"):
        NextBestAction(**FAST).fit(history, customers=frames["customers"], catalogue=catalogue)


def test_blank_or_text_customer_value(data, model):
    frames, _ = data
    customers = frames["customers"].copy()
    customers["value"] = customers["value"].astype(object)
    customers.loc[customers["at_risk"] == 1, "value"] = None
    plan = model.predict(customers)
    assert not (plan["planned_action"][customers["at_risk"] == 1] == "retention call").any()
    customers.loc[0, "value"] = "high"
    with pytest.raises(SchemaError, match=r"'value' (was numeric|holds the value).*high"):
        model.predict(customers)
