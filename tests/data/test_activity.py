"""Tests of churn labels and per-customer features in revlearn.data.activity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revlearn.data.activity import ChurnTable, churn_table
from revlearn.errors import InputError, ParameterError, RevlearnWarning, SchemaError

START = pd.Timestamp("2023-01-01")
END_DAY = 729  # the simulated history runs from 2023-01-01 to 2024-12-30
HORIZON = 90
CUTOFF_DAY = END_DAY - HORIZON


def _simulate(n_customers: int = 2000, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events of customers who buy every 5-30 days from a start day until a stop day.

    Gaps of at most 30 days mean a customer still buying through a 90-day window always
    has an event in it, so the planted label is exact: churned iff the stop day is on or
    before the cut-off. Returns the events and the truth per customer.
    """
    rng = np.random.default_rng(seed)
    kind = rng.choice(
        ["churn", "active", "late_stop", "new"], size=n_customers, p=[0.3, 0.5, 0.1, 0.1]
    )
    kind[0] = "active"  # C0000 also gets an event on the last day, pinning the cut-off
    start = np.where(
        kind == "new",
        rng.integers(CUTOFF_DAY + 1, END_DAY - 20, n_customers),
        rng.integers(0, 400, n_customers),
    )
    stop = np.select(
        [kind == "churn", kind == "late_stop"],
        [
            rng.integers(450, CUTOFF_DAY + 1, n_customers),
            rng.integers(CUTOFF_DAY + 31, END_DAY, n_customers),
        ],
        END_DAY,
    )
    rows = []
    for i in range(n_customers):
        gaps = rng.integers(5, 31, size=160)
        days = start[i] + np.concatenate([[0], np.cumsum(gaps)])
        days = days[days <= stop[i]]
        rows.append(pd.DataFrame({"cust": f"C{i:04d}", "day": days}))
    frame = pd.concat(rows, ignore_index=True)
    frame = pd.concat([frame, pd.DataFrame({"cust": ["C0000"], "day": [END_DAY]})])  # pins last day
    seconds = rng.integers(0, 86_400, len(frame))
    frame["ts"] = (
        START + pd.to_timedelta(frame["day"], unit="D") + pd.to_timedelta(seconds, unit="s")
    )
    frame["amount"] = rng.gamma(2.0, 30.0, len(frame)).round(2)
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    truth = pd.DataFrame(
        {"cust": [f"C{i:04d}" for i in range(n_customers)], "kind": kind, "stop": stop}
    )
    return frame, truth


@pytest.fixture(scope="module")
def simulated() -> tuple[pd.DataFrame, pd.DataFrame, ChurnTable]:
    events, truth = _simulate()
    table = churn_table(
        events[["cust", "ts", "amount"]],
        customer_col="cust",
        timestamp_col="ts",
        amount_col="amount",
        horizon_days=HORIZON,
    )
    return events, truth, table


# --- planted truth ----------------------------------------------------------------------------


def test_planted_churners_are_labelled_exactly(simulated) -> None:
    _, truth, table = simulated
    assert table.cutoff == str((START + pd.Timedelta(days=CUTOFF_DAY)).date())
    assert table.window_end == "2024-12-30"
    got = table.frame.set_index("cust")["churned"]
    seen = truth[truth["kind"] != "new"].set_index("cust")
    assert sorted(got.index) == sorted(seen.index)  # new customers left out
    expected = np.where(seen["stop"] <= CUTOFF_DAY, "yes", "no")
    assert (got.loc[seen.index].to_numpy() == expected).all()
    assert set(got.loc[seen.index[seen["kind"] == "late_stop"]]) == {
        "no"
    }  # stopped inside the window: kept
    assert table.churn_rate == pytest.approx((expected == "yes").mean())
    assert table.n_customers == len(seen) and 0.25 < table.churn_rate < 0.45
    # Negative control: shuffling who stopped breaks the match.
    shuffled = np.random.default_rng(1).permutation(expected)
    assert (got.loc[seen.index].to_numpy() != shuffled).sum() > 200


def test_simulated_features_match_a_pandas_oracle(simulated) -> None:
    events, _, table = simulated
    cutoff = CUTOFF_DAY
    past = events[events["day"] <= cutoff]
    g = past.groupby("cust")
    recent = past[past["day"] > cutoff - 90].groupby("cust")
    prev = past[(past["day"] > cutoff - 180) & (past["day"] <= cutoff - 90)].groupby("cust")
    oracle = pd.DataFrame(
        {
            "recency_days": cutoff - g["day"].max(),
            "frequency": g.size(),
            "tenure_days": cutoff - g["day"].min(),
            "events_90d": recent.size(),
            "events_prev_90d": prev.size(),
            "monetary": g["amount"].sum(),
            "spend_90d": recent["amount"].sum(),
        }
    ).fillna({"events_90d": 0, "events_prev_90d": 0, "spend_90d": 0.0})
    oracle["avg_gap_days"] = (g["day"].max() - g["day"].min()) / (oracle["frequency"] - 1)
    oracle.loc[oracle["frequency"] == 1, "avg_gap_days"] = np.nan
    oracle["activity_trend"] = (oracle["events_90d"] + 1) / (oracle["events_prev_90d"] + 1)
    got = table.frame.set_index("cust").loc[oracle.index]
    for col in oracle.columns:
        np.testing.assert_allclose(
            got[col].to_numpy(float), oracle[col].to_numpy(float), rtol=1e-9, err_msg=col
        )
    assert table.feature_cols == [c for c in table.frame.columns if c not in ("cust", "churned")]


# --- features on a hand-made example ----------------------------------------------------------


def _tiny() -> pd.DataFrame:
    rows = [
        ("a", "2024-01-01 09:00", 10.0),
        ("a", "2024-03-01", 20.0),
        ("a", "2024-06-20 23:59", 30.0),
        ("a", "2024-06-25", 40.0),
        ("b", "2024-06-30 18:00", 5.0),  # on the cut-off day: still history
        ("b", "2024-07-10", 5.0),  # inside the window: b is kept
        ("e", "2024-06-30 12:00", 3.0),  # only on the cut-off day, none after: churned
        ("c", "2024-07-05", 1.0),  # first seen after the cut-off: left out
        ("d", "2023-12-01", 7.0),
        ("d", "2024-07-30", 7.0),  # the last day of the window
        ("a", "2024-08-15", 99.0),  # after the window: ignored
    ]
    return pd.DataFrame(rows, columns=["customer", "when", "spend"])


def test_hand_made_features() -> None:
    events = _tiny()
    before = events.copy()
    table = churn_table(
        events,
        customer_col="customer",
        timestamp_col="when",
        amount_col="spend",
        horizon_days=30,
        until="2024-06-30",
    )
    pd.testing.assert_frame_equal(events, before)  # input untouched
    frame = table.frame.set_index("customer")
    assert list(frame.index) == ["a", "b", "e", "d"]
    a, b, d = frame.loc["a"], frame.loc["b"], frame.loc["d"]
    assert (a["recency_days"], a["frequency"], a["tenure_days"]) == (5, 4, 181)
    # 90 days up to 2024-06-30 start 2024-04-02; the 90 before start 2024-01-04.
    assert (a["events_90d"], a["events_prev_90d"], a["activity_trend"]) == (2, 1, 1.5)
    assert a["avg_gap_days"] == pytest.approx(176 / 3)  # 2024-01-01 to 06-25, 3 gaps
    assert (a["monetary"], a["avg_amount"], a["spend_90d"], a["spend_prev_90d"]) == (
        100.0,
        25.0,
        70.0,
        20.0,
    )
    assert a["spend_trend"] == pytest.approx((70 + 25) / (20 + 25))
    assert (b["recency_days"], b["frequency"], b["tenure_days"]) == (0, 1, 0)
    assert np.isnan(b["avg_gap_days"]) and b["activity_trend"] == 2.0
    assert (d["events_90d"], d["events_prev_90d"], d["activity_trend"]) == (0, 0, 1.0)
    assert frame["churned"].to_dict() == {"a": "yes", "b": "no", "e": "yes", "d": "no"}
    assert table.to_dict() == {
        "cutoff": "2024-06-30",
        "window_end": "2024-07-30",
        "horizon_days": 30,
        "n_customers": 4,
        "churn_rate": 0.5,
        "customer_col": "customer",
        "feature_cols": table.feature_cols,
        "notes": table.notes,
    }
    assert table.notes[0] == (
        "Cut-off 2024-06-30: features from 7 events on or before it, labels from the 30 days "
        "after (2024-07-01 to 2024-07-30)."
    )
    assert "1 customers first seen after the cut-off are left out." in table.notes
    assert "1 events after 2024-07-30 are not used." in table.notes


def test_ids_keep_their_type_tz_aware_stamps_and_arrow_input() -> None:
    events = pd.DataFrame(
        {
            "id": [7, 7, 3, 3],
            "ts": pd.to_datetime(
                ["2024-01-01T23:30:00-02:00", "2024-03-01", "2024-01-15", "2024-04-01"],
                utc=True,
                format="ISO8601",
            ),
        }
    )
    table = churn_table(events, customer_col="id", timestamp_col="ts", horizon_days=30)
    assert table.frame["id"].tolist() == [7, 3] and table.frame["id"].dtype == np.int64
    assert table.cutoff == "2024-03-02"
    assert table.frame.set_index("id").loc[7, "tenure_days"] == 60  # 01:30 UTC on 2024-01-02
    assert "monetary" not in table.frame.columns
    arrow = churn_table(
        pa.Table.from_pandas(events), customer_col="id", timestamp_col="ts", horizon_days=30
    )
    pd.testing.assert_frame_equal(arrow.frame, table.frame)


def test_blank_ids_and_timestamps_are_dropped_with_a_warning() -> None:
    events = _tiny()
    events.loc[len(events)] = [None, "2024-05-01", 1.0]
    events.loc[len(events)] = ["a", "", 1.0]
    with pytest.warns(RevlearnWarning, match=r"Dropped 2 of 13 events without a customer id"):
        table = churn_table(
            events,
            customer_col="customer",
            timestamp_col="when",
            horizon_days=30,
            until="2024-06-30",
        )
    assert table.frame.set_index("customer").loc["a", "frequency"] == 4


# --- the no-leakage law -----------------------------------------------------------------------

_CUT, _H = 300, 30
_HISTORY = st.tuples(st.integers(0, 5), st.integers(0, _CUT))
_IN_WINDOW = st.tuples(st.integers(0, 5), st.integers(_CUT + 1, _CUT + _H))
_LATER = st.tuples(st.integers(0, 5), st.integers(_CUT + _H + 1, 500))


def _frame(rows: list[tuple[int, int]]) -> pd.DataFrame:
    anchor = [(0, 0), (0, _CUT + _H)]  # keeps the cut-off valid and one customer active
    data = pd.DataFrame(anchor + rows, columns=["customer", "day"])
    data["ts"] = START + pd.to_timedelta(data["day"], unit="D")
    data["amount"] = data["day"] % 7 + 1.0
    return data


def _features(rows: list[tuple[int, int]]) -> pd.DataFrame:
    until = START + pd.Timedelta(days=_CUT)
    table = churn_table(
        _frame(rows),
        customer_col="customer",
        timestamp_col="ts",
        amount_col="amount",
        horizon_days=_H,
        until=until,
    )
    return table.frame.drop(columns="churned").sort_values("customer").reset_index(drop=True)


@settings(max_examples=40, deadline=None)
@given(
    history=st.lists(_HISTORY, max_size=30),
    window=st.lists(_IN_WINDOW, max_size=8),
    other_window=st.lists(_IN_WINDOW, max_size=8),
    later=st.lists(_LATER, max_size=8),
)
def test_no_feature_uses_an_event_after_the_cutoff(history, window, other_window, later) -> None:
    base = _features(history + window)
    pd.testing.assert_frame_equal(_features(history + other_window + later), base)
    # Negative control: one more event on the cut-off day does change the features.
    changed = _features([*history, (0, _CUT), *window])
    assert (
        changed.loc[changed["customer"] == 0, "frequency"].item()
        == base.loc[base["customer"] == 0, "frequency"].item() + 1
    )


# --- errors -----------------------------------------------------------------------------------


def test_missing_columns_name_the_flag() -> None:
    events = _tiny()
    with pytest.raises(
        SchemaError,
        match=r"Column 'ts' not found.*Found: customer, when, spend\. Pass --timestamp <column>",
    ):
        churn_table(events, customer_col="customer", timestamp_col="ts")
    with pytest.raises(
        SchemaError,
        match=r"Columns 'cust', 'usd' not found.*Pass --customer <column> and --amount <column>",
    ):
        churn_table(events, customer_col="cust", timestamp_col="when", amount_col="usd")


def test_unparseable_timestamps_are_counted_with_an_example() -> None:
    events = _tiny()
    events.loc[[1, 3], "when"] = "soon"
    with pytest.raises(
        InputError,
        match=r"2 of 11 timestamps in column 'when' could not be read as dates, e\.g\. 'soon'",
    ):
        churn_table(events, customer_col="customer", timestamp_col="when")
    events["when"] = np.arange(len(events)) * 86_400
    with pytest.raises(
        SchemaError, match=r"Column 'when' holds numbers \(int64\), not dates.*unit='s'"
    ):
        churn_table(events, customer_col="customer", timestamp_col="when")


def test_amounts_must_be_numbers() -> None:
    events = _tiny()
    events["spend"] = events["spend"].astype(object)
    events.loc[0, "spend"] = "$10"
    with pytest.raises(
        SchemaError,
        match=r"1 of 11 values in column 'spend' are not amounts of money, e\.g\. '\$10'.*--amount",
    ):
        churn_table(events, customer_col="customer", timestamp_col="when", amount_col="spend")


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "90"])
def test_horizon_must_be_a_positive_whole_number(bad: object) -> None:
    with pytest.raises(
        ParameterError, match=r"horizon_days must be a whole number of days of at least 1"
    ):
        churn_table(_tiny(), customer_col="customer", timestamp_col="when", horizon_days=bad)  # type: ignore[arg-type]


def test_horizon_longer_than_history() -> None:
    with pytest.raises(
        InputError,
        match=r"history is only 258 days long \(2023-12-01 to 2024-08-15\)"
        r".*--horizon-days 129 or less",
    ):
        churn_table(_tiny(), customer_col="customer", timestamp_col="when", horizon_days=300)
    with pytest.raises(InputError, match=r"cut-off would fall on 2023-11-30, before the first"):
        churn_table(_tiny(), customer_col="customer", timestamp_col="when", horizon_days=259)
    # Controls: horizons that fit work, up to the cut-off landing on the first event day.
    for horizon, cutoff in [(129, "2024-04-08"), (258, "2023-12-01")]:
        table = churn_table(
            _tiny(), customer_col="customer", timestamp_col="when", horizon_days=horizon
        )
        assert table.cutoff == cutoff


def test_until_must_leave_an_observed_window_and_some_history() -> None:
    kwargs = {"customer_col": "customer", "timestamp_col": "when", "horizon_days": 30}
    with pytest.raises(
        InputError,
        match=r"ends on 2024-08-30, after the last event \(2024-08-15\): labels would be "
        r"unobserved.*--until 2024-07-16 or earlier",
    ):
        churn_table(_tiny(), until="2024-07-31", **kwargs)
    with pytest.raises(
        InputError, match=r"cut-off 2023-11-30 is before the first event \(2023-12-01\)"
    ):
        churn_table(_tiny(), until="2023-11-30", **kwargs)
    with pytest.raises(ParameterError, match=r"until='last spring' is not a date.*YYYY-MM-DD"):
        churn_table(_tiny(), until="last spring", **kwargs)


def test_every_customer_churned_means_the_data_ends_at_the_cutoff() -> None:
    events = pd.DataFrame(
        {"customer": ["a", "a", "new"], "when": ["2024-01-01", "2024-02-01", "2024-06-01"]}
    )
    with pytest.raises(
        InputError, match=r"(?i)every customer looks churned.*the data probably ends at the cut-off"
    ):
        churn_table(events, customer_col="customer", timestamp_col="when", horizon_days=30)


def test_empty_tables_are_refused() -> None:
    with pytest.raises(InputError, match=r"The event table is empty"):
        churn_table(_tiny().iloc[:0], customer_col="customer", timestamp_col="when")
    blank = pd.DataFrame({"customer": [None, None], "when": ["2024-01-01", "2024-02-01"]})
    with pytest.raises(InputError, match=r"Dropped 2 of 2 events without a customer id"):
        churn_table(blank, customer_col="customer", timestamp_col="when")


def test_customer_column_cannot_shadow_an_output_column() -> None:
    events = _tiny().rename(columns={"customer": "frequency"})
    with pytest.raises(
        ParameterError, match=r"customer column 'frequency' has the name of an output column"
    ):
        churn_table(events, customer_col="frequency", timestamp_col="when")
