from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import (
    InputError,
    NotFittedError,
    ParameterError,
    RevlearnWarning,
    SchemaError,
)
from revlearn.usecases.basket import BasketAnalysis, read_baskets
from tests.conftest import SHARED_DATA

GROCERIES = SHARED_DATA / "groceries" / "groceries.csv"
ITEMS = [f"item{k:02d}" for k in range(20)]


def make_orders(n_orders: int = 3000, *, planted: bool = True, seed: int = 0) -> pd.DataFrame:
    """Order lines of independent items; with ``planted``, pasta → sauce and chips → beer.

    pasta baskets get sauce with probability 0.85 (sauce is otherwise rare), chips
    baskets get beer with probability 0.7. Without ``planted`` every item is independent.
    """
    rng = np.random.default_rng(seed)
    names = np.array([*ITEMS, "pasta", "sauce", "chips", "beer"])
    popularity = np.r_[rng.uniform(0.05, 0.3, len(ITEMS)), 0.15, 0.03, 0.12, 0.08]
    held = rng.random((n_orders, len(names))) < popularity
    if planted:
        held[:, 21] |= held[:, 20] & (rng.random(n_orders) < 0.85)
        held[:, 23] |= held[:, 22] & (rng.random(n_orders) < 0.7)
    held[held.sum(axis=1) == 0, 0] = True
    order, item = np.nonzero(held)
    price = np.r_[np.full(len(ITEMS), 2.0), 3.0, 4.0, 1.5, 6.0]
    return pd.DataFrame(
        {
            "order_id": [f"O{o:05d}" for o in order],
            "customer_id": [f"C{o % 400:03d}" for o in order],
            "item": names[item],
            "quantity": rng.integers(1, 4, len(order)),
            "price": price[item],
        }
    )


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return make_orders()


@pytest.fixture(scope="module")
def model(orders: pd.DataFrame) -> BasketAnalysis:
    return BasketAnalysis(customer_col="customer_id", min_support=0.02, min_confidence=0.2).fit(
        orders
    )


def test_planted_rules_are_found(model):
    rules = model.rules(min_lift=1.5)
    pairs = set(zip(rules["antecedents"], rules["consequents"], strict=True))
    assert ("pasta", "sauce") in pairs
    assert ("chips", "beer") in pairs
    top = model.rules(item="pasta", side="antecedent", max_len=2).iloc[0]
    assert top["consequents"] == "sauce"
    assert top["confidence"] == pytest.approx(0.85 + 0.15 * 0.03, abs=0.04)
    assert top["lift"] > 4
    # every rule with lift ≥ 1.5 involves a planted pair
    planted = {"pasta", "sauce", "chips", "beer"}
    for a, c in pairs:
        assert set(a.split(" + ")) & planted and set(c.split(" + ")) & planted


def test_negative_control_independent_items_give_no_rule():
    model = BasketAnalysis(min_support=0.02, min_confidence=0.0).fit(make_orders(planted=False))
    assert len(model.rules(min_lift=0.0)) > 100
    assert len(model.rules(min_lift=1.5)) == 0
    lift = model.rules(min_lift=0.0)["lift"]
    assert lift.between(0.6, 1.5).all()
    assert abs(np.median(lift) - 1.0) < 0.1


def test_rule_columns_and_laws(model):
    rules = model.predict()
    assert list(rules.columns) == [
        "antecedents",
        "consequents",
        "antecedent_support",
        "consequent_support",
        "support",
        "confidence",
        "lift",
        "leverage",
        "conviction",
        "size",
        "n_baskets",
    ]
    pd.testing.assert_frame_equal(rules, model.rules())
    assert (rules["support"] <= rules["confidence"] + 1e-12).all()
    assert (rules["confidence"] <= 1.0).all()
    assert (rules["lift"] >= model.min_lift).all()
    assert rules["lift"].is_monotonic_decreasing


def _mlxtend_rules(baskets: pd.DataFrame, min_support: float, conf: float, max_len=None):
    frequent_patterns = pytest.importorskip("mlxtend.frequent_patterns")
    preprocessing = pytest.importorskip("mlxtend.preprocessing")
    lists = baskets.groupby("order_id", sort=False)["item"].agg(list).tolist()
    encoder = preprocessing.TransactionEncoder()
    matrix = encoder.fit(lists).transform(lists, sparse=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        table = pd.DataFrame.sparse.from_spmatrix(matrix, columns=encoder.columns_)
    found = frequent_patterns.fpgrowth(
        table, min_support=min_support, use_colnames=True, max_len=max_len
    )
    rules = frequent_patterns.association_rules(
        found, num_itemsets=len(lists), metric="confidence", min_threshold=conf
    )
    return found, rules


def _key(names) -> frozenset[str]:
    return frozenset(names.split(" + ")) if isinstance(names, str) else frozenset(names)


@pytest.mark.parametrize(("min_support", "conf", "max_len"), [(0.005, 0.2, None), (0.005, 0.1, 2)])
def test_groceries_rules_identical_to_mlxtend(min_support, conf, max_len):
    if not GROCERIES.is_file():
        pytest.skip("shared Groceries data not available")
    baskets = read_baskets(GROCERIES)
    assert baskets["order_id"].nunique() == 9835
    model = BasketAnalysis(
        min_support=min_support, min_confidence=conf, min_lift=0.0, max_len=max_len
    ).fit(baskets)
    found, theirs = _mlxtend_rules(baskets, min_support, conf, max_len)
    ours = model.rules()
    assert model.summary()["n_itemsets"] == len(found)
    our_sets = model.itemsets()
    assert dict(
        zip(map(_key, our_sets["itemset"]), our_sets["support"], strict=True)
    ) == pytest.approx(dict(zip(map(_key, found["itemsets"]), found["support"], strict=True)))
    left = ours.set_index([ours["antecedents"].map(_key), ours["consequents"].map(_key)])
    right = theirs.set_index([theirs["antecedents"].map(_key), theirs["consequents"].map(_key)])
    assert len(left) == len(right) > 100
    assert set(left.index) == set(right.index)
    right = right.loc[left.index]
    for ours_col, theirs_col in [
        ("antecedent_support", "antecedent support"),
        ("consequent_support", "consequent support"),
        ("support", "support"),
        ("confidence", "confidence"),
        ("lift", "lift"),
        ("leverage", "leverage"),
        ("conviction", "conviction"),
    ]:
        np.testing.assert_allclose(left[ours_col], right[theirs_col], rtol=1e-9)
    if max_len:
        assert ours["size"].max() == max_len


def test_mlxtend_algorithms_give_the_same_rules(orders):
    pytest.importorskip("mlxtend")
    params = {"min_support": 0.02, "min_confidence": 0.1, "max_len": 3}
    eclat = BasketAnalysis(**params).fit(orders).rules()
    for algorithm in ("fpgrowth", "apriori"):
        other = BasketAnalysis(algorithm=algorithm, **params).fit(orders).rules()
        pd.testing.assert_frame_equal(eclat, other)


def test_refunds_are_dropped_with_a_note(orders):
    lines = orders.copy()
    lines.loc[lines.index[:50], "quantity"] = -1
    lines.loc[lines.index[50:60], "quantity"] = 0
    with pytest.warns(RevlearnWarning, match="Dropped 60 of"):
        model = BasketAnalysis(quantity_col="quantity", min_support=0.01).fit(lines)
    assert model.n_lines_ == len(lines) - 60
    assert any("refunds" in note for note in model.summary()["notes"])


def test_summary_is_json_and_complete(model, orders):
    summary = model.summary()
    json.dumps(summary, allow_nan=False)
    assert summary["n_baskets"] == orders["order_id"].nunique()
    assert summary["n_items"] == 24
    assert summary["n_customers"] == 400
    assert summary["n_rules"] == len(model.rules())
    assert summary["n_itemsets"] == sum(summary["itemsets_by_size"].values())
    assert summary["thresholds"]["min_support"] == 0.02
    assert summary["thresholds"]["min_count"] == int(np.ceil(0.02 * summary["n_baskets"]))
    best = summary["top_rules"][0]
    items = set(best["antecedents"].split(" + ")) | set(best["consequents"].split(" + "))
    assert {"pasta", "sauce"} <= items or {"chips", "beer"} <= items


def test_explain_reads_rules(model):
    table = model.explain(top=2)
    assert len(table) == 2
    assert table.iloc[0]["sentence"].endswith("baskets).")
    assert "times as often" in table.iloc[0]["sentence"]


def test_save_and_load(model, tmp_path: Path, orders):
    from revlearn.store.registry import Registry
    from revlearn.store.workspace import Workspace

    registry = Registry(Workspace(tmp_path / "ws.duckdb"))
    registry.save(
        model,
        name="x",
        usecase="basket",
        params=model.get_params(),
        metrics={},
        fingerprint="f",
    )
    loaded, _record = registry.load("x")
    assert isinstance(loaded, BasketAnalysis)
    pd.testing.assert_frame_equal(loaded.predict(), model.predict())
    history = orders.head(200)
    pd.testing.assert_frame_equal(loaded.predict(history), model.predict(history))
    assert loaded.summary() == model.summary()


def test_fit_does_not_mutate_input(orders):
    before = orders.copy()
    BasketAnalysis(quantity_col="quantity", price_col="price", min_support=0.05).fit(orders)
    pd.testing.assert_frame_equal(orders, before)


def test_unfitted_calls_raise():
    with pytest.raises(NotFittedError, match=r"not fitted yet, so rules\(\)"):
        BasketAnalysis().rules()


def test_missing_columns():
    frame = pd.DataFrame({"receipt": [1, 1], "product": ["a", "b"]})
    with pytest.raises(SchemaError, match=r"Columns 'order_id', 'item' not found.*--order"):
        BasketAnalysis().fit(frame)
    with pytest.raises(SchemaError, match="'qty' not found"):
        BasketAnalysis(order_col="receipt", item_col="product", quantity_col="qty").fit(frame)


def test_bad_data():
    empty = pd.DataFrame({"order_id": [], "item": []})
    with pytest.raises(InputError, match="empty"):
        BasketAnalysis().fit(empty)
    singles = pd.DataFrame({"order_id": [1, 2, 3], "item": ["a", "b", "a"]})
    with pytest.raises(
        InputError, match=r"Every one of the 3 baskets holds a single item.*--order"
    ):
        BasketAnalysis().fit(singles)
    one_product = pd.DataFrame({"order_id": [1, 1, 2], "item": ["a", "a", "a"]})
    with pytest.raises(InputError, match="single product \\('a'\\)"):
        BasketAnalysis().fit(one_product)
    text_quantity = pd.DataFrame({"order_id": [1, 1], "item": ["a", "b"], "q": ["x", "1"]})
    with pytest.raises(SchemaError, match=r"not numbers, e\.g\. 'x'"):
        BasketAnalysis(quantity_col="q").fit(text_quantity)
    all_refunds = pd.DataFrame({"order_id": [1, 1], "item": ["a", "b"], "q": [0, -1]})
    with pytest.raises(InputError, match="None of the 2 lines"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RevlearnWarning)
        BasketAnalysis(quantity_col="q").fit(all_refunds)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_support": 0}, r"min_support must be a share of baskets in \(0, 1\]"),
        ({"min_support": 1.5}, "min_support"),
        ({"min_confidence": -0.1}, "min_confidence"),
        ({"min_lift": -1}, "min_lift"),
        ({"max_len": 1}, "max_len must be a whole number >= 2 or None, got 1"),
        ({"min_support": float("nan")}, "min_support"),
        ({"algorithm": "magic"}, "algorithm must be one of eclat, fpgrowth, apriori, got 'magic'"),
    ],
)
def test_bad_parameters(orders, params, message):
    with pytest.raises(ParameterError, match=message):
        BasketAnalysis(**params).fit(orders)


def test_thresholds_too_high_give_empty_rules_with_a_note(orders):
    model = BasketAnalysis(min_support=0.5).fit(orders)
    assert len(model.rules()) == 0
    assert "No rule reaches" in model.summary()["notes"][-1]
    assert model.bundles().empty


def test_mlxtend_algorithm_without_mlxtend(orders, monkeypatch):
    import sys

    from revlearn.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "mlxtend.frequent_patterns", None)
    with pytest.raises(MissingDependencyError, match=r"needs mlxtend.*revlearn\[basket\]"):
        BasketAnalysis(algorithm="fpgrowth", min_support=0.05).fit(orders)


def test_arrow_input_gives_the_same_rules(model, orders):
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pandas(orders, preserve_index=False)
    again = BasketAnalysis(**model.get_params()).fit(table)
    pd.testing.assert_frame_equal(again.rules(), model.rules())


def test_certain_rule_has_infinite_conviction_and_null_in_summary():
    lines = pd.DataFrame({"order_id": [1, 1, 2, 2, 3, 3, 4], "item": list("ababcbc")})
    model = BasketAnalysis(min_support=0.2, min_confidence=0.1, min_lift=0).fit(lines)
    first = model.rules().iloc[0]
    assert (first["antecedents"], first["consequents"], first["confidence"]) == ("a", "b", 1.0)
    assert first["conviction"] == np.inf
    summary = json.loads(json.dumps(model.summary(), allow_nan=False))
    assert summary["top_rules"][0]["conviction"] is None
    assert summary["top_rules"][1]["conviction"] == pytest.approx(1.5)
