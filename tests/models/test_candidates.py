"""The model zoo: names, preference order and single-threaded defaults."""

from __future__ import annotations

from revlearn.models.candidates import CANDIDATE_NAMES, binary_candidates


def test_candidates_in_preference_order():
    names = [c.name for c in binary_candidates(n_rows=1000)]
    assert tuple(names) == CANDIDATE_NAMES
    assert names[0] == "logistic"


def test_parallel_models_run_single_threaded():
    for cand in binary_candidates(n_rows=1000):
        model = cand.make()
        if "n_jobs" in model.get_params():
            assert model.get_params()["n_jobs"] in (1, None), cand.name


def test_overrides_replace_defaults():
    lgbm = next(c for c in binary_candidates(n_rows=1000) if c.name == "lightgbm")
    assert lgbm.make(num_leaves=7).get_params()["num_leaves"] == 7
    assert lgbm.make().get_params()["num_leaves"] == lgbm.defaults["num_leaves"]
