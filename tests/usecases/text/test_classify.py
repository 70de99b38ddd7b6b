"""Tests of ticket routing (revlearn.usecases.text.classify) and the helpers it shares with
sentiment (revlearn.usecases.text._common): planted categories, abstaining, zero-shot."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import InputError, NotFittedError, ParameterError, SchemaError
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace
from revlearn.usecases.text import TextClassifier


@pytest.fixture(scope="module")
def split(tickets):
    frame, _ = tickets
    return frame.iloc[:700], frame.iloc[700:]


@pytest.fixture(scope="module")
def router(split):
    return TextClassifier(target_col="category", id_col="ticket_id", target_precision=0.99).fit(
        split[0]
    )


def test_categories_learned(router, split):
    evaluation = router.evaluate(split[1])
    assert evaluation.accuracy > 0.85 and evaluation.macro_f1 > 0.85
    assert set(evaluation.per_class["category"]) == set(split[0]["category"])
    assert {"actual", "predicted", "count"} <= set(evaluation.confusions.columns)
    json.dumps(evaluation.to_dict())


def test_shuffled_labels_give_chance(split):
    train, test = split
    shuffled = train.assign(category=np.random.default_rng(0).permutation(train["category"]))
    model = TextClassifier(target_col="category").fit(shuffled)
    majority = test["category"].value_counts(normalize=True).max()
    assert model.evaluate(test).accuracy < majority + 0.07


def test_abstaining_reaches_target_precision(router, split):
    out = router.predict(split[1])
    assert list(out.columns[:4]) == ["ticket_id", "label", "confidence", "second_label"]
    assert 0 < out["abstain"].mean() < 0.6
    answered = ~out["abstain"].to_numpy()
    truth = split[1]["category"].to_numpy()
    assert (out["label"].to_numpy() == truth)[answered].mean() > (
        out["label"].to_numpy() == truth
    ).mean()
    assert (out["label"].to_numpy() == truth)[answered].mean() >= 0.97
    assert (out.loc[out["abstain"], "route"] == "human").all()
    summary = router.summary()
    assert summary["cv"]["answered_precision"] >= 0.99 - 1e-9
    json.dumps(summary)


def test_confidence_is_calibrated(router, split):
    out = router.predict(split[1])
    correct = (out["label"] == split[1]["category"].to_numpy()).to_numpy()
    assert abs(out["confidence"].mean() - correct.mean()) < 0.05
    proba = router.predict_proba(split[1])
    np.testing.assert_allclose(proba[router.classes_].sum(axis=1), 1.0)


def test_label_next_puts_uncertain_first(router, split):
    order = router.label_next(split[1], n=20)
    everything = router.predict(split[1])
    assert order["margin"].is_monotonic_increasing
    assert order["margin"].max() <= everything["margin"].median()
    assert order["priority"].tolist() == list(range(1, 21))


def test_zero_shot_from_descriptions(tickets):
    frame, truths = tickets
    model = TextClassifier(categories=truths["categories"]).fit(frame)
    assert model.evaluate(frame).accuracy > 0.7
    shuffled = dict(
        zip(truths["categories"], np.roll(list(truths["categories"].values()), 1), strict=True)
    )
    control = TextClassifier(categories=shuffled).fit(frame)
    assert control.evaluate(frame).accuracy < 0.3


def test_other_language_and_empty_go_to_a_human(router):
    data = pd.DataFrame(
        {"ticket_id": [1, 2, 3], "text": ["", "Je ne peux pas me connecter à mon compte", "x"]}
    )
    out = router.predict(data)
    assert out["route"].tolist()[:2] == ["human", "human"]
    assert out["status"].tolist()[:2] == ["empty", "other_language"]


def test_save_and_load(tmp_path, router, split):
    svm = TextClassifier(target_col="category", model="svm").fit(split[0].iloc[:300])
    assert svm.method_ == "svm (words+chars)"
    reg = Registry(Workspace(tmp_path / "ws"))
    for name, model in (("r", router), ("s", svm)):
        reg.save(
            model,
            name=name,
            usecase="textclass",
            params=model.get_params(),
            metrics={},
            fingerprint="f",
        )
        loaded, _ = reg.load(name)
        pd.testing.assert_frame_equal(loaded.predict(split[1]), model.predict(split[1]))


def test_explain_names_category_words(router):
    table = router.explain(top=5)
    top = table.groupby("category")["term"].apply(" ".join)
    assert "refund" in top["refund"] and "cancel" in top["cancellation"]


def test_errors(split):
    train, _ = split
    with pytest.raises(ParameterError, match="labelled texts or category descriptions"):
        TextClassifier().fit(train)
    with pytest.raises(SchemaError, match="'queue' not found"):
        TextClassifier(target_col="queue").fit(train)
    with pytest.raises(InputError, match="two classes"):
        TextClassifier(target_col="category").fit(train.assign(category="billing"))
    with pytest.raises(InputError, match="fewer than two"):
        one = train.copy()
        one.loc[one.index[0], "category"] = "rare"
        TextClassifier(target_col="category").fit(one)
    with pytest.raises(NotFittedError):
        TextClassifier(target_col="category").predict(train)
    with pytest.raises(ParameterError, match="target_precision"):
        TextClassifier(target_col="category", target_precision=1.5).fit(train)


# ---------------------------------------------------------------- the [embeddings] extra
SEMANTIC_CATEGORIES = {
    "billing": "invoices, payments, charges",
    "login": "password, sign in, account access",
    "shipping": "delivery, parcel, courier",
}
SEMANTIC_TEXTS = [
    ("My card was debited two times this month", "billing"),
    ("Why did my bank statement show an extra fee from you?", "billing"),
    ("I need a receipt with our VAT number", "billing"),
    ("I forgot my passcode and cannot get into the app", "login"),
    ("The two-factor code is rejected when I try to log on", "login"),
    ("I am locked out after too many attempts", "login"),
    ("The package has not arrived after two weeks", "shipping"),
    ("Tracking says it was dropped at my door but nothing is here", "shipping"),
    ("When will the box reach my house?", "shipping"),
]


@pytest.fixture(scope="module")
def semantic():
    pytest.importorskip("sentence_transformers")
    return pd.DataFrame(SEMANTIC_TEXTS, columns=["text", "category"])


def test_zero_shot_by_embeddings_where_tfidf_cannot(semantic, monkeypatch):
    model = TextClassifier(categories=SEMANTIC_CATEGORIES).fit(semantic)
    summary = model.summary()
    assert summary["method"] == "zero-shot" and summary["similarity"] == "embeddings"
    assert model.evaluate(semantic).accuracy >= 8 / 9
    scrambled = dict(
        zip(SEMANTIC_CATEGORIES, np.roll(list(SEMANTIC_CATEGORIES.values()), 1), strict=True)
    )
    assert TextClassifier(categories=scrambled).fit(semantic).evaluate(semantic).accuracy < 0.3
    from revlearn.models import embeddings

    monkeypatch.setattr(embeddings, "available", lambda: False)
    tfidf = TextClassifier(categories=SEMANTIC_CATEGORIES).fit(semantic)
    assert tfidf.summary()["similarity"] == "tfidf"
    assert tfidf.evaluate(semantic).accuracy < 0.7


def _words_never_repeat(rng):
    # Each text names one thing never seen in another text: word features cannot generalise
    # across folds, meaning can.
    animals = "cat dog horse cow sheep goat rabbit tiger lion bear wolf fox deer mouse owl"
    foods = "bread cheese apple banana rice pasta soup salad pizza cake butter honey jam egg"
    tools = "hammer wrench screwdriver saw drill chisel pliers shovel axe rake ladder clamp"
    rows = []
    for label, words in (("animal", animals), ("food", foods), ("tool", tools)):
        for word in words.split():
            rows.append((f"Tell me about the {word}", label))
    frame = pd.DataFrame(rows, columns=["text", "category"])
    return frame.sample(frac=1.0, random_state=int(rng.integers(1000)), ignore_index=True)


def test_auto_keeps_embeddings_only_when_they_win(tmp_path, semantic):
    frame = _words_never_repeat(np.random.default_rng(0))
    model = TextClassifier(target_col="category", cv=3).fit(frame)
    summary = model.summary()
    assert summary["embeddings"] in ("embeddings", "words+embeddings")
    tfidf_best = max(
        c["cv_accuracy"] for c in summary["candidates"] if "embed" not in c["features"]
    )
    assert summary["best"]["cv_accuracy"] > tfidf_best + 0.2
    assert summary["best"]["cv_accuracy"] > 0.8
    # Control: shuffled labels leave nothing for embeddings to find.
    shuffled = frame.assign(category=np.random.default_rng(1).permutation(frame["category"]))
    control = TextClassifier(target_col="category", cv=3).fit(shuffled)
    assert max(c["cv_accuracy"] for c in control.candidates_) < 0.6
    # Fitted state holds no embedding model: it saves and loads with skops.
    reg = Registry(Workspace(tmp_path / "ws"))
    reg.save(
        model, name="e", usecase="textclass", params=model.get_params(), metrics={}, fingerprint="f"
    )
    loaded, _ = reg.load("e")
    new = pd.DataFrame({"text": ["Tell me about the zebra", "Tell me about the sandwich"]})
    pd.testing.assert_frame_equal(loaded.predict(new), model.predict(new))
    assert loaded.predict(new)["label"].tolist() == ["animal", "food"]
