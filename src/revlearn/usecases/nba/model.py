"""The :class:`NextBestAction` use case: fit the response models, plan, explain, summarise.

The catalogue and allocation live in :mod:`~revlearn.usecases.nba.plan`, the response
models in :mod:`~revlearn.usecases.nba.response`, cross-sell pricing in
:mod:`~revlearn.usecases.nba.candidates` and the lift measurement in
:mod:`~revlearn.usecases.nba.lift`; the class combines them (see the package docstring for
the method).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, ParameterError, RevlearnWarning, SchemaError, short_list
from revlearn.models.design import make_design
from revlearn.usecases._base import UseCase
from revlearn.usecases.nba.candidates import CandidatePricing
from revlearn.usecases.nba.lift import LiftMeasurement
from revlearn.usecases.nba.plan import ActionPlanning
from revlearn.usecases.nba.response import ResponseModels

__all__ = ["NextBestAction"]

Structure = Literal["auto", "per-action", "single"]
Learner = Literal["auto", "logistic", "lightgbm"]


class NextBestAction(UseCase, ResponseModels, ActionPlanning, CandidatePricing, LiftMeasurement):
    """Choose one action per customer by expected value, with eligibility, caps and a holdout.

    Parameters
    ----------
    customer_col : str, default="customer_id"
        The customer id in the customer table, history and candidates (``--customer``).
    action_col : str, default="action"
        The action, in the history and the catalogue (``--action``).
    response_col : str, default="responded"
        The 0/1 response to a past action, in the history (``--response``).
    value_col : str, optional
        The value of each response in the history (e.g. the order it led to); an action
        whose catalogue value is ``"observed"`` is then worth the mean value of its past
        responses (``--value``).
    feature_cols : sequence of str, optional
        Customer columns the response model uses; all but the id by default.
    nothing_action : str, default="nothing"
        The "do nothing" action: the fallback, and what the holdout gets.
    cross_sell_action : str, default="upsell"
        The action that cross-sell candidates (if given) price per customer.
    structure : {"auto", "per-action", "single"}, default="auto"
        One classifier per action, one with the action as a feature, or the better by
        cross-validated log-loss.
    learner : {"auto", "logistic", "lightgbm"}, default="auto"
        The classifier, or the better by cross-validated log-loss.
    max_contacts : int or float, optional
        Contact cap per period: at most this many customers (an int) or this share of them
        (a float in (0, 1]) get an action other than nothing. No cap by default.
    holdout_share : float, default=0.1
        Share of customers held out at random (they get nothing), in [0, 0.5].
    n_folds : int, default=3
        Cross-validation folds (grouped by customer) for the model choice.
    random_state : int, default=0
        Seed of the folds and of the holdout draw.
    """

    usecase = "nba"

    def __init__(
        self,
        *,
        customer_col: str = "customer_id",
        action_col: str = "action",
        response_col: str = "responded",
        value_col: str | None = None,
        feature_cols: Sequence[str] | None = None,
        nothing_action: str = "nothing",
        cross_sell_action: str = "upsell",
        structure: Structure = "auto",
        learner: Learner = "auto",
        max_contacts: int | float | None = None,
        holdout_share: float = 0.1,
        n_folds: int = 3,
        random_state: int = 0,
    ) -> None:
        self.customer_col = customer_col
        self.action_col = action_col
        self.response_col = response_col
        self.value_col = value_col
        self.feature_cols = feature_cols
        self.nothing_action = nothing_action
        self.cross_sell_action = cross_sell_action
        self.structure = structure
        self.learner = learner
        self.max_contacts = max_contacts
        self.holdout_share = holdout_share
        self.n_folds = n_folds
        self.random_state = random_state

    # ------------------------------------------------------------------ checks
    def _check_params(self, where: str) -> None:
        options = {"structure": ("auto", "per-action", "single")}
        options["learner"] = ("auto", "logistic", "lightgbm")
        for name, allowed in options.items():
            if getattr(self, name) not in allowed:
                raise ParameterError(
                    f"Unknown {name} {getattr(self, name)!r}.",
                    where=f"{where}({name})",
                    fix=f"Use one of: {', '.join(allowed)}.",
                )
        share = self.holdout_share
        if not isinstance(share, int | float) or not 0 <= share <= 0.5:
            raise ParameterError(
                f"holdout_share must be in [0, 0.5]; got {share!r}.",
                where=f"{where}(holdout_share)",
                fix="Use e.g. 0.1 to hold out 10 % of customers.",
            )
        cap = self.max_contacts
        bad_int = isinstance(cap, int) and cap < 0
        bad_float = isinstance(cap, float) and not 0 < cap <= 1
        if cap is not None and (not isinstance(cap, int | float) or bad_int or bad_float):
            raise ParameterError(
                f"max_contacts must be a count ≥ 0 or a share in (0, 1]; got {cap!r}.",
                where=f"{where}(max_contacts)",
                fix="Use e.g. max_contacts=500 or max_contacts=0.2.",
            )
        if not isinstance(self.n_folds, int) or self.n_folds < 2:
            raise ParameterError(
                f"n_folds must be an integer ≥ 2; got {self.n_folds!r}.",
                where=f"{where}(n_folds)",
                fix="Use n_folds=3.",
            )

    def _customers(self, data: Any, where: str) -> pd.DataFrame:
        frame = as_pandas(data, where=where)
        check_columns(frame, [self.customer_col], where=where, hint="Pass --customer.")
        ids = frame[self.customer_col]
        blank = ids.isna() | (ids.astype(str).str.strip() == "")
        if blank.any():
            raise InputError(
                f"{int(blank.sum()):,} of {len(frame):,} customers have a blank id (first at "
                f"row {int(np.flatnonzero(blank.to_numpy())[0])}).",
                where=f"{where}(column={self.customer_col!r})",
                fix="Fill in or drop customers without an id.",
            )
        if ids.duplicated().any():
            raise InputError(
                f"Customer ids repeat: {short_list(ids[ids.duplicated()].unique())}.",
                where=f"{where}(column={self.customer_col!r})",
                fix="Give one row per customer in the customer table.",
            )
        return frame

    def _history(
        self, data: Any, customers: pd.DataFrame, where: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Customer row, action name and 0/1 response of every usable history row."""
        frame = as_pandas(data, where=f"{where}(history)")
        cols = [self.customer_col, self.action_col, self.response_col]
        check_columns(frame, cols, where=f"{where}(history)", hint="Pass --action, --response.")
        actions = frame[self.action_col].astype(str)
        unknown = ~actions.isin(self.actions_)
        if unknown.any():
            raise InputError(
                f"The history holds actions not in the catalogue: "
                f"{short_list(actions[unknown].unique())} ({int(unknown.sum()):,} rows).",
                where=f"{where}(history, column={self.action_col!r})",
                fix=f"Add them to the catalogue or drop those rows; catalogue actions: "
                f"{short_list(self.actions_)}.",
            )
        response = pd.to_numeric(frame[self.response_col], errors="coerce")
        if not response.isin([0, 1]).all():
            raise SchemaError(
                f"Column {self.response_col!r} must hold 0/1 responses; found "
                f"{short_list(frame[self.response_col][~response.isin([0, 1])].unique())}.",
                where=f"{where}(history, column={self.response_col!r})",
                fix="Code a response as 1 and no response as 0.",
            )
        position = pd.Index(customers[self.customer_col]).get_indexer(frame[self.customer_col])
        known = position >= 0
        if not known.any():
            raise InputError(
                "No customer of the history is in the customer table.",
                where=f"{where}(history, column={self.customer_col!r})",
                fix="Pass the customer table that matches the history (same id column).",
            )
        if not known.all():
            warnings.warn(
                f"{int((~known).sum()):,} history rows of customers missing from the customer "
                "table were dropped.",
                RevlearnWarning,
                stacklevel=3,
            )
        y = response.to_numpy()[known].astype(np.int64)
        if "observed" in self.action_values_:
            self._observed_values(frame[known], actions[known], y, where)
        return position[known], actions.to_numpy()[known], y

    def _observed_values(
        self, frame: pd.DataFrame, actions: pd.Series, y: np.ndarray, where: str
    ) -> None:
        """Replace ``"observed"`` catalogue values by the mean value of past responses."""
        column = str(self.value_col)
        check_columns(frame, [column], where=f"{where}(history)", hint="Pass value_col.")
        amount = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        for j, value in enumerate(self.action_values_):
            if value != "observed":
                continue
            rows = (actions.to_numpy() == self.actions_[j]) & (y == 1) & ~np.isnan(amount)
            if not rows.any():
                raise InputError(
                    f"Action {self.actions_[j]!r} has the value 'observed' but no past "
                    f"response with a value in {column!r}.",
                    where=f"{where}(catalogue, column='value')",
                    fix="Give its value as a number in the catalogue.",
                )
            self.action_values_[j] = float(amount[rows].mean())

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        history: Any,
        *,
        customers: Any,
        catalogue: Any,
        candidates: Any | None = None,
    ) -> Self:
        """Learn P(response | action, customer) and plan the fitted customers' actions.

        Parameters
        ----------
        history : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            Past actions: ``customer_col``, ``action_col`` and ``response_col`` (0/1).
            Actions should have been assigned at random (or the model learns who was
            chosen, not who responds).
        customers : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per customer: ``customer_col`` and the features.
        catalogue : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per action: ``action_col``, ``value``, ``cost``; optional
            ``eligible``, ``budget`` and ``response`` (what a response is, for the
            reasons: "to keep a customer"; "of a response" by default).
        candidates : pandas.DataFrame, optional
            Cross-sell candidates (see :func:`cross_sell_candidates`) for the plan of the
            fitted customers.

        Returns
        -------
        NextBestAction
            ``self``, fitted; ``plan_`` holds the figures of the fitted customers' plan.

        Raises
        ------
        SchemaError
            If a column is absent, the catalogue lacks value or cost, a response is not 0/1
            or an eligibility rule cannot be evaluated.
        InputError
            If a customer id is blank or repeated, the history holds an unknown action, or
            no history row matches a customer.
        ParameterError
            If a parameter is out of range.
        """
        where = "NextBestAction.fit"
        self._check_params(where)
        table = self._customers(customers, where)
        cols = self.feature_cols
        self.feature_cols_ = (
            [c for c in table.columns if c != self.customer_col] if cols is None else list(cols)
        )
        check_columns(table, self.feature_cols_, where=where, hint="Pass feature_cols=[...].")
        self._catalogue(catalogue, table, where)
        position, actions, y = self._history(history, table, where)
        counts = pd.Series(y).groupby(actions).agg(["size", "mean"])
        self.history_counts_ = {str(a): int(n) for a, n in counts["size"].items()}
        self.response_rates_ = {str(a): float(m) for a, m in counts["mean"].items()}
        modelled = [a for a in self.actions_ if a in self.history_counts_]
        missing = [a for a in self.actions_ if a not in modelled and a != self.nothing_action]
        if missing:
            warnings.warn(
                f"Actions with no history cannot be predicted and are left out (unless "
                f"cross-sell candidates price them): {short_list(missing)}.",
                RevlearnWarning,
                stacklevel=2,
            )
        self.modelled_actions_ = modelled
        features = table[self.feature_cols_]
        numeric = [c for c in self.feature_cols_ if pd.api.types.is_numeric_dtype(features[c])]
        self.numeric_cols_ = numeric
        self.categorical_cols_ = [c for c in self.feature_cols_ if c not in numeric]
        with threadpool_limits(1):
            design = make_design(numeric=numeric, categorical=self.categorical_cols_)
            self.design_ = design.fit(features)
            X = np.asarray(self.design_.transform(features))[position]
            codes = pd.Index(modelled).get_indexer(actions)
            groups = position
            self.cv_scores_ = self._select(X, codes, y, groups)
            best = min(self.cv_scores_, key=lambda s: s["log_loss"])
            self.structure_, self.learner_ = str(best["structure"]), str(best["learner"])
            self.models_ = self._fit_models(X, codes, y, self.structure_, self.learner_, True)
        self.plan_ = self._plan_figures(self.predict(table, candidates=candidates))
        return self

    # ------------------------------------------------------------------ predict
    def predict(self, data: Any, *, candidates: Any | None = None) -> pd.DataFrame:
        """Plan one action per customer: the eligible action of highest expected value.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per customer with ``customer_col`` and the feature columns.
        candidates : pandas.DataFrame, optional
            Cross-sell candidates: ``customer_col``, ``item``, ``probability`` and
            ``margin`` (see :func:`cross_sell_candidates`); the best per customer prices
            the ``cross_sell_action``.

        Returns
        -------
        pandas.DataFrame
            One row per customer, input order: ``<customer_col>``, ``action``,
            ``probability`` (of a response to it), ``value`` (of a response), ``cost``,
            ``expected_value`` (probability × value − cost), ``reason`` (plain words),
            ``in_holdout`` (held out at random: the action is then ``nothing_action``) and
            ``planned_action`` (the action planned before the holdout was drawn).

        Raises
        ------
        SchemaError
            If a column is absent or an eligibility rule cannot be evaluated.
        InputError
            If a customer id is blank or repeated.
        """
        self._check_fitted("predict")
        where = "NextBestAction.predict"
        table = self._customers(data, where)
        check_columns(table, self.feature_cols_, where=where, hint="Pass every feature column.")
        n = len(table)
        with threadpool_limits(1):
            X = np.asarray(self.design_.transform(self._features(table, where)))
            prob = np.column_stack([self._probability(self.models_, X, a) for a in self.actions_])
        value = np.column_stack(
            [
                self._value_column(table, v, where) if isinstance(v, str) else np.full(n, v)
                for v in self.action_values_
            ]
        )
        # a customer without a value (blank in the value column) cannot get that action
        eligible = self._eligibility(table, where) & ~np.isnan(prob) & ~np.isnan(value)
        items = np.full(n, "", dtype=object)
        if candidates is not None and self.cross_sell_action in self.actions_:
            j = self.actions_.index(self.cross_sell_action)
            p, m, items = self._candidates(candidates, table, value[:, j], where)
            prob[:, j], value[:, j] = p, m
            eligible[:, j] &= ~np.isnan(p)
        nothing = self.actions_.index(self.nothing_action)
        prob[:, nothing], value[:, nothing] = 0.0, 0.0
        eligible[:, nothing] = True
        ev = np.where(
            eligible, np.nan_to_num(prob) * value - np.asarray(self.action_costs_), -np.inf
        )
        ev[:, nothing] = 0.0
        choice, limited = self._allocate(ev, nothing)
        rng = np.random.default_rng(self.random_state)
        holdout = np.zeros(n, dtype=bool)
        holdout[rng.permutation(n)[: round(float(self.holdout_share) * n)]] = True
        final = np.where(holdout, nothing, choice)
        rows = np.arange(n)
        names = np.asarray(self.actions_, dtype=object)
        out = pd.DataFrame(
            {
                self.customer_col: table[self.customer_col].to_numpy(),
                "action": names[final],
                "probability": prob[rows, final],
                "value": value[rows, final],
                "cost": np.asarray(self.action_costs_)[final],
                "expected_value": ev[rows, final],
                "reason": self._reasons(prob, value, ev, eligible, choice, limited, holdout, items),
                "in_holdout": holdout,
                "planned_action": names[choice],
            }
        )
        return out

    def _features(self, table: pd.DataFrame, where: str) -> pd.DataFrame:
        """The feature columns, numeric ones checked (text there is an error, not a crash)."""
        features = table[self.feature_cols_].copy()
        for col in self.numeric_cols_:
            values = pd.to_numeric(features[col], errors="coerce")
            text = values.isna() & features[col].notna()
            if text.any():
                raise SchemaError(
                    f"Column {col!r} was numeric when the model was fitted, but "
                    f"{int(text.sum()):,} customers have text there "
                    f"({short_list(features[col][text].unique())}).",
                    where=f"{where}(column={col!r})",
                    fix="Give numbers (blanks are allowed: they are imputed).",
                )
            features[col] = values
        return features

    @staticmethod
    def _value_column(table: pd.DataFrame, column: str, where: str) -> np.ndarray:
        values = pd.to_numeric(table[column], errors="coerce")
        text = values.isna() & table[column].notna()
        if text.any():
            raise SchemaError(
                f"Column {column!r} holds the value of a response, but "
                f"{int(text.sum()):,} customers have text there "
                f"({short_list(table[column][text].unique())}).",
                where=f"{where}(column={column!r})",
                fix="Give a number (or leave blank: that customer is then not eligible).",
            )
        return values.to_numpy(dtype=float)

    # ------------------------------------------------------------------ reading
    def _plan_figures(self, plan: pd.DataFrame) -> dict[str, Any]:
        treated = plan[~plan["in_holdout"]]
        counts = plan["action"].value_counts()
        return {
            "n_customers": len(plan),
            "action_counts": {str(a): int(counts.get(a, 0)) for a in self.actions_},
            "n_contacted": int((treated["action"] != self.nothing_action).sum()),
            "expected_total_value": float(treated["expected_value"].sum()),
            "holdout_size": int(plan["in_holdout"].sum()),
            "expected_value_by_action": {
                str(a): float(v)
                for a, v in treated.groupby("action")["expected_value"].sum().items()
            },
        }

    def explain(self) -> pd.DataFrame:
        """Describe each action: its economics, its history and how often it was planned.

        Returns
        -------
        pandas.DataFrame
            One row per catalogue action: ``action``, ``value`` (number or customer
            column), ``cost``, ``eligible`` (rule), ``budget``, ``n_history`` (past actions),
            ``response_rate`` (observed), ``planned`` (customers it goes to in the fitted
            customers' plan) and ``expected_value`` (their total).
        """
        self._check_fitted("explain")
        return pd.DataFrame(
            {
                "action": self.actions_,
                "value": [str(v) if isinstance(v, str) else v for v in self.action_values_],
                "cost": self.action_costs_,
                "eligible": self.eligible_rules_,
                "budget": self.budgets_,
                "n_history": [self.history_counts_.get(a, 0) for a in self.actions_],
                "response_rate": [self.response_rates_.get(a, np.nan) for a in self.actions_],
                "planned": [self.plan_["action_counts"][a] for a in self.actions_],
                "expected_value": [
                    self.plan_["expected_value_by_action"].get(a, 0.0) for a in self.actions_
                ],
            }
        )

    def summary(self) -> dict[str, Any]:
        """Return the key figures of the model and of the fitted customers' plan.

        Returns
        -------
        dict
            ``actions``, ``response_model`` (``structure`` and ``learner`` chosen),
            ``cv_log_loss`` (one entry per candidate), ``response_rates`` (observed per
            action), ``holdout_share``, ``max_contacts``, and the plan's ``n_customers``,
            ``action_counts``, ``n_contacted``, ``expected_total_value``, ``holdout_size``
            and ``expected_value_by_action``.
        """
        self._check_fitted("summary")
        return {
            "actions": list(self.actions_),
            "response_model": {"structure": self.structure_, "learner": self.learner_},
            "cv_log_loss": [dict(s) for s in self.cv_scores_],
            "response_rates": dict(self.response_rates_),
            "holdout_share": float(self.holdout_share),
            "max_contacts": self.max_contacts,
            **self.plan_,
        }
