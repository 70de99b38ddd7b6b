"""Cross-sell candidates for next best action, from the basket rules or the recommender.

:func:`cross_sell_candidates` turns a fitted :class:`~revlearn.usecases.basket.BasketAnalysis`
into per-customer candidates (item, purchase probability = rule confidence, margin);
:func:`recommendation_candidates` does the same from a fitted
:class:`~revlearn.usecases.recommend.Recommender`, its purchase probability per list
position measured on held-out interactions (a recommender's score is a ranking, not a
probability). Given
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
from revlearn.errors import ParameterError, SchemaError

__all__ = ["cross_sell_candidates", "recommendation_candidates"]


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


def recommendation_candidates(
    recommender: Any,
    held_out: Any,
    *,
    margins: float | dict[Any, float],
    users: Any = None,
    top: int = 1,
) -> pd.DataFrame:
    """Build upsell/cross-sell candidates from a recommender, with calibrated probabilities.

    The probability of the item at list position *r* is the share of held-out users who
    went on to buy the item recommended at that position: ``r·P@r − (r−1)·P@(r−1)`` from
    :meth:`Recommender.evaluate <revlearn.usecases.recommend.Recommender.evaluate>` on
    interactions the recommender did not learn from.

    Parameters
    ----------
    recommender : Recommender
        A fitted :class:`~revlearn.usecases.recommend.Recommender`.
    held_out : pandas.DataFrame
        Interactions after (or apart from) the training ones, with the recommender's user
        and item columns.
    margins : float or dict
        The margin of a sale: one number for every item, or item → margin (items without
        one get NaN, and the action's catalogue value is used for them).
    users : sequence, optional
        Customers to build candidates for (default: every training user).
    top : int, default=1
        Candidates per customer.

    Returns
    -------
    pandas.DataFrame
        Columns ``<user_col>``, ``item``, ``probability``, ``margin`` and ``because`` (the
        recommendation's reason), as :func:`cross_sell_candidates`.

    Raises
    ------
    ParameterError
        If ``top`` is below 1.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ParameterError(
            f"top must be a whole number >= 1, got {top!r}.",
            where="recommendation_candidates(top=...)",
            fix="Pass e.g. top=1.",
        )
    quality = recommender.evaluate(held_out, ks=tuple(range(1, top + 1)))
    precision = (
        quality[quality["model"] == "revlearn"]
        .set_index("k")["precision"]
        .reindex(range(1, top + 1))
    )
    hits = precision.to_numpy(dtype=float) * np.arange(1, top + 1)
    at_rank = np.clip(np.diff(hits, prepend=0.0), 0.0, 1.0)
    lists = recommender.recommend(users, k=top)
    if isinstance(margins, dict):
        margin = lists["item"].map(margins).astype(float)
    else:
        margin = pd.Series(float(margins), index=lists.index)
    return pd.DataFrame(
        {
            recommender.user_col: lists["user"].to_numpy(),
            "item": lists["item"].to_numpy(),
            "probability": at_rank[lists["rank"].to_numpy() - 1],
            "margin": margin.to_numpy(dtype=float),
            "because": lists["reason"].to_numpy(),
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
