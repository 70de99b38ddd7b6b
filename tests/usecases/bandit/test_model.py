"""The contextual bandit finds the planted best variant per segment and beats A/B-then-exploit."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth.campaigns import VARIANTS, make_bandit_log, make_bandit_visitors
from revlearn.errors import InputError, NotFittedError, ParameterError, SchemaError
from revlearn.usecases.bandit import ContextualBandit, regret_curves
from tests.usecases.bandit.conftest import CONTEXT


@pytest.mark.parametrize("label", ["LinUCB", "Thompson"])
def test_finds_the_planted_best_variant_per_segment(simulation, label):
    visitors, truths, bandits, _ = simulation
    plan = bandits[label].predict(visitors[CONTEXT])
    chosen = plan.groupby(visitors["segment"])["arm"].agg(lambda s: s.value_counts().index[0])
    assert chosen.to_dict() == truths["best_variant"]
    assert list(plan.columns[:2]) == ["arm", "expected_reward"]
    assert {f"expected_{v}" for v in VARIANTS} <= set(plan.columns)


def test_no_segment_pattern_when_the_best_variant_is_the_same_everywhere():
    visitors, _truths = make_bandit_visitors(np.random.default_rng(1), 4000)
    p = np.tile([0.03, 0.03, 0.09, 0.03], (len(visitors), 1))  # "bundle" best for all
    bandit = ContextualBandit(arms=VARIANTS)
    regret_curves({"b": bandit}, visitors[CONTEXT], p, batch_size=5)
    plan = bandit.predict(visitors[CONTEXT])
    assert (plan["arm"] == "bundle").mean() > 0.9


def test_warm_start_from_a_log_and_online_updates():
    logged, truths = make_bandit_log(np.random.default_rng(2), 8000)
    bandit = ContextualBandit(arm_col="variant", reward_col="clicked", context_cols=CONTEXT)
    bandit.fit(logged)
    assert sorted(bandit.arms_) == sorted(VARIANTS)
    assert bandit.summary()["n_events"] == 8000
    plan = bandit.predict(logged.head(2000))
    chosen = plan.groupby(logged["segment"].head(2000))["arm"].agg(
        lambda s: s.value_counts().index[0]
    )
    assert chosen.to_dict() == truths["best_variant"]
    arms = bandit.choose(logged.head(3))
    assert len(arms) == 3 and set(arms) <= set(VARIANTS)
    before = bandit.pulls_.copy()
    bandit.update(logged.head(3), arms, [1, 0, 1])
    assert bandit.pulls_.sum() == before.sum() + 3


def test_sherman_morrison_matches_the_direct_solution():
    logged, _ = make_bandit_log(np.random.default_rng(3), 500)
    bandit = ContextualBandit(arms=VARIANTS, ridge=2.0).fit(logged[CONTEXT])
    X = bandit.encode(logged[CONTEXT])
    for i in range(len(X)):  # one event at a time: the Sherman–Morrison path
        bandit.update(X[i], [logged["variant"].iloc[i]], [logged["clicked"].iloc[i]])
    batch = ContextualBandit(arms=VARIANTS, ridge=2.0).fit(logged[CONTEXT])
    batch.update(X, logged["variant"].to_numpy(), logged["clicked"].to_numpy())
    for j, arm in enumerate(VARIANTS):
        rows = (logged["variant"] == arm).to_numpy()
        A = 2.0 * np.eye(X.shape[1]) + X[rows].T @ X[rows]
        theta = np.linalg.solve(A, X[rows].T @ logged["clicked"].to_numpy()[rows])
        np.testing.assert_allclose(bandit.theta_[j], theta, atol=1e-8)
        np.testing.assert_allclose(batch.theta_[j], theta, atol=1e-8)


def test_thompson_is_reproducible_under_random_state():
    visitors, _ = make_bandit_visitors(np.random.default_rng(4), 200)
    a = ContextualBandit(arms=VARIANTS, policy="thompson", random_state=7).fit(visitors[CONTEXT])
    b = ContextualBandit(arms=VARIANTS, policy="thompson", random_state=7).fit(visitors[CONTEXT])
    c = ContextualBandit(arms=VARIANTS, policy="thompson", random_state=8).fit(visitors[CONTEXT])
    ca, cb, cc = (m.choose(visitors[CONTEXT]) for m in (a, b, c))
    assert (ca == cb).all() and not (ca == cc).all()


def test_summary_and_explain(simulation):
    _, _, bandits, _ = simulation
    summary = bandits["LinUCB"].summary()
    assert json.loads(json.dumps(summary)) == summary
    assert summary["policy"] == "linucb"
    assert summary["arms"] == list(VARIANTS)
    assert sum(summary["pulls"].values()) == summary["n_events"] == 6000
    assert all(0 <= m <= 1 for m in summary["mean_reward"].values())
    table = bandits["LinUCB"].explain()
    assert set(table["arm"]) == set(VARIANTS)
    assert "segment=premium buyer" in set(table["feature"])
    premium = table[table["feature"] == "segment=premium buyer"].set_index("arm")["coefficient"]
    assert premium.idxmax() == "new arrivals"


def test_save_and_load_predicts_the_same(simulation, tmp_path):
    from revlearn.store.registry import Registry
    from revlearn.store.workspace import Workspace

    visitors, _, bandits, _ = simulation
    model = bandits["Thompson"]
    reg = Registry(Workspace(tmp_path / "ws.duckdb"))
    reg.save(
        model, name="x", usecase="bandit", params=model.get_params(), metrics={}, fingerprint="f"
    )
    loaded, _record = reg.load("x")
    pd.testing.assert_frame_equal(
        loaded.predict(visitors[CONTEXT]), model.predict(visitors[CONTEXT])
    )
    assert loaded.choose(visitors[CONTEXT].head(5)).shape == (5,)


def test_bad_input_is_a_clear_error():
    visitors, _ = make_bandit_visitors(np.random.default_rng(5), 100)
    with pytest.raises(NotFittedError, match="fit"):
        ContextualBandit(arms=VARIANTS).choose(visitors)
    bandit = ContextualBandit(arms=VARIANTS).fit(visitors[CONTEXT])
    with pytest.raises(SchemaError, match="'channel'") as err:
        bandit.choose(visitors[["segment", "history_count"]])
    assert err.value.where and err.value.fix
    with pytest.raises(InputError, match="Unknown arms: popup"):
        bandit.update(visitors[CONTEXT].head(1), ["popup"], [1])
    with pytest.raises(SchemaError, match="Rewards must be one number"):
        bandit.update(visitors[CONTEXT].head(2), ["bundle", "bundle"], ["yes", 1])
    with pytest.raises(ParameterError, match="at least 2 arms"):
        ContextualBandit().fit(visitors[CONTEXT])
    with pytest.raises(ParameterError, match="Unknown policy"):
        ContextualBandit(arms=VARIANTS, policy="greedy").fit(visitors[CONTEXT])
    with pytest.raises(InputError, match="rows have no arm"):
        ContextualBandit().fit(
            pd.DataFrame({"segment": ["a", "b"], "arm": ["x", None], "reward": [1, 0]})
        )
