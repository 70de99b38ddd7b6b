"""Tests of the model registry: round trips, versions, trust checks and crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lightgbm import LGBMClassifier
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import revlearn
from revlearn.errors import NotFoundError, ParameterError, RevlearnWarning, SchemaError, StoreError
from revlearn.store import Registry, Workspace, fingerprint
from revlearn.store.registry import _untrusted

SRC = Path(revlearn.__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 6))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.5, size=400) > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def pipeline(data: tuple[np.ndarray, np.ndarray]) -> Pipeline:
    X, y = data
    model = LGBMClassifier(n_estimators=30, n_jobs=1, verbose=-1, random_state=0)
    return make_pipeline(StandardScaler(), model).fit(X, y)


@pytest.fixture()
def registry(tmp_path: Path) -> Registry:
    return Registry(Workspace(tmp_path / "ws"))


def _save(registry: Registry, model: object, name: str = "churn_model", **extra):
    meta = {
        "usecase": "churn",
        "params": {"horizon_days": 90},
        "metrics": {"auc": 0.8},
        "fingerprint": "abc",
    } | extra
    return registry.save(model, name=name, **meta)


def test_round_trip_predicts_identically(registry: Registry, pipeline: Pipeline, data):
    X, _ = data
    record = _save(registry, pipeline, metrics={"auc": np.float64(0.81), "n": np.int64(400)})
    model, loaded = registry.load("churn_model")
    np.testing.assert_array_equal(model.predict_proba(X), pipeline.predict_proba(X))
    assert loaded == record
    assert loaded.version == 1 and loaded.usecase == "churn"
    assert loaded.metrics == {"auc": 0.81, "n": 400}
    assert loaded.created.tzinfo is UTC
    assert set(loaded.versions) == {
        "python",
        "revlearn",
        "numpy",
        "pandas",
        "scikit-learn",
        "lightgbm",
        "duckdb",
        "skops",
    }
    assert loaded.size_bytes > 1000
    assert json.loads(json.dumps(loaded.to_dict()))["created"] == loaded.created.isoformat()


def test_versions_increment_per_name(registry: Registry, pipeline: Pipeline):
    assert [_save(registry, pipeline).version for _ in range(3)] == [1, 2, 3]
    assert _save(registry, pipeline, name="leads_model", usecase="leads").version == 1
    records = registry.list()
    assert [(r.name, r.version) for r in records] == [
        ("leads_model", 1),
        ("churn_model", 3),
        ("churn_model", 2),
        ("churn_model", 1),
    ]
    latest = registry.latest_versions()
    assert latest[["name", "version", "n_versions", "usecase"]].values.tolist() == [
        ["churn_model", 3, 3, "churn"],
        ["leads_model", 1, 1, "leads"],
    ]
    assert registry.get("churn_model", 2).version == 2
    assert registry.load("churn_model", 1)[1].version == 1


def test_empty_registry(registry: Registry):
    assert registry.list() == []
    assert registry.latest_versions().empty
    assert registry.predictions().columns.tolist() == [
        "created",
        "name",
        "version",
        "source",
        "n_rows",
        "output",
        "seconds",
    ]
    assert not registry.workspace.path.exists()
    with pytest.raises(NotFoundError, match=r"Model 'churn' not found. No models saved yet"):
        registry.load("churn")


def test_unknown_model_and_version_messages(registry: Registry, pipeline: Pipeline):
    _save(registry, pipeline)
    _save(registry, pipeline)
    with pytest.raises(
        NotFoundError,
        match=r"Model 'churn' not found\. Known models: "
        r"churn_model\..*revlearn models",
    ):
        registry.load("churn")
    with pytest.raises(
        NotFoundError,
        match=r"'churn_model' has no version 7\. Versions: 1, 2\."
        r".*latest \(2\)",
    ):
        registry.get("churn_model", 7)
    with pytest.raises(ParameterError, match=r"Invalid model name 'churn model'.*'churn_model'"):
        _save(registry, pipeline, name="churn model")


class Sneaky(BaseEstimator):
    """A class outside the allow-list; loading must never rebuild it."""

    rebuilt = 0

    def __init__(self, payload: str = "rm -rf /") -> None:
        self.payload = payload

    def __setstate__(self, state: dict) -> None:
        Sneaky.rebuilt += 1
        self.__dict__.update(state)


def test_untrusted_types_are_refused(registry: Registry):
    _save(registry, make_pipeline(Sneaky()), name="sneaky")
    with pytest.raises(
        StoreError,
        match=r"Refusing to load: untrusted type\(s\) "
        r"\S*test_registry\.Sneaky.*re-fit",
    ):
        registry.load("sneaky")
    assert Sneaky.rebuilt == 0
    _save(registry, FunctionTransformer(func=eval), name="evil")
    with pytest.raises(StoreError, match=r"untrusted type\(s\) builtins\.eval"):
        registry.load("evil")


def test_allow_list_is_tight():
    assert (
        _untrusted(
            [
                "sklearn.pipeline.Pipeline",
                "lightgbm.basic.Booster",
                "numpy.dtype",
                "builtins.frozenset",
                "collections.OrderedDict",
            ]
        )
        == []
    )
    refused = [
        "builtins.exec",
        "numpy.load",
        "os.system",
        "pandas.core.frame.DataFrame",
        "collections.deque",
        "sklearnx.Evil",
        "scipy.io.loadmat.__globals__.open",
    ]
    assert _untrusted(refused) == refused


def test_damaged_payload_gives_store_error(registry: Registry, pipeline: Pipeline):
    _save(registry, pipeline)
    with registry.workspace.connect() as con:
        con.execute("UPDATE revlearn.models SET payload = 'garbage'::BLOB")
    with pytest.raises(
        StoreError,
        match=r"Cannot read the stored model: .*"
        r"\[model 'churn_model' version 1\] Re-fit",
    ):
        registry.load("churn_model")


def test_bad_metadata_and_models_are_rejected(registry: Registry, pipeline: Pipeline):
    with pytest.raises(ParameterError, match=r"Cannot store params as JSON.*object"):
        _save(registry, pipeline, params={"x": object()})
    with pytest.raises(ParameterError, match="metrics must be a dict, got list"):
        _save(registry, pipeline, metrics=[0.8])
    with pytest.raises(ParameterError, match="Cannot serialise the complex model with skops"):
        _save(registry, complex(1, 2))
    assert registry.list() == []


def test_version_change_warns_on_load(registry: Registry, pipeline: Pipeline):
    _save(registry, pipeline)
    with registry.workspace.connect() as con:
        versions = json.loads(con.execute("SELECT versions FROM revlearn.models").fetchone()[0])
        versions["scikit-learn"] = "0.0.1"
        con.execute("UPDATE revlearn.models SET versions = ?", [json.dumps(versions)])
    with pytest.warns(RevlearnWarning, match=r"scikit-learn 0\.0\.1 -> .*Re-fit"):
        registry.load("churn_model")


def test_prediction_log(registry: Registry):
    registry.log_prediction(
        name="churn_model", version=1, source="customers", n_rows=10, output=None, seconds=0.5
    )
    registry.log_prediction(
        name="churn_model", version=2, source="new.csv", n_rows=3, output="scores.csv", seconds=0.1
    )
    log = registry.predictions()
    assert log[["version", "source", "n_rows", "output"]].values.tolist() == [
        [2, "new.csv", 3, "scores.csv"],
        [1, "customers", 10, None],
    ]
    with pytest.raises(ParameterError, match="n_rows must not be negative, got -1"):
        registry.log_prediction(
            name="churn_model", version=1, source="x", n_rows=-1, output=None, seconds=0.0
        )
    assert registry.workspace.list_tables() == []


_frames = st.lists(
    st.tuples(
        st.integers(-(10**6), 10**6),
        st.text(max_size=5),
        st.floats(allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=30,
).map(lambda rows: pd.DataFrame(rows, columns=["id", "source", "amount"]))


@settings(max_examples=40, deadline=None)
@given(frame=_frames, data=st.data())
def test_fingerprint_stable_for_equal_data_and_sensitive_to_changes(frame, data):
    digest = fingerprint(frame)
    assert len(digest) == 64
    assert fingerprint(frame.copy()) == digest
    assert fingerprint(frame.set_axis(range(100, 100 + len(frame)))) == digest
    row = data.draw(st.integers(0, len(frame) - 1))
    changed = frame.copy()
    changed.loc[row, "id"] = frame.loc[row, "id"] + 1
    assert fingerprint(changed) != digest
    assert fingerprint(frame.rename(columns={"source": "channel"})) != digest
    assert fingerprint(frame.astype({"id": "float64"})) != digest


def test_fingerprint_errors():
    with pytest.raises(SchemaError, match=r"Cannot fingerprint the data.*lists or dicts"):
        fingerprint(pd.DataFrame({"tags": [["a"], ["b"]]}))
    with pytest.raises(ParameterError, match="Expected a pandas DataFrame, got list"):
        fingerprint([1, 2])  # type: ignore[arg-type]


_SAVER = textwrap.dedent("""
    import sys
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from revlearn.store import Registry, Workspace

    X = np.random.default_rng(0).normal(size=(8, 400_000))
    y = np.array([0, 1] * 4)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=50)).fit(X, y)
    registry = Registry(Workspace(sys.argv[1]))
    while True:
        record = registry.save(model, name="big", usecase="test", params={}, metrics={},
                               fingerprint="x")
        print(record.version, flush=True)
""")


def _save_then_kill(script: Path, workspace: Path, delay: float) -> list[int]:
    """Run the saver, SIGKILL it ``delay`` s after its first save; return saved versions."""
    env = os.environ | {"PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(workspace)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    assert first.strip(), proc.stderr.read()
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return [int(line) for line in [first, *proc.stdout.read().split()]]


def test_kill_during_save_keeps_previous_versions(tmp_path: Path):
    script = tmp_path / "saver.py"
    script.write_text(_SAVER)
    y = np.array([0, 1] * 4)
    X = np.random.default_rng(0).normal(size=(8, 400_000))
    for delay in (0.12, 0.4):
        saved = _save_then_kill(script, tmp_path / "ws", delay)
        registry = Registry(Workspace(tmp_path / "ws"))
        versions = sorted(r.version for r in registry.list())
        assert versions == list(range(1, len(versions) + 1))
        assert max(saved) <= versions[-1] <= max(saved) + 1
        model, record = registry.load("big")
        assert record.version == versions[-1]
        np.testing.assert_array_equal(model.predict(X), y)
