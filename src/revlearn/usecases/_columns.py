"""Which columns a yes/no model may learn from, and notes on the ones it may not."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from revlearn.data.schema import Role, looks_like_id

#: A single numeric column whose rank AUC alone reaches this is treated as leakage.
LEAKAGE_AUC = 0.97
#: Column names that hold contact details (never model inputs when high-cardinality).
_PERSONAL = re.compile(r"name|e-?mail|phone|mobile|address|street|zip|postcode", re.IGNORECASE)


def duplicate_id_notes(frame: Any, id_col: str | None) -> list[str]:
    """Notes for id columns that repeat values (fit still works; predict keeps every row)."""
    notes = []
    for col in [id_col] if id_col else [c for c in frame.columns if looks_like_id(str(c))]:
        values = frame[col].dropna()
        repeated = values[values.duplicated(keep=False)]
        if repeated.empty or (not id_col and values.nunique() < 0.95 * len(values)):
            continue  # a foreign key such as account_id repeats by design
        counts = f"{repeated.nunique():,} ids repeat over {len(repeated):,} rows"
        example = f"(e.g. {repeated.iloc[0]!r})"
        if id_col:
            notes.append(
                f"Column {col!r}: {counts} {example}; predictions keep one row per input "
                "row, so those ids appear more than once. Remove duplicate records."
            )
        else:
            notes.append(
                f"Column {col!r} looks like an id but {counts} {example}, so it is not the row "
                f"id and predictions are keyed by row position. Remove duplicate records, or "
                f"pass --id {col} to key predictions by it."
            )
    return notes


def left_out(col: str, role: str, values: pd.Series) -> str | None:
    """Why a column must not be learned from (None when it may be)."""
    if role in (Role.ID, Role.TARGET):
        return None  # handled as the key and the outcome
    if role in (Role.TEXT, Role.CONSTANT, Role.EMPTY):
        return f"it is {role} ({'free text' if role == Role.TEXT else 'uninformative'})"
    if role == Role.DATETIME:
        return (
            "it is a date: future rows fall outside the dates seen in training, so derive "
            "durations (e.g. days since first touch) instead"
        )
    distinct = values.nunique()
    if role == Role.CATEGORICAL and distinct > 100:
        if _PERSONAL.search(col):
            return f"contact details ({distinct:,} distinct values) describe a person, not a trait"
        if distinct > 0.5 * len(values):
            return f"{distinct:,} distinct values look like an identifier, not a trait"
    return None


def single_auc(values: pd.Series, y: np.ndarray) -> float:
    known = values.notna().to_numpy()
    if known.sum() < 20 or len(np.unique(y[known])) < 2 or values[known].nunique() < 2:
        return 0.5
    auc = skm.roc_auc_score(y[known], values.to_numpy(dtype=float)[known])
    return float(max(auc, 1 - auc))
