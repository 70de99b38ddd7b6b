"""Lead scoring beside the peers: held-out ROC AUC and time, all in one run.

Peers (same rows, same splits, same machine, single-threaded):

* scikit-learn logistic regression with one-hot encoding and scaling;
* LightGBM with its defaults (object columns as pandas categories);
* PyCaret's ``compare_models`` is not run: PyCaret 3.3.2 (the newest on the index) pins
  numpy < 1.27, pandas < 2.2 and scipy <= 1.11.4, which cannot share one environment (and
  so one run) with revlearn's stack (numpy 2, pandas >= 2.2).

Data: the demo company's leads (20,000; the leakage and contact columns dropped for the
peers, as revlearn drops them itself) and the real UCI Online Shoppers sessions
(``../shared/data/online_shoppers``, target ``Revenue``). Each data set is split three
times (stratified 75/25, seeds 0–2); the table shows the mean held-out AUC.

Then batch scoring speed: ``revlearn predict`` on 200,000 rows through the CLI (start-up
included), with and without reasons, beside the raw LightGBM/linear model's own predict.

Run: ``make bench`` (or ``.venv/bin/python bench/propensity.py``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from _peers import peer_scores
from revlearn import LeadScorer, make_company

ROOT = Path(__file__).resolve().parents[1]
SHOPPERS = ROOT.parent / "shared" / "data" / "online_shoppers" / "online_shoppers_intention.csv"
SEEDS = (0, 1, 2)


def _demo() -> tuple[pd.DataFrame, str]:
    leads = make_company(n_leads=20_000, n_customers=10, random_state=42).leads
    return leads, "converted"


def _shoppers() -> tuple[pd.DataFrame, str]:
    return pd.read_csv(SHOPPERS), "Revenue"


def _peer_frame(frame: pd.DataFrame, target: str) -> tuple[pd.DataFrame, np.ndarray]:
    drop = [target, "lead_id", "contact_name", "email", "call_duration_after", "created_at"]
    X = frame.drop(columns=[c for c in drop if c in frame.columns])
    y = frame[target].astype(str).str.lower().isin(["yes", "true", "1"]).to_numpy(int)
    if "annual_revenue" in X:
        X["annual_revenue"] = pd.to_numeric(
            X["annual_revenue"].str.replace(",", ""), errors="coerce"
        )
    return X, y


def compare(name: str, frame: pd.DataFrame, target: str) -> list[dict[str, object]]:
    rows = []
    X_all, y_all = _peer_frame(frame, target)
    for seed in SEEDS:
        train, test = train_test_split(
            np.arange(len(frame)), test_size=0.25, stratify=y_all, random_state=seed
        )
        t0 = time.perf_counter()
        scorer = LeadScorer(target_col=target, random_state=seed).fit(frame.iloc[train])
        fit_s = time.perf_counter() - t0
        auc = roc_auc_score(y_all[test], scorer.predict_proba(frame.iloc[test]))
        rows.append(
            {
                "data": name,
                "seed": seed,
                "method": f"revlearn ({scorer.model_name_})",
                "auc": auc,
                "fit_s": fit_s,
            }
        )
        peers = peer_scores(X_all.iloc[train], y_all[train], X_all.iloc[test], y_all[test])
        rows += [{"data": name, "seed": seed, **peer} for peer in peers]
        print(f"  {name} seed {seed} done", file=sys.stderr)
    return rows


def scoring_speed() -> pd.DataFrame:
    """Fit on 40,000 leads × 20 columns and score 200,000, through the CLI and in process."""
    company = make_company(n_leads=40_000, n_customers=10, random_state=3)
    big = pd.concat([company.leads] * 5, ignore_index=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ws, train, score = Path(tmp) / "ws", Path(tmp) / "leads.csv", Path(tmp) / "big.csv"
        company.leads.to_csv(train, index=False)
        big.to_csv(score, index=False)
        cli = [str(Path(sys.executable).parent / "revlearn")]
        t0 = time.perf_counter()
        subprocess.run(
            [*cli, "fit", "leads", "--data", str(train), "--workspace", str(ws), "--json"],
            check=True,
            capture_output=True,
        )
        rows.append(
            {
                "step": "revlearn fit leads, 40k rows x 20 columns (CLI, end to end)",
                "seconds": time.perf_counter() - t0,
            }
        )
        for flag in ([], ["--no-reasons"]):
            t0 = time.perf_counter()
            subprocess.run(
                [
                    *cli,
                    "predict",
                    "--model",
                    "leads",
                    "--data",
                    str(score),
                    "--out",
                    str(Path(tmp) / "scores.csv"),
                    "--workspace",
                    str(ws),
                    "--json",
                    *flag,
                ],
                check=True,
                capture_output=True,
            )
            seconds = time.perf_counter() - t0
            rows.append(
                {
                    "step": "revlearn predict 200k "
                    + ("without" if flag else "with")
                    + " reasons (CLI, end to end)",
                    "seconds": seconds,
                    "rows_per_s": 200_000 / seconds,
                }
            )
        from revlearn.store import Registry, Workspace

        scorer, _ = Registry(Workspace(ws)).load("leads")
        rows += _in_process(scorer, big)  # type: ignore[arg-type]
    return pd.DataFrame(rows)


def _in_process(scorer: LeadScorer, big: pd.DataFrame) -> list[dict[str, object]]:
    """LeadScorer.predict beside the bare fitted pipeline (design + estimator) it wraps."""
    model = scorer.model_
    typed = scorer.schema_.apply(big[scorer.input_columns_], where="bench")
    t0 = time.perf_counter()
    model.estimator.predict(model.design.transform(typed))
    raw = time.perf_counter() - t0
    t0 = time.perf_counter()
    scorer.predict(big, reasons=False)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    scorer.predict(big)
    why = time.perf_counter() - t0
    return [
        {
            "step": f"bare {scorer.model_name_} pipeline predict (in process)",
            "seconds": raw,
            "rows_per_s": len(big) / raw,
        },
        {
            "step": "LeadScorer.predict without reasons (in process)",
            "seconds": ours,
            "rows_per_s": len(big) / ours,
        },
        {
            "step": "LeadScorer.predict with reasons (in process)",
            "seconds": why,
            "rows_per_s": len(big) / why,
        },
    ]


def main() -> None:
    rows = compare("demo leads", *_demo()) + compare("online shoppers (UCI)", *_shoppers())
    table = pd.DataFrame(rows)
    table["family"] = table["method"].str.replace(r" \(.*\)", "", regex=True)
    summary = (
        table.groupby(["data", "family"])
        .agg(auc=("auc", "mean"), auc_min=("auc", "min"), fit_s=("fit_s", "mean"))
        .reset_index()
    )
    pd.set_option("display.width", 140)
    print("Held-out ROC AUC (mean over 3 stratified 75/25 splits):")
    print(summary.to_string(index=False, float_format="{:.4f}".format))
    print("\nPer split:")
    print(table.drop(columns="family").to_string(index=False, float_format="{:.4f}".format))
    print("\nBatch scoring (200,000 rows, 2 cores):")
    print(scoring_speed().to_string(index=False, float_format="{:.2f}".format))


if __name__ == "__main__":
    main()
