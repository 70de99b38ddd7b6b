"""A decision-tree model drawn in the user's columns and units."""

from __future__ import annotations

import pytest

from revlearn.data.synth import make_company
from revlearn.explain.tree import model_tree
from revlearn.report.model_report import model_sections
from revlearn.usecases.churn import ChurnModel


@pytest.fixture(scope="module")
def customers():
    return make_company(n_leads=10, n_customers=3000, random_state=1).customers


def _typed(model, frame):
    return model.schema_.apply(frame[model.input_columns_], where="test")


def test_tree_model_splits_read_in_original_columns_and_units(customers):
    model = ChurnModel(candidates=["decision_tree"], time_budget=5).fit(customers)
    tree = model_tree(model, _typed(model, customers), subject="customers")
    assert tree is not None and tree.fidelity == 1.0
    assert tree.nodes[0]["feature"] == "contract"  # the planted strongest driver
    assert sum(leaf["rows"] for leaf in tree.leaves) == len(customers)
    numeric = [n for n in tree.nodes if n["feature"] == "usage_trend"]
    assert all(-100 < n["threshold"] < 100 for n in numeric)  # % change, not a z-score
    probabilities = [leaf["probability"] for leaf in tree.leaves]
    assert probabilities == sorted(probabilities, reverse=True)
    titles = [s.title for s in model_sections(model, customers.head(1000))]
    assert any(title.endswith("the model's own tree") for title in titles)


def test_other_models_have_no_own_tree(customers):
    model = ChurnModel(candidates=["logistic"], time_budget=5).fit(customers)
    assert model_tree(model, _typed(model, customers)) is None
