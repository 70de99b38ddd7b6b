"""Per-row reasons in plain language, from per-column log-odds contributions.

A reason reads ``"pricing minutes 6.0: raises odds ×3.1"`` or ``"source social: lowers odds
÷2.0"``: the column (as a person named it), the row's value, the direction, and the factor
``exp(|contribution|)`` by which the odds are multiplied or divided, relative to an average
row. Built with vectorised NumPy string operations, because batch scoring formats hundreds
of thousands of reasons per second: NumPy 2's ``np.strings`` ufuncs join them in C on
variable-width strings (``StringDType``), and factors come from a lookup table rather than
one ``format`` call each.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

__all__ = ["display_values", "phrase_reasons"]

#: Factors from here up read "100+": beyond it the exact figure is extrapolation, not news.
MAX_SHOWN = 100.0
#: Odds factors as text, by tenths (a lookup beats formatting floats one by one).
_TEXT = np.dtypes.StringDType()
_FACTORS = np.array([f"{t / 10:.1f}" for t in range(int(MAX_SHOWN * 10))] + ["100+"], dtype=_TEXT)
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
    labels = np.array([f"{c.replace('_', ' ')} " for c in columns], dtype=_TEXT)[order]
    tenths = np.rint(np.exp(np.abs(top)) * 10).astype(np.int64)
    digits = _FACTORS[np.minimum(tenths, len(_FACTORS) - 1)]
    verb = np.where(top >= 0, ": raises odds ×", ": lowers odds ÷").astype(_TEXT)
    phrases = np.strings.add(labels, values[rows, order].astype(_TEXT))
    phrases = np.strings.add(np.strings.add(phrases, verb), digits)
    phrases = np.where(np.abs(top) >= MIN_EFFECT, phrases, np.array("", dtype=_TEXT))
    joined = phrases[:, 0]
    for j in range(1, k):
        both = (np.strings.str_len(joined) > 0) & (np.strings.str_len(phrases[:, j]) > 0)
        sep = np.where(both, "; ", "").astype(_TEXT)
        joined = np.strings.add(np.strings.add(joined, sep), phrases[:, j])
    return joined.astype(object)
