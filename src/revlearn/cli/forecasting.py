"""How the model commands run the forecast use case: ``revlearn fit forecast`` and friends.

:mod:`revlearn.cli.modelling` calls these when the use case is ``forecast``: building the
:class:`~revlearn.usecases.forecast.model.SalesForecaster` from the options, printing its
backtest, and reading the ``--signals`` file of future signal values for ``predict``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.markup import escape
from rich.table import Table

from revlearn.cli._app import kv_table, out
from revlearn.errors import ParameterError

__all__ = ["build_forecaster", "forecast_table", "show_forecast_fit"]


def _names(text: str | None) -> list[str] | None:
    names = [c.strip() for c in (text or "").split(",") if c.strip()]
    return names or None


def build_forecaster(
    *,
    date: str | None,
    value: str | None,
    series: str | None,
    horizon: int | None,
    freq: str | None,
    signals: str | None,
    lagged: str | None,
    method: str | None,
    hierarchy: str | None = None,
) -> Any:
    """Make the unfitted forecaster from the ``revlearn fit forecast`` options.

    Parameters
    ----------
    date, value : str
        ``--date`` and ``--value`` (required).
    series : str, optional
        ``--series``.
    horizon : int, optional
        ``--horizon`` (periods; 14 by default).
    freq : str, optional
        ``--freq``.
    signals, lagged : str, optional
        Comma-separated signal columns, known in advance / lagged.
    method : str, optional
        ``--method``: one model name, or comma-separated names, instead of ``auto``.
    hierarchy : str, optional
        ``--hierarchy``: comma-separated level columns, top down.

    Returns
    -------
    SalesForecaster
        Ready for ``fit``.

    Raises
    ------
    ParameterError
        If ``--date`` or ``--value`` is missing.
    """
    from revlearn.usecases.forecast import SalesForecaster

    for flag, given in (("--date", date), ("--value", value)):
        if given is None:
            raise ParameterError(
                f"`revlearn fit forecast` needs {flag}.",
                where="revlearn fit forecast",
                fix=f"Pass {flag} <column>.",
            )
    return SalesForecaster(
        date_col=str(date),
        value_col=str(value),
        series_col=series,
        horizon=horizon or 14,
        freq=freq,
        signals=_names(signals),
        lagged_signals=_names(lagged),
        models=_names(method) or "auto",
        hierarchy=_names(hierarchy),
    )


def show_forecast_fit(title: str, summary: dict[str, Any]) -> None:
    """Print the backtest of a fitted forecaster.

    Parameters
    ----------
    title : str
        The heading.
    summary : dict
        ``SalesForecaster.summary()``.
    """
    m = summary["metrics"]
    rows = [
        ("series", f"{summary['series']:,} ({summary['freq']}, season {summary['season_length']})"),
        ("horizon", f"{summary['horizon']} periods, {summary['level']} % intervals"),
        ("chosen", ", ".join(f"{k} {v:,}" for k, v in summary["chosen"].items())),
        (
            "backtest",
            f"MASE {m['mase']:.3f}, sMAPE {m['smape']:.1f}, RMSE {m['rmse']:.3g}, "
            f"bias {m['bias']:+.3g}, coverage {m['coverage']:.0%}",
        ),
    ]
    out.print(kv_table(title, rows))
    table = Table(title="Backtest by model (mean over series)", title_justify="left")
    for col in ("model", "MASE", "sMAPE", "coverage"):
        table.add_column(col)
    for row in summary["by_model"]:
        table.add_row(
            row["model"], f"{row['mase']:.3f}", f"{row['smape']:.1f}", f"{row['coverage']:.0%}"
        )
    out.print(table)
    for note in summary["notes"]:
        out.print(f"[dim]note:[/] {escape(str(note))}")


def forecast_table(
    fitted: Any, signals: pd.DataFrame | None, *, horizon: int | None
) -> pd.DataFrame:
    """Run ``revlearn predict`` for a forecaster.

    Parameters
    ----------
    fitted : SalesForecaster
        The loaded model.
    signals : pandas.DataFrame, optional
        The ``--signals`` table of future signal values.
    horizon : int, optional
        ``--horizon`` in periods.

    Returns
    -------
    pandas.DataFrame
        Series id, date (a calendar date), forecast, lower, upper, model.
    """
    result: pd.DataFrame = fitted.predict(horizon=horizon, signals=signals)
    result["date"] = pd.to_datetime(result["date"]).dt.date  # written as 2025-07-01
    return result
