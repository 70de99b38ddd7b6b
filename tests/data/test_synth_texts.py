from __future__ import annotations

import numpy as np

from revlearn.data.synth.texts import TICKET_CATEGORIES, make_reviews, make_tickets


def test_reviews_shape_and_truths():
    frame, truths = make_reviews(np.random.default_rng(0), 650)
    assert list(frame.columns) == [
        "review_id",
        "product",
        "source",
        "created_at",
        "text",
        "rating",
        "sentiment",
    ]
    assert frame["review_id"].is_unique and frame["created_at"].is_monotonic_increasing
    assert set(frame["rating"]) <= {1, 2, 3, 4, 5}
    assert set(truths["empty_ids"]) <= set(frame["review_id"])
    empty = frame.set_index("review_id").loc[truths["empty_ids"], "text"]
    assert (empty.str.strip() == "").all()
    drop = truths["drop"]
    week = frame[
        (frame["product"] == drop["product"])
        & (frame["created_at"] >= drop["week_start"])
        & (frame["created_at"] < drop["week_start"] + np.timedelta64(7, "D"))
    ]
    other = frame[frame["product"] == drop["product"]]
    assert len(week) > 2 * len(other) / 26
    assert (week["rating"] <= 2).mean() > 0.7 > (other["rating"] <= 2).mean()


def test_planted_aspect_words_appear():
    frame, truths = make_reviews(np.random.default_rng(0), 650)
    phone = frame[frame["product"] == "Aurora phone"]["text"].str.lower()
    assert truths["aspect_signs"]["Aurora phone"] == {"battery": 1, "screen": -1}
    assert phone.str.contains("battery").mean() > 0.3


def test_tickets_same_seed_same_data():
    a, truths = make_tickets(np.random.default_rng(3), 300)
    b, _ = make_tickets(np.random.default_rng(3), 300)
    assert a.equals(b)
    assert set(a["category"]) == set(TICKET_CATEGORIES) == set(truths["categories"])
    assert a["text"].str.len().min() > 10
