"""Profit curves: how many customers (or leads) to contact so that contacting pays.

A retention or sales manager knows what a saved customer or a conversion is worth
(``value``), what one contact costs (``cost``), how often the offer works on a would-be
churner (``success_rate``) and how many contacts the team can make (``capacity``). Rows are
contacted in order of expected value ``score × value × success_rate − cost``; the profit of
contacting the top N rows is

    Σ_{i in top N} outcome_i × value_i × success_rate − cost × N

with ``outcome_i`` the actual outcome (labelled rows: realised profit) or the score
(unlabelled rows: expected profit). scikit-learn has no cost-sensitive profit curve with a
capacity and a bootstrap interval, so the arithmetic is written here with numpy.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from revlearn.errors import ParameterError

__all__ = ["ProfitCurve", "expected_value", "profit_curve"]

logger = logging.getLogger(__name__)

#: Largest number of points kept in ``ProfitCurve.table`` (plus the best N and the capacity).
MAX_POINTS = 198
#: Percentiles of the bootstrap distribution quoted as the range of the best profit.
INTERVAL = (5.0, 95.0)


@dataclass(frozen=True, slots=True)
class ProfitCurve:
    """Profit of contacting the top N rows, for every N, and the best N.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``top_n`` (rows contacted), ``share`` (``top_n`` ÷ all rows), ``threshold``
        (score of the last row contacted; NaN at ``top_n`` 0) and ``profit``. All N from 0
        to the number of rows, or at most 200 of them (always with the best N and capacity).
    best_n : int
        Contacts that maximise profit (0 when no contact pays), at most ``capacity``.
    best_threshold : float
        Score of the last row contacted at ``best_n`` (NaN when ``best_n`` is 0).
    best_profit : float
        Profit at ``best_n``.
    profit_low, profit_high : float
        5th and 95th percentile of the profit at the same share of rows over bootstrap
        resamples of the rows (NaN when no bootstrap was run).
    profit_all : float
        Profit of contacting every row (contacting nobody earns 0).
    value : float
        Value of a saved customer / conversion (the mean when it differs per row).
    cost : float
        Cost of one contact.
    success_rate : float
        Share of contacted would-be churners the offer saves.
    capacity : int or None
        Maximum number of contacts, if any.
    realised : bool
        True when profits come from actual outcomes, False when from the scores.
    verdict : str
        Plain-language recommendation.
    """

    table: pd.DataFrame
    best_n: int
    best_threshold: float
    best_profit: float
    profit_low: float
    profit_high: float
    profit_all: float
    value: float
    cost: float
    success_rate: float
    capacity: int | None
    realised: bool
    verdict: str

    def to_frame(self) -> pd.DataFrame:
        """Return the profit at each number of contacts.

        Returns
        -------
        pandas.DataFrame
            Columns ``top_n``, ``share``, ``threshold`` and ``profit``.
        """
        return self.table.copy()

    def to_dict(self) -> dict[str, object]:
        """Return the curve as a JSON-ready mapping (NaN becomes None).

        Returns
        -------
        dict
            Every scalar field, and ``table`` as a list of row mappings.
        """
        rows = [
            {k: _plain(v) for k, v in row.items()} for row in self.table.to_dict(orient="records")
        ]
        out: dict[str, object] = {"table": rows}
        for name in (
            "best_n",
            "best_threshold",
            "best_profit",
            "profit_low",
            "profit_high",
            "profit_all",
            "value",
            "cost",
            "success_rate",
            "capacity",
            "realised",
            "verdict",
        ):
            out[name] = _plain(getattr(self, name))
        return out


def _plain(value: object) -> object:
    """Turn numpy scalars into Python ones and NaN into None."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def _number(value: object, *, name: str, where: str, fix: str) -> float:
    """Return ``value`` as a finite float ≥ 0 or raise ParameterError."""
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise ParameterError(
            f"{name} must be a number ≥ 0, got {value!r}.", where=where, fix=fix
        ) from err
    if not math.isfinite(number) or number < 0:
        raise ParameterError(
            f"{name} must be a finite number ≥ 0, got {value!r}.", where=where, fix=fix
        )
    return number


_VALUE_FIX = (
    "Pass the value of a saved customer (or a conversion) in your currency, e.g. --value 500."
)
_COST_FIX = "Pass the cost of one contact (call, email, discount) in your currency, e.g. --cost 20."


def _check_value(value: float | np.ndarray, n: int) -> np.ndarray:
    """Return per-row values as a float array of length ``n``."""
    if np.ndim(value) == 0:
        return np.full(n, _number(value, name="value", where="--value", fix=_VALUE_FIX))
    try:
        values = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise ParameterError(
            "value must hold one number ≥ 0 per row; found text that is not a number.",
            where="--value",
            fix=_VALUE_FIX,
        ) from err
    if values.ndim != 1 or len(values) != n:
        raise ParameterError(
            f"value has {values.size} entries but there are {n} scores.",
            where="--value",
            fix="Pass one value per scored row, or a single number for all rows.",
        )
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if len(bad):
        raise ParameterError(
            f"value must be a finite number ≥ 0 for every row; {len(bad)} of {n} rows are "
            f"not (first: row {bad[0]}, {float(values[bad[0]])!r}).",
            where="--value",
            fix="Fill missing values (e.g. with the median) and remove negative ones.",
        )
    return values


def _check_success_rate(success_rate: float) -> float:
    fix = "Pass the share of contacted would-be churners the offer saves, e.g. 0.3; 1 for leads."
    rate = _number(success_rate, name="success_rate", where="--success-rate", fix=fix)
    if not 0 < rate <= 1:
        raise ParameterError(
            f"success_rate must lie in (0, 1], got {success_rate!r}.",
            where="--success-rate",
            fix=fix,
        )
    return rate


def _check_capacity(capacity: int | None) -> int | None:
    if capacity is None:
        return None
    if isinstance(capacity, bool) or not isinstance(capacity, int | np.integer) or capacity < 1:
        raise ParameterError(
            f"capacity must be a whole number of contacts ≥ 1, got {capacity!r}.",
            where="--capacity",
            fix="Pass how many contacts the team can make, e.g. --capacity 500, or leave it out.",
        )
    return int(capacity)


def _check_n_boot(n_boot: int) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise ParameterError(
            f"n_boot must be a whole number ≥ 0, got {n_boot!r}.",
            where="n_boot",
            fix="Pass e.g. 200 resamples, or 0 to skip the range.",
        )


def _check_score(score: np.ndarray | list[float]) -> np.ndarray:
    try:
        s = np.asarray(score, dtype=float)
    except (TypeError, ValueError) as err:
        raise ParameterError(
            "score must hold numbers between 0 and 1.",
            where="score",
            fix="Pass predicted probabilities.",
        ) from err
    if s.ndim != 1 or len(s) == 0:
        raise ParameterError(
            f"score must hold one probability per row, got shape {s.shape}.",
            where="score",
            fix="Pass a non-empty one-dimensional array of probabilities.",
        )
    bad = ~np.isfinite(s) | (s < 0) | (s > 1)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ParameterError(
            f"score must lie in [0, 1]; {int(bad.sum())} of {len(s)} rows do not "
            f"(first: row {first}, {float(s[first])!r}).",
            where="score",
            fix="Pass predicted probabilities, not raw model outputs.",
        )
    return s


def _check_y(y_true: np.ndarray | list[int], n: int) -> np.ndarray:
    y = np.asarray(y_true)
    if y.ndim != 1 or len(y) != n:
        raise ParameterError(
            f"y_true has {y.size} entries but there are {n} scores.",
            where="y_true",
            fix="Pass one actual outcome per scored row.",
        )
    try:
        values = y.astype(float)
    except (TypeError, ValueError) as err:
        raise ParameterError(
            "y_true must hold only 0 and 1.", where="y_true", fix="Code outcomes as 1/0."
        ) from err
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        raise ParameterError(
            f"y_true must hold only 0 and 1; found {sorted(set(values[bad].tolist()))[:5]!r}.",
            where="y_true",
            fix="Code the outcome as 1 (churned / converted) and 0 (stayed / did not).",
        )
    return values


def expected_value(
    score: np.ndarray | list[float],
    *,
    value: float | np.ndarray,
    cost: float,
    success_rate: float = 1.0,
) -> np.ndarray:
    """Expected profit of contacting each row: ``score × value × success_rate − cost``.

    Use it to order rows for a contact list (``predict --top N``): the largest first.

    Parameters
    ----------
    score : array-like of float in [0, 1]
        Predicted probability of the outcome (churn, conversion).
    value : float or array-like of float
        Value of a saved customer / conversion: one number, or one per row
        (e.g. monthly charge × 12).
    cost : float
        Cost of one contact.
    success_rate : float, default=1.0
        Share of contacted would-be churners the offer saves (1.0 for leads).

    Returns
    -------
    numpy.ndarray of float
        Expected profit per row, in the input order.

    Raises
    ------
    ParameterError
        If a value or the cost is negative, not finite or not a number, the success rate
        lies outside (0, 1], a score lies outside [0, 1], or the lengths differ.
    """
    s = _check_score(score)
    values = _check_value(value, len(s))
    c = _number(cost, name="cost", where="--cost", fix=_COST_FIX)
    rate = _check_success_rate(success_rate)
    return np.asarray(s * values * rate - c, dtype=float)


def _grid(n: int, best_n: int, capacity: int | None) -> np.ndarray:
    """Numbers of contacts to tabulate: all of 0..n, or ≤ 200 of them for big n."""
    if n + 1 <= MAX_POINTS + 2:
        return np.arange(n + 1)
    marks = [best_n] + ([capacity] if capacity is not None and capacity <= n else [])
    return np.unique(np.r_[np.linspace(0, n, MAX_POINTS).round().astype(int), marks])


def _bootstrap(
    gains: np.ndarray, cost: float, best_n: int, n_boot: int, random_state: int | None
) -> tuple[float, float]:
    """Percentile range of the profit of the top ``best_n`` rows over row resamples.

    ``gains`` is in contact order; a resample of rows is drawn as counts per position, so
    its top ``best_n`` rows are the first positions until ``best_n`` draws are used up.
    """
    if n_boot == 0:
        return math.nan, math.nan
    n = len(gains)
    rng = np.random.default_rng(random_state)
    profits = np.empty(n_boot)
    for b in range(n_boot):
        counts = np.bincount(rng.integers(0, n, n), minlength=n)
        before = np.cumsum(counts) - counts
        taken = np.clip(best_n - before, 0, counts)
        profits[b] = gains @ taken - cost * best_n
    low, high = np.percentile(profits, INTERVAL)
    return float(low), float(high)


def _money(amount: float) -> str:
    return f"{amount:,.0f}".replace("-", "−")


def _verdict(
    curve: dict[str, float], *, unit: str, realised: bool, uniform: bool, top_ev: float
) -> str:
    """Say in one or two sentences whom to contact and what it earns."""
    cost = _money(curve["cost"])
    if curve["best_n"] == 0:
        if realised:
            return (
                f"No contact pays at this cost: on these rows every top-N list of {unit} "
                f"loses money against the {cost} cost of a contact."
            )
        saving = _money(top_ev + curve["cost"])
        return (
            f"No contact pays at this cost: even the best {unit.rstrip('s')}'s expected "
            f"saving ({saving}) does not exceed the {cost} cost of a contact."
        )
    which = f"(score ≥ {curve['best_threshold']:.2f})" if uniform else "(ranked by expected value)"
    kind = "realised" if realised else "expected"
    text = f"Contact the top {int(curve['best_n']):,} {unit} {which}: {kind} profit " + _money(
        curve["best_profit"]
    )
    if math.isfinite(curve["profit_low"]):
        text += f" (90% range {_money(curve['profit_low'])}–{_money(curve['profit_high'])})"
    return text + f", against {_money(curve['profit_all'])} for contacting everyone."


def profit_curve(
    score: np.ndarray | list[float],
    *,
    value: float | np.ndarray,
    cost: float,
    y_true: np.ndarray | list[int] | None = None,
    success_rate: float = 1.0,
    capacity: int | None = None,
    n_boot: int = 200,
    random_state: int | None = 0,
    unit: str = "customers",
) -> ProfitCurve:
    """Find how many rows to contact, in order of expected value, to make the most profit.

    Use it on held-out labelled rows (``y_true`` given) to see what a campaign would have
    earned, or on fresh scores (``y_true`` None) for the profit the scores promise.

    Parameters
    ----------
    score : array-like of float in [0, 1]
        Predicted probability of the outcome (churn, conversion) per row.
    value : float or array-like of float
        Value of a saved customer / conversion: one number, or one per row.
    cost : float
        Cost of one contact.
    y_true : array-like of {0, 1}, optional
        Actual outcomes; when given the profit is realised, otherwise expected.
    success_rate : float, default=1.0
        Share of contacted would-be churners the offer saves (1.0 for leads).
    capacity : int, optional
        Maximum number of contacts the team can make.
    n_boot : int, default=200
        Bootstrap resamples for the range of the best profit (0: no range).
    random_state : int, optional, default=0
        Seed of the bootstrap.
    unit : str, default="customers"
        What a row is, for the verdict ("customers", "leads").

    Returns
    -------
    ProfitCurve
        The profit table, the best N, its threshold, profit and bootstrap range, the
        profit of contacting everyone, and a verdict.

    Raises
    ------
    ParameterError
        If ``value`` or ``cost`` is negative, not finite or not a number, ``success_rate``
        lies outside (0, 1], ``capacity`` is not a whole number ≥ 1, ``n_boot`` is negative,
        a score lies outside [0, 1], ``y_true`` holds anything but 0/1, or lengths differ.
    """
    ev = expected_value(score, value=value, cost=cost, success_rate=success_rate)
    s = _check_score(score)
    values = _check_value(value, len(s))
    c, rate, cap = float(cost), float(success_rate), _check_capacity(capacity)
    _check_n_boot(n_boot)
    outcome = s if y_true is None else _check_y(y_true, len(s))
    order = np.argsort(-ev, kind="stable")
    gains = (outcome * values * rate)[order]
    n = len(s)
    profit = np.r_[0.0, np.cumsum(gains) - c * np.arange(1, n + 1)]
    best_n = int(np.argmax(profit[: (n if cap is None else min(cap, n)) + 1]))
    thresholds = np.r_[np.nan, s[order]]
    low, high = _bootstrap(gains, c, best_n, int(n_boot), random_state)
    grid = _grid(n, best_n, cap)
    table = pd.DataFrame(
        {
            "top_n": grid,
            "share": grid / n,
            "threshold": thresholds[grid],
            "profit": profit[grid],
        }
    )
    fields = {
        "best_n": float(best_n),
        "best_threshold": float(thresholds[best_n]),
        "best_profit": float(profit[best_n]),
        "profit_low": low,
        "profit_high": high,
        "profit_all": float(profit[n]),
        "cost": c,
    }
    verdict = _verdict(
        fields,
        unit=unit,
        realised=y_true is not None,
        uniform=bool(np.ptp(values) == 0),
        top_ev=float(ev.max()),
    )
    unlimited = int(np.argmax(profit))
    if cap is not None and unlimited > best_n:
        verdict += (
            f" Capacity ({cap:,}) limits the list: contacting the top {unlimited:,} "
            f"would earn {_money(float(profit[unlimited]))}."
        )
    logger.debug("profit curve over %d rows: best N %d, profit %.2f", n, best_n, profit[best_n])
    return ProfitCurve(
        table=table,
        best_n=best_n,
        best_threshold=fields["best_threshold"],
        best_profit=fields["best_profit"],
        profit_low=low,
        profit_high=high,
        profit_all=fields["profit_all"],
        value=float(values.mean()),
        cost=c,
        success_rate=rate,
        capacity=cap,
        realised=y_true is not None,
        verdict=verdict,
    )
