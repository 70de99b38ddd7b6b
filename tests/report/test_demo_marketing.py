"""Tests of the personalisation part of the demo (revlearn.report.demo_marketing)."""

from __future__ import annotations

import re

from revlearn.data.synth import make_company
from revlearn.report.demo_marketing import HELD_OUT_DAYS, personalisation
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace


def test_personalisation_fits_registers_and_reports(tmp_path):
    company = make_company(n_leads=20, n_customers=20, n_shoppers=20, n_sales_days=20)
    workspace = Workspace(tmp_path / "ws")
    steps: list[str] = []
    sections, lines, models = personalisation(
        workspace, company, progress=lambda message, fraction: steps.append(message)
    )
    assert [m["name"] for m in models] == ["recommend", "nba", "bandit"]
    assert {r.usecase for r in Registry(workspace).list()} == {"recommend", "nba", "bandit"}
    titles = [s.title for s in sections]
    assert "Quality on held-out interactions" in titles and "Off-policy evaluation" in titles
    recs, nba, bandit = lines
    assert f"the last {HELD_OUT_DAYS} days' purchases" in recs
    # the planted taste clusters: the lists beat popularity on later purchases
    gain = re.search(r"\(([+-]\d+)% nDCG\)", recs)
    assert gain is not None and int(gain.group(1)) > 40
    assert "planted best action" in nba and "off-policy (DR)" in bandit
    assert steps == ["recommendations", "next best action", "content bandit"]
