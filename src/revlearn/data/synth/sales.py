"""Daily sales of the demo company's seasonal product (iced tea), with planted truths.

One row per day for ``n_days`` days ending on the reference date (2025-06-30). The
expected number of units sold on day *t* is a product of planted factors, i.e. its log is
a sum of these terms (every coefficient is in ``SALES_TRUTHS`` and in the truths returned
by :func:`make_sales`):

* **Level**: ``base_units`` = 120 units a day on the first day, at the reference price,
  with web visits at their reference level (``reference_visits`` = 2,000 a day).
* **Trend**: +8 % a year (``log(1.08)`` per 365.25 days since the first day).
* **Summer season**: ``0.45 · cos(2π (day_of_year − 196) / 365.25)``, a yearly sine that
  peaks on 15 July (×1.57) and bottoms out in mid-January (×0.64).
* **Weekly cycle** (log effect by weekday, Monday = 0): Mon 0, Tue −0.05, Wed −0.05,
  Thu 0, Fri +0.10, Sat +0.30, Sun +0.20, so a Saturday sells ×1.35 a Monday.
* **Heat**: ``0.035 · max(temperature − 25, 0)``: +3.6 % per °C above 25 °C, so a
  33 °C heatwave day sells ×1.32 (+32 %) more than the same day at 25 °C or below.
* **Promotion**: ×1.30 on promotion days (``log(1.3)``).
* **Price**: elasticity −1.5, i.e. ``−1.5 · log(price / 2.49)``; the list price is 2.49
  and rises twice (to 2.69 on 2023-04-01 and to 2.79 on 2024-10-01).
* **Web traffic leads sales**: ``0.25 · log(visits[t−1] / 2000) + 0.10 · log(visits[t−2]
  / 2000)``: visits on a day raise the sales of the next two days (elasticities 0.25 and
  0.10); visits on the same day or later have no effect of their own.

Units are negative-binomial counts around that mean (a Poisson count whose mean is
multiplied by a Gamma(shape 50, mean 1) draw: over-dispersed like real sales).

The signals are simulated first: ``temperature`` (°C) is ``12 + 10 · cos(2π (day_of_year −
200) / 365.25)`` plus AR(1) weather noise (φ = 0.7, sd 2.5 °C), except in one planted heatwave
in each summer covered (5–9 days starting between mid-June and mid-August, rising from
about 26 °C to a peak of 32–36 °C, or the weather if hotter; their days are in
``truths["heatwave_dates"]``). ``web_visits`` are Poisson counts around
``2000 · exp(0.02 (temperature − 15) + log(1.6) · promotion + u)`` with ``u`` an AR(1)
marketing shock (φ = 0.5, sd 0.2) that has nothing to do with sales except through the
lead effect above, so the lead effect can be told apart from temperature and promotions.
``promotion`` marks about four planned promotions a year of 3–10 days each (known in
advance; ``truths["promo_dates"]``); ``price`` is the list price.

:func:`expected_effect_of_temperature` gives the multiplier a forecast should apply when
the temperature is ``delta`` °C warmer for several days (the direct heat effect plus the
effect through the web visits of the previous two days); :func:`planted_mean` computes the
planted expected units of each row of the table.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.synth.leads import REFERENCE_DATE

__all__ = ["SALES_TRUTHS", "expected_effect_of_temperature", "make_sales", "planted_mean"]

_PRODUCT = "iced tea"
_BASE_UNITS = 120.0
_TREND = math.log(1.08)
_SEASON_AMP = 0.45
_SEASON_PEAK_DOY = 196
_WEEKDAY = (0.0, -0.05, -0.05, 0.0, 0.10, 0.30, 0.20)
_HEAT_THRESHOLD = 25.0
_HEAT_SLOPE = 0.035
_PROMO = math.log(1.3)
_ELASTICITY = -1.5
_PRICES = (("1900-01-01", 2.49), ("2023-04-01", 2.69), ("2024-10-01", 2.79))
_REF_VISITS = 2000.0
_VISIT_LAGS = (0.25, 0.10)
_VISIT_TEMP = 0.02
_VISIT_PROMO = math.log(1.6)
_VISIT_SHOCK = (0.5, 0.2)  # AR(1) phi, innovation sd of log visits
_NB_SHAPE = 50.0
_TEMP_MEAN, _TEMP_AMP, _TEMP_PEAK_DOY = 12.0, 10.0, 200
_TEMP_NOISE = (0.7, 2.5)
_YEAR = 365.25

SALES_TRUTHS: dict[str, Any] = {
    "product": _PRODUCT,
    "base_units": _BASE_UNITS,
    "trend_per_year": 1.08,
    "log_trend_per_year": _TREND,
    "season_amplitude": _SEASON_AMP,
    "season_peak_day_of_year": _SEASON_PEAK_DOY,
    "weekday_log_effect": dict(
        zip(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), _WEEKDAY, strict=True)
    ),
    "heat_threshold": _HEAT_THRESHOLD,
    "heat_log_slope": _HEAT_SLOPE,
    "promotion_multiplier": 1.3,
    "price_elasticity": _ELASTICITY,
    "reference_price": _PRICES[0][1],
    "price_changes": [[d, p] for d, p in _PRICES[1:]],
    "reference_visits": _REF_VISITS,
    "visit_lag_elasticities": list(_VISIT_LAGS),
    "visits_log_per_degree": _VISIT_TEMP,
    "visits_promotion_multiplier": 1.6,
    "negative_binomial_shape": _NB_SHAPE,
}


def expected_effect_of_temperature(delta: float, *, temperature: float = 25.0) -> float:
    """Return the planted sales multiplier of a temperature ``delta`` °C above ``temperature``.

    The temperature is assumed to change by ``delta`` on the day and the two days before
    (a spell of weather): the direct heat effect applies above 25 °C, and the warmer days
    before bring more web visits, which lead sales by one and two days.

    Parameters
    ----------
    delta : float
        Change in temperature, °C (negative for cooler).
    temperature : float, default=25.0
        Temperature before the change, °C.

    Returns
    -------
    float
        Expected units with the change divided by expected units without it, e.g. about
        1.40 for ``delta=8`` from 25 °C (1.32 from heat, 1.06 from visits).

    Examples
    --------
    >>> round(expected_effect_of_temperature(8.0), 2)
    1.4
    """
    heat = _HEAT_SLOPE * (
        max(temperature + delta - _HEAT_THRESHOLD, 0.0) - max(temperature - _HEAT_THRESHOLD, 0.0)
    )
    visits = sum(_VISIT_LAGS) * _VISIT_TEMP * delta
    return float(math.exp(heat + visits))


def planted_mean(sales: pd.DataFrame, *, visits_before: tuple[float, float]) -> np.ndarray:
    """Return the planted expected units of each day of a sales table from :func:`make_sales`.

    Parameters
    ----------
    sales : pandas.DataFrame
        The table (``date``, ``temperature``, ``web_visits``, ``promotion``, ``price``),
        one row per consecutive day.
    visits_before : tuple of float
        Web visits on the two days before the first row (``truths["visits_before"]``).

    Returns
    -------
    numpy.ndarray
        Expected units per row (the mean the counts were drawn around).
    """
    dates = pd.DatetimeIndex(sales["date"])
    start = dates[0]
    years = (dates - start).days.to_numpy() / _YEAR
    doy = dates.dayofyear.to_numpy()
    visits = np.concatenate([np.asarray(visits_before, float), sales["web_visits"].to_numpy(float)])
    log_v = np.log(np.maximum(visits, 1.0) / _REF_VISITS)
    temp = sales["temperature"].to_numpy(float)
    log_mu = (
        math.log(_BASE_UNITS)
        + _TREND * years
        + _SEASON_AMP * np.cos(2 * np.pi * (doy - _SEASON_PEAK_DOY) / _YEAR)
        + np.asarray(_WEEKDAY)[dates.dayofweek.to_numpy()]
        + _HEAT_SLOPE * np.maximum(temp - _HEAT_THRESHOLD, 0.0)
        + _PROMO * sales["promotion"].to_numpy(float)
        + _ELASTICITY * np.log(sales["price"].to_numpy(float) / _PRICES[0][1])
        + _VISIT_LAGS[0] * log_v[1:-1]
        + _VISIT_LAGS[1] * log_v[:-2]
    )
    return np.asarray(np.exp(log_mu))


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    """A stationary AR(1) path; scipy.signal.lfilter does the recursion in C."""
    from scipy.signal import lfilter

    shocks = rng.normal(0.0, sd, n)
    shocks[0] /= math.sqrt(1.0 - phi**2)
    return np.asarray(lfilter([1.0], [1.0, -phi], shocks))


def _heatwaves(rng: np.random.Generator, dates: pd.DatetimeIndex) -> np.ndarray:
    """°C of one heatwave per summer (5–9 days peaking at 32–36 °C); NaN on other days."""
    wave = np.full(len(dates), np.nan)
    for year in sorted(set(dates.year)):
        first = pd.Timestamp(f"{year}-06-15") + pd.Timedelta(days=int(rng.integers(0, 60)))
        length = int(rng.integers(5, 10))
        peak = rng.uniform(32.0, 36.0)
        days = (dates - first).days.to_numpy()
        inside = (days >= 0) & (days < length)
        if inside.sum() < length:
            continue  # the summer is not fully covered by the table
        shape = np.sin(np.pi * (days[inside] + 0.5) / length) ** 0.5
        wave[inside] = 26.0 + (peak - 26.0) * shape + rng.normal(0.0, 0.8, length)
    return wave


def _promotions(rng: np.random.Generator, n: int) -> np.ndarray:
    """0/1 flags of about four non-overlapping promotions a year, 3–10 days each."""
    flags = np.zeros(n, dtype=np.int64)
    day = int(rng.integers(10, 60))
    while day < n:
        length = int(rng.integers(3, 11))
        flags[day : min(day + length, n)] = 1
        day += length + int(rng.integers(45, 110))
    return flags


def make_sales(rng: np.random.Generator, *, n_days: int = 3 * 365) -> tuple[pd.DataFrame, dict]:
    """Draw the daily sales of the demo product, ending on the reference date.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator (the demo company gives each table its own stream).
    n_days : int, default=1095
        Number of days (three years); the last is 2025-06-30.

    Returns
    -------
    sales : pandas.DataFrame
        Columns ``date`` (datetime64, daily, no gaps), ``units`` (int64, units sold),
        ``temperature`` (float, °C), ``web_visits`` (int64), ``promotion`` (int64, 0/1)
        and ``price`` (float, list price).
    truths : dict
        ``SALES_TRUTHS`` plus ``start``/``end`` dates, ``heatwave_dates`` and
        ``promo_dates`` (ISO date strings), ``visits_before`` (visits on the two days
        before the first row, for :func:`planted_mean`) and ``formula`` (the planted log
        mean in words).
    """
    dates = pd.date_range(end=REFERENCE_DATE, periods=n_days + 2, freq="D")
    doy = dates.dayofyear.to_numpy()
    normal = _TEMP_MEAN + _TEMP_AMP * np.cos(2 * np.pi * (doy - _TEMP_PEAK_DOY) / _YEAR)
    wave = _heatwaves(rng, dates)
    weather = normal + _ar1(rng, len(dates), *_TEMP_NOISE)
    temperature = np.round(np.fmax(weather, wave), 1)  # fmax: NaN (no wave) keeps the weather
    promotion = _promotions(rng, len(dates))
    promotion[:2] = 0
    shock = _ar1(rng, len(dates), *_VISIT_SHOCK)
    visit_mean = _REF_VISITS * np.exp(
        _VISIT_TEMP * (temperature - 15.0) + _VISIT_PROMO * promotion + shock
    )
    visits = rng.poisson(visit_mean).astype(np.int64)
    price = np.full(len(dates), _PRICES[0][1])
    for since, value in _PRICES[1:]:
        price[dates >= pd.Timestamp(since)] = value
    sales = pd.DataFrame(
        {
            "date": dates[2:],
            "temperature": temperature[2:],
            "web_visits": visits[2:],
            "promotion": promotion[2:],
            "price": price[2:],
        }
    )
    visits_before = (float(visits[0]), float(visits[1]))
    mean = planted_mean(sales, visits_before=visits_before)
    units = rng.poisson(mean * rng.gamma(_NB_SHAPE, 1.0 / _NB_SHAPE, n_days)).astype(np.int64)
    sales.insert(1, "units", units)
    iso = [d.date().isoformat() for d in dates[2:]]
    truths = {
        **copy.deepcopy(SALES_TRUTHS),
        "start": iso[0],
        "end": iso[-1],
        "heatwave_dates": [d for d, w in zip(iso, wave[2:], strict=True) if w == w],
        "promo_dates": [d for d, p in zip(iso, promotion[2:], strict=True) if p],
        "visits_before": list(visits_before),
        "formula": (
            "log E[units] = log(base_units) + log_trend_per_year * years"
            " + season_amplitude * cos(2 pi (day_of_year - season_peak_day_of_year) / 365.25)"
            " + weekday_log_effect[weekday]"
            " + heat_log_slope * max(temperature - heat_threshold, 0)"
            " + log(promotion_multiplier) * promotion"
            " + price_elasticity * log(price / reference_price)"
            " + visit_lag_elasticities[0] * log(web_visits[t-1] / reference_visits)"
            " + visit_lag_elasticities[1] * log(web_visits[t-2] / reference_visits)"
        ),
    }
    return sales, truths
