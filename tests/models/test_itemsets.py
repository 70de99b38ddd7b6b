from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from revlearn.errors import InputError, ParameterError
from revlearn.models import itemsets as itemsets_module
from revlearn.models.itemsets import (
    association_rules,
    basket_matrix,
    frequent_itemsets,
    itemsets_from_lists,
    min_count,
    rule_matches,
)
from tests.conftest import SHARED_DATA

mlxtend = pytest.importorskip("mlxtend.frequent_patterns")

GROCERIES = SHARED_DATA / "groceries" / "groceries.csv"
METRICS = ["antecedent support", "consequent support", "support", "confidence", "lift"]
METRICS += ["leverage", "conviction"]


def _groceries() -> sp.csr_matrix:
    if not GROCERIES.is_file():
        pytest.skip("shared Groceries data not available")
    baskets = [
        [item.strip() for item in line.split(",") if item.strip()]
        for line in GROCERIES.read_text().splitlines()
        if line.strip()
    ]
    codes, names = pd.factorize(pd.Series([i for b in baskets for i in b]), sort=True)
    rows = np.repeat(np.arange(len(baskets)), [len(b) for b in baskets])
    return basket_matrix(rows, codes, n_items=len(names))


def _random(n_baskets: int = 400, n_items: int = 14, seed: int = 0) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    popularity = rng.uniform(0.05, 0.5, n_items)
    dense = rng.random((n_baskets, n_items)) < popularity
    dense[:, 1] |= dense[:, 0] & (rng.random(n_baskets) < 0.8)  # a planted co-purchase
    dense[dense.sum(axis=1) == 0, 2] = True
    return sp.csr_matrix(dense.astype(np.int32))


def _mlxtend(X: sp.csr_matrix, min_support: float, max_len: int | None, min_confidence: float):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        table = pd.DataFrame.sparse.from_spmatrix(X.astype(bool))
    found = mlxtend.fpgrowth(table, min_support=min_support, max_len=max_len)
    sets = {
        frozenset(int(i) for i in s): v for s, v in zip(found.itemsets, found.support, strict=True)
    }
    rules = mlxtend.association_rules(
        found, num_itemsets=X.shape[0], metric="confidence", min_threshold=min_confidence
    )
    by_rule = {
        (frozenset(map(int, a)), frozenset(map(int, c))): row
        for a, c, row in zip(
            rules.antecedents, rules.consequents, rules[METRICS].to_numpy(), strict=True
        )
    }
    return sets, by_rule


def _ours(X: sp.csr_matrix, min_support: float, max_len: int | None, min_confidence: float):
    found = frequent_itemsets(X, min_support=min_support, max_len=max_len)
    tuples = found.as_tuples()
    sets = {frozenset(t): s for t, s in zip(tuples, found.support(), strict=True)}
    rules = association_rules(found, min_confidence=min_confidence)
    columns = [
        rules.antecedent_support,
        rules.consequent_support,
        rules.support,
        rules.confidence,
        rules.lift,
        rules.leverage,
        rules.conviction,
    ]
    by_rule = {
        (frozenset(tuples[a]), frozenset(tuples[c])): row
        for a, c, row in zip(
            rules.antecedent, rules.consequent, np.column_stack(columns), strict=True
        )
    }
    return sets, by_rule


def _assert_same(X: sp.csr_matrix, min_support: float, max_len: int | None, conf: float):
    their_sets, their_rules = _mlxtend(X, min_support, max_len, conf)
    our_sets, our_rules = _ours(X, min_support, max_len, conf)
    assert our_sets.keys() == their_sets.keys()
    assert len(our_sets) > 10
    np.testing.assert_allclose(
        [our_sets[k] for k in their_sets], list(their_sets.values()), rtol=0, atol=1e-12
    )
    assert our_rules.keys() == their_rules.keys()
    assert len(our_rules) > 0
    ours = np.array([our_rules[k] for k in their_rules])
    theirs = np.array(list(their_rules.values()))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)  # inf conviction compares equal
    return our_sets, our_rules


@pytest.mark.parametrize(
    ("min_support", "max_len", "conf"), [(0.01, None, 0.3), (0.003, None, 0.2), (0.004, 2, 0.1)]
)
def test_groceries_equal_to_mlxtend(min_support, max_len, conf):
    sets, _ = _assert_same(_groceries(), min_support, max_len, conf)
    if max_len is not None:
        assert max(len(s) for s in sets) == max_len
    else:
        assert max(len(s) for s in sets) >= 3


def test_groceries_published_figures():
    found = frequent_itemsets(_groceries(), min_support=0.01)
    rules = association_rules(found, min_confidence=0.3)
    assert (len(found), len(rules)) == (333, 125)  # SOURCE.md: mlxtend 0.25 finds the same
    assert rules.lift.max() == pytest.approx(3.295, abs=5e-4)


@pytest.mark.parametrize(("min_support", "max_len"), [(0.05, None), (0.05, 3), (0.12, 2)])
def test_random_baskets_equal_to_mlxtend(min_support, max_len):
    sets, _ = _assert_same(_random(), min_support, max_len, 0.0)
    assert max(len(s) for s in sets) == (max_len or max(len(s) for s in sets))


def test_sparse_and_dense_blocks_agree(monkeypatch):
    X = _random(n_baskets=600, n_items=12, seed=3)
    dense = frequent_itemsets(X, min_support=0.005)
    monkeypatch.setattr(itemsets_module, "_DENSE_CELLS", 0)
    sparse = frequent_itemsets(X, min_support=0.005)
    assert dense.as_tuples() == sparse.as_tuples()
    np.testing.assert_array_equal(dense.counts, sparse.counts)
    assert max(len(t) for t in dense.as_tuples()) >= 4


def _brute_force(dense: np.ndarray, threshold: int) -> dict[tuple[int, ...], int]:
    out = {}
    for size in range(1, dense.shape[1] + 1):
        for combo in itertools.combinations(range(dense.shape[1]), size):
            count = int(dense[:, list(combo)].all(axis=1).sum())
            if count >= threshold:
                out[combo] = count
    return out


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(2, 7),
    st.floats(0.05, 1.0),
    st.integers(0, 10_000),
)
def test_itemsets_match_brute_force(n_baskets, n_items, min_support, seed):
    rng = np.random.default_rng(seed)
    dense = rng.random((n_baskets, n_items)) < rng.uniform(0.2, 0.9)
    found = frequent_itemsets(sp.csr_matrix(dense), min_support=min_support)
    expected = _brute_force(dense, min_count(min_support, n_baskets))
    assert dict(zip(found.as_tuples(), found.counts.tolist(), strict=True)) == expected
    rules = association_rules(found)
    assert np.all(rules.support <= rules.confidence + 1e-12)
    assert np.all(rules.confidence <= 1.0 + 1e-12)
    assert np.all(rules.support <= rules.antecedent_support)


def test_basket_matrix_counts_repeated_items_once():
    X = basket_matrix([0, 0, 0, 1], [2, 2, 0, 1])
    assert X.shape == (2, 3)
    np.testing.assert_array_equal(X.toarray(), [[1, 0, 1], [0, 1, 0]])


def test_min_count_uses_mlxtends_float_comparison():
    assert min_count(0.01, 9835) == 99  # 98.35 → 99
    assert min_count(0.5, 4) == 2
    assert min_count(1.0, 7) == 7
    assert min_count(1e-9, 10) == 1


def test_itemsets_from_lists_orders_like_the_miner():
    found = frequent_itemsets(_random(), min_support=0.1)
    rebuilt = itemsets_from_lists(
        [tuple(reversed(t)) for t in found.as_tuples()][::-1], found.counts[::-1], len(found)
    )
    assert rebuilt.as_tuples() == found.as_tuples()


def test_lift_of_planted_pair():
    found = frequent_itemsets(_random(n_baskets=3000), min_support=0.02)
    lift = dict(zip(found.as_tuples(), found.lift(), strict=True))
    assert lift[(0, 1)] > 1.5  # item 1 follows item 0 in 80% of its baskets
    independent = [v for k, v in lift.items() if len(k) == 2 and not {0, 1, 2} & set(k)]
    assert len(independent) > 20
    assert min(independent) > 0.8 and max(independent) < 1.25  # no structure: lift ≈ 1
    assert lift[(0,)] == pytest.approx(1.0)


def test_rule_matches_needs_antecedent_and_not_consequent():
    history = sp.csr_matrix(np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [1, 0, 1]]))
    ante = sp.csr_matrix(np.array([[1, 0, 0], [1, 0, 1]]))
    cons = sp.csr_matrix(np.array([[0, 1, 0], [0, 1, 0]]))
    rows, rules = rule_matches(history, ante, cons, chunk_cells=2)
    assert list(zip(rows.tolist(), rules.tolist(), strict=True)) == [(0, 0), (3, 0), (3, 1)]


@pytest.mark.parametrize("bad", [0, -0.1, 1.5, float("nan"), True, "0.1"])
def test_min_support_out_of_range(bad):
    with pytest.raises(ParameterError, match=r"min_support must be a share of baskets in \(0, 1\]"):
        frequent_itemsets(_random(), min_support=bad)


def test_bad_max_len_and_confidence():
    with pytest.raises(ParameterError, match="max_len"):
        frequent_itemsets(_random(), min_support=0.1, max_len=0)
    found = frequent_itemsets(_random(), min_support=0.1)
    with pytest.raises(ParameterError, match="min_confidence"):
        association_rules(found, min_confidence=1.2)


def test_bad_matrix_and_codes():
    with pytest.raises(InputError, match="sparse"):
        frequent_itemsets(np.ones((3, 3)), min_support=0.5)
    with pytest.raises(InputError, match="same length"):
        basket_matrix([0, 1], [0])


def test_no_frequent_pair_gives_single_items_and_no_rules():
    X = sp.csr_matrix(np.eye(4, dtype=np.int32))
    found = frequent_itemsets(X, min_support=0.25)
    assert found.as_tuples() == [(0,), (1,), (2,), (3,)]
    assert len(association_rules(found)) == 0
