"""Tests of the demo catalogue and purchase interactions: the planted truths hold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revlearn.data.synth.interactions import make_interactions


def test_reproducible_sizes_and_columns() -> None:
    a = make_interactions(np.random.default_rng(5), n_users=300, n_items=80)
    b = make_interactions(np.random.default_rng(5), n_users=300, n_items=80)
    pd.testing.assert_frame_equal(a[0], b[0])
    inter, items, users, truths = a
    assert list(inter.columns) == ["user", "item", "quantity", "timestamp"]
    assert list(items.columns) == ["item", "category", "brand", "price", "description"]
    assert len(items) == 90 and len(users) == 300
    assert not set(inter["item"]) & set(truths["new_items"])


def test_default_size_is_modest() -> None:
    inter, items, users, _ = make_interactions(np.random.default_rng(0))
    assert 30_000 < len(inter) < 50_000 and len(users) == 2000 and len(items) == 310


def test_segments_buy_their_categories_and_consumables_repeat() -> None:
    inter, items, users, truths = make_interactions(
        np.random.default_rng(1), n_users=600, n_items=120
    )
    category = items.set_index("item")["category"]
    segment = users.set_index("user")["segment"]
    cats = inter["item"].map(category)
    favoured = [
        c in truths["segment_categories"][s]
        for c, s in zip(cats, inter["user"].map(segment), strict=True)
    ]
    assert np.mean(favoured) > 0.6  # two of eight categories: 0.25 by chance
    pairs = inter.groupby(["user", "item"]).size().rename("n").reset_index()
    pairs["consumable"] = pairs["item"].isin(truths["consumables"])
    again = pairs.groupby("consumable")["n"].apply(lambda n: (n > 1).mean())
    assert again[True] > 0.6 and again[False] == 0.0
    taste = pd.Series(truths["user_taste"])
    top_cat = cats.groupby(inter["user"]).agg(lambda c: c.value_counts().index[0])
    assert (top_cat == taste[top_cat.index]).mean() > 0.5
