"""Recommend items to users: "customers like you also bought", with a reason per item.

:class:`Recommender` learns from an interaction table (user, item, optional rating or
quantity, optional timestamp), optional item attributes (category, brand, price,
description) and optional user attributes (segment, company size). It picks its model per
data set by an offline ranking backtest (:mod:`~revlearn.usecases.recommend.selection`)
among popularity (overall and per segment), item–item co-occurrence (time-decayed), EASE,
ALS and BPR (``implicit``) and TF-IDF content similarity, then refits the winner on all data.

Cold start: a user with no history gets the popular items of their segment (when user
attributes are given) or overall; an item nobody has bought is reachable through content
similarity when item attributes are given. Items already held are left out, except those
most buyers buy again (consumables) — the repeat share threshold is learned from the data.
Every row of :meth:`~Recommender.recommend` carries a reason a person understands.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import NotFoundError, ParameterError, RevlearnWarning
from revlearn.evaluate.ranking import score_lists
from revlearn.usecases._base import UseCase
from revlearn.usecases.recommend import selection
from revlearn.usecases.recommend.candidates import Content, Popularity, SegmentPopularity
from revlearn.usecases.recommend.interactions import Interactions, read_interactions
from revlearn.usecases.recommend.reasons import REPEAT, best_past_items, popular_reason

logger = logging.getLogger(__name__)

__all__ = ["Recommender"]

Method = Literal[
    "auto", "popularity", "segment_popularity", "item_knn", "ease", "als", "bpr", "content"
]
#: A new item enters a user's list when its text cosine to one of their items reaches this.
MIN_CONTENT_SIMILARITY = 0.3
#: Items with fewer buyers do not vote on the repeat-purchase threshold.
MIN_BUYERS_FOR_REPEAT = 5
#: Below this repeat share nothing counts as a consumable.
MIN_REPEAT_SHARE = 0.2


class Recommender(UseCase):
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
        ``"als"``, ``"bpr"`` or ``"content"``; ``"auto"`` picks the one with the best
        backtest nDCG@k.
    k : int, default=10
        Recommendations per user, and the cut-off of the backtest.
    exclude_seen : {"auto", True, False}, default="auto"
        Leave out items the user already holds: ``"auto"`` keeps those that most buyers buy
        again (learned), ``True`` leaves out all, ``False`` none.
    half_life_days : float, default=180.0
        Age at which an interaction counts half in the co-occurrence model (with timestamps).
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
            else Content.fit(_item_texts(self.items_, item_frame, self.item_col))
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
            best = max(range(len(results)), key=lambda i: results[i]["ndcg"])
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

    def _rank(
        self, ids: list[Any], codes: np.ndarray, segments: np.ndarray, k: int
    ) -> pd.DataFrame:
        parts = []
        short = 0
        for start in range(0, len(ids), selection.BATCH):
            sl = slice(start, start + selection.BATCH)
            frame, n_short = self._rank_batch(codes[sl], segments[sl], k)
            frame["user"] = np.asarray(ids, dtype=object)[sl][frame.pop("row").to_numpy()]
            parts.append(frame)
            short += n_short
        if short:
            message = (
                f"{short:,} of {len(ids):,} users have fewer than {k} items left to "
                "recommend (they hold most of the catalogue); they get fewer rows."
            )
            logger.info(message)
            warnings.warn(message, RevlearnWarning, stacklevel=3)
        columns = ["user", "rank", "item", "score", "reason"]
        if not parts:
            return pd.DataFrame(columns=columns)
        return pd.concat(parts, ignore_index=True)[columns]

    def _rank_batch(
        self, codes: np.ndarray, segments: np.ndarray, k: int
    ) -> tuple[pd.DataFrame, int]:
        known = codes >= 0
        rows = np.maximum(codes, 0)
        X = self.X_[rows]
        if not known.all():
            X = (sp.diags(known.astype(np.float32)) @ X).tocsr()
            X.eliminate_zeros()
        history = np.diff(X.indptr) > 0
        model_rows = np.where(known, codes, -1)
        is_popularity = isinstance(self.model_, Popularity)
        popular_only = ~history | is_popularity
        scores = self.model_.scores(X, model_rows)
        if popular_only.any():
            fallback = (
                self.segments_.segment_rows(segments[popular_only])
                if self.segments_ is not None
                else self.popularity_.scores(X[popular_only], model_rows[popular_only])
            )
            scores[popular_only] = fallback
        n_warm = self.n_warm_items_
        scores[:, n_warm:] = -np.inf  # items nobody has bought: only through content
        seen = X.tocoo()
        repeat = np.zeros(seen.nnz, bool)
        if self.exclude_seen is not False:
            scores[seen.row, seen.col] = -np.inf
            if self.exclude_seen == "auto":
                repeat = self.repeatable_[seen.col]
        scores = _normalise(scores)
        anchors = self._cold_items(X, scores)
        if repeat.any():
            counts = self.counts_[rows]
            c = np.asarray(counts[seen.row[repeat], seen.col[repeat]]).ravel()
            boost = np.minimum(c / 2.0, 1.0) * self.repeat_share_[seen.col[repeat]] * 1.5
            scores[seen.row[repeat], seen.col[repeat]] = np.where(c >= 2, boost, -np.inf)
        recs = selection.top_of(scores, k)
        return self._reasons(recs, scores, X, segments, popular_only, anchors), int(
            ((recs < 0).any(axis=1)).sum()
        )

    def _cold_items(self, X: sp.csr_matrix, scores: np.ndarray) -> np.ndarray:
        """Put items nobody has bought into the lists of users whose items resemble them.

        Returns users × new items: the user's past item most like the new item (-1: none).
        """
        n_warm = self.n_warm_items_
        anchors = np.full((X.shape[0], len(self.items_) - n_warm), -1, np.int64)
        if self.content_ is None or anchors.shape[1] == 0 or X.nnz == 0:
            return anchors
        cold = np.arange(n_warm, len(self.items_))
        V = self.content_.vectors
        sims = np.asarray((V[X.indices] @ V[cold].T).todense(), dtype=np.float32)  # nnz × new
        sizes = np.diff(X.indptr)
        with_rows = np.flatnonzero(sizes > 0)
        starts = X.indptr[with_rows]
        top = np.maximum.reduceat(sims, starts, axis=0)
        slot = np.repeat(np.arange(len(with_rows)), sizes[with_rows])
        position = np.where(sims == top[slot], np.arange(X.nnz)[:, None], X.nnz)
        first = np.minimum(np.minimum.reduceat(position, starts, axis=0), X.nnz - 1)
        ok = top >= MIN_CONTENT_SIMILARITY
        rows, cols = np.nonzero(ok)
        scores[with_rows[rows], cold[cols]] = top[rows, cols]
        anchors[with_rows[rows], cols] = X.indices[first[rows, cols]]
        return anchors

    def _reasons(
        self,
        recs: np.ndarray,
        scores: np.ndarray,
        X: sp.csr_matrix,
        segments: np.ndarray,
        popular_only: np.ndarray,
        anchors: np.ndarray,
    ) -> pd.DataFrame:
        past, _ = best_past_items(self.model_, X, recs)
        names = np.array([str(v) for v in self.items_], dtype=object)
        rows, cols = np.nonzero(recs >= 0)
        items = recs[rows, cols]
        reason = np.full(len(items), "liked by customers with similar tastes", dtype=object)
        verb = "rated" if self.rating_col is not None else "bought"
        p = past[rows, cols]
        reason[p >= 0] = f"because you {verb} " + names[p[p >= 0]]
        labels = np.array(
            [popular_reason(None)] + [popular_reason(s) for s in self.segment_labels_], dtype=object
        )
        pop = popular_only[rows]
        reason[pop] = labels[segments[rows[pop]] + 1]
        new = items >= self.n_warm_items_
        anchor = anchors[rows[new], items[new] - self.n_warm_items_]
        reason[np.flatnonzero(new)[anchor >= 0]] = "similar to " + names[anchor[anchor >= 0]]
        held = np.asarray(X[rows, items]).ravel() > 0 if X.nnz else np.zeros(len(items), bool)
        reason[held] = REPEAT
        return pd.DataFrame(
            {
                "row": rows,
                "rank": cols + 1,
                "item": np.asarray(self.items_, dtype=object)[items],
                "score": np.round(scores[rows, items].astype(float), 4),
                "reason": reason,
            }
        )

    # ------------------------------------------------------------------ other views
    def similar_items(self, item: Any, k: int = 10) -> pd.DataFrame:
        """Find the items most like one item: bought by the same users, or similar in text.

        Parameters
        ----------
        item : object
            An item id seen in training or listed in the items table.
        k : int, default=10
            How many similar items.

        Returns
        -------
        pandas.DataFrame
            Columns ``item`` (the given item), ``rank``, ``similar_item``, ``score`` (cosine
            in [0, 1]) and ``reason``.

        Raises
        ------
        NotFoundError
            If the item is unknown.
        """
        self._check_fitted("similar_items")
        code = pd.Index(self.items_).get_indexer([item])[0]
        if code < 0:
            raise NotFoundError(
                f"Item {item!r} is not in the training data or the items table.",
                where="Recommender.similar_items(item=...)",
                fix="Pass an item id from the interactions, e.g. "
                f"{self.items_[int(np.argmax(self.popularity_.counts))]!r}.",
            )
        k = self._k(k)
        Xc = self.X_.tocsc()
        together = np.asarray((Xc.T @ Xc[:, code]).todense()).ravel()
        norms = np.sqrt(np.diff(Xc.indptr).astype(float))
        bought = together / np.maximum(norms * norms[code], 1e-12)
        text = self.content_.similar(code) if self.content_ is not None else np.zeros_like(bought)
        use_text = bought.max() <= 0 or code >= self.n_warm_items_
        score = np.where(use_text, text, bought).astype(np.float32)
        score[code] = -np.inf
        score[score <= 0] = -np.inf
        top = selection.top_of(score[None, :], k)[0]
        top = top[top >= 0]
        reasons = [
            "similar description and attributes"
            if use_text
            else f"bought by the same customers ({int(together[j]):,} together)"
            for j in top
        ]
        return pd.DataFrame(
            {
                "item": [item] * len(top),
                "rank": np.arange(1, len(top) + 1),
                "similar_item": [self.items_[j] for j in top],
                "score": np.round(score[top].astype(float), 4),
                "reason": reasons,
            }
        )

    def evaluate(self, data: Any, ks: Sequence[int] = (1, 5, 10, 20)) -> pd.DataFrame:
        """Score the recommendations on held-out interactions, beside popularity.

        Parameters
        ----------
        data : pandas.DataFrame
            Interactions kept out of training, with ``user_col`` and ``item_col``.
        ks : sequence of int, default=(1, 5, 10, 20)
            Cut-offs.

        Returns
        -------
        pandas.DataFrame
            One row per model (``"revlearn"``, ``"popularity"``) and cut-off, with the
            fields of :class:`~revlearn.evaluate.ranking.RankingMetrics` (precision,
            recall, ndcg, map, hit_rate, coverage, novelty, diversity, n_users).

        Raises
        ------
        SchemaError
            If ``user_col`` or ``item_col`` is absent.
        """
        self._check_fitted("evaluate")
        where = "Recommender.evaluate"
        frame = as_pandas(data, where=where)
        check_columns(
            frame,
            [self.user_col, self.item_col],
            where=where,
            hint="Pass held-out interactions with the training columns.",
        )
        items = pd.Index(self.items_).get_indexer(frame[self.item_col].tolist())
        users = list(pd.unique(frame[self.user_col]))
        user_pos = pd.Index(users).get_indexer(frame[self.user_col].tolist())
        ok = items >= 0
        relevant = sp.csr_matrix(
            (np.ones(int(ok.sum()), bool), (user_pos[ok], items[ok])),
            shape=(len(users), len(self.items_)),
        )
        L = max(ks)
        codes = pd.Index(self.users_).get_indexer(users)
        recs = np.full((len(users), L), -1, np.int64)
        lists = self.recommend(users, k=L) if len(users) else pd.DataFrame()
        if len(lists):
            r = pd.Index(users).get_indexer(lists["user"].tolist())
            recs[r, lists["rank"].to_numpy() - 1] = pd.Index(self.items_).get_indexer(
                lists["item"].tolist()
            )
        known = np.maximum(codes, 0)
        seen = sp.diags((codes >= 0).astype(np.float32)) @ self.X_[known]
        pop = selection.top_items(
            self.popularity_, seen.tocsr(), np.arange(len(users)), L, exclude=seen.tocsr()
        )
        share = self.popularity_.counts / max(self.n_warm_users_, 1)
        vectors = self.content_.vectors if self.content_ is not None else self.X_.T.tocsr()
        rows = []
        for name, lists_ in (("revlearn", recs), ("popularity", pop)):
            for k in ks:
                m = score_lists(lists_, relevant, k, popularity=share, item_vectors=vectors)
                rows.append({"model": name, **m.to_dict()})
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """Return the key fitted figures as plain JSON-ready types.

        Returns
        -------
        dict
            ``method`` (chosen), ``settings``, ``validation`` (how the backtest split),
            ``candidates`` (one mapping per candidate: method, settings, ndcg, precision,
            recall, coverage, seconds), ``validation_ndcg`` and ``popularity_ndcg`` at
            ``k``, ``n_users``, ``n_items``, ``n_interactions``, ``n_pairs``,
            ``new_items`` (reachable by content only), ``repeat_items`` and
            ``repeat_threshold``, ``segments``, ``fit_seconds`` and ``notes``.
        """
        self._check_fitted("summary")
        by_name = {r["method"]: r for r in self.backtest_}
        chosen = [
            r
            for r in self.backtest_
            if r["method"] == self.method_ and r["settings"] == self.settings_
        ]
        return {
            "method": self.method_,
            "settings": {k: float(v) for k, v in self.settings_.items()},
            "validation": self.validation_,
            "k": int(self.k),
            "candidates": [
                {**r, "settings": {k: float(v) for k, v in r["settings"].items()}}
                for r in self.backtest_
            ],
            "validation_ndcg": float(chosen[0]["ndcg"]) if chosen else None,
            "popularity_ndcg": float(by_name["popularity"]["ndcg"])
            if "popularity" in by_name
            else None,
            "n_users": int(self.n_warm_users_),
            "n_items": len(self.items_),
            "n_interactions": int(self.n_interactions_),
            "n_pairs": int(self.n_pairs_),
            "new_items": int(len(self.items_) - self.n_warm_items_),
            "repeat_items": int(self.repeatable_.sum()),
            "repeat_threshold": self.repeat_threshold_,
            "segments": list(self.segment_labels_),
            "fit_seconds": float(self.fit_seconds_),
            "notes": list(self.notes_),
        }

    def explain(self, user: Any = None) -> pd.DataFrame:
        """Show why: the model comparison, or one user's history beside their list.

        Parameters
        ----------
        user : object, optional
            A user id. Without it, the backtest table of the candidate models.

        Returns
        -------
        pandas.DataFrame
            Without ``user``: one row per candidate (method, settings, ndcg, precision,
            recall, coverage, seconds, chosen). With ``user``: their recommendations
            (rank, item, score, reason) followed by their past items (``rank`` empty,
            ``reason`` "bought N times").

        Raises
        ------
        NotFoundError
            If ``user`` is not a known user.
        """
        self._check_fitted("explain")
        if user is None:
            table = pd.DataFrame(self.backtest_)
            if len(table):
                table["chosen"] = (table["method"] == self.method_) & (
                    table["settings"].map(lambda s: s == self.settings_)
                )
                table["settings"] = table["settings"].map(
                    lambda s: ", ".join(f"{k}={v:g}" for k, v in s.items())
                )
            return table
        code = pd.Index(self.users_).get_indexer([user])[0]
        if code < 0:
            raise NotFoundError(
                f"User {user!r} is not in the training data.",
                where="Recommender.explain(user=...)",
                fix="Pass a user id from the interactions.",
            )
        recs = self.recommend([user])
        row = self.counts_[code].tocoo()
        history = pd.DataFrame(
            {
                "user": user,
                "rank": pd.NA,
                "item": [self.items_[j] for j in row.col],
                "score": np.nan,
                "reason": [f"bought {int(c)} times" for c in row.data],
            }
        )
        return pd.concat(
            [recs.astype({"rank": "Int64"}), history.astype({"rank": "Int64"})], ignore_index=True
        )


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


def _normalise(scores: np.ndarray) -> np.ndarray:
    """Scale each row in place so its best finite score is 1 (one pass, no copies)."""
    top = scores.max(axis=1)
    scale = np.where(np.isfinite(top) & (top > 0), 1.0 / np.where(top > 0, top, 1.0), 1.0)
    scores *= scale[:, None].astype(np.float32)
    return scores


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
