"""Hierarchies of series (product → category → total) whose forecasts add up.

The bottom series (one per product, say) are summed into every level above them with
hierarchicalforecast's ``aggregate``; every series of every level is forecast on its own
(the base forecasts), and MinTrace with structural weights (``wls_struct``, which needs no
in-sample residuals) projects them onto forecasts that add up level by level. Interval
bounds move with their point forecast (each keeps its base width around the reconciled
value).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.schema import check_columns
from revlearn.errors import InputError

__all__ = ["BOTTOM", "SEPARATOR", "TOTAL", "bottom_ids", "expand", "reconcile"]

#: The id of the top level.
TOTAL = "total"
#: Joins the levels in a series id: ``total/drinks/iced tea``.
SEPARATOR = "/"
#: The column :func:`bottom_ids` adds.
BOTTOM = "__bottom"


def bottom_ids(frame: pd.DataFrame, levels: Sequence[str], where: str) -> pd.DataFrame:
    """Add the bottom-series id (the levels' values joined, top first) as a column.

    Parameters
    ----------
    frame : pandas.DataFrame
        The input table with one column per level.
    levels : sequence of str
        Level columns from the top (``category``) to the bottom (``product``).
    where : str
        The call named in error messages.

    Returns
    -------
    pandas.DataFrame
        ``frame`` with the column :data:`BOTTOM`.

    Raises
    ------
    SchemaError
        If a level column is missing.
    InputError
        If a level value contains the separator ``/`` or is blank.
    """
    check_columns(frame, list(levels), where=where, hint="Pass --hierarchy with the level columns.")
    parts = [frame[col].astype("string").str.strip() for col in levels]
    for col, values in zip(levels, parts, strict=True):
        bad = values.isna() | (values == "") | values.str.contains(SEPARATOR, regex=False)
        if bad.any():
            raise InputError(
                f"{int(bad.sum()):,} values of level {col!r} are blank or contain "
                f"{SEPARATOR!r}, e.g. {frame.loc[bad, col].iloc[0]!r}.",
                where=where,
                fix=f"Fill the blanks and replace {SEPARATOR!r} in the level names.",
            )
    joined = parts[0]
    for values in parts[1:]:
        joined = joined + SEPARATOR + values
    return frame.assign(**{BOTTOM: joined.astype(str)})


def expand(frame: pd.DataFrame, levels: Sequence[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Sum the bottom series into every level above them.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``unique_id`` (bottom ids from :func:`bottom_ids`), ``ds``, ``y`` on a regular grid.
    levels : sequence of str
        The level names, top first (as given to :func:`bottom_ids`).

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        Every series of every level (``unique_id`` like ``total/drinks``), and the
        structure: ``S`` (summing matrix, one row per series, one column per bottom
        series), ``ids`` (the row order), ``bottom`` (the column order) and ``tags``
        (level name → its series ids), all plain lists and arrays.
    """
    from hierarchicalforecast.utils import aggregate

    names = [f"level_{i}" for i in range(len(levels))]
    split = frame["unique_id"].str.split(SEPARATOR, expand=True)
    base = pd.DataFrame({"_total": TOTAL, **{n: split[i] for i, n in enumerate(names)}})
    base["ds"], base["y"] = frame["ds"].to_numpy(), frame["y"].to_numpy()
    spec = [["_total"], *[["_total", *names[: i + 1]] for i in range(len(names))]]
    Y, S, tags = aggregate(base, spec=spec)
    S = S.set_index("unique_id")
    label = dict(zip(["_total", *names], [TOTAL, *levels], strict=True))
    structure = {
        "S": S.to_numpy(dtype=float),
        "ids": [str(i) for i in S.index],
        "bottom": [str(c) for c in S.columns],
        "tags": {
            SEPARATOR.join(label[p] for p in key.split("/")): [str(v) for v in ids]
            for key, ids in tags.items()
        },
    }
    Y = Y.assign(unique_id=Y["unique_id"].astype(str), y=Y["y"].astype(float))
    return Y.sort_values(["unique_id", "ds"]).reset_index(drop=True), structure


def reconcile(forecast: pd.DataFrame, structure: dict[str, Any], key: str) -> pd.DataFrame:
    """Make base forecasts add up across the levels (MinTrace, structural weights).

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``key`` (series id), ``date``, ``forecast``, ``lower``, ``upper`` for every series
        of :func:`expand`.
    structure : dict
        The structure :func:`expand` returned.
    key : str
        The series id column of ``forecast``.

    Returns
    -------
    pandas.DataFrame
        The same rows with reconciled ``forecast`` (bounds moved by the same amount) and
        ``base_forecast`` (before reconciliation).
    """
    from hierarchicalforecast.core import HierarchicalReconciliation
    from hierarchicalforecast.methods import MinTrace

    S_df = pd.DataFrame(np.asarray(structure["S"], dtype=float), columns=structure["bottom"])
    S_df.insert(0, "unique_id", structure["ids"])
    tags = {name: np.asarray(ids, dtype=object) for name, ids in structure["tags"].items()}
    base = forecast.rename(columns={key: "unique_id", "date": "ds"})
    method = MinTrace(method="wls_struct")  # structural weights: no in-sample residuals needed
    reconciled = HierarchicalReconciliation([method]).reconcile(
        Y_hat_df=base[["unique_id", "ds", "forecast"]], S_df=S_df, tags=tags
    )
    column = next(c for c in reconciled.columns if c.startswith("forecast/"))
    out = base.merge(reconciled[["unique_id", "ds", column]], on=["unique_id", "ds"], how="left")
    shift = out[column] - out["forecast"]
    out["base_forecast"] = out["forecast"]
    for col in ("forecast", "lower", "upper"):
        out[col] = out[col] + shift
    return out.drop(columns=column).rename(columns={"unique_id": key, "ds": "date"})
