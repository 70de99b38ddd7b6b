"""Tests of the calibration/holdout helpers in revlearn.usecases.clv.holdout."""

from __future__ import annotations

import numpy as np
import pytest

from revlearn.usecases.clv.bgnbd import BGNBDParams
from revlearn.usecases.clv.holdout import (
    HoldoutResult,
    gbm_features,
    gbm_out_of_fold,
    holdout_purchases,
    score_forecasts,
)


def test_holdout_purchases_counts_days_in_the_window_and_skips_refund_days() -> None:
    codes = np.array([0, 0, 0, 0, 1, 1])
    days = np.array([10, 11, 11, 12, 10, 13])
    amounts = np.array([5.0, 3.0, 4.0, -9.0, 2.0, 0.0])
    purchases, spend = holdout_purchases(codes, days, amounts, 10, 13, 3)
    # customer 0: day 11 (two lines, one purchase); day 12 nets -9 (refund); day 10 is before
    assert purchases.tolist() == [1.0, 1.0, 0.0]  # customer 1: a free order on day 13
    assert spend.tolist() == [7.0, 0.0, 0.0]
    counted, _ = holdout_purchases(codes, days, None, 9, 13, 3)
    assert counted.tolist() == [3.0, 2.0, 0.0]


def test_score_forecasts_metrics_and_buckets() -> None:
    actual = np.array([0.0, 1.0, 2.0, 4.0])
    frequency = np.array([0, 0, 3, 9])
    metrics, buckets = score_forecasts(
        actual,
        {"perfect": actual.copy(), "zero": np.zeros(4)},
        frequency,
        actual_spend=actual * 10,
        spend_per_purchase=np.full(4, 10.0),
    )
    assert metrics["perfect"] == {
        "mae": 0.0, "rmse": 0.0, "total": 7.0, "total_error_pct": 0.0, "spend_mae": 0.0,
    }  # fmt: skip
    assert metrics["zero"]["mae"] == pytest.approx(7 / 4)
    assert metrics["zero"]["rmse"] == pytest.approx(np.sqrt(21 / 4))
    assert metrics["zero"]["total_error_pct"] == -100.0
    assert [b["frequency"] for b in buckets] == ["0", "3", "7+"]
    assert buckets[0] == {
        "frequency": "0",
        "customers": 2,
        "actual": 0.5,
        "perfect": 0.5,
        "zero": 0.0,
    }


def test_gbm_learns_a_planted_relation_out_of_fold() -> None:
    rng = np.random.default_rng(0)
    n = 3000
    frequency = rng.integers(0, 10, n).astype(float)
    T = rng.uniform(10, 40, n)
    recency = np.where(frequency > 0, T * rng.uniform(0, 1, n), 0.0)
    params = BGNBDParams(
        r=0.5, alpha=5.0, a=0.7, b=3.0, log_likelihood=0.0, n_customers=n, converged=True
    )
    features = gbm_features(params, frequency, recency, T, np.full(n, 10.0), 13.0)
    assert features.shape == (n, 7)
    mean = 0.3 * frequency * (recency / T)  # planted: recent frequent buyers buy again
    target = rng.poisson(mean)
    oof, model = gbm_out_of_fold(features, target.astype(float), random_state=0)
    oracle = np.corrcoef(mean, target)[0, 1]  # the best any model can do
    assert np.corrcoef(oof, target)[0, 1] > 0.9 * oracle
    shuffled = rng.permutation(target).astype(float)  # negative control
    oof_null, _ = gbm_out_of_fold(features, shuffled, random_state=0)
    assert abs(np.corrcoef(oof_null, shuffled)[0, 1]) < 0.1
    assert model.predict(features).shape == (n,)


def test_holdout_result_to_dict_is_plain() -> None:
    result = HoldoutResult(
        cutoff="2025-01-01", end="2025-03-01", horizon_days=59, n_customers=2,
        actual_purchases=3.0, metrics={"bgnbd": {"mae": 0.123456}}, buckets=[],
    )  # fmt: skip
    out = result.to_dict()
    assert out["metrics"]["bgnbd"]["mae"] == 0.1235 and out["chosen"] == "bgnbd"
