"""The candidate recommenders a :class:`~revlearn.usecases.recommend.Recommender` chooses from.

Each family learns from a user × item CSR matrix and keeps only numpy arrays or scipy CSR
matrices (so a fitted model saves with skops), and answers two questions: the score of
every item for a batch of users (:meth:`scores`) and how strongly a past item j supports a
recommended item i (:meth:`support`, used for "because you bought X").

* :class:`Popularity` — how many users hold each item (the baseline).
* :class:`SegmentPopularity` — the same within each user segment, shrunk to the overall
  popularity when a segment is small.
* :class:`ItemKNN` — item–item cosine of co-occurrence (with shrinkage, the top neighbours
  per item), on time-decayed weights when there are timestamps (Sarwar et al. 2001).
* :class:`EASE` — the closed-form item–item ridge regression of Steck (2019, "Embarrassingly
  shallow autoencoders for sparse data"): B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹.
  No maintained package ships it (it is four lines of numpy), so it is written here.
* :class:`Factors` — implicit-feedback matrix factorisation by ALS (Hu, Koren & Volinsky
  2008) or BPR (Rendle et al. 2009), trained by the ``implicit`` package (CPU, one
  thread); only the factor arrays are kept.
* :class:`Content` — item–item similarity of TF-IDF vectors (scikit-learn) of the items'
  attributes and description text; it reaches items nobody has bought yet. With the
  optional ``[embeddings]`` extra, ``Content.fit(texts, method="embeddings")`` (or
  ``"auto"``) uses MiniLM sentence embeddings instead, kept as a dense numpy array.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import get_lapack_funcs
from threadpoolctl import threadpool_limits

from revlearn.errors import MissingDependencyError, ParameterError
from revlearn.models import embeddings

__all__ = ["EASE", "Content", "Factors", "ItemKNN", "Popularity", "SegmentPopularity"]


class Popularity:
    """Recommend what most users hold.

    Parameters
    ----------
    counts : numpy.ndarray
        Number of users holding each item.
    """

    name = "popularity"

    def __init__(self, counts: np.ndarray) -> None:
        self.counts = np.asarray(counts, dtype=np.float32)

    @classmethod
    def fit(cls, X: sp.csr_matrix) -> Popularity:
        """Count the users holding each item.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            Users × items.

        Returns
        -------
        Popularity
            The fitted model.
        """
        return cls(np.asarray((X > 0).sum(axis=0)).ravel())

    def scores(self, X: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Score every item for a batch of users.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            The batch's rows of the user × item matrix.
        rows : numpy.ndarray
            The batch's user codes.

        Returns
        -------
        numpy.ndarray
            Users × items, float32: the share of users holding the item.
        """
        share = self.counts / max(float(self.counts.max()), 1.0)
        return np.broadcast_to(share, (X.shape[0], len(share))).copy()

    def support(self, past: np.ndarray, recommended: np.ndarray) -> np.ndarray:
        """Popularity does not use past items: every pair supports with 0.

        Parameters
        ----------
        past : numpy.ndarray
            Past item codes.
        recommended : numpy.ndarray
            Recommended item codes, same length.

        Returns
        -------
        numpy.ndarray
            Zeros.
        """
        return np.zeros(len(past), np.float32)


class SegmentPopularity(Popularity):
    """Recommend what most users of the same segment hold.

    Parameters
    ----------
    counts : numpy.ndarray
        Overall number of users holding each item.
    segment_scores : numpy.ndarray
        Segments × items: the smoothed share of the segment's users holding the item.
    user_segment : numpy.ndarray
        Segment code of each known user (-1 for none).
    """

    name = "segment_popularity"

    def __init__(
        self, counts: np.ndarray, segment_scores: np.ndarray, user_segment: np.ndarray
    ) -> None:
        super().__init__(counts)
        self.segment_scores = np.asarray(segment_scores, dtype=np.float32)
        self.user_segment = np.asarray(user_segment, dtype=np.int64)

    @classmethod
    def fit_segments(
        cls, X: sp.csr_matrix, user_segment: np.ndarray, n_segments: int, prior: float = 20.0
    ) -> SegmentPopularity:
        """Count the users holding each item within each segment.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            Users × items.
        user_segment : numpy.ndarray
            Segment code of each user (-1 for none).
        n_segments : int
            Number of segments.
        prior : float, default=20.0
            Pseudo-users of the overall popularity mixed into each segment.

        Returns
        -------
        SegmentPopularity
            The fitted model.
        """
        held = (X > 0).astype(np.float32).tocsr()
        overall = np.asarray(held.sum(axis=0)).ravel()
        share = overall / max(X.shape[0], 1)
        known = user_segment >= 0
        membership = sp.csr_matrix(
            (np.ones(int(known.sum()), np.float32), (user_segment[known], np.flatnonzero(known))),
            shape=(n_segments, X.shape[0]),
        )
        counts = np.asarray((membership @ held).todense())
        sizes = np.asarray(membership.sum(axis=1)).ravel()
        scores = (counts + prior * share) / (sizes[:, None] + prior)
        return cls(overall, scores, user_segment)

    def scores(self, X: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Score every item for a batch of users by their segment's popularity.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            The batch's rows of the user × item matrix.
        rows : numpy.ndarray
            The batch's user codes (-1 or beyond the known users for new users).

        Returns
        -------
        numpy.ndarray
            Users × items, float32.
        """
        return self.segment_rows(_segments_of(self.user_segment, rows))

    def segment_rows(self, segments: np.ndarray) -> np.ndarray:
        """Score every item for users given by segment code (-1: overall popularity).

        Parameters
        ----------
        segments : numpy.ndarray
            Segment code per user.

        Returns
        -------
        numpy.ndarray
            Users × items, float32.
        """
        overall = self.counts / max(float(self.counts.sum()), 1.0)
        overall = overall / max(float(overall.max()), 1e-12)
        out = np.empty((len(segments), len(self.counts)), np.float32)
        known = segments >= 0
        out[~known] = overall
        seg = self.segment_scores[segments[known]]
        out[known] = seg / np.maximum(seg.max(axis=1, keepdims=True), 1e-12)
        return out


def _segments_of(user_segment: np.ndarray, rows: np.ndarray) -> np.ndarray:
    inside = (rows >= 0) & (rows < len(user_segment))
    out = np.full(len(rows), -1, np.int64)
    out[inside] = user_segment[rows[inside]]
    return out


class ItemKNN:
    """Score items by their co-occurrence cosine with the user's past items.

    Parameters
    ----------
    similarity : scipy.sparse.csr_matrix
        Items × items: row j holds the top neighbours of item j.
    """

    name = "item_knn"

    def __init__(self, similarity: sp.csr_matrix) -> None:
        self.similarity = similarity

    @classmethod
    def fit(cls, X: sp.csr_matrix, *, neighbours: int = 100, shrink: float = 10.0) -> ItemKNN:
        """Compute the item–item cosine and keep the top neighbours of each item.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            Users × items (weights may be time-decayed).
        neighbours : int, default=100
            Neighbours kept per item.
        shrink : float, default=10.0
            Added to the cosine's denominator, so pairs seen together rarely count less.

        Returns
        -------
        ItemKNN
            The fitted model.
        """
        Xc = X.tocsc().astype(np.float32)
        co = (Xc.T @ Xc).tocsr()
        norms = np.sqrt(np.asarray(Xc.multiply(Xc).sum(axis=0)).ravel())
        co.setdiag(0)
        co.eliminate_zeros()
        coo = co.tocoo()
        values = coo.data / (norms[coo.row] * norms[coo.col] + shrink + 1e-12)
        sim = sp.csr_matrix((values.astype(np.float32), (coo.row, coo.col)), shape=co.shape)
        return cls(_top_per_row(sim, neighbours))

    def scores(self, X: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Score every item for a batch of users.

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
        return np.asarray((X @ self.similarity).todense(), dtype=np.float32)

    def support(self, past: np.ndarray, recommended: np.ndarray) -> np.ndarray:
        """How strongly each past item points to the recommended item.

        Parameters
        ----------
        past : numpy.ndarray
            Past item codes.
        recommended : numpy.ndarray
            Recommended item codes, same length.

        Returns
        -------
        numpy.ndarray
            The similarity of each pair.
        """
        return np.asarray(self.similarity[past, recommended]).ravel()


def _top_per_row(S: sp.csr_matrix, k: int) -> sp.csr_matrix:
    S = S.tocsr()
    S.sort_indices()
    rows, cols, vals = [], [], []
    for r in range(S.shape[0]):
        lo, hi = S.indptr[r], S.indptr[r + 1]
        if hi - lo > k:
            keep = lo + np.argpartition(-S.data[lo:hi], k)[:k]
        else:
            keep = np.arange(lo, hi)
        rows.append(np.full(len(keep), r))
        cols.append(S.indices[keep])
        vals.append(S.data[keep])
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=S.shape
    )


class EASE:
    """Score items by the closed-form item–item ridge regression of Steck (2019).

    Parameters
    ----------
    weights : numpy.ndarray
        Items × items, zero diagonal: B[j, i] is how much holding j predicts i.
    """

    name = "ease"

    def __init__(self, weights: np.ndarray) -> None:
        self.weights = weights

    @classmethod
    def fit(cls, X: sp.csr_matrix, *, l2: float = 300.0) -> EASE:
        """Solve the ridge regression of every item on all the others at once.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            Users × items.
        l2 : float, default=300.0
            Ridge penalty λ.

        Returns
        -------
        EASE
            The fitted model.
        """
        Xf = X.astype(np.float32)
        with threadpool_limits(1):
            G = np.asarray((Xf.T @ Xf).todense(), dtype=np.float32)
            G[np.diag_indices_from(G)] += np.float32(l2)
            P = _spd_inverse(G)
        B = P / (-np.diag(P))
        B[np.diag_indices_from(B)] = 0.0
        return cls(B.astype(np.float32))

    def scores(self, X: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Score every item for a batch of users.

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
        return np.asarray(X.astype(np.float32) @ self.weights, dtype=np.float32)

    def support(self, past: np.ndarray, recommended: np.ndarray) -> np.ndarray:
        """How strongly each past item predicts the recommended item.

        Parameters
        ----------
        past : numpy.ndarray
            Past item codes.
        recommended : numpy.ndarray
            Recommended item codes, same length.

        Returns
        -------
        numpy.ndarray
            B[past, recommended].
        """
        return self.weights[past, recommended]


def _spd_inverse(G: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric positive definite matrix by Cholesky (LAPACK potrf + potri).

    Single precision Cholesky is 5x faster than ``numpy.linalg.inv`` here (3.5 s against
    18 s for 5,000 items on one thread) and as accurate as EASE needs (1e-8).
    """
    potrf, potri = get_lapack_funcs(("potrf", "potri"), (G,))
    factor, info = potrf(G, lower=True, overwrite_a=True)
    if info != 0:  # pragma: no cover - G + λI is positive definite for λ > 0
        return np.linalg.inv(G)
    inverse, _ = potri(factor, lower=True, overwrite_c=True)
    lower = np.tril(inverse)
    return lower + np.tril(lower, -1).T


class Factors:
    """Score items by the dot product of user and item factors (ALS or BPR).

    Parameters
    ----------
    user_factors : numpy.ndarray
        Users × factors.
    item_factors : numpy.ndarray
        Items × factors.
    name : str
        ``"als"`` or ``"bpr"``.
    """

    def __init__(self, user_factors: np.ndarray, item_factors: np.ndarray, name: str) -> None:
        self.user_factors = user_factors
        self.item_factors = item_factors
        self.name = name
        norms = np.linalg.norm(item_factors, axis=1, keepdims=True)
        self.unit_items = (item_factors / np.maximum(norms, 1e-12)).astype(np.float32)

    @classmethod
    def fit(
        cls,
        X: sp.csr_matrix,
        *,
        kind: str = "als",
        factors: int = 64,
        regularization: float = 0.05,
        iterations: int = 15,
        bm25: bool = True,
        random_state: int = 0,
    ) -> Factors:
        """Train ALS or BPR with the ``implicit`` package on one CPU thread.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            Users × items.
        kind : {"als", "bpr"}, default="als"
            The factorisation.
        factors : int, default=64
            Latent factors.
        regularization : float, default=0.05
            L2 penalty.
        iterations : int, default=15
            ALS sweeps (BPR runs 100 epochs).
        bm25 : bool, default=True
            Weight the matrix by BM25 before ALS (implicit's ``bm25_weight``).
        random_state : int, default=0
            Seed.

        Returns
        -------
        Factors
            The fitted factors.

        Raises
        ------
        MissingDependencyError
            If ``implicit`` is not installed.
        """
        try:
            from implicit.cpu.als import AlternatingLeastSquares
            from implicit.cpu.bpr import BayesianPersonalizedRanking
            from implicit.nearest_neighbours import bm25_weight
        except ImportError as err:  # pragma: no cover - the extra is installed in CI
            raise MissingDependencyError(
                "ALS and BPR need the 'implicit' package.",
                where="Recommender.fit(method=...)",
                fix="Install revlearn[recsys], or use method='ease' or 'item_knn'.",
            ) from err
        Xf = X.astype(np.float32).tocsr()
        with threadpool_limits(1):
            if kind == "als":
                model = AlternatingLeastSquares(
                    factors=factors,
                    regularization=regularization,
                    iterations=iterations,
                    num_threads=1,
                    random_state=random_state,
                )
                weighted = bm25_weight(Xf, K1=100, B=0.8).tocsr() if bm25 else Xf
                model.fit(weighted.astype(np.float32), show_progress=False)
            else:
                model = BayesianPersonalizedRanking(
                    factors=factors,
                    regularization=regularization,
                    learning_rate=0.05,
                    iterations=100,
                    num_threads=1,
                    random_state=random_state,
                )
                model.fit((Xf > 0).astype(np.float32), show_progress=False)
        users = np.ascontiguousarray(_numpy(model.user_factors), dtype=np.float32)
        items = np.ascontiguousarray(_numpy(model.item_factors), dtype=np.float32)
        return cls(users, items, kind)

    def scores(self, X: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Score every item for a batch of users.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            The batch's rows of the user × item matrix.
        rows : numpy.ndarray
            The batch's user codes; users without factors score 0.

        Returns
        -------
        numpy.ndarray
            Users × items, float32.
        """
        out = np.zeros((len(rows), self.item_factors.shape[0]), np.float32)
        known = (rows >= 0) & (rows < self.user_factors.shape[0])
        with threadpool_limits(1):
            out[known] = self.user_factors[rows[known]] @ self.item_factors.T
        return out

    def support(self, past: np.ndarray, recommended: np.ndarray) -> np.ndarray:
        """Cosine of the factors of each past and recommended item.

        Parameters
        ----------
        past : numpy.ndarray
            Past item codes.
        recommended : numpy.ndarray
            Recommended item codes, same length.

        Returns
        -------
        numpy.ndarray
            One cosine per pair.
        """
        return np.einsum("ij,ij->i", self.unit_items[past], self.unit_items[recommended])


def _numpy(values: object) -> np.ndarray:
    """implicit's factors may be its own matrix type (GPU or CPU); make them numpy."""
    if hasattr(values, "to_numpy"):
        return np.asarray(values.to_numpy())
    return np.asarray(values)


class Content:
    """Score items by the similarity of their attributes and text to the user's items.

    TF-IDF by default; with the optional ``[embeddings]`` extra, MiniLM sentence embeddings
    of the item texts (:mod:`revlearn.models.embeddings`), which also relate descriptions
    that share no word ("wireless earbuds" and "bluetooth headphones").

    Parameters
    ----------
    vectors : scipy.sparse.csr_matrix or numpy.ndarray
        Items × terms (TF-IDF, sparse) or items × 384 (embeddings, dense float32), each
        row of unit length (or zero for an item without text).
    """

    name = "content"

    def __init__(self, vectors: sp.csr_matrix | np.ndarray) -> None:
        self.vectors = vectors

    @property
    def method(self) -> str:
        """``"embeddings"`` for dense sentence vectors, ``"tfidf"`` otherwise."""
        return "embeddings" if isinstance(self.vectors, np.ndarray) else "tfidf"

    @classmethod
    def fit(cls, texts: list[str], *, method: str = "tfidf") -> Content:
        """Vectorise each item's text (attributes and description).

        Parameters
        ----------
        texts : list of str
            One text per item, in item code order.
        method : {"tfidf", "embeddings", "auto"}, default="tfidf"
            TF-IDF, MiniLM sentence embeddings (the ``[embeddings]`` extra), or embeddings
            when the extra is installed and TF-IDF otherwise.

        Returns
        -------
        Content
            The fitted model.

        Raises
        ------
        ParameterError
            If ``method`` is unknown.
        MissingDependencyError
            If ``method="embeddings"`` and the extra is not installed.
        """
        from sklearn.feature_extraction.text import TfidfVectorizer

        if method not in ("tfidf", "embeddings", "auto"):
            raise ParameterError(
                f"Unknown content method {method!r}.",
                where="Content.fit(method=...)",
                fix="Use 'tfidf', 'embeddings' or 'auto'.",
            )
        if method == "embeddings" or (method == "auto" and embeddings.available()):
            dense = embeddings.encode(texts)
            dense[[not str(t).strip() for t in texts]] = 0.0
            return cls(np.ascontiguousarray(dense, dtype=np.float32))

        vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w+\b")
        try:
            vectors = vectorizer.fit_transform(texts)
        except ValueError:  # no words at all
            vectors = sp.csr_matrix((len(texts), 1), dtype=np.float64)
        return cls(sp.csr_matrix(vectors, dtype=np.float32))

    def scores(self, X: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Score every item for a batch of users by similarity to their items.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            The batch's rows of the user × item matrix.
        rows : numpy.ndarray
            The batch's user codes (unused).

        Returns
        -------
        numpy.ndarray
            Users × items, float32: mean cosine to the user's items.
        """
        held = (X > 0).astype(np.float32)
        profile = held @ self.vectors
        sizes = np.maximum(np.asarray(held.sum(axis=1)).ravel(), 1.0)
        product = profile @ self.vectors.T
        dense = np.asarray(product.todense() if sp.issparse(product) else product, np.float32)
        return dense / sizes[:, None].astype(np.float32)

    def support(self, past: np.ndarray, recommended: np.ndarray) -> np.ndarray:
        """Text cosine of each past and recommended item.

        Parameters
        ----------
        past : numpy.ndarray
            Past item codes.
        recommended : numpy.ndarray
            Recommended item codes, same length.

        Returns
        -------
        numpy.ndarray
            One cosine per pair.
        """
        a, b = self.vectors[past], self.vectors[recommended]
        if isinstance(a, np.ndarray):
            return np.einsum("ij,ij->i", a, b)
        return np.asarray(a.multiply(b).sum(axis=1)).ravel()

    def similar(self, item: int) -> np.ndarray:
        """Cosine of one item to every item.

        Parameters
        ----------
        item : int
            Item code.

        Returns
        -------
        numpy.ndarray
            One cosine per item.
        """
        product = self.vectors[item] @ self.vectors.T
        return np.asarray(product.todense() if sp.issparse(product) else product).ravel()
