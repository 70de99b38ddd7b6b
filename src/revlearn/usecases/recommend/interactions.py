"""Interaction tables → checked, coded, sparse user × item matrices.

:func:`read_interactions` checks an interaction table (one row per user–item event, with an
optional rating or quantity and an optional timestamp), refuses what always means the input
is not what the user thinks (blank ids, a single user or item, text ratings), aggregates
repeated user–item rows with a note, and codes users and items as integers for scipy CSR
matrices (no dense user × item matrix is ever built). pandas' factorize and scipy's COO → CSR
conversion do the work; nothing here is hand-written beyond the checks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from revlearn.errors import InputError, SchemaError

logger = logging.getLogger(__name__)

__all__ = ["Interactions", "read_interactions"]


@dataclass
class Interactions:
    """A checked interaction table, coded for sparse matrices.

    Attributes
    ----------
    users : numpy.ndarray
        User ids in code order (object array).
    items : numpy.ndarray
        Item ids in code order (object array).
    user_codes : numpy.ndarray
        User code of each aggregated user–item pair.
    item_codes : numpy.ndarray
        Item code of each pair.
    counts : numpy.ndarray
        How many times the user interacted with the item (distinct timestamps when there
        are timestamps, rows otherwise).
    values : numpy.ndarray
        Mean rating (or summed quantity) of the pair; 1 without a rating column.
    last_days : numpy.ndarray
        Day of the last interaction of the pair (days since the epoch; NaN without
        timestamps).
    notes : list of str
        What was aggregated or dropped, in words.
    """

    users: np.ndarray
    items: np.ndarray
    user_codes: np.ndarray
    item_codes: np.ndarray
    counts: np.ndarray
    values: np.ndarray
    last_days: np.ndarray
    notes: list[str] = field(default_factory=list)

    def matrix(self, weights: np.ndarray | None = None) -> sp.csr_matrix:
        """Build the user × item CSR matrix.

        Parameters
        ----------
        weights : numpy.ndarray, optional
            One weight per pair; 1 for every pair by default.

        Returns
        -------
        scipy.sparse.csr_matrix
            Users in rows, items in columns, float32.
        """
        data = np.ones(len(self.user_codes), np.float32) if weights is None else weights
        return sp.csr_matrix(
            (data.astype(np.float32), (self.user_codes, self.item_codes)),
            shape=(len(self.users), len(self.items)),
        )


def _blank(values: pd.Series) -> np.ndarray:
    blank = values.isna().to_numpy()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        text = values.astype(str).str.strip()
        blank |= (text == "").to_numpy() | text.str.lower().isin(["nan", "none", "null"]).to_numpy()
    return blank


def _numbers(frame: pd.DataFrame, col: str, where: str) -> np.ndarray:
    values = frame[col]
    converted = pd.to_numeric(values, errors="coerce")
    bad = converted.isna() & values.notna()
    if bad.any():
        example = values[bad].iloc[0]
        raise SchemaError(
            f"Column {col!r} should hold numbers (a rating or a quantity) but "
            f"{int(bad.sum()):,} of {len(values):,} rows hold text, e.g. {example!r}.",
            where=f"{where}(rating_col={col!r})",
            fix="Pass a numeric rating/quantity column with --rating, or leave it out to "
            "treat every row as one interaction.",
        )
    return converted.to_numpy(dtype=float)


def _days(frame: pd.DataFrame, col: str, where: str) -> np.ndarray:
    values = frame[col]
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=float)
        # Unix seconds (MovieLens u.data) or already days.
        return numbers / 86_400.0 if np.nanmedian(numbers) > 1e6 else numbers
    try:
        stamps = pd.to_datetime(values, errors="raise", format="mixed")
    except (ValueError, TypeError) as err:
        raise SchemaError(
            f"Column {col!r} should hold dates or times but holds values such as "
            f"{values.dropna().iloc[0]!r}.",
            where=f"{where}(timestamp_col={col!r})",
            fix="Pass a date column with --timestamp, or leave it out.",
        ) from err
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert(None)
    return (stamps - pd.Timestamp("1970-01-01")).dt.total_seconds().to_numpy() / 86_400.0


def read_interactions(
    frame: pd.DataFrame,
    *,
    user_col: str,
    item_col: str,
    rating_col: str | None = None,
    timestamp_col: str | None = None,
    where: str = "Recommender.fit",
) -> Interactions:
    """Check an interaction table and code it for sparse matrices.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per interaction; not modified.
    user_col : str
        The user (customer, basket) column.
    item_col : str
        The item (product) column.
    rating_col : str, optional
        A rating or quantity column; rows with a quantity of 0 or less or none are dropped
        with a note.
    timestamp_col : str, optional
        When the interaction happened (dates, or Unix seconds).
    where : str, default="Recommender.fit"
        The call, shown in error messages.

    Returns
    -------
    Interactions
        The coded table with its notes.

    Raises
    ------
    InputError
        If a user or item id is blank, the table is empty, or it holds a single user or a
        single item.
    SchemaError
        If the rating column holds text or the timestamp column is not dates.
    """
    notes: list[str] = []
    if len(frame) == 0:
        raise InputError(
            "The interaction table is empty.",
            where=where,
            fix="Pass a table with one row per user–item interaction.",
        )
    for col, flag in ((user_col, "--user"), (item_col, "--item")):
        blank = _blank(frame[col])
        if blank.any():
            row = int(np.flatnonzero(blank)[0])
            raise InputError(
                f"{int(blank.sum()):,} of {len(frame):,} rows have a blank {col!r} id "
                f"(first at row {row:,}).",
                where=f"{where}({'user_col' if col == user_col else 'item_col'}={col!r})",
                fix=f"Remove or fill those rows, or pass the right column with {flag}.",
            )
    values = np.ones(len(frame))
    if rating_col is not None:
        values = _numbers(frame, rating_col, where)
        drop = ~np.isfinite(values)
        if not np.isfinite(values).all():
            notes.append(f"Dropped {int(drop.sum()):,} rows without a rating ({rating_col!r}).")
    else:
        drop = np.zeros(len(frame), bool)
    days = (
        _days(frame, timestamp_col, where)
        if timestamp_col is not None
        else np.full(len(frame), np.nan)
    )
    keep = ~drop
    table = pd.DataFrame(
        {
            "u": frame[user_col].to_numpy()[keep],
            "i": frame[item_col].to_numpy()[keep],
            "v": values[keep],
            "d": days[keep],
        }
    )
    user_codes, users = pd.factorize(table["u"], sort=True)
    item_codes, items = pd.factorize(table["i"], sort=True)
    _check_spread(users, items, user_col, item_col, where)
    table["u"], table["i"] = user_codes, item_codes
    exact = table.duplicated(["u", "i", "d"]) if timestamp_col else table.duplicated(["u", "i"])
    pairs = table.groupby(["u", "i"], sort=True).agg(
        v=("v", "mean" if rating_col is None or _looks_like_rating(table["v"]) else "sum"),
        n=("v", "size"),
        distinct=("d", "nunique"),
        d=("d", "max"),
    )
    counts = pairs["distinct"].to_numpy() if timestamp_col else pairs["n"].to_numpy()
    if exact.any():
        what = "user, item and time" if timestamp_col else "user and item"
        note = (
            f"Aggregated {int(exact.sum()):,} duplicate rows (same {what}) into "
            f"{len(pairs):,} user–item pairs" + (f" (mean {rating_col!r})." if rating_col else ".")
        )
        notes.append(note)
        logger.info(note)
    index = pairs.index
    return Interactions(
        users=np.asarray(users, dtype=object),
        items=np.asarray(items, dtype=object),
        user_codes=index.get_level_values(0).to_numpy(np.int64),
        item_codes=index.get_level_values(1).to_numpy(np.int64),
        counts=np.maximum(counts, 1).astype(np.int64),
        values=pairs["v"].to_numpy(float),
        last_days=pairs["d"].to_numpy(float),
        notes=notes,
    )


def _looks_like_rating(values: pd.Series) -> bool:
    """Ratings (a small bounded scale) are averaged; quantities are summed."""
    return bool(values.max() <= 10 and values.nunique() <= 11)


def _check_spread(
    users: pd.Index, items: pd.Index, user_col: str, item_col: str, where: str
) -> None:
    if len(users) < 2:
        raise InputError(
            f"The data holds a single user ({users[0]!r}), so there is nobody to learn "
            "from but that user.",
            where=f"{where}(user_col={user_col!r})",
            fix="Pass interactions of many users, or the right user column with --user.",
        )
    if len(items) < 2:
        raise InputError(
            f"The data holds a single item ({items[0]!r}), so there is nothing to choose between.",
            where=f"{where}(item_col={item_col!r})",
            fix="Pass interactions with many items, or the right item column with --item.",
        )
