from __future__ import annotations

import numpy as np
import pytest

from revlearn.data.synth.text_extras import (
    make_call_transcripts,
    make_product_mentions,
    make_topic_texts,
)
from revlearn.errors import NotFittedError
from revlearn.report.html import render_page
from revlearn.report.text_insights_report import (
    calls_sections,
    mentions_sections,
    topics_sections,
)
from revlearn.usecases.text import CallInsights, ProductMentions, TopicModel


def test_mentions_sections_name_the_rising_product():
    (catalog, posts, _), truths = make_product_mentions(np.random.default_rng(4), 400)
    model = ProductMentions(timestamp_col="created_at").fit(catalog=catalog)
    sections = mentions_sections(model, posts)
    assert [s.title for s in sections] == ["Product mentions", "Share of voice over time"]
    assert f"Gaining most: {truths['rising_product']}" in sections[1].text[0]
    page = render_page("Mentions", sections)
    assert page.count("plotly-graph-div") >= 2


def test_topics_sections_show_the_rising_topic():
    frame, truths = make_topic_texts(np.random.default_rng(6), 500)
    model = TopicModel(timestamp_col="created_at", n_topics=5).fit(frame)
    sections = topics_sections(model, frame)
    assert [s.title for s in sections] == ["Topics", "Topic trends", "Example texts per topic"]
    rising = sections[1].text[0]
    assert rising.startswith("Rising:")
    assert any(w in rising for w in truths["topic_words"][truths["rising_topic"]])
    assert len(sections[2].tables[0]) == 10
    assert render_page("Topics", sections).count("plotly-graph-div") >= 2


def test_calls_sections_advise_on_price():
    (utterances, deals), _ = make_call_transcripts(np.random.default_rng(8), 250)
    model = CallInsights().fit(utterances, deals=deals)
    sections = calls_sections(model, utterances)
    assert [s.title for s in sections] == [
        "Objections and win rates",
        "Talk ratio and questions",
        "Sentiment path of a call",
    ]
    assert any(line.startswith("Prepare for price") for line in sections[0].text)
    assert len(sections[2].figures[0].data) == 3
    no_outcomes = calls_sections(CallInsights().fit(utterances), utterances, call="C0001")
    assert no_outcomes[0].text[-1].startswith("No outcomes")
    assert render_page("Calls", sections).count("plotly-graph-div") >= 3
    with pytest.raises(NotFittedError):
        calls_sections(CallInsights(), utterances)
