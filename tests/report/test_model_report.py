"""The full model report: sections, sentences, charts, and a page a browser can draw."""

from __future__ import annotations

import pytest

from revlearn.data.synth import make_company
from revlearn.errors import InputError
from revlearn.report.model_report import model_report, model_sections
from revlearn.usecases.churn import ChurnModel
from tests.report.conftest import needs_chromium, render


@pytest.fixture(scope="module")
def fitted():
    customers = make_company(n_leads=10, n_customers=2500, random_state=0).customers
    train, held_out = customers.iloc[:2000], customers.iloc[2000:]
    model = ChurnModel(candidates=["logistic"], random_state=0, time_budget=5).fit(train)
    return model, held_out


@pytest.fixture(scope="module")
def full(fitted):
    model, held_out = fitted
    return model_sections(
        model,
        held_out,
        value=1200,
        cost=30,
        success_rate=0.3,
        sensitive=("gender",),
        name="Churn",
    )


def _titles(sections):
    return [s.title for s in sections]


def test_every_section_has_charts_and_sentences(full):
    assert _titles(full) == [
        "Churn: summary and fit",
        "Churn: how well it ranks",
        "Churn: are the probabilities honest?",
        "Churn: how many to contact for the most profit",
        "Churn: what drives the scores",
        "Churn: how the top columns move the score",
        "Churn: the model as rules of thumb",
        "Churn: fairness across groups",
    ]
    assert [len(s.figures) for s in full] == [1, 5, 1, 1, 3, 3, 1, 1]
    assert all(s.text for s in full)


def test_sentences_read_the_charts(fitted, full):
    model, _ = fitted
    text = {s.title: " ".join(s.text) for s in full}
    assert "Held-out ROC AUC" in text["Churn: summary and fit"]
    assert "Fit: " in text["Churn: summary and fit"]
    assert "customers" in text["Churn: how well it ranks"]
    assert "Expected calibration error" in text["Churn: are the probabilities honest?"]
    assert "Contact the top" in text["Churn: how many to contact for the most profit"]
    assert "Segment: " in text["Churn: what drives the scores"]
    assert text["Churn: how the top columns move the score"].count("Effect: ") == 3
    assert "IF " in text["Churn: the model as rules of thumb"]
    assert "gender" in text["Churn: fairness across groups"]
    assert len(full[4].tables[0]) <= 12
    summary_table = full[0].tables[0]
    assert list(summary_table.columns) == [
        "metric",
        "held-out",
        "cross-validated",
        "± (std over folds)",
    ]
    assert summary_table["metric"].iloc[0] == "ROC AUC"
    assert summary_table["held-out"].iloc[0] == pytest.approx(model.evaluate(fitted[1]).roc_auc)


def test_profit_and_fairness_only_when_asked(fitted):
    model, held_out = fitted
    titles = _titles(model_sections(model, held_out, value=1200))
    assert len(titles) == 6
    assert not any("profit" in t or "fairness" in t for t in titles)
    assert titles[0] == "Churn model: summary and fit"


def test_rejects_an_unfitted_model_and_one_outcome(fitted):
    model, held_out = fitted
    with pytest.raises(InputError, match="fitted yes/no model"):
        model_sections(ChurnModel(), held_out)
    with pytest.raises(InputError, match="only one value"):
        model_sections(model, held_out[held_out["churned"] == held_out["churned"].iloc[0]])


@needs_chromium
def test_page_draws_every_chart_in_a_headless_browser(fitted, tmp_path):
    model, held_out = fitted
    html = model_report(
        model, held_out, value=1200, cost=30, success_rate=0.3, sensitive=("gender",)
    )
    n_figures = html.count('class="plotly-graph-div"')
    assert n_figures == 16
    assert "<script src=" not in html
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    shown = render(page, tmp_path, "--dump-dom")
    assert shown.errors == []
    assert shown.dom.count('class="main-svg"') >= n_figures
    shot = tmp_path / "report.png"
    render(page, tmp_path, f"--screenshot={shot}", "--window-size=1300,4000")
    assert shot.exists()
    assert shot.stat().st_size > 50_000
