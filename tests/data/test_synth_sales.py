"""The demo company's daily sales: shape, determinism and recoverable planted effects."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import PoissonRegressor

from revlearn.data.synth import make_company
from revlearn.data.synth.leads import REFERENCE_DATE
from revlearn.data.synth.orders import make_orders
from revlearn.data.synth.sales import (
    SALES_TRUTHS,
    expected_effect_of_temperature,
    make_sales,
    planted_mean,
)
from revlearn.errors import ParameterError


@pytest.fixture(scope="module")
def drawn() -> tuple[pd.DataFrame, dict]:
    return make_sales(np.random.default_rng(7), n_days=3 * 365)


def _design(sales: pd.DataFrame, visits_before: list[float]) -> pd.DataFrame:
    """The known design of the planted log mean, plus visit leads and lags."""
    dates = pd.DatetimeIndex(sales["date"])
    doy = dates.dayofyear.to_numpy()
    angle = 2 * np.pi * doy / 365.25
    visits = np.log(np.concatenate([visits_before, sales["web_visits"].to_numpy(float)]))
    x = pd.DataFrame(
        {
            "years": (dates - dates[0]).days.to_numpy() / 365.25,
            "cos": np.cos(angle),
            "sin": np.sin(angle),
            "heat": np.maximum(sales["temperature"].to_numpy() - 25.0, 0.0),
            "promotion": sales["promotion"].to_numpy(float),
            "log_price": np.log(sales["price"].to_numpy()),
            "visits_lag1": visits[1:-1],
            "visits_lag2": visits[:-2],
            "visits_lead3": np.append(visits[5:], [np.nan] * 3),
        }
    )
    for day, name in enumerate(("Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), start=1):
        x[name] = (dates.dayofweek == day).astype(float)
    return x


def _glm(x: pd.DataFrame, y: np.ndarray) -> dict[str, float]:
    """Unpenalised Poisson GLM of log mean; coefficients on the original scale."""
    mean, scale = x.mean(), x.std().replace(0.0, 1.0)
    model = PoissonRegressor(alpha=0.0, max_iter=5000, tol=1e-8)
    model.fit(((x - mean) / scale).to_numpy(), y)
    return dict(zip(x.columns, model.coef_ / scale.to_numpy(), strict=True))


def test_columns_types_and_dates(drawn: tuple[pd.DataFrame, dict]) -> None:
    sales, truths = drawn
    assert list(sales.columns) == [
        "date",
        "units",
        "temperature",
        "web_visits",
        "promotion",
        "price",
    ]
    assert len(sales) == 1095
    assert sales["date"].iloc[-1] == REFERENCE_DATE
    assert (sales["date"].diff().dropna() == pd.Timedelta(days=1)).all()
    assert sales["units"].dtype == np.int64 and (sales["units"] >= 0).all()
    assert sales["web_visits"].dtype == np.int64 and (sales["web_visits"] > 0).all()
    assert set(sales["promotion"]) == {0, 1}
    assert set(sales["price"]) == {2.49, 2.69, 2.79}
    assert sales["price"].is_monotonic_increasing
    assert truths["end"] == "2025-06-30"
    promo_dates = sales.loc[sales["promotion"] == 1, "date"].dt.strftime("%Y-%m-%d").tolist()
    assert truths["promo_dates"] == promo_dates
    # promotions come in runs of 3-10 days
    runs = sales["promotion"].ne(sales["promotion"].shift()).cumsum()[sales["promotion"] == 1]
    assert runs.value_counts().between(3, 10).all()
    assert 8 <= runs.nunique() <= 16


def test_heatwaves_are_hot_and_dated(drawn: tuple[pd.DataFrame, dict]) -> None:
    sales, truths = drawn
    hot = sales["date"].dt.strftime("%Y-%m-%d").isin(truths["heatwave_dates"])
    assert 2 * 5 <= hot.sum() <= 4 * 9  # one wave in each summer fully covered
    assert sales.loc[hot, "temperature"].mean() > 28.0
    assert sales.loc[~hot, "temperature"].mean() < 15.0
    july = sales["date"].dt.month == 7
    january = sales["date"].dt.month == 1
    assert sales.loc[july, "temperature"].mean() > sales.loc[january, "temperature"].mean() + 15


def test_same_seed_same_sales_other_seed_other_sales() -> None:
    first, truths = make_sales(np.random.default_rng(3), n_days=400)
    again, truths_again = make_sales(np.random.default_rng(3), n_days=400)
    other, _ = make_sales(np.random.default_rng(4), n_days=400)
    pd.testing.assert_frame_equal(first, again)
    assert truths == truths_again
    assert not first["units"].equals(other["units"])


def test_company_carries_the_sales_and_keeps_the_older_tables() -> None:
    company = make_company(
        n_leads=20, n_customers=20, n_shoppers=30, n_sales_days=200, random_state=5
    )
    assert len(company.sales) == 200
    assert company.truths["sales"]["end"] == "2025-06-30"
    assert company.truths["sales"]["heat_log_slope"] == SALES_TRUTHS["heat_log_slope"]
    again = make_company(
        n_leads=20, n_customers=20, n_shoppers=30, n_sales_days=300, random_state=5
    )
    pd.testing.assert_frame_equal(company.orders, again.orders)  # sales days change nothing else
    pd.testing.assert_frame_equal(company.leads, again.leads)
    # the orders are drawn from the fourth child stream, as before the sales were added
    order_seed = np.random.SeedSequence(5).spawn(4)[3]
    orders, _ = make_orders(np.random.default_rng(order_seed), 30)
    pd.testing.assert_frame_equal(company.orders, orders)
    company.truths["sales"]["weekday_log_effect"]["Sat"] = 9.0
    assert SALES_TRUTHS["weekday_log_effect"]["Sat"] == 0.30  # truths are copies


def test_make_company_refuses_too_few_sales_days() -> None:
    with pytest.raises(ParameterError, match="n_sales_days"):
        make_company(n_leads=20, n_customers=20, n_shoppers=20, n_sales_days=3)


def test_planted_mean_is_the_mean_of_the_counts(drawn: tuple[pd.DataFrame, dict]) -> None:
    sales, truths = drawn
    mean = planted_mean(sales, visits_before=tuple(truths["visits_before"]))
    ratio = sales["units"].sum() / mean.sum()
    assert ratio == pytest.approx(1.0, abs=0.02)
    # over-dispersed (negative binomial): variance above the mean, as the planted shape says
    resid = (sales["units"] - mean) ** 2 - mean
    assert (resid / mean**2).mean() == pytest.approx(1 / 50, abs=0.012)


def test_glm_recovers_the_planted_effects(drawn: tuple[pd.DataFrame, dict]) -> None:
    sales, truths = drawn
    x = _design(sales, truths["visits_before"]).drop(columns="visits_lead3")
    coef = _glm(x, sales["units"].to_numpy())
    assert coef["heat"] == pytest.approx(truths["heat_log_slope"], abs=0.015)
    assert math.exp(coef["promotion"]) == pytest.approx(truths["promotion_multiplier"], abs=0.06)
    assert coef["years"] == pytest.approx(truths["log_trend_per_year"], abs=0.05)
    for day in ("Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        assert coef[day] == pytest.approx(truths["weekday_log_effect"][day], abs=0.065), day
    assert coef["Sat"] > coef["Fri"] > coef["Thu"]  # weekend higher
    amplitude = math.hypot(coef["cos"], coef["sin"])
    assert amplitude == pytest.approx(truths["season_amplitude"], abs=0.08)
    peak = (math.degrees(math.atan2(coef["sin"], coef["cos"])) % 360) / 360 * 365.25
    assert peak == pytest.approx(truths["season_peak_day_of_year"], abs=15)  # July


def test_web_visits_lead_sales_and_later_visits_do_not(drawn: tuple[pd.DataFrame, dict]) -> None:
    sales, truths = drawn
    x = _design(sales, truths["visits_before"]).iloc[:-3]
    y = sales["units"].to_numpy()[:-3]
    coef = _glm(x, y)
    lag1, lag2 = truths["visit_lag_elasticities"]
    assert coef["visits_lag1"] == pytest.approx(lag1, abs=0.07)
    assert coef["visits_lag2"] == pytest.approx(lag2, abs=0.07)
    assert coef["visits_lag1"] > 0.1
    # negative controls: visits three days later, or shuffled lag-1 visits, add nothing
    assert abs(coef["visits_lead3"]) < 0.07
    shuffled = x.assign(
        visits_lag1=np.random.default_rng(0).permutation(x["visits_lag1"].to_numpy())
    )
    assert abs(_glm(shuffled.drop(columns="visits_lead3"), y)["visits_lag1"]) < 0.05


def test_visits_rise_with_temperature_and_promotions(drawn: tuple[pd.DataFrame, dict]) -> None:
    sales, _ = drawn
    log_visits = np.log(sales["web_visits"])
    promo = sales["promotion"] == 1
    assert math.exp(log_visits[promo].mean() - log_visits[~promo].mean()) > 1.3
    assert np.corrcoef(sales["temperature"], log_visits)[0, 1] > 0.3


def test_expected_effect_of_temperature_matches_the_planted_mean(
    drawn: tuple[pd.DataFrame, dict],
) -> None:
    sales, truths = drawn
    base = sales.assign(temperature=26.0)
    delta = 7.0
    visits_factor = math.exp(truths["visits_log_per_degree"] * delta)
    warmer = base.assign(temperature=26.0 + delta, web_visits=sales["web_visits"] * visits_factor)
    before = tuple(v * visits_factor for v in truths["visits_before"])
    ratio = planted_mean(warmer, visits_before=before) / planted_mean(
        base, visits_before=tuple(truths["visits_before"])
    )
    expected = expected_effect_of_temperature(delta, temperature=26.0)
    np.testing.assert_allclose(ratio, expected, rtol=1e-9)
    assert expected_effect_of_temperature(0.0) == 1.0
    # below the threshold only the visits effect is left; a 33 °C day is about +32 % of heat
    assert expected_effect_of_temperature(5.0, temperature=10.0) == pytest.approx(
        math.exp(0.35 * 0.02 * 5.0)
    )
    assert math.exp(truths["heat_log_slope"] * 8) == pytest.approx(1.32, abs=0.01)
