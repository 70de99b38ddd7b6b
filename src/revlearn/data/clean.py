"""Clean messy CRM data with scikit-learn transformers that take and return DataFrames.

The transformers follow scikit-learn's conventions (parameters only in ``__init__``,
learned state in attributes ending in ``_``, ``get_feature_names_out``) so they work in a
``Pipeline`` and with ``clone``. They take a pandas DataFrame and return a new one: the
columns they work on are changed or replaced, all other columns pass through untouched,
and the input is never modified. Learned state is kept in plain numbers, strings, lists,
dicts and scikit-learn estimators, so a fitted transformer saves with ``skops``.

Where scikit-learn already does the job it is wrapped, not rewritten: :class:`Imputer`
wraps ``SimpleImputer``/``IterativeImputer`` and :class:`CategoryEncoder` wraps
``OneHotEncoder``; what they add is DataFrame in, DataFrame out, readable column names
and revlearn's error messages. Tukey-fence clipping, spelling normalisation, date parts
and ratios are a few lines of pandas that scikit-learn does not offer. De-duplication lives
in :mod:`revlearn.data.dedupe` and customer scores in :mod:`revlearn.data.features`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, SimpleImputer
from sklearn.preprocessing import OneHotEncoder

from revlearn.data._frame import FrameTransformer, Kind, as_float, pick
from revlearn.errors import ParameterError, RevlearnWarning, SchemaError, short_list

__all__ = [
    "CategoryEncoder",
    "CategoryNormalizer",
    "DateParts",
    "Imputer",
    "OutlierClipper",
    "RatioFeatures",
]


class Imputer(FrameTransformer):
    """Fill missing numbers in numeric columns; wraps scikit-learn's imputers.

    ``"mean"``, ``"median"`` and ``"most_frequent"`` use ``sklearn.impute.SimpleImputer``;
    ``"model"`` predicts each column from the others with
    ``sklearn.impute.IterativeImputer`` (better when columns are related, slower).

    Parameters
    ----------
    strategy : {"mean", "median", "most_frequent", "model"}, default="median"
        How the fill value is chosen.
    add_indicator : bool, default=False
        Also add a 0/1 column ``<col>_missing`` for each column that had blanks at fit
        (missingness itself often predicts the outcome).
    columns : sequence of str, optional
        Columns to impute; by default every numeric column. Others pass through.

    Attributes
    ----------
    columns_ : list of str
        The columns imputed.
    imputer_ : SimpleImputer or IterativeImputer or None
        The fitted scikit-learn imputer (None when there was no numeric column).
    indicator_columns_ : list of str
        Columns that get a ``<col>_missing`` flag.
    """

    def __init__(
        self,
        *,
        strategy: Literal["mean", "median", "most_frequent", "model"] = "median",
        add_indicator: bool = False,
        columns: Sequence[str] | None = None,
    ) -> None:
        self.strategy = strategy
        self.add_indicator = add_indicator
        self.columns = columns

    def _validate_params_(self, where: str) -> None:
        options = ("mean", "median", "most_frequent", "model")
        if self.strategy not in options:
            raise ParameterError(
                f"strategy={self.strategy!r} is not supported.",
                where=where,
                fix=f"Use one of {short_list(options)}.",
            )

    def _learn(self, frame: pd.DataFrame, columns: list[str], where: str) -> None:
        self.imputer_: SimpleImputer | IterativeImputer | None = None
        self.indicator_columns_: list[str] = []
        if not columns:
            return
        values = as_float(frame, columns, where)
        empty = [
            c for c, all_nan in zip(columns, np.isnan(values).all(axis=0), strict=True) if all_nan
        ]
        if empty:
            warnings.warn(
                f"Column(s) {short_list(empty)} are entirely blank; filled with 0.",
                RevlearnWarning,
                stacklevel=3,
            )
        imputer = (
            IterativeImputer(
                add_indicator=self.add_indicator, keep_empty_features=True, random_state=0
            )
            if self.strategy == "model"
            else SimpleImputer(
                strategy=self.strategy, add_indicator=self.add_indicator, keep_empty_features=True
            )
        )
        imputer.fit(values)
        self.imputer_ = imputer
        if self.add_indicator and imputer.indicator_ is not None:
            self.indicator_columns_ = [columns[i] for i in imputer.indicator_.features_]

    def _apply(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        if self.imputer_ is None:
            return frame
        k = len(self.columns_)
        out = self.imputer_.transform(as_float(frame, self.columns_, where))
        frame[self.columns_] = out[:, :k]
        for j, col in enumerate(self.indicator_columns_):
            frame[f"{col}_missing"] = out[:, k + j].astype(np.int64)
        return frame

    def _names(self, inputs: list[str]) -> list[str]:
        return inputs + [f"{c}_missing" for c in self.indicator_columns_]


class OutlierClipper(FrameTransformer):
    """Clip extreme numbers to fences learned at fit, optionally flagging them.

    With ``method="iqr"`` the fences are Tukey's: ``Q1 - factor * IQR`` and
    ``Q3 + factor * IQR``; with ``method="std"`` they are ``mean ± factor * std``. Values
    beyond a fence are set to the fence, so one huge deal does not dominate a model.

    Parameters
    ----------
    factor : float, default=1.5
        Width of the fences (1.5 is Tukey's "outlier", 3 his "far out").
    method : {"iqr", "std"}, default="iqr"
        How the fences are set.
    flag : bool, default=False
        Also add a 0/1 column ``<col>_outlier`` marking values that were clipped.
    columns : sequence of str, optional
        Columns to clip; by default every numeric column. Clipped columns become float.

    Attributes
    ----------
    lower_ : dict of str to float
        Lower fence per column.
    upper_ : dict of str to float
        Upper fence per column.
    """

    def __init__(
        self,
        *,
        factor: float = 1.5,
        method: Literal["iqr", "std"] = "iqr",
        flag: bool = False,
        columns: Sequence[str] | None = None,
    ) -> None:
        self.factor = factor
        self.method = method
        self.flag = flag
        self.columns = columns

    def _validate_params_(self, where: str) -> None:
        if self.method not in ("iqr", "std"):
            raise ParameterError(
                f"method={self.method!r} is not supported.",
                where=where,
                fix="Use 'iqr' (Tukey fences) or 'std'.",
            )
        if (
            isinstance(self.factor, bool)
            or not isinstance(self.factor, int | float)
            or not self.factor > 0
        ):
            raise ParameterError(
                f"factor={self.factor!r} is not a positive number.",
                where=where,
                fix="Use e.g. factor=1.5 (or 3 for far out).",
            )

    def _learn(self, frame: pd.DataFrame, columns: list[str], where: str) -> None:
        values = as_float(frame, columns, where)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-blank columns give NaN
            if self.method == "iqr":
                q1, q3 = np.nanquantile(values, [0.25, 0.75], axis=0)
                low, high = q1 - self.factor * (q3 - q1), q3 + self.factor * (q3 - q1)
            else:
                mean, std = np.nanmean(values, axis=0), np.nanstd(values, axis=0)
                low, high = mean - self.factor * std, mean + self.factor * std
        self.lower_ = {c: float(v) for c, v in zip(columns, low, strict=True)}
        self.upper_ = {c: float(v) for c, v in zip(columns, high, strict=True)}

    def _apply(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        values = as_float(frame, self.columns_, where)
        for j, col in enumerate(self.columns_):
            low, high = self.lower_[col], self.upper_[col]
            if self.flag:
                with np.errstate(invalid="ignore"):
                    outside = (values[:, j] < low) | (values[:, j] > high)
                frame[f"{col}_outlier"] = outside.astype(np.int64)
            frame[col] = pd.Series(values[:, j], index=frame.index).clip(
                None if np.isnan(low) else low, None if np.isnan(high) else high
            )
        return frame

    def _names(self, inputs: list[str]) -> list[str]:
        return inputs + ([f"{c}_outlier" for c in self.columns_] if self.flag else [])


def _spaced(value: str) -> str:
    return " ".join(value.split())


class CategoryNormalizer(FrameTransformer):
    """Merge spelling variants of categories into one canonical spelling.

    Values that are equal after trimming, collapsing inner spaces and ignoring case
    (``"Germany"``, ``"germany "``, ``"GERMANY"``) are mapped to the spelling seen most
    often at fit. Codes that no spelling rule can catch (``"DE"`` for Germany) are merged
    with ``aliases``. Values unseen at fit are returned trimmed and space-collapsed;
    blanks stay blank and non-text values pass through.

    Parameters
    ----------
    aliases : mapping of str to str, optional
        Extra variants and the value they mean, e.g. ``{"DE": "Germany", "UK": "United
        Kingdom"}``; matched ignoring case and spaces, applied to every chosen column.
    columns : sequence of str, optional
        Columns to normalise; by default every text, categorical or boolean column.

    Attributes
    ----------
    mapping_ : dict of str to dict of str to str
        Per column, the case-folded key of each spelling and its canonical spelling.

    Examples
    --------
    >>> frame = pd.DataFrame({"country": ["Germany", "germany ", "DE", "France"]})
    >>> CategoryNormalizer(aliases={"DE": "Germany"}).fit_transform(frame)["country"].tolist()
    ['Germany', 'Germany', 'Germany', 'France']
    """

    _kind: Kind = "category"

    def __init__(
        self, *, aliases: Mapping[str, str] | None = None, columns: Sequence[str] | None = None
    ) -> None:
        self.aliases = aliases
        self.columns = columns

    def _alias_keys(self) -> dict[str, str]:
        return {_spaced(k).casefold(): _spaced(v) for k, v in (self.aliases or {}).items()}

    def _learn(self, frame: pd.DataFrame, columns: list[str], where: str) -> None:
        aliases = self._alias_keys()
        self.mapping_: dict[str, dict[str, str]] = {}
        for col in columns:
            text = frame[col].astype(object)
            spelled = text[text.map(lambda v: isinstance(v, str))].map(_spaced)
            keys = spelled.str.casefold()
            spelled = spelled.where(~keys.isin(list(aliases)), keys.map(aliases))
            table = pd.DataFrame({"key": spelled.str.casefold(), "spelling": spelled})
            counts = table.value_counts().reset_index(name="n")
            best = counts.sort_values(["n", "spelling"], ascending=[False, True]).drop_duplicates(
                "key"
            )
            mapping = dict(zip(best["key"], best["spelling"], strict=True))
            for key, target in aliases.items():
                mapping[key] = mapping.get(target.casefold(), target)
            self.mapping_[col] = mapping

    def _apply(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        for col in self.columns_:
            mapping = self.mapping_[col]
            text = frame[col].astype(object)
            lookup = {
                v: mapping.get(_spaced(v).casefold(), _spaced(v))
                for v in pd.unique(text.dropna())
                if isinstance(v, str)
            }
            frame[col] = text.map(lookup).where(text.isin(list(lookup)), text)
        return frame


class CategoryEncoder(FrameTransformer):
    """One-hot encode categories, safely for categories never seen at fit.

    Wraps ``sklearn.preprocessing.OneHotEncoder`` with
    ``handle_unknown="infrequent_if_exist"``: a category unseen at fit goes to the
    ``<col>_other`` column when rare categories were grouped, and otherwise gets all
    zeros — never an error. Blanks are their own category (``<col>_nan``).

    Parameters
    ----------
    max_categories : int or None, default=20
        Most output columns per input column (rare categories are grouped in
        ``<col>_other``, which counts as one).
    min_frequency : int or float, optional
        Categories seen fewer times (int) or in a smaller share of rows (float) go to
        ``<col>_other``.
    columns : sequence of str, optional
        Columns to encode; by default every text, categorical or boolean column. They are
        replaced by their 0/1 columns, appended after the other columns.

    Attributes
    ----------
    encoder_ : OneHotEncoder or None
        The fitted scikit-learn encoder (None when there was no column to encode).
    encoded_names_ : list of str
        Names of the 0/1 columns, ``<col>_<category>``.

    Examples
    --------
    >>> train = pd.DataFrame({"source": ["web", "event", "web"]})
    >>> encoder = CategoryEncoder().fit(train)
    >>> encoder.transform(pd.DataFrame({"source": ["tiktok"]})).to_dict("records")
    [{'source_event': 0, 'source_web': 0}]
    """

    _kind: Kind = "category"

    def __init__(
        self,
        *,
        max_categories: int | None = 20,
        min_frequency: int | float | None = None,
        columns: Sequence[str] | None = None,
    ) -> None:
        self.max_categories = max_categories
        self.min_frequency = min_frequency
        self.columns = columns

    @staticmethod
    def _values(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
        return np.column_stack(
            [frame[c].astype("string").to_numpy(dtype=object, na_value=np.nan) for c in columns]
        )

    def _learn(self, frame: pd.DataFrame, columns: list[str], where: str) -> None:
        self.encoder_: OneHotEncoder | None = None
        self.encoded_names_: list[str] = []
        if not columns:
            return
        encoder = OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            sparse_output=False,
            max_categories=self.max_categories,
            min_frequency=self.min_frequency,
            dtype=np.int64,
        )
        try:
            encoder.fit(self._values(frame, columns))
        except (TypeError, ValueError) as err:
            raise ParameterError(
                f"OneHotEncoder rejected the settings: {err}",
                where=where,
                fix="Use max_categories >= 2 and min_frequency >= 0.",
            ) from err
        self.encoder_ = encoder
        self.encoded_names_ = [
            name.removesuffix("_infrequent_sklearn") + "_other"
            if name.endswith("_infrequent_sklearn")
            else name
            for name in encoder.get_feature_names_out(columns)
        ]

    def _apply(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        if self.encoder_ is None:
            return frame
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Found unknown categories")
            encoded = self.encoder_.transform(self._values(frame, self.columns_))
        block = pd.DataFrame(encoded, columns=self.encoded_names_, index=frame.index)
        return pd.concat([frame.drop(columns=self.columns_), block], axis=1)

    def _names(self, inputs: list[str]) -> list[str]:
        return [c for c in inputs if c not in self.columns_] + self.encoded_names_


def _to_datetime(series: pd.Series, where: str) -> pd.Series:
    try:
        with warnings.catch_warnings():  # text dates in several formats are parsed one by one
            warnings.filterwarnings("ignore", message="Could not infer format")
            dates = pd.to_datetime(series)
    except (TypeError, ValueError) as err:
        raise SchemaError(
            f"Column {series.name!r} holds values that are not dates ({err}).",
            where=where,
            fix="Fix or drop those values, or leave the column out of `columns`.",
        ) from err
    return dates.dt.tz_convert(None) if dates.dt.tz is not None else dates


class DateParts(FrameTransformer):
    """Turn date columns into numbers a model can use.

    Each date column ``<col>`` is replaced by ``<col>_year``, ``<col>_month``,
    ``<col>_dayofweek`` (0 = Monday) and ``<col>_days_ago`` (days before the reference
    date, fixed at fit so that scores do not drift with today's date), all float, appended
    after the other columns. Time-zone-aware dates are compared in UTC.

    Parameters
    ----------
    reference : str, optional
        The "today" of ``_days_ago`` (e.g. ``"2025-06-30"``); by default the latest date
        seen at fit.
    columns : sequence of str, optional
        Date columns; by default every datetime column. Named text columns are parsed.

    Attributes
    ----------
    reference_ : str
        The reference date in ISO format.
    """

    _kind: Kind = "datetime"
    _PARTS = ("year", "month", "dayofweek", "days_ago")

    def __init__(
        self, *, reference: str | None = None, columns: Sequence[str] | None = None
    ) -> None:
        self.reference = reference
        self.columns = columns

    def _learn(self, frame: pd.DataFrame, columns: list[str], where: str) -> None:
        latest = [_to_datetime(frame[c], where).max() for c in columns]  # parses = checks
        known = [d for d in latest if not pd.isna(d)]
        if self.reference is not None:
            try:
                stamp = pd.Timestamp(self.reference)
            except (TypeError, ValueError) as err:
                raise ParameterError(
                    f"reference={self.reference!r} is not a date.",
                    where=where,
                    fix="Use e.g. reference='2025-06-30'.",
                ) from err
            stamp = stamp.tz_convert(None) if stamp.tz is not None else stamp
        elif known:
            stamp = max(known)
        else:
            raise SchemaError(
                f"No dates to learn a reference from in {short_list(columns)}.",
                where=where,
                fix="Pass reference='YYYY-MM-DD' or date columns with values.",
            )
        self.reference_ = stamp.isoformat()

    def _apply(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        reference = pd.Timestamp(self.reference_)
        parts = {}
        for col in self.columns_:
            dates = _to_datetime(frame[col], where)
            parts[f"{col}_year"] = dates.dt.year.astype("float64")
            parts[f"{col}_month"] = dates.dt.month.astype("float64")
            parts[f"{col}_dayofweek"] = dates.dt.dayofweek.astype("float64")
            parts[f"{col}_days_ago"] = (reference - dates).dt.total_seconds() / 86_400.0
        block = pd.DataFrame(parts, index=frame.index)
        return pd.concat([frame.drop(columns=self.columns_), block], axis=1)

    def _names(self, inputs: list[str]) -> list[str]:
        return [c for c in inputs if c not in self.columns_] + [
            f"{c}_{part}" for c in self.columns_ for part in self._PARTS
        ]


class RatioFeatures(FrameTransformer):
    """Add ratios of numeric columns, safe when the denominator is zero or blank.

    For each pair ``(numerator, denominator)`` adds ``<numerator>_per_<denominator>``
    (e.g. ``email_clicks_per_email_opens``), appended after the existing columns.

    Parameters
    ----------
    pairs : sequence of (str, str)
        The numerator and denominator column of each ratio.
    fill_value : float, default=0.0
        The ratio where the denominator is zero or either value is blank.

    Attributes
    ----------
    pairs_ : list of list of str
        The validated pairs.
    """

    def __init__(self, *, pairs: Sequence[tuple[str, str]], fill_value: float = 0.0) -> None:
        self.pairs = pairs
        self.fill_value = fill_value

    def _validate_params_(self, where: str) -> None:
        bad = [p for p in self.pairs if isinstance(p, str) or len(p) != 2]
        if not self.pairs or bad:
            raise ParameterError(
                f"pairs={self.pairs!r} is not a list of (numerator, denominator) column pairs.",
                where=where,
                fix="Use e.g. pairs=[('email_clicks', 'email_opens')].",
            )

    def _choose_columns(self, frame: pd.DataFrame, where: str) -> list[str]:
        named = list(dict.fromkeys(str(c) for pair in self.pairs for c in pair))
        return pick(frame, named, "numeric", where)

    def _learn(self, frame: pd.DataFrame, columns: list[str], where: str) -> None:
        self.pairs_ = [[str(num), str(den)] for num, den in self.pairs]

    def _apply(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        for num, den in self.pairs_:
            top, bottom = as_float(frame, [num, den], where).T
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = top / bottom
            ratio[~np.isfinite(ratio)] = self.fill_value
            frame[f"{num}_per_{den}"] = ratio
        return frame

    def _names(self, inputs: list[str]) -> list[str]:
        return inputs + [f"{num}_per_{den}" for num, den in self.pairs_]
