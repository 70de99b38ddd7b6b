"""Contextual bandits beside mabwiser: speed of choose + update and regret, in one run.

Data: the campaign simulator of ``revlearn.data.synth.campaigns`` (4 segments × 3 channels ×
past visits, 4 variants, a planted best variant per segment, click rates 2–16 %), 50,000
visitors arriving one at a time.

Methods, each deciding for one visitor then learning from its simulated click before the
next (the online setting), on the same encoded context (intercept, one-hot segment and
channel, standardised history: 9 features) and the same click draws, single-threaded:

* ``revlearn LinUCB`` / ``revlearn Thompson``: :class:`revlearn.usecases.bandit.ContextualBandit`
  with ``policy="linucb"`` (alpha 0.3) / ``"thompson"`` (alpha 0.2), fed the encoded row;
* ``mabwiser LinUCB`` / ``mabwiser LinTS``: mabwiser 2.7 ``MAB`` with
  ``LearningPolicy.LinUCB(alpha=0.3)`` / ``LinTS(alpha=0.2)``, ``predict`` then
  ``partial_fit`` per visitor (numpy input, its fastest path);
* baselines: the oracle (regret 0), random choice, and A/B-then-exploit (a uniform test
  on the first 20 % of visitors, then its single winner for everyone).

Thompson sampling's regret varies from run to run, so both libraries' Thompson samplers
are also compared over 3 more seeds at 10,000 visitors.

Then off-policy evaluation: the greedy policy of the trained revlearn LinUCB is evaluated
on a log of 20,000 visits from the simulator's known randomised logging policy (IPS,
SNIPS, doubly robust, 90 % bootstrap intervals) against its true value computed from the
planted click probabilities; and the interval coverage of each estimator over 20 fresh
logs of 5,000 visits.

Run: ``.venv/bin/python bench/bandit.py [n_visitors]`` (about 5 minutes on 2 cores; most
of it is mabwiser).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from revlearn.data.synth.campaigns import (
    VARIANTS,
    make_bandit_log,
    make_bandit_visitors,
    policy_value,
)
from revlearn.evaluate.offpolicy import evaluate_policy
from revlearn.usecases.bandit import ContextualBandit

CONTEXT = ["segment", "channel", "history_count"]
CHECKPOINTS = (5_000, 10_000, 25_000)


def run_revlearn(
    policy: str, alpha: float, contexts: pd.DataFrame, X: np.ndarray, p: np.ndarray, u: np.ndarray
):
    """One visitor at a time: choose, observe the simulated click, update."""
    bandit = ContextualBandit(arms=VARIANTS, policy=policy, alpha=alpha)  # type: ignore[arg-type]
    bandit.fit(contexts)  # cold start: learns the encoding only
    arms = np.asarray(bandit.arms_, dtype=object)
    chosen = np.empty(len(X), dtype=np.int64)
    started = time.perf_counter()
    for i in range(len(X)):
        x = X[i : i + 1]
        a = int(np.flatnonzero(arms == bandit.choose(x)[0])[0])
        chosen[i] = a
        bandit.update(x, arms[a : a + 1], [float(u[i, a] < p[i, a])])
    seconds = time.perf_counter() - started
    return chosen, seconds, bandit


def run_mabwiser(
    policy: str, alpha: float, contexts: pd.DataFrame, X: np.ndarray, p: np.ndarray, u: np.ndarray
):
    """The same loop with mabwiser's MAB (predict, then partial_fit per visitor)."""
    from mabwiser.mab import MAB, LearningPolicy

    learning = (
        LearningPolicy.LinUCB(alpha=alpha)
        if policy == "linucb"
        else LearningPolicy.LinTS(alpha=alpha)
    )
    arms = list(range(len(VARIANTS)))
    mab = MAB(arms, learning, seed=0)
    # mabwiser needs a first fit: one neutral (reward 0) row per arm, on a zero context
    zero = np.zeros((len(arms), X.shape[1]))
    mab.fit(arms, [0.0] * len(arms), zero)
    chosen = np.empty(len(X), dtype=np.int64)
    started = time.perf_counter()
    for i in range(len(X)):
        x = X[i : i + 1]
        a = int(mab.predict(x))
        chosen[i] = a
        mab.partial_fit([a], [float(u[i, a] < p[i, a])], x)
    seconds = time.perf_counter() - started
    return chosen, seconds


def ab_then_exploit(p: np.ndarray, u: np.ndarray, explore: int, rng: np.random.Generator):
    n, k = p.shape
    test = rng.integers(0, k, size=explore)
    clicks = u[np.arange(explore), test] < p[np.arange(explore), test]
    rate = np.bincount(test, weights=clicks, minlength=k) / np.bincount(test, minlength=k)
    return np.r_[test, np.full(n - explore, int(rate.argmax()))]


def offpolicy(bandit: ContextualBandit) -> pd.DataFrame:
    logged, truths = make_bandit_log(np.random.default_rng(101), 20_000)
    target = bandit.predict(logged[CONTEXT])["arm"].to_numpy()
    truth = policy_value(truths["click_probability"], target)
    est = evaluate_policy(
        logged, target, arm_col="variant", reward_col="clicked", context_cols=CONTEXT
    )
    est["true_value"] = [truths["logged_value"], truth, truth, truth]
    est["covers"] = (est["lo"] <= est["true_value"]) & (est["true_value"] <= est["hi"])
    return est


def coverage(bandit: ContextualBandit, reps: int = 20) -> pd.DataFrame:
    rows = []
    for seed in range(reps):
        logged, truths = make_bandit_log(np.random.default_rng(1000 + seed), 5_000)
        target = bandit.predict(logged[CONTEXT])["arm"].to_numpy()
        truth = policy_value(truths["click_probability"], target)
        est = evaluate_policy(
            logged,
            target,
            arm_col="variant",
            reward_col="clicked",
            context_cols=CONTEXT,
            n_bootstrap=300,
            random_state=seed,
        ).set_index("estimator")
        for name in ("ips", "snips", "dr"):
            e = est.loc[name]
            rows.append(
                {
                    "estimator": name,
                    "covers": e["lo"] <= truth <= e["hi"],
                    "abs_error": abs(e["estimate"] - truth),
                    "std_error": e["std_error"],
                }
            )
    return pd.DataFrame(rows).groupby("estimator", sort=False).mean()


def thompson_seeds(n: int = 10_000, seeds: int = 3) -> pd.DataFrame:
    """Thompson sampling's regret is noisy: both libraries over a few seeds."""
    rows = []
    for seed in range(seeds):
        visitors, truths = make_bandit_visitors(np.random.default_rng(200 + seed), n)
        contexts = visitors[CONTEXT]
        p = truths["click_probability"]
        u = np.random.default_rng(300 + seed).random(p.shape)
        X = ContextualBandit(arms=VARIANTS).fit(contexts).encode(contexts)
        best = p.max(axis=1)
        for label, runner in (
            ("revlearn Thompson", run_revlearn),
            ("mabwiser LinTS", run_mabwiser),
        ):
            chosen = runner("thompson", 0.2, contexts, X, p, u)[0]
            regret = float((best - p[np.arange(n), chosen]).sum())
            rows.append({"method": label, "seed": seed, "regret": regret})
    table = pd.DataFrame(rows).pivot(index="seed", columns="method", values="regret")
    table.loc["mean"] = table.mean()
    return table


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    visitors, truths = make_bandit_visitors(np.random.default_rng(0), n)
    contexts = visitors[CONTEXT]
    p = truths["click_probability"]
    u = np.random.default_rng(1).random(p.shape)  # shared click draws
    best = p.max(axis=1)
    encoder = ContextualBandit(arms=VARIANTS).fit(contexts)
    X = encoder.encode(contexts)
    chosen: dict[str, np.ndarray] = {"oracle": p.argmax(axis=1)}
    chosen["random"] = np.random.default_rng(2).integers(0, p.shape[1], size=n)
    chosen["A/B then exploit"] = ab_then_exploit(p, u, n // 5, np.random.default_rng(3))
    speed: dict[str, float] = {}
    trained = None
    with threadpool_limits(1):
        for label, runner, policy, alpha in (
            ("revlearn LinUCB", run_revlearn, "linucb", 0.3),
            ("revlearn Thompson", run_revlearn, "thompson", 0.2),
            ("mabwiser LinUCB", run_mabwiser, "linucb", 0.3),
            ("mabwiser LinTS", run_mabwiser, "thompson", 0.2),
        ):
            print(f"running {label} on {n:,} visitors ...", file=sys.stderr, flush=True)
            out = runner(policy, alpha, contexts, X, p, u)
            chosen[label], seconds = out[0], out[1]
            speed[label] = n / seconds
            if label == "revlearn LinUCB":
                trained = out[2]
    rows = []
    for label, arms in chosen.items():
        regret = np.cumsum(best - p[np.arange(n), arms])
        row: dict[str, object] = {"method": label}
        for c in CHECKPOINTS:
            if c < n:
                row[f"regret@{c:,}"] = regret[c - 1]
        row[f"regret@{n:,}"] = regret[-1]
        row["last 10k / first 10k"] = (
            (regret[-1] - regret[-10_001]) / regret[9_999]
            if n >= 20_000 and regret[9_999]
            else np.nan
        )
        row["events/s"] = speed.get(label, np.nan)
        row["µs/event"] = 1e6 / speed[label] if label in speed else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    print(f"Online choose + update, one visitor at a time, {n:,} visitors, 1 thread:")
    print(table.to_string(index=False, float_format="{:,.1f}".format))
    for policy, peer in (("LinUCB", "mabwiser LinUCB"), ("Thompson", "mabwiser LinTS")):
        ours = f"revlearn {policy}"
        print(f"{ours}: {speed[ours] / speed[peer]:.0f}x the events/s of {peer}.")
    assert trained is not None
    segment_best = (
        trained.predict(contexts.head(5000))
        .groupby(visitors["segment"].head(5000))["arm"]
        .agg(lambda s: s.value_counts().index[0])
    )
    found = sum(segment_best[s] == v for s, v in truths["best_variant"].items())
    print(f"revlearn LinUCB finds the planted best variant in {found} of 4 segments.")
    print()
    print("Thompson sampling (alpha 0.2), regret after 10,000 visitors, 3 more seeds:")
    with threadpool_limits(1):
        print(thompson_seeds().to_string(float_format="{:,.1f}".format))
    print()
    print("Off-policy estimate of the trained LinUCB's greedy policy on a 20,000-visit log:")
    est = offpolicy(trained)
    print(est.to_string(index=False, float_format="{:,.4f}".format))
    print()
    print("Over 20 logs of 5,000 visits (90 % intervals):")
    print(coverage(trained).to_string(float_format="{:,.4f}".format))


if __name__ == "__main__":
    main()
