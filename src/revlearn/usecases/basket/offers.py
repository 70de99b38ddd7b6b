"""Turning mined rules into offers: bundles, "also bought" and cross-sell per customer.

A mixin of :class:`~revlearn.usecases.basket.model.BasketAnalysis`: it reads the fitted
item sets and rules the model stores and ranks them for a merchandising team.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import (
    ParameterError,
)
from revlearn.models.itemsets import (
    basket_matrix,
    rule_matches,
)
from revlearn.usecases.basket.reading import numbers

__all__ = ["BasketOffers"]


class BasketOffers:
    """Bundles, "customers who bought X also bought" and cross-sell for a fitted basket model."""

    if TYPE_CHECKING:
        customer_col: str | None
        item_col: str
        quantity_col: str | None
        items_: list[str]
        item_counts_: np.ndarray
        item_margin_: np.ndarray | None
        itemset_counts_: np.ndarray
        itemset_items_: np.ndarray
        itemset_offsets_: np.ndarray
        n_baskets_: int
        rules_: dict[str, np.ndarray]
        _check_fitted: Any
        _code: Any
        _found: Any
        _rule_mask: Any
        _set_items: Any
        _set_names: Any

    def bundles(self, *, top: int | None = 10, size: int | None = None) -> pd.DataFrame:
        """Rank item sets of 2 or more items, bought together more often than by chance.

        Parameters
        ----------
        top : int or None, default=10
            How many bundles to return (None for all).
        size : int, optional
            Only bundles of exactly this many items.

        Returns
        -------
        pandas.DataFrame
            Columns ``bundle`` (item names joined by ``" + "``), ``size``, ``support``,
            ``n_baskets`` and ``lift`` (support over the product of the items' supports:
            how many times more often the items are bought together than if independent);
            with margins also ``combined_margin`` (sum of the items' margins, missing ones
            counted as 0). Only sets with lift above 1. Ranked by ``score``: lift ×
            combined margin with margins, otherwise lift (ties by support).
        """
        self._check_fitted("bundles")
        sizes = np.diff(self.itemset_offsets_)
        index = np.flatnonzero(sizes >= 2 if size is None else sizes == size)
        members = self._set_items(index)
        support = self.itemset_counts_[index] / self.n_baskets_
        out = pd.DataFrame(
            {
                "bundle": self._set_names(index),
                "size": sizes[index],
                "support": support,
                "n_baskets": self.itemset_counts_[index],
                "lift": self._found().lift()[index],
            }
        )
        if self.item_margin_ is not None:
            out["combined_margin"] = members @ np.nan_to_num(self.item_margin_)
            out["score"] = out["lift"] * out["combined_margin"]
        else:
            out["score"] = out["lift"]
        out = out[out["lift"] > 1.0].sort_values(["score", "support"], ascending=False)
        return (out if top is None else out.head(top)).reset_index(drop=True)

    def also_bought(self, item: Any, *, top: int | None = 10) -> pd.DataFrame:
        """List what the baskets holding ``item`` also held ("customers who bought X …").

        Parameters
        ----------
        item : object
            A fitted item.
        top : int or None, default=10
            How many items to return (None for all).

        Returns
        -------
        pandas.DataFrame
            Columns ``item``, ``also_bought``, ``confidence`` (share of the baskets with
            ``item`` that also hold it), ``lift``, ``support`` and ``n_baskets``; most
            confident first. Only pairs reaching ``min_support``; empty when none does.

        Raises
        ------
        NotFoundError
            If ``item`` is not a fitted item.
        """
        self._check_fitted("also_bought")
        code = self._code(item, "BasketAnalysis.also_bought")
        sizes = np.diff(self.itemset_offsets_)
        pairs = np.flatnonzero(sizes == 2)
        first = self.itemset_items_[self.itemset_offsets_[pairs]]
        second = self.itemset_items_[self.itemset_offsets_[pairs] + 1]
        hit = (first == code) | (second == code)
        other = np.where(first == code, second, first)[hit]
        together = self.itemset_counts_[pairs][hit]
        confidence = together / self.item_counts_[code]
        out = pd.DataFrame(
            {
                "item": self.items_[code],
                "also_bought": [self.items_[i] for i in other],
                "confidence": confidence,
                "lift": confidence / (self.item_counts_[other] / self.n_baskets_),
                "support": together / self.n_baskets_,
                "n_baskets": together,
            }
        )
        out = out.sort_values(["confidence", "lift"], ascending=False, kind="stable")
        return (out if top is None else out.head(top)).reset_index(drop=True)

    def cross_sell(
        self, data: Any, *, top: int = 5, customer_col: str | None = None
    ) -> pd.DataFrame:
        """Suggest to each customer what their past purchases predict they will buy next.

        A rule applies to a customer when every antecedent item is in their history and no
        consequent item is; the best rule per suggested item is kept.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            Purchase history: one row per line with the customer column and ``item_col``
            (and ``quantity_col`` if set: refunds are ignored). Items unknown to the model
            are ignored.
        top : int, default=5
            Suggestions per customer.
        customer_col : str, optional
            The customer column; the ``customer_col`` parameter by default.

        Returns
        -------
        pandas.DataFrame
            One row per (customer, suggestion), best first within each customer, with
            columns ``<customer_col>``, ``rank`` (1 = best), ``recommend`` (the
            consequent), ``because`` (the antecedent), ``confidence``, ``lift``, ``score``
            (confidence × lift) and, with margins, ``expected_margin`` (confidence × the
            consequent's margin, the ranking then). Customers with no applicable rule
            (among the rules with lift ≥ ``min_lift``) are absent.

        Raises
        ------
        ParameterError
            If no customer column is named.
        SchemaError
            If a column is absent.
        """
        self._check_fitted("cross_sell")
        where = "BasketAnalysis.cross_sell"
        customer = customer_col or self.customer_col
        if customer is None:
            raise ParameterError(
                "No customer column is named, so purchase histories cannot be built.",
                where=where,
                fix="Pass customer_col='customer_id' (or --customer) to cross_sell or to "
                "BasketAnalysis.",
            )
        frame = as_pandas(data, where=where)
        columns = [customer, self.item_col]
        if self.quantity_col is not None and self.quantity_col in frame.columns:
            columns.append(self.quantity_col)
        check_columns(frame, columns, where=where, hint="Pass --customer and --item.")
        keep = frame[customer].notna().to_numpy()
        if len(columns) == 3:
            keep &= numbers(frame[self.quantity_col], str(self.quantity_col), where) > 0
        names = frame[self.item_col][keep].astype(str).to_numpy()
        position = np.searchsorted(self.items_, names)
        position = np.minimum(position, len(self.items_) - 1)
        known = np.asarray(self.items_, dtype=object)[position] == names
        customers, ids = pd.factorize(frame[customer][keep][known])
        history = (
            basket_matrix(customers, position[known], n_baskets=len(ids), n_items=len(self.items_))
            if len(customers)
            else sp.csr_matrix((0, len(self.items_)), dtype=np.int32)
        )
        return self._offers(history, pd.Index(ids), customer, top)

    def _offers(
        self, history: sp.csr_matrix, ids: pd.Index, customer: str, top: int
    ) -> pd.DataFrame:
        keep = self._rule_mask(None, "any", None, None, None)
        r = {key: value[keep] for key, value in self.rules_.items()}
        ante, cons = self._set_items(r["antecedent"]), self._set_items(r["consequent"])
        score = r["confidence"] * r["lift"]
        margin = None
        if self.item_margin_ is not None:
            margin = r["confidence"] * (cons @ np.nan_to_num(self.item_margin_))
        rank_by = score if margin is None else margin
        rows, rule = rule_matches(history, ante, cons)
        out = pd.DataFrame(
            {"_c": rows, "_rule": rule, "_target": r["consequent"][rule], "_by": rank_by[rule]}
        )
        out = out.sort_values(["_c", "_by"], ascending=[True, False], kind="stable")
        out = out.drop_duplicates(["_c", "_target"]).groupby("_c", sort=False).head(top)
        rule = out["_rule"].to_numpy()
        result = pd.DataFrame(
            {
                customer: ids[out["_c"].to_numpy()],
                "rank": out.groupby("_c", sort=False).cumcount().to_numpy() + 1,
                "recommend": self._set_names(r["consequent"][rule]),
                "because": self._set_names(r["antecedent"][rule]),
                "confidence": r["confidence"][rule],
                "lift": r["lift"][rule],
                "score": score[rule],
            }
        )
        if margin is not None:
            result["expected_margin"] = margin[rule]
        return result.reset_index(drop=True)
