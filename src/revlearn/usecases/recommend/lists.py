"""Turn model scores into ranked lists with reasons (the engine of ``Recommender.recommend``).

Per batch of users: the chosen model's scores, popularity for users without history, seen
items left out (consumables kept), new items placed through content similarity, a blocked
top-k, and the reason of each row. Everything is vectorised over the batch.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from revlearn.errors import RevlearnWarning
from revlearn.usecases.recommend import selection
from revlearn.usecases.recommend.candidates import Content, Popularity, SegmentPopularity
from revlearn.usecases.recommend.reasons import REPEAT, best_past_items, popular_reason

logger = logging.getLogger(__name__)

__all__: list[str] = []

#: A new item enters a user's list when its text cosine to one of their items reaches this.
MIN_CONTENT_SIMILARITY = 0.3


class RankedLists:
    """Mixin of :class:`~revlearn.usecases.recommend.Recommender`: scores → lists."""

    X_: sp.csr_matrix
    counts_: sp.csr_matrix
    items_: list[Any]
    n_warm_items_: int
    model_: Any
    popularity_: Popularity
    segments_: SegmentPopularity | None
    segment_labels_: list[str]
    content_: Content | None
    repeatable_: np.ndarray
    repeat_share_: np.ndarray
    exclude_seen: Any
    rating_col: str | None
    k: int

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
        out = pd.concat(parts, ignore_index=True)[columns]
        # Ids keep their type: integer ids come back as int64, text as object.
        out["user"] = out["user"].infer_objects()
        out["item"] = out["item"].infer_objects()
        return out

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
        again = np.zeros(0, np.int64)  # row * n_items + item of the regular repeat buys
        if repeat.any():
            counts = self.counts_[rows]
            r, i = seen.row[repeat], seen.col[repeat]
            c = np.asarray(counts[r, i]).ravel()
            boost = np.minimum(c / 2.0, 1.0) * self.repeat_share_[i] * 1.5
            scores[r, i] = np.where(c >= 2, boost, -np.inf)
            again = (r[c >= 2].astype(np.int64) * scores.shape[1]) + i[c >= 2]
        recs = selection.top_of(scores, k)
        frame = self._reasons(recs, scores, X, segments, popular_only, anchors, again)
        return frame, int(((recs < 0).any(axis=1)).sum())

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
        again: np.ndarray,
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
        if self.exclude_seen is False and X.nnz:
            reason[np.asarray(X[rows, items]).ravel() > 0] = "you bought this before"
        reason[np.isin(rows.astype(np.int64) * scores.shape[1] + items, again)] = REPEAT
        return pd.DataFrame(
            {
                "row": rows,
                "rank": cols + 1,
                "item": np.asarray(self.items_, dtype=object)[items],
                "score": np.round(scores[rows, items].astype(float), 4),
                "reason": reason,
            }
        )


def _normalise(scores: np.ndarray) -> np.ndarray:
    """Scale each row in place so its best finite score is 1 (one pass, no copies)."""
    top = scores.max(axis=1)
    scale = np.where(np.isfinite(top) & (top > 0), 1.0 / np.where(top > 0, top, 1.0), 1.0)
    scores *= scale[:, None].astype(np.float32)
    return scores
