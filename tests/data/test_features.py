"""Tests of the customer features in revlearn.data.features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revlearn.data.features import RFM_SEGMENTS, customer_features, loyalty_score
from revlearn.errors import InputError, SchemaError

# --- loyalty_score ---------------------------------------------------------------------------


def test_loyalty_score_formula() -> None:
    frequency = pd.Series([1, 5, 3, 2, np.nan], index=list("abcde"))
    monetary = pd.Series([10.0, 500.0, 40.0, 20.0, 1.0], index=list("abcde"))
    score = loyalty_score(frequency, monetary)
    assert score.name == "loyalty_score" and score.index.tolist() == list("abcde")
    assert score["b"] == 100.0 and score["a"] == 25.0 and np.isnan(score["e"])
    assert score["c"] == 50.0 * (3 / 4 + 3 / 4)
    with pytest.raises(InputError, match=r"frequency has 5 values but monetary 2"):
        loyalty_score(frequency, monetary[:2])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.floats(0, 1e5)), min_size=1, max_size=40))
def test_loyalty_score_is_bounded_and_rewards_more(rows: list[tuple[int, float]]) -> None:
    frequency = pd.Series([r[0] for r in rows], dtype=float)
    monetary = pd.Series([r[1] for r in rows])
    score = loyalty_score(frequency, monetary)
    assert ((score > 0) & (score <= 100)).all()
    better = loyalty_score(frequency + (frequency.index == 0) * 1000.0, monetary)
    assert better[0] >= score[0]


# --- customer_features -----------------------------------------------------------------------

_ROLES = {"customer_col": "customer", "timestamp_col": "ts", "amount_col": "amount"}


def _transactions(n_customers: int = 500, seed: int = 0) -> pd.DataFrame:
    """Customers whose order count and last order day are planted (index = planted rank)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_customers):
        n_orders = 1 + i % 10
        last = 364 - (i * 7919) % 300
        days = last - np.arange(n_orders) * 3
        for d in days:
            rows.append(
                (
                    f"c{i:04d}",
                    pd.Timestamp("2025-01-01") + pd.Timedelta(days=int(d)),
                    float(rng.uniform(5, 100)),
                )
            )
    return pd.DataFrame(rows, columns=["customer", "ts", "amount"])


def test_customer_features_values_by_hand() -> None:
    tx = pd.DataFrame(
        {
            "customer": ["a", "a", "a", "a", "b"],
            "ts": [
                "2025-01-01 09:00",
                "2025-01-01 18:00",
                "2025-01-11",
                "2025-01-21",
                "2025-01-30",
            ],
            "amount": [10.0, 5.0, 30.0, -12.0, 8.0],
        }
    )
    f = customer_features(tx, **_ROLES, until="2025-01-31").set_index("customer")
    # a: orders on Jan 1 (two lines = one order) and Jan 11; Jan 21 is a refund day
    assert f.loc["a", "frequency"] == 2 and f.loc["a", "monetary"] == pytest.approx(33.0)
    assert f.loc["a", "refunds"] == pytest.approx(12.0)
    assert f.loc["a", "recency_days"] == 20 and f.loc["a", "tenure_days"] == 30
    assert f.loc["a", "interpurchase_days"] == 10.0
    assert f.loc["a", "avg_order_value"] == pytest.approx(16.5)
    assert np.isnan(f.loc["b", "interpurchase_days"]) and f.loc["b", "recency_days"] == 1
    assert f.loc["b", "r_score"] > f.loc["a", "r_score"]
    assert f.loc["a", "rfm_cell"] == f"{f.loc['a', 'r_score']}{f.loc['a', 'f_score']}" + str(
        f.loc["a", "m_score"]
    )


def test_customer_features_scores_follow_the_planted_order() -> None:
    tx = _transactions()
    f = customer_features(tx, **_ROLES)
    assert len(f) == 500 and f["customer"].is_unique
    for col in ("r_score", "f_score", "m_score"):
        assert set(f[col]) == {1, 2, 3, 4, 5}
    # more orders never gets a lower F score; more recent never a lower R score
    by_f = f.sort_values("frequency")
    assert (np.diff(by_f["f_score"].to_numpy()) >= 0).all()
    by_r = f.sort_values("recency_days", ascending=False)
    assert (np.diff(by_r["r_score"].to_numpy()) >= 0).all()
    # the named cells follow the R/F map
    for name, r_set, f_set in RFM_SEGMENTS:
        rows = f[f["rfm_segment"] == name]
        assert rows["r_score"].astype(str).isin(list(r_set)).all(), name
        assert rows["f_score"].astype(str).isin(list(f_set)).all(), name
    assert (f["rfm_segment"] != "").all()
    top = f.loc[(f["r_score"] == 5) & (f["f_score"] == 5)]
    assert (top["rfm_segment"] == "champions").all()
    assert f["loyalty_score"].between(0, 100).all()


def test_customer_features_until_ignores_later_orders() -> None:
    tx = _transactions(50)
    cut = "2025-07-01"
    f = customer_features(tx, **_ROLES, until=cut)
    early = tx[pd.to_datetime(tx["ts"]) <= cut]
    assert set(f["customer"]) == set(early["customer"])
    assert f["frequency"].sum() == early.groupby("customer")["ts"].nunique().sum()
    assert (f["last_purchase"] <= pd.Timestamp(cut)).all()


def test_customer_features_streams_a_file_with_the_same_result(tmp_path) -> None:
    tx = _transactions(200)
    # the file carries UTC offsets: 23:30-02:00 on day d is 01:30 UTC on day d+1
    shifted = tx.assign(
        ts=(tx["ts"] - pd.Timedelta(hours=2)).dt.strftime("%Y-%m-%dT%H:%M:%S+02:00")
    )
    path = tmp_path / "tx.csv"
    shifted.to_csv(path, index=False)
    from_file = customer_features(path, **_ROLES).sort_values("customer").reset_index(drop=True)
    from_frame = customer_features(tx, **_ROLES).sort_values("customer").reset_index(drop=True)
    cols = ["frequency", "recency_days", "tenure_days", "rfm_cell", "rfm_segment"]
    pd.testing.assert_frame_equal(from_file[cols], from_frame[cols])
    assert np.allclose(from_file["monetary"], from_frame["monetary"])
    parquet = tmp_path / "tx.parquet"
    tx.to_parquet(parquet)
    assert customer_features(parquet, **_ROLES)["frequency"].sum() == from_frame["frequency"].sum()


def test_customer_features_mixed_formats_and_zones_in_a_table() -> None:
    tx = pd.DataFrame(
        {
            "customer": ["a", "a", "b"],
            "ts": ["2025-03-01T23:30:00-02:00", "03/05/2025", "2025-03-04 10:00"],
            "amount": ["10", "20.5", "7"],
        }
    )
    f = customer_features(tx, **_ROLES, until="2025-03-10").set_index("customer")
    assert f.loc["a", "first_purchase"] == pd.Timestamp("2025-03-02")  # 01:30 UTC next day
    assert f.loc["a", "monetary"] == pytest.approx(30.5)


def test_customer_features_bad_input(tmp_path) -> None:
    tx = _transactions(5)
    with pytest.raises(SchemaError, match=r"--amount"):
        customer_features(tx, customer_col="customer", timestamp_col="ts", amount_col="price")
    with pytest.raises(InputError, match=r"empty"):
        customer_features(tx.iloc[:0], **_ROLES)
    with pytest.raises(InputError, match=r"No order on or before"):
        customer_features(tx.assign(amount=-1.0), **_ROLES)
    bad = tmp_path / "bad.csv"
    tx.assign(ts=tx["ts"].astype(str).where(tx.index != 3, "not a date")).to_csv(bad, index=False)
    with pytest.raises(InputError, match=r"1 of \d+ timestamps in column 'ts'.*'not a date'"):
        customer_features(bad, **_ROLES)
    money = tmp_path / "money.csv"
    tx.assign(amount=tx["amount"].astype(str).where(tx.index != 2, "$12")).to_csv(
        money, index=False
    )
    with pytest.raises(SchemaError, match=r"'\$12'"):
        customer_features(money, **_ROLES)


def test_amount_written_as_a_product_of_two_columns(tmp_path) -> None:
    tx = _transactions(60).assign(qty=2, price=lambda f: f["amount"] / 2).drop(columns="amount")
    roles = {**_ROLES, "amount_col": "qty*price"}
    from_frame = customer_features(tx, **roles)
    tx.to_csv(tmp_path / "tx.csv", index=False)
    from_file = customer_features(tmp_path / "tx.csv", **roles)
    expected = customer_features(_transactions(60), **_ROLES)
    assert np.allclose(from_frame["monetary"], expected["monetary"])
    assert np.isclose(from_file["monetary"].sum(), expected["monetary"].sum())
    with pytest.raises(SchemaError, match=r'"quantity\*unit_price"'):
        customer_features(tx, **{**_ROLES, "amount_col": "qty*cost"})
    bad = tx.astype({"price": object})
    bad.loc[3, "price"] = "n/a?"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(SchemaError, match=r"not amounts of money"):
        customer_features(tmp_path / "bad.csv", **roles)
