"""Plain-language reasons for recommendations.

For an item recommended by an item-based or factor model, the reason names the past item
that supports it most (largest EASE weight, neighbour similarity or factor cosine): "because
you bought X". Popularity gives "popular with <segment> customers", text similarity
"similar to X", and a consumable the user buys again "you buy this regularly".
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

__all__: list[str] = []

REPEAT = "you buy this regularly"


def best_past_items(
    model: Any, X: sp.csr_matrix, recs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each (user, recommended item): the user's past item supporting it most.

    Parameters: ``X`` holds the batch's users (rows aligned with ``recs``), ``recs`` their
    recommended item codes (-1 pads). Returns (past item code or -1, its support) arrays of
    ``recs``' shape, vectorised over all (past item, recommendation) pairs.
    """
    X = X.tocsr()
    n_users = recs.shape[0]
    best = np.full(recs.shape, -1, np.int64)
    strength = np.zeros(recs.shape, np.float32)
    sizes = np.diff(X.indptr)
    if X.nnz == 0:
        return best, strength
    row_of_nz = np.repeat(np.arange(n_users), sizes)
    rec = recs[row_of_nz]  # nnz × k: each past item against each recommendation of its user
    past = np.broadcast_to(X.indices[:, None], rec.shape)
    ok = (rec >= 0) & (past != rec)  # an item does not explain itself
    values = np.full(rec.shape, -np.inf, np.float32)
    if ok.any():
        values[ok] = model.support(past[ok], rec[ok])
    with_rows = np.flatnonzero(sizes > 0)
    starts = X.indptr[with_rows]
    top = np.maximum.reduceat(values, starts, axis=0)
    slot = np.repeat(np.arange(len(with_rows)), sizes[with_rows])
    position = np.where(values == top[slot], np.arange(X.nnz)[:, None], X.nnz)
    first = np.minimum(np.minimum.reduceat(position, starts, axis=0), X.nnz - 1)
    best[with_rows] = X.indices[first]
    strength[with_rows] = top
    best[~np.isfinite(strength) | (strength <= 0)] = -1
    strength[~np.isfinite(strength)] = 0.0
    return best, strength


def popular_reason(segment_label: str | None) -> str:
    """The reason of a popularity pick."""
    return (
        f"popular with {segment_label} customers" if segment_label else "popular with all customers"
    )
