"""Readable segment names from standardised traits, in marketing words where they fit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["NOTABLE", "RFM_ALIASES", "segment_name", "trait_words", "unique_names"]

#: A standardised trait this far from the base (in standard deviations) is notable.
NOTABLE = 0.5
#: RFM role → column names that play it (lower case).
RFM_ALIASES = {
    "recency": ("recency_days", "days_since_last_order", "days_since_last_purchase"),
    "frequency": ("frequency", "n_orders", "orders", "order_count", "n_purchases", "purchases"),
    "monetary": ("monetary", "revenue", "total_revenue", "total_spend", "spend", "sales"),
    "aov": ("avg_order_value", "average_order_value", "aov", "mean_order_value"),
    "tenure": ("tenure_days", "tenure", "days_since_first_order", "customer_age_days"),
}


def segment_name(z: dict[str, float], columns: dict[str, str] | None = None) -> str:
    """Name a segment from its standardised traits.

    With RFM-style traits (``columns`` maps at least two of ``recency``, ``frequency``,
    ``monetary``, ``aov``, ``tenure`` to columns) the marketing vocabulary is used:
    "at-risk big spenders", "lapsed one-timers", "lapsing customers", "new customers",
    "high-value loyalists", "bargain seekers", "loyal regulars", "big spenders",
    "recently active", "occasional low spenders", "everyday customers". Otherwise the name
    lists the two traits furthest from the base: "high <trait>, low <trait>", "often
    <column> <level>" for a categorical level (``"column = level"``) or a yes/no column
    (``"column = yes"``) over-represented in the segment, "rarely ..." when under-represented.

    Parameters
    ----------
    z : dict of str to float
        Trait → segment mean minus overall mean, in standard deviations.
    columns : dict of str to str, optional
        RFM role → column name.

    Returns
    -------
    str
        The name (``"average profile"`` when no trait stands out).
    """
    if columns and len(columns) >= 2:
        return _rfm_name({role: z.get(col, 0.0) for role, col in columns.items()}, columns)
    notable = sorted(
        ((t, v) for t, v in z.items() if abs(v) >= NOTABLE), key=lambda tv: -abs(tv[1])
    )
    parts = [_phrase(t, v) for t, v in notable[:2]]
    return ", ".join(parts) or "average profile"


def _phrase(trait: str, z: float) -> str:
    often = "often" if z > 0 else "rarely"
    if trait.endswith(" = yes"):
        return f"{often} {trait[: -len(' = yes')].replace('_', ' ')}"
    if " = " in trait:
        return f"{often} {trait.replace(' = ', ' ').replace('_', ' ')}"
    return f"{'high' if z > 0 else 'low'} {trait.replace('_', ' ')}"


def _rfm_name(z: dict[str, float], columns: dict[str, str]) -> str:
    r, f = z.get("recency", 0.0), z.get("frequency", 0.0)
    m, a, t = z.get("monetary", 0.0), z.get("aov", 0.0), z.get("tenure", 0.0)
    spend = max(m if "monetary" in columns else -9.0, a if "aov" in columns else -9.0)
    rules = [
        (r >= NOTABLE and spend >= NOTABLE, "at-risk big spenders"),
        (r >= NOTABLE and f <= -NOTABLE, "lapsed one-timers"),
        (r >= NOTABLE, "lapsing customers"),
        (t <= -NOTABLE, "new customers"),
        (f >= NOTABLE and spend >= NOTABLE, "high-value loyalists"),
        (a <= -NOTABLE or (m <= -NOTABLE and f >= 0), "bargain seekers"),
        (f >= NOTABLE, "loyal regulars"),
        (spend >= NOTABLE, "big spenders"),
        (r <= -NOTABLE, "recently active"),
        (m <= -NOTABLE or f <= -NOTABLE, "occasional low spenders"),
    ]
    return next((name for hit, name in rules if hit), "everyday customers")


def trait_words(trait: dict[str, Any]) -> str:
    """Describe a trait row in words: its value in the segment against overall.

    Parameters
    ----------
    trait : dict
        A row of ``SegmentProfiles.traits``: ``trait``, ``segment_value``,
        ``overall_value``.

    Returns
    -------
    str
        E.g. ``"monetary 520 (vs 180 overall)"``; shares as percentages for
        ``"column = level"`` traits.
    """
    value, overall = trait["segment_value"], trait["overall_value"]
    if " = " in trait["trait"]:
        return f"{trait['trait']} {value:.0%} (vs {overall:.0%} overall)"
    return f"{trait['trait']} {value:,.3g} (vs {overall:,.3g} overall)"


def unique_names(names: Sequence[str], zs: Sequence[dict[str, float]]) -> list[str]:
    """Make names unique: add the most distinctive generic trait, then the segment number.

    Parameters
    ----------
    names : sequence of str
        One name per segment, possibly repeated.
    zs : sequence of dict
        Per segment, trait → standardised difference from the base.

    Returns
    -------
    list of str
        The names, each repeated one told apart, e.g. ``"loyal (high age)"``.
    """
    out: list[str] = []
    for s, name in enumerate(names):
        if name in out or names.count(name) > 1:
            extra = segment_name(zs[s])
            if extra != "average profile":
                name = f"{name} ({extra.split(', ')[0]})"
        if name in out:
            name = f"{name} {s}"
        out.append(name)
    return out
