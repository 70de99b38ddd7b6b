"""Outcome columns to 0/1 with the positive class inferred."""

from __future__ import annotations

import pandas as pd
import pytest

from revlearn.errors import SchemaError
from revlearn.usecases._target import binary_target


@pytest.mark.parametrize(
    ("values", "positive"),
    [
        (["Yes", "no", "no"], "Yes"),
        ([True, False, False], "True"),
        ([0, 1, 1], "1"),
        (["Closed Won", "Closed Lost", "Closed Lost"], "Closed Won"),
        (["lost", "lost", "kept"], "kept"),  # no success word: the rarer value
    ],
)
def test_positive_is_inferred(values, positive):
    y, label = binary_target(pd.Series(values, name="t"), where="test")
    assert label == positive
    assert y.sum() == sum(str(v) == positive for v in values)


def test_missing_outcomes_stay_missing():
    y, _ = binary_target(pd.Series(["yes", None, "no"], name="t"), where="test")
    assert y.isna().tolist() == [False, True, False]


def test_explicit_positive_must_exist():
    with pytest.raises(SchemaError, match=r"--positive 'won' is not a value.*Use one of"):
        binary_target(pd.Series(["a", "b"], name="t"), positive="won", where="test")
