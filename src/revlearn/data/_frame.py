"""DataFrame-in, DataFrame-out plumbing shared by the data-cleaning modules.

:class:`FrameTransformer` is the base of the transformers in :mod:`revlearn.data.clean`
(column choice at fit, checks at transform, output names); :func:`as_frame` and
:func:`check_present` are also used by :mod:`revlearn.data.dedupe`. Private: not API, hence
no ``__all__``; the public classes and functions live in those modules.
"""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from sklearn.base import BaseEstimator, TransformerMixin

from revlearn.errors import InputError, NotFittedError, SchemaError, short_list

Kind = Literal["numeric", "category", "datetime"]


def is_kind(series: pd.Series, kind: Kind) -> bool:
    dtype = series.dtype
    if kind == "numeric":
        return ptypes.is_numeric_dtype(dtype) and not ptypes.is_bool_dtype(dtype)
    if kind == "datetime":
        return ptypes.is_datetime64_any_dtype(dtype)
    return (
        ptypes.is_object_dtype(dtype)
        or ptypes.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
        or ptypes.is_bool_dtype(dtype)
    )


def as_frame(data: Any, where: str) -> pd.DataFrame:
    """Return ``data`` if it is a DataFrame; raise InputError naming its type otherwise."""
    if isinstance(data, pd.DataFrame):
        return data
    raise InputError(
        f"Expected a pandas DataFrame, got {type(data).__name__}.",
        where=where,
        fix="Pass a DataFrame, e.g. pd.DataFrame(array, columns=names).",
    )


def check_present(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    """Raise SchemaError listing the ``columns`` absent from ``frame`` and those found."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"Column(s) {short_list(missing)} not found.",
            where=where,
            fix=f"Found: {short_list(frame.columns)}. Pass a frame with "
            "these columns or change the `columns` parameter.",
        )


def as_float(frame: pd.DataFrame, columns: Sequence[str], where: str) -> np.ndarray:
    try:
        return frame[list(columns)].astype("float64").to_numpy()
    except (TypeError, ValueError) as err:
        raise SchemaError(
            f"Column(s) {short_list(columns)} hold values that are not numbers ({err}).",
            where=where,
            fix="Convert text such as '1,250,000' to numbers first, "
            "e.g. pd.to_numeric(s.str.replace(',', '')).",
        ) from err


def pick(frame: pd.DataFrame, columns: Sequence[str] | None, kind: Kind, where: str) -> list[str]:
    """Return the named columns (checked) or, if None, every column of the kind."""
    if columns is None:
        return [c for c in frame.columns if is_kind(frame[c], kind)]
    chosen = list(columns)
    check_present(frame, chosen, where)
    wrong = [c for c in chosen if not is_kind(frame[c], kind)]
    if wrong and kind != "datetime":  # named text columns are parsed as dates
        raise SchemaError(
            f"Column(s) {short_list(wrong)} are not {kind} "
            f"(dtypes {short_list(str(frame[c].dtype) for c in wrong)}).",
            where=where,
            fix="Convert them or leave them out of `columns`.",
        )
    return chosen


class FrameTransformer(TransformerMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared plumbing: column choice at fit, checks at transform, output names."""

    _kind: Kind = "numeric"
    columns: Sequence[str] | None

    def fit(self, X: pd.DataFrame, y: object = None) -> Any:
        """Learn from a DataFrame.

        Parameters
        ----------
        X : pandas.DataFrame
            Training data; not modified.
        y : object, optional
            Ignored; accepted for scikit-learn pipelines.

        Returns
        -------
        self
            The fitted transformer.

        Raises
        ------
        InputError
            If ``X`` is not a DataFrame.
        SchemaError
            If a named column is absent or of the wrong type.
        ParameterError
            If a parameter has an unusable value.
        """
        where = f"{type(self).__name__}.fit"
        frame = as_frame(X, where)
        self._validate_params_(where)
        columns = self._choose_columns(frame, where)
        self._learn(frame, columns, where)
        self.feature_names_in_ = np.asarray([str(c) for c in frame.columns], dtype=object)
        self.n_features_in_ = frame.shape[1]
        self.columns_ = columns
        logging.getLogger(type(self).__module__).debug(
            "%s fitted on %d column(s): %s", type(self).__name__, len(columns), short_list(columns)
        )
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Apply what was learned at fit to a DataFrame.

        Parameters
        ----------
        X : pandas.DataFrame
            Data with the columns seen at fit; not modified.

        Returns
        -------
        pandas.DataFrame
            A new frame: the columns named in :meth:`get_feature_names_out` (other
            columns pass through unchanged), same index as ``X``.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        InputError
            If ``X`` is not a DataFrame.
        SchemaError
            If a column seen at fit is absent or holds unusable values.
        """
        where = f"{type(self).__name__}.transform"
        self._check_fitted(where)
        frame = as_frame(X, where)
        check_present(frame, self.columns_, where)
        return self._apply(frame.copy(), where)

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        """Name the columns that ``transform`` returns.

        Parameters
        ----------
        input_features : sequence of str, optional
            The input column names; must equal those seen at fit if given.

        Returns
        -------
        numpy.ndarray
            Output column names (object dtype).

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        SchemaError
            If ``input_features`` differs from the columns seen at fit.
        """
        where = f"{type(self).__name__}.get_feature_names_out"
        self._check_fitted(where)
        seen = list(self.feature_names_in_)
        if input_features is not None and list(input_features) != seen:
            raise SchemaError(
                f"input_features {short_list(input_features)} differ from the "
                f"columns seen at fit ({short_list(seen)}).",
                where=where,
                fix="Pass the fit-time column names or None.",
            )
        return np.asarray(self._names(seen), dtype=object)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "columns_")

    def _check_fitted(self, where: str) -> None:
        if not hasattr(self, "columns_"):
            name = type(self).__name__
            raise NotFittedError(
                f"This {name} is not fitted yet.",
                where=where,
                fix=f"Call {name}(...).fit(frame) first.",
            )

    def _choose_columns(self, frame: pd.DataFrame, where: str) -> list[str]:
        return pick(frame, self.columns, self._kind, where)

    def _validate_params_(self, where: str) -> None:
        """Raise ParameterError for unusable parameters (subclasses override)."""

    @abstractmethod
    def _learn(self, frame: pd.DataFrame, columns: list[str], where: str) -> None:
        """Learn the fitted state from the chosen columns."""

    @abstractmethod
    def _apply(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        """Transform a checked frame with the fitted state."""

    def _names(self, inputs: list[str]) -> list[str]:
        return inputs
