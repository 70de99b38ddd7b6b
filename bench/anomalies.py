"""Transaction anomalies beside the peer: quality on planted frauds and speed, one run.

Data: a seeded generator of regular customers (a personal amount level, a usual hour and a
usual channel) with three planted fraud mechanisms, about 1 % of the rows: an amount
8-20x the customer's usual, a burst of five transactions minutes apart (the last four
labelled) and a purchase through a channel the customer never used, between 01:00 and
04:00, at 2-4x the usual amount.

Compared (same rows, same machine, single-threaded):

* revlearn ``TransactionAnomalies`` (isolation forest): history features, fit, score with
  reasons;
* revlearn with ``method="lof"`` on a second table of 100,000 rows (LOF scoring is
  ~30 s per million rows), beside both others on that table;
* the bare peer: scikit-learn ``IsolationForest`` on the raw amount alone (what one writes
  without per-customer history).

Quality: precision and recall at k = number of planted frauds, ROC AUC and average
precision, scoring the same table the model was fitted on (unsupervised detection).

Run: ``.venv/bin/python bench/anomalies.py [n_rows]`` (default 1,000,000).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score

from revlearn.data.transactions import read_transactions, transaction_features
from revlearn.usecases.anomalies import TransactionAnomalies

CHANNELS = np.array(["web", "app", "store"])
ROLES = {"customer_col": "customer", "timestamp_col": "ts", "amount_col": "amount"}


def make_transactions(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """Regular transactions of n_rows / 20 customers plus planted frauds (``fraud`` = 1)."""
    rng = np.random.default_rng(seed)
    n_customers = max(n_rows // 20, 10)
    level = rng.normal(np.log(40), 0.7, n_customers)
    hour = rng.integers(8, 21, n_customers)
    channel = rng.integers(0, 3, n_customers)
    cust = rng.integers(0, n_customers, n_rows)
    day = rng.integers(0, 180, n_rows)
    hours = np.clip(np.round(rng.normal(hour[cust], 1.2)), 0, 23).astype(np.int64)
    secs = day * 86400 + hours * 3600 + rng.integers(0, 3600, n_rows)
    amount = np.exp(rng.normal(level[cust], 0.25))
    chan = np.where(rng.random(n_rows) < 0.97, channel[cust], (channel[cust] + 1) % 3)
    n_each = max(n_rows // 300, 3)  # ~1 % of rows labelled in all
    victims = rng.choice(n_rows, 3 * n_each, replace=False)
    usual = np.exp(level[cust[victims]])
    after = secs[victims] + rng.integers(3600, 2 * 86400, 3 * n_each)
    a, b, c = victims[:n_each], victims[n_each : 2 * n_each], victims[2 * n_each :]
    fraud_cust = [cust[a], np.repeat(cust[b], 5), cust[c]]
    fraud_secs = [
        after[:n_each],
        np.repeat(after[n_each : 2 * n_each], 5) + np.tile(np.arange(5) * 120, n_each),
        (after[2 * n_each :] // 86400) * 86400 + rng.integers(1, 4, n_each) * 3600 + 600,
    ]
    fraud_amount = [
        usual[:n_each] * rng.uniform(8, 20, n_each),
        np.repeat(usual[n_each : 2 * n_each], 5),
        usual[2 * n_each :] * rng.uniform(2, 4, n_each),
    ]
    fraud_chan = [chan[a], np.repeat(chan[b], 5), (channel[cust[c]] + 2) % 3]
    labels = [np.ones(n_each), np.tile([0, 1, 1, 1, 1], n_each), np.ones(n_each)]
    start = np.datetime64("2025-01-01T00:00:00", "s")
    all_secs = np.concatenate([secs, *fraud_secs])
    frame = pd.DataFrame(
        {
            "customer": np.concatenate([cust, *fraud_cust]),
            "ts": start + all_secs.astype("timedelta64[s]"),
            "amount": np.round(np.concatenate([amount, *fraud_amount]), 2),
            "channel": CHANNELS[np.concatenate([chan, *fraud_chan])],
            "fraud": np.concatenate([np.zeros(n_rows), *labels]).astype(int),
        }
    )
    return frame.sort_values("ts", kind="stable").reset_index(drop=True)


def _quality(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    k = int(y.sum())
    top = np.argsort(-score, kind="stable")[:k]
    return {
        "precision@k": float(y[top].mean()),
        "roc_auc": float(roc_auc_score(y, score)),
        "avg_precision": float(average_precision_score(y, score)),
    }


def _revlearn(frame: pd.DataFrame, method: str) -> dict[str, float]:
    y = frame["fraud"].to_numpy()
    t0 = time.perf_counter()
    tx = read_transactions(frame, **ROLES, channel_col="channel")
    transaction_features(tx)
    t1 = time.perf_counter()
    model = TransactionAnomalies(**ROLES, channel_col="channel", method=method).fit(frame)
    t2 = time.perf_counter()
    scored = model.predict(frame, detail=True)
    t3 = time.perf_counter()
    return {
        **_quality(y, scored["outlier_score"].to_numpy()),
        "features_s": t1 - t0,
        "fit_s (incl. features)": t2 - t1,
        "predict_s (features+score+reasons)": t3 - t2,
        "total_s": t3 - t1,
    }


def _peer(frame: pd.DataFrame) -> dict[str, float]:
    y = frame["fraud"].to_numpy()
    t0 = time.perf_counter()
    X = frame[["amount"]].to_numpy()
    forest = IsolationForest(random_state=0, n_jobs=1).fit(X)
    t1 = time.perf_counter()
    score = -forest.score_samples(X)
    t2 = time.perf_counter()
    return {
        **_quality(y, score),
        "fit_s (incl. features)": t1 - t0,
        "predict_s (features+score+reasons)": t2 - t1,
        "total_s": t2 - t0,
    }


def main(n_rows: int = 1_000_000) -> None:
    frame = make_transactions(n_rows)
    print(
        f"{len(frame):,} transactions, {frame['customer'].nunique():,} customers, "
        f"{int(frame['fraud'].sum()):,} planted frauds"
    )
    rows = {
        "revlearn isolation forest": _revlearn(frame, "isolation_forest"),
        "sklearn IsolationForest (raw amount)": _peer(frame),
    }
    small = make_transactions(min(n_rows, 100_000), seed=1)
    print(f"and a second table of {len(small):,} transactions for LOF")
    rows["revlearn LOF (second table)"] = _revlearn(small, "lof")
    rows["revlearn isolation forest (second table)"] = _revlearn(small, "isolation_forest")
    rows["sklearn IsolationForest (raw amount, second table)"] = _peer(small)
    table = pd.DataFrame(rows).T
    print(table.to_string(float_format="{:,.3f}".format))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
