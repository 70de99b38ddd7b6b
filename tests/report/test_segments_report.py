"""Segment report: every chart is drawn from the fitted model and read in sentences."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from revlearn.errors import InputError, RevlearnWarning
from revlearn.report.html import render_page
from revlearn.report.segments_report import (
    dendrogram_figure,
    k_selection_figure,
    segment_map_figure,
    segment_sizes_figure,
    segment_traits_figure,
    segments_sections,
    u_matrix_figure,
)
from revlearn.usecases.segments import CustomerSegments
from tests.report.conftest import needs_chromium, render
from tests.usecases.segments.test_model import blob, planted_customers


@pytest.fixture(scope="module")
def frame():
    return planted_customers(n=800)[0]


@pytest.fixture(scope="module")
def models(frame):
    return {
        m: CustomerSegments(method=m, value_col="monetary", n_bootstrap=5).fit(frame)
        for m in ("kmeans", "ward", "som")
    }


def test_sections_read_the_charts(models):
    sections = segments_sections(models["kmeans"])
    titles = [s.title for s in sections]
    assert titles == ["Customer segments", "How many segments", "What sets each segment apart",
                      "Stability"]  # fmt: skip
    text = " ".join(t for s in sections for t in s.text)
    assert "grouped into 4 segments with k-means" in text
    assert "the silhouette is highest at k = 4" in text
    assert "High-value loyalists hold" in text
    assert "median adjusted Rand index of 1.00" in text
    assert "well separated" in text
    assert all(s.figures for s in sections)
    assert "<html" in render_page("Segments", sections).lower()


def test_method_specific_sections(models):
    ward = segments_sections(models["ward"])
    assert ward[-1].title == "Hierarchy (Ward)"
    som = segments_sections(models["som"])
    assert som[-1].title == "Self-organising map"
    assert "follow real gaps" in som[-1].text[0]


def test_dendrogram_cut_gives_the_segments(models):
    model = models["ward"]
    fig = dendrogram_figure(model)
    heights = np.sort(np.asarray(model.linkage_)[:, 2])
    cut = fig.layout.shapes[0].y0
    assert (heights > cut).sum() == model.n_segments_ - 1
    assert len(fig.data) == 29  # 30 leaves, 29 merges drawn
    with pytest.raises(InputError, match="needs method='ward'"):
        dendrogram_figure(models["kmeans"])


def test_u_matrix_marks_borders(models):
    model = models["som"]
    fig = u_matrix_figure(model)
    u = np.asarray(fig.data[0].z)
    assert u.shape == tuple(model.som_shape_)
    seg = np.asarray(model.som_node_segments_).reshape(u.shape)
    border = np.zeros(u.shape, dtype=bool)
    border[:, 1:] |= seg[:, 1:] != seg[:, :-1]
    border[1:, :] |= seg[1:, :] != seg[:-1, :]
    assert u[border].mean() > 1.3 * u[~border].mean()
    with pytest.raises(InputError, match="needs method='som'"):
        u_matrix_figure(models["ward"])


def test_figures_carry_the_model_numbers(models):
    model = models["kmeans"]
    k_fig = k_selection_figure(model)
    assert list(k_fig.data[0].x) == list(range(2, 9))
    assert max(zip(k_fig.data[0].y, k_fig.data[0].x, strict=True))[1] == 4
    sizes = segment_sizes_figure(model)
    assert abs(sum(sizes.data[0].y) - 1) < 1e-9 and sizes.data[1].name == "monetary"
    points = sum(len(t.x) for t in segment_map_figure(model).data[:-1])
    assert points == min(800, 2000)
    heat = segment_traits_figure(model, top=5)
    assert len(heat.data[0].y) == 5 and len(heat.data[0].x) == 4


def test_structureless_data_reads_as_weak():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RevlearnWarning)
        model = CustomerSegments(n_bootstrap=5).fit(blob(600))
    text = " ".join(segments_sections(model)[3].text)
    assert "no clear segment structure" in text


def test_unfitted_model_is_refused():
    with pytest.raises(InputError, match="fitted CustomerSegments"):
        segments_sections(CustomerSegments())


@needs_chromium
def test_page_draws_every_chart_in_a_headless_browser(models, tmp_path):
    sections = [*segments_sections(models["ward"]), segments_sections(models["som"])[-1]]
    html = render_page("Customer segments", sections)
    n_figures = sum(len(s.figures) for s in sections)
    assert html.count('class="plotly-graph-div"') == n_figures == 7
    page = tmp_path / "segments.html"
    page.write_text(html, encoding="utf-8")
    shown = render(page, tmp_path, "--dump-dom")
    assert shown.errors == []
    assert shown.dom.count("main-svg") >= n_figures
