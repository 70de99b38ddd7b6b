"""Shared fixtures: a small seeded catalogue with planted tastes, and a fitted recommender."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth.interactions import make_interactions
from revlearn.usecases.recommend import Recommender


@pytest.fixture(scope="package")
def shop() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """(interactions, items, users, truths) of 900 customers × 120 products (do not mutate)."""
    return make_interactions(np.random.default_rng(3), n_users=900, n_items=120, n_new_items=6)


def split(inter: pd.DataFrame, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out 20 % of the user–item pairs (all their rows)."""
    pairs = inter[["user", "item"]].drop_duplicates()
    held = pairs.sample(frac=0.2, random_state=seed).set_index(["user", "item"]).index
    key = inter.set_index(["user", "item"]).index
    mask = key.isin(held)
    return inter[~mask], inter[mask].drop_duplicates(["user", "item"])


@pytest.fixture(scope="package")
def fitted(shop) -> Recommender:
    inter, items, users, _ = shop
    return Recommender(timestamp_col="timestamp").fit(inter, items=items, users=users)
