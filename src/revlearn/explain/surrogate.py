"""A shallow decision tree that mimics a model, read as IF … THEN rules.

The tree is fitted to the model's predicted probability (not to the outcome), so its rules
describe what the model does: "IF contract = month-to-month AND support tickets > 2.5 THEN
churn probability ≈ 46% (612 customers)". How far to trust the sketch is the tree's
fidelity: the R² of its predictions against the model's on held-out rows.

scikit-learn fits the tree; its ``export_text`` is not used because it prints the one-hot
dummies the tree sees (``contract_month-to-month <= 0.50``). The traversal here turns them
back into the categories a person knows, merges repeated conditions on one column, and
counts every sampled row in exactly one rule.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score
from sklearn.tree import DecisionTreeRegressor

from revlearn.errors import InputError, ParameterError
from revlearn.explain.pdp import (
    PredictProba,
    _format_number,
    _format_share,
    _is_flag,
    _is_numeric,
    _nice_name,
)

__all__ = ["Surrogate", "surrogate_tree"]

logger = logging.getLogger(__name__)

#: Levels of a categorical column offered to the tree (the most frequent ones).
MAX_LEVELS = 20
#: Leaves hold at least this share of the training rows, so no rule describes a handful.
MIN_LEAF_SHARE = 0.01
#: Share of the sampled rows held out to measure fidelity.
HOLDOUT = 0.25
#: Fidelity below this is reported as a rough sketch.
LOW_FIDELITY = 0.5

# One tree feature: (original column, "numeric" | "flag" | "level", level or None).
_Feature = tuple[str, str, str | None]


@dataclass(frozen=True, slots=True)
class Surrogate:
    """A shallow tree that mimics a model, with its rules and its fidelity.

    Attributes
    ----------
    fidelity : float
        R² of the tree's predictions against the model's probabilities on held-out rows
        (1 = the tree reproduces the model exactly).
    summary : str
        The fidelity in plain words.
    rules : list of str
        One ``IF … THEN …`` line per leaf, highest probability first.
    leaves : list of dict
        Per rule: ``rule``, ``conditions`` (list of str), ``probability`` (mean model
        probability of its rows) and ``rows``; the rows of all leaves add up to ``n_rows``.
    nodes : list of dict
        The tree for drawing, root first: ``id``, ``depth``, ``feature`` (the original
        column, None for a leaf), ``label`` (the column as a person says it), ``threshold``,
        ``left`` and ``right`` (child ids, -1 for a leaf), ``left_label`` and
        ``right_label`` (the branch conditions, e.g. ``"≤ 2.5"``, ``"= month-to-month"``),
        ``value`` (mean model probability) and ``samples`` (rows reaching the node).
    depth : int
        Depth of the fitted tree (0 for a single leaf).
    n_rows : int
        Rows sampled and described by the rules.
    """

    fidelity: float
    summary: str
    rules: list[str]
    leaves: list[dict[str, Any]]
    nodes: list[dict[str, Any]]
    depth: int
    n_rows: int

    def to_frame(self) -> pd.DataFrame:
        """Return the rules as a table.

        Returns
        -------
        pandas.DataFrame
            One row per leaf: ``rule``, ``probability``, ``rows``.
        """
        return pd.DataFrame(
            {
                "rule": [leaf["rule"] for leaf in self.leaves],
                "probability": [leaf["probability"] for leaf in self.leaves],
                "rows": [leaf["rows"] for leaf in self.leaves],
            }
        )

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping.

        Returns
        -------
        dict
            ``fidelity`` (None if undefined), ``summary``, ``rules``, ``leaves``, ``nodes``,
            ``depth`` and ``n_rows``.
        """
        return {
            "fidelity": float(self.fidelity) if np.isfinite(self.fidelity) else None,
            "summary": self.summary,
            "rules": list(self.rules),
            "leaves": [dict(leaf) for leaf in self.leaves],
            "nodes": [dict(node) for node in self.nodes],
            "depth": int(self.depth),
            "n_rows": int(self.n_rows),
        }


def surrogate_tree(
    predict_proba: PredictProba,
    typed: pd.DataFrame,
    *,
    max_depth: int = 3,
    max_rows: int = 20000,
    outcome: str = "predicted probability",
    subject: str = "rows",
    random_state: int = 0,
) -> Surrogate:
    """Fit a shallow tree to a model's probabilities and read it as rules.

    Use it to give a manager a handful of rules that say what a complex model does, with
    an honest measure of how much of the model they capture.

    Parameters
    ----------
    predict_proba : callable
        ``predict_proba(frame) -> probabilities`` on typed rows (for a fitted
        ``LeadScorer`` ``m``: ``m.model_.predict_proba``).
    typed : pandas.DataFrame
        Typed rows with the columns the model reads (and only those: every column
        may appear in a rule).
    max_depth : int, default=3
        Levels of the tree: at most ``2 ** max_depth`` rules.
    max_rows : int, default=20000
        Rows sampled; a quarter is held out to measure fidelity.
    outcome : str, default="predicted probability"
        What the probability is of, for the rules (e.g. ``"churn probability"``).
    subject : str, default="rows"
        What a row is, for the counts (e.g. ``"customers"``).
    random_state : int, default=0
        Seed for the sample, the split and the tree.

    Returns
    -------
    Surrogate
        Fidelity, rules and the tree's structure.

    Raises
    ------
    ParameterError
        If ``max_depth`` < 1 or ``max_rows`` < 2.
    InputError
        If there are no rows or ``predict_proba`` returns the wrong number of values.
    """
    where = "surrogate_tree"
    for name, value, low in (("max_depth", max_depth, 1), ("max_rows", max_rows, 2)):
        if value < low:
            raise ParameterError(
                f"{name}={value!r} is too small.", where=where, fix=f"Pass {name} >= {low}."
            )
    if typed.empty or typed.shape[1] == 0:
        raise InputError("No rows or columns to fit a surrogate tree on.", where=where)
    sample = typed.sample(n=min(max_rows, len(typed)), random_state=random_state)
    proba = np.asarray(predict_proba(sample), dtype=float).ravel()
    if proba.shape != (len(sample),):
        raise InputError(
            f"predict_proba returned {proba.size} values for {len(sample)} rows.",
            where=where,
            fix="Pass a callable returning one probability per row.",
        )
    X, features = _design(sample)
    tree, fidelity = _fit(X, proba, max_depth, random_state)
    nodes = _nodes(tree, X, proba, features)
    leaves = sorted(_leaves(nodes, outcome, subject), key=lambda leaf: -leaf["probability"])
    depth = int(tree.get_depth())
    summary = _summary(fidelity, depth, len(leaves), proba, outcome, subject)
    logger.info("Surrogate tree: %d rules, fidelity %.3f", len(leaves), fidelity)
    return Surrogate(
        fidelity=float(fidelity),
        summary=summary,
        rules=[leaf["rule"] for leaf in leaves],
        leaves=leaves,
        nodes=nodes,
        depth=depth,
        n_rows=len(sample),
    )


def _design(frame: pd.DataFrame) -> tuple[np.ndarray, list[_Feature]]:
    """Numbers as they are (missing → median), categories one-hot on their top levels."""
    blocks: list[np.ndarray] = []
    features: list[_Feature] = []
    for col in frame.columns:
        series = frame[col]
        known = series.dropna()
        if _is_numeric(series) or pd.api.types.is_bool_dtype(series):
            values = series.astype(float)
            fill = float(values.median()) if not known.empty else 0.0
            blocks.append(values.fillna(fill).to_numpy()[:, None])
            features.append((str(col), "flag" if _is_flag(known) else "numeric", None))
            continue
        text = series.astype(str).where(series.notna())
        levels = text.value_counts().head(MAX_LEVELS).index.tolist()
        dummies = pd.get_dummies(pd.Categorical(text, categories=levels), dtype=float)
        blocks.append(dummies.to_numpy())
        features += [(str(col), "level", str(level)) for level in levels]
    return np.hstack(blocks), features


def _fit(
    X: np.ndarray, proba: np.ndarray, max_depth: int, random_state: int
) -> tuple[DecisionTreeRegressor, float]:
    """Fit on three quarters of the rows; R² against the model on the rest."""
    n = len(X)
    order = np.random.default_rng(random_state).permutation(n)
    n_hold = round(HOLDOUT * n) if n >= 8 else 0
    hold, train = (order[:n_hold], order[n_hold:]) if n_hold else (order, order)
    tree = DecisionTreeRegressor(
        max_depth=max_depth,
        min_samples_leaf=max(1, int(MIN_LEAF_SHARE * len(train))),
        min_impurity_decrease=1e-12,  # rounding noise in a constant prediction is no split
        random_state=random_state,
    ).fit(X[train], proba[train])
    predicted = tree.predict(X[hold])
    if np.ptp(proba[hold]) < 1e-12:  # R² is undefined: judge by the largest error instead
        return tree, float(np.abs(predicted - proba[hold]).max() < 1e-9)
    return tree, float(r2_score(proba[hold], predicted))


def _nodes(
    tree: DecisionTreeRegressor, X: np.ndarray, proba: np.ndarray, features: list[_Feature]
) -> list[dict[str, Any]]:
    """The tree's nodes with counts and mean probabilities over all sampled rows."""
    t = tree.tree_
    path = tree.decision_path(X)
    samples = np.asarray(path.sum(axis=0)).ravel()
    totals = np.asarray(path.T @ proba).ravel()
    depth = np.zeros(t.node_count, dtype=int)
    nodes = []
    for i in range(t.node_count):
        left, right = int(t.children_left[i]), int(t.children_right[i])
        node: dict[str, Any] = {
            "id": i,
            "depth": int(depth[i]),
            "feature": None,
            "label": "",
            "threshold": None,
            "left": left,
            "right": right,
            "left_label": None,
            "right_label": None,
            "value": float(totals[i] / samples[i]) if samples[i] else float("nan"),
            "samples": int(samples[i]),
        }
        if left >= 0:
            depth[[left, right]] = depth[i] + 1
            col, kind, level = features[int(t.feature[i])]
            threshold = float(t.threshold[i])
            node.update(feature=col, label=_nice_name(col), threshold=threshold)
            node["left_label"], node["right_label"] = _branch_labels(kind, level, threshold)
        nodes.append(node)
    return nodes


def _branch_labels(kind: str, level: str | None, threshold: float) -> tuple[str, str]:
    """The conditions of the left (≤ threshold) and right branches, without the column."""
    if kind == "level":
        return f"≠ {level}", f"= {level}"
    if kind == "flag":
        return "= no", "= yes"
    shown = _format_number(threshold)
    return f"≤ {shown}", f"> {shown}"


def _leaves(nodes: list[dict[str, Any]], outcome: str, subject: str) -> list[dict[str, Any]]:
    """One rule per leaf, walking from the root with the conditions met on the way."""
    out: list[dict[str, Any]] = []
    stack: list[tuple[int, list[tuple[str, str, str]]]] = [(0, [])]
    while stack:
        i, path = stack.pop()
        node = nodes[i]
        if node["left"] < 0:
            conditions = _merge(path)
            share = _format_share(node["value"])
            then = f"{outcome} ≈ {share} ({node['samples']:,} {subject})"
            rule = (
                f"IF {' AND '.join(conditions)} THEN {then}"
                if conditions
                else f"FOR ALL {subject}: {then}"
            )
            out.append(
                {
                    "rule": rule,
                    "conditions": conditions,
                    "probability": node["value"],
                    "rows": node["samples"],
                }
            )
            continue
        col, label = node["feature"], node["label"]
        stack.append((node["right"], [*path, (col, label, node["right_label"])]))
        stack.append((node["left"], [*path, (col, label, node["left_label"])]))
    return out


def _merge(path: list[tuple[str, str, str]]) -> list[str]:
    """Conditions per column, in order of first use: bounds merged, ``=`` beats ``≠``."""
    by_column: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for col, label, condition in path:
        by_column.setdefault(col, []).append(condition)
        labels[col] = label
    return [_merge_column(labels[col], conds) for col, conds in by_column.items()]


def _merge_column(label: str, conditions: list[str]) -> str:
    equal = [c for c in conditions if c.startswith("= ")]
    if equal:
        return f"{label} {equal[-1]}"
    unequal = [c[2:] for c in conditions if c.startswith("≠ ")]
    if unequal:
        return (
            f"{label} ≠ {unequal[0]}"
            if len(unequal) == 1
            else (f"{label} not in ({', '.join(unequal)})")
        )
    lower = [c[2:] for c in conditions if c.startswith("> ")]
    upper = [c[2:] for c in conditions if c.startswith("≤ ")]
    low = max(lower, key=_as_float) if lower else None
    high = min(upper, key=_as_float) if upper else None
    if low is not None and high is not None:
        return f"{low} < {label} ≤ {high}"
    return f"{label} > {low}" if low is not None else f"{label} ≤ {high}"


def _as_float(text: str) -> float:
    return float(text.replace(",", ""))


def _summary(
    fidelity: float, depth: int, n_leaves: int, proba: np.ndarray, outcome: str, subject: str
) -> str:
    if n_leaves == 1:
        level = _format_share(float(proba.mean()))
        if np.ptp(proba) < 1e-9:
            return (
                f"The model gives all {len(proba):,} {subject} the same {outcome} ({level}), "
                "so the tree is a single leaf: there is nothing to explain."
            )
        return (
            f"No split of the {subject} explains the model's {outcome} (average {level}), "
            "so the tree is a single leaf."
        )
    text = (
        f"The {depth}-level tree reproduces {max(fidelity, 0.0):.0%} of the model's variation "
        f"on held-out {subject} with {n_leaves} rules"
    )
    if fidelity < LOW_FIDELITY:
        return text + "; the model does more than these rules say, so read them as a rough sketch."
    return text + "."
