"""Recommend items to users: "customers like you also bought", with a reason per item.

:class:`Recommender` learns from an interaction table (user, item, optional rating or
quantity, optional timestamp), optional item attributes (category, brand, price,
description) and optional user attributes (segment, company size). It picks its model per
data set by an offline ranking backtest (:mod:`~revlearn.usecases.recommend.selection`)
among popularity (overall and per segment), item–item co-occurrence (time-decayed), EASE,
ALS and BPR (``implicit``), TF-IDF content similarity and a LightGBM LambdaRank hybrid that
re-ranks their candidates, then refits the winner on all data.

Cold start: a user with no history gets the popular items of their segment (when user
attributes are given) or overall; an item nobody has bought is reachable through content
similarity when item attributes are given. Items already held are left out, except those
most buyers buy again (consumables) — the repeat share threshold is learned from the data.
Every row of :meth:`~Recommender.recommend` carries a reason a person understands.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import ParameterError
from revlearn.usecases._base import UseCase
from revlearn.usecases.recommend import selection
from revlearn.usecases.recommend.candidates import Content, Popularity, SegmentPopularity
from revlearn.usecases.recommend.interactions import Interactions, read_interactions
from revlearn.usecases.recommend.lists import RankedLists
from revlearn.usecases.recommend.views import RecommenderViews

logger = logging.getLogger(__name__)

__all__ = ["Recommender"]

Method = Literal[
    "auto",
    "popularity",
    "segment_popularity",
    "item_knn",
    "ease",
    "als",
    "bpr",
    "content",
    "hybrid",
]
#: Items with fewer buyers do not vote on the repeat-purchase threshold.
MIN_BUYERS_FOR_REPEAT = 5
#: Below this repeat share nothing counts as a consumable.
MIN_REPEAT_SHARE = 0.2


class Recommender(RankedLists, RecommenderViews, UseCase):
    """Recommend the next items for each user, each with a plain-language reason.

    Parameters
    ----------
    user_col : str, default="user"
        The user (customer, account, basket) column (``--user``).
    item_col : str, default="item"
        The item (product, content) column (``--item``).
    rating_col : str, optional
        A rating or quantity column (``--rating``); repeated ratings are averaged,
        quantities summed. Every row counts as an interaction either way.
    timestamp_col : str, optional
        When the interaction happened (``--timestamp``): the backtest then holds out each
        user's latest items, and co-occurrence weights decay with age.
    method : str, default="auto"
        The model: ``"popularity"``, ``"segment_popularity"``, ``"item_knn"``, ``"ease"``,
        ``"als"``, ``"bpr"``, ``"content"`` or ``"hybrid"`` (LightGBM LambdaRank re-ranking
        the others' candidates); ``"auto"`` picks by backtest nDCG@k.
    k : int, default=10
        Recommendations per user, and the cut-off of the backtest.
    exclude_seen : {"auto", True, False}, default="auto"
        Leave out items the user already holds: ``"auto"`` keeps those that most buyers buy
        again (learned), ``True`` leaves out all, ``False`` none.
    half_life_days : float, default=180.0
        Age at which an interaction counts half in the co-occurrence model (with timestamps).
    content : {"tfidf", "embeddings", "auto"}, default="tfidf"
        How item attributes and descriptions become vectors for content similarity:
        TF-IDF, or MiniLM sentence embeddings (the optional ``[embeddings]`` extra; they
        match "earbuds" with "headphones", which share no word); ``"auto"`` uses the
        embeddings when the extra is installed.
    random_state : int, default=0
        Seed of the backtest split and of ALS/BPR.
    """

    usecase = "recommend"

    def __init__(
        self,
        *,
        user_col: str = "user",
        item_col: str = "item",
        rating_col: str | None = None,
        timestamp_col: str | None = None,
        method: Method = "auto",
        k: int = 10,
        exclude_seen: Literal["auto"] | bool = "auto",
        half_life_days: float = 180.0,
        content: Literal["tfidf", "embeddings", "auto"] = "tfidf",
        random_state: int = 0,
    ) -> None:
        self.user_col = user_col
        self.item_col = item_col
        self.rating_col = rating_col
        self.timestamp_col = timestamp_col
        self.method = method
        self.k = k
        self.exclude_seen = exclude_seen
        self.half_life_days = half_life_days
        self.content = content
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(self, interactions: Any, items: Any = None, users: Any = None) -> Self:
        """Learn from interactions (and optional item and user attributes).

        Parameters
        ----------
        interactions : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per user–item interaction with ``user_col`` and ``item_col`` (and the
            optional rating and timestamp columns); not modified. Repeated user–item rows
            are aggregated with a note.
        items : pandas.DataFrame, optional
            One row per item with ``item_col`` and attributes (category, brand, price,
            description text ...); items without interactions become reachable by content.
        users : pandas.DataFrame, optional
            One row per user with ``user_col`` and attributes (segment, company size ...);
            their combination is the segment used for cold-start popularity.

        Returns
        -------
        Recommender
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If a named column is absent, ratings hold text or timestamps are not dates.
        ParameterError
            If ``method``, ``k``, ``exclude_seen`` or ``half_life_days`` is invalid.
        InputError
            If an id is blank, or the data holds a single user or a single item.
        """
        where = "Recommender.fit"
        started = time.perf_counter()
        self._check_params(where)
        frame = as_pandas(interactions, where=where)
        optional = [c for c in (self.rating_col, self.timestamp_col) if c is not None]
        check_columns(
            frame,
            [self.user_col, self.item_col, *optional],
            where=where,
            hint="Name them with --user, --item (and --rating, --timestamp).",
        )
        inter = read_interactions(
            frame,
            user_col=self.user_col,
            item_col=self.item_col,
            rating_col=self.rating_col,
            timestamp_col=self.timestamp_col,
            where=where,
        )
        notes = list(inter.notes)
        item_frame = self._side_table(items, self.item_col, "items", where)
        user_frame = self._side_table(users, self.user_col, "users", where)
        self.items_ = _extend(inter.items, item_frame, self.item_col)
        self.users_ = _extend(inter.users, user_frame, self.user_col)
        self.n_warm_items_ = len(inter.items)
        self.n_warm_users_ = len(inter.users)
        shape = (len(self.users_), len(self.items_))
        self.X_ = sp.csr_matrix(
            (np.ones(len(inter.user_codes), np.float32), (inter.user_codes, inter.item_codes)),
            shape=shape,
        )
        self.counts_ = sp.csr_matrix(
            (inter.counts.astype(np.float32), (inter.user_codes, inter.item_codes)), shape=shape
        )
        self._learn_repeats(notes)
        self._learn_segments(user_frame, notes)
        self.content_ = (
            None
            if item_frame is None
            else Content.fit(
                _item_texts(self.items_, item_frame, self.item_col), method=self.content
            )
        )
        context = selection.Context(
            user_segment=getattr(self, "user_segment_", None) if self.segment_labels_ else None,
            n_segments=len(self.segment_labels_),
            content=self.content_,
            decay=self._decay(inter, shape),
            random_state=self.random_state,
        )
        self._select(inter, context, notes)
        self.popularity_ = Popularity.fit(self.X_)
        self.segments_ = (
            SegmentPopularity.fit_segments(self.X_, self.user_segment_, len(self.segment_labels_))
            if self.segment_labels_
            else None
        )
        self.n_interactions_ = len(frame)
        self.n_pairs_ = int(self.X_.nnz)
        self.notes_ = notes
        self.fit_seconds_ = round(time.perf_counter() - started, 3)
        logger.info("Recommender: chose %s in %.1f s", self.method_, self.fit_seconds_)
        return self

    def _check_params(self, where: str) -> None:
        if self.method not in selection.METHODS:
            raise ParameterError(
                f"method must be one of {', '.join(selection.METHODS)}, got {self.method!r}.",
                where=f"{where}(method=...)",
                fix="Pass method='auto' to let the backtest choose.",
            )
        if not isinstance(self.k, int) or isinstance(self.k, bool) or self.k < 1:
            raise ParameterError(
                f"k must be a whole number >= 1, got {self.k!r}.",
                where=f"{where}(k=...)",
                fix="Pass e.g. k=10.",
            )
        if self.exclude_seen not in ("auto", True, False):
            raise ParameterError(
                f"exclude_seen must be 'auto', True or False, got {self.exclude_seen!r}.",
                where=f"{where}(exclude_seen=...)",
                fix="Pass 'auto' to keep only items people buy again.",
            )
        if self.content not in ("tfidf", "embeddings", "auto"):
            raise ParameterError(
                f"content must be 'tfidf', 'embeddings' or 'auto', got {self.content!r}.",
                where=f"{where}(content=...)",
                fix="Pass content='tfidf' (or 'embeddings' with the [embeddings] extra).",
            )
        hl = self.half_life_days
        if not isinstance(hl, int | float) or isinstance(hl, bool) or not hl > 0:
            raise ParameterError(
                f"half_life_days must be a number > 0, got {hl!r}.",
                where=f"{where}(half_life_days=...)",
                fix="Pass e.g. 180.",
            )

    def _side_table(self, data: Any, col: str, name: str, where: str) -> pd.DataFrame | None:
        if data is None:
            return None
        table = as_pandas(data, where=f"{where}({name}=...)")
        check_columns(
            table,
            [col],
            where=f"{where}({name}=...)",
            hint=f"The {name} table needs the {col!r} column.",
        )
        table = table[table[col].notna()].drop_duplicates(col, keep="last")
        return table.reset_index(drop=True)

    def _learn_repeats(self, notes: list[str]) -> None:
        """Which items most buyers buy again, with a threshold found in the data."""
        X = self.X_.tocsc()
        buyers = np.diff(X.indptr)
        again = np.asarray((self.counts_ >= 2).sum(axis=0)).ravel()
        share = np.where(buyers > 0, again / np.maximum(buyers, 1), 0.0)
        eligible = buyers >= MIN_BUYERS_FOR_REPEAT
        threshold = float("inf")
        if eligible.any() and share[eligible].max() >= MIN_REPEAT_SHARE:
            threshold = max(_otsu(share[eligible]), MIN_REPEAT_SHARE)
        self.repeat_share_ = share.astype(np.float32)
        self.repeat_threshold_ = threshold if np.isfinite(threshold) else None
        self.repeatable_ = eligible & (share >= threshold)
        if self.repeatable_.any():
            notes.append(
                f"{int(self.repeatable_.sum()):,} items are bought again by at least "
                f"{threshold:.0%} of their buyers, so they stay recommendable to past buyers."
            )

    def _learn_segments(self, users: pd.DataFrame | None, notes: list[str]) -> None:
        self.segment_cols_: list[str] = []
        self.segment_labels_: list[str] = []
        self.user_segment_ = np.full(len(self.users_), -1, np.int64)
        if users is None:
            return
        cols = [
            str(c)
            for c in users.columns
            if c != self.user_col
            and 1 < users[c].nunique() <= 30
            and not pd.api.types.is_float_dtype(users[c])
        ]
        if not cols:
            notes.append("The users table has no attribute with 2–30 values; no segments.")
            return
        labels = _segment_labels(users, cols)
        codes, uniques = pd.factorize(np.asarray(labels, dtype=object))
        index = pd.Index(self.users_)
        where_user = index.get_indexer(users[self.user_col].tolist())
        ok = (where_user >= 0) & (codes >= 0)
        self.user_segment_[where_user[ok]] = codes[ok]
        self.segment_cols_ = cols
        self.segment_labels_ = [str(u) for u in uniques]

    def _decay(self, inter: Interactions, shape: tuple[int, int]) -> sp.csr_matrix | None:
        if self.timestamp_col is None or not np.isfinite(inter.last_days).any():
            return None
        age = np.nanmax(inter.last_days) - np.nan_to_num(
            inter.last_days, nan=np.nanmin(inter.last_days)
        )
        weights = np.power(0.5, age / float(self.half_life_days)).astype(np.float32)
        return sp.csr_matrix((weights, (inter.user_codes, inter.item_codes)), shape=shape)

    def _select(self, inter: Interactions, context: selection.Context, notes: list[str]) -> None:
        grid = selection.candidate_grid(self.method, len(self.items_), self.X_.nnz, context)
        rng = np.random.default_rng(self.random_state)
        held = selection.holdout(
            inter.user_codes, inter.last_days, rng, self.timestamp_col is not None
        )
        results: list[dict[str, Any]] = []
        if len(grid) > 1 and held.any():
            results = selection.backtest(
                self.X_, held, inter.user_codes, inter.item_codes, grid, context, self.k
            )
            # The first (simplest, cheapest) candidate within 1 % of the best nDCG wins.
            top = max(r["ndcg"] for r in results)
            best = next(i for i, r in enumerate(results) if r["ndcg"] >= 0.99 * top)
            name, settings = grid[best]
        else:
            name, settings = grid[0]
        self.backtest_ = results
        self.validation_ = (
            "time split: each user's latest 20 % of items"
            if self.timestamp_col is not None
            else "random split: 20 % of each user's items"
        )
        self.method_ = name
        self.settings_ = dict(settings)
        self.model_ = selection.fit_candidate(name, settings, self.X_, context)

    # ------------------------------------------------------------------ recommend
    def recommend(self, users: Sequence[Any] | None = None, k: int | None = None) -> pd.DataFrame:
        """Recommend the top items for users, each with a reason.

        Parameters
        ----------
        users : sequence, optional
            User ids; users not seen in training get popular items. All users with
            interactions by default.
        k : int, optional
            Items per user; the ``k`` parameter by default.

        Returns
        -------
        pandas.DataFrame
            Columns ``user``, ``rank`` (1 = best), ``item``, ``score`` (relative: 1 is the
            best new item for the user) and ``reason``. A user with nothing left to
            recommend gets fewer rows (with a warning).

        Raises
        ------
        ParameterError
            If ``k`` is not a whole number >= 1.
        """
        self._check_fitted("recommend")
        ids = list(self.users_[: self.n_warm_users_]) if users is None else list(users)
        codes = pd.Index(self.users_).get_indexer(ids)
        segments = np.where(codes >= 0, self.user_segment_[np.maximum(codes, 0)], -1)
        return self._rank(ids, codes.astype(np.int64), segments, self._k(k))

    def predict(self, data: Any) -> pd.DataFrame:
        """Recommend ``k`` items for each user of a table.

        Parameters
        ----------
        data : pandas.DataFrame
            One row per user with ``user_col``; for users not seen in training, the user
            attribute columns given at fit (segment, size ...) choose their segment's
            popular items.

        Returns
        -------
        pandas.DataFrame
            Columns ``user``, ``rank``, ``item``, ``score`` and ``reason``, as
            :meth:`recommend`.

        Raises
        ------
        SchemaError
            If ``user_col`` is absent.
        """
        self._check_fitted("predict")
        where = "Recommender.predict"
        frame = as_pandas(data, where=where)
        check_columns(frame, [self.user_col], where=where, hint="Pass a table of users.")
        frame = frame.drop_duplicates(self.user_col)
        ids = frame[self.user_col].tolist()
        codes = pd.Index(self.users_).get_indexer(ids).astype(np.int64)
        segments = np.where(codes >= 0, self.user_segment_[np.maximum(codes, 0)], -1)
        if self.segment_cols_ and all(c in frame.columns for c in self.segment_cols_):
            given = pd.Index(self.segment_labels_).get_indexer(
                _segment_labels(frame, self.segment_cols_)
            )
            segments = np.where((segments < 0) & (given >= 0), given, segments)
        return self._rank(ids, codes, segments, self.k)

    def _k(self, k: int | None) -> int:
        k = self.k if k is None else k
        if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 1:
            raise ParameterError(
                f"k must be a whole number >= 1, got {k!r}.",
                where="Recommender.recommend(k=...)",
                fix="Pass e.g. k=10.",
            )
        return int(k)


def _extend(ids: np.ndarray, table: pd.DataFrame | None, col: str) -> list[Any]:
    """Ids seen in interactions, then those only in the side table (cold start)."""
    known = [_plain(v) for v in ids]
    if table is None:
        return known
    index = pd.Index(known)
    extra = [_plain(v) for v in table[col] if index.get_indexer([_plain(v)])[0] < 0]
    return known + extra


def _plain(value: Any) -> Any:
    """numpy scalars → Python ints/floats/str (for skops and JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def _segment_labels(table: pd.DataFrame, cols: list[str]) -> list[str]:
    parts = table[cols].astype(str).apply(lambda s: s.str.strip())
    return parts.agg(" ".join, axis=1).tolist()


def _item_texts(items: list[Any], table: pd.DataFrame, col: str) -> list[str]:
    """One text per item: its attribute values (numbers as quintile bands) and description."""
    frame = table.set_index(col)
    words = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_numeric_dtype(values) and values.nunique() > 5:
            band = pd.qcut(values.rank(method="first"), 5, labels=False)
            words[name] = [f"{name}_band{int(b)}" if pd.notna(b) else "" for b in band]
        else:
            text = values.fillna("").astype(str)
            short = text.str.len() < 30
            tags = f"{name}_" + text.str.replace(r"\W+", "_", regex=True)
            words[name] = np.where(short, tags + " " + text, text)
    joined = words.agg(" ".join, axis=1)
    lookup = dict(zip(joined.index.tolist(), joined.tolist(), strict=True))
    return [lookup.get(i, str(i)) for i in items]


def _otsu(values: np.ndarray) -> float:
    """The cut that best separates two groups of shares (Otsu's between-class variance)."""
    v = np.sort(values)
    if v[0] == v[-1]:
        return float(v[0])
    cuts = np.unique(v)[1:]
    best, best_cut = -1.0, float(cuts[0])
    for cut in cuts:
        lo, hi = v[v < cut], v[v >= cut]
        between = len(lo) * len(hi) * (lo.mean() - hi.mean()) ** 2
        if between > best:
            best, best_cut = between, float(cut)
    return best_cut
