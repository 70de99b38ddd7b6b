"""Tests of numeric-prediction metrics in revlearn.evaluate.regression."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revlearn.errors import InputError
from revlearn.evaluate.regression import regression_metrics


def test_metrics_match_hand_computed_values() -> None:
    # errors: +1, −2, 0, +3 → |e| 1, 2, 0, 3; e² 1, 4, 0, 9
    result = regression_metrics([10, 20, 30, 40], [11, 18, 30, 43])
    assert result.mae == pytest.approx(6 / 4)
    assert result.mse == pytest.approx(14 / 4)
    assert result.rmse == pytest.approx(math.sqrt(3.5))
    # total sum of squares around the mean 25: 225 + 25 + 25 + 225 = 500
    assert result.r2 == pytest.approx(1 - 14 / 500)
    assert result.mape == pytest.approx((1 / 10 + 2 / 20 + 0 + 3 / 40) / 4)
    assert (result.mape_rows, result.n_rows) == (4, 4)


def test_mape_skips_zero_actuals_and_says_how_many() -> None:
    result = regression_metrics([0, 0, 50, 100], [5, 1, 40, 110])
    assert result.mape == pytest.approx((10 / 50 + 10 / 100) / 2)
    assert result.mape_rows == 2 and result.n_rows == 4
    assert result.mae == pytest.approx((5 + 1 + 10 + 10) / 4)  # zeros still count here
    only_zeros = regression_metrics([0, 0], [1, 2])
    assert math.isnan(only_zeros.mape) and only_zeros.mape_rows == 0
    assert only_zeros.to_dict()["mape"] is None


def test_perfect_and_mean_predictions_bracket_r2() -> None:
    y = np.array([3.0, 7.0, 1.0, 9.0])
    assert regression_metrics(y, y).r2 == 1.0 and regression_metrics(y, y).mae == 0.0
    # negative control: predicting the mean explains nothing
    assert regression_metrics(y, np.full(4, y.mean())).r2 == pytest.approx(0.0)
    assert math.isnan(regression_metrics([5.0], [4.0]).r2)  # undefined with one row


def test_results_serialise() -> None:
    result = regression_metrics([1.0, 2.0, 4.0], [1.5, 2.0, 3.0])
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["n_rows"] == 3 and payload["mae"] == pytest.approx(0.5)
    frame = result.to_frame()
    assert frame["metric"].tolist() == ["mae", "mse", "rmse", "r2", "mape", "mape_rows", "n_rows"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4)),
        min_size=2,
        max_size=50,
    )
)
def test_regression_laws(rows: list[tuple[float, float]]) -> None:
    y = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    result = regression_metrics(y, p)
    assert 0 <= result.mae <= result.rmse + 1e-9  # mean |e| never exceeds its quadratic mean
    assert result.rmse == pytest.approx(math.sqrt(result.mse))
    assert result.r2 <= 1.0 + 1e-12
    assert result.mape_rows == int((y != 0).sum())


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1, 2, 3], [1, 2], r"y_true has 3 values but y_pred has 2\. \[regression_metrics\]"),
        ([], [], r"No rows to evaluate\."),
        ([1, float("nan")], [1, 2], r"y_true has 1 of 2 values missing or infinite \(first: row 1"),
        ([1, 2], [float("inf"), 2], r"y_pred has 1 of 2 values missing or infinite"),
        (["a", "b"], [1, 2], r"y_true must hold numbers\."),
        ([[1, 2]], [[1, 2]], r"y_true must be one-dimensional, got shape \(1, 2\)"),
    ],
)
def test_bad_inputs_are_refused(y_true: list[object], y_pred: list[object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        regression_metrics(y_true, y_pred)  # type: ignore[arg-type]
