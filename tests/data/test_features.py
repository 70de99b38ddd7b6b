"""Tests of the customer features in revlearn.data.features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revlearn.data.features import loyalty_score
from revlearn.errors import InputError

# --- loyalty_score ---------------------------------------------------------------------------


def test_loyalty_score_formula() -> None:
    frequency = pd.Series([1, 5, 3, 2, np.nan], index=list("abcde"))
    monetary = pd.Series([10.0, 500.0, 40.0, 20.0, 1.0], index=list("abcde"))
    score = loyalty_score(frequency, monetary)
    assert score.name == "loyalty_score" and score.index.tolist() == list("abcde")
    assert score["b"] == 100.0 and score["a"] == 25.0 and np.isnan(score["e"])
    assert score["c"] == 50.0 * (3 / 4 + 3 / 4)
    with pytest.raises(InputError, match=r"frequency has 5 values but monetary 2"):
        loyalty_score(frequency, monetary[:2])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.floats(0, 1e5)), min_size=1, max_size=40))
def test_loyalty_score_is_bounded_and_rewards_more(rows: list[tuple[int, float]]) -> None:
    frequency = pd.Series([r[0] for r in rows], dtype=float)
    monetary = pd.Series([r[1] for r in rows])
    score = loyalty_score(frequency, monetary)
    assert ((score > 0) & (score <= 100)).all()
    better = loyalty_score(frequency + (frequency.index == 0) * 1000.0, monetary)
    assert better[0] >= score[0]
