"""The demo end to end: data into the workspace, a registered model, an offline page.

The personalisation and text parts (revlearn.report.demo_marketing, demo_text) are checked
here against their planted truths rather than fitted a second time in their own files.
"""

from __future__ import annotations

import re
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
            n_shoppers=1500,
            time_budget=20.0,
            progress=lambda msg, frac: steps.append(msg),
        )
    return workspace, result, steps


def test_demo_loads_tables_registers_every_model_and_reports(demo):
    workspace, result, steps = demo
    assert set(workspace.list_tables()) >= {"leads", "customers", "orders"}
    names = ["leads", "churn", "clv", "segments", "basket", "anomalies", "forecast",
             "recommend", "nba", "bandit", "sentiment", "routing", "mentions", "topics",
             "calls"]  # fmt: skip
    assert sorted(r.name for r in Registry(workspace).list()) == sorted(names)
    assert [m["name"] for m in result["models"]] == names
    assert result["holdout_rows"] == {"leads": 500, "customers": 300}
    lines = result["summary"]
    lead, churn, clv, segments, basket, fraud, forecast, recs, nba, bandit = lines[:10]
    sentiment, routing, mentions, topics, calls = lines[10:]
    assert "pricing_minutes" in lead
    assert churn.startswith("Churn: ") and "top driver segment: " in churn
    assert clv.startswith("Lifetime value: BG/NBD r 0.") and "(planted 0.6)" in clv
    assert segments.startswith("Segments: ")
    assert "camera" in basket  # the planted camera bundle is the strongest rule
    assert fraud.startswith("Fraud: 100% of the 10 most unusual orders are planted frauds")
    assert forecast.startswith("Forecast: ") and "8 °C warmer in the second week: +" in forecast
    assert recs.startswith("Recommendations: ") and "against popularity's" in recs
    gain = re.search(r"\(([+-]\d+)% nDCG\)", recs)  # the planted taste clusters
    assert gain is not None and int(gain.group(1)) > 40
    assert "planted best action for 9" in nba  # 90 % or more
    assert bandit.startswith("Content bandit: ") and "off-policy (DR)" in bandit
    assert sentiment.startswith("Sentiment: ") and "raised an alert" in sentiment  # planted
    assert routing.startswith("Ticket routing: on the newest")
    assert mentions.startswith("Mentions: ") and "— its words" in topics  # rising topic
    typos = re.search(r"(\d+) of the (\d+) posts with a misspelled product name", mentions)
    assert typos is not None and typos.group(1) == typos.group(2)
    accuracy = float(routing.split("accuracy ")[1].split("%")[0])
    assert accuracy > 85  # the planted categories, learned from the older tickets
    assert calls.startswith("Calls: ") and "price objection" in calls
    stages = ("lead scoring", "churn", "customer value", "forecast", "personalisation", "text")
    for stage in stages:
        assert any(step.startswith(stage) for step in steps), stage


def test_page_is_offline_and_carries_every_chart(demo):
    _, result, _ = demo
    page = Path(result["report"]).read_text(encoding="utf-8")
    assert "<script src=" not in page
    # per use case: candidates + summary 1 + ranking 5 + calibration 1 + profit 1
    # + drivers 3 + effects 3 and the tree; churn adds fairness; then clv 3, segments 5,
    # basket 3 and anomalies 3 (k-means segments: no dendrogram or U-matrix); the forecast,
    # its backtest and the what-if; the recommender's backtest and 5 metrics over k, the
    # action mix and value, the bandit's regret and off-policy estimates; sentiment's label
    # mix, polarity, aspects and trend, routing's per-class bars and abstain curve; mentions
    # and share of voice, topic sizes and trends, objections, talk ratio and a call's path
    assert page.count('class="plotly-graph-div"') == 16 + 17 + 14 + 3 + 6 + 2 + 2 + 4 + 2 + 7
    for title in (
        "Lead scoring: which leads will convert, and why",
        "Lead scoring: how many to contact for the most profit",
        "Churn: which customers will leave, and why",
        "Churn: how many to contact for the most profit",
        "Churn: fairness across groups",
        "Data quality of the lead export",
        "Holdout check: forecast against what customers did",
        "How many segments",
        "Bundles to offer",
        "Found against known cases",
        "Sales forecast: the model",
        "What if",
        "Quality on held-out interactions",
        "Next best action: action mix",
        "Content bandit: cumulative regret",
        "Off-policy evaluation",
        "Aspect sentiment by product",
        "When to send a ticket to a human",
    ):
        assert title in page
    assert "Lead scoring: fairness" not in page


@needs_chromium
def test_page_renders_its_charts_in_a_headless_browser(demo, tmp_path):
    _, result, _ = demo
    shown = render(Path(result["report"]), tmp_path, "--dump-dom")
    assert shown.errors == []
    dom = shown.dom
    assert dom.count('class="main-svg"') >= 50  # Plotly drew every chart, with no network
