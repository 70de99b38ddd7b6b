"""Turn a typed business table into a model matrix, remembering which column made which feature.

Built from scikit-learn parts (``ColumnTransformer`` with one small pipeline per original
column), so the output slice of each transformer — ``output_indices_`` — maps every model
feature back to the column a person knows. Reasons and importances are then summed per
original column, never reported per one-hot dummy.

Two flavours:

* ``"onehot"`` for linear models and scikit-learn trees: numeric columns imputed with the
  median plus a missing-indicator, standardised; categoricals one-hot encoded with rare
  levels pooled and unseen levels mapped to the pooled column (never an error).
* ``"native"`` for LightGBM: numerics left as they are (LightGBM handles missing values),
  categoricals as integer codes that LightGBM splits on natively (unseen → missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from revlearn.data.clean import CategoryNormalizer

__all__ = ["Flavour", "categorical_indices", "feature_groups", "make_design"]

Flavour = Literal["onehot", "native"]

#: Categories seen fewer times than this (or beyond the 30 most frequent) are pooled.
MIN_CATEGORY_COUNT = 10
MAX_CATEGORIES = 30


def _numeric(flavour: Flavour) -> Pipeline | str:
    if flavour == "native":
        return "passthrough"
    return make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
        StandardScaler(),
    )


def _categorical(flavour: Flavour) -> Pipeline:
    if flavour == "native":
        encoder = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=np.nan,
            encoded_missing_value=np.nan,
            min_frequency=MIN_CATEGORY_COUNT,
            max_categories=MAX_CATEGORIES,
            dtype=np.float64,
        )
        return make_pipeline(
            CategoryNormalizer(),
            SimpleImputer(strategy="constant", fill_value="(missing)"),
            encoder,
        )
    encoder = OneHotEncoder(
        handle_unknown="infrequent_if_exist",
        min_frequency=MIN_CATEGORY_COUNT,
        max_categories=MAX_CATEGORIES,
        sparse_output=False,
        dtype=np.float64,
    )
    return make_pipeline(
        CategoryNormalizer(), SimpleImputer(strategy="constant", fill_value="(missing)"), encoder
    )


def make_design(
    *,
    numeric: Sequence[str],
    categorical: Sequence[str],
    flavour: Flavour = "onehot",
) -> ColumnTransformer:
    """Build the column-by-column preprocessing for a tabular model.

    Parameters
    ----------
    numeric : sequence of str
        Numeric and boolean (0/1) columns.
    categorical : sequence of str
        Categorical columns (strings).
    flavour : {"onehot", "native"}, default="onehot"
        ``"onehot"`` for linear models and scikit-learn trees, ``"native"`` for LightGBM.

    Returns
    -------
    sklearn.compose.ColumnTransformer
        Unfitted; one transformer per original column, named after it.
    """
    parts = [(col, _numeric(flavour), [col]) for col in numeric]
    parts += [(col, _categorical(flavour), [col]) for col in categorical]
    return ColumnTransformer(
        parts, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=False
    )


def feature_groups(design: ColumnTransformer) -> list[str]:
    """Return, for each output feature of a fitted design, the original column it came from.

    Parameters
    ----------
    design : sklearn.compose.ColumnTransformer
        A design built by :func:`make_design` and fitted.

    Returns
    -------
    list of str
        One entry per output column, in output order.
    """
    n_out = sum(s.stop - s.start for s in design.output_indices_.values())
    groups = [""] * n_out
    for name, part in design.output_indices_.items():
        for i in range(part.start, part.stop):
            groups[i] = name
    return groups


def categorical_indices(design: ColumnTransformer, categorical: Sequence[str]) -> list[int]:
    """Return the output positions of the (natively encoded) categorical columns.

    Parameters
    ----------
    design : sklearn.compose.ColumnTransformer
        A fitted ``"native"`` design.
    categorical : sequence of str
        The categorical columns given to :func:`make_design`.

    Returns
    -------
    list of int
        Output positions LightGBM should treat as categorical.
    """
    return [
        design.output_indices_[col].start
        for col in categorical
        if design.output_indices_[col].stop > design.output_indices_[col].start
    ]
