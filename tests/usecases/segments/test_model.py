"""CustomerSegments: planted groups come back with the right names; blobs give no structure."""

from __future__ import annotations

import json
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from revlearn.errors import (
    InputError,
    MissingDependencyError,
    NotFittedError,
    ParameterError,
    RevlearnWarning,
    SchemaError,
)
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace
from revlearn.usecases.segments import CustomerSegments
from revlearn.usecases.segments.model import TRANSACTION_TRAITS

#: Planted groups: recency_days, frequency, avg_order_value, tenure_days, channel shares
#: (web, store, app), and the name the model must give them.
GROUPS = [
    (10, 20, 80, 900, (0.2, 0.3, 0.5), "high-value loyalists"),
    (400, 1, 40, 450, (0.6, 0.3, 0.1), "lapsed one-timers"),
    (15, 2, 60, 30, (0.3, 0.1, 0.6), "new customers"),
    (30, 8, 15, 600, (0.2, 0.7, 0.1), "bargain seekers"),
]


def planted_customers(n: int = 1200, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Customers from four planted groups with skewed money/count traits and a categorical."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, len(GROUPS), n)
    spec = np.array([g[:4] for g in GROUPS], dtype=float)[group]
    noise = rng.lognormal(0, [0.3, 0.25, 0.2, 0.25], size=(n, 4))
    frequency = np.where(spec[:, 1] > 1, np.maximum(1, np.round(spec[:, 1] * noise[:, 1])), 1)
    aov = spec[:, 2] * noise[:, 2]
    shares = np.array([g[4] for g in GROUPS])[group]
    channel = np.array(["web", "store", "app"])[(rng.random(n)[:, None] > shares.cumsum(1)).sum(1)]
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "recency_days": spec[:, 0] * noise[:, 0],
            "frequency": frequency.astype(int),
            "avg_order_value": aov,
            "monetary": frequency * aov,
            "tenure_days": spec[:, 3] * noise[:, 3],
            "channel": channel,
        }
    )
    return frame, group


def blob(n: int = 1200, seed: int = 1) -> pd.DataFrame:
    """Structureless customers: one Gaussian cloud and an unrelated categorical."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 5)), columns=[f"trait_{i}" for i in range(5)])
    frame["tier"] = rng.choice(["a", "b", "c"], n)
    return frame


@pytest.fixture(scope="module")
def planted():
    return planted_customers()


@pytest.fixture(scope="module")
def kmeans(planted):
    frame, _ = planted
    return CustomerSegments(value_col="monetary", n_bootstrap=10).fit(frame)


@pytest.mark.parametrize("method", ["kmeans", "ward", "som"])
def test_planted_segments_recovered(planted, method):
    frame, group = planted
    model = CustomerSegments(method=method, value_col="monetary", n_bootstrap=8).fit(frame)
    out = model.predict(frame)
    assert model.n_segments_ == 4
    assert model.chosen_by_ == "silhouette"
    assert adjusted_rand_score(group, out["segment"]) >= 0.9
    assert model.structure_ == "clear"
    assert model.stability_["median"] >= 0.9
    # every planted group is named as planted (majority name of its customers)
    named = pd.crosstab(group, out["segment_name"]).idxmax(axis=1)
    assert named.tolist() == [g[5] for g in GROUPS]


def test_k_selection_prefers_the_planted_count(kmeans):
    scores = {c["k"]: c for c in kmeans.candidates_}
    assert set(scores) == set(range(2, 9))
    assert max(scores, key=lambda k: scores[k]["silhouette"]) == 4
    assert scores[4]["davies_bouldin"] < scores[2]["davies_bouldin"]
    assert scores[4]["calinski_harabasz"] > scores[2]["calinski_harabasz"]


@pytest.mark.parametrize("method", ["kmeans", "ward", "som"])
def test_structureless_data_says_so(method):
    with pytest.warns(RevlearnWarning, match="No clear segment structure: best silhouette"):
        model = CustomerSegments(method=method, n_bootstrap=8).fit(blob())
    assert model.structure_ == "weak"
    assert model.scores_["silhouette"] < 0.25
    assert model.scores_["silhouette"] < model.null_silhouette_ + 0.05
    assert model.summary()["notes"][-1].startswith("No clear segment structure")
    if method == "kmeans":
        assert model.stability_["median"] < 0.5
        out = model.predict(blob(5))
        assert list(out.columns) == ["row", "segment", "segment_name", "distance"]
        assert out["row"].tolist() == [0, 1, 2, 3, 4]


def test_uniform_customers_have_no_structure_either():
    rng = np.random.default_rng(2)
    uniform = pd.DataFrame(rng.uniform(size=(1000, 4)), columns=["a", "b", "c", "d"])
    with pytest.warns(RevlearnWarning, match="No clear segment structure"):
        model = CustomerSegments(n_bootstrap=8).fit(uniform)
    assert model.structure_ == "weak" and model.scores_["silhouette"] < 0.3
    assert model.evaluate().stability_median < 0.5


def test_profiles_index_and_value_share(kmeans):
    profiles = kmeans.explain()
    seg = profiles.segments.set_index("name")
    loyal, lapsed = seg.loc["high-value loyalists"], seg.loc["lapsed one-timers"]
    assert loyal["value_share"] > 2 * loyal["share"]
    assert lapsed["value_share"] < 0.5 * lapsed["share"]
    assert abs(seg["share"].sum() - 1) < 1e-9 and abs(seg["value_share"].sum() - 1) < 1e-9
    traits = profiles.traits.set_index(["name", "trait"])
    assert traits.loc[("high-value loyalists", "frequency"), "index"] > 200
    assert traits.loc[("lapsed one-timers", "recency_days"), "z"] > 1
    assert traits.loc[("bargain seekers", "channel = store"), "index"] > 150
    assert "monetary" in kmeans.columns_["log_scaled"]
    assert "high-value loyalists" in seg.loc["high-value loyalists", "description"]


def test_predict_contract(kmeans, planted):
    frame, _ = planted
    out = kmeans.predict(frame.head(50))
    assert list(out.columns) == ["customer_id", "segment", "segment_name", "distance"]
    assert out["customer_id"].tolist() == frame["customer_id"].head(50).tolist()
    assert out["segment"].between(0, 3).all() and (out["distance"] >= 0).all()
    assert out["segment"].dtype.kind == "i"
    names = {s["segment"]: s["name"] for s in kmeans.segments_}
    assert (out["segment_name"] == out["segment"].map(names)).all()
    # segment 0 is the largest; sizes add up
    sizes = [s["size"] for s in kmeans.segments_]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == len(frame)


def test_summary_is_plain_json(kmeans):
    summary = json.loads(json.dumps(kmeans.summary(), allow_nan=False))
    assert summary["method"] == "kmeans" and summary["n_segments"] == 4
    assert summary["id"] == "customer_id" and summary["value_col"] == "monetary"
    assert {s["name"] for s in summary["segments"]} == {g[5] for g in GROUPS}
    assert len(summary["candidates"]) == 7 and summary["stability"]["n_resamples"] == 10
    assert summary["structure"] == "clear"


def test_evaluate_on_new_customers(kmeans):
    new, _ = planted_customers(n=600, seed=5)
    metrics = kmeans.evaluate(new)
    assert metrics.silhouette > 0.45 and metrics.n_rows == 600
    assert metrics.stability_median >= 0.9
    assert set(metrics.to_frame()["metric"]) >= {"silhouette", "davies_bouldin"}
    rng = np.random.default_rng(0)
    shuffled = new.apply(lambda col: rng.permutation(col.to_numpy()))  # traits unlinked
    assert kmeans.evaluate(shuffled).silhouette < metrics.silhouette - 0.2


def test_many_level_categorical_and_missing_values_do_not_break_segments(planted):
    frame, group = planted
    rng = np.random.default_rng(3)
    noisy = frame.assign(
        region=rng.choice([f"r{i}" for i in range(12)], len(frame)),
        plan="basic",
        signup=pd.Timestamp("2024-01-01"),
    )
    for col in ("recency_days", "avg_order_value", "channel"):
        noisy.loc[rng.random(len(noisy)) < 0.05, col] = np.nan
    model = CustomerSegments(n_segments=4, n_bootstrap=0).fit(noisy)
    assert adjusted_rand_score(group, model.predict(noisy)["segment"]) >= 0.85
    assert "region" in model.columns_["categorical"]
    notes = " ".join(model.notes_)
    assert "'plan'" in notes and "'signup'" in notes


def test_fixed_columns_and_k(planted):
    frame, _ = planted
    model = CustomerSegments(columns=["recency_days", "frequency"], n_segments=3, n_bootstrap=0)
    model.fit(frame)
    assert model.n_segments_ == 3 and model.chosen_by_ == "fixed"
    assert model.input_columns_ == ["recency_days", "frequency"]
    assert len(model.candidates_) == 1
    metrics = json.loads(json.dumps(model.evaluate().to_dict(), allow_nan=False))
    assert metrics["stability_median"] is None and metrics["silhouette"] > 0.3


def test_save_and_load_in_registry(tmp_path, planted):
    frame, _ = planted
    for method in ("kmeans", "som"):
        model = CustomerSegments(method=method, n_bootstrap=0).fit(frame)
        reg = Registry(Workspace(tmp_path / "ws"))
        reg.save(model, name=method, usecase="segments", params=model.get_params(),
                 metrics={}, fingerprint="f")  # fmt: skip
        loaded, record = reg.load(method)
        assert record.usecase == "segments"
        pd.testing.assert_frame_equal(loaded.predict(frame), model.predict(frame))


def test_unfitted_model_says_so():
    with pytest.raises(NotFittedError, match=r"CustomerSegments.*predict\(\)"):
        CustomerSegments().predict(pd.DataFrame({"a": [1]}))


def test_missing_minisom_names_the_extra(monkeypatch, planted):
    monkeypatch.setitem(sys.modules, "minisom", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'revlearn\[segments\]'"):
        CustomerSegments(method="som").fit(planted[0])


def test_bad_input_errors(planted):
    frame, _ = planted
    with pytest.raises(SchemaError, match=r"Columns 'spend', 'age' not found.*Found: customer_id"):
        CustomerSegments(columns=["spend", "age"]).fit(frame)
    with pytest.raises(SchemaError, match="'revenue' not found"):
        CustomerSegments(value_col="revenue").fit(frame)
    with pytest.raises(SchemaError, match="'channel' is not numeric"):
        CustomerSegments(value_col="channel").fit(frame)
    with pytest.raises(InputError, match="No usable feature columns"):
        CustomerSegments().fit(
            frame[["customer_id"]].assign(signup=pd.date_range("2024-01-01", periods=len(frame)))
        )
    same = pd.DataFrame({"customer_id": range(50), "spend": 3.0, "plan": "basic"})
    with pytest.raises(InputError, match="All 50 customers have identical values"):
        CustomerSegments().fit(same)
    with pytest.raises(InputError, match="Only 7 customers for 4 segments; at least 8"):
        CustomerSegments(n_segments=4).fit(frame.head(7))
    with pytest.raises(ParameterError, match="n_segments=1 is out of range"):
        CustomerSegments(n_segments=1).fit(frame)
    with pytest.raises(ParameterError, match="n_segments=99 is out of range"):
        CustomerSegments(n_segments=99).fit(frame)
    with pytest.raises(ParameterError, match="n_jobs=0 is not a number of threads"):
        CustomerSegments(n_jobs=0).fit(frame)
    with pytest.raises(ParameterError, match=r"Unknown method 'dbscan'.*kmeans, ward, som"):
        CustomerSegments(method="dbscan").fit(frame)
    with pytest.raises(SchemaError, match="'frequency' not found"):
        CustomerSegments(n_bootstrap=0, n_segments=2).fit(frame).predict(
            frame.drop(columns="frequency")
        )


def test_fit_does_not_mutate_input_and_a_failed_refit_leaves_no_state(planted, monkeypatch):
    frame, _ = planted
    before = frame.copy()
    model = CustomerSegments(n_segments=4, n_bootstrap=0).fit(frame)
    pd.testing.assert_frame_equal(frame, before)
    model.set_params(method="som")
    monkeypatch.setitem(sys.modules, "minisom", None)
    with pytest.raises(MissingDependencyError):
        model.fit(frame)
    assert not model.is_fitted()


def test_transactions_are_summarised_into_rfm_traits():
    from revlearn.data.synth import make_company

    orders = make_company(n_leads=20, n_customers=20, n_shoppers=800, random_state=1).orders
    model = CustomerSegments(
        timestamp_col="ordered_at", n_bootstrap=0, random_state=0
    )  # customer_id / amount are the defaults
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RevlearnWarning)
        model.fit(orders)
    assert model.id_col_ == "customer_id" and model.value_col_ == "monetary"
    assert model.input_columns_ == list(TRANSACTION_TRAITS)
    scored = model.predict(orders)
    assert len(scored) == orders["customer_id"].nunique()
    assert set(scored["segment_name"]) == {s["name"] for s in model.segments_}
    with pytest.raises(SchemaError, match=r"customer_features"):
        CustomerSegments(timestamp_col="ordered_at", columns=["nope"]).fit(orders)
