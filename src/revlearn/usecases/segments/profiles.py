"""Segment profiles: size, value share, trait means against the base, names, sentences."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from revlearn.usecases.segments.naming import (
    NOTABLE,
    RFM_ALIASES,
    segment_name,
    trait_words,
    unique_names,
)
from revlearn.usecases.segments.results import plain

__all__ = ["group_means", "profile_segments"]


def profile_segments(
    typed: pd.DataFrame,
    Z: np.ndarray,
    labels: np.ndarray,
    k: int,
    *,
    numeric: list[str],
    categorical: list[str],
    yes_no: set[str],
    value_col: str | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Describe each segment against the base: size, value, traits, name and a sentence.

    Parameters
    ----------
    typed : pandas.DataFrame
        The customers with typed columns (one row per customer, in ``labels`` order).
    Z : numpy.ndarray
        The scaled numeric traits (the design's first ``len(numeric)`` columns).
    labels : numpy.ndarray
        Segment (0 .. k − 1) per customer.
    k : int
        Number of segments.
    numeric, categorical : list of str
        The trait columns of each kind.
    yes_no : set of str
        Numeric columns that are yes/no flags (described as shares of "yes").
    value_col : str, optional
        A money column whose share each segment holds.

    Returns
    -------
    tuple of (list of dict, list of dict)
        Per segment ``segment``, ``name``, ``size``, ``share``, ``value_share``,
        ``value_mean``, ``description``; per segment and trait ``segment``, ``trait``,
        ``segment_value``, ``overall_value``, ``index``, ``z`` and ``name``.
    """
    counts = np.bincount(labels, minlength=k)
    rows: list[dict[str, Any]] = []
    z_by_segment: list[dict[str, float]] = [{} for _ in range(k)]
    if numeric:
        means = typed[numeric].groupby(labels).mean().reindex(range(k))
        overall = typed[numeric].mean()
        zs = group_means(Z, labels, k)
        for j, col in enumerate(numeric):
            trait = f"{col} = yes" if col in yes_no else col  # share of yes
            for s in range(k):
                z_by_segment[s][trait] = float(zs[s, j])
                rows.append(_trait(s, trait, means.iloc[s, j], overall[col], zs[s, j]))
    for col in categorical:
        values = typed[col].fillna("missing").astype(str)
        overall_share = values.value_counts(normalize=True).head(8)
        table = pd.crosstab(labels, values, normalize="index").reindex(range(k)).fillna(0)
        for level, p in overall_share.items():
            trait = f"{col} = {level}"
            for s in range(k):
                q = float(table.at[s, level])
                z = (q - p) / math.sqrt(p * (1 - p)) if 0 < p < 1 else 0.0
                z_by_segment[s][trait] = z
                rows.append(_trait(s, trait, q, p, z))
    roles = {
        role: col for role, names in RFM_ALIASES.items() for col in numeric if col.lower() in names
    }
    names = unique_names([segment_name(z, roles) for z in z_by_segment], z_by_segment)
    value_sum = value_mean = np.full(k, np.nan)
    if value_col is not None:
        value = typed[value_col].astype(float).fillna(0).to_numpy()
        sums = np.bincount(labels, weights=value, minlength=k)
        value_sum = sums / sums.sum() if sums.sum() else np.full(k, np.nan)
        value_mean = sums / np.maximum(counts, 1)
    segments = [
        {
            "segment": s,
            "name": names[s],
            "size": int(counts[s]),
            "share": float(counts[s] / len(labels)),
            "value_share": plain(float(value_sum[s])),
            "value_mean": plain(float(value_mean[s])),
            "description": "",
        }
        for s in range(k)
    ]
    traits = [{**r, "name": names[r["segment"]]} for r in rows]
    for seg in segments:
        seg["description"] = _sentence(seg, traits, value_col)
    return segments, traits


def _sentence(seg: dict[str, Any], traits: list[dict[str, Any]], value_col: str | None) -> str:
    own = [t for t in traits if t["segment"] == seg["segment"]]
    top = sorted(own, key=lambda t: -abs(t["z"]))[:3]
    words = "; ".join(trait_words(t) for t in top if abs(t["z"]) >= NOTABLE / 2)
    value = f", {seg['value_share']:.0%} of {value_col}" if seg["value_share"] is not None else ""
    return f"Segment {seg['segment']} ({seg['name']}): {seg['share']:.0%} of customers{value}" + (
        f"; {words}." if words else "; close to the average on every trait."
    )


def group_means(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Mean row of each segment.

    Parameters
    ----------
    X : numpy.ndarray
        One row per customer.
    labels : numpy.ndarray
        Segment (0 .. k − 1) per row.
    k : int
        Number of segments.

    Returns
    -------
    numpy.ndarray
        ``k`` rows: the column means of each segment's rows (0 for an empty segment).
    """
    sums = np.zeros((k, X.shape[1]))
    np.add.at(sums, labels, X)
    return np.asarray(sums / np.maximum(np.bincount(labels, minlength=k), 1)[:, None], dtype=float)


def _trait(segment: int, trait: str, value: float, overall: float, z: float) -> dict[str, Any]:
    value, overall = float(value), float(overall)
    index = 100.0 * value / overall if overall else float("nan")
    return {
        "segment": int(segment),
        "trait": trait,
        "segment_value": plain(value),
        "overall_value": plain(overall),
        "index": plain(index),
        "z": float(z),
    }
