"""Customer lifetime value beside the peers: fit time, parameters and holdout error.

* **Parameters and fit time** on CDNOW (the 1/10 sample and the full master file, first 39
  weeks) and on one million simulated BG/NBD customers: revlearn's maximum-likelihood fits
  beside ``lifetimes`` (BetaGeoFitter, GammaGammaFitter — unmaintained, used as the oracle
  only) and, on the CDNOW sample, PyMC-Marketing's MAP fit (its default priors, so not the
  maximum-likelihood answer) run in its own environment ``bench/.peers`` (``make bench``
  creates it; PyMC and PyTensor cannot share revlearn's).
* **Holdout error** on the CDNOW master file, cut-off 1997-09-30, holdout weeks 40–78:
  mean absolute error of each customer's purchases for revlearn's ``CLVModel`` (its own
  choice between BG/NBD and gradient boosting), lifetimes' BG/NBD conditional expectation,
  and a LightGBM Poisson model on the RFM summary that is trained on the holdout purchases
  of other customers (5-fold over customers) — a peer that sees the holdout period, so an
  optimistic bound for a supervised model.

Run: ``make bench`` (or ``.venv/bin/python bench/clv.py``).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
from lightgbm import LGBMRegressor
from sklearn.model_selection import cross_val_predict

from revlearn.data.rfm import rfm_summary
from revlearn.usecases.clv import CLVModel, fit_bgnbd, fit_gamma_gamma

HERE = Path(__file__).resolve().parent
CDNOW = HERE.parents[1] / "shared" / "data" / "cdnow"
PEERS = HERE / ".peers"
CUTOFF = "1997-09-30"


def _cdnow(name: str) -> pd.DataFrame:
    if name == "sample":
        cols = ["customer", "sample_id", "date", "cds", "dollars"]
        return pd.read_csv(CDNOW / "CDNOW_sample.txt", sep=r"\s+", header=None, names=cols,
                           dtype={"date": str})  # fmt: skip
    cols = ["customer", "date", "cds", "dollars"]
    return pd.read_csv(CDNOW / "CDNOW_master.txt", sep=r"\s+", header=0, names=cols,
                       dtype={"date": str})  # fmt: skip


def _timed(func, *args, **kwargs):
    started = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - started


def _simulated(n: int, seed: int = 0) -> pd.DataFrame:
    """BG/NBD customers (r=0.24, α=4.4, a=0.79, b=2.4) observed for 39 weeks.

    Purchase times are whole days, as :func:`rfm_summary` gives them from real timestamps.
    """
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(0.24, 1 / 4.4, n), rng.beta(0.79, 2.4, n)
    horizon = 39.0
    arrivals = rng.poisson(lam * horizon)
    x = np.minimum(arrivals, rng.geometric(p))
    safe = np.maximum(x, 1)
    t_x = np.where(x > 0, rng.beta(safe, np.maximum(arrivals - safe + 1, 1)) * horizon, 0.0)
    t_x = np.round(t_x * 7) / 7
    return pd.DataFrame({"frequency": x.astype(float), "recency": t_x, "T": horizon})


def _lifetimes_fit(summary: pd.DataFrame):
    from lifetimes import BetaGeoFitter

    return BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])


def _pymc_sample() -> dict[str, float] | None:
    """PyMC-Marketing's MAP fit on the CDNOW sample, in bench/.peers; None when absent."""
    python = PEERS / "bin" / "python"
    if not python.exists():
        return None
    done = subprocess.run(
        [str(python), str(HERE / "_pymc_clv.py"), str(CDNOW / "CDNOW_sample.txt")],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def parameters_and_speed() -> None:
    have_lifetimes = importlib.util.find_spec("lifetimes") is not None
    print("BG/NBD fit: parameters and seconds (calibration: first 39 weeks)")
    header = f"{'data':<26}{'tool':<16}{'r':>8}{'alpha':>8}{'a':>8}{'b':>8}{'seconds':>9}"
    print(header)
    print("-" * len(header))
    sets = {
        "CDNOW sample (2,357)": rfm_summary(
            _cdnow("sample"), customer_col="customer", timestamp_col="date", until=CUTOFF
        ),
        "CDNOW master (23,570)": rfm_summary(
            _cdnow("master"), customer_col="customer", timestamp_col="date", until=CUTOFF
        ),
        "simulated (1,000,000)": _simulated(1_000_000),
    }
    for label, summary in sets.items():
        ours, seconds = _timed(fit_bgnbd, summary["frequency"], summary["recency"], summary["T"])
        print(f"{label:<26}{'revlearn':<16}{ours.r:>8.4f}{ours.alpha:>8.4f}{ours.a:>8.4f}"
              f"{ours.b:>8.4f}{seconds:>9.2f}")  # fmt: skip
        if have_lifetimes:
            fitted, seconds = _timed(_lifetimes_fit, summary)
            p = fitted.params_
            print(f"{'':<26}{'lifetimes':<16}{p['r']:>8.4f}{p['alpha']:>8.4f}{p['a']:>8.4f}"
                  f"{p['b']:>8.4f}{seconds:>9.2f}")  # fmt: skip
        if label.startswith("CDNOW sample"):
            pymc = _pymc_sample()
            if pymc is None:
                print(f"{'':<26}PyMC-Marketing not installed in {PEERS} (make bench makes it)")
            else:
                values = "".join(f"{pymc[k]:>8.4f}" for k in ("r", "alpha", "a", "b"))
                print(f"{'':<26}{'PyMC-Marketing':<16}{values}{pymc['seconds']:>9.2f}"
                      "  (MAP, default priors)")  # fmt: skip
    if not have_lifetimes:
        print("lifetimes not installed (pip install lifetimes): no oracle row")
    master = rfm_summary(_cdnow("master"), customer_col="customer", timestamp_col="date",
                         amount_col="dollars", until=CUTOFF)  # fmt: skip
    repeat = master[(master["frequency"] > 0) & (master["monetary"] > 0)]
    gg, seconds = _timed(fit_gamma_gamma, repeat["frequency"], repeat["monetary"])
    print(f"\nGamma-Gamma on CDNOW master repeaters ({len(repeat):,}): revlearn p={gg.p:.4f} "
          f"q={gg.q:.4f} v={gg.v:.4f} in {seconds:.2f} s")  # fmt: skip
    if have_lifetimes:
        from lifetimes import GammaGammaFitter

        fitted, seconds = _timed(GammaGammaFitter().fit, repeat["frequency"], repeat["monetary"])
        p = fitted.params_
        print(f"{'':<52}lifetimes p={p['p']:.4f} q={p['q']:.4f} v={p['v']:.4f} in "
              f"{seconds:.2f} s")  # fmt: skip


def holdout() -> None:
    tx = _cdnow("master")
    model, seconds = _timed(
        CLVModel(customer_col="customer", timestamp_col="date", amount_col="dollars").fit,
        tx,
        until=CUTOFF,
    )
    h = model.holdout_
    assert h is not None
    print(f"\nHoldout, CDNOW master: {h.n_customers:,} customers, {h.actual_purchases:,.0f} "
          f"purchases in the {h.horizon_days} days after {CUTOFF}")  # fmt: skip
    rows = {f"revlearn ({model.chosen_}, {seconds:.1f} s fit)": h.metrics[h.chosen]}
    if "gbm" in h.metrics:
        rows["revlearn gbm alternative"] = h.metrics["gbm"]
    calib = rfm_summary(tx, customer_col="customer", timestamp_col="date", amount_col="dollars",
                        until=CUTOFF)  # fmt: skip
    full = rfm_summary(tx, customer_col="customer", timestamp_col="date", amount_col="dollars")
    actual = (full["frequency"] - calib["frequency"]).to_numpy(dtype=float)
    if importlib.util.find_spec("lifetimes") is not None:
        fitted = _lifetimes_fit(calib)
        predicted = fitted.conditional_expected_number_of_purchases_up_to_time(
            h.horizon_days / 7, calib["frequency"], calib["recency"], calib["T"]
        ).to_numpy()
        rows["lifetimes BG/NBD"] = _errors(predicted, actual)
    X = calib[["frequency", "recency", "T", "monetary"]].assign(gap=calib["T"] - calib["recency"])
    gbm = LGBMRegressor(objective="poisson", n_estimators=300, learning_rate=0.03, num_leaves=15,
                        min_child_samples=30, n_jobs=1, verbose=-1)  # fmt: skip
    predicted = cross_val_predict(gbm, X, actual, cv=5)
    rows["LightGBM on RFM (sees holdout)"] = _errors(predicted, actual)
    print(f"{'forecast':<40}{'MAE':>8}{'RMSE':>8}{'total err %':>13}")
    for label, m in rows.items():
        print(f"{label:<40}{m['mae']:>8.4f}{m['rmse']:>8.4f}{m['total_error_pct']:>13.1f}")


def _errors(predicted: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    error = predicted - actual
    return {
        "mae": float(np.abs(error).mean()),
        "rmse": float(np.sqrt((error**2).mean())),
        "total_error_pct": 100 * float(error.sum() / actual.sum()),
    }


if __name__ == "__main__":
    parameters_and_speed()
    holdout()
