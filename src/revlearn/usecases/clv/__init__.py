"""Customer lifetime value: BG/NBD and Gamma–Gamma fits, holdout checks, the CLVModel.

* :mod:`revlearn.usecases.clv.bgnbd` — the probability models, fitted by maximum
  likelihood (reproduces the published CDNOW fit).
* :mod:`revlearn.usecases.clv.holdout` — calibration/holdout scoring and the
  gradient-boosting alternative.
* :mod:`revlearn.usecases.clv.model` — :class:`CLVModel`, the use case behind
  ``revlearn fit clv``.

Pareto/NBD is not included: on CDNOW, Fader, Hardie & Lee (2005) show BG/NBD tracking
purchases as well as Pareto/NBD, and here BG/NBD already matches lifetimes to four digits
and is the forecast the holdout check keeps; Pareto/NBD's likelihood needs Gaussian
hypergeometric terms that are slow and unstable for heavy buyers. Where BG/NBD's
assumptions break (a shared season, fading purchase rates), the gradient-boosting
alternative of :mod:`~revlearn.usecases.clv.holdout` is the remedy revlearn offers, chosen
only when it wins out of fold.
"""

from __future__ import annotations

from revlearn.usecases.clv.bgnbd import (
    BGNBDParams,
    GammaGammaParams,
    bgnbd_expected_purchases,
    bgnbd_prob_alive,
    clv,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_expected_spend,
)
from revlearn.usecases.clv.holdout import HoldoutResult
from revlearn.usecases.clv.model import CLVModel

__all__ = [
    "BGNBDParams",
    "CLVModel",
    "GammaGammaParams",
    "HoldoutResult",
    "bgnbd_expected_purchases",
    "bgnbd_prob_alive",
    "clv",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_expected_spend",
]
