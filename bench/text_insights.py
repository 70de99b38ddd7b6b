"""Product mentions and topics beside spaCy's plain EntityRuler and gensim's LDA, in one run.

No labelled real mention or topic data is available offline; the data is the demo
generator's (``revlearn.data.synth.text_extras``), stated with every figure:

* **Mentions**: 3,000 posts (``make_product_mentions``) naming 7 catalogue products the way
  people write them (exact, lower case, plural, joined/hyphenated, one-letter typos) with
  gold spans. revlearn's :class:`ProductMentions` (catalogue ruler with variants, no
  training) against spaCy's ``EntityRuler`` with one phrase pattern per catalogue name and
  alias, as a user would set it up — once matching the exact text, once lower-cased
  (``phrase_matcher_attr="LOWER"``). Recall and precision on PRODUCT/COMPETITOR spans
  (exact offsets and canonical product), recall on the misspelled mentions alone, and
  texts per CPU second.
* **Topics**: 5,000 short texts (``make_topic_texts``, 5 planted topics). revlearn's
  :class:`TopicModel` (k chosen by c_v coherence among 3..8, NMF-started LDA) against
  gensim's ``LdaModel`` with the true k=5 given, random start, same passes, for three seeds:
  c_v coherence, planted topics recovered (a fitted topic whose top 5 words hold 4 of the
  planted topic's words) and fit seconds.
* **Calls**: utterances per second of :class:`CallInsights` on 300 demo calls.

Single thread (``threadpool_limits(1)``); times are CPU seconds of this process.

Run: ``.venv/bin/python bench/text_insights.py`` (about a minute).
"""

from __future__ import annotations

import time

import numpy as np
import spacy
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel, LdaModel
from threadpoolctl import threadpool_limits

from revlearn.data.synth.text_extras import (
    make_call_transcripts,
    make_product_mentions,
    make_topic_texts,
)
from revlearn.usecases.text import CallInsights, ProductMentions, TopicModel
from revlearn.usecases.text.topics import tokenize


def _scores(found: set, gold: set, typo_gold: set) -> tuple[float, float, float]:
    hit = len(found & gold)
    return hit / max(len(found), 1), hit / len(gold), len(found & typo_gold) / len(typo_gold)


def bench_mentions() -> None:
    (catalog, posts, spans), _ = make_product_mentions(np.random.default_rng(0), 3000)
    prod = spans[spans["label"].isin(["PRODUCT", "COMPETITOR"])]
    gold = set(zip(prod["post_id"], prod["start"], prod["end"], prod["product"], strict=True))
    typos = prod[prod["kind"] == "typo"]
    typo_gold = set(
        zip(typos["post_id"], typos["start"], typos["end"], typos["product"], strict=True)
    )
    texts = posts["text"].tolist()
    ids = posts["post_id"].tolist()
    print(f"Mentions: {len(posts):,} posts, {len(gold):,} product/competitor spans, "
          f"{len(typo_gold):,} misspelled")  # fmt: skip
    print(f"{'model':<38}{'precision':>10}{'recall':>8}{'typo rec':>9}{'texts/s':>9}")

    model = ProductMentions(id_col="post_id").fit(catalog=catalog)
    model.predict(posts.head(10))  # build the pipeline once
    t0 = time.process_time()
    found = model.predict(posts)
    secs = time.process_time() - t0
    found = found[found["label"].isin(["PRODUCT", "COMPETITOR"])]
    got = set(zip(found["post_id"], found["start"], found["end"], found["product"], strict=True))
    p, r, tr = _scores(got, gold, typo_gold)
    print(f"{'revlearn ProductMentions (variants)':<38}{p:>10.3f}{r:>8.3f}{tr:>9.3f}"
          f"{len(texts) / secs:>9,.0f}")  # fmt: skip

    for attr in ("ORTH", "LOWER"):
        nlp = spacy.blank("en")
        ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": attr})
        patterns = []
        for row in catalog.itertuples():
            label = "COMPETITOR" if row.competitor else "PRODUCT"
            names = [row.product, *[a.strip() for a in str(row.aliases).split(";") if a.strip()]]
            patterns += [{"label": label, "pattern": n, "id": row.product} for n in names]
        ruler.add_patterns(patterns)
        t0 = time.process_time()
        got = {
            (i, e.start_char, e.end_char, e.ent_id_)
            for i, doc in zip(ids, nlp.pipe(texts, batch_size=256), strict=True)
            for e in doc.ents
        }
        secs = time.process_time() - t0
        p, r, tr = _scores(got, gold, typo_gold)
        name = f"spaCy EntityRuler, names only ({attr})"
        print(f"{name:<38}{p:>10.3f}{r:>8.3f}{tr:>9.3f}{len(texts) / secs:>9,.0f}")


def _recovered(top_words: list[list[str]], planted: dict[str, list[str]]) -> int:
    return sum(
        any(sum(w in words for w in top[:5]) >= 4 for top in top_words)
        for words in planted.values()
    )


def bench_topics() -> None:
    frame, truths = make_topic_texts(np.random.default_rng(0), 5000)
    planted = truths["topic_words"]
    print(f"\nTopics: {len(frame):,} texts, {len(planted)} planted topics")
    print(f"{'model':<40}{'k':>3}{'c_v':>7}{'found':>7}{'fit s':>8}")
    t0 = time.process_time()
    model = TopicModel().fit(frame)
    secs = time.process_time() - t0
    found = _recovered(model.top_words_, planted)
    print(f"{'revlearn TopicModel (k by c_v, 3..8)':<40}{model.n_topics_:>3}"
          f"{model.coherence_:>7.3f}{found:>7}{secs:>8.1f}")  # fmt: skip
    tokens = [tokenize(t) for t in frame["text"]]
    dictionary = Dictionary(tokens)
    dictionary.filter_extremes(no_below=2, no_above=0.5, keep_n=None)
    corpus = [dictionary.doc2bow(t) for t in tokens]
    for seed in (0, 1, 2):
        t0 = time.process_time()
        lda = LdaModel(
            corpus, num_topics=5, id2word=dictionary, random_state=seed, passes=3,
            alpha="auto", eval_every=None, chunksize=2000,
        )  # fmt: skip
        secs = time.process_time() - t0
        cv = CoherenceModel(
            model=lda, texts=tokens, dictionary=dictionary, coherence="c_v", topn=10, processes=1
        ).get_coherence()
        top = [[w for w, _ in lda.show_topic(t, 5)] for t in range(5)]
        name = f"gensim LdaModel k=5 fixed, seed {seed}"
        print(f"{name:<40}{5:>3}{cv:>7.3f}{_recovered(top, planted):>7}{secs:>8.1f}")


def bench_calls() -> None:
    (utterances, deals), _ = make_call_transcripts(np.random.default_rng(0), 300)
    t0 = time.process_time()
    model = CallInsights().fit(utterances, deals=deals)
    secs = time.process_time() - t0
    print(f"\nCalls: {len(utterances):,} utterances of 300 calls analysed at "
          f"{len(utterances) / secs:,.0f} utterances/s; base win rate "
          f"{model.base_rate_:.2f}")  # fmt: skip
    for line in model.suggestions():
        print("  " + line)


if __name__ == "__main__":
    with threadpool_limits(1):
        bench_mentions()
        bench_topics()
        bench_calls()
