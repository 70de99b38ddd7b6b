"""The demo end to end: data into the workspace, a registered model, an offline page."""

from __future__ import annotations

from pathlib import Path

import pytest

from revlearn.errors import RevlearnWarning
from revlearn.report.demo import run_demo
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace
from tests.report.conftest import needs_chromium, render


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    workspace = Workspace(tmp_path_factory.mktemp("demo") / "ws")
    steps: list[str] = []
    with pytest.warns(RevlearnWarning, match="call_duration_after"):  # the planted leak
        result = run_demo(
            workspace,
            n_leads=2500,
            n_customers=1500,
            time_budget=20.0,
            progress=lambda msg, frac: steps.append(msg),
        )
    return workspace, result, steps


def test_demo_loads_tables_registers_both_models_and_reports(demo):
    workspace, result, steps = demo
    assert set(workspace.list_tables()) >= {"leads", "customers"}
    assert sorted(r.name for r in Registry(workspace).list()) == ["churn", "leads"]
    assert [m["name"] for m in result["models"]] == ["leads", "churn"]
    assert result["holdout_rows"] == {"leads": 500, "customers": 300}
    lead_line, churn_line = result["summary"]
    assert "pricing_minutes" in lead_line
    assert churn_line.startswith("Churn: ") and "top driver segment: " in churn_line
    assert any(step.startswith("lead scoring") for step in steps)
    assert any(step.startswith("churn") for step in steps)


def test_page_is_offline_and_carries_every_chart(demo):
    _, result, _ = demo
    page = Path(result["report"]).read_text(encoding="utf-8")
    assert "<script src=" not in page
    # per use case: candidates + summary 1 + ranking 5 + calibration 1 + profit 1
    # + drivers 3 + effects 3 and the tree; churn adds fairness
    assert page.count('class="plotly-graph-div"') == 16 + 17
    for title in (
        "Lead scoring: which leads will convert, and why",
        "Lead scoring: how many to contact for the most profit",
        "Churn: which customers will leave, and why",
        "Churn: how many to contact for the most profit",
        "Churn: fairness across groups",
        "Data quality of the lead export",
    ):
        assert title in page
    assert "Lead scoring: fairness" not in page


@needs_chromium
def test_page_renders_its_charts_in_a_headless_browser(demo, tmp_path):
    _, result, _ = demo
    shown = render(Path(result["report"]), tmp_path, "--dump-dom")
    assert shown.errors == []
    dom = shown.dom
    assert dom.count('class="main-svg"') >= 33  # Plotly drew every chart, with no network
