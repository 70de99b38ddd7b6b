"""The model's own tree, drawn like the surrogate: for models that *are* a decision tree.

A fitted decision tree splits on design features (scaled numbers, one-hot levels). This
module maps every split back to the original column and to the user's units — the
threshold is un-scaled, a one-hot split reads ``contract = month-to-month`` — and returns a
:class:`~revlearn.explain.surrogate.Surrogate` (fidelity 1: it *is* the model) so the same
diagram and rule text serve both. Deep trees are drawn to ``max_depth`` levels; a node cut
there shows the share of its rows.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from revlearn.explain.pdp import _nice_name
from revlearn.explain.surrogate import Surrogate, _branch_labels, _leaves

__all__ = ["model_tree"]


def _split_meaning(design: Any, feature: int) -> tuple[str, str, str | None, float, float]:
    """(column, kind, level, scale, shift) of a design feature: raw = value·scale + shift."""
    for col, part in design.output_indices_.items():
        if part.start <= feature < part.stop:
            k = feature - part.start
            pipe = design.named_transformers_[col]
            last = pipe.steps[-1][1] if hasattr(pipe, "steps") else pipe
            if hasattr(last, "get_feature_names_out") and hasattr(last, "categories_"):
                name = str(last.get_feature_names_out([col])[k])
                return col, "level", name.removeprefix(f"{col}_"), 1.0, 0.0
            if k == 1:  # the missing-value indicator added by the imputer
                return col, "level", "missing", 1.0, 0.0
            scale = float(getattr(last, "scale_", [1.0])[0])
            shift = float(getattr(last, "mean_", [0.0])[0])
            return col, "number", None, scale, shift
    raise IndexError(f"design feature {feature} not found")


def model_tree(
    model: Any,
    typed: pd.DataFrame,
    *,
    max_depth: int = 3,
    outcome: str = "probability",
    subject: str = "rows",
) -> Surrogate | None:
    """Draw a decision-tree model's own splits in the columns a person knows.

    Parameters
    ----------
    model : PropensityModel
        A fitted yes/no model.
    typed : pandas.DataFrame
        Typed rows (``model.schema_.apply``) to count and average over.
    max_depth : int, default=3
        Levels drawn; deeper splits are summarised in the node where the drawing stops.
    outcome : str, default="probability"
        Words for the predicted value in rules ("churn probability").
    subject : str, default="rows"
        Words for the rows in rules ("customers").

    Returns
    -------
    Surrogate or None
        The tree (fidelity 1.0) when the model is a decision tree, else None.
    """
    fitted = model.model_
    if not isinstance(fitted.estimator, DecisionTreeClassifier):
        return None
    X = fitted.design.transform(typed[fitted.columns_])
    proba = fitted.predict_proba(typed[fitted.columns_])
    path = fitted.estimator.decision_path(X)
    samples = np.asarray(path.sum(axis=0)).ravel()
    totals = np.asarray(path.T @ proba).ravel()
    t = fitted.estimator.tree_
    nodes: list[dict[str, Any]] = []
    queue: deque[tuple[int, int]] = deque([(0, 0)])  # (sklearn node, depth)
    while queue:
        i, depth = queue.popleft()
        node: dict[str, Any] = {
            "id": len(nodes),
            "depth": depth,
            "feature": None,
            "label": "",
            "threshold": None,
            "left": -1,
            "right": -1,
            "left_label": None,
            "right_label": None,
            "value": float(totals[i] / samples[i]) if samples[i] else float("nan"),
            "samples": int(samples[i]),
        }
        nodes.append(node)
        left, right = int(t.children_left[i]), int(t.children_right[i])
        if left < 0 or depth >= max_depth:
            continue
        col, kind, level, scale, shift = _split_meaning(fitted.design, int(t.feature[i]))
        threshold = float(t.threshold[i]) * scale + shift
        node.update(feature=col, label=_nice_name(col), threshold=threshold)
        node["left_label"], node["right_label"] = _branch_labels(kind, level, threshold)
        node["left"] = len(nodes) + len(queue)
        node["right"] = node["left"] + 1
        queue.extend([(left, depth + 1), (right, depth + 1)])
    leaves = sorted(_leaves(nodes, outcome, subject), key=lambda leaf: -leaf["probability"])
    drawn = max(n["depth"] for n in nodes)
    summary = (
        f"The model is itself a decision tree with {t.n_leaves:,} leaves; its top "
        f"{drawn} levels are drawn, as {len(leaves)} rules."
    )
    return Surrogate(
        fidelity=1.0,
        summary=summary,
        rules=[leaf["rule"] for leaf in leaves],
        leaves=leaves,
        nodes=nodes,
        depth=drawn,
        n_rows=len(typed),
    )
