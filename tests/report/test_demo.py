"""The demo end to end: data into the workspace, a registered model, an offline page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from revlearn.errors import RevlearnWarning
from revlearn.report.demo import run_demo
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    workspace = Workspace(tmp_path_factory.mktemp("demo") / "ws")
    steps: list[str] = []
    with pytest.warns(RevlearnWarning, match="call_duration_after"):  # the planted leak
        result = run_demo(workspace, n_leads=2500, progress=lambda msg, frac: steps.append(msg))
    return workspace, result, steps


def test_demo_loads_tables_registers_a_model_and_reports(demo):
    workspace, result, steps = demo
    assert set(workspace.list_tables()) >= {"leads", "customers"}
    assert [r.name for r in Registry(workspace).list()] == ["leads"]
    assert "pricing_minutes" in result["summary"][0]
    assert any(step.startswith("lead scoring") for step in steps)


def test_page_is_offline_and_carries_every_chart(demo):
    _, result, _ = demo
    page = Path(result["report"]).read_text(encoding="utf-8")
    assert "<script src=" not in page
    assert page.count('class="plotly-graph-div"') == 5
    assert "Lead scoring: which leads will convert, and why" in page
    assert "Data quality of the lead export" in page


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (.ci/run installs it)")
def test_page_renders_its_charts_in_a_headless_browser(demo, tmp_path):
    _, result, _ = demo
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            f"file://{result['report']}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert dom.count('class="main-svg"') >= 10  # Plotly drew every chart, with no network
