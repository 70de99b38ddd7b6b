"""Market basket analysis: what sells together, bundles, "also bought" and cross-sell.

* :mod:`revlearn.usecases.basket.model` — :class:`BasketAnalysis`, the use case behind
  ``revlearn fit basket`` (item sets, rules, summary).
* :mod:`revlearn.usecases.basket.offers` — bundles, "also bought" and cross-sell.
* :mod:`revlearn.usecases.basket.reading` — :func:`read_baskets` for "one basket per line"
  files such as Groceries.
"""

from __future__ import annotations

from revlearn.usecases.basket.model import BasketAnalysis
from revlearn.usecases.basket.reading import read_baskets

__all__ = ["BasketAnalysis", "read_baskets"]
