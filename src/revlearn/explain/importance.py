"""Global importance by original column, with the direction of each effect.

For LightGBM the contributions are TreeSHAP values (computed by LightGBM itself); for linear
models ``coef · (x − mean)``, which equals SHAP's linear explainer under independent
features; other models use scikit-learn's permutation importance on the original columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Importance", "global_importance"]


@dataclass(frozen=True, slots=True)
class Importance:
    """Global importance of the original columns.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``feature``, ``importance`` (mean absolute log-odds contribution, or AUC
        drop for permutation), ``share`` (of the total), ``direction`` (plain words).
    method : str
        ``"tree_shap"``, ``"linear_shap"`` or ``"permutation"``.
    """

    table: pd.DataFrame
    method: str

    def to_frame(self) -> pd.DataFrame:
        """Return the importance table.

        Returns
        -------
        pandas.DataFrame
            See ``table``.
        """
        return self.table.copy()

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping.

        Returns
        -------
        dict
            ``method`` and ``features`` (list of row mappings).
        """
        return {"method": self.method, "features": self.table.to_dict(orient="records")}


def _direction(values: pd.Series, contrib: np.ndarray) -> str:
    known = values.notna().to_numpy()
    if known.sum() < 3 or np.allclose(contrib[known], contrib[known][0]):
        return "no clear direction"
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        x = values.to_numpy(dtype=float)[known]
        rho = pd.Series(x).corr(pd.Series(contrib[known]), method="spearman")
        if not np.isfinite(rho) or abs(rho) < 0.2:
            return "mixed: depends on the value"
        return "higher raises odds" if rho > 0 else "higher lowers odds"
    means = pd.Series(contrib[known]).groupby(values[known].astype(str).to_numpy()).mean()
    return f"highest for {values.name} = {means.idxmax()}, lowest for {means.idxmin()}"


def global_importance(
    contrib: np.ndarray,
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    method: str,
    scores: Sequence[float] | None = None,
) -> Importance:
    """Rank original columns by their effect on the prediction.

    Parameters
    ----------
    contrib : numpy.ndarray
        Per-row log-odds contributions, shape (rows, len(columns)); used for directions,
        and for the importance itself unless ``scores`` is given.
    frame : pandas.DataFrame
        The typed rows the contributions belong to.
    columns : sequence of str
        Original column names in contribution order.
    method : str
        How the contributions were obtained (reported as is).
    scores : sequence of float, optional
        Importance per column from another method (permutation AUC drop).

    Returns
    -------
    Importance
        Sorted, most important first.
    """
    values = np.abs(contrib).mean(axis=0) if scores is None else np.asarray(scores, float)
    total = values.clip(min=0).sum()
    table = pd.DataFrame(
        {
            "feature": list(columns),
            "importance": values,
            "share": values.clip(min=0) / total if total > 0 else 0.0,
            "direction": [_direction(frame[c], contrib[:, j]) for j, c in enumerate(columns)],
        }
    ).sort_values("importance", ascending=False, ignore_index=True)
    return Importance(table=table, method=method)
