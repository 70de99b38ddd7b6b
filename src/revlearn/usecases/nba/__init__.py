"""Next best action: one action per customer by expected value, with caps and a holdout.

:class:`NextBestAction` learns from a history of past actions and responses how likely each
customer is to respond to each action — P(response | action, customer) — and picks per
customer the eligible action with the highest expected value, ``P × value − cost``
(a retention call is worth the customer's value if it keeps them; an offer its margin).

* **Response model**, chosen by cross-validated log-loss (folds grouped by customer) among
  one classifier per action (a T-learner) and one classifier with the action as a feature
  (an S-learner), each with logistic regression and LightGBM; the winner is refitted on the
  whole history, LightGBM sigmoid-calibrated (``CalibratedClassifierCV``). The customer
  features go through :func:`revlearn.models.design.make_design` once (one-hot
  categories, standardised numbers); the single model gets the action one-hot as well.
* **Catalogue**: per action the value of a response (a number, or the customer column that
  holds it), the cost of a contact, an eligibility rule (a pandas query such as
  ``"tenure_months >= 3"`` or a 0/1 column) and an optional ``budget`` (most customers per
  action). The ``nothing`` action is the fallback at value 0.
* **Allocation**: greedy by expected value over all (customer, action) pairs that pay off,
  within the per-action budgets and a contact cap (``max_contacts``).
* **Holdout**: a random share of customers (exactly ``round(holdout_share × n)``, seeded)
  gets nothing whatever their plan, so :meth:`NextBestAction.measure_lift` can compare
  treated and held-out customers with the same planned action later. The holdout is drawn
  after planning, so the contacts made are about ``(1 − holdout_share)`` × the cap.
* **Cross-sell**: :func:`cross_sell_candidates` turns a fitted
  :class:`~revlearn.usecases.basket.BasketAnalysis` into per-customer candidates (item,
  purchase probability = rule confidence, margin); passed to :meth:`NextBestAction.fit` or
  :meth:`~NextBestAction.predict`, they give the ``cross_sell_action`` its probability and
  value per customer (customers without a candidate are not eligible for it);
  :func:`recommendation_candidates` builds them from a fitted recommender instead, with the
  purchase probability of each list position measured on held-out interactions.

Modules: :mod:`~revlearn.usecases.nba.model` (the class), :mod:`~revlearn.usecases.nba.response`
(response models), :mod:`~revlearn.usecases.nba.plan` (catalogue, eligibility, cap,
holdout reasons), :mod:`~revlearn.usecases.nba.candidates` (cross-sell) and
:mod:`~revlearn.usecases.nba.lift` (measured lift). The allocation is a few lines of numpy;
a linear-programming solver would only matter with several interacting constraints per
customer, which this use case does not have.
"""

from __future__ import annotations

from revlearn.usecases.nba.candidates import cross_sell_candidates, recommendation_candidates
from revlearn.usecases.nba.model import NextBestAction

__all__ = ["NextBestAction", "cross_sell_candidates", "recommendation_candidates"]
