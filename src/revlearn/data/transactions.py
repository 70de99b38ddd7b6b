"""Per-transaction history features for anomaly and fraud scoring.

:func:`read_transactions` parses a transaction table once with the date and amount parsers
of every event table (:mod:`revlearn.data._events`; not its ``prepare_events``, which keeps
whole days, while bursts need seconds). Timestamps with a UTC offset are read in UTC, so
"the hour of day" is a UTC hour for them and the local hour for naive timestamps.
:func:`transaction_features` then
describes every transaction against the customer's *earlier* transactions only (nothing
from the future leaks in): the amount against the customer's own usual amount, the time
since the previous transaction, how many transactions and how much money in the hour and
the day before, a first use of a channel, device or country, refunds, and how unusual the
hour of day is for this customer. Customers with little history fall back on the whole
population (:func:`population_reference`), with a weight that grows with their history.

Everything is computed on arrays sorted by customer and time: windows by
``numpy.searchsorted`` on a (customer, time) key, counts by ``pandas`` group counters,
running medians by ``pandas`` expanding windows. No library offers these leak-free
per-customer history features as such (featuretools and tsfresh aggregate whole series,
not each transaction's past), and a SQL window version in DuckDB needs a range window per
feature; on 1,000,000 transactions this module takes a few seconds.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from revlearn.data._events import (
    check_event_columns,
    parse_amounts,
    parse_timestamps,
    with_amount,
)
from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, ParameterError, RevlearnWarning

__all__ = [
    "FEATURE_DESCRIPTIONS",
    "Transactions",
    "feature_sentences",
    "lines_to_orders",
    "population_reference",
    "read_transactions",
    "tail_shares",
    "transaction_features",
]

#: Model features and what they mean, in the order they are built.
FEATURE_DESCRIPTIONS: dict[str, str] = {
    "amount_log": "size of the amount, log(1 + |amount|)",
    "amount_z": "amount against the customer's usual amount (robust z-score of the log)",
    "gap_log": "time since the customer's previous transaction (log10 hours)",
    "n_prev_1h": "the customer's transactions in the hour before",
    "n_prev_24h": "the customer's transactions in the 24 hours before",
    "amount_prev_24h": "money the customer spent in the 24 hours before, log(1 + sum)",
    "is_first": "the customer's first transaction",
    "is_refund": "a refund or negative amount",
    "refund_rate": "the customer's share of refunds so far",
    "hour_rarity": "how rarely the customer buys at this hour, -log10(share)",
    "new_channel": "first transaction through this channel",
    "new_device": "first transaction from this device",
    "new_country": "first transaction from this country",
    "quantity_log": "quantity, log(1 + |quantity|)",
}
#: Optional context columns (role → the flag feature they add).
CONTEXT_ROLES = {"channel": "new_channel", "device": "new_device", "country": "new_country"}
#: Prior strength (in transactions) of the population when blending a customer's history.
_PRIOR_AMOUNT, _PRIOR_HOUR, _PRIOR_REFUND = 3.0, 5.0, 5.0
_HOUR, _DAY = 3600, 86400
_MIN_SCALE = 0.05  # smallest spread of log amounts (5 %)


@dataclass(frozen=True)
class Transactions:
    """A parsed transaction table: one entry per kept row, in input order.

    Attributes
    ----------
    positions : numpy.ndarray
        0-based positions of the kept rows in the input table.
    customer : numpy.ndarray
        Customer code per row (0 .. n_customers - 1).
    customer_ids : numpy.ndarray
        The customer id of each code, as given.
    seconds : numpy.ndarray
        Timestamp per row in whole seconds since 1970 (UTC when the input had an offset).
    amount : numpy.ndarray
        Amount per row (float).
    context : dict
        Role (``channel``, ``device``, ``country``) → ``(codes, values)``: the value code
        per row (-1 when blank) and the distinct values.
    quantity : numpy.ndarray or None
        Quantity per row, when a quantity column was given.
    notes : tuple of str
        What was dropped, in plain words.
    """

    positions: np.ndarray
    customer: np.ndarray
    customer_ids: np.ndarray
    seconds: np.ndarray
    amount: np.ndarray
    context: dict[str, tuple[np.ndarray, np.ndarray]]
    quantity: np.ndarray | None
    notes: tuple[str, ...]

    def __len__(self) -> int:
        """Return the number of transactions."""
        return len(self.positions)


def read_transactions(
    data: Any,
    *,
    customer_col: str,
    timestamp_col: str,
    amount_col: str,
    channel_col: str | None = None,
    device_col: str | None = None,
    country_col: str | None = None,
    quantity_col: str | None = None,
    where: str = "read_transactions",
) -> Transactions:
    """Parse and check a transaction table.

    Rows without a customer, a timestamp or an amount are dropped with a
    :class:`~revlearn.errors.RevlearnWarning`. Timestamps with a UTC offset (also mixed
    offsets) are converted to UTC; naive ones are kept as given.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per transaction; not modified.
    customer_col : str
        The customer id column (``--customer``).
    timestamp_col : str
        When the transaction happened (``--timestamp``).
    amount_col : str
        Money per transaction (``--amount``); negative amounts are refunds.
    channel_col : str, optional
        Sales channel (web, app, store ...).
    device_col : str, optional
        Device or card id.
    country_col : str, optional
        Country of the transaction.
    quantity_col : str, optional
        Items in the transaction.
    where : str, default="read_transactions"
        The call named in error messages.

    Returns
    -------
    Transactions
        The parsed columns, in input order.

    Raises
    ------
    SchemaError
        If a named column is absent, the timestamps are numbers, or the amounts or
        quantities are not numbers.
    InputError
        If the table is empty, timestamps cannot be read, or no row is complete.
    """
    frame = as_pandas(data, where=where)
    frame = check_event_columns(frame, customer_col, timestamp_col, amount_col, where)
    optional = {"channel": channel_col, "device": device_col, "country": country_col}
    named = [c for c in [*optional.values(), quantity_col] if c is not None]
    check_columns(frame, named, where=where, hint="Pass the right column names or None.")
    if frame.empty:
        raise InputError(
            "The transaction table is empty (no rows).",
            where=where,
            fix="Load a table with one row per transaction.",
        )
    stamps = parse_timestamps(frame[timestamp_col], timestamp_col, where)
    amounts = parse_amounts(frame[amount_col], amount_col, where)
    codes, ids = pd.factorize(frame[customer_col], use_na_sentinel=True)
    keep = (codes >= 0) & stamps.notna().to_numpy() & ~np.isnan(amounts)
    notes: list[str] = []
    if not keep.all():
        message = (
            f"Dropped {int((~keep).sum()):,} of {len(frame):,} transactions without a "
            f"customer ({customer_col!r}), a timestamp ({timestamp_col!r}) or an amount "
            f"({amount_col!r})."
        )
        if not keep.any():
            raise InputError(
                message, where=where, fix="Pass the right --customer, --timestamp and --amount."
            )
        warnings.warn(message, RevlearnWarning, stacklevel=2)
        notes.append(message)
    positions = np.flatnonzero(keep)
    ns = stamps.to_numpy(dtype="datetime64[ns]")[keep].astype(np.int64)
    customer, kept_ids = pd.factorize(codes[keep])  # dense codes of the kept customers
    context = {}
    for role, col in optional.items():
        if col is not None:
            value_codes, values = pd.factorize(frame[col].to_numpy()[keep], use_na_sentinel=True)
            context[role] = (value_codes.astype(np.int64), np.asarray(values, dtype=object))
    quantity = None
    if quantity_col is not None:
        quantity = parse_amounts(frame[quantity_col], quantity_col, where)[keep]
    return Transactions(
        positions=positions,
        customer=customer.astype(np.int64),
        customer_ids=np.asarray(ids, dtype=object)[kept_ids],
        seconds=ns // 1_000_000_000,
        amount=amounts[keep],
        context=context,
        quantity=quantity,
        notes=tuple(notes),
    )


def lines_to_orders(
    frame: pd.DataFrame,
    *,
    order_col: str,
    timestamp_col: str,
    amount_col: str,
    quantity_col: str | None = None,
    where: str = "lines_to_orders",
) -> pd.DataFrame:
    """Collapse order lines into one transaction per order and time.

    Lines with the same order id and the same timestamp are one transaction: amounts (and
    quantities) are summed, every other column keeps its first value. A return booked later
    under the same order id stays a transaction of its own (a refund).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per order line; not modified.
    order_col : str
        The order id column (``--order``).
    timestamp_col : str
        When the line was booked.
    amount_col : str
        Money per line.
    quantity_col : str, optional
        Items per line, summed too.
    where : str, default="lines_to_orders"
        The call named in error messages.

    Returns
    -------
    pandas.DataFrame
        One row per (order, timestamp), in order of first appearance, with the same columns.

    Raises
    ------
    SchemaError
        If a named column is absent or the amounts are not numbers.
    """
    frame = with_amount(frame, amount_col, where)
    named = [order_col, timestamp_col, amount_col, *([quantity_col] if quantity_col else [])]
    check_columns(frame, named, where=where, hint="Pass the right --order column.")
    summed = [amount_col, *([quantity_col] if quantity_col else [])]
    parsed = frame.assign(**{c: parse_amounts(frame[c], c, where) for c in summed})
    rules = {c: ("sum" if c in summed else "first") for c in frame.columns}
    for key in (order_col, timestamp_col):
        rules.pop(key)
    grouped = parsed.groupby([order_col, timestamp_col], sort=False, dropna=False)
    out = grouped.agg(rules).reset_index()
    return out[list(frame.columns)]


def population_reference(tx: Transactions) -> dict[str, Any]:
    """Measure the population figures that customers with little history fall back on.

    Parameters
    ----------
    tx : Transactions
        Parsed transactions (usually the training table).

    Returns
    -------
    dict
        Plain numbers, safe to store in a fitted model: ``amount_median`` and
        ``amount_scale`` (median and 1.4826 × MAD of log(1 + |amount|)), ``hour_share``
        (24 shares of all transactions by hour of day), ``refund_rate`` and ``gap_log``
        (median log10 hours between a customer's transactions, used for first ones).
    """
    log_amount = np.log1p(np.abs(tx.amount))
    median = float(np.median(log_amount))
    scale = 1.4826 * float(np.median(np.abs(log_amount - median)))
    hours = (tx.seconds // _HOUR) % 24
    counts = np.bincount(hours, minlength=24).astype(float) + 0.5
    order = np.lexsort((tx.seconds, tx.customer))
    same = tx.customer[order][1:] == tx.customer[order][:-1]
    gaps = np.diff(tx.seconds[order])[same] / _HOUR
    return {
        "amount_median": median,
        "amount_scale": max(scale, float(np.std(log_amount)) / 2, _MIN_SCALE),
        "hour_share": (counts / counts.sum()).tolist(),
        "refund_rate": float(np.mean(tx.amount < 0)),
        "gap_log": float(np.median(np.log10(np.maximum(gaps, 1 / 60)))) if len(gaps) else 2.0,
    }


def transaction_features(
    tx: Transactions, reference: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Describe each transaction against the customer's earlier transactions.

    Only transactions strictly earlier in time (ties: earlier in the table) count as
    history, so a transaction's features never use its own or later rows.

    Parameters
    ----------
    tx : Transactions
        From :func:`read_transactions`.
    reference : mapping, optional
        Population figures from :func:`population_reference` (a fitted model passes the
        training ones); by default measured on ``tx``.

    Returns
    -------
    pandas.DataFrame
        One row per transaction in input order, the model features (see
        :data:`FEATURE_DESCRIPTIONS`; ``new_*`` and ``quantity_log`` only when their column
        was given) and, for the reasons, ``usual_amount`` (the customer's usual amount
        before this one), ``n_prior`` (earlier transactions), ``hours_since_prev``
        (NaN for a first transaction), ``hour`` (0–23), ``hour_share`` (the customer's
        blended share of transactions at that hour) and ``<role>_value`` per context role.
    """
    ref = population_reference(tx) if reference is None else reference
    order = np.lexsort((np.arange(len(tx)), tx.seconds, tx.customer))
    cust = tx.customer[order]
    sec = tx.seconds[order]
    amount = tx.amount[order]
    starts = np.r_[True, cust[1:] != cust[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(cust)), 0))
    n_prior = np.arange(len(cust)) - group_start
    out: dict[str, np.ndarray] = {}
    log_amount = np.log1p(np.abs(amount))
    z, usual = _amount_against_usual(log_amount, cust, starts, n_prior, ref)
    out["amount_log"] = log_amount
    out["amount_z"] = z
    gap_hours = np.where(starts, np.nan, np.diff(sec, prepend=sec[0]) / _HOUR)
    out["gap_log"] = np.where(
        starts, float(ref["gap_log"]), np.log10(np.maximum(np.nan_to_num(gap_hours), 1 / 60))
    )
    out.update(_windows(cust, sec, log_amount, np.abs(amount)))
    out["is_first"] = starts.astype(float)
    refund = (amount < 0).astype(float)
    past_refunds = _past_sum(refund, group_start)
    out["is_refund"] = refund
    out["refund_rate"] = (past_refunds + _PRIOR_REFUND * float(ref["refund_rate"])) / (
        n_prior + _PRIOR_REFUND
    )
    hour = (sec // _HOUR) % 24
    own = pd.Series(cust * 24 + hour).groupby(cust * 24 + hour, sort=False).cumcount()
    share = (own.to_numpy() + _PRIOR_HOUR * np.asarray(ref["hour_share"])[hour]) / (
        n_prior + _PRIOR_HOUR
    )
    out["hour_rarity"] = -np.log10(share)
    extra: dict[str, np.ndarray] = {}
    for role, (codes, values) in tx.context.items():
        sorted_codes = codes[order]
        key = cust * (len(values) + 1) + sorted_codes + 1
        first_use = ~pd.Series(key).duplicated().to_numpy()
        out[CONTEXT_ROLES[role]] = (first_use & ~starts & (sorted_codes >= 0)).astype(float)
        extra[f"{role}_value"] = np.append(values, np.array([None], dtype=object))[sorted_codes]
    if tx.quantity is not None:
        out["quantity_log"] = np.log1p(np.abs(np.nan_to_num(tx.quantity[order])))
    extra.update(
        usual_amount=usual,
        n_prior=n_prior,
        hours_since_prev=gap_hours,
        hour=hour,
        hour_share=share,
    )
    table = pd.DataFrame({**out, **extra})
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return table.iloc[inverse].reset_index(drop=True)


def _fmt(values: np.ndarray, spec: str) -> pd.Series:
    return pd.Series(values).map(spec.format)


def tail_shares(grid: np.ndarray, levels: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Share of a reference sample at least as large as each value, from a quantile grid.

    Use it to say how rare a feature value is without keeping the reference sample: store
    ``np.quantile(sample, levels, axis=0, method="inverted_cdf")`` and read shares off it.
    Ties are handled, so a flag that is 1 in 3 % of the sample gets a share of about 3 %
    (linear interpolation alone would give 0).

    Parameters
    ----------
    grid : numpy.ndarray
        Quantiles of the reference sample at ``levels``, shape (n_levels, n_features).
    levels : numpy.ndarray
        Increasing quantile levels in [0, 1], shape (n_levels,).
    values : numpy.ndarray
        Values to look up, shape (n_rows, n_features).

    Returns
    -------
    numpy.ndarray
        Shape (n_rows, n_features): for each value, the share of the reference at or
        above it (1 at or below the minimum, 0 above the maximum).
    """
    out = np.empty(values.shape, dtype=float)
    edges = np.r_[0.0, levels, 1.0]
    for j in range(values.shape[1]):
        g, u = grid[:, j], values[:, j]
        lo = np.searchsorted(g, u, side="left")  # grid points strictly below u
        g_lo, g_hi = np.r_[-np.inf, g][lo], np.r_[g, np.inf][lo]
        width = g_hi - g_lo
        frac = np.clip((u - g_lo) / np.where(np.isfinite(width) & (width > 0), width, 1.0), 0, 1)
        step = edges[lo + 1] - edges[lo]
        inside = np.isfinite(g_lo) & (g_hi != u)
        below = edges[lo] + np.where(inside, frac * step, 0.0)
        out[:, j] = 1.0 - np.where(lo >= len(g), 1.0, below)
    return out


def feature_sentences(name: str, rows: pd.DataFrame, amount: np.ndarray) -> np.ndarray:
    """Say in words what one feature shows for each of the given transactions.

    Used for the reasons of anomaly scores: the sentence is built for whole columns at
    once (no Python loop over rows).

    Parameters
    ----------
    name : str
        A feature of :data:`FEATURE_DESCRIPTIONS`.
    rows : pandas.DataFrame
        Rows of :func:`transaction_features` (with its context columns).
    amount : numpy.ndarray
        The amount of each of those transactions.

    Returns
    -------
    numpy.ndarray
        One sentence per row (object array), e.g. ``"amount 12.4× this customer's usual
        (35.20)"``, ``"3 transactions within an hour"``, ``"first purchase through channel
        'web'"``, ``"at 03:00, an hour this customer rarely buys"``.

    Raises
    ------
    ParameterError
        If ``name`` is not a feature.
    """
    if name not in FEATURE_DESCRIPTIONS:
        raise ParameterError(
            f"Unknown feature {name!r}.",
            where="feature_sentences(name=...)",
            fix=f"Use one of: {', '.join(FEATURE_DESCRIPTIONS)}.",
        )
    n_prior = rows["n_prior"].to_numpy()
    if name == "amount_z":
        usual = rows["usual_amount"].to_numpy()
        ratio = np.abs(amount) / np.maximum(usual, 0.01)
        whose = np.where(n_prior > 0, "this customer's usual", "a typical transaction")
        text = (
            "amount " + _fmt(ratio, "{:.1f}") + "× " + whose + " (" + _fmt(usual, "{:,.2f}") + ")"
        )
    elif name == "amount_log":
        text = "a large amount: " + _fmt(amount, "{:,.2f}")
    elif name == "gap_log":
        minutes = rows["hours_since_prev"].to_numpy() * 60
        text = "only " + _fmt(minutes, "{:,.0f}") + " min after the previous transaction"
    elif name in ("n_prev_1h", "n_prev_24h"):
        count = rows[name].to_numpy() + 1
        span = "an hour" if name == "n_prev_1h" else "24 hours"
        text = _fmt(count, "{:.0f}") + f" transactions within {span}"
    elif name == "amount_prev_24h":
        spent = np.expm1(rows[name].to_numpy())
        text = _fmt(spent, "{:,.2f}") + " spent in the 24 hours before"
    elif name == "is_first":
        text = pd.Series(np.full(len(rows), "the customer's first transaction"))
    elif name == "is_refund":
        text = "a refund of " + _fmt(np.abs(amount), "{:,.2f}")
    elif name == "refund_rate":
        share = rows[name].to_numpy() * 100
        text = "the customer's refunds so far: " + _fmt(share, "{:.0f}") + " %"
    elif name == "hour_rarity":
        who = np.where(n_prior >= 5, "this customer rarely buys", "few customers buy")
        text = "at " + _fmt(rows["hour"].to_numpy(), "{:02d}") + ":00, an hour " + who
    elif name.startswith("new_"):
        role = name.removeprefix("new_")
        value = rows[f"{role}_value"].astype(str).to_numpy()
        verb = {"channel": "through channel", "device": "from device", "country": "from country"}
        text = f"first purchase {verb[role]} '" + pd.Series(value) + "'"
    else:  # quantity_log
        text = "a large quantity: " + _fmt(np.expm1(rows[name].to_numpy()), "{:,.0f}")
    return np.asarray(text, dtype=object)


def _amount_against_usual(
    log_amount: np.ndarray,
    cust: np.ndarray,
    starts: np.ndarray,
    n_prior: np.ndarray,
    ref: Mapping[str, Any],
) -> tuple[np.ndarray, np.ndarray]:
    """Robust z-score of each log amount against the customer's earlier ones, and the usual.

    Centre: the median of the earlier log amounts; spread: 1.4826 × the median of the
    earlier absolute deviations from the median known at their time (a running MAD).
    Both are blended with the population's by weight n / (n + 3).
    """
    groups = pd.Series(log_amount).groupby(cust, sort=False)
    running = groups.expanding().median().to_numpy()  # sorted data: same order
    past_median = _shift(running, starts)
    deviation = np.abs(log_amount - past_median)  # NaN for first transactions
    running_dev = pd.Series(deviation).groupby(cust, sort=False).expanding().median().to_numpy()
    past_mad = _shift(running_dev, starts)
    weight = n_prior / (n_prior + _PRIOR_AMOUNT)
    g_median, g_scale = float(ref["amount_median"]), float(ref["amount_scale"])
    centre = np.where(
        n_prior > 0, weight * np.nan_to_num(past_median) + (1 - weight) * g_median, g_median
    )
    own_scale = 1.4826 * np.nan_to_num(past_mad)
    scale = np.sqrt(weight * own_scale**2 + (1 - weight) * g_scale**2)
    scale = np.maximum(scale, _MIN_SCALE)
    return (log_amount - centre) / scale, np.expm1(centre)


def _windows(
    cust: np.ndarray, sec: np.ndarray, log_amount: np.ndarray, money: np.ndarray
) -> dict[str, np.ndarray]:
    """Counts and money of the customer's earlier transactions in the last hour and day."""
    span = int(sec.max() - sec.min()) + 2 * _DAY + 1
    key = cust * span + (sec - sec.min())
    index = np.arange(len(key))
    prefix = np.r_[0.0, np.cumsum(money)]
    out = {}
    for name, window in (("1h", _HOUR), ("24h", _DAY)):
        left = np.searchsorted(key, key - window, side="right")  # strictly within
        out[f"n_prev_{name}"] = (index - left).astype(float)
        if name == "24h":
            out["amount_prev_24h"] = np.log1p(np.maximum(prefix[index] - prefix[left], 0.0))
    return out


def _shift(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Value of the previous row of the same customer (NaN for a first transaction)."""
    shifted = np.r_[np.nan, values[:-1]]
    shifted[starts] = np.nan
    return shifted


def _past_sum(values: np.ndarray, group_start: np.ndarray) -> np.ndarray:
    """Sum of the earlier values of the same customer (sorted rows)."""
    before = np.cumsum(values) - values
    return before - before[group_start]
