"""The contract every use case keeps (run over every registered use case)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from revlearn.data.synth import make_company
from revlearn.errors import NotFittedError, ParameterError
from revlearn.store.registry import Registry, fingerprint
from revlearn.store.workspace import Workspace
from revlearn.usecases import USECASES
from revlearn.usecases._base import UseCase

FAST = {word: {"candidates": ["logistic", "lightgbm"], "time_budget": 5.0} for word in USECASES}


@pytest.fixture(scope="module")
def data():
    company = make_company(n_leads=1500, n_customers=1500, random_state=4)
    return {"leads": company.leads, "churn": company.customers}


def _fit(word: str, frame: pd.DataFrame, **extra) -> UseCase:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return USECASES[word](**{**FAST[word], **extra}).fit(frame)


@pytest.mark.parametrize("word", sorted(USECASES))
def test_params_round_trip_and_init_does_no_work(word):
    model = USECASES[word](**FAST[word])
    clone = USECASES[word](**model.get_params())
    assert clone.get_params() == model.get_params()
    assert not model.is_fitted()
    assert all(not k.endswith("_") for k in vars(model))


@pytest.mark.parametrize("word", sorted(USECASES))
def test_unknown_parameter_is_named(word):
    with pytest.raises(ParameterError, match=r"Unknown parameter 'colour'.*Valid parameters"):
        USECASES[word]().set_params(colour="red")


@pytest.mark.parametrize("word", sorted(USECASES))
def test_unfitted_calls_say_how_to_fix(word, data):
    with pytest.raises(NotFittedError, match=r"not fitted yet.*fit\(data\)"):
        USECASES[word]().predict(data[word])


@pytest.mark.parametrize("word", sorted(USECASES))
def test_save_load_gives_the_same_predictions(word, data, tmp_path):
    model = _fit(word, data[word])
    registry = Registry(Workspace(tmp_path))
    registry.save(
        model,
        name=word,
        usecase=word,
        params=model.get_params(),
        metrics=model.metrics_,
        fingerprint=fingerprint(data[word]),
    )
    loaded, record = registry.load(word)
    assert record.version == 1
    pd.testing.assert_frame_equal(loaded.predict(data[word]), model.predict(data[word]))


@pytest.mark.parametrize("word", sorted(USECASES))
def test_same_seed_same_predictions(word, data):
    # a budget that never binds: which candidates finish in time depends on machine load
    kwargs = {"random_state": 3, "time_budget": 1e6}
    first = _fit(word, data[word], **kwargs).predict(data[word], reasons=False)
    second = _fit(word, data[word], **kwargs).predict(data[word], reasons=False)
    pd.testing.assert_frame_equal(first, second)


def test_models_saved_before_a_parameter_existed_still_load():
    from revlearn.usecases.churn import ChurnModel

    state = dict(vars(ChurnModel(horizon_days=30)))
    del state["until"], state["horizon_days"]  # as saved by an older revlearn
    restored = ChurnModel.__new__(ChurnModel)
    restored.__setstate__(state)
    assert restored.until is None and restored.horizon_days == 90
