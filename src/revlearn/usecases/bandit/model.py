"""Content personalisation with a contextual bandit: which variant to show which visitor.

:class:`ContextualBandit` chooses an e-mail subject, banner or offer variant (an *arm*) per
visitor from their context (segment, channel, history …) and learns online from the
outcomes (clicks, purchases, revenue). Two policies, both with one ridge regression per arm
on the encoded context (intercept, one-hot categories, standardised numbers):

* ``"linucb"`` — disjoint LinUCB (Li, Chu, Langford & Schapire 2010): choose the arm with
  the highest upper confidence bound ``x·θ_a + alpha √(xᵀ A_a⁻¹ x)``;
* ``"thompson"`` — linear Thompson sampling (Agrawal & Goyal 2013): draw each arm's reward
  from its Gaussian posterior ``N(x·θ_a, alpha² xᵀ A_a⁻¹ x)`` and choose the largest draw.

State is plain numpy: the inverse design matrix ``A_a⁻¹`` and the vector ``b_a`` per arm,
updated event by event with the Sherman–Morrison formula (a rank-one update of the
inverse, O(d²) instead of O(d³)). Thompson draws are seeded by ``random_state`` (and, after
loading a saved model, by the number of calls so far); LinUCB is deterministic.

Why not mabwiser (the maintained package, ``LearningPolicy.LinUCB`` / ``LinTS``, same
algorithms): measured in ``bench/bandit.py`` on the campaign simulator (50,000 visitors, one
choose + update per visitor, same encoded context and click draws, one thread, a shared
2-core machine), LinUCB makes exactly the same choices as mabwiser's (cumulative regret
73.4 for both) at 5,000–7,000 events/s against mabwiser's 440–470 (11–16×); linear Thompson
sampling runs at 3,700–6,300 events/s against 350–800 (8–11×) with the same regret within
run-to-run noise (over 3 seeds at 10,000 visitors: mean 92 for revlearn, 110 for
mabwiser; in the single 50,000-visitor run 195 against 96). mabwiser's per-call overhead
(input validation and conversion, per-arm Python objects, a full matrix inverse per
update) makes the difference, and its fitted objects could not be saved by revlearn's
registry (skops refuses types outside revlearn, scikit-learn, NumPy and SciPy). Both are
reasons to keep the small amount of linear algebra here; mabwiser stays the benchmark's peer.

The regret simulation against the oracle, random choice and A/B-then-exploit is
:func:`~revlearn.usecases.bandit.regret.regret_curves`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Self

import numpy as np
import pandas as pd

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, ParameterError, SchemaError, short_list
from revlearn.usecases._base import UseCase

__all__ = ["ContextualBandit"]

Policy = Literal["linucb", "thompson"]
_POLICIES = ("linucb", "thompson")


class ContextualBandit(UseCase):
    """Choose a variant per visitor from context, learning online (LinUCB or Thompson).

    Parameters
    ----------
    arm_col : str, default="arm"
        The column of the variant shown, in logged data (``--arm``).
    reward_col : str, default="reward"
        The outcome column (click 0/1, or a value) in logged data (``--reward``).
    context_cols : sequence of str, optional
        The context columns; every column other than the arm, reward and ``propensity``
        columns of the data given to :meth:`fit` by default. Text columns are one-hot
        encoded, numbers standardised.
    arms : sequence, optional
        The variants; those seen in the data given to :meth:`fit` by default (needed for a
        cold start with no logged outcomes).
    policy : {"linucb", "thompson"}, default="linucb"
        Disjoint LinUCB or linear Thompson sampling.
    alpha : float, default=0.3
        Exploration: LinUCB's confidence-bound width, or the posterior scale of Thompson
        sampling; larger explores more.
    ridge : float, default=1.0
        Ridge penalty (prior precision) of each arm's regression.
    random_state : int, default=0
        Seed of the Thompson draws and of tie-breaking.
    """

    usecase = "bandit"

    def __init__(
        self,
        *,
        arm_col: str = "arm",
        reward_col: str = "reward",
        context_cols: Sequence[str] | None = None,
        arms: Sequence[Any] | None = None,
        policy: Policy = "linucb",
        alpha: float = 0.3,
        ridge: float = 1.0,
        random_state: int = 0,
    ) -> None:
        self.arm_col = arm_col
        self.reward_col = reward_col
        self.context_cols = context_cols
        self.arms = arms
        self.policy = policy
        self.alpha = alpha
        self.ridge = ridge
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(self, data: Any) -> Self:
        """Learn the context encoding and, from logged outcomes if any, each arm's model.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            Contexts, one row per visitor; with ``arm_col`` and ``reward_col`` the rows are
            logged decisions and the arms' models learn from them (a warm start). Without
            them only the encoding is learned (a cold start: pass ``arms``).

        Returns
        -------
        ContextualBandit
            ``self``, fitted.

        Raises
        ------
        ParameterError
            If ``policy``, ``alpha`` or ``ridge`` is invalid, or fewer than 2 arms are known.
        SchemaError
            If a context column is absent, or the reward column holds text or blanks.
        InputError
            If ``data`` is empty, or an arm or a categorical context value is blank.
        """
        where = "ContextualBandit.fit"
        self._check_params(where)
        frame = as_pandas(data, where=where)
        if len(frame) == 0:
            raise InputError("The data is empty.", where=where, fix="Pass visitor contexts.")
        logged = self.arm_col in frame.columns and self.reward_col in frame.columns
        skip = {self.arm_col, self.reward_col, "propensity"}
        cols = (
            [c for c in frame.columns if c not in skip]
            if self.context_cols is None
            else list(self.context_cols)
        )
        check_columns(frame, cols, where=where, hint="Pass context_cols=[...] (--context).")
        arms = list(self.arms) if self.arms is not None else []
        if logged:
            seen = frame[self.arm_col]
            if seen.isna().any():
                raise InputError(
                    f"{int(seen.isna().sum()):,} rows have no arm.",
                    where=f"{where}(column={self.arm_col!r})",
                    fix="Drop those rows or fill in the variant shown.",
                )
            if self.arms is None:
                arms = sorted(pd.unique(seen).tolist(), key=str)
        if len(arms) < 2:
            raise ParameterError(
                f"A bandit needs at least 2 arms; got {short_list(arms) or 'none'}.",
                where=f"{where}(arms)",
                fix="Pass arms=[...] (the variants), or logged data with an arm column.",
            )
        self.context_cols_ = cols
        self.arms_ = arms
        self._learn_encoding(frame[cols], where)
        d = self.n_features_
        k = len(arms)
        self.A_inv_ = np.repeat(np.eye(d)[None] / float(self.ridge), k, axis=0)
        self.b_ = np.zeros((k, d))
        self.theta_ = np.zeros((k, d))
        self.pulls_ = np.zeros(k, dtype=np.int64)
        self.reward_sum_ = np.zeros(k)
        self.n_choices_ = 0
        if logged:
            self.update(frame[cols], frame[self.arm_col].to_numpy(), frame[self.reward_col])
        return self

    def _check_params(self, where: str) -> None:
        if self.policy not in _POLICIES:
            raise ParameterError(
                f"Unknown policy {self.policy!r}.",
                where=f"{where}(policy)",
                fix=f"Use one of: {', '.join(_POLICIES)}.",
            )
        for name in ("alpha", "ridge"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not value >= 0 or value > 1e6:
                raise ParameterError(
                    f"{name} must be a number ≥ 0; got {value!r}.",
                    where=f"{where}({name})",
                    fix="Use e.g. alpha=0.5, ridge=1.0.",
                )
        if not self.ridge > 0:
            raise ParameterError(
                "ridge must be above 0.", where=f"{where}(ridge)", fix="Use e.g. ridge=1.0."
            )

    def _learn_encoding(self, context: pd.DataFrame, where: str) -> None:
        categorical: dict[str, list[str]] = {}
        numeric: list[str] = []
        centre: list[float] = []
        scale: list[float] = []
        for col in context.columns:
            values = context[col]
            if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                x = values.to_numpy(dtype=float)
                if np.isnan(x).any():
                    raise SchemaError(
                        f"Context column {col!r} has {int(np.isnan(x).sum()):,} blanks.",
                        where=f"{where}(column={col!r})",
                        fix="Fill them (e.g. 0 for a count) before fitting.",
                    )
                numeric.append(str(col))
                centre.append(float(x.mean()))
                scale.append(float(x.std()) or 1.0)
            else:
                if values.isna().any():
                    raise InputError(
                        f"Context column {col!r} has {int(values.isna().sum()):,} blanks.",
                        where=f"{where}(column={col!r})",
                        fix="Fill them with a value such as 'unknown'.",
                    )
                categorical[str(col)] = sorted(values.astype(str).unique().tolist())
        self.categories_ = categorical
        self.numeric_cols_ = numeric
        self.numeric_centre_ = np.asarray(centre)
        self.numeric_scale_ = np.asarray(scale)
        names = ["intercept"]
        for col, levels in categorical.items():
            names += [f"{col}={level}" for level in levels]
        self.feature_names_ = names + numeric
        self.n_features_ = len(self.feature_names_)

    # ------------------------------------------------------------------ encoding
    def encode(self, context: Any) -> np.ndarray:
        """Encode contexts as the design matrix the arms' models use.

        Pass the result to :meth:`choose` and :meth:`update` instead of a DataFrame when
        deciding one visitor at a time in a hot loop (it skips the table handling).

        Parameters
        ----------
        context : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per visitor with the fitted context columns.

        Returns
        -------
        numpy.ndarray
            ``n × n_features`` (intercept, one-hot categories, standardised numbers; see
            ``feature_names_``). Unseen categories encode as all zeros.

        Raises
        ------
        SchemaError
            If a context column is missing or a numeric one holds text or blanks.
        """
        self._check_fitted("encode")
        return self._encode(context)

    def _encode(self, context: Any) -> np.ndarray:
        where = "ContextualBandit.encode"
        if isinstance(context, np.ndarray):
            return self._matrix(context, where)
        frame = as_pandas(context, where=where)
        check_columns(
            frame, self.context_cols_, where=where, hint="Pass every fitted context column."
        )
        n = len(frame)
        parts = [np.ones((n, 1))]
        for col, levels in self.categories_.items():
            codes = pd.Index(levels).get_indexer(frame[col].astype(str))
            block = np.zeros((n, len(levels)))
            known = codes >= 0
            block[np.flatnonzero(known), codes[known]] = 1.0
            parts.append(block)
        if self.numeric_cols_:
            raw = frame[self.numeric_cols_].apply(pd.to_numeric, errors="coerce")
            x = raw.to_numpy(dtype=float)
            if np.isnan(x).any():
                col = self.numeric_cols_[int(np.flatnonzero(np.isnan(x).any(axis=0))[0])]
                raise SchemaError(
                    f"Context column {col!r} must hold numbers; found text or blanks.",
                    where=f"{where}(column={col!r})",
                    fix="Fill the blanks and convert the column to numbers.",
                )
            parts.append((x - self.numeric_centre_) / self.numeric_scale_)
        return np.hstack(parts)

    def _matrix(self, X: np.ndarray, where: str) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_features_:
            raise SchemaError(
                f"An encoded context must have {self.n_features_} columns; got shape {X.shape}.",
                where=where,
                fix="Pass a DataFrame of the context columns, or the output of encode().",
            )
        return X

    def _arm_codes(self, arms: Any, n: int, where: str) -> np.ndarray:
        values = np.asarray(arms, dtype=object).ravel()
        if len(values) != n:
            raise InputError(
                f"{len(values):,} arms were given for {n:,} contexts.",
                where=f"{where}(arms)",
                fix="Give one arm per context row.",
            )
        lookup = {arm: j for j, arm in enumerate(self.arms_)}
        codes = np.fromiter((lookup.get(v, -1) for v in values), dtype=np.int64, count=n)
        if (codes < 0).any():
            raise InputError(
                f"Unknown arms: {short_list(pd.unique(values[codes < 0]))}.",
                where=f"{where}(arms)",
                fix=f"The fitted arms are: {short_list(self.arms_)}.",
            )
        return codes

    # ------------------------------------------------------------------ online
    def scores(self, context: Any) -> np.ndarray:
        """Score every arm for every visitor as the policy does (bound or posterior draw).

        Parameters
        ----------
        context : pandas.DataFrame or numpy.ndarray
            Contexts, or their :meth:`encode` matrix.

        Returns
        -------
        numpy.ndarray
            ``n × n_arms``: LinUCB's upper bounds, or one Thompson draw per visitor and arm.
        """
        self._check_fitted("scores")
        return self._scores(self._encode(context))

    def _scores(self, X: np.ndarray) -> np.ndarray:
        mean = X @ self.theta_.T
        spread = np.sqrt(np.maximum(np.einsum("nd,kde,ne->nk", X, self.A_inv_, X), 0.0))
        self.n_choices_ += 1
        if self.policy == "linucb":  # deterministic; ties go to the first arm
            return mean + float(self.alpha) * spread
        return mean + float(self.alpha) * spread * self._rng().standard_normal(mean.shape)

    def _rng(self) -> np.random.Generator:
        """The Thompson draws' generator, seeded by ``random_state`` and the calls so far.

        It is kept out of the saved state (see ``__getstate__``); a loaded model starts a
        new stream seeded by ``random_state`` and its call count, so it stays reproducible.
        """
        rng = self.__dict__.get("_generator")
        if rng is None:
            rng = np.random.default_rng([int(self.random_state), int(self.n_choices_)])
            self.__dict__["_generator"] = rng
        return rng

    def __getstate__(self) -> dict[str, Any]:
        """Return the state to save: everything but the random generator."""
        return {k: v for k, v in self.__dict__.items() if k != "_generator"}

    def choose(self, context: Any) -> np.ndarray:
        """Choose an arm for each visitor.

        Parameters
        ----------
        context : pandas.DataFrame or numpy.ndarray
            One row per visitor with the context columns, or the :meth:`encode` matrix.

        Returns
        -------
        numpy.ndarray
            The chosen arm per visitor (arm names).

        Raises
        ------
        SchemaError
            If a context column is missing.
        """
        self._check_fitted("choose")
        best = self._scores(self._encode(context)).argmax(axis=1)
        return np.asarray(self.arms_, dtype=object)[best]

    def update(self, context: Any, arms: Any, rewards: Any) -> Self:
        """Learn from the outcomes of shown arms (online, one event or a batch).

        Parameters
        ----------
        context : pandas.DataFrame or numpy.ndarray
            The visitors' contexts, or their :meth:`encode` matrix.
        arms : array-like
            The arm shown to each.
        rewards : array-like
            The outcome of each (click 0/1 or a value).

        Returns
        -------
        ContextualBandit
            ``self``, updated.

        Raises
        ------
        InputError
            If lengths differ or an arm is unknown.
        SchemaError
            If a context column is missing or a reward is not a number.
        """
        self._check_fitted("update")
        where = "ContextualBandit.update"
        X = self._encode(context)
        codes = self._arm_codes(arms, len(X), where)
        r = np.asarray(rewards).ravel()
        if r.dtype.kind in "biuf":
            r = r.astype(float)
        else:
            r = pd.to_numeric(pd.Series(r), errors="coerce").to_numpy(dtype=float)
        if len(r) != len(X) or np.isnan(r).any():
            raise SchemaError(
                "Rewards must be one number per context row, with no blanks.",
                where=f"{where}(rewards)",
                fix="Pass a numeric reward (click 0/1, revenue) for every shown arm.",
            )
        if len(codes) == 1:  # the online hot path: one Sherman–Morrison step
            self._update_one(X[0], int(codes[0]), float(r[0]))
            return self
        for arm in np.unique(codes):
            rows = codes == arm
            Xa, ra = X[rows], r[rows]
            if len(Xa) <= 4:
                A_inv = self.A_inv_[arm]
                for x in Xa:
                    Ax = A_inv @ x
                    A_inv -= np.outer(Ax, Ax) / (1.0 + x @ Ax)  # Sherman–Morrison
            else:
                A = np.linalg.inv(self.A_inv_[arm]) + Xa.T @ Xa
                self.A_inv_[arm] = np.linalg.inv(A)
            self.b_[arm] += Xa.T @ ra
            self.theta_[arm] = self.A_inv_[arm] @ self.b_[arm]
            self.pulls_[arm] += len(ra)
            self.reward_sum_[arm] += float(ra.sum())
        return self

    def _update_one(self, x: np.ndarray, arm: int, reward: float) -> None:
        A_inv = self.A_inv_[arm]
        Ax = A_inv @ x
        A_inv -= np.outer(Ax, Ax) / (1.0 + x @ Ax)
        self.b_[arm] += reward * x
        self.theta_[arm] = A_inv @ self.b_[arm]
        self.pulls_[arm] += 1
        self.reward_sum_[arm] += reward

    def _check_fitted(self, call: str) -> None:
        if "theta_" not in self.__dict__:  # fast check: called on every online event
            super()._check_fitted(call)

    # ------------------------------------------------------------------ batch
    def predict(self, data: Any) -> pd.DataFrame:
        """Give each visitor the arm with the best expected reward (greedy, no exploration).

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per visitor with the context columns.

        Returns
        -------
        pandas.DataFrame
            One row per input row, same index: ``arm`` (best expected reward),
            ``expected_reward`` and ``expected_<arm>`` for every arm.

        Raises
        ------
        SchemaError
            If a context column is missing.
        """
        self._check_fitted("predict")
        frame = as_pandas(data, where="ContextualBandit.predict")
        mean = self._mean(self._encode(frame))
        best = mean.argmax(axis=1)
        out = pd.DataFrame(
            {
                "arm": np.asarray(self.arms_, dtype=object)[best],
                "expected_reward": mean[np.arange(len(mean)), best],
            },
            index=frame.index,
        )
        for j, arm in enumerate(self.arms_):
            out[f"expected_{arm}"] = mean[:, j]
        return out

    def _mean(self, X: np.ndarray) -> np.ndarray:
        return X @ self.theta_.T

    def explain(self) -> pd.DataFrame:
        """Show what each arm's model learned: the effect of every context feature.

        Returns
        -------
        pandas.DataFrame
            One row per (arm, feature): ``arm``, ``feature`` (e.g. ``segment=regular``),
            ``coefficient`` (change in expected reward; numbers per standard deviation),
            ``pulls`` and ``mean_reward`` of the arm.
        """
        self._check_fitted("explain")
        theta = self.theta_
        rows = []
        for j, arm in enumerate(self.arms_):
            mean = self.reward_sum_[j] / self.pulls_[j] if self.pulls_[j] else float("nan")
            for f, name in enumerate(self.feature_names_):
                rows.append((arm, name, float(theta[j, f]), int(self.pulls_[j]), mean))
        return pd.DataFrame(rows, columns=["arm", "feature", "coefficient", "pulls", "mean_reward"])

    def summary(self) -> dict[str, Any]:
        """Return the key figures of the bandit as plain types (for ``--json``).

        Returns
        -------
        dict
            ``policy``, ``alpha``, ``arms`` (names), ``context_cols``, ``n_features``,
            ``n_events`` (outcomes learned from), ``pulls`` and ``mean_reward`` (arm → value;
            None for an arm never pulled) and ``best_arm_overall`` (highest mean reward).
        """
        self._check_fitted("summary")
        means = {
            str(a): (float(self.reward_sum_[j] / self.pulls_[j]) if self.pulls_[j] else None)
            for j, a in enumerate(self.arms_)
        }
        pulled = {a: m for a, m in means.items() if m is not None}
        return {
            "policy": str(self.policy),
            "alpha": float(self.alpha),
            "arms": [str(a) for a in self.arms_],
            "context_cols": [str(c) for c in self.context_cols_],
            "n_features": int(self.n_features_),
            "n_events": int(self.pulls_.sum()),
            "pulls": {str(a): int(self.pulls_[j]) for j, a in enumerate(self.arms_)},
            "mean_reward": means,
            "best_arm_overall": max(pulled, key=lambda a: pulled[a]) if pulled else None,
        }
