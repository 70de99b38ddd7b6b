"""Series preparation: aggregation, frequencies, gaps, signals, errors and speed."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from revlearn.data.series import PreparedSeries, future_signals, prepare_series
from revlearn.data.synth import make_company
from revlearn.errors import InputError, ParameterError, SchemaError


def _daily(n: int = 30, ids: tuple[str, ...] = ("a", "b")) -> pd.DataFrame:
    days = pd.date_range("2025-01-01", periods=n, freq="D")
    return pd.DataFrame(
        {
            "store": np.repeat(ids, n),
            "day": np.tile(days, len(ids)),
            "units": np.arange(n * len(ids), dtype=float),
            "temp": np.tile(np.linspace(0.0, 10.0, n), len(ids)),
        }
    )


def test_long_daily_table_passes_through_unchanged() -> None:
    data = _daily()
    before = data.copy()
    prepared = prepare_series(
        data, date_col="day", value_col="units", series_col="store", signals=["temp"]
    )
    assert isinstance(prepared, PreparedSeries)
    pd.testing.assert_frame_equal(data, before)  # input not modified
    assert prepared.freq == "D" and prepared.season_length == 7
    assert list(prepared.frame.columns) == ["unique_id", "ds", "y", "temp"]
    assert prepared.series == ["a", "b"] and prepared.lengths == {"a": 30, "b": 30}
    assert prepared.frame["y"].tolist() == data["units"].tolist()
    assert prepared.frame["ds"].dtype == "datetime64[ns]"
    assert prepared.frame["unique_id"].map(type).eq(str).all()
    assert prepared.notes == [
        "Inferred the frequency D (daily) from the median spacing of the dates."
    ]


def test_order_lines_are_summed_per_day_and_gaps_filled_with_zero() -> None:
    lines = pd.DataFrame(
        {
            "at": ["2025-03-01 09:00", "2025-03-01 17:30", "2025-03-02 10:00", "2025-03-05 08:00"],
            "qty": [2, 3, 1, 4],
            "promo": [1.0, 0.0, 1.0, 0.0],
        }
    )
    prepared = prepare_series(lines, date_col="at", value_col="qty", freq="D", signals=["promo"])
    frame = prepared.frame
    assert frame["ds"].dt.strftime("%m-%d").tolist() == [
        "03-01",
        "03-02",
        "03-03",
        "03-04",
        "03-05",
    ]
    assert frame["y"].tolist() == [5.0, 1.0, 0.0, 0.0, 4.0]
    assert frame["promo"].tolist() == [0.5, 1.0, 1.0, 1.0, 0.0]  # averaged, carried forward
    assert frame["unique_id"].unique().tolist() == ["qty"]
    text = " ".join(prepared.notes)
    assert "Aggregated 4 rows into 3 days" in text
    assert "Filled 2 missing days in 1 of 1 series with 0" in text
    assert "Moved 4 timestamps" in text


def test_mean_aggregation_carries_levels_forward() -> None:
    data = pd.DataFrame(
        {"d": ["2025-01-01", "2025-01-01", "2025-01-02", "2025-01-04"], "stock": [10, 20, 30, 40]}
    )
    prepared = prepare_series(data, date_col="d", value_col="stock", agg="mean")
    assert prepared.frame["y"].tolist() == [15.0, 30.0, 30.0, 40.0]
    assert "previous value" in " ".join(prepared.notes)
    last = prepare_series(data, date_col="d", value_col="stock", agg="last")
    assert last.frame["y"].tolist() == [20.0, 30.0, 30.0, 40.0]


@pytest.mark.parametrize(
    ("dates", "freq", "season"),
    [
        (pd.date_range("2024-01-07", periods=60, freq="W-SUN"), "W-SUN", 52),
        (pd.date_range("2024-01-01", periods=60, freq="W-MON"), "W-MON", 52),
        (pd.date_range("2020-01-01", periods=40, freq="MS"), "MS", 12),
        (pd.date_range("2020-01-31", periods=40, freq="ME"), "MS", 12),
        (pd.date_range("2015-01-01", periods=20, freq="QS"), "QS", 4),
        (pd.date_range("2000-01-01", periods=20, freq="YS"), "YS", 1),
    ],
)
def test_frequency_is_inferred(dates: pd.DatetimeIndex, freq: str, season: int) -> None:
    data = pd.DataFrame({"d": dates, "v": 1.0})
    prepared = prepare_series(data, date_col="d", value_col="v")
    assert (prepared.freq, prepared.season_length) == (freq, season)
    assert len(prepared.frame) == len(dates)  # one row per period, no gaps added
    grid = pd.date_range(prepared.frame["ds"].iloc[0], periods=len(dates), freq=prepared.freq)
    assert (prepared.frame["ds"].to_numpy() == grid.to_numpy()).all()  # on the pandas grid


def test_daily_data_aggregated_to_weeks_and_months() -> None:
    data = pd.DataFrame({"d": pd.date_range("2025-01-01", "2025-03-31", freq="D"), "v": 1.0})
    weekly = prepare_series(data, date_col="d", value_col="v", freq="W")
    assert weekly.freq == "W-SUN" and weekly.season_length == 52
    assert (weekly.frame["ds"].dt.dayofweek == 6).all()  # weeks end on Sunday
    assert weekly.frame["y"].iloc[0] == 5.0  # Wed 1 Jan .. Sun 5 Jan
    assert set(weekly.frame["y"].iloc[1:-1]) == {7.0}
    monthly = prepare_series(data, date_col="d", value_col="v", freq="M")
    assert monthly.freq == "MS"
    assert monthly.frame["y"].tolist() == [31.0, 28.0, 31.0]
    assert monthly.frame["ds"].dt.day.eq(1).all()
    year = pd.DataFrame({"d": pd.date_range("2024-01-01", "2024-12-31", freq="D"), "v": 1.0})
    quarterly = prepare_series(year, date_col="d", value_col="v", freq="QE")
    assert quarterly.freq == "QS" and quarterly.frame["y"].tolist() == [91.0, 91.0, 92.0, 92.0]


def test_sparse_daily_series_still_daily_with_zeros() -> None:
    days = pd.date_range("2025-01-01", periods=60, freq="D")[::2]  # sold every other day
    prepared = prepare_series(pd.DataFrame({"d": days, "v": 2.0}), date_col="d", value_col="v")
    assert prepared.freq == "D"
    assert prepared.frame["y"].tolist()[:4] == [2.0, 0.0, 2.0, 0.0]


def test_mixed_formats_and_time_zones_are_read() -> None:
    data = pd.DataFrame(
        {
            "d": ["2025-01-01", "2025-01-02T23:30:00-02:00", "03 Jan 2025", "2025/01/04"],
            "v": ["1", "2", "3", " 4 "],
        }
    )
    prepared = prepare_series(data, date_col="d", value_col="v", freq="D")
    # 23:30 at UTC-2 is 01:30 UTC on the 3rd
    assert prepared.frame["y"].tolist() == [1.0, 0.0, 5.0, 4.0]


def test_the_demo_sales_prepare_with_signals() -> None:
    sales = make_company(n_leads=10, n_customers=10, n_shoppers=10, n_sales_days=120).sales
    prepared = prepare_series(
        sales, date_col="date", value_col="units", signals=["temperature", "promotion"]
    )
    assert prepared.freq == "D" and prepared.lengths == {"units": 120}
    assert prepared.frame["y"].sum() == sales["units"].sum()
    np.testing.assert_allclose(prepared.frame["temperature"], sales["temperature"])


def test_leading_blank_signals_stay_blank_with_a_note() -> None:
    data = _daily(10, ("a",))
    data.loc[:2, "temp"] = np.nan
    data.loc[5, "temp"] = np.nan
    prepared = prepare_series(data, date_col="day", value_col="units", signals=["temp"])
    temp = prepared.frame["temp"]
    assert temp.isna().tolist() == [True] * 3 + [False] * 7
    assert temp[5] == temp[4]  # carried forward
    assert any("'temp' has no value for the first 3 days" in n for n in prepared.notes)


def test_short_series_are_kept_with_a_note() -> None:
    data = pd.concat([_daily(30, ("long",)), _daily(4, ("short",))], ignore_index=True)
    prepared = prepare_series(data, date_col="day", value_col="units", series_col="store")
    assert prepared.lengths == {"long": 30, "short": 4}
    assert any("shorter than two seasons" in n and "short" in n for n in prepared.notes)


def test_blank_dates_and_ids_are_dropped_with_a_note() -> None:
    data = _daily(10)
    data["day"] = data["day"].astype(str)
    data.loc[0, "day"] = ""
    data.loc[15, "store"] = None
    prepared = prepare_series(data, date_col="day", value_col="units", series_col="store")
    assert prepared.lengths == {"a": 9, "b": 10}
    assert prepared.frame.loc[prepared.frame["unique_id"] == "b", "y"].isna().sum() == 0
    assert any("Dropped 2 of 20 rows" in n for n in prepared.notes)


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"date_col": "when", "value_col": "units"}, "--date"),
        ({"date_col": "day", "value_col": "sold"}, "--value"),
        ({"date_col": "day", "value_col": "units", "series_col": "shop"}, "--series"),
        ({"date_col": "day", "value_col": "units", "signals": ["rain"]}, "--signal"),
    ],
)
def test_missing_column_names_the_flag(kwargs: dict, flag: str) -> None:
    with pytest.raises(SchemaError, match=flag):
        prepare_series(_daily(), **kwargs)


def test_empty_table_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no rows"):
        prepare_series(_daily().iloc[:0], date_col="day", value_col="units")


def test_unreadable_dates_are_an_input_error() -> None:
    data = _daily(5).assign(day=["2025-01-01", "yesterday", "2025-01-03", "x", "y"] * 2)
    with pytest.raises(InputError, match=r"could not be read as dates.*right column with --date"):
        prepare_series(data, date_col="day", value_col="units")


def test_text_values_are_a_schema_error() -> None:
    data = _daily(5).assign(units=["1", "2", "three", "4", "5"] * 2)
    with pytest.raises(SchemaError, match=r"'three'.*--value|1 of 10 values"):
        prepare_series(data, date_col="day", value_col="units")
    data = _daily(5).assign(temp="warm")
    with pytest.raises(SchemaError, match="--signal"):
        prepare_series(data, date_col="day", value_col="units", signals=["temp"])


def test_too_short_everywhere_is_an_input_error() -> None:
    with pytest.raises(InputError, match="fewer than 3 days"):
        prepare_series(_daily(2), date_col="day", value_col="units", series_col="store")


def test_mixed_frequencies_name_the_series_and_ask_for_freq() -> None:
    daily = _daily(60, ("shop_daily",))
    monthly = pd.DataFrame(
        {
            "store": "shop_monthly",
            "day": pd.date_range("2020-01-01", periods=24, freq="MS"),
            "units": 1.0,
            "temp": 0.0,
        }
    )
    data = pd.concat([daily, monthly], ignore_index=True)
    with pytest.raises(InputError, match=r"shop_daily.*shop_monthly") as info:
        prepare_series(data, date_col="day", value_col="units", series_col="store")
    assert "--freq" in str(info.value.fix)
    prepared = prepare_series(
        data, date_col="day", value_col="units", series_col="store", freq="MS"
    )
    assert prepared.lengths == {"shop_daily": 3, "shop_monthly": 24}  # Jan-Mar 2025


@pytest.mark.parametrize(
    "kwargs",
    [{"freq": "fortnightly"}, {"freq": "W-XYZ"}, {"agg": "median"}, {"signals": ["y"]}],
)
def test_bad_parameters_are_parameter_errors(kwargs: dict) -> None:
    with pytest.raises(ParameterError):
        prepare_series(_daily(), date_col="day", value_col="units", **kwargs)


# --- future signals ------------------------------------------------------------------------


def _prepared() -> PreparedSeries:
    return prepare_series(
        _daily(20), date_col="day", value_col="units", series_col="store", signals=["temp"]
    )


def test_future_signals_shared_by_all_series() -> None:
    prepared = _prepared()
    future = pd.DataFrame({"day": pd.date_range("2025-01-21", periods=7), "temp": np.arange(7.0)})
    out = future_signals(future, date_col="day", prepared=prepared, horizon=5)
    assert list(out.columns) == ["unique_id", "ds", "temp"]
    assert len(out) == 10 and out["unique_id"].tolist() == ["a"] * 5 + ["b"] * 5
    assert out["temp"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0] * 2
    assert out["ds"].min() == pd.Timestamp("2025-01-21")


def test_future_signals_per_series_and_missing_dates_named() -> None:
    prepared = _prepared()
    rows = pd.DataFrame(
        {
            "store": ["a"] * 7 + ["b"] * 2,
            "day": list(pd.date_range("2025-01-21", periods=7))
            + list(pd.date_range("2025-01-21", periods=2)),
            "temp": 1.0,
        }
    )
    out = future_signals(
        rows.iloc[:7], date_col="day", series_col="store", prepared=_one(), horizon=7
    )
    assert len(out) == 7
    with pytest.raises(
        InputError, match=r"temp missing for 2025-01-23, 2025-01-24 \(\+3 more\)"
    ) as info:
        future_signals(rows, date_col="day", series_col="store", prepared=prepared, horizon=7)
    assert "in series b." in str(info.value)  # a is complete
    assert "2025-01-21" in str(info.value.fix)


def _one() -> PreparedSeries:
    return prepare_series(
        _daily(20, ("a",)), date_col="day", value_col="units", series_col="store", signals=["temp"]
    )


def test_future_signals_errors() -> None:
    prepared = _prepared()
    future = pd.DataFrame({"day": pd.date_range("2025-01-21", periods=7)})
    with pytest.raises(SchemaError, match="temp"):
        future_signals(future, date_col="day", prepared=prepared, horizon=3)
    with pytest.raises(ParameterError, match="horizon"):
        future_signals(future.assign(temp=1.0), date_col="day", prepared=prepared, horizon=0)
    gap = future.assign(temp=[1.0, np.nan, 1.0, 1.0, 1.0, 1.0, 1.0])
    with pytest.raises(InputError, match="temp missing for 2025-01-22"):
        future_signals(gap, date_col="day", prepared=prepared, horizon=3)


# --- speed ---------------------------------------------------------------------------------


def test_a_million_order_lines_aggregate_in_seconds() -> None:
    rng = np.random.default_rng(0)
    n = 1_000_000
    seconds = rng.integers(0, 3 * 365 * 86_400, n)
    lines = pd.DataFrame(
        {
            "sku": rng.integers(0, 500, n),
            "at": pd.Timestamp("2022-07-01") + pd.to_timedelta(seconds, unit="s"),
            "qty": rng.integers(1, 5, n),
        }
    )
    start = time.perf_counter()
    prepared = prepare_series(lines, date_col="at", value_col="qty", series_col="sku")
    elapsed = time.perf_counter() - start
    assert prepared.freq == "D" and len(prepared.series) == 500
    assert prepared.frame["y"].sum() == lines["qty"].sum()
    assert elapsed < 10.0, f"{elapsed:.1f} s"
