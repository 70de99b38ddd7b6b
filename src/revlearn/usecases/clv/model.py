"""Customer lifetime value from a transaction table: ``revlearn fit clv``.

:class:`CLVModel` summarises each customer's purchase history (recency, frequency,
monetary value), fits BG/NBD for repeat purchases and Gamma–Gamma for spend by maximum
likelihood (:mod:`revlearn.usecases.clv.bgnbd`), and predicts per customer the probability
of still being active, purchases over any horizon, spend per order, a discounted lifetime
value with a margin, and a next-order date.

A gradient-boosting alternative (:mod:`revlearn.usecases.clv.holdout`) is trained on an
earlier window of the same history and replaces the BG/NBD purchase forecast only when it
forecast that window better out of fold. With ``until`` the model is fitted on the
transactions up to that date and judged on the rest (the calibration/holdout check).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from revlearn.data._events import (
    check_event_columns,
    day_number,
    infer_event_columns,
    prepare_events,
)
from revlearn.data.io import as_pandas
from revlearn.data.rfm import summarise_days
from revlearn.errors import InputError, ParameterError
from revlearn.usecases._base import UseCase
from revlearn.usecases.clv.bgnbd import (
    GammaGammaParams,
    bgnbd_expected_purchases,
    bgnbd_prob_alive,
    clv,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_expected_spend,
)
from revlearn.usecases.clv.holdout import (
    HoldoutResult,
    gbm_features,
    gbm_out_of_fold,
    holdout_purchases,
    score_forecasts,
)

__all__ = ["CLVModel"]

_MODELS = ("auto", "bgnbd", "gbm")
#: Fewest customers with a history before the inner cut-off to train the GBM on.
_MIN_GBM_CUSTOMERS = 200
#: Shortest window (days) the gradient-boosting alternative learns to forecast.
_MIN_WINDOW_DAYS = 28
#: Fewest repeat buyers for a Gamma–Gamma spend fit.
_MIN_REPEATERS = 10


class CLVModel(UseCase):
    """Predict purchases, survival, spend and lifetime value of each customer.

    Parameters
    ----------
    customer_col, timestamp_col, amount_col : str, optional
        The customer id, transaction time and money columns (``--customer``,
        ``--timestamp``, ``--amount``); inferred from the column names when None.
        Refunds are negative amounts: a day whose total is negative is no purchase.
    horizon_days : int, default=365
        Days ahead that ``predict`` values by default (with ``until`` and later
        transactions, the holdout length). The gradient-boosting alternative learns to
        forecast a window of this length (at most half the history) before the cut-off.
    margin : float, default=1.0
        Share of spend that is profit, for the lifetime value.
    discount_rate : float, default=0.1
        Yearly discount rate of future profit.
    model : {"auto", "bgnbd", "gbm"}, default="auto"
        Which purchase forecast to report: ``"auto"`` takes the gradient-boosting one only
        when, out of fold on the last window before the cut-off, its mean absolute error
        per customer beats BG/NBD's by more than one standard error of the paired
        difference (BG/NBD, the simpler and more robust model, wins ties).
    penalizer : float, default=0.0
        L2 penalty on the log-parameters of both maximum-likelihood fits.
    random_state : int, default=0
        Seed of the gradient-boosting folds.

    Examples
    --------
    >>> from revlearn.data.synth import make_company
    >>> orders = make_company(n_leads=20, n_customers=20, n_shoppers=2000).orders
    >>> model = CLVModel(customer_col="customer_id", timestamp_col="ordered_at",
    ...                  amount_col="amount").fit(orders, until="2025-03-31")
    >>> round(model.params_.r, 1), model.holdout_.horizon_days
    (0.6, 91)
    >>> model.predict().columns.tolist()[:4]
    ['customer_id', 'frequency', 'recency_weeks', 'T_weeks']
    """

    usecase: ClassVar[str] = "clv"

    def __init__(
        self,
        *,
        customer_col: str | None = None,
        timestamp_col: str | None = None,
        amount_col: str | None = None,
        horizon_days: int = 365,
        margin: float = 1.0,
        discount_rate: float = 0.1,
        model: str = "auto",
        penalizer: float = 0.0,
        random_state: int = 0,
    ) -> None:
        self.customer_col = customer_col
        self.timestamp_col = timestamp_col
        self.amount_col = amount_col
        self.horizon_days = horizon_days
        self.margin = margin
        self.discount_rate = discount_rate
        self.model = model
        self.penalizer = penalizer
        self.random_state = random_state

    # --- fit ---------------------------------------------------------------------------------

    def fit(self, data: Any, *, until: str | pd.Timestamp | None = None) -> CLVModel:
        """Fit on the transactions up to ``until``; judge the forecast on the rest.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per transaction (or order line).
        until : str or pandas.Timestamp, optional
            The last day of the calibration period. Later transactions form the holdout
            period: the fitted model's forecast of it is scored into ``holdout_``. By
            default every transaction is used and there is no holdout.

        Returns
        -------
        CLVModel
            ``self``, with ``columns_``, ``params_`` (BG/NBD), ``spend_params_``
            (Gamma–Gamma, None without amounts or repeat buyers), ``chosen_``,
            ``inner_validation_``, ``holdout_`` (a :class:`HoldoutResult` or None),
            ``notes_`` and the per-customer calibration summary.

        Raises
        ------
        SchemaError
            If a column is missing, cannot be inferred or holds the wrong kind of values.
        ParameterError
            If a parameter is out of range.
        InputError
            If the table is empty or no purchase falls on or before ``until``.
        """
        where = "CLVModel.fit"
        self._check_params(where)
        frame = as_pandas(data, where=where)
        roles = infer_event_columns(
            frame,
            {
                "customer_col": self.customer_col,
                "timestamp_col": self.timestamp_col,
                "amount_col": self.amount_col,
            },
            where,
        )
        frame = check_event_columns(
            frame, roles["customer_col"], roles["timestamp_col"], roles["amount_col"], where
        )
        if frame.empty:
            raise InputError(
                "The transaction table is empty (no rows).",
                where=where,
                fix="Load a table with one row per order or transaction.",
            )
        codes, ids, days, amounts, notes = prepare_events(
            frame, roles["customer_col"], roles["timestamp_col"], roles["amount_col"], where
        )
        assert amounts is not None
        refunds = int((amounts < 0).sum())
        if refunds:
            notes.append(
                f"{refunds:,} refund lines (negative amounts) lower their day's spend; days "
                "that net below zero are not purchases."
            )
        last = int(days.max())
        cut = day_number(until, "until", where) if until is not None else last
        first = int(days.min())
        if cut < first:
            raise InputError(
                f"until={until!s} is before the first transaction ({np.datetime64(first, 'D')}).",
                where=f"{where}(until=...)",
                fix="Pass a cut-off date inside the transaction history.",
            )
        horizon = last - cut if last > cut else int(self.horizon_days)
        summary = summarise_days(codes, days, amounts, start=first, end=cut)
        c = summary["c"].to_numpy()
        f, r, t, m = (
            summary[k].to_numpy(dtype=float) for k in ("frequency", "recency", "T", "monetary")
        )
        self.columns_ = roles
        self.cutoff_ = str(np.datetime64(cut, "D"))
        self.horizon_days_ = int(horizon)
        self.ids_ = np.asarray(ids.take(c).astype(str), dtype=str)
        self.frequency_, self.recency_, self.T_, self.monetary_ = f, r, t, m
        self.params_ = fit_bgnbd(f, r, t, penalizer=self.penalizer)
        self.spend_params_ = self._fit_spend(f, m, notes)
        self.gbm_, self.inner_validation_ = self._fit_gbm(
            codes, days, amounts, first, cut, horizon, notes
        )
        self.chosen_ = self._choose()
        self.holdout_ = None
        if last > cut:
            self.holdout_ = self._score_holdout(codes, days, amounts, c, cut, last)
        self.notes_ = notes
        return self

    def _check_params(self, where: str) -> None:
        if self.model not in _MODELS:
            raise ParameterError(
                f"model must be one of {', '.join(_MODELS)}, got {self.model!r}.",
                where=f"{where}(model=...)",
                fix="Pass model='auto' to let the calibration data decide.",
            )
        h = self.horizon_days
        if isinstance(h, bool) or not isinstance(h, int | np.integer) or h < 1:
            raise ParameterError(
                f"horizon_days must be a whole number of days >= 1, got {h!r}.",
                where=f"{where}(horizon_days=...)",
                fix="Pass e.g. horizon_days=365.",
            )
        for name in ("margin", "discount_rate", "penalizer"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise ParameterError(
                    f"{name} must be a number >= 0, got {value!r}.",
                    where=f"{where}({name}=...)",
                    fix=f"Pass e.g. {name}=0.3." if name == "margin" else f"Pass {name}=0.1.",
                )

    def _fit_spend(self, f: np.ndarray, m: np.ndarray, notes: list[str]) -> GammaGammaParams | None:
        repeat = (f > 0) & (m > 0)
        if repeat.sum() < _MIN_REPEATERS:
            notes.append(
                f"Only {int(repeat.sum())} customers bought more than once with a positive spend: "
                "no spend model, so no expected spend or lifetime value."
            )
            return None
        return fit_gamma_gamma(f[repeat], m[repeat], penalizer=self.penalizer)

    def _fit_gbm(
        self,
        codes: np.ndarray,
        days: np.ndarray,
        amounts: np.ndarray,
        first: int,
        cut: int,
        horizon: int,
        notes: list[str],
    ) -> tuple[Any, dict[str, Any]]:
        """Train the GBM on the window before the cut-off and compare it with BG/NBD there."""
        if self.model == "bgnbd":
            return None, {}
        window = min(horizon, (cut - first) // 2)
        inner = cut - window
        summary = None
        if window >= _MIN_WINDOW_DAYS:
            summary = summarise_days(codes, days, amounts, start=first, end=inner)
        if summary is None or len(summary) < _MIN_GBM_CUSTOMERS:
            notes.append(
                f"The history up to {np.datetime64(cut, 'D')} is too short to train the "
                f"gradient-boosting alternative (it needs {_MIN_GBM_CUSTOMERS} customers "
                f"before a window of at least {_MIN_WINDOW_DAYS} days): BG/NBD only."
            )
            if self.model == "gbm":
                raise InputError(
                    notes[-1],
                    where="CLVModel.fit(model='gbm')",
                    fix="Use model='auto' or 'bgnbd', or a longer history.",
                )
            return None, {}
        f, r, t, m = (
            summary[k].to_numpy(dtype=float) for k in ("frequency", "recency", "T", "monetary")
        )
        params = fit_bgnbd(f, r, t, penalizer=self.penalizer)
        features = gbm_features(params, f, r, t, m, window / 7.0)
        target, _ = holdout_purchases(codes, days, amounts, inner, cut, int(codes.max()) + 1)
        target = target[summary["c"].to_numpy()]
        oof, gbm = gbm_out_of_fold(features, target, self.random_state)
        gain = np.abs(features[:, 5] - target) - np.abs(oof - target)  # per customer
        validation = {
            "window_days": int(window),
            "window_start": str(np.datetime64(inner + 1, "D")),
            "window_end": str(np.datetime64(cut, "D")),
            "customers": len(target),
            "bgnbd_mae": float(np.abs(features[:, 5] - target).mean()),
            "gbm_mae": float(np.abs(oof - target).mean()),
            "gain": float(gain.mean()),
            "gain_se": float(gain.std(ddof=1) / np.sqrt(len(gain))),
        }
        return gbm, validation

    def _choose(self) -> str:
        if self.model != "auto":
            return self.model
        v = self.inner_validation_
        return "gbm" if v and v["gain"] > v["gain_se"] else "bgnbd"

    def _score_holdout(
        self,
        codes: np.ndarray,
        days: np.ndarray,
        amounts: np.ndarray,
        c: np.ndarray,
        cut: int,
        last: int,
    ) -> HoldoutResult:
        horizon = last - cut
        actual, spend = holdout_purchases(codes, days, amounts, cut, last, int(codes.max()) + 1)
        forecasts = self._forecasts(
            self.frequency_, self.recency_, self.T_, self.monetary_, horizon
        )
        per_order = self._spend_per_order(self.frequency_, self.monetary_)
        metrics, buckets = score_forecasts(
            actual[c],
            forecasts,
            self.frequency_,
            actual_spend=spend[c] if per_order is not None else None,
            spend_per_purchase=per_order,
        )
        return HoldoutResult(
            cutoff=self.cutoff_,
            end=str(np.datetime64(last, "D")),
            horizon_days=horizon,
            n_customers=len(c),
            actual_purchases=float(actual[c].sum()),
            metrics=metrics,
            buckets=buckets,
            chosen=self.chosen_,
        )

    # --- predict -----------------------------------------------------------------------------

    def _forecasts(
        self, f: np.ndarray, r: np.ndarray, t: np.ndarray, m: np.ndarray, horizon_days: int
    ) -> dict[str, np.ndarray]:
        """Purchases over the horizon from BG/NBD and, when trained, the GBM.

        The GBM forecasts its training window; its ratio to BG/NBD over that window scales
        the BG/NBD forecast of any horizon (the two agree on the shape over time).
        """
        out = {"bgnbd": bgnbd_expected_purchases(self.params_, horizon_days / 7.0, f, r, t)}
        if self.gbm_ is not None:
            window = self.inner_validation_["window_days"] / 7.0
            features = gbm_features(self.params_, f, r, t, m, window)
            gbm = np.maximum(self.gbm_.predict(features), 0.0)
            base = features[:, 5]
            ratio = np.divide(gbm, base, out=np.ones_like(base), where=base > 1e-12)
            out["gbm"] = out["bgnbd"] * ratio
        return out

    def _spend_per_order(self, f: np.ndarray, m: np.ndarray) -> np.ndarray | None:
        if self.spend_params_ is None:
            return None
        return gamma_gamma_expected_spend(self.spend_params_, f, np.where(f > 0, m, 0.0))

    def predict(self, data: Any = None, *, horizon_days: int | None = None) -> pd.DataFrame:
        """Forecast each customer's purchases, spend and lifetime value.

        Parameters
        ----------
        data : pandas.DataFrame, optional
            Transactions of the customers to score, summarised up to their own last day.
            By default the customers of the calibration period, as of the cut-off.
        horizon_days : int, optional
            Days ahead; by default the fitted ``horizon_days_``.

        Returns
        -------
        pandas.DataFrame
            One row per customer: the customer id, ``frequency`` (repeat purchase days),
            ``recency_weeks``, ``T_weeks``, ``monetary`` (mean spend of repeat days),
            ``prob_alive``, ``expected_purchases`` over the horizon, ``expected_spend``
            (per order), ``clv`` (discounted margin over the horizon; the last two blank
            without a spend model), ``next_order_date`` (expected, only for customers
            more likely active than not) and ``model`` (which forecast was used).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        ParameterError
            If ``horizon_days`` is not a whole number >= 1.
        """
        self._check_fitted("predict")
        horizon = self.horizon_days_ if horizon_days is None else horizon_days
        if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
            raise ParameterError(
                f"horizon_days must be a whole number of days >= 1, got {horizon!r}.",
                where="CLVModel.predict(horizon_days=...)",
                fix="Pass e.g. horizon_days=90.",
            )
        if data is None:
            ids, f, r, t, m, cut = (
                self.ids_,
                self.frequency_,
                self.recency_,
                self.T_,
                self.monetary_,
                day_number(self.cutoff_, "cutoff", "CLVModel.predict"),
            )
        else:
            ids, f, r, t, m, cut = self._summarise(data)
        forecasts = self._forecasts(f, r, t, m, int(horizon))
        name = self.chosen_
        purchases = forecasts[name]
        alive = bgnbd_prob_alive(self.params_, f, r, t)
        out = pd.DataFrame(
            {
                self.columns_["customer_col"]: ids,
                "frequency": f.astype(int),
                "recency_weeks": r,
                "T_weeks": t,
                "monetary": m,
                "prob_alive": alive,
                "expected_purchases": purchases,
            }
        )
        per_order = self._spend_per_order(f, m)
        if per_order is not None and self.spend_params_ is not None:
            weekly = (1.0 + self.discount_rate) ** (1.0 / 52.0) - 1.0
            value = clv(
                self.params_,
                self.spend_params_,
                f,
                r,
                t,
                np.where(f > 0, m, 0.0),
                horizon_periods=max(1, math.ceil(horizon / 7)),
                margin=self.margin,
                discount_rate_per_period=weekly,
            )
            if name == "gbm":  # keep BG/NBD's timing, scale to the GBM's level
                base = forecasts["bgnbd"]
                value = value * np.divide(purchases, base, out=np.ones_like(base), where=base > 0)
            out["expected_spend"] = per_order
            out["clv"] = value
        else:
            out["expected_spend"] = np.nan
            out["clv"] = np.nan
        rate = (self.params_.r + f) / (self.params_.alpha + t)  # posterior mean purchases/week
        wait = np.round(7.0 / rate).astype("int64")
        dates = (np.int64(cut) + wait).astype("datetime64[D]")
        out["next_order_date"] = np.where(alive >= 0.5, dates, np.datetime64("NaT"))
        out["model"] = name
        return out

    def _summarise(self, data: Any) -> tuple[Any, ...]:
        where = "CLVModel.predict"
        frame = as_pandas(data, where=where)
        cols = self.columns_
        frame = check_event_columns(
            frame, cols["customer_col"], cols["timestamp_col"], cols["amount_col"], where
        )
        if frame.empty:
            raise InputError(
                "The transaction table is empty (no rows).",
                where=where,
                fix="Pass the transactions of the customers to score.",
            )
        codes, ids, days, amounts, _ = prepare_events(
            frame, cols["customer_col"], cols["timestamp_col"], cols["amount_col"], where
        )
        cut = int(days.max())
        summary = summarise_days(codes, days, amounts, start=int(days.min()), end=cut)
        if summary.empty:
            raise InputError(
                "No purchase in the table: every day nets to a refund.",
                where=where,
                fix="Check the --amount column.",
            )
        c = summary["c"].to_numpy()
        f, r, t, m = (
            summary[k].to_numpy(dtype=float) for k in ("frequency", "recency", "T", "monetary")
        )
        return np.asarray(ids.take(c)), f, r, t, m, cut

    # --- evaluate, explain, summary ----------------------------------------------------------

    def evaluate(self, data: Any, *, until: str | pd.Timestamp) -> HoldoutResult:
        """Refit a copy on the transactions up to ``until`` and score it on the rest.

        Parameters
        ----------
        data : pandas.DataFrame
            Transactions spanning both periods.
        until : str or pandas.Timestamp
            The cut-off: the last day of the calibration period.

        Returns
        -------
        HoldoutResult
            Purchases predicted against actual, per customer and by frequency bucket, for
            BG/NBD and (when trained) the gradient-boosting alternative.

        Raises
        ------
        InputError
            If no transaction falls after ``until``.
        """
        copy = type(self)(**{**self.get_params(), **getattr(self, "columns_", {})})
        copy.fit(data, until=until)
        if copy.holdout_ is None:
            raise InputError(
                f"No transaction after until={until!s}: nothing to compare the forecast with.",
                where="CLVModel.evaluate(until=...)",
                fix="Pass an earlier cut-off date, e.g. a quarter before the last transaction.",
            )
        return copy.holdout_

    def explain(self) -> pd.DataFrame:
        """Read the fitted parameters in words.

        Returns
        -------
        pandas.DataFrame
            Columns ``parameter``, ``value`` and ``meaning``: the BG/NBD and Gamma–Gamma
            parameters and what they imply for the typical customer.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("explain")
        p = self.params_
        rows = [
            ("r", p.r, "shape of purchase rates across customers"),
            ("alpha", p.alpha, "scale of purchase rates (weeks)"),
            ("a", p.a, "shape of drop-out chances"),
            ("b", p.b, "shape of drop-out chances"),
            ("mean purchases per week", p.r / p.alpha, "while active, averaged over customers"),
            ("mean drop-out chance", p.a / (p.a + p.b), "of leaving after each repeat purchase"),
        ]
        if self.spend_params_ is not None:
            g = self.spend_params_
            rows += [
                ("p", g.p, "shape of order values within a customer"),
                ("q", g.q, "shape of mean order values across customers"),
                ("v", g.v, "scale of mean order values across customers"),
                (
                    "mean order value",
                    g.p * g.v / (g.q - 1) if g.q > 1 else float("inf"),
                    "expected across customers",
                ),
            ]
        return pd.DataFrame(rows, columns=["parameter", "value", "meaning"])

    def summary(self) -> dict[str, Any]:
        """Return the fitted figures as JSON-ready values.

        Returns
        -------
        dict
            ``customers``, ``cutoff``, ``horizon_days``, ``chosen``, ``bgnbd`` (r, alpha,
            a, b, ...), ``gamma_gamma`` (p, q, v, ... or None), ``inner_validation``,
            ``holdout`` (:meth:`HoldoutResult.to_dict` or None) and ``notes``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("summary")
        return {
            "customers": len(self.ids_),
            "cutoff": self.cutoff_,
            "horizon_days": self.horizon_days_,
            "chosen": self.chosen_,
            "bgnbd": self.params_.to_dict(),
            "gamma_gamma": None if self.spend_params_ is None else self.spend_params_.to_dict(),
            "inner_validation": self.inner_validation_,
            "holdout": None if self.holdout_ is None else self.holdout_.to_dict(),
            "notes": list(self.notes_),
        }
