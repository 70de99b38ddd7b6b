"""The forecasting part of ``revlearn demo``: daily sales with weather, promotions and visits.

Fits :class:`~revlearn.usecases.forecast.SalesForecaster` on the demo company's daily sales
(:mod:`revlearn.data.synth.sales`) up to two weeks before the end, forecasts those two weeks
with the signals as they were, measures the forecast against what sold, and asks what a
heatwave would have done; returns the report sections and one summary line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from revlearn.report.forecast_report import forecast_sections
from revlearn.report.html import Section
from revlearn.store.registry import Registry, fingerprint
from revlearn.store.workspace import Workspace
from revlearn.usecases.forecast import SalesForecaster

__all__ = ["HEATWAVE", "HORIZON", "sales_forecast"]

Progress = Callable[[str, float], None]

#: Days forecast (and held out) at the end of the demo sales.
HORIZON = 14
#: The demo's what-if: 8 °C warmer over the second week of the horizon.
HEATWAVE = {"temperature": 8.0}


def sales_forecast(
    workspace: Workspace,
    sales: pd.DataFrame,
    truths: dict[str, Any],
    *,
    random_state: int = 0,
    progress: Progress | None = None,
) -> tuple[list[Section], str, dict[str, Any]]:
    """Fit, register and report the demo's sales forecast.

    Parameters
    ----------
    workspace : Workspace
        Where the model is registered.
    sales : pandas.DataFrame
        ``Company.sales``: one row per day.
    truths : dict
        ``Company.truths["sales"]`` (the planted heat effect is quoted beside the what-if).
    random_state : int, default=0
        Seed of LightGBM.
    progress : callable, optional
        ``progress(message, fraction)``.

    Returns
    -------
    tuple of (list of Section, str, dict)
        The report sections, one summary line, and the registered model's ``name`` and
        ``version``.
    """
    if progress:
        progress("backtesting the forecast models", 0.0)
    cut = sales["date"].iloc[-HORIZON - 1]
    history = sales[sales["date"] <= cut]
    held_out = sales[sales["date"] > cut]
    model = SalesForecaster(
        date_col="date",
        value_col="units",
        horizon=HORIZON,
        signals=["temperature", "promotion", "price"],
        lagged_signals=["web_visits"],
        random_state=random_state,
    ).fit(history)
    record = Registry(workspace).save(
        model,
        name="forecast",
        usecase=model.usecase,
        params=model.get_params(),
        metrics={k: float(v) for k, v in model.metrics_.items()},
        fingerprint=fingerprint(history),
    )
    if progress:
        progress("forecasting and the what-if", 0.7)
    future = held_out.drop(columns="units")
    start = str(future["date"].iloc[HORIZON // 2].date())
    sections = forecast_sections(model, signals=future, what_if=(HEATWAVE, start, None))
    forecast = model.predict(signals=future)
    actual = held_out["units"].to_numpy(dtype=float)
    error = float(np.mean(np.abs(forecast["forecast"].to_numpy() - actual)))
    inside = float(np.mean((actual >= forecast["lower"]) & (actual <= forecast["upper"])))
    heat = model.what_if(HEATWAVE, signals=future, start=start)
    lift = float(heat.loc[heat["date"] >= pd.Timestamp(start), "change_pct"].mean())
    chosen = next(iter(model.chosen_.values()))
    line = (
        f"Forecast: {chosen} chosen by backtest (MASE {model.metrics_['mase']:.2f}); the last "
        f"{HORIZON} days forecast within {error:.0f} units a day on average, "
        f"{inside:.0%} inside the {model.level} % interval; 8 °C warmer in the second week: "
        f"{lift:+.0f} % (planted {100 * truths['heat_log_slope']:.1f} % per °C above "
        f"{truths['heat_threshold']:.0f} °C)."
    )
    return sections, line, {"name": record.name, "version": record.version}
