"""Tests of SentimentModel (revlearn.usecases.text.sentiment) with its aspect and trend
methods (revlearn.usecases.text._sentiment_aspects): lexicon, trained, aspects, drops."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import InputError, NotFittedError, ParameterError, SchemaError
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace
from revlearn.usecases.text import SentimentModel


@pytest.fixture(scope="module")
def lexicon_model(reviews):
    frame, _ = reviews
    return SentimentModel(
        id_col="review_id", product_col="product", timestamp_col="created_at"
    ).fit(frame)


def test_lexicon_labels_agree_with_planted_ratings(lexicon_model, reviews):
    frame, _ = reviews
    out = lexicon_model.predict(frame)
    assert list(out.columns) == [
        "review_id",
        "label",
        "sentiment",
        "polarity",
        "confidence",
        "language",
        "status",
    ]
    clear = frame["sentiment"].isin(["positive", "negative"]).to_numpy() & out["label"].notna()
    hit = (out["label"] == frame["sentiment"])[clear].mean()
    assert hit > 0.8
    assert out["polarity"].dropna().between(-1, 1).all()


def test_bad_rows_flagged_not_scored(lexicon_model, reviews):
    frame, truths = reviews
    out = lexicon_model.predict(frame).set_index("review_id")
    other = out.loc[truths["other_language_ids"]]
    assert (other["status"] == "other_language").all()
    assert other["label"].isna().all() and other["polarity"].isna().all()
    assert (other["language"] != "en").all()
    empty = out.loc[truths["empty_ids"]]
    assert (empty["status"] == "empty").all() and empty["label"].isna().all()
    counts = lexicon_model.summary()["status_counts"]
    assert counts["other_language"] == len(truths["other_language_ids"])


def test_two_labels_follow_vader_reading():
    texts = ["It is good.", "It is bad.", "It is a chair.", "ok :(", "It didn’t work."]
    frame = pd.DataFrame({"text": texts})
    out = SentimentModel(neutral=False, n_aspects=0).fit(frame).predict(frame)
    assert out["label"].tolist() == ["positive", "negative", "positive", "negative", "negative"]
    assert out["polarity"].iloc[4] == 0
    three = SentimentModel(n_aspects=0).fit(frame).predict(frame)
    assert three["label"].tolist()[2] == "neutral"


def test_aspect_signs_recovered(lexicon_model, reviews):
    frame, truths = reviews
    table = lexicon_model.aspect_summary(frame)
    assert set(truths["aspects"]) >= set(lexicon_model.aspect_terms_) >= {"battery", "screen"}
    means = table.set_index(["product", "aspect"])["mean_polarity"]
    for product, signs in truths["aspect_signs"].items():
        for aspect, sign in signs.items():
            assert np.sign(means[(product, aspect)]) == sign, (product, aspect)
    # negative control: the mixed aspects stay near zero
    mixed = [
        means[(p, a)]
        for p, signs in truths["aspect_signs"].items()
        for a in ("price", "build", "delivery", "battery")
        if (p, a) in means.index and a not in signs
    ]
    assert np.abs(mixed).max() < 0.2


def test_aspect_sentiment_in_one_sentence():
    frame = pd.DataFrame({"text": ["Battery great, screen awful.", "The screen is superb."]})
    model = SentimentModel(aspects=["battery", "screen"]).fit(frame)
    out = model.aspect_sentiment(frame)
    got = {(r.row, r.aspect): np.sign(r.polarity) for r in out.itertuples()}
    assert got == {(0, "battery"): 1, (0, "screen"): -1, (1, "screen"): 1}


def test_planted_drop_alerts_and_steady_product_does_not(lexicon_model, reviews):
    frame, truths = reviews
    trend = lexicon_model.trend(frame)
    alerts = trend[trend["alert"]]
    drop = truths["drop"]
    assert ((alerts["group"] == drop["product"]) & (alerts["period"] == drop["week_start"])).any()
    assert not (alerts["group"] == truths["steady_product"]).any()
    assert trend[trend["group"] == truths["steady_product"]]["z"].min() > -3.5


def test_trained_model_learns_labels_and_shuffled_labels_do_not(reviews):
    frame, _ = reviews
    data = frame.iloc[:600]
    model = SentimentModel(target_col="sentiment", cv=3, n_aspects=0).fit(data)
    best = model.summary()["best"]["cv_accuracy"]
    assert best > 0.75
    assert model.orientation_ == [-1.0, 0.0, 1.0]
    shuffled = data.assign(sentiment=np.random.default_rng(0).permutation(data["sentiment"]))
    control = SentimentModel(target_col="sentiment", cv=3, n_aspects=0).fit(shuffled)
    share = data["sentiment"].value_counts(normalize=True).max()
    assert control.summary()["best"]["cv_accuracy"] < share + 0.08
    out = model.predict(frame.iloc[600:])
    assert set(out["label"].dropna()) <= {"positive", "neutral", "negative"}
    assert (out["confidence"].dropna() <= 1).all()


def test_numeric_two_class_labels_keep_their_values():
    texts = ["great", "awful", "love it", "hate it", "superb", "terrible", "good", "bad"] * 4
    frame = pd.DataFrame({"text": texts, "y": [1, 0] * 16})
    model = SentimentModel(target_col="y", cv=2, n_aspects=0).fit(frame)
    out = model.predict(pd.DataFrame({"text": ["great stuff", "awful stuff"]}))
    assert out["label"].tolist() == [1, 0]
    assert out["polarity"].iloc[0] > 0 > out["polarity"].iloc[1]
    json.dumps(model.summary())


def test_save_and_load(tmp_path, reviews):
    frame, _ = reviews
    data = frame.iloc[:300]
    model = SentimentModel(target_col="sentiment", cv=2, n_aspects=3).fit(data)
    reg = Registry(Workspace(tmp_path / "ws"))
    reg.save(
        model, name="s", usecase="sentiment", params=model.get_params(), metrics={}, fingerprint="f"
    )
    loaded, _ = reg.load("s")
    pd.testing.assert_frame_equal(
        loaded.predict(frame.iloc[300:400]), model.predict(frame.iloc[300:400])
    )


def test_errors(reviews):
    frame, _ = reviews
    with pytest.raises(SchemaError, match=r"'body' not found.*--text"):
        SentimentModel(text_col="body").fit(frame)
    with pytest.raises(SchemaError, match=r"'stars' not found.*--target"):
        SentimentModel(target_col="stars").fit(frame)
    with pytest.raises(InputError, match=r"only 'positive'.*two classes"):
        SentimentModel(target_col="y").fit(pd.DataFrame({"text": ["a", "b"], "y": "positive"}))
    with pytest.raises(InputError, match="None of the 2 texts"):
        SentimentModel().fit(pd.DataFrame({"text": ["", "   "]}))
    with pytest.raises(ParameterError, match="Unknown method"):
        SentimentModel(method="bert").fit(frame)
    with pytest.raises(NotFittedError, match="fit"):
        SentimentModel().predict(frame)
    with pytest.raises(ParameterError, match="timestamp_col"):
        SentimentModel(n_aspects=0).fit(frame).trend(frame)


def test_huge_text_and_bytes_are_scored():
    frame = pd.DataFrame({"text": ["I love it. " * 100_000, "Trés bien".encode("cp1252"), 5]})
    out = SentimentModel(n_aspects=0).fit(frame).predict(frame)
    assert out["status"].tolist()[0] == "truncated"
    assert out["label"].iloc[0] == "positive"


def test_explain_and_summary_are_plain(lexicon_model):
    table = lexicon_model.explain(top=5)
    assert len(table) == 5 and {"term", "valence"} <= set(table.columns)
    summary = lexicon_model.summary()
    json.dumps(summary)
    assert summary["method"] == "lexicon"


def test_embeddings_join_the_trained_candidates_and_survive_saving(tmp_path):
    pytest.importorskip("sentence_transformers")
    from revlearn.data.synth.texts import make_reviews

    reviews, _ = make_reviews(np.random.default_rng(3), n_reviews=300)
    frame = reviews[reviews["sentiment"].isin(["positive", "negative"])][["text", "sentiment"]]
    auto = SentimentModel(target_col="sentiment", cv=3).fit(frame)
    assert "embeddings" in {c["features"] for c in auto.candidates_}
    model = SentimentModel(target_col="sentiment", cv=3, method="embeddings").fit(frame)
    assert {c["features"] for c in model.candidates_} == {"embeddings"}
    best = max(c["cv_accuracy"] for c in model.candidates_)
    # control: the same texts with shuffled labels
    shuffled = frame.assign(sentiment=np.random.default_rng(0).permutation(frame["sentiment"]))
    control = SentimentModel(target_col="sentiment", cv=3, method="embeddings").fit(shuffled)
    assert best >= 0.8 and max(c["cv_accuracy"] for c in control.candidates_) <= best - 0.2
    reg = Registry(Workspace(tmp_path / "ws"))
    reg.save(model, name="s", usecase="sentiment", params=model.get_params(), metrics={},
             fingerprint="f")  # fmt: skip
    loaded, _ = reg.load("s")
    unseen = pd.DataFrame({"text": ["Superb sound, I love it.", "Awful screen, terrible."]})
    pd.testing.assert_frame_equal(loaded.predict(unseen), model.predict(unseen))
    assert model.predict(unseen)["label"].tolist() == ["positive", "negative"]
