"""The profile page: a chart per column, the findings and the statistics, drawn offline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.profile import profile
from revlearn.data.synth import make_company
from revlearn.errors import InputError
from revlearn.report.profile_page import profile_page
from tests.report.conftest import needs_chromium, render


@pytest.fixture(scope="module")
def leads():
    return make_company(n_leads=1500, n_customers=10, random_state=0).leads


def test_page_has_a_chart_per_column_findings_and_statistics(leads):
    result = profile(leads, target="converted", id_col="lead_id")
    page = profile_page(result, leads, title="leads.csv")
    charts = page.count('class="plotly-graph-div"')
    drawable = result.columns["role"].isin(
        ["numeric", "categorical", "boolean", "datetime", "target"]
    )
    assert charts == min(int(drawable.sum()), 24)
    assert charts >= 5
    assert "Overview and findings" in page and "Statistics per column" in page
    assert f"{len(result.findings)} findings" in page
    for finding in result.findings[:3]:
        assert finding.severity in page
    assert "<script src=" not in page


def test_wide_tables_stop_at_24_charts_and_ids_are_not_drawn():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"x{i}": rng.normal(size=50) for i in range(30)})
    frame["customer_id"] = [f"C{i}" for i in range(50)]
    frame["city"] = rng.choice(["Paris", "Berlin", "Rome"], size=50)
    page = profile_page(profile(frame, id_col="customer_id"), frame, title="wide")
    assert page.count('class="plotly-graph-div"') == 24
    assert "24 of 32 columns charted" in page


def test_rejects_a_table_that_was_not_profiled(leads):
    result = profile(leads)
    with pytest.raises(InputError, match="not in the table"):
        profile_page(result, leads.drop(columns=["country"]), title="leads")


@needs_chromium
def test_page_draws_in_a_headless_browser(leads, tmp_path):
    page = tmp_path / "profile.html"
    page.write_text(profile_page(profile(leads), leads, title="leads"), encoding="utf-8")
    shown = render(page, tmp_path, "--dump-dom")
    assert shown.errors == []
    dom = shown.dom
    assert dom.count('class="main-svg"') >= page.read_text().count('class="plotly-graph-div"')
