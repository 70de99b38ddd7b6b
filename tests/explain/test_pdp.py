"""Partial dependence and ICE recover planted effects and stay flat on noise."""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth import make_company
from revlearn.errors import InputError, ParameterError, SchemaError
from revlearn.explain import pdp
from revlearn.explain.pdp import partial_dependence
from revlearn.usecases._propensity import PropensityModel
from revlearn.usecases.leads import LeadScorer


@pytest.fixture(scope="module")
def fitted() -> dict[str, Any]:
    """A logistic lead scorer and a logistic churn model with their typed rows."""
    company = make_company(n_leads=3000, n_customers=3000, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the planted leakage column is reported, not tested
        leads = LeadScorer(candidates=["logistic"], time_budget=1).fit(company.leads)
    churn = PropensityModel(target_col="churned", candidates=["logistic"], time_budget=1).fit(
        company.customers
    )
    return {
        "leads": leads,
        "leads_typed": leads.schema_.apply(company.leads[leads.input_columns_], where="test"),
        "churn": churn,
        "churn_typed": churn.schema_.apply(company.customers[churn.input_columns_], where="test"),
    }


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def test_planted_pricing_minutes_effect_rises(fitted: dict[str, Any]) -> None:
    model = fitted["leads"].model_
    result = partial_dependence(
        model.predict_proba, fitted["leads_typed"], "pricing_minutes", outcome="conversion"
    )
    average = np.asarray(result.average)
    assert result.kind == "numeric"
    assert np.all(np.diff(average) >= -1e-9)
    assert average[-1] - average[0] > 0.15
    assert result.effect.startswith("conversion rises from")
    assert np.all(np.diff(result.grid) > 0) and len(result.grid) <= 20


def test_noise_score_is_flat(fitted: dict[str, Any]) -> None:
    """Negative control: a column with no planted effect gives a flat curve."""
    model = fitted["leads"].model_
    result = partial_dependence(model.predict_proba, fitted["leads_typed"], "noise_score")
    assert max(result.average) - min(result.average) < 0.02


def test_contract_levels_order_churn(fitted: dict[str, Any]) -> None:
    model = fitted["churn"].model_
    result = partial_dependence(
        model.predict_proba, fitted["churn_typed"], "contract", outcome="churn probability"
    )
    by_level = dict(zip(result.labels, result.average, strict=True))
    assert result.kind == "categorical"
    assert by_level["month-to-month"] > by_level["one-year"] > by_level["two-year"]
    assert by_level["month-to-month"] - by_level["two-year"] > 0.1
    assert "highest for contract = month-to-month" in result.effect
    assert "lowest for two-year" in result.effect


def test_flag_column_reads_yes_no(fitted: dict[str, Any]) -> None:
    model = fitted["churn"].model_
    result = partial_dependence(model.predict_proba, fitted["churn_typed"], "price_rise")
    assert result.labels == ["no", "yes"] and result.grid == [0.0, 1.0]
    assert result.average[1] > result.average[0]  # planted: a price rise multiplies odds


def test_known_curve_and_ice_shapes() -> None:
    """With a known model, the average is the mean of the individual curves."""
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.uniform(0, 10, 300), "z": rng.normal(size=300)})

    def predict(f: pd.DataFrame) -> np.ndarray:
        return _sigmoid(0.5 * f["x"].to_numpy() - 2 + f["z"].to_numpy())

    result = partial_dependence(predict, frame, "x", grid_points=7, ice_rows=300, max_rows=300)
    ice = np.asarray(result.ice)
    assert ice.shape == (300, 7)
    np.testing.assert_allclose(ice.mean(axis=0), result.average)
    z = frame["z"].to_numpy()
    expected = [_sigmoid(0.5 * g - 2 + z).mean() for g in result.grid]
    np.testing.assert_allclose(result.average, expected)
    assert len(result.to_frame()) == 7
    json.dumps(result.to_dict())


def test_chunked_scoring_gives_the_same_curve(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"x": rng.integers(0, 30, 200).astype(float)})
    calls: list[int] = []

    def predict(f: pd.DataFrame) -> np.ndarray:
        calls.append(len(f))
        return _sigmoid(0.1 * f["x"].to_numpy())

    whole = partial_dependence(predict, frame, "x", grid_points=10)
    assert calls == [200 * 10]
    monkeypatch.setattr(pdp, "CHUNK_ROWS", 450)
    calls.clear()
    chunked = partial_dependence(predict, frame, "x", grid_points=10)
    assert calls == [400] * 5
    assert chunked.average == pytest.approx(whole.average)


def test_categorical_grid_keeps_the_most_frequent_levels() -> None:
    frame = pd.DataFrame({"c": ["a"] * 50 + ["b"] * 30 + ["c"] * 15 + ["d"] * 5 + [None] * 3})
    result = partial_dependence(lambda f: np.full(len(f), 0.2), frame, "c", grid_points=3)
    assert result.labels == ["a", "b", "c"]
    assert "hardly changes" in result.effect


def test_bad_input_is_named() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(SchemaError, match=r"'y' not found.*Choose one of: x"):
        partial_dependence(lambda f: np.zeros(len(f)), frame, "y")
    with pytest.raises(ParameterError, match="grid_points=1"):
        partial_dependence(lambda f: np.zeros(len(f)), frame, "x", grid_points=1)
    with pytest.raises(InputError, match="returned 1 values for 9 rows"):
        partial_dependence(lambda f: np.zeros(1), frame, "x")
    with pytest.raises(InputError, match="no known values"):
        partial_dependence(lambda f: np.zeros(len(f)), frame.assign(x=np.nan), "x")
