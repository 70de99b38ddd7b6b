"""Recommendations: "customers like you also bought", with a reason per item.

* :mod:`revlearn.usecases.recommend.model` — :class:`Recommender`, the use case behind
  ``revlearn fit recommend``.
* :mod:`revlearn.usecases.recommend.candidates` — the model families it chooses from.
* :mod:`revlearn.usecases.recommend.hybrid` — LightGBM LambdaRank over their candidates.
* :mod:`revlearn.usecases.recommend.selection` — the offline ranking backtest.
* :mod:`revlearn.usecases.recommend.interactions` — checks and sparse coding of the input.
"""

from __future__ import annotations

from revlearn.usecases.recommend.model import Recommender

__all__ = ["Recommender"]
