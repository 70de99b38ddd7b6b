"""Cross-sell candidates for next best action, from the basket rules.

:func:`cross_sell_candidates` turns a fitted :class:`~revlearn.usecases.basket.BasketAnalysis`
into per-customer candidates (item, purchase probability = rule confidence, margin); given
to :meth:`NextBestAction.fit <revlearn.usecases.nba.NextBestAction.fit>` or ``predict``,
the best candidate per customer prices the ``cross_sell_action`` (customers without a
candidate are not eligible for it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import SchemaError

__all__ = ["cross_sell_candidates"]


def cross_sell_candidates(
    basket: Any, purchases: Any, *, customer_col: str | None = None, top: int = 1
) -> pd.DataFrame:
    """Build cross-sell candidates (item, purchase probability, margin) from basket rules.

    Parameters
    ----------
    basket : BasketAnalysis
        A fitted :class:`~revlearn.usecases.basket.BasketAnalysis` (with margins for an
        expected margin).
    purchases : pandas.DataFrame
        Purchase history (customer and item columns), as for ``BasketAnalysis.cross_sell``.
    customer_col : str, optional
        The customer column; the basket model's by default.
    top : int, default=1
        Candidates per customer.

    Returns
    -------
    pandas.DataFrame
        Columns ``<customer_col>``, ``item``, ``probability`` (the rule's confidence: share
        of such baskets that bought the item), ``margin`` (the item's margin; NaN without
        margins) and ``because`` (what the customer bought that predicts it).

    Raises
    ------
    ParameterError
        If no customer column is named.
    """
    offers = basket.cross_sell(purchases, top=top, customer_col=customer_col)
    customer = customer_col or basket.customer_col
    if "expected_margin" in offers.columns:
        margin = offers["expected_margin"] / offers["confidence"]
    else:
        margin = pd.Series(np.nan, index=offers.index)
    return pd.DataFrame(
        {
            customer: offers[customer],
            "item": offers["recommend"],
            "probability": offers["confidence"].astype(float),
            "margin": margin.astype(float),
            "because": offers["because"],
        }
    )


class CandidatePricing:
    """Mixin of :class:`~revlearn.usecases.nba.NextBestAction`: price the cross-sell action."""

    customer_col: str

    def _candidates(
        self, candidates: Any, table: pd.DataFrame, default_value: np.ndarray, where: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        frame = as_pandas(candidates, where=f"{where}(candidates)")
        cols = [self.customer_col, "item", "probability", "margin"]
        check_columns(
            frame, cols, where=f"{where}(candidates)", hint="Use cross_sell_candidates()."
        )
        p = pd.to_numeric(frame["probability"], errors="coerce")
        if p.isna().any() or (p < 0).any() or (p > 1).any():
            raise SchemaError(
                "Candidate probabilities must be numbers in [0, 1].",
                where=f"{where}(candidates, column='probability')",
                fix="Pass the purchase probability of each candidate (rule confidence).",
            )
        frame = frame.assign(probability=p, margin=pd.to_numeric(frame["margin"], errors="coerce"))
        index = pd.Index(table[self.customer_col]).get_indexer(frame[self.customer_col])
        frame = frame[index >= 0].assign(_row=index[index >= 0])
        fallback = default_value[frame["_row"].to_numpy()]
        margin = frame["margin"].to_numpy(dtype=float)
        frame = frame.assign(margin=np.where(np.isnan(margin), fallback, margin))
        frame = frame.assign(_ev=frame["probability"] * frame["margin"])
        best = frame.sort_values("_ev", ascending=False).drop_duplicates("_row")
        n = len(table)
        prob, value, items = np.full(n, np.nan), np.full(n, np.nan), np.full(n, "", dtype=object)
        rows = best["_row"].to_numpy()
        prob[rows] = best["probability"].to_numpy(dtype=float)
        value[rows] = best["margin"].to_numpy(dtype=float)
        items[rows] = best["item"].astype(str).to_numpy()
        return prob, value, items
