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

Mentions (NER), topics and call transcripts will sit beside these as their own modules.
"""

from __future__ import annotations

from revlearn.usecases.text.classify import TextClassifier
from revlearn.usecases.text.lexicon import LexiconScorer
from revlearn.usecases.text.sentiment import SentimentModel

__all__ = ["LexiconScorer", "SentimentModel", "TextClassifier"]
