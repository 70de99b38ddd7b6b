"""Market basket analysis: what sells together, bundles, "also bought" and cross-sell.

:class:`BasketAnalysis` reads an order-line table (one row per item in an order), finds the
item sets bought together in at least ``min_support`` of the baskets and the association
rules between them (support, confidence, lift, leverage, conviction; the definitions and
values of ``mlxtend.frequent_patterns.association_rules``), then answers the questions a
merchandising team asks: which rules hold (:meth:`~BasketAnalysis.rules`), which bundles to
offer (:meth:`~BasketAnalysis.bundles`), what customers who bought X also bought
(:meth:`~BasketAnalysis.also_bought`) and what to offer each customer next
(:meth:`~BasketAnalysis.cross_sell`). :func:`read_baskets` reads "one basket per line" files
such as the Groceries data.

The data stays sparse end to end (a scipy CSR basket × item matrix, never a dense one). The
default miner is revlearn's vectorised Eclat (:mod:`revlearn.models.itemsets`, which
explains why and gives the measured speed against mlxtend); ``algorithm="fpgrowth"`` or
``"apriori"`` runs mlxtend's implementation instead (install ``revlearn[basket]``) and gives
the same item sets.

Two cases are errors, not empty results, because they always mean the input is not what the
user thinks: every basket holding a single item (usually the line id was passed as the
order column) and a single product in the whole table. Thresholds that leave no rule give
an empty rules table and a note in :meth:`~BasketAnalysis.summary`.
"""

from __future__ import annotations

import difflib
import time
import warnings
from collections.abc import Mapping
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import (
    InputError,
    MissingDependencyError,
    NotFoundError,
    ParameterError,
    RevlearnWarning,
    short_list,
)
from revlearn.models.itemsets import (
    FrequentItemsets,
    association_rules,
    basket_matrix,
    frequent_itemsets,
    itemsets_from_lists,
    min_count,
)
from revlearn.usecases._base import UseCase
from revlearn.usecases.basket.offers import BasketOffers
from revlearn.usecases.basket.reading import item_codes as code_items
from revlearn.usecases.basket.reading import numbers

__all__ = ["BasketAnalysis"]

Algorithm = Literal["eclat", "fpgrowth", "apriori"]
_ALGORITHMS = ("eclat", "fpgrowth", "apriori")
_METRICS = ("support", "confidence", "lift", "leverage", "conviction")
_RULE_KEYS = ("antecedent", "consequent", "antecedent_support", "consequent_support", *_METRICS)


class BasketAnalysis(BasketOffers, UseCase):
    """Find what sells together and turn it into bundles and cross-sell offers.

    Parameters
    ----------
    order_col : str, default="order_id"
        The order (basket, receipt) id: lines with the same id form one basket (``--order``).
    item_col : str, default="item"
        The product bought on the line (``--item``).
    customer_col : str, optional
        The customer id (``--customer``), used by :meth:`cross_sell`.
    quantity_col : str, optional
        Units on the line (``--quantity``); lines with a quantity of 0 or less (refunds,
        returns) or none are dropped with a note.
    price_col : str, optional
        Unit price or unit margin of the line (``--price``); the median per item is the
        item's margin used to rank bundles and cross-sell offers (a ``margins`` mapping
        passed to :meth:`fit` takes precedence).
    min_support : float, default=0.01
        Keep item sets held by at least this share of baskets, in (0, 1].
    min_confidence : float, default=0.3
        Keep rules whose consequent is in at least this share of the baskets holding the
        antecedent, in [0, 1].
    min_lift : float, default=1.0
        Default minimum lift of :meth:`rules` and :meth:`cross_sell` (1 = no better than
        chance; use 0 for every rule, as mlxtend returns).
    max_len : int, optional
        Largest item set (and so rule) in items, at least 2; no limit by default.
    algorithm : {"eclat", "fpgrowth", "apriori"}, default="eclat"
        The miner: revlearn's sparse Eclat, or mlxtend's FP-growth or Apriori (slower; same
        item sets; needs ``revlearn[basket]``).
    """

    usecase = "basket"

    def __init__(
        self,
        *,
        order_col: str = "order_id",
        item_col: str = "item",
        customer_col: str | None = None,
        quantity_col: str | None = None,
        price_col: str | None = None,
        min_support: float = 0.01,
        min_confidence: float = 0.3,
        min_lift: float = 1.0,
        max_len: int | None = None,
        algorithm: Algorithm = "eclat",
    ) -> None:
        self.order_col = order_col
        self.item_col = item_col
        self.customer_col = customer_col
        self.quantity_col = quantity_col
        self.price_col = price_col
        self.min_support = min_support
        self.min_confidence = min_confidence
        self.min_lift = min_lift
        self.max_len = max_len
        self.algorithm = algorithm

    # ------------------------------------------------------------------ fit
    def fit(self, data: Any, *, margins: Mapping[Any, float] | None = None) -> Self:
        """Mine the frequent item sets and association rules of an order-line table.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per order line with ``order_col`` and ``item_col`` (and the optional
            columns named by the parameters); not modified. Lines without an order id or an
            item are dropped with a note; an item repeated in an order counts once.
        margins : mapping, optional
            Item → margin (or price) per unit, used to rank bundles and cross-sell offers;
            overrides ``price_col``. Items missing from it have no margin.

        Returns
        -------
        BasketAnalysis
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If a named column is absent, or the quantity or price column holds text.
        ParameterError
            If a threshold is out of range, ``max_len`` is below 2 or ``algorithm`` unknown.
        InputError
            If no usable line is left, the data holds a single product, or every basket
            holds a single item (no rule can exist).
        MissingDependencyError
            If ``algorithm`` is ``"fpgrowth"`` or ``"apriori"`` and mlxtend is missing.
        """
        where = "BasketAnalysis.fit"
        self._check_params(where)
        frame = as_pandas(data, where=where)
        optional = [self.customer_col, self.quantity_col, self.price_col]
        check_columns(
            frame,
            [self.order_col, self.item_col, *[c for c in optional if c is not None]],
            where=where,
            hint="Name them with --order, --item (and --customer, --quantity, --price).",
        )
        notes: list[str] = []
        lines = self._lines(frame, notes, where)
        orders, _ = pd.factorize(lines[self.order_col])
        item_codes, names = code_items(lines[self.item_col])
        if len(names) < 2:
            raise InputError(
                f"The data holds a single product ({names[0]!r}), so nothing can be bought "
                "together with anything else.",
                where=f"{where}(item_col={self.item_col!r})",
                fix="Pass the product column with --item, or more orders.",
            )
        X = basket_matrix(orders, item_codes, n_items=len(names))
        basket_sizes = np.diff(X.indptr)
        if basket_sizes.max() < 2:
            raise InputError(
                f"Every one of the {X.shape[0]:,} baskets holds a single item, so no item "
                "sets or rules can exist.",
                where=f"{where}(order_col={self.order_col!r})",
                fix="Pass the order (receipt) id with --order, not a line id: lines of one "
                "purchase must share it.",
            )
        started = time.perf_counter()
        found = self._mine(X)
        rules = association_rules(found, min_confidence=self.min_confidence)
        self.mining_seconds_ = time.perf_counter() - started
        self.items_ = list(names)
        self.item_counts_ = np.asarray(X.sum(axis=0)).ravel().astype(np.int64)
        self.n_lines_ = len(lines)
        self.n_baskets_ = int(X.shape[0])
        self.mean_basket_size_ = float(basket_sizes.mean())
        self.n_customers_ = (
            None if self.customer_col is None else int(lines[self.customer_col].nunique())
        )
        self.itemset_items_ = found.items
        self.itemset_offsets_ = found.offsets
        self.itemset_counts_ = found.counts
        self.rules_ = {key: np.asarray(getattr(rules, key)) for key in _RULE_KEYS}
        self.item_margin_ = self._margins(lines, margins, notes)
        if not self._rule_mask(None, "any", None, None, None).any():
            notes.append(
                f"No rule reaches min_confidence {self.min_confidence} and min_lift "
                f"{self.min_lift} at min_support {self.min_support}; lower them to see more."
            )
        self.notes_ = notes
        return self

    def _check_params(self, where: str) -> None:
        checks = [
            ("min_support", _is_number(self.min_support) and 0 < self.min_support <= 1,
             "a share of baskets in (0, 1]", "0.01 for item sets in at least 1% of the baskets"),
            ("min_confidence", _is_number(self.min_confidence) and 0 <= self.min_confidence <= 1,
             "a share in [0, 1]", "0.3 (30% of the baskets with the antecedent)"),
            ("min_lift", _is_number(self.min_lift) and self.min_lift >= 0,
             "a number >= 0", "1.0 (no better than chance) or 0 for every rule"),
            ("max_len", self.max_len is None or (
                isinstance(self.max_len, int) and not isinstance(self.max_len, bool)
                and self.max_len >= 2),
             "a whole number >= 2 or None", "3: a rule needs at least 2 items"),
            ("algorithm", self.algorithm in _ALGORITHMS,
             f"one of {', '.join(_ALGORITHMS)}", "'eclat'"),
        ]  # fmt: skip
        for name, valid, expected, example in checks:
            if not valid:
                raise ParameterError(
                    f"{name} must be {expected}, got {getattr(self, name)!r}.",
                    where=f"{where}({name}=...)",
                    fix=f"Pass e.g. {example}.",
                )

    def _lines(self, frame: pd.DataFrame, notes: list[str], where: str) -> pd.DataFrame:
        """Keep the usable lines: an order id, an item and (if given) a positive quantity."""
        if len(frame) == 0:
            raise InputError(
                "The order table is empty.", where=where, fix="Pass a table with order lines."
            )
        keep = frame[self.order_col].notna().to_numpy() & frame[self.item_col].notna().to_numpy()
        if not keep.all():
            notes.append(
                f"Dropped {int((~keep).sum()):,} of {len(frame):,} lines without an order id "
                f"({self.order_col!r}) or an item ({self.item_col!r})."
            )
        if self.quantity_col is not None:
            quantity = numbers(frame[self.quantity_col], self.quantity_col, where)
            refunds = keep & ~(quantity > 0)
            if refunds.any():
                notes.append(
                    f"Dropped {int(refunds.sum()):,} of {len(frame):,} lines with a quantity "
                    f"of 0 or less or none in {self.quantity_col!r} (refunds and returns)."
                )
            keep &= quantity > 0
        for note in notes:
            warnings.warn(note, RevlearnWarning, stacklevel=3)
        if not keep.any():
            raise InputError(
                f"None of the {len(frame):,} lines has an order id, an item and a positive "
                "quantity.",
                where=where,
                fix="Check the --order, --item and --quantity columns.",
            )
        columns = [self.order_col, self.item_col]
        columns += [c for c in (self.customer_col, self.price_col) if c is not None]
        return frame.loc[keep, columns]

    def _mine(self, X: sp.csr_matrix) -> FrequentItemsets:
        if self.algorithm == "eclat":
            return frequent_itemsets(X, min_support=self.min_support, max_len=self.max_len)
        try:
            from mlxtend.frequent_patterns import apriori, fpgrowth
        except ImportError as err:
            raise MissingDependencyError(
                f"algorithm={self.algorithm!r} needs mlxtend, which is not installed.",
                where="BasketAnalysis.fit(algorithm=...)",
                fix="Install revlearn[basket] or use algorithm='eclat' (faster, same result).",
            ) from err
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            table = pd.DataFrame.sparse.from_spmatrix(X.astype(bool))
        miner = fpgrowth if self.algorithm == "fpgrowth" else apriori
        found = miner(table, min_support=self.min_support, max_len=self.max_len)
        counts = np.rint(found["support"].to_numpy() * X.shape[0]).astype(np.int64)
        return itemsets_from_lists(found["itemsets"], counts, int(X.shape[0]))

    def _margins(
        self, lines: pd.DataFrame, margins: Mapping[Any, float] | None, notes: list[str]
    ) -> np.ndarray | None:
        if margins is not None:
            by_name = {str(k): float(v) for k, v in dict(margins).items()}
            values = np.array([by_name.get(name, np.nan) for name in self.items_])
        elif self.price_col is not None:
            price = numbers(lines[self.price_col], self.price_col, "BasketAnalysis.fit")
            codes, _ = code_items(lines[self.item_col])
            medians = pd.Series(price).groupby(codes).median()
            values = np.full(len(self.items_), np.nan)
            values[medians.index.to_numpy()] = medians.to_numpy()
        else:
            return None
        missing = int(np.isnan(values).sum())
        if missing:
            notes.append(f"{missing:,} of {len(values):,} items have no margin (counted as 0).")
        return values

    # ------------------------------------------------------------- results
    def _set_names(self, index: np.ndarray) -> list[str]:
        items, offsets = self.itemset_items_.tolist(), self.itemset_offsets_.tolist()
        names = self.items_
        return [" + ".join(names[i] for i in items[offsets[k] : offsets[k + 1]]) for k in index]

    def _found(self) -> FrequentItemsets:
        return FrequentItemsets(
            self.itemset_items_, self.itemset_offsets_, self.itemset_counts_, self.n_baskets_
        )

    def _set_items(self, index: np.ndarray) -> sp.csr_matrix:
        """Indicator matrix (sets × items) of the item sets ``index``."""
        return self._found().indicator(index, n_items=len(self.items_))

    def _holds(self, code: int) -> np.ndarray:
        """Which item sets contain the item ``code``."""
        owner = np.repeat(np.arange(len(self.itemset_counts_)), np.diff(self.itemset_offsets_))
        has = np.zeros(len(self.itemset_counts_), dtype=bool)
        has[owner[self.itemset_items_ == code]] = True
        return has

    def _code(self, item: Any, where: str) -> int:
        name = str(item)
        position = int(np.searchsorted(self.items_, name))
        if position < len(self.items_) and self.items_[position] == name:
            return position
        close = difflib.get_close_matches(name, self.items_, n=3)
        hint = f"Did you mean {short_list(repr(c) for c in close)}?" if close else ""
        raise NotFoundError(
            f"Item {name!r} is not in the fitted baskets.",
            where=where,
            fix=f"{hint} Known items: {short_list(self.items_, 8)}.".strip(),
        )

    def itemsets(self, *, min_size: int = 1, item: Any | None = None) -> pd.DataFrame:
        """Return the frequent item sets.

        Parameters
        ----------
        min_size : int, default=1
            Smallest set size to return.
        item : object, optional
            Keep only the sets that contain this item.

        Returns
        -------
        pandas.DataFrame
            Columns ``itemset`` (item names joined by ``" + "``), ``size``, ``support``
            (share of baskets) and ``n_baskets``; largest support first.

        Raises
        ------
        NotFoundError
            If ``item`` is not a fitted item.
        """
        self._check_fitted("itemsets")
        sizes = np.diff(self.itemset_offsets_)
        keep = sizes >= min_size
        if item is not None:
            keep &= self._holds(self._code(item, "BasketAnalysis.itemsets(item=...)"))
        index = np.flatnonzero(keep)
        out = pd.DataFrame(
            {
                "itemset": self._set_names(index),
                "size": sizes[index],
                "support": self.itemset_counts_[index] / self.n_baskets_,
                "n_baskets": self.itemset_counts_[index],
            }
        )
        return out.sort_values(
            ["support", "size"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)

    def rules(
        self,
        *,
        item: Any | None = None,
        side: Literal["any", "antecedent", "consequent"] = "any",
        min_lift: float | None = None,
        min_confidence: float | None = None,
        max_len: int | None = None,
        sort_by: str = "lift",
        top: int | None = None,
    ) -> pd.DataFrame:
        """Return the association rules, filtered and sorted.

        Parameters
        ----------
        item : object, optional
            Keep rules that mention this item (see ``side``).
        side : {"any", "antecedent", "consequent"}, default="any"
            Where ``item`` must appear.
        min_lift : float, optional
            Minimum lift; the ``min_lift`` parameter by default.
        min_confidence : float, optional
            Minimum confidence above the fitted one (it cannot go lower).
        max_len : int, optional
            Largest number of items in a rule (antecedent + consequent).
        sort_by : str, default="lift"
            Column to sort by, largest first (ties by support).
        top : int, optional
            Return only this many rules.

        Returns
        -------
        pandas.DataFrame
            Columns ``antecedents`` and ``consequents`` (item names joined by ``" + "``),
            ``antecedent_support``, ``consequent_support``, ``support``, ``confidence``,
            ``lift``, ``leverage``, ``conviction`` (``inf`` when confidence is 1), ``size``
            and ``n_baskets`` (baskets holding the whole rule).

        Raises
        ------
        NotFoundError
            If ``item`` is not a fitted item.
        ParameterError
            If ``side`` or ``sort_by`` is unknown.
        """
        self._check_fitted("rules")
        keep = self._rule_mask(item, side, min_lift, min_confidence, max_len)
        r = {key: value[keep] for key, value in self.rules_.items()}
        sizes = np.diff(self.itemset_offsets_)
        size = sizes[r["antecedent"]] + sizes[r["consequent"]]
        out = pd.DataFrame(
            {
                "antecedents": self._set_names(r["antecedent"]),
                "consequents": self._set_names(r["consequent"]),
                **{key: r[key] for key in _RULE_KEYS[2:]},
                "size": size,
                "n_baskets": np.rint(r["support"] * self.n_baskets_).astype(np.int64),
            }
        )
        if sort_by not in out.columns:
            raise ParameterError(
                f"Cannot sort rules by {sort_by!r}.",
                where="BasketAnalysis.rules(sort_by=...)",
                fix=f"Choose one of {', '.join(out.columns[2:])}.",
            )
        out = out.sort_values([sort_by, "support"], ascending=False, kind="stable")
        return (out if top is None else out.head(top)).reset_index(drop=True)

    def _rule_mask(
        self,
        item: Any | None,
        side: str,
        min_lift: float | None,
        min_confidence: float | None,
        max_len: int | None,
    ) -> np.ndarray:
        r = self.rules_
        keep = r["lift"] >= (self.min_lift if min_lift is None else min_lift)
        if min_confidence is not None:
            keep &= r["confidence"] >= min_confidence
        if max_len is not None:
            sizes = np.diff(self.itemset_offsets_)
            keep &= sizes[r["antecedent"]] + sizes[r["consequent"]] <= max_len
        if item is not None:
            if side not in ("any", "antecedent", "consequent"):
                raise ParameterError(
                    f"Unknown side {side!r}.",
                    where="BasketAnalysis.rules(side=...)",
                    fix="Choose 'any', 'antecedent' or 'consequent'.",
                )
            has = self._holds(self._code(item, "BasketAnalysis.rules(item=...)"))
            in_a, in_c = has[r["antecedent"]], has[r["consequent"]]
            keep &= {"any": in_a | in_c, "antecedent": in_a, "consequent": in_c}[side]
        return np.asarray(keep)

    def predict(self, data: Any | None = None, *, top: int = 5) -> pd.DataFrame:
        """Return the rules, or cross-sell offers for the customers in ``data``.

        Parameters
        ----------
        data : pandas.DataFrame, optional
            Without it: the rules table (:meth:`rules` with the fitted thresholds). With a
            purchase history: the cross-sell offers of :meth:`cross_sell`.
        top : int, default=5
            Offers per customer (only with ``data``).

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`rules` or of :meth:`cross_sell`.
        """
        self._check_fitted("predict")
        return self.rules() if data is None else self.cross_sell(data, top=top)

    def explain(self, *, top: int = 10) -> pd.DataFrame:
        """Read the strongest rules as plain sentences.

        Parameters
        ----------
        top : int, default=10
            How many rules (highest lift first).

        Returns
        -------
        pandas.DataFrame
            Columns ``antecedents``, ``consequents``, ``confidence``, ``lift`` and
            ``sentence``, e.g. "63% of baskets with beer also hold chips: 3.1 times as
            often as in all baskets (41 baskets)."
        """
        self._check_fitted("explain")
        rules = self.rules(top=top)
        sentences = [
            f"{row.confidence:.0%} of baskets with {row.antecedents} also hold "
            f"{row.consequents}: {row.lift:.1f} times as often as in all baskets "
            f"({row.n_baskets:,} baskets)."
            for row in rules.itertuples()
        ]
        out = rules[["antecedents", "consequents", "confidence", "lift"]].copy()
        out["sentence"] = sentences
        return out

    def summary(self) -> dict[str, Any]:
        """Return the key figures of the fit as JSON-ready plain types.

        Returns
        -------
        dict
            ``usecase``, ``n_lines``, ``n_baskets``, ``n_items``, ``n_customers`` (None
            without ``customer_col``), ``mean_basket_size``, ``n_frequent_items``,
            ``n_itemsets`` (all sizes), ``itemsets_by_size`` (size as text → count),
            ``n_rules`` (after ``min_lift``), ``n_rules_mined`` (before it), ``thresholds``
            (``min_support``, ``min_count`` — the same in baskets —, ``min_confidence``,
            ``min_lift``, ``max_len``), ``algorithm``, ``mining_seconds``,
            ``has_margins``, ``top_items`` and ``top_rules`` (lists of small mappings;
            conviction ``None`` when infinite) and ``notes``.
        """
        self._check_fitted("summary")
        sizes = np.diff(self.itemset_offsets_)
        by_size = {
            str(k): int(v) for k, v in zip(*np.unique(sizes, return_counts=True), strict=True)
        }
        order = np.argsort(-self.item_counts_, kind="stable")[:10]
        top_rules = self.rules(top=5)
        top_rules["conviction"] = top_rules["conviction"].replace(np.inf, np.nan)
        return {
            "usecase": self.usecase,
            "n_lines": int(self.n_lines_),
            "n_baskets": int(self.n_baskets_),
            "n_items": len(self.items_),
            "n_customers": self.n_customers_,
            "mean_basket_size": round(float(self.mean_basket_size_), 4),
            "n_frequent_items": by_size.get("1", 0),
            "n_itemsets": len(sizes),
            "itemsets_by_size": by_size,
            "n_rules": int(self._rule_mask(None, "any", None, None, None).sum()),
            "n_rules_mined": len(self.rules_["lift"]),
            "thresholds": {
                "min_support": float(self.min_support),
                "min_count": min_count(float(self.min_support), self.n_baskets_),
                "min_confidence": float(self.min_confidence),
                "min_lift": float(self.min_lift),
                "max_len": self.max_len,
            },
            "algorithm": self.algorithm,
            "mining_seconds": round(float(self.mining_seconds_), 4),
            "has_margins": self.item_margin_ is not None,
            "top_items": [
                {
                    "item": self.items_[i],
                    "n_baskets": int(self.item_counts_[i]),
                    "support": float(self.item_counts_[i] / self.n_baskets_),
                }
                for i in order
            ],
            "top_rules": [
                {
                    k: (None if isinstance(v, float) and np.isnan(v) else _plain(v))
                    for k, v in row.items()
                }
                for row in top_rules.to_dict("records")
            ],
            "notes": list(self.notes_),
        }


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value
