from __future__ import annotations

import pandas as pd
import pytest

from revlearn.data.rfm import rfm_summary
from revlearn.errors import InputError, ParameterError, SchemaError
from tests.conftest import SHARED_DATA

CDNOW = SHARED_DATA / "cdnow" / "CDNOW_sample.txt"


@pytest.fixture
def transactions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer": ["a", "a", "a", "a", "b", "b", "c", "c", "d"],
            "date": [
                "2025-01-01",
                "2025-01-01",
                "2025-01-08",
                "2025-01-22",  # a: 3 days
                "2025-01-15",
                "2025-01-15",  # b: one day, two orders
                "2025-01-03",
                "2025-01-10",  # c: second day is a refund only
                "2025-03-01",  # d: after `until`
            ],
            "amount": [10.0, 5.0, 30.0, 20.0, 4.0, 6.0, 50.0, -50.0, 9.0],
        }
    )


def test_hand_example_in_weeks(transactions):
    out = rfm_summary(
        transactions,
        customer_col="customer",
        timestamp_col="date",
        amount_col="amount",
        until="2025-01-29",
    )
    assert list(out.columns) == ["customer", "frequency", "recency", "T", "monetary"]
    assert out["customer"].tolist() == ["a", "b", "c"]
    assert out["frequency"].tolist() == [2, 0, 0]
    assert out["recency"].tolist() == pytest.approx([3.0, 0.0, 0.0])
    assert out["T"].tolist() == pytest.approx([4.0, 2.0, 26 / 7])
    assert out["monetary"].tolist() == pytest.approx([25.0, 0.0, 0.0])


def test_days_without_amounts_count_every_day(transactions):
    out = rfm_summary(transactions, customer_col="customer", timestamp_col="date", time_unit="D")
    assert "monetary" not in out.columns
    assert out["customer"].tolist() == ["a", "b", "c", "d"]
    assert out["frequency"].tolist() == [2, 0, 1, 0]
    assert out["recency"].tolist() == pytest.approx([21.0, 0.0, 7.0, 0.0])
    assert out["T"].tolist() == pytest.approx([59.0, 45.0, 57.0, 0.0])  # until = 2025-03-01


def test_min_date_starts_the_period(transactions):
    out = rfm_summary(
        transactions,
        customer_col="customer",
        timestamp_col="date",
        amount_col="amount",
        until="2025-01-29",
        min_date="2025-01-05",
        time_unit="D",
    )
    assert out["customer"].tolist() == ["a", "b"]
    assert out["frequency"].tolist() == [1, 0]
    assert out["T"].tolist() == pytest.approx([21.0, 14.0])
    assert out["monetary"].tolist() == pytest.approx([20.0, 0.0])


def test_input_is_not_modified(transactions):
    before = transactions.copy()
    rfm_summary(transactions, customer_col="customer", timestamp_col="date", amount_col="amount")
    pd.testing.assert_frame_equal(transactions, before)


def test_cdnow_sample_summary():
    cdnow = pd.read_csv(
        CDNOW,
        sep=r"\s+",
        header=None,
        names=["master_id", "sample_id", "date", "cds", "dollars"],
        dtype={"date": str},
    )
    out = rfm_summary(cdnow, customer_col="master_id", timestamp_col="date", until="1997-09-30")
    assert len(out) == 2357  # every customer first bought in the first quarter of 1997
    assert int(out["frequency"].sum()) == 2457  # repeat purchases in weeks 1-39 (paper)
    assert out["T"].max() == pytest.approx(272 / 7)
    first = out.set_index("master_id").loc[4]  # 1997-01-01, -01-18, -08-02 (and -12-12)
    assert first["frequency"] == 2
    assert first["recency"] == pytest.approx(213 / 7)


def test_missing_column_names_flag_and_found_columns(transactions):
    with pytest.raises(SchemaError, match="--amount") as info:
        rfm_summary(transactions, customer_col="customer", timestamp_col="date", amount_col="spend")
    assert "customer, date, amount" in str(info.value)
    with pytest.raises(SchemaError, match="--customer"):
        rfm_summary(transactions, customer_col="id", timestamp_col="date")


def test_unparseable_dates_are_rejected(transactions):
    bad = transactions.assign(date=["2025-01-01", "not a date"] + ["2025-01-02"] * 7)
    with pytest.raises(InputError, match="could not be read"):
        rfm_summary(bad, customer_col="customer", timestamp_col="date")


def test_bad_parameters_are_rejected(transactions):
    with pytest.raises(ParameterError, match="time_unit"):
        rfm_summary(transactions, customer_col="customer", timestamp_col="date", time_unit="M")
    with pytest.raises(ParameterError, match="until"):
        rfm_summary(transactions, customer_col="customer", timestamp_col="date", until="soon")
    with pytest.raises(InputError, match="No purchase day"):
        rfm_summary(transactions, customer_col="customer", timestamp_col="date", until="2024-01-01")
    with pytest.raises(InputError, match="empty"):
        rfm_summary(transactions.iloc[:0], customer_col="customer", timestamp_col="date")
