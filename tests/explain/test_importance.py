"""Tests of the global importance table in revlearn.explain.importance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.explain.importance import global_importance

N = 400
COLUMNS = ["pricing_minutes", "plan", "discount", "noise"]


@pytest.fixture(scope="module")
def planted() -> tuple[np.ndarray, pd.DataFrame]:
    """Contributions with known sizes and directions, and the rows they belong to."""
    rng = np.random.default_rng(0)
    minutes = rng.uniform(0, 10, N)
    plan = rng.choice(["a", "b", "c"], N)
    discount = rng.uniform(0, 30, N)
    frame = pd.DataFrame(
        {
            "pricing_minutes": minutes,
            "plan": plan,
            "discount": discount,
            "noise": rng.normal(size=N),
        },
        index=np.arange(1000, 1000 + N),  # contributions are positional, not by label
    )
    effect = pd.Series({"a": 0.6, "b": 0.0, "c": -0.4})[plan].to_numpy()
    contrib = np.column_stack(
        [
            0.5 * (minutes - minutes.mean()),  # mean |.| ≈ 1.25: the biggest
            effect - effect.mean(),  # ≈ 0.4
            -0.02 * (discount - discount.mean()),  # ≈ 0.15, falls as discount rises
            rng.normal(scale=0.01, size=N),  # tiny, unrelated to its column
        ]
    )
    return contrib, frame


def test_largest_mean_absolute_contribution_ranks_first(
    planted: tuple[np.ndarray, pd.DataFrame],
) -> None:
    contrib, frame = planted
    result = global_importance(contrib, frame, COLUMNS, method="tree_shap")
    table = result.table
    assert table["feature"].tolist() == ["pricing_minutes", "plan", "discount", "noise"]
    assert table["importance"].tolist() == pytest.approx(
        [np.abs(contrib[:, j]).mean() for j in range(4)]
    )
    assert table["share"].sum() == pytest.approx(1.0)
    assert table["share"][0] == pytest.approx(table["importance"][0] / table["importance"].sum())
    assert result.method == "tree_shap"


def test_ranking_follows_the_contributions_not_the_column_order(
    planted: tuple[np.ndarray, pd.DataFrame],
) -> None:
    contrib, frame = planted
    reordered = global_importance(contrib[:, ::-1], frame, COLUMNS[::-1], method="linear_shap")
    assert reordered.table["feature"].tolist() == ["pricing_minutes", "plan", "discount", "noise"]


def test_directions_in_plain_words(planted: tuple[np.ndarray, pd.DataFrame]) -> None:
    contrib, frame = planted
    table = global_importance(contrib, frame, COLUMNS, method="tree_shap").table
    direction = dict(zip(table["feature"], table["direction"], strict=True))
    assert direction == {
        "pricing_minutes": "higher raises odds",
        "plan": "highest for plan = a, lowest for c",
        "discount": "higher lowers odds",
        "noise": "mixed: depends on the value",  # control: no relation planted
    }


def test_constant_contribution_has_no_clear_direction() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [4.0, 3.0, np.nan, 1.0]})
    contrib = np.column_stack([np.full(4, 0.3), [0.1, 0.2, 9.0, 0.4]])
    table = global_importance(contrib, frame, ["x", "y"], method="tree_shap").table
    assert dict(zip(table["feature"], table["direction"], strict=True)) == {
        "x": "no clear direction",
        "y": "higher lowers odds",  # the missing row (9.0) is left out of the direction
    }


def test_scores_override_the_ranking(planted: tuple[np.ndarray, pd.DataFrame]) -> None:
    contrib, frame = planted
    scores = [0.01, 0.02, 0.10, -0.01]  # permutation AUC drops; a negative one is noise
    result = global_importance(contrib, frame, COLUMNS, method="permutation", scores=scores)
    table = result.table
    assert table["feature"].tolist() == ["discount", "plan", "pricing_minutes", "noise"]
    assert table["importance"].tolist() == [0.10, 0.02, 0.01, -0.01]
    assert table["share"].tolist() == pytest.approx([0.10 / 0.13, 0.02 / 0.13, 0.01 / 0.13, 0.0])
    assert table.loc[0, "direction"] == "higher lowers odds"  # directions still from contrib
    assert result.to_dict()["method"] == "permutation"
    assert result.to_dict()["features"][0]["feature"] == "discount"
    assert result.to_frame().equals(table) and result.to_frame() is not table
