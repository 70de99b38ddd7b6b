from __future__ import annotations

import numpy as np
import pytest

from revlearn.data.synth.texts import make_reviews, make_tickets
from revlearn.errors import NotFittedError
from revlearn.report.html import render_page
from revlearn.report.text_report import routing_sections, sentiment_sections
from revlearn.usecases.text import SentimentModel, TextClassifier


@pytest.fixture(scope="module")
def reviews():
    return make_reviews(np.random.default_rng(1), 1300)


def test_sentiment_sections_read_the_planted_drop(reviews):
    frame, truths = reviews
    model = SentimentModel(product_col="product", timestamp_col="created_at").fit(frame)
    sections = sentiment_sections(model, frame)
    titles = [s.title for s in sections]
    assert titles[:3] == [
        "Sentiment of the texts",
        "Aspect sentiment by product",
        "Sentiment over time",
    ]
    trend_text = " ".join(sections[2].text)
    assert f"Alert: {truths['drop']['product']}" in trend_text
    assert truths["steady_product"] not in trend_text
    assert "not in en" in " ".join(sections[-1].text)
    page = render_page("Reviews", sections)
    assert page.count("plotly-graph-div") >= 4


def test_routing_sections():
    frame, _ = make_tickets(np.random.default_rng(2), 700)
    model = TextClassifier(target_col="category", target_precision=0.99).fit(frame.iloc[:500])
    sections = routing_sections(model, frame.iloc[500:])
    assert [s.title for s in sections] == ["Routing quality", "When to send a ticket to a human"]
    assert "held-out" in sections[0].text[0]
    assert "99%" in sections[1].text[0]
    cv_only = routing_sections(model)
    assert "cross-validation" in cv_only[0].text[0]
    with pytest.raises(NotFittedError):
        routing_sections(TextClassifier(target_col="category"))
