"""PyMC-Marketing's MAP fit of BG/NBD on CDNOW, run by bench/clv.py in its own environment.

PyMC-Marketing pulls PyMC and PyTensor (which compiles C at run time), so it lives in
``bench/.peers`` (made by ``make bench``), not in revlearn's environment. Prints one JSON
line: the posterior-mode parameters under the package's default priors and the seconds.
Usage: ``python bench/_pymc_clv.py CDNOW_sample.txt``.
"""

import json
import sys
import time

import pandas as pd
from pymc_marketing.clv import BetaGeoModel
from pymc_marketing.clv.utils import rfm_summary

names = ["id", "sample_id", "date", "cds", "dollars"]
cd = pd.read_csv(sys.argv[1], sep=r"\s+", header=None, names=names, dtype={"date": str})
cd["date"] = pd.to_datetime(cd["date"])
s = rfm_summary(cd, "id", "date", observation_period_end="1997-09-30", time_unit="W")
data = s[["customer_id", "frequency", "recency", "T"]]
t = time.perf_counter()
m = BetaGeoModel(data=data)
m.fit(method="map")
sec = time.perf_counter() - t
post = m.fit_result.posterior if hasattr(m.fit_result, "posterior") else m.fit_result
print(json.dumps({k: float(post[k].mean()) for k in ("r", "alpha", "a", "b")} | {"seconds": sec}))
