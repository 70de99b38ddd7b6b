"""A hybrid recommender: LightGBM's LambdaRank re-ranks the candidates of simpler models.

The union of each base model's top items per user (EASE when the catalogue allows, item–kNN
and popularity) is described by user, item and pair features: each base's score, its
score relative to the user's best and its rank among the candidates, the item's popularity,
the user's history length and, when given, segment popularity and text similarity. A
``lightgbm.LGBMRanker`` (lambdarank objective, one thread) learns from an inner split of
the training data which candidates users went on to choose; the base models are then
refitted on all of it. LightGBM does the learning; the candidate generation and features
are the few lines that tie the models together.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from revlearn.usecases.recommend.candidates import EASE, Content, ItemKNN, Popularity

__all__: list[str] = []

#: Candidates taken from each base model per user.
N_CANDIDATES = 20
#: Users whose inner held-out items train the ranker (a random sample beyond this).
TRAIN_USERS = 800


class Hybrid:
    """Re-rank the union of the base models' candidates with a LambdaRank model.

    Parameters
    ----------
    bases : list
        The fitted base models (first: the one that explains recommendations).
    booster : str
        The LightGBM model as text (``Booster.model_to_string``), so it saves as a string.
    popularity : numpy.ndarray
        Users holding each item.
    content : Content or None
        Text similarity of items, when item attributes were given.
    """

    name = "hybrid"

    def __init__(
        self, bases: list[Any], booster: str, popularity: np.ndarray, content: Content | None
    ) -> None:
        self.bases = bases
        self.booster = booster
        self.popularity = np.asarray(popularity, np.float32)
        self.content = content
        self._model: Any = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_model"] = None  # rebuilt from the text on first use
        return state

    @classmethod
    def fit(
        cls,
        X: sp.csr_matrix,
        *,
        use_ease: bool,
        content: Content | None,
        random_state: int = 0,
    ) -> Hybrid:
        """Train the ranker on an inner split, then refit the bases on all of ``X``.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            Users × items.
        use_ease : bool
            Include EASE among the bases (small enough catalogues).
        content : Content or None
            Text similarity of items.
        random_state : int, default=0
            Seed of the inner split and of LightGBM.

        Returns
        -------
        Hybrid
            The fitted model.
        """
        from lightgbm import LGBMRanker

        rng = np.random.default_rng(random_state)
        X = X.tocsr()
        coo = X.tocoo()
        held = rng.random(coo.nnz) < 0.2
        sizes = np.diff(X.indptr)
        held &= sizes[coo.row] >= 3
        inner = sp.csr_matrix(
            (np.ones(int((~held).sum()), np.float32), (coo.row[~held], coo.col[~held])),
            shape=X.shape,
        )
        labels = sp.csr_matrix(
            (np.ones(int(held.sum()), bool), (coo.row[held], coo.col[held])), shape=X.shape
        )
        users = np.unique(coo.row[held])
        if len(users) > TRAIN_USERS:
            users = np.sort(rng.choice(users, TRAIN_USERS, replace=False))
        draft = cls(_bases(inner, use_ease), "", np.asarray(inner.sum(axis=0)).ravel(), content)
        cand, feats = draft._features(inner[users])
        y = np.asarray(labels[users][np.repeat(np.arange(len(users)), cand.shape[1]), cand.ravel()])
        y = y.reshape(cand.shape) & (cand >= 0)
        keep = y.any(axis=1)
        valid = (cand >= 0)[keep]
        X_rank = feats[keep][valid]
        y_rank = y[keep][valid].astype(int)
        ranker = LGBMRanker(
            objective="lambdarank",
            n_estimators=60,
            learning_rate=0.1,
            num_leaves=31,
            min_child_samples=20,
            n_jobs=1,
            random_state=random_state,
            verbose=-1,
        )
        ranker.fit(X_rank, y_rank, group=valid.sum(axis=1))
        text = ranker.booster_.model_to_string()
        return cls(_bases(X, use_ease), text, np.asarray(X.sum(axis=0)).ravel(), content)

    def _features(self, X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Candidates (users × C item codes, -1 unused) and their features (users × C × F)."""
        from revlearn.usecases.recommend.selection import top_of

        n_users = X.shape[0]
        rows = np.arange(n_users)
        seen = X.tocoo()
        base_scores = []
        picks = []
        for base in self.bases:
            s = base.scores(X, rows)
            s[seen.row, seen.col] = -np.inf
            base_scores.append(s)
            picks.append(top_of(s, N_CANDIDATES))
        cand = np.sort(np.hstack(picks), axis=1)
        dup = np.zeros(cand.shape, bool)
        dup[:, 1:] = cand[:, 1:] == cand[:, :-1]
        cand[dup] = -1
        safe = np.maximum(cand, 0)
        columns = []
        for s in base_scores:
            got = np.take_along_axis(s, safe, axis=1)
            got = np.where(np.isfinite(got), got, np.nan)
            top = np.nanmax(np.where(cand >= 0, got, np.nan), axis=1, keepdims=True)
            order = np.argsort(np.argsort(-np.nan_to_num(got, nan=-np.inf), axis=1), axis=1)
            columns += [got, got / np.where(np.abs(top) > 0, np.abs(top), 1.0), order]
        columns.append(np.log1p(self.popularity[safe]))
        columns.append(np.broadcast_to(np.log1p(np.diff(X.indptr))[:, None], cand.shape))
        if self.content is not None:
            columns.append(np.take_along_axis(self.content.scores(X, rows), safe, axis=1))
        feats = np.stack(columns, axis=2).astype(np.float32)
        return cand, feats

    def scores(self, X: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Score every item for a batch of users: re-ranked candidates in (0, 1), others 0.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            The batch's rows of the user × item matrix.
        rows : numpy.ndarray
            The batch's user codes (unused).

        Returns
        -------
        numpy.ndarray
            Users × items, float32.
        """
        out = np.zeros(X.shape, np.float32)
        if X.shape[0] == 0:
            return out
        cand, feats = self._features(X)
        if self._model is None:
            from lightgbm import Booster

            self._model = Booster(model_str=self.booster)
        flat = feats.reshape(-1, feats.shape[2])
        raw = np.asarray(self._model.predict(flat, num_threads=1)).reshape(cand.shape)
        value = 1.0 / (1.0 + np.exp(-raw))
        r, c = np.nonzero(cand >= 0)
        out[r, cand[r, c]] = value[r, c]
        return out

    def support(self, past: np.ndarray, recommended: np.ndarray) -> np.ndarray:
        """How strongly each past item points to the recommended item (first base model).

        Parameters
        ----------
        past : numpy.ndarray
            Past item codes.
        recommended : numpy.ndarray
            Recommended item codes, same length.

        Returns
        -------
        numpy.ndarray
            The first base model's support.
        """
        return np.asarray(self.bases[0].support(past, recommended))


def _bases(X: sp.csr_matrix, use_ease: bool) -> list[Any]:
    bases: list[Any] = []
    if use_ease:
        bases.append(EASE.fit(X, l2=max(6.0 * X.nnz / max(X.shape[1], 1), 1.0)))
    bases.append(ItemKNN.fit(X, neighbours=50))
    bases.append(Popularity.fit(X))
    return bases
