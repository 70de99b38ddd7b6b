"""Recommender report: charts carry the evaluation's numbers; sections read them in words."""

from __future__ import annotations

import numpy as np
import pytest

from revlearn.data.synth.interactions import make_interactions
from revlearn.errors import NotFittedError
from revlearn.report.html import render_page
from revlearn.report.recommend_report import (
    ACCURACY_METRICS,
    backtest_figure,
    metric_over_k_figure,
    recommend_sections,
)
from revlearn.usecases.recommend import Recommender


@pytest.fixture(scope="module")
def fitted():
    inter, items, users, _ = make_interactions(np.random.default_rng(4), n_users=400, n_items=60)
    pairs = inter[["user", "item"]].drop_duplicates()
    held = pairs.sample(frac=0.2, random_state=0)
    key = inter.set_index(["user", "item"]).index
    train = inter[~key.isin(held.set_index(["user", "item"]).index)]
    model = Recommender(timestamp_col="timestamp").fit(train, items=items, users=users)
    return model, held


def test_metric_chart_has_model_and_baseline(fitted):
    model, held = fitted
    evaluation = model.evaluate(held, ks=[1, 5, 10])
    fig = metric_over_k_figure(evaluation, "ndcg")
    assert [t.name for t in fig.data] == ["revlearn", "popularity"]
    ours = evaluation[evaluation["model"] == "revlearn"].sort_values("k")
    np.testing.assert_allclose(fig.data[0].y, ours["ndcg"])
    assert list(fig.data[0].x) == [1, 5, 10]


def test_backtest_chart_marks_the_chosen_model(fitted):
    model, _ = fitted
    fig = backtest_figure(model)
    bars = fig.data[0]
    assert len(bars.y) == len(model.backtest_)
    chosen = [c == "#e76f51" for c in bars.marker.color]
    assert sum(chosen) == 1 and bars.y[chosen.index(True)].startswith(model.method_)
    assert bars.x[-1] == max(r["ndcg"] for r in model.backtest_)


def test_sections_render_with_reasons(fitted):
    model, held = fitted
    sections = recommend_sections(model, held, ks=(1, 5, 10))
    titles = [s.title for s in sections]
    assert titles[:3] == [
        "How the model was chosen",
        "Quality on held-out interactions",
        "Example recommendations",
    ]
    quality = sections[1]
    assert len(quality.figures) == len(ACCURACY_METRICS)
    assert set(quality.tables[0]["model"]) == {"revlearn", "popularity"}
    assert {"coverage", "novelty", "diversity"} <= set(quality.tables[0].columns)
    examples = sections[2].tables[0]
    assert examples["reason"].str.len().min() > 5
    assert "won with nDCG@10" in sections[0].text[1]
    html = render_page("Recommendations", sections)
    assert "Example recommendations" in html and "because you bought" in html


def test_sections_without_held_out_and_unfitted():
    with pytest.raises(NotFittedError):
        recommend_sections(Recommender())
