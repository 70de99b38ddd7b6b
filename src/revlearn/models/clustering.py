"""Clustering building blocks for customer segmentation: design, k choice, SOM, stability.

The customer segments use case (:mod:`revlearn.usecases.segments`) needs four things that
no single library gives together:

- a design matrix for mixed numeric/categorical attributes (:func:`mixed_preprocessor`):
  scikit-learn's ``ColumnTransformer`` with ``log1p`` for right-skewed money/count columns,
  median imputation and standard scaling, and one-hot encoding weighted per categorical so
  that each categorical carries the variance of one standardised numeric column (unweighted
  dummies let a many-level categorical dominate the distances);
- the choice of the number of segments (:func:`select_k`) by silhouette on a sample, with
  the Davies–Bouldin and Calinski–Harabasz indices from ``sklearn.metrics`` for each
  candidate, and a structureless reference (:func:`null_silhouette`, a Gaussian with the
  data's covariance) that tells real segments from k-means cutting a blob;
- a self-organising map trained with MiniSom (:func:`train_som`) but kept as a plain weight
  array, so customers are assigned by a vectorised best-matching-unit search
  (:func:`best_matching_units`) and the fitted model never holds a ``MiniSom`` object (the
  registry only loads numpy/scikit-learn/revlearn types);
- bootstrap stability (:func:`bootstrap_stability`): the adjusted Rand index between the
  model's labels and labels refitted on resamples (Hennig 2007), which no library offers
  for the three methods.

K-means is scikit-learn's (``MiniBatchKMeans`` above :data:`MINIBATCH_ROWS` rows), Ward is
SciPy's ``linkage`` on a sample of at most :data:`WARD_ROWS` rows (its memory grows with the
square of the rows) with the other customers assigned to the nearest segment centre.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.stats import skew
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from revlearn.errors import InputError, MissingDependencyError

__all__ = [
    "METHODS",
    "MINIBATCH_ROWS",
    "WARD_ROWS",
    "best_matching_units",
    "bootstrap_stability",
    "fit_partition",
    "log1p_clipped",
    "mixed_preprocessor",
    "nearest_centre",
    "null_silhouette",
    "partition_scores",
    "select_k",
    "som_shape",
    "train_som",
    "u_matrix",
]

logger = logging.getLogger(__name__)

Method = Literal["kmeans", "ward", "som"]
#: The segmentation methods.
METHODS: tuple[str, ...] = ("kmeans", "ward", "som")
#: Above this many rows k-means runs as ``MiniBatchKMeans``.
MINIBATCH_ROWS = 100_000
#: Ward's linkage runs on at most this many rows (memory grows with rows²).
WARD_ROWS = 5000
#: Rows used for the silhouette (its cost grows with rows²).
SILHOUETTE_ROWS = 3000
#: Skewness above which a non-negative column is log-transformed.
SKEW_LIMIT = 1.0
_CHUNK = 50_000


def mixed_preprocessor(
    frame: pd.DataFrame, numeric: Sequence[str], categorical: Sequence[str]
) -> tuple[ColumnTransformer, list[str]]:
    """Build the design for mixed customer attributes (unfitted).

    Numeric columns are imputed with the median and standard-scaled; non-negative columns
    with skewness above 1 (money, counts, days) are ``log1p``-transformed first. Each
    categorical is imputed as ``"missing"``, one-hot encoded (rare levels grouped) and
    weighted by ``1 / sqrt(sum p (1 - p))`` so its dummies together have variance 1.

    Parameters
    ----------
    frame : pandas.DataFrame
        Typed training data (numbers as floats, categoricals as strings).
    numeric : sequence of str
        Numeric and yes/no columns.
    categorical : sequence of str
        Categorical columns.

    Returns
    -------
    tuple of (ColumnTransformer, list of str)
        The transformer (output: numeric columns first, in order, then the dummies) and the
        numeric columns that are log-transformed.
    """
    logged = [c for c in numeric if _skewed(frame[c])]
    transformers: list[tuple[str, Any, list[str]]] = []
    weights: dict[str, float] = {}
    for i, col in enumerate(numeric):
        steps: list[Any] = [SimpleImputer(strategy="median")]
        if col in logged:
            steps.append(FunctionTransformer(log1p_clipped, feature_names_out="one-to-one"))
        transformers.append((f"n{i}", make_pipeline(*steps, StandardScaler()), [col]))
    for i, col in enumerate(categorical):
        encoder = Pipeline(
            [
                ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
                (
                    "onehot",
                    OneHotEncoder(
                        handle_unknown="infrequent_if_exist",
                        min_frequency=0.01,
                        max_categories=20,
                        sparse_output=False,
                    ),
                ),
            ]
        )
        name = f"c{i}"
        transformers.append((name, encoder, [col]))
        shares = frame[col].fillna("missing").astype(str).value_counts(normalize=True)
        variance = float((shares * (1 - shares)).sum())
        weights[name] = 1.0 / np.sqrt(variance) if variance > 0 else 1.0
    return (
        ColumnTransformer(
            transformers, transformer_weights=weights or None, verbose_feature_names_out=False
        ),
        logged,
    )


def log1p_clipped(values: np.ndarray) -> np.ndarray:
    """Return ``log(1 + x)`` with negative values (unseen in training) read as 0.

    Parameters
    ----------
    values : numpy.ndarray
        Non-negative money, count or day values.

    Returns
    -------
    numpy.ndarray
        ``log1p(max(x, 0))``.
    """
    return np.asarray(np.log1p(np.maximum(values, 0)), dtype=float)


def _skewed(values: pd.Series) -> bool:
    known = values.dropna().to_numpy(dtype=float)
    if len(known) < 3 or known.min() < 0 or len(np.unique(known[:10_000])) <= 2:
        return False  # negative values, or a yes/no column: a log changes nothing useful
    return bool(skew(known) > SKEW_LIMIT)


def nearest_centre(X: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Assign each row to its nearest centre (Euclidean), in chunks.

    Parameters
    ----------
    X : numpy.ndarray
        Rows × features.
    centres : numpy.ndarray
        Centres × features.

    Returns
    -------
    tuple of numpy.ndarray
        The index of the nearest centre per row (int) and the distance to it.
    """
    labels = np.empty(len(X), dtype=np.int64)
    dist = np.empty(len(X), dtype=float)
    c2 = (centres**2).sum(axis=1)
    for start in range(0, len(X), _CHUNK):
        block = X[start : start + _CHUNK]
        d2 = (block**2).sum(axis=1)[:, None] - 2.0 * block @ centres.T + c2[None, :]
        best = d2.argmin(axis=1)
        labels[start : start + len(block)] = best
        dist[start : start + len(block)] = np.sqrt(np.maximum(d2[np.arange(len(block)), best], 0))
    return labels, dist


def best_matching_units(X: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Return each row's best-matching SOM node (vectorised, chunked).

    Parameters
    ----------
    X : numpy.ndarray
        Rows × features.
    weights : numpy.ndarray
        SOM node weights, nodes × features (row-major over the grid).

    Returns
    -------
    numpy.ndarray
        The flat index of the nearest node per row.
    """
    return nearest_centre(X, weights)[0]


def som_shape(n_rows: int) -> tuple[int, int]:
    """Choose a square SOM grid for a number of customers.

    Parameters
    ----------
    n_rows : int
        Customers the map is trained on.

    Returns
    -------
    tuple of int
        ``(side, side)`` with about ``5 √n`` nodes (Vesanto's rule), side between 4 and 12.
    """
    side = int(np.clip(round(np.sqrt(5 * np.sqrt(max(n_rows, 1)))), 4, 12))
    return side, side


def train_som(
    X: np.ndarray, shape: tuple[int, int], *, n_iter: int = 5000, random_state: int = 0
) -> np.ndarray:
    """Train a self-organising map with MiniSom and return its weights.

    Parameters
    ----------
    X : numpy.ndarray
        Rows × features (scaled).
    shape : tuple of int
        Grid rows and columns.
    n_iter : int, default=5000
        Training steps (one random row each).
    random_state : int, default=0
        Seed.

    Returns
    -------
    numpy.ndarray
        Node weights, ``rows * cols`` × features, row-major over the grid.

    Raises
    ------
    MissingDependencyError
        If minisom is not installed.
    """
    try:
        from minisom import MiniSom
    except ImportError as err:
        raise MissingDependencyError(
            "The self-organising map (method='som') needs the minisom package.",
            where="CustomerSegments(method='som')",
            fix="pip install 'revlearn[segments]' (or: pip install minisom).",
        ) from err
    rows, cols = shape
    som = MiniSom(
        rows,
        cols,
        X.shape[1],
        sigma=max(max(shape) / 4.0, 1.0),
        learning_rate=0.5,
        random_seed=random_state,
    )
    if X.shape[1] > 1:
        som.pca_weights_init(X)
    else:
        som.random_weights_init(X)
    som.train(X, n_iter, random_order=True)
    return np.asarray(som.get_weights(), dtype=float).reshape(rows * cols, X.shape[1])


def u_matrix(weights: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Compute the U-matrix: mean distance of each SOM node to its grid neighbours.

    Parameters
    ----------
    weights : numpy.ndarray
        Node weights, ``rows * cols`` × features.
    shape : tuple of int
        Grid rows and columns.

    Returns
    -------
    numpy.ndarray
        ``rows`` × ``cols``; high values mark borders between groups of customers.
    """
    rows, cols = shape
    grid = weights.reshape(rows, cols, -1)
    padded = np.full((rows + 2, cols + 2, grid.shape[2]), np.nan)
    padded[1:-1, 1:-1] = grid
    distances = [
        np.sqrt(((grid - padded[1 + dr : 1 + dr + rows, 1 + dc : 1 + dc + cols]) ** 2).sum(-1))
        for dr in (-1, 0, 1)
        for dc in (-1, 0, 1)
        if dr or dc
    ]
    return np.asarray(np.nanmean(np.stack(distances), axis=0), dtype=float)


def fit_partition(
    X: np.ndarray,
    k: int,
    method: str,
    *,
    random_state: int = 0,
    n_init: int = 4,
    som_weights: np.ndarray | None = None,
    tree: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Split rows into ``k`` segments with one method.

    Parameters
    ----------
    X : numpy.ndarray
        Rows × features (for Ward: at most :data:`WARD_ROWS` rows).
    k : int
        Number of segments.
    method : {"kmeans", "ward", "som"}
        K-means, Ward's hierarchical clustering, or k-means on the SOM node weights
        (weighted by the customers each node holds).
    random_state : int, default=0
        Seed.
    n_init : int, default=4
        K-means restarts.
    som_weights : numpy.ndarray, optional
        Trained SOM node weights (required for ``"som"``).
    tree : numpy.ndarray, optional
        Ward linkage of ``X`` already computed (``scipy.cluster.hierarchy.linkage``).

    Returns
    -------
    dict of str to numpy.ndarray
        ``labels`` (per row of ``X``) and ``centres`` (mean of each segment's rows); for
        ``"som"`` also ``node_segments`` (segment of each node).

    Raises
    ------
    InputError
        If the rows cannot be split into ``k`` non-empty segments.
    """
    with warnings.catch_warnings():  # duplicate rows: our own error below says it plainly
        warnings.simplefilter("ignore", ConvergenceWarning)
        labels, node_segments = _partition(X, k, method, random_state, n_init, som_weights, tree)
    labels = _compact(np.asarray(labels, dtype=np.int64))
    if labels.max() + 1 < k:
        raise InputError(
            f"The customers could only be split into {labels.max() + 1} distinct segments, "
            f"not {k}.",
            where=f"CustomerSegments(method={method!r})",
            fix="Ask for fewer segments: many customers have identical values.",
        )
    out = {"labels": labels, "centres": _means(X, labels, k)}
    if node_segments is not None:
        out["node_segments"] = np.asarray(node_segments, dtype=np.int64)
    return out


def _partition(
    X: np.ndarray,
    k: int,
    method: str,
    random_state: int,
    n_init: int,
    som_weights: np.ndarray | None,
    tree: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    node_segments = None
    if method == "ward":
        tree = linkage(X, method="ward") if tree is None else tree
        labels = fcluster(tree, t=k, criterion="maxclust") - 1
    elif method == "som":
        if som_weights is None:
            raise InputError("SOM weights are needed.", where="fit_partition(method='som')")
        bmu = best_matching_units(X, som_weights)
        hits = np.bincount(bmu, minlength=len(som_weights)).astype(float)
        used = np.flatnonzero(hits)
        if len(used) < k:
            raise InputError(
                f"Only {len(used)} SOM nodes hold customers, fewer than {k} segments.",
                where="CustomerSegments(method='som')",
                fix="Ask for fewer segments or use a larger map (som_shape).",
            )
        km = KMeans(k, n_init=n_init, random_state=random_state)
        km.fit(som_weights[used], sample_weight=hits[used])
        node_segments = nearest_centre(som_weights, km.cluster_centers_)[0]
        labels = node_segments[bmu]
    elif len(X) > MINIBATCH_ROWS:
        mb = MiniBatchKMeans(
            k, n_init=3, batch_size=4096, random_state=random_state, max_no_improvement=20
        )
        labels = mb.fit_predict(X)
    else:
        labels = KMeans(k, n_init=n_init, random_state=random_state).fit_predict(X)
    return labels, node_segments


def _compact(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0..m-1 (empty clusters removed)."""
    return np.unique(labels, return_inverse=True)[1].astype(np.int64)


def _means(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    counts = np.bincount(labels, minlength=k).astype(float)
    sums = np.zeros((k, X.shape[1]))
    np.add.at(sums, labels, X)
    return np.asarray(sums / np.maximum(counts, 1)[:, None], dtype=float)


def partition_scores(
    X: np.ndarray, labels: np.ndarray, *, random_state: int = 0
) -> dict[str, float]:
    """Measure how well separated a partition is.

    Parameters
    ----------
    X : numpy.ndarray
        Rows × features.
    labels : numpy.ndarray
        Segment of each row.
    random_state : int, default=0
        Seed of the silhouette sample.

    Returns
    -------
    dict of str to float
        ``silhouette`` (on at most 3,000 rows; −1…1, higher is better), ``davies_bouldin``
        (lower is better) and ``calinski_harabasz`` (higher is better); NaN for a single
        segment.
    """
    if len(np.unique(labels)) < 2:
        nan = float("nan")
        return {"silhouette": nan, "davies_bouldin": nan, "calinski_harabasz": nan}
    size = min(len(X), SILHOUETTE_ROWS)
    silhouette = silhouette_score(X, labels, sample_size=size, random_state=random_state)
    return {
        "silhouette": float(silhouette),
        "davies_bouldin": float(davies_bouldin_score(X, labels)),
        "calinski_harabasz": float(calinski_harabasz_score(X, labels)),
    }


def select_k(
    X: np.ndarray,
    ks: Sequence[int],
    method: str,
    *,
    random_state: int = 0,
    som_weights: np.ndarray | None = None,
    tree: np.ndarray | None = None,
) -> list[dict[str, float]]:
    """Score each candidate number of segments on a sample.

    Parameters
    ----------
    X : numpy.ndarray
        A sample of rows × features (for Ward at most :data:`WARD_ROWS`).
    ks : sequence of int
        Candidate numbers of segments.
    method : {"kmeans", "ward", "som"}
        The method (Ward computes its tree once and cuts it at every k).
    random_state : int, default=0
        Seed.
    som_weights : numpy.ndarray, optional
        Trained SOM node weights (required for ``"som"``).
    tree : numpy.ndarray, optional
        Ward linkage of ``X`` already computed.

    Returns
    -------
    list of dict
        Per k: ``k``, ``silhouette`` (higher is better; on at most 3,000 rows),
        ``davies_bouldin`` (lower is better) and ``calinski_harabasz`` (higher is better).
    """
    if method == "ward" and tree is None:
        tree = linkage(X, method="ward")
    out = []
    for k in ks:
        if method == "ward":
            labels = fcluster(tree, t=k, criterion="maxclust") - 1
        else:
            try:
                labels = fit_partition(
                    X, k, method, random_state=random_state, som_weights=som_weights
                )["labels"]
            except InputError:
                continue
        out.append({"k": int(k), **partition_scores(X, labels, random_state=random_state)})
    return out


def null_silhouette(X: np.ndarray, k: int, *, random_state: int = 0) -> float:
    """Measure the silhouette k-means reaches on structureless data shaped like ``X``.

    Draws as many rows as ``X`` has from one Gaussian with the mean and covariance of
    ``X`` (no segments at all) and returns the silhouette k-means reaches there: the score
    that cutting a blob into ``k`` pieces already gives, to compare the real one against.

    Parameters
    ----------
    X : numpy.ndarray
        A sample of rows × features.
    k : int
        Number of segments.
    random_state : int, default=0
        Seed.

    Returns
    -------
    float
        The reference silhouette.
    """
    rng = np.random.default_rng(random_state)
    rows = X[: min(len(X), SILHOUETTE_ROWS)]
    cov = np.atleast_2d(np.cov(rows, rowvar=False))
    blob = rng.multivariate_normal(rows.mean(axis=0), cov, size=len(rows), method="eigh")
    labels = KMeans(k, n_init=2, random_state=random_state).fit_predict(blob)
    return float(silhouette_score(blob, labels)) if len(np.unique(labels)) > 1 else 0.0


def bootstrap_stability(
    X: np.ndarray,
    reference: np.ndarray,
    k: int,
    method: str,
    *,
    n_resamples: int = 20,
    random_state: int = 0,
    som_shape_: tuple[int, int] | None = None,
    som_iter: int = 2000,
) -> list[float]:
    """Measure stability: adjusted Rand index of refits on resamples vs the reference.

    Each resample draws the rows of ``X`` with replacement, refits the method with ``k``
    segments, assigns every row of ``X`` (nearest centre, or best-matching unit for the
    SOM) and compares with ``reference``. 1 means the same segments every time; values
    near 0 mean the segments are an accident of the sample.

    Parameters
    ----------
    X : numpy.ndarray
        A sample of rows × features.
    reference : numpy.ndarray
        The fitted model's labels of those rows.
    k : int
        Number of segments.
    method : {"kmeans", "ward", "som"}
        The method to refit.
    n_resamples : int, default=20
        Bootstrap resamples.
    random_state : int, default=0
        Seed.
    som_shape_ : tuple of int, optional
        SOM grid (required for ``"som"``).
    som_iter : int, default=2000
        SOM training steps per resample.

    Returns
    -------
    list of float
        One adjusted Rand index per resample.

    References
    ----------
    .. [1] Hennig, C. (2007). Cluster-wise assessment of cluster stability. Computational
       Statistics & Data Analysis 52(1), 258–271.
    """
    rng = np.random.default_rng(random_state)
    values = []
    for b in range(n_resamples):
        idx = rng.integers(0, len(X), len(X))
        sample = X[idx]
        weights = None
        if method == "som":
            assert som_shape_ is not None
            weights = train_som(sample, som_shape_, n_iter=som_iter, random_state=random_state + b)
        try:
            part = fit_partition(
                sample, k, method, random_state=random_state + b, n_init=1, som_weights=weights
            )
        except InputError:
            values.append(0.0)
            continue
        if method == "som":
            assert weights is not None
            labels = part["node_segments"][best_matching_units(X, weights)]
        else:
            labels = nearest_centre(X, part["centres"])[0]
        values.append(float(adjusted_rand_score(reference, labels)))
    return values
