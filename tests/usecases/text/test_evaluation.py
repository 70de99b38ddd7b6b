from __future__ import annotations

import numpy as np

from revlearn.usecases.text.evaluation import _temperature, _threshold, routing_metrics


def test_routing_metrics_counts_confusions():
    actual = ["a", "a", "a", "b", "b", "c"]
    predicted = ["a", "b", "b", "b", "b", "c"]
    result = routing_metrics(actual, predicted)
    assert result.accuracy == 4 / 6
    assert result.confusions.iloc[0].to_dict() == {
        "actual": "a",
        "predicted": "b",
        "count": 2,
        "share_of_actual": 2 / 3,
    }
    per = result.per_class.set_index("category")
    assert per.loc["b", "precision"] == 0.5 and per.loc["a", "recall"] == 1 / 3


def test_threshold_reaches_target_and_temperature_recovers_scale():
    rng = np.random.default_rng(0)
    confidence = rng.uniform(0.3, 1.0, 5000)
    correct = rng.random(5000) < confidence
    t = _threshold(confidence, correct, 0.9)
    kept = confidence >= t
    assert correct[kept].mean() >= 0.9 > correct.mean()
    assert 0.7 < t < 0.95
    logits = rng.normal(size=(4000, 3)) * 2.0
    codes = np.array([rng.choice(3, p=np.exp(row) / np.exp(row).sum()) for row in logits])
    assert abs(_temperature(logits * 3.0, codes) - 3.0) < 0.4
