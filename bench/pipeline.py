"""Pipeline forecast beside the stage-weighted forecast: backtest error and simulation speed.

The peer is what sales teams use without a model: each open deal's amount times the
historical win rate of its stage, booked in the month the rep entered. Both forecast the
bookings of the months after an earlier date (``as_of``) from the deals open then, and are
compared with what was actually booked (``PipelineForecaster.evaluate``), on the demo
company's CRM deals for three seeds and two dates. Speed: the Monte Carlo bookings forecast
for 10,000 open deals with 2,000 simulations.

Run: ``make bench`` (or ``.venv/bin/python bench/pipeline.py``).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from revlearn.data.synth import make_company
from revlearn.usecases.pipeline import PipelineForecaster

AS_OF = ("2024-10-01", "2025-01-01")
SEEDS = (0, 1, 2)


def backtests() -> None:
    rows = []
    for seed in SEEDS:
        deals = make_company(n_leads=20, n_customers=20, n_shoppers=20, random_state=seed).deals
        for as_of in AS_OF:
            started = time.perf_counter()
            result = PipelineForecaster(time_budget=10, random_state=seed).evaluate(
                deals, as_of=as_of
            )
            m = result.metrics
            rows.append(
                {
                    "seed": seed,
                    "as_of": as_of,
                    "open deals": int(m["n_open"]),
                    "MAE model": m["mae_model"],
                    "MAE stage-weighted": m["mae_stage_weighted"],
                    "total err model": m["total_error_model"],
                    "total err stage-weighted": m["total_error_stage_weighted"],
                    "80% cover": m["coverage_80"],
                    "95% cover": m["coverage_95"],
                    "seconds": time.perf_counter() - started,
                }
            )
    table = pd.DataFrame(rows)
    print("Bookings by month after as_of: revlearn PipelineForecaster vs stage-weighted")
    print(
        table.to_string(
            index=False, float_format=lambda v: f"{v:,.0f}" if abs(v) > 10 else f"{v:.2f}"
        )
    )
    wins = int((table["MAE model"] < table["MAE stage-weighted"]).sum())
    print(f"model's monthly error lower in {wins} of {len(table)} backtests")


def speed() -> None:
    deals = make_company(n_leads=20, n_customers=20, n_shoppers=20, n_deals=3000).deals
    model = PipelineForecaster(time_budget=10).fit(deals)
    open_deals = deals[deals["outcome"].isna()]
    rng = np.random.default_rng(0)
    many = open_deals.sample(10_000, replace=True, random_state=0).assign(
        deal_id=[f"X{i:05d}" for i in range(10_000)],
        amount=lambda f: f["amount"] * rng.uniform(0.5, 1.5, len(f)),
    )
    started = time.perf_counter()
    model.forecast(many, n_sims=2000, random_state=0)
    seconds = time.perf_counter() - started
    print(f"\nforecast of 10,000 open deals × 2,000 simulations: {seconds:.2f} s")


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    backtests()
    speed()
