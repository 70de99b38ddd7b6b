"""The CLI for forecasts: fit on the demo sales, predict with future signals, bad input."""

from __future__ import annotations

import pandas as pd

from revlearn.data.synth import make_company
from tests.cli.helpers import as_json, bad_input, ok, run, write


def test_fit_and_predict_a_forecast_with_signals(tmp_path):
    sales = make_company(n_leads=20, n_customers=20, n_shoppers=20, random_state=0).sales
    history = write(sales[sales["date"] <= "2025-06-16"], tmp_path / "sales.csv")
    future = write(
        sales[sales["date"] > "2025-06-16"].drop(columns="units"), tmp_path / "future.csv"
    )
    ws = tmp_path / "ws"
    doc = as_json(
        run(
            "fit",
            "forecast",
            "--data",
            history,
            "--date",
            "date",
            "--value",
            "units",
            "--signals",
            "temperature,promotion,price",
            "--lagged",
            "web_visits",
            "--method",
            "AutoETS,LightGBM",
            "--json",
            ws=ws,
        )
    )
    assert doc["freq"] == "D" and doc["season_length"] == 7 and doc["horizon"] == 14
    assert set(doc["models"]) == {"AutoETS", "LightGBM"} and 0 < doc["metrics"]["mase"] < 1
    out = tmp_path / "forecast.csv"
    ok(run("predict", "--model", "forecast", "--signals", future, "--out", out, ws=ws))
    table = pd.read_csv(out)
    assert list(table.columns) == ["series", "date", "forecast", "lower", "upper", "model"]
    assert table["date"].iloc[0] == "2025-06-17" and len(table) == 14
    bad_input(
        run("predict", "--model", "forecast", "--out", tmp_path / "x.csv", ws=ws),
        r"signals known in advance",
    )
    gap = write(pd.read_csv(future).drop(index=[3]), tmp_path / "gap.csv")
    bad_input(
        run("predict", "--model", "forecast", "--signals", gap, "--out", tmp_path / "y.csv", ws=ws),
        r"missing",
    )
    bad_input(run("fit", "forecast", "--data", history, "--value", "units", ws=ws), r"--date")


def test_a_hierarchy_from_the_command_line(tmp_path):
    from tests.usecases.forecast.test_hierarchy import shop_sales

    csv = write(shop_sales(), tmp_path / "shop.csv")
    doc = as_json(
        run(
            "fit",
            "forecast",
            "--data",
            csv,
            "--date",
            "week",
            "--value",
            "units",
            "--hierarchy",
            "category,product",
            "--horizon",
            "8",
            "--method",
            "SeasonalNaive,AutoETS",
            "--json",
            ws=tmp_path / "ws",
        )
    )
    assert doc["series"] == 6 and doc["freq"].startswith("W")
    out = tmp_path / "f.csv"
    ok(run("predict", "--model", "forecast", "--out", out, ws=tmp_path / "ws"))
    table = pd.read_csv(out)
    wide = table.pivot(index="date", columns="series", values="forecast")
    assert ((wide["total/drinks"] + wide["total/snacks"] - wide["total"]).abs() < 1e-6).all()


def test_pipeline_from_the_command_line(tmp_path):
    deals = make_company(n_leads=20, n_customers=20, n_shoppers=20, n_deals=1500).deals
    csv = write(deals, tmp_path / "deals.csv")
    open_deals = write(deals[deals["outcome"].isna()], tmp_path / "open.csv")
    ws = tmp_path / "ws"
    doc = as_json(run("fit", "pipeline", "--data", csv, "--time-budget", "5", "--json", ws=ws))
    assert doc["closed_deals"] > 0 and 0 < doc["win_rate"] < 1
    assert doc["classifier"]["metrics"]["roc_auc"] > 0.6
    out = tmp_path / "open_scored.csv"
    ok(run("predict", "--model", "pipeline", "--data", open_deals, "--out", out, ws=ws))
    scored = pd.read_csv(out)
    assert {"deal_id", "win_probability", "expected_close_month", "expected_value"} <= set(scored)
    page = tmp_path / "pipeline.html"
    ok(run("report", "--model", "pipeline", "--data", open_deals, "--out", page, ws=ws))
    assert "plotly-graph-div" in page.read_text(encoding="utf-8")
    bad_input(
        run("predict", "--model", "pipeline", "--out", tmp_path / "x.csv", ws=ws), r"open deals"
    )
