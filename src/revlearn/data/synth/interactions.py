"""A B2B catalogue with customers and purchase interactions, with truths for recommenders.

A supplier sells 300 products (by default) in eight categories to 2,000 business customers
over the year ending on the reference date. The interactions carry these planted truths:

* **Taste clusters per segment**: each customer's segment (``retail``, ``tech``,
  ``healthcare``, ``education``) favours two categories (``truths["segment_categories"]``);
  each customer draws their own taste over categories around that profile (a Dirichlet) and
  buys mostly in one or two categories (``truths["user_taste"]``: the favourite). Within a
  category, products follow a Zipf-like popularity. A recommender that learns co-purchase
  beats popularity by a wide margin; on the same rows with items shuffled it cannot.
* **Consumables** (the ``supplies`` and ``pantry`` categories, ``truths["consumables"]``):
  a customer who buys one re-buys it every 25–60 days (each cycle with probability 0.85),
  so most of its buyers buy it more than once; every other product is bought once.
* **New items** (``truths["new_items"]``, 10 by default): listed in the items table with a
  category, brand, price and description, but never bought; their descriptions share the
  words of their category, so only content similarity can reach them
  (``truths["new_item_category"]``).

Items carry ``category``, ``brand``, ``price`` and a short ``description``; customers carry
``segment`` and ``company_size``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.synth.leads import REFERENCE_DATE

__all__ = ["make_interactions"]

#: category → (consumable, words of its descriptions)
_CATEGORIES: dict[str, tuple[bool, tuple[str, ...]]] = {
    "computing": (False, ("laptop", "monitor", "dock", "keyboard", "processor", "display")),
    "networking": (False, ("router", "switch", "cable", "wifi", "firewall", "rack")),
    "furniture": (False, ("desk", "chair", "shelf", "cabinet", "ergonomic", "oak")),
    "medical": (False, ("thermometer", "sterile", "gloves", "monitor", "clinic", "first aid")),
    "classroom": (False, ("whiteboard", "projector", "marker", "classroom", "student", "easel")),
    "retail fittings": (False, ("shelving", "till", "scanner", "label", "display", "counter")),
    "supplies": (True, ("paper", "toner", "ink", "envelopes", "cleaning", "refill")),
    "pantry": (True, ("coffee", "tea", "water", "snacks", "sugar", "cups")),
}
_SEGMENTS: dict[str, tuple[str, str]] = {
    "retail": ("retail fittings", "networking"),
    "tech": ("computing", "networking"),
    "healthcare": ("medical", "supplies"),
    "education": ("classroom", "furniture"),
}
_SIZES = ("small", "medium", "large")
_BRANDS = ("Acme", "Borealis", "Cobalt", "Dune", "Ember", "Fjord", "Garnet", "Halcyon")
_DAYS = 365


def _catalogue(rng: np.random.Generator, n_items: int, n_new: int) -> pd.DataFrame:
    names = list(_CATEGORIES)
    category = np.array([names[i % len(names)] for i in range(n_items + n_new)])
    rng.shuffle(category[:n_items])
    rows = []
    for i, cat in enumerate(category):
        consumable, words = _CATEGORIES[cat]
        picked = rng.choice(len(words), size=3, replace=False)
        text = " ".join(words[j] for j in picked)
        base = 15.0 if consumable else 180.0
        rows.append(
            {
                "item": f"P{i:04d}",
                "category": cat,
                "brand": _BRANDS[int(rng.integers(len(_BRANDS)))],
                "price": round(float(base * rng.lognormal(0.0, 0.5)), 2),
                "description": f"{'new ' if i >= n_items else ''}{text}",
            }
        )
    return pd.DataFrame(rows)


def make_interactions(
    rng: np.random.Generator,
    *,
    n_users: int = 2_000,
    n_items: int = 300,
    n_new_items: int = 10,
    items_per_user: float = 15.0,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Generate purchase interactions, the catalogue and the customers, with planted truths.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source (the same seed gives the same data).
    n_users : int, default=2000
        Customers.
    n_items : int, default=300
        Products that sell (at least 16).
    n_new_items : int, default=10
        Products listed but never bought yet.
    items_per_user : float, default=15.0
        Mean distinct products per customer (at least 2 each); with repeat purchases of
        consumables the default gives about 40,000 rows.

    Returns
    -------
    interactions : pandas.DataFrame
        Columns ``user``, ``item``, ``quantity`` and ``timestamp``, one row per purchase.
    items : pandas.DataFrame
        Columns ``item``, ``category``, ``brand``, ``price``, ``description``.
    users : pandas.DataFrame
        Columns ``user``, ``segment``, ``company_size``.
    truths : dict
        ``segment_categories``, ``user_taste``, ``consumables``, ``new_items``,
        ``new_item_category`` as described in the module docstring.
    """
    items = _catalogue(rng, n_items, n_new_items)
    sold = items.iloc[:n_items]
    cats = list(_CATEGORIES)
    cat_code = sold["category"].map({c: i for i, c in enumerate(cats)}).to_numpy()
    within = np.empty(n_items)
    for c in range(len(cats)):
        members = np.flatnonzero(cat_code == c)
        within[members] = 1.0 / (np.arange(1, len(members) + 1) + 2.0) ** 0.9
    segments = rng.choice(list(_SEGMENTS), size=n_users, p=[0.3, 0.3, 0.2, 0.2])
    sizes = rng.choice(_SIZES, size=n_users, p=[0.5, 0.35, 0.15])
    users = pd.DataFrame(
        {"user": [f"C{u:05d}" for u in range(n_users)], "segment": segments, "company_size": sizes}
    )
    consumable = np.array([_CATEGORIES[c][0] for c in sold["category"]])
    start = REFERENCE_DATE - pd.Timedelta(days=_DAYS)
    rows_u, rows_i, rows_d = [], [], []
    taste: dict[str, str] = {}
    for u in range(n_users):
        prior = np.full(len(cats), 0.15)
        for fav in _SEGMENTS[segments[u]]:
            prior[cats.index(fav)] = 2.0
        weights = rng.dirichlet(prior)
        taste[users.at[u, "user"]] = cats[int(np.argmax(weights))]
        p = weights[cat_code] * within
        p /= p.sum()
        n = int(min(max(2, rng.poisson(items_per_user)), n_items // 2))
        chosen = rng.choice(n_items, size=n, replace=False, p=p)
        for i in chosen:
            day = float(rng.uniform(0, _DAYS))
            rows_u.append(u)
            rows_i.append(i)
            rows_d.append(day)
            if consumable[i]:
                cycle = rng.uniform(25, 60)
                day += cycle
                while day < _DAYS and rng.random() < 0.85:
                    rows_u.append(u)
                    rows_i.append(i)
                    rows_d.append(day)
                    day += cycle * rng.uniform(0.8, 1.2)
    order = np.argsort(np.asarray(rows_d), kind="stable")
    interactions = pd.DataFrame(
        {
            "user": users["user"].to_numpy()[np.asarray(rows_u)[order]],
            "item": sold["item"].to_numpy()[np.asarray(rows_i)[order]],
            "quantity": 1 + rng.poisson(1.0, len(order)),
            "timestamp": start + pd.to_timedelta(np.asarray(rows_d)[order], unit="D"),
        }
    )
    interactions["timestamp"] = interactions["timestamp"].dt.floor("min")
    new = items.iloc[n_items:]
    truths = {
        "segment_categories": {s: list(c) for s, c in _SEGMENTS.items()},
        "user_taste": taste,
        "consumables": sold["item"][consumable].tolist(),
        "new_items": new["item"].tolist(),
        "new_item_category": dict(zip(new["item"], new["category"], strict=True)),
    }
    return interactions, items, users, truths
