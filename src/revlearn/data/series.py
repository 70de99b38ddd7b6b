"""Time series for forecasting: long tables or order lines on a regular grid per series.

:func:`prepare_series` turns a table with a date, a value and optionally a series id and
signal columns (temperature, promotions, web visits) into the long format the forecasting
libraries use (``unique_id``, ``ds``, ``y`` and one column per signal; the layout of
statsforecast, mlforecast and utilsforecast), at one frequency, with no gaps:

* **Frequencies** (pandas aliases): ``"D"`` (daily), ``"W"`` (weekly, weeks ending on
  Sunday, i.e. ``"W-SUN"``) or ``"W-MON"`` ... ``"W-SAT"`` (weeks ending on that day),
  ``"MS"`` (monthly, labelled by the first of the month; ``"M"`` and ``"ME"`` are read as
  ``"MS"``), ``"QS"`` (quarterly; ``"Q"``, ``"QE"``), ``"YS"`` (yearly; ``"Y"``, ``"YE"``,
  ``"A"``). Without ``freq`` it is inferred from the median spacing of each series' dates
  (the nearest of a day, a week, a month, a quarter and a year on a log scale; weeks end on
  the most common weekday); series whose spacings point to different frequencies are an
  error that asks for ``--freq``.
* **Aggregation**: every timestamp moves to its period (the day, the week's last day, the
  first of the month ...); rows that share a series and a period are combined: values with
  ``agg`` (``"sum"``, the default, for counts and amounts such as order lines; ``"mean"``
  or ``"last"`` for levels such as a stock or a price) and signals always averaged.
* **Gaps**: periods missing inside a series are added; their value is 0 when
  ``agg="sum"`` (no order lines means no sales) and the previous value otherwise; signals
  are carried forward. Blank values count as missing.

Everything is vectorised (integer period codes, one pandas group-by, NumPy for the grid), so
a million order lines take about a second. :func:`future_signals` checks the future values
of known-in-advance signals (planned promotions, weather forecasts) that a forecast needs.
This module is revlearn's own because no library does the checks, the snapping to one
frequency and the notes together; the forecasting libraries expect the result.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from revlearn.data._events import BLANKS, parse_timestamps
from revlearn.data._frame import as_frame
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, ParameterError, SchemaError, short_list

__all__ = ["PreparedSeries", "future_signals", "prepare_series"]

logger = logging.getLogger(__name__)

_AGGS = ("sum", "mean", "last")
_RESERVED = ("unique_id", "ds", "y")
_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
#: kind → (typical spacing in days, season length, unit word, canonical alias)
_KINDS = {
    "D": (1.0, 7, "day", "D"),
    "W": (7.0, 52, "week", "W-SUN"),
    "M": (30.44, 12, "month", "MS"),
    "Q": (91.31, 4, "quarter", "QS"),
    "Y": (365.25, 1, "year", "YS"),
}
_ADJECTIVE = {"D": "daily", "W": "weekly", "M": "monthly", "Q": "quarterly", "Y": "yearly"}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ALIASES = {
    "D": "D",
    "W": "W",
    "MS": "M",
    "M": "M",
    "ME": "M",
    "QS": "Q",
    "Q": "Q",
    "QE": "Q",
    "YS": "Y",
    "Y": "Y",
    "YE": "Y",
    "A": "Y",
    "AS": "Y",
}


class _Freq(NamedTuple):
    kind: str
    anchor: int  # weekday (Mon=0) the weeks end on; 0 for other kinds

    @property
    def alias(self) -> str:
        return f"W-{_DAYS[self.anchor]}" if self.kind == "W" else _KINDS[self.kind][3]

    @property
    def unit(self) -> str:
        return _KINDS[self.kind][2]

    @property
    def season_length(self) -> int:
        return _KINDS[self.kind][1]


@dataclass(frozen=True)
class PreparedSeries:
    """Series on a regular grid, ready for a forecasting model.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``unique_id`` (str), ``ds`` (datetime64, one row per period of ``freq``
        from each series' first to its last period), ``y`` (float) and one column per
        signal (float), sorted by ``unique_id`` then ``ds``.
    freq : str
        The pandas frequency alias (``"D"``, ``"W-SUN"``, ``"MS"``, ``"QS"``, ``"YS"``).
    season_length : int
        Periods in a season: 7 for daily, 52 for weekly, 12 for monthly, 4 for quarterly,
        1 for yearly.
    notes : list of str
        Plain sentences on what was done to the data (rows aggregated, gaps filled,
        timestamps moved to their period, short series).
    series : list of str
        The series ids, sorted.
    lengths : dict of str to int
        Number of periods of each series.
    signals : list of str
        The signal columns, in the order given.
    """

    frame: pd.DataFrame
    freq: str
    season_length: int
    notes: list[str] = field(default_factory=list)
    series: list[str] = field(default_factory=list)
    lengths: dict[str, int] = field(default_factory=dict)
    signals: list[str] = field(default_factory=list)


def _parse_freq(freq: str, where: str) -> _Freq:
    text = str(freq).strip().upper()
    if text.startswith("W-") and text[2:] in _DAYS:
        return _Freq("W", _DAYS.index(text[2:]))
    if text in _ALIASES:
        kind = _ALIASES[text]
        return _Freq(kind, 6 if kind == "W" else 0)
    raise ParameterError(
        f"freq={freq!r} is not a frequency revlearn knows.",
        where=f"{where}(freq=...)",
        fix="Pass one of D (daily), W or W-MON ... W-SUN (weekly), MS (monthly), QS "
        "(quarterly) or YS (yearly), or leave it out to infer it from the dates.",
    )


def _day_numbers(stamps: np.ndarray) -> np.ndarray:
    return stamps.astype("datetime64[D]").astype(np.int64)


def _codes(stamps: np.ndarray, freq: _Freq) -> np.ndarray:
    """Consecutive integer period numbers of datetime64[ns] values (NaT-free)."""
    if freq.kind == "D":
        return _day_numbers(stamps)
    if freq.kind == "W":
        days = _day_numbers(stamps)
        offset = (freq.anchor - 3) % 7  # 1970-01-01, day 0, was a Thursday
        return (days - offset + 6) // 7  # the week ending on the next anchor day
    if freq.kind == "Y":
        return stamps.astype("datetime64[Y]").astype(np.int64)
    months = stamps.astype("datetime64[M]").astype(np.int64)
    return months // 3 if freq.kind == "Q" else months


def _labels(codes: np.ndarray, freq: _Freq) -> np.ndarray:
    """The datetime64[ns] label of each period number (inverse of :func:`_codes`)."""
    codes = np.asarray(codes, dtype=np.int64)
    if freq.kind == "D":
        out = codes.astype("datetime64[D]")
    elif freq.kind == "W":
        out = (codes * 7 + (freq.anchor - 3) % 7).astype("datetime64[D]")
    elif freq.kind == "Y":
        out = codes.astype("datetime64[Y]")
    else:
        out = (codes * 3 if freq.kind == "Q" else codes).astype("datetime64[M]")
    return out.astype("datetime64[ns]")


def _numbers(series: pd.Series, name: str, flag: str, where: str) -> np.ndarray:
    """Floats (NaN for blanks); text that is not a number is a SchemaError."""
    if ptypes.is_bool_dtype(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    if ptypes.is_numeric_dtype(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    failed = np.isnan(numbers) & series.notna().to_numpy()
    if failed.any():
        text = series[failed].astype(str).str.strip().str.lower()
        failed[failed] = ~text.isin(BLANKS).to_numpy()
    if failed.any():
        raise SchemaError(
            f"{int(failed.sum()):,} of {len(series):,} values in column {name!r} are not "
            f"numbers, e.g. {series[failed].iloc[0]!r}.",
            where=where,
            fix=f"Convert them to numbers first (drop units, currency symbols and thousands "
            f"separators) or pass another column with {flag}.",
        )
    return numbers


def _infer_freq(sid: np.ndarray, stamps: np.ndarray, ids: Sequence[str], where: str) -> _Freq:
    """The frequency of each series from the median spacing of its distinct timestamps."""
    order = np.lexsort((stamps, sid))
    s, t = sid[order], stamps[order].astype(np.int64)
    step = np.diff(t) / 86_400e9
    same = (s[1:] == s[:-1]) & (step > 0)
    spacing = pd.Series(step[same]).groupby(s[1:][same]).median()
    if spacing.empty:
        return _Freq("D", 0)
    names = list(_KINDS)
    typical = np.log([_KINDS[k][0] for k in names])
    nearest = np.abs(np.log(np.maximum(spacing.to_numpy(), 1.0))[:, None] - typical).argmin(1)
    kinds = pd.Series([names[i] for i in nearest], index=spacing.index)
    if kinds.nunique() > 1:
        examples = [
            f"{ids[int(i)]!r} looks {_ADJECTIVE[k]} (median spacing {spacing[i]:g} days)"
            for k in dict.fromkeys(kinds)
            for i in [kinds.index[kinds == k][0]]
        ]
        raise InputError(
            f"The series have different frequencies: {'; '.join(examples[:3])}.",
            where=where,
            fix="Pass --freq to aggregate them to one frequency, e.g. --freq W or --freq MS.",
        )
    kind = str(kinds.iloc[0])
    if kind != "W":
        return _Freq(kind, 0)
    weekday = (_day_numbers(stamps) + 3) % 7
    return _Freq("W", int(np.bincount(weekday, minlength=7).argmax()))


def _check_params(agg: str, signals: Sequence[str] | None, where: str) -> list[str]:
    if agg not in _AGGS:
        raise ParameterError(
            f"agg={agg!r} is not one of {', '.join(_AGGS)}.",
            where=f"{where}(agg=...)",
            fix='Pass agg="sum" for counts and amounts, "mean" or "last" for levels.',
        )
    names = [] if signals is None else [signals] if isinstance(signals, str) else list(signals)
    clash = [s for s in names if s in _RESERVED]
    if clash or len(set(names)) < len(names):
        raise ParameterError(
            f"Signals {short_list(names)} repeat a name or use a reserved one "
            f"({', '.join(_RESERVED)}).",
            where=f"{where}(signals=...)",
            fix="Name each signal column once and rename columns called unique_id, ds or y.",
        )
    return names


def _read(
    frame: pd.DataFrame,
    date_col: str,
    value_col: str,
    series_col: str | None,
    signals: list[str],
    where: str,
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Series codes, ids, timestamps, values and signals of the usable rows, with notes."""
    notes: list[str] = []
    stamps = parse_timestamps(frame[date_col], date_col, where, flag="--date").to_numpy(
        dtype="datetime64[ns]"
    )
    values = _numbers(frame[value_col], value_col, "--value", where)
    extra = np.column_stack(
        [_numbers(frame[s], s, "--signals", where) for s in signals] or [np.empty((len(frame), 0))]
    )
    if series_col is None:
        sid, ids = np.zeros(len(frame), dtype=np.int64), [str(value_col)]
    else:
        sid, uniques = pd.factorize(frame[series_col], use_na_sentinel=True)
        ids = [str(u) for u in uniques]
    keep = ~np.isnat(stamps) & (sid >= 0)
    if not keep.all():
        notes.append(
            f"Dropped {int((~keep).sum()):,} of {len(frame):,} rows without a date"
            + ("." if series_col is None else " or a series id.")
        )
    if not keep.any():
        raise InputError(
            f"None of the {len(frame):,} rows has a usable date"
            + ("." if series_col is None else " and series id."),
            where=where,
            fix="Pass the right columns with --date and --series.",
        )
    return sid[keep], ids, stamps[keep], values[keep], extra[keep], notes


def _aggregate(
    sid: np.ndarray, codes: np.ndarray, values: np.ndarray, extra: np.ndarray, agg: str
) -> pd.DataFrame:
    """One row per (series, period): values with ``agg``, signals averaged."""
    data = pd.DataFrame({"sid": sid, "p": codes, "y": values})
    for j in range(extra.shape[1]):
        data[f"s{j}"] = extra[:, j]
    grouped = data.groupby(["sid", "p"], sort=True)
    if agg == "sum":
        y = grouped["y"].sum(min_count=1)
    else:
        y = getattr(grouped["y"], agg)()
    out = grouped[[f"s{j}" for j in range(extra.shape[1])]].mean()
    out.insert(0, "y", y)
    return out.reset_index()


def _grid(
    table: pd.DataFrame, agg: str, n_signals: int
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Every period from each series' first to last; returns the frame, lengths and gaps."""
    sid = table["sid"].to_numpy()
    first = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
    last = np.r_[first[1:], len(sid)] - 1
    p = table["p"].to_numpy()
    lengths = p[last] - p[first] + 1
    starts = np.cumsum(lengths) - lengths
    total = int(lengths.sum())
    series_of_row = np.repeat(np.arange(len(first)), np.diff(np.r_[first, len(sid)]))
    position = starts[series_of_row] + (p - p[first][series_of_row])
    grid = pd.DataFrame(
        {
            "sid": np.repeat(sid[first], lengths),
            "p": np.repeat(p[first], lengths) + np.arange(total) - np.repeat(starts, lengths),
        }
    )
    for col in ["y", *[f"s{j}" for j in range(n_signals)]]:
        full = np.full(total, np.nan)
        full[position] = table[col].to_numpy(dtype=float)
        grid[col] = full
    missing = np.isnan(grid["y"].to_numpy())
    gaps = np.bincount(np.repeat(np.arange(len(first)), lengths)[missing], minlength=len(first))
    if agg == "sum":
        grid["y"] = grid["y"].fillna(0.0)
    fill = ([] if agg == "sum" else ["y"]) + [f"s{j}" for j in range(n_signals)]
    if fill:
        grid[fill] = grid.groupby("sid", sort=False)[fill].ffill()
    return grid, lengths, gaps


def prepare_series(
    data: pd.DataFrame,
    *,
    date_col: str,
    value_col: str,
    series_col: str | None = None,
    freq: str | None = None,
    agg: str = "sum",
    signals: Sequence[str] | None = None,
    where: str = "prepare_series",
) -> PreparedSeries:
    """Put one or many time series on a regular grid for forecasting.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table (a row per series and date) at any frequency, or raw rows such as order
        lines that are aggregated per period. Not modified.
    date_col : str
        Date or timestamp column (``--date``); mixed formats and time zones are read
        (values with an offset are compared in UTC).
    value_col : str
        The numbers to forecast (``--value``): units, revenue.
    series_col : str, optional
        Series id column (``--series``), e.g. product or store. ``None`` makes one series
        named after ``value_col``.
    freq : str, optional
        Frequency to aggregate to: ``"D"``, ``"W"``/``"W-MON"`` ... ``"W-SUN"``, ``"MS"``
        (``"M"``, ``"ME"``), ``"QS"`` (``"Q"``, ``"QE"``) or ``"YS"`` (``"Y"``, ``"YE"``,
        ``"A"``). ``None`` infers it from the median spacing of the dates.
    agg : {"sum", "mean", "last"}, default="sum"
        How values sharing a series and period combine; with ``"sum"`` a missing period is
        0, with the others it repeats the previous value. Signals are always averaged.
    signals : sequence of str, optional
        Numeric columns that help the forecast (temperature, promotion flag, web visits);
        averaged per period and carried forward over gaps.
    where : str, default="prepare_series"
        Name shown in error messages (the caller, a file or a table).

    Returns
    -------
    PreparedSeries
        The frame (``unique_id``, ``ds``, ``y``, signals), frequency, season length, series
        ids, their lengths and notes on what was done.

    Raises
    ------
    SchemaError
        If a column is missing (naming ``--date``, ``--value``, ``--series``,
        ``--signals``) or values or signals are not numbers.
    InputError
        If the table is empty, dates cannot be read, series have different frequencies
        and ``freq`` is not given, or every series has fewer than 3 periods.
    ParameterError
        If ``freq``, ``agg`` or ``signals`` is not usable.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({"day": ["2025-01-01", "2025-01-01", "2025-01-03", "2025-01-04"],
    ...                       "units": [2, 3, 1, 4]})
    >>> prepared = prepare_series(lines, date_col="day", value_col="units")
    >>> prepared.freq, prepared.frame["y"].tolist()
    ('D', [5.0, 0.0, 1.0, 4.0])
    """
    frame = as_frame(data, where)
    names = _check_params(agg, signals, where)
    wanted = {"--date": date_col, "--value": value_col}
    if series_col is not None:
        wanted["--series"] = series_col
    missing = [f"{flag} <column>" for flag, col in wanted.items() if col not in frame.columns]
    if any(name not in frame.columns for name in names):
        missing.append("--signals <columns>")
    check_columns(
        frame,
        [*wanted.values(), *names],
        where=where,
        hint=f"Pass {' and '.join(missing)} with the right name." if missing else None,
    )
    if frame.empty:
        raise InputError("The table has no rows.", where=where, fix="Pass a non-empty table.")
    sid, ids, stamps, values, extra, notes = _read(
        frame, date_col, value_col, series_col, names, where
    )
    if freq is None:
        spec = _infer_freq(sid, stamps, ids, where)
        notes.append(
            f"Inferred the frequency {spec.alias} ({_ADJECTIVE[spec.kind]}) from the "
            "median spacing of the dates."
        )
    else:
        spec = _parse_freq(freq, where)
    uniques, inverse = np.unique(stamps, return_inverse=True)
    unique_codes = _codes(uniques, spec)
    moved = (_labels(unique_codes, spec) != uniques)[inverse].sum()
    if moved:
        notes.append(
            f"Moved {int(moved):,} timestamps to their {spec.unit} ({spec.alias} labels "
            f"{_label_word(spec)})."
        )
    table = _aggregate(sid, unique_codes[inverse], values, extra, agg)
    if len(table) < len(values):
        how = {"sum": "summed", "mean": "averaged", "last": "last one kept"}[agg]
        notes.append(
            f"Aggregated {len(values):,} rows into {len(table):,} {spec.unit}s of their series "
            f"(values {how}" + (", signals averaged)." if names else ").")
        )
    grid, lengths, gaps = _grid(table, agg, len(names))
    present = np.unique(sid)
    series_ids = [ids[int(i)] for i in present]
    if gaps.sum():
        fill = "0 (no rows, nothing sold)" if agg == "sum" else "the previous value"
        notes.append(
            f"Filled {_count(int(gaps.sum()), 'missing ' + spec.unit)} in "
            f"{int((gaps > 0).sum()):,} of {len(series_ids):,} series with {fill}"
            + ("; signals carried forward." if names else ".")
        )
    if lengths.max() < 3:
        raise InputError(
            f"Every series has fewer than 3 {spec.unit}s (the longest has {int(lengths.max())}).",
            where=where,
            fix="Pass a longer history, or a finer frequency such as --freq D.",
        )
    short = [series_ids[i] for i in np.flatnonzero(lengths < 2 * spec.season_length)]
    if short and spec.season_length > 1:
        notes.append(
            f"{len(short):,} series {'is' if len(short) == 1 else 'are'} shorter than two seasons "
            f"({2 * spec.season_length} {spec.unit}s): {short_list(short, 5)}."
        )
    out = pd.DataFrame(
        {
            "unique_id": np.asarray(ids, dtype=object)[grid["sid"].to_numpy()],
            "ds": _labels(grid["p"].to_numpy(), spec),
            "y": grid["y"].to_numpy(dtype=float),
        }
    )
    for j, name in enumerate(names):
        out[name] = grid[f"s{j}"].to_numpy(dtype=float)
        if blank := int(out[name].isna().sum()):
            notes.append(
                f"Signal {name!r} has no value for the first {_count(blank, spec.unit)} of "
                "some series (nothing to carry forward); fill them or drop those periods."
            )
    out = out.sort_values(["unique_id", "ds"], kind="stable", ignore_index=True)
    logger.info("Prepared %d series, %d periods at %s", len(series_ids), len(out), spec.alias)
    return PreparedSeries(
        frame=out,
        freq=spec.alias,
        season_length=spec.season_length,
        notes=notes,
        series=sorted(series_ids),
        lengths=dict(zip(series_ids, (int(n) for n in lengths), strict=True)),
        signals=names,
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _label_word(spec: _Freq) -> str:
    if spec.kind == "W":
        return f"weeks by their last day, a {_WEEKDAYS[spec.anchor]}"
    return "periods by their first day" if spec.kind != "D" else "days by their date"


def future_signals(
    signals_frame: pd.DataFrame,
    *,
    date_col: str,
    series_col: str | None = None,
    prepared: PreparedSeries,
    horizon: int,
    where: str = "future_signals",
) -> pd.DataFrame:
    """Check and return the future values of the signals for every series and period.

    A forecast that uses signals known in advance (planned promotions, a weather
    forecast) needs their values on every period it predicts.

    Parameters
    ----------
    signals_frame : pandas.DataFrame
        Future values: a date column, a column per signal of ``prepared`` and, if
        ``series_col`` is given, the series id. Without ``series_col`` every row applies
        to all series (a shared signal such as the temperature).
    date_col : str
        Date column (``--date``).
    series_col : str, optional
        Series id column (``--series``).
    prepared : PreparedSeries
        The history the forecast continues (its series, frequency, last dates, signals).
    horizon : int
        Periods to forecast after each series' last period.
    where : str, default="future_signals"
        Name shown in error messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``unique_id``, ``ds`` and one per signal: ``horizon`` rows per series,
        sorted; values of rows sharing a period are averaged.

    Raises
    ------
    SchemaError
        If the date, series or a signal column is missing or holds text.
    InputError
        If a signal has no value for some series and future period; the message names
        the missing dates.
    ParameterError
        If ``horizon`` is not a positive integer.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ParameterError(
            f"horizon={horizon!r} is not a positive whole number.",
            where=f"{where}(horizon=...)",
            fix="Pass the number of periods to forecast, e.g. horizon=28.",
        )
    frame = as_frame(signals_frame, where)
    spec = _parse_freq(prepared.freq, where)
    names = list(prepared.signals)
    wanted = {"--date": date_col, **({"--series": series_col} if series_col else {})}
    check_columns(
        frame,
        [*wanted.values(), *names],
        where=where,
        hint="Give the future values of every signal the model was fitted with, with "
        "--date (and --series) naming the columns.",
    )
    last = prepared.frame.groupby("unique_id", sort=True)["ds"].max()
    last_code = _codes(last.to_numpy(dtype="datetime64[ns]"), spec)
    steps = np.arange(1, int(horizon) + 1)
    expected = pd.DataFrame(
        {
            "unique_id": np.repeat(last.index.to_numpy(dtype=object), horizon),
            "p": (last_code[:, None] + steps).ravel(),
        }
    )
    stamps = parse_timestamps(frame[date_col], date_col, where, flag="--date").to_numpy(
        dtype="datetime64[ns]"
    )
    given = pd.DataFrame({"p": np.zeros(len(frame), dtype=np.int64)})
    ok = ~np.isnat(stamps)
    given.loc[ok, "p"] = _codes(stamps[ok], spec)
    for name in names:
        given[name] = _numbers(frame[name], name, "--signals", where)
    given = given[ok]
    keys = ["p"]
    if series_col:
        given["unique_id"] = frame.loc[ok, series_col].astype(str).to_numpy()
        keys = ["unique_id", "p"]
    values = given.groupby(keys, sort=False)[names].mean().reset_index()
    out = expected.merge(values, on=keys, how="left")
    problems = []
    for name in names:
        lacking = out[out[name].isna()]
        if lacking.empty:
            continue
        dates = sorted(set(pd.DatetimeIndex(_labels(lacking["p"].to_numpy(), spec)).date))
        text = f"{name} missing for {short_list([d.isoformat() for d in dates], 2)}"
        if len(prepared.series) > 1:
            text += f" in series {short_list(lacking['unique_id'].unique(), 3)}"
        problems.append(text)
    if problems:
        first, end = _labels(np.array([last_code.min() + 1, last_code.max() + horizon]), spec)
        raise InputError(
            "; ".join(problems) + ".",
            where=where,
            fix=f"Add the values of every signal for the {horizon} {spec.unit}s after each "
            f"series' last date (from {pd.Timestamp(first).date()} to "
            f"{pd.Timestamp(end).date()}), or forecast without those signals.",
        )
    out.insert(1, "ds", _labels(out.pop("p").to_numpy(), spec))
    return out.sort_values(["unique_id", "ds"], ignore_index=True)
