"""The workspace (one DuckDB file of tables, models and logs) and the model registry."""

from __future__ import annotations

from revlearn.store.registry import ModelRecord, Registry, fingerprint, library_versions
from revlearn.store.workspace import Workspace, validate_name

__all__ = [
    "ModelRecord",
    "Registry",
    "Workspace",
    "fingerprint",
    "library_versions",
    "validate_name",
]
