"""Choose the recommender per data set by an offline ranking backtest.

The interactions are split per user: with timestamps the latest 20 % of each user's items
(at least one) are held out (a time split; leave-last-out for users with few items),
otherwise a random 20 %. Every candidate (family × a few settings) is fitted on the rest and
ranks the unseen items of up to 3,000 held-out users; the first candidate (in order of
cost: popularity, segment popularity, item-kNN, EASE, ALS, BPR, content, the LightGBM
hybrid) within 1 % of the best nDCG@k wins and is refitted on all data. BPR and the hybrid
are tried on small data only (they are the slowest); beyond 400,000 user–item pairs the
backtest runs on a random sample of users.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from revlearn.evaluate.ranking import score_lists
from revlearn.usecases.recommend.candidates import (
    EASE,
    Content,
    Factors,
    ItemKNN,
    Popularity,
    SegmentPopularity,
)
from revlearn.usecases.recommend.hybrid import Hybrid

logger = logging.getLogger(__name__)

METHODS = (
    "auto", "popularity", "segment_popularity", "item_knn", "ease", "als", "bpr", "content",
    "hybrid",
)  # fmt: skip
#: EASE inverts an items × items matrix: beyond this many items it is too slow and large.
EASE_MAX_ITEMS = 20_000
#: BPR's 100 epochs get slow beyond this many user–item pairs.
BPR_MAX_PAIRS = 60_000
VALIDATION_USERS = 3_000
HOLDOUT_SHARE = 0.2
BATCH = 2_000
#: The hybrid fits its base models twice and trains LightGBM (2–4 s at 80k pairs, and it lost
#: to EASE on the MovieLens-like set): "auto" tries it only up to this many pairs.
HYBRID_MAX_PAIRS = 50_000
#: Beyond this many user–item pairs the backtest runs on a random sample of users.
BACKTEST_MAX_PAIRS = 400_000


@dataclass
class Context:
    """What the candidates need beside the matrix: segments, item texts, time weights."""

    user_segment: np.ndarray | None = None
    n_segments: int = 0
    content: Content | None = None
    decay: sp.csr_matrix | None = None  # users × items time-decay weights, or None
    random_state: int = 0


def implicit_available() -> bool:
    try:
        import implicit  # noqa: F401
    except ImportError:  # pragma: no cover - the extra is installed in CI
        return False
    return True


def candidate_grid(
    method: str, n_items: int, n_pairs: int, context: Context
) -> list[tuple[str, dict[str, Any]]]:
    """(family, settings) pairs the backtest compares for ``method``."""
    ease_scales = (2.0, 6.0, 15.0) if n_items <= 2_500 else (6.0,)
    grid: dict[str, list[dict[str, Any]]] = {
        "popularity": [{}],
        "segment_popularity": [{}] if context.user_segment is not None else [],
        "item_knn": [{"neighbours": 50}, {"neighbours": 200}],
        "ease": [{"l2_scale": v} for v in ease_scales] if n_items <= EASE_MAX_ITEMS else [],
        "als": [{"factors": 32, "regularization": 0.05, "bm25": False}]
        if implicit_available()
        else [],
        "bpr": [{"factors": 32, "regularization": 0.01}]
        if implicit_available() and n_pairs <= BPR_MAX_PAIRS
        else [],
        "content": [{}] if context.content is not None else [],
        "hybrid": [{}] if n_pairs <= HYBRID_MAX_PAIRS and n_items <= 5_000 else [],
    }
    if method != "auto":
        settings = grid.get(method) or [{}]
        return [(method, s) for s in settings]
    return [(name, s) for name, options in grid.items() for s in options]


def fit_candidate(name: str, settings: dict[str, Any], X: sp.csr_matrix, context: Context) -> Any:
    """Fit one family with its settings on a users × items matrix."""
    if name == "popularity":
        return Popularity.fit(X)
    if name == "segment_popularity":
        assert context.user_segment is not None
        return SegmentPopularity.fit_segments(
            X, context.user_segment[: X.shape[0]], context.n_segments
        )
    if name == "item_knn":
        weighted = X if context.decay is None else X.multiply(context.decay).tocsr()
        return ItemKNN.fit(weighted, **settings)
    if name == "ease":
        # λ grows with the data: a multiple of the mean number of users per item.
        l2 = max(settings.get("l2_scale", 6.0) * X.nnz / max(X.shape[1], 1), 1.0)
        return EASE.fit(X, l2=l2)
    if name in ("als", "bpr"):
        return Factors.fit(X, kind=name, random_state=context.random_state, **settings)
    if name == "content":
        assert context.content is not None
        return context.content
    if name == "hybrid":
        return Hybrid.fit(
            X,
            use_ease=X.shape[1] <= EASE_MAX_ITEMS,
            content=context.content,
            random_state=context.random_state,
        )
    raise ValueError(name)  # pragma: no cover - names come from candidate_grid


def top_items(
    model: Any, X: sp.csr_matrix, rows: np.ndarray, k: int, exclude: sp.csr_matrix | None
) -> np.ndarray:
    """Top-k item codes per user (best first; -1 where fewer than k items are left)."""
    out = np.full((len(rows), k), -1, np.int64)
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        scores = model.scores(X[batch], batch)
        if exclude is not None:
            ex = exclude[batch].tocoo()
            scores[ex.row, ex.col] = -np.inf
        out[start : start + len(batch)] = top_of(scores, k)
    return out


def top_of(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the k best finite scores per row, best first; -1 pads.

    On wide rows it first keeps the k blocks (of 64 columns) with the highest maxima — the
    top k always lie in them — so the exact partition runs on k × 64 columns, not all.
    """
    n_rows, n = scores.shape
    if n >= 16 * 64 and k * 64 < n // 2:
        block_max = np.maximum.reduceat(scores, np.arange(0, n, 64), axis=1)
        best_blocks = np.argpartition(-block_max, k - 1, axis=1)[:, :k]
        columns = (best_blocks[:, :, None] * 64 + np.arange(64)).reshape(n_rows, -1)
        outside = columns >= n
        columns[outside] = n - 1
        values = np.take_along_axis(scores, columns, axis=1)
        values[outside] = -np.inf
        local = _exact_top(values, k)
        return np.where(local >= 0, np.take_along_axis(columns, np.maximum(local, 0), axis=1), -1)
    return _exact_top(scores, k)


def _exact_top(scores: np.ndarray, k: int) -> np.ndarray:
    n = scores.shape[1]
    kk = min(k, n)
    if kk < n:
        part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
    else:
        part = np.tile(np.arange(n), (len(scores), 1))
    vals = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    idx = np.take_along_axis(part, order, axis=1)
    vals = np.take_along_axis(vals, order, axis=1)
    idx[~np.isfinite(vals)] = -1
    if kk < k:
        idx = np.hstack([idx, np.full((len(idx), k - kk), -1)])
    return idx


def holdout(
    user_codes: np.ndarray, last_days: np.ndarray, rng: np.random.Generator, timed: bool
) -> np.ndarray:
    """Mask of the held-out user–item pairs (per user: the latest or a random 20 %)."""
    n = len(user_codes)
    key = last_days + rng.random(n) * 1e-6 if timed else rng.random(n)
    order = np.lexsort((-key, user_codes))  # per user, latest (or random) first
    users_sorted = user_codes[order]
    starts = np.r_[0, np.flatnonzero(np.diff(users_sorted)) + 1]
    sizes = np.diff(np.r_[starts, n])
    n_hold = np.where(sizes >= 2, np.maximum(1, np.floor(HOLDOUT_SHARE * sizes)), 0).astype(int)
    rank_in_user = np.arange(n) - np.repeat(starts, sizes)
    held_sorted = rank_in_user < np.repeat(n_hold, sizes)
    mask = np.zeros(n, bool)
    mask[order] = held_sorted
    return mask


def backtest(
    X: sp.csr_matrix,
    held: np.ndarray,
    user_codes: np.ndarray,
    item_codes: np.ndarray,
    candidates: list[tuple[str, dict[str, Any]]],
    context: Context,
    k: int,
) -> list[dict[str, Any]]:
    """Fit each candidate on the training pairs and score it on the held-out pairs.

    On large data a random sample of users (about ``BACKTEST_MAX_PAIRS`` pairs) takes part,
    renumbered so that the candidates fit on the sample only.
    """
    rng = np.random.default_rng(context.random_state)
    n_users = X.shape[0]
    members = np.arange(n_users)
    if X.nnz > BACKTEST_MAX_PAIRS:
        share = BACKTEST_MAX_PAIRS / X.nnz
        members = np.flatnonzero(rng.random(n_users) < share)
    new_code = np.full(n_users, -1, np.int64)
    new_code[members] = np.arange(len(members))
    inside = new_code[user_codes] >= 0
    shape = (len(members), X.shape[1])
    tr, te = inside & ~held, inside & held
    train = sp.csr_matrix(
        (np.ones(int(tr.sum()), np.float32), (new_code[user_codes[tr]], item_codes[tr])),
        shape=shape,
    )
    test = sp.csr_matrix(
        (np.ones(int(te.sum()), bool), (new_code[user_codes[te]], item_codes[te])), shape=shape
    )
    users = np.unique(new_code[user_codes[te]])
    if len(users) > VALIDATION_USERS:
        users = np.sort(rng.choice(users, VALIDATION_USERS, replace=False))
    train_context = Context(
        user_segment=None if context.user_segment is None else context.user_segment[members],
        n_segments=context.n_segments,
        content=context.content,
        decay=None if context.decay is None else context.decay[members],
        random_state=context.random_state,
    )
    popularity = np.asarray(train.sum(axis=0)).ravel() / max(len(members), 1)
    results = []
    for name, settings in candidates:
        started = time.perf_counter()
        model = fit_candidate(name, settings, train, train_context)
        recs = top_items(model, train, users, k, exclude=train)
        metrics = score_lists(recs, test[users], k, popularity=popularity)
        seconds = time.perf_counter() - started
        logger.info(
            "backtest %s %s: nDCG@%d %.4f (%.1f s)", name, settings, k, metrics.ndcg, seconds
        )
        results.append(
            {
                "method": name,
                "settings": dict(settings),
                "ndcg": metrics.ndcg,
                "precision": metrics.precision,
                "recall": metrics.recall,
                "coverage": metrics.coverage,
                "seconds": round(seconds, 3),
            }
        )
    return results
