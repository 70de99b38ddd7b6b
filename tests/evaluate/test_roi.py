"""Tests of profit curves and expected values in revlearn.evaluate.roi."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revlearn.errors import ParameterError
from revlearn.evaluate.roi import expected_value, profit_curve


def _perfect(n: int = 1000, positives: int = 120) -> tuple[np.ndarray, np.ndarray]:
    """Outcomes and a perfectly informative score (every positive above every negative)."""
    rng = np.random.default_rng(0)
    y = np.zeros(n, int)
    y[rng.choice(n, positives, replace=False)] = 1
    score = np.where(y == 1, 0.6 + 0.4 * rng.random(n), 0.5 * rng.random(n))
    return y, score


# --- planted truths -------------------------------------------------------------------------


def test_perfect_score_contacts_exactly_the_positives_when_saving_beats_cost() -> None:
    y, score = _perfect()
    curve = profit_curve(score, value=500, cost=50, y_true=y, success_rate=0.5, n_boot=50)
    assert curve.best_n == 120
    assert curve.best_profit == pytest.approx(120 * (500 * 0.5 - 50))
    assert curve.profit_all == pytest.approx(120 * 250 - 1000 * 50)
    assert curve.best_threshold == pytest.approx(score[y == 1].min())
    assert curve.realised is True
    assert curve.verdict.startswith(
        f"Contact the top 120 customers (score ≥ {score[y == 1].min():.2f}): realised profit 24,000"
    )
    assert "against −20,000 for contacting everyone." in curve.verdict


def test_cost_above_value_means_nobody_is_contacted() -> None:
    # negative control: the same perfect score, but a contact costs more than a save earns
    y, score = _perfect()
    curve = profit_curve(score, value=500, cost=300, y_true=y, success_rate=0.5, n_boot=20)
    assert curve.best_n == 0 and curve.best_profit == 0.0
    assert np.isnan(curve.best_threshold)
    assert curve.verdict.startswith("No contact pays at this cost")
    expected = profit_curve(score, value=40, cost=50, n_boot=0)
    assert expected.best_n == 0
    assert expected.verdict == (
        "No contact pays at this cost: even the best customer's expected saving (40) "
        "does not exceed the 50 cost of a contact."
    )


def test_capacity_caps_the_best_n_and_is_in_the_table() -> None:
    y, score = _perfect(n=2000, positives=300)
    free = profit_curve(score, value=100, cost=10, y_true=y, n_boot=0)
    capped = profit_curve(score, value=100, cost=10, y_true=y, capacity=137, n_boot=0)
    assert free.best_n == 300 and capped.best_n == 137
    assert capped.best_profit == pytest.approx(137 * 90)
    assert 137 in capped.table["top_n"].tolist() and len(capped.table) <= 200
    assert "Capacity (137) limits the list: contacting the top 300 would earn 27,000." in (
        capped.verdict
    )
    assert "Capacity" not in free.verdict
    # a capacity larger than the best list does not change it
    assert profit_curve(score, value=100, cost=10, y_true=y, capacity=900, n_boot=0).best_n == 300


def test_realised_and_expected_profit_agree_for_calibrated_scores() -> None:
    rng = np.random.default_rng(3)
    p = rng.beta(1, 6, 60_000)
    y = (rng.random(60_000) < p).astype(int)
    realised = profit_curve(p, value=400, cost=30, y_true=y, success_rate=0.4, n_boot=0)
    expected = profit_curve(p, value=400, cost=30, success_rate=0.4, n_boot=0)
    assert realised.realised is True and expected.realised is False
    # same ordering: at every shared number of contacts the two profits agree closely
    both = realised.table.merge(expected.table, on="top_n", suffixes=("_r", "_e"))
    assert len(both) >= 190
    scale = expected.best_profit
    assert (both["profit_r"] - both["profit_e"]).abs().max() < 0.05 * scale
    assert realised.best_profit == pytest.approx(expected.best_profit, rel=0.05)
    assert abs(realised.best_n - expected.best_n) < 0.1 * expected.best_n
    # negative control: scores that are twice too high promise far more than is realised
    inflated = profit_curve(np.minimum(2 * p, 1), value=400, cost=30, success_rate=0.4, n_boot=0)
    assert inflated.best_profit > 1.5 * realised.best_profit


def test_bootstrap_range_contains_the_best_profit_and_shrinks_with_rows() -> None:
    rng = np.random.default_rng(4)
    widths = []
    for n in (2_000, 32_000):
        p = rng.beta(1, 5, n)
        y = (rng.random(n) < p).astype(int)
        curve = profit_curve(p, value=300, cost=25, y_true=y, n_boot=200, random_state=1)
        assert curve.profit_low <= curve.best_profit <= curve.profit_high
        widths.append((curve.profit_high - curve.profit_low) / n)
    assert widths[1] < 0.5 * widths[0]  # 16× the rows: about a quarter of the width per row
    same = profit_curve(p, value=300, cost=25, y_true=y, n_boot=200, random_state=1)
    assert (same.profit_low, same.profit_high) == (curve.profit_low, curve.profit_high)


def test_per_row_values_order_by_expected_value_not_score() -> None:
    score = np.array([0.9, 0.5, 0.2])
    value = np.array([10.0, 100.0, 1000.0])  # expected: 9−5, 50−5, 200−5
    ev = expected_value(score, value=value, cost=5)
    np.testing.assert_allclose(ev, [4.0, 45.0, 195.0])
    curve = profit_curve(score, value=value, cost=5, n_boot=0)
    assert curve.table["profit"].tolist() == pytest.approx([0, 195, 240, 244])
    assert curve.table["threshold"].tolist()[1:] == [0.2, 0.5, 0.9]
    assert curve.best_n == 3 and curve.value == pytest.approx(370.0)
    assert "(ranked by expected value)" in curve.verdict and "score ≥" not in curve.verdict


def test_big_inputs_are_tabulated_on_a_grid_and_serialise_to_json() -> None:
    rng = np.random.default_rng(5)
    p = rng.random(50_000) ** 4
    curve = profit_curve(p, value=200, cost=20, n_boot=10, unit="leads")
    assert len(curve.table) <= 200
    assert curve.table["top_n"].iloc[0] == 0 and curve.table["top_n"].iloc[-1] == 50_000
    assert curve.best_n in curve.table["top_n"].tolist()
    assert curve.table["share"].iloc[-1] == 1.0
    assert "Contact the top" in curve.verdict and "leads" in curve.verdict
    payload = json.loads(json.dumps(curve.to_dict()))
    assert payload["table"][0]["threshold"] is None  # NaN at N = 0
    assert payload["best_n"] == curve.best_n and payload["capacity"] is None
    assert curve.to_frame().columns.tolist() == ["top_n", "share", "threshold", "profit"]


# --- laws -----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 1)), min_size=1, max_size=80),
    st.floats(0, 1000),
    st.floats(0, 1000),
    st.floats(0.01, 1),
    st.booleans(),
)
def test_profit_curve_laws(
    rows: list[tuple[float, int]], value: float, cost: float, rate: float, labelled: bool
) -> None:
    score = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows]) if labelled else None
    curve = profit_curve(score, value=value, cost=cost, y_true=y, success_rate=rate, n_boot=5)
    assert curve.table["profit"].iloc[0] == 0.0 and curve.table["top_n"].iloc[0] == 0
    assert curve.best_profit >= curve.profit_all - 1e-9
    assert curve.best_profit >= 0.0
    assert curve.best_profit == pytest.approx(curve.table["profit"].max())
    assert 0 <= curve.best_n <= len(score)


# --- validation -----------------------------------------------------------------------------


SCORE = np.array([0.1, 0.5, 0.9])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value": -5}, r"value must be a finite number ≥ 0, got -5\. \[--value\]"),
        ({"value": float("nan")}, r"value must be a finite number ≥ 0, got nan"),
        ({"value": float("inf")}, r"value must be a finite number ≥ 0, got inf"),
        ({"value": "lots"}, r"value must be a number ≥ 0, got 'lots'\. \[--value\] Pass the"),
        ({"value": np.array([1.0, -1.0, 2.0])}, r"1 of 3 rows are not \(first: row 1, -1\.0\)"),
        ({"value": np.array([1.0, 2.0])}, r"value has 2 entries but there are 3 scores"),
        ({"cost": -1}, r"cost must be a finite number ≥ 0, got -1\. \[--cost\]"),
        ({"cost": "x"}, r"cost must be a number ≥ 0, got 'x'"),
        ({"success_rate": 0}, r"success_rate must lie in \(0, 1\], got 0\. \[--success-rate\]"),
        ({"success_rate": 1.5}, r"success_rate must lie in \(0, 1\], got 1\.5"),
        ({"capacity": 0}, r"capacity must be a whole number of contacts ≥ 1, got 0\."),
        ({"capacity": 2.5}, r"capacity must be a whole number of contacts ≥ 1, got 2\.5\."),
        ({"n_boot": -1}, r"n_boot must be a whole number ≥ 0, got -1"),
        ({"y_true": [0, 1]}, r"y_true has 2 entries but there are 3 scores"),
        ({"y_true": [0, 1, 2]}, r"y_true must hold only 0 and 1; found \[2\.0\]"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"value": 100.0, "cost": 10.0, **kwargs}
    with pytest.raises(ParameterError, match=message):
        profit_curve(SCORE, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ([0.2, 1.3], r"score must lie in \[0, 1\]; 1 of 2 rows do not \(first: row 1, 1\.3\)"),
        ([0.2, float("nan")], r"score must lie in \[0, 1\]; 1 of 2 rows"),
        ([], r"score must hold one probability per row"),
    ],
)
def test_bad_scores_are_refused(score: list[float], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        expected_value(score, value=100, cost=1)
    with pytest.raises(ParameterError, match=message):
        profit_curve(score, value=100, cost=1)


def test_numeric_strings_are_accepted_as_numbers() -> None:
    ev = expected_value([0.5], value="200", cost="10", success_rate=0.5)  # type: ignore[arg-type]
    assert ev.tolist() == [40.0]
