"""The CLI for the customer-value use cases: fit/predict/evaluate/explain/report on orders.

One module-scoped workspace holds a clv, a segments, a basket and an anomalies model fitted
on the demo shop's order lines; bad input is checked against the exit-code-2 contract.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from revlearn.data.synth import make_company
from tests.cli.helpers import as_json, bad_input, ok, run, write

ROLES = ("--customer", "customer_id", "--timestamp", "ordered_at", "--amount", "amount")


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> tuple[Path, Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("shop")
    orders = make_company(n_leads=20, n_customers=20, n_shoppers=1500, random_state=3).orders
    return folder / "ws", write(orders, folder / "orders.csv"), orders


@pytest.fixture(scope="module")
def fits(shop) -> dict[str, dict]:
    ws, csv, _ = shop
    docs = {
        "clv": run("fit", "clv", "--data", csv, *ROLES, "--until", "2025-03-31", "--json", ws=ws),
        "segments": run("fit", "segments", "--data", csv, *ROLES, "--json", ws=ws),
        "basket": run(
            "fit",
            "basket",
            "--data",
            csv,
            "--order",
            "order_id",
            "--item",
            "product",
            "--min-support",
            "0.005",
            "--customer",
            "customer_id",
            "--json",
            ws=ws,
        ),
        "anomalies": run(
            "fit",
            "anomalies",
            "--data",
            csv,
            *ROLES,
            "--order",
            "order_id",
            "--channel",
            "channel",
            "--json",
            ws=ws,
        ),
    }
    return {name: as_json(result) for name, result in docs.items()}


def test_fit_json_carries_the_fitted_figures(fits):
    clv = fits["clv"]
    assert clv["usecase"] == "clv" and clv["cutoff"] == "2025-03-31"
    assert {"r", "alpha", "a", "b"} <= set(clv["bgnbd"]) and 0.3 < clv["bgnbd"]["r"] < 1.0
    assert {"p", "q", "v"} <= set(clv["gamma_gamma"])
    assert clv["holdout"]["horizon_days"] == 91 and "bgnbd" in clv["holdout"]["metrics"]
    basket = fits["basket"]
    assert basket["n_itemsets"] > 25 and basket["n_rules"] > 0
    assert fits["segments"]["n_segments"] >= 2 and fits["segments"]["id"] == "customer_id"
    assert fits["anomalies"]["n_flagged"] > 0


def test_models_lists_a_key_figure_per_use_case(shop, fits):
    ws, _, _ = shop
    shown = ok(run("models", ws=ws)).stdout
    for label in ("holdout MAE", "segments", "rules", "flagged"):  # the column may wrap
        assert label in shown, label


def test_human_fit_output(shop):
    ws, csv, _ = shop
    shown = ok(run("fit", "clv", "--data", csv, "--name", "clv_human", ws=ws)).stdout
    assert "BG/NBD" in shown and "r 0." in shown and "history up to 2025-06-30" in shown


def test_predict_writes_one_table_per_use_case(shop, fits, tmp_path):
    ws, csv, orders = shop
    out = tmp_path / "clv.csv"
    ok(run("predict", "--model", "clv", "--out", out, "--horizon", "180", ws=ws))
    clv = pd.read_csv(out)
    assert {"prob_alive", "expected_purchases", "expected_spend", "clv"} <= set(clv.columns)
    assert len(clv) == orders["customer_id"].nunique()
    seg = tmp_path / "seg.csv"
    ok(run("predict", "--model", "segments", "--data", csv, "--out", seg, ws=ws))
    assert set(pd.read_csv(seg).columns) >= {"customer_id", "segment", "segment_name"}
    rules = tmp_path / "rules.csv"
    doc = as_json(run("predict", "--model", "basket", "--out", rules, "--json", ws=ws))
    assert doc["rows"] == fits["basket"]["n_rules"] and "lift" in doc["columns"]
    sell = tmp_path / "sell.csv"
    ok(run("predict", "--model", "basket", "--data", csv, "--out", sell, "--top", "2", ws=ws))
    assert pd.read_csv(sell)["rank"].max() <= 2
    flagged = tmp_path / "anomalies.csv"
    ok(run("predict", "--model", "anomalies", "--data", csv, "--out", flagged, ws=ws))
    scored = pd.read_csv(flagged)
    assert {"order_id", "score", "reason_1"} <= set(scored.columns)


def test_evaluate_explain_and_report(shop, fits, tmp_path):
    ws, csv, orders = shop
    doc = as_json(
        run("evaluate", "--model", "clv", "--data", csv, "--until", "2025-01-31", "--json", ws=ws)
    )
    assert doc["metrics"]["cutoff"] == "2025-01-31" and doc["metrics"]["horizon_days"] == 150
    labelled = write(
        orders.assign(fraud=orders["order_id"].isin(["O000001"]).map({True: "yes", False: "no"})),
        tmp_path / "labelled.csv",
    )
    doc = as_json(
        run(
            "evaluate",
            "--model",
            "anomalies",
            "--data",
            labelled,
            "--target",
            "fraud",
            "--json",
            ws=ws,
        )
    )
    assert doc["metrics"]["n_positive"] == 1
    table = as_json(run("explain", "--model", "basket", "--json", ws=ws))["table"]
    assert table and "sentence" in table[0]
    shown = ok(run("explain", "--model", "clv", ws=ws)).stdout
    assert "mean drop-out chance" in shown
    for model in ("clv", "segments", "basket"):
        page = tmp_path / f"{model}.html"
        ok(run("report", "--model", model, "--out", page, ws=ws))
        assert "plotly-graph-div" in page.read_text(encoding="utf-8")
    page = tmp_path / "anomalies.html"
    ok(run("report", "--model", "anomalies", "--data", csv, "--out", page, ws=ws))
    assert "Most unusual transactions" in page.read_text(encoding="utf-8")


def test_bad_input_is_one_line_and_exit_2(shop, fits, tmp_path):
    ws, csv, orders = shop
    bad_input(run("fit", "basket", "--data", csv, "--item", "product", ws=ws), r"needs --order")
    bad_input(
        run("fit", "clv", "--data", csv, "--customer", "buyer", ws=ws), r"'buyer'.*--customer"
    )
    single = write(orders.assign(product="usb cable"), tmp_path / "single.csv")
    bad_input(
        run("fit", "basket", "--data", single, "--order", "order_id", "--item", "product", ws=ws),
        r"(?i)one item|single|only one",
    )
    one_each = write(orders.drop_duplicates("order_id"), tmp_path / "one_each.csv")
    bad_input(
        run("fit", "basket", "--data", one_each, "--order", "order_id", "--item", "product", ws=ws),
        r"holds a single item",
    )
    dates = write(orders.assign(ordered_at="someday"), tmp_path / "dates.csv")
    bad_input(run("fit", "clv", "--data", dates, *ROLES, ws=ws), r"could not be read as dates")
    bad_input(run("evaluate", "--model", "clv", "--data", csv, ws=ws), r"needs --until")
    bad_input(
        run("predict", "--model", "anomalies", "--out", tmp_path / "x.csv", ws=ws),
        r"needs --data",
    )
    bad_input(
        run(
            "predict",
            "--model",
            "segments",
            "--data",
            csv,
            "--out",
            tmp_path / "y.csv",
            "--horizon",
            "30",
            ws=ws,
        ),
        r"--horizon only applies to clv",
    )
    bad_input(run("fit", "segments", "--data", csv, *ROLES, "--method", "dbscan", ws=ws), r"dbscan")
    bad_input(run("fit", "magic", "--data", csv, ws=ws), r"Unknown use case 'magic'")


def test_refunds_and_mixed_time_zones_are_read(tmp_path):
    orders = make_company(n_leads=20, n_customers=20, n_shoppers=300, random_state=5).orders
    stamps = orders["ordered_at"].dt.tz_localize("Europe/Berlin").dt.strftime("%Y-%m-%dT%H:%M%z")
    mixed = orders.assign(ordered_at=stamps.where(orders.index % 2 == 0, orders["ordered_at"]))
    csv = write(mixed, tmp_path / "mixed.csv")
    doc = as_json(run("fit", "clv", "--data", csv, *ROLES, "--json", ws=tmp_path / "ws"))
    assert any("refund" in note for note in doc["notes"])  # the planted returns
    assert doc["customers"] == orders["customer_id"].nunique()


def test_until_fits_on_the_past_and_scores_the_rest(shop):
    ws, csv, _ = shop
    doc = as_json(
        run(
            "fit",
            "anomalies",
            "--data",
            csv,
            *ROLES,
            "--order",
            "order_id",
            "--until",
            "2025-03-31",
            "--name",
            "anomalies_until",
            "--json",
            ws=ws,
        )
    )
    after = doc["after_until"]
    assert after["transactions"] > 0 and 0 <= after["flagged_share"] < 0.1
    doc = as_json(
        run(
            "fit",
            "segments",
            "--data",
            csv,
            *ROLES,
            "--until",
            "2025-03-31",
            "--name",
            "segments_until",
            "--json",
            ws=ws,
        )
    )
    shares = doc["after_until"]["spend_share"]
    assert abs(sum(shares.values()) - 1) < 1e-9 and set(shares) <= {
        s["name"] for s in doc["segments"]
    } | {"new after the cut-off"}
    bad_input(
        run(
            "fit",
            "basket",
            "--data",
            csv,
            "--order",
            "order_id",
            "--item",
            "product",
            "--until",
            "2025-03-31",
            ws=ws,
        ),
        r"--until does not apply to basket",
    )
    bad_input(
        run("fit", "anomalies", "--data", csv, *ROLES, "--until", "2030-01-01", ws=ws),
        r"leaves no transaction after it",
    )


def test_amount_as_quantity_times_price_and_basket_returns(tmp_path):
    orders = make_company(n_leads=20, n_customers=20, n_shoppers=400, random_state=6).orders
    csv = write(orders.drop(columns="amount"), tmp_path / "retail.csv")
    roles = ("--customer", "customer_id", "--timestamp", "ordered_at")
    doc = as_json(
        run(
            "fit",
            "clv",
            "--data",
            csv,
            *roles,
            "--amount",
            "quantity*unit_price",
            "--json",
            ws=tmp_path / "ws",
        )
    )
    assert doc["gamma_gamma"] is not None and any("refund" in n for n in doc["notes"])
    doc = as_json(
        run(
            "fit",
            "basket",
            "--data",
            csv,
            "--order",
            "order_id",
            "--item",
            "product",
            "--quantity",
            "quantity",
            "--min-support",
            "0.01",
            "--json",
            ws=tmp_path / "ws",
        )
    )
    assert any("quantity of 0 or less" in n for n in doc["notes"])
