"""Text analytics beside vaderSentiment and scikit-learn: speed and quality in one run.

No real labelled review or ticket data is available offline, so the data is stated with
every figure:

* **Lexicon agreement and speed**: revlearn's :class:`LexiconScorer` and
  ``vaderSentiment.SentimentIntensityAnalyzer`` score the same texts — 30 hand-written
  sentences (negation, boosters, "but", capitals, "!", emoji, idioms), VADER's own example
  sentences, 20,000 demo review texts (``make_reviews``) and 20,000 random strings of
  lexicon words, negations and boosters; agreement is the share of texts whose compound
  scores differ by less than 0.05 (and exactly), speed is texts per second on one core.
* **Review sentences, two classes**: 6,000 single-sentence reviews built with the demo
  generator's phrase templates (``revlearn.data.synth.texts._phrase``: "the battery is
  great", "awful screen", "the sound is not good"...) over 6 aspects and 13 sentiment words
  — half one phrase, 30 % two opposite phrases joined by "but" (labelled by the second),
  20 % a phrase behind a hedge — plus 60 hand-written review sentences with their
  labels; 4,000 to train, the rest to test. Without labels: VADER (compound ≥ 0 →
  positive) against ``SentimentModel(neutral=False)``; with labels: scikit-learn
  TF-IDF (word 1–2-grams, sublinear tf) + LogisticRegression with C tuned by 5-fold CV,
  against ``SentimentModel(target_col=...)`` (and with ``method="tfidf"``).
* **Ticket routing**: 8,000 demo tickets (``make_tickets``, 7 categories with shared
  vocabulary), 6,000 to train, 2,000 to test: the same scikit-learn baseline (3-fold CV for
  C) against ``TextClassifier(target_col=...)``; accuracy, macro-F1, fit seconds and
  scoring speed (texts per second, one thread, features included).

With the ``[embeddings]`` extra installed, a row "revlearn embeddings + LR" (MiniLM sentence
vectors + logistic regression, C by 3-fold CV) is added to the ticket routing table, and
``TextClassifier``'s automatic choice also weighs embedding models (their encoding time is
then part of its fit).

Speeds are texts per CPU second of one thread (the machine is shared, so wall time would
measure the neighbours); "2 cores" would double them.

Run: ``.venv/bin/python bench/text.py`` (about 2 minutes on 2 cores).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from revlearn.data.synth.texts import _ASPECTS, _phrase, make_reviews, make_tickets
from revlearn.usecases.text import LexiconScorer, SentimentModel, TextClassifier
from revlearn.usecases.text.lexicon import load_vader_lexicon

HAND_WRITTEN = [
    ("The battery is great and lasts two days.", 1),
    ("The screen is not good at all.", 0),
    ("Not bad at all, I am pleasantly surprised.", 1),
    ("I really LOVE this speaker!!!", 1),
    ("The sound is kind of weak.", 0),
    ("Great design but the battery dies in an hour.", 0),
    ("Terrible delivery, the box was crushed.", 0),
    ("Works perfectly, very happy with it 😀", 1),
    ("Worst purchase I have ever made.", 0),
    ("I would not recommend this to anyone.", 0),
    ("Absolutely fantastic value for the price.", 1),
    ("The keyboard feels cheap and flimsy.", 0),
    ("Setup was easy and the app is nice.", 1),
    ("It stopped working after a week :(", 0),
    ("Customer service was helpful and friendly.", 1),
    ("The case is okay but nothing special.", 1),
    ("Sadly the camera is blurry in low light.", 0),
    ("Best headphones I have owned.", 1),
    ("The charger broke, very disappointed.", 0),
    ("Fast shipping and well packed.", 1),
    ("The fan is loud and annoying.", 0),
    ("I love the color and the weight.", 1),
    ("It is too expensive for what it does.", 0),
    ("No problems so far, solid product.", 1),
    ("The instructions were useless.", 0),
    ("Pretty good for the money.", 1),
    ("Battery life is poor.", 0),
    ("Exactly as described, thank you!", 1),
    ("The strap snapped, awful quality.", 0),
    ("Super comfortable to wear all day.", 1),
]
HAND_WRITTEN += [
    ("Never buying from this brand again.", 0),
    ("Arrived late and damaged.", 0),
    ("Brilliant little gadget.", 1),
    ("The screen scratches far too easily.", 0),
    ("Sound quality is excellent.", 1),
    ("It does the job, I am satisfied.", 1),
    ("Overpriced and underpowered.", 0),
    ("My kids love it.", 1),
    ("Returned it, it kept disconnecting.", 0),
    ("Impressive battery, good screen.", 1),
    ("The buttons are hard to press and the menu is confusing.", 0),
    ("Highly recommended!", 1),
    ("Waste of money.", 0),
    ("Nice and light, easy to carry.", 1),
    ("The app crashes all the time.", 0),
    ("Very good quality for the price.", 1),
    ("Not worth the hype.", 0),
    ("I am happy with this purchase.", 1),
    ("The zipper broke on day one.", 0),
    ("Perfect gift, she loved it.", 1),
    ("Disappointing, the colors are dull.", 0),
    ("Reliable and quiet.", 1),
    ("Poor fit and cheap material.", 0),
    ("Great sound, great price.", 1),
    ("Stay away from this one.", 0),
    ("Charges quickly and holds a charge.", 1),
    ("It broke after two uses.", 0),
    ("Good value, would buy again.", 1),
    ("Horrible smell out of the box.", 0),
    ("Works great with my phone.", 1),
]


def _rate(fn, items) -> tuple[object, float]:
    """Run ``fn(items)``; texts per CPU second of this (single-threaded) process.

    CPU time, not wall time: the machine is shared, and every method here runs on one
    thread, so CPU seconds are what a dedicated core would take.
    """
    started = time.process_time()
    result = fn(items)
    return result, len(items) / (time.process_time() - started)


def lexicon_agreement() -> None:
    vader = SentimentIntensityAnalyzer()
    ours = LexiconScorer()
    rng = np.random.default_rng(0)
    reviews = make_reviews(rng, 20_000)[0]["text"].tolist()
    words = [*list(load_vader_lexicon()[0])[:2000], "not", "no", "never", "very", "but"]
    words += ["kind", "of", "least", "so", "the", "it", "!!", "??", "GREAT", ":)", "😀"]
    salad = [" ".join(rng.choice(words, size=rng.integers(1, 25))) for _ in range(20_000)]
    sets = {
        "hand-written sentences": [t for t, _ in HAND_WRITTEN],
        "demo reviews (make_reviews)": reviews,
        "random lexicon-word strings": salad,
    }
    print("Lexicon: revlearn LexiconScorer vs vaderSentiment 3.3.2 compound, one core")
    print(
        f"{'data':32s} {'texts':>7s} {'|Δ|<0.05':>9s} {'exact':>7s} "
        f"{'vader/s':>9s} {'revlearn/s':>11s}"
    )
    for name, texts in sets.items():
        ref, vader_rate = _rate(
            lambda ts: np.array([vader.polarity_scores(t)["compound"] for t in ts]), texts
        )
        got, our_rate = _rate(ours.score, texts)
        diff = np.abs(np.asarray(ref) - np.asarray(got))
        print(
            f"{name:32s} {len(texts):7,d} {np.mean(diff < 0.05):9.1%} "
            f"{np.mean(diff < 1e-9):7.1%} {vader_rate:9,.0f} {our_rate:11,.0f}"
        )


def _sentence(rng: np.random.Generator) -> tuple[str, int]:
    """One review sentence and its label: one phrase, or two joined by "but" (the label
    follows the clause after "but"), or a phrase behind a hedge ("I expected more, ...")."""
    kind = rng.random()
    first = bool(rng.random() < 0.5)
    a, b = (str(x) for x in rng.choice(_ASPECTS, size=2, replace=False))
    one = _phrase(rng, a, first).rstrip(".!")
    if kind < 0.5:
        return _phrase(rng, a, first), int(first)
    if kind < 0.8:
        second = not first
        two = _phrase(rng, b, second).rstrip(".!")
        two = two if two.startswith("I ") else two[0].lower() + two[1:]
        return f"{one}, but {two}.", int(second)
    hedge = str(rng.choice(["Honestly", "To be fair", "After a month", "In the end"]))
    one = one if one.startswith("I ") else one[0].lower() + one[1:]
    return f"{hedge}, {one}.", int(first)


def review_sentences() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(1)
    rows = [_sentence(rng) for _ in range(6000)]
    frame = pd.DataFrame(rows, columns=["text", "label"])
    hand = pd.DataFrame(HAND_WRITTEN, columns=["text", "label"])
    train = frame.iloc[:4000]
    test = pd.concat([frame.iloc[4000:], hand], ignore_index=True)
    return train, test


def _baseline(train: pd.DataFrame, target: str, cv: int) -> object:
    pipe = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(max_iter=3000)
    )
    grid = GridSearchCV(pipe, {"logisticregression__C": [0.3, 1, 3, 10, 30, 100]}, cv=cv)
    return grid.fit(train["text"], train[target])


def sentiment_quality() -> None:
    train, test = review_sentences()
    hand = test.index >= len(test) - len(HAND_WRITTEN)
    vader = SentimentIntensityAnalyzer()
    rows = []
    compound, rate = _rate(
        lambda ts: np.array([vader.polarity_scores(t)["compound"] for t in ts]), test["text"]
    )
    vader_label = (np.asarray(compound) >= 0).astype(int)
    rows.append(("vaderSentiment (compound ≥ 0)", "none", vader_label, rate, 0.0))
    started = time.perf_counter()
    lexicon = SentimentModel(neutral=False, n_aspects=0).fit(train)
    fit_s = time.perf_counter() - started
    out, rate = _rate(lexicon.predict, test)
    rows.append(
        (
            "revlearn SentimentModel (lexicon)",
            "none",
            (out["label"] == "positive").astype(int).to_numpy(),
            rate,
            fit_s,
        )
    )
    started = time.perf_counter()
    base = _baseline(train, "label", 5)
    fit_s = time.perf_counter() - started
    pred, rate = _rate(base.predict, test["text"])
    rows.append(("sklearn TF-IDF + LogisticRegression", "4,000", np.asarray(pred), rate, fit_s))
    started = time.perf_counter()
    trained = SentimentModel(target_col="label", n_aspects=0).fit(train)
    fit_s = time.perf_counter() - started
    out, rate = _rate(trained.predict, test)
    rows.append(
        (
            "revlearn SentimentModel (trained)",
            "4,000",
            out["label"].astype(int).to_numpy(),
            rate,
            fit_s,
        )
    )
    started = time.perf_counter()
    forced = SentimentModel(target_col="label", method="tfidf", n_aspects=0).fit(train)
    fit_s = time.perf_counter() - started
    out, rate = _rate(forced.predict, test)
    rows.append(
        (
            "revlearn SentimentModel (tfidf only)",
            "4,000",
            out["label"].astype(int).to_numpy(),
            rate,
            fit_s,
        )
    )
    print(
        "\nReview sentences (demo templates, 2 classes; test = 2,000 generated + "
        f"{len(HAND_WRITTEN)} hand-written)"
    )
    print(
        f"{'method':36s} {'labels':>6s} {'accuracy':>9s} {'hand-written':>13s} "
        f"{'fit s':>6s} {'texts/s':>9s}"
    )
    y = test["label"].to_numpy()
    for name, labels, pred, rate, fit_s in rows:
        print(
            f"{name:36s} {labels:>6s} {accuracy_score(y, pred):9.3f} "
            f"{accuracy_score(y[hand], pred[hand]):13.3f} {fit_s:6.1f} {rate:9,.0f}"
        )
    print(f"  trained model chose: {trained.summary()['best']}")
    print(f"  tfidf only chose: {forced.summary()['best']}")


def routing_quality() -> None:
    frame, _ = make_tickets(np.random.default_rng(2), 8000)
    train, test = frame.iloc[:6000], frame.iloc[6000:]
    big = pd.concat([test] * 10, ignore_index=True)
    print(
        "\nTicket routing (demo tickets, 7 categories; 6,000 train, 2,000 test; speed on "
        "20,000 texts)"
    )
    print(f"{'method':36s} {'accuracy':>9s} {'macro-F1':>9s} {'fit s':>6s} {'texts/s':>9s}")
    started = time.perf_counter()
    base = _baseline(train, "category", 3)
    fit_s = time.perf_counter() - started
    pred = base.predict(test["text"])
    _, rate = _rate(base.predict, big["text"])
    print(
        f"{'sklearn TF-IDF + LogisticRegression':36s} "
        f"{accuracy_score(test['category'], pred):9.3f} "
        f"{f1_score(test['category'], pred, average='macro'):9.3f} {fit_s:6.1f} {rate:9,.0f}"
    )
    started = time.perf_counter()
    model = TextClassifier(target_col="category").fit(train)
    fit_s = time.perf_counter() - started
    evaluation = model.evaluate(test)
    _, rate = _rate(model.predict, big)
    print(
        f"{'revlearn TextClassifier':36s} {evaluation.accuracy:9.3f} "
        f"{evaluation.macro_f1:9.3f} {fit_s:6.1f} {rate:9,.0f}"
    )
    print(
        f"  chose {model.summary()['method']} C={model.best_['C']}; abstains below "
        f"{model.threshold_:.2f}: routes {evaluation.answered_share:.1%} automatically at "
        f"{evaluation.answered_precision:.1%} precision (target {model.target_precision:.0%})"
    )
    routing_embeddings(train, test)


def routing_embeddings(train: pd.DataFrame, test: pd.DataFrame) -> None:
    """The ``[embeddings]`` extra: MiniLM sentence vectors + logistic regression (C by CV).

    Encoded on one torch thread; texts/s is encoding plus the linear model, measured on
    the 2,000 test texts the first time they are seen (the encoder caches vectors).
    """
    from revlearn.models import embeddings

    if not embeddings.available():
        print(f"{'revlearn embeddings + LR':36s} (extra not installed: revlearn[embeddings])")
        return
    embeddings.encode(["warm up"])  # model loading is not part of fit or scoring time
    started = time.perf_counter()
    X = embeddings.encode(train["text"].tolist())
    search = GridSearchCV(
        LogisticRegression(max_iter=500), {"C": [1.0, 3.0, 10.0, 30.0]}, cv=3, n_jobs=1
    ).fit(X, train["category"])
    fit_s = time.perf_counter() - started
    pred, rate = _rate(
        lambda texts: search.predict(embeddings.encode(list(texts))), test["text"].tolist()
    )
    print(
        f"{'revlearn embeddings + LR':36s} {accuracy_score(test['category'], pred):9.3f} "
        f"{f1_score(test['category'], pred, average='macro'):9.3f} {fit_s:6.1f} {rate:9,.0f}"
    )


def main() -> None:
    with threadpool_limits(1):
        lexicon_agreement()
        sentiment_quality()
        routing_quality()


if __name__ == "__main__":
    main()
