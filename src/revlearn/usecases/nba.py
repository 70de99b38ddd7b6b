"""Next best action: one action per customer by expected value, with caps and a holdout.

:class:`NextBestAction` learns from a history of past actions and responses how likely each
customer is to respond to each action — P(response | action, customer) — and picks per
customer the eligible action with the highest expected value, ``P × value − cost``
(a retention call is worth the customer's value if it keeps them; an offer its margin).

* **Response model**, chosen by cross-validated log-loss (folds grouped by customer) among
  one classifier per action (a T-learner) and one classifier with the action as a feature
  (an S-learner), each with logistic regression and LightGBM; the winner is refitted on the
  whole history, LightGBM sigmoid-calibrated (``CalibratedClassifierCV``). The customer
  features go through :func:`revlearn.models.design.make_design` once (one-hot
  categories, standardised numbers); the single model gets the action one-hot as well.
* **Catalogue**: per action the value of a response (a number, or the customer column that
  holds it), the cost of a contact, an eligibility rule (a pandas query such as
  ``"tenure_months >= 3"`` or a 0/1 column) and an optional ``budget`` (most customers per
  action). The ``nothing`` action is the fallback at value 0.
* **Allocation**: greedy by expected value over all (customer, action) pairs that pay off,
  within the per-action budgets and a contact cap (``max_contacts``).
* **Holdout**: a random share of customers (exactly ``round(holdout_share × n)``, seeded)
  gets nothing whatever their plan, so :meth:`NextBestAction.measure_lift` can compare
  treated and held-out customers with the same planned action later. The holdout is drawn
  after planning, so the contacts made are about ``(1 − holdout_share)`` × the cap.
* **Cross-sell**: :func:`cross_sell_candidates` turns a fitted
  :class:`~revlearn.usecases.basket.BasketAnalysis` into per-customer candidates (item,
  purchase probability = rule confidence, margin); passed to :meth:`NextBestAction.fit` or
  :meth:`~NextBestAction.predict`, they give the ``cross_sell_action`` its probability and
  value per customer (customers without a candidate are not eligible for it).

The allocation is a few lines of numpy; a linear-programming solver would only matter with
several interacting constraints per customer, which this use case does not have.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier
from scipy import stats
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, ParameterError, RevlearnWarning, SchemaError, short_list
from revlearn.models.design import make_design
from revlearn.usecases._base import UseCase

__all__ = ["NextBestAction", "cross_sell_candidates"]

Structure = Literal["auto", "per-action", "single"]
Learner = Literal["auto", "logistic", "lightgbm"]


def cross_sell_candidates(
    basket: Any, purchases: Any, *, customer_col: str | None = None, top: int = 1
) -> pd.DataFrame:
    """Build cross-sell candidates (item, purchase probability, margin) from basket rules.

    Parameters
    ----------
    basket : BasketAnalysis
        A fitted :class:`~revlearn.usecases.basket.BasketAnalysis` (with margins for an
        expected margin).
    purchases : pandas.DataFrame
        Purchase history (customer and item columns), as for ``BasketAnalysis.cross_sell``.
    customer_col : str, optional
        The customer column; the basket model's by default.
    top : int, default=1
        Candidates per customer.

    Returns
    -------
    pandas.DataFrame
        Columns ``<customer_col>``, ``item``, ``probability`` (the rule's confidence: share
        of such baskets that bought the item), ``margin`` (the item's margin; NaN without
        margins) and ``because`` (what the customer bought that predicts it).

    Raises
    ------
    ParameterError
        If no customer column is named.
    """
    offers = basket.cross_sell(purchases, top=top, customer_col=customer_col)
    customer = customer_col or basket.customer_col
    if "expected_margin" in offers.columns:
        margin = offers["expected_margin"] / offers["confidence"]
    else:
        margin = pd.Series(np.nan, index=offers.index)
    return pd.DataFrame(
        {
            customer: offers[customer],
            "item": offers["recommend"],
            "probability": offers["confidence"].astype(float),
            "margin": margin.astype(float),
            "because": offers["because"],
        }
    )


def _lightgbm() -> LGBMClassifier:
    return LGBMClassifier(
        n_estimators=150,
        learning_rate=0.05,
        num_leaves=15,
        min_child_samples=20,
        n_jobs=1,
        verbose=-1,
        random_state=0,
    )


class NextBestAction(UseCase):
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

    def _catalogue(self, data: Any, customers: pd.DataFrame, where: str) -> None:
        frame = as_pandas(data, where=f"{where}(catalogue)")
        check_columns(
            frame,
            [self.action_col, "value", "cost"],
            where=f"{where}(catalogue)",
            hint="The catalogue needs per action a 'value' per response (a number or a "
            "customer column) and a 'cost' per contact.",
        )
        actions = frame[self.action_col].astype(str).tolist()
        if len(set(actions)) < len(actions):
            raise InputError(
                "The catalogue lists an action twice.",
                where=f"{where}(catalogue)",
                fix="Give one row per action.",
            )
        values: list[float | str] = []
        for action, value in zip(actions, frame["value"], strict=True):
            number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
            if pd.notna(number):
                values.append(float(number))
            elif isinstance(value, str) and value in customers.columns:
                values.append(value)
            elif value == "observed" and self.value_col is not None:
                values.append(value)  # resolved from the history's value column
            else:
                raise SchemaError(
                    f"The value of action {action!r} is {value!r}: neither a number nor a "
                    "customer column.",
                    where=f"{where}(catalogue, column='value')",
                    fix="Give the value of a response as a number, name the customer "
                    "column that holds it (e.g. 'value' for a retention call), or write "
                    "'observed' and pass value_col (the history's value column).",
                )
        cost = pd.to_numeric(frame["cost"], errors="coerce")
        if cost.isna().any() or (cost < 0).any():
            raise SchemaError(
                "Every action needs a cost ≥ 0 (0 for free actions); found "
                f"{short_list(frame['cost'][cost.isna() | (cost < 0)].tolist())}.",
                where=f"{where}(catalogue, column='cost')",
                fix="Fill the 'cost' column with numbers.",
            )
        rules = frame["eligible"] if "eligible" in frame.columns else pd.Series([""] * len(frame))
        budget = frame["budget"] if "budget" in frame.columns else pd.Series([np.nan] * len(frame))
        budget = pd.to_numeric(budget, errors="coerce")
        self.actions_ = actions
        self.action_values_ = values
        self.action_costs_ = cost.astype(float).tolist()
        self.eligible_rules_ = ["" if pd.isna(r) else str(r).strip() for r in rules]
        self.budgets_ = [None if pd.isna(b) else int(b) for b in budget]
        phrases = frame["response"] if "response" in frame.columns else pd.Series([""] * len(frame))
        self.response_phrases_ = [
            "of a response" if pd.isna(r) or not str(r).strip() else str(r).strip() for r in phrases
        ]
        self._eligibility(customers, where)  # fail early on a bad rule
        if self.nothing_action not in self.actions_:
            self.actions_.append(self.nothing_action)
            self.action_values_.append(0.0)
            self.action_costs_.append(0.0)
            self.eligible_rules_.append("")
            self.budgets_.append(None)
            self.response_phrases_.append("of a response")

    def _eligibility(self, customers: pd.DataFrame, where: str) -> np.ndarray:
        out = np.ones((len(customers), len(self.actions_)), dtype=bool)
        for j, rule in enumerate(self.eligible_rules_):
            if not rule:
                continue
            try:
                if rule in customers.columns:
                    mask = customers[rule].fillna(False).astype(bool).to_numpy()
                else:
                    mask = np.asarray(customers.eval(rule), dtype=bool)
            except Exception as err:  # pandas raises many types for a bad expression
                raise SchemaError(
                    f"The eligibility rule {rule!r} of action {self.actions_[j]!r} cannot be "
                    f"evaluated on the customer table ({type(err).__name__}: {err}).",
                    where=f"{where}(catalogue, column='eligible')",
                    fix="Write a pandas query over the customer columns (e.g. "
                    "'tenure_months >= 3 and region == \"north\"') or name a 0/1 column.",
                ) from err
            if mask.shape != (len(customers),):
                raise SchemaError(
                    f"The eligibility rule {rule!r} does not give one yes/no per customer.",
                    where=f"{where}(catalogue, column='eligible')",
                    fix="Use a comparison, e.g. 'tenure_months >= 3'.",
                )
            out[:, j] = mask
        return out

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

    def _with_action(self, X: np.ndarray, codes: np.ndarray) -> np.ndarray:
        onehot = np.zeros((len(X), len(self.modelled_actions_)))
        onehot[np.arange(len(X)), codes] = 1.0
        return np.hstack([X, onehot])

    def _fit_models(
        self,
        X: np.ndarray,
        codes: np.ndarray,
        y: np.ndarray,
        structure: str,
        learner: str,
        final: bool,
    ) -> dict[str, Any]:
        def fit_one(Xp: np.ndarray, yp: np.ndarray) -> Any:
            positives = int(yp.sum())
            if len(yp) < 20 or min(positives, len(yp) - positives) < 3:
                return float(yp.mean())  # too little to learn from: the observed rate
            model: Any = LogisticRegression(max_iter=1000) if learner == "logistic" else _lightgbm()
            if final and learner == "lightgbm":
                model = CalibratedClassifierCV(model, method="sigmoid", cv=3)
            return model.fit(Xp, yp)

        if structure == "single":
            return {"__all__": fit_one(self._with_action(X, codes), y)}
        return {
            a: fit_one(X[codes == j], y[codes == j]) for j, a in enumerate(self.modelled_actions_)
        }

    def _probability(self, models: dict[str, Any], X: np.ndarray, action: str) -> np.ndarray:
        if action not in self.modelled_actions_:
            return np.full(len(X), np.nan)
        model: Any = models["__all__"] if "__all__" in models else models[action]
        if isinstance(model, float):
            return np.full(len(X), model)
        if "__all__" in models:
            code = self.modelled_actions_.index(action)
            X = self._with_action(X, np.full(len(X), code))
        return np.asarray(model.predict_proba(X)[:, 1])

    def _select(
        self, X: np.ndarray, codes: np.ndarray, y: np.ndarray, groups: np.ndarray
    ) -> list[dict[str, Any]]:
        structures = ["per-action", "single"] if self.structure == "auto" else [self.structure]
        learners = ["logistic", "lightgbm"] if self.learner == "auto" else [self.learner]
        folds = GroupKFold(n_splits=self.n_folds, shuffle=True, random_state=self.random_state)
        scores = []
        for structure in structures:
            for learner in learners:
                out = np.zeros(len(y))
                for train, test in folds.split(X, y, groups=groups):
                    models = self._fit_models(
                        X[train], codes[train], y[train], structure, learner, False
                    )
                    for j, action in enumerate(self.modelled_actions_):
                        rows = test[codes[test] == j]
                        out[rows] = self._probability(models, X[rows], action)
                out = np.clip(np.nan_to_num(out, nan=float(y.mean())), 1e-6, 1 - 1e-6)
                loss = float(log_loss(y, out, labels=[0, 1]))
                scores.append({"structure": structure, "learner": learner, "log_loss": loss})
        return scores

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

    def _candidates(
        self, candidates: Any, table: pd.DataFrame, default_value: np.ndarray, where: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        frame = as_pandas(candidates, where=f"{where}(candidates)")
        cols = [self.customer_col, "item", "probability", "margin"]
        check_columns(
            frame, cols, where=f"{where}(candidates)", hint="Use cross_sell_candidates()."
        )
        p = pd.to_numeric(frame["probability"], errors="coerce")
        if p.isna().any() or (p < 0).any() or (p > 1).any():
            raise SchemaError(
                "Candidate probabilities must be numbers in [0, 1].",
                where=f"{where}(candidates, column='probability')",
                fix="Pass the purchase probability of each candidate (rule confidence).",
            )
        frame = frame.assign(probability=p, margin=pd.to_numeric(frame["margin"], errors="coerce"))
        index = pd.Index(table[self.customer_col]).get_indexer(frame[self.customer_col])
        frame = frame[index >= 0].assign(_row=index[index >= 0])
        fallback = default_value[frame["_row"].to_numpy()]
        margin = frame["margin"].to_numpy(dtype=float)
        frame = frame.assign(margin=np.where(np.isnan(margin), fallback, margin))
        frame = frame.assign(_ev=frame["probability"] * frame["margin"])
        best = frame.sort_values("_ev", ascending=False).drop_duplicates("_row")
        n = len(table)
        prob, value, items = np.full(n, np.nan), np.full(n, np.nan), np.full(n, "", dtype=object)
        rows = best["_row"].to_numpy()
        prob[rows] = best["probability"].to_numpy(dtype=float)
        value[rows] = best["margin"].to_numpy(dtype=float)
        items[rows] = best["item"].astype(str).to_numpy()
        return prob, value, items

    def _contact_cap(self, n: int) -> int:
        cap = self.max_contacts
        if cap is None:
            return n
        if isinstance(cap, float):
            return int(np.floor(cap * n))
        return int(cap)

    def _allocate(self, ev: np.ndarray, nothing: int) -> tuple[np.ndarray, np.ndarray]:
        """Greedy by expected value within budgets and the cap; also who was limited."""
        n = len(ev)
        choice = np.full(n, nothing)
        limited = np.zeros(n, dtype=bool)
        left_cap = self._contact_cap(n)
        left = [np.inf if b is None else b for b in self.budgets_]
        rows, cols = np.nonzero(ev > 0)
        order = np.argsort(-ev[rows, cols], kind="stable")
        done = np.zeros(n, dtype=bool)
        for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
            if done[i] or j == nothing:
                continue
            if left_cap <= 0 or left[j] <= 0:
                limited[i] = True
                continue
            choice[i], done[i] = j, True
            left[j] -= 1
            left_cap -= 1
        limited &= ~done
        best = ev.argmax(axis=1)
        limited |= done & (choice != best)
        return choice, limited

    def _reasons(
        self,
        prob: np.ndarray,
        value: np.ndarray,
        ev: np.ndarray,
        eligible: np.ndarray,
        choice: np.ndarray,
        limited: np.ndarray,
        holdout: np.ndarray,
        items: np.ndarray,
    ) -> list[str]:
        names = self.actions_
        nothing = names.index(self.nothing_action)
        n_eligible = eligible.sum(axis=1) - 1
        best = ev.argmax(axis=1)
        out = []
        share = f"{float(self.holdout_share):.0%}".replace("%", " %")
        for i in range(len(choice)):
            j = int(choice[i])
            if j == nothing:
                b = int(best[i])
                if b == nothing:
                    runner = np.where(np.arange(len(names)) == nothing, -np.inf, ev[i])
                    r = int(runner.argmax())
                    text = "nothing: no eligible action pays for itself" + (
                        f" (best: {names[r]} at {ev[i, r]:,.2f})" if np.isfinite(ev[i, r]) else ""
                    )
                else:
                    text = (
                        f"nothing: contact cap or budget reached; {names[b]} would be worth "
                        f"{ev[i, b]:,.2f}"
                    )
            else:
                what = names[j] + (
                    f" {items[i]}" if items[i] and names[j] == self.cross_sell_action else ""
                )
                text = (
                    f"{what}: {prob[i, j] * 100:.0f} % chance {self.response_phrases_[j]} worth "
                    f"{value[i, j]:,.0f} at a cost of {self.action_costs_[j]:,.2f} — "
                    + (
                        "best net value left within the cap and budgets"
                        if limited[i]
                        else f"best net value of {int(n_eligible[i])} eligible actions"
                    )
                )
            if holdout[i]:
                text = f"held out at random ({share} of customers) to measure lift; planned: {text}"
            out.append(text)
        return out

    # ------------------------------------------------------------------ lift
    def measure_lift(
        self,
        outcomes: Any,
        *,
        outcome_col: str = "outcome",
        plan: Any | None = None,
        confidence: float = 0.9,
    ) -> pd.DataFrame:
        """Compare the outcome of treated and held-out customers with the same plan.

        Only customers whose planned action is not ``nothing_action`` count: treated ones
        got it, held-out ones (chosen at random) did not, so the difference of their mean
        outcomes is the lift caused by the actions.

        Parameters
        ----------
        outcomes : pandas.DataFrame
            One row per customer with ``outcome_col`` (a 0/1 response or a value) and,
            unless ``plan`` is given, the ``in_holdout`` and ``planned_action`` columns of
            :meth:`predict`.
        outcome_col : str, default="outcome"
            The outcome column.
        plan : pandas.DataFrame, optional
            The output of :meth:`predict`, joined to ``outcomes`` on ``customer_col``.
        confidence : float, default=0.9
            Level of the intervals, in (0, 1).

        Returns
        -------
        pandas.DataFrame
            Rows ``treated``, ``holdout`` and ``lift`` (treated − holdout) with columns
            ``group``, ``n``, ``mean``, ``lo``, ``hi`` (normal intervals; Welch for the lift)
            and ``p_value`` (two-sided, on the lift row).

        Raises
        ------
        SchemaError
            If a column is absent or the outcome is not numeric.
        InputError
            If either group is empty.
        """
        self._check_fitted("measure_lift")
        where = "NextBestAction.measure_lift"
        frame = as_pandas(outcomes, where=where)
        if plan is not None:
            check_columns(frame, [self.customer_col, outcome_col], where=where)
            keep = [self.customer_col, "in_holdout", "planned_action"]
            frame = frame.merge(as_pandas(plan, where=where)[keep], on=self.customer_col)
        check_columns(
            frame,
            [outcome_col, "in_holdout", "planned_action"],
            where=where,
            hint="Pass plan=<the output of predict()> or merge it into the outcomes.",
        )
        y = pd.to_numeric(frame[outcome_col], errors="coerce")
        if y.isna().any():
            raise SchemaError(
                f"Column {outcome_col!r} must hold numbers for every customer.",
                where=f"{where}(column={outcome_col!r})",
                fix="Code a response as 1/0, or give the value earned.",
            )
        planned = (frame["planned_action"] != self.nothing_action).to_numpy()
        held = frame["in_holdout"].astype(bool).to_numpy()
        groups = {"treated": y[planned & ~held].to_numpy(), "holdout": y[planned & held].to_numpy()}
        if min(len(g) for g in groups.values()) < 2:
            raise InputError(
                "Lift needs at least 2 treated and 2 held-out customers with a planned action.",
                where=where,
                fix="Use a larger holdout_share or wait for more customers.",
            )
        z = float(stats.norm.ppf(0.5 + confidence / 2))
        rows = []
        for name, g in groups.items():
            se = float(g.std(ddof=1) / np.sqrt(len(g)))
            rows.append(
                (name, len(g), float(g.mean()), g.mean() - z * se, g.mean() + z * se, np.nan)
            )
        t, h = groups["treated"], groups["holdout"]
        diff = float(t.mean() - h.mean())
        se = float(np.sqrt(t.var(ddof=1) / len(t) + h.var(ddof=1) / len(h)))
        p_value = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else float(diff == 0)
        rows.append(("lift", len(t) + len(h), diff, diff - z * se, diff + z * se, p_value))
        return pd.DataFrame(rows, columns=["group", "n", "mean", "lo", "hi", "p_value"])

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
