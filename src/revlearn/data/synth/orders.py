"""Web-shop order lines of the demo company, with truths planted for CLV, basket and fraud.

The shop sells office and home electronics to consumers and small firms. Each shopper buys
over 78 weeks ending on the reference date, and the lines carry these planted truths:

* **BG/NBD repeat buying** (Fader, Hardie & Lee 2005): each shopper's first order falls in
  the first 26 weeks; while alive they order at a rate ``λ ~ Gamma(r=0.6, α=5)`` per week
  and after each repeat order they leave for good with probability ``p ~ Beta(a=0.7,
  b=3.0)``. A BG/NBD fit on the order days should recover these parameters roughly (orders
  on one day merge into one purchase day, so the match is not exact), and the shoppers
  still alive at the end (``truths["alive_ids"]``) get a higher P(alive).
* **Shopper types** (segments): ``"bargain hunter"`` (35 %: small baskets of cheap items,
  most lines discounted 20 %), ``"premium buyer"`` (15 %: expensive items, 2–3 units of
  spend per order more, almost never discounted) and ``"regular"`` (50 %).
  ``truths["shopper_type"]`` maps each customer id to their type.
* **Bundles** (market basket): an order with a printer holds ink with probability 0.7, an
  espresso machine holds coffee beans with probability 0.6, a camera holds a memory card
  with probability 0.65 (and a camera bag with 0.4); every other item is drawn by
  popularity, independently. ``truths["bundles"]`` lists these (antecedent, consequent,
  probability); their lift is far above 1, any other pair's lift near 1.
* **Returns**: about 2 % of lines come back 3–20 days later as a line with negative
  ``quantity`` and ``amount`` under the same ``order_id``.
* **Fraud** (anomalies): about 1 % of shoppers with two or more orders (and a channel they
  have not used) get a burst of 2–3 orders within an hour, at 1–4 a.m. (their usual hour
  is in the day), through a channel they never used, each worth 8–20× their usual order,
  of laptops and gift cards.
  ``truths["fraud_orders"]`` lists those order ids.

Each shopper has a usual channel (web, app or store) and a usual hour of day. Amounts are
``quantity × unit_price``; the catalogue with list prices and margins is in
``truths["catalog"]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.synth.leads import REFERENCE_DATE

__all__ = ["ORDER_TRUTHS", "make_orders"]

#: Weeks of history, ending on the reference date.
_WEEKS = 78
_BIRTH_WEEKS = 26
_BGNBD = {"r": 0.6, "alpha": 5.0, "a": 0.7, "b": 3.0}
_TYPES = ("bargain hunter", "premium buyer", "regular")
_TYPE_SHARE = (0.35, 0.15, 0.50)
_CHANNELS = ("web", "app", "store")
#: product, category, list price, margin share, popularity weight
_CATALOG: tuple[tuple[str, str, float, float, float], ...] = (
    ("printer", "office", 149.0, 0.18, 3.0),
    ("ink cartridge", "office", 29.0, 0.55, 0.0),
    ("paper pack", "office", 9.0, 0.30, 6.0),
    ("desk lamp", "office", 39.0, 0.35, 3.0),
    ("office chair", "office", 219.0, 0.25, 1.5),
    ("notebook set", "office", 12.0, 0.40, 5.0),
    ("espresso machine", "kitchen", 329.0, 0.20, 2.0),
    ("coffee beans", "kitchen", 15.0, 0.45, 0.0),
    ("kettle", "kitchen", 45.0, 0.30, 3.0),
    ("blender", "kitchen", 79.0, 0.28, 2.0),
    ("mug set", "kitchen", 19.0, 0.50, 4.0),
    ("camera", "photo", 499.0, 0.15, 1.5),
    ("memory card", "photo", 25.0, 0.50, 0.0),
    ("camera bag", "photo", 49.0, 0.45, 0.0),
    ("tripod", "photo", 69.0, 0.35, 1.5),
    ("headphones", "audio", 129.0, 0.30, 4.0),
    ("speaker", "audio", 89.0, 0.28, 3.0),
    ("usb cable", "accessories", 8.0, 0.60, 7.0),
    ("phone case", "accessories", 19.0, 0.55, 6.0),
    ("power bank", "accessories", 35.0, 0.40, 5.0),
    ("keyboard", "accessories", 59.0, 0.32, 3.0),
    ("mouse", "accessories", 29.0, 0.38, 4.0),
    ("monitor", "computing", 229.0, 0.17, 2.0),
    ("laptop", "computing", 1099.0, 0.12, 0.8),
    ("gift card", "gifts", 100.0, 0.05, 1.0),
)
_BUNDLES = (
    ("printer", "ink cartridge", 0.70),
    ("espresso machine", "coffee beans", 0.60),
    ("camera", "memory card", 0.65),
    ("camera", "camera bag", 0.40),
)
_DISCOUNT = 0.8
_RETURN_RATE = 0.02
_FRAUD_SHARE = 0.01

_NAMES = [row[0] for row in _CATALOG]
_BUNDLE_INDEX = tuple((_NAMES.index(a), _NAMES.index(c), p) for a, c, p in _BUNDLES)

ORDER_TRUTHS: dict[str, Any] = {
    "bgnbd": dict(_BGNBD),
    "weeks": _WEEKS,
    "shopper_types": dict(zip(_TYPES, _TYPE_SHARE, strict=True)),
    "bundles": [list(b) for b in _BUNDLES],
    "catalog": {name: {"category": c, "price": p, "margin": m} for name, c, p, m, _ in _CATALOG},
    "return_rate": _RETURN_RATE,
    "fraud_share_of_repeat_shoppers": _FRAUD_SHARE,
}


def _purchase_weeks(rng: np.random.Generator, n: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Simulate BG/NBD buying: each shopper's order times (weeks) and whether alive at the end."""
    lam = rng.gamma(_BGNBD["r"], 1.0 / _BGNBD["alpha"], n)
    p = rng.beta(_BGNBD["a"], _BGNBD["b"], n)
    t = rng.uniform(0.0, _BIRTH_WEEKS, n)
    columns = [t.copy()]
    running = np.ones(n, dtype=bool)  # alive and still inside the window
    alive = np.ones(n, dtype=bool)
    while running.any():
        t = t + rng.exponential(1.0, n) / np.maximum(lam, 1e-12)
        inside = running & (t < _WEEKS)
        columns.append(np.where(inside, t, np.nan))
        leaves = inside & (rng.random(n) < p)  # after each repeat order: leave w.p. p
        alive &= ~leaves
        running = inside & ~leaves
    grid = np.stack(columns, axis=1)
    return [row[~np.isnan(row)] for row in grid], alive


def _basket(rng: np.random.Generator, kind: int, cumulative: np.ndarray) -> list[int]:
    """Draw the products of one order: popular items by shopper type, then planted bundles."""
    n_items = 1 + min(int(rng.poisson((0.5, 1.4, 0.9)[kind])), 4)
    drawn = np.searchsorted(cumulative, rng.random(n_items) * cumulative[-1], side="right")
    chosen = list(dict.fromkeys(drawn.tolist()))
    for antecedent, consequent, probability in _BUNDLE_INDEX:
        wanted = antecedent in chosen and consequent not in chosen
        if wanted and rng.random() < probability:
            chosen.append(consequent)
    return chosen


def _type_weights(prices: np.ndarray, popularity: np.ndarray) -> np.ndarray:
    """Item choice probabilities per shopper type (rows): cheap, expensive, as listed."""
    rows = np.stack([popularity / np.sqrt(prices), popularity * prices**0.35, popularity], axis=0)
    return rows / rows.sum(axis=1, keepdims=True)


def make_orders(rng: np.random.Generator, n_shoppers: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Generate the shop's order lines with the truths described in the module docstring.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream of this table.
    n_shoppers : int
        Number of shoppers (each makes at least one order).

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The order lines (``order_id``, ``customer_id``, ``ordered_at``, ``channel``,
        ``product``, ``category``, ``quantity``, ``unit_price``, ``amount``), sorted by
        time, and the per-run truths: ``alive_ids``, ``shopper_type`` (id → type) and
        ``fraud_orders``.
    """
    names = _NAMES
    category = {row[0]: row[1] for row in _CATALOG}
    prices = np.array([row[2] for row in _CATALOG])
    cumulative = np.cumsum(_type_weights(prices, np.array([row[4] for row in _CATALOG])), axis=1)
    ids = np.array([f"S{i:05d}" for i in range(1, n_shoppers + 1)])
    kinds = rng.choice(len(_TYPES), size=n_shoppers, p=_TYPE_SHARE)
    usual_channel = rng.choice(len(_CHANNELS), size=n_shoppers, p=(0.55, 0.30, 0.15))
    usual_hour = rng.normal(14.0, 3.0, n_shoppers).clip(8.0, 21.0)
    discount_rate = np.array([0.7, 0.02, 0.15])[kinds]
    weeks, alive = _purchase_weeks(rng, n_shoppers)
    shopper = np.repeat(np.arange(n_shoppers), [len(w) for w in weeks])
    week = np.concatenate(weeks)
    hour = np.clip(rng.normal(usual_hour[shopper], 1.5), 7.0, 22.9)
    start = (REFERENCE_DATE - pd.Timedelta(weeks=_WEEKS) + pd.Timedelta(days=1)).to_datetime64()
    stamps = (
        start
        + (week * 7).astype(int).astype("timedelta64[D]")
        + np.round(hour * 60).astype(int).astype("timedelta64[m]")
    )
    switch = rng.random(len(week)) >= 0.85
    channel = np.where(switch, rng.integers(0, 3, len(week)), usual_channel[shopper])
    rows: list[tuple[Any, ...]] = []
    for order_no, i in enumerate(shopper, start=1):
        kind = kinds[i]
        for item in _basket(rng, kind, cumulative[kind]):
            quantity = 1 + int(rng.poisson(0.8)) if prices[item] < 20 else 1
            discounted = rng.random() < discount_rate[i]
            rows.append((order_no, i, item, quantity, discounted))
    lines = np.array(rows)
    at = lines[:, 0] - 1
    frame = pd.DataFrame(
        {
            "order_id": lines[:, 0],
            "customer_id": ids[lines[:, 1]],
            "ordered_at": stamps[at],
            "channel": np.array(_CHANNELS)[channel[at]],
            "product": np.array(names)[lines[:, 2]],
            "quantity": lines[:, 3],
            "unit_price": prices[lines[:, 2]] * np.where(lines[:, 4] == 1, _DISCOUNT, 1.0),
        }
    )
    frame, fraud_orders = _plant_fraud(rng, frame, prices, names)
    frame = _plant_returns(rng, frame)
    frame["category"] = frame["product"].map(category)
    frame["unit_price"] = frame["unit_price"].round(2)
    frame["amount"] = (frame["quantity"] * frame["unit_price"]).round(2)
    frame["order_id"] = frame["order_id"].map(lambda n: f"O{n:06d}")
    frame = frame.sort_values(["ordered_at", "order_id"], kind="stable").reset_index(drop=True)
    order = [
        "order_id",
        "customer_id",
        "ordered_at",
        "channel",
        "product",
        "category",
        "quantity",
        "unit_price",
        "amount",
    ]
    truths = {
        "alive_ids": ids[alive].tolist(),
        "shopper_type": dict(zip(ids.tolist(), [_TYPES[k] for k in kinds], strict=True)),
        "fraud_orders": [f"O{n:06d}" for n in fraud_orders],
    }
    return frame[order], truths


def _plant_fraud(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    prices: np.ndarray,
    names: list[str],
) -> tuple[pd.DataFrame, list[int]]:
    """Add bursts of large night-time orders through a new channel for a few shoppers."""
    totals = (frame["quantity"] * frame["unit_price"]).groupby(frame["order_id"]).sum()
    per_order = frame.groupby("order_id").agg(customer=("customer_id", "first"))
    per_order["total"] = totals
    by_customer = per_order.groupby("customer")["total"].agg(["count", "median"])
    used = frame.groupby("customer_id")["channel"].agg(set)
    # victims: repeat shoppers with a channel they never used
    repeat = by_customer[(by_customer["count"] >= 2) & (used.loc[by_customer.index].map(len) < 3)]
    n_victims = max(1, round(_FRAUD_SHARE * len(repeat)))
    victims = rng.choice(repeat.index.to_numpy(), size=min(n_victims, len(repeat)), replace=False)
    last = frame.groupby("customer_id")["ordered_at"].max()
    laptop, gift = names.index("laptop"), names.index("gift card")
    rows: list[tuple[Any, ...]] = []
    fraud_orders: list[int] = []
    next_order = int(frame["order_id"].max())
    for victim in victims:
        channel = str(rng.choice([c for c in _CHANNELS if c not in used[victim]]))
        target = repeat.loc[victim, "median"] * rng.uniform(8.0, 20.0)
        when = min(last[victim] + pd.Timedelta(days=int(rng.integers(1, 30))), REFERENCE_DATE)
        when = (when.normalize() + pd.Timedelta(hours=float(rng.uniform(1.0, 4.0)))).round("min")
        for burst in range(int(rng.integers(2, 4))):
            next_order += 1
            fraud_orders.append(next_order)
            item = laptop if rng.random() < 0.5 else gift
            quantity = max(1, round(target / prices[item]))
            stamp = when + pd.Timedelta(minutes=int(burst * rng.integers(5, 20)))
            rows.append((next_order, victim, stamp, channel, names[item], quantity, prices[item]))
    extra = pd.DataFrame(rows, columns=frame.columns)
    return pd.concat([frame, extra], ignore_index=True), fraud_orders


def _plant_returns(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Send about 2 % of lines back 3–20 days later as negative lines of the same order."""
    returned = frame[rng.random(len(frame)) < _RETURN_RATE].copy()
    returned["ordered_at"] = returned["ordered_at"] + pd.to_timedelta(
        rng.integers(3, 21, len(returned)), unit="D"
    )
    returned = returned[returned["ordered_at"] <= REFERENCE_DATE + pd.Timedelta(hours=23)]
    returned["quantity"] = -returned["quantity"]
    return pd.concat([frame, returned], ignore_index=True)
