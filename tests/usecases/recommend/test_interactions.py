"""Bad input to the Recommender: one clear error (what, where, fix), or a note."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import InputError, SchemaError
from revlearn.usecases.recommend import Recommender
from revlearn.usecases.recommend.interactions import read_interactions


def _data(**extra) -> pd.DataFrame:
    base = {"user": ["a", "a", "b", "b", "c"], "item": ["x", "y", "x", "z", "y"]}
    return pd.DataFrame({**base, **extra})


@pytest.mark.parametrize("col", ["user", "item"])
@pytest.mark.parametrize("blank", [None, "", "  ", np.nan])
def test_blank_ids_are_refused(col, blank) -> None:
    data = _data()
    data.loc[2, col] = blank
    with pytest.raises(InputError, match=f"1 of 5 rows have a blank '{col}' id.*row 2"):
        Recommender().fit(data)


def test_one_user_or_one_item_is_refused() -> None:
    with pytest.raises(InputError, match=r"single user.*--user"):
        Recommender().fit(pd.DataFrame({"user": ["a", "a"], "item": ["x", "y"]}))
    with pytest.raises(InputError, match=r"single item.*--item"):
        Recommender().fit(pd.DataFrame({"user": ["a", "b"], "item": ["x", "x"]}))


def test_text_ratings_are_refused() -> None:
    with pytest.raises(SchemaError, match=r"'rating' should hold numbers.*'great'.*--rating"):
        Recommender(rating_col="rating").fit(_data(rating=[5, 4, "great", 3, 1]))


def test_missing_columns_name_the_flag() -> None:
    with pytest.raises(SchemaError, match="'customer' not found"):
        Recommender(user_col="customer").fit(_data())


def test_bad_timestamps_are_refused() -> None:
    with pytest.raises(SchemaError, match="should hold dates"):
        Recommender(timestamp_col="when").fit(_data(when=["x", "y", "z", "w", "v"]))


def test_duplicates_are_aggregated_with_a_note(caplog) -> None:
    data = pd.concat([_data(rating=[5, 4, 3, 2, 1]), _data(rating=[3, 4, 3, 2, 1])])
    with caplog.at_level(logging.INFO, logger="revlearn.usecases.recommend.interactions"):
        model = Recommender(rating_col="rating", method="ease").fit(data)
    assert "Aggregated 5 duplicate rows" in caplog.text
    assert any("Aggregated 5 duplicate rows" in n for n in model.notes_)
    assert model.n_pairs_ == 5
    coded = read_interactions(data, user_col="user", item_col="item", rating_col="rating")
    first = int(np.flatnonzero((coded.user_codes == 0) & (coded.item_codes == 0))[0])
    assert coded.values[first] == 4.0 and coded.counts[first] == 2


def test_repeats_with_timestamps_count_distinct_times() -> None:
    data = pd.DataFrame(
        {
            "user": ["a", "a", "a", "b"],
            "item": ["x", "x", "x", "y"],
            "when": ["2024-01-01", "2024-02-01", "2024-02-01", "2024-01-05"],
        }
    )
    coded = read_interactions(data, user_col="user", item_col="item", timestamp_col="when")
    assert coded.counts.tolist() == [2, 1]
    assert any("same user, item and time" in n for n in coded.notes)
