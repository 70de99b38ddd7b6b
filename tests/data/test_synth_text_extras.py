from __future__ import annotations

import numpy as np
import pandas as pd

from revlearn.data.synth.text_extras import (
    make_call_transcripts,
    make_product_mentions,
    make_topic_texts,
)


def test_mentions_spans_point_at_the_text_and_are_reproducible():
    (catalog, posts, spans), truths = make_product_mentions(np.random.default_rng(0), 300)
    assert catalog["product"].is_unique and catalog["competitor"].sum() == 2
    texts = posts.set_index("post_id")["text"]
    for row in spans.itertuples():
        written = texts[row.post_id][row.start : row.end]
        assert written and written == written.strip()
        if row.kind == "exact":
            assert written.startswith(row.product)
        if row.kind == "typo":
            assert written.lower() != row.product.lower()
    assert set(spans["label"]) == {"PRODUCT", "COMPETITOR", "ORG", "MONEY", "DATE"}
    assert truths["typo_ids"] and truths["decoy_ids"]
    assert not spans["post_id"].isin(truths["decoy_ids"]).any()
    again = make_product_mentions(np.random.default_rng(0), 300)[0][1]
    pd.testing.assert_frame_equal(posts, again)


def test_rising_product_and_topic_are_planted():
    (_, posts, spans), truths = make_product_mentions(np.random.default_rng(1), 1500)
    products = spans[spans["label"] == "PRODUCT"].merge(posts, on="post_id")
    early = products["created_at"] < products["created_at"].median()
    share = products["product"].eq(truths["rising_product"]).groupby(early).mean()
    assert share[False] > share[True] + 0.1
    frame, topics = make_topic_texts(np.random.default_rng(2), 1000)
    assert set(frame["topic"]) == set(topics["topic_words"])
    late = frame["created_at"] > frame["created_at"].median()
    rising = frame["topic"].eq(topics["rising_topic"]).groupby(late).mean()
    assert rising[True] > rising[False] + 0.1


def test_calls_plant_a_price_effect_and_no_timing_effect():
    (utterances, deals), truths = make_call_transcripts(np.random.default_rng(3), 2000)
    assert set(utterances["speaker"]) == {"Rep", "Customer"}
    won = deals.set_index("call_id")["outcome"].eq("won")
    price = pd.Series({c: "price" in ks for c, ks in truths["objections"].items()})
    timing = pd.Series({c: "timing" in ks for c, ks in truths["objections"].items()})
    assert won[price].mean() < won[~price].mean() - 0.2
    only_timing = timing & ~price
    neither = ~timing & ~price
    assert abs(won[only_timing].mean() - won[neither].mean()) < 0.1
    assert truths["win_effects"]["timing"] == 0.0
