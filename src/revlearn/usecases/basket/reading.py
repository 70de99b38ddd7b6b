"""Reading basket data: "one basket per line" files, item codes and numeric line columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from revlearn.errors import (
    InputError,
    NotFoundError,
    SchemaError,
)

__all__ = ["item_codes", "numbers", "read_baskets"]


def read_baskets(path: str | Path, *, sep: str = ",") -> pd.DataFrame:
    """Read a "one basket per line" file into an order-line table.

    Parameters
    ----------
    path : str or pathlib.Path
        A text file with one basket per line and the items separated by ``sep``, no header
        (the format of the Groceries data). Blank lines are skipped; spaces around items
        are removed.
    sep : str, default=","
        The item separator.

    Returns
    -------
    pandas.DataFrame
        Columns ``order_id`` (the basket's line number, from 1) and ``item``: one row per
        item, ready for ``BasketAnalysis(order_col="order_id", item_col="item")``.

    Raises
    ------
    NotFoundError
        If the file does not exist.
    InputError
        If it holds no item.
    """
    file = Path(path)
    if not file.is_file():
        raise NotFoundError(
            f"Basket file {str(file)!r} not found.",
            where="read_baskets",
            fix=f"Check the path; the file needs one basket per line, items separated by {sep!r}.",
        )
    orders: list[int] = []
    items: list[str] = []
    with file.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            basket = [item.strip() for item in line.rstrip("\r\n").split(sep)]
            basket = [item for item in basket if item]
            orders.extend([number] * len(basket))
            items.extend(basket)
    if not items:
        raise InputError(
            f"No item found in {str(file)!r}.",
            where="read_baskets",
            fix=f"Write one basket per line with the items separated by {sep!r}.",
        )
    return pd.DataFrame({"order_id": np.asarray(orders, dtype=np.int64), "item": items})


def item_codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Code the items in the alphabetical order of their names (as text).

    Parameters
    ----------
    series : pandas.Series
        The item of each line; values equal as text (``3`` and ``"3"``) are one item.

    Returns
    -------
    tuple of (numpy.ndarray, list of str)
        The item code of each line and the item names, code ``i`` naming ``names[i]``.
    """
    codes, uniques = pd.factorize(series)
    names = np.asarray([str(u) for u in uniques], dtype=object)
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    sorted_names = names[order].tolist()
    merged, first = np.unique(np.asarray(sorted_names, dtype=str), return_inverse=True)
    return first[rank[codes]], [str(n) for n in merged]


def numbers(series: pd.Series, name: str, where: str) -> np.ndarray:
    """Read a line column as numbers (NaN for blanks).

    Parameters
    ----------
    series : pandas.Series
        Quantities or prices, as numbers or number-like text.
    name : str
        The column name, for the error message.
    where : str
        The call named in the error message.

    Returns
    -------
    numpy.ndarray
        Floats, NaN where blank.

    Raises
    ------
    SchemaError
        If a value is text that is not a number, or the column is yes/no.
    """
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(values) & series.notna().to_numpy()
    if bad.any() or pd.api.types.is_bool_dtype(series):
        example = series[bad].iloc[0] if bad.any() else series.iloc[0]
        raise SchemaError(
            f"{int(bad.sum()):,} of {len(series):,} values in column {name!r} are not "
            f"numbers, e.g. {example!r}.",
            where=where,
            fix="Convert them to numbers first or pass another column.",
        )
    return values
