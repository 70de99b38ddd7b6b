"""Explanations by original column: global importance and per-row reasons."""

from __future__ import annotations

from revlearn.explain.drivers import Drivers, driver_segments
from revlearn.explain.importance import Importance, global_importance
from revlearn.explain.pdp import PartialDependence, partial_dependence
from revlearn.explain.reasons import phrase_reasons
from revlearn.explain.surrogate import Surrogate, surrogate_tree
from revlearn.explain.tree import model_tree

__all__ = [
    "Drivers",
    "Importance",
    "PartialDependence",
    "Surrogate",
    "driver_segments",
    "global_importance",
    "model_tree",
    "partial_dependence",
    "phrase_reasons",
    "surrogate_tree",
]
