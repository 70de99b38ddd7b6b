"""Tests of segment naming (revlearn.usecases.segments.naming)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from revlearn.errors import RevlearnWarning
from revlearn.usecases.segments import CustomerSegments
from revlearn.usecases.segments.naming import segment_name, trait_words, unique_names


def test_names_from_traits():
    rfm = {"recency": "recency_days", "frequency": "frequency", "monetary": "monetary"}
    assert segment_name({"recency_days": 1.2, "frequency": 0.3, "monetary": 1.0}, rfm) == (
        "at-risk big spenders"
    )
    assert segment_name({"recency_days": -0.1, "frequency": 0.1, "monetary": 0.1}, rfm) == (
        "everyday customers"
    )
    assert segment_name({"age": 1.3, "income": -0.8, "kids": 0.1}) == "high age, low income"
    assert segment_name({"plan = premium": 1.1, "is_member = yes": -0.9}) == (
        "often plan premium, rarely is member"
    )
    assert segment_name({"age": 0.2}) == "average profile"


def test_names_are_unique_per_model():
    rng = np.random.default_rng(4)
    centres = {"frequency": (30, 30, 2), "monetary": (3000, 3000, 20), "age": (20, 60, 40)}
    frame = pd.DataFrame(
        {col: np.repeat(c, 300) * rng.lognormal(0, 0.05, 900) for col, c in centres.items()}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RevlearnWarning)
        model = CustomerSegments(n_segments=3, n_bootstrap=0).fit(frame)
    names = [s["name"] for s in model.segments_]
    assert len(set(names)) == 3
    assert {"high-value loyalists (low age)", "high-value loyalists (high age)"} < set(names)


def test_unique_names_and_trait_words():
    zs = [{"age": 1.0}, {"age": -1.0}, {"age": 0.0}]
    assert unique_names(["loyal", "loyal", "new"], zs) == [
        "loyal (high age)", "loyal (low age)", "new",
    ]  # fmt: skip
    row = {"trait": "monetary", "segment_value": 1234.5, "overall_value": 100.0}
    assert trait_words(row) == "monetary 1.23e+03 (vs 100 overall)"
    share = {"trait": "plan = pro", "segment_value": 0.5, "overall_value": 0.25}
    assert trait_words(share) == "plan = pro 50% (vs 25% overall)"
