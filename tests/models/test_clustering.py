"""Clustering blocks: SOM pieces match MiniSom, k choice finds planted blobs, blobs are unstable."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from minisom import MiniSom
from scipy.spatial.distance import cdist
from threadpoolctl import threadpool_limits

from revlearn.errors import InputError, MissingDependencyError
from revlearn.models.clustering import (
    best_matching_units,
    bootstrap_stability,
    fit_partition,
    log1p_clipped,
    mixed_preprocessor,
    nearest_centre,
    null_silhouette,
    partition_scores,
    select_k,
    som_shape,
    train_som,
    u_matrix,
)


@pytest.fixture(autouse=True)
def one_thread():
    """The test machine is shared: k-means runs on one thread."""
    with threadpool_limits(limits=1):
        yield


def blobs(n: int = 600, k: int = 3, d: int = 4, spread: float = 0.5, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 4, size=(k, d))
    truth = rng.integers(0, k, n)
    return centres[truth] + rng.normal(0, spread, size=(n, d)), truth


def cloud(n: int = 600, d: int = 4, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d))


@pytest.fixture(scope="module")
def som():
    X = cloud(300, 3)
    model = MiniSom(5, 6, 3, random_seed=0)
    model.train(X, 500)
    return X, model


def test_best_matching_units_equal_minisom_winner(som):
    X, model = som
    weights = model.get_weights().reshape(30, 3)
    ours = best_matching_units(X, weights)
    theirs = [np.ravel_multi_index(model.winner(x), (5, 6)) for x in X]
    assert ours.tolist() == theirs


def test_u_matrix_equals_minisom_distance_map(som):
    _, model = som
    u = u_matrix(model.get_weights().reshape(30, 3), (5, 6))
    np.testing.assert_allclose(u / u.max(), model.distance_map(scaling="mean"), atol=1e-12)


def test_nearest_centre_matches_brute_force():
    X, _ = blobs(n=200)
    centres = X[:5]
    labels, dist = nearest_centre(X, centres)
    full = cdist(X, centres)
    assert labels.tolist() == full.argmin(axis=1).tolist()
    np.testing.assert_allclose(dist, full.min(axis=1), atol=1e-9)


def test_trained_som_spans_the_data():
    X, truth = blobs()
    weights = train_som(X, (6, 6), n_iter=2000, random_state=0)
    assert weights.shape == (36, 4)
    nodes = best_matching_units(X, weights)
    # customers of different blobs never share a node
    assert pd.crosstab(nodes, truth).gt(0).sum(axis=1).max() == 1


def test_missing_minisom_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "minisom", None)
    with pytest.raises(MissingDependencyError, match=r"revlearn\[segments\]"):
        train_som(cloud(50), (4, 4))


def test_som_shape_follows_the_rows():
    assert som_shape(10) == (4, 4)
    assert som_shape(200) == (8, 8)  # 5 √200 ≈ 71 nodes
    assert som_shape(5_000_000) == (12, 12)


@pytest.mark.parametrize("method", ["kmeans", "ward"])
def test_select_k_finds_planted_blobs(method):
    X, _ = blobs(k=3)
    scores = select_k(X, range(2, 7), method)
    best = max(scores, key=lambda s: s["silhouette"])
    assert best["k"] == 3 and best["silhouette"] > 0.6
    by_k = {s["k"]: s for s in scores}
    assert by_k[3]["davies_bouldin"] == min(s["davies_bouldin"] for s in scores)


def test_select_k_with_som_weights():
    X, truth = blobs(k=3)
    weights = train_som(X, (6, 6), n_iter=2000, random_state=0)
    scores = select_k(X, range(2, 6), "som", som_weights=weights)
    assert max(scores, key=lambda s: s["silhouette"])["k"] == 3
    part = fit_partition(X, 3, "som", som_weights=weights)
    assert pd.crosstab(part["labels"], truth).gt(0).sum(axis=1).max() == 1
    assert part["node_segments"].shape == (36,)


def test_null_silhouette_is_what_a_blob_gives():
    X, _ = blobs(k=3)
    real = partition_scores(X, fit_partition(X, 3, "kmeans")["labels"])["silhouette"]
    null = null_silhouette(X, 3)
    assert null < 0.45 < real
    noise = cloud()
    noise_score = partition_scores(noise, fit_partition(noise, 3, "kmeans")["labels"])
    assert abs(null_silhouette(noise, 3) - noise_score["silhouette"]) < 0.05


@pytest.mark.parametrize("method", ["kmeans", "ward"])
def test_bootstrap_stability_separates_blobs_from_noise(method):
    X, _ = blobs(k=3)
    ref = fit_partition(X, 3, method)["labels"]
    stable = bootstrap_stability(X, ref, 3, method, n_resamples=8)
    assert len(stable) == 8 and np.median(stable) > 0.95
    noise = cloud(d=6)
    ref = fit_partition(noise, 4, method)["labels"]
    assert np.median(bootstrap_stability(noise, ref, 4, method, n_resamples=8)) < 0.7


def test_bootstrap_stability_som():
    X, _ = blobs(n=400, k=3)
    weights = train_som(X, (5, 5), n_iter=1500)
    ref = fit_partition(X, 3, "som", som_weights=weights)["labels"]
    values = bootstrap_stability(X, ref, 3, "som", n_resamples=4, som_shape_=(5, 5))
    assert min(values) > 0.95


def test_fit_partition_refuses_too_few_distinct_rows():
    X = np.repeat([[0.0, 1.0], [5.0, 5.0]], 20, axis=0)
    with pytest.raises(InputError, match="only be split into 2 distinct segments"):
        fit_partition(X, 3, "kmeans")


def test_mixed_preprocessor_scales_logs_and_weights():
    rng = np.random.default_rng(0)
    n = 2000
    frame = pd.DataFrame(
        {
            "spend": rng.lognormal(4, 1.2, n),  # skewed, non-negative → log
            "score": rng.normal(0, 1, n),  # symmetric → no log
            "balance": rng.lognormal(3, 1.2, n) - 30,  # skewed but negative values → no log
            "member": (rng.random(n) < 0.05).astype(float),  # rare yes/no → no log
            "region": rng.choice([f"r{i}" for i in range(10)], n),
            "plan": rng.choice(["a", "b"], n, p=[0.9, 0.1]),
        }
    )
    frame.loc[:99, "spend"] = np.nan
    frame.loc[:49, "region"] = np.nan
    numeric, categorical = ["spend", "score", "balance", "member"], ["region", "plan"]
    design, logged = mixed_preprocessor(frame, numeric, categorical)
    X = design.fit_transform(frame)
    assert logged == ["spend"]
    assert not np.isnan(X).any()
    np.testing.assert_allclose(X[:, :4].std(axis=0), 1, atol=1e-6)
    names = list(design.get_feature_names_out())
    for col in categorical:
        block = X[:, [i for i, name in enumerate(names) if name.startswith(col + "_")]]
        assert abs(block.var(axis=0).sum() - 1) < 0.02  # one categorical = one numeric column
    assert any(name.startswith("region_missing") for name in names)


def test_log1p_clipped_reads_negatives_as_zero():
    np.testing.assert_allclose(log1p_clipped(np.array([-5.0, 0.0, np.e - 1])), [0, 0, 1])
