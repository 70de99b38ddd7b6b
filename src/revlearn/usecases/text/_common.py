"""Helpers shared by the text use cases: reading the text column, the output key, checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, SchemaError
from revlearn.usecases.text.language import detect_languages
from revlearn.usecases.text.lexicon import LexiconScorer, _cached_lexicon
from revlearn.usecases.text.prepare import PreparedTexts, prepare_texts


def read_texts(
    data: Any,
    *,
    text_col: str,
    id_col: str | None,
    where: str,
    max_chars: int,
    extra: Sequence[str | None] = (),
) -> tuple[pd.DataFrame, PreparedTexts, list[str]]:
    """Check the columns, clean the texts and flag their language."""
    frame = as_pandas(data, where=where)
    needed = [text_col, *([id_col] if id_col else []), *[c for c in extra if c]]
    check_columns(frame, needed, where=where, hint="Name the text column with --text (and --id).")
    if len(frame) == 0:
        raise InputError(
            "The table has no rows.", where=where, fix="Pass a table with at least one text."
        )
    column = frame[text_col]
    if isinstance(column, pd.DataFrame):
        raise SchemaError(
            f"Column {text_col!r} appears more than once.",
            where=where,
            fix="Rename the duplicate columns.",
        )
    prepared = prepare_texts(column.tolist(), max_chars=max_chars)
    languages = detect_languages(prepared.texts)
    return frame, prepared, languages


def output_key(frame: pd.DataFrame, id_col: str | None) -> pd.DataFrame:
    """The first column(s) of a prediction table: the id column or ``row``."""
    if id_col:
        return pd.DataFrame({id_col: frame[id_col].to_numpy()})
    return pd.DataFrame({"row": np.arange(len(frame), dtype=np.int64)})


def status_with_language(
    status: np.ndarray, languages: Sequence[str], allowed: Sequence[str]
) -> np.ndarray:
    """Mark rows in a language outside ``allowed`` as ``"other_language"``."""
    out = status.copy()
    for i, lang in enumerate(languages):
        if out[i] != "empty" and lang not in allowed and lang != "und":
            out[i] = "other_language"
    return out


def target_values(frame: pd.DataFrame, target_col: str, where: str) -> np.ndarray:
    """The target as an array; one clear error when it is missing or has one class."""
    check_columns(frame, [target_col], where=where, hint="Pass the label column with --target.")
    y = frame[target_col]
    known = y.dropna()
    classes = pd.unique(known)
    if len(classes) < 2:
        shown = "no value" if not len(classes) else f"only {classes[0]!r}"
        raise InputError(
            f"The target {target_col!r} has {shown}: a model needs at least two classes.",
            where=f"{where}(target_col={target_col!r})",
            fix="Pass a column with two or more labels, or fit without --target to use the "
            "lexicon.",
        )
    return y.to_numpy(dtype=object)


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Lexicon scores as model features: compound, positive and negative valence sums.

    Parameters
    ----------
    words : dict, optional
        Word → valence; VADER's lexicon when omitted (stored at ``fit``).
    """

    def __init__(self, words: dict[str, float] | None = None) -> None:
        self.words = words

    def fit(self, X: Sequence[str], y: object = None) -> LexiconFeatures:
        """Store the lexicon."""
        self.lexicon_ = dict(self.words) if self.words is not None else dict(_cached_lexicon()[0])
        return self

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        """Return three columns per text: compound, scaled positive and negative sums."""
        scorer = LexiconScorer(self.lexicon_, _cached_lexicon()[1])
        rows = np.zeros((len(X), 3))
        for i, text in enumerate(X):
            _, valences, _ = scorer.token_valences(str(text))
            pos = sum(v for v in valences if v > 0)
            neg = sum(v for v in valences if v < 0)
            total = pos + neg
            rows[i, 0] = total / np.sqrt(total * total + 15.0)
            rows[i, 1] = pos / np.sqrt(pos * pos + 15.0)
            rows[i, 2] = neg / np.sqrt(neg * neg + 15.0)
        return sp.csr_matrix(rows)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Names of the three columns."""
        return np.array(["lexicon_compound", "lexicon_positive", "lexicon_negative"])
