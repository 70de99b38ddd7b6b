"""Basket figures carry the model's numbers; the sections read them in plain words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import NotFittedError
from revlearn.report.basket_report import (
    basket_sections,
    lift_heatmap_figure,
    rules_scatter_figure,
    top_items_figure,
)
from revlearn.report.html import render_page
from revlearn.usecases.basket import BasketAnalysis
from tests.report.conftest import needs_chromium, render
from tests.usecases.basket.test_model import make_orders


@pytest.fixture(scope="module")
def model() -> BasketAnalysis:
    return BasketAnalysis(min_support=0.02, min_confidence=0.2).fit(make_orders())


def test_rules_scatter_one_marker_per_rule(model):
    rules = model.rules()
    fig = rules_scatter_figure(rules)
    assert len(fig.data[0].x) == len(rules) > 0
    np.testing.assert_allclose(fig.data[0].marker.color, rules["lift"])
    assert fig.data[0].text[0] == f"{rules['antecedents'][0]} → {rules['consequents'][0]}"


def test_top_items_largest_on_top(model):
    fig = top_items_figure(model, top=5)
    shares = np.asarray(fig.data[0].x)
    assert len(shares) == 5
    assert shares[-1] == pytest.approx(model.item_counts_.max() / model.n_baskets_)
    assert np.all(np.diff(shares) >= 0)  # plotted bottom-up


def test_lift_heatmap_shows_the_planted_pair(model):
    fig = lift_heatmap_figure(model, top=30)
    names = list(fig.data[0].x)
    grid = np.asarray(fig.data[0].z, dtype=float)
    lift = grid[names.index("pasta"), names.index("sauce")]
    assert lift == grid[names.index("sauce"), names.index("pasta")]
    assert lift == pytest.approx(
        model.bundles(size=2).set_index("bundle").loc["pasta + sauce", "lift"]
    )
    assert lift == np.nanmax(grid)


def test_sections_read_the_charts(model):
    sections = basket_sections(model)
    titles = [s.title for s in sections]
    assert titles == [
        "What is in the baskets",
        "Rules: what predicts what",
        "Items bought together",
        "Bundles to offer",
    ]
    assert f"{model.n_baskets_:,} baskets" in sections[0].text[0]
    best = model.rules().iloc[0]
    assert best["antecedents"] in sections[1].text[1]
    assert "pasta + sauce" in sections[2].text[1]
    assert isinstance(sections[1].tables[0], pd.DataFrame)
    assert sum(len(s.figures) for s in sections) == 3


def test_sections_without_rules_say_so():
    model = BasketAnalysis(min_support=0.3).fit(make_orders())
    sections = basket_sections(model)
    rules = next(s for s in sections if s.title.startswith("Rules"))
    assert "No rule reaches" in rules.text[0]
    assert rules.figures == []
    assert sections[-1].title == "Notes about the data"


def test_sections_need_a_fitted_model():
    with pytest.raises(NotFittedError):
        basket_sections(BasketAnalysis())


@needs_chromium
def test_page_draws_in_a_headless_browser(model, tmp_path):
    html = render_page("Market basket", basket_sections(model))
    assert html.count('class="plotly-graph-div"') == 3
    page = tmp_path / "basket.html"
    page.write_text(html, encoding="utf-8")
    shown = render(page, tmp_path, "--dump-dom")
    assert shown.errors == []
    assert shown.dom.count('class="main-svg"') >= 3
