"""Text analytics: sentiment of reviews and posts, ticket and e-mail routing.

* :mod:`revlearn.usecases.text.sentiment` — :class:`SentimentModel`
  (``revlearn fit sentiment``): lexicon or trained sentiment, aspect sentiment, weekly
  trend with drop alerts.
* :mod:`revlearn.usecases.text.classify` — :class:`TextClassifier`
  (``revlearn fit textclass``): routing with calibrated confidence, abstention,
  zero-shot routing and active-learning order.
* :mod:`revlearn.usecases.text.lexicon` — :class:`LexiconScorer`, VADER's rules, fast.
* :mod:`revlearn.usecases.text.prepare` and :mod:`revlearn.usecases.text.language` —
  cleaning the text column and flagging other languages.

* :mod:`revlearn.usecases.text.mentions` — :class:`ProductMentions`
  (``revlearn mentions``): catalogue-driven entity ruler with spelling variants plus a
  trainable NER; mention counts and share of voice over time.
* :mod:`revlearn.usecases.text.topics` — :class:`TopicModel` (``revlearn fit topics``):
  LDA with the number of topics chosen by coherence, labels, trends and examples.
* :mod:`revlearn.usecases.text.calls` — :class:`CallInsights` (``revlearn fit calls``):
  objections, questions, next steps, talk ratio and sentiment path of sales calls, and
  the win rate per objection.
"""

from __future__ import annotations

from revlearn.usecases.text.calls import CallInsights
from revlearn.usecases.text.classify import TextClassifier
from revlearn.usecases.text.lexicon import LexiconScorer
from revlearn.usecases.text.mentions import ProductMentions
from revlearn.usecases.text.sentiment import SentimentModel
from revlearn.usecases.text.topics import TopicModel

__all__ = [
    "CallInsights",
    "LexiconScorer",
    "ProductMentions",
    "SentimentModel",
    "TextClassifier",
    "TopicModel",
]
