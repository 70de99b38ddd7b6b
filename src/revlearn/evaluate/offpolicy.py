"""Off-policy evaluation: what a new policy would have earned, estimated from logged data.

Before a new targeting or content policy goes live, its value can be estimated from what an
older, randomised policy logged — as long as the log holds, for every decision, the
probability (propensity) with which the logging policy took it. Three estimators:

* **IPS** (inverse propensity scoring): the mean of ``π(a|x) / p(a|x) × reward`` over the
  logged rows — unbiased, but noisy when the weights are large;
* **SNIPS** (self-normalised IPS): the same sum divided by the sum of the weights — a little
  biased, much less variance;
* **DR** (doubly robust; Dudík, Langford & Li 2011): a direct-method reward model ``q(x, a)``
  (one logistic or ridge regression per arm, fitted with 2-fold cross-fitting) averaged
  under the new policy, plus the IPS correction of its error on the logged action —
  unbiased if either the propensities or the model are right, and usually the tightest.

Confidence intervals are percentile bootstrap intervals over the logged rows (the reward
model is not refitted per resample). The estimators are a few lines of numpy; the
maintained packages that implement them (Open Bandit Pipeline, Vowpal Wabbit's
``--cb_explore``) either pin old dependencies or need their own data formats, so revlearn
computes them on its own frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, ParameterError, SchemaError, short_list

__all__ = ["evaluate_policy"]

_ESTIMATORS = ("logged", "ips", "snips", "dr")


def _numbers(series: pd.Series, column: str, where: str) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise SchemaError(
            f"Column {column!r} must hold numbers; {int(bad.sum()):,} of {len(values):,} "
            f"rows are missing or text (first at row {first}: {series.iloc[first]!r}).",
            where=f"{where}(column={column!r})",
            fix="Fill or drop those rows before evaluating.",
        )
    return values


def _target_matrix(
    target: Any, logged_arms: np.ndarray, arms: Sequence[Any] | None, where: str
) -> tuple[np.ndarray, list[Any]]:
    """The new policy as an ``n × n_arms`` probability matrix and the arm order."""
    n = len(logged_arms)
    if isinstance(target, pd.DataFrame):
        arms = list(target.columns) if arms is None else list(arms)
        probs = target.reindex(columns=arms).to_numpy(dtype=float)
    else:
        values = np.asarray(target)
        if values.ndim == 2:
            if arms is None:
                raise ParameterError(
                    "A probability matrix was given as the target policy without its arms.",
                    where=f"{where}(arms)",
                    fix="Pass arms=[...] in the column order of the matrix, or a DataFrame.",
                )
            arms = list(arms)
            probs = values.astype(float)
        else:
            names = pd.unique(np.concatenate([logged_arms.astype(object), values.astype(object)]))
            arms = list(names) if arms is None else list(arms)
            index = pd.Index(arms).get_indexer(values)
            if (index < 0).any():
                bad = pd.unique(values[index < 0])
                raise InputError(
                    f"The target policy chooses arms that are not in arms: {short_list(bad)}.",
                    where=f"{where}(target)",
                    fix=f"Use only these arms: {short_list(arms)}.",
                )
            probs = np.zeros((len(values), len(arms)))
            probs[np.arange(len(values)), index] = 1.0
    if probs.shape != (n, len(arms)):
        raise InputError(
            f"The target policy has {probs.shape[0]:,} rows for {n:,} logged rows.",
            where=f"{where}(target)",
            fix="Give one target choice (or row of probabilities) per logged row, in order.",
        )
    if np.isnan(probs).any() or (probs < 0).any() or not np.allclose(probs.sum(axis=1), 1):
        raise InputError(
            "The target policy's probabilities must be in [0, 1] and sum to 1 per row.",
            where=f"{where}(target)",
            fix="Normalise each row, or pass the chosen arm per row instead.",
        )
    return probs, list(arms)


def _reward_model(
    context: pd.DataFrame, arm_index: np.ndarray, reward: np.ndarray, n_arms: int, seed: int
) -> np.ndarray:
    """Cross-fitted predicted reward of every arm for every row (``n × n_arms``)."""
    n = len(reward)
    binary = bool(np.isin(reward, (0.0, 1.0)).all())
    out = np.zeros((n, n_arms))
    if context.shape[1] == 0:
        for a in range(n_arms):
            rows = arm_index == a
            out[:, a] = reward[rows].mean() if rows.any() else reward.mean()
        return out
    design = ColumnTransformer(
        [
            (
                "cat",
                OneHotEncoder(handle_unknown="ignore"),
                make_column_selector(dtype_exclude="number"),
            ),
            ("num", StandardScaler(), make_column_selector(dtype_include="number")),
        ]
    )
    fold = np.random.default_rng(seed).permutation(n) % 2
    for f in (0, 1):
        train, test = fold != f, fold == f
        X_train = design.fit_transform(context[train])
        X_test = design.transform(context[test])
        for a in range(n_arms):
            rows = train & (arm_index == a)
            y = reward[rows]
            fallback = reward[train].mean() if y.size == 0 else y.mean()
            if y.size < 10 or (binary and len(np.unique(y)) < 2):
                out[test, a] = fallback
                continue
            X_arm = X_train[rows[train]]
            if binary:
                model = LogisticRegression(max_iter=500).fit(X_arm, y)
                out[test, a] = model.predict_proba(X_test)[:, 1]
            else:
                out[test, a] = Ridge(alpha=1.0).fit(X_arm, y).predict(X_test)
    return out


def _bootstrap(
    terms: dict[str, np.ndarray], weights: np.ndarray, n_bootstrap: int, seed: int
) -> dict[str, np.ndarray]:
    """Bootstrap replicates of each estimator (multinomial row counts, in chunks)."""
    n = len(weights)
    rng = np.random.default_rng(seed)
    reps: dict[str, list[np.ndarray]] = {k: [] for k in _ESTIMATORS}
    chunk = max(1, min(n_bootstrap, 2_000_000 // max(n, 1)))
    done = 0
    while done < n_bootstrap:
        size = min(chunk, n_bootstrap - done)
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(float)
        for key in ("logged", "ips", "dr"):
            reps[key].append(counts @ terms[key] / n)
        reps["snips"].append((counts @ terms["ips"]) / np.maximum(counts @ weights, 1e-12))
        done += size
    return {k: np.concatenate(v) for k, v in reps.items()}


def evaluate_policy(
    logged: Any,
    target: Any,
    *,
    arm_col: str = "arm",
    reward_col: str = "reward",
    propensity_col: str = "propensity",
    context_cols: Sequence[str] | None = None,
    arms: Sequence[Any] | None = None,
    reward_model: np.ndarray | None = None,
    confidence: float = 0.9,
    n_bootstrap: int = 500,
    random_state: int = 0,
) -> pd.DataFrame:
    """Estimate the value of a new policy on logged data by IPS, SNIPS and doubly robust.

    Parameters
    ----------
    logged : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per logged decision: the context columns, the arm shown (``arm_col``), the
        reward observed (``reward_col``: a click 0/1 or a value) and the probability with
        which the logging policy chose that arm (``propensity_col``, in (0, 1]).
    target : array-like or pandas.DataFrame
        The new policy on the same rows: the arm it would choose per row, or an
        ``n × n_arms`` array (or a DataFrame with one column per arm) of its probabilities.
    arm_col : str, default="arm"
        The arm (variant, action) column.
    reward_col : str, default="reward"
        The reward column.
    propensity_col : str, default="propensity"
        The logging policy's probability of the logged arm.
    context_cols : sequence of str, optional
        Columns the direct-method reward model uses; all but the arm, reward and propensity
        columns by default.
    arms : sequence, optional
        Arm names in the column order of a target matrix; inferred otherwise.
    reward_model : numpy.ndarray, optional
        Your own predicted reward per row and arm (``n × n_arms``) for the doubly robust
        estimate; a cross-fitted per-arm logistic (or ridge) regression by default.
    confidence : float, default=0.9
        Level of the bootstrap intervals, in (0, 1).
    n_bootstrap : int, default=500
        Bootstrap resamples.
    random_state : int, default=0
        Seed of the cross-fitting split and the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per estimator — ``logged`` (the mean logged reward: the logging policy's
        value), ``ips``, ``snips``, ``dr`` — with columns ``estimator``, ``estimate``,
        ``std_error`` (bootstrap standard deviation), ``lo`` and ``hi`` (the interval),
        ``n`` (rows) and ``effective_n`` (Kish effective sample size of the IPS weights).

    Raises
    ------
    SchemaError
        If a column is absent, or the reward or propensity column holds text or blanks.
    InputError
        If a propensity is 0 or above 1, the target has the wrong length, chooses unknown
        arms or its probabilities do not sum to 1, or the log is empty.
    ParameterError
        If ``confidence`` or ``n_bootstrap`` is out of range, or a target matrix comes
        without ``arms``.
    """
    where = "evaluate_policy"
    if not 0 < confidence < 1:
        raise ParameterError(
            f"confidence must be in (0, 1); got {confidence!r}.",
            where=f"{where}(confidence)",
            fix="Use e.g. 0.9 for a 90 % interval.",
        )
    if int(n_bootstrap) < 20:
        raise ParameterError(
            f"n_bootstrap must be at least 20; got {n_bootstrap!r}.",
            where=f"{where}(n_bootstrap)",
            fix="Use 200 or more for stable intervals.",
        )
    frame = as_pandas(logged, where=where)
    if propensity_col not in frame.columns:
        raise SchemaError(
            f"The logging propensities are missing: no column {propensity_col!r}. Found: "
            f"{short_list(frame.columns)}.",
            where=f"{where}(propensity_col)",
            fix="Off-policy estimates need the probability with which the logging policy "
            "chose each logged arm; log it, or name its column with propensity_col.",
        )
    check_columns(frame, [arm_col, reward_col], where=where, hint="Pass arm_col and reward_col.")
    if len(frame) == 0:
        raise InputError("The log is empty.", where=where, fix="Pass logged decisions.")
    propensity = _numbers(frame[propensity_col], propensity_col, where)
    bad = (propensity <= 0) | (propensity > 1)
    reward = _numbers(frame[reward_col], reward_col, where)
    logged_arms = frame[arm_col].to_numpy()
    probs, arm_names = _target_matrix(target, logged_arms, arms, where)
    arm_index = pd.Index(arm_names).get_indexer(logged_arms)
    if (arm_index < 0).any():
        raise InputError(
            f"Logged arms {short_list(pd.unique(logged_arms[arm_index < 0]))} are not among "
            f"the target policy's arms {short_list(arm_names)}.",
            where=f"{where}(column={arm_col!r})",
            fix="Pass arms=[...] listing every arm, in the target matrix's column order.",
        )
    rows = np.arange(len(frame))
    target_logged = probs[rows, arm_index]
    if bad.any():
        acting = bad & (target_logged > 0)
        first = int(np.flatnonzero(acting if acting.any() else bad)[0])
        raise InputError(
            f"Propensities must be in (0, 1]; {int(bad.sum()):,} of {len(frame):,} rows are "
            f"not ({int(acting.sum()):,} where the new policy acts; first at row {first}: "
            f"{propensity[first]!r}).",
            where=f"{where}(column={propensity_col!r})",
            fix="A propensity of 0 means the logging policy could not take that arm, so "
            "nothing can be learned about it there: log the true probabilities (a "
            "randomised policy that gives every arm some chance).",
        )
    if context_cols is None:
        context_cols = [c for c in frame.columns if c not in (arm_col, reward_col, propensity_col)]
    check_columns(frame, list(context_cols), where=where, hint="Pass context_cols.")
    if reward_model is None:
        context = frame[list(context_cols)]
        with threadpool_limits(1):
            q = _reward_model(context, arm_index, reward, len(arm_names), random_state)
    else:
        q = np.asarray(reward_model, dtype=float)
        if q.shape != probs.shape:
            raise InputError(
                f"reward_model has shape {q.shape}; expected {probs.shape}.",
                where=f"{where}(reward_model)",
                fix="Give one predicted reward per logged row and arm.",
            )
    weights = target_logged / propensity
    terms = {
        "logged": reward,
        "ips": weights * reward,
        "dr": (probs * q).sum(axis=1) + weights * (reward - q[rows, arm_index]),
    }
    point = {
        "logged": float(reward.mean()),
        "ips": float(terms["ips"].mean()),
        "snips": float(terms["ips"].sum() / max(weights.sum(), 1e-12)),
        "dr": float(terms["dr"].mean()),
    }
    reps = _bootstrap(terms, weights, int(n_bootstrap), random_state)
    tail = (1 - confidence) / 2 * 100
    effective = float(weights.sum() ** 2 / max((weights**2).sum(), 1e-12))
    return pd.DataFrame(
        {
            "estimator": list(_ESTIMATORS),
            "estimate": [point[k] for k in _ESTIMATORS],
            "std_error": [float(reps[k].std(ddof=1)) for k in _ESTIMATORS],
            "lo": [float(np.percentile(reps[k], tail)) for k in _ESTIMATORS],
            "hi": [float(np.percentile(reps[k], 100 - tail)) for k in _ESTIMATORS],
            "n": len(frame),
            "effective_n": [float(len(frame)), effective, effective, effective],
        }
    )
