"""Contact lists, profit and fairness on a fitted churn model."""

from __future__ import annotations

import pytest

from revlearn.data.synth import make_company
from revlearn.errors import ParameterError, SchemaError
from revlearn.usecases.churn import ChurnModel


@pytest.fixture(scope="module")
def split():
    customers = make_company(n_leads=10, n_customers=6000, random_state=3).customers
    return customers.iloc[:3000], customers.iloc[3000:]


@pytest.fixture(scope="module")
def model(split):
    return ChurnModel(candidates=["logistic"], time_budget=5).fit(split[0])


def test_contact_list_orders_by_expected_value(model, split):
    top = model.contact_list(split[1], top=50, value="monthly_charge", cost=5.0)
    assert len(top) == 50
    assert top["expected_value"].is_monotonic_decreasing
    flat = model.contact_list(split[1], top=50, value=100.0, cost=5.0)
    assert flat["score"].is_monotonic_decreasing  # one value for all: score order


def test_profit_pays_only_when_saving_beats_the_cost(model, split):
    worth = model.profit(split[1], value=500.0, cost=20.0, success_rate=0.3)
    assert 0 < worth.best_n < len(split[1])
    assert worth.best_profit > worth.profit_all
    futile = model.profit(split[1], value=10.0, cost=20.0)
    assert futile.best_n == 0 and "No contact pays" in futile.verdict


def test_capacity_caps_the_list(model, split):
    capped = model.profit(split[1], value=500.0, cost=20.0, capacity=40)
    assert capped.best_n <= 40


def test_bad_money_is_refused(model, split):
    with pytest.raises(ParameterError, match=r"value must be a number or a column name"):
        model.contact_list(split[1], top=5, value="lots")
    with pytest.raises(ParameterError, match=r"top must be a positive whole number"):
        model.contact_list(split[1], top=0)


def test_fairness_finds_the_planted_gender_bias(model, split):
    report = model.fairness(split[1], ["gender"])
    summary = report.summary.set_index("column")
    assert summary.loc["gender", "demographic_parity_difference"] > 0.05
    assert "female" in summary.loc["gender", "verdict"]


def test_fairness_names_a_missing_sensitive_column(model, split):
    with pytest.raises(SchemaError, match=r"ethnicity.*--sensitive"):
        model.fairness(split[1], ["ethnicity"])


def test_every_yes_no_use_case_can_act():
    from revlearn.usecases import USECASES
    from revlearn.usecases._actions import ActionsMixin

    assert all(issubclass(cls, ActionsMixin) for cls in USECASES.values())
