"""Tests of basket reading (revlearn.usecases.basket.reading)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import (
    InputError,
    NotFoundError,
    SchemaError,
)
from revlearn.usecases.basket import read_baskets
from revlearn.usecases.basket.reading import item_codes, numbers
from tests.conftest import SHARED_DATA

GROCERIES = SHARED_DATA / "groceries" / "groceries.csv"
ITEMS = [f"item{k:02d}" for k in range(20)]


def test_read_baskets(tmp_path: Path):
    path = tmp_path / "b.csv"
    path.write_text("a, b\n\nb,c,c\n")
    frame = read_baskets(path)
    assert frame.to_dict("list") == {"order_id": [1, 1, 3, 3, 3], "item": ["a", "b", "b", "c", "c"]}
    with pytest.raises(NotFoundError, match="not found"):
        read_baskets(tmp_path / "missing.csv")
    (tmp_path / "blank.csv").write_text("\n\n")
    with pytest.raises(InputError, match="No item"):
        read_baskets(tmp_path / "blank.csv")


def test_item_codes_sort_names_and_merge_equal_text():
    codes, names = item_codes(pd.Series(["milk", 3, "bread", "3", "milk"]))
    assert names == ["3", "bread", "milk"]
    assert codes.tolist() == [2, 0, 1, 0, 2]


def test_numbers_refuse_text():
    assert np.isnan(numbers(pd.Series([1, None]), "q", "t")[1])
    with pytest.raises(SchemaError, match=r"'two'"):
        numbers(pd.Series(["1", "two"]), "q", "t")
