"""What a segmentation reports: quality metrics and segment profiles, as plain values."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SegmentMetrics", "SegmentProfiles", "plain", "records"]


@dataclass(frozen=True, slots=True)
class SegmentMetrics:
    """How well separated and how stable the segments are.

    Attributes
    ----------
    silhouette : float
        Mean silhouette on a sample (−1…1; above 0.5 clear, below 0.25 weak structure).
    davies_bouldin : float
        Davies–Bouldin index (lower is better).
    calinski_harabasz : float
        Calinski–Harabasz index (higher is better).
    stability_median : float
        Median adjusted Rand index over the bootstrap resamples of the fit (1 = identical).
    stability_min : float
        Lowest of those.
    stability_max : float
        Highest of those.
    n_rows : int
        Customers measured.
    structure : str
        ``"clear"``, ``"moderate"`` or ``"weak"`` (the fit's verdict).
    """

    silhouette: float
    davies_bouldin: float
    calinski_harabasz: float
    stability_median: float
    stability_min: float
    stability_max: float
    n_rows: int
    structure: str

    def to_dict(self) -> dict[str, Any]:
        """Return the metrics as a JSON-ready mapping.

        Returns
        -------
        dict
            One key per attribute (None for a metric that could not be measured).
        """
        return {name: plain(getattr(self, name)) for name in self.__slots__}

    def to_frame(self) -> pd.DataFrame:
        """Return the metrics as a two-column table.

        Returns
        -------
        pandas.DataFrame
            Columns ``metric`` and ``value``.
        """
        return pd.DataFrame(
            {"metric": list(self.__slots__), "value": list(self.to_dict().values())}
        )


@dataclass(frozen=True, slots=True)
class SegmentProfiles:
    """Who is in each segment, compared with all customers.

    Attributes
    ----------
    segments : pandas.DataFrame
        One row per segment: ``segment``, ``name``, ``size``, ``share`` (of customers),
        ``value_share`` and ``value_mean`` (NaN without ``value_col``), ``description``.
    traits : pandas.DataFrame
        One row per segment and trait: ``segment``, ``name``, ``trait`` (a numeric column,
        or ``column = level`` for a categorical), ``segment_value`` (mean, or share of the
        level), ``overall_value``, ``index`` (100 × segment / overall) and ``z`` (difference
        in standard deviations of the scaled trait).
    """

    segments: pd.DataFrame
    traits: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Return the trait table.

        Returns
        -------
        pandas.DataFrame
            ``traits``.
        """
        return self.traits

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping.

        Returns
        -------
        dict
            ``segments`` and ``traits`` as lists of records.
        """
        return {
            "segments": records(self.segments),
            "traits": records(self.traits),
        }


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a table as JSON-ready rows (NumPy scalars unwrapped, NaN and inf as None).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.

    Returns
    -------
    list of dict
        One dict per row, values passed through :func:`plain`.
    """
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def plain(value: Any) -> Any:
    """Return a NumPy scalar as a Python value; NaN and inf as None.

    Parameters
    ----------
    value : object
        A number, NumPy scalar or anything else (returned as is).

    Returns
    -------
    object
        A plain Python value that ``json.dumps(..., allow_nan=False)`` accepts.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
