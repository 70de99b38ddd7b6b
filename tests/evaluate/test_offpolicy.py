"""Off-policy estimates cover the true value of a policy known from the simulator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth.campaigns import VARIANTS, make_bandit_log, policy_value
from revlearn.errors import InputError, ParameterError, SchemaError
from revlearn.evaluate.offpolicy import evaluate_policy

CONTEXT = ["segment", "channel", "history_count"]


def _estimate(logged, target, seed=0, **kwargs):
    return evaluate_policy(
        logged,
        target,
        arm_col="variant",
        reward_col="clicked",
        context_cols=CONTEXT,
        n_bootstrap=200,
        random_state=seed,
        **kwargs,
    ).set_index("estimator")


def test_intervals_cover_the_true_value_and_dr_is_tighter():
    covered = {"ips": 0, "snips": 0, "dr": 0}
    spread = {"ips": [], "dr": []}
    seeds = range(6)
    for seed in seeds:
        logged, truths = make_bandit_log(np.random.default_rng(seed), 2500)
        target = logged["segment"].map(truths["best_variant"]).to_numpy()
        truth = policy_value(truths["click_probability"], target)
        result = _estimate(logged, target, seed)
        for key in covered:
            covered[key] += result.loc[key, "lo"] <= truth <= result.loc[key, "hi"]
        for key in spread:
            spread[key].append(result.loc[key, "std_error"])
        # the logging policy's value is estimated by the plain mean
        assert result.loc["logged", "estimate"] == pytest.approx(logged["clicked"].mean())
    # 90 % intervals: at least 5 of 6 cover (a biased estimator covers ~0)
    assert all(c >= 5 for c in covered.values()), covered
    assert np.mean(spread["dr"]) < np.mean(spread["ips"])


def test_dr_with_the_true_reward_model_is_tighter_and_covers():
    logged, truths = make_bandit_log(np.random.default_rng(11), 3000)
    target = logged["segment"].map(truths["best_variant"]).to_numpy()
    truth = policy_value(truths["click_probability"], target)
    result = _estimate(logged, target, reward_model=truths["click_probability"], arms=VARIANTS)
    # clicks are rare (~10 %), so Bernoulli noise dominates and the gain is modest
    assert result.loc["dr", "std_error"] < result.loc["ips", "std_error"]
    assert abs(result.loc["dr", "estimate"] - truth) < 3 * result.loc["dr", "std_error"]


def test_good_policy_beats_bad_policy_and_the_log():
    logged, truths = make_bandit_log(np.random.default_rng(12), 4000)
    p = truths["click_probability"]
    best = np.asarray(VARIANTS, dtype=object)[p.argmax(axis=1)]
    worst = np.asarray(VARIANTS, dtype=object)[p.argmin(axis=1)]
    good, bad = _estimate(logged, best), _estimate(logged, worst)
    assert good.loc["dr", "lo"] > bad.loc["dr", "hi"]
    assert good.loc["dr", "lo"] > good.loc["logged", "hi"]


def test_probability_matrix_target_equals_deterministic_target():
    logged, truths = make_bandit_log(np.random.default_rng(13), 1500)
    chosen = logged["segment"].map(truths["best_variant"]).to_numpy()
    matrix = pd.DataFrame(0.0, index=logged.index, columns=list(VARIANTS))
    for variant in VARIANTS:
        matrix.loc[chosen == variant, variant] = 1.0
    a = _estimate(logged, chosen)
    b = _estimate(logged, matrix)
    assert a.loc["ips", "estimate"] == pytest.approx(b.loc["ips", "estimate"])
    assert a.loc["dr", "estimate"] == pytest.approx(b.loc["dr", "estimate"])


@pytest.fixture(scope="module")
def small_log():
    logged, truths = make_bandit_log(np.random.default_rng(14), 300)
    return logged, logged["segment"].map(truths["best_variant"]).to_numpy()


def test_missing_propensities_is_a_clear_error(small_log):
    logged, target = small_log
    with pytest.raises(SchemaError, match=r"propensities are missing.*propensity_col"):
        _estimate(logged.drop(columns="propensity"), target)


@pytest.mark.parametrize("bad", [0.0, 1.5, -0.2])
def test_propensity_out_of_range_is_a_clear_error(small_log, bad):
    logged, target = small_log
    broken = logged.assign(propensity=logged["propensity"].where(logged.index != 7, bad))
    with pytest.raises(InputError, match=r"Propensities must be in \(0, 1\].*row 7") as err:
        _estimate(broken, target)
    assert err.value.where == "evaluate_policy(column='propensity')"
    assert "randomised policy" in err.value.fix


def test_blank_propensity_or_text_reward_is_a_schema_error(small_log):
    logged, target = small_log
    with pytest.raises(SchemaError, match="'propensity' must hold numbers"):
        _estimate(logged.assign(propensity=logged["propensity"].where(logged.index != 3)), target)
    with pytest.raises(SchemaError, match="'clicked' must hold numbers"):
        _estimate(logged.assign(clicked="yes"), target)


def test_bad_targets_are_clear_errors(small_log):
    logged, target = small_log
    with pytest.raises(InputError, match="300 logged rows"):
        _estimate(logged, target[:-1])
    with pytest.raises(InputError, match="not in arms"):
        _estimate(logged, np.where(target == "bundle", "popup", target), arms=VARIANTS)
    with pytest.raises(ParameterError, match="without its arms"):
        _estimate(logged, np.full((300, 4), 0.25))
    with pytest.raises(InputError, match="sum to 1"):
        _estimate(logged, np.full((300, 4), 0.5), arms=VARIANTS)
    with pytest.raises(ParameterError, match="confidence"):
        _estimate(logged, target, confidence=1.5)
