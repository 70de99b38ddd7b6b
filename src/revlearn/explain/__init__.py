"""Explanations by original column: global importance and per-row reasons."""

from __future__ import annotations

from revlearn.explain.importance import Importance, global_importance
from revlearn.explain.reasons import phrase_reasons

__all__ = ["Importance", "global_importance", "phrase_reasons"]
