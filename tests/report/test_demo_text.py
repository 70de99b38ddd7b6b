"""Tests of the text part of the demo (revlearn.report.demo_text)."""

from __future__ import annotations

from revlearn.data.synth import make_company
from revlearn.report.demo_text import text_analytics
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace


def test_text_analytics_fits_registers_and_reports(tmp_path):
    company = make_company(n_leads=20, n_customers=20, n_shoppers=20, n_sales_days=20)
    registry = Registry(Workspace(tmp_path / "ws"))
    steps: list[str] = []
    sections, lines, models = text_analytics(
        registry, company, progress=lambda message, fraction: steps.append(message)
    )
    assert [m["name"] for m in models] == ["sentiment", "routing", "mentions", "topics", "calls"]
    assert {r.usecase for r in registry.list()} == {
        "sentiment", "textclass", "mentions", "topics", "calls"
    }  # fmt: skip
    titles = [s.title for s in sections]
    assert "Sentiment over time" in titles and "Routing quality" in titles
    sentiment, routing, mentions, topics, calls = lines
    drop = company.truths["reviews"]["drop"]
    assert f"the planted drop of {drop['product']}" in sentiment and "raised an alert" in sentiment
    assert "40 in another language flagged" in sentiment
    accuracy = float(routing.split("accuracy ")[1].split("%")[0])
    assert accuracy > 85  # the planted categories, learned from the older tickets
    typos = len(company.truths["posts"]["typo_ids"])
    assert f"{typos} of the {typos} posts with a misspelled product name matched" in mentions
    assert "— its words" in topics  # the planted rising topic is the one found rising
    assert "price objection" in calls
    assert steps == ["review sentiment", "ticket routing", "mentions, topics and calls"]
