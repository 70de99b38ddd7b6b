"""Read text as numbers, booleans and dates: detect how a column is written, then convert it.

Private to :mod:`revlearn.data.schema` (not API, hence no ``__all__``): the schema asks
:func:`number_style` and :func:`date_conversion` how a text column is written, records the
answer as a conversion mapping (``{"kind": ...}`` plus options), and replays it through
:data:`CONVERTERS`. Each converter takes a Series and a conversion mapping and returns the
converted Series, how many non-blank values failed, and one failing value as an example.
Text is parsed through its distinct values (``pandas.factorize``), so a column of 200,000
rows with a few hundred spellings is parsed a few hundred times, not 200,000.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

NULL_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "?", "#n/a"})
TRUE_TOKENS = frozenset({"yes", "y", "true", "t", "1", "1.0"})
FALSE_TOKENS = frozenset({"no", "n", "false", "f", "0", "0.0"})
_SPACES = "[\\s\u00a0\u202f']"  # spaces, no-break spaces and Swiss 1'234
_SYMBOLS = r"[$€£¥₹%]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD)\b"
# Patterns run on Arrow strings (RE2 syntax: no look-arounds or back-references).
_NUMBER = {
    "us": r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?",
    "eu": r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d+)?",
}
MIN_PARSED = 0.95  # share of values a format must read for the column to take it
_EVIDENCE = {
    "us": r"\d,\d{3}(?:,\d{3})*\.\d|\d,\d{3},\d{3}|\.(?:\d{1,2}|\d{4,})$",
    "eu": r"\d\.\d{3}(?:\.\d{3})*,\d|\d\.\d{3}\.\d{3}|,(?:\d{1,2}|\d{4,})$",
}
_ISO_DATE = (
    r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?"
)
_SLASH_DATE = r"(\d{1,2})([/.-])(\d{1,2})[/.-](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?"


def factorize(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Return codes (−1 for missing) and the distinct values as Arrow-backed strings."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    text = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype("string[pyarrow]")
    return codes, text


def bools(flags: pd.Series) -> np.ndarray:
    """Turn a (possibly Arrow-backed, nullable) boolean Series into a numpy mask."""
    return flags.to_numpy(dtype=bool, na_value=False)


def _by_uniques(
    series: pd.Series, parse: Callable[[pd.Series], pd.Series]
) -> tuple[pd.Series, int, object]:
    """Parse each distinct value once; count non-blank values that failed to parse."""
    codes, uniques = factorize(series)
    parsed = parse(uniques)
    blank = bools(uniques.str.strip().str.lower().isin(NULL_TOKENS))
    failed = parsed.isna().to_numpy() & ~blank
    values = parsed.to_numpy()
    # A missing value appended last: code -1 (missing) then indexes it.
    if values.dtype.kind == "M":
        values = np.append(values, np.datetime64("NaT", "ns"))
    else:
        values = np.append(values.astype(float), np.nan)
    out = pd.Series(values[codes], index=series.index, name=series.name)
    n_failed = int(np.bincount(codes[codes >= 0], minlength=len(uniques))[failed].sum())
    example = str(uniques[failed].iloc[0]) if n_failed else None
    return out, n_failed, example


def parse_numbers(values: pd.Series, style: str) -> pd.Series:
    """Read Arrow strings as numbers in one style; NaN where a value is not a number."""
    text = values.str.replace(_SPACES, "", regex=True)
    negative = bools(text.str.fullmatch(r"\(.*\)"))
    percent = bools(text.str.contains("%", regex=False))
    text = text.str.strip("()").str.replace(_SYMBOLS, "", regex=True)
    valid = bools(text.str.fullmatch(_NUMBER[style])) & bools(text.str.contains(r"\d"))
    if style == "eu":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    numbers = text.where(valid).astype("float64[pyarrow]").to_numpy(dtype=float, na_value=np.nan)
    numbers = np.where(negative, -numbers, numbers)
    return pd.Series(np.where(percent, numbers / 100.0, numbers), index=values.index)


def parse_dates(values: pd.Series, conversion: dict[str, Any]) -> pd.Series:
    text = values.str.strip().astype(object)
    formats = conversion.get("formats") or [None]
    utc = bool(conversion.get("utc"))
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = result.isna()
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce", utc=utc)
        if utc:
            parsed = parsed.dt.tz_convert(None)
        result[todo] = parsed.astype("datetime64[ns]")
    return result


def convert_numeric_text(
    series: pd.Series, conversion: dict[str, Any]
) -> tuple[pd.Series, int, object]:
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float), 0, None
    return _by_uniques(series, lambda u: parse_numbers(u, conversion.get("style", "us")))


def _convert_numeric(
    series: pd.Series, conversion: dict[str, Any]
) -> tuple[pd.Series, int, object]:
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(float), 0, None
    return convert_numeric_text(series, {"kind": "numeric_text", "style": "us"})


def _convert_boolean(
    series: pd.Series, conversion: dict[str, Any]
) -> tuple[pd.Series, int, object]:
    true = set(conversion.get("true", TRUE_TOKENS))
    false = set(conversion.get("false", FALSE_TOKENS))

    def parse(uniques: pd.Series) -> pd.Series:
        key = uniques.str.strip().str.lower()
        is_true, is_false = bools(key.isin(true)), bools(key.isin(false))
        return pd.Series(
            np.where(is_true, 1.0, np.where(is_false, 0.0, np.nan)), index=uniques.index
        )

    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        numbers = series.astype(float)
        bad = numbers.notna() & ~numbers.isin([0.0, 1.0])
        example = numbers[bad].iloc[0] if bad.any() else None
        return numbers.where(~bad), int(bad.sum()), example
    return _by_uniques(series, parse)


def _convert_datetime(
    series: pd.Series, conversion: dict[str, Any]
) -> tuple[pd.Series, int, object]:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series, 0, None
    return _by_uniques(series, lambda u: parse_dates(u, conversion))


def _convert_categorical(
    series: pd.Series, conversion: dict[str, Any]
) -> tuple[pd.Series, int, object]:
    codes, uniques = factorize(series)
    values = uniques.to_numpy(dtype=object, na_value=np.nan)
    values[bools(uniques.str.strip() == "")] = np.nan
    values = np.append(values, np.nan)  # code -1 (missing) indexes this last slot
    return pd.Series(values[codes], index=series.index, name=series.name, dtype=object), 0, None


def _keep(series: pd.Series, conversion: dict[str, Any]) -> tuple[pd.Series, int, object]:
    return series, 0, None


CONVERTERS: dict[str, Callable[[pd.Series, dict[str, Any]], tuple[pd.Series, int, object]]] = {
    "boolean": _convert_boolean,
    "categorical": _convert_categorical,
    "datetime": _convert_datetime,
    "keep": _keep,
    "numeric": _convert_numeric,
    "numeric_text": convert_numeric_text,
}


# --- format detection ---------------------------------------------------------------


def number_style(values: pd.Series) -> str:
    """Tell whether numbers are written 1,234.5 (``"us"``) or 1.234,5 (``"eu"``)."""
    proof = {
        style: int(bools(values.str.contains(pattern, regex=True)).sum())
        for style, pattern in _EVIDENCE.items()
    }
    return "eu" if proof["eu"] > proof["us"] else "us"


def date_conversion(values: pd.Series) -> dict[str, Any] | None:
    """Find the date format the values are written in; None when they are not dates."""
    if bools(values.str.fullmatch(_ISO_DATE)).mean() >= MIN_PARSED:
        utc = bool(bools(values.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)).any())
        return {"kind": "datetime", "formats": ["ISO8601"], "utc": utc}
    if not bools(values.str.fullmatch(_SLASH_DATE)).mean() >= MIN_PARSED:
        return None
    parts = values.str.extract(_SLASH_DATE)
    first = parts[0].to_numpy(dtype=float, na_value=np.nan)
    second = parts[2].to_numpy(dtype=float, na_value=np.nan)
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first and month_first:
        return None
    sep = str(parts[1].dropna().astype(object).mode().iloc[0])
    date = f"%d{sep}%m{sep}%Y" if day_first else f"%m{sep}%d{sep}%Y"
    formats = [f"{date} %H:%M:%S", f"{date} %H:%M", date]
    return {
        "kind": "datetime",
        "formats": formats,
        "utc": False,
        "ambiguous": not (day_first or month_first),
    }
