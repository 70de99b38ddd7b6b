"""Tests of the customer-value part of the demo (revlearn.report.demo_customers)."""

from __future__ import annotations

from revlearn.data.synth import make_company
from revlearn.report.demo_customers import CLV_CUTOFF, customer_value
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace


def test_customer_value_fits_registers_and_reports(tmp_path):
    company = make_company(n_leads=20, n_customers=20, n_shoppers=1200, random_state=4)
    workspace = Workspace(tmp_path / "ws")
    steps: list[tuple[str, float]] = []
    sections, lines, models = customer_value(
        workspace,
        company.orders,
        company.truths["orders"],
        progress=lambda message, fraction: steps.append((message, fraction)),
    )
    assert [m["name"] for m in models] == ["clv", "segments", "basket", "anomalies"]
    assert {r.usecase for r in Registry(workspace).list()} == {
        "clv", "segments", "basket", "anomalies",
    }  # fmt: skip
    titles = [s.title for s in sections]
    assert titles[0] == "Lifetime value: the model" and "Found against known cases" in titles
    assert f"after {CLV_CUTOFF}" in sections[1].text[0] or CLV_CUTOFF in sections[1].text[0]
    assert len(lines) == 4 and lines[0].startswith("Lifetime value: BG/NBD")
    fractions = [f for _, f in steps]
    assert fractions == sorted(fractions) and fractions[-1] < 1
