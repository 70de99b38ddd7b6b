"""Sales forecasting: local statistical models and a global LightGBM with outside signals.

* :mod:`revlearn.usecases.forecast.engines` — statsforecast and mlforecast behind one
  backtest/forecast shape.
* :mod:`revlearn.usecases.forecast.model` — :class:`SalesForecaster`, the use case behind
  ``revlearn fit forecast``: per-series model choice by backtest, intervals, what-if,
  stock and promotion flags.
"""

from __future__ import annotations

from revlearn.usecases.forecast.model import SalesForecaster

__all__ = ["SalesForecaster"]
