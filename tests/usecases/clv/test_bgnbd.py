from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.rfm import rfm_summary
from revlearn.errors import InputError, ParameterError
from revlearn.usecases.clv.bgnbd import (
    BGNBDParams,
    GammaGammaParams,
    _bgnbd_loglik,
    _gamma_gamma_loglik,
    bgnbd_expected_purchases,
    bgnbd_prob_alive,
    clv,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_expected_spend,
)
from tests.conftest import SHARED_DATA

CDNOW = SHARED_DATA / "cdnow" / "CDNOW_sample.txt"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(
        CDNOW,
        sep=r"\s+",
        header=None,
        names=["master_id", "sample_id", "date", "cds", "dollars"],
        dtype={"date": str},
    )


@pytest.fixture(scope="module")
def calibration(cdnow: pd.DataFrame) -> pd.DataFrame:
    return rfm_summary(cdnow, customer_col="master_id", timestamp_col="date", until="1997-09-30")


@pytest.fixture(scope="module")
def cdnow_fit(calibration: pd.DataFrame) -> BGNBDParams:
    return fit_bgnbd(calibration["frequency"], calibration["recency"], calibration["T"])


def _simulate(n: int, r: float, alpha: float, a: float, b: float, horizon: float, seed: int):
    """Simulate BG/NBD customers observed for ``horizon`` periods after their first purchase."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    arrivals = rng.poisson(lam * horizon)  # purchases the customer would make if alive
    lifetime = rng.geometric(p)  # repeat purchases up to and including the dropout one
    x = np.minimum(arrivals, lifetime)
    # the x-th of `arrivals` uniform arrival times on (0, horizon) is Beta(x, n - x + 1)
    safe = np.maximum(x, 1)
    t_x = np.where(x > 0, rng.beta(safe, np.maximum(arrivals - safe + 1, 1)) * horizon, 0.0)
    return x.astype(float), t_x, np.full(n, horizon)


def _central_difference(func, point: np.ndarray) -> np.ndarray:
    steps = np.diag(point * 1e-5)
    return np.array([(func(point + h) - func(point - h)) / (2 * h[i]) for i, h in enumerate(steps)])


def test_cdnow_reproduces_published_bgnbd_fit(calibration, cdnow_fit):
    assert len(calibration) == 2357
    assert int(calibration["frequency"].sum()) == 2457
    fitted = (cdnow_fit.r, cdnow_fit.alpha, cdnow_fit.a, cdnow_fit.b)
    assert [round(v, 3) for v in fitted] == pytest.approx([0.243, 4.414, 0.793, 2.426], abs=1e-9)
    assert cdnow_fit.converged
    assert cdnow_fit.n_customers == 2357
    assert cdnow_fit.log_likelihood == pytest.approx(-9582.4, abs=0.1)


@pytest.mark.parametrize(
    "params", [(0.243, 4.414, 0.793, 2.426), (1.5, 0.7, 3.0, 0.4), (0.05, 20.0, 0.2, 9.0)]
)
def test_bgnbd_gradient_matches_finite_differences(calibration, params):
    rows = calibration.drop_duplicates(["frequency", "recency"]).head(40)
    x, t_x, big_t = (rows[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))

    def total(theta: np.ndarray) -> float:
        return float(_bgnbd_loglik(theta, x, t_x, big_t)[0].sum())

    point = np.asarray(params)
    analytic = _bgnbd_loglik(point, x, t_x, big_t)[1].sum(axis=0)
    numeric = _central_difference(total, point)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5)


def test_gamma_gamma_gradient_matches_finite_differences():
    x = np.array([1.0, 2.0, 5.0, 12.0])
    m = np.array([10.0, 35.5, 18.2, 60.0])
    point = np.array([6.25, 3.74, 15.44])
    analytic = _gamma_gamma_loglik(point, x, m)[1].sum(axis=0)
    numeric = _central_difference(
        lambda theta: float(_gamma_gamma_loglik(theta, x, m)[0].sum()), point
    )
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5)


def test_planted_bgnbd_parameters_are_recovered():
    truth = (0.5, 6.0, 1.2, 3.0)
    x, t_x, big_t = _simulate(20_000, *truth, horizon=52.0, seed=7)
    fit = fit_bgnbd(x, t_x, big_t)
    assert fit.converged
    for got, want in zip((fit.r, fit.alpha, fit.a, fit.b), truth, strict=True):
        assert got == pytest.approx(want, rel=0.15)


def test_cdnow_holdout_purchases_are_tracked(cdnow, calibration, cdnow_fit):
    full = rfm_summary(cdnow, customer_col="master_id", timestamp_col="date")
    assert (full["master_id"].to_numpy() == calibration["master_id"].to_numpy()).all()
    actual = (full["frequency"] - calibration["frequency"]).to_numpy()
    predicted = bgnbd_expected_purchases(
        cdnow_fit, 39.0, calibration["frequency"], calibration["recency"], calibration["T"]
    )
    assert actual.sum() == 1882
    # measured: 1653 predicted, 12% under the actual 1882 (conditional expectations)
    assert predicted.sum() == pytest.approx(actual.sum(), rel=0.15)
    # customers predicted to buy more do buy more
    assert np.corrcoef(predicted, actual)[0, 1] > 0.5


def test_expected_purchases_grow_with_the_window(cdnow_fit):
    short, long = (
        bgnbd_expected_purchases(cdnow_fit, t, [0, 3, 3], [0.0, 30.0, 5.0], [38.0, 38.0, 38.0])
        for t in (10.0, 39.0)
    )
    assert (long > short).all()
    assert (bgnbd_expected_purchases(cdnow_fit, 0.0, [2], [10.0], [30.0]) == 0.0).all()
    assert short[1] > short[2]  # the recent buyer is expected to buy more


def test_prob_alive(cdnow_fit):
    alive = bgnbd_prob_alive(cdnow_fit, [0, 4, 4, 4], [0.0, 38.0, 20.0, 2.0], [38.0] * 4)
    assert alive[0] == 1.0
    assert alive[1] > alive[2] > alive[3] > 0.0
    r, alpha, a, b = cdnow_fit.r, cdnow_fit.alpha, cdnow_fit.a, cdnow_fit.b
    direct = 1.0 / (1.0 + a / (b + 3.0) * ((alpha + 38.0) / (alpha + 20.0)) ** (r + 4.0))
    assert alive[2] == pytest.approx(direct, rel=1e-12)


def test_gamma_gamma_fit_on_cdnow(cdnow):
    summary = rfm_summary(
        cdnow,
        customer_col="master_id",
        timestamp_col="date",
        amount_col="dollars",
        until="1997-09-30",
    )
    fit = fit_gamma_gamma(summary["frequency"], summary["monetary"])
    assert fit.n_customers == 946
    assert fit.converged
    assert (fit.p, fit.q, fit.v) == pytest.approx((6.25, 3.74, 15.45), rel=0.05)
    spend = gamma_gamma_expected_spend(fit, summary["frequency"], summary["monetary"])
    population = fit.p * fit.v / (fit.q - 1.0)
    own = summary["monetary"].to_numpy()
    repeat = summary["frequency"].to_numpy() > 0
    low, high = np.minimum(own, population), np.maximum(own, population)
    assert ((spend[repeat] >= low[repeat] - 1e-9) & (spend[repeat] <= high[repeat] + 1e-9)).all()
    assert spend[~repeat] == pytest.approx(population)


def test_clv_sums_discounted_period_values(cdnow_fit):
    gg = GammaGammaParams(
        p=6.25, q=3.74, v=15.44, log_likelihood=0.0, n_customers=1, converged=True
    )
    args = ([2, 0], [20.0, 0.0], [38.0, 30.0], [25.0, 0.0])
    undiscounted = clv(cdnow_fit, gg, *args, horizon_periods=52)
    purchases = bgnbd_expected_purchases(cdnow_fit, 52.0, *args[:3])
    spend = gamma_gamma_expected_spend(gg, args[0], args[3])
    np.testing.assert_allclose(undiscounted, purchases * spend, rtol=1e-10)
    discounted = clv(
        cdnow_fit, gg, *args, horizon_periods=52, margin=0.3, discount_rate_per_period=0.01
    )
    assert (discounted < 0.3 * undiscounted).all()
    assert (discounted > 0.3 * undiscounted / 1.01**52).all()


def test_penalizer_shrinks_parameters(calibration, cdnow_fit):
    fit = fit_bgnbd(
        calibration["frequency"], calibration["recency"], calibration["T"], penalizer=0.01
    )
    assert fit.alpha < cdnow_fit.alpha
    assert fit.log_likelihood < cdnow_fit.log_likelihood


@pytest.mark.parametrize(
    ("frequency", "recency", "T"),
    [
        ([1, 2], [1.0], [5.0]),
        ([-1], [0.0], [5.0]),
        ([1.5], [1.0], [5.0]),
        ([1], [6.0], [5.0]),
        ([0], [2.0], [5.0]),
        ([1], [np.nan], [5.0]),
        ([], [], []),
    ],
)
def test_inconsistent_summaries_are_rejected(frequency, recency, T):
    with pytest.raises(InputError):
        fit_bgnbd(frequency, recency, T)


def test_bad_parameters_are_rejected(cdnow_fit):
    gg = GammaGammaParams(p=6.0, q=0.8, v=15.0, log_likelihood=0.0, n_customers=1, converged=True)
    with pytest.raises(ParameterError):
        fit_bgnbd([1], [1.0], [5.0], penalizer=-1.0)
    with pytest.raises(ParameterError):
        bgnbd_expected_purchases(cdnow_fit, -1.0, [1], [1.0], [5.0])
    with pytest.raises(ParameterError):
        gamma_gamma_expected_spend(gg, [1], [10.0])
    with pytest.raises(ParameterError, match="horizon_periods"):
        clv(cdnow_fit, gg, [1], [1.0], [5.0], [10.0], horizon_periods=0)
    with pytest.raises(InputError, match="repeat purchase"):
        fit_gamma_gamma([0, 0], [0.0, 0.0])
    with pytest.raises(InputError, match="0 or less"):
        fit_gamma_gamma([1, 2], [10.0, 0.0])


def test_params_to_dict(cdnow_fit):
    assert set(cdnow_fit.to_dict()) == {
        "r",
        "alpha",
        "a",
        "b",
        "log_likelihood",
        "n_customers",
        "converged",
    }


def test_fits_and_predictions_equal_the_lifetimes_oracle(cdnow):
    lifetimes = pytest.importorskip("lifetimes")
    summary = rfm_summary(
        cdnow, customer_col="master_id", timestamp_col="date", amount_col="dollars",
        until="1997-09-30",
    )  # fmt: skip
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    ours = fit_bgnbd(f, r, T)
    theirs = lifetimes.BetaGeoFitter().fit(f, r, T)
    for name in ("r", "alpha", "a", "b"):
        assert getattr(ours, name) == pytest.approx(theirs.params_[name], rel=1e-4), name
    expected = theirs.conditional_expected_number_of_purchases_up_to_time(39.0, f, r, T)
    assert np.allclose(bgnbd_expected_purchases(ours, 39.0, f, r, T), expected, rtol=1e-3)
    alive = theirs.conditional_probability_alive(f, r, T)
    assert np.allclose(bgnbd_prob_alive(ours, f, r, T), alive, rtol=1e-3, atol=1e-6)
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary"] > 0)]
    gg = fit_gamma_gamma(repeat["frequency"], repeat["monetary"])
    oracle = lifetimes.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary"])
    for name in ("p", "q", "v"):
        assert getattr(gg, name) == pytest.approx(oracle.params_[name], rel=1e-3), name
