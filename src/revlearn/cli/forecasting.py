"""How the model commands run the forecast use cases: ``revlearn fit forecast|pipeline``.

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

__all__ = [
    "build_forecaster",
    "build_pipeline",
    "forecast_table",
    "show_forecast_fit",
    "show_pipeline_fit",
]


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


def build_pipeline(
    *,
    id_col: str | None,
    target: str | None,
    positive: str | None,
    time_budget: float,
    horizon: int | None,
) -> Any:
    """Make the unfitted pipeline forecaster from the ``revlearn fit pipeline`` options.

    Parameters
    ----------
    id_col : str, optional
        ``--id`` (default ``deal_id``).
    target : str, optional
        ``--target``: the outcome column of closed deals (default ``outcome``).
    positive : str, optional
        ``--positive``: the outcome value of a won deal (default ``won``).
    time_budget : float
        ``--time-budget`` of the win-probability model selection.
    horizon : int, optional
        ``--horizon`` in months (default 6).

    Returns
    -------
    PipelineForecaster
        Ready for ``fit``.
    """
    from revlearn.usecases.pipeline import PipelineForecaster

    return PipelineForecaster(
        id_col=id_col or "deal_id",
        outcome_col=target or "outcome",
        won=positive or "won",
        time_budget=time_budget,
        horizon_months=horizon or 6,
    )


def show_pipeline_fit(title: str, summary: dict[str, Any]) -> None:
    """Print what a fitted pipeline forecaster learned.

    Parameters
    ----------
    title : str
        The heading.
    summary : dict
        ``PipelineForecaster.summary()``.
    """
    metrics = summary["classifier"]["metrics"]
    rows = [
        ("closed deals", f"{summary['closed_deals']:,} ({summary['win_rate']:.0%} won)"),
        ("win model", f"{summary['classifier']['model']}, ROC AUC {metrics['roc_auc']:.3f}"),
        (
            "win rate by stage",
            ", ".join(f"{k} {v:.0%}" for k, v in summary["stage_win_rates"].items()),
        ),
        (
            "close later than entered",
            ", ".join(f"{k} {v:+.0f} d" for k, v in summary["close_lag_days"].items()),
        ),
    ]
    out.print(kv_table(title, rows))
    for note in summary["notes"]:
        out.print(f"[dim]note:[/] {escape(str(note))}")
