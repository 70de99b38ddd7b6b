"""Recency, frequency and monetary (RFM) summaries for buy-till-you-die models.

:func:`rfm_summary` turns a long table of transactions into the per-customer summary that
the BG/NBD and Gamma–Gamma models of :mod:`revlearn.usecases.clv` are fitted on: the number
of *repeat* purchase days, the age of the customer at their last purchase and at the end of
the observation period, and the mean spend per repeat purchase day. The conventions follow
Fader, Hardie & Lee (2005) and the ``summary_data_from_transaction_data`` helper of the
lifetimes package, so fitted parameters can be compared with the published ones.

The aggregation is one DuckDB SQL query over the registered frame; pandas only parses the
columns on the way in. Time is counted in whole calendar days (a timestamp's time of day is
dropped; timestamps with a UTC offset are first converted to UTC).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from revlearn.data._events import check_event_columns, day_number, prepare_events
from revlearn.data.io import as_pandas
from revlearn.errors import InputError, ParameterError

__all__ = ["rfm_summary", "summarise_days"]

_UNITS = {"D": 1.0, "W": 7.0}

_SUMMARY_SQL = """
    WITH daily AS (
        SELECT c, d, coalesce(sum(a), 0.0) AS s
        FROM tx
        WHERE d <= $until AND d >= $start
        GROUP BY c, d
        {having}
    )
    SELECT
        c,
        count(*) - 1 AS frequency,
        (max(d) - min(d)) / $unit AS recency,
        ($until - min(d)) / $unit AS T,
        CASE WHEN count(*) > 1 THEN (sum(s) - arg_min(s, d)) / (count(*) - 1) ELSE 0.0 END
            AS monetary
    FROM daily
    GROUP BY c
    ORDER BY c
"""


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    timestamp_col: str,
    amount_col: str | None = None,
    until: str | pd.Timestamp | None = None,
    time_unit: str = "W",
    min_date: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Summarise transactions as per-customer frequency, recency, age and mean spend.

    Use it to prepare the input of :func:`revlearn.usecases.clv.fit_bgnbd` and
    :func:`revlearn.usecases.clv.fit_gamma_gamma`. Purchases are counted per calendar day:
    several transactions of one customer on one day are one purchase. When ``amount_col``
    is given, a day whose total is negative (refunds only) is not a purchase day (a free,
    zero-value order is one); negative amounts on a day with a purchase are kept and lower
    that day's spend.

    Parameters
    ----------
    transactions : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per transaction; not modified. Rows without a customer id or a timestamp
        are dropped with a warning.
    customer_col : str
        The customer id column (``--customer``).
    timestamp_col : str
        When the transaction happened (``--timestamp``): datetimes or date text.
    amount_col : str, optional
        Money per transaction (``--amount``); adds the ``monetary`` column. Blank amounts
        count as 0.
    until : str or pandas.Timestamp, optional
        The last day of the observation (calibration) period; later transactions are
        ignored and customers whose first purchase is after it are left out. By default
        the last transaction day.
    time_unit : {"W", "D"}, default="W"
        Unit of ``recency`` and ``T``: weeks (days / 7) or days.
    min_date : str or pandas.Timestamp, optional
        The first day of the observation period; earlier transactions are ignored, so a
        customer's first purchase is their first one on or after it.

    Returns
    -------
    pandas.DataFrame
        One row per customer with a purchase day in the period, in order of first
        appearance in ``transactions``, with columns:

        - ``<customer_col>``: the id, as given.
        - ``frequency``: repeat purchase days (distinct purchase days − 1).
        - ``recency``: time from the first to the last purchase day, in ``time_unit``.
        - ``T``: time from the first purchase day to ``until``, in ``time_unit``.
        - with ``amount_col``: ``monetary``, the mean total spend of the repeat purchase
          days (the first day excluded, as the Gamma–Gamma model expects); 0 when
          ``frequency`` is 0.

    Raises
    ------
    SchemaError
        If a named column is absent, the timestamps are numbers or the amounts are not.
    ParameterError
        If ``time_unit`` is not ``"W"`` or ``"D"``, or ``until``/``min_date`` is not a date.
    InputError
        If the table is empty, timestamps cannot be read, or no purchase day falls in the
        observation period.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers"
       the easy way: an alternative to the Pareto/NBD model. Marketing Science 24(2).
    .. [2] Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary
       value. http://www.brucehardie.com/notes/025/

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer": ["a", "a", "a", "b"],
    ...     "date": ["2025-01-01", "2025-01-01", "2025-01-15", "2025-01-08"],
    ...     "amount": [10.0, 5.0, 20.0, 7.0],
    ... })
    >>> rfm_summary(tx, customer_col="customer", timestamp_col="date",
    ...             amount_col="amount", until="2025-01-29")
      customer  frequency  recency    T  monetary
    0        a          1      2.0  4.0      20.0
    1        b          0      0.0  3.0       0.0
    """
    where = "rfm_summary"
    unit = _check_unit(time_unit, where)
    frame = as_pandas(transactions, where=where)
    frame = check_event_columns(frame, customer_col, timestamp_col, amount_col, where)
    if frame.empty:
        raise InputError(
            "The transaction table is empty (no rows).",
            where=where,
            fix="Load a table with one row per order or transaction.",
        )
    codes, ids, days, amounts, _ = prepare_events(
        frame, customer_col, timestamp_col, amount_col, where
    )
    start = day_number(min_date, "min_date", where) if min_date is not None else int(days.min())
    end = day_number(until, "until", where) if until is not None else int(days.max())
    summary = summarise_days(codes, days, amounts, start=start, end=end, unit=unit)
    if summary.empty:
        raise InputError(
            f"No purchase day between {_iso(start)} and {_iso(end)}: every transaction is "
            "outside the observation period or a refund.",
            where=where,
            fix="Pass a later --until or an earlier --min-date, or check the --amount column.",
        )
    summary.insert(0, customer_col, ids.take(summary.pop("c").to_numpy()))
    if amount_col is None:
        summary = summary.drop(columns="monetary")
    return summary.reset_index(drop=True)


def summarise_days(
    codes: np.ndarray,
    days: np.ndarray,
    amounts: np.ndarray | None,
    *,
    start: int,
    end: int,
    unit: float = 7.0,
) -> pd.DataFrame:
    """Summarise parsed transactions (the core of :func:`rfm_summary`) in DuckDB.

    Use it when the transactions are already parsed into arrays, e.g. to summarise one
    table at several cut-off dates without reading it again.

    Parameters
    ----------
    codes : numpy.ndarray of int
        Customer code per transaction.
    days : numpy.ndarray of int
        Day number per transaction (days since 1970-01-01).
    amounts : numpy.ndarray of float, optional
        Money per transaction; when given, refund-only days are not purchase days.
    start, end : int
        First and last day number of the observation period.
    unit : float, default=7.0
        Days per time unit of ``recency`` and ``T`` (7 for weeks).

    Returns
    -------
    pandas.DataFrame
        Columns ``c`` (the code), ``frequency``, ``recency``, ``T``, ``monetary``, one
        row per customer with a purchase day in the period, ordered by code.
    """
    tx = pd.DataFrame(
        {
            "c": codes.astype(np.int64),
            "d": days.astype(np.int64),
            "a": np.zeros(len(days)) if amounts is None else amounts,
        }
    )
    having = "" if amounts is None else "HAVING coalesce(sum(a), 0.0) >= 0"
    with duckdb.connect() as con:
        con.register("tx", tx)
        result = con.execute(
            _SUMMARY_SQL.format(having=having),
            {"until": end, "start": start, "unit": unit},
        ).df()
    result["frequency"] = result["frequency"].astype(np.int64)
    for col in ("recency", "T", "monetary"):
        result[col] = result[col].astype(float)
    return result


def _check_unit(time_unit: str, where: str) -> float:
    if time_unit not in _UNITS:
        raise ParameterError(
            f"time_unit must be 'W' (weeks) or 'D' (days), got {time_unit!r}.",
            where=f"{where}(time_unit=...)",
            fix="Pass time_unit='W' or time_unit='D'.",
        )
    return _UNITS[time_unit]


def _iso(day: int) -> str:
    return str(np.datetime64(day, "D"))
