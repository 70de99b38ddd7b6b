"""revlearn: machine learning for marketing and sales teams.

The public API re-exports one class per use case and the workspace::

    from revlearn import LeadScorer, Workspace, make_company
"""

from __future__ import annotations

from revlearn._version import __version__
from revlearn.data.synth import make_company
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace
from revlearn.usecases.leads import LeadScorer

__all__ = ["LeadScorer", "Registry", "Workspace", "__version__", "make_company"]
