"""Ranking metrics of top-k recommendations: accuracy, coverage, novelty and diversity.

Definitions (per user with at least one held-out item, then averaged over those users):

* precision@k = hits in the top k / k;
* recall@k = hits / number of held-out items;
* nDCG@k = Σ 1/log2(rank + 1) over hits, divided by the same sum for a perfect list
  (min(held-out, k) hits at the top);
* MAP@k = Σ precision@rank over hits / min(held-out, k);
* hit rate = share of users with at least one hit.

Over the whole set of lists: catalogue coverage = distinct items recommended / catalogue
size; novelty = mean self-information −log2(p) of the recommended items, p the share of
training users holding the item (Zhou et al. 2010); intra-list diversity = 1 − mean pairwise
cosine of the items in a list (Ziegler et al. 2005), on item vectors given by the caller
(attributes, or co-occurrence columns).

These are short numpy formulas over a users × k array of item codes, faster than a loop over
users and without a dependency (scikit-learn's ``ndcg_score`` needs dense score matrices).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from revlearn.errors import SchemaError

__all__ = ["RankingMetrics", "ranking_metrics", "ranking_metrics_over_k", "score_lists"]


@dataclass(frozen=True, slots=True)
class RankingMetrics:
    """Ranking quality of top-k lists.

    Attributes
    ----------
    k : int
        List length evaluated.
    precision : float
        Mean precision@k.
    recall : float
        Mean recall@k.
    ndcg : float
        Mean nDCG@k.
    map : float
        Mean average precision@k.
    hit_rate : float
        Share of users with at least one hit.
    coverage : float
        Share of the catalogue recommended to anybody.
    novelty : float
        Mean self-information of the recommended items, in bits (NaN without popularity).
    diversity : float
        Mean intra-list diversity (NaN without item vectors).
    n_users : int
        Users evaluated (those with a held-out item).
    """

    k: int
    precision: float
    recall: float
    ndcg: float
    map: float
    hit_rate: float
    coverage: float
    novelty: float
    diversity: float
    n_users: int

    def to_dict(self) -> dict[str, float | int]:
        """Return the metrics as a JSON-ready mapping.

        Returns
        -------
        dict
            Field name → value.
        """
        return {
            key: (int(v) if key in ("k", "n_users") else float(v))
            for key, v in asdict(self).items()
        }

    def to_frame(self) -> pd.DataFrame:
        """Return the metrics as a one-row table.

        Returns
        -------
        pandas.DataFrame
            One column per field.
        """
        return pd.DataFrame([self.to_dict()])


def score_lists(
    recommended: np.ndarray,
    relevant: sp.csr_matrix,
    k: int,
    *,
    n_items: int | None = None,
    popularity: np.ndarray | None = None,
    item_vectors: np.ndarray | sp.spmatrix | None = None,
) -> RankingMetrics:
    """Compute the ranking metrics from coded lists (the fast path).

    Parameters
    ----------
    recommended : numpy.ndarray
        Users × L item codes, best first; -1 pads short lists.
    relevant : scipy.sparse.csr_matrix
        Users × items, non-zero where the item is held out for the user (same row order).
    k : int
        Cut-off (at most L).
    n_items : int, optional
        Catalogue size; ``relevant.shape[1]`` by default.
    popularity : numpy.ndarray, optional
        Share of training users holding each item, for novelty.
    item_vectors : numpy.ndarray or scipy.sparse matrix, optional
        One row per item, for intra-list diversity.

    Returns
    -------
    RankingMetrics
        The metrics at k.
    """
    rel = sp.csr_matrix(relevant, dtype=bool)
    n_rel = np.diff(rel.indptr)
    evaluated = n_rel > 0
    recs = np.asarray(recommended)[:, :k]
    valid = recs >= 0
    safe = np.where(valid, recs, 0)
    rows = np.repeat(np.arange(recs.shape[0]), recs.shape[1]).reshape(recs.shape)
    hits = np.asarray(rel[rows.ravel(), safe.ravel()]).reshape(recs.shape) & valid
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (hits * discount[: recs.shape[1]]).sum(axis=1)
    ideal = np.cumsum(discount)[np.minimum(n_rel, k) - 1]
    ideal = np.where(n_rel > 0, ideal, 1.0)
    n_hits = hits.sum(axis=1)
    precision_at = np.cumsum(hits, axis=1) / np.arange(1, recs.shape[1] + 1)
    ap = (precision_at * hits).sum(axis=1) / np.maximum(np.minimum(n_rel, k), 1)
    e = evaluated
    n_all = n_items if n_items is not None else rel.shape[1]
    shown = recs[valid]
    novelty = float("nan")
    if popularity is not None and shown.size:
        p = np.clip(np.asarray(popularity, dtype=float)[shown], 1e-12, 1.0)
        novelty = float(np.mean(-np.log2(p)))
    return RankingMetrics(
        k=int(k),
        precision=_mean(n_hits[e] / k),
        recall=_mean(n_hits[e] / np.maximum(n_rel[e], 1)),
        ndcg=_mean(dcg[e] / ideal[e]),
        map=_mean(ap[e]),
        hit_rate=_mean((n_hits[e] > 0).astype(float)),
        coverage=float(len(np.unique(shown)) / max(n_all, 1)),
        novelty=novelty,
        diversity=_diversity(recs, valid, item_vectors),
        n_users=int(e.sum()),
    )


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


def _diversity(
    recs: np.ndarray, valid: np.ndarray, item_vectors: np.ndarray | sp.spmatrix | None
) -> float:
    if item_vectors is None or recs.shape[1] < 2:
        return float("nan")
    V = sp.csr_matrix(item_vectors, dtype=np.float64)
    norms = np.sqrt(np.asarray(V.multiply(V).sum(axis=1)).ravel())
    V = sp.diags(1.0 / np.maximum(norms, 1e-12)) @ V
    values = []
    for row, ok in zip(recs, valid, strict=True):
        items = row[ok]
        if len(items) < 2:
            continue
        sub = V[items]
        sims = np.asarray((sub @ sub.T).todense())
        n = len(items)
        mean_sim = (sims.sum() - np.trace(sims)) / (n * (n - 1))
        values.append(1.0 - mean_sim)
    return float(np.mean(values)) if values else float("nan")


def ranking_metrics(
    recommendations: pd.DataFrame,
    held_out: pd.DataFrame,
    *,
    k: int = 10,
    user_col: str = "user",
    item_col: str = "item",
    n_items: int | None = None,
    popularity: Mapping[object, float] | None = None,
    item_vectors: Mapping[object, Sequence[float]] | None = None,
) -> RankingMetrics:
    """Score top-k recommendations against the items users went on to choose.

    Parameters
    ----------
    recommendations : pandas.DataFrame
        One row per recommendation with ``user_col``, ``item_col`` and ``rank`` (1 = best),
        as :meth:`Recommender.recommend` returns.
    held_out : pandas.DataFrame
        The interactions kept out of training, with ``user_col`` and ``item_col``.
    k : int, default=10
        Cut-off.
    user_col : str, default="user"
        User column of both tables.
    item_col : str, default="item"
        Item column of both tables.
    n_items : int, optional
        Catalogue size for coverage; the distinct items of both tables by default.
    popularity : mapping, optional
        Item → share of training users holding it, for novelty.
    item_vectors : mapping, optional
        Item → numeric vector, for intra-list diversity.

    Returns
    -------
    RankingMetrics
        The metrics at k, averaged over the held-out users.

    Raises
    ------
    SchemaError
        If a table lacks the user, item or rank column.
    """
    return ranking_metrics_over_k(
        recommendations,
        held_out,
        ks=[k],
        user_col=user_col,
        item_col=item_col,
        n_items=n_items,
        popularity=popularity,
        item_vectors=item_vectors,
    )[0]


def ranking_metrics_over_k(
    recommendations: pd.DataFrame,
    held_out: pd.DataFrame,
    *,
    ks: Sequence[int] = (1, 5, 10, 20),
    user_col: str = "user",
    item_col: str = "item",
    n_items: int | None = None,
    popularity: Mapping[object, float] | None = None,
    item_vectors: Mapping[object, Sequence[float]] | None = None,
) -> list[RankingMetrics]:
    """Score top-k recommendations at several cut-offs.

    Parameters
    ----------
    recommendations : pandas.DataFrame
        One row per recommendation with ``user_col``, ``item_col`` and ``rank``.
    held_out : pandas.DataFrame
        The interactions kept out of training, with ``user_col`` and ``item_col``.
    ks : sequence of int, default=(1, 5, 10, 20)
        Cut-offs.
    user_col : str, default="user"
        User column of both tables.
    item_col : str, default="item"
        Item column of both tables.
    n_items : int, optional
        Catalogue size for coverage; the distinct items of both tables by default.
    popularity : mapping, optional
        Item → share of training users holding it, for novelty.
    item_vectors : mapping, optional
        Item → numeric vector, for intra-list diversity.

    Returns
    -------
    list of RankingMetrics
        One per cut-off, in the order of ``ks``.

    Raises
    ------
    SchemaError
        If a table lacks the user, item or rank column.
    """
    for name, frame, cols in (
        ("recommendations", recommendations, [user_col, item_col, "rank"]),
        ("held_out", held_out, [user_col, item_col]),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise SchemaError(
                f"Column(s) {', '.join(map(repr, missing))} not found in {name}.",
                where=f"ranking_metrics({name}=...)",
                fix=f"Pass user_col/item_col; found {', '.join(map(str, frame.columns))}.",
            )
    users = pd.Index(pd.unique(held_out[user_col]))
    items = pd.Index(pd.unique(pd.concat([recommendations[item_col], held_out[item_col]])))
    L = max(max(ks), 1)
    recs = np.full((len(users), L), -1, np.int64)
    top = recommendations[recommendations["rank"] <= L]
    r = users.get_indexer(top[user_col])
    ok = r >= 0
    recs[r[ok], top["rank"].to_numpy()[ok].astype(int) - 1] = items.get_indexer(top[item_col])[ok]
    relevant = sp.csr_matrix(
        (
            np.ones(len(held_out), bool),
            (users.get_indexer(held_out[user_col]), items.get_indexer(held_out[item_col])),
        ),
        shape=(len(users), len(items)),
    )
    pop = None if popularity is None else np.array([popularity.get(i, 0.0) for i in items])
    vectors = None
    if item_vectors is not None:
        width = len(next(iter(item_vectors.values())))
        vectors = np.array([item_vectors.get(i, np.zeros(width)) for i in items], dtype=float)
    return [
        score_lists(
            recs, relevant, k, n_items=n_items or len(items), popularity=pop, item_vectors=vectors
        )
        for k in ks
    ]
