"""Pipeline forecast: which open deals will close, when, and what that books per month.

:class:`PipelineForecaster` learns from the closed deals of a CRM export (won or lost):

* **Win probability**: an internal :class:`~revlearn.usecases._propensity.PropensityModel`
  fitted on the closed deals' snapshot columns (stage, amount, owner, source, segment, age,
  recent activity ...). Reusing the propensity model, rather than a bare
  ``revlearn.models.select_binary`` call, gives the same model selection, Platt calibration,
  leakage guard, reasons and registry-safe state as lead scoring and churn, with no second
  copy of that code. Dates (``created_at``, ``expected_close``, ``closed_at``) are never
  features: the close date is known only after the outcome.
* **Close timing**: for won deals, the empirical distribution of the actual close date minus
  the rep's entered close date (the rep's optimism), by stage, kept as 101 quantiles. An
  open deal's close date is its entered date plus a lag drawn from that distribution,
  conditioned on the deal still being open at the forecast date (an overdue deal closes
  later than its overdue days).

:meth:`PipelineForecaster.forecast` rolls the deals up to bookings per month (and owner or
segment) with 80 % and 95 % intervals from a Monte Carlo simulation: a Bernoulli win with the
predicted probability and a close month drawn from the timing distribution, for every deal
and simulation at once (numpy arrays, in blocks of about two million draws; no library
simulates a pipeline, and the arithmetic is a few vectorised lines).
:meth:`PipelineForecaster.stage_weighted` is the naive forecast it is compared with
(historical win rate of the stage × amount, at the rep's entered month) and
:meth:`PipelineForecaster.evaluate` backtests both on history.

Limitation: a closed deal's ``age_days`` is its whole cycle, an open deal's its age so far;
the classifier reads an open deal's age as if it were final, which understates the staleness
of young deals that will drag on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, ParameterError, SchemaError, short_list
from revlearn.usecases._base import UseCase
from revlearn.usecases._propensity import Explanation, PropensityModel

__all__ = ["PipelineBacktest", "PipelineForecaster"]

logger = logging.getLogger(__name__)

#: Probabilities at which the close-lag quantiles are kept.
_PROBS = np.linspace(0.0, 1.0, 101)
#: Draws (deals × simulations) per simulated block.
_BLOCK = 2_000_000
#: Levels of the intervals.
_LEVELS = (80, 95)
_ALL = "__all__"
_GROUPS = ("owner", "segment")


@dataclass(frozen=True, slots=True)
class PipelineBacktest:
    """Bookings forecast against what was actually booked, beside the stage-weighted one.

    Attributes
    ----------
    as_of : str
        The pretended forecast date (ISO).
    table : pandas.DataFrame
        One row per month: ``month``, ``actual``, ``forecast``, ``forecast_lo_80``,
        ``forecast_hi_80``, ``forecast_lo_95``, ``forecast_hi_95``, ``stage_weighted``.
    metrics : dict
        ``mae_model``, ``mae_stage_weighted`` (mean absolute monthly error),
        ``total_error_model``, ``total_error_stage_weighted`` (forecast minus actual over
        the horizon), ``coverage_80``, ``coverage_95`` (share of months whose actual lies in
        the interval), ``n_train`` (closed deals learned from), ``n_open`` (deals open at
        ``as_of``).
    """

    as_of: str
    table: pd.DataFrame
    metrics: dict[str, float]

    def to_frame(self) -> pd.DataFrame:
        """Return the monthly table.

        Returns
        -------
        pandas.DataFrame
            The ``table`` attribute (a copy).
        """
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping.

        Returns
        -------
        dict
            ``as_of``, ``metrics`` and ``months`` (the table as records).
        """
        return {
            "as_of": self.as_of,
            "metrics": dict(self.metrics),
            "months": self.table.to_dict(orient="records"),
        }


class PipelineForecaster(UseCase):
    """Forecast bookings from open CRM deals: win probability, close month, intervals.

    Use it on a CRM opportunity export holding closed deals (outcome won/lost) and open
    ones (outcome blank). ``fit`` learns the win probability from the closed deals and how
    late won deals close against the rep's entered date; ``predict`` scores open deals,
    ``forecast`` simulates bookings per month and ``evaluate`` backtests on history.

    Parameters
    ----------
    id_col : str, default="deal_id"
        The deal identifier.
    outcome_col : str, default="outcome"
        Outcome of closed deals; blank (missing) for open ones.
    won : str, default="won"
        The outcome value of a won deal (any other non-blank value is a loss).
    stage_col : str, default="stage"
        The deal's current (or last open) stage.
    amount_col : str, default="amount"
        The deal's value.
    expected_close_col : str, default="expected_close"
        The close date the rep entered.
    closed_col : str, default="closed_at"
        When a closed deal closed (never a feature).
    created_col : str, default="created_at"
        When the deal was created (used for the snapshots and by the backtest).
    age_col : str or None, default="age_days"
        The deal's age in days. A closed deal's age is its whole cycle while an open deal's
        is its age so far, so the win model learns from snapshots of each closed deal every
        ``snapshot_days`` of its life with the age it had then (the way an open pipeline is
        seen); None (or no such column) learns from the closed rows as they are.
    snapshot_days : int, default=30
        Days between the snapshots of a closed deal.
    feature_cols : list of str, optional
        Columns the win model learns from; by default every column except the id, the
        outcome and the date columns.
    horizon_months : int, default=6
        Months forecast, starting with the month of the forecast date.
    candidates : list of str, optional
        Model families the classifier tries (default all of the propensity models').
    time_budget : float, default=20.0
        Seconds for the classifier's model selection.
    random_state : int, default=0
        Seed for the classifier and the simulation.

    Examples
    --------
    >>> from revlearn.data.synth import make_company
    >>> deals = make_company(n_leads=10, n_customers=10, n_shoppers=10, n_deals=1500).deals
    >>> model = PipelineForecaster(candidates=["logistic"], time_budget=5).fit(deals)
    >>> open_deals = deals[deals["outcome"].isna()]
    >>> list(model.forecast(open_deals, n_sims=200).columns)[:3]
    ['month', 'forecast', 'forecast_lo_80']
    """

    usecase: ClassVar[str] = "pipeline"

    def __init__(
        self,
        *,
        id_col: str = "deal_id",
        outcome_col: str = "outcome",
        won: str = "won",
        stage_col: str = "stage",
        amount_col: str = "amount",
        expected_close_col: str = "expected_close",
        closed_col: str = "closed_at",
        created_col: str = "created_at",
        age_col: str | None = "age_days",
        snapshot_days: int = 30,
        feature_cols: list[str] | None = None,
        horizon_months: int = 6,
        candidates: list[str] | None = None,
        time_budget: float = 20.0,
        random_state: int = 0,
    ) -> None:
        self.id_col = id_col
        self.outcome_col = outcome_col
        self.won = won
        self.stage_col = stage_col
        self.amount_col = amount_col
        self.expected_close_col = expected_close_col
        self.closed_col = closed_col
        self.created_col = created_col
        self.age_col = age_col
        self.snapshot_days = snapshot_days
        self.feature_cols = feature_cols
        self.horizon_months = horizon_months
        self.candidates = candidates
        self.time_budget = time_budget
        self.random_state = random_state

    # ----------------------------------------------------------------------------- fit
    def fit(self, data: Any, *, as_of: Any = None) -> Self:
        """Learn win probability and close timing from the closed deals.

        Parameters
        ----------
        data : pandas.DataFrame (or Polars / Arrow table)
            Deals, closed and open (open ones are ignored here).
        as_of : str or Timestamp, optional
            The forecast date used by default later; by default the latest date in the data
            (creation, entered or actual close).

        Returns
        -------
        PipelineForecaster
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If a needed column is missing or a date column holds non-dates.
        InputError
            If there are no closed deals, no won or no lost deals, or too few of either.
        ParameterError
            If ``horizon_months`` is not a positive integer.
        """
        where = "PipelineForecaster.fit"
        self._check_horizon(self.horizon_months, where)
        frame = as_pandas(data, where=where)
        needed = [self.id_col, self.outcome_col, self.stage_col, self.amount_col]
        check_columns(frame, [*needed, self.expected_close_col], where=where)
        closed = frame[frame[self.outcome_col].notna()]
        if closed.empty:
            raise InputError(
                f"No closed deals: every value of {self.outcome_col!r} is blank.",
                where=where,
                fix="The win model learns from history: include deals already won or lost.",
            )
        won = (closed[self.outcome_col].astype(str) == str(self.won)).to_numpy()
        if not won.any() or won.all():
            seen = short_list(sorted(closed[self.outcome_col].astype(str).unique()))
            raise InputError(
                f"The closed deals hold no {'won' if not won.any() else 'lost'} deal "
                f"(outcomes seen: {seen}).",
                where=f"{where}: column {self.outcome_col!r}",
                fix=f"Pass won= the value meaning a win (now {self.won!r}), and include both "
                "won and lost deals.",
            )
        features = self._features(frame, where)
        self._amounts(closed, where)
        train = closed[[self.id_col, *features]].copy()
        train[self.outcome_col] = np.where(won, "won", "lost")
        train = self._snapshots(train, closed, where)
        classifier = PropensityModel(
            target_col=self.outcome_col,
            positive="won",
            id_col=self.id_col,
            candidates=self.candidates,
            time_budget=self.time_budget,
            random_state=self.random_state,
        ).fit(train)
        stages = closed[self.stage_col].astype(str).to_numpy()
        rates = {s: float(won[stages == s].mean()) for s in sorted(set(stages))}
        lag = self._lags(closed, won, where)
        dates = [
            self._dates(frame, col, where)
            for col in (self.closed_col, self.created_col)
            if col in frame.columns
        ]
        dates = [d for d in dates if d.notna().any()] or [
            self._dates(frame, self.expected_close_col, where)
        ]
        latest = max(d.max() for d in dates).normalize()
        self.classifier_ = classifier
        self.features_ = features
        self.stage_rates_ = rates
        self.win_rate_ = float(won.mean())
        self.lag_quantiles_, self.lag_counts_ = lag
        self.as_of_ = (self._as_of(as_of, where) if as_of is not None else latest).isoformat()
        self.n_closed_ = len(closed)
        self.n_snapshots_ = len(train)
        self.n_won_ = int(won.sum())
        return self

    def _snapshots(self, train: pd.DataFrame, closed: pd.DataFrame, where: str) -> pd.DataFrame:
        """One row per closed deal and snapshot of its life, with the age it had then.

        A pipeline seen on one day holds long deals more often than short ones and at every
        age; learning from snapshots taken every ``snapshot_days`` reproduces both, so the
        staleness the model learns matches the age of open deals. Other columns keep their
        last recorded value (a CRM export has no history of them).
        """
        if (
            self.age_col is None
            or self.age_col not in train.columns
            or self.created_col not in closed.columns
            or self.closed_col not in closed.columns
        ):
            return train
        step = self.snapshot_days
        if isinstance(step, bool) or not isinstance(step, int | np.integer) or step < 1:
            raise ParameterError(
                f"snapshot_days={step!r} is not a positive whole number.",
                where=where,
                fix="Pass snapshot_days=30.",
            )
        span = self._dates(closed, self.closed_col, where) - self._dates(
            closed, self.created_col, where
        )
        days = span.dt.days.to_numpy(dtype=float)
        days = np.where(np.isfinite(days), np.maximum(days, 0), 0).astype(int)
        count = days // int(step) + 1
        rows = train.loc[train.index.repeat(count)].copy()
        nth = rows.groupby(level=0).cumcount().to_numpy()
        rows[self.age_col] = nth * int(step)
        rows[self.id_col] = rows[self.id_col].astype(str) + "@" + rows[self.age_col].astype(str)
        return rows.reset_index(drop=True)

    @staticmethod
    def _check_horizon(value: object, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ParameterError(
                f"horizon_months={value!r} is not a positive whole number.",
                where=where,
                fix="Pass horizon_months=6 (or another number of months >= 1).",
            )
        return int(value)

    def _features(self, frame: pd.DataFrame, where: str) -> list[str]:
        banned = {
            self.id_col,
            self.outcome_col,
            self.closed_col,
            self.expected_close_col,
            self.created_col,
        }
        if self.feature_cols is not None:
            check_columns(frame, self.feature_cols, where=where)
            leaks = sorted(banned & set(self.feature_cols))
            if leaks:
                raise ParameterError(
                    f"feature_cols holds {short_list(leaks)}, which must not be learned from.",
                    where=f"{where}(feature_cols=...)",
                    fix="Leave out the id, the outcome and the date columns.",
                )
            return list(self.feature_cols)
        features = [
            c
            for c in frame.columns
            if c not in banned and not pd.api.types.is_datetime64_any_dtype(frame[c])
        ]
        if self.stage_col not in features:
            features.insert(0, self.stage_col)
        return features

    def _amounts(self, frame: pd.DataFrame, where: str) -> np.ndarray:
        values = pd.to_numeric(frame[self.amount_col], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            rows = short_list(frame.loc[bad, self.id_col].astype(str).tolist(), limit=5)
            raise InputError(
                f"{int(bad.sum()):,} of {len(frame):,} deals have no usable amount "
                f"(blank, negative or not a number): {rows}.",
                where=f"{where}: column {self.amount_col!r}",
                fix="Fill in every deal's amount (0 if it truly has no value).",
            )
        return values.to_numpy(dtype=float)

    @staticmethod
    def _dates(frame: pd.DataFrame, col: str, where: str) -> pd.Series:
        try:
            return pd.to_datetime(frame[col])
        except (ValueError, TypeError) as err:
            raise SchemaError(
                f"Column {col!r} holds values that are not dates.",
                where=where,
                fix="Use ISO dates such as 2025-06-30.",
            ) from err

    @staticmethod
    def _as_of(value: Any, where: str) -> pd.Timestamp:
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError) as err:
            raise ParameterError(
                f"as_of={value!r} is not a date.", where=where, fix="Pass e.g. as_of='2025-01-01'."
            ) from err
        if pd.isna(stamp):
            raise ParameterError(
                f"as_of={value!r} is not a date.", where=where, fix="Pass e.g. as_of='2025-01-01'."
            )
        return stamp.normalize()

    def _lags(
        self, closed: pd.DataFrame, won: np.ndarray, where: str
    ) -> tuple[dict[str, list[float]], dict[str, int]]:
        """Quantiles of (actual − entered close) in days for won deals, by stage."""
        check_columns(
            closed,
            [self.closed_col],
            where=where,
            hint="The close-timing model needs when each closed deal closed.",
        )
        actual = self._dates(closed, self.closed_col, where)
        entered = self._dates(closed, self.expected_close_col, where)
        lag = (actual - entered).dt.days.to_numpy(dtype=float)
        ok = won & np.isfinite(lag)
        if ok.sum() < 1:
            raise InputError(
                "No won deal has both a close date and an entered close date.",
                where=f"{where}: columns {self.closed_col!r}, {self.expected_close_col!r}",
                fix="Fill in the close dates of the won deals.",
            )
        stages = closed[self.stage_col].astype(str).to_numpy()
        quantiles = {_ALL: np.quantile(lag[ok], _PROBS).tolist()}
        counts = {_ALL: int(ok.sum())}
        for stage in sorted(set(stages[ok])):
            pick = ok & (stages == stage)
            counts[stage] = int(pick.sum())
            if pick.sum() >= 20:  # fewer: the stage uses the overall distribution
                quantiles[stage] = np.quantile(lag[pick], _PROBS).tolist()
        return quantiles, counts

    # ------------------------------------------------------------------------- predict
    def _open(self, data: Any, as_of: Any, call: str) -> tuple[pd.DataFrame, pd.Timestamp]:
        self._check_fitted(call)
        where = f"PipelineForecaster.{call}"
        frame = as_pandas(data, where=where)
        check_columns(
            frame,
            [self.id_col, self.amount_col, self.expected_close_col, *self.features_],
            where=where,
            hint="Open deals need the columns the model was trained on.",
        )
        if frame.empty:
            raise InputError("No open deals were given.", where=where, fix="Pass the open deals.")
        stamp = self._as_of(as_of, where) if as_of is not None else pd.Timestamp(self.as_of_)
        return frame.reset_index(drop=True), stamp

    def _lag_table(self, stages: np.ndarray) -> np.ndarray:
        """Quantile rows (deals × 101) of each deal's close lag."""
        table = np.empty((len(stages), len(_PROBS)))
        table[:] = self.lag_quantiles_[_ALL]
        for stage, q in self.lag_quantiles_.items():
            if stage != _ALL:
                table[stages == stage] = q
        return table

    def _close_days(
        self, entered_days: np.ndarray, stages: np.ndarray, u: np.ndarray
    ) -> np.ndarray:
        """Days from the forecast date to each close, for uniform draws ``u`` (sims × deals).

        The lag is drawn from the deal's stage distribution above the lag already overdue;
        a deal overdue by more than any lag seen closes within the next 30 days.
        """
        out = np.empty(u.shape)
        keys = [s for s in self.lag_quantiles_ if s != _ALL]
        default = ~np.isin(stages, keys)
        for stage, pick in [(s, stages == s) for s in keys] + [(_ALL, default)]:
            if not pick.any():
                continue
            q = np.asarray(self.lag_quantiles_[stage])
            overdue = -entered_days[pick]  # entered_days < 0 means overdue
            lower = np.interp(overdue, q, _PROBS, left=0.0, right=1.0)
            uu = lower + (1.0 - lower) * u[:, pick]
            days = entered_days[pick] + np.interp(uu, _PROBS, q)
            out[:, pick] = np.where(days < 0.5, 1.0 + u[:, pick] * 29.0, days)
        return out

    def _month_lookup(self, as_of: pd.Timestamp, n_days: int) -> np.ndarray:
        """Month index (0 = the forecast month) of each day offset from ``as_of``."""
        days = as_of + pd.to_timedelta(np.arange(n_days), unit="D")
        return np.asarray((days.year - as_of.year) * 12 + (days.month - as_of.month))

    def _months(self, as_of: pd.Timestamp) -> list[str]:
        start = as_of.to_period("M")
        return [str(start + i) for i in range(self.horizon_months)]

    def predict(self, data: Any, *, as_of: Any = None) -> pd.DataFrame:
        """Score open deals: win probability, expected close month and expected value.

        Parameters
        ----------
        data : pandas.DataFrame (or Polars / Arrow table)
            Open deals with the training columns, amount and entered close date.
        as_of : str or Timestamp, optional
            The forecast date; by default the one set at fit.

        Returns
        -------
        pandas.DataFrame
            In input order: the id column, ``win_probability``, ``expected_close`` (the
            rep's date), ``expected_close_month`` (the median close month after the rep's
            usual lag, ``YYYY-MM``), ``amount`` and ``expected_value``
            (``win_probability × amount``).

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        SchemaError
            If a needed column is missing.
        InputError
            If an amount is blank, negative or not a number, or no deal is given.
        """
        frame, stamp = self._open(data, as_of, "predict")
        where = "PipelineForecaster.predict"
        amount = self._amounts(frame, where)
        p = self.classifier_.predict_proba(frame[[self.id_col, *self.features_]])
        entered = self._dates(frame, self.expected_close_col, where)
        days = self._close_days(
            (entered - stamp).dt.days.to_numpy(dtype=float),
            frame[self.stage_col].astype(str).to_numpy(),
            np.full((1, len(frame)), 0.5),
        )[0]
        close = stamp + pd.to_timedelta(np.round(days), unit="D")
        return pd.DataFrame(
            {
                self.id_col: frame[self.id_col].to_numpy(),
                "win_probability": p,
                "expected_close": entered.to_numpy(),
                "expected_close_month": close.to_period("M").astype(str),
                "amount": amount,
                "expected_value": p * amount,
            }
        )

    # ------------------------------------------------------------------------ forecast
    def _group_codes(self, frame: pd.DataFrame, by: tuple[str, ...], where: str) -> Any:
        keys = [b for b in by if b != "month"]
        unknown = [b for b in keys if b not in _GROUPS]
        if unknown or len(set(by)) != len(by):
            raise ParameterError(
                f"by={by!r} is not a combination of 'month', 'owner' and 'segment'.",
                where=where,
                fix="Pass e.g. by=('month',) or by=('month', 'owner').",
            )
        check_columns(frame, keys, where=where)
        if not keys:
            return np.zeros(len(frame), dtype=int), pd.DataFrame(index=[0]), keys
        labels = frame[keys].astype(str)
        codes, uniques = pd.MultiIndex.from_frame(labels).factorize()
        levels = pd.DataFrame(list(uniques), columns=keys)
        return np.asarray(codes), levels, keys

    def forecast(
        self,
        data: Any,
        *,
        by: tuple[str, ...] = ("month",),
        n_sims: int = 2000,
        as_of: Any = None,
        random_state: int | None = None,
    ) -> pd.DataFrame:
        """Simulate bookings from the open deals, with 80 % and 95 % intervals.

        Each simulation wins every deal with its predicted probability and closes it in a
        month drawn from the close-timing distribution; bookings are summed per month (and
        owner or segment). Deals closing after the horizon book nothing in it.

        Parameters
        ----------
        data : pandas.DataFrame
            Open deals (the columns of :meth:`predict`).
        by : tuple of str, default=("month",)
            Roll-up keys: ``"month"``, ``"owner"`` and/or ``"segment"``; without
            ``"month"`` the whole horizon is summed (``()`` gives one total row).
        n_sims : int, default=2000
            Simulated futures.
        as_of : str or Timestamp, optional
            The forecast date; by default the one set at fit.
        random_state : int, optional
            Seed of the simulation; by default the model's ``random_state``.

        Returns
        -------
        pandas.DataFrame
            One row per key combination: the ``by`` columns (``month`` as ``YYYY-MM``),
            ``forecast`` (mean simulated bookings), ``forecast_lo_80``, ``forecast_hi_80``,
            ``forecast_lo_95``, ``forecast_hi_95`` (simulation percentiles) and
            ``expected`` (the exact expectation, Σ p × amount × P(month)).

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        ParameterError
            If ``by`` or ``n_sims`` is not valid.
        SchemaError
            If a needed column is missing.
        InputError
            If an amount is blank, negative or not a number.
        """
        where = "PipelineForecaster.forecast"
        frame, stamp = self._open(data, as_of, "forecast")
        if isinstance(n_sims, bool) or not isinstance(n_sims, int | np.integer) or n_sims < 10:
            raise ParameterError(
                f"n_sims={n_sims!r} is not a whole number of at least 10.",
                where=where,
                fix="Pass n_sims=2000.",
            )
        by = tuple(by)
        codes, levels, keys = self._group_codes(frame, by, where)
        pred = self.predict(frame, as_of=stamp)
        sims = self._simulate(
            frame,
            pred["win_probability"].to_numpy(),
            codes,
            stamp,
            n_sims,
            self.random_state if random_state is None else random_state,
        )
        expected = self._expectation(frame, pred["win_probability"].to_numpy(), codes, stamp)
        n_groups, horizon = sims.shape[1], sims.shape[2]
        if "month" not in by:
            sims, expected = sims.sum(axis=2, keepdims=True), expected.sum(axis=1, keepdims=True)
            horizon = 1
        flat = sims.reshape(n_sims, n_groups * horizon)
        out = pd.DataFrame(
            {
                "forecast": flat.mean(axis=0),
                **{
                    f"forecast_{side}_{level}": np.percentile(flat, q, axis=0)
                    for level in _LEVELS
                    for side, q in (("lo", (100 - level) / 2), ("hi", 100 - (100 - level) / 2))
                },
                "expected": expected.reshape(-1),
            }
        )
        index = pd.DataFrame(
            {k: np.repeat(levels[k].to_numpy(), horizon) for k in keys}, index=out.index
        )
        if "month" in by:
            index["month"] = np.tile(self._months(stamp), n_groups)
        order = [b for b in by]
        return pd.concat([index[order], out], axis=1)

    def _simulate(
        self,
        frame: pd.DataFrame,
        p: np.ndarray,
        codes: np.ndarray,
        as_of: pd.Timestamp,
        n_sims: int,
        seed: int,
    ) -> np.ndarray:
        """Simulated bookings, an array (sims × groups × months)."""
        rng = np.random.default_rng(seed)
        amount = self._amounts(frame, "PipelineForecaster.forecast")
        entered = self._dates(frame, self.expected_close_col, "PipelineForecaster.forecast")
        entered_days = (entered - as_of).dt.days.to_numpy(dtype=float)
        stages = frame[self.stage_col].astype(str).to_numpy()
        horizon, n_groups, n = self.horizon_months, int(codes.max()) + 1, len(frame)
        lookup = self._month_lookup(as_of, 31 * horizon + 1)
        totals = np.zeros((n_sims, n_groups, horizon))
        block = max(1, _BLOCK // max(n, 1))
        for start in range(0, n_sims, block):
            k = min(block, n_sims - start)
            wins = rng.random((k, n)) < p
            days = self._close_days(entered_days, stages, rng.random((k, n)))
            month = lookup[np.clip(days, 0, len(lookup) - 1).astype(int)]
            hit = wins & (month < horizon)
            sim = np.broadcast_to(np.arange(k)[:, None], (k, n))
            index = (sim * n_groups + codes[None, :]) * horizon + month
            booked = np.bincount(
                index[hit],
                weights=np.broadcast_to(amount, (k, n))[hit],
                minlength=k * n_groups * horizon,
            )
            totals[start : start + k] = booked.reshape(k, n_groups, horizon)
        return totals

    def _expectation(
        self, frame: pd.DataFrame, p: np.ndarray, codes: np.ndarray, as_of: pd.Timestamp
    ) -> np.ndarray:
        """Exact expected bookings (groups × months) from the timing quantiles."""
        amount = self._amounts(frame, "PipelineForecaster.forecast")
        entered = self._dates(frame, self.expected_close_col, "PipelineForecaster.forecast")
        entered_days = (entered - as_of).dt.days.to_numpy(dtype=float)
        stages = frame[self.stage_col].astype(str).to_numpy()
        grid = ((np.arange(200) + 0.5) / 200)[:, None] * np.ones((1, len(frame)))
        days = self._close_days(entered_days, stages, grid)
        lookup = self._month_lookup(as_of, 31 * self.horizon_months + 1)
        month = lookup[np.clip(days, 0, len(lookup) - 1).astype(int)]
        n_groups, horizon = int(codes.max()) + 1, self.horizon_months
        share = np.zeros((n_groups, horizon))
        inside = month < horizon
        weights = np.broadcast_to(p * amount / grid.shape[0], month.shape)
        index = np.broadcast_to(codes, month.shape) * horizon + month
        share += np.bincount(
            index[inside], weights=weights[inside], minlength=n_groups * horizon
        ).reshape(n_groups, horizon)
        return share

    def stage_weighted(self, data: Any, *, as_of: Any = None) -> pd.DataFrame:
        """Forecast bookings the naive way: stage win rate × amount at the rep's month.

        Parameters
        ----------
        data : pandas.DataFrame
            Open deals with the stage, amount and entered close date.
        as_of : str or Timestamp, optional
            The forecast date; by default the one set at fit. Deals already overdue count in
            its month.

        Returns
        -------
        pandas.DataFrame
            One row per month of the horizon: ``month`` (``YYYY-MM``) and
            ``stage_weighted`` (Σ historical win rate of the deal's stage × amount; stages
            never seen closed use the overall win rate).

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        SchemaError
            If a needed column is missing.
        InputError
            If an amount is blank, negative or not a number.
        """
        frame, stamp = self._open(data, as_of, "stage_weighted")
        where = "PipelineForecaster.stage_weighted"
        amount = self._amounts(frame, where)
        rate = frame[self.stage_col].astype(str).map(self.stage_rates_).fillna(self.win_rate_)
        entered = self._dates(frame, self.expected_close_col, where)
        days = np.maximum((entered - stamp).dt.days.to_numpy(), 0)
        lookup = self._month_lookup(stamp, 31 * self.horizon_months + 1)
        month = lookup[np.minimum(days, len(lookup) - 1)]
        inside = month < self.horizon_months
        booked = np.bincount(
            month[inside],
            weights=(rate.to_numpy(dtype=float) * amount)[inside],
            minlength=self.horizon_months,
        )
        return pd.DataFrame({"month": self._months(stamp), "stage_weighted": booked})

    # ------------------------------------------------------------ evaluate / explain
    def evaluate(self, history: Any, *, as_of: Any, n_sims: int = 1000) -> PipelineBacktest:
        """Backtest: forecast from an earlier date and compare with what was booked.

        Pretends it is ``as_of``: fits a copy of this model (same parameters) on the deals
        closed before it, forecasts the deals open on it (age recomputed to that date) over
        the horizon, and compares month by month with the bookings of those deals, beside the
        stage-weighted forecast. This object itself is not changed.

        Parameters
        ----------
        history : pandas.DataFrame
            Deals with creation and close dates and outcomes (as given to ``fit``).
        as_of : str or Timestamp
            The pretended forecast date; months after the last close date are not checked.
        n_sims : int, default=1000
            Simulated futures for the intervals.

        Returns
        -------
        PipelineBacktest
            The monthly table and the error and coverage metrics.

        Raises
        ------
        SchemaError
            If a needed column is missing.
        InputError
            If no deal was open on ``as_of`` or too few had closed before it.
        ParameterError
            If ``as_of`` is not a date.
        """
        where = "PipelineForecaster.evaluate"
        stamp = self._as_of(as_of, where)
        frame = as_pandas(history, where=where)
        check_columns(frame, [self.created_col, self.closed_col, self.outcome_col], where=where)
        created = self._dates(frame, self.created_col, where)
        closed_at = self._dates(frame, self.closed_col, where)
        known = frame[created <= stamp].copy()
        closed_at = closed_at[created <= stamp]
        before = (closed_at < stamp).to_numpy()
        open_now = known[~before].copy()
        if open_now.empty:
            raise InputError(
                f"No deal was open on {stamp.date()}.",
                where=where,
                fix="Choose an as_of date inside the history.",
            )
        train = known.copy()
        train.loc[~before, self.outcome_col] = None
        if "age_days" in open_now.columns:
            age = (stamp - self._dates(open_now, self.created_col, where)).dt.days
            open_now["age_days"] = age.to_numpy()
        model = type(self)(**self.get_params()).fit(train, as_of=stamp)
        sims = model.forecast(open_now, n_sims=n_sims)
        naive = model.stage_weighted(open_now)
        won = (open_now[self.outcome_col].astype(str) == str(self.won)).to_numpy()
        month = closed_at[~before].dt.to_period("M").astype(str).to_numpy()
        amount = model._amounts(open_now, where)
        months = sims["month"].tolist()
        actual = [float(amount[won & (month == m)].sum()) for m in months]
        last = closed_at.max()
        checked = [m for m in months if pd.Period(m, "M").end_time <= last + pd.Timedelta(days=1)]
        table = sims.drop(columns="expected").assign(
            actual=actual, stage_weighted=naive["stage_weighted"].to_numpy()
        )
        table = table[table["month"].isin(checked)].reset_index(drop=True)
        table = table[
            [
                "month",
                "actual",
                "forecast",
                "forecast_lo_80",
                "forecast_hi_80",
                "forecast_lo_95",
                "forecast_hi_95",
                "stage_weighted",
            ]
        ]
        act = table["actual"].to_numpy()
        metrics = {
            "mae_model": float(np.abs(table["forecast"] - act).mean()),
            "mae_stage_weighted": float(np.abs(table["stage_weighted"] - act).mean()),
            "total_error_model": float(table["forecast"].sum() - act.sum()),
            "total_error_stage_weighted": float(table["stage_weighted"].sum() - act.sum()),
            **{
                f"coverage_{level}": float(
                    (
                        (table[f"forecast_lo_{level}"] <= act)
                        & (act <= table[f"forecast_hi_{level}"])
                    ).mean()
                )
                for level in _LEVELS
            },
            "n_train": float(model.n_closed_),
            "n_open": float(len(open_now)),
        }
        return PipelineBacktest(as_of=stamp.date().isoformat(), table=table, metrics=metrics)

    def explain(self) -> Explanation:
        """Say which deal columns drive the win probability, and in which direction.

        Returns
        -------
        Explanation
            The classifier's global importance by column, drivers, model label and notes.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        """
        self._check_fitted("explain")
        return self.classifier_.explain()

    def timing(self) -> pd.DataFrame:
        """Return how late won deals closed against the rep's entered date, by stage.

        Returns
        -------
        pandas.DataFrame
            One row per stage (``all`` last): ``stage``, ``won_deals``, ``mean_lag_days``,
            ``median_lag_days``, ``p10_lag_days``, ``p90_lag_days`` (positive = later than
            entered) and ``own_distribution`` (False when too few won deals and the overall
            distribution is used).

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        """
        self._check_fitted("timing")
        rows = []
        for stage, count in self.lag_counts_.items():
            q = np.asarray(self.lag_quantiles_.get(stage, self.lag_quantiles_[_ALL]))
            rows.append(
                {
                    "stage": "all" if stage == _ALL else stage,
                    "won_deals": count,
                    "mean_lag_days": float(np.mean((q[1:] + q[:-1]) / 2)),
                    "median_lag_days": float(q[50]),
                    "p10_lag_days": float(q[10]),
                    "p90_lag_days": float(q[90]),
                    "own_distribution": stage in self.lag_quantiles_,
                }
            )
        table = pd.DataFrame(rows)
        return pd.concat(
            [table[table["stage"] != "all"], table[table["stage"] == "all"]]
        ).reset_index(drop=True)

    def summary(self) -> dict[str, Any]:
        """Return what a person wants to know after fitting, JSON-ready.

        Returns
        -------
        dict
            ``as_of``, ``closed_deals``, ``won_deals``, ``win_rate``, ``stage_win_rates``,
            ``classifier`` (``model``, ``metrics``: cross-validated AUC and others,
            ``fit_verdict``), ``features``, ``close_lag_days`` (median lag by stage),
            ``horizon_months`` and ``notes``.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        """
        self._check_fitted("summary")
        inner = self.classifier_.summary()
        lag = self.timing()
        return {
            "as_of": self.as_of_,
            "closed_deals": self.n_closed_,
            "won_deals": self.n_won_,
            "win_rate": self.win_rate_,
            "stage_win_rates": dict(self.stage_rates_),
            "classifier": {
                "model": inner["model"],
                "metrics": inner["metrics"],
                "fit_verdict": inner["fit_verdict"],
            },
            "features": list(self.features_),
            "close_lag_days": dict(
                zip(lag["stage"], lag["median_lag_days"].astype(float), strict=True)
            ),
            "horizon_months": self.horizon_months,
            "notes": list(inner["notes"]),
        }
