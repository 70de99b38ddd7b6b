"""Tests of segment profiles (revlearn.usecases.segments.profiles)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.usecases.segments.profiles import group_means, profile_segments


def test_group_means():
    X = np.array([[1.0, 2.0], [3.0, 4.0], [10.0, 10.0]])
    assert group_means(X, np.array([0, 0, 1]), 3).tolist() == [[2, 3], [10, 10], [0, 0]]


def test_profiles_measure_traits_against_the_base():
    typed = pd.DataFrame(
        {
            "monetary": [100.0, 100.0, 900.0, 900.0],
            "plan": ["basic", "basic", "pro", "basic"],
            "member": [0.0, 0.0, 1.0, 1.0],
        }
    )
    labels = np.array([0, 0, 1, 1])
    Z = (typed[["monetary", "member"]] - typed[["monetary", "member"]].mean()).to_numpy()
    segments, traits = profile_segments(
        typed, Z, labels, 2, numeric=["monetary", "member"], categorical=["plan"],
        yes_no={"member"}, value_col="monetary",
    )  # fmt: skip
    assert [s["size"] for s in segments] == [2, 2]
    assert segments[1]["value_share"] == pytest.approx(0.9)
    rows = {(t["segment"], t["trait"]): t for t in traits}
    assert rows[(1, "monetary")]["index"] == pytest.approx(180.0)  # 900 vs 500 overall
    assert rows[(1, "member = yes")]["segment_value"] == 1.0
    assert rows[(1, "plan = pro")]["segment_value"] == 0.5
    assert rows[(0, "plan = pro")]["z"] < 0 < rows[(1, "plan = pro")]["z"]
    assert segments[1]["description"].startswith(f"Segment 1 ({segments[1]['name']}): 50%")
    assert segments[0]["name"] != segments[1]["name"]
