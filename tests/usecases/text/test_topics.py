from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth.text_extras import make_topic_texts
from revlearn.errors import InputError, NotFittedError, ParameterError, SchemaError
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace
from revlearn.usecases.text import TopicModel
from revlearn.usecases.text.topics import _infer, tokenize


@pytest.fixture(scope="module")
def texts():
    return make_topic_texts(np.random.default_rng(5), 700)


@pytest.fixture(scope="module")
def model(texts):
    frame, _ = texts
    return TopicModel(id_col="text_id", timestamp_col="created_at", max_topics=7).fit(frame)


def _match(model, topic_words):
    """Planted topic → fitted topic whose five top words are mostly its words."""
    out = {}
    for name, words in topic_words.items():
        for t, top in enumerate(model.distinctive_words_):
            if sum(w in words for w in top[:5]) >= 4:
                out[name] = t
    return out


def test_planted_topics_recovered_with_readable_labels(texts, model):
    frame, truths = texts
    assert model.n_topics_ == len(truths["topic_words"])
    matched = _match(model, truths["topic_words"])
    assert set(matched) == set(truths["topic_words"])
    assert len(set(matched.values())) == len(matched)
    for name, t in matched.items():
        assert all(w in truths["topic_words"][name] for w in model.labels_[t].split(" / "))
    # The texts' planted topics are what predict gives back.
    pred = model.predict(frame)
    back = {t: name for name, t in matched.items()}
    assert (pred["topic"].map(back) == frame["topic"]).mean() > 0.9
    assert pred["confidence"].between(0, 1).all()


def test_rising_topic_trend_rises(texts, model):
    frame, truths = texts
    matched = _match(model, truths["topic_words"])
    slopes = np.asarray(model.trend_slopes_)
    assert int(slopes.argmax()) == matched[truths["rising_topic"]]
    assert slopes.max() > 0.005
    others = np.delete(slopes, matched[truths["rising_topic"]])
    assert np.all(np.abs(others) < slopes.max() / 2)
    trend = model.trend(frame)
    np.testing.assert_allclose(trend.groupby("period")["share"].sum(), 1.0)
    summary = model.summary()
    assert summary["rising"] == model.labels_[matched[truths["rising_topic"]]]
    assert set(summary["coherence_by_k"]) == {str(k) for k in range(3, 8)}
    assert summary["coherence"]["value"] == max(summary["coherence_by_k"].values())


def test_random_words_have_no_coherent_topics(texts, model):
    frame, _ = texts
    rng = np.random.default_rng(0)
    words = np.array(model.vocabulary_)
    shuffled = frame.assign(text=[" ".join(rng.choice(words, size=8)) for _ in range(len(frame))])
    noise = TopicModel(n_topics=5).fit(shuffled)
    assert noise.coherence_ < model.coherence_ - 0.3


def test_own_inference_matches_gensim(texts):
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    frame, _ = texts
    tokens = [tokenize(t) for t in frame["text"]]
    dictionary = Dictionary(tokens)
    corpus = [dictionary.doc2bow(t) for t in tokens]
    lda = LdaModel(corpus, num_topics=4, id2word=dictionary, random_state=0, passes=1)
    lda.iterations, lda.gamma_threshold = 2000, 1e-6  # both run to convergence
    gamma, _ = lda.inference(corpus[:50])
    theirs = gamma / gamma.sum(axis=1, keepdims=True)
    ours = _infer(corpus[:50], lda.expElogbeta, np.asarray(lda.alpha))
    np.testing.assert_allclose(ours, theirs, atol=0.02)


def test_examples_explain_and_predict_proba(texts, model):
    frame, _ = texts
    ex = model.examples(frame, n=2)
    assert len(ex) == 2 * model.n_topics_
    assert list(ex.columns) == ["topic", "topic_label", "text_id", "text", "confidence"]
    table = model.explain()
    assert table["texts"].sum() == len(frame)
    proba = model.predict_proba(frame.head(5))
    np.testing.assert_allclose(proba.filter(like="topic_").sum(axis=1), 1.0)


def test_save_and_load_through_the_registry(texts, model, tmp_path):
    frame, _ = texts
    reg = Registry(Workspace(tmp_path / "ws.duckdb"))
    reg.save(
        model, name="t", usecase="topics", params=model.get_params(), metrics={}, fingerprint="f"
    )
    loaded, _record = reg.load("t")
    pd.testing.assert_frame_equal(loaded.predict(frame), model.predict(frame))
    assert loaded.summary() == model.summary()


def test_bad_input(model):
    out = model.predict(pd.DataFrame({"text_id": [1, 2, 3], "text": ["", "   ", "zzz qqq"]}))
    assert out["topic"].isna().all() and out["topic_label"].isna().all()
    with pytest.raises(InputError, match="too few"):
        TopicModel().fit(pd.DataFrame({"text": ["the courier was late"] * 5}))
    with pytest.raises(InputError):
        TopicModel().fit(pd.DataFrame({"text": []}))
    with pytest.raises(SchemaError):
        TopicModel(text_col="body").fit(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(ParameterError):
        TopicModel(coherence="c_uci").fit(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(ParameterError):
        TopicModel(n_topics=1).fit(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(NotFittedError):
        TopicModel().summary()
    untimed = copy.copy(model)
    untimed.timestamp_col = None
    with pytest.raises(ParameterError, match="timestamp"):
        untimed.trend(pd.DataFrame({"text": ["a"]}))


def test_tokenize():
    assert tokenize("The COURIER was late, 3 days again!") == ["courier", "late", "days"]


# ---------------------------------------------------------------- the [embeddings] extra
@pytest.fixture(scope="module")
def embedded(texts):
    pytest.importorskip("sentence_transformers")
    frame, _ = texts
    small = frame.iloc[:300]
    return small, TopicModel(id_col="text_id", method="embeddings", max_topics=7).fit(small)


def test_embedding_topics_recover_planted_topics(texts, embedded, tmp_path):
    from sklearn.metrics import adjusted_rand_score

    _, truths = texts
    small, model = embedded
    summary = model.summary()
    assert summary["method"] == "embeddings" and summary["coherence"]["measure"] == "silhouette"
    assert summary["coherence"]["value"] == max(summary["coherence_by_k"].values())
    assert model.n_topics_ == len(truths["topic_words"])
    matched = _match(model, truths["topic_words"])
    assert set(matched) == set(truths["topic_words"])
    pred = model.predict(small)
    assert adjusted_rand_score(small["topic"], pred["topic"].fillna(-1)) > 0.8
    assert pred["confidence"].between(0, 1).all()
    # Control: random words from the vocabulary form no clusters worth the name.
    rng = np.random.default_rng(0)
    words = np.array(model.vocabulary_)
    noise = small.assign(text=[" ".join(rng.choice(words, size=8)) for _ in range(len(small))])
    control = TopicModel(n_topics=5, method="embeddings").fit(noise)
    assert control.coherence_ < model.coherence_ - 0.05
    reg = Registry(Workspace(tmp_path / "ws.duckdb"))
    reg.save(
        model, name="e", usecase="topics", params=model.get_params(), metrics={}, fingerprint="f"
    )
    loaded, _record = reg.load("e")
    pd.testing.assert_frame_equal(loaded.predict(small), pred)


def test_embedding_topics_bad_method():
    with pytest.raises(ParameterError, match="method"):
        TopicModel(method="bert").fit(pd.DataFrame({"text": ["a b c"] * 30}))
