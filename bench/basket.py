"""Market basket mining beside mlxtend: time, peak memory and identical rules, in one run.

Data:

* Groceries (``../shared/data/groceries``, 9,835 real baskets, 169 items) at min_support
  0.001 (13,492 item sets);
* 1,000,000 synthetic baskets: 1,000 items with Zipf-like popularity (p ∝ 1/(rank+10)^1.05),
  1 + Poisson(3) items per basket, 12 planted pairs (b follows a in 50% of a's baskets)
  and 4 planted triples (z follows x + y in 80% of their baskets), ~4.4 M lines, at
  min_support 0.001 (1,000 baskets).

Methods, each in a fresh subprocess so that peak memory (``VmHWM``) is its own:

* ``revlearn``: :func:`revlearn.models.itemsets.basket_matrix` + ``frequent_itemsets`` +
  ``association_rules`` from the line codes (building the sparse matrix is timed);
* ``revlearn BasketAnalysis.fit``: the use case end to end from an order-line DataFrame of
  item names (factorising, checks, mining, rules);
* ``mlxtend fpgrowth (sparse)``: mlxtend 0.25 ``fpgrowth`` + ``association_rules`` on the
  sparse DataFrame that ``TransactionEncoder(sparse=True)`` documents (built before timing);
* ``mlxtend fpgrowth (dense)``: the same on a dense bool DataFrame (built before timing);
* ``mlxtend apriori (sparse)``: ``apriori`` + ``association_rules``, stopped after 60 s.

Rules use min_confidence 0.1. The table shows mining seconds, peak RSS of the process and
the peak above the process's RSS once its input was built; then the item sets and rules of
each mlxtend run are compared with revlearn's (same sets, same counts, same rules, largest
metric difference).

Run: ``.venv/bin/python bench/basket.py`` (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import pickle
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GROCERIES = ROOT.parent / "shared" / "data" / "groceries" / "groceries.csv"
MIN_CONFIDENCE = 0.1
METRICS = ["antecedent support", "consequent support", "support", "confidence", "lift"]
METRICS += ["leverage", "conviction"]
METHODS = (
    "revlearn",
    "revlearn BasketAnalysis.fit",
    "mlxtend fpgrowth (sparse)",
    "mlxtend fpgrowth (dense)",
    "mlxtend apriori (sparse)",
)
TIMEOUT_S = {"mlxtend apriori (sparse)": 60}


def synthetic(n_baskets: int = 1_000_000, n_items: int = 1000, seed: int = 0) -> tuple:
    """Line codes (basket, item) of Zipf-like baskets with planted pairs and triples."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / (np.arange(n_items) + 10.0) ** 1.05
    popularity /= popularity.sum()
    sizes = 1 + rng.poisson(3.0, n_baskets)
    baskets = np.repeat(np.arange(n_baskets), sizes)
    items = rng.choice(n_items, size=len(baskets), p=popularity)
    held = pd.DataFrame({"b": baskets, "i": items}).drop_duplicates()
    extra = [held]
    for a in range(12):  # pairs: item 20+a → item 300+a
        with_a = held["b"][held["i"] == 20 + a].to_numpy()
        chosen = with_a[rng.random(len(with_a)) < 0.5]
        extra.append(pd.DataFrame({"b": chosen, "i": 300 + a}))
    for t in range(4):  # triples: items 2t and 2t+1 together → item 400+t
        x = set(held["b"][held["i"] == 2 * t].tolist())
        both = np.array(sorted(x & set(held["b"][held["i"] == 2 * t + 1].tolist())))
        chosen = both[rng.random(len(both)) < 0.8]
        extra.append(pd.DataFrame({"b": chosen, "i": 400 + t}))
    lines = pd.concat(extra).drop_duplicates().sort_values(["b", "i"])
    return lines["b"].to_numpy(np.int64), lines["i"].to_numpy(np.int64), n_items


def groceries() -> tuple:
    from revlearn.usecases.basket import read_baskets

    lines = read_baskets(GROCERIES)
    baskets, _ = pd.factorize(lines["order_id"])
    items, names = pd.factorize(lines["item"], sort=True)
    return baskets.astype(np.int64), items.astype(np.int64), len(names)


def _rss_mb() -> float:
    """Peak resident memory of this process image (VmHWM), in MB.

    ``ru_maxrss`` is not used: Linux carries the parent's peak over ``fork``/``exec``, so a
    worker would report the parent's memory as its own.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _mlxtend_input(X, dense: bool) -> pd.DataFrame:
    if dense:
        return pd.DataFrame(X.toarray().astype(bool), columns=range(X.shape[1]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return pd.DataFrame.sparse.from_spmatrix(X.astype(bool), columns=range(X.shape[1]))


def worker(method: str, data: str, min_support: float, out: str) -> None:
    """Run one method on one saved data set; write its result and measures to ``out``."""
    from revlearn.models.itemsets import association_rules, basket_matrix, frequent_itemsets

    codes = np.load(data)
    baskets, items, n_items = codes["baskets"], codes["items"], int(codes["n_items"])
    n = int(baskets.max()) + 1
    result: dict = {}
    if method == "revlearn":
        base = _rss_mb()
        t0 = time.perf_counter()
        found = frequent_itemsets(
            basket_matrix(baskets, items, n_items=n_items), min_support=min_support
        )
        rules = association_rules(found, min_confidence=MIN_CONFIDENCE)
        seconds = time.perf_counter() - t0
        sets = found.as_tuples()
        result["itemsets"] = dict(zip(sets, found.counts.tolist(), strict=True))
        metrics = np.column_stack([getattr(rules, k.replace(" ", "_")) for k in METRICS])
        result["rules"] = {
            (sets[a], sets[c]): m
            for a, c, m in zip(rules.antecedent, rules.consequent, metrics, strict=True)
        }
    elif method == "revlearn BasketAnalysis.fit":
        from revlearn.usecases.basket import BasketAnalysis

        lines = pd.DataFrame({"order_id": baskets, "item": np.char.add("item ", items.astype(str))})
        base = _rss_mb()
        t0 = time.perf_counter()
        model = BasketAnalysis(
            min_support=min_support, min_confidence=MIN_CONFIDENCE, min_lift=0.0
        ).fit(lines)
        seconds = time.perf_counter() - t0
        result["n_itemsets"], result["n_rules"] = len(model.itemset_counts_), len(model.rules())
    else:
        from mlxtend.frequent_patterns import apriori, fpgrowth
        from mlxtend.frequent_patterns import association_rules as mx_rules

        table = _mlxtend_input(basket_matrix(baskets, items, n_items=n_items), "dense" in method)
        base = _rss_mb()
        miner = apriori if "apriori" in method else fpgrowth
        t0 = time.perf_counter()
        found = miner(table, min_support=min_support)
        rules = mx_rules(found, num_itemsets=n, metric="confidence", min_threshold=MIN_CONFIDENCE)
        seconds = time.perf_counter() - t0
        result["itemsets"] = {
            tuple(sorted(int(i) for i in s)): round(v * n)
            for s, v in zip(found["itemsets"], found["support"], strict=True)
        }
        result["rules"] = {
            (tuple(sorted(map(int, a))), tuple(sorted(map(int, c)))): m
            for a, c, m in zip(
                rules["antecedents"], rules["consequents"], rules[METRICS].to_numpy(), strict=True
            )
        }
    result.update(seconds=seconds, peak_mb=_rss_mb(), base_mb=base)
    with open(out, "wb") as handle:
        pickle.dump(result, handle)


def run(method: str, data: Path, min_support: float, tmp: Path) -> dict:
    out = tmp / "result.pkl"
    out.unlink(missing_ok=True)
    command = [sys.executable, __file__, "--worker", method, str(data), str(min_support), str(out)]
    limit = TIMEOUT_S.get(method, 600)
    try:
        subprocess.run(command, check=True, timeout=limit, capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        return {"seconds": np.nan, "note": f"stopped after {limit} s"}
    except subprocess.CalledProcessError as err:
        last = err.stderr.strip().splitlines()[-1] if err.stderr.strip() else "no message"
        return {"seconds": np.nan, "note": f"failed: {last}"}
    with open(out, "rb") as handle:
        result: dict = pickle.load(handle)
    return result


def _compare(ours: dict, theirs: dict) -> str:
    if "itemsets" not in theirs:
        return "-"
    same_sets = ours["itemsets"] == theirs["itemsets"]
    same_rules = ours["rules"].keys() == theirs["rules"].keys()
    if not (same_sets and same_rules):
        return f"DIFFERENT (item sets equal: {same_sets}, rule sets equal: {same_rules})"
    if not ours["rules"]:
        return "identical (no rules)"
    a = np.array([ours["rules"][k] for k in theirs["rules"]])
    b = np.array(list(theirs["rules"].values()))
    finite = np.isfinite(b)
    assert np.array_equal(np.isfinite(a), finite)
    gap = float(np.max(np.abs(a[finite] - b[finite]) / np.maximum(np.abs(b[finite]), 1e-300)))
    return f"identical, max relative metric gap {gap:.1e}"


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        datasets = [("Groceries (9,835 baskets)", groceries, 0.001)]
        datasets.append(("synthetic (1,000,000 baskets)", synthetic, 0.001))
        for name, make, min_support in datasets:
            baskets, items, n_items = make()
            data = tmp / "codes.npz"
            np.savez(data, baskets=baskets, items=items, n_items=n_items)
            print(f"{name}: {len(baskets):,} lines, {n_items:,} items", file=sys.stderr)
            results = {}
            for method in METHODS:
                results[method] = run(method, data, min_support, tmp)
                print(
                    f"  {method}: {results[method].get('seconds', np.nan):.2f} s", file=sys.stderr
                )
            ours = results["revlearn"]
            for method, result in results.items():
                rows.append(
                    {
                        "data": name,
                        "min_support": min_support,
                        "method": method,
                        "seconds": result.get("seconds", np.nan),
                        "peak_MB": result.get("peak_mb", np.nan),
                        "above_input_MB": result.get("peak_mb", np.nan)
                        - result.get("base_mb", np.nan),
                        "itemsets": len(result["itemsets"])
                        if "itemsets" in result
                        else result.get("n_itemsets", np.nan),
                        "rules": len(result["rules"])
                        if "rules" in result
                        else result.get("n_rules", np.nan),
                        "vs revlearn": result.get("note") or _compare(ours, result),
                    }
                )
    table = pd.DataFrame(rows)
    table["min_support"] = table["min_support"].map("{:g}".format)
    table[["itemsets", "rules"]] = table[["itemsets", "rules"]].astype("Int64")
    base = table[table["method"] == "revlearn"].set_index("data")["seconds"]
    table["x revlearn time"] = table["seconds"] / table["data"].map(base)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 60)
    print(f"Frequent item sets + rules (min_confidence {MIN_CONFIDENCE}), 2 shared cores:")
    print(table.to_string(index=False, float_format="{:,.2f}".format))
    for name in table["data"].unique():
        part = table[table["data"] == name].set_index("method")
        speedup = part.loc["mlxtend fpgrowth (sparse)", "seconds"] / part.loc["revlearn", "seconds"]
        print(f"{name}: revlearn is {speedup:.1f}x faster than mlxtend fpgrowth (sparse).")
        assert part["vs revlearn"].str.startswith(("identical", "-", "stopped", "failed")).all(), (
            part
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5])
    else:
        main()
