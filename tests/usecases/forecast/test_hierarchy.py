"""Tests of hierarchical forecasts (revlearn.usecases.forecast.hierarchy) that add up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import InputError, ParameterError
from revlearn.usecases.forecast import SalesForecaster
from revlearn.usecases.forecast.hierarchy import BOTTOM, bottom_ids, expand


def shop_sales(weeks: int = 104, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2023-01-01", periods=weeks, freq="W-SUN")
    rows = []
    for category, product, level in (
        ("drinks", "iced tea", 200), ("drinks", "cola", 150), ("snacks", "chips", 80),
    ):  # fmt: skip
        season = 1 + 0.3 * np.sin(2 * np.pi * ds.isocalendar().week.to_numpy() / 52)
        units = rng.poisson(level * season)
        rows.append(pd.DataFrame({"week": ds, "category": category, "product": product,
                                  "units": units}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def test_expand_sums_the_bottom_into_every_level():
    frame = bottom_ids(shop_sales(10), ["category", "product"], "t")
    bottom = frame.rename(columns={BOTTOM: "unique_id", "week": "ds", "units": "y"})
    every, structure = expand(bottom[["unique_id", "ds", "y"]], ["category", "product"])
    assert set(structure["tags"]) == {"total", "total/category", "total/category/product"}
    assert structure["ids"][0] == "total" and "total/drinks/cola" in structure["ids"]
    assert np.asarray(structure["S"]).shape == (6, 3)
    totals = every[every["unique_id"] == "total"]["y"].to_numpy()
    bottoms = every[every["unique_id"].str.count("/") == 2].groupby("ds")["y"].sum().to_numpy()
    assert np.allclose(totals, bottoms)


def test_reconciled_forecasts_add_up_level_by_level():
    model = SalesForecaster(
        date_col="week", value_col="units", hierarchy=["category", "product"], horizon=8,
        models=["SeasonalNaive", "AutoETS", "Drift"], n_windows=3,
    ).fit(shop_sales())  # fmt: skip
    out = model.predict()
    assert set(out["series"]) == set(model.hierarchy_["ids"]) and len(out) == 6 * 8
    wide = out.pivot(index="date", columns="series", values="forecast")
    drinks = wide["total/drinks/iced tea"] + wide["total/drinks/cola"]
    assert np.allclose(wide["total/drinks"], drinks)
    assert np.allclose(wide["total"], wide["total/drinks"] + wide["total/snacks"])
    assert (out["lower"] <= out["forecast"]).all() and (out["forecast"] <= out["upper"]).all()
    # reconciliation moves the base forecasts only a little when they nearly add up already
    assert (out["forecast"] - out["base_forecast"]).abs().max() < 0.2 * out["forecast"].mean()


def test_bad_hierarchies():
    sales = shop_sales(30)
    with pytest.raises(InputError, match=r"contain '/'"):
        bottom_ids(sales.assign(product="a/b"), ["category", "product"], "t")
    with pytest.raises(ParameterError, match=r"hierarchy replaces series_col"):
        SalesForecaster(date_col="week", value_col="units", hierarchy=["category"],
                        series_col="product").fit(sales)  # fmt: skip
