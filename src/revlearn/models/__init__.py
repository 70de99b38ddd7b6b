"""Tabular model zoo, design matrices and model selection."""

from __future__ import annotations

from revlearn.models.candidates import CANDIDATE_NAMES, Candidate, binary_candidates
from revlearn.models.design import make_design
from revlearn.models.select import Columns, Selection, measure_learning_curve, select_binary
from revlearn.models.tabular import BinaryModel

__all__ = [
    "CANDIDATE_NAMES",
    "BinaryModel",
    "Candidate",
    "Columns",
    "Selection",
    "binary_candidates",
    "make_design",
    "measure_learning_curve",
    "select_binary",
]
