"""Per-customer features and churn labels from event tables (orders, logins, transactions).

:func:`churn_table` turns a long table of events (one row per order, login or payment,
keyed by a customer id and a timestamp) into one row per customer: features from the
events up to a cut-off day and a ``churned`` label from the days after it. It is the
training table behind ``revlearn fit churn``.

The aggregation is a single DuckDB SQL query over the registered frame, so it runs on
millions of events in seconds; pandas only parses the columns on the way in. The
lifetimes/btyd ``summary_data_from_transaction_data`` helpers compute RFM summaries but not
windowed trends or a leakage-free label, and they are unmaintained, hence this module.
All durations are counted in whole calendar days: a timestamp's time of day is dropped,
and timestamps with a UTC offset are first converted to UTC.
"""

from __future__ import annotations

import logging
import operator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from revlearn.data._events import check_event_columns, prepare_events
from revlearn.data.io import as_pandas
from revlearn.errors import InputError, ParameterError

__all__ = ["ChurnTable", "activity_features", "churn_table"]

logger = logging.getLogger(__name__)

_WINDOW_DAYS = 90  # length of the "recent" and "previous" windows behind the trends
_FEATURES = (
    "recency_days",
    "frequency",
    "tenure_days",
    "events_90d",
    "events_prev_90d",
    "activity_trend",
    "avg_gap_days",
)
_AMOUNT_FEATURES = ("monetary", "avg_amount", "spend_90d", "spend_prev_90d", "spend_trend")

_FEATURE_SQL = """
    SELECT
        c,
        $cutoff - max(d) AS recency_days,
        count(*) AS frequency,
        $cutoff - min(d) AS tenure_days,
        count(*) FILTER (WHERE d > $cutoff - $w) AS events_90d,
        count(*) FILTER (WHERE d > $cutoff - 2 * $w AND d <= $cutoff - $w) AS events_prev_90d,
        (events_90d + 1.0) / (events_prev_90d + 1.0) AS activity_trend,
        CASE WHEN count(*) > 1 THEN (max(d) - min(d)) / (count(*) - 1.0) END AS avg_gap_days
        {amount_sql}
    FROM events
    WHERE d <= $cutoff
    GROUP BY c
"""
_AMOUNT_SQL = """,
        coalesce(sum(a), 0.0) AS monetary,
        avg(a) AS avg_amount,
        coalesce(sum(a) FILTER (WHERE d > $cutoff - $w), 0.0) AS spend_90d,
        coalesce(sum(a) FILTER (WHERE d > $cutoff - 2 * $w AND d <= $cutoff - $w), 0.0)
            AS spend_prev_90d,
        CASE WHEN spend_prev_90d + avg_amount > 0
            THEN (spend_90d + avg_amount) / (spend_prev_90d + avg_amount) END AS spend_trend
"""
_LABEL_SQL = """
    WITH features AS ({features}),
    active AS (
        SELECT DISTINCT c FROM events WHERE d > $cutoff AND d <= $cutoff + $horizon
    )
    SELECT features.*, CASE WHEN active.c IS NULL THEN 'yes' ELSE 'no' END AS churned
    FROM features LEFT JOIN active USING (c)
    ORDER BY c
"""


@dataclass(frozen=True, slots=True)
class ChurnTable:
    """One row per customer: features up to a cut-off day and whether they churned after it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The per-customer table (columns listed in :func:`churn_table`).
    cutoff : str
        The cut-off day, ISO ``YYYY-MM-DD``: features use events on or before it.
    window_end : str
        The last day of the label window, ``cutoff + horizon_days``.
    horizon_days : int
        Length of the label window in days.
    n_customers : int
        Customers in ``frame`` (those with at least one event on or before the cut-off).
    churn_rate : float
        Share of them labelled ``churned == "yes"``.
    customer_col : str
        The customer id column of ``frame``.
    feature_cols : list of str
        The feature columns of ``frame``, in order (all but the id and the label).
    notes : list of str
        Plain-language notes on what was used and left out.
    """

    frame: pd.DataFrame
    cutoff: str
    window_end: str
    horizon_days: int
    n_customers: int
    churn_rate: float
    customer_col: str
    feature_cols: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """Return the per-customer table.

        Returns
        -------
        pandas.DataFrame
            A copy of :attr:`frame`.
        """
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return everything but the table as a JSON-ready mapping.

        Returns
        -------
        dict
            Keys ``cutoff``, ``window_end``, ``horizon_days``, ``n_customers``,
            ``churn_rate``, ``customer_col``, ``feature_cols`` and ``notes``.
        """
        return {
            "cutoff": self.cutoff,
            "window_end": self.window_end,
            "horizon_days": self.horizon_days,
            "n_customers": self.n_customers,
            "churn_rate": self.churn_rate,
            "customer_col": self.customer_col,
            "feature_cols": list(self.feature_cols),
            "notes": list(self.notes),
        }


def churn_table(
    events: pd.DataFrame,
    *,
    customer_col: str,
    timestamp_col: str,
    amount_col: str | None = None,
    horizon_days: int = 90,
    until: str | pd.Timestamp | None = None,
) -> ChurnTable:
    """Build churn labels and per-customer features from a table of events.

    Use it to train or check a churn model on raw activity (orders, logins, payments): it
    picks a cut-off day, describes each customer by what they did up to it, and labels them
    by whether they came back in the ``horizon_days`` after it. Features never see an
    event after the cut-off, so they carry no information from the label window.

    Parameters
    ----------
    events : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per event; not modified. Rows without a customer id or a timestamp are
        dropped with a warning.
    customer_col : str
        The customer id column (``--customer``).
    timestamp_col : str
        When the event happened (``--timestamp``): datetimes or date text such as
        ``2025-03-31`` or ``2025-03-31T14:05:00+02:00``.
    amount_col : str, optional
        Money per event (``--amount``); adds the spend features. Blank amounts count as
        no spend.
    horizon_days : int, default=90
        Days after the cut-off in which a customer must have an event to count as kept.
    until : str or pandas.Timestamp, optional
        The cut-off day (``--until``); its time of day is ignored. By default the last
        event day minus ``horizon_days``, so the label window is fully observed.

    Returns
    -------
    ChurnTable
        ``frame`` holds one row per customer with an event on or before the cut-off, in
        order of first appearance in ``events``, with columns:

        - ``<customer_col>``: the id, as given.
        - ``recency_days``: days from the last event to the cut-off (0 = on the cut-off).
        - ``frequency``: events on or before the cut-off.
        - ``tenure_days``: days from the first event to the cut-off.
        - ``events_90d``, ``events_prev_90d``: events in the 90 days up to the cut-off,
          and in the 90 days before those.
        - ``activity_trend``: ``(events_90d + 1) / (events_prev_90d + 1)``; the added
          event keeps it defined when a window is empty. 1 = steady, below 1 = slowing.
        - ``avg_gap_days``: mean days between consecutive events,
          ``(last - first) / (frequency - 1)``; blank for one-event customers.
        - with ``amount_col``: ``monetary`` (total spend), ``avg_amount`` (mean per event,
          blank when every amount is blank), ``spend_90d``, ``spend_prev_90d`` (as for the
          event counts) and ``spend_trend``, ``(spend_90d + avg_amount) /
          (spend_prev_90d + avg_amount)``: one typical purchase added to each window,
          blank when the denominator is not positive.
        - ``churned``: ``"yes"`` if the customer has no event in the ``horizon_days``
          after the cut-off, else ``"no"``.

    Raises
    ------
    SchemaError
        If a named column is absent, the timestamps are numbers or the amounts are not.
    ParameterError
        If ``horizon_days`` is not a whole number of at least 1, or ``until`` is not a date.
    InputError
        If the table is empty, timestamps cannot be read, the cut-off falls before the
        first event, the label window runs past the last event, or no customer is active
        after the cut-off.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "customer": ["a", "a", "b", "b", "b"],
    ...     "date": ["2025-01-05", "2025-02-01", "2025-01-20", "2025-02-25", "2025-04-01"],
    ... })
    >>> table = churn_table(events, customer_col="customer", timestamp_col="date",
    ...                     horizon_days=30)
    >>> table.cutoff
    '2025-03-02'
    >>> table.frame[["customer", "recency_days", "frequency", "churned"]]
      customer  recency_days  frequency churned
    0        a            29          2     yes
    1        b             5          2      no
    """
    where = "churn_table"
    horizon = _check_horizon(horizon_days, where)
    frame = as_pandas(events, where=where)
    if frame.empty:
        raise InputError(
            "The event table is empty (no rows).",
            where=where,
            fix="Load a table with one row per order, login or transaction.",
        )
    _check_roles(frame, customer_col, timestamp_col, amount_col, where)
    codes, ids, days, amounts, notes = prepare_events(
        frame, customer_col, timestamp_col, amount_col, where
    )
    cutoff = _resolve_cutoff(until, horizon, int(days.min()), int(days.max()), where)
    result = _aggregate(codes, days, amounts, cutoff, horizon)
    end = cutoff + horizon
    n_no = int((result["churned"] == "no").sum())
    if n_no == 0:
        raise InputError(
            f"Every customer looks churned: none of the {len(result):,} customers seen by "
            f"{_iso(cutoff)} has an event in the {horizon} days after it — the data "
            "probably ends at the cut-off.",
            where=f"{where}, cut-off {_iso(cutoff)}",
            fix=f"Check that the events cover {_iso(cutoff + 1)} to {_iso(end)}, "
            "or pass an earlier --until or a shorter --horizon-days.",
        )
    result.insert(0, customer_col, ids.take(result.pop("c").to_numpy()))
    result = result.reset_index(drop=True)
    n, churn_rate = len(result), 1.0 - n_no / len(result)
    notes = _summary_notes(days, codes, cutoff, horizon, n, churn_rate) + notes
    for note in notes:
        logger.info(note)
    features = list(_FEATURES) + (list(_AMOUNT_FEATURES) if amount_col is not None else [])
    return ChurnTable(
        frame=result,
        cutoff=_iso(cutoff),
        window_end=_iso(end),
        horizon_days=horizon,
        n_customers=n,
        churn_rate=churn_rate,
        customer_col=customer_col,
        feature_cols=features,
        notes=notes,
    )


def activity_features(
    events: pd.DataFrame,
    *,
    customer_col: str,
    timestamp_col: str,
    amount_col: str | None = None,
    until: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Describe each customer by their activity up to a day, for scoring (no labels).

    The same features as :func:`churn_table`, computed the same way, but as of ``until``
    (by default the last event day) and without a label window: what a churn model
    trained on :func:`churn_table` needs to score today's customers.

    Parameters
    ----------
    events : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per event; not modified.
    customer_col : str
        The customer id column (``--customer``).
    timestamp_col : str
        When the event happened (``--timestamp``).
    amount_col : str, optional
        Money per event (``--amount``).
    until : str or pandas.Timestamp, optional
        The day to describe customers at; events after it are ignored.

    Returns
    -------
    pandas.DataFrame
        One row per customer with an event on or before ``until``: ``<customer_col>`` and
        the feature columns of :func:`churn_table` (no ``churned``).

    Raises
    ------
    SchemaError
        If a named column is absent or mistyped.
    InputError
        If the table is empty, timestamps cannot be read, or ``until`` is before every
        event.
    """
    where = "activity_features"
    frame = as_pandas(events, where=where)
    if frame.empty:
        raise InputError(
            "The event table is empty (no rows).",
            where=where,
            fix="Load a table with one row per order, login or transaction.",
        )
    _check_roles(frame, customer_col, timestamp_col, amount_col, where)
    codes, ids, days, amounts, _ = prepare_events(
        frame, customer_col, timestamp_col, amount_col, where
    )
    cutoff = int(days.max()) if until is None else _parse_until(until, where)
    if cutoff < int(days.min()):
        raise InputError(
            f"The day {_iso(cutoff)} is before the first event ({_iso(int(days.min()))}).",
            where=f"{where}(until=...)",
            fix="Pass a later --until, or none to score as of the last event.",
        )
    result = _aggregate(codes, days, amounts, cutoff, 0).drop(columns="churned")
    result.insert(0, customer_col, ids.take(result.pop("c").to_numpy()))
    return result.reset_index(drop=True)


def _iso(day: int) -> str:
    return str(np.datetime64(day, "D"))


def _check_horizon(horizon_days: object, where: str) -> int:
    try:
        if isinstance(horizon_days, bool):
            raise TypeError
        horizon = operator.index(horizon_days)  # type: ignore[arg-type]
    except TypeError:
        horizon = 0
    if horizon < 1:
        raise ParameterError(
            f"horizon_days must be a whole number of days of at least 1, got {horizon_days!r}.",
            where=f"{where}(horizon_days=...)",
            fix="Pass --horizon-days 90 (the label window after the cut-off), for example.",
        )
    return horizon


def _check_roles(
    frame: pd.DataFrame,
    customer_col: str,
    timestamp_col: str,
    amount_col: str | None,
    where: str,
) -> None:
    frame = check_event_columns(frame, customer_col, timestamp_col, amount_col, where)
    taken = set(_FEATURES) | set(_AMOUNT_FEATURES) | {"churned"}
    if customer_col in taken:
        raise ParameterError(
            f"The customer column {customer_col!r} has the name of an output column.",
            where=f"{where}(customer_col=...)",
            fix="Rename it first, e.g. events.rename(columns={...: 'customer_id'}).",
        )


def _resolve_cutoff(
    until: str | pd.Timestamp | None, horizon: int, first: int, last: int, where: str
) -> int:
    span = last - first
    if until is None:
        cutoff = last - horizon
        if cutoff < first:
            longest = f"--horizon-days {span // 2} or less" if span >= 2 else "a longer history"
            raise InputError(
                f"The history is only {span:,} days long ({_iso(first)} to {_iso(last)}), "
                f"too short for a {horizon}-day horizon: the cut-off would fall on "
                f"{_iso(cutoff)}, before the first event.",
                where=where,
                fix=f"Pass a shorter horizon ({longest}) so that some history is left "
                "before the cut-off.",
            )
        return cutoff
    cutoff = _parse_until(until, where)
    latest = last - horizon
    if cutoff < first:
        raise InputError(
            f"The cut-off {_iso(cutoff)} is before the first event ({_iso(first)}): "
            "no customer has any history.",
            where=f"{where}(until=...)",
            fix=f"Pass --until between {_iso(first)} and {_iso(max(first, latest))}.",
        )
    if cutoff > latest:
        raise InputError(
            f"The {horizon}-day label window after the cut-off {_iso(cutoff)} ends on "
            f"{_iso(cutoff + horizon)}, after the last event ({_iso(last)}): labels would be "
            "unobserved and customers would look churned only because the data stops.",
            where=f"{where}(until=...)",
            fix=f"Pass --until {_iso(latest)} or earlier, or a shorter --horizon-days.",
        )
    return cutoff


def _parse_until(until: str | pd.Timestamp, where: str) -> int:
    try:
        stamp = pd.Timestamp(until)
    except (TypeError, ValueError) as err:
        stamp = pd.NaT
        cause: Exception | None = err
    else:
        cause = None
    if stamp is pd.NaT:
        raise ParameterError(
            f"until={until!r} is not a date.",
            where=f"{where}(until=...)",
            fix="Pass --until as YYYY-MM-DD, e.g. --until 2025-03-31.",
        ) from cause
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return int(np.datetime64(stamp.date(), "D").astype(np.int64))


def _aggregate(
    codes: np.ndarray, days: np.ndarray, amounts: np.ndarray | None, cutoff: int, horizon: int
) -> pd.DataFrame:
    """Run the feature and label query; one row per customer code ``c``."""
    columns: dict[str, np.ndarray] = {"c": codes.astype(np.int64), "d": days}
    if amounts is not None:
        columns["a"] = amounts
    events = pd.DataFrame(columns)
    features = _FEATURE_SQL.format(amount_sql=_AMOUNT_SQL if amounts is not None else "")
    params = {"cutoff": cutoff, "horizon": horizon, "w": _WINDOW_DAYS}
    with duckdb.connect() as con:
        con.register("events", events)
        result: pd.DataFrame = con.execute(_LABEL_SQL.format(features=features), params).df()
    return result


def _summary_notes(
    days: np.ndarray, codes: np.ndarray, cutoff: int, horizon: int, n: int, rate: float
) -> list[str]:
    end = cutoff + horizon
    n_before = int((days <= cutoff).sum())
    notes = [
        f"Cut-off {_iso(cutoff)}: features from {n_before:,} events on or before it, labels "
        f"from the {horizon} days after ({_iso(cutoff + 1)} to {_iso(end)}).",
        f"{n:,} customers with history before the cut-off; {rate:.1%} churned "
        f"(no event in the {horizon} days after it).",
    ]
    n_new = int(np.unique(codes).size) - n
    if n_new:
        notes.append(f"{n_new:,} customers first seen after the cut-off are left out.")
    n_after = int((days > end).sum())
    if n_after:
        notes.append(f"{n_after:,} events after {_iso(end)} are not used.")
    if rate == 0.0:
        notes.append("No customer churned in this window: a churn model cannot learn from it.")
    return notes
