"""Responsible use: fairness checks on yes/no models."""

from __future__ import annotations

from revlearn.responsible.fairness import FairnessReport, fairness_report

__all__ = ["FairnessReport", "fairness_report"]
