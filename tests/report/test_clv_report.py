"""Tests of the CLV report sections (revlearn.report.clv_report)."""

from __future__ import annotations

import pytest

from revlearn.data.synth import make_company
from revlearn.errors import InputError
from revlearn.report.clv_report import (
    alive_figure,
    clv_sections,
    frequency_buckets_figure,
    value_concentration_figure,
)
from revlearn.report.html import render_page
from revlearn.usecases.clv import CLVModel


@pytest.fixture(scope="module")
def model() -> CLVModel:
    orders = make_company(n_leads=20, n_customers=20, n_shoppers=1500, random_state=2).orders
    return CLVModel(model="bgnbd").fit(orders, until="2025-03-31")


def test_bucket_figure_draws_actual_and_each_model(model: CLVModel) -> None:
    assert model.holdout_ is not None
    fig = frequency_buckets_figure(model.holdout_)
    assert [t.name for t in fig.data] == ["actual", "BG/NBD"]
    assert list(fig.data[0].x) == [b["frequency"] for b in model.holdout_.buckets]
    assert "91 days after 2025-03-31" in fig.layout.title.text


def test_value_curve_is_a_concentration_curve(model: CLVModel) -> None:
    fig = value_concentration_figure(model.predict())
    y = fig.data[0].y
    assert y[0] == 0.0 and y[-1] == pytest.approx(1.0)
    # sorted from the most valuable down: the curve is concave, above the diagonal
    assert all(v >= x - 1e-12 for x, v in zip(fig.data[0].x, y, strict=True))


def test_alive_figure_samples_large_tables(model: CLVModel) -> None:
    scored = model.predict()
    fig = alive_figure(scored)
    assert len(fig.data[0].x) == min(3000, len(scored))
    assert max(fig.data[0].y) <= 1.0


def test_sections_read_the_model_in_sentences(model: CLVModel) -> None:
    sections = clv_sections(model)
    titles = [s.title for s in sections]
    assert titles == [
        "Lifetime value: the model",
        "Holdout check: forecast against what customers did",
        "Who is worth most",
    ]
    assert "times a year" in sections[0].text[0]
    assert "purchases per customer on average" in sections[1].text[0]
    assert "the top 20 % hold" in sections[2].text[0]
    page = render_page("CLV", sections)
    assert "<script" in page and "<script src=" not in page
    with pytest.raises(InputError, match=r"needs a fitted CLVModel"):
        clv_sections(CLVModel())
