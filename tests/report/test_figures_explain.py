"""Explanation figures carry the numbers they are given, in the right order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import InputError
from revlearn.explain.pdp import partial_dependence
from revlearn.explain.surrogate import surrogate_tree
from revlearn.report.figures_explain import (
    beeswarm_figure,
    pdp_figure,
    surrogate_figure,
    waterfall_figure,
)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 1500
    return pd.DataFrame(
        {
            "x": rng.uniform(0, 10, n),
            "plan": rng.choice(["basic", "pro", "enterprise"], n),
            "flag": rng.integers(0, 2, n).astype(float),
        }
    )


def _predict(f: pd.DataFrame) -> np.ndarray:
    z = 0.4 * f["x"].to_numpy() - 2 + np.where(f["plan"].to_numpy() == "pro", 1.0, 0.0)
    return 1.0 / (1.0 + np.exp(-z))


def test_pdp_figure_numeric_draws_ice_under_the_average(frame: pd.DataFrame) -> None:
    result = partial_dependence(_predict, frame, "x", grid_points=8, ice_rows=30)
    fig = pdp_figure(result)
    ice, average = fig.data
    assert list(average.y) == pytest.approx(result.average)
    assert list(average.x) == pytest.approx(result.grid)
    assert average.line.width > ice.line.width
    assert len(ice.x) == 30 * (len(result.grid) + 1)
    assert sum(v is None for v in ice.y) == 30
    assert result.effect in fig.layout.title.text


def test_pdp_figure_categorical_draws_bars(frame: pd.DataFrame) -> None:
    result = partial_dependence(_predict, frame, "plan")
    fig = pdp_figure(result)
    assert len(fig.data) == 1 and fig.data[0].type == "bar"
    assert list(fig.data[0].x) == result.labels
    heights = dict(zip(fig.data[0].x, fig.data[0].y, strict=True))
    assert max(heights, key=heights.__getitem__) == "pro"


def test_surrogate_figure_draws_every_node_and_link(frame: pd.DataFrame) -> None:
    result = surrogate_tree(_predict, frame, max_depth=3)
    fig = surrogate_figure(result)
    links, markers = fig.data
    n_links = sum(2 for node in result.nodes if node["left"] >= 0)
    assert len(markers.x) == len(result.nodes) == n_links + 1
    assert len(links.x) == 3 * n_links
    assert len(fig.layout.annotations) == len(result.nodes) + n_links
    assert markers.customdata[0][1] == result.n_rows
    leaves_y = [y for y, node in zip(markers.y, result.nodes, strict=True) if node["left"] < 0]
    assert min(markers.y) == -result.depth and max(markers.y) == 0 and min(leaves_y) == -3
    root_children = [result.nodes[0]["left"], result.nodes[0]["right"]]
    assert markers.x[root_children[0]] < markers.x[0] < markers.x[root_children[1]]
    texts = [a.text for a in fig.layout.annotations]
    assert result.nodes[0]["left_label"] in texts and result.nodes[0]["right_label"] in texts


def test_surrogate_figure_single_leaf(frame: pd.DataFrame) -> None:
    result = surrogate_tree(lambda f: np.full(len(f), 0.3), frame)
    fig = surrogate_figure(result)
    assert len(fig.data[1].x) == 1 and len(fig.data[0].x) == 0
    assert "30%" in fig.layout.annotations[0].text


def test_beeswarm_orders_by_mean_absolute_contribution(frame: pd.DataFrame) -> None:
    rng = np.random.default_rng(1)
    n = len(frame)
    contrib = np.column_stack(
        [
            0.5 * (frame["x"] - 5).to_numpy(),  # mean |.| 1.25: top
            rng.normal(scale=0.1, size=n),  # smallest
            rng.normal(scale=0.6, size=n),  # middle
        ]
    )
    columns = ["x", "plan", "flag"]
    fig = beeswarm_figure(contrib, frame, columns, top=2, max_points=500)
    assert list(fig.layout.yaxis.ticktext)[::-1] == ["x", "flag"]
    coloured, grey = fig.data
    assert len(coloured.x) + len(grey.x) == 2 * 500
    assert len(grey.x) == 0  # plan (categorical) is not among the top 2
    full = beeswarm_figure(contrib, frame, columns, top=10, max_points=5000)
    assert list(full.layout.yaxis.ticktext)[::-1] == ["x", "flag", "plan"]
    assert len(full.data[1].x) == n  # every row of the categorical column is grey
    top_row = np.asarray(full.data[0].y) > 1.5  # the x row sits on top (level 2)
    colours = np.asarray(full.data[0].marker.color)[top_row]
    xs = np.asarray(full.data[0].x)[top_row]
    assert np.corrcoef(colours, xs)[0, 1] > 0.99  # high value of x → red, and pushes right


def test_beeswarm_rejects_mismatched_shapes(frame: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="expected"):
        beeswarm_figure(np.zeros((3, 3)), frame, ["x", "plan", "flag"])


def test_waterfall_total_is_base_plus_contributions() -> None:
    contrib = np.array([0.1, -1.2, 0.05, 0.8, -0.02, 0.3])
    columns = [f"c{i}" for i in range(6)]
    values = [str(i) for i in range(6)]
    fig = waterfall_figure(contrib, columns, values, -1.5, top=3)
    bars = fig.data[0]
    assert list(bars.y) == [
        "average row",
        "c1 = 1",
        "c3 = 3",
        "c5 = 5",
        "other columns (3)",
        "prediction",
    ]
    assert list(bars.measure) == ["absolute"] + ["relative"] * 4 + ["total"]
    final = -1.5 + contrib.sum()
    assert bars.x[-1] == pytest.approx(final)
    assert sum(bars.x[:-1]) == pytest.approx(final)
    assert bars.x[4] == pytest.approx(0.1 + 0.05 - 0.02)
    assert f"{1 / (1 + np.exp(-final)):.0%}" in fig.layout.title.text


def test_waterfall_without_leftovers_and_bad_lengths() -> None:
    fig = waterfall_figure(np.array([0.5, -0.1]), ["a", "b"], ["yes", "3"], 0.0)
    assert list(fig.data[0].y) == ["average row", "a = yes", "b = 3", "prediction"]
    with pytest.raises(InputError, match="must match"):
        waterfall_figure(np.array([0.5]), ["a", "b"], ["yes", "3"], 0.0)
