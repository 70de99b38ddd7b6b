"""Tests of detector metrics (revlearn.evaluate.detection)."""

from __future__ import annotations

import numpy as np
import pytest

from revlearn.errors import InputError
from revlearn.evaluate.detection import detection_metrics


def test_precision_recall_and_lift_at_k_by_hand():
    y = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    score = np.arange(10)[::-1].astype(float)  # ranks the rows in their order
    m = detection_metrics(y, score, ks=[1, 2, 3, 20])
    assert [r["k"] for r in m.at_k] == [1.0, 2.0, 3.0]  # k above the row count is dropped
    assert [r["precision"] for r in m.at_k] == [1.0, 0.5, pytest.approx(2 / 3)]
    assert [r["recall"] for r in m.at_k] == [0.5, 0.5, 1.0]
    assert m.at_k[0]["lift"] == pytest.approx(5.0) and m.base_rate == 0.2
    assert m.to_frame().shape == (3, 4) and m.to_dict()["n_positive"] == 2


def test_random_scores_sit_near_the_base_rate_and_one_class_is_refused():
    rng = np.random.default_rng(0)
    y = (rng.random(20_000) < 0.05).astype(int)
    m = detection_metrics(y, rng.random(20_000), ks=[1000])
    assert abs(m.roc_auc - 0.5) < 0.03 and abs(m.at_k[0]["precision"] - 0.05) < 0.02
    with pytest.raises(InputError, match=r"one value only"):
        detection_metrics(np.zeros(5), np.arange(5.0))
