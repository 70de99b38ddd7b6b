"""Demand and revenue forecasting with outside signals: ``revlearn fit forecast``.

:class:`SalesForecaster` prepares the series (:func:`revlearn.data.series.prepare_series`:
a regular grid per series, aggregated from order tables when needed), backtests every
candidate model from several origins (:mod:`revlearn.usecases.forecast.engines`: seasonal
naive, drift, AutoETS, AutoTheta, AutoARIMA through statsforecast; a log-linear regression
on trend, calendar and the signals; LightGBM on lags, rolling means, calendar and signals
through mlforecast; the median of the statistical
models), keeps per series the model with the lowest backtest MASE (the simpler one on ties;
the ensemble unless that model's lead is beyond noise), and reports MASE, sMAPE, RMSE, bias and
the interval coverage it measured. ``predict`` refits the chosen models on the whole
history (statistical models fit in milliseconds per series, LightGBM in seconds), so the
saved model holds only plain arrays; :meth:`SalesForecaster.what_if` re-forecasts with
changed future signals ("a heatwave is coming").
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from revlearn.data.io import as_pandas
from revlearn.errors import InputError, ParameterError
from revlearn.usecases._base import UseCase
from revlearn.usecases.forecast.engines import EngineSpec, backtest, forecast, lightgbm_rows
from revlearn.usecases.forecast.hierarchy import BOTTOM, bottom_ids, expand, reconcile

__all__ = ["SalesForecaster"]

#: The models ``models="auto"`` tries, simplest first.
AUTO_MODELS = (
    "SeasonalNaive", "Drift", "AutoETS", "AutoTheta", "AutoARIMA", "Regression", "LightGBM"
)  # fmt: skip
#: The combination candidate: the median of the statistical models tried.
ENSEMBLE = "Ensemble"
#: Its members, when tried (AutoARIMA is left out of "auto" on long series; two members
#: make the median a mean).
ENSEMBLE_MEMBERS = ("AutoETS", "AutoARIMA", "AutoTheta")
#: Fewest training rows (over all series) LightGBM is fitted on.
LGBM_MIN_ROWS = 40
#: Longest history AutoARIMA is fitted on in "auto" (its fit time grows fast with length).
ARIMA_MAX_POINTS = 800


class SalesForecaster(UseCase):
    """Forecast sales series, choosing the model per series by rolling-origin backtest.

    Parameters
    ----------
    date_col, value_col : str
        The date and the value to forecast (``--date``, ``--value``).
    series_col : str, optional
        The series id (product, store, region); one series when None.
    horizon : int, default=14
        Periods ahead.
    freq : str, optional
        ``"D"``, ``"W"``, ``"MS"`` ...; inferred from the dates when None.
    signals : list of str, optional
        Outside signals known in advance for the horizon (temperature forecast,
        promotions, price); ``predict`` needs their future values.
    lagged_signals : list of str, optional
        Outside signals not known in advance (web visits): used through lags of at least
        ``horizon`` periods.
    models : "auto" or list of str, default="auto"
        Candidates: any of ``SeasonalNaive``, ``Drift``, ``AutoETS``, ``AutoTheta``,
        ``AutoARIMA``, ``Regression`` (log-linear on trend, calendar and the signals),
        ``LightGBM``. ``"auto"`` tries them all (AutoARIMA only on series of at most 800
        periods, where its fit stays fast; Regression only when there are signals). When
        two or more of AutoETS, AutoARIMA and AutoTheta are tried, their median
        (``Ensemble``) is a candidate too, kept unless a single model leads it by more than
        its backtest noise.
    hierarchy : list of str, optional
        Level columns from the top down (``["category", "product"]``): the bottom series
        are summed into every level and a total, all are forecast, and the forecasts are
        reconciled so each level adds up (:mod:`revlearn.usecases.forecast.hierarchy`).
        Replaces ``series_col``; not combined with signals.
    n_windows : int, default=6
        Backtest origins, ``horizon`` periods apart.
    level : int, default=80
        Prediction interval level in percent.
    random_state : int, default=0
        Seed of LightGBM.
    """

    usecase: ClassVar[str] = "forecast"

    def __init__(
        self,
        *,
        date_col: str = "date",
        value_col: str = "value",
        series_col: str | None = None,
        horizon: int = 14,
        freq: str | None = None,
        signals: list[str] | None = None,
        lagged_signals: list[str] | None = None,
        models: str | list[str] = "auto",
        hierarchy: list[str] | None = None,
        n_windows: int = 6,
        level: int = 80,
        random_state: int = 0,
    ) -> None:
        self.date_col = date_col
        self.value_col = value_col
        self.series_col = series_col
        self.horizon = horizon
        self.freq = freq
        self.signals = signals
        self.lagged_signals = lagged_signals
        self.models = models
        self.hierarchy = hierarchy
        self.n_windows = n_windows
        self.level = level
        self.random_state = random_state

    # --- fit ---------------------------------------------------------------------------------

    def fit(self, data: Any) -> SalesForecaster:
        """Prepare the series, backtest the candidates and choose a model per series.

        Parameters
        ----------
        data : pandas.DataFrame
            Long format (date, value, optional series id and signal columns) or an order
            table that is aggregated to ``freq``.

        Returns
        -------
        SalesForecaster
            ``self``, with ``freq_``, ``season_length_``, ``chosen_`` (series → model),
            ``backtest_`` (per series and model: MASE, sMAPE, RMSE, bias, coverage),
            ``metrics_`` (overall, for the chosen models), ``backtest_forecasts_`` (the
            chosen model's backtest forecast per series, origin and date: ``unique_id``,
            ``ds``, ``cutoff``, ``y``, ``forecast`` as numpy arrays) and ``notes_``.

        Raises
        ------
        SchemaError
            If a named column is missing.
        ParameterError
            If a parameter is out of range.
        InputError
            If a series is too short to backtest.
        """
        from revlearn.data.series import prepare_series

        where = "SalesForecaster.fit"
        self._check_params(where)
        known, lagged = list(self.signals or []), list(self.lagged_signals or [])
        levels = list(self.hierarchy or [])
        if levels:
            data = bottom_ids(as_pandas(data, where=where), levels, where)
        prepared = prepare_series(
            data,
            date_col=self.date_col,
            value_col=self.value_col,
            series_col=BOTTOM if levels else self.series_col,
            freq=self.freq,
            signals=known + lagged,
            where=where,
        )
        frame = prepared.frame
        self.hierarchy_ = None
        if levels:
            frame, self.hierarchy_ = expand(frame, levels)
        notes = list(prepared.notes)
        lengths = frame.groupby("unique_id", sort=False).size()
        n_windows = self._windows(lengths, prepared.season_length, notes, where)
        models = self._candidates(int(lengths.max()), notes)
        spec = EngineSpec(
            freq=prepared.freq,
            season_length=prepared.season_length,
            horizon=int(self.horizon),
            level=int(self.level),
            models=models,
            known=tuple(known),
            lagged=tuple(lagged),
            random_state=int(self.random_state),
        )
        spec = self._fit_lightgbm(spec, lengths, n_windows, notes, where)
        models = spec.models
        cv = backtest(spec, frame, n_windows)
        members = _ensemble_members(models)
        if members:
            cv = _with_ensemble(cv, members)
            models = (*models, ENSEMBLE)
        scales, calibrated = _interval_scales(cv, models, int(self.level))
        scores = _score_backtest(cv, frame, models, spec)
        scores["coverage_calibrated"] = scores["model"].map(calibrated)
        chosen = _choose(scores, models, cv)
        self.freq_, self.season_length_ = prepared.freq, prepared.season_length
        self.models_ = list(models)
        self.series_ = [str(s) for s in lengths.index]
        self.chosen_ = chosen
        self.interval_scales_ = scales
        self.backtest_ = scores.to_dict(orient="list")
        self.metrics_ = _overall(scores, chosen)
        self.backtest_forecasts_ = _chosen_backtest(cv, chosen)
        self.history_ = {
            "unique_id": frame["unique_id"].to_numpy(dtype=str),
            "ds": frame["ds"].to_numpy(dtype="datetime64[ns]"),
            "y": frame["y"].to_numpy(dtype=float),
            **{col: frame[col].to_numpy(dtype=float) for col in known + lagged},
        }
        self.notes_ = notes
        return self

    def _check_params(self, where: str) -> None:
        for name in ("horizon", "n_windows"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ParameterError(
                    f"{name} must be a whole number >= 1, got {value!r}.",
                    where=f"{where}({name}=...)",
                    fix=f"Pass e.g. {name}=14." if name == "horizon" else "Pass n_windows=3.",
                )
        if not isinstance(self.level, int | np.integer) or not 50 <= self.level < 100:
            raise ParameterError(
                f"level must be a percentage between 50 and 99, got {self.level!r}.",
                where=f"{where}(level=...)",
                fix="Pass level=80 or level=95.",
            )
        if self.hierarchy and (self.series_col or self.signals or self.lagged_signals):
            raise ParameterError(
                "hierarchy replaces series_col and is not combined with signals.",
                where=f"{where}(hierarchy=...)",
                fix="Drop series_col/signals, or fit one model per level without hierarchy.",
            )
        if self.models != "auto":
            unknown = [m for m in self.models if m not in AUTO_MODELS]
            if unknown or not self.models:
                raise ParameterError(
                    f"Unknown model(s) {unknown!r}." if unknown else "models is empty.",
                    where=f"{where}(models=...)",
                    fix=f"Choose from {', '.join(AUTO_MODELS)}, or models='auto'.",
                )

    def _windows(self, lengths: pd.Series, season: int, notes: list[str], where: str) -> int:
        """As many backtest origins as asked for, or as the shortest series allows (>= 1)."""
        h, m = int(self.horizon), max(season, 1)
        fits = (int(lengths.min()) - m) // h - 1  # origins that leave a season to learn from
        if fits >= self.n_windows:
            return int(self.n_windows)
        if fits < 1:
            needed = 2 * h + m
            short = lengths[lengths < needed]
            raise InputError(
                f"{len(short)} series are too short to backtest a {h}-period horizon (they "
                f"need {needed} periods: a season and two horizons), e.g. "
                f"{short.index[0]!r} with {int(short.iloc[0])}.",
                where=where,
                fix="Lower --horizon, aggregate to a coarser --freq, or leave the short "
                "series out.",
            )
        notes.append(
            f"Backtest from {fits} origins instead of {self.n_windows}: the shortest series "
            f"has {int(lengths.min())} periods."
        )
        return fits

    def _candidates(self, longest: int, notes: list[str]) -> tuple[str, ...]:
        if self.models != "auto":
            return tuple(self.models)
        models: tuple[str, ...] = AUTO_MODELS
        if not (self.signals or self.lagged_signals):  # the regression is there for them
            models = tuple(m for m in models if m != "Regression")
        if longest > ARIMA_MAX_POINTS:
            notes.append(
                f"AutoARIMA left out: the series are up to {longest} periods long and its "
                f"fit grows slow past {ARIMA_MAX_POINTS}; pass models=[..., 'AutoARIMA'] "
                "to include it."
            )
            return tuple(m for m in models if m != "AutoARIMA")
        return models

    def _fit_lightgbm(
        self, spec: EngineSpec, lengths: pd.Series, n_windows: int, notes: list[str], where: str
    ) -> EngineSpec:
        """Leave LightGBM out (``"auto"``) or refuse it when the history is too short for it."""
        if not spec.wants_lightgbm:
            return spec
        rows = lightgbm_rows(spec, lengths.tolist(), n_windows)
        if rows >= LGBM_MIN_ROWS:
            return spec
        if self.models != "auto":
            raise InputError(
                f"The history is too short for LightGBM: its earliest backtest fit would "
                f"learn from {rows} rows (it needs {LGBM_MIN_ROWS}, after the lags of "
                "two seasons).",
                where=f"{where}(models=...)",
                fix="Leave LightGBM out of models, lower --horizon, or give more history.",
            )
        notes.append(
            f"LightGBM left out: its earliest backtest fit would learn from only {rows} rows "
            "after the lags of two seasons."
        )
        return replace(spec, models=tuple(m for m in spec.models if m != "LightGBM"))

    # --- predict -----------------------------------------------------------------------------

    def _history(self) -> pd.DataFrame:
        return pd.DataFrame(self.history_)

    def _spec(self, horizon: int, models: tuple[str, ...], min_lag: int = 1) -> EngineSpec:
        return EngineSpec(
            freq=self.freq_,
            season_length=self.season_length_,
            horizon=horizon,
            level=int(self.level),
            models=models,
            known=tuple(self.signals or []),
            lagged=tuple(self.lagged_signals or []),
            random_state=int(self.random_state),
            min_lag=min_lag,
        )

    def _future(self, signals: pd.DataFrame | None, horizon: int) -> pd.DataFrame | None:
        """The known signals over the horizon, as ``unique_id``, ``ds`` and the columns."""
        known = list(self.signals or [])
        if not known:
            return None
        if signals is None:
            raise InputError(
                f"The model uses signals known in advance ({', '.join(known)}): their values "
                f"for the next {horizon} periods are needed.",
                where="SalesForecaster.predict",
                fix="Pass signals=<table with the date, series and signal columns> "
                "(--signals FILE).",
            )
        from revlearn.data.series import PreparedSeries, future_signals

        history = self._history()
        prepared = PreparedSeries(
            frame=history,
            freq=self.freq_,
            season_length=self.season_length_,
            series=list(self.series_),
            signals=known,
        )
        return future_signals(
            signals,
            date_col=self.date_col,
            series_col=self.series_col,
            prepared=prepared,
            horizon=horizon,
            where="SalesForecaster.predict",
        )

    def predict(
        self, *, horizon: int | None = None, signals: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Forecast every series with its chosen model, with a prediction interval.

        Parameters
        ----------
        horizon : int, optional
            Periods ahead (default: the fitted ``horizon``).
        signals : pandas.DataFrame, optional
            Future values of the known-in-advance signals (date, series id when there are
            several series, and each signal column), covering the horizon.

        Returns
        -------
        pandas.DataFrame
            ``series`` (the series id; the series column's name when one was given),
            ``date``, ``forecast``, ``lower``, ``upper`` and ``model``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        InputError
            If known signals are missing for some of the horizon's dates.
        """
        self._check_fitted("predict")
        h = int(self.horizon if horizon is None else horizon)
        chosen = set(self.chosen_.values())
        members = _ensemble_members(tuple(self.models_)) if ENSEMBLE in chosen else ()
        used = tuple(m for m in self.models_ if m in chosen or m in members)
        raw = forecast(self._spec(h, used), self._history(), used, self._future(signals, h))
        if members:
            raw = _with_ensemble(raw, members)
        picked = self._pick(raw)
        if self.hierarchy_ is not None:
            return reconcile(picked, self.hierarchy_, picked.columns[0])
        return picked

    def _pick(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Each series' row values from its chosen model's columns."""
        model = raw["unique_id"].astype(str).map(self.chosen_).to_numpy()
        out = {part: np.full(len(raw), np.nan) for part in ("", "-lo", "-hi")}
        for name in set(model):
            rows = model == name
            for part in out:
                out[part][rows] = raw.loc[rows, f"{name}{part}"].to_numpy(dtype=float)
            scale = self.interval_scales_.get(name, 1.0)
            centre = out[""][rows]
            out["-lo"][rows] = centre - scale * (centre - out["-lo"][rows])
            out["-hi"][rows] = centre + scale * (out["-hi"][rows] - centre)
        if np.nanmin(self.history_["y"]) >= 0:  # counts and money never go below zero
            for part in out:
                out[part] = np.maximum(out[part], 0.0)
        return pd.DataFrame(
            {
                self.series_col or "series": raw["unique_id"].to_numpy(),
                "date": raw["ds"].to_numpy(),
                "forecast": out[""],
                "lower": out["-lo"],
                "upper": out["-hi"],
                "model": model,
            }
        )

    def what_if(
        self,
        changes: dict[str, float],
        *,
        signals: pd.DataFrame,
        start: str | None = None,
        end: str | None = None,
        horizon: int | None = None,
    ) -> pd.DataFrame:
        """Re-forecast with changed future signals ("a heatwave is coming: +6 °C").

        The effect is read off a signal-aware LightGBM model that sees only the target's
        values up to the forecast origin (lags of at least the horizon): its
        scenario-to-base ratio per date scales each series' own forecast. The local models
        do not see signals, and a recursive model would feed a changed day into the next
        days' lags and compound the effect; this way a series whose best model is, say,
        AutoETS still moves by the effect the signals carry, once per date.

        Parameters
        ----------
        changes : dict of str to float
            Known signal → amount added over the window (e.g. ``{"temperature": 6}``; a
            0/1 signal such as a promotion can be switched on with ``1``).
        signals : pandas.DataFrame
            The base future signals, as for :meth:`predict`.
        start, end : str, optional
            First and last day of the change (default: the whole horizon).
        horizon : int, optional
            Periods ahead (default: the fitted ``horizon``).

        Returns
        -------
        pandas.DataFrame
            The :meth:`predict` columns for the base case plus ``scenario`` and
            ``change_pct`` per series and date.

        Raises
        ------
        ParameterError
            If a changed signal is not one of the model's known signals, or the model has
            no LightGBM to read the effect from.
        """
        self._check_fitted("what_if")
        known = list(self.signals or [])
        unknown = [c for c in changes if c not in known]
        if unknown or not changes:
            raise ParameterError(
                f"Cannot change {unknown or 'nothing'}: the what-if moves signals known in "
                f"advance ({', '.join(known) or 'none were given at fit'}).",
                where="SalesForecaster.what_if",
                fix="Fit with signals=[...] and change one of them.",
            )
        if "LightGBM" not in self.models_:
            raise ParameterError(
                "The what-if needs the LightGBM model, which reads the signals.",
                where="SalesForecaster.what_if",
                fix="Fit with models='auto' or include 'LightGBM'.",
            )
        h = int(self.horizon if horizon is None else horizon)
        base_signals = self._future(signals, h)
        assert base_signals is not None
        window = pd.Series(True, index=base_signals.index)
        if start is not None:
            window &= base_signals["ds"] >= pd.Timestamp(start)
        if end is not None:
            window &= base_signals["ds"] <= pd.Timestamp(end)
        scenario_signals = base_signals.copy()
        for col, delta in changes.items():
            scenario_signals.loc[window, col] = scenario_signals.loc[window, col] + float(delta)
        spec = self._spec(h, ("LightGBM",), min_lag=h)
        history = self._history()
        base_ml = forecast(spec, history, ("LightGBM",), base_signals)["LightGBM"].to_numpy()
        scen_ml = forecast(spec, history, ("LightGBM",), scenario_signals)["LightGBM"].to_numpy()
        ratio = np.divide(scen_ml, base_ml, out=np.ones_like(base_ml), where=base_ml > 0)
        out = self.predict(horizon=h, signals=signals)
        out["scenario"] = out["forecast"].to_numpy() * ratio
        out["change_pct"] = 100.0 * (ratio - 1.0)
        return out

    def stock(self, forecast: pd.DataFrame, *, service_level: float = 0.95) -> pd.DataFrame:
        """Turn a forecast into the quantity to hold for a service level.

        Demand over the horizon is the sum of the forecasts; its spread is read off the
        prediction intervals (half-width / z of the interval level, periods assumed
        independent), and the stock to hold is demand + z(service level) × spread.

        Parameters
        ----------
        forecast : pandas.DataFrame
            :meth:`predict` or :meth:`what_if` output (``scenario`` is used when present).
        service_level : float, default=0.95
            Chance of not running out over the horizon, in (0.5, 1).

        Returns
        -------
        pandas.DataFrame
            Per series: ``expected_demand``, ``safety_stock``, ``stock_to_hold``.

        Raises
        ------
        ParameterError
            If ``service_level`` is outside (0.5, 1).
        """
        from scipy.stats import norm

        if not 0.5 < service_level < 1:
            raise ParameterError(
                f"service_level must be between 0.5 and 1, got {service_level!r}.",
                where="SalesForecaster.stock",
                fix="Pass e.g. service_level=0.95.",
            )
        key = forecast.columns[0]
        level_z = norm.ppf(0.5 + self.level / 200.0)
        demand = forecast["scenario"] if "scenario" in forecast else forecast["forecast"]
        sigma = (forecast["upper"] - forecast["lower"]).clip(lower=0) / (2 * level_z)
        per = pd.DataFrame({key: forecast[key], "d": demand, "v": sigma**2})
        grouped = per.groupby(key, sort=False).agg(expected_demand=("d", "sum"), var=("v", "sum"))
        safety = norm.ppf(service_level) * np.sqrt(grouped["var"])
        return pd.DataFrame(
            {
                key: grouped.index,
                "expected_demand": grouped["expected_demand"].to_numpy(),
                "safety_stock": safety.to_numpy(),
                "stock_to_hold": np.ceil(grouped["expected_demand"] + safety).to_numpy(),
            }
        )

    def dips(self, forecast: pd.DataFrame, *, threshold: float = 0.15) -> pd.DataFrame:
        """Flag forecast periods that fall well below the same season of the recent past.

        The reference for each date is the mean of the last four values at the same point
        of the season (the same weekday for daily data); a forecast more than ``threshold``
        below it is a dip that may call for a promotion.

        Parameters
        ----------
        forecast : pandas.DataFrame
            :meth:`predict` output.
        threshold : float, default=0.15
            Relative drop that counts as a dip.

        Returns
        -------
        pandas.DataFrame
            The forecast rows with ``reference``, ``drop_pct`` and ``dip`` (bool).
        """
        self._check_fitted("dips")
        history = self._history()
        m = max(self.season_length_, 1)
        key = forecast.columns[0]
        refs = []
        for uid, part in forecast.groupby(key, sort=False):
            past = history.loc[history["unique_id"] == str(uid), "y"].to_numpy()
            for i in range(len(part)):
                same = past[len(past) - m + (i % m) :: -m][:4] if len(past) >= m else past[-4:]
                refs.append(float(np.mean(same)) if len(same) else math.nan)
        out = forecast.copy()
        out["reference"] = refs
        out["drop_pct"] = 100.0 * (1.0 - out["forecast"] / out["reference"])
        out["dip"] = out["drop_pct"] > 100.0 * threshold
        return out

    def summary(self) -> dict[str, Any]:
        """Return the fitted figures as JSON-ready values.

        Returns
        -------
        dict
            ``series``, ``freq``, ``season_length``, ``horizon``, ``level``, ``models``
            (tried), ``chosen`` (model → number of series), ``metrics`` (overall backtest
            figures of the chosen models), ``by_model`` (each model's mean backtest figures
            over the series) and ``notes``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("summary")
        counts = pd.Series(list(self.chosen_.values())).value_counts()
        return {
            "series": len(self.series_),
            "freq": self.freq_,
            "season_length": self.season_length_,
            "horizon": int(self.horizon),
            "level": int(self.level),
            "models": list(self.models_),
            "chosen": {str(k): int(v) for k, v in counts.items()},
            "metrics": self.metrics_,
            "by_model": [
                {"model": model, **{k: float(v) for k, v in row.items()}}
                for model, row in pd.DataFrame(self.backtest_)
                .groupby("model", sort=False)[
                    ["mase", "smape", "rmse", "bias", "coverage", "coverage_calibrated"]
                ]
                .mean()
                .iterrows()
            ],
            "notes": list(self.notes_),
        }


def _ensemble_members(models: tuple[str, ...]) -> tuple[str, ...]:
    """The ensemble's members among the models tried (empty when fewer than two).

    Parameters
    ----------
    models : tuple of str
        The models tried.

    Returns
    -------
    tuple of str
        The members, in :data:`ENSEMBLE_MEMBERS` order.
    """
    members = tuple(m for m in ENSEMBLE_MEMBERS if m in models)
    return members if len(members) >= 2 else ()


def _with_ensemble(frame: pd.DataFrame, members: tuple[str, ...]) -> pd.DataFrame:
    """Add the ensemble's forecast and interval: the members' median point, lower and upper.

    A fixed combination (as in the M4 competition's benchmarks): its members do not depend
    on the windows it is scored on, so its backtest error is as honest as a single model's.
    The median of three keeps one member that goes astray (Theta's damped trend on a
    trending series, ETS on a changing season) from pulling the forecast; on six real
    series (wine, beer and wool sales, AirPassengers, shampoo, CDNOW revenue; refit at each
    origin; the same series that chose this design, so the figure is optimistic) it gave a
    mean MASE of 0.80 against 0.84 for AutoARIMA, the best single model, and 0.85 for the
    mean of AutoETS and AutoARIMA.

    Parameters
    ----------
    frame : pandas.DataFrame
        Backtest or forecast rows with ``<member>``, ``<member>-lo`` and ``<member>-hi``.
    members : tuple of str
        The models combined.

    Returns
    -------
    pandas.DataFrame
        A copy with ``Ensemble``, ``Ensemble-lo`` and ``Ensemble-hi``.
    """
    out = frame.copy()
    for part in ("", "-lo", "-hi"):
        out[f"{ENSEMBLE}{part}"] = out[[f"{m}{part}" for m in members]].median(axis=1)
    return out


def _score_backtest(
    cv: pd.DataFrame, frame: pd.DataFrame, models: tuple[str, ...], spec: EngineSpec
) -> pd.DataFrame:
    """Per series and model: MASE, sMAPE, RMSE, bias and coverage over the backtest windows.

    MASE is scaled by the seasonal-naive error of each series' history before its first
    backtest origin (:func:`revlearn.evaluate.forecast.forecast_metrics`).
    """
    from revlearn.evaluate.forecast import forecast_metrics

    first_cut = cv.groupby("unique_id", sort=False)["cutoff"].min()
    train = frame[frame["ds"] <= frame["unique_id"].map(first_cut)]
    parts = []
    for model in models:
        measured = forecast_metrics(
            cv,
            forecast=model,
            lower=f"{model}-lo",
            upper=f"{model}-hi",
            train=train[["unique_id", "ds", "y"]],
            season_length=max(spec.season_length, 1),
        ).per_series
        parts.append(
            measured[["unique_id", "mase", "smape", "rmse", "bias", "coverage"]].assign(model=model)
        )
    scores = pd.concat(parts, ignore_index=True)
    scores["unique_id"] = scores["unique_id"].astype(str)
    return scores[["unique_id", "model", "mase", "smape", "rmse", "bias", "coverage"]]


def _interval_scales(
    cv: pd.DataFrame, models: tuple[str, ...], level: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Rescale each model's intervals to the coverage its backtest errors call for.

    Per model, the ratio of each backtest error to the interval's half-width on that side
    is measured on the earlier half of the backtest origins; its ``level`` quantile, when
    above 1, is the factor the half-widths are multiplied by (intervals that were too narrow
    are widened; wide ones are left as the model gives them). The
    coverage of the rescaled intervals is then measured on the later half, which the factor
    never saw.
    """
    cutoffs = np.sort(cv["cutoff"].unique())
    early = cv["cutoff"].isin(cutoffs[: max(1, len(cutoffs) // 2)]).to_numpy()
    late = ~early if (~early).any() else early
    scales: dict[str, float] = {}
    held_out: dict[str, float] = {}
    for model in models:
        f, y = cv[model].to_numpy(dtype=float), cv["y"].to_numpy(dtype=float)
        hi, lo = cv[f"{model}-hi"].to_numpy(dtype=float), cv[f"{model}-lo"].to_numpy(dtype=float)
        half = np.where(y >= f, hi - f, f - lo)
        ratio = np.divide(np.abs(y - f), half, out=np.full_like(f, np.inf), where=half > 0)
        finite = early & np.isfinite(ratio)
        needed = float(np.quantile(ratio[finite], level / 100.0)) if finite.any() else 1.0
        scale = max(1.0, needed)  # only widen: shrinking on a few dozen errors is too bold
        scales[model] = scale
        held_out[model] = float((np.abs(y - f) <= scale * half)[late].mean())
    return scales, held_out


def _choose(scores: pd.DataFrame, models: tuple[str, ...], cv: pd.DataFrame) -> dict[str, str]:
    """Per series, the model with the lowest MASE (the simpler one within 1 % of the best),
    unless the ensemble is tried and that model's lead over it is within noise.

    The lead counts when the mean of the per-window relative differences in mean absolute
    error (ensemble minus model, over the ensemble's; relative, so that busy and quiet
    windows weigh alike) exceeds one standard error of that mean: a single model's
    backtest error varies more from window to window than a combination's, so a small lead
    over a few windows is more often luck than skill. Vectorised over the series (10,000
    series take well under a second).
    """
    order = {m: i for i, m in enumerate(models)}
    table = scores[["unique_id", "model"]].copy()
    table["key"] = scores["mase"].fillna(scores["rmse"]).to_numpy()
    table["order"] = table["model"].map(order)
    best = table.groupby("unique_id", sort=False)["key"].transform("min")
    close = table[table["key"] <= best * 1.01 + 1e-12]
    picked = close.sort_values("order", kind="stable").drop_duplicates("unique_id")
    chosen = dict(zip(picked["unique_id"].astype(str), picked["model"], strict=True))
    if ENSEMBLE not in models:
        return chosen
    errors = pd.DataFrame({"unique_id": cv["unique_id"].astype(str), "cutoff": cv["cutoff"]})
    single = errors["unique_id"].map(chosen).to_numpy()
    mine = np.full(len(cv), np.nan)
    for name in set(single) - {ENSEMBLE}:
        rows = single == name
        mine[rows] = np.abs(cv.loc[rows, name].to_numpy(float) - cv.loc[rows, "y"].to_numpy(float))
    errors["model"] = mine
    errors["ensemble"] = np.abs(cv[ENSEMBLE].to_numpy(float) - cv["y"].to_numpy(float))
    contested = errors[single != ENSEMBLE]
    windows = contested.groupby(["unique_id", "cutoff"], sort=False)[["model", "ensemble"]].mean()
    ensemble = windows["ensemble"].to_numpy()
    lead = np.divide(
        ensemble - windows["model"].to_numpy(),
        ensemble,
        out=np.zeros_like(ensemble),
        where=ensemble > 0,
    )
    leads = pd.Series(lead, index=windows.index.get_level_values("unique_id"))
    leads = leads[np.isfinite(leads.to_numpy())]
    stats = leads.groupby(level=0, sort=False).agg(["mean", "std", "count"])
    noise = stats["std"] / np.sqrt(stats["count"])
    # a lead within noise goes to the ensemble; with fewer than 2 windows the model stays
    within = (stats["count"] >= 2) & ~(stats["mean"] > noise)
    for series in stats.index[within.to_numpy()]:
        chosen[str(series)] = ENSEMBLE
    return chosen


def _chosen_backtest(cv: pd.DataFrame, chosen: dict[str, str]) -> dict[str, np.ndarray]:
    """The backtest rows with each series' chosen model's forecast, as plain arrays."""
    uid = cv["unique_id"].to_numpy(dtype=str)
    model = np.array([chosen[u] for u in uid], dtype=object)
    picked = np.full(len(cv), np.nan)
    for name in set(model):
        rows = model == name
        picked[rows] = cv.loc[rows, name].to_numpy(dtype=float)
    return {
        "unique_id": uid,
        "ds": cv["ds"].to_numpy(dtype="datetime64[ns]"),
        "cutoff": cv["cutoff"].to_numpy(dtype="datetime64[ns]"),
        "y": cv["y"].to_numpy(dtype=float),
        "forecast": picked,
    }


def _overall(scores: pd.DataFrame, chosen: dict[str, str]) -> dict[str, float]:
    mine = scores[
        [chosen[u] == m for u, m in zip(scores["unique_id"], scores["model"], strict=True)]
    ]
    keys = ("mase", "smape", "rmse", "bias", "coverage", "coverage_calibrated")
    return {k: float(mine[k].mean()) for k in keys}
