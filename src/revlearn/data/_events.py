"""Event tables (orders, logins, payments): the checks and parsing shared by their readers.

:mod:`revlearn.data.activity` (churn labels and features) and :mod:`revlearn.data.rfm`
(recency, frequency, monetary) read the same kind of table with the same flags
(``--customer``, ``--timestamp``, ``--amount``); both parse it here, so a date or an amount
means the same thing in each.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from revlearn.data.schema import check_columns
from revlearn.errors import InputError, ParameterError, RevlearnWarning, SchemaError

#: Text that means "no value" in a date or amount column.
BLANKS = frozenset({"", "na", "n/a", "nan", "nat", "null", "none", "-"})
#: The CLI flag that names each role, for error messages.
FLAGS = {"customer_col": "--customer", "timestamp_col": "--timestamp", "amount_col": "--amount"}


def check_event_columns(
    frame: pd.DataFrame,
    customer_col: str,
    timestamp_col: str,
    amount_col: str | None,
    where: str,
) -> pd.DataFrame:
    """Return the table with its amount column; one SchemaError names every missing role.

    An amount written as ``"quantity*unit_price"`` is added as that product (see
    :func:`with_amount`); the table is otherwise returned as it is.
    """
    frame = with_amount(frame, amount_col, where)
    roles = {"customer_col": customer_col, "timestamp_col": timestamp_col}
    if amount_col is not None:
        roles["amount_col"] = amount_col
    present = set(map(str, frame.columns))
    flags = [
        f"{FLAGS[role]} <column>"
        + (' (or a product, "quantity*unit_price")' if role == "amount_col" else "")
        for role, col in roles.items()
        if col not in present
    ]
    check_columns(
        frame,
        list(roles.values()),
        where=where,
        hint=f"Pass {' and '.join(flags)} with the right name." if flags else None,
    )
    return frame


def prepare_events(
    frame: pd.DataFrame,
    customer_col: str,
    timestamp_col: str,
    amount_col: str | None,
    where: str,
) -> tuple[np.ndarray, pd.Index, np.ndarray, np.ndarray | None, list[str]]:
    """Return customer codes, ids, day numbers (days since 1970) and amounts; drop blanks.

    Rows without a customer id or a timestamp are dropped with a warning (and a note);
    timestamps with an offset are compared in UTC; amounts must be numbers.
    """
    stamps = parse_timestamps(frame[timestamp_col], timestamp_col, where)
    codes, ids = pd.factorize(frame[customer_col], use_na_sentinel=True)
    amounts = None if amount_col is None else parse_amounts(frame[amount_col], amount_col, where)
    keep = (codes >= 0) & stamps.notna().to_numpy()
    notes: list[str] = []
    if not keep.all():
        n_drop = int((~keep).sum())
        message = (
            f"Dropped {n_drop:,} of {len(frame):,} events without a customer id "
            f"({customer_col!r}) or a timestamp ({timestamp_col!r})."
        )
        if not keep.any():
            raise InputError(
                message, where=where, fix="Pass the right --customer and --timestamp columns."
            )
        warnings.warn(message, RevlearnWarning, stacklevel=3)
        notes.append(message)
    days = stamps.to_numpy(dtype="datetime64[ns]")[keep].astype("datetime64[D]").astype(np.int64)
    if amounts is not None:
        amounts = amounts[keep]
    return codes[keep], pd.Index(ids), days, amounts, notes


def parse_timestamps(
    series: pd.Series, name: str, where: str, *, flag: str = "--timestamp"
) -> pd.Series:
    """Return naive datetimes (UTC for values with an offset); NaT for blanks."""
    if ptypes.is_datetime64_any_dtype(series):
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            return series.dt.tz_convert("UTC").dt.tz_localize(None)
        return series
    if ptypes.is_numeric_dtype(series) or ptypes.is_bool_dtype(series):
        raise SchemaError(
            f"Column {name!r} holds numbers ({series.dtype}), not dates.",
            where=where,
            fix=f"Convert it first, e.g. pd.to_datetime(events[{name!r}], unit='s') for Unix "
            f"seconds, or pass {flag} with a date column.",
        )
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    text = pd.Series(np.asarray(uniques, dtype=object)).astype(str).str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    todo = parsed.isna()
    if todo.any():
        parsed[todo] = pd.to_datetime(text[todo], format="mixed", errors="coerce", utc=True)
    values = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    failed = np.isnat(values) & ~text.str.lower().isin(BLANKS).to_numpy()
    if failed.any():
        n_failed = int(np.isin(codes, np.flatnonzero(failed)).sum())
        raise InputError(
            f"{n_failed:,} of {len(series):,} timestamps in column {name!r} could not be "
            f"read as dates, e.g. {text[failed].iloc[0]!r}.",
            where=where,
            fix="Write them like 2025-03-31 or 2025-03-31 14:05, remove those rows, or pass "
            f"the right column with {flag}.",
        )
    out = np.append(values, np.datetime64("NaT", "ns"))[codes]  # code -1 (blank) → NaT
    return pd.Series(out, index=series.index, name=series.name)


def parse_amounts(series: pd.Series, name: str, where: str) -> np.ndarray:
    """Return amounts as floats (NaN for blanks); text that is not a number is an error."""
    if ptypes.is_numeric_dtype(series) and not ptypes.is_bool_dtype(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    text = series.astype(str).str.strip().str.lower()
    failed = np.isnan(numbers) & series.notna().to_numpy() & ~text.isin(BLANKS).to_numpy()
    if ptypes.is_bool_dtype(series) or failed.any():
        example = series[failed].iloc[0] if failed.any() else series.iloc[0]
        raise SchemaError(
            f"{int(failed.sum()) or len(series):,} of {len(series):,} values in column "
            f"{name!r} are not amounts of money, e.g. {example!r}.",
            where=where,
            fix="Convert them to numbers first (drop currency symbols and thousands "
            "separators) or pass another column with --amount.",
        )
    return numbers


def day_number(value: str | pd.Timestamp, name: str, where: str) -> int:
    """Return the day number (days since 1970-01-01) of a date, dropping the time of day."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"{name} must be a date, got {value!r}.",
            where=f"{where}({name}=...)",
            fix=f"Pass {name} like '2025-03-31'.",
        ) from exc
    if pd.isna(stamp):
        raise ParameterError(
            f"{name} must be a date, got {value!r}.",
            where=f"{where}({name}=...)",
            fix=f"Pass {name} like '2025-03-31'.",
        )
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return int(np.datetime64(stamp.normalize().to_datetime64(), "D").astype(np.int64))


#: Name fragments that mark each role, strongest first.
_ROLE_WORDS = {
    "customer_col": ("customer", "client", "buyer", "member", "account", "user", "shopper"),
    "timestamp_col": ("timestamp", "datetime", "ordered_at", "date", "time", "_at"),
    "amount_col": ("amount", "revenue", "sales", "total", "spend", "value", "net"),
}


def infer_event_columns(
    frame: pd.DataFrame, roles: dict[str, str | None], where: str
) -> dict[str, str]:
    """Fill the roles left as None (customer, timestamp, amount) from the column names.

    A role is inferred when exactly one column fits its strongest matching name fragment
    (``customer_id``, ``ordered_at``, ``amount`` ...); a date column also fits the
    timestamp by type. Anything else is a SchemaError that lists the candidates and names
    the flag that settles it.
    """
    names = [str(c) for c in frame.columns]
    taken = {v for v in roles.values() if v is not None}
    filled: dict[str, str] = {}
    for role, given in roles.items():
        if given is not None:
            filled[role] = given
            continue
        pool = [n for n in names if n not in taken]
        candidates: list[str] = []
        if role == "timestamp_col":
            candidates = [n for n in pool if ptypes.is_datetime64_any_dtype(frame[n])]
        for word in _ROLE_WORDS[role]:
            if candidates:
                break
            candidates = [n for n in pool if word in n.lower()]
        if len(candidates) != 1:
            found = ", ".join(repr(c) for c in candidates[:5]) if candidates else "none"
            raise SchemaError(
                f"Cannot tell which column is the {role.removesuffix('_col')} "
                f"(candidates: {found}).",
                where=where,
                fix=f"Name it with {FLAGS[role]} <column>.",
            )
        filled[role] = candidates[0]
        taken.add(candidates[0])
    return filled


_PRODUCT = re.compile(r"^\s*(.+?)\s*\*\s*(.+?)\s*$")


def amount_product(columns: Sequence[str], amount_col: str | None) -> tuple[str, str] | None:
    """The two columns of an amount written as ``"quantity*unit_price"``, if it is one."""
    if amount_col is None or amount_col in columns:
        return None
    match = _PRODUCT.match(amount_col)
    if match and match.group(1) in columns and match.group(2) in columns:
        return match.group(1), match.group(2)
    return None


def with_amount(frame: pd.DataFrame, amount_col: str | None, where: str) -> pd.DataFrame:
    """Add the amount column when it is written as a product of two columns.

    Retail exports often carry a quantity and a unit price but no line amount:
    ``--amount "Quantity*UnitPrice"`` (or ``amount_col="Quantity*UnitPrice"``) names their
    product, which this adds under that name; any other table is returned as it is.
    """
    parts = amount_product([str(c) for c in frame.columns], amount_col)
    if parts is None:
        return frame
    left, right = (parse_amounts(frame[c], c, where) for c in parts)
    return frame.assign(**{str(amount_col): left * right})
