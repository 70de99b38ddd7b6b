"""Tests of the forecasting part of the demo (revlearn.report.demo_forecast)."""

from __future__ import annotations

from revlearn.data.synth import make_company
from revlearn.report.demo_forecast import HORIZON, sales_forecast
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace


def test_sales_forecast_fits_registers_and_reports(tmp_path):
    company = make_company(n_leads=20, n_customers=20, n_shoppers=20, n_sales_days=500)
    workspace = Workspace(tmp_path / "ws")
    steps: list[str] = []
    sections, line, model = sales_forecast(
        workspace, company.sales, company.truths["sales"],
        progress=lambda message, fraction: steps.append(message),
    )  # fmt: skip
    assert model == {"name": "forecast", "version": 1}
    assert Registry(workspace).list()[0].usecase == "forecast"
    assert [s.title for s in sections] == [
        "Sales forecast: the model", "Forecast", "Backtest", "What if",
    ]  # fmt: skip
    assert line.startswith("Forecast: ") and f"the last {HORIZON} days" in line
    assert "planted 3.5 % per °C above 25 °C" in line and steps
