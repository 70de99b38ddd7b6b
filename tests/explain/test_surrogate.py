"""The surrogate tree finds planted splits, reads them as rules and says when it cannot."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth import make_company
from revlearn.errors import InputError, ParameterError
from revlearn.explain.surrogate import surrogate_tree
from revlearn.usecases._propensity import PropensityModel


@pytest.fixture(scope="module")
def churn() -> dict[str, Any]:
    """A logistic churn model on 3,000 customers and its typed rows."""
    customers = make_company(n_leads=100, n_customers=3000, random_state=0).customers
    model = PropensityModel(target_col="churned", candidates=["logistic"], time_budget=1).fit(
        customers
    )
    typed = model.schema_.apply(customers[model.input_columns_], where="test")
    return {"model": model, "typed": typed}


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    """Rows where the probability is 80 % for segment a with x > 5, else 10 %."""
    rng = np.random.default_rng(0)
    n = 4000
    return pd.DataFrame(
        {
            "x": rng.uniform(0, 10, n),
            "segment": rng.choice(["a", "b", "c"], n),
            "member": rng.integers(0, 2, n).astype(float),
            "noise": rng.normal(size=n),
        }
    )


def _planted_proba(frame: pd.DataFrame) -> np.ndarray:
    hit = (frame["segment"] == "a").to_numpy() & (frame["x"] > 5).to_numpy()
    return np.where(hit, 0.8, 0.1)


def test_churn_root_split_is_contract(churn: dict[str, Any]) -> None:
    result = surrogate_tree(
        churn["model"].model_.predict_proba,
        churn["typed"],
        outcome="churn probability",
        subject="customers",
    )
    root = result.nodes[0]
    assert root["feature"] == "contract"
    assert result.fidelity > 0.55  # measured 0.60: the additive model has many small effects
    assert result.summary.startswith("The 3-level tree reproduces")
    assert result.rules[0].startswith("IF contract = month-to-month")
    assert all("_" not in rule and "<=" not in rule for rule in result.rules)
    deeper = surrogate_tree(churn["model"].model_.predict_proba, churn["typed"], max_depth=4)
    assert deeper.fidelity > result.fidelity + 0.05


def test_rules_partition_the_rows(churn: dict[str, Any]) -> None:
    result = surrogate_tree(churn["model"].model_.predict_proba, churn["typed"], max_rows=2500)
    rows = result.to_frame()["rows"]
    assert rows.sum() == result.n_rows == 2500 == result.nodes[0]["samples"]
    assert len(result.rules) == len(result.leaves) <= 8
    assert result.to_frame()["probability"].is_monotonic_decreasing
    for node in result.nodes:
        if node["left"] >= 0:
            children = (
                result.nodes[node["left"]]["samples"] + result.nodes[node["right"]]["samples"]
            )
            assert children == node["samples"]
    json.dumps(result.to_dict())


def test_planted_rule_is_read_back(planted: pd.DataFrame) -> None:
    result = surrogate_tree(_planted_proba, planted, max_depth=2, subject="accounts")
    assert result.fidelity > 0.99
    top = result.leaves[0]
    assert top["probability"] == pytest.approx(0.8)
    assert top["rows"] == int(((planted["segment"] == "a") & (planted["x"] > 5)).sum())
    x_rule = next(c for c in top["conditions"] if c.startswith("x > "))
    assert sorted(top["conditions"]) == sorted(["segment = a", x_rule])
    assert float(x_rule[4:]) == pytest.approx(5.0, abs=0.05)
    assert top["rule"].endswith(f"≈ 80% ({top['rows']:,} accounts)")
    others = " ".join(result.rules[1:])
    assert "segment ≠ a" in others and "x ≤ " in others


def test_merged_conditions_on_one_column() -> None:
    frame = pd.DataFrame({"x": np.arange(1000, dtype=float), "c": ["p", "q", "r", "s"] * 250})
    band = ((frame["x"] > 300) & (frame["x"] <= 600)).to_numpy()
    not_pq = (~frame["c"].isin(["p", "q"])).to_numpy()
    result = surrogate_tree(
        lambda f: np.where(band[f.index], 0.6, 0.1) + 0.2 * not_pq[f.index], frame, max_depth=4
    )
    assert any("300 < x ≤ 600" in rule.replace(".5", "") for rule in result.rules)
    assert any("c not in (" in rule for rule in result.rules)


def test_constant_model_gives_one_leaf(churn: dict[str, Any]) -> None:
    """Negative control: nothing to explain, and the text says so."""
    result = surrogate_tree(lambda f: np.full(len(f), 0.3), churn["typed"], subject="customers")
    assert result.depth == 0 and len(result.nodes) == 1
    assert result.rules == ["FOR ALL customers: predicted probability ≈ 30% (3,000 customers)"]
    assert "same predicted probability (30%)" in result.summary
    assert "single leaf" in result.summary


def test_unrelated_model_has_low_fidelity(planted: pd.DataFrame) -> None:
    """Negative control: probabilities unrelated to the columns cannot be reproduced."""
    noise = np.random.default_rng(5).uniform(0.05, 0.95, len(planted))
    result = surrogate_tree(lambda f: noise[f.index], planted)
    assert result.fidelity < 0.05
    assert "rough sketch" in result.summary


def test_bad_input_is_named(planted: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match="max_depth=0"):
        surrogate_tree(_planted_proba, planted, max_depth=0)
    with pytest.raises(InputError, match="returned 2 values"):
        surrogate_tree(lambda f: np.zeros(2), planted)
    with pytest.raises(InputError, match="No rows"):
        surrogate_tree(_planted_proba, planted.iloc[:0])
