"""Turn a business outcome column (yes/no, won/lost, 1/0 ...) into 0/1 with a known positive."""

from __future__ import annotations

import pandas as pd

from revlearn.errors import InputError, SchemaError, short_list

__all__ = ["POSITIVE_WORDS", "binary_target"]

#: Values read as the positive outcome when ``positive`` is not given (case-insensitive).
POSITIVE_WORDS = (
    "yes",
    "y",
    "true",
    "t",
    "1",
    "1.0",
    "converted",
    "won",
    "win",
    "closed won",
    "positive",
    "success",
    "churned",
    "churn",
    "bought",
    "purchased",
)


def _normal(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.casefold()


def binary_target(
    values: pd.Series, *, positive: object | None = None, where: str
) -> tuple[pd.Series, str]:
    """Map an outcome column to 1 (positive) / 0, dropping nothing.

    Without ``positive``, the positive class is the value that reads as a success
    (yes/true/1/converted/won …); failing that, the rarer of the two values.

    Parameters
    ----------
    values : pandas.Series
        The outcome column; missing values stay missing (the caller drops them).
    positive : object, optional
        The value that counts as positive (compared case-insensitively as text).
    where : str
        Where the column came from, for messages.

    Returns
    -------
    tuple
        ``(y, positive_label)``: a float Series of 1.0/0.0/NaN and the positive value as
        found in the data.

    Raises
    ------
    InputError
        If the outcome has one value only, more than two values, or ``positive`` is absent.
    """
    known = values.dropna()
    labels = pd.Series(known.unique())
    normal = _normal(labels)
    if len(labels) < 2:
        raise InputError(
            f"The target column {values.name!r} has only one value "
            f"({short_list(labels.tolist()) or 'none'}); a model needs both outcomes.",
            where=where,
            fix="Check the column, or add rows with the other outcome.",
        )
    if len(labels) > 2:
        raise InputError(
            f"The target column {values.name!r} has {len(labels)} values "
            f"({short_list(labels.tolist(), 6)}); lead scoring needs exactly two.",
            where=where,
            fix="Pick a yes/no column, or map the values to two outcomes first.",
        )
    if positive is not None:
        match = normal == str(positive).strip().casefold()
        if not match.any():
            raise SchemaError(
                f"--positive {positive!r} is not a value of {values.name!r}.",
                where=where,
                fix=f"Use one of: {short_list(labels.tolist())}.",
            )
    else:
        match = normal.isin(POSITIVE_WORDS)
        if match.sum() != 1:
            counts = known.value_counts()
            match = labels == counts.index[-1]
    label = labels[match.to_numpy()].iloc[0]
    y = values.map(lambda v: float(v == label), na_action="ignore").astype(float)
    return y, str(label)
