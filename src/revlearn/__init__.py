"""revlearn: machine learning for marketing and sales teams.

The public API re-exports one class per use case, the workspace and the demo data::

    from revlearn import LeadScorer, Workspace, make_company

Names are imported on first use (PEP 562), so ``revlearn --help`` does not pay for
scikit-learn and LightGBM.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from revlearn._version import __version__

if TYPE_CHECKING:
    from revlearn.data.synth import make_company
    from revlearn.store.registry import Registry
    from revlearn.store.workspace import Workspace
    from revlearn.usecases.churn import ChurnModel
    from revlearn.usecases.leads import LeadScorer

_HOMES = {
    "ChurnModel": "revlearn.usecases.churn",
    "LeadScorer": "revlearn.usecases.leads",
    "Registry": "revlearn.store.registry",
    "Workspace": "revlearn.store.workspace",
    "make_company": "revlearn.data.synth",
}

__all__ = ["ChurnModel", "LeadScorer", "Registry", "Workspace", "__version__", "make_company"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'revlearn' has no attribute {name!r}")
