"""Per-row reasons in plain language, from per-column log-odds contributions.

A reason reads ``"pricing minutes 6.0: raises odds ×3.1"`` or ``"source social: lowers odds
÷2.0"``: the column (as a person named it), the row's value, the direction, and the factor
``exp(|contribution|)`` by which the odds are multiplied or divided, relative to an average
row. Built with vectorised NumPy string operations, because batch scoring
formats hundreds of thousands of reasons per second (one pass over plain Python lists
beats element-wise NumPy object arithmetic several times over).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

__all__ = ["display_values", "phrase_reasons"]

#: Factors from here up read "100+": beyond it the exact figure is extrapolation, not news.
MAX_SHOWN = 100.0
#: Contributions smaller than this (odds ×1.05) are not worth a reason.
MIN_EFFECT = float(np.log(1.05))


def display_values(
    frame: pd.DataFrame, columns: Sequence[str], *, booleans: Collection[str] = ()
) -> np.ndarray:
    """Format each cell of ``columns`` the way a reason shows it.

    Parameters
    ----------
    frame : pandas.DataFrame
        Typed rows.
    columns : sequence of str
        Columns in contribution order.
    booleans : collection of str, default=()
        Columns holding 0/1 flags, shown as ``yes``/``no``.

    Returns
    -------
    numpy.ndarray
        String array of shape (rows, len(columns)); missing values read ``missing``.
    """
    out = np.empty((len(frame), len(columns)), dtype=object)
    for j, col in enumerate(columns):
        series = frame[col]
        if col in booleans:
            text = series.map({1.0: "yes", 0.0: "no"})
        elif pd.api.types.is_float_dtype(series):
            whole = series.dropna().eq(series.dropna().round()).all()
            text = series.map("{:.0f}".format) if whole else series.round(1).astype(str)
        else:
            text = series.astype(str)
        out[:, j] = np.where(series.isna().to_numpy(), "missing", text.to_numpy(dtype=object))
    return out


def phrase_reasons(
    contrib: np.ndarray, columns: Sequence[str], values: np.ndarray, *, k: int = 3
) -> np.ndarray:
    """Turn contributions into the top-``k`` reasons per row, joined by ``"; "``.

    Parameters
    ----------
    contrib : numpy.ndarray
        Log-odds contributions, shape (rows, len(columns)).
    columns : sequence of str
        Original column names.
    values : numpy.ndarray
        Display strings from :func:`display_values`, same shape as ``contrib``.
    k : int, default=3
        Reasons per row; contributions below odds ×1.05 are left out.

    Returns
    -------
    numpy.ndarray
        One string per row (empty when nothing stands out).
    """
    n = contrib.shape[0]
    k = min(k, contrib.shape[1])
    if n == 0 or k <= 0:
        return np.full(n, "", dtype=object)
    order = np.argsort(-np.abs(contrib), axis=1)[:, :k]
    rows = np.arange(n)[:, None]
    top = contrib[rows, order]
    labels = np.array([c.replace("_", " ") for c in columns], dtype=object)[order].tolist()
    shown = values[rows, order].tolist()
    factors = np.exp(np.abs(top)).round(1).tolist()
    raises = (top >= 0).tolist()
    keep = (np.abs(top) >= MIN_EFFECT).tolist()
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = "; ".join(
            f"{labels[i][j]} {shown[i][j]}: "
            f"{'raises odds ×' if raises[i][j] else 'lowers odds ÷'}"
            f"{f'{factors[i][j]:.1f}' if factors[i][j] < MAX_SHOWN else '100+'}"
            for j in range(k)
            if keep[i][j]
        )
    return out
