"""Content personalisation with a contextual bandit (LinUCB, linear Thompson sampling).

* :mod:`revlearn.usecases.bandit.model` — :class:`ContextualBandit`, the use case behind
  ``revlearn fit bandit``: choose a variant per visitor from context, learn online.
* :mod:`revlearn.usecases.bandit.regret` — :func:`regret_curves`, the cumulative regret of
  policies on a simulator with known click probabilities, beside the oracle, random choice
  and A/B-then-exploit.
"""

from __future__ import annotations

from revlearn.usecases.bandit.model import ContextualBandit
from revlearn.usecases.bandit.regret import regret_curves

__all__ = ["ContextualBandit", "regret_curves"]
