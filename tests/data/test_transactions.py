"""Per-transaction history features: exact values on small tables, no look-ahead, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.transactions import (
    FEATURE_DESCRIPTIONS,
    feature_sentences,
    lines_to_orders,
    population_reference,
    read_transactions,
    tail_shares,
    transaction_features,
)
from revlearn.errors import InputError, ParameterError, RevlearnWarning, SchemaError

ROLES = {"customer_col": "customer", "timestamp_col": "ts", "amount_col": "amount"}


def _features(frame: pd.DataFrame, **roles: str) -> pd.DataFrame:
    return transaction_features(read_transactions(frame, **ROLES, **roles))


@pytest.fixture
def small() -> pd.DataFrame:
    # Customer a: four purchases, then a burst of two within the hour; b: one purchase.
    return pd.DataFrame(
        {
            "customer": ["a", "b", "a", "a", "a", "a", "a"],
            "ts": [
                "2025-01-01 10:00",
                "2025-01-01 11:00",
                "2025-01-02 10:00",
                "2025-01-03 12:00",
                "2025-01-04 10:00",
                "2025-01-04 10:20",
                "2025-01-04 10:30",
            ],
            "amount": [10.0, 50.0, 12.0, 11.0, -11.0, 10.0, 200.0],
            "channel": ["web", "web", "web", "web", "web", "app", "web"],
        }
    )


def test_window_counts_gaps_and_flags_are_exact(small):
    f = _features(small, channel_col="channel")
    assert f["n_prior"].tolist() == [0, 0, 1, 2, 3, 4, 5]
    assert f["is_first"].tolist() == [1, 1, 0, 0, 0, 0, 0]
    # 10:30 on day 4: 10:00 and 10:20 are within the hour, day 3 12:00 within 24 h;
    # exactly 24 h before (day 1 10:00 for day 2 10:00) is not "within".
    assert f["n_prev_1h"].tolist() == [0, 0, 0, 0, 0, 1, 2]
    assert f["n_prev_24h"].tolist() == [0, 0, 0, 0, 1, 2, 3]
    assert f.loc[6, "hours_since_prev"] == pytest.approx(10 / 60)
    assert np.isnan(f.loc[0, "hours_since_prev"])
    # money in the previous 24 h of the last row: 11 + |-11| + 10
    assert np.expm1(f.loc[6, "amount_prev_24h"]) == pytest.approx(32.0)
    # 'app' is new for customer a at row 5; first transactions are never "new"
    assert f["new_channel"].tolist() == [0, 0, 0, 0, 0, 1, 0]
    assert f["channel_value"].tolist()[5] == "app"
    assert f["is_refund"].tolist() == [0, 0, 0, 0, 1, 0, 0]


def test_amount_is_measured_against_the_customers_own_past(small):
    f = _features(small)
    # The 200 at the end is far above a's usual (~10-11); the 50 of b (no history) is not
    # judged against a's amounts but against everyone's.
    assert f.loc[6, "amount_z"] > 5 * abs(f.loc[3, "amount_z"])
    assert f.loc[6, "amount_z"] == f["amount_z"].max()
    assert 9.0 < f.loc[6, "usual_amount"] < 13.0


def test_refund_rate_counts_only_earlier_refunds(small):
    f = _features(small)
    rate = f["refund_rate"].to_numpy()
    assert rate[4] == pytest.approx(rate[3] * (2 + 5) / (3 + 5))  # refund itself not counted
    assert rate[5] > rate[4]  # counted from the next transaction on


def test_features_never_look_ahead(small):
    full = _features(small, channel_col="channel")
    later = pd.DataFrame(
        {"customer": ["a", "a"], "ts": ["2025-01-04 10:40", "2025-02-01"], "amount": [5e4, 1.0]}
    ).assign(channel=["phone", "web"])
    extended = pd.concat([small, later], ignore_index=True)
    tx = read_transactions(small, **ROLES, channel_col="channel")
    reference = population_reference(tx)
    again = transaction_features(
        read_transactions(extended, **ROLES, channel_col="channel"), reference
    ).head(len(small))
    base = transaction_features(tx, reference)
    pd.testing.assert_frame_equal(base, again)
    assert list(full.columns) == list(base.columns)


def test_rows_come_back_in_input_order_whatever_the_table_order(small):
    shuffled = small.sample(frac=1.0, random_state=3)
    f = _features(shuffled)
    expected = _features(small).set_index(small.index).loc[shuffled.index]
    np.testing.assert_allclose(f["amount_z"].to_numpy(), expected["amount_z"].to_numpy())


def test_odd_hour_is_rare_for_a_regular_customer():
    days = pd.date_range("2025-01-01 18:00", periods=30, freq="D")
    stamps = [*days.astype(str), "2025-02-01 03:00", "2025-02-02 18:00"]
    frame = pd.DataFrame({"customer": "a", "ts": stamps, "amount": 20.0})
    f = _features(frame)
    assert f.loc[30, "hour"] == 3
    assert f.loc[30, "hour_rarity"] > 1.0 + f.loc[31, "hour_rarity"]


def test_mixed_utc_offsets_are_read_in_utc():
    frame = pd.DataFrame(
        {
            "customer": ["a", "a"],
            "ts": ["2025-01-01T10:00:00+02:00", "2025-01-01T09:30:00+00:00"],
            "amount": [1.0, 2.0],
        }
    )
    f = _features(frame)
    assert f["hour"].tolist() == [8, 9]
    assert f["n_prior"].tolist() == [0, 1]  # 08:00 UTC comes first


def test_quantity_and_every_description():
    frame = pd.DataFrame(
        {"customer": ["a", "a"], "ts": ["2025-01-01", "2025-01-02"], "amount": [1, 2], "q": [1, 9]}
    )
    f = _features(frame, quantity_col="q")
    assert np.expm1(f["quantity_log"]).tolist() == pytest.approx([1.0, 9.0])
    assert set(FEATURE_DESCRIPTIONS) >= {c for c in f.columns if c in FEATURE_DESCRIPTIONS}


def test_missing_columns_are_all_named():
    frame = pd.DataFrame({"cust": ["a"], "when": ["2025-01-01"], "amount": [1.0]})
    with pytest.raises(SchemaError, match=r"'customer', 'ts' not found.*--customer.*--timestamp"):
        read_transactions(frame, **ROLES)
    with pytest.raises(SchemaError, match="'device' not found"):
        read_transactions(
            frame.rename(columns={"cust": "customer", "when": "ts"}), **ROLES, device_col="device"
        )


def test_unreadable_timestamps_and_amounts_are_refused():
    frame = pd.DataFrame({"customer": ["a", "b"], "ts": ["2025-01-01", "yesterday"], "amount": 1})
    with pytest.raises(InputError, match=r"1 of 2 timestamps.*'yesterday'"):
        read_transactions(frame, **ROLES)
    money = pd.DataFrame({"customer": ["a", "b"], "ts": ["2025-01-01"] * 2, "amount": ["1", "€x"]})
    with pytest.raises(SchemaError, match=r"not amounts of money, e.g. '€x'"):
        read_transactions(money, **ROLES)


def test_incomplete_rows_are_dropped_with_a_warning():
    frame = pd.DataFrame(
        {"customer": ["a", None, "a"], "ts": ["2025-01-01", "2025-01-02", ""], "amount": 1.0}
    )
    with pytest.warns(RevlearnWarning, match="Dropped 2 of 3"):
        tx = read_transactions(frame, **ROLES)
    assert tx.positions.tolist() == [0]
    with pytest.raises(InputError, match="empty"):
        read_transactions(frame.head(0), **ROLES)


def test_sentences_put_the_numbers_in_words(small):
    f = _features(small, channel_col="channel")
    amount = small["amount"].to_numpy()
    ratio = 200.0 / f.loc[6, "usual_amount"]
    assert feature_sentences("amount_z", f, amount)[6] == (
        f"amount {ratio:.1f}× this customer's usual ({f.loc[6, 'usual_amount']:,.2f})"
    )
    assert feature_sentences("amount_z", f, amount)[1].endswith(
        f"× a typical transaction ({f.loc[1, 'usual_amount']:,.2f})"
    )
    assert feature_sentences("n_prev_1h", f, amount)[6] == "3 transactions within an hour"
    assert (
        feature_sentences("gap_log", f, amount)[6] == "only 10 min after the previous transaction"
    )
    assert feature_sentences("new_channel", f, amount)[5] == "first purchase through channel 'app'"
    assert feature_sentences("is_refund", f, amount)[4] == "a refund of 11.00"
    assert feature_sentences("hour_rarity", f, amount)[6].startswith("at 10:00, an hour")
    with pytest.raises(ParameterError, match="Unknown feature 'amount'"):
        feature_sentences("amount", f, amount)


def test_tail_shares_handle_ties_and_continuous_values():
    rng = np.random.default_rng(0)
    levels = np.linspace(0, 1, 1001)
    flag = (rng.random(20_000) < 0.03).astype(float)
    smooth = rng.normal(size=20_000)
    sample = np.column_stack([flag, smooth])
    grid = np.quantile(sample, levels, axis=0, method="inverted_cdf")
    probe = np.array([[0.0, 0.0], [1.0, 1.645], [2.0, 10.0], [-1.0, -10.0]])
    shares = tail_shares(grid, levels, probe)
    assert shares[0, 0] == pytest.approx(1.0)
    assert shares[1, 0] == pytest.approx(flag.mean(), abs=0.002)
    assert shares[0, 1] == pytest.approx(0.5, abs=0.01)
    assert shares[1, 1] == pytest.approx(0.05, abs=0.006)
    assert shares[2].tolist() == [0.0, 0.0]
    assert shares[3].tolist() == [1.0, 1.0]


def test_lines_to_orders_sums_lines_and_keeps_later_returns_apart():
    lines = pd.DataFrame(
        {
            "order": ["o1", "o1", "o2", "o1"],
            "ts": ["2025-01-01 10:00", "2025-01-01 10:00", "2025-01-02 09:00", "2025-01-09"],
            "amount": ["10", "5.5", "7", "-5.5"],
            "qty": [1, 2, 1, -2],
            "channel": ["web", "app", "web", "web"],
        }
    )
    orders = lines_to_orders(
        lines, order_col="order", timestamp_col="ts", amount_col="amount", quantity_col="qty"
    )
    assert list(orders.columns) == list(lines.columns)
    assert orders["order"].tolist() == ["o1", "o2", "o1"]
    assert orders["amount"].tolist() == [15.5, 7.0, -5.5]
    assert orders["qty"].tolist() == [3, 1, -2] and orders["channel"].tolist()[0] == "web"
    with pytest.raises(SchemaError, match=r"--order"):
        lines_to_orders(lines, order_col="basket", timestamp_col="ts", amount_col="amount")
