"""One module per business question; every class follows the same contract."""

from __future__ import annotations

from revlearn.usecases._base import UseCase
from revlearn.usecases.churn import ChurnModel
from revlearn.usecases.leads import LeadScorer

#: ``revlearn fit <word>`` → the use-case class.
USECASES: dict[str, type[UseCase]] = {"churn": ChurnModel, "leads": LeadScorer}

__all__ = ["USECASES", "ChurnModel", "LeadScorer", "UseCase"]
