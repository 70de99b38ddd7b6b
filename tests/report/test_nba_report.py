"""NBA and bandit figures carry the models' numbers; the sections read them in plain words."""

from __future__ import annotations

import numpy as np
import pytest

from revlearn.data.synth.campaigns import (
    VARIANTS,
    make_bandit_log,
    make_bandit_visitors,
    make_nba_history,
)
from revlearn.errors import NotFittedError
from revlearn.evaluate.offpolicy import evaluate_policy
from revlearn.report.html import render_page
from revlearn.report.nba_report import (
    action_mix_figure,
    bandit_sections,
    expected_value_figure,
    nba_sections,
    offpolicy_figure,
    regret_figure,
)
from revlearn.usecases.bandit import ContextualBandit, regret_curves
from revlearn.usecases.nba import NextBestAction
from tests.report.conftest import needs_chromium, render

CONTEXT = ["segment", "channel", "history_count"]


@pytest.fixture(scope="module")
def nba() -> NextBestAction:
    frames, _ = make_nba_history(np.random.default_rng(0), 800)
    return NextBestAction(structure="per-action", learner="logistic", max_contacts=500).fit(
        frames["history"], customers=frames["customers"], catalogue=frames["catalogue"]
    )


@pytest.fixture(scope="module")
def bandit_run():
    visitors, truths = make_bandit_visitors(np.random.default_rng(1), 3000)
    bandit = ContextualBandit(arms=VARIANTS)
    curves = regret_curves(
        {"LinUCB": bandit}, visitors[CONTEXT], truths["click_probability"], batch_size=10
    )
    logged, _log_truths = make_bandit_log(np.random.default_rng(2), 2000)
    target = bandit.predict(logged[CONTEXT])["arm"].to_numpy()
    estimates = evaluate_policy(
        logged,
        target,
        arm_col="variant",
        reward_col="clicked",
        context_cols=CONTEXT,
        n_bootstrap=100,
    )
    return bandit, curves, estimates


def test_action_mix_and_value_figures(nba):
    summary = nba.summary()
    fig = action_mix_figure(nba)
    assert list(fig.data[0].x) == nba.actions_
    assert list(fig.data[0].y) == [summary["action_counts"][a] for a in nba.actions_]
    assert sum(fig.data[0].y) == 800
    value = expected_value_figure(nba)
    assert "nothing" not in value.data[0].x
    assert sum(value.data[0].y) == pytest.approx(summary["expected_total_value"])


def test_nba_sections_read_the_plan(nba):
    sections = nba_sections(nba)
    assert [s.title for s in sections] == [
        "Next best action: action mix",
        "Expected value by action",
        "Holdout design",
    ]
    summary = nba.summary()
    assert f"{summary['n_contacted']:,} get an action" in sections[0].text[0]
    assert f"{summary['holdout_size']:,} customers (10%)" in sections[2].text[0]
    assert "contact cap of 500" in sections[2].text[1]
    with pytest.raises(NotFittedError):
        nba_sections(NextBestAction())


def test_regret_figure_has_every_policy(bandit_run):
    _, curves, _ = bandit_run
    fig = regret_figure(curves, points=100)
    names = [t.name for t in fig.data]
    assert names == ["oracle", "random", "A/B then exploit", "LinUCB"]
    linucb = fig.data[3]
    assert linucb.y[-1] == pytest.approx(curves["LinUCB"].iloc[-1])
    assert len(linucb.x) <= 102


def test_offpolicy_figure_and_bandit_sections(bandit_run):
    bandit, curves, estimates = bandit_run
    fig = offpolicy_figure(estimates)
    assert len(fig.data[0].x) == 4
    np.testing.assert_allclose(
        np.asarray(fig.data[0].error_x.array), estimates["hi"] - estimates["estimate"]
    )
    sections = bandit_sections(curves, estimates, bandit=bandit)
    assert [s.title for s in sections] == [
        "Content bandit: cumulative regret",
        "Off-policy evaluation",
    ]
    assert f"LinUCB loses {curves['LinUCB'].iloc[-1]:,.0f} clicks" in sections[0].text[1]
    assert sections[0].tables[0]["pulls"].sum() == 3000
    # the bandit's greedy policy is better than the logged (mostly uniform) one
    assert "better than the logged policy" in sections[1].text[1]


@needs_chromium
def test_page_renders_without_errors(nba, bandit_run, tmp_path):
    _bandit, curves, estimates = bandit_run
    html = render_page("Campaigns", [*nba_sections(nba), *bandit_sections(curves, estimates)])
    assert html.count('class="plotly-graph-div"') == 4
    page = tmp_path / "campaigns.html"
    page.write_text(html, encoding="utf-8")
    shown = render(page, tmp_path, "--dump-dom")
    assert not shown.errors
    assert "Cumulative regret" in shown.dom
