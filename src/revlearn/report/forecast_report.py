"""Report sections for a fitted :class:`~revlearn.usecases.forecast.SalesForecaster`.

Three charts, each read in sentences: the forecast of each series (its recent history, the
chosen model's backtest forecasts from every origin, the future forecast with its interval
band and a line at the forecast origin), the backtest MASE of every model tried, and a
what-if scenario against the base forecast; plus the stock to hold and the promotion dips.
The charts are plain Plotly traces: no plotting library draws forecast bands and backtest
origins from revlearn's arrays directly, so the few traces are built here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from revlearn.errors import InputError
from revlearn.report.figures import LAYOUT
from revlearn.report.html import Section
from revlearn.usecases.forecast import SalesForecaster

__all__ = ["backtest_figure", "forecast_figure", "forecast_sections", "what_if_figure"]

_UNITS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year", "A": "year"}
_ADJ = {
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
}
_HISTORY = "#6c757d"
_FORECAST = "#1f6f9f"
_BACKTEST = "#e07a1f"
#: Legend below the plot area, so it never covers the lines or the origin's label.
_LEGEND: dict[str, Any] = {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0.0}
_MARGIN: dict[str, Any] = {**LAYOUT["margin"], "b": 90}
_LAYOUT: dict[str, Any] = {**LAYOUT, "margin": _MARGIN, "legend": _LEGEND}


def _unit(freq: str) -> str:
    """``"day"``, ``"week"``, ``"month"`` ... for a pandas frequency alias."""
    return _UNITS.get(str(freq).lstrip("0123456789")[:1].upper(), "period")


def _frame(data: Any, where: str, needed: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(data)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(
            f"{where} needs the columns {', '.join(needed)}; {', '.join(missing)} missing.",
            where=where,
            fix="Pass SalesForecaster.history_, backtest_forecasts_ and predict() output.",
        )
    return frame


def _with_gaps(
    frame: pd.DataFrame, x: str, y: str, by: str
) -> tuple[list[Any], list[float | None]]:
    """One x/y list per group joined by ``None``, so Plotly draws separate segments."""
    xs: list[Any] = []
    ys: list[float | None] = []
    for _, part in frame.groupby(by, sort=True):
        if xs:
            xs.append(None)
            ys.append(None)
        xs.extend(part[x].tolist())
        ys.extend(part[y].astype(float).tolist())
    return xs, ys


def forecast_figure(
    history: Any,
    backtest: Any,
    forecast: pd.DataFrame,
    *,
    series: str,
    title: str | None = None,
    window: int | None = None,
    season_length: int = 1,
    level: int | None = None,
) -> go.Figure:
    """One series: recent history, backtest forecasts, future forecast and its interval.

    Parameters
    ----------
    history : dict or pandas.DataFrame
        ``unique_id``, ``ds``, ``y`` (``SalesForecaster.history_``).
    backtest : dict or pandas.DataFrame or None
        ``unique_id``, ``ds``, ``cutoff``, ``forecast``
        (``SalesForecaster.backtest_forecasts_``); None or empty draws no backtest.
    forecast : pandas.DataFrame
        ``SalesForecaster.predict`` output: the series id first, then ``date``,
        ``forecast``, ``lower``, ``upper`` and ``model``.
    series : str
        The series to draw.
    title : str, optional
        Chart title (default names the series, horizon and model).
    window : int, optional
        History periods shown. Default: the backtest span plus two horizons, at least four
        horizons and three seasons, so every backtest origin sits on visible actuals and
        the season shows, without years of daily history squeezing the forecast into a
        sliver.
    season_length : int, default=1
        Periods in a season (``SalesForecaster.season_length_``), for the default window.
    level : int, optional
        Interval level in percent, for the legend.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``history``, ``backtest (<model>)`` (dotted, one segment per origin;
        left out when there is no backtest), ``<level> % interval`` (a filled band) and
        ``forecast``, and a vertical line at the forecast origin.

    Raises
    ------
    InputError
        If a table lacks its columns or ``series`` is not in ``forecast``.
    """
    where = "forecast_figure"
    hist = _frame(history, where, ("unique_id", "ds", "y"))
    bt_cols = ("unique_id", "ds", "cutoff", "forecast")
    bt = _frame(backtest, where, bt_cols) if len(backtest or []) else pd.DataFrame(columns=bt_cols)
    key = forecast.columns[0]
    ahead = forecast[forecast[key].astype(str) == str(series)].sort_values("date")
    if ahead.empty:
        raise InputError(
            f"Series {series!r} is not in the forecast.",
            where=where,
            fix=f"Pick one of {', '.join(map(str, forecast[key].unique()[:5]))} ...",
        )
    hist = hist[hist["unique_id"].astype(str) == str(series)].sort_values("ds")
    bt = bt[bt["unique_id"].astype(str) == str(series)].sort_values(["cutoff", "ds"])
    h = len(ahead)
    if window is None:
        n_bt = int((hist["ds"] > bt["cutoff"].min()).sum()) if len(bt) else 0
        window = max(n_bt + 2 * h, 4 * h, 3 * int(season_length))
    shown = hist.tail(int(window))
    model = str(ahead["model"].iloc[0])
    fig = go.Figure()
    fig.add_scatter(
        x=shown["ds"], y=shown["y"], name="history", mode="lines", line={"color": _HISTORY}
    )
    if len(bt):
        xs, ys = _with_gaps(bt, "ds", "forecast", "cutoff")
        fig.add_scatter(
            x=xs,
            y=ys,
            name=f"backtest ({model})",
            mode="lines",
            connectgaps=False,
            line={"color": _BACKTEST, "dash": "dot", "width": 2},
        )
    dates = ahead["date"].tolist()
    fig.add_scatter(
        x=dates + dates[::-1],
        y=ahead["upper"].tolist() + ahead["lower"].tolist()[::-1],
        name=f"{level} % interval" if level else "interval",
        mode="lines",
        fill="toself",
        fillcolor="rgba(31, 111, 159, 0.18)",
        line={"width": 0},
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=dates,
        y=ahead["forecast"],
        name="forecast",
        mode="lines+markers",
        line={"color": _FORECAST},
        marker={"size": 4},
    )
    origin = shown["ds"].iloc[-1] if len(shown) else ahead["date"].iloc[0]
    fig.add_shape(
        type="line",
        x0=origin,
        x1=origin,
        y0=0,
        y1=1,
        xref="x",
        yref="paper",
        line={"color": "#333", "dash": "dash", "width": 1},
    )
    fig.add_annotation(
        x=origin, y=1, xref="x", yref="paper", text="origin", showarrow=False, yanchor="bottom"
    )
    fig.update_layout(
        title=title or f"{series}: {h} periods ahead ({model})",
        yaxis_title="value",
        **_LAYOUT,
    )
    return fig


def backtest_figure(model: SalesForecaster, *, max_bars: int = 5) -> go.Figure:
    """Backtest MASE of every model tried, the chosen ones marked.

    Parameters
    ----------
    model : SalesForecaster
        A fitted model.
    max_bars : int, default=5
        Up to this many series, one bar per series in each model's group (the chosen
        model's bar hatched and labelled); with more series, a box of the per-series MASE
        per model, its name saying for how many series it was chosen.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars or boxes, and a dotted line at MASE 1 (the in-sample seasonal naive error).

    Raises
    ------
    InputError
        If ``model`` is not a fitted SalesForecaster.
    """
    _check_model(model, "backtest_figure")
    scores = pd.DataFrame(model.backtest_)
    models = list(model.models_)
    fig = go.Figure()
    if len(model.series_) <= max_bars:
        for uid, part in scores.groupby("unique_id", sort=False):
            part = part.set_index("model").reindex(models)
            chosen = [m == model.chosen_[str(uid)] for m in models]
            fig.add_bar(
                x=models,
                y=part["mase"],
                name=str(uid),
                text=["chosen" if c else "" for c in chosen],
                textposition="outside",
                marker={"pattern": {"shape": ["/" if c else "" for c in chosen]}},
            )
        fig.update_layout(barmode="group")
    else:
        counts = pd.Series(list(model.chosen_.values())).value_counts()
        for name in models:
            part = scores[scores["model"] == name]
            fig.add_box(
                y=part["mase"],
                name=f"{name}<br>chosen ×{int(counts.get(name, 0))}",
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                text=part["unique_id"],
                marker={"size": 4},
                showlegend=False,
            )
    fig.add_hline(y=1.0, line={"dash": "dot", "color": "#999"})
    top = float(np.nanmax(scores["mase"].to_numpy(dtype=float))) if len(scores) else 1.0
    fig.update_layout(
        title=f"Backtest MASE by model ({model.n_windows} origins; lower is better)",
        yaxis_title="MASE",
        yaxis_range=[0, 1.15 * max(top, 1.0)],
        **_LAYOUT,
    )
    return fig


def what_if_figure(what_if_frame: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Base against scenario forecast, with the change in % on a second axis.

    Parameters
    ----------
    what_if_frame : pandas.DataFrame
        ``SalesForecaster.what_if`` output (series id first, ``date``, ``forecast``,
        ``scenario``, ``change_pct``). Several series are added up per date.
    title : str, optional
        Chart title.

    Returns
    -------
    plotly.graph_objects.Figure
        Lines ``base`` and ``scenario`` on top, bars ``change %`` below on the same
        dates.

    Raises
    ------
    InputError
        If the scenario columns are missing.
    """
    frame = _frame(what_if_frame, "what_if_figure", ("date", "forecast", "scenario"))
    n_series = frame[frame.columns[0]].nunique()
    total = frame.groupby("date", sort=True)[["forecast", "scenario"]].sum()
    change = 100.0 * (total["scenario"] / total["forecast"].where(total["forecast"] != 0) - 1.0)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06
    )
    fig.add_scatter(
        x=total.index,
        y=total["forecast"],
        name="base",
        mode="lines",
        line={"color": _FORECAST},
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=total.index,
        y=total["scenario"],
        name="scenario",
        mode="lines",
        line={"color": _BACKTEST, "width": 3},
        row=1,
        col=1,
    )
    fig.add_bar(
        x=total.index,
        y=change,
        name="change %",
        marker_color=np.where(change.fillna(0) >= 0, _BACKTEST, _HISTORY).tolist(),
        row=2,
        col=1,
    )
    what = "all series" if n_series > 1 else str(frame.iloc[0, 0])
    fig.update_layout(
        title=title or f"What if: scenario against base ({what})",
        **{**_LAYOUT, "height": 460},
    )
    fig.update_yaxes(title_text="forecast", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="change %", zeroline=True, row=2, col=1)
    return fig


def _check_model(model: Any, where: str) -> None:
    if not isinstance(model, SalesForecaster) or not model.is_fitted():
        raise InputError(
            f"{where} needs a fitted SalesForecaster.",
            where=where,
            fix="Fit it first: SalesForecaster(...).fit(sales).",
        )


def _largest(model: SalesForecaster, series: list[str] | None, max_series: int) -> list[str]:
    """The series to draw: those asked for, else the largest by recent total."""
    if series is not None:
        unknown = [s for s in series if s not in model.series_]
        if unknown:
            raise InputError(
                f"Unknown series {unknown!r}.",
                where="forecast_sections(series=...)",
                fix=f"Pick from {', '.join(model.series_[:5])} ...",
            )
        return list(series)[:max_series]
    hist = pd.DataFrame(model.history_)
    recent = hist.groupby("unique_id", sort=False)["y"].apply(
        lambda y: float(np.nansum(y.to_numpy()[-4 * int(model.horizon) :]))
    )
    return [str(s) for s in recent.sort_values(ascending=False).index[:max_series]]


def _summary_section(model: SalesForecaster, out: pd.DataFrame) -> Section:
    m, s = model.metrics_, model.summary()
    unit = _unit(model.freq_)
    hist = pd.DataFrame(model.history_)
    chosen = ", ".join(f"{name} for {n}" for name, n in s["chosen"].items())
    bias_word = "high" if m["bias"] > 0 else "low"
    key = out.columns[0]
    per = (
        pd.DataFrame({key: list(model.chosen_), "model": list(model.chosen_.values())})
        .merge(out.groupby(key, sort=False)["forecast"].sum().rename("forecast_total"), on=key)
        .merge(
            pd.DataFrame(model.backtest_)
            .rename(columns={"unique_id": key})
            .loc[:, [key, "model", "mase", "smape", "coverage"]],
            on=[key, "model"],
        )
    )
    return Section(
        "Sales forecast: the model",
        text=[
            f"{len(model.series_)} series of {_ADJ.get(unit, 'regular')} data from "
            f"{hist['ds'].min():%Y-%m-%d} to {hist['ds'].max():%Y-%m-%d}, forecast "
            f"{model.horizon} {unit}s ahead with {model.level} % prediction intervals.",
            f"Each series gets the model with the lowest error over a {model.n_windows}-origin "
            f"backtest: {chosen} series.",
            f"Over the backtest the chosen models reach a MASE of {m['mase']:.2f} (below 1 "
            f"beats the seasonal naive forecast's in-sample error), sMAPE {m['smape']:.1f} %, "
            f"RMSE {m['rmse']:,.2f} and a bias of {m['bias']:+,.2f} per {unit} (forecasts run "
            f"{bias_word}).",
            f"{100 * m['coverage']:.0f} % of the actual values fell inside the models' "
            f"{model.level} % intervals; after widening the intervals by the earlier origins' "
            f"errors, {100 * m['coverage_calibrated']:.0f} % did on the later origins.",
            *model.notes_,
        ],
        tables=[per.round(3)],
    )


def forecast_sections(
    model: SalesForecaster,
    *,
    signals: pd.DataFrame | None = None,
    what_if: tuple[dict[str, float], str | None, str | None] | None = None,
    series: list[str] | None = None,
    max_series: int = 6,
) -> list[Section]:
    """Build the report sections of a fitted sales forecaster.

    Parameters
    ----------
    model : SalesForecaster
        A fitted model.
    signals : pandas.DataFrame, optional
        Future values of the known-in-advance signals (needed when the model was fitted
        with ``signals=``), passed to ``predict`` and ``what_if``.
    what_if : tuple, optional
        ``(changes, start, end)`` as for ``SalesForecaster.what_if``; adds a "What if"
        section with the scenario chart, the stock to hold and the dips of the base forecast.
    series : list of str, optional
        Series to chart (default: the largest by their recent total).
    max_series : int, default=6
        Most forecast charts drawn.

    Returns
    -------
    list of Section
        Summary, "Forecast", "Backtest" and, with ``what_if``, "What if".

    Raises
    ------
    InputError
        If ``model`` is not a fitted SalesForecaster, a series is unknown or the signals
        do not cover the horizon.
    ParameterError
        If the what-if changes a signal the model does not know in advance.
    """
    _check_model(model, "forecast_sections")
    out = model.predict(signals=signals)
    shown = _largest(model, series, max_series)
    unit = _unit(model.freq_)
    figures = [
        forecast_figure(
            model.history_,
            getattr(model, "backtest_forecasts_", {}),
            out,
            series=name,
            title=f"{name}: the next {model.horizon} {unit}s ({model.chosen_[name]})",
            season_length=int(model.season_length_),
            level=int(model.level),
        )
        for name in shown
    ]
    sections = [
        _summary_section(model, out),
        Section(
            "Forecast",
            text=[
                f"{_which(len(shown), len(model.series_))}. Grey is the recent history (the "
                "backtest span and two horizons, at least three seasons), orange dots the "
                "chosen model's forecasts made at each backtest origin, blue the next "
                f"{model.horizon} {unit}s with the shaded {model.level} % interval; the dashed "
                "line marks the forecast origin.",
            ],
            figures=figures,
        ),
        _backtest_section(model),
    ]
    if what_if is not None:
        sections.append(_what_if_section(model, out, signals, what_if))
    return sections


def _which(shown: int, total: int) -> str:
    if total == 1:
        return "The only series"
    if shown == total:
        return f"All {total} series"
    return f"The largest {shown} of {total} series"


def _backtest_section(model: SalesForecaster) -> Section:
    s = model.summary()
    table = pd.DataFrame(s["by_model"])
    table.insert(1, "chosen_for", table["model"].map(s["chosen"]).fillna(0).astype(int))
    best = table.loc[table["mase"].idxmin()]
    return Section(
        "Backtest",
        text=[
            f"Every model forecast {model.horizon} {_unit(model.freq_)}s ahead from "
            f"{model.n_windows} origins, {model.horizon} apart, each time fitted only on the "
            f"data before the origin. {best['model']} has the lowest mean MASE "
            f"({best['mase']:.2f}); the dotted line at 1 is the seasonal naive forecast's "
            "in-sample error.",
            "coverage is the share of actuals inside the models' own intervals; "
            "coverage_calibrated the share inside the widened intervals on the later origins.",
        ],
        figures=[backtest_figure(model)],
        tables=[table.round(3)],
    )


def _what_if_section(
    model: SalesForecaster,
    out: pd.DataFrame,
    signals: pd.DataFrame | None,
    what_if: tuple[dict[str, float], str | None, str | None],
) -> Section:
    changes, start, end = what_if
    if signals is None:
        raise InputError(
            "The what-if needs the base future signals.",
            where="forecast_sections(what_if=...)",
            fix="Pass signals=<future signal table> along with what_if.",
        )
    scenario = model.what_if(changes, signals=signals, start=start, end=end)
    key = out.columns[0]
    both = model.stock(out).merge(model.stock(scenario), on=key, suffixes=("_base", "_scenario"))
    stock = pd.DataFrame({key: both[key]})
    for case in ("base", "scenario"):
        stock[f"demand_{case}"] = both[f"expected_demand_{case}"]
        stock[f"stock_{case}"] = both[f"stock_to_hold_{case}"]
    dips = model.dips(out)
    flagged = dips[dips["dip"]].drop(columns=["dip"])
    said = ", ".join(f"{k} {v:+g}" for k, v in changes.items())
    span = (
        f" from {start or 'the origin'} to {end or 'the end of the horizon'}"
        if start or end
        else " over the whole horizon"
    )
    base, scen = float(scenario["forecast"].sum()), float(scenario["scenario"].sum())
    return Section(
        "What if",
        text=[
            f"Scenario: {said}{span}. The forecast total moves from {base:,.0f} to "
            f"{scen:,.0f} ({100 * (scen / base - 1) if base else 0:+.1f} %); the bars are the "
            "change per date.",
            "Stock to hold (stock_base, stock_scenario) covers the horizon's demand "
            "(demand_base, demand_scenario) at a 95 % service level.",
            f"{len(flagged)} of {len(dips)} forecast {_unit(model.freq_)}s fall more than 15 % "
            "below the same point of the recent seasons (candidates for a promotion)"
            + (":" if len(flagged) else "."),
        ],
        figures=[what_if_figure(scenario)],
        tables=[stock.round(2), *([flagged.round(2)] if len(flagged) else [])],
    )
