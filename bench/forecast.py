"""Sales forecasting beside statsforecast: accuracy on the same windows, and fit time.

**Accuracy** (MASE and sMAPE 0–200 from :func:`revlearn.evaluate.forecast.forecast_metrics`;
MASE scaled by each series' seasonal-naive error before the first window, for every row):

* the demo company's daily sales (``make_company(...).sales``, 3 years), horizon 14, the
  last 6 windows of 14 days; revlearn's ``SalesForecaster`` with the temperature,
  promotion and price known in advance and web visits lagged, beside statsforecast's
  SeasonalNaive, AutoETS and AutoARIMA run directly (``StatsForecast.cross_validation``,
  no signals — statsforecast's local models take none);
* AirPassengers (``statsforecast.utils.AirPassengersDF``, the real monthly series shipped
  inside statsforecast, 1949–1960, dates moved to the first of the month), horizon 12,
  the last 3 windows, no signals.

revlearn is scored twice. *In-sample selection*: ``fit`` on the whole series chooses its
model on the very windows it is scored on (the figures ``fit`` reports), which flatters it.
*Out of sample*: for each window, a fresh ``SalesForecaster`` is fitted on the data up to
that window's origin only (its own backtest and model choice run inside that history) and
forecasts the window with the true future signals — the honest comparison. The
statsforecast models choose nothing on the windows, so their one cross-validation is
out of sample and serves both comparisons.

**Speed**: synthetic daily product × store series (2 years each: level, weekly and yearly
seasonality, noise), revlearn ``SalesForecaster(models=["SeasonalNaive", "AutoETS",
"LightGBM"]).fit`` (6-window backtest, intervals, scoring, choice) against the peers'
own cross-validation on the same 6 windows: statsforecast (SeasonalNaive + AutoETS) with
``n_jobs=1`` and ``n_jobs=2``, and mlforecast + LightGBM (lags 1, 7, 14 and calendar
features, one thread, no intervals), each timed alone, and the ratio revlearn / peers.

**Scale: 10,000 series.** statsforecast's own AutoETS cross-validation of one 730-day
series with a weekly season takes 3–6 s on this shared machine, so 10,000 such series would
take hours for the peer alone. The 10,000-series run therefore uses 120-day series and the
fast local models (SeasonalNaive + Drift, 3 windows of 7 days, 80 % intervals): it measures
what revlearn adds around statsforecast (grid preparation, scoring, interval calibration,
the per-series choice) when that overhead is largest relative to the model fits. Measured
2026-11-24: statsforecast 54.8 s, revlearn 65.7 s (ratio 1.20; target 1.5). The
default ``--series 20`` run of the 730-day, three-model set gives the ratio with AutoETS
and LightGBM in it; both tools scale linearly in the number of series.

**Out of sample on more real series** (a one-off study, 2026-11-24, not part of this bench:
the series come from packages that revlearn does not install — pmdarima's wineind, ausbeer
and woolyrnq, sktime's ShampooSales — beside AirPassengers and CDNOW's daily revenue;
revlearn refit at each origin with a plain ``fit``; these series were also used to choose
the ensemble's design — median of three rather than a mean of two — so the figure is
optimistic): mean MASE 0.802 for revlearn against
0.839 for AutoARIMA, 0.885 for AutoETS and 1.18 for SeasonalNaive (per series: wine 0.856
vs best 0.874, beer 0.577 vs 0.568, wool 0.984 vs 0.983, AirPassengers 0.910 vs 0.910,
shampoo 0.948 vs 0.971, CDNOW 0.537 vs 0.547).

**Prophet** (1.5.0, the newest on the index; it installs offline: its wheel ships a
prebuilt CmdStan model) runs in ``bench/.peers`` beside PyMC-Marketing, because it pins its
own stack (cmdstanpy, holidays, matplotlib); ``bench/_prophet_forecast.py`` refits it with
its defaults at each origin of the same windows, without and (on the demo sales) with the
known signals as regressors, given their true future values as revlearn is. A run on
2026-11-24 gave MASE 0.936 without and 0.730 with regressors on the demo sales, and 1.095 on
AirPassengers. The rows are left out when ``bench/.peers`` is absent.

The statsforecast time on the demo sales is mostly AutoARIMA on 1,095 days; revlearn's
``"auto"`` leaves AutoARIMA out past 800 periods (and says so in its notes), which is
also why its in-sample fit is faster there. numba compilation is done before any timing.

Run: ``make bench`` (or ``.venv/bin/python bench/forecast.py [--series N]``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import AutoARIMA, AutoETS, SeasonalNaive
from statsforecast.utils import AirPassengersDF

from revlearn.data.synth import make_company
from revlearn.evaluate.forecast import forecast_metrics
from revlearn.usecases.forecast import SalesForecaster

PEER_MODELS = ("SeasonalNaive", "AutoETS", "AutoARIMA")
HERE = Path(__file__).resolve().parent
PEERS = HERE / ".peers"  # Prophet's environment, made by `make bench`
ROW = "{:<14}{:<34}{:>8}{:>8}{:>10}  {}"


def _timed(func: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - started


def _scores(frame: pd.DataFrame, column: str, train: pd.DataFrame, m: int) -> tuple[float, float]:
    measured = forecast_metrics(frame, forecast=column, train=train, season_length=m)
    return measured.mase, measured.smape


def _print_row(
    data: str, method: str, mase: float, smape: float, seconds: float | None, note: str = ""
) -> None:
    shown = "" if seconds is None else f"{seconds:.1f}"
    print(ROW.format(data, method, f"{mase:.3f}", f"{smape:.2f}", shown, note))


def _warm_up() -> None:
    """Compile statsforecast's numba code once, so no timed run pays for it."""
    air = AirPassengersDF.copy()
    for freq, m in (("D", 7), ("MS", 12)):
        models = [SeasonalNaive(season_length=m), AutoETS(season_length=m),
                  AutoARIMA(season_length=m)]  # fmt: skip
        StatsForecast(models=models, freq=freq, n_jobs=1).forecast(
            df=air.assign(ds=pd.date_range("2020-01-01", periods=len(air), freq=freq)),
            h=3,
            level=[80],
        )


def _demo() -> tuple[pd.DataFrame, dict[str, Any]]:
    sales = make_company(n_leads=20, n_customers=20, n_shoppers=20).sales
    params = {
        "date_col": "date",
        "value_col": "units",
        "horizon": 14,
        "signals": ["temperature", "promotion", "price"],
        "lagged_signals": ["web_visits"],
    }
    return sales, params


def _air() -> tuple[pd.DataFrame, dict[str, Any]]:
    air = AirPassengersDF.copy()
    air["ds"] = pd.to_datetime(air["ds"]).dt.to_period("M").dt.to_timestamp()  # month start
    return air[["ds", "y"]], {"date_col": "ds", "value_col": "y", "horizon": 12}


def _cdnow() -> tuple[pd.DataFrame, dict[str, Any]]:
    """CDNOW's daily revenue (real purchases, 1997-01-01 to 1998-06-30), from shared data."""
    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "cdnow" / "CDNOW_master.txt"
    raw = pd.read_csv(path, sep=r"\s+", header=0, names=["customer", "day", "cds", "amount"])
    raw["date"] = pd.to_datetime(raw["day"].astype(str), format="%Y%m%d")
    daily = raw.groupby("date")["amount"].sum().asfreq("D", fill_value=0.0).reset_index()
    return daily, {"date_col": "date", "value_col": "amount", "horizon": 14}


def _prophet(
    long: pd.DataFrame, h: int, cutoffs: list[pd.Timestamp], regressors: pd.DataFrame | None
) -> tuple[pd.DataFrame, float] | None:
    """Prophet's forecasts at the cut-offs, run in bench/.peers; None when it is absent."""
    python = PEERS / "bin" / "python"
    if not python.exists():
        return None
    table = long[["ds", "y"]].reset_index(drop=True)
    names = [] if regressors is None else list(regressors.columns)
    if regressors is not None:
        table = pd.concat([table, regressors.reset_index(drop=True).astype(float)], axis=1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "series.csv"
        table.to_csv(path, index=False)
        done = subprocess.run(
            [str(python), str(HERE / "_prophet_forecast.py"), str(path), str(h),
             ",".join(str(c.date()) for c in cutoffs), ",".join(names)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    frame = pd.DataFrame({"ds": pd.to_datetime(result["ds"]), "yhat": result["yhat"]})
    return frame, float(result["seconds"])


def accuracy(label: str, data: pd.DataFrame, params: dict[str, Any], windows: int) -> None:
    """Score statsforecast and revlearn (in-sample choice and out of sample) on one series."""
    h, date, value = params["horizon"], params["date_col"], params["value_col"]
    freq, m = ("MS", 12) if label.startswith("AirPassengers") else ("D", 7)
    long = pd.DataFrame({"unique_id": "s", "ds": pd.to_datetime(data[date]), "y": data[value]})
    long["y"] = long["y"].astype(float)
    sf = StatsForecast(
        models=[
            SeasonalNaive(season_length=m, alias="SeasonalNaive"),
            AutoETS(season_length=m, alias="AutoETS"),
            AutoARIMA(season_length=m, alias="AutoARIMA"),
        ],
        freq=freq,
        n_jobs=1,
    )
    cv, sf_seconds = _timed(sf.cross_validation, df=long, h=h, n_windows=windows, step_size=h)
    cutoffs = sorted(pd.to_datetime(cv["cutoff"].unique()))
    train = long[long["ds"] <= cutoffs[0]]
    for model in PEER_MODELS:
        mase, smape = _scores(cv, model, train, m)
        _print_row(label, f"statsforecast {model}", mase, smape, sf_seconds, "3 models together")

    known = list(params.get("signals") or [])
    for regressors in ([], known) if known else ([],):
        prophet = _prophet(long, h, cutoffs, data[known] if regressors else None)
        if prophet is not None:
            frame, seconds = prophet
            mase, smape = _scores(frame.merge(long, on="ds"), "yhat", train, m)
            method = "Prophet" + (" + regressors" if regressors else "")
            _print_row(label, method, mase, smape, seconds, "bench/.peers, refit at each origin")

    fitted, seconds = _timed(SalesForecaster(**params, n_windows=windows).fit, data)
    chosen = fitted.chosen_[fitted.series_[0]]
    note = f"chose {chosen} on the scored windows"
    metrics = fitted.metrics_
    _print_row(
        label, "revlearn, in-sample choice", metrics["mase"], metrics["smape"], seconds, note
    )
    for row in fitted.summary()["by_model"]:
        _print_row("", f"  revlearn candidate {row['model']}", row["mase"], row["smape"], None,
                   "(its backtest, same windows)")  # fmt: skip

    dates = pd.to_datetime(data[date])
    parts, choices, started = [], [], time.perf_counter()
    for cutoff in cutoffs:
        past = data[dates <= cutoff]
        refit = SalesForecaster(**params, n_windows=windows).fit(past)
        future = data.loc[dates > cutoff, [date, *known]].iloc[:h] if known else None
        predicted = refit.predict(signals=future)
        choices.append(str(predicted["model"].iloc[0]))
        parts.append(pd.DataFrame({"ds": pd.to_datetime(predicted["date"]),
                                   "forecast": predicted["forecast"].to_numpy()}))  # fmt: skip
    seconds = time.perf_counter() - started
    out = pd.concat(parts).merge(long, on="ds", how="left")
    assert len(out) == h * windows and out["y"].notna().all()
    mase, smape = _scores(out, "forecast", train, m)
    picked = ", ".join(f"{n}×{c}" for c, n in pd.Series(choices).value_counts().items())
    _print_row("", "revlearn, out of sample", mase, smape, seconds,
               f"refit at each origin; chose {picked}")  # fmt: skip


def _many_series(n: int, days: int = 730, seed: int = 0) -> pd.DataFrame:
    """``n`` daily product × store series: level, weekly and yearly seasonality, noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    level = rng.lognormal(3.5, 0.6, n)[:, None]
    weekly = (
        0.3 * rng.uniform(0.3, 1.0, (n, 1)) * np.sin(2 * np.pi * t / 7 + rng.uniform(0, 6, (n, 1)))
    )
    yearly = (
        0.25
        * rng.uniform(0.3, 1.0, (n, 1))
        * np.sin(2 * np.pi * t / 365.25 + rng.uniform(0, 6, (n, 1)))
    )
    noise = rng.normal(0, 0.12, (n, days))
    y = np.maximum(level * (1 + weekly + yearly + noise), 0).round()
    ids = np.array([f"p{i // 10:04d}_s{i % 10}" for i in range(n)])
    return pd.DataFrame(
        {
            "unique_id": np.repeat(ids, days),
            "ds": np.tile(pd.date_range("2023-01-01", periods=days, freq="D").to_numpy(), n),
            "y": y.ravel(),
        }
    )


def scale(n: int = 10_000, days: int = 120, h: int = 7, windows: int = 3) -> None:
    """revlearn's overhead around statsforecast on many short series with fast models."""
    from statsforecast.models import RandomWalkWithDrift

    frame = _many_series(n, days=days)
    print(f"\nScale: {n:,} daily series × {days} days, horizon {h}, {windows} windows, "
          "SeasonalNaive + Drift with 80 % intervals")  # fmt: skip
    sf = StatsForecast(
        models=[SeasonalNaive(season_length=7), RandomWalkWithDrift()], freq="D", n_jobs=1
    )
    _, peer = _timed(sf.cross_validation, df=frame, h=h, n_windows=windows, step_size=h, level=[80])
    model = SalesForecaster(
        date_col="ds", value_col="y", series_col="unique_id", horizon=h, n_windows=windows,
        models=["SeasonalNaive", "Drift"],
    )  # fmt: skip
    _, ours = _timed(model.fit, frame)
    print(f"statsforecast cross-validation {peer:.1f} s; revlearn fit (backtest, scoring, "
          f"calibration, choice) {ours:.1f} s")  # fmt: skip
    print(f"ratio revlearn / statsforecast {ours / peer:.2f} (issue target: <= 1.5)")


def speed(n: int, h: int = 14, windows: int = 6) -> None:
    """Fit time of revlearn beside statsforecast's and mlforecast's own cross-validation."""
    from lightgbm import LGBMRegressor
    from mlforecast import MLForecast

    frame = _many_series(n)
    print(f"\nSpeed: {n:,} daily series × 730 days, horizon {h}, {windows} windows")
    header = f"{'tool':<58}{'seconds':>9}{'s/series':>10}"
    print(header)
    print("-" * len(header))
    peer_seconds: dict[int, float] = {}
    for jobs in (1, 2):
        sf = StatsForecast(
            models=[SeasonalNaive(season_length=7), AutoETS(season_length=7)], freq="D", n_jobs=jobs
        )
        _, seconds = _timed(
            sf.cross_validation, df=frame, h=h, n_windows=windows, step_size=h, level=[80]
        )
        peer_seconds[jobs] = seconds
        print(f"{f'statsforecast SeasonalNaive+AutoETS, n_jobs={jobs}':<58}{seconds:>9.1f}"
              f"{seconds / n:>10.3f}")  # fmt: skip
    mlf = MLForecast(
        models={"LightGBM": LGBMRegressor(n_jobs=1, verbose=-1, random_state=0)},
        freq="D",
        lags=[1, 7, 14],
        date_features=["dayofweek", "month", "dayofyear"],
        num_threads=1,
    )
    _, ml_seconds = _timed(
        mlf.cross_validation, df=frame, h=h, n_windows=windows, step_size=h, static_features=[]
    )
    print(f"{'mlforecast LightGBM (no intervals)':<58}{ml_seconds:>9.1f}{ml_seconds / n:>10.3f}")
    model = SalesForecaster(
        date_col="ds", value_col="y", series_col="unique_id", horizon=h, n_windows=windows,
        models=["SeasonalNaive", "AutoETS", "LightGBM"],
    )  # fmt: skip
    fitted, ours = _timed(model.fit, frame)
    print(f"{'revlearn SalesForecaster.fit (3 models, intervals, choice)':<58}{ours:>9.1f}"
          f"{ours / n:>10.3f}")  # fmt: skip
    best_sf = min(peer_seconds.values())
    print(f"ratio revlearn / statsforecast alone (its faster n_jobs): {ours / best_sf:.2f}")
    print(f"ratio revlearn / (statsforecast n_jobs=1 + mlforecast), same models: "
          f"{ours / (peer_seconds[1] + ml_seconds):.2f}  (issue target: <= 1.5)")  # fmt: skip
    chosen = pd.Series(list(fitted.chosen_.values())).value_counts()
    print("revlearn's choice: " + ", ".join(f"{k} {v}" for k, v in chosen.items())
          + f"; backtest MASE {fitted.metrics_['mase']:.3f}")  # fmt: skip
    print(f"extrapolated at {best_sf / n:.3f} s/series (statsforecast) and {ours / n:.3f} "
          f"s/series (revlearn): 10,000 series ≈ {best_sf / n * 10_000 / 60:.0f} and "
          f"{ours / n * 10_000 / 60:.0f} minutes")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=20, help="series in the speed test")
    parser.add_argument("--scale", type=int, default=10_000, help="series in the scale test")
    args = parser.parse_args()
    _warm_up()
    print("Accuracy on the same rolling-origin windows (MASE: seasonal-naive scale before them)")
    header = ROW.format("data", "method", "MASE", "sMAPE", "seconds", "")
    print(header)
    print("-" * 100)
    sales, params = _demo()
    accuracy("demo sales", sales, params, windows=6)
    print()
    air, params = _air()
    accuracy("AirPassengers", air, params, windows=3)
    print()
    cdnow, params = _cdnow()
    accuracy("CDNOW revenue", cdnow, params, windows=4)
    speed(args.series)
    scale(args.scale)


if __name__ == "__main__":
    main()
