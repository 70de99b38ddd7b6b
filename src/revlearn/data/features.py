"""Customer features an analyst can read: RFM scores, named RFM cells, loyalty.

:func:`customer_features` turns a transaction table into one row per customer: recency,
frequency, monetary value, tenure, average order value, inter-purchase time, the classic
1–5 R/F/M scores, the named RFM cell ("champions", "at risk", ...) and a loyalty score.
The aggregation is DuckDB SQL; given a file path it reads the file inside DuckDB, so a
transaction file larger than memory streams through (only the per-customer result is
loaded). No feature library does RFM this way, and the SQL is short.

Scores follow the usual practice: customers are ranked on each measure and cut into five
equal-width percentile bands (``score = 1 + floor(5 × percent_rank)``, capped at 5), so tied
customers share a score — with most customers buying once, every one-time buyer gets F = 1
instead of being spread over several scores by arbitrary tie-breaking as ``NTILE`` would.
The named cells use the R and F scores with the widely used segment map (champions: R 5,
F 4–5; loyal: R 3–5, F 4–5; potential loyalists: R 4–5, F 2–3; new: R 5, F 1;
promising: R 4, F 1; need attention: R 3, F 3; about to sleep: R 3, F 1–2; at risk:
R 1–2, F 3–4; can't lose them: R 1–2, F 5; hibernating: R 1–2, F 1–2).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from revlearn.data._events import amount_product, check_event_columns, day_number, prepare_events
from revlearn.data.io import as_pandas, csv_relation_sql
from revlearn.errors import InputError, SchemaError

__all__ = ["RFM_SEGMENTS", "customer_features", "loyalty_score"]

#: (name, R scores, F scores): the named RFM cells, first match wins.
RFM_SEGMENTS: tuple[tuple[str, str, str], ...] = (
    ("champions", "5", "45"),
    ("loyal customers", "345", "45"),
    ("potential loyalists", "45", "23"),
    ("new customers", "5", "1"),
    ("promising", "4", "1"),
    ("need attention", "3", "3"),
    ("about to sleep", "3", "12"),
    ("at risk", "12", "34"),
    ("can't lose them", "12", "5"),
    ("hibernating", "12", "12"),
)

_FEATURES_SQL = """
    WITH daily AS (
        SELECT c, d, sum(a) AS s
        FROM tx
        WHERE d <= $until
        GROUP BY c, d
    ),
    per AS (
        SELECT
            c,
            count(*) FILTER (WHERE s >= 0) AS frequency,
            sum(s) AS monetary,
            min(d) FILTER (WHERE s >= 0) AS first_day,
            max(d) FILTER (WHERE s >= 0) AS last_day,
            -sum(s) FILTER (WHERE s < 0) AS refunds
        FROM daily
        GROUP BY c
        HAVING count(*) FILTER (WHERE s >= 0) > 0
    ),
    scored AS (
        SELECT
            *,
            $until - last_day AS recency_days,
            $until - first_day AS tenure_days,
            monetary / frequency AS avg_order_value,
            CASE WHEN frequency > 1 THEN (last_day - first_day) / (frequency - 1) END
                AS interpurchase_days,
            least(5, 1 + floor(5 * percent_rank() OVER (ORDER BY last_day)))::INTEGER
                AS r_score,
            least(5, 1 + floor(5 * percent_rank() OVER (ORDER BY frequency)))::INTEGER
                AS f_score,
            least(5, 1 + floor(5 * percent_rank() OVER (ORDER BY monetary)))::INTEGER
                AS m_score
        FROM per
    )
    SELECT
        c, first_day, last_day, recency_days::INTEGER AS recency_days,
        frequency::INTEGER AS frequency, monetary, coalesce(refunds, 0.0) AS refunds,
        tenure_days::INTEGER AS tenure_days, avg_order_value,
        interpurchase_days::DOUBLE AS interpurchase_days, r_score, f_score, m_score
    FROM scored
    ORDER BY c
"""


def loyalty_score(frequency: pd.Series, monetary: pd.Series) -> pd.Series:
    """Score customer loyalty from 0 to 100 from how often and how much they buy.

    The score is the mean of the percentile ranks of purchase count and spend:
    ``50 * (rank(frequency) / n + rank(monetary) / n)`` with average ranks for ties and
    ``n`` the number of customers with both values. A customer top in both scores 100;
    scores are relative to the customers passed in, so compare them within one call.

    Parameters
    ----------
    frequency : pandas.Series
        Number of purchases per customer.
    monetary : pandas.Series
        Spend per customer, aligned with ``frequency`` (same length and order).

    Returns
    -------
    pandas.Series
        ``loyalty_score`` in (0, 100], indexed like ``frequency``; blank where either
        input is blank.

    Raises
    ------
    InputError
        If the two series differ in length or hold non-numeric values.

    Examples
    --------
    >>> loyalty_score(pd.Series([1, 5, 3]), pd.Series([10.0, 500.0, 40.0])).round(1).tolist()
    [33.3, 100.0, 66.7]
    """
    where = "loyalty_score"
    if len(frequency) != len(monetary):
        raise InputError(
            f"frequency has {len(frequency):,} values but monetary {len(monetary):,}.",
            where=where,
            fix="Pass one value of each per customer, in the same order.",
        )
    try:
        both = pd.DataFrame(
            {
                "f": pd.to_numeric(frequency).to_numpy(dtype=float),
                "m": pd.to_numeric(monetary).to_numpy(dtype=float),
            },
            index=frequency.index,
        )
    except (TypeError, ValueError) as err:
        raise InputError(
            f"Non-numeric purchase counts or spend ({err}).",
            where=where,
            fix="Convert both series to numbers first.",
        ) from err
    complete = both.notna().all(axis=1)
    ranks = both[complete].rank(method="average", pct=True)
    score = pd.Series(np.nan, index=frequency.index, name="loyalty_score")
    score[complete] = 50.0 * (ranks["f"] + ranks["m"])
    return score


def customer_features(
    transactions: pd.DataFrame | str | Path,
    *,
    customer_col: str,
    timestamp_col: str,
    amount_col: str,
    until: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Describe each customer by recency, frequency, money, tenure, RFM cell and loyalty.

    Purchases are counted per calendar day (several transactions on one day are one
    order); a day whose net total is negative is a refund day, not an order, and
    refunds lower the customer's ``monetary`` total. Timestamps with a UTC offset are
    compared in UTC.

    Parameters
    ----------
    transactions : pandas.DataFrame, polars.DataFrame, pyarrow.Table, str or Path
        One row per transaction, or the path of a CSV or Parquet file of them, which is
        read inside DuckDB (streamed; never loaded whole into pandas).
    customer_col : str
        The customer id column (``--customer``).
    timestamp_col : str
        When the transaction happened (``--timestamp``).
    amount_col : str
        Money per transaction (``--amount``); refunds are negative.
    until : str or pandas.Timestamp, optional
        The day the features describe; later transactions are ignored. By default the last
        transaction day.

    Returns
    -------
    pandas.DataFrame
        One row per customer with at least one order up to ``until`` (in order of first
        appearance for a table; by id for a file, whose ids are read as text), with
        ``<customer_col>``, ``first_purchase``, ``last_purchase`` (dates),
        ``recency_days`` (days since the last order), ``frequency`` (orders),
        ``monetary`` (net spend), ``refunds`` (money refunded), ``tenure_days`` (days
        since the first order), ``avg_order_value``, ``interpurchase_days`` (mean days
        between orders; blank for one-time buyers), ``r_score``, ``f_score``, ``m_score``
        (1–5, 5 best), ``rfm_cell`` (e.g. ``"545"``), ``rfm_segment`` (the named cell, see
        :data:`RFM_SEGMENTS`) and ``loyalty_score`` (:func:`loyalty_score`).

    Raises
    ------
    SchemaError
        If a named column is absent or holds the wrong kind of values.
    InputError
        If the table is empty, timestamps or amounts cannot be read, or no order falls on
        or before ``until``.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer": ["a", "a", "b", "c"],
    ...     "date": ["2025-01-01", "2025-01-21", "2025-01-10", "2025-01-30"],
    ...     "amount": [10.0, 30.0, 5.0, 8.0],
    ... })
    >>> f = customer_features(tx, customer_col="customer", timestamp_col="date",
    ...                       amount_col="amount", until="2025-01-31")
    >>> f[["customer", "recency_days", "frequency", "monetary", "interpurchase_days"]]
      customer  recency_days  frequency  monetary  interpurchase_days
    0        a            10          2      40.0                20.0
    1        b            21          1       5.0                 NaN
    2        c             1          1       8.0                 NaN
    """
    where = "customer_features"
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        if isinstance(transactions, str | Path):
            ids = _register_file(con, Path(transactions), customer_col, timestamp_col, amount_col)
        else:
            ids = _register_frame(
                con, as_pandas(transactions, where=where), customer_col, timestamp_col, amount_col
            )
        end = _until_day(con, until, where)
        result = con.execute(_FEATURES_SQL, {"until": end}).df()
    if result.empty:
        raise InputError(
            f"No order on or before {np.datetime64(end, 'D')}: every transaction is later or "
            "a refund.",
            where=where,
            fix="Pass a later --until, or check the --amount column (orders are positive).",
        )
    keys = result.pop("c").to_numpy()
    out = pd.DataFrame({customer_col: keys if ids is None else ids.take(keys)})
    for col in ("first_day", "last_day"):
        days = result.pop(col).to_numpy(dtype=np.int64)
        out[col.replace("_day", "_purchase")] = days.astype("datetime64[D]")
    out = pd.concat([out, result.reset_index(drop=True)], axis=1)
    out["rfm_cell"] = (
        out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    )
    out["rfm_segment"] = _segment_names(out["r_score"].to_numpy(), out["f_score"].to_numpy())
    out["loyalty_score"] = loyalty_score(out["frequency"], out["monetary"]).to_numpy()
    return out


def _register_frame(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    customer_col: str,
    timestamp_col: str,
    amount_col: str,
) -> pd.Index:
    """Parse a pandas table (mixed date formats included) and register it as ``tx``."""
    where = "customer_features"
    frame = check_event_columns(frame, customer_col, timestamp_col, amount_col, where)
    _check_rows(len(frame), where)
    codes, ids, days, amounts, _ = prepare_events(
        frame, customer_col, timestamp_col, amount_col, where
    )
    assert amounts is not None
    con.register(
        "tx_frame",
        pd.DataFrame({"c": codes.astype(np.int64), "d": days, "a": np.nan_to_num(amounts)}),
    )
    con.execute("CREATE VIEW tx AS SELECT * FROM tx_frame")
    return ids


def _register_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    customer_col: str,
    timestamp_col: str,
    amount_col: str,
) -> pd.Index | None:
    """Define ``tx`` over a CSV/Parquet file, parsed by DuckDB; check every value first."""
    where = str(path)
    if path.suffix.lower() in {".parquet", ".pq"}:
        if not path.is_file():
            csv_relation_sql(path)  # raises the standard not-found error
        source = f"read_parquet('{str(path.resolve()).replace(chr(39), chr(39) * 2)}')"
    else:
        source = csv_relation_sql(path)
    columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    check_event_columns(
        pd.DataFrame(columns=columns), customer_col, timestamp_col, amount_col, where
    )
    c, t = _quote(customer_col), _quote(timestamp_col)
    stamp = f"TRY_CAST({t} AS TIMESTAMPTZ)"
    parts = amount_product(columns, amount_col) or (amount_col,)
    quoted = [_quote(col) for col in parts]
    money = " * ".join(f"TRY_CAST({q} AS DOUBLE)" for q in quoted)
    bad_money = " OR ".join(
        f"({q} IS NOT NULL AND TRY_CAST({q} AS DOUBLE) IS NULL)" for q in quoted
    )
    raw = "concat_ws(' * ', " + ", ".join(f"{q}::VARCHAR" for q in quoted) + ")"
    n_rows, bad_t, bad_a, eg_t, eg_a = con.execute(
        f"""SELECT count(*),
            count(*) FILTER (WHERE {t} IS NOT NULL AND {stamp} IS NULL),
            count(*) FILTER (WHERE {bad_money}),
            any_value({t}::VARCHAR) FILTER (WHERE {t} IS NOT NULL AND {stamp} IS NULL),
            any_value({raw}) FILTER (WHERE {bad_money})
        FROM {source}"""
    ).fetchone() or (0, 0, 0, None, None)
    _check_rows(n_rows, where)
    if bad_t:
        raise InputError(
            f"{bad_t:,} of {n_rows:,} timestamps in column {timestamp_col!r} could not be read "
            f"as dates, e.g. {eg_t!r}.",
            where=where,
            fix="Write them like 2025-03-31 or 2025-03-31T14:05:00+02:00, or load the file with "
            "`revlearn load` (which reads mixed date formats) and pass the table name.",
        )
    if bad_a:
        raise SchemaError(
            f"{bad_a:,} of {n_rows:,} values in column {amount_col!r} are not amounts of money, "
            f"e.g. {eg_a!r}.",
            where=where,
            fix="Drop currency symbols and thousands separators, or pass another --amount.",
        )
    con.execute(
        f"""CREATE VIEW tx AS
        SELECT {c}::VARCHAR AS c, (CAST({stamp} AS DATE) - DATE '1970-01-01') AS d,
            coalesce({money}, 0.0) AS a
        FROM {source} WHERE {c} IS NOT NULL AND {stamp} IS NOT NULL"""
    )
    return None


def _check_rows(n_rows: int, where: str) -> None:
    if n_rows == 0:
        raise InputError(
            "The transaction table is empty (no rows).",
            where=where,
            fix="Load a table with one row per order or transaction.",
        )


def _until_day(con: duckdb.DuckDBPyConnection, until: str | pd.Timestamp | None, where: str) -> int:
    if until is None:
        row = con.execute("SELECT max(d) FROM tx").fetchone()
        return int(row[0]) if row and row[0] is not None else 0
    return day_number(until, "until", where)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _segment_names(r: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Map R and F scores to the named cells of :data:`RFM_SEGMENTS`."""
    names = np.full(len(r), "", dtype=object)
    for name, r_set, f_set in reversed(RFM_SEGMENTS):  # first match wins
        hit = np.isin(r, [int(x) for x in r_set]) & np.isin(f, [int(x) for x in f_set])
        names[hit] = name
    return names
