"""Customer features an analyst can read: scores built from purchase history.

Home of RFM-style customer features (recency, frequency, monetary value). They are a few
lines of pandas ranks each, so no feature library is needed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from revlearn.errors import InputError

__all__ = ["loyalty_score"]


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
