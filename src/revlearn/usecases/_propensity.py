"""Shared machinery of the yes/no use cases (lead conversion now, churn next).

:class:`PropensityModel` reads a table, infers column roles, drops what must not be learned
from (ids, free text, constants, identifier-like categoricals and leakage suspects),
selects and calibrates a model by cross-validation (``revlearn.models``), and scores new
rows with reasons grouped by original column.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.inspection import permutation_importance

from revlearn.data.io import as_pandas
from revlearn.data.schema import Role, check_columns, infer_schema
from revlearn.errors import InputError, ParameterError, RevlearnWarning, short_list
from revlearn.evaluate.curves import LearningCurve, fit_verdict, learning_curve_verdict
from revlearn.evaluate.metrics import (
    BinaryMetrics,
    best_f1_threshold,
    binary_metrics,
    summarize_folds,
)
from revlearn.explain.drivers import Drivers, driver_segments
from revlearn.explain.importance import Importance, global_importance
from revlearn.explain.reasons import display_values, phrase_reasons
from revlearn.models.candidates import CANDIDATE_NAMES, binary_candidates
from revlearn.models.select import Columns, Progress, measure_learning_curve, select_binary
from revlearn.models.tabular import BinaryModel, fit_platt
from revlearn.usecases._actions import ActionsMixin
from revlearn.usecases._base import UseCase
from revlearn.usecases._columns import LEAKAGE_AUC, duplicate_id_notes, left_out, single_auc
from revlearn.usecases._target import binary_target

__all__ = ["Explanation", "PropensityModel"]

logger = logging.getLogger(__name__)

#: Tier cut-offs as shares of the training score distribution (hot = top 20 %).
HOT_SHARE, WARM_SHARE = 0.20, 0.50
#: Rows and top columns used for the segment drivers.
DRIVER_ROWS, N_DRIVERS = 20_000, 6
#: Rows used for global importance and directions.
EXPLAIN_ROWS = 5000


@dataclass(frozen=True, slots=True)
class Explanation:
    """What drives the model, by original column.

    Attributes
    ----------
    importance : Importance
        Global importance with directions.
    drivers : Drivers
        Segments of the top columns against the base, in plain words.
    model : str
        The selected model's label.
    notes : tuple of str
        Columns left out and why.
    """

    importance: Importance
    drivers: Drivers
    model: str
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """Return the importance table.

        Returns
        -------
        pandas.DataFrame
            Columns ``feature``, ``importance``, ``share``, ``direction``.
        """
        return self.importance.to_frame()

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping.

        Returns
        -------
        dict
            ``algorithm``, ``method``, ``features``, ``drivers`` and ``notes``.
        """
        return {
            "algorithm": self.model,
            **self.importance.to_dict(),
            "drivers": self.drivers.to_dict(),
            "notes": list(self.notes),
        }


class PropensityModel(ActionsMixin, UseCase):
    """Probability of a yes/no outcome per row, with reasons (base of LeadScorer, ChurnModel).

    Parameters
    ----------
    target_col : str
        The outcome column.
    positive : object, optional
        The outcome value that counts as positive; inferred when None.
    id_col : str, optional
        The row identifier; inferred when None (``*_id``/``id`` columns that are unique).
    metric : {"roc_auc", "pr_auc"}, default="roc_auc"
        What model selection maximises.
    candidates : list of str, optional
        Model families to try (default: all of ``CANDIDATE_NAMES``).
    time_budget : float, default=40.0
        Seconds for selection and tuning.
    drop_leakage : bool, default=True
        Leave out columns that alone predict the outcome almost perfectly.
    n_reasons : int, default=3
        Reasons per scored row.
    random_state : int, default=0
        Seed for folds and models.
    """

    usecase: ClassVar[str] = "propensity"

    def __init__(
        self,
        *,
        target_col: str = "target",
        positive: object | None = None,
        id_col: str | None = None,
        metric: str = "roc_auc",
        candidates: list[str] | None = None,
        time_budget: float = 40.0,
        drop_leakage: bool = True,
        n_reasons: int = 3,
        random_state: int = 0,
    ) -> None:
        self.target_col = target_col
        self.positive = positive
        self.id_col = id_col
        self.metric = metric
        self.candidates = candidates
        self.time_budget = time_budget
        self.drop_leakage = drop_leakage
        self.n_reasons = n_reasons
        self.random_state = random_state

    # ----------------------------------------------------------------------------- fit
    def fit(self, data: Any, *, progress: Progress | None = None) -> Self:
        """Select, tune, calibrate and fit a model for the outcome.

        Parameters
        ----------
        data : pandas.DataFrame (or Polars / Arrow table)
            One row per lead/customer with the outcome column.
        progress : callable, optional
            ``progress(message, fraction)`` for long work.

        Returns
        -------
        PropensityModel
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If the target or id column is missing.
        InputError
            If the outcome is not two-valued or too few rows remain.
        """
        frame = as_pandas(data, where=f"{type(self).__name__}.fit")
        return self._fit(frame, self.target_col, self.id_col, [], progress)

    def _fit(
        self,
        frame: pd.DataFrame,
        target_col: str,
        id_col: str | None,
        notes: list[str],
        progress: Progress | None,
    ) -> Self:
        """Fit on a pandas frame with the given outcome and id columns."""
        where = f"{type(self).__name__}.fit"
        check_columns(
            frame, [target_col], where=where, hint="Pass --target with the outcome column."
        )
        if id_col is not None:
            check_columns(frame, [id_col], where=where, hint="Pass --id with the id column.")
        y_all, positive = binary_target(
            frame[target_col],
            positive=self.positive,
            where=f"{where}: column {target_col!r}",
        )
        keep = y_all.notna().to_numpy()
        notes = notes + duplicate_id_notes(frame, id_col)
        if not keep.all():
            notes.append(f"{(~keep).sum():,} rows without an outcome were left out.")
        frame, y = frame.loc[keep].reset_index(drop=True), y_all[keep].to_numpy(dtype=int)
        self._check_size(y, where)
        schema = infer_schema(frame, target=target_col, id_col=id_col)
        typed = schema.apply(frame, where=where)
        columns, dropped = self._choose_columns(schema.roles, typed, y)
        notes += list(schema.notes) + dropped
        cands = self._candidates(len(y))
        selection = select_binary(
            typed,
            y,
            columns,
            cands,
            metric=self.metric,
            n_folds=5 if len(y) <= 20_000 else 3,
            time_budget=self.time_budget,
            random_state=self.random_state,
            progress=progress,
        )
        if progress:
            progress("measuring the learning curve", 0.85)
        curve = measure_learning_curve(
            selection.best,
            selection.best_params,
            typed,
            y,
            columns,
            selection.folds[0],
            metric=self.metric,
            random_state=self.random_state,
        )
        if progress:
            progress("fitting the final model", 0.95)
        self._finish(
            typed, y, schema, columns, selection, curve, positive, notes, target_col, id_col
        )
        return self

    def _check_size(self, y: np.ndarray, where: str) -> None:
        minority = int(min(y.sum(), len(y) - y.sum()))
        if minority < 10:
            raise InputError(
                f"Only {minority} rows have the rarer outcome; at least 10 are needed to learn "
                "and validate anything.",
                where=where,
                fix="Add more history (commercial tools ask for ~120 conversions).",
            )

    def _candidates(self, n_rows: int) -> list[Any]:
        chosen = self.candidates or list(CANDIDATE_NAMES)
        unknown = [c for c in chosen if c not in CANDIDATE_NAMES]
        if unknown:
            raise ParameterError(
                f"Unknown model families {unknown!r}.",
                where="candidates",
                fix=f"Choose from: {', '.join(CANDIDATE_NAMES)}.",
            )
        return [
            c
            for c in binary_candidates(n_rows=n_rows, random_state=self.random_state)
            if c.name in chosen
        ]

    def _choose_columns(
        self, roles: dict[str, str], typed: pd.DataFrame, y: np.ndarray
    ) -> tuple[Columns, list[str]]:
        numeric, categorical, notes = [], [], []
        for col, role in roles.items():
            reason = left_out(col, role, typed[col])
            if reason:
                notes.append(f"Column {col!r} left out: {reason}.")
            elif role in (Role.NUMERIC, Role.BOOLEAN):
                numeric.append(col)
            elif role == Role.CATEGORICAL:
                categorical.append(col)
        if self.drop_leakage:
            for col in list(numeric):
                auc = single_auc(typed[col], y)
                if auc >= LEAKAGE_AUC:
                    numeric.remove(col)
                    msg = (
                        f"Column {col!r} left out as a leakage suspect: alone it predicts the "
                        f"outcome with AUC {auc:.3f}, which usually means it is known only "
                        "after the outcome. Pass --keep-leakage (drop_leakage=False) to keep it."
                    )
                    notes.append(msg)
                    warnings.warn(msg, RevlearnWarning, stacklevel=4)
        if not (numeric or categorical):
            raise InputError(
                "No usable input columns remain after leaving out ids, dates, text, contact "
                "details and constant columns.",
                where=f"{type(self).__name__}.fit",
                fix="Check the file: it needs columns describing each row.",
            )
        return Columns(numeric=numeric, categorical=categorical), notes

    def _finish(
        self,
        typed: pd.DataFrame,
        y: np.ndarray,
        schema: Any,
        columns: Columns,
        selection: Any,
        curve: dict[str, Any],
        positive: str,
        notes: list[str],
        target_col: str,
        id_col: str | None,
    ) -> None:
        a, b = fit_platt(selection.oof_raw, y)
        used = columns.numeric + columns.categorical
        model = BinaryModel(
            columns.design(selection.best.flavour),
            selection.best.make(**selection.best_params),
            selection.best.name,
            columns.categorical,
        ).fit(typed[used], y, (a, b))
        oof_p = 1.0 / (1.0 + np.exp(-(a * selection.oof_raw + b)))
        threshold = best_f1_threshold(y, oof_p)
        best = selection.best_result
        per_fold = [
            binary_metrics(y[v], oof_p[v], threshold=threshold).to_dict()
            for _, v in selection.folds
        ]
        numeric_folds = [
            {k: float(v) for k, v in f.items() if isinstance(v, float)} for f in per_fold
        ]
        self.schema_ = schema
        self.roles_ = dict(schema.roles)
        self.target_ = target_col
        self.positive_ = positive
        self.id_col_ = id_col or next((c for c, r in schema.roles.items() if r == Role.ID), None)
        self.input_columns_ = used
        self.columns_ = {
            "numeric": columns.numeric,
            "categorical": columns.categorical,
        }
        self.model_ = model
        self.model_name_ = best.label
        self.threshold_ = threshold
        self.cutoffs_ = np.quantile(oof_p, np.linspace(0.1, 0.9, 9)).tolist()
        self.cv_ = summarize_folds(numeric_folds)
        self.metrics_ = {k: v["mean"] for k, v in self.cv_.items()}
        self.metrics_["train_" + self.metric] = best.train_mean
        self.oof_metrics_ = binary_metrics(y, oof_p, threshold=threshold).to_dict()
        self.candidates_ = [r.to_dict() for r in selection.results]
        self.skipped_ = list(selection.skipped)
        self.learning_curve_: dict[str, Any] = learning_curve_verdict(
            **curve, metric=self.metric, spread=best.valid_std
        ).to_dict()
        self.notes_ = notes
        self.n_rows_ = len(y)
        self.base_rate_ = float(y.mean())
        importance = self._importance(typed[used], y)
        self.importance_ = importance.to_dict()
        self.drivers_: dict[str, Any] = self._drivers(typed[used], y, importance).to_dict()

    def _drivers(self, typed: pd.DataFrame, y: np.ndarray, importance: Importance) -> Drivers:
        sample = typed.sample(min(len(typed), DRIVER_ROWS), random_state=self.random_state)
        proba = self.model_.predict_proba(sample)
        top = importance.table["feature"].head(N_DRIVERS).tolist()
        ys = y[typed.index.get_indexer(sample.index)]
        return driver_segments(sample, proba, top, y_true=ys, outcome=self.outcome_word)

    def _importance(self, typed: pd.DataFrame, y: np.ndarray) -> Importance:
        sample = typed.sample(min(len(typed), EXPLAIN_ROWS), random_state=self.random_state)
        contrib, _ = self.model_.contributions(sample)
        family = self.model_.family
        if family == "lightgbm":
            return global_importance(contrib, sample, self.model_.columns_, method="tree_shap")
        if family in ("logistic", "linear_svm"):
            return global_importance(contrib, sample, self.model_.columns_, method="linear_shap")
        ys = y[typed.index.get_indexer(sample.index)]
        result = permutation_importance(
            self.model_,
            sample[self.model_.columns_],
            ys,
            n_repeats=3,
            random_state=self.random_state,
            scoring=lambda est, X, yy: skm.roc_auc_score(yy, est.predict_proba(X)),
        )
        return global_importance(
            contrib,
            sample,
            self.model_.columns_,
            method="permutation",
            scores=result.importances_mean,
        )

    # ------------------------------------------------------------------------- predict
    def _typed(self, data: Any, call: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        self._check_fitted(call)
        where = f"{type(self).__name__}.{call}"
        frame = as_pandas(data, where=where)
        check_columns(
            frame,
            self.input_columns_,
            where=where,
            hint="Score data with the same columns the model was trained on.",
        )
        extra = [
            c
            for c in frame.columns
            if c not in self.input_columns_ and c not in (self.id_col_, self.target_)
        ]
        if extra:
            logger.info(
                "Ignored %d column(s) the model does not use: %s", len(extra), short_list(extra)
            )
        typed = self.schema_.apply(frame[self.input_columns_], where=where)
        return frame, typed

    def predict(self, data: Any, *, reasons: bool = True) -> pd.DataFrame:
        """Score rows: probability, rank, decile, tier and reasons.

        Parameters
        ----------
        data : pandas.DataFrame (or Polars / Arrow table)
            Rows with the training columns (extra columns, the target included, are ignored;
            unseen categories are scored).
        reasons : bool, default=True
            Compute the reasons (skip for the fastest scoring).

        Returns
        -------
        pandas.DataFrame
            In input order: the id column (or ``row``, the 0-based position), ``score``
            (probability of the positive outcome), ``rank`` (1 = best in this batch),
            ``decile`` (1 = top 10 % of the training scores), ``tier`` (hot = top 20 % of
            training scores, warm = next 30 %, cold = the rest) and ``reasons``.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        SchemaError
            If training columns are missing (all are named).
        """
        frame, typed = self._typed(data, "predict")
        if reasons:
            contrib, score = self.model_.contributions(typed)
            values = display_values(
                typed, self.model_.columns_, booleans=self.schema_.columns(Role.BOOLEAN)
            )
            why = phrase_reasons(contrib, self.model_.columns_, values, k=self.n_reasons)
        else:
            score = self.model_.predict_proba(typed)
        cut = np.asarray(self.cutoffs_)
        decile = 10 - np.searchsorted(cut, score, side="right")
        tier = np.where(
            score >= cut[10 - int(HOT_SHARE * 10) - 1],
            "hot",
            np.where(score >= cut[10 - int(WARM_SHARE * 10) - 1], "warm", "cold"),
        )
        key = self.id_col_ if self.id_col_ in frame.columns else "row"
        ids = frame[key].to_numpy() if key != "row" else np.arange(len(frame))
        out = pd.DataFrame(
            {
                key: ids,
                "score": score,
                "rank": pd.Series(score)
                .rank(ascending=False, method="first")
                .astype(int)
                .to_numpy(),
                "decile": decile.astype(int),
                "tier": tier,
            }
        )
        if reasons:
            out["reasons"] = why
        return out

    def predict_proba(self, data: Any) -> np.ndarray:
        """Return the probability of the positive outcome per row.

        Parameters
        ----------
        data : pandas.DataFrame
            Rows with the training columns.

        Returns
        -------
        numpy.ndarray
            One probability per row, in input order.
        """
        _, typed = self._typed(data, "predict_proba")
        return self.model_.predict_proba(typed)

    # ------------------------------------------------------------ evaluate / explain
    def evaluate(self, data: Any) -> BinaryMetrics:
        """Measure the model on labelled rows it has not seen.

        Parameters
        ----------
        data : pandas.DataFrame
            Rows with the training columns and the outcome column.

        Returns
        -------
        BinaryMetrics
            Ranking, probability and threshold metrics (threshold: the F1-best one from
            cross-validation).

        Raises
        ------
        SchemaError
            If the outcome or a training column is missing.
        """
        self._check_fitted("evaluate")
        where = f"{type(self).__name__}.evaluate"
        frame, y = self._labelled(data, where)
        return binary_metrics(y, self.predict_proba(frame), threshold=self.threshold_, where=where)

    def _labelled(self, data: Any, where: str) -> tuple[pd.DataFrame, np.ndarray]:
        """Rows with a known outcome, and that outcome as 0/1."""
        frame = as_pandas(data, where=where)
        check_columns(
            frame,
            [self.target_],
            where=where,
            hint="Evaluation needs the outcome column the model was trained on.",
        )
        y, _ = binary_target(frame[self.target_], positive=self.positive_, where=where)
        keep = y.notna().to_numpy()
        return frame.loc[keep], y[keep].to_numpy(dtype=int)

    def explain(self, data: Any | None = None) -> Explanation:
        """Say which columns drive the predictions, and in which direction.

        Parameters
        ----------
        data : pandas.DataFrame, optional
            Rows to explain (up to 5,000 are used); by default the training sample.

        Returns
        -------
        Explanation
            Global importance by original column, the model's label and the notes.
        """
        self._check_fitted("explain")
        if data is None:
            table = pd.DataFrame(self.importance_["features"])
            importance = Importance(table=table, method=str(self.importance_["method"]))
        else:
            _, typed = self._typed(data, "explain")
            sample = typed.head(EXPLAIN_ROWS)
            contrib, _ = self.model_.contributions(sample)
            importance = global_importance(
                contrib, sample, self.model_.columns_, method="contributions"
            )
        return Explanation(
            importance=importance,
            drivers=self.causes(),
            model=self.model_name_,
            notes=tuple(self.notes_),
        )

    def causes(self) -> Drivers:
        """Say which segments carry the outcome, measured on the training rows.

        Returns
        -------
        Drivers
            For the top columns, each segment's observed and predicted rate against the
            base, its share of the predicted outcome, and headlines in plain words
            ("contract = month-to-month: churn 1.3× the base ...").
        """
        self._check_fitted("causes")
        return Drivers(
            table=pd.DataFrame(self.drivers_["segments"]),
            base_rate=float(self.drivers_["base_rate"]),
            headlines=tuple(self.drivers_["headlines"]),
        )

    def learning_curve(self) -> LearningCurve:
        """Return the learning curve and the data-sufficiency verdict measured at fit.

        Returns
        -------
        LearningCurve
            Points and verdict.
        """
        self._check_fitted("learning_curve")
        return LearningCurve(**self.learning_curve_)

    def summary(self) -> dict[str, Any]:
        """Return what a person wants to know after fitting, JSON-ready.

        Returns
        -------
        dict
            ``model``, ``rows``, ``base_rate``, ``positive``, ``metrics`` (cross-validated
            means), ``cv`` (mean/std/min/max), ``candidates``, ``learning_curve``,
            ``fit_verdict`` (over- or underfitting in plain words), ``notes``.
        """
        self._check_fitted("summary")
        return {
            "model": self.model_name_,
            "rows": self.n_rows_,
            "base_rate": self.base_rate_,
            "positive": self.positive_,
            "target": self.target_,
            "id": self.id_col_,
            "metrics": self.metrics_,
            "cv": self.cv_,
            "candidates": self.candidates_,
            "skipped": self.skipped_,
            "learning_curve": self.learning_curve_,
            "fit_verdict": fit_verdict(
                self.metrics_["train_" + self.metric],
                self.metrics_[self.metric],
                metric=self.metric,
                more_data_helps=self.learning_curve_["more_data_helps"],
            ),
            "notes": self.notes_,
        }
