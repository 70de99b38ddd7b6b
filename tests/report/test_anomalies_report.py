"""Anomaly report: sections, sentences that match the data, charts, and a page that draws."""

from __future__ import annotations

import pytest

from revlearn.errors import InputError
from revlearn.report.anomalies_report import (
    amount_vs_usual_figure,
    anomalies_sections,
    reasons_figure,
    score_figure,
    top_anomalies_table,
)
from revlearn.report.html import render_page
from revlearn.usecases.anomalies import TransactionAnomalies
from tests.report.conftest import needs_chromium, render
from tests.usecases.test_anomalies import ROLES, make_transactions


@pytest.fixture(scope="module")
def data():
    return make_transactions(n_customers=150, seed=2)


@pytest.fixture(scope="module")
def model(data):
    return TransactionAnomalies(**ROLES, channel_col="channel").fit(data)


@pytest.fixture(scope="module")
def sections(model, data):
    return anomalies_sections(model, data, label_col="fraud", top=15)


def test_sections_titles_figures_and_sentences(sections):
    assert [s.title for s in sections] == [
        "Unusual transactions",
        "Most unusual transactions",
        "Why they were flagged",
        "Amounts against the usual",
        "Found against known cases",
    ]
    assert [len(s.figures) for s in sections] == [1, 0, 1, 1, 0]
    assert all(s.text for s in sections)


def test_sentences_read_the_numbers(model, data, sections):
    scored = model.predict(data, detail=True)
    n_flag = int(scored["flag"].sum())
    head = sections[0].text[0]
    assert head.startswith(f"{n_flag:,} of {len(data):,} transactions")
    assert "isolation forest" in head
    first = scored.loc[scored["flag"], "reason_code_1"].value_counts().index[0]
    assert first in {"n_prev_1h", "n_prev_24h", "gap_log", "amount_prev_24h", "hour_rarity"}
    label = {
        "n_prev_1h": "many in the last hour",
        "n_prev_24h": "many in the last 24 h",
        "gap_log": "right after",
        "amount_prev_24h": "much spent",
        "hour_rarity": "unusual hour",
    }[first]
    assert sections[2].text[0].lower().startswith(label)
    assert "ROC AUC 0.9" in sections[4].text[0]


def test_top_table_is_the_highest_scores(model, data, sections):
    table = sections[1].tables[0]
    assert len(table) == 15
    assert table["score"].is_monotonic_decreasing
    assert {"tx_id", "customer", "reason_1", "usual_amount"} <= set(table.columns)
    assert not any(c.startswith("reason_code") for c in table.columns)
    flagged_ids = set(model.predict(data).query("flag")["tx_id"])
    assert set(table["tx_id"]) <= flagged_ids


def test_figures_draw_the_data(model, data):
    scored = model.predict(data, detail=True)
    hist = score_figure(scored, model.summary()["threshold_raw"])
    assert [t.name for t in hist.data] == ["not flagged", "flagged"]
    assert len(hist.data[1].x) == int(scored["flag"].sum())
    bars = reasons_figure(scored)
    assert sum(bars.data[0].x) == int((scored.loc[scored["flag"], "reason_code_1"] != "").sum())
    scatter = amount_vs_usual_figure(scored, amount_col="amount")
    flagged = scatter.data[1]
    assert len(flagged.y) == int(scored["flag"].sum())
    amount_frauds = data.index[data["kind"] == "amount"]
    ratio = scored.loc[amount_frauds, "amount"] / scored.loc[amount_frauds, "usual_amount"]
    assert (ratio > 4).all()  # the planted 8-20x amounts sit far above the line
    assert len(top_anomalies_table(scored, top=5)) == 5


def test_reasons_need_the_detail_columns(model, data):
    with pytest.raises(InputError, match=r"detail=True"):
        reasons_figure(model.predict(data.head(100)))


def test_sections_need_a_fitted_model(data):
    with pytest.raises(InputError, match="fitted TransactionAnomalies"):
        anomalies_sections(TransactionAnomalies(**ROLES), data)


@needs_chromium
def test_page_draws_in_a_headless_browser(sections, tmp_path):
    html = render_page("Unusual transactions", sections)
    assert html.count('class="plotly-graph-div"') == 3
    page = tmp_path / "anomalies.html"
    page.write_text(html, encoding="utf-8")
    shown = render(page, tmp_path, "--dump-dom")
    assert shown.errors == []
    assert shown.dom.count('class="main-svg"') >= 3
