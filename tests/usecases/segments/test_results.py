"""Tests of the segmentation results (revlearn.usecases.segments.results)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from revlearn.usecases.segments.results import SegmentProfiles, plain, records


def test_plain_values_are_json_ready():
    assert plain(np.float64(1.5)) == 1.5 and isinstance(plain(np.int64(3)), int)
    assert plain(float("nan")) is None and plain(np.inf) is None and plain("x") == "x"
    rows = records(pd.DataFrame({"a": [1.0, np.nan], "b": ["x", "y"]}))
    assert rows == [{"a": 1.0, "b": "x"}, {"a": None, "b": "y"}]


def test_profiles_round_trip_to_json():
    segments = pd.DataFrame({"segment": [0], "name": ["all"], "size": [3], "share": [1.0]})
    traits = pd.DataFrame({"segment": [0], "trait": ["age"], "index": [np.nan]})
    profiles = SegmentProfiles(segments=segments, traits=traits)
    doc = json.loads(json.dumps(profiles.to_dict(), allow_nan=False))
    assert doc["segments"][0]["name"] == "all" and doc["traits"][0]["index"] is None
