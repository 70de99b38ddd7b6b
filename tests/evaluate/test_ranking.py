"""Ranking metrics against hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from revlearn.errors import SchemaError
from revlearn.evaluate.ranking import ranking_metrics, ranking_metrics_over_k, score_lists


def test_hand_computed_example() -> None:
    # user 0: list [1, 2, 3], relevant {1, 3}; user 1: list [0, 2, -1], relevant {4}
    recs = np.array([[1, 2, 3], [0, 2, -1]])
    relevant = sp.csr_matrix(np.array([[0, 1, 0, 1, 0], [0, 0, 0, 0, 1]], bool))
    m = score_lists(recs, relevant, 3, popularity=np.array([0.5, 0.25, 0.5, 1.0, 0.1]))
    assert m.precision == pytest.approx((2 / 3 + 0) / 2)
    assert m.recall == pytest.approx((1.0 + 0) / 2)
    dcg = 1 + 1 / math.log2(4)
    idcg = 1 + 1 / math.log2(3)
    assert m.ndcg == pytest.approx(dcg / idcg / 2)
    assert m.map == pytest.approx((1 + 2 / 3) / 2 / 2)
    assert m.hit_rate == pytest.approx(0.5)
    assert m.coverage == pytest.approx(4 / 5)
    shown = [1, 2, 3, 0, 2]
    bits = [-math.log2([0.5, 0.25, 0.5, 1.0, 0.1][i]) for i in shown]
    assert m.novelty == pytest.approx(np.mean(bits))
    assert m.n_users == 2


def test_perfect_and_empty_lists() -> None:
    relevant = sp.csr_matrix(np.eye(3, dtype=bool))
    perfect = score_lists(np.array([[0], [1], [2]]), relevant, 1)
    assert perfect.ndcg == 1.0 and perfect.precision == 1.0 and perfect.map == 1.0
    empty = score_lists(np.full((3, 1), -1), relevant, 1)
    assert empty.ndcg == 0.0 and empty.hit_rate == 0.0 and empty.coverage == 0.0


def test_diversity_of_identical_and_orthogonal_items() -> None:
    relevant = sp.csr_matrix(np.ones((1, 3), bool))
    same = score_lists(
        np.array([[0, 1]]), relevant, 2, item_vectors=np.array([[1, 0], [1, 0], [0, 1]])
    )
    apart = score_lists(
        np.array([[0, 2]]), relevant, 2, item_vectors=np.array([[1, 0], [1, 0], [0, 1]])
    )
    assert same.diversity == pytest.approx(0.0) and apart.diversity == pytest.approx(1.0)


def test_frame_interface_matches_and_over_k() -> None:
    recs = pd.DataFrame(
        {"user": ["u", "u", "u", "v"], "rank": [1, 2, 3, 1], "item": ["a", "b", "c", "a"]}
    )
    held = pd.DataFrame({"user": ["u", "v"], "item": ["b", "z"]})
    at = ranking_metrics_over_k(recs, held, ks=[1, 2])
    assert [m.k for m in at] == [1, 2]
    assert at[0].hit_rate == 0.0 and at[1].hit_rate == 0.5
    one = ranking_metrics(recs, held, k=2)
    pd.testing.assert_frame_equal(one.to_frame(), at[1].to_frame())
    assert one.to_frame().shape == (1, 10)
    with pytest.raises(SchemaError, match="'rank' not found in recommendations"):
        ranking_metrics(recs.drop(columns="rank"), held)
