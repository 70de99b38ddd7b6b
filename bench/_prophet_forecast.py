"""Prophet's rolling-origin forecasts, run by bench/forecast.py in its own environment.

Prophet pins its own stack (cmdstanpy, holidays, matplotlib), so it lives in
``bench/.peers`` (made by ``make bench``), not in revlearn's environment. Reads a CSV with
``ds``, ``y`` and optional regressor columns; for each cut-off, fits Prophet with its
defaults (plus the regressors) on the rows up to it and forecasts the next ``horizon`` rows
with their true regressor values. Prints one JSON line: ``{"ds": [...], "yhat": [...],
"seconds": s}``.
Usage: ``python bench/_prophet_forecast.py FILE HORIZON CUTOFF[,CUTOFF...] [REGRESSOR,...]``.
"""

import json
import logging
import sys
import time

import pandas as pd
from prophet import Prophet

logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
data = pd.read_csv(sys.argv[1], parse_dates=["ds"])
horizon = int(sys.argv[2])
cutoffs = [pd.Timestamp(c) for c in sys.argv[3].split(",")]
regressors = sys.argv[4].split(",") if len(sys.argv) > 4 and sys.argv[4] else []
dates, values = [], []
started = time.perf_counter()
for cutoff in cutoffs:
    model = Prophet()
    for col in regressors:
        model.add_regressor(col)
    model.fit(data[data["ds"] <= cutoff])
    future = data[data["ds"] > cutoff].head(horizon).drop(columns="y")
    predicted = model.predict(future)
    dates += [str(d.date()) for d in predicted["ds"]]
    values += [float(v) for v in predicted["yhat"]]
seconds = time.perf_counter() - started
print(json.dumps({"ds": dates, "yhat": values, "seconds": seconds}))
