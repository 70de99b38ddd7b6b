from __future__ import annotations

import numpy as np
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from revlearn.usecases.text.lexicon import LexiconScorer, load_vader_lexicon

SENTENCES = [
    "VADER is smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been this good!",
    "With VADER, sentiment analysis is the shit!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "no good no bad no no",
    "Is it good??? Is it bad????",
    "",
]


def test_matches_vader_on_its_own_examples():
    vader = SentimentIntensityAnalyzer()
    ours = LexiconScorer().score(SENTENCES)
    expected = np.array([vader.polarity_scores(s)["compound"] for s in SENTENCES])
    np.testing.assert_allclose(ours, expected, atol=1e-9)


def test_matches_vader_on_random_word_salad():
    rng = np.random.default_rng(0)
    words = [*list(load_vader_lexicon()[0])[:500], "not", "very", "but", "no", "kind", "of"]
    words += ["least", "never", "so", "this", "the", "it", "!!", "GREAT", "??"]
    texts = [" ".join(rng.choice(words, size=rng.integers(1, 20))) for _ in range(400)]
    vader = SentimentIntensityAnalyzer()
    expected = np.array([vader.polarity_scores(t)["compound"] for t in texts])
    assert np.abs(LexiconScorer().score(texts) - expected).max() < 1e-9


def test_rules_change_the_score():
    s = LexiconScorer()
    assert s.compound("The food is good.") > 0
    assert s.compound("The food is not good.") < 0
    assert s.compound("The food is very good.") > s.compound("The food is good.")
    assert s.compound("The food is good!!!") > s.compound("The food is good.")
    assert s.compound("The food is GOOD and nice") > s.compound("The food is good and nice")
    assert s.compound("I love it 😍") > s.compound("I love it")


def test_custom_lexicon_words():
    words, emojis = load_vader_lexicon()
    s = LexiconScorer({**words, "laggy": -2.0}, emojis)
    assert s.compound("laggy screen") < 0
    assert LexiconScorer().compound("laggy screen") == 0


@pytest.mark.parametrize("value", [12, 3.5])
def test_non_strings_are_converted(value):
    assert LexiconScorer().score([value])[0] == 0.0
